/* qualify-value-editor.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-value-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-parse.h"
#include "qualify-value-editor.h"

#define MAX_SHOWN_SUGGESTIONS 8

struct _QualifyValueEditor
{
  GtkWidget       parent_instance;

  QualifyOperand  operand;
  GtkWidget      *none_label;
  GtkWidget      *text_entry;
  GtkWidget      *number_entry;
  GtkWidget      *range_box;
  GtkWidget      *lo_entry;
  GtkWidget      *hi_entry;
  GtkWidget      *list_box;
  GtkWidget      *chips;
  GtkWidget      *chip_entry;
  GtkWidget      *suggestions_box;
  GtkWidget      *suggestions;

  GPtrArray      *items;          /* chips: strings as written */
  GPtrArray      *values;         /* of QualifyValueCount: what the data has */
  guint           silent;         /* > 0 while filling widgets from code */
  gboolean        invalid;
};

G_DEFINE_FINAL_TYPE (QualifyValueEditor, qualify_value_editor, GTK_TYPE_WIDGET)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update_suggestions (QualifyValueEditor *self);

static void
emit_changed (QualifyValueEditor *self)
{
  if (self->silent == 0)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Numbers */

static char *
format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == (double) (gint64) value && ABS (value) < 1e15)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
  return g_strdup (g_ascii_dtostr (buf, sizeof buf, value));
}

/* "10,000,000", " 5000 ", "0.5" → number; anything else → FALSE */
/* The same lenient numbers the importer reads ("1,200", "1.2M", "$5,000,000");
 * ambiguous text such as "1,5,0" is refused rather than guessed. */
static gboolean
parse_number (const char *text,
              double     *value)
{
  const char *p = text;

  while (g_ascii_isspace (*p))
    p++;
  /* "51-200" is a range to the importer (its lower bound); here it is a typo */
  if (*p != '\0' && strchr (p + 1, '-') != NULL && !strstr (p, "e-") && !strstr (p, "E-"))
    return FALSE;
  return qualify_parse_number (p, value);
}

static JsonNode *
number_node (const char *text)
{
  double value;

  if (parse_number (text, &value))
    {
      /* integers stay integers, as the user wrote them */
      if (value == (double) (gint64) value && ABS (value) < 1e15)
        return json_node_init_int (json_node_alloc (), (gint64) value);
      return json_node_init_double (json_node_alloc (), value);
    }
  return json_node_init_string (json_node_alloc (), text);
}

static char *
node_to_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (type == G_TYPE_DOUBLE || type == G_TYPE_INT64)
        return format_number (json_node_get_double (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    }
  return json_to_string (node, FALSE);
}

/* Chips */

static void
chip_clicked_cb (GtkButton          *button,
                 QualifyValueEditor *self)
{
  const char *item = g_object_get_data (G_OBJECT (button), "item");

  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (g_ptr_array_index (self->items, i), item))
      {
        g_ptr_array_remove_index (self->items, i);
        break;
      }
  gtk_flow_box_remove (GTK_FLOW_BOX (self->chips), gtk_widget_get_parent (GTK_WIDGET (button)));
  gtk_widget_set_visible (self->chips, self->items->len > 0);
  gtk_widget_grab_focus (self->chip_entry);
  update_suggestions (self);
  emit_changed (self);
}

static void
append_chip_widget (QualifyValueEditor *self,
                    const char         *item)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (item);
  g_autofree char *tooltip = g_strdup_printf (_("Remove “%s”"), item);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "chip");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_set_data_full (G_OBJECT (button), "item", g_strdup (item), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (chip_clicked_cb), self, 0);
  gtk_flow_box_append (GTK_FLOW_BOX (self->chips), button);
  gtk_widget_set_visible (self->chips, TRUE);
}

static gboolean
has_item (QualifyValueEditor *self,
          const char         *item)
{
  g_autofree char *folded = g_utf8_casefold (item, -1);

  for (guint i = 0; i < self->items->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (g_ptr_array_index (self->items, i), -1);

      if (g_str_equal (folded, other))
        return TRUE;
    }
  return FALSE;
}

/* One chip, exactly as given (a stored value or a suggestion may contain a comma). */
static void
add_item (QualifyValueEditor *self,
          const char         *item)
{
  g_ptr_array_add (self->items, g_strdup (item));
  append_chip_widget (self, item);
}

/* Adds what the user typed, "a, b; c", as three chips (matching is
 * case-insensitive, so "ACME" after "acme" adds nothing); returns whether
 * anything was added. */
