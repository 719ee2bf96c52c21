/* qualify-results.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-results"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "qualify-results-private.h"
#include "qualify-store-private.h"

/* Per-lead results, stored in blocks.
 *
 * A rescore a day later changes the engagement of nearly every lead (decay).
 * Written as one table row per lead, that is a million B-tree inserts, which
 * alone took longer than the whole rescore may (0.5–0.8 s of 1.2–1.7 s on the
 * benchmark). So the results of consecutive leads are packed into blocks of
 * up to QUALIFY_RESULTS_BLOCK leads, one row each in
 *
 *   result_blocks(first_lead_id PK, last_lead_id, n, data BLOB)
 *
 * and a rescore writes only the blocks whose bytes changed. Readers do not
 * see blocks: "results" is a virtual table over them (module
 * "qualify_results", registered on every connection this process opens) with
 * the columns the table had before schema 4:
 *
 *   results(lead_id, fit, engagement, score, grade, status, mql_at, sql_at,
 *           scored_at, model_version)       rowid = lead_id
 *
 * A lookup by lead_id finds its row in a snapshot of the blocks (see the
 * virtual table below); anything else scans the blocks in lead order. Rows
 * can be deleted (the trigger on leads does), not inserted or updated:
 * results are written by scoring.
 *
 * A block: a header (magic u32, n u32, first lead id i64, checksum u64 of n,
 * the first lead id and the sections), then one section per column of 8-byte words (host byte order):
 * lead id steps, fit and engagement (IEEE doubles), grade (up to 7 bytes),
 * status, mql_at, sql_at, scored_at, model_version. A section is a mode byte,
 * three bytes of padding and a u32 k, then
 *
 *   CONST   one word for every row
 *   DICT8   k words, then n u8 indexes into them
 *   DICT16  k words, then n u16 indexes
 *   RAW     n words (k = n)
 *
 * whichever is smallest; a dictionary lists words in order of first use, so
 * the same rows always give the same bytes. */

#define MAGIC        0x31425251u  /* "QRB1" */
#define HEADER_SIZE  24
#define MAX_ROWS     65536

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

G_STATIC_ASSERT (sizeof (double) == 8);

/* The checksum of a block (header fields but the magic and the checksum itself). */
guint64
_qualify_results_block_checksum (const guint8 *data,
                                 gsize         len)
{
  return _qualify_store_checksum (data + HEADER_SIZE, len - HEADER_SIZE) ^
         (_qualify_store_checksum (data + 4, 12) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
}

static inline guint64
get_word (const QualifyResult *rows,
          guint                i,
          int                  col)
{
  guint64 w = 0;

  switch (col)
    {
    case COL_LEAD:          return i == 0 ? 1 : (guint64) (rows[i].lead_id - rows[i - 1].lead_id);
    case COL_FIT:           memcpy (&w, &rows[i].fit, 8); return w;
    case COL_ENGAGEMENT:    memcpy (&w, &rows[i].engagement, 8); return w;
    case COL_GRADE:         memcpy (&w, rows[i].grade, 8); return w;
    case COL_STATUS:        return rows[i].status;
    case COL_MQL_AT:        return (guint64) rows[i].mql_at;
    case COL_SQL_AT:        return (guint64) rows[i].sql_at;
    case COL_SCORED_AT:     return (guint64) rows[i].scored_at;
    case COL_MODEL_VERSION: return (guint64) rows[i].model_version;
    default:                g_assert_not_reached ();
    }
}

/* Encoding */

typedef struct
{
  guint    mask;
  guint32  gen;
  guint32 *stamps;   /* a slot is used when its stamp is gen */
  guint64 *keys;
  guint16 *values;
  guint64 *dict;     /* distinct words in order of first use */
  guint16 *index;    /* per row */
} Encoder;

static void
encoder_init (Encoder *e,
              guint    n)
{
  guint size = 16;

  while (size < 2 * n)
    size <<= 1;
  e->mask = size - 1;
  e->gen = 1;
  e->stamps = g_new0 (guint32, size);
  e->keys = g_new (guint64, size);
  e->values = g_new (guint16, size);
  e->dict = g_new (guint64, n);
  e->index = g_new (guint16, n);
}

static void
encoder_clear (Encoder *e)
{
  g_free (e->stamps);
  g_free (e->keys);
  g_free (e->values);
  g_free (e->dict);
  g_free (e->index);
}

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  g_byte_array_append (out, (const guint8 *) &v, 4);
}

