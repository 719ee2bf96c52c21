/* qualify-window.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qualify-application.h"
#include "qualify-importer.h"
#include "qualify-lead-list.h"
#include "qualify-lead-page.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_WINDOW (qualify_window_get_type ())
G_DECLARE_FINAL_TYPE (QualifyWindow, qualify_window, QUALIFY, WINDOW, AdwApplicationWindow)

QualifyWindow    *qualify_window_new                  (QualifyApplication *application);
/* Opens (creating if needed) the workspace at @path and loads its leads in the
 * background: the best leads show first, the whole list follows. */
void              qualify_window_open_workspace       (QualifyWindow      *self,
                                                       const char         *path);
/* Opens $XDG_DATA_HOME/qualify/demo.qualify, generating it first if missing. */
void              qualify_window_open_demo            (QualifyWindow      *self);
/* File chooser: a new workspace (@create) or an existing one. */
void              qualify_window_choose_workspace     (QualifyWindow      *self,
                                                       gboolean            create);
/* Opens the import dialog for @file (NULL: it asks for a file), creating the
 * default workspace when none is open; after the import the workspace is
 * rescored and reloaded. Returns the dialog, or NULL. */
GtkWindow        *qualify_window_import_file          (QualifyWindow      *self,
                                                       QualifyImportKind   kind,
                                                       GFile              *file);
const char       *qualify_window_get_workspace_path   (QualifyWindow      *self);
/* TRUE while a workspace loads or the demo is generated. */
gboolean          qualify_window_get_loading          (QualifyWindow      *self);
/* Opens the lead page for @lead_id; win.go-back returns to the list. */
void              qualify_window_show_lead            (QualifyWindow      *self,
                                                       gint64              lead_id);
gboolean          qualify_window_get_lead_page_visible (QualifyWindow     *self);
QualifyLeadList  *qualify_window_get_lead_list        (QualifyWindow      *self);
QualifyLeadPage  *qualify_window_get_lead_page        (QualifyWindow      *self);
/* Name of the visible page of the Leads view: "welcome", "loading", "error", "list". */
const char       *qualify_window_get_leads_state      (QualifyWindow      *self);
void              qualify_window_add_toast            (QualifyWindow      *self,
                                                       AdwToast           *toast);
/* Milliseconds from opening the workspace to the first painted frame with rows,
 * and to the whole list being loaded; -1 until known. */
double            qualify_window_get_first_frame_ms   (QualifyWindow      *self);
double            qualify_window_get_full_load_ms     (QualifyWindow      *self);

G_END_DECLS
