/* qualify-delivery.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-delivery"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "qualify-crm-format.h"
#include "qualify-delivery.h"
#include "qualify-scorer.h"
#include "qualify-secrets.h"
#include "qualify-store-private.h"
#include "qualify-webhook.h"

G_DEFINE_QUARK (qualify-delivery-error, qualify_delivery_error)

#define TIMEOUT_SECONDS     15
#define PAUSE_AFTER         8      /* failed attempts in a row */
#define RESPONSE_EXCERPT    600
#define SALESFORCE_API      "/services/data/v59.0/sobjects/Lead"

/* Retry schedule after each failed attempt, in the spirit of Standard
 * Webhooks / Svix: seconds, then minutes, then hours; ≈ 2.9 days in all. */
static const gint64 backoff[] = {
  5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 14 * 3600, 14 * 3600, 14 * 3600,
};

gint64
qualify_delivery_backoff_seconds (guint attempt)
{
  if (attempt == 0 || attempt > G_N_ELEMENTS (backoff))
    return 0;
  return backoff[attempt - 1];
}

/* Tests and benchmarks shrink every wait (QUALIFY_DELIVERY_TIME_SCALE=0.001). */
static double
time_scale (void)
{
  const char *env = g_getenv ("QUALIFY_DELIVERY_TIME_SCALE");
  double scale = env ? g_ascii_strtod (env, NULL) : 1.0;

  return scale > 0 && scale <= 1 ? scale : 1.0;
}

/* 15 s; tests of a slow receiver shorten it (QUALIFY_DELIVERY_TIMEOUT=1). */
static guint
timeout_seconds (void)
{
  const char *env = g_getenv ("QUALIFY_DELIVERY_TIMEOUT");
  guint64 t = env ? g_ascii_strtoull (env, NULL, 10) : 0;

  return t > 0 && t < TIMEOUT_SECONDS ? (guint) t : TIMEOUT_SECONDS;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

SoupSession *
qualify_delivery_session_new (void)
{
  /* the trailing space makes libsoup append its own product token */
  g_autofree char *agent = g_strdup_printf ("Qualify/%s ", PACKAGE_VERSION);

  return soup_session_new_with_options ("timeout", timeout_seconds (),
                                        "idle-timeout", 60,
                                        "user-agent", agent,
                                        NULL);
}

typedef struct
{
  gint64  id;
  gint64  lead_id;
  char   *from_status;
  char   *to_status;
  gint64  occurred_at;
  gint64  model_version;
  char   *body;
  char   *email;
  char   *note;
  int     attempts;
} Row;

static void
row_clear (Row *row)
{
  g_free (row->from_status);
  g_free (row->to_status);
  g_free (row->body);
  g_free (row->email);
  g_free (row->note);
}

typedef enum
{
  OUTCOME_DELIVERED,
  OUTCOME_RETRY,       /* 408, 429, 5xx, network */
  OUTCOME_FAILED,      /* other 4xx, 3xx */
  OUTCOME_GONE,        /* 410 */
  OUTCOME_CANCELLED,   /* by the user: due again, not a failure */
} Outcome;

typedef struct
{
  Outcome     outcome;
  guint       status;
  gint64      retry_after;   /* seconds, -1 = none */
  char       *reason;
  char       *response;      /* excerpt */
  GHashTable *record_errors; /* batch: email → message */
} Result;

static void
result_clear (Result *r)
{
  g_free (r->reason);
  g_free (r->response);
  g_clear_pointer (&r->record_errors, g_hash_table_unref);
}

static char *
excerpt (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;
  g_autofree char *valid = NULL;

  if (data == NULL || len == 0)
    return NULL;
  valid = g_utf8_make_valid (data, MIN (len, RESPONSE_EXCERPT));
  return len > RESPONSE_EXCERPT ? g_strconcat (valid, "…", NULL) : g_steal_pointer (&valid);
}

static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  char *end = NULL;
  gint64 seconds;

  if (value == NULL)
    return -1;
  seconds = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0')
    return MAX (seconds, 0);
  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);

    if (when != NULL)
      return MAX (g_date_time_to_unix (when) - now_seconds (), 0);
  }
  return -1;
}

typedef struct
{
  GBytes   *body;
  GError   *error;
  gboolean  done;
} Pending;

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *p = user_data;

  p->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &p->error);
  p->done = TRUE;
}

/* One HTTP exchange with libsoup's async API, on the pushing thread's own main
 * context (see qualify_delivery_push()), classified. */
static void
exchange (SoupSession   *session,
          SoupMessage   *msg,
          GCancellable  *cancellable,
          GBytes       **body_out,
          Result        *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  GMainContext *context = g_main_context_ref_thread_default ();
  Pending pending = { NULL, NULL, FALSE };
  guint status;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable, read_cb, &pending);
  while (!pending.done)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
  body = pending.body;
  error = pending.error;
  r->retry_after = -1;

  if (body == NULL)
    {
      r->status = 0;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          r->outcome = OUTCOME_CANCELLED;
          r->reason = g_strdup (_("Cancelled"));
          return;
        }
      r->outcome = OUTCOME_RETRY;
      if (error->domain == G_TLS_ERROR)
        r->reason = g_strdup_printf (_("The CRM's TLS certificate was not accepted: %s"), error->message);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        r->reason = g_strdup_printf (_("No answer within %u seconds"), timeout_seconds ());
      else
        r->reason = g_strdup (error->message);
      return;
    }

  status = soup_message_get_status (msg);
  r->status = status;
  r->response = excerpt (body);
  if (body_out)
    *body_out = g_bytes_ref (body);

  if (status >= 200 && status < 300)
    r->outcome = OUTCOME_DELIVERED;
  else if (status == 410)
    {
      r->outcome = OUTCOME_GONE;
      r->reason = g_strdup (_("The CRM says this endpoint is gone (410): it was disabled"));
    }
  else if (status == 408 || status == 429 || status >= 500)
    {
      r->outcome = OUTCOME_RETRY;
      r->retry_after = parse_retry_after (msg);
      r->reason = g_strdup_printf (_("HTTP %u %s"), status, soup_message_get_reason_phrase (msg));
    }
  else if (status >= 300 && status < 400)
    {
      const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");

      r->outcome = OUTCOME_FAILED;
      r->reason = g_strdup_printf (_("HTTP %u: redirected to %s; redirects are not followed, so "
                                     "update the endpoint's URL"), status, location ? location : "?");
    }
  else
    {
      r->outcome = OUTCOME_FAILED;
      r->reason = g_strdup_printf (_("HTTP %u %s: the CRM refused it"), status,
                                   soup_message_get_reason_phrase (msg));
    }
}

