/* qualify-rule-row.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-rule-row"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "qualify-parse.h"
#include "qualify-rule-row.h"

struct _QualifyRuleRow
{
  AdwExpanderRow      parent_instance;

  QualifyRuleKind     kind;
  char               *id;
  GStrv               fields;
  GHashTable         *kinds;          /* field → kind + 1 */
  GArray             *ops;            /* of QualifyOp offered, same order as op_row's model */
  QualifyValueKind    value_kind;
  guint               silent;

  /* header */
  GtkWidget          *stats_label;
  GtkWidget          *warning;
  GtkSpinButton      *points;
  GtkSwitch          *enabled;

  /* fit / disqualify */
  AdwComboRow        *field_row;
  AdwComboRow        *op_row;
  /* the value (fit/disqualify) or the event type (engagement) */
  QualifyValueEditor *value;
  /* engagement */
  GtkEditable        *match;
  GtkSpinButton      *half_life;
  GtkSpinButton      *cap;
  GtkSpinButton      *within;

  GtkEditable        *label;
  GtkWidget          *up_button;
  GtkWidget          *down_button;
  GtkWidget          *error_row;
  GtkWidget          *error_label;
  GtkWidget          *invalid_widget;
  char               *error;
};

G_DEFINE_FINAL_TYPE (QualifyRuleRow, qualify_rule_row, ADW_TYPE_EXPANDER_ROW)

enum { CHANGED, ACTION, SUGGEST, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
field_display (const char *field)
{
  return field;
}

const char *
qualify_op_get_display_name (QualifyOp op)
{
  switch (op)
    {
    case QUALIFY_OP_EQUALS:       return _("is");
    case QUALIFY_OP_NOT_EQUALS:   return _("is not");
    case QUALIFY_OP_IN:           return _("is one of");
    case QUALIFY_OP_NOT_IN:       return _("is none of");
    case QUALIFY_OP_CONTAINS:     return _("contains any of");
    case QUALIFY_OP_NOT_CONTAINS: return _("contains none of");
    case QUALIFY_OP_STARTS_WITH:  return _("starts with any of");
    case QUALIFY_OP_ENDS_WITH:    return _("ends with any of");
    case QUALIFY_OP_GTE:          return _("is at least");
    case QUALIFY_OP_LTE:          return _("is at most");
    case QUALIFY_OP_BETWEEN:      return _("is between");
    case QUALIFY_OP_IS_SET:       return _("is set");
    case QUALIFY_OP_IS_EMPTY:     return _("is empty");
    case QUALIFY_OP_DOMAIN_IN:    return _("has an email domain in");
    case QUALIFY_OP_HAS_ANY:      return _("has any of");
    case QUALIFY_N_OPS:
    default:                      return "?";
    }
}

/* contains / starts_with / ends_with take a string or a list: edit them as a list */
static QualifyOperand
operand_for (QualifyOp        op,
             QualifyValueKind kind)
{
  QualifyOperand operand = qualify_op_get_operand (op, kind);

  if (operand == QUALIFY_OPERAND_TEXT &&
      (op == QUALIFY_OP_CONTAINS || op == QUALIFY_OP_NOT_CONTAINS ||
       op == QUALIFY_OP_STARTS_WITH || op == QUALIFY_OP_ENDS_WITH))
    return QUALIFY_OPERAND_LIST;
  return operand;
}

static QualifyValueKind
kind_of (QualifyRuleRow *self,
         const char     *field)
{
  gpointer kind = self->kinds ? g_hash_table_lookup (self->kinds, field) : NULL;

  return kind != NULL ? (QualifyValueKind) (GPOINTER_TO_INT (kind) - 1) : qualify_field_kind_for (field);
}

static char *
format_g (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", value));
}

static gboolean
spin_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  const char *zero_text = user_data;
  double value = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = NULL;

  if (value == 0 && zero_text != NULL)
    text = g_strdup (zero_text);
  else
    text = format_g (value);
  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* "No decay" (any text that is not a number) reads as 0 where 0 has a name;
 * elsewhere text that is not a number is refused and the value stays. */
static int
spin_input_cb (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  const char *zero_text = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text)
    {
      if (zero_text == NULL)
        return GTK_INPUT_ERROR;
      *new_value = 0;
      return TRUE;
    }
  *new_value = value;
  return TRUE;
}

