/* qualify-value-editor.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "qualify-whatif.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_VALUE_EDITOR (qualify_value_editor_get_type ())
G_DECLARE_FINAL_TYPE (QualifyValueEditor, qualify_value_editor, QUALIFY, VALUE_EDITOR, GtkWidget)

/* The operand of a rule, edited as the operator needs it: nothing, one text,
 * a list of chips (with suggestions of values present in the data), a number,
 * or a range. Emits "changed" on every edit. */
GtkWidget      *qualify_value_editor_new             (void);
void            qualify_value_editor_set_operand     (QualifyValueEditor *self,
                                                      QualifyOperand      operand);
QualifyOperand  qualify_value_editor_get_operand     (QualifyValueEditor *self);
/* Shows @value (a JSON string, number or array; NULL = empty) in the current
 * operand's form, without emitting "changed". */
void            qualify_value_editor_set_value       (QualifyValueEditor *self,
                                                      JsonNode           *value);
/* The operand as JSON (NULL for OPERAND_NONE). Text that is not a number in a
 * number editor is returned as a string so the model reports where it is wrong. */
JsonNode       *qualify_value_editor_dup_value       (QualifyValueEditor *self);
/* Values to offer (of QualifyValueCount, copied; NULL = none). */
void            qualify_value_editor_set_suggestions (QualifyValueEditor *self,
                                                      GPtrArray          *values);
/* A short text of the value for a row's subtitle. */
char           *qualify_value_editor_dup_summary     (QualifyValueEditor *self);
void            qualify_value_editor_set_placeholder (QualifyValueEditor *self,
                                                      const char         *text);
/* Marks the editor as holding an invalid value. */
void            qualify_value_editor_set_invalid     (QualifyValueEditor *self,
                                                      gboolean            invalid);

/* For tests: the entry the user types in (text, number, chip or range start),
 * the range end entry, and the chips added. */
GtkEditable    *_qualify_value_editor_get_entry      (QualifyValueEditor *self);
GtkEditable    *_qualify_value_editor_get_range_end  (QualifyValueEditor *self);
guint           _qualify_value_editor_get_n_chips    (QualifyValueEditor *self);
/* Activates the first suggestion shown (as a click would); FALSE if none. */
gboolean        _qualify_value_editor_pick_suggestion (QualifyValueEditor *self);

G_END_DECLS
