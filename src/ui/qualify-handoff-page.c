/* qualify-handoff-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-handoff-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-delivery.h"
#include "qualify-endpoint-dialog.h"
#include "qualify-endpoint.h"
#include "qualify-handoff-page.h"
#include "qualify-outbox.h"
#include "qualify-parse.h"
#include "qualify-secrets.h"
#include "qualify-store.h"
#include "qualify-webhook.h"

#define LOG_ROWS 50

struct _QualifyHandoffPage
{
  AdwBin                parent_instance;

  GtkStack             *stack;
  AdwPreferencesGroup  *queue_group;
  AdwPreferencesGroup  *endpoints_group;
  AdwPreferencesGroup  *log_group;
  GtkLabel             *pending_label;
  GtkLabel             *delivered_label;
  GtkLabel             *failed_label;
  GtkButton            *push_button;
  GtkSpinner           *push_spinner;

  char                 *path;
  QualifyStore         *store;          /* main-thread reads and small writes */
  GPtrArray            *endpoint_rows;
  GPtrArray            *log_rows;
  guint64               counts[QUALIFY_N_DELIVERY_STATES];
  GCancellable         *cancellable;
  gboolean              busy;
  GPtrArray            *auto_queue;     /* endpoint names still to auto-push */
  QualifyPushSummary    auto_summary;
};

G_DEFINE_FINAL_TYPE (QualifyHandoffPage, qualify_handoff_page, ADW_TYPE_BIN)

enum { OPEN_LEAD, N_SIGNALS };
static guint signals[N_SIGNALS];

static void reload (QualifyHandoffPage *self);
static char *when (gint64 t);

static void
toast (QualifyHandoffPage *self,
       const char         *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

static GtkWindow *
parent_window (QualifyHandoffPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static const char *
format_label (QualifyEndpointFormat format)
{
  switch (format)
    {
    case QUALIFY_FORMAT_HUBSPOT: return "HubSpot";
    case QUALIFY_FORMAT_SALESFORCE: return "Salesforce";
    case QUALIFY_FORMAT_PIPEDRIVE: return "Pipedrive";
    case QUALIFY_FORMAT_WEBHOOK:
    case QUALIFY_N_FORMATS:
    default:
      return _("Webhook");
    }
}

/* Endpoint rows */

static void
enabled_changed_cb (GtkSwitch          *sw,
                    GParamSpec         *pspec,
                    QualifyHandoffPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (sw), "endpoint");
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || !(endpoint = qualify_endpoint_get (self->store, name, &error)))
    return;
  if (endpoint->enabled == gtk_switch_get_active (sw))
    return;
  endpoint->enabled = gtk_switch_get_active (sw);
  if (!qualify_endpoint_update (self->store, endpoint, &error))
    toast (self, error->message);
}

static void
resume_clicked_cb (GtkButton          *button,
                   QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!qualify_endpoint_resume (self->store, g_object_get_data (G_OBJECT (button), "endpoint"), &error))
    toast (self, error->message);
  reload (self);
}

static void
remove_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    QualifyHandoffPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "endpoint");
  g_autoptr(GError) error = NULL;
  g_autofree char *workspace_id = NULL;

  if (!g_str_equal (response, "remove") || self->store == NULL)
    return;
  workspace_id = qualify_store_dup_workspace_id (self->store, NULL);
  if (!qualify_endpoint_remove (self->store, name, &error))
    toast (self, error->message);
  else if (workspace_id != NULL)
    qualify_secrets_clear (workspace_id, name, NULL, NULL);
  reload (self);
}

static void
remove_clicked_cb (GtkButton          *button,
                   QualifyHandoffPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "endpoint");
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), _("Remove Endpoint?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s”, its queue and its delivery log are removed, and its secret "
                                    "is deleted from your keyring."), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "endpoint", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  char *request;
  char *response;
} TestResult;

static void
test_result_free (TestResult *r)
{
  g_free (r->request);
  g_free (r->response);
  g_free (r);
}

