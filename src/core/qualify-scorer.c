/* qualify-scorer.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-scorer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "qualify-dataset-private.h"
#include "qualify-parse.h"
#include "qualify-scorer.h"
#include "qualify-scorer-private.h"
#include "qualify-results-private.h"
#include "qualify-outbox.h"
#include "qualify-store-private.h"

#define SECONDS_PER_DAY 86400.0

/* A field rule compiled against one dataset column: match[value id]. */
typedef struct
{
  const QualifyFieldRule *rule;
  const QualifyColumn    *column;
  guint8                 *match;
} CompiledFieldRule;

struct _QualifyScorer
{
  GObject            parent_instance;

  QualifyModel      *model;
  QualifyDataset    *dataset;

  guint              n_fit;
  CompiledFieldRule *fit;
  guint              n_disqualify;
  CompiledFieldRule *disqualify;

  /* Engagement: event matches rule r when (type_mask[type] & detail_mask[detail]) has bit r. */
  guint              n_engagement;
  guint64           *type_mask;
  guint64           *detail_mask;
  guint8            *sales_ready;   /* per type id */
  double            *points;
  double            *inv_half_life; /* 0 = no decay */
  double            *cap;           /* 0 = no cap */
  double            *within;        /* days, 0 = unlimited */

  double             mql;
  double             min_fit;
  double             min_engagement;
  guint              n_grades;
};

G_DEFINE_FINAL_TYPE (QualifyScorer, qualify_scorer, G_TYPE_OBJECT)

static void
qualify_scorer_finalize (GObject *object)
{
  QualifyScorer *self = (QualifyScorer *)object;

  for (guint i = 0; i < self->n_fit; i++)
    g_free (self->fit[i].match);
  for (guint i = 0; i < self->n_disqualify; i++)
    g_free (self->disqualify[i].match);
  g_free (self->fit);
  g_free (self->disqualify);
  g_free (self->type_mask);
  g_free (self->detail_mask);
  g_free (self->sales_ready);
  g_free (self->points);
  g_free (self->inv_half_life);
  g_free (self->cap);
  g_free (self->within);
  g_clear_object (&self->model);
  g_clear_object (&self->dataset);

  G_OBJECT_CLASS (qualify_scorer_parent_class)->finalize (object);
}

static void
qualify_scorer_class_init (QualifyScorerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qualify_scorer_finalize;
}

static void
qualify_scorer_init (QualifyScorer *self)
{
}

static gboolean
domain_matches (const char *domain,
                const char *wanted)
{
  gsize dl = strlen (domain);
  gsize wl = strlen (wanted);

  if (dl == wl)
    return strcmp (domain, wanted) == 0;

  /* subdomains count: mail.rival.example is in rival.example */
  return dl > wl && domain[dl - wl - 1] == '.' && strcmp (domain + dl - wl, wanted) == 0;
}

static gboolean
any_value (const QualifyFieldRule *rule,
           const char             *value,
           gboolean              (*test) (const char *, const char *))
{
  for (guint i = 0; rule->values != NULL && rule->values[i] != NULL; i++)
    if (test (value, rule->values[i]))
      return TRUE;
  return FALSE;
}

static gboolean
test_equal (const char *a, const char *b) { return strcmp (a, b) == 0; }
static gboolean
test_contains (const char *a, const char *b) { return strstr (a, b) != NULL; }
static gboolean
test_prefix (const char *a, const char *b) { return g_str_has_prefix (a, b); }
static gboolean
test_suffix (const char *a, const char *b) { return g_str_has_suffix (a, b); }

static gboolean
list_has_any (const QualifyFieldRule *rule,
              const char             *value)
{
  g_auto(GStrv) items = g_strsplit_set (value, ";,|", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_strstrip (items[i]);
      if (items[i][0] != '\0' && any_value (rule, items[i], test_equal))
        return TRUE;
    }

  return FALSE;
}

static gboolean
value_equals (const QualifyFieldRule *rule,
              const char             *value)
{
  double number;

  if (rule->has_number && qualify_parse_number (value, &number))
    return number == rule->lo;

  return rule->values != NULL && rule->values[0] != NULL && strcmp (value, rule->values[0]) == 0;
}

/* Does a non-empty, normalized value match? */
static gboolean
value_matches (const QualifyFieldRule *rule,
               const char             *value)
{
  double number;

  switch (rule->op)
    {
    case QUALIFY_OP_EQUALS:
      return value_equals (rule, value);
    case QUALIFY_OP_NOT_EQUALS:
      return !value_equals (rule, value);
    case QUALIFY_OP_IN:
      return any_value (rule, value, test_equal);
    case QUALIFY_OP_NOT_IN:
      return !any_value (rule, value, test_equal);
    case QUALIFY_OP_CONTAINS:
      return any_value (rule, value, test_contains);
    case QUALIFY_OP_NOT_CONTAINS:
      return !any_value (rule, value, test_contains);
    case QUALIFY_OP_STARTS_WITH:
      return any_value (rule, value, test_prefix);
    case QUALIFY_OP_ENDS_WITH:
      return any_value (rule, value, test_suffix);
    case QUALIFY_OP_GTE:
      return qualify_parse_number (value, &number) && number >= rule->lo;
    case QUALIFY_OP_LTE:
      return qualify_parse_number (value, &number) && number <= rule->lo;
    case QUALIFY_OP_BETWEEN:
      return qualify_parse_number (value, &number) && number >= rule->lo && number <= rule->hi;
    case QUALIFY_OP_IS_SET:
      return TRUE;
    case QUALIFY_OP_IS_EMPTY:
      return FALSE;
    case QUALIFY_OP_DOMAIN_IN:
      {
        g_autoptr(GString) domain = g_string_new (NULL);

        qualify_normalize_domain (domain, value, strlen (value));
        for (guint i = 0; domain->len > 0 && rule->values && rule->values[i]; i++)
          if (domain_matches (domain->str, rule->values[i]))
            return TRUE;
        return FALSE;
      }
    case QUALIFY_OP_HAS_ANY:
      return list_has_any (rule, value);
    case QUALIFY_N_OPS:
    default:
      return FALSE;
    }
}

/* domain_in looks only at the domain; so does ends_with a value without '@'
 * ("x.edu" ends the email exactly when it ends its domain). */
static gboolean
uses_only_domain (const QualifyFieldRule *rule)
{
  if (rule->op == QUALIFY_OP_DOMAIN_IN)
    return TRUE;
  if (rule->op != QUALIFY_OP_ENDS_WITH || rule->values == NULL)
    return FALSE;
  for (guint i = 0; rule->values[i] != NULL; i++)
    if (strchr (rule->values[i], '@') != NULL)
      return FALSE;
  return TRUE;
}

/* The dataset column a rule reads. */
static const char *
rule_field (const QualifyFieldRule *rule)
{
  if (g_str_equal (rule->field, "email") && uses_only_domain (rule))
    return QUALIFY_DATASET_EMAIL_DOMAIN;
  return rule->field;
}