static gboolean
add_items (QualifyValueEditor *self,
           const char         *text)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[,;\\n]", text, 0, 0);
  gboolean added = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (parts[i]));

      if (*item == '\0' || has_item (self, item))
        continue;
      add_item (self, item);
      added = TRUE;
    }
  return added;
}

static void
clear_chips (QualifyValueEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->chips)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->chips), child);
  g_ptr_array_set_size (self->items, 0);
  gtk_widget_set_visible (self->chips, FALSE);
}

static void
chip_entry_activate_cb (GtkEntry           *entry,
                        QualifyValueEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (add_items (self, text))
    {
      self->silent++;
      gtk_editable_set_text (GTK_EDITABLE (entry), "");
      self->silent--;
      update_suggestions (self);
      emit_changed (self);
    }
}

/* Suggestions */

static void
suggestion_clicked_cb (GtkButton          *button,
                       QualifyValueEditor *self)
{
  const char *value = g_object_get_data (G_OBJECT (button), "value");

  self->silent++;
  if (self->operand == QUALIFY_OPERAND_LIST)
    {
      if (!has_item (self, value))
        add_item (self, value);
      gtk_editable_set_text (GTK_EDITABLE (self->chip_entry), "");
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->text_entry), value);
  self->silent--;
  update_suggestions (self);
  emit_changed (self);
}

static void
update_suggestions (QualifyValueEditor *self)
{
  GtkWidget *child;
  const char *typed = "";
  g_autofree char *prefix = NULL;
  g_autofree char *typed_folded = NULL;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (self->suggestions)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->suggestions), child);

  if (self->operand == QUALIFY_OPERAND_LIST)
    typed = gtk_editable_get_text (GTK_EDITABLE (self->chip_entry));
  else if (self->operand == QUALIFY_OPERAND_TEXT)
    typed = gtk_editable_get_text (GTK_EDITABLE (self->text_entry));
  prefix = g_utf8_casefold (g_strstrip (g_strdup (typed)), -1);
  typed_folded = g_strdup (prefix);
  /* a value that is exactly one of the data's: offer the others */
  for (guint i = 0; *prefix && self->values != NULL && i < self->values->len; i++)
    {
      g_autofree char *folded = g_utf8_casefold (((QualifyValueCount *) g_ptr_array_index (self->values, i))->value, -1);

      if (g_str_equal (folded, prefix))
        {
          g_free (prefix);
          prefix = g_strdup ("");
          break;
        }
    }

  for (guint i = 0; self->values != NULL && i < self->values->len && shown < MAX_SHOWN_SUGGESTIONS; i++)
    {
      QualifyValueCount *vc = g_ptr_array_index (self->values, i);
      g_autofree char *folded = g_utf8_casefold (vc->value, -1);
      g_autofree char *count = NULL;
      g_autofree char *a11y = NULL;
      GtkWidget *button, *box, *label, *count_label;

      if (*prefix && strstr (folded, prefix) == NULL)
        continue;
      if (self->operand == QUALIFY_OPERAND_LIST && has_item (self, vc->value))
        continue;
      if (self->operand == QUALIFY_OPERAND_TEXT && g_str_equal (folded, typed_folded))
        continue;

      count = qualify_format_count (vc->count);
      button = gtk_button_new ();
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      label = gtk_label_new (vc->value);
      count_label = gtk_label_new (count);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
      gtk_widget_add_css_class (count_label, "dim-label");
      gtk_widget_add_css_class (count_label, "numeric");
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("list-add-symbolic"));
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), count_label);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "suggestion");
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      /* Translators: a suggested value and how many leads or events have it */
      a11y = g_strdup_printf (_("Add “%s” (%s in the data)"), vc->value, count);
      gtk_widget_set_tooltip_text (button, a11y);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
      g_object_set_data_full (G_OBJECT (button), "value", g_strdup (vc->value), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (suggestion_clicked_cb), self, 0);
      gtk_flow_box_append (GTK_FLOW_BOX (self->suggestions), button);
      shown++;
    }
  gtk_widget_set_visible (self->suggestions_box,
                          shown > 0 && (self->operand == QUALIFY_OPERAND_LIST ||
                                        self->operand == QUALIFY_OPERAND_TEXT));
}

static void
entry_changed_cb (GtkEditable        *editable,
                  QualifyValueEditor *self)
{
  if (GTK_WIDGET (editable) == self->text_entry || GTK_WIDGET (editable) == self->chip_entry)
    update_suggestions (self);
  /* typing in the chip entry is not a change until the chip is added */
  if (GTK_WIDGET (editable) != self->chip_entry)
    emit_changed (self);
}

