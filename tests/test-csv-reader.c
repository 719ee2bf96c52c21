/* test-csv-reader.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-csv-reader"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "qualify-csv-reader.h"
#include "qualify-test-util.h"

typedef struct
{
  GPtrArray *records;   /* GStrv */
  GArray    *lines;     /* guint64 */
  char      *encoding;
  char       delimiter;
  gboolean   had_bom;
  gboolean   last_unterminated;
  guint64    position;
  guint64    size;
} Records;

static void
records_free (Records *r)
{
  g_ptr_array_unref (r->records);
  g_array_unref (r->lines);
  g_free (r->encoding);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Records, records_free)

/* Reads a whole file; returns NULL with @error set on failure. */
static Records *
read_path (const char  *path,
           const char  *encoding,
           char         delimiter,
           GError     **error)
{
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(Records) r = g_new0 (Records, 1);
  const char *const *fields;
  guint n_fields;
  guint64 line;

  r->records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  r->lines = g_array_new (FALSE, FALSE, sizeof (guint64));

  reader = qualify_csv_reader_new (path, encoding, delimiter, error);
  if (reader == NULL)
    return NULL;

  while (qualify_csv_reader_next (reader, &fields, &n_fields, &line, error))
    {
      g_assert_null (fields[n_fields]);
      g_ptr_array_add (r->records, g_strdupv ((char **) fields));
      g_array_append_val (r->lines, line);
      r->last_unterminated = qualify_csv_reader_get_last_unterminated (reader);
    }
  if (error != NULL && *error != NULL)
    return NULL;

  r->encoding = g_strdup (qualify_csv_reader_get_encoding (reader));
  r->delimiter = qualify_csv_reader_get_delimiter (reader);
  r->had_bom = qualify_csv_reader_get_had_bom (reader);
  r->position = qualify_csv_reader_get_position (reader);
  r->size = qualify_csv_reader_get_size (reader);
  return g_steal_pointer (&r);
}

