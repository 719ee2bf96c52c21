/* test-whatif.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The what-if preview of a draft must equal what applying it gives: each
 * case edits the active model, previews it, then saves it, rescores the real
 * workspace with the regular job and compares.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "qualify-demo.h"
#include "qualify-store-private.h"
#include "qualify-whatif.h"

typedef void (*Edit) (JsonObject *model);

static JsonObject *
rule (JsonObject *model,
      const char *section,
      const char *id)
{
  JsonArray *rules = json_object_get_array_member (model, section);

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonObject *r = json_array_get_object_element (rules, i);

      if (g_str_equal (json_object_get_string_member (r, "id"), id))
        return r;
    }
  g_assert_not_reached ();
}

static void
edit_threshold (JsonObject *model)
{
  json_object_set_double_member (json_object_get_object_member (model, "thresholds"), "mql", 45);
}

static void
edit_points (JsonObject *model)
{
  json_object_set_int_member (rule (model, "fit", "industry"), "points", 35);
  json_object_set_int_member (rule (model, "engagement", "pricing"), "points", 2);
}

static void
edit_pattern_and_decay (JsonObject *model)
{
  JsonObject *r = rule (model, "engagement", "blog");

  json_object_set_string_member (r, "match", "/*");
  json_object_set_double_member (r, "half_life_days", 3);
}

static void
edit_new_rule (JsonObject *model)
{
  JsonObject *r = json_object_new ();

  json_object_set_string_member (r, "id", "germany");
  json_object_set_string_member (r, "label", "Germany");
  json_object_set_string_member (r, "field", "country");
  json_object_set_string_member (r, "op", "equals");
  json_object_set_string_member (r, "value", "Germany");
  json_object_set_int_member (r, "points", 40);
  json_array_add_object_element (json_object_get_array_member (model, "fit"), r);
}

static void
check_edit (gconstpointer data)
{
  Edit edit = (Edit) data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-whatif-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autoptr(QualifyWhatIf) whatif = NULL;
  g_autoptr(QualifyModel) draft = NULL;
  g_autoptr(QualifyWhatIfResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *data_json = NULL;
  QualifyDemoOptions options = { 1500, 15000, 11, 1793491200 };
  QualifyStoreStats stats;
  QualifyScoreSummary summary;
  guint64 total = 0, unchanged = 0;
  gint64 version;

  g_assert_no_error (error);
  g_assert_true (qualify_demo_populate (store, &options, NULL, &error));
  g_assert_true (qualify_store_get_stats (store, &stats, &error));

  whatif = qualify_whatif_new (store, 0, NULL, &error);
  g_assert_no_error (error);

  node = qualify_model_to_node (qualify_whatif_get_active_model (whatif));
  edit (json_node_get_object (node));
  draft = qualify_model_new_from_node (node, &error);
  g_assert_no_error (error);

  /* the preview of the model as it is: no change at all */
  {
    g_autoptr(QualifyWhatIfResult) same = qualify_whatif_evaluate (whatif, qualify_whatif_get_active_model (whatif), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (same->n_newly_qualified, ==, 0);
    g_assert_cmpuint (same->n_dropped, ==, 0);
    for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
      g_assert_cmpuint (same->draft[s], ==, same->active[s]);
  }

  result = qualify_whatif_evaluate (whatif, draft, &error);
  g_assert_no_error (error);

  /* the active side is what the workspace holds now */
  for (guint s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM results WHERE status = '%s'",
                                              qualify_status_to_string (s));
      g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);

      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpuint (result->active[s], ==, (guint64) sqlite3_column_int64 (stmt, 0));
    }

  /* apply it for real, same as-of */
  data_json = qualify_model_to_data (draft, TRUE);
  version = qualify_store_save_model (store, qualify_model_get_name (draft), data_json, "what-if test", TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (qualify_score_workspace (store, stats.last_as_of, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (summary.model_version, ==, version);

  for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
    {
      g_assert_cmpuint (result->draft[s], ==, summary.by_status[s]);
      unchanged += result->draft[s] == result->active[s];
    }
  g_assert_cmpuint (unchanged, <, QUALIFY_N_STATUSES);   /* the edit changed something */

  /* newly qualifying and dropping leads are exactly the transitions of that run */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT"
                                            " sum(to_status IN ('mql','sql') AND from_status NOT IN ('mql','sql')),"
                                            " sum(to_status NOT IN ('mql','sql') AND from_status IN ('mql','sql'))"
                                            " FROM status_history WHERE model_version = %" G_GINT64_FORMAT, version);
    g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpuint (result->n_newly_qualified, ==, (guint64) sqlite3_column_int64 (stmt, 0));
    g_assert_cmpuint (result->n_dropped, ==, (guint64) sqlite3_column_int64 (stmt, 1));
    g_assert_cmpuint (result->newly_qualified->len, ==, MIN (result->n_newly_qualified, 200));
  }

  /* histograms and the matrix each count every lead once */
  for (guint b = 0; b < QUALIFY_WHATIF_BINS; b++)
    total += result->histogram_draft[b];
  g_assert_cmpuint (total, ==, 1500);
  total = 0;
  for (guint g = 0; g < result->n_grades; g++)
    for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
      total += result->matrix[g][b];
  g_assert_cmpuint (total, ==, 1500);
  g_assert_cmpstr (result->grades[result->n_grades - 1], ==, "F");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/whatif/threshold", edit_threshold, check_edit);
  g_test_add_data_func ("/whatif/points", edit_points, check_edit);
  g_test_add_data_func ("/whatif/pattern-and-decay", edit_pattern_and_decay, check_edit);
  g_test_add_data_func ("/whatif/new-rule", edit_new_rule, check_edit);

  return g_test_run ();
}