/* Operand switching */

/* The current value as strings, to carry over to another operand. */
static GPtrArray *
dup_strings (QualifyValueEditor *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *text;

  switch (self->operand)
    {
    case QUALIFY_OPERAND_TEXT:
      text = gtk_editable_get_text (GTK_EDITABLE (self->text_entry));
      if (*text)
        g_ptr_array_add (out, g_strdup (text));
      break;
    case QUALIFY_OPERAND_NUMBER:
      text = gtk_editable_get_text (GTK_EDITABLE (self->number_entry));
      if (*text)
        g_ptr_array_add (out, g_strdup (text));
      break;
    case QUALIFY_OPERAND_RANGE:
      g_ptr_array_add (out, g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->lo_entry))));
      g_ptr_array_add (out, g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->hi_entry))));
      break;
    case QUALIFY_OPERAND_LIST:
      for (guint i = 0; i < self->items->len; i++)
        g_ptr_array_add (out, g_strdup (g_ptr_array_index (self->items, i)));
      break;
    case QUALIFY_OPERAND_NONE:
    default:
      break;
    }
  return out;
}

static void
set_strings (QualifyValueEditor *self,
             GPtrArray          *strings)
{
  const char *first = strings->len > 0 ? g_ptr_array_index (strings, 0) : "";
  const char *second = strings->len > 1 ? g_ptr_array_index (strings, 1) : "";

  self->silent++;
  gtk_editable_set_text (GTK_EDITABLE (self->text_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->number_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->lo_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->hi_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->chip_entry), "");
  clear_chips (self);
  switch (self->operand)
    {
    case QUALIFY_OPERAND_TEXT:
      gtk_editable_set_text (GTK_EDITABLE (self->text_entry), first);
      break;
    case QUALIFY_OPERAND_NUMBER:
      gtk_editable_set_text (GTK_EDITABLE (self->number_entry), first);
      break;
    case QUALIFY_OPERAND_RANGE:
      gtk_editable_set_text (GTK_EDITABLE (self->lo_entry), first);
      gtk_editable_set_text (GTK_EDITABLE (self->hi_entry), second);
      break;
    case QUALIFY_OPERAND_LIST:
      for (guint i = 0; i < strings->len; i++)
        add_item (self, g_ptr_array_index (strings, i));
      break;
    case QUALIFY_OPERAND_NONE:
    default:
      break;
    }
  self->silent--;
  update_suggestions (self);
}

static void
show_operand (QualifyValueEditor *self)
{
  gtk_widget_set_visible (self->none_label, self->operand == QUALIFY_OPERAND_NONE);
  gtk_widget_set_visible (self->text_entry, self->operand == QUALIFY_OPERAND_TEXT);
  gtk_widget_set_visible (self->number_entry, self->operand == QUALIFY_OPERAND_NUMBER);
  gtk_widget_set_visible (self->range_box, self->operand == QUALIFY_OPERAND_RANGE);
  gtk_widget_set_visible (self->list_box, self->operand == QUALIFY_OPERAND_LIST);
}

static GtkWidget *
new_entry (QualifyValueEditor *self,
           const char         *a11y_label,
           gboolean            numeric)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y_label, -1);
  if (numeric)
    {
      gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 10);
    }
  g_signal_connect_object (entry, "changed", G_CALLBACK (entry_changed_cb), self, 0);
  return entry;
}

/* Class */

