/* test-outbox.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The transactional outbox, on real workspace files: rows are queued by the
 * scorer in its own transaction, in one statement, and the queue API moves
 * them between states. No network here (see test-delivery.c).
 */

#include "config.h"

#include <string.h>

#include "qualify-demo.h"
#include "qualify-endpoint.h"
#include "qualify-outbox.h"
#include "qualify-scorer.h"
#include "qualify-secrets.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

#define DEMO_NOW 1793491200   /* 2026-11-01 */
#define DAY      86400

static QualifyEndpoint *
add_endpoint (QualifyStore *store,
              const char   *name,
              const char   *on,
              gboolean      enabled)
{
  g_autoptr(GError) error = NULL;
  QualifyEndpoint *endpoint = qualify_endpoint_new (name, "https://crm.example.com/hook",
                                                    QUALIFY_FORMAT_WEBHOOK);

  g_assert_true (qualify_endpoint_parse_transitions (on, &endpoint->transitions, &error));
  endpoint->enabled = enabled;
  g_assert_true (qualify_endpoint_add (store, endpoint, &error));
  g_assert_no_error (error);
  g_assert_cmpint (endpoint->id, >, 0);
  return endpoint;
}

static void
populate (QualifyStore *store,
          guint         n_leads)
{
  g_autoptr(GError) error = NULL;
  QualifyDemoOptions options = { n_leads, 10 * n_leads, 7, DEMO_NOW };

  g_assert_true (qualify_demo_populate (store, &options, NULL, &error));
  g_assert_no_error (error);
}

/* A workspace written by the first release (schema 1) is upgraded in place:
 * nothing is lost, and it gains endpoints and an outbox the scorer fills. */
static void
test_outbox_migrate_v1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = qt_fixture_path ("workspace-v1.qualify");
  g_autofree char *dir = qt_make_tmp_dir ("qualify-outbox-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "old.qualify", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  QualifyScoreSummary summary;
  gint64 leads, events, results, history, sum_ids, sum_scores, history_before;
  gsize len;

  g_assert_true (g_file_get_contents (fixture, &contents, &len, &error));
  g_assert_true (g_file_set_contents (path, contents, len, &error));

  /* what schema 1 holds, read with SQLite directly */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "SELECT (SELECT user_version FROM pragma_user_version),"
                                         " (SELECT count(*) FROM leads), (SELECT count(*) FROM events),"
                                         " (SELECT count(*) FROM results), (SELECT count(*) FROM status_history),"
                                         " (SELECT sum(id * length(email)) FROM leads),"
                                         " (SELECT sum(lead_id * score) FROM results)",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    leads = sqlite3_column_int64 (stmt, 1);
    events = sqlite3_column_int64 (stmt, 2);
    results = sqlite3_column_int64 (stmt, 3);
    history = sqlite3_column_int64 (stmt, 4);
    sum_ids = sqlite3_column_int64 (stmt, 5);
    sum_scores = (gint64) (sqlite3_column_double (stmt, 6) * 1000);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  g_assert_cmpint (leads, >, 0);
  g_assert_cmpint (events, >, 0);

  store = qualify_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA user_version"), ==, QUALIFY_STORE_SCHEMA_VERSION);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, leads);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM events"), ==, events);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, results);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==, history);
  g_assert_cmpint (qt_store_query_int (store, "SELECT sum(id * length(email)) FROM leads"), ==, sum_ids);
  g_assert_cmpint (qt_store_query_int (store, "SELECT CAST(sum(lead_id * score) * 1000 AS INTEGER) FROM results"),
                   ==, sum_scores);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM endpoints"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

  /* the upgraded workspace takes an endpoint, and a rescore queues its
   * transitions for it */
  endpoint = add_endpoint (store, "crm", "mql,sql,lead,disqualified", TRUE);
  history_before = qt_store_query_int (store, "SELECT max(id) FROM status_history");
  g_assert_true (qualify_score_workspace (store, DEMO_NOW + 400 * DAY, NULL, &summary, &error));
  g_assert_no_error (error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM status_history WHERE id > %" G_GINT64_FORMAT,
                                            history_before);
    gint64 new_history = qt_store_query_int (store, sql);

    g_assert_cmpint (new_history, ==, (gint64) summary.transitions);
    g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, new_history);
  }
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, leads);
  g_clear_object (&store);
  qt_remove_tree (dir);
}

