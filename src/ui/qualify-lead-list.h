/* qualify-lead-list.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qualify-lead-model.h"

G_BEGIN_DECLS

/* The Leads view: search, status and grade filters, a count, and a column view
 * over a QualifyLeadModel. Sorting by a column header re-sorts the model.
 *
 * Signals:
 *   "lead-activated" (gint64 lead_id): a row was activated (Enter, double click). */

#define QUALIFY_TYPE_LEAD_LIST (qualify_lead_list_get_type ())
G_DECLARE_FINAL_TYPE (QualifyLeadList, qualify_lead_list, QUALIFY, LEAD_LIST, GtkWidget)

void               qualify_lead_list_set_table          (QualifyLeadList   *self,
                                                         QualifyLeadTable  *table);
QualifyLeadModel  *qualify_lead_list_get_model          (QualifyLeadList   *self);
GtkColumnView     *qualify_lead_list_get_column_view    (QualifyLeadList   *self);
GtkEditable       *qualify_lead_list_get_search_entry   (QualifyLeadList   *self);
GtkDropDown       *qualify_lead_list_get_status_dropdown (QualifyLeadList  *self);
GtkDropDown       *qualify_lead_list_get_grade_dropdown (QualifyLeadList   *self);
GtkLabel          *qualify_lead_list_get_count_label    (QualifyLeadList   *self);
/* Sorts as a click on the column header would. */
void               qualify_lead_list_sort_by            (QualifyLeadList   *self,
                                                         QualifyLeadColumn  column,
                                                         GtkSortType        order);
void               qualify_lead_list_focus_search       (QualifyLeadList   *self);
void               qualify_lead_list_clear_filters      (QualifyLeadList   *self);

G_END_DECLS
