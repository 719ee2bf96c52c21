/* qualify-window.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif

#include "qualify-application.h"
#include "qualify-window.h"
#include "qualify-demo.h"
#include "qualify-export-dialog.h"
#include "qualify-handoff-page.h"
#include "qualify-import-dialog.h"
#include "qualify-importer.h"
#include "qualify-lead-row.h"
#include "qualify-lead-table.h"
#include "qualify-model-page.h"
#include "qualify-model.h"
#include "qualify-scorer.h"
#include "qualify-store.h"

/* Leads fetched for the first frame while the whole table loads: a screenful
 * even on a tall monitor. GTK 4.8 makes a row widget for each preview row up
 * front (~0.4 ms each), so 300 cost 120 ms of the first frame. */
#define PREVIEW_ROWS 60

/* Size of the generated demo workspace. */
#define DEMO_LEADS 10000
#define DEMO_EVENTS 120000

struct _QualifyWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack         *view_stack;
  GtkStack             *leads_stack;
  GtkSpinner           *loading_spinner;
  GtkLabel             *loading_label;
  GtkButton            *loading_cancel_button;
  AdwStatusPage        *error_page;
  QualifyLeadList      *lead_list;
  QualifyLeadPage      *lead_page;
  AdwBin               *model_bin;
  AdwBin               *handoff_bin;
  GtkWidget            *model_page;     /* NULL until the page exists */
  GtkWidget            *handoff_page;

  char                 *path;
  GCancellable         *cancellable;    /* loading the workspace / making the demo */
  gboolean              loading;
  gboolean              full_loaded;
  gint64                open_time;
  double                first_frame_ms;
  double                full_load_ms;
  gulong                after_paint_id;
  gboolean              full_load_pending;  /* after the preview's first frame */
};

G_DEFINE_FINAL_TYPE (QualifyWindow, qualify_window, ADW_TYPE_APPLICATION_WINDOW)

static GSettings *
get_settings (QualifyWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app == NULL || !QUALIFY_IS_APPLICATION (app))
    return NULL;
  return qualify_application_get_settings (QUALIFY_APPLICATION (app));
}

static void
set_loading (QualifyWindow *self,
             const char    *message,
             gboolean       cancellable)
{
  self->loading = TRUE;
  gtk_label_set_text (self->loading_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_cancel_button), cancellable);
  gtk_spinner_set_spinning (self->loading_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->leads_stack, "loading");
}

static void
show_state (QualifyWindow *self,
            const char    *state)
{
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));
  gtk_stack_set_visible_child_name (self->leads_stack, state);
}

static void
show_error (QualifyWindow *self,
            const char    *title,
            const char    *message)
{
  self->loading = FALSE;
  adw_status_page_set_title (self->error_page, title);
  {
    g_autofree char *escaped = g_markup_escape_text (message, -1);

    adw_status_page_set_description (self->error_page, escaped);
  }
  show_state (self, "error");
}

static void
cancel_loading (QualifyWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->full_load_pending = FALSE;
}

static void load_full_table (QualifyWindow *self);

static void
after_paint_cb (GdkFrameClock *clock,
                QualifyWindow *self)
{
  self->first_frame_ms = (g_get_monotonic_time () - self->open_time) / 1000.0;
  g_debug ("First frame with leads %.0f ms after opening the workspace", self->first_frame_ms);
  if (g_getenv ("QUALIFY_TIMINGS") != NULL)
    g_printerr ("qualify: first frame with leads after %.0f ms\n", self->first_frame_ms);
  g_clear_signal_handler (&self->after_paint_id, clock);

  /* The whole table was held back so it would not compete with the first
   * frame for the two cores and the memory bus; it can load now. */
  if (self->full_load_pending)
    {
      self->full_load_pending = FALSE;
      load_full_table (self);
    }
}

static void
show_table (QualifyWindow    *self,
            QualifyLeadTable *table)
{
  qualify_lead_list_set_table (self->lead_list, table);
  show_state (self, "list");

  if (self->first_frame_ms < 0 && self->after_paint_id == 0 && gtk_widget_get_realized (GTK_WIDGET (self)))
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      self->after_paint_id = g_signal_connect (clock, "after-paint",
                                               G_CALLBACK (after_paint_cb), self);
      gtk_widget_queue_draw (GTK_WIDGET (self->lead_list));
    }
}

typedef struct
{
  QualifyWindow *self;
  char          *path;
} LoadRequest;

