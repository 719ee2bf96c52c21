/* test-lead-table.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-lead-table"

#include "config.h"

#include <glib/gstdio.h>

#include "qualify-importer.h"
#include "qualify-lead-table.h"
#include "qualify-model.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

/* 2025-11-20T00:00:00Z: the fixture's events fall in the days before. */
#define AS_OF G_GINT64_CONSTANT (1763596800)

typedef struct
{
  char             *dir;
  QualifyStore     *store;
  QualifyLeadTable *table;
} Fixture;

static void
import_file (QualifyStore      *store,
             QualifyImportKind  kind,
             const char        *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, kind, path);
  g_autoptr(GError) error = NULL;
  QualifyImportStats stats = { 0 };

  g_assert_true (qualify_importer_prepare (importer, 5, &error));
  g_assert_no_error (error);
  g_assert_true (qualify_importer_run (importer, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.skipped, ==, 0);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = qualify_model_new_default ();
  g_autofree char *json = qualify_model_to_data (model, FALSE);
  g_autofree char *path = NULL;
  QualifyScoreSummary summary = { 0 };

  fx->dir = g_dir_make_tmp ("qualify-lead-table-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fx->dir, "test.qualify", NULL);
  fx->store = qualify_store_open (path, &error);
  g_assert_no_error (error);

  import_file (fx->store, QUALIFY_IMPORT_LEADS, "app-leads.csv");
  import_file (fx->store, QUALIFY_IMPORT_EVENTS, "app-events.csv");
  g_assert_cmpint (qualify_store_save_model (fx->store, qualify_model_get_name (model), json,
                                             NULL, TRUE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (qualify_score_workspace (fx->store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.leads, ==, 40);

  fx->table = qualify_lead_table_load (fx->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->table);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->dir, "test.qualify", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (&fx->table);
  g_clear_object (&fx->store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fx->dir);
  g_free (fx->dir);
}

static GArray *
sql_ids (QualifyStore *store,
         const char   *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  return ids;
}

static void
assert_same_order (Fixture *fx,
                   GArray  *rows,
                   GArray  *ids)
{
  g_assert_cmpuint (rows->len, ==, ids->len);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (qualify_lead_table_get_id (fx->table, g_array_index (rows, guint32, i)), ==,
                     g_array_index (ids, gint64, i));
}

static void
test_count (Fixture       *fx,
            gconstpointer  data)
{
  guint n = qualify_lead_table_get_n_leads (fx->table);
  guint by_status = 0;

  g_assert_cmpint (n, ==, qt_store_query_int (fx->store, "SELECT count(*) FROM leads"));
  g_assert_cmpint (n, ==, 40);

  for (QualifyStatus s = 0; s < QUALIFY_N_STATUSES; s++)
    by_status += qualify_lead_table_count_status (fx->table, s);
  g_assert_cmpuint (by_status, ==, n);
  g_assert_cmpint (qualify_lead_table_count_status (fx->table, QUALIFY_STATUS_MQL), ==,
                   qt_store_query_int (fx->store, "SELECT count(*) FROM results WHERE status = 'mql'"));
  g_assert_cmpint (qualify_lead_table_count_status (fx->table, QUALIFY_STATUS_NONE), ==, 0);

  /* Strings and numbers of one known lead. */
  {
    gint64 id = qt_store_query_int (fx->store, "SELECT id FROM leads WHERE email = 'ada.lovelace0@acme.example'");
    guint row = qualify_lead_table_find_id (fx->table, id);

    g_assert_cmpuint (row, !=, G_MAXUINT);
    g_assert_cmpstr (qualify_lead_table_get_name (fx->table, row), ==, "Ada Lovelace");
    g_assert_cmpstr (qualify_lead_table_get_company (fx->table, row), ==, "Acme Corp");
    g_assert_cmpstr (qualify_lead_table_get_title (fx->table, row), ==, "VP Marketing");
    g_assert_cmpstr (qualify_lead_table_get_email (fx->table, row), ==, "ada.lovelace0@acme.example");
    /* Ada asked for a demo: sales-ready. */
    g_assert_cmpint (qualify_lead_table_get_status (fx->table, row), ==, QUALIFY_STATUS_SQL);
    g_assert_cmpfloat_with_epsilon (qualify_lead_table_get_score (fx->table, row),
                                    (double) qt_store_query_int (fx->store, "SELECT round(score * 1000) FROM results r "
                                                      "JOIN leads l ON l.id = r.lead_id "
                                                      "WHERE l.email = 'ada.lovelace0@acme.example'") / 1000.0,
                                    0.01);
    g_assert_cmpint (qualify_lead_table_get_last_activity (fx->table, row), ==,
                     qt_store_query_int (fx->store, "SELECT max(occurred_at) FROM events e JOIN leads l "
                              "ON l.id = e.lead_id WHERE l.email = 'ada.lovelace0@acme.example'"));
  }
}

static void
test_sort_score (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GArray) rows = qualify_lead_table_query (fx->table, NULL, QUALIFY_LEAD_COLUMN_SCORE,
                                                     TRUE, NULL);
  g_autoptr(GArray) ids = sql_ids (fx->store,
                                   "SELECT lead_id FROM results ORDER BY score DESC, lead_id");
  g_autoptr(GArray) asc = qualify_lead_table_query (fx->table, NULL, QUALIFY_LEAD_COLUMN_SCORE,
                                                    FALSE, NULL);
  g_autoptr(GArray) asc_ids = sql_ids (fx->store,
                                       "SELECT lead_id FROM results ORDER BY score ASC, lead_id");

  assert_same_order (fx, rows, ids);
  assert_same_order (fx, asc, asc_ids);
}

static void
test_sort_other (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GArray) by_fit = qualify_lead_table_query (fx->table, NULL, QUALIFY_LEAD_COLUMN_FIT,
                                                       TRUE, NULL);
  g_autoptr(GArray) fit_ids = sql_ids (fx->store,
                                       "SELECT lead_id FROM results ORDER BY fit DESC, lead_id");
  g_autoptr(GArray) by_company = qualify_lead_table_query (fx->table, NULL,
                                                           QUALIFY_LEAD_COLUMN_COMPANY, FALSE, NULL);
  g_autoptr(GArray) company_ids = sql_ids (fx->store,
                                           "SELECT id FROM leads WHERE company IS NOT NULL "
                                           "ORDER BY lower(company), id");
  g_autoptr(GArray) by_activity = qualify_lead_table_query (fx->table, NULL,
                                                            QUALIFY_LEAD_COLUMN_LAST_ACTIVITY,
                                                            TRUE, NULL);
  g_autoptr(GArray) by_name = qualify_lead_table_query (fx->table, NULL, QUALIFY_LEAD_COLUMN_NAME,
                                                        FALSE, NULL);
  gint64 prev;

  assert_same_order (fx, by_fit, fit_ids);

  /* Companies are all ASCII: lower() gives the same order. */
  g_assert_cmpuint (by_company->len, ==, company_ids->len);
  for (guint i = 0; i < company_ids->len; i++)
    g_assert_cmpstr (qualify_lead_table_get_company (fx->table, g_array_index (by_company, guint32, i)),
                     ==,
                     qualify_lead_table_get_company (fx->table,
                                                     qualify_lead_table_find_id (fx->table,
                                                                                 g_array_index (company_ids, gint64, i))));

  /* Newest first, leads without activity last. */
  prev = G_MAXINT64;
  for (guint i = 0; i < by_activity->len; i++)
    {
      gint64 t = qualify_lead_table_get_last_activity (fx->table, g_array_index (by_activity, guint32, i));

      if (t == 0)
        prev = 0;
      else
        {
          g_assert_cmpint (prev, !=, 0);
          g_assert_cmpint (t, <=, prev);
          prev = t;
        }
    }
  g_assert_cmpint (qualify_lead_table_get_last_activity (fx->table, g_array_index (by_activity, guint32, 0)),
                   ==, qt_store_query_int (fx->store, "SELECT max(occurred_at) FROM events"));

  /* Names ascending, case-folded. */
  for (guint i = 1; i < by_name->len; i++)
    {
      g_autofree char *a = g_utf8_casefold (qualify_lead_table_get_name (fx->table, g_array_index (by_name, guint32, i - 1)), -1);
      g_autofree char *b = g_utf8_casefold (qualify_lead_table_get_name (fx->table, g_array_index (by_name, guint32, i)), -1);

      g_assert_cmpint (strcmp (a, b), <=, 0);
    }
}

static void
test_search (Fixture       *fx,
             gconstpointer  data)
{
  QualifyLeadFilter filter = { "acme", 0, 0 };
  g_autoptr(GArray) rows = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE,
                                                     TRUE, NULL);
  gint64 expected = qt_store_query_int (fx->store,
                             "SELECT count(*) FROM leads WHERE "
                             "(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) LIKE '%acme%' "
                             "OR email LIKE '%acme%' OR company LIKE '%acme%'");
  g_autoptr(GArray) upper = NULL;
  g_autoptr(GArray) accented = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(GArray) by_email = NULL;

  g_assert_cmpint (expected, ==, 10);
  g_assert_cmpint (rows->len, ==, expected);

  /* Case-insensitive, also beyond ASCII. */
  filter.search = "  ACME ";
  upper = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE, TRUE, NULL);
  g_assert_cmpint (upper->len, ==, expected);
  filter.search = "CHLOÉ";
  accented = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE, TRUE, NULL);
  g_assert_cmpint (accented->len, ==, 2);
  g_assert_cmpstr (qualify_lead_table_get_name (fx->table, g_array_index (accented, guint32, 0)),
                   ==, "Chloé Berg");

  /* A search never matches across fields. */
  filter.search = "ada lovelace0";
  none = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE, TRUE, NULL);
  g_assert_cmpint (none->len, ==, 0);
  filter.search = "@gmail.com";
  by_email = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE, TRUE, NULL);
  g_assert_cmpint (by_email->len, ==, 1);
}

