/* test-importer.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "qualify-csv-reader.h"
#include "qualify-importer.h"
#include "qualify-parse.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

static GPtrArray *temp_dirs;

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("qualify-importer-XXXXXX", &error);

  g_assert_no_error (error);
  g_ptr_array_add (temp_dirs, g_strdup (dir));
  return dir;
}

/* The temp dirs hold only plain files (workspaces, CSV). */
static void
remove_temp_dirs (void)
{
  for (guint i = 0; i < temp_dirs->len; i++)
    {
      const char *dir = g_ptr_array_index (temp_dirs, i);
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_remove (path);
        }
      g_rmdir (dir);
    }
  g_ptr_array_unref (temp_dirs);
}

static QualifyStore *
temp_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  QualifyStore *store = qualify_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static char *
fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

static double
query_double (QualifyStore *store,
              const char   *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (stmt, 0), !=, SQLITE_NULL);
  return sqlite3_column_double (stmt, 0);
}

static QualifyLeadRecord *
get_lead (QualifyStore *store,
          const char   *email)
{
  g_autoptr(GError) error = NULL;
  gint64 id = qualify_store_find_lead (store, email);
  QualifyLeadRecord *rec;

  g_assert_cmpint (id, >, 0);
  rec = qualify_store_get_lead (store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  return rec;
}

/* Imports a fixture (or any path) with optional --map specs; asserts success. */
static QualifyImporter *
import_file (QualifyStore        *store,
             QualifyImportKind    kind,
             const char          *path,
             const char * const  *maps,
             QualifyImportStats  *stats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, kind, path);

  /* like the CLI: this connection is the test's own */
  qualify_importer_set_exclusive (importer, TRUE);
  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    {
      qualify_importer_add_mapping (importer, maps[i], &error);
      g_assert_no_error (error);
    }
  qualify_importer_prepare (importer, 5, &error);
  g_assert_no_error (error);
  qualify_importer_run (importer, NULL, NULL, NULL, stats, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&importer);
}

static const QualifyColumnMapping *
find_mapping (QualifyImporter *importer,
              const char      *header)
{
  GPtrArray *mappings = qualify_importer_get_mappings (importer);

  for (guint i = 0; i < mappings->len; i++)
    {
      const QualifyColumnMapping *m = g_ptr_array_index (mappings, i);

      if (g_str_equal (m->header, header))
        return m;
    }

  g_assert_not_reached ();
  return NULL;
}

static void
assert_mapping (QualifyImporter   *importer,
                const char        *header,
                QualifyTargetKind  kind,
                const char        *target)
{
  const QualifyColumnMapping *m = find_mapping (importer, header);

  g_assert_cmpint (m->kind, ==, kind);
  g_assert_cmpstr (m->target, ==, target);
}

static void
test_importer_guess (void)
{
  static const struct { const char *header; const char *target; } leads[] = {
    { "Email", "email" }, { "E-mail", "email" }, { "Email Address", "email" },
    { "E-Mail Address", "email" }, { " WORK_EMAIL ", "email" }, { "Business Email", "email" },
    { "Contact Email", "email" }, { "Primary Email", "email" },
    { "First Name", "first_name" }, { "Firstname", "first_name" }, { "Given Name", "first_name" },
    { "Last Name", "last_name" }, { "Surname", "last_name" }, { "Family Name", "last_name" },
    { "Job Title", "title" }, { "Position", "title" }, { "Job Role", "title" },
    { "Company Name", "company" }, { "Organisation", "company" }, { "Account Name", "company" },
    { "Website", "domain" }, { "Company Domain", "domain" }, { "Web Site", "domain" }, { "URL", "domain" },
    { "Industry", "industry" }, { "Sector", "industry" }, { "Vertical", "industry" },
    { "Number of Employees", "employees" }, { "No. of Employees", "employees" },
    { "Employee Count", "employees" }, { "Company Size", "employees" }, { "Headcount", "employees" },
    { "NumberOfEmployees", "employees" }, { "# Employees", "employees" },
    { "Annual Revenue", "annual_revenue" }, { "Revenue", "annual_revenue" },
    { "AnnualRevenue", "annual_revenue" }, { "Company Revenue", "annual_revenue" },
    { "Country/Region", "country" }, { "Nation", "country" },
    { "State/Province", "region" }, { "State", "region" }, { "State/Region", "region" },
    { "Town", "city" }, { "Locality", "city" },
    { "Phone Number", "phone" }, { "Mobile Phone", "phone" }, { "Telephone", "phone" },
    { "Lead Source", "lead_source" }, { "Original Source", "lead_source" },
    { "LeadSource", "lead_source" }, { "Source", "lead_source" },
    { "Tech Stack", "technologies" }, { "Technographics", "technologies" },
    { "Lead Owner", "owner" }, { "Assigned To", "owner" }, { "Sales Rep", "owner" },
    { "Created Date", "created_at" }, { "Create Date", "created_at" }, { "CreatedDate", "created_at" },
    { "Date Created", "created_at" }, { "Created At", "created_at" },
    { "UTM Source", NULL }, { "Persona", NULL }, { "", NULL }, { "---", NULL },
  };
  static const struct { const char *header; const char *target; } events[] = {
    { "Lead Email", "email" }, { "E-Mail Address", "email" },
    { "Event Type", "type" }, { "Activity", "type" }, { "Action", "type" },
    { "Page URL", "detail" }, { "Asset", "detail" }, { "Campaign", "detail" }, { "URL", "detail" },
    { "Timestamp", "occurred_at" }, { "Activity Date", "occurred_at" },
    { "Created At", "occurred_at" }, { "Date", "occurred_at" },
    { "Channel", "source" }, { "Source", "source" },
    { "Job Title", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (leads); i++)
    g_assert_cmpstr (qualify_importer_guess_target (QUALIFY_IMPORT_LEADS, leads[i].header), ==,
                     leads[i].target);
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    g_assert_cmpstr (qualify_importer_guess_target (QUALIFY_IMPORT_EVENTS, events[i].header), ==,
                     events[i].target);
}

static void
test_importer_crm_headers (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *path = fixture ("import-crm.csv");
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(QualifyLeadRecord) ann = NULL;
  g_autoptr(QualifyLeadRecord) bob = NULL;
  QualifyImportStats stats;
  GPtrArray *preview;

  importer = import_file (store, QUALIFY_IMPORT_LEADS, path, NULL, &stats);

  assert_mapping (importer, "Email Address", QUALIFY_TARGET_FIELD, "email");
  assert_mapping (importer, "First Name", QUALIFY_TARGET_FIELD, "first_name");
  assert_mapping (importer, "Last Name", QUALIFY_TARGET_FIELD, "last_name");
  assert_mapping (importer, "Job Title", QUALIFY_TARGET_FIELD, "title");
  assert_mapping (importer, "Company Name", QUALIFY_TARGET_FIELD, "company");
  assert_mapping (importer, "Website", QUALIFY_TARGET_FIELD, "domain");
  assert_mapping (importer, "Industry", QUALIFY_TARGET_FIELD, "industry");
  assert_mapping (importer, "Number of Employees", QUALIFY_TARGET_FIELD, "employees");
  assert_mapping (importer, "Annual Revenue", QUALIFY_TARGET_FIELD, "annual_revenue");
  assert_mapping (importer, "Country/Region", QUALIFY_TARGET_FIELD, "country");
  assert_mapping (importer, "State/Province", QUALIFY_TARGET_FIELD, "region");
  assert_mapping (importer, "City", QUALIFY_TARGET_FIELD, "city");
  assert_mapping (importer, "Phone Number", QUALIFY_TARGET_FIELD, "phone");
  assert_mapping (importer, "Lead Source", QUALIFY_TARGET_FIELD, "lead_source");
  assert_mapping (importer, "Tech Stack", QUALIFY_TARGET_FIELD, "technologies");
  assert_mapping (importer, "Contact Owner", QUALIFY_TARGET_FIELD, "owner");
  assert_mapping (importer, "Create Date", QUALIFY_TARGET_FIELD, "created_at");
  assert_mapping (importer, "Persona", QUALIFY_TARGET_CUSTOM, "Persona");
  assert_mapping (importer, "Favourite Colour", QUALIFY_TARGET_CUSTOM, "Favourite Colour");
  g_assert_true (find_mapping (importer, "Email Address")->automatic);

  g_assert_cmpstr (qualify_importer_get_encoding (importer), ==, "UTF-8");
  g_assert_cmpint (qualify_importer_get_delimiter (importer), ==, ',');
  preview = qualify_importer_get_preview (importer);
  g_assert_cmpuint (preview->len, ==, 3);
  g_assert_cmpstr (((GStrv) g_ptr_array_index (preview, 1))[0], ==, "bob@beta.example");

  /* Three records, two people: the third is Ann again in upper case. */
  g_assert_cmpuint (stats.rows, ==, 3);
  g_assert_cmpuint (stats.created, ==, 2);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_assert_cmpuint (stats.skipped, ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 2);

  ann = get_lead (store, "ann@acme.example");
  g_assert_cmpstr (qualify_lead_record_get (ann, "email"), ==, "ann@acme.example");
  g_assert_cmpstr (qualify_lead_record_get (ann, "first_name"), ==, "Ann");
  g_assert_cmpstr (qualify_lead_record_get (ann, "last_name"), ==, "Lee");
  /* The later non-empty title overwrote the first. */
  g_assert_cmpstr (qualify_lead_record_get (ann, "title"), ==, "Chief Marketing Officer");
  g_assert_cmpstr (qualify_lead_record_get (ann, "company"), ==, "Acme Corp");
  g_assert_cmpstr (qualify_lead_record_get (ann, "domain"), ==, "acme.example");
  g_assert_cmpstr (qualify_lead_record_get (ann, "employees"), ==, "1200");
  g_assert_cmpstr (qualify_lead_record_get (ann, "annual_revenue"), ==, "5000000");
  g_assert_cmpstr (qualify_lead_record_get (ann, "country"), ==, "United States");
  g_assert_cmpstr (qualify_lead_record_get (ann, "region"), ==, "CA");
  g_assert_cmpstr (qualify_lead_record_get (ann, "phone"), ==, "+1 555 0100");
  g_assert_cmpstr (qualify_lead_record_get (ann, "lead_source"), ==, "Webinar");
  g_assert_cmpstr (qualify_lead_record_get (ann, "technologies"), ==, "Salesforce;HubSpot;Slack");
  g_assert_cmpstr (qualify_lead_record_get (ann, "owner"), ==, "Sam");
  g_assert_cmpint (qt_store_query_int (store, "SELECT created_at FROM leads WHERE email = 'ann@acme.example'"),
                   ==, 1768469400); /* 2026-01-15T09:30:00Z */
  g_assert_cmpstr (qualify_lead_record_get (ann, "Persona"), ==, "Marketer");
  g_assert_cmpstr (qualify_lead_record_get (ann, "Favourite Colour"), ==, "Green");

  bob = get_lead (store, "bob@beta.example");
  g_assert_cmpstr (qualify_lead_record_get (bob, "domain"), ==, "beta.example");
  g_assert_cmpfloat_with_epsilon (query_double (store, "SELECT employees FROM leads WHERE email = 'bob@beta.example'"),
                                  1200000, 1e-9);
  g_assert_cmpfloat_with_epsilon (query_double (store, "SELECT annual_revenue FROM leads WHERE email = 'bob@beta.example'"),
                                  1500, 1e-9);
  g_assert_null (qualify_lead_record_get (bob, "phone"));
  g_assert_null (qualify_lead_record_get (bob, "technologies"));
  g_assert_null (qualify_lead_record_get (bob, "Favourite Colour"));
  g_assert_cmpint (qt_store_query_int (store, "SELECT created_at FROM leads WHERE email = 'bob@beta.example'"),
                   ==, 1769904000); /* 2026-02-01 */

  /* The run is recorded. */
  g_assert_cmpint (stats.import_id, >, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 1);
  {
    g_autofree char *kind = qt_store_query_text (store, "SELECT kind FROM import_runs");
    g_autofree char *file = qt_store_query_text (store, "SELECT file FROM import_runs");
    g_autofree char *sha = qt_store_query_text (store, "SELECT sha256 FROM import_runs");
    g_autofree char *contents = NULL;
    g_autofree char *expected = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, len);
    g_assert_cmpstr (kind, ==, "leads");
    g_assert_cmpstr (file, ==, "import-crm.csv");
    g_assert_cmpstr (sha, ==, expected);
    g_assert_cmpint (qt_store_query_int (store, "SELECT rows FROM import_runs"), ==, 3);
    g_assert_cmpint (qt_store_query_int (store, "SELECT created FROM import_runs"), ==, 2);
    g_assert_cmpint (qt_store_query_int (store, "SELECT updated FROM import_runs"), ==, 1);
    g_assert_cmpint (qt_store_query_int (store, "SELECT finished_at IS NOT NULL FROM import_runs"), ==, 1);
  }
}

