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

#include "qualify-histogram.h"
#include "qualify-lead-row.h"
#include "qualify-matrix.h"
#include "qualify-model-page.h"
#include "qualify-scorer.h"
#include "qualify-store.h"

#define DEBOUNCE_MS 150
#define LISTED      8

struct _QualifyModelPage
{
  AdwBin               parent_instance;

  GtkStack            *stack;
  GtkBox              *editor_box;
  GtkSpinner          *busy_spinner;
  GtkLabel            *delta_label;
  GtkGrid             *counts_grid;
  QualifyHistogram    *histogram;
  QualifyMatrix       *matrix;
  GtkLabel            *newly_heading;
  GtkListBox          *newly_list;
  GtkLabel            *dropped_heading;
  GtkListBox          *dropped_list;
  GtkLabel            *state_label;
  GtkButton           *apply_button;

  char                *path;
  QualifyWhatIf       *whatif;
  JsonNode            *draft;           /* the active model as JSON, edited in place */
  GHashTable          *excluded;        /* "fit:3" → rules switched off */
  GPtrArray           *groups;          /* editor widgets, rebuilt on load */
  GtkSpinButton       *threshold_spin;
  GHashTable          *points_spins;    /* "fit:3" → GtkSpinButton */
  QualifyWhatIfResult *result;
  GCancellable        *cancellable;
  guint                debounce_id;
  guint                generation;
  guint                running;
  gboolean             dirty;
  gboolean             valid;
};

G_DEFINE_FINAL_TYPE (QualifyModelPage, qualify_model_page, ADW_TYPE_BIN)

enum { OPEN_LEAD, APPLIED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void schedule_evaluation (QualifyModelPage *self);
static void load_workspace (QualifyModelPage *self);

static void
toast (QualifyModelPage *self,
       const char       *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static GtkWindow *
parent_window (QualifyModelPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The draft as a model: the edited JSON without the rules switched off. */
static QualifyModel *
build_draft (QualifyModelPage  *self,
             GError           **error)
{
  g_autoptr(JsonNode) copy = NULL;
  static const char * const sections[] = { "fit", "engagement", "disqualify" };
  JsonObject *root;

  if (self->draft == NULL)
    return NULL;
  copy = json_node_copy (self->draft);
  root = json_node_get_object (copy);
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonArray *rules;

      if (!json_object_has_member (root, sections[s]))
        continue;
      rules = json_object_get_array_member (root, sections[s]);
      for (gint i = (gint) json_array_get_length (rules) - 1; i >= 0; i--)
        {
          g_autofree char *key = g_strdup_printf ("%s:%d", sections[s], i);

          if (g_hash_table_contains (self->excluded, key))
            json_array_remove_element (rules, i);
        }
    }
  return qualify_model_new_from_node (copy, error);
}

static void
update_state (QualifyModelPage *self,
              const char       *problem)
{
  self->valid = problem == NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", self->valid && self->dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.discard", self->dirty);
  if (problem != NULL)
    {
      gtk_label_set_text (self->state_label, problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), problem);
    }
  else
    {
      gtk_label_set_text (self->state_label, self->dirty ? _("Unsaved changes — the preview shows their effect")
                                                          : _("The active model"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), NULL);
    }
}

/* What-if */

static void
evaluate_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  QualifyModelPage *self = source;
  QualifyModel *draft = task_data;
  GError *error = NULL;
  QualifyWhatIfResult *r = qualify_whatif_evaluate (self->whatif, draft, &error);

  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) qualify_whatif_result_free);
}

