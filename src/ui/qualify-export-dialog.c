/* qualify-export-dialog.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "qualify-application.h"
#include "qualify-parse.h"
#include "qualify-export.h"
#include "qualify-export-dialog.h"
#include "qualify-export-dialog-private.h"

/* The hand-off list is written by the same writer as `qualify-cli export`
 * (qualify_export_to_file), in a worker thread with its own workspace
 * connection. The file is replaced atomically, so cancelling or failing leaves
 * an existing file as it was. */

typedef struct
{
  char                *workspace_path;
  char                *path;
  guint                statuses;
  QualifyExportFormat  format;
  GStrv                columns;
  guint64              n_leads;
} ExportJob;

typedef struct
{
  char     *workspace_path;
  gint64    by_status[QUALIFY_N_STATUSES];
} CountJob;

typedef struct
{
  char        *name;
  GtkWidget   *row;
  GtkCheckButton *check;
} ColumnRow;

struct _QualifyExportDialog
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkButton            *cancel_button;
  GtkButton            *export_button;
  GtkSpinner           *spinner;
  AdwPreferencesPage   *page;
  AdwPreferencesGroup  *error_group;
  AdwActionRow         *error_row;
  AdwActionRow         *mql_row;
  AdwActionRow         *sql_row;
  GtkCheckButton       *mql_check;
  GtkCheckButton       *sql_check;
  AdwComboRow          *format_row;
  AdwActionRow         *file_row;
  AdwExpanderRow       *columns_row;
  GtkButton            *all_columns_button;

  char                 *workspace_path;
  GFile                *file;
  GSettings            *settings;
  GPtrArray            *column_rows;   /* of ColumnRow */
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  gboolean              busy;
  gboolean              disposed;
  gboolean              export_after_choosing;
};

G_DEFINE_FINAL_TYPE (QualifyExportDialog, qualify_export_dialog, ADW_TYPE_WINDOW)

enum {
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *name;
  const char *label;
} column_labels[] = {
  { "fit", N_("Fit") },
  { "engagement", N_("Engagement") },
  { "score", N_("Score") },
  { "grade", N_("Grade") },
  { "status", N_("Status") },
  { "mql_at", N_("MQL since") },
  { "sql_at", N_("SQL since") },
  { "reasons", N_("Top reasons") },
  { "last_activity", N_("Last activity") },
};

static void run_export (QualifyExportDialog *self);

/* Helpers */

static const char *
column_get_label (const char *name)
{
  QualifyField field;

  if (qualify_field_from_name (name, &field))
    return qualify_field_get_label (field);

  for (guint i = 0; i < G_N_ELEMENTS (column_labels); i++)
    if (g_str_equal (name, column_labels[i].name))
      return _(column_labels[i].label);

  return name;
}

static void
column_row_free (ColumnRow *row)
{
  g_free (row->name);
  g_free (row);
}

static void
export_job_free (ExportJob *job)
{
  g_free (job->workspace_path);
  g_free (job->path);
  g_strfreev (job->columns);
  g_free (job);
}

static void
count_job_free (CountJob *job)
{
  g_free (job->workspace_path);
  g_free (job);
}

static guint
get_statuses (QualifyExportDialog *self)
{
  guint statuses = 0;

  if (gtk_check_button_get_active (self->mql_check))
    statuses |= 1u << QUALIFY_STATUS_MQL;
  if (gtk_check_button_get_active (self->sql_check))
    statuses |= 1u << QUALIFY_STATUS_SQL;
  return statuses;
}

static QualifyExportFormat
get_format (QualifyExportDialog *self)
{
  return adw_combo_row_get_selected (self->format_row) == 1 ? QUALIFY_EXPORT_JSON
                                                            : QUALIFY_EXPORT_CSV;
}

static const char *
format_extension (QualifyExportFormat format)
{
  return format == QUALIFY_EXPORT_JSON ? "json" : "csv";
}

