/* qualify-lead-list.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-lead-list"

#include "config.h"

#include <glib/gi18n.h>

#include "qualify-lead-cell.h"
#include "qualify-lead-list.h"
#include "qualify-lead-row.h"

/* Columns shown, in order. */
static const struct
{
  QualifyLeadColumn  column;
  const char        *title;
  int                width;     /* 0 = expand */
  gboolean           numeric;
  int                n_chars;   /* natural width of an expanding column's cells */
} columns[] = {
  { QUALIFY_LEAD_COLUMN_NAME,          N_("Name"),          0,   FALSE, 16 },
  { QUALIFY_LEAD_COLUMN_COMPANY,       N_("Company"),       0,   FALSE, 29 },
  { QUALIFY_LEAD_COLUMN_TITLE,         N_("Title"),         0,   FALSE, 25 },
  { QUALIFY_LEAD_COLUMN_GRADE,         N_("Grade"),         72,  FALSE },
  { QUALIFY_LEAD_COLUMN_FIT,           N_("Fit"),           72,  TRUE },
  { QUALIFY_LEAD_COLUMN_ENGAGEMENT,    N_("Engagement"),    110, TRUE },
  { QUALIFY_LEAD_COLUMN_SCORE,         N_("Score"),         80,  TRUE },
  { QUALIFY_LEAD_COLUMN_STATUS,        N_("Status"),        128, FALSE },
  { QUALIFY_LEAD_COLUMN_MQL_AT,        N_("MQL Since"),     110, TRUE },
  { QUALIFY_LEAD_COLUMN_LAST_ACTIVITY, N_("Last Activity"), 120, TRUE },
};

#define N_COLUMNS G_N_ELEMENTS (columns)

typedef struct
{
  QualifyLeadList   *self;
  QualifyLeadColumn  column;
} ColumnData;

struct _QualifyLeadList
{
  GtkWidget             parent_instance;

  GtkSearchEntry       *search_entry;
  GtkDropDown          *status_dropdown;
  GtkDropDown          *grade_dropdown;
  GtkSpinner           *busy_spinner;
  GtkLabel             *count_label;
  GtkStack             *list_stack;
  GtkColumnView        *column_view;

  QualifyLeadModel     *model;
  GtkSingleSelection   *selection;
  GtkColumnViewColumn  *view_columns[N_COLUMNS];
  ColumnData            column_data[N_COLUMNS];
  /* The GtkListItems bound to a row: item → its ColumnData */
  GHashTable           *bound;
  int                   probed;     /* column index the sorter asked first, or -1 */
};

G_DEFINE_FINAL_TYPE (QualifyLeadList, qualify_lead_list, GTK_TYPE_WIDGET)

enum {
  LEAD_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const guint status_masks[] = {
  0,
  1u << QUALIFY_STATUS_MQL,
  1u << QUALIFY_STATUS_SQL,
  (1u << QUALIFY_STATUS_MQL) | (1u << QUALIFY_STATUS_SQL),
  1u << QUALIFY_STATUS_LEAD,
  1u << QUALIFY_STATUS_DISQUALIFIED,
  1u << QUALIFY_STATUS_NONE,
};

static const char grade_letters[] = { 0, 'A', 'B', 'C', 'D', 'F' };

static void
update_count (QualifyLeadList *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint total = qualify_lead_model_get_n_total (self->model);
  QualifyLeadTable *table = qualify_lead_model_get_table (self->model);
  gboolean busy = qualify_lead_model_get_busy (self->model);
  g_autofree char *text = NULL;

  if (table != NULL && qualify_lead_table_is_preview (table))
    text = g_strdup (_("Loading all leads…"));
  else
    {
      g_autofree char *shown_text = qualify_format_count (shown);
      g_autofree char *total_text = qualify_format_count (total);

      if (shown == total)
        /* Translators: %s is the number of leads, e.g. "12,403" */
        text = g_strdup_printf (ngettext ("%s lead", "%s leads", total), total_text);
      else
        /* Translators: shown and total numbers of leads, e.g. "37 of 12,403 leads" */
        text = g_strdup_printf (ngettext ("%s of %s lead", "%s of %s leads", total),
                                shown_text, total_text);
    }

  gtk_label_set_text (self->count_label, text);
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy);

