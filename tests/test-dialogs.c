/* test-dialogs.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-dialogs"

#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "qualify-demo.h"
#include "qualify-export.h"
#include "qualify-export-dialog.h"
#include "qualify-export-dialog-private.h"
#include "qualify-import-dialog.h"
#include "qualify-import-dialog-private.h"
#include "qualify-importer.h"
#include "qualify-scorer.h"
#include "qualify-store.h"
#include "qualify-test-util.h"
#include "qualify-window.h"

/* The scoring model of the export test: big companies that looked at pricing. */
static const char *test_model =
  "{\"format\":1,\"name\":\"Dialog test\","
  " \"fit\":[{\"id\":\"big\",\"label\":\"Big company\",\"field\":\"employees\",\"op\":\"gte\","
  "          \"value\":100,\"points\":40}],"
  " \"engagement\":[{\"id\":\"pricing\",\"label\":\"Pricing page\",\"event\":\"page_view\","
  "                 \"match\":\"/pricing*\",\"points\":30}],"
  " \"disqualify\":[],"
  " \"sales_ready\":[\"demo_request\"],"
  " \"thresholds\":{\"mql\":60,\"min_fit\":20,\"min_engagement\":10},"
  " \"grades\":{\"A\":40,\"B\":20,\"C\":10,\"D\":0}}";

