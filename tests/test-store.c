/* test-store.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "qualify-importer.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

static char *
temp_workspace (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-store-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, name, NULL);
}

static void
test_store_create (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_workspace ("sub/dir/new.qualify");
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autofree char *journal = NULL;
  QualifyStoreStats stats;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (qualify_store_get_path (store), ==, path);

  g_assert_cmpint (qt_store_query_int (store, "PRAGMA user_version"), ==, QUALIFY_STORE_SCHEMA_VERSION);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA synchronous"), ==, 1); /* NORMAL */
  journal = qt_store_query_text (store, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");

  g_assert_true (qualify_store_get_stats (store, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.leads, ==, 0);
  g_assert_cmpint (stats.events, ==, 0);
  g_assert_cmpint (stats.model_version, ==, 0);
  g_assert_cmpint (stats.last_as_of, ==, 0);
}

static void
test_store_reopen_keeps_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_workspace ("w.qualify");
  QualifyStore *store = qualify_store_open (path, &error);
  g_autoptr(QualifyLeadRecord) lead = NULL;
  gint64 id;

  g_assert_no_error (error);
  g_assert_true (_qualify_store_exec (store,
                                      "INSERT INTO leads (email, first_name, employees, custom) "
                                      "VALUES ('ada@example.com', 'Ada', 1200, '{\"Persona\":\"Builder\"}')",
                                      &error));
  g_assert_no_error (error);
  g_object_unref (store);

  store = qualify_store_open (path, &error);
  g_assert_no_error (error);
  id = qualify_store_find_lead (store, "  ADA@Example.com ");
  g_assert_cmpint (id, >, 0);
  lead = qualify_store_get_lead (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lead->values[QUALIFY_FIELD_FIRST_NAME], ==, "Ada");
  g_assert_cmpstr (lead->values[QUALIFY_FIELD_EMPLOYEES], ==, "1200");
  g_assert_null (lead->values[QUALIFY_FIELD_TITLE]);
  g_assert_cmpstr (qualify_lead_record_get (lead, "Persona"), ==, "Builder");
  g_assert_false (lead->scored);
  g_assert_cmpint (qualify_store_find_lead (store, "nobody@example.com"), ==, 0);
  g_object_unref (store);
}

static void
test_store_too_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_workspace ("future.qualify");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  QualifyStore *store;
  sqlite3 *db;

  /* A workspace from a future Qualify: one schema version ahead. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  store = qualify_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of Qualify"));
  g_assert_nonnull (strstr (error->message, "99"));

  /* never a silent rewrite */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_store_not_a_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_workspace ("notes.txt");
  g_autofree char *other = temp_workspace ("other.db");
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *after = NULL;
  sqlite3 *db;

  g_assert_true (g_file_set_contents (path, "this is not a database, it is a shopping list\n" "milk\n", -1, NULL));
  store = qualify_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_A_WORKSPACE);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_true (g_str_has_prefix (after, "this is not a database"));
  g_clear_error (&error);

  /* Somebody else's SQLite database (user_version 0 but tables) is refused too. */
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE invoices (n)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = qualify_store_open (other, &error);
  g_assert_null (store);
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_A_WORKSPACE);
}