static void
qualify_value_editor_dispose (GObject *object)
{
  QualifyValueEditor *self = QUALIFY_VALUE_EDITOR (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (qualify_value_editor_parent_class)->dispose (object);
}

static void
qualify_value_editor_finalize (GObject *object)
{
  QualifyValueEditor *self = QUALIFY_VALUE_EDITOR (object);

  g_ptr_array_unref (self->items);
  g_clear_pointer (&self->values, g_ptr_array_unref);
  G_OBJECT_CLASS (qualify_value_editor_parent_class)->finalize (object);
}

static void
qualify_value_editor_class_init (QualifyValueEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qualify_value_editor_dispose;
  object_class->finalize = qualify_value_editor_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "valueeditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qualify_value_editor_init (QualifyValueEditor *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkWidget *and_label, *heading;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->items = g_ptr_array_new_with_free_func (g_free);
  self->operand = QUALIFY_OPERAND_TEXT;

  self->none_label = gtk_label_new (_("No value needed"));
  gtk_label_set_xalign (GTK_LABEL (self->none_label), 0);
  gtk_widget_add_css_class (self->none_label, "dim-label");
  gtk_widget_set_parent (self->none_label, GTK_WIDGET (self));

  self->text_entry = new_entry (self, _("Value"), FALSE);
  gtk_widget_set_parent (self->text_entry, GTK_WIDGET (self));

  self->number_entry = new_entry (self, _("Number"), TRUE);
  gtk_widget_set_halign (self->number_entry, GTK_ALIGN_START);
  gtk_widget_set_parent (self->number_entry, GTK_WIDGET (self));

  self->range_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  self->lo_entry = new_entry (self, _("From (inclusive)"), TRUE);
  self->hi_entry = new_entry (self, _("To (inclusive)"), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->lo_entry), _("From"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->hi_entry), _("To"));
  and_label = gtk_label_new (_("to"));
  gtk_widget_add_css_class (and_label, "dim-label");
  gtk_box_append (GTK_BOX (self->range_box), self->lo_entry);
  gtk_box_append (GTK_BOX (self->range_box), and_label);
  gtk_box_append (GTK_BOX (self->range_box), self->hi_entry);
  gtk_widget_set_parent (self->range_box, GTK_WIDGET (self));

  self->list_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->chips = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->chips), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->chips), 30);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->chips), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->chips), 4);
  gtk_widget_add_css_class (self->chips, "chips");
  gtk_widget_set_visible (self->chips, FALSE);
  self->chip_entry = new_entry (self, _("Add a value"), FALSE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->chip_entry), _("Type a value and press Enter"));
  g_signal_connect_object (self->chip_entry, "activate", G_CALLBACK (chip_entry_activate_cb), self, 0);
  gtk_box_append (GTK_BOX (self->list_box), self->chips);
  gtk_box_append (GTK_BOX (self->list_box), self->chip_entry);
  gtk_widget_set_parent (self->list_box, GTK_WIDGET (self));

  self->suggestions_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  heading = gtk_label_new (_("In your data"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "caption-heading");
  gtk_widget_add_css_class (heading, "dim-label");
  self->suggestions = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->suggestions), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->suggestions), 30);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->suggestions), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->suggestions), 4);
  gtk_box_append (GTK_BOX (self->suggestions_box), heading);
  gtk_box_append (GTK_BOX (self->suggestions_box), self->suggestions);
  gtk_widget_set_visible (self->suggestions_box, FALSE);
  gtk_widget_set_parent (self->suggestions_box, GTK_WIDGET (self));

  show_operand (self);
}

/* Public API */

GtkWidget *
qualify_value_editor_new (void)
{
  return g_object_new (QUALIFY_TYPE_VALUE_EDITOR, NULL);
}

void
qualify_value_editor_set_operand (QualifyValueEditor *self,
                                  QualifyOperand      operand)
{
  g_autoptr(GPtrArray) strings = NULL;

  g_return_if_fail (QUALIFY_IS_VALUE_EDITOR (self));

  if (operand == self->operand)
    return;
  strings = dup_strings (self);
  self->operand = operand;
  set_strings (self, strings);
  show_operand (self);
  qualify_value_editor_set_invalid (self, self->invalid);
}

QualifyOperand
qualify_value_editor_get_operand (QualifyValueEditor *self)
{
  g_return_val_if_fail (QUALIFY_IS_VALUE_EDITOR (self), QUALIFY_OPERAND_NONE);

  return self->operand;
}

void
qualify_value_editor_set_value (QualifyValueEditor *self,
                                JsonNode           *value)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (QUALIFY_IS_VALUE_EDITOR (self));

  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (strings, node_to_text (json_array_get_element (array, i)));
    }
  else if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
    g_ptr_array_add (strings, node_to_text (value));
  set_strings (self, strings);
}

JsonNode *
qualify_value_editor_dup_value (QualifyValueEditor *self)
{
  g_return_val_if_fail (QUALIFY_IS_VALUE_EDITOR (self), NULL);

  switch (self->operand)
    {
    case QUALIFY_OPERAND_TEXT:
      return json_node_init_string (json_node_alloc (), gtk_editable_get_text (GTK_EDITABLE (self->text_entry)));
    case QUALIFY_OPERAND_NUMBER:
      return number_node (gtk_editable_get_text (GTK_EDITABLE (self->number_entry)));
    case QUALIFY_OPERAND_RANGE:
      {
        JsonArray *array = json_array_new ();
        JsonNode *node;

        json_array_add_element (array, number_node (gtk_editable_get_text (GTK_EDITABLE (self->lo_entry))));
        json_array_add_element (array, number_node (gtk_editable_get_text (GTK_EDITABLE (self->hi_entry))));
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }
    case QUALIFY_OPERAND_LIST:
      {
        JsonArray *array = json_array_new ();
        JsonNode *node;

        for (guint i = 0; i < self->items->len; i++)
          json_array_add_string_element (array, g_ptr_array_index (self->items, i));
        node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return node;
      }
    case QUALIFY_OPERAND_NONE:
    default:
      return NULL;
    }
}