typedef struct
{
  char *dir;
  char *workspace;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;

  fixture->dir = qt_make_tmp_dir ("qualify-dialogs-XXXXXX");
  fixture->workspace = g_build_filename (fixture->dir, "workspace.qualify", NULL);

  store = qualify_store_open (fixture->workspace, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  qt_remove_tree (fixture->dir);
  g_free (fixture->workspace);
  g_free (fixture->dir);
}

/* Helpers */

static gboolean
import_settled (gpointer data)
{
  QualifyImportDialog *dialog = data;
  const char *page = _qualify_import_dialog_get_page (dialog);

  return !_qualify_import_dialog_is_busy (dialog) &&
         (g_strcmp0 (page, "preview") == 0 || g_strcmp0 (page, "message") == 0 ||
          g_strcmp0 (page, "result") == 0);
}

static gboolean
import_finished (gpointer data)
{
  QualifyImportDialog *dialog = data;
  const char *page = _qualify_import_dialog_get_page (dialog);

  return !_qualify_import_dialog_is_busy (dialog) &&
         (g_strcmp0 (page, "message") == 0 || g_strcmp0 (page, "result") == 0);
}

static QualifyImportDialog *
open_import_dialog (Fixture           *fixture,
                    QualifyImportKind  kind,
                    const char        *fixture_name)
{
  g_autofree char *path = qt_fixture_path (fixture_name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  QualifyImportDialog *dialog;

  dialog = QUALIFY_IMPORT_DIALOG (qualify_import_dialog_new (NULL, fixture->workspace, kind));
  g_object_ref (dialog);
  qualify_import_dialog_set_file (dialog, file);
  gtk_window_present (GTK_WINDOW (dialog));
  qt_wait_for_full (import_settled, dialog, 90, "the file to be read and checked");

  return dialog;
}

static void
close_dialog (gpointer dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
assert_column (QualifyImportDialog *dialog,
               guint                column,
               const char          *header,
               QualifyTargetKind    kind,
               const char          *target,
               gboolean             automatic)
{
  QualifyTargetKind actual_kind;
  const char *actual_target;
  gboolean actual_automatic;

  g_assert_cmpstr (_qualify_import_dialog_get_column (dialog, column, &actual_kind, &actual_target,
                                                      &actual_automatic),
                   ==, header);
  g_assert_cmpint (actual_kind, ==, kind);
  g_assert_cmpstr (actual_target, ==, target);
  g_assert_cmpint (actual_automatic, ==, automatic);
}

static gint64
count_leads (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (fixture->workspace, &error);
  QualifyStoreStats stats = { 0 };

  g_assert_no_error (error);
  qualify_store_get_stats (store, &stats, &error);
  g_assert_no_error (error);
  return stats.leads;
}

static void
imported_cb (QualifyImportDialog      *dialog,
             const QualifyImportStats *stats,
             QualifyImportStats       *out)
{
  *out = *stats;
}

static void
import_with_core (Fixture           *fixture,
                  QualifyImportKind  kind,
                  const char        *fixture_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (fixture->workspace, &error);

  g_assert_no_error (error);
  qt_import_fixture (store, kind, fixture_name, NULL);
}

/* Import dialog */

static void
test_import_leads (Fixture       *fixture,
                   gconstpointer  data)
{
  QualifyImportDialog *dialog = open_import_dialog (fixture, QUALIFY_IMPORT_LEADS,
                                                    "dialogs-leads.csv");
  g_autofree char *problems_path = g_build_filename (fixture->dir, "problems.csv", NULL);
  g_autoptr(GFile) problems_file = g_file_new_for_path (problems_path);
  g_autofree char *problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyLeadRecord) lead = NULL;
  QualifyImportStats stats = { 0 };
  QualifyImportStats emitted = { 0 };
  gint64 lead_id;

  /* Detection: a Windows-1252 file with ';' between the columns. */
  g_assert_cmpstr (_qualify_import_dialog_get_page (dialog), ==, "preview");
  g_assert_cmpstr (_qualify_import_dialog_get_encoding (dialog), ==, "WINDOWS-1252");
  g_assert_cmpint (_qualify_import_dialog_get_delimiter (dialog), ==, ';');
  g_assert_cmpuint (_qualify_import_dialog_get_n_preview_rows (dialog), ==, 10);

  g_assert_cmpuint (_qualify_import_dialog_get_n_columns (dialog), ==, 7);
  g_assert_null (strstr (_qualify_import_dialog_get_columns_description (dialog), "saved"));
  assert_column (dialog, 0, "Email Address", QUALIFY_TARGET_FIELD, "email", TRUE);
  assert_column (dialog, 1, "First Name", QUALIFY_TARGET_FIELD, "first_name", TRUE);
  assert_column (dialog, 2, "Last Name", QUALIFY_TARGET_FIELD, "last_name", TRUE);
  assert_column (dialog, 3, "Job Title", QUALIFY_TARGET_FIELD, "title", TRUE);
  assert_column (dialog, 4, "Company Name", QUALIFY_TARGET_FIELD, "company", TRUE);
  assert_column (dialog, 5, "Number of Employees", QUALIFY_TARGET_FIELD, "employees", TRUE);
  assert_column (dialog, 6, "Favourite Colour", QUALIFY_TARGET_CUSTOM, NULL, TRUE);

  /* Validation before anything is written: 10 rows, 3 bad. */
  g_assert_true (_qualify_import_dialog_get_validation (dialog, &stats));
  g_assert_cmpuint (stats.rows, ==, 10);
  g_assert_cmpuint (stats.skipped, ==, 3);
  g_assert_cmpuint (stats.created, ==, 7);
  g_assert_nonnull (strstr (_qualify_import_dialog_get_summary (dialog), "7 rows ready"));
  g_assert_nonnull (strstr (_qualify_import_dialog_get_summary (dialog), "3 rows with problems"));
  g_assert_cmpint (count_leads (fixture), ==, 0);

  /* Another delimiter re-reads the file: one column, no email column… */
  g_assert_true (_qualify_import_dialog_select_delimiter (dialog, ','));
  qt_wait_for_full (import_settled, dialog, 90, "the file to be read with ','");
  g_assert_cmpint (_qualify_import_dialog_get_delimiter (dialog), ==, ',');
  g_assert_cmpuint (_qualify_import_dialog_get_n_columns (dialog), ==, 1);
  g_assert_false (_qualify_import_dialog_get_validation (dialog, NULL));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL) &&
                  g_strcmp0 (_qualify_import_dialog_get_page (dialog), "progress") == 0);

  /* …and back. */
  g_assert_true (_qualify_import_dialog_select_delimiter (dialog, ';'));
  qt_wait_for_full (import_settled, dialog, 90, "the file to be read with ';'");
  g_assert_cmpuint (_qualify_import_dialog_get_n_columns (dialog), ==, 7);
  g_assert_true (_qualify_import_dialog_get_validation (dialog, &stats));
  g_assert_cmpuint (stats.skipped, ==, 3);

  /* Import. */
  g_signal_connect (dialog, "imported", G_CALLBACK (imported_cb), &emitted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL));
  qt_wait_for_full (import_finished, dialog, 90, "the import");
  g_assert_cmpstr (_qualify_import_dialog_get_page (dialog), ==, "result");
  g_assert_true (_qualify_import_dialog_get_result (dialog, &stats));
  g_assert_cmpuint (stats.rows, ==, 10);
  g_assert_cmpuint (stats.created, ==, 7);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.skipped, ==, 3);
  g_assert_cmpuint (emitted.created, ==, 7);
  g_assert_cmpuint (emitted.skipped, ==, 3);
  g_assert_cmpint (count_leads (fixture), ==, 7);

  /* Converted from Windows-1252, the custom column kept under its header. */
  store = qualify_store_open (fixture->workspace, &error);
  g_assert_no_error (error);
  lead_id = qualify_store_find_lead (store, "ana.garcia@acme.example");
  g_assert_cmpint (lead_id, >, 0);
  lead = qualify_store_get_lead (store, lead_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qualify_lead_record_get (lead, "last_name"), ==, "García");
  g_assert_cmpstr (qualify_lead_record_get (lead, "employees"), ==, "1200");
  g_assert_cmpstr (g_hash_table_lookup (lead->custom, "Favourite Colour"), ==, "blue");

  /* Save Problem Rows… */
  _qualify_import_dialog_save_problems (dialog, problems_file);
  g_file_get_contents (problems_path, &problems, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (problems, "not-an-email"));
  g_assert_nonnull (strstr (problems, "lots"));
  g_assert_nonnull (strstr (problems, "Grace"));
  g_assert_null (strstr (problems, "ana.garcia"));

  close_dialog (dialog);

  /* A file with the same columns: the mapping saved by this import is offered
   * again, and the dialog says so. */
  dialog = open_import_dialog (fixture, QUALIFY_IMPORT_LEADS, "dialogs-leads.csv");
  g_assert_nonnull (strstr (_qualify_import_dialog_get_columns_description (dialog),
                            "Using the mapping saved"));
  assert_column (dialog, 0, "Email Address", QUALIFY_TARGET_FIELD, "email", TRUE);
  close_dialog (dialog);
}