static SoupMessage *
json_message (const char *method,
              const char *url,
              const char *body,
              const char *bearer)
{
  SoupMessage *msg = soup_message_new (method, url);

  if (msg == NULL)
    return NULL;
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  if (bearer != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  return msg;
}

static char *
pipedrive_url (QualifyEndpoint *endpoint,
               const char      *path,
               const char      *token,
               const char      *extra)
{
  g_autofree char *escaped = g_uri_escape_string (token ? token : "", NULL, FALSE);
  const char *base = endpoint->url;
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s%s?api_token=%s%s", (int) len, base, path, escaped, extra ? extra : "");
}

static gint64
json_data_id (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *node;

  if (data == NULL || !json_parser_load_from_data (parser, data, len, NULL))
    return 0;
  node = json_parser_get_root (parser);
  /* {"data": {"id": N}} or {"data": {"items": [{"item": {"id": N}}]}} */
  if (!JSON_NODE_HOLDS_OBJECT (node) || !json_object_has_member (json_node_get_object (node), "data"))
    return 0;
  node = json_object_get_member (json_node_get_object (node), "data");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  if (json_object_has_member (json_node_get_object (node), "id"))
    return json_object_get_int_member (json_node_get_object (node), "id");
  if (json_object_has_member (json_node_get_object (node), "items"))
    {
      JsonArray *items = json_object_get_array_member (json_node_get_object (node), "items");

      if (items && json_array_get_length (items) > 0)
        {
          JsonObject *first = json_array_get_object_element (items, 0);
          JsonObject *item = first && json_object_has_member (first, "item")
                             ? json_object_get_object_member (first, "item") : NULL;

          if (item && json_object_has_member (item, "id"))
            return json_object_get_int_member (item, "id");
        }
    }
  return 0;
}

/* TRUE when the reply to GET /v1/leads?person_id= lists a lead titled @title. */
static gboolean
has_lead_titled (GBytes     *body,
                 const char *title)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root;
  JsonNode *list;

  if (data == NULL || title == NULL || !json_parser_load_from_data (parser, data, len, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !(list = json_object_get_member (json_node_get_object (root), "data")) ||
      !JSON_NODE_HOLDS_ARRAY (list))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      JsonObject *lead = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      JsonNode *t = lead ? json_object_get_member (lead, "title") : NULL;

      if (t != NULL && JSON_NODE_HOLDS_VALUE (t) && json_node_get_value_type (t) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (t), title) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Pipedrive: find the person by email (so a retry never makes a second one),
 * else create them; then add a lead for them — unless a person found already
 * has this very lead (same frozen title): the previous attempt reached
 * Pipedrive but died before it was recorded. Pipedrive has no idempotency
 * key, so this lookup is what keeps a retry from making a second lead. */
static void
send_pipedrive (SoupSession     *session,
                QualifyEndpoint *endpoint,
                const char      *token,
                const char      *document,
                const char      *email,
                GCancellable    *cancellable,
                Result          *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *doc;
  gint64 person_id = 0;
  gboolean person_existed;
  JsonObject *lead;
  const char *title;

  if (!json_parser_load_from_data (parser, document, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      r->outcome = OUTCOME_FAILED;
      r->reason = g_strdup (_("The frozen Pipedrive document is not valid JSON"));
      return;
    }
  doc = json_node_get_object (json_parser_get_root (parser));
  lead = json_object_has_member (doc, "lead") ? json_object_get_object_member (doc, "lead") : NULL;
  title = lead && json_object_has_member (lead, "title") ? json_object_get_string_member (lead, "title") : email;
  if (email == NULL || *email == '\0')
    {
      r->outcome = OUTCOME_FAILED;
      r->reason = g_strdup (_("The lead has no email address to find the Pipedrive person by"));
      return;
    }

  {
    g_autofree char *term = g_uri_escape_string (email, NULL, FALSE);
    g_autofree char *extra = g_strdup_printf ("&term=%s&fields=email&exact_match=true", term);
    g_autofree char *url = pipedrive_url (endpoint, "/v1/persons/search", token, extra);
    g_autoptr(SoupMessage) msg = json_message ("GET", url, NULL, NULL);
    g_autoptr(GBytes) body = NULL;

    exchange (session, msg, cancellable, &body, r);
    if (r->outcome != OUTCOME_DELIVERED)
      return;
    person_id = json_data_id (body);
    result_clear (r);
    memset (r, 0, sizeof *r);
  }

  person_existed = person_id != 0;
  if (person_existed)
    {
      g_autofree char *extra = g_strdup_printf ("&person_id=%" G_GINT64_FORMAT "&archived_status=all", person_id);
      g_autofree char *url = pipedrive_url (endpoint, "/v1/leads", token, extra);
      g_autoptr(SoupMessage) msg = json_message ("GET", url, NULL, NULL);
      g_autoptr(GBytes) body = NULL;

      exchange (session, msg, cancellable, &body, r);
      if (r->outcome != OUTCOME_DELIVERED)
        return;
      if (has_lead_titled (body, title))
        return;   /* delivered: it is there already */
      result_clear (r);
      memset (r, 0, sizeof *r);
    }
  else
    {
      g_autofree char *url = pipedrive_url (endpoint, "/v1/persons", token, NULL);
      g_autoptr(JsonNode) person = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *person_json = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) body = NULL;

      json_node_set_object (person, json_object_get_object_member (doc, "person"));
      person_json = json_to_string (person, FALSE);
      msg = json_message ("POST", url, person_json, NULL);
      exchange (session, msg, cancellable, &body, r);
      if (r->outcome != OUTCOME_DELIVERED)
        return;
      person_id = json_data_id (body);
      result_clear (r);
      memset (r, 0, sizeof *r);
    }

  {
    g_autofree char *url = pipedrive_url (endpoint, "/v1/leads", token, NULL);
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *lead_json = NULL;
    g_autoptr(SoupMessage) msg = NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "title");
    json_builder_add_string_value (b, title);
    json_builder_set_member_name (b, "person_id");
    json_builder_add_int_value (b, person_id);
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    lead_json = json_to_string (root, FALSE);
    msg = json_message ("POST", url, lead_json, NULL);
    exchange (session, msg, cancellable, NULL, r);
  }
}

/* The request for one batch of frozen documents; NULL for Pipedrive (several
 * requests, see send_pipedrive()). */
static SoupMessage *
build_message (QualifyEndpoint *endpoint,
               const char      *secret,
               const char      *workspace_id,
               const Row       *rows,
               char           **documents,
               guint            n,
               GError         **error)
{
  g_autofree char *body = qualify_crm_build_body (endpoint, (const char * const *) documents, n);
  SoupMessage *msg = NULL;

  switch (endpoint->format)
    {
    case QUALIFY_FORMAT_WEBHOOK:
      {
        g_autofree char *msg_id = qualify_delivery_dup_message_id (workspace_id, rows[0].id);
        gint64 timestamp = now_seconds ();
        g_autofree char *ts = g_strdup_printf ("%" G_GINT64_FORMAT, timestamp);
        g_autofree char *signature = qualify_webhook_sign (secret, msg_id, timestamp, body, strlen (body), error);
        SoupMessageHeaders *headers;

        if (signature == NULL)
          return NULL;
        if (!(msg = json_message ("POST", endpoint->url, body, NULL)))
          break;
        /* the receiver dedupes by webhook-id: safe to send on a kept-alive
         * connection (libsoup opens a new one per non-idempotent request) */
        soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
        headers = soup_message_get_request_headers (msg);
        soup_message_headers_replace (headers, "webhook-id", msg_id);
        soup_message_headers_replace (headers, "webhook-timestamp", ts);
        soup_message_headers_replace (headers, "webhook-signature", signature);
      }
      break;

    case QUALIFY_FORMAT_HUBSPOT:
      /* batch/upsert by email: sending it twice changes nothing */
      if ((msg = json_message ("POST", endpoint->url, body, secret)) != NULL)
        soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      break;

    case QUALIFY_FORMAT_SALESFORCE:
      {
        gsize len = strlen (endpoint->url);
        g_autofree char *url = NULL;

        while (len > 0 && endpoint->url[len - 1] == '/')
          len--;
        if (endpoint->external_id != NULL && rows[0].email != NULL)
          {
            g_autofree char *value = g_uri_escape_string (rows[0].email, NULL, FALSE);
            url = g_strdup_printf ("%.*s" SALESFORCE_API "/%s/%s", (int) len, endpoint->url,
                                   endpoint->external_id, value);
            /* upsert on the external id: idempotent */
            if ((msg = json_message ("PATCH", url, body, secret)) != NULL)
              soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
          }
        else
          {
            url = g_strdup_printf ("%.*s" SALESFORCE_API, (int) len, endpoint->url);
            msg = json_message ("POST", url, body, secret);
          }
      }
      break;

    case QUALIFY_FORMAT_PIPEDRIVE:
    case QUALIFY_N_FORMATS:
    default:
      return NULL;
    }

  if (msg == NULL)
    g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                 _("“%s” is not a URL Qualify can send to"), endpoint->url);
  return msg;
}

