/* qualify-store-private.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "qualify-store.h"

G_BEGIN_DECLS

/* Schema (see migrations in qualify-store.c):
 *
 *   leads(id, email UNIQUE, first_name … created_at, custom JSON object text, updated_at)
 *     employees / annual_revenue are REAL, created_at INTEGER unix seconds, others TEXT,
 *     empty values are NULL.
 *   event_types(id, name UNIQUE)            names trimmed, lower-case
 *   event_details(id, value UNIQUE)         trimmed, case kept
 *   events(id, lead_id, type_id, detail_id NULL, occurred_at INTEGER unix s, source, import_id)
 *   models(version, name, json, note, created_at, active, mql_count)
 *   results(lead_id, fit, engagement, score, grade, status, mql_at, sql_at, scored_at,
 *           model_version)        virtual table (rowid = lead_id) over
 *   result_blocks(first_lead_id PK, last_lead_id, n, data BLOB)   see qualify-results.c
 *   status_history(id, lead_id, from_status, to_status, at, model_version, reason)
 *   score_runs(id, as_of, started_at, finished_at, model_version, leads, changed,
 *              lead, mql, sql, disqualified)
 *   import_runs(id, kind, file, sha256, encoding, delimiter, mapping, started_at,
 *               finished_at, rows, created, updated, skipped)
 *   settings(key PK, value)
 *   dataset_cache(name PK, stamp, data BLOB)   see qualify-dataset-cache.c
 *   dataset_generation(n)                      bumped by triggers on update/delete of
 *                                              leads, events, event_types, event_details
 */

sqlite3      *_qualify_store_get_db    (QualifyStore  *self);

/* Sets @error from the connection's last error (with @what as context) and
 * returns FALSE; maps SQLITE_FULL, SQLITE_BUSY, SQLITE_INTERRUPT to their codes. */
gboolean      _qualify_store_set_error (QualifyStore  *self,
                                        int            rc,
                                        const char    *what,
                                        GError       **error);
sqlite3_stmt *_qualify_store_prepare   (QualifyStore  *self,
                                        const char    *sql,
                                        GError       **error);
gboolean      _qualify_store_exec      (QualifyStore  *self,
                                        const char    *sql,
                                        GError       **error);
gboolean      _qualify_store_in_transaction (QualifyStore *self);

/* Settings key/value (e.g. saved import mappings). */
char         *_qualify_store_dup_setting (QualifyStore *self,
                                          const char   *key);
gboolean      _qualify_store_set_setting (QualifyStore *self,
                                          const char   *key,
                                          const char   *value,
                                          GError      **error);

/* A cheap 64-bit checksum of a blob (not cryptographic): tells a damaged
 * cache entry or result block apart. */
guint64       _qualify_store_checksum  (const guint8  *data,
                                        gsize          len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
