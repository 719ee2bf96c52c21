/* test-cli.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "qualify-csv-reader.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

#define AS_OF "2026-06-01T00:00:00Z"

typedef struct
{
  char *dir;
  char *db;
  char *out;
  char *err;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = qt_make_tmp_dir ("qualify-cli-XXXXXX");
  f->db = g_build_filename (f->dir, "w.qualify", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  qt_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->out);
  g_free (f->err);
}

/* Runs qualify-cli with the given arguments (NULL-terminated); keeps stdout
 * and stderr in the fixture and returns the exit status. */
static int
run_argv (Fixture     *f,
          const char  *first,
          va_list      args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *cli = g_getenv ("QUALIFY_CLI");
  int status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  g_ptr_array_add (argv, NULL);

  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &f->out, &f->err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  if (g_test_verbose ())
    g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", WEXITSTATUS (status), f->out, f->err);

  return WEXITSTATUS (status);
}

static int G_GNUC_NULL_TERMINATED
run (Fixture    *f,
     const char *first,
     ...)
{
  va_list args;
  int ret;

  va_start (args, first);
  ret = run_argv (f, first, args);
  va_end (args);
  return ret;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* A workspace with the export fixtures, the test model, scored as of AS_OF. */
static void
populate (Fixture *f)
{
  g_autofree char *leads = qt_fixture_path ("export-leads.csv");
  g_autofree char *events = qt_fixture_path ("export-events.csv");
  g_autofree char *model = qt_fixture_path ("export-model.json");

  g_assert_cmpint (run (f, "--db", f->db, "init", NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "import", "leads", leads, NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "import", "events", events, NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "model", "set", model, "--note", "test", NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "score", "--as-of", AS_OF, NULL), ==, 0);
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  static const char * const commands[] = { "init", "import", "score", "explain", "list", "export", "demo" };

  g_assert_cmpint (run (f, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (f->out, commands[i]));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_assert_cmpint (run (f, "--db", f->db, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (f->out, commands[i]));
    }
  g_assert_cmpint (run (f, "score", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "--as-of"));
  g_assert_cmpint (run (f, "model", "--help", NULL), ==, 0);
  g_assert_cmpint (run (f, "model", "set", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "--note"));

  /* --help never created the workspace. */
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_cmpint (run (f, "--db", f->db, "frobnicate", NULL), ==, 1);
  g_assert_true (g_str_has_prefix (f->err, "qualify-cli: "));
  g_assert_nonnull (strstr (f->err, "frobnicate"));

  g_assert_cmpint (run (f, NULL, NULL), ==, 1);
  g_assert_cmpint (run (f, "--db", f->db, "score", "--bogus-option", NULL), ==, 1);
  g_assert_true (g_str_has_prefix (f->err, "qualify-cli: "));
  g_assert_cmpint (run (f, "--db", f->db, "import", "contacts", "x.csv", NULL), ==, 1);
  g_assert_cmpint (run (f, "--db", f->db, "model", "frob", NULL), ==, 1);

  /* Reading commands do not create a workspace. */
  g_assert_cmpint (run (f, "--db", f->db, "list", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "init"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_init_too_new (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", QUALIFY_STORE_SCHEMA_VERSION + 1);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);

  g_assert_cmpint (run (f, "--db", f->db, "init", NULL), ==, 0);
  g_assert_true (g_file_test (f->db, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (run (f, "--db", f->db, "init", NULL), ==, 0);

  store = qualify_store_open (f->db, &error);
  g_assert_no_error (error);
  _qualify_store_exec (store, sql, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_cmpint (run (f, "--db", f->db, "init", NULL), ==, 1);
  g_assert_true (g_str_has_prefix (f->err, "qualify-cli: "));
  g_assert_nonnull (strstr (f->err, "newer"));

  /* Not a workspace at all. */
  g_file_set_contents (f->db, "this is not a database, just text, long enough to not be empty", -1, &error);
  g_assert_no_error (error);
  g_unlink (wal);
  g_assert_cmpint (run (f, "--db", f->db, "init", NULL), ==, 1);
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *bad = qt_fixture_path ("import-bad-rows.csv");
  g_autofree char *no_email = qt_fixture_path ("import-no-email.csv");
  g_autofree char *errors = g_build_filename (f->dir, "problems.csv", NULL);
  g_autofree char *problems = NULL;

  g_assert_cmpint (run (f, "--db", f->db, "init", NULL), ==, 0);

  g_assert_cmpint (run (f, "--db", f->db, "import", "leads", bad, "--errors", errors, NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Imported import-bad-rows.csv:"));
  g_assert_nonnull (strstr (f->out, "skipped"));
  g_assert_nonnull (strstr (f->out, "line "));
  g_assert_nonnull (strstr (f->out, "Read import-bad-rows.csv as UTF-8, ','-separated"));
  g_assert_true (g_file_get_contents (errors, &problems, NULL, NULL));
  g_assert_nonnull (strstr (problems, "lots"));

  /* No email column: refused, nothing imported. */
  g_assert_cmpint (run (f, "--db", f->db, "import", "leads", no_email, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (f->err, "qualify-cli: "));
  g_assert_nonnull (strstr (f->err, "mail"));

  /* A file that does not exist. */
  g_assert_cmpint (run (f, "--db", f->db, "import", "leads", "/no/such/file.csv", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "/no/such/file.csv"));

  /* A bad --map. */
  g_assert_cmpint (run (f, "--db", f->db, "import", "leads", bad, "--map", "first_name=no_such_field", NULL), ==, 1);
}

/* An events export overlapping one imported before: the summary line says how
 * many rows were already in the workspace (and says nothing when none were). */
static void
test_import_overlapping_events (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *events = qt_fixture_path ("export-events.csv");
  g_autofree char *week2 = g_build_filename (f->dir, "week-2.csv", NULL);

  g_assert_cmpint (run (f, "--db", f->db, "import", "events", events, NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Imported export-events.csv: 10 rows · 10 events added · "));
  g_assert_null (strstr (f->out, "already"));

  g_assert_true (g_file_set_contents (week2,
                                      "email,type,detail,occurred_at\n"
                                      "bob@beta.example,page_view,/pricing,2026-05-20T10:00:00Z\n"
                                      "ann@acme.example,page_view,/pricing,2026-05-22T10:00:00Z\n"
                                      "ann@acme.example,page_view,/pricing,2026-05-20T10:00:00Z\n"
                                      "ann@acme.example,page_view,/pricing,2026-05-29T10:00:00Z\n",
                                      -1, NULL));
  g_assert_cmpint (run (f, "--db", f->db, "import", "events", week2, NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Imported week-2.csv: 4 rows · 1 events added · 3 already in the "
                                    "workspace · 0 new leads for unknown emails · 0 skipped\n"));
  g_assert_null (strstr (f->out, "Skipped rows"));
}

static void
test_model (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *good = qt_fixture_path ("export-model.json");
  g_autofree char *broken = qt_fixture_path ("broken-model.json");
  JsonNode *root;

  g_assert_cmpint (run (f, "--db", f->db, "model", "set", good, NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "version 1"));

  g_assert_cmpint (run (f, "--db", f->db, "model", "set", broken, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (f->err, "qualify-cli: "));
  g_assert_nonnull (strstr (f->err, "fit[0]"));
  g_assert_nonnull (strstr (f->err, "op"));

  /* The active model is still the good one. */
  g_assert_cmpint (run (f, "--db", f->db, "model", "show", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "name"), ==, "Export test");
  json_node_unref (root);

  g_assert_cmpint (run (f, "--db", f->db, "model", "show", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Export test"));
  g_assert_nonnull (strstr (f->out, "Pricing page"));

  g_assert_cmpint (run (f, "--db", f->db, "model", "history", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Export test"));

  g_assert_cmpint (run (f, "--db", f->db, "model", "show", "--version", "7", NULL), ==, 1);
}

static void
test_score_list_explain (Fixture       *f,
                         gconstpointer  data)
{
  JsonNode *root;
  JsonArray *array;
  JsonObject *obj;
  JsonArray *contributions;
  double prev = INFINITY;
  double sum = 0;

  populate (f);
  g_assert_nonnull (strstr (f->out, "mql"));
  g_assert_nonnull (strstr (f->out, "load"));
  g_assert_nonnull (strstr (f->out, AS_OF));

  /* list --json: every lead, best score first. */
  g_assert_cmpint (run (f, "--db", f->db, "list", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *lead = json_array_get_object_element (array, i);
      double score = json_object_get_double_member (lead, "score");

      g_assert_true (json_object_has_member (lead, "email"));
      g_assert_true (json_object_has_member (lead, "fit"));
      g_assert_true (json_object_has_member (lead, "engagement"));
      g_assert_true (json_object_has_member (lead, "grade"));
      g_assert_true (json_object_has_member (lead, "status"));
      g_assert_cmpfloat (score, <=, prev);
      g_assert_cmpfloat_with_epsilon (score, json_object_get_double_member (lead, "fit") +
                                             json_object_get_double_member (lead, "engagement"), 1e-9);
      prev = score;
    }
  obj = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (obj, "email"), ==, "ann@acme.example");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "score"), 95, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "mql");
  g_assert_cmpstr (json_object_get_string_member (obj, "grade"), ==, "A");
  json_node_unref (root);

  /* Filters and limit. */
  g_assert_cmpint (run (f, "--db", f->db, "list", "--status", "mql", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 2);
  json_node_unref (root);
  g_assert_cmpint (run (f, "--db", f->db, "list", "--limit", "1", "--sort", "name", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  json_node_unref (root);
  g_assert_cmpint (run (f, "--db", f->db, "list", "--status", "hot", NULL), ==, 1);

  /* Human table. */
  g_assert_cmpint (run (f, "--db", f->db, "list", "--status", "mql", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "EMAIL"));
  g_assert_nonnull (strstr (f->out, "ann@acme.example"));
  g_assert_nonnull (strstr (f->out, "bob@beta.example"));
  g_assert_null (strstr (f->out, "cat@gamma.example"));
  g_assert_true (strstr (f->out, "ann@acme.example") < strstr (f->out, "bob@beta.example"));

  /* explain --json: contributions add up to the score. */
  g_assert_cmpint (run (f, "--db", f->db, "explain", "ANN@acme.example", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  obj = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (obj, "email"), ==, "ann@acme.example");
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "mql");
  g_assert_cmpstr (json_object_get_string_member (obj, "grade"), ==, "A");
  contributions = json_object_get_array_member (obj, "contributions");
  g_assert_cmpuint (json_array_get_length (contributions), ==, 4);
  for (guint i = 0; i < json_array_get_length (contributions); i++)
    {
      JsonObject *c = json_array_get_object_element (contributions, i);

      g_assert_nonnull (json_object_get_string_member (c, "rule_id"));
      g_assert_nonnull (json_object_get_string_member (c, "label"));
      g_assert_nonnull (json_object_get_string_member (c, "kind"));
      g_assert_nonnull (json_object_get_string_member (c, "why"));
      sum += json_object_get_double_member (c, "points");
    }
  g_assert_cmpfloat_with_epsilon (sum, json_object_get_double_member (obj, "score"), 1e-6);
  g_assert_cmpfloat_with_epsilon (sum, 95, 1e-6);
  json_node_unref (root);

  /* explain as text. */
  g_assert_cmpint (run (f, "--db", f->db, "explain", "bob@beta.example", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Careers page"));

  /* Unknown email: user error. */
  g_assert_cmpint (run (f, "--db", f->db, "explain", "nobody@nowhere.example", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "nobody@nowhere.example"));

  /* A bad --as-of. */
  g_assert_cmpint (run (f, "--db", f->db, "score", "--as-of", "next tuesday", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "next tuesday"));
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = g_build_filename (f->dir, "handoff.csv", NULL);
  g_autoptr(QualifyCsvReader) reader = NULL;
  const char * const *fields;
  guint n_fields;
  guint64 line;
  guint rows = 0;
  JsonNode *root;

  populate (f);

  g_assert_cmpint (run (f, "--db", f->db, "export", "--status", "mql,sql", "--output", csv, NULL), ==, 0);
  reader = qualify_csv_reader_new (csv, "UTF-8", ',', &error);
  g_assert_no_error (error);
  while (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error))
    {
      if (rows == 0)
        {
          g_assert_cmpstr (fields[0], ==, "email");
          g_assert_cmpstr (fields[n_fields - 1], ==, "reasons");
        }
      else if (rows == 1)
        g_assert_cmpstr (fields[0], ==, "ann@acme.example");
      else if (rows == 3)
        g_assert_cmpstr (fields[0], ==, "eve@delta.example");
      rows++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 4);

  /* JSON to stdout. */
  g_assert_cmpint (run (f, "--db", f->db, "export", "--format", "json", NULL), ==, 0);
  root = parse_json (f->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 2);
  json_node_unref (root);

  /* CSV to stdout. */
  g_assert_cmpint (run (f, "--db", f->db, "export", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (f->out, "email,"));
  g_assert_nonnull (strstr (f->out, "\r\nann@acme.example,"));

  g_assert_cmpint (run (f, "--db", f->db, "export", "--status", "maybe", NULL), ==, 1);
  g_assert_cmpint (run (f, "--db", f->db, "export", "--format", "xml", NULL), ==, 1);
  g_assert_cmpint (run (f, "--db", f->db, "export", "--output", f->dir, NULL), ==, 1);
}

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *csv_dir = g_build_filename (f->dir, "csv", NULL);
  g_autofree char *leads = g_build_filename (csv_dir, "leads.csv", NULL);
  g_autofree char *events = g_build_filename (csv_dir, "events.csv", NULL);
  JsonNode *root;
  JsonArray *array;

  g_assert_cmpint (run (f, "--db", f->db, "demo", "--leads", "600", "--events", "6000", "--seed", "5",
                        "--now", AS_OF, NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "600 leads"));
  g_assert_nonnull (strstr (f->out, "6,000 events"));

  g_assert_cmpint (run (f, "--db", f->db, "list", "--status", "mql", "--limit", "10", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "EMAIL"));

  g_assert_cmpint (run (f, "--db", f->db, "list", "--status", "mql", "--limit", "10", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), >, 0);
  g_assert_cmpuint (json_array_get_length (array), <=, 10);
  json_node_unref (root);

  /* A second demo into the same workspace is refused. */
  g_assert_cmpint (run (f, "--db", f->db, "demo", "--leads", "10", NULL), ==, 1);

  /* CSV only. */
  g_assert_cmpint (run (f, "demo", "--leads", "50", "--events", "400", "--csv", csv_dir, NULL), ==, 0);
  g_assert_true (g_file_test (leads, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (events, G_FILE_TEST_IS_REGULAR));
}

/* endpoint add / list / remove, push and deliveries, with the secret in a
 * throwaway file keyring (libsecret's file backend, set up in main()). */
static void
test_endpoints (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *first_secret = NULL;
  JsonNode *root;

  g_assert_cmpint (run (f, "--db", f->db, "demo", "--leads", "300", "--events", "3000", "--seed", "5",
                        "--now", AS_OF, NULL), ==, 0);

  /* plain http over the network is refused, with the reason */
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "add", "Remote", "--url", "http://crm.example.com/x", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "https://"));
  /* a CRM format needs its token */
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "add", "HS", "--format", "hubspot",
                        "--url", "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "--token"));

  /* nothing listens on port 9: the push records the attempt and keeps the rows */
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "add", "Local", "--url", "http://127.0.0.1:9/hook",
                        "--on", "mql,sql", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Signing secret (shown once"));
  g_assert_nonnull (strstr (f->out, "whsec_"));
  first_secret = g_strndup (strstr (f->out, "whsec_"), 50);
  g_assert_nonnull (strstr (f->out, "--backlog"));

  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Local"));
  g_assert_nonnull (strstr (f->out, "pending 0"));

  g_assert_cmpint (run (f, "--db", f->db, "push", "--endpoint", "Local", "--backlog", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Queued"));
  g_assert_nonnull (strstr (f->out, "will retry 1"));

  g_assert_cmpint (run (f, "--db", f->db, "deliveries", "--status", "pending", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), >, 1);
  {
    /* the latest activity first: the attempt that failed, with its next retry */
    JsonObject *first = json_array_get_object_element (json_node_get_array (root), 0);

    g_assert_cmpint (json_object_get_int_member (first, "attempts"), ==, 1);
    g_assert_nonnull (json_object_get_string_member (first, "next_retry"));
    g_assert_nonnull (json_object_get_string_member (first, "last_error"));
  }
  json_node_unref (root);

  /* a rotated secret is new, and printed once */
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "rotate", "Local", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "New signing secret"));
  g_assert_nonnull (strstr (f->out, "whsec_"));
  g_assert_cmpstr (strstr (f->out, "whsec_"), !=, first_secret);
  g_assert_cmpint (run (f, "--db", f->db, "deliveries", "--status", "nonsense", NULL), ==, 1);
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "remove", "Local", NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "remove", "Local", NULL), ==, 1);
  g_assert_cmpint (run (f, "--db", f->db, "deliveries", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "No deliveries"));
}

/* A CRM on 127.0.0.1 for the qualify-cli processes: a SoupServer in its own
 * thread, answering @status (200 = accepted) and counting webhook-ids. */
typedef struct
{
  QtServer   *server;
  GMutex      lock;
  guint       status;
  guint       requests;
  GHashTable *ids;
} Receiver;

static void
receiver_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Receiver *r = user_data;
  const char *id = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "webhook-id");
  guint status;

  g_mutex_lock (&r->lock);
  r->requests++;
  status = r->status;
  if (status == 200 && id != NULL)
    g_hash_table_add (r->ids, g_strdup (id));
  g_mutex_unlock (&r->lock);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"ok\":true}", 11);
}

static Receiver *
receiver_start (void)
{
  Receiver *r = g_new0 (Receiver, 1);

  g_mutex_init (&r->lock);
  r->status = 200;
  r->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->server = qt_server_start (receiver_handler, r, NULL);
  return r;
}

static void
receiver_stop (Receiver *r)
{
  qt_server_stop (r->server);
  g_hash_table_unref (r->ids);
  g_mutex_clear (&r->lock);
  g_free (r);
}

/* endpoint test, push --backlog --until-empty to a live receiver, deliveries;
 * a 410 disables the endpoint and push says so; --timeout gives up. */
static void
test_push_to_receiver (Fixture       *f,
                       gconstpointer  data)
{
  Receiver *r = receiver_start ();
  g_autofree char *url = qt_server_dup_url (r->server, "/hook");
  g_autofree char *gone_url = qt_server_dup_url (r->server, "/gone");
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  gint64 current;

  g_assert_cmpint (run (f, "--db", f->db, "demo", "--leads", "300", "--events", "3000", "--seed", "5",
                        "--now", AS_OF, NULL), ==, 0);
  store = qualify_store_open (f->db, &error);
  g_assert_no_error (error);
  current = qt_store_query_int (store, "SELECT count(*) FROM results WHERE status IN ('mql', 'sql')");
  g_assert_cmpint (current, >, 0);

  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "add", "Hook", "--url", url, NULL), ==, 0);

  /* the test event: the request as sent and the answer; nothing queued */
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "test", "Hook", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "POST /hook HTTP/1.1"));
  g_assert_nonnull (strstr (f->out, "webhook-signature: v1,"));
  g_assert_nonnull (strstr (f->out, "HTTP 200"));
  g_assert_nonnull (strstr (f->out, "{\"ok\":true}"));
  g_assert_cmpuint (r->requests, ==, 1);

  /* the backlog, drained */
  g_assert_cmpint (run (f, "--db", f->db, "push", "--endpoint", "Hook", "--backlog", "--until-empty",
                        "--timeout", "60", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "still pending 0"));
  g_assert_cmpuint (g_hash_table_size (r->ids), ==, (guint) current + 1);   /* + the test event */
  g_assert_cmpuint (r->requests, ==, (guint) current + 1);

  g_assert_cmpint (run (f, "--db", f->db, "deliveries", "--status", "delivered", "--limit", "0", "--json", NULL), ==, 0);
  root = parse_json (f->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, (guint) current);
  json_node_unref (root);

  /* nothing left: a second push sends nothing */
  g_assert_cmpint (run (f, "--db", f->db, "push", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "Delivered 0"));
  g_assert_cmpuint (r->requests, ==, (guint) current + 1);

  /* 410 Gone: the endpoint is disabled, its rows kept, and push says what to do */
  g_mutex_lock (&r->lock);
  r->status = 410;
  g_mutex_unlock (&r->lock);
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "add", "Gone", "--url", gone_url, NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "push", "--endpoint", "Gone", "--backlog", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "“Gone” is disabled"));
  g_assert_nonnull (strstr (f->err, "endpoint resume 'Gone'"));
  g_assert_cmpint (run (f, "--db", f->db, "deliveries", "--status", "pending", "--endpoint", "Gone", "--limit", "0",
                        "--json", NULL), ==, 0);
  root = parse_json (f->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, (guint) current);
  json_node_unref (root);

  /* resumed and accepted again: everything arrives */
  g_mutex_lock (&r->lock);
  r->status = 200;
  g_mutex_unlock (&r->lock);
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "resume", "Gone", NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "push", "--until-empty", "--timeout", "60", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "still pending 0"));

  /* a CRM that never answers: --until-empty gives up at the timeout */
  g_assert_cmpint (run (f, "--db", f->db, "endpoint", "add", "Down", "--url", "http://127.0.0.1:9/x", NULL), ==, 0);
  g_assert_cmpint (run (f, "--db", f->db, "push", "--endpoint", "Down", "--backlog", "--until-empty",
                        "--timeout", "1", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "Timed out with"));

  receiver_stop (r);
}

int
main (int    argc,
      char **argv)
{
  /* inherited by the qualify-cli processes */
  g_autofree char *keyring_dir = qt_use_file_keyring ("test");
  int ret;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/help", test_help);
  ADD ("/cli/usage-errors", test_usage_errors);
  ADD ("/cli/init-too-new", test_init_too_new);
  ADD ("/cli/import", test_import);
  ADD ("/cli/import-overlapping-events", test_import_overlapping_events);
  ADD ("/cli/model", test_model);
  ADD ("/cli/score-list-explain", test_score_list_explain);
  ADD ("/cli/export", test_export);
  ADD ("/cli/demo", test_demo);
  ADD ("/cli/endpoints", test_endpoints);
  ADD ("/cli/push-to-receiver", test_push_to_receiver);
#undef ADD

  ret = g_test_run ();
  qt_remove_tree (keyring_dir);
  return ret;
}
