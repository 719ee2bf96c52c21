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

/* PRAGMA data_version of @store's connection (-1 on error): changes when another
 * connection commits. */
gint64       _qualify_scorer_data_version   (QualifyStore           *store);
/* qualify_model_apply() scoring @dataset (read on @store's connection) instead of
 * reading it again, when no other connection committed since @data_version was
 * read before loading it; otherwise reads it again inside the transaction. */
gint64       _qualify_model_apply_with_dataset (QualifyStore        *store,
                                             QualifyModel           *model,
                                             const char             *note,
                                             gint64                  as_of,
                                             QualifyDataset         *dataset,
                                             gint64                  data_version,
                                             GCancellable           *cancellable,
                                             QualifyScoreSummary    *summary,
                                             GError                **error);

G_END_DECLS
