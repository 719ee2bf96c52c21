/* qualify-lead-row.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qualify-lead-table.h"

#include <gtk/gtk.h>

#include "qualify-parse.h"

G_BEGIN_DECLS

/* One row of the lead list: a light handle on a row of a QualifyLeadTable,
 * created on demand by QualifyLeadModel for the rows on screen. */

#define QUALIFY_TYPE_LEAD_ROW (qualify_lead_row_get_type ())
G_DECLARE_FINAL_TYPE (QualifyLeadRow, qualify_lead_row, QUALIFY, LEAD_ROW, GObject)

QualifyLeadRow    *qualify_lead_row_new         (QualifyLeadTable *table,
                                                 guint             row);
/* Points the row at another lead. The list model keeps its items and
 * retargets them on a new sort or filter, then emits "reordered", on which the
 * list updates the cells on screen instead of rebuilding the row widgets. */
void               qualify_lead_row_set         (QualifyLeadRow   *self,
                                                 QualifyLeadTable *table,
                                                 guint             row);
QualifyLeadTable  *qualify_lead_row_get_table   (QualifyLeadRow   *self);
guint              qualify_lead_row_get_row     (QualifyLeadRow   *self);
gint64             qualify_lead_row_get_id      (QualifyLeadRow   *self);
/* The name, or the email for leads without a name. */
const char        *qualify_lead_row_get_display_name (QualifyLeadRow *self);
double             qualify_lead_row_get_score   (QualifyLeadRow   *self);
QualifyStatus      qualify_lead_row_get_status  (QualifyLeadRow   *self);
const char        *qualify_lead_row_get_grade   (QualifyLeadRow   *self);

/* Shared by the list and the lead page: CSS classes of the coloured badges
 * (style.css) and the short date shown in tables ("" for 0). */
const char        *qualify_status_css_class     (QualifyStatus     status);
const char        *qualify_grade_css_class      (const char       *grade);
const char        *qualify_status_display_label (QualifyStatus     status);
/* A named color of the theme (e.g. "accent_bg_color"), or @fallback. */
GdkRGBA            qualify_lookup_color         (GtkWidget        *widget,
                                                 const char       *name,
                                                 const char       *fallback);
char              *qualify_format_date          (gint64            unix_time);
char              *qualify_format_date_time     (gint64            unix_time);
/* 12403 → "12,403" (the locale's grouping; "," where the locale has none). */

G_END_DECLS
