/* test-parse.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-parse"

#include "config.h"

#include "qualify-parse.h"

static void
test_numbers (void)
{
  static const struct {
    const char *text;
    double      value;
  } good[] = {
    { "1200", 1200 },
    { "  42  ", 42 },
    { "0", 0 },
    { "007", 7 },
    { "-3", -3 },
    { "+3", 3 },
    { "-2.5", -2.5 },
    { "0.5", 0.5 },
    { ".5", 0.5 },
    { "1,200", 1200 },
    { "1,200,000", 1200000 },
    { "12,345,678.9", 12345678.9 },
    { "1.200.000", 1200000 },
    { "1 200", 1200 },
    { "12 500", 12500 },
    { "1 200 000", 1200000 },
    { "12\xc2\xa0" "500", 12500 },              /* no-break space */
    { "12\xe2\x80\xaf" "500,50", 12500.5 },      /* narrow no-break space, decimal comma */
    { "1'000'000", 1000000 },
    { "1,5", 1.5 },
    { "2,75", 2.75 },
    { "0,500", 0.5 },
    { "1.234,56", 1234.56 },
    { "1,234.56", 1234.56 },
    { "1.200", 1.2 },                            /* a lone dot is a decimal point */
    { "1.2345", 1.2345 },
    { "1.2M", 1200000 },
    { "1.1M", 1100000 },
    { "1.2 m", 1200000 },
    { "3mm", 3000000 },
    { "3 MM", 3000000 },
    { "5k", 5000 },
    { "5K", 5000 },
    { "2b", 2e9 },
    { "2.5bn", 2.5e9 },
    { "2 BN", 2e9 },
    { "$5,000,000", 5000000 },
    { "$ 5,000,000", 5000000 },
    { "-$5", -5 },
    { "$-5", -5 },
    { "\xe2\x82\xac" "1.5k", 1500 },             /* €1.5k */
    { "1.500 \xe2\x82\xac", 1.5 },
    { "\xc2\xa3" "20", 20 },                     /* £20 */
    { "\xc2\xa5" "3000", 3000 },                 /* ¥3000 */
    { "1.5e3", 1500 },
    { "2E-2", 0.02 },
    { "51-200", 51 },
    { "51 - 200", 51 },
    { "1k-5k", 1000 },
    { "10\xe2\x80\x93" "50", 10 },               /* en dash */
    { "10,000+", 10000 },
    { "10000+", 10000 },
    { "10k+", 10000 },
    { "$1M+", 1000000 },
    { "123456789012345678901234567890", 123456789012345678901234567890.0 },
  };
  static const char *bad[] = {
    "", "   ", "abc", "-", ".", "1.", "1,", ",5", "%", "50%", "1,5,0", "1.234,5,6",
    "12345,678", "1,00,000", "1,2345.6", "1.234.5", "1 5", "1,234 567",
    "(3)", "3 bananas", "5e", "1.5e3k3", "1,000e3", "2026-03-01", "200-51", "-5-10",
    "USD 5", "5 USD", "1/2", "0x10", "nan", "inf", "1 2 3", "12kk", "k",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      double v = -12345.678;

      if (!qualify_parse_number (good[i].text, &v))
        g_error ("“%s” should parse as %g", good[i].text, good[i].value);
      g_assert_cmpfloat_with_epsilon (v, good[i].value, MAX (1e-9, good[i].value * 1e-15));
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double v = -12345.678;

      if (qualify_parse_number (bad[i], &v))
        g_error ("“%s” should not parse, got %g", bad[i], v);
      g_assert_cmpfloat (v, ==, -12345.678);
    }

  {
    double v = -1;

    g_assert_false (qualify_parse_number (NULL, &v));
    /* Exact: no rounding error from the suffix multiplication. */
    g_assert_true (qualify_parse_number ("1.1M", &v));
    g_assert_cmpfloat (v, ==, 1100000.0);
    g_assert_true (qualify_parse_number ("0.1", &v));
    g_assert_cmpfloat (v, ==, 0.1);
  }
}

