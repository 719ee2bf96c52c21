/* test-handoff-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Hand-off page and the endpoint dialog driven through their widgets and
 * actions, against a real SoupServer on 127.0.0.1 (in its own thread) and a
 * real workspace file. With QUALIFY_SCREENSHOT_DIR set, /handoff-page/screenshots
 * saves the page and the endpoint dialog in light and dark.
 */

#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qualify-application.h"
#include "qualify-delivery-row.h"
#include "qualify-demo.h"
#include "qualify-endpoint-dialog.h"
#include "qualify-handoff-page.h"
#include "qualify-outbox.h"
#include "qualify-secrets.h"
#include "qualify-store.h"
#include "qualify-test-util.h"
#include "qualify-webhook.h"
#include "qualify-window.h"

/* The CRM: answers each path with its own status; counts requests, verifies
 * webhook signatures and keeps the webhook-ids it accepted. */
typedef struct
{
  GMutex        lock;
  guint         requests;
  GHashTable   *status;        /* path → GUINT status; default 200 */
  GHashTable   *ids;
  char         *secret;
  gboolean      signatures_ok;
  char         *last_body;
  char         *last_authorization;
  char         *last_path;
  guint         delay_ms;      /* a slow CRM */
  QtServer     *server;
} Receiver;

static void
receiver_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Receiver *r = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  const char *id = soup_message_headers_get_one (headers, "webhook-id");
  const char *ts = soup_message_headers_get_one (headers, "webhook-timestamp");
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  guint status;

  if (r->delay_ms > 0)
    g_usleep (r->delay_ms * 1000);
  g_mutex_lock (&r->lock);
  status = GPOINTER_TO_UINT (g_hash_table_lookup (r->status, path));
  if (status == 0)
    status = 200;
  r->requests++;
  g_free (r->last_body);
  r->last_body = g_strndup (data ? data : "", len);
  g_free (r->last_authorization);
  r->last_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_free (r->last_path);
  r->last_path = g_strdup (path);
  if (r->secret != NULL &&
      (id == NULL || ts == NULL ||
       !qualify_webhook_verify (r->secret, id, g_ascii_strtoll (ts, NULL, 10), data ? data : "", len,
                                soup_message_headers_get_one (headers, "webhook-signature"))))
    r->signatures_ok = FALSE;
  if (status == 200 && id != NULL)
    g_hash_table_add (r->ids, g_strdup (id));
  if (status == 200 && g_str_has_suffix (path, "/search"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      "{\"success\":true,\"data\":{\"items\":[]}}", 37);
  else if (status == 200)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      "{\"success\":true,\"data\":{\"id\":7}}", 31);
  else
    soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "CRM says no", 11);
  soup_server_message_set_status (msg, status, NULL);
  g_mutex_unlock (&r->lock);
}

static Receiver *
receiver_start (void)
{
  Receiver *r = g_new0 (Receiver, 1);

  g_mutex_init (&r->lock);
  r->signatures_ok = TRUE;
  r->status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->server = qt_server_start (receiver_handler, r, NULL);
  return r;
}

static void
receiver_set_status (Receiver   *r,
                     const char *path,
                     guint       status)
{
  g_mutex_lock (&r->lock);
  g_hash_table_insert (r->status, g_strdup (path), GUINT_TO_POINTER (status));
  g_mutex_unlock (&r->lock);
}

static void
receiver_reset (Receiver *r)
{
  g_mutex_lock (&r->lock);
  r->requests = 0;
  r->signatures_ok = TRUE;
  g_hash_table_remove_all (r->ids);
  g_mutex_unlock (&r->lock);
}

static void
receiver_stop (Receiver *r)
{
  qt_server_stop (r->server);
  g_hash_table_unref (r->ids);
  g_hash_table_unref (r->status);
  g_free (r->secret);
  g_free (r->last_body);
  g_free (r->last_authorization);
  g_free (r->last_path);
  g_mutex_clear (&r->lock);
  g_free (r);
}

static gboolean
dialog_idle (gpointer data)
{
  return !_qualify_endpoint_dialog_is_testing (data);
}

static gboolean
page_idle (gpointer data)
{
  return !_qualify_handoff_page_is_busy (data);
}

/* The first toplevel of @type other than @except, or NULL. */
static GtkWindow *
find_toplevel (GType      type,
               GtkWindow *except)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && w != except && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

