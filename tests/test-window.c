/* test-window.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "qualify-application.h"
#include "qualify-importer.h"
#include "qualify-lead-cell.h"
#include "qualify-lead-row.h"
#include "qualify-model.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-window.h"
#include "qualify-import-dialog-private.h"

#define AS_OF G_GINT64_CONSTANT (1763596800)  /* 2025-11-20T00:00:00Z */

static QualifyApplication *app;
static char *workspace;
static char *tmp_dir;

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
}

/* A scored workspace with the 40 leads of app-leads.csv. */
static char *
make_workspace (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = qualify_model_new_default ();
  g_autofree char *json = qualify_model_to_data (model, FALSE);
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);

  g_assert_no_error (error);
  import_file (store, QUALIFY_IMPORT_LEADS, "app-leads.csv");
  import_file (store, QUALIFY_IMPORT_EVENTS, "app-events.csv");
  g_assert_cmpint (qualify_store_save_model (store, qualify_model_get_name (model), json, NULL,
                                             TRUE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, NULL, &error));
  g_assert_no_error (error);

  return path;
}

static gint64
sql_int (const char *path,
         const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_no_error (error);
  stmt = _qualify_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static double
sql_double (const char *path,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_no_error (error);
  stmt = _qualify_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_double (stmt, 0);
}

typedef gboolean (*Condition) (gpointer data);

/* Spins the main loop until @cond holds; fails after 20 s. */
static void
wait_for (Condition  cond,
          gpointer   data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Spins the main loop for @ms (frames, idles and timeouts run). */
static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
list_ready (gpointer data)
{
  QualifyWindow *win = data;
  QualifyLeadModel *model = qualify_lead_list_get_model (qualify_window_get_lead_list (win));
  QualifyLeadTable *table = qualify_lead_model_get_table (model);

  return !qualify_window_get_loading (win) &&
         g_strcmp0 (qualify_window_get_leads_state (win), "list") == 0 &&
         table != NULL && !qualify_lead_table_is_preview (table) &&
         !qualify_lead_model_get_busy (model);
}

static gboolean
model_idle (gpointer data)
{
  return !qualify_lead_model_get_busy (data);
}

static gboolean
not_loading (gpointer data)
{
  return !qualify_window_get_loading (data);
}

typedef struct
{
  QualifyLeadModel *model;
  guint             n;
} CountWait;

static gboolean
count_is (gpointer data)
{
  CountWait *w = data;

  return !qualify_lead_model_get_busy (w->model) &&
         g_list_model_get_n_items (G_LIST_MODEL (w->model)) == w->n;
}

static QualifyWindow *
open_window (const char *path)
{
  QualifyWindow *win = qualify_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  qualify_window_open_workspace (win, path);
  wait_for (not_loading, win, "the workspace to load");

  return win;
}

static void
test_open_and_sort (void)
{
  QualifyWindow *win = open_window (workspace);
  QualifyLeadList *list = qualify_window_get_lead_list (win);
  QualifyLeadModel *model = qualify_lead_list_get_model (list);
  g_autoptr(QualifyLeadRow) first = NULL;
  g_autoptr(QualifyLeadRow) last = NULL;
  guint n;

  wait_for (list_ready, win, "the lead list");
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpint (n, ==, sql_int (workspace, "SELECT count(*) FROM leads"));
  g_assert_cmpuint (n, ==, 40);
  g_assert_cmpstr (gtk_label_get_text (qualify_lead_list_get_count_label (list)), ==, "40 leads");
  g_assert_cmpstr (qualify_window_get_workspace_path (win), ==, workspace);

  /* Sort by name through the column header sorter, then by score. */
  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_NAME, GTK_SORT_ASCENDING);
  wait_for (model_idle, model, "sorting by name");
  g_assert_cmpint (qualify_lead_model_get_sort (model, NULL), ==, QUALIFY_LEAD_COLUMN_NAME);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (qualify_lead_row_get_display_name (first), ==, "Ada Lovelace");
  g_clear_object (&first);

  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_SCORE, GTK_SORT_DESCENDING);
  wait_for (model_idle, model, "sorting by score");
  {
    gboolean descending = FALSE;

    g_assert_cmpint (qualify_lead_model_get_sort (model, &descending), ==, QUALIFY_LEAD_COLUMN_SCORE);
    g_assert_true (descending);
  }
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last = g_list_model_get_item (G_LIST_MODEL (model), n - 1);
  g_assert_cmpfloat_with_epsilon (qualify_lead_row_get_score (first),
                                  sql_double (workspace, "SELECT max(score) FROM results"), 0.001);
  g_assert_cmpfloat_with_epsilon (qualify_lead_row_get_score (last),
                                  sql_double (workspace, "SELECT min(score) FROM results"), 0.001);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), n));

  /* Ascending: the lowest first. */
  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_SCORE, GTK_SORT_ASCENDING);
  wait_for (model_idle, model, "sorting by score, ascending");
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpfloat_with_epsilon (qualify_lead_row_get_score (first),
                                  sql_double (workspace, "SELECT min(score) FROM results"), 0.001);

  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_search_and_filter (void)
{
  QualifyWindow *win = open_window (workspace);
  QualifyLeadList *list = qualify_window_get_lead_list (win);
  QualifyLeadModel *model = qualify_lead_list_get_model (list);
  GtkEditable *entry = qualify_lead_list_get_search_entry (list);
  CountWait w = { model, 0 };
  guint mql;

  wait_for (list_ready, win, "the lead list");

  /* Ctrl+F's action focuses the search entry. */
  gtk_widget_activate_action (GTK_WIDGET (win), "win.search", NULL);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (win));

    g_assert_nonnull (focus);
    g_assert_true (focus == GTK_WIDGET (entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (entry)));
  }

  /* Typing filters (after the entry's short delay). */
  gtk_editable_set_text (entry, "acme");
  w.n = (guint) sql_int (workspace,
                         "SELECT count(*) FROM leads WHERE email LIKE '%acme%' OR company LIKE '%acme%' "
                         "OR (first_name || ' ' || last_name) LIKE '%acme%'");
  g_assert_cmpuint (w.n, ==, 10);
  wait_for (count_is, &w, "the search to filter");
  g_assert_cmpstr (gtk_label_get_text (qualify_lead_list_get_count_label (list)), ==, "10 of 40 leads");

  /* A search that matches nothing shows the empty state. */
  gtk_editable_set_text (entry, "no such lead anywhere");
  w.n = 0;
  wait_for (count_is, &w, "the empty search");

  /* Status filter: MQL only. */
  qualify_lead_list_clear_filters (list);
  w.n = 40;
  wait_for (count_is, &w, "clearing the filters");
  gtk_drop_down_set_selected (qualify_lead_list_get_status_dropdown (list), 1);
  mql = (guint) sql_int (workspace, "SELECT count(*) FROM results WHERE status = 'mql'");
  g_assert_cmpuint (mql, >, 0);
  w.n = mql;
  wait_for (count_is, &w, "the status filter");
  for (guint i = 0; i < mql; i++)
    {
      g_autoptr(QualifyLeadRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_cmpint (qualify_lead_row_get_status (row), ==, QUALIFY_STATUS_MQL);
    }

  /* Grade filter on top. */
  gtk_drop_down_set_selected (qualify_lead_list_get_status_dropdown (list), 0);
  gtk_drop_down_set_selected (qualify_lead_list_get_grade_dropdown (list), 1);
  w.n = (guint) sql_int (workspace, "SELECT count(*) FROM results WHERE grade = 'A'");
  wait_for (count_is, &w, "the grade filter");
  for (guint i = 0; i < w.n; i++)
    {
      g_autoptr(QualifyLeadRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_cmpstr (qualify_lead_row_get_grade (row), ==, "A");
    }

  gtk_window_destroy (GTK_WINDOW (win));
}

/* The cells of the rows GTK keeps bound: each QualifyLeadCell of a row, in
 * column order; @on_screen only the rows inside the list's viewport. */
static GPtrArray *
bound_rows (QualifyLeadList *list,
            gboolean         on_screen)
{
  GtkWidget *view = GTK_WIDGET (qualify_lead_list_get_column_view (list));
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GtkWidget *listview = gtk_widget_get_last_child (view);
  int height = gtk_widget_get_height (listview);

  for (GtkWidget *row = gtk_widget_get_first_child (listview); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GPtrArray *cells = g_ptr_array_new ();
      graphene_rect_t bounds;

      for (GtkWidget *cell = gtk_widget_get_first_child (row); cell != NULL;
           cell = gtk_widget_get_next_sibling (cell))
        if (QUALIFY_IS_LEAD_CELL (gtk_widget_get_first_child (cell)))
          g_ptr_array_add (cells, gtk_widget_get_first_child (cell));

      if (cells->len == 0 ||
          (on_screen && (!gtk_widget_compute_bounds (row, listview, &bounds) ||
                         bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= height)))
        {
          g_ptr_array_unref (cells);
          continue;
        }
      g_assert_cmpuint (cells->len, ==, 10);
      g_ptr_array_add (rows, cells);
    }

  return rows;
}

static void
check_accessible_label (GtkWidget  *widget,
                        const char *text)
{
  g_autofree char *error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                text);

  if (error != NULL)
    g_error ("Accessible label of a cell: %s, not \"%s\"", error, text);
}

