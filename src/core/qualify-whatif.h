/* qualify-whatif.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-dataset.h"
#include "qualify-model.h"
#include "qualify-scorer.h"

G_BEGIN_DECLS

/* What a draft model would do, against the active one, on the same leads,
 * events and as-of.
 *
 * The dataset is read once. Every rule's effect is cached under the rule's
 * *definition* (not its id or points):
 *  - fit / disqualify rules: a bitset over the leads (field, op, operands);
 *  - engagement rules: per matching lead, Σ 0.5^(age / half_life) over its matching
 *    events (event type, glob, half-life, within_days), in event order;
 *  - hand-raisers: per event type, a bitset of the leads with such an event.
 * A draft that changes only points, caps, thresholds or grades is then one pass over
 * the leads (tens of ms at 1M leads); a new pattern / half-life / window / field rule
 * builds just that rule's cache (one pass over the events or one column).
 * The numbers are *exactly* (bit for bit, same summation order) those of
 * qualify_scorer_run() on the same dataset, so the preview is what applying gives. */

#define QUALIFY_WHATIF_BINS   20     /* score histogram bins */
#define QUALIFY_WHATIF_BANDS  5      /* engagement bands */
#define QUALIFY_WHATIF_GRADES 8      /* up to 7 grade letters + F */
#define QUALIFY_WHATIF_MAX_LISTED 200 /* leads listed per direction */

/* One lead that would newly qualify or drop out. */
typedef struct
{
  gint64         id;
  char          *name;            /* display name ("First Last", else the email) */
  char          *email;
  char          *company;         /* may be NULL */
  double         active_score;
  double         draft_score;
  QualifyStatus  active_status;
  QualifyStatus  draft_status;
} QualifyWhatIfLead;

/* What one rule of the draft matches now. */
typedef struct
{
  QualifyContributionKind  kind;  /* FIT, ENGAGEMENT, DISQUALIFY (SALES_READY: one per type) */
  guint                    index; /* rule index in its section of the draft */
  char                    *id;    /* rule id (sales-ready: the event type) */
  guint64                  leads; /* leads matched (engagement: leads with ≥ 1 counted event) */
  guint64                  events;/* engagement / sales-ready: events counted (≤ as-of, in window) */
  gboolean                 reused;/* its cache existed before this evaluation */
} QualifyWhatIfRuleStat;

typedef struct
{
  guint64  active[QUALIFY_N_STATUSES];
  guint64  draft[QUALIFY_N_STATUSES];
  /* score histograms over the same bins: [bin_min + i·bin_width, … + bin_width);
   * scores below/above the range count in the first/last bin */
  double   bin_min;
  double   bin_width;
  guint64  histogram_active[QUALIFY_WHATIF_BINS];
  guint64  histogram_draft[QUALIFY_WHATIF_BINS];
  double   mql_threshold;                 /* the draft's */
  /* draft fit grade (row, in the draft's grade order, F last) × engagement band
   * (column, edges in qualify_whatif_band_edges) */
  guint    n_grades;
  char     grades[QUALIFY_WHATIF_GRADES][4];
  guint64  matrix[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS];
  /* leads that become MQL/SQL, and those that stop being one (ids of the first
   * QUALIFY_WHATIF_MAX_LISTED of each, highest draft score first for newly
   * qualified, highest active score first for dropped) */
  guint64  n_newly_qualified;
  guint64  n_dropped;
  GArray  *newly_qualified;               /* of gint64 lead ids */
  GArray  *dropped;                       /* of gint64 lead ids */
  double   elapsed_ms;

  /* Added in the cached engine (backward compatible). */
  guint64    n_leads;
  gint64     as_of;
  GPtrArray *newly_qualified_leads;       /* of QualifyWhatIfLead, same order as newly_qualified */
  GPtrArray *dropped_leads;               /* of QualifyWhatIfLead, same order as dropped */
  GArray    *rules;                       /* of QualifyWhatIfRuleStat: fit, disqualify, engagement,
                                           * then sales-ready types, each in draft order */
  guint      n_rules_built;               /* rule caches built for this evaluation (0 = fast path) */
  /* fit grade × band of the ACTIVE model, same rows as matrix (active grades may
   * differ: rows follow the draft's letters; an active letter the draft lacks counts as F) */
  guint64    matrix_active[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS];
} QualifyWhatIfResult;

