/* qualify-csv-reader.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-csv-reader"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <uchardet/uchardet.h>

#include "qualify-csv-reader.h"

/* A streaming RFC 4180 reader.
 *
 * Bytes are read in chunks of RAW_CHUNK. UTF-8 input is tokenised straight from
 * the raw buffer; any other encoding goes through GIConv into a decoded buffer
 * first. The tokeniser is a small state machine whose state survives buffer
 * refills, so records may cross chunk boundaries anywhere (even between the CR
 * and LF of a line end). Fields are copied into one growing buffer as
 * NUL-terminated strings; nothing is allocated per field or per record once the
 * buffers have grown to the widest record.
 *
 * We tokenise ourselves instead of using libcsv because libcsv does not report
 * physical line numbers, which every import error message needs. */

#define RAW_CHUNK     (1024 * 1024)
#define DECODED_CHUNK (2 * 1024 * 1024)
#define SNIFF_SAMPLE  (64 * 1024)
#define SNIFF_LINES   200

typedef enum
{
  STATE_FIELD_START,
  STATE_UNQUOTED,
  STATE_QUOTED,
  STATE_QUOTE_IN_QUOTED,
} TokenState;

struct _QualifyCsvReader
{
  GObject        parent_instance;

  char          *path;
  char          *display_name;
  GInputStream  *stream;
  guint64        size;
  gboolean       eof;

  /* Encoding */
  char          *encoding;
  gboolean       had_bom;
  GIConv         conv;            /* (GIConv) -1 for UTF-8 input */
  gboolean       validate_utf8;   /* TRUE when bytes are passed through unconverted */

  /* Raw bytes from the file */
  guchar        *raw;
  gsize          raw_len;
  gsize          raw_pos;
  guint64        raw_offset;      /* file offset of raw[0] */
  guint64        raw_read;        /* bytes read from the file so far */

  /* Bytes the tokeniser reads: points into raw (UTF-8) or to decoded */
  guchar        *decoded;
  const guchar  *data;
  gsize          data_len;
  gsize          data_pos;

  /* Conversion error found ahead of the tokeniser, raised when it gets there */
  gboolean       pending_error;
  guint          pending_byte;
  gboolean       pending_truncated;

  /* Tokeniser */
  char           delimiter;
  guint8         stop_unquoted[256];
  guint8         stop_quoted[256];
  TokenState     state;
  gboolean       after_cr;
  gboolean       record_started;
  guint64        line;            /* physical line at the read position */
  guint64        record_line;
  gboolean       last_unterminated;

  char          *fbuf;
  gsize          flen;
  gsize          fcap;
  gsize          field_start;
  gsize         *offsets;
  guint          n_offsets;
  guint          offsets_cap;
  const char   **fields;
  guint          fields_cap;
};

G_DEFINE_FINAL_TYPE (QualifyCsvReader, qualify_csv_reader, G_TYPE_OBJECT)

G_DEFINE_QUARK (qualify-csv-error, qualify_csv_error)

/* Field buffer */

static inline void
fbuf_reserve (QualifyCsvReader *self,
              gsize             extra)
{
  if (G_UNLIKELY (self->flen + extra + 1 > self->fcap))
    {
      gsize cap = self->fcap ? self->fcap : 4096;

      while (self->flen + extra + 1 > cap)
        cap *= 2;
      self->fbuf = g_realloc (self->fbuf, cap);
      self->fcap = cap;
    }
}

static inline void
fbuf_append (QualifyCsvReader *self,
             const guchar     *bytes,
             gsize             n)
{
  if (n == 0)
    return;
  fbuf_reserve (self, n);
  memcpy (self->fbuf + self->flen, bytes, n);
  self->flen += n;
}

static inline void
fbuf_append_byte (QualifyCsvReader *self,
                  guchar            c)
{
  fbuf_reserve (self, 1);
  self->fbuf[self->flen++] = (char) c;
}