/* A button under @widget whose label is @label (with its mnemonic underscore). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  char         *dir;
  char         *path;
  QualifyStore *store;
  Receiver     *receiver;
  GtkWidget    *window;
  GtkWidget    *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *overlay = adw_toast_overlay_new ();

  f->store = qt_temp_workspace ("qualify-handoff-XXXXXX", NULL, &f->dir, &f->path);
  f->receiver = receiver_start ();
  f->window = gtk_window_new ();
  f->page = qualify_handoff_page_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), f->page);
  gtk_window_set_child (GTK_WINDOW (f->window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  qualify_handoff_page_set_workspace (QUALIFY_HANDOFF_PAGE (f->page), f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  receiver_stop (f->receiver);
  g_clear_object (&f->store);
  qt_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

#define PAGE(f) QUALIFY_HANDOFF_PAGE ((f)->page)

static void
push_and_wait (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (f->page, "handoff.push", NULL));
  g_assert_true (_qualify_handoff_page_is_busy (PAGE (f)));
  qt_wait_for (page_idle, f->page, "the push");
}

/* Add a webhook through the dialog (test event first), score leads, push,
 * then a failing receiver, Retry Now, a refusing one, Discard, and an edit. */
static void
test_handoff_page_push (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = qt_server_dup_url (f->receiver->server, "/hook");
  QualifyEndpointDialog *dialog;
  QualifyDemoOptions options = { 300, 3000, 7, 1793491200 };
  guint64 pending, delivered, failed, queued;
  const char *problem;

  g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (PAGE (f)), ==, 0);

  /* Plain http to another machine is refused in the dialog, with the reason. */
  dialog = QUALIFY_ENDPOINT_DIALOG (qualify_endpoint_dialog_new (GTK_WINDOW (f->window), f->path));
  gtk_window_present (GTK_WINDOW (dialog));
  problem = _qualify_endpoint_dialog_submit (dialog, "Remote", "http://crm.example.com/hook",
                                             QUALIFY_FORMAT_WEBHOOK, NULL);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "https://"));
  g_assert_false (_qualify_endpoint_dialog_can_add (dialog));

  /* Send Test Event from the form first (nothing saved), signed with the
   * secret the form will save; then added. */
  g_assert_true (_qualify_endpoint_dialog_test (dialog, "Local CRM", url, QUALIFY_FORMAT_WEBHOOK, NULL));
  qt_wait_for (dialog_idle, dialog, "the test event");
  g_assert_nonnull (strstr (_qualify_endpoint_dialog_get_test_request (dialog), "webhook-signature: v1,"));
  g_assert_nonnull (strstr (_qualify_endpoint_dialog_get_test_request (dialog), "test.lead@qualify.invalid"));
  g_assert_true (g_str_has_prefix (_qualify_endpoint_dialog_get_test_response (dialog), "HTTP 200"));
  g_assert_cmpuint (f->receiver->requests, ==, 1);
  receiver_reset (f->receiver);
  g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (PAGE (f)), ==, 0);
  g_assert_true (_qualify_endpoint_dialog_can_add (dialog));
  problem = _qualify_endpoint_dialog_submit (dialog, "Local CRM", url, QUALIFY_FORMAT_WEBHOOK, NULL);
  g_assert_null (problem);
  g_assert_true (g_str_has_prefix (_qualify_endpoint_dialog_get_secret (dialog), "whsec_"));
  f->receiver->secret = g_strdup (_qualify_endpoint_dialog_get_secret (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Leads arrive and are scored: their MQL/SQL transitions are queued. */
  g_assert_true (qualify_demo_populate (f->store, &options, NULL, &error));
  g_assert_no_error (error);
  qualify_handoff_page_set_workspace (PAGE (f), f->path);
  g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (PAGE (f)), ==, 1);
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  queued = pending;
  g_assert_cmpuint (queued, >, 5);
  g_assert_cmpuint (delivered, ==, 0);
  g_assert_nonnull (strstr (_qualify_handoff_page_get_endpoint_subtitle (PAGE (f), "Local CRM"), "MQL, SQL"));

  /* Push Now: every message arrives once, signed; counts, progress and log agree. */
  push_and_wait (f);
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (delivered, ==, queued);
  g_assert_cmpuint (failed, ==, 0);
  g_assert_cmpuint (f->receiver->requests, ==, queued);
  g_assert_cmpuint (g_hash_table_size (f->receiver->ids), ==, queued);
  g_assert_true (f->receiver->signatures_ok);
  {
    g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, queued, queued);

    g_assert_nonnull (strstr (_qualify_handoff_page_get_progress_text (PAGE (f)), expected));
  }
  g_assert_cmpuint (_qualify_handoff_page_get_n_log_rows (PAGE (f)), ==, MIN (queued, 100));
  g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (PAGE (f), 0), "delivered"));
  g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (PAGE (f), 0), "HTTP 200"));
  g_assert_cmpstr (_qualify_handoff_page_get_endpoint_state (PAGE (f), "Local CRM"), ==, "");

  /* The Failed card filters the log: nothing failed yet */
  g_assert_true (gtk_widget_activate_action (f->page, "handoff.filter", "s", "failed"));
  g_assert_cmpuint (_qualify_handoff_page_get_n_log_rows (PAGE (f)), ==, 0);
  g_assert_true (gtk_widget_activate_action (f->page, "handoff.filter", "s", "failed"));   /* toggles back */
  g_assert_cmpuint (_qualify_handoff_page_get_n_log_rows (PAGE (f)), ==, MIN (queued, 100));

  /* The CRM goes down: the next messages wait for a retry; the log and the
   * endpoint say why and when. */
  receiver_set_status (f->receiver, "/hook", 503);
  g_assert_true (qualify_demo_populate (f->store, &(QualifyDemoOptions) { 320, 3400, 8, 1793577600 }, NULL, &error));
  g_assert_no_error (error);
  qualify_handoff_page_set_workspace (PAGE (f), f->path);
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, >, 0);
  receiver_reset (f->receiver);
  push_and_wait (f);
  g_assert_cmpuint (f->receiver->requests, ==, 1);   /* a failing endpoint is not hammered */
  g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (PAGE (f), 0), "HTTP 503"));
  g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (PAGE (f), 0), "next retry"));
  g_assert_nonnull (strstr (_qualify_handoff_page_get_endpoint_state (PAGE (f), "Local CRM"), "next try"));
  {
    QualifyDeliveryRow *row = QUALIFY_DELIVERY_ROW (_qualify_handoff_page_get_log_row (PAGE (f), 0));
    gint64 id = qualify_delivery_row_get_delivery_id (row);
    g_autoptr(QualifyDelivery) tried = qualify_outbox_get (f->store, id, &error);

    g_assert_no_error (error);
    g_assert_cmpint (tried->attempts, ==, 1);
    g_assert_cmpint (tried->last_status, ==, 503);
    g_assert_cmpint (tried->next_at, >, g_get_real_time () / G_USEC_PER_SEC);

    /* The CRM is back: Retry Now on that row sends it at once. */
    receiver_set_status (f->receiver, "/hook", 200);
    g_signal_emit_by_name (row, "retry");
    g_assert_true (_qualify_handoff_page_is_busy (PAGE (f)));
    qt_wait_for (page_idle, f->page, "the retry");
    g_clear_pointer (&tried, qualify_delivery_free);
    tried = qualify_outbox_get (f->store, id, &error);   /* the row itself was rebuilt */
    g_assert_cmpint (tried->state, ==, QUALIFY_DELIVERY_DELIVERED);
    g_assert_cmpint (tried->attempts, ==, 2);
  }
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_true (f->receiver->signatures_ok);

  /* A CRM that refuses (400): failed for good with the reason; Discard keeps
   * it out of the failed count. */
  receiver_set_status (f->receiver, "/hook", 400);
  g_assert_true (qualify_demo_populate (f->store, &(QualifyDemoOptions) { 340, 3600, 9, 1793664000 }, NULL, &error));
  qualify_handoff_page_set_workspace (PAGE (f), f->path);
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  if (pending > 0)
    {
      guint64 failed_before;
      QualifyDeliveryRow *row;

      push_and_wait (f);
      _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed_before);
      g_assert_cmpuint (failed_before, >, 0);
      g_assert_true (gtk_widget_activate_action (f->page, "handoff.filter", "s", "failed"));
      g_assert_cmpuint (_qualify_handoff_page_get_n_log_rows (PAGE (f)), ==, MIN (failed_before, 100));
      g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (PAGE (f), 0), "HTTP 400"));
      g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (PAGE (f), 0), "CRM says no"));
      row = QUALIFY_DELIVERY_ROW (_qualify_handoff_page_get_log_row (PAGE (f), 0));
      g_assert_cmpint (qualify_delivery_row_get_state (row), ==, QUALIFY_DELIVERY_FAILED);
      g_signal_emit_by_name (row, "discard");
      _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
      g_assert_cmpuint (failed, ==, failed_before - 1);
      g_assert_cmpuint (_qualify_handoff_page_get_n_log_rows (PAGE (f)), ==, MIN (failed_before - 1, 100));
    }

  /* Edit: a new URL and name, the secret kept in the keyring under the new name */
  {
    g_autofree char *url2 = qt_server_dup_url (f->receiver->server, "/hook2");
    g_autoptr(QualifyEndpoint) edited = NULL;
    g_autofree char *workspace_id = qualify_store_dup_workspace_id (f->store, &error);
    g_autofree char *kept = NULL;
    g_autofree char *gone = NULL;

    dialog = QUALIFY_ENDPOINT_DIALOG (qualify_endpoint_dialog_new_for_edit (GTK_WINDOW (f->window), f->path,
                                                                            "Local CRM"));
    gtk_window_present (GTK_WINDOW (dialog));
    g_assert_null (_qualify_endpoint_dialog_submit (dialog, "Local CRM (edited)", url2, QUALIFY_FORMAT_WEBHOOK, NULL));
    edited = qualify_endpoint_get (f->store, "Local CRM (edited)", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (edited->url, ==, url2);
    kept = qualify_secrets_lookup (workspace_id, "Local CRM (edited)", NULL, &error);
    g_assert_cmpstr (kept, ==, f->receiver->secret);
    gone = qualify_secrets_lookup (workspace_id, "Local CRM", NULL, &error);
    g_assert_no_error (error);
    g_assert_null (gone);
    qualify_handoff_page_set_workspace (PAGE (f), f->path);
    g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (PAGE (f)), ==, 1);
    g_assert_nonnull (_qualify_handoff_page_get_endpoint_subtitle (PAGE (f), "Local CRM (edited)"));
  }
}

