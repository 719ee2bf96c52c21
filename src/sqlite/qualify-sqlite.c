/* qualify-sqlite.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmodule.h>
#include <sqlite3.h>

#include "qualify-results-private.h"

/* A loadable SQLite extension, so other tools can read a workspace's results
 * (a virtual table over packed blocks, see qualify-results.c):
 *
 *   sqlite3 -cmd '.load /usr/lib/x86_64-linux-gnu/qualify/qualify' WORKSPACE.qualify
 *
 * It calls SQLite directly rather than through the extension API table, so it
 * loads into programs linked with the system's libsqlite3 (the sqlite3 shell,
 * Python's sqlite3 module on Debian). */

G_MODULE_EXPORT int sqlite3_qualify_init (sqlite3                           *db,
                                          char                             **err,
                                          const struct sqlite3_api_routines *api);

int
sqlite3_qualify_init (sqlite3                           *db,
                      char                             **err,
                      const struct sqlite3_api_routines *api)
{
  return _qualify_results_create_module (db);
}