static void
test_store_models (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_workspace ("models.qualify");
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *json = NULL;
  gint64 v1, v2, active = 0;

  g_assert_no_error (error);

  json = qualify_store_dup_active_model_json (store, &active, &error);
  g_assert_null (json);
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  v1 = qualify_store_save_model (store, "one", "{\"v\":1}", "first", TRUE, &error);
  g_assert_no_error (error);
  v2 = qualify_store_save_model (store, "two", "{\"v\":2}", NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (v2, >, v1);

  json = qualify_store_dup_active_model_json (store, &active, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, "{\"v\":2}");
  g_assert_cmpint (active, ==, v2);
  g_clear_pointer (&json, g_free);

  g_assert_true (qualify_store_activate_model (store, v1, &error));
  g_assert_no_error (error);
  json = qualify_store_dup_active_model_json (store, &active, &error);
  g_assert_cmpstr (json, ==, "{\"v\":1}");
  g_assert_cmpint (active, ==, v1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM models WHERE active = 1"), ==, 1);

  /* every version is kept, newest first */
  versions = qualify_store_list_models (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpint (((QualifyModelVersion *) versions->pdata[0])->version, ==, v2);
  g_assert_false (((QualifyModelVersion *) versions->pdata[0])->active);
  g_assert_cmpstr (((QualifyModelVersion *) versions->pdata[1])->note, ==, "first");
  g_assert_true (((QualifyModelVersion *) versions->pdata[1])->active);

  g_assert_false (qualify_store_activate_model (store, 999, &error));
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND);
}

static void
test_store_rollback (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_workspace ("tx.qualify");
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (qualify_store_begin (store, &error));
  g_assert_true (_qualify_store_exec (store, "INSERT INTO leads (email) VALUES ('a@b.example')", &error));
  g_assert_no_error (error);
  qualify_store_rollback (store);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 0);

  /* emails are unique */
  g_assert_true (_qualify_store_exec (store, "INSERT INTO leads (email) VALUES ('a@b.example')", &error));
  g_assert_false (_qualify_store_exec (store, "INSERT INTO leads (email) VALUES ('a@b.example')", &error));
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_FAILED);
  g_clear_error (&error);

  /* foreign keys are enforced */
  g_assert_false (_qualify_store_exec (store, "INSERT INTO events (lead_id, type_id, occurred_at) "
                                       "VALUES (4242, 1, 0)", &error));
  g_assert_nonnull (error);
}

/* A full disk (simulated with max_page_count, which makes SQLite fail with
 * SQLITE_FULL exactly as a full file system does) gives a clear error and
 * leaves the workspace as it was: nothing half-written. */
static void
test_store_disk_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_workspace ("full.qualify");
  g_autofree char *csv = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(GString) data = g_string_new ("Email,First Name,Company,Industry\n");
  QualifyImportStats stats;
  QualifyScoreSummary summary;
  g_autofree char *limit = NULL;

  g_assert_no_error (error);
  g_assert_true (_qualify_store_exec (store, "INSERT INTO leads (email) VALUES ('first@corp.example')", &error));
  g_assert_true (qualify_score_workspace (store, 1780000000, NULL, &summary, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (data, "person%u@corp%u.example,Person %u,Company %u,Software\n", i, i % 97, i, i);
  csv = g_build_filename (dir, "many.csv", NULL);
  g_assert_true (g_file_set_contents (csv, data->str, data->len, NULL));

  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                           qt_store_query_int (store, "PRAGMA page_count") + 4);
  g_assert_true (_qualify_store_exec (store, limit, &error));

  importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, csv);
  g_assert_true (qualify_importer_prepare (importer, 5, &error));
  g_assert_no_error (error);
  g_assert_false (qualify_importer_run (importer, NULL, NULL, NULL, &stats, &error));
  g_assert_nonnull (error);
  g_test_message ("import on a full disk: %s", error->message);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);

  /* nothing of the import is there, and the workspace still works */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 0);
  g_assert_true (_qualify_store_in_transaction (store) == FALSE);

  /* same for a rescore that cannot write its results */
  g_assert_true (_qualify_store_exec (store, "PRAGMA max_page_count = 1000000", &error));
  g_assert_true (_qualify_store_exec (store, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                      "WHERE i < 5000) INSERT INTO leads (email) SELECT 'x' || i || '@y.example' FROM n",
                                      &error));
  g_assert_no_error (error);
  g_free (limit);
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, qt_store_query_int (store, "PRAGMA page_count"));
  g_assert_true (_qualify_store_exec (store, limit, &error));
  g_assert_false (qualify_score_workspace (store, 1780000000, NULL, &summary, &error));
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_DISK_FULL);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM score_runs"), ==, 1);
}

/* A copy of the fixture workspace @fixture, as @name in a temp dir, opened
 * (and so migrated). */
static QualifyStore *
open_fixture_copy (const char *fixture,
                   const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "fixtures", fixture, NULL);
  g_autofree char *path = temp_workspace (name);
  g_autofree char *contents = NULL;
  QualifyStore *store;
  gsize len;

  g_assert_true (g_file_get_contents (source, &contents, &len, &error));
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  store = qualify_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

/* A workspace written by the first release (schema 1) opens, is upgraded in
 * place, and keeps every lead, event, result and history row with its id. */
