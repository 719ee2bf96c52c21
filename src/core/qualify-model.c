/* qualify-model.c — being written */
#include "config.h"
#include "qualify-model.h"
