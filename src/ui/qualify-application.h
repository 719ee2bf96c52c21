/* qualify-application.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUALIFY_TYPE_APPLICATION (qualify_application_get_type ())
G_DECLARE_FINAL_TYPE (QualifyApplication, qualify_application, QUALIFY, APPLICATION, AdwApplication)

QualifyApplication *qualify_application_new          (void);
/* The app's settings, or NULL when the schema is not installed (then nothing
 * is remembered). */
GSettings          *qualify_application_get_settings (QualifyApplication *self);
/* The running app's settings when it is Qualify, else (a dialog in a test) the
 * installed schema's; NULL when there is none. */
GSettings          *qualify_application_dup_default_settings (void);
/* An AdwToast showing @text as it is: libadwaita 1.2 reads toast titles as
 * Pango markup, and ours carry file names, rule labels and error messages. */
AdwToast           *qualify_toast_new                (const char         *text);
/* $XDG_DATA_HOME/qualify/demo.qualify */
char               *qualify_application_dup_demo_path (void);

G_END_DECLS
