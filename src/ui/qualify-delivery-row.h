/* qualify-delivery-row.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qualify-outbox.h"

G_BEGIN_DECLS

#define QUALIFY_TYPE_DELIVERY_ROW (qualify_delivery_row_get_type ())
G_DECLARE_FINAL_TYPE (QualifyDeliveryRow, qualify_delivery_row, QUALIFY, DELIVERY_ROW, AdwActionRow)

/* One line of the delivery log: lead, endpoint, transition, attempts, last HTTP
 * status, the reason or response excerpt and the next retry. Signals "retry"
 * and "discard" (no arguments) from its Retry Now / Discard buttons, shown for
 * failed rows and rows waiting for a retry. */
GtkWidget  *qualify_delivery_row_new             (const QualifyDelivery *delivery);
gint64      qualify_delivery_row_get_delivery_id (QualifyDeliveryRow    *self);
/* 0 when the lead was deleted. */
gint64      qualify_delivery_row_get_lead_id     (QualifyDeliveryRow    *self);
QualifyDeliveryState qualify_delivery_row_get_state (QualifyDeliveryRow *self);

/* "HubSpot · 2 attempts · HTTP 503 · next retry 2026-11-23 10:04" and, on a
 * second line, the reason or the start of the response. */
char       *qualify_delivery_describe            (const QualifyDelivery *delivery);
/* "14:02" today, "tomorrow 09:30", "yesterday 18:00", else "2026-11-23 10:04"; "" for 0. */
char       *qualify_delivery_format_when         (gint64                 unix_time);

G_END_DECLS