static guint
count_columns (QualifyExportDialog *self)
{
  guint n = 0;

  for (guint i = 0; i < self->column_rows->len; i++)
    {
      const ColumnRow *row = g_ptr_array_index (self->column_rows, i);
      if (gtk_check_button_get_active (row->check))
        n++;
    }
  return n;
}

static void
update_state (QualifyExportDialog *self)
{
  guint n_columns = count_columns (self);
  g_autofree char *subtitle = NULL;

  if (n_columns == self->column_rows->len)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "All %u column", "All %u columns",
                                             n_columns),
                                n_columns);
  else
    /* Translators: "12 of 26 columns" */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u column",
                                             "%u of %u columns", self->column_rows->len),
                                n_columns, self->column_rows->len);
  adw_expander_row_set_subtitle (self->columns_row, subtitle);
  gtk_button_set_label (self->all_columns_button,
                        n_columns == self->column_rows->len ? _("Select _None") : _("Select _All"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row),
                               get_format (self) == QUALIFY_EXPORT_JSON
                                 ? _("For scripts and integrations")
                                 : _("For spreadsheets and CRMs"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.run",
                                 !self->busy && n_columns > 0 && get_statuses (self) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose", !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), !self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
}

static void
update_file_row (QualifyExportDialog *self)
{
  if (self->file == NULL)
    adw_action_row_set_subtitle (self->file_row, _("Asked when you export"));
  else
    {
      g_autofree char *name = g_file_get_parse_name (self->file);
      adw_action_row_set_subtitle (self->file_row, name);
    }
}

static void
show_error (QualifyExportDialog *self,
            const char          *title,
            const char          *message)
{
  if (title == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_group), FALSE);
      return;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->error_row), title);
  adw_action_row_set_subtitle (self->error_row, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_group), TRUE);
}

static char *
suggested_name (QualifyExportDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  guint statuses = get_statuses (self);
  const char *prefix;

  if (statuses == (1u << QUALIFY_STATUS_SQL))
    prefix = "sql-handoff";
  else if (statuses == ((1u << QUALIFY_STATUS_SQL) | (1u << QUALIFY_STATUS_MQL)))
    prefix = "handoff";
  else
    prefix = "mql-handoff";

  return g_strdup_printf ("%s-%s.%s", prefix, date, format_extension (get_format (self)));
}

static void
add_column_row (QualifyExportDialog *self,
                const char          *name,
                gboolean             active);

static void
load_settings (QualifyExportDialog *self)
{
  const char * const *defaults = qualify_export_get_default_columns ();
  g_auto(GStrv) saved = NULL;
  g_auto(GStrv) statuses = NULL;
  g_autofree char *format = NULL;

  if (self->settings != NULL)
    {
      saved = g_settings_get_strv (self->settings, "export-columns");
      statuses = g_settings_get_strv (self->settings, "export-statuses");
      format = g_settings_get_string (self->settings, "export-format");
    }

  /* Saved columns first, in their order, then the other default ones (off). */
  if (saved != NULL && saved[0] != NULL)
    {
      for (guint i = 0; saved[i] != NULL; i++)
        if (g_strv_contains (defaults, saved[i]))
          add_column_row (self, saved[i], TRUE);
      for (guint i = 0; defaults[i] != NULL; i++)
        if (!g_strv_contains ((const char * const *) saved, defaults[i]))
          add_column_row (self, defaults[i], FALSE);
    }
  else
    for (guint i = 0; defaults[i] != NULL; i++)
      add_column_row (self, defaults[i], TRUE);

  if (statuses != NULL && statuses[0] != NULL)
    {
      gtk_check_button_set_active (self->mql_check,
                                   g_strv_contains ((const char * const *) statuses, "mql"));
      gtk_check_button_set_active (self->sql_check,
                                   g_strv_contains ((const char * const *) statuses, "sql"));
    }
  else
    gtk_check_button_set_active (self->mql_check, TRUE);

  if (get_statuses (self) == 0)
    gtk_check_button_set_active (self->mql_check, TRUE);

  adw_combo_row_set_selected (self->format_row, g_strcmp0 (format, "json") == 0 ? 1 : 0);
}

