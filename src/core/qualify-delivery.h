/* qualify-delivery.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "qualify-endpoint.h"
#include "qualify-outbox.h"
#include "qualify-store.h"

G_BEGIN_DECLS

#define QUALIFY_DELIVERY_ERROR (qualify_delivery_error_quark ())

typedef enum
{
  QUALIFY_DELIVERY_ERROR_NO_SECRET,   /* the endpoint's secret/token is not in the keyring */
  QUALIFY_DELIVERY_ERROR_TIMEOUT,     /* --until-empty gave up with deliveries still pending */
} QualifyDeliveryError;

typedef struct
{
  guint64 requests;     /* HTTP requests made */
  guint64 delivered;    /* outbox rows delivered */
  guint64 retrying;     /* attempts that failed and will be retried */
  guint64 failed;       /* rows that failed for good */
  guint64 pending;      /* rows still pending at the end */
} QualifyPushSummary;

/* Progress of a push, called on the pushing thread. */
typedef void (*QualifyPushProgress) (const QualifyPushSummary *summary,
                                     gpointer                  user_data);

GQuark       qualify_delivery_error_quark  (void);

/* The one factory for HTTP sessions: 15 s timeout, "Qualify/VERSION" user agent,
 * certificates verified (there is no switch to turn that off). */
SoupSession *qualify_delivery_session_new  (void);

/* Sends due deliveries, oldest first per endpoint (@endpoint NULL = all enabled,
 * active endpoints), batching where the CRM has a batch API. Success is 2xx only;
 * redirects are not followed; 408/429/5xx and network errors retry with
 * exponential backoff and jitter (5 s … ≈ 3 days in all), honouring
 * Retry-After; other 4xx fail the delivery with the CRM's reason; 410 disables
 * the endpoint; 8 failed attempts in a row pause it. With @until_empty, keeps
 * going — sleeping until the next retry is due — until nothing is pending or
 * @timeout_seconds (0 = no limit) pass. Blocking: for the CLI and worker threads. */
gboolean     qualify_delivery_push         (QualifyStore         *store,
                                            const char           *endpoint,
                                            gboolean              until_empty,
                                            double                timeout_seconds,
                                            GCancellable         *cancellable,
                                            QualifyPushProgress   progress,
                                            gpointer              user_data,
                                            QualifyPushSummary   *summary,
                                            GError              **error);
/* The same in a thread with its own connection to @workspace_path. */
void         qualify_delivery_push_async   (const char           *workspace_path,
                                            const char           *endpoint,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
/* The same with qualify_delivery_push()'s options, and @progress called on the
 * caller's thread-default main context (at most ten times a second, never
 * after the callback); @progress_destroy frees @progress_data at the end, on
 * that context too.
 * Finish with qualify_delivery_push_finish(). */
void         qualify_delivery_push_full_async (const char          *workspace_path,
                                               const char          *endpoint,
                                               gboolean             until_empty,
                                               double               timeout_seconds,
                                               QualifyPushProgress  progress,
                                               gpointer             progress_data,
                                               GDestroyNotify       progress_destroy,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     qualify_delivery_push_finish  (GAsyncResult         *result,
                                            QualifyPushSummary   *summary,
                                            GError              **error);

/* Sends one made-up MQL to @endpoint (nothing is queued or stored) and returns
 * the exact request and response as text; secrets are masked in the request. */
gboolean     qualify_delivery_test_endpoint (QualifyStore        *store,
                                             QualifyEndpoint     *endpoint,
                                             char               **request_text,
                                             char               **response_text,
                                             GError             **error);

/* The same with @secret (a webhook secret or a token) given, for an endpoint
 * that is not saved yet. */
gboolean     qualify_delivery_test_endpoint_with_secret (QualifyStore    *store,
                                                         QualifyEndpoint *endpoint,
                                                         const char      *secret,
                                                         char           **request_text,
                                                         char           **response_text,
                                                         GError         **error);

/* qualify_delivery_test_endpoint() in a thread with its own connection to
 * @workspace_path; @endpoint is copied (it need not be saved); @secret NULL =
 * the one in the keyring. The texts are returned even when the CRM did not
 * answer (the response text then says why); an error means no request could
 * be made (no secret, bad URL, workspace not readable). */
void         qualify_delivery_test_endpoint_async  (const char            *workspace_path,
                                                    const QualifyEndpoint *endpoint,
                                                    const char            *secret,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
gboolean     qualify_delivery_test_endpoint_finish (GAsyncResult          *result,
                                                    char                 **request_text,
                                                    char                 **response_text,
                                                    GError               **error);

/* The wait before retry number @attempt (1-based), without jitter; 0 when the
 * schedule is exhausted. */
gint64       qualify_delivery_backoff_seconds (guint attempt);

G_END_DECLS