const char *
_qualify_field_rule_get_column (const QualifyFieldRule *rule)
{
  return rule_field (rule);
}

guint8 *
_qualify_field_rule_compile (const QualifyFieldRule *rule,
                             const QualifyColumn    *column)
{
  guint8 *match = g_new0 (guint8, MAX (column->normal->len, 1));

  /* id 0 is the empty value: only is_empty matches it */
  match[0] = rule->op == QUALIFY_OP_IS_EMPTY;
  for (guint id = 1; id < column->normal->len; id++)
    match[id] = value_matches (rule, g_ptr_array_index (column->normal, id));

  return match;
}

static gboolean
compile_field_rule (QualifyScorer          *self,
                    const QualifyFieldRule *rule,
                    CompiledFieldRule      *out,
                    GError                **error)
{
  const QualifyColumn *column = _qualify_dataset_get_column (self->dataset, rule_field (rule), error);

  if (column == NULL)
    return FALSE;

  out->rule = rule;
  out->column = column;
  out->match = _qualify_field_rule_compile (rule, column);

  return TRUE;
}

/**
 * qualify_scorer_new:
 *
 * Compiles @model against @dataset: every field rule becomes a lookup table
 * over the distinct values of its column, every engagement rule a bit in
 * per-type and per-detail masks. Scoring is then table lookups only.
 */
QualifyScorer *
qualify_scorer_new (QualifyModel    *model,
                    QualifyDataset  *dataset,
                    GError         **error)
{
  g_autoptr(QualifyScorer) self = NULL;
  const QualifyEventIndex *ev;
  const char * const *sales_ready;

  g_return_val_if_fail (QUALIFY_IS_MODEL (model), NULL);
  g_return_val_if_fail (QUALIFY_IS_DATASET (dataset), NULL);

  self = g_object_new (QUALIFY_TYPE_SCORER, NULL);
  self->model = g_object_ref (model);
  self->dataset = g_object_ref (dataset);
  ev = _qualify_dataset_get_events (dataset);

  {
    g_autoptr(GPtrArray) fields = g_ptr_array_new ();

    for (guint i = 0; i < qualify_model_get_n_fit_rules (model); i++)
      g_ptr_array_add (fields, (gpointer) rule_field (qualify_model_get_fit_rule (model, i)));
    for (guint i = 0; i < qualify_model_get_n_disqualify_rules (model); i++)
      g_ptr_array_add (fields, (gpointer) rule_field (qualify_model_get_disqualify_rule (model, i)));
    if (!_qualify_dataset_load_columns (dataset, (const char * const *) fields->pdata, fields->len, error))
      return NULL;
  }

  self->n_fit = qualify_model_get_n_fit_rules (model);
  self->fit = g_new0 (CompiledFieldRule, MAX (self->n_fit, 1));
  for (guint i = 0; i < self->n_fit; i++)
    if (!compile_field_rule (self, qualify_model_get_fit_rule (model, i), &self->fit[i], error))
      return NULL;

  self->n_disqualify = qualify_model_get_n_disqualify_rules (model);
  self->disqualify = g_new0 (CompiledFieldRule, MAX (self->n_disqualify, 1));
  for (guint i = 0; i < self->n_disqualify; i++)
    if (!compile_field_rule (self, qualify_model_get_disqualify_rule (model, i), &self->disqualify[i], error))
      return NULL;

  self->n_engagement = qualify_model_get_n_engagement_rules (model);
  g_return_val_if_fail (self->n_engagement <= 64, NULL);
  self->type_mask = g_new0 (guint64, MAX (ev->types->len, 1));
  self->detail_mask = g_new0 (guint64, MAX (ev->details->len, 1));
  self->sales_ready = g_new0 (guint8, MAX (ev->types->len, 1));
  self->points = g_new0 (double, MAX (self->n_engagement, 1));
  self->inv_half_life = g_new0 (double, MAX (self->n_engagement, 1));
  self->cap = g_new0 (double, MAX (self->n_engagement, 1));
  self->within = g_new0 (double, MAX (self->n_engagement, 1));

  for (guint r = 0; r < self->n_engagement; r++)
    {
      const QualifyEngagementRule *rule = qualify_model_get_engagement_rule (model, r);
      guint64 bit = G_GUINT64_CONSTANT (1) << r;

      self->points[r] = rule->points;
      self->inv_half_life[r] = rule->half_life_days > 0 ? 1.0 / rule->half_life_days : 0;
      self->cap[r] = rule->cap;
      self->within[r] = rule->within_days;

      for (guint t = 1; t < ev->types->len; t++)
        {
          const char *name = g_ptr_array_index (ev->types, t);
          if (name != NULL && g_strcmp0 (name, rule->event) == 0)
            self->type_mask[t] |= bit;
        }

      for (guint d = 0; d < ev->details_normal->len; d++)
        {
          const char *detail = g_ptr_array_index (ev->details_normal, d);

          if (rule->match == NULL || qualify_glob_match (rule->match, detail ? detail : ""))
            self->detail_mask[d] |= bit;
        }
    }

  sales_ready = qualify_model_get_sales_ready (model);
  for (guint i = 0; sales_ready != NULL && sales_ready[i] != NULL; i++)
    for (guint t = 1; t < ev->types->len; t++)
      if (g_strcmp0 (g_ptr_array_index (ev->types, t), sales_ready[i]) == 0)
        self->sales_ready[t] = TRUE;

  self->mql = qualify_model_get_mql_threshold (model);
  self->min_fit = qualify_model_get_min_fit (model);
  self->min_engagement = qualify_model_get_min_engagement (model);
  self->n_grades = qualify_model_get_n_grades (model);

  return g_steal_pointer (&self);
}

QualifyModel *
qualify_scorer_get_model (QualifyScorer *self)
{
  g_return_val_if_fail (QUALIFY_IS_SCORER (self), NULL);
  return self->model;
}

/* Per-rule engagement of one lead, shared by run and explain so both give the
 * very same numbers. */
typedef struct
{
  double   decayed[64];
  guint    count[64];
  gint64   last[64];
  gboolean sales_ready;
} EngagementAcc;

static inline void
accumulate_events (QualifyScorer *self,
                   guint          lead,
                   gint64         as_of,
                   EngagementAcc *acc,
                   gboolean       detailed)
{
  const QualifyEventIndex *ev = _qualify_dataset_get_events (self->dataset);
  guint64 end = ev->offsets[lead + 1];

  for (guint64 e = ev->offsets[lead]; e < end; e++)
    {
      gint64 t = ev->times[e];
      guint64 mask;
      double age;

      if (t > as_of)
        continue;

      acc->sales_ready |= self->sales_ready[ev->type_ids[e]];
      mask = self->type_mask[ev->type_ids[e]] & self->detail_mask[ev->detail_ids[e]];
      if (mask == 0)
        continue;

      age = (double) (as_of - t) / SECONDS_PER_DAY;
      while (mask != 0)
        {
          guint r = __builtin_ctzll (mask);

          mask &= mask - 1;
          if (self->within[r] > 0 && age > self->within[r])
            continue;
          acc->decayed[r] += self->inv_half_life[r] > 0 ? exp2 (-age * self->inv_half_life[r]) : 1.0;
          if (detailed)
            {
              acc->count[r]++;
              acc->last[r] = MAX (acc->last[r], t);
            }
        }
    }
}