static void
test_import_no_email (Fixture       *fixture,
                      gconstpointer  data)
{
  QualifyImportDialog *dialog = open_import_dialog (fixture, QUALIFY_IMPORT_LEADS,
                                                    "dialogs-no-email.csv");
  QualifyImportStats stats = { 0 };

  /* Refused with the core's message, shown inline, not a crash… */
  g_assert_cmpstr (_qualify_import_dialog_get_page (dialog), ==, "preview");
  g_assert_cmpuint (_qualify_import_dialog_get_n_columns (dialog), ==, 3);
  g_assert_false (_qualify_import_dialog_get_validation (dialog, NULL));
  g_assert_cmpstr (_qualify_import_dialog_get_summary (dialog), ==,
                   "This file cannot be imported yet");

  /* …and fixed by mapping a column to email. */
  g_assert_true (_qualify_import_dialog_map_column (dialog, 0, QUALIFY_TARGET_FIELD, "email"));
  qt_wait_for_full (import_settled, dialog, 90, "the check after mapping email");
  assert_column (dialog, 0, "Contact", QUALIFY_TARGET_FIELD, "email", FALSE);
  g_assert_true (_qualify_import_dialog_get_validation (dialog, &stats));
  g_assert_cmpuint (stats.rows, ==, 2);
  g_assert_cmpuint (stats.skipped, ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL));
  qt_wait_for_full (import_finished, dialog, 90, "the import");
  g_assert_true (_qualify_import_dialog_get_result (dialog, &stats));
  g_assert_cmpuint (stats.created, ==, 2);
  g_assert_cmpint (count_leads (fixture), ==, 2);

  close_dialog (dialog);
}

static void
test_import_events (Fixture       *fixture,
                    gconstpointer  data)
{
  QualifyImportDialog *dialog;
  QualifyImportStats stats = { 0 };

  import_with_core (fixture, QUALIFY_IMPORT_LEADS, "dialogs-leads.csv");
  g_assert_cmpint (count_leads (fixture), ==, 7);

  dialog = open_import_dialog (fixture, QUALIFY_IMPORT_EVENTS, "dialogs-events.csv");
  g_assert_cmpstr (_qualify_import_dialog_get_encoding (dialog), ==, "UTF-8");
  g_assert_cmpint (_qualify_import_dialog_get_delimiter (dialog), ==, ',');
  g_assert_cmpuint (_qualify_import_dialog_get_n_columns (dialog), ==, 4);
  assert_column (dialog, 0, "email", QUALIFY_TARGET_EVENT, "email", TRUE);
  assert_column (dialog, 1, "type", QUALIFY_TARGET_EVENT, "type", TRUE);
  assert_column (dialog, 2, "detail", QUALIFY_TARGET_EVENT, "detail", TRUE);
  assert_column (dialog, 3, "occurred_at", QUALIFY_TARGET_EVENT, "occurred_at", TRUE);
  g_assert_true (_qualify_import_dialog_get_validation (dialog, &stats));
  g_assert_cmpuint (stats.rows, ==, 7);
  g_assert_cmpuint (stats.skipped, ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL));
  qt_wait_for_full (import_finished, dialog, 90, "the import");
  g_assert_true (_qualify_import_dialog_get_result (dialog, &stats));
  g_assert_cmpuint (stats.created, ==, 6);   /* events */
  g_assert_cmpuint (stats.updated, ==, 1);   /* bare lead for newbie@ */
  g_assert_cmpuint (stats.skipped, ==, 1);
  g_assert_cmpint (count_leads (fixture), ==, 8);

  close_dialog (dialog);
}

