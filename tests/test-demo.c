/* test-demo.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>


#include "qualify-csv-reader.h"
#include "qualify-demo.h"
#include "qualify-parse.h"
#include "qualify-store.h"
#include "qualify-test-util.h"

#define NOW G_GINT64_CONSTANT (1780272000) /* 2026-06-01T00:00:00Z */

static void
write_demo (const QualifyDemoOptions *options,
            const char               *dir,
            const char               *prefix,
            char                    **leads,
            char                    **events)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lname = g_strdup_printf ("%s-leads.csv", prefix);
  g_autofree char *ename = g_strdup_printf ("%s-events.csv", prefix);

  *leads = g_build_filename (dir, lname, NULL);
  *events = g_build_filename (dir, ename, NULL);
  g_assert_true (qualify_demo_write_csv (options, *leads, *events, &error));
  g_assert_no_error (error);
}

static char *
contents (const char *path,
          gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);
  return data;
}

static void
test_deterministic (void)
{
  g_autofree char *dir = qt_make_tmp_dir ("qualify-demo-test-XXXXXX");
  g_autofree char *l1 = NULL, *e1 = NULL, *l2 = NULL, *e2 = NULL, *l3 = NULL, *e3 = NULL;
  g_autofree char *cl1 = NULL, *ce1 = NULL, *cl2 = NULL, *ce2 = NULL, *cl3 = NULL, *ce3 = NULL;
  gsize nl1, ne1, nl2, ne2, nl3, ne3;
  QualifyDemoOptions a = { 800, 6000, 7, NOW };
  QualifyDemoOptions b = { 800, 6000, 8, NOW };

  write_demo (&a, dir, "a1", &l1, &e1);
  write_demo (&a, dir, "a2", &l2, &e2);
  write_demo (&b, dir, "b", &l3, &e3);

  cl1 = contents (l1, &nl1);
  ce1 = contents (e1, &ne1);
  cl2 = contents (l2, &nl2);
  ce2 = contents (e2, &ne2);
  cl3 = contents (l3, &nl3);
  ce3 = contents (e3, &ne3);

  /* Same seed: byte for byte. */
  g_assert_cmpuint (nl1, ==, nl2);
  g_assert_cmpuint (ne1, ==, ne2);
  g_assert_true (memcmp (cl1, cl2, nl1) == 0);
  g_assert_true (memcmp (ce1, ce2, ne1) == 0);

  /* Another seed: other data. */
  g_assert_false (nl1 == nl3 && memcmp (cl1, cl3, nl1) == 0);
  g_assert_false (ne1 == ne3 && memcmp (ce1, ce3, ne1) == 0);

  qt_remove_tree (dir);
}

typedef struct
{
  guint   records;
  guint   free_mail;
  guint   students;
  guint   competitors;
  guint   hand_raisers;
  guint   non_ascii;
  gint64  min_time;
  gint64  max_time;
} Counts;

static void
read_leads (const char *path,
            Counts     *c)
{
  static const char * const header[] = {
    "Email Address", "First Name", "Last Name", "Job Title", "Company Name", "Website",
    "Industry", "Number of Employees", "Annual Revenue", "Country", "State/Province", "City",
    "Phone Number", "Lead Source", "Technologies", "Lead Owner", "Created Date", "Persona", "Budget",
  };
  static const char * const free_domains[] = {
    "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de", "proton.me",
    "aol.com", NULL,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyCsvReader) reader = qualify_csv_reader_new (path, NULL, 0, &error);
  g_autoptr(GHashTable) emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char * const *fields;
  guint n_fields;
  guint64 line;
  gboolean first = TRUE;

  g_assert_no_error (error);
  g_assert_cmpstr (qualify_csv_reader_get_encoding (reader), ==, "UTF-8");
  g_assert_cmpint (qualify_csv_reader_get_delimiter (reader), ==, ',');

  while (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error))
    {
      const char *at;
      gint64 created;
      double employees;

      g_assert_cmpuint (n_fields, ==, G_N_ELEMENTS (header));
      if (first)
        {
          for (guint i = 0; i < n_fields; i++)
            g_assert_cmpstr (fields[i], ==, header[i]);
          first = FALSE;
          continue;
        }

      c->records++;
      at = strchr (fields[0], '@');
      g_assert_nonnull (at);
      g_assert_true (g_hash_table_add (emails, g_strdup (fields[0])));   /* unique */
      if (g_strv_contains (free_domains, at + 1))
        c->free_mail++;
      if (g_str_has_suffix (fields[0], ".edu"))
        c->students++;
      if (g_str_equal (at + 1, "rival.example"))
        c->competitors++;
      if (!g_str_is_ascii (fields[1]) || !g_str_is_ascii (fields[2]))
        c->non_ascii++;

      g_assert_true (qualify_parse_timestamp (fields[16], &created));
      g_assert_cmpint (created, <=, NOW);
      if (*fields[7] != '\0')
        {
          g_assert_true (qualify_parse_number (fields[7], &employees));
          g_assert_cmpfloat (employees, >=, 1);
          g_assert_cmpfloat (employees, <=, 50000);
        }
      g_assert_cmpstr (fields[9], !=, "");
    }
  g_assert_no_error (error);
}