static inline double
rule_engagement (QualifyScorer *self,
                 guint          r,
                 double         decayed)
{
  double sum = self->points[r] * decayed;

  if (self->cap[r] > 0)
    sum = CLAMP (sum, -self->cap[r], self->cap[r]);

  return sum;
}

static inline guint8
grade_index (QualifyScorer *self,
             double         fit)
{
  for (guint g = 0; g < self->n_grades; g++)
    if (qualify_model_get_grade (self->model, g)->bound <= fit)
      return g;
  return self->n_grades;
}

static void
score_one (QualifyScorer    *self,
           guint             lead,
           gint64            as_of,
           QualifyLeadScore *out)
{
  EngagementAcc acc;
  gboolean disqualified = FALSE;
  double fit = 0, engagement = 0;

  for (guint i = 0; i < self->n_fit; i++)
    if (self->fit[i].match[self->fit[i].column->ids[lead]])
      fit += self->fit[i].rule->points;

  for (guint i = 0; i < self->n_disqualify && !disqualified; i++)
    disqualified = self->disqualify[i].match[self->disqualify[i].column->ids[lead]];

  memset (acc.decayed, 0, sizeof (double) * self->n_engagement);
  acc.sales_ready = FALSE;
  accumulate_events (self, lead, as_of, &acc, FALSE);
  for (guint r = 0; r < self->n_engagement; r++)
    engagement += rule_engagement (self, r, acc.decayed[r]);

  out->fit = fit;
  out->engagement = engagement;
  out->score = fit + engagement;
  out->grade = grade_index (self, fit);

  if (disqualified)
    out->status = QUALIFY_STATUS_DISQUALIFIED;
  else if (acc.sales_ready)
    out->status = QUALIFY_STATUS_SQL;
  else if (out->score >= self->mql && fit >= self->min_fit && engagement >= self->min_engagement)
    out->status = QUALIFY_STATUS_MQL;
  else
    out->status = QUALIFY_STATUS_LEAD;
}

typedef struct
{
  QualifyScorer    *self;
  gint64            as_of;
  QualifyLeadScore *scores;
  guint             begin;
  guint             end;
} Chunk;

static gpointer
score_chunk (gpointer data)
{
  Chunk *chunk = data;

  for (guint i = chunk->begin; i < chunk->end; i++)
    score_one (chunk->self, i, chunk->as_of, &chunk->scores[i]);

  return NULL;
}