/* A HubSpot endpoint added from the page's Add Endpoint… after leads were
 * scored: the backlog is offered and queued; the field mapping edited in the
 * dialog reaches the CRM; the token is sent as a Bearer token. */
static void
test_handoff_page_backlog_and_mapping (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = qt_server_dup_url (f->receiver->server, "/crm/v3/objects/contacts/batch/upsert");
  QualifyDemoOptions options = { 200, 2000, 11, 1793491200 };
  QualifyEndpointDialog *dialog;
  AdwMessageDialog *ask;
  g_autoptr(QualifyEndpoint) saved = NULL;
  guint64 pending, delivered, failed, backlog = 0;

  g_assert_true (qualify_demo_populate (f->store, &options, NULL, &error));
  g_assert_no_error (error);
  qualify_handoff_page_set_workspace (PAGE (f), f->path);

  g_assert_true (gtk_widget_activate_action (f->page, "handoff.add-endpoint", NULL));
  dialog = QUALIFY_ENDPOINT_DIALOG (find_toplevel (QUALIFY_TYPE_ENDPOINT_DIALOG, NULL));
  g_assert_nonnull (dialog);

  /* HubSpot's default properties fill the table; one is changed, one dropped */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_type (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW)),
                              QUALIFY_FORMAT_HUBSPOT);
  g_assert_cmpstr (_qualify_endpoint_dialog_get_mapping (dialog, "score"), ==, "qualify_score");
  g_assert_cmpstr (_qualify_endpoint_dialog_get_mapping (dialog, "title"), ==, "jobtitle");
  g_assert_true (_qualify_endpoint_dialog_set_mapping (dialog, "score", "lead_score"));
  g_assert_true (_qualify_endpoint_dialog_set_mapping (dialog, "phone", ""));

  /* A CRM format needs its token */
  g_assert_nonnull (_qualify_endpoint_dialog_submit (dialog, "HubSpot", url, QUALIFY_FORMAT_HUBSPOT, NULL));
  g_assert_null (_qualify_endpoint_dialog_submit (dialog, "HubSpot", url, QUALIFY_FORMAT_HUBSPOT,
                                                  "pat-eu1-secret-token"));

  saved = qualify_endpoint_get (f->store, "HubSpot", &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved->mapping);
  g_assert_nonnull (strstr (saved->mapping, "\"score\":\"lead_score\""));
  g_assert_null (strstr (saved->mapping, "\"phone\""));
  g_assert_true (qualify_outbox_count_backlog (f->store, saved->id, &backlog, &error));
  g_assert_cmpuint (backlog, >, 0);

  /* The page asks whether to queue the backlog */
  ask = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (ask);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ask), "HubSpot"));
  adw_message_dialog_response (ask, "queue");
  gtk_window_destroy (GTK_WINDOW (ask));
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, ==, backlog);

  /* Pushed in batches of ≤ 100 with the mapped properties */
  push_and_wait (f);
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (delivered, ==, backlog);
  g_assert_cmpuint (f->receiver->requests, ==, (backlog + 99) / 100);
  g_assert_cmpstr (f->receiver->last_authorization, ==, "Bearer pat-eu1-secret-token");
  g_assert_nonnull (strstr (f->receiver->last_body, "\"lead_score\""));
  g_assert_null (strstr (f->receiver->last_body, "\"qualify_score\""));
  g_assert_null (strstr (f->receiver->last_body, "\"phone\""));
  g_assert_nonnull (strstr (f->receiver->last_body, "\"idProperty\":\"email\""));
}