/* Every bound row shows its lead: texts, badge classes, accessible names. */
static guint
check_bound_rows (QualifyLeadList *list)
{
  QualifyLeadModel *model = qualify_lead_list_get_model (list);
  g_autoptr(GPtrArray) rows = bound_rows (list, FALSE);

  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *cells = g_ptr_array_index (rows, i);
      GtkListItem *item = g_object_get_data (G_OBJECT (cells->pdata[0]), "qualify-list-item");
      g_autoptr(QualifyLeadRow) row = NULL;
      QualifyLeadTable *table;
      g_autofree char *score = NULL;
      g_autofree char *last = NULL;
      const char *grade;
      guint r;

      g_assert_nonnull (item);
      row = g_list_model_get_item (G_LIST_MODEL (model), gtk_list_item_get_position (item));
      g_assert_nonnull (row);
      table = qualify_lead_row_get_table (row);
      r = qualify_lead_row_get_row (row);
      grade = qualify_lead_table_get_grade (table, r);
      score = qualify_lead_table_get_scored (table, r)
              ? g_strdup_printf ("%.1f", qualify_lead_table_get_score (table, r))
              : g_strdup ("–");
      last = qualify_format_date (qualify_lead_table_get_last_activity (table, r));

      g_assert_cmpstr (qualify_lead_cell_get_text (cells->pdata[0]), ==,
                       qualify_lead_row_get_display_name (row));
      check_accessible_label (cells->pdata[0], qualify_lead_row_get_display_name (row));
      g_assert_cmpstr (qualify_lead_cell_get_text (cells->pdata[1]), ==,
                       qualify_lead_table_get_company (table, r));
      g_assert_cmpstr (qualify_lead_cell_get_text (cells->pdata[2]), ==,
                       qualify_lead_table_get_title (table, r));
      g_assert_cmpstr (qualify_lead_cell_get_text (cells->pdata[3]), ==, grade[0] ? grade : "–");
      g_assert_true (gtk_widget_has_css_class (cells->pdata[3], "badge"));
      g_assert_true (gtk_widget_has_css_class (cells->pdata[3], qualify_grade_css_class (grade)));
      g_assert_cmpstr (qualify_lead_cell_get_text (cells->pdata[6]), ==, score);
      check_accessible_label (cells->pdata[6], score);
      g_assert_cmpstr (qualify_lead_cell_get_text (cells->pdata[7]), ==,
                       qualify_status_display_label (qualify_lead_table_get_status (table, r)));
      g_assert_true (gtk_widget_has_css_class (cells->pdata[7],
                                               qualify_status_css_class (qualify_lead_table_get_status (table, r))));
      g_assert_cmpstr (qualify_lead_cell_get_text (cells->pdata[9]), ==, last[0] ? last : "–");
    }

  return rows->len;
}