static Records *
read_fixture (const char *name,
              const char *encoding,
              char        delimiter)
{
  g_autofree char *path = qt_fixture_path (name);
  g_autoptr(GError) error = NULL;
  Records *r = read_path (path, encoding, delimiter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static void
assert_record (Records    *r,
               guint       index,
               guint64     line,
               const char *first,
               ...)
{
  char **fields;
  va_list ap;
  guint i = 0;

  g_assert_cmpuint (index, <, r->records->len);
  fields = g_ptr_array_index (r->records, index);
  g_assert_cmpuint (g_array_index (r->lines, guint64, index), ==, line);

  va_start (ap, first);
  for (const char *expected = first; expected != NULL; expected = va_arg (ap, const char *))
    {
      g_assert_nonnull (fields[i]);
      g_assert_cmpstr (fields[i], ==, expected);
      i++;
    }
  va_end (ap);
  g_assert_cmpuint (g_strv_length (fields), ==, i);
}

static char *
write_temp (const char *dir,
            const char *name,
            const char *data,
            gssize      len)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_rfc4180 (void)
{
  g_autoptr(Records) r = read_fixture ("csv-rfc4180.csv", NULL, 0);

  g_assert_cmpstr (r->encoding, ==, "UTF-8");
  g_assert_false (r->had_bom);
  g_assert_cmpint (r->delimiter, ==, ',');
  g_assert_cmpuint (r->records->len, ==, 5);
  assert_record (r, 0, 1, "email", "name", "company", "notes", NULL);
  assert_record (r, 1, 2, "ann@example.com", "Ann Lee", "Acme, Inc.", "Said \"hi\" twice", NULL);
  assert_record (r, 2, 3, "bob@example.com", "Bob", "Multi\r\nline\r\nco", "", NULL);
  assert_record (r, 3, 6, "cy@example.com", "", "Plain", "a,b,c", NULL);
  /* A stray quote inside an unquoted field is kept as it is. */
  assert_record (r, 4, 7, "dee@example.com", "De\"e", "x\"y", "last", NULL);
  g_assert_false (r->last_unterminated);
  g_assert_cmpuint (r->size, >, 0);
  g_assert_cmpuint (r->position, ==, r->size);
}

static void
test_utf8_bom (void)
{
  g_autoptr(Records) r = read_fixture ("csv-utf8-bom.csv", NULL, 0);

  g_assert_cmpstr (r->encoding, ==, "UTF-8");
  g_assert_true (r->had_bom);
  g_assert_cmpuint (r->records->len, ==, 3);
  /* The BOM must not end up in the first header name. */
  assert_record (r, 0, 1, "email", "name", "city", NULL);
  assert_record (r, 1, 2, "ann@example.com", "Zoë Müller", "São Paulo", NULL);
  assert_record (r, 2, 3, "bob@example.com", "李雷", "東京", NULL);
}

static void
check_utf16 (const char *name,
             const char *expected_encoding)
{
  g_autoptr(Records) r = read_fixture (name, NULL, 0);

  g_assert_cmpstr (r->encoding, ==, expected_encoding);
  g_assert_true (r->had_bom);
  g_assert_cmpint (r->delimiter, ==, ',');
  g_assert_cmpuint (r->records->len, ==, 4);
  assert_record (r, 0, 1, "email", "name", "city", NULL);
  assert_record (r, 1, 2, "ann@example.com", "Zoë Müller", "São Paulo", NULL);
  assert_record (r, 2, 3, "bob@example.com", "李雷", "東京, 日本", NULL);
  assert_record (r, 3, 4, "cat@example.com", "😀 Cat", "Zürich", NULL);
}

static void
test_utf16le (void)
{
  check_utf16 ("csv-utf16le-bom.csv", "UTF-16LE");
}

static void
test_utf16be (void)
{
  check_utf16 ("csv-utf16be-bom.csv", "UTF-16BE");
}

static void
test_utf16_given (void)
{
  /* "utf-16" given: the BOM decides the byte order and is not part of the data. */
  g_autoptr(Records) r = read_fixture ("csv-utf16be-bom.csv", "utf-16", 0);

  g_assert_cmpstr (r->encoding, ==, "UTF-16BE");
  assert_record (r, 0, 1, "email", "name", "city", NULL);
  assert_record (r, 3, 4, "cat@example.com", "😀 Cat", "Zürich", NULL);
}

static void
test_utf16_no_bom (void)
{
  g_autoptr(Records) r = read_fixture ("csv-utf16le-nobom.csv", NULL, 0);

  g_assert_cmpstr (r->encoding, ==, "UTF-16LE");
  g_assert_false (r->had_bom);
  g_assert_cmpuint (r->records->len, ==, 3);
  assert_record (r, 0, 1, "email", "name", "city", NULL);
  assert_record (r, 1, 2, "ann@example.com", "Zoë Müller", "São Paulo", NULL);
  assert_record (r, 2, 3, "bob@example.com", "Bob", "Berlin", NULL);
}

static void
test_windows1252 (void)
{
  g_autoptr(Records) r = read_fixture ("csv-windows1252.csv", NULL, 0);

  g_assert_cmpstr (r->encoding, ==, "WINDOWS-1252");
  g_assert_false (r->had_bom);
  g_assert_cmpint (r->delimiter, ==, ';');
  g_assert_cmpuint (r->records->len, ==, 3);
  assert_record (r, 0, 1, "email", "name", "city", "price", NULL);
  assert_record (r, 1, 2, "ann@example.com", "Müller", "São Paulo", "€5", NULL);
  assert_record (r, 2, 3, "bob@example.com", "“Bob” Œuvre", "Köln", "€10", NULL);
}

static void
test_encoding_override (void)
{
  g_autoptr(Records) r = NULL;
  g_autoptr(Records) detected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = qt_fixture_path ("csv-windows1252.csv");
  g_autoptr(QualifyCsvReader) reader = NULL;

  /* Latin-1 maps 0x80 to a C1 control, not to the euro sign. */
  r = read_fixture ("csv-windows1252.csv", "latin1", 0);
  g_assert_cmpstr (r->encoding, ==, "LATIN1");
  assert_record (r, 1, 2, "ann@example.com", "Müller", "São Paulo", "\xc2\x80" "5", NULL);

  /* Without --encoding, a file that is not UTF-8 is detected as Windows-1252. */
  detected = read_fixture ("csv-invalid-utf8.csv", NULL, 0);
  g_assert_cmpstr (detected->encoding, ==, "WINDOWS-1252");
  assert_record (detected, 3, 4, "cy@example.com", "Café", NULL);

  reader = qualify_csv_reader_new (path, "no-such-encoding", 0, &error);
  g_assert_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING);
  g_assert_null (reader);
  g_assert_nonnull (strstr (error->message, "no-such-encoding"));
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *path = qt_fixture_path ("csv-invalid-utf8.csv");
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *fields;
  guint n_fields;
  guint64 line;
  guint n = 0;

  reader = qualify_csv_reader_new (path, "UTF-8", 0, &error);
  g_assert_no_error (error);
  while (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error))
    n++;
  g_assert_cmpuint (n, ==, 3);
  g_assert_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "line 4"));
  g_assert_nonnull (strstr (error->message, "0xE9"));
}

