/* test-export.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "qualify-csv-reader.h"
#include "qualify-export.h"
#include "qualify-importer.h"
#include "qualify-model.h"
#include "qualify-parse.h"
#include "qualify-scorer.h"
#include "qualify-test-util.h"

#define AS_OF G_GINT64_CONSTANT (1780272000) /* 2026-06-01T00:00:00Z */

typedef struct
{
  char         *dir;
  QualifyStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model_path = qt_fixture_path ("export-model.json");
  g_autofree char *json = NULL;
  QualifyImportStats stats;
  QualifyScoreSummary summary;

  f->store = qt_temp_workspace ("qualify-export-XXXXXX", NULL, &f->dir, NULL);

  qt_import_fixture (f->store, QUALIFY_IMPORT_LEADS, "export-leads.csv", &stats);
  g_assert_cmpuint (stats.skipped, ==, 0);
  qt_import_fixture (f->store, QUALIFY_IMPORT_EVENTS, "export-events.csv", &stats);
  g_assert_cmpuint (stats.skipped, ==, 0);

  g_file_get_contents (model_path, &json, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qualify_store_save_model (f->store, "Export test", json, NULL, TRUE, &error), >, 0);
  g_assert_no_error (error);

  qualify_score_workspace (f->store, AS_OF, NULL, &summary, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary.leads, ==, 5);
  g_assert_cmpuint (summary.by_status[QUALIFY_STATUS_MQL], ==, 2);
  g_assert_cmpuint (summary.by_status[QUALIFY_STATUS_SQL], ==, 1);
  g_assert_cmpuint (summary.by_status[QUALIFY_STATUS_DISQUALIFIED], ==, 1);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  qt_remove_tree (f->dir);
  g_free (f->dir);
}

/* Reads a CSV file back with the project's reader: rows of GStrv. */
static GPtrArray *
read_csv (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyCsvReader) reader = qualify_csv_reader_new (path, "UTF-8", ',', &error);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char * const *fields;
  guint n_fields;
  guint64 line;

  g_assert_no_error (error);
  while (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error))
    {
      GStrv row = g_new0 (char *, n_fields + 1);

      for (guint i = 0; i < n_fields; i++)
        row[i] = g_strdup (fields[i]);
      g_ptr_array_add (rows, row);
    }
  g_assert_no_error (error);

  return rows;
}

static int
column_index (GStrv        header,
              const char  *name)
{
  for (int i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], name))
      return i;
  g_assert_not_reached ();
  return -1;
}

