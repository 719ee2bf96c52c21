/* bench-whatif.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Live what-if timings on a big workspace:
 *
 *   QUALIFY_BENCH_WORKSPACE=/path/to/copy.qualify _build/tests/bench-whatif
 *
 * Without the variable it generates QUALIFY_BENCH_LEADS (default 1000000) leads
 * and 10 events each into a temporary workspace first (about a minute), removed
 * at the end; when the variable names a file that does not exist yet, it is
 * generated there and kept for the next runs.
 * Reads the workspace only, except with QUALIFY_BENCH_APPLY=1 (then it applies
 * one draft through the what-if, reusing its dataset: use a COPY). Each edit is timed QUALIFY_BENCH_REPEAT (default 5)
 * times with a different value each time, so cache-building edits really build;
 * min / median / max are printed.
 */

#include "config.h"

#include <stdlib.h>

#include "qualify-demo.h"
#include "qualify-test-util.h"
#include "qualify-whatif.h"

typedef void (*Edit) (JsonObject *model,
                      guint       round);

static JsonObject *
first_rule (JsonObject *model,
            const char *section,
            const char *event)
{
  JsonArray *rules = json_object_get_array_member (model, section);

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonObject *r = json_array_get_object_element (rules, i);

      if (event == NULL ||
          (json_object_has_member (r, "event") && g_str_equal (json_object_get_string_member (r, "event"), event)))
        return r;
    }
  return NULL;
}

static void
edit_weights (JsonObject *model,
              guint       round)
{
  JsonObject *fit = first_rule (model, "fit", NULL);
  JsonObject *eng = first_rule (model, "engagement", NULL);

  if (fit != NULL)
    json_object_set_int_member (fit, "points", 21 + round);
  if (eng != NULL)
    json_object_set_int_member (eng, "points", 11 + round);
}

static void
edit_threshold (JsonObject *model,
                guint       round)
{
  json_object_set_double_member (json_object_get_object_member (model, "thresholds"), "mql", 40 + round * 3);
}

static void
edit_pattern (JsonObject *model,
              guint       round)
{
  static const char * const patterns[] = { "/blog/*", "/*", "/product*", "/docs/*", "*pricing*", "/p*", "/b*", "/d*" };
  JsonObject *r = first_rule (model, "engagement", "page_view");

  if (r != NULL)
    json_object_set_string_member (r, "match", patterns[round % G_N_ELEMENTS (patterns)]);
}

static void
edit_half_life (JsonObject *model,
                guint       round)
{
  JsonObject *r = first_rule (model, "engagement", "page_view");

  if (r != NULL)
    json_object_set_double_member (r, "half_life_days", 3 + round);
}

static void
edit_new_fit_rule (JsonObject *model,
                   guint       round)
{
  static const char * const fields[] = { "city", "region", "lead_source", "owner", "company", "domain", "phone", "first_name" };
  JsonObject *r = json_object_new ();

  json_object_set_string_member (r, "id", "bench_new");
  json_object_set_string_member (r, "field", fields[round % G_N_ELEMENTS (fields)]);
  json_object_set_string_member (r, "op", "starts_with");
  json_object_set_string_member (r, "value", "b");
  json_object_set_int_member (r, "points", 5);
  json_array_add_object_element (json_object_get_array_member (model, "fit"), r);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      !(line = strstr (status, "VmHWM:")))
    return 0;
  return g_ascii_strtod (line + 6, NULL) / 1024.0;
}

