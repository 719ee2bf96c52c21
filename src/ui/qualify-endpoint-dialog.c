/* qualify-endpoint-dialog.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-endpoint-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-delivery.h"
#include "qualify-endpoint-dialog.h"
#include "qualify-secrets.h"
#include "qualify-store.h"
#include "qualify-webhook.h"

struct _QualifyEndpointDialog
{
  AdwWindow             parent_instance;

  GtkStack             *stack;
  GtkButton            *add_button;
  GtkButton            *cancel_button;
  AdwEntryRow          *name_row;
  AdwComboRow          *format_row;
  AdwEntryRow          *url_row;
  AdwPasswordEntryRow  *token_row;
  AdwEntryRow          *mapping_row;
  AdwActionRow         *secret_info_row;
  GtkSwitch            *mql_switch;
  GtkSwitch            *sql_switch;
  GtkSwitch            *dq_switch;
  GtkSwitch            *auto_switch;
  GtkLabel             *error_label;
  GtkLabel             *secret_label;

  char                 *path;
  char                 *editing;      /* name of the endpoint being edited, or NULL */
  gint64                editing_id;
  char                 *secret;
  char                 *pending_secret;  /* a new webhook's secret, made when the form opens */
  char                 *error;
  char                 *test_request;
  char                 *test_response;
  gboolean              testing;
};

G_DEFINE_FINAL_TYPE (QualifyEndpointDialog, qualify_endpoint_dialog, ADW_TYPE_WINDOW)

enum { ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char * const url_hints[QUALIFY_N_FORMATS] = {
  "https://hooks.example.com/qualify",
  "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert",
  "https://yourcompany.my.salesforce.com",
  "https://yourcompany.pipedrive.com/api",
};

static void
format_changed_cb (QualifyEndpointDialog *self)
{
  QualifyEndpointFormat format = adw_combo_row_get_selected (self->format_row);
  gboolean webhook = format == QUALIFY_FORMAT_WEBHOOK;
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));

  gtk_widget_set_visible (GTK_WIDGET (self->token_row), !webhook);
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_row), !webhook);
  {
    const char *mapping = gtk_editable_get_text (GTK_EDITABLE (self->mapping_row));
    gboolean is_default = *mapping == '\0';

    for (guint i = 0; i < QUALIFY_N_FORMATS && !is_default; i++)
      is_default = g_strcmp0 (mapping, qualify_endpoint_default_mapping (i)) == 0;
    if (is_default)
      gtk_editable_set_text (GTK_EDITABLE (self->mapping_row),
                             webhook ? "" : qualify_endpoint_default_mapping (format));
  }
  gtk_widget_set_visible (GTK_WIDGET (self->secret_info_row), webhook);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row),
                                 format == QUALIFY_FORMAT_PIPEDRIVE ? _("API Token") : _("Access Token"));
  /* Suggest the CRM's own address while the field is empty or still a suggestion. */
  for (guint i = 0; i < QUALIFY_N_FORMATS; i++)
    if (*url == '\0' || g_str_equal (url, url_hints[i]))
      {
        gtk_editable_set_text (GTK_EDITABLE (self->url_row), format == QUALIFY_FORMAT_WEBHOOK ? "" : url_hints[format]);
        break;
      }
}