void
qualify_value_editor_set_suggestions (QualifyValueEditor *self,
                                      GPtrArray          *values)
{
  g_return_if_fail (QUALIFY_IS_VALUE_EDITOR (self));

  g_clear_pointer (&self->values, g_ptr_array_unref);
  if (values != NULL)
    {
      self->values = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_value_count_free);
      for (guint i = 0; i < values->len; i++)
        {
          QualifyValueCount *src = g_ptr_array_index (values, i);
          QualifyValueCount *copy = g_new0 (QualifyValueCount, 1);

          copy->value = g_strdup (src->value);
          copy->count = src->count;
          g_ptr_array_add (self->values, copy);
        }
    }
  update_suggestions (self);
}

char *
qualify_value_editor_dup_summary (QualifyValueEditor *self)
{
  g_return_val_if_fail (QUALIFY_IS_VALUE_EDITOR (self), NULL);

  switch (self->operand)
    {
    case QUALIFY_OPERAND_TEXT:
      return g_strdup_printf ("“%s”", gtk_editable_get_text (GTK_EDITABLE (self->text_entry)));
    case QUALIFY_OPERAND_NUMBER:
      return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->number_entry)));
    case QUALIFY_OPERAND_RANGE:
      return g_strdup_printf ("%s–%s", gtk_editable_get_text (GTK_EDITABLE (self->lo_entry)),
                              gtk_editable_get_text (GTK_EDITABLE (self->hi_entry)));
    case QUALIFY_OPERAND_LIST:
      {
        GString *out = g_string_new (NULL);
        guint shown = MIN (self->items->len, 3);

        for (guint i = 0; i < shown; i++)
          g_string_append_printf (out, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (self->items, i));
        if (self->items->len > shown)
          /* Translators: after the first values of a list, e.g. "software, saas, fintech +6 more" */
          g_string_append_printf (out, _(" +%u more"), self->items->len - shown);
        return g_string_free (out, FALSE);
      }
    case QUALIFY_OPERAND_NONE:
    default:
      return g_strdup ("");
    }
}

void
qualify_value_editor_set_placeholder (QualifyValueEditor *self,
                                      const char         *text)
{
  g_return_if_fail (QUALIFY_IS_VALUE_EDITOR (self));

  gtk_entry_set_placeholder_text (GTK_ENTRY (self->text_entry), text);
}

void
qualify_value_editor_set_invalid (QualifyValueEditor *self,
                                  gboolean            invalid)
{
  GtkWidget *entries[] = { self->text_entry, self->number_entry, self->lo_entry, self->hi_entry, self->chip_entry };

  g_return_if_fail (QUALIFY_IS_VALUE_EDITOR (self));

  self->invalid = invalid;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (invalid)
      gtk_widget_add_css_class (entries[i], "error");
    else
      gtk_widget_remove_css_class (entries[i], "error");
}

GtkEditable *
_qualify_value_editor_get_entry (QualifyValueEditor *self)
{
  switch (self->operand)
    {
    case QUALIFY_OPERAND_NUMBER:
      return GTK_EDITABLE (self->number_entry);
    case QUALIFY_OPERAND_RANGE:
      return GTK_EDITABLE (self->lo_entry);
    case QUALIFY_OPERAND_LIST:
      return GTK_EDITABLE (self->chip_entry);
    case QUALIFY_OPERAND_TEXT:
    case QUALIFY_OPERAND_NONE:
    default:
      return GTK_EDITABLE (self->text_entry);
    }
}

GtkEditable *
_qualify_value_editor_get_range_end (QualifyValueEditor *self)
{
  return GTK_EDITABLE (self->hi_entry);
}

guint
_qualify_value_editor_get_n_chips (QualifyValueEditor *self)
{
  return self->items->len;
}

gboolean
_qualify_value_editor_pick_suggestion (QualifyValueEditor *self)
{
  GtkWidget *child = gtk_widget_get_first_child (self->suggestions);

  if (child == NULL)
    return FALSE;
  /* flow box child → button */
  g_signal_emit_by_name (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)), "clicked");
  return TRUE;
}