static void
test_lead_cells (void)
{
  QualifyWindow *win = open_window (workspace);
  QualifyLeadList *list = qualify_window_get_lead_list (win);
  QualifyLeadModel *model = qualify_lead_list_get_model (list);
  g_autoptr(GPtrArray) rows = NULL;
  gboolean any_ellipsized = FALSE;
  int wide_height;

  wait_for (list_ready, win, "the lead list");
  settle (300);
  g_assert_cmpuint (check_bound_rows (list), ==, 40);

  /* A new order retargets the items GTK holds: the cells follow. */
  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_NAME, GTK_SORT_ASCENDING);
  wait_for (model_idle, model, "sorting by name");
  g_assert_cmpuint (check_bound_rows (list), ==, 40);
  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_COMPANY, GTK_SORT_DESCENDING);
  wait_for (model_idle, model, "sorting by company");
  g_assert_cmpuint (check_bound_rows (list), ==, 40);

  /* A filter drops rows and rebinds the rest. */
  gtk_drop_down_set_selected (qualify_lead_list_get_grade_dropdown (list), 1);
  wait_for (model_idle, model, "the grade filter");
  settle (100);
  g_assert_cmpuint (check_bound_rows (list), ==, g_list_model_get_n_items (G_LIST_MODEL (model)));
  qualify_lead_list_clear_filters (list);
  wait_for (model_idle, model, "clearing the filters");
  settle (100);
  g_assert_cmpuint (check_bound_rows (list), ==, 40);

  /* Rows are one line of text high whatever the text; a narrow window
   * ellipsizes the long texts, which the cells still carry whole. */
  rows = bound_rows (list, TRUE);
  g_assert_cmpuint (rows->len, >, 0);
  /* row widget > cell widget > QualifyLeadCell */
  wide_height = gtk_widget_get_height (gtk_widget_get_parent (gtk_widget_get_parent (
                  g_ptr_array_index ((GPtrArray *) g_ptr_array_index (rows, 0), 0))));
  g_clear_pointer (&rows, g_ptr_array_unref);
  gtk_window_set_default_size (GTK_WINDOW (win), 760, 600);
  settle (500);
  rows = bound_rows (list, TRUE);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *cells = g_ptr_array_index (rows, i);
      GtkWidget *row_widget = gtk_widget_get_parent (gtk_widget_get_parent (cells->pdata[0]));

      g_assert_cmpint (gtk_widget_get_height (row_widget), ==, wide_height);
      for (guint c = 0; c < 3; c++)
        if (qualify_lead_cell_get_ellipsized (cells->pdata[c]))
          any_ellipsized = TRUE;
    }
  g_assert_true (any_ellipsized);

  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_activate_and_back (void)
{
  QualifyWindow *win = open_window (workspace);
  QualifyLeadList *list = qualify_window_get_lead_list (win);
  QualifyLeadModel *model = qualify_lead_list_get_model (list);
  g_autoptr(QualifyLeadRow) first = NULL;

  wait_for (list_ready, win, "the lead list");
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);

  /* Enter on a row activates it. */
  g_signal_emit_by_name (qualify_lead_list_get_column_view (list), "activate", 0);
  g_assert_true (qualify_window_get_lead_page_visible (win));
  g_assert_cmpint (qualify_lead_page_get_lead_id (qualify_window_get_lead_page (win)), ==,
                   qualify_lead_row_get_id (first));

  gtk_widget_activate_action (GTK_WIDGET (win), "win.go-back", NULL);
  g_assert_false (qualify_window_get_lead_page_visible (win));

  /* About and the shortcuts window open from the menu's actions. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    guint before = g_list_model_get_n_items (toplevels);
    gboolean about = FALSE;

    g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
    g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before + 1);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (ADW_IS_ABOUT_WINDOW (w))
          {
            about = TRUE;
            g_assert_true (gtk_window_get_transient_for (w) == GTK_WINDOW (win));
            gtk_window_destroy (w);
            break;
          }
      }
    g_assert_true (about);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-help-overlay", NULL));
  }

  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_empty_workspace (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "empty.qualify", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  QualifyWindow *win;

  g_assert_no_error (error);
  g_clear_object (&store);

  win = open_window (path);
  g_assert_cmpstr (qualify_window_get_leads_state (win), ==, "welcome");
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_not_a_workspace (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "garbage.qualify", NULL);
  g_autoptr(GError) error = NULL;
  QualifyWindow *win;

  g_file_set_contents (path, "this is not a database, just some text that is long enough", -1, &error);
  g_assert_no_error (error);

  win = open_window (path);
  g_assert_cmpstr (qualify_window_get_leads_state (win), ==, "error");
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
dialog_on_preview (gpointer data)
{
  return g_strcmp0 (_qualify_import_dialog_get_page (data), "preview") == 0 &&
         !_qualify_import_dialog_is_busy (data);
}

static gboolean
dialog_done (gpointer data)
{
  return _qualify_import_dialog_get_result (data, NULL);
}

static void
import_through_dialog (QualifyWindow     *win,
                       QualifyImportKind  kind,
                       const char        *fixture)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", fixture, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWindow *dialog = qualify_window_import_file (win, kind, file);

  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  wait_for (dialog_on_preview, dialog, "the import preview");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.start", NULL));
  wait_for (dialog_done, dialog, "the import");
  if (dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
      gtk_window_destroy (dialog);
    }
}

static void
test_import (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "imported.qualify", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  QualifyWindow *win;
  QualifyLeadModel *model;
  CountWait w;
  gboolean any_activity = FALSE;

  g_assert_no_error (error);
  g_clear_object (&store);

  win = open_window (path);
  g_assert_cmpstr (qualify_window_get_leads_state (win), ==, "welcome");
  model = qualify_lead_list_get_model (qualify_window_get_lead_list (win));

  /* Leads: imported, scored with the default model, listed. */
  import_through_dialog (win, QUALIFY_IMPORT_LEADS, "app-leads.csv");
  wait_for (list_ready, win, "the list after the import");
  w.model = model;
  w.n = 40;
  wait_for (count_is, &w, "40 imported leads");
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(QualifyLeadRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_cmpint (qualify_lead_row_get_status (row), !=, QUALIFY_STATUS_NONE);
    }
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM models WHERE active = 1"), ==, 1);

  /* Events: rescored, last activity shown. */
  import_through_dialog (win, QUALIFY_IMPORT_EVENTS, "app-events.csv");
  wait_for (list_ready, win, "the list after the events");
  wait_for (count_is, &w, "the leads after the events");
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(QualifyLeadRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      if (qualify_lead_table_get_last_activity (qualify_lead_row_get_table (row),
                                                qualify_lead_row_get_row (row)) > 0)
        any_activity = TRUE;
    }
  g_assert_true (any_activity);
  g_assert_cmpint (sql_int (path, "SELECT count(*) FROM results WHERE status = 'sql'"), >, 0);

  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_settings (void)
{
  GSettings *settings = qualify_application_get_settings (app);
  QualifyWindow *win;
  g_autofree char *last = NULL;

  g_assert_nonnull (settings);
  win = open_window (workspace);
  last = g_settings_get_string (settings, "last-workspace");
  g_assert_cmpstr (last, ==, workspace);

  gtk_window_set_default_size (GTK_WINDOW (win), 1000, 700);
  gtk_window_close (GTK_WINDOW (win));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
}

