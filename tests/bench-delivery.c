/* bench-delivery.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drains N queued MQL hand-offs (default 100,000; argv[1]) to a receiver on
 * 127.0.0.1 (a SoupServer in its own thread) and prints messages per second.
 * argv[2] is the format: webhook (default: one signed request per message)
 * or hubspot (batch/upsert, 100 per request). Run: build-aux/bench-delivery,
 * meson test -C _build --benchmark bench-delivery or
 * _build/tests/bench-delivery [N] [webhook|hubspot].
 */

#include "config.h"

#include <libsoup/soup.h>

#include "qualify-delivery.h"
#include "qualify-demo.h"
#include "qualify-endpoint.h"
#include "qualify-outbox.h"
#include "qualify-secrets.h"
#include "qualify-store-private.h"
#include "qualify-webhook.h"

static volatile gint received;
static GMainLoop *loop;
static guint16 port;
static GMutex ready_lock;
static GCond ready;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  g_atomic_int_inc (&received);
  /* 200 with a body, not 204: libsoup 3.2's server drops the connection after
   * a 204, which would make every request open a new one */
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static gpointer
server_thread (gpointer data)
{
  GMainContext *context = g_main_context_new ();
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_main_context_push_thread_default (context);
  server = soup_server_new (NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&ready_lock);
  port = g_uri_get_port (uris->data);
  loop = g_main_loop_new (context, FALSE);
  g_cond_signal (&ready);
  g_mutex_unlock (&ready_lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (loop);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-bench-delivery-XXXXXX", NULL);
  g_autofree char *keyring = g_build_filename (dir, "keyring", NULL);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  g_autofree char *url = NULL;
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autofree char *workspace_id = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  QualifyEndpointFormat format = QUALIFY_FORMAT_WEBHOOK;
  QualifyDemoOptions options = { n, (guint64) n * 4, 1, 1793491200 };
  QualifyPushSummary summary;
  gint64 t0;
  double seconds;

  if (argc > 2 && !qualify_endpoint_format_from_string (argv[2], &format))
    g_error ("unknown format “%s”: use webhook or hubspot", argv[2]);

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "bench", TRUE);

  g_mutex_lock (&ready_lock);
  g_thread_new ("receiver", server_thread, NULL);
  while (loop == NULL)
    g_cond_wait (&ready, &ready_lock);
  g_mutex_unlock (&ready_lock);

  if (!(store = qualify_store_open (path, &error)) ||
      !qualify_demo_populate (store, &options, NULL, &error))
    g_error ("%s", error->message);

  url = g_strdup_printf ("http://127.0.0.1:%u/hook", port);
  endpoint = qualify_endpoint_new ("Bench", url, format);
  if (!qualify_endpoint_add (store, endpoint, &error) ||
      !(workspace_id = qualify_store_dup_workspace_id (store, &error)) ||
      !qualify_secrets_store (workspace_id, "Bench", format == QUALIFY_FORMAT_WEBHOOK ? secret : "pat-bench",
                              NULL, &error))
    g_error ("%s", error->message);

  /* N queued MQL hand-offs, one per lead */
  if (!_qualify_store_exec (store, "INSERT INTO outbox (endpoint_id, lead_id, to_status, occurred_at)"
                                   " SELECT 1, id, 'mql', 1793491200 FROM leads", &error))
    g_error ("%s", error->message);

  t0 = g_get_monotonic_time ();
  if (!qualify_delivery_push (store, NULL, TRUE, 0, NULL, NULL, NULL, &summary, &error))
    g_error ("%s", error->message);
  seconds = (g_get_monotonic_time () - t0) / 1e6;

  g_print ("drained %" G_GUINT64_FORMAT " %s messages to 127.0.0.1 in %.2f s: %.0f messages/s "
           "(%" G_GUINT64_FORMAT " requests, %d received, %" G_GUINT64_FORMAT " pending)\n",
           summary.delivered, qualify_endpoint_format_to_string (format), seconds, summary.delivered / seconds,
           summary.requests, g_atomic_int_get (&received), summary.pending);
  return summary.delivered == n ? 0 : 1;
}