void
qualify_scorer_run (QualifyScorer    *self,
                    gint64            as_of,
                    QualifyLeadScore *scores)
{
  guint n_leads;
  guint n_threads;
  g_autofree Chunk *chunks = NULL;
  g_autofree GThread **threads = NULL;

  g_return_if_fail (QUALIFY_IS_SCORER (self));
  g_return_if_fail (scores != NULL || qualify_dataset_get_n_leads (self->dataset) == 0);

  n_leads = qualify_dataset_get_n_leads (self->dataset);
  n_threads = n_leads < 20000 ? 1 : CLAMP (g_get_num_processors (), 1, 16);
  chunks = g_new0 (Chunk, n_threads);
  threads = g_new0 (GThread *, n_threads);

  for (guint t = 0; t < n_threads; t++)
    {
      chunks[t].self = self;
      chunks[t].as_of = as_of;
      chunks[t].scores = scores;
      chunks[t].begin = (guint) ((guint64) n_leads * t / n_threads);
      chunks[t].end = (guint) ((guint64) n_leads * (t + 1) / n_threads);
    }

  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_new ("qualify-scorer", score_chunk, &chunks[t]);
  score_chunk (&chunks[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}

static void
contribution_free (QualifyContribution *c)
{
  g_free (c->rule_id);
  g_free (c->label);
  g_free (c->value);
  g_free (c);
}

static QualifyContribution *
contribution_new (QualifyContributionKind  kind,
                  const char              *id,
                  const char              *label)
{
  QualifyContribution *c = g_new0 (QualifyContribution, 1);

  c->kind = kind;
  c->rule_id = g_strdup (id);
  c->label = g_strdup (label ? label : id);
  return c;
}

static int
compare_contributions (gconstpointer a,
                       gconstpointer b)
{
  const QualifyContribution *ca = *(QualifyContribution **) a;
  const QualifyContribution *cb = *(QualifyContribution **) b;
  int ka = ca->kind <= QUALIFY_CONTRIBUTION_ENGAGEMENT ? 0 : ca->kind;
  int kb = cb->kind <= QUALIFY_CONTRIBUTION_ENGAGEMENT ? 0 : cb->kind;

  if (ka != kb)
    return ka - kb;
  if (ca->points != cb->points)
    return ca->points > cb->points ? -1 : 1;
  return g_strcmp0 (ca->rule_id, cb->rule_id);
}

static char *
humanize_type (const char *type)
{
  char *label = g_strdup (type);

  g_strdelimit (label, "_-", ' ');
  if (label[0] != '\0')
    label[0] = g_ascii_toupper (label[0]);
  return label;
}

QualifyExplanation *
qualify_scorer_explain (QualifyScorer *self,
                        guint          lead_index,
                        gint64         as_of)
{
  const QualifyEventIndex *ev;
  QualifyExplanation *ex;
  QualifyLeadScore score;
  EngagementAcc acc;

  g_return_val_if_fail (QUALIFY_IS_SCORER (self), NULL);
  g_return_val_if_fail (lead_index < qualify_dataset_get_n_leads (self->dataset), NULL);

  ev = _qualify_dataset_get_events (self->dataset);
  score_one (self, lead_index, as_of, &score);

  ex = g_new0 (QualifyExplanation, 1);
  ex->lead_id = qualify_dataset_get_lead_id (self->dataset, lead_index);
  ex->as_of = as_of;
  ex->fit = score.fit;
  ex->engagement = score.engagement;
  ex->score = score.score;
  g_strlcpy (ex->grade, qualify_model_grade_for_fit (self->model, score.fit), sizeof ex->grade);
  ex->status = score.status;
  ex->mql_threshold = self->mql;
  ex->min_fit = self->min_fit;
  ex->min_engagement = self->min_engagement;
  ex->contributions = g_ptr_array_new_with_free_func ((GDestroyNotify) contribution_free);

  for (guint i = 0; i < self->n_fit; i++)
    {
      const CompiledFieldRule *c = &self->fit[i];
      guint32 id = c->column->ids[lead_index];

      if (c->match[id])
        {
          QualifyContribution *con = contribution_new (QUALIFY_CONTRIBUTION_FIT, c->rule->id, c->rule->label);

          con->points = c->rule->points;
          con->value = g_strdup (g_ptr_array_index (c->column->raw, id));
          g_ptr_array_add (ex->contributions, con);
        }
    }

  memset (&acc, 0, sizeof acc);
  accumulate_events (self, lead_index, as_of, &acc, TRUE);
  for (guint r = 0; r < self->n_engagement; r++)
    {
      const QualifyEngagementRule *rule = qualify_model_get_engagement_rule (self->model, r);
      QualifyContribution *con;

      if (acc.count[r] == 0)
        continue;

      con = contribution_new (QUALIFY_CONTRIBUTION_ENGAGEMENT, rule->id, rule->label);
      con->n_events = acc.count[r];
      con->raw_points = rule->points * acc.count[r];
      con->decayed_points = rule->points * acc.decayed[r];
      con->points = rule_engagement (self, r, acc.decayed[r]);
      con->capped = con->points != con->decayed_points;
      con->last_event = acc.last[r];
      g_ptr_array_add (ex->contributions, con);
    }

  for (guint i = 0; i < self->n_disqualify; i++)
    {
      const CompiledFieldRule *c = &self->disqualify[i];
      guint32 id = c->column->ids[lead_index];

      if (c->match[id])
        {
          QualifyContribution *con = contribution_new (QUALIFY_CONTRIBUTION_DISQUALIFY, c->rule->id, c->rule->label);

          con->value = g_strdup (g_ptr_array_index (c->column->raw, id));
          g_ptr_array_add (ex->contributions, con);
        }
    }

  /* Sales-ready events, one contribution per type. */
  for (guint t = 1; t < ev->types->len; t++)
    {
      QualifyContribution *con = NULL;

      if (!self->sales_ready[t])
        continue;

      for (guint64 e = ev->offsets[lead_index]; e < ev->offsets[lead_index + 1]; e++)
        {
          if (ev->type_ids[e] != t || ev->times[e] > as_of)
            continue;
          if (con == NULL)
            {
              g_autofree char *label = humanize_type (g_ptr_array_index (ev->types, t));
              con = contribution_new (QUALIFY_CONTRIBUTION_SALES_READY, g_ptr_array_index (ev->types, t), label);
              con->value = g_strdup (g_ptr_array_index (ev->types, t));
            }
          con->n_events++;
          con->last_event = MAX (con->last_event, ev->times[e]);
        }

      if (con != NULL)
        g_ptr_array_add (ex->contributions, con);
    }

  g_ptr_array_sort (ex->contributions, compare_contributions);

  return ex;
}

const char *
qualify_contribution_kind_to_string (QualifyContributionKind kind)
{
  switch (kind)
    {
    case QUALIFY_CONTRIBUTION_FIT:
      return "fit";
    case QUALIFY_CONTRIBUTION_ENGAGEMENT:
      return "engagement";
    case QUALIFY_CONTRIBUTION_DISQUALIFY:
      return "disqualify";
    case QUALIFY_CONTRIBUTION_SALES_READY:
      return "sales_ready";
    default:
      return "";
    }
}

void
qualify_explanation_free (QualifyExplanation *explanation)
{
  if (explanation == NULL)
    return;
  g_clear_pointer (&explanation->contributions, g_ptr_array_unref);
  g_free (explanation);
}

static void
append_points (GString *s,
               double   points)
{
  g_string_append_printf (s, "%+8.2f", points);
}

char *
qualify_explanation_to_text (QualifyExplanation *ex,
                             QualifyLeadRecord  *lead)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *as_of = qualify_format_timestamp (ex->as_of);
  static const QualifyContributionKind kinds[] = {
    QUALIFY_CONTRIBUTION_FIT, QUALIFY_CONTRIBUTION_ENGAGEMENT,
    QUALIFY_CONTRIBUTION_DISQUALIFY, QUALIFY_CONTRIBUTION_SALES_READY,
  };
  const char *headings[] = {
    _("Fit"), _("Engagement"), _("Disqualified by"), _("Hand-raised (sales-ready)"),
  };

  g_return_val_if_fail (ex != NULL, NULL);

  if (lead != NULL)
    {
      g_autofree char *name = qualify_lead_record_dup_display_name (lead);
      const char *email = lead->values[QUALIFY_FIELD_EMAIL];
      const char *company = lead->values[QUALIFY_FIELD_COMPANY];

      g_string_append (s, name);
      if (email != NULL && g_strcmp0 (name, email) != 0)
        g_string_append_printf (s, " <%s>", email);
      if (company != NULL)
        g_string_append_printf (s, " — %s", company);
      g_string_append_c (s, '\n');
    }

  g_string_append_printf (s, _("%s · score %.2f (fit %.2f, engagement %.2f) · grade %s · as of %s\n"),
                          qualify_status_get_label (ex->status), ex->score, ex->fit, ex->engagement,
                          ex->grade, as_of);
  g_string_append_printf (s, _("An MQL needs score ≥ %.2f, fit ≥ %.2f and engagement ≥ %.2f.\n"),
                          ex->mql_threshold, ex->min_fit, ex->min_engagement);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      gboolean heading = FALSE;

      for (guint i = 0; i < ex->contributions->len; i++)
        {
          QualifyContribution *c = g_ptr_array_index (ex->contributions, i);

          if (c->kind != kinds[k])
            continue;
          if (!heading)
            {
              g_string_append_printf (s, "\n%s\n", headings[k]);
              heading = TRUE;
            }

          g_string_append (s, "  ");
          if (c->kind <= QUALIFY_CONTRIBUTION_ENGAGEMENT)
            append_points (s, c->points);
          else
            g_string_append (s, "        ");
          g_string_append_printf (s, "  %s", c->label);

          switch (c->kind)
            {
            case QUALIFY_CONTRIBUTION_FIT:
            case QUALIFY_CONTRIBUTION_DISQUALIFY:
              g_string_append_printf (s, _(" — %s is “%s”"), c->rule_id, c->value ? c->value : "");
              break;
            case QUALIFY_CONTRIBUTION_ENGAGEMENT:
              g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " — %u event, %.2f points before decay, %.2f after",
                                                      " — %u events, %.2f points before decay, %.2f after",
                                                      c->n_events),
                                      c->n_events, c->raw_points, c->decayed_points);
              if (c->capped)
                g_string_append_printf (s, _(", capped at %.2f"), c->points);
              break;
            case QUALIFY_CONTRIBUTION_SALES_READY:
              g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " — %u event", " — %u events", c->n_events),
                                      c->n_events);
              break;
            default:
              break;
            }
          g_string_append_c (s, '\n');
        }
    }

  g_string_append_printf (s, "\n  ");
  append_points (s, ex->score);
  g_string_append_printf (s, "  %s\n", _("Total"));

  return g_string_free (g_steal_pointer (&s), FALSE);
}

