/* qualify-scorer-private.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-dataset-private.h"
#include "qualify-scorer.h"

G_BEGIN_DECLS

#define QUALIFY_SECONDS_PER_DAY 86400.0

/* The dataset column a field rule reads (e.g. "email.domain" for domain_in on email). */
const char  *_qualify_field_rule_get_column (const QualifyFieldRule *rule);
/* match[value id] for every value id of @column (id 0, the empty value, matches
 * only is_empty): exactly the table the scorer uses. Free with g_free(). */
guint8      *_qualify_field_rule_compile    (const QualifyFieldRule *rule,
                                             const QualifyColumn    *column);

G_END_DECLS
