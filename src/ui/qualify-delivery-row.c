/* qualify-delivery-row.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-delivery-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qualify-delivery-row.h"
#include "qualify-lead-row.h"

#define EXCERPT_CHARS 160

struct _QualifyDeliveryRow
{
  AdwActionRow          parent_instance;

  gint64                delivery_id;
  gint64                lead_id;
  QualifyDeliveryState  state;
};

G_DEFINE_FINAL_TYPE (QualifyDeliveryRow, qualify_delivery_row, ADW_TYPE_ACTION_ROW)

enum { RETRY, DISCARD, N_SIGNALS };
static guint signals[N_SIGNALS];

/* One line, at most EXCERPT_CHARS characters. */
static char *
excerpt (const char *text)
{
  g_autofree char *line = NULL;
  char *p;

  if (text == NULL || *text == '\0')
    return NULL;
  line = g_utf8_make_valid (text, -1);
  for (p = line; *p; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';
  g_strstrip (line);
  if (g_utf8_strlen (line, -1) > EXCERPT_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, EXCERPT_CHARS);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&line);
}

static void
retry_clicked_cb (QualifyDeliveryRow *self)
{
  g_signal_emit (self, signals[RETRY], 0);
}

static void
discard_clicked_cb (QualifyDeliveryRow *self)
{
  g_signal_emit (self, signals[DISCARD], 0);
}