/* Engagement band edges: < 0, [0, 10), [10, 25), [25, 50), ≥ 50. */
extern const double qualify_whatif_band_edges[QUALIFY_WHATIF_BANDS - 1];

/* Translated short label of band @band ("< 0", "0–10", …, "≥ 50"). */
const char          *qualify_whatif_band_label     (guint                 band);

/* Value kinds a rule editor offers operators for. */
typedef enum
{
  QUALIFY_VALUE_KIND_TEXT,      /* equals … ends_with, in/not_in, is_set/is_empty */
  QUALIFY_VALUE_KIND_NUMBER,    /* equals, not_equals, gte, lte, between, is_set/is_empty */
  QUALIFY_VALUE_KIND_LIST,      /* has_any, contains, not_contains, is_set/is_empty */
  QUALIFY_VALUE_KIND_EMAIL,     /* text operators + domain_in (email and domain fields) */
  QUALIFY_VALUE_KIND_TIMESTAMP, /* gte, lte, between (unix seconds), is_set/is_empty */
} QualifyValueKind;

/* What the value editor should show for an operator. */
typedef enum
{
  QUALIFY_OPERAND_NONE,         /* is_set, is_empty */
  QUALIFY_OPERAND_TEXT,         /* one string (contains/… also accept a list) */
  QUALIFY_OPERAND_LIST,         /* in, not_in, domain_in, has_any: list of strings (chips) */
  QUALIFY_OPERAND_NUMBER,       /* gte, lte (equals on number fields) */
  QUALIFY_OPERAND_RANGE,        /* between [lo, hi] */
} QualifyOperand;

/* Kind of a canonical field by name; custom (unknown) fields are TEXT here,
 * qualify_whatif_get_field_kind() looks at the data. */
QualifyValueKind     qualify_field_kind_for        (const char           *field);
gboolean             qualify_op_valid_for_kind     (QualifyOp             op,
                                                    QualifyValueKind      kind);
QualifyOperand       qualify_op_get_operand        (QualifyOp             op,
                                                    QualifyValueKind      kind);

/* A distinct value (field value or event type) and how many leads / events have it. */
typedef struct
{
  char    *value;                         /* as stored (display text) */
  guint64  count;
} QualifyValueCount;

void                 qualify_value_count_free      (QualifyValueCount    *count);

#define QUALIFY_TYPE_WHATIF (qualify_whatif_get_type ())
G_DECLARE_FINAL_TYPE (QualifyWhatIf, qualify_whatif, QUALIFY, WHATIF, GObject)

/* Loads the dataset and the active model and scores it as of @as_of (0 = the
 * latest scoring run's as-of, else now). Blocking (seconds at 1M leads): call it
 * in a thread with a store opened in that thread; the what-if keeps @store for
 * loading further columns, so do not use @store from another thread afterwards. */
