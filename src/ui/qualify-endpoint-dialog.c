/* qualify-endpoint-dialog.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-endpoint-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "qualify-delivery.h"
#include "qualify-endpoint-dialog.h"
#include "qualify-handoff-page.h"
#include "qualify-secrets.h"
#include "qualify-store.h"
#include "qualify-webhook.h"

struct _QualifyEndpointDialog
{
  AdwWindow             parent_instance;

  GtkStack             *stack;
  GtkButton            *add_button;
  GtkButton            *cancel_button;
  GtkButton            *copy_button;
  GtkButton            *test_button;
  AdwEntryRow          *name_row;
  AdwComboRow          *format_row;
  AdwEntryRow          *url_row;
  AdwPasswordEntryRow  *token_row;
  AdwEntryRow          *external_id_row;
  AdwActionRow         *secret_info_row;
  AdwPreferencesGroup  *mapping_group;
  AdwExpanderRow       *mapping_expander;
  GtkSwitch            *mql_switch;
  GtkSwitch            *sql_switch;
  GtkSwitch            *dq_switch;
  GtkSwitch            *auto_switch;
  GtkLabel             *error_label;
  GtkLabel             *secret_label;

  GPtrArray            *mapping_rows;   /* AdwEntryRow, one per mapped_fields[] */
  JsonObject           *extra_mapping;  /* members of a saved mapping the form has no row for */
  QualifyEndpointFormat mapping_format; /* whose defaults the rows were filled with */
  gboolean              mapping_edited;
  gboolean              filling;

  char                 *path;
  char                 *editing;      /* name of the endpoint being edited, or NULL */
  char                 *secret;
  char                 *pending_secret;  /* a new webhook's secret, made when first needed */
  char                 *error;
  char                 *test_request;
  char                 *test_response;
  gboolean              testing;
  gboolean              saving;
  gboolean              disposed;
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

/* Qualify fields that can be sent besides the lead's canonical fields. */
static const struct
{
  const char *key;
  const char *label;
} result_fields[] = {
  { "name", N_("Full name") },
  { "status", N_("Status") },
  { "score", N_("Score") },
  { "fit", N_("Fit") },
  { "engagement", N_("Engagement") },
  { "grade", N_("Grade") },
};

static const char *
mapped_key (guint i)
{
  return i < QUALIFY_N_FIELDS ? qualify_field_get_name (i) : result_fields[i - QUALIFY_N_FIELDS].key;
}

static const char *
mapped_label (guint i)
{
  return i < QUALIFY_N_FIELDS ? qualify_field_get_label (i) : gettext (result_fields[i - QUALIFY_N_FIELDS].label);
}

#define N_MAPPED (QUALIFY_N_FIELDS + G_N_ELEMENTS (result_fields))