static void
test_importer_upsert (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *crm = fixture ("import-crm.csv");
  g_autofree char *update = fixture ("import-update.csv");
  g_autoptr(QualifyImporter) first = NULL;
  g_autoptr(QualifyImporter) second = NULL;
  g_autoptr(QualifyLeadRecord) ann = NULL;
  g_autoptr(QualifyLeadRecord) bob = NULL;
  g_autoptr(QualifyLeadRecord) carol = NULL;
  QualifyImportStats stats;

  first = import_file (store, QUALIFY_IMPORT_LEADS, crm, NULL, &stats);
  second = import_file (store, QUALIFY_IMPORT_LEADS, update, NULL, &stats);
  g_assert_cmpuint (stats.rows, ==, 3);
  g_assert_cmpuint (stats.created, ==, 1);
  g_assert_cmpuint (stats.updated, ==, 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 3);

  /* Empty cells never erase; non-empty ones overwrite. */
  ann = get_lead (store, "ann@acme.example");
  g_assert_cmpstr (qualify_lead_record_get (ann, "first_name"), ==, "Ann");
  g_assert_cmpstr (qualify_lead_record_get (ann, "title"), ==, "Chief Marketing Officer");
  g_assert_cmpstr (qualify_lead_record_get (ann, "employees"), ==, "1200");
  g_assert_cmpstr (qualify_lead_record_get (ann, "city"), ==, "San Francisco");
  /* Custom fields merge: Persona kept, Budget added. */
  g_assert_cmpstr (qualify_lead_record_get (ann, "Persona"), ==, "Marketer");
  g_assert_cmpstr (qualify_lead_record_get (ann, "Favourite Colour"), ==, "Green");
  g_assert_cmpstr (qualify_lead_record_get (ann, "Budget"), ==, "50k");

  bob = get_lead (store, "bob@beta.example");
  g_assert_cmpstr (qualify_lead_record_get (bob, "first_name"), ==, "Robert");
  g_assert_cmpstr (qualify_lead_record_get (bob, "last_name"), ==, "Stone");
  g_assert_cmpstr (qualify_lead_record_get (bob, "employees"), ==, "250");
  g_assert_cmpstr (qualify_lead_record_get (bob, "Persona"), ==, "Architect");
  g_assert_null (qualify_lead_record_get (bob, "Budget"));

  carol = get_lead (store, "carol@gamma.example");
  g_assert_cmpstr (qualify_lead_record_get (carol, "employees"), ==, "51");
  g_assert_cmpstr (qualify_lead_record_get (carol, "Persona"), ==, "Founder");
  g_assert_cmpstr (qualify_lead_record_get (carol, "Budget"), ==, "10k");

  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 2);
}

