/* qualify-model-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-model-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "qualify-application.h"
#include "qualify-fields.h"
#include "qualify-histogram.h"
#include "qualify-lead-row.h"
#include "qualify-matrix.h"
#include "qualify-model-page.h"
#include "qualify-parse.h"
#include "qualify-rule-row.h"
#include "qualify-scorer.h"
#include "qualify-store.h"
#include "qualify-value-editor.h"
#include "qualify-version-dialog.h"

#define DEBOUNCE_MS 150
#define LISTED      8
#define SUGGESTED   200

/* Rule sections, in the order the editor shows them. */
enum { SECTION_FIT, SECTION_DISQUALIFY, SECTION_ENGAGEMENT, N_SECTIONS };

static const struct
{
  const char      *member;
  QualifyRuleKind  kind;
  const char      *title;
  const char      *description;
  const char      *add_label;
} sections[N_SECTIONS] = {
  { "fit", QUALIFY_RULE_FIT, N_("Ideal Customer Profile"),
    N_("Points for who the lead is. Each rule shows how many leads it matches now."), N_("Add Fit Rule") },
  { "disqualify", QUALIFY_RULE_DISQUALIFY, N_("Disqualifiers"),
    N_("A lead matching any of these is never handed to sales, whatever its score."), N_("Add Disqualifier") },
  { "engagement", QUALIFY_RULE_ENGAGEMENT, N_("Engagement"),
    N_("Points per matching event, halved every half-life, within the cap."), N_("Add Engagement Rule") },
};

typedef struct
{
  const char *member;
  const char *title;
  const char *subtitle;
  double      lower;
  double      upper;
} Threshold;

static const Threshold thresholds[] = {
  { "mql", N_("MQL Threshold"), N_("Score (fit + engagement) a lead needs to qualify"), 0, 200 },
  { "min_fit", N_("Minimum Fit"), N_("Leads with less fit never qualify"), -100, 200 },
  { "min_engagement", N_("Minimum Engagement"), N_("Leads with less engagement never qualify"), -100, 200 },
};

struct _QualifyModelPage
{
  AdwBin               parent_instance;

  GtkStack            *stack;
  GtkBox              *editor_box;
  GtkSpinner          *busy_spinner;
  GtkLabel            *busy_label;
  GtkWidget           *whatif_box;
  GtkLabel            *delta_label;
  GtkLabel            *delta_detail;
  GtkGrid             *counts_grid;
  QualifyHistogram    *histogram;
  QualifyMatrix       *matrix;
  GtkLabel            *newly_heading;
  GtkListBox          *newly_list;
  GtkLabel            *dropped_heading;
  GtkListBox          *dropped_list;
  GtkImage            *state_icon;
  GtkLabel            *state_label;
  GtkButton           *apply_button;

  char                *path;
  QualifyWhatIf       *whatif;
  GStrv                fields;          /* canonical + custom fields of the workspace */
  GHashTable          *kinds;           /* field → QualifyValueKind + 1 */
  GPtrArray           *event_types;     /* of QualifyValueCount */
  GHashTable          *values;          /* field → GPtrArray of QualifyValueCount */
  GHashTable          *asked;           /* fields whose values are being fetched */

  /* editor widgets, rebuilt by set_draft() */
  GPtrArray           *groups;
  GtkListBox          *lists[N_SECTIONS];
  GtkEditable         *name_row;
  QualifyValueEditor  *sales_ready;
  GtkLabel            *sales_ready_stats;
  GtkSpinButton       *threshold_spins[G_N_ELEMENTS (thresholds)];
  GPtrArray           *grade_letters;   /* of char*, best first */
  GPtrArray           *grade_spins;     /* same order */
  GtkWidget           *invalid_widget;  /* non-rule widget marked invalid */
  QualifyRuleRow      *invalid_row;
  guint                next_rule;

  QualifyWhatIfResult *result;
  JsonNode            *pending_draft;   /* an edited draft kept across a reload */
  GCancellable        *cancellable;     /* loading */
  gboolean             load_pending;    /* load when next shown (set while hidden, or stopped) */
  guint                debounce_id;
  guint                generation;
  guint                running;
  guint                building;
  gboolean             applying;
  gboolean             kinds_requested; /* custom fields' kinds, after the first preview */
  gboolean             emitting_applied;
  gboolean             dirty;
  gboolean             valid;
};

G_DEFINE_FINAL_TYPE (QualifyModelPage, qualify_model_page, ADW_TYPE_BIN)

enum { OPEN_LEAD, APPLIED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void schedule_evaluation (QualifyModelPage *self);
static void find_custom_kinds   (QualifyModelPage *self);
static void load_workspace      (QualifyModelPage *self);
static void set_draft           (QualifyModelPage *self,
                                 QualifyModel     *model,
                                 gboolean          dirty);
static void run_apply           (QualifyModelPage *self,
                                 QualifyModel     *model,
                                 const char       *note);

static void
toast (QualifyModelPage *self,
       const char       *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), qualify_toast_new (text));
  else
    g_message ("%s", text);
}

static GtkWindow *
parent_window (QualifyModelPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The draft ------------------------------------------------------------------ */

/* The rows of @section in the order shown. */
static GPtrArray *
section_rows (QualifyModelPage *self,
              guint             section)
{
  GPtrArray *rows = g_ptr_array_new ();

  if (self->lists[section] == NULL)
    return rows;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->lists[section]));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (QUALIFY_IS_RULE_ROW (child))
      g_ptr_array_add (rows, child);
  return rows;
}

static void
set_number (JsonObject *object,
            const char *member,
            double      value)
{
  if (value == (double) (gint64) value && ABS (value) < 1e15)
    json_object_set_int_member (object, member, (gint64) value);
  else
    json_object_set_double_member (object, member, value);
}

/* A rule switched off, kept in a draft carried across a reload. */
#define DISABLED_MEMBER "x-qualify-switched-off"

/* The draft as the model's JSON. @maps (optional) receives, per section, the
 * rows in the order of the JSON array. Rules switched off are left out, or,
 * with @keep_disabled, kept and marked with DISABLED_MEMBER (not a valid model:
 * only for rebuilding the editor). */
static JsonNode *
build_draft_node_full (QualifyModelPage *self,
                       GPtrArray        *maps[N_SECTIONS],
                       gboolean          keep_disabled)
{
  JsonObject *root = json_object_new ();
  JsonObject *th = json_object_new ();
  JsonObject *grades = json_object_new ();
  JsonNode *ready, *node;

  json_object_set_int_member (root, "format", 1);
  json_object_set_string_member (root, "name", gtk_editable_get_text (self->name_row));
  for (guint s = 0; s < N_SECTIONS; s++)
    {
      g_autoptr(GPtrArray) rows = section_rows (self, s);
      JsonArray *array = json_array_new ();

      if (maps != NULL)
        maps[s] = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < rows->len; i++)
        {
          QualifyRuleRow *row = g_ptr_array_index (rows, i);

          if (!qualify_rule_row_get_enabled (row))
            {
              if (keep_disabled)
                {
                  JsonObject *rule = qualify_rule_row_dup_rule (row);

                  json_object_set_boolean_member (rule, DISABLED_MEMBER, TRUE);
                  json_array_add_object_element (array, rule);
                }
              continue;
            }
          json_array_add_object_element (array, qualify_rule_row_dup_rule (row));
          if (maps != NULL)
            g_ptr_array_add (maps[s], g_object_ref (row));
        }
      json_object_set_array_member (root, sections[s].member, array);
    }
  ready = qualify_value_editor_dup_value (self->sales_ready);
  json_object_set_member (root, "sales_ready", ready);
  for (guint i = 0; i < G_N_ELEMENTS (thresholds); i++)
    set_number (th, thresholds[i].member, gtk_spin_button_get_value (self->threshold_spins[i]));
  json_object_set_object_member (root, "thresholds", th);
  for (guint i = 0; i < self->grade_letters->len; i++)
    set_number (grades, g_ptr_array_index (self->grade_letters, i),
                                   gtk_spin_button_get_value (g_ptr_array_index (self->grade_spins, i)));
  json_object_set_object_member (root, "grades", grades);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);
  return node;
}