static LoadRequest *
load_request_new (QualifyWindow *self)
{
  LoadRequest *req = g_new0 (LoadRequest, 1);

  req->self = g_object_ref (self);
  req->path = g_strdup (self->path);
  return req;
}

static void
load_request_free (LoadRequest *req)
{
  g_object_unref (req->self);
  g_free (req->path);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadRequest, load_request_free)


static void
preview_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LoadRequest) req = user_data;
  QualifyWindow *self = req->self;
  g_autoptr(QualifyLeadTable) table = NULL;
  g_autoptr(GError) error = NULL;

  table = qualify_lead_table_load_finish (result, &error);
  if (g_strcmp0 (req->path, self->path) != 0 || self->full_loaded ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Errors are reported by the full load. Nothing scored yet: wait for the
   * whole table. */
  if (table == NULL || qualify_lead_table_get_n_leads (table) == 0)
    {
      load_full_table (self);
      return;
    }

  g_debug ("Preview of %u leads in %.0f ms", qualify_lead_table_get_n_leads (table),
           (g_get_monotonic_time () - self->open_time) / 1000.0);
  show_table (self, table);

  /* With a first frame coming, the whole table waits for it (see after_paint_cb). */
  if (self->after_paint_id != 0)
    self->full_load_pending = TRUE;
  else
    load_full_table (self);
}

static void
table_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LoadRequest) req = user_data;
  QualifyWindow *self = req->self;
  g_autoptr(QualifyLeadTable) table = NULL;
  g_autoptr(GError) error = NULL;

  table = qualify_lead_table_load_finish (result, &error);
  if (g_strcmp0 (req->path, self->path) != 0)
    return;

  if (table == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, _("The Workspace Could Not Be Opened"), error->message);
      return;
    }

  self->loading = FALSE;
  self->full_loaded = TRUE;

#ifdef __GLIBC__
  /* The loader's SQLite page caches were freed in worker threads' arenas;
   * give that memory back. */
  malloc_trim (0);
#endif

  self->full_load_ms = (g_get_monotonic_time () - self->open_time) / 1000.0;
  g_debug ("All %u leads loaded in %.0f ms", qualify_lead_table_get_n_leads (table),
           self->full_load_ms);
  if (g_getenv ("QUALIFY_TIMINGS") != NULL)
    g_printerr ("qualify: all %u leads loaded after %.0f ms\n",
                qualify_lead_table_get_n_leads (table), self->full_load_ms);

  if (qualify_lead_table_get_n_leads (table) == 0)
    {
      qualify_lead_list_set_table (self->lead_list, NULL);
      show_state (self, "welcome");
      return;
    }

  show_table (self, table);
}

/* The Model and Hand-off pages read the workspace themselves, each on its own
 * connection; they are told when it changes. */
static void
update_pages (QualifyWindow *self)
{
  if (self->model_page != NULL)
    qualify_model_page_set_workspace (QUALIFY_MODEL_PAGE (self->model_page), self->path);
  if (self->handoff_page != NULL)
    qualify_handoff_page_set_workspace (QUALIFY_HANDOFF_PAGE (self->handoff_page), self->path);
}

static void
reload (QualifyWindow *self)
{
  update_pages (self);
  cancel_loading (self);
  self->cancellable = g_cancellable_new ();
  self->full_loaded = FALSE;
  self->open_time = g_get_monotonic_time ();
  self->first_frame_ms = -1;
  self->full_load_ms = -1;
  self->loading = TRUE;

  /* The preview first, alone, so the first rows are not slowed down by the
   * whole table loading on the same cores; the whole table follows. */
  qualify_lead_table_load_async (self->path, PREVIEW_ROWS, self->cancellable,
                                 preview_loaded_cb, load_request_new (self));
}

static void
load_full_table (QualifyWindow *self)
{
  qualify_lead_table_load_async (self->path, 0, self->cancellable,
                                 table_loaded_cb, load_request_new (self));
}

static void
update_title (QualifyWindow *self)
{
  g_autofree char *base = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", self->path != NULL);

  if (self->path == NULL)
    {
      adw_view_switcher_title_set_subtitle (self->switcher_title, "");
      return;
    }

  base = g_path_get_basename (self->path);
  if (g_str_has_suffix (base, ".qualify"))
    base[strlen (base) - strlen (".qualify")] = '\0';
  adw_view_switcher_title_set_subtitle (self->switcher_title, base);
}

/* Returns the workspace path, creating the default workspace when none is open
 * (so "Import Leads…" works on the first run). */
