/* qualify-handoff-page.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUALIFY_TYPE_HANDOFF_PAGE (qualify_handoff_page_get_type ())
G_DECLARE_FINAL_TYPE (QualifyHandoffPage, qualify_handoff_page, QUALIFY, HANDOFF_PAGE, AdwBin)

/* The Hand-off view: CRM endpoints, the delivery queue and its log, Push Now.
 * Signal "open-lead" (gint64 lead id) when a log row is activated. */
GtkWidget  *qualify_handoff_page_new            (void);
/* NULL = no workspace; the same path again = reload (after a rescore). */
void        qualify_handoff_page_set_workspace  (QualifyHandoffPage *self,
                                                 const char         *path);

/* Pushes to the endpoints whose "push after each rescore" is on (the window
 * calls this after an import or a rescore). */
void        qualify_handoff_page_auto_push      (QualifyHandoffPage *self);

/* The page's and the endpoint dialog's style sheet, loaded once per process. */
void        _qualify_handoff_ensure_css         (void);
/* A heading over a read-only monospace text box (test requests and responses). */
GtkWidget  *_qualify_handoff_code_view          (const char         *title,
                                                 const char         *text,
                                                 int                 min_height);

/* For tests */
void        _qualify_handoff_page_get_counts    (QualifyHandoffPage *self,
                                                 guint64            *pending,
                                                 guint64            *delivered,
                                                 guint64            *failed);
guint       _qualify_handoff_page_get_n_endpoints (QualifyHandoffPage *self);
guint       _qualify_handoff_page_get_n_log_rows (QualifyHandoffPage *self);
/* A push, or a keyring call, is running. */
gboolean    _qualify_handoff_page_is_busy       (QualifyHandoffPage *self);
/* The subtitle of log row @index (newest first). */
const char *_qualify_handoff_page_get_log_subtitle (QualifyHandoffPage *self,
                                                    guint               index);
/* The log row @index, e.g. to press its Retry Now / Discard buttons. */
GtkWidget  *_qualify_handoff_page_get_log_row   (QualifyHandoffPage *self,
                                                 guint               index);
/* The subtitle of endpoint @name's row, and the text of its state line ("" when
 * it is active without failures). */
const char *_qualify_handoff_page_get_endpoint_subtitle (QualifyHandoffPage *self,
                                                         const char         *name);
const char *_qualify_handoff_page_get_endpoint_state    (QualifyHandoffPage *self,
                                                         const char         *name);
/* The progress line shown during the last push ("" before any). */
const char *_qualify_handoff_page_get_progress_text (QualifyHandoffPage *self);

G_END_DECLS