static gboolean
window_idle (gpointer data)
{
  return !qualify_window_get_loading (data);
}

/* The import dialog other than @old, among the toplevels. */
static QualifyImportDialog *
find_other_import_dialog (QualifyImportDialog *old)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (QUALIFY_IS_IMPORT_DIALOG (l->data) && l->data != (gpointer) old)
      return l->data;
  return NULL;
}

static void
test_import_events_hint (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *events_path = qt_fixture_path ("app-events.csv");
  g_autoptr(GFile) events_file = g_file_new_for_path (events_path);
  g_autoptr(QualifyApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  QualifyImportDialog *dialog;
  QualifyImportDialog *events;
  QualifyWindow *window;
  QualifyImportStats stats;
  const char *subtitle = NULL;

  /* A leads file: the usual summary, no hint. */
  dialog = open_import_dialog (fixture, QUALIFY_IMPORT_LEADS, "app-leads.csv");
  g_assert_true (_qualify_import_dialog_get_validation (dialog, NULL));
  g_assert_null (_qualify_import_dialog_get_events_hint (dialog, NULL));
  g_assert_true (_qualify_import_dialog_summary_shown (dialog));
  g_assert_nonnull (strstr (_qualify_import_dialog_get_summary (dialog), "rows ready"));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.as-events", NULL) &&
                  find_other_import_dialog (dialog) != NULL);
  close_dialog (dialog);

  /* An events export in the leads dialog the window opens (header Import, Ctrl+I). */
  app = qualify_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  window = qualify_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  qualify_window_open_workspace (window, fixture->workspace);
  qt_wait_for_full (window_idle, window, 90, "the window to open the workspace");

  dialog = QUALIFY_IMPORT_DIALOG (qualify_window_import_file (window, QUALIFY_IMPORT_LEADS,
                                                              events_file));
  g_assert_nonnull (dialog);
  g_object_ref (dialog);
  qt_wait_for_full (import_settled, dialog, 90, "the events file to be read and checked");

  g_assert_cmpstr (_qualify_import_dialog_get_page (dialog), ==, "preview");
  g_assert_cmpstr (_qualify_import_dialog_get_events_hint (dialog, &subtitle), ==,
                   "This looks like an events export");
  g_assert_cmpstr (subtitle, ==, "Columns “type” and “occurred_at” are event columns");
  g_assert_false (_qualify_import_dialog_summary_shown (dialog));
  /* Importing as leads stays possible: a leads file may have such columns. */
  g_assert_true (_qualify_import_dialog_get_validation (dialog, &stats));
  g_assert_cmpuint (stats.skipped, ==, 0);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (dialog)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.as-events", NULL));

  /* This dialog is gone, and the window's events dialog reads the same file. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  events = find_other_import_dialog (dialog);
  g_assert_nonnull (events);
  g_object_ref (events);
  g_assert_cmpint (_qualify_import_dialog_get_kind (events), ==, QUALIFY_IMPORT_EVENTS);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (events)), ==, "Import Events");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (events)) == GTK_WINDOW (window));
  g_assert_true (g_file_equal (_qualify_import_dialog_get_file (events), events_file));
  qt_wait_for_full (import_settled, events, 90, "the events dialog to read and check the file");
  g_assert_cmpstr (_qualify_import_dialog_get_page (events), ==, "preview");
  g_assert_null (_qualify_import_dialog_get_events_hint (events, NULL));
  g_assert_true (_qualify_import_dialog_get_validation (events, &stats));
  g_assert_cmpuint (stats.rows, >, 0);

  /* Nothing was written by the leads dialog (nor yet by the events one). */
  {
    g_autoptr(QualifyStore) store = qualify_store_open (fixture->workspace, &error);
    QualifyStoreStats store_stats = { 0 };

    g_assert_no_error (error);
    qualify_store_get_stats (store, &store_stats, &error);
    g_assert_no_error (error);
    g_assert_cmpint (store_stats.leads, ==, 0);
    g_assert_cmpint (store_stats.events, ==, 0);
  }

  close_dialog (events);
  g_object_unref (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_import_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "big.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) csv = g_string_new ("Email,First Name,Company\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyLeadRecord) lead = NULL;
  QualifyImportDialog *dialog;
  const char *description = NULL;
  gint64 lead_id;

  import_with_core (fixture, QUALIFY_IMPORT_LEADS, "dialogs-leads.csv");
  g_assert_cmpint (count_leads (fixture), ==, 7);

  /* Big enough to report progress; it would also rename Ana. */
  g_string_append (csv, "ana.garcia@acme.example,Anastasia,Acme\n");
  for (guint i = 0; i < 300000; i++)
    g_string_append_printf (csv, "lead%u@big%u.example,Name %u,Company %u\n", i, i % 97, i, i % 1000);
  g_file_set_contents (path, csv->str, csv->len, &error);
  g_assert_no_error (error);

  dialog = QUALIFY_IMPORT_DIALOG (qualify_import_dialog_new (NULL, fixture->workspace,
                                                             QUALIFY_IMPORT_LEADS));
  g_object_ref (dialog);
  qualify_import_dialog_set_file (dialog, file);
  gtk_window_present (GTK_WINDOW (dialog));
  qt_wait_for_full (import_settled, dialog, 90, "the big file to be read and checked");
  g_assert_true (_qualify_import_dialog_get_validation (dialog, NULL));

  _qualify_import_dialog_cancel_on_progress (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL));
  g_assert_cmpstr (_qualify_import_dialog_get_page (dialog), ==, "progress");
  qt_wait_for_full (import_finished, dialog, 90, "the cancelled import");

  g_assert_cmpstr (_qualify_import_dialog_get_page (dialog), ==, "message");
  g_assert_cmpstr (_qualify_import_dialog_get_message (dialog, &description), ==,
                   "Import Cancelled");
  g_assert_nonnull (strstr (description, "Nothing was changed"));
  g_assert_false (_qualify_import_dialog_get_result (dialog, NULL));

  /* The workspace is as it was. */
  g_assert_cmpint (count_leads (fixture), ==, 7);
  store = qualify_store_open (fixture->workspace, &error);
  g_assert_no_error (error);
  lead_id = qualify_store_find_lead (store, "ana.garcia@acme.example");
  lead = qualify_store_get_lead (store, lead_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qualify_lead_record_get (lead, "first_name"), ==, "Ana");

  close_dialog (dialog);
}