static const char *
ensure_workspace (QualifyWindow *self)
{
  if (self->path == NULL)
    {
      g_autofree char *path = qualify_store_get_default_path ();
      g_autoptr(GError) error = NULL;
      g_autoptr(QualifyStore) store = qualify_store_open (path, &error);

      if (store == NULL)
        {
          adw_toast_overlay_add_toast (self->toast_overlay, qualify_toast_new (error->message));
          return NULL;
        }
      self->path = g_steal_pointer (&path);
      update_title (self);
      if (get_settings (self) != NULL)
        g_settings_set_string (get_settings (self), "last-workspace", self->path);
    }

  return self->path;
}

/* Import ------------------------------------------------------------------ */

typedef struct
{
  char              *path;
  QualifyImportKind  kind;
  QualifyImportStats stats;
  QualifyScoreSummary summary;
} RescoreData;

static void
rescore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RescoreData *data = task_data;
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *json = NULL;
  gint64 version = 0;
  GError *error = NULL;

  if (!(store = qualify_store_open (data->path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A new workspace has no model yet: start with the default one. */
  json = qualify_store_dup_active_model_json (store, &version, NULL);
  if (json == NULL)
    {
      g_autoptr(QualifyModel) model = qualify_model_new_default ();
      g_autofree char *data_json = qualify_model_to_data (model, TRUE);

      if (qualify_store_save_model (store, qualify_model_get_name (model), data_json,
                                    _("Default model"), TRUE, &error) <= 0)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  if (!qualify_score_workspace (store, g_get_real_time () / G_USEC_PER_SEC, cancellable,
                                &data->summary, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
show_leads_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  QualifyWindow *self = QUALIFY_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  adw_view_stack_set_visible_child_name (self->view_stack, "leads");
  qualify_lead_list_clear_filters (self->lead_list);
}

static void
rescored_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QualifyWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  RescoreData *data = g_task_get_task_data (G_TASK (result));
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Imported, but scoring failed: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, qualify_toast_new (msg));
    }

  {
    guint64 n = data->kind == QUALIFY_IMPORT_LEADS ? data->stats.created + data->stats.updated
                                                   : data->stats.created;
    g_autofree char *count = qualify_format_count (n);
    g_autofree char *skipped = qualify_format_count (data->stats.skipped);

    if (data->kind == QUALIFY_IMPORT_LEADS)
      /* Translators: %s is a number of leads, e.g. "Imported 12,403 leads" */
      title = g_strdup_printf (ngettext ("Imported %s lead", "Imported %s leads", n), count);
    else
      title = g_strdup_printf (ngettext ("Imported %s event", "Imported %s events", n), count);

    if (data->stats.already > 0)
      {
        g_autofree char *already = qualify_format_count (data->stats.already);
        /* Translators: appended to "Imported 120 events": " · 3,400 already there" (events an
         * earlier import added, not added again) */
        g_autofree char *with_already = g_strdup_printf (_("%s · %s already there"), title, already);

        g_free (title);
        title = g_steal_pointer (&with_already);
      }

    if (data->stats.skipped > 0)
      {
        /* Translators: appended to "Imported 12,403 leads": " · 37 rows skipped" */
        g_autofree char *with_skipped = g_strdup_printf (ngettext ("%s · %s row skipped",
                                                                   "%s · %s rows skipped",
                                                                   data->stats.skipped),
                                                         title, skipped);
        g_free (title);
        title = g_steal_pointer (&with_skipped);
      }
  }

  toast = qualify_toast_new (title);
  adw_toast_set_button_label (toast, _("_Show"));
  adw_toast_set_action_name (toast, "win.show-leads");
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);

  if (g_strcmp0 (data->path, self->path) == 0)
    {
      reload (self);
      /* the rescore queued its MQL/SQL transitions: hand them off now where asked */
      if (self->handoff_page != NULL)
        qualify_handoff_page_auto_push (QUALIFY_HANDOFF_PAGE (self->handoff_page));
    }
}

static void
rescore_data_free (RescoreData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
imported_cb (GtkWindow     *dialog,
             gpointer       stats,
             QualifyWindow *self)
{
  g_autoptr(GTask) task = NULL;
  RescoreData *data = g_new0 (RescoreData, 1);

  data->path = g_strdup (self->path);
  data->kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "qualify-import-kind"));
  if (stats != NULL)
    data->stats = *(const QualifyImportStats *) stats;

  set_loading (self, _("Scoring the leads…"), FALSE);
  task = g_task_new (NULL, NULL, rescored_cb, g_object_ref (self));
  g_task_set_source_tag (task, imported_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) rescore_data_free);
  g_task_run_in_thread (task, rescore_thread);
}