static JsonNode *
build_draft_node (QualifyModelPage *self,
                  GPtrArray        *maps[N_SECTIONS])
{
  return build_draft_node_full (self, maps, FALSE);
}

static void
clear_problem (QualifyModelPage *self)
{
  if (self->invalid_row != NULL)
    qualify_rule_row_set_error (self->invalid_row, NULL, NULL);
  g_clear_object (&self->invalid_row);
  if (self->invalid_widget != NULL)
    {
      if (QUALIFY_IS_VALUE_EDITOR (self->invalid_widget))
        qualify_value_editor_set_invalid (QUALIFY_VALUE_EDITOR (self->invalid_widget), FALSE);
      else
        gtk_widget_remove_css_class (self->invalid_widget, "error");
    }
  g_clear_object (&self->invalid_widget);
}

/* What the editor calls a rule's JSON member. */
static const char *
member_display_name (const char *member)
{
  static const struct { const char *member; const char *name; } names[] = {
    { "value", N_("Value") }, { "points", N_("Points") }, { "field", N_("Field") }, { "op", N_("Condition") },
    { "event", N_("Event type") }, { "match", N_("Detail pattern") }, { "half_life_days", N_("Half-life") },
    { "cap", N_("Cap") }, { "within_days", N_("Only the last days") }, { "label", N_("Label") },
    { "id", N_("Rule id") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (member, names[i].member))
      return _(names[i].name);
  return member;
}

/* The core's error starts with the JSON path ("$.fit[1].value: must be …"):
 * show it at the row or field it names. Returns the text for the header. */
static char *
show_problem (QualifyModelPage *self,
              const char       *message,
              GPtrArray        *maps[N_SECTIONS])
{
  g_autoptr(GRegex) rule_re = g_regex_new ("^\\$\\.(fit|disqualify|engagement)\\[(\\d+)\\](?:\\.([a-z_]+))?[^:]*: (.*)$",
                                           G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GRegex) other_re = g_regex_new ("^\\$\\.(thresholds|grades|sales_ready|name)(?:[.\\[]([A-Za-z_0-9]+))?[^:]*: (.*)$",
                                            G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  clear_problem (self);
  if (g_regex_match (rule_re, message, 0, &match))
    {
      g_autofree char *section = g_match_info_fetch (match, 1);
      g_autofree char *index = g_match_info_fetch (match, 2);
      g_autofree char *member = g_match_info_fetch (match, 3);
      g_autofree char *what = g_match_info_fetch (match, 4);
      guint i = (guint) g_ascii_strtoull (index, NULL, 10);

      for (guint s = 0; s < N_SECTIONS; s++)
        if (g_str_equal (section, sections[s].member) && i < maps[s]->len)
          {
            QualifyRuleRow *row = g_ptr_array_index (maps[s], i);
            /* Translators: what the editor calls the part of a rule, then what is wrong with it */
            g_autofree char *text = *member ? g_strdup_printf (_("%s: %s"), member_display_name (member), what)
                                            : g_strdup (what);
            const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

            qualify_rule_row_set_error (row, *member ? member : NULL, text);
            self->invalid_row = g_object_ref (row);
            /* Translators: a section, a rule and what is wrong with it */
            return g_strdup_printf (_("%s · “%s”: %s"), _(sections[s].title), title, text);
          }
    }
  g_clear_pointer (&match, g_match_info_free);
  if (g_regex_match (other_re, message, 0, &match))
    {
      g_autofree char *part = g_match_info_fetch (match, 1);
      g_autofree char *member = g_match_info_fetch (match, 2);
      GtkWidget *target = NULL;

      if (g_str_equal (part, "thresholds"))
        {
          for (guint i = 0; i < G_N_ELEMENTS (thresholds); i++)
            if (g_strcmp0 (member, thresholds[i].member) == 0)
              target = GTK_WIDGET (self->threshold_spins[i]);
        }
      else if (g_str_equal (part, "grades"))
        {
          for (guint i = 0; i < self->grade_letters->len; i++)
            if (g_strcmp0 (member, g_ptr_array_index (self->grade_letters, i)) == 0)
              target = g_ptr_array_index (self->grade_spins, i);
        }
      else if (g_str_equal (part, "sales_ready"))
        target = GTK_WIDGET (self->sales_ready);
      else
        target = GTK_WIDGET (self->name_row);
      if (target != NULL)
        {
          if (QUALIFY_IS_VALUE_EDITOR (target))
            qualify_value_editor_set_invalid (QUALIFY_VALUE_EDITOR (target), TRUE);
          else
            gtk_widget_add_css_class (target, "error");
          self->invalid_widget = g_object_ref (target);
        }
    }
  return g_strdup (message);
}

/* Apply needs a valid draft whose preview is up to date: not while an edit
 * waits for its debounce or its what-if, so the confirmation never shows the
 * counts of an older draft. */
static void
update_actions (QualifyModelPage *self)
{
  gboolean pending = self->debounce_id != 0 || self->running > 0;
  gboolean can_apply = self->valid && self->dirty && !self->applying && !pending && self->whatif != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", can_apply);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.discard", self->dirty && !self->applying);
  gtk_widget_set_sensitive (GTK_WIDGET (self->editor_box), !self->applying);
}

static void
update_state (QualifyModelPage *self,
              const char       *problem)
{
  self->valid = problem == NULL;
  update_actions (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "accent");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "success");
  if (problem != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot apply: %s"), problem);

      gtk_label_set_text (self->state_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), text);
      gtk_image_set_from_icon_name (self->state_icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "error");
      return;
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), NULL);
  if (self->applying)
    {
      gtk_label_set_text (self->state_label, _("Applying and rescoring every lead…"));
      gtk_image_set_from_icon_name (self->state_icon, "content-loading-symbolic");
    }
  else if (self->dirty)
    {
      gtk_label_set_text (self->state_label, _("Unsaved changes — the preview shows what they would do"));
      gtk_image_set_from_icon_name (self->state_icon, "document-edit-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "accent");
    }
  else
    {
      gint64 version = self->whatif ? qualify_whatif_get_active_version (self->whatif) : 0;
      g_autofree char *text = version > 0
        ? g_strdup_printf (_("Active model, version %lld — edit anything to preview its effect"), (long long) version)
        : g_strdup (_("Built-in model — edit anything to preview its effect"));

      gtk_label_set_text (self->state_label, text);
      gtk_image_set_from_icon_name (self->state_icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "success");
    }
}

/* What-if -------------------------------------------------------------------- */

typedef struct
{
  guint      generation;
  GPtrArray *maps[N_SECTIONS];
} Evaluation;

static void
evaluation_free (Evaluation *e)
{
  for (guint s = 0; s < N_SECTIONS; s++)
    g_clear_pointer (&e->maps[s], g_ptr_array_unref);
  g_free (e);
}

static void
lead_activated_cb (GtkListBox       *list,
                   GtkListBoxRow    *row,
                   QualifyModelPage *self)
{
  gint64 id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "lead"));

  if (id > 0)
    g_signal_emit (self, signals[OPEN_LEAD], 0, id);
}

static void
fill_leads (QualifyModelPage *self,
            GtkListBox       *list,
            GPtrArray        *leads)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  gtk_widget_set_visible (GTK_WIDGET (list), leads != NULL && leads->len > 0);
  for (guint i = 0; leads != NULL && i < MIN (leads->len, LISTED); i++)
    {
      QualifyWhatIfLead *lead = g_ptr_array_index (leads, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *badge = gtk_label_new (qualify_status_display_label (lead->draft_status));
      g_autofree char *subtitle = NULL;

      /* Translators: company, then the score with the active model → with the draft */
      subtitle = g_strdup_printf (_("%s%sscore %.0f → %.0f"), lead->company ? lead->company : "",
                                  lead->company && *lead->company ? " · " : "", lead->active_score, lead->draft_score);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lead->name && *lead->name ? lead->name : lead->email);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (badge, "badge");
      gtk_widget_add_css_class (badge, qualify_status_css_class (lead->draft_status));
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "lead", GSIZE_TO_POINTER ((gsize) lead->id));
      gtk_list_box_append (list, row);
    }
}

