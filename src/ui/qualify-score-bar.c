/* qualify-score-bar.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-score-bar"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "qualify-lead-row.h"
#include "qualify-score-bar.h"

struct _QualifyScoreBar
{
  GtkWidget parent_instance;

  double    min;
  double    max;
  double    start;
  double    value;
  double    threshold;
  gboolean  total;
};

G_DEFINE_FINAL_TYPE (QualifyScoreBar, qualify_score_bar, GTK_TYPE_WIDGET)

#define BAR_HEIGHT 14.f

static float
x_for (QualifyScoreBar *self,
       double           v,
       float            width)
{
  double span = self->max - self->min;

  if (span <= 0)
    return 0;
  return (float) ((CLAMP (v, self->min, self->max) - self->min) / span * width);
}

static void
qualify_score_bar_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  QualifyScoreBar *self = QUALIFY_SCORE_BAR (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float y = (height - BAR_HEIGHT) / 2.f;
  GdkRGBA fg;
  GdkRGBA track;
  GdkRGBA bar;
  float x0, x1;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* Track */
  track = fg;
  track.alpha = 0.06f;
  gtk_snapshot_append_color (snapshot, &track, &GRAPHENE_RECT_INIT (0, y, width, BAR_HEIGHT));

  /* The bar */
  if (self->total)
    bar = qualify_lookup_color (widget, "accent_bg_color", "#3584e4");
  else if (self->value >= 0)
    bar = qualify_lookup_color (widget, "success_color", "#26a269");
  else
    bar = qualify_lookup_color (widget, "error_color", "#c01c28");

  x0 = x_for (self, MIN (self->start, self->start + self->value), width);
  x1 = x_for (self, MAX (self->start, self->start + self->value), width);
  if (x1 - x0 < 2.f && self->value != 0)
    x1 = x0 + 2.f;
  if (x1 > x0)
    {
      GskRoundedRect rect;

      gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (x0, y, x1 - x0, BAR_HEIGHT), 3.f);
      gtk_snapshot_push_rounded_clip (snapshot, &rect);
      gtk_snapshot_append_color (snapshot, &bar, &rect.bounds);

      /* Negative bars are hatched too, so they differ by more than colour. */
      if (!self->total && self->value < 0)
        {
          GdkRGBA stripe = { 1, 1, 1, 0.35f };

          for (float sx = x0 + 1.f; sx < x1; sx += 5.f)
            gtk_snapshot_append_color (snapshot, &stripe,
                                       &GRAPHENE_RECT_INIT (sx, y, 1.5f, BAR_HEIGHT));
        }
      gtk_snapshot_pop (snapshot);

      /* Direction tick at the end the bar grows towards. */
      if (!self->total && self->value != 0)
        {
          float tx = self->value > 0 ? x1 - 2.f : x0;
          GdkRGBA tip = fg;

          tip.alpha = 0.55f;
          gtk_snapshot_append_color (snapshot, &tip,
                                     &GRAPHENE_RECT_INIT (tx, y - 2.f, 2.f, BAR_HEIGHT + 4.f));
        }
    }

  /* Zero line */
  if (self->min < 0)
    {
      GdkRGBA zero = fg;

      zero.alpha = 0.35f;
      gtk_snapshot_append_color (snapshot, &zero,
                                 &GRAPHENE_RECT_INIT (x_for (self, 0, width), 0, 1.f, height));
    }

  /* Threshold marker: a dashed line across the whole height. */
  if (!isnan (self->threshold))
    {
      GdkRGBA mark = qualify_lookup_color (widget, "warning_color", "#9c6e03");
      float tx = x_for (self, self->threshold, width);

      for (float dy = 0; dy < height; dy += 5.f)
        gtk_snapshot_append_color (snapshot, &mark,
                                   &GRAPHENE_RECT_INIT (tx - 1.f, dy, 2.f, MIN (3.f, height - dy)));
    }
}

static void
qualify_score_bar_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 240;
    }
  else
    {
      *minimum = 20;
      *natural = 24;
    }
}

static void
update_accessible (QualifyScoreBar *self)
{
  g_autofree char *label = NULL;

  if (self->total)
    label = g_strdup_printf (_("Score %.1f"), self->value);
  else
    label = g_strdup_printf (_("%+.1f points"), self->value);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
qualify_score_bar_class_init (QualifyScoreBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = qualify_score_bar_snapshot;
  widget_class->measure = qualify_score_bar_measure;

  gtk_widget_class_set_css_name (widget_class, "scorebar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
qualify_score_bar_init (QualifyScoreBar *self)
{
  self->min = 0;
  self->max = 100;
  self->threshold = NAN;
}

GtkWidget *
qualify_score_bar_new (void)
{
  return g_object_new (QUALIFY_TYPE_SCORE_BAR, NULL);
}

void
qualify_score_bar_set_range (QualifyScoreBar *self,
                             double           min,
                             double           max)
{
  g_return_if_fail (QUALIFY_IS_SCORE_BAR (self));

  self->min = min;
  self->max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
qualify_score_bar_set_span (QualifyScoreBar *self,
                            double           start,
                            double           value)
{
  g_return_if_fail (QUALIFY_IS_SCORE_BAR (self));

  self->start = start;
  self->value = value;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
qualify_score_bar_get_value (QualifyScoreBar *self)
{
  g_return_val_if_fail (QUALIFY_IS_SCORE_BAR (self), 0);
  return self->value;
}

double
qualify_score_bar_get_start (QualifyScoreBar *self)
{
  g_return_val_if_fail (QUALIFY_IS_SCORE_BAR (self), 0);
  return self->start;
}

void
qualify_score_bar_set_threshold (QualifyScoreBar *self,
                                 double           threshold)
{
  g_return_if_fail (QUALIFY_IS_SCORE_BAR (self));

  self->threshold = threshold;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
qualify_score_bar_set_total (QualifyScoreBar *self,
                             gboolean         total)
{
  g_return_if_fail (QUALIFY_IS_SCORE_BAR (self));

  self->total = !!total;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
