/* qualify-lead-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-lead-page"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "qualify-application.h"
#include "qualify-lead-page.h"
#include "qualify-lead-row.h"
#include "qualify-outbox.h"
#include "qualify-score-bar.h"
#include "qualify-scorer.h"
#include "qualify-store.h"

/* Events shown on the page; older ones are counted, not listed. */
#define MAX_EVENTS 200

struct _QualifyLeadPage
{
  GtkWidget           parent_instance;

  AdwWindowTitle     *window_title;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkScrolledWindow  *scroller;
  GtkLabel           *name_label;
  GtkLabel           *role_label;
  GtkLabel           *email_label;
  GtkLabel           *status_badge;
  GtkLabel           *grade_badge;
  GtkLabel           *since_label;
  GtkLabel           *score_label;
  GtkLabel           *fit_label;
  GtkLabel           *engagement_label;
  GtkLabel           *why_label;
  GtkListBox         *breakdown_list;
  GtkLabel           *activity_heading;
  GtkListBox         *events_list;
  GtkListBox         *history_list;
  GtkListBox         *handoff_list;

  GCancellable       *cancellable;
  gint64              lead_id;
  gboolean            loading;
  char               *text;
};

G_DEFINE_FINAL_TYPE (QualifyLeadPage, qualify_lead_page, GTK_TYPE_WIDGET)

typedef struct
{
  char               *path;
  gint64              lead_id;

  QualifyLeadRecord  *lead;
  QualifyExplanation *explanation;
  char               *explain_error;
  GPtrArray          *events;
  guint               n_events;
  GPtrArray          *history;
  GPtrArray          *deliveries;
  char               *text;
} LeadDetails;