static char *
signed_count (gint64 delta)
{
  g_autofree char *n = qualify_format_count ((guint64) ABS (delta));

  if (delta == 0)
    return g_strdup ("±0");
  /* U+2212 MINUS SIGN */
  return g_strdup_printf ("%s%s", delta > 0 ? "+" : "−", n);
}

static void
show_counts (QualifyModelPage          *self,
             const QualifyWhatIfResult *r)
{
  static const QualifyStatus order[] = {
    QUALIFY_STATUS_MQL, QUALIFY_STATUS_SQL, QUALIFY_STATUS_LEAD, QUALIFY_STATUS_DISQUALIFIED,
  };
  const char *heads[] = { _("Status"), _("Active"), _("Draft"), _("Change") };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts_grid))) != NULL)
    gtk_grid_remove (self->counts_grid, child);

  for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
    {
      GtkWidget *l = gtk_label_new (heads[c]);

      gtk_label_set_xalign (GTK_LABEL (l), c == 0 ? 0 : 1);
      gtk_widget_add_css_class (l, "dim-label");
      gtk_widget_add_css_class (l, "caption-heading");
      gtk_grid_attach (self->counts_grid, l, c, 0, 1, 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      QualifyStatus s = order[i];
      g_autofree char *a = qualify_format_count (r->active[s]);
      g_autofree char *d = qualify_format_count (r->draft[s]);
      gint64 delta = (gint64) r->draft[s] - (gint64) r->active[s];
      g_autofree char *dl = delta == 0 ? g_strdup ("–") : signed_count (delta);
      GtkWidget *badge = gtk_label_new (qualify_status_display_label (s));
      GtkWidget *la = gtk_label_new (a), *ld = gtk_label_new (d), *ldelta = gtk_label_new (dl);

      gtk_widget_add_css_class (badge, "badge");
      gtk_widget_add_css_class (badge, qualify_status_css_class (s));
      gtk_widget_set_halign (badge, GTK_ALIGN_START);
      gtk_label_set_xalign (GTK_LABEL (la), 1);
      gtk_label_set_xalign (GTK_LABEL (ld), 1);
      gtk_label_set_xalign (GTK_LABEL (ldelta), 1);
      gtk_widget_add_css_class (la, "numeric");
      gtk_widget_add_css_class (ld, "numeric");
      gtk_widget_add_css_class (ld, "heading");
      gtk_widget_add_css_class (ldelta, "numeric");
      if (delta != 0)
        gtk_widget_add_css_class (ldelta, "heading");
      gtk_widget_set_hexpand (la, TRUE);
      gtk_grid_attach (self->counts_grid, badge, 0, i + 1, 1, 1);
      gtk_grid_attach (self->counts_grid, la, 1, i + 1, 1, 1);
      gtk_grid_attach (self->counts_grid, ld, 2, i + 1, 1, 1);
      gtk_grid_attach (self->counts_grid, ldelta, 3, i + 1, 1, 1);
    }
}

static void
show_rule_stats (QualifyModelPage          *self,
                 const QualifyWhatIfResult *r,
                 GPtrArray                 *maps[N_SECTIONS])
{
  GString *ready = g_string_new (NULL);

  for (guint s = 0; s < N_SECTIONS; s++)
    {
      g_autoptr(GPtrArray) rows = section_rows (self, s);

      for (guint i = 0; i < rows->len; i++)
        qualify_rule_row_set_stats (g_ptr_array_index (rows, i), FALSE, 0, 0);
    }
  for (guint i = 0; r->rules != NULL && i < r->rules->len; i++)
    {
      QualifyWhatIfRuleStat *stat = &g_array_index (r->rules, QualifyWhatIfRuleStat, i);
      int s = stat->kind == QUALIFY_CONTRIBUTION_FIT ? SECTION_FIT :
              stat->kind == QUALIFY_CONTRIBUTION_DISQUALIFY ? SECTION_DISQUALIFY :
              stat->kind == QUALIFY_CONTRIBUTION_ENGAGEMENT ? SECTION_ENGAGEMENT : -1;

      if (s >= 0 && stat->index < maps[s]->len)
        qualify_rule_row_set_stats (g_ptr_array_index (maps[s], stat->index), TRUE, stat->leads, stat->events);
      else if (stat->kind == QUALIFY_CONTRIBUTION_SALES_READY)
        {
          g_autofree char *n = qualify_format_count (stat->leads);

          /* Translators: an event type and how many leads have one */
          g_string_append_printf (ready, "%s%s: ", ready->len ? " · " : "", stat->id);
          g_string_append_printf (ready, g_dngettext (GETTEXT_PACKAGE, "%s lead", "%s leads", stat->leads), n);
        }
    }
  gtk_label_set_text (self->sales_ready_stats, ready->str);
  gtk_widget_set_visible (GTK_WIDGET (self->sales_ready_stats), ready->len > 0);
  g_string_free (ready, TRUE);
}

static void
show_result (QualifyModelPage *self,
             GPtrArray        *maps[N_SECTIONS])
{
  const QualifyWhatIfResult *r = self->result;
  gint64 mql_delta, sql_delta;
  g_autofree char *headline = NULL;
  g_autofree char *detail = NULL;

  if (r == NULL)
    return;
  show_counts (self, r);

  mql_delta = (gint64) r->draft[QUALIFY_STATUS_MQL] - (gint64) r->active[QUALIFY_STATUS_MQL];
  sql_delta = (gint64) r->draft[QUALIFY_STATUS_SQL] - (gint64) r->active[QUALIFY_STATUS_SQL];
  gtk_widget_remove_css_class (GTK_WIDGET (self->delta_label), "delta-up");
  gtk_widget_remove_css_class (GTK_WIDGET (self->delta_label), "delta-down");
  if (r->n_newly_qualified == 0 && r->n_dropped == 0 && mql_delta == 0 && sql_delta == 0)
    {
      headline = g_strdup (_("No lead changes status"));
      detail = g_strdup (self->dirty ? _("This draft qualifies the same leads as the active model.")
                                     : _("Edit a rule, a threshold or a grade to see what it would do."));
    }
  else
    {
      g_autofree char *m = signed_count (mql_delta);
      g_autofree char *down = qualify_format_count (r->n_dropped);
      g_autofree char *up = qualify_format_count (r->n_newly_qualified);

      if (r->n_dropped > 0)
        /* Translators: "+214 MQL, −31": the change in MQLs, then how many leads stop qualifying */
        headline = g_strdup_printf (_("%s MQL, −%s"), m, down);
      else
        /* Translators: "+214 MQL": the change in MQLs */
        headline = g_strdup_printf (_("%s MQL"), m);
      /* Translators: how many leads newly qualify (MQL or SQL) and how many drop out */
      {
        /* Translators: the first part of "3 leads would newly qualify and 1 would drop out." */
        g_autofree char *first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s lead would newly qualify",
                                                               "%s leads would newly qualify",
                                                               r->n_newly_qualified), up);

        /* Translators: the whole sentence: "3 leads would newly qualify" and how many drop out */
        detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %s would drop out.",
                                               "%s and %s would drop out.", r->n_dropped), first, down);
      }
      gtk_widget_add_css_class (GTK_WIDGET (self->delta_label), mql_delta >= 0 ? "delta-up" : "delta-down");
    }
  gtk_label_set_text (self->delta_label, headline);
  gtk_label_set_text (self->delta_detail, detail);

  qualify_histogram_set_result (self->histogram, r);
  qualify_matrix_set_result (self->matrix, r);
  {
    g_autofree char *n = qualify_format_count (r->n_newly_qualified);
    g_autofree char *d = qualify_format_count (r->n_dropped);
    g_autofree char *nh = g_strdup_printf (_("Would Newly Qualify (%s)"), n);
    g_autofree char *dh = g_strdup_printf (_("Would Drop Out (%s)"), d);

    gtk_label_set_text (self->newly_heading, nh);
    gtk_label_set_text (self->dropped_heading, dh);
  }
  fill_leads (self, self->newly_list, r->newly_qualified_leads);
  fill_leads (self, self->dropped_list, r->dropped_leads);
  if (maps != NULL)
    show_rule_stats (self, r, maps);
}