typedef struct
{
  QualifyStore        *store;
  const char          *workspace_id;
  SoupSession         *session;
  QualifyPushSummary  *summary;
  double               scale;
  GHashTable          *statements;   /* SQL text → prepared statement, for this push */
  GHashTable          *models;       /* model version → QualifyModel, for the reasons */
} Push;

static void
push_init (Push               *push,
           QualifyStore       *store,
           SoupSession        *session,
           QualifyPushSummary *summary,
           double              scale)
{
  memset (push, 0, sizeof *push);
  push->store = store;
  push->session = session;
  push->summary = summary;
  push->scale = scale;
  push->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
  push->models = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

static void
push_clear (Push *push)
{
  g_clear_pointer (&push->statements, g_hash_table_unref);
  g_clear_pointer (&push->models, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Push, push_clear)

/* The hot statements are prepared once per push (the SQL is a literal, so
 * its text is the key), reset and unbound before each use. */
static sqlite3_stmt *
push_statement (Push        *push,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (push->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if ((stmt = _qualify_store_prepare (push->store, sql, error)) != NULL)
    g_hash_table_insert (push->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
exec_update (Push          *push,
             const char    *sql,
             GError       **error,
             ...)
{
  sqlite3_stmt *stmt = push_statement (push, sql, error);
  va_list args;
  int rc;

  if (stmt == NULL)
    return FALSE;
  /* arguments: pairs of (type char 'i'|'s'|'n', value); ends with 0 */
  va_start (args, error);
  for (int i = 1;; i++)
    {
      int type = va_arg (args, int);

      if (type == 0)
        break;
      if (type == 'i')
        sqlite3_bind_int64 (stmt, i, va_arg (args, gint64));
      else if (type == 's')
        {
          const char *s = va_arg (args, const char *);
          if (s)
            sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (stmt, i);
        }
      else
        sqlite3_bind_null (stmt, i);
    }
  va_end (args);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (push->store, rc, _("Could not update the hand-off queue"), error);
  return TRUE;
}

/* Due rows of one endpoint after @cursor, oldest first. */
static GArray *
claim (Push             *push,
       QualifyEndpoint  *endpoint,
       gint64            cursor,
       guint             limit,
       GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  int rc;

  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  if (!(stmt = push_statement (push,
                                       "SELECT o.id, o.lead_id, o.from_status, o.to_status, o.occurred_at,"
                                       " o.model_version, o.body, l.email, o.attempts FROM outbox o"
                                       " LEFT JOIN leads l ON l.id = o.lead_id"
                                       " WHERE o.endpoint_id = ?1 AND o.state = 'pending' AND o.next_at <= ?2"
                                       " AND o.id > ?3 ORDER BY o.id LIMIT ?4",
                                       error)))
    {
      g_array_unref (rows);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, endpoint->id);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  sqlite3_bind_int64 (stmt, 3, cursor);
  sqlite3_bind_int64 (stmt, 4, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row = { 0 };

      row.id = sqlite3_column_int64 (stmt, 0);
      row.lead_id = sqlite3_column_int64 (stmt, 1);
      row.from_status = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row.to_status = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row.occurred_at = sqlite3_column_int64 (stmt, 4);
      row.model_version = sqlite3_column_int64 (stmt, 5);
      row.body = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row.email = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      row.attempts = sqlite3_column_int (stmt, 8);
      g_array_append_val (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (push->store, rc, _("Could not read the hand-off queue"), error);
      g_array_unref (rows);
      return NULL;
    }
  return rows;
}

/* The model that made a transition (the active one when that version is gone),
 * parsed once per push. NULL when there is none: then no reasons are sent. */
static QualifyModel *
push_model (Push   *push,
            gint64  version)
{
  QualifyModel *model = g_hash_table_lookup (push->models, &version);
  g_autofree char *json = NULL;
  gint64 active = 0;

  if (model != NULL)
    return model;
  if (version > 0)
    json = qualify_store_dup_model_json (push->store, version, NULL);
  if (json == NULL)
    json = qualify_store_dup_active_model_json (push->store, &active, NULL);
  if (json == NULL || !(model = qualify_model_new_from_data (json, -1, NULL)))
    return NULL;
  g_hash_table_insert (push->models, g_memdup2 (&version, sizeof version), model);
  return model;
}

static GStrv
top_reasons (Push   *push,
             gint64  lead_id,
             gint64  model_version,
             gint64  as_of)
{
  QualifyModel *model = push_model (push, model_version);
  g_autoptr(QualifyDataset) dataset = NULL;
  g_autoptr(QualifyScorer) scorer = NULL;
  g_autoptr(QualifyExplanation) explanation = NULL;

  if (model == NULL ||
      !(dataset = qualify_dataset_load_lead (push->store, lead_id, NULL)) ||
      !(scorer = qualify_scorer_new (model, dataset, NULL)) ||
      !(explanation = qualify_scorer_explain (scorer, 0, as_of)))
    return NULL;
  return qualify_explanation_top_reasons (explanation, 3);
}

/* A batch must not name a contact twice (HubSpot refuses the whole request:
 * "Duplicate IDs found in batch input"); a lead's later transition waits for
 * the next request, so the order per lead is kept. */
static void
stop_at_repeated_email (GArray *rows)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *email = g_array_index (rows, Row, i).email;

      if (email == NULL)
        continue;
      if (g_hash_table_contains (seen, email))
        {
          g_array_set_size (rows, i);
          return;
        }
      g_hash_table_add (seen, (gpointer) email);
    }
}

/* The document sent for a row: frozen at its first attempt. */
static gboolean
freeze_document (Push             *push,
                 QualifyEndpoint  *endpoint,
                 Row              *row,
                 GError          **error)
{
  g_autoptr(QualifyLeadRecord) lead = NULL;
  g_auto(GStrv) reasons = NULL;
  QualifyDelivery d = { 0 };

  if (row->body != NULL)
    return TRUE;
  if (!(lead = qualify_store_get_lead (push->store, row->lead_id, NULL)))
    return TRUE;   /* deleted: failed by the caller */

  /* the reasons as of the scoring that made the transition, with its model
   * (only the webhook body carries them) */
  if (endpoint->format == QUALIFY_FORMAT_WEBHOOK)
    reasons = top_reasons (push, row->lead_id, row->model_version, MAX (row->occurred_at, 1));

  d.id = row->id;
  d.lead_id = row->lead_id;
  d.from_status = row->from_status;
  d.to_status = row->to_status;
  d.occurred_at = row->occurred_at;
  d.model_version = row->model_version;
  row->body = qualify_crm_build_document (endpoint, &d, lead, (const char * const *) reasons, &row->note);
  return TRUE;
}

static gboolean
record_outcome (Push             *push,
                QualifyEndpoint  *endpoint,
                GArray           *rows,
                Result           *r,
                gboolean         *endpoint_blocked,
                GError          **error)
{
  gint64 now = now_seconds ();
  gboolean ok = TRUE;

  *endpoint_blocked = FALSE;
  if (!qualify_store_begin (push->store, error))
    return FALSE;

  for (guint i = 0; i < rows->len && ok; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      const char *record_error = (r->record_errors && row->email)
                                 ? g_hash_table_lookup (r->record_errors, row->email) : NULL;

      if (r->outcome == OUTCOME_CANCELLED)
        {
          /* stopped by the user: due again at the next push (the receiver
           * may have seen it; it dedupes by webhook-id) */
          ok = exec_update (push, "UPDATE outbox SET state = 'pending' WHERE id = ?",
                            error, 'i', row->id, 0);
        }
      else if (r->outcome == OUTCOME_DELIVERED && record_error == NULL)
        {
          ok = exec_update (push,
                            "UPDATE outbox SET state = 'delivered', delivered_at = ?, last_status = ?,"
                            " last_error = ?, response = ? WHERE id = ?",
                            error, 'i', now, 'i', (gint64) r->status, 's', row->note, 's', r->response,
                            'i', row->id, 0);
          push->summary->delivered++;
        }
      else if (r->outcome == OUTCOME_FAILED || record_error != NULL)
        {
          ok = exec_update (push,
                            "UPDATE outbox SET state = 'failed', last_status = ?, last_error = ?, response = ?"
                            " WHERE id = ?",
                            error, 'i', (gint64) r->status, 's', record_error ? record_error : r->reason,
                            's', r->response, 'i', row->id, 0);
          push->summary->failed++;
        }
      else if (r->outcome == OUTCOME_GONE)
        {
          /* not the message's fault: it waits for the endpoint to be fixed */
          ok = exec_update (push,
                            "UPDATE outbox SET state = 'pending', last_status = ?, last_error = ?, response = ?"
                            " WHERE id = ?",
                            error, 'i', (gint64) r->status, 's', r->reason, 's', r->response, 'i', row->id, 0);
        }
      else /* retry */
        {
          gint64 wait = qualify_delivery_backoff_seconds (row->attempts);

          if (wait == 0)
            {
              g_autofree char *why = g_strdup_printf (_("Gave up after %d attempts over three days: %s"),
                                                      row->attempts, r->reason ? r->reason : "");
              ok = exec_update (push,
                                "UPDATE outbox SET state = 'failed', last_status = ?, last_error = ?,"
                                " response = ? WHERE id = ?",
                                error, 'i', (gint64) r->status, 's', why, 's', r->response, 'i', row->id, 0);
              push->summary->failed++;
            }
          else
            {
              /* ±20 % jitter, so many queues do not retry in step */
              double jittered = wait * (0.8 + 0.4 * g_random_double ()) * push->scale;
              gint64 next = now + (gint64) ceil (jittered);

              if (r->retry_after >= 0)
                next = MAX (next, now + (gint64) ceil (r->retry_after * push->scale));
              ok = exec_update (push,
                                "UPDATE outbox SET state = 'pending', next_at = ?, last_status = ?,"
                                " last_error = ?, response = ? WHERE id = ?",
                                error, 'i', next, 'i', (gint64) r->status, 's', r->reason, 's', r->response,
                                'i', row->id, 0);
              ok = ok && exec_update (push, "UPDATE endpoints SET retry_at = ? WHERE id = ?",
                                      error, 'i', next, 'i', endpoint->id, 0);
              push->summary->retrying++;
            }
        }
    }

  if (ok && r->outcome == OUTCOME_CANCELLED)
    *endpoint_blocked = TRUE;
  else if (ok)
    {
      if (r->outcome == OUTCOME_DELIVERED || r->outcome == OUTCOME_FAILED)
        ok = exec_update (push, "UPDATE endpoints SET failures = 0, retry_at = 0 WHERE id = ?",
                          error, 'i', endpoint->id, 0);
      else if (r->outcome == OUTCOME_GONE)
        {
          ok = exec_update (push,
                            "UPDATE endpoints SET state = 'disabled', state_reason = ? WHERE id = ?",
                            error, 's', r->reason, 'i', endpoint->id, 0);
          *endpoint_blocked = TRUE;
        }
      else
        {
          endpoint->failures++;
          *endpoint_blocked = TRUE;
          if (endpoint->failures >= PAUSE_AFTER)
            {
              g_autofree char *why = g_strdup_printf (_("Paused after %d failed attempts in a row; last: %s"),
                                                      endpoint->failures, r->reason ? r->reason : "");
              ok = exec_update (push,
                                "UPDATE endpoints SET state = 'paused', state_reason = ?, failures = ?"
                                " WHERE id = ?",
                                error, 's', why, 'i', (gint64) endpoint->failures, 'i', endpoint->id, 0);
            }
          else
            ok = exec_update (push, "UPDATE endpoints SET failures = ? WHERE id = ?",
                              error, 'i', (gint64) endpoint->failures, 'i', endpoint->id, 0);
        }
    }

  if (!ok)
    {
      qualify_store_rollback (push->store);
      return FALSE;
    }
  return qualify_store_commit (push->store, error);
}

/* One request for up to a batch of due rows. */
static gboolean
send_batch (Push             *push,
            QualifyEndpoint  *endpoint,
            const char       *secret,
            GArray           *rows,
            GCancellable     *cancellable,
            gboolean         *endpoint_blocked,
            GError          **error)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GArray) sendable = g_array_new (FALSE, TRUE, sizeof (Row));
  Result r = { 0 };
  gboolean ok;

  /* Freeze the documents and claim the rows in one transaction. */
  if (!qualify_store_begin (push->store, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);

      freeze_document (push, endpoint, row, NULL);
      if (row->body == NULL)
        {
          if (!exec_update (push,
                            "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", error,
                            's', _("The lead was deleted before it could be sent"), 'i', row->id, 0))
            goto rollback;
          push->summary->failed++;
          continue;
        }
      if (!exec_update (push,
                        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, sent_at = ?,"
                        " body = ? WHERE id = ?",
                        error, 'i', now_seconds (), 's', row->body, 'i', row->id, 0))
        goto rollback;
      row->attempts++;
      g_ptr_array_add (documents, row->body);
    }
  if (!qualify_store_commit (push->store, error))
    return FALSE;

  /* rows[] keeps only those being sent, in order */
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);

      if (row->body != NULL)
        {
          g_array_append_val (sendable, *row);
          memset (row, 0, sizeof *row);
        }
    }
  g_array_set_clear_func (sendable, (GDestroyNotify) row_clear);
  if (sendable->len == 0)
    return TRUE;

  push->summary->requests++;
  if (endpoint->format == QUALIFY_FORMAT_PIPEDRIVE)
    send_pipedrive (push->session, endpoint, secret, g_ptr_array_index (documents, 0),
                    g_array_index (sendable, Row, 0).email, cancellable, &r);
  else
    {
      GError *build_error = NULL;

      msg = build_message (endpoint, secret, push->workspace_id, (const Row *) sendable->data,
                           (char **) documents->pdata, documents->len, &build_error);
      if (msg == NULL)
        {
          r.outcome = OUTCOME_FAILED;
          r.reason = g_strdup (build_error ? build_error->message : _("Could not build the request"));
          g_clear_error (&build_error);
        }
      else
        exchange (push->session, msg, cancellable, &response, &r);
    }

  if (r.outcome == OUTCOME_DELIVERED && endpoint->format == QUALIFY_FORMAT_HUBSPOT && response != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (response, &len);

      r.record_errors = qualify_crm_parse_batch_errors (data, len);
    }

  ok = record_outcome (push, endpoint, sendable, &r, endpoint_blocked, error);
  result_clear (&r);
  return ok;

rollback:
  qualify_store_rollback (push->store);
  return FALSE;
}

