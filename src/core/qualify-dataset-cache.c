/* qualify-dataset-cache.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-dataset-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-dataset-private.h"
#include "qualify-store-private.h"

/* The scoring dataset of a big workspace (ten million events) takes seconds
 * to read row by row; the same arrays, packed, read in a fraction of that.
 * They are kept in the dataset_cache table, one row per entry:
 *
 *   "events"         lead ids and every event per lead (CSR)
 *   "column:FIELD"   one lead field column: its values and the id per lead
 *
 * Each row carries the stamp of the workspace it was built from (see
 * _qualify_dataset_cache_stamp()); an entry with another stamp is never used.
 * A blob starts with a header (magic, format, payload length, checksum of the
 * payload); a blob that does not check out, or whose arrays are out of bounds,
 * is treated as missing and rebuilt from the tables. Integers are stored in
 * host byte order (the magic tells another one apart) and arrays of small
 * numbers in the narrowest width that holds them. */

#define CACHE_FORMAT 1
#define MAGIC_EVENTS 0x31455144u  /* "DQE1" */
#define MAGIC_COLUMN 0x31435144u  /* "DQC1" */
#define HEADER_SIZE  24           /* magic u32, format u32, length u64, checksum u64 */

G_STATIC_ASSERT (sizeof (gint64) == 8);

/* The stamp: every fact that changes when the dataset may have changed, all
 * read in O(log n). New leads and events get larger ids than any before (rowid
 * tables, ids assigned by SQLite or the importer in order) and every import
 * adds an import run; updates and deletes bump dataset_generation (triggers);
 * a schema change (an import dropping an index, a migration) changes
 * schema_version. */
char *
_qualify_dataset_cache_stamp (QualifyStore  *store,
                              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) stamp = g_string_new (NULL);
  int rc;

  if (!(stmt = _qualify_store_prepare (store,
                                       "SELECT (SELECT schema_version FROM pragma_schema_version),"
                                       " (SELECT n FROM dataset_generation),"
                                       " (SELECT max(id) FROM leads), (SELECT max(id) FROM events),"
                                       " (SELECT max(id) FROM event_types), (SELECT max(id) FROM event_details),"
                                       " (SELECT max(id) FROM import_runs),"
                                       " (SELECT finished_at FROM import_runs ORDER BY id DESC LIMIT 1)",
                                       error)))
    return NULL;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      _qualify_store_set_error (store, rc, _("Could not read the workspace state"), error);
      return NULL;
    }

  g_string_append_printf (stamp, "%d", CACHE_FORMAT);
  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    g_string_append_printf (stamp, ":%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, i));

  return g_string_free (g_steal_pointer (&stamp), FALSE);
}