static void
test_invalid_utf8_late (void)
{
  /* Valid UTF-8 far beyond the detection sample, then a Latin-1 byte. */
  g_autofree char *dir = qt_make_tmp_dir ("qualify-csv-XXXXXX");
  g_autoptr(GString) s = g_string_new ("email,name\n");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Records) r = NULL;
  guint i;

  for (i = 0; i < 50000; i++)
    g_string_append_printf (s, "user%u@example.com,Zoë %u\n", i, i);
  g_string_append (s, "late@example.com,Andr\xe9\n");
  path = write_temp (dir, "late.csv", s->str, s->len);

  r = read_path (path, NULL, 0, &error);
  g_assert_null (r);
  g_assert_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "line 50002"));

  qt_remove_tree (dir);
}

static void
test_invalid_windows1252 (void)
{
  /* 0x81 has no character in Windows-1252. */
  g_autofree char *dir = qt_make_tmp_dir ("qualify-csv-XXXXXX");
  g_autofree char *path = write_temp (dir, "bad.csv",
                                      "email,name\nann@example.com,M\xfcller\n"
                                      "bob@example.com,\"B\nob\"\ncy@example.com,x\x81y\n", -1);
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *fields;
  guint n_fields;
  guint64 line;
  guint n = 0;

  reader = qualify_csv_reader_new (path, "windows-1252", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qualify_csv_reader_get_encoding (reader), ==, "WINDOWS-1252");
  while (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error))
    n++;
  g_assert_cmpuint (n, ==, 3);
  g_assert_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "line 5"));
  g_assert_nonnull (strstr (error->message, "0x81"));
  g_assert_nonnull (strstr (error->message, "WINDOWS-1252"));

  qt_remove_tree (dir);
}

static void
test_semicolon (void)
{
  g_autoptr(Records) r = read_fixture ("csv-semicolon.csv", NULL, 0);

  g_assert_cmpint (r->delimiter, ==, ';');
  g_assert_cmpuint (r->records->len, ==, 4);
  assert_record (r, 0, 1, "email", "name", "revenue", NULL);
  assert_record (r, 1, 2, "ann@example.com", "Ann", "1,5", NULL);
  assert_record (r, 2, 3, "bob@example.com", "Bob; Jr", "2,75", NULL);
  assert_record (r, 3, 4, "cy@example.com", "Cy", "3", NULL);
}

static void
test_tab (void)
{
  g_autoptr(Records) r = read_fixture ("csv-tab.csv", NULL, 0);

  g_assert_cmpint (r->delimiter, ==, '\t');
  g_assert_cmpuint (r->records->len, ==, 3);
  assert_record (r, 1, 2, "ann@example.com", "Ann", "Acme, Inc.", NULL);
  assert_record (r, 2, 3, "bob@example.com", "Bob", "Tab\there", NULL);
}

static void
test_pipe (void)
{
  g_autoptr(Records) r = read_fixture ("csv-pipe.csv", NULL, 0);

  g_assert_cmpint (r->delimiter, ==, '|');
  assert_record (r, 2, 3, "bob@example.com", "Bob", "Foo; Bar", NULL);
}