static void
import_leads_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  qualify_window_import_file (QUALIFY_WINDOW (widget), QUALIFY_IMPORT_LEADS, NULL);
}

static void
import_events_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  qualify_window_import_file (QUALIFY_WINDOW (widget), QUALIFY_IMPORT_EVENTS, NULL);
}

/* Export ------------------------------------------------------------------ */

static void
open_folder_cb (AdwToast *toast,
                GFile    *file)
{
  qualify_export_dialog_open_folder (file);
}

static void
exported_cb (GtkWindow     *dialog,
             guint64        n_leads,
             GFile         *file,
             QualifyWindow *self)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  {
    g_autofree char *count = qualify_format_count (n_leads);

    /* Translators: %s is a number of leads */
    title = g_strdup_printf (ngettext ("Exported %s lead", "Exported %s leads", n_leads), count);
  }
  toast = qualify_toast_new (title);
  adw_toast_set_button_label (toast, _("_Open Folder"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (open_folder_cb),
                         g_object_ref (file), (GClosureNotify) g_object_unref, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  QualifyWindow *self = QUALIFY_WINDOW (widget);

  if (self->path == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   qualify_toast_new (_("Open a workspace with leads to export them")));
      return;
    }

  {
    GtkWindow *dialog = qualify_export_dialog_new (GTK_WINDOW (self), self->path);

    g_signal_connect_object (dialog, "exported", G_CALLBACK (exported_cb), self, 0);
    gtk_window_present (dialog);
  }
}

/* Navigation -------------------------------------------------------------- */

static void
lead_activated_cb (QualifyWindow *self,
                   gint64         lead_id)
{
  qualify_window_show_lead (self, lead_id);
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  QualifyWindow *self = QUALIFY_WINDOW (widget);

  if (!qualify_window_get_lead_page_visible (self))
    return;

  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  gtk_widget_grab_focus (GTK_WIDGET (qualify_lead_list_get_column_view (self->lead_list)));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  QualifyWindow *self = QUALIFY_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  adw_view_stack_set_visible_child_name (self->view_stack, "leads");
  qualify_lead_list_focus_search (self->lead_list);
}

static void
loading_cancel_cb (QualifyWindow *self)
{
  cancel_loading (self);
  self->loading = FALSE;
  show_state (self, self->full_loaded ? "list" : "welcome");
}

/* Workspaces -------------------------------------------------------------- */

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     QualifyWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      gboolean create = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "create"));

      if (path != NULL && create && !g_str_has_suffix (path, ".qualify"))
        {
          char *with_suffix = g_strconcat (path, ".qualify", NULL);
          g_free (path);
          path = with_suffix;
        }

      if (path != NULL)
        qualify_window_open_workspace (self, path);
    }

  g_object_unref (chooser);
}

/* Demo -------------------------------------------------------------------- */

static void
demo_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *part_wal = g_strconcat (part, "-wal", NULL);
  g_autofree char *part_shm = g_strconcat (part, "-shm", NULL);
  QualifyDemoOptions options = { 0 };
  QualifyStore *store;
  GError *error = NULL;
  gboolean ok;

  /* Built under another name and renamed when complete, so a cancelled or
   * failed run never leaves a half-made demo behind. */
  g_unlink (part);
  g_unlink (part_wal);
  g_unlink (part_shm);

  if (!(store = qualify_store_open (part, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  options.n_leads = DEMO_LEADS;
  options.n_events = DEMO_EVENTS;
  options.seed = 2026;
  options.now = g_get_real_time () / G_USEC_PER_SEC;

  ok = qualify_demo_populate (store, &options, cancellable, &error);
  g_object_unref (store);

  if (ok && g_rename (part, path) != 0)
    {
      int errsv = errno;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not save the demo workspace as “%s”: %s"), path, g_strerror (errsv));
      ok = FALSE;
    }

  if (!ok)
    {
      g_unlink (part);
      g_unlink (part_wal);
      g_unlink (part_shm);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
demo_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QualifyWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *path = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED))
        return;
      show_error (self, _("The Demo Workspace Could Not Be Created"), error->message);
      return;
    }

  qualify_window_open_workspace (self, path);
}

/* Overrides --------------------------------------------------------------- */

