/* qualify-cli.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qualify-csv-reader.h"
#include "qualify-delivery.h"
#include "qualify-endpoint.h"
#include "qualify-outbox.h"
#include "qualify-secrets.h"
#include "qualify-webhook.h"
#include "qualify-model-diff.h"
#include "qualify-whatif.h"
#include "qualify-demo.h"
#include "qualify-export.h"
#include "qualify-importer.h"
#include "qualify-model.h"
#include "qualify-parse.h"
#include "qualify-scorer.h"
#include "qualify-store.h"

/* Exit codes: 0 ok, 1 the user's input was refused, 2 internal error. */
enum {
  EXIT_OK = 0,
  EXIT_USER = 1,
  EXIT_INTERNAL = 2,
};

#define CLI_ERROR (cli_error_quark ())
static GQuark cli_error_quark (void);
G_DEFINE_QUARK (qualify-cli-error, cli_error)

typedef enum
{
  CLI_ERROR_USER,      /* bad argument, unknown email … */
} CliError;

typedef struct
{
  const char *db_path;    /* --db before the command, or the default */
  char       *db_option;  /* --db after the command */
  const char *prgname;
} Cli;

static const char *
cli_db (Cli *cli)
{
  return cli->db_option ? cli->db_option : cli->db_path;
}

typedef int (*CommandFunc) (Cli     *cli,
                            int      argc,
                            char   **argv,
                            GError **error);

typedef struct
{
  const char  *name;
  CommandFunc  func;
  const char  *usage;     /* parameter string after the command */
  const char  *summary;
} Command;

/* A GOutputStream on stdout, so the exporter can stream to it. */

#define CLI_TYPE_STDOUT_STREAM (cli_stdout_stream_get_type ())
G_DECLARE_FINAL_TYPE (CliStdoutStream, cli_stdout_stream, CLI, STDOUT_STREAM, GOutputStream)

struct _CliStdoutStream
{
  GOutputStream parent_instance;
};

G_DEFINE_FINAL_TYPE (CliStdoutStream, cli_stdout_stream, G_TYPE_OUTPUT_STREAM)

static gssize
cli_stdout_stream_write (GOutputStream  *stream,
                         const void     *buffer,
                         gsize           count,
                         GCancellable   *cancellable,
                         GError        **error)
{
  gsize written = fwrite (buffer, 1, count, stdout);

  if (written == 0 && count > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write to standard output"));
      return -1;
    }
  return written;
}

static gboolean
cli_stdout_stream_flush (GOutputStream  *stream,
                         GCancellable   *cancellable,
                         GError        **error)
{
  if (fflush (stdout) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write to standard output"));
      return FALSE;
    }
  return TRUE;
}

static void
cli_stdout_stream_class_init (CliStdoutStreamClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  stream_class->write_fn = cli_stdout_stream_write;
  stream_class->flush = cli_stdout_stream_flush;
}

static void
cli_stdout_stream_init (CliStdoutStream *self)
{
}

/* Helpers */

static int
exit_code_for_error (const GError *error)
{
  if (error->domain == QUALIFY_STORE_ERROR)
    {
      switch ((QualifyStoreError) error->code)
        {
        case QUALIFY_STORE_ERROR_FAILED:
          return EXIT_INTERNAL;
        case QUALIFY_STORE_ERROR_TOO_NEW:
        case QUALIFY_STORE_ERROR_NOT_A_WORKSPACE:
        case QUALIFY_STORE_ERROR_NOT_FOUND:
        case QUALIFY_STORE_ERROR_DISK_FULL:
        case QUALIFY_STORE_ERROR_BUSY:
        case QUALIFY_STORE_ERROR_CANCELLED:
        default:
          return EXIT_USER;
        }
    }

  if (error->domain == CLI_ERROR ||
      error->domain == G_OPTION_ERROR ||
      error->domain == G_IO_ERROR ||
      error->domain == G_FILE_ERROR ||
      error->domain == G_CONVERT_ERROR ||
      error->domain == JSON_PARSER_ERROR ||
      error->domain == QUALIFY_IMPORT_ERROR ||
      error->domain == QUALIFY_CSV_ERROR ||
      error->domain == QUALIFY_MODEL_ERROR ||
      error->domain == QUALIFY_ENDPOINT_ERROR ||
      error->domain == QUALIFY_WEBHOOK_ERROR ||
      error->domain == QUALIFY_DELIVERY_ERROR)
    return EXIT_USER;

  return EXIT_INTERNAL;
}

static char *
format_time (gint64 t)
{
  return t > 0 ? qualify_format_timestamp (t) : g_strdup ("—");
}

static char *
file_display_name (const char *path)
{
  return g_path_get_basename (path);
}

static gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               GError         **error)
{
  return g_option_context_parse (context, argc, argv, error);
}

static GOptionContext *
command_context (Cli          *cli,
                 const char   *command,
                 const char   *usage,
                 const char   *summary,
                 GOptionEntry *entries)
{
  g_autofree char *param = g_strdup_printf ("%s %s", command, usage ? usage : "");
  GOptionContext *context = g_option_context_new (param);
  GOptionEntry common[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &cli->db_option,
      N_("Workspace file (also accepted before the command)"), N_("FILE") },
    { NULL }
  };

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  return context;
}

static gboolean
check_args (int          argc,
            int          min,
            int          max,
            const char  *usage,
            GError     **error)
{
  /* argv[0] is the command itself. */
  if (argc - 1 < min || argc - 1 > max)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   argc - 1 < min ? _("Missing argument. Usage: %s") : _("Too many arguments. Usage: %s"),
                   usage);
      return FALSE;
    }
  return TRUE;
}

static QualifyStore *
open_store (Cli       *cli,
            gboolean   create,
            GError   **error)
{
  if (!create && !g_file_test (cli_db (cli), G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("There is no workspace at “%s”. Create one with “%s --db %s init” "
                     "(or fill one with demo data: “%s --db %s demo”)."),
                   cli_db (cli), cli->prgname, cli_db (cli), cli->prgname, cli_db (cli));
      return NULL;
    }

  return qualify_store_open (cli_db (cli), error);
}

static gboolean
parse_time_option (const char  *text,
                   const char  *option,
                   gint64      *value,
                   GError     **error)
{
  if (!qualify_parse_timestamp (text, value))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("%s “%s” is not a date and time. Use ISO 8601, e.g. 2026-03-01T10:00:00Z."),
                   option, text);
      return FALSE;
    }
  return TRUE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

/* init */

static int
cmd_init (Cli     *cli,
          int      argc,
          char   **argv,
          GError **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *leads = NULL;
  g_autofree char *events = NULL;
  QualifyStoreStats stats;
  gboolean existed = g_file_test (cli_db (cli), G_FILE_TEST_EXISTS);

  context = command_context (cli, "init", NULL,
                             _("Creates the workspace, or brings an older one up to date."), NULL);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "init", error))
    return -1;

  if (!(store = qualify_store_open (cli_db (cli), error)) ||
      !qualify_store_get_stats (store, &stats, error))
    return -1;

  leads = qualify_format_count (stats.leads);
  events = qualify_format_count (stats.events);
  g_print (existed ? _("Workspace %s is ready (format %d): %s leads, %s events.\n")
                   : _("Created workspace %s (format %d).\n"),
           cli_db (cli), QUALIFY_STORE_SCHEMA_VERSION, leads, events);
  return EXIT_OK;
}

/* import */

typedef struct
{
  const char *name;
  gboolean    tty;
  gboolean    shown;
} ImportProgress;

static void
import_progress_cb (double   fraction,
                    guint64  rows,
                    gpointer user_data)
{
  ImportProgress *p = user_data;
  g_autofree char *count = NULL;

  if (!p->tty)
    return;

  count = qualify_format_count (rows);
  g_printerr ("\r%s: %3.0f%% · %s rows", p->name, fraction * 100, count);
  p->shown = TRUE;
}

static gboolean
parse_delimiter (const char  *text,
                 char        *delimiter,
                 GError     **error)
{
  if (g_str_equal (text, "tab") || g_str_equal (text, "\\t") || g_str_equal (text, "\t"))
    *delimiter = '\t';
  else if (strlen (text) == 1 && strchr (",;|:", text[0]) != NULL)
    *delimiter = text[0];
  else
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("--delimiter “%s” is not supported. Use one of , ; | : or tab."), text);
      return FALSE;
    }
  return TRUE;
}

static char *
describe_delimiter (char delimiter)
{
  if (delimiter == '\t')
    return g_strdup (_("tab-separated"));
  return g_strdup_printf (_("'%c'-separated"), delimiter);
}