static void
test_escape_cells (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "=1+2", "'=1+2" },
    { "+x", "'+x" },
    { "-x", "'-x" },
    { "@x", "'@x" },
    { "\tx", "'\tx" },
    { "\rx", "\"'\rx\"" },
    { "\nx", "\"'\nx\"" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "line one\nline two", "\"line one\nline two\"" },
    { "crlf\r\ninside", "\"crlf\r\ninside\"" },
    { " padded", "\" padded\"" },
    { "padded ", "\"padded \"" },
    { "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
    { "-5", "'-5" },
    { "a=b", "a=b" },
    { "Zoë Łukasz", "Zoë Łukasz" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = qualify_csv_escape_cell (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }

  {
    g_autofree char *out = qualify_csv_escape_cell (NULL);
    g_assert_cmpstr (out, ==, "");
  }
}

static void
test_default_columns (void)
{
  const char * const *cols = qualify_export_get_default_columns ();
  guint n = g_strv_length ((char **) cols);

  g_assert_cmpstr (cols[0], ==, "email");
  g_assert_true (g_strv_contains (cols, "mql_at"));
  g_assert_true (g_strv_contains (cols, "grade"));
  g_assert_cmpstr (cols[n - 1], ==, "reasons");
  for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
    g_assert_true (g_strv_contains (cols, qualify_field_get_name (f)));
}

static void
test_export_csv (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "handoff.csv", NULL);
  g_autofree char *raw = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *mql_at = qualify_format_timestamp (AS_OF);
  QualifyExportOptions options = { 0, QUALIFY_EXPORT_CSV, NULL };
  guint64 n = 0;
  GStrv header, ann, bob;

  g_assert_true (qualify_export_to_file (f->store, &options, path, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);

  /* Raw bytes: CRLF records, the guard and the quoting as written. */
  g_file_get_contents (path, &raw, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (raw, "email,first_name,last_name,title,company,domain,industry,"
                                        "employees,annual_revenue,country,region,city,phone,"
                                        "lead_source,technologies,owner,created_at,fit,engagement,"
                                        "score,grade,status,mql_at,sql_at,reasons\r\n"));
  g_assert_true (g_str_has_suffix (raw, "\r\n"));
  g_assert_nonnull (strstr (raw, "\"'=HYPERLINK(\"\"http://x\"\")\""));
  g_assert_nonnull (strstr (raw, "\"The \"\"Boss\"\"\""));
  g_assert_nonnull (strstr (raw, "\"Acme, Inc.\""));
  g_assert_nonnull (strstr (raw, ",'+1 555 0100,"));

  rows = read_csv (path);
  g_assert_cmpuint (rows->len, ==, 3);
  header = g_ptr_array_index (rows, 0);
  ann = g_ptr_array_index (rows, 1);
  bob = g_ptr_array_index (rows, 2);
  g_assert_cmpuint (g_strv_length (header), ==, g_strv_length ((char **) qualify_export_get_default_columns ()));
  g_assert_cmpuint (g_strv_length (ann), ==, g_strv_length (header));
  g_assert_cmpuint (g_strv_length (bob), ==, g_strv_length (header));

  /* Best score first. */
  g_assert_cmpstr (ann[column_index (header, "email")], ==, "ann@acme.example");
  g_assert_cmpstr (ann[column_index (header, "first_name")], ==, "Ann");
  g_assert_cmpstr (ann[column_index (header, "last_name")], ==, "Lee");
  g_assert_cmpstr (ann[column_index (header, "title")], ==, "VP Marketing");
  g_assert_cmpstr (ann[column_index (header, "company")], ==, "Acme, Inc.");
  g_assert_cmpstr (ann[column_index (header, "industry")], ==, "Software");
  g_assert_cmpstr (ann[column_index (header, "employees")], ==, "1200");
  g_assert_cmpstr (ann[column_index (header, "annual_revenue")], ==, "");
  g_assert_cmpstr (ann[column_index (header, "country")], ==, "United States");
  g_assert_cmpstr (ann[column_index (header, "phone")], ==, "'+1 555 0100");
  g_assert_cmpstr (ann[column_index (header, "fit")], ==, "65");
  g_assert_cmpstr (ann[column_index (header, "engagement")], ==, "30");
  g_assert_cmpstr (ann[column_index (header, "score")], ==, "95");
  g_assert_cmpstr (ann[column_index (header, "grade")], ==, "A");
  g_assert_cmpstr (ann[column_index (header, "status")], ==, "mql");
  g_assert_cmpstr (ann[column_index (header, "mql_at")], ==, mql_at);
  g_assert_cmpstr (ann[column_index (header, "sql_at")], ==, "");
  {
    g_auto(GStrv) reasons = g_strsplit (ann[column_index (header, "reasons")], "; ", -1);

    g_assert_cmpuint (g_strv_length (reasons), ==, 3);
    g_assert_true (g_strv_contains ((const char * const *) reasons, "Pricing page (3 events)"));
    g_assert_true (g_strv_contains ((const char * const *) reasons, "Target industry (Software)"));
    g_assert_true (g_str_has_prefix (reasons[0], "Company size") ||
                   g_str_has_prefix (reasons[1], "Company size") ||
                   g_str_has_prefix (reasons[2], "Company size"));
  }

  g_assert_cmpstr (bob[column_index (header, "email")], ==, "bob@beta.example");
  g_assert_cmpstr (bob[column_index (header, "first_name")], ==, "'=HYPERLINK(\"http://x\")");
  g_assert_cmpstr (bob[column_index (header, "title")], ==, "The \"Boss\"");
  g_assert_cmpstr (bob[column_index (header, "fit")], ==, "30");
  g_assert_cmpstr (bob[column_index (header, "engagement")], ==, "15");
  g_assert_cmpstr (bob[column_index (header, "score")], ==, "45");
  g_assert_cmpstr (bob[column_index (header, "grade")], ==, "C");
  g_assert_cmpstr (bob[column_index (header, "status")], ==, "mql");
}

static void
test_export_numbers_not_guarded (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autofree char *text = NULL;
  static const char * const columns[] = { "email", "engagement", "score", "status", "Notes", NULL };
  QualifyExportOptions options = {
    (1 << QUALIFY_STATUS_LEAD) | (1 << QUALIFY_STATUS_MQL) | (1 << QUALIFY_STATUS_SQL) |
    (1 << QUALIFY_STATUS_DISQUALIFIED),
    QUALIFY_EXPORT_CSV,
    columns,
  };
  guint64 n = 0;

  g_assert_true (qualify_export_write (f->store, &options, stream, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5);
  g_output_stream_close (stream, NULL, NULL);
  text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)));

  /* Order by score: ann 95, dan 65, bob 45, cat 25, eve 20. Cat's engagement
   * of -10 stays a number; her custom "-minus" is text and gets the guard. */
  g_assert_cmpstr (text, ==,
                   "email,engagement,score,status,Notes\r\n"
                   "ann@acme.example,30,95,mql,\"line one\r\nline two\"\r\n"
                   "dan@rival.example,0,65,disqualified,\r\n"
                   "bob@beta.example,15,45,mql,'@risky\r\n"
                   "cat@gamma.example,-10,25,lead,'-minus\r\n"
                   "eve@delta.example,0,20,sql,\r\n");
}

