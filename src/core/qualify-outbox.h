/* qualify-outbox.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-store.h"

G_BEGIN_DECLS

/* Called by the scorer inside its write transaction, right after it appended the
 * status-history rows whose id is greater than @after_history_id: queues one
 * outbox row per (transition, enabled endpoint that receives it), so a status
 * change and its deliveries commit or roll back together. */
gboolean _qualify_outbox_enqueue_transitions (QualifyStore  *store,
                                              gint64         after_history_id,
                                              GError       **error);

G_END_DECLS
