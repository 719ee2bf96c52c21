/* qualify-matrix.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-matrix"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-lead-row.h"
#include "qualify-matrix.h"

#define LABEL_WIDTH  28.f
#define HEADER       20.f
#define ROW_HEIGHT   26.f
#define DELTA_HEIGHT 12.f

struct _QualifyMatrix
{
  GtkWidget  parent_instance;

  gboolean   has_data;
  guint      n_grades;
  char       grades[QUALIFY_WHATIF_GRADES][4];
  guint64    cells[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS];
  guint64    active[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS];
  gboolean   changed;        /* some cell differs from the active model */
};

G_DEFINE_FINAL_TYPE (QualifyMatrix, qualify_matrix, GTK_TYPE_WIDGET)

static const char *
band_label (guint band)
{
  return qualify_whatif_band_label (band);
}

static void
draw_text (GtkWidget   *widget,
           GtkSnapshot *snapshot,
           const char  *text,
           float        x,
           float        y,
           float        width,
           float        height,
           gboolean     bold)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  GdkRGBA color = qualify_lookup_color (widget, "window_fg_color", "#000000");
  int tw, th;

  if (bold)
    {
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
    }
  else if (height <= DELTA_HEIGHT + 1)
    {
      /* the change against the active model: smaller, dimmer */
      g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
      pango_layout_set_attributes (layout, attrs);
      color.alpha *= 0.75f;
    }
  pango_layout_get_pixel_size (layout, &tw, &th);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + (width - tw) / 2, y + (height - th) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
qualify_matrix_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  QualifyMatrix *self = QUALIFY_MATRIX (widget);
  float width = gtk_widget_get_width (widget);
  float cell_w = (width - LABEL_WIDTH) / QUALIFY_WHATIF_BANDS;
  GdkRGBA accent = qualify_lookup_color (widget, "accent_bg_color", "#3584e4");
  guint64 max = 1;

  if (!self->has_data)
    return;

  for (guint g = 0; g < self->n_grades; g++)
    for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
      max = MAX (max, self->cells[g][b]);

  for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
    draw_text (widget, snapshot, band_label (b), LABEL_WIDTH + b * cell_w, 0, cell_w, HEADER, FALSE);

  for (guint g = 0; g < self->n_grades; g++)
    {
      float row_h = ROW_HEIGHT + (self->changed ? DELTA_HEIGHT : 0);
      float y = HEADER + g * row_h;

      draw_text (widget, snapshot, self->grades[g], 0, y, LABEL_WIDTH, row_h, TRUE);
      for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
        {
          GdkRGBA shade = accent;
          g_autofree char *count = qualify_format_count (self->cells[g][b]);
          gint64 delta = (gint64) self->cells[g][b] - (gint64) self->active[g][b];

          /* a floor so empty cells still read as cells */
          shade.alpha = 0.06f + 0.6f * (float) self->cells[g][b] / max;
          gtk_snapshot_append_color (snapshot, &shade,
                                     &GRAPHENE_RECT_INIT (LABEL_WIDTH + b * cell_w + 1, y + 1, cell_w - 2, row_h - 2));
          draw_text (widget, snapshot, count, LABEL_WIDTH + b * cell_w, y + (self->changed ? 2 : 0),
                     cell_w, ROW_HEIGHT - (self->changed ? 4 : 0), FALSE);
          if (delta != 0)
            {
              /* U+2212 MINUS SIGN for decreases */
              g_autofree char *text = g_strdup_printf ("%s%" G_GINT64_FORMAT, delta > 0 ? "+" : "−", ABS (delta));

              draw_text (widget, snapshot, text, LABEL_WIDTH + b * cell_w, y + ROW_HEIGHT - 6, cell_w,
                         DELTA_HEIGHT, FALSE);
            }
        }
    }
}

static void
qualify_matrix_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  QualifyMatrix *self = QUALIFY_MATRIX (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 260;
  else
    *minimum = *natural = (int) (HEADER + MAX (self->n_grades, 1) * (ROW_HEIGHT + (self->changed ? DELTA_HEIGHT : 0)));
}

static void
qualify_matrix_class_init (QualifyMatrixClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = qualify_matrix_snapshot;
  widget_class->measure = qualify_matrix_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "matrix");
}

static void
qualify_matrix_init (QualifyMatrix *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Leads by fit grade and engagement band"), -1);
}

GtkWidget *
qualify_matrix_new (void)
{
  return g_object_new (QUALIFY_TYPE_MATRIX, NULL);
}

void
qualify_matrix_set_result (QualifyMatrix             *self,
                           const QualifyWhatIfResult *result)
{
  g_return_if_fail (QUALIFY_IS_MATRIX (self));

  self->has_data = result != NULL;
  if (result != NULL)
    {
      GString *description = g_string_new (_("Leads by fit grade and engagement with the draft: "));

      self->n_grades = result->n_grades;
      memcpy (self->grades, result->grades, sizeof self->grades);
      memcpy (self->cells, result->matrix, sizeof self->cells);
      memcpy (self->active, result->matrix_active, sizeof self->active);
      self->changed = memcmp (self->cells, self->active, sizeof self->cells) != 0;
      for (guint g = 0; g < self->n_grades; g++)
        {
          guint64 total = 0;

          for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
            total += self->cells[g][b];
          /* Translators: "grade A: 120 leads; " */
          g_string_append_printf (description, _("grade %s: %llu leads; "), self->grades[g], (unsigned long long) total);
        }
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      description->str, -1);
      g_string_free (description, TRUE);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