static void
encode_column (Encoder             *e,
               GByteArray          *out,
               const QualifyResult *rows,
               guint                n,
               int                  col)
{
  guint k = 0;
  guint8 mode;
  gsize sizes[4];

  e->gen++;
  /* Count distinct words; give up once a dictionary cannot beat RAW. */
  for (guint i = 0; i < n; i++)
    {
      guint64 w = get_word (rows, i, col);
      guint slot = (guint) ((w * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 40) & e->mask;

      while (e->stamps[slot] == e->gen && e->keys[slot] != w)
        slot = (slot + 1) & e->mask;
      if (e->stamps[slot] != e->gen)
        {
          if (k >= G_MAXUINT16 || 8 * (gsize) (k + 1) + 2 * (gsize) n >= 8 * (gsize) n)
            {
              k = n + 1;   /* no dictionary */
              break;
            }
          e->stamps[slot] = e->gen;
          e->keys[slot] = w;
          e->values[slot] = (guint16) k;
          e->dict[k++] = w;
        }
      e->index[i] = e->values[slot];
    }

  sizes[MODE_CONST] = k == 1 ? 8 : G_MAXSIZE;
  sizes[MODE_DICT8] = k <= 256 ? 8 * (gsize) k + n : G_MAXSIZE;
  sizes[MODE_DICT16] = k <= n ? 8 * (gsize) k + 2 * (gsize) n : G_MAXSIZE;
  sizes[MODE_RAW] = 8 * (gsize) n;
  mode = MODE_RAW;
  for (int m = MODE_DICT16; m >= MODE_CONST; m--)
    if (sizes[m] <= sizes[mode])
      mode = m;

  g_byte_array_append (out, (const guint8 *) "\0\0\0", 4);
  out->data[out->len - 4] = mode;
  switch (mode)
    {
    case MODE_CONST:
      put_u32 (out, 1);
      g_byte_array_append (out, (const guint8 *) e->dict, 8);
      break;
    case MODE_DICT8:
      put_u32 (out, k);
      g_byte_array_append (out, (const guint8 *) e->dict, 8 * k);
      {
        guint at = out->len;

        g_byte_array_set_size (out, at + n);
        for (guint i = 0; i < n; i++)
          out->data[at + i] = (guint8) e->index[i];
      }
      break;
    case MODE_DICT16:
      put_u32 (out, k);
      g_byte_array_append (out, (const guint8 *) e->dict, 8 * k);
      g_byte_array_append (out, (const guint8 *) e->index, 2 * n);
      break;
    default:
      put_u32 (out, n);
      {
        guint at = out->len;

        g_byte_array_set_size (out, at + 8 * n);
        for (guint i = 0; i < n; i++)
          {
            guint64 w = get_word (rows, i, col);
            memcpy (out->data + at + 8 * i, &w, 8);
          }
      }
      break;
    }
}

GBytes *
_qualify_results_encode (const QualifyResult *rows,
                         guint                n)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (HEADER_SIZE + 10 * n + 256);
  guint32 magic = MAGIC;
  guint64 sum;
  Encoder e;

  g_return_val_if_fail (n >= 1 && n <= MAX_ROWS, NULL);

  g_byte_array_append (out, (const guint8 *) &magic, 4);
  put_u32 (out, n);
  g_byte_array_append (out, (const guint8 *) &rows[0].lead_id, 8);
  g_byte_array_set_size (out, HEADER_SIZE);

  encoder_init (&e, n);
  for (int col = 0; col < N_COLS; col++)
    encode_column (&e, out, rows, n, col);
  encoder_clear (&e);

  sum = _qualify_results_block_checksum (out->data, out->len);
  memcpy (out->data + 16, &sum, 8);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Decoding: a block is checked once as a whole (checksum, every index and
 * word in range), then any row can be read straight from its sections. */

typedef struct
{
  gint64        first;
  gint64        last;
  guint         n;
  GBytes       *data;
  guint8        mode[N_COLS];
  guint32       k[N_COLS];
  const guint8 *dict[N_COLS];
  const guint8 *index[N_COLS];   /* DICT8 / DICT16 */
  gint64       *ids;             /* per row, unless the ids are first + i */
} Block;

static void
block_clear (Block *b)
{
  g_clear_pointer (&b->data, g_bytes_unref);
  g_clear_pointer (&b->ids, g_free);
}

static inline guint64
block_word (const Block *b,
            int          col,
            guint        i)
{
  guint64 w;
  guint idx;

  switch (b->mode[col])
    {
    case MODE_CONST:  idx = 0; break;
    case MODE_DICT8:  idx = b->index[col][i]; break;
    case MODE_DICT16: { guint16 v; memcpy (&v, b->index[col] + 2 * i, 2); idx = v; } break;
    default:          idx = i; break;
    }
  memcpy (&w, b->dict[col] + 8 * (gsize) idx, 8);
  return w;
}

static inline gint64
block_lead_id (const Block *b,
               guint        i)
{
  return b->ids != NULL ? b->ids[i] : b->first + (gint64) i;
}

/* Takes a reference on @data; FALSE (and nothing held by @b) when it is damaged. */
static gboolean
block_parse (GBytes *data,
             Block  *b)
{
  gsize len;
  const guint8 *start = g_bytes_get_data (data, &len);
  const guint8 *p, *end = start + len;
  guint32 magic, n;
  guint64 sum;
  gint64 id;

  memset (b, 0, sizeof *b);
  if (len < HEADER_SIZE)
    return FALSE;
  memcpy (&magic, start, 4);
  memcpy (&n, start + 4, 4);
  memcpy (&b->first, start + 8, 8);
  memcpy (&sum, start + 16, 8);
  if (magic != MAGIC || n == 0 || n > MAX_ROWS ||
      _qualify_results_block_checksum (start, len) != sum)
    return FALSE;
  b->n = n;

  p = start + HEADER_SIZE;
  for (int col = 0; col < N_COLS; col++)
    {
      gsize index_size;
      guint32 k;

      if (end - p < 8)
        return FALSE;
      b->mode[col] = p[0];
      memcpy (&k, p + 4, 4);
      p += 8;
      if (k == 0 || k > n || (gsize) (end - p) < 8 * (gsize) k)
        return FALSE;
      b->k[col] = k;
      b->dict[col] = p;
      p += 8 * (gsize) k;

      switch (b->mode[col])
        {
        case MODE_CONST:  index_size = 0; break;
        case MODE_DICT8:  index_size = n; break;
        case MODE_DICT16: index_size = 2 * (gsize) n; break;
        case MODE_RAW:    index_size = 0; if (k != n) return FALSE; break;
        default:          return FALSE;
        }
      if ((gsize) (end - p) < index_size)
        return FALSE;
      b->index[col] = p;
      p += index_size;

      /* every index in its dictionary */
      if (b->mode[col] == MODE_DICT8 || b->mode[col] == MODE_DICT16)
        for (guint i = 0; i < n; i++)
          {
            guint idx;

            if (b->mode[col] == MODE_DICT8)
              idx = b->index[col][i];
            else
              {
                guint16 v;
                memcpy (&v, b->index[col] + 2 * i, 2);
                idx = v;
              }
            if (idx >= k)
              return FALSE;
          }
    }
  if (p != end)
    return FALSE;

  /* statuses known; lead ids strictly ascending */
  for (guint j = 0; j < b->k[COL_STATUS]; j++)
    {
      guint64 w;

      memcpy (&w, b->dict[COL_STATUS] + 8 * j, 8);
      if (w == QUALIFY_STATUS_NONE || w >= QUALIFY_N_STATUSES)
        return FALSE;
    }
  id = b->first;
  for (guint i = 0; i < n; i++)
    {
      guint64 step = block_word (b, COL_LEAD, i);

      if (i == 0 ? step != 1 : (step == 0 || step > (guint64) G_MAXINT64 || id > G_MAXINT64 - (gint64) step))
        {
          g_clear_pointer (&b->ids, g_free);
          return FALSE;
        }
      if (i > 0)
        id += (gint64) step;
      if (step != 1 && b->ids == NULL)
        {
          b->ids = g_new (gint64, n);
          for (guint j = 0; j < i; j++)
            b->ids[j] = b->first + (gint64) j;
        }
      if (b->ids != NULL)
        b->ids[i] = id;
    }
  b->last = id;
  b->data = g_bytes_ref (data);

  return TRUE;
}

static void
block_row (const Block   *b,
           guint          i,
           QualifyResult *r)
{
  guint64 w;

  r->lead_id = block_lead_id (b, i);
  w = block_word (b, COL_FIT, i);         memcpy (&r->fit, &w, 8);
  w = block_word (b, COL_ENGAGEMENT, i);  memcpy (&r->engagement, &w, 8);
  w = block_word (b, COL_GRADE, i);       memcpy (r->grade, &w, 8);
  r->grade[7] = '\0';
  r->status = (QualifyStatus) block_word (b, COL_STATUS, i);
  r->mql_at = (gint64) block_word (b, COL_MQL_AT, i);
  r->sql_at = (gint64) block_word (b, COL_SQL_AT, i);
  r->scored_at = (gint64) block_word (b, COL_SCORED_AT, i);
  r->model_version = (gint64) block_word (b, COL_MODEL_VERSION, i);
}

/* The row of lead @id, if the block has it. */
static gboolean
block_find (const Block *b,
            gint64       id,
            guint       *index)
{
  guint lo = 0, hi = b->n;

  if (id < b->first || id > b->last)
    return FALSE;
  if (b->ids == NULL)
    {
      *index = (guint) (id - b->first);
      return TRUE;
    }
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (b->ids[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  *index = lo;
  return lo < b->n && b->ids[lo] == id;
}

static QualifyResult *
block_rows (const Block *b)
{
  QualifyResult *rows = g_new0 (QualifyResult, b->n);

  for (guint i = 0; i < b->n; i++)
    block_row (b, i, &rows[i]);
  return rows;
}

gboolean
_qualify_results_decode (const guint8   *data,
                         gsize           len,
                         QualifyResult **rows,
                         guint          *n)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, len);
  Block b;

  *rows = NULL;
  *n = 0;
  if (!block_parse (bytes, &b))
    return FALSE;
  *rows = block_rows (&b);
  *n = b.n;
  block_clear (&b);
  return TRUE;
}

static gboolean
damaged_error (QualifyStore  *store,
               gint64         first_lead_id,
               GError       **error)
{
  g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_FAILED,
               _("The stored results of “%s” are damaged (the block from lead %" G_GINT64_FORMAT
                 "); nothing was changed. Restore the workspace from a backup."),
               qualify_store_get_path (store), first_lead_id);
  return FALSE;
}