/* Screenshots for the metainfo and README: only when QUALIFY_SCREENSHOT_DIR is
 * set; QUALIFY_SCREENSHOT_WORKSPACE picks the workspace (e.g. the demo). */
static void
save_png (GtkWidget  *widget,
          const char *dir,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%d×%d)", path, width, height);
}

static void
test_screenshots (void)
{
  const char *dir = g_getenv ("QUALIFY_SCREENSHOT_DIR");
  const char *path = g_getenv ("QUALIFY_SCREENSHOT_WORKSPACE");
  AdwStyleManager *style = adw_style_manager_get_default ();
  QualifyWindow *win;
  QualifyLeadModel *model;
  g_autoptr(QualifyLeadRow) row = NULL;
  gint64 id;

  if (dir == NULL)
    {
      g_test_skip ("QUALIFY_SCREENSHOT_DIR is not set");
      return;
    }

  /* 1280×800 inside the invisible resize borders of the CSD window. */
  win = qualify_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1290, 810);
  gtk_window_present (GTK_WINDOW (win));
  qualify_window_open_workspace (win, path != NULL ? path : workspace);
  wait_for (list_ready, win, "the lead list");
  model = qualify_lead_list_get_model (qualify_window_get_lead_list (win));

  /* Screenshots show the end of transitions. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* A lead worth explaining: the MQL closest to the threshold. */
  gtk_drop_down_set_selected (qualify_lead_list_get_status_dropdown (qualify_window_get_lead_list (win)), 1);
  qualify_lead_list_sort_by (qualify_window_get_lead_list (win), QUALIFY_LEAD_COLUMN_SCORE,
                             GTK_SORT_ASCENDING);
  wait_for (model_idle, model, "the MQL filter");
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_nonnull (row);
  id = qualify_lead_row_get_id (row);
  qualify_lead_list_clear_filters (qualify_window_get_lead_list (win));
  qualify_lead_list_sort_by (qualify_window_get_lead_list (win), QUALIFY_LEAD_COLUMN_SCORE,
                             GTK_SORT_DESCENDING);
  wait_for (model_idle, model, "clearing the filters");

  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      gtk_widget_activate_action (GTK_WIDGET (win), "win.go-back", NULL);
      settle (800);
      save_png (GTK_WIDGET (win), dir, dark ? "leads-dark.png" : "leads.png");

      qualify_window_show_lead (win, id);
      wait_for (not_loading, win, "the lead page");
      while (qualify_lead_page_get_loading (qualify_window_get_lead_page (win)))
        g_main_context_iteration (NULL, TRUE);
      settle (800);
      save_png (GTK_WIDGET (win), dir, dark ? "lead-page-dark.png" : "lead-page.png");
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Figures at scale: only when QUALIFY_BENCH_WORKSPACE names a (big) workspace. */
static long
status_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (p = strstr (status, key)) == NULL)
    return -1;
  return atol (p + strlen (key));
}