static int
cmd_import (Cli     *cli,
            int      argc,
            char   **argv,
            GError **error)
{
  g_auto(GStrv) maps = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *delimiter_text = NULL;
  g_autofree char *errors_path = NULL;
  GOptionEntry entries[] = {
    { "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &maps,
      N_("Map a column: 'Header=field' (a lead field, custom, custom:NAME or ignore); repeatable"),
      N_("HEADER=FIELD") },
    { "encoding", 'e', 0, G_OPTION_ARG_STRING, &encoding,
      N_("Character encoding of the file (default: detected)"), N_("ENCODING") },
    { "delimiter", 'd', 0, G_OPTION_ARG_STRING, &delimiter_text,
      N_("Column separator: , ; | : or tab (default: detected)"), N_("CHAR") },
    { "errors", 0, 0, G_OPTION_ARG_FILENAME, &errors_path,
      N_("Write every skipped row, with its line and reason, to this CSV file"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyImporter) importer = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sep = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *skipped = NULL;
  QualifyImportStats stats = { 0 };
  QualifyImportKind kind;
  ImportProgress progress = { 0 };
  GPtrArray *problems;
  const char *usage = "import leads|events FILE [--map 'Header=field']… [--encoding E] "
                      "[--delimiter C] [--errors OUT]";
  char delimiter = 0;

  context = command_context (cli, "import", "leads|events FILE",
                             _("Imports leads (upserted on email) or events from a CSV file, "
                               "in one transaction. Bad rows are skipped and reported; events "
                               "already in the workspace are not added again."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 2, 2, usage, error))
    return -1;

  if (g_str_equal (argv[1], "leads"))
    kind = QUALIFY_IMPORT_LEADS;
  else if (g_str_equal (argv[1], "events"))
    kind = QUALIFY_IMPORT_EVENTS;
  else
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("Unknown import kind “%s”: use “leads” or “events”."), argv[1]);
      return -1;
    }

  if (!g_file_test (argv[2], G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   g_file_test (argv[2], G_FILE_TEST_EXISTS)
                     ? _("“%s” is not a regular file.")
                     : _("“%s” does not exist."),
                   argv[2]);
      return -1;
    }

  if (delimiter_text != NULL && !parse_delimiter (delimiter_text, &delimiter, error))
    return -1;

  if (!(store = open_store (cli, TRUE, error)))
    return -1;

  importer = qualify_importer_new (store, kind, argv[2]);
  /* nothing else opens the workspace while the CLI imports */
  qualify_importer_set_exclusive (importer, TRUE);
  if (encoding != NULL)
    qualify_importer_set_encoding (importer, encoding);
  if (delimiter != 0)
    qualify_importer_set_delimiter (importer, delimiter);
  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    if (!qualify_importer_add_mapping (importer, maps[i], error))
      return -1;

  if (!qualify_importer_prepare (importer, 0, error))
    return -1;

  name = file_display_name (argv[2]);
  sep = describe_delimiter (qualify_importer_get_delimiter (importer));
  g_print (_("Read %s as %s, %s\n"), name, qualify_importer_get_encoding (importer), sep);

  progress.name = name;
  progress.tty = isatty (STDERR_FILENO);
  if (!qualify_importer_run (importer, NULL, import_progress_cb, &progress, &stats, error))
    {
      if (progress.shown)
        g_printerr ("\r\033[K");
      g_prefix_error (error, _("Nothing was imported: "));
      return -1;
    }
  if (progress.shown)
    g_printerr ("\r\033[K");

  rows = qualify_format_count (stats.rows);
  created = qualify_format_count (stats.created);
  updated = qualify_format_count (stats.updated);
  skipped = qualify_format_count (stats.skipped);
  if (kind == QUALIFY_IMPORT_LEADS)
    g_print (_("Imported %s: %s rows · %s created · %s updated · %s skipped\n"),
             name, rows, created, updated, skipped);
  else if (stats.already == 0)
    g_print (_("Imported %s: %s rows · %s events added · %s new leads for unknown emails · %s skipped\n"),
             name, rows, created, updated, skipped);
  else
    {
      g_autofree char *already = qualify_format_count (stats.already);

      /* Translators: "already in the workspace": events an earlier import added, which
       * are not added again */
      g_print (_("Imported %s: %s rows · %s events added · %s already in the workspace · %s new "
                 "leads for unknown emails · %s skipped\n"),
               name, rows, created, already, updated, skipped);
    }

  problems = qualify_importer_get_problems (importer);
  if (stats.skipped > 0 && problems != NULL)
    {
      guint shown = MIN (problems->len, 10);

      g_print (_("Skipped rows:\n"));
      for (guint i = 0; i < shown; i++)
        {
          QualifyImportProblem *p = g_ptr_array_index (problems, i);
          g_print (_("  line %llu: %s\n"), (unsigned long long) p->line, p->reason);
        }
      if (stats.skipped > shown && errors_path == NULL)
        g_print (_("  … and %llu more. Write them all with --errors FILE.\n"),
                 (unsigned long long) stats.skipped - shown);
    }

  if (errors_path != NULL)
    {
      if (!qualify_importer_write_problems (importer, errors_path, error))
        {
          g_prefix_error (error, _("The import succeeded, but the problem report failed: "));
          return -1;
        }
      if (stats.skipped > 0)
        g_print (_("All %s skipped rows are in %s\n"), skipped, errors_path);
    }

  return EXIT_OK;
}

/* model */

static int
model_set (Cli     *cli,
           int      argc,
           char   **argv,
           GError **error)
{
  g_autofree char *note = NULL;
  GOptionEntry entries[] = {
    { "note", 'n', 0, G_OPTION_ARG_STRING, &note, N_("A note kept with this version"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyModel) model = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *json = NULL;
  gsize length;
  gint64 version;

  context = command_context (cli, "model set", "FILE.json",
                             _("Validates a scoring model and saves it as the new active version. "
                               "An invalid model is refused and the active one stays."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 1, 1, "model set FILE.json [--note TEXT]", error))
    return -1;

  if (!g_file_get_contents (argv[1], &contents, &length, error))
    return -1;

  if (!(model = qualify_model_new_from_data (contents, length, &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("%s: %s\nThe model was not saved; the active model is unchanged."),
                   argv[1], local_error->message);
      return -1;
    }

  if (!(store = open_store (cli, TRUE, error)))
    return -1;

  json = qualify_model_to_data (model, TRUE);
  if ((version = qualify_store_save_model (store, qualify_model_get_name (model), json, note,
                                           TRUE, error)) <= 0)
    return -1;

  g_print (_("Saved model “%s” as version %lld (active). "
             "Run “%s score” to apply it.\n"),
           qualify_model_get_name (model), (long long) version, cli->prgname);
  return EXIT_OK;
}

static char *
describe_rule_value (const QualifyFieldRule *rule)
{
  switch (rule->op)
    {
    case QUALIFY_OP_IS_SET:
    case QUALIFY_OP_IS_EMPTY:
      return g_strdup ("");
    case QUALIFY_OP_GTE:
    case QUALIFY_OP_LTE:
      return g_strdup_printf ("%g", rule->lo);
    case QUALIFY_OP_BETWEEN:
      return g_strdup_printf ("[%g, %g]", rule->lo, rule->hi);
    case QUALIFY_OP_EQUALS:
    case QUALIFY_OP_NOT_EQUALS:
    case QUALIFY_OP_IN:
    case QUALIFY_OP_NOT_IN:
    case QUALIFY_OP_CONTAINS:
    case QUALIFY_OP_NOT_CONTAINS:
    case QUALIFY_OP_STARTS_WITH:
    case QUALIFY_OP_ENDS_WITH:
    case QUALIFY_OP_DOMAIN_IN:
    case QUALIFY_OP_HAS_ANY:
    case QUALIFY_N_OPS:
    default:
      if (rule->values != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", rule->values);
          return g_strdup_printf ("[%s]", joined);
        }
      if (rule->has_number)
        return g_strdup_printf ("%g", rule->lo);
      return g_strdup ("");
    }
}

static void
print_model (QualifyModel *model,
             gint64        version)
{
  const char * const *sales_ready = qualify_model_get_sales_ready (model);

  g_print (_("Model “%s” (version %lld, active)\n"), qualify_model_get_name (model), (long long) version);
  g_print (_("MQL: score ≥ %g, fit ≥ %g, engagement ≥ %g\n"),
           qualify_model_get_mql_threshold (model), qualify_model_get_min_fit (model),
           qualify_model_get_min_engagement (model));

  g_print (_("Grades:"));
  for (guint i = 0; i < qualify_model_get_n_grades (model); i++)
    {
      const QualifyGrade *g = qualify_model_get_grade (model, i);
      g_print (" %s ≥ %g", g->letter, g->bound);
    }
  g_print (_(", else F\n"));

  g_print (_("\nFit rules\n"));
  for (guint i = 0; i < qualify_model_get_n_fit_rules (model); i++)
    {
      const QualifyFieldRule *r = qualify_model_get_fit_rule (model, i);
      g_autofree char *value = describe_rule_value (r);

      g_print ("  %+7g  %-14s %s — %s %s %s\n", r->points, r->id, r->label, r->field,
               qualify_op_to_string (r->op), value);
    }

  g_print (_("\nEngagement rules\n"));
  for (guint i = 0; i < qualify_model_get_n_engagement_rules (model); i++)
    {
      const QualifyEngagementRule *r = qualify_model_get_engagement_rule (model, i);
      g_autoptr(GString) extra = g_string_new (NULL);

      if (r->match != NULL)
        g_string_append_printf (extra, _(" matching “%s”"), r->match);
      if (r->half_life_days > 0)
        g_string_append_printf (extra, _(", half-life %g days"), r->half_life_days);
      if (r->cap > 0)
        g_string_append_printf (extra, _(", cap %g"), r->cap);
      if (r->within_days > 0)
        g_string_append_printf (extra, _(", within %g days"), r->within_days);
      g_print ("  %+7g  %-14s %s — %s%s\n", r->points, r->id, r->label, r->event, extra->str);
    }

  if (qualify_model_get_n_disqualify_rules (model) > 0)
    {
      g_print (_("\nDisqualify rules\n"));
      for (guint i = 0; i < qualify_model_get_n_disqualify_rules (model); i++)
        {
          const QualifyFieldRule *r = qualify_model_get_disqualify_rule (model, i);
          g_autofree char *value = describe_rule_value (r);

          g_print ("           %-14s %s — %s %s %s\n", r->id, r->label, r->field,
                   qualify_op_to_string (r->op), value);
        }
    }

  if (sales_ready != NULL && sales_ready[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) sales_ready);
      g_print (_("\nSales-ready events (straight to SQL): %s\n"), joined);
    }
}

static int
model_show (Cli     *cli,
            int      argc,
            char   **argv,
            GError **error)
{
  gboolean as_json = FALSE;
  gint64 version = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the model JSON"), NULL },
    { "version", 'v', 0, G_OPTION_ARG_INT64, &version,
      N_("Show this saved version instead of the active one"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyModel) model = NULL;
  g_autofree char *json = NULL;

  context = command_context (cli, "model show", NULL,
                             _("Shows the active scoring model (or a saved version)."), entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "model show [--json] [--version N]", error))
    return -1;

  if (!(store = open_store (cli, FALSE, error)))
    return -1;

  if (version > 0)
    json = qualify_store_dup_model_json (store, version, error);
  else
    json = qualify_store_dup_active_model_json (store, &version, error);
  if (json == NULL)
    return -1;

  if (as_json)
    {
      g_print ("%s%s", json, g_str_has_suffix (json, "\n") ? "" : "\n");
      return EXIT_OK;
    }

  if (!(model = qualify_model_new_from_data (json, -1, error)))
    return -1;
  print_model (model, version);
  return EXIT_OK;
}

static int
model_history (Cli     *cli,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GPtrArray) versions = NULL;

  context = command_context (cli, "model history", NULL,
                             _("Lists every saved version of the scoring model, newest first."), NULL);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "model history", error))
    return -1;

  if (!(store = open_store (cli, FALSE, error)) ||
      !(versions = qualify_store_list_models (store, error)))
    return -1;

  if (versions->len == 0)
    {
      g_print (_("No model saved yet. Save one with “%s model set FILE.json”.\n"), cli->prgname);
      return EXIT_OK;
    }

  g_print ("%-8s %-6s %-20s %8s  %s\n", _("VERSION"), _("ACTIVE"), _("SAVED"), _("MQLS"), _("NAME / NOTE"));
  for (guint i = 0; i < versions->len; i++)
    {
      QualifyModelVersion *v = g_ptr_array_index (versions, i);
      g_autofree char *saved = format_time (v->created_at);
      g_autofree char *mqls = v->mql_count >= 0 ? qualify_format_count (v->mql_count) : g_strdup ("—");

      g_print ("%-8" G_GINT64_FORMAT " %-6s %-20s %8s  %s%s%s\n", v->version, v->active ? "*" : "",
               saved, mqls, v->name, v->note && *v->note ? " — " : "", v->note ? v->note : "");
    }

  return EXIT_OK;
}