static void
fill_leads (QualifyModelPage *self,
            GtkListBox       *list,
            GArray           *ids)
{
  g_autoptr(QualifyStore) store = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  if (ids == NULL || ids->len == 0 || !(store = qualify_store_open (self->path, NULL)))
    {
      gtk_widget_set_visible (GTK_WIDGET (list), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (list), TRUE);
  for (guint i = 0; i < MIN (ids->len, LISTED); i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(QualifyLeadRecord) lead = qualify_store_get_lead (store, id, NULL);
      GtkWidget *row;
      g_autofree char *name = NULL;
      g_autofree char *subtitle = NULL;

      if (lead == NULL)
        continue;
      name = qualify_lead_record_dup_display_name (lead);
      subtitle = g_strdup_printf ("%s · %s", lead->values[QUALIFY_FIELD_COMPANY] ? lead->values[QUALIFY_FIELD_COMPANY] : "",
                                  lead->values[QUALIFY_FIELD_TITLE] ? lead->values[QUALIFY_FIELD_TITLE] : "");
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *name ? name : lead->values[QUALIFY_FIELD_EMAIL]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data (G_OBJECT (row), "lead", GSIZE_TO_POINTER ((gsize) id));
      gtk_list_box_append (list, row);
    }
}

static void
lead_activated_cb (GtkListBox       *list,
                   GtkListBoxRow    *row,
                   QualifyModelPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "lead"));

  if (id > 0)
    g_signal_emit (self, signals[OPEN_LEAD], 0, id);
}

static void
show_result (QualifyModelPage *self)
{
  const QualifyWhatIfResult *r = self->result;
  GtkWidget *child;
  guint row = 1;
  gint64 mql_delta;
  g_autofree char *headline = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts_grid))) != NULL)
    gtk_grid_remove (self->counts_grid, child);
  if (r == NULL)
    return;

  {
    const char *heads[] = { _("Status"), _("Active"), _("Draft"), _("Change") };

    for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
      {
        GtkWidget *l = gtk_label_new (heads[c]);

        gtk_label_set_xalign (GTK_LABEL (l), c == 0 ? 0 : 1);
        gtk_widget_add_css_class (l, "dim-label");
        gtk_widget_add_css_class (l, "caption-heading");
        gtk_grid_attach (self->counts_grid, l, c, 0, 1, 1);
      }
  }
  for (QualifyStatus s = QUALIFY_STATUS_MQL; ; )
    {
      g_autofree char *a = qualify_format_count (r->active[s]);
      g_autofree char *d = qualify_format_count (r->draft[s]);
      gint64 delta = (gint64) r->draft[s] - (gint64) r->active[s];
      g_autofree char *dl = delta == 0 ? g_strdup ("–") : g_strdup_printf ("%+" G_GINT64_FORMAT, delta);
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
      gtk_widget_add_css_class (ldelta, "numeric");
      if (delta != 0)
        gtk_widget_add_css_class (ldelta, "heading");
      gtk_widget_set_hexpand (la, TRUE);
      gtk_grid_attach (self->counts_grid, badge, 0, row, 1, 1);
      gtk_grid_attach (self->counts_grid, la, 1, row, 1, 1);
      gtk_grid_attach (self->counts_grid, ld, 2, row, 1, 1);
      gtk_grid_attach (self->counts_grid, ldelta, 3, row, 1, 1);
      row++;

      /* MQL, SQL, then the rest */
      if (s == QUALIFY_STATUS_MQL)
        s = QUALIFY_STATUS_SQL;
      else if (s == QUALIFY_STATUS_SQL)
        s = QUALIFY_STATUS_LEAD;
      else if (s == QUALIFY_STATUS_LEAD)
        s = QUALIFY_STATUS_DISQUALIFIED;
      else
        break;
    }

  mql_delta = (gint64) r->draft[QUALIFY_STATUS_MQL] - (gint64) r->active[QUALIFY_STATUS_MQL];
  if (r->n_newly_qualified == 0 && r->n_dropped == 0)
    headline = g_strdup (_("No lead changes status"));
  else
    /* Translators: "+214 MQL, −31" — the change in MQLs, then how many stop qualifying */
    headline = g_strdup_printf (_("%+" G_GINT64_FORMAT " MQL · %" G_GUINT64_FORMAT " newly qualify · %"
                                  G_GUINT64_FORMAT " drop out"),
                                mql_delta, r->n_newly_qualified, r->n_dropped);
  gtk_label_set_text (self->delta_label, headline);

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
  fill_leads (self, self->newly_list, r->newly_qualified);
  fill_leads (self, self->dropped_list, r->dropped);
}

