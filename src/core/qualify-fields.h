/* qualify-fields.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Canonical lead fields, in storage order. Anything else is a custom field. */
typedef enum
{
  QUALIFY_FIELD_EMAIL,
  QUALIFY_FIELD_FIRST_NAME,
  QUALIFY_FIELD_LAST_NAME,
  QUALIFY_FIELD_TITLE,
  QUALIFY_FIELD_COMPANY,
  QUALIFY_FIELD_DOMAIN,
  QUALIFY_FIELD_INDUSTRY,
  QUALIFY_FIELD_EMPLOYEES,
  QUALIFY_FIELD_ANNUAL_REVENUE,
  QUALIFY_FIELD_COUNTRY,
  QUALIFY_FIELD_REGION,
  QUALIFY_FIELD_CITY,
  QUALIFY_FIELD_PHONE,
  QUALIFY_FIELD_LEAD_SOURCE,
  QUALIFY_FIELD_TECHNOLOGIES,
  QUALIFY_FIELD_OWNER,
  QUALIFY_FIELD_CREATED_AT,
  QUALIFY_N_FIELDS
} QualifyField;

typedef enum
{
  QUALIFY_FIELD_KIND_TEXT,
  QUALIFY_FIELD_KIND_NUMBER,    /* employees, annual_revenue */
  QUALIFY_FIELD_KIND_LIST,      /* technologies: ';'-separated */
  QUALIFY_FIELD_KIND_TIMESTAMP, /* created_at */
} QualifyFieldKind;

/* Lead status, in precedence order (lowest first). */
typedef enum
{
  QUALIFY_STATUS_NONE = 0,      /* never scored */
  QUALIFY_STATUS_LEAD,
  QUALIFY_STATUS_MQL,
  QUALIFY_STATUS_SQL,
  QUALIFY_STATUS_DISQUALIFIED,
  QUALIFY_N_STATUSES
} QualifyStatus;

const char       *qualify_status_to_string   (QualifyStatus  status);   /* "lead", "mql", ... ; NONE → "" */
const char       *qualify_status_get_label   (QualifyStatus  status);   /* translated "MQL" … */
gboolean          qualify_status_from_string (const char    *str,
                                              QualifyStatus *status);

const char       *qualify_field_get_name   (QualifyField  field);
const char       *qualify_field_get_label  (QualifyField  field);
QualifyFieldKind  qualify_field_get_kind   (QualifyField  field);
gboolean          qualify_field_from_name  (const char   *name,
                                            QualifyField *field);

G_END_DECLS