static GtkSpinButton *
new_spin (double      lower,
          double      upper,
          double      value,
          const char *a11y_label,
          const char *zero_text)
{
  /* the editor's range never clamps a value the model already has */
  GtkWidget *spin = gtk_spin_button_new_with_range (MIN (lower, value), MAX (upper, value), 1);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), zero_text ? 8 : 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y_label, -1);
  gtk_widget_set_tooltip_text (spin, a11y_label);
  g_signal_connect (spin, "output", G_CALLBACK (spin_output_cb), (gpointer) zero_text);
  g_signal_connect (spin, "input", G_CALLBACK (spin_input_cb), (gpointer) zero_text);
  spin_output_cb (GTK_SPIN_BUTTON (spin), (gpointer) zero_text);
  return GTK_SPIN_BUTTON (spin);
}

static double
member_double (JsonObject *rule,
               const char *member)
{
  JsonNode *node = json_object_has_member (rule, member) ? json_object_get_member (rule, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtod (json_node_get_string (node), NULL);
  return json_node_get_double (node);
}

static const char *
member_string (JsonObject *rule,
               const char *member)
{
  JsonNode *node = json_object_has_member (rule, member) ? json_object_get_member (rule, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

static void
set_number (JsonObject *object,
            const char *member,
            double      value)
{
  if (value == (double) (gint64) value && ABS (value) < 1e15)
    json_object_set_int_member (object, member, (gint64) value);
  else
    json_object_set_double_member (object, member, value);
}

/* Header texts */

static void
update_summary (QualifyRuleRow *self)
{
  g_autofree char *summary = NULL;
  const char *label = gtk_editable_get_text (self->label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), *label ? label : self->id);
  if (self->kind == QUALIFY_RULE_ENGAGEMENT)
    {
      g_autoptr(JsonNode) event = qualify_value_editor_dup_value (self->value);
      const char *pattern = gtk_editable_get_text (self->match);
      double hl = gtk_spin_button_get_value (self->half_life);
      double cap = gtk_spin_button_get_value (self->cap);
      double within = gtk_spin_button_get_value (self->within);
      GString *s = g_string_new (event ? json_node_get_string (event) : "");

      if (*pattern)
        g_string_append_printf (s, " · %s", pattern);
      if (hl > 0)
        /* Translators: engagement points halve every N days */
        g_string_append_printf (s, _(" · halves every %g d"), hl);
      else
        g_string_append (s, _(" · no decay"));
      if (cap > 0)
        g_string_append_printf (s, _(" · cap %g"), cap);
      if (within > 0)
        g_string_append_printf (s, _(" · last %g days"), within);
      summary = g_string_free (s, FALSE);
    }
  else
    {
      g_autofree char *value = qualify_value_editor_dup_summary (self->value);
      QualifyOp op = g_array_index (self->ops, QualifyOp, adw_combo_row_get_selected (self->op_row));

      summary = g_strdup_printf ("%s %s %s", field_display (qualify_rule_row_get_field (self)),
                                 qualify_op_get_display_name (op), value);
    }
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), summary);
}

