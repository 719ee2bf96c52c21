/* qualify-lead-table.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE 1  /* memmem() */
#define G_LOG_DOMAIN "qualify-lead-table"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "qualify-lead-table.h"
#include "qualify-store-private.h"

/* String slots per row in the display arena. */
enum
{
  SLOT_NAME,
  SLOT_EMAIL,
  SLOT_COMPANY,
  SLOT_TITLE,
  N_SLOTS
};

#define MAX_GRADES 32

struct _QualifyLeadTable
{
  GObject    parent_instance;

  guint      n;
  gint64    *ids;
  float     *fit;
  float     *engagement;
  float     *score;
  guint8    *grade;          /* index into grades; 0 = not scored */
  guint8    *status;         /* QualifyStatus */
  guint32   *mql_at;         /* unix seconds (until 2106); 0 = never */
  guint32   *sql_at;
  guint32   *last_activity;

  /* Display strings: N_SLOTS offsets per row into arena (NUL-terminated). */
  guint32   *str_off;
  char      *arena;
  gsize      arena_len;

  /* Case-folded "name\0email\0company\0" per row; row i is
   * search[search_off[i] … search_off[i + 1]). */
  guint32   *search_off;
  char      *search;
  gsize      search_len;

  char       grades[MAX_GRADES][4];
  guint      n_grades;
  guint      status_counts[QUALIFY_N_STATUSES];
  gboolean   ids_dense;
  gboolean   preview;        /* only the best leads (rows not in id order) */
  double     load_seconds;

  GMutex     lock;
  guint32   *sorted;         /* permutation of the last sort, or NULL */
  QualifyLeadColumn sorted_by;
  gboolean   sorted_desc;
};

G_DEFINE_FINAL_TYPE (QualifyLeadTable, qualify_lead_table, G_TYPE_OBJECT)

typedef struct
{
  char  *data;
  gsize  len;
  gsize  cap;
} Buffer;

static void
buffer_append (Buffer     *buf,
               const char *str,
               gsize       len)
{
  if (buf->len + len + 1 > buf->cap)
    {
      buf->cap = MAX (buf->cap * 2, buf->len + len + 1 + 4096);
      buf->data = g_realloc (buf->data, buf->cap);
    }
  if (len > 0)
    memcpy (buf->data + buf->len, str, len);
  buf->data[buf->len + len] = '\0';
  buf->len += len + 1;
}

/* Appends "first last", "first", "last" or "". */
static void
buffer_append_name (Buffer     *buf,
                    const char *first,
                    gsize       first_len,
                    const char *last,
                    gsize       last_len)
{
  gsize start = buf->len;

  if (first_len == 0 || last_len == 0)
    {
      if (first_len > 0)
        buffer_append (buf, first, first_len);
      else
        buffer_append (buf, last_len > 0 ? last : "", last_len);
      return;
    }

  if (start + first_len + 1 + last_len + 1 > buf->cap)
    {
      buf->cap = MAX (buf->cap * 2, start + first_len + last_len + 2 + 4096);
      buf->data = g_realloc (buf->data, buf->cap);
    }
  memcpy (buf->data + start, first, first_len);
  buf->data[start + first_len] = ' ';
  memcpy (buf->data + start + first_len + 1, last, last_len);
  buf->data[start + first_len + 1 + last_len] = '\0';
  buf->len = start + first_len + 1 + last_len + 1;
}

/* Appends the comparison form of @str: ASCII lower-case, or g_utf8_casefold()
 * for other text. */
static void
buffer_append_folded (Buffer     *buf,
                      const char *str,
                      gsize       len)
{
  gboolean ascii = TRUE;
  gsize start = buf->len;

  for (gsize i = 0; i < len; i++)
    if ((guchar) str[i] >= 0x80)
      {
        ascii = FALSE;
        break;
      }

  if (!ascii && g_utf8_validate (str, len, NULL))
    {
      g_autofree char *folded = g_utf8_casefold (str, len);
      buffer_append (buf, folded, strlen (folded));
      return;
    }

  buffer_append (buf, str, len);
  for (gsize i = start; i < start + len; i++)
    buf->data[i] = g_ascii_tolower (buf->data[i]);
}

static void
qualify_lead_table_finalize (GObject *object)
{
  QualifyLeadTable *self = (QualifyLeadTable *) object;

  g_free (self->ids);
  g_free (self->fit);
  g_free (self->engagement);
  g_free (self->score);
  g_free (self->grade);
  g_free (self->status);
  g_free (self->mql_at);
  g_free (self->sql_at);
  g_free (self->last_activity);
  g_free (self->str_off);
  g_free (self->arena);
  g_free (self->search_off);
  g_free (self->search);
  g_free (self->sorted);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (qualify_lead_table_parent_class)->finalize (object);
}

