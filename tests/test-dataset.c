/* test-dataset.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qualify-dataset-private.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

#define AS_OF 1780000000

/* Every field a rule of MODEL reads, as dataset columns. */
static const char * const fields[] = { "industry", "employees", "title", "Persona", "email.domain" };

#define MODEL \
  "{\"format\":1,\"name\":\"cache\"," \
  "\"fit\":[{\"id\":\"ind\",\"field\":\"industry\",\"op\":\"in\",\"value\":[\"software\"],\"points\":20}," \
  "{\"id\":\"emp\",\"field\":\"employees\",\"op\":\"gte\",\"value\":100,\"points\":15}," \
  "{\"id\":\"vp\",\"field\":\"title\",\"op\":\"contains\",\"value\":[\"vp\"],\"points\":20}," \
  "{\"id\":\"persona\",\"field\":\"Persona\",\"op\":\"equals\",\"value\":\"buyer\",\"points\":10}]," \
  "\"engagement\":[{\"id\":\"pricing\",\"event\":\"page_view\",\"match\":\"/pricing*\",\"points\":10," \
  "\"half_life_days\":14,\"cap\":30},{\"id\":\"dl\",\"event\":\"content_download\",\"points\":8}]," \
  "\"disqualify\":[{\"id\":\"rival\",\"field\":\"email\",\"op\":\"domain_in\",\"value\":[\"rival.example\"]}]," \
  "\"sales_ready\":[\"demo_request\"]," \
  "\"thresholds\":{\"mql\":40,\"min_fit\":10,\"min_engagement\":5}," \
  "\"grades\":{\"A\":60,\"B\":40,\"C\":20,\"D\":0}}"

/* 300 leads (some without events, some ids skipped), ~2000 events. */
static QualifyStore *
new_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-dataset-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  QualifyStore *store;

  g_assert_no_error (error);
  store = qualify_store_open (path, &error);
  g_assert_no_error (error);

  qt_store_exec (store,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
        " INSERT INTO leads (id, email, industry, employees, title, custom)"
        " SELECT i * 2 + (i > 150) * 7,"
        "  'p' || i || '@' || CASE i % 7 WHEN 0 THEN 'rival.example' WHEN 1 THEN 'mail.rival.example'"
        "   ELSE 'corp' || (i % 13) || '.example' END,"
        "  CASE i % 4 WHEN 0 THEN 'Software' WHEN 1 THEN ' software ' WHEN 2 THEN 'Retail' ELSE NULL END,"
        "  CASE i % 5 WHEN 0 THEN NULL ELSE (i * 37) % 1000 + 0.5 * (i % 2) END,"
        "  CASE i % 3 WHEN 0 THEN 'VP Sales' WHEN 1 THEN 'Engineer' ELSE '' END,"
        "  CASE i % 3 WHEN 0 THEN json_object('Persona', 'Buyer') WHEN 1 THEN json_object('Persona', 42)"
        "   ELSE NULL END"
        " FROM n");
  qt_store_exec (store,
        "INSERT INTO event_types (name) VALUES ('page_view'), ('content_download'), ('demo_request');"
        "INSERT INTO event_details (value) VALUES ('/pricing'), ('/Pricing/Enterprise'), ('/blog/x');");
  qt_store_exec (store,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
        " INSERT INTO events (lead_id, type_id, detail_id, occurred_at)"
        " SELECT (1 + (i * 7919) % 250) * 2 + ((1 + (i * 7919) % 250) > 150) * 7,"
        "  1 + (i % 11 = 0) + (i % 97 = 0),"
        "  CASE i % 4 WHEN 3 THEN NULL ELSE 1 + i % 3 END,"
        "  1780000000 - (i * 104729) % (90 * 86400) + (i % 50 = 0) * 86400 * 10"
        " FROM n");
  g_assert_cmpint (qualify_store_save_model (store, "cache", MODEL, NULL, TRUE, &error), >, 0);
  g_assert_no_error (error);

  return store;
}

static void
score (QualifyStore *store)
{
  g_autoptr(GError) error = NULL;
  QualifyScoreSummary summary;

  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
}

static QualifyDataset *
load (QualifyStore *store)
{
  g_autoptr(GError) error = NULL;
  QualifyDataset *dataset = qualify_dataset_load (store, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dataset);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_assert_nonnull (_qualify_dataset_get_column (dataset, fields[i], &error));
      g_assert_no_error (error);
    }
  return dataset;
}

/* The dataset read from the tables, ignoring (and keeping) the cache. */
static QualifyDataset *
load_from_tables (QualifyStore *store)
{
  QualifyDataset *dataset;

  qt_store_exec (store, "BEGIN; DELETE FROM dataset_cache");
  dataset = load (store);
  qt_store_exec (store, "ROLLBACK");
  g_assert_false (_qualify_dataset_is_cached (dataset));
  return dataset;
}

