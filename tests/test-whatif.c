/* test-whatif.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The what-if preview of a draft must equal a full core rescore of that draft
 * (qualify_scorer_run on a freshly loaded dataset): every case edits the active
 * model, previews it with ONE long-lived what-if (so rule caches are reused from
 * case to case, as in the editor), then recomputes everything independently.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "qualify-demo.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"
#include "qualify-whatif.h"

#define N_LEADS 1500

static char          *workspace_dir;
static char          *workspace_path;
static QualifyStore  *store;
static QualifyWhatIf *whatif;

typedef void (*Edit) (JsonObject *model);

static JsonObject *
rule (JsonObject *model,
      const char *section,
      const char *id)
{
  JsonArray *rules = json_object_get_array_member (model, section);

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonObject *r = json_array_get_object_element (rules, i);

      if (g_str_equal (json_object_get_string_member (r, "id"), id))
        return r;
    }
  g_assert_not_reached ();
}

static void
remove_rule (JsonObject *model,
             const char *section,
             const char *id)
{
  JsonArray *rules = json_object_get_array_member (model, section);

  for (guint i = 0; i < json_array_get_length (rules); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (rules, i), "id"), id))
      {
        json_array_remove_element (rules, i);
        return;
      }
  g_assert_not_reached ();
}

static void
edit_none (JsonObject *model)
{
}

static void
edit_threshold (JsonObject *model)
{
  JsonObject *t = json_object_get_object_member (model, "thresholds");

  json_object_set_double_member (t, "mql", 45);
  json_object_set_double_member (t, "min_fit", 10);
}

static void
edit_weights (JsonObject *model)
{
  json_object_set_int_member (rule (model, "fit", "industry"), "points", 35);
  json_object_set_int_member (rule (model, "fit", "freemail"), "points", -5);
  json_object_set_int_member (rule (model, "engagement", "pricing"), "points", 25);
  json_object_set_int_member (rule (model, "engagement", "pricing"), "cap", 50);
  json_object_set_int_member (rule (model, "engagement", "email_open"), "points", 3);
}

static void
edit_pattern (JsonObject *model)
{
  json_object_set_string_member (rule (model, "engagement", "blog"), "match", "/*");
  json_object_set_int_member (rule (model, "engagement", "blog"), "points", 3);
  json_object_set_int_member (rule (model, "engagement", "blog"), "cap", 30);
}

static void
edit_half_life (JsonObject *model)
{
  json_object_set_double_member (rule (model, "engagement", "pricing"), "half_life_days", 60);
  json_object_remove_member (rule (model, "engagement", "download"), "half_life_days");
  json_object_set_double_member (rule (model, "engagement", "webinar"), "within_days", 45);
}

static void
edit_new_rules (JsonObject *model)
{
  JsonObject *r = json_object_new ();
  JsonObject *e = json_object_new ();

  json_object_set_string_member (r, "id", "germany");
  json_object_set_string_member (r, "label", "Germany");
  json_object_set_string_member (r, "field", "country");
  json_object_set_string_member (r, "op", "equals");
  json_object_set_string_member (r, "value", "Germany");
  json_object_set_int_member (r, "points", 40);
  json_array_add_object_element (json_object_get_array_member (model, "fit"), r);

  /* a custom field (from an unmapped CSV column) */
  r = json_object_new ();
  json_object_set_string_member (r, "id", "exec_persona");
  json_object_set_string_member (r, "field", "Persona");
  json_object_set_string_member (r, "op", "equals");
  json_object_set_string_member (r, "value", "executive");
  json_object_set_int_member (r, "points", 12);
  json_array_add_object_element (json_object_get_array_member (model, "fit"), r);

  json_object_set_string_member (e, "id", "any_page");
  json_object_set_string_member (e, "event", "page_view");
  json_object_set_int_member (e, "points", 2);
  json_object_set_double_member (e, "half_life_days", 3.5);
  json_object_set_double_member (e, "within_days", 20);
  json_array_add_object_element (json_object_get_array_member (model, "engagement"), e);
}

static void
edit_removed_rules (JsonObject *model)
{
  remove_rule (model, "fit", "authority");
  remove_rule (model, "engagement", "trial");
}

static void
edit_disqualifier (JsonObject *model)
{
  JsonObject *r = json_object_new ();

  json_object_set_string_member (r, "id", "interns");
  json_object_set_string_member (r, "field", "title");
  json_object_set_string_member (r, "op", "contains");
  json_object_set_string_member (r, "value", "intern");
  json_array_add_object_element (json_object_get_array_member (model, "disqualify"), r);
}

static void
edit_sales_ready (JsonObject *model)
{
  JsonArray *types = json_array_new ();

  json_array_add_string_element (types, "contact_sales");
  json_array_add_string_element (types, "Free_Trial");
  json_object_set_array_member (model, "sales_ready", types);
}

