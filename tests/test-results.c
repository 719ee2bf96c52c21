/* test-results.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "qualify-results-private.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

#define DAY   86400
#define AS_OF 1780000000 /* 2026-05-28T20:26:40Z */
#define BLOCK QUALIFY_RESULTS_BLOCK

/* The block format qualify-results.c documents: a 24-byte header (magic,
 * n, first lead id, checksum at offset 16), then one section per column, in
 * this order, each a mode byte, 3 bytes of padding, a u32 k and k words
 * (then n u8 or u16 indexes for the dictionaries). */
#define HEADER_SIZE     24
#define CHECKSUM_OFFSET 16

enum { MODE_CONST, MODE_DICT8, MODE_DICT16, MODE_RAW };

enum
{
  COL_LEAD,
  COL_FIT,
  COL_ENGAGEMENT,
  COL_GRADE,
  COL_STATUS,
  COL_MQL_AT,
  COL_SQL_AT,
  COL_SCORED_AT,
  COL_MODEL_VERSION,
  N_COLS
};

typedef struct
{
  gsize    offset;   /* of the section's mode byte */
  guint8   mode;
  guint32  k;
} Section;

static const char * const results_columns =
  "lead_id, fit, engagement, score, grade, status, mql_at, sql_at, scored_at, model_version";

/* Helpers: blocks */

/* @n results with ids from @first_id up, every column the same. */
static QualifyResult *
make_rows (guint  n,
           gint64 first_id)
{
  QualifyResult *rows = g_new0 (QualifyResult, n);

  for (guint i = 0; i < n; i++)
    {
      rows[i].lead_id = first_id + i;
      rows[i].fit = 12.5;
      rows[i].engagement = 0;
      rows[i].status = QUALIFY_STATUS_LEAD;
      rows[i].scored_at = AS_OF;
      rows[i].model_version = 3;
      g_strlcpy (rows[i].grade, "B", sizeof rows[i].grade);
    }
  return rows;
}

static void
assert_rows_equal (const QualifyResult *a,
                   const QualifyResult *b,
                   guint                n)
{
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (a[i].lead_id, ==, b[i].lead_id);
      g_assert_cmpmem (&a[i].fit, 8, &b[i].fit, 8);
      g_assert_cmpmem (&a[i].engagement, 8, &b[i].engagement, 8);
      g_assert_cmpmem (a[i].grade, sizeof a[i].grade, b[i].grade, sizeof b[i].grade);
      g_assert_cmpint (a[i].status, ==, b[i].status);
      g_assert_cmpint (a[i].mql_at, ==, b[i].mql_at);
      g_assert_cmpint (a[i].sql_at, ==, b[i].sql_at);
      g_assert_cmpint (a[i].scored_at, ==, b[i].scored_at);
      g_assert_cmpint (a[i].model_version, ==, b[i].model_version);
    }
}

/* Walks the sections of @block; fails unless they end exactly at its end. */
static void
parse_sections (GBytes  *block,
                Section  sections[N_COLS])
{
  gsize len;
  const guint8 *data = g_bytes_get_data (block, &len);
  guint32 n;
  gsize p = HEADER_SIZE;

  memcpy (&n, data + 4, 4);
  for (int col = 0; col < N_COLS; col++)
    {
      g_assert_cmpuint (p + 8, <=, len);
      sections[col].offset = p;
      sections[col].mode = data[p];
      memcpy (&sections[col].k, data + p + 4, 4);
      p += 8 + 8 * (gsize) sections[col].k;
      if (sections[col].mode == MODE_DICT8)
        p += n;
      else if (sections[col].mode == MODE_DICT16)
        p += 2 * (gsize) n;
    }
  g_assert_cmpuint (p, ==, len);
}

/* Encodes @rows, checks the bytes do not depend on the run, that they decode
 * to exactly @rows and encode again to the same bytes; returns the block. */
static GBytes *
roundtrip (const QualifyResult *rows,
           guint                n)
{
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) reencoded = NULL;
  g_autofree QualifyResult *decoded = NULL;
  GBytes *block = _qualify_results_encode (rows, n);
  const guint8 *data;
  guint n_decoded = 0;
  gsize len;

  g_assert_nonnull (block);
  again = _qualify_results_encode (rows, n);
  g_assert_true (g_bytes_equal (block, again));

  data = g_bytes_get_data (block, &len);
  g_assert_true (_qualify_results_decode (data, len, &decoded, &n_decoded));
  g_assert_cmpuint (n_decoded, ==, n);
  assert_rows_equal (rows, decoded, n);

  reencoded = _qualify_results_encode (decoded, n_decoded);
  g_assert_true (g_bytes_equal (block, reencoded));
  return block;
}

/* Whether @data decodes after byte @pos is xored with @mask. */
static gboolean
decodes_with_flip (const guint8 *data,
                   gsize         len,
                   gsize         pos,
                   guint8        mask)
{
  g_autofree guint8 *copy = g_memdup2 (data, len);
  g_autofree QualifyResult *rows = NULL;
  guint n = 0;
  gboolean ok;

  copy[pos] ^= mask;
  ok = _qualify_results_decode (copy, len, &rows, &n);
  g_assert_true (ok || (rows == NULL && n == 0));
  return ok;
}

/* Appends to @undetected the positions in @block (every byte of the first
 * 64, then every @step-th) where a byte changed in any of three ways still
 * decodes. */
static void
find_undetected_flips (GBytes     *block,
                       const char *name,
                       gsize       step,
                       GString    *undetected)
{
  static const guint8 masks[] = { 0x01, 0x80, 0xff };
  gsize len;
  const guint8 *data = g_bytes_get_data (block, &len);

  for (gsize pos = 0; pos < len; pos += pos < 64 ? 1 : step)
    for (guint m = 0; m < G_N_ELEMENTS (masks); m++)
      if (decodes_with_flip (data, len, pos, masks[m]))
        {
          g_string_append_printf (undetected, " %s:%" G_GSIZE_FORMAT, name, pos);
          break;
        }
}

/* Writes @word at @offset of a copy of @block, signs the copy again (so only
 * the decoder's own checks can refuse it) and says whether it decodes. */
