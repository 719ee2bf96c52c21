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

#include "qualify-application.h"
#include "qualify-delivery-row.h"
#include "qualify-delivery.h"
#include "qualify-endpoint-dialog.h"
#include "qualify-endpoint.h"
#include "qualify-handoff-page.h"
#include "qualify-lead-row.h"
#include "qualify-outbox.h"
#include "qualify-parse.h"
#include "qualify-secrets.h"
#include "qualify-store-private.h"
#include "qualify-store.h"
#include "qualify-webhook.h"

#define LOG_PAGE 100

struct _QualifyHandoffPage
{
  AdwBin                parent_instance;

  GtkStack             *stack;
  AdwPreferencesGroup  *endpoints_group;
  GtkLabel             *pending_label;
  GtkLabel             *delivered_label;
  GtkLabel             *failed_label;
  GtkButton            *push_button;
  GtkRevealer          *progress_revealer;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkDropDown          *filter_dropdown;
  GtkListBox           *log_list;
  GtkLabel             *log_placeholder;
  GtkButton            *more_button;

  char                 *path;
  QualifyStore         *store;          /* main-thread reads and small writes */
  GPtrArray            *endpoint_rows;
  GPtrArray            *log_rows;
  GHashTable           *expanded;       /* endpoint names whose row is open */
  GHashTable           *inactive;       /* endpoint names paused or disabled at the last reload */
  guint64               counts[QUALIFY_N_DELIVERY_STATES];
  guint64               sendable;       /* pending for endpoints that a push sends to now */
  guint                 log_limit;
  GCancellable         *cancellable;
  gboolean              busy;
  guint64               push_total;
  guint                 retry_source;
  guint                 reload_source;
  guint                 keyring_calls;  /* in flight */
  gboolean              disposed;       /* callbacks of running tasks do nothing then */
};

G_DEFINE_FINAL_TYPE (QualifyHandoffPage, qualify_handoff_page, ADW_TYPE_BIN)

enum { OPEN_LEAD, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The filter drop-down's items, in order */
static const int filter_states[] = {
  -1,
  QUALIFY_DELIVERY_PENDING,
  QUALIFY_DELIVERY_DELIVERED,
  QUALIFY_DELIVERY_FAILED,
  QUALIFY_DELIVERY_DISCARDED,
};

static void reload (QualifyHandoffPage *self);
static void start_push (QualifyHandoffPage *self,
                        GStrv               endpoints);

static void
toast (QualifyHandoffPage *self,
       const char         *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), qualify_toast_new (text));
  else
    g_message ("%s", text);
}

static GtkWindow *
parent_window (QualifyHandoffPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static const char *
format_label (QualifyEndpointFormat format)
{
  switch (format)
    {
    case QUALIFY_FORMAT_HUBSPOT:
      return "HubSpot";
    case QUALIFY_FORMAT_SALESFORCE:
      return "Salesforce";
    case QUALIFY_FORMAT_PIPEDRIVE:
      return "Pipedrive";
    case QUALIFY_FORMAT_WEBHOOK:
    case QUALIFY_N_FORMATS:
    default:
      return _("Signed webhook");
    }
}

/* "MQL, SQL" */
static char *
transitions_label (guint transitions)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (QualifyStatus s = 0; s < QUALIFY_N_STATUSES; s++)
    if (transitions & (1u << s))
      {
        if (out->len > 0)
          g_string_append (out, ", ");
        g_string_append (out, qualify_status_display_label (s));
      }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GtkWidget *
flat_button (const char *label,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}

static const char *
endpoint_of (gpointer widget)
{
  return g_object_get_data (G_OBJECT (widget), "endpoint");
}

static void
set_endpoint (gpointer    widget,
              const char *name)
{
  g_object_set_data_full (G_OBJECT (widget), "endpoint", g_strdup (name), g_free);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  QualifyHandoffPage *self = user_data;

  self->reload_source = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

/* Reloads after the current handler: the widget that emitted it is rebuilt. */
static void
queue_reload (QualifyHandoffPage *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (reload_idle_cb, self);
}

/* Endpoint rows: switches */

static void
enabled_changed_cb (GtkSwitch          *sw,
                    GParamSpec         *pspec,
                    QualifyHandoffPage *self)
{
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || !(endpoint = qualify_endpoint_get (self->store, endpoint_of (sw), &error)))
    return;
  if (endpoint->enabled == gtk_switch_get_active (sw))
    return;
  endpoint->enabled = gtk_switch_get_active (sw);
  if (!qualify_endpoint_update (self->store, endpoint, &error))
    toast (self, error->message);
  queue_reload (self);
}

static void
auto_push_changed_cb (GtkSwitch          *sw,
                      GParamSpec         *pspec,
                      QualifyHandoffPage *self)
{
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || !(endpoint = qualify_endpoint_get (self->store, endpoint_of (sw), &error)))
    return;
  if (endpoint->auto_push == gtk_switch_get_active (sw))
    return;
  endpoint->auto_push = gtk_switch_get_active (sw);
  if (!qualify_endpoint_update (self->store, endpoint, &error))
    toast (self, error->message);
}

static void
expanded_changed_cb (AdwExpanderRow     *row,
                     GParamSpec         *pspec,
                     QualifyHandoffPage *self)
{
  if (adw_expander_row_get_expanded (row))
    g_hash_table_add (self->expanded, g_strdup (endpoint_of (row)));
  else
    g_hash_table_remove (self->expanded, endpoint_of (row));
}

