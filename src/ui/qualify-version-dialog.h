/* qualify-version-dialog.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUALIFY_TYPE_VERSION_DIALOG (qualify_version_dialog_get_type ())
G_DECLARE_FINAL_TYPE (QualifyVersionDialog, qualify_version_dialog, QUALIFY, VERSION_DIALOG, AdwWindow)

/* The model history of a workspace: versions (date, note, MQL count when
 * applied), one version read-only, two compared rule by rule.
 * Signals: "restore" (gint64 version) after the user confirmed, "edit"
 * (gint64 version) to load a version into the editor as a draft. */
GtkWidget *qualify_version_dialog_new          (GtkWindow            *parent,
                                                const char           *path,
                                                GError              **error);

/* For tests */
guint      _qualify_version_dialog_get_n_versions (QualifyVersionDialog *self);
/* Shows the comparison of two versions; returns the number of differences. */
guint      _qualify_version_dialog_compare       (QualifyVersionDialog *self,
                                                  gint64                old_version,
                                                  gint64                new_version);
/* The text of the comparison shown (one line per difference). */
const char *_qualify_version_dialog_get_compare_text (QualifyVersionDialog *self);

G_END_DECLS