  gtk_stack_set_visible_child_name (self->list_stack,
                                    shown == 0 && total > 0 && !busy ? "empty" : "list");
}

static void
model_notify_cb (QualifyLeadList *self)
{
  update_count (self);
}

static void
filter_changed_cb (QualifyLeadList *self)
{
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  guint grade = gtk_drop_down_get_selected (self->grade_dropdown);

  qualify_lead_model_set_filter (self->model,
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                 status < G_N_ELEMENTS (status_masks) ? status_masks[status] : 0,
                                 grade < G_N_ELEMENTS (grade_letters) ? grade_letters[grade] : 0);
}

static void
stop_search_cb (QualifyLeadList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
column_view_activate_cb (QualifyLeadList *self,
                         guint            position)
{
  g_autoptr(QualifyLeadRow) row = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (row != NULL)
    g_signal_emit (self, signals[LEAD_ACTIVATED], 0, qualify_lead_row_get_id (row));
}

/* GTK 4.8 cannot tell which column the column view sorts by. Each column's
 * sorter records that it was asked, so comparing two dummies through the view's
 * sorter reveals the primary column, and the sign of the answer its order. */
static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  ColumnData *data = user_data;

  if (data->self->probed < 0)
    for (guint i = 0; i < N_COLUMNS; i++)
      if (&data->self->column_data[i] == data)
        data->self->probed = (int) i;

  return GTK_ORDERING_SMALLER;
}

static void
sorter_changed_cb (QualifyLeadList *self,
                   GtkSorterChange  change,
                   GtkSorter       *sorter)
{
  GtkOrdering order;

  /* Two different objects: gtk_sorter_compare() answers "equal" for one. */
  self->probed = -1;
  order = gtk_sorter_compare (sorter, self, self->model);

  if (self->probed < 0)
    /* No column: the default order, best leads first. */
    qualify_lead_model_set_sort (self->model, QUALIFY_LEAD_COLUMN_SCORE, TRUE);
  else
    qualify_lead_model_set_sort (self->model, columns[self->probed].column,
                                 order == GTK_ORDERING_LARGER);
}

/* Tooltips are made when asked for: gtk_widget_set_tooltip_text() on every bind
 * makes GTK 4.8 ask the X server where the pointer is (a round trip per cell:
 * two thirds of the time a new sort order took to reach the rows). */
static gboolean
query_tooltip_cb (GtkWidget  *cell,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (cell), "qualify-list-item");
  QualifyLeadRow *row = item != NULL ? gtk_list_item_get_item (item) : NULL;
  QualifyLeadTable *table;
  guint r;

  if (row == NULL)
    return FALSE;
  table = qualify_lead_row_get_table (row);
  r = qualify_lead_row_get_row (row);

  switch (columns[GPOINTER_TO_UINT (user_data)].column)
    {
    case QUALIFY_LEAD_COLUMN_NAME:
      gtk_tooltip_set_text (tooltip, qualify_lead_table_get_email (table, r));
      return TRUE;
    case QUALIFY_LEAD_COLUMN_MQL_AT:
    case QUALIFY_LEAD_COLUMN_LAST_ACTIVITY:
      {
        gint64 t = columns[GPOINTER_TO_UINT (user_data)].column == QUALIFY_LEAD_COLUMN_MQL_AT
                   ? qualify_lead_table_get_mql_at (table, r)
                   : qualify_lead_table_get_last_activity (table, r);
        g_autofree char *full = qualify_format_date_time (t);

        if (full[0] == '\0')
          return FALSE;
        gtk_tooltip_set_text (tooltip, full);
        return TRUE;
      }
    case QUALIFY_LEAD_COLUMN_COMPANY:
    case QUALIFY_LEAD_COLUMN_TITLE:
    case QUALIFY_LEAD_COLUMN_EMAIL:
    case QUALIFY_LEAD_COLUMN_GRADE:
    case QUALIFY_LEAD_COLUMN_FIT:
    case QUALIFY_LEAD_COLUMN_ENGAGEMENT:
    case QUALIFY_LEAD_COLUMN_SCORE:
    case QUALIFY_LEAD_COLUMN_STATUS:
    case QUALIFY_LEAD_COLUMN_ID:
    case QUALIFY_N_LEAD_COLUMNS:
    default:
      return FALSE;
    }
}