static void
test_import_bad_file (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  QualifyImportDialog *dialog;
  const char *description = NULL;

  dialog = QUALIFY_IMPORT_DIALOG (qualify_import_dialog_new (NULL, fixture->workspace,
                                                             QUALIFY_IMPORT_LEADS));
  g_object_ref (dialog);
  qualify_import_dialog_set_file (dialog, file);
  qt_wait_for_full (import_settled, dialog, 90, "the missing file");

  g_assert_cmpstr (_qualify_import_dialog_get_page (dialog), ==, "message");
  g_assert_cmpstr (_qualify_import_dialog_get_message (dialog, &description), ==,
                   "Cannot Read This File");
  g_assert_nonnull (strstr (description, "missing.csv"));

  close_dialog (dialog);
}

/* Export dialog */

typedef struct
{
  gboolean  done;
  guint64   n_leads;
  GFile    *file;
} Exported;

static void
exported_cb (QualifyExportDialog *dialog,
             guint64              n_leads,
             GFile               *file,
             Exported            *out)
{
  out->done = TRUE;
  out->n_leads = n_leads;
  g_set_object (&out->file, file);
}

static gboolean
export_settled (gpointer data)
{
  QualifyExportDialog *dialog = data;
  return !_qualify_export_dialog_is_busy (dialog);
}