/* Endpoint rows: buttons */

static void
resume_clicked_cb (GtkButton          *button,
                   QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!qualify_endpoint_resume (self->store, endpoint_of (button), &error))
    toast (self, error->message);
  reload (self);
}

static void
secret_cleared_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(QualifyHandoffPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->keyring_calls--;
  if (!qualify_secrets_clear_finish (result, &error) && !self->disposed)
    toast (self, error->message);
}

static void
remove_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    QualifyHandoffPage *self)
{
  const char *name = endpoint_of (dialog);
  g_autoptr(GError) error = NULL;
  g_autofree char *workspace_id = NULL;

  if (!g_str_equal (response, "remove") || self->store == NULL)
    return;
  workspace_id = qualify_store_dup_workspace_id (self->store, NULL);
  if (!qualify_endpoint_remove (self->store, name, &error))
    toast (self, error->message);
  else if (workspace_id != NULL)
    {
      self->keyring_calls++;
      qualify_secrets_clear_async (workspace_id, name, NULL, secret_cleared_cb, g_object_ref (self));
    }
  g_hash_table_remove (self->expanded, name);
  reload (self);
}

static void
remove_clicked_cb (GtkButton          *button,
                   QualifyHandoffPage *self)
{
  const char *name = endpoint_of (button);
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), _("Remove Endpoint?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s”, its queue and its delivery log are removed, and its secret "
                                    "is deleted from your keyring. Leads are not changed."), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  set_endpoint (dialog, name);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A titled, monospace, read-only text box, as the test-event dialogs show them. */
GtkWidget *
_qualify_handoff_code_view (const char *title,
                            const char *text,
                            int         min_height)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (view, "code-view");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text ? text : "", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), min_height);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 560);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), scrolled);
  return box;
}

typedef struct
{
  QualifyHandoffPage *self;
  char               *endpoint;
} TestCall;

static void
test_call_free (TestCall *call)
{
  g_object_unref (call->self);
  g_free (call->endpoint);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCall, test_call_free)

static void
tested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TestCall) call = user_data;
  QualifyHandoffPage *self = call->self;
  g_autofree char *request = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  gboolean ok = qualify_delivery_test_endpoint_finish (result, &request, &response, &error);
  const char *name = call->endpoint;
  GtkWidget *dialog;
  GtkWidget *box;

  if (self->disposed)
    return;
  if (!ok)
    {
      toast (self, error->message);
      return;
    }
  body = g_strdup_printf (_("A made-up MQL was sent to “%s”; nothing was queued. Secrets are masked."), name);
  dialog = adw_message_dialog_new (parent_window (self), _("Test Event Sent"), body);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), _qualify_handoff_code_view (_("Request"), request, 220));
  gtk_box_append (GTK_BOX (box), _qualify_handoff_code_view (_("Response"), response, 120));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
test_clicked_cb (GtkButton          *button,
                 QualifyHandoffPage *self)
{
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  TestCall *call;

  if (self->path == NULL || self->store == NULL)
    return;
  if (!(endpoint = qualify_endpoint_get (self->store, endpoint_of (button), &error)))
    {
      toast (self, error->message);
      return;
    }
  call = g_new0 (TestCall, 1);
  call->self = g_object_ref (self);
  call->endpoint = g_strdup (endpoint->name);
  /* the secret from the keyring, in the worker thread */
  qualify_delivery_test_endpoint_async (self->path, endpoint, NULL, NULL, tested_cb, call);
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
  GtkWindow *dialog;

  if (self->path == NULL)
    return;
  dialog = qualify_endpoint_dialog_new_for_edit (parent_window (self), self->path, endpoint_of (button));
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
wipe_secret (gpointer secret)
{
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
rotated_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AdwMessageDialog *shown = user_data;   /* a reference, presented once the secret is saved */
  QualifyHandoffPage *self = g_object_get_data (G_OBJECT (shown), "page");
  g_autoptr(GError) error = NULL;

  if (self != NULL)
    self->keyring_calls--;

  if (!qualify_secrets_store_finish (result, &error))
    {
      if (self != NULL && !self->disposed)
        toast (self, error->message);
      gtk_window_destroy (GTK_WINDOW (shown));
    }
  else
    gtk_window_present (GTK_WINDOW (shown));
  g_object_unref (shown);
}

static void
rotate_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    QualifyHandoffPage *self)
{
  const char *name = endpoint_of (dialog);
  g_autofree char *workspace_id = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *shown;
  GtkWidget *label;

  if (!g_str_equal (response, "rotate") || self->store == NULL)
    return;
  if (!(workspace_id = qualify_store_dup_workspace_id (self->store, &error)))
    {
      toast (self, error->message);
      return;
    }
  secret = qualify_webhook_generate_secret ();
  shown = adw_message_dialog_new (parent_window (self), _("New Signing Secret"),
                                  _("Give it to the receiving side now: it is shown only this once. "
                                    "Requests are signed with it from now on, retries included."));
  label = gtk_label_new (secret);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "card");
  gtk_widget_add_css_class (label, "code-view");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (shown), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (shown), "close", _("_Close"), "copy", _("_Copy"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (shown), "copy", ADW_RESPONSE_SUGGESTED);
  g_signal_connect (shown, "response", G_CALLBACK (copy_secret_response_cb), NULL);
  g_object_set_data_full (G_OBJECT (shown), "page", g_object_ref (self), g_object_unref);
  /* shown once it is in the keyring (which may ask for its password first) */
  self->keyring_calls++;
  qualify_secrets_store_async (workspace_id, name, secret, NULL, rotated_cb, g_object_ref (shown));
  g_object_set_data_full (G_OBJECT (shown), "secret", g_steal_pointer (&secret), wipe_secret);
}

