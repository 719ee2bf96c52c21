/* qualify-outbox.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-endpoint.h"
#include "qualify-store.h"

G_BEGIN_DECLS

/* The transactional outbox: one row per (status change, endpoint that receives
 * it), written in the same transaction as the status change. A row is deleted
 * never; it moves pending → sending → delivered, or back to pending with a
 * later next_at, or to failed / discarded. */

typedef enum
{
  QUALIFY_DELIVERY_PENDING,
  QUALIFY_DELIVERY_SENDING,     /* claimed by a worker; back to pending if it died */
  QUALIFY_DELIVERY_DELIVERED,
  QUALIFY_DELIVERY_FAILED,      /* permanently: a 4xx, or retries exhausted */
  QUALIFY_DELIVERY_DISCARDED,   /* by the user */
  QUALIFY_N_DELIVERY_STATES
} QualifyDeliveryState;

typedef struct
{
  gint64                id;
  gint64                endpoint_id;
  char                 *endpoint;
  gint64                lead_id;
  char                 *email;
  char                 *from_status;
  char                 *to_status;
  gint64                occurred_at;
  gint64                model_version;
  QualifyDeliveryState  state;
  int                   attempts;
  gint64                next_at;      /* unix seconds; pending rows only */
  int                   last_status;  /* HTTP status of the last attempt, 0 = none/network */
  char                 *last_error;
  char                 *response;     /* excerpt of the last response body */
  gint64                delivered_at;
  char                 *body;         /* frozen at the first attempt, NULL before */
} QualifyDelivery;

const char *qualify_delivery_state_to_string   (QualifyDeliveryState  state);
gboolean    qualify_delivery_state_from_string (const char           *str,
                                                QualifyDeliveryState *state);
void        qualify_delivery_free              (QualifyDelivery      *delivery);
/* The webhook-id: stable for a row across retries and restarts. */
char       *qualify_delivery_dup_message_id    (const char           *workspace_id,
                                                gint64                delivery_id);

/* Called by the scorer inside its write transaction, right after it appended the
 * status-history rows whose id is greater than @after_history_id: queues one
 * outbox row per (transition, enabled endpoint that receives it), so a status
 * change and its deliveries commit or roll back together. */
gboolean    _qualify_outbox_enqueue_transitions (QualifyStore  *store,
                                                 gint64         after_history_id,
                                                 GError       **error);

/* Per state, for one endpoint (0 = all). */
gboolean    qualify_outbox_count               (QualifyStore         *store,
                                                gint64                endpoint_id,
                                                guint64               counts[QUALIFY_N_DELIVERY_STATES],
                                                GError              **error);
/* Most recent activity first (queued, attempted or delivered); @state < 0 =
 * any; @endpoint_id 0 = all. */
GPtrArray  *qualify_outbox_list                (QualifyStore         *store,
                                                gint64                endpoint_id,
                                                int                   state,
                                                guint                 limit,
                                                GError              **error);
/* Every delivery of one lead, newest first (the lead page's hand-off status). */
GPtrArray  *qualify_outbox_list_for_lead       (QualifyStore         *store,
                                                gint64                lead_id,
                                                GError              **error);
QualifyDelivery *qualify_outbox_get            (QualifyStore         *store,
                                                gint64                id,
                                                GError              **error);
/* A failed or waiting row: due now, failures forgotten for the endpoint. */
gboolean    qualify_outbox_retry_now           (QualifyStore         *store,
                                                gint64                id,
                                                GError              **error);
gboolean    qualify_outbox_discard             (QualifyStore         *store,
                                                gint64                id,
                                                GError              **error);
/* Leads whose current status the endpoint receives and that it was never sent. */
gboolean    qualify_outbox_count_backlog       (QualifyStore         *store,
                                                gint64                endpoint_id,
                                                guint64              *count,
                                                GError              **error);
gboolean    qualify_outbox_enqueue_backlog     (QualifyStore         *store,
                                                gint64                endpoint_id,
                                                guint64              *queued,
                                                GError              **error);
/* Rows left "sending" by a process that died go back to pending (the receiver
 * dedupes by webhook-id, so sending one again is safe). */
gboolean    qualify_outbox_recover             (QualifyStore         *store,
                                                GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyDelivery, qualify_delivery_free)

G_END_DECLS
