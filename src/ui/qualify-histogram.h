/* qualify-histogram.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qualify-whatif.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_HISTOGRAM (qualify_histogram_get_type ())
G_DECLARE_FINAL_TYPE (QualifyHistogram, qualify_histogram, QUALIFY, HISTOGRAM, GtkWidget)

/* Score distribution of the active model (outline) and the draft (filled),
 * with the draft's MQL threshold as a dashed line. */
GtkWidget *qualify_histogram_new        (void);
void       qualify_histogram_set_result (QualifyHistogram          *self,
                                         const QualifyWhatIfResult *result);

G_END_DECLS