static void
edit_grades (JsonObject *model)
{
  JsonObject *grades = json_object_new ();

  json_object_set_int_member (grades, "A", 50);
  json_object_set_int_member (grades, "B", 30);
  json_object_set_int_member (grades, "C", 10);
  json_object_set_object_member (model, "grades", grades);
}

static QualifyModel *
edited_active (Edit edit)
{
  g_autoptr(JsonNode) node = qualify_model_to_node (qualify_whatif_get_active_model (whatif));
  g_autoptr(GError) error = NULL;
  QualifyModel *draft;

  edit (json_node_get_object (node));
  draft = qualify_model_new_from_node (node, &error);
  g_assert_no_error (error);
  return draft;
}

static QualifyLeadScore *
reference_scores (QualifyDataset *dataset,
                  QualifyModel   *model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyScorer) scorer = qualify_scorer_new (model, dataset, &error);
  QualifyLeadScore *scores = g_new0 (QualifyLeadScore, qualify_dataset_get_n_leads (dataset));

  g_assert_no_error (error);
  qualify_scorer_run (scorer, qualify_whatif_get_as_of (whatif), scores);
  return scores;
}

static guint
bin_of (const QualifyWhatIfResult *r,
        double                     score)
{
  double b = floor ((score - r->bin_min) / r->bin_width);

  return (guint) CLAMP (b, 0, QUALIFY_WHATIF_BINS - 1);
}

static guint
band_of (double engagement)
{
  guint band = 0;

  while (band < QUALIFY_WHATIF_BANDS - 1 && engagement >= qualify_whatif_band_edges[band])
    band++;
  return band;
}

static gboolean
qualified (QualifyStatus s)
{
  return s == QUALIFY_STATUS_MQL || s == QUALIFY_STATUS_SQL;
}

/* Per-rule matches, independently: from every lead's explanation. */
typedef struct
{
  guint64 leads;
  guint64 events;
} Matches;

static void
check_rule_stats (QualifyDataset            *dataset,
                  QualifyModel              *draft,
                  const QualifyWhatIfResult *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyScorer) scorer = qualify_scorer_new (draft, dataset, &error);
  g_autoptr(GHashTable) matches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n = qualify_dataset_get_n_leads (dataset);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QualifyExplanation) x = qualify_scorer_explain (scorer, i, qualify_whatif_get_as_of (whatif));

      for (guint k = 0; k < x->contributions->len; k++)
        {
          QualifyContribution *c = g_ptr_array_index (x->contributions, k);
          g_autofree char *key = g_strdup_printf ("%d:%s", c->kind, c->rule_id);
          Matches *m = g_hash_table_lookup (matches, key);

          if (m == NULL)
            {
              m = g_new0 (Matches, 1);
              g_hash_table_insert (matches, g_steal_pointer (&key), m);
            }
          m->leads++;
          m->events += c->n_events;
        }
    }

  g_assert_cmpuint (r->rules->len, >=, qualify_model_get_n_fit_rules (draft) +
                    qualify_model_get_n_engagement_rules (draft) +
                    qualify_model_get_n_disqualify_rules (draft));
  for (guint k = 0; k < r->rules->len; k++)
    {
      const QualifyWhatIfRuleStat *s = &g_array_index (r->rules, QualifyWhatIfRuleStat, k);
      g_autofree char *key = g_strdup_printf ("%d:%s", s->kind, s->id);
      Matches *m = g_hash_table_lookup (matches, key);
      Matches none = { 0, 0 };

      if (m == NULL)
        m = &none;
      g_assert_cmpuint (s->leads, ==, m->leads);
      if (s->kind == QUALIFY_CONTRIBUTION_ENGAGEMENT || s->kind == QUALIFY_CONTRIBUTION_SALES_READY)
        g_assert_cmpuint (s->events, ==, m->events);
      else
        g_assert_cmpuint (s->events, ==, 0);
    }
}

