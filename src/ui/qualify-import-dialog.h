/* qualify-import-dialog.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qualify-importer.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_IMPORT_DIALOG (qualify_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (QualifyImportDialog, qualify_import_dialog, QUALIFY, IMPORT_DIALOG, AdwWindow)

/* A modal dialog, transient for @parent, that imports leads or events into the
 * workspace at @workspace_path. It opens the file chooser when shown, unless a
 * file was given with qualify_import_dialog_set_file().
 *
 * Signals:
 *   "imported" (const QualifyImportStats *stats): after a successful import. */
GtkWindow         *qualify_import_dialog_new           (GtkWindow           *parent,
                                                        const char          *workspace_path,
                                                        QualifyImportKind    kind);
/* Skips the file chooser and goes straight to the preview of @file. */
void               qualify_import_dialog_set_file      (QualifyImportDialog *self,
                                                        GFile               *file);

G_END_DECLS