static void
set_busy (QualifyModelPage *self,
          gboolean          busy,
          const char       *text)
{
  if (busy)
    gtk_spinner_start (self->busy_spinner);
  else
    gtk_spinner_stop (self->busy_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_label), busy && text != NULL);
  if (text != NULL)
    gtk_label_set_text (self->busy_label, text);
}

static void
evaluated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Evaluation *e = user_data;
  g_autoptr(GError) error = NULL;
  QualifyWhatIfResult *r = qualify_whatif_evaluate_finish (QUALIFY_WHATIF (source), result, &error);
  QualifyModelPage *self = g_object_get_data (G_OBJECT (source), "qualify-model-page");

  if (self == NULL || QUALIFY_WHATIF (source) != self->whatif)
    {
      /* the page (or its workspace) went away meanwhile */
      g_clear_pointer (&r, qualify_whatif_result_free);
      evaluation_free (e);
      return;
    }
  self->running--;
  if (self->running == 0)
    set_busy (self, FALSE, NULL);
  update_actions (self);

  /* an older draft finishing late is dropped */
  if (e->generation != self->generation || r == NULL)
    {
      if (e->generation == self->generation && r == NULL &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        update_state (self, error->message);
      g_clear_pointer (&r, qualify_whatif_result_free);
      evaluation_free (e);
      return;
    }
  gtk_widget_set_opacity (self->whatif_box, 1.0);
  g_clear_pointer (&self->result, qualify_whatif_result_free);
  self->result = r;
  {
    gint64 start = g_get_monotonic_time ();

    show_result (self, e->maps);
    g_debug ("Preview shown in %.1f ms (engine %.1f ms)", (g_get_monotonic_time () - start) / 1000.0, r->elapsed_ms);
  }
  evaluation_free (e);
  if (!self->kinds_requested)
    {
      self->kinds_requested = TRUE;
      find_custom_kinds (self);
    }
}

static gboolean
evaluate_now (gpointer data)
{
  QualifyModelPage *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) draft = NULL;
  g_autoptr(JsonNode) node = NULL;
  Evaluation *e;
  gint64 start;

  self->debounce_id = 0;
  if (self->whatif == NULL || self->name_row == NULL)
    return G_SOURCE_REMOVE;

  start = g_get_monotonic_time ();
  e = g_new0 (Evaluation, 1);
  node = build_draft_node (self, e->maps);
  if (!(draft = qualify_model_new_from_node (node, &error)))
    {
      g_autofree char *text = show_problem (self, error->message, e->maps);

      update_state (self, text);
      /* the preview is of the last valid draft */
      gtk_widget_set_opacity (self->whatif_box, 0.45);
      evaluation_free (e);
      return G_SOURCE_REMOVE;
    }
  clear_problem (self);
  update_state (self, NULL);

  e->generation = ++self->generation;
  self->running++;
  update_actions (self);
  /* a new pattern / half-life / field rule builds its cache: show that it works */
  if (!qualify_whatif_is_cached (self->whatif, draft))
    set_busy (self, TRUE, _("Counting matching events…"));
  else
    set_busy (self, TRUE, NULL);
  qualify_whatif_evaluate_async (self->whatif, draft, NULL, evaluated_cb, e);
  g_debug ("Draft built and validated in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  return G_SOURCE_REMOVE;
}

static void
schedule_evaluation (QualifyModelPage *self)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, evaluate_now, self);
}

static void
draft_changed (QualifyModelPage *self)
{
  gboolean was_dirty = self->dirty;

  if (self->building > 0)
    return;
  self->dirty = TRUE;
  /* whatever is in flight is of an older draft now */
  self->generation++;
  schedule_evaluation (self);
  /* a shown problem stays until the debounced check says otherwise */
  if (self->valid && !was_dirty)
    update_state (self, NULL);
  else
    update_actions (self);
}

/* Suggestions ---------------------------------------------------------------- */

static void
deliver_values (QualifyModelPage *self,
                const char       *field,
                GPtrArray        *values)
{
  for (guint s = 0; s < SECTION_ENGAGEMENT; s++)
    {
      g_autoptr(GPtrArray) rows = section_rows (self, s);

      for (guint i = 0; i < rows->len; i++)
        qualify_rule_row_set_suggestions (g_ptr_array_index (rows, i), field, values);
    }
}

static void
values_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  QualifyWhatIf *whatif = source;
  GError *error = NULL;
  GPtrArray *values = qualify_whatif_dup_field_values (whatif, task_data, NULL, SUGGESTED, &error);

  if (values == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, values, (GDestroyNotify) g_ptr_array_unref);
}

static void
values_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QualifyModelPage) self = user_data;
  const char *field = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GPtrArray *values = g_task_propagate_pointer (G_TASK (result), &error);

  g_hash_table_remove (self->asked, field);
  if (values == NULL)
    {
      g_debug ("No values for %s: %s", field, error->message);
      return;
    }
  if (QUALIFY_WHATIF (source) != self->whatif)
    {
      g_ptr_array_unref (values);
      return;
    }
  g_hash_table_insert (self->values, g_strdup (field), values);
  deliver_values (self, field, values);
}

static void
rule_suggest_cb (QualifyRuleRow   *row,
                 const char       *what,
                 QualifyModelPage *self)
{
  GPtrArray *values;
  g_autoptr(GTask) task = NULL;

  if (self->whatif == NULL || what == NULL || *what == '\0')
    return;
  if (g_str_equal (what, "event-types"))
    {
      qualify_rule_row_set_suggestions (row, what, self->event_types);
      return;
    }
  if ((values = g_hash_table_lookup (self->values, what)) != NULL)
    {
      qualify_rule_row_set_suggestions (row, what, values);
      return;
    }
  if (g_hash_table_contains (self->asked, what))
    return;
  g_hash_table_add (self->asked, g_strdup (what));
  task = g_task_new (self->whatif, NULL, values_cb, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (what), g_free);
  g_task_run_in_thread (task, values_thread);
}

/* Rule rows ------------------------------------------------------------------ */

static void update_positions (QualifyModelPage *self,
                              guint             section);
static GtkWidget *add_rule_row (QualifyModelPage *self,
                                guint             section,
                                JsonObject       *rule,
                                int               position);

static guint
row_section (QualifyRuleRow *row)
{
  switch (qualify_rule_row_get_kind (row))
    {
    case QUALIFY_RULE_FIT:        return SECTION_FIT;
    case QUALIFY_RULE_DISQUALIFY: return SECTION_DISQUALIFY;
    case QUALIFY_RULE_ENGAGEMENT:
    default:                      return SECTION_ENGAGEMENT;
    }
}

/* Rule ids are unique across the whole model, not per section. */
static char *
unique_id (QualifyModelPage *self,
           const char       *base)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint s = 0; s < N_SECTIONS; s++)
    g_ptr_array_add (rows, section_rows (self, s));

  for (guint n = 2; ; n++)
    {
      g_autofree char *id = g_strdup_printf ("%s_%u", base, n);
      gboolean taken = FALSE;

      for (guint s = 0; s < rows->len && !taken; s++)
        {
          GPtrArray *section = g_ptr_array_index (rows, s);

          for (guint i = 0; i < section->len && !taken; i++)
            taken = g_strcmp0 (qualify_rule_row_get_id (g_ptr_array_index (section, i)), id) == 0;
        }
      if (!taken)
        return g_steal_pointer (&id);
    }
}

static void
rule_changed_cb (QualifyRuleRow   *row,
                 QualifyModelPage *self)
{
  draft_changed (self);
}