static void
lead_details_free (LeadDetails *d)
{
  g_free (d->path);
  g_clear_pointer (&d->lead, qualify_lead_record_free);
  g_clear_pointer (&d->explanation, qualify_explanation_free);
  g_free (d->explain_error);
  g_clear_pointer (&d->events, g_ptr_array_unref);
  g_clear_pointer (&d->history, g_ptr_array_unref);
  g_clear_pointer (&d->deliveries, g_ptr_array_unref);
  g_free (d->text);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LeadDetails, lead_details_free)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LeadDetails *d = task_data;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GError) local_error = NULL;
  GError *error = NULL;

  if (!(store = qualify_store_open (d->path, &error)) ||
      !(d->lead = qualify_store_get_lead (store, d->lead_id, &error)) ||
      !(d->events = qualify_store_get_lead_events (store, d->lead_id, &error)) ||
      !(d->history = qualify_store_get_status_history (store, d->lead_id, &error)) ||
      !(d->deliveries = qualify_outbox_list_for_lead (store, d->lead_id, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  d->n_events = d->events->len;
  if (d->events->len > MAX_EVENTS)
    g_ptr_array_remove_range (d->events, MAX_EVENTS, d->events->len - MAX_EVENTS);

  /* A lead that cannot be explained (no active model yet) is still shown. */
  if (d->lead->scored)
    {
      d->explanation = qualify_explain_lead (store, d->lead_id, 0, &local_error);
      if (d->explanation == NULL)
        d->explain_error = g_strdup (local_error->message);
      else
        d->text = qualify_explanation_to_text (d->explanation, d->lead);
    }

  g_task_return_boolean (task, TRUE);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static char *
format_points (double points)
{
  /* U+2212 MINUS SIGN reads better than a hyphen next to numbers. */
  if (points < 0)
    return g_strdup_printf ("−%.1f", -points);
  return g_strdup_printf ("+%.1f", points);
}

static const char *
kind_label (QualifyContributionKind kind)
{
  switch (kind)
    {
    case QUALIFY_CONTRIBUTION_FIT:
      return C_("contribution kind", "Fit");
    case QUALIFY_CONTRIBUTION_ENGAGEMENT:
      return C_("contribution kind", "Engagement");
    case QUALIFY_CONTRIBUTION_DISQUALIFY:
      return C_("contribution kind", "Disqualifier");
    case QUALIFY_CONTRIBUTION_SALES_READY:
      return C_("contribution kind", "Sales-ready");
    default:
      return "";
    }
}

static char *
contribution_detail (const QualifyContribution *c)
{
  switch (c->kind)
    {
    case QUALIFY_CONTRIBUTION_FIT:
      if (c->value != NULL)
        /* Translators: %s is the lead's value that matched a fit rule */
        return g_strdup_printf (_("Fit · matched “%s”"), c->value);
      return g_strdup (_("Fit"));
    case QUALIFY_CONTRIBUTION_ENGAGEMENT:
      {
        g_autofree char *base = NULL;

        /* Translators: events counted, points without decay, points after decay */
        base = g_strdup_printf (ngettext ("Engagement · %u event · %.1f raw → %.1f after decay",
                                          "Engagement · %u events · %.1f raw → %.1f after decay",
                                          c->n_events),
                                c->n_events, c->raw_points, c->decayed_points);
        if (c->capped)
          return g_strdup_printf (_("%s · cap reached"), base);
        return g_steal_pointer (&base);
      }
    case QUALIFY_CONTRIBUTION_DISQUALIFY:
      return g_strdup_printf (_("Disqualifier · matched “%s” · sets the status to Disqualified"),
                              c->value ? c->value : "");
    case QUALIFY_CONTRIBUTION_SALES_READY:
      {
        g_autofree char *when = qualify_format_date (c->last_event);

        return g_strdup_printf (ngettext ("Sales-ready · %u event, last on %s · sets the status to SQL",
                                          "Sales-ready · %u events, last on %s · sets the status to SQL",
                                          c->n_events),
                                c->n_events, when);
      }
    default:
      return g_strdup ("");
    }
}

static int
rank_contributions (gconstpointer a,
                    gconstpointer b)
{
  const QualifyContribution *ca = *(QualifyContribution * const *) a;
  const QualifyContribution *cb = *(QualifyContribution * const *) b;
  gboolean za = ca->kind == QUALIFY_CONTRIBUTION_DISQUALIFY || ca->kind == QUALIFY_CONTRIBUTION_SALES_READY;
  gboolean zb = cb->kind == QUALIFY_CONTRIBUTION_DISQUALIFY || cb->kind == QUALIFY_CONTRIBUTION_SALES_READY;

  /* Points first, largest first; status rules last. */
  if (za != zb)
    return za ? 1 : -1;
  if (ca->points != cb->points)
    return ca->points > cb->points ? -1 : 1;
  return 0;
}

static GtkWidget *
breakdown_row_new (const char *title,
                   const char *subtitle,
                   const char *points_text,
                   GtkWidget  *bar,
                   gboolean    total)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *points = gtk_label_new (points_text);
  g_autofree char *accessible = NULL;

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0.f);
  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_widget_add_css_class (title_label, total ? "heading" : "body");
  gtk_box_append (GTK_BOX (texts), title_label);
  if (subtitle != NULL && subtitle[0] != '\0')
    {
      GtkWidget *sub = gtk_label_new (subtitle);

      gtk_label_set_xalign (GTK_LABEL (sub), 0.f);
      gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (sub), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (sub, "caption");
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_box_append (GTK_BOX (texts), sub);
    }
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), texts);

  gtk_label_set_xalign (GTK_LABEL (points), 1.f);
  gtk_label_set_width_chars (GTK_LABEL (points), 7);
  gtk_widget_add_css_class (points, "numeric");
  gtk_widget_add_css_class (points, total ? "title-3" : "heading");
  gtk_box_append (GTK_BOX (box), points);

  gtk_widget_set_size_request (bar, 280, -1);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), bar);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "score-bar", bar);
  if (total)
    {
      g_object_set_data (G_OBJECT (row), "total", GINT_TO_POINTER (TRUE));
      gtk_widget_add_css_class (row, "total");
    }

  accessible = g_strdup_printf ("%s, %s %s", title, points_text, subtitle ? subtitle : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  return row;
}

