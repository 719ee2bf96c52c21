/* qualify-endpoint-dialog.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qualify-endpoint.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_ENDPOINT_DIALOG (qualify_endpoint_dialog_get_type ())
G_DECLARE_FINAL_TYPE (QualifyEndpointDialog, qualify_endpoint_dialog, QUALIFY, ENDPOINT_DIALOG, AdwWindow)

/* Adds an endpoint to the workspace at @workspace_path; its secret or token
 * goes to the keyring. Signal "added" (gint64 endpoint id, const char *name). */
GtkWindow *qualify_endpoint_dialog_new (GtkWindow  *parent,
                                        const char *workspace_path);
/* Edits the endpoint called @name instead: the token field may stay empty to
 * keep the one in the keyring. Emits "added" too, after saving. */
GtkWindow *qualify_endpoint_dialog_new_for_edit (GtkWindow  *parent,
                                                 const char *workspace_path,
                                                 const char *name);

/* For tests: fill the form and press Add, as a user would. Returns the error
 * shown, or NULL when the endpoint was added. */
const char *_qualify_endpoint_dialog_submit (QualifyEndpointDialog *self,
                                             const char            *name,
                                             const char            *url,
                                             QualifyEndpointFormat  format,
                                             const char            *token);
const char *_qualify_endpoint_dialog_get_secret (QualifyEndpointDialog *self);
/* The field mapping rows: the CRM property for a Qualify field ("email", "score"…). */
gboolean    _qualify_endpoint_dialog_set_mapping (QualifyEndpointDialog *self,
                                                  const char            *field,
                                                  const char            *property);
const char *_qualify_endpoint_dialog_get_mapping (QualifyEndpointDialog *self,
                                                  const char            *field);
/* Whether Add/Save is enabled (a name and an acceptable URL). */
gboolean    _qualify_endpoint_dialog_can_add  (QualifyEndpointDialog *self);
/* Send Test Event with these form values (nothing saved); runs in a thread. */
gboolean    _qualify_endpoint_dialog_test (QualifyEndpointDialog *self,
                                           const char            *name,
                                           const char            *url,
                                           QualifyEndpointFormat  format,
                                           const char            *token);
gboolean    _qualify_endpoint_dialog_is_testing (QualifyEndpointDialog *self);
const char *_qualify_endpoint_dialog_get_test_request (QualifyEndpointDialog *self);
const char *_qualify_endpoint_dialog_get_test_response (QualifyEndpointDialog *self);

G_END_DECLS
