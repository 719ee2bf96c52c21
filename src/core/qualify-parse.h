/* qualify-parse.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lenient numbers as CRM exports write them: "1200", "1,200", "1.2M", "$5,000,000",
 * "€1.5k", "12 500", "-3", "1.5e3", "51-200" (a range: its lower bound), "10000+".
 * Returns FALSE (and leaves @value alone) for empty, non-numeric or ambiguous text
 * such as "1,5,0" or "1.234,5,6". */
gboolean  qualify_parse_number     (const char  *text,
                                    double      *value);

/* Timestamps: ISO 8601 "2026-03-01T10:00:00Z", with offset "+02:00"/"+0200", naive
 * (taken as UTC), fractional seconds, "YYYY-MM-DD HH:MM[:SS]", or a date alone
 * "YYYY-MM-DD" (midnight UTC). Returns unix seconds UTC. */
gboolean  qualify_parse_timestamp  (const char  *text,
                                    gint64      *unix_seconds);

/* Formats unix seconds as "2026-03-01T10:00:00Z". */
char     *qualify_format_timestamp (gint64       unix_seconds);
char     *qualify_format_count     (guint64      n);

/* Trims and lower-cases; returns NULL when the result is not a plausible email
 * (exactly one '@', non-empty local part and a domain with a dot, no spaces). */
char     *qualify_normalize_email  (const char  *text);

/* The company domain in a website, URL or email: "https://www.Example.com:443/about",
 * "bob@Example.com" → "example.com" (scheme, "www.", port, path, trailing dots
 * removed; ASCII lower-cased). Writes into @out, which may end up empty. */
void      qualify_normalize_domain (GString     *out,
                                    const char  *text,
                                    gsize        len);

/* Glob with '*' and '?', both @pattern and @text already case-folded. */
gboolean  qualify_glob_match       (const char  *pattern,
                                    const char  *text);

G_END_DECLS
