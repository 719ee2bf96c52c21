/* qualify-outbox.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-outbox"

#include "config.h"

#include "qualify-outbox.h"

/* The outbox tables arrive with schema version 2 (issue 5); until then there
 * is nothing to queue. */
gboolean
_qualify_outbox_enqueue_transitions (QualifyStore  *store,
                                     gint64         after_history_id,
                                     GError       **error)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (store), FALSE);
  return TRUE;
}
