/* qualify-version-dialog.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-version-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "qualify-lead-row.h"
#include "qualify-model-diff.h"
#include "qualify-model.h"
#include "qualify-parse.h"
#include "qualify-rule-row.h"
#include "qualify-store.h"
#include "qualify-version-dialog.h"

struct _QualifyVersionDialog
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  GtkWidget            *back_button;
  GtkStack             *stack;
  AdwPreferencesGroup  *versions_group;
  GtkLabel             *selection_label;
  GtkWidget            *compare_button;
  GtkTextView          *json_view;
  GtkStack             *view_stack;
  AdwPreferencesPage   *summary_page;
  GtkToggleButton      *json_toggle;
  GPtrArray            *summary_groups;
  GtkWidget            *restore_button;
  GtkWidget            *edit_button;
  AdwPreferencesPage   *compare_page;

  QualifyStore         *store;
  GPtrArray            *versions;       /* of QualifyModelVersion, newest first */
  GPtrArray            *checks;         /* GtkCheckButton per version, same order */
  GPtrArray            *compare_groups;
  GList                *ticked;         /* versions ticked, oldest tick first (gint64 as pointer) */
  gint64                viewing;
  char                 *compare_text;
};

G_DEFINE_FINAL_TYPE (QualifyVersionDialog, qualify_version_dialog, ADW_TYPE_WINDOW)

enum { RESTORE, EDIT, N_SIGNALS };
static guint signals[N_SIGNALS];

static QualifyModelVersion *
find_version (QualifyVersionDialog *self,
              gint64                version)
{
  for (guint i = 0; i < self->versions->len; i++)
    {
      QualifyModelVersion *v = g_ptr_array_index (self->versions, i);

      if (v->version == version)
        return v;
    }
  return NULL;
}

static QualifyModel *
load_version (QualifyVersionDialog  *self,
              gint64                 version,
              GError               **error)
{
  g_autofree char *json = qualify_store_dup_model_json (self->store, version, error);

  return json ? qualify_model_new_from_data (json, -1, error) : NULL;
}

static void
show_page (QualifyVersionDialog *self,
           const char           *name,
           const char           *subtitle)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->back_button, !g_str_equal (name, "list"));
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
}

/* One version, read-only: the rules as sentences, or the JSON */

static void
json_toggled_cb (QualifyVersionDialog *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, gtk_toggle_button_get_active (self->json_toggle) ? "json" : "summary");
}

static char *
format_points (double points)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%g", ABS (points));
  /* U+2212 MINUS SIGN */
  return g_strdup_printf ("%s%s", points > 0 ? "+" : points < 0 ? "−" : "", buf);
}

static char *
field_rule_text (const QualifyFieldRule *rule)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s %s", rule->field, qualify_op_get_display_name (rule->op));
  switch (rule->op)
    {
    case QUALIFY_OP_GTE:
    case QUALIFY_OP_LTE:
      g_string_append_printf (s, " %g", rule->lo);
      break;
    case QUALIFY_OP_BETWEEN:
      g_string_append_printf (s, " %g–%g", rule->lo, rule->hi);
      break;
    case QUALIFY_OP_IS_SET:
    case QUALIFY_OP_IS_EMPTY:
      break;
    case QUALIFY_OP_EQUALS:
    case QUALIFY_OP_NOT_EQUALS:
    case QUALIFY_OP_IN:
    case QUALIFY_OP_NOT_IN:
    case QUALIFY_OP_CONTAINS:
    case QUALIFY_OP_NOT_CONTAINS:
    case QUALIFY_OP_STARTS_WITH:
    case QUALIFY_OP_ENDS_WITH:
    case QUALIFY_OP_DOMAIN_IN:
    case QUALIFY_OP_HAS_ANY:
    case QUALIFY_N_OPS:
    default:
      if (rule->has_number && rule->values == NULL)
        g_string_append_printf (s, " %g", rule->lo);
      for (guint i = 0; rule->values != NULL && rule->values[i] != NULL; i++)
        {
          if (i == 8)
            {
              /* Translators: after the first values of a list */
              g_string_append_printf (s, _(", +%u more"), g_strv_length (rule->values) - 8);
              break;
            }
          g_string_append_printf (s, "%s%s", i ? ", " : " ", rule->values[i]);
        }
      break;
    }
  return g_string_free (s, FALSE);
}

