/* qualify-parse.c — being written */
#include "config.h"
#include "qualify-parse.h"
