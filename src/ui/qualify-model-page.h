/* qualify-model-page.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qualify-rule-row.h"
#include "qualify-whatif.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_MODEL_PAGE (qualify_model_page_get_type ())
G_DECLARE_FINAL_TYPE (QualifyModelPage, qualify_model_page, QUALIFY, MODEL_PAGE, AdwBin)

/* The Model view: the active model as an editable draft (ICP / fit rules,
 * disqualifiers, engagement rules, hand-raisers, thresholds and grades: add,
 * remove, duplicate, reorder, switch off, edit every member), a live what-if
 * against the active model (debounced, off the main thread), Apply with a note
 * (a new version, rescored), version history (view, compare, restore),
 * import/export and templates.
 * Signals: "open-lead" (gint64 lead id), "applied" (gint64 version). */
GtkWidget                 *qualify_model_page_new            (void);
void                       qualify_model_page_set_workspace  (QualifyModelPage *self,
                                                              const char       *path);

/* For tests */
gboolean                   _qualify_model_page_is_busy       (QualifyModelPage *self);
/* The latest what-if, NULL before the first. */
const QualifyWhatIfResult *_qualify_model_page_get_result    (QualifyModelPage *self);
/* The spin button of the MQL threshold, and of a rule's points (section "fit",
 * "engagement"; @index in the order shown). */
GtkSpinButton             *_qualify_model_page_get_threshold_spin (QualifyModelPage *self);
GtkSpinButton             *_qualify_model_page_get_points_spin (QualifyModelPage *self,
                                                                const char       *section,
                                                                guint             index);
QualifyRuleRow            *_qualify_model_page_get_rule_row  (QualifyModelPage *self,
                                                              const char       *section,
                                                              guint             index);
guint                      _qualify_model_page_get_n_rules   (QualifyModelPage *self,
                                                              const char       *section);
/* Whether Apply… is enabled (valid, changed, not applying). */
gboolean                   _qualify_model_page_can_apply     (QualifyModelPage *self);
/* The history's "Restore" after confirmation: applies @version again. */
void                       _qualify_model_page_restore       (QualifyModelPage *self,
                                                              gint64            version);
/* The draft as a model (NULL when invalid). */
QualifyModel              *_qualify_model_page_dup_draft     (QualifyModelPage *self);
const char                *_qualify_model_page_get_state_text (QualifyModelPage *self);
/* Apply…'s "Apply" response, without the dialog. */
void                       _qualify_model_page_apply         (QualifyModelPage *self,
                                                              const char       *note);
/* Import Model…'s and Export Draft…'s work once a file is chosen. */
gboolean                   _qualify_model_page_import_file   (QualifyModelPage *self,
                                                              GFile            *file,
                                                              GError          **error);
gboolean                   _qualify_model_page_export_file   (QualifyModelPage *self,
                                                              GFile            *file,
                                                              GError          **error);

G_END_DECLS
