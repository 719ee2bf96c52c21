/* qualify-endpoint.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-endpoint"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "qualify-endpoint.h"
#include "qualify-store-private.h"

G_DEFINE_QUARK (qualify-endpoint-error, qualify_endpoint_error)

static const char * const format_names[QUALIFY_N_FORMATS] = {
  "webhook", "hubspot", "salesforce", "pipedrive",
};

static const char * const state_names[] = { "active", "paused", "disabled" };

/* Qualify field → CRM property. The webhook sends every field under its own name. */
/* Qualify's own results go to custom properties the user creates in the CRM
 * (HubSpot: qualify_status/score/grade; Salesforce: Qualify_*__c): HubSpot's
 * hs_lead_status is an enumeration (NEW, OPEN, …) that would refuse "mql". */
static const char * const default_mappings[QUALIFY_N_FORMATS] = {
  NULL,
  "{\"email\":\"email\",\"first_name\":\"firstname\",\"last_name\":\"lastname\",\"title\":\"jobtitle\","
  "\"company\":\"company\",\"domain\":\"website\",\"industry\":\"industry\",\"phone\":\"phone\","
  "\"country\":\"country\",\"city\":\"city\",\"status\":\"qualify_status\","
  "\"score\":\"qualify_score\",\"grade\":\"qualify_grade\"}",
  "{\"email\":\"Email\",\"first_name\":\"FirstName\",\"last_name\":\"LastName\",\"title\":\"Title\","
  "\"company\":\"Company\",\"domain\":\"Website\",\"industry\":\"Industry\",\"phone\":\"Phone\","
  "\"country\":\"Country\",\"city\":\"City\",\"employees\":\"NumberOfEmployees\","
  "\"annual_revenue\":\"AnnualRevenue\",\"lead_source\":\"LeadSource\","
  "\"score\":\"Qualify_Score__c\",\"grade\":\"Qualify_Grade__c\"}",
  "{\"email\":\"email\",\"name\":\"name\",\"phone\":\"phone\",\"company\":\"org_name\"}",
};

QualifyEndpoint *
qualify_endpoint_new (const char            *name,
                      const char            *url,
                      QualifyEndpointFormat  format)
{
  QualifyEndpoint *endpoint = g_new0 (QualifyEndpoint, 1);

  endpoint->name = g_strdup (name);
  endpoint->url = g_strdup (url);
  endpoint->format = format;
  endpoint->transitions = (1u << QUALIFY_STATUS_MQL) | (1u << QUALIFY_STATUS_SQL);
  endpoint->enabled = TRUE;
  endpoint->auto_push = TRUE;
  return endpoint;
}

void
qualify_endpoint_free (QualifyEndpoint *endpoint)
{
  if (endpoint == NULL)
    return;
  g_free (endpoint->name);
  g_free (endpoint->url);
  g_free (endpoint->mapping);
  g_free (endpoint->external_id);
  g_free (endpoint->state_reason);
  g_free (endpoint);
}

QualifyEndpoint *
qualify_endpoint_copy (const QualifyEndpoint *endpoint)
{
  QualifyEndpoint *copy;

  g_return_val_if_fail (endpoint != NULL, NULL);

  copy = g_memdup2 (endpoint, sizeof *endpoint);
  copy->name = g_strdup (endpoint->name);
  copy->url = g_strdup (endpoint->url);
  copy->mapping = g_strdup (endpoint->mapping);
  copy->external_id = g_strdup (endpoint->external_id);
  copy->state_reason = g_strdup (endpoint->state_reason);
  return copy;
}

const char *
qualify_endpoint_format_to_string (QualifyEndpointFormat format)
{
  return format < QUALIFY_N_FORMATS ? format_names[format] : "";
}

gboolean
qualify_endpoint_format_from_string (const char            *str,
                                     QualifyEndpointFormat *format)
{
  for (guint i = 0; i < QUALIFY_N_FORMATS; i++)
    if (g_ascii_strcasecmp (str, format_names[i]) == 0)
      {
        *format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
qualify_endpoint_state_to_string (QualifyEndpointState state)
{
  return state <= QUALIFY_ENDPOINT_DISABLED ? state_names[state] : "";
}

static QualifyEndpointState
state_from_string (const char *str)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (str, state_names[i]) == 0)
      return i;
  return QUALIFY_ENDPOINT_ACTIVE;
}