static void
test_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  char **args = task_data;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  TestResult *r = g_new0 (TestResult, 1);
  GError *error = NULL;

  if (!(store = qualify_store_open (args[0], &error)) ||
      !(endpoint = qualify_endpoint_get (store, args[1], &error)) ||
      !qualify_delivery_test_endpoint (store, endpoint, &r->request, &r->response, &error))
    {
      test_result_free (r);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, r, (GDestroyNotify) test_result_free);
}

static GtkWidget *
code_view (const char *title,
           const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_CHAR);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 140);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 520);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), scrolled);
  return box;
}

static void
tested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QualifyHandoffPage) self = user_data;
  g_autoptr(GError) error = NULL;
  TestResult *r = g_task_propagate_pointer (G_TASK (result), &error);
  GtkWidget *dialog;
  GtkWidget *box;

  if (r == NULL)
    {
      toast (self, error->message);
      return;
    }
  dialog = adw_message_dialog_new (parent_window (self), _("Test Event Sent"),
                                   _("A made-up MQL was sent; nothing was queued."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), code_view (_("Request"), r->request));
  gtk_box_append (GTK_BOX (box), code_view (_("Response"), r->response));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  test_result_free (r);
}

static void
test_clicked_cb (GtkButton          *button,
                 QualifyHandoffPage *self)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, tested_cb, g_object_ref (self));
  char **args = g_new0 (char *, 3);

  args[0] = g_strdup (self->path);
  args[1] = g_strdup (g_object_get_data (G_OBJECT (button), "endpoint"));
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, test_thread);
}

static GtkWidget *
suffix_button (const char         *icon,
               const char         *tooltip,
               const char         *endpoint,
               GCallback           callback,
               QualifyHandoffPage *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_set_data_full (G_OBJECT (button), "endpoint", g_strdup (endpoint), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static void
edited_cb (GtkWindow          *dialog,
           gint64              id,
           const char         *name,
           QualifyHandoffPage *self)
{
  reload (self);
}

static void
edit_clicked_cb (GtkButton          *button,
                 QualifyHandoffPage *self)
{
  GtkWindow *dialog = qualify_endpoint_dialog_new_for_edit (parent_window (self), self->path,
                                                            g_object_get_data (G_OBJECT (button), "endpoint"));

  g_signal_connect_object (dialog, "added", G_CALLBACK (edited_cb), self, 0);
  gtk_window_present (dialog);
}

static void
copy_secret_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         gpointer          user_data)
{
  const char *secret = g_object_get_data (G_OBJECT (dialog), "secret");

  if (g_str_equal (response, "copy"))
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), secret);
}

static void
rotate_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    QualifyHandoffPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "endpoint");
  g_autofree char *workspace_id = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *shown;
  GtkWidget *label;

  if (!g_str_equal (response, "rotate") || self->store == NULL)
    return;
  secret = qualify_webhook_generate_secret ();
  if (!(workspace_id = qualify_store_dup_workspace_id (self->store, &error)) ||
      !qualify_secrets_store (workspace_id, name, secret, NULL, &error))
    {
      toast (self, error->message);
      return;
    }
  shown = adw_message_dialog_new (parent_window (self), _("New Signing Secret"),
                                  _("Give it to the receiving side now: it is shown only this once. "
                                    "Requests are signed with it from now on."));
  label = gtk_label_new (secret);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (shown), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (shown), "close", _("_Close"), "copy", _("_Copy"), NULL);
  g_object_set_data_full (G_OBJECT (shown), "secret", g_steal_pointer (&secret), g_free);
  g_signal_connect (shown, "response", G_CALLBACK (copy_secret_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (shown));
}