static gboolean
qualify_window_close_request (GtkWindow *window)
{
  QualifyWindow *self = QUALIFY_WINDOW (window);
  GSettings *settings = get_settings (self);

  if (settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (settings);
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      g_settings_apply (settings);
    }

  cancel_loading (self);

  return GTK_WINDOW_CLASS (qualify_window_parent_class)->close_request (window);
}

static void
qualify_window_realize (GtkWidget *widget)
{
  QualifyWindow *self = QUALIFY_WINDOW (widget);

  GTK_WIDGET_CLASS (qualify_window_parent_class)->realize (widget);

  /* A workspace opened before the window was shown: time its first frame too. */
  if (self->first_frame_ms < 0 && self->after_paint_id == 0 &&
      g_str_equal (gtk_stack_get_visible_child_name (self->leads_stack), "list"))
    self->after_paint_id = g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                                             G_CALLBACK (after_paint_cb), self);
}

static void
qualify_window_unrealize (GtkWidget *widget)
{
  QualifyWindow *self = QUALIFY_WINDOW (widget);

  if (self->after_paint_id != 0)
    g_clear_signal_handler (&self->after_paint_id, gtk_widget_get_frame_clock (widget));
  /* No frame will come: load the whole table now. */
  if (self->full_load_pending)
    {
      self->full_load_pending = FALSE;
      load_full_table (self);
    }

  GTK_WIDGET_CLASS (qualify_window_parent_class)->unrealize (widget);
}

static void
qualify_window_constructed (GObject *object)
{
  QualifyWindow *self = QUALIFY_WINDOW (object);
  GSettings *settings;

  G_OBJECT_CLASS (qualify_window_parent_class)->constructed (object);

  settings = get_settings (self);
  if (settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
}

static void
qualify_window_dispose (GObject *object)
{
  QualifyWindow *self = (QualifyWindow *) object;

  cancel_loading (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUALIFY_TYPE_WINDOW);

  G_OBJECT_CLASS (qualify_window_parent_class)->dispose (object);
}

static void
qualify_window_finalize (GObject *object)
{
  QualifyWindow *self = (QualifyWindow *) object;

  g_free (self->path);

  G_OBJECT_CLASS (qualify_window_parent_class)->finalize (object);
}

static void
qualify_window_class_init (QualifyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = qualify_window_constructed;
  object_class->dispose = qualify_window_dispose;
  object_class->finalize = qualify_window_finalize;
  widget_class->realize = qualify_window_realize;
  widget_class->unrealize = qualify_window_unrealize;
  window_class->close_request = qualify_window_close_request;

  g_type_ensure (QUALIFY_TYPE_LEAD_LIST);
  g_type_ensure (QUALIFY_TYPE_LEAD_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/qualify-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, leads_stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, loading_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, lead_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, lead_page);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, model_bin);
  gtk_widget_class_bind_template_child (widget_class, QualifyWindow, handoff_bin);
  gtk_widget_class_bind_template_callback (widget_class, lead_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, loading_cancel_cb);

  gtk_widget_class_install_action (widget_class, "win.import-leads", NULL, import_leads_action);
  gtk_widget_class_install_action (widget_class, "win.import-events", NULL, import_events_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-leads", NULL, show_leads_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.import-leads", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.import-events", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_I, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.import-events", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.go-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.go-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Back, 0, "win.go-back", NULL);
}

static void G_GNUC_UNUSED
page_open_lead_cb (QualifyWindow *self,
                   gint64         lead_id)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "leads");
  qualify_window_show_lead (self, lead_id);
}

/* A new model version was applied and the workspace rescored. */
static void G_GNUC_UNUSED
model_applied_cb (QualifyWindow *self,
                  gint64         version)
{
  if (self->path != NULL)
    reload (self);
  if (self->handoff_page != NULL)
    qualify_handoff_page_auto_push (QUALIFY_HANDOFF_PAGE (self->handoff_page));
}

