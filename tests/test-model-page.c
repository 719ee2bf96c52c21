/* test-model-page.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Model page driven through its widgets: every what-if must equal a full
 * core rescore of the same draft (weights, threshold, a new rule, a pattern and
 * half-life), invalid values are shown where they are and block Apply, Apply
 * makes a version with its note and MQL count, two versions compare rule by
 * rule, and an older version can be restored.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "qualify-dataset.h"
#include "qualify-demo.h"
#include "qualify-model-page.h"
#include "qualify-rule-row.h"
#include "qualify-scorer.h"
#include "qualify-store.h"
#include "qualify-test-util.h"
#include "qualify-value-editor.h"
#include "qualify-version-dialog.h"

static gboolean
page_settled (gpointer data)
{
  return !_qualify_model_page_is_busy (data) && _qualify_model_page_get_result (data) != NULL;
}

/* What the core says the draft gives: a fresh dataset, the regular scorer. */
static void
expected_counts (QualifyStore *store,
                 QualifyModel *model,
                 guint64       counts[QUALIFY_N_STATUSES])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyDataset) dataset = qualify_dataset_load (store, NULL, &error);
  g_autoptr(QualifyScorer) scorer = qualify_scorer_new (model, dataset, &error);
  g_autofree QualifyLeadScore *scores = NULL;
  QualifyStoreStats stats;
  guint n;

  g_assert_no_error (error);
  g_assert_true (qualify_store_get_stats (store, &stats, &error));
  n = qualify_dataset_get_n_leads (dataset);
  scores = g_new (QualifyLeadScore, n);
  qualify_scorer_run (scorer, stats.last_as_of, scores);
  memset (counts, 0, sizeof (guint64) * QUALIFY_N_STATUSES);
  for (guint i = 0; i < n; i++)
    counts[scores[i].status]++;
}

static void
assert_preview_matches (QualifyModelPage *page,
                        QualifyStore     *store)
{
  g_autoptr(QualifyModel) draft = _qualify_model_page_dup_draft (page);
  const QualifyWhatIfResult *r = _qualify_model_page_get_result (page);
  guint64 expected[QUALIFY_N_STATUSES];

  g_assert_nonnull (draft);
  g_assert_nonnull (r);
  expected_counts (store, draft, expected);
  for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (r->draft[s], ==, expected[s]);
}

static const QualifyWhatIfRuleStat *
rule_stat (const QualifyWhatIfResult *r,
           QualifyContributionKind    kind,
           guint                      index)
{
  for (guint i = 0; i < r->rules->len; i++)
    {
      const QualifyWhatIfRuleStat *stat = &g_array_index (r->rules, QualifyWhatIfRuleStat, i);

      if (stat->kind == kind && stat->index == index)
        return stat;
    }
  return NULL;
}

static gint64 applied_version;

static void
applied_cb (QualifyModelPage *page,
            gint64            version)
{
  applied_version = version;
}

static gboolean
applied (gpointer data)
{
  return applied_version > 0 && !_qualify_model_page_is_busy (data);
}

static gboolean
debounced (gpointer data)
{
  return !_qualify_model_page_is_busy (data);
}

static QualifyModelVersion *
find_version (GPtrArray *versions,
              gint64     version)
{
  for (guint i = 0; i < versions->len; i++)
    if (((QualifyModelVersion *) g_ptr_array_index (versions, i))->version == version)
      return g_ptr_array_index (versions, i);
  return NULL;
}