static void
rotate_clicked_cb (GtkButton          *button,
                   QualifyHandoffPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "endpoint");
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), _("Rotate Signing Secret?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” gets a new secret at once; the receiver must be given it, or it "
                                    "will reject what Qualify sends."), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "rotate", _("_Rotate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rotate", ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "endpoint", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rotate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
endpoint_row (QualifyHandoffPage *self,
              QualifyEndpoint    *e)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  g_autofree char *transitions = qualify_endpoint_transitions_to_string (e->transitions);
  g_autofree char *subtitle = NULL;
  guint64 counts[QUALIFY_N_DELIVERY_STATES] = { 0 };

  qualify_outbox_count (self->store, e->id, counts, NULL);
  if (e->state != QUALIFY_ENDPOINT_ACTIVE)
    subtitle = g_strdup_printf ("%s · %s\n%s", format_label (e->format), e->url,
                                e->state_reason ? e->state_reason : qualify_endpoint_state_to_string (e->state));
  else
    /* Translators: "Webhook · mql,sql · 3 pending · https://…" */
    subtitle = g_strdup_printf (_("%s · %s · %" G_GUINT64_FORMAT " pending · %s"), format_label (e->format),
                                transitions, counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_SENDING],
                                e->url);
  if (e->state == QUALIFY_ENDPOINT_ACTIVE && e->failures > 0)
    {
      g_autofree char *next = when (e->retry_at);
      g_autofree char *with_failures =
        g_strdup_printf (ngettext ("%s\n%d failed attempt · next try %s",
                                   "%s\n%d failed attempts in a row · next try %s", e->failures),
                         subtitle, e->failures, next);

      g_free (subtitle);
      subtitle = g_steal_pointer (&with_failures);
      gtk_widget_add_css_class (row, "warning");
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

  if (e->state != QUALIFY_ENDPOINT_ACTIVE)
    {
      GtkWidget *badge = gtk_label_new (e->state == QUALIFY_ENDPOINT_PAUSED ? _("Paused") : _("Disabled"));

      gtk_widget_add_css_class (badge, "warning");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 suffix_button ("media-playback-start-symbolic", _("Resume"), e->name,
                                                G_CALLBACK (resume_clicked_cb), self));
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             suffix_button ("mail-send-symbolic", _("Send Test Event"), e->name,
                                            G_CALLBACK (test_clicked_cb), self));
  if (e->format == QUALIFY_FORMAT_WEBHOOK)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               suffix_button ("dialog-password-symbolic", _("Rotate Signing Secret"), e->name,
                                              G_CALLBACK (rotate_clicked_cb), self));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             suffix_button ("document-edit-symbolic", _("Edit Endpoint"), e->name,
                                            G_CALLBACK (edit_clicked_cb), self));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             suffix_button ("user-trash-symbolic", _("Remove Endpoint"), e->name,
                                            G_CALLBACK (remove_clicked_cb), self));

  gtk_switch_set_active (GTK_SWITCH (sw), e->enabled);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (sw, _("Send to this endpoint"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Send to this endpoint"), -1);
  g_object_set_data_full (G_OBJECT (sw), "endpoint", g_strdup (e->name), g_free);
  g_signal_connect_object (sw, "notify::active", G_CALLBACK (enabled_changed_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  return row;
}

/* Log rows */

static void
retry_clicked_cb (GtkButton          *button,
                  QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "delivery"));

  if (!qualify_outbox_retry_now (self->store, id, &error))
    toast (self, error->message);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "handoff.push", NULL);
  reload (self);
}

static void
discard_clicked_cb (GtkButton          *button,
                    QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "delivery"));

  if (!qualify_outbox_discard (self->store, id, &error))
    toast (self, error->message);
  reload (self);
}

static void
log_row_activated_cb (AdwActionRow       *row,
                      QualifyHandoffPage *self)
{
  gint64 lead_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "lead"));

  if (lead_id > 0)
    g_signal_emit (self, signals[OPEN_LEAD], 0, lead_id);
}

static char *
when (gint64 t)
{
  g_autoptr(GDateTime) utc = t > 0 ? g_date_time_new_from_unix_utc (t) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("–");
}