static void
fill_breakdown (QualifyLeadPage    *self,
                LeadDetails        *d)
{
  QualifyExplanation *e = d->explanation;
  g_autoptr(GPtrArray) ranked = NULL;
  double lo = 0, hi = 0, sum = 0;
  g_autofree char *as_of = NULL;
  g_autofree char *why = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *total_sub = NULL;
  GtkWidget *bar;

  clear_list (self->breakdown_list);

  if (e == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     d->lead->scored ? _("The explanation is not available")
                                                     : _("This lead has not been scored yet"));
      if (d->explain_error != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), d->explain_error);
      gtk_list_box_append (self->breakdown_list, row);
      gtk_label_set_text (self->why_label, "");
      return;
    }

  ranked = g_ptr_array_new ();
  for (guint i = 0; i < e->contributions->len; i++)
    g_ptr_array_add (ranked, g_ptr_array_index (e->contributions, i));
  g_ptr_array_sort (ranked, rank_contributions);

  /* Scale: every running sum, zero, the score and the threshold fit. */
  for (guint i = 0; i < ranked->len; i++)
    {
      const QualifyContribution *c = g_ptr_array_index (ranked, i);

      sum += c->points;
      lo = MIN (lo, sum);
      hi = MAX (hi, sum);
    }
  hi = MAX (hi, MAX (e->score, e->mql_threshold));
  lo = MIN (lo, e->score);
  hi += (hi - lo) * 0.04;
  if (lo < 0)
    lo -= (hi - lo) * 0.04;

  sum = 0;
  for (guint i = 0; i < ranked->len; i++)
    {
      const QualifyContribution *c = g_ptr_array_index (ranked, i);
      g_autofree char *detail = contribution_detail (c);
      g_autofree char *points = format_points (c->points);
      GtkWidget *row;

      bar = qualify_score_bar_new ();
      qualify_score_bar_set_range (QUALIFY_SCORE_BAR (bar), lo, hi);
      qualify_score_bar_set_span (QUALIFY_SCORE_BAR (bar), sum, c->points);
      qualify_score_bar_set_threshold (QUALIFY_SCORE_BAR (bar), e->mql_threshold);
      sum += c->points;

      row = breakdown_row_new (c->label ? c->label : c->rule_id, detail, points, bar, FALSE);
      gtk_widget_add_css_class (row, c->points < 0 ? "negative" : "positive");
      gtk_widget_set_tooltip_text (row, kind_label (c->kind));
      gtk_list_box_append (self->breakdown_list, row);
    }

  bar = qualify_score_bar_new ();
  qualify_score_bar_set_range (QUALIFY_SCORE_BAR (bar), lo, hi);
  qualify_score_bar_set_span (QUALIFY_SCORE_BAR (bar), 0, e->score);
  qualify_score_bar_set_threshold (QUALIFY_SCORE_BAR (bar), e->mql_threshold);
  qualify_score_bar_set_total (QUALIFY_SCORE_BAR (bar), TRUE);
  total_text = g_strdup_printf ("%.1f", e->score);
  if (e->score >= e->mql_threshold)
    /* Translators: %.0f is the MQL threshold in points */
    total_sub = g_strdup_printf (_("Sum of the rows above · at or above the MQL threshold of %.0f"),
                                 e->mql_threshold);
  else
    total_sub = g_strdup_printf (_("Sum of the rows above · %.1f below the MQL threshold of %.0f"),
                                 e->mql_threshold - e->score, e->mql_threshold);
  gtk_list_box_append (self->breakdown_list,
                       breakdown_row_new (_("Score"), total_sub, total_text, bar, TRUE));

  as_of = qualify_format_date_time (e->as_of);
  /* Translators: as-of date, MQL threshold, minimum fit, minimum engagement */
  why = g_strdup_printf (_("As of %s. A lead is an MQL at %.0f points or more with fit ≥ %.0f "
                           "and engagement ≥ %.0f. The dashed line marks the threshold."),
                         as_of, e->mql_threshold, e->min_fit, e->min_engagement);
  gtk_label_set_text (self->why_label, why);
}

static const char *
event_icon (const char *type)
{
  if (type == NULL)
    return "starred-symbolic";
  if (g_str_equal (type, "page_view"))
    return "web-browser-symbolic";
  if (g_str_equal (type, "content_download"))
    return "folder-download-symbolic";
  if (g_str_has_prefix (type, "webinar"))
    return "x-office-calendar-symbolic";
  if (g_str_equal (type, "unsubscribe"))
    return "mail-mark-junk-symbolic";
  if (g_str_has_prefix (type, "email") || g_str_has_prefix (type, "newsletter"))
    return "mail-unread-symbolic";
  if (g_str_equal (type, "contact_sales"))
    return "call-start-symbolic";
  if (g_str_equal (type, "demo_request"))
    return "video-display-symbolic";
  if (g_str_equal (type, "form_fill"))
    return "x-office-document-symbolic";
  if (g_str_equal (type, "free_trial"))
    return "media-playback-start-symbolic";
  return "starred-symbolic";
}