static void
rotate_clicked_cb (GtkButton          *button,
                   QualifyHandoffPage *self)
{
  const char *name = endpoint_of (button);
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), _("Rotate Signing Secret?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” gets a new secret at once. The receiver must be given it, or "
                                    "it will reject what Qualify sends from now on."), name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "rotate", _("_Rotate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rotate", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  set_endpoint (dialog, name);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rotate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean forget_endpoint_wait (QualifyStore  *store,
                                      gint64         endpoint_id,
                                      GError       **error);

static void
push_one_clicked_cb (GtkButton          *button,
                     QualifyHandoffPage *self)
{
  g_auto(GStrv) names = g_new0 (char *, 2);
  g_autoptr(QualifyEndpoint) e = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!(e = qualify_endpoint_get (self->store, endpoint_of (button), &error)) ||
      !forget_endpoint_wait (self->store, e->id, &error))
    {
      toast (self, error->message);
      return;
    }
  names[0] = g_strdup (endpoint_of (button));
  start_push (self, g_steal_pointer (&names));
}

/* Endpoint rows */

static GtkWidget *
endpoint_row (QualifyHandoffPage *self,
              QualifyEndpoint    *e)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *enabled = gtk_switch_new ();
  g_autofree char *transitions = transitions_label (e->transitions);
  g_autofree char *pending = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *state_title = NULL;
  g_autofree char *state_text = NULL;
  guint64 counts[QUALIFY_N_DELIVERY_STATES] = { 0 };
  guint64 waiting;
  const char *badge_text = NULL;
  const char *badge_class = "warning";

  qualify_outbox_count (self->store, e->id, counts, NULL);
  waiting = counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_SENDING];
  if (e->enabled && e->state == QUALIFY_ENDPOINT_ACTIVE && e->retry_at <= g_get_real_time () / G_USEC_PER_SEC)
    self->sendable += waiting;
  pending = qualify_format_count (waiting);
  /* Translators: "Signed webhook · MQL, SQL · 3 pending" */
  subtitle = g_strdup_printf (_("%s · %s · %s pending"), format_label (e->format), transitions, pending);
  if (e->state == QUALIFY_ENDPOINT_ACTIVE && e->failures > 0 && e->retry_at > 0)
    {
      g_autofree char *next = qualify_delivery_format_when (e->retry_at);
      /* Translators: appended to an endpoint's subtitle while it waits after a failure */
      g_autofree char *longer = g_strdup_printf (_("%s · next try %s"), subtitle, next);

      g_free (subtitle);
      subtitle = g_steal_pointer (&longer);
    }
  set_endpoint (row, e->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "subtitle", g_strdup (subtitle), g_free);

  switch (e->state)
    {
    case QUALIFY_ENDPOINT_PAUSED:
      badge_text = _("Paused");
      state_title = g_strdup (_("Paused after repeated failures"));
      break;
    case QUALIFY_ENDPOINT_DISABLED:
      badge_text = _("Disabled");
      badge_class = "error";
      state_title = g_strdup (_("Disabled: the CRM says this address is gone"));
      break;
    case QUALIFY_ENDPOINT_ACTIVE:
    default:
      if (e->failures > 0)
        {
          g_autofree char *next = qualify_delivery_format_when (e->retry_at);

          badge_text = _("Retrying");
          state_title = g_strdup_printf (ngettext ("%d failed attempt — next try %s",
                                                   "%d failed attempts in a row — next try %s", e->failures),
                                         e->failures, *next ? next : _("now"));
        }
      break;
    }
  if (state_title != NULL)
    state_text = e->state_reason && *e->state_reason ? g_strdup_printf ("%s: %s", state_title, e->state_reason)
                                                     : g_strdup (state_title);
  g_object_set_data_full (G_OBJECT (row), "state", state_text ? g_strdup (state_text) : g_strdup (""), g_free);

  /* adw_expander_row_add_action () prepends: the switch ends up last, by the arrow */
  gtk_switch_set_active (GTK_SWITCH (enabled), e->enabled);
  gtk_widget_set_valign (enabled, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (enabled, _("Queue and send hand-offs to this endpoint"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (enabled), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Send to this endpoint"), -1);
  set_endpoint (enabled, e->name);
  g_signal_connect_object (enabled, "notify::active", G_CALLBACK (enabled_changed_cb), self, 0);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), enabled);

  if (badge_text != NULL)
    {
      GtkWidget *badge = gtk_label_new (badge_text);

      gtk_widget_add_css_class (badge, "endpoint-state");
      gtk_widget_add_css_class (badge, badge_class);
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), badge);
    }

  /* Why it is not sending, and how to fix it */
  if (state_title != NULL)
    {
      GtkWidget *state_row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (state_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (state_row), state_title);
      if (e->state_reason && *e->state_reason)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (state_row), e->state_reason);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (state_row), 4);
      gtk_widget_add_css_class (icon, badge_class);
      adw_action_row_add_prefix (ADW_ACTION_ROW (state_row), icon);
      if (e->state != QUALIFY_ENDPOINT_ACTIVE)
        {
          GtkWidget *resume = flat_button (_("_Resume"), _("Send to it again; its queue was kept"));

          gtk_widget_add_css_class (resume, "suggested-action");
          set_endpoint (resume, e->name);
          g_signal_connect_object (resume, "clicked", G_CALLBACK (resume_clicked_cb), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (state_row), resume);
        }
      else if (waiting > 0)
        {
          GtkWidget *now = flat_button (_("Try _Now"), _("Send its queue now instead of waiting"));

          set_endpoint (now, e->name);
          g_signal_connect_object (now, "clicked", G_CALLBACK (push_one_clicked_cb), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (state_row), now);
        }
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), state_row);
    }

  {
    GtkWidget *address = adw_action_row_new ();

    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (address), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (address), _("Address"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (address), e->url);
    adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (address), 2);
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), address);
  }

  {
    GtkWidget *auto_row = adw_action_row_new ();
    GtkWidget *sw = gtk_switch_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (auto_row), _("Push After Each Rescore"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (auto_row),
                                 _("Send new hand-offs as soon as leads are imported or rescored; "
                                   "otherwise they wait for Push Now"));
    gtk_switch_set_active (GTK_SWITCH (sw), e->auto_push);
    gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
    set_endpoint (sw, e->name);
    g_signal_connect_object (sw, "notify::active", G_CALLBACK (auto_push_changed_cb), self, 0);
    adw_action_row_add_suffix (ADW_ACTION_ROW (auto_row), sw);
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (auto_row), sw);
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), auto_row);
  }

  {
    GtkWidget *actions = gtk_list_box_row_new ();
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
    GtkWidget *button;

    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (actions), FALSE);
    gtk_widget_add_css_class (box, "endpoint-actions");

    button = flat_button (_("Send _Test Event"),
                          _("Send a made-up MQL and show the exact request and the response; nothing is queued"));
    set_endpoint (button, e->name);
    g_signal_connect_object (button, "clicked", G_CALLBACK (test_clicked_cb), self, 0);
    gtk_box_append (GTK_BOX (box), button);

    if (e->format == QUALIFY_FORMAT_WEBHOOK)
      {
        button = flat_button (_("R_otate Secret…"), _("Make a new signing secret; it is shown once"));
        set_endpoint (button, e->name);
        g_signal_connect_object (button, "clicked", G_CALLBACK (rotate_clicked_cb), self, 0);
        gtk_box_append (GTK_BOX (box), button);
      }

    gtk_widget_set_hexpand (spacer, TRUE);
    gtk_box_append (GTK_BOX (box), spacer);

    button = flat_button (_("_Edit…"), NULL);
    set_endpoint (button, e->name);
    g_signal_connect_object (button, "clicked", G_CALLBACK (edit_clicked_cb), self, 0);
    gtk_box_append (GTK_BOX (box), button);

    button = flat_button (_("Re_move…"), NULL);
    set_endpoint (button, e->name);
    g_signal_connect_object (button, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
    gtk_box_append (GTK_BOX (box), button);

    gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (actions), box);
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), actions);
  }

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row),
                                 g_hash_table_contains (self->expanded, e->name) ||
                                 e->state != QUALIFY_ENDPOINT_ACTIVE);
  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (expanded_changed_cb), self, 0);
  return row;
}

