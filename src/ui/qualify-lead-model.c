/* qualify-lead-model.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-lead-model"

#include "config.h"

#include "qualify-lead-model.h"
#include "qualify-lead-row.h"

struct _QualifyLeadModel
{
  GObject            parent_instance;

  QualifyLeadTable  *table;
  GArray            *rows;          /* guint32 table rows, in view order */
  guint              n_visible;     /* n_items as last announced */
  GHashTable        *items;         /* position → QualifyLeadRow handed out (weak) */

  QualifyLeadColumn  sort;
  gboolean           descending;
  char              *search;
  guint              statuses;
  char               grade;

  GCancellable      *cancellable;   /* of the running query */
  gboolean           busy;
  gint64             request_time;
  gint64             last_update_usec;
};

static void qualify_lead_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QualifyLeadModel, qualify_lead_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      qualify_lead_model_list_model_init))

enum {
  PROP_0,
  PROP_BUSY,
  PROP_N_TOTAL,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REORDERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static guint debug_get_item_calls;

static void
set_busy (QualifyLeadModel *self,
          gboolean          busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
item_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  QualifyLeadModel *self = data;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == (gpointer) where_the_object_was)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

static void
forget_items (QualifyLeadModel *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_object_weak_unref (value, item_finalized_cb, self);
  g_hash_table_remove_all (self->items);
}

/* Swaps in a new order. The items GTK holds for positions that stay are
 * retargeted (the list updates their bound cells on "reordered"), and only
 * the tail that appears or disappears is announced: GTK 4.8 would otherwise
 * rebuild every row widget, and on a change that removes the row it tracks (focus, anchor)
 * it even asks for every added item to look for it. */
static void
replace_rows (QualifyLeadModel *self,
              GArray           *rows)
{
  guint old_n = self->n_visible;
  guint new_n = rows ? rows->len : 0;
  GHashTableIter iter;
  gpointer key, value;

  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = rows;

  /* Retarget the items on positions that stay; drop the others from the cache
   * (GTK drops them with the announced tail). */
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint position = GPOINTER_TO_UINT (key);

      if (position >= new_n)
        {
          g_object_weak_unref (value, item_finalized_cb, self);
          g_hash_table_iter_remove (&iter);
        }
    }

  if (new_n < old_n)
    {
      self->n_visible = new_n;
      g_list_model_items_changed (G_LIST_MODEL (self), new_n, old_n - new_n, 0);
    }

  /* Emitted after the hash walk: handlers may ask for items. */
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint position = GPOINTER_TO_UINT (key);

      if (position < new_n)
        qualify_lead_row_set (value, self->table, g_array_index (self->rows, guint32, position));
    }

  if (new_n > old_n)
    {
      self->n_visible = new_n;
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, new_n - old_n);
    }

  if (old_n != new_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  g_signal_emit (self, signals[REORDERED], 0);
}

static void
query_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QualifyLeadModel) self = user_data;
  g_autoptr(GError) error = NULL;
  GArray *rows;

  rows = qualify_lead_table_query_finish (QUALIFY_LEAD_TABLE (source), result, &error);
  if (rows == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not sort the leads: %s", error->message);
      return;
    }

  /* A newer request or another table superseded this one. */
  if ((GObject *) self->table != source || g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    {
      g_array_unref (rows);
      return;
    }

  {
    gint64 sorted = g_get_monotonic_time ();

    replace_rows (self, rows);
    self->last_update_usec = g_get_monotonic_time () - self->request_time;
    g_debug ("Sorted/filtered %u leads in %.1f ms (%.1f ms of it updating the view, %u items made)",
             rows->len, self->last_update_usec / 1000.0,
             (g_get_monotonic_time () - sorted) / 1000.0, debug_get_item_calls);
  }
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
}

static void
refresh (QualifyLeadModel *self)
{
  QualifyLeadFilter filter = { self->search, self->statuses, self->grade };

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }

  if (self->table == NULL)
    {
      replace_rows (self, NULL);
      set_busy (self, FALSE);
      return;
    }

  if (qualify_lead_table_is_preview (self->table))
    {
      guint n = qualify_lead_table_get_n_leads (self->table);
      GArray *rows = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);

      for (guint32 i = 0; i < n; i++)
        g_array_append_val (rows, i);
      replace_rows (self, rows);
      set_busy (self, TRUE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  self->request_time = g_get_monotonic_time ();
  set_busy (self, TRUE);
  qualify_lead_table_query_async (self->table, &filter, self->sort, self->descending,
                                  self->cancellable, query_done_cb, g_object_ref (self));
}

static GType
qualify_lead_model_get_item_type (GListModel *model)
{
  return QUALIFY_TYPE_LEAD_ROW;
}

static guint
qualify_lead_model_get_n_items (GListModel *model)
{
  QualifyLeadModel *self = (QualifyLeadModel *) model;

  return self->n_visible;
}