static int
model_whatif (Cli     *cli,
              int      argc,
              char   **argv,
              GError **error)
{
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyModel) draft = NULL;
  g_autoptr(QualifyWhatIf) whatif = NULL;
  g_autoptr(QualifyWhatIfResult) r = NULL;
  gint64 t0;
  double load_ms;

  context = command_context (cli, "model whatif", "FILE.json",
                             _("Shows what a draft model would change — leads per status and the "
                               "difference, who would newly qualify or drop out, the score "
                               "distribution — without saving or rescoring anything."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 1, 1, "model whatif FILE.json [--json]", error))
    return -1;
  if (!(draft = qualify_model_new_from_file (argv[1], error)))
    return -1;
  if (!(store = open_store (cli, FALSE, error)))
    return -1;
  t0 = g_get_monotonic_time ();
  if (!(whatif = qualify_whatif_new (store, 0, NULL, error)))
    return -1;
  load_ms = (g_get_monotonic_time () - t0) / 1000.0;
  if (!(r = qualify_whatif_evaluate (whatif, draft, error)))
    return -1;

  if (as_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      for (QualifyStatus s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
        {
          json_builder_set_member_name (b, qualify_status_to_string (s));
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "active");
          json_builder_add_int_value (b, r->active[s]);
          json_builder_set_member_name (b, "draft");
          json_builder_add_int_value (b, r->draft[s]);
          json_builder_end_object (b);
        }
      json_builder_set_member_name (b, "newly_qualified");
      json_builder_add_int_value (b, r->n_newly_qualified);
      json_builder_set_member_name (b, "dropped");
      json_builder_add_int_value (b, r->n_dropped);
      json_builder_set_member_name (b, "evaluate_ms");
      json_builder_add_double_value (b, r->elapsed_ms);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
      return EXIT_OK;
    }

  g_print (_("What “%s” would do (as of the latest scoring):\n"), argv[1]);
  for (QualifyStatus s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    {
      g_autofree char *a = qualify_format_count (r->active[s]);
      g_autofree char *d = qualify_format_count (r->draft[s]);
      gint64 delta = (gint64) r->draft[s] - (gint64) r->active[s];

      g_print ("  %-14s %10s → %-10s %+" G_GINT64_FORMAT "\n", qualify_status_to_string (s), a, d, delta);
    }
  g_print (_("  newly MQL/SQL %llu · no longer MQL/SQL %llu\n"),
           (unsigned long long) r->n_newly_qualified, (unsigned long long) r->n_dropped);
  g_print (_("  score distribution (active | draft), MQL threshold %.0f:\n"), r->mql_threshold);
  for (guint i = 0; i < QUALIFY_WHATIF_BINS; i++)
    if (r->histogram_active[i] || r->histogram_draft[i])
      g_print ("    %6.0f–%-6.0f %10" G_GUINT64_FORMAT " | %-10" G_GUINT64_FORMAT "%s\n",
               r->bin_min + i * r->bin_width, r->bin_min + (i + 1) * r->bin_width,
               r->histogram_active[i], r->histogram_draft[i],
               r->mql_threshold >= r->bin_min + i * r->bin_width &&
               r->mql_threshold < r->bin_min + (i + 1) * r->bin_width ? _("  ← MQL threshold") : "");
  g_print (_("  time: load %.0f ms · evaluate %.0f ms\n"), load_ms, r->elapsed_ms);
  return EXIT_OK;
}

/* A saved version, parsed. */
static QualifyModel *
load_model_version (QualifyStore  *store,
                    const char    *arg,
                    GError       **error)
{
  g_autofree char *json = NULL;
  gint64 version;

  if (!g_ascii_string_to_signed (arg, 10, 1, G_MAXINT64, &version, NULL))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("“%s” is not a model version: use a number from “model history”."), arg);
      return NULL;
    }
  if (!(json = qualify_store_dup_model_json (store, version, error)))
    return NULL;
  return qualify_model_new_from_data (json, -1, error);
}

static int
model_diff (Cli     *cli,
            int      argc,
            char   **argv,
            GError **error)
{
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyModel) old_model = NULL;
  g_autoptr(QualifyModel) new_model = NULL;
  g_autoptr(GPtrArray) diff = NULL;

  context = command_context (cli, "model diff", "V1 V2",
                             _("Compares two saved versions of the scoring model rule by rule: rules "
                               "added, removed or changed (which properties, old → new), hand-raisers, "
                               "thresholds and grades."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 2, 2, "model diff V1 V2 [--json]", error))
    return -1;
  if (!(store = open_store (cli, FALSE, error)) ||
      !(old_model = load_model_version (store, argv[1], error)) ||
      !(new_model = load_model_version (store, argv[2], error)))
    return -1;

  diff = qualify_model_diff (old_model, new_model);

  if (as_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      static const char * const changes[] = { "added", "removed", "changed" };
      static const char * const sections[] = { "name", "fit", "engagement", "disqualify",
                                               "sales_ready", "thresholds", "grades" };

      json_builder_begin_array (b);
      for (guint i = 0; i < diff->len; i++)
        {
          const QualifyDiffEntry *e = g_ptr_array_index (diff, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "section");
          json_builder_add_string_value (b, sections[e->section]);
          json_builder_set_member_name (b, "change");
          json_builder_add_string_value (b, changes[e->change]);
          if (e->id != NULL)
            {
              json_builder_set_member_name (b, "id");
              json_builder_add_string_value (b, e->id);
            }
          json_builder_set_member_name (b, "properties");
          json_builder_begin_object (b);
          for (guint k = 0; k < e->properties->len; k++)
            {
              const QualifyDiffProperty *p = g_ptr_array_index (e->properties, k);

              json_builder_set_member_name (b, p->name);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "old");
              json_builder_add_value (b, p->old_value ? json_from_string (p->old_value, NULL) : json_node_new (JSON_NODE_NULL));
              json_builder_set_member_name (b, "new");
              json_builder_add_value (b, p->new_value ? json_from_string (p->new_value, NULL) : json_node_new (JSON_NODE_NULL));
              json_builder_end_object (b);
            }
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      print_json (root);
      return EXIT_OK;
    }

  {
    g_autofree char *text = qualify_model_diff_to_text (diff);

    g_print (_("Version %s → version %s:\n"), argv[1], argv[2]);
    g_print ("%s", text);
    if (!g_str_has_suffix (text, "\n"))
      g_print ("\n");
  }
  return EXIT_OK;
}

