/* test-delivery.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real SoupServer on 127.0.0.1 plays the CRM, in its own thread; the
 * deliveries go through the real outbox in a real workspace file. Secrets go
 * to libsecret's file backend (no daemon).
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <nettle/hmac.h>
#include <string.h>

#include "qualify-delivery.h"
#include "qualify-demo.h"
#include "qualify-endpoint.h"
#include "qualify-outbox.h"
#include "qualify-scorer.h"
#include "qualify-secrets.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"
#include "qualify-webhook.h"

typedef struct
{
  /* behaviour, set before a push */
  guint        fail_first;        /* answer fail_status to the first N requests */
  guint        fail_status;
  const char  *retry_after;
  guint        always_status;     /* 0 = 200 */
  const char  *reject_email;      /* HubSpot: this email fails in a 207 */
  guint        delay_ms;          /* a slow CRM */

  /* what arrived (guarded by lock) */
  GMutex       lock;
  guint        requests;
  GPtrArray   *ids;               /* webhook-id per request */
  GPtrArray   *bodies;
  GPtrArray   *auth;
  GPtrArray   *requests_seen;     /* "METHOD path?query" */
  GHashTable  *seen;              /* dedup by webhook-id */
  guint        duplicate_batches; /* HubSpot batches naming a contact twice */
  GHashTable  *persons;           /* Pipedrive: email → person id */
  GPtrArray   *leads;             /* Pipedrive: "person_id\ttitle" */
  gboolean     signatures_ok;
  char        *secret;

  QtServer    *server;
} Crm;

static gboolean
verify_independently (const char *secret,
                      const char *id,
                      const char *timestamp,
                      const char *body,
                      gsize       len,
                      const char *header)
{
  g_autofree guchar *key = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *expected = NULL;
  struct hmac_sha256_ctx ctx;
  guint8 digest[SHA256_DIGEST_SIZE];
  gsize key_len;

  if (!secret || !id || !timestamp || !header)
    return FALSE;
  key = g_base64_decode (secret + strlen ("whsec_"), &key_len);
  hmac_sha256_set_key (&ctx, key_len, key);
  hmac_sha256_update (&ctx, strlen (id), (const guint8 *) id);
  hmac_sha256_update (&ctx, 1, (const guint8 *) ".");
  hmac_sha256_update (&ctx, strlen (timestamp), (const guint8 *) timestamp);
  hmac_sha256_update (&ctx, 1, (const guint8 *) ".");
  hmac_sha256_update (&ctx, len, (const guint8 *) body);
  hmac_sha256_digest (&ctx, sizeof digest, digest);
  b64 = g_base64_encode (digest, sizeof digest);
  expected = g_strconcat ("v1,", b64, NULL);
  return g_str_equal (expected, header);
}