static GtkWidget *
log_row (QualifyHandoffPage *self,
         QualifyDelivery    *d)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  g_autofree char *http = d->last_status ? g_strdup_printf ("HTTP %d", d->last_status) : g_strdup (_("no response"));
  QualifyStatus status = QUALIFY_STATUS_NONE;
  const char *transition;

  qualify_status_from_string (d->to_status, &status);
  transition = qualify_status_get_label (status);

  switch (d->state)
    {
    case QUALIFY_DELIVERY_DELIVERED:
      {
        g_autofree char *at = when (d->delivered_at);
        /* Translators: "CRM · MQL · delivered 2026-11-23 10:04 · HTTP 200" */
        subtitle = g_strdup_printf (_("%s · %s · delivered %s · %s%s%s"), d->endpoint, transition, at, http,
                                    d->last_error ? " · " : "", d->last_error ? d->last_error : "");
      }
      break;
    case QUALIFY_DELIVERY_PENDING:
    case QUALIFY_DELIVERY_SENDING:
      if (d->attempts == 0)
        subtitle = g_strdup_printf (_("%s · %s · queued"), d->endpoint, transition);
      else
        {
          g_autofree char *next = when (d->next_at);
          subtitle = g_strdup_printf (ngettext ("%s · %s · %d attempt · %s · next retry %s\n%s",
                                                "%s · %s · %d attempts · %s · next retry %s\n%s", d->attempts),
                                      d->endpoint, transition, d->attempts, http, next,
                                      d->last_error ? d->last_error : "");
        }
      break;
    case QUALIFY_DELIVERY_FAILED:
      subtitle = g_strdup_printf (ngettext ("%s · %s · failed after %d attempt · %s\n%s",
                                            "%s · %s · failed after %d attempts · %s\n%s", d->attempts),
                                  d->endpoint, transition, d->attempts, http,
                                  d->last_error ? d->last_error : "");
      break;
    case QUALIFY_DELIVERY_DISCARDED:
    case QUALIFY_N_DELIVERY_STATES:
    default:
      subtitle = g_strdup_printf (_("%s · %s · discarded"), d->endpoint, transition);
      break;
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->email ? d->email : _("(deleted lead)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  if (d->response != NULL && *d->response)
    gtk_widget_set_tooltip_text (row, d->response);

  {
    const char *icon = d->state == QUALIFY_DELIVERY_DELIVERED ? "emblem-ok-symbolic"
                       : d->state == QUALIFY_DELIVERY_FAILED ? "dialog-error-symbolic"
                       : d->state == QUALIFY_DELIVERY_DISCARDED ? "edit-delete-symbolic"
                       : "content-loading-symbolic";
    GtkWidget *image = gtk_image_new_from_icon_name (icon);

    if (d->state == QUALIFY_DELIVERY_DELIVERED)
      gtk_widget_add_css_class (image, "success");
    else if (d->state == QUALIFY_DELIVERY_FAILED)
      gtk_widget_add_css_class (image, "error");
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  }

  if (d->state == QUALIFY_DELIVERY_FAILED || (d->state == QUALIFY_DELIVERY_PENDING && d->attempts > 0))
    {
      GtkWidget *retry = suffix_button ("view-refresh-symbolic", _("Retry Now"), NULL,
                                        G_CALLBACK (retry_clicked_cb), self);
      GtkWidget *discard = suffix_button ("edit-delete-symbolic", _("Discard"), NULL,
                                          G_CALLBACK (discard_clicked_cb), self);

      g_object_set_data (G_OBJECT (retry), "delivery", GSIZE_TO_POINTER ((gsize) d->id));
      g_object_set_data (G_OBJECT (discard), "delivery", GSIZE_TO_POINTER ((gsize) d->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), retry);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
    }

  if (d->email != NULL)
    {
      g_object_set_data (G_OBJECT (row), "lead", GSIZE_TO_POINTER ((gsize) d->lead_id));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_signal_connect_object (row, "activated", G_CALLBACK (log_row_activated_cb), self, 0);
    }
  return row;
}

static void
set_count (GtkLabel *label,
           guint64   n)
{
  g_autofree char *text = qualify_format_count (n);

  gtk_label_set_text (label, text);
}

static void
reload (QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;

  clear_rows (self->endpoints_group, self->endpoint_rows);
  clear_rows (self->log_group, self->log_rows);
  memset (self->counts, 0, sizeof self->counts);

  if (self->path == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.add-endpoint", FALSE);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.add-endpoint", TRUE);

  if (self->store == NULL && !(self->store = qualify_store_open (self->path, &error)))
    {
      toast (self, error->message);
      return;
    }
  if (!(endpoints = qualify_endpoint_list (self->store, &error)) ||
      !qualify_outbox_count (self->store, 0, self->counts, &error) ||
      !(deliveries = qualify_outbox_list (self->store, 0, -1, LOG_ROWS, &error)))
    {
      toast (self, error->message);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, endpoints->len > 0 ? "content" : "empty");
  for (guint i = 0; i < endpoints->len; i++)
    {
      GtkWidget *row = endpoint_row (self, g_ptr_array_index (endpoints, i));

      adw_preferences_group_add (self->endpoints_group, row);
      g_ptr_array_add (self->endpoint_rows, row);
    }
  for (guint i = 0; i < deliveries->len; i++)
    {
      GtkWidget *row = log_row (self, g_ptr_array_index (deliveries, i));

      adw_preferences_group_add (self->log_group, row);
      g_ptr_array_add (self->log_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->log_group), deliveries->len > 0);

  set_count (self->pending_label, self->counts[QUALIFY_DELIVERY_PENDING] + self->counts[QUALIFY_DELIVERY_SENDING]);
  set_count (self->delivered_label, self->counts[QUALIFY_DELIVERY_DELIVERED]);
  set_count (self->failed_label, self->counts[QUALIFY_DELIVERY_FAILED]);
  {
    guint64 n = self->counts[QUALIFY_DELIVERY_PENDING] + self->counts[QUALIFY_DELIVERY_SENDING];
    g_autofree char *count = qualify_format_count (n);
    g_autofree char *label = n > 0
                             /* Translators: button, e.g. "Push 1,204 Now" */
                             ? g_strdup_printf (ngettext ("_Push %s Now", "_Push %s Now", n), count)
                             : g_strdup (_("_Push Now"));

    gtk_button_set_label (self->push_button, label);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.push", n > 0 && !self->busy);
  }
}

/* Push */

static void
pushed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QualifyHandoffPage) self = user_data;
  g_autoptr(GError) error = NULL;
  QualifyPushSummary summary;

  self->busy = FALSE;
  gtk_spinner_stop (self->push_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->push_spinner), FALSE);

  if (!qualify_delivery_push_finish (result, &summary, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
    }
  else
    {
      g_autofree char *text = NULL;

      if (summary.retrying > 0 || summary.failed > 0)
        text = g_strdup_printf (_("Delivered %" G_GUINT64_FORMAT " · %" G_GUINT64_FORMAT " will be retried · %"
                                  G_GUINT64_FORMAT " failed"),
                                summary.delivered, summary.retrying, summary.failed);
      else
        text = g_strdup_printf (ngettext ("Delivered %" G_GUINT64_FORMAT " hand-off",
                                          "Delivered %" G_GUINT64_FORMAT " hand-offs", summary.delivered),
                                summary.delivered);
      toast (self, text);
    }
  reload (self);
}