static void
qualify_lead_table_class_init (QualifyLeadTableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qualify_lead_table_finalize;
}

static void
qualify_lead_table_init (QualifyLeadTable *self)
{
  g_mutex_init (&self->lock);
  self->n_grades = 1;  /* index 0 = "" (not scored) */
}

static void
grow (QualifyLeadTable *self,
      guint             cap)
{
  self->ids = g_renew (gint64, self->ids, cap);
  self->fit = g_renew (float, self->fit, cap);
  self->engagement = g_renew (float, self->engagement, cap);
  self->score = g_renew (float, self->score, cap);
  self->grade = g_renew (guint8, self->grade, cap);
  self->status = g_renew (guint8, self->status, cap);
  self->mql_at = g_renew (guint32, self->mql_at, cap);
  self->sql_at = g_renew (guint32, self->sql_at, cap);
  self->str_off = g_renew (guint32, self->str_off, (gsize) cap * N_SLOTS);
  self->search_off = g_renew (guint32, self->search_off, (gsize) cap + 1);
}

static inline guint32
clamp_time (gint64 t)
{
  return (guint32) CLAMP (t, 0, (gint64) G_MAXUINT32);
}

static guint8
intern_grade (QualifyLeadTable *self,
              const char       *grade)
{
  if (grade == NULL || grade[0] == '\0')
    return 0;

  for (guint i = 1; i < self->n_grades; i++)
    if (strcmp (self->grades[i], grade) == 0)
      return i;

  if (self->n_grades == MAX_GRADES)
    return MAX_GRADES - 1;

  g_strlcpy (self->grades[self->n_grades], grade, sizeof self->grades[0]);
  return self->n_grades++;
}

#define LEADS_SQL \
  "SELECT l.id, l.email, l.first_name, l.last_name, l.company, l.title, r.fit, r.engagement," \
  " r.score, r.grade, r.status, r.mql_at, r.sql_at, %s "

