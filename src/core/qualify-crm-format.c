/* qualify-crm-format.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-crm-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-crm-format.h"
#include "qualify-parse.h"

#define PLACEHOLDER "[not provided]"

static char *
iso_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

/* The value of a Qualify field (canonical, custom, or a result) as text. */
static char *
field_value (QualifyLeadRecord *lead,
             const char        *field)
{
  const char *v;

  if (g_str_equal (field, "score"))
    return lead->scored ? g_strdup_printf ("%.1f", lead->score) : NULL;
  if (g_str_equal (field, "fit"))
    return lead->scored ? g_strdup_printf ("%.1f", lead->fit) : NULL;
  if (g_str_equal (field, "engagement"))
    return lead->scored ? g_strdup_printf ("%.1f", lead->engagement) : NULL;
  if (g_str_equal (field, "grade"))
    return lead->scored ? g_strdup (lead->grade) : NULL;
  if (g_str_equal (field, "status"))
    return lead->scored ? g_strdup (qualify_status_to_string (lead->status)) : NULL;
  if (g_str_equal (field, "name"))
    return qualify_lead_record_dup_display_name (lead);
  v = qualify_lead_record_get (lead, field);
  return v != NULL && *v != '\0' ? g_strdup (v) : NULL;
}

static JsonObject *
mapping_for (QualifyEndpoint *endpoint)
{
  const char *json = endpoint->mapping ? endpoint->mapping : qualify_endpoint_default_mapping (endpoint->format);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return json_object_new ();
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
add_mapped (JsonBuilder       *b,
            JsonObject        *mapping,
            QualifyLeadRecord *lead,
            gboolean           numbers_as_numbers)
{
  GList *members = json_object_get_members (mapping);

  for (GList *l = members; l; l = l->next)
    {
      const char *field = l->data;
      const char *property = json_object_get_string_member (mapping, field);
      g_autofree char *value = field_value (lead, field);
      char *end = NULL;
      double d;

      if (property == NULL || value == NULL)
        continue;
      json_builder_set_member_name (b, property);
      d = g_ascii_strtod (value, &end);
      if (numbers_as_numbers && end != value && *end == '\0' &&
          (g_str_equal (field, "employees") || g_str_equal (field, "annual_revenue") ||
           g_str_equal (field, "score")))
        json_builder_add_double_value (b, d);
      else
        json_builder_add_string_value (b, value);
    }
  g_list_free (members);
}

static char *
builder_to_string (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

static char *
webhook_document (const QualifyDelivery *delivery,
                  QualifyLeadRecord     *lead,
                  const char * const    *top_reasons)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *type = g_strdup_printf ("lead.%s", delivery->to_status);
  g_autofree char *now = iso_time (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *occurred = iso_time (delivery->occurred_at);
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, now);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);

  json_builder_set_member_name (b, "lead");
  json_builder_begin_object (b);
  for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
    if (lead->values[f] != NULL)
      {
        json_builder_set_member_name (b, qualify_field_get_name (f));
        json_builder_add_string_value (b, lead->values[f]);
      }
  json_builder_set_member_name (b, "custom");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, lead->custom);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (b, key);
      json_builder_add_string_value (b, value);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "fit");
  json_builder_add_double_value (b, lead->fit);
  json_builder_set_member_name (b, "engagement");
  json_builder_add_double_value (b, lead->engagement);
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, lead->score);
  json_builder_set_member_name (b, "grade");
  json_builder_add_string_value (b, lead->grade);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, qualify_status_to_string (lead->status));

  json_builder_set_member_name (b, "transition");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  if (delivery->from_status)
    json_builder_add_string_value (b, delivery->from_status);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, delivery->to_status);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "model_version");
  json_builder_add_int_value (b, delivery->model_version);
  json_builder_set_member_name (b, "top_reasons");
  json_builder_begin_array (b);
  for (guint i = 0; top_reasons && top_reasons[i]; i++)
    json_builder_add_string_value (b, top_reasons[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "occurred_at");
  json_builder_add_string_value (b, occurred);

  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_to_string (b);
}