static void
time_edit (QualifyWhatIf *whatif,
           const char    *label,
           Edit           edit,
           guint          repeat)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint built = 0;
  guint64 mql = 0;

  for (guint round = 0; round < repeat; round++)
    {
      g_autoptr(JsonNode) node = qualify_model_to_node (qualify_whatif_get_active_model (whatif));
      g_autoptr(QualifyModel) draft = NULL;
      g_autoptr(QualifyWhatIfResult) r = NULL;
      g_autoptr(GError) error = NULL;
      gint64 t0;
      double elapsed;

      edit (json_node_get_object (node), round);
      if (!(draft = qualify_model_new_from_node (node, &error)))
        g_error ("%s: %s", label, error->message);

      t0 = g_get_monotonic_time ();
      if (!(r = qualify_whatif_evaluate (whatif, draft, &error)))
        g_error ("%s: %s", label, error->message);
      elapsed = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (ms, elapsed);
      built += r->n_rules_built;
      mql = r->draft[QUALIFY_STATUS_MQL];
    }

  g_array_sort (ms, compare_doubles);
  g_print ("%-34s min %8.1f  median %8.1f  max %8.1f ms   (%u caches built, last draft %" G_GUINT64_FORMAT " MQL)\n",
           label, g_array_index (ms, double, 0), g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, ms->len - 1), built, mql);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyWhatIf) whatif = NULL;

  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  const char *env = g_getenv ("QUALIFY_BENCH_WORKSPACE");
  guint repeat = g_getenv ("QUALIFY_BENCH_REPEAT") ? atoi (g_getenv ("QUALIFY_BENCH_REPEAT")) : 5;
  gint64 t0;

  repeat = MAX (repeat, 1);
  if (env != NULL && *env != '\0')
    path = g_strdup (env);
  /* a workspace given that does not exist yet is generated there and kept */
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      QualifyDemoOptions options = { 1000000, 0, 1, 1793491200 };

      if (g_getenv ("QUALIFY_BENCH_LEADS"))
        options.n_leads = atoi (g_getenv ("QUALIFY_BENCH_LEADS"));
      options.n_events = (guint64) options.n_leads * 10;
      if (path == NULL)
        {
          tmpdir = qt_make_tmp_dir ("qualify-bench-whatif-XXXXXX");
          path = g_build_filename (tmpdir, "bench.qualify", NULL);
        }
      g_print ("generating %u leads / %" G_GUINT64_FORMAT " events into %s …\n",
               options.n_leads, options.n_events, path);
      t0 = g_get_monotonic_time ();
      if (!(store = qualify_store_open (path, &error)) ||
          !qualify_demo_populate (store, &options, NULL, &error))
        g_error ("%s", error->message);
      g_print ("%-34s %8.0f ms\n", "generate + import + score", (g_get_monotonic_time () - t0) / 1000.0);
      g_clear_object (&store);
    }

  g_print ("Qualify what-if benchmark: %s, %u cores, %u repeats\n", path, g_get_num_processors (), repeat);
  t0 = g_get_monotonic_time ();
  /* as the app does: in a worker thread with its own connection */
  {
    g_autoptr(GAsyncResult) result = NULL;

    qualify_whatif_new_async (path, 0, NULL, qt_async_result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    if (!(whatif = qualify_whatif_new_finish (result, &error)))
      g_error ("%s", error->message);
  }
  g_print ("%-34s %8.0f ms   (%u leads, %" G_GUINT64_FORMAT " events; dataset + active model's caches)\n",
           "load", (g_get_monotonic_time () - t0) / 1000.0, qualify_whatif_get_n_leads (whatif),
           qualify_dataset_get_n_events (qualify_whatif_get_dataset (whatif)));

  {
    g_autoptr(QualifyWhatIfResult) r = NULL;

    t0 = g_get_monotonic_time ();
    if (!(r = qualify_whatif_evaluate (whatif, qualify_whatif_get_active_model (whatif), &error)))
      g_error ("%s", error->message);
    g_print ("%-34s %8.1f ms   (%" G_GUINT64_FORMAT " MQL, %" G_GUINT64_FORMAT " SQL)\n", "first evaluation (active model)",
             (g_get_monotonic_time () - t0) / 1000.0, r->draft[QUALIFY_STATUS_MQL], r->draft[QUALIFY_STATUS_SQL]);
  }

  time_edit (whatif, "weights edit", edit_weights, repeat);
  time_edit (whatif, "threshold edit", edit_threshold, repeat);
  time_edit (whatif, "pattern edit (new glob)", edit_pattern, repeat);
  time_edit (whatif, "half-life edit", edit_half_life, repeat);
  time_edit (whatif, "new fit rule (new column)", edit_new_fit_rule, repeat);

  /* the reference: a full core rescore of the same dataset */
  {
    g_autoptr(QualifyScorer) scorer = NULL;
    g_autofree QualifyLeadScore *scores = g_new (QualifyLeadScore, MAX (qualify_whatif_get_n_leads (whatif), 1));

    t0 = g_get_monotonic_time ();
    if (!(scorer = qualify_scorer_new (qualify_whatif_get_active_model (whatif), qualify_whatif_get_dataset (whatif), &error)))
      g_error ("%s", error->message);
    qualify_scorer_run (scorer, qualify_whatif_get_as_of (whatif), scores);
    g_print ("%-34s %8.1f ms   (reference: qualify_scorer_new + run)\n", "full in-memory rescore",
             (g_get_monotonic_time () - t0) / 1000.0);
  }

  {
    guint64 events = 0, leads = 0;

    t0 = g_get_monotonic_time ();
    qualify_whatif_count_pattern (whatif, "page_view", "/pricing*", &events, &leads);
    g_print ("%-34s %8.1f ms   (%" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " leads)\n",
             "count_pattern page_view /pricing*", (g_get_monotonic_time () - t0) / 1000.0, events, leads);
  }

  {
    g_autoptr(GPtrArray) values = NULL;

    t0 = g_get_monotonic_time ();
    values = qualify_whatif_dup_field_values (whatif, "industry", NULL, 20, &error);
    g_print ("%-34s %8.1f ms   (%u values)\n", "dup_field_values industry",
             (g_get_monotonic_time () - t0) / 1000.0, values ? values->len : 0);
  }

  if (g_strcmp0 (g_getenv ("QUALIFY_BENCH_APPLY"), "1") == 0)
    {
      g_autoptr(JsonNode) node = qualify_model_to_node (qualify_whatif_get_active_model (whatif));
      g_autoptr(QualifyModel) draft = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      QualifyScoreSummary summary;
      gint64 version;

      /* a real change whatever was applied before: toggle the threshold */
      json_object_set_double_member (json_object_get_object_member (json_node_get_object (node), "thresholds"), "mql",
                                     qualify_model_get_mql_threshold (qualify_whatif_get_active_model (whatif)) == 45 ? 55 : 45);
      draft = qualify_model_new_from_node (node, &error);
      g_assert_no_error (error);
      t0 = g_get_monotonic_time ();
      qualify_whatif_apply_async (whatif, draft, "bench", NULL, qt_async_result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      if ((version = qualify_whatif_apply_finish (whatif, result, &summary, &error)) <= 0)
        g_error ("%s", error->message);
      g_print ("%-34s %8.0f ms   (version %" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT " changed, %" G_GUINT64_FORMAT
               " transitions; load %.2f s, score %.2f s, write %.2f s)\n",
               "apply (what-if: save + rescore)", (g_get_monotonic_time () - t0) / 1000.0, version,
               summary.changed, summary.transitions, summary.load_seconds, summary.score_seconds, summary.write_seconds);
    }

  g_print ("%-34s %8.0f MB\n", "peak RSS", peak_rss_mb ());

  if (tmpdir != NULL)
    {
      g_clear_object (&whatif);
      g_clear_object (&store);
      qt_remove_tree (tmpdir);
    }

  return 0;
}