static void
save_settings (QualifyExportDialog *self)
{
  g_autoptr(GStrvBuilder) statuses = g_strv_builder_new ();
  g_auto(GStrv) status_strv = NULL;
  g_auto(GStrv) columns = NULL;

  if (self->settings == NULL)
    return;

  if (gtk_check_button_get_active (self->mql_check))
    g_strv_builder_add (statuses, "mql");
  if (gtk_check_button_get_active (self->sql_check))
    g_strv_builder_add (statuses, "sql");
  status_strv = g_strv_builder_end (statuses);

  columns = _qualify_export_dialog_dup_columns (self);
  /* All default columns in the default order: store nothing, so new columns appear. */
  if (g_strv_equal ((const char * const *) columns, qualify_export_get_default_columns ()))
    g_clear_pointer (&columns, g_strfreev);

  g_settings_delay (self->settings);
  g_settings_set_strv (self->settings, "export-statuses", (const char * const *) status_strv);
  g_settings_set_strv (self->settings, "export-columns", (const char * const *) columns);
  g_settings_set_string (self->settings, "export-format", format_extension (get_format (self)));
  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);
      if (parent != NULL && g_file_peek_path (parent) != NULL)
        g_settings_set_string (self->settings, "last-export-folder", g_file_peek_path (parent));
    }
  g_settings_apply (self->settings);
}

/* Worker threads */

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(QualifyStore) store = NULL;
  QualifyExportOptions options = { 0 };
  GError *error = NULL;

  store = qualify_store_open (job->workspace_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  options.statuses = job->statuses;
  options.format = job->format;
  options.columns = (const char * const *) job->columns;

  if (!qualify_export_to_file (store, &options, job->path, &job->n_leads, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CountJob *job = task_data;
  g_autoptr(QualifyStore) store = NULL;
  QualifyStoreStats stats = { 0 };
  GError *error = NULL;

  store = qualify_store_open (job->workspace_path, &error);
  if (store == NULL || !qualify_store_get_stats (store, &stats, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  memcpy (job->by_status, stats.by_status, sizeof job->by_status);
  g_task_return_boolean (task, TRUE);
}

/* Signal callbacks */

static void
count_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QualifyExportDialog) self = user_data;
  CountJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *mqls = NULL;
  g_autofree char *sqls = NULL;
  g_autofree char *mql_text = NULL;
  g_autofree char *sql_text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!self->disposed && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Cannot open the workspace"), error->message);
      return;
    }
  if (self->disposed)
    return;

  mqls = qualify_format_count (job->by_status[QUALIFY_STATUS_MQL]);
  sqls = qualify_format_count (job->by_status[QUALIFY_STATUS_SQL]);
  mql_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s lead", "%s leads",
                                           job->by_status[QUALIFY_STATUS_MQL]),
                              mqls);
  sql_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s lead", "%s leads",
                                           job->by_status[QUALIFY_STATUS_SQL]),
                              sqls);
  adw_action_row_set_subtitle (self->mql_row, mql_text);
  adw_action_row_set_subtitle (self->sql_row, sql_text);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QualifyExportDialog) self = user_data;
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  self->busy = FALSE;
  if (self->disposed)
    return;

  update_state (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     qualify_toast_new (_("Export cancelled — no file was written")));
      else
        show_error (self, _("The list could not be exported"), error->message);
      return;
    }

  save_settings (self);
  file = g_object_ref (self->file);
  g_signal_emit (self, signals[EXPORTED], 0, job->n_leads, file);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
chooser_response_cb (GtkNativeDialog     *chooser,
                     int                  response,
                     QualifyExportDialog *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean export_after = self->export_after_choosing;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  self->export_after_choosing = FALSE;
  g_clear_object (&self->chooser);

  if (file == NULL)
    return;

  qualify_export_dialog_set_file (self, file);
  if (export_after)
    run_export (self);
}