char *
qualify_crm_build_document (QualifyEndpoint        *endpoint,
                            const QualifyDelivery  *delivery,
                            QualifyLeadRecord      *lead,
                            const char * const     *top_reasons,
                            char                  **note)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonObject) mapping = NULL;

  if (note)
    *note = NULL;

  if (endpoint->format == QUALIFY_FORMAT_WEBHOOK)
    return webhook_document (delivery, lead, top_reasons);

  mapping = mapping_for (endpoint);
  json_builder_begin_object (b);

  switch (endpoint->format)
    {
    case QUALIFY_FORMAT_HUBSPOT:
      json_builder_set_member_name (b, "idProperty");
      json_builder_add_string_value (b, "email");
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, lead->values[QUALIFY_FIELD_EMAIL]);
      json_builder_set_member_name (b, "properties");
      json_builder_begin_object (b);
      add_mapped (b, mapping, lead, FALSE);
      json_builder_end_object (b);
      break;

    case QUALIFY_FORMAT_SALESFORCE:
      {
        const char *last = json_object_has_member (mapping, "last_name")
                           ? json_object_get_string_member (mapping, "last_name") : "LastName";
        const char *company = json_object_has_member (mapping, "company")
                              ? json_object_get_string_member (mapping, "company") : "Company";
        GString *missing = g_string_new (NULL);

        add_mapped (b, mapping, lead, TRUE);
        /* Salesforce refuses a Lead without these two: send a visible placeholder. */
        if (lead->values[QUALIFY_FIELD_LAST_NAME] == NULL)
          {
            json_builder_set_member_name (b, last);
            json_builder_add_string_value (b, PLACEHOLDER);
            g_string_append (missing, "LastName");
          }
        if (lead->values[QUALIFY_FIELD_COMPANY] == NULL)
          {
            json_builder_set_member_name (b, company);
            json_builder_add_string_value (b, PLACEHOLDER);
            g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", "Company");
          }
        if (missing->len > 0 && note)
          *note = g_strdup_printf (_("Salesforce needs %s; the lead has none, so “%s” was sent"),
                                   missing->str, PLACEHOLDER);
        g_string_free (missing, TRUE);
      }
      break;

    case QUALIFY_FORMAT_PIPEDRIVE:
      {
        g_autofree char *name = qualify_lead_record_dup_display_name (lead);
        g_autofree char *title = NULL;
        QualifyStatus status = lead->status;

        /* titled after the transition sent (a lead sent as MQL then as SQL
         * gets two distinct leads; a retry finds its own by this title) */
        if (delivery->to_status != NULL)
          qualify_status_from_string (delivery->to_status, &status);
        title = g_strdup_printf ("%s (%s, score %.0f)", name, qualify_status_get_label (status), lead->score);

        json_builder_set_member_name (b, "person");
        json_builder_begin_object (b);
        add_mapped (b, mapping, lead, FALSE);
        if (!json_object_has_member (mapping, "name"))
          {
            json_builder_set_member_name (b, "name");
            json_builder_add_string_value (b, name);
          }
        json_builder_end_object (b);
        json_builder_set_member_name (b, "lead");
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "title");
        json_builder_add_string_value (b, title);
        json_builder_end_object (b);
      }
      break;

    case QUALIFY_FORMAT_WEBHOOK:
    case QUALIFY_N_FORMATS:
    default:
      break;
    }

  json_builder_end_object (b);
  return builder_to_string (b);
}

guint
qualify_crm_batch_size (QualifyEndpointFormat format)
{
  return format == QUALIFY_FORMAT_HUBSPOT ? 100 : 1;
}

char *
qualify_crm_build_body (QualifyEndpoint    *endpoint,
                        const char * const *documents,
                        guint               n)
{
  GString *body;

  if (endpoint->format != QUALIFY_FORMAT_HUBSPOT)
    return g_strdup (n > 0 ? documents[0] : "");

  body = g_string_new ("{\"inputs\":[");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, documents[i]);
    }
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

GHashTable *
qualify_crm_parse_batch_errors (const char *body,
                                gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GHashTable *errors;
  JsonObject *root;
  JsonArray *list;

  if (body == NULL || !json_parser_load_from_data (parser, body, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!json_object_has_member (root, "errors") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "errors")))
    return errors;

  list = json_object_get_array_member (root, "errors");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *error;
      JsonObject *context;
      const char *message;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      error = json_node_get_object (node);
      message = json_object_has_member (error, "message")
                ? json_object_get_string_member (error, "message") : _("rejected by the CRM");
      if (!json_object_has_member (error, "context") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (error, "context")))
        continue;
      context = json_object_get_object_member (error, "context");
      if (json_object_has_member (context, "ids") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (context, "ids")))
        {
          JsonArray *ids = json_object_get_array_member (context, "ids");

          for (guint k = 0; k < json_array_get_length (ids); k++)
            {
              const char *id = json_array_get_string_element (ids, k);

              if (id != NULL)
                g_hash_table_insert (errors, g_ascii_strdown (id, -1), g_strdup (message ? message : ""));
            }
        }
    }
  return errors;
}