static void
crm_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Crm *crm = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *id = soup_message_headers_get_one (headers, "webhook-id");
  guint n;
  guint status = 200;
  g_autoptr(GString) reply = g_string_new ("{}");

  if (crm->delay_ms)
    g_usleep (crm->delay_ms * 1000);

  g_mutex_lock (&crm->lock);
  n = ++crm->requests;
  g_ptr_array_add (crm->ids, g_strdup (id ? id : ""));
  g_ptr_array_add (crm->bodies, g_strndup (data ? data : "", len));
  g_ptr_array_add (crm->auth, g_strdup (soup_message_headers_get_one (headers, "Authorization")));
  {
    GUri *uri = soup_server_message_get_uri (msg);
    g_ptr_array_add (crm->requests_seen, g_strdup_printf ("%s %s%s%s", soup_server_message_get_method (msg),
                                                          g_uri_get_path (uri), g_uri_get_query (uri) ? "?" : "",
                                                          g_uri_get_query (uri) ? g_uri_get_query (uri) : ""));
  }
  if (crm->secret != NULL &&
      !verify_independently (crm->secret, id, soup_message_headers_get_one (headers, "webhook-timestamp"),
                             data ? data : "", len, soup_message_headers_get_one (headers, "webhook-signature")))
    crm->signatures_ok = FALSE;

  if (n <= crm->fail_first)
    status = crm->fail_status;
  else if (crm->always_status != 0)
    status = crm->always_status;
  else if (id != NULL && *id)
    g_hash_table_add (crm->seen, g_strdup (id));

  /* HubSpot refuses a batch that names a contact twice */
  if (status == 200 && g_str_has_suffix (path, "/batch/upsert") && data != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

      if (json_parser_load_from_data (parser, data, len, NULL))
        {
          JsonArray *inputs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                            "inputs");

          for (guint i = 0; i < json_array_get_length (inputs); i++)
            {
              const char *email = json_object_get_string_member (json_array_get_object_element (inputs, i), "id");

              if (!g_hash_table_add (ids, (gpointer) email))
                {
                  crm->duplicate_batches++;
                  status = 400;
                  g_string_assign (reply, "{\"status\":\"error\",\"message\":\"Duplicate IDs found in batch "
                                   "input\",\"category\":\"VALIDATION_ERROR\"}");
                }
            }
        }
    }

  /* a Pipedrive that remembers its persons and leads */
  if (status == 200 && g_str_has_suffix (path, "/v1/persons/search"))
    {
      const char *term = query ? g_hash_table_lookup (query, "term") : NULL;
      gint64 person_id = term ? GPOINTER_TO_INT (g_hash_table_lookup (crm->persons, term)) : 0;

      if (person_id != 0)
        g_string_printf (reply, "{\"success\":true,\"data\":{\"items\":[{\"result_score\":1,"
                         "\"item\":{\"id\":%" G_GINT64_FORMAT "}}]}}", person_id);
      else
        g_string_assign (reply, "{\"success\":true,\"data\":{\"items\":[]}}");
    }
  else if (status == 200 && g_str_has_suffix (path, "/v1/persons"))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gint64 person_id = 4242 + g_hash_table_size (crm->persons);

      if (data != NULL && json_parser_load_from_data (parser, data, len, NULL))
        {
          JsonObject *person = json_node_get_object (json_parser_get_root (parser));

          if (json_object_has_member (person, "email"))
            g_hash_table_insert (crm->persons, g_strdup (json_object_get_string_member (person, "email")),
                                 GINT_TO_POINTER (person_id));
        }
      g_string_printf (reply, "{\"success\":true,\"data\":{\"id\":%" G_GINT64_FORMAT "}}", person_id);
    }
  else if (status == 200 && g_str_has_suffix (path, "/v1/leads") &&
           g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (data != NULL && json_parser_load_from_data (parser, data, len, NULL))
        {
          JsonObject *lead = json_node_get_object (json_parser_get_root (parser));

          g_ptr_array_add (crm->leads, g_strdup_printf ("%" G_GINT64_FORMAT "\t%s",
                                                        json_object_get_int_member (lead, "person_id"),
                                                        json_object_get_string_member (lead, "title")));
        }
      g_string_assign (reply, "{\"success\":true,\"data\":{\"id\":\"adf21080-0e10-11eb-879b-05d71fb426ec\"}}");
    }
  else if (status == 200 && g_str_has_suffix (path, "/v1/leads"))
    {
      const char *person = query ? g_hash_table_lookup (query, "person_id") : NULL;
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "success");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "data");
      json_builder_begin_array (b);
      for (guint i = 0; person != NULL && i < crm->leads->len; i++)
        {
          const char *entry = g_ptr_array_index (crm->leads, i);
          const char *tab = strchr (entry, '\t');

          if ((gsize) (tab - entry) == strlen (person) && strncmp (entry, person, tab - entry) == 0)
            {
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "title");
              json_builder_add_string_value (b, tab + 1);
              json_builder_end_object (b);
            }
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, FALSE);
      g_string_assign (reply, text);
    }

  if (status == 200 && crm->reject_email != NULL && data && strstr (data, crm->reject_email))
    {
      status = 207;
      g_string_printf (reply, "{\"status\":\"COMPLETE\",\"numErrors\":1,\"errors\":[{\"status\":\"error\","
                       "\"category\":\"VALIDATION_ERROR\",\"message\":\"Property values were not valid\","
                       "\"context\":{\"ids\":[\"%s\"]}}],\"results\":[]}", crm->reject_email);
    }
  g_mutex_unlock (&crm->lock);

  if (status == 429 && crm->retry_after)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                  crm->retry_after);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply->str, reply->len);
}

static Crm *
crm_start (gboolean tls)
{
  Crm *crm = g_new0 (Crm, 1);
  g_autoptr(GTlsCertificate) cert = NULL;

  if (tls)
    {
      g_autofree char *pem = qt_fixture_path ("self-signed.pem");
      g_autoptr(GError) error = NULL;

      cert = g_tls_certificate_new_from_file (pem, &error);
      g_assert_no_error (error);
    }
  g_mutex_init (&crm->lock);
  crm->ids = g_ptr_array_new_with_free_func (g_free);
  crm->bodies = g_ptr_array_new_with_free_func (g_free);
  crm->auth = g_ptr_array_new_with_free_func (g_free);
  crm->requests_seen = g_ptr_array_new_with_free_func (g_free);
  crm->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  crm->persons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  crm->leads = g_ptr_array_new_with_free_func (g_free);
  crm->signatures_ok = TRUE;
  crm->server = qt_server_start (crm_handler, crm, cert);
  return crm;
}

static void
crm_stop (Crm *crm)
{
  qt_server_stop (crm->server);
  g_ptr_array_unref (crm->ids);
  g_ptr_array_unref (crm->bodies);
  g_ptr_array_unref (crm->auth);
  g_ptr_array_unref (crm->requests_seen);
  g_hash_table_unref (crm->seen);
  g_hash_table_unref (crm->persons);
  g_ptr_array_unref (crm->leads);
  g_free (crm->secret);
  g_free (crm);
}

/* A workspace where @endpoint is added first, then demo leads are imported
 * and scored: the scoring's transitions fill the outbox. */