/* "GROUP COMMAND …": prints the group's commands for --help (or when none is
 * given, then fails) and runs the one named. */
static int
run_subcommand (Cli                 *cli,
                const char          *group,
                const Command       *subcommands,
                guint                n,
                int                  argc,
                char               **argv,
                GError             **error)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (names, "%s%s", i == 0 ? "" : (i == n - 1 ? _(" or ") : ", "), subcommands[i].name);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;

      fprintf (out, _("Usage:\n  %s %s COMMAND\n\nCommands:\n"), cli->prgname, group);
      for (guint i = 0; i < n; i++)
        fprintf (out, "  %s %-8s %-40s %s\n", group, subcommands[i].name, subcommands[i].usage,
                 _(subcommands[i].summary));
      if (argc < 2)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("%s: missing command (%s)."), group, names->str);
          return -1;
        }
      return EXIT_OK;
    }

  for (guint i = 0; i < n; i++)
    if (g_str_equal (argv[1], subcommands[i].name))
      return subcommands[i].func (cli, argc - 1, argv + 1, error);

  g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("Unknown %s command “%s”: use %s."), group, argv[1], names->str);
  return -1;
}

static int
cmd_model (Cli     *cli,
           int      argc,
           char   **argv,
           GError **error)
{
  static const Command subcommands[] = {
    { "set", model_set, "FILE.json [--note TEXT]", N_("save and activate a model") },
    { "show", model_show, "[--json] [--version N]", N_("show the active model") },
    { "history", model_history, "", N_("list saved versions") },
    { "whatif", model_whatif, "FILE.json [--json]", N_("preview what a draft would change") },
    { "diff", model_diff, "V1 V2 [--json]", N_("compare two saved versions rule by rule") },
  };

  return run_subcommand (cli, "model", subcommands, G_N_ELEMENTS (subcommands), argc, argv, error);
}

/* score */

static int
cmd_score (Cli     *cli,
           int      argc,
           char   **argv,
           GError **error)
{
  g_autofree char *as_of_text = NULL;
  GOptionEntry entries[] = {
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of_text,
      N_("Score as of this time (ISO 8601; default now)"), N_("ISO8601") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *when = NULL;
  g_autofree char *leads = NULL;
  QualifyScoreSummary summary;
  gint64 as_of;

  context = command_context (cli, "score", NULL,
                             _("Rescores every lead with the active model (the default model when "
                               "there is none), stores the results and the status changes."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "score [--as-of ISO8601]", error))
    return -1;

  as_of = now_seconds ();
  if (as_of_text != NULL && !parse_time_option (as_of_text, "--as-of", &as_of, error))
    return -1;

  if (!(store = open_store (cli, FALSE, error)) ||
      !qualify_score_workspace (store, as_of, NULL, &summary, error))
    return -1;

  when = qualify_format_timestamp (as_of);
  leads = qualify_format_count (summary.leads);
  g_print (_("Scored %s leads as of %s with model version %lld\n"),
           leads, when, (long long) summary.model_version);
  for (guint s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
    {
      g_autofree char *n = qualify_format_count (summary.by_status[s]);
      g_print ("  %-14s %12s\n", qualify_status_to_string (s), n);
    }
  {
    g_autofree char *changed = qualify_format_count (summary.changed);
    g_autofree char *transitions = qualify_format_count (summary.transitions);

    g_print (_("  changed results %s · status changes %s\n"), changed, transitions);
  }
  g_print (_("  time: load %.3f s · score %.3f s · write %.3f s\n"),
           summary.load_seconds, summary.score_seconds, summary.write_seconds);

  /* Hand-off: endpoints with auto-push get this rescore's transitions now; a
   * failure here is retried later and does not undo the scoring. */
  {
    g_autoptr(GPtrArray) endpoints = qualify_endpoint_list (store, NULL);

    for (guint i = 0; endpoints != NULL && i < endpoints->len; i++)
      {
        QualifyEndpoint *e = g_ptr_array_index (endpoints, i);
        g_autoptr(GError) push_error = NULL;
        QualifyPushSummary pushed;

        if (!e->auto_push || !e->enabled || e->state != QUALIFY_ENDPOINT_ACTIVE)
          continue;
        if (!qualify_delivery_push (store, e->name, FALSE, 0, NULL, NULL, NULL, &pushed, &push_error))
          g_printerr (_("Hand-off to “%s” not sent: %s\n"), e->name, push_error->message);
        else if (pushed.requests > 0 || pushed.pending > 0)
          g_print (_("  hand-off to %s: delivered %llu · will retry %llu · failed %llu · pending %llu\n"),
                   e->name, (unsigned long long) pushed.delivered, (unsigned long long) pushed.retrying, (unsigned long long) pushed.failed, (unsigned long long) pushed.pending);
      }
  }
  return EXIT_OK;
}

/* explain */

static char *
contribution_why (JsonObject *c)
{
  const char *kind = json_object_get_string_member_with_default (c, "kind", "");

  if (g_str_equal (kind, "engagement"))
    {
      gint64 n = json_object_get_int_member_with_default (c, "events", 0);
      double raw = json_object_get_double_member_with_default (c, "raw_points", 0);
      double decayed = json_object_get_double_member_with_default (c, "decayed_points", 0);
      gboolean capped = json_object_get_boolean_member_with_default (c, "capped", FALSE);

      g_autofree char *events = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " event",
                                                              "%" G_GINT64_FORMAT " events", n), n);

      if (capped)
        return g_strdup_printf (_("%s: %.2f points before decay, %.2f after, capped at %.2f"), events, raw,
                                decayed, json_object_get_double_member_with_default (c, "points", 0));
      return g_strdup_printf (_("%s: %.2f points before decay, %.2f after"), events, raw, decayed);
    }
  if (g_str_equal (kind, "sales_ready"))
    {
      gint64 n = json_object_get_int_member_with_default (c, "events", 0);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " event at or before as-of",
                                           "%" G_GINT64_FORMAT " events at or before as-of", n), n);
    }

  return g_strdup_printf (_("value “%s” matched"),
                          json_object_get_string_member_with_default (c, "value", ""));
}

static int
cmd_explain (Cli     *cli,
             int      argc,
             char   **argv,
             GError **error)
{
  gboolean as_json = FALSE;
  g_autofree char *as_of_text = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of_text,
      N_("Explain as of this time (default: the latest score run)"), N_("ISO8601") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyExplanation) explanation = NULL;
  g_autoptr(QualifyLeadRecord) lead = NULL;
  gint64 as_of = 0;
  gint64 lead_id;

  context = command_context (cli, "explain", "EMAIL",
                             _("Shows every contribution to one lead's score."), entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 1, 1, "explain EMAIL [--json] [--as-of ISO8601]", error))
    return -1;

  if (as_of_text != NULL && !parse_time_option (as_of_text, "--as-of", &as_of, error))
    return -1;

  if (!(store = open_store (cli, FALSE, error)))
    return -1;

  if ((lead_id = qualify_store_find_lead (store, argv[1])) <= 0)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("There is no lead with the email “%s” in %s."), argv[1], cli_db (cli));
      return -1;
    }

  if (!(lead = qualify_store_get_lead (store, lead_id, error)) ||
      !(explanation = qualify_explain_lead (store, lead_id, as_of, error)))
    return -1;

  if (as_json)
    {
      g_autoptr(JsonNode) root = qualify_explanation_to_json (explanation, lead);
      JsonObject *obj = json_node_get_object (root);
      JsonArray *contributions = json_object_get_array_member (obj, "contributions");

      /* A plain-language "why" next to the structured fields. */
      for (guint i = 0; contributions != NULL && i < json_array_get_length (contributions); i++)
        {
          JsonObject *c = json_array_get_object_element (contributions, i);

          if (!json_object_has_member (c, "why"))
            {
              g_autofree char *why = contribution_why (c);
              json_object_set_string_member (c, "why", why);
            }
        }
      print_json (root);
    }
  else
    {
      g_autofree char *text = qualify_explanation_to_text (explanation, lead);
      g_print ("%s", text);
    }

  return EXIT_OK;
}

/* list */

/* @text cut to @width characters (with …) and padded. */
static void
append_column (GString    *out,
               const char *text,
               guint       width,
               gboolean    right)
{
  glong len;

  if (text == NULL)
    text = "";
  len = g_utf8_strlen (text, -1);

  if (len > (glong) width)
    {
      const char *end = g_utf8_offset_to_pointer (text, width - 1);

      g_string_append_len (out, text, end - text);
      g_string_append (out, "…");
      return;
    }

  if (right)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');
}

static void
add_time_member (JsonBuilder *b,
                 const char  *name,
                 gint64       t)
{
  json_builder_set_member_name (b, name);
  if (t > 0)
    {
      g_autofree char *s = qualify_format_timestamp (t);
      json_builder_add_string_value (b, s);
    }
  else
    json_builder_add_null_value (b);
}