typedef struct
{
  char             *dir;
  char             *path;
  QualifyStore     *store;
  GtkWidget        *window;
  QualifyModelPage *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  QualifyDemoOptions options = { 3000, 30000, 9, 1793491200 };
  GtkWidget *overlay = adw_toast_overlay_new ();

  f->store = qt_temp_workspace ("qualify-model-page-XXXXXX", &options, &f->dir, &f->path);

  f->window = gtk_window_new ();
  f->page = QUALIFY_MODEL_PAGE (qualify_model_page_new ());
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (f->page));
  gtk_window_set_child (GTK_WINDOW (f->window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  applied_version = 0;
  g_signal_connect (f->page, "applied", G_CALLBACK (applied_cb), NULL);
  qualify_model_page_set_workspace (f->page, f->path);
  qt_wait_for (page_settled, f->page, "the first what-if");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  qt_settle (50);
  g_clear_object (&f->store);
  qt_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Weights, the threshold, a new rule and a pattern, each previewed exactly. */
static void
test_model_page_whatif (Fixture       *f,
                        gconstpointer  data)
{
  const QualifyWhatIfResult *r = _qualify_model_page_get_result (f->page);
  QualifyRuleRow *row;
  QualifyValueEditor *editor;
  const QualifyWhatIfRuleStat *stat;
  guint64 mql_before;
  guint n_fit;

  /* the unedited draft changes nothing, and every rule shows what it matches */
  g_assert_cmpuint (r->n_newly_qualified, ==, 0);
  g_assert_cmpuint (r->n_dropped, ==, 0);
  g_assert_false (_qualify_model_page_can_apply (f->page));
  mql_before = r->active[QUALIFY_STATUS_MQL];
  row = _qualify_model_page_get_rule_row (f->page, "fit", 0);
  stat = rule_stat (r, QUALIFY_CONTRIBUTION_FIT, 0);
  g_assert_nonnull (stat);
  g_assert_cmpuint (stat->leads, >, 0);
  g_assert_nonnull (strstr (_qualify_rule_row_get_stats_text (row), "leads"));
  g_assert_nonnull (strstr (_qualify_rule_row_get_stats_text (_qualify_model_page_get_rule_row (f->page, "engagement", 0)),
                            "events"));

  /* lower the threshold, as a user would */
  gtk_spin_button_set_value (_qualify_model_page_get_threshold_spin (f->page), 40);
  qt_wait_for (page_settled, f->page, "the what-if of the threshold");
  r = _qualify_model_page_get_result (f->page);
  g_assert_cmpuint (r->draft[QUALIFY_STATUS_MQL], >, mql_before);
  g_assert_cmpuint (r->n_newly_qualified, >, 0);
  g_assert_cmpfloat (r->mql_threshold, ==, 40);
  assert_preview_matches (f->page, f->store);
  g_assert_nonnull (strstr (_qualify_model_page_get_state_text (f->page), "Unsaved"));
  g_assert_true (_qualify_model_page_can_apply (f->page));

  /* give the first engagement rule fewer points */
  gtk_spin_button_set_value (_qualify_model_page_get_points_spin (f->page, "engagement", 0), 1);
  qt_wait_for (page_settled, f->page, "the what-if of the points");
  assert_preview_matches (f->page, f->store);

  /* a new fit rule: industry is one of "software", picked from the data's values */
  n_fit = _qualify_model_page_get_n_rules (f->page, "fit");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "model.add-rule", "s", "fit"));
  g_assert_cmpuint (_qualify_model_page_get_n_rules (f->page, "fit"), ==, n_fit + 1);
  row = _qualify_model_page_get_rule_row (f->page, "fit", n_fit);
  g_assert_true (_qualify_rule_row_select_field (row, "industry"));
  g_assert_true (_qualify_rule_row_select_op (row, QUALIFY_OP_IN));
  editor = _qualify_rule_row_get_value_editor (row);
  g_assert_cmpint (qualify_value_editor_get_operand (editor), ==, QUALIFY_OPERAND_LIST);
  gtk_editable_set_text (_qualify_value_editor_get_entry (editor), "Software");
  g_signal_emit_by_name (_qualify_value_editor_get_entry (editor), "activate");
  g_assert_cmpuint (_qualify_value_editor_get_n_chips (editor), ==, 1);
  gtk_spin_button_set_value (_qualify_rule_row_get_points_spin (row), 35);
  qt_wait_for (page_settled, f->page, "the what-if of the new rule");
  assert_preview_matches (f->page, f->store);
  r = _qualify_model_page_get_result (f->page);
  stat = rule_stat (r, QUALIFY_CONTRIBUTION_FIT, n_fit);
  g_assert_nonnull (stat);
  g_assert_cmpuint (stat->leads, >, 0);
  g_assert_cmpstr (_qualify_rule_row_get_error (row), ==, NULL);

  /* values present in the data are offered (fetched off the main thread) */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    gboolean picked = FALSE;

    while (!(picked = _qualify_value_editor_pick_suggestion (editor)) && g_get_monotonic_time () < deadline)
      qt_settle (20);
    g_assert_true (picked);
    g_assert_cmpuint (_qualify_value_editor_get_n_chips (editor), ==, 2);
  }
  qt_wait_for (page_settled, f->page, "the what-if of the suggested value");
  assert_preview_matches (f->page, f->store);

  /* a pattern and a half-life: the engagement rule builds a new cache */
  row = _qualify_model_page_get_rule_row (f->page, "engagement", 0);
  gtk_editable_set_text (_qualify_rule_row_get_match_entry (row), "/pricing/enterprise*");
  gtk_spin_button_set_value (_qualify_rule_row_get_half_life_spin (row), 3);
  qt_wait_for (page_settled, f->page, "the what-if of the pattern");
  assert_preview_matches (f->page, f->store);
  r = _qualify_model_page_get_result (f->page);
  stat = rule_stat (r, QUALIFY_CONTRIBUTION_ENGAGEMENT, 0);
  g_assert_nonnull (stat);
  g_assert_cmpuint (stat->events, >, 0);
  g_assert_cmpuint (stat->leads, <=, stat->events);

  /* switching a rule off leaves it out of the draft */
  gtk_switch_set_active (_qualify_rule_row_get_switch (_qualify_model_page_get_rule_row (f->page, "fit", 0)), FALSE);
  qt_wait_for (page_settled, f->page, "the what-if without the first rule");
  assert_preview_matches (f->page, f->store);
  {
    g_autoptr(QualifyModel) draft = _qualify_model_page_dup_draft (f->page);

    g_assert_cmpuint (qualify_model_get_n_fit_rules (draft), ==, n_fit);
    g_assert_cmpstr (qualify_model_get_fit_rule (draft, 0)->id, !=, "industry");
  }
}

