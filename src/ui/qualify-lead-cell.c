/* qualify-lead-cell.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-lead-cell"

#include "config.h"

#include <math.h>
#include <string.h>

#include "qualify-lead-cell.h"

/* Text laid out in one font (a PangoContext's settings plus the cell kind's
 * attributes), shared by all the cells that use that font: the font's line
 * metrics and the layouts of the texts drawn lately. */
typedef struct
{
  PangoContext  *context;        /* a private copy: never changes */
  gboolean       numeric;
  GHashTable    *layouts;        /* text → Entry */
  int            line_height;
  int            baseline;
  int            char_width;
  int            ellipsis_width;
} FontSlot;

typedef struct
{
  PangoLayout   *layout;
  int            width;
} Entry;

struct _QualifyLeadCell
{
  GtkWidget            parent_instance;

  QualifyLeadCellKind  kind;
  char                *text;
  int                  width_chars;
  const char          *base_class;
  const char          *variant;

  /* The slot of the widget's font, for this serial of its PangoContext (which
   * GTK changes in place with the CSS font) and generation of the slots. */
  FontSlot            *slot;
  guint                slot_serial;
  guint                slot_generation;

  /* The text's shared layout and width (-1 = not looked up yet), and a copy
   * ellipsized to @ellipsized_to pixels when the cell is narrower. */
  PangoLayout         *layout;
  int                  text_width;
  PangoLayout         *ellipsized;
  int                  ellipsized_to;
};

G_DEFINE_FINAL_TYPE (QualifyLeadCell, qualify_lead_cell, GTK_TYPE_WIDGET)

/* A few fonts per window (body, bold score, badges, …); more means the
 * settings changed, and the slots start again. */
#define MAX_SLOTS 32
/* Layouts kept per font: the texts of a few screens of rows. */
#define MAX_LAYOUTS 1024

static GPtrArray *slots;
static guint slots_generation = 1;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_object_unref (entry->layout);
  g_free (entry);
}

static void
font_slot_free (gpointer data)
{
  FontSlot *slot = data;

  g_hash_table_unref (slot->layouts);
  g_object_unref (slot->context);
  g_free (slot);
}

static PangoLayout *
font_slot_new_layout (FontSlot   *slot,
                      const char *text)
{
  PangoLayout *layout = pango_layout_new (slot->context);

  pango_layout_set_single_paragraph_mode (layout, TRUE);
  /* The "numeric" class asks for tabular figures (font-feature-settings:
   * "tnum"), which GtkLabel turns into a Pango attribute itself. */
  if (slot->numeric)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_set_text (layout, text, -1);

  return layout;
}

static gboolean
font_options_equal (const cairo_font_options_t *a,
                    const cairo_font_options_t *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return cairo_font_options_equal (a, b);
}

static gboolean
matrix_equal (const PangoMatrix *a,
              const PangoMatrix *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return memcmp (a, b, sizeof *a) == 0;
}

/* Everything of a context that changes how text is laid out. */
static gboolean
contexts_match (PangoContext *a,
                PangoContext *b)
{
  return pango_context_get_font_map (a) == pango_context_get_font_map (b) &&
         pango_font_description_equal (pango_context_get_font_description (a),
                                       pango_context_get_font_description (b)) &&
         pango_context_get_base_dir (a) == pango_context_get_base_dir (b) &&
         pango_context_get_language (a) == pango_context_get_language (b) &&
         pango_context_get_gravity_hint (a) == pango_context_get_gravity_hint (b) &&
         pango_context_get_round_glyph_positions (a) == pango_context_get_round_glyph_positions (b) &&
         matrix_equal (pango_context_get_matrix (a), pango_context_get_matrix (b)) &&
         pango_cairo_context_get_resolution (a) == pango_cairo_context_get_resolution (b) &&
         font_options_equal (pango_cairo_context_get_font_options (a),
                             pango_cairo_context_get_font_options (b));
}

static FontSlot *
font_slot_new (GtkWidget *widget,
               gboolean   numeric)
{
  FontSlot *slot = g_new0 (FontSlot, 1);
  g_autoptr(PangoLayout) sample = NULL;
  PangoFontMetrics *metrics;
  PangoRectangle logical;

  slot->context = gtk_widget_create_pango_context (widget);
  /* Made with the widget's settings: the same as the widget's own context. */
  pango_context_set_font_map (slot->context, pango_context_get_font_map (gtk_widget_get_pango_context (widget)));
  slot->numeric = numeric;
  slot->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);

  /* One line of Latin text: what a single-line GtkLabel asks for. */
  sample = font_slot_new_layout (slot, "Ag");
  pango_layout_get_extents (sample, NULL, &logical);
  slot->line_height = PANGO_PIXELS_CEIL (logical.height);
  slot->baseline = pango_layout_get_baseline (sample) / PANGO_SCALE;

  /* GtkLabel's minimum when it ellipsizes: the text ellipsized to nothing. */
  pango_layout_set_text (sample, "…", -1);
  pango_layout_get_extents (sample, NULL, &logical);
  slot->ellipsis_width = PANGO_PIXELS_CEIL (logical.width);

  /* GtkLabel's width-chars unit. */
  metrics = pango_context_get_metrics (slot->context, NULL, NULL);
  slot->char_width = PANGO_PIXELS (MAX (pango_font_metrics_get_approximate_char_width (metrics),
                                        pango_font_metrics_get_approximate_digit_width (metrics)));
  pango_font_metrics_unref (metrics);

  return slot;
}