static void
test_importer_bad_rows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *path = fixture ("import-bad-rows.csv");
  g_autofree char *dir = temp_dir ();
  g_autofree char *errors_path = g_build_filename (dir, "errors.csv", NULL);
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(QualifyLeadRecord) good2 = NULL;
  g_autoptr(QualifyLeadRecord) good1 = NULL;
  QualifyImportStats stats;
  GPtrArray *problems;
  const char *const *fields;
  guint n;
  guint64 line;
  static const struct { guint64 line; const char *reason; } expected[] = {
    { 5, "“bob at example” is not an email address" },
    { 7, "employees: “lots” is not a number" },
    { 8, "created_at: “yesterday” is not a date (use ISO 8601, e.g. 2026-03-01 or 2026-03-01T10:00:00Z)" },
    { 9, "7 cells but the header has 5" },
    { 11, "no email address (column “email” is empty)" },
    { 14, "employees: “nan-ish” is not a number" },
  };

  importer = import_file (store, QUALIFY_IMPORT_LEADS, path, NULL, &stats);
  g_assert_cmpuint (stats.rows, ==, 9);   /* the all-empty record is not counted */
  g_assert_cmpuint (stats.skipped, ==, 6);
  g_assert_cmpuint (stats.created, ==, 3);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 3);
  g_assert_cmpint (qt_store_query_int (store, "SELECT skipped FROM import_runs"), ==, 6);

  good1 = get_lead (store, "good1@x.example");
  g_assert_cmpstr (qualify_lead_record_get (good1, "notes"), ==, "first line\nsecond line\nthird line");
  good2 = get_lead (store, "good2@x.example");
  g_assert_cmpstr (qualify_lead_record_get (good2, "first_name"), ==, "=HYPERLINK(\"x\")");
  g_assert_cmpint (qualify_store_find_lead (store, "short@x.example"), >, 0);

  problems = qualify_importer_get_problems (importer);
  g_assert_cmpuint (problems->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < problems->len; i++)
    {
      QualifyImportProblem *p = g_ptr_array_index (problems, i);

      g_assert_cmpuint (p->line, ==, expected[i].line);
      g_assert_cmpstr (p->reason, ==, expected[i].reason);
    }
  g_assert_cmpstr (((QualifyImportProblem *) g_ptr_array_index (problems, 0))->fields[0], ==,
                   "bob at example");
  g_assert_cmpuint (g_strv_length (((QualifyImportProblem *) g_ptr_array_index (problems, 3))->fields),
                    ==, 7);

  /* --errors: RFC 4180, original headers, formula cells guarded; re-read it. */
  qualify_importer_write_problems (importer, errors_path, &error);
  g_assert_no_error (error);

  reader = qualify_csv_reader_new (errors_path, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (qualify_csv_reader_next (reader, &fields, &n, &line, &error));
  g_assert_cmpuint (n, ==, 7);
  g_assert_cmpstr (fields[0], ==, "line");
  g_assert_cmpstr (fields[1], ==, "reason");
  g_assert_cmpstr (fields[2], ==, "email");
  g_assert_cmpstr (fields[6], ==, "notes");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *num = g_strdup_printf ("%" G_GUINT64_FORMAT, expected[i].line);

      g_assert_true (qualify_csv_reader_next (reader, &fields, &n, &line, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (fields[0], ==, num);
      g_assert_cmpstr (fields[1], ==, expected[i].reason);
      if (expected[i].line == 9)
        {
          g_assert_cmpuint (n, ==, 9);
          g_assert_cmpstr (fields[8], ==, "cells");
        }
      if (expected[i].line == 14)
        g_assert_cmpstr (fields[3], ==, "'@SUM(A1)");
      if (expected[i].line == 5)
        g_assert_cmpstr (fields[2], ==, "bob at example");
    }
  g_assert_false (qualify_csv_reader_next (reader, &fields, &n, &line, &error));
  g_assert_no_error (error);
}

static void
test_importer_no_email (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *path = fixture ("import-no-email.csv");
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path);

  g_assert_false (qualify_importer_prepare (importer, 5, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_NO_EMAIL_COLUMN);
  g_assert_cmpstr (error->message, ==,
                   "“import-no-email.csv” has no email column (headers: Name, Company, Title). "
                   "Map one with --map 'Header=email'.");
  g_clear_error (&error);

  /* The mappings are there for a UI to fix; run() refuses too. */
  g_assert_cmpuint (qualify_importer_get_mappings (importer)->len, ==, 3);
  g_assert_false (qualify_importer_run (importer, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_NO_EMAIL_COLUMN);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 0);
}

static void
test_importer_mapping_overrides (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "people.csv", NULL);
  g_autofree char *path2 = g_build_filename (dir, "people-2.csv", NULL);
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(QualifyImporter) again = NULL;
  g_autoptr(QualifyLeadRecord) rec = NULL;
  static const char * const maps[] = {
    "job role=title", "Persona=custom:persona_tag", "Notes=ignore", "Contact=email", NULL
  };
  QualifyImportStats stats;

  g_assert_true (g_file_set_contents (path,
                                      "Contact,Job Role,Persona,Notes,Title\n"
                                      "dee@e.example,CFO,Buyer,secret,Dr\n", -1, NULL));

  /* Unknown field, unknown header, the same field twice. */
  importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path);
  g_assert_false (qualify_importer_add_mapping (importer, "Persona=persona", &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING);
  g_assert_nonnull (strstr (error->message, "first_name"));
  g_assert_nonnull (strstr (error->message, "custom:NAME"));
  g_clear_error (&error);

  g_assert_true (qualify_importer_add_mapping (importer, "Missing Column=title", &error));
  g_assert_false (qualify_importer_prepare (importer, 0, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING);
  g_assert_nonnull (strstr (error->message, "Contact, Job Role, Persona, Notes, Title"));
  g_clear_error (&error);
  g_clear_object (&importer);

  importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path);
  g_assert_true (qualify_importer_add_mapping (importer, "Job Role=title", &error));
  g_assert_true (qualify_importer_add_mapping (importer, "Persona=title", &error));
  g_assert_false (qualify_importer_prepare (importer, 0, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING);
  g_clear_error (&error);
  g_clear_object (&importer);

  /* The overrides win over auto-mapping ("Title" would be title). */
  importer = import_file (store, QUALIFY_IMPORT_LEADS, path, maps, &stats);
  assert_mapping (importer, "Job Role", QUALIFY_TARGET_FIELD, "title");
  assert_mapping (importer, "Persona", QUALIFY_TARGET_CUSTOM, "persona_tag");
  assert_mapping (importer, "Notes", QUALIFY_TARGET_IGNORE, NULL);
  assert_mapping (importer, "Contact", QUALIFY_TARGET_FIELD, "email");
  assert_mapping (importer, "Title", QUALIFY_TARGET_CUSTOM, "Title");
  g_assert_false (find_mapping (importer, "Job Role")->automatic);

  rec = get_lead (store, "dee@e.example");
  g_assert_cmpstr (qualify_lead_record_get (rec, "title"), ==, "CFO");
  g_assert_cmpstr (qualify_lead_record_get (rec, "persona_tag"), ==, "Buyer");
  g_assert_cmpstr (qualify_lead_record_get (rec, "Title"), ==, "Dr");
  g_assert_null (qualify_lead_record_get (rec, "Notes"));
  g_assert_cmpuint (g_hash_table_size (rec->custom), ==, 2);

  /* A file with the same headers gets the saved mapping without --map. */
  g_assert_true (g_file_set_contents (path2,
                                      "Contact,Job Role,Persona,Notes,Title\n"
                                      "eve@e.example,CTO,Tech,x,Prof\n", -1, NULL));
  again = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path2);
  g_assert_true (qualify_importer_add_mapping (again, "Title=ignore", &error));
  g_assert_true (qualify_importer_prepare (again, 0, &error));
  g_assert_no_error (error);
  assert_mapping (again, "Job Role", QUALIFY_TARGET_FIELD, "title");
  assert_mapping (again, "Persona", QUALIFY_TARGET_CUSTOM, "persona_tag");
  assert_mapping (again, "Notes", QUALIFY_TARGET_IGNORE, NULL);
  assert_mapping (again, "Contact", QUALIFY_TARGET_FIELD, "email");
  assert_mapping (again, "Title", QUALIFY_TARGET_IGNORE, NULL); /* the user still wins */
}

static void
test_importer_events (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *crm = fixture ("import-crm.csv");
  g_autofree char *path = fixture ("import-events.csv");
  g_autoptr(QualifyImporter) leads = NULL;
  g_autoptr(QualifyImporter) events = NULL;
  g_autoptr(GPtrArray) ann_events = NULL;
  g_autoptr(GPtrArray) new_events = NULL;
  g_autoptr(GError) error = NULL;
  QualifyEventRecord *ev;
  QualifyImportStats stats;
  GPtrArray *problems;
  gint64 ann_id, new_id;

  leads = import_file (store, QUALIFY_IMPORT_LEADS, crm, NULL, &stats);
  events = import_file (store, QUALIFY_IMPORT_EVENTS, path, NULL, &stats);

  assert_mapping (events, "Email", QUALIFY_TARGET_EVENT, "email");
  assert_mapping (events, "Event Type", QUALIFY_TARGET_EVENT, "type");
  assert_mapping (events, "Page URL", QUALIFY_TARGET_EVENT, "detail");
  assert_mapping (events, "Timestamp", QUALIFY_TARGET_EVENT, "occurred_at");
  assert_mapping (events, "Channel", QUALIFY_TARGET_EVENT, "source");

  g_assert_cmpuint (stats.rows, ==, 8);
  g_assert_cmpuint (stats.created, ==, 5);
  g_assert_cmpuint (stats.skipped, ==, 3);
  g_assert_cmpuint (stats.bare_leads, ==, 1);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 5);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 3);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events WHERE import_id IS NOT NULL"),
                   ==, 5);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(DISTINCT import_id) FROM events"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT import_id FROM events LIMIT 1"), ==, stats.import_id);
  /* Interned: page_view, demo_request, webinar_attended. */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM event_types"), ==, 3);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM event_details"), ==, 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM pragma_index_list('events') "
                                              "WHERE name = 'events_lead'"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA foreign_keys"), ==, 1);

  ann_id = qualify_store_find_lead (store, "ann@acme.example");
  ann_events = qualify_store_get_lead_events (store, ann_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ann_events->len, ==, 3);   /* newest first */
  ev = g_ptr_array_index (ann_events, 0);
  g_assert_cmpstr (ev->type, ==, "demo_request");
  g_assert_null (ev->detail);
  g_assert_cmpint (ev->occurred_at, ==, 1772439330);  /* 2026-03-02T08:15:30 naive = UTC */
  /* Same time: the later row (higher id) first. */
  ev = g_ptr_array_index (ann_events, 1);
  g_assert_cmpstr (ev->type, ==, "page_view");
  g_assert_cmpstr (ev->detail, ==, "/pricing");
  g_assert_null (ev->source);
  g_assert_cmpint (ev->occurred_at, ==, 1772359200);  /* 12:00+02:00 = 10:00Z */
  ev = g_ptr_array_index (ann_events, 2);
  g_assert_cmpstr (ev->type, ==, "page_view");
  g_assert_cmpstr (ev->detail, ==, "/pricing");
  g_assert_cmpstr (ev->source, ==, "web");
  g_assert_cmpint (ev->occurred_at, ==, 1772359200);  /* 2026-03-01T10:00:00Z */

  /* Unknown email: a bare lead. */
  new_id = qualify_store_find_lead (store, "new@delta.example");
  g_assert_cmpint (new_id, >, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads WHERE email = 'new@delta.example' "
                                              "AND first_name IS NULL AND company IS NULL"), ==, 1);
  new_events = qualify_store_get_lead_events (store, new_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (new_events->len, ==, 2);
  ev = g_ptr_array_index (new_events, 0);
  g_assert_cmpstr (ev->type, ==, "webinar_attended");
  g_assert_cmpstr (ev->detail, ==, "Scoring 101");
  g_assert_cmpint (ev->occurred_at, ==, 1772582400);  /* 2026-03-04 */
  ev = g_ptr_array_index (new_events, 1);
  g_assert_cmpint (ev->occurred_at, ==, 1772546706);  /* 2026-03-03 14:05:06 */
  g_assert_cmpstr (ev->source, ==, "email");

  problems = qualify_importer_get_problems (events);
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_cmpuint (((QualifyImportProblem *) g_ptr_array_index (problems, 0))->line, ==, 7);
  g_assert_cmpstr (((QualifyImportProblem *) g_ptr_array_index (problems, 0))->reason, ==,
                   "“bogus” is not an email address");
  g_assert_cmpuint (((QualifyImportProblem *) g_ptr_array_index (problems, 1))->line, ==, 8);
  g_assert_nonnull (strstr (((QualifyImportProblem *) g_ptr_array_index (problems, 1))->reason,
                            "Timestamp: “soon” is not a date and time"));
  g_assert_cmpuint (((QualifyImportProblem *) g_ptr_array_index (problems, 2))->line, ==, 9);
  g_assert_cmpstr (((QualifyImportProblem *) g_ptr_array_index (problems, 2))->reason, ==,
                   "no event type (column “Event Type” is empty)");
}