/* 410 Gone disables the endpoint: the page says so and Resume brings it back;
 * the auto-push switch in the endpoint's row is saved. */
static void
test_handoff_page_disabled (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = qt_server_dup_url (f->receiver->server, "/gone");
  g_autofree char *workspace_id = qualify_store_dup_workspace_id (f->store, &error);
  g_autoptr(QualifyEndpoint) e = qualify_endpoint_new ("Old CRM", url, QUALIFY_FORMAT_WEBHOOK);
  g_autoptr(QualifyEndpoint) after = NULL;
  g_autofree char *secret = qualify_webhook_generate_secret ();
  QualifyDemoOptions options = { 200, 2000, 5, 1793491200 };
  guint64 pending, delivered, failed, queued;
  GtkWidget *resume;
  GtkWidget *row;
  GtkSwitch *auto_switch = NULL;

  e->auto_push = FALSE;
  g_assert_true (qualify_endpoint_add (f->store, e, &error));
  g_assert_true (qualify_secrets_store (workspace_id, "Old CRM", secret, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (qualify_demo_populate (f->store, &options, NULL, &error));
  qualify_handoff_page_set_workspace (PAGE (f), f->path);
  _qualify_handoff_page_get_counts (PAGE (f), &queued, &delivered, &failed);
  g_assert_cmpuint (queued, >, 0);

  /* auto-push is off: a rescore's auto push sends nothing */
  qualify_handoff_page_auto_push (PAGE (f));
  g_assert_false (_qualify_handoff_page_is_busy (PAGE (f)));

  receiver_set_status (f->receiver, "/gone", 410);
  push_and_wait (f);
  g_assert_nonnull (strstr (_qualify_handoff_page_get_endpoint_state (PAGE (f), "Old CRM"), "Disabled"));
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, ==, queued);   /* nothing lost */

  /* Resume, from the endpoint's row */
  receiver_set_status (f->receiver, "/gone", 200);
  resume = find_button (f->page, "_Resume");
  g_assert_nonnull (resume);
  g_signal_emit_by_name (resume, "clicked");
  g_assert_cmpstr (_qualify_handoff_page_get_endpoint_state (PAGE (f), "Old CRM"), ==, "");

  /* Turn auto-push on in the row; now a rescore's auto push sends the queue */
  row = find_button (f->page, "Send _Test Event");
  g_assert_nonnull (row);
  for (GtkWidget *w = row; w != NULL && auto_switch == NULL; w = gtk_widget_get_parent (w))
    if (ADW_IS_EXPANDER_ROW (w))
      {
        /* "enabled" is in the row's header, auto-push among the rows it reveals */
        GtkWidget *revealed = find_type (w, GTK_TYPE_REVEALER);

        g_assert_nonnull (revealed);
        auto_switch = GTK_SWITCH (find_type (revealed, GTK_TYPE_SWITCH));
      }
  g_assert_nonnull (auto_switch);
  gtk_switch_set_active (auto_switch, TRUE);
  after = qualify_endpoint_get (f->store, "Old CRM", &error);
  g_assert_true (after->auto_push);
  qualify_handoff_page_auto_push (PAGE (f));
  g_assert_true (_qualify_handoff_page_is_busy (PAGE (f)));
  qt_wait_for (page_idle, f->page, "the auto push");
  _qualify_handoff_page_get_counts (PAGE (f), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (delivered, ==, queued);

  /* Rotate Secret…: a new whsec_ secret in the keyring, shown once */
  {
    AdwMessageDialog *ask;
    AdwMessageDialog *shown = NULL;
    g_autofree char *rotated = NULL;

    g_signal_emit_by_name (find_button (f->page, "R_otate Secret…"), "clicked");
    ask = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
    g_assert_nonnull (ask);
    adw_message_dialog_response (ask, "rotate");
    gtk_window_destroy (GTK_WINDOW (ask));
    qt_wait_for (page_idle, f->page, "the keyring");
    shown = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
    g_assert_nonnull (shown);
    g_assert_cmpstr (adw_message_dialog_get_heading (shown), ==, "New Signing Secret");
    rotated = qualify_secrets_lookup (workspace_id, "Old CRM", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (rotated, "whsec_"));
    g_assert_cmpstr (rotated, !=, secret);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (adw_message_dialog_get_extra_child (shown))), ==, rotated);
    gtk_window_destroy (GTK_WINDOW (shown));
  }

  /* Remove…: the endpoint, its queue and its secret go */
  {
    AdwMessageDialog *ask;
    g_autofree char *left = NULL;

    g_signal_emit_by_name (find_button (f->page, "Re_move…"), "clicked");
    ask = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
    g_assert_nonnull (ask);
    adw_message_dialog_response (ask, "remove");
    gtk_window_destroy (GTK_WINDOW (ask));
    g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (PAGE (f)), ==, 0);
    qt_wait_for (page_idle, f->page, "the keyring");
    left = qualify_secrets_lookup (workspace_id, "Old CRM", NULL, &error);
    g_assert_no_error (error);
    g_assert_null (left);
  }
}