static JsonObject *
parse_mapping (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return json_object_new ();
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* {"qualify field": "CRM property"} in the rows' order, then the extra members */
static char *
mapping_to_json (const char * const *properties,
                 JsonObject         *extra)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  for (guint i = 0; i < N_MAPPED; i++)
    if (properties[i] != NULL && *properties[i] != '\0')
      {
        json_builder_set_member_name (b, mapped_key (i));
        json_builder_add_string_value (b, properties[i]);
      }
  if (extra != NULL)
    {
      GList *members = json_object_get_members (extra);

      for (GList *l = members; l; l = l->next)
        if (JSON_NODE_HOLDS_VALUE (json_object_get_member (extra, l->data)))
          {
            json_builder_set_member_name (b, l->data);
            json_builder_add_string_value (b, json_object_get_string_member (extra, l->data));
          }
      g_list_free (members);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The defaults of @format, normalised like the form's JSON */
static char *
default_mapping_json (QualifyEndpointFormat format)
{
  g_autoptr(JsonObject) defaults = parse_mapping (qualify_endpoint_default_mapping (format));
  const char *properties[N_MAPPED] = { NULL };

  for (guint i = 0; i < N_MAPPED; i++)
    if (json_object_has_member (defaults, mapped_key (i)))
      properties[i] = json_object_get_string_member (defaults, mapped_key (i));
  return mapping_to_json (properties, NULL);
}

/* The form's mapping, or NULL when it is the format's defaults. */
static char *
form_mapping (QualifyEndpointDialog *self,
              QualifyEndpointFormat  format)
{
  char *properties[N_MAPPED] = { NULL };
  g_autofree char *json = NULL;
  g_autofree char *defaults = NULL;

  if (format == QUALIFY_FORMAT_WEBHOOK)
    return NULL;
  for (guint i = 0; i < N_MAPPED; i++)
    properties[i] = g_strstrip (g_strdup (gtk_editable_get_text (g_ptr_array_index (self->mapping_rows, i))));
  json = mapping_to_json ((const char * const *) properties, self->extra_mapping);
  for (guint i = 0; i < N_MAPPED; i++)
    g_free (properties[i]);
  defaults = default_mapping_json (format);
  return g_str_equal (json, defaults) ? NULL : g_steal_pointer (&json);
}

static void
update_mapping_subtitle (QualifyEndpointDialog *self)
{
  guint n = 0;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < self->mapping_rows->len; i++)
    if (*gtk_editable_get_text (g_ptr_array_index (self->mapping_rows, i)) != '\0')
      n++;
  subtitle = g_strdup_printf (ngettext ("%u field is sent", "%u fields are sent", n), n);
  adw_expander_row_set_subtitle (self->mapping_expander, subtitle);
}

static void
fill_mapping (QualifyEndpointDialog *self,
              const char            *json)
{
  g_autoptr(JsonObject) mapping = parse_mapping (json);

  self->filling = TRUE;
  g_clear_pointer (&self->extra_mapping, json_object_unref);
  self->extra_mapping = json_object_new ();
  for (guint i = 0; i < N_MAPPED; i++)
    {
      const char *property = json_object_has_member (mapping, mapped_key (i))
                             ? json_object_get_string_member (mapping, mapped_key (i)) : NULL;

      gtk_editable_set_text (g_ptr_array_index (self->mapping_rows, i), property ? property : "");
    }
  {
    GList *members = json_object_get_members (mapping);

    for (GList *l = members; l; l = l->next)
      {
        gboolean known = FALSE;

        for (guint i = 0; i < N_MAPPED && !known; i++)
          known = g_str_equal (l->data, mapped_key (i));
        if (!known && JSON_NODE_HOLDS_VALUE (json_object_get_member (mapping, l->data)))
          json_object_set_string_member (self->extra_mapping, l->data,
                                         json_object_get_string_member (mapping, l->data));
      }
    g_list_free (members);
  }
  self->filling = FALSE;
  update_mapping_subtitle (self);
}

static void
mapping_changed_cb (QualifyEndpointDialog *self)
{
  if (!self->filling)
    self->mapping_edited = TRUE;
  update_mapping_subtitle (self);
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

/* Live checks: the name is set and the URL is acceptable (http only to this machine). */
static void
validate (QualifyEndpointDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autoptr(GError) error = NULL;
  gboolean url_ok = qualify_endpoint_check_url (url, &error);

  if (*url != '\0' && !url_ok)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_row), error->message);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_row), NULL);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "endpoint.test", url_ok && !self->testing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), *name != '\0' && url_ok);
}

static void
format_changed_cb (QualifyEndpointDialog *self)
{
  QualifyEndpointFormat format = adw_combo_row_get_selected (self->format_row);
  gboolean webhook = format == QUALIFY_FORMAT_WEBHOOK;
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));

  if (format >= QUALIFY_N_FORMATS)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->token_row), !webhook);
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_group), !webhook);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_info_row), webhook);
  gtk_widget_set_visible (GTK_WIDGET (self->external_id_row), format == QUALIFY_FORMAT_SALESFORCE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row),
                                 self->editing != NULL ? _("New Access Token (empty: keep the saved one)")
                                 : format == QUALIFY_FORMAT_PIPEDRIVE ? _("API Token")
                                 : format == QUALIFY_FORMAT_HUBSPOT ? _("Private App Access Token")
                                 : _("Access Token"));

  /* The new CRM's defaults, unless the user changed the mapping */
  if (!webhook && (!self->mapping_edited || self->mapping_format == QUALIFY_FORMAT_WEBHOOK))
    {
      fill_mapping (self, qualify_endpoint_default_mapping (format));
      self->mapping_format = format;
      self->mapping_edited = FALSE;
    }

  /* Suggest the CRM's own address while the field is empty or still a suggestion. */
  for (guint i = 0; i < QUALIFY_N_FORMATS; i++)
    if (*url == '\0' || g_str_equal (url, url_hints[i]))
      {
        gtk_editable_set_text (GTK_EDITABLE (self->url_row), webhook ? "" : url_hints[format]);
        break;
      }
  validate (self);
}

