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
      { "NULL", 0 },
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
