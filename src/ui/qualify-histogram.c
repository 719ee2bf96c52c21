/* qualify-histogram.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-histogram"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-histogram.h"
#include "qualify-lead-row.h"

struct _QualifyHistogram
{
  GtkWidget  parent_instance;

  gboolean   has_data;
  double     bin_min;
  double     bin_width;
  double     threshold;
  guint64    active[QUALIFY_WHATIF_BINS];
  guint64    draft[QUALIFY_WHATIF_BINS];
};

G_DEFINE_FINAL_TYPE (QualifyHistogram, qualify_histogram, GTK_TYPE_WIDGET)

#define AXIS_HEIGHT 18.f

/* A small label centred on @x (kept inside the widget), top at @y. */
static void
draw_label (GtkWidget   *widget,
            GtkSnapshot *snapshot,
            const char  *text,
            float        x,
            float        y,
            GdkRGBA     *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  float width = gtk_widget_get_width (widget);
  int tw, th;

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, &tw, &th);
  x = CLAMP (x - tw / 2.f, 0, width - tw);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
qualify_histogram_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  QualifyHistogram *self = QUALIFY_HISTOGRAM (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget) - 4 - AXIS_HEIGHT;
  GdkRGBA dim = qualify_lookup_color (widget, "window_fg_color", "#000000");
  GdkRGBA accent = qualify_lookup_color (widget, "accent_bg_color", "#3584e4");
  GdkRGBA outline = qualify_lookup_color (widget, "window_fg_color", "#000000");
  GdkRGBA threshold_color = qualify_lookup_color (widget, "warning_color", "#c64600");
  guint64 max = 1;
  float bar;

  outline.alpha = 0.55f;
  accent.alpha = 0.75f;

  if (!self->has_data || width <= 0 || height <= 0)
    return;

  for (guint i = 0; i < QUALIFY_WHATIF_BINS; i++)
    max = MAX (max, MAX (self->active[i], self->draft[i]));
  bar = width / QUALIFY_WHATIF_BINS;

  for (guint i = 0; i < QUALIFY_WHATIF_BINS; i++)
    {
      float x = i * bar;
      float hd = (float) self->draft[i] / max * height;
      float ha = (float) self->active[i] / max * height;
      GskRoundedRect outline_rect;
      float border[4] = { 1.5f, 1.5f, 0, 1.5f };
      GdkRGBA colors[4] = { outline, outline, outline, outline };

      /* draft: filled */
      gtk_snapshot_append_color (snapshot, &accent,
                                 &GRAPHENE_RECT_INIT (x + 2, 2 + height - hd, bar - 4, hd));
      /* active: an outline over it */
      gsk_rounded_rect_init_from_rect (&outline_rect, &GRAPHENE_RECT_INIT (x + 1, 2 + height - ha, bar - 2, ha), 0);
      gtk_snapshot_append_border (snapshot, &outline_rect, border, colors);
    }

  /* the score axis: both ends and the middle */
  dim.alpha = 0.7f;
  gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (0, height + 2, width, 1));
  for (guint i = 0; i <= 2; i++)
    {
      double score = self->bin_min + self->bin_width * QUALIFY_WHATIF_BINS * i / 2.0;
      g_autofree char *text = g_strdup_printf ("%.0f", score);

      draw_label (widget, snapshot, text, width * i / 2.f, height + 4, &dim);
    }

  /* the MQL threshold, dashed, with its value */
  if (self->bin_width > 0)
    {
      float tx = (float) ((self->threshold - self->bin_min) / (self->bin_width * QUALIFY_WHATIF_BINS) * width);
      /* Translators: the MQL threshold's mark on the score histogram */
      g_autofree char *text = g_strdup_printf (_("MQL ≥ %g"), self->threshold);

      tx = CLAMP (tx, 1, width - 1);
      for (float y = 0; y < height + 2; y += 8)
        gtk_snapshot_append_color (snapshot, &threshold_color, &GRAPHENE_RECT_INIT (tx - 1, y, 2, 5));
      draw_label (widget, snapshot, text, tx + 34, 0, &threshold_color);
    }
}

static void
qualify_histogram_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 140;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 360 : 180;
}

static void
qualify_histogram_class_init (QualifyHistogramClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = qualify_histogram_snapshot;
  widget_class->measure = qualify_histogram_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "histogram");
}

static void
qualify_histogram_init (QualifyHistogram *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Score distribution, active model and draft"), -1);
}

GtkWidget *
qualify_histogram_new (void)
{
  return g_object_new (QUALIFY_TYPE_HISTOGRAM, NULL);
}

void
qualify_histogram_set_result (QualifyHistogram          *self,
                              const QualifyWhatIfResult *result)
{
  g_autofree char *description = NULL;
  guint64 above_a = 0, above_d = 0;

  g_return_if_fail (QUALIFY_IS_HISTOGRAM (self));

  self->has_data = result != NULL;
  if (result != NULL)
    {
      self->bin_min = result->bin_min;
      self->bin_width = result->bin_width;
      self->threshold = result->mql_threshold;
      memcpy (self->active, result->histogram_active, sizeof self->active);
      memcpy (self->draft, result->histogram_draft, sizeof self->draft);
      for (guint i = 0; i < QUALIFY_WHATIF_BINS; i++)
        if (result->bin_min + i * result->bin_width >= result->mql_threshold)
          {
            above_a += result->histogram_active[i];
            above_d += result->histogram_draft[i];
          }
      /* whole bins only: "about" */
      description = g_strdup_printf (_("About %llu leads at or above the MQL threshold %.0f "
                                       "with the draft, %llu with the active model"),
                                     (unsigned long long) above_d, result->mql_threshold, (unsigned long long) above_a);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