static void
test_delimiter_override (void)
{
  g_autoptr(Records) r = read_fixture ("csv-semicolon.csv", NULL, ',');
  g_autofree char *path = qt_fixture_path ("csv-semicolon.csv");
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (r->delimiter, ==, ',');
  assert_record (r, 0, 1, "email;name;revenue", NULL);
  assert_record (r, 1, 2, "ann@example.com;Ann;1", "5", NULL);
  /* Quotes in the middle of a field are literal. */
  assert_record (r, 2, 3, "bob@example.com;\"Bob; Jr\";2", "75", NULL);

  reader = qualify_csv_reader_new (path, NULL, '"', &error);
  g_assert_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_INVALID_ARGUMENT);
  g_assert_null (reader);
}

static void
test_ragged (void)
{
  g_autoptr(Records) r = read_fixture ("csv-ragged.csv", NULL, 0);

  g_assert_cmpuint (r->records->len, ==, 5);
  assert_record (r, 1, 2, "ann@example.com", "Ann", NULL);
  assert_record (r, 2, 3, "bob@example.com", "Bob", "Acme", "extra", "more", NULL);
  assert_record (r, 3, 4, "cy@example.com", NULL);
  /* Only delimiters: a record of empty fields (the importer skips it). */
  assert_record (r, 4, 5, "", "", "", NULL);
}

static void
test_blank_lines (void)
{
  g_autoptr(Records) r = read_fixture ("csv-blank-lines.csv", NULL, 0);

  g_assert_cmpuint (r->records->len, ==, 4);
  assert_record (r, 0, 1, "email", "name", NULL);
  assert_record (r, 1, 4, "ann@example.com", "Ann", NULL);
  assert_record (r, 2, 5, "bob@example.com", "Bob\n\nSmith", NULL);
  assert_record (r, 3, 9, "cy@example.com", "Cy", NULL);
}

static void
test_cr_line_ends (void)
{
  g_autoptr(Records) r = read_fixture ("csv-cr.csv", NULL, 0);

  g_assert_cmpuint (r->records->len, ==, 3);
  assert_record (r, 0, 1, "email", "name", NULL);
  assert_record (r, 1, 2, "ann@example.com", "Ann", NULL);
  assert_record (r, 2, 4, "bob@example.com", "B\rob", NULL);
}

static void
test_unterminated (void)
{
  g_autoptr(Records) r = read_fixture ("csv-unterminated.csv", NULL, 0);

  g_assert_cmpuint (r->records->len, ==, 3);
  assert_record (r, 1, 2, "ann@example.com", "Ann", NULL);
  assert_record (r, 2, 3, "bob@example.com", "Bob never closed\nthe quote,x\n", NULL);
  g_assert_true (r->last_unterminated);
}

static void
test_empty (void)
{
  g_autofree char *path = qt_fixture_path ("csv-empty.csv");
  g_autofree char *missing = qt_fixture_path ("csv-no-such-file.csv");
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(QualifyCsvReader) reader2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  reader = qualify_csv_reader_new (path, NULL, 0, &error);
  g_assert_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_EMPTY);
  g_assert_null (reader);

  reader2 = qualify_csv_reader_new (missing, NULL, 0, &error2);
  g_assert_error (error2, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_IO);
  g_assert_nonnull (strstr (error2->message, "csv-no-such-file.csv"));
  g_assert_null (reader2);
}

