/* qualify-csv-reader.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QUALIFY_CSV_ERROR (qualify_csv_error_quark ())

typedef enum
{
  QUALIFY_CSV_ERROR_ENCODING,  /* bytes invalid in the (detected or given) encoding; message has line */
  QUALIFY_CSV_ERROR_EMPTY,     /* no header row */
  QUALIFY_CSV_ERROR_IO,
  QUALIFY_CSV_ERROR_INVALID_ARGUMENT, /* e.g. a delimiter that cannot be one */
} QualifyCsvError;

#define QUALIFY_TYPE_CSV_READER (qualify_csv_reader_get_type ())
G_DECLARE_FINAL_TYPE (QualifyCsvReader, qualify_csv_reader, QUALIFY, CSV_READER, GObject)

/* Streams records from a CSV file as UTF-8.
 *
 * Encoding: @encoding NULL = detect: a BOM (UTF-8, UTF-16LE/BE) wins; else valid
 * UTF-8 is UTF-8; else uchardet's guess; else WINDOWS-1252. Any iconv name is
 * accepted when given.
 * Delimiter: @delimiter 0 = sniff among ',', ';', '\t', '|' from the first lines
 * (outside quotes, most consistent count per line wins, ',' on a tie).
 * Tokenising: RFC 4180 (quoted fields with "" escapes, embedded delimiters and
 * newlines, CRLF/LF/CR line ends); blank lines are skipped; ragged rows are
 * returned as they are (the caller decides); a stray quote inside an unquoted
 * field is kept literally. */
QualifyCsvReader  *qualify_csv_reader_new             (const char        *path,
                                                       const char        *encoding,
                                                       char               delimiter,
                                                       GError           **error);

const char        *qualify_csv_reader_get_encoding    (QualifyCsvReader  *self); /* e.g. "UTF-8", "UTF-16LE", "WINDOWS-1252" */
gboolean           qualify_csv_reader_get_had_bom     (QualifyCsvReader  *self);
char               qualify_csv_reader_get_delimiter   (QualifyCsvReader  *self);

/* Reads the next record. Returns FALSE at end of file (error unset) or on error.
 * @fields is valid until the next call: @n_fields UTF-8 strings, NUL-terminated.
 * @line is the 1-based physical line the record starts on. */
gboolean           qualify_csv_reader_next            (QualifyCsvReader  *self,
                                                       const char *const **fields,
                                                       guint             *n_fields,
                                                       guint64           *line,
                                                       GError           **error);

/* TRUE when the record last returned by qualify_csv_reader_next() ended at end
 * of file inside a quoted field that was never closed; its fields hold what was
 * read (the caller should skip it: "unterminated quoted field starting on line N"). */
gboolean           qualify_csv_reader_get_last_unterminated (QualifyCsvReader *self);

/* For progress: bytes of the file consumed so far, and its size. */
guint64            qualify_csv_reader_get_position    (QualifyCsvReader  *self);
guint64            qualify_csv_reader_get_size        (QualifyCsvReader  *self);

GQuark             qualify_csv_error_quark            (void);

G_END_DECLS
