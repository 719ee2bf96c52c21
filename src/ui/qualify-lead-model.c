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
replace_rows (QualifyLeadModel *self,
              GArray           *rows)
{
  guint old_n = self->rows ? self->rows->len : 0;
  guint new_n = rows ? rows->len : 0;

  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = rows;

  /* Two signals, not one: on a combined change GTK 4.8 looks up every added
   * item (a million get_item() calls) to reuse row widgets. */
  if (old_n != 0)
    {
      self->n_visible = 0;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
    }
  self->n_visible = new_n;
  if (new_n != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, new_n);
  if (old_n != new_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
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
    g_debug ("Sorted/filtered %u leads in %.1f ms (%.1f ms of it updating the view, %u items)",
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

  debug_get_item_calls++;
  if (self->rows == NULL || position >= self->n_visible)
    return NULL;

  return qualify_lead_row_new (self->table, g_array_index (self->rows, guint32, position));
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
}

static void
qualify_lead_model_init (QualifyLeadModel *self)
{
  self->sort = QUALIFY_LEAD_COLUMN_SCORE;
  self->descending = TRUE;
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
