/* qualify-scorer.c — being written */
#include "config.h"
#include "qualify-scorer.h"