static void
qualify_window_init (QualifyWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->model_page = qualify_model_page_new ();
  adw_bin_set_child (self->model_bin, self->model_page);
  g_signal_connect_object (self->model_page, "open-lead", G_CALLBACK (page_open_lead_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_page, "applied", G_CALLBACK (model_applied_cb), self,
                           G_CONNECT_SWAPPED);
  self->handoff_page = qualify_handoff_page_new ();
  adw_bin_set_child (self->handoff_bin, self->handoff_page);
  g_signal_connect_object (self->handoff_page, "open-lead", G_CALLBACK (page_open_lead_cb), self,
                           G_CONNECT_SWAPPED);

  self->first_frame_ms = -1;
  self->full_load_ms = -1;
  show_state (self, "welcome");
  update_title (self);
}

/* Public API -------------------------------------------------------------- */

QualifyWindow *
qualify_window_new (QualifyApplication *application)
{
  return g_object_new (QUALIFY_TYPE_WINDOW, "application", application, NULL);
}

void
qualify_window_open_workspace (QualifyWindow *self,
                               const char    *path)
{
  GSettings *settings;

  g_return_if_fail (QUALIFY_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  cancel_loading (self);
  g_free (self->path);
  self->path = g_strdup (path);
  update_title (self);

  settings = get_settings (self);
  if (settings != NULL)
    g_settings_set_string (settings, "last-workspace", path);

  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  adw_view_stack_set_visible_child_name (self->view_stack, "leads");
  qualify_lead_list_set_table (self->lead_list, NULL);
  set_loading (self, _("Opening the workspace…"), FALSE);
  reload (self);
}

void
qualify_window_open_demo (QualifyWindow *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QUALIFY_IS_WINDOW (self));

  path = qualify_application_dup_demo_path ();
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      qualify_window_open_workspace (self, path);
      return;
    }

  cancel_loading (self);
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  adw_view_stack_set_visible_child_name (self->view_stack, "leads");
  set_loading (self, _("Creating the demo workspace…\nGenerating leads and their activity, then scoring them."),
               TRUE);

  task = g_task_new (NULL, self->cancellable, demo_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, qualify_window_open_demo);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (task, demo_thread);
}

GtkWindow *
qualify_window_import_file (QualifyWindow     *self,
                            QualifyImportKind  kind,
                            GFile             *file)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), NULL);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  {
    GtkWindow *dialog;

    if (ensure_workspace (self) == NULL)
      return NULL;

    dialog = qualify_import_dialog_new (GTK_WINDOW (self), self->path, kind);
    g_object_set_data (G_OBJECT (dialog), "qualify-import-kind", GINT_TO_POINTER (kind));
    g_signal_connect_object (dialog, "imported", G_CALLBACK (imported_cb), self, 0);
    if (file != NULL)
      qualify_import_dialog_set_file (QUALIFY_IMPORT_DIALOG (dialog), file);
    gtk_window_present (dialog);
    return dialog;
  }
}

void
qualify_window_choose_workspace (QualifyWindow *self,
                                 gboolean       create)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_if_fail (QUALIFY_IS_WINDOW (self));

  chooser = gtk_file_chooser_native_new (create ? _("New Workspace") : _("Open Workspace"),
                                         GTK_WINDOW (self),
                                         create ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         create ? _("_Create") : _("_Open"),
                                         _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Qualify Workspaces"));
  gtk_file_filter_add_pattern (filter, "*.qualify");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (create)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("Leads.qualify"));

  g_object_set_data (G_OBJECT (chooser), "create", GINT_TO_POINTER (create));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

const char *
qualify_window_get_workspace_path (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), NULL);
  return self->path;
}

gboolean
qualify_window_get_loading (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), FALSE);
  return self->loading || qualify_lead_model_get_busy (qualify_lead_list_get_model (self->lead_list));
}

void
qualify_window_show_lead (QualifyWindow *self,
                          gint64         lead_id)
{
  g_return_if_fail (QUALIFY_IS_WINDOW (self));

  if (self->path == NULL)
    return;

  qualify_lead_page_load (self->lead_page, self->path, lead_id);
  gtk_stack_set_visible_child_name (self->main_stack, "lead");
  gtk_widget_child_focus (GTK_WIDGET (self->lead_page), GTK_DIR_TAB_FORWARD);
}

gboolean
qualify_window_get_lead_page_visible (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "lead") == 0;
}

QualifyLeadList *
qualify_window_get_lead_list (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), NULL);
  return self->lead_list;
}

QualifyLeadPage *
qualify_window_get_lead_page (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), NULL);
  return self->lead_page;
}

const char *
qualify_window_get_leads_state (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->leads_stack);
}

void
qualify_window_add_toast (QualifyWindow *self,
                          AdwToast      *toast)
{
  g_return_if_fail (QUALIFY_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

double
qualify_window_get_first_frame_ms (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), -1);
  return self->first_frame_ms;
}

double
qualify_window_get_full_load_ms (QualifyWindow *self)
{
  g_return_val_if_fail (QUALIFY_IS_WINDOW (self), -1);
  return self->full_load_ms;
}