static AdwPreferencesGroup *
summary_group (QualifyVersionDialog *self,
               const char           *title)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  adw_preferences_group_set_title (group, title);
  adw_preferences_page_add (self->summary_page, group);
  g_ptr_array_add (self->summary_groups, group);
  return group;
}

static void
summary_row (AdwPreferencesGroup *group,
             const char          *title,
             const char          *subtitle,
             const char          *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (suffix != NULL)
    {
      GtkWidget *label = gtk_label_new (suffix);

      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_add_css_class (label, "heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  adw_preferences_group_add (group, row);
}

static void
clear_summary (QualifyVersionDialog *self)
{
  for (guint i = 0; i < self->summary_groups->len; i++)
    adw_preferences_page_remove (self->summary_page, g_ptr_array_index (self->summary_groups, i));
  g_ptr_array_set_size (self->summary_groups, 0);
}

static void
fill_summary (QualifyVersionDialog *self,
              QualifyModel         *model)
{
  AdwPreferencesGroup *group;
  const char * const *ready;
  GString *text;

  clear_summary (self);

  group = summary_group (self, _("Ideal Customer Profile"));
  for (guint i = 0; i < qualify_model_get_n_fit_rules (model); i++)
    {
      const QualifyFieldRule *rule = qualify_model_get_fit_rule (model, i);
      g_autofree char *sentence = field_rule_text (rule);
      g_autofree char *points = format_points (rule->points);

      summary_row (group, rule->label ? rule->label : rule->id, sentence, points);
    }

  group = summary_group (self, _("Disqualifiers"));
  for (guint i = 0; i < qualify_model_get_n_disqualify_rules (model); i++)
    {
      const QualifyFieldRule *rule = qualify_model_get_disqualify_rule (model, i);
      g_autofree char *sentence = field_rule_text (rule);

      summary_row (group, rule->label ? rule->label : rule->id, sentence, NULL);
    }

  group = summary_group (self, _("Engagement"));
  for (guint i = 0; i < qualify_model_get_n_engagement_rules (model); i++)
    {
      const QualifyEngagementRule *rule = qualify_model_get_engagement_rule (model, i);
      g_autofree char *points = format_points (rule->points);

      text = g_string_new (rule->event);
      if (rule->match != NULL)
        g_string_append_printf (text, " · %s", rule->match);
      if (rule->half_life_days > 0)
        g_string_append_printf (text, _(" · halves every %g d"), rule->half_life_days);
      else
        g_string_append (text, _(" · no decay"));
      if (rule->cap > 0)
        g_string_append_printf (text, _(" · cap %g"), rule->cap);
      if (rule->within_days > 0)
        g_string_append_printf (text, _(" · last %g days"), rule->within_days);
      summary_row (group, rule->label ? rule->label : rule->id, text->str, points);
      g_string_free (text, TRUE);
    }

  group = summary_group (self, _("Hand-Raisers"));
  ready = qualify_model_get_sales_ready (model);
  text = g_string_new (NULL);
  for (guint i = 0; ready != NULL && ready[i] != NULL; i++)
    g_string_append_printf (text, "%s%s", i ? ", " : "", ready[i]);
  summary_row (group, text->len ? text->str : _("None"), _("Any of these events makes a lead sales-ready"), NULL);
  g_string_free (text, TRUE);

  group = summary_group (self, _("Thresholds and Grades"));
  {
    g_autofree char *mql = g_strdup_printf ("%g", qualify_model_get_mql_threshold (model));
    g_autofree char *fit = g_strdup_printf ("%g", qualify_model_get_min_fit (model));
    g_autofree char *eng = g_strdup_printf ("%g", qualify_model_get_min_engagement (model));

    summary_row (group, _("MQL Threshold"), NULL, mql);
    summary_row (group, _("Minimum Fit"), NULL, fit);
    summary_row (group, _("Minimum Engagement"), NULL, eng);
  }
  text = g_string_new (NULL);
  for (guint i = 0; i < qualify_model_get_n_grades (model); i++)
    {
      const QualifyGrade *grade = qualify_model_get_grade (model, i);

      g_string_append_printf (text, "%s%s ≥ %g", i ? " · " : "", grade->letter, grade->bound);
    }
  summary_row (group, _("Grades by Fit"), text->str, NULL);
  g_string_free (text, TRUE);
}

static void
view_version (QualifyVersionDialog *self,
              gint64                version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = qualify_store_dup_model_json (self->store, version, &error);
  g_autofree char *subtitle = NULL;
  QualifyModelVersion *v = find_version (self, version);

  if (json == NULL)
    {
      /* never the previous version's summary under this version's title */
      clear_summary (self);
      json = g_strdup (error->message);
    }
  else
    {
      g_autoptr(GError) parse_error = NULL;
      g_autoptr(QualifyModel) model = qualify_model_new_from_data (json, -1, &parse_error);

      if (model != NULL)
        fill_summary (self, model);
      else
        {
          g_autofree char *escaped = g_markup_escape_text (parse_error->message, -1);
          AdwPreferencesGroup *group;

          clear_summary (self);
          group = summary_group (self, _("This Version Cannot Be Read"));
          adw_preferences_group_set_description (group, escaped);
        }
    }
  self->viewing = version;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->json_view), json, -1);
  gtk_widget_set_visible (self->restore_button, v != NULL && !v->active);
  subtitle = g_strdup_printf (_("Version %lld"), (long long) version);
  show_page (self, "view", subtitle);
}