static void
score_workspace (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (fixture->workspace, &error);
  g_autoptr(GDateTime) as_of = g_date_time_new_utc (2026, 11, 10, 0, 0, 0);
  QualifyScoreSummary summary = { 0 };

  g_assert_no_error (error);
  qualify_store_save_model (store, "Dialog test", test_model, NULL, TRUE, &error);
  g_assert_no_error (error);
  qualify_score_workspace (store, g_date_time_to_unix (as_of), NULL, &summary, &error);
  g_assert_no_error (error);

  /* Ana and Björn: big and on the pricing page; Iván asked for a demo. */
  g_assert_cmpuint (summary.by_status[QUALIFY_STATUS_MQL], ==, 2);
  g_assert_cmpuint (summary.by_status[QUALIFY_STATUS_SQL], ==, 1);
}

static guint
count_in_store (Fixture       *fixture,
                QualifyStatus  status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (fixture->workspace, &error);
  g_autoptr(GPtrArray) leads = NULL;
  QualifyLeadQuery query = { .status = status, .sort = QUALIFY_SORT_SCORE };

  g_assert_no_error (error);
  leads = qualify_store_query_leads (store, &query, &error);
  g_assert_no_error (error);
  return leads->len;
}

static void
run_export_dialog (QualifyExportDialog *dialog,
                   Exported            *exported)
{
  g_object_ref (dialog);
  g_signal_connect (dialog, "exported", G_CALLBACK (exported_cb), exported);
  gtk_window_present (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.run", NULL));
  qt_wait_for_full (export_settled, dialog, 90, "the export");
  g_assert_cmpstr (_qualify_export_dialog_get_error (dialog), ==, NULL);
  g_assert_true (exported->done);
  /* The dialog closes itself after a successful export. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_object_unref (dialog);
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *csv_path = g_build_filename (fixture->dir, "handoff.csv", NULL);
  g_autofree char *json_path = g_build_filename (fixture->dir, "handoff.json", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr(GFile) json_file = g_file_new_for_path (json_path);
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char * const *defaults = qualify_export_get_default_columns ();
  const char * const wanted[] = { "email", "score", "status", NULL };
  Exported exported = { 0 };
  QualifyExportDialog *dialog;
  JsonArray *array;
  guint n_lines = 0;

  import_with_core (fixture, QUALIFY_IMPORT_LEADS, "dialogs-leads.csv");
  import_with_core (fixture, QUALIFY_IMPORT_EVENTS, "dialogs-events.csv");
  score_workspace (fixture);

  /* CSV, MQLs, every column: the defaults. */
  dialog = QUALIFY_EXPORT_DIALOG (qualify_export_dialog_new (NULL, fixture->workspace));
  g_assert_cmpuint (_qualify_export_dialog_get_statuses (dialog), ==, 1u << QUALIFY_STATUS_MQL);
  {
    g_auto(GStrv) columns = _qualify_export_dialog_dup_columns (dialog);
    g_assert_true (g_strv_equal ((const char * const *) columns, defaults));
  }
  qualify_export_dialog_set_file (dialog, csv_file);
  run_export_dialog (dialog, &exported);
  g_assert_true (g_file_equal (exported.file, csv_file));
  g_assert_cmpuint (exported.n_leads, ==, count_in_store (fixture, QUALIFY_STATUS_MQL));
  g_assert_cmpuint (exported.n_leads, ==, 2);

  g_file_get_contents (csv_path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\r\n", -1);
  header = g_strjoinv (",", (char **) defaults);
  g_assert_cmpstr (lines[0], ==, header);
  for (guint i = 1; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      n_lines++;
  g_assert_cmpuint (n_lines, ==, 2);
  g_clear_object (&exported.file);
  exported.done = FALSE;

  /* JSON, MQLs and SQLs, three columns. */
  dialog = QUALIFY_EXPORT_DIALOG (qualify_export_dialog_new (NULL, fixture->workspace));
  _qualify_export_dialog_set_statuses (dialog, (1u << QUALIFY_STATUS_MQL) |
                                               (1u << QUALIFY_STATUS_SQL));
  _qualify_export_dialog_set_format (dialog, QUALIFY_EXPORT_JSON);
  for (guint i = 0; defaults[i] != NULL; i++)
    g_assert_true (_qualify_export_dialog_set_column_active (dialog, defaults[i],
                                                             g_strv_contains (wanted, defaults[i])));
  qualify_export_dialog_set_file (dialog, json_file);
  run_export_dialog (dialog, &exported);
  g_assert_cmpuint (exported.n_leads, ==, 3);

  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==,
                    count_in_store (fixture, QUALIFY_STATUS_MQL) +
                    count_in_store (fixture, QUALIFY_STATUS_SQL));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      g_assert_cmpuint (json_object_get_size (object), ==, 3);
      g_assert_true (json_object_has_member (object, "email"));
      g_assert_true (json_object_has_member (object, "score"));
      g_assert_true (json_object_has_member (object, "status"));
    }
  g_clear_object (&exported.file);
}

static void
test_export_remembers (Fixture       *fixture,
                       gconstpointer  data)
{
  QualifyExportDialog *dialog;
  g_autofree char *path = g_build_filename (fixture->dir, "list.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Exported exported = { 0 };

  import_with_core (fixture, QUALIFY_IMPORT_LEADS, "dialogs-leads.csv");

  /* Choices of a successful export are the next dialog's defaults. */
  dialog = QUALIFY_EXPORT_DIALOG (qualify_export_dialog_new (NULL, fixture->workspace));
  _qualify_export_dialog_set_statuses (dialog, 1u << QUALIFY_STATUS_SQL);
  _qualify_export_dialog_set_column_active (dialog, "phone", FALSE);
  qualify_export_dialog_set_file (dialog, file);
  run_export_dialog (dialog, &exported);
  g_assert_cmpuint (exported.n_leads, ==, 0);
  g_clear_object (&exported.file);

  dialog = QUALIFY_EXPORT_DIALOG (qualify_export_dialog_new (NULL, fixture->workspace));
  g_object_ref (dialog);
  g_assert_cmpuint (_qualify_export_dialog_get_statuses (dialog), ==, 1u << QUALIFY_STATUS_SQL);
  {
    g_auto(GStrv) columns = _qualify_export_dialog_dup_columns (dialog);
    g_assert_false (g_strv_contains ((const char * const *) columns, "phone"));
    g_assert_true (g_strv_contains ((const char * const *) columns, "email"));
  }
  close_dialog (dialog);
}

/* Keyboard shortcuts window */

static void
test_help_overlay (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GSList) objects = NULL;
  g_autoptr(GPtrArray) accels = g_ptr_array_new_with_free_func (g_free);
  GObject *window;
  const char *expected[] = {
    "<Primary>o", "<Primary>n", "<Primary>i", "<Primary><Shift>i", "<Primary>e",
    "<Primary>f", "<Alt>Left Escape", "<Primary>question", "<Primary>q",
  };

  /* GtkApplication loads it from <resource base path>/gtk/help-overlay.ui. */
  builder = gtk_builder_new_from_resource ("/io/github/qualifyapp/Qualify/gtk/help-overlay.ui");
  window = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (window));

  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        char *accel = NULL;
        g_object_get (l->data, "accelerator", &accel, NULL);
        g_ptr_array_add (accels, accel);
      }

  g_assert_cmpuint (accels->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (accels, expected[i], g_str_equal, NULL));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Screenshots (data/screenshots/), when QUALIFY_SCREENSHOT_DIR is set */