static void
evaluated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (source);
  guint generation = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  QualifyWhatIfResult *r = g_task_propagate_pointer (G_TASK (result), &error);

  self->running--;
  if (self->running == 0)
    gtk_spinner_stop (self->busy_spinner);

  /* an older draft finishing late is dropped */
  if (generation != self->generation)
    {
      qualify_whatif_result_free (r);
      return;
    }
  if (r == NULL)
    {
      update_state (self, error->message);
      return;
    }
  g_clear_pointer (&self->result, qualify_whatif_result_free);
  self->result = r;
  show_result (self);
}

static gboolean
evaluate_now (gpointer data)
{
  QualifyModelPage *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) draft = NULL;
  g_autoptr(GTask) task = NULL;

  self->debounce_id = 0;
  if (self->whatif == NULL)
    return G_SOURCE_REMOVE;

  if (!(draft = build_draft (self, &error)))
    {
      update_state (self, error ? error->message : _("The draft is not a valid model"));
      return G_SOURCE_REMOVE;
    }
  update_state (self, NULL);

  self->generation++;
  self->running++;
  gtk_spinner_start (self->busy_spinner);
  task = g_task_new (self, NULL, evaluated_cb, GUINT_TO_POINTER (self->generation));
  g_task_set_task_data (task, g_steal_pointer (&draft), g_object_unref);
  g_task_run_in_thread (task, evaluate_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule_evaluation (QualifyModelPage *self)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, evaluate_now, self);
}

/* Editor */

static JsonObject *
rule_object (QualifyModelPage *self,
             const char       *section,
             guint             index)
{
  JsonArray *rules = json_object_get_array_member (json_node_get_object (self->draft), section);

  return json_array_get_object_element (rules, index);
}

static void
draft_changed (QualifyModelPage *self)
{
  self->dirty = TRUE;
  update_state (self, NULL);
  schedule_evaluation (self);
}

static void
number_changed_cb (GtkSpinButton    *spin,
                   QualifyModelPage *self)
{
  const char *section = g_object_get_data (G_OBJECT (spin), "section");
  const char *member = g_object_get_data (G_OBJECT (spin), "member");
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (spin), "index"));
  double value = gtk_spin_button_get_value (spin);
  JsonObject *target;

  if (g_str_equal (section, "thresholds"))
    target = json_object_get_object_member (json_node_get_object (self->draft), "thresholds");
  else
    target = rule_object (self, section, index);

  if (g_str_equal (member, "half_life_days") && value <= 0)
    {
      if (json_object_has_member (target, member))
        json_object_remove_member (target, member);
    }
  else if (value == (gint64) value)
    json_object_set_int_member (target, member, (gint64) value);
  else
    json_object_set_double_member (target, member, value);
  draft_changed (self);
}

static void
include_changed_cb (GtkSwitch        *sw,
                    GParamSpec       *pspec,
                    QualifyModelPage *self)
{
  const char *key = g_object_get_data (G_OBJECT (sw), "key");

  if (gtk_switch_get_active (sw))
    g_hash_table_remove (self->excluded, key);
  else
    g_hash_table_add (self->excluded, g_strdup (key));
  draft_changed (self);
}

static GtkSpinButton *
number_spin (QualifyModelPage *self,
             const char       *section,
             guint             index,
             const char       *member,
             double            value,
             double            lower,
             double            upper,
             const char       *a11y_label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y_label, -1);
  gtk_widget_set_tooltip_text (spin, a11y_label);
  g_object_set_data_full (G_OBJECT (spin), "section", g_strdup (section), g_free);
  g_object_set_data_full (G_OBJECT (spin), "member", g_strdup (member), g_free);
  g_object_set_data (G_OBJECT (spin), "index", GUINT_TO_POINTER (index));
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (number_changed_cb), self, 0);
  return GTK_SPIN_BUTTON (spin);
}

