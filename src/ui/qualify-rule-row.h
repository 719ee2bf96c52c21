/* qualify-rule-row.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "qualify-value-editor.h"

G_BEGIN_DECLS

typedef enum
{
  QUALIFY_RULE_FIT,
  QUALIFY_RULE_DISQUALIFY,
  QUALIFY_RULE_ENGAGEMENT,
} QualifyRuleKind;

#define QUALIFY_TYPE_RULE_ROW (qualify_rule_row_get_type ())
G_DECLARE_FINAL_TYPE (QualifyRuleRow, qualify_rule_row, QUALIFY, RULE_ROW, AdwExpanderRow)

/* One fit, disqualify or engagement rule of the draft, edited in place.
 * Collapsed it shows the label, a summary, what it matches now, its points and
 * an on/off switch; expanded: field, operator (only those valid for the field's
 * kind), the value editor that fits the operator, points, label (or event type,
 * detail pattern, half-life, cap, window), and move / duplicate / remove.
 *
 * @fields: the fields to offer (fit/disqualify), @kinds: field → kind + 1
 * (GINT_TO_POINTER), both may be NULL and are referenced/copied.
 * Signals: "changed" (any edit), "action" (string: "up", "down", "duplicate",
 * "remove"), "suggest" (string: the field or "event-types" whose values the row
 * would like to offer: answer with qualify_rule_row_set_suggestions()). */
GtkWidget       *qualify_rule_row_new             (QualifyRuleKind     kind,
                                                   JsonObject         *rule,
                                                   const char * const *fields,
                                                   GHashTable         *kinds);
QualifyRuleKind  qualify_rule_row_get_kind        (QualifyRuleRow     *self);
const char      *qualify_rule_row_get_id          (QualifyRuleRow     *self);
void             qualify_rule_row_set_id          (QualifyRuleRow     *self,
                                                   const char         *id);
/* The field being edited (fit/disqualify), NULL for engagement rules. */
const char      *qualify_rule_row_get_field       (QualifyRuleRow     *self);
/* The rule as the model's JSON (new object). */
JsonObject      *qualify_rule_row_dup_rule        (QualifyRuleRow     *self);
gboolean         qualify_rule_row_get_enabled     (QualifyRuleRow     *self);
void             qualify_rule_row_set_enabled     (QualifyRuleRow     *self,
                                                   gboolean            enabled);
/* What the rule matches in the latest what-if; @known FALSE = not evaluated. */
void             qualify_rule_row_set_stats       (QualifyRuleRow     *self,
                                                   gboolean            known,
                                                   guint64             leads,
                                                   guint64             events);
/* Shows the validation error of @member ("value", "points", …; NULL = the
 * rule) inline, or clears it (@message NULL). */
void             qualify_rule_row_set_error       (QualifyRuleRow     *self,
                                                   const char         *member,
                                                   const char         *message);
void             qualify_rule_row_set_suggestions (QualifyRuleRow     *self,
                                                   const char         *for_what,
                                                   GPtrArray          *values);
void             qualify_rule_row_set_position    (QualifyRuleRow     *self,
                                                   gboolean            first,
                                                   gboolean            last);

/* Translated name of an operator in a rule editor ("is one of", …). */
const char      *qualify_op_get_display_name      (QualifyOp           op);

/* For tests */
GtkSpinButton      *_qualify_rule_row_get_points_spin    (QualifyRuleRow *self);
GtkSpinButton      *_qualify_rule_row_get_half_life_spin (QualifyRuleRow *self);
QualifyValueEditor *_qualify_rule_row_get_value_editor   (QualifyRuleRow *self);
AdwComboRow        *_qualify_rule_row_get_field_row      (QualifyRuleRow *self);
AdwComboRow        *_qualify_rule_row_get_op_row         (QualifyRuleRow *self);
GtkEditable        *_qualify_rule_row_get_match_entry    (QualifyRuleRow *self);
GtkEditable        *_qualify_rule_row_get_label_entry    (QualifyRuleRow *self);
GtkSwitch          *_qualify_rule_row_get_switch         (QualifyRuleRow *self);
const char         *_qualify_rule_row_get_error          (QualifyRuleRow *self);
const char         *_qualify_rule_row_get_stats_text     (QualifyRuleRow *self);
/* Selects @op in the operator list (as a user would); FALSE if not offered. */
gboolean            _qualify_rule_row_select_op          (QualifyRuleRow *self,
                                                          QualifyOp       op);
gboolean            _qualify_rule_row_select_field       (QualifyRuleRow *self,
                                                          const char     *field);
void                _qualify_rule_row_activate           (QualifyRuleRow *self,
                                                          const char     *action);

G_END_DECLS