/* Reorder, duplicate, remove: the draft follows the rows. */
static void
test_model_page_rules (Fixture       *f,
                       gconstpointer  data)
{
  guint n_fit = _qualify_model_page_get_n_rules (f->page, "fit");
  QualifyRuleRow *first = _qualify_model_page_get_rule_row (f->page, "fit", 0);
  g_autofree char *first_id = g_strdup (qualify_rule_row_get_id (first));
  g_autoptr(QualifyModel) draft = NULL;

  _qualify_rule_row_activate (first, "down");
  g_assert_true (_qualify_model_page_get_rule_row (f->page, "fit", 1) == first);
  _qualify_rule_row_activate (first, "duplicate");
  g_assert_cmpuint (_qualify_model_page_get_n_rules (f->page, "fit"), ==, n_fit + 1);
  _qualify_rule_row_activate (_qualify_model_page_get_rule_row (f->page, "fit", 0), "remove");
  g_assert_cmpuint (_qualify_model_page_get_n_rules (f->page, "fit"), ==, n_fit);
  qt_wait_for (page_settled, f->page, "the what-if of the reordered rules");
  assert_preview_matches (f->page, f->store);

  draft = _qualify_model_page_dup_draft (f->page);
  g_assert_cmpstr (qualify_model_get_fit_rule (draft, 0)->id, ==, first_id);
  /* the copy follows its original with a new id and the same definition */
  g_assert_cmpstr (qualify_model_get_fit_rule (draft, 1)->id, ==, "industry_2");
  g_assert_cmpint (qualify_model_get_fit_rule (draft, 1)->op, ==, qualify_model_get_fit_rule (draft, 0)->op);
  g_assert_cmpfloat (qualify_model_get_fit_rule (draft, 1)->points, ==, qualify_model_get_fit_rule (draft, 0)->points);

  /* a reload (after an import or a rescore) keeps the edited draft, rules
   * switched off included */
  gtk_switch_set_active (_qualify_rule_row_get_switch (_qualify_model_page_get_rule_row (f->page, "fit", 2)), FALSE);
  qt_wait_for (page_settled, f->page, "the what-if without the third rule");
  qualify_model_page_set_workspace (f->page, f->path);
  qt_wait_for (page_settled, f->page, "the reload");
  g_assert_cmpuint (_qualify_model_page_get_n_rules (f->page, "fit"), ==, n_fit);
  g_assert_cmpstr (qualify_rule_row_get_id (_qualify_model_page_get_rule_row (f->page, "fit", 0)), ==, first_id);
  g_assert_false (qualify_rule_row_get_enabled (_qualify_model_page_get_rule_row (f->page, "fit", 2)));
  g_assert_true (qualify_rule_row_get_enabled (_qualify_model_page_get_rule_row (f->page, "fit", 1)));
  g_assert_true (_qualify_model_page_can_apply (f->page));
  assert_preview_matches (f->page, f->store);

  /* new rules in two sections get ids unique across the model: still valid */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "model.add-rule", "s", "fit"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "model.add-rule", "s", "engagement"));
  qt_wait_for (page_settled, f->page, "the what-if of two new rules");
  g_assert_cmpstr (qualify_rule_row_get_id (_qualify_model_page_get_rule_row (f->page, "fit", n_fit)), !=,
                   qualify_rule_row_get_id (_qualify_model_page_get_rule_row (
                     f->page, "engagement", _qualify_model_page_get_n_rules (f->page, "engagement") - 1)));

  /* Discard brings the active model back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "model.discard", NULL));
  g_assert_cmpuint (_qualify_model_page_get_n_rules (f->page, "fit"), ==, n_fit);
  g_assert_cmpstr (qualify_rule_row_get_id (_qualify_model_page_get_rule_row (f->page, "fit", 0)), ==, first_id);
  g_assert_false (_qualify_model_page_can_apply (f->page));
}

/* An invalid value is shown at its rule and blocks Apply. */
static void
test_model_page_validation (Fixture       *f,
                            gconstpointer  data)
{
  QualifyRuleRow *row = _qualify_model_page_get_rule_row (f->page, "fit", 1);   /* employees between */
  QualifyValueEditor *editor = _qualify_rule_row_get_value_editor (row);
  const QualifyWhatIfResult *before = _qualify_model_page_get_result (f->page);

  g_assert_cmpstr (qualify_rule_row_get_field (row), ==, "employees");
  g_assert_cmpint (qualify_value_editor_get_operand (editor), ==, QUALIFY_OPERAND_RANGE);
  gtk_editable_set_text (_qualify_value_editor_get_range_end (editor), "lots");
  qt_wait_for (debounced, f->page, "the validation");
  g_assert_false (_qualify_model_page_can_apply (f->page));
  g_assert_nonnull (_qualify_rule_row_get_error (row));
  g_assert_nonnull (strstr (_qualify_rule_row_get_error (row), "Value: "));
  g_assert_nonnull (strstr (_qualify_model_page_get_state_text (f->page), "Cannot apply"));
  g_assert_nonnull (strstr (_qualify_model_page_get_state_text (f->page), "Company size"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (_qualify_value_editor_get_range_end (editor)), "error"));
  /* the preview stays the last valid one */
  g_assert_true (_qualify_model_page_get_result (f->page) == before);

  /* fixed: the error goes, Apply comes back */
  gtk_editable_set_text (_qualify_value_editor_get_range_end (editor), "2,000");
  qt_wait_for (page_settled, f->page, "the fixed draft");
  g_assert_null (_qualify_rule_row_get_error (row));
  g_assert_true (_qualify_model_page_can_apply (f->page));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (_qualify_value_editor_get_range_end (editor)), "error"));
  assert_preview_matches (f->page, f->store);

  /* an operator change keeps the value editor in step: between → at least (a number) */
  g_assert_true (_qualify_rule_row_select_op (row, QUALIFY_OP_GTE));
  g_assert_cmpint (qualify_value_editor_get_operand (editor), ==, QUALIFY_OPERAND_NUMBER);
  g_assert_cmpstr (gtk_editable_get_text (_qualify_value_editor_get_entry (editor)), ==, "50");
  /* only operators valid for a number field are offered */
  g_assert_false (_qualify_rule_row_select_op (row, QUALIFY_OP_HAS_ANY));
  qt_wait_for (page_settled, f->page, "the what-if of the operator");
  assert_preview_matches (f->page, f->store);
}