static void
fit_window (GtkWindow *window,
            int        width,
            int        height)
{
  /* The window's own size, without the invisible resize borders, is what counts. */
  gtk_window_set_default_size (window, width, height);
  qt_settle (300);
  gtk_window_set_default_size (window,
                               2 * width - gtk_widget_get_width (GTK_WIDGET (window)),
                               2 * height - gtk_widget_get_height (GTK_WIDGET (window)));
  qt_settle (1500);
}

/* Draws @dialog centred over @window (when given), as a desktop shows a modal
 * dialog, and saves the picture as @name. */
static void
save_screenshot (GtkWidget  *window,
                 GtkWidget  *dialog,
                 const char *name)
{
  const char *dir = g_getenv ("QUALIFY_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) dialog_paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *base = window != NULL ? window : dialog;
  int width, height, dialog_width, dialog_height;

  qt_settle (1500);
  width = gtk_widget_get_width (base);
  height = gtk_widget_get_height (base);
  dialog_width = gtk_widget_get_width (dialog);
  dialog_height = gtk_widget_get_height (dialog);
  snapshot = gtk_snapshot_new ();

  if (window != NULL)
    {
      g_autoptr(GdkPaintable) window_paintable = gtk_widget_paintable_new (window);
      GskRoundedRect outline;
      float x = (width - dialog_width) / 2.0f;
      float y = 46.0f;

      gdk_paintable_snapshot (window_paintable, snapshot, width, height);
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.25 },
                                 &GRAPHENE_RECT_INIT (0, 0, width, height));
      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x, y, dialog_width,
                                                                      dialog_height), 12);
      gtk_snapshot_append_outset_shadow (snapshot, &outline, &(GdkRGBA) { 0, 0, 0, 0.35 },
                                         0, 6, 2, 18);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_push_rounded_clip (snapshot, &outline);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
    }

  dialog_paintable = gtk_widget_paintable_new (dialog);
  gdk_paintable_snapshot (dialog_paintable, snapshot, dialog_width, dialog_height);

  if (window != NULL)
    {
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_restore (snapshot);
    }

  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (base)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%d×%d)", path, width, height);
}