static void auto_push_next (QualifyHandoffPage *self);

static void
auto_pushed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QualifyHandoffPage) self = user_data;
  g_autoptr(GError) error = NULL;
  QualifyPushSummary summary;

  if (!qualify_delivery_push_finish (result, &summary, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
    }
  else
    {
      self->auto_summary.delivered += summary.delivered;
      self->auto_summary.retrying += summary.retrying;
      self->auto_summary.failed += summary.failed;
    }
  auto_push_next (self);
}

/* One endpoint after the other, each on its own thread and connection. */
static void
auto_push_next (QualifyHandoffPage *self)
{
  g_autofree char *name = NULL;

  if (self->auto_queue == NULL || self->auto_queue->len == 0 || self->path == NULL)
    {
      self->busy = FALSE;
      gtk_spinner_stop (self->push_spinner);
      gtk_widget_set_visible (GTK_WIDGET (self->push_spinner), FALSE);
      g_clear_pointer (&self->auto_queue, g_ptr_array_unref);
      if (self->auto_summary.delivered + self->auto_summary.retrying + self->auto_summary.failed > 0)
        {
          g_autofree char *text = g_strdup_printf (_("Handed off %" G_GUINT64_FORMAT " · %" G_GUINT64_FORMAT
                                                     " will be retried · %" G_GUINT64_FORMAT " failed"),
                                                   self->auto_summary.delivered, self->auto_summary.retrying,
                                                   self->auto_summary.failed);
          toast (self, text);
        }
      reload (self);
      return;
    }
  name = g_ptr_array_steal_index (self->auto_queue, 0);
  qualify_delivery_push_async (self->path, name, self->cancellable, auto_pushed_cb, g_object_ref (self));
}