/* Workaround for the core: qualify_outbox_retry_now () promises "failures
 * forgotten for the endpoint" but only makes the row due, so the endpoint's
 * retry_at still holds every push back until it passes and Retry Now / Try Now
 * would send nothing. Clear the wait here until the core does it. */
static gboolean
forget_endpoint_wait (QualifyStore  *store,
                      gint64         endpoint_id,
                      GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE endpoints SET failures = 0, retry_at = 0"
                                          " WHERE id = %" G_GINT64_FORMAT " AND state = 'active'",
                                          endpoint_id);

  return _qualify_store_exec (store, sql, error);
}

/* Log rows */

static void
retry_cb (QualifyDeliveryRow *row,
          QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyDelivery) d = NULL;

  if (self->store == NULL)
    return;
  if (!qualify_outbox_retry_now (self->store, qualify_delivery_row_get_delivery_id (row), &error) ||
      !(d = qualify_outbox_get (self->store, qualify_delivery_row_get_delivery_id (row), &error)) ||
      !forget_endpoint_wait (self->store, d->endpoint_id, &error))
    {
      toast (self, error->message);
      reload (self);
      return;
    }
  if (!self->busy)
    {
      g_auto(GStrv) names = g_new0 (char *, 2);

      names[0] = g_strdup (d->endpoint);
      start_push (self, g_steal_pointer (&names));
    }
  else
    reload (self);
}

static void
undo_discard_cb (AdwToast           *t,
                 QualifyHandoffPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (t), "delivery"));
  g_autoptr(GError) error = NULL;

  /* Retry Now puts a discarded row back in the queue, due now */
  if (self->store != NULL && !qualify_outbox_retry_now (self->store, id, &error))
    toast (self, error->message);
  reload (self);
}

static void
discard_cb (QualifyDeliveryRow *row,
            QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  gint64 id = qualify_delivery_row_get_delivery_id (row);

  if (self->store == NULL)
    return;
  if (!qualify_outbox_discard (self->store, id, &error))
    toast (self, error->message);
  else if (overlay != NULL)
    {
      AdwToast *t = qualify_toast_new (_("Delivery discarded; it will not be sent"));

      adw_toast_set_button_label (t, _("_Undo"));
      g_object_set_data (G_OBJECT (t), "delivery", GSIZE_TO_POINTER ((gsize) id));
      g_signal_connect_object (t, "button-clicked", G_CALLBACK (undo_discard_cb), self, 0);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), t);
    }
  reload (self);
}