static void
add_text_member (JsonBuilder *b,
                 const char  *name,
                 const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static int
cmd_list (Cli     *cli,
          int      argc,
          char   **argv,
          GError **error)
{
  g_autofree char *status_text = NULL;
  g_autofree char *grade = NULL;
  g_autofree char *sort_text = NULL;
  gint limit = 0;
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "status", 's', 0, G_OPTION_ARG_STRING, &status_text,
      N_("Only leads with this status: lead, mql, sql or disqualified"), N_("STATUS") },
    { "grade", 'g', 0, G_OPTION_ARG_STRING, &grade, N_("Only leads with this grade (A, B, …, F)"), N_("GRADE") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort_text,
      N_("Order: score (default), fit, engagement or name"), N_("KEY") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("At most N leads"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GPtrArray) leads = NULL;
  QualifyLeadQuery query = { QUALIFY_STATUS_NONE, NULL, QUALIFY_SORT_SCORE, 0 };

  context = command_context (cli, "list", NULL,
                             _("Lists leads with their latest results, best first."), entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "list [--status S] [--grade G] [--sort score|fit|engagement|name] "
                               "[--limit N] [--json]", error))
    return -1;

  if (status_text != NULL && !qualify_status_from_string (status_text, &query.status))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("--status “%s” is not a status. Use lead, mql, sql or disqualified."), status_text);
      return -1;
    }
  if (grade != NULL)
    {
      if (*grade == '\0' || strlen (grade) > 3)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                       _("--grade “%s” is not a grade. Use a letter of the model's grades, or F."), grade);
          return -1;
        }
      query.grade = grade;
    }
  if (sort_text != NULL)
    {
      static const char * const sorts[] = { "score", "fit", "engagement", "name" };
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
        if (g_ascii_strcasecmp (sort_text, sorts[i]) == 0)
          {
            query.sort = (QualifySort) i;
            found = TRUE;
          }
      if (!found)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                       _("--sort “%s” is not supported. Use score, fit, engagement or name."), sort_text);
          return -1;
        }
    }
  if (limit < 0)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("--limit must be 0 (no limit) or more."));
      return -1;
    }
  query.limit = (guint) limit;

  if (!(store = open_store (cli, FALSE, error)) ||
      !(leads = qualify_store_query_leads (store, &query, error)))
    return -1;

  if (as_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < leads->len; i++)
        {
          QualifyLeadRecord *r = g_ptr_array_index (leads, i);

          json_builder_begin_object (b);
          add_text_member (b, "email", r->values[QUALIFY_FIELD_EMAIL]);
          add_text_member (b, "first_name", r->values[QUALIFY_FIELD_FIRST_NAME]);
          add_text_member (b, "last_name", r->values[QUALIFY_FIELD_LAST_NAME]);
          add_text_member (b, "company", r->values[QUALIFY_FIELD_COMPANY]);
          add_text_member (b, "title", r->values[QUALIFY_FIELD_TITLE]);
          if (r->scored)
            {
              json_builder_set_member_name (b, "fit");
              json_builder_add_double_value (b, r->fit);
              json_builder_set_member_name (b, "engagement");
              json_builder_add_double_value (b, r->engagement);
              json_builder_set_member_name (b, "score");
              json_builder_add_double_value (b, r->score);
              add_text_member (b, "grade", r->grade);
              add_text_member (b, "status", qualify_status_to_string (r->status));
            }
          else
            {
              add_text_member (b, "fit", NULL);
              add_text_member (b, "engagement", NULL);
              add_text_member (b, "score", NULL);
              add_text_member (b, "grade", NULL);
              add_text_member (b, "status", NULL);
            }
          add_time_member (b, "mql_at", r->mql_at);
          add_time_member (b, "sql_at", r->sql_at);
          add_time_member (b, "scored_at", r->scored_at);
          add_time_member (b, "last_activity", r->last_activity);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      print_json (root);
      return EXIT_OK;
    }

  if (leads->len == 0)
    {
      QualifyStoreStats stats;

      if (qualify_store_get_stats (store, &stats, NULL) && stats.last_as_of == 0 && stats.leads > 0)
        g_print (_("No leads match. This workspace has not been scored yet: run “%s score”.\n"),
                 cli->prgname);
      else
        g_print (_("No leads match.\n"));
      return EXIT_OK;
    }

  {
    g_autoptr(GString) line = g_string_new (NULL);
    guint email_w = 5, company_w = 7;

    /* Emails are never cut (they are what explain takes); companies up to 28. */
    for (guint i = 0; i < leads->len; i++)
      {
        QualifyLeadRecord *r = g_ptr_array_index (leads, i);
        const char *email = r->values[QUALIFY_FIELD_EMAIL];
        const char *company = r->values[QUALIFY_FIELD_COMPANY];

        email_w = MAX (email_w, email ? (guint) g_utf8_strlen (email, -1) : 0);
        company_w = MAX (company_w, company ? (guint) MIN (g_utf8_strlen (company, -1), 28) : 0);
      }

    append_column (line, _("EMAIL"), email_w, FALSE);
    g_string_append (line, "  ");
    append_column (line, _("NAME"), 22, FALSE);
    g_string_append (line, "  ");
    append_column (line, _("COMPANY"), company_w, FALSE);
    g_string_append (line, "  ");
    append_column (line, _("SCORE"), 7, TRUE);
    g_string_append (line, "  ");
    append_column (line, _("FIT"), 6, TRUE);
    g_string_append (line, "  ");
    append_column (line, _("ENGAGE"), 6, TRUE);
    g_string_append (line, "  ");
    append_column (line, _("GRADE"), 5, FALSE);
    g_string_append (line, "  ");
    g_string_append (line, _("STATUS"));
    g_print ("%s\n", line->str);

    for (guint i = 0; i < leads->len; i++)
      {
        QualifyLeadRecord *r = g_ptr_array_index (leads, i);
        g_autofree char *name = NULL;
        char score[32], fit[32], engagement[32];

        name = r->values[QUALIFY_FIELD_FIRST_NAME] || r->values[QUALIFY_FIELD_LAST_NAME]
               ? qualify_lead_record_dup_display_name (r) : g_strdup ("");
        if (r->scored)
          {
            g_snprintf (score, sizeof score, "%.1f", r->score);
            g_snprintf (fit, sizeof fit, "%.1f", r->fit);
            g_snprintf (engagement, sizeof engagement, "%.1f", r->engagement);
          }
        else
          {
            strcpy (score, "—");
            strcpy (fit, "—");
            strcpy (engagement, "—");
          }

        g_string_truncate (line, 0);
        append_column (line, r->values[QUALIFY_FIELD_EMAIL], email_w, FALSE);
        g_string_append (line, "  ");
        append_column (line, name, 22, FALSE);
        g_string_append (line, "  ");
        append_column (line, r->values[QUALIFY_FIELD_COMPANY], company_w, FALSE);
        g_string_append (line, "  ");
        append_column (line, score, 7, TRUE);
        g_string_append (line, "  ");
        append_column (line, fit, 6, TRUE);
        g_string_append (line, "  ");
        append_column (line, engagement, 6, TRUE);
        g_string_append (line, "  ");
        append_column (line, r->scored ? r->grade : "", 5, FALSE);
        g_string_append (line, "  ");
        g_string_append (line, r->scored ? qualify_status_get_label (r->status) : _("not scored"));
        g_print ("%s\n", line->str);
      }
  }

  return EXIT_OK;
}

/* export */

static gboolean
parse_statuses (const char  *text,
                guint       *statuses,
                GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  *statuses = 0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      QualifyStatus status;
      char *part = g_strstrip (parts[i]);

      if (*part == '\0')
        continue;
      if (g_ascii_strcasecmp (part, "all") == 0)
        {
          for (guint s = QUALIFY_STATUS_LEAD; s < QUALIFY_N_STATUSES; s++)
            *statuses |= 1u << s;
          continue;
        }
      if (!qualify_status_from_string (part, &status))
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                       _("--status “%s” is not a status. Use a comma-separated list of lead, mql, "
                         "sql, disqualified, or all."),
                       part);
          return FALSE;
        }
      *statuses |= 1u << status;
    }

  if (*statuses == 0)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("--status is empty."));
      return FALSE;
    }
  return TRUE;
}