/* Apply with a note, compare, restore. */
static void
test_model_page_versions (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *first_json = NULL;
  QualifyModelVersion *latest;
  gint64 first, second;
  guint64 preview_mql;
  GtkWidget *dialog;

  versions = qualify_store_list_models (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 1);
  first = ((QualifyModelVersion *) g_ptr_array_index (versions, 0))->version;
  g_clear_pointer (&versions, g_ptr_array_unref);

  gtk_spin_button_set_value (_qualify_model_page_get_threshold_spin (f->page), 45);
  gtk_spin_button_set_value (_qualify_model_page_get_points_spin (f->page, "fit", 0), 30);
  qt_wait_for (page_settled, f->page, "the what-if");
  preview_mql = _qualify_model_page_get_result (f->page)->draft[QUALIFY_STATUS_MQL];

  _qualify_model_page_apply (f->page, "Lower threshold for Q4");
  qt_wait_for (applied, f->page, "the apply");
  second = applied_version;
  versions = qualify_store_list_models (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  latest = find_version (versions, second);
  g_assert_nonnull (latest);
  g_assert_true (latest->active);
  g_assert_cmpstr (latest->note, ==, "Lower threshold for Q4");
  /* the MQL count at apply time is what the preview said */
  g_assert_cmpint (latest->mql_count, ==, (gint64) preview_mql);
  g_clear_pointer (&versions, g_ptr_array_unref);

  /* after applying, the draft is the active model again: nothing changes */
  qt_wait_for (page_settled, f->page, "the what-if after applying");
  g_assert_cmpuint (_qualify_model_page_get_result (f->page)->n_newly_qualified, ==, 0);
  g_assert_cmpuint (_qualify_model_page_get_result (f->page)->active[QUALIFY_STATUS_MQL], ==, preview_mql);
  g_assert_false (_qualify_model_page_can_apply (f->page));

  /* the history lists both and compares them rule by rule */
  dialog = qualify_version_dialog_new (GTK_WINDOW (f->window), f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_qualify_version_dialog_get_n_versions (QUALIFY_VERSION_DIALOG (dialog)), ==, 2);
  gtk_window_present (GTK_WINDOW (dialog));

  g_assert_cmpuint (_qualify_version_dialog_compare (QUALIFY_VERSION_DIALOG (dialog), first, second), ==, 2);
  g_assert_nonnull (strstr (_qualify_version_dialog_get_compare_text (QUALIFY_VERSION_DIALOG (dialog)), "60 → 45"));
  g_assert_nonnull (strstr (_qualify_version_dialog_get_compare_text (QUALIFY_VERSION_DIALOG (dialog)), "20 → 30"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* restore the first version: applied again as a third version */
  first_json = qualify_store_dup_model_json (f->store, first, &error);
  g_assert_no_error (error);
  applied_version = 0;
  _qualify_model_page_restore (f->page, first);
  qt_wait_for (applied, f->page, "the restore");
  g_assert_cmpint (applied_version, >, second);
  {
    g_autofree char *active_json = qualify_store_dup_active_model_json (f->store, NULL, &error);
    g_autoptr(QualifyModel) a = qualify_model_new_from_data (active_json, -1, NULL);
    g_autoptr(QualifyModel) b = qualify_model_new_from_data (first_json, -1, NULL);
    g_autofree char *ta = qualify_model_to_data (a, FALSE);
    g_autofree char *tb = qualify_model_to_data (b, FALSE);

    g_assert_no_error (error);
    g_assert_cmpstr (ta, ==, tb);
  }
  versions = qualify_store_list_models (f->store, &error);
  g_assert_no_error (error);
  latest = find_version (versions, applied_version);
  g_assert_nonnull (latest);
  g_assert_true (latest->active);
  g_assert_nonnull (strstr (latest->note, "Restored version"));
  qt_wait_for (page_settled, f->page, "the what-if after the restore");
  g_assert_cmpfloat (gtk_spin_button_get_value (_qualify_model_page_get_threshold_spin (f->page)), ==, 60);
  g_assert_cmpuint (_qualify_model_page_get_result (f->page)->active[QUALIFY_STATUS_MQL], ==,
                    (guint64) find_version (versions, first)->mql_count);
}

/* Figures at scale: only when QUALIFY_BENCH_WORKSPACE names a (big) workspace,
 * which is only read. Prints, per edit, the time from the edit to the preview on
 * screen (after the 150 ms debounce) and the longest main-loop stall meanwhile. */
static gint64 last_tick;
static gint64 longest_stall;

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick > 0)
    longest_stall = MAX (longest_stall, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
timed_edit (QualifyModelPage *page,
            const char       *what,
            GtkSpinButton    *spin,
            double            value,
            GtkEditable      *entry,
            const char       *text)
{
  const QualifyWhatIfResult *before = _qualify_model_page_get_result (page);
  gint64 start = g_get_monotonic_time ();
  double ms;

  last_tick = 0;
  longest_stall = 0;
  if (spin != NULL)
    gtk_spin_button_set_value (spin, value);
  else
    gtk_editable_set_text (entry, text);
  while (_qualify_model_page_is_busy (page) || _qualify_model_page_get_result (page) == before)
    g_main_context_iteration (NULL, TRUE);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_test_message ("%-28s %7.0f ms to the preview (%.0f after the debounce; engine %.0f ms), "
                  "longest main-loop stall %.0f ms",
                  what, ms, ms - 150, _qualify_model_page_get_result (page)->elapsed_ms, longest_stall / 1000.0);
}

/* Templates, and a model's JSON out and back in; a broken file changes nothing. */
static void
test_model_page_files (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) ecommerce = qualify_model_new_from_template ("ecommerce", &error);
  g_autoptr(QualifyModel) draft = NULL;
  g_autoptr(QualifyModel) reread = NULL;
  g_autofree char *exported = g_build_filename (f->dir, "draft.json", NULL);
  g_autofree char *broken = g_build_filename (f->dir, "broken.json", NULL);
  g_autofree char *before = NULL;
  g_autoptr(GFile) exported_file = g_file_new_for_path (exported);
  g_autoptr(GFile) broken_file = g_file_new_for_path (broken);

  g_assert_no_error (error);

  /* a template replaces the draft, previewed like any edit */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "model.template", "s", "ecommerce"));
  qt_wait_for (page_settled, f->page, "the what-if of the template");
  draft = _qualify_model_page_dup_draft (f->page);
  g_assert_nonnull (draft);
  g_assert_cmpstr (qualify_model_get_name (draft), ==, qualify_model_get_name (ecommerce));
  g_assert_cmpuint (qualify_model_get_n_fit_rules (draft), ==, qualify_model_get_n_fit_rules (ecommerce));
  g_assert_cmpuint (qualify_model_get_n_engagement_rules (draft), ==, qualify_model_get_n_engagement_rules (ecommerce));
  g_assert_cmpuint (_qualify_model_page_get_n_rules (f->page, "fit"), ==, qualify_model_get_n_fit_rules (ecommerce));
  g_assert_true (_qualify_model_page_can_apply (f->page));
  assert_preview_matches (f->page, f->store);

  /* edit it, export it: the file is the draft */
  gtk_spin_button_set_value (_qualify_model_page_get_threshold_spin (f->page), 33);
  qt_wait_for (page_settled, f->page, "the what-if of the threshold");
  g_clear_object (&draft);
  draft = _qualify_model_page_dup_draft (f->page);
  g_assert_true (_qualify_model_page_export_file (f->page, exported_file, &error));
  g_assert_no_error (error);
  reread = qualify_model_new_from_file (exported, &error);
  g_assert_no_error (error);
  {
    g_autofree char *a = qualify_model_to_data (draft, FALSE);
    g_autofree char *b = qualify_model_to_data (reread, FALSE);

    g_assert_cmpstr (a, ==, b);
    g_assert_nonnull (strstr (b, "\"mql\":33"));
  }

  /* Discard, then import the exported file: the draft comes back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "model.discard", NULL));
  g_assert_false (_qualify_model_page_can_apply (f->page));
  g_assert_true (_qualify_model_page_import_file (f->page, exported_file, &error));
  g_assert_no_error (error);
  qt_wait_for (page_settled, f->page, "the what-if of the imported model");
  g_assert_cmpfloat (_qualify_model_page_get_result (f->page)->mql_threshold, ==, 33);
  g_assert_true (_qualify_model_page_can_apply (f->page));
  assert_preview_matches (f->page, f->store);

  /* an imported model comes into the editor exactly: list items with commas,
   * items differing only in case, points beyond the spin buttons' usual range */
  {
    g_autofree char *odd = g_build_filename (f->dir, "odd.json", NULL);
    g_autoptr(GFile) odd_file = g_file_new_for_path (odd);
    g_autoptr(QualifyModel) imported = NULL;
    g_autofree char *text = NULL;

    g_assert_true (g_file_set_contents (odd,
                                        "{\"format\":1,\"name\":\"Odd\",\"fit\":[{\"id\":\"ind\",\"field\":\"industry\","
                                        "\"op\":\"in\",\"value\":[\"Banking, Financial Services\",\"ACME\",\"acme\"],"
                                        "\"points\":150}],\"thresholds\":{\"mql\":42.5}}", -1, NULL));
    g_assert_true (_qualify_model_page_import_file (f->page, odd_file, &error));
    g_assert_no_error (error);
    qt_wait_for (page_settled, f->page, "the what-if of the odd model");
    imported = _qualify_model_page_dup_draft (f->page);
    g_assert_nonnull (imported);
    text = qualify_model_to_data (imported, FALSE);
    g_assert_nonnull (strstr (text, "[\"Banking, Financial Services\",\"ACME\",\"acme\"]"));
    g_assert_nonnull (strstr (text, "\"points\":150"));
    g_assert_nonnull (strstr (text, "\"mql\":42.5"));
    assert_preview_matches (f->page, f->store);
  }

  /* a broken model is refused with where and why; the draft stays as it was */
  g_clear_object (&draft);
  draft = _qualify_model_page_dup_draft (f->page);
  before = qualify_model_to_data (draft, FALSE);
  g_assert_true (g_file_set_contents (broken,
                                      "{\"format\":1,\"name\":\"x\",\"fit\":[{\"id\":\"a\",\"field\":\"employees\","
                                      "\"op\":\"between\",\"value\":[1],\"points\":5}]}", -1, NULL));
  g_assert_false (_qualify_model_page_import_file (f->page, broken_file, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "$.fit[0]"));
  g_clear_error (&error);
  {
    g_autoptr(QualifyModel) now = _qualify_model_page_dup_draft (f->page);
    g_autofree char *after = qualify_model_to_data (now, FALSE);

    g_assert_cmpstr (after, ==, before);
  }
  g_assert_true (g_file_set_contents (broken, "{\"format\":1, \"fit\": [", -1, NULL));
  g_assert_false (_qualify_model_page_import_file (f->page, broken_file, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (_qualify_model_page_can_apply (f->page));
}

static void
test_model_page_benchmark (void)
{
  const char *path = g_getenv ("QUALIFY_BENCH_WORKSPACE");
  GtkWidget *window, *page;
  QualifyRuleRow *row;
  guint tick;
  gint64 start;

  if (path == NULL)
    {
      g_test_skip ("QUALIFY_BENCH_WORKSPACE is not set");
      return;
    }
  window = gtk_window_new ();
  page = qualify_model_page_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  tick = g_timeout_add (5, tick_cb, NULL);

  start = g_get_monotonic_time ();
  qualify_model_page_set_workspace (QUALIFY_MODEL_PAGE (page), path);
  qt_wait_for (page_settled, page, "the first what-if");
  g_test_message ("%-28s %7.0f ms", "load + first preview", (g_get_monotonic_time () - start) / 1000.0);

  timed_edit (QUALIFY_MODEL_PAGE (page), "threshold 60 → 45", _qualify_model_page_get_threshold_spin (QUALIFY_MODEL_PAGE (page)), 45, NULL, NULL);
  timed_edit (QUALIFY_MODEL_PAGE (page), "fit points 20 → 30", _qualify_model_page_get_points_spin (QUALIFY_MODEL_PAGE (page), "fit", 0), 30, NULL, NULL);
  timed_edit (QUALIFY_MODEL_PAGE (page), "engagement points 10 → 4", _qualify_model_page_get_points_spin (QUALIFY_MODEL_PAGE (page), "engagement", 0), 4, NULL, NULL);
  row = _qualify_model_page_get_rule_row (QUALIFY_MODEL_PAGE (page), "engagement", 0);
  timed_edit (QUALIFY_MODEL_PAGE (page), "pattern /pricing/enterprise*", NULL, 0, _qualify_rule_row_get_match_entry (row), "/pricing/enterprise*");
  timed_edit (QUALIFY_MODEL_PAGE (page), "half-life 14 → 5", _qualify_rule_row_get_half_life_spin (row), 5, NULL, NULL);
  timed_edit (QUALIFY_MODEL_PAGE (page), "threshold 45 → 50 (cached)", _qualify_model_page_get_threshold_spin (QUALIFY_MODEL_PAGE (page)), 50, NULL, NULL);

  g_source_remove (tick);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  adw_init ();

  g_test_add ("/model-page/whatif", Fixture, NULL, fixture_set_up, test_model_page_whatif, fixture_tear_down);
  g_test_add ("/model-page/rules", Fixture, NULL, fixture_set_up, test_model_page_rules, fixture_tear_down);
  g_test_add ("/model-page/validation", Fixture, NULL, fixture_set_up, test_model_page_validation, fixture_tear_down);
  g_test_add ("/model-page/versions", Fixture, NULL, fixture_set_up, test_model_page_versions, fixture_tear_down);
  g_test_add ("/model-page/files", Fixture, NULL, fixture_set_up, test_model_page_files, fixture_tear_down);
  g_test_add_func ("/model-page/benchmark", test_model_page_benchmark);

  return g_test_run ();
}