JsonNode *
qualify_explanation_to_json (QualifyExplanation *ex,
                             QualifyLeadRecord  *lead)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *as_of = qualify_format_timestamp (ex->as_of);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "email");
  if (lead != NULL && lead->values[QUALIFY_FIELD_EMAIL] != NULL)
    json_builder_add_string_value (b, lead->values[QUALIFY_FIELD_EMAIL]);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "fit");
  json_builder_add_double_value (b, ex->fit);
  json_builder_set_member_name (b, "engagement");
  json_builder_add_double_value (b, ex->engagement);
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, ex->score);
  json_builder_set_member_name (b, "grade");
  json_builder_add_string_value (b, ex->grade);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, qualify_status_to_string (ex->status));
  json_builder_set_member_name (b, "as_of");
  json_builder_add_string_value (b, as_of);
  json_builder_set_member_name (b, "thresholds");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mql");
  json_builder_add_double_value (b, ex->mql_threshold);
  json_builder_set_member_name (b, "min_fit");
  json_builder_add_double_value (b, ex->min_fit);
  json_builder_set_member_name (b, "min_engagement");
  json_builder_add_double_value (b, ex->min_engagement);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "contributions");
  json_builder_begin_array (b);
  for (guint i = 0; i < ex->contributions->len; i++)
    {
      QualifyContribution *c = g_ptr_array_index (ex->contributions, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rule_id");
      json_builder_add_string_value (b, c->rule_id);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, c->label);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, qualify_contribution_kind_to_string (c->kind));
      json_builder_set_member_name (b, "points");
      json_builder_add_double_value (b, c->points);
      if (c->value != NULL)
        {
          json_builder_set_member_name (b, "value");
          json_builder_add_string_value (b, c->value);
        }
      if (c->kind == QUALIFY_CONTRIBUTION_ENGAGEMENT || c->kind == QUALIFY_CONTRIBUTION_SALES_READY)
        {
          g_autofree char *last = qualify_format_timestamp (c->last_event);

          json_builder_set_member_name (b, "events");
          json_builder_add_int_value (b, c->n_events);
          json_builder_set_member_name (b, "last_event");
          json_builder_add_string_value (b, last);
        }
      if (c->kind == QUALIFY_CONTRIBUTION_ENGAGEMENT)
        {
          json_builder_set_member_name (b, "raw_points");
          json_builder_add_double_value (b, c->raw_points);
          json_builder_set_member_name (b, "decayed_points");
          json_builder_add_double_value (b, c->decayed_points);
          json_builder_set_member_name (b, "capped");
          json_builder_add_boolean_value (b, c->capped);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

GStrv
qualify_explanation_top_reasons (QualifyExplanation *ex,
                                 guint               n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint added = 0;

  g_return_val_if_fail (ex != NULL, NULL);

  /* A hand-raise is the strongest reason there is. */
  for (guint i = 0; i < ex->contributions->len && added < n; i++)
    {
      QualifyContribution *c = g_ptr_array_index (ex->contributions, i);

      if (c->kind == QUALIFY_CONTRIBUTION_SALES_READY)
        {
          g_autofree char *r = g_strdup_printf (_("Hand-raiser: %s"), c->label);
          g_strv_builder_add (builder, r);
          added++;
        }
    }

  for (guint i = 0; i < ex->contributions->len && added < n; i++)
    {
      QualifyContribution *c = g_ptr_array_index (ex->contributions, i);
      g_autofree char *r = NULL;

      if (c->kind > QUALIFY_CONTRIBUTION_ENGAGEMENT || c->points <= 0)
        continue;

      if (c->kind == QUALIFY_CONTRIBUTION_FIT)
        r = g_strdup_printf ("%s (%s)", c->label, c->value ? c->value : "");
      else
        r = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%u event)", "%s (%u events)", c->n_events),
                             c->label, c->n_events);
      g_strv_builder_add (builder, r);
      added++;
    }

  return g_strv_builder_end (builder);
}