static int
cmd_export (Cli     *cli,
            int      argc,
            char   **argv,
            GError **error)
{
  g_autofree char *status_text = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "status", 's', 0, G_OPTION_ARG_STRING, &status_text,
      N_("Statuses to export, comma-separated (default: mql; “all” for every status)"), N_("LIST") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
      N_("csv (default) or json"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to this file (replaced atomically) instead of standard output"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  QualifyExportOptions options = { 0 };
  guint64 n = 0;

  context = command_context (cli, "export", NULL,
                             _("Writes the MQL hand-off list (lead fields, fit, engagement, score, "
                               "grade, status, mql_at and the top three reasons), best first."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "export [--status mql,sql,…] [--format csv|json] [--output FILE]", error))
    return -1;

  options.statuses = 1u << QUALIFY_STATUS_MQL;
  if (status_text != NULL && !parse_statuses (status_text, &options.statuses, error))
    return -1;

  options.format = QUALIFY_EXPORT_CSV;
  if (format_text != NULL)
    {
      if (g_ascii_strcasecmp (format_text, "json") == 0)
        options.format = QUALIFY_EXPORT_JSON;
      else if (g_ascii_strcasecmp (format_text, "csv") != 0)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                       _("--format “%s” is not supported. Use csv or json."), format_text);
          return -1;
        }
    }
  else if (output != NULL && g_str_has_suffix (output, ".json"))
    options.format = QUALIFY_EXPORT_JSON;

  if (!(store = open_store (cli, FALSE, error)))
    return -1;

  if (output != NULL)
    {
      g_autofree char *count = NULL;

      if (!qualify_export_to_file (store, &options, output, &n, NULL, error))
        return -1;
      count = qualify_format_count (n);
      g_printerr (_("Exported %s leads to %s\n"), count, output);
    }
  else
    {
      g_autoptr(GOutputStream) stream = g_object_new (CLI_TYPE_STDOUT_STREAM, NULL);

      if (!qualify_export_write (store, &options, stream, &n, NULL, error))
        return -1;
    }

  return EXIT_OK;
}

/* demo */

static int
cmd_demo (Cli     *cli,
          int      argc,
          char   **argv,
          GError **error)
{
  gint leads = 5000;
  gint64 events = -1;
  gint64 seed = 42;
  g_autofree char *csv_dir = NULL;
  g_autofree char *now_text = NULL;
  GOptionEntry entries[] = {
    { "leads", 'l', 0, G_OPTION_ARG_INT, &leads, N_("Number of leads (default 5000)"), N_("N") },
    { "events", 'e', 0, G_OPTION_ARG_INT64, &events, N_("Number of events (default 10 per lead)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (default 42): same seed, same data"), N_("S") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      N_("Events fall in the 180 days before this time (default now)"), N_("ISO8601") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_dir,
      N_("Only write leads.csv and events.csv into this folder (no workspace)"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  QualifyDemoOptions options = { 0 };
  QualifyStoreStats stats;
  gint64 t0 = g_get_monotonic_time ();

  context = command_context (cli, "demo", NULL,
                             _("Fills a new workspace with realistic, deterministic B2B demo data "
                               "(leads and events), installs the default model and scores it."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "demo [--leads N] [--events N] [--seed S] [--now ISO8601] [--csv DIR]",
                   error))
    return -1;

  if (leads <= 0 || events == 0 || events < -1 || seed < 0 || seed > G_MAXUINT32)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("--leads and --events must be positive, --seed between 0 and %u."), G_MAXUINT32);
      return -1;
    }

  options.n_leads = (guint) leads;
  options.n_events = events > 0 ? (guint64) events : (guint64) leads * 10;
  options.seed = (guint32) seed;
  options.now = now_seconds ();
  if (now_text != NULL && !parse_time_option (now_text, "--now", &options.now, error))
    return -1;

  if (csv_dir != NULL)
    {
      g_autofree char *leads_path = g_build_filename (csv_dir, "leads.csv", NULL);
      g_autofree char *events_path = g_build_filename (csv_dir, "events.csv", NULL);

      if (g_mkdir_with_parents (csv_dir, 0755) != 0)
        {
          int errsv = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not create the folder “%s”: %s"), csv_dir, g_strerror (errsv));
          return -1;
        }
      if (!qualify_demo_write_csv (&options, leads_path, events_path, error))
        return -1;
      g_print (_("Wrote %s and %s in %.2f s\n"), leads_path, events_path,
               (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);
      return EXIT_OK;
    }

  if (!(store = open_store (cli, TRUE, error)) ||
      !qualify_store_get_stats (store, &stats, error))
    return -1;

  if (stats.leads > 0)
    {
      g_autofree char *n = qualify_format_count (stats.leads);
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("%s already holds %s leads; demo data goes into a new workspace. "
                     "Use another --db file."),
                   cli_db (cli), n);
      return -1;
    }

  if (isatty (STDERR_FILENO))
    g_printerr (_("Generating, importing and scoring demo data…\n"));

  if (!qualify_demo_populate (store, &options, NULL, error) ||
      !qualify_store_get_stats (store, &stats, error))
    return -1;

  {
    g_autofree char *n_leads = qualify_format_count (stats.leads);
    g_autofree char *n_events = qualify_format_count (stats.events);
    g_autofree char *when = qualify_format_timestamp (stats.last_as_of);
    g_autofree char *mql = qualify_format_count (stats.by_status[QUALIFY_STATUS_MQL]);
    g_autofree char *sql = qualify_format_count (stats.by_status[QUALIFY_STATUS_SQL]);
    g_autofree char *dq = qualify_format_count (stats.by_status[QUALIFY_STATUS_DISQUALIFIED]);

    g_print (_("Demo workspace %s: %s leads, %s events, scored as of %s (%.1f s)\n"),
             cli_db (cli), n_leads, n_events, when,
             (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);
    g_print (_("  %s MQLs · %s SQLs · %s disqualified\n"), mql, sql, dq);
    g_print (_("Next: %s --db %s list --status mql --limit 10\n"), cli->prgname, cli_db (cli));
  }

  return EXIT_OK;
}

/* main */


/* endpoint, push, deliveries */

static int
endpoint_add (Cli     *cli,
              int      argc,
              char   **argv,
              GError **error)
{
  g_autofree char *url = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *on = NULL;
  g_autofree char *external_id = NULL;
  g_autofree char *mapping = NULL;
  gboolean no_auto_push = FALSE;
  GOptionEntry entries[] = {
    { "url", 'u', 0, G_OPTION_ARG_STRING, &url, N_("Where to send (https://; http:// only to this computer)"), N_("URL") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("webhook (default), hubspot, salesforce or pipedrive"), N_("FORMAT") },
    { "secret", 0, 0, G_OPTION_ARG_STRING, &secret, N_("Webhook signing secret whsec_… (default: a new one, printed once)"), N_("SECRET") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, N_("HubSpot/Salesforce bearer token or Pipedrive api_token"), N_("TOKEN") },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on, N_("Statuses to send, comma-separated (default mql,sql)"), N_("LIST") },
    { "external-id", 0, 0, G_OPTION_ARG_STRING, &external_id, N_("Salesforce: upsert on this external-id field"), N_("FIELD") },
    { "mapping", 0, 0, G_OPTION_ARG_STRING, &mapping, N_("Field mapping as JSON {\"qualify field\": \"CRM property\"}"), N_("JSON") },
    { "no-auto-push", 0, 0, G_OPTION_ARG_NONE, &no_auto_push, N_("Do not push right after each rescore"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autofree char *workspace_id = NULL;
  g_autofree char *transitions = NULL;
  QualifyEndpointFormat format = QUALIFY_FORMAT_WEBHOOK;
  gboolean generated = FALSE;
  guint64 backlog = 0;

  context = command_context (cli, "endpoint add", "NAME",
                             _("Adds a CRM endpoint. Its secret or token goes to your keyring, never "
                               "into the workspace. Status changes from the next rescore on are queued "
                               "for it; “push --backlog” offers it the current MQLs/SQLs too."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 1, 1, "endpoint add NAME --url URL [--format F] [--secret whsec_…] [--token T] [--on mql,sql]", error))
    return -1;
  if (url == NULL)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("endpoint add: --url is required."));
      return -1;
    }
  if (format_text != NULL && !qualify_endpoint_format_from_string (format_text, &format))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("--format “%s” is not known: use webhook, hubspot, salesforce or pipedrive."), format_text);
      return -1;
    }

  endpoint = qualify_endpoint_new (argv[1], url, format);
  endpoint->auto_push = !no_auto_push;
  endpoint->external_id = g_strdup (external_id);
  endpoint->mapping = g_strdup (mapping);
  if (on != NULL && !qualify_endpoint_parse_transitions (on, &endpoint->transitions, error))
    return -1;

  if (format == QUALIFY_FORMAT_WEBHOOK)
    {
      if (token != NULL)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("A webhook is signed with --secret, not --token."));
          return -1;
        }
      if (secret == NULL)
        {
          secret = qualify_webhook_generate_secret ();
          generated = TRUE;
        }
      else if (!qualify_webhook_check_secret (secret, error))
        return -1;
    }
  else
    {
      if (token == NULL)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("%s needs --token."),
                       qualify_endpoint_format_to_string (format));
          return -1;
        }
      secret = g_steal_pointer (&token);
    }

  if (!(store = open_store (cli, TRUE, error)) ||
      !(workspace_id = qualify_store_dup_workspace_id (store, error)) ||
      !qualify_endpoint_add (store, endpoint, error))
    return -1;
  if (!qualify_secrets_store (workspace_id, endpoint->name, secret, NULL, error))
    {
      /* no secret, no endpoint: do not leave one that can never send */
      qualify_endpoint_remove (store, endpoint->name, NULL);
      return -1;
    }

  transitions = qualify_endpoint_transitions_to_string (endpoint->transitions);
  g_print (_("Added endpoint “%s” (%s, %s) → %s\n"), endpoint->name,
           qualify_endpoint_format_to_string (format), transitions, endpoint->url);
  if (generated)
    g_print (_("Signing secret (shown once; it is in your keyring): %s\n"), secret);
  if (qualify_outbox_count_backlog (store, endpoint->id, &backlog, NULL) && backlog > 0)
    {
      g_autofree char *n = qualify_format_count (backlog);
      g_print (_("%s leads already have a status it receives; send them with "
                 "“qualify-cli push --endpoint '%s' --backlog”.\n"), n, endpoint->name);
    }
  return EXIT_OK;
}