static void
assert_same_strings (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
assert_same (QualifyDataset *a,
             QualifyDataset *b)
{
  const QualifyEventIndex *ea = _qualify_dataset_get_events (a);
  const QualifyEventIndex *eb = _qualify_dataset_get_events (b);
  guint n = qualify_dataset_get_n_leads (a);

  g_assert_cmpuint (n, ==, qualify_dataset_get_n_leads (b));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (qualify_dataset_get_lead_id (a, i), ==, qualify_dataset_get_lead_id (b, i));
      g_assert_cmpuint (qualify_dataset_find_lead (a, qualify_dataset_get_lead_id (a, i)), ==, i);
    }

  g_assert_cmpuint (ea->n, ==, eb->n);
  g_assert_cmpmem (ea->offsets, (n + 1) * sizeof (guint64), eb->offsets, (n + 1) * sizeof (guint64));
  g_assert_cmpmem (ea->type_ids, ea->n * 4, eb->type_ids, eb->n * 4);
  g_assert_cmpmem (ea->detail_ids, ea->n * 4, eb->detail_ids, eb->n * 4);
  g_assert_cmpmem (ea->times, ea->n * 8, eb->times, eb->n * 8);
  assert_same_strings (ea->types, eb->types);
  assert_same_strings (ea->details, eb->details);
  assert_same_strings (ea->details_normal, eb->details_normal);

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      const QualifyColumn *ca = _qualify_dataset_get_column (a, fields[f], NULL);
      const QualifyColumn *cb = _qualify_dataset_get_column (b, fields[f], NULL);

      /* ids are per column and in the order values were met: compare the values */
      g_assert_cmpstr (ca->name, ==, cb->name);
      g_assert_cmpuint (ca->raw->len, ==, cb->raw->len);
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpuint (ca->ids[i] == 0, ==, cb->ids[i] == 0);
          g_assert_cmpstr (g_ptr_array_index (ca->raw, ca->ids[i]), ==, g_ptr_array_index (cb->raw, cb->ids[i]));
          g_assert_cmpstr (g_ptr_array_index (ca->normal, ca->ids[i]), ==,
                           g_ptr_array_index (cb->normal, cb->ids[i]));
        }
    }
}

/* A rescore saves the dataset; the next load reads it back, identical. */
static void
test_dataset_cache_roundtrip (void)
{
  g_autoptr(QualifyStore) store = new_workspace ();
  g_autoptr(QualifyDataset) cached = NULL;
  g_autoptr(QualifyDataset) tables = NULL;
  g_autofree char *results = NULL;

  {
    g_autoptr(QualifyDataset) before = load (store);

    /* only a rescore (a write transaction) writes the cache */
    g_assert_false (_qualify_dataset_is_cached (before));
    g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM dataset_cache"), ==, 0);
  }

  score (store);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM dataset_cache"), ==, 1 + G_N_ELEMENTS (fields));

  cached = load (store);
  g_assert_true (_qualify_dataset_is_cached (cached));
  g_assert_cmpuint (qualify_dataset_get_n_leads (cached), ==, 300);
  g_assert_cmpuint (qualify_dataset_get_n_events (cached), ==, 2000);
  tables = load_from_tables (store);
  assert_same (cached, tables);

  /* scoring from the cache gives the very same results */
  {
    g_autoptr(GError) error = NULL;
    QualifyScoreSummary summary;

    g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.changed, ==, 0);
    g_assert_cmpuint (summary.transitions, ==, 0);
  }
}

/* Every kind of change to leads or events makes the cache stale: the next
 * load reads the tables, and the next rescore saves a new cache. */