void
qualify_handoff_page_auto_push (QualifyHandoffPage *self)
{
  g_autoptr(GPtrArray) endpoints = NULL;

  g_return_if_fail (QUALIFY_IS_HANDOFF_PAGE (self));

  if (self->busy || self->store == NULL || !(endpoints = qualify_endpoint_list (self->store, NULL)))
    return;
  self->auto_queue = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < endpoints->len; i++)
    {
      QualifyEndpoint *e = g_ptr_array_index (endpoints, i);
      guint64 counts[QUALIFY_N_DELIVERY_STATES];

      if (e->auto_push && e->enabled && e->state == QUALIFY_ENDPOINT_ACTIVE &&
          qualify_outbox_count (self->store, e->id, counts, NULL) && counts[QUALIFY_DELIVERY_PENDING] > 0)
        g_ptr_array_add (self->auto_queue, g_strdup (e->name));
    }
  if (self->auto_queue->len == 0)
    {
      g_clear_pointer (&self->auto_queue, g_ptr_array_unref);
      return;
    }
  memset (&self->auto_summary, 0, sizeof self->auto_summary);
  self->busy = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.push", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->push_spinner), TRUE);
  gtk_spinner_start (self->push_spinner);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  auto_push_next (self);
}

static void
push_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (widget);

  if (self->busy || self->path == NULL)
    return;
  self->busy = TRUE;
  gtk_widget_action_set_enabled (widget, "handoff.push", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->push_spinner), TRUE);
  gtk_spinner_start (self->push_spinner);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  qualify_delivery_push_async (self->path, NULL, self->cancellable, pushed_cb, g_object_ref (self));
}

/* Add endpoint, then offer the backlog */

static void
backlog_response_cb (AdwMessageDialog   *dialog,
                     const char         *response,
                     QualifyHandoffPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "endpoint-id"));
  g_autoptr(GError) error = NULL;
  guint64 queued = 0;

  if (g_str_equal (response, "queue") && self->store != NULL)
    {
      if (!qualify_outbox_enqueue_backlog (self->store, id, &queued, &error))
        toast (self, error->message);
      reload (self);
    }
}

static void
endpoint_added_cb (QualifyEndpointDialog *dialog,
                   gint64                 id,
                   const char            *name,
                   QualifyHandoffPage    *self)
{
  guint64 backlog = 0;

  reload (self);
  if (self->store == NULL || !qualify_outbox_count_backlog (self->store, id, &backlog, NULL) || backlog == 0)
    return;

  {
    g_autofree char *count = qualify_format_count (backlog);
    GtkWidget *ask = adw_message_dialog_new (parent_window (self), _("Send the Current Backlog?"), NULL);

    adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (ask),
                                    ngettext ("%s lead already has a status “%s” receives. Queue it now, "
                                              "or send only the changes from the next rescore on?",
                                              "%s leads already have a status “%s” receives. Queue them now, "
                                              "or send only the changes from the next rescore on?", backlog),
                                    count, name);
    adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (ask), "later", _("_Only New Changes"),
                                      "queue", _("_Queue Them"), NULL);
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (ask), "queue", ADW_RESPONSE_SUGGESTED);
    g_object_set_data (G_OBJECT (ask), "endpoint-id", GSIZE_TO_POINTER ((gsize) id));
    g_signal_connect_object (ask, "response", G_CALLBACK (backlog_response_cb), self, 0);
    gtk_window_present (GTK_WINDOW (ask));
  }
}