static GtkWidget *
suffix_button (const char *icon,
               const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static void
qualify_delivery_row_class_init (QualifyDeliveryRowClass *klass)
{
  signals[RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[DISCARD] = g_signal_new ("discard", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
qualify_delivery_row_init (QualifyDeliveryRow *self)
{
}

char *
qualify_delivery_format_when (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int days;

  if (unix_time <= 0 || !(utc = g_date_time_new_from_unix_utc (unix_time)))
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  days = g_date_time_get_day_of_year (local) - g_date_time_get_day_of_year (now);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) && days == 0)
    /* Translators: a time today, in g_date_time_format () syntax */
    return g_date_time_format (local, _("%H:%M"));
  if (g_date_time_get_year (local) == g_date_time_get_year (now) && days == 1)
    /* Translators: a time tomorrow, in g_date_time_format () syntax */
    return g_date_time_format (local, _("tomorrow %H:%M"));
  if (g_date_time_get_year (local) == g_date_time_get_year (now) && days == -1)
    /* Translators: a time yesterday, in g_date_time_format () syntax */
    return g_date_time_format (local, _("yesterday %H:%M"));
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
qualify_delivery_describe (const QualifyDelivery *d)
{
  g_autofree char *http = d->last_status > 0 ? g_strdup_printf ("HTTP %d", d->last_status)
                                              : g_strdup (_("no response"));
  g_autofree char *attempts = g_strdup_printf (ngettext ("%d attempt", "%d attempts", d->attempts),
                                               d->attempts);
  g_autofree char *reason = excerpt (d->last_error);
  g_autofree char *response = excerpt (d->response);
  g_autofree char *facts = NULL;
  g_autofree char *detail = NULL;

  switch (d->state)
    {
    case QUALIFY_DELIVERY_DELIVERED:
      {
        g_autofree char *at = qualify_delivery_format_when (d->delivered_at);

        /* Translators: "HubSpot · delivered 2026-11-23 10:04 · HTTP 200 · 1 attempt" */
        facts = g_strdup_printf (_("%s · delivered %s · %s · %s"), d->endpoint, at, http, attempts);
      }
      break;

    case QUALIFY_DELIVERY_PENDING:
    case QUALIFY_DELIVERY_SENDING:
      if (d->attempts == 0)
        facts = g_strdup_printf (_("%s · queued, not sent yet"), d->endpoint);
      else
        {
          g_autofree char *next = qualify_delivery_format_when (d->next_at);

          /* Translators: "HubSpot · 2 attempts · HTTP 503 · next retry 2026-11-23 10:04" */
          facts = g_strdup_printf (_("%s · %s · %s · next retry %s"), d->endpoint, attempts, http,
                                   *next ? next : _("now"));
        }
      break;

    case QUALIFY_DELIVERY_FAILED:
      /* Translators: "HubSpot · failed · 3 attempts · HTTP 400" */
      facts = g_strdup_printf (_("%s · failed · %s · %s"), d->endpoint, attempts, http);
      break;

    case QUALIFY_DELIVERY_DISCARDED:
    case QUALIFY_N_DELIVERY_STATES:
    default:
      facts = g_strdup_printf (_("%s · discarded · %s"), d->endpoint, attempts);
      break;
    }

  /* The reason says more than the raw body; the body when there is no reason. */
  if (reason != NULL && response != NULL && strstr (d->last_error, d->response) == NULL &&
      d->state != QUALIFY_DELIVERY_DELIVERED)
    detail = g_strdup_printf (_("%s — response: %s"), reason, response);
  else if (reason != NULL)
    detail = g_steal_pointer (&reason);
  else if (response != NULL && d->state != QUALIFY_DELIVERY_DELIVERED)
    detail = g_strdup_printf (_("Response: %s"), response);

  return detail ? g_strdup_printf ("%s\n%s", facts, detail) : g_steal_pointer (&facts);
}

GtkWidget *
qualify_delivery_row_new (const QualifyDelivery *d)
{
  QualifyDeliveryRow *self;
  g_autofree char *subtitle = NULL;
  QualifyStatus to = QUALIFY_STATUS_NONE;
  GtkWidget *badge;
  GtkWidget *image;
  const char *icon;
  const char *tooltip;

  g_return_val_if_fail (d != NULL, NULL);

  self = g_object_new (QUALIFY_TYPE_DELIVERY_ROW, "use-markup", FALSE, NULL);
  self->delivery_id = d->id;
  self->lead_id = d->email != NULL ? d->lead_id : 0;
  self->state = d->state;

  subtitle = qualify_delivery_describe (d);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), d->email ? d->email : _("(deleted lead)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 2);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (self), 1);
  if (d->response != NULL && *d->response != '\0')
    {
      g_autofree char *valid = g_utf8_make_valid (d->response, MIN (strlen (d->response), 2000));

      gtk_widget_set_tooltip_text (GTK_WIDGET (self), valid);
    }

  switch (d->state)
    {
    case QUALIFY_DELIVERY_DELIVERED:
      icon = "emblem-ok-symbolic";
      tooltip = _("Delivered");
      break;
    case QUALIFY_DELIVERY_FAILED:
      icon = "dialog-error-symbolic";
      tooltip = _("Failed");
      break;
    case QUALIFY_DELIVERY_DISCARDED:
      icon = "edit-delete-symbolic";
      tooltip = _("Discarded");
      break;
    case QUALIFY_DELIVERY_PENDING:
    case QUALIFY_DELIVERY_SENDING:
    case QUALIFY_N_DELIVERY_STATES:
    default:
      icon = d->attempts > 0 ? "view-refresh-symbolic" : "content-loading-symbolic";
      tooltip = d->attempts > 0 ? _("Waiting for a retry") : _("Pending");
      break;
    }
  image = gtk_image_new_from_icon_name (icon);
  gtk_widget_set_tooltip_text (image, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  if (d->state == QUALIFY_DELIVERY_DELIVERED)
    gtk_widget_add_css_class (image, "success");
  else if (d->state == QUALIFY_DELIVERY_FAILED)
    gtk_widget_add_css_class (image, "error");
  else if (d->attempts > 0 && d->state != QUALIFY_DELIVERY_DISCARDED)
    gtk_widget_add_css_class (image, "warning");
  else
    gtk_widget_add_css_class (image, "dim-label");
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), image);

  /* The transition, as the same badge the lead list uses */
  qualify_status_from_string (d->to_status, &to);
  badge = gtk_label_new (qualify_status_display_label (to));
  gtk_widget_add_css_class (badge, "badge");
  gtk_widget_add_css_class (badge, qualify_status_css_class (to));
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), badge);

  if (d->state == QUALIFY_DELIVERY_FAILED ||
      ((d->state == QUALIFY_DELIVERY_PENDING || d->state == QUALIFY_DELIVERY_SENDING) && d->attempts > 0))
    {
      GtkWidget *retry = suffix_button ("view-refresh-symbolic", _("Retry Now"));
      GtkWidget *discard = suffix_button ("user-trash-symbolic", _("Discard"));

      g_signal_connect_swapped (retry, "clicked", G_CALLBACK (retry_clicked_cb), self);
      g_signal_connect_swapped (discard, "clicked", G_CALLBACK (discard_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (self), retry);
      adw_action_row_add_suffix (ADW_ACTION_ROW (self), discard);
    }

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), self->lead_id > 0);
  return GTK_WIDGET (self);
}

gint64
qualify_delivery_row_get_delivery_id (QualifyDeliveryRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_DELIVERY_ROW (self), 0);
  return self->delivery_id;
}

gint64
qualify_delivery_row_get_lead_id (QualifyDeliveryRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_DELIVERY_ROW (self), 0);
  return self->lead_id;
}

QualifyDeliveryState
qualify_delivery_row_get_state (QualifyDeliveryRow *self)
{
  g_return_val_if_fail (QUALIFY_IS_DELIVERY_ROW (self), QUALIFY_DELIVERY_PENDING);
  return self->state;
}