gboolean
qualify_endpoint_parse_transitions (const char  *list,
                                    guint       *transitions,
                                    GError     **error)
{
  g_auto(GStrv) parts = g_strsplit_set (list ? list : "", ",; ", -1);
  guint bits = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      QualifyStatus status;

      if (*parts[i] == '\0')
        continue;
      if (!qualify_status_from_string (parts[i], &status) || status == QUALIFY_STATUS_NONE)
        {
          g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                       _("“%s” is not a status; use mql, sql, disqualified or lead"), parts[i]);
          return FALSE;
        }
      bits |= 1u << status;
    }
  if (bits == 0)
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                   _("Choose at least one status to send (e.g. mql,sql)"));
      return FALSE;
    }
  *transitions = bits;
  return TRUE;
}

char *
qualify_endpoint_transitions_to_string (guint transitions)
{
  GString *out = g_string_new (NULL);

  for (QualifyStatus s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    if (transitions & (1u << s))
      {
        if (out->len > 0)
          g_string_append_c (out, ',');
        g_string_append (out, qualify_status_to_string (s));
      }
  return g_string_free (out, FALSE);
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
qualify_endpoint_check_url (const char  *url,
                            GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                   _("The URL is empty"));
      return FALSE;
    }
  if (!(uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local_error)))
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                   _("“%s” is not a URL: %s"), url, local_error->message);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0 && g_uri_get_host (uri) && *g_uri_get_host (uri))
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (is_loopback_host (g_uri_get_host (uri)))
        return TRUE;
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                   _("“%s” is plain http: lead data would cross the network unencrypted. Use "
                     "https:// (http:// is allowed only for this computer, e.g. "
                     "http://127.0.0.1:8080 for testing)."),
                   url);
      return FALSE;
    }
  g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
               _("“%s” must start with https://"), url);
  return FALSE;
}

const char *
qualify_endpoint_default_mapping (QualifyEndpointFormat format)
{
  return format < QUALIFY_N_FORMATS ? default_mappings[format] : NULL;
}

static gboolean
check_endpoint (const QualifyEndpoint  *endpoint,
                GError                **error)
{
  g_autofree char *name = g_strstrip (g_strdup (endpoint->name ? endpoint->name : ""));

  if (*name == '\0')
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                   _("The endpoint needs a name"));
      return FALSE;
    }
  if (endpoint->format >= QUALIFY_N_FORMATS)
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                   _("Unknown format; use webhook, hubspot, salesforce or pipedrive"));
      return FALSE;
    }
  if (endpoint->transitions == 0)
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                   _("Choose at least one status to send (e.g. mql,sql)"));
      return FALSE;
    }
  if (endpoint->mapping != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) local_error = NULL;

      if (!json_parser_load_from_data (parser, endpoint->mapping, -1, &local_error) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID,
                       _("The field mapping must be a JSON object {\"qualify field\": \"CRM property\"}%s%s"),
                       local_error ? ": " : "", local_error ? local_error->message : "");
          return FALSE;
        }
    }
  return qualify_endpoint_check_url (endpoint->url, error);
}

static void
bind_endpoint (sqlite3_stmt          *stmt,
               const QualifyEndpoint *endpoint)
{
  g_autofree char *transitions = qualify_endpoint_transitions_to_string (endpoint->transitions);
  g_autofree char *options = NULL;

  if (endpoint->external_id != NULL && *endpoint->external_id != '\0')
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "external_id");
      json_builder_add_string_value (b, endpoint->external_id);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      options = json_to_string (root, FALSE);
    }

  sqlite3_bind_text (stmt, 1, endpoint->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, endpoint->url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, qualify_endpoint_format_to_string (endpoint->format), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, transitions, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, endpoint->enabled);
  sqlite3_bind_int (stmt, 6, endpoint->auto_push);
  if (endpoint->mapping)
    sqlite3_bind_text (stmt, 7, endpoint->mapping, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 7);
  if (options)
    sqlite3_bind_text (stmt, 8, options, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 8);
}