static gboolean
decodes_with_word (GBytes  *block,
                   gsize    offset,
                   gsize    size,
                   guint64  word,
                   double  *first_fit)
{
  gsize len;
  g_autofree guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (block), &len);
  g_autofree QualifyResult *rows = NULL;
  guint64 sum;
  guint n = 0;

  g_assert_cmpuint (offset + size, <=, len);
  memcpy (copy + offset, &word, size);
  sum = _qualify_results_block_checksum (copy, len);
  memcpy (copy + CHECKSUM_OFFSET, &sum, 8);
  if (!_qualify_results_decode (copy, len, &rows, &n))
    return FALSE;
  if (first_fit != NULL)
    *first_fit = rows[0].fit;
  return TRUE;
}

/* Helpers: workspaces */

/* The lead id of the @k-th lead (from 0) of scored_workspace(): gaps of 2, 3
 * and 4. */
static gint64
lead_id_at (guint k)
{
  return 3 * (gint64) (k + 1) + ((k + 1) % 5 == 0);
}

/* A workspace with @n leads (ids lead_id_at()), a model with fit, negative
 * fit, decaying engagement, a disqualifier and a sales-ready event, scored as
 * of AS_OF. */
static QualifyStore *
scored_workspace (guint   n,
                  char  **out_path)
{
  g_autoptr(GError) error = NULL;
  QualifyStore *store = qt_temp_workspace ("qualify-results-XXXXXX", NULL, NULL, out_path);
  g_autofree char *sql = NULL;
  QualifyScoreSummary summary;

  qualify_store_save_model (store, "test",
                            "{\"format\":1,\"name\":\"test\","
                            "\"fit\":[{\"id\":\"emp\",\"field\":\"employees\",\"op\":\"gte\","
                            "\"value\":100,\"points\":40},"
                            "{\"id\":\"sw\",\"field\":\"industry\",\"op\":\"equals\","
                            "\"value\":\"software\",\"points\":25},"
                            "{\"id\":\"student\",\"field\":\"title\",\"op\":\"contains\","
                            "\"value\":\"student\",\"points\":-70}],"
                            "\"engagement\":[{\"id\":\"pricing\",\"event\":\"page_view\","
                            "\"match\":\"/pricing*\",\"points\":10,\"half_life_days\":14,"
                            "\"cap\":30}],"
                            "\"disqualify\":[{\"id\":\"nowhere\",\"field\":\"country\","
                            "\"op\":\"equals\",\"value\":\"nowhere\"}],"
                            "\"sales_ready\":[\"demo_request\"],"
                            "\"thresholds\":{\"mql\":60,\"min_fit\":25,\"min_engagement\":10},"
                            "\"grades\":{\"A\":60,\"B\":40,\"C\":20,\"D\":0}}",
                            NULL, TRUE, &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                         " WHERE i < %u)"
                         " INSERT INTO leads (id, email, employees, industry, title, country)"
                         " SELECT 3 * i + (i %% 5 = 0), 'p' || i || '@x.example', (i * 37) %% 1000,"
                         " CASE WHEN i %% 3 = 0 THEN 'Software' END,"
                         " CASE WHEN i %% 11 = 0 THEN 'Student' END,"
                         " CASE WHEN i %% 97 = 0 THEN 'Nowhere' END FROM n;"
                         "INSERT INTO event_types (name) VALUES ('page_view'), ('demo_request');"
                         "INSERT INTO event_details (value) VALUES ('/pricing');"
                         "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
                         " WHERE i < %u)"
                         " INSERT INTO events (lead_id, type_id, detail_id, occurred_at)"
                         " SELECT 3 * (i %% %u + 1) + ((i %% %u + 1) %% 5 = 0), 1, 1,"
                         " %d - (i * 104729) %% (40 * 86400) FROM n WHERE (i %% %u + 1) %% 4 != 0;"
                         "INSERT INTO events (lead_id, type_id, occurred_at)"
                         " SELECT id, 2, %d FROM leads WHERE id %% 101 = 0;",
                         n, 3 * n, n, n, AS_OF, n, AS_OF - DAY);
  qt_store_exec (store, sql);

  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.leads, ==, n);
  g_assert_cmpuint (summary.changed, ==, n);
  return store;
}

/* The rows @sql gives, one line each: every value with its type, REALs with
 * 17 significant digits, NULL visible. */
static char *
dump_rows (sqlite3    *db,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GString *out = g_string_new (NULL);
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          if (c > 0)
            g_string_append_c (out, '|');
          switch (sqlite3_column_type (stmt, c))
            {
            case SQLITE_INTEGER:
              g_string_append_printf (out, "i:%lld", (long long) sqlite3_column_int64 (stmt, c));
              break;
            case SQLITE_FLOAT:
              g_string_append_printf (out, "r:%.17g", sqlite3_column_double (stmt, c));
              break;
            case SQLITE_TEXT:
              g_string_append_printf (out, "t:%s", (const char *) sqlite3_column_text (stmt, c));
              break;
            case SQLITE_NULL:
              g_string_append (out, "NULL");
              break;
            default:
              g_string_append (out, "BLOB");
              break;
            }
        }
      g_string_append_c (out, '\n');
    }
  if (rc != SQLITE_DONE)
    g_test_message ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  return g_string_free (out, FALSE);
}

/* Every result in lead order, through the virtual table. */
static char *
dump_results (sqlite3    *db,
              const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM results %s ORDER BY lead_id",
                                          results_columns, where ? where : "");

  return dump_rows (db, sql);
}

static char *
dump_blocks (QualifyStore *store)
{
  return qt_store_query_text (store, "SELECT coalesce(group_concat(first_lead_id || ':'"
                                     " || last_lead_id || ':' || n || ':' || hex(data), ','), '')"
                                     " FROM (SELECT * FROM result_blocks ORDER BY first_lead_id)");
}

/* Counts in temp.block_writes every row the connection writes to
 * result_blocks from now on. */