static void
rule_action_cb (QualifyRuleRow   *row,
                const char       *action,
                QualifyModelPage *self)
{
  guint section = row_section (row);
  GtkListBox *list = self->lists[section];
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  g_autoptr(GPtrArray) rows = section_rows (self, section);

  if (g_str_equal (action, "remove"))
    {
      g_autofree char *text = g_strdup_printf (_("Removed “%s”"),
                                               adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));

      GtkWidget *next = gtk_widget_get_next_sibling (GTK_WIDGET (row));

      if (next == NULL)
        next = gtk_widget_get_prev_sibling (GTK_WIDGET (row));
      if (self->invalid_row == row)
        g_clear_object (&self->invalid_row);
      gtk_list_box_remove (list, GTK_WIDGET (row));
      /* keyboard focus goes to a neighbour, not back to the window */
      if (next != NULL)
        gtk_widget_grab_focus (next);
      toast (self, text);
    }
  else if (g_str_equal (action, "duplicate"))
    {
      JsonObject *rule = qualify_rule_row_dup_rule (row);
      g_autofree char *id = unique_id (self, qualify_rule_row_get_id (row));
      g_autofree char *label = NULL;
      GtkWidget *copy;

      /* Translators: the label of a duplicated rule */
      label = g_strdup_printf (_("%s (copy)"), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
      json_object_set_string_member (rule, "id", id);
      json_object_set_string_member (rule, "label", label);
      copy = add_rule_row (self, section, rule, index + 1);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (copy), TRUE);
      json_object_unref (rule);
    }
  else if (g_str_equal (action, "up") || g_str_equal (action, "down"))
    {
      int to = g_str_equal (action, "up") ? index - 1 : index + 1;

      if (to < 0 || to >= (int) rows->len)
        return;
      g_object_ref (row);
      gtk_list_box_remove (list, GTK_WIDGET (row));
      gtk_list_box_insert (list, GTK_WIDGET (row), to);
      g_object_unref (row);
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
  update_positions (self, section);
  draft_changed (self);
}

static void
update_positions (QualifyModelPage *self,
                  guint             section)
{
  g_autoptr(GPtrArray) rows = section_rows (self, section);

  for (guint i = 0; i < rows->len; i++)
    qualify_rule_row_set_position (g_ptr_array_index (rows, i), i == 0, i + 1 == rows->len);
}

static GtkWidget *
add_rule_row (QualifyModelPage *self,
              guint             section,
              JsonObject       *rule,
              int               position)
{
  gboolean switched_off = json_object_has_member (rule, DISABLED_MEMBER);
  GtkWidget *row;

  if (switched_off)
    json_object_remove_member (rule, DISABLED_MEMBER);
  row = qualify_rule_row_new (sections[section].kind, rule, (const char * const *) self->fields, self->kinds);
  if (switched_off)
    qualify_rule_row_set_enabled (QUALIFY_RULE_ROW (row), FALSE);

  g_signal_connect_object (row, "changed", G_CALLBACK (rule_changed_cb), self, 0);
  g_signal_connect_object (row, "action", G_CALLBACK (rule_action_cb), self, 0);
  g_signal_connect_object (row, "suggest", G_CALLBACK (rule_suggest_cb), self, 0);
  gtk_list_box_insert (self->lists[section], row, position);
  update_positions (self, section);
  return row;
}

static void
add_rule_activated (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);
  const char *member = g_variant_get_string (param, NULL);
  g_autoptr(JsonObject) rule = json_object_new ();
  g_autofree char *id = NULL;
  GtkWidget *row;
  guint section = N_SECTIONS;

  for (guint s = 0; s < N_SECTIONS; s++)
    if (g_str_equal (member, sections[s].member))
      section = s;
  if (section == N_SECTIONS || self->lists[section] == NULL)
    return;

  id = unique_id (self, "rule");
  json_object_set_string_member (rule, "id", id);
  if (section == SECTION_ENGAGEMENT)
    {
      const char *event = "page_view";

      if (self->event_types != NULL && self->event_types->len > 0)
        event = ((QualifyValueCount *) g_ptr_array_index (self->event_types, 0))->value;
      json_object_set_string_member (rule, "label", _("New engagement rule"));
      json_object_set_string_member (rule, "event", event);
      json_object_set_int_member (rule, "points", 5);
      json_object_set_int_member (rule, "half_life_days", 30);
    }
  else
    {
      json_object_set_string_member (rule, "label", section == SECTION_FIT ? _("New fit rule") : _("New disqualifier"));
      json_object_set_string_member (rule, "field", section == SECTION_FIT ? "industry" : "email");
      json_object_set_string_member (rule, "op", section == SECTION_FIT ? "in" : "domain_in");
      json_object_set_array_member (rule, "value", json_array_new ());
      if (section == SECTION_FIT)
        json_object_set_int_member (rule, "points", 10);
    }
  row = add_rule_row (self, section, rule, -1);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  gtk_widget_grab_focus (row);
  draft_changed (self);
}

/* Building the editor -------------------------------------------------------- */

static GtkWidget *
add_group (QualifyModelPage *self,
           const char       *title,
           const char       *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->editor_box, group);
  g_ptr_array_add (self->groups, group);
  return group;
}

static void
value_changed_cb (QualifyModelPage *self)
{
  draft_changed (self);
}

/* A row with a slider and a spin button sharing one adjustment. */
static GtkSpinButton *
slider_row (QualifyModelPage *self,
            GtkWidget        *group,
            const char       *title,
            const char       *subtitle,
            double            value,
            double            lower,
            double            upper)
{
  GtkAdjustment *adj = gtk_adjustment_new (value, MIN (lower, value), MAX (upper, value), 1, 5, 0);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adj);
  GtkWidget *spin = gtk_spin_button_new (adj, 1, 0);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_size_request (scale, 180, -1);
  gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  /* the slider moves in the steps the number shows, so the draft holds
   * exactly what the user sees */
  if (value != (double) (gint64) value)
    {
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
      gtk_range_set_round_digits (GTK_RANGE (scale), 1);
    }
  else
    gtk_range_set_round_digits (GTK_RANGE (scale), 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (value_changed_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return GTK_SPIN_BUTTON (spin);
}

static double
member_double (JsonObject *object,
               const char *member,
               double      fallback)
{
  JsonNode *node = object && json_object_has_member (object, member) ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) != G_TYPE_STRING
         ? json_node_get_double (node) : fallback;
}

static void
template_button_clicked_cb (GtkButton        *button,
                            QualifyModelPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "model.template", "s",
                              g_object_get_data (G_OBJECT (button), "template"));
}