static void
check_edit (gconstpointer data)
{
  Edit edit = (Edit) data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) draft = edited_active (edit);
  g_autoptr(QualifyWhatIfResult) r = NULL;
  g_autoptr(QualifyDataset) dataset = NULL;
  g_autofree QualifyLeadScore *active = NULL;
  g_autofree QualifyLeadScore *scores = NULL;
  guint64 counts[QUALIFY_N_STATUSES] = { 0 };
  guint64 hist_a[QUALIFY_WHATIF_BINS] = { 0 }, hist_d[QUALIFY_WHATIF_BINS] = { 0 };
  guint64 matrix[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS] = { { 0 } };
  guint64 newly = 0, dropped = 0;
  guint n;

  r = qualify_whatif_evaluate (whatif, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_true (qualify_whatif_is_cached (whatif, draft));

  /* the reference: the regular scorer on a dataset read again from the file */
  dataset = qualify_dataset_load (store, NULL, &error);
  g_assert_no_error (error);
  n = qualify_dataset_get_n_leads (dataset);
  g_assert_cmpuint (n, ==, qualify_whatif_get_n_leads (whatif));
  g_assert_cmpuint (r->n_leads, ==, n);
  active = reference_scores (dataset, qualify_whatif_get_active_model (whatif));
  scores = reference_scores (dataset, draft);

  for (guint i = 0; i < n; i++)
    {
      counts[scores[i].status]++;
      hist_a[bin_of (r, active[i].score)]++;
      hist_d[bin_of (r, scores[i].score)]++;
      matrix[MIN (scores[i].grade, r->n_grades - 1)][band_of (scores[i].engagement)]++;
      newly += qualified (scores[i].status) && !qualified (active[i].status);
      dropped += !qualified (scores[i].status) && qualified (active[i].status);
    }

  for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (r->draft[s], ==, counts[s]);
  for (guint b = 0; b < QUALIFY_WHATIF_BINS; b++)
    {
      g_assert_cmpuint (r->histogram_active[b], ==, hist_a[b]);
      g_assert_cmpuint (r->histogram_draft[b], ==, hist_d[b]);
    }
  for (guint g = 0; g < QUALIFY_WHATIF_GRADES; g++)
    for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
      g_assert_cmpuint (r->matrix[g][b], ==, matrix[g][b]);
  g_assert_cmpuint (r->n_newly_qualified, ==, newly);
  g_assert_cmpuint (r->n_dropped, ==, dropped);
  g_assert_cmpstr (r->grades[r->n_grades - 1], ==, "F");
  g_assert_cmpfloat (r->mql_threshold, ==, qualify_model_get_mql_threshold (draft));

  /* listed leads: first 200, best first, scores bit-identical to the scorer's */
  g_assert_cmpuint (r->newly_qualified->len, ==, MIN (newly, QUALIFY_WHATIF_MAX_LISTED));
  g_assert_cmpuint (r->dropped->len, ==, MIN (dropped, QUALIFY_WHATIF_MAX_LISTED));
  g_assert_cmpuint (r->newly_qualified_leads->len, ==, r->newly_qualified->len);
  for (guint k = 0; k < r->newly_qualified_leads->len; k++)
    {
      QualifyWhatIfLead *lead = g_ptr_array_index (r->newly_qualified_leads, k);
      guint i = qualify_dataset_find_lead (dataset, lead->id);

      g_assert_cmpint (lead->id, ==, g_array_index (r->newly_qualified, gint64, k));
      g_assert_cmpuint (i, !=, G_MAXUINT);
      g_assert_cmpfloat (lead->draft_score, ==, scores[i].score);
      g_assert_cmpfloat (lead->active_score, ==, active[i].score);
      g_assert_true (qualified (lead->draft_status) && !qualified (lead->active_status));
      g_assert_nonnull (lead->email);
      g_assert_nonnull (lead->name);
      if (k > 0)
        g_assert_cmpfloat (lead->draft_score, <=,
                           ((QualifyWhatIfLead *) g_ptr_array_index (r->newly_qualified_leads, k - 1))->draft_score);
    }
  for (guint k = 0; k < r->dropped_leads->len; k++)
    {
      QualifyWhatIfLead *lead = g_ptr_array_index (r->dropped_leads, k);
      guint i = qualify_dataset_find_lead (dataset, lead->id);

      g_assert_cmpfloat (lead->draft_score, ==, scores[i].score);
      g_assert_true (!qualified (lead->draft_status) && qualified (lead->active_status));
    }

  check_rule_stats (dataset, draft, r);

  if (edit == edit_none)
    {
      g_assert_cmpuint (newly + dropped, ==, 0);
      for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
        g_assert_cmpuint (r->draft[s], ==, r->active[s]);
      g_assert_cmpuint (r->n_rules_built, ==, 0);  /* the active model's caches exist */
    }
  else
    {
      guint64 unchanged = 0;

      for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
        unchanged += r->draft[s] == r->active[s];

      for (guint b = 0; b < QUALIFY_WHATIF_BINS; b++)
        unchanged += r->histogram_draft[b] == r->histogram_active[b];
      for (guint g = 0; g < QUALIFY_WHATIF_GRADES; g++)
        for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
          unchanged += r->matrix[g][b] == r->matrix_active[g][b];
      /* the edit changed something visible */
      g_assert_cmpuint (unchanged, <, QUALIFY_N_STATUSES + QUALIFY_WHATIF_BINS +
                        QUALIFY_WHATIF_GRADES * QUALIFY_WHATIF_BANDS);
    }
}