static void
test_dataset_cache_stale (void)
{
  static const char * const changes[] = {
    "INSERT INTO leads (email, industry) VALUES ('new@corp1.example', 'Software')",
    "INSERT INTO events (lead_id, type_id, detail_id, occurred_at) VALUES (4, 2, NULL, 1779990000)",
    "UPDATE leads SET industry = 'Retail' WHERE id = 4",
    "UPDATE leads SET custom = json_object('Persona', 'buyer') WHERE id = 6",
    "UPDATE events SET occurred_at = occurred_at - 86400 WHERE id = 10",
    "UPDATE events SET detail_id = 1 WHERE id = 11",
    "DELETE FROM events WHERE id = 12",
    "DELETE FROM leads WHERE id = 8",
    "INSERT INTO event_details (value) VALUES ('/pricing/new')",
    "UPDATE event_details SET value = '/blog/y' WHERE id = 3",
    "INSERT INTO event_types (name) VALUES ('webinar_attended')",
    "INSERT INTO import_runs (kind, started_at, finished_at) VALUES ('leads', 1, 2)",
    "UPDATE import_runs SET finished_at = 3 WHERE id = (SELECT max(id) FROM import_runs)",
    "CREATE INDEX leads_industry ON leads(industry)",
  };
  g_autoptr(QualifyStore) store = new_workspace ();

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(QualifyDataset) stale = NULL;
      g_autoptr(QualifyDataset) tables = NULL;
      g_autoptr(QualifyDataset) fresh = NULL;

      g_test_message ("%s", changes[i]);
      score (store);
      qt_store_exec (store, changes[i]);

      stale = load (store);
      g_assert_false (_qualify_dataset_is_cached (stale));
      tables = load_from_tables (store);
      assert_same (stale, tables);

      score (store);
      fresh = load (store);
      g_assert_true (_qualify_dataset_is_cached (fresh));
      assert_same (fresh, tables);
    }
}

static void
rewrite_blob (QualifyStore *store,
              const char   *name,
              gsize         keep,
              gssize        flip)
{
  g_autoptr(sqlite3_stmt) read = _qualify_store_prepare (store, "SELECT data FROM dataset_cache WHERE name = ?", NULL);
  g_autoptr(sqlite3_stmt) write = _qualify_store_prepare (store, "UPDATE dataset_cache SET data = ? WHERE name = ?", NULL);
  g_autofree guint8 *data = NULL;
  gsize len;

  sqlite3_bind_text (read, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (read), ==, SQLITE_ROW);
  len = sqlite3_column_bytes (read, 0);
  data = g_memdup2 (sqlite3_column_blob (read, 0), len);
  if (flip >= 0)
    data[MIN ((gsize) flip, len - 1)] ^= 0x40;
  sqlite3_bind_blob64 (write, 1, data, MIN (keep, len), SQLITE_STATIC);
  sqlite3_bind_text (write, 2, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (write), ==, SQLITE_DONE);
}

/* A damaged entry is detected, never used, and rebuilt by the next rescore. */
static void
test_dataset_cache_damaged (void)
{
  static const struct { const char *name; gsize keep; gssize flip; } damages[] = {
    { "events", G_MAXSIZE, 24 + 40 },        /* a byte of the payload */
    { "events", G_MAXSIZE, 2 },              /* the magic */
    { "events", G_MAXSIZE, 20000 },          /* somewhere in the arrays */
    { "events", 1000, -1 },                  /* truncated */
    { "events", 10, -1 },                    /* shorter than its header */
    { "column:industry", G_MAXSIZE, 40 },
    { "column:email.domain", G_MAXSIZE, 1000 },
    { "column:Persona", 30, -1 },
  };
  g_autoptr(QualifyStore) store = new_workspace ();

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      g_autoptr(QualifyDataset) damaged = NULL;
      g_autoptr(QualifyDataset) tables = NULL;

      score (store);
      rewrite_blob (store, damages[i].name, damages[i].keep, damages[i].flip);

      g_test_expect_message ("qualify-dataset", G_LOG_LEVEL_WARNING, "*damaged*");
      damaged = load (store);
      g_test_assert_expected_messages ();
      g_assert_true (_qualify_dataset_is_cached (damaged) == !g_str_equal (damages[i].name, "events"));
      tables = load_from_tables (store);
      assert_same (damaged, tables);
      qt_store_exec (store, "DELETE FROM dataset_cache");
    }

  /* rebuilt */
  {
    g_autoptr(QualifyDataset) fresh = NULL;
    g_autoptr(QualifyDataset) tables = NULL;

    score (store);
    fresh = load (store);
    g_assert_true (_qualify_dataset_is_cached (fresh));
    tables = load_from_tables (store);
    assert_same (fresh, tables);
  }
}

/* A blob whose checksum is right but whose ids are out of bounds is refused. */
/* Encodes @events (lead ids @ids) and decodes the blob against @dict's
 * dictionaries: whether it was accepted. */
static gboolean
events_decode (const gint64            *ids,
               guint                    n,
               const QualifyEventIndex *events,
               const QualifyEventIndex *dict)
{
  g_autoptr(GBytes) blob = _qualify_dataset_cache_encode_events (ids, n, events);
  QualifyEventIndex out = { 0, };
  g_autofree gint64 *out_ids = NULL;
  guint out_n = 0;
  gsize len;
  const guint8 *data = g_bytes_get_data (blob, &len);
  gboolean ok = _qualify_dataset_cache_decode_events (data, len, dict->types->len, dict->details->len,
                                                      &out_ids, &out_n, &out);

  g_free (out.offsets);
  g_free (out.type_ids);
  g_free (out.detail_ids);
  g_free (out.times);
  return ok;
}