static QualifyLeadCellKind
column_cell_kind (QualifyLeadColumn column)
{
  switch (column)
    {
    case QUALIFY_LEAD_COLUMN_GRADE:
    case QUALIFY_LEAD_COLUMN_STATUS:
      return QUALIFY_LEAD_CELL_BADGE;
    case QUALIFY_LEAD_COLUMN_NAME:
    case QUALIFY_LEAD_COLUMN_COMPANY:
    case QUALIFY_LEAD_COLUMN_TITLE:
    case QUALIFY_LEAD_COLUMN_EMAIL:
      return QUALIFY_LEAD_CELL_TEXT;
    case QUALIFY_LEAD_COLUMN_FIT:
    case QUALIFY_LEAD_COLUMN_ENGAGEMENT:
    case QUALIFY_LEAD_COLUMN_SCORE:
    case QUALIFY_LEAD_COLUMN_MQL_AT:
    case QUALIFY_LEAD_COLUMN_LAST_ACTIVITY:
    case QUALIFY_LEAD_COLUMN_ID:
    case QUALIFY_N_LEAD_COLUMNS:
    default:
      return QUALIFY_LEAD_CELL_NUMBER;
    }
}

static guint
column_index (ColumnData *data)
{
  return (guint) (data - data->self->column_data);
}

/* Cells are QualifyLeadCells, not GtkLabels: a jump with the scrollbar rebinds
 * the ~200 rows GTK 4.8 keeps, then GTK measures the whole window, and each
 * label laid its text out again for each measure (see qualify-lead-cell.h). */
static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               ColumnData               *data)
{
  guint index = column_index (data);
  GtkWidget *cell = qualify_lead_cell_new (column_cell_kind (columns[index].column));

  if (columns[index].column == QUALIFY_LEAD_COLUMN_SCORE)
    gtk_widget_add_css_class (cell, "heading");
  if (columns[index].n_chars > 0)
    qualify_lead_cell_set_width_chars (QUALIFY_LEAD_CELL (cell), columns[index].n_chars);

  if (columns[index].column == QUALIFY_LEAD_COLUMN_NAME ||
      columns[index].column == QUALIFY_LEAD_COLUMN_MQL_AT ||
      columns[index].column == QUALIFY_LEAD_COLUMN_LAST_ACTIVITY)
    {
      /* the item owns the cell */
      g_object_set_data (G_OBJECT (cell), "qualify-list-item", item);
      gtk_widget_set_has_tooltip (cell, TRUE);
      g_signal_connect (cell, "query-tooltip", G_CALLBACK (query_tooltip_cb), GUINT_TO_POINTER (index));
    }

  gtk_list_item_set_child (item, cell);
}