static char *
value_text (JsonObject *rule)
{
  JsonNode *value = json_object_has_member (rule, "value") ? json_object_get_member (rule, "value") : NULL;

  if (value == NULL)
    return g_strdup ("");
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *items = json_node_get_array (value);
      GString *out = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          g_autofree char *text = JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
                                  ? g_strdup (json_node_get_string (item)) : json_to_string (item, FALSE);

          g_string_append_printf (out, "%s%s", i ? ", " : "", text);
          if (i == 5 && json_array_get_length (items) > 7)
            {
              g_string_append_printf (out, _(" and %u more"), json_array_get_length (items) - 6);
              break;
            }
        }
      return g_string_free (out, FALSE);
    }
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return json_to_string (value, FALSE);
}

static GtkWidget *
rule_row (QualifyModelPage *self,
          const char       *section,
          guint             index,
          JsonObject       *rule)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  g_autofree char *key = g_strdup_printf ("%s:%u", section, index);
  g_autofree char *subtitle = NULL;
  const char *label = json_object_has_member (rule, "label") ? json_object_get_string_member (rule, "label")
                                                             : json_object_get_string_member (rule, "id");

  if (g_str_equal (section, "engagement"))
    {
      const char *match = json_object_has_member (rule, "match") ? json_object_get_string_member (rule, "match") : "*";
      g_autofree char *cap = json_object_has_member (rule, "cap")
                             ? g_strdup_printf (_(" · capped at %g"), json_object_get_double_member (rule, "cap")) : g_strdup ("");
      g_autofree char *within = json_object_has_member (rule, "within_days")
                                ? g_strdup_printf (_(" · last %g days"), json_object_get_double_member (rule, "within_days")) : g_strdup ("");

      subtitle = g_strdup_printf ("%s %s%s%s", json_object_get_string_member (rule, "event"), match, cap, within);
    }
  else
    {
      g_autofree char *value = value_text (rule);

      subtitle = g_strdup_printf ("%s %s %s", json_object_get_string_member (rule, "field"),
                                  json_object_get_string_member (rule, "op"), value);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  if (g_str_equal (section, "engagement"))
    {
      double half_life = json_object_has_member (rule, "half_life_days")
                         ? json_object_get_double_member (rule, "half_life_days") : 0;
      GtkSpinButton *hl = number_spin (self, section, index, "half_life_days", half_life, 0, 365,
                                       _("Half-life in days (0: no decay)"));

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (hl));
    }
  if (!g_str_equal (section, "disqualify"))
    {
      GtkSpinButton *points = number_spin (self, section, index, "points",
                                           json_object_get_double_member (rule, "points"), -100, 100, _("Points"));

      g_hash_table_insert (self->points_spins, g_strdup (key), points);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (points));
    }

  gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (sw, _("Use this rule"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Use this rule"), -1);
  g_object_set_data_full (G_OBJECT (sw), "key", g_strdup (key), g_free);
  g_signal_connect_object (sw, "notify::active", G_CALLBACK (include_changed_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  return row;
}

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
build_editor (QualifyModelPage *self)
{
  JsonObject *root = json_node_get_object (self->draft);
  JsonObject *thresholds = json_object_get_object_member (root, "thresholds");
  static const struct { const char *section; const char *title; const char *description; } sections[] = {
    { "fit", N_("Ideal Customer Profile"), N_("Fit rules: points for who the lead is. Switch a rule off to see what it is worth.") },
    { "engagement", N_("Engagement"), N_("Points per matching event, halved every half-life (days), within the cap.") },
    { "disqualify", N_("Disqualifiers"), N_("A lead matching any of these is never handed to sales.") },
  };
  GtkWidget *group;

  for (guint i = 0; i < self->groups->len; i++)
    gtk_box_remove (self->editor_box, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->points_spins);
  g_hash_table_remove_all (self->excluded);

  group = add_group (self, _("Thresholds"), _("An MQL has a score of at least the threshold, and enough fit and engagement."));
  {
    static const struct { const char *member; const char *title; } numbers[] = {
      { "mql", N_("MQL Threshold") },
      { "min_fit", N_("Minimum Fit") },
      { "min_engagement", N_("Minimum Engagement") },
    };

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
      {
        GtkWidget *row = adw_action_row_new ();
        GtkSpinButton *spin = number_spin (self, "thresholds", 0, numbers[i].member,
                                           json_object_has_member (thresholds, numbers[i].member)
                                           ? json_object_get_double_member (thresholds, numbers[i].member) : 0,
                                           -1000, 1000, _(numbers[i].title));

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(numbers[i].title));
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (spin));
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (spin));
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        if (i == 0)
          self->threshold_spin = spin;
      }
  }

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonArray *rules = json_object_has_member (root, sections[s].section)
                         ? json_object_get_array_member (root, sections[s].section) : NULL;

      group = add_group (self, _(sections[s].title), _(sections[s].description));
      for (guint i = 0; rules && i < json_array_get_length (rules); i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   rule_row (self, sections[s].section, i, json_array_get_object_element (rules, i)));
    }

  group = add_group (self, _("Hand-raisers"), _("Any of these events makes a lead sales-ready (SQL) at once."));
  {
    JsonArray *ready = json_object_has_member (root, "sales_ready") ? json_object_get_array_member (root, "sales_ready") : NULL;
    GtkWidget *row = adw_action_row_new ();
    GString *list = g_string_new (NULL);

    for (guint i = 0; ready && i < json_array_get_length (ready); i++)
      g_string_append_printf (list, "%s%s", i ? ", " : "", json_array_get_string_element (ready, i));
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), list->len ? list->str : _("None"));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    g_string_free (list, TRUE);
  }
}