static void
count_block_writes (QualifyStore *store)
{
  qt_store_exec (store,
                 "CREATE TEMP TABLE block_writes (n INTEGER);"
                 "INSERT INTO block_writes VALUES (0);"
                 "CREATE TEMP TRIGGER block_inserted AFTER INSERT ON main.result_blocks"
                 " BEGIN UPDATE block_writes SET n = n + 1; END;"
                 "CREATE TEMP TRIGGER block_updated AFTER UPDATE ON main.result_blocks"
                 " BEGIN UPDATE block_writes SET n = n + 1; END;"
                 "CREATE TEMP TRIGGER block_deleted AFTER DELETE ON main.result_blocks"
                 " BEGIN UPDATE block_writes SET n = n + 1; END;");
}

/* Runs @sql to its end; returns its result code and the message in @message. */
static int
run_sql (sqlite3     *db,
         const char  *sql,
         char       **message,
         guint       *n_rows)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint rows = 0;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)) == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      rows++;
  if (message != NULL)
    *message = g_strdup (sqlite3_errmsg (db));
  if (n_rows != NULL)
    *n_rows = rows;
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The stored block that starts at @first_lead_id. */
static GBytes *
read_block (QualifyStore *store,
            gint64        first_lead_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, "SELECT data FROM result_blocks"
                                                                " WHERE first_lead_id = ?", &error);

  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, first_lead_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
}

static void
write_block (QualifyStore *store,
             gint64        first_lead_id,
             const guint8 *data,
             gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, "UPDATE result_blocks SET data = ?"
                                                                " WHERE first_lead_id = ?", &error);

  g_assert_no_error (error);
  sqlite3_bind_blob64 (stmt, 1, data, len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, first_lead_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (_qualify_store_get_db (store)), ==, 1);
}

/* The codec */

/* Every mode, unusual doubles, ids with gaps up to G_MAXINT64, grades of 1 to
 * 7 bytes, every status, zero and non-zero times: decoded bit for bit, and
 * the same rows always give the same bytes. */
static void
test_results_codec_roundtrip (void)
{
  static const double specials[] = { -0.0, 0.0, -1.5, -1e300, 1e300, 5e-324, -5e-324,
                                     2.2250738585072014e-308, INFINITY, -INFINITY };
  static const char * const grades[] = { "A", "B+", "C--", "DDDD", "EEEEE", "FFFFFF", "GGGGGGG" };
  static const guint64 steps[] = { 1, 2, 3, 7, 1000, G_GUINT64_CONSTANT (1) << 40 };
  g_autofree QualifyResult *rows = NULL;
  g_autofree QualifyResult *big = NULL;
  Section sections[N_COLS];
  GBytes *block;
  double nan_value = NAN;
  gsize size;

  /* all columns constant: a few bytes whatever the number of rows */
  rows = make_rows (BLOCK, 1);
  block = roundtrip (rows, BLOCK);
  parse_sections (block, sections);
  for (int col = 0; col < N_COLS; col++)
    g_assert_cmpint (sections[col].mode, ==, MODE_CONST);
  g_assert_cmpuint (g_bytes_get_size (block), ==, HEADER_SIZE + N_COLS * 16);
  g_bytes_unref (block);

  /* … but the engagement, all distinct: RAW, 8 bytes a row */
  for (guint i = 0; i < BLOCK; i++)
    rows[i].engagement = 0.001 * i - 1;
  block = roundtrip (rows, BLOCK);
  parse_sections (block, sections);
  g_assert_cmpint (sections[COL_ENGAGEMENT].mode, ==, MODE_RAW);
  size = g_bytes_get_size (block);
  g_assert_cmpuint (size, >=, 8 * BLOCK);
  g_assert_cmpuint (size, <, 9 * BLOCK + 256);
  g_bytes_unref (block);

  /* every mode in one block, at the edges of the dictionaries */
  for (guint i = 0; i < BLOCK; i++)
    {
      QualifyResult *r = &rows[i];

      memset (r, 0, sizeof *r);
      r->lead_id = i == 0 ? 5 : rows[i - 1].lead_id + (gint64) steps[(i * 7) % 5];
      /* 256 distinct words, -0.0 and 0.0 among them: DICT8 */
      r->fit = i % 256 < G_N_ELEMENTS (specials) ? specials[i % 256] : (double) (i % 256) - 100.25;
      if (i % 256 == 200)
        memcpy (&r->fit, &nan_value, 8);
      /* 1000 distinct: DICT16 */
      r->engagement = (i % 1000) * 0.1;
      g_strlcpy (r->grade, grades[i % G_N_ELEMENTS (grades)], sizeof r->grade);
      r->status = QUALIFY_STATUS_LEAD + i % (QUALIFY_N_STATUSES - 1);
      r->mql_at = i % 2 ? AS_OF - (i % 50) * DAY : 0;
      r->sql_at = G_GINT64_CONSTANT (1000000000) + 17 * i;   /* all distinct: RAW */
      r->scored_at = AS_OF;
      r->model_version = 1 + i % 257;                       /* 257 distinct: DICT16 */
    }
  block = roundtrip (rows, BLOCK);
  parse_sections (block, sections);
  g_assert_cmpint (sections[COL_LEAD].mode, ==, MODE_DICT8);
  g_assert_cmpint (sections[COL_FIT].mode, ==, MODE_DICT8);
  g_assert_cmpuint (sections[COL_FIT].k, ==, 256);
  g_assert_cmpint (sections[COL_ENGAGEMENT].mode, ==, MODE_DICT16);
  g_assert_cmpuint (sections[COL_ENGAGEMENT].k, ==, 1000);
  g_assert_cmpint (sections[COL_GRADE].mode, ==, MODE_DICT8);
  g_assert_cmpint (sections[COL_STATUS].mode, ==, MODE_DICT8);
  g_assert_cmpint (sections[COL_MQL_AT].mode, ==, MODE_DICT8);
  g_assert_cmpint (sections[COL_SQL_AT].mode, ==, MODE_RAW);
  g_assert_cmpint (sections[COL_SCORED_AT].mode, ==, MODE_CONST);
  g_assert_cmpint (sections[COL_MODEL_VERSION].mode, ==, MODE_DICT16);
  g_assert_cmpuint (sections[COL_MODEL_VERSION].k, ==, 257);
  g_bytes_unref (block);

  /* one row, at the very end of the id range */
  rows[0].lead_id = G_MAXINT64;
  rows[0].fit = -0.0;
  rows[0].engagement = 5e-324;
  g_strlcpy (rows[0].grade, "GGGGGGG", sizeof rows[0].grade);
  rows[0].status = QUALIFY_STATUS_DISQUALIFIED;
  g_bytes_unref (roundtrip (rows, 1));

  /* the largest block: ids with gaps of up to 2^40 ending at G_MAXINT64,
   * distinct engagements, fit in 1000 values */
  big = g_new0 (QualifyResult, 65536);
  for (guint i = 0; i < 65536; i++)
    {
      QualifyResult *r = &big[i];

      r->fit = (i % 1000) == 999 ? -0.0 : (i % 1000) * -0.5;
      r->engagement = i == 0 ? 1e300 : i == 1 ? 5e-324 : 1.0 / (i + 1);
      g_strlcpy (r->grade, grades[(i / 3) % G_N_ELEMENTS (grades)], sizeof r->grade);
      r->status = QUALIFY_STATUS_DISQUALIFIED - i % (QUALIFY_N_STATUSES - 1);
      r->sql_at = i % 3 ? 0 : AS_OF + i;
      r->scored_at = AS_OF - (i % 2) * DAY;
      r->model_version = 7;
    }
  big[65535].lead_id = G_MAXINT64;
  for (guint i = 65535; i > 0; i--)
    big[i - 1].lead_id = big[i].lead_id - (gint64) steps[i % G_N_ELEMENTS (steps)];
  block = roundtrip (big, 65536);
  parse_sections (block, sections);
  g_assert_cmpint (sections[COL_LEAD].mode, ==, MODE_DICT8);
  g_assert_cmpint (sections[COL_FIT].mode, ==, MODE_DICT16);
  g_assert_cmpint (sections[COL_ENGAGEMENT].mode, ==, MODE_RAW);
  g_assert_cmpint (sections[COL_MQL_AT].mode, ==, MODE_CONST);
  g_bytes_unref (block);

  /* the same rows always give the same bytes, whatever the block before */
  block = _qualify_results_encode (rows, 1);
  {
    g_autoptr(GBytes) other = NULL;

    g_bytes_unref (_qualify_results_encode (big, 1000));
    other = _qualify_results_encode (rows, 1);
    g_assert_true (g_bytes_equal (block, other));
  }
  g_bytes_unref (block);
}