static void
emit_changed (QualifyRuleRow *self)
{
  if (self->silent > 0)
    return;
  update_summary (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
something_changed_cb (QualifyRuleRow *self)
{
  emit_changed (self);
}

/* Operators follow the field's kind */

static void
fill_ops (QualifyRuleRow *self,
          QualifyOp       wanted)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint selected = 0;
  gboolean found = FALSE;

  g_array_set_size (self->ops, 0);
  for (QualifyOp op = 0; op < QUALIFY_N_OPS; op++)
    if (qualify_op_valid_for_kind (op, self->value_kind))
      {
        if (op == wanted)
          {
            selected = self->ops->len;
            found = TRUE;
          }
        g_array_append_val (self->ops, op);
        gtk_string_list_append (names, qualify_op_get_display_name (op));
      }
  /* an operator the kind does not list (e.g. a custom field's guess) stays offered */
  if (!found && wanted < QUALIFY_N_OPS && wanted != (QualifyOp) -1)
    {
      selected = self->ops->len;
      g_array_append_val (self->ops, wanted);
      gtk_string_list_append (names, qualify_op_get_display_name (wanted));
      found = TRUE;
    }
  if (!found)
    {
      /* the natural default per kind */
      QualifyOp preferred = self->value_kind == QUALIFY_VALUE_KIND_NUMBER ? QUALIFY_OP_GTE :
                            self->value_kind == QUALIFY_VALUE_KIND_LIST ? QUALIFY_OP_HAS_ANY :
                            self->value_kind == QUALIFY_VALUE_KIND_TIMESTAMP ? QUALIFY_OP_GTE : QUALIFY_OP_IN;

      for (guint i = 0; i < self->ops->len; i++)
        if (g_array_index (self->ops, QualifyOp, i) == preferred)
          selected = i;
    }
  self->silent++;
  adw_combo_row_set_model (self->op_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->op_row, selected);
  self->silent--;
}

static void
update_operand (QualifyRuleRow *self)
{
  QualifyOp op = g_array_index (self->ops, QualifyOp, adw_combo_row_get_selected (self->op_row));

  self->silent++;
  qualify_value_editor_set_operand (self->value, operand_for (op, self->value_kind));
  self->silent--;
}

static void
op_selected_cb (QualifyRuleRow *self)
{
  if (self->silent > 0)
    return;
  update_operand (self);
  emit_changed (self);
}

static void
field_selected_cb (QualifyRuleRow *self)
{
  QualifyOp current;
  const char *field;

  if (self->silent > 0)
    return;
  field = qualify_rule_row_get_field (self);
  current = g_array_index (self->ops, QualifyOp, adw_combo_row_get_selected (self->op_row));
  self->value_kind = kind_of (self, field);
  fill_ops (self, qualify_op_valid_for_kind (current, self->value_kind) ? current : (QualifyOp) -1);
  update_operand (self);
  qualify_value_editor_set_suggestions (self->value, NULL);
  g_signal_emit (self, signals[SUGGEST], 0, field);
  emit_changed (self);
}

static void
enabled_cb (QualifyRuleRow *self)
{
  if (gtk_switch_get_active (self->enabled))
    gtk_widget_remove_css_class (GTK_WIDGET (self), "rule-off");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "rule-off");
  emit_changed (self);
}

static void
action_clicked_cb (GtkButton      *button,
                   QualifyRuleRow *self)
{
  g_signal_emit (self, signals[ACTION], 0, g_object_get_data (G_OBJECT (button), "action"));
}

static void
expanded_cb (QualifyRuleRow *self)
{
  /* ask for values to offer the first time the editor is opened */
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self)) &&
      !g_object_get_data (G_OBJECT (self), "asked"))
    {
      g_object_set_data (G_OBJECT (self), "asked", GINT_TO_POINTER (1));
      g_signal_emit (self, signals[SUGGEST], 0,
                     self->kind == QUALIFY_RULE_ENGAGEMENT ? "event-types" : qualify_rule_row_get_field (self));
    }
}

/* Building */

static GtkWidget *
editor_row (const char *title,
            GtkWidget  *editor)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), editor);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static GtkWidget *
spin_row (QualifyRuleRow *self,
          const char     *title,
          const char     *subtitle,
          GtkSpinButton  *spin)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (spin));
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (something_changed_cb), self, G_CONNECT_SWAPPED);
  return row;
}

static GtkWidget *
action_button (QualifyRuleRow *self,
               const char     *icon,
               const char     *label,
               const char     *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "action", (gpointer) action);
  g_signal_connect_object (button, "clicked", G_CALLBACK (action_clicked_cb), self, 0);
  return button;
}