static QualifyStore *
workspace_with_endpoint (QualifyEndpoint *endpoint,
                         const char      *secret,
                         guint64         *queued)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qt_temp_workspace ("qualify-delivery-XXXXXX", NULL, NULL, NULL);
  g_autofree char *workspace_id = NULL;
  QualifyDemoOptions options = { 300, 3000, 7, 1793491200 /* 2026-11-01 */ };
  guint64 counts[QUALIFY_N_DELIVERY_STATES];

  g_assert_true (qualify_endpoint_add (store, endpoint, &error));
  g_assert_no_error (error);
  workspace_id = qualify_store_dup_workspace_id (store, &error);
  g_assert_no_error (error);
  g_assert_true (qualify_secrets_store (workspace_id, endpoint->name, secret, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (qualify_demo_populate (store, &options, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (qualify_outbox_count (store, 0, counts, &error));
  *queued = counts[QUALIFY_DELIVERY_PENDING];
  return g_steal_pointer (&store);
}

static void
test_delivery_webhook (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Zapier", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = NULL;
  QualifyPushSummary summary;
  guint64 queued, counts[QUALIFY_N_DELIVERY_STATES];
  gint64 transitions;

  crm->secret = g_strdup (secret);
  store = workspace_with_endpoint (endpoint, secret, &queued);

  /* one row per MQL/SQL transition of the scoring, none for the others */
  transitions = qt_store_query_int (store, "SELECT count(*) FROM status_history WHERE to_status IN ('mql', 'sql')");
  g_assert_cmpint (transitions, >, 5);
  g_assert_cmpuint (queued, ==, (guint64) transitions);

  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, queued);
  g_assert_cmpuint (summary.pending, ==, 0);
  g_assert_cmpuint (crm->requests, ==, queued);
  g_assert_true (crm->signatures_ok);
  g_assert_cmpuint (g_hash_table_size (crm->seen), ==, queued);

  g_assert_true (qualify_outbox_count (store, 0, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], ==, queued);

  /* the body says who, what and why */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root, *data;

    g_assert_true (json_parser_load_from_data (parser, g_ptr_array_index (crm->bodies, 0), -1, &error));
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_true (g_str_has_prefix (json_object_get_string_member (root, "type"), "lead."));
    data = json_object_get_object_member (root, "data");
    g_assert_nonnull (strchr (json_object_get_string_member (json_object_get_object_member (data, "lead"), "email"), '@'));
    g_assert_cmpfloat (json_object_get_double_member (data, "score"), >, 0);
    g_assert_cmpint (json_array_get_length (json_object_get_array_member (data, "top_reasons")), >, 0);
    g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (data, "transition"), "to"));
  }

  /* a second push sends nothing again */
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_cmpuint (summary.requests, ==, 0);
  g_assert_cmpuint (crm->requests, ==, queued);

  crm_stop (crm);
}

/* The CRM fails the first three requests: the same message is retried with the
 * same webhook-id until it goes through; nothing is lost or doubled. */
static void
test_delivery_retries (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Flaky", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  QualifyPushSummary summary;
  guint64 queued = qt_store_query_int (store, "SELECT count(*) FROM outbox");

  crm->secret = g_strdup (secret);
  crm->fail_first = 3;
  crm->fail_status = 503;
  g_assert_true (qualify_delivery_push (store, NULL, TRUE, 60, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.pending, ==, 0);
  g_assert_cmpuint (summary.retrying, ==, 3);
  g_assert_cmpuint (crm->requests, ==, queued + 3);
  g_assert_cmpuint (g_hash_table_size (crm->seen), ==, queued);
  /* the first four requests carried the same message */
  for (guint i = 1; i < 4; i++)
    g_assert_cmpstr (g_ptr_array_index (crm->ids, i), ==, g_ptr_array_index (crm->ids, 0));
  g_assert_true (crm->signatures_ok);
  g_assert_cmpint (qt_store_query_int (store, "SELECT attempts FROM outbox ORDER BY id LIMIT 1"), ==, 4);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'delivered'"), ==, queued);
  g_assert_cmpint (qt_store_query_int (store, "SELECT failures FROM endpoints"), ==, 0);
  crm_stop (crm);
}

static void
test_delivery_gone (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Old", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  g_autoptr(QualifyEndpoint) after = NULL;
  QualifyPushSummary summary;
  guint64 queued = qt_store_query_int (store, "SELECT count(*) FROM outbox");

  crm->always_status = 410;
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crm->requests, ==, 1);
  after = qualify_endpoint_get (store, "Old", &error);
  g_assert_cmpint (after->state, ==, QUALIFY_ENDPOINT_DISABLED);
  g_assert_nonnull (strstr (after->state_reason, "410"));
  /* nothing lost: everything waits for the endpoint to be fixed */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'pending'"), ==, queued);

  /* resumed and answering again: all of it goes */
  crm->always_status = 0;
  g_assert_true (qualify_endpoint_resume (store, "Old", &error));
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, queued);
  crm_stop (crm);
}