/* A block of 5 rows with CONST, DICT8 and RAW sections. */
static QualifyResult *
small_rows (void)
{
  static const gint64 ids[] = { 10, 12, 17, 26, 126 };
  static const QualifyStatus statuses[] = { QUALIFY_STATUS_LEAD, QUALIFY_STATUS_MQL,
                                            QUALIFY_STATUS_SQL, QUALIFY_STATUS_DISQUALIFIED,
                                            QUALIFY_STATUS_LEAD };
  QualifyResult *rows = make_rows (5, 0);

  for (guint i = 0; i < 5; i++)
    {
      rows[i].lead_id = ids[i];
      rows[i].engagement = i == 3 ? 3.25 : i % 2 ? 0.0 : -0.0;
      g_strlcpy (rows[i].grade, i % 3 == 1 ? "BB" : "A", sizeof rows[i].grade);
      rows[i].status = statuses[i];
      rows[i].mql_at = i % 2 ? 0 : AS_OF;
    }
  return rows;
}

/* Whatever damage a block has, it does not decode: any changed byte, a
 * length one off, or (signed again) impossible contents. */
static void
test_results_codec_damaged (void)
{
  g_autofree QualifyResult *rows = small_rows ();
  g_autofree QualifyResult *big = NULL;
  g_autoptr(GString) undetected = g_string_new (NULL);
  g_autofree QualifyResult *same = make_rows (5, 10);
  g_autoptr(GBytes) block = roundtrip (rows, 5);
  g_autoptr(GBytes) constant = roundtrip (same, 5);
  g_autoptr(GBytes) big_block = NULL;
  Section s[N_COLS];
  const guint8 *data;
  gsize len;
  double fit = 0;

  parse_sections (block, s);
  g_assert_cmpint (s[COL_LEAD].mode, ==, MODE_RAW);
  g_assert_cmpint (s[COL_FIT].mode, ==, MODE_CONST);
  g_assert_cmpint (s[COL_ENGAGEMENT].mode, ==, MODE_DICT8);
  g_assert_cmpuint (s[COL_ENGAGEMENT].k, ==, 3);
  g_assert_cmpint (s[COL_STATUS].mode, ==, MODE_RAW);

  /* every byte, flipped in three ways; also of a block whose size does not
   * depend on n (every column constant) */
  find_undetected_flips (block, "small", 1, undetected);
  find_undetected_flips (constant, "constant", 1, undetected);
  data = g_bytes_get_data (block, &len);

  /* one byte more or less, or nothing */
  {
    g_autofree guint8 *longer = g_malloc0 (len + 1);
    g_autofree QualifyResult *out = NULL;
    guint n = 0;

    memcpy (longer, data, len);
    g_assert_false (_qualify_results_decode (longer, len + 1, &out, &n));
    g_assert_false (_qualify_results_decode (data, len - 1, &out, &n));
    g_assert_false (_qualify_results_decode (data, HEADER_SIZE, &out, &n));
    g_assert_false (_qualify_results_decode (data, 0, &out, &n));
    g_assert_null (out);
    g_assert_cmpuint (n, ==, 0);
  }

  /* signed again: a changed value decodes (so the checksum is right) … */
  g_assert_true (decodes_with_word (block, s[COL_FIT].offset + 8, 8, 0x4045000000000000, &fit));
  g_assert_cmpfloat (fit, ==, 42.0);
  /* … but no unknown status */
  g_assert_false (decodes_with_word (block, s[COL_STATUS].offset + 8, 8,
                                     QUALIFY_STATUS_NONE, NULL));
  g_assert_false (decodes_with_word (block, s[COL_STATUS].offset + 8 + 2 * 8, 8,
                                     QUALIFY_N_STATUSES, NULL));
  g_assert_false (decodes_with_word (block, s[COL_STATUS].offset + 8 + 4 * 8, 8,
                                     G_MAXUINT64, NULL));
  /* no id step of 0, a first step other than 1, or ids past G_MAXINT64 */
  g_assert_true (decodes_with_word (block, s[COL_LEAD].offset + 8 + 8, 8, 1, NULL));
  g_assert_false (decodes_with_word (block, s[COL_LEAD].offset + 8 + 8, 8, 0, NULL));
  g_assert_false (decodes_with_word (block, s[COL_LEAD].offset + 8, 8, 2, NULL));
  g_assert_false (decodes_with_word (block, s[COL_LEAD].offset + 8 + 4 * 8, 8, G_MAXINT64, NULL));
  g_assert_false (decodes_with_word (block, s[COL_LEAD].offset + 8 + 4 * 8, 8,
                                     G_GUINT64_CONSTANT (1) << 63, NULL));
  /* no unknown mode, empty or oversized dictionary, index past it */
  g_assert_false (decodes_with_word (block, s[COL_FIT].offset, 1, 4, NULL));
  g_assert_false (decodes_with_word (block, s[COL_FIT].offset + 4, 4, 0, NULL));
  g_assert_false (decodes_with_word (block, s[COL_FIT].offset + 4, 4, 6, NULL));
  g_assert_false (decodes_with_word (block, s[COL_LEAD].offset + 4, 4, 4, NULL));
  g_assert_true (decodes_with_word (block, s[COL_ENGAGEMENT].offset + 8 + 3 * 8 + 4, 1, 2, NULL));
  g_assert_false (decodes_with_word (block, s[COL_ENGAGEMENT].offset + 8 + 3 * 8 + 4, 1, 3, NULL));

  /* a full block with every mode: a sample of its bytes */
  big = g_new0 (QualifyResult, BLOCK);
  for (guint i = 0; i < BLOCK; i++)
    {
      big[i] = rows[i % 5];
      big[i].lead_id = 1000 + 3 * (gint64) i + (i % 7 == 0);
      big[i].fit = i % 300;
      big[i].engagement = i * 0.25;
      big[i].scored_at = AS_OF;
    }
  big_block = roundtrip (big, BLOCK);
  parse_sections (big_block, s);
  g_assert_cmpint (s[COL_FIT].mode, ==, MODE_DICT16);
  find_undetected_flips (big_block, "big", 61, undetected);
  data = g_bytes_get_data (big_block, &len);
  g_assert_false (decodes_with_flip (data, len, len - 1, 0x01));

  g_assert_cmpstr (undetected->str, ==, "");
}