/* The active side is what the workspace holds now. */
static void
test_active_matches_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyWhatIfResult) r = qualify_whatif_evaluate (whatif, qualify_whatif_get_active_model (whatif), &error);
  QualifyStoreStats stats;
  guint64 total = 0;

  g_assert_no_error (error);
  g_assert_true (qualify_store_get_stats (store, &stats, &error));
  for (guint s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    {
      g_assert_cmpuint (r->active[s], ==, (guint64) stats.by_status[s]);
      total += r->active[s];
    }
  g_assert_cmpuint (total, ==, N_LEADS);
  g_assert_cmpint (qualify_whatif_get_as_of (whatif), ==, stats.last_as_of);
  g_assert_cmpint (qualify_whatif_get_active_version (whatif), ==, stats.model_version);
}

/* A weights-only draft needs no new cache; a new pattern does. */
static void
test_cache_reuse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) weights = edited_active (edit_weights);
  g_autoptr(QualifyModel) pattern = NULL;
  g_autoptr(QualifyWhatIfResult) r = NULL;
  g_autoptr(JsonNode) node = qualify_model_to_node (qualify_whatif_get_active_model (whatif));

  json_object_set_string_member (rule (json_node_get_object (node), "engagement", "docs"), "match", "/docs/api*");
  pattern = qualify_model_new_from_node (node, &error);
  g_assert_no_error (error);

  g_assert_true (qualify_whatif_is_cached (whatif, weights));
  g_assert_false (qualify_whatif_is_cached (whatif, pattern));
  r = qualify_whatif_evaluate (whatif, pattern, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n_rules_built, ==, 1);
  for (guint k = 0; k < r->rules->len; k++)
    {
      const QualifyWhatIfRuleStat *s = &g_array_index (r->rules, QualifyWhatIfRuleStat, k);

      g_assert_true (s->reused == !(s->kind == QUALIFY_CONTRIBUTION_ENGAGEMENT && g_str_equal (s->id, "docs")));
    }
  g_assert_true (qualify_whatif_is_cached (whatif, pattern));
}

static void
test_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(QualifyWhatIfResult) r = NULL;

  g_cancellable_cancel (cancellable);
  r = qualify_whatif_evaluate_cancellable (whatif, qualify_whatif_get_active_model (whatif), cancellable, &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  guint                 done;
  QualifyWhatIfResult  *results[3];
  GError               *errors[3];
} AsyncState;

typedef struct
{
  AsyncState *state;
  guint       slot;
} AsyncSlot;

static void
evaluated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncSlot *slot = user_data;

  slot->state->results[slot->slot] = qualify_whatif_evaluate_finish (QUALIFY_WHATIF (source), result,
                                                                     &slot->state->errors[slot->slot]);
  slot->state->done++;
}

/* Latest wins: of three drafts sent at once, the last one is always evaluated;
 * the earlier ones either finished before being superseded or were cancelled. */