static inline void
end_field (QualifyCsvReader *self)
{
  fbuf_reserve (self, 1);
  self->fbuf[self->flen++] = '\0';
  if (G_UNLIKELY (self->n_offsets == self->offsets_cap))
    {
      self->offsets_cap = self->offsets_cap ? self->offsets_cap * 2 : 64;
      self->offsets = g_renew (gsize, self->offsets, self->offsets_cap);
    }
  self->offsets[self->n_offsets++] = self->field_start;
  self->field_start = self->flen;
}

static void
reset_record (QualifyCsvReader *self)
{
  self->flen = 0;
  self->field_start = 0;
  self->n_offsets = 0;
  self->record_started = FALSE;
  self->state = STATE_FIELD_START;
}

static void
build_fields (QualifyCsvReader *self)
{
  if (self->n_offsets + 1 > self->fields_cap)
    {
      self->fields_cap = MAX (self->n_offsets + 1, self->fields_cap * 2);
      self->fields = g_renew (const char *, self->fields, self->fields_cap);
    }
  for (guint i = 0; i < self->n_offsets; i++)
    self->fields[i] = self->fbuf + self->offsets[i];
  self->fields[self->n_offsets] = NULL;
}

/* Reading and decoding */

static gboolean
read_raw (QualifyCsvReader  *self,
          GError           **error)
{
  gsize keep = self->raw_len - self->raw_pos;
  gsize n = 0;
  g_autoptr(GError) local_error = NULL;

  if (keep > 0)
    memmove (self->raw, self->raw + self->raw_pos, keep);
  self->raw_offset += self->raw_pos;
  self->raw_pos = 0;
  self->raw_len = keep;

  if (self->eof)
    return TRUE;

  if (!g_input_stream_read_all (self->stream, self->raw + keep, RAW_CHUNK, &n, NULL, &local_error))
    {
      g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_IO,
                   _("Could not read “%s”: %s"), self->display_name, local_error->message);
      return FALSE;
    }
  if (n < RAW_CHUNK)
    self->eof = TRUE;
  self->raw_len += n;
  self->raw_read += n;
  return TRUE;
}

/* Makes new data available to the tokeniser. Returns FALSE with @error unset
 * at end of input. A conversion error is only raised once the tokeniser has
 * consumed everything decoded before it, so the line number is exact. */
static gboolean
refill (QualifyCsvReader  *self,
        GError           **error)
{
  if (self->conv == (GIConv) -1)
    {
      self->raw_pos = self->raw_len;
      if (self->eof)
        {
          self->data_pos = self->data_len;
          return FALSE;
        }
      if (!read_raw (self, error))
        return FALSE;
      self->data = self->raw;
      self->data_pos = 0;
      self->data_len = self->raw_len;
      return self->data_len > 0;
    }

  if (self->pending_error)
    {
      if (self->pending_truncated)
        g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING,
                     _("line %llu: the file ends in the middle of a %s "
                       "character; choose the file’s encoding with --encoding"),
                     (unsigned long long) self->line, self->encoding);
      else
        g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING,
                     _("line %llu: byte 0x%02X is not valid %s; "
                       "choose the file’s encoding with --encoding"),
                     (unsigned long long) self->line, self->pending_byte, self->encoding);
      return FALSE;
    }

  for (;;)
    {
      char *in;
      char *out = (char *) self->decoded;
      gsize in_left;
      gsize out_left = DECODED_CHUNK;
      gsize res;
      int saved_errno;

      if (self->raw_pos == self->raw_len && !self->eof)
        {
          if (!read_raw (self, error))
            return FALSE;
        }

      in = (char *) self->raw + self->raw_pos;
      in_left = self->raw_len - self->raw_pos;

      if (in_left == 0 && self->eof)
        {
          /* Flush a stateful encoding's shift state. */
          g_iconv (self->conv, NULL, NULL, &out, &out_left);
          self->data = self->decoded;
          self->data_pos = 0;
          self->data_len = DECODED_CHUNK - out_left;
          return self->data_len > 0;
        }

      res = g_iconv (self->conv, &in, &in_left, &out, &out_left);
      saved_errno = errno;
      self->raw_pos = (guchar *) in - self->raw;
      self->data = self->decoded;
      self->data_pos = 0;
      self->data_len = DECODED_CHUNK - out_left;

      if (res == (gsize) -1)
        {
          if (saved_errno == EILSEQ)
            {
              self->pending_error = TRUE;
              self->pending_byte = self->raw[self->raw_pos];
            }
          else if (saved_errno == EINVAL)
            {
              /* An incomplete sequence at the end of the chunk: read more. */
              if (self->eof)
                {
                  self->pending_error = TRUE;
                  self->pending_truncated = TRUE;
                }
              else if (self->data_len == 0)
                {
                  if (!read_raw (self, error))
                    return FALSE;
                  continue;
                }
            }
          else if (saved_errno != E2BIG)
            {
              self->pending_error = TRUE;
              self->pending_byte = self->raw_pos < self->raw_len ? self->raw[self->raw_pos] : 0;
            }
        }

      if (self->data_len > 0)
        return TRUE;
      if (self->pending_error)
        return refill (self, error);
    }
}

