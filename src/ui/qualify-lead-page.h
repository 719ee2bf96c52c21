/* qualify-lead-page.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* "Why this score": one lead with its score breakdown (a waterfall of every
 * contribution from the core's explanation, summing to the score, with the MQL
 * threshold), its activity and its status history. Loaded in a worker thread.
 * The back button activates "win.go-back". */

#define QUALIFY_TYPE_LEAD_PAGE (qualify_lead_page_get_type ())
G_DECLARE_FINAL_TYPE (QualifyLeadPage, qualify_lead_page, QUALIFY, LEAD_PAGE, GtkWidget)

void          qualify_lead_page_load                 (QualifyLeadPage *self,
                                                      const char      *workspace_path,
                                                      gint64           lead_id);
gint64        qualify_lead_page_get_lead_id          (QualifyLeadPage *self);
gboolean      qualify_lead_page_get_loading          (QualifyLeadPage *self);
/* Rows of the breakdown: one per contribution, then the total row. Each row has
 * its QualifyScoreBar as object data "score-bar" and the total row has data
 * "total" set. */
GtkListBox   *qualify_lead_page_get_breakdown_list   (QualifyLeadPage *self);
GtkLabel     *qualify_lead_page_get_score_label      (QualifyLeadPage *self);
GtkListBox   *qualify_lead_page_get_events_list      (QualifyLeadPage *self);
/* The plain text "Copy Explanation" puts on the clipboard, or NULL. */
const char   *qualify_lead_page_get_explanation_text (QualifyLeadPage *self);
void          qualify_lead_page_copy_explanation     (QualifyLeadPage *self);

G_END_DECLS
