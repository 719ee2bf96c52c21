/* qualify-dataset.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-dataset"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-dataset-private.h"
#include "qualify-model.h"
#include "qualify-store-private.h"

struct _QualifyDataset
{
  GObject            parent_instance;

  QualifyStore      *store;
  gint64             only_lead;   /* 0 = every lead */
  char              *stamp;       /* dataset cache stamp it was read at, NULL = no cache */
  gboolean           cached;      /* events came from the cache */

  guint              n_leads;
  gint64            *lead_ids;    /* ascending */

  /* lead id → index: dense table when ids are compact, else binary search */
  gint64             min_id;
  guint32           *index_of;
  gsize              index_of_len;

  GMutex             columns_lock;
  GHashTable        *columns;     /* field name → QualifyColumn */

  QualifyEventIndex  events;
};

G_DEFINE_FINAL_TYPE (QualifyDataset, qualify_dataset, G_TYPE_OBJECT)

static void
column_free (QualifyColumn *column)
{
  g_free (column->name);
  g_free (column->ids);
  g_clear_pointer (&column->raw, g_ptr_array_unref);
  g_clear_pointer (&column->normal, g_ptr_array_unref);
  g_free (column->strings);
  g_free (column);
}

static void
qualify_dataset_finalize (GObject *object)
{
  QualifyDataset *self = (QualifyDataset *)object;

  g_clear_object (&self->store);
  g_free (self->stamp);
  g_free (self->lead_ids);
  g_free (self->index_of);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_mutex_clear (&self->columns_lock);

  g_free (self->events.offsets);
  g_free (self->events.type_ids);
  g_free (self->events.detail_ids);
  g_free (self->events.times);
  g_clear_pointer (&self->events.types, g_ptr_array_unref);
  g_clear_pointer (&self->events.details, g_ptr_array_unref);
  g_clear_pointer (&self->events.details_normal, g_ptr_array_unref);

  G_OBJECT_CLASS (qualify_dataset_parent_class)->finalize (object);
}

static void
qualify_dataset_class_init (QualifyDatasetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qualify_dataset_finalize;
}

static void
qualify_dataset_init (QualifyDataset *self)
{
  g_mutex_init (&self->columns_lock);
  self->columns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) column_free);
}

static gboolean
load_lead_ids (QualifyDataset  *self,
               GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (self->only_lead != 0)
    stmt = _qualify_store_prepare (self->store, "SELECT id FROM leads WHERE id = ?", error);
  else
    stmt = _qualify_store_prepare (self->store, "SELECT id FROM leads ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  if (self->only_lead != 0)
    sqlite3_bind_int64 (stmt, 1, self->only_lead);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (self->store, rc, _("Could not read leads"), error);

  self->n_leads = ids->len;
  self->lead_ids = (gint64 *) (gpointer) g_array_free (g_steal_pointer (&ids), FALSE);

  return TRUE;
}

static void
index_lead_ids (QualifyDataset *self)
{
  if (self->n_leads > 0)
    {
      gint64 span = self->lead_ids[self->n_leads - 1] - self->lead_ids[0] + 1;

      self->min_id = self->lead_ids[0];
      if (span <= (gint64) self->n_leads * 4 + 1024)
        {
          self->index_of_len = span;
          self->index_of = g_new (guint32, span);
          memset (self->index_of, 0xff, sizeof (guint32) * span);
          for (guint i = 0; i < self->n_leads; i++)
            self->index_of[self->lead_ids[i] - self->min_id] = i;
        }
    }
}

guint
qualify_dataset_find_lead (QualifyDataset *self,
                           gint64          lead_id)
{
  guint lo = 0, hi;

  g_return_val_if_fail (QUALIFY_IS_DATASET (self), G_MAXUINT);

  if (self->index_of != NULL)
    {
      if (lead_id < self->min_id || lead_id - self->min_id >= (gint64) self->index_of_len)
        return G_MAXUINT;
      return self->index_of[lead_id - self->min_id];
    }

  hi = self->n_leads;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->lead_ids[mid] < lead_id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return (lo < self->n_leads && self->lead_ids[lo] == lead_id) ? lo : G_MAXUINT;
}

/* Reads "SELECT id, text" rows into a GPtrArray indexed by id (1-based, dense). */
static GPtrArray *
load_dictionary (QualifyDataset  *self,
                 const char      *sql,
                 gboolean         normalize,
                 GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (self->store, sql, error);
  g_autoptr(GPtrArray) dict = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  g_ptr_array_add (dict, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *text = (const char *) sqlite3_column_text (stmt, 1);

      if (id <= 0 || id > G_MAXUINT32 - 1)
        continue;
      while ((gint64) dict->len <= id)
        g_ptr_array_add (dict, NULL);
      g_free (g_ptr_array_index (dict, id));
      g_ptr_array_index (dict, id) = normalize ? qualify_model_normalize (text) : g_strdup (text);
    }

  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (self->store, rc, _("Could not read event names"), error);
      return NULL;
    }

  return g_steal_pointer (&dict);
}