static void
test_async_latest_wins (void)
{
  g_autoptr(QualifyModel) a = edited_active (edit_pattern);
  g_autoptr(QualifyModel) b = edited_active (edit_half_life);
  g_autoptr(QualifyModel) c = edited_active (edit_threshold);
  AsyncState state = { 0 };
  AsyncSlot slots[3] = { { &state, 0 }, { &state, 1 }, { &state, 2 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyWhatIfResult) sync = NULL;

  qualify_whatif_evaluate_async (whatif, a, NULL, evaluated_cb, &slots[0]);
  qualify_whatif_evaluate_async (whatif, b, NULL, evaluated_cb, &slots[1]);
  qualify_whatif_evaluate_async (whatif, c, NULL, evaluated_cb, &slots[2]);
  while (state.done < 3)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (state.errors[2]);
  g_assert_nonnull (state.results[2]);
  for (guint k = 0; k < 2; k++)
    if (state.results[k] == NULL)
      g_assert_error (state.errors[k], G_IO_ERROR, G_IO_ERROR_CANCELLED);

  sync = qualify_whatif_evaluate (whatif, c, &error);
  g_assert_no_error (error);
  for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (sync->draft[s], ==, state.results[2]->draft[s]);

  for (guint k = 0; k < 3; k++)
    {
      g_clear_pointer (&state.results[k], qualify_whatif_result_free);
      g_clear_error (&state.errors[k]);
    }
}

static void
test_suggestions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autoptr(GPtrArray) some = NULL;
  g_autoptr(GPtrArray) types = NULL;
  g_autoptr(GPtrArray) techs = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_auto(GStrv) fields = NULL;
  guint64 total = 0, events = 0, leads = 0;

  values = qualify_whatif_dup_field_values (whatif, "industry", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, >, 3);
  for (guint i = 0; i < values->len; i++)
    {
      QualifyValueCount *vc = g_ptr_array_index (values, i);

      total += vc->count;
      if (i > 0)
        g_assert_cmpuint (vc->count, <=, ((QualifyValueCount *) g_ptr_array_index (values, i - 1))->count);
    }
  g_assert_cmpuint (total, <=, N_LEADS);
  g_assert_cmpuint (total, >, N_LEADS / 2);

  /* the lead count of a value is exactly what an equals rule on it matches */
  {
    QualifyValueCount *top = g_ptr_array_index (values, 0);
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM leads WHERE lower(trim(industry)) = lower(trim('%s'))",
                                            top->value);
    g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpuint (top->count, ==, (guint64) sqlite3_column_int64 (stmt, 0));
  }

  some = qualify_whatif_dup_field_values (whatif, "industry", "SOFT", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (some->len, >=, 1);
  g_assert_cmpuint (some->len, <=, 2);
  for (guint i = 0; i < some->len; i++)
    g_assert_true (g_ascii_strncasecmp (((QualifyValueCount *) g_ptr_array_index (some, i))->value, "soft", 4) == 0);

  techs = qualify_whatif_dup_field_values (whatif, "technologies", NULL, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (techs->len, ==, 5);
  for (guint i = 0; i < techs->len; i++)
    g_assert_null (strchr (((QualifyValueCount *) g_ptr_array_index (techs, i))->value, ';'));

  domains = qualify_whatif_dup_field_values (whatif, "email", NULL, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 3);
  g_assert_null (strchr (((QualifyValueCount *) g_ptr_array_index (domains, 0))->value, '@'));

  types = qualify_whatif_list_event_types (whatif);
  g_assert_cmpuint (types->len, >, 5);
  total = 0;
  for (guint i = 0; i < types->len; i++)
    total += ((QualifyValueCount *) g_ptr_array_index (types, i))->count;
  g_assert_cmpuint (total, ==, qualify_dataset_get_n_events (qualify_whatif_get_dataset (whatif)));

  /* pattern counts against SQL (GLOB on the lower-cased detail) */
  qualify_whatif_count_pattern (whatif, "page_view", "/PRICING*", &events, &leads);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*), count(DISTINCT e.lead_id) FROM events e"
                                            " JOIN event_types t ON t.id = e.type_id"
                                            " JOIN event_details d ON d.id = e.detail_id"
                                            " WHERE t.name = 'page_view' AND lower(trim(d.value)) GLOB '/pricing*'"
                                            " AND e.occurred_at <= %" G_GINT64_FORMAT,
                                            qualify_whatif_get_as_of (whatif));
    g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpuint (events, >, 0);
    g_assert_cmpuint (events, ==, (guint64) sqlite3_column_int64 (stmt, 0));
    g_assert_cmpuint (leads, ==, (guint64) sqlite3_column_int64 (stmt, 1));
  }
  qualify_whatif_count_pattern (whatif, "no_such_type", NULL, &events, &leads);
  g_assert_cmpuint (events, ==, 0);
  g_assert_cmpuint (leads, ==, 0);

  fields = qualify_whatif_list_fields (whatif);
  g_assert_true (g_strv_contains ((const char * const *) fields, "industry"));
  g_assert_true (g_strv_contains ((const char * const *) fields, "technologies"));
  g_assert_true (g_strv_contains ((const char * const *) fields, "Persona"));   /* custom */
  g_assert_cmpint (qualify_whatif_get_field_kind (whatif, "Persona"), ==, QUALIFY_VALUE_KIND_TEXT);
  g_assert_cmpint (qualify_whatif_get_field_kind (whatif, "employees"), ==, QUALIFY_VALUE_KIND_NUMBER);
  /* the page's quick guess from a sample agrees with the whole column */
  g_assert_cmpint (qualify_field_kind_guess (store, "Persona", 50), ==, QUALIFY_VALUE_KIND_TEXT);
  g_assert_cmpint (qualify_field_kind_guess (store, "Budget", 50), ==, qualify_whatif_get_field_kind (whatif, "Budget"));
  g_assert_cmpint (qualify_field_kind_guess (store, "employees", 50), ==, QUALIFY_VALUE_KIND_NUMBER);
  g_assert_cmpint (qualify_field_kind_guess (store, "No such field", 50), ==, QUALIFY_VALUE_KIND_TEXT);
  {
    g_autoptr(GPtrArray) personas = qualify_whatif_dup_field_values (whatif, "Persona", NULL, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (personas->len, >=, 2);
    g_assert_cmpuint (((QualifyValueCount *) g_ptr_array_index (personas, 0))->count, >, 0);
  }
}