static void
test_dataset_cache_bounds (void)
{
  g_autoptr(QualifyStore) store = new_workspace ();
  g_autoptr(QualifyDataset) dataset = load (store);
  const QualifyEventIndex *ev = _qualify_dataset_get_events (dataset);
  guint n = qualify_dataset_get_n_leads (dataset);
  g_autofree gint64 *ids = g_new (gint64, n);
  QualifyEventIndex copy = *ev;
  g_autofree guint32 *types = g_memdup2 (ev->type_ids, ev->n * 4);
  g_autofree guint32 *details = g_memdup2 (ev->detail_ids, ev->n * 4);

  for (guint i = 0; i < n; i++)
    ids[i] = qualify_dataset_get_lead_id (dataset, i);

  /* well-formed: decodes to the same arrays */
  {
    g_autoptr(GBytes) blob = _qualify_dataset_cache_encode_events (ids, n, ev);
    QualifyEventIndex out = { 0, };
    g_autofree gint64 *out_ids = NULL;
    guint out_n = 0;
    gsize len;
    const guint8 *data = g_bytes_get_data (blob, &len);

    g_assert_true (_qualify_dataset_cache_decode_events (data, len, ev->types->len, ev->details->len,
                                                          &out_ids, &out_n, &out));
    g_assert_cmpuint (out_n, ==, n);
    g_assert_cmpmem (out_ids, n * 8, ids, n * 8);
    g_assert_cmpmem (out.times, out.n * 8, ev->times, ev->n * 8);
    /* …but not against other dictionaries */
    g_assert_false (_qualify_dataset_cache_decode_events (data, len, ev->types->len + 1, ev->details->len,
                                                           &out_ids, &out_n, &out));
    g_free (out.offsets);
    g_free (out.type_ids);
    g_free (out.detail_ids);
    g_free (out.times);
  }

  copy.type_ids = types;
  copy.detail_ids = details;
  types[5] = ev->types->len;
  g_assert_false (events_decode (ids, n, &copy, ev));
  types[5] = ev->type_ids[5];
  details[7] = ev->details->len + 3;
  g_assert_false (events_decode (ids, n, &copy, ev));
  details[7] = ev->detail_ids[7];

  /* a column with an id past its values */
  {
    const QualifyColumn *column = _qualify_dataset_get_column (dataset, "industry", NULL);
    QualifyColumn bad = *column;
    g_autofree guint32 *bad_ids = g_memdup2 (column->ids, n * 4);
    g_autoptr(GBytes) blob = NULL;
    QualifyColumn *out;
    gsize len;
    const guint8 *data;

    bad_ids[n - 1] = column->raw->len;
    bad.ids = bad_ids;
    blob = _qualify_dataset_cache_encode_column (&bad, n);
    data = g_bytes_get_data (blob, &len);
    g_assert_null (_qualify_dataset_cache_decode_column (data, len, "industry", n));
    g_assert_null (_qualify_dataset_cache_decode_column (data, len, "industry", n + 1));

    g_clear_pointer (&blob, g_bytes_unref);
    blob = _qualify_dataset_cache_encode_column (column, n);
    data = g_bytes_get_data (blob, &len);
    out = _qualify_dataset_cache_decode_column (data, len, "industry", n);
    g_assert_nonnull (out);
    g_assert_cmpmem (out->ids, n * 4, column->ids, n * 4);
    assert_same_strings (out->raw, column->raw);
    assert_same_strings (out->normal, column->normal);
    g_free (out->name);
    g_free (out->ids);
    g_ptr_array_unref (out->raw);
    g_ptr_array_unref (out->normal);
    g_free (out->strings);
    g_free (out);
  }
}

/* An empty workspace round-trips too. */
static void
test_dataset_cache_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-dataset-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);
  g_autoptr(QualifyDataset) dataset = NULL;

  g_assert_no_error (error);
  score (store);
  dataset = qualify_dataset_load (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (_qualify_dataset_is_cached (dataset));
  g_assert_cmpuint (qualify_dataset_get_n_leads (dataset), ==, 0);
  g_assert_cmpuint (qualify_dataset_get_n_events (dataset), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/dataset/cache/roundtrip", test_dataset_cache_roundtrip);
  g_test_add_func ("/dataset/cache/stale", test_dataset_cache_stale);
  g_test_add_func ("/dataset/cache/damaged", test_dataset_cache_damaged);
  g_test_add_func ("/dataset/cache/bounds", test_dataset_cache_bounds);
  g_test_add_func ("/dataset/cache/empty", test_dataset_cache_empty);

  return g_test_run ();
}