static void
log_row_activated_cb (GtkListBox         *list,
                      GtkListBoxRow      *row,
                      QualifyHandoffPage *self)
{
  gint64 lead_id;

  if (!QUALIFY_IS_DELIVERY_ROW (row))
    return;
  lead_id = qualify_delivery_row_get_lead_id (QUALIFY_DELIVERY_ROW (row));
  if (lead_id > 0)
    g_signal_emit (self, signals[OPEN_LEAD], 0, lead_id);
}

static void
set_count (GtkLabel *label,
           guint64   n)
{
  g_autofree char *text = qualify_format_count (n);

  gtk_label_set_text (label, text);
}

static void
reload_log (QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  guint selected = gtk_drop_down_get_selected (self->filter_dropdown);
  int state = selected < G_N_ELEMENTS (filter_states) ? filter_states[selected] : -1;
  static const char *empty[] = {
    N_("No deliveries yet: they appear here once a lead becomes an MQL or SQL"),
    N_("Nothing is waiting to be sent"),
    N_("Nothing delivered yet"),
    N_("No failed deliveries"),
    N_("No discarded deliveries"),
  };

  for (guint i = 0; i < self->log_rows->len; i++)
    gtk_list_box_remove (self->log_list, g_ptr_array_index (self->log_rows, i));
  g_ptr_array_set_size (self->log_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
  gtk_label_set_text (self->log_placeholder,
                      gettext (empty[selected < G_N_ELEMENTS (empty) ? selected : 0]));

  if (self->store == NULL)
    return;
  if (!(deliveries = qualify_outbox_list (self->store, 0, state, self->log_limit + 1, &error)))
    {
      toast (self, error->message);
      return;
    }
  for (guint i = 0; i < MIN (deliveries->len, self->log_limit); i++)
    {
      GtkWidget *row = qualify_delivery_row_new (g_ptr_array_index (deliveries, i));

      g_signal_connect_object (row, "retry", G_CALLBACK (retry_cb), self, 0);
      g_signal_connect_object (row, "discard", G_CALLBACK (discard_cb), self, 0);
      gtk_list_box_append (self->log_list, row);
      g_ptr_array_add (self->log_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), deliveries->len > self->log_limit);
}

static gboolean
retry_due_cb (gpointer user_data)
{
  QualifyHandoffPage *self = user_data;

  self->retry_source = 0;
  qualify_handoff_page_auto_push (self);
  return G_SOURCE_REMOVE;
}

/* While an auto-push endpoint waits after a failure, try again when it is due,
 * as the CLI's push --until-empty does. */
static void
schedule_retry (QualifyHandoffPage *self,
                GPtrArray          *endpoints)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 due = 0;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->busy)
    return;
  for (guint i = 0; i < endpoints->len; i++)
    {
      QualifyEndpoint *e = g_ptr_array_index (endpoints, i);
      guint64 counts[QUALIFY_N_DELIVERY_STATES];

      if (!e->auto_push || !e->enabled || e->state != QUALIFY_ENDPOINT_ACTIVE || e->failures == 0 ||
          !qualify_outbox_count (self->store, e->id, counts, NULL) || counts[QUALIFY_DELIVERY_PENDING] == 0)
        continue;
      if (due == 0 || e->retry_at < due)
        due = e->retry_at;
    }
  if (due > 0)
    self->retry_source = g_timeout_add_seconds ((guint) CLAMP (due - now + 1, 1, 24 * 3600), retry_due_cb, self);
}

static void
update_push_button (QualifyHandoffPage *self)
{
  guint64 n = self->sendable;
  guint64 waiting = self->counts[QUALIFY_DELIVERY_PENDING] + self->counts[QUALIFY_DELIVERY_SENDING];
  g_autofree char *count = qualify_format_count (n);
  g_autofree char *label = n > 0
                           /* Translators: button, e.g. "Push 1,204 MQLs Now"; hand-offs are MQLs and SQLs */
                           ? g_strdup_printf (ngettext ("_Push %s MQL Now", "_Push %s MQLs Now", n), count)
                           : g_strdup (_("_Push Now"));

  gtk_button_set_label (self->push_button, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->push_button),
                               n == 0 && waiting > 0
                               ? _("Everything pending waits for an endpoint that is off, paused, or waiting "
                                   "to retry; open the endpoint to try it now")
                               : _("Send what is due to every enabled endpoint, oldest first"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.push", n > 0 && !self->busy);
}

static void
reload (QualifyHandoffPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) endpoints = NULL;

  for (guint i = 0; i < self->endpoint_rows->len; i++)
    adw_preferences_group_remove (self->endpoints_group, g_ptr_array_index (self->endpoint_rows, i));
  g_ptr_array_set_size (self->endpoint_rows, 0);
  memset (self->counts, 0, sizeof self->counts);
  self->sendable = 0;

  if (self->path == NULL)
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      reload_log (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.add-endpoint", FALSE);
      update_push_button (self);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.add-endpoint", TRUE);

  if (self->store == NULL && !(self->store = qualify_store_open (self->path, &error)))
    {
      toast (self, error->message);
      return;
    }
  if (!(endpoints = qualify_endpoint_list (self->store, &error)) ||
      !qualify_outbox_count (self->store, 0, self->counts, &error))
    {
      toast (self, error->message);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, endpoints->len > 0 ? "content" : "empty");
  for (guint i = 0; i < endpoints->len; i++)
    {
      QualifyEndpoint *e = g_ptr_array_index (endpoints, i);
      GtkWidget *row = endpoint_row (self, e);

      adw_preferences_group_add (self->endpoints_group, row);
      g_ptr_array_add (self->endpoint_rows, row);

      /* Tell the user once when an endpoint stops receiving */
      if (e->state != QUALIFY_ENDPOINT_ACTIVE && !g_hash_table_contains (self->inactive, e->name))
        {
          g_autofree char *text = g_strdup_printf (e->state == QUALIFY_ENDPOINT_PAUSED
                                                   ? _("“%s” was paused after repeated failures; "
                                                       "its queue is kept")
                                                   : _("“%s” was disabled: the CRM says it is gone"),
                                                   e->name);

          g_hash_table_add (self->inactive, g_strdup (e->name));
          toast (self, text);
        }
      else if (e->state == QUALIFY_ENDPOINT_ACTIVE)
        g_hash_table_remove (self->inactive, e->name);
    }
  reload_log (self);

  set_count (self->pending_label, self->counts[QUALIFY_DELIVERY_PENDING] + self->counts[QUALIFY_DELIVERY_SENDING]);
  set_count (self->delivered_label, self->counts[QUALIFY_DELIVERY_DELIVERED]);
  set_count (self->failed_label, self->counts[QUALIFY_DELIVERY_FAILED]);
  if (self->counts[QUALIFY_DELIVERY_FAILED] > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->failed_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->failed_label), "error");
  update_push_button (self);
  schedule_retry (self, endpoints);
}