/* Loading */

static void
set_draft (QualifyModelPage *self,
           QualifyModel     *model,
           gboolean          dirty)
{
  g_clear_pointer (&self->draft, json_node_unref);
  self->draft = qualify_model_to_node (model);
  build_editor (self);
  self->dirty = dirty;
  update_state (self, NULL);
  schedule_evaluation (self);
}

static void
whatif_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  g_autoptr(QualifyStore) store = NULL;
  QualifyWhatIf *whatif = NULL;
  GError *error = NULL;

  if (!(store = qualify_store_open (task_data, &error)) ||
      !(whatif = qualify_whatif_new (store, 0, cancellable, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, whatif, g_object_unref);
}

static void
whatif_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (source);
  g_autoptr(GError) error = NULL;
  QualifyWhatIf *whatif = g_task_propagate_pointer (G_TASK (result), &error);

  if (whatif == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_title (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "empty")),
                                     _("The Model Could Not Be Loaded"));
          adw_status_page_set_description (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "empty")),
                                           error->message);
          gtk_stack_set_visible_child_name (self->stack, "empty");
        }
      return;
    }
  g_clear_object (&self->whatif);
  self->whatif = whatif;
  g_clear_pointer (&self->result, qualify_whatif_result_free);
  set_draft (self, qualify_whatif_get_active_model (whatif), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
load_workspace (QualifyModelPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->path == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "loading");
  task = g_task_new (self, self->cancellable, whatif_loaded_cb, NULL);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, whatif_thread);
}

/* Apply, history, import/export */

typedef struct
{
  char   *path;
  char   *json;
  char   *name;
  char   *note;
  gint64  restore;   /* a saved version to activate, or 0 */
  gint64  version;
} Apply;

static void
apply_free (Apply *a)
{
  g_free (a->path);
  g_free (a->json);
  g_free (a->name);
  g_free (a->note);
  g_free (a);
}

/* Saves (or picks) the version, activates it and rescores; if the rescore
 * fails, the model that was active stays active. */
