/* test-model-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Model page driven through its widgets: the live what-if must equal a
 * full core rescore of the same draft, and Apply makes a new version.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "qualify-dataset.h"
#include "qualify-demo.h"
#include "qualify-model-page.h"
#include "qualify-scorer.h"
#include "qualify-store.h"

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static gboolean
page_settled (gpointer data)
{
  return !_qualify_model_page_is_busy (data) && _qualify_model_page_get_result (data) != NULL;
}

/* What the core says the draft gives: a fresh dataset, the regular scorer. */
static void
expected_counts (QualifyStore *store,
                 QualifyModel *model,
                 guint64       counts[QUALIFY_N_STATUSES])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyDataset) dataset = qualify_dataset_load (store, NULL, &error);
  g_autoptr(QualifyScorer) scorer = qualify_scorer_new (model, dataset, &error);
  g_autofree QualifyLeadScore *scores = NULL;
  QualifyStoreStats stats;
  guint n;

  g_assert_no_error (error);
  g_assert_true (qualify_store_get_stats (store, &stats, &error));
  n = qualify_dataset_get_n_leads (dataset);
  scores = g_new (QualifyLeadScore, n);
  qualify_scorer_run (scorer, stats.last_as_of, scores);
  memset (counts, 0, sizeof (guint64) * QUALIFY_N_STATUSES);
  for (guint i = 0; i < n; i++)
    counts[scores[i].status]++;
}

static void
assert_preview_matches (QualifyModelPage *page,
                        QualifyStore     *store)
{
  g_autoptr(QualifyModel) draft = _qualify_model_page_dup_draft (page);
  const QualifyWhatIfResult *r = _qualify_model_page_get_result (page);
  guint64 expected[QUALIFY_N_STATUSES];

  g_assert_nonnull (draft);
  expected_counts (store, draft, expected);
  for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (r->draft[s], ==, expected[s]);
}

static gint64 applied_version;

static void
applied_cb (QualifyModelPage *page,
            gint64            version)
{
  applied_version = version;
}

static gboolean
applied (gpointer data)
{
  return applied_version > 0 && !_qualify_model_page_is_busy (data);
}

static void
test_model_page_whatif_and_apply (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-model-page-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  QualifyDemoOptions options = { 2000, 20000, 9, 1793491200 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = qualify_model_page_new ();
  const QualifyWhatIfResult *r;
  guint64 mql_before;

  g_assert_no_error (error);
  g_assert_true (qualify_demo_populate (store, &options, NULL, &error));
  g_assert_no_error (error);

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (page, "applied", G_CALLBACK (applied_cb), NULL);
  qualify_model_page_set_workspace (QUALIFY_MODEL_PAGE (page), path);
  wait_for (page_settled, page, "the first what-if");

  /* the unedited draft changes nothing */
  r = _qualify_model_page_get_result (QUALIFY_MODEL_PAGE (page));
  g_assert_cmpuint (r->n_newly_qualified, ==, 0);
  g_assert_cmpuint (r->n_dropped, ==, 0);
  mql_before = r->active[QUALIFY_STATUS_MQL];

  /* lower the threshold, as a user would */
  gtk_spin_button_set_value (_qualify_model_page_get_threshold_spin (QUALIFY_MODEL_PAGE (page)), 40);
  wait_for (page_settled, page, "the what-if of the threshold");
  r = _qualify_model_page_get_result (QUALIFY_MODEL_PAGE (page));
  g_assert_cmpuint (r->draft[QUALIFY_STATUS_MQL], >, mql_before);
  g_assert_cmpuint (r->n_newly_qualified, >, 0);
  g_assert_cmpfloat (r->mql_threshold, ==, 40);
  assert_preview_matches (QUALIFY_MODEL_PAGE (page), store);

  /* and give the first engagement rule fewer points */
  gtk_spin_button_set_value (_qualify_model_page_get_points_spin (QUALIFY_MODEL_PAGE (page), "engagement", 0), 1);
  wait_for (page_settled, page, "the what-if of the points");
  assert_preview_matches (QUALIFY_MODEL_PAGE (page), store);
  g_assert_nonnull (strstr (_qualify_model_page_get_state_text (QUALIFY_MODEL_PAGE (page)), "Unsaved"));

  /* apply: a new version with the note, and the workspace rescored to match the preview */
  {
    g_autoptr(GPtrArray) versions = NULL;
    QualifyModelVersion *latest;
    QualifyStoreStats stats;

    _qualify_model_page_apply (QUALIFY_MODEL_PAGE (page), "Lower threshold for Q4");
    wait_for (applied, page, "the apply");
    versions = qualify_store_list_models (store, &error);
    g_assert_no_error (error);
    latest = g_ptr_array_index (versions, 0);
    if (latest->version != applied_version)
      latest = g_ptr_array_index (versions, versions->len - 1);
    g_assert_cmpint (latest->version, ==, applied_version);
    g_assert_true (latest->active);
    g_assert_cmpstr (latest->note, ==, "Lower threshold for Q4");
    g_assert_true (qualify_store_get_stats (store, &stats, &error));
    g_assert_cmpint (latest->mql_count, >, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/model-page/whatif-and-apply", test_model_page_whatif_and_apply);

  return g_test_run ();
}