static void
test_kinds (void)
{
  g_assert_cmpint (qualify_field_kind_for ("employees"), ==, QUALIFY_VALUE_KIND_NUMBER);
  g_assert_cmpint (qualify_field_kind_for ("technologies"), ==, QUALIFY_VALUE_KIND_LIST);
  g_assert_cmpint (qualify_field_kind_for ("email"), ==, QUALIFY_VALUE_KIND_EMAIL);
  g_assert_cmpint (qualify_field_kind_for ("industry"), ==, QUALIFY_VALUE_KIND_TEXT);
  g_assert_cmpint (qualify_field_kind_for ("some_custom"), ==, QUALIFY_VALUE_KIND_TEXT);

  g_assert_true (qualify_op_valid_for_kind (QUALIFY_OP_BETWEEN, QUALIFY_VALUE_KIND_NUMBER));
  g_assert_false (qualify_op_valid_for_kind (QUALIFY_OP_BETWEEN, QUALIFY_VALUE_KIND_TEXT));
  g_assert_true (qualify_op_valid_for_kind (QUALIFY_OP_DOMAIN_IN, QUALIFY_VALUE_KIND_EMAIL));
  g_assert_false (qualify_op_valid_for_kind (QUALIFY_OP_DOMAIN_IN, QUALIFY_VALUE_KIND_TEXT));
  g_assert_true (qualify_op_valid_for_kind (QUALIFY_OP_HAS_ANY, QUALIFY_VALUE_KIND_LIST));
  g_assert_false (qualify_op_valid_for_kind (QUALIFY_OP_STARTS_WITH, QUALIFY_VALUE_KIND_NUMBER));
  g_assert_true (qualify_op_valid_for_kind (QUALIFY_OP_IS_EMPTY, QUALIFY_VALUE_KIND_LIST));

  g_assert_cmpint (qualify_op_get_operand (QUALIFY_OP_BETWEEN, QUALIFY_VALUE_KIND_NUMBER), ==, QUALIFY_OPERAND_RANGE);
  g_assert_cmpint (qualify_op_get_operand (QUALIFY_OP_IN, QUALIFY_VALUE_KIND_TEXT), ==, QUALIFY_OPERAND_LIST);
  g_assert_cmpint (qualify_op_get_operand (QUALIFY_OP_EQUALS, QUALIFY_VALUE_KIND_NUMBER), ==, QUALIFY_OPERAND_NUMBER);
  g_assert_cmpint (qualify_op_get_operand (QUALIFY_OP_EQUALS, QUALIFY_VALUE_KIND_TEXT), ==, QUALIFY_OPERAND_TEXT);
  g_assert_cmpint (qualify_op_get_operand (QUALIFY_OP_IS_SET, QUALIFY_VALUE_KIND_TEXT), ==, QUALIFY_OPERAND_NONE);
  g_assert_cmpstr (qualify_whatif_band_label (4), ==, "≥ 50");
}

/* An apply that fails after saving the version (here: writing the status
 * history fails) changes nothing: same active model, same versions, same
 * results. So does a cancelled one. */