static void
apply_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Apply *a = task_data;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  GError *error = NULL;
  gint64 previous = 0;

  if (!(store = qualify_store_open (a->path, &error)) ||
      !(versions = qualify_store_list_models (store, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < versions->len; i++)
    if (((QualifyModelVersion *) g_ptr_array_index (versions, i))->active)
      previous = ((QualifyModelVersion *) g_ptr_array_index (versions, i))->version;

  a->version = a->restore;
  if (a->version == 0 &&
      (a->version = qualify_store_save_model (store, a->name, a->json, a->note, FALSE, &error)) <= 0)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!qualify_store_activate_model (store, a->version, &error) ||
      !qualify_score_workspace (store, 0, cancellable, NULL, &error))
    {
      if (previous > 0)
        qualify_store_activate_model (store, previous, NULL);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (source);
  Apply *a = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  gtk_spinner_stop (self->busy_spinner);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = g_strdup_printf (_("Not applied: %s"), error->message);
      toast (self, text);
      update_state (self, NULL);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (_("Model version %" G_GINT64_FORMAT " is active; every lead was rescored"),
                                             a->version);
    toast (self, text);
  }
  g_signal_emit (self, signals[APPLIED], 0, a->version);
  load_workspace (self);
}

static void
run_apply (QualifyModelPage *self,
           Apply            *a)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, applied_cb, NULL);

  a->path = g_strdup (self->path);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", FALSE);
  gtk_label_set_text (self->state_label, _("Applying and rescoring every lead…"));
  gtk_spinner_start (self->busy_spinner);
  g_task_set_task_data (task, a, (GDestroyNotify) apply_free);
  g_task_run_in_thread (task, apply_thread);
}

static void
apply_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   QualifyModelPage *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "note");
  g_autoptr(QualifyModel) model = NULL;
  Apply *a;

  if (!g_str_equal (response, "apply") || !(model = build_draft (self, NULL)))
    return;
  a = g_new0 (Apply, 1);
  a->json = qualify_model_to_data (model, TRUE);
  a->name = g_strdup (qualify_model_get_name (model));
  a->note = g_strdup (gtk_editable_get_text (entry));
  run_apply (self, a);
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
    body = g_strdup_printf (_("It becomes a new version and every lead is rescored: %" G_GUINT64_FORMAT
                              " leads newly qualify, %" G_GUINT64_FORMAT " drop out. Status changes are "
                              "recorded with the version, and handed to your CRM endpoints."),
                            self->result->n_newly_qualified, self->result->n_dropped);
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
  else
    set_draft (self, model, TRUE);
}

static void
restore_clicked_cb (GtkButton        *button,
                    QualifyModelPage *self)
{
  Apply *a = g_new0 (Apply, 1);

  a->restore = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "version"));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))));
  run_apply (self, a);
}

