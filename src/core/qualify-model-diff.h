/* qualify-model-diff.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-model.h"

G_BEGIN_DECLS

/* Rule-by-rule difference between two scoring models (e.g. two saved versions).
 * Rules are matched by id within their section; values are compared and shown in
 * the canonical JSON form (qualify_model_to_node: as the user wrote them). */

typedef enum
{
  QUALIFY_DIFF_SECTION_NAME,         /* the model's name */
  QUALIFY_DIFF_SECTION_FIT,
  QUALIFY_DIFF_SECTION_ENGAGEMENT,
  QUALIFY_DIFF_SECTION_DISQUALIFY,
  QUALIFY_DIFF_SECTION_SALES_READY,  /* one entry per event type added / removed */
  QUALIFY_DIFF_SECTION_THRESHOLDS,   /* one entry, properties mql / min_fit / min_engagement */
  QUALIFY_DIFF_SECTION_GRADES,       /* one entry, properties = letters */
} QualifyDiffSection;

typedef enum
{
  QUALIFY_DIFF_ADDED,
  QUALIFY_DIFF_REMOVED,
  QUALIFY_DIFF_CHANGED,
} QualifyDiffChange;

/* One property that differs: name is the JSON member ("points", "value", "match",
 * "half_life_days", "position" for a reordered rule, "mql", a grade letter …).
 * Values are compact JSON text ("20", "[\"software\"]", "\"/pricing*\""), NULL when
 * the member is absent on that side. */
typedef struct
{
  char *name;
  char *old_value;
  char *new_value;
} QualifyDiffProperty;

typedef struct
{
  QualifyDiffSection  section;
  QualifyDiffChange   change;
  char               *id;          /* rule id; sales-ready: the event type; NULL otherwise */
  char               *label;       /* rule label (new side, else old), may be NULL */
  GPtrArray          *properties;  /* of QualifyDiffProperty; CHANGED: the changed ones;
                                    * ADDED/REMOVED rules: every member of the rule */
} QualifyDiffEntry;

/* Entries in section order (name, fit, engagement, disqualify, sales-ready,
 * thresholds, grades); within a section, rules in the new model's order, removed
 * ones after. Empty array = same model. Of QualifyDiffEntry. */
GPtrArray           *qualify_model_diff             (QualifyModel       *old_model,
                                                     QualifyModel       *new_model);
/* Human-readable, one line per entry, e.g.
 *   "Fit · changed “industry” (Target industry): points 20 → 35"
 *   "Engagement · added “webinar” (Webinar attended): event \"webinar\", points 8, …"
 * "No differences." for an empty diff. Translated. */
char                *qualify_model_diff_to_text     (GPtrArray          *diff);
/* Translated section name ("Fit", "Engagement", …). */
const char          *qualify_diff_section_get_label (QualifyDiffSection  section);
/* One entry as a line of text (without trailing newline). */
char                *qualify_diff_entry_to_text     (const QualifyDiffEntry *entry);

void                 qualify_diff_entry_free        (QualifyDiffEntry   *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyDiffEntry, qualify_diff_entry_free)

G_END_DECLS