static void
status_toggled_cb (GtkCheckButton      *check,
                   GParamSpec          *pspec,
                   QualifyExportDialog *self)
{
  if (self->column_rows != NULL)
    update_state (self);
}

static void
column_toggled_cb (GtkCheckButton      *check,
                   GParamSpec          *pspec,
                   QualifyExportDialog *self)
{
  update_state (self);
}

static void
all_columns_cb (GtkButton           *button,
                QualifyExportDialog *self)
{
  gboolean all = count_columns (self) == self->column_rows->len;

  /* A second click clears, so one button serves both ways. */
  for (guint i = 0; i < self->column_rows->len; i++)
    {
      const ColumnRow *row = g_ptr_array_index (self->column_rows, i);
      gtk_check_button_set_active (row->check, !all);
    }
}

static void
format_selected_cb (AdwComboRow         *row,
                    GParamSpec          *pspec,
                    QualifyExportDialog *self)
{
  const char *extension;
  g_autofree char *basename = NULL;
  char *dot;

  if (self->column_rows != NULL)
    update_state (self);
  if (self->file == NULL)
    return;

  /* Keep the chosen file's extension in step with the format. */
  extension = format_extension (get_format (self));
  basename = g_file_get_basename (self->file);
  dot = strrchr (basename, '.');
  if (dot != NULL && (g_ascii_strcasecmp (dot, ".csv") == 0 ||
                      g_ascii_strcasecmp (dot, ".json") == 0) &&
      g_ascii_strcasecmp (dot + 1, extension) != 0)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);
      g_autofree char *name = NULL;

      *dot = '\0';
      name = g_strdup_printf ("%s.%s", basename, extension);
      if (parent != NULL)
        {
          g_autoptr(GFile) file = g_file_get_child (parent, name);
          qualify_export_dialog_set_file (self, file);
        }
    }
}

static void
add_column_row (QualifyExportDialog *self,
                const char          *name,
                gboolean             active)
{
  ColumnRow *row = g_new0 (ColumnRow, 1);

  row->name = g_strdup (name);
  row->row = adw_action_row_new ();
  row->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (row->check), GTK_ALIGN_CENTER);
  gtk_check_button_set_active (row->check, active);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), column_get_label (name));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row->row), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, column_get_label (name),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row->row), GTK_WIDGET (row->check));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row->row), GTK_WIDGET (row->check));
  g_signal_connect_object (row->check, "notify::active", G_CALLBACK (column_toggled_cb), self, 0);

  adw_expander_row_add_row (self->columns_row, row->row);
  g_ptr_array_add (self->column_rows, row);
}

static void
run_export (QualifyExportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  if (self->busy)
    return;

  if (self->file == NULL || g_file_peek_path (self->file) == NULL)
    {
      if (self->file != NULL)
        show_error (self, _("Choose a local folder"),
                    _("The hand-off list can only be saved to a folder on this computer."));
      self->export_after_choosing = TRUE;
      gtk_widget_activate_action (GTK_WIDGET (self), "export.choose", NULL);
      return;
    }

  show_error (self, NULL, NULL);

  job = g_new0 (ExportJob, 1);
  job->workspace_path = g_strdup (self->workspace_path);
  job->path = g_file_get_path (self->file);
  job->statuses = get_statuses (self);
  job->format = get_format (self);
  job->columns = _qualify_export_dialog_dup_columns (self);

  self->busy = TRUE;
  update_state (self);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, export_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, run_export);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  /* The writer's own result says whether the file was written. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, export_thread);
}

/* Actions */

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  run_export (QUALIFY_EXPORT_DIALOG (widget));
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QualifyExportDialog *self = QUALIFY_EXPORT_DIALOG (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->chooser != NULL || self->busy)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Export Hand-off List"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  if (get_format (self) == QUALIFY_EXPORT_JSON)
    {
      gtk_file_filter_set_name (filter, _("JSON files"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_suffix (filter, "json");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("CSV files"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      gtk_file_filter_add_suffix (filter, "csv");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);
      name = g_file_get_basename (self->file);
      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  else
    {
      name = suggested_name (self);
      if (self->settings != NULL)
        {
          g_autofree char *folder = g_settings_get_string (self->settings, "last-export-folder");

          if (*folder != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
            {
              g_autoptr(GFile) parent = g_file_new_for_path (folder);
              gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
            }
        }
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);

  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Open Folder */

static void
launch_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_warning ("Cannot open the folder: %s", error->message);
}

static void
open_parent_folder (GFile *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *uri = NULL;

  if (parent == NULL)
    return;

  uri = g_file_get_uri (parent);
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, launch_done_cb, NULL);
}

static void
show_items_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GFile) file = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_debug ("FileManager1.ShowItems failed (%s); opening the folder instead", error->message);
      open_parent_folder (file);
    }
}