static void
history_activated (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (widget);
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *box, *header, *page, *group;

  if (!(store = qualify_store_open (self->path, &error)) || !(versions = qualify_store_list_models (store, &error)))
    {
      toast (self, error->message);
      return;
    }
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Model History"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent_window (self));
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 520);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  page = adw_preferences_page_new ();
  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Every applied version is kept. Restoring one makes it active again and rescores every lead."));
  for (guint i = 0; i < versions->len; i++)
    {
      QualifyModelVersion *v = g_ptr_array_index (versions, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (_("Version %" G_GINT64_FORMAT " · %s"), v->version, v->name);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (v->created_at);
      g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
      g_autofree char *mqls = v->mql_count >= 0 ? qualify_format_count (v->mql_count) : g_strdup ("–");
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s MQLs when applied%s%s"), when, mqls,
                                                   v->note && *v->note ? " · " : "", v->note ? v->note : "");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (v->active)
        {
          GtkWidget *label = gtk_label_new (_("Active"));

          gtk_widget_add_css_class (label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          g_object_set_data (G_OBJECT (button), "version", GSIZE_TO_POINTER ((gsize) v->version));
          g_signal_connect_object (button, "clicked", G_CALLBACK (restore_clicked_cb), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

static void
import_response_cb (GtkNativeDialog  *chooser,
                    int               response,
                    QualifyModelPage *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = NULL;

  g_object_unref (chooser);
  if (path == NULL)
    return;
  if (!(model = qualify_model_new_from_file (path, &error)))
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *text = g_strdup_printf (_("%s was not imported: %s"), base, error->message);

      update_state (self, text);
      return;
    }
  set_draft (self, model, TRUE);
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
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_response_cb (GtkNativeDialog  *chooser,
                    int               response,
                    QualifyModelPage *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = NULL;
  g_autofree char *data = NULL;

  g_object_unref (chooser);
  if (file == NULL)
    return;
  if (!(model = build_draft (self, &error)))
    {
      update_state (self, error->message);
      return;
    }
  data = qualify_model_to_data (model, TRUE);
  if (!g_file_replace_contents (file, data, strlen (data), NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
    toast (self, error->message);
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
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Class */

static void
qualify_model_page_dispose (GObject *object)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (object);

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (qualify_model_page_parent_class)->dispose (object);
}

static void
qualify_model_page_finalize (GObject *object)
{
  QualifyModelPage *self = QUALIFY_MODEL_PAGE (object);

  g_clear_object (&self->whatif);
  g_clear_pointer (&self->draft, json_node_unref);
  g_clear_pointer (&self->result, qualify_whatif_result_free);
  g_hash_table_unref (self->excluded);
  g_hash_table_unref (self->points_spins);
  g_ptr_array_unref (self->groups);
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
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, delta_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, counts_grid);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, histogram);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, matrix);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, newly_heading);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, newly_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, dropped_heading);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, dropped_list);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyModelPage, apply_button);

  gtk_widget_class_install_action (widget_class, "model.apply", NULL, apply_activated);
  gtk_widget_class_install_action (widget_class, "model.discard", NULL, discard_activated);
  gtk_widget_class_install_action (widget_class, "model.history", NULL, history_activated);
  gtk_widget_class_install_action (widget_class, "model.import", NULL, import_activated);
  gtk_widget_class_install_action (widget_class, "model.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "model.template", "s", template_activated);
}

static void
qualify_model_page_init (QualifyModelPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->excluded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->points_spins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->groups = g_ptr_array_new ();
  g_signal_connect_object (self->newly_list, "row-activated", G_CALLBACK (lead_activated_cb), self, 0);
  g_signal_connect_object (self->dropped_list, "row-activated", G_CALLBACK (lead_activated_cb), self, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.discard", FALSE);
}

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

  /* a reload keeps an edited draft: only a fresh page or another workspace reloads */
  if (g_strcmp0 (path, self->path) == 0 && self->dirty)
    return;
  g_free (self->path);
  self->path = g_strdup (path);
  load_workspace (self);
}

gboolean
_qualify_model_page_is_busy (QualifyModelPage *self)
{
  return self->whatif == NULL || self->debounce_id != 0 || self->running > 0;
}

const QualifyWhatIfResult *
_qualify_model_page_get_result (QualifyModelPage *self)
{
  return self->result;
}

GtkSpinButton *
_qualify_model_page_get_threshold_spin (QualifyModelPage *self)
{
  return self->threshold_spin;
}

GtkSpinButton *
_qualify_model_page_get_points_spin (QualifyModelPage *self,
                                     const char       *section,
                                     guint             index)
{
  g_autofree char *key = g_strdup_printf ("%s:%u", section, index);

  return g_hash_table_lookup (self->points_spins, key);
}

QualifyModel *
_qualify_model_page_dup_draft (QualifyModelPage *self)
{
  return build_draft (self, NULL);
}

const char *
_qualify_model_page_get_state_text (QualifyModelPage *self)
{
  return gtk_label_get_text (self->state_label);
}

void
_qualify_model_page_apply (QualifyModelPage *self,
                           const char       *note)
{
  g_autoptr(QualifyModel) model = build_draft (self, NULL);
  Apply *a;

  g_return_if_fail (model != NULL);
  a = g_new0 (Apply, 1);
  a->json = qualify_model_to_data (model, TRUE);
  a->name = g_strdup (qualify_model_get_name (model));
  a->note = g_strdup (note);
  run_apply (self, a);
}
