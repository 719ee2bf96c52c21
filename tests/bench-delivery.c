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
#include "qualify-test-util.h"
#include "qualify-webhook.h"

static volatile gint received;

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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keyring_dir = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autofree char *workspace_id = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  QualifyEndpointFormat format = QUALIFY_FORMAT_WEBHOOK;
  QualifyDemoOptions options = { n, (guint64) n * 4, 1, 1793491200 };
  QualifyPushSummary summary;
  QtServer *server;
  gint64 t0;
  double seconds;
  int ret;

  if (argc > 2 && !qualify_endpoint_format_from_string (argv[2], &format))
    g_error ("unknown format “%s”: use webhook or hubspot", argv[2]);

  keyring_dir = qt_use_file_keyring ("bench");
  server = qt_server_start (handler, NULL, NULL);
  store = qt_temp_workspace ("qualify-bench-delivery-XXXXXX", &options, &dir, NULL);

  url = qt_server_dup_url (server, "/hook");
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
  ret = summary.delivered == n ? 0 : 1;

  g_clear_object (&store);
  qt_server_stop (server);
  qt_remove_tree (dir);
  qt_remove_tree (keyring_dir);
  return ret;
}