/* The window closes while a push runs: the push stops, nothing is lost. */
static void
test_handoff_page_close_while_pushing (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = qt_server_dup_url (f->receiver->server, "/hook");
  g_autofree char *workspace_id = qualify_store_dup_workspace_id (f->store, &error);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyEndpoint) e = qualify_endpoint_new ("CRM", url, QUALIFY_FORMAT_WEBHOOK);
  guint64 counts[QUALIFY_N_DELIVERY_STATES];
  guint64 queued;

  g_assert_true (qualify_endpoint_add (f->store, e, &error));
  qualify_secrets_store (workspace_id, "CRM", secret, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (qualify_demo_populate (f->store, &(QualifyDemoOptions) { 600, 6000, 3, 1793491200 }, NULL,
                                        &error));
  g_assert_no_error (error);
  g_assert_true (qualify_outbox_count (f->store, 0, counts, &error));
  queued = counts[QUALIFY_DELIVERY_PENDING];
  g_assert_cmpuint (queued, >, 20);
  qualify_handoff_page_set_workspace (PAGE (f), f->path);

  f->receiver->delay_ms = 50;

  /* Stop: the push ends after the request in flight */
  g_assert_true (gtk_widget_activate_action (f->page, "handoff.push", NULL));
  qt_settle (120);
  g_assert_true (gtk_widget_activate_action (f->page, "handoff.cancel", NULL));
  qt_wait_for (page_idle, f->page, "the stopped push");
  g_assert_true (qualify_outbox_count (f->store, 0, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], <, queued);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_SENDING], ==, 0);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_DELIVERED], ==, queued);

  /* Stop is not a failure: the endpoint stays active, ready to push again.
   * Closing the window stops that push the same way. */
  g_assert_cmpstr (_qualify_handoff_page_get_endpoint_state (PAGE (f), "CRM"), ==, "");
  {
    guint64 before = counts[QUALIFY_DELIVERY_DELIVERED];

    g_object_ref (f->page);
    g_assert_true (gtk_widget_activate_action (f->page, "handoff.push", NULL));
    qt_settle (200);
    g_assert_true (qualify_outbox_count (f->store, 0, counts, &error));
    g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], >, before);
  }
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  qt_wait_for (page_idle, f->page, "the stopped push");
  qt_settle (200);
  g_object_unref (f->page);

  /* every row is delivered or still queued; none lost, none half-sent */
  g_assert_true (qualify_outbox_count (f->store, 0, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_SENDING], ==, 0);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_DELIVERED], ==, queued);
  /* at least once: a request cut off by Stop may have reached the receiver */
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], <=, g_hash_table_size (f->receiver->ids));
  g_assert_cmpuint (g_hash_table_size (f->receiver->ids), <=, counts[QUALIFY_DELIVERY_DELIVERED] + 2);   /* two stops */
  g_test_message ("stopped after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " deliveries",
                  counts[QUALIFY_DELIVERY_DELIVERED], queued);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], <, queued);   /* it did stop */
}

