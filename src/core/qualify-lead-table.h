/* qualify-lead-table.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-store.h"

G_BEGIN_DECLS

/* A compact, read-only, in-memory copy of every lead with its latest result,
 * for lists of a million rows: numbers in flat arrays, strings in one arena.
 * Sorting builds a permutation (radix sort), filtering walks it. Immutable once
 * loaded, so queries may run in any thread. */

typedef enum
{
  QUALIFY_LEAD_COLUMN_NAME,
  QUALIFY_LEAD_COLUMN_COMPANY,
  QUALIFY_LEAD_COLUMN_TITLE,
  QUALIFY_LEAD_COLUMN_GRADE,
  QUALIFY_LEAD_COLUMN_FIT,
  QUALIFY_LEAD_COLUMN_ENGAGEMENT,
  QUALIFY_LEAD_COLUMN_SCORE,
  QUALIFY_LEAD_COLUMN_STATUS,
  QUALIFY_LEAD_COLUMN_MQL_AT,
  QUALIFY_LEAD_COLUMN_LAST_ACTIVITY,
  QUALIFY_LEAD_COLUMN_EMAIL,
  QUALIFY_LEAD_COLUMN_ID,
  QUALIFY_N_LEAD_COLUMNS
} QualifyLeadColumn;

typedef struct
{
  const char *search;      /* NULL or "" = any; case-insensitive substring of name, email or company */
  guint       statuses;    /* bit (1 << QualifyStatus) per status; 0 = any */
  char        grade;       /* grade letter, 0 = any */
} QualifyLeadFilter;

#define QUALIFY_TYPE_LEAD_TABLE (qualify_lead_table_get_type ())
G_DECLARE_FINAL_TYPE (QualifyLeadTable, qualify_lead_table, QUALIFY, LEAD_TABLE, GObject)

/* One SQL pass over leads + results and one over events (last activity). */
QualifyLeadTable *qualify_lead_table_load               (QualifyStore            *store,
                                                         GCancellable            *cancellable,
                                                         GError                 **error);
/* Only the @limit best leads by score (one quick query), to show something in
 * the first frame while the whole table loads. */
QualifyLeadTable *qualify_lead_table_load_preview       (QualifyStore            *store,
                                                         guint                    limit,
                                                         GError                 **error);
gboolean          qualify_lead_table_is_preview         (QualifyLeadTable        *self);
/* Opens its own connection to the workspace at @path in a worker thread and
 * loads everything, or with @preview_limit > 0 only a preview. */
void              qualify_lead_table_load_async         (const char              *path,
                                                         guint                    preview_limit,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
QualifyLeadTable *qualify_lead_table_load_finish        (GAsyncResult            *result,
                                                         GError                 **error);

guint             qualify_lead_table_get_n_leads        (QualifyLeadTable        *self);
/* Seconds the load took (SQL + building), for diagnostics. */
double            qualify_lead_table_get_load_seconds   (QualifyLeadTable        *self);

/* Row accessors; @row is the table row (0 … n_leads − 1, in lead id order). */
gint64            qualify_lead_table_get_id             (QualifyLeadTable        *self,
                                                         guint                    row);
/* Row of @lead_id, or G_MAXUINT. */
guint             qualify_lead_table_find_id            (QualifyLeadTable        *self,
                                                         gint64                   lead_id);
/* "First Last"; "" when the lead has no name (show the email instead). */
const char       *qualify_lead_table_get_name           (QualifyLeadTable        *self,
                                                         guint                    row);
const char       *qualify_lead_table_get_email          (QualifyLeadTable        *self,
                                                         guint                    row);
const char       *qualify_lead_table_get_company        (QualifyLeadTable        *self,
                                                         guint                    row);
const char       *qualify_lead_table_get_title          (QualifyLeadTable        *self,
                                                         guint                    row);
gboolean          qualify_lead_table_get_scored         (QualifyLeadTable        *self,
                                                         guint                    row);
double            qualify_lead_table_get_fit            (QualifyLeadTable        *self,
                                                         guint                    row);
double            qualify_lead_table_get_engagement     (QualifyLeadTable        *self,
                                                         guint                    row);
double            qualify_lead_table_get_score          (QualifyLeadTable        *self,
                                                         guint                    row);
/* "A" … "F"; "" when not scored. */
const char       *qualify_lead_table_get_grade          (QualifyLeadTable        *self,
                                                         guint                    row);
QualifyStatus     qualify_lead_table_get_status         (QualifyLeadTable        *self,
                                                         guint                    row);
gint64            qualify_lead_table_get_mql_at         (QualifyLeadTable        *self,
                                                         guint                    row);
gint64            qualify_lead_table_get_sql_at         (QualifyLeadTable        *self,
                                                         guint                    row);
gint64            qualify_lead_table_get_last_activity  (QualifyLeadTable        *self,
                                                         guint                    row);
/* Leads per status (index QualifyStatus). */
guint             qualify_lead_table_count_status       (QualifyLeadTable        *self,
                                                         QualifyStatus            status);

/* Rows matching @filter (NULL = all) in the order of @sort (numbers and dates
 * descending = largest/newest first; empty text and "never" always last; ties in
 * lead id order). Returns a GArray of guint32 row numbers, or NULL if cancelled.
 * The permutation of the last sort is cached, so a new filter on the same sort
 * only walks it. Thread-safe. */
GArray           *qualify_lead_table_query              (QualifyLeadTable        *self,
                                                         const QualifyLeadFilter *filter,
                                                         QualifyLeadColumn        sort,
                                                         gboolean                 descending,
                                                         GCancellable            *cancellable);
void              qualify_lead_table_query_async        (QualifyLeadTable        *self,
                                                         const QualifyLeadFilter *filter,
                                                         QualifyLeadColumn        sort,
                                                         gboolean                 descending,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
GArray           *qualify_lead_table_query_finish       (QualifyLeadTable        *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);

G_END_DECLS
