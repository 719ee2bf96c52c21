/* qualify-export.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-store.h"

G_BEGIN_DECLS

typedef enum
{
  QUALIFY_EXPORT_CSV,
  QUALIFY_EXPORT_JSON,
} QualifyExportFormat;

typedef struct
{
  /* Bit (1 << QualifyStatus) per status to include; 0 = MQL only. */
  guint                statuses;
  QualifyExportFormat  format;
  /* Column names in order; NULL = the default hand-off columns: every canonical
   * lead field, fit, engagement, score, grade, status, mql_at, sql_at, reasons. */
  const char * const  *columns;
} QualifyExportOptions;

/* The default hand-off columns (NULL-terminated, static). */
const char * const *qualify_export_get_default_columns (void);

/* Writes the hand-off list. CSV is RFC 4180 (CRLF, quotes doubled) with OWASP
 * formula-injection protection: a cell starting with = + - @ TAB CR or LF gets a
 * leading '. JSON is an array of objects (numbers as numbers, reasons as a list).
 * Reasons are the top three positive contributions of the lead's explanation. */
gboolean qualify_export_write        (QualifyStore               *store,
                                      const QualifyExportOptions *options,
                                      GOutputStream              *stream,
                                      guint64                    *n_leads,
                                      GCancellable               *cancellable,
                                      GError                    **error);
/* Same, atomically replacing @path (a failure leaves any existing file intact). */
gboolean qualify_export_to_file      (QualifyStore               *store,
                                      const QualifyExportOptions *options,
                                      const char                 *path,
                                      guint64                    *n_leads,
                                      GCancellable               *cancellable,
                                      GError                    **error);

/* One CSV cell: formula-injection guard, then RFC 4180 quoting when needed. */
char    *qualify_csv_escape_cell     (const char                 *value);

G_END_DECLS
