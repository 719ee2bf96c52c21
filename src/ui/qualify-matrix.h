/* qualify-matrix.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qualify-whatif.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_MATRIX (qualify_matrix_get_type ())
G_DECLARE_FINAL_TYPE (QualifyMatrix, qualify_matrix, QUALIFY, MATRIX, GtkWidget)

/* Heat map of the draft: fit grade (rows) × engagement band (columns), each
 * cell shaded by its share of the leads and labelled with its count. */
GtkWidget *qualify_matrix_new        (void);
void       qualify_matrix_set_result (QualifyMatrix             *self,
                                      const QualifyWhatIfResult *result);

G_END_DECLS