/* Every stored block, parsed, in lead order, into @blocks (of Block). Returns
 * SQLITE_OK, an SQLite error, or SQLITE_CORRUPT with the damaged block's
 * first lead in @damaged. */
static int
read_blocks (sqlite3 *db,
             GArray  *blocks,
             gint64  *damaged)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, "SELECT first_lead_id, data FROM result_blocks ORDER BY first_lead_id",
                                -1, &stmt, NULL)) != SQLITE_OK)
    return rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 first = sqlite3_column_int64 (stmt, 0);
      g_autoptr(GBytes) data = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
      Block block;

      if (!block_parse (data, &block))
        {
          *damaged = first;
          rc = SQLITE_CORRUPT;
          break;
        }
      g_array_append_val (blocks, block);
      if (block.first != first)
        {
          *damaged = first;
          rc = SQLITE_CORRUPT;
          break;
        }
    }
  sqlite3_finalize (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static GArray *
blocks_new (void)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (Block));

  g_array_set_clear_func (blocks, (GDestroyNotify) block_clear);
  return blocks;
}

gboolean
_qualify_results_foreach_block (QualifyStore            *store,
                                QualifyResultsBlockFunc  func,
                                gpointer                 user_data,
                                GError                 **error)
{
  g_autoptr(GArray) blocks = blocks_new ();
  gint64 damaged = 0;
  int rc;

  if ((rc = read_blocks (_qualify_store_get_db (store), blocks, &damaged)) == SQLITE_CORRUPT)
    return damaged_error (store, damaged, error);
  if (rc != SQLITE_OK)
    return _qualify_store_set_error (store, rc, _("Could not read the stored results"), error);

  for (guint i = 0; i < blocks->len; i++)
    {
      const Block *block = &g_array_index (blocks, Block, i);
      g_autofree QualifyResult *rows = block_rows (block);

      if (!func (block->first, block->data, rows, block->n, user_data, error))
        return FALSE;
    }

  return TRUE;
}