static char *
endpoint_secret (Push             *push,
                 QualifyEndpoint  *endpoint,
                 GCancellable     *cancellable,
                 GError          **error)
{
  GError *local_error = NULL;
  char *secret = qualify_secrets_lookup (push->workspace_id, endpoint->name, cancellable, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (secret == NULL)
    g_set_error (error, QUALIFY_DELIVERY_ERROR, QUALIFY_DELIVERY_ERROR_NO_SECRET,
                 endpoint->format == QUALIFY_FORMAT_WEBHOOK
                 ? _("Endpoint “%s” has no signing secret in the keyring; set one with "
                     "“qualify-cli endpoint add %s … --secret whsec_…” or in the Hand-off page")
                 : _("Endpoint “%s” has no token in the keyring; set one with "
                     "“qualify-cli endpoint add %s … --token …” or in the Hand-off page"),
                 endpoint->name, endpoint->name);
  return secret;
}

static gboolean
count_pending (Push        *push,
               const char  *endpoint,
               guint64     *pending,
               gint64      *next_due,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (push->store,
                                                         "SELECT count(*), min(max(o.next_at, e.retry_at))"
                                                         " FROM outbox o JOIN endpoints e ON e.id = o.endpoint_id"
                                                         " WHERE o.state IN ('pending', 'sending')"
                                                         " AND e.enabled = 1 AND e.state = 'active'"
                                                         " AND (?1 IS NULL OR e.name = ?1)",
                                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (endpoint)
    sqlite3_bind_text (stmt, 1, endpoint, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return _qualify_store_set_error (push->store, rc, _("Could not read the hand-off queue"), error);
  *pending = (guint64) sqlite3_column_int64 (stmt, 0);
  *next_due = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

static gboolean
push_on_context (QualifyStore         *store,
                 const char           *endpoint_name,
                 gboolean              until_empty,
                 double                timeout_seconds,
                 GCancellable         *cancellable,
                 QualifyPushProgress   progress,
                 gpointer              user_data,
                 QualifyPushSummary   *summary,
                 GError              **error)
{
  g_autoptr(SoupSession) session = qualify_delivery_session_new ();
  g_autofree char *workspace_id = NULL;
  QualifyPushSummary local_summary;
  gint64 deadline = timeout_seconds > 0 ? g_get_monotonic_time () + (gint64) (timeout_seconds * G_USEC_PER_SEC) : 0;
  g_auto(Push) push = { 0 };

  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);
  push_init (&push, store, session, summary, time_scale ());

  if (!(workspace_id = qualify_store_dup_workspace_id (store, error)) ||
      !qualify_outbox_recover (store, error))
    return FALSE;
  push.workspace_id = workspace_id;

  if (endpoint_name != NULL)
    {
      g_autoptr(QualifyEndpoint) check = qualify_endpoint_get (store, endpoint_name, error);
      if (check == NULL)
        return FALSE;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) endpoints = qualify_endpoint_list (store, error);
      gboolean sent_any = FALSE;
      guint64 pending = 0;
      gint64 next_due = 0;

      if (endpoints == NULL)
        return FALSE;

      for (guint e = 0; e < endpoints->len; e++)
        {
          QualifyEndpoint *endpoint = g_ptr_array_index (endpoints, e);
          g_autofree char *secret = NULL;
          gint64 cursor = 0;
          gboolean blocked = FALSE;

          if (endpoint_name != NULL && g_strcmp0 (endpoint->name, endpoint_name) != 0)
            continue;
          if (!endpoint->enabled || endpoint->state != QUALIFY_ENDPOINT_ACTIVE)
            continue;
          /* checked when saved; checked again here, so a workspace edited by
           * hand cannot send over plain http to another machine */
          {
            g_autoptr(GError) url_error = NULL;

            if (!qualify_endpoint_check_url (endpoint->url, &url_error))
              {
                if (!exec_update (&push, "UPDATE endpoints SET state = 'paused', state_reason = ? WHERE id = ?",
                                  error, 's', url_error->message, 'i', endpoint->id, 0))
                  return FALSE;
                continue;
              }
          }
          {
            g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, "SELECT retry_at FROM endpoints WHERE id = ?", NULL);
            if (stmt != NULL)
              {
                sqlite3_bind_int64 (stmt, 1, endpoint->id);
                if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > now_seconds ())
                  continue;
              }
          }

          while (!blocked)
            {
              g_autoptr(GArray) rows = claim (&push, endpoint, cursor, qualify_crm_batch_size (endpoint->format), error);

              if (rows == NULL)
                return FALSE;
              if (rows->len == 0)
                break;
              if (rows->len > 1)
                stop_at_repeated_email (rows);
              if (secret == NULL && !(secret = endpoint_secret (&push, endpoint, cancellable, error)))
                return FALSE;
              cursor = g_array_index (rows, Row, rows->len - 1).id;
              if (!send_batch (&push, endpoint, secret, rows, cancellable, &blocked, error))
                return FALSE;
              sent_any = TRUE;
              if (progress)
                progress (summary, user_data);
              if (g_cancellable_set_error_if_cancelled (cancellable, error))
                return FALSE;
            }
        }

      if (!count_pending (&push, endpoint_name, &pending, &next_due, error))
        return FALSE;
      summary->pending = pending;

      if (!until_empty)
        break;
      if (pending == 0)
        break;
      if (!sent_any)
        {
          gint64 wait_us = MAX (next_due - now_seconds (), 0) * G_USEC_PER_SEC;

          if (wait_us == 0)
            wait_us = G_USEC_PER_SEC / 20;
          if (deadline > 0 && g_get_monotonic_time () + wait_us > deadline)
            {
              wait_us = deadline - g_get_monotonic_time ();
              if (wait_us <= 0)
                {
                  g_set_error (error, QUALIFY_DELIVERY_ERROR, QUALIFY_DELIVERY_ERROR_TIMEOUT,
                               ngettext ("Timed out with %" G_GUINT64_FORMAT " delivery still pending",
                                         "Timed out with %" G_GUINT64_FORMAT " deliveries still pending",
                                         pending),
                               pending);
                  return FALSE;
                }
            }
          /* sleep until the next retry is due, in slices so Cancel is quick */
          while (wait_us > 0 && !g_cancellable_is_cancelled (cancellable))
            {
              gint64 slice = MIN (wait_us, G_USEC_PER_SEC / 10);

              g_usleep ((gulong) slice);
              wait_us -= slice;
            }
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* The session and its async requests live on a main context of this call's
 * own, so a push works the same from the CLI's main thread and from a worker
 * thread of the app, and never runs another context's sources. */
gboolean
qualify_delivery_push (QualifyStore         *store,
                       const char           *endpoint_name,
                       gboolean              until_empty,
                       double                timeout_seconds,
                       GCancellable         *cancellable,
                       QualifyPushProgress   progress,
                       gpointer              user_data,
                       QualifyPushSummary   *summary,
                       GError              **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean ok;

  g_main_context_push_thread_default (context);
  ok = push_on_context (store, endpoint_name, until_empty, timeout_seconds, cancellable, progress,
                        user_data, summary, error);
  g_main_context_pop_thread_default (context);
  return ok;
}

typedef struct
{
  char                *path;
  char                *endpoint;
  gboolean             until_empty;
  double               timeout_seconds;
  GMainContext        *context;          /* where progress is reported */
  QualifyPushProgress  progress;
  gpointer             progress_data;
  GDestroyNotify       progress_destroy;
  gint64               last_progress;    /* monotonic µs, worker thread only */
} PushTask;

typedef struct
{
  GDestroyNotify destroy;
  gpointer       data;
} DestroyCall;

static gboolean
destroy_call_cb (gpointer user_data)
{
  DestroyCall *call = user_data;

  call->destroy (call->data);
  g_free (call);
  return G_SOURCE_REMOVE;
}

/* The last reference to the task may go on the worker thread: the caller's
 * progress data is still freed on the caller's context. */
static void
push_task_free (PushTask *data)
{
  if (data->progress_destroy != NULL)
    {
      DestroyCall *call = g_new0 (DestroyCall, 1);

      call->destroy = data->progress_destroy;
      call->data = data->progress_data;
      g_main_context_invoke (data->context, destroy_call_cb, call);
    }
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data->path);
  g_free (data->endpoint);
  g_free (data);
}

typedef struct
{
  GTask              *task;      /* keeps the PushTask alive until reported */
  QualifyPushSummary  summary;
} ProgressReport;

static void
progress_report_free (ProgressReport *report)
{
  g_object_unref (report->task);
  g_free (report);
}

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;
  PushTask *data = g_task_get_task_data (report->task);

  if (!g_task_get_completed (report->task))
    data->progress (&report->summary, data->progress_data);
  return G_SOURCE_REMOVE;
}

/* On the worker thread: hands a copy of the summary to the caller's main
 * context, at most ten times a second. */
static void
push_thread_progress_cb (const QualifyPushSummary *summary,
                         gpointer                  user_data)
{
  GTask *task = user_data;
  PushTask *data = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  ProgressReport *report;

  if (now - data->last_progress < G_USEC_PER_SEC / 10)
    return;
  data->last_progress = now;
  report = g_new0 (ProgressReport, 1);
  report->task = g_object_ref (task);
  report->summary = *summary;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, report_progress_cb, report,
                              (GDestroyNotify) progress_report_free);
}

