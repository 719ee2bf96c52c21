/* qualify-export-dialog.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUALIFY_TYPE_EXPORT_DIALOG (qualify_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (QualifyExportDialog, qualify_export_dialog, QUALIFY, EXPORT_DIALOG, AdwWindow)

/* A modal dialog, transient for @parent, that writes the hand-off list of the
 * workspace at @workspace_path to a CSV or JSON file.
 *
 * Signals:
 *   "exported" (guint64 n_leads, GFile *file): after the file was written. */
GtkWindow         *qualify_export_dialog_new           (GtkWindow           *parent,
                                                        const char          *workspace_path);
/* Sets the destination without asking (tests, or a remembered choice). */
void               qualify_export_dialog_set_file      (QualifyExportDialog *self,
                                                        GFile               *file);
/* Shows @file in the file manager (org.freedesktop.FileManager1), or opens its
 * folder with the default handler when no file manager answers. */
void               qualify_export_dialog_open_folder   (GFile               *file);

G_END_DECLS