static gboolean
window_loaded (gpointer data)
{
  return !qualify_window_get_loading (data) &&
         g_strcmp0 (qualify_window_get_leads_state (data), "list") == 0;
}

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *leads_path = g_build_filename (fixture->dir, "crm-export.csv", NULL);
  g_autofree char *events_path = g_build_filename (fixture->dir, "events.csv", NULL);
  g_autoptr(GFile) leads_file = g_file_new_for_path (leads_path);
  g_autoptr(GError) error = NULL;
  QualifyDemoOptions options = { .n_leads = 2000, .n_events = 20000, .seed = 7,
                                 .now = 1795000000 };
  g_autoptr(QualifyApplication) app = NULL;
  QualifyWindow *window;

  if (g_getenv ("QUALIFY_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("QUALIFY_SCREENSHOT_DIR is not set");
      return;
    }

  /* A realistic workspace and CRM export from the demo generator. */
  {
    g_autoptr(QualifyStore) store = qualify_store_open (fixture->workspace, &error);
    g_assert_no_error (error);
    qualify_demo_populate (store, &options, NULL, &error);
    g_assert_no_error (error);
  }
  options.seed = 8;
  qualify_demo_write_csv (&options, leads_path, events_path, &error);
  g_assert_no_error (error);

  /* Screenshots show the end of transitions. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* The application window behind the dialogs, at 1280×800, on that workspace. */
  app = qualify_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  window = qualify_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  fit_window (GTK_WINDOW (window), 1280, 800);
  qualify_window_open_workspace (window, fixture->workspace);
  qt_wait_for_full (window_loaded, window, 90, "the window to show the leads");

  for (guint dark = 0; dark < 2; dark++)
    {
      QualifyImportDialog *import;
      QualifyExportDialog *export;
      g_autofree char *path = NULL;
      g_autoptr(GFile) file = NULL;

      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);

      import = QUALIFY_IMPORT_DIALOG (qualify_import_dialog_new (GTK_WINDOW (window),
                                                                 fixture->workspace,
                                                                 QUALIFY_IMPORT_LEADS));
      g_object_ref (import);
      qualify_import_dialog_set_file (import, leads_file);
      gtk_window_present (GTK_WINDOW (import));
      qt_wait_for_full (import_settled, import, 90, "the demo export to be read and checked");
      save_screenshot (GTK_WIDGET (window), GTK_WIDGET (import),
                       dark ? "import-dark.png" : "import.png");
      close_dialog (import);

      export = QUALIFY_EXPORT_DIALOG (qualify_export_dialog_new (GTK_WINDOW (window),
                                                                 fixture->workspace));
      g_object_ref (export);
      path = g_build_filename ("/home/alex/Documents", "mql-handoff-2026-11-23.csv", NULL);
      file = g_file_new_for_path (path);
      qualify_export_dialog_set_file (export, file);
      _qualify_export_dialog_set_expanded (export, TRUE);
      gtk_window_present (GTK_WINDOW (export));
      save_screenshot (GTK_WIDGET (window), GTK_WIDGET (export),
                       dark ? "export-dark.png" : "export.png");
      close_dialog (export);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* No session bus under xvfb-run: keep GTK from warning (fatal in tests) about it. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  /* Icons are SVGs sniffed with the system MIME database, which the isolated
   * directories would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/dialogs/import/leads", test_import_leads);
  ADD ("/dialogs/import/no-email", test_import_no_email);
  ADD ("/dialogs/import/events", test_import_events);
  ADD ("/dialogs/import/events-hint", test_import_events_hint);
  ADD ("/dialogs/import/cancel", test_import_cancel);
  ADD ("/dialogs/import/bad-file", test_import_bad_file);
  ADD ("/dialogs/export/csv-json", test_export);
  ADD ("/dialogs/export/remembers", test_export_remembers);
  ADD ("/dialogs/screenshots", test_screenshots);
  g_test_add_func ("/dialogs/help-overlay", test_help_overlay);

#undef ADD

  return g_test_run ();
}