static void
session_bus_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GFile) file = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      open_parent_folder (file);
      return;
    }

  uri = g_file_get_uri (file);
  uris[0] = uri;
  g_dbus_connection_call (bus,
                          "org.freedesktop.FileManager1",
                          "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1",
                          "ShowItems",
                          g_variant_new ("(^ass)", uris, ""),
                          NULL,
                          G_DBUS_CALL_FLAGS_NONE,
                          5000,
                          NULL,
                          show_items_done_cb,
                          g_steal_pointer (&file));
}

/* Overrides */

static gboolean
qualify_export_dialog_close_request (GtkWindow *window)
{
  QualifyExportDialog *self = QUALIFY_EXPORT_DIALOG (window);

  /* Cancel during an export stops it; the dialog stays to say so. */
  if (self->busy)
    {
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (qualify_export_dialog_parent_class)->close_request (window);
}

static void
qualify_export_dialog_dispose (GObject *object)
{
  QualifyExportDialog *self = QUALIFY_EXPORT_DIALOG (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), QUALIFY_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (qualify_export_dialog_parent_class)->dispose (object);
}

static void
qualify_export_dialog_finalize (GObject *object)
{
  QualifyExportDialog *self = QUALIFY_EXPORT_DIALOG (object);

  g_clear_pointer (&self->workspace_path, g_free);
  g_clear_object (&self->file);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (qualify_export_dialog_parent_class)->finalize (object);
}

static void
qualify_export_dialog_class_init (QualifyExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = qualify_export_dialog_dispose;
  object_class->finalize = qualify_export_dialog_finalize;
  window_class->close_request = qualify_export_dialog_close_request;

  /**
   * QualifyExportDialog::exported:
   * @n_leads: how many leads were written
   * @file: the file written
   *
   * Emitted after the hand-off list was written; the dialog then closes.
   */
  signals[EXPORTED] = g_signal_new ("exported",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/qualify-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, page);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, error_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, error_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, mql_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, sql_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, mql_check);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, sql_check);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, columns_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyExportDialog, all_columns_button);
  gtk_widget_class_bind_template_callback (widget_class, status_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, format_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, all_columns_cb);

  gtk_widget_class_install_action (widget_class, "export.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qualify_export_dialog_init (QualifyExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->column_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) column_row_free);
  self->settings = qualify_application_dup_default_settings ();

  load_settings (self);
  update_file_row (self);
  update_state (self);
}

/* Private API (tests) */

gboolean
_qualify_export_dialog_is_busy (QualifyExportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_EXPORT_DIALOG (self), FALSE);
  return self->busy;
}

void
_qualify_export_dialog_set_statuses (QualifyExportDialog *self,
                                     guint                statuses)
{
  g_return_if_fail (QUALIFY_IS_EXPORT_DIALOG (self));

  gtk_check_button_set_active (self->mql_check, (statuses & (1u << QUALIFY_STATUS_MQL)) != 0);
  gtk_check_button_set_active (self->sql_check, (statuses & (1u << QUALIFY_STATUS_SQL)) != 0);
}