static guint
form_transitions (QualifyEndpointDialog *self)
{
  return (gtk_switch_get_active (self->mql_switch) ? 1u << QUALIFY_STATUS_MQL : 0) |
         (gtk_switch_get_active (self->sql_switch) ? 1u << QUALIFY_STATUS_SQL : 0) |
         (gtk_switch_get_active (self->dq_switch) ? 1u << QUALIFY_STATUS_DISQUALIFIED : 0);
}

/* The endpoint as the form describes it, or NULL with the reason shown. */
static QualifyEndpoint *
form_endpoint (QualifyEndpointDialog *self,
               gboolean               for_test)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autofree char *external_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->external_id_row))));
  QualifyEndpointFormat format = adw_combo_row_get_selected (self->format_row);
  g_autoptr(GError) error = NULL;
  QualifyEndpoint *endpoint;

  if (!for_test && *name == '\0')
    {
      show_error (self, _("Give the endpoint a name, e.g. the CRM's or the team's."));
      return NULL;
    }
  if (!qualify_endpoint_check_url (url, &error))
    {
      show_error (self, error->message);
      return NULL;
    }
  endpoint = qualify_endpoint_new (*name ? name : _("Test"), url, format);
  endpoint->transitions = form_transitions (self);
  endpoint->auto_push = gtk_switch_get_active (self->auto_switch);
  endpoint->mapping = form_mapping (self, format);
  if (format == QUALIFY_FORMAT_SALESFORCE && *external_id != '\0')
    endpoint->external_id = g_steal_pointer (&external_id);
  return endpoint;
}

static void
set_saving (QualifyEndpointDialog *self,
            gboolean               saving)
{
  self->saving = saving;
  if (!self->disposed)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !saving);
      if (saving)
        gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), FALSE);
      else
        validate (self);
    }
}

/* Saving: the secret goes to the keyring (asynchronously: the keyring may
 * have to ask for its password), and only then the endpoint is final. */
typedef struct
{
  QualifyEndpointDialog *self;
  char                  *workspace_id;
  QualifyEndpoint       *endpoint;
  char                  *old_name;    /* editing: the name before a rename */
  char                  *secret;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_object_unref (job->self);
  g_free (job->workspace_id);
  qualify_endpoint_free (job->endpoint);
  g_free (job->old_name);
  if (job->secret)
    memset (job->secret, 0, strlen (job->secret));
  g_free (job->secret);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveJob, save_job_free)

static void
added_secret_stored_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(SaveJob) job = user_data;
  QualifyEndpointDialog *self = job->self;
  g_autoptr(GError) error = NULL;

  set_saving (self, FALSE);
  if (!qualify_secrets_store_finish (result, &error))
    {
      g_autoptr(QualifyStore) store = qualify_store_open (self->path, NULL);

      /* no endpoint without its secret */
      if (store != NULL)
        qualify_endpoint_remove (store, job->endpoint->name, NULL);
      if (!self->disposed)
        show_error (self, error->message);
      return;
    }
  if (self->disposed)
    return;

  show_error (self, NULL);
  g_signal_emit (self, signals[ADDED], 0, job->endpoint->id, job->endpoint->name);
  if (job->endpoint->format == QUALIFY_FORMAT_WEBHOOK)
    {
      self->secret = g_steal_pointer (&job->secret);
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
edit_done (SaveJob *job)
{
  QualifyEndpointDialog *self = job->self;

  set_saving (self, FALSE);
  if (self->disposed)
    return;
  show_error (self, NULL);
  g_signal_emit (self, signals[ADDED], 0, job->endpoint->id, job->endpoint->name);
  gtk_window_close (GTK_WINDOW (self));
}

static void
old_secret_cleared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SaveJob) job = user_data;
  g_autoptr(GError) error = NULL;

  /* the endpoint is saved under its new name already: only say so */
  if (!qualify_secrets_clear_finish (result, &error))
    g_warning ("Could not delete the renamed endpoint's old secret from the keyring: %s", error->message);
  edit_done (job);
}

