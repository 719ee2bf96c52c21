/* qualify-export.c — being written */
#include "config.h"
#include "qualify-export.h"
