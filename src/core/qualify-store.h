/* qualify-store.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qualify-fields.h"

G_BEGIN_DECLS

#define QUALIFY_STORE_ERROR (qualify_store_error_quark ())

typedef enum
{
  QUALIFY_STORE_ERROR_FAILED,          /* SQLite reported an error; message says which */
  QUALIFY_STORE_ERROR_TOO_NEW,         /* workspace written by a newer Qualify */
  QUALIFY_STORE_ERROR_NOT_A_WORKSPACE, /* file is not a SQLite database / not ours */
  QUALIFY_STORE_ERROR_NOT_FOUND,       /* no such lead / model version */
  QUALIFY_STORE_ERROR_DISK_FULL,       /* SQLITE_FULL: nothing was written */
  QUALIFY_STORE_ERROR_BUSY,            /* another process holds the write lock */
  QUALIFY_STORE_ERROR_CANCELLED,       /* interrupted; the transaction was rolled back */
} QualifyStoreError;

/* Bumped by every forward migration in qualify-store.c. */
#define QUALIFY_STORE_SCHEMA_VERSION 5

#define QUALIFY_TYPE_STORE (qualify_store_get_type ())
G_DECLARE_FINAL_TYPE (QualifyStore, qualify_store, QUALIFY, STORE, GObject)

/* One saved scoring-model version. */
typedef struct
{
  gint64    version;
  char     *name;
  char     *note;
  gint64    created_at;   /* unix seconds UTC */
  gboolean  active;
  gint64    mql_count;    /* MQLs right after it was applied, -1 if never scored */
} QualifyModelVersion;

/* One lead with its latest stored result. */
typedef struct
{
  gint64         id;
  char          *values[QUALIFY_N_FIELDS]; /* display text, NULL when empty */
  GHashTable    *custom;                   /* custom field name → value (never NULL) */

  gboolean       scored;
  double         fit;
  double         engagement;
  double         score;
  char           grade[4];
  QualifyStatus  status;
  gint64         mql_at;                   /* unix seconds; 0 = never */
  gint64         sql_at;                   /* unix seconds; 0 = never */
  gint64         scored_at;                /* as-of of the run that wrote the result */
  gint64         model_version;
  gint64         last_activity;            /* newest event, 0 = none */
} QualifyLeadRecord;

typedef struct
{
  gint64  id;
  gint64  occurred_at;  /* unix seconds UTC */
  char   *type;
  char   *detail;       /* may be NULL */
  char   *source;       /* may be NULL */
} QualifyEventRecord;

typedef struct
{
  gint64         at;           /* unix seconds UTC (as-of of the scoring run) */
  QualifyStatus  from;         /* QUALIFY_STATUS_NONE for the first scoring */
  QualifyStatus  to;
  gint64         model_version;
  char          *reason;
} QualifyStatusChange;

typedef enum
{
  QUALIFY_SORT_SCORE,
  QUALIFY_SORT_FIT,
  QUALIFY_SORT_ENGAGEMENT,
  QUALIFY_SORT_NAME,
} QualifySort;

typedef struct
{
  QualifyStatus  status;   /* NONE = any */
  const char    *grade;    /* NULL = any */
  QualifySort    sort;     /* descending for numbers, ascending for name */
  guint          limit;    /* 0 = no limit */
} QualifyLeadQuery;

typedef struct
{
  gint64 leads;
  gint64 events;
  gint64 by_status[QUALIFY_N_STATUSES];
  gint64 last_as_of;       /* as-of of the latest score run, 0 if never scored */
  gint64 model_version;    /* active model, 0 if none */
} QualifyStoreStats;

GQuark               qualify_store_error_quark         (void);

char                *qualify_store_get_default_path    (void);
QualifyStore        *qualify_store_open                (const char          *path,
                                                        GError             **error);
const char          *qualify_store_get_path            (QualifyStore        *self);

gboolean             qualify_store_begin               (QualifyStore        *self,
                                                        GError             **error);
gboolean             qualify_store_commit              (QualifyStore        *self,
                                                        GError             **error);
void                 qualify_store_rollback            (QualifyStore        *self);
void                 qualify_store_interrupt           (QualifyStore        *self);

gboolean             qualify_store_get_stats           (QualifyStore        *self,
                                                        QualifyStoreStats   *stats,
                                                        GError             **error);

/* Models: every saved version is kept; at most one is active. */
gint64               qualify_store_save_model          (QualifyStore        *self,
                                                        const char          *name,
                                                        const char          *json,
                                                        const char          *note,
                                                        gboolean             activate,
                                                        GError             **error);
char                *qualify_store_dup_model_json      (QualifyStore        *self,
                                                        gint64               version,
                                                        GError             **error);
char                *qualify_store_dup_active_model_json (QualifyStore      *self,
                                                        gint64              *version,
                                                        GError             **error);
gboolean             qualify_store_activate_model      (QualifyStore        *self,
                                                        gint64               version,
                                                        GError             **error);
GPtrArray           *qualify_store_list_models         (QualifyStore        *self,
                                                        GError             **error);

/* Leads */
gint64               qualify_store_find_lead           (QualifyStore        *self,
                                                        const char          *email);
QualifyLeadRecord   *qualify_store_get_lead            (QualifyStore        *self,
                                                        gint64               lead_id,
                                                        GError             **error);
GPtrArray           *qualify_store_query_leads         (QualifyStore        *self,
                                                        const QualifyLeadQuery *query,
                                                        GError             **error);
GPtrArray           *qualify_store_get_lead_events     (QualifyStore        *self,
                                                        gint64               lead_id,
                                                        GError             **error);
GPtrArray           *qualify_store_get_status_history  (QualifyStore        *self,
                                                        gint64               lead_id,
                                                        GError             **error);
GStrv                qualify_store_list_custom_fields  (QualifyStore        *self,
                                                        GError             **error);

void                 qualify_model_version_free        (QualifyModelVersion *version);
void                 qualify_lead_record_free          (QualifyLeadRecord   *record);
const char          *qualify_lead_record_get           (QualifyLeadRecord   *record,
                                                        const char          *field);
char                *qualify_lead_record_dup_display_name (QualifyLeadRecord *record);
void                 qualify_event_record_free         (QualifyEventRecord  *record);
void                 qualify_status_change_free        (QualifyStatusChange *change);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyLeadRecord, qualify_lead_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyModelVersion, qualify_model_version_free)

G_END_DECLS