QualifyWhatIf       *qualify_whatif_new            (QualifyStore         *store,
                                                    gint64                as_of,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
/* Same with a connection of its own to the workspace @path (blocking): the
 * what-if then knows whether anybody else wrote to the workspace, so Apply can
 * rescore the dataset it has in memory (see qualify_whatif_apply_async()). */
QualifyWhatIf       *qualify_whatif_new_for_path   (const char           *path,
                                                    gint64                as_of,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
/* qualify_whatif_new_for_path() in a worker thread. */
void                 qualify_whatif_new_async      (const char           *path,
                                                    gint64                as_of,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
QualifyWhatIf       *qualify_whatif_new_finish     (GAsyncResult         *result,
                                                    GError              **error);

/* The model the drafts are compared with (after qualify_whatif_apply_async(): the
 * applied one). The pointer stays valid as long as @self. */
QualifyModel        *qualify_whatif_get_active_model (QualifyWhatIf      *self);
/* Version of the active model (0 = none saved: the default model is used). */
gint64               qualify_whatif_get_active_version (QualifyWhatIf    *self);
gint64               qualify_whatif_get_as_of      (QualifyWhatIf        *self);
QualifyDataset      *qualify_whatif_get_dataset    (QualifyWhatIf        *self);
guint                qualify_whatif_get_n_leads    (QualifyWhatIf        *self);

/* Evaluates @draft. Thread-safe: evaluations are serialized on an internal lock.
 * @draft must be valid (from qualify_model_new_from_*). */
QualifyWhatIfResult *qualify_whatif_evaluate       (QualifyWhatIf        *self,
                                                    QualifyModel         *draft,
                                                    GError              **error);
/* Same, stopping with G_IO_ERROR_CANCELLED when @cancellable is cancelled. */
QualifyWhatIfResult *qualify_whatif_evaluate_cancellable (QualifyWhatIf  *self,
                                                    QualifyModel         *draft,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
/* Off the calling thread, on one worker per what-if; latest draft wins: an
 * evaluation still queued when a newer one is requested finishes with
 * G_IO_ERROR_CANCELLED, and a running one is interrupted at its next check. */
void                 qualify_whatif_evaluate_async (QualifyWhatIf        *self,
                                                    QualifyModel         *draft,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
QualifyWhatIfResult *qualify_whatif_evaluate_finish (QualifyWhatIf       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
/* TRUE when every rule of @draft is already cached, i.e. evaluating it is the
 * fast path (≈ 100 ms at 1M leads): the UI can skip its busy state. Cheap; any thread. */
gboolean             qualify_whatif_is_cached      (QualifyWhatIf        *self,
                                                    QualifyModel         *draft);

/* Suggestions for the editor. All may load a lead column on first use (about a
 * second at 1M leads): call from a worker thread; they serialize with evaluations. */

/* Canonical fields followed by the custom fields present in the workspace. */
GStrv                qualify_whatif_list_fields    (QualifyWhatIf        *self);
/* Like qualify_field_kind_for(), but a custom field whose values all parse as
 * numbers is NUMBER, and one with ';'-separated values is LIST. */
QualifyValueKind     qualify_whatif_get_field_kind (QualifyWhatIf        *self,
                                                    const char           *field);
/* The same judged from at most @sample stored values of a custom field, read
 * through @store (any connection; a what-if's lock is not taken): milliseconds
 * where loading the whole column costs about a second at 1M leads. */
QualifyValueKind     qualify_field_kind_guess      (QualifyStore         *store,
                                                    const char           *field,
                                                    guint                 sample);
/* Distinct non-empty values of @field starting with @prefix (case-insensitive;
 * NULL/"" = all) with their lead counts, most frequent first, at most @limit
 * (0 = all). For LIST fields, the items. Of QualifyValueCount. */
GPtrArray           *qualify_whatif_dup_field_values (QualifyWhatIf      *self,
                                                    const char           *field,
                                                    const char           *prefix,
                                                    guint                 limit,
                                                    GError              **error);
/* Event types with their event counts, most frequent first. Of QualifyValueCount. */
GPtrArray           *qualify_whatif_list_event_types (QualifyWhatIf      *self);
/* Events of type @event_type (NULL = any) whose detail matches @glob (NULL = any;
 * same matching as engagement rules), occurring at or before the as-of, and the
 * number of distinct leads having them. */
void                 qualify_whatif_count_pattern  (QualifyWhatIf        *self,
                                                    const char           *event_type,
                                                    const char           *glob,
                                                    guint64              *events,
                                                    guint64              *leads);

/* Applies @model with this what-if's connection and as-of (so the applied counts
 * equal the preview): see qualify_model_apply(). Runs in a worker thread; the
 * result is the new version (qualify_whatif_apply_finish(), 0 on error). A what-if
 * made by qualify_whatif_new_for_path() or _new_async() rescores its in-memory dataset when no other
 * connection wrote to the workspace since it was loaded (else the job reads it
 * again). After it the what-if's active model is @model; if the workspace had
 * changed meanwhile, the what-if still previews on the data it loaded: make a new
 * one to see the new data. */
void                 qualify_whatif_apply_async    (QualifyWhatIf        *self,
                                                    QualifyModel         *model,
                                                    const char           *note,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gint64               qualify_whatif_apply_finish   (QualifyWhatIf        *self,
                                                    GAsyncResult         *result,
                                                    QualifyScoreSummary  *summary,
                                                    GError              **error);

void                 qualify_whatif_result_free    (QualifyWhatIfResult  *result);
void                 qualify_whatif_lead_free      (QualifyWhatIfLead    *lead);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyWhatIfResult, qualify_whatif_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyValueCount, qualify_value_count_free)

G_END_DECLS