/* Push, in a thread with its own connection, with progress and Stop */

typedef struct
{
  char               *path;
  GStrv               endpoints;   /* NULL = every enabled, active endpoint */
  QualifyHandoffPage *self;        /* a reference; released on the main thread */
  QualifyPushSummary  done;        /* summed over the endpoints pushed so far */
  gboolean            automatic;   /* after a rescore or a due retry: no "nothing was due" */
} PushJob;

typedef struct
{
  QualifyHandoffPage *self;
  QualifyPushSummary  summary;
} PushProgress;

static void
push_job_free (PushJob *job)
{
  g_free (job->path);
  g_strfreev (job->endpoints);
  g_clear_object (&job->self);
  g_free (job);
}

static void
push_progress_free (PushProgress *p)
{
  g_object_unref (p->self);
  g_free (p);
}

static void
show_progress (QualifyHandoffPage       *self,
               const QualifyPushSummary *s)
{
  guint64 done = s->delivered + s->retrying + s->failed;
  g_autofree char *n_done = qualify_format_count (done);
  g_autofree char *n_total = qualify_format_count (MAX (self->push_total, done));
  g_autofree char *text = NULL;

  if (s->retrying + s->failed > 0)
    /* Translators: "Sending… 120 of 353 · 3 to retry · 1 failed" */
    text = g_strdup_printf (_("Sending… %s of %s · %llu to retry · %llu failed"),
                            n_done, n_total, (unsigned long long) s->retrying, (unsigned long long) s->failed);
  else
    text = g_strdup_printf (_("Sending… %s of %s"), n_done, n_total);
  gtk_label_set_text (self->progress_label, text);
  if (self->push_total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) done / (double) self->push_total));
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static gboolean
push_progress_main_cb (gpointer user_data)
{
  PushProgress *p = user_data;

  if (p->self->busy && !p->self->disposed)
    show_progress (p->self, &p->summary);
  return G_SOURCE_REMOVE;
}

/* On the pushing thread */
static void
push_progress_cb (const QualifyPushSummary *summary,
                  gpointer                  user_data)
{
  PushJob *job = user_data;
  PushProgress *p = g_new0 (PushProgress, 1);

  p->self = g_object_ref (job->self);
  p->summary = *summary;
  p->summary.delivered += job->done.delivered;
  p->summary.retrying += job->done.retrying;
  p->summary.failed += job->done.failed;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, push_progress_main_cb, p,
                              (GDestroyNotify) push_progress_free);
}

