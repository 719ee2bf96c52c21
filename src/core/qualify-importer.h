/* qualify-importer.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-store.h"

G_BEGIN_DECLS

#define QUALIFY_IMPORT_ERROR (qualify_import_error_quark ())

typedef enum
{
  QUALIFY_IMPORT_ERROR_NO_EMAIL_COLUMN,  /* the file has no column mapped to email */
  QUALIFY_IMPORT_ERROR_BAD_MAPPING,      /* --map names an unknown header or field */
  QUALIFY_IMPORT_ERROR_MISSING_COLUMN,   /* events: no type / occurred_at column */
  QUALIFY_IMPORT_ERROR_CANCELLED,        /* nothing was written */
  QUALIFY_IMPORT_ERROR_ALREADY_IMPORTED, /* events: this very file was imported before */
} QualifyImportError;

typedef enum
{
  QUALIFY_IMPORT_LEADS,
  QUALIFY_IMPORT_EVENTS,
} QualifyImportKind;

/* Where a column goes. */
typedef enum
{
  QUALIFY_TARGET_IGNORE,
  QUALIFY_TARGET_FIELD,   /* a canonical lead field (leads) */
  QUALIFY_TARGET_CUSTOM,  /* a custom lead field named after the header (leads) */
  QUALIFY_TARGET_EVENT,   /* an event column: email, type, detail, occurred_at, source */
} QualifyTargetKind;

typedef struct
{
  char              *header;   /* as in the file */
  QualifyTargetKind  kind;
  char              *target;   /* field name, custom field name, or event column */
  gboolean           automatic;/* chosen by auto-mapping, not by the user */
  gboolean           saved;    /* automatic, from the mapping saved by an earlier
                                  import of a file with the same headers */
} QualifyColumnMapping;

typedef struct
{
  guint64  line;      /* physical line the record starts on */
  char    *reason;    /* e.g. "employees: “lots” is not a number" */
  GStrv    fields;    /* the record as read */
} QualifyImportProblem;

typedef struct
{
  guint64 rows;       /* data records read */
  guint64 created;    /* new leads (events: events inserted) */
  guint64 updated;    /* existing leads updated (events: bare leads created) */
  guint64 skipped;    /* rows with problems */
  gint64  import_id;  /* import_runs row */
  guint64 bare_leads; /* events: leads created for unknown emails (same as updated) */
  guint64 already;    /* events: rows already in the workspace, not added again (run()
                         only; validate() leaves 0) */
} QualifyImportStats;

/* Progress: fraction 0..1 and rows read so far. Called from the thread running
 * the import, at most ~20 times a second. */
typedef void (*QualifyImportProgress) (double   fraction,
                                       guint64  rows,
                                       gpointer user_data);

#define QUALIFY_TYPE_IMPORTER (qualify_importer_get_type ())
G_DECLARE_FINAL_TYPE (QualifyImporter, qualify_importer, QUALIFY, IMPORTER, GObject)

GQuark             qualify_import_error_quark          (void);

QualifyImporter   *qualify_importer_new                (QualifyStore          *store,
                                                        QualifyImportKind      kind,
                                                        const char            *path);
/* Before prepare(): NULL / 0 = detect. */
void               qualify_importer_set_encoding       (QualifyImporter       *self,
                                                        const char            *encoding);
void               qualify_importer_set_delimiter      (QualifyImporter       *self,
                                                        char                   delimiter);
/* The caller keeps the only connection to the workspace for the whole import
 * (the CLI): a leads import into an empty workspace may then bypass the WAL
 * (a rollback journal, still one transaction), which makes it about a quarter
 * faster. Off by default: in the app other views open the workspace meanwhile,
 * and in rollback mode they would wait for the import. */
void               qualify_importer_set_exclusive      (QualifyImporter       *self,
                                                        gboolean               exclusive);
/* "Header=field": field is a canonical field, an event column, "custom" (keep under
 * the header's name), "custom:NAME", or "ignore". Header matching is the same
 * case/space/punctuation-insensitive comparison as auto-mapping. */
gboolean           qualify_importer_add_mapping        (QualifyImporter       *self,
                                                        const char            *spec,
                                                        GError               **error);

/* Opens the file, detects encoding/delimiter, reads the header, maps columns
 * (user mappings, then auto-mapping, leftovers → custom for leads / ignore for
 * events), and reads up to @preview_rows records for preview. */
gboolean           qualify_importer_prepare            (QualifyImporter       *self,
                                                        guint                  preview_rows,
                                                        GError               **error);
const char        *qualify_importer_get_encoding       (QualifyImporter       *self);
char               qualify_importer_get_delimiter      (QualifyImporter       *self);
/* Of QualifyColumnMapping, one per header, in file order. Editable until run(). */
GPtrArray         *qualify_importer_get_mappings       (QualifyImporter       *self);
/* Of GStrv (one per preview record). */
GPtrArray         *qualify_importer_get_preview        (QualifyImporter       *self);

/* Reads the whole file and checks every row without writing anything. */
gboolean           qualify_importer_validate           (QualifyImporter       *self,
                                                        GCancellable          *cancellable,
                                                        QualifyImportStats    *stats,
                                                        GError               **error);

/* Imports in one transaction. Bad rows are skipped and listed in problems;
 * cancelling (or any error) rolls back everything. */
gboolean           qualify_importer_run                (QualifyImporter       *self,
                                                        GCancellable          *cancellable,
                                                        QualifyImportProgress  progress,
                                                        gpointer               user_data,
                                                        QualifyImportStats    *stats,
                                                        GError               **error);
void               qualify_importer_run_async          (QualifyImporter       *self,
                                                        GCancellable          *cancellable,
                                                        QualifyImportProgress  progress,
                                                        gpointer               user_data,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               callback_data);
gboolean           qualify_importer_run_finish         (QualifyImporter       *self,
                                                        GAsyncResult          *result,
                                                        QualifyImportStats    *stats,
                                                        GError               **error);

/* Of QualifyImportProblem, in file order (after validate() or run()). At most
 * 100000 are kept; stats->skipped counts them all. */
GPtrArray         *qualify_importer_get_problems       (QualifyImporter       *self);
/* Writes problems as CSV: line, reason, then the original columns. */
gboolean           qualify_importer_write_problems     (QualifyImporter       *self,
                                                        const char            *path,
                                                        GError               **error);

/* Auto-mapping of one header (exposed for tests and the UI): canonical field name,
 * event column, or NULL when unknown. */
const char        *qualify_importer_guess_target       (QualifyImportKind      kind,
                                                        const char            *header);

G_END_DECLS