/* The scorer queues one row per (transition, enabled endpoint receiving its
 * new status), with the history row it came from. */
static void
test_outbox_enqueue_transitions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qt_temp_workspace ("qualify-outbox-XXXXXX", NULL, NULL, NULL);
  g_autoptr(QualifyEndpoint) mql = add_endpoint (store, "mql-only", "mql", TRUE);
  g_autoptr(QualifyEndpoint) both = add_endpoint (store, "mql-sql", "mql,sql", TRUE);
  g_autoptr(QualifyEndpoint) off = add_endpoint (store, "switched-off", "mql,sql,lead", FALSE);
  g_autoptr(QualifyEndpoint) lead = add_endpoint (store, "lead", "lead", TRUE);
  guint64 counts[QUALIFY_N_DELIVERY_STATES];
  gint64 n_mql, n_sql, n_lead;

  populate (store, 400);

  n_mql = qt_store_query_int (store, "SELECT count(*) FROM status_history WHERE to_status = 'mql'");
  n_sql = qt_store_query_int (store, "SELECT count(*) FROM status_history WHERE to_status = 'sql'");
  n_lead = qt_store_query_int (store, "SELECT count(*) FROM status_history WHERE to_status = 'lead'");
  g_assert_cmpint (n_mql, >, 0);
  g_assert_cmpint (n_lead, >, 0);

  g_assert_true (qualify_outbox_count (store, mql->id, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, (guint64) n_mql);
  g_assert_true (qualify_outbox_count (store, both->id, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, (guint64) (n_mql + n_sql));
  g_assert_true (qualify_outbox_count (store, off->id, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, 0);
  g_assert_true (qualify_outbox_count (store, lead->id, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, (guint64) n_lead);
  g_assert_true (qualify_outbox_count (store, 0, counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, (guint64) (2 * n_mql + n_sql + n_lead));
  for (guint s = QUALIFY_DELIVERY_SENDING; s < QUALIFY_N_DELIVERY_STATES; s++)
    g_assert_cmpuint (counts[s], ==, 0);

  /* every row copies its history row: lead, statuses, time, model version */
  g_assert_cmpint (qt_store_query_int (store,
                              "SELECT count(*) FROM outbox o JOIN status_history h ON h.id = o.history_id"
                              " WHERE h.lead_id = o.lead_id AND h.to_status = o.to_status"
                              " AND h.from_status IS o.from_status AND h.at = o.occurred_at"
                              " AND h.model_version IS o.model_version"),
                   ==, 2 * n_mql + n_sql + n_lead);
  /* nothing is frozen or attempted before the first send */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE body IS NOT NULL OR attempts > 0"), ==, 0);

  /* a rescore that changes nothing queues nothing more */
  {
    QualifyScoreSummary summary;
    gint64 before = qt_store_query_int (store, "SELECT count(*) FROM outbox");

    g_assert_true (qualify_score_workspace (store, DEMO_NOW, NULL, &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.transitions, ==, 0);
    g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, before);
  }
}

/* A status change and its outbox rows commit or roll back together: when
 * queueing fails half-way, the rescore leaves no history and no outbox row. */
static void
test_outbox_same_transaction (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qt_temp_workspace ("qualify-outbox-XXXXXX", NULL, NULL, NULL);
  g_autoptr(QualifyEndpoint) endpoint = add_endpoint (store, "all", "mql,sql,lead,disqualified", TRUE);
  QualifyScoreSummary summary;
  gint64 outbox, history, results_sum;

  populate (store, 300);
  outbox = qt_store_query_int (store, "SELECT count(*) FROM outbox");
  history = qt_store_query_int (store, "SELECT count(*) FROM status_history");
  results_sum = qt_store_query_int (store, "SELECT CAST(sum(score) * 1000 AS INTEGER) FROM results");
  g_assert_cmpint (outbox, ==, history);

  /* the second outbox row of the next rescore fails */
  {
    g_autofree char *sql = g_strdup_printf ("CREATE TEMP TRIGGER fail_outbox BEFORE INSERT ON main.outbox"
                                            " WHEN (SELECT count(*) FROM main.outbox) > %" G_GINT64_FORMAT
                                            " BEGIN SELECT RAISE(ABORT, 'outbox refused'); END",
                                            outbox);
    qt_store_exec (store, sql);
  }
  /* a year later most engagement has decayed: many leads change status */
  g_assert_false (qualify_score_workspace (store, DEMO_NOW + 365 * DAY, NULL, &summary, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (_qualify_store_in_transaction (store));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, outbox);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==, history);
  g_assert_cmpint (qt_store_query_int (store, "SELECT CAST(sum(score) * 1000 AS INTEGER) FROM results"), ==, results_sum);

  /* without the fault the same rescore commits both */
  qt_store_exec (store, "DROP TRIGGER temp.fail_outbox");
  g_assert_true (qualify_score_workspace (store, DEMO_NOW + 365 * DAY, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.transitions, >, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==,
                   history + (gint64) summary.transitions);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, outbox + (gint64) summary.transitions);
}

/* 1M new transitions and no endpoint (or none that is enabled): queueing is
 * one statement that looks at the endpoints first, so it costs ~nothing. */
static void
test_outbox_enqueue_cost (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qt_temp_workspace ("qualify-outbox-XXXXXX", NULL, NULL, NULL);
  g_autoptr(QualifyEndpoint) off = NULL;
  g_autoptr(QualifyEndpoint) few = NULL;
  gint64 t0, none_us, off_us;

  g_assert_true (qualify_store_begin (store, &error));
  qt_store_exec (store,
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000)"
            " INSERT INTO status_history (lead_id, from_status, to_status, at, model_version)"
            " SELECT x, 'lead', CASE WHEN x % 1000 = 0 THEN 'sql' ELSE 'mql' END, 1790000000 + x, 1 FROM n");
  g_assert_true (qualify_store_commit (store, &error));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==, 1000000);

  g_assert_true (qualify_store_begin (store, &error));
  t0 = g_get_monotonic_time ();
  g_assert_true (_qualify_outbox_enqueue_transitions (store, 0, &error));
  none_us = g_get_monotonic_time () - t0;
  g_assert_no_error (error);
  g_assert_true (qualify_store_commit (store, &error));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, 0);

  off = add_endpoint (store, "off", "mql,sql", FALSE);
  g_assert_true (qualify_store_begin (store, &error));
  t0 = g_get_monotonic_time ();
  g_assert_true (_qualify_outbox_enqueue_transitions (store, 0, &error));
  off_us = g_get_monotonic_time () - t0;
  g_assert_true (qualify_store_commit (store, &error));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, 0);

  g_test_message ("1M transitions: no endpoint %" G_GINT64_FORMAT " us, disabled endpoint %"
                  G_GINT64_FORMAT " us", none_us, off_us);
  /* a scan of the 1M rows takes ~100 ms here; this must not scan them */
  g_assert_cmpint (none_us, <, 20000);
  g_assert_cmpint (off_us, <, 20000);

  /* and with an endpoint: exactly the rows after the given id that match */
  few = add_endpoint (store, "sql", "sql", TRUE);
  g_assert_true (qualify_store_begin (store, &error));
  g_assert_true (_qualify_outbox_enqueue_transitions (store, 500000, &error));
  g_assert_true (qualify_store_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, 500);
  g_assert_cmpint (qt_store_query_int (store, "SELECT min(history_id) FROM outbox"), ==, 501000);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE endpoint_id <> "
                                     "(SELECT id FROM endpoints WHERE name = 'sql')"), ==, 0);
}