/* "page_view" → "Page view" */
static char *
humanize (const char *type)
{
  char *s = g_strdup (type ? type : "");

  g_strdelimit (s, "_-", ' ');
  if (s[0] != '\0')
    s[0] = g_ascii_toupper (s[0]);
  return s;
}

static GtkWidget *
info_row_new (const char *icon_name,
              const char *title,
              const char *subtitle,
              const char *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (icon_name != NULL)
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), icon_name);
  if (suffix != NULL)
    {
      GtkWidget *label = gtk_label_new (suffix);

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  return row;
}

static void
fill_events (QualifyLeadPage *self,
             LeadDetails     *d)
{
  g_autofree char *heading = NULL;

  clear_list (self->events_list);

  for (guint i = 0; i < d->events->len; i++)
    {
      const QualifyEventRecord *ev = g_ptr_array_index (d->events, i);
      g_autofree char *title = humanize (ev->type);
      g_autofree char *when = qualify_format_date_time (ev->occurred_at);

      gtk_list_box_append (self->events_list,
                           info_row_new (event_icon (ev->type), title, ev->detail, when));
    }

  if (d->n_events == 0)
    gtk_list_box_append (self->events_list,
                         info_row_new (NULL, _("No activity recorded"), NULL, NULL));
  else if (d->n_events > d->events->len)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u older event is not listed",
                                                         "%u older events are not listed",
                                                         d->n_events - d->events->len),
                                               d->n_events - d->events->len);
      gtk_list_box_append (self->events_list, info_row_new (NULL, more, NULL, NULL));
    }

  /* Translators: heading with the number of events */
  heading = g_strdup_printf (_("Activity (%u)"), d->n_events);
  gtk_label_set_text (self->activity_heading, heading);
}

/* Where each of the lead's transitions went: delivered, waiting, failed. */
static void
fill_handoff (QualifyLeadPage *self,
              LeadDetails     *d)
{
  clear_list (self->handoff_list);

  for (guint i = 0; i < d->deliveries->len; i++)
    {
      const QualifyDelivery *del = g_ptr_array_index (d->deliveries, i);
      QualifyStatus to = QUALIFY_STATUS_NONE;
      g_autofree char *title = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *when = NULL;
      const char *icon;

      qualify_status_from_string (del->to_status, &to);
      /* Translators: "MQL → HubSpot" */
      title = g_strdup_printf (_("%s → %s"), qualify_status_display_label (to), del->endpoint);
      switch (del->state)
        {
        case QUALIFY_DELIVERY_DELIVERED:
          icon = "emblem-ok-symbolic";
          detail = g_strdup_printf (_("Delivered (HTTP %d)"), del->last_status);
          when = qualify_format_date_time (del->delivered_at);
          break;
        case QUALIFY_DELIVERY_FAILED:
          icon = "dialog-error-symbolic";
          detail = g_strdup_printf (_("Failed: %s"), del->last_error ? del->last_error : "");
          break;
        case QUALIFY_DELIVERY_DISCARDED:
          icon = "edit-delete-symbolic";
          detail = g_strdup (_("Discarded"));
          break;
        case QUALIFY_DELIVERY_PENDING:
        case QUALIFY_DELIVERY_SENDING:
        case QUALIFY_N_DELIVERY_STATES:
        default:
          icon = "content-loading-symbolic";
          if (del->attempts > 0)
            {
              g_autofree char *next = qualify_format_date_time (del->next_at);
              detail = g_strdup_printf (_("Waiting to retry at %s: %s"), next,
                                        del->last_error ? del->last_error : "");
            }
          else
            detail = g_strdup (_("Queued"));
          break;
        }
      gtk_list_box_append (self->handoff_list, info_row_new (icon, title, detail, when));
    }

  if (d->deliveries->len == 0)
    gtk_list_box_append (self->handoff_list,
                         info_row_new (NULL, _("Not handed to a CRM"), NULL, NULL));
}