static void
test_delivery_permanent_and_429 (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Strict", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  g_autoptr(GPtrArray) failed = NULL;
  QualifyPushSummary summary;
  gint64 now, next_at;

  /* 429 with Retry-After: 120 → not before two minutes, and the endpoint waits */
  g_setenv ("QUALIFY_DELIVERY_TIME_SCALE", "1", TRUE);
  crm->always_status = 429;
  crm->retry_after = "120";
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crm->requests, ==, 1);
  next_at = qt_store_query_int (store, "SELECT next_at FROM outbox ORDER BY id LIMIT 1");
  g_assert_cmpint (next_at - now, >=, 119);
  g_assert_cmpint (qt_store_query_int (store, "SELECT last_status FROM outbox ORDER BY id LIMIT 1"), ==, 429);
  g_setenv ("QUALIFY_DELIVERY_TIME_SCALE", "0.001", TRUE);

  /* a 400 is final for that message, with the CRM's words kept */
  crm->always_status = 400;
  g_assert_true (_qualify_store_exec (store, "UPDATE outbox SET next_at = 0; UPDATE endpoints SET retry_at = 0", NULL));
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  failed = qualify_outbox_list (store, 0, QUALIFY_DELIVERY_FAILED, 0, &error);
  g_assert_cmpuint (failed->len, ==, summary.failed);
  g_assert_cmpuint (failed->len, >, 0);
  g_assert_nonnull (strstr (((QualifyDelivery *) g_ptr_array_index (failed, 0))->last_error, "400"));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM endpoints WHERE state = 'active'"), ==, 1);

  /* Retry Now puts one back in the queue */
  crm->always_status = 0;
  g_assert_true (qualify_outbox_retry_now (store, ((QualifyDelivery *) g_ptr_array_index (failed, 0))->id, &error));
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_cmpuint (summary.delivered, ==, 1);
  crm_stop (crm);
}

/* Nobody listening: the attempt is recorded and retried later, never lost. */
static void
test_delivery_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) probe = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (probe, NULL, &error);
  g_autofree char *url = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = NULL;
  QualifyPushSummary summary;

  g_socket_listener_close (probe);   /* the port is now closed */
  url = g_strdup_printf ("http://127.0.0.1:%u/hook", port);
  endpoint = qualify_endpoint_new ("Down", url, QUALIFY_FORMAT_WEBHOOK);
  store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.retrying, ==, 1);
  g_assert_cmpuint (summary.delivered, ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT last_status FROM outbox WHERE attempts = 1"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT failures FROM endpoints"), ==, 1);
}

/* A process killed between claiming and recording leaves rows "sending": the
 * next push sends them again, with the same webhook-id for the receiver to
 * drop the copy. */
static void
test_delivery_recovers_after_crash (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Crash", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  QualifyPushSummary summary;
  guint64 queued = qt_store_query_int (store, "SELECT count(*) FROM outbox");

  g_assert_true (_qualify_store_exec (store, "UPDATE outbox SET state = 'sending', attempts = 1"
                                             " WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 3)", NULL));
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, queued);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'delivered'"), ==, queued);
  crm_stop (crm);
}

static guint
crm_requests (Crm *crm)
{
  guint n;

  g_mutex_lock (&crm->lock);
  n = crm->requests;
  g_mutex_unlock (&crm->lock);
  return n;
}

/* qualify-cli push killed (SIGKILL) in the middle of a delivery run, then run
 * again: every message arrives, and deduplicating by webhook-id leaves each
 * exactly once. */
static void
test_delivery_killed_cli (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Kill", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  const char *cli = g_getenv ("QUALIFY_CLI");
  const char *path = qualify_store_get_path (store);
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  guint64 queued = qt_store_query_int (store, "SELECT count(*) FROM outbox");
  gint64 deadline;

  if (cli == NULL)
    {
      g_test_skip ("QUALIFY_CLI is not set");
      crm_stop (crm);
      return;
    }
  crm->secret = g_strdup (secret);
  crm->delay_ms = 20;

  first = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            cli, "--db", path, "push", "--until-empty", "--timeout", "60", NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (crm_requests (crm) < 5 && g_get_monotonic_time () < deadline)
    g_usleep (5000);
  g_subprocess_force_exit (first);
  g_subprocess_wait (first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crm_requests (crm), >=, 5);
  g_assert_cmpuint (crm_requests (crm), <, queued);

  second = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                             cli, "--db", path, "push", "--until-empty", "--timeout", "60", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (second, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'delivered'"), ==, queued);
  g_assert_cmpuint (g_hash_table_size (crm->seen), ==, queued);   /* each message, once after dedup */
  g_assert_cmpuint (crm_requests (crm), <=, queued + 1);           /* at most the one in flight twice */
  g_assert_true (crm->signatures_ok);
  crm_stop (crm);
}

static void
test_delivery_hubspot_batch (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/crm/v3/objects/contacts/batch/upsert");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("HubSpot", url, QUALIFY_FORMAT_HUBSPOT);
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, "pat-na1-test-token", &(guint64){ 0 });
  g_autofree char *rejected = NULL;
  QualifyPushSummary summary;
  guint64 queued = qt_store_query_int (store, "SELECT count(*) FROM outbox");

  {
    g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, "SELECT l.email FROM outbox o JOIN leads l"
                                                                  " ON l.id = o.lead_id ORDER BY o.id LIMIT 1 OFFSET 2", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    rejected = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  }
  crm->reject_email = rejected;
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  /* ≤ 100 contacts per request, keyed on email, with the token */
  g_assert_cmpuint (crm->requests, ==, (queued + 99) / 100);
  g_assert_cmpstr (g_ptr_array_index (crm->auth, 0), ==, "Bearer pat-na1-test-token");
  g_assert_nonnull (strstr (g_ptr_array_index (crm->bodies, 0), "\"idProperty\":\"email\""));
  g_assert_cmpuint (summary.failed, ==, 1);
  g_assert_cmpuint (summary.delivered, ==, queued - 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM outbox o JOIN leads l ON l.id = o.lead_id"
                                            " WHERE l.email = '%s' AND o.state = 'failed'"
                                            " AND o.last_error LIKE '%%not valid%%'", rejected);
    g_assert_cmpint (qt_store_query_int (store, sql), ==, 1);
  }
  g_assert_cmpuint (crm->duplicate_batches, ==, 0);
  crm_stop (crm);
}

