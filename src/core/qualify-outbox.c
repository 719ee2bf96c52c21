/* qualify-outbox.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-outbox"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-outbox.h"
#include "qualify-store-private.h"

static const char * const state_names[QUALIFY_N_DELIVERY_STATES] = {
  "pending", "sending", "delivered", "failed", "discarded",
};

const char *
qualify_delivery_state_to_string (QualifyDeliveryState state)
{
  return state < QUALIFY_N_DELIVERY_STATES ? state_names[state] : "";
}

gboolean
qualify_delivery_state_from_string (const char           *str,
                                    QualifyDeliveryState *state)
{
  for (guint i = 0; i < QUALIFY_N_DELIVERY_STATES; i++)
    if (g_strcmp0 (str, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

void
qualify_delivery_free (QualifyDelivery *delivery)
{
  if (delivery == NULL)
    return;
  g_free (delivery->endpoint);
  g_free (delivery->email);
  g_free (delivery->from_status);
  g_free (delivery->to_status);
  g_free (delivery->last_error);
  g_free (delivery->response);
  g_free (delivery->body);
  g_free (delivery);
}

char *
qualify_delivery_dup_message_id (const char *workspace_id,
                                 gint64      delivery_id)
{
  return g_strdup_printf ("msg_%s_%" G_GINT64_FORMAT, workspace_id, delivery_id);
}

/* One statement for the whole rescore: an endpoint receives a transition when
 * the new status is in its list ("mql,sql" as text, matched on commas).
 * CROSS JOIN keeps the endpoints as the outer loop, so with no enabled
 * endpoint the new history rows are never read (1M transitions cost ~µs),
 * and with one they are read once, by rowid range. */
