/* qualify-lead-cell.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One cell of the lead list: a line of text styled like a GtkLabel (CSS name
 * "label": colour, font, padding, background and border from the theme and
 * the cell's classes) and exposed to assistive technologies as a label named
 * by its text.
 *
 * Why not a GtkLabel: GTK 4.8's column view keeps about 200 rows bound, so a
 * jump with the scrollbar rebinds some 2,000 cells and then measures the whole
 * window; a GtkLabel lays its text out again (copies of its PangoLayout) for
 * each measure. A cell's size does not depend on its text (one line of its
 * font; the natural width is given in characters, as GtkLabel's width-chars),
 * except a badge's, which is as wide as its text. Text is laid out only when
 * drawn, which is for the rows on screen, and shaped layouts are shared
 * between cells that show the same text in the same font (grades, statuses,
 * numbers and dates repeat). */

typedef enum
{
  QUALIFY_LEAD_CELL_TEXT,   /* start-aligned, ellipsized at the end */
  QUALIFY_LEAD_CELL_NUMBER, /* end-aligned, tabular figures, ellipsized at the end */
  QUALIFY_LEAD_CELL_BADGE,  /* as wide as its text (halign start), never ellipsized */
} QualifyLeadCellKind;

#define QUALIFY_TYPE_LEAD_CELL (qualify_lead_cell_get_type ())
G_DECLARE_FINAL_TYPE (QualifyLeadCell, qualify_lead_cell, QUALIFY, LEAD_CELL, GtkWidget)

GtkWidget  *qualify_lead_cell_new            (QualifyLeadCellKind  kind);
void        qualify_lead_cell_set_text       (QualifyLeadCell     *self,
                                              const char          *text);
const char *qualify_lead_cell_get_text       (QualifyLeadCell     *self);
/* The natural width, in characters of the cell's font (GtkLabel's
 * width-chars); 0 (the default) asks only for the width of "…". Not for badges. */
void        qualify_lead_cell_set_width_chars (QualifyLeadCell    *self,
                                              int                  n_chars);
/* For badges: the one CSS class that varies ("grade-a", "status-mql"…), set
 * beside "badge" and @base_class ("grade", "status"); a no-op when unchanged.
 * Both must be static strings. */
void        qualify_lead_cell_set_variant    (QualifyLeadCell     *self,
                                              const char          *base_class,
                                              const char          *variant);
/* TRUE when the text does not fit and is drawn ellipsized (as of the last
 * frame). */
gboolean    qualify_lead_cell_get_ellipsized (QualifyLeadCell     *self);

G_END_DECLS
