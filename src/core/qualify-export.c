/* qualify-export.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qualify-dataset.h"
#include "qualify-export.h"
#include "qualify-model.h"
#include "qualify-parse.h"
#include "qualify-scorer.h"
#include "qualify-store-private.h"

/* Flush the output buffer to the stream once it holds this much. */
#define FLUSH_SIZE (256 * 1024)
/* Up to this many exported leads, explain each one from a one-lead dataset
 * instead of loading every event of the workspace. */
#define SMALL_EXPORT 64
#define N_REASONS 3

typedef enum
{
  COL_FIELD,       /* canonical lead field */
  COL_CUSTOM,      /* custom lead field */
  COL_FIT,
  COL_ENGAGEMENT,
  COL_SCORE,
  COL_GRADE,
  COL_STATUS,
  COL_MQL_AT,
  COL_SQL_AT,
  COL_SCORED_AT,
  COL_REASONS,
} ColumnKind;

typedef struct
{
  const char   *name;
  ColumnKind    kind;
  QualifyField  field;
} Column;

/* Result columns of the query, after the lead fields and the custom JSON. */
enum {
  Q_ID = 0,
  Q_FIELDS = 1,
  Q_CUSTOM = Q_FIELDS + QUALIFY_N_FIELDS,
  Q_FIT,
  Q_ENGAGEMENT,
  Q_SCORE,
  Q_GRADE,
  Q_STATUS,
  Q_MQL_AT,
  Q_SQL_AT,
  Q_SCORED_AT,
};

typedef struct
{
  QualifyStore        *store;
  GOutputStream       *stream;
  GCancellable        *cancellable;
  GString             *buf;
  Column              *columns;
  guint                n_columns;
  gboolean             want_custom;
  gboolean             want_reasons;

  /* Reasons: one scorer over the whole workspace, or per lead for small exports. */
  QualifyModel        *model;
  QualifyDataset      *dataset;
  QualifyScorer       *scorer;
  gint64               as_of;

  JsonGenerator       *generator;
} Export;

static const char * const default_columns[] = {
  "email", "first_name", "last_name", "title", "company", "domain", "industry",
  "employees", "annual_revenue", "country", "region", "city", "phone", "lead_source",
  "technologies", "owner", "created_at",
  "fit", "engagement", "score", "grade", "status", "mql_at", "sql_at", "reasons",
  NULL
};

static const struct {
  const char *name;
  ColumnKind  kind;
} result_columns[] = {
  { "fit", COL_FIT },
  { "engagement", COL_ENGAGEMENT },
  { "score", COL_SCORE },
  { "grade", COL_GRADE },
  { "status", COL_STATUS },
  { "mql_at", COL_MQL_AT },
  { "sql_at", COL_SQL_AT },
  { "scored_at", COL_SCORED_AT },
  { "reasons", COL_REASONS },
};

const char * const *
qualify_export_get_default_columns (void)
{
  return default_columns;
}

/* RFC 4180 quoting (and, when @guard, the OWASP formula-injection prefix) of
 * one cell, appended to @out. */