static void
test_filter (Fixture       *fx,
             gconstpointer  data)
{
  QualifyLeadFilter filter = { NULL, 1u << QUALIFY_STATUS_MQL, 0 };
  g_autoptr(GArray) mql = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE,
                                                    TRUE, NULL);
  g_autoptr(GArray) mql_ids = sql_ids (fx->store,
                                       "SELECT lead_id FROM results WHERE status = 'mql' "
                                       "ORDER BY score DESC, lead_id");
  g_autoptr(GArray) sales = NULL;
  g_autoptr(GArray) grade_a = NULL;
  g_autoptr(GArray) acme_a = NULL;

  g_assert_cmpuint (mql_ids->len, >, 0);
  assert_same_order (fx, mql, mql_ids);

  filter.statuses = (1u << QUALIFY_STATUS_MQL) | (1u << QUALIFY_STATUS_SQL);
  sales = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE, TRUE, NULL);
  g_assert_cmpint (sales->len, ==,
                   qt_store_query_int (fx->store, "SELECT count(*) FROM results WHERE status IN ('mql', 'sql')"));

  filter.statuses = 0;
  filter.grade = 'A';
  grade_a = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE, TRUE, NULL);
  g_assert_cmpint (grade_a->len, ==, qt_store_query_int (fx->store, "SELECT count(*) FROM results WHERE grade = 'A'"));
  for (guint i = 0; i < grade_a->len; i++)
    g_assert_cmpstr (qualify_lead_table_get_grade (fx->table, g_array_index (grade_a, guint32, i)), ==, "A");

  filter.search = "acme";
  acme_a = qualify_lead_table_query (fx->table, &filter, QUALIFY_LEAD_COLUMN_SCORE, TRUE, NULL);
  g_assert_cmpint (acme_a->len, ==,
                   qt_store_query_int (fx->store, "SELECT count(*) FROM leads l JOIN results r ON r.lead_id = l.id "
                            "WHERE r.grade = 'A' AND (l.email LIKE '%acme%' OR l.company LIKE '%acme%')"));
}

