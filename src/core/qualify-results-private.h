/* qualify-results-private.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "qualify-fields.h"
#include "qualify-store.h"

G_BEGIN_DECLS

/* Per-lead results are stored in blocks of consecutive leads (see
 * qualify-results.c) and read through the virtual table "results". */

/* Leads per block the scorer writes (a block may hold fewer). */
#define QUALIFY_RESULTS_BLOCK 4096

/* One lead's stored result. Times and the model version are 0 when unset. */
typedef struct
{
  gint64         lead_id;
  double         fit;
  double         engagement;    /* score = fit + engagement */
  gint64         mql_at;
  gint64         sql_at;
  gint64         scored_at;
  gint64         model_version;
  QualifyStatus  status;
  char           grade[8];      /* NUL-terminated */
} QualifyResult;

/* Packs @n results (lead ids strictly ascending, @n ≥ 1) into a block. The
 * same rows always give the same bytes. */
GBytes   *_qualify_results_encode           (const QualifyResult  *rows,
                                             guint                 n);
/* The checksum stored at offset 16 of a block (of bytes 4–15 and 24–end;
 * @len ≥ 24). */
guint64   _qualify_results_block_checksum   (const guint8         *data,
                                             gsize                 len);
/* Unpacks a block; FALSE (nothing allocated) when it is damaged. */
gboolean  _qualify_results_decode           (const guint8         *data,
                                             gsize                 len,
                                             QualifyResult       **rows,
                                             guint                *n);

/* Walks every stored block in lead order, inside the caller's transaction.
 * @func returns FALSE to stop (and sets its error). A damaged block is an
 * error. */
typedef gboolean (*QualifyResultsBlockFunc) (gint64               first_lead_id,
                                             GBytes              *data,
                                             const QualifyResult *rows,
                                             guint                n,
                                             gpointer             user_data,
                                             GError             **error);
gboolean  _qualify_results_foreach_block    (QualifyStore         *store,
                                             QualifyResultsBlockFunc func,
                                             gpointer              user_data,
                                             GError              **error);

/* Saves (inserts or replaces) the block starting at rows[0], or deletes the
 * block starting at @first_lead_id (@rows NULL). */
gboolean  _qualify_results_put_block        (QualifyStore         *store,
                                             sqlite3_stmt        **cache,
                                             const QualifyResult  *rows,
                                             guint                 n,
                                             GBytes               *data,
                                             GError              **error);
gboolean  _qualify_results_delete_block     (QualifyStore         *store,
                                             gint64                first_lead_id,
                                             GError              **error);

/* Registers the "qualify_results" module on every connection this process
 * opens (an auto extension); idempotent. */
void      _qualify_results_register_module  (void);
/* Registers it on @db (the loadable extension does). */
int       _qualify_results_create_module    (sqlite3              *db);

/* Schema 3 → 4: moves the rows of the results table into blocks and makes
 * "results" the virtual table over them. */
gboolean  _qualify_results_migrate          (QualifyStore         *store,
                                             GError              **error);

G_END_DECLS
