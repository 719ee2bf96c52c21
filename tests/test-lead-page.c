/* test-lead-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-lead-page"

#include "config.h"

#include <math.h>

#include "qualify-application.h"
#include "qualify-importer.h"
#include "qualify-lead-row.h"
#include "qualify-model.h"
#include "qualify-score-bar.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"
#include "qualify-window.h"

#define AS_OF G_GINT64_CONSTANT (1763596800)  /* 2025-11-20T00:00:00Z */

static QualifyApplication *app;
static char *workspace;
static char *tmp_dir;

static char *
make_workspace (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = qualify_model_new_default ();
  g_autofree char *json = qualify_model_to_data (model, FALSE);
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);

  g_assert_no_error (error);
  qt_import_fixture (store, QUALIFY_IMPORT_LEADS, "app-leads.csv", NULL);
  qt_import_fixture (store, QUALIFY_IMPORT_EVENTS, "app-events.csv", NULL);
  g_assert_cmpint (qualify_store_save_model (store, qualify_model_get_name (model), json, NULL,
                                             TRUE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, NULL, &error));
  g_assert_no_error (error);

  return path;
}

static gboolean
window_ready (gpointer data)
{
  return !qualify_window_get_loading (data) &&
         g_strcmp0 (qualify_window_get_leads_state (data), "list") == 0;
}

static gboolean
page_loaded (gpointer data)
{
  return !qualify_lead_page_get_loading (data);
}

static QualifyWindow *
open_window (void)
{
  QualifyWindow *win = qualify_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  qualify_window_open_workspace (win, workspace);
  qt_wait_for_full (window_ready, win, 20, "the workspace");
  return win;
}

static gint64
lead_id (const char *email)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (workspace, &error);

  g_assert_no_error (error);
  return qualify_store_find_lead (store, email);
}

/* Checks the breakdown against the core's explanation of the same lead. */
static void
check_breakdown (QualifyLeadPage *page,
                 gint64           id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (workspace, &error);
  g_autoptr(QualifyExplanation) ex = NULL;
  GtkListBox *list = qualify_lead_page_get_breakdown_list (page);
  guint n_rows = 0;
  guint n_total = 0;
  double sum = 0;
  double total = NAN;
  char expected[32];

  g_assert_no_error (error);
  ex = qualify_explain_lead (store, id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ex->contributions->len, >, 0);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      QualifyScoreBar *bar = g_object_get_data (G_OBJECT (row), "score-bar");

      g_assert_nonnull (bar);
      if (g_object_get_data (G_OBJECT (row), "total"))
        {
          n_total++;
          total = qualify_score_bar_get_value (bar);
          continue;
        }

      /* Each bar starts where the previous ones ended: a waterfall. */
      g_assert_cmpfloat_with_epsilon (qualify_score_bar_get_start (bar), sum, 1e-9);
      sum += qualify_score_bar_get_value (bar);
      n_rows++;
    }

  g_assert_cmpuint (n_rows, ==, ex->contributions->len);
  g_assert_cmpuint (n_total, ==, 1);
  g_assert_cmpfloat_with_epsilon (sum, ex->score, 1e-6);
  g_assert_cmpfloat_with_epsilon (total, ex->score, 1e-9);

  g_snprintf (expected, sizeof expected, "%.1f", ex->score);
  g_assert_cmpstr (gtk_label_get_text (qualify_lead_page_get_score_label (page)), ==, expected);
}

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("");
}

static gboolean
text_read (gpointer data)
{
  return *(char **) data != NULL;
}

