/* qualify-csv-reader.c — being written */
#include "config.h"
#include "qualify-csv-reader.h"