/* Two transitions of one lead queued together (the CRM was down between two
 * rescores): HubSpot would refuse a batch naming the contact twice, so the
 * later one goes in the next request, in order. */
static void
test_delivery_hubspot_same_contact_twice (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/crm/v3/objects/contacts/batch/upsert");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("HubSpot", url, QUALIFY_FORMAT_HUBSPOT);
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, "pat-na1-test-token", &(guint64){ 0 });
  QualifyPushSummary summary;
  guint64 queued;

  g_assert_true (_qualify_store_exec (store, "INSERT INTO outbox (endpoint_id, lead_id, from_status, to_status,"
                                             " occurred_at, model_version)"
                                             " SELECT endpoint_id, lead_id, to_status, 'sql', occurred_at + 86400,"
                                             " model_version FROM outbox WHERE to_status = 'mql' ORDER BY id LIMIT 1",
                                      &error));
  queued = qt_store_query_int (store, "SELECT count(*) FROM outbox");
  g_assert_cmpuint (queued, <, 100);

  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crm->duplicate_batches, ==, 0);
  g_assert_cmpuint (summary.failed, ==, 0);
  g_assert_cmpuint (summary.delivered, ==, queued);
  g_assert_cmpuint (crm->requests, ==, 2);
  /* the second request carries the later transition */
  g_assert_nonnull (strstr (g_ptr_array_index (crm->bodies, 1), "\"qualify_status\""));
  crm_stop (crm);
}

static void
test_delivery_salesforce (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Salesforce", url, QUALIFY_FORMAT_SALESFORCE);
  g_autoptr(QualifyStore) store = NULL;
  QualifyPushSummary summary;
  guint64 queued;

  endpoint->external_id = g_strdup ("Qualify_Email__c");
  store = workspace_with_endpoint (endpoint, "00D-sf-token", &queued);
  /* a lead without a last name or company still goes, with a visible placeholder */
  g_assert_true (_qualify_store_exec (store, "UPDATE leads SET last_name = NULL, company = NULL"
                                             " WHERE id = (SELECT lead_id FROM outbox ORDER BY id LIMIT 1)", NULL));
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, queued);
  /* one upsert per lead on the external id, with the bearer token */
  g_assert_cmpuint (crm->requests, ==, queued);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (crm->requests_seen, 0),
                                   "PATCH /services/data/v59.0/sobjects/Lead/Qualify_Email__c/"));
  g_assert_cmpstr (g_ptr_array_index (crm->auth, 0), ==, "Bearer 00D-sf-token");
  g_assert_nonnull (strstr (g_ptr_array_index (crm->bodies, 0), "\"LastName\":\"[not provided]\""));
  g_assert_nonnull (strstr (g_ptr_array_index (crm->bodies, 0), "\"Company\":\"[not provided]\""));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE last_error LIKE '%not provided%'"), ==, 1);
  crm_stop (crm);
}

static void
test_delivery_pipedrive (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/api");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Pipedrive", url, QUALIFY_FORMAT_PIPEDRIVE);
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, "pd-token-123", &(guint64){ 0 });
  QualifyPushSummary summary;
  guint64 queued = qt_store_query_int (store, "SELECT count(*) FROM outbox");

  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, queued);
  /* per lead: look the person up by email, create them, add the lead */
  g_assert_cmpuint (crm->requests, ==, 3 * queued);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (crm->requests_seen, 0), "GET /api/v1/persons/search?api_token=pd-token-123"));
  g_assert_nonnull (strstr (g_ptr_array_index (crm->requests_seen, 0), "&term="));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (crm->requests_seen, 1), "POST /api/v1/persons?api_token="));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (crm->requests_seen, 2), "POST /api/v1/leads?api_token="));
  g_assert_nonnull (strstr (g_ptr_array_index (crm->bodies, 2), "\"person_id\":4242"));
  g_assert_nonnull (strstr (g_ptr_array_index (crm->bodies, 1), "\"email\""));
  g_assert_cmpuint (crm->leads->len, ==, queued);

  /* Every attempt reached Pipedrive but the process died before recording
   * it: the rows come back (as after a crash) and are sent again. The persons
   * are found, their leads too: no second person, no second lead. */
  g_assert_true (_qualify_store_exec (store, "UPDATE outbox SET state = 'sending'", &error));
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, queued);
  g_assert_cmpuint (crm->requests, ==, 3 * queued + 2 * queued);   /* search + leads lookup each */
  g_assert_cmpuint (g_hash_table_size (crm->persons), ==, queued);
  g_assert_cmpuint (crm->leads->len, ==, queued);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (crm->requests_seen, 3 * queued + 1),
                                   "GET /api/v1/leads?api_token=pd-token-123&person_id="));

  /* a later transition of a known person is a new lead for them */
  g_assert_true (_qualify_store_exec (store, "INSERT INTO outbox (endpoint_id, lead_id, from_status, to_status,"
                                             " occurred_at, model_version)"
                                             " SELECT endpoint_id, lead_id, to_status, 'sql', occurred_at + 86400,"
                                             " model_version FROM outbox WHERE to_status = 'mql' LIMIT 1", &error));
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, 1);
  g_assert_cmpuint (g_hash_table_size (crm->persons), ==, queued);
  g_assert_cmpuint (crm->leads->len, ==, queued + 1);
  crm_stop (crm);
}