/* Encoding detection */

static gboolean
sample_is_utf8 (const guchar *buf,
                gsize         len,
                gboolean      truncated)
{
  const char *end = NULL;
  gsize rest;

  if (g_utf8_validate ((const char *) buf, len, &end))
    return TRUE;
  if (!truncated)
    return FALSE;
  /* A multi-byte sequence cut by the end of the sample is fine. */
  rest = len - ((const guchar *) end - buf);
  return rest < 4 && g_utf8_get_char_validated (end, rest) == (gunichar) -2;
}

/* UTF-16 without a BOM: text where most characters are ASCII has a NUL in
 * every other byte. Returns "UTF-16LE", "UTF-16BE" or NULL. */
static const char *
guess_utf16 (const guchar *buf,
             gsize         len)
{
  gsize n = MIN (len, (gsize) SNIFF_SAMPLE) & ~(gsize) 1;
  gsize even = 0;
  gsize odd = 0;

  if (n < 4)
    return NULL;
  for (gsize i = 0; i < n; i += 2)
    {
      even += buf[i] == 0;
      odd += buf[i + 1] == 0;
    }
  if (odd * 2 > n / 2 && even * 20 < odd)
    return "UTF-16LE";
  if (even * 2 > n / 2 && odd * 20 < even)
    return "UTF-16BE";
  return NULL;
}

static char *
normalize_encoding_name (const char *name)
{
  g_autofree char *up = g_ascii_strup (name, -1);

  g_strstrip (up);
  if (g_str_equal (up, "UTF8") || g_str_equal (up, "UTF-8"))
    return g_strdup ("UTF-8");
  if (g_str_equal (up, "UTF16LE") || g_str_equal (up, "UTF-16LE"))
    return g_strdup ("UTF-16LE");
  if (g_str_equal (up, "UTF16BE") || g_str_equal (up, "UTF-16BE"))
    return g_strdup ("UTF-16BE");
  if (g_str_equal (up, "UTF16") || g_str_equal (up, "UTF-16"))
    return g_strdup ("UTF-16");
  if (g_str_equal (up, "CP1252") || g_str_equal (up, "WINDOWS1252"))
    return g_strdup ("WINDOWS-1252");
  return g_steal_pointer (&up);
}

static gboolean
iconv_knows (const char *encoding)
{
  GIConv conv = g_iconv_open ("UTF-8", encoding);

  if (conv == (GIConv) -1)
    return FALSE;
  g_iconv_close (conv);
  return TRUE;
}