/* The virtual table */

/* Reads, lookups, joins, refused writes and deletes through the trigger on
 * leads; a rescore that changes nothing writes no block. */
static void
test_results_table (void)
{
  g_autoptr(GError) error = NULL;
  const guint n = 10000;
  g_autoptr(QualifyStore) store = scored_workspace (n, NULL);
  sqlite3 *db = _qualify_store_get_db (store);
  g_autofree char *all = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *blocks = NULL;
  g_autofree char *after = NULL;
  g_autofree char *message = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;
  QualifyScoreSummary summary;
  gint64 deleted[2] = { lead_id_at (2000), lead_id_at (BLOCK) };

  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, n);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM result_blocks"), ==,
                   (n + BLOCK - 1) / BLOCK);
  for (guint b = 0; b < 3; b++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM result_blocks"
                                              " WHERE first_lead_id = %" G_GINT64_FORMAT
                                              " AND last_lead_id = %" G_GINT64_FORMAT
                                              " AND n = %u", lead_id_at (b * BLOCK),
                                              lead_id_at (MIN (n, (b + 1) * BLOCK) - 1),
                                              MIN (n, (b + 1) * BLOCK) - b * BLOCK);
      g_assert_cmpint (qt_store_query_int (store, sql), ==, 1);
    }
  /* the data is not trivial: every status, many engagements, negative fits */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(DISTINCT status) FROM results"), ==, 4);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(DISTINCT engagement) FROM results"),
                   >, 1000);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results WHERE fit < 0"), >, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"
                                              " WHERE score IS NOT fit + engagement"), ==, 0);

  /* a lookup gives the row the scan gives, at block edges and in between */
  all = dump_results (db, NULL);
  lines = g_strsplit (all, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  for (guint k = 0; k < n; k += k % BLOCK == BLOCK - 1 || k % BLOCK == 0 ? 1 : 97)
    {
      gint64 id = lead_id_at (k);
      g_autofree char *where = g_strdup_printf ("WHERE lead_id = %" G_GINT64_FORMAT, id);
      g_autofree char *by_rowid = g_strdup_printf ("WHERE rowid = %" G_GINT64_FORMAT, id);
      g_autofree char *one = dump_results (db, where);
      g_autofree char *other = dump_results (db, by_rowid);
      g_autofree char *line = g_strconcat (lines[k], "\n", NULL);

      g_assert_true (g_str_has_prefix (line, "i:"));
      g_assert_cmpstr (one, ==, line);
      g_assert_cmpstr (other, ==, line);
    }
  {
    g_autofree char *last = g_strdup_printf ("WHERE lead_id = %" G_GINT64_FORMAT,
                                             lead_id_at (n - 1));
    g_autofree char *one = dump_results (db, last);

    g_assert_true (g_str_has_suffix (all, one));
  }
  /* ids without a result, and values that are no id */
  {
    static const char * const nothing[] = { "= 0", "= -1", "= 4", "= 5", "= 30002",
                                            "= 9223372036854775807", "= 'abc'", "= NULL",
                                            "= 6.5", "= x'06'" };

    for (guint i = 0; i < G_N_ELEMENTS (nothing); i++)
      {
        g_autofree char *where = g_strconcat ("WHERE lead_id ", nothing[i], NULL);
        g_autofree char *none = dump_results (db, where);

        g_assert_cmpstr (none, ==, "");
      }
  }
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results WHERE lead_id = '6'"),
                   ==, 1);

  /* leads joined in id order: every lead has its row */
  {
    joined = dump_rows (db, "SELECT r.lead_id, r.fit, r.engagement, r.score, r.grade, r.status,"
                            " r.mql_at, r.sql_at, r.scored_at, r.model_version"
                            " FROM leads l LEFT JOIN results r ON r.lead_id = l.id ORDER BY l.id");
    g_assert_cmpstr (joined, ==, all);
  }

  /* written by scoring only */
  g_assert_cmpint (run_sql (db, "INSERT INTO results (lead_id, fit, engagement, score, grade,"
                                " status, scored_at) VALUES (1, 1, 1, 2, 'A', 'lead', 1)",
                            &message, NULL), !=, SQLITE_OK);
  g_assert_nonnull (strstr (message, "results are written by scoring"));
  g_clear_pointer (&message, g_free);
  g_assert_cmpint (run_sql (db, "UPDATE results SET fit = 0 WHERE lead_id = 6", &message, NULL),
                   !=, SQLITE_OK);
  g_assert_nonnull (strstr (message, "results are written by scoring"));
  g_clear_pointer (&message, g_free);

  /* the same as-of again: nothing changed, no block written */
  blocks = dump_blocks (store);
  count_block_writes (store);
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.changed, ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM block_writes"), ==, 0);
  after = dump_blocks (store);
  g_assert_cmpstr (after, ==, blocks);
  g_clear_pointer (&after, g_free);
  g_clear_pointer (&all, g_free);
  all = dump_results (db, NULL);
  g_assert_cmpstr (all, ==, joined);

  /* deleting leads: one inside the first block, the first of the second,
   * every one of the third */
  qt_store_exec (store, "CREATE TEMP TABLE before AS SELECT * FROM results");
  for (guint i = 0; i < G_N_ELEMENTS (deleted); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM leads WHERE id = %" G_GINT64_FORMAT,
                                              deleted[i]);

      qt_store_exec (store, sql);
      g_assert_cmpint (sqlite3_changes (db), ==, 1);
    }
  {
    g_autofree char *sql = g_strdup_printf ("DELETE FROM leads WHERE id >= %" G_GINT64_FORMAT,
                                            lead_id_at (2 * BLOCK));
    qt_store_exec (store, sql);
    g_assert_cmpint (sqlite3_changes (db), ==, n - 2 * BLOCK);
  }
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 2 * BLOCK - 2);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM leads"), ==, 2 * BLOCK - 2);
  g_clear_pointer (&blocks, g_free);
  blocks = qt_store_query_text (store, "SELECT group_concat(first_lead_id || ':' || last_lead_id"
                                       " || ':' || n, ' ')"
                                       " FROM (SELECT * FROM result_blocks ORDER BY first_lead_id)");
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%u %" G_GINT64_FORMAT ":%"
                              G_GINT64_FORMAT ":%u", lead_id_at (0), lead_id_at (BLOCK - 1),
                              BLOCK - 1, lead_id_at (BLOCK + 1), lead_id_at (2 * BLOCK - 1),
                              BLOCK - 1);
  g_assert_cmpstr (blocks, ==, expected);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT %s FROM temp.before"
                                            " WHERE lead_id NOT IN (%" G_GINT64_FORMAT ", %"
                                            G_GINT64_FORMAT ") AND lead_id < %" G_GINT64_FORMAT
                                            " ORDER BY lead_id", results_columns, deleted[0],
                                            deleted[1], lead_id_at (2 * BLOCK));
    g_autofree char *kept = dump_rows (db, sql);

    g_clear_pointer (&all, g_free);
    all = dump_results (db, NULL);
    g_assert_cmpstr (all, ==, kept);
    g_assert_cmpuint (strlen (kept), >, 0);
  }
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"
                                              " WHERE lead_id NOT IN (SELECT id FROM leads)"), ==, 0);

  /* a delete rolled back leaves no trace, even when read in between */
  {
    g_autofree char *sql = g_strdup_printf ("DELETE FROM leads WHERE id = %" G_GINT64_FORMAT,
                                            lead_id_at (10));

    qt_store_exec (store, "BEGIN");
    qt_store_exec (store, sql);
    g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 2 * BLOCK - 3);
    qt_store_exec (store, "ROLLBACK");
    g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 2 * BLOCK - 2);
    g_clear_pointer (&after, g_free);
    after = dump_results (db, NULL);
    g_assert_cmpstr (after, ==, all);
  }

  /* a rescore at the same as-of changes no result (the blocks follow the
   * leads that are left), and the next one writes nothing */
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.leads, ==, 2 * BLOCK - 2);
  g_assert_cmpuint (summary.changed, ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM result_blocks"), ==, 2);
  g_clear_pointer (&after, g_free);
  after = dump_results (db, NULL);
  g_assert_cmpstr (after, ==, all);
  g_clear_pointer (&blocks, g_free);
  blocks = dump_blocks (store);
  qt_store_exec (store, "UPDATE block_writes SET n = 0");
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM block_writes"), ==, 0);
  g_clear_pointer (&after, g_free);
  after = dump_blocks (store);
  g_assert_cmpstr (after, ==, blocks);

  /* a lookup finds what the table results replaced (schema 3, lead_id
   * INTEGER PRIMARY KEY) found, whatever the type of the value */
  qt_store_exec (store, "CREATE TEMP TABLE plain (lead_id INTEGER PRIMARY KEY);"
                        "INSERT INTO plain SELECT lead_id FROM results");
  {
    static const char * const values[] = { "6", "'6'", "' 6'", "6.0", "'6.0'", "6e0", "6.5", "7",
                                           "'abc'", "NULL", "x'36'", "1e300", "-6" };
    g_autoptr(GString) differ = g_string_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      for (guint by_rowid = 0; by_rowid < 2; by_rowid++)
        {
          const char *column = by_rowid ? "rowid" : "lead_id";
          g_autofree char *from_results = g_strdup_printf ("SELECT count(*) FROM results"
                                                           " WHERE %s = %s", column, values[i]);
          g_autofree char *from_plain = g_strdup_printf ("SELECT count(*) FROM plain"
                                                         " WHERE %s = %s", column, values[i]);

          if (qt_store_query_int (store, from_results) != qt_store_query_int (store, from_plain))
            g_string_append_printf (differ, " %s = %s;", column, values[i]);
        }
    g_assert_cmpstr (differ->str, ==, "");
  }
}