/* A receiver slower than the timeout: the attempt is abandoned, recorded and retried. */
static void
test_delivery_slow_receiver (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Slow", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  g_autoptr(QualifyDelivery) tried = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  QualifyPushSummary summary;

  g_setenv ("QUALIFY_DELIVERY_TIMEOUT", "1", TRUE);
  crm->delay_ms = 2500;
  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_unsetenv ("QUALIFY_DELIVERY_TIMEOUT");
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, 0);
  g_assert_cmpuint (summary.retrying, ==, 1);
  rows = qualify_outbox_list (store, 0, QUALIFY_DELIVERY_PENDING, 1, &error);
  g_assert_cmpint (((QualifyDelivery *) g_ptr_array_index (rows, 0))->attempts, ==, 1);
  g_assert_nonnull (strstr (((QualifyDelivery *) g_ptr_array_index (rows, 0))->last_error, "No answer within 1 seconds"));
  crm->delay_ms = 0;
  crm_stop (crm);
}

static void
test_delivery_self_signed_refused (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (TRUE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Untrusted", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  g_autoptr(GPtrArray) rows = NULL;
  QualifyPushSummary summary;

  g_assert_true (qualify_delivery_push (store, NULL, FALSE, 0, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.delivered, ==, 0);
  g_assert_cmpuint (crm->requests, ==, 0);
  rows = qualify_outbox_list (store, 0, QUALIFY_DELIVERY_PENDING, 0, &error);
  g_assert_cmpuint (rows->len, >, 0);
  {
    /* the log lists the latest activity first: the attempted one */
    QualifyDelivery *tried = g_ptr_array_index (rows, 0);
    g_assert_cmpint (tried->attempts, ==, 1);
    g_assert_nonnull (strstr (tried->last_error, "certificate"));
  }
  crm_stop (crm);
}

static void
test_delivery_backlog (void)
{
  g_autoptr(GError) error = NULL;
  QualifyDemoOptions options = { 300, 3000, 7, 1793491200 };
  g_autoptr(QualifyStore) store = qt_temp_workspace ("qualify-delivery-XXXXXX", &options, NULL, NULL);
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Late", "https://hooks.example.com/x",
                                                              QUALIFY_FORMAT_WEBHOOK);
  guint64 backlog = 0, queued = 0;

  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_true (qualify_endpoint_add (store, endpoint, &error));
  g_assert_true (qualify_outbox_count_backlog (store, endpoint->id, &backlog, &error));
  g_assert_cmpint (backlog, ==, qt_store_query_int (store, "SELECT count(*) FROM results WHERE status IN ('mql', 'sql')"));
  g_assert_true (qualify_outbox_enqueue_backlog (store, endpoint->id, &queued, &error));
  g_assert_cmpuint (queued, ==, backlog);
  /* offered once: a second time there is nothing left */
  g_assert_true (qualify_outbox_count_backlog (store, endpoint->id, &backlog, &error));
  g_assert_cmpuint (backlog, ==, 0);
}

static void
test_secrets_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;

  g_assert_true (qualify_secrets_store ("ws-1", "CRM", "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", NULL, &error));
  g_assert_no_error (error);
  found = qualify_secrets_lookup ("ws-1", "CRM", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0");
  g_assert_null (qualify_secrets_lookup ("ws-2", "CRM", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (qualify_secrets_clear ("ws-1", "CRM", NULL, &error));
  gone = qualify_secrets_lookup ("ws-1", "CRM", NULL, &error);
  g_assert_null (gone);
}

/* "Send test event": the exact request as sent (signed, with libsoup's own
 * headers) and the whole response; nothing is queued. Sync and async. */
static void
test_delivery_test_endpoint (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Test", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *request = NULL;
  g_autofree char *response = NULL;
  guint64 queued, counts[QUALIFY_N_DELIVERY_STATES];

  crm->secret = g_strdup (secret);
  store = workspace_with_endpoint (endpoint, secret, &queued);

  g_assert_true (qualify_delivery_test_endpoint (store, endpoint, &request, &response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crm->requests, ==, 1);
  g_assert_true (crm->signatures_ok);
  g_assert_true (g_str_has_prefix (request, "POST /hook HTTP/1.1\n"));
  g_assert_nonnull (strstr (request, "\nHost: 127.0.0.1:"));
  g_assert_nonnull (strstr (request, "\nUser-Agent: Qualify/"));
  g_assert_nonnull (strstr (request, "\nwebhook-id: msg_"));
  g_assert_nonnull (strstr (request, "\nwebhook-signature: v1,"));
  /* the body shown is the body received, byte for byte */
  g_assert_true (g_str_has_suffix (request, g_ptr_array_index (crm->bodies, 0)));
  g_assert_true (g_str_has_prefix (response, "HTTP 200 OK\n"));
  g_assert_nonnull (strstr (response, "Content-Type: application/json"));
  g_assert_true (g_str_has_suffix (response, "\n\n{}"));
  /* nothing queued or sent from the queue */
  g_assert_true (qualify_outbox_count (store, 0, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, queued);
  g_clear_pointer (&request, g_free);
  g_clear_pointer (&response, g_free);

  /* async, for an endpoint not saved, with the secret given; a token is
   * never shown */
  {
    g_autofree char *hub_url = qt_server_dup_url (crm->server, "/crm/v3/objects/contacts/batch/upsert");
    g_autoptr(QualifyEndpoint) hub = qualify_endpoint_new ("Hub", hub_url, QUALIFY_FORMAT_HUBSPOT);
    g_autoptr(GAsyncResult) result = NULL;

    qualify_delivery_test_endpoint_async (qualify_store_get_path (store), hub, "pat-na1-very-secret",
                                          NULL, qt_async_result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (qualify_delivery_test_endpoint_finish (result, &request, &response, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (crm->requests, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (crm->auth, 1), ==, "Bearer pat-na1-very-secret");
    g_assert_true (g_str_has_prefix (request, "POST /crm/v3/objects/contacts/batch/upsert HTTP/1.1\n"));
    g_assert_nonnull (strstr (request, "Authorization: Bearer \u2022"));
    g_assert_null (strstr (request, "very-secret"));
    g_assert_nonnull (strstr (request, "\"idProperty\":\"email\""));
    g_assert_true (g_str_has_prefix (response, "HTTP 200"));
  }
  g_clear_pointer (&request, g_free);
  g_clear_pointer (&response, g_free);

  /* no answer: the texts say why, no error */
  crm_stop (crm);
  g_assert_true (qualify_delivery_test_endpoint (store, endpoint, &request, &response, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (request, "POST /hook HTTP/1.1\n"));
  g_assert_true (g_str_has_prefix (response, "No response: "));
}

typedef struct
{
  guint    calls;
  guint64  last_delivered;
  gboolean monotonic;
  gboolean freed;
} Progress;

static void
progress_cb (const QualifyPushSummary *summary,
             gpointer                  user_data)
{
  Progress *p = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (summary->delivered < p->last_delivered)
    p->monotonic = FALSE;
  p->last_delivered = summary->delivered;
  p->calls++;
}

static void
progress_free (gpointer user_data)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  ((Progress *) user_data)->freed = TRUE;
}

/* The UI's push: in a thread, progress on the caller's main context, and
 * Stop that loses nothing and is not held against the endpoint. */
static void
test_delivery_push_async_cancel (void)
{
  g_autoptr(GError) error = NULL;
  Crm *crm = crm_start (FALSE);
  g_autofree char *url = qt_server_dup_url (crm->server, "/hook");
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Async", url, QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QualifyEndpoint) after = NULL;
  Progress progress = { 0, 0, TRUE, FALSE };
  QualifyPushSummary summary;
  guint64 queued, counts[QUALIFY_N_DELIVERY_STATES];

  crm->secret = g_strdup (secret);
  store = workspace_with_endpoint (endpoint, secret, &queued);
  g_assert_cmpuint (queued, >, 10);

  /* a slow CRM; Stop while the second request waits for its answer */
  crm->delay_ms = 300;
  qualify_delivery_push_full_async (qualify_store_get_path (store), NULL, TRUE, 0, progress_cb, &progress,
                                    progress_free, cancellable, qt_async_result_cb, &result);
  while (progress.calls == 0)
    g_main_context_iteration (NULL, TRUE);
  g_usleep (100 * 1000);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (qualify_delivery_push_finish (result, &summary, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  /* the task (and so the progress data) goes once the worker let it go; the
   * data is freed on this thread */
  {
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (!progress.freed && g_get_monotonic_time () < deadline)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    g_assert_true (progress.freed);
  }

  g_assert_true (qualify_outbox_count (store, 0, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_SENDING], ==, 0);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], <, queued);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_DELIVERED], ==, queued);
  /* the request cut off: tried once, due again */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1"), ==, 1);
  /* nothing waits because of the Stop */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'pending' AND next_at > 0"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE last_error IS NOT NULL"), ==, 0);
  after = qualify_endpoint_get (store, "Async", &error);
  g_assert_cmpint (after->state, ==, QUALIFY_ENDPOINT_ACTIVE);
  g_assert_cmpint (after->failures, ==, 0);
  g_assert_cmpint (after->retry_at, ==, 0);

  /* pushed again: everything arrives, each message once after dedup */
  crm->delay_ms = 0;
  progress = (Progress) { 0, 0, TRUE, FALSE };
  qualify_delivery_push_full_async (qualify_store_get_path (store), "Async", TRUE, 60, progress_cb, &progress,
                                    NULL, NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (qualify_delivery_push_finish (result, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.pending, ==, 0);
  g_assert_true (progress.monotonic);
  g_assert_false (progress.freed);   /* no destroy notify given */
  g_assert_true (qualify_outbox_count (store, 0, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], ==, queued);
  g_assert_cmpuint (g_hash_table_size (crm->seen), ==, queued);
  g_assert_cmpuint (crm->requests, <=, queued + 1);   /* at most the one cut off */
  g_assert_true (crm->signatures_ok);
  crm_stop (crm);
}

static void
test_secrets_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *found = NULL;

  qualify_secrets_store_async ("ws-async", "CRM", "pat-na1-token", NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (qualify_secrets_store_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* the sync API sees it, under the same workspace and name only */
  found = qualify_secrets_lookup ("ws-async", "CRM", NULL, &error);
  g_assert_cmpstr (found, ==, "pat-na1-token");
  g_clear_pointer (&found, g_free);
  g_assert_null (qualify_secrets_lookup ("ws-async", "Other", NULL, &error));
  g_assert_no_error (error);

  qualify_secrets_lookup_async ("ws-async", "CRM", NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  found = qualify_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "pat-na1-token");
  g_clear_pointer (&found, g_free);
  g_clear_object (&result);

  qualify_secrets_clear_async ("ws-async", "CRM", NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (qualify_secrets_clear_finish (result, &error));
  g_clear_object (&result);

  qualify_secrets_lookup_async ("ws-async", "CRM", NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (qualify_secrets_lookup_finish (result, &error));
  g_assert_no_error (error);
}

/* Plain http to another machine is refused when the endpoint is saved, and
 * again at send time (a workspace edited by hand): the endpoint is paused. */
static void
test_delivery_plain_http_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_new ("Edited", "https://crm.example.com/hook",
                                                              QUALIFY_FORMAT_WEBHOOK);
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autoptr(QualifyStore) store = workspace_with_endpoint (endpoint, secret, &(guint64){ 0 });
  g_autoptr(QualifyEndpoint) after = NULL;
  QualifyPushSummary summary;

  endpoint->url = (g_free (endpoint->url), g_strdup ("http://crm.example.com/hook"));
  g_assert_false (qualify_endpoint_update (store, endpoint, &error));
  g_assert_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (_qualify_store_exec (store, "UPDATE endpoints SET url = 'http://crm.example.com/hook'", &error));
  g_assert_true (qualify_delivery_push (store, NULL, TRUE, 5, NULL, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.requests, ==, 0);
  after = qualify_endpoint_get (store, "Edited", &error);
  g_assert_cmpint (after->state, ==, QUALIFY_ENDPOINT_PAUSED);
  g_assert_nonnull (strstr (after->state_reason, "https://"));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 0"), ==,
                   qt_store_query_int (store, "SELECT count(*) FROM outbox"));
}

int
main (int   argc,
      char *argv[])
{
  /* libsecret's file backend: no daemon, a throwaway keyring file */
  g_autofree char *keyring_dir = qt_use_file_keyring ("test");
  int ret;

  /* retries after milliseconds instead of seconds */
  g_setenv ("QUALIFY_DELIVERY_TIME_SCALE", "0.001", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/roundtrip", test_secrets_roundtrip);
  g_test_add_func ("/delivery/webhook", test_delivery_webhook);
  g_test_add_func ("/delivery/retries", test_delivery_retries);
  g_test_add_func ("/delivery/gone", test_delivery_gone);
  g_test_add_func ("/delivery/permanent-and-429", test_delivery_permanent_and_429);
  g_test_add_func ("/delivery/refused", test_delivery_refused);
  g_test_add_func ("/delivery/recovers-after-crash", test_delivery_recovers_after_crash);
  g_test_add_func ("/delivery/killed-cli", test_delivery_killed_cli);
  g_test_add_func ("/delivery/hubspot-batch", test_delivery_hubspot_batch);
  g_test_add_func ("/delivery/hubspot-same-contact-twice", test_delivery_hubspot_same_contact_twice);
  g_test_add_func ("/delivery/salesforce", test_delivery_salesforce);
  g_test_add_func ("/delivery/slow-receiver", test_delivery_slow_receiver);
  g_test_add_func ("/delivery/pipedrive", test_delivery_pipedrive);
  g_test_add_func ("/delivery/self-signed-refused", test_delivery_self_signed_refused);
  g_test_add_func ("/delivery/plain-http-refused", test_delivery_plain_http_refused);
  g_test_add_func ("/delivery/backlog", test_delivery_backlog);
  g_test_add_func ("/delivery/test-endpoint", test_delivery_test_endpoint);
  g_test_add_func ("/delivery/push-async-cancel", test_delivery_push_async_cancel);
  g_test_add_func ("/secrets/async", test_secrets_async);

  ret = g_test_run ();
  qt_remove_tree (keyring_dir);
  return ret;
}