/* Counts, list filters and order, get, retry-now, discard, recover. */
static void
test_outbox_queue_api (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qt_temp_workspace ("qualify-outbox-XXXXXX", NULL, NULL, NULL);
  g_autoptr(QualifyEndpoint) a = add_endpoint (store, "a", "mql,sql", TRUE);
  g_autoptr(QualifyEndpoint) b = add_endpoint (store, "b", "mql", TRUE);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(QualifyDelivery) got = NULL;
  guint64 counts[QUALIFY_N_DELIVERY_STATES];
  gint64 n_a, n_b, first_a, delivered_id, failed_id, sending_id;

  populate (store, 300);
  n_a = qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE endpoint_id = (SELECT id FROM endpoints WHERE name = 'a')");
  n_b = qt_store_query_int (store, "SELECT count(*) FROM outbox WHERE endpoint_id = (SELECT id FROM endpoints WHERE name = 'b')");
  g_assert_cmpint (n_a, >=, 4);
  first_a = qt_store_query_int (store, "SELECT min(id) FROM outbox WHERE endpoint_id = (SELECT id FROM endpoints WHERE name = 'a')");

  /* put a few rows in each state, as a worker would */
  delivered_id = first_a;
  failed_id = first_a + 1;
  sending_id = first_a + 2;
  {
    g_autofree char *sql = g_strdup_printf (
      "UPDATE outbox SET state = 'delivered', attempts = 1, last_status = 200, delivered_at = unixepoch(),"
      " sent_at = unixepoch(), body = '{\"x\":1}', response = 'ok' WHERE id = %" G_GINT64_FORMAT ";"
      "UPDATE outbox SET state = 'failed', attempts = 1, last_status = 400, last_error = 'bad email',"
      " sent_at = unixepoch() WHERE id = %" G_GINT64_FORMAT ";"
      "UPDATE outbox SET state = 'sending', attempts = 1, sent_at = unixepoch() WHERE id = %" G_GINT64_FORMAT,
      delivered_id, failed_id, sending_id);
    qt_store_exec (store, sql);
  }

  g_assert_true (qualify_outbox_count (store, a->id, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, (guint64) n_a - 3);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_SENDING], ==, 1);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_DELIVERED], ==, 1);
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_FAILED], ==, 1);
  g_assert_true (qualify_outbox_count (store, b->id, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_PENDING], ==, (guint64) n_b);

  /* list: by state, by endpoint, limited */
  list = qualify_outbox_list (store, a->id, QUALIFY_DELIVERY_FAILED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  {
    QualifyDelivery *d = g_ptr_array_index (list, 0);

    g_assert_cmpint (d->id, ==, failed_id);
    g_assert_cmpstr (d->endpoint, ==, "a");
    g_assert_nonnull (strchr (d->email, '@'));
    g_assert_cmpint (d->last_status, ==, 400);
    g_assert_cmpstr (d->last_error, ==, "bad email");
    g_assert_cmpint (d->attempts, ==, 1);
    g_assert_cmpint (d->state, ==, QUALIFY_DELIVERY_FAILED);
  }
  g_clear_pointer (&list, g_ptr_array_unref);
  list = qualify_outbox_list (store, 0, -1, 5, &error);
  g_assert_cmpuint (list->len, ==, 5);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = qualify_outbox_list (store, b->id, -1, 0, &error);
  g_assert_cmpuint (list->len, ==, (guint) n_b);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((QualifyDelivery *) g_ptr_array_index (list, i))->endpoint, ==, "b");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* the lead page's view: every delivery of one lead */
  got = qualify_outbox_get (store, delivered_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, QUALIFY_DELIVERY_DELIVERED);
  g_assert_cmpstr (got->body, ==, "{\"x\":1}");
  list = qualify_outbox_list_for_lead (store, got->lead_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, >=, 1);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpint (((QualifyDelivery *) g_ptr_array_index (list, i))->lead_id, ==, got->lead_id);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&got, qualify_delivery_free);

  /* a delivered row cannot be retried or discarded; a failed one can */
  g_assert_false (qualify_outbox_retry_now (store, delivered_id, &error));
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qualify_outbox_discard (store, delivered_id, &error));
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qualify_outbox_get (store, 987654321, &error));
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (qualify_outbox_discard (store, failed_id, &error));
  g_assert_no_error (error);
  got = qualify_outbox_get (store, failed_id, &error);
  g_assert_cmpint (got->state, ==, QUALIFY_DELIVERY_DISCARDED);
  g_clear_pointer (&got, qualify_delivery_free);
  g_assert_true (qualify_outbox_retry_now (store, failed_id, &error));
  got = qualify_outbox_get (store, failed_id, &error);
  g_assert_cmpint (got->state, ==, QUALIFY_DELIVERY_PENDING);
  g_assert_cmpint (got->next_at, ==, 0);
  g_clear_pointer (&got, qualify_delivery_free);

  /* a waiting row is made due now */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE outbox SET next_at = unixepoch() + 3600 WHERE id = %"
                                            G_GINT64_FORMAT, failed_id);
    qt_store_exec (store, sql);
  }
  g_assert_true (qualify_outbox_retry_now (store, failed_id, &error));
  got = qualify_outbox_get (store, failed_id, &error);
  g_assert_cmpint (got->next_at, ==, 0);
  g_clear_pointer (&got, qualify_delivery_free);

  /* a row left "sending" by a dead process goes back to pending, keeping
   * its attempts (and so its webhook-id: it is the row id) */
  g_assert_true (qualify_outbox_recover (store, &error));
  g_assert_no_error (error);
  got = qualify_outbox_get (store, sending_id, &error);
  g_assert_cmpint (got->state, ==, QUALIFY_DELIVERY_PENDING);
  g_assert_cmpint (got->attempts, ==, 1);
  g_clear_pointer (&got, qualify_delivery_free);
  g_assert_true (qualify_outbox_count (store, 0, counts, &error));
  g_assert_cmpuint (counts[QUALIFY_DELIVERY_SENDING], ==, 0);
}