static void
test_importer_events_missing_column (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "ev.csv", NULL);
  g_autoptr(QualifyImporter) importer = NULL;

  g_assert_true (g_file_set_contents (path, "email,type,when\na@b.example,x,2026-01-01\n", -1, NULL));
  importer = qualify_importer_new (store, QUALIFY_IMPORT_EVENTS, path);
  g_assert_false (qualify_importer_prepare (importer, 0, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_MISSING_COLUMN);
  g_assert_nonnull (strstr (error->message, "occurred_at"));
  g_clear_error (&error);

  g_assert_true (qualify_importer_add_mapping (importer, "When=occurred_at", &error));
  g_assert_no_error (error);
  g_assert_true (qualify_importer_run (importer, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT occurred_at FROM events"), ==, 1767225600);
}

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  double        last_fraction;
} ProgressData;

static void
cancel_progress_cb (double   fraction,
                    guint64  rows,
                    gpointer user_data)
{
  ProgressData *data = user_data;

  g_assert_cmpfloat (fraction, >=, data->last_fraction);
  g_assert_cmpfloat (fraction, <=, 1.0);
  data->last_fraction = fraction;
  data->calls++;
  if (rows > 0)
    g_cancellable_cancel (data->cancellable);
}

static char *
generate_leads (const char *dir,
                guint       n)
{
  g_autoptr(GString) s = g_string_new ("Email,First Name,Company,Number of Employees\n");
  char *path = g_build_filename (dir, "many.csv", NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "user%u@bulk.example,User %u,Bulk %u,%u\n", i, i, i % 97, i % 5000);
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
  return path;
}

static void
test_importer_cancel_rolls_back (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *crm = fixture ("import-crm.csv");
  g_autofree char *path = generate_leads (dir, 50000);
  g_autoptr(QualifyImporter) first = NULL;
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressData data = { cancellable, 0, 0 };
  QualifyImportStats stats;

  first = import_file (store, QUALIFY_IMPORT_LEADS, crm, NULL, &stats);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 2);

  importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path);
  g_assert_true (qualify_importer_prepare (importer, 0, &error));
  g_assert_false (qualify_importer_run (importer, cancellable, cancel_progress_cb, &data, &stats, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (data.calls, >=, 1);
  g_assert_cmpfloat (data.last_fraction, <, 1.0);

  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 1);
  g_assert_false (_qualify_store_in_transaction (store));
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA cache_size"), ==, -65536);

  /* The same importer then runs to completion. */
  g_assert_true (qualify_importer_run (importer, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.created, ==, 50000);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 50002);
  g_assert_cmpint (qt_store_query_int (store, "SELECT employees FROM leads WHERE email = 'user4999@bulk.example'"),
                   ==, 4999);
}

/* The same events export imported twice: the second run is refused at the end,
 * after the hash is known, and writes nothing (not even an import run). */
static void
test_importer_events_twice (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *crm = fixture ("import-crm.csv");
  g_autofree char *path = fixture ("import-events.csv");
  g_autofree char *dir = temp_dir ();
  g_autofree char *copy = g_build_filename (dir, "renamed-export.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(QualifyImporter) leads = NULL;
  g_autoptr(QualifyImporter) events = NULL;
  g_autoptr(QualifyImporter) again = NULL;
  g_autoptr(GError) error = NULL;
  QualifyImportStats stats;
  gsize len;

  leads = import_file (store, QUALIFY_IMPORT_LEADS, crm, NULL, &stats);
  events = import_file (store, QUALIFY_IMPORT_EVENTS, path, NULL, &stats);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 5);

  /* the same bytes under another name are still the same export */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  again = qualify_importer_new (store, QUALIFY_IMPORT_EVENTS, copy);
  g_assert_true (qualify_importer_prepare (again, 0, &error));
  g_assert_false (qualify_importer_run (again, NULL, NULL, NULL, &stats, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_ALREADY_IMPORTED);
  g_assert_nonnull (strstr (error->message, "renamed-export.csv: this file was already imported"));
  g_assert_nonnull (strstr (error->message, "import-events.csv"));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 5);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 2);
  g_assert_false (_qualify_store_in_transaction (store));

  /* leads are upserted: importing the same leads file again is fine */
  g_clear_object (&leads);
  leads = import_file (store, QUALIFY_IMPORT_LEADS, crm, NULL, &stats);
  g_assert_cmpuint (stats.created, ==, 0);
  g_assert_cmpuint (stats.updated, >, 0);
}

/* Overlapping exports */

/* Two weekly exports of "the last days of web activity": B repeats the last
 * three rows of A (in other spellings, without the source) and adds three. */
#define EXPORT_A \
  "email,type,detail,occurred_at,source\n" \
  "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z,web\n" \
  "ann@acme.example,content_download,Buyer guide,2026-03-02T09:00:00Z,web\n" \
  "bob@beta.example,page_view,/pricing,2026-03-03T11:00:00Z,web\n" \
  "bob@beta.example,page_view,/blog/x,2026-03-04T12:00:00Z,web\n" \
  "cat@gamma.example,page_view,/pricing,2026-03-05T13:00:00Z,web\n" \
  "cat@gamma.example,content_download,Buyer guide,2026-03-06T14:00:00Z,web\n"
#define EXPORT_B_NEW \
  "cat@gamma.example,page_view,/pricing,2026-03-08T09:00:00Z,\n" \
  "dan@delta.example,page_view,/pricing,2026-03-08T10:00:00Z,\n" \
  "ann@acme.example,content_download,Buyer guide,2026-03-09T09:00:00Z,\n"
#define EXPORT_B \
  "Email,Event Type,Page URL,Timestamp,Channel\n" \
  "BOB@beta.example ,Page View,/blog/x,2026-03-04T14:00:00+02:00,\n" \
  "cat@gamma.example,page_view,/pricing,2026-03-05T13:00:00Z,\n" \
  "cat@gamma.example,Content Download,Buyer guide,2026-03-06 14:00:00,\n" \
  EXPORT_B_NEW

#define OVERLAP_MODEL \
  "{\"format\":1,\"name\":\"overlap\",\"fit\":[]," \
  "\"engagement\":[{\"id\":\"pricing\",\"event\":\"page_view\",\"match\":\"/pricing*\",\"points\":10}," \
  "{\"id\":\"dl\",\"event\":\"content_download\",\"points\":8}]," \
  "\"disqualify\":[],\"sales_ready\":[\"demo_request\"]," \
  "\"thresholds\":{\"mql\":20,\"min_fit\":0,\"min_engagement\":5}," \
  "\"grades\":{\"A\":60,\"B\":40,\"C\":20,\"D\":0}}"

/* Writes @csv as @name in a new folder and imports it as events. */
static void
import_events_csv (QualifyStore       *store,
                   const char         *name,
                   const char         *csv,
                   QualifyImportStats *stats)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(QualifyImporter) importer = NULL;

  g_assert_true (g_file_set_contents (path, csv, -1, NULL));
  importer = import_file (store, QUALIFY_IMPORT_EVENTS, path, NULL, stats);
  g_assert_cmpuint (qualify_importer_get_problems (importer)->len, ==, stats->skipped);
}

/* What import_runs recorded for @stats: "rows created already skipped". */
static char *
run_counts (QualifyStore             *store,
            const QualifyImportStats *stats)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rows || ' ' || created || ' ' || already || ' ' || "
                                          "skipped FROM import_runs WHERE id = %" G_GINT64_FORMAT,
                                          stats->import_id);

  return qt_store_query_text (store, sql);
}

