/* test-handoff-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Hand-off page driven through its widgets and actions, against a real
 * SoupServer on 127.0.0.1 (in its own thread) and a real workspace file.
 */

#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qualify-demo.h"
#include "qualify-endpoint-dialog.h"
#include "qualify-handoff-page.h"
#include "qualify-outbox.h"
#include "qualify-secrets.h"
#include "qualify-store.h"
#include "qualify-webhook.h"

typedef struct
{
  GMutex        lock;
  guint         requests;
  guint         status;      /* answer */
  GHashTable   *ids;
  char         *secret;
  gboolean      signatures_ok;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  guint16       port;
  gboolean      started;
  GMutex        ready_lock;
  GCond         ready;
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

  g_mutex_lock (&r->lock);
  r->requests++;
  if (id == NULL || ts == NULL ||
      !qualify_webhook_verify (r->secret, id, g_ascii_strtoll (ts, NULL, 10), data ? data : "", len,
                               soup_message_headers_get_one (headers, "webhook-signature")))
    r->signatures_ok = FALSE;
  if (r->status == 200 && id != NULL)
    g_hash_table_add (r->ids, g_strdup (id));
  soup_server_message_set_status (msg, r->status, NULL);
  g_mutex_unlock (&r->lock);
}

static gpointer
receiver_thread (gpointer data)
{
  Receiver *r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_main_context_push_thread_default (r->context);
  server = soup_server_new (NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, receiver_handler, r, NULL);
  uris = soup_server_get_uris (server);
  r->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_mutex_lock (&r->ready_lock);
  r->started = TRUE;
  g_cond_signal (&r->ready);
  g_mutex_unlock (&r->ready_lock);
  g_main_loop_run (r->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (r->context);
  return NULL;
}

static Receiver *
receiver_start (void)
{
  Receiver *r = g_new0 (Receiver, 1);

  g_mutex_init (&r->lock);
  g_mutex_init (&r->ready_lock);
  g_cond_init (&r->ready);
  r->status = 200;
  r->signatures_ok = TRUE;
  r->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->context = g_main_context_new ();
  r->loop = g_main_loop_new (r->context, FALSE);
  r->thread = g_thread_new ("receiver", receiver_thread, r);
  g_mutex_lock (&r->ready_lock);
  while (!r->started)
    g_cond_wait (&r->ready, &r->ready_lock);
  g_mutex_unlock (&r->ready_lock);
  return r;
}

static void
receiver_stop (Receiver *r)
{
  g_main_loop_quit (r->loop);
  g_thread_join (r->thread);
  g_main_loop_unref (r->loop);
  g_main_context_unref (r->context);
  g_hash_table_unref (r->ids);
  g_free (r->secret);
  g_free (r);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
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

static void
test_handoff_page_push (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-handoff-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  g_autofree char *url = NULL;
  g_autoptr(QualifyStore) store = NULL;
  Receiver *receiver = receiver_start ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *page = qualify_handoff_page_new ();
  QualifyEndpointDialog *dialog;
  QualifyDemoOptions options = { 300, 3000, 7, 1793491200 };
  guint64 pending, delivered, failed, queued;
  const char *problem;

  store = qualify_store_open (path, &error);
  g_assert_no_error (error);

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  qualify_handoff_page_set_workspace (QUALIFY_HANDOFF_PAGE (page), path);
  g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (QUALIFY_HANDOFF_PAGE (page)), ==, 0);

  /* Plain http to another machine is refused in the dialog, with the reason. */
  dialog = QUALIFY_ENDPOINT_DIALOG (qualify_endpoint_dialog_new (GTK_WINDOW (window), path));
  gtk_window_present (GTK_WINDOW (dialog));
  problem = _qualify_endpoint_dialog_submit (dialog, "Remote", "http://crm.example.com/hook",
                                             QUALIFY_FORMAT_WEBHOOK, NULL);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "https://"));

  /* A webhook on this machine: Send Test Event from the form first (nothing
   * saved), signed with the secret the form will save; then added. */
  url = g_strdup_printf ("http://127.0.0.1:%u/hook", receiver->port);
  g_assert_true (_qualify_endpoint_dialog_test (dialog, "Local CRM", url, QUALIFY_FORMAT_WEBHOOK, NULL));
  wait_for (dialog_idle, dialog, "the test event");
  g_assert_nonnull (strstr (_qualify_endpoint_dialog_get_test_request (dialog), "webhook-signature: v1,"));
  g_assert_nonnull (strstr (_qualify_endpoint_dialog_get_test_request (dialog), "test.lead@qualify.invalid"));
  g_assert_true (g_str_has_prefix (_qualify_endpoint_dialog_get_test_response (dialog), "HTTP 200"));
  g_assert_cmpuint (receiver->requests, ==, 1);
  receiver->requests = 0;
  receiver->signatures_ok = TRUE;   /* the receiver did not know the secret yet */
  g_hash_table_remove_all (receiver->ids);
  g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (QUALIFY_HANDOFF_PAGE (page)), ==, 0);
  problem = _qualify_endpoint_dialog_submit (dialog, "Local CRM", url, QUALIFY_FORMAT_WEBHOOK, NULL);
  g_assert_null (problem);
  g_assert_true (g_str_has_prefix (_qualify_endpoint_dialog_get_secret (dialog), "whsec_"));
  receiver->secret = g_strdup (_qualify_endpoint_dialog_get_secret (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Leads arrive and are scored: their MQL/SQL transitions are queued. */
  g_assert_true (qualify_demo_populate (store, &options, NULL, &error));
  g_assert_no_error (error);
  qualify_handoff_page_set_workspace (QUALIFY_HANDOFF_PAGE (page), path);
  g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (QUALIFY_HANDOFF_PAGE (page)), ==, 1);
  _qualify_handoff_page_get_counts (QUALIFY_HANDOFF_PAGE (page), &pending, &delivered, &failed);
  queued = pending;
  g_assert_cmpuint (queued, >, 5);
  g_assert_cmpuint (delivered, ==, 0);

  /* Push Now */
  g_assert_true (gtk_widget_activate_action (page, "handoff.push", NULL));
  wait_for (page_idle, page, "the push");
  _qualify_handoff_page_get_counts (QUALIFY_HANDOFF_PAGE (page), &pending, &delivered, &failed);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (delivered, ==, queued);
  g_assert_cmpuint (failed, ==, 0);
  g_assert_cmpuint (receiver->requests, ==, queued);
  g_assert_cmpuint (g_hash_table_size (receiver->ids), ==, queued);
  g_assert_true (receiver->signatures_ok);
  g_assert_cmpuint (_qualify_handoff_page_get_n_log_rows (QUALIFY_HANDOFF_PAGE (page)), ==, MIN (queued, 50));
  g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (QUALIFY_HANDOFF_PAGE (page), 0),
                            "delivered"));

  /* The CRM goes down: the next messages wait for a retry, and the log says so. */
  receiver->status = 503;
  {
    g_autoptr(GPtrArray) list = qualify_outbox_list (store, 0, QUALIFY_DELIVERY_DELIVERED, 1, &error);
    gint64 id = ((QualifyDelivery *) g_ptr_array_index (list, 0))->id;

    g_assert_true (qualify_outbox_retry_now (store, id, &error) == FALSE);   /* delivered: stays */
    g_clear_error (&error);
  }
  g_assert_true (qualify_demo_populate (store, &(QualifyDemoOptions) { 320, 3400, 8, 1793577600 }, NULL, &error));
  qualify_handoff_page_set_workspace (QUALIFY_HANDOFF_PAGE (page), path);
  _qualify_handoff_page_get_counts (QUALIFY_HANDOFF_PAGE (page), &pending, &delivered, &failed);
  if (pending > 0)
    {
      g_assert_true (gtk_widget_activate_action (page, "handoff.push", NULL));
      wait_for (page_idle, page, "the push");
      /* the newest activity, first in the log: the failed attempt and when it is retried */
      g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (QUALIFY_HANDOFF_PAGE (page), 0),
                                "HTTP 503"));
      g_assert_nonnull (strstr (_qualify_handoff_page_get_log_subtitle (QUALIFY_HANDOFF_PAGE (page), 0),
                                "next retry"));
      {
        g_autoptr(GPtrArray) waiting = qualify_outbox_list (store, 0, QUALIFY_DELIVERY_PENDING, 0, &error);
        QualifyDelivery *tried = g_ptr_array_index (waiting, 0);

        g_assert_cmpint (tried->attempts, ==, 1);
        g_assert_cmpint (tried->last_status, ==, 503);
      }
    }

  /* Edit: a new URL, the secret kept in the keyring under the (new) name */
  {
    g_autofree char *url2 = g_strdup_printf ("http://127.0.0.1:%u/hook2", receiver->port);
    g_autoptr(QualifyEndpoint) edited = NULL;
    g_autofree char *workspace_id = qualify_store_dup_workspace_id (store, &error);
    g_autofree char *kept = NULL;

    dialog = QUALIFY_ENDPOINT_DIALOG (qualify_endpoint_dialog_new_for_edit (GTK_WINDOW (window), path, "Local CRM"));
    gtk_window_present (GTK_WINDOW (dialog));
    g_assert_null (_qualify_endpoint_dialog_submit (dialog, "Local CRM (edited)", url2, QUALIFY_FORMAT_WEBHOOK, NULL));
    edited = qualify_endpoint_get (store, "Local CRM (edited)", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (edited->url, ==, url2);
    kept = qualify_secrets_lookup (workspace_id, "Local CRM (edited)", NULL, &error);
    g_assert_cmpstr (kept, ==, receiver->secret);
    g_assert_null (qualify_secrets_lookup (workspace_id, "Local CRM", NULL, &error));
    g_assert_cmpuint (_qualify_handoff_page_get_n_endpoints (QUALIFY_HANDOFF_PAGE (page)), ==, 1);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  receiver_stop (receiver);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("qualify-keyring-XXXXXX", NULL);
  g_autofree char *keyring = g_build_filename (dir, "keyring", NULL);

  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/handoff-page/push", test_handoff_page_push);

  return g_test_run ();
}
