/* qualify-crm-format.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "qualify-endpoint.h"
#include "qualify-outbox.h"
#include "qualify-store.h"

G_BEGIN_DECLS

/* What each format sends, built from a lead as it is when the delivery is
 * first attempted, then frozen in the outbox row so retries resend the same
 * bytes. */

/* The frozen per-delivery document (a JSON string):
 * - webhook: the whole request body {"type": "lead.mql", "timestamp", "data": {lead, fit,
 *   engagement, score, grade, status, transition, model_version, top_reasons, occurred_at}}
 * - hubspot: one batch input {"idProperty": "email", "id": email, "properties": {…}}
 * - salesforce: the Lead sObject fields (LastName and Company filled with
 *   "[not provided]" when missing: @note says so)
 * - pipedrive: {"person": {…}, "lead": {"title": …}} */
char       *qualify_crm_build_document (QualifyEndpoint        *endpoint,
                                        const QualifyDelivery  *delivery,
                                        QualifyLeadRecord      *lead,
                                        const char * const     *top_reasons,
                                        char                  **note);

/* How many deliveries one request carries. */
guint       qualify_crm_batch_size     (QualifyEndpointFormat   format);

/* Request body for @documents (frozen documents of the deliveries, in order). */
char       *qualify_crm_build_body     (QualifyEndpoint        *endpoint,
                                        const char * const     *documents,
                                        guint                   n);

/* HubSpot answers 207 (or 200 with "errors") per record: the emails that
 * failed, with their messages. Returns a table email → message (empty when all
 * succeeded), or NULL when @body is not a batch reply. */
GHashTable *qualify_crm_parse_batch_errors (const char          *body,
                                            gsize                len);

G_END_DECLS
