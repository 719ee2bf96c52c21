/* qualify-demo.c — being written */
#include "config.h"
#include "qualify-demo.h"