static void
push_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PushJob *job = task_data;
  g_autoptr(QualifyStore) store = NULL;
  GError *error = NULL;

  if (!(store = qualify_store_open (job->path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; job->endpoints == NULL ? i < 1 : job->endpoints[i] != NULL; i++)
    {
      QualifyPushSummary s = { 0 };

      if (!qualify_delivery_push (store, job->endpoints ? job->endpoints[i] : NULL, FALSE, 0, cancellable,
                                  push_progress_cb, job, &s, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      job->done.requests += s.requests;
      job->done.delivered += s.delivered;
      job->done.retrying += s.retrying;
      job->done.failed += s.failed;
      job->done.pending += s.pending;
    }
  g_task_return_boolean (task, TRUE);
}

static void
pushed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PushJob *job = g_task_get_task_data (G_TASK (result));
  QualifyHandoffPage *self = job->self;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (self->disposed)
    return;
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.cancel", FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, _("Stopped; what was not sent stays queued"));
      else
        toast (self, error->message);
    }
  else if (job->done.delivered + job->done.retrying + job->done.failed == 0)
    {
      if (!job->automatic)
        toast (self, _("Nothing was due: waiting hand-offs are sent when their retry is due"));
    }
  else
    {
      g_autofree char *delivered = qualify_format_count (job->done.delivered);
      g_autofree char *text = NULL;

      if (job->done.retrying > 0 || job->done.failed > 0)
        text = g_strdup_printf (_("Delivered %s · %llu will be retried · %llu failed — see the log"),
                                delivered, (unsigned long long) job->done.retrying, (unsigned long long) job->done.failed);
      else
        text = g_strdup_printf (ngettext ("Delivered %s hand-off", "Delivered %s hand-offs", job->done.delivered),
                                delivered);
      toast (self, text);
    }
  reload (self);
}

/* @endpoints (owned; NULL = all) */
static void
start_push_full (QualifyHandoffPage *self,
                 GStrv               endpoints,
                 gboolean            automatic)
{
  g_autoptr(GTask) task = NULL;
  PushJob *job;

  if (self->busy || self->path == NULL || self->store == NULL)
    {
      g_strfreev (endpoints);
      return;
    }

  self->push_total = 0;
  if (endpoints == NULL)
    self->push_total = self->sendable;
  else
    for (guint i = 0; endpoints[i] != NULL; i++)
      {
        g_autoptr(QualifyEndpoint) e = qualify_endpoint_get (self->store, endpoints[i], NULL);
        guint64 counts[QUALIFY_N_DELIVERY_STATES];

        if (e != NULL && qualify_outbox_count (self->store, e->id, counts, NULL))
          self->push_total += counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_SENDING];
      }

  self->busy = TRUE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.push", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.cancel", TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  {
    QualifyPushSummary zero = { 0 };

    show_progress (self, &zero);
  }
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  job = g_new0 (PushJob, 1);
  job->path = g_strdup (self->path);
  job->endpoints = endpoints;
  job->self = g_object_ref (self);
  job->automatic = automatic;
  task = g_task_new (NULL, self->cancellable, pushed_cb, NULL);
  g_task_set_source_tag (task, start_push);
  g_task_set_task_data (task, job, (GDestroyNotify) push_job_free);
  g_task_run_in_thread (task, push_thread);
}

static void
start_push (QualifyHandoffPage *self,
            GStrv               endpoints)
{
  start_push_full (self, endpoints, FALSE);
}

void
qualify_handoff_page_auto_push (QualifyHandoffPage *self)
{
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GStrvBuilder) names = NULL;
  g_auto(GStrv) list = NULL;

  g_return_if_fail (QUALIFY_IS_HANDOFF_PAGE (self));

  if (self->busy || self->store == NULL || !(endpoints = qualify_endpoint_list (self->store, NULL)))
    return;
  names = g_strv_builder_new ();
  for (guint i = 0; i < endpoints->len; i++)
    {
      QualifyEndpoint *e = g_ptr_array_index (endpoints, i);
      guint64 counts[QUALIFY_N_DELIVERY_STATES];

      if (e->auto_push && e->enabled && e->state == QUALIFY_ENDPOINT_ACTIVE &&
          qualify_outbox_count (self->store, e->id, counts, NULL) && counts[QUALIFY_DELIVERY_PENDING] > 0)
        g_strv_builder_add (names, e->name);
    }
  list = g_strv_builder_end (names);
  if (list[0] == NULL)
    return;
  reload (self);   /* counts as of now, for the progress */
  start_push_full (self, g_steal_pointer (&list), TRUE);
}

static void
push_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  start_push (QUALIFY_HANDOFF_PAGE (widget), NULL);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
filter_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (widget);
  QualifyDeliveryState state;

  if (!qualify_delivery_state_from_string (g_variant_get_string (param, NULL), &state))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (filter_states); i++)
    if (filter_states[i] == (int) state)
      {
        /* the same filter again shows everything */
        gtk_drop_down_set_selected (self->filter_dropdown,
                                    gtk_drop_down_get_selected (self->filter_dropdown) == i ? 0 : i);
        break;
      }
}

static void
filter_changed_cb (QualifyHandoffPage *self)
{
  self->log_limit = LOG_PAGE;
  reload_log (self);
}

static void
show_more_activated (GtkWidget  *widget,
                     const char *action,
                     GVariant   *param)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (widget);

  self->log_limit += LOG_PAGE;
  reload_log (self);
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

  if (!g_str_equal (response, "queue") || self->store == NULL)
    return;
  if (!qualify_outbox_enqueue_backlog (self->store, id, &queued, &error))
    toast (self, error->message);
  else
    {
      g_autofree char *count = qualify_format_count (queued);
      g_autofree char *text = g_strdup_printf (ngettext ("Queued %s lead; push it when you are ready",
                                                         "Queued %s leads; push them when you are ready", queued),
                                               count);

      toast (self, text);
    }
  reload (self);
}

/* Asked once the endpoint dialog is closed: a new webhook's dialog first shows
 * its secret, and two dialogs at once would hide one of them. */