static void
fill_history (QualifyLeadPage *self,
              LeadDetails     *d)
{
  clear_list (self->history_list);

  for (guint i = 0; i < d->history->len; i++)
    {
      const QualifyStatusChange *ch = g_ptr_array_index (d->history, i);
      g_autofree char *title = NULL;
      g_autofree char *when = qualify_format_date_time (ch->at);

      if (ch->from == QUALIFY_STATUS_NONE)
        /* Translators: first status of a lead */
        title = g_strdup_printf (_("First scored as %s"), qualify_status_display_label (ch->to));
      else
        title = g_strdup_printf ("%s → %s", qualify_status_display_label (ch->from),
                                 qualify_status_display_label (ch->to));
      gtk_list_box_append (self->history_list,
                           info_row_new ("view-list-symbolic", title, ch->reason, when));
    }

  if (d->history->len == 0)
    gtk_list_box_append (self->history_list,
                         info_row_new (NULL, _("No status changes yet"), NULL, NULL));
}

static void
set_badge (GtkLabel   *label,
           const char *text,
           const char *kind,
           const char *css_class)
{
  const char *classes[] = { "badge", kind, css_class, NULL };

  gtk_label_set_text (label, text);
  gtk_widget_set_css_classes (GTK_WIDGET (label), classes);
}

static void
fill (QualifyLeadPage *self,
      LeadDetails     *d)
{
  QualifyLeadRecord *lead = d->lead;
  g_autofree char *name = qualify_lead_record_dup_display_name (lead);
  const char *title = lead->values[QUALIFY_FIELD_TITLE];
  const char *company = lead->values[QUALIFY_FIELD_COMPANY];
  g_autofree char *role = NULL;
  g_autofree char *grade = NULL;
  g_autoptr(GString) since = g_string_new (NULL);
  char buf[32];

  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, company ? company : "");

  gtk_label_set_text (self->name_label, name);
  if (title != NULL && company != NULL)
    /* Translators: job title at company */
    role = g_strdup_printf (_("%s at %s"), title, company);
  else
    role = g_strdup (title ? title : company ? company : "");
  gtk_label_set_text (self->role_label, role);
  gtk_widget_set_visible (GTK_WIDGET (self->role_label), role[0] != '\0');
  gtk_label_set_text (self->email_label, lead->values[QUALIFY_FIELD_EMAIL]);

  set_badge (self->status_badge, qualify_status_display_label (lead->status),
             "status", qualify_status_css_class (lead->status));
  if (lead->scored)
    /* Translators: %s is a grade letter */
    grade = g_strdup_printf (_("Grade %s"), lead->grade);
  else
    grade = g_strdup (_("No grade"));
  set_badge (self->grade_badge, grade, "grade", qualify_grade_css_class (lead->grade));

  if (lead->mql_at > 0)
    {
      g_autofree char *when = qualify_format_date (lead->mql_at);
      g_string_append_printf (since, _("MQL since %s"), when);
    }
  if (lead->sql_at > 0)
    {
      g_autofree char *when = qualify_format_date (lead->sql_at);
      if (since->len > 0)
        g_string_append (since, " · ");
      g_string_append_printf (since, _("SQL since %s"), when);
    }
  gtk_label_set_text (self->since_label, since->str);

  /* The score shown is the explanation's when there is one, so the breakdown
   * visibly sums to it. */
  if (d->explanation != NULL)
    {
      g_snprintf (buf, sizeof buf, "%.1f", d->explanation->score);
      gtk_label_set_text (self->score_label, buf);
      g_snprintf (buf, sizeof buf, "%.1f", d->explanation->fit);
      gtk_label_set_text (self->fit_label, buf);
      g_snprintf (buf, sizeof buf, "%.1f", d->explanation->engagement);
      gtk_label_set_text (self->engagement_label, buf);
    }
  else if (lead->scored)
    {
      g_snprintf (buf, sizeof buf, "%.1f", lead->score);
      gtk_label_set_text (self->score_label, buf);
      g_snprintf (buf, sizeof buf, "%.1f", lead->fit);
      gtk_label_set_text (self->fit_label, buf);
      g_snprintf (buf, sizeof buf, "%.1f", lead->engagement);
      gtk_label_set_text (self->engagement_label, buf);
    }
  else
    {
      gtk_label_set_text (self->score_label, "–");
      gtk_label_set_text (self->fit_label, "–");
      gtk_label_set_text (self->engagement_label, "–");
    }

  fill_breakdown (self, d);
  fill_events (self, d);
  fill_history (self, d);
  fill_handoff (self, d);

  g_free (self->text);
  self->text = g_steal_pointer (&d->text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lead.copy-explanation", self->text != NULL);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QualifyLeadPage) self = user_data;
  g_autoptr(GError) error = NULL;
  LeadDetails *d = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (d->lead_id == self->lead_id)
        {
          g_autofree char *escaped = g_markup_escape_text (error->message, -1);

          adw_status_page_set_description (self->error_page, escaped);
          gtk_stack_set_visible_child_name (self->stack, "error");
          self->loading = FALSE;
        }
      return;
    }

  if (d->lead_id != self->lead_id || g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;

  fill (self, d);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  self->loading = FALSE;
}