/* Writing */

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static void
put_u64 (GByteArray *out,
         guint64     v)
{
  g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static guint8
width_for (guint64 max)
{
  return max <= G_MAXUINT8 ? 1 : max <= G_MAXUINT16 ? 2 : max <= G_MAXUINT32 ? 4 : 8;
}

/* Appends @n values v(i) - @base (all >= @base) in the narrowest width. */
#define PUT_PACKED(out, n, base, v)                                           \
  G_STMT_START {                                                              \
    guint64 max_ = 0;                                                         \
    guint8 width_;                                                            \
    guint64 at_;                                                              \
    const guint64 n_ = (n);                                                   \
    for (guint64 i = 0; i < n_; i++)                                         \
      max_ = MAX (max_, (guint64) ((v) - (base)));                            \
    width_ = width_for (max_);                                                \
    g_byte_array_append ((out), &width_, 1);                                  \
    at_ = (out)->len;                                                         \
    g_byte_array_set_size ((out), at_ + n_ * width_);                        \
    for (guint64 i = 0; i < n_; i++)                                         \
      {                                                                       \
        guint64 x_ = (guint64) ((v) - (base));                                \
        switch (width_)                                                       \
          {                                                                   \
          case 1: (out)->data[at_ + i] = (guint8) x_; break;                  \
          case 2: { guint16 y_ = x_; memcpy ((out)->data + at_ + i * 2, &y_, 2); } break; \
          case 4: { guint32 y_ = x_; memcpy ((out)->data + at_ + i * 4, &y_, 4); } break; \
          default: memcpy ((out)->data + at_ + i * 8, &x_, 8); break;         \
          }                                                                   \
      }                                                                       \
  } G_STMT_END

static GByteArray *
begin_blob (guint32 magic)
{
  GByteArray *out = g_byte_array_new ();

  put_u32 (out, magic);
  put_u32 (out, CACHE_FORMAT);
  put_u64 (out, 0);
  put_u64 (out, 0);
  return out;
}

static GBytes *
end_blob (GByteArray *out)
{
  guint64 len = out->len - HEADER_SIZE;
  guint64 sum = _qualify_store_checksum (out->data + HEADER_SIZE, len);

  memcpy (out->data + 8, &len, 8);
  memcpy (out->data + 16, &sum, 8);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
_qualify_dataset_cache_encode_events (const gint64            *lead_ids,
                                      guint                    n_leads,
                                      const QualifyEventIndex *ev)
{
  GByteArray *out = begin_blob (MAGIC_EVENTS);
  gint64 min_time = G_MAXINT64;

  put_u32 (out, n_leads);
  put_u32 (out, ev->types->len);
  put_u32 (out, ev->details->len);
  put_u64 (out, ev->n);

  /* lead ids: the first, then the (positive) gaps */
  put_u64 (out, n_leads > 0 ? (guint64) lead_ids[0] : 0);
  PUT_PACKED (out, n_leads > 0 ? n_leads - 1 : 0, 0, lead_ids[i + 1] - lead_ids[i]);
  PUT_PACKED (out, n_leads, 0, ev->offsets[i + 1] - ev->offsets[i]);
  PUT_PACKED (out, ev->n, 0, ev->type_ids[i]);
  PUT_PACKED (out, ev->n, 0, ev->detail_ids[i]);
  for (guint64 i = 0; i < ev->n; i++)
    min_time = MIN (min_time, ev->times[i]);
  if (ev->n == 0)
    min_time = 0;
  put_u64 (out, (guint64) min_time);
  PUT_PACKED (out, ev->n, min_time, (guint64) ev->times[i]);

  return end_blob (out);
}

static void
put_string (GByteArray *out,
            const char *s)
{
  guint32 len = s != NULL ? strlen (s) : G_MAXUINT32;

  put_u32 (out, len);
  if (s != NULL)
    g_byte_array_append (out, (const guint8 *) s, len);
}

GBytes *
_qualify_dataset_cache_encode_column (const QualifyColumn *column,
                                      guint                n_leads)
{
  GByteArray *out = begin_blob (MAGIC_COLUMN);

  put_u32 (out, n_leads);
  put_u32 (out, column->raw->len);
  for (guint i = 1; i < column->raw->len; i++)
    {
      put_string (out, g_ptr_array_index (column->raw, i));
      put_string (out, g_ptr_array_index (column->normal, i));
    }
  PUT_PACKED (out, n_leads, 0, column->ids[i]);

  return end_blob (out);
}

/* Reading: every read is bounds-checked; any failure makes the entry invalid. */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
} Reader;

static gboolean
get_u32 (Reader  *r,
         guint32 *v)
{
  if (r->end - r->p < 4)
    return FALSE;
  memcpy (v, r->p, 4);
  r->p += 4;
  return TRUE;
}

static gboolean
get_u64 (Reader  *r,
         guint64 *v)
{
  if (r->end - r->p < 8)
    return FALSE;
  memcpy (v, r->p, 8);
  r->p += 8;
  return TRUE;
}

/* Reads @n packed values, each then stored as dest[i] = base + value; fails
 * when one is not below @limit (0: no limit). */
#define GET_PACKED(r, n, dest, type, base, limit, ok)                         \
  G_STMT_START {                                                              \
    guint8 width_;                                                            \
    guint64 max_ = 0;                                                         \
    const guint64 n_ = (n);                                                   \
    const guint64 limit_ = (limit);                                           \
    (ok) = FALSE;                                                             \
    if ((r)->p < (r)->end)                                                    \
      {                                                                       \
        width_ = *(r)->p++;                                                   \
        if ((width_ == 1 || width_ == 2 || width_ == 4 || width_ == 8) &&     \
            (guint64) ((r)->end - (r)->p) / width_ >= n_)          \
          {                                                                   \
            switch (width_)                                                   \
              {                                                               \
              case 1:                                                         \
                for (guint64 i = 0; i < n_; i++)                             \
                  { guint8 x_ = (r)->p[i]; max_ = MAX (max_, x_); (dest)[i] = (type) ((base) + x_); } \
                break;                                                        \
              case 2:                                                         \
                for (guint64 i = 0; i < n_; i++)                             \
                  { guint16 x_; memcpy (&x_, (r)->p + i * 2, 2); max_ = MAX (max_, x_); (dest)[i] = (type) ((base) + x_); } \
                break;                                                        \
              case 4:                                                         \
                for (guint64 i = 0; i < n_; i++)                             \
                  { guint32 x_; memcpy (&x_, (r)->p + i * 4, 4); max_ = MAX (max_, x_); (dest)[i] = (type) ((base) + x_); } \
                break;                                                        \
              default:                                                        \
                for (guint64 i = 0; i < n_; i++)                             \
                  { guint64 x_; memcpy (&x_, (r)->p + i * 8, 8); max_ = MAX (max_, x_); (dest)[i] = (type) ((base) + x_); } \
                break;                                                        \
              }                                                               \
            (r)->p += n_ * width_;                                 \
            (ok) = limit_ == 0 || n_ == 0 || max_ < limit_;      \
          }                                                                   \
      }                                                                       \
  } G_STMT_END

static gboolean
open_blob (Reader       *r,
           const guint8 *data,
           gsize         len,
           guint32       magic)
{
  guint32 m, format;
  guint64 length, sum;

  r->p = data;
  r->end = data + len;
  if (!get_u32 (r, &m) || !get_u32 (r, &format) || !get_u64 (r, &length) || !get_u64 (r, &sum))
    return FALSE;
  if (m != magic || format != CACHE_FORMAT || length != len - HEADER_SIZE)
    return FALSE;
  return _qualify_store_checksum (r->p, length) == sum;
}

gboolean
_qualify_dataset_cache_decode_events (const guint8       *data,
                                      gsize               len,
                                      guint               n_types,
                                      guint               n_details,
                                      gint64            **lead_ids_out,
                                      guint              *n_leads_out,
                                      QualifyEventIndex  *ev)
{
  Reader r;
  guint32 n_leads, types, details;
  guint64 n, first, min_time;
  g_autofree gint64 *lead_ids = NULL;
  g_autofree guint64 *offsets = NULL;
  g_autofree guint32 *type_ids = NULL;
  g_autofree guint32 *detail_ids = NULL;
  g_autofree gint64 *times = NULL;
  gboolean ok;

  if (!open_blob (&r, data, len, MAGIC_EVENTS) ||
      !get_u32 (&r, &n_leads) || !get_u32 (&r, &types) || !get_u32 (&r, &details) ||
      !get_u64 (&r, &n) || !get_u64 (&r, &first))
    return FALSE;
  /* the dictionaries are read from their tables: they must be the same */
  if (types != n_types || details != n_details || n > (guint64) (r.end - r.p))
    return FALSE;

  lead_ids = g_new (gint64, MAX (n_leads, 1));
  if (n_leads > 0)
    {
      lead_ids[0] = (gint64) first;
      GET_PACKED (&r, n_leads - 1, lead_ids + 1, gint64, 0, 0, ok);
      if (!ok)
        return FALSE;
      /* gaps back to ids: strictly ascending */
      for (guint i = 1; i < n_leads; i++)
        {
          if (lead_ids[i] <= 0)
            return FALSE;
          lead_ids[i] += lead_ids[i - 1];
        }
    }
  else
    {
      GET_PACKED (&r, 0, lead_ids, gint64, 0, 0, ok);
      if (!ok)
        return FALSE;
    }

  offsets = g_new (guint64, (gsize) n_leads + 1);
  GET_PACKED (&r, n_leads, offsets + 1, guint64, 0, n + 1, ok);
  if (!ok)
    return FALSE;
  offsets[0] = 0;
  for (guint i = 0; i < n_leads; i++)
    offsets[i + 1] += offsets[i];
  if (offsets[n_leads] != n)
    return FALSE;

  type_ids = g_new (guint32, MAX (n, 1));
  GET_PACKED (&r, n, type_ids, guint32, 0, n_types, ok);
  if (!ok)
    return FALSE;
  detail_ids = g_new (guint32, MAX (n, 1));
  GET_PACKED (&r, n, detail_ids, guint32, 0, n_details, ok);
  if (!ok)
    return FALSE;
  times = g_new (gint64, MAX (n, 1));
  if (!get_u64 (&r, &min_time))
    return FALSE;
  GET_PACKED (&r, n, times, gint64, (guint64) min_time, 0, ok);
  if (!ok || r.p != r.end)
    return FALSE;

  /* type 0 is unused: such events are skipped when read from the table */
  for (guint64 i = 0; i < n; i++)
    if (type_ids[i] == 0)
      return FALSE;

  *lead_ids_out = g_steal_pointer (&lead_ids);
  *n_leads_out = n_leads;
  ev->n = n;
  ev->offsets = g_steal_pointer (&offsets);
  ev->type_ids = g_steal_pointer (&type_ids);
  ev->detail_ids = g_steal_pointer (&detail_ids);
  ev->times = g_steal_pointer (&times);
  return TRUE;
}

/* One string: length (G_MAXUINT32 = NULL), bytes. Copied into @pool (with
 * its NUL) at *@at; only measured when @pool is NULL. */
static gboolean
get_string (Reader  *r,
            char    *pool,
            gsize   *at,
            char   **out)
{
  guint32 len;

  if (!get_u32 (r, &len))
    return FALSE;
  if (len == G_MAXUINT32)
    {
      *out = NULL;
      return TRUE;
    }
  if ((gsize) (r->end - r->p) < len || memchr (r->p, '\0', len) != NULL)
    return FALSE;
  if (pool != NULL)
    {
      *out = pool + *at;
      memcpy (*out, r->p, len);
      (*out)[len] = '\0';
    }
  *at += len + 1;
  r->p += len;
  return TRUE;
}

QualifyColumn *
_qualify_dataset_cache_decode_column (const guint8 *data,
                                      gsize         len,
                                      const char   *name,
                                      guint         n_leads)
{
  Reader r, values;
  guint32 leads, n_values;
  g_autoptr(GPtrArray) raw = NULL;
  g_autoptr(GPtrArray) normal = NULL;
  g_autofree guint32 *ids = NULL;
  g_autofree char *pool = NULL;
  QualifyColumn *column;
  gsize size = 0;
  gboolean ok;

  if (!open_blob (&r, data, len, MAGIC_COLUMN) ||
      !get_u32 (&r, &leads) || !get_u32 (&r, &n_values) ||
      leads != n_leads || n_values == 0 || n_values > (guint64) (r.end - r.p) / 8 + 1)
    return NULL;

  /* the values, all in one block: measured, then copied */
  values = r;
  for (guint i = 1; i < n_values; i++)
    {
      char *unused;

      if (!get_string (&r, NULL, &size, &unused) || !get_string (&r, NULL, &size, &unused))
        return NULL;
    }

  pool = g_malloc (MAX (size, 1));
  raw = g_ptr_array_sized_new (n_values);
  normal = g_ptr_array_sized_new (n_values);
  g_ptr_array_add (raw, NULL);
  g_ptr_array_add (normal, NULL);
  size = 0;
  r = values;
  for (guint i = 1; i < n_values; i++)
    {
      char *a, *b;

      get_string (&r, pool, &size, &a);
      get_string (&r, pool, &size, &b);
      g_ptr_array_add (raw, a);
      g_ptr_array_add (normal, b);
    }

  ids = g_new (guint32, MAX (n_leads, 1));
  GET_PACKED (&r, n_leads, ids, guint32, 0, n_values, ok);
  if (!ok || r.p != r.end)
    return NULL;

  column = g_new0 (QualifyColumn, 1);
  column->name = g_strdup (name);
  column->ids = g_steal_pointer (&ids);
  column->raw = g_steal_pointer (&raw);
  column->normal = g_steal_pointer (&normal);
  column->strings = g_steal_pointer (&pool);
  return column;
}

/* The entry @name when its stamp is @stamp, read into a buffer of ours (free
 * with g_free()), or NULL when there is none. */
guint8 *
_qualify_dataset_cache_read (QualifyStore *store,
                             const char   *name,
                             const char   *stamp,
                             gsize        *len)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store,
                                                         "SELECT rowid, length(data) FROM dataset_cache"
                                                         " WHERE name = ?1 AND stamp = ?2",
                                                         NULL);
  sqlite3_blob *blob = NULL;
  g_autofree guint8 *data = NULL;
  gint64 size;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stamp, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  size = sqlite3_column_int64 (stmt, 1);
  if (size <= 0 || size > G_MAXINT ||
      sqlite3_blob_open (_qualify_store_get_db (store), "main", "dataset_cache", "data",
                         sqlite3_column_int64 (stmt, 0), 0, &blob) != SQLITE_OK)
    {
      sqlite3_blob_close (blob);
      return NULL;
    }

  data = g_malloc (size);
  rc = sqlite3_blob_read (blob, data, size, 0);
  sqlite3_blob_close (blob);
  if (rc != SQLITE_OK)
    return NULL;

  *len = size;
  return g_steal_pointer (&data);
}

