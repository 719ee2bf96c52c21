/* test-webhook.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <nettle/hmac.h>
#include <string.h>

#include "qualify-endpoint.h"
#include "qualify-webhook.h"

/* The published Standard Webhooks test vector. */
#define VECTOR_SECRET    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define VECTOR_ID        "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define VECTOR_TIMESTAMP 1614265330
#define VECTOR_BODY      "{\"test\": 2432232314}"
#define VECTOR_SIGNATURE "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static void
test_webhook_vector (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = qualify_webhook_sign (VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP,
                                                     VECTOR_BODY, strlen (VECTOR_BODY), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (signature, ==, VECTOR_SIGNATURE);
  g_assert_true (qualify_webhook_verify (VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY,
                                         strlen (VECTOR_BODY), "v1,bm9wZQ== " VECTOR_SIGNATURE));
  /* one byte of the body, the id or the time changed: no match */
  g_assert_false (qualify_webhook_verify (VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, "{\"test\": 2432232315}",
                                          strlen (VECTOR_BODY), VECTOR_SIGNATURE));
  g_assert_false (qualify_webhook_verify (VECTOR_SECRET, "msg_other", VECTOR_TIMESTAMP, VECTOR_BODY,
                                          strlen (VECTOR_BODY), VECTOR_SIGNATURE));
  g_assert_false (qualify_webhook_verify (VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP + 1, VECTOR_BODY,
                                          strlen (VECTOR_BODY), VECTOR_SIGNATURE));
}

/* An independent HMAC (nettle, not GLib's GHmac) over a generated secret. */
static void
test_webhook_generated_secret (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = qualify_webhook_generate_secret ();
  g_autofree char *other = qualify_webhook_generate_secret ();
  g_autofree guchar *key = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *b64 = NULL;
  const char *body = "{\"type\":\"lead.mql\",\"data\":{\"lead\":{\"email\":\"ann@acme.example\"}}}";
  struct hmac_sha256_ctx ctx;
  guint8 digest[SHA256_DIGEST_SIZE];
  gsize key_len;

  g_assert_true (g_str_has_prefix (secret, "whsec_"));
  g_assert_cmpstr (secret, !=, other);
  g_assert_true (qualify_webhook_check_secret (secret, &error));
  g_assert_no_error (error);
  key = g_base64_decode (secret + strlen ("whsec_"), &key_len);
  g_assert_cmpuint (key_len, ==, 32);

  signature = qualify_webhook_sign (secret, "msg_42", 1700000000, body, strlen (body), &error);
  g_assert_no_error (error);

  hmac_sha256_set_key (&ctx, key_len, key);
  hmac_sha256_update (&ctx, strlen ("msg_42.1700000000."), (const guint8 *) "msg_42.1700000000.");
  hmac_sha256_update (&ctx, strlen (body), (const guint8 *) body);
  hmac_sha256_digest (&ctx, sizeof digest, digest);
  b64 = g_base64_encode (digest, sizeof digest);
  expected = g_strconcat ("v1,", b64, NULL);
  g_assert_cmpstr (signature, ==, expected);
}

static void
test_webhook_bad_secret (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (qualify_webhook_check_secret ("whsec_not base64!", &error));
  g_assert_error (error, QUALIFY_WEBHOOK_ERROR, QUALIFY_WEBHOOK_ERROR_BAD_SECRET);
  g_clear_error (&error);
  g_assert_false (qualify_webhook_check_secret ("whsec_c2hvcnQ=", &error));
  g_assert_error (error, QUALIFY_WEBHOOK_ERROR, QUALIFY_WEBHOOK_ERROR_BAD_SECRET);
  g_clear_error (&error);
  g_assert_null (qualify_webhook_sign ("", "msg", 1, "{}", 2, &error));
  g_assert_error (error, QUALIFY_WEBHOOK_ERROR, QUALIFY_WEBHOOK_ERROR_BAD_SECRET);
}

static void
test_endpoint_urls (void)
{
  static const struct { const char *url; gboolean ok; } cases[] = {
    { "https://hooks.example.com/qualify", TRUE },
    { "http://127.0.0.1:8080/hook", TRUE },
    { "http://localhost/hook", TRUE },
    { "http://[::1]:9000/", TRUE },
    { "http://hooks.example.com/qualify", FALSE },   /* plain http over the network */
    { "http://10.0.0.5/hook", FALSE },
    { "ftp://example.com/", FALSE },
    { "not a url", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = qualify_endpoint_check_url (cases[i].url, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID);
    }
}

static void
test_endpoint_transitions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint bits = 0;

  g_assert_true (qualify_endpoint_parse_transitions ("sql, MQL", &bits, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bits, ==, (1u << QUALIFY_STATUS_MQL) | (1u << QUALIFY_STATUS_SQL));
  text = qualify_endpoint_transitions_to_string (bits);
  g_assert_cmpstr (text, ==, "mql,sql");
  g_assert_false (qualify_endpoint_parse_transitions ("mql,hot", &bits, &error));
  g_assert_error (error, QUALIFY_ENDPOINT_ERROR, QUALIFY_ENDPOINT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“hot”"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/webhook/standard-webhooks-vector", test_webhook_vector);
  g_test_add_func ("/webhook/generated-secret", test_webhook_generated_secret);
  g_test_add_func ("/webhook/bad-secret", test_webhook_bad_secret);
  g_test_add_func ("/endpoint/urls", test_endpoint_urls);
  g_test_add_func ("/endpoint/transitions", test_endpoint_transitions);

  return g_test_run ();
}
