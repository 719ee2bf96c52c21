/* qualify-demo.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint    n_leads;    /* default 5000 */
  guint64  n_events;   /* default 10 × n_leads */
  guint32  seed;       /* same seed + counts + now = same files, byte for byte */
  gint64   now;        /* events fall in the 180 days before this (unix seconds) */
} QualifyDemoOptions;

/* Writes realistic B2B leads and events as CSV files in the same shape as CRM
 * exports (leads: "Email Address,First Name,…"; events: email,type,detail,occurred_at). */
gboolean qualify_demo_write_csv  (const QualifyDemoOptions  *options,
                                  const char                *leads_path,
                                  const char                *events_path,
                                  GError                   **error);

/* Fills @store: writes the CSVs to a temporary folder, imports them with the
 * regular importer, installs the default model if none is active, and scores. */
gboolean qualify_demo_populate   (QualifyStore              *store,
                                  const QualifyDemoOptions  *options,
                                  GCancellable              *cancellable,
                                  GError                   **error);

G_END_DECLS
