/* qualify-score-bar.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One bar of a waterfall chart: a contribution of @value points that starts where
 * the previous ones ended (@start), on a scale from @min to @max, with the zero
 * line and an optional threshold marker. Positive bars are green and grow to the
 * right, negative bars are red, hatched and grow to the left; a total bar starts
 * at zero in the accent colour. */

#define QUALIFY_TYPE_SCORE_BAR (qualify_score_bar_get_type ())
G_DECLARE_FINAL_TYPE (QualifyScoreBar, qualify_score_bar, QUALIFY, SCORE_BAR, GtkWidget)

GtkWidget  *qualify_score_bar_new            (void);
void        qualify_score_bar_set_range      (QualifyScoreBar *self,
                                              double           min,
                                              double           max);
void        qualify_score_bar_set_span       (QualifyScoreBar *self,
                                              double           start,
                                              double           value);
double      qualify_score_bar_get_value      (QualifyScoreBar *self);
double      qualify_score_bar_get_start      (QualifyScoreBar *self);
/* NAN = no marker. */
void        qualify_score_bar_set_threshold  (QualifyScoreBar *self,
                                              double           threshold);
void        qualify_score_bar_set_total      (QualifyScoreBar *self,
                                              gboolean         total);

G_END_DECLS