typedef struct
{
  guint32 lead;
  guint32 type;
  guint32 detail;
  gint64  time;
} RawEvent;

static gboolean
load_event_names (QualifyDataset  *self,
                  GError         **error)
{
  QualifyEventIndex *ev = &self->events;

  if (!(ev->types = load_dictionary (self, "SELECT id, name FROM event_types", TRUE, error)))
    return FALSE;

  if (self->only_lead != 0)
    {
      /* Only the details this lead uses. */
      g_autofree char *sql = g_strdup_printf ("SELECT id, value FROM event_details WHERE id IN "
                                              "(SELECT detail_id FROM events WHERE lead_id = %"
                                              G_GINT64_FORMAT ")", self->only_lead);
      ev->details = load_dictionary (self, sql, FALSE, error);
    }
  else
    ev->details = load_dictionary (self, "SELECT id, value FROM event_details", FALSE, error);
  if (ev->details == NULL)
    return FALSE;

  ev->details_normal = g_ptr_array_new_full (ev->details->len, g_free);
  for (guint i = 0; i < ev->details->len; i++)
    g_ptr_array_add (ev->details_normal, qualify_model_normalize (g_ptr_array_index (ev->details, i)));

  return TRUE;
}

static gboolean
load_events (QualifyDataset  *self,
             GCancellable    *cancellable,
             GError         **error)
{
  QualifyEventIndex *ev = &self->events;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawEvent));
  guint64 *fill;
  guint64 n = 0;
  int rc;

  if (self->only_lead != 0)
    stmt = _qualify_store_prepare (self->store,
                                   "SELECT lead_id, type_id, coalesce(detail_id, 0), occurred_at "
                                   "FROM events WHERE lead_id = ?", error);
  else
    stmt = _qualify_store_prepare (self->store,
                                   "SELECT lead_id, type_id, coalesce(detail_id, 0), occurred_at "
                                   "FROM events", error);
  if (stmt == NULL)
    return FALSE;
  if (self->only_lead != 0)
    sqlite3_bind_int64 (stmt, 1, self->only_lead);

  if (self->only_lead == 0)
    {
      g_autoptr(sqlite3_stmt) max = _qualify_store_prepare (self->store, "SELECT max(id) FROM events", NULL);

      /* ids are assigned in order, so max(id) bounds the count: one allocation */
      if (max != NULL && sqlite3_step (max) == SQLITE_ROW && sqlite3_column_int64 (max, 0) > 0)
        g_array_set_size (g_array_set_size (raw, MIN (sqlite3_column_int64 (max, 0), G_MAXINT32)), 0);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RawEvent r;
      guint index = qualify_dataset_find_lead (self, sqlite3_column_int64 (stmt, 0));
      gint64 type = sqlite3_column_int64 (stmt, 1);
      gint64 detail = sqlite3_column_int64 (stmt, 2);

      if (index == G_MAXUINT || type <= 0 || type >= ev->types->len)
        continue;
      if (detail < 0 || detail >= ev->details->len)
        detail = 0;

      r.lead = index;
      r.type = type;
      r.detail = detail;
      r.time = sqlite3_column_int64 (stmt, 3);
      g_array_append_val (raw, r);

      if ((++n & 0xfffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (self->store, rc, _("Could not read events"), error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* Counting sort by lead: stable, so each lead keeps rowid order. */
  ev->n = raw->len;
  ev->offsets = g_new0 (guint64, self->n_leads + 1);
  for (guint64 i = 0; i < ev->n; i++)
    ev->offsets[g_array_index (raw, RawEvent, i).lead + 1]++;
  for (guint i = 0; i < self->n_leads; i++)
    ev->offsets[i + 1] += ev->offsets[i];

  ev->type_ids = g_new (guint32, MAX (ev->n, 1));
  ev->detail_ids = g_new (guint32, MAX (ev->n, 1));
  ev->times = g_new (gint64, MAX (ev->n, 1));
  fill = g_new (guint64, MAX (self->n_leads, 1));
  memcpy (fill, ev->offsets, sizeof (guint64) * self->n_leads);

  for (guint64 i = 0; i < ev->n; i++)
    {
      const RawEvent *r = &g_array_index (raw, RawEvent, i);
      guint64 at = fill[r->lead]++;

      ev->type_ids[at] = r->type;
      ev->detail_ids[at] = r->detail;
      ev->times[at] = r->time;
    }
  g_free (fill);

  return TRUE;
}

/* Lead ids and events from the dataset cache, when it has them for this stamp. */
static gboolean
load_cached_events (QualifyDataset *self)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;

  if (!(data = _qualify_dataset_cache_read (self->store, "events", self->stamp, &len)))
    return FALSE;

  if (!_qualify_dataset_cache_decode_events (data, len, self->events.types->len,
                                             self->events.details->len,
                                             &self->lead_ids, &self->n_leads, &self->events))
    {
      g_warning ("The dataset cache of %s is damaged; reading the dataset from its tables",
                 qualify_store_get_path (self->store));
      return FALSE;
    }

  index_lead_ids (self);
  self->cached = TRUE;
  return TRUE;
}

static QualifyDataset *
dataset_load (QualifyStore  *store,
              gint64         only_lead,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(QualifyDataset) self = g_object_new (QUALIFY_TYPE_DATASET, NULL);

  self->store = g_object_ref (store);
  self->only_lead = only_lead;

  if (!load_event_names (self, error))
    return NULL;

  if (only_lead == 0)
    {
      g_autoptr(GError) local_error = NULL;

      if (!(self->stamp = _qualify_dataset_cache_stamp (store, &local_error)))
        g_debug ("no dataset cache: %s", local_error->message);
      else if (load_cached_events (self))
        {
          g_debug ("%u leads, %" G_GUINT64_FORMAT " events read from the cache",
                   self->n_leads, self->events.n);
          return g_steal_pointer (&self);
        }
    }

  if (!load_lead_ids (self, error))
    return NULL;
  index_lead_ids (self);

  if (only_lead != 0 && self->n_leads == 0)
    {
      g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND,
                   _("There is no lead %lld in this workspace."), (long long) only_lead);
      return NULL;
    }

  g_debug ("%u lead ids read", self->n_leads);
  if (!load_events (self, cancellable, error))
    return NULL;

  if (self->stamp != NULL && _qualify_dataset_cache_can_write (store))
    {
      g_autoptr(GBytes) blob = _qualify_dataset_cache_encode_events (self->lead_ids, self->n_leads,
                                                                    &self->events);

      if (!_qualify_dataset_cache_save (store, "events", self->stamp, blob, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * qualify_dataset_load:
 *
 * Reads every lead id and every event. Lead field columns are read later, on
 * first use, so a model touching five fields reads five columns.
 */
QualifyDataset *
qualify_dataset_load (QualifyStore  *store,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);
  return dataset_load (store, 0, cancellable, error);
}

QualifyDataset *
qualify_dataset_load_lead (QualifyStore  *store,
                           gint64         lead_id,
                           GError       **error)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);
  g_return_val_if_fail (lead_id > 0, NULL);
  return dataset_load (store, lead_id, NULL, error);
}

guint
qualify_dataset_get_n_leads (QualifyDataset *self)
{
  g_return_val_if_fail (QUALIFY_IS_DATASET (self), 0);
  return self->n_leads;
}

guint64
qualify_dataset_get_n_events (QualifyDataset *self)
{
  g_return_val_if_fail (QUALIFY_IS_DATASET (self), 0);
  return self->events.n;
}

gint64
qualify_dataset_get_lead_id (QualifyDataset *self,
                             guint           index)
{
  g_return_val_if_fail (QUALIFY_IS_DATASET (self), 0);
  g_return_val_if_fail (index < self->n_leads, 0);
  return self->lead_ids[index];
}

QualifyStore *
qualify_dataset_get_store (QualifyDataset *self)
{
  g_return_val_if_fail (QUALIFY_IS_DATASET (self), NULL);
  return self->store;
}

const QualifyEventIndex *
_qualify_dataset_get_events (QualifyDataset *self)
{
  return &self->events;
}

gboolean
_qualify_dataset_is_cached (QualifyDataset *self)
{
  g_return_val_if_fail (QUALIFY_IS_DATASET (self), FALSE);
  return self->cached;
}

/* SQL for one field's value, or NULL for a custom field (bound as parameter @param). */
static char *
column_expression (const char *field,
                   guint       param,
                   gboolean   *number)
{
  QualifyField f;

  *number = FALSE;
  if (g_str_equal (field, QUALIFY_DATASET_EMAIL_DOMAIN))
    return g_strdup ("substr(email, instr(email, '@') + 1)");
  if (!qualify_field_from_name (field, &f))
    return g_strdup_printf ("json_extract(custom, ?%u)", param);

  switch (qualify_field_get_kind (f))
    {
    case QUALIFY_FIELD_KIND_TIMESTAMP:
      return g_strdup_printf ("strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', %s, 'unixepoch')", field);
    case QUALIFY_FIELD_KIND_NUMBER:
      *number = TRUE;
      return g_strdup (field);
    case QUALIFY_FIELD_KIND_TEXT:
    case QUALIFY_FIELD_KIND_LIST:
    default:
      return g_strdup (field);
    }
}

/* g_int64_hash() folds the halves together, and whole numbers as doubles have
 * all-zero low bits: mix them properly (murmur3 finaliser). */
static guint
double_bits_hash (gconstpointer key)
{
  guint64 h = *(const guint64 *) key;

  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return (guint) h;
}

typedef struct
{
  QualifyColumn *column;
  GHashTable    *interned;
  GHashTable    *numbers;   /* double bits → id */
  gboolean       number;
} Loading;

static void
column_add (Loading      *l,
            guint         index,
            sqlite3_stmt *stmt,
            int           col)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *text;
  gpointer id;

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return;

  if (l->number && sqlite3_column_type (stmt, col) != SQLITE_TEXT)
    {
      /* REAL column: look the value up by its bits, format it only when new */
      double v = sqlite3_column_double (stmt, col);
      gint64 bits;

      memcpy (&bits, &v, sizeof bits);
      if (g_hash_table_lookup_extended (l->numbers, &bits, NULL, &id))
        {
          l->column->ids[index] = GPOINTER_TO_UINT (id);
          return;
        }

      if (v == (double) (gint64) v)
        g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, (gint64) v);
      else
        g_ascii_formatd (buf, sizeof buf, "%.15g", v);
      text = buf;
    }
  else if ((text = (const char *) sqlite3_column_text (stmt, col)) == NULL)
    return;

  if (!g_hash_table_lookup_extended (l->interned, text, NULL, &id))
    {
      char *normal = qualify_model_normalize (text);
      char *copy;

      if (normal == NULL || normal[0] == '\0')
        {
          g_free (normal);
          id = GUINT_TO_POINTER (0);
          g_hash_table_insert (l->interned, g_strdup (text), id);
        }
      else
        {
          copy = g_strdup (text);
          id = GUINT_TO_POINTER (l->column->raw->len);
          g_ptr_array_add (l->column->raw, copy);
          g_ptr_array_add (l->column->normal, normal);
          g_hash_table_insert (l->interned, g_strdup (text), id);
        }
    }

  if (l->number && text == buf)
    {
      gint64 *key = g_new (gint64, 1);
      double v = sqlite3_column_double (stmt, col);

      memcpy (key, &v, sizeof *key);
      g_hash_table_insert (l->numbers, key, id);
    }

  l->column->ids[index] = GPOINTER_TO_UINT (id);
}

