/* qualify-fields.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-fields"

#include "config.h"

#include <glib/gi18n.h>

#include "qualify-fields.h"

static const struct {
  const char *name;
  const char *label;
  QualifyFieldKind kind;
} fields[QUALIFY_N_FIELDS] = {
  [QUALIFY_FIELD_EMAIL] = { "email", N_("Email"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_FIRST_NAME] = { "first_name", N_("First name"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_LAST_NAME] = { "last_name", N_("Last name"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_TITLE] = { "title", N_("Job title"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_COMPANY] = { "company", N_("Company"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_DOMAIN] = { "domain", N_("Company domain"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_INDUSTRY] = { "industry", N_("Industry"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_EMPLOYEES] = { "employees", N_("Employees"), QUALIFY_FIELD_KIND_NUMBER },
  [QUALIFY_FIELD_ANNUAL_REVENUE] = { "annual_revenue", N_("Annual revenue"), QUALIFY_FIELD_KIND_NUMBER },
  [QUALIFY_FIELD_COUNTRY] = { "country", N_("Country"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_REGION] = { "region", N_("Region"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_CITY] = { "city", N_("City"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_PHONE] = { "phone", N_("Phone"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_LEAD_SOURCE] = { "lead_source", N_("Lead source"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_TECHNOLOGIES] = { "technologies", N_("Technologies"), QUALIFY_FIELD_KIND_LIST },
  [QUALIFY_FIELD_OWNER] = { "owner", N_("Owner"), QUALIFY_FIELD_KIND_TEXT },
  [QUALIFY_FIELD_CREATED_AT] = { "created_at", N_("Created"), QUALIFY_FIELD_KIND_TIMESTAMP },
};

const char *
qualify_field_get_name (QualifyField field)
{
  g_return_val_if_fail (field < QUALIFY_N_FIELDS, NULL);
  return fields[field].name;
}

const char *
qualify_field_get_label (QualifyField field)
{
  g_return_val_if_fail (field < QUALIFY_N_FIELDS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, fields[field].label);
}

QualifyFieldKind
qualify_field_get_kind (QualifyField field)
{
  g_return_val_if_fail (field < QUALIFY_N_FIELDS, QUALIFY_FIELD_KIND_TEXT);
  return fields[field].kind;
}

gboolean
qualify_field_from_name (const char   *name,
                         QualifyField *field)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < QUALIFY_N_FIELDS; i++)
    {
      if (g_str_equal (name, fields[i].name))
        {
          if (field != NULL)
            *field = i;
          return TRUE;
        }
    }

  return FALSE;
}

static const struct {
  const char *name;
  const char *label;
} statuses[QUALIFY_N_STATUSES] = {
  [QUALIFY_STATUS_NONE] = { "", N_("Not scored") },
  [QUALIFY_STATUS_LEAD] = { "lead", N_("Lead") },
  [QUALIFY_STATUS_MQL] = { "mql", N_("MQL") },
  [QUALIFY_STATUS_SQL] = { "sql", N_("SQL") },
  [QUALIFY_STATUS_DISQUALIFIED] = { "disqualified", N_("Disqualified") },
};

const char *
qualify_status_to_string (QualifyStatus status)
{
  g_return_val_if_fail (status < QUALIFY_N_STATUSES, "");
  return statuses[status].name;
}

const char *
qualify_status_get_label (QualifyStatus status)
{
  g_return_val_if_fail (status < QUALIFY_N_STATUSES, "");
  return g_dgettext (GETTEXT_PACKAGE, statuses[status].label);
}

gboolean
qualify_status_from_string (const char    *str,
                            QualifyStatus *status)
{
  if (str == NULL || *str == '\0')
    return FALSE;

  for (guint i = QUALIFY_STATUS_LEAD; i < QUALIFY_N_STATUSES; i++)
    {
      if (g_ascii_strcasecmp (str, statuses[i].name) == 0)
        {
          if (status != NULL)
            *status = i;
          return TRUE;
        }
    }

  return FALSE;
}