/* Every event as "email type detail time source", one a line, sorted. */
static char *
dump_events (QualifyStore *store)
{
  return qt_store_query_text (store,
                              "SELECT group_concat (e, char(10)) FROM (SELECT email || ' ' || type || ' ' ||"
                              " coalesce (detail, '-') || ' ' || occurred_at || ' ' || coalesce (source, '-')"
                              " AS e FROM events_view ORDER BY e)");
}

/* Every lead's engagement after scoring as of 2026-04-01: "email=engagement;…". */
static char *
score_engagement (QualifyStore *store)
{
  g_autoptr(GError) error = NULL;
  QualifyScoreSummary summary;
  gint64 as_of = 0;

  g_assert_true (qualify_parse_timestamp ("2026-04-01T00:00:00Z", &as_of));
  g_assert_cmpint (qualify_store_save_model (store, "overlap", OVERLAP_MODEL, NULL, TRUE, &error),
                   >, 0);
  g_assert_no_error (error);
  g_assert_true (qualify_score_workspace (store, as_of, NULL, &summary, &error));
  g_assert_no_error (error);
  return qt_store_query_text (store,
                              "SELECT group_concat (e, ';') FROM (SELECT l.email || '=' || r.engagement AS e"
                              " FROM leads l JOIN results r ON r.lead_id = l.id ORDER BY l.email)");
}

/* B adds only what A did not have; the workspace ends as if the union of both
 * had been imported once, engagement included. */
static void
test_importer_events_overlap (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autoptr(QualifyStore) once = temp_store ();
  g_autofree char *counts_a = NULL;
  g_autofree char *counts_b = NULL;
  g_autofree char *events = NULL;
  g_autofree char *events_once = NULL;
  g_autofree char *engagement = NULL;
  g_autofree char *engagement_once = NULL;
  QualifyImportStats a, b, u;

  import_events_csv (store, "week-1.csv", EXPORT_A, &a);
  g_assert_cmpuint (a.created, ==, 6);
  g_assert_cmpuint (a.already, ==, 0);

  import_events_csv (store, "week-2.csv", EXPORT_B, &b);
  g_assert_cmpuint (b.rows, ==, 6);
  g_assert_cmpuint (b.created, ==, 3);
  g_assert_cmpuint (b.already, ==, 3);
  g_assert_cmpuint (b.skipped, ==, 0);
  g_assert_cmpuint (b.bare_leads, ==, 1);   /* dan */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 9);
  counts_a = run_counts (store, &a);
  counts_b = run_counts (store, &b);
  g_assert_cmpstr (counts_a, ==, "6 6 0 0");
  g_assert_cmpstr (counts_b, ==, "6 3 3 0");

  /* the union, imported once into another workspace */
  import_events_csv (once, "union.csv", EXPORT_A EXPORT_B_NEW, &u);
  g_assert_cmpuint (u.created, ==, 9);
  events = dump_events (store);
  events_once = dump_events (once);
  g_assert_cmpstr (events, ==, events_once);

  engagement = score_engagement (store);
  engagement_once = score_engagement (once);
  g_assert_cmpstr (engagement, ==, engagement_once);
  /* cat: two pricing views and one download (counted twice, 46) */
  g_assert_nonnull (strstr (engagement, "cat@gamma.example=28.0;"));
}

/* Repeats inside one file are real events (two views of a page in the same
 * second): all are added, also when the workspace has events to check against. */
static void
test_importer_events_file_duplicates (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *counts = NULL;
  QualifyImportStats a, c;

  import_events_csv (store, "week-1.csv", EXPORT_A, &a);
  import_events_csv (store, "repeats.csv",
                     "email,type,detail,occurred_at\n"
                     "ann@acme.example,page_view,/docs,2026-03-10T10:00:00Z\n"
                     "bob@beta.example,page_view,/pricing,2026-03-10T11:00:00Z\n"
                     "ann@acme.example,page_view,/docs,2026-03-10T10:00:00Z\n"
                     "bob@beta.example,page_view,/pricing,2026-03-10T11:00:00Z\n"
                     "bob@beta.example,page_view,/pricing,2026-03-10T11:00:00Z\n",
                     &c);
  g_assert_cmpuint (c.created, ==, 5);
  g_assert_cmpuint (c.already, ==, 0);
  counts = run_counts (store, &c);
  g_assert_cmpstr (counts, ==, "5 5 0 0");
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events_view"
                                              " WHERE email = 'bob@beta.example' AND detail = '/pricing'"
                                              " AND occurred_at = '2026-03-10 11:00:00'"), ==, 3);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events_view"
                                              " WHERE detail = '/docs'"), ==, 2);
}

/* The workspace holds a key j times and the file lists it k > j times: k - j
 * are added, and the first j rows of the file are those taken as already
 * there (so the added ones carry the later rows' sources). */
static void
check_more_than_stored (const char *chunk)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *counts = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *sql = NULL;
  QualifyImportStats a, d;

  g_setenv ("QUALIFY_IMPORT_EVENT_CHUNK", chunk, TRUE);
  /* X once, Y twice */
  import_events_csv (store, "first.csv",
                     "email,type,detail,occurred_at,source\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z,a\n"
                     "bob@beta.example,content_download,,2026-03-02T10:00:00Z,a\n"
                     "bob@beta.example,content_download,,2026-03-02T10:00:00Z,a\n",
                     &a);
  g_assert_cmpuint (a.created, ==, 3);

  /* X three times, Y three times, Z once; with a chunk of 2 rows the rows of
   * X and Y fall in different chunks */
  import_events_csv (store, "second.csv",
                     "email,type,detail,occurred_at,source\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z,x1\n"
                     "cat@gamma.example,page_view,/pricing,2026-03-03T10:00:00Z,z1\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z,x2\n"
                     "bob@beta.example,content_download,,2026-03-02T10:00:00Z,y1\n"
                     "bob@beta.example,content_download,,2026-03-02T10:00:00Z,y2\n"
                     "bob@beta.example,content_download,,2026-03-02T10:00:00Z,y3\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z,x3\n",
                     &d);
  g_unsetenv ("QUALIFY_IMPORT_EVENT_CHUNK");

  g_assert_cmpuint (d.rows, ==, 7);
  g_assert_cmpuint (d.created, ==, 4);   /* X: 3 - 1, Y: 3 - 2, Z: 1 */
  g_assert_cmpuint (d.already, ==, 3);
  counts = run_counts (store, &d);
  g_assert_cmpstr (counts, ==, "7 4 3 0");
  sql = g_strdup_printf ("SELECT group_concat (source, ',') FROM (SELECT source FROM events"
                         " WHERE import_id = %" G_GINT64_FORMAT " ORDER BY source)", d.import_id);
  sources = qt_store_query_text (store, sql);
  g_assert_cmpstr (sources, ==, "x2,x3,y3,z1");
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 7);
}

static void
test_importer_events_more_than_stored (void)
{
  check_more_than_stored ("0");   /* one chunk */
}

/* Files longer than a chunk: rows skipped in an earlier chunk use up their
 * share, rows this run inserted in an earlier chunk are not "already there". */
static void
test_importer_events_more_than_stored_chunks (void)
{
  for (guint chunk = 1; chunk <= 4; chunk++)
    {
      g_autofree char *text = g_strdup_printf ("%u", chunk);

      check_more_than_stored (text);
    }
}

/* The source (channel) is not part of what makes an event the same one; the
 * lead, type, detail and time are. */
static void
test_importer_events_other_source (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  QualifyImportStats a, e;

  import_events_csv (store, "week-1.csv", EXPORT_A, &a);
  import_events_csv (store, "from-email.csv",
                     "email,type,detail,occurred_at,source\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z,email\n"
                     /* each differs from a stored event in one part of the key only */
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:01Z,email\n"
                     "bob@beta.example,page_view,/pricing/enterprise,2026-03-03T11:00:00Z,email\n"
                     "bob@beta.example,page_view,,2026-03-04T12:00:00Z,email\n"
                     "cat@gamma.example,page_view,Buyer guide,2026-03-06T14:00:00Z,email\n"
                     "ann@acme.example,page_view,/pricing,2026-03-05T13:00:00Z,email\n",
                     &e);
  g_assert_cmpuint (e.created, ==, 5);
  g_assert_cmpuint (e.already, ==, 1);
  /* the one stored keeps its source */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events_view"
                                              " WHERE email = 'ann@acme.example' AND type = 'page_view'"
                                              " AND detail = '/pricing'"
                                              " AND occurred_at = '2026-03-01 10:00:00'"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events_view"
                                              " WHERE email = 'ann@acme.example' AND type = 'page_view'"
                                              " AND detail = '/pricing' AND source = 'web'"
                                              " AND occurred_at = '2026-03-01 10:00:00'"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 11);
}

/* A re-export with nothing new (other bytes, so not refused as the same file)
 * adds nothing and reports every row as already there, not as a problem. */