static void
copy_explanation_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  qualify_lead_page_copy_explanation (QUALIFY_LEAD_PAGE (widget));
}

static void
qualify_lead_page_dispose (GObject *object)
{
  QualifyLeadPage *self = (QualifyLeadPage *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUALIFY_TYPE_LEAD_PAGE);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (qualify_lead_page_parent_class)->dispose (object);
}

static void
qualify_lead_page_finalize (GObject *object)
{
  QualifyLeadPage *self = (QualifyLeadPage *) object;

  g_free (self->text);

  G_OBJECT_CLASS (qualify_lead_page_parent_class)->finalize (object);
}

static void
qualify_lead_page_class_init (QualifyLeadPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qualify_lead_page_dispose;
  object_class->finalize = qualify_lead_page_finalize;

  g_type_ensure (QUALIFY_TYPE_SCORE_BAR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/qualify-lead-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, role_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, email_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, status_badge);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, grade_badge);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, since_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, score_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, fit_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, engagement_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, why_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, breakdown_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, activity_heading);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, events_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyLeadPage, handoff_list);

  gtk_widget_class_install_action (widget_class, "lead.copy-explanation", NULL,
                                   copy_explanation_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "lead.copy-explanation", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "leadpage");
}

static void
qualify_lead_page_init (QualifyLeadPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lead.copy-explanation", FALSE);
}

void
qualify_lead_page_load (QualifyLeadPage *self,
                        const char      *workspace_path,
                        gint64           lead_id)
{
  g_autoptr(GTask) task = NULL;
  LeadDetails *d;

  g_return_if_fail (QUALIFY_IS_LEAD_PAGE (self));
  g_return_if_fail (workspace_path != NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  self->lead_id = lead_id;
  self->loading = TRUE;
  g_clear_pointer (&self->text, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lead.copy-explanation", FALSE);
  adw_window_title_set_title (self->window_title, _("Lead"));
  adw_window_title_set_subtitle (self->window_title, "");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  d = g_new0 (LeadDetails, 1);
  d->path = g_strdup (workspace_path);
  d->lead_id = lead_id;

  task = g_task_new (NULL, self->cancellable, load_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, qualify_lead_page_load);
  g_task_set_task_data (task, d, (GDestroyNotify) lead_details_free);
  g_task_run_in_thread (task, load_thread);
}

gint64
qualify_lead_page_get_lead_id (QualifyLeadPage *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_PAGE (self), 0);
  return self->lead_id;
}

gboolean
qualify_lead_page_get_loading (QualifyLeadPage *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_PAGE (self), FALSE);
  return self->loading;
}

GtkListBox *
qualify_lead_page_get_breakdown_list (QualifyLeadPage *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_PAGE (self), NULL);
  return self->breakdown_list;
}

GtkLabel *
qualify_lead_page_get_score_label (QualifyLeadPage *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_PAGE (self), NULL);
  return self->score_label;
}

GtkListBox *
qualify_lead_page_get_events_list (QualifyLeadPage *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_PAGE (self), NULL);
  return self->events_list;
}

const char *
qualify_lead_page_get_explanation_text (QualifyLeadPage *self)
{
  g_return_val_if_fail (QUALIFY_IS_LEAD_PAGE (self), NULL);
  return self->text;
}

void
qualify_lead_page_copy_explanation (QualifyLeadPage *self)
{
  GtkWidget *overlay;

  g_return_if_fail (QUALIFY_IS_LEAD_PAGE (self));

  if (self->text == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->text);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay),
                                 qualify_toast_new (_("Explanation copied to the clipboard")));
}
