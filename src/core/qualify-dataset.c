/* qualify-dataset.c — being written */
#include "config.h"
#include "qualify-dataset.h"
