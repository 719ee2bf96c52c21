/* qualify-lead-model.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qualify-lead-table.h"

G_BEGIN_DECLS

/* A GListModel of QualifyLeadRow over a QualifyLeadTable. Items are created on
 * demand; sorting and filtering run in a worker thread over the table and the
 * new order is swapped in with one items-changed. */

#define QUALIFY_TYPE_LEAD_MODEL (qualify_lead_model_get_type ())
G_DECLARE_FINAL_TYPE (QualifyLeadModel, qualify_lead_model, QUALIFY, LEAD_MODEL, GObject)

QualifyLeadModel  *qualify_lead_model_new          (void);
/* A preview table (qualify_lead_table_is_preview()) is shown as is, in its own
 * order, until the whole table replaces it; sort and filter then apply. */
void               qualify_lead_model_set_table    (QualifyLeadModel  *self,
                                                    QualifyLeadTable  *table);
QualifyLeadTable  *qualify_lead_model_get_table    (QualifyLeadModel  *self);
void               qualify_lead_model_set_sort     (QualifyLeadModel  *self,
                                                    QualifyLeadColumn  column,
                                                    gboolean           descending);
QualifyLeadColumn  qualify_lead_model_get_sort     (QualifyLeadModel  *self,
                                                    gboolean          *descending);
void               qualify_lead_model_set_filter   (QualifyLeadModel  *self,
                                                    const char        *search,
                                                    guint              statuses,
                                                    char               grade);
/* Leads in the table (0 while only a preview is loaded). */
guint              qualify_lead_model_get_n_total  (QualifyLeadModel  *self);
/* TRUE while a sort or filter runs, or only a preview is shown. */
gboolean           qualify_lead_model_get_busy     (QualifyLeadModel  *self);
/* Microseconds the last sort/filter took, from request to items-changed. */
gint64             qualify_lead_model_get_last_update_usec (QualifyLeadModel *self);

G_END_DECLS