static void
push_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PushTask *data = task_data;
  g_autoptr(QualifyStore) store = NULL;
  QualifyPushSummary *summary = g_new0 (QualifyPushSummary, 1);
  GError *error = NULL;

  if (!(store = qualify_store_open (data->path, &error)) ||
      !qualify_delivery_push (store, data->endpoint, data->until_empty, data->timeout_seconds,
                              cancellable, data->progress ? push_thread_progress_cb : NULL, task,
                              summary, &error))
    {
      g_free (summary);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, summary, g_free);
}

void
qualify_delivery_push_async (const char          *workspace_path,
                             const char          *endpoint,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  qualify_delivery_push_full_async (workspace_path, endpoint, FALSE, 0, NULL, NULL, NULL,
                                    cancellable, callback, user_data);
}

void
qualify_delivery_push_full_async (const char          *workspace_path,
                                  const char          *endpoint,
                                  gboolean             until_empty,
                                  double               timeout_seconds,
                                  QualifyPushProgress  progress,
                                  gpointer             progress_data,
                                  GDestroyNotify       progress_destroy,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  PushTask *data = g_new0 (PushTask, 1);

  g_return_if_fail (workspace_path != NULL);

  data->path = g_strdup (workspace_path);
  data->endpoint = g_strdup (endpoint);
  data->until_empty = until_empty;
  data->timeout_seconds = timeout_seconds;
  data->context = g_main_context_ref_thread_default ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  g_task_set_source_tag (task, qualify_delivery_push_async);
  g_task_set_task_data (task, data, (GDestroyNotify) push_task_free);
  g_task_run_in_thread (task, push_thread);
}