/* The secret is in place under the (new) name: save the endpoint itself,
 * then delete the old name's secret. Takes @job. */
static void
finish_edit (SaveJob *job)
{
  QualifyEndpointDialog *self = job->self;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (!(store = qualify_store_open (self->path, &error)) ||
      !qualify_endpoint_update (store, job->endpoint, &error))
    {
      set_saving (self, FALSE);
      if (!self->disposed)
        show_error (self, error->message);
      save_job_free (job);
      return;
    }
  if (job->old_name != NULL)
    {
      set_saving (self, TRUE);
      qualify_secrets_clear_async (job->workspace_id, job->old_name, NULL, old_secret_cleared_cb, job);
      return;
    }
  edit_done (job);
  save_job_free (job);
}

static void
edit_secret_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(SaveJob) job = user_data;
  g_autoptr(GError) error = NULL;

  if (!qualify_secrets_store_finish (result, &error))
    {
      set_saving (job->self, FALSE);
      if (!job->self->disposed)
        show_error (job->self, error->message);
      return;
    }
  finish_edit (g_steal_pointer (&job));
}

/* A rename: the secret moves from the old name to the new one. */
static void
edit_secret_found_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SaveJob *job = user_data;
  g_autoptr(GError) error = NULL;

  job->secret = qualify_secrets_lookup_finish (result, &error);
  if (job->secret == NULL && job->endpoint->format == QUALIFY_FORMAT_WEBHOOK && error == NULL)
    job->secret = qualify_webhook_generate_secret ();   /* a webhook whose secret was lost */
  if (job->secret == NULL)
    {
      set_saving (job->self, FALSE);
      if (!job->self->disposed)
        show_error (job->self, error ? error->message : _("Enter the access token the CRM gave you."));
      save_job_free (job);
      return;
    }
  qualify_secrets_store_async (job->workspace_id, job->endpoint->name, job->secret, NULL,
                               edit_secret_stored_cb, job);
}

/* Saves an edited endpoint: a new token replaces the one in the keyring, a
 * rename moves the secret to the new name; with neither, the keyring is not
 * touched. Takes @endpoint. */
static void
save_edit (QualifyEndpointDialog *self,
           QualifyEndpoint       *endpoint,
           const char            *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) before = NULL;
  g_autoptr(SaveJob) job = g_new0 (SaveJob, 1);

  job->self = g_object_ref (self);
  job->endpoint = endpoint;
  if (!(store = qualify_store_open (self->path, &error)) ||
      !(job->workspace_id = qualify_store_dup_workspace_id (store, &error)) ||
      !(before = qualify_endpoint_get (store, self->editing, &error)))
    {
      show_error (self, error->message);
      return;
    }
  endpoint->id = before->id;
  endpoint->enabled = before->enabled;
  if (g_strcmp0 (endpoint->name, self->editing) != 0)
    job->old_name = g_strdup (self->editing);

  if (token != NULL && *token != '\0' && endpoint->format != QUALIFY_FORMAT_WEBHOOK)
    {
      SaveJob *owned = g_steal_pointer (&job);

      owned->secret = g_strdup (token);
      set_saving (self, TRUE);
      qualify_secrets_store_async (owned->workspace_id, endpoint->name, owned->secret, NULL,
                                   edit_secret_stored_cb, owned);
    }
  else if (job->old_name != NULL)
    {
      SaveJob *owned = g_steal_pointer (&job);

      set_saving (self, TRUE);
      qualify_secrets_lookup_async (owned->workspace_id, owned->old_name, NULL, edit_secret_found_cb, owned);
    }
  else
    finish_edit (g_steal_pointer (&job));
}

static void
tested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QualifyEndpointDialog) self = user_data;
  g_autofree char *request = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = qualify_delivery_test_endpoint_finish (result, &request, &response, &error);
  GtkWidget *dialog;
  GtkWidget *box;

  self->testing = FALSE;
  if (self->disposed)
    return;
  gtk_button_set_label (self->test_button, _("Send _Test Event"));
  validate (self);
  if (!ok)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_free (self->test_request);
  g_free (self->test_response);
  self->test_request = g_strdup (request);
  self->test_response = g_strdup (response);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Test Event Sent"),
                                   _("A made-up MQL with these settings; nothing was saved or queued. "
                                     "Secrets are masked."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), _qualify_handoff_code_view (_("Request"), request, 220));
  gtk_box_append (GTK_BOX (box), _qualify_handoff_code_view (_("Response"), response, 120));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Send Test Event with the form's values (nothing saved): a new webhook is
 * signed with the secret the form will save, a saved endpoint with its own. */
