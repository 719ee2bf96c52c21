/* qualify-parse.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-parse"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "qualify-parse.h"

/* Hand-written parsers for cell values. They run once per cell of files with
 * millions of rows, so they neither allocate nor use regular expressions or
 * GDateTime in the common case. */

#define MAX_DIGITS  40
#define MAX_GROUPS  16

static const double pow10_table[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* ASCII blanks, U+00A0 NO-BREAK SPACE and U+202F NARROW NO-BREAK SPACE (both used
 * as thousands separators by spreadsheets). Returns the length, or 0. */
static inline gsize
space_len (const char *p)
{
  const guchar *u = (const guchar *) p;

  if (u[0] == ' ' || u[0] == '\t')
    return 1;
  if (u[0] == 0xC2 && u[1] == 0xA0)
    return 2;
  if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
    return 3;
  return 0;
}

static inline const char *
skip_spaces (const char *p)
{
  gsize n;

  while ((n = space_len (p)) > 0)
    p += n;
  return p;
}

/* $ € £ ¥ */
static inline const char *
skip_currency (const char *p)
{
  const guchar *u = (const guchar *) p;

  if (u[0] == '$')
    return p + 1;
  if (u[0] == 0xE2 && u[1] == 0x82 && u[2] == 0xAC)
    return p + 3;
  if (u[0] == 0xC2 && (u[1] == 0xA3 || u[1] == 0xA5))
    return p + 2;
  return p;
}

/* Returns the length of a separator between digit groups at @p, or 0. */
static inline gsize
separator_len (const char *p,
               char       *kind)
{
  gsize n;

  if (*p == ',' || *p == '.' || *p == '\'')
    {
      *kind = *p;
      return is_digit (p[1]) ? 1 : 0;
    }
  n = space_len (p);
  if (n > 0 && is_digit (p[n]))
    {
      *kind = ' ';
      return n;
    }
  return 0;
}

typedef struct
{
  char  digits[MAX_DIGITS + 1];
  guint n_digits;
  int   exp10;      /* value = digits × 10^exp10 */
} Decimal;

/* Parses the digits, separators and exponent of a number; see qualify_parse_number(). */
static gboolean
parse_body (const char  *p,
            const char **endp,
            Decimal     *d)
{
  guint group_len[MAX_GROUPS];
  char seps[MAX_GROUPS];
  guint n_groups = 0;
  guint n_seps = 0;
  int decimal_sep = -1;     /* index into seps of the decimal separator */
  guint int_digits = 0;

  d->n_digits = 0;
  d->exp10 = 0;

  /* ".5" */
  if (*p == '.' && is_digit (p[1]))
    {
      group_len[n_groups++] = 0;
      seps[n_seps++] = '.';
      p++;
    }

  for (;;)
    {
      guint len = 0;
      char kind = 0;
      gsize sep;

      while (is_digit (*p))
        {
          if (d->n_digits == MAX_DIGITS)
            return FALSE;
          d->digits[d->n_digits++] = *p++;
          len++;
        }
      if (len == 0)
        return FALSE;
      group_len[n_groups++] = len;

      sep = separator_len (p, &kind);
      if (sep == 0)
        break;
      if (n_groups == MAX_GROUPS)
        return FALSE;
      seps[n_seps++] = kind;
      p += sep;
    }

  /* Which separator, if any, is the decimal one? */
  if (n_seps > 0)
    {
      char last = seps[n_seps - 1];
      guint n_last = 0;

      for (guint i = 0; i < n_seps; i++)
        if (seps[i] == last)
          n_last++;

      if (n_last != n_seps)
        {
          /* Mixed: "1,234.56", "1.234,56", "12 500,50". The last kind is the
           * decimal separator and appears once; the others are all one kind. */
          if (n_last != 1 || last == ' ' || last == '\'')
            return FALSE;
          for (guint i = 1; i + 1 < n_seps; i++)
            if (seps[i] != seps[0])
              return FALSE;
          decimal_sep = n_seps - 1;
        }
      else if (n_seps == 1 && last == '.')
        decimal_sep = 0;  /* "1.200" is 1.2: a lone dot is a decimal point */
      else if (n_seps == 1 && last == ',' &&
               (group_len[1] != 3 || (group_len[0] == 1 && d->digits[0] == '0')))
        decimal_sep = 0;  /* "1,5", "0,500" */

      /* Thousands separators: 1 to 3 digits first, then groups of exactly 3. */
      if (decimal_sep != 0 && (group_len[0] < 1 || group_len[0] > 3))
        return FALSE;
      for (guint i = 0; i < n_seps; i++)
        if ((int) i != decimal_sep && group_len[i + 1] != 3)
          return FALSE;
    }

  for (guint i = 0; i < n_groups; i++)
    {
      if (decimal_sep >= 0 && i > (guint) decimal_sep)
        break;
      int_digits += group_len[i];
    }
  d->exp10 = -(int) (d->n_digits - int_digits);

  /* Exponent, only on plain numbers: "1.5e3" */
  if ((*p == 'e' || *p == 'E') && (n_seps == 0 || (n_seps == 1 && seps[0] == '.')))
    {
      const char *q = p + 1;
      gboolean negative = FALSE;
      int exponent = 0;

      if (*q == '+' || *q == '-')
        negative = *q++ == '-';
      if (is_digit (*q))
        {
          while (is_digit (*q))
            {
              if (exponent < 100000)
                exponent = exponent * 10 + (*q - '0');
              q++;
            }
          d->exp10 += negative ? -exponent : exponent;
          p = q;
        }
    }

  *endp = p;
  return TRUE;
}

/* digits × 10^(exp10 + extra), exactly rounded in the common case. */
static gboolean
decimal_value (const Decimal *d,
               int            extra,
               double        *value)
{
  int e = d->exp10 + extra;
  char buf[MAX_DIGITS + 32];
  gsize n;

  if (d->n_digits <= 15 && e >= -22 && e <= 22)
    {
      guint64 mantissa = 0;

      for (guint i = 0; i < d->n_digits; i++)
        mantissa = mantissa * 10 + (guint64) (d->digits[i] - '0');
      if (e >= 0)
        *value = (double) mantissa * pow10_table[e];
      else
        *value = (double) mantissa / pow10_table[-e];
      return TRUE;
    }

  /* Rare: let the C library round "ddddde±x". */
  memcpy (buf, d->digits, d->n_digits);
  n = d->n_digits;
  g_snprintf (buf + n, sizeof buf - n, "e%d", e);
  *value = g_ascii_strtod (buf, NULL);
  return *value < G_MAXDOUBLE;
}

/* k/K, m/M/mm/MM, b/B/bn/BN, not followed by another letter; sets the power of ten. */
static const char *
parse_suffix (const char *p,
              int        *exp10)
{
  const char *q = skip_spaces (p);
  char c = g_ascii_tolower (*q);
  const char *after;

  if (c == 'k')
    {
      *exp10 = 3;
      after = q + 1;
    }
  else if (c == 'm')
    {
      *exp10 = 6;
      after = g_ascii_tolower (q[1]) == 'm' ? q + 2 : q + 1;
    }
  else if (c == 'b')
    {
      *exp10 = 9;
      after = g_ascii_tolower (q[1]) == 'n' ? q + 2 : q + 1;
    }
  else
    {
      *exp10 = 0;
      return p;
    }

  if (g_ascii_isalpha (*after))
    {
      *exp10 = 0;
      return p;
    }
  return after;
}

/* A value with its suffix, a currency symbol after it and a "+"; returns the end or NULL. */
static const char *
parse_amount (const char *p,
              double     *value)
{
  Decimal d;
  int suffix;
  const char *end;

  p = skip_currency (skip_spaces (p));
  if (!parse_body (p, &end, &d))
    return NULL;
  p = parse_suffix (end, &suffix);
  if (!decimal_value (&d, suffix, value))
    return NULL;
  p = skip_currency (skip_spaces (p));
  if (*p == '+')
    p++;
  return skip_spaces (p);
}

gboolean
qualify_parse_number (const char *text,
                      double     *value)
{
  const char *p;
  gboolean negative = FALSE;
  double v;

  g_return_val_if_fail (value != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  p = skip_spaces (text);
  p = skip_currency (p);
  if (*p == '-' || *p == '+')
    {
      negative = *p == '-';
      p++;
    }

  p = parse_amount (p, &v);
  if (p == NULL)
    return FALSE;

  /* A range: "51-200", "1k–5k", "10 - 50"; its lower bound. */
  if (*p == '-' || (p[0] == '\xe2' && p[1] == '\x80' && p[2] == '\x93'))
    {
      double upper;

      p += *p == '-' ? 1 : 3;
      p = parse_amount (p, &upper);
      if (p == NULL || negative || upper < v)
        return FALSE;
    }

  if (*p != '\0')
    return FALSE;

  *value = negative ? -v : v;
  return TRUE;
}

/* Timestamps */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era;
  guint yoe;
  guint doy;
  guint doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static void
civil_from_days (gint64  z,
                 gint64 *year,
                 guint  *month,
                 guint  *day)
{
  gint64 era;
  guint doe;
  guint yoe;
  guint doy;
  guint mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (gint64) yoe + era * 400 + (*month <= 2);
}

static inline gboolean
is_leap (gint64 y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static guint
days_in_month (gint64 y,
               guint  m)
{
  static const guint8 days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  return m == 2 && is_leap (y) ? 29 : days[m - 1];
}

/* Reads exactly @n digits. */
static inline gboolean
read_digits (const char **p,
             guint        n,
             guint       *out)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      char c = (*p)[i];

      if (!is_digit (c))
        return FALSE;
      v = v * 10 + (guint) (c - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

/* Reads one or two digits. */
static inline gboolean
read_1_2_digits (const char **p,
                 guint       *out)
{
  if (!is_digit ((*p)[0]))
    return FALSE;
  if (is_digit ((*p)[1]))
    return read_digits (p, 2, out);
  return read_digits (p, 1, out);
}

gboolean
qualify_parse_timestamp (const char *text,
                         gint64     *unix_seconds)
{
  const char *p;
  guint year, month, day;
  guint hour = 0, minute = 0, second = 0;
  gint64 offset = 0;
  char sep;

  g_return_val_if_fail (unix_seconds != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  p = skip_spaces (text);

  if (!read_digits (&p, 4, &year))
    return FALSE;
  sep = *p;
  if (sep != '-' && sep != '/')
    return FALSE;
  p++;
  if (sep == '-')
    {
      if (!read_digits (&p, 2, &month) || *p++ != '-' || !read_digits (&p, 2, &day))
        return FALSE;
    }
  else
    {
      if (!read_1_2_digits (&p, &month) || *p++ != '/' || !read_1_2_digits (&p, &day))
        return FALSE;
    }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month (year, month))
    return FALSE;

  if ((*p == 'T' || *p == 't' || *p == ' ') && is_digit (p[1]))
    {
      p++;
      if (!read_digits (&p, 2, &hour) || *p++ != ':' || !read_digits (&p, 2, &minute))
        return FALSE;
      if (*p == ':')
        {
          p++;
          if (!read_digits (&p, 2, &second))
            return FALSE;
          if ((*p == '.' || *p == ',') && is_digit (p[1]))
            {
              /* Fractional seconds are dropped. */
              p++;
              while (is_digit (*p))
                p++;
            }
        }
      if (hour > 23 || minute > 59 || second > 60)
        return FALSE;

      /* Time zone */
      if (*p == 'Z' || *p == 'z')
        p++;
      else if (*p == '+' || *p == '-')
        {
          gint64 sign = *p == '-' ? -1 : 1;
          guint oh, om = 0;

          p++;
          if (!read_digits (&p, 2, &oh))
            return FALSE;
          if (*p == ':')
            {
              p++;
              if (!read_digits (&p, 2, &om))
                return FALSE;
            }
          else if (is_digit (*p))
            {
              if (!read_digits (&p, 2, &om))
                return FALSE;
            }
          if (oh > 23 || om > 59)
            return FALSE;
          offset = sign * (gint64) (oh * 3600 + om * 60);
        }
      else
        {
          const char *q = skip_spaces (p);

          if (g_ascii_strncasecmp (q, "UTC", 3) == 0 || g_ascii_strncasecmp (q, "GMT", 3) == 0)
            p = q + 3;
        }
    }

  p = skip_spaces (p);
  if (*p != '\0')
    return FALSE;

  *unix_seconds = days_from_civil (year, month, day) * 86400 +
                  (gint64) (hour * 3600 + minute * 60 + second) - offset;
  return TRUE;
}

char *
qualify_format_timestamp (gint64 unix_seconds)
{
  gint64 days = unix_seconds / 86400;
  gint64 secs = unix_seconds % 86400;
  gint64 year;
  guint month, day;

  if (secs < 0)
    {
      secs += 86400;
      days--;
    }
  civil_from_days (days, &year, &month, &day);
  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02uT%02u:%02u:%02uZ",
                          year, month, day,
                          (guint) (secs / 3600), (guint) (secs / 60 % 60), (guint) (secs % 60));
}

/* Emails */

char *
qualify_normalize_email (const char *text)
{
  const char *start;
  const char *end;
  const char *at = NULL;
  gboolean ascii = TRUE;
  gsize len;
  char *result;

  if (text == NULL)
    return NULL;

  start = text;
  end = text + strlen (text);
  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;

  /* "Ann Lee <ann@example.com>" or "<ann@example.com>" */
  if (end > start && end[-1] == '>')
    {
      const char *lt = NULL;

      for (const char *q = end - 1; q > start; q--)
        if (q[-1] == '<')
          {
            lt = q - 1;
            break;
          }
      if (lt == NULL)
        return NULL;
      start = lt + 1;
      end--;
      while (start < end && g_ascii_isspace (*start))
        start++;
      while (end > start && g_ascii_isspace (end[-1]))
        end--;
    }
  if (end - start > 7 && g_ascii_strncasecmp (start, "mailto:", 7) == 0)
    start += 7;

  len = end - start;
  if (len == 0)
    return NULL;

  for (const char *q = start; q < end; q++)
    {
      guchar c = (guchar) *q;

      if (c <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' || c == 0x7F)
        return NULL;
      if (c == '@')
        {
          if (at != NULL)
            return NULL;
          at = q;
        }
      else if (c >= 0x80)
        ascii = FALSE;
    }

  /* Non-empty local part; a domain with a dot, not at either end, and no empty label. */
  if (at == NULL || at == start || end - at < 4)
    return NULL;
  if (at[1] == '.' || end[-1] == '.')
    return NULL;
  {
    gboolean has_dot = FALSE;

    for (const char *q = at + 1; q < end; q++)
      {
        if (*q == '.')
          {
            if (q[1] == '.')
              return NULL;
            has_dot = TRUE;
          }
      }
    if (!has_dot)
      return NULL;
  }

  if (ascii)
    {
      result = g_malloc (len + 1);
      for (gsize i = 0; i < len; i++)
        result[i] = g_ascii_tolower (start[i]);
      result[len] = '\0';
      return result;
    }

  if (!g_utf8_validate (start, len, NULL))
    return NULL;
  return g_utf8_strdown (start, len);
}

/* Globs */

static inline const char *
next_char (const char *p)
{
  p++;
  while (((guchar) *p & 0xC0) == 0x80)
    p++;
  return p;
}

gboolean
qualify_glob_match (const char *pattern,
                    const char *text)
{
  const char *p = pattern;
  const char *t = text;
  const char *star_p = NULL;
  const char *star_t = NULL;

  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  while (*t != '\0')
    {
      if (*p == '*')
        {
          while (*p == '*')
            p++;
          if (*p == '\0')
            return TRUE;
          star_p = p;
          star_t = t;
        }
      else if (*p == '?')
        {
          p++;
          t = next_char (t);
        }
      else if (*p != '\0' && *p == *t)
        {
          p++;
          t++;
        }
      else if (star_p != NULL)
        {
          /* Let the last star swallow one more character and retry. */
          star_t = next_char (star_t);
          t = star_t;
          p = star_p;
        }
      else
        return FALSE;
    }

  while (*p == '*')
    p++;
  return *p == '\0';
}

void
qualify_normalize_domain (GString    *out,
                          const char *s,
                          gsize       len)
{
  const char *end = s + len;
  const char *at = memchr (s, '@', len);
  const char *p;

  if (at != NULL)
    s = at + 1;
  p = s;
  for (const char *q = s; q + 2 < end; q++)
    {
      if (q[0] == ':' && q[1] == '/' && q[2] == '/')
        {
          p = q + 3;
          break;
        }
      if (!g_ascii_isalpha (*q) && *q != '+' && *q != '.' && *q != '-')
        break;
    }
  if (end - p >= 2 && p[0] == '/' && p[1] == '/')
    p += 2;
  if (end - p > 4 && g_ascii_strncasecmp (p, "www.", 4) == 0)
    p += 4;

  g_string_truncate (out, 0);
  for (; p < end; p++)
    {
      if (*p == '/' || *p == '?' || *p == '#' || *p == ':' || g_ascii_isspace (*p))
        break;
      g_string_append_c (out, g_ascii_tolower (*p));
    }
  while (out->len > 0 && out->str[out->len - 1] == '.')
    g_string_truncate (out, out->len - 1);
}

/* 12403 → "12,403" with the locale's thousands separator. */
char *
qualify_format_count (guint64 n)
{
  const struct lconv *lc = localeconv ();
  const char *sep = lc->thousands_sep != NULL && lc->thousands_sep[0] != '\0' ? lc->thousands_sep : ",";
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}