static void
forget_slots (void)
{
  if (slots != NULL)
    g_ptr_array_set_size (slots, 0);
  slots_generation++;
}

static FontSlot *
get_slot (QualifyLeadCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);
  gboolean numeric = self->kind == QUALIFY_LEAD_CELL_NUMBER;
  FontSlot *slot = NULL;

  if (self->slot != NULL && self->slot_serial == serial && self->slot_generation == slots_generation)
    return self->slot;

  if (slots == NULL)
    slots = g_ptr_array_new_with_free_func (font_slot_free);

  for (guint i = 0; i < slots->len && slot == NULL; i++)
    {
      FontSlot *s = g_ptr_array_index (slots, i);

      if (s->numeric == numeric && contexts_match (s->context, context))
        slot = s;
    }

  if (slot == NULL)
    {
      if (slots->len >= MAX_SLOTS)
        forget_slots ();
      slot = font_slot_new (GTK_WIDGET (self), numeric);
      if (!contexts_match (slot->context, context))
        g_debug ("A copy of a cell's PangoContext differs from it: text is laid out for each change");
      g_ptr_array_add (slots, slot);
    }

  if (self->slot != slot || self->slot_generation != slots_generation)
    {
      /* Another font: the text's layout and size too. */
      g_clear_object (&self->layout);
      g_clear_object (&self->ellipsized);
      self->text_width = -1;
    }
  self->slot = slot;
  self->slot_serial = serial;
  self->slot_generation = slots_generation;

  return slot;
}

/* The shared layout of the text in the cell's font: laid out (shaped) once
 * for all the cells that show it. */
static void
ensure_layout (QualifyLeadCell *self)
{
  FontSlot *slot = get_slot (self);
  const char *text = self->text != NULL ? self->text : "";
  Entry *entry;

  if (self->layout != NULL)
    return;

  entry = g_hash_table_lookup (slot->layouts, text);
  if (entry == NULL)
    {
      PangoRectangle logical;

      if (g_hash_table_size (slot->layouts) >= MAX_LAYOUTS)
        g_hash_table_remove_all (slot->layouts);

      entry = g_new (Entry, 1);
      entry->layout = font_slot_new_layout (slot, text);
      pango_layout_get_extents (entry->layout, NULL, &logical);
      entry->width = PANGO_PIXELS_CEIL (logical.width);
      g_hash_table_insert (slot->layouts, g_strdup (text), entry);
    }

  self->layout = g_object_ref (entry->layout);
  self->text_width = entry->width;
}

static GtkSizeRequestMode
qualify_lead_cell_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
qualify_lead_cell_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  QualifyLeadCell *self = (QualifyLeadCell *) widget;
  FontSlot *slot = get_slot (self);

  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      *minimum = *natural = slot->line_height;
      *minimum_baseline = *natural_baseline = slot->baseline;
    }
  else if (self->kind == QUALIFY_LEAD_CELL_BADGE)
    {
      ensure_layout (self);
      *minimum = *natural = self->text_width;
    }
  else
    {
      *minimum = slot->ellipsis_width;
      *natural = MAX (slot->ellipsis_width, self->width_chars * slot->char_width);
    }
}

static void
qualify_lead_cell_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  QualifyLeadCell *self = (QualifyLeadCell *) widget;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int baseline = gtk_widget_get_allocated_baseline (widget);
  /* GtkLabel's xalign: a badge's text is centred when CSS makes it wider. */
  float xalign = self->kind == QUALIFY_LEAD_CELL_NUMBER ? 1.f
                 : self->kind == QUALIFY_LEAD_CELL_BADGE ? 0.5f : 0.f;
  PangoLayout *layout;
  PangoRectangle logical;
  int x, y;

  if (self->text == NULL || self->text[0] == '\0')
    return;

  ensure_layout (self);

  /* Ellipsized only when it does not fit: a copy of the shared layout. */
  if (self->kind != QUALIFY_LEAD_CELL_BADGE && self->text_width > width)
    {
      if (self->ellipsized == NULL || self->ellipsized_to != width)
        {
          g_clear_object (&self->ellipsized);
          self->ellipsized = pango_layout_copy (self->layout);
          pango_layout_set_ellipsize (self->ellipsized, PANGO_ELLIPSIZE_END);
          pango_layout_set_width (self->ellipsized, width * PANGO_SCALE);
          self->ellipsized_to = width;
        }
      layout = self->ellipsized;
    }
  else
    {
      g_clear_object (&self->ellipsized);
      layout = self->layout;
    }

  /* Placed as GtkLabel places its layout: xalign mirrored right-to-left,
   * centred vertically unless aligned on a baseline. */
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    xalign = 1.f - xalign;
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  x = floor (xalign * (width - logical.width) - logical.x);
  if (baseline != -1)
    y = baseline - pango_layout_get_baseline (layout) / PANGO_SCALE;
  else
    y = floor ((height - logical.height) * 0.5);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_snapshot_render_layout (snapshot, gtk_widget_get_style_context (widget), x, y, layout);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