static gpointer
qualify_lead_model_get_item (GListModel *model,
                             guint       position)
{
  QualifyLeadModel *self = (QualifyLeadModel *) model;


  QualifyLeadRow *row;

  if (self->rows == NULL || position >= self->n_visible)
    return NULL;

  row = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position));
  if (row != NULL)
    return g_object_ref (row);

  debug_get_item_calls++;
  row = qualify_lead_row_new (self->table, g_array_index (self->rows, guint32, position));
  g_hash_table_insert (self->items, GUINT_TO_POINTER (position), row);
  g_object_weak_ref (G_OBJECT (row), item_finalized_cb, self);

  return row;
}

static void
qualify_lead_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = qualify_lead_model_get_item_type;
  iface->get_n_items = qualify_lead_model_get_n_items;
  iface->get_item = qualify_lead_model_get_item;
}

static void
qualify_lead_model_dispose (GObject *object)
{
  QualifyLeadModel *self = (QualifyLeadModel *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (qualify_lead_model_parent_class)->dispose (object);
}

static void
qualify_lead_model_finalize (GObject *object)
{
  QualifyLeadModel *self = (QualifyLeadModel *) object;

  forget_items (self);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_object (&self->table);
  g_clear_pointer (&self->rows, g_array_unref);
  g_free (self->search);

  G_OBJECT_CLASS (qualify_lead_model_parent_class)->finalize (object);
}

static void
qualify_lead_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  QualifyLeadModel *self = QUALIFY_LEAD_MODEL (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_N_TOTAL:
      g_value_set_uint (value, qualify_lead_model_get_n_total (self));
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, qualify_lead_model_get_n_items (G_LIST_MODEL (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qualify_lead_model_class_init (QualifyLeadModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qualify_lead_model_dispose;
  object_class->finalize = qualify_lead_model_finalize;
  object_class->get_property = qualify_lead_model_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_TOTAL] =
    g_param_spec_uint ("n-total", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After every new order or filter was swapped in. */
  signals[REORDERED] = g_signal_new ("reordered",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);
}

static void
qualify_lead_model_init (QualifyLeadModel *self)
{
  self->sort = QUALIFY_LEAD_COLUMN_SCORE;
  self->descending = TRUE;
  self->items = g_hash_table_new (NULL, NULL);
}

QualifyLeadModel *
qualify_lead_model_new (void)
{
  return g_object_new (QUALIFY_TYPE_LEAD_MODEL, NULL);
}

void
qualify_lead_model_set_table (QualifyLeadModel *self,
                              QualifyLeadTable *table)
{
  g_return_if_fail (QUALIFY_IS_LEAD_MODEL (self));
  g_return_if_fail (!table || QUALIFY_IS_LEAD_TABLE (table));

  if (!g_set_object (&self->table, table))
    return;

  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TOTAL]);
}

QualifyLeadTable *
qualify_lead_model_get_table (QualifyLeadModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_MODEL (self), NULL);
  return self->table;
}

void
qualify_lead_model_set_sort (QualifyLeadModel  *self,
                             QualifyLeadColumn  column,
                             gboolean           descending)
{
  g_return_if_fail (QUALIFY_IS_LEAD_MODEL (self));
  g_return_if_fail (column < QUALIFY_N_LEAD_COLUMNS);

  if (self->sort == column && self->descending == !!descending)
    return;

  self->sort = column;
  self->descending = !!descending;
  refresh (self);
}

QualifyLeadColumn
qualify_lead_model_get_sort (QualifyLeadModel *self,
                             gboolean         *descending)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_MODEL (self), QUALIFY_LEAD_COLUMN_SCORE);

  if (descending != NULL)
    *descending = self->descending;
  return self->sort;
}

void
qualify_lead_model_set_filter (QualifyLeadModel *self,
                               const char       *search,
                               guint             statuses,
                               char              grade)
{
  g_return_if_fail (QUALIFY_IS_LEAD_MODEL (self));

  if (search != NULL && search[0] == '\0')
    search = NULL;

  if (g_strcmp0 (self->search, search) == 0 && self->statuses == statuses && self->grade == grade)
    return;

  g_free (self->search);
  self->search = g_strdup (search);
  self->statuses = statuses;
  self->grade = grade;
  refresh (self);
}

guint
qualify_lead_model_get_n_total (QualifyLeadModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_MODEL (self), 0);

  if (self->table == NULL || qualify_lead_table_is_preview (self->table))
    return 0;
  return qualify_lead_table_get_n_leads (self->table);
}

gboolean
qualify_lead_model_get_busy (QualifyLeadModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_MODEL (self), FALSE);
  return self->busy;
}

gint64
qualify_lead_model_get_last_update_usec (QualifyLeadModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_MODEL (self), 0);
  return self->last_update_usec;
}