static void
build (QualifyRuleRow *self,
       JsonObject     *rule)
{
  AdwExpanderRow *expander = ADW_EXPANDER_ROW (self);
  GtkWidget *row, *box, *remove;
  const char *label;

  self->id = g_strdup (member_string (rule, "id"));

  /* header: what it matches, points, on/off (add_action prepends: added right to left) */
  self->enabled = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (self->enabled, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->enabled), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->enabled), _("Use this rule in the draft"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->enabled), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Use this rule in the draft"), -1);
  g_signal_connect_object (self->enabled, "notify::active", G_CALLBACK (enabled_cb), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_action (expander, GTK_WIDGET (self->enabled));

  if (self->kind != QUALIFY_RULE_DISQUALIFY)
    {
      self->points = new_spin (-100, 100, member_double (rule, "points"), _("Points"), NULL);
      g_signal_connect_object (self->points, "value-changed", G_CALLBACK (something_changed_cb), self,
                               G_CONNECT_SWAPPED);
      adw_expander_row_add_action (expander, GTK_WIDGET (self->points));
    }

  self->warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->warning, "error");
  gtk_widget_set_visible (self->warning, FALSE);
  adw_expander_row_add_action (expander, self->warning);

  self->stats_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->stats_label), 1);
  gtk_label_set_justify (GTK_LABEL (self->stats_label), GTK_JUSTIFY_RIGHT);
  gtk_label_set_width_chars (GTK_LABEL (self->stats_label), 12);
  gtk_widget_add_css_class (self->stats_label, "dim-label");
  gtk_widget_add_css_class (self->stats_label, "caption");
  gtk_widget_add_css_class (self->stats_label, "numeric");
  gtk_widget_set_valign (self->stats_label, GTK_ALIGN_CENTER);
  adw_expander_row_add_action (expander, self->stats_label);

  self->value = QUALIFY_VALUE_EDITOR (qualify_value_editor_new ());
  g_signal_connect_object (self->value, "changed", G_CALLBACK (something_changed_cb), self, G_CONNECT_SWAPPED);

  if (self->kind == QUALIFY_RULE_ENGAGEMENT)
    {
      g_autoptr(JsonNode) event = json_node_init_string (json_node_alloc (), member_string (rule, "event"));
      GtkWidget *match_row = adw_entry_row_new ();

      qualify_value_editor_set_operand (self->value, QUALIFY_OPERAND_TEXT);
      qualify_value_editor_set_value (self->value, event);
      qualify_value_editor_set_placeholder (self->value, _("e.g. page_view"));
      adw_expander_row_add_row (expander, editor_row (_("Event Type"), GTK_WIDGET (self->value)));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (match_row),
                                     _("Detail Pattern (e.g. /pricing* — empty matches any)"));
      gtk_editable_set_text (GTK_EDITABLE (match_row), member_string (rule, "match"));
      self->match = GTK_EDITABLE (match_row);
      g_signal_connect_object (match_row, "changed", G_CALLBACK (something_changed_cb), self, G_CONNECT_SWAPPED);
      adw_expander_row_add_row (expander, match_row);

      self->half_life = new_spin (0, 3650, member_double (rule, "half_life_days"), _("Half-life in days"),
                                  _("No decay"));
      adw_expander_row_add_row (expander, spin_row (self, _("Half-Life (days)"),
                                                    _("Points halve every this many days; 0 = no decay"),
                                                    self->half_life));
      self->cap = new_spin (0, 10000, member_double (rule, "cap"), _("Cap"), _("No cap"));
      adw_expander_row_add_row (expander, spin_row (self, _("Cap"),
                                                    _("The most (or least) this rule adds up to; 0 = no cap"),
                                                    self->cap));
      self->within = new_spin (0, 3650, member_double (rule, "within_days"), _("Only the last N days"),
                               _("All time"));
      adw_expander_row_add_row (expander, spin_row (self, _("Only the Last (days)"),
                                                    _("Ignore older events; 0 = all time"),
                                                    self->within));
    }
  else
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
      const char *field = member_string (rule, "field");
      QualifyOp op = QUALIFY_OP_IN;
      guint selected = G_MAXUINT;
      guint n = 0;

      qualify_op_from_string (member_string (rule, "op"), &op);
      for (guint i = 0; self->fields != NULL && self->fields[i] != NULL; i++, n++)
        {
          gtk_string_list_append (names, self->fields[i]);
          if (g_str_equal (self->fields[i], field))
            selected = i;
        }
      if (selected == G_MAXUINT)
        {
          /* a field the workspace does not have (yet) stays selectable */
          gtk_string_list_append (names, field);
          selected = n;
        }
      self->field_row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->field_row), _("Field"));
      adw_combo_row_set_model (self->field_row, G_LIST_MODEL (names));
      adw_combo_row_set_selected (self->field_row, selected);
      adw_expander_row_add_row (expander, GTK_WIDGET (self->field_row));

      self->op_row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->op_row), _("Condition"));
      self->value_kind = kind_of (self, field);
      fill_ops (self, op);
      adw_expander_row_add_row (expander, GTK_WIDGET (self->op_row));

      update_operand (self);
      self->silent++;
      qualify_value_editor_set_value (self->value, json_object_get_member (rule, "value"));
      self->silent--;
      adw_expander_row_add_row (expander, editor_row (_("Value"), GTK_WIDGET (self->value)));

      g_signal_connect_object (self->field_row, "notify::selected", G_CALLBACK (field_selected_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->op_row, "notify::selected", G_CALLBACK (op_selected_cb), self,
                               G_CONNECT_SWAPPED);
    }

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Label"));
  label = member_string (rule, "label");
  gtk_editable_set_text (GTK_EDITABLE (row), label);
  self->label = GTK_EDITABLE (row);
  g_signal_connect_object (row, "changed", G_CALLBACK (something_changed_cb), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_row (expander, row);

  /* the error, when the core refuses the draft because of this rule */
  self->error_row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->error_row), FALSE);
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_widget_set_margin_start (self->error_label, 12);
  gtk_widget_set_margin_end (self->error_label, 12);
  gtk_widget_set_margin_top (self->error_label, 8);
  gtk_widget_set_margin_bottom (self->error_label, 8);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->error_row), self->error_label);
  gtk_widget_set_visible (self->error_row, FALSE);
  adw_expander_row_add_row (expander, self->error_row);

  row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  self->up_button = action_button (self, "go-up-symbolic", _("Move Up"), "up");
  self->down_button = action_button (self, "go-down-symbolic", _("Move Down"), "down");
  gtk_box_append (GTK_BOX (box), self->up_button);
  gtk_box_append (GTK_BOX (box), self->down_button);
  gtk_box_append (GTK_BOX (box), action_button (self, "edit-copy-symbolic", _("Duplicate Rule"), "duplicate"));
  remove = gtk_button_new_with_mnemonic (_("_Remove Rule"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "error");
  gtk_widget_set_hexpand (remove, TRUE);
  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  g_object_set_data (G_OBJECT (remove), "action", (gpointer) "remove");
  g_signal_connect_object (remove, "clicked", G_CALLBACK (action_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  adw_expander_row_add_row (expander, row);

  g_signal_connect_object (self, "notify::expanded", G_CALLBACK (expanded_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  update_summary (self);
}

/* Class */

static void
qualify_rule_row_finalize (GObject *object)
{
  QualifyRuleRow *self = QUALIFY_RULE_ROW (object);

  g_free (self->id);
  g_free (self->error);
  g_strfreev (self->fields);
  g_clear_pointer (&self->kinds, g_hash_table_unref);
  g_array_unref (self->ops);
  G_OBJECT_CLASS (qualify_rule_row_parent_class)->finalize (object);
}

static void
qualify_rule_row_class_init (QualifyRuleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qualify_rule_row_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ACTION] = g_signal_new ("action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SUGGEST] = g_signal_new ("suggest", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
qualify_rule_row_init (QualifyRuleRow *self)
{
  self->ops = g_array_new (FALSE, FALSE, sizeof (QualifyOp));
  gtk_widget_add_css_class (GTK_WIDGET (self), "rule-row");
}

/* Public API */

GtkWidget *
qualify_rule_row_new (QualifyRuleKind     kind,
                      JsonObject         *rule,
                      const char * const *fields,
                      GHashTable         *kinds)
{
  QualifyRuleRow *self;

  g_return_val_if_fail (rule != NULL, NULL);

  self = g_object_new (QUALIFY_TYPE_RULE_ROW, NULL);
  self->kind = kind;
  self->fields = g_strdupv ((char **) fields);
  self->kinds = kinds ? g_hash_table_ref (kinds) : NULL;
  build (self, rule);
  return GTK_WIDGET (self);
}

QualifyRuleKind
qualify_rule_row_get_kind (QualifyRuleRow *self)
{
  return self->kind;
}

const char *
qualify_rule_row_get_id (QualifyRuleRow *self)
{
  return self->id;
}

void
qualify_rule_row_set_id (QualifyRuleRow *self,
                         const char     *id)
{
  g_return_if_fail (QUALIFY_IS_RULE_ROW (self));

  g_free (self->id);
  self->id = g_strdup (id);
  update_summary (self);
}

const char *
qualify_rule_row_get_field (QualifyRuleRow *self)
{
  GtkStringObject *item;

  if (self->field_row == NULL)
    return NULL;
  item = adw_combo_row_get_selected_item (self->field_row);
  return item ? gtk_string_object_get_string (item) : "";
}

JsonObject *
qualify_rule_row_dup_rule (QualifyRuleRow *self)
{
  JsonObject *rule = json_object_new ();
  const char *label = gtk_editable_get_text (self->label);

  g_return_val_if_fail (QUALIFY_IS_RULE_ROW (self), rule);

  json_object_set_string_member (rule, "id", self->id);
  if (*label)
    json_object_set_string_member (rule, "label", label);
  if (self->kind == QUALIFY_RULE_ENGAGEMENT)
    {
      JsonNode *event = qualify_value_editor_dup_value (self->value);
      const char *pattern = gtk_editable_get_text (self->match);
      double hl = gtk_spin_button_get_value (self->half_life);
      double cap = gtk_spin_button_get_value (self->cap);
      double within = gtk_spin_button_get_value (self->within);

      json_object_set_member (rule, "event", event);
      if (*pattern)
        json_object_set_string_member (rule, "match", pattern);
      set_number (rule, "points", gtk_spin_button_get_value (self->points));
      if (hl > 0)
        set_number (rule, "half_life_days", hl);
      if (cap > 0)
        set_number (rule, "cap", cap);
      if (within > 0)
        set_number (rule, "within_days", within);
    }
  else
    {
      QualifyOp op = g_array_index (self->ops, QualifyOp, adw_combo_row_get_selected (self->op_row));
      JsonNode *value = qualify_value_editor_dup_value (self->value);

      json_object_set_string_member (rule, "field", qualify_rule_row_get_field (self));
      json_object_set_string_member (rule, "op", qualify_op_to_string (op));
      if (value != NULL)
        json_object_set_member (rule, "value", value);
      if (self->kind == QUALIFY_RULE_FIT)
        set_number (rule, "points", gtk_spin_button_get_value (self->points));
    }
  return rule;
}

gboolean
qualify_rule_row_get_enabled (QualifyRuleRow *self)
{
  return gtk_switch_get_active (self->enabled);
}

void
qualify_rule_row_set_enabled (QualifyRuleRow *self,
                              gboolean        enabled)
{
  g_return_if_fail (QUALIFY_IS_RULE_ROW (self));
  gtk_switch_set_active (self->enabled, enabled);
}

void
qualify_rule_row_set_stats (QualifyRuleRow *self,
                            gboolean        known,
                            guint64         leads,
                            guint64         events)
{
  g_autofree char *text = NULL;
  g_autofree char *nl = NULL;
  g_autofree char *ne = NULL;

  g_return_if_fail (QUALIFY_IS_RULE_ROW (self));

  if (!known)
    {
      gtk_label_set_text (GTK_LABEL (self->stats_label),
                          gtk_switch_get_active (self->enabled) ? "" : _("Off"));
      return;
    }
  nl = qualify_format_count (leads);
  if (self->kind == QUALIFY_RULE_ENGAGEMENT)
    {
      g_autofree char *event_text = NULL;
      g_autofree char *lead_text = NULL;

      ne = qualify_format_count (events);
      /* Translators: what an engagement rule matches now, first line */
      event_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s event", "%s events", events), ne);
      /* Translators: what an engagement rule matches now, second line */
      lead_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s lead", "%s leads", leads), nl);
      text = g_strdup_printf ("%s\n%s", event_text, lead_text);
    }
  else
    /* Translators: how many leads a rule matches now */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s lead", "%s leads", leads), nl);
  gtk_label_set_text (GTK_LABEL (self->stats_label), text);
}

void
qualify_rule_row_set_error (QualifyRuleRow *self,
                            const char     *member,
                            const char     *message)
{
  GtkWidget *target = NULL;

  g_return_if_fail (QUALIFY_IS_RULE_ROW (self));

  if (self->invalid_widget != NULL)
    {
      if (QUALIFY_IS_VALUE_EDITOR (self->invalid_widget))
        qualify_value_editor_set_invalid (QUALIFY_VALUE_EDITOR (self->invalid_widget), FALSE);
      else
        gtk_widget_remove_css_class (self->invalid_widget, "error");
      self->invalid_widget = NULL;
    }
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_widget_set_visible (self->warning, message != NULL);
  gtk_widget_set_visible (self->error_row, message != NULL);
  gtk_widget_set_tooltip_text (self->warning, message);
  gtk_label_set_text (GTK_LABEL (self->error_label), message ? message : "");
  if (message == NULL)
    return;

  if (g_strcmp0 (member, "value") == 0 || g_strcmp0 (member, "event") == 0)
    target = GTK_WIDGET (self->value);
  else if (g_strcmp0 (member, "points") == 0)
    target = GTK_WIDGET (self->points);
  else if (g_strcmp0 (member, "match") == 0)
    target = GTK_WIDGET (self->match);
  else if (g_strcmp0 (member, "half_life_days") == 0)
    target = GTK_WIDGET (self->half_life);
  else if (g_strcmp0 (member, "cap") == 0)
    target = GTK_WIDGET (self->cap);
  else if (g_strcmp0 (member, "within_days") == 0)
    target = GTK_WIDGET (self->within);
  else if (g_strcmp0 (member, "label") == 0 || g_strcmp0 (member, "id") == 0)
    target = GTK_WIDGET (self->label);
  else if (g_strcmp0 (member, "field") == 0)
    target = GTK_WIDGET (self->field_row);
  else if (g_strcmp0 (member, "op") == 0)
    target = GTK_WIDGET (self->op_row);
  if (target != NULL)
    {
      if (QUALIFY_IS_VALUE_EDITOR (target))
        qualify_value_editor_set_invalid (QUALIFY_VALUE_EDITOR (target), TRUE);
      else
        gtk_widget_add_css_class (target, "error");
      self->invalid_widget = target;
    }
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), TRUE);
}

void
qualify_rule_row_set_suggestions (QualifyRuleRow *self,
                                  const char     *for_what,
                                  GPtrArray      *values)
{
  g_return_if_fail (QUALIFY_IS_RULE_ROW (self));

  if (self->kind == QUALIFY_RULE_ENGAGEMENT ? g_strcmp0 (for_what, "event-types") == 0
                                            : g_strcmp0 (for_what, qualify_rule_row_get_field (self)) == 0)
    qualify_value_editor_set_suggestions (self->value, values);
}

void
qualify_rule_row_set_position (QualifyRuleRow *self,
                               gboolean        first,
                               gboolean        last)
{
  gtk_widget_set_sensitive (self->up_button, !first);
  gtk_widget_set_sensitive (self->down_button, !last);
}

GtkSpinButton *
_qualify_rule_row_get_points_spin (QualifyRuleRow *self)
{
  return self->points;
}

GtkSpinButton *
_qualify_rule_row_get_half_life_spin (QualifyRuleRow *self)
{
  return self->half_life;
}

QualifyValueEditor *
_qualify_rule_row_get_value_editor (QualifyRuleRow *self)
{
  return self->value;
}

AdwComboRow *
_qualify_rule_row_get_field_row (QualifyRuleRow *self)
{
  return self->field_row;
}

AdwComboRow *
_qualify_rule_row_get_op_row (QualifyRuleRow *self)
{
  return self->op_row;
}

GtkEditable *
_qualify_rule_row_get_match_entry (QualifyRuleRow *self)
{
  return self->match;
}

GtkEditable *
_qualify_rule_row_get_label_entry (QualifyRuleRow *self)
{
  return self->label;
}

GtkSwitch *
_qualify_rule_row_get_switch (QualifyRuleRow *self)
{
  return self->enabled;
}

const char *
_qualify_rule_row_get_error (QualifyRuleRow *self)
{
  return self->error;
}

const char *
_qualify_rule_row_get_stats_text (QualifyRuleRow *self)
{
  return gtk_label_get_text (GTK_LABEL (self->stats_label));
}

gboolean
_qualify_rule_row_select_op (QualifyRuleRow *self,
                             QualifyOp       op)
{
  for (guint i = 0; self->ops != NULL && i < self->ops->len; i++)
    if (g_array_index (self->ops, QualifyOp, i) == op)
      {
        adw_combo_row_set_selected (self->op_row, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
_qualify_rule_row_select_field (QualifyRuleRow *self,
                                const char     *field)
{
  GListModel *model = adw_combo_row_get_model (self->field_row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), field))
        {
          adw_combo_row_set_selected (self->field_row, i);
          return TRUE;
        }
    }
  return FALSE;
}

void
_qualify_rule_row_activate (QualifyRuleRow *self,
                            const char     *action)
{
  g_signal_emit (self, signals[ACTION], 0, action);
}