static void
query_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = qualify_lead_table_query_finish (QUALIFY_LEAD_TABLE (source), result, &error);
  g_assert_no_error (error);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  QualifyLeadTable **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = qualify_lead_table_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *fx,
            gconstpointer  data)
{
  QualifyLeadFilter filter = { "globex", 0, 0 };
  GArray *rows = NULL;
  QualifyLeadTable *preview = NULL;
  QualifyLeadTable *full = NULL;
  g_autoptr(GArray) ids = sql_ids (fx->store,
                                   "SELECT lead_id FROM results ORDER BY score DESC, lead_id LIMIT 5");

  qualify_lead_table_query_async (fx->table, &filter, QUALIFY_LEAD_COLUMN_NAME, FALSE, NULL,
                                  query_done_cb, &rows);
  while (rows == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (rows->len, ==, 5);
  g_array_unref (rows);

  /* The preview holds the best leads, best first. */
  qualify_lead_table_load_async (qualify_store_get_path (fx->store), 5, NULL, load_done_cb, &preview);
  qualify_lead_table_load_async (qualify_store_get_path (fx->store), 0, NULL, load_done_cb, &full);
  while (preview == NULL || full == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (qualify_lead_table_is_preview (preview));
  g_assert_false (qualify_lead_table_is_preview (full));
  g_assert_cmpuint (qualify_lead_table_get_n_leads (preview), ==, 5);
  g_assert_cmpuint (qualify_lead_table_get_n_leads (full), ==, 40);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpint (qualify_lead_table_get_id (preview, i), ==, g_array_index (ids, gint64, i));
      g_assert_cmpuint (qualify_lead_table_find_id (preview, g_array_index (ids, gint64, i)), ==, i);
      g_assert_cmpint (qualify_lead_table_get_last_activity (preview, i), ==,
                       qualify_lead_table_get_last_activity (full, qualify_lead_table_find_id (full, g_array_index (ids, gint64, i))));
    }

  g_object_unref (preview);
  g_object_unref (full);
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-lead-table-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "empty.qualify", NULL);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autoptr(QualifyLeadTable) table = NULL;
  g_autoptr(GArray) rows = NULL;
  QualifyLeadFilter filter = { "x", 0, 'A' };

  g_assert_no_error (error);
  table = qualify_lead_table_load (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qualify_lead_table_get_n_leads (table), ==, 0);
  rows = qualify_lead_table_query (table, &filter, QUALIFY_LEAD_COLUMN_NAME, FALSE, NULL);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_cmpuint (qualify_lead_table_find_id (table, 1), ==, G_MAXUINT);

  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/lead-table/count", Fixture, NULL, fixture_set_up, test_count, fixture_tear_down);
  g_test_add ("/lead-table/sort-score", Fixture, NULL, fixture_set_up, test_sort_score, fixture_tear_down);
  g_test_add ("/lead-table/sort-other", Fixture, NULL, fixture_set_up, test_sort_other, fixture_tear_down);
  g_test_add ("/lead-table/search", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/lead-table/filter", Fixture, NULL, fixture_set_up, test_filter, fixture_tear_down);
  g_test_add ("/lead-table/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add_func ("/lead-table/empty", test_empty);

  return g_test_run ();
}