static void
test_breakdown (void)
{
  QualifyWindow *win = open_window ();
  QualifyLeadPage *page = qualify_window_get_lead_page (win);
  const char *emails[] = {
    "ada.lovelace0@acme.example",       /* asked for a demo: SQL */
    "nora13@gmail.com",                 /* free-mail: a negative fit rule */
    "chloe.berg2@globex.example",
  };

  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      gint64 id = lead_id (emails[i]);

      g_assert_cmpint (id, >, 0);
      qualify_window_show_lead (win, id);
      g_assert_true (qualify_window_get_lead_page_visible (win));
      qt_wait_for_full (page_loaded, page, 20, "the lead page");
      check_breakdown (page, id);
    }

  gtk_widget_activate_action (GTK_WIDGET (win), "win.go-back", NULL);
  g_assert_false (qualify_window_get_lead_page_visible (win));
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_negative_contribution (void)
{
  QualifyWindow *win = open_window ();
  QualifyLeadPage *page = qualify_window_get_lead_page (win);
  gint64 id = lead_id ("nora13@gmail.com");
  GtkListBox *list = qualify_lead_page_get_breakdown_list (page);
  gboolean negative = FALSE;

  qualify_window_show_lead (win, id);
  qt_wait_for_full (page_loaded, page, 20, "the lead page");

  /* The free-mail rule takes points away and is drawn as such. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      QualifyScoreBar *bar = g_object_get_data (G_OBJECT (row), "score-bar");

      if (qualify_score_bar_get_value (bar) < 0)
        {
          negative = TRUE;
          g_assert_true (gtk_widget_has_css_class (row, "negative"));
        }
    }
  g_assert_true (negative);

  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_copy_explanation (void)
{
  QualifyWindow *win = open_window ();
  QualifyLeadPage *page = qualify_window_get_lead_page (win);
  gint64 id = lead_id ("ada.lovelace0@acme.example");
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (workspace, &error);
  g_autoptr(QualifyExplanation) ex = NULL;
  g_autoptr(QualifyLeadRecord) lead = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *score = NULL;

  g_assert_no_error (error);
  qualify_window_show_lead (win, id);
  qt_wait_for_full (page_loaded, page, 20, "the lead page");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "lead.copy-explanation", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL,
                                 clipboard_read_cb, &text);
  qt_wait_for_full (text_read, &text, 20, "the clipboard");

  ex = qualify_explain_lead (store, id, 0, &error);
  g_assert_no_error (error);
  lead = qualify_store_get_lead (store, id, &error);
  g_assert_no_error (error);
  expected = qualify_explanation_to_text (ex, lead);
  score = g_strdup_printf ("%.2f", ex->score);

  g_assert_cmpstr (text, ==, expected);
  g_assert_nonnull (strstr (text, score));
  g_assert_nonnull (strstr (text, "ada.lovelace0@acme.example"));

  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_events (void)
{
  QualifyWindow *win = open_window ();
  QualifyLeadPage *page = qualify_window_get_lead_page (win);
  gint64 id = lead_id ("ada.lovelace0@acme.example");
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (workspace, &error);
  g_autoptr(GPtrArray) events = NULL;
  guint n_rows = 0;

  g_assert_no_error (error);
  events = qualify_store_get_lead_events (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, >, 0);

  qualify_window_show_lead (win, id);
  qt_wait_for_full (page_loaded, page, 20, "the lead page");

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (qualify_lead_page_get_events_list (page)));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      /* Newest first, as the store returns them, titled by type. */
      if (n_rows == 0)
        {
          const QualifyEventRecord *newest = g_ptr_array_index (events, 0);
          g_autofree char *title = g_strdup (newest->type);

          g_strdelimit (title, "_", ' ');
          title[0] = g_ascii_toupper (title[0]);
          g_assert_true (ADW_IS_ACTION_ROW (row));
          g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
          if (newest->detail != NULL)
            g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, newest->detail);
        }
      n_rows++;
    }
  g_assert_cmpuint (n_rows, ==, events->len);

  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  adw_init ();

  tmp_dir = qt_make_tmp_dir ("qualify-test-lead-page-XXXXXX");
  workspace = make_workspace ("leads.qualify");

  app = qualify_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/lead-page/breakdown", test_breakdown);
  g_test_add_func ("/lead-page/negative-contribution", test_negative_contribution);
  g_test_add_func ("/lead-page/copy-explanation", test_copy_explanation);
  g_test_add_func ("/lead-page/events", test_events);

  ret = g_test_run ();
  qt_remove_tree (tmp_dir);

  g_object_unref (app);
  g_free (workspace);
  g_free (tmp_dir);
  return ret;
}
