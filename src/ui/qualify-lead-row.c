/* qualify-lead-row.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-lead-row"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "qualify-lead-row.h"

struct _QualifyLeadRow
{
  GObject           parent_instance;

  QualifyLeadTable *table;
  guint             row;
};

G_DEFINE_FINAL_TYPE (QualifyLeadRow, qualify_lead_row, G_TYPE_OBJECT)

static void
qualify_lead_row_finalize (GObject *object)
{
  QualifyLeadRow *self = (QualifyLeadRow *) object;

  g_clear_object (&self->table);

  G_OBJECT_CLASS (qualify_lead_row_parent_class)->finalize (object);
}

static void
qualify_lead_row_class_init (QualifyLeadRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qualify_lead_row_finalize;
}

static void
qualify_lead_row_init (QualifyLeadRow *self)
{
}

QualifyLeadRow *
qualify_lead_row_new (QualifyLeadTable *table,
                      guint             row)
{
  QualifyLeadRow *self;

  g_return_val_if_fail (QUALIFY_IS_LEAD_TABLE (table), NULL);
  g_return_val_if_fail (row < qualify_lead_table_get_n_leads (table), NULL);

  self = g_object_new (QUALIFY_TYPE_LEAD_ROW, NULL);
  self->table = g_object_ref (table);
  self->row = row;

  return self;
}

void
qualify_lead_row_set (QualifyLeadRow   *self,
                      QualifyLeadTable *table,
                      guint             row)
{
  g_return_if_fail (QUALIFY_IS_LEAD_ROW (self));
  g_return_if_fail (QUALIFY_IS_LEAD_TABLE (table));
  g_return_if_fail (row < qualify_lead_table_get_n_leads (table));

  g_set_object (&self->table, table);
  self->row = row;
}

QualifyLeadTable *
qualify_lead_row_get_table (QualifyLeadRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_ROW (self), NULL);
  return self->table;
}

guint
qualify_lead_row_get_row (QualifyLeadRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_ROW (self), 0);
  return self->row;
}

gint64
qualify_lead_row_get_id (QualifyLeadRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_ROW (self), 0);
  return qualify_lead_table_get_id (self->table, self->row);
}

const char *
qualify_lead_row_get_display_name (QualifyLeadRow *self)
{
  const char *name;

  g_return_val_if_fail (QUALIFY_IS_LEAD_ROW (self), "");

  name = qualify_lead_table_get_name (self->table, self->row);
  return name[0] != '\0' ? name : qualify_lead_table_get_email (self->table, self->row);
}

double
qualify_lead_row_get_score (QualifyLeadRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_ROW (self), 0);
  return qualify_lead_table_get_score (self->table, self->row);
}

QualifyStatus
qualify_lead_row_get_status (QualifyLeadRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_ROW (self), QUALIFY_STATUS_NONE);
  return qualify_lead_table_get_status (self->table, self->row);
}

const char *
qualify_lead_row_get_grade (QualifyLeadRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_ROW (self), "");
  return qualify_lead_table_get_grade (self->table, self->row);
}

const char *
qualify_status_css_class (QualifyStatus status)
{
  switch (status)
    {
    case QUALIFY_STATUS_LEAD:
      return "status-lead";
    case QUALIFY_STATUS_MQL:
      return "status-mql";
    case QUALIFY_STATUS_SQL:
      return "status-sql";
    case QUALIFY_STATUS_DISQUALIFIED:
      return "status-disqualified";
    case QUALIFY_STATUS_NONE:
    case QUALIFY_N_STATUSES:
    default:
      return "status-none";
    }
}

const char *
qualify_status_display_label (QualifyStatus status)
{
  if (status == QUALIFY_STATUS_NONE || status >= QUALIFY_N_STATUSES)
    return _("Not scored");
  return qualify_status_get_label (status);
}

const char *
qualify_grade_css_class (const char *grade)
{
  if (grade == NULL || grade[0] == '\0')
    return "grade-none";

  switch (grade[0])
    {
    case 'A':
      return "grade-a";
    case 'B':
      return "grade-b";
    case 'C':
      return "grade-c";
    case 'D':
      return "grade-d";
    default:
      return "grade-f";
    }
}

/* The local time zone, looked up again at most once a second: GLib checks
 * the system's setting on each g_time_zone_new_local() (a stat() of
 * /etc/localtime), and the lead list formats thousands of dates at a time.
 * Main thread only, as the widgets that format dates. */
static GTimeZone *
get_local_time_zone (void)
{
  static GTimeZone *zone;
  static gint64 looked_up;
  gint64 now = g_get_monotonic_time ();

  if (zone == NULL || now - looked_up > G_USEC_PER_SEC)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      looked_up = now;
    }

  return zone;
}

char *
qualify_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_time <= 0 || !(utc = g_date_time_new_from_unix_utc (unix_time)))
    return g_strdup ("");
  local = g_date_time_to_timezone (utc, get_local_time_zone ());
  return g_date_time_format (local, "%Y-%m-%d");
}

char *
qualify_format_date_time (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_time <= 0 || !(utc = g_date_time_new_from_unix_utc (unix_time)))
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

GdkRGBA
qualify_lookup_color (GtkWidget  *widget,
                      const char *name,
                      const char *fallback)
{
  GdkRGBA color;

  /* GTK 4.8 has no other way to read a named theme color */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, &color))
    gdk_rgba_parse (&color, fallback);
  G_GNUC_END_IGNORE_DEPRECATIONS

  return color;
}