static gboolean
load_cached_column (QualifyDataset *self,
                    const char     *field)
{
  g_autofree char *name = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  QualifyColumn *column;
  const guint8 *data = NULL;
  gsize len = 0;

  if (self->stamp == NULL)
    return FALSE;

  name = g_strconcat ("column:", field, NULL);
  if (!(stmt = _qualify_dataset_cache_lookup (self->store, name, self->stamp, &data, &len)))
    return FALSE;
  if (!(column = _qualify_dataset_cache_decode_column (data, len, field, self->n_leads)))
    {
      g_warning ("The dataset cache entry “%s” of %s is damaged; reading it from the leads table",
                 name, qualify_store_get_path (self->store));
      return FALSE;
    }

  g_hash_table_insert (self->columns, column->name, column);
  return TRUE;
}

/* Columns just read from the leads table go to the cache when the workspace
 * is still the one the dataset was read from (the ids are per lead index). */
static void
save_columns (QualifyDataset *self,
              GArray         *loading)
{
  g_autofree char *stamp = NULL;

  if (self->stamp == NULL || !_qualify_dataset_cache_can_write (self->store) ||
      !(stamp = _qualify_dataset_cache_stamp (self->store, NULL)) || !g_str_equal (stamp, self->stamp))
    return;

  for (guint j = 0; j < loading->len; j++)
    {
      const QualifyColumn *column = g_array_index (loading, Loading, j).column;
      g_autofree char *name = g_strconcat ("column:", column->name, NULL);
      g_autoptr(GBytes) blob = _qualify_dataset_cache_encode_column (column, self->n_leads);

      /* a failure that rolled the transaction back shows at the next write */
      if (!_qualify_dataset_cache_save (self->store, name, self->stamp, blob, NULL))
        return;
    }
}