static void
test_timestamps (void)
{
  static const struct {
    const char *text;
    gint64      seconds;
  } good[] = {
    { "1970-01-01T00:00:00Z", 0 },
    { "2026-03-01T10:00:00Z", 1772359200 },
    { "2026-03-01T10:00:00+02:00", 1772352000 },
    { "2026-03-01T10:00:00+0200", 1772352000 },
    { "2026-03-01T10:00:00+02", 1772352000 },
    { "2026-03-01T10:00:00-05:30", 1772359200 + 5 * 3600 + 1800 },
    { "2026-03-01T10:00:00", 1772359200 },
    { "2026-03-01t10:00:00z", 1772359200 },
    { "2026-03-01 10:00:00", 1772359200 },
    { "2026-03-01 10:00", 1772359200 },
    { "2026-03-01T10:00Z", 1772359200 },
    { "2026-03-01T10:00:00.123456Z", 1772359200 },
    { "2026-03-01T10:00:00,5+01:00", 1772359200 - 3600 },
    { "2026-03-01 10:00:00 UTC", 1772359200 },
    { "  2026-03-01T10:00:00Z  ", 1772359200 },
    { "2026-03-01", 1772323200 },
    { "2026/03/01", 1772323200 },
    { "2026/3/1 10:00", 1772359200 },
    { "2026/03/01 10:00:00", 1772359200 },
    { "2024-02-29T12:00:00Z", 1709208000 },
    { "2000-02-29", 951782400 },
    { "1969-12-31T23:59:59Z", -1 },
    { "1900-01-01", -2208988800 },
    { "2026-12-31T23:59:60Z", 1798761600 },
    { "2026-01-01T00:30:00+01:00", 1767223800 },
  };
  static const char *bad[] = {
    "", "   ", "03/04/2026", "2026", "2026-03", "2026-3-1", "2026-13-01", "2026-00-10",
    "2026-02-29", "2025-02-29", "1900-02-29", "2026-04-31", "2026-03-00", "2026-03-01T24:00:00Z",
    "2026-03-01T10:60", "2026-03-01T10:00:61", "2026-03-01T10", "2026-03-01T",
    "2026-03-01T10:00:00+2",
    "2026-03-01T10:00:00+25:00", "2026-03-01T10:00:00Q", "2026-03-01 and more", "20260301",
    "2026-03-01T10:00:00 +02:00 x", "2026/03-01", "yesterday",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 t = 42;

      if (!qualify_parse_timestamp (good[i].text, &t))
        g_error ("“%s” should parse", good[i].text);
      if (t != good[i].seconds)
        g_error ("“%s”: got %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                 good[i].text, t, good[i].seconds);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 t = 42;

      if (qualify_parse_timestamp (bad[i], &t))
        g_error ("“%s” should not parse, got %" G_GINT64_FORMAT, bad[i], t);
      g_assert_cmpint (t, ==, 42);
    }
}

static void
test_timestamps_against_gdatetime (void)
{
  /* Every day across four centuries agrees with GDateTime. */
  for (gint64 t = -4102444800; t < 8000000000; t += 86400 + 3599)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *formatted = qualify_format_timestamp (t);
      gint64 parsed = 0;

      g_assert_cmpstr (formatted, ==, iso);
      g_assert_true (qualify_parse_timestamp (iso, &parsed));
      g_assert_cmpint (parsed, ==, t);
    }
}

static void
test_format_timestamp (void)
{
  g_autofree char *a = qualify_format_timestamp (1772359200);
  g_autofree char *b = qualify_format_timestamp (0);
  g_autofree char *c = qualify_format_timestamp (-1);
  g_autofree char *d = qualify_format_timestamp (1709208000);

  g_assert_cmpstr (a, ==, "2026-03-01T10:00:00Z");
  g_assert_cmpstr (b, ==, "1970-01-01T00:00:00Z");
  g_assert_cmpstr (c, ==, "1969-12-31T23:59:59Z");
  g_assert_cmpstr (d, ==, "2024-02-29T12:00:00Z");
}