static char *
guess_encoding (const guchar *buf,
                gsize         len)
{
  uchardet_t ud = uchardet_new ();
  g_autofree char *name = NULL;
  const char *charset;

  uchardet_handle_data (ud, (const char *) buf, len);
  uchardet_data_end (ud);
  charset = uchardet_get_charset (ud);
  name = g_ascii_strup (charset ? charset : "", -1);
  uchardet_delete (ud);

  g_debug ("uchardet guessed “%s”", name);

  /* The sample is not valid UTF-8 here, so "ASCII" or no answer cannot be right;
   * ISO-8859-1 is what Windows-1252 looks like to a detector. */
  if (name[0] == '\0' || g_str_equal (name, "ASCII") || g_str_equal (name, "UTF-8") ||
      g_str_equal (name, "ISO-8859-1") || !iconv_knows (name))
    return g_strdup ("WINDOWS-1252");
  return g_steal_pointer (&name);
}

/* Delimiter sniffing over the first decoded bytes. */
static char
sniff_delimiter (const guchar *buf,
                 gsize         len,
                 gboolean      complete)
{
  static const char candidates[] = { ',', ';', '\t', '|' };
  guint header[G_N_ELEMENTS (candidates)] = { 0, };
  guint score[G_N_ELEMENTS (candidates)] = { 0, };
  guint count[G_N_ELEMENTS (candidates)] = { 0, };
  gboolean in_quotes = FALSE;
  gboolean line_has_content = FALSE;
  guint n_lines = 0;
  gsize end = MIN (len, (gsize) SNIFF_SAMPLE);
  char best = ',';
  guint best_score = 0;

  /* Ignore a last line the sample cuts in two. */
  if (!complete || end < len)
    {
      while (end > 0 && buf[end - 1] != '\n' && buf[end - 1] != '\r')
        end--;
    }

  for (gsize i = 0; i <= end && n_lines < SNIFF_LINES; i++)
    {
      guchar c = i < end ? buf[i] : '\n';

      if (c == '"')
        {
          in_quotes = !in_quotes;
          line_has_content = TRUE;
          continue;
        }
      if (in_quotes && i < end)
        continue;
      if (c == '\n' || c == '\r')
        {
          if (line_has_content)
            {
              for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
                {
                  if (n_lines == 0)
                    header[k] = count[k];
                  if (header[k] > 0 && count[k] == header[k])
                    score[k]++;
                  count[k] = 0;
                }
              n_lines++;
            }
          in_quotes = FALSE;
          line_has_content = FALSE;
          continue;
        }
      line_has_content = TRUE;
      for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
        if (c == (guchar) candidates[k])
          count[k]++;
    }

  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    {
      if (score[k] > best_score)
        {
          best_score = score[k];
          best = candidates[k];
        }
    }
  return best;
}

/* Tokeniser */

