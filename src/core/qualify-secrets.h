/* qualify-secrets.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-store.h"

G_BEGIN_DECLS

/* Webhook secrets and CRM tokens live in the user's keyring (libsecret),
 * never in the workspace, an export or a log. Items are keyed by the
 * workspace's id (a UUID kept in the workspace) and the endpoint name. */

/* The workspace's UUID, created on first use. */
char     *qualify_store_dup_workspace_id (QualifyStore  *store,
                                          GError       **error);

gboolean  qualify_secrets_store          (const char    *workspace_id,
                                          const char    *endpoint,
                                          const char    *secret,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* NULL with no error when there is none. */
char     *qualify_secrets_lookup         (const char    *workspace_id,
                                          const char    *endpoint,
                                          GCancellable  *cancellable,
                                          GError       **error);
gboolean  qualify_secrets_clear          (const char    *workspace_id,
                                          const char    *endpoint,
                                          GCancellable  *cancellable,
                                          GError       **error);

G_END_DECLS