static void
row_activated_cb (AdwActionRow         *row,
                  QualifyVersionDialog *self)
{
  view_version (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "version")));
}

/* Comparing */

static const char *
change_label (QualifyDiffChange change)
{
  switch (change)
    {
    case QUALIFY_DIFF_ADDED:   return _("Added");
    case QUALIFY_DIFF_REMOVED: return _("Removed");
    case QUALIFY_DIFF_CHANGED: return _("Changed");
    default:                   return "";
    }
}

static const char *
change_css (QualifyDiffChange change)
{
  switch (change)
    {
    case QUALIFY_DIFF_ADDED:   return "success";
    case QUALIFY_DIFF_REMOVED: return "error";
    case QUALIFY_DIFF_CHANGED: return "accent";
    default:                   return "dim-label";
    }
}

static guint
show_comparison (QualifyVersionDialog *self,
                 gint64                old_version,
                 gint64                new_version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) old_model = load_version (self, old_version, &error);
  g_autoptr(QualifyModel) new_model = old_model ? load_version (self, new_version, &error) : NULL;
  g_autoptr(GPtrArray) diff = NULL;
  g_autofree char *subtitle = NULL;
  AdwPreferencesGroup *group = NULL;
  int section = -1;

  for (guint i = 0; i < self->compare_groups->len; i++)
    adw_preferences_page_remove (self->compare_page, g_ptr_array_index (self->compare_groups, i));
  g_ptr_array_set_size (self->compare_groups, 0);
  g_clear_pointer (&self->compare_text, g_free);

  /* Translators: comparing two model versions, e.g. "Version 2 → Version 5" */
  subtitle = g_strdup_printf (_("Version %lld → Version %lld"),
                              (long long) old_version, (long long) new_version);
  show_page (self, "compare", subtitle);

  if (new_model == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_description (group, escaped);
      adw_preferences_page_add (self->compare_page, group);
      g_ptr_array_add (self->compare_groups, group);
      return 0;
    }

  diff = qualify_model_diff (old_model, new_model);
  self->compare_text = qualify_model_diff_to_text (diff);
  if (diff->len == 0)
    {
      group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_title (group, _("No Differences"));
      adw_preferences_group_set_description (group, _("Both versions score every lead the same way."));
      adw_preferences_page_add (self->compare_page, group);
      g_ptr_array_add (self->compare_groups, group);
      return 0;
    }

  for (guint i = 0; i < diff->len; i++)
    {
      QualifyDiffEntry *entry = g_ptr_array_index (diff, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *badge = gtk_label_new (change_label (entry->change));
      GString *details = g_string_new (NULL);
      const char *title;

      if ((int) entry->section != section)
        {
          section = entry->section;
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, qualify_diff_section_get_label (entry->section));
          adw_preferences_page_add (self->compare_page, group);
          g_ptr_array_add (self->compare_groups, group);
        }

      for (guint p = 0; p < entry->properties->len; p++)
        {
          QualifyDiffProperty *prop = g_ptr_array_index (entry->properties, p);

          if (details->len > 0)
            g_string_append_c (details, '\n');
          if (entry->change == QUALIFY_DIFF_CHANGED)
            g_string_append_printf (details, "%s: %s → %s", prop->name,
                                    prop->old_value ? prop->old_value : _("(none)"),
                                    prop->new_value ? prop->new_value : _("(none)"));
          else
            g_string_append_printf (details, "%s: %s", prop->name,
                                    prop->new_value ? prop->new_value : prop->old_value ? prop->old_value : "");
        }

      title = entry->label ? entry->label : entry->id ? entry->id : qualify_diff_section_get_label (entry->section);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), details->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (badge, "badge");
      gtk_widget_add_css_class (badge, "diff-badge");
      gtk_label_set_width_chars (GTK_LABEL (badge), 8);
      gtk_widget_add_css_class (badge, change_css (entry->change));
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), badge);
      adw_preferences_group_add (group, row);
      g_string_free (details, TRUE);
    }
  return diff->len;
}

