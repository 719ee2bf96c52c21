/* qualify-importer.c — being written */
#include "config.h"
#include "qualify-importer.h"
