/* qualify-import-dialog-private.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-import-dialog.h"

G_BEGIN_DECLS

/* For tests: they drive the same widgets and code paths a user does. */

/* "choose", "loading", "message", "preview", "progress" or "result". */
const char *_qualify_import_dialog_get_page         (QualifyImportDialog *self);
/* TRUE while the file is being read or checked. */
gboolean    _qualify_import_dialog_is_busy          (QualifyImportDialog *self);
/* Title and description of the "message" page. */
const char *_qualify_import_dialog_get_message      (QualifyImportDialog *self,
                                                     const char         **description);
const char *_qualify_import_dialog_get_encoding     (QualifyImportDialog *self);
char        _qualify_import_dialog_get_delimiter    (QualifyImportDialog *self);
/* Select in the combo rows, as a user would (re-reads the file). */
gboolean    _qualify_import_dialog_select_encoding  (QualifyImportDialog *self,
                                                     const char          *encoding);
gboolean    _qualify_import_dialog_select_delimiter (QualifyImportDialog *self,
                                                     char                 delimiter);
guint       _qualify_import_dialog_get_n_columns    (QualifyImportDialog *self);
/* The description above the column rows (says when a saved mapping is used). */
const char *_qualify_import_dialog_get_columns_description (QualifyImportDialog *self);
/* Returns the header of @column; @target is NULL for ignore and custom. */
const char *_qualify_import_dialog_get_column       (QualifyImportDialog *self,
                                                     guint                column,
                                                     QualifyTargetKind   *kind,
                                                     const char         **target,
                                                     gboolean            *automatic);
gboolean    _qualify_import_dialog_map_column       (QualifyImportDialog *self,
                                                     guint                column,
                                                     QualifyTargetKind    kind,
                                                     const char          *target);
guint       _qualify_import_dialog_get_n_preview_rows (QualifyImportDialog *self);
/* TRUE once the rows were checked with the current settings. */
gboolean    _qualify_import_dialog_get_validation   (QualifyImportDialog *self,
                                                     QualifyImportStats  *stats);
const char *_qualify_import_dialog_get_summary      (QualifyImportDialog *self);
/* FALSE when the events hint shows instead of the summary row. */
gboolean    _qualify_import_dialog_summary_shown    (QualifyImportDialog *self);
/* Title and subtitle of the "looks like an events export" row; NULL when hidden.
 * Activate "import.as-events" to follow it. */
const char *_qualify_import_dialog_get_events_hint  (QualifyImportDialog  *self,
                                                     const char          **subtitle);
QualifyImportKind _qualify_import_dialog_get_kind   (QualifyImportDialog *self);
GFile      *_qualify_import_dialog_get_file         (QualifyImportDialog *self);
/* TRUE once the import finished. */
gboolean    _qualify_import_dialog_get_result       (QualifyImportDialog *self,
                                                     QualifyImportStats  *stats);
/* Cancels the import from its first progress report. */
void        _qualify_import_dialog_cancel_on_progress (QualifyImportDialog *self);
void        _qualify_import_dialog_save_problems    (QualifyImportDialog *self,
                                                     GFile               *file);

G_END_DECLS