/* Damaged stored results */

/* @store's block at @first, replaced by @data: rescoring fails and changes
 * nothing, and reading the block fails. */
static void
assert_damage_found (QualifyStore *store,
                     gint64        first,
                     const guint8 *data,
                     gsize         len)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = _qualify_store_get_db (store);
  g_autofree char *blocks = NULL;
  g_autofree char *after = NULL;
  g_autofree char *message = NULL;
  g_autofree char *lookup = g_strdup_printf ("SELECT * FROM results WHERE lead_id = %"
                                             G_GINT64_FORMAT, first);
  g_autofree char *before = g_strdup_printf ("SELECT coalesce(sum(n), 0) FROM result_blocks"
                                             " WHERE first_lead_id < %" G_GINT64_FORMAT, first);
  gint64 history = qt_store_query_int (store, "SELECT count(*) FROM status_history");
  gint64 runs = qt_store_query_int (store, "SELECT count(*) FROM score_runs");
  gint64 models = qt_store_query_int (store, "SELECT count(*) FROM models");
  QualifyScoreSummary summary;
  guint rows = 0;
  int rc;

  write_block (store, first, data, len);
  blocks = dump_blocks (store);

  g_assert_false (qualify_score_workspace (store, AS_OF + DAY, NULL, &summary, &error));
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==, history);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM score_runs"), ==, runs);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM models"), ==, models);
  after = dump_blocks (store);
  g_assert_cmpstr (after, ==, blocks);

  /* no wrong rows: at most those of the blocks before, then an error */
  rc = run_sql (db, "SELECT * FROM results", &message, &rows);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_CORRUPT);
  g_assert_nonnull (strstr (message, "damaged"));
  g_assert_cmpint (rows, <=, qt_store_query_int (store, before));
  g_clear_pointer (&message, g_free);
  g_assert_cmpint (run_sql (db, "SELECT count(*) FROM results", NULL, NULL) & 0xff,
                   ==, SQLITE_CORRUPT);
  g_assert_cmpint (run_sql (db, lookup, NULL, NULL) & 0xff, ==, SQLITE_CORRUPT);
}