static void
compare_clicked_cb (QualifyVersionDialog *self)
{
  gint64 a, b;

  if (g_list_length (self->ticked) != 2)
    return;
  a = GPOINTER_TO_SIZE (self->ticked->data);
  b = GPOINTER_TO_SIZE (self->ticked->next->data);
  show_comparison (self, MIN (a, b), MAX (a, b));
}

static void
check_toggled_cb (GtkCheckButton       *check,
                  QualifyVersionDialog *self)
{
  gpointer version = g_object_get_data (G_OBJECT (check), "version");
  guint n;

  if (gtk_check_button_get_active (check))
    {
      if (g_list_find (self->ticked, version) == NULL)
        self->ticked = g_list_append (self->ticked, version);
      /* keep the last two ticked */
      while (g_list_length (self->ticked) > 2)
        {
          gpointer first = self->ticked->data;

          self->ticked = g_list_remove (self->ticked, first);
          for (guint i = 0; i < self->checks->len; i++)
            if (g_object_get_data (g_ptr_array_index (self->checks, i), "version") == first)
              gtk_check_button_set_active (g_ptr_array_index (self->checks, i), FALSE);
        }
    }
  else
    self->ticked = g_list_remove (self->ticked, version);

  n = g_list_length (self->ticked);
  gtk_widget_set_sensitive (self->compare_button, n == 2);
  if (n == 2)
    {
      g_autofree char *text = g_strdup_printf (_("Compare version %zu with version %zu"),
                                               MIN (GPOINTER_TO_SIZE (self->ticked->data),
                                                    GPOINTER_TO_SIZE (self->ticked->next->data)),
                                               MAX (GPOINTER_TO_SIZE (self->ticked->data),
                                                    GPOINTER_TO_SIZE (self->ticked->next->data)));
      gtk_label_set_text (self->selection_label, text);
    }
  else
    gtk_label_set_text (self->selection_label, n == 1 ? _("Tick one more version")
                                                      : _("Tick two versions to compare them"));
}

/* Restore and edit */

static void
restore_response_cb (AdwMessageDialog     *dialog,
                     const char           *response,
                     QualifyVersionDialog *self)
{
  gint64 version = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "version"));

  if (!g_str_equal (response, "restore"))
    return;
  g_signal_emit (self, signals[RESTORE], 0, version);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
ask_restore (QualifyVersionDialog *self,
             gint64                version)
{
  g_autofree char *heading = g_strdup_printf (_("Restore Version %lld?"), (long long) version);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("It is applied again as a new version: every lead is rescored "
                                                "and status changes are recorded with it. Your unsaved changes "
                                                "to the draft are discarded."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "restore");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "version", GSIZE_TO_POINTER ((gsize) version));
  g_signal_connect_object (dialog, "response", G_CALLBACK (restore_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
restore_row_clicked_cb (GtkButton            *button,
                        QualifyVersionDialog *self)
{
  ask_restore (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "version")));
}

static void
restore_clicked_cb (QualifyVersionDialog *self)
{
  ask_restore (self, self->viewing);
}