static void
add_endpoint_activated (GtkWidget  *widget,
                        const char *action,
                        GVariant   *param)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (widget);
  GtkWindow *dialog;

  if (self->path == NULL)
    return;
  dialog = qualify_endpoint_dialog_new (parent_window (self), self->path);
  g_signal_connect_object (dialog, "added", G_CALLBACK (endpoint_added_cb), self, 0);
  gtk_window_present (dialog);
}

static void
qualify_handoff_page_dispose (GObject *object)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->auto_queue, g_ptr_array_unref);
  G_OBJECT_CLASS (qualify_handoff_page_parent_class)->dispose (object);
}

static void
qualify_handoff_page_finalize (GObject *object)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (object);

  g_free (self->path);
  g_ptr_array_unref (self->endpoint_rows);
  g_ptr_array_unref (self->log_rows);
  G_OBJECT_CLASS (qualify_handoff_page_parent_class)->finalize (object);
}

static void
qualify_handoff_page_class_init (QualifyHandoffPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qualify_handoff_page_dispose;
  object_class->finalize = qualify_handoff_page_finalize;

  signals[OPEN_LEAD] = g_signal_new ("open-lead", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/handoff/qualify-handoff-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, queue_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, endpoints_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, log_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, delivered_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, failed_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, push_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, push_spinner);

  gtk_widget_class_install_action (widget_class, "handoff.push", NULL, push_activated);
  gtk_widget_class_install_action (widget_class, "handoff.add-endpoint", NULL, add_endpoint_activated);
}

static void
qualify_handoff_page_init (QualifyHandoffPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->endpoint_rows = g_ptr_array_new ();
  self->log_rows = g_ptr_array_new ();
  reload (self);
}

GtkWidget *
qualify_handoff_page_new (void)
{
  return g_object_new (QUALIFY_TYPE_HANDOFF_PAGE, NULL);
}

void
qualify_handoff_page_set_workspace (QualifyHandoffPage *self,
                                    const char         *path)
{
  g_return_if_fail (QUALIFY_IS_HANDOFF_PAGE (self));

  if (g_strcmp0 (path, self->path) != 0)
    {
      g_clear_object (&self->store);
      g_free (self->path);
      self->path = g_strdup (path);
    }
  reload (self);
}

void
_qualify_handoff_page_get_counts (QualifyHandoffPage *self,
                                  guint64            *pending,
                                  guint64            *delivered,
                                  guint64            *failed)
{
  *pending = self->counts[QUALIFY_DELIVERY_PENDING] + self->counts[QUALIFY_DELIVERY_SENDING];
  *delivered = self->counts[QUALIFY_DELIVERY_DELIVERED];
  *failed = self->counts[QUALIFY_DELIVERY_FAILED];
}

guint
_qualify_handoff_page_get_n_endpoints (QualifyHandoffPage *self)
{
  return self->endpoint_rows->len;
}

guint
_qualify_handoff_page_get_n_log_rows (QualifyHandoffPage *self)
{
  return self->log_rows->len;
}

gboolean
_qualify_handoff_page_is_busy (QualifyHandoffPage *self)
{
  return self->busy;
}

const char *
_qualify_handoff_page_get_log_subtitle (QualifyHandoffPage *self,
                                        guint               index)
{
  g_return_val_if_fail (index < self->log_rows->len, NULL);
  return adw_action_row_get_subtitle (g_ptr_array_index (self->log_rows, index));
}