static void
test_outbox_message_id (void)
{
  g_autofree char *a = qualify_delivery_dup_message_id ("1b4e28ba-2fa1-11d2-883f-0016d3cca427", 42);
  g_autofree char *b = qualify_delivery_dup_message_id ("1b4e28ba-2fa1-11d2-883f-0016d3cca427", 42);
  g_autofree char *c = qualify_delivery_dup_message_id ("1b4e28ba-2fa1-11d2-883f-0016d3cca427", 43);
  QualifyDeliveryState state;

  g_assert_cmpstr (a, ==, "msg_1b4e28ba-2fa1-11d2-883f-0016d3cca427_42");
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);

  for (guint s = 0; s < QUALIFY_N_DELIVERY_STATES; s++)
    {
      g_assert_true (qualify_delivery_state_from_string (qualify_delivery_state_to_string (s), &state));
      g_assert_cmpint (state, ==, s);
    }
  g_assert_false (qualify_delivery_state_from_string ("lost", &state));
}

/* A new endpoint is offered the leads currently MQL/SQL, once. */
static void
test_outbox_backlog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qt_temp_workspace ("qualify-outbox-XXXXXX", NULL, NULL, NULL);
  g_autoptr(QualifyEndpoint) late = NULL;
  guint64 backlog = 0, queued = 0;
  gint64 current;

  populate (store, 300);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, 0);
  late = add_endpoint (store, "late", "mql,sql", TRUE);
  current = qt_store_query_int (store, "SELECT count(*) FROM results WHERE status IN ('mql', 'sql')");
  g_assert_cmpint (current, >, 0);

  g_assert_true (qualify_outbox_count_backlog (store, late->id, &backlog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backlog, ==, (guint64) current);
  g_assert_true (qualify_outbox_enqueue_backlog (store, late->id, &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (queued, ==, backlog);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox o JOIN results r ON r.lead_id = o.lead_id"
                                     " WHERE o.to_status = r.status AND o.state = 'pending'"), ==, current);

  /* asked again: nothing new */
  g_assert_true (qualify_outbox_count_backlog (store, late->id, &backlog, &error));
  g_assert_cmpuint (backlog, ==, 0);
  g_assert_true (qualify_outbox_enqueue_backlog (store, late->id, &queued, &error));
  g_assert_cmpuint (queued, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/outbox/migrate-v1", test_outbox_migrate_v1);
  g_test_add_func ("/outbox/enqueue-transitions", test_outbox_enqueue_transitions);
  g_test_add_func ("/outbox/same-transaction", test_outbox_same_transaction);
  g_test_add_func ("/outbox/enqueue-cost", test_outbox_enqueue_cost);
  g_test_add_func ("/outbox/queue-api", test_outbox_queue_api);
  g_test_add_func ("/outbox/message-id", test_outbox_message_id);
  g_test_add_func ("/outbox/backlog", test_outbox_backlog);

  return g_test_run ();
}