static void
test_importer_events_all_already (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *counts = NULL;
  QualifyImportStats a, f;

  import_events_csv (store, "week-1.csv", EXPORT_A, &a);
  before = dump_events (store);
  import_events_csv (store, "week-1-again.csv",
                     "Email,Activity,Asset,Activity Date\n"
                     "cat@gamma.example,Content Download,Buyer guide,2026-03-06T15:00:00+01:00\n"
                     "CAT@gamma.example,page_view,/pricing,2026-03-05T13:00:00Z\n"
                     "bob@beta.example,Page View,/blog/x,2026-03-04 12:00:00\n"
                     "bob@beta.example,page view,/pricing,2026-03-03T11:00:00Z\n"
                     "ann@acme.example,content_download,Buyer guide,2026-03-02T09:00:00Z\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z\n",
                     &f);
  g_assert_cmpuint (f.rows, ==, 6);
  g_assert_cmpuint (f.created, ==, 0);
  g_assert_cmpuint (f.already, ==, 6);
  g_assert_cmpuint (f.skipped, ==, 0);
  g_assert_cmpuint (f.bare_leads, ==, 0);
  counts = run_counts (store, &f);
  g_assert_cmpstr (counts, ==, "6 0 6 0");
  after = dump_events (store);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 3);
}

/* Into a workspace without events nothing is looked up, and repeats inside
 * the file are all added. */
static void
test_importer_events_empty_workspace (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *crm = fixture ("import-crm.csv");
  g_autoptr(QualifyImporter) leads = NULL;
  g_autofree char *counts = NULL;
  QualifyImportStats stats, g;

  leads = import_file (store, QUALIFY_IMPORT_LEADS, crm, NULL, &stats);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 0);
  import_events_csv (store, "repeats.csv",
                     "email,type,detail,occurred_at\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z\n"
                     "bob@beta.example,page_view,/pricing,2026-03-01T10:00:00Z\n"
                     "ann@acme.example,page_view,/pricing,2026-03-01T10:00:00Z\n"
                     "bob@beta.example,page_view,/pricing,2026-03-01T10:00:00Z\n",
                     &g);
  g_assert_cmpuint (g.created, ==, 5);
  g_assert_cmpuint (g.already, ==, 0);
  counts = run_counts (store, &g);
  g_assert_cmpstr (counts, ==, "5 5 0 0");
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events_view"
                                              " WHERE email = 'ann@acme.example'"), ==, 3);
}

/* A workspace from an older Qualify (schema 2) gets import_runs.already, 0 for
 * its runs, and its events, imported then or written otherwise (no import
 * run), count as already there. */
static void
test_importer_events_migrated_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *source = fixture ("workspace-v2.qualify");
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "v2.qualify", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *counts = NULL;
  QualifyImportStats stats;
  gsize len;

  g_assert_true (g_file_get_contents (source, &contents, &len, &error));
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  g_assert_no_error (error);
  store = qualify_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM pragma_table_info ('import_runs')"
                                              " WHERE name = 'already'"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs WHERE already = 0"), ==, 2);

  /* one event written by something else than an import */
  qt_store_exec (store, "INSERT INTO events (lead_id, type_id, detail_id, occurred_at)"
                        " SELECT lead_id, type_id, NULL, 1780000000 FROM events WHERE id = 1");
  rows = qt_store_query_text (store,
                              "SELECT group_concat (line, char(10)) FROM (SELECT email || ',' || type || ','"
                              " || coalesce (detail, '') || ',' || occurred_at AS line FROM events_view"
                              " WHERE id <= 10 OR id = (SELECT max(id) FROM events) ORDER BY id)");
  csv = g_strdup_printf ("email,type,detail,occurred_at\n%s\n"
                         "new@delta.example,page_view,/pricing,2026-09-01T10:00:00Z\n", rows);
  import_events_csv (store, "re-export.csv", csv, &stats);
  g_assert_cmpuint (stats.rows, ==, 12);
  g_assert_cmpuint (stats.created, ==, 1);
  g_assert_cmpuint (stats.already, ==, 11);
  counts = run_counts (store, &stats);
  g_assert_cmpstr (counts, ==, "12 1 11 0");
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 202);
}

/* The tests of rows already in the workspace also run with every chunk of
 * two rows or more counted on two connections, as a big one is. */
typedef struct
{
  const char *name;
  GTestFunc   func;
} OverlapTest;

static const OverlapTest overlap_tests[] = {
  { "events-overlap", test_importer_events_overlap },
  { "events-file-duplicates", test_importer_events_file_duplicates },
  { "events-more-than-stored", test_importer_events_more_than_stored },
  { "events-more-than-stored-chunks", test_importer_events_more_than_stored_chunks },
  { "events-other-source", test_importer_events_other_source },
  { "events-all-already", test_importer_events_all_already },
  { "events-migrated-workspace", test_importer_events_migrated_workspace },
};

static void
on_two_connections (gconstpointer data)
{
  const OverlapTest *test = data;

  g_setenv ("QUALIFY_IMPORT_PARALLEL_ROWS", "2", TRUE);
  test->func ();
  g_unsetenv ("QUALIFY_IMPORT_PARALLEL_ROWS");
}

/* Enough rows for the multi-row statements, with duplicates inside one statement. */
static void
test_importer_upsert_bulk (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "dups.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("Email,First Name,City,Employees,Tier\n");
  g_autoptr(QualifyImporter) importer = NULL;
  QualifyImportStats stats;

  for (guint i = 0; i < 1000; i++)
    {
      /* Rows 0..499 create p0..p499; rows 500..999 repeat them in upper case
       * (p(i-500)), with an empty city, a new employee count and, every other
       * row, no tier. */
      if (i < 500)
        g_string_append_printf (csv, "p%u@dup.example,First%u,City%u,%u,T%u\n", i, i, i, i, i % 3);
      else
        g_string_append_printf (csv, "P%u@DUP.example,,,%u,%s\n", i - 500, 10000 + i,
                                i % 2 ? "" : "Gold");
    }
  g_assert_true (g_file_set_contents (path, csv->str, csv->len, NULL));

  importer = import_file (store, QUALIFY_IMPORT_LEADS, path, NULL, &stats);
  g_assert_cmpuint (stats.rows, ==, 1000);
  g_assert_cmpuint (stats.created, ==, 500);
  g_assert_cmpuint (stats.updated, ==, 500);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 500);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads WHERE city = 'City' || substr(first_name, 6)"),
                   ==, 500);
  g_assert_cmpint (qt_store_query_int (store, "SELECT employees FROM leads WHERE email = 'p7@dup.example'"), ==, 10507);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads WHERE json_extract(custom, '$.Tier') = 'Gold'"),
                   ==, 250);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads WHERE json_extract(custom, '$.Tier') LIKE 'T_'"),
                   ==, 250);
  {
    g_autofree char *tier = qt_store_query_text (store, "SELECT json_extract(custom, '$.Tier') FROM leads "
                                                        "WHERE email = 'p1@dup.example'");
    g_assert_cmpstr (tier, ==, "T1");   /* row 501 had an empty tier */
  }

  /* The workspace was empty: the bulk path dropped the email index and built
   * it again at the end, and it still refuses a duplicate. */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                              " AND name = 'leads_email' AND sql LIKE '%UNIQUE%'"), ==, 1);
  g_assert_cmpint (sqlite3_exec (_qualify_store_get_db (store),
                                 "INSERT INTO leads (email) VALUES ('p3@dup.example')", NULL, NULL, NULL),
                   ==, SQLITE_CONSTRAINT_UNIQUE);
  g_assert_cmpint (qt_store_query_int (store, "SELECT max(id) FROM leads"), ==, 500);
  g_assert_cmpint (qt_store_query_int (store, "SELECT id FROM leads WHERE email = 'p499@dup.example'"), ==, 500);

  /* It ran with a rollback journal; the workspace is back in WAL mode. */
  {
    g_autofree char *mode = qt_store_query_text (store, "PRAGMA journal_mode");
    g_assert_cmpstr (mode, ==, "wal");
  }
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA synchronous"), ==, 1);

  /* Emptied again, the same connection takes the bulk path a second time. */
  g_assert_cmpint (sqlite3_exec (_qualify_store_get_db (store), "DELETE FROM leads", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_clear_object (&importer);
  importer = import_file (store, QUALIFY_IMPORT_LEADS, path, NULL, &stats);
  g_assert_cmpuint (stats.created, ==, 500);
  g_assert_cmpuint (stats.updated, ==, 500);
  g_assert_cmpint (qt_store_query_int (store, "SELECT employees FROM leads WHERE email = 'p7@dup.example'"), ==, 10507);
  g_assert_cmpint (qt_store_query_int (store, "SELECT max(id) FROM leads"), ==, 500);
}

/* A bulk load big enough that the email index is sorted in several runs
 * (written to temporary files and merged, see finish_bulk_leads()): emails in
 * no particular order, one of them repeated with another case. */
static void
test_importer_bulk_index_runs (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "shuffled.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("Email,First Name\n");
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const guint n = 200000;
  QualifyImportStats stats;
  g_autofree char *previous = NULL;
  guint sorted = 0;

  for (guint i = 0; i < n; i++)
    {
      /* a permutation of 0..n-1 (n and 7919 are coprime) */
      guint k = (guint) (((guint64) i * 7919) % n);

      g_string_append_printf (csv, "lead.%06u.%x@runs%u.example,Lead %u\n", k, k * 2654435761u, k % 13, k);
    }
  g_string_append (csv, "LEAD.000007.538453D7@RUNS7.EXAMPLE,Again\n");
  g_assert_true (g_file_set_contents (path, csv->str, csv->len, NULL));

  importer = import_file (store, QUALIFY_IMPORT_LEADS, path, NULL, &stats);
  g_assert_cmpuint (stats.created, ==, n);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, n);

  /* The index is whole and in order: read through it, every email once. */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                              " AND name = 'leads_email' AND sql LIKE '%UNIQUE%'"), ==, 1);
  g_assert_cmpint (sqlite3_prepare_v2 (_qualify_store_get_db (store),
                                       "SELECT email FROM leads INDEXED BY leads_email WHERE email > ''"
                                       " ORDER BY email", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *email = (const char *) sqlite3_column_text (stmt, 0);

      if (previous != NULL)
        g_assert_cmpstr (previous, <, email);
      g_free (previous);
      previous = g_strdup (email);
      sorted++;
    }
  g_assert_cmpuint (sorted, ==, n);
  {
    g_autofree char *name = qt_store_query_text (store, "SELECT first_name FROM leads"
                                                        " WHERE email = 'lead.000007.538453d7@runs7.example'");
    g_assert_cmpstr (name, ==, "Again");
  }
  g_assert_cmpint (sqlite3_exec (_qualify_store_get_db (store),
                                 "INSERT INTO leads (email) VALUES ('lead.000008.f1bbcd88@runs8.example')",
                                 NULL, NULL, NULL), ==, SQLITE_CONSTRAINT_UNIQUE);
  {
    g_autofree char *check = qt_store_query_text (store, "PRAGMA integrity_check");
    g_assert_cmpstr (check, ==, "ok");
  }

  /* The connection's settings are its own again. */
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA temp_store"), ==, 2);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA cache_size"), ==, -65536);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA threads"), ==, 0);
}

