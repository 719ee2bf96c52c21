/* qualify-secrets.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-secrets"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "qualify-secrets.h"
#include "qualify-store-private.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.qualifyapp.Qualify.Secret", SECRET_SCHEMA_NONE,
    {
      { "workspace", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

char *
qualify_store_dup_workspace_id (QualifyStore  *store,
                                GError       **error)
{
  char *id = _qualify_store_dup_setting (store, "workspace_id");

  if (id != NULL)
    return id;

  id = g_uuid_string_random ();
  if (!_qualify_store_set_setting (store, "workspace_id", id, error))
    g_clear_pointer (&id, g_free);
  return id;
}

static void
prefix_keyring_error (GError **error)
{
  if (error != NULL && *error != NULL)
    g_prefix_error (error, _("The keyring could not be used (is a Secret Service such as GNOME "
                             "Keyring running?): "));
}

gboolean
qualify_secrets_store (const char    *workspace_id,
                       const char    *endpoint,
                       const char    *secret,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *label = g_strdup_printf (_("Qualify hand-off secret for “%s”"), endpoint);

  if (!secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                                   cancellable, error,
                                   "workspace", workspace_id, "endpoint", endpoint, NULL))
    {
      prefix_keyring_error (error);
      return FALSE;
    }
  return TRUE;
}

char *
qualify_secrets_lookup (const char    *workspace_id,
                        const char    *endpoint,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GError *local_error = NULL;
  char *secret = secret_password_lookup_sync (get_schema (), cancellable, &local_error,
                                              "workspace", workspace_id, "endpoint", endpoint, NULL);
  char *copy;

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      prefix_keyring_error (error);
      return NULL;
    }
  if (secret == NULL)
    return NULL;
  /* secret_password_free() wipes the keyring's copy */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

gboolean
qualify_secrets_clear (const char    *workspace_id,
                       const char    *endpoint,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GError *local_error = NULL;

  secret_password_clear_sync (get_schema (), cancellable, &local_error,
                              "workspace", workspace_id, "endpoint", endpoint, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      prefix_keyring_error (error);
      return FALSE;
    }
  return TRUE;
}

/* Async variants, for the UI: libsecret's own async calls, with the same
 * error wording as the sync ones. */

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      prefix_keyring_error (&error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
qualify_secrets_store_async (const char          *workspace_id,
                             const char          *endpoint,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = g_strdup_printf (_("Qualify hand-off secret for “%s”"), endpoint);

  g_task_set_source_tag (task, qualify_secrets_store_async);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                         store_done_cb, task,
                         "workspace", workspace_id, "endpoint", endpoint, NULL);
}

gboolean
qualify_secrets_store_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      prefix_keyring_error (&error);
      g_task_return_error (task, error);
      return;
    }
  if (secret == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  g_task_return_pointer (task, g_strdup (secret), g_free);
  secret_password_free (secret);
}

void
qualify_secrets_lookup_async (const char          *workspace_id,
                              const char          *endpoint,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, qualify_secrets_lookup_async);
  secret_password_lookup (get_schema (), cancellable, lookup_done_cb, task,
                          "workspace", workspace_id, "endpoint", endpoint, NULL);
}

char *
qualify_secrets_lookup_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      prefix_keyring_error (&error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
qualify_secrets_clear_async (const char          *workspace_id,
                             const char          *endpoint,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, qualify_secrets_clear_async);
  secret_password_clear (get_schema (), cancellable, clear_done_cb, task,
                         "workspace", workspace_id, "endpoint", endpoint, NULL);
}

gboolean
qualify_secrets_clear_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