gboolean
qualify_endpoint_add (QualifyStore     *store,
                      QualifyEndpoint  *endpoint,
                      GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!check_endpoint (endpoint, error))
    return FALSE;
  if (!(stmt = _qualify_store_prepare (store,
                                       "INSERT INTO endpoints (name, url, format, transitions, enabled,"
                                       " auto_push, mapping, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                       error)))
    return FALSE;
  bind_endpoint (stmt, endpoint);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_EXISTS,
                   _("An endpoint called “%s” already exists"), endpoint->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not save the endpoint"), error);
  endpoint->id = sqlite3_last_insert_rowid (_qualify_store_get_db (store));
  return TRUE;
}

gboolean
qualify_endpoint_update (QualifyStore           *store,
                         const QualifyEndpoint  *endpoint,
                         GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!check_endpoint (endpoint, error))
    return FALSE;
  if (!(stmt = _qualify_store_prepare (store,
                                       "UPDATE endpoints SET name = ?1, url = ?2, format = ?3, transitions = ?4,"
                                       " enabled = ?5, auto_push = ?6, mapping = ?7, options = ?8 WHERE id = ?9",
                                       error)))
    return FALSE;
  bind_endpoint (stmt, endpoint);
  sqlite3_bind_int64 (stmt, 9, endpoint->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_EXISTS,
                   _("An endpoint called “%s” already exists"), endpoint->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not save the endpoint"), error);
  return TRUE;
}

static gboolean
exec_by_name (QualifyStore  *store,
              const char    *sql,
              const char    *name,
              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not save the endpoint"), error);
  if (sqlite3_changes (_qualify_store_get_db (store)) == 0)
    {
      g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_NOT_FOUND,
                   _("There is no endpoint called “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
qualify_endpoint_remove (QualifyStore  *store,
                         const char    *name,
                         GError       **error)
{
  /* its queued deliveries go with it (ON DELETE CASCADE) */
  return exec_by_name (store, "DELETE FROM endpoints WHERE name = ?", name, error);
}

gboolean
qualify_endpoint_resume (QualifyStore  *store,
                         const char    *name,
                         GError       **error)
{
  return exec_by_name (store,
                       "UPDATE endpoints SET state = 'active', state_reason = NULL, failures = 0,"
                       " enabled = 1 WHERE name = ?",
                       name, error);
}

static QualifyEndpoint *
endpoint_from_row (sqlite3_stmt *stmt)
{
  QualifyEndpoint *endpoint = g_new0 (QualifyEndpoint, 1);
  const char *options = (const char *) sqlite3_column_text (stmt, 8);

  endpoint->id = sqlite3_column_int64 (stmt, 0);
  endpoint->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  endpoint->url = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  if (!qualify_endpoint_format_from_string ((const char *) sqlite3_column_text (stmt, 3), &endpoint->format))
    endpoint->format = QUALIFY_FORMAT_WEBHOOK;
  if (!qualify_endpoint_parse_transitions ((const char *) sqlite3_column_text (stmt, 4),
                                           &endpoint->transitions, NULL))
    endpoint->transitions = 0;
  endpoint->enabled = sqlite3_column_int (stmt, 5);
  endpoint->auto_push = sqlite3_column_int (stmt, 6);
  endpoint->mapping = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  endpoint->state = state_from_string ((const char *) sqlite3_column_text (stmt, 9));
  endpoint->state_reason = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  endpoint->failures = sqlite3_column_int (stmt, 11);
  endpoint->retry_at = sqlite3_column_int64 (stmt, 12);

  if (options != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, options, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));

          if (json_object_has_member (o, "external_id"))
            endpoint->external_id = g_strdup (json_object_get_string_member (o, "external_id"));
        }
    }
  return endpoint;
}

#define ENDPOINT_COLUMNS \
  "id, name, url, format, transitions, enabled, auto_push, mapping, options, state, state_reason, failures," \
  " retry_at"

GPtrArray *
qualify_endpoint_list (QualifyStore  *store,
                       GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store,
                                                         "SELECT " ENDPOINT_COLUMNS " FROM endpoints ORDER BY name",
                                                         error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_endpoint_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, endpoint_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (store, rc, _("Could not read the endpoints"), error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

QualifyEndpoint *
qualify_endpoint_get (QualifyStore  *store,
                      const char    *name,
                      GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store,
                                                         "SELECT " ENDPOINT_COLUMNS " FROM endpoints WHERE name = ?",
                                                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return endpoint_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_NOT_FOUND,
                 _("There is no endpoint called “%s”"), name);
  else
    _qualify_store_set_error (store, rc, _("Could not read the endpoints"), error);
  return NULL;
}