static int
endpoint_list (Cli     *cli,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autoptr(GOptionContext) context = command_context (cli, "endpoint list", NULL,
                                                       _("Lists the endpoints with their queues."), NULL);
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GPtrArray) endpoints = NULL;

  if (!parse_options (context, &argc, &argv, error) || !check_args (argc, 0, 0, "endpoint list", error))
    return -1;
  if (!(store = open_store (cli, FALSE, error)) || !(endpoints = qualify_endpoint_list (store, error)))
    return -1;
  if (endpoints->len == 0)
    {
      g_print (_("No endpoints. Add one with “qualify-cli endpoint add NAME --url URL”.\n"));
      return EXIT_OK;
    }
  for (guint i = 0; i < endpoints->len; i++)
    {
      QualifyEndpoint *e = g_ptr_array_index (endpoints, i);
      g_autofree char *transitions = qualify_endpoint_transitions_to_string (e->transitions);
      guint64 counts[QUALIFY_N_DELIVERY_STATES];

      qualify_outbox_count (store, e->id, counts, NULL);
      g_print ("%-20s %-10s %-9s %-12s %s\n", e->name, qualify_endpoint_format_to_string (e->format),
               e->enabled ? qualify_endpoint_state_to_string (e->state) : "off", transitions, e->url);
      g_print (_("    pending %llu · delivered %llu · failed %llu%s%s\n"),
               (unsigned long long) counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_SENDING],
               (unsigned long long) counts[QUALIFY_DELIVERY_DELIVERED], (unsigned long long) counts[QUALIFY_DELIVERY_FAILED],
               e->state_reason ? " · " : "", e->state_reason ? e->state_reason : "");
    }
  return EXIT_OK;
}

static int
endpoint_remove (Cli     *cli,
                 int      argc,
                 char   **argv,
                 GError **error)
{
  g_autoptr(GOptionContext) context = command_context (cli, "endpoint remove", "NAME",
                                                       _("Removes an endpoint, its queue and its secret."), NULL);
  g_autoptr(QualifyStore) store = NULL;
  g_autofree char *workspace_id = NULL;

  if (!parse_options (context, &argc, &argv, error) || !check_args (argc, 1, 1, "endpoint remove NAME", error))
    return -1;
  if (!(store = open_store (cli, FALSE, error)) ||
      !(workspace_id = qualify_store_dup_workspace_id (store, error)) ||
      !qualify_endpoint_remove (store, argv[1], error))
    return -1;
  qualify_secrets_clear (workspace_id, argv[1], NULL, NULL);
  g_print (_("Removed endpoint “%s”\n"), argv[1]);
  return EXIT_OK;
}

static int
endpoint_resume (Cli     *cli,
                 int      argc,
                 char   **argv,
                 GError **error)
{
  g_autoptr(GOptionContext) context = command_context (cli, "endpoint resume", "NAME",
                                                       _("Resumes a paused or disabled endpoint."), NULL);
  g_autoptr(QualifyStore) store = NULL;

  if (!parse_options (context, &argc, &argv, error) || !check_args (argc, 1, 1, "endpoint resume NAME", error))
    return -1;
  if (!(store = open_store (cli, FALSE, error)) || !qualify_endpoint_resume (store, argv[1], error))
    return -1;
  g_print (_("Endpoint “%s” is active again\n"), argv[1]);
  return EXIT_OK;
}

static int
endpoint_rotate (Cli     *cli,
                 int      argc,
                 char   **argv,
                 GError **error)
{
  g_autoptr(GOptionContext) context = command_context (cli, "endpoint rotate", "NAME",
                                                       _("Gives a webhook endpoint a new signing secret, "
                                                         "printed once; requests are signed with it from now on."),
                                                       NULL);
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autofree char *workspace_id = NULL;
  g_autofree char *secret = NULL;

  if (!parse_options (context, &argc, &argv, error) || !check_args (argc, 1, 1, "endpoint rotate NAME", error))
    return -1;
  if (!(store = open_store (cli, FALSE, error)) ||
      !(endpoint = qualify_endpoint_get (store, argv[1], error)) ||
      !(workspace_id = qualify_store_dup_workspace_id (store, error)))
    return -1;
  if (endpoint->format != QUALIFY_FORMAT_WEBHOOK)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("“%s” is a %s endpoint: it has a token, not a signing secret; set a new one with "
                     "“endpoint remove” and “endpoint add … --token”."),
                   endpoint->name, qualify_endpoint_format_to_string (endpoint->format));
      return -1;
    }
  secret = qualify_webhook_generate_secret ();
  if (!qualify_secrets_store (workspace_id, endpoint->name, secret, NULL, error))
    return -1;
  g_print (_("New signing secret for “%s” (shown once; it is in your keyring): %s\n"), endpoint->name, secret);
  return EXIT_OK;
}

static int
endpoint_test (Cli     *cli,
               int      argc,
               char   **argv,
               GError **error)
{
  g_autoptr(GOptionContext) context = command_context (cli, "endpoint test", "NAME",
                                                       _("Sends a made-up MQL and prints the exact request "
                                                         "and the response. Nothing is queued."), NULL);
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyEndpoint) endpoint = NULL;
  g_autofree char *request = NULL;
  g_autofree char *response = NULL;

  if (!parse_options (context, &argc, &argv, error) || !check_args (argc, 1, 1, "endpoint test NAME", error))
    return -1;
  if (!(store = open_store (cli, FALSE, error)) ||
      !(endpoint = qualify_endpoint_get (store, argv[1], error)) ||
      !qualify_delivery_test_endpoint (store, endpoint, &request, &response, error))
    return -1;
  g_print (_("Request:\n%s\n\nResponse:\n%s\n"), request, response);
  return g_str_has_prefix (response, "HTTP 2") ? EXIT_OK : EXIT_USER;
}

static int
cmd_endpoint (Cli     *cli,
              int      argc,
              char   **argv,
              GError **error)
{
  static const Command subcommands[] = {
    { "add", endpoint_add, "NAME --url URL [--format F] [--secret S | --token T] [--on mql,sql]", N_("add a CRM endpoint") },
    { "list", endpoint_list, "", N_("endpoints and their queues") },
    { "remove", endpoint_remove, "NAME", N_("remove an endpoint and its queue") },
    { "test", endpoint_test, "NAME", N_("send a test event, print request and response") },
    { "resume", endpoint_resume, "NAME", N_("resume a paused or disabled endpoint") },
    { "rotate", endpoint_rotate, "NAME", N_("new signing secret for a webhook, shown once") },
  };

  return run_subcommand (cli, "endpoint", subcommands, G_N_ELEMENTS (subcommands), argc, argv, error);
}

static void
push_progress_cb (const QualifyPushSummary *summary,
                  gpointer                  user_data)
{
  if (isatty (fileno (stderr)))
    g_printerr ("\r%" G_GUINT64_FORMAT " delivered · %" G_GUINT64_FORMAT " to retry · %" G_GUINT64_FORMAT " failed",
                summary->delivered, summary->retrying, summary->failed);
}

/* Paused (a long run of failures) or disabled (410) endpoints send nothing
 * until resumed: say so, with what is waiting for them. TRUE if any. */
static gboolean
report_stopped_endpoints (QualifyStore *store,
                          const char   *only)
{
  g_autoptr(GPtrArray) endpoints = qualify_endpoint_list (store, NULL);
  gboolean any = FALSE;

  for (guint i = 0; endpoints != NULL && i < endpoints->len; i++)
    {
      QualifyEndpoint *e = g_ptr_array_index (endpoints, i);
      guint64 counts[QUALIFY_N_DELIVERY_STATES];
      g_autofree char *waiting = NULL;

      if ((only != NULL && g_strcmp0 (e->name, only) != 0) || !e->enabled || e->state == QUALIFY_ENDPOINT_ACTIVE)
        continue;
      if (!qualify_outbox_count (store, e->id, counts, NULL))
        memset (counts, 0, sizeof counts);
      waiting = qualify_format_count (counts[QUALIFY_DELIVERY_PENDING] + counts[QUALIFY_DELIVERY_SENDING]);
      g_printerr (_("Endpoint “%s” is %s (%s); %s deliveries wait for it. "
                    "Fix it, then run “qualify-cli endpoint resume '%s'”.\n"),
                  e->name, qualify_endpoint_state_to_string (e->state),
                  e->state_reason ? e->state_reason : _("no reason recorded"), waiting, e->name);
      any = TRUE;
    }
  return any;
}