static gboolean
load_leads (QualifyLeadTable  *self,
            QualifyStore      *store,
            guint              limit,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  Buffer arena = { NULL, 0, 0 };
  Buffer search = { NULL, 0, 0 };
  g_autofree char *sql = NULL;
  guint cap = 0;
  int rc;

  /* max(id) is a cheap estimate of the count (one b-tree descent). */
  if (!(stmt = _qualify_store_prepare (store, "SELECT max(id) FROM leads", error)))
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cap = (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 0, 64 * 1024 * 1024);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (limit > 0)
    {
      /* Preview: the best leads, with their last activity through the index. */
      sql = g_strdup_printf (LEADS_SQL
                             "FROM (SELECT lead_id, fit, engagement, score, grade, status,"
                             "       mql_at, sql_at FROM results"
                             "      ORDER BY score DESC, lead_id LIMIT %u) r "
                             "JOIN leads l ON l.id = r.lead_id ORDER BY r.score DESC, l.id",
                             "(SELECT max(occurred_at) FROM events e WHERE e.lead_id = l.id)",
                             limit);
      cap = limit;
      self->preview = TRUE;
    }
  else
    sql = g_strdup_printf (LEADS_SQL "FROM leads l LEFT JOIN results r ON r.lead_id = l.id "
                           "ORDER BY l.id", "0");

  cap = MAX (cap, 16);
  grow (self, cap);
  /* Generous: these are large enough for malloc to map them, and untouched
   * pages cost no memory, while growing by doubling would briefly hold the old
   * and the new copy (demo data needs ~86 and ~69 bytes per lead). The final
   * realloc gives back the unused tail. */
  arena.cap = (gsize) cap * 160;
  arena.data = g_malloc (arena.cap);
  search.cap = (gsize) cap * 128;
  search.data = g_malloc (search.cap);
  if (self->preview)
    self->last_activity = g_new0 (guint32, cap);

  if (!(stmt = _qualify_store_prepare (store, sql, error)))
    {
      g_free (arena.data);
      g_free (search.data);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint i = self->n;
      const char *email = (const char *) sqlite3_column_text (stmt, 1);
      const char *first = (const char *) sqlite3_column_text (stmt, 2);
      const char *last = (const char *) sqlite3_column_text (stmt, 3);
      const char *company = (const char *) sqlite3_column_text (stmt, 4);
      const char *title = (const char *) sqlite3_column_text (stmt, 5);
      gsize first_len = first ? strlen (first) : 0;
      gsize last_len = last ? strlen (last) : 0;
      gsize name_start;
      QualifyStatus status = QUALIFY_STATUS_NONE;

      if ((i & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_free (arena.data);
          g_free (search.data);
          return FALSE;
        }

      if (i == cap)
        {
          cap *= 2;
          grow (self, cap);
        }

      self->ids[i] = sqlite3_column_int64 (stmt, 0);

      /* Name: "First Last" built in place. */
      name_start = arena.len;
      self->str_off[i * N_SLOTS + SLOT_NAME] = (guint32) name_start;
      buffer_append_name (&arena, first, first_len, last, last_len);

      self->str_off[i * N_SLOTS + SLOT_EMAIL] = (guint32) arena.len;
      buffer_append (&arena, email ? email : "", email ? strlen (email) : 0);
      self->str_off[i * N_SLOTS + SLOT_COMPANY] = (guint32) arena.len;
      buffer_append (&arena, company ? company : "", company ? strlen (company) : 0);
      self->str_off[i * N_SLOTS + SLOT_TITLE] = (guint32) arena.len;
      buffer_append (&arena, title ? title : "", title ? strlen (title) : 0);

      self->search_off[i] = (guint32) search.len;
      {
        const char *name = arena.data + name_start;
        buffer_append_folded (&search, name, strlen (name));
      }
      buffer_append_folded (&search, email ? email : "", email ? strlen (email) : 0);
      buffer_append_folded (&search, company ? company : "", company ? strlen (company) : 0);

      if (sqlite3_column_type (stmt, 8) != SQLITE_NULL)
        {
          self->fit[i] = (float) sqlite3_column_double (stmt, 6);
          self->engagement[i] = (float) sqlite3_column_double (stmt, 7);
          self->score[i] = (float) sqlite3_column_double (stmt, 8);
          self->grade[i] = intern_grade (self, (const char *) sqlite3_column_text (stmt, 9));
          if (!qualify_status_from_string ((const char *) sqlite3_column_text (stmt, 10), &status))
            status = QUALIFY_STATUS_NONE;
          self->mql_at[i] = clamp_time (sqlite3_column_int64 (stmt, 11));
          self->sql_at[i] = clamp_time (sqlite3_column_int64 (stmt, 12));
        }
      else
        {
          self->fit[i] = self->engagement[i] = self->score[i] = 0.f;
          self->grade[i] = 0;
          self->mql_at[i] = self->sql_at[i] = 0;
        }
      self->status[i] = (guint8) status;
      self->status_counts[status]++;
      if (self->preview)
        self->last_activity[i] = clamp_time (sqlite3_column_int64 (stmt, 13));
      self->n++;

      if (arena.len > G_MAXUINT32 - 4096 || search.len > G_MAXUINT32 - 4096)
        {
          g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_FAILED,
                       _("The workspace has too much lead text to show in one list"));
          g_free (arena.data);
          g_free (search.data);
          return FALSE;
        }
    }

  if (rc != SQLITE_DONE)
    {
      g_free (arena.data);
      g_free (search.data);
      return _qualify_store_set_error (store, rc, _("Could not read the leads"), error);
    }

  self->search_off[self->n] = (guint32) search.len;
  self->arena = g_realloc (arena.data, MAX (arena.len, 1));
  self->arena_len = arena.len;
  self->search = g_realloc (search.data, MAX (search.len, 1));
  self->search_len = search.len;

  self->ids_dense = !self->preview &&
                    (self->n == 0 || self->ids[self->n - 1] - self->ids[0] == (gint64) self->n - 1);

  return TRUE;
}

typedef struct
{
  char    *path;
  gint64   max_id;
  guint32 *by_id;     /* newest event per lead id (index = id), max_id + 1 entries */
  GError  *error;
  GCancellable *cancellable;
} ActivityScan;

/* A scan reads each page once: a big page cache would only add to the peak
 * memory of loading (two scanning connections × 64 MB). */
static void
set_scan_cache (QualifyStore *store)
{
  _qualify_store_exec (store, "PRAGMA cache_size = -2048", NULL);
}

/* Runs in its own thread with its own connection, while the leads are read.
 * A sequential scan of the table is much faster than max() per lead through the
 * index (which reads every event row at random). */