static void
show_error (QualifyEndpointDialog *self,
            const char            *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Saves an edited endpoint; a new token replaces the one in the keyring, a
 * rename moves the secret to the new name. */
static void
save_edit (QualifyEndpointDialog *self,
           QualifyEndpoint       *endpoint,
           const char            *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) before = NULL;
  g_autofree char *workspace_id = NULL;
  g_autofree char *secret = NULL;

  if (!(store = qualify_store_open (self->path, &error)) ||
      !(workspace_id = qualify_store_dup_workspace_id (store, &error)) ||
      !(before = qualify_endpoint_get (store, self->editing, &error)))
    {
      show_error (self, error->message);
      return;
    }
  endpoint->id = before->id;
  endpoint->enabled = before->enabled;
  if (endpoint->external_id == NULL)
    endpoint->external_id = g_strdup (before->external_id);

  if (token != NULL && *token != '\0' && endpoint->format != QUALIFY_FORMAT_WEBHOOK)
    secret = g_strdup (token);
  else if (!(secret = qualify_secrets_lookup (workspace_id, self->editing, NULL, &error)) &&
           endpoint->format != QUALIFY_FORMAT_WEBHOOK)
    {
      show_error (self, error ? error->message : _("Enter the access token the CRM gave you."));
      return;
    }
  if (secret == NULL)
    secret = qualify_webhook_generate_secret ();   /* a webhook whose secret was lost */

  if (!qualify_endpoint_update (store, endpoint, &error) ||
      !qualify_secrets_store (workspace_id, endpoint->name, secret, NULL, &error))
    {
      show_error (self, error->message);
      return;
    }
  if (g_strcmp0 (endpoint->name, self->editing) != 0)
    qualify_secrets_clear (workspace_id, self->editing, NULL, NULL);
  show_error (self, NULL);
  g_signal_emit (self, signals[ADDED], 0, endpoint->id, endpoint->name);
  gtk_window_close (GTK_WINDOW (self));
}

/* The endpoint as the form describes it, or NULL with the reason shown. */
static QualifyEndpoint *
form_endpoint (QualifyEndpointDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  QualifyEndpointFormat format = adw_combo_row_get_selected (self->format_row);
  g_autoptr(GError) error = NULL;
  QualifyEndpoint *endpoint;

  if (!qualify_endpoint_check_url (url, &error))
    {
      show_error (self, error->message);
      return NULL;
    }
  endpoint = qualify_endpoint_new (*name ? name : _("Test"), url, format);
  {
    const char *mapping = gtk_editable_get_text (GTK_EDITABLE (self->mapping_row));

    if (format != QUALIFY_FORMAT_WEBHOOK && *mapping != '\0')
      endpoint->mapping = g_strdup (mapping);
  }
  return endpoint;
}

typedef struct
{
  char            *path;
  QualifyEndpoint *endpoint;
  char            *secret;
  char            *request;
  char            *response;
} TestJob;

static void
test_job_free (TestJob *job)
{
  g_free (job->path);
  qualify_endpoint_free (job->endpoint);
  g_free (job->secret);
  g_free (job->request);
  g_free (job->response);
  g_free (job);
}

static void
test_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TestJob *job = task_data;
  g_autoptr(QualifyStore) store = NULL;
  GError *error = NULL;

  if (!(store = qualify_store_open (job->path, &error)) ||
      !qualify_delivery_test_endpoint_with_secret (store, job->endpoint, job->secret,
                                                   &job->request, &job->response, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
tested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (source);
  TestJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog, *view, *scrolled;
  g_autofree char *text = NULL;

  self->testing = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "endpoint.test", TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_free (self->test_request);
  g_free (self->test_response);
  self->test_request = g_strdup (job->request);
  self->test_response = g_strdup (job->response);

  text = g_strdup_printf ("%s\n\n── %s ──\n\n%s", job->request, _("Response"), job->response);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Test Event Sent"),
                                   _("A made-up MQL with these settings; nothing was saved or queued."));
  view = gtk_text_view_new ();
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_CHAR);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Request and response"), -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 260);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 520);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
test_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  QualifyEndpoint *endpoint;
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  TestJob *job;

  if (self->testing || !(endpoint = form_endpoint (self)))
    return;
  job = g_new0 (TestJob, 1);
  job->path = g_strdup (self->path);
  job->endpoint = endpoint;
  if (endpoint->format == QUALIFY_FORMAT_WEBHOOK)
    {
      /* a saved endpoint's own secret, or the one this form will save */
      if (self->editing != NULL)
        {
          g_autoptr(QualifyStore) store = qualify_store_open (self->path, NULL);
          g_autofree char *workspace_id = store ? qualify_store_dup_workspace_id (store, NULL) : NULL;

          job->secret = workspace_id ? qualify_secrets_lookup (workspace_id, self->editing, NULL, NULL) : NULL;
        }
      if (job->secret == NULL)
        {
          if (self->pending_secret == NULL)
            self->pending_secret = qualify_webhook_generate_secret ();
          job->secret = g_strdup (self->pending_secret);
        }
    }
  else if (token != NULL && *token != '\0')
    job->secret = g_strdup (token);
  else if (self->editing != NULL)
    {
      g_autoptr(QualifyStore) store = qualify_store_open (self->path, NULL);
      g_autofree char *workspace_id = store ? qualify_store_dup_workspace_id (store, NULL) : NULL;

      job->secret = workspace_id ? qualify_secrets_lookup (workspace_id, self->editing, NULL, NULL) : NULL;
    }
  if (job->secret == NULL)
    {
      test_job_free (job);
      show_error (self, _("Enter the access token the CRM gave you."));
      return;
    }

  self->testing = TRUE;
  gtk_widget_action_set_enabled (widget, "endpoint.test", FALSE);
  task = g_task_new (self, NULL, tested_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) test_job_free);
  g_task_run_in_thread (task, test_thread);
}