/* Screenshots */

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

  for (guint i = 0; i < 50 && node == NULL; i++)
    {
      /* a widget that has not been drawn since it changed gives no node yet */
      if (i > 0)
        {
          qt_settle (100);
          snapshot = gtk_snapshot_new ();
        }
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%d×%d)", path, width, height);
}

/* Toasts wait for a focused window to time out, which Xvfb never has. */
static void
dismiss_toasts (GtkWidget *win)
{
  for (guint i = 0; i < 20; i++)
    {
      GtkWidget *toast = NULL;
      GtkWidget *close;

      for (GType t = g_type_from_name ("AdwToastWidget"); t != 0 && toast == NULL; t = 0)
        toast = find_type (win, t);
      if (toast == NULL)
        return;
      close = find_type (toast, GTK_TYPE_BUTTON);
      while (close != NULL && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (close)), "window-close-symbolic") != 0)
        close = gtk_widget_get_next_sibling (close);
      g_assert_nonnull (close);
      g_signal_emit_by_name (close, "clicked");
      qt_settle (400);
    }
}

static void
add_endpoint (QualifyStore          *store,
              const char            *name,
              const char            *url,
              QualifyEndpointFormat  format,
              const char            *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyEndpoint) e = qualify_endpoint_new (name, url, format);
  g_autofree char *workspace_id = qualify_store_dup_workspace_id (store, &error);

  g_assert_true (qualify_endpoint_add (store, e, &error));
  g_assert_true (qualify_secrets_store (workspace_id, name, secret, NULL, &error));
  g_assert_no_error (error);
}