/* Consumes data until a record is complete (TRUE) or the data runs out (FALSE). */
static gboolean
tokenize (QualifyCsvReader *self)
{
  const guchar *p = self->data + self->data_pos;
  const guchar *end = self->data + self->data_len;
  const guint8 *stop_unquoted = self->stop_unquoted;
  const guint8 *stop_quoted = self->stop_quoted;
  const guchar delim = (guchar) self->delimiter;
  gboolean done = FALSE;

  if (self->after_cr && p < end)
    {
      self->after_cr = FALSE;
      if (*p == '\n')
        {
          if (self->state == STATE_QUOTED)
            fbuf_append_byte (self, '\n');
          p++;
        }
    }

  while (p < end && !done)
    {
      switch (self->state)
        {
        case STATE_FIELD_START:
          {
            guchar c = *p;

            if (c == '\n' || c == '\r')
              {
                p++;
                self->line++;
                if (c == '\r')
                  {
                    if (p < end)
                      {
                        if (*p == '\n')
                          p++;
                      }
                    else
                      self->after_cr = TRUE;
                  }
                if (self->record_started)
                  {
                    end_field (self);
                    done = TRUE;
                  }
                /* else: a blank line, skipped */
                break;
              }
            if (!self->record_started)
              {
                self->record_started = TRUE;
                self->record_line = self->line;
              }
            if (c == '"')
              {
                p++;
                self->state = STATE_QUOTED;
              }
            else if (c == delim)
              {
                p++;
                end_field (self);
              }
            else
              self->state = STATE_UNQUOTED;
          }
          break;

        case STATE_UNQUOTED:
          {
            const guchar *s = p;
            guchar c;

            while (p < end && !stop_unquoted[*p])
              p++;
            fbuf_append (self, s, p - s);
            if (p == end)
              break;
            c = *p++;
            end_field (self);
            self->state = STATE_FIELD_START;
            if (c != delim)
              {
                /* Line end */
                self->line++;
                if (c == '\r')
                  {
                    if (p < end)
                      {
                        if (*p == '\n')
                          p++;
                      }
                    else
                      self->after_cr = TRUE;
                  }
                done = TRUE;
              }
          }
          break;

        case STATE_QUOTED:
          {
            const guchar *s = p;
            guchar c;

            while (p < end && !stop_quoted[*p])
              p++;
            fbuf_append (self, s, p - s);
            if (p == end)
              break;
            c = *p++;
            if (c == '"')
              self->state = STATE_QUOTE_IN_QUOTED;
            else
              {
                fbuf_append_byte (self, c);
                self->line++;
                if (c == '\r')
                  {
                    if (p < end)
                      {
                        if (*p == '\n')
                          {
                            fbuf_append_byte (self, '\n');
                            p++;
                          }
                      }
                    else
                      self->after_cr = TRUE;
                  }
              }
          }
          break;

        case STATE_QUOTE_IN_QUOTED:
          {
            guchar c = *p;

            if (c == '"')
              {
                fbuf_append_byte (self, '"');
                p++;
                self->state = STATE_QUOTED;
              }
            else
              {
                /* A delimiter or line end is handled as after any field; text
                 * after a closing quote is kept, leniently. */
                self->state = STATE_UNQUOTED;
              }
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  self->data_pos = p - self->data;
  return done;
}

static gboolean
validate_record (QualifyCsvReader  *self,
                 GError           **error)
{
  const guchar *b = (const guchar *) self->fbuf;
  gsize n = self->flen;
  gsize i = 0;
  guint64 acc = 0;

  /* Fast path: pure ASCII */
  for (; i + 8 <= n; i += 8)
    {
      guint64 w;

      memcpy (&w, b + i, 8);
      acc |= w;
    }
  for (; i < n; i++)
    acc |= b[i];
  if (G_LIKELY ((acc & G_GUINT64_CONSTANT (0x8080808080808080)) == 0))
    return TRUE;

  for (guint f = 0; f < self->n_offsets; f++)
    {
      const char *field = self->fbuf + self->offsets[f];
      gsize field_len = (f + 1 < self->n_offsets ? self->offsets[f + 1] : self->flen) - 1
                        - self->offsets[f];
      const char *bad = NULL;

      if (!g_utf8_validate (field, field_len, &bad))
        {
          guint64 line = self->record_line;

          for (const char *q = field; q < bad; q++)
            if (*q == '\n' || (*q == '\r' && q[1] != '\n'))
              line++;
          g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING,
                       _("line %llu, field %u: byte 0x%02X is not valid UTF-8; "
                         "choose the file’s encoding with --encoding"),
                       (unsigned long long) line, f + 1, (guint) (guchar) *bad);
          return FALSE;
        }
    }
  return TRUE;
}

/* GObject */

static void
qualify_csv_reader_finalize (GObject *object)
{
  QualifyCsvReader *self = (QualifyCsvReader *) object;

  if (self->conv != (GIConv) -1)
    g_iconv_close (self->conv);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->raw, g_free);
  g_clear_pointer (&self->decoded, g_free);
  g_clear_pointer (&self->fbuf, g_free);
  g_clear_pointer (&self->offsets, g_free);
  g_clear_pointer (&self->fields, g_free);

  G_OBJECT_CLASS (qualify_csv_reader_parent_class)->finalize (object);
}

static void
qualify_csv_reader_class_init (QualifyCsvReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qualify_csv_reader_finalize;
}

static void
qualify_csv_reader_init (QualifyCsvReader *self)
{
  self->conv = (GIConv) -1;
  self->line = 1;
  self->state = STATE_FIELD_START;
}

/* Public API */

static gboolean
setup_encoding (QualifyCsvReader  *self,
                const char        *encoding,
                GError           **error)
{
  const guchar *b = self->raw;
  gsize n = self->raw_len;
  gsize skip = 0;
  const char *bom = NULL;
  g_autofree char *given = encoding && *encoding ? normalize_encoding_name (encoding) : NULL;

  if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
    {
      bom = "UTF-8";
      skip = 3;
    }
  else if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE)
    {
      bom = "UTF-16LE";
      skip = 2;
    }
  else if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF)
    {
      bom = "UTF-16BE";
      skip = 2;
    }

  if (given != NULL)
    {
      /* A BOM matching the given encoding is stripped; "UTF-16" takes its byte order. */
      if (bom != NULL && (g_str_equal (given, bom) ||
                          (g_str_equal (given, "UTF-16") && g_str_has_prefix (bom, "UTF-16"))))
        {
          self->encoding = g_strdup (bom);
          self->had_bom = TRUE;
          self->raw_pos = skip;
        }
      else
        self->encoding = g_steal_pointer (&given);

      if (!g_str_equal (self->encoding, "UTF-8") && !iconv_knows (self->encoding))
        {
          g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING,
                       _("Unknown encoding “%s”; use a name such as UTF-8, UTF-16, "
                         "WINDOWS-1252 or ISO-8859-15 (see “iconv --list”)"),
                       encoding);
          return FALSE;
        }
    }
  else if (bom != NULL)
    {
      self->encoding = g_strdup (bom);
      self->had_bom = TRUE;
      self->raw_pos = skip;
    }
  else if (sample_is_utf8 (b, n, !self->eof))
    self->encoding = g_strdup ("UTF-8");
  else if (guess_utf16 (b, n) != NULL)
    self->encoding = g_strdup (guess_utf16 (b, n));
  else
    self->encoding = guess_encoding (b, n);

  if (g_str_equal (self->encoding, "UTF-8"))
    {
      self->validate_utf8 = TRUE;
      self->data = self->raw;
      self->data_pos = self->raw_pos;
      self->data_len = self->raw_len;
      return TRUE;
    }

  self->conv = g_iconv_open ("UTF-8", self->encoding);
  if (self->conv == (GIConv) -1)
    {
      g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_ENCODING,
                   _("Cannot convert from encoding “%s”; choose the file’s encoding with "
                     "--encoding"),
                   self->encoding);
      return FALSE;
    }
  self->decoded = g_malloc (DECODED_CHUNK);
  self->data = self->decoded;
  self->data_len = self->data_pos = 0;
  return TRUE;
}