gboolean
_qualify_outbox_enqueue_transitions (QualifyStore  *store,
                                     gint64         after_history_id,
                                     GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), FALSE);

  if (!(stmt = _qualify_store_prepare (store,
                                       "INSERT INTO outbox (endpoint_id, lead_id, history_id, from_status,"
                                       " to_status, occurred_at, model_version, next_at)"
                                       " SELECT e.id, h.lead_id, h.id, h.from_status, h.to_status, h.at,"
                                       "        h.model_version, 0"
                                       " FROM endpoints e CROSS JOIN status_history h"
                                       " WHERE e.enabled = 1 AND h.id > ?1"
                                       "   AND instr(',' || e.transitions || ',', ',' || h.to_status || ',') > 0"
                                       " ORDER BY e.id, h.id",
                                       error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, after_history_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not queue the hand-off to your CRM"), error);
  return TRUE;
}

gboolean
qualify_outbox_count (QualifyStore  *store,
                      gint64         endpoint_id,
                      guint64        counts[QUALIFY_N_DELIVERY_STATES],
                      GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store,
                                                         "SELECT state, count(*) FROM outbox"
                                                         " WHERE ?1 = 0 OR endpoint_id = ?1 GROUP BY state",
                                                         error);
  int rc;

  memset (counts, 0, sizeof (guint64) * QUALIFY_N_DELIVERY_STATES);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, endpoint_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QualifyDeliveryState state;

      if (qualify_delivery_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state))
        counts[state] = (guint64) sqlite3_column_int64 (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not read the hand-off queue"), error);
  return TRUE;
}

#define DELIVERY_COLUMNS \
  "o.id, o.endpoint_id, e.name, o.lead_id, l.email, o.from_status, o.to_status, o.occurred_at," \
  " o.model_version, o.state, o.attempts, o.next_at, o.last_status, o.last_error, o.response," \
  " o.delivered_at, o.body"
#define DELIVERY_FROM \
  " FROM outbox o JOIN endpoints e ON e.id = o.endpoint_id LEFT JOIN leads l ON l.id = o.lead_id"

static QualifyDelivery *
delivery_from_row (sqlite3_stmt *stmt)
{
  QualifyDelivery *d = g_new0 (QualifyDelivery, 1);

  d->id = sqlite3_column_int64 (stmt, 0);
  d->endpoint_id = sqlite3_column_int64 (stmt, 1);
  d->endpoint = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  d->lead_id = sqlite3_column_int64 (stmt, 3);
  d->email = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  d->from_status = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  d->to_status = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  d->occurred_at = sqlite3_column_int64 (stmt, 7);
  d->model_version = sqlite3_column_int64 (stmt, 8);
  if (!qualify_delivery_state_from_string ((const char *) sqlite3_column_text (stmt, 9), &d->state))
    d->state = QUALIFY_DELIVERY_PENDING;
  d->attempts = sqlite3_column_int (stmt, 10);
  d->next_at = sqlite3_column_int64 (stmt, 11);
  d->last_status = sqlite3_column_int (stmt, 12);
  d->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
  d->response = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
  d->delivered_at = sqlite3_column_int64 (stmt, 15);
  d->body = g_strdup ((const char *) sqlite3_column_text (stmt, 16));
  return d;
}

/* Steps @stmt to the end, one QualifyDelivery per row. */
static GPtrArray *
collect_deliveries (QualifyStore  *store,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_delivery_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, delivery_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (store, rc, _("Could not read the hand-off queue"), error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
qualify_outbox_list (QualifyStore  *store,
                     gint64         endpoint_id,
                     int            state,
                     guint          limit,
                     GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!(stmt = _qualify_store_prepare (store,
                                       "SELECT " DELIVERY_COLUMNS DELIVERY_FROM
                                       " WHERE (?1 = 0 OR o.endpoint_id = ?1) AND (?2 IS NULL OR o.state = ?2)"
                                       " ORDER BY max(o.created_at, coalesce(o.sent_at, 0), coalesce(o.delivered_at, 0)) DESC,"
                                       " o.attempts > 0 DESC, o.id DESC LIMIT ?3",
                                       error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, endpoint_id);
  if (state >= 0 && state < QUALIFY_N_DELIVERY_STATES)
    sqlite3_bind_text (stmt, 2, state_names[state], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? limit : G_MAXINT64);
  return collect_deliveries (store, stmt, error);
}

GPtrArray *
qualify_outbox_list_for_lead (QualifyStore  *store,
                              gint64         lead_id,
                              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store,
                                                         "SELECT " DELIVERY_COLUMNS DELIVERY_FROM
                                                         " WHERE o.lead_id = ? ORDER BY o.id DESC",
                                                         error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, lead_id);
  return collect_deliveries (store, stmt, error);
}

QualifyDelivery *
qualify_outbox_get (QualifyStore  *store,
                    gint64         id,
                    GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store,
                                                         "SELECT " DELIVERY_COLUMNS DELIVERY_FROM " WHERE o.id = ?",
                                                         error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return delivery_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND,
                 _("There is no delivery %lld"), (long long) id);
  else
    _qualify_store_set_error (store, rc, _("Could not read the hand-off queue"), error);
  return NULL;
}

static gboolean
update_one (QualifyStore  *store,
            const char    *sql,
            gint64         id,
            GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not update the hand-off queue"), error);
  if (sqlite3_changes (_qualify_store_get_db (store)) == 0)
    {
      g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND,
                   _("Delivery %lld does not exist or was already delivered"), (long long) id);
      return FALSE;
    }
  return TRUE;
}

gboolean
qualify_outbox_retry_now (QualifyStore  *store,
                          gint64         id,
                          GError       **error)
{
  return update_one (store,
                     "UPDATE outbox SET state = 'pending', next_at = 0"
                     " WHERE id = ?1 AND state IN ('pending', 'failed', 'discarded')",
                     id, error);
}

gboolean
qualify_outbox_discard (QualifyStore  *store,
                        gint64         id,
                        GError       **error)
{
  return update_one (store,
                     "UPDATE outbox SET state = 'discarded' WHERE id = ?1 AND state IN ('pending', 'failed')",
                     id, error);
}

#define BACKLOG_WHERE \
  " FROM results r JOIN endpoints e ON e.id = ?1" \
  " WHERE r.status IN ('mql', 'sql', 'disqualified', 'lead')" \
  "   AND instr(',' || e.transitions || ',', ',' || r.status || ',') > 0" \
  "   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.endpoint_id = e.id AND o.lead_id = r.lead_id" \
  "                   AND o.to_status = r.status)"

gboolean
qualify_outbox_count_backlog (QualifyStore  *store,
                              gint64         endpoint_id,
                              guint64       *count,
                              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, "SELECT count(*)" BACKLOG_WHERE, error);
  int rc;

  *count = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, endpoint_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return _qualify_store_set_error (store, rc, _("Could not read the hand-off queue"), error);
  *count = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
qualify_outbox_enqueue_backlog (QualifyStore  *store,
                                gint64         endpoint_id,
                                guint64       *queued,
                                GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *queued = 0;
  if (!(stmt = _qualify_store_prepare (store,
                                       "INSERT INTO outbox (endpoint_id, lead_id, from_status, to_status,"
                                       " occurred_at, model_version)"
                                       " SELECT e.id, r.lead_id, NULL, r.status,"
                                       "   coalesce(CASE r.status WHEN 'mql' THEN r.mql_at WHEN 'sql' THEN r.sql_at END,"
                                       "            r.scored_at), r.model_version"
                                       BACKLOG_WHERE " ORDER BY r.lead_id",
                                       error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, endpoint_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not queue the backlog"), error);
  *queued = (guint64) sqlite3_changes (_qualify_store_get_db (store));
  return TRUE;
}

gboolean
qualify_outbox_recover (QualifyStore  *store,
                        GError       **error)
{
  return _qualify_store_exec (store, "UPDATE outbox SET state = 'pending' WHERE state = 'sending'", error);
}
