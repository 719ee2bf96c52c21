/* qualify-webhook.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-webhook"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <sys/random.h>

#include "qualify-webhook.h"

G_DEFINE_QUARK (qualify-webhook-error, qualify_webhook_error)

#define SECRET_PREFIX "whsec_"
#define SECRET_BYTES  32

char *
qualify_webhook_generate_secret (void)
{
  guint8 key[SECRET_BYTES];
  g_autofree char *b64 = NULL;
  gsize got = 0;

  while (got < sizeof key)
    {
      ssize_t n = getrandom (key + got, sizeof key - got, 0);

      if (n > 0)
        got += (gsize) n;
    }

  b64 = g_base64_encode (key, sizeof key);
  memset (key, 0, sizeof key);
  return g_strconcat (SECRET_PREFIX, b64, NULL);
}

static guint8 *
decode_secret (const char  *secret,
               gsize       *len,
               GError     **error)
{
  const char *b64 = secret;
  guint8 *key;

  if (secret == NULL || *secret == '\0')
    {
      g_set_error (error, QUALIFY_WEBHOOK_ERROR, QUALIFY_WEBHOOK_ERROR_BAD_SECRET,
                   _("The signing secret is empty"));
      return NULL;
    }
  if (g_str_has_prefix (b64, SECRET_PREFIX))
    b64 += strlen (SECRET_PREFIX);

  for (const char *p = b64; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      {
        g_set_error (error, QUALIFY_WEBHOOK_ERROR, QUALIFY_WEBHOOK_ERROR_BAD_SECRET,
                     _("The signing secret must be “whsec_” followed by base64 (found “%c”)"), *p);
        return NULL;
      }

  key = g_base64_decode (b64, len);
  if (*len < 16)
    {
      g_free (key);
      g_set_error (error, QUALIFY_WEBHOOK_ERROR, QUALIFY_WEBHOOK_ERROR_BAD_SECRET,
                   _("The signing secret is too short: it needs at least 16 bytes of key"));
      return NULL;
    }
  return key;
}

gboolean
qualify_webhook_check_secret (const char  *secret,
                              GError     **error)
{
  gsize len;
  g_autofree guint8 *key = decode_secret (secret, &len, error);

  return key != NULL;
}

static char *
sign_with_key (const guint8 *key,
               gsize         key_len,
               const char   *msg_id,
               gint64        timestamp,
               const char   *body,
               gsize         body_len)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  g_autofree char *prefix = g_strdup_printf ("%s.%" G_GINT64_FORMAT ".", msg_id, timestamp);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autofree char *b64 = NULL;

  g_hmac_update (hmac, (const guchar *) prefix, strlen (prefix));
  g_hmac_update (hmac, (const guchar *) body, body_len);
  g_hmac_get_digest (hmac, digest, &digest_len);
  b64 = g_base64_encode (digest, digest_len);
  return g_strconcat ("v1,", b64, NULL);
}

char *
qualify_webhook_sign (const char  *secret,
                      const char  *msg_id,
                      gint64       timestamp,
                      const char  *body,
                      gsize        body_len,
                      GError     **error)
{
  gsize key_len;
  g_autofree guint8 *key = decode_secret (secret, &key_len, error);
  char *signature;

  if (key == NULL)
    return NULL;
  signature = sign_with_key (key, key_len, msg_id, timestamp, body, body_len);
  memset (key, 0, key_len);
  return signature;
}

gboolean
qualify_webhook_verify (const char *secret,
                        const char *msg_id,
                        gint64      timestamp,
                        const char *body,
                        gsize       body_len,
                        const char *header)
{
  g_autofree char *expected = qualify_webhook_sign (secret, msg_id, timestamp, body, body_len, NULL);
  g_auto(GStrv) parts = NULL;
  gboolean ok = FALSE;

  if (expected == NULL || header == NULL)
    return FALSE;

  parts = g_strsplit (header, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      gsize a = strlen (parts[i]);
      gsize b = strlen (expected);
      guint8 diff = a != b;

      /* constant time over the expected length */
      for (gsize k = 0; k < b; k++)
        diff |= (guint8) ((k < a ? parts[i][k] : 0) ^ expected[k]);
      ok |= diff == 0;
    }
  return ok;
}