static void
test_export_unknown_column (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  static const char * const columns[] = { "email", "no_such_column", NULL };
  QualifyExportOptions options = { 0, QUALIFY_EXPORT_CSV, columns };

  g_assert_false (qualify_export_write (f->store, &options, stream, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no_such_column"));
}

static void
test_export_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "handoff.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *sql_at = qualify_format_timestamp (AS_OF);
  QualifyExportOptions options = { (1 << QUALIFY_STATUS_MQL) | (1 << QUALIFY_STATUS_SQL),
                                   QUALIFY_EXPORT_JSON, NULL };
  JsonArray *array;
  JsonObject *ann, *bob, *eve;
  JsonArray *reasons;
  guint64 n = 0;

  g_assert_true (qualify_export_to_file (f->store, &options, path, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 3);

  ann = json_array_get_object_element (array, 0);
  bob = json_array_get_object_element (array, 1);
  eve = json_array_get_object_element (array, 2);

  g_assert_cmpstr (json_object_get_string_member (ann, "email"), ==, "ann@acme.example");
  g_assert_cmpstr (json_object_get_string_member (ann, "company"), ==, "Acme, Inc.");
  /* JSON needs no formula guard: values are as stored. */
  g_assert_cmpstr (json_object_get_string_member (ann, "phone"), ==, "+1 555 0100");
  g_assert_cmpint (json_object_get_int_member (ann, "employees"), ==, 1200);
  g_assert_true (json_object_get_null_member (ann, "annual_revenue"));
  g_assert_true (json_object_get_null_member (ann, "sql_at"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ann, "fit"), 65, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ann, "engagement"), 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ann, "score"), 95, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (ann, "grade"), ==, "A");
  g_assert_cmpstr (json_object_get_string_member (ann, "status"), ==, "mql");
  reasons = json_object_get_array_member (ann, "reasons");
  g_assert_nonnull (reasons);
  g_assert_cmpuint (json_array_get_length (reasons), ==, 3);

  g_assert_cmpstr (json_object_get_string_member (bob, "first_name"), ==, "=HYPERLINK(\"http://x\")");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (bob, "score"), 45, 1e-9);

  g_assert_cmpstr (json_object_get_string_member (eve, "email"), ==, "eve@delta.example");
  g_assert_cmpstr (json_object_get_string_member (eve, "status"), ==, "sql");
  g_assert_cmpstr (json_object_get_string_member (eve, "sql_at"), ==, sql_at);
  reasons = json_object_get_array_member (eve, "reasons");
  g_assert_cmpuint (json_array_get_length (reasons), >=, 1);
  g_assert_true (g_str_has_prefix (json_array_get_string_element (reasons, 0), "Hand-raiser"));
}

static void
test_export_json_one (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  QualifyExportOptions options = { 1 << QUALIFY_STATUS_LEAD, QUALIFY_EXPORT_JSON, NULL };
  guint64 n = 99;

  /* Only cat is a plain lead. */
  g_assert_true (qualify_export_write (f->store, &options, stream, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_output_stream_close (stream, NULL, NULL);
  json_parser_load_from_data (parser, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                              g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, 1);
}

static void
test_export_atomic (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *existing = g_build_filename (f->dir, "existing.csv", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "a-folder", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-dir", "x.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  QualifyExportOptions options = { 0, QUALIFY_EXPORT_CSV, NULL };
  guint n_entries = 0;

  g_file_set_contents (existing, "old contents\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);

  /* A path that is a folder: refused, the folder untouched. */
  g_assert_false (qualify_export_to_file (f->store, &options, folder, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));

  /* A folder that does not exist. */
  g_assert_false (qualify_export_to_file (f->store, &options, missing, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* Cancelled: the existing file keeps its contents, no temporary file is left. */
  g_cancellable_cancel (cancellable);
  g_assert_false (qualify_export_to_file (f->store, &options, existing, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_file_get_contents (existing, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "old contents\n");

  /* Read-only folder (root ignores permissions, so only when not root). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (f->dir, "read-only", NULL);
      g_autofree char *target = g_build_filename (ro, "x.csv", NULL);

      g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
      g_assert_false (qualify_export_to_file (f->store, &options, target, NULL, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);
      g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
    }

  /* Success replaces the old contents. */
  g_assert_true (qualify_export_to_file (f->store, &options, existing, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (existing, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "email,"));

  /* Nothing but what we created is in the folder. */
  {
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, &error);
    const char *name;

    g_assert_no_error (error);
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_assert_false (g_str_has_suffix (name, ".tmp"));
        n_entries++;
      }
  }
  g_assert_cmpuint (n_entries, >=, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/escape-cells", test_escape_cells);
  g_test_add_func ("/export/default-columns", test_default_columns);
  g_test_add ("/export/csv", Fixture, NULL, fixture_setup, test_export_csv, fixture_teardown);
  g_test_add ("/export/numbers-not-guarded", Fixture, NULL, fixture_setup,
              test_export_numbers_not_guarded, fixture_teardown);
  g_test_add ("/export/unknown-column", Fixture, NULL, fixture_setup,
              test_export_unknown_column, fixture_teardown);
  g_test_add ("/export/json", Fixture, NULL, fixture_setup, test_export_json, fixture_teardown);
  g_test_add ("/export/json-one", Fixture, NULL, fixture_setup, test_export_json_one, fixture_teardown);
  g_test_add ("/export/atomic", Fixture, NULL, fixture_setup, test_export_atomic, fixture_teardown);

  return g_test_run ();
}