/* Inserts or replaces the row of block @rows (packed: @data, or packed here). */
static int
block_put (sqlite3              *db,
           sqlite3_stmt        **cache,
           const QualifyResult  *rows,
           guint                 n,
           GBytes               *data)
{
  g_autoptr(GBytes) local = NULL;
  gsize len;
  const guint8 *bytes;
  int rc;

  if (data == NULL)
    data = local = _qualify_results_encode (rows, n);
  if (*cache == NULL &&
      (rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO result_blocks (first_lead_id, last_lead_id, n, data)"
                                    " VALUES (?1, ?2, ?3, ?4)", -1, cache, NULL)) != SQLITE_OK)
    return rc;

  bytes = g_bytes_get_data (data, &len);
  sqlite3_bind_int64 (*cache, 1, rows[0].lead_id);
  sqlite3_bind_int64 (*cache, 2, rows[n - 1].lead_id);
  sqlite3_bind_int64 (*cache, 3, n);
  sqlite3_bind_blob64 (*cache, 4, bytes, len, SQLITE_STATIC);
  rc = sqlite3_step (*cache);
  sqlite3_reset (*cache);
  sqlite3_clear_bindings (*cache);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
block_delete (sqlite3 *db,
              gint64   first_lead_id)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, "DELETE FROM result_blocks WHERE first_lead_id = ?", -1, &stmt, NULL)) != SQLITE_OK)
    return rc;
  sqlite3_bind_int64 (stmt, 1, first_lead_id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

gboolean
_qualify_results_put_block (QualifyStore         *store,
                            sqlite3_stmt        **cache,
                            const QualifyResult  *rows,
                            guint                 n,
                            GBytes               *data,
                            GError              **error)
{
  int rc;

  g_return_val_if_fail (n >= 1, FALSE);

  if ((rc = block_put (_qualify_store_get_db (store), cache, rows, n, data)) != SQLITE_OK)
    return _qualify_store_set_error (store, rc, _("Could not save scores"), error);
  return TRUE;
}

gboolean
_qualify_results_delete_block (QualifyStore  *store,
                               gint64         first_lead_id,
                               GError       **error)
{
  int rc;

  if ((rc = block_delete (_qualify_store_get_db (store), first_lead_id)) != SQLITE_OK)
    return _qualify_store_set_error (store, rc, _("Could not save scores"), error);
  return TRUE;
}

/* The virtual table
 *
 * A connection reads every block once into a snapshot (the packed bytes,
 * about 10 bytes a lead) and answers lookups and scans from it: a join from
 * leads in any order (the planner may walk them by email) finds each row in
 * a few nanoseconds instead of decoding a block per lead. The snapshot is
 * taken again when the workspace changed: another connection committed
 * (SQLITE_FCNTL_DATA_VERSION), this connection changed rows
 * (sqlite3_total_changes64) or deleted a result through the table, and for
 * every statement inside a write transaction (a rollback leaves no trace in
 * those counters). Cursors keep the snapshot they started with. */

enum
{
  VCOL_LEAD_ID,
  VCOL_FIT,
  VCOL_ENGAGEMENT,
  VCOL_SCORE,
  VCOL_GRADE,
  VCOL_STATUS,
  VCOL_MQL_AT,
  VCOL_SQL_AT,
  VCOL_SCORED_AT,
  VCOL_MODEL_VERSION,
};

typedef struct
{
  gatomicrefcount  ref;
  GArray          *blocks;        /* Block, in lead order */
  unsigned int     data_version;
  sqlite3_int64    total_changes;
  guint64          writes;
  gboolean         in_write;      /* taken inside a write transaction */
} Snapshot;

typedef struct
{
  sqlite3_vtab  base;
  sqlite3      *db;
  Snapshot     *snapshot;
  guint64       writes;           /* bumped by every delete through the table */
} ResultsTable;

typedef struct
{
  sqlite3_vtab_cursor  base;
  Snapshot            *snapshot;
  guint                block;
  guint                row;
  gboolean             lookup;
  gboolean             eof;
} ResultsCursor;

static Snapshot *
snapshot_ref (Snapshot *s)
{
  g_atomic_ref_count_inc (&s->ref);
  return s;
}

static void
snapshot_unref (Snapshot *s)
{
  if (s != NULL && g_atomic_ref_count_dec (&s->ref))
    {
      g_array_unref (s->blocks);
      g_free (s);
    }
}

static int
results_set_error (sqlite3_vtab *vtab,
                   int           rc,
                   const char   *format,
                   ...) G_GNUC_PRINTF (3, 4);

static int
results_set_error (sqlite3_vtab *vtab,
                   int           rc,
                   const char   *format,
                   ...)
{
  va_list args;

  va_start (args, format);
  sqlite3_free (vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_vmprintf (format, args);
  va_end (args);
  return rc;
}

/* Makes t->snapshot current (reading the blocks again if anything changed). */
static int
results_update_snapshot (ResultsTable *t)
{
  Snapshot *s;
  gint64 damaged = 0;
  unsigned int data_version = 0;
  sqlite3_int64 total_changes = sqlite3_total_changes64 (t->db);
  int rc;

  sqlite3_file_control (t->db, "main", SQLITE_FCNTL_DATA_VERSION, &data_version);
  if (t->snapshot != NULL && !t->snapshot->in_write && t->snapshot->data_version == data_version &&
      t->snapshot->total_changes == total_changes && t->snapshot->writes == t->writes)
    return SQLITE_OK;

  g_clear_pointer (&t->snapshot, snapshot_unref);
  s = g_new0 (Snapshot, 1);
  g_atomic_ref_count_init (&s->ref);
  s->blocks = blocks_new ();
  s->data_version = data_version;
  s->total_changes = total_changes;
  s->writes = t->writes;
  /* what a write transaction sees may be rolled back without a trace in the
   * counters above: such a snapshot serves only the statement that took it */
  s->in_write = sqlite3_txn_state (t->db, "main") == SQLITE_TXN_WRITE;

  if ((rc = read_blocks (t->db, s->blocks, &damaged)) != SQLITE_OK)
    {
      snapshot_unref (s);
      if (rc == SQLITE_CORRUPT)
        return results_set_error (&t->base, rc, "the stored results are damaged (block from lead %lld)",
                                  (long long) damaged);
      return results_set_error (&t->base, rc, "%s", sqlite3_errmsg (t->db));
    }

  t->snapshot = s;
  return SQLITE_OK;
}

/* The block that holds lead @id and its row in it. */
static gboolean
snapshot_find (Snapshot *s,
               gint64    id,
               guint    *block,
               guint    *row)
{
  guint lo = 0, hi = s->blocks->len;

  /* the last block whose first lead is ≤ id */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (s->blocks, Block, mid).first <= id)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return FALSE;
  *block = lo - 1;
  return block_find (&g_array_index (s->blocks, Block, lo - 1), id, row);
}

static int
results_connect (sqlite3             *db,
                 void                *aux,
                 int                  argc,
                 const char * const  *argv,
                 sqlite3_vtab       **out,
                 char               **err)
{
  ResultsTable *t;
  int rc;

  rc = sqlite3_declare_vtab (db, "CREATE TABLE x(lead_id INTEGER, fit REAL, engagement REAL,"
                                 " score REAL, grade TEXT, status TEXT, mql_at INTEGER,"
                                 " sql_at INTEGER, scored_at INTEGER, model_version INTEGER)");
  if (rc != SQLITE_OK)
    return rc;
  /* It reads and writes nothing but result_blocks: safe in triggers. */
  sqlite3_vtab_config (db, SQLITE_VTAB_INNOCUOUS);

  t = sqlite3_malloc (sizeof *t);
  if (t == NULL)
    return SQLITE_NOMEM;
  memset (t, 0, sizeof *t);
  t->db = db;
  *out = &t->base;
  return SQLITE_OK;
}

static int
results_disconnect (sqlite3_vtab *vtab)
{
  ResultsTable *t = (ResultsTable *) vtab;

  snapshot_unref (t->snapshot);
  sqlite3_free (t);
  return SQLITE_OK;
}

static int
results_best_index (sqlite3_vtab       *vtab,
                    sqlite3_index_info *info)
{
  int eq = -1;

  for (int c = 0; c < info->nConstraint; c++)
    {
      const struct sqlite3_index_constraint *con = &info->aConstraint[c];

      if (con->usable && con->op == SQLITE_INDEX_CONSTRAINT_EQ &&
          (con->iColumn == VCOL_LEAD_ID || con->iColumn == -1))
        {
          eq = c;
          break;
        }
    }

  if (eq >= 0)
    {
      info->aConstraintUsage[eq].argvIndex = 1;
      info->aConstraintUsage[eq].omit = 1;
      info->idxNum = 1;
      info->estimatedCost = 1;
      info->estimatedRows = 1;
      info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
    }
  else
    {
      info->idxNum = 0;
      info->estimatedCost = 1e6;
      info->estimatedRows = 1000000;
    }

  /* rows come in lead order */
  if (info->nOrderBy == 1 && !info->aOrderBy[0].desc &&
      (info->aOrderBy[0].iColumn == VCOL_LEAD_ID || info->aOrderBy[0].iColumn == -1))
    info->orderByConsumed = 1;

  return SQLITE_OK;
}

static int
results_open (sqlite3_vtab         *vtab,
              sqlite3_vtab_cursor **out)
{
  ResultsCursor *c = sqlite3_malloc (sizeof *c);

  if (c == NULL)
    return SQLITE_NOMEM;
  memset (c, 0, sizeof *c);
  c->eof = TRUE;
  *out = &c->base;
  return SQLITE_OK;
}

static int
results_close (sqlite3_vtab_cursor *cursor)
{
  ResultsCursor *c = (ResultsCursor *) cursor;

  snapshot_unref (c->snapshot);
  sqlite3_free (c);
  return SQLITE_OK;
}

static int
results_filter (sqlite3_vtab_cursor  *cursor,
                int                   idx_num,
                const char           *idx_str,
                int                   argc,
                sqlite3_value       **argv)
{
  ResultsCursor *c = (ResultsCursor *) cursor;
  ResultsTable *t = (ResultsTable *) cursor->pVtab;
  int rc;

  /* A cursor checks for changes when it starts, and after a delete through
   * the table; nothing else can change the workspace under a statement. */
  if (c->snapshot == NULL || c->snapshot->writes != t->writes)
    {
      if ((rc = results_update_snapshot (t)) != SQLITE_OK)
        return rc;
      g_clear_pointer (&c->snapshot, snapshot_unref);
      c->snapshot = snapshot_ref (t->snapshot);
    }

  c->lookup = idx_num == 1;
  c->block = c->row = 0;
  if (c->lookup)
    {
      /* as a rowid: an integer, or a number with no fraction (6.0, '6') */
      int type = argc < 1 ? SQLITE_NULL : sqlite3_value_numeric_type (argv[0]);
      double d = type == SQLITE_FLOAT ? sqlite3_value_double (argv[0]) : 0;
      gint64 id = 0;

      if (type == SQLITE_INTEGER)
        id = sqlite3_value_int64 (argv[0]);
      else if (type == SQLITE_FLOAT && d >= -9.2e18 && d <= 9.2e18 && d == floor (d))
        id = (gint64) d;
      else
        type = SQLITE_NULL;
      c->eof = type == SQLITE_NULL || !snapshot_find (c->snapshot, id, &c->block, &c->row);
      return SQLITE_OK;
    }

  c->eof = c->snapshot->blocks->len == 0;
  return SQLITE_OK;
}

static int
results_next (sqlite3_vtab_cursor *cursor)
{
  ResultsCursor *c = (ResultsCursor *) cursor;

  if (c->lookup)
    c->eof = TRUE;
  else if (++c->row >= g_array_index (c->snapshot->blocks, Block, c->block).n)
    {
      c->row = 0;
      c->eof = ++c->block >= c->snapshot->blocks->len;
    }
  return SQLITE_OK;
}

static int
results_eof (sqlite3_vtab_cursor *cursor)
{
  return ((ResultsCursor *) cursor)->eof;
}

static int
results_column (sqlite3_vtab_cursor *cursor,
                sqlite3_context     *ctx,
                int                  column)
{
  ResultsCursor *c = (ResultsCursor *) cursor;
  const Block *b = &g_array_index (c->snapshot->blocks, Block, c->block);
  guint i = c->row;
  guint64 w;
  double fit, engagement;
  char grade[8];

  switch (column)
    {
    case VCOL_LEAD_ID:
      sqlite3_result_int64 (ctx, block_lead_id (b, i));
      break;
    case VCOL_FIT:
      w = block_word (b, COL_FIT, i);
      memcpy (&fit, &w, 8);
      sqlite3_result_double (ctx, fit);
      break;
    case VCOL_ENGAGEMENT:
      w = block_word (b, COL_ENGAGEMENT, i);
      memcpy (&engagement, &w, 8);
      sqlite3_result_double (ctx, engagement);
      break;
    case VCOL_SCORE:
      w = block_word (b, COL_FIT, i);
      memcpy (&fit, &w, 8);
      w = block_word (b, COL_ENGAGEMENT, i);
      memcpy (&engagement, &w, 8);
      sqlite3_result_double (ctx, fit + engagement);
      break;
    case VCOL_GRADE:
      w = block_word (b, COL_GRADE, i);
      memcpy (grade, &w, 8);
      grade[7] = '\0';
      sqlite3_result_text (ctx, grade, -1, SQLITE_TRANSIENT);
      break;
    case VCOL_STATUS:
      sqlite3_result_text (ctx, qualify_status_to_string ((QualifyStatus) block_word (b, COL_STATUS, i)),
                           -1, SQLITE_STATIC);
      break;
    case VCOL_MQL_AT:
    case VCOL_SQL_AT:
    case VCOL_MODEL_VERSION:
      w = block_word (b, column == VCOL_MQL_AT ? COL_MQL_AT : column == VCOL_SQL_AT ? COL_SQL_AT : COL_MODEL_VERSION, i);
      if (w != 0)
        sqlite3_result_int64 (ctx, (gint64) w);
      else
        sqlite3_result_null (ctx);
      break;
    case VCOL_SCORED_AT:
      sqlite3_result_int64 (ctx, (gint64) block_word (b, COL_SCORED_AT, i));
      break;
    default:
      sqlite3_result_null (ctx);
      break;
    }

  return SQLITE_OK;
}

static int
results_rowid (sqlite3_vtab_cursor *cursor,
               sqlite3_int64       *rowid)
{
  ResultsCursor *c = (ResultsCursor *) cursor;

  *rowid = block_lead_id (&g_array_index (c->snapshot->blocks, Block, c->block), c->row);
  return SQLITE_OK;
}

/* Deletes the result of one lead: its block is written again without it. */
static int
results_delete (ResultsTable *t,
                gint64        id)
{
  g_autofree QualifyResult *rows = NULL;
  const Block *b;
  guint block, row, n;
  int rc;

  if ((rc = results_update_snapshot (t)) != SQLITE_OK)
    return rc;
  if (!snapshot_find (t->snapshot, id, &block, &row))
    return SQLITE_OK;

  b = &g_array_index (t->snapshot->blocks, Block, block);
  rows = block_rows (b);
  n = b->n;
  memmove (&rows[row], &rows[row + 1], (n - row - 1) * sizeof *rows);
  n--;
  t->writes++;

  if (n == 0 || rows[0].lead_id != b->first)
    rc = block_delete (t->db, b->first);
  if (rc == SQLITE_OK && n > 0)
    {
      sqlite3_stmt *put = NULL;

      rc = block_put (t->db, &put, rows, n, NULL);
      sqlite3_finalize (put);
    }
  if (rc != SQLITE_OK)
    return results_set_error (&t->base, rc, "%s", sqlite3_errmsg (t->db));
  return SQLITE_OK;
}

static int
results_update (sqlite3_vtab   *vtab,
                int             argc,
                sqlite3_value **argv,
                sqlite3_int64  *rowid)
{
  if (argc == 1 && sqlite3_value_type (argv[0]) != SQLITE_NULL)
    return results_delete ((ResultsTable *) vtab, sqlite3_value_int64 (argv[0]));

  return results_set_error (vtab, SQLITE_READONLY,
                            "results are written by scoring (qualify-cli score); rows can only be deleted");
}

static const sqlite3_module results_module = {
  .iVersion = 1,
  .xCreate = results_connect,
  .xConnect = results_connect,
  .xBestIndex = results_best_index,
  .xDisconnect = results_disconnect,
  .xDestroy = results_disconnect,
  .xOpen = results_open,
  .xClose = results_close,
  .xFilter = results_filter,
  .xNext = results_next,
  .xEof = results_eof,
  .xColumn = results_column,
  .xRowid = results_rowid,
  .xUpdate = results_update,
};

int
_qualify_results_create_module (sqlite3 *db)
{
  return sqlite3_create_module_v2 (db, "qualify_results", &results_module, NULL, NULL);
}

static int
results_auto_extension (sqlite3                           *db,
                        char                             **err,
                        const struct sqlite3_api_routines *api)
{
  return _qualify_results_create_module (db);
}

void
_qualify_results_register_module (void)
{
  /* does nothing when already registered */
  sqlite3_auto_extension ((void (*) (void)) (void *) results_auto_extension);
}

/* Migration */

gboolean
_qualify_results_migrate (QualifyStore  *store,
                          GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) put = NULL;
  g_autofree QualifyResult *rows = g_new0 (QualifyResult, QUALIFY_RESULTS_BLOCK);
  guint n = 0;
  int rc;

  if (!(stmt = _qualify_store_prepare (store,
                                       "SELECT lead_id, fit, engagement, grade, status, coalesce(mql_at, 0),"
                                       " coalesce(sql_at, 0), scored_at, coalesce(model_version, 0)"
                                       " FROM results ORDER BY lead_id", error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QualifyResult *r = &rows[n];
      const char *grade = (const char *) sqlite3_column_text (stmt, 3);

      memset (r, 0, sizeof *r);
      r->lead_id = sqlite3_column_int64 (stmt, 0);
      r->fit = sqlite3_column_double (stmt, 1);
      r->engagement = sqlite3_column_double (stmt, 2);
      g_strlcpy (r->grade, grade ? grade : "", sizeof r->grade);
      if (!qualify_status_from_string ((const char *) sqlite3_column_text (stmt, 4), &r->status) ||
          r->status == QUALIFY_STATUS_NONE)
        r->status = QUALIFY_STATUS_LEAD;
      r->mql_at = sqlite3_column_int64 (stmt, 5);
      r->sql_at = sqlite3_column_int64 (stmt, 6);
      r->scored_at = sqlite3_column_int64 (stmt, 7);
      r->model_version = sqlite3_column_int64 (stmt, 8);

      if (++n == QUALIFY_RESULTS_BLOCK)
        {
          if (!_qualify_results_put_block (store, &put, rows, n, NULL, error))
            return FALSE;
          n = 0;
        }
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not read the results to upgrade"), error);
  if (n > 0 && !_qualify_results_put_block (store, &put, rows, n, NULL, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_pointer (&put, sqlite3_finalize);

  return _qualify_store_exec (store,
                              "DROP TABLE results;"
                              "CREATE VIRTUAL TABLE results USING qualify_results;",
                              error);
}