static void
test_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (widget);
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  const char *secret = NULL;

  if (self->testing || !(endpoint = form_endpoint (self, TRUE)))
    return;
  if (endpoint->format != QUALIFY_FORMAT_WEBHOOK && token != NULL && *token != '\0')
    secret = token;
  else if (self->editing != NULL)
    {
      /* the saved secret, found in the keyring under the saved name */
      g_free (endpoint->name);
      endpoint->name = g_strdup (self->editing);
    }
  else if (endpoint->format == QUALIFY_FORMAT_WEBHOOK)
    {
      if (self->pending_secret == NULL)
        self->pending_secret = qualify_webhook_generate_secret ();
      secret = self->pending_secret;
    }
  else
    {
      show_error (self, _("Enter the access token the CRM gave you."));
      return;
    }

  self->testing = TRUE;
  gtk_widget_action_set_enabled (widget, "endpoint.test", FALSE);
  gtk_button_set_label (self->test_button, _("Sending…"));
  qualify_delivery_test_endpoint_async (self->path, endpoint, secret, NULL, tested_cb, g_object_ref (self));
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
  g_autoptr(SaveJob) job = NULL;
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));

  if (self->saving || !(endpoint = form_endpoint (self, FALSE)))
    return;
  if (endpoint->transitions == 0)
    {
      show_error (self, _("Choose at least one status to send."));
      return;
    }

  if (self->editing != NULL)
    {
      save_edit (self, g_steal_pointer (&endpoint), token);
      return;
    }

  job = g_new0 (SaveJob, 1);
  job->self = g_object_ref (self);
  if (endpoint->format == QUALIFY_FORMAT_WEBHOOK)
    job->secret = self->pending_secret ? g_strdup (self->pending_secret) : qualify_webhook_generate_secret ();
  else if (token == NULL || *token == '\0')
    {
      show_error (self, _("Enter the access token the CRM gave you."));
      return;
    }
  else
    job->secret = g_strdup (token);

  if (!(store = qualify_store_open (self->path, &error)) ||
      !(job->workspace_id = qualify_store_dup_workspace_id (store, &error)) ||
      !qualify_endpoint_add (store, endpoint, &error))
    {
      show_error (self, error->message);
      return;
    }
  job->endpoint = g_steal_pointer (&endpoint);
  set_saving (self, TRUE);
  qualify_secrets_store_async (job->workspace_id, job->endpoint->name, job->secret, NULL,
                               added_secret_stored_cb, job);
  job = NULL;
}

static void
copy_secret_activated (GtkWidget  *widget,
                       const char *action,
                       GVariant   *param)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (widget);

  if (self->secret == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->secret);
  gtk_button_set_label (self->copy_button, _("Copied"));
}

static void
reset_mapping_activated (GtkWidget  *widget,
                         const char *action,
                         GVariant   *param)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (widget);
  QualifyEndpointFormat format = adw_combo_row_get_selected (self->format_row);

  fill_mapping (self, qualify_endpoint_default_mapping (format));
  self->mapping_format = format;
  self->mapping_edited = FALSE;
}

static void
qualify_endpoint_dialog_dispose (GObject *object)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (object);

  self->disposed = TRUE;
  G_OBJECT_CLASS (qualify_endpoint_dialog_parent_class)->dispose (object);
}

static void
qualify_endpoint_dialog_finalize (GObject *object)
{
  QualifyEndpointDialog *self = QUALIFY_ENDPOINT_DIALOG (object);

  g_free (self->path);
  g_free (self->editing);
  if (self->pending_secret)
    memset (self->pending_secret, 0, strlen (self->pending_secret));
  g_free (self->pending_secret);
  g_free (self->test_request);
  g_free (self->test_response);
  if (self->secret)
    memset (self->secret, 0, strlen (self->secret));
  g_free (self->secret);
  g_free (self->error);
  g_ptr_array_unref (self->mapping_rows);
  g_clear_pointer (&self->extra_mapping, json_object_unref);
  G_OBJECT_CLASS (qualify_endpoint_dialog_parent_class)->finalize (object);
}

