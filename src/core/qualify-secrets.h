/* qualify-secrets.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

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

/* The same without blocking, for the UI (results on the caller's thread-default
 * main context). lookup_finish returns NULL with no error when there is none. */
void      qualify_secrets_store_async    (const char          *workspace_id,
                                          const char          *endpoint,
                                          const char          *secret,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  qualify_secrets_store_finish   (GAsyncResult        *result,
                                          GError             **error);
void      qualify_secrets_lookup_async   (const char          *workspace_id,
                                          const char          *endpoint,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char     *qualify_secrets_lookup_finish  (GAsyncResult        *result,
                                          GError             **error);
void      qualify_secrets_clear_async    (const char          *workspace_id,
                                          const char          *endpoint,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  qualify_secrets_clear_finish   (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