static void
test_no_trailing_newline (void)
{
  g_autofree char *dir = qt_make_tmp_dir ("qualify-csv-XXXXXX");
  g_autofree char *path = write_temp (dir, "t.csv", "a,b\r\n1,\"2\"\r\n3,  4  ", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(Records) r = read_path (path, NULL, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (r->records->len, ==, 3);
  assert_record (r, 1, 2, "1", "2", NULL);
  /* Whitespace is kept: the caller trims. */
  assert_record (r, 2, 3, "3", "  4  ", NULL);
  g_assert_false (r->last_unterminated);

  qt_remove_tree (dir);
}

/* The reader reads 1 MiB at a time: put every awkward spot exactly on the boundary. */
static void
test_chunk_boundaries (void)
{
  static const struct {
    const char *row;
    guint       split;      /* bytes of @row before the boundary */
    const char *f1;
    const char *f2;
    guint       next_line;  /* line of the "c,d" record */
  } cases[] = {
    { "a,b\r\nc,d\r\n", 4, "a", "b", 4 },                 /* CR | LF */
    { "\"x\r\ny\",z\r\nc,d\r\n", 3, "x\r\ny", "z", 5 },   /* CR | LF inside quotes */
    { "\"p\"\"q\",r\r\nc,d\r\n", 3, "p\"q", "r", 4 },     /* " | " escape */
    { "\"p\",r\r\nc,d\r\n", 3, "p", "r", 4 },             /* closing quote | delimiter */
    { "\"p\"\r\nc,d\r\n", 3, "p", NULL, 4 },              /* closing quote | line end */
    { "a\rc,d\r", 2, "a", NULL, 4 },                      /* CR | next record */
    { "\xc3\xa9,x\nc,d\n", 1, "\xc3\xa9", "x", 4 },       /* inside a UTF-8 sequence */
    { "a,\"b\"\nc,d", 5, "a", "b", 4 },                   /* quote | LF, no final newline */
  };
  const gsize chunk = 1024 * 1024;
  g_autofree char *dir = qt_make_tmp_dir ("qualify-csv-XXXXXX");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) s = g_string_new ("h\r\n");
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(Records) r = NULL;
      gsize pad = chunk - cases[i].split - 5;

      for (gsize k = 0; k < pad; k++)
        g_string_append_c (s, 'P');
      g_string_append (s, "\r\n");
      g_assert_cmpuint (s->len + cases[i].split, ==, chunk);
      g_string_append (s, cases[i].row);
      path = write_temp (dir, "boundary.csv", s->str, s->len);

      r = read_path (path, NULL, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (r->records->len, ==, 4);
      g_assert_cmpuint (strlen (((char **) g_ptr_array_index (r->records, 1))[0]), ==, pad);
      if (cases[i].f2 != NULL)
        assert_record (r, 2, 3, cases[i].f1, cases[i].f2, NULL);
      else
        assert_record (r, 2, 3, cases[i].f1, NULL);
      assert_record (r, 3, cases[i].next_line, "c", "d", NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Records that cross the 1 MiB chunk boundaries at every possible place,
 * including quoted fields with embedded newlines and CRLF split in two. */
static void
check_large (const char *encoding)
{
  g_autofree char *dir = qt_make_tmp_dir ("qualify-csv-XXXXXX");
  g_autoptr(GString) s = g_string_new ("email,name,company,employees,notes\r\n");
  g_autofree char *path = NULL;
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *fields;
  guint n_fields;
  guint64 line;
  guint64 expected_line = 2;
  const guint n_rows = 200000;
  guint i;

  for (i = 0; i < n_rows; i++)
    {
      if (i % 7 == 0)
        g_string_append_printf (s, "user%u@example.com,\"Name %u, Jr\",Acme %u,%u,"
                                "\"multi\r\nline \"\"%u\"\"\"\r\n",
                                i, i, i % 13, i * 3, i);
      else if (i % 11 == 0)
        g_string_append_printf (s, "user%u@example.com,Zoë %u,Société %u,%u,\r\n",
                                i, i, i % 13, i * 3);
      else
        g_string_append_printf (s, "user%u@example.com,Name %u,Acme %u,%u,plain\r\n",
                                i, i, i % 13, i * 3);
    }

  if (encoding != NULL)
    {
      gsize out_len = 0;
      g_autofree char *converted = g_convert (s->str, s->len, encoding, "UTF-8", NULL, &out_len,
                                              &error);

      g_assert_no_error (error);
      path = write_temp (dir, "large.csv", converted, out_len);
    }
  else
    path = write_temp (dir, "large.csv", s->str, s->len);

  reader = qualify_csv_reader_new (path, encoding, 0, &error);
  g_assert_no_error (error);

  g_assert_true (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error));
  g_assert_cmpuint (n_fields, ==, 5);
  g_assert_cmpstr (fields[0], ==, "email");
  g_assert_cmpuint (line, ==, 1);

  for (i = 0; i < n_rows; i++)
    {
      char buf[128];

      g_assert_true (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_fields, ==, 5);
      g_assert_cmpuint (line, ==, expected_line);

      g_snprintf (buf, sizeof buf, "user%u@example.com", i);
      g_assert_cmpstr (fields[0], ==, buf);
      g_snprintf (buf, sizeof buf, "%u", i * 3);
      g_assert_cmpstr (fields[3], ==, buf);
      if (i % 7 == 0)
        {
          g_snprintf (buf, sizeof buf, "Name %u, Jr", i);
          g_assert_cmpstr (fields[1], ==, buf);
          g_snprintf (buf, sizeof buf, "multi\r\nline \"%u\"", i);
          g_assert_cmpstr (fields[4], ==, buf);
          expected_line += 2;
        }
      else if (i % 11 == 0)
        {
          g_snprintf (buf, sizeof buf, "Zoë %u", i);
          g_assert_cmpstr (fields[1], ==, buf);
          g_snprintf (buf, sizeof buf, "Société %u", i % 13);
          g_assert_cmpstr (fields[2], ==, buf);
          g_assert_cmpstr (fields[4], ==, "");
          expected_line++;
        }
      else
        {
          g_snprintf (buf, sizeof buf, "Name %u", i);
          g_assert_cmpstr (fields[1], ==, buf);
          g_assert_cmpstr (fields[4], ==, "plain");
          expected_line++;
        }
    }
  g_assert_false (qualify_csv_reader_next (reader, &fields, &n_fields, &line, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (qualify_csv_reader_get_position (reader), ==,
                    qualify_csv_reader_get_size (reader));

  qt_remove_tree (dir);
}

static void
test_large_utf8 (void)
{
  check_large (NULL);
}

static void
test_large_utf16 (void)
{
  check_large ("UTF-16LE");
}

static void
test_large_windows1252 (void)
{
  check_large ("WINDOWS-1252");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv-reader/rfc4180", test_rfc4180);
  g_test_add_func ("/csv-reader/utf8-bom", test_utf8_bom);
  g_test_add_func ("/csv-reader/utf16le", test_utf16le);
  g_test_add_func ("/csv-reader/utf16be", test_utf16be);
  g_test_add_func ("/csv-reader/utf16-given", test_utf16_given);
  g_test_add_func ("/csv-reader/utf16-no-bom", test_utf16_no_bom);
  g_test_add_func ("/csv-reader/windows1252", test_windows1252);
  g_test_add_func ("/csv-reader/encoding-override", test_encoding_override);
  g_test_add_func ("/csv-reader/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/csv-reader/invalid-utf8-late", test_invalid_utf8_late);
  g_test_add_func ("/csv-reader/invalid-windows1252", test_invalid_windows1252);
  g_test_add_func ("/csv-reader/semicolon", test_semicolon);
  g_test_add_func ("/csv-reader/tab", test_tab);
  g_test_add_func ("/csv-reader/pipe", test_pipe);
  g_test_add_func ("/csv-reader/delimiter-override", test_delimiter_override);
  g_test_add_func ("/csv-reader/ragged", test_ragged);
  g_test_add_func ("/csv-reader/blank-lines", test_blank_lines);
  g_test_add_func ("/csv-reader/cr-line-ends", test_cr_line_ends);
  g_test_add_func ("/csv-reader/unterminated", test_unterminated);
  g_test_add_func ("/csv-reader/empty", test_empty);
  g_test_add_func ("/csv-reader/no-trailing-newline", test_no_trailing_newline);
  g_test_add_func ("/csv-reader/chunk-boundaries", test_chunk_boundaries);
  g_test_add_func ("/csv-reader/large-utf8", test_large_utf8);
  g_test_add_func ("/csv-reader/large-utf16", test_large_utf16);
  g_test_add_func ("/csv-reader/large-windows1252", test_large_windows1252);

  return g_test_run ();
}