static void
update_cell (GtkListItem *item,
             guint        index)
{
  QualifyLeadRow *row = gtk_list_item_get_item (item);
  QualifyLeadCell *cell = QUALIFY_LEAD_CELL (gtk_list_item_get_child (item));
  QualifyLeadTable *table = qualify_lead_row_get_table (row);
  guint r = qualify_lead_row_get_row (row);
  char buf[32];

  switch (columns[index].column)
    {
    case QUALIFY_LEAD_COLUMN_NAME:
      qualify_lead_cell_set_text (cell, qualify_lead_row_get_display_name (row));
      break;
    case QUALIFY_LEAD_COLUMN_COMPANY:
      qualify_lead_cell_set_text (cell, qualify_lead_table_get_company (table, r));
      break;
    case QUALIFY_LEAD_COLUMN_TITLE:
      qualify_lead_cell_set_text (cell, qualify_lead_table_get_title (table, r));
      break;
    case QUALIFY_LEAD_COLUMN_EMAIL:
      qualify_lead_cell_set_text (cell, qualify_lead_table_get_email (table, r));
      break;
    case QUALIFY_LEAD_COLUMN_GRADE:
      {
        const char *grade = qualify_lead_table_get_grade (table, r);

        qualify_lead_cell_set_text (cell, grade[0] ? grade : "–");
        qualify_lead_cell_set_variant (cell, "grade", qualify_grade_css_class (grade));
      }
      break;
    case QUALIFY_LEAD_COLUMN_FIT:
    case QUALIFY_LEAD_COLUMN_ENGAGEMENT:
    case QUALIFY_LEAD_COLUMN_SCORE:
      {
        double v = columns[index].column == QUALIFY_LEAD_COLUMN_FIT
                   ? qualify_lead_table_get_fit (table, r)
                   : columns[index].column == QUALIFY_LEAD_COLUMN_ENGAGEMENT
                   ? qualify_lead_table_get_engagement (table, r)
                   : qualify_lead_table_get_score (table, r);

        if (qualify_lead_table_get_scored (table, r))
          g_snprintf (buf, sizeof buf, "%.1f", v);
        else
          g_strlcpy (buf, "–", sizeof buf);
        qualify_lead_cell_set_text (cell, buf);
      }
      break;
    case QUALIFY_LEAD_COLUMN_STATUS:
      {
        QualifyStatus status = qualify_lead_table_get_status (table, r);

        qualify_lead_cell_set_text (cell, qualify_status_display_label (status));
        qualify_lead_cell_set_variant (cell, "status", qualify_status_css_class (status));
      }
      break;
    case QUALIFY_LEAD_COLUMN_MQL_AT:
    case QUALIFY_LEAD_COLUMN_LAST_ACTIVITY:
      {
        gint64 t = columns[index].column == QUALIFY_LEAD_COLUMN_MQL_AT
                   ? qualify_lead_table_get_mql_at (table, r)
                   : qualify_lead_table_get_last_activity (table, r);
        g_autofree char *date = qualify_format_date (t);

        qualify_lead_cell_set_text (cell, date[0] ? date : "–");
      }
      break;
    case QUALIFY_LEAD_COLUMN_ID:
    case QUALIFY_N_LEAD_COLUMNS:
    default:
      break;
    }
}

/* The model retargets the items on screen to other leads on a new order or
 * filter, then emits "reordered": the bound cells are updated then, instead of
 * each cell connecting to a signal of its row on every bind (a jump with the
 * scrollbar rebinds some 2,000 cells). */
static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              ColumnData               *data)
{
  g_hash_table_insert (data->self->bound, item, data);
  update_cell (item, column_index (data));
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                ColumnData               *data)
{
  g_hash_table_remove (data->self->bound, item);
}

static void
update_bound_cells (QualifyLeadList *self)
{
  GHashTableIter iter;
  gpointer item, data;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, &data))
    if (gtk_list_item_get_item (item) != NULL)
      update_cell (item, column_index (data));
}

static void
model_reordered_cb (QualifyLeadList *self)
{
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  /* A new order or filter starts at the top, with nothing selected. */
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  if (adj != NULL)
    gtk_adjustment_set_value (adj, gtk_adjustment_get_lower (adj));
}

static void
add_columns (QualifyLeadList *self)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkSorter) sorter = NULL;
      GtkColumnViewColumn *column;

      self->column_data[i].self = self;
      self->column_data[i].column = columns[i].column;
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), &self->column_data[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), &self->column_data[i]);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), &self->column_data[i]);

      column = gtk_column_view_column_new (_(columns[i].title), g_object_ref (factory));
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, &self->column_data[i], NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (columns[i].width > 0)
        gtk_column_view_column_set_fixed_width (column, columns[i].width);
      else
        gtk_column_view_column_set_expand (column, TRUE);

      gtk_column_view_append_column (self->column_view, column);
      self->view_columns[i] = column;
      g_object_unref (column);
    }
}