static void
build_template_banner (QualifyModelPage *self)
{
  static const struct { const char *name; const char *title; } templates[] = {
    { "b2b-saas", N_("B2B SaaS") }, { "ecommerce", N_("E-commerce") }, { "agency", N_("Agency and Services") },
  };
  GtkWidget *group = add_group (self, _("Start From a Template"),
                                _("No model has been applied to this workspace yet: it is scored with the "
                                  "built-in model below. Pick a starting point, preview it, then apply."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (_(templates[i].title));

      gtk_widget_add_css_class (button, "pill");
      g_object_set_data (G_OBJECT (button), "template", (gpointer) templates[i].name);
      g_signal_connect_object (button, "clicked", G_CALLBACK (template_button_clicked_cb), self, 0);
      gtk_box_append (GTK_BOX (box), button);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
}

static void
build_editor (QualifyModelPage *self,
              JsonObject       *root)
{
  JsonObject *th = json_object_has_member (root, "thresholds") ? json_object_get_object_member (root, "thresholds") : NULL;
  JsonObject *grades = json_object_has_member (root, "grades") ? json_object_get_object_member (root, "grades") : NULL;
  GtkWidget *group, *row, *box;

  self->building++;
  clear_problem (self);
  for (guint i = 0; i < self->groups->len; i++)
    gtk_box_remove (self->editor_box, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_ptr_array_set_size (self->grade_letters, 0);
  g_ptr_array_set_size (self->grade_spins, 0);

  if (self->whatif != NULL && qualify_whatif_get_active_version (self->whatif) == 0 && !self->dirty)
    build_template_banner (self);

  group = add_group (self, NULL, NULL);
  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Model Name"));
  gtk_editable_set_text (GTK_EDITABLE (row), json_object_get_string_member (root, "name"));
  g_signal_connect_object (row, "changed", G_CALLBACK (value_changed_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->name_row = GTK_EDITABLE (row);

  for (guint s = 0; s < N_SECTIONS; s++)
    {
      JsonArray *rules = json_object_has_member (root, sections[s].member)
                         ? json_object_get_array_member (root, sections[s].member) : NULL;
      GtkWidget *add = gtk_button_new ();
      GtkWidget *content = adw_button_content_new ();
      GtkWidget *list = gtk_list_box_new ();

      group = add_group (self, _(sections[s].title), _(sections[s].description));
      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _(sections[s].add_label));
      gtk_button_set_child (GTK_BUTTON (add), content);
      gtk_widget_add_css_class (add, "flat");
      gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "model.add-rule");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (add), "s", sections[s].member);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);

      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, _(sections[s].title), -1);
      {
        GtkWidget *placeholder = gtk_label_new (_("No rules yet"));

        gtk_widget_add_css_class (placeholder, "dim-label");
        gtk_widget_set_margin_top (placeholder, 12);
        gtk_widget_set_margin_bottom (placeholder, 12);
        gtk_list_box_set_placeholder (GTK_LIST_BOX (list), placeholder);
      }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
      self->lists[s] = GTK_LIST_BOX (list);
      for (guint i = 0; rules && i < json_array_get_length (rules); i++)
        add_rule_row (self, s, json_array_get_object_element (rules, i), -1);
    }

  group = add_group (self, _("Hand-Raisers"),
                     _("Any of these events makes a lead sales-ready (SQL) at once, whatever its score."));
  row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  self->sales_ready = QUALIFY_VALUE_EDITOR (qualify_value_editor_new ());
  qualify_value_editor_set_operand (self->sales_ready, QUALIFY_OPERAND_LIST);
  qualify_value_editor_set_value (self->sales_ready, json_object_get_member (root, "sales_ready"));
  qualify_value_editor_set_suggestions (self->sales_ready, self->event_types);
  g_signal_connect_object (self->sales_ready, "changed", G_CALLBACK (value_changed_cb), self, G_CONNECT_SWAPPED);
  self->sales_ready_stats = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->sales_ready_stats, 0);
  gtk_label_set_wrap (self->sales_ready_stats, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->sales_ready_stats), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->sales_ready_stats), "caption");
  gtk_widget_set_visible (GTK_WIDGET (self->sales_ready_stats), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->sales_ready));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->sales_ready_stats));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  group = add_group (self, _("Thresholds and Grades"),
                     _("An MQL has a score of at least the threshold, and enough fit and engagement. "
                       "Grades letter the fit alone; below the last bound a lead is F."));
  for (guint i = 0; i < G_N_ELEMENTS (thresholds); i++)
    self->threshold_spins[i] = slider_row (self, group, _(thresholds[i].title), _(thresholds[i].subtitle),
                                           member_double (th, thresholds[i].member, 0),
                                           thresholds[i].lower, thresholds[i].upper);
  if (grades != NULL)
    {
      g_autoptr(GList) letters = json_object_get_members (grades);

      /* best first: highest bound first */
      for (GList *l = letters; l != NULL; l = l->next)
        {
          double bound = member_double (grades, l->data, 0);
          guint at = 0;

          while (at < self->grade_letters->len &&
                 gtk_spin_button_get_value (g_ptr_array_index (self->grade_spins, at)) >= bound)
            at++;
          {
            /* Translators: a fit grade letter */
            g_autofree char *title = g_strdup_printf (_("Grade %s From Fit"), (char *) l->data);
            GtkSpinButton *spin = slider_row (self, group, title, NULL, bound, -100, 200);

            g_ptr_array_insert (self->grade_letters, at, g_strdup (l->data));
            g_ptr_array_insert (self->grade_spins, at, spin);
          }
        }
    }
  self->building--;
}

/* Loading -------------------------------------------------------------------- */

static void
set_draft_node (QualifyModelPage *self,
                JsonNode         *node,
                gboolean          dirty)
{
  gint64 start = g_get_monotonic_time ();

  self->dirty = dirty;
  /* a preview still running is of the draft this one replaces */
  self->generation++;
  build_editor (self, json_node_get_object (node));
  g_debug ("Editor built in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  schedule_evaluation (self);
  update_state (self, NULL);
}

static void
set_draft (QualifyModelPage *self,
           QualifyModel     *model,
           gboolean          dirty)
{
  g_autoptr(JsonNode) node = qualify_model_to_node (model);

  set_draft_node (self, node, dirty);
}

typedef struct
{
  QualifyWhatIf *whatif;
  GStrv          fields;
  GHashTable    *kinds;
  GPtrArray     *event_types;
} Loaded;

static void
loaded_free (Loaded *l)
{
  g_clear_object (&l->whatif);
  g_strfreev (l->fields);
  g_clear_pointer (&l->kinds, g_hash_table_unref);
  g_clear_pointer (&l->event_types, g_ptr_array_unref);
  g_free (l);
}

static void
whatif_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Loaded *l;
  GError *error = NULL;
  QualifyWhatIf *whatif;
  gint64 start;

  /* its own connection, so Apply can reuse the loaded dataset */
  if (!(whatif = qualify_whatif_new_for_path (task_data, 0, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  l = g_new0 (Loaded, 1);
  l->whatif = whatif;
  start = g_get_monotonic_time ();
  l->fields = qualify_whatif_list_fields (whatif);
  /* canonical fields have a fixed kind; custom ones are looked at after the
   * first preview (it loads their columns: seconds at 1M leads) */
  l->kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; l->fields[i] != NULL; i++)
    {
      QualifyField field;

      if (qualify_field_from_name (l->fields[i], &field))
        g_hash_table_insert (l->kinds, g_strdup (l->fields[i]),
                             GINT_TO_POINTER (qualify_field_kind_for (l->fields[i]) + 1));
    }
  l->event_types = qualify_whatif_list_event_types (whatif);
  g_debug ("Fields and event types listed in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_task_return_pointer (task, l, (GDestroyNotify) loaded_free);
}

typedef struct
{
  char  *path;
  GStrv  fields;
} KindsData;

static void
kinds_data_free (KindsData *data)
{
  g_free (data->path);
  g_strfreev (data->fields);
  g_free (data);
}

/* Custom fields' kinds from a sample of their values, on a connection of its
 * own: the what-if stays free for the user's first edits. */
static void
kinds_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KindsData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = qualify_store_open (data->path, &error);
  GHashTable *kinds;
  gint64 start = g_get_monotonic_time ();

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; data->fields[i] != NULL; i++)
    {
      QualifyField field;

      if (!qualify_field_from_name (data->fields[i], &field))
        g_hash_table_insert (kinds, g_strdup (data->fields[i]),
                             GINT_TO_POINTER (qualify_field_kind_guess (store, data->fields[i], 2000) + 1));
    }
  g_debug ("Kinds of %u custom fields guessed in %.1f ms", g_hash_table_size (kinds),
           (g_get_monotonic_time () - start) / 1000.0);
  g_task_return_pointer (task, kinds, (GDestroyNotify) g_hash_table_unref);
}

static void
kinds_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QualifyModelPage) self = user_data;
  g_autoptr(GHashTable) kinds = g_task_propagate_pointer (G_TASK (result), NULL);
  GHashTableIter iter;
  gpointer key, value;

  if (kinds == NULL || QUALIFY_WHATIF (source) != self->whatif || self->kinds == NULL)
    return;
  /* rows look kinds up when their field changes */
  g_hash_table_iter_init (&iter, kinds);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (self->kinds, g_strdup (key), value);
}

static void
find_custom_kinds (QualifyModelPage *self)
{
  g_autoptr(GTask) task = g_task_new (self->whatif, NULL, kinds_cb, g_object_ref (self));
  KindsData *data = g_new0 (KindsData, 1);

  data->path = g_strdup (self->path);
  data->fields = g_strdupv (self->fields);
  g_task_set_task_data (task, data, (GDestroyNotify) kinds_data_free);
  g_task_run_in_thread (task, kinds_thread);
}