static double
timed_update (QualifyLeadModel *model,
              gint64            start)
{
  wait_for (model_idle, model, "the list update");
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* A scroll is timed from setting the scrollbar to the end of the frame that
 * shows it painted (the frame clock's "after-paint"); the frame's work is the
 * time spent in setting the value (the rows are rebound then) plus the frame
 * from its "before-paint" on (measuring, allocating, drawing). */
typedef struct
{
  guint  paints;
  gint64 frame_start;
  gint64 painted;
  gint64 frame_work;
} FrameWatch;

typedef struct
{
  guint  n;
  double median;
  double worst;
  double work_median;
  double work_worst;
} ScrollTimes;

static void
before_paint_cb (GdkFrameClock *clock,
                 FrameWatch    *watch)
{
  watch->frame_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                FrameWatch    *watch)
{
  watch->painted = g_get_monotonic_time ();
  watch->frame_work = watch->painted - watch->frame_start;
  watch->paints++;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* @n jumps across the list (to 20 evenly spaced places, then back and forth
 * among them), or @n steps of 120 px down (a mouse wheel's notch). */
static ScrollTimes
time_scrolls (QualifyWindow *win,
              GtkAdjustment *adj,
              guint          n,
              gboolean       jump)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (win));
  FrameWatch watch = { 0 };
  g_autoptr(GArray) latency = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (double));
  ScrollTimes times = { 0 };
  gulong before_id, after_id;

  before_id = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &watch);
  after_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &watch);

  for (guint i = 1; i <= n; i++)
    {
      double range = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
      guint place = i <= 20 ? i : ((i - 20) * 7) % 20;
      double target = jump ? range * place / 20.0 : MIN (gtk_adjustment_get_value (adj) + 120, range);
      guint paints;
      gint64 t0, t_set;
      double ms;

      /* From a quiet main loop, more than a frame after the last one. */
      settle (40);
      if (target == gtk_adjustment_get_value (adj))
        continue;

      paints = watch.paints;
      t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (adj, target);
      t_set = g_get_monotonic_time () - t0;
      while (watch.paints == paints)
        g_main_context_iteration (NULL, TRUE);

      ms = (watch.painted - t0) / 1000.0;
      g_array_append_val (latency, ms);
      ms = (t_set + watch.frame_work) / 1000.0;
      g_array_append_val (work, ms);
    }

  g_signal_handler_disconnect (clock, before_id);
  g_signal_handler_disconnect (clock, after_id);

  g_assert_cmpuint (latency->len, >, 0);
  g_array_sort (latency, compare_doubles);
  g_array_sort (work, compare_doubles);
  times.n = latency->len;
  times.median = g_array_index (latency, double, latency->len / 2);
  times.worst = g_array_index (latency, double, latency->len - 1);
  times.work_median = g_array_index (work, double, work->len / 2);
  times.work_worst = g_array_index (work, double, work->len - 1);

  return times;
}