static void
qualify_endpoint_dialog_class_init (QualifyEndpointDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qualify_endpoint_dialog_dispose;
  object_class->finalize = qualify_endpoint_dialog_finalize;

  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                 NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/handoff/qualify-endpoint-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, external_id_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, secret_info_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, mapping_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, mapping_expander);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, mql_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, sql_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, dq_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, auto_switch);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, secret_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyEndpointDialog, test_button);

  gtk_widget_class_install_action (widget_class, "endpoint.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "endpoint.copy-secret", NULL, copy_secret_activated);
  gtk_widget_class_install_action (widget_class, "endpoint.test", NULL, test_activated);
  gtk_widget_class_install_action (widget_class, "endpoint.reset-mapping", NULL, reset_mapping_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qualify_endpoint_dialog_init (QualifyEndpointDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _qualify_handoff_ensure_css ();

  self->mapping_rows = g_ptr_array_new ();
  for (guint i = 0; i < N_MAPPED; i++)
    {
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mapped_label (i));
      g_signal_connect_swapped (row, "changed", G_CALLBACK (mapping_changed_cb), self);
      adw_expander_row_add_row (self->mapping_expander, row);
      g_ptr_array_add (self->mapping_rows, row);
    }
  self->mapping_format = QUALIFY_FORMAT_WEBHOOK;

  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (format_changed_cb), self);
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (validate), self);
  g_signal_connect_swapped (self->url_row, "changed", G_CALLBACK (validate), self);
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
      if (endpoint->format != QUALIFY_FORMAT_WEBHOOK)
        {
          fill_mapping (self, endpoint->mapping ? endpoint->mapping
                                                : qualify_endpoint_default_mapping (endpoint->format));
          self->mapping_format = endpoint->format;
          self->mapping_edited = endpoint->mapping != NULL;
        }
      if (endpoint->external_id)
        gtk_editable_set_text (GTK_EDITABLE (self->external_id_row), endpoint->external_id);
      gtk_switch_set_active (self->mql_switch, endpoint->transitions & (1u << QUALIFY_STATUS_MQL));
      gtk_switch_set_active (self->sql_switch, endpoint->transitions & (1u << QUALIFY_STATUS_SQL));
      gtk_switch_set_active (self->dq_switch, endpoint->transitions & (1u << QUALIFY_STATUS_DISQUALIFIED));
      gtk_switch_set_active (self->auto_switch, endpoint->auto_push);
      adw_action_row_set_subtitle (self->secret_info_row,
                                   _("The signing secret stays as it is; rotate it from the endpoint's row."));
    }
  format_changed_cb (self);
  return GTK_WINDOW (self);
}

const char *
_qualify_endpoint_dialog_submit (QualifyEndpointDialog *self,
                                 const char            *name,
                                 const char            *url,
                                 QualifyEndpointFormat  format,
                                 const char            *token)
{
  static char *last_error;   /* the dialog may be gone when this returns */

  g_object_ref (self);
  adw_combo_row_set_selected (self->format_row, format);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token ? token : "");
  g_clear_pointer (&self->error, g_free);
  gtk_widget_activate_action (GTK_WIDGET (self), "endpoint.add", NULL);
  /* test-only: wait for the keyring */
  while (self->saving)
    g_main_context_iteration (NULL, TRUE);
  g_free (last_error);
  last_error = g_strdup (self->error);
  g_object_unref (self);
  return last_error;
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
_qualify_endpoint_dialog_set_mapping (QualifyEndpointDialog *self,
                                      const char            *field,
                                      const char            *property)
{
  for (guint i = 0; i < N_MAPPED; i++)
    if (g_str_equal (mapped_key (i), field))
      {
        gtk_editable_set_text (g_ptr_array_index (self->mapping_rows, i), property);
        return TRUE;
      }
  return FALSE;
}

const char *
_qualify_endpoint_dialog_get_mapping (QualifyEndpointDialog *self,
                                      const char            *field)
{
  for (guint i = 0; i < N_MAPPED; i++)
    if (g_str_equal (mapped_key (i), field))
      return gtk_editable_get_text (g_ptr_array_index (self->mapping_rows, i));
  return NULL;
}

gboolean
_qualify_endpoint_dialog_can_add (QualifyEndpointDialog *self)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (self->add_button));
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