static void
test_store_migrate_v1 (void)
{
  g_autofree char *email = NULL;
  g_autoptr(QualifyStore) store = open_fixture_copy ("workspace-v1.qualify", "old.qualify");
  int rc;

  g_assert_cmpint (qt_store_query_int (store, "PRAGMA user_version"), ==, QUALIFY_STORE_SCHEMA_VERSION);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 40);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 200);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 40);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==, 40);
  /* every event still points at its lead, through the rebuilt table */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events_view"), ==, 200);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA foreign_keys"), ==, 1);

  /* the email key is a named unique index now, and still enforced */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM sqlite_schema WHERE name = 'leads_email'"), ==, 1);
  email = qt_store_query_text (store, "SELECT email FROM leads WHERE id = 7");
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO leads (email) VALUES ('%s')", email);
    rc = sqlite3_exec (_qualify_store_get_db (store), sql, NULL, NULL, NULL);
    g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT_UNIQUE);
  }

  /* deleting a lead still cascades to its events (foreign key) and its
   * results and history (trigger) */
  g_assert_cmpint (sqlite3_exec (_qualify_store_get_db (store), "DELETE FROM leads WHERE id = 7",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events WHERE lead_id = 7"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results WHERE lead_id = 7"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history WHERE lead_id = 7"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 39);

  /* schema 3: the dataset cache, empty, and its generation bumped by the delete */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM dataset_cache"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM dataset_generation"), >, 0);
}

/* A workspace of schema 2 (the v1 fixture opened by Qualify 0.2) is upgraded
 * to schema 3: the dataset cache and the triggers that keep it honest. A
 * rescore at the as-of of its last run changes nothing (the same scores from
 * the tables and then from the cache), and any update or delete of leads or
 * events bumps the generation the cache is stamped with. */
static void
test_store_migrate_v2 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = open_fixture_copy ("workspace-v2.qualify", "v2.qualify");
  QualifyScoreSummary summary;
  gint64 as_of, generation;

  g_assert_cmpint (qt_store_query_int (store, "PRAGMA user_version"), ==, QUALIFY_STORE_SCHEMA_VERSION);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 40);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 200);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 40);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM dataset_cache"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM dataset_generation"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                              " AND name LIKE 'dataset_%'"), ==, 8);

  as_of = qt_store_query_int (store, "SELECT as_of FROM score_runs ORDER BY id DESC LIMIT 1");
  for (int run = 0; run < 2; run++)
    {
      g_assert_true (qualify_score_workspace (store, as_of, NULL, &summary, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (summary.leads, ==, 40);
      g_assert_cmpuint (summary.changed, ==, 0);
      g_assert_cmpuint (summary.transitions, ==, 0);
      g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM dataset_cache WHERE name = 'events'"), ==, 1);
    }

  generation = qt_store_query_int (store, "SELECT n FROM dataset_generation");
  g_assert_true (_qualify_store_exec (store, "UPDATE leads SET city = 'Lyon' WHERE id IN (1, 2)", &error));
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM dataset_generation"), ==, generation + 2);
  g_assert_true (_qualify_store_exec (store, "UPDATE events SET occurred_at = occurred_at + 1 WHERE id = 3", &error));
  g_assert_true (_qualify_store_exec (store, "DELETE FROM events WHERE id = 4", &error));
  g_assert_true (_qualify_store_exec (store, "UPDATE event_types SET name = name WHERE id = 1", &error));
  g_assert_true (_qualify_store_exec (store, "UPDATE event_details SET value = value WHERE id = 1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM dataset_generation"), >=, generation + 5);
  /* results, history and runs are the rescore's own: they do not touch it */
  generation = qt_store_query_int (store, "SELECT n FROM dataset_generation");
  g_assert_true (qualify_score_workspace (store, as_of + 86400, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM dataset_generation"), ==, generation);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/create", test_store_create);
  g_test_add_func ("/store/reopen-keeps-data", test_store_reopen_keeps_data);
  g_test_add_func ("/store/too-new", test_store_too_new);
  g_test_add_func ("/store/migrate-v1", test_store_migrate_v1);
  g_test_add_func ("/store/migrate-v2", test_store_migrate_v2);
  g_test_add_func ("/store/not-a-workspace", test_store_not_a_workspace);
  g_test_add_func ("/store/models", test_store_models);
  g_test_add_func ("/store/rollback", test_store_rollback);
  g_test_add_func ("/store/disk-full", test_store_disk_full);

  return g_test_run ();
}
