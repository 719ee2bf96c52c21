/* qualify-whatif.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-whatif"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "qualify-store-private.h"
#include "qualify-whatif.h"

#define MAX_LISTED 200

const double qualify_whatif_band_edges[QUALIFY_WHATIF_BANDS - 1] = { 0, 10, 25, 50 };

struct _QualifyWhatIf
{
  GObject           parent_instance;

  QualifyDataset   *dataset;
  QualifyModel     *active;
  QualifyLeadScore *active_scores;
  gint64            as_of;
};

G_DEFINE_FINAL_TYPE (QualifyWhatIf, qualify_whatif, G_TYPE_OBJECT)

static void
qualify_whatif_finalize (GObject *object)
{
  QualifyWhatIf *self = QUALIFY_WHATIF (object);

  g_clear_object (&self->dataset);
  g_clear_object (&self->active);
  g_free (self->active_scores);
  G_OBJECT_CLASS (qualify_whatif_parent_class)->finalize (object);
}

static void
qualify_whatif_class_init (QualifyWhatIfClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qualify_whatif_finalize;
}

static void
qualify_whatif_init (QualifyWhatIf *self)
{
}

QualifyWhatIf *
qualify_whatif_new (QualifyStore  *store,
                    gint64         as_of,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(QualifyWhatIf) self = g_object_new (QUALIFY_TYPE_WHATIF, NULL);
  g_autoptr(QualifyScorer) scorer = NULL;
  g_autofree char *json = NULL;
  gint64 version = 0;
  guint n;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);

  if (as_of <= 0)
    {
      QualifyStoreStats stats;

      if (!qualify_store_get_stats (store, &stats, error))
        return NULL;
      as_of = stats.last_as_of > 0 ? stats.last_as_of : g_get_real_time () / G_USEC_PER_SEC;
    }
  self->as_of = as_of;

  if ((json = qualify_store_dup_active_model_json (store, &version, NULL)) != NULL)
    self->active = qualify_model_new_from_data (json, -1, error);
  else
    self->active = qualify_model_new_default ();
  if (self->active == NULL ||
      !(self->dataset = qualify_dataset_load (store, cancellable, error)) ||
      !(scorer = qualify_scorer_new (self->active, self->dataset, error)))
    return NULL;

  n = qualify_dataset_get_n_leads (self->dataset);
  self->active_scores = g_new (QualifyLeadScore, MAX (n, 1));
  qualify_scorer_run (scorer, as_of, self->active_scores);
  return g_steal_pointer (&self);
}

QualifyModel *
qualify_whatif_get_active_model (QualifyWhatIf *self)
{
  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);
  return self->active;
}

static gboolean
qualified (QualifyStatus status)
{
  return status == QUALIFY_STATUS_MQL || status == QUALIFY_STATUS_SQL;
}

static guint
band_of (double engagement)
{
  guint band = 0;

  while (band < QUALIFY_WHATIF_BANDS - 1 && engagement >= qualify_whatif_band_edges[band])
    band++;
  return band;
}

typedef struct
{
  gint64 id;
  double score;
} Listed;

static int
by_score_desc (gconstpointer a,
               gconstpointer b)
{
  const Listed *x = a, *y = b;

  return (x->score < y->score) - (x->score > y->score);
}

static GArray *
top_ids (GArray *listed)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_sort (listed, by_score_desc);
  for (guint i = 0; i < MIN (listed->len, MAX_LISTED); i++)
    g_array_append_val (ids, g_array_index (listed, Listed, i).id);
  return ids;
}

QualifyWhatIfResult *
qualify_whatif_evaluate (QualifyWhatIf  *self,
                         QualifyModel   *draft,
                         GError        **error)
{
  g_autoptr(QualifyScorer) scorer = NULL;
  g_autofree QualifyLeadScore *scores = NULL;
  g_autoptr(GArray) newly = g_array_new (FALSE, FALSE, sizeof (Listed));
  g_autoptr(GArray) dropped = g_array_new (FALSE, FALSE, sizeof (Listed));
  QualifyWhatIfResult *r;
  gint64 t0 = g_get_monotonic_time ();
  double lo = 0, hi = 0;
  guint n;

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);
  g_return_val_if_fail (QUALIFY_IS_MODEL (draft), NULL);

  if (!(scorer = qualify_scorer_new (draft, self->dataset, error)))
    return NULL;
  n = qualify_dataset_get_n_leads (self->dataset);
  scores = g_new (QualifyLeadScore, MAX (n, 1));
  qualify_scorer_run (scorer, self->as_of, scores);

  r = g_new0 (QualifyWhatIfResult, 1);
  r->mql_threshold = qualify_model_get_mql_threshold (draft);

  /* One range for both histograms, in round steps, always showing the threshold. */
  lo = hi = r->mql_threshold;
  for (guint i = 0; i < n; i++)
    {
      lo = MIN (lo, MIN (scores[i].score, self->active_scores[i].score));
      hi = MAX (hi, MAX (scores[i].score, self->active_scores[i].score));
    }
  r->bin_width = MAX (5.0, ceil ((hi - lo) / QUALIFY_WHATIF_BINS / 5.0) * 5.0);
  r->bin_min = floor (lo / r->bin_width) * r->bin_width;

  r->n_grades = MIN (qualify_model_get_n_grades (draft), QUALIFY_WHATIF_GRADES - 1) + 1;
  for (guint g = 0; g + 1 < r->n_grades; g++)
    g_strlcpy (r->grades[g], qualify_model_get_grade (draft, g)->letter, sizeof r->grades[g]);
  g_strlcpy (r->grades[r->n_grades - 1], "F", sizeof r->grades[0]);

  for (guint i = 0; i < n; i++)
    {
      const QualifyLeadScore *a = &self->active_scores[i];
      const QualifyLeadScore *d = &scores[i];
      guint bin_a = (guint) CLAMP ((a->score - r->bin_min) / r->bin_width, 0, QUALIFY_WHATIF_BINS - 1);
      guint bin_d = (guint) CLAMP ((d->score - r->bin_min) / r->bin_width, 0, QUALIFY_WHATIF_BINS - 1);
      guint grade = MIN (d->grade, r->n_grades - 1);

      r->active[a->status]++;
      r->draft[d->status]++;
      r->histogram_active[bin_a]++;
      r->histogram_draft[bin_d]++;
      r->matrix[grade][band_of (d->engagement)]++;

      if (qualified (d->status) && !qualified (a->status))
        {
          Listed l = { qualify_dataset_get_lead_id (self->dataset, i), d->score };
          g_array_append_val (newly, l);
        }
      else if (!qualified (d->status) && qualified (a->status))
        {
          Listed l = { qualify_dataset_get_lead_id (self->dataset, i), d->score };
          g_array_append_val (dropped, l);
        }
    }

  r->n_newly_qualified = newly->len;
  r->n_dropped = dropped->len;
  r->newly_qualified = top_ids (newly);
  r->dropped = top_ids (dropped);
  r->elapsed_ms = (g_get_monotonic_time () - t0) / 1000.0;
  return r;
}

void
qualify_whatif_result_free (QualifyWhatIfResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->newly_qualified, g_array_unref);
  g_clear_pointer (&result->dropped, g_array_unref);
  g_free (result);
}