QualifyCsvReader *
qualify_csv_reader_new (const char  *path,
                        const char  *encoding,
                        char         delimiter,
                        GError     **error)
{
  g_autoptr(QualifyCsvReader) self = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean empty = TRUE;
  gboolean all_read;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || (guchar) delimiter >= 0x80)
    {
      g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_INVALID_ARGUMENT,
                   _("“%c” cannot be used as a delimiter; use a single ASCII character such "
                     "as “,”, “;”, “|” or a tab"),
                   g_ascii_isprint (delimiter) ? delimiter : '?');
      return NULL;
    }

  self = g_object_new (QUALIFY_TYPE_CSV_READER, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_name (path);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_IO,
                   _("Could not open “%s”: %s"), self->display_name, local_error->message);
      return NULL;
    }
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info != NULL)
    self->size = g_file_info_get_size (info);
  self->stream = G_INPUT_STREAM (g_steal_pointer (&stream));

  self->raw = g_malloc (RAW_CHUNK + 64);
  if (!read_raw (self, error))
    return NULL;

  if (!setup_encoding (self, encoding, error))
    return NULL;

  if (self->conv != (GIConv) -1)
    {
      g_autoptr(GError) conv_error = NULL;

      /* Decode the first chunk now, for sniffing. An error is raised later, located. */
      if (!refill (self, &conv_error) && conv_error != NULL &&
          conv_error->code == QUALIFY_CSV_ERROR_IO)
        {
          g_propagate_error (error, g_steal_pointer (&conv_error));
          return NULL;
        }
    }

  for (gsize i = self->data_pos; i < self->data_len; i++)
    {
      if (self->data[i] != '\n' && self->data[i] != '\r')
        {
          empty = FALSE;
          break;
        }
    }
  all_read = self->eof && (self->conv == (GIConv) -1 || self->raw_pos == self->raw_len);
  if (empty && all_read && !self->pending_error)
    {
      g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_EMPTY,
                   _("“%s” is empty: it has no header row"), self->display_name);
      return NULL;
    }

  if (delimiter != 0)
    self->delimiter = delimiter;
  else
    self->delimiter = sniff_delimiter (self->data + self->data_pos,
                                       self->data_len - self->data_pos,
                                       all_read);

  memset (self->stop_unquoted, 0, sizeof self->stop_unquoted);
  memset (self->stop_quoted, 0, sizeof self->stop_quoted);
  self->stop_unquoted[(guchar) self->delimiter] = 1;
  self->stop_unquoted['\n'] = 1;
  self->stop_unquoted['\r'] = 1;
  self->stop_quoted['"'] = 1;
  self->stop_quoted['\n'] = 1;
  self->stop_quoted['\r'] = 1;

  return g_steal_pointer (&self);
}

