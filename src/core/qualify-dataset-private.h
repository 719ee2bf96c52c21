/* qualify-dataset-private.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-dataset.h"

G_BEGIN_DECLS

/* One lead field as a column of interned values. id 0 is "empty". */
typedef struct
{
  char       *name;
  guint32    *ids;       /* n_leads entries */
  GPtrArray  *raw;       /* id → value as stored (display text) */
  GPtrArray  *normal;    /* id → trimmed, case-folded text */
  char       *strings;   /* when set, raw and normal point into it (and own nothing) */
} QualifyColumn;

/* Events of lead i are [offsets[i], offsets[i+1]). Within a lead, events are
 * in no particular order. */
typedef struct
{
  guint64  n;
  guint64 *offsets;      /* n_leads + 1 */
  guint32 *type_ids;     /* index into types */
  guint32 *detail_ids;   /* index into details; 0 = no detail */
  gint64  *times;        /* unix seconds */
  GPtrArray *types;      /* id → normalized type name (id 0 unused) */
  GPtrArray *details;    /* id → detail (raw); id 0 = NULL */
  GPtrArray *details_normal; /* id → case-folded detail */
} QualifyEventIndex;

/* Virtual column: the part of the email after '@' (far fewer distinct values
 * than emails, so rules that only look at the domain compile much faster). */
#define QUALIFY_DATASET_EMAIL_DOMAIN "email.domain"

/* Loads (once) and returns the column for a canonical or custom field. */
const QualifyColumn     *_qualify_dataset_get_column (QualifyDataset *self,
                                                      const char     *field,
                                                      GError        **error);
/* Loads several fields in one scan of the leads table. */
gboolean                 _qualify_dataset_load_columns (QualifyDataset      *self,
                                                        const char * const  *fields,
                                                        guint                n_fields,
                                                        GError             **error);
const QualifyEventIndex *_qualify_dataset_get_events (QualifyDataset *self);
/* Was the dataset read from the dataset cache (for tests)? */
gboolean                 _qualify_dataset_is_cached  (QualifyDataset *self);

/* The dataset cache (qualify-dataset-cache.c). */
char          *_qualify_dataset_cache_stamp          (QualifyStore             *store,
                                                      GError                  **error);
GBytes        *_qualify_dataset_cache_encode_events  (const gint64             *lead_ids,
                                                      guint                     n_leads,
                                                      const QualifyEventIndex  *ev);
gboolean       _qualify_dataset_cache_decode_events  (const guint8             *data,
                                                      gsize                     len,
                                                      guint                     n_types,
                                                      guint                     n_details,
                                                      gint64                  **lead_ids,
                                                      guint                    *n_leads,
                                                      QualifyEventIndex        *ev);
GBytes        *_qualify_dataset_cache_encode_column  (const QualifyColumn      *column,
                                                      guint                     n_leads);
QualifyColumn *_qualify_dataset_cache_decode_column  (const guint8             *data,
                                                      gsize                     len,
                                                      const char               *name,
                                                      guint                     n_leads);
struct sqlite3_stmt *_qualify_dataset_cache_lookup   (QualifyStore             *store,
                                                      const char               *name,
                                                      const char               *stamp,
                                                      const guint8            **data,
                                                      gsize                    *len);
guint8        *_qualify_dataset_cache_read           (QualifyStore             *store,
                                                      const char               *name,
                                                      const char               *stamp,
                                                      gsize                    *len);
gboolean       _qualify_dataset_cache_can_write      (QualifyStore             *store);
gboolean       _qualify_dataset_cache_save           (QualifyStore             *store,
                                                      const char               *name,
                                                      const char               *stamp,
                                                      GBytes                   *blob,
                                                      GError                  **error);

G_END_DECLS