guint
_qualify_export_dialog_get_statuses (QualifyExportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_EXPORT_DIALOG (self), 0);
  return get_statuses (self);
}

void
_qualify_export_dialog_set_format (QualifyExportDialog *self,
                                   QualifyExportFormat  format)
{
  g_return_if_fail (QUALIFY_IS_EXPORT_DIALOG (self));
  adw_combo_row_set_selected (self->format_row, format == QUALIFY_EXPORT_JSON ? 1 : 0);
}

gboolean
_qualify_export_dialog_set_column_active (QualifyExportDialog *self,
                                          const char          *column,
                                          gboolean             active)
{
  g_return_val_if_fail (QUALIFY_IS_EXPORT_DIALOG (self), FALSE);

  for (guint i = 0; i < self->column_rows->len; i++)
    {
      const ColumnRow *row = g_ptr_array_index (self->column_rows, i);

      if (g_str_equal (row->name, column))
        {
          gtk_check_button_set_active (row->check, active);
          return TRUE;
        }
    }
  return FALSE;
}

GStrv
_qualify_export_dialog_dup_columns (QualifyExportDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (QUALIFY_IS_EXPORT_DIALOG (self), NULL);

  for (guint i = 0; i < self->column_rows->len; i++)
    {
      const ColumnRow *row = g_ptr_array_index (self->column_rows, i);
      if (gtk_check_button_get_active (row->check))
        g_strv_builder_add (builder, row->name);
    }
  return g_strv_builder_end (builder);
}

void
_qualify_export_dialog_set_expanded (QualifyExportDialog *self,
                                     gboolean             expanded)
{
  g_return_if_fail (QUALIFY_IS_EXPORT_DIALOG (self));
  adw_expander_row_set_expanded (self->columns_row, expanded);
}

const char *
_qualify_export_dialog_get_error (QualifyExportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_EXPORT_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_group)))
    return NULL;
  return adw_action_row_get_subtitle (self->error_row);
}

/* Public API */

/**
 * qualify_export_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @workspace_path: the workspace file to export from
 *
 * Returns: (transfer floating): a new export dialog; show it with gtk_window_present().
 */
GtkWindow *
qualify_export_dialog_new (GtkWindow  *parent,
                           const char *workspace_path)
{
  QualifyExportDialog *self;
  g_autoptr(GTask) task = NULL;
  CountJob *job;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (workspace_path != NULL, NULL);

  self = g_object_new (QUALIFY_TYPE_EXPORT_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->workspace_path = g_strdup (workspace_path);

  /* How many leads each status has, for the check rows. */
  job = g_new0 (CountJob, 1);
  job->workspace_path = g_strdup (workspace_path);
  task = g_task_new (NULL, NULL, count_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, qualify_export_dialog_new);
  g_task_set_task_data (task, job, (GDestroyNotify) count_job_free);
  g_task_run_in_thread (task, count_thread);

  return GTK_WINDOW (self);
}

/**
 * qualify_export_dialog_set_file:
 * @self: a #QualifyExportDialog
 * @file: where to write the list
 *
 * Sets the destination; an existing file is replaced when exporting.
 */
void
qualify_export_dialog_set_file (QualifyExportDialog *self,
                                GFile               *file)
{
  g_return_if_fail (QUALIFY_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (g_set_object (&self->file, file))
    update_file_row (self);
}

/**
 * qualify_export_dialog_open_folder:
 * @file: an exported file
 *
 * Shows @file selected in the file manager, or opens its folder.
 */
void
qualify_export_dialog_open_folder (GFile *file)
{
  g_return_if_fail (G_IS_FILE (file));

  g_bus_get (G_BUS_TYPE_SESSION, NULL, session_bus_cb, g_object_ref (file));
}