/* Reads every missing field of @fields in one scan of the leads table. */
static gboolean
load_columns (QualifyDataset      *self,
              const char * const  *fields,
              guint                n_fields,
              GError             **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) loading = g_array_new (FALSE, TRUE, sizeof (Loading));
  gboolean ok = FALSE;
  guint param = 2;
  int rc;

  for (guint i = 0; i < n_fields; i++)
    {
      Loading l = { NULL, NULL, NULL, FALSE };
      g_autofree char *expr = NULL;
      gboolean dup = FALSE;

      if (g_hash_table_contains (self->columns, fields[i]))
        continue;
      for (guint j = 0; j < loading->len; j++)
        dup |= g_str_equal (g_array_index (loading, Loading, j).column->name, fields[i]);
      if (dup)
        continue;
      if (load_cached_column (self, fields[i]))
        continue;

      expr = column_expression (fields[i], param, &l.number);
      if (strstr (expr, "?") != NULL)
        param++;
      g_string_append_printf (sql, ", %s", expr);

      l.column = g_new0 (QualifyColumn, 1);
      l.column->name = g_strdup (fields[i]);
      l.column->ids = g_new0 (guint32, MAX (self->n_leads, 1));
      l.column->raw = g_ptr_array_new_with_free_func (g_free);
      l.column->normal = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (l.column->raw, NULL);
      g_ptr_array_add (l.column->normal, NULL);
      l.interned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      l.numbers = g_hash_table_new_full (double_bits_hash, g_int64_equal, g_free, NULL);
      g_array_append_val (loading, l);
    }

  if (loading->len == 0)
    return TRUE;

  g_string_append (sql, " FROM leads");
  if (self->only_lead)
    g_string_append (sql, " WHERE id = ?1");

  if (!(stmt = _qualify_store_prepare (self->store, sql->str, error)))
    goto out;
  if (self->only_lead)
    sqlite3_bind_int64 (stmt, 1, self->only_lead);
  param = 2;
  for (guint j = 0; j < loading->len; j++)
    {
      const char *name = g_array_index (loading, Loading, j).column->name;
      QualifyField f;

      if (!g_str_equal (name, QUALIFY_DATASET_EMAIL_DOMAIN) && !qualify_field_from_name (name, &f))
        {
          /* JSON path to a member whatever its name: "$.\"name\"" with " and \ escaped */
          g_autoptr(GString) path = g_string_new ("$.\"");
          for (const char *c = name; *c; c++)
            {
              if (*c == '"' || *c == '\\')
                g_string_append_c (path, '\\');
              g_string_append_c (path, *c);
            }
          g_string_append_c (path, '"');
          sqlite3_bind_text (stmt, param++, path->str, -1, SQLITE_TRANSIENT);
        }
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint index = qualify_dataset_find_lead (self, sqlite3_column_int64 (stmt, 0));

      if (index == G_MAXUINT)
        continue;
      for (guint j = 0; j < loading->len; j++)
        column_add (&g_array_index (loading, Loading, j), index, stmt, 1 + j);
    }

  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (self->store, rc, _("Could not read lead fields"), error);
      goto out;
    }

  ok = TRUE;
  save_columns (self, loading);

