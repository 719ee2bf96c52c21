/* qualify-scorer.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-dataset.h"
#include "qualify-model.h"

G_BEGIN_DECLS

typedef enum
{
  QUALIFY_CONTRIBUTION_FIT,
  QUALIFY_CONTRIBUTION_ENGAGEMENT,
  QUALIFY_CONTRIBUTION_DISQUALIFY,
  QUALIFY_CONTRIBUTION_SALES_READY,
} QualifyContributionKind;

typedef struct
{
  QualifyContributionKind  kind;
  char                    *rule_id;
  char                    *label;
  double                   points;         /* what it adds to the score (0 for disqualify/sales-ready) */
  char                    *value;          /* fit/disqualify: the lead's value that matched */
  guint                    n_events;       /* engagement/sales-ready: events counted */
  double                   raw_points;     /* engagement: points × events, no decay */
  double                   decayed_points; /* engagement: after decay, before the cap */
  gboolean                 capped;         /* engagement: the cap was applied */
  gint64                   last_event;     /* newest counted event, unix seconds */
} QualifyContribution;

typedef struct
{
  gint64         lead_id;
  gint64         as_of;
  double         fit;
  double         engagement;
  double         score;
  char           grade[4];
  QualifyStatus  status;
  double         mql_threshold;
  double         min_fit;
  double         min_engagement;
  /* Of QualifyContribution: fit and engagement by points (largest first), then
   * disqualifiers, then sales-ready events. Sum of points == score. */
  GPtrArray     *contributions;
} QualifyExplanation;

/* Per-lead outcome of a run, parallel to the dataset's lead indices. */
typedef struct
{
  double         fit;
  double         engagement;
  double         score;
  guint8         grade;          /* index into model grades; n_grades = "F" */
  QualifyStatus  status;
} QualifyLeadScore;

typedef struct
{
  guint64 leads;
  guint64 changed;               /* result rows written */
  guint64 transitions;           /* status-history rows appended */
  guint64 by_status[QUALIFY_N_STATUSES];
  gint64  as_of;
  gint64  model_version;
  double  load_seconds;          /* reading the dataset */
  double  score_seconds;         /* evaluating the model */
  double  write_seconds;         /* writing results and history */
} QualifyScoreSummary;

#define QUALIFY_TYPE_SCORER (qualify_scorer_get_type ())
G_DECLARE_FINAL_TYPE (QualifyScorer, qualify_scorer, QUALIFY, SCORER, GObject)

QualifyScorer       *qualify_scorer_new             (QualifyModel        *model,
                                                     QualifyDataset      *dataset,
                                                     GError             **error);
QualifyModel        *qualify_scorer_get_model       (QualifyScorer       *self);

/* Scores every lead of the dataset as of @as_of (unix seconds) into @scores
 * (n_leads entries, allocated by the caller). Uses all cores. */
void                 qualify_scorer_run             (QualifyScorer       *self,
                                                     gint64               as_of,
                                                     QualifyLeadScore    *scores);
/* Every contribution for one lead; the numbers are those of qualify_scorer_run(). */
QualifyExplanation  *qualify_scorer_explain         (QualifyScorer       *self,
                                                     guint                lead_index,
                                                     gint64               as_of);

/* The whole job: loads the active model and the dataset, scores every lead as of
 * @as_of (unix seconds; 0 = now), and in one transaction writes changed results, appends a status-history
 * row for every status change (first MQL/SQL time kept) and a score_runs row. */
gboolean             qualify_score_workspace        (QualifyStore        *store,
                                                     gint64               as_of,
                                                     GCancellable        *cancellable,
                                                     QualifyScoreSummary *summary,
                                                     GError             **error);
/* Saves @model as a new version (with @note, may be NULL), makes it the active
 * model and rescores every lead as of @as_of (0 = now), all in ONE transaction:
 * if anything fails (or @cancellable is cancelled) nothing is written and the
 * previous model stays active. Status-history rows give the new version as reason
 * ("Scored with model version N") and the version's mql_count is the MQL count of
 * that run. Returns the new version, 0 on error. */
gint64               qualify_model_apply            (QualifyStore        *store,
                                                     QualifyModel        *model,
                                                     const char          *note,
                                                     gint64               as_of,
                                                     GCancellable        *cancellable,
                                                     QualifyScoreSummary *summary,
                                                     GError             **error);
/* Explains one stored lead as of @as_of (0 = the as-of of the latest run) with the
 * active model. */
QualifyExplanation  *qualify_explain_lead           (QualifyStore        *store,
                                                     gint64               lead_id,
                                                     gint64               as_of,
                                                     GError             **error);

const char          *qualify_contribution_kind_to_string (QualifyContributionKind kind);
void                 qualify_explanation_free       (QualifyExplanation  *explanation);
/* Plain text for "Copy explanation" and the CLI. */
char                *qualify_explanation_to_text    (QualifyExplanation  *explanation,
                                                     QualifyLeadRecord   *lead);
/* {email, fit, engagement, score, grade, status, as_of, contributions:[…]} */
JsonNode            *qualify_explanation_to_json    (QualifyExplanation  *explanation,
                                                     QualifyLeadRecord   *lead);
/* Labels of the top @n positive contributions, for hand-off lists. */
GStrv                qualify_explanation_top_reasons (QualifyExplanation *explanation,
                                                     guint                n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyExplanation, qualify_explanation_free)

G_END_DECLS