static void
add_activated (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autofree char *workspace_id = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  QualifyEndpointFormat format = adw_combo_row_get_selected (self->format_row);
  g_autofree char *secret = NULL;

  endpoint = qualify_endpoint_new (name, url, format);
  endpoint->transitions = (gtk_switch_get_active (self->mql_switch) ? 1u << QUALIFY_STATUS_MQL : 0) |
                          (gtk_switch_get_active (self->sql_switch) ? 1u << QUALIFY_STATUS_SQL : 0) |
                          (gtk_switch_get_active (self->dq_switch) ? 1u << QUALIFY_STATUS_DISQUALIFIED : 0);
  endpoint->auto_push = gtk_switch_get_active (self->auto_switch);
  {
    const char *mapping = gtk_editable_get_text (GTK_EDITABLE (self->mapping_row));

    if (format != QUALIFY_FORMAT_WEBHOOK && *mapping != '\0' &&
        g_strcmp0 (mapping, qualify_endpoint_default_mapping (format)) != 0)
      endpoint->mapping = g_strdup (mapping);
  }

  if (self->editing != NULL)
    {
      save_edit (self, endpoint, token);
      return;
    }

  if (format == QUALIFY_FORMAT_WEBHOOK)
    secret = self->pending_secret ? g_strdup (self->pending_secret) : qualify_webhook_generate_secret ();
  else if (token == NULL || *token == '\0')
    {
      show_error (self, _("Enter the access token the CRM gave you."));
      return;
    }
  else
    secret = g_strdup (token);

  if (!(store = qualify_store_open (self->path, &error)) ||
      !(workspace_id = qualify_store_dup_workspace_id (store, &error)) ||
      !qualify_endpoint_add (store, endpoint, &error))
    {
      show_error (self, error->message);
      return;
    }
  if (!qualify_secrets_store (workspace_id, endpoint->name, secret, NULL, &error))
    {
      qualify_endpoint_remove (store, endpoint->name, NULL);
      show_error (self, error->message);
      return;
    }

  show_error (self, NULL);
  g_signal_emit (self, signals[ADDED], 0, endpoint->id, endpoint->name);

  if (format == QUALIFY_FORMAT_WEBHOOK)
    {
      self->secret = g_steal_pointer (&secret);
      gtk_label_set_text (self->secret_label, self->secret);
      gtk_stack_set_visible_child_name (self->stack, "secret");
      gtk_widget_set_visible (GTK_WIDGET (self->add_button), FALSE);
      gtk_button_set_label (self->cancel_button, _("_Done"));
      gtk_window_set_title (GTK_WINDOW (self), _("Signing Secret"));
    }
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
copy_secret_activated (GtkWidget  *widget,
                       const char *action,
                       GVariant   *param)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (widget);

  if (self->secret != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->secret);
}

static void
qualify_endpoint_dialog_finalize (GObject *object)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (object);

  g_free (self->path);
  g_free (self->editing);
  g_free (self->pending_secret);
  g_free (self->test_request);
  g_free (self->test_response);
  if (self->secret)
    memset (self->secret, 0, strlen (self->secret));
  g_free (self->secret);
  g_free (self->error);
  G_OBJECT_CLASS (qualify_endpoint_dialog_parent_class)->finalize (object);
}