static void
qualify_lead_list_dispose (GObject *object)
{
  QualifyLeadList *self = (QualifyLeadList *) object;

  if (self->column_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      /* The factories point at column_data: the view may outlive the list. */
      for (guint i = 0; i < N_COLUMNS; i++)
        if (self->view_columns[i] != NULL)
          g_signal_handlers_disconnect_by_data (gtk_column_view_column_get_factory (self->view_columns[i]),
                                                &self->column_data[i]);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), QUALIFY_TYPE_LEAD_LIST);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (qualify_lead_list_parent_class)->dispose (object);
}

static void
qualify_lead_list_class_init (QualifyLeadListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qualify_lead_list_dispose;

  signals[LEAD_ACTIVATED] = g_signal_new ("lead-activated",
                                          G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/qualify-lead-list.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadList, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadList, grade_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadList, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadList, count_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadList, list_stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadList, column_view);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, qualify_lead_list_clear_filters);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "leadlist");
}

static void
qualify_lead_list_init (QualifyLeadList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->probed = -1;
  self->bound = g_hash_table_new (NULL, NULL);
  self->model = qualify_lead_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_columns (self);
  gtk_column_view_sort_by_column (self->column_view,
                                  self->view_columns[6], /* Score */
                                  GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->model, "notify::busy",
                           G_CALLBACK (model_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::n-total",
                           G_CALLBACK (model_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "items-changed",
                           G_CALLBACK (model_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "reordered",
                           G_CALLBACK (update_bound_cells), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "reordered",
                           G_CALLBACK (model_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "reordered",
                           G_CALLBACK (model_reordered_cb), self, G_CONNECT_SWAPPED);
  update_count (self);
}

void
qualify_lead_list_set_table (QualifyLeadList  *self,
                             QualifyLeadTable *table)
{
  g_return_if_fail (QUALIFY_IS_LEAD_LIST (self));

  qualify_lead_model_set_table (self->model, table);
  update_count (self);
}

QualifyLeadModel *
qualify_lead_list_get_model (QualifyLeadList *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_LIST (self), NULL);
  return self->model;
}

GtkColumnView *
qualify_lead_list_get_column_view (QualifyLeadList *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_LIST (self), NULL);
  return self->column_view;
}

GtkEditable *
qualify_lead_list_get_search_entry (QualifyLeadList *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_LIST (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

GtkDropDown *
qualify_lead_list_get_status_dropdown (QualifyLeadList *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_LIST (self), NULL);
  return self->status_dropdown;
}

GtkDropDown *
qualify_lead_list_get_grade_dropdown (QualifyLeadList *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_LIST (self), NULL);
  return self->grade_dropdown;
}

GtkLabel *
qualify_lead_list_get_count_label (QualifyLeadList *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_LIST (self), NULL);
  return self->count_label;
}

void
qualify_lead_list_sort_by (QualifyLeadList   *self,
                           QualifyLeadColumn  column,
                           GtkSortType        order)
{
  g_return_if_fail (QUALIFY_IS_LEAD_LIST (self));

  for (guint i = 0; i < N_COLUMNS; i++)
    if (columns[i].column == column)
      gtk_column_view_sort_by_column (self->column_view, self->view_columns[i], order);
}

void
qualify_lead_list_focus_search (QualifyLeadList *self)
{
  g_return_if_fail (QUALIFY_IS_LEAD_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
qualify_lead_list_clear_filters (QualifyLeadList *self)
{
  g_return_if_fail (QUALIFY_IS_LEAD_LIST (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->status_dropdown, 0);
  gtk_drop_down_set_selected (self->grade_dropdown, 0);
  /* The entry reports its change after a delay; apply it now. */
  filter_changed_cb (self);
}