/* A damaged block is found by a rescore, which then changes nothing, and by
 * every read; put back, everything works again. */
static void
test_results_damaged_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = scored_workspace (9000, NULL);
  g_autoptr(QualifyStore) plain = qt_temp_workspace ("qualify-results-XXXXXX", NULL, NULL, NULL);
  g_autoptr(GBytes) second = read_block (store, lead_id_at (BLOCK));
  g_autoptr(GBytes) first = read_block (store, lead_id_at (0));
  g_autoptr(GBytes) third = read_block (store, lead_id_at (2 * BLOCK));
  g_autoptr(GBytes) only = NULL;
  g_autofree guint8 *copy = NULL;
  g_autofree char *all = dump_results (_qualify_store_get_db (store), NULL);
  g_autofree char *again = NULL;
  QualifyScoreSummary summary;
  Section sections[N_COLS];
  gsize len;

  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM result_blocks"), ==, 3);

  /* one byte of the packed columns */
  copy = g_bytes_unref_to_data (g_bytes_ref (second), &len);
  copy[len / 2] ^= 0x04;
  assert_damage_found (store, lead_id_at (BLOCK), copy, len);
  g_clear_pointer (&copy, g_free);

  /* the first lead id in the header */
  copy = g_bytes_unref_to_data (g_bytes_ref (second), &len);
  copy[8] ^= 0x01;
  assert_damage_found (store, lead_id_at (BLOCK), copy, len);
  g_clear_pointer (&copy, g_free);

  /* a sound block in the wrong place */
  assert_damage_found (store, lead_id_at (2 * BLOCK), g_bytes_get_data (first, NULL),
                       g_bytes_get_size (first));

  /* put back: nothing was lost */
  write_block (store, lead_id_at (BLOCK), g_bytes_get_data (second, NULL),
               g_bytes_get_size (second));
  write_block (store, lead_id_at (2 * BLOCK), g_bytes_get_data (third, NULL),
               g_bytes_get_size (third));
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.changed, ==, 0);
  again = dump_results (_qualify_store_get_db (store), NULL);
  g_assert_cmpstr (again, ==, all);

  /* A block whose columns are all constant (consecutive ids, nothing to
   * score by) has the same size whatever its n: only the checksum can tell
   * that n was changed. */
  qt_store_exec (plain, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                        " WHERE i < 100)"
                        " INSERT INTO leads (id, email) SELECT i, 'p' || i || '@x.example' FROM n");
  g_assert_true (qualify_score_workspace (plain, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  only = read_block (plain, 1);
  parse_sections (only, sections);
  for (int col = 0; col < N_COLS; col++)
    g_assert_cmpint (sections[col].mode, ==, MODE_CONST);
  g_clear_pointer (&copy, g_free);
  copy = g_bytes_unref_to_data (g_bytes_ref (only), &len);
  copy[5] ^= 0x01;   /* n: 100 → 356 */
  assert_damage_found (plain, 1, copy, len);
}

/* Migration */

/* Every result of @db's table results, as text, in lead order. */
static char *
dump_v3_results (const char *path)
{
  sqlite3 *db = NULL;
  char *text;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  text = dump_rows (db, "PRAGMA user_version");
  g_assert_cmpstr (text, ==, "i:3\n");
  g_free (text);
  text = dump_results (db, NULL);
  sqlite3_close (db);
  return text;
}

/* A workspace of schema 3 (results a plain table) is upgraded to blocks with
 * every value as it was, to the last bit. */
static void
test_results_migrate_v3 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *source = qt_fixture_path ("workspace-v3.qualify");
  g_autofree char *dir = qt_make_tmp_dir ("qualify-results-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "v3.qualify", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *facts = NULL;
  g_autofree char *orphans = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *added = NULL;
  g_autofree char *expected = NULL;
  QualifyScoreSummary summary;
  gint64 as_of, history, runs;
  gsize len;

  g_assert_true (g_file_get_contents (source, &contents, &len, &error));
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  g_assert_no_error (error);

  /* as the previous Qualify left it */
  before = dump_v3_results (path);
  g_assert_cmpuint (strlen (before), >, 0);
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    facts = dump_rows (db, "SELECT (SELECT count(*) FROM leads), count(*), count(mql_at),"
                           " count(sql_at), count(DISTINCT scored_at), max(scored_at),"
                           " (SELECT group_concat(id) FROM leads"
                           "  WHERE id NOT IN (SELECT lead_id FROM results))"
                           " FROM results");
    /* leads 5, 6, 7 and 30 were deleted with their events (foreign keys on) */
    orphans = dump_rows (db, "SELECT count(*) FROM events WHERE lead_id NOT IN (SELECT id FROM leads)");
    sqlite3_close (db);
  }
  g_assert_cmpstr (facts, ==, "i:57|i:56|i:7|i:1|i:2|i:1792454400|t:61\n");
  g_assert_cmpstr (orphans, ==, "i:0\n");

  store = qualify_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qt_store_query_int (store, "PRAGMA user_version"), ==,
                   QUALIFY_STORE_SCHEMA_VERSION);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM result_blocks"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT n FROM result_blocks"), ==, 56);
  after = dump_results (_qualify_store_get_db (store), NULL);
  g_assert_cmpstr (after, ==, before);

  /* Rescored at the as-of of the fixture's last run: every lead but one was
   * scored then (or earlier with the same outcome, keeping its older
   * scored_at), and nothing they are scored from changed since (leads 5, 6,
   * 7 and 30 were deleted, which changes no other lead). Lead 61, imported
   * after that run, has no result yet: it is the one change, and its first
   * status is the one status change. */
  as_of = qt_store_query_int (store, "SELECT max(scored_at) FROM results");
  history = qt_store_query_int (store, "SELECT count(*) FROM status_history");
  runs = qt_store_query_int (store, "SELECT count(*) FROM score_runs");
  g_assert_true (qualify_score_workspace (store, as_of, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.leads, ==, 57);
  g_assert_cmpuint (summary.changed, ==, 1);
  g_assert_cmpuint (summary.transitions, ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"),
                   ==, history + 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"
                                              " WHERE lead_id = 61 AND from_status IS NULL"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM score_runs"), ==, runs + 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 57);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM result_blocks"), ==, 1);
  kept = dump_results (_qualify_store_get_db (store), "WHERE lead_id <> 61");
  g_assert_cmpstr (kept, ==, before);
  added = dump_rows (_qualify_store_get_db (store), "SELECT scored_at, model_version,"
                                                    " score IS fit + engagement"
                                                    " FROM results WHERE lead_id = 61");
  expected = g_strdup_printf ("i:%" G_GINT64_FORMAT "|i:1|i:1\n", as_of);
  g_assert_cmpstr (added, ==, expected);

  g_clear_object (&store);
  qt_remove_tree (dir);
}