static void
ask_backlog_cb (GtkWidget          *dialog,
                QualifyHandoffPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "added-id"));
  const char *name = g_object_get_data (G_OBJECT (dialog), "added-name");
  g_autofree char *count = NULL;
  guint64 backlog = 0;
  GtkWidget *ask;

  if (self->disposed || id == 0 || self->store == NULL ||
      !qualify_outbox_count_backlog (self->store, id, &backlog, NULL) || backlog == 0)
    return;

  count = qualify_format_count (backlog);
  ask = adw_message_dialog_new (parent_window (self), _("Send the Current Backlog?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (ask),
                                  ngettext ("%s lead already has a status that “%s” receives. Queue it "
                                            "now, or send only the changes from the next rescore on?",
                                            "%s leads already have a status that “%s” receives. Queue "
                                            "them now, or send only the changes from the next rescore on?",
                                            backlog),
                                  count, name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (ask), "later", _("_Only New Changes"),
                                    "queue", _("_Queue Them"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (ask), "queue", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (ask), "queue");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (ask), "later");
  g_object_set_data (G_OBJECT (ask), "endpoint-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect_object (ask, "response", G_CALLBACK (backlog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (ask));
}

static void
endpoint_added_cb (QualifyEndpointDialog *dialog,
                   gint64                 id,
                   const char            *name,
                   QualifyHandoffPage    *self)
{
  g_hash_table_add (self->expanded, g_strdup (name));
  reload (self);
  g_object_set_data (G_OBJECT (dialog), "added-id", GSIZE_TO_POINTER ((gsize) id));
  g_object_set_data_full (G_OBJECT (dialog), "added-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (ask_backlog_cb), self, 0);
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

  self->disposed = TRUE;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_object (&self->store);
  /* no gtk_widget_dispose_template (): AdwBin unparents its child (the template's stack) itself */
  G_OBJECT_CLASS (qualify_handoff_page_parent_class)->dispose (object);
}

/* Out of its window (closing): stop a push; what is not sent stays queued. */
static void
qualify_handoff_page_unroot (GtkWidget *widget)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (widget);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  GTK_WIDGET_CLASS (qualify_handoff_page_parent_class)->unroot (widget);
}

static void
qualify_handoff_page_finalize (GObject *object)
{
  QualifyHandoffPage *self = QUALIFY_HANDOFF_PAGE (object);

  g_free (self->path);
  g_ptr_array_unref (self->endpoint_rows);
  g_ptr_array_unref (self->log_rows);
  g_hash_table_unref (self->expanded);
  g_hash_table_unref (self->inactive);
  G_OBJECT_CLASS (qualify_handoff_page_parent_class)->finalize (object);
}

static void
qualify_handoff_page_class_init (QualifyHandoffPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qualify_handoff_page_dispose;
  object_class->finalize = qualify_handoff_page_finalize;
  widget_class->unroot = qualify_handoff_page_unroot;

  signals[OPEN_LEAD] = g_signal_new ("open-lead", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/handoff/qualify-handoff-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, endpoints_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, delivered_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, failed_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, push_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, log_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, log_placeholder);
  gtk_widget_class_bind_template_child (widget_class, QualifyHandoffPage, more_button);

  gtk_widget_class_install_action (widget_class, "handoff.push", NULL, push_activated);
  gtk_widget_class_install_action (widget_class, "handoff.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "handoff.add-endpoint", NULL, add_endpoint_activated);
  gtk_widget_class_install_action (widget_class, "handoff.filter", "s", filter_activated);
  gtk_widget_class_install_action (widget_class, "handoff.show-more", NULL, show_more_activated);
}

static void
qualify_handoff_page_init (QualifyHandoffPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _qualify_handoff_ensure_css ();
  self->endpoint_rows = g_ptr_array_new ();
  self->log_rows = g_ptr_array_new ();
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->inactive = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->log_limit = LOG_PAGE;
  g_signal_connect_object (self->log_list, "row-activated", G_CALLBACK (log_row_activated_cb), self, 0);
  g_signal_connect_object (self->filter_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handoff.cancel", FALSE);
  reload (self);
}

void
_qualify_handoff_ensure_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded || gdk_display_get_default () == NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/qualifyapp/Qualify/handoff/qualify-handoff.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  loaded = TRUE;
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
      if (self->cancellable)
        g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->store);
      g_free (self->path);
      self->path = g_strdup (path);
      g_hash_table_remove_all (self->expanded);
      g_hash_table_remove_all (self->inactive);
      self->log_limit = LOG_PAGE;
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
  return self->busy || self->keyring_calls > 0;
}

const char *
_qualify_handoff_page_get_log_subtitle (QualifyHandoffPage *self,
                                        guint               index)
{
  g_return_val_if_fail (index < self->log_rows->len, NULL);
  return adw_action_row_get_subtitle (g_ptr_array_index (self->log_rows, index));
}

GtkWidget *
_qualify_handoff_page_get_log_row (QualifyHandoffPage *self,
                                   guint               index)
{
  g_return_val_if_fail (index < self->log_rows->len, NULL);
  return g_ptr_array_index (self->log_rows, index);
}

static GtkWidget *
find_endpoint_row (QualifyHandoffPage *self,
                   const char         *name)
{
  for (guint i = 0; i < self->endpoint_rows->len; i++)
    if (g_strcmp0 (endpoint_of (g_ptr_array_index (self->endpoint_rows, i)), name) == 0)
      return g_ptr_array_index (self->endpoint_rows, i);
  return NULL;
}

const char *
_qualify_handoff_page_get_endpoint_subtitle (QualifyHandoffPage *self,
                                             const char         *name)
{
  GtkWidget *row = find_endpoint_row (self, name);

  return row ? g_object_get_data (G_OBJECT (row), "subtitle") : NULL;
}

const char *
_qualify_handoff_page_get_endpoint_state (QualifyHandoffPage *self,
                                          const char         *name)
{
  GtkWidget *row = find_endpoint_row (self, name);

  return row ? g_object_get_data (G_OBJECT (row), "state") : NULL;
}

const char *
_qualify_handoff_page_get_progress_text (QualifyHandoffPage *self)
{
  return gtk_label_get_text (self->progress_label);
}