gboolean
qualify_delivery_push_finish (GAsyncResult        *result,
                              QualifyPushSummary  *summary,
                              GError             **error)
{
  g_autofree QualifyPushSummary *s = g_task_propagate_pointer (G_TASK (result), error);

  if (s == NULL)
    return FALSE;
  if (summary)
    *summary = *s;
  return TRUE;
}

static char *
describe_request (SoupMessage *msg,
                  const char  *body,
                  const char  *secret)
{
  GString *out = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GUri *uri = soup_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);

  /* as on the wire: libsoup has added Host, User-Agent, Connection… by now */
  g_string_append_printf (out, "%s %s%s%s HTTP/1.1\n", soup_message_get_method (msg), g_uri_get_path (uri),
                          query ? "?" : "", query ? query : "");
  if (soup_message_headers_get_one (soup_message_get_request_headers (msg), "Host") == NULL)
    {
      if (g_uri_get_port (uri) > 0)
        g_string_append_printf (out, "Host: %s:%d\n", g_uri_get_host (uri), g_uri_get_port (uri));
      else
        g_string_append_printf (out, "Host: %s\n", g_uri_get_host (uri));
    }
  soup_message_headers_iter_init (&iter, soup_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Authorization") == 0)
        value = "Bearer ••••••••";
      g_string_append_printf (out, "%s: %s\n", name, value);
    }
  g_string_append_c (out, '\n');
  g_string_append (out, body ? body : "");
  /* the token may be in the URL (Pipedrive's api_token) */
  if (secret != NULL && *secret != '\0')
    {
      char *at;

      while ((at = strstr (out->str, secret)) != NULL)
        g_string_overwrite_len (out, at - out->str, "••••••••", -1);
    }
  return g_string_free (out, FALSE);
}

