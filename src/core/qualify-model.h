/* qualify-model.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define QUALIFY_MODEL_ERROR (qualify_model_error_quark ())

typedef enum
{
  QUALIFY_MODEL_ERROR_PARSE,    /* not JSON: message has line:column */
  QUALIFY_MODEL_ERROR_INVALID,  /* JSON but not a valid model: message starts with the JSON path */
} QualifyModelError;

typedef enum
{
  QUALIFY_OP_EQUALS,
  QUALIFY_OP_NOT_EQUALS,
  QUALIFY_OP_IN,
  QUALIFY_OP_NOT_IN,
  QUALIFY_OP_CONTAINS,
  QUALIFY_OP_NOT_CONTAINS,
  QUALIFY_OP_STARTS_WITH,
  QUALIFY_OP_ENDS_WITH,
  QUALIFY_OP_GTE,
  QUALIFY_OP_LTE,
  QUALIFY_OP_BETWEEN,
  QUALIFY_OP_IS_SET,
  QUALIFY_OP_IS_EMPTY,
  QUALIFY_OP_DOMAIN_IN,
  QUALIFY_OP_HAS_ANY,
  QUALIFY_N_OPS
} QualifyOp;

/* A fit or disqualify rule. All strings are owned by the model. */
typedef struct
{
  char       *id;
  char       *label;
  char       *field;     /* canonical or custom field name, as written */
  QualifyOp   op;
  /* String operands, already trimmed and case-folded (g_utf8_casefold,
   * see qualify_model_normalize()); NULL-terminated, NULL for
   * numeric and set/empty operators. For equals/contains/… a single string
   * value is a one-item list. */
  char      **values;
  /* Numeric operands: gte/lte use lo, between uses [lo, hi]. equals/not_equals
   * also compare numerically when both sides parse as numbers (has_number). */
  double      lo;
  double      hi;
  gboolean    has_number;
  double      points;    /* 0 for disqualify rules */
} QualifyFieldRule;

typedef struct
{
  char     *id;
  char     *label;
  char     *event;           /* event type, normalized (trimmed, lower-case) */
  char     *match;           /* glob on detail, case-folded; NULL = any detail */
  double    points;
  double    half_life_days;  /* 0 = no decay */
  double    cap;             /* 0 = no cap; otherwise the rule's sum is clamped to [-cap, cap] */
  double    within_days;     /* 0 = unlimited */
} QualifyEngagementRule;

typedef struct
{
  char   letter[4];
  double bound;
} QualifyGrade;

#define QUALIFY_MODEL_MAX_ENGAGEMENT_RULES 64

#define QUALIFY_TYPE_MODEL (qualify_model_get_type ())
G_DECLARE_FINAL_TYPE (QualifyModel, qualify_model, QUALIFY, MODEL, GObject)

GQuark                        qualify_model_error_quark       (void);

QualifyModel                 *qualify_model_new_default       (void);
QualifyModel                 *qualify_model_new_from_data     (const char    *json,
                                                               gssize         length,
                                                               GError       **error);
QualifyModel                 *qualify_model_new_from_file     (const char    *path,
                                                               GError       **error);
QualifyModel                 *qualify_model_new_from_node     (JsonNode      *root,
                                                               GError       **error);
/* Serialising gives the canonical form: keys in the documented order (format, name, fit,
 * engagement, disqualify, sales_ready, thresholds, grades), defaults filled in (label, min_fit,
 * min_engagement, grades), and every operand, event type and glob as the user wrote it (not
 * normalized). Parsing that text again gives the same model and the same text. */
char                         *qualify_model_to_data           (QualifyModel  *self,
                                                               gboolean       pretty);
JsonNode                     *qualify_model_to_node           (QualifyModel  *self);

const char                   *qualify_model_get_name          (QualifyModel  *self);
guint                         qualify_model_get_n_fit_rules   (QualifyModel  *self);
const QualifyFieldRule       *qualify_model_get_fit_rule      (QualifyModel  *self,
                                                               guint          i);
guint                         qualify_model_get_n_disqualify_rules (QualifyModel *self);
const QualifyFieldRule       *qualify_model_get_disqualify_rule (QualifyModel *self,
                                                               guint          i);
guint                         qualify_model_get_n_engagement_rules (QualifyModel *self);
const QualifyEngagementRule  *qualify_model_get_engagement_rule (QualifyModel *self,
                                                               guint          i);
/* Normalized (trimmed, lower-case) event types; NULL-terminated. */
const char * const           *qualify_model_get_sales_ready   (QualifyModel  *self);
double                        qualify_model_get_mql_threshold (QualifyModel  *self);
double                        qualify_model_get_min_fit       (QualifyModel  *self);
double                        qualify_model_get_min_engagement (QualifyModel *self);
/* Grades sorted best first (A, B, …); F is implicit below the last bound. */
guint                         qualify_model_get_n_grades      (QualifyModel  *self);
const QualifyGrade           *qualify_model_get_grade         (QualifyModel  *self,
                                                               guint          i);
/* The best letter whose bound ≤ fit, else "F". */
const char                   *qualify_model_grade_for_fit     (QualifyModel  *self,
                                                               double         fit);

const char                   *qualify_op_to_string            (QualifyOp      op);
gboolean                      qualify_op_from_string          (const char    *str,
                                                               QualifyOp     *op);

/* Built-in templates (names without .json, sorted), e.g. "b2b-saas" (the default).
 * An unknown name is G_IO_ERROR_NOT_FOUND listing the available ones. */
GStrv                         qualify_model_list_templates    (void);
QualifyModel                 *qualify_model_new_from_template (const char    *name,
                                                               GError       **error);

/* Trim + case-fold, the comparison form of every string in rules and data. */
char                         *qualify_model_normalize         (const char    *str);

G_END_DECLS