static void
test_emails (void)
{
  static const struct {
    const char *text;
    const char *expected;
  } cases[] = {
    { "ann@example.com", "ann@example.com" },
    { "  Ann.Lee@Example.COM \t", "ann.lee@example.com" },
    { "<ann@example.com>", "ann@example.com" },
    { "Ann Lee <Ann@Example.com>", "ann@example.com" },
    { "mailto:Bob@Example.org", "bob@example.org" },
    { "MAILTO:bob@example.org", "bob@example.org" },
    { "bob+tag@sub.example.co.uk", "bob+tag@sub.example.co.uk" },
    { "ZOË@Exämple.DE", "zoë@exämple.de" },
    { "", NULL },
    { "   ", NULL },
    { "ann", NULL },
    { "ann@", NULL },
    { "@example.com", NULL },
    { "ann@example", NULL },
    { "ann@@example.com", NULL },
    { "ann@bob@example.com", NULL },
    { "ann@.example.com", NULL },
    { "ann@example.com.", NULL },
    { "ann@example..com", NULL },
    { "ann lee@example.com", NULL },
    { "ann@example.com, bob@example.com", NULL },
    { "ann@exa,mple.com", NULL },
    { "<>", NULL },
    { "ann@example.com>", NULL },
    { "mailto:", NULL },
    { "ann@ex\xff" "ample.com", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = qualify_normalize_email (cases[i].text);

      if (g_strcmp0 (got, cases[i].expected) != 0)
        g_error ("“%s”: got “%s”, expected “%s”", cases[i].text,
                 got ? got : "(null)", cases[i].expected ? cases[i].expected : "(null)");
    }
  g_assert_null (qualify_normalize_email (NULL));
}

static void
test_globs (void)
{
  static const struct {
    const char *pattern;
    const char *text;
    gboolean    match;
  } cases[] = {
    { "/pricing*", "/pricing", TRUE },
    { "/pricing*", "/pricing/enterprise", TRUE },
    { "/pricing*", "/about/pricing", FALSE },
    { "*pricing*", "/about/pricing", TRUE },
    { "/pricing", "/pricing", TRUE },
    { "/pricing", "/pricing/", FALSE },
    { "/blog/?", "/blog/a", TRUE },
    { "/blog/?", "/blog/", FALSE },
    { "/blog/?", "/blog/ab", FALSE },
    { "/blog/?", "/blog/é", TRUE },             /* one character, two bytes */
    { "/blog/??", "/blog/é", FALSE },
    { "/blog/*/comments", "/blog/2026/03/comments", TRUE },
    { "/blog/*/comments", "/blog/2026/03/comment", FALSE },
    { "*", "", TRUE },
    { "*", "anything", TRUE },
    { "", "", TRUE },
    { "", "a", FALSE },
    { "?", "", FALSE },
    { "a*b*c", "aXbYc", TRUE },
    { "a*b*c", "abcbc", TRUE },
    { "a*b*c", "acb", FALSE },
    { "*.pdf", "whitepaper.pdf", TRUE },
    { "*.pdf", "whitepaper.pdf.html", FALSE },
    { "*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", FALSE },
    { "**?", "x", TRUE },
    { "webinar*", "webinar_attended", TRUE },
    { "zoë*", "zoë müller", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (qualify_glob_match (cases[i].pattern, cases[i].text) != cases[i].match)
        g_error ("glob “%s” on “%s” should be %s", cases[i].pattern, cases[i].text,
                 cases[i].match ? "TRUE" : "FALSE");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/parse/numbers", test_numbers);
  g_test_add_func ("/parse/timestamps", test_timestamps);
  g_test_add_func ("/parse/timestamps-against-gdatetime", test_timestamps_against_gdatetime);
  g_test_add_func ("/parse/format-timestamp", test_format_timestamp);
  g_test_add_func ("/parse/emails", test_emails);
  g_test_add_func ("/parse/globs", test_globs);

  return g_test_run ();
}
