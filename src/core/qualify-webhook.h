/* qualify-webhook.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QUALIFY_WEBHOOK_ERROR (qualify_webhook_error_quark ())

typedef enum
{
  QUALIFY_WEBHOOK_ERROR_BAD_SECRET,  /* not "whsec_" + base64 */
} QualifyWebhookError;

GQuark    qualify_webhook_error_quark     (void);

/* A new signing secret in the Standard Webhooks format: "whsec_" + base64 of
 * 32 random bytes from the kernel. */
char     *qualify_webhook_generate_secret (void);
gboolean  qualify_webhook_check_secret    (const char  *secret,
                                           GError     **error);
/* The webhook-signature header value: "v1,<base64 HMAC-SHA256 of
 * "{msg_id}.{timestamp}.{body}">", keyed with the secret's decoded bytes. */
char     *qualify_webhook_sign            (const char  *secret,
                                           const char  *msg_id,
                                           gint64       timestamp,
                                           const char  *body,
                                           gsize        body_len,
                                           GError     **error);
/* TRUE when any "v1,…" signature in the space-separated @header matches. */
gboolean  qualify_webhook_verify          (const char  *secret,
                                           const char  *msg_id,
                                           gint64       timestamp,
                                           const char  *body,
                                           gsize        body_len,
                                           const char  *header);

G_END_DECLS