const char *
qualify_csv_reader_get_encoding (QualifyCsvReader *self)
{
  g_return_val_if_fail (QUALIFY_IS_CSV_READER (self), NULL);

  return self->encoding;
}

gboolean
qualify_csv_reader_get_had_bom (QualifyCsvReader *self)
{
  g_return_val_if_fail (QUALIFY_IS_CSV_READER (self), FALSE);

  return self->had_bom;
}

char
qualify_csv_reader_get_delimiter (QualifyCsvReader *self)
{
  g_return_val_if_fail (QUALIFY_IS_CSV_READER (self), 0);

  return self->delimiter;
}

gboolean
qualify_csv_reader_get_last_unterminated (QualifyCsvReader *self)
{
  g_return_val_if_fail (QUALIFY_IS_CSV_READER (self), FALSE);

  return self->last_unterminated;
}

gboolean
qualify_csv_reader_next (QualifyCsvReader   *self,
                         const char *const **fields,
                         guint              *n_fields,
                         guint64            *line,
                         GError            **error)
{
  gboolean done = FALSE;

  g_return_val_if_fail (QUALIFY_IS_CSV_READER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reset_record (self);
  self->last_unterminated = FALSE;

  while (!done)
    {
      if (self->data_pos >= self->data_len)
        {
          g_autoptr(GError) local_error = NULL;

          if (!refill (self, &local_error))
            {
              if (local_error != NULL)
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              /* End of file */
              if (!self->record_started)
                return FALSE;
              if (self->state == STATE_QUOTED)
                self->last_unterminated = TRUE;
              end_field (self);
              self->state = STATE_FIELD_START;
              break;
            }
        }
      done = tokenize (self);
    }

  if (self->validate_utf8 && !validate_record (self, error))
    return FALSE;

  build_fields (self);
  if (fields != NULL)
    *fields = (const char *const *) self->fields;
  if (n_fields != NULL)
    *n_fields = self->n_offsets;
  if (line != NULL)
    *line = self->record_line;
  return TRUE;
}

guint64
qualify_csv_reader_get_position (QualifyCsvReader *self)
{
  g_return_val_if_fail (QUALIFY_IS_CSV_READER (self), 0);

  if (self->conv == (GIConv) -1)
    return self->raw_offset + self->data_pos;
  return self->raw_read;
}

guint64
qualify_csv_reader_get_size (QualifyCsvReader *self)
{
  g_return_val_if_fail (QUALIFY_IS_CSV_READER (self), 0);

  return self->size;
}