static void
append_cell (GString    *out,
             const char *value,
             gboolean    guard)
{
  gboolean needs_quotes;
  gsize len;

  if (value == NULL || *value == '\0')
    return;

  len = strlen (value);
  needs_quotes = strpbrk (value, ",\"\r\n") != NULL ||
                 value[0] == ' ' || value[len - 1] == ' ';

  if (guard && strchr ("=+-@\t\r\n", value[0]) != NULL)
    {
      /* The prefix makes the leading-space rule moot at the start, but a
       * trailing space still wants quotes; keep the test above as is. */
      if (needs_quotes)
        g_string_append_c (out, '"');
      g_string_append_c (out, '\'');
    }
  else if (needs_quotes)
    g_string_append_c (out, '"');

  if (needs_quotes)
    {
      for (const char *p = value; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append_len (out, value, len);
}

/**
 * qualify_csv_escape_cell:
 * @value: (nullable): cell text
 *
 * Returns: the cell as it goes into a CSV file: a leading ' when it starts
 *   with = + - @ TAB CR or LF (OWASP CSV injection), then quoted with doubled
 *   quotes when it holds , " CR LF or has a leading or trailing space.
 */
char *
qualify_csv_escape_cell (const char *value)
{
  GString *out = g_string_new (NULL);

  append_cell (out, value, TRUE);
  return g_string_free (out, FALSE);
}

static void
format_number (char   *buf,
               gsize   size,
               double  value)
{
  char *dot;
  gsize len;

  /* Two decimals are plenty for points; drop trailing zeros ("12.50" → "12.5"). */
  g_ascii_formatd (buf, size, "%.2f", value);
  if ((dot = strchr (buf, '.')) != NULL)
    {
      len = strlen (buf);
      while (len > 0 && buf[len - 1] == '0')
        buf[--len] = '\0';
      if (len > 0 && buf[len - 1] == '.')
        buf[--len] = '\0';
    }
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");
}

static void
format_plain_number (char   *buf,
                     gsize   size,
                     double  value)
{
  if (value == (double) (gint64) value)
    g_snprintf (buf, size, "%" G_GINT64_FORMAT, (gint64) value);
  else
    g_ascii_formatd (buf, size, "%.15g", value);
}

static gboolean
flush (Export   *ex,
       gboolean  force,
       GError  **error)
{
  if (ex->buf->len == 0 || (!force && ex->buf->len < FLUSH_SIZE))
    return TRUE;

  if (!g_output_stream_write_all (ex->stream, ex->buf->str, ex->buf->len, NULL,
                                  ex->cancellable, error))
    return FALSE;

  g_string_truncate (ex->buf, 0);
  return TRUE;
}

static gboolean
resolve_columns (Export             *ex,
                 const char * const *names,
                 GError            **error)
{
  g_auto(GStrv) custom = NULL;
  guint n = g_strv_length ((char **) names);

  ex->columns = g_new0 (Column, MAX (n, 1));
  ex->n_columns = n;

  for (guint i = 0; i < n; i++)
    {
      Column *col = &ex->columns[i];
      gboolean found = FALSE;

      col->name = names[i];

      if (qualify_field_from_name (names[i], &col->field))
        {
          col->kind = COL_FIELD;
          continue;
        }

      for (guint j = 0; j < G_N_ELEMENTS (result_columns); j++)
        {
          if (g_str_equal (names[i], result_columns[j].name))
            {
              col->kind = result_columns[j].kind;
              found = TRUE;
              break;
            }
        }
      if (found)
        {
          if (col->kind == COL_REASONS)
            ex->want_reasons = TRUE;
          continue;
        }

      if (custom == NULL && !(custom = qualify_store_list_custom_fields (ex->store, error)))
        return FALSE;
      if (!g_strv_contains ((const char * const *) custom, names[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Unknown export column “%s”: use a lead field, a custom field of this "
                         "workspace, or one of fit, engagement, score, grade, status, mql_at, "
                         "sql_at, scored_at, reasons."),
                       names[i]);
          return FALSE;
        }
      col->kind = COL_CUSTOM;
      ex->want_custom = TRUE;
    }

  return TRUE;
}

/* Loads what the reasons need. A workspace without an active model exports
 * without reasons rather than failing. */
static gboolean
prepare_reasons (Export   *ex,
                 gint64    n_rows,
                 GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;
  QualifyStoreStats stats;

  if (!qualify_store_get_stats (ex->store, &stats, error))
    return FALSE;
  ex->as_of = stats.last_as_of;

  if (!(json = qualify_store_dup_active_model_json (ex->store, NULL, &local_error)))
    {
      if (g_error_matches (local_error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!(ex->model = qualify_model_new_from_data (json, -1, error)))
    return FALSE;

  if (n_rows > SMALL_EXPORT)
    {
      if (!(ex->dataset = qualify_dataset_load (ex->store, ex->cancellable, error)) ||
          !(ex->scorer = qualify_scorer_new (ex->model, ex->dataset, error)))
        return FALSE;
    }

  return TRUE;
}

static GStrv
lead_reasons (Export   *ex,
              gint64    lead_id,
              GError  **error)
{
  g_autoptr(QualifyExplanation) explanation = NULL;

  if (ex->model == NULL)
    return NULL;

  if (ex->scorer != NULL)
    {
      guint index = qualify_dataset_find_lead (ex->dataset, lead_id);

      if (index == G_MAXUINT)
        return NULL;
      explanation = qualify_scorer_explain (ex->scorer, index, ex->as_of);
    }
  else
    {
      g_autoptr(QualifyDataset) dataset = NULL;
      g_autoptr(QualifyScorer) scorer = NULL;

      if (!(dataset = qualify_dataset_load_lead (ex->store, lead_id, error)) ||
          !(scorer = qualify_scorer_new (ex->model, dataset, error)))
        return NULL;
      explanation = qualify_scorer_explain (scorer, 0, ex->as_of);
    }

  return explanation ? qualify_explanation_top_reasons (explanation, N_REASONS) : NULL;
}

static JsonObject *
parse_custom (sqlite3_stmt *stmt)
{
  const char *text = (const char *) sqlite3_column_text (stmt, Q_CUSTOM);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (text == NULL)
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

static const char *
custom_value (JsonObject *custom,
              const char *name)
{
  JsonNode *node;

  if (custom == NULL || !(node = json_object_get_member (custom, name)) ||
      !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static char *
timestamp_or_null (sqlite3_stmt *stmt,
                   int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL || sqlite3_column_int64 (stmt, col) == 0)
    return NULL;
  return qualify_format_timestamp (sqlite3_column_int64 (stmt, col));
}

static void
write_csv_header (Export *ex)
{
  for (guint i = 0; i < ex->n_columns; i++)
    {
      if (i > 0)
        g_string_append_c (ex->buf, ',');
      append_cell (ex->buf, ex->columns[i].name, TRUE);
    }
  g_string_append (ex->buf, "\r\n");
}

static void
write_csv_row (Export        *ex,
               sqlite3_stmt  *stmt,
               JsonObject    *custom,
               GStrv          reasons)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < ex->n_columns; i++)
    {
      const Column *col = &ex->columns[i];

      if (i > 0)
        g_string_append_c (ex->buf, ',');

      /* The formula-injection guard applies to text that came from outside
       * (lead fields, custom fields, reasons built from model labels). The
       * numbers and timestamps we format ourselves are left alone so that a
       * negative engagement such as -5 stays a number in a spreadsheet. */
      switch (col->kind)
        {
        case COL_FIELD:
          {
            int qcol = Q_FIELDS + col->field;

            if (sqlite3_column_type (stmt, qcol) == SQLITE_NULL)
              break;
            switch (qualify_field_get_kind (col->field))
              {
              case QUALIFY_FIELD_KIND_NUMBER:
                format_plain_number (num, sizeof num, sqlite3_column_double (stmt, qcol));
                g_string_append (ex->buf, num);
                break;
              case QUALIFY_FIELD_KIND_TIMESTAMP:
                {
                  g_autofree char *ts = timestamp_or_null (stmt, qcol);
                  append_cell (ex->buf, ts, FALSE);
                }
                break;
              case QUALIFY_FIELD_KIND_TEXT:
              case QUALIFY_FIELD_KIND_LIST:
              default:
                append_cell (ex->buf, (const char *) sqlite3_column_text (stmt, qcol), TRUE);
                break;
              }
          }
          break;

        case COL_CUSTOM:
          append_cell (ex->buf, custom_value (custom, col->name), TRUE);
          break;

        case COL_FIT:
        case COL_ENGAGEMENT:
        case COL_SCORE:
          format_number (num, sizeof num,
                         sqlite3_column_double (stmt, col->kind == COL_FIT ? Q_FIT :
                                                      col->kind == COL_ENGAGEMENT ? Q_ENGAGEMENT :
                                                      Q_SCORE));
          g_string_append (ex->buf, num);
          break;

        case COL_GRADE:
          append_cell (ex->buf, (const char *) sqlite3_column_text (stmt, Q_GRADE), TRUE);
          break;

        case COL_STATUS:
          append_cell (ex->buf, (const char *) sqlite3_column_text (stmt, Q_STATUS), TRUE);
          break;

        case COL_MQL_AT:
        case COL_SQL_AT:
        case COL_SCORED_AT:
          {
            g_autofree char *ts = timestamp_or_null (stmt, col->kind == COL_MQL_AT ? Q_MQL_AT :
                                                           col->kind == COL_SQL_AT ? Q_SQL_AT :
                                                           Q_SCORED_AT);
            append_cell (ex->buf, ts, FALSE);
          }
          break;

        case COL_REASONS:
          if (reasons != NULL && reasons[0] != NULL)
            {
              g_autofree char *joined = g_strjoinv ("; ", reasons);
              append_cell (ex->buf, joined, TRUE);
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  g_string_append (ex->buf, "\r\n");
}

static void
add_string_or_null (JsonBuilder *b,
                    const char  *value)
{
  if (value != NULL && *value != '\0')
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
write_json_row (Export        *ex,
                sqlite3_stmt  *stmt,
                JsonObject    *custom,
                GStrv          reasons,
                gboolean       first)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  for (guint i = 0; i < ex->n_columns; i++)
    {
      const Column *col = &ex->columns[i];

      json_builder_set_member_name (b, col->name);
      switch (col->kind)
        {
        case COL_FIELD:
          {
            int qcol = Q_FIELDS + col->field;

            if (sqlite3_column_type (stmt, qcol) == SQLITE_NULL)
              {
                json_builder_add_null_value (b);
                break;
              }
            switch (qualify_field_get_kind (col->field))
              {
              case QUALIFY_FIELD_KIND_NUMBER:
                {
                  double v = sqlite3_column_double (stmt, qcol);

                  if (v == (double) (gint64) v)
                    json_builder_add_int_value (b, (gint64) v);
                  else
                    json_builder_add_double_value (b, v);
                }
                break;
              case QUALIFY_FIELD_KIND_TIMESTAMP:
                {
                  g_autofree char *ts = timestamp_or_null (stmt, qcol);
                  add_string_or_null (b, ts);
                }
                break;
              case QUALIFY_FIELD_KIND_TEXT:
              case QUALIFY_FIELD_KIND_LIST:
              default:
                add_string_or_null (b, (const char *) sqlite3_column_text (stmt, qcol));
                break;
              }
          }
          break;

        case COL_CUSTOM:
          add_string_or_null (b, custom_value (custom, col->name));
          break;

        case COL_FIT:
          json_builder_add_double_value (b, sqlite3_column_double (stmt, Q_FIT));
          break;
        case COL_ENGAGEMENT:
          json_builder_add_double_value (b, sqlite3_column_double (stmt, Q_ENGAGEMENT));
          break;
        case COL_SCORE:
          json_builder_add_double_value (b, sqlite3_column_double (stmt, Q_SCORE));
          break;
        case COL_GRADE:
          add_string_or_null (b, (const char *) sqlite3_column_text (stmt, Q_GRADE));
          break;
        case COL_STATUS:
          add_string_or_null (b, (const char *) sqlite3_column_text (stmt, Q_STATUS));
          break;

        case COL_MQL_AT:
        case COL_SQL_AT:
        case COL_SCORED_AT:
          {
            g_autofree char *ts = timestamp_or_null (stmt, col->kind == COL_MQL_AT ? Q_MQL_AT :
                                                           col->kind == COL_SQL_AT ? Q_SQL_AT :
                                                           Q_SCORED_AT);
            add_string_or_null (b, ts);
          }
          break;

        case COL_REASONS:
          json_builder_begin_array (b);
          for (guint r = 0; reasons != NULL && reasons[r] != NULL; r++)
            json_builder_add_string_value (b, reasons[r]);
          json_builder_end_array (b);
          break;

        default:
          g_assert_not_reached ();
        }
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (ex->generator, root);
  text = json_generator_to_data (ex->generator, NULL);

  g_string_append (ex->buf, first ? "\n  " : ",\n  ");
  g_string_append (ex->buf, text);
}

static void
export_clear (Export *ex)
{
  g_clear_object (&ex->scorer);
  g_clear_object (&ex->dataset);
  g_clear_object (&ex->model);
  g_clear_object (&ex->generator);
  g_clear_pointer (&ex->columns, g_free);
  if (ex->buf != NULL)
    g_string_free (g_steal_pointer (&ex->buf), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Export, export_clear)

static gboolean
export_rows (Export                     *ex,
             const QualifyExportOptions *options,
             guint64                    *n_leads,
             GError                    **error)
{
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint statuses = options->statuses ? options->statuses : (1u << QUALIFY_STATUS_MQL);
  guint64 n = 0;
  gint64 n_rows = 0;
  int rc;

  for (guint s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    if (statuses & (1u << s))
      g_string_append_printf (where, "%s'%s'", where->len ? ", " : "", qualify_status_to_string (s));
  if (where->len == 0)
    g_string_append (where, "''");

  if (ex->want_reasons)
    {
      g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM results WHERE status IN (%s)",
                                                    where->str);
      g_autoptr(sqlite3_stmt) count = NULL;

      if (!(count = _qualify_store_prepare (ex->store, count_sql, error)))
        return FALSE;
      if ((rc = sqlite3_step (count)) != SQLITE_ROW)
        return _qualify_store_set_error (ex->store, rc, _("Could not count the leads to export"), error);
      n_rows = sqlite3_column_int64 (count, 0);

      if (!prepare_reasons (ex, n_rows, error))
        return FALSE;
    }

  g_string_append (sql, "SELECT l.id");
  for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
    g_string_append_printf (sql, ", l.%s", qualify_field_get_name (f));
  g_string_append_printf (sql, ", l.custom, r.fit, r.engagement, r.score, r.grade, r.status,"
                               " r.mql_at, r.sql_at, r.scored_at"
                               " FROM results r JOIN leads l ON l.id = r.lead_id"
                               " WHERE r.status IN (%s) ORDER BY r.score DESC, l.id",
                          where->str);

  if (!(stmt = _qualify_store_prepare (ex->store, sql->str, error)))
    return FALSE;

  if (options->format == QUALIFY_EXPORT_CSV)
    write_csv_header (ex);
  else
    g_string_append_c (ex->buf, '[');

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) custom = ex->want_custom ? parse_custom (stmt) : NULL;
      g_auto(GStrv) reasons = NULL;

      if (ex->want_reasons)
        {
          g_autoptr(GError) local_error = NULL;

          reasons = lead_reasons (ex, sqlite3_column_int64 (stmt, Q_ID), &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }

      if (options->format == QUALIFY_EXPORT_CSV)
        write_csv_row (ex, stmt, custom, reasons);
      else
        write_json_row (ex, stmt, custom, reasons, n == 0);
      n++;

      if ((n & 0x3ff) == 0 && g_cancellable_set_error_if_cancelled (ex->cancellable, error))
        return FALSE;
      if (!flush (ex, FALSE, error))
        return FALSE;
    }

  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (ex->store, rc, _("Could not read the leads to export"), error);

  if (options->format == QUALIFY_EXPORT_JSON)
    g_string_append (ex->buf, n > 0 ? "\n]\n" : "]\n");

  if (!flush (ex, TRUE, error))
    return FALSE;

  if (n_leads != NULL)
    *n_leads = n;

  return TRUE;
}

/**
 * qualify_export_write:
 * @n_leads: (out) (optional): leads written
 *
 * Writes the hand-off list: leads whose status is in @options->statuses,
 * best score first. The stream is flushed but not closed.
 */
gboolean
qualify_export_write (QualifyStore               *store,
                      const QualifyExportOptions *options,
                      GOutputStream              *stream,
                      guint64                    *n_leads,
                      GCancellable               *cancellable,
                      GError                    **error)
{
  g_auto(Export) ex = { 0 };
  gboolean own_transaction;
  gboolean ok;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (options->format == QUALIFY_EXPORT_CSV ||
                        options->format == QUALIFY_EXPORT_JSON, FALSE);

  ex.store = store;
  ex.stream = stream;
  ex.cancellable = cancellable;
  ex.buf = g_string_sized_new (FLUSH_SIZE + 4096);
  ex.generator = json_generator_new ();

  if (!resolve_columns (&ex, options->columns ? options->columns : default_columns, error))
    return FALSE;

  /* One read transaction: the rows and the reasons come from the same snapshot. */
  own_transaction = !_qualify_store_in_transaction (store);
  if (own_transaction && !_qualify_store_exec (store, "BEGIN", error))
    return FALSE;

  ok = export_rows (&ex, options, n_leads, error);

  if (own_transaction)
    _qualify_store_exec (store, "COMMIT", NULL);

  return ok && g_output_stream_flush (stream, cancellable, error);
}

/**
 * qualify_export_to_file:
 *
 * Writes to a temporary file beside @path and renames it over @path only when
 * everything was written and closed, so a failure or a cancellation leaves an
 * existing file as it was and never leaves a partial one. (g_file_replace()
 * would do the same for an existing file, but writes a new file in place.)
 */
gboolean
qualify_export_to_file (QualifyStore               *store,
                        const QualifyExportOptions *options,
                        const char                 *path,
                        guint64                    *n_leads,
                        GCancellable               *cancellable,
                        GError                    **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Could not export to “%s”: it is a folder. Give a file name."), path);
      return FALSE;
    }

  file = g_file_new_for_path (path);
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);

  for (guint attempt = 0; stream == NULL; attempt++)
    {
      g_clear_pointer (&tmp_path, g_free);
      g_clear_object (&tmp);
      g_clear_error (&local_error);
      tmp_path = g_strdup_printf ("%s%c.%s.%08x.tmp", dir, G_DIR_SEPARATOR, base, g_random_int ());
      tmp = g_file_new_for_path (tmp_path);
      stream = g_file_create (tmp, G_FILE_CREATE_NONE, cancellable, &local_error);
      if (stream == NULL &&
          (attempt >= 10 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
        {
          g_set_error (error, local_error->domain, local_error->code,
                       _("Could not write “%s”: %s"), path, local_error->message);
          return FALSE;
        }
    }

  if (!qualify_export_write (store, options, G_OUTPUT_STREAM (stream), n_leads, cancellable,
                             &local_error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &local_error) ||
      !g_file_move (tmp, file, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    cancellable, NULL, NULL, &local_error))
    {
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
      g_file_delete (tmp, NULL, NULL);
      if (local_error->domain == G_IO_ERROR &&
          local_error->code != G_IO_ERROR_CANCELLED)
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not write “%s”: %s"), path, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
