/* qualify-whatif.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-dataset.h"
#include "qualify-model.h"
#include "qualify-scorer.h"

G_BEGIN_DECLS

/* What a draft model would do, against the active one, on the same leads,
 * events and as-of. The dataset is read once; each draft is scored in memory
 * with the regular scorer, so the preview is exactly what applying would give. */

#define QUALIFY_WHATIF_BINS   20     /* score histogram bins */
#define QUALIFY_WHATIF_BANDS  5      /* engagement bands */
#define QUALIFY_WHATIF_GRADES 8      /* up to 7 grade letters + F */

typedef struct
{
  guint64  active[QUALIFY_N_STATUSES];
  guint64  draft[QUALIFY_N_STATUSES];
  /* score histograms over the same bins: [bin_min + i·bin_width, … + bin_width) */
  double   bin_min;
  double   bin_width;
  guint64  histogram_active[QUALIFY_WHATIF_BINS];
  guint64  histogram_draft[QUALIFY_WHATIF_BINS];
  double   mql_threshold;                 /* the draft's */
  /* draft fit grade (row, in the draft's grade order, F last) × engagement band */
  guint    n_grades;
  char     grades[QUALIFY_WHATIF_GRADES][4];
  guint64  matrix[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS];
  /* leads that become MQL/SQL, and those that stop being one (dataset indices of
   * the first 200 of each, highest draft score first) */
  guint64  n_newly_qualified;
  guint64  n_dropped;
  GArray  *newly_qualified;               /* of gint64 lead ids */
  GArray  *dropped;                       /* of gint64 lead ids */
  double   elapsed_ms;
} QualifyWhatIfResult;

/* Engagement band edges: < 0, [0, 10), [10, 25), [25, 50), ≥ 50. */
extern const double qualify_whatif_band_edges[QUALIFY_WHATIF_BANDS - 1];

#define QUALIFY_TYPE_WHATIF (qualify_whatif_get_type ())
G_DECLARE_FINAL_TYPE (QualifyWhatIf, qualify_whatif, QUALIFY, WHATIF, GObject)

/* Loads the dataset and scores it with the active model as of @as_of (0 = the
 * latest scoring run's as-of, else now). */
QualifyWhatIf       *qualify_whatif_new            (QualifyStore         *store,
                                                    gint64                as_of,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
QualifyModel        *qualify_whatif_get_active_model (QualifyWhatIf      *self);
/* Thread-safe: several drafts may be evaluated at once. */
QualifyWhatIfResult *qualify_whatif_evaluate       (QualifyWhatIf        *self,
                                                    QualifyModel         *draft,
                                                    GError              **error);
void                 qualify_whatif_result_free    (QualifyWhatIfResult  *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyWhatIfResult, qualify_whatif_result_free)

G_END_DECLS