#define TEST_RESPONSE_MAX (64 * 1024)

static char *
describe_response (SoupMessage *msg,
                   GBytes      *body)
{
  GString *out = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  /* "HTTP 200 OK" (not the wire's "HTTP/1.1 …": callers match on "HTTP <code>") */
  g_string_append_printf (out, "HTTP %u %s\n", soup_message_get_status (msg),
                          soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
  soup_message_headers_iter_init (&iter, soup_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "%s: %s\n", name, value);
  g_string_append_c (out, '\n');
  if (data != NULL && len > 0)
    {
      g_autofree char *valid = g_utf8_make_valid (data, MIN (len, TEST_RESPONSE_MAX));

      g_string_append (out, valid);
      if (len > TEST_RESPONSE_MAX)
        g_string_append_printf (out, _("\n… (%zu bytes in all)"), len);
    }
  return g_string_free (out, FALSE);
}

static gboolean
test_on_context (QualifyStore     *store,
                 QualifyEndpoint  *endpoint,
                 const char       *given_secret,
                 GCancellable     *cancellable,
                 char            **request_text,
                 char            **response_text,
                 GError          **error)
{
  g_autoptr(SoupSession) session = qualify_delivery_session_new ();
  g_autofree char *workspace_id = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *document = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) response = NULL;
  QualifyLeadRecord lead = { 0 };
  QualifyDelivery d = { 0 };
  const char *reasons[] = { "Pricing page", "Target industry", NULL };
  Row row = { 0 };
  g_auto(Push) push = { 0 };
  Result r = { 0 };
  char *docs[1];

  *request_text = *response_text = NULL;
  push_init (&push, store, session, NULL, 1.0);
  if (!(workspace_id = qualify_store_dup_workspace_id (store, error)))
    return FALSE;
  push.workspace_id = workspace_id;
  if (given_secret != NULL)
    secret = g_strdup (given_secret);
  else if (!(secret = endpoint_secret (&push, endpoint, cancellable, error)))
    return FALSE;

  lead.custom = g_hash_table_new (g_str_hash, g_str_equal);
  lead.values[QUALIFY_FIELD_EMAIL] = (char *) "test.lead@qualify.invalid";
  lead.values[QUALIFY_FIELD_FIRST_NAME] = (char *) "Test";
  lead.values[QUALIFY_FIELD_LAST_NAME] = (char *) "Lead";
  lead.values[QUALIFY_FIELD_COMPANY] = (char *) "Qualify test event";
  lead.scored = TRUE;
  lead.fit = 40;
  lead.engagement = 30;
  lead.score = 70;
  g_strlcpy (lead.grade, "B", sizeof lead.grade);
  lead.status = QUALIFY_STATUS_MQL;
  d.to_status = (char *) "mql";
  d.from_status = (char *) "lead";
  d.occurred_at = now_seconds ();
  document = qualify_crm_build_document (endpoint, &d, &lead, reasons, NULL);
  g_hash_table_unref (lead.custom);

  if (endpoint->format == QUALIFY_FORMAT_PIPEDRIVE)
    {
      *request_text = g_strdup_printf ("GET /v1/persons/search (find the person by email), "
                                       "POST /v1/persons (if new), POST /v1/leads\n\n%s", document);
      send_pipedrive (session, endpoint, secret, document, "test.lead@qualify.invalid", cancellable, &r);
    }
  else
    {
      row.id = 0;
      row.email = (char *) "test.lead@qualify.invalid";
      docs[0] = document;
      if (!(msg = build_message (endpoint, secret, workspace_id, &row, docs, 1, error)))
        return FALSE;
      body = qualify_crm_build_body (endpoint, (const char * const *) docs, 1);
      exchange (session, msg, cancellable, &response, &r);
      *request_text = describe_request (msg, body, secret);
    }

  if (r.status == 0)
    *response_text = g_strdup_printf (_("No response: %s"), r.reason ? r.reason : "");
  else if (msg != NULL)
    *response_text = describe_response (msg, response);
  else
    *response_text = g_strdup_printf ("HTTP %u\n\n%s", r.status, r.response ? r.response : "");
  result_clear (&r);
  return TRUE;
}