static void
whatif_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (source);
  g_autoptr(GError) error = NULL;
  Loaded *l = g_task_propagate_pointer (G_TASK (result), &error);

  if (l == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          AdwStatusPage *empty = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "empty"));
          g_autofree char *escaped = g_markup_escape_text (error->message, -1);

          adw_status_page_set_title (empty, _("The Model Could Not Be Loaded"));
          adw_status_page_set_description (empty, escaped);
          gtk_stack_set_visible_child_name (self->stack, "empty");
        }
      return;
    }
  if (self->whatif != NULL)
    g_object_set_data (G_OBJECT (self->whatif), "qualify-model-page", NULL);
  g_clear_object (&self->whatif);
  self->whatif = g_steal_pointer (&l->whatif);
  self->kinds_requested = FALSE;
  g_object_set_data (G_OBJECT (self->whatif), "qualify-model-page", self);
  g_strfreev (self->fields);
  self->fields = g_steal_pointer (&l->fields);
  g_clear_pointer (&self->kinds, g_hash_table_unref);
  self->kinds = g_steal_pointer (&l->kinds);
  g_clear_pointer (&self->event_types, g_ptr_array_unref);
  self->event_types = g_steal_pointer (&l->event_types);
  g_hash_table_remove_all (self->values);
  g_hash_table_remove_all (self->asked);
  loaded_free (l);

  g_clear_pointer (&self->result, qualify_whatif_result_free);
  self->running = 0;
  set_busy (self, FALSE, NULL);
  if (self->pending_draft != NULL)
    {
      g_autoptr(JsonNode) pending = g_steal_pointer (&self->pending_draft);

      set_draft_node (self, pending, TRUE);
    }
  else
    set_draft (self, qualify_whatif_get_active_model (self->whatif), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

/* Forgets the loaded workspace (its what-if holds every event in memory). */
static void
unload_workspace (QualifyModelPage *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->whatif != NULL)
    g_object_set_data (G_OBJECT (self->whatif), "qualify-model-page", NULL);
  g_clear_object (&self->whatif);
  g_clear_pointer (&self->result, qualify_whatif_result_free);
  self->running = 0;
  self->dirty = FALSE;
}

static void
load_workspace (QualifyModelPage *self)
{
  g_autoptr(GTask) task = NULL;

  self->load_pending = FALSE;
  unload_workspace (self);
  if (self->path == NULL)
    {
      AdwStatusPage *empty = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "empty"));

      adw_status_page_set_title (empty, _("No Workspace"));
      adw_status_page_set_description (empty, _("Open or create a workspace to edit what makes a lead an MQL."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "loading");
  task = g_task_new (self, self->cancellable, whatif_loaded_cb, NULL);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, whatif_thread);
}

/* Apply, history, import/export ---------------------------------------------- */

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QualifyModelPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 version = qualify_whatif_apply_finish (QUALIFY_WHATIF (source), result, NULL, &error);

  self->applying = FALSE;
  set_busy (self, self->running > 0, NULL);
  if (QUALIFY_WHATIF (source) != self->whatif)
    {
      /* reloaded meanwhile (its editor was built while applying) */
      if (self->valid)
        update_state (self, NULL);
      else
        update_actions (self);
      return;
    }
  if (version <= 0)
    {
      g_autofree char *text = g_strdup_printf (_("Not applied: %s"), error->message);

      toast (self, text);
      update_state (self, NULL);
      /* run_apply() dropped the pending preview: bring it back */
      schedule_evaluation (self);
      update_actions (self);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (_("Model version %lld is active; every lead was rescored"),
                                             (long long) version);
    toast (self, text);
  }
  /* the what-if now compares against what was applied */
  set_draft (self, qualify_whatif_get_active_model (self->whatif), FALSE);
  self->emitting_applied = TRUE;
  g_signal_emit (self, signals[APPLIED], 0, version);
  self->emitting_applied = FALSE;
}

static void
run_apply (QualifyModelPage *self,
           QualifyModel     *model,
           const char       *note)
{
  if (self->whatif == NULL || self->applying)
    return;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->applying = TRUE;
  update_state (self, NULL);
  set_busy (self, TRUE, _("Rescoring…"));
  qualify_whatif_apply_async (self->whatif, model, note, NULL, applied_cb, g_object_ref (self));
}

static QualifyModel *
dup_valid_draft (QualifyModelPage  *self,
                 GError           **error)
{
  g_autoptr(JsonNode) node = NULL;

  if (self->name_row == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No workspace is open"));
      return NULL;
    }
  node = build_draft_node (self, NULL);
  return qualify_model_new_from_node (node, error);
}

static void
apply_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   QualifyModelPage *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "note");
  g_autoptr(QualifyModel) model = NULL;

  if (!g_str_equal (response, "apply") || !(model = dup_valid_draft (self, NULL)))
    return;
  run_apply (self, model, gtk_editable_get_text (entry));
}

static void
apply_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), _("Apply This Model?"), NULL);
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *body = NULL;

  if (self->result != NULL)
    {
      g_autofree char *up = qualify_format_count (self->result->n_newly_qualified);
      g_autofree char *down = qualify_format_count (self->result->n_dropped);

      body = g_strdup_printf (_("It becomes a new version and every lead is rescored: %s leads newly qualify, "
                                "%s drop out. Status changes are recorded with the version and handed to your "
                                "CRM endpoints."), up, down);
    }
  else
    body = g_strdup (_("It becomes a new version and every lead is rescored."));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Note for the history (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note"), -1);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "apply", _("_Apply"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "note", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (apply_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
discard_activated (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);

  if (self->whatif != NULL)
    set_draft (self, qualify_whatif_get_active_model (self->whatif), FALSE);
}

static void
template_activated (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = qualify_model_new_from_template (g_variant_get_string (param, NULL), &error);

  if (model == NULL)
    toast (self, error->message);
  else if (self->whatif != NULL)
    set_draft (self, model, TRUE);
}

static QualifyModel *
load_version (QualifyModelPage  *self,
              gint64             version,
              GError           **error)
{
  g_autoptr(QualifyStore) store = qualify_store_open (self->path, error);
  g_autofree char *json = store ? qualify_store_dup_model_json (store, version, error) : NULL;

  return json ? qualify_model_new_from_data (json, -1, error) : NULL;
}

static void
version_restore_cb (QualifyVersionDialog *dialog,
                    gint64                version,
                    QualifyModelPage     *self)
{
  _qualify_model_page_restore (self, version);
}

static void
version_edit_cb (QualifyVersionDialog *dialog,
                 gint64                version,
                 QualifyModelPage     *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = load_version (self, version, &error);

  if (model == NULL)
    toast (self, error->message);
  else
    set_draft (self, model, TRUE);
}

static void
history_activated (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (self->path == NULL)
    return;
  if (!(dialog = qualify_version_dialog_new (parent_window (self), self->path, &error)))
    {
      toast (self, error->message);
      return;
    }
  g_signal_connect_object (dialog, "restore", G_CALLBACK (version_restore_cb), self, 0);
  g_signal_connect_object (dialog, "edit", G_CALLBACK (version_edit_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Shows why a model file was refused: the core's message names the JSON path
 * and what is allowed, too long for a toast. */
static void
show_import_error (QualifyModelPage *self,
                   GFile            *file,
                   const GError     *error)
{
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *heading = g_strdup_printf (_("“%s” Was Not Imported"), base);
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), heading, NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s\n\nThe draft and the active model are unchanged."), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
_qualify_model_page_import_file (QualifyModelPage  *self,
                                 GFile             *file,
                                 GError           **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(QualifyModel) model = NULL;

  g_return_val_if_fail (QUALIFY_IS_MODEL_PAGE (self), FALSE);

  if (self->whatif == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The workspace is still loading"));
      return FALSE;
    }
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be imported"));
      return FALSE;
    }
  if (!(model = qualify_model_new_from_file (path, error)))
    return FALSE;
  set_draft (self, model, TRUE);
  return TRUE;
}

static void
import_response_cb (GtkNativeDialog  *chooser,
                    int               response,
                    QualifyModelPage *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (chooser);
  if (file == NULL)
    return;
  if (!_qualify_model_page_import_file (self, file, &error))
    show_import_error (self, file, error);
  else
    toast (self, _("Model imported as a draft: preview it, then apply"));
}

static void
import_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Import Model"), parent_window (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Model JSON"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

gboolean
_qualify_model_page_export_file (QualifyModelPage  *self,
                                 GFile             *file,
                                 GError           **error)
{
  g_autoptr(QualifyModel) model = NULL;
  g_autofree char *data = NULL;

  g_return_val_if_fail (QUALIFY_IS_MODEL_PAGE (self), FALSE);

  if (!(model = dup_valid_draft (self, error)))
    return FALSE;
  data = qualify_model_to_data (model, TRUE);
  /* written to a temporary file and renamed over the target: never half a model */
  return g_file_replace_contents (file, data, strlen (data), NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, error);
}

static void
export_response_cb (GtkNativeDialog  *chooser,
                    int               response,
                    QualifyModelPage *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (chooser);
  if (file == NULL)
    return;
  if (!_qualify_model_page_export_file (self, file, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Not exported: %s"), error->message);

      toast (self, text);
    }
  else
    toast (self, _("Model exported"));
}

static void
export_activated (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export Model"), parent_window (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "model.json");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Class ---------------------------------------------------------------------- */

/* The load task holds the page, so dispose would only come after seconds of
 * loading at 1M leads: stop it when the page leaves its window instead. */
static void
qualify_model_page_unroot (GtkWidget *widget)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);

  if (self->cancellable != NULL && self->whatif == NULL && !g_cancellable_is_cancelled (self->cancellable))
    {
      g_cancellable_cancel (self->cancellable);
      self->load_pending = TRUE;
    }
  GTK_WIDGET_CLASS (qualify_model_page_parent_class)->unroot (widget);
}

/* The what-if loads every event (hundreds of MB and seconds of both cores at
 * 1M leads): only once somebody opens the Model view. */
static void
qualify_model_page_map (GtkWidget *widget)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);

  GTK_WIDGET_CLASS (qualify_model_page_parent_class)->map (widget);
  if (self->load_pending)
    load_workspace (self);
}