static void
edit_clicked_cb (QualifyVersionDialog *self)
{
  g_signal_emit (self, signals[EDIT], 0, self->viewing);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
back_clicked_cb (QualifyVersionDialog *self)
{
  show_page (self, "list", NULL);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const QualifyModelVersion *va = *(QualifyModelVersion **) a;
  const QualifyModelVersion *vb = *(QualifyModelVersion **) b;

  return va->version < vb->version ? 1 : va->version > vb->version ? -1 : 0;
}

static void
fill_versions (QualifyVersionDialog *self)
{
  if (self->versions->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No Version Applied Yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("The built-in model scores this workspace until you apply one."));
      adw_preferences_group_add (self->versions_group, row);
      return;
    }

  for (guint i = 0; i < self->versions->len; i++)
    {
      QualifyModelVersion *v = g_ptr_array_index (self->versions, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *title = g_strdup_printf (_("Version %lld · %s"), (long long) v->version, v->name);
      g_autofree char *when = qualify_format_date_time (v->created_at);
      g_autofree char *mqls = v->mql_count >= 0 ? qualify_format_count (v->mql_count) : NULL;
      g_autofree char *mql_text = mqls ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s MQL when applied",
                                                                       "%s MQLs when applied", v->mql_count), mqls)
                                       : g_strdup (_("never scored"));
      g_autofree char *subtitle = v->note && *v->note ? g_strdup_printf ("%s · %s\n%s", when, mql_text, v->note)
                                                      : g_strdup_printf ("%s · %s", when, mql_text);
      g_autofree char *check_label = g_strdup_printf (_("Compare version %lld"), (long long) v->version);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (check, check_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, check_label, -1);
      g_object_set_data (G_OBJECT (check), "version", GSIZE_TO_POINTER ((gsize) v->version));
      g_signal_connect_object (check, "toggled", G_CALLBACK (check_toggled_cb), self, 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      g_ptr_array_add (self->checks, check);

      if (v->active)
        {
          GtkWidget *label = gtk_label_new (_("Active"));

          gtk_widget_add_css_class (label, "badge");
          gtk_widget_add_css_class (label, "status-mql");
          gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore…"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          g_object_set_data (G_OBJECT (button), "version", GSIZE_TO_POINTER ((gsize) v->version));
          g_signal_connect_object (button, "clicked", G_CALLBACK (restore_row_clicked_cb), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "version", GSIZE_TO_POINTER ((gsize) v->version));
      g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);
      adw_preferences_group_add (self->versions_group, row);
    }
}

/* Class */

static void
qualify_version_dialog_finalize (GObject *object)
{
  QualifyVersionDialog *self = QUALIFY_VERSION_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_ptr_array_unref (self->checks);
  g_ptr_array_unref (self->compare_groups);
  g_ptr_array_unref (self->summary_groups);
  g_list_free (self->ticked);
  g_free (self->compare_text);
  G_OBJECT_CLASS (qualify_version_dialog_parent_class)->finalize (object);
}

static void
qualify_version_dialog_class_init (QualifyVersionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qualify_version_dialog_finalize;

  signals[RESTORE] = g_signal_new ("restore", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[EDIT] = g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/model/qualify-version-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, versions_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, selection_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, compare_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, json_view);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, summary_page);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, json_toggle);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, restore_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, edit_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyVersionDialog, compare_page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qualify_version_dialog_init (QualifyVersionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->checks = g_ptr_array_new ();
  self->compare_groups = g_ptr_array_new ();
  self->summary_groups = g_ptr_array_new ();
  g_signal_connect_object (self->json_toggle, "toggled", G_CALLBACK (json_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->compare_button, "clicked", G_CALLBACK (compare_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->restore_button, "clicked", G_CALLBACK (restore_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->edit_button, "clicked", G_CALLBACK (edit_clicked_cb), self, G_CONNECT_SWAPPED);
}

/* Public API */

GtkWidget *
qualify_version_dialog_new (GtkWindow   *parent,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  QualifyVersionDialog *self;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(store = qualify_store_open (path, error)) || !(versions = qualify_store_list_models (store, error)))
    return NULL;
  g_ptr_array_sort (versions, newest_first);

  self = g_object_new (QUALIFY_TYPE_VERSION_DIALOG, "transient-for", parent, NULL);
  self->store = g_steal_pointer (&store);
  self->versions = g_steal_pointer (&versions);
  fill_versions (self);
  return GTK_WIDGET (self);
}

guint
_qualify_version_dialog_get_n_versions (QualifyVersionDialog *self)
{
  return self->versions->len;
}

guint
_qualify_version_dialog_compare (QualifyVersionDialog *self,
                                 gint64                old_version,
                                 gint64                new_version)
{
  return show_comparison (self, old_version, new_version);
}

const char *
_qualify_version_dialog_get_compare_text (QualifyVersionDialog *self)
{
  return self->compare_text;
}