gboolean
qualify_delivery_test_endpoint (QualifyStore     *store,
                                QualifyEndpoint  *endpoint,
                                char            **request_text,
                                char            **response_text,
                                GError          **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean ok;

  g_main_context_push_thread_default (context);
  ok = test_on_context (store, endpoint, NULL, NULL, request_text, response_text, error);
  g_main_context_pop_thread_default (context);
  return ok;
}

gboolean
qualify_delivery_test_endpoint_with_secret (QualifyStore     *store,
                                            QualifyEndpoint  *endpoint,
                                            const char       *secret,
                                            char            **request_text,
                                            char            **response_text,
                                            GError          **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean ok;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_main_context_push_thread_default (context);
  ok = test_on_context (store, endpoint, secret, NULL, request_text, response_text, error);
  g_main_context_pop_thread_default (context);
  return ok;
}

typedef struct
{
  char            *path;
  QualifyEndpoint *endpoint;
  char            *secret;
  char            *request;
  char            *response;
} TestTask;

static void
test_task_free (TestTask *data)
{
  g_free (data->path);
  qualify_endpoint_free (data->endpoint);
  if (data->secret != NULL)
    memset (data->secret, 0, strlen (data->secret));
  g_free (data->secret);
  g_free (data->request);
  g_free (data->response);
  g_free (data);
}

static void
test_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TestTask *data = task_data;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GMainContext) context = NULL;
  GError *error = NULL;
  gboolean ok;

  if (!(store = qualify_store_open (data->path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  ok = test_on_context (store, data->endpoint, data->secret, cancellable, &data->request, &data->response,
                        &error);
  g_main_context_pop_thread_default (context);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
qualify_delivery_test_endpoint_async (const char            *workspace_path,
                                      const QualifyEndpoint *endpoint,
                                      const char            *secret,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  TestTask *data = g_new0 (TestTask, 1);

  g_return_if_fail (workspace_path != NULL);
  g_return_if_fail (endpoint != NULL);

  data->path = g_strdup (workspace_path);
  data->endpoint = qualify_endpoint_copy (endpoint);
  data->secret = g_strdup (secret);
  g_task_set_source_tag (task, qualify_delivery_test_endpoint_async);
  g_task_set_task_data (task, data, (GDestroyNotify) test_task_free);
  g_task_run_in_thread (task, test_thread);
}

gboolean
qualify_delivery_test_endpoint_finish (GAsyncResult  *result,
                                       char         **request_text,
                                       char         **response_text,
                                       GError       **error)
{
  TestTask *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (request_text != NULL)
    *request_text = g_steal_pointer (&data->request);
  if (response_text != NULL)
    *response_text = g_steal_pointer (&data->response);
  return TRUE;
}