static QualifyModel *
load_active_model (QualifyStore  *store,
                   gboolean       install_default,
                   gint64        *version,
                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(QualifyModel) model = NULL;
  g_autofree char *json = qualify_store_dup_active_model_json (store, version, &local_error);

  if (json == NULL)
    {
      g_autofree char *data = NULL;

      if (!install_default || !g_error_matches (local_error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* A new workspace scores with the default model, saved as version 1. */
      model = qualify_model_new_default ();
      data = qualify_model_to_data (model, TRUE);
      *version = qualify_store_save_model (store, qualify_model_get_name (model), data,
                                           _("Default model"), TRUE, error);
      return *version > 0 ? g_steal_pointer (&model) : NULL;
    }

  if (!(model = qualify_model_new_from_data (json, -1, &local_error)))
    {
      g_set_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_INVALID,
                   _("The active scoring model (version %lld) is not valid: %s"),
                   (long long) *version, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&model);
}

static const char *
grade_letter (QualifyModel *model,
              guint8        grade)
{
  return grade < qualify_model_get_n_grades (model) ? qualify_model_get_grade (model, grade)->letter : "F";
}

/* The stored results, by dataset index (status NONE: the lead has none),
 * and the stored blocks as they are, so a block that comes out the same is
 * not written again. */
typedef QualifyResult Previous;

typedef struct
{
  gint64  first_lead_id;
  GBytes *data;
} OldBlock;

static void
old_block_clear (gpointer data)
{
  g_bytes_unref (((OldBlock *) data)->data);
}

typedef struct
{
  QualifyDataset *dataset;
  Previous       *prev;
  GArray         *blocks;   /* OldBlock, in lead order */
  guint           next;     /* dataset index to look from */
} PreviousLoad;

static gboolean
previous_block_cb (gint64               first_lead_id,
                   GBytes              *data,
                   const QualifyResult *rows,
                   guint                n,
                   gpointer             user_data,
                   GError             **error)
{
  PreviousLoad *load = user_data;
  guint n_leads = qualify_dataset_get_n_leads (load->dataset);
  OldBlock block = { first_lead_id, g_bytes_ref (data) };

  g_array_append_val (load->blocks, block);

  /* both in lead order: one walk */
  for (guint k = 0; k < n; k++)
    {
      while (load->next < n_leads && qualify_dataset_get_lead_id (load->dataset, load->next) < rows[k].lead_id)
        load->next++;
      if (load->next < n_leads && qualify_dataset_get_lead_id (load->dataset, load->next) == rows[k].lead_id)
        load->prev[load->next++] = rows[k];
    }

  return TRUE;
}

static Previous *
load_previous (QualifyStore    *store,
               QualifyDataset  *dataset,
               GArray         **blocks,
               GError         **error)
{
  guint n = qualify_dataset_get_n_leads (dataset);
  PreviousLoad load = { dataset, g_new0 (Previous, MAX (n, 1)), NULL, 0 };

  load.blocks = g_array_new (FALSE, FALSE, sizeof (OldBlock));
  g_array_set_clear_func (load.blocks, old_block_clear);
  if (!_qualify_results_foreach_block (store, previous_block_cb, &load, error))
    {
      g_free (load.prev);
      g_array_unref (load.blocks);
      return NULL;
    }

  *blocks = load.blocks;
  return load.prev;
}

static void
cancelled_cb (GCancellable *cancellable,
              QualifyStore *store)
{
  qualify_store_interrupt (store);
}

typedef struct _Pipeline Pipeline;

static void pipeline_wait (Pipeline *pipeline,
                           guint     index);

static inline gboolean
result_changed (QualifyModel           *model,
                const QualifyLeadScore *s,
                const Previous         *p)
{
  return !(p->status == s->status && p->fit == s->fit && p->engagement == s->engagement &&
           strcmp (p->grade, grade_letter (model, s->grade)) == 0);
}

/* A big rescore: a thread scores the leads, a block at a time in order (scores
 * and changed flags), while the results are packed and written; when the
 * writer needs a block that is not scored yet, it scores the next unclaimed
 * block itself instead of waiting. */
#define PIPELINE_MIN_LEADS 50000
#define PIPELINE_BLOCK     QUALIFY_RESULTS_BLOCK

struct _Pipeline
{
  QualifyScorer    *scorer;
  QualifyModel     *model;
  const Previous   *prev;
  QualifyLeadScore *scores;
  guint8           *changed;
  gint64            as_of;
  guint             n;
  guint             n_blocks;
  gint              next;       /* next block to claim (atomic) */
  gint             *done;       /* per block: scored (atomic) */
  gint              stop;       /* atomic */
  GThread          *thread;
};

/* Claims and scores the next block; FALSE when none is left. */
static gboolean
pipeline_score_next (Pipeline *pl)
{
  guint block = (guint) g_atomic_int_add (&pl->next, 1);
  guint end;

  if (block >= pl->n_blocks || g_atomic_int_get (&pl->stop))
    return FALSE;

  end = MIN (pl->n, (block + 1) * PIPELINE_BLOCK);
  for (guint i = block * PIPELINE_BLOCK; i < end; i++)
    {
      score_one (pl->scorer, i, pl->as_of, &pl->scores[i]);
      pl->changed[i] = result_changed (pl->model, &pl->scores[i], &pl->prev[i]);
    }
  g_atomic_int_set (&pl->done[block], 1);
  return TRUE;
}

static gpointer
pipeline_thread (gpointer data)
{
  while (pipeline_score_next (data))
    ;
  return NULL;
}

/* Returns when lead @index is scored. */
static void
pipeline_wait (Pipeline *pl,
               guint     index)
{
  guint block = index / PIPELINE_BLOCK;

  while (!g_atomic_int_get (&pl->done[block]))
    if (!pipeline_score_next (pl))
      g_thread_yield ();
}

static void
pipeline_start (Pipeline         *pl,
                QualifyScorer    *scorer,
                const Previous   *prev,
                QualifyLeadScore *scores,
                guint8           *changed,
                guint             n,
                gint64            as_of)
{
  pl->scorer = scorer;
  pl->model = qualify_scorer_get_model (scorer);
  pl->prev = prev;
  pl->scores = scores;
  pl->changed = changed;
  pl->n = n;
  pl->n_blocks = (n + PIPELINE_BLOCK - 1) / PIPELINE_BLOCK;
  pl->done = g_new0 (gint, MAX (pl->n_blocks, 1));
  pl->as_of = as_of;
  pl->next = 0;
  pl->stop = 0;
  pl->thread = g_thread_new ("qualify-scorer", pipeline_thread, pl);
  g_debug ("scoring %u leads while writing them", n);
}

/* Joins the thread (every lead is scored after, unless @stop). */
static void
pipeline_finish (Pipeline *pl,
                 gboolean  stop)
{
  if (pl->thread == NULL)
    return;
  if (stop)
    g_atomic_int_set (&pl->stop, 1);
  g_thread_join (g_steal_pointer (&pl->thread));
  g_clear_pointer (&pl->done, g_free);
}

/* The result to store for lead @i: the new one when it changed, else the
 * stored one as it is (with the as-of and model version that wrote it). */
static void
result_for (QualifyDataset         *dataset,
            QualifyModel           *model,
            const QualifyLeadScore *s,
            const Previous         *p,
            gboolean                changed,
            guint                   i,
            gint64                  as_of,
            gint64                  version,
            QualifyResult          *out)
{
  if (!changed)
    {
      *out = *p;
      return;
    }

  memset (out, 0, sizeof *out);
  out->lead_id = qualify_dataset_get_lead_id (dataset, i);
  out->fit = s->fit;
  out->engagement = s->engagement;
  out->status = s->status;
  g_strlcpy (out->grade, grade_letter (model, s->grade), sizeof out->grade);
  out->mql_at = p->mql_at == 0 && s->status == QUALIFY_STATUS_MQL ? as_of : p->mql_at;
  out->sql_at = p->sql_at == 0 && s->status == QUALIFY_STATUS_SQL ? as_of : p->sql_at;
  out->scored_at = as_of;
  out->model_version = version;
}

/* Packs the results in blocks of consecutive leads and writes the blocks
 * whose bytes changed; drops stored blocks that no longer start a block. */
static gboolean
write_result_blocks (QualifyStore           *store,
                     QualifyModel           *model,
                     QualifyDataset         *dataset,
                     const QualifyLeadScore *scores,
                     const Previous         *prev,
                     GArray                 *old_blocks,
                     Pipeline               *pipeline,
                     guint8                 *changed,
                     gint64                  as_of,
                     gint64                  version,
                     guint                  *written,
                     GCancellable           *cancellable,
                     GError                **error)
{
  g_autoptr(sqlite3_stmt) put = NULL;
  g_autofree QualifyResult *rows = g_new (QualifyResult, QUALIFY_RESULTS_BLOCK);
  guint n = qualify_dataset_get_n_leads (dataset);
  guint old = 0;

  *written = 0;
  for (guint begin = 0; begin < n; begin += QUALIFY_RESULTS_BLOCK)
    {
      guint end = MIN (n, begin + QUALIFY_RESULTS_BLOCK);
      g_autoptr(GBytes) data = NULL;
      gint64 first;

      if (pipeline != NULL)
        pipeline_wait (pipeline, end - 1);
      else
        for (guint i = begin; i < end; i++)
          changed[i] = result_changed (model, &scores[i], &prev[i]);

      for (guint i = begin; i < end; i++)
        result_for (dataset, model, &scores[i], &prev[i], changed[i], i, as_of, version, &rows[i - begin]);
      data = _qualify_results_encode (rows, end - begin);
      first = rows[0].lead_id;

      /* stored blocks before this one are gone (leads deleted) */
      for (; old < old_blocks->len && g_array_index (old_blocks, OldBlock, old).first_lead_id < first; old++)
        if (!_qualify_results_delete_block (store, g_array_index (old_blocks, OldBlock, old).first_lead_id, error))
          return FALSE;
      if (old < old_blocks->len && g_array_index (old_blocks, OldBlock, old).first_lead_id == first &&
          g_bytes_equal (g_array_index (old_blocks, OldBlock, old).data, data))
        {
          old++;
          continue;
        }
      if (old < old_blocks->len && g_array_index (old_blocks, OldBlock, old).first_lead_id == first)
        old++;   /* replaced */
      if (!_qualify_results_put_block (store, &put, rows, end - begin, data, error))
        return FALSE;
      (*written)++;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  for (; old < old_blocks->len; old++)
    if (!_qualify_results_delete_block (store, g_array_index (old_blocks, OldBlock, old).first_lead_id, error))
      return FALSE;

  return TRUE;
}

static gboolean
write_results (QualifyStore           *store,
               QualifyScorer          *scorer,
               QualifyDataset         *dataset,
               const QualifyLeadScore *scores,
               const Previous         *prev,
               GArray                 *old_blocks,
               Pipeline               *pipeline,
               guint8                 *changed,
               gint64                  as_of,
               gint64                  version,
               QualifyScoreSummary    *summary,
               GCancellable           *cancellable,
               GError                **error)
{
  g_autoptr(sqlite3_stmt) history = NULL;
  g_autoptr(sqlite3_stmt) run = NULL;
  g_autofree char *reason = g_strdup_printf (_("Scored with model version %lld"), (long long) version);
  guint n = qualify_dataset_get_n_leads (dataset);
  QualifyModel *model = qualify_scorer_get_model (scorer);
  gint64 last_history_id = 0;
  gint64 t0 = g_get_monotonic_time ();
  guint blocks = 0;
  int rc;

  /* History rows appended below have larger ids: they are the transitions the
   * outbox queues for delivery, in this same transaction. */
  {
    g_autoptr(sqlite3_stmt) max_id = _qualify_store_prepare (store, "SELECT coalesce(max(id), 0) FROM status_history", error);

    if (max_id == NULL)
      return FALSE;
    if ((rc = sqlite3_step (max_id)) != SQLITE_ROW)
      return _qualify_store_set_error (store, rc, _("Could not read the status history"), error);
    last_history_id = sqlite3_column_int64 (max_id, 0);
  }

  if (!write_result_blocks (store, model, dataset, scores, prev, old_blocks, pipeline, changed,
                            as_of, version, &blocks, cancellable, error))
    return FALSE;
  g_debug ("%u result blocks of %u written in %.3f s", blocks,
           (n + QUALIFY_RESULTS_BLOCK - 1) / QUALIFY_RESULTS_BLOCK, (g_get_monotonic_time () - t0) / 1e6);

  if (pipeline != NULL)
    pipeline_finish (pipeline, FALSE);
  for (guint i = 0; i < n; i++)
    {
      summary->changed += changed[i];
      summary->by_status[scores[i].status]++;
    }

  if (!(history = _qualify_store_prepare (store,
                                          "INSERT INTO status_history (lead_id, from_status, to_status, at,"
                                          " model_version, reason) VALUES (?, ?, ?, ?, ?, ?)",
                                          error)))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const QualifyLeadScore *s = &scores[i];
      const Previous *p = &prev[i];
      gint64 lead_id = qualify_dataset_get_lead_id (dataset, i);

      if (!changed[i])
        continue;

      if (p->status != s->status)
        {
          if (p->status != QUALIFY_STATUS_NONE)
            sqlite3_bind_text (history, 2, qualify_status_to_string (p->status), -1, SQLITE_STATIC);
          else
            sqlite3_bind_null (history, 2);
          sqlite3_bind_int64 (history, 1, lead_id);
          sqlite3_bind_text (history, 3, qualify_status_to_string (s->status), -1, SQLITE_STATIC);
          sqlite3_bind_int64 (history, 4, as_of);
          sqlite3_bind_int64 (history, 5, version);
          sqlite3_bind_text (history, 6, reason, -1, SQLITE_STATIC);
          if ((rc = sqlite3_step (history)) != SQLITE_DONE)
            return _qualify_store_set_error (store, rc, _("Could not save the status history"), error);
          sqlite3_reset (history);
          summary->transitions++;
        }

      if ((i & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  if (!(run = _qualify_store_prepare (store,
                                      "INSERT INTO score_runs (as_of, started_at, finished_at, model_version,"
                                      " leads, changed, lead, mql, sql, disqualified)"
                                      " VALUES (?, unixepoch(), unixepoch(), ?, ?, ?, ?, ?, ?, ?)",
                                      error)))
    return FALSE;
  sqlite3_bind_int64 (run, 1, as_of);
  sqlite3_bind_int64 (run, 2, version);
  sqlite3_bind_int64 (run, 3, n);
  sqlite3_bind_int64 (run, 4, summary->changed);
  sqlite3_bind_int64 (run, 5, summary->by_status[QUALIFY_STATUS_LEAD]);
  sqlite3_bind_int64 (run, 6, summary->by_status[QUALIFY_STATUS_MQL]);
  sqlite3_bind_int64 (run, 7, summary->by_status[QUALIFY_STATUS_SQL]);
  sqlite3_bind_int64 (run, 8, summary->by_status[QUALIFY_STATUS_DISQUALIFIED]);
  if ((rc = sqlite3_step (run)) != SQLITE_DONE)
    return _qualify_store_set_error (store, rc, _("Could not record the scoring run"), error);

  if (summary->transitions > 0 && !_qualify_outbox_enqueue_transitions (store, last_history_id, error))
    return FALSE;

  {
    g_autofree char *sql = g_strdup_printf ("UPDATE models SET mql_count = %" G_GUINT64_FORMAT
                                            " WHERE version = %" G_GINT64_FORMAT " AND mql_count IS NULL",
                                            summary->by_status[QUALIFY_STATUS_MQL], version);
    if (!_qualify_store_exec (store, sql, error))
      return FALSE;
  }

  return TRUE;
}

gint64
_qualify_scorer_data_version (QualifyStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, "PRAGMA data_version", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* The scoring job; with @apply, first saves it as a new active version (with
 * @note) in the same transaction. With @reuse, scores that dataset instead of
 * reading it again when no other connection committed anything since
 * @reuse_data_version was read (PRAGMA data_version). */
static gboolean
score_workspace (QualifyStore         *store,
                 QualifyModel         *apply,
                 const char           *note,
                 gint64                as_of,
                 QualifyDataset       *reuse,
                 gint64                reuse_data_version,
                 GCancellable         *cancellable,
                 QualifyScoreSummary  *summary,
                 GError              **error)
{
  g_autoptr(QualifyModel) model = NULL;
  g_autoptr(QualifyDataset) dataset = NULL;
  g_autoptr(QualifyScorer) scorer = NULL;
  g_autofree QualifyLeadScore *scores = NULL;
  g_autofree Previous *prev = NULL;
  g_autoptr(GArray) old_blocks = NULL;
  g_autofree guint8 *changed = NULL;
  Pipeline pipeline = { 0, };
  gboolean pipelined = FALSE;
  QualifyScoreSummary local_summary;
  gulong cancel_id = 0;
  gint64 version = 0;
  gint64 t0, t1, t2;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), FALSE);

  if (as_of <= 0)
    as_of = g_get_real_time () / G_USEC_PER_SEC;
  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);
  summary->as_of = as_of;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), store, NULL);

  /* One write transaction from first read to last write: the results match
   * exactly the leads, events and model they were computed from. */
  if (!qualify_store_begin (store, error))
    goto failed;

  t0 = g_get_monotonic_time ();
  if (apply != NULL)
    {
      g_autofree char *json = qualify_model_to_data (apply, TRUE);

      if ((version = qualify_store_save_model (store, qualify_model_get_name (apply), json,
                                               note, TRUE, error)) <= 0)
        goto failed;
      model = g_object_ref (apply);
    }
  else if (!(model = load_active_model (store, TRUE, &version, error)))
    goto failed;
  if (reuse != NULL && reuse_data_version >= 0 && _qualify_scorer_data_version (store) == reuse_data_version)
    dataset = g_object_ref (reuse);
  else if (!(dataset = qualify_dataset_load (store, cancellable, error)))
    goto failed;
  g_debug ("dataset %s", dataset == reuse ? "reused" : "read again");
  g_debug ("dataset loaded in %.3f s", (g_get_monotonic_time () - t0) / 1e6);
  if (!(scorer = qualify_scorer_new (model, dataset, error)))
    goto failed;
  g_debug ("model compiled (fields read) after %.3f s", (g_get_monotonic_time () - t0) / 1e6);
  if (!(prev = load_previous (store, dataset, &old_blocks, error)))
    goto failed;
  g_debug ("previous results read after %.3f s", (g_get_monotonic_time () - t0) / 1e6);
  summary->model_version = version;
  summary->leads = qualify_dataset_get_n_leads (dataset);

  t1 = g_get_monotonic_time ();
  scores = g_new (QualifyLeadScore, MAX (summary->leads, 1));
  changed = g_new0 (guint8, MAX (summary->leads, 1));
  pipelined = summary->leads >= PIPELINE_MIN_LEADS;
  if (pipelined)
    pipeline_start (&pipeline, scorer, prev, scores, changed, summary->leads, as_of);
  else
    qualify_scorer_run (scorer, as_of, scores);

  t2 = g_get_monotonic_time ();
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !write_results (store, scorer, dataset, scores, prev, old_blocks, pipelined ? &pipeline : NULL, changed,
                      as_of, version, summary, cancellable, error))
    goto failed;
  g_debug ("results written in %.3f s", (g_get_monotonic_time () - t2) / 1e6);
  if (!qualify_store_commit (store, error))
    goto failed;

  /* with a pipeline, scoring overlaps the write and is counted in it */
  summary->load_seconds = (t1 - t0) / (double) G_USEC_PER_SEC;
  summary->score_seconds = (t2 - t1) / (double) G_USEC_PER_SEC;
  summary->write_seconds = (g_get_monotonic_time () - t2) / (double) G_USEC_PER_SEC;

  g_cancellable_disconnect (cancellable, cancel_id);
  return TRUE;

failed:
  pipeline_finish (&pipeline, TRUE);
  qualify_store_rollback (store);
  g_cancellable_disconnect (cancellable, cancel_id);
  return FALSE;
}