static void
qualify_model_page_dispose (GObject *object)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (object);

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->whatif != NULL)
    g_object_set_data (G_OBJECT (self->whatif), "qualify-model-page", NULL);
  clear_problem (self);
  G_OBJECT_CLASS (qualify_model_page_parent_class)->dispose (object);
}

static void
qualify_model_page_finalize (GObject *object)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (object);

  g_clear_object (&self->whatif);
  g_clear_pointer (&self->result, qualify_whatif_result_free);
  g_clear_pointer (&self->pending_draft, json_node_unref);
  g_strfreev (self->fields);
  g_clear_pointer (&self->kinds, g_hash_table_unref);
  g_clear_pointer (&self->event_types, g_ptr_array_unref);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->asked);
  g_ptr_array_unref (self->groups);
  g_ptr_array_unref (self->grade_letters);
  g_ptr_array_unref (self->grade_spins);
  g_free (self->path);
  G_OBJECT_CLASS (qualify_model_page_parent_class)->finalize (object);
}

static void
qualify_model_page_class_init (QualifyModelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qualify_model_page_dispose;
  object_class->finalize = qualify_model_page_finalize;
  widget_class->map = qualify_model_page_map;
  widget_class->unroot = qualify_model_page_unroot;

  signals[OPEN_LEAD] = g_signal_new ("open-lead", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (QUALIFY_TYPE_HISTOGRAM);
  g_type_ensure (QUALIFY_TYPE_MATRIX);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/qualifyapp/Qualify/model/qualify-model-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, editor_box);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, busy_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, whatif_box);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, delta_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, delta_detail);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, counts_grid);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, histogram);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, matrix);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, newly_heading);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, newly_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, dropped_heading);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, dropped_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, state_icon);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, apply_button);

  gtk_widget_class_install_action (widget_class, "model.apply", NULL, apply_activated);
  gtk_widget_class_install_action (widget_class, "model.discard", NULL, discard_activated);
  gtk_widget_class_install_action (widget_class, "model.history", NULL, history_activated);
  gtk_widget_class_install_action (widget_class, "model.import", NULL, import_activated);
  gtk_widget_class_install_action (widget_class, "model.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "model.template", "s", template_activated);
  gtk_widget_class_install_action (widget_class, "model.add-rule", "s", add_rule_activated);
}

static void
qualify_model_page_init (QualifyModelPage *self)
{
  static gboolean css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));
  if (!css_loaded && gdk_display_get_default () != NULL)
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/io/github/qualifyapp/Qualify/model/qualify-model.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      css_loaded = TRUE;
    }
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->groups = g_ptr_array_new ();
  self->grade_letters = g_ptr_array_new_with_free_func (g_free);
  self->grade_spins = g_ptr_array_new ();
  g_signal_connect_object (self->newly_list, "row-activated", G_CALLBACK (lead_activated_cb), self, 0);
  g_signal_connect_object (self->dropped_list, "row-activated", G_CALLBACK (lead_activated_cb), self, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.discard", FALSE);
}

/* Public API ----------------------------------------------------------------- */

GtkWidget *
qualify_model_page_new (void)
{
  return g_object_new (QUALIFY_TYPE_MODEL_PAGE, NULL);
}

void
qualify_model_page_set_workspace (QualifyModelPage *self,
                                  const char       *path)
{
  g_return_if_fail (QUALIFY_IS_MODEL_PAGE (self));

  /* our own Apply makes the window reload: the what-if is already current */
  if (g_strcmp0 (path, self->path) == 0 && self->emitting_applied)
    return;
  /* a reload (after an import or a rescore) keeps an edited draft and
   * previews it against the new data; another workspace drops it */
  g_clear_pointer (&self->pending_draft, json_node_unref);
  if (g_strcmp0 (path, self->path) == 0 && self->dirty && self->name_row != NULL)
    self->pending_draft = build_draft_node_full (self, NULL, TRUE);
  g_free (self->path);
  self->path = g_strdup (path);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || path == NULL)
    load_workspace (self);
  else
    {
      unload_workspace (self);
      gtk_stack_set_visible_child_name (self->stack, "loading");
      self->load_pending = TRUE;
    }
}

gboolean
_qualify_model_page_is_busy (QualifyModelPage *self)
{
  return self->whatif == NULL || self->debounce_id != 0 || self->running > 0 || self->applying;
}

const QualifyWhatIfResult *
_qualify_model_page_get_result (QualifyModelPage *self)
{
  return self->result;
}

GtkSpinButton *
_qualify_model_page_get_threshold_spin (QualifyModelPage *self)
{
  return self->threshold_spins[0];
}

static guint
section_from_name (const char *section)
{
  for (guint s = 0; s < N_SECTIONS; s++)
    if (g_strcmp0 (section, sections[s].member) == 0)
      return s;
  return N_SECTIONS;
}

QualifyRuleRow *
_qualify_model_page_get_rule_row (QualifyModelPage *self,
                                  const char       *section,
                                  guint             index)
{
  guint s = section_from_name (section);
  g_autoptr(GPtrArray) rows = NULL;

  if (s == N_SECTIONS)
    return NULL;
  rows = section_rows (self, s);
  return index < rows->len ? g_ptr_array_index (rows, index) : NULL;
}

guint
_qualify_model_page_get_n_rules (QualifyModelPage *self,
                                 const char       *section)
{
  guint s = section_from_name (section);
  g_autoptr(GPtrArray) rows = NULL;

  if (s == N_SECTIONS)
    return 0;
  rows = section_rows (self, s);
  return rows->len;
}

GtkSpinButton *
_qualify_model_page_get_points_spin (QualifyModelPage *self,
                                     const char       *section,
                                     guint             index)
{
  QualifyRuleRow *row = _qualify_model_page_get_rule_row (self, section, index);

  return row ? _qualify_rule_row_get_points_spin (row) : NULL;
}

QualifyModel *
_qualify_model_page_dup_draft (QualifyModelPage *self)
{
  return dup_valid_draft (self, NULL);
}

const char *
_qualify_model_page_get_state_text (QualifyModelPage *self)
{
  return gtk_label_get_text (self->state_label);
}

gboolean
_qualify_model_page_can_apply (QualifyModelPage *self)
{
  return self->valid && self->dirty && !self->applying && self->whatif != NULL;
}

void
_qualify_model_page_apply (QualifyModelPage *self,
                           const char       *note)
{
  g_autoptr(QualifyModel) model = dup_valid_draft (self, NULL);

  g_return_if_fail (model != NULL);
  run_apply (self, model, note);
}

void
_qualify_model_page_restore (QualifyModelPage *self,
                             gint64            version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = load_version (self, version, &error);
  g_autofree char *note = NULL;

  if (model == NULL)
    {
      toast (self, error->message);
      return;
    }
  /* Translators: the history note of a restored version */
  note = g_strdup_printf (_("Restored version %lld"), (long long) version);
  run_apply (self, model, note);
}