qualify_lead_cell_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  QualifyLeadCell *self = (QualifyLeadCell *) widget;

  GTK_WIDGET_CLASS (qualify_lead_cell_parent_class)->css_changed (widget, change);

  /* A new font (weight, size, family) shows as a new serial of the context. */
  if (self->slot != NULL &&
      pango_context_get_serial (gtk_widget_get_pango_context (widget)) != self->slot_serial)
    gtk_widget_queue_resize (widget);
}

static void
qualify_lead_cell_direction_changed (GtkWidget        *widget,
                                     GtkTextDirection  previous_direction)
{
  gtk_widget_queue_resize (widget);
}

static void
qualify_lead_cell_system_setting_changed (GtkWidget       *widget,
                                          GtkSystemSetting setting)
{
  GTK_WIDGET_CLASS (qualify_lead_cell_parent_class)->system_setting_changed (widget, setting);

  /* Other fonts behind the same names: the shared layouts are stale. */
  if (setting == GTK_SYSTEM_SETTING_FONT_CONFIG && slots != NULL && slots->len > 0)
    forget_slots ();
  gtk_widget_queue_resize (widget);
}

static void
qualify_lead_cell_finalize (GObject *object)
{
  QualifyLeadCell *self = (QualifyLeadCell *) object;

  g_clear_object (&self->layout);
  g_clear_object (&self->ellipsized);
  g_free (self->text);

  G_OBJECT_CLASS (qualify_lead_cell_parent_class)->finalize (object);
}

static void
qualify_lead_cell_class_init (QualifyLeadCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qualify_lead_cell_finalize;

  widget_class->get_request_mode = qualify_lead_cell_get_request_mode;
  widget_class->measure = qualify_lead_cell_measure;
  widget_class->snapshot = qualify_lead_cell_snapshot;
  widget_class->css_changed = qualify_lead_cell_css_changed;
  widget_class->direction_changed = qualify_lead_cell_direction_changed;
  widget_class->system_setting_changed = qualify_lead_cell_system_setting_changed;

  /* Styled as the labels it replaces. */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
qualify_lead_cell_init (QualifyLeadCell *self)
{
  self->text_width = -1;
  self->ellipsized_to = -1;
}

GtkWidget *
qualify_lead_cell_new (QualifyLeadCellKind kind)
{
  QualifyLeadCell *self = g_object_new (QUALIFY_TYPE_LEAD_CELL, NULL);

  self->kind = kind;
  if (kind == QUALIFY_LEAD_CELL_BADGE)
    gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  else if (kind == QUALIFY_LEAD_CELL_NUMBER)
    gtk_widget_add_css_class (GTK_WIDGET (self), "numeric");

  return GTK_WIDGET (self);
}

void
qualify_lead_cell_set_text (QualifyLeadCell *self,
                            const char      *text)
{
  g_return_if_fail (QUALIFY_IS_LEAD_CELL (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_object (&self->layout);
  g_clear_object (&self->ellipsized);
  self->text_width = -1;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);

  /* Only a badge's size follows its text. */
  if (self->kind == QUALIFY_LEAD_CELL_BADGE)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
qualify_lead_cell_get_text (QualifyLeadCell *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_CELL (self), NULL);
  return self->text != NULL ? self->text : "";
}

void
qualify_lead_cell_set_width_chars (QualifyLeadCell *self,
                                   int              n_chars)
{
  g_return_if_fail (QUALIFY_IS_LEAD_CELL (self));
  g_return_if_fail (self->kind != QUALIFY_LEAD_CELL_BADGE);

  n_chars = MAX (n_chars, 0);
  if (self->width_chars == n_chars)
    return;
  self->width_chars = n_chars;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
qualify_lead_cell_set_variant (QualifyLeadCell *self,
                               const char      *base_class,
                               const char      *variant)
{
  const char *classes[] = { "badge", base_class, variant, NULL };

  g_return_if_fail (QUALIFY_IS_LEAD_CELL (self));

  if (self->base_class == base_class && self->variant == variant)
    return;

  self->base_class = base_class;
  self->variant = variant;
  gtk_widget_set_css_classes (GTK_WIDGET (self), classes);
}

gboolean
qualify_lead_cell_get_ellipsized (QualifyLeadCell *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_CELL (self), FALSE);
  return self->ellipsized != NULL;
}