/* The loadable extension */

/* qualify.so gives a connection without the module (another program's) the
 * table results. */
static void
test_results_extension (void)
{
  const char *extension = g_getenv ("QUALIFY_SQLITE_EXTENSION");
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *loaded = NULL;
  g_autofree char *message = NULL;
  g_autofree char *delete = g_strdup_printf ("DELETE FROM leads WHERE id = %" G_GINT64_FORMAT,
                                             lead_id_at (0));
  char *load_error = NULL;
  QualifyStore *store;
  sqlite3 *db = NULL;
  int rc;

  g_assert_nonnull (extension);
  store = scored_workspace (5000, &path);
  expected = dump_results (_qualify_store_get_db (store), NULL);
  g_object_unref (store);

  /* Without the auto extension this process registered, a new connection
   * is like any other program's. Whatever fails below ends the program, so
   * the other tests never run without it. */
  sqlite3_reset_auto_extension ();
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (run_sql (db, "SELECT count(*) FROM results", &message, NULL), ==, SQLITE_ERROR);
  g_assert_cmpstr (message, ==, "no such module: qualify_results");

  g_assert_cmpint (sqlite3_enable_load_extension (db, 1), ==, SQLITE_OK);
  rc = sqlite3_load_extension (db, extension, NULL, &load_error);
  if (rc != SQLITE_OK)
    g_test_message ("%s: %s", extension, load_error);
  sqlite3_free (load_error);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  loaded = dump_rows (db, "SELECT count(*) FROM results");
  g_assert_cmpstr (loaded, ==, "i:5000\n");
  g_clear_pointer (&loaded, g_free);
  loaded = dump_results (db, NULL);
  g_assert_cmpstr (loaded, ==, expected);
  /* deleting a lead deletes its result there too */
  g_assert_cmpint (sqlite3_exec (db, delete, NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_pointer (&loaded, g_free);
  loaded = dump_rows (db, "SELECT count(*) FROM results");
  g_assert_cmpstr (loaded, ==, "i:4999\n");
  sqlite3_close (db);

  /* registered again: this process's new connections have it */
  _qualify_results_register_module ();
  store = qualify_store_open (path, NULL);
  g_assert_nonnull (store);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 4999);
  g_object_unref (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/results/codec-roundtrip", test_results_codec_roundtrip);
  g_test_add_func ("/results/codec-damaged", test_results_codec_damaged);
  g_test_add_func ("/results/damaged-workspace", test_results_damaged_workspace);
  g_test_add_func ("/results/migrate-v3", test_results_migrate_v3);
  g_test_add_func ("/results/extension", test_results_extension);
  /* Last: a failure ends a --tap run, and its final check (lookups by ids
   * such as 6.0 or '6.0', which the plain table matched) fails for now. */
  g_test_add_func ("/results/table", test_results_table);

  return g_test_run ();
}