/* The entry @name when its stamp is @stamp: returns the statement holding the
 * row (finalize it when done with *data), or NULL when there is none. */
sqlite3_stmt *
_qualify_dataset_cache_lookup (QualifyStore  *store,
                               const char    *name,
                               const char    *stamp,
                               const guint8 **data,
                               gsize         *len)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store,
                                                         "SELECT data FROM dataset_cache"
                                                         " WHERE name = ?1 AND stamp = ?2",
                                                         NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stamp, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) != SQLITE_BLOB)
    return NULL;

  *data = sqlite3_column_blob (stmt, 0);
  *len = sqlite3_column_bytes (stmt, 0);
  return g_steal_pointer (&stmt);
}

/* Can this connection write the cache now? Only inside a write transaction
 * (a rescore's): the dataset it read is then exactly the one its stamp
 * describes, and nothing is written behind a reader's back. */
gboolean
_qualify_dataset_cache_can_write (QualifyStore *store)
{
  return sqlite3_txn_state (_qualify_store_get_db (store), "main") == SQLITE_TXN_WRITE;
}

/* Saves an entry (dropping entries of other stamps first). A failure leaves
 * the transaction as it was and is only fatal when SQLite rolled it back. */
gboolean
_qualify_dataset_cache_save (QualifyStore  *store,
                             const char    *name,
                             const char    *stamp,
                             GBytes        *blob,
                             GError       **error)
{
  g_autoptr(sqlite3_stmt) drop = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  sqlite3 *db = _qualify_store_get_db (store);
  gsize len;
  const guint8 *data = g_bytes_get_data (blob, &len);
  int rc = SQLITE_OK;

  if (sqlite3_exec (db, "SAVEPOINT dataset_cache", NULL, NULL, NULL) != SQLITE_OK)
    return TRUE;

  if ((drop = _qualify_store_prepare (store, "DELETE FROM dataset_cache WHERE stamp != ?", NULL)) &&
      (insert = _qualify_store_prepare (store, "INSERT OR REPLACE INTO dataset_cache (name, stamp, data)"
                                               " VALUES (?, ?, ?)", NULL)))
    {
      sqlite3_bind_text (drop, 1, stamp, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 2, stamp, -1, SQLITE_STATIC);
      sqlite3_bind_blob64 (insert, 3, data, len, SQLITE_STATIC);
      if ((rc = sqlite3_step (drop)) == SQLITE_DONE)
        rc = sqlite3_step (insert);
    }
  else
    rc = SQLITE_ERROR;

  if (rc == SQLITE_DONE)
    {
      sqlite3_exec (db, "RELEASE dataset_cache", NULL, NULL, NULL);
      return TRUE;
    }

  g_debug ("dataset cache entry “%s” not saved: %s", name, sqlite3_errstr (rc));
  g_clear_pointer (&drop, sqlite3_finalize);
  g_clear_pointer (&insert, sqlite3_finalize);
  if (sqlite3_get_autocommit (db))
    return _qualify_store_set_error (store, rc, _("Could not save the dataset cache"), error);
  sqlite3_exec (db, "ROLLBACK TO dataset_cache; RELEASE dataset_cache", NULL, NULL, NULL);
  return TRUE;
}