gboolean
qualify_score_workspace (QualifyStore         *store,
                         gint64                as_of,
                         GCancellable         *cancellable,
                         QualifyScoreSummary  *summary,
                         GError              **error)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (store), FALSE);

  return score_workspace (store, NULL, NULL, as_of, NULL, -1, cancellable, summary, error);
}

/**
 * qualify_model_apply:
 *
 * Saves @model as a new active version and rescores, in one transaction.
 *
 * Returns: the new version, 0 on error (nothing changed then)
 */
gint64
qualify_model_apply (QualifyStore         *store,
                     QualifyModel         *model,
                     const char           *note,
                     gint64                as_of,
                     GCancellable         *cancellable,
                     QualifyScoreSummary  *summary,
                     GError              **error)
{
  QualifyScoreSummary local_summary;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), 0);
  g_return_val_if_fail (QUALIFY_IS_MODEL (model), 0);

  if (summary == NULL)
    summary = &local_summary;
  if (!score_workspace (store, model, note, as_of, NULL, -1, cancellable, summary, error))
    return 0;

  return summary->model_version;
}

gint64
_qualify_model_apply_with_dataset (QualifyStore         *store,
                                   QualifyModel         *model,
                                   const char           *note,
                                   gint64                as_of,
                                   QualifyDataset       *dataset,
                                   gint64                data_version,
                                   GCancellable         *cancellable,
                                   QualifyScoreSummary  *summary,
                                   GError              **error)
{
  QualifyScoreSummary local_summary;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), 0);
  g_return_val_if_fail (QUALIFY_IS_MODEL (model), 0);
  g_return_val_if_fail (dataset == NULL || qualify_dataset_get_store (dataset) == store, 0);

  if (summary == NULL)
    summary = &local_summary;
  if (!score_workspace (store, model, note, as_of, dataset, data_version, cancellable, summary, error))
    return 0;

  return summary->model_version;
}

QualifyExplanation *
qualify_explain_lead (QualifyStore  *store,
                      gint64         lead_id,
                      gint64         as_of,
                      GError       **error)
{
  g_autoptr(QualifyModel) model = NULL;
  g_autoptr(QualifyDataset) dataset = NULL;
  g_autoptr(QualifyScorer) scorer = NULL;
  gint64 version = 0;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);

  if (as_of == 0)
    {
      /* the latest run's as-of only: the store's stats would count 10M events */
      g_autoptr(sqlite3_stmt) last = _qualify_store_prepare (store, "SELECT as_of FROM score_runs ORDER BY id DESC LIMIT 1",
                                                             error);

      if (last == NULL)
        return NULL;
      as_of = sqlite3_step (last) == SQLITE_ROW ? sqlite3_column_int64 (last, 0) : 0;
      if (as_of == 0)
        as_of = g_get_real_time () / G_USEC_PER_SEC;
    }

  if (!(model = load_active_model (store, FALSE, &version, error)) ||
      !(dataset = qualify_dataset_load_lead (store, lead_id, error)) ||
      !(scorer = qualify_scorer_new (model, dataset, error)))
    return NULL;

  return qualify_scorer_explain (scorer, 0, as_of);
}