static void
test_handoff_page_screenshots (void)
{
  const char *dir = g_getenv ("QUALIFY_SCREENSHOT_DIR");
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *path = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autofree char *hook = NULL;
  g_autofree char *hubspot = NULL;
  g_autofree char *pipedrive = NULL;
  QualifyApplication *app;
  QualifyWindow *win;
  GtkWidget *page;
  GtkWidget *stack;
  GtkWindow *dialog;
  Receiver *receiver;

  if (dir == NULL)
    {
      g_test_skip ("QUALIFY_SCREENSHOT_DIR is not set");
      return;
    }

  tmp = g_dir_make_tmp ("qualify-handoff-shots-XXXXXX", &error);
  path = g_build_filename (tmp, "Acme Demand Gen.qualify", NULL);
  store = qualify_store_open (path, &error);
  g_assert_no_error (error);
  receiver = receiver_start ();
  receiver->secret = g_strdup (secret);
  hook = qt_server_dup_url (receiver->server, "/hooks/qualify");
  hubspot = qt_server_dup_url (receiver->server, "/crm/v3/objects/contacts/batch/upsert");
  pipedrive = qt_server_dup_url (receiver->server, "/api");
  receiver_set_status (receiver, "/crm/v3/objects/contacts/batch/upsert", 503);
  receiver_set_status (receiver, "/api/v1/persons/search", 410);

  add_endpoint (store, "Zapier → Slack #sales", hook, QUALIFY_FORMAT_WEBHOOK, secret);
  {
    g_autoptr(QualifyEndpoint) e = qualify_endpoint_get (store, "Zapier → Slack #sales", &error);

    e->auto_push = FALSE;   /* its new hand-offs wait for Push Now */
    g_assert_true (qualify_endpoint_update (store, e, &error));
  }
  add_endpoint (store, "HubSpot (EU portal)", hubspot, QUALIFY_FORMAT_HUBSPOT, "pat-eu1-0000");
  add_endpoint (store, "Pipedrive (old account)", pipedrive, QUALIFY_FORMAT_PIPEDRIVE, "0123abcd");
  g_assert_true (qualify_demo_populate (store, &(QualifyDemoOptions) { 2000, 30000, 42, 1793491200 }, NULL,
                                        &error));
  g_assert_no_error (error);

  app = qualify_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  win = qualify_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1290, 810);
  gtk_window_present (GTK_WINDOW (win));
  qualify_window_open_workspace (win, path);
  qt_settle (1500);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  page = find_type (GTK_WIDGET (win), QUALIFY_TYPE_HANDOFF_PAGE);
  g_assert_nonnull (page);
  stack = find_type (GTK_WIDGET (win), ADW_TYPE_VIEW_STACK);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "handoff");
  qualify_handoff_page_set_workspace (QUALIFY_HANDOFF_PAGE (page), path);

  /* Deliver to the webhook, let HubSpot fail once (retrying) and Pipedrive
   * answer 410 (disabled); then new leads wait in the queue. */
  gtk_widget_activate_action (page, "handoff.push", NULL);
  qt_wait_for (page_idle, page, "the push");
  g_assert_true (qualify_demo_populate (store, &(QualifyDemoOptions) { 2100, 31000, 43, 1793577600 }, NULL,
                                        &error));
  qualify_handoff_page_set_workspace (QUALIFY_HANDOFF_PAGE (page), path);
  qt_settle (500);
  dismiss_toasts (GTK_WIDGET (win));

  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      qt_settle (800);
      save_png (GTK_WIDGET (win), dir, dark ? "handoff-dark.png" : "handoff-light.png");

      /* the delivery log, further down (to look at, not published) */
      {
        GtkWidget *content = gtk_stack_get_visible_child (GTK_STACK (find_type (page, GTK_TYPE_STACK)));
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (content));

        gtk_adjustment_set_value (adj, 560);
        qt_settle (300);
        save_png (GTK_WIDGET (win), dir, dark ? "handoff-log-dark.png" : "handoff-log-light.png");
        gtk_adjustment_set_value (adj, 0);
      }

      /* the test event's request and response (to look at, not published) */
      if (!dark)
        {
          GtkWindow *shown;
          gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

          g_signal_emit_by_name (find_button (page, "Send _Test Event"), "clicked");
          while ((shown = find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL)) == NULL &&
                 g_get_monotonic_time () < deadline)
            qt_settle (50);
          g_assert_nonnull (shown);
          qt_settle (800);
          save_png (GTK_WIDGET (shown), dir, "test-event-light.png");
          gtk_window_destroy (shown);
        }

      dialog = qualify_endpoint_dialog_new_for_edit (GTK_WINDOW (win), path, "HubSpot (EU portal)");
      gtk_window_set_default_size (dialog, 560, 860);
      gtk_window_present (dialog);
      qt_settle (800);
      save_png (GTK_WIDGET (dialog), dir, dark ? "endpoint-dark.png" : "endpoint-light.png");
      gtk_window_destroy (dialog);
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  gtk_window_destroy (GTK_WINDOW (win));
  receiver_stop (receiver);
  g_object_unref (app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring_dir = qt_use_file_keyring ("test");
  int ret;

  g_setenv ("GTK_A11Y", "none", TRUE);
  g_content_type_set_mime_dirs (NULL);
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  adw_init ();

  g_test_add ("/handoff-page/push", Fixture, NULL, fixture_set_up, test_handoff_page_push, fixture_tear_down);
  g_test_add ("/handoff-page/backlog-and-mapping", Fixture, NULL, fixture_set_up,
              test_handoff_page_backlog_and_mapping, fixture_tear_down);
  g_test_add ("/handoff-page/disabled", Fixture, NULL, fixture_set_up, test_handoff_page_disabled,
              fixture_tear_down);
  g_test_add ("/handoff-page/close-while-pushing", Fixture, NULL, fixture_set_up,
              test_handoff_page_close_while_pushing, fixture_tear_down);
  g_test_add_func ("/handoff-page/screenshots", test_handoff_page_screenshots);

  ret = g_test_run ();
  qt_remove_tree (keyring_dir);
  return ret;
}