static int
cmd_push (Cli     *cli,
          int      argc,
          char   **argv,
          GError **error)
{
  g_autofree char *endpoint_name = NULL;
  gboolean until_empty = FALSE;
  gboolean backlog = FALSE;
  double timeout = 0;
  GOptionEntry entries[] = {
    { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &endpoint_name, N_("Only this endpoint"), N_("NAME") },
    { "backlog", 0, 0, G_OPTION_ARG_NONE, &backlog,
      N_("First queue every lead whose current status the endpoint receives and that it never got"), NULL },
    { "until-empty", 0, 0, G_OPTION_ARG_NONE, &until_empty,
      N_("Keep sending, waiting for each retry to be due, until nothing is pending"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout, N_("With --until-empty: give up after S seconds"), N_("S") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  QualifyPushSummary summary;

  context = command_context (cli, "push", NULL,
                             _("Sends queued MQL/SQL hand-offs to the CRM endpoints, oldest first. "
                               "Failed attempts are retried later with backoff; nothing is dropped."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "push [--endpoint NAME] [--backlog] [--until-empty [--timeout S]]", error))
    return -1;
  if (backlog && endpoint_name == NULL)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER, _("--backlog needs --endpoint NAME."));
      return -1;
    }
  if (!(store = open_store (cli, FALSE, error)))
    return -1;
  if (backlog)
    {
      g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_get (store, endpoint_name, error);
      g_autofree char *n = NULL;
      guint64 queued = 0;

      if (endpoint == NULL || !qualify_outbox_enqueue_backlog (store, endpoint->id, &queued, error))
        return -1;
      n = qualify_format_count (queued);
      g_print (_("Queued %s leads from the backlog\n"), n);
    }

  if (!qualify_delivery_push (store, endpoint_name, until_empty, timeout, NULL,
                              push_progress_cb, NULL, &summary, error))
    {
      if (isatty (fileno (stderr)))
        g_printerr ("\n");
      return -1;
    }
  if (isatty (fileno (stderr)))
    g_printerr ("\n");
  g_print (_("Delivered %llu · will retry %llu · failed %llu · still pending %llu (%llu requests)\n"),
           (unsigned long long) summary.delivered, (unsigned long long) summary.retrying, (unsigned long long) summary.failed, (unsigned long long) summary.pending, (unsigned long long) summary.requests);
  return summary.failed > 0 || report_stopped_endpoints (store, endpoint_name) ? EXIT_USER : EXIT_OK;
}

static int
cmd_deliveries (Cli     *cli,
                int      argc,
                char   **argv,
                GError **error)
{
  g_autofree char *status_text = NULL;
  g_autofree char *endpoint_name = NULL;
  gboolean as_json = FALSE;
  int limit = 100;
  GOptionEntry entries[] = {
    { "status", 's', 0, G_OPTION_ARG_STRING, &status_text, N_("pending, sending, delivered, failed or discarded"), N_("STATUS") },
    { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &endpoint_name, N_("Only this endpoint"), N_("NAME") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("At most N, newest first (default 100; 0 = all)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  QualifyDeliveryState state = QUALIFY_DELIVERY_PENDING;
  gint64 endpoint_id = 0;

  context = command_context (cli, "deliveries", NULL,
                             _("The delivery log: lead, endpoint, attempts, last HTTP status, the CRM's "
                               "answer and the next retry."),
                             entries);
  if (!parse_options (context, &argc, &argv, error) ||
      !check_args (argc, 0, 0, "deliveries [--status S] [--endpoint NAME] [--json]", error))
    return -1;
  if (status_text != NULL && !qualify_delivery_state_from_string (status_text, &state))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USER,
                   _("--status “%s” is not known: use pending, sending, delivered, failed or discarded."),
                   status_text);
      return -1;
    }
  if (!(store = open_store (cli, FALSE, error)))
    return -1;
  if (endpoint_name != NULL)
    {
      g_autoptr(QualifyEndpoint) endpoint = qualify_endpoint_get (store, endpoint_name, error);
      if (endpoint == NULL)
        return -1;
      endpoint_id = endpoint->id;
    }
  if (!(rows = qualify_outbox_list (store, endpoint_id, status_text ? (int) state : -1, MAX (limit, 0), error)))
    return -1;

  if (as_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < rows->len; i++)
        {
          QualifyDelivery *d = g_ptr_array_index (rows, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, d->id);
          json_builder_set_member_name (b, "endpoint");
          json_builder_add_string_value (b, d->endpoint);
          json_builder_set_member_name (b, "email");
          json_builder_add_string_value (b, d->email);
          json_builder_set_member_name (b, "transition");
          json_builder_add_string_value (b, d->to_status);
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, qualify_delivery_state_to_string (d->state));
          json_builder_set_member_name (b, "attempts");
          json_builder_add_int_value (b, d->attempts);
          json_builder_set_member_name (b, "last_http_status");
          if (d->last_status)
            json_builder_add_int_value (b, d->last_status);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "last_error");
          json_builder_add_string_value (b, d->last_error);
          json_builder_set_member_name (b, "response");
          json_builder_add_string_value (b, d->response);
          json_builder_set_member_name (b, "next_retry");
          if (d->state == QUALIFY_DELIVERY_PENDING && d->attempts > 0)
            {
              g_autofree char *t = qualify_format_timestamp (d->next_at);
              json_builder_add_string_value (b, t);
            }
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      print_json (root);
      return EXIT_OK;
    }

  if (rows->len == 0)
    g_print (_("No deliveries.\n"));
  for (guint i = 0; i < rows->len; i++)
    {
      QualifyDelivery *d = g_ptr_array_index (rows, i);
      g_autofree char *next = d->state == QUALIFY_DELIVERY_PENDING && d->attempts > 0
                              ? qualify_format_timestamp (d->next_at) : NULL;
      g_autofree char *http = d->last_status ? g_strdup_printf ("%d", d->last_status) : g_strdup ("–");

      g_print ("%-8" G_GINT64_FORMAT " %-10s %-16s %-30s %-4s %2d× HTTP %-4s %s%s%s\n", d->id,
               qualify_delivery_state_to_string (d->state), d->endpoint, d->email ? d->email : _("(deleted lead)"),
               d->to_status, d->attempts, http, d->last_error ? d->last_error : "",
               next ? _(" · next retry ") : "", next ? next : "");
    }
  return EXIT_OK;
}

static const Command commands[] = {
  { "init", cmd_init, "", N_("create or upgrade the workspace") },
  { "import", cmd_import, "leads|events FILE [--map H=F]… [--encoding E] [--delimiter C] [--errors OUT]",
    N_("import leads or events from CSV") },
  { "model", cmd_model, "set FILE.json | show [--json] | history | whatif FILE.json | diff V1 V2", N_("scoring model versions") },
  { "score", cmd_score, "[--as-of ISO8601]", N_("rescore every lead") },
  { "explain", cmd_explain, "EMAIL [--json] [--as-of ISO8601]", N_("every contribution to one lead's score") },
  { "list", cmd_list, "[--status S] [--grade G] [--sort KEY] [--limit N] [--json]", N_("leads with their results") },
  { "export", cmd_export, "[--status mql,sql] [--format csv|json] [--output FILE]", N_("MQL hand-off list") },
  { "endpoint", cmd_endpoint, "add|list|remove|test|resume …", N_("CRM endpoints for the hand-off") },
  { "push", cmd_push, "[--endpoint NAME] [--backlog] [--until-empty [--timeout S]]", N_("send queued MQLs to the CRMs") },
  { "deliveries", cmd_deliveries, "[--status pending|delivered|failed] [--json]", N_("the delivery log") },
  { "demo", cmd_demo, "[--leads N] [--events N] [--seed S] [--now ISO8601] [--csv DIR]", N_("fill a workspace with demo data") },
};

static char *
commands_description (void)
{
  GString *s = g_string_new (_("Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "  %s %s\n      %s\n", commands[i].name, commands[i].usage,
                            _(commands[i].summary));
  g_string_append (s, _("\nRun “qualify-cli COMMAND --help” for a command's options.\n"
                        "Exit status: 0 ok, 1 input refused (see the message), 2 internal error."));
  return g_string_free (s, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *description = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("Workspace file (default: $XDG_DATA_HOME/qualify/workspace.qualify)"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Cli cli = { 0 };
  int ret = -1;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("qualify-cli");

  context = g_option_context_new (_("COMMAND [ARGS…]"));
  g_option_context_set_summary (context, _("Scores B2B leads and explains why (Qualify's command line)."));
  description = commands_description ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* Global options stop at the command; the rest belongs to it. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto done;

  if (version)
    {
      g_print ("qualify-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("%s", help);
      g_set_error (&error, CLI_ERROR, CLI_ERROR_USER, _("No command given."));
      goto done;
    }

  default_path = qualify_store_get_default_path ();
  cli.db_path = db_path ? db_path : default_path;
  cli.prgname = "qualify-cli";

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        {
          ret = commands[i].func (&cli, argc - 1, argv + 1, &error);
          goto done;
        }
    }

  g_set_error (&error, CLI_ERROR, CLI_ERROR_USER,
               _("Unknown command “%s”. Run “qualify-cli --help” for the list."), argv[1]);

done:
  g_free (cli.db_option);
  fflush (stdout);
  if (ret >= 0)
    return ret;

  if (error == NULL)
    g_set_error_literal (&error, CLI_ERROR, CLI_ERROR_USER, _("Failed."));
  g_printerr ("qualify-cli: %s\n", error->message);
  return exit_code_for_error (error);
}
