/* qualify-dataset.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-store.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_DATASET (qualify_dataset_get_type ())
G_DECLARE_FINAL_TYPE (QualifyDataset, qualify_dataset, QUALIFY, DATASET, GObject)

/* A compact, read-only, in-memory snapshot of a workspace for scoring:
 * lead ids, lead field columns (loaded on first use, values interned per
 * column) and every event grouped per lead (CSR arrays of type id, detail id
 * and time). A full rescore reads only this; no SQL aggregation. */

QualifyDataset  *qualify_dataset_load           (QualifyStore    *store,
                                                 GCancellable    *cancellable,
                                                 GError         **error);
/* Only the given lead (for explain on a big workspace). */
QualifyDataset  *qualify_dataset_load_lead      (QualifyStore    *store,
                                                 gint64           lead_id,
                                                 GError         **error);

guint            qualify_dataset_get_n_leads    (QualifyDataset  *self);
guint64          qualify_dataset_get_n_events   (QualifyDataset  *self);
gint64           qualify_dataset_get_lead_id    (QualifyDataset  *self,
                                                 guint            index);
/* Index of @lead_id, or G_MAXUINT. */
guint            qualify_dataset_find_lead      (QualifyDataset  *self,
                                                 gint64           lead_id);
QualifyStore    *qualify_dataset_get_store      (QualifyDataset  *self);

G_END_DECLS