static void
test_benchmark (void)
{
  const char *path = g_getenv ("QUALIFY_BENCH_WORKSPACE");
  QualifyWindow *win;
  QualifyLeadList *list;
  QualifyLeadModel *model;
  GtkEditable *entry;
  gint64 start;
  double ms;

  if (path == NULL)
    {
      g_test_skip ("QUALIFY_BENCH_WORKSPACE is not set");
      return;
    }

  win = qualify_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  settle (500);
  list = qualify_window_get_lead_list (win);
  model = qualify_lead_list_get_model (list);
  entry = qualify_lead_list_get_search_entry (list);

  qualify_window_open_workspace (win, path);
  wait_for (list_ready, win, "the lead list");
  while (qualify_window_get_first_frame_ms (win) < 0)
    g_main_context_iteration (NULL, TRUE);
  g_printerr ("leads: %u\n", g_list_model_get_n_items (G_LIST_MODEL (model)));
  g_printerr ("first frame with rows after open: %.0f ms\n", qualify_window_get_first_frame_ms (win));
  g_printerr ("whole list loaded after open: %.0f ms\n", qualify_window_get_full_load_ms (win));
  settle (300);
  g_printerr ("RSS after loading: %ld MB (peak so far %ld MB)\n", status_kb ("VmRSS:") / 1024,
              status_kb ("VmHWM:") / 1024);

  for (guint i = 0; i < 3; i++)
    {
      start = g_get_monotonic_time ();
      qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_SCORE,
                                 i % 2 ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
      ms = timed_update (model, start);
      g_printerr ("sort by score %s: %.0f ms (model: %.0f ms)\n", i % 2 ? "desc" : "asc", ms,
                  qualify_lead_model_get_last_update_usec (model) / 1000.0);
      settle (200);
    }

  start = g_get_monotonic_time ();
  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_NAME, GTK_SORT_ASCENDING);
  ms = timed_update (model, start);
  g_printerr ("sort by name: %.0f ms\n", ms);
  settle (200);

  start = g_get_monotonic_time ();
  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_COMPANY, GTK_SORT_ASCENDING);
  ms = timed_update (model, start);
  g_printerr ("sort by company: %.0f ms\n", ms);
  settle (200);

  qualify_lead_list_sort_by (list, QUALIFY_LEAD_COLUMN_SCORE, GTK_SORT_DESCENDING);
  wait_for (model_idle, model, "sorting");

  /* The entry reports typing after its own short delay; the model's figure is
   * from the request to the swapped-in result. */
  gtk_editable_set_text (entry, "acme");
  while (!qualify_lead_model_get_busy (model))
    g_main_context_iteration (NULL, TRUE);
  start = g_get_monotonic_time ();
  ms = timed_update (model, start);
  g_printerr ("search \"acme\": %.0f ms (model: %.0f ms) → %u leads\n", ms,
              qualify_lead_model_get_last_update_usec (model) / 1000.0,
              g_list_model_get_n_items (G_LIST_MODEL (model)));
  settle (200);

  start = g_get_monotonic_time ();
  gtk_drop_down_set_selected (qualify_lead_list_get_status_dropdown (list), 1);
  ms = timed_update (model, start);
  g_printerr ("search + status MQL: %.0f ms → %u leads\n", ms,
              g_list_model_get_n_items (G_LIST_MODEL (model)));
  settle (200);

  start = g_get_monotonic_time ();
  qualify_lead_list_clear_filters (list);
  ms = timed_update (model, start);
  g_printerr ("clear filters: %.0f ms → %u leads\n", ms,
              g_list_model_get_n_items (G_LIST_MODEL (model)));

  /* Scroll through the list: every page of rows is bound on demand. A jump
   * with the scrollbar rebinds all the rows GTK keeps (about 200), a wheel
   * step only the few that come into view. */
  {
    GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (qualify_lead_list_get_column_view (list)));
    const char *jumps = g_getenv ("QUALIFY_BENCH_JUMPS");
    ScrollTimes times;

    /* 20 jumps down the list, then back and forth in another order (more with
     * QUALIFY_BENCH_JUMPS, e.g. for a profiler). */
    times = time_scrolls (win, adj, jumps != NULL ? (guint) atoi (jumps) : 40, TRUE);
    g_printerr ("scroll jumps to a painted frame (%u jumps): median %.0f ms, worst %.0f ms "
                "(frame work: median %.0f ms, worst %.0f ms)\n", times.n,
                times.median, times.worst, times.work_median, times.work_worst);
    g_printerr ("scroll jumps across the list: worst %.0f ms per jump\n", times.worst);

    times = time_scrolls (win, adj, 20, FALSE);
    g_printerr ("scroll steps of 120 px (%u steps): median %.0f ms, worst %.0f ms "
                "(frame work: median %.0f ms, worst %.0f ms)\n", times.n,
                times.median, times.worst, times.work_median, times.work_worst);
  }

  g_printerr ("RSS: %ld MB (peak %ld MB)\n", status_kb ("VmRSS:") / 1024, status_kb ("VmHWM:") / 1024);

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

  tmp_dir = g_dir_make_tmp ("qualify-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  workspace = make_workspace ("leads.qualify");

  app = qualify_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/window/open-and-sort", test_open_and_sort);
  g_test_add_func ("/window/search-and-filter", test_search_and_filter);
  g_test_add_func ("/window/lead-cells", test_lead_cells);
  g_test_add_func ("/window/activate-and-back", test_activate_and_back);
  g_test_add_func ("/window/empty-workspace", test_empty_workspace);
  g_test_add_func ("/window/not-a-workspace", test_not_a_workspace);
  g_test_add_func ("/window/settings", test_settings);
  g_test_add_func ("/window/import", test_import);
  g_test_add_func ("/window/screenshots", test_screenshots);
  g_test_add_func ("/window/benchmark", test_benchmark);

  ret = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmp_dir);
  }

  g_object_unref (app);
  g_free (workspace);
  g_free (tmp_dir);
  return ret;
}