/* Cancelling a bulk load into an empty workspace leaves it empty, with its index. */
static void
test_importer_cancel_bulk (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = generate_leads (dir, 50000);
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressData data = { cancellable, 0, 0 };
  QualifyImportStats stats;

  importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path);
  qualify_importer_set_exclusive (importer, TRUE);
  g_assert_true (qualify_importer_prepare (importer, 0, &error));
  g_assert_false (qualify_importer_run (importer, cancellable, cancel_progress_cb, &data, &stats, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_CANCELLED);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM sqlite_schema WHERE name = 'leads_email'"), ==, 1);
  g_assert_false (_qualify_store_in_transaction (store));
  {
    g_autofree char *mode = qt_store_query_text (store, "PRAGMA journal_mode");
    g_assert_cmpstr (mode, ==, "wal");
  }
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA synchronous"), ==, 1);
}

static void
crash_progress_cb (double   fraction,
                   guint64  rows,
                   gpointer user_data)
{
  if (rows >= 30000)
    _exit (0);
}

/* The process dies in the middle of a bulk load (which runs with a rollback
 * journal, its pages already partly in the file): the next open rolls the hot
 * journal back, and the workspace is empty, indexed, intact and in WAL mode. */
static void
test_importer_crash_bulk (void)
{
  g_autofree char *name = g_strdup_printf ("qualify-crash-%d",
                                           g_test_subprocess () ? (int) getppid () : (int) getpid ());
  g_autofree char *dir = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_autofree char *db = g_build_filename (dir, "w.qualify", NULL);
  g_autofree char *journal = g_strconcat (db, "-journal", NULL);
  g_autofree char *csv = g_build_filename (dir, "many.csv", NULL);
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  QualifyImportStats stats;

  if (g_test_subprocess ())
    {
      g_assert_nonnull ((store = qualify_store_open (db, &error)));
      /* A tiny cache: most new pages reach the file before the crash. */
      g_assert_true (_qualify_store_exec (store, "PRAGMA cache_size = 20", NULL));
      importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, csv);
      qualify_importer_set_exclusive (importer, TRUE);
      g_assert_true (qualify_importer_prepare (importer, 0, &error));
      qualify_importer_run (importer, NULL, crash_progress_cb, NULL, &stats, &error);
      g_assert_not_reached ();
    }

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_ptr_array_add (temp_dirs, g_strdup (dir));
  g_free (generate_leads (dir, 100000));

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));

  g_assert_nonnull ((store = qualify_store_open (db, &error)));
  g_assert_no_error (error);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM sqlite_schema WHERE name = 'leads_email'"), ==, 1);
  {
    g_autofree char *mode = qt_store_query_text (store, "PRAGMA journal_mode");
    g_autofree char *check = qt_store_query_text (store, "PRAGMA integrity_check");
    g_assert_cmpstr (mode, ==, "wal");
    g_assert_cmpstr (check, ==, "ok");
  }

  importer = import_file (store, QUALIFY_IMPORT_LEADS, csv, NULL, &stats);
  g_assert_cmpuint (stats.created, ==, 100000);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 100000);
}

/* With another connection open the workspace cannot leave WAL: the bulk load
 * goes through the WAL, at once (no wait for the busy timeout). */
static void
test_importer_bulk_other_connection (void)
{
  g_autoptr(QualifyStore) store = temp_store ();
  g_autoptr(QualifyStore) other = NULL;
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = generate_leads (dir, 20000);
  QualifyImportStats stats;
  gint64 started;

  other = qualify_store_open (qualify_store_get_path (store), &error);
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (other, "SELECT count(*) FROM leads"), ==, 0);

  started = g_get_monotonic_time ();
  importer = import_file (store, QUALIFY_IMPORT_LEADS, path, NULL, &stats);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (stats.created, ==, 20000);
  g_assert_cmpint (qt_store_query_int (other, "SELECT count(*) FROM leads"), ==, 20000);
  {
    g_autofree char *mode = qt_store_query_text (store, "PRAGMA journal_mode");
    g_assert_cmpstr (mode, ==, "wal");
  }
}

static void
test_importer_interrupt_from_thread (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = generate_leads (dir, 20000);
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  /* Already cancelled: nothing happens at all. */
  g_cancellable_cancel (cancellable);
  g_assert_false (qualify_importer_run (importer, cancellable, NULL, NULL, NULL, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_CANCELLED);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 0);
}

static void
test_importer_events_bulk (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *leads = generate_leads (dir, 200);
  g_autofree char *path = g_build_filename (dir, "events.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("Lead Email,Activity,Asset,Activity Date,Source\n");
  g_autoptr(QualifyImporter) first = NULL;
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(QualifyImporter) cancelled = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressData data = { cancellable, 0, 0 };
  QualifyImportStats stats;
  gint64 sum_time = 0;
  guint n_web = 0;
  const guint n = 30000;

  /* 300 emails: user0..user199 exist, user200..user299 do not. */
  for (guint i = 0; i < n; i++)
    {
      guint lead = (i * 7919) % 300;
      gint64 t = 1767225600 + (gint64) i * 61;
      g_autofree char *iso = qualify_format_timestamp (t);

      sum_time += t;
      if (i % 3 == 0)
        n_web++;
      g_string_append_printf (csv, "USER%u@bulk.example,%s,/p/%u,%s,%s\n", lead,
                              i % 2 ? "Page View" : "Email Open", i % 50, iso,
                              i % 3 == 0 ? "web" : "");
    }
  g_assert_true (g_file_set_contents (path, csv->str, csv->len, NULL));

  first = import_file (store, QUALIFY_IMPORT_LEADS, leads, NULL, &stats);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 200);

  /* Cancelled: no events, no bare leads, no run. */
  cancelled = qualify_importer_new (store, QUALIFY_IMPORT_EVENTS, path);
  g_assert_true (qualify_importer_prepare (cancelled, 0, &error));
  g_assert_false (qualify_importer_run (cancelled, cancellable, cancel_progress_cb, &data, &stats, &error));
  g_assert_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 200);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM event_types"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA foreign_keys"), ==, 1);

  importer = import_file (store, QUALIFY_IMPORT_EVENTS, path, NULL, &stats);
  g_assert_cmpuint (stats.rows, ==, n);
  g_assert_cmpuint (stats.created, ==, n);
  g_assert_cmpuint (stats.skipped, ==, 0);
  g_assert_cmpuint (stats.bare_leads, ==, 100);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, n);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 300);
  g_assert_cmpint (qt_store_query_int (store, "SELECT sum(occurred_at) FROM events"), ==, sum_time);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events WHERE source = 'web'"), ==, n_web);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events WHERE source IS NULL"), ==, n - n_web);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM event_types"), ==, 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM event_details"), ==, 50);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events_view WHERE type = 'page_view'"), ==, n / 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events e JOIN leads l ON l.id = e.lead_id "
                                              "WHERE l.email = 'user7@bulk.example'"), ==, 100);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events WHERE import_id = (SELECT max(id) FROM import_runs)"),
                   ==, n);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM pragma_index_list('events') "
                                              "WHERE name = 'events_lead'"), ==, 1);
}

