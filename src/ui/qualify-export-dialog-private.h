/* qualify-export-dialog-private.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-export.h"
#include "qualify-export-dialog.h"

G_BEGIN_DECLS

/* For tests: they drive the same widgets and code paths a user does. */

gboolean    _qualify_export_dialog_is_busy            (QualifyExportDialog *self);
/* Bit (1 << QualifyStatus) per status; toggles the check rows. */
void        _qualify_export_dialog_set_statuses       (QualifyExportDialog *self,
                                                       guint                statuses);
guint       _qualify_export_dialog_get_statuses       (QualifyExportDialog *self);
void        _qualify_export_dialog_set_format         (QualifyExportDialog *self,
                                                       QualifyExportFormat  format);
gboolean    _qualify_export_dialog_set_column_active  (QualifyExportDialog *self,
                                                       const char          *column,
                                                       gboolean             active);
/* The selected columns, in order (NULL-terminated). */
GStrv       _qualify_export_dialog_dup_columns        (QualifyExportDialog *self);
/* Opens or closes the list of columns. */
void        _qualify_export_dialog_set_expanded       (QualifyExportDialog *self,
                                                       gboolean             expanded);
/* The error shown in the dialog, or NULL. */
const char *_qualify_export_dialog_get_error          (QualifyExportDialog *self);

G_END_DECLS