static void
test_apply_rollback (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(QualifyModel) draft = edited_active (edit_threshold);
  QualifyStoreStats before, after;
  gint64 n_models = qt_store_query_int (store, "SELECT count(*) FROM models");
  gint64 n_history = qt_store_query_int (store, "SELECT count(*) FROM status_history");
  gint64 n_runs = qt_store_query_int (store, "SELECT count(*) FROM score_runs");
  gint64 version;

  g_assert_true (qualify_store_get_stats (store, &before, &error));
  g_assert_true (_qualify_store_exec (store,
                                      "CREATE TEMP TRIGGER fail_history BEFORE INSERT ON main.status_history"
                                      " BEGIN SELECT RAISE(ABORT, 'test: history is read-only'); END",
                                      &error));
  version = qualify_model_apply (store, draft, "never", qualify_whatif_get_as_of (whatif), NULL, NULL, &error);
  g_assert_cmpint (version, ==, 0);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  g_assert_true (_qualify_store_exec (store, "DROP TRIGGER temp.fail_history", &error));

  g_cancellable_cancel (cancellable);
  version = qualify_model_apply (store, draft, "never", 0, cancellable, NULL, &error);
  g_assert_cmpint (version, ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM score_runs"), ==, n_runs);

  g_assert_true (qualify_store_get_stats (store, &after, &error));
  g_assert_cmpint (after.model_version, ==, before.model_version);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM models"), ==, n_models);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==, n_history);
}

/* Apply through the what-if: the preview was exactly what applying gives. */
static void
test_apply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) draft = edited_active (edit_weights);
  g_autoptr(QualifyWhatIfResult) preview = qualify_whatif_evaluate (whatif, draft, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(QualifyWhatIfResult) after = NULL;
  g_autofree char *sql = NULL;
  QualifyScoreSummary summary;
  QualifyModelVersion *v;
  gint64 version;

  g_assert_no_error (error);
  qualify_whatif_apply_async (whatif, draft, "Heavier industry and pricing", NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  version = qualify_whatif_apply_finish (whatif, result, &summary, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, >, 0);
  g_assert_cmpint (summary.model_version, ==, version);
  g_assert_cmpint (summary.as_of, ==, qualify_whatif_get_as_of (whatif));

  for (guint s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (summary.by_status[s], ==, preview->draft[s]);

  versions = qualify_store_list_models (store, &error);
  g_assert_no_error (error);
  v = g_ptr_array_index (versions, 0);
  g_assert_cmpint (v->version, ==, version);
  g_assert_true (v->active);
  g_assert_cmpstr (v->note, ==, "Heavier industry and pricing");
  g_assert_cmpint (v->mql_count, ==, (gint64) preview->draft[QUALIFY_STATUS_MQL]);

  /* every transition of that run names the version; their number is the preview's */
  sql = g_strdup_printf ("SELECT count(*) FROM status_history WHERE model_version = %" G_GINT64_FORMAT
                         " AND reason LIKE '%%version %" G_GINT64_FORMAT "%%'", version, version);
  g_assert_cmpint (qt_store_query_int (store, sql), ==, (gint64) summary.transitions);
  g_assert_cmpuint (summary.transitions, >=, preview->n_newly_qualified + preview->n_dropped);

  /* the what-if now compares against the applied model */
  g_assert_cmpint (qualify_whatif_get_active_version (whatif), ==, version);
  after = qualify_whatif_evaluate (whatif, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->n_newly_qualified + after->n_dropped, ==, 0);
  for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (after->active[s], ==, preview->draft[s]);
}

static QualifyWhatIf *
new_whatif_async (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  QualifyWhatIf *w;

  qualify_whatif_new_async (workspace_path, 0, NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  w = qualify_whatif_new_finish (result, &error);
  g_assert_no_error (error);
  return w;
}

static gint64
apply_with (QualifyWhatIf       *w,
            QualifyModel        *model,
            QualifyScoreSummary *summary)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;

  qualify_whatif_apply_async (w, model, "async", NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  version = qualify_whatif_apply_finish (w, result, summary, &error);
  g_assert_no_error (error);
  return version;
}

/* A what-if with its own connection applies with the dataset it holds, unless
 * another connection changed the workspace meanwhile: then it reads it again. */
static void
test_apply_reuses_dataset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyWhatIf) w = new_whatif_async ();
  g_autoptr(QualifyModel) draft = NULL;
  g_autoptr(QualifyModel) again = NULL;
  g_autoptr(QualifyWhatIfResult) preview = NULL;
  g_autoptr(JsonNode) node = qualify_model_to_node (qualify_whatif_get_active_model (w));
  g_autofree char *sql = NULL;
  QualifyScoreSummary summary;
  gint64 lead_id;

  json_object_set_double_member (json_object_get_object_member (json_node_get_object (node), "thresholds"), "mql", 52);
  draft = qualify_model_new_from_node (node, &error);
  g_assert_no_error (error);
  preview = qualify_whatif_evaluate (w, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (apply_with (w, draft, &summary), >, 0);
  for (guint s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (summary.by_status[s], ==, preview->draft[s]);

  /* another connection adds a demo request to a plain lead */
  lead_id = qt_store_query_int (store, "SELECT lead_id FROM results WHERE status = 'lead' ORDER BY lead_id LIMIT 1");
  sql = g_strdup_printf ("INSERT INTO events (lead_id, type_id, occurred_at)"
                         " SELECT %" G_GINT64_FORMAT ", id, %" G_GINT64_FORMAT " FROM event_types"
                         " WHERE name = 'demo_request'", lead_id, qualify_whatif_get_as_of (w) - 3600);
  g_assert_true (_qualify_store_exec (store, sql, &error));
  g_assert_no_error (error);

  json_object_set_double_member (json_object_get_object_member (json_node_get_object (node), "thresholds"), "mql", 53);
  again = qualify_model_new_from_node (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (apply_with (w, again, &summary), >, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT status = 'sql' FROM results WHERE lead_id = %" G_GINT64_FORMAT, lead_id);
  g_assert_cmpint (qt_store_query_int (store, sql), ==, 1);
}

static void
test_new_async (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyWhatIf) other = NULL;
  g_autofree char *bogus = NULL;

  qualify_whatif_new_async (workspace_path, 0, NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  other = qualify_whatif_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qualify_whatif_get_n_leads (other), ==, N_LEADS);

  /* not a workspace: a located error, no what-if */
  g_clear_object (&result);
  g_clear_object (&other);
  bogus = g_build_filename (workspace_dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (bogus, "not a database, just some text\n", -1, &error));
  qualify_whatif_new_async (bogus, 0, NULL, qt_async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  other = qualify_whatif_new_finish (result, &error);
  g_assert_null (other);
  g_assert_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_A_WORKSPACE);
  g_unlink (bogus);
}

/* Above 20000 leads everything runs split over the cores: same numbers. */
static void
test_threaded (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  QualifyDemoOptions options = { 30011, 150000, 5, 1793491200 };
  QualifyStore *saved_store = store;
  QualifyWhatIf *saved_whatif = whatif;
  const Edit edits[] = { edit_none, edit_weights, edit_pattern, edit_new_rules, edit_sales_ready, edit_disqualifier };

  if (g_get_num_processors () < 2)
    g_test_message ("one core: the split is not exercised here");

  store = qt_temp_workspace ("qualify-whatif-big-XXXXXX", &options, &dir, NULL);
  whatif = qualify_whatif_new (store, 0, NULL, &error);
  g_assert_no_error (error);

  for (guint k = 0; k < G_N_ELEMENTS (edits); k++)
    check_edit (edits[k]);

  g_clear_object (&whatif);
  g_clear_object (&store);
  whatif = saved_whatif;
  store = saved_store;
  qt_remove_tree (dir);
}

/* A new, empty workspace: no model saved (the default is used), no leads. */
static void
test_empty_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (workspace_dir, "empty.qualify", NULL);
  g_autoptr(QualifyStore) empty = qualify_store_open (path, &error);
  g_autoptr(QualifyWhatIf) w = NULL;
  g_autoptr(QualifyWhatIfResult) r = NULL;
  g_autoptr(GPtrArray) values = NULL;
  guint64 events = 1, leads = 1;

  g_assert_no_error (error);
  w = qualify_whatif_new (empty, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qualify_whatif_get_active_version (w), ==, 0);
  g_assert_cmpuint (qualify_whatif_get_n_leads (w), ==, 0);
  r = qualify_whatif_evaluate (w, qualify_whatif_get_active_model (w), &error);
  g_assert_no_error (error);
  for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
    g_assert_cmpuint (r->draft[s] + r->active[s], ==, 0);
  g_assert_cmpuint (r->n_newly_qualified + r->n_dropped, ==, 0);
  g_assert_cmpfloat (r->bin_width, >, 0);
  values = qualify_whatif_dup_field_values (w, "industry", NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 0);
  qualify_whatif_count_pattern (w, NULL, NULL, &events, &leads);
  g_assert_cmpuint (events + leads, ==, 0);

  g_clear_object (&w);
  g_clear_object (&empty);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  QualifyDemoOptions options = { N_LEADS, 15000, 11, 1793491200 };
  int ret;

  g_test_init (&argc, &argv, NULL);

  store = qt_temp_workspace ("qualify-whatif-XXXXXX", &options, &workspace_dir, &workspace_path);
  whatif = qualify_whatif_new (store, 0, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/whatif/active-matches-store", test_active_matches_store);
  g_test_add_data_func ("/whatif/unchanged", edit_none, check_edit);
  g_test_add_data_func ("/whatif/threshold", edit_threshold, check_edit);
  g_test_add_data_func ("/whatif/weights", edit_weights, check_edit);
  g_test_add_data_func ("/whatif/pattern", edit_pattern, check_edit);
  g_test_add_data_func ("/whatif/half-life-and-window", edit_half_life, check_edit);
  g_test_add_data_func ("/whatif/new-rules", edit_new_rules, check_edit);
  g_test_add_data_func ("/whatif/removed-rules", edit_removed_rules, check_edit);
  g_test_add_data_func ("/whatif/disqualifier", edit_disqualifier, check_edit);
  g_test_add_data_func ("/whatif/sales-ready", edit_sales_ready, check_edit);
  g_test_add_data_func ("/whatif/grades", edit_grades, check_edit);
  g_test_add_func ("/whatif/cache-reuse", test_cache_reuse);
  g_test_add_func ("/whatif/threaded", test_threaded);
  g_test_add_func ("/whatif/cancelled", test_cancelled);
  g_test_add_func ("/whatif/async-latest-wins", test_async_latest_wins);
  g_test_add_func ("/whatif/suggestions", test_suggestions);
  g_test_add_func ("/whatif/kinds", test_kinds);
  g_test_add_func ("/whatif/apply-rollback", test_apply_rollback);
  g_test_add_func ("/whatif/apply", test_apply);
  g_test_add_func ("/whatif/new-async", test_new_async);
  g_test_add_func ("/whatif/apply-reuses-dataset", test_apply_reuses_dataset);
  g_test_add_func ("/whatif/empty-workspace", test_empty_workspace);

  ret = g_test_run ();

  g_clear_object (&whatif);
  g_clear_object (&store);
  qt_remove_tree (workspace_dir);
  g_free (workspace_path);
  g_free (workspace_dir);
  return ret;
}