static void
read_events (const char *path,
             Counts     *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyCsvReader) reader = qualify_csv_reader_new (path, NULL, 0, &error);
  g_autoptr(GHashTable) raisers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char * const *fields;
  guint n_fields;
  guint64 line;
  gboolean first = TRUE;
  guint pricing = 0;

  g_assert_no_error (error);
  c->min_time = G_MAXINT64;
  c->max_time = 0;

  while (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error))
    {
      gint64 t;

      g_assert_cmpuint (n_fields, ==, 4);
      if (first)
        {
          g_assert_cmpstr (fields[0], ==, "email");
          g_assert_cmpstr (fields[1], ==, "type");
          g_assert_cmpstr (fields[2], ==, "detail");
          g_assert_cmpstr (fields[3], ==, "occurred_at");
          first = FALSE;
          continue;
        }
      c->records++;
      g_assert_true (g_str_has_suffix (fields[3], "Z"));
      g_assert_true (qualify_parse_timestamp (fields[3], &t));
      c->min_time = MIN (c->min_time, t);
      c->max_time = MAX (c->max_time, t);
      g_hash_table_add (types, g_strdup (fields[1]));
      if (g_str_equal (fields[1], "demo_request") || g_str_equal (fields[1], "contact_sales"))
        g_hash_table_add (raisers, g_strdup (fields[0]));
      if (g_str_has_prefix (fields[2], "/pricing"))
        pricing++;
    }
  g_assert_no_error (error);

  c->hand_raisers = g_hash_table_size (raisers);
  g_assert_cmpuint (pricing, >, 0);
  for (guint i = 0; i < 11; i++)
    {
      static const char * const expected[] = {
        "page_view", "content_download", "webinar_registered", "webinar_attended", "email_open",
        "email_click", "newsletter_signup", "form_fill", "free_trial", "unsubscribe", "demo_request",
      };
      g_assert_true (g_hash_table_contains (types, expected[i]));
    }
}

static void
test_counts_and_shape (void)
{
  g_autofree char *dir = qt_make_tmp_dir ("qualify-demo-test-XXXXXX");
  g_autofree char *leads = NULL, *events = NULL;
  QualifyDemoOptions options = { 3000, 25000, 1, NOW };
  Counts lc = { 0 }, ec = { 0 };

  write_demo (&options, dir, "shape", &leads, &events);
  read_leads (leads, &lc);
  read_events (events, &ec);

  g_assert_cmpuint (lc.records, ==, 3000);
  g_assert_cmpuint (ec.records, ==, 25000);

  /* ~15% free mail, ~2% students, ~1% competitors, some non-ASCII names. */
  g_assert_cmpuint (lc.free_mail, >=, 3000 * 10 / 100);
  g_assert_cmpuint (lc.free_mail, <=, 3000 * 20 / 100);
  g_assert_cmpuint (lc.students, >=, 20);
  g_assert_cmpuint (lc.students, <=, 120);
  g_assert_cmpuint (lc.competitors, >=, 8);
  g_assert_cmpuint (lc.competitors, <=, 70);
  g_assert_cmpuint (lc.non_ascii, >, 50);

  /* Hand-raisers are rare: roughly 1-3% of leads. */
  g_assert_cmpuint (ec.hand_raisers, >=, 3000 / 200);
  g_assert_cmpuint (ec.hand_raisers, <=, 3000 * 4 / 100);

  /* Every event in the 180 days before now. */
  g_assert_cmpint (ec.max_time, <=, NOW);
  g_assert_cmpint (ec.min_time, >=, NOW - 180 * 86400);

  qt_remove_tree (dir);
}

static void
test_write_error (void)
{
  g_autoptr(GError) error = NULL;
  QualifyDemoOptions options = { 10, 10, 1, NOW };

  g_assert_false (qualify_demo_write_csv (&options, "/nonexistent-dir/leads.csv",
                                          "/nonexistent-dir/events.csv", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/leads.csv"));
}

static void
test_populate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = qt_make_tmp_dir ("qualify-demo-test-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *model = NULL;
  QualifyDemoOptions options = { 2000, 20000, 3, NOW };
  QualifyStoreStats stats;
  gint64 version = 0;

  store = qualify_store_open (path, &error);
  g_assert_no_error (error);

  g_assert_true (qualify_demo_populate (store, &options, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (qualify_store_get_stats (store, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.leads, ==, 2000);
  g_assert_cmpint (stats.events, ==, 20000);
  g_assert_cmpint (stats.last_as_of, ==, NOW);
  g_assert_cmpint (stats.by_status[QUALIFY_STATUS_NONE], ==, 0);
  g_assert_cmpint (stats.by_status[QUALIFY_STATUS_MQL], >, 0);
  g_assert_cmpint (stats.by_status[QUALIFY_STATUS_SQL], >, 0);
  g_assert_cmpint (stats.by_status[QUALIFY_STATUS_DISQUALIFIED], >, 0);
  g_assert_cmpint (stats.by_status[QUALIFY_STATUS_LEAD], >, stats.by_status[QUALIFY_STATUS_MQL]);

  model = qualify_store_dup_active_model_json (store, &version, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_cmpint (version, ==, 1);

  /* The custom columns came along. */
  {
    g_auto(GStrv) custom = qualify_store_list_custom_fields (store, &error);

    g_assert_no_error (error);
    g_assert_true (g_strv_contains ((const char * const *) custom, "Persona"));
    g_assert_true (g_strv_contains ((const char * const *) custom, "Budget"));
  }

  g_clear_object (&store);
  qt_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/counts-and-shape", test_counts_and_shape);
  g_test_add_func ("/demo/write-error", test_write_error);
  g_test_add_func ("/demo/populate", test_populate);

  return g_test_run ();
}