out:
  for (guint j = 0; j < loading->len; j++)
    {
      Loading *l = &g_array_index (loading, Loading, j);

      g_hash_table_unref (l->interned);
      g_hash_table_unref (l->numbers);
      if (ok)
        g_hash_table_insert (self->columns, l->column->name, l->column);
      else
        column_free (l->column);
    }

  return ok;
}

gboolean
_qualify_dataset_load_columns (QualifyDataset      *self,
                               const char * const  *fields,
                               guint                n_fields,
                               GError             **error)
{
  gboolean ok;

  g_return_val_if_fail (QUALIFY_IS_DATASET (self), FALSE);

  g_mutex_lock (&self->columns_lock);
  ok = load_columns (self, fields, n_fields, error);
  g_mutex_unlock (&self->columns_lock);

  return ok;
}

const QualifyColumn *
_qualify_dataset_get_column (QualifyDataset  *self,
                             const char      *field,
                             GError         **error)
{
  QualifyColumn *column = NULL;

  g_return_val_if_fail (QUALIFY_IS_DATASET (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  g_mutex_lock (&self->columns_lock);
  if (load_columns (self, &field, 1, error))
    column = g_hash_table_lookup (self->columns, field);
  g_mutex_unlock (&self->columns_lock);

  return column;
}