static void
test_importer_encoding_error_rolls_back (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *path = fixture ("csv-invalid-utf8.csv");
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, path);

  /* Forced UTF-8: the Latin-1 byte on line 4 is an error, after two good rows. */
  qualify_importer_set_encoding (importer, "UTF-8");
  g_assert_true (qualify_importer_prepare (importer, 0, &error));
  g_assert_no_error (error);
  g_assert_false (qualify_importer_run (importer, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "line 4"));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 0);
  g_assert_false (_qualify_store_in_transaction (store));
}

static void
test_importer_messy_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *cp1252 = fixture ("import-cp1252.csv");
  g_autofree char *utf16 = fixture ("import-utf16.csv");
  g_autofree char *semi = fixture ("import-semicolon.csv");
  g_autoptr(QualifyImporter) a = NULL;
  g_autoptr(QualifyImporter) b = NULL;
  g_autoptr(QualifyImporter) c = NULL;
  g_autoptr(QualifyLeadRecord) jurgen = NULL;
  g_autoptr(QualifyLeadRecord) joao = NULL;
  g_autoptr(QualifyLeadRecord) li = NULL;
  g_autoptr(QualifyLeadRecord) zoe = NULL;
  g_autoptr(QualifyLeadRecord) sa = NULL;
  g_autoptr(QualifyLeadRecord) sb = NULL;
  static const char * const maps[] = { "Vorname=first_name", "Nachname=last_name", NULL };
  QualifyImportStats stats;

  a = import_file (store, QUALIFY_IMPORT_LEADS, cp1252, maps, &stats);
  g_assert_cmpstr (qualify_importer_get_encoding (a), ==, "WINDOWS-1252");
  g_assert_cmpint (qualify_importer_get_delimiter (a), ==, ';');
  g_assert_cmpuint (stats.created, ==, 2);
  jurgen = get_lead (store, "jurgen@muller.example");
  g_assert_cmpstr (qualify_lead_record_get (jurgen, "first_name"), ==, "Jürgen");
  g_assert_cmpstr (qualify_lead_record_get (jurgen, "last_name"), ==, "Müller");
  g_assert_cmpstr (qualify_lead_record_get (jurgen, "company"), ==, "Müller & Söhne");
  g_assert_cmpstr (qualify_lead_record_get (jurgen, "city"), ==, "Zürich");
  g_assert_cmpstr (qualify_lead_record_get (jurgen, "annual_revenue"), ==, "2000000");
  g_assert_cmpstr (qualify_lead_record_get (jurgen, "Notiz"), ==, "Preis 5 € – günstig");
  joao = get_lead (store, "joao@sp.example");
  g_assert_cmpstr (qualify_lead_record_get (joao, "city"), ==, "São Paulo");
  g_assert_cmpstr (qualify_lead_record_get (joao, "annual_revenue"), ==, "1500000");
  g_assert_cmpstr (qualify_lead_record_get (joao, "Notiz"), ==, "„Grüße“");

  b = import_file (store, QUALIFY_IMPORT_LEADS, utf16, NULL, &stats);
  g_assert_cmpstr (qualify_importer_get_encoding (b), ==, "UTF-16LE");
  g_assert_cmpint (qualify_importer_get_delimiter (b), ==, '\t');
  g_assert_cmpuint (stats.created, ==, 2);
  li = get_lead (store, "li@wei.example");
  g_assert_cmpstr (qualify_lead_record_get (li, "first_name"), ==, "李");
  g_assert_cmpstr (qualify_lead_record_get (li, "city"), ==, "北京");
  zoe = get_lead (store, "zoe@x.example");
  g_assert_cmpstr (qualify_lead_record_get (zoe, "first_name"), ==, "Zoë");
  g_assert_cmpstr (qualify_lead_record_get (zoe, "city"), ==, "Kraków");
  g_assert_cmpstr (qualify_lead_record_get (zoe, "title"), ==, "Head, Sales");

  c = import_file (store, QUALIFY_IMPORT_LEADS, semi, NULL, &stats);
  g_assert_cmpstr (qualify_importer_get_encoding (c), ==, "UTF-8");
  g_assert_cmpint (qualify_importer_get_delimiter (c), ==, ';');
  /* The BOM is not part of the first header. */
  assert_mapping (c, "email", QUALIFY_TARGET_FIELD, "email");
  sa = get_lead (store, "a@semi.example");
  g_assert_cmpstr (qualify_lead_record_get (sa, "company"), ==, "Semi; Colon Inc");
  g_assert_cmpstr (qualify_lead_record_get (sa, "technologies"), ==, "AWS;GCP");
  sb = get_lead (store, "b@semi.example");
  g_assert_cmpstr (qualify_lead_record_get (sb, "industry"), ==, "Retail");

  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 6);
}

static void
test_importer_validate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *crm = fixture ("import-crm.csv");
  g_autofree char *update = fixture ("import-update.csv");
  g_autofree char *events_path = fixture ("import-events.csv");
  g_autoptr(QualifyImporter) first = NULL;
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(QualifyImporter) events = NULL;
  QualifyImportStats stats;

  first = import_file (store, QUALIFY_IMPORT_LEADS, crm, NULL, &stats);

  importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, update);
  g_assert_true (qualify_importer_validate (importer, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.rows, ==, 3);
  g_assert_cmpuint (stats.created, ==, 1);
  g_assert_cmpuint (stats.updated, ==, 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 2);

  events = qualify_importer_new (store, QUALIFY_IMPORT_EVENTS, events_path);
  g_assert_true (qualify_importer_validate (events, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.created, ==, 5);
  g_assert_cmpuint (stats.skipped, ==, 3);
  g_assert_cmpuint (stats.bare_leads, ==, 1);
  g_assert_cmpuint (qualify_importer_get_problems (events)->len, ==, 3);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM event_types"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM import_runs"), ==, 1);
}

static void
run_async_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;
  QualifyImportStats stats;

  g_assert_true (qualify_importer_run_finish (QUALIFY_IMPORTER (object), result, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.created, ==, 2);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_main_loop_quit (loop);
}

static void
test_importer_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = temp_store ();
  g_autofree char *crm = fixture ("import-crm.csv");
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, QUALIFY_IMPORT_LEADS, crm);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_assert_true (qualify_importer_prepare (importer, 0, &error));
  qualify_importer_run_async (importer, NULL, NULL, NULL, run_async_cb, loop);
  g_main_loop_run (loop);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  temp_dirs = g_ptr_array_new_with_free_func (g_free);

  g_test_add_func ("/importer/guess", test_importer_guess);
  g_test_add_func ("/importer/crm-headers", test_importer_crm_headers);
  g_test_add_func ("/importer/upsert", test_importer_upsert);
  g_test_add_func ("/importer/bad-rows", test_importer_bad_rows);
  g_test_add_func ("/importer/no-email", test_importer_no_email);
  g_test_add_func ("/importer/mapping-overrides", test_importer_mapping_overrides);
  g_test_add_func ("/importer/events", test_importer_events);
  g_test_add_func ("/importer/events-twice", test_importer_events_twice);
  g_test_add_func ("/importer/events-missing-column", test_importer_events_missing_column);
  for (guint i = 0; i < G_N_ELEMENTS (overlap_tests); i++)
    {
      g_autofree char *path = g_strconcat ("/importer/", overlap_tests[i].name, NULL);

      g_test_add_func (path, overlap_tests[i].func);
    }
  for (guint i = 0; i < G_N_ELEMENTS (overlap_tests); i++)
    {
      g_autofree char *path = g_strconcat ("/importer/two-connections/", overlap_tests[i].name, NULL);

      g_test_add_data_func (path, &overlap_tests[i], on_two_connections);
    }
  g_test_add_func ("/importer/events-empty-workspace", test_importer_events_empty_workspace);
  g_test_add_func ("/importer/upsert-bulk", test_importer_upsert_bulk);
  g_test_add_func ("/importer/cancel-rolls-back", test_importer_cancel_rolls_back);
  g_test_add_func ("/importer/cancel-bulk", test_importer_cancel_bulk);
  g_test_add_func ("/importer/bulk-index-runs", test_importer_bulk_index_runs);
  g_test_add_func ("/importer/crash-bulk", test_importer_crash_bulk);
  g_test_add_func ("/importer/bulk-other-connection", test_importer_bulk_other_connection);
  g_test_add_func ("/importer/cancelled-before", test_importer_interrupt_from_thread);
  g_test_add_func ("/importer/events-bulk", test_importer_events_bulk);
  g_test_add_func ("/importer/encoding-error", test_importer_encoding_error_rolls_back);
  g_test_add_func ("/importer/messy-files", test_importer_messy_files);
  g_test_add_func ("/importer/validate", test_importer_validate);
  g_test_add_func ("/importer/async", test_importer_async);

  ret = g_test_run ();
  remove_temp_dirs ();
  return ret;
}