static gpointer
activity_scan_thread (gpointer data)
{
  ActivityScan *scan = data;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint64 k = 0;
  int rc;

  if (!(store = qualify_store_open (scan->path, &scan->error)))
    return NULL;
  set_scan_cache (store);
  if (!(stmt = _qualify_store_prepare (store, "SELECT lead_id, occurred_at FROM events",
                                       &scan->error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 lead_id = sqlite3_column_int64 (stmt, 0);
      gint64 at = sqlite3_column_int64 (stmt, 1);

      if ((++k & 0xfffff) == 0 &&
          g_cancellable_set_error_if_cancelled (scan->cancellable, &scan->error))
        return NULL;

      if (lead_id >= 0 && lead_id <= scan->max_id && clamp_time (at) > scan->by_id[lead_id])
        scan->by_id[lead_id] = clamp_time (at);
    }

  if (rc != SQLITE_DONE)
    _qualify_store_set_error (store, rc, _("Could not read the events"), &scan->error);

  return NULL;
}

static gint64
get_max_id (QualifyStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!(stmt = _qualify_store_prepare (store, "SELECT max(id) FROM leads", NULL)))
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}

/* Sorting ---------------------------------------------------------------- */

#define KEY_MISSING G_MAXUINT64

static inline guint64
float_key (float    value,
           gboolean descending)
{
  guint32 u;

  memcpy (&u, &value, sizeof u);
  u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  return descending ? (guint32) ~u : u;
}

static inline guint64
time_key (gint64   value,
          gboolean descending)
{
  guint32 u;

  if (value <= 0)
    return KEY_MISSING;
  u = (guint32) MIN (value, (gint64) G_MAXUINT32 - 1);
  return descending ? (guint32) ~u : u;
}

/* The first 8 bytes of a folded string, big-endian: numeric order = byte order. */
static inline guint64
string_key (const char *folded,
            gboolean    descending)
{
  guint64 key = 0;
  guint i;

  if (folded[0] == '\0')
    return KEY_MISSING;

  for (i = 0; i < 8 && folded[i] != '\0'; i++)
    key = (key << 8) | (guchar) folded[i];
  key <<= 8 * (8 - i);

  return descending ? ~key - 1 : key;  /* − 1 keeps clear of KEY_MISSING */
}

/* Stable LSD radix sort of (key, row) pairs, 16 bits a pass; passes where every
 * key has the same digit are skipped. */
static void
radix_sort (guint64  *keys,
            guint32  *rows,
            guint     n)
{
  g_autofree guint64 *tmp_keys = g_new (guint64, MAX (n, 1));
  g_autofree guint32 *tmp_rows = g_new (guint32, MAX (n, 1));
  g_autofree guint32 *counts = g_new0 (guint32, 4 * 65536);
  guint64 *src_k = keys, *dst_k = tmp_keys;
  guint32 *src_r = rows, *dst_r = tmp_rows;

  for (guint i = 0; i < n; i++)
    {
      guint64 k = keys[i];
      counts[0 * 65536 + (k & 0xffff)]++;
      counts[1 * 65536 + ((k >> 16) & 0xffff)]++;
      counts[2 * 65536 + ((k >> 32) & 0xffff)]++;
      counts[3 * 65536 + ((k >> 48) & 0xffff)]++;
    }

  for (guint pass = 0; pass < 4; pass++)
    {
      guint32 *c = counts + pass * 65536;
      guint shift = pass * 16;
      guint32 sum = 0;
      gboolean trivial = FALSE;

      for (guint d = 0; d < 65536; d++)
        {
          guint32 cnt = c[d];
          if (cnt == n)
            trivial = TRUE;
          c[d] = sum;
          sum += cnt;
        }
      if (trivial)
        continue;

      for (guint i = 0; i < n; i++)
        {
          guint32 pos = c[(src_k[i] >> shift) & 0xffff]++;
          dst_k[pos] = src_k[i];
          dst_r[pos] = src_r[i];
        }

      {
        guint64 *tk = src_k;
        guint32 *tr = src_r;
        src_k = dst_k; dst_k = tk;
        src_r = dst_r; dst_r = tr;
      }
    }

  if (src_k != keys)
    {
      memcpy (keys, src_k, sizeof (guint64) * n);
      memcpy (rows, src_r, sizeof (guint32) * n);
    }
}

typedef struct
{
  QualifyLeadTable *self;
  QualifyLeadColumn column;
  gboolean          descending;
  const char      **texts;      /* per row: the compared text of the column */
} TieData;

static const char *
folded_text (QualifyLeadTable  *self,
             QualifyLeadColumn  column,
             guint              row)
{
  const char *s = self->search + self->search_off[row];

  switch (column)
    {
    case QUALIFY_LEAD_COLUMN_NAME:
      /* Nameless leads show (and sort by) their email. */
      return s[0] != '\0' ? s : s + 1;
    case QUALIFY_LEAD_COLUMN_EMAIL:
      return s + strlen (s) + 1;
    case QUALIFY_LEAD_COLUMN_COMPANY:
      s += strlen (s) + 1;
      return s + strlen (s) + 1;
    case QUALIFY_LEAD_COLUMN_TITLE:
      return self->arena + self->str_off[row * N_SLOTS + SLOT_TITLE];
    case QUALIFY_LEAD_COLUMN_GRADE:
    case QUALIFY_LEAD_COLUMN_FIT:
    case QUALIFY_LEAD_COLUMN_ENGAGEMENT:
    case QUALIFY_LEAD_COLUMN_SCORE:
    case QUALIFY_LEAD_COLUMN_STATUS:
    case QUALIFY_LEAD_COLUMN_MQL_AT:
    case QUALIFY_LEAD_COLUMN_LAST_ACTIVITY:
    case QUALIFY_LEAD_COLUMN_ID:
    case QUALIFY_N_LEAD_COLUMNS:
    default:
      return "";
    }
}

static int
tie_compare (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  TieData *td = user_data;
  guint32 ra = *(const guint32 *) a;
  guint32 rb = *(const guint32 *) b;
  const char *sa = td->texts[ra];
  const char *sb = td->texts[rb];
  int cmp;

  if (td->column == QUALIFY_LEAD_COLUMN_TITLE)
    cmp = g_ascii_strcasecmp (sa, sb);
  else
    cmp = strcmp (sa, sb);

  if (td->descending)
    cmp = -cmp;
  if (cmp == 0)
    cmp = ra < rb ? -1 : (ra > rb ? 1 : 0);
  return cmp;
}

/* The 8 bytes of @s from @offset (0 when the string ended before). */
static guint64
chunk_key (const char *s,
           gsize       offset,
           gboolean    ascii_lower,
           gboolean    descending)
{
  guint64 key = 0;
  gsize i;

  for (i = 0; i < offset; i++)
    if (s[i] == '\0')
      return descending ? G_MAXUINT64 - 1 : 0;

  for (i = 0; i < 8 && s[offset + i] != '\0'; i++)
    key = (key << 8) | (guchar) (ascii_lower ? g_ascii_tolower (s[offset + i]) : s[offset + i]);
  key <<= 8 * (8 - i);

  return descending ? ~key - 1 : key;
}

static gboolean
run_is_uniform (TieData       *td,
                const guint32 *rows,
                guint          n)
{
  const char *first = td->texts[rows[0]];

  for (guint i = 1; i < n; i++)
    if (strcmp (first, td->texts[rows[i]]) != 0)
      return FALSE;
  return TRUE;
}

/* Rows [0, n) are sorted by the first 8 × @depth bytes; order each run of equal
 * keys by the next 8 bytes (radix for big runs, comparison sort for small ones). */
static void
sort_text_runs (TieData  *td,
                guint64  *keys,
                guint32  *rows,
                guint     n,
                guint     depth)
{
  guint start = 0;

  while (start < n)
    {
      guint end = start + 1;
      guint len;

      while (end < n && keys[end] == keys[start])
        end++;
      len = end - start;

      if (len > 1 && keys[start] != KEY_MISSING)
        {
          const char *first = td->texts[rows[start]];

          /* The string ended within the bytes compared so far: the whole run is
           * the same text, already in row order. */
          if (strnlen (first, 8 * depth) < 8 * depth || run_is_uniform (td, rows + start, len))
            ;
          else if (len < 2048 || depth >= 6)
            g_qsort_with_data (rows + start, len, sizeof (guint32), tie_compare, td);
          else
            {
              g_autofree guint64 *sub = g_new (guint64, len);
              gboolean lower = td->column == QUALIFY_LEAD_COLUMN_TITLE;

              for (guint i = 0; i < len; i++)
                sub[i] = chunk_key (td->texts[rows[start + i]], 8 * depth, lower, td->descending);
              radix_sort (sub, rows + start, len);
              sort_text_runs (td, sub, rows + start, len, depth + 1);
            }
        }
      start = end;
    }
}

static guint32 *
sort_rows (QualifyLeadTable  *self,
           QualifyLeadColumn  column,
           gboolean           descending)
{
  guint n = self->n;
  g_autofree guint64 *keys = g_new (guint64, MAX (n, 1));
  guint32 *rows = g_new (guint32, MAX (n, 1));
  g_autofree const char **texts = NULL;
  gboolean text = FALSE;

  if (column == QUALIFY_LEAD_COLUMN_NAME || column == QUALIFY_LEAD_COLUMN_EMAIL ||
      column == QUALIFY_LEAD_COLUMN_COMPANY || column == QUALIFY_LEAD_COLUMN_TITLE)
    {
      texts = g_new (const char *, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        texts[i] = folded_text (self, column, i);
    }

  for (guint i = 0; i < n; i++)
    {
      guint64 k;

      rows[i] = i;
      switch (column)
        {
        case QUALIFY_LEAD_COLUMN_NAME:
        case QUALIFY_LEAD_COLUMN_EMAIL:
        case QUALIFY_LEAD_COLUMN_COMPANY:
          text = TRUE;
          k = string_key (texts[i], descending);
          break;
        case QUALIFY_LEAD_COLUMN_TITLE:
          {
            const char *t = texts[i];
            char lower[9] = { 0 };

            text = TRUE;
            for (guint j = 0; j < 8 && t[j] != '\0'; j++)
              lower[j] = g_ascii_tolower (t[j]);
            k = string_key (lower, descending);
          }
          break;
        case QUALIFY_LEAD_COLUMN_GRADE:
          if (self->grade[i] == 0)
            k = KEY_MISSING;
          else
            {
              guint c = (guchar) self->grades[self->grade[i]][0];
              k = descending ? 255 - c : c;
            }
          break;
        case QUALIFY_LEAD_COLUMN_FIT:
          k = self->status[i] == QUALIFY_STATUS_NONE ? KEY_MISSING
                                                    : float_key (self->fit[i], descending);
          break;
        case QUALIFY_LEAD_COLUMN_ENGAGEMENT:
          k = self->status[i] == QUALIFY_STATUS_NONE ? KEY_MISSING
                                                    : float_key (self->engagement[i], descending);
          break;
        case QUALIFY_LEAD_COLUMN_SCORE:
          k = self->status[i] == QUALIFY_STATUS_NONE ? KEY_MISSING
                                                    : float_key (self->score[i], descending);
          break;
        case QUALIFY_LEAD_COLUMN_STATUS:
          if (self->status[i] == QUALIFY_STATUS_NONE)
            k = KEY_MISSING;
          else
            k = descending ? 255 - self->status[i] : self->status[i];
          break;
        case QUALIFY_LEAD_COLUMN_MQL_AT:
          k = time_key (self->mql_at[i], descending);
          break;
        case QUALIFY_LEAD_COLUMN_LAST_ACTIVITY:
          k = time_key (self->last_activity[i], descending);
          break;
        case QUALIFY_LEAD_COLUMN_ID:
        case QUALIFY_N_LEAD_COLUMNS:
        default:
          k = descending ? n - i : i;
          break;
        }
      keys[i] = k;
    }

  radix_sort (keys, rows, n);

  /* Text: order runs that share their first 8 bytes by the rest. */
  if (text)
    {
      TieData td = { self, column, descending, texts };
      sort_text_runs (&td, keys, rows, n, 1);
    }

  return rows;
}

/* Filtering -------------------------------------------------------------- */

static guint
row_of_search_offset (QualifyLeadTable *self,
                      gsize             offset)
{
  guint lo = 0, hi = self->n;

  /* Last row whose start ≤ offset. */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (self->search_off[mid] <= offset)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* Bitmap of rows whose folded name/email/company contains @needle: one memmem()
 * over the whole arena, so rows that do not match cost nothing. */
static guint8 *
search_rows (QualifyLeadTable *self,
             const char       *needle,
             GCancellable     *cancellable)
{
  guint8 *bits = g_new0 (guint8, self->n / 8 + 1);
  gsize nlen = strlen (needle);
  gsize pos = 0;
  guint hits = 0;

  while (pos < self->search_len)
    {
      const char *p = memmem (self->search + pos, self->search_len - pos, needle, nlen);
      guint row;

      if (p == NULL)
        break;
      row = row_of_search_offset (self, (gsize) (p - self->search));
      bits[row / 8] |= (guint8) (1u << (row % 8));
      pos = self->search_off[row + 1];

      if ((++hits & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }

  return bits;
}

/* Public API ------------------------------------------------------------- */

QualifyLeadTable *
qualify_lead_table_load (QualifyStore  *store,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(QualifyLeadTable) self = NULL;
  gint64 start = g_get_monotonic_time ();
  ActivityScan scan = { 0 };
  GThread *thread = NULL;
  gboolean ok;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);

  self = g_object_new (QUALIFY_TYPE_LEAD_TABLE, NULL);

  /* Events are scanned in a second thread (own connection) while the leads are
   * read; ids too sparse for a by-id array fall back to no last activity. */
  scan.path = (char *) qualify_store_get_path (store);
  scan.max_id = get_max_id (store);
  scan.cancellable = cancellable;
  if (scan.max_id >= 0 && scan.max_id < 256 * 1024 * 1024)
    {
      scan.by_id = g_new0 (guint32, scan.max_id + 1);
      thread = g_thread_new ("qualify-activity", activity_scan_thread, &scan);
    }

  ok = load_leads (self, store, 0, cancellable, error);
  g_debug ("Leads read in %.3f s", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  if (thread != NULL)
    g_thread_join (thread);

  if (!ok)
    {
      g_clear_error (&scan.error);
      g_free (scan.by_id);
      return NULL;
    }
  if (scan.error != NULL)
    {
      g_propagate_error (error, scan.error);
      g_free (scan.by_id);
      return NULL;
    }

  self->last_activity = g_new0 (guint32, MAX (self->n, 1));
  if (scan.by_id != NULL)
    for (guint i = 0; i < self->n; i++)
      if (self->ids[i] >= 0 && self->ids[i] <= scan.max_id)
        self->last_activity[i] = scan.by_id[self->ids[i]];
  g_free (scan.by_id);

  self->load_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_debug ("Loaded %u leads in %.3f s (%zu + %zu bytes of text)",
           self->n, self->load_seconds, self->arena_len, self->search_len);

  return g_steal_pointer (&self);
}

QualifyLeadTable *
qualify_lead_table_load_preview (QualifyStore  *store,
                                 guint          limit,
                                 GError       **error)
{
  g_autoptr(QualifyLeadTable) self = NULL;
  gint64 start = g_get_monotonic_time ();

  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  self = g_object_new (QUALIFY_TYPE_LEAD_TABLE, NULL);
  if (!load_leads (self, store, limit, NULL, error))
    return NULL;

  self->load_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return g_steal_pointer (&self);
}

gboolean
qualify_lead_table_is_preview (QualifyLeadTable *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_TABLE (self), FALSE);
  return self->preview;
}

typedef struct
{
  char *path;
  guint preview_limit;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyLeadTable) table = NULL;
  GError *error = NULL;

  if ((store = qualify_store_open (data->path, &error)) != NULL)
    set_scan_cache (store);
  if (store == NULL ||
      !(table = data->preview_limit > 0
                ? qualify_lead_table_load_preview (store, data->preview_limit, &error)
                : qualify_lead_table_load (store, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&table), g_object_unref);
}

void
qualify_lead_table_load_async (const char          *path,
                               guint                preview_limit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (LoadData, 1);
  data->path = g_strdup (path);
  data->preview_limit = preview_limit;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, qualify_lead_table_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

QualifyLeadTable *
qualify_lead_table_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
qualify_lead_table_get_n_leads (QualifyLeadTable *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_TABLE (self), 0);
  return self->n;
}

double
qualify_lead_table_get_load_seconds (QualifyLeadTable *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_TABLE (self), 0);
  return self->load_seconds;
}

gint64
qualify_lead_table_get_id (QualifyLeadTable *self,
                           guint             row)
{
  g_return_val_if_fail (row < self->n, 0);
  return self->ids[row];
}

guint
qualify_lead_table_find_id (QualifyLeadTable *self,
                            gint64            lead_id)
{
  guint lo = 0, hi;

  if (self->n == 0)
    return G_MAXUINT;

  if (self->preview)
    {
      for (guint i = 0; i < self->n; i++)
        if (self->ids[i] == lead_id)
          return i;
      return G_MAXUINT;
    }

  if (self->ids_dense)
    {
      gint64 row = lead_id - self->ids[0];
      return row >= 0 && row < self->n ? (guint) row : G_MAXUINT;
    }

  hi = self->n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (self->ids[mid] < lead_id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < self->n && self->ids[lo] == lead_id ? lo : G_MAXUINT;
}

const char *
qualify_lead_table_get_name (QualifyLeadTable *self,
                             guint             row)
{
  g_return_val_if_fail (row < self->n, "");
  return self->arena + self->str_off[row * N_SLOTS + SLOT_NAME];
}

const char *
qualify_lead_table_get_email (QualifyLeadTable *self,
                              guint             row)
{
  g_return_val_if_fail (row < self->n, "");
  return self->arena + self->str_off[row * N_SLOTS + SLOT_EMAIL];
}

const char *
qualify_lead_table_get_company (QualifyLeadTable *self,
                                guint             row)
{
  g_return_val_if_fail (row < self->n, "");
  return self->arena + self->str_off[row * N_SLOTS + SLOT_COMPANY];
}

const char *
qualify_lead_table_get_title (QualifyLeadTable *self,
                              guint             row)
{
  g_return_val_if_fail (row < self->n, "");
  return self->arena + self->str_off[row * N_SLOTS + SLOT_TITLE];
}

gboolean
qualify_lead_table_get_scored (QualifyLeadTable *self,
                               guint             row)
{
  g_return_val_if_fail (row < self->n, FALSE);
  return self->status[row] != QUALIFY_STATUS_NONE;
}

double
qualify_lead_table_get_fit (QualifyLeadTable *self,
                            guint             row)
{
  g_return_val_if_fail (row < self->n, 0);
  return self->fit[row];
}

double
qualify_lead_table_get_engagement (QualifyLeadTable *self,
                                   guint             row)
{
  g_return_val_if_fail (row < self->n, 0);
  return self->engagement[row];
}

double
qualify_lead_table_get_score (QualifyLeadTable *self,
                              guint             row)
{
  g_return_val_if_fail (row < self->n, 0);
  return self->score[row];
}

const char *
qualify_lead_table_get_grade (QualifyLeadTable *self,
                              guint             row)
{
  g_return_val_if_fail (row < self->n, "");
  return self->grades[self->grade[row]];
}

QualifyStatus
qualify_lead_table_get_status (QualifyLeadTable *self,
                               guint             row)
{
  g_return_val_if_fail (row < self->n, QUALIFY_STATUS_NONE);
  return self->status[row];
}

gint64
qualify_lead_table_get_mql_at (QualifyLeadTable *self,
                               guint             row)
{
  g_return_val_if_fail (row < self->n, 0);
  return self->mql_at[row];
}

gint64
qualify_lead_table_get_sql_at (QualifyLeadTable *self,
                               guint             row)
{
  g_return_val_if_fail (row < self->n, 0);
  return self->sql_at[row];
}

gint64
qualify_lead_table_get_last_activity (QualifyLeadTable *self,
                                      guint             row)
{
  g_return_val_if_fail (row < self->n, 0);
  return self->last_activity[row];
}

guint
qualify_lead_table_count_status (QualifyLeadTable *self,
                                 QualifyStatus     status)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_TABLE (self), 0);
  g_return_val_if_fail (status < QUALIFY_N_STATUSES, 0);
  return self->status_counts[status];
}

GArray *
qualify_lead_table_query (QualifyLeadTable        *self,
                          const QualifyLeadFilter *filter,
                          QualifyLeadColumn        sort,
                          gboolean                 descending,
                          GCancellable            *cancellable)
{
  g_autofree char *needle = NULL;
  g_autofree guint8 *bits = NULL;
  g_autoptr(GArray) ret = NULL;
  guint statuses = 0;
  char grade = 0;

  g_return_val_if_fail (QUALIFY_IS_LEAD_TABLE (self), NULL);
  g_return_val_if_fail (sort < QUALIFY_N_LEAD_COLUMNS, NULL);

  if (filter != NULL)
    {
      statuses = filter->statuses;
      grade = filter->grade;
      if (filter->search != NULL)
        {
          g_autofree char *trimmed = g_strstrip (g_strdup (filter->search));
          if (trimmed[0] != '\0')
            needle = g_utf8_casefold (trimmed, -1);
        }
    }

  if (needle != NULL)
    {
      bits = search_rows (self, needle, cancellable);
      if (g_cancellable_is_cancelled (cancellable))
        return NULL;
    }

  ret = g_array_sized_new (FALSE, FALSE, sizeof (guint32), 0);

  g_mutex_lock (&self->lock);

  if (self->sorted == NULL || self->sorted_by != sort || self->sorted_desc != descending)
    {
      g_clear_pointer (&self->sorted, g_free);
      self->sorted = sort_rows (self, sort, descending);
      self->sorted_by = sort;
      self->sorted_desc = descending;
    }

  if (bits == NULL && statuses == 0 && grade == 0)
    g_array_append_vals (ret, self->sorted, self->n);
  else
    {
      for (guint i = 0; i < self->n; i++)
        {
          guint32 row = self->sorted[i];

          if (bits != NULL && !(bits[row / 8] & (1u << (row % 8))))
            continue;
          if (statuses != 0 && !(statuses & (1u << self->status[row])))
            continue;
          if (grade != 0 && self->grades[self->grade[row]][0] != grade)
            continue;
          g_array_append_val (ret, row);
        }
    }

  g_mutex_unlock (&self->lock);

  if (g_cancellable_is_cancelled (cancellable))
    return NULL;

  return g_steal_pointer (&ret);
}

typedef struct
{
  QualifyLeadFilter filter;
  char             *search;
  QualifyLeadColumn sort;
  gboolean          descending;
} QueryData;

static void
query_data_free (QueryData *data)
{
  g_free (data->search);
  g_free (data);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QueryData *data = task_data;
  gint64 start = g_get_monotonic_time ();
  GArray *rows;

  rows = qualify_lead_table_query (source_object, &data->filter, data->sort,
                                   data->descending, cancellable);
  g_debug ("Query (sort %d%s, search “%s”) took %.1f ms in its thread",
           data->sort, data->descending ? " desc" : "", data->search ? data->search : "",
           (g_get_monotonic_time () - start) / 1000.0);
  if (rows == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_array_unref);
}

void
qualify_lead_table_query_async (QualifyLeadTable        *self,
                                const QualifyLeadFilter *filter,
                                QualifyLeadColumn        sort,
                                gboolean                 descending,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  g_return_if_fail (QUALIFY_IS_LEAD_TABLE (self));

  data = g_new0 (QueryData, 1);
  if (filter != NULL)
    {
      data->filter = *filter;
      data->search = g_strdup (filter->search);
      data->filter.search = data->search;
    }
  data->sort = sort;
  data->descending = descending;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qualify_lead_table_query_async);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
}

GArray *
qualify_lead_table_query_finish (QualifyLeadTable  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