static void
qualify_endpoint_dialog_class_init (QualifyEndpointDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qualify_endpoint_dialog_finalize;

  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                 NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/handoff/qualify-endpoint-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, mapping_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, secret_info_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, mql_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, sql_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, dq_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, auto_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, secret_label);

  gtk_widget_class_install_action (widget_class, "endpoint.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "endpoint.copy-secret", NULL, copy_secret_activated);
  gtk_widget_class_install_action (widget_class, "endpoint.test", NULL, test_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qualify_endpoint_dialog_init (QualifyEndpointDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (format_changed_cb), self);
  format_changed_cb (self);
}

GtkWindow *
qualify_endpoint_dialog_new (GtkWindow  *parent,
                             const char *workspace_path)
{
  QualifyEndpointDialog *self = g_object_new (QUALIFY_TYPE_ENDPOINT_DIALOG,
                                              "transient-for", parent, NULL);

  self->path = g_strdup (workspace_path);
  return GTK_WINDOW (self);
}

GtkWindow *
qualify_endpoint_dialog_new_for_edit (GtkWindow  *parent,
                                      const char *workspace_path,
                                      const char *name)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (qualify_endpoint_dialog_new (parent, workspace_path));
  g_autoptr(QualifyStore) store = qualify_store_open (workspace_path, NULL);
  g_autoptr(QualifyEndpoint) endpoint = store ? qualify_endpoint_get (store, name, NULL) : NULL;

  self->editing = g_strdup (name);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Endpoint"));
  gtk_button_set_label (self->add_button, _("_Save"));
  if (endpoint != NULL)
    {
      adw_combo_row_set_selected (self->format_row, endpoint->format);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), endpoint->name);
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), endpoint->url);
      if (endpoint->mapping)
        gtk_editable_set_text (GTK_EDITABLE (self->mapping_row), endpoint->mapping);
      gtk_switch_set_active (self->mql_switch, endpoint->transitions & (1u << QUALIFY_STATUS_MQL));
      gtk_switch_set_active (self->sql_switch, endpoint->transitions & (1u << QUALIFY_STATUS_SQL));
      gtk_switch_set_active (self->dq_switch, endpoint->transitions & (1u << QUALIFY_STATUS_DISQUALIFIED));
      gtk_switch_set_active (self->auto_switch, endpoint->auto_push);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), _("New Access Token (empty: keep)"));
      adw_action_row_set_subtitle (self->secret_info_row, _("The signing secret stays as it is; rotate it from the endpoint's row."));
    }
  return GTK_WINDOW (self);
}

const char *
_qualify_endpoint_dialog_submit (QualifyEndpointDialog *self,
                                 const char            *name,
                                 const char            *url,
                                 QualifyEndpointFormat  format,
                                 const char            *token)
{
  adw_combo_row_set_selected (self->format_row, format);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token ? token : "");
  gtk_widget_activate_action (GTK_WIDGET (self), "endpoint.add", NULL);
  return self->error;
}

gboolean
_qualify_endpoint_dialog_test (QualifyEndpointDialog *self,
                               const char            *name,
                               const char            *url,
                               QualifyEndpointFormat  format,
                               const char            *token)
{
  adw_combo_row_set_selected (self->format_row, format);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token ? token : "");
  return gtk_widget_activate_action (GTK_WIDGET (self), "endpoint.test", NULL);
}

gboolean
_qualify_endpoint_dialog_is_testing (QualifyEndpointDialog *self)
{
  return self->testing;
}

const char *
_qualify_endpoint_dialog_get_test_response (QualifyEndpointDialog *self)
{
  return self->test_response;
}

const char *
_qualify_endpoint_dialog_get_test_request (QualifyEndpointDialog *self)
{
  return self->test_request;
}

const char *
_qualify_endpoint_dialog_get_secret (QualifyEndpointDialog *self)
{
  return self->secret;
}
