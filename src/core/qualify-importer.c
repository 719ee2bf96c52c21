/* qualify-importer.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-importer"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <nettle/sha2.h>

#include "qualify-csv-reader.h"
#include "qualify-importer.h"
#include "qualify-parse.h"
#include "qualify-store-private.h"

/* How an import works
 *
 * prepare() reads the header and a few records, and maps every column: the
 * user's --map specs first, then a mapping saved by an earlier successful
 * import of a file with the same headers, then auto-mapping of well-known CRM
 * export names; what is left becomes a custom field (leads) or is ignored
 * (events). Columns with an empty header are ignored.
 *
 * run() streams the file once, in one transaction (BEGIN IMMEDIATE … COMMIT).
 * A producer thread tokenises the CSV into batches of records while the
 * importing thread converts values and writes; a third, low-priority thread
 * computes the file's SHA-256 for import_runs. Statements are prepared once
 * and text is bound straight from the batch (SQLITE_STATIC), so nothing is
 * allocated per cell in the common case.
 *
 * Leads are upserted on the normalised email, 32 rows per statement (one
 * sqlite3_step() per row costs about as much as the insert). Empty cells are
 * bound as NULL and `coalesce (excluded.col, col)` keeps the stored value, so
 * an empty cell never erases anything; custom fields are merged with
 * json_patch(). Values are trimmed of white space; no other text (such as
 * "N/A" or "-") is treated as empty, so what is stored is predictable.
 *
 * Events look leads, event types and details up in hash tables loaded once
 * at the start (one query each); unknown emails get a bare lead. Events are
 * buffered (up to 4M), sorted by (lead, time, type, detail) and inserted 64
 * rows per statement, so the events_lead index grows almost sequentially:
 * measured faster than both inserting in file order and dropping/rebuilding
 * the index.
 * Foreign-key checks are switched off for the run (every id comes from the
 * tables or was just inserted) and restored after.
 *
 * Exports overlap (every Monday, "the last 30 days"), so an event already in
 * the workspace is not added again. Its key is (lead, type, detail, time); the
 * source is not part of it. When a file lists a key k times and the workspace
 * held it j times before this run, the first j occurrences in the file are
 * skipped and counted as "already" (not as problems), the other k - j are
 * inserted: repeats inside one file are real (two views of a page in the same
 * second). "Before this run" is import_id IS NOT this run. The check is made
 * when a chunk is flushed, on its rows sorted by key: one query per lead reads
 * that lead's earlier events once (index events_lead), and none is made for a
 * lead, type or detail this run created, nor at all when the events table was
 * empty at the start (the bulk load keeps its speed). Rows skipped in an
 * earlier chunk of the same file are remembered (a sorted array of keys per
 * chunk, only for files longer than a chunk) so that they use up their share
 * of j.
 *
 * Bad rows are skipped and listed as problems; a record whose cells are all
 * empty is skipped silently and not counted. Any error or cancellation rolls
 * the whole transaction back. */

#define MAX_PROBLEMS           100000
#define CHECK_EVERY            1024
#define PROGRESS_INTERVAL_USEC (G_USEC_PER_SEC / 20)
#define IMPORT_CACHE_KIB       262144
#define HASH_CHUNK             (1024 * 1024)

typedef enum
{
  EVENT_EMAIL,
  EVENT_TYPE,
  EVENT_DETAIL,
  EVENT_OCCURRED_AT,
  EVENT_SOURCE,
  N_EVENT_COLUMNS
} EventColumn;

static const char * const event_column_names[N_EVENT_COLUMNS] = {
  "email", "type", "detail", "occurred_at", "source",
};

typedef struct
{
  char              *spec;      /* as given, for messages */
  char              *header;    /* header part, as given */
  char              *key;       /* normalised header */
  QualifyTargetKind  kind;
  char              *target;    /* NULL for CUSTOM = the header's name */
} UserMapping;

struct _QualifyImporter
{
  GObject            parent_instance;

  QualifyStore      *store;
  QualifyImportKind  kind;
  char              *path;
  char              *display_name;

  char              *requested_encoding;
  char               requested_delimiter;
  gboolean           exclusive;
  char              *encoding;
  char               delimiter;

  GPtrArray         *user_mappings;   /* of UserMapping */
  GStrv              headers;
  guint              n_headers;
  GPtrArray         *mappings;        /* of QualifyColumnMapping */
  GPtrArray         *preview;         /* of GStrv */
  GPtrArray         *problems;        /* of QualifyImportProblem */
  gboolean           prepared;
};

G_DEFINE_FINAL_TYPE (QualifyImporter, qualify_importer, G_TYPE_OBJECT)

G_DEFINE_QUARK (qualify-import-error, qualify_import_error)

/* Auto-mapping: normalised header (alphanumerics only, lower-case) → target. */
typedef struct
{
  const char *key;
  const char *target;
} Alias;

static const Alias lead_aliases[] = {
  { "email", "email" }, { "emailaddress", "email" }, { "workemail", "email" },
  { "businessemail", "email" }, { "contactemail", "email" }, { "primaryemail", "email" },
  { "emailaddr", "email" }, { "mail", "email" },

  { "firstname", "first_name" }, { "givenname", "first_name" }, { "first", "first_name" },
  { "forename", "first_name" },

  { "lastname", "last_name" }, { "surname", "last_name" }, { "familyname", "last_name" },
  { "last", "last_name" },

  { "title", "title" }, { "jobtitle", "title" }, { "position", "title" }, { "role", "title" },
  { "jobrole", "title" }, { "jobposition", "title" },

  { "company", "company" }, { "companyname", "company" }, { "organization", "company" },
  { "organisation", "company" }, { "accountname", "company" }, { "account", "company" },
  { "organizationname", "company" }, { "organisationname", "company" },

  { "domain", "domain" }, { "website", "domain" }, { "companydomain", "domain" },
  { "companywebsite", "domain" }, { "url", "domain" }, { "websiteurl", "domain" },
  { "companyurl", "domain" }, { "emaildomain", "domain" },

  { "industry", "industry" }, { "sector", "industry" }, { "vertical", "industry" },

  { "employees", "employees" }, { "numberofemployees", "employees" },
  { "noofemployees", "employees" }, { "employeecount", "employees" },
  { "companysize", "employees" }, { "headcount", "employees" }, { "numemployees", "employees" },
  { "employeesize", "employees" }, { "nbofemployees", "employees" },

  { "annualrevenue", "annual_revenue" }, { "revenue", "annual_revenue" },
  { "companyrevenue", "annual_revenue" },

  { "country", "country" }, { "countryregion", "country" }, { "countryname", "country" },
  { "nation", "country" },

  { "region", "region" }, { "state", "region" }, { "stateprovince", "region" },
  { "province", "region" }, { "stateregion", "region" },

  { "city", "city" }, { "town", "city" }, { "locality", "city" },

  { "phone", "phone" }, { "phonenumber", "phone" }, { "mobile", "phone" },
  { "mobilephone", "phone" }, { "telephone", "phone" }, { "workphone", "phone" },
  { "mobilephonenumber", "phone" }, { "businessphone", "phone" },

  { "leadsource", "lead_source" }, { "source", "lead_source" },
  { "originalsource", "lead_source" },

  { "technologies", "technologies" }, { "techstack", "technologies" },
  { "technology", "technologies" }, { "technographics", "technologies" },

  { "owner", "owner" }, { "leadowner", "owner" }, { "contactowner", "owner" },
  { "assignedto", "owner" }, { "salesrep", "owner" }, { "accountowner", "owner" },

  { "created", "created_at" }, { "createdat", "created_at" }, { "createddate", "created_at" },
  { "createdate", "created_at" }, { "datecreated", "created_at" }, { "createdon", "created_at" },
};

static const Alias event_aliases[] = {
  { "email", "email" }, { "emailaddress", "email" }, { "workemail", "email" },
  { "businessemail", "email" }, { "contactemail", "email" }, { "primaryemail", "email" },
  { "leademail", "email" }, { "emailaddr", "email" }, { "mail", "email" },

  { "type", "type" }, { "event", "type" }, { "eventtype", "type" }, { "activity", "type" },
  { "activitytype", "type" }, { "action", "type" }, { "eventname", "type" },

  { "detail", "detail" }, { "details", "detail" }, { "url", "detail" }, { "page", "detail" },
  { "path", "detail" }, { "pageurl", "detail" }, { "asset", "detail" },
  { "campaign", "detail" }, { "name", "detail" }, { "subject", "detail" },

  { "occurredat", "occurred_at" }, { "timestamp", "occurred_at" }, { "time", "occurred_at" },
  { "date", "occurred_at" }, { "eventtime", "occurred_at" }, { "activitydate", "occurred_at" },
  { "createdat", "occurred_at" }, { "created", "occurred_at" }, { "eventdate", "occurred_at" },
  { "datetime", "occurred_at" },

  { "source", "source" }, { "channel", "source" },
};

/* Leads are upserted LEADS_PER_STATEMENT rows per statement: one
 * sqlite3_step() per row costs about as much as the insert itself. */
#define LEADS_PER_STATEMENT 32
/* A bulk load inserts up to BULK_ROWS pending rows with one step. */
#define BULK_ROWS           1024

typedef enum
{
  VALUE_NULL,
  VALUE_TEXT,
  VALUE_DOUBLE,
  VALUE_INT,
} ValueKind;

typedef struct
{
  ValueKind    kind;
  int          len;
  const char  *text;   /* valid until the rows are flushed; while the reader thread
                        converts a batch, NULL for a text in the batch's arena */
  double       d;
  gint64       i;      /* VALUE_INT; for a text in the arena, its offset */
} LeadValue;

/* Plan of a run, derived from the mappings */

typedef enum
{
  COL_IGNORE,
  COL_FIELD,
  COL_CUSTOM,
  COL_EVENT,
} ColKind;

typedef struct
{
  ColKind   kind;
  int       index;     /* QualifyField or EventColumn */
  int       param;     /* leads: SQL parameter */
  char     *json_key;  /* custom: the name as a JSON string, quoted */
} ColPlan;

/* The emails of a bulk load and their ids: open addressing, one slot read per
 * probe (the hash is in the slot, the email is compared only when it matches).
 * A GHashTable keeps hashes, keys and values apart: three cache misses a probe
 * once a million emails no longer fit in the cache. */
typedef struct
{
  guint32      hash;
  const char  *email;   /* NULL: free */
  gint64       id;
} EmailSlot;

typedef struct
{
  EmailSlot  *slots;
  gsize       mask;     /* n_slots - 1 */
  gsize       n;
} EmailIds;

typedef struct
{
  QualifyImporter     *self;
  gboolean             write;
  QualifyImportStats  *stats;
  QualifyCsvReader    *reader;
  sqlite3             *db;

  ColPlan             *plan;
  guint                n_cols;
  int                  field_col[QUALIFY_N_FIELDS];
  int                  event_col[N_EVENT_COLUMNS];
  int                  n_params;   /* leads: values per row (email, fields, custom) */
  int                  custom_param;
  gboolean             has_custom;

  /* Current record */
  const char *const   *fields;
  guint                n_fields;
  guint64              line;
  char                *reason;   /* problem with the current record */
  char                *email;    /* normalised, owned */

  GString             *key_buf;
  GString             *type_buf;
  GString             *detail_buf;

  /* Leads */
  LeadValue           *values;         /* rows_per_statement × n_params */
  guint                n_pending;
  guint                rows_per_statement;
  sqlite3_stmt        *upsert_many;    /* rows_per_statement rows */
  sqlite3_stmt        *upsert;
  /* Bulk load into an empty workspace: the email index is dropped, rows are
   * inserted with ids chosen here, a repeated email updates its first row by
   * id, and the unique index is rebuilt in one sort at the end. */
  gboolean             bulk;
  gint64               next_id;
  gint64              *ids;            /* rows_per_statement */
  sqlite3_stmt        *insert_rows;    /* INSERT … SELECT … FROM qualify_import_rows(run) */
  EmailIds             bulk_ids;       /* email (in chunk) → id */
  sqlite3_stmt        *update_by_id;
  sqlite3_stmt        *exists;     /* validate only */
  GHashTable          *seen;       /* validate only: emails seen in the file */
  guint64              ok_rows;
  guint64              new_leads;  /* validate only */

  /* Events */
  GStringChunk        *chunk;
  GHashTable          *lead_ids;   /* email → id */
  GHashTable          *type_ids;   /* name → id */
  GHashTable          *detail_ids; /* value → id */
  sqlite3_stmt        *insert_event;
  sqlite3_stmt        *insert_events;  /* EVENTS_PER_STATEMENT rows */
  sqlite3_stmt        *insert_lead;
  sqlite3_stmt        *insert_type;
  sqlite3_stmt        *insert_detail;
  gint64               next_fake_id; /* validate only */
  GArray              *pending;      /* of PendingEvent, inserted sorted */
  GHashTable          *source_ids;   /* source text → index in sources */
  GPtrArray           *sources;
  guint64              events;
  guint64              bare_leads;
  /* Events already in the workspace: only when the events table had rows at
   * the start. Ids above these maxima were created by this run. */
  gboolean             check_existing;
  gint64               max_lead_before;
  gint64               max_type_before;
  gint64               max_detail_before;
  guint                event_chunk;
  sqlite3_stmt        *lead_events;    /* LEAD_EVENTS_SQL */
  char                *reader_path;    /* WAL: a second connection may count too */
  guint                parallel_rows;  /* chunks this long are counted on two */
  GCancellable        *cancellable;    /* of the run, not owned */
  GArray              *stored;         /* of EventKey: one lead's, sorted */
  GPtrArray           *skipped_before; /* per earlier chunk, the keys of its rows skipped as
                                          already there: a sorted GArray of EventKey */
  guint64              already;

  gint64               import_id;
  gint64               now;
} ImportRun;

/* Events are buffered and inserted in (lead, time) order, a chunk at a time:
 * the events_lead index then grows almost sequentially, which is several times
 * cheaper than inserting in file order (and cheaper than rebuilding it). */
#define EVENT_CHUNK          (4 * 1024 * 1024)
#define EVENTS_PER_STATEMENT 64

/* A lead's events not inserted by this run. */
#define LEAD_EVENTS_SQL      "SELECT occurred_at, type_id, coalesce (detail_id, 0) FROM events" \
                             " WHERE lead_id = ?1 AND import_id IS NOT ?2"
/* Chunks of at least this many rows are counted on two connections. */
#define PARALLEL_COUNT_ROWS  65536

/* What makes two events the same event; the source is not part of it.
 * Ordered by lead, time, type, detail (event_key_compare), as the rows are
 * inserted. */
typedef struct
{
  gint64  lead_id;
  gint64  occurred_at;
  gint64  type_id;
  gint64  detail_id;   /* 0 = none */
} EventKey;

typedef struct
{
  EventKey key;
  guint    source;      /* index in sources + 1; 0 = none */
} PendingEvent;

typedef enum
{
  ROW_OK,
  ROW_EMPTY,
  ROW_PROBLEM,
  ROW_ERROR,
} RowResult;

typedef struct
{
  char     *path;
  gint      cancel;
  char     *hex;
} HashJob;

#define BATCH_RECORDS 4096
#define N_BATCHES     4

typedef struct
{
  guint64   line;
  gsize     first;         /* index of the first field in ptrs */
  guint     n_fields;
  gboolean  unterminated;
  /* Leads: converted on the reader thread */
  RowResult result;        /* ROW_OK, ROW_EMPTY or ROW_PROBLEM */
  char     *reason;        /* ROW_PROBLEM */
  gsize     email;         /* ROW_OK: offset of the normalised email in the arena */
} BatchRecord;

typedef struct
{
  char         *buf;       /* NUL-terminated fields, back to back */
  gsize         len;
  gsize         cap;
  gsize        *offsets;
  gsize         n_offsets;
  gsize         offsets_cap;
  const char  **ptrs;      /* buf + offsets, built when the batch is full */
  gsize         ptrs_cap;
  BatchRecord   records[BATCH_RECORDS];
  guint         n_records;
  LeadValue    *values;    /* leads: n_params per record */
  GString      *arena;     /* leads: rewritten texts (email, domain, lists, custom) */
  guint64       position;  /* reader position after the batch */
  gboolean      last;      /* end of file, error or stopped */
  GError       *error;
} Batch;

typedef struct
{
  QualifyCsvReader  *reader;
  const ImportRun   *leads;   /* converts lead records on the reader thread */
  GAsyncQueue       *full_batches;
  GAsyncQueue       *free_batches;
  GThread           *thread;
  gint               stop;
  Batch             *batches[N_BATCHES];
} Pipeline;

/* Helpers */

static void
user_mapping_free (UserMapping *m)
{
  g_free (m->spec);
  g_free (m->header);
  g_free (m->key);
  g_free (m->target);
  g_free (m);
}

static void
column_mapping_free (QualifyColumnMapping *m)
{
  if (m == NULL)
    return;
  g_free (m->header);
  g_free (m->target);
  g_free (m);
}

static void
problem_free (QualifyImportProblem *p)
{
  if (p == NULL)
    return;
  g_free (p->reason);
  g_strfreev (p->fields);
  g_free (p);
}

static const char *
kind_to_string (QualifyImportKind kind)
{
  return kind == QUALIFY_IMPORT_EVENTS ? "events" : "leads";
}

/* Keeps only letters and digits, lower-cased: "E-Mail Address" → "emailaddress". */
static char *
header_key (const char *header)
{
  GString *s = g_string_new (NULL);

  if (header == NULL || !g_utf8_validate (header, -1, NULL))
    return g_string_free (s, FALSE);

  for (const char *p = header; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80)
        {
          if (g_ascii_isalnum (c))
            g_string_append_c (s, g_ascii_tolower (c));
        }
      else if (g_unichar_isalnum (c))
        g_string_append_unichar (s, g_unichar_tolower (c));
    }

  return g_string_free (s, FALSE);
}

static inline gboolean
is_blank_byte (guchar c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims ASCII white space and no-break spaces. */
static inline const char *
trim_cell (const char *s,
           gsize      *len)
{
  gsize n;

  for (;;)
    {
      if (is_blank_byte (*s))
        s++;
      else if ((guchar) s[0] == 0xC2 && (guchar) s[1] == 0xA0)
        s += 2;
      else
        break;
    }
  n = strlen (s);
  for (;;)
    {
      if (n > 0 && is_blank_byte (s[n - 1]))
        n--;
      else if (n > 1 && (guchar) s[n - 2] == 0xC2 && (guchar) s[n - 1] == 0xA0)
        n -= 2;
      else
        break;
    }
  *len = n;
  return s;
}

static char *
trimmed_dup (const char *s)
{
  gsize len;
  const char *t = trim_cell (s ? s : "", &len);

  return g_strndup (t, len);
}

static char *
join_headers (QualifyImporter *self)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < self->n_headers; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, self->headers[i]);
    }

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
allowed_targets (QualifyImportKind kind)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (kind == QUALIFY_IMPORT_LEADS)
    {
      for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
        g_string_append_printf (s, "%s, ", qualify_field_get_name (f));
      g_string_append (s, "custom, custom:NAME, ignore");
    }
  else
    {
      for (guint c = 0; c < N_EVENT_COLUMNS; c++)
        g_string_append_printf (s, "%s, ", event_column_names[c]);
      g_string_append (s, "ignore");
    }

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static int
event_column_from_name (const char *name)
{
  for (guint c = 0; c < N_EVENT_COLUMNS; c++)
    if (g_str_equal (name, event_column_names[c]))
      return c;
  return -1;
}

/* Parses the field part of a mapping spec (or of a saved mapping). */
static gboolean
parse_target (QualifyImportKind   kind,
              const char         *text,
              QualifyTargetKind  *target_kind,
              char              **target)
{
  g_autofree char *trimmed = trimmed_dup (text);
  g_autofree char *lower = g_ascii_strdown (trimmed, -1);

  if (g_str_equal (lower, "ignore") || g_str_equal (lower, "skip"))
    {
      *target_kind = QUALIFY_TARGET_IGNORE;
      *target = NULL;
      return TRUE;
    }

  if (kind == QUALIFY_IMPORT_LEADS)
    {
      QualifyField f;

      if (g_str_equal (lower, "custom"))
        {
          *target_kind = QUALIFY_TARGET_CUSTOM;
          *target = NULL;
          return TRUE;
        }
      if (g_str_has_prefix (lower, "custom:"))
        {
          g_autofree char *name = trimmed_dup (trimmed + strlen ("custom:"));

          if (*name == '\0' || qualify_field_from_name (name, NULL))
            return FALSE;
          *target_kind = QUALIFY_TARGET_CUSTOM;
          *target = g_steal_pointer (&name);
          return TRUE;
        }

      g_strdelimit (lower, " -", '_');
      if (qualify_field_from_name (lower, &f))
        {
          *target_kind = QUALIFY_TARGET_FIELD;
          *target = g_strdup (qualify_field_get_name (f));
          return TRUE;
        }
      return FALSE;
    }

  g_strdelimit (lower, " -", '_');
  if (event_column_from_name (lower) >= 0)
    {
      *target_kind = QUALIFY_TARGET_EVENT;
      *target = g_steal_pointer (&lower);
      return TRUE;
    }

  return FALSE;
}

static char *
mapping_target_string (const QualifyColumnMapping *m)
{
  switch (m->kind)
    {
    case QUALIFY_TARGET_IGNORE:
      return g_strdup ("ignore");
    case QUALIFY_TARGET_CUSTOM:
      return g_strdup_printf ("custom:%s", m->target ? m->target : m->header);
    case QUALIFY_TARGET_FIELD:
    case QUALIFY_TARGET_EVENT:
    default:
      return g_strdup (m->target);
    }
}

static char *
mapping_to_json (GPtrArray *mappings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < mappings->len; i++)
    {
      const QualifyColumnMapping *m = g_ptr_array_index (mappings, i);
      g_autofree char *target = mapping_target_string (m);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "header");
      json_builder_add_string_value (builder, m->header);
      json_builder_set_member_name (builder, "target");
      json_builder_add_string_value (builder, target);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static char *
saved_mapping_key (QualifyImporter *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *sha1 = NULL;

  for (guint i = 0; i < self->n_headers; i++)
    {
      g_autofree char *key = header_key (self->headers[i]);

      g_string_append (s, key);
      g_string_append_c (s, '\n');
    }
  sha1 = g_compute_checksum_for_string (G_CHECKSUM_SHA1, s->str, s->len);

  return g_strdup_printf ("mapping:%s:%s", kind_to_string (self->kind), sha1);
}

/* Returns one target string per header, or NULL when nothing usable is saved. */
static GStrv
load_saved_mapping (QualifyImporter *self)
{
  g_autofree char *key = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (self->store == NULL || self->n_headers == 0)
    return NULL;

  key = saved_mapping_key (self);
  if (!(json = _qualify_store_dup_setting (self->store, key)))
    return NULL;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return NULL;

  array = json_node_get_array (json_parser_get_root (parser));
  if (json_array_get_length (array) != self->n_headers)
    return NULL;

  for (guint i = 0; i < self->n_headers; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *obj;
      const char *target;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      obj = json_node_get_object (node);
      target = json_object_get_string_member_with_default (obj, "target", NULL);
      if (target == NULL)
        return NULL;
      g_strv_builder_add (builder, target);
    }

  return g_strv_builder_end (builder);
}

static gboolean
target_taken (GPtrArray         *mappings,
              QualifyTargetKind  kind,
              const char        *target)
{
  for (guint i = 0; i < mappings->len; i++)
    {
      const QualifyColumnMapping *m = g_ptr_array_index (mappings, i);

      if (m == NULL || m->kind != kind)
        continue;
      if (kind == QUALIFY_TARGET_CUSTOM)
        {
          const char *name = m->target ? m->target : m->header;

          if (g_str_equal (name, target))
            return TRUE;
        }
      else if (m->target != NULL && g_str_equal (m->target, target))
        return TRUE;
    }

  return FALSE;
}

static QualifyColumnMapping *
column_mapping_new (const char        *header,
                    QualifyTargetKind  kind,
                    const char        *target,
                    gboolean           automatic)
{
  QualifyColumnMapping *m = g_new0 (QualifyColumnMapping, 1);

  m->header = g_strdup (header);
  m->kind = kind;
  m->target = g_strdup (target);
  m->automatic = automatic;
  return m;
}

/* A custom field name for a leftover column: the header trimmed, made unique. */
static char *
leftover_custom_name (GPtrArray  *mappings,
                      const char *header)
{
  g_autofree char *base = trimmed_dup (header);
  char *name;

  if (qualify_field_from_name (base, NULL))
    {
      char *tmp = g_strdup_printf ("%s (custom)", base);
      g_free (base);
      base = tmp;
    }

  name = g_strdup (base);
  for (guint n = 2; target_taken (mappings, QUALIFY_TARGET_CUSTOM, name); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s (%u)", base, n);
    }

  return name;
}

/* Maps every header: user specs, then a saved mapping, then auto-mapping,
 * then leftovers (custom for leads, ignored for events). */
static gboolean
resolve_mappings (QualifyImporter  *self,
                  GError          **error)
{
  g_autoptr(GPtrArray) mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) column_mapping_free);
  g_auto(GStrv) keys = g_new0 (char *, self->n_headers + 1);
  g_auto(GStrv) saved = load_saved_mapping (self);

  g_ptr_array_set_size (mappings, self->n_headers);
  for (guint i = 0; i < self->n_headers; i++)
    keys[i] = header_key (self->headers[i]);

  /* 1. The user's specs: the first unassigned column whose header matches. */
  for (guint u = 0; u < self->user_mappings->len; u++)
    {
      const UserMapping *um = g_ptr_array_index (self->user_mappings, u);
      g_autofree char *custom_name = NULL;
      const char *target = um->target;
      gint col = -1;

      for (guint i = 0; i < self->n_headers; i++)
        if (g_ptr_array_index (mappings, i) == NULL && g_str_equal (keys[i], um->key))
          {
            col = i;
            break;
          }

      if (col < 0)
        {
          g_autofree char *list = join_headers (self);
          g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING,
                       _("--map “%s”: “%s” has no column “%s” (headers: %s)."),
                       um->spec, self->display_name, um->header, list);
          return FALSE;
        }

      if (um->kind == QUALIFY_TARGET_CUSTOM && target == NULL)
        target = custom_name = trimmed_dup (self->headers[col]);

      if (um->kind != QUALIFY_TARGET_IGNORE && target_taken (mappings, um->kind, target))
        {
          g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING,
                       _("--map “%s”: another column already goes to “%s”; map each field "
                         "from one column only."),
                       um->spec, target);
          return FALSE;
        }

      g_ptr_array_index (mappings, col) = column_mapping_new (self->headers[col], um->kind,
                                                              target, FALSE);
    }

  /* 2. A mapping saved by an earlier import of a file with the same headers. */
  if (saved != NULL)
    {
      for (guint i = 0; i < self->n_headers; i++)
        {
          QualifyTargetKind kind;
          g_autofree char *target = NULL;

          if (g_ptr_array_index (mappings, i) != NULL)
            continue;
          if (!parse_target (self->kind, saved[i], &kind, &target))
            continue;
          if (kind == QUALIFY_TARGET_CUSTOM && target == NULL)
            target = trimmed_dup (self->headers[i]);
          if (kind != QUALIFY_TARGET_IGNORE && target_taken (mappings, kind, target))
            continue;
          g_ptr_array_index (mappings, i) = column_mapping_new (self->headers[i], kind, target, TRUE);
          ((QualifyColumnMapping *) g_ptr_array_index (mappings, i))->saved = TRUE;
        }
    }

  /* 3. Auto-mapping; 4. leftovers. */
  for (guint i = 0; i < self->n_headers; i++)
    {
      const char *guess;
      QualifyTargetKind kind = self->kind == QUALIFY_IMPORT_LEADS ? QUALIFY_TARGET_FIELD
                                                                  : QUALIFY_TARGET_EVENT;

      if (g_ptr_array_index (mappings, i) != NULL)
        continue;

      guess = qualify_importer_guess_target (self->kind, self->headers[i]);
      if (guess != NULL && !target_taken (mappings, kind, guess))
        {
          g_ptr_array_index (mappings, i) = column_mapping_new (self->headers[i], kind, guess, TRUE);
          continue;
        }

      if (self->kind == QUALIFY_IMPORT_LEADS && *keys[i] != '\0')
        {
          g_autofree char *name = leftover_custom_name (mappings, self->headers[i]);
          g_ptr_array_index (mappings, i) = column_mapping_new (self->headers[i], QUALIFY_TARGET_CUSTOM,
                                                                name, TRUE);
        }
      else
        g_ptr_array_index (mappings, i) = column_mapping_new (self->headers[i], QUALIFY_TARGET_IGNORE,
                                                              NULL, TRUE);
    }

  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  self->mappings = g_steal_pointer (&mappings);
  return TRUE;
}

static gboolean
check_required (QualifyImporter  *self,
                const int        *event_col,
                gboolean          has_email,
                GError          **error)
{
  g_autofree char *list = join_headers (self);

  if (!has_email)
    {
      g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_NO_EMAIL_COLUMN,
                   _("“%s” has no email column (headers: %s). Map one with --map 'Header=email'."),
                   self->display_name, list);
      return FALSE;
    }

  if (self->kind == QUALIFY_IMPORT_EVENTS)
    {
      static const EventColumn required[] = { EVENT_TYPE, EVENT_OCCURRED_AT };

      for (guint r = 0; r < G_N_ELEMENTS (required); r++)
        if (event_col[required[r]] < 0)
          {
            const char *name = event_column_names[required[r]];

            g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_MISSING_COLUMN,
                         _("“%s” has no %s column (headers: %s). Map one with --map 'Header=%s'."),
                         self->display_name, name, list, name);
            return FALSE;
          }
    }

  return TRUE;
}

static void
plan_free (ColPlan *plan,
           guint    n)
{
  if (plan == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_free (plan[i].json_key);
    }
  g_free (plan);
}

static void
append_json_string (GString    *out,
                    const char *s,
                    gsize       len)
{
  gsize run = 0;

  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) s[i];
      const char *esc = NULL;
      char buf[8];

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, s + run, i - run);
      run = i + 1;
      switch (c)
        {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
          g_snprintf (buf, sizeof buf, "\\u%04x", c);
          esc = buf;
          break;
        }
      g_string_append (out, esc);
    }
  g_string_append_len (out, s + run, len - run);
  g_string_append_c (out, '"');
}

/* Validates the (possibly edited) mappings and turns them into a plan. */
static gboolean
build_plan (QualifyImporter  *self,
            ImportRun        *run,
            GError          **error)
{
  gboolean has_email = FALSE;
  int param = 2;   /* ?1 is the email */
  g_autoptr(GHashTable) custom_names = g_hash_table_new (g_str_hash, g_str_equal);

  run->n_cols = self->mappings->len;
  run->plan = g_new0 (ColPlan, run->n_cols);
  for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
    run->field_col[f] = -1;
  for (guint c = 0; c < N_EVENT_COLUMNS; c++)
    run->event_col[c] = -1;

  for (guint i = 0; i < run->n_cols; i++)
    {
      const QualifyColumnMapping *m = g_ptr_array_index (self->mappings, i);
      ColPlan *p = &run->plan[i];
      QualifyField f;
      int c;

      switch (m->kind)
        {
        case QUALIFY_TARGET_IGNORE:
          p->kind = COL_IGNORE;
          break;

        case QUALIFY_TARGET_FIELD:
          if (self->kind != QUALIFY_IMPORT_LEADS || m->target == NULL ||
              !qualify_field_from_name (m->target, &f))
            goto bad_target;
          if (run->field_col[f] >= 0)
            goto duplicate;
          run->field_col[f] = i;
          p->kind = COL_FIELD;
          p->index = f;
          if (f == QUALIFY_FIELD_EMAIL)
            has_email = TRUE;
          break;

        case QUALIFY_TARGET_CUSTOM:
          {
            g_autofree char *name = NULL;

            if (self->kind != QUALIFY_IMPORT_LEADS)
              goto bad_target;
            name = trimmed_dup (m->target ? m->target : m->header);
            if (*name == '\0')
              goto bad_target;
            if (g_hash_table_contains (custom_names, m->target ? m->target : m->header))
              goto duplicate;
            g_hash_table_add (custom_names, m->target ? m->target : m->header);
            p->kind = COL_CUSTOM;
            {
              GString *k = g_string_new (NULL);
              append_json_string (k, name, strlen (name));
              p->json_key = g_string_free (k, FALSE);
            }
            run->has_custom = TRUE;
          }
          break;

        case QUALIFY_TARGET_EVENT:
          if (self->kind != QUALIFY_IMPORT_EVENTS || m->target == NULL ||
              (c = event_column_from_name (m->target)) < 0)
            goto bad_target;
          if (run->event_col[c] >= 0)
            goto duplicate;
          run->event_col[c] = i;
          p->kind = COL_EVENT;
          p->index = c;
          if (c == EVENT_EMAIL)
            has_email = TRUE;
          break;

        default:
          goto bad_target;
        }
      continue;

    bad_target:
      {
        g_autofree char *allowed = allowed_targets (self->kind);
        g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING,
                     _("Column “%s” is mapped to “%s”, which %s imports do not have. "
                       "Use one of: %s."),
                     m->header, m->target ? m->target : "custom", kind_to_string (self->kind),
                     allowed);
        return FALSE;
      }

    duplicate:
      g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING,
                   _("Column “%s” goes to “%s”, but another column already does; map each "
                     "field from one column only (use “ignore” for the other)."),
                   m->header, m->target ? m->target : m->header);
      return FALSE;
    }

  if (!check_required (self, run->event_col, has_email, error))
    return FALSE;

  /* Parameters follow the canonical field order, as the SQL lists them. */
  for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
    if (run->field_col[f] >= 0)
      run->plan[run->field_col[f]].param = f == QUALIFY_FIELD_EMAIL ? 1 : param++;
  if (run->has_custom)
    run->custom_param = param++;
  run->n_params = param - 1;
  return TRUE;
}

static void
add_problem (ImportRun  *run,
             char       *reason)
{
  QualifyImportProblem *p;

  run->stats->skipped++;
  if (run->self->problems->len >= MAX_PROBLEMS)
    {
      g_free (reason);
      return;
    }

  p = g_new0 (QualifyImportProblem, 1);
  p->line = run->line;
  p->reason = reason;
  p->fields = g_new0 (char *, run->n_fields + 1);
  for (guint i = 0; i < run->n_fields; i++)
    p->fields[i] = g_strdup (run->fields[i]);
  g_ptr_array_add (run->self->problems, p);
}

static const char *
column_name (const ImportRun *run,
             guint            col)
{
  return run->self->headers[col];
}

/* More cells than headers is a problem unless the extra cells are empty
 * (spreadsheets often write trailing delimiters). */
static char *
ragged_reason (const char *const *fields,
               guint              n_fields,
               guint              n_cols)
{
  for (guint i = n_cols; i < n_fields; i++)
    {
      gsize len;

      trim_cell (fields[i], &len);
      if (len > 0)
        return g_strdup_printf (_("%u cells but the header has %u"), n_fields, n_cols);
    }

  return NULL;
}

static gboolean
check_ragged (ImportRun *run)
{
  if (run->n_fields <= run->n_cols)
    return TRUE;

  run->reason = ragged_reason (run->fields, run->n_fields, run->n_cols);
  return run->reason == NULL;
}

/* "A, B | C;;D" → "A;B;C;D" */
static void
normalize_list (GString    *out,
                const char *s,
                gsize       len)
{
  const char *end = s + len;

  g_string_truncate (out, 0);
  while (s < end)
    {
      const char *item = s;
      const char *item_end;

      while (s < end && *s != ';' && *s != ',' && *s != '|')
        s++;
      item_end = s;
      if (s < end)
        s++;

      while (item < item_end && is_blank_byte (*item))
        item++;
      while (item_end > item && is_blank_byte (item_end[-1]))
        item_end--;
      if (item == item_end)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ';');
      g_string_append_len (out, item, item_end - item);
    }
}

static RowResult
step_error (ImportRun   *run,
            int          rc,
            const char  *what,
            GError     **error)
{
  _qualify_store_set_error (run->self->store, rc, what, error);
  return ROW_ERROR;
}

/* Leads */

/* FNV-1a with a final mix: fewer collisions than g_str_hash() on look-alike
 * keys such as "user123@company45.example", so fewer string compares. */
static guint
key_hash (gconstpointer key)
{
  const guchar *p = key;
  guint32 h = 2166136261u;

  for (; *p; p++)
    h = (h ^ *p) * 16777619u;
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  return h;
}

/* In the arena each email is stored after its key_hash(), computed on the
 * reader thread. */
static inline guint32
stored_email_hash (const char *email)
{
  guint32 h;

  memcpy (&h, email - sizeof h, sizeof h);
  return h;
}

static void
email_ids_init (EmailIds *t)
{
  t->mask = 1024 * 1024 - 1;
  t->slots = g_new0 (EmailSlot, t->mask + 1);
  t->n = 0;
}

static void
email_ids_clear (EmailIds *t)
{
  g_clear_pointer (&t->slots, g_free);
  t->mask = 0;
  t->n = 0;
}

static void
email_ids_grow (EmailIds *t)
{
  gsize mask = t->mask * 2 + 1;
  EmailSlot *slots = g_new0 (EmailSlot, mask + 1);

  for (gsize i = 0; i <= t->mask; i++)
    {
      const EmailSlot *old = &t->slots[i];
      gsize j;

      if (old->email == NULL)
        continue;
      for (j = old->hash & mask; slots[j].email != NULL; j = (j + 1) & mask)
        ;
      slots[j] = *old;
    }
  g_free (t->slots);
  t->slots = slots;
  t->mask = mask;
}

/* The id of @email if it was seen before; else the slot to fill. */
static EmailSlot *
email_ids_find (EmailIds   *t,
                const char *email,
                guint32     hash,
                gboolean   *found)
{
  gsize i;

  if (G_UNLIKELY ((t->n + 1) * 2 > t->mask + 1))
    email_ids_grow (t);

  for (i = hash & t->mask; t->slots[i].email != NULL; i = (i + 1) & t->mask)
    if (t->slots[i].hash == hash && strcmp (t->slots[i].email, email) == 0)
      {
        *found = TRUE;
        return &t->slots[i];
      }

  *found = FALSE;
  return &t->slots[i];
}

static gint64 query_int64 (QualifyStore *store,
                           const char   *sql,
                           gint64        fallback);
static gboolean exec_printf (QualifyStore  *store,
                             GError       **error,
                             const char    *format,
                             ...) G_GNUC_PRINTF (3, 4);

/* An empty workspace whose email index can be dropped (schema 3 and later):
 * maintaining a unique index over random emails row by row costs more than the
 * inserts themselves, while building it once at the end is one sort. */
static gboolean
bulk_possible (QualifyStore *store)
{
  return query_int64 (store,
                      "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'leads_email'"
                      " AND NOT EXISTS (SELECT 1 FROM leads)", 0) == 1;
}

/* The pending rows of a bulk load, as an eponymous virtual table that the
 * insert statement reads: "INSERT INTO leads (…) SELECT c0, …, id FROM
 * qualify_import_rows(?)", the argument being the ImportRun (a pointer bound
 * with sqlite3_bind_pointer()). Handing over a value through xColumn costs
 * about half as much as binding it, and a whole batch goes with one step. */

#define ROWS_POINTER_TYPE "qualify-import-rows"
#define ROWS_MAX_VALUES   (QUALIFY_N_FIELDS + 1)   /* fields (email first) and custom */
#define ROWS_COL_ID       ROWS_MAX_VALUES
#define ROWS_COL_RUN      (ROWS_MAX_VALUES + 1)

typedef struct
{
  sqlite3_vtab_cursor  base;
  const ImportRun     *run;
  guint                row;
} RowsCursor;

static int
rows_connect (sqlite3             *db,
              void                *aux,
              int                  argc,
              const char * const  *argv,
              sqlite3_vtab       **out,
              char               **err)
{
  g_autoptr(GString) schema = g_string_new ("CREATE TABLE x(");
  int rc;

  for (guint i = 0; i < ROWS_MAX_VALUES; i++)
    g_string_append_printf (schema, "c%u, ", i);
  g_string_append (schema, "id, run HIDDEN)");
  if ((rc = sqlite3_declare_vtab (db, schema->str)) != SQLITE_OK)
    return rc;
  sqlite3_vtab_config (db, SQLITE_VTAB_DIRECTONLY);

  *out = sqlite3_malloc (sizeof (sqlite3_vtab));
  if (*out == NULL)
    return SQLITE_NOMEM;
  memset (*out, 0, sizeof (sqlite3_vtab));
  return SQLITE_OK;
}

static int
rows_disconnect (sqlite3_vtab *vtab)
{
  sqlite3_free (vtab);
  return SQLITE_OK;
}

/* Only usable with the run given: "qualify_import_rows(?)". */
static int
rows_best_index (sqlite3_vtab       *vtab,
                 sqlite3_index_info *info)
{
  for (int i = 0; i < info->nConstraint; i++)
    if (info->aConstraint[i].iColumn == ROWS_COL_RUN &&
        info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ &&
        info->aConstraint[i].usable)
      {
        info->aConstraintUsage[i].argvIndex = 1;
        info->aConstraintUsage[i].omit = 1;
        info->idxNum = 1;
        info->estimatedCost = 1;
        info->estimatedRows = BULK_ROWS;
        return SQLITE_OK;
      }

  return SQLITE_CONSTRAINT;
}

static int
rows_open (sqlite3_vtab         *vtab,
           sqlite3_vtab_cursor **out)
{
  RowsCursor *cursor = sqlite3_malloc (sizeof (RowsCursor));

  if (cursor == NULL)
    return SQLITE_NOMEM;
  memset (cursor, 0, sizeof *cursor);
  *out = &cursor->base;
  return SQLITE_OK;
}

static int
rows_close (sqlite3_vtab_cursor *cur)
{
  sqlite3_free (cur);
  return SQLITE_OK;
}

static int
rows_filter (sqlite3_vtab_cursor  *cur,
             int                   idx_num,
             const char           *idx_str,
             int                   argc,
             sqlite3_value       **argv)
{
  RowsCursor *cursor = (RowsCursor *) cur;

  cursor->run = argc == 1 ? sqlite3_value_pointer (argv[0], ROWS_POINTER_TYPE) : NULL;
  cursor->row = 0;
  return SQLITE_OK;
}

static int
rows_next (sqlite3_vtab_cursor *cur)
{
  ((RowsCursor *) cur)->row++;
  return SQLITE_OK;
}

static int
rows_eof (sqlite3_vtab_cursor *cur)
{
  RowsCursor *cursor = (RowsCursor *) cur;

  return cursor->run == NULL || cursor->row >= cursor->run->n_pending;
}

static int
rows_column (sqlite3_vtab_cursor *cur,
             sqlite3_context     *ctx,
             int                  col)
{
  RowsCursor *cursor = (RowsCursor *) cur;
  const ImportRun *run = cursor->run;
  const LeadValue *value;

  if (col == ROWS_COL_ID)
    {
      sqlite3_result_int64 (ctx, run->ids[cursor->row]);
      return SQLITE_OK;
    }
  if (col >= run->n_params)
    {
      sqlite3_result_null (ctx);
      return SQLITE_OK;
    }

  value = &run->values[(gsize) cursor->row * run->n_params + col];
  switch (value->kind)
    {
    case VALUE_TEXT:
      sqlite3_result_text (ctx, value->text, value->len, SQLITE_STATIC);
      break;
    case VALUE_DOUBLE:
      sqlite3_result_double (ctx, value->d);
      break;
    case VALUE_INT:
      sqlite3_result_int64 (ctx, value->i);
      break;
    case VALUE_NULL:
    default:
      sqlite3_result_null (ctx);
      break;
    }
  return SQLITE_OK;
}

static int
rows_rowid (sqlite3_vtab_cursor *cur,
            sqlite3_int64       *rowid)
{
  *rowid = ((RowsCursor *) cur)->row;
  return SQLITE_OK;
}

static const sqlite3_module rows_module = {
  .iVersion = 0,
  .xConnect = rows_connect,
  .xBestIndex = rows_best_index,
  .xDisconnect = rows_disconnect,
  .xOpen = rows_open,
  .xClose = rows_close,
  .xFilter = rows_filter,
  .xNext = rows_next,
  .xEof = rows_eof,
  .xColumn = rows_column,
  .xRowid = rows_rowid,
};

static gboolean
prepare_bulk_leads (ImportRun  *run,
                    GString    *sql,
                    GError    **error)
{
  QualifyStore *store = run->self->store;
  g_autoptr(GString) update = g_string_new ("UPDATE leads SET ");
  int rc;

  /* "INSERT INTO leads (email, …, updated_at" → "…, updated_at, id)" */
  g_string_truncate (sql, sql->len - strlen (") VALUES "));
  g_string_append (sql, ", id) VALUES ");

  /* A repeated email: the same values, numbered as in a row, update by id. */
  for (guint f = 1; f < QUALIFY_N_FIELDS; f++)
    {
      const char *name = qualify_field_get_name (f);
      int col = run->field_col[f];

      if (col < 0)
        continue;
      g_string_append_printf (update, "%s = coalesce(?%d, %s), ", name, run->plan[col].param, name);
    }
  if (run->has_custom)
    g_string_append_printf (update,
                            "custom = CASE WHEN ?%d IS NULL THEN custom WHEN custom IS NULL THEN ?%d "
                            "ELSE json_patch(custom, ?%d) END, ",
                            run->custom_param, run->custom_param, run->custom_param);
  g_string_append_printf (update, "updated_at = %" G_GINT64_FORMAT " WHERE id = ?%d",
                          run->now, run->n_params + 1);

  g_assert (run->n_params <= ROWS_MAX_VALUES);
  run->rows_per_statement = BULK_ROWS;
  run->values = g_new0 (LeadValue, (gsize) run->rows_per_statement * run->n_params);
  run->ids = g_new0 (gint64, run->rows_per_statement);

  /* "INSERT INTO leads (email, …, updated_at, id) SELECT c0, …, now, id FROM …" */
  g_string_truncate (sql, sql->len - strlen (" VALUES "));
  g_string_append (sql, " SELECT ");
  for (int i = 0; i < run->n_params; i++)
    g_string_append_printf (sql, "c%d, ", i);
  g_string_append_printf (sql, "%" G_GINT64_FORMAT ", id FROM qualify_import_rows(?)", run->now);

  if ((rc = sqlite3_create_module_v2 (run->db, "qualify_import_rows", &rows_module, NULL, NULL))
      != SQLITE_OK)
    return _qualify_store_set_error (store, rc, _("Could not prepare the import"), error);
  if (!_qualify_store_exec (store, "DROP INDEX leads_email", error) ||
      !(run->insert_rows = _qualify_store_prepare (store, sql->str, error)) ||
      !(run->update_by_id = _qualify_store_prepare (store, update->str, error)))
    return FALSE;
  sqlite3_bind_pointer (run->insert_rows, 1, run, ROWS_POINTER_TYPE, NULL);

  run->bulk = TRUE;
  run->next_id = 1;
  if (run->chunk == NULL)
    run->chunk = g_string_chunk_new (HASH_CHUNK);
  email_ids_init (&run->bulk_ids);
  g_debug ("%s: empty workspace, bulk load", run->self->display_name);
  return TRUE;
}

/* After a bulk load: the unique email index, built in one sort.
 *
 * SQLite's sorter sorts a list that fits its memory budget in one thread, as
 * one long merge sort over a linked list (1.4 s for a million emails). With
 * temporary files allowed (see import_temp_store()) and a budget of a few MB,
 * it sorts runs of that size on a helper thread while the main thread goes on
 * scanning the table, then merges them: 0.5 s. The budget is the page cache
 * size, so the cache is small for this one statement. */
#define INDEX_SORT_CACHE_KIB 8192

static gboolean
finish_bulk_leads (ImportRun  *run,
                   GError    **error)
{
  QualifyStore *store = run->self->store;
  gint64 cache;
  gboolean ok;

  if (!run->bulk)
    return TRUE;

  /* The reader has finished by now: the sorter may have the other core. */
  cache = query_int64 (store, "PRAGMA cache_size", -IMPORT_CACHE_KIB);
  exec_printf (store, NULL, "PRAGMA cache_size = -%d", INDEX_SORT_CACHE_KIB);
  _qualify_store_exec (store, "PRAGMA threads = 2", NULL);
  ok = _qualify_store_exec (store, "CREATE UNIQUE INDEX leads_email ON leads(email)", error);
  _qualify_store_exec (store, "PRAGMA threads = 0", NULL);
  exec_printf (store, NULL, "PRAGMA cache_size = %" G_GINT64_FORMAT, cache);

  return ok;
}

/* The sorter writes runs to temporary files only when the connection keeps
 * temporary data in files; the store keeps it in memory. That can only be
 * changed outside a transaction: for the length of a leads import that will
 * build the email index (a bulk load), files it is (SQLite deletes them when
 * done; they live in $SQLITE_TMPDIR or $TMPDIR, else /var/tmp or /tmp).
 * Returns the setting to restore, or -1. */
static int
import_temp_store (QualifyImporter *self)
{
  int temp_store;

  if (self->kind != QUALIFY_IMPORT_LEADS || !bulk_possible (self->store))
    return -1;
  temp_store = (int) query_int64 (self->store, "PRAGMA temp_store", -1);
  if (temp_store < 0 || !_qualify_store_exec (self->store, "PRAGMA temp_store = FILE", NULL))
    return -1;
  return temp_store;
}

static void
restore_temp_store (QualifyImporter *self,
                    int              temp_store)
{
  g_autofree char *sql = NULL;

  if (temp_store < 0)
    return;
  sql = g_strdup_printf ("PRAGMA temp_store = %d", temp_store);
  _qualify_store_exec (self->store, sql, NULL);
}

static gboolean
prepare_leads (ImportRun  *run,
               GError    **error)
{
  QualifyStore *store = run->self->store;
  g_autoptr(GString) sql = g_string_new ("INSERT INTO leads (email");
  g_autoptr(GString) row = g_string_new ("(?");
  g_autoptr(GString) update = g_string_new (NULL);
  g_autoptr(GString) many = NULL;
  int limit;

  if (!run->write)
    {
      run->values = g_new0 (LeadValue, run->n_params);
      run->rows_per_statement = 1;
      run->exists = _qualify_store_prepare (store, "SELECT 1 FROM leads WHERE email = ?", error);
      run->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      return run->exists != NULL;
    }

  for (guint f = 1; f < QUALIFY_N_FIELDS; f++)
    {
      const char *name = qualify_field_get_name (f);

      if (run->field_col[f] < 0)
        continue;
      g_string_append_printf (sql, ", %s", name);
      g_string_append (row, ", ?");
      g_string_append_printf (update, "%s = coalesce(excluded.%s, %s), ", name, name, name);
    }
  if (run->has_custom)
    {
      g_string_append (sql, ", custom");
      g_string_append (row, ", ?");
      g_string_append (update,
                       "custom = CASE WHEN excluded.custom IS NULL THEN custom "
                       "WHEN custom IS NULL THEN excluded.custom "
                       "ELSE json_patch(custom, excluded.custom) END, ");
    }
  g_string_append (sql, ", updated_at) VALUES ");
  g_string_append_printf (row, ", %" G_GINT64_FORMAT ")", run->now);
  g_string_append_printf (update, "updated_at = excluded.updated_at");

  if (bulk_possible (store))
    return prepare_bulk_leads (run, sql, error);

  limit = sqlite3_limit (run->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  run->rows_per_statement = CLAMP (limit / MAX (run->n_params, 1), 1, LEADS_PER_STATEMENT);
  run->values = g_new0 (LeadValue, (gsize) run->rows_per_statement * run->n_params);

  many = g_string_new (sql->str);
  for (guint i = 0; i < run->rows_per_statement; i++)
    {
      if (i > 0)
        g_string_append (many, ", ");
      g_string_append (many, row->str);
    }
  g_string_append_printf (many, " ON CONFLICT(email) DO UPDATE SET %s", update->str);
  g_string_append_printf (sql, "%s ON CONFLICT(email) DO UPDATE SET %s", row->str, update->str);

  if (!(run->upsert = _qualify_store_prepare (store, sql->str, error)))
    return FALSE;
  if (run->rows_per_statement > 1 &&
      !(run->upsert_many = _qualify_store_prepare (store, many->str, error)))
    return FALSE;

  return TRUE;
}

static void
bind_lead_values (sqlite3_stmt    *stmt,
                  int              base,
                  const LeadValue *values,
                  int              n)
{
  for (int v = 0; v < n; v++)
    {
      const LeadValue *value = &values[v];

      switch (value->kind)
        {
        case VALUE_TEXT:
          sqlite3_bind_text (stmt, base + v + 1, value->text, value->len, SQLITE_STATIC);
          break;
        case VALUE_DOUBLE:
          sqlite3_bind_double (stmt, base + v + 1, value->d);
          break;
        case VALUE_INT:
          sqlite3_bind_int64 (stmt, base + v + 1, value->i);
          break;
        case VALUE_NULL:
        default:
          sqlite3_bind_null (stmt, base + v + 1);
          break;
        }
    }
}

/* Writes the pending rows: one multi-row statement when there is a full set,
 * else row by row. Must run before the reader's batch they point into is
 * handed back. */
static gboolean
flush_leads (ImportRun  *run,
             GError    **error)
{
  int rc = SQLITE_DONE;
  guint n = run->n_pending;

  if (n == 0)
    return TRUE;

  if (run->bulk)
    {
      /* All pending rows, read by qualify_import_rows. */
      rc = sqlite3_step (run->insert_rows);
      sqlite3_reset (run->insert_rows);
    }
  else if (n == run->rows_per_statement && run->upsert_many != NULL)
    {
      for (guint r = 0; r < n; r++)
        bind_lead_values (run->upsert_many, r * run->n_params, run->values + r * run->n_params,
                          run->n_params);
      rc = sqlite3_step (run->upsert_many);
      sqlite3_reset (run->upsert_many);
    }
  else
    {
      for (guint r = 0; r < n && rc == SQLITE_DONE; r++)
        {
          bind_lead_values (run->upsert, 0, run->values + r * run->n_params, run->n_params);
          rc = sqlite3_step (run->upsert);
          sqlite3_reset (run->upsert);
        }
    }

  run->n_pending = 0;
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (run->self->store, rc, _("Could not save leads"), error);

  return TRUE;
}

static inline void
set_text (LeadValue  *value,
          const char *text,
          gsize       len)
{
  value->kind = len > 0 ? VALUE_TEXT : VALUE_NULL;
  value->text = text;
  value->len = len;
}

/* g_string_append_len() without the call into GLib: it runs for every cell. */
static inline void
arena_append (GString    *arena,
              const void *data,
              gsize       len)
{
  gsize at = arena->len;

  if (G_UNLIKELY (at + len >= arena->allocated_len))
    g_string_set_size (arena, at + len);
  memcpy (arena->str + at, data, len);
  arena->len = at + len;
}

/* Copies a text to the arena; the value holds its offset until the batch is
 * complete (see fix_arena_texts()). */
static inline void
arena_text (LeadValue  *value,
            GString    *arena,
            const char *text,
            gsize       len)
{
  value->kind = len > 0 ? VALUE_TEXT : VALUE_NULL;
  value->text = NULL;
  value->i = arena->len;
  value->len = len;
  arena_append (arena, text, len);
}

/* Trims, checks and normalises the cells of one lead record into @row. Runs on
 * the reader thread, so it only reads @run (the plan, which is fixed by now).
 * The texts written are copied to @arena: the reader reuses its buffers. */
static RowResult
convert_lead (const ImportRun   *run,
              const char *const *fields,
              guint              n_fields,
              LeadValue         *row,
              GString           *arena,
              GString           *scratch,
              GString           *custom,
              gsize             *email_offset,
              char             **reason)
{
  gboolean any = FALSE;
  gboolean custom_any = FALSE;
  gboolean has_email = FALSE;
  gsize email_len = 0;
  guint32 hash;

  if (n_fields > run->n_cols && (*reason = ragged_reason (fields, n_fields, run->n_cols)))
    return ROW_PROBLEM;

  memset (row, 0, sizeof (LeadValue) * run->n_params);
  if (run->has_custom)
    {
      g_string_truncate (custom, 0);
      g_string_append_c (custom, '{');
    }

  for (guint i = 0; i < run->n_cols; i++)
    {
      const ColPlan *p = &run->plan[i];
      LeadValue *value;
      const char *cell;
      const char *v;
      gsize len;

      if (p->kind == COL_IGNORE)
        continue;

      cell = i < n_fields ? fields[i] : "";
      v = trim_cell (cell, &len);
      if (len == 0)
        continue;
      any = TRUE;

      if (p->kind == COL_CUSTOM)
        {
          if (custom_any)
            g_string_append_c (custom, ',');
          g_string_append (custom, p->json_key);
          g_string_append_c (custom, ':');
          append_json_string (custom, v, len);
          custom_any = TRUE;
          continue;
        }

      /* COL_FIELD */
      if (p->index == QUALIFY_FIELD_EMAIL)
        {
          g_autofree char *email = qualify_normalize_email (v);

          if (email == NULL)
            {
              g_autofree char *shown = g_strndup (v, len);
              *reason = g_strdup_printf (_("“%s” is not an email address"), shown);
              return ROW_PROBLEM;
            }
          /* The hash of the email, for the bulk load's table, goes before it. */
          email_len = strlen (email);
          hash = key_hash (email);
          arena_append (arena, &hash, sizeof hash);
          *email_offset = arena->len;
          arena_append (arena, email, email_len + 1);
          has_email = TRUE;
          continue;
        }

      value = &row[p->param - 1];
      switch (qualify_field_get_kind (p->index))
        {
        case QUALIFY_FIELD_KIND_NUMBER:
          if (!qualify_parse_number (cell, &value->d))
            {
              g_autofree char *shown = g_strndup (v, len);
              *reason = g_strdup_printf (_("%s: “%s” is not a number"),
                                         column_name (run, i), shown);
              return ROW_PROBLEM;
            }
          value->kind = VALUE_DOUBLE;
          break;

        case QUALIFY_FIELD_KIND_TIMESTAMP:
          if (!qualify_parse_timestamp (cell, &value->i))
            {
              g_autofree char *shown = g_strndup (v, len);
              *reason = g_strdup_printf (_("%s: “%s” is not a date (use ISO 8601, e.g. "
                                           "2026-03-01 or 2026-03-01T10:00:00Z)"),
                                         column_name (run, i), shown);
              return ROW_PROBLEM;
            }
          value->kind = VALUE_INT;
          break;

        case QUALIFY_FIELD_KIND_LIST:
          normalize_list (scratch, v, len);
          arena_text (value, arena, scratch->str, scratch->len);
          break;

        case QUALIFY_FIELD_KIND_TEXT:
        default:
          if (p->index == QUALIFY_FIELD_DOMAIN)
            {
              qualify_normalize_domain (scratch, v, len);
              arena_text (value, arena, scratch->str, scratch->len);
            }
          else
            arena_text (value, arena, v, len);
          break;
        }
    }

  if (!any)
    return ROW_EMPTY;

  if (!has_email)
    {
      *reason = g_strdup_printf (_("no email address (column “%s” is empty)"),
                                 column_name (run, run->field_col[QUALIFY_FIELD_EMAIL]));
      return ROW_PROBLEM;
    }

  row[0].kind = VALUE_TEXT;
  row[0].text = NULL;
  row[0].i = *email_offset;
  row[0].len = email_len;
  if (run->has_custom && custom_any)
    {
      g_string_append_c (custom, '}');
      arena_text (&row[run->custom_param - 1], arena, custom->str, custom->len);
    }

  return ROW_OK;
}

/* The arena has stopped growing: turn offsets into pointers. */
static void
fix_arena_texts (Batch *b,
                 int    n_params)
{
  for (guint r = 0; r < b->n_records; r++)
    {
      LeadValue *row = b->values + (gsize) r * n_params;

      if (b->records[r].unterminated || b->records[r].result != ROW_OK)
        continue;
      for (int v = 0; v < n_params; v++)
        if (row[v].kind == VALUE_TEXT && row[v].text == NULL)
          row[v].text = b->arena->str + row[v].i;
    }
}

/* Takes one record converted by convert_lead() and writes it (or, when only
 * validating, counts it). */
static RowResult
lead_row (ImportRun    *run,
          Batch        *b,
          BatchRecord  *rec,
          GError      **error)
{
  guint slot = run->n_pending;
  LeadValue *row = run->values + slot * run->n_params;
  const char *email;
  int rc;

  if (rec->result == ROW_PROBLEM)
    run->reason = g_steal_pointer (&rec->reason);
  if (rec->result != ROW_OK)
    return rec->result;

  email = b->arena->str + rec->email;
  run->ok_rows++;

  if (!run->write)
    {
      /* validate(): count what would be created */
      if (!g_hash_table_contains (run->seen, email))
        {
          sqlite3_reset (run->exists);
          sqlite3_bind_text (run->exists, 1, email, -1, SQLITE_STATIC);
          rc = sqlite3_step (run->exists);
          sqlite3_reset (run->exists);
          if (rc == SQLITE_DONE)
            run->new_leads++;
          else if (rc != SQLITE_ROW)
            return step_error (run, rc, _("Could not read the workspace"), error);
          g_hash_table_add (run->seen, g_strdup (email));
        }
      return ROW_OK;
    }

  memcpy (row, b->values + (gsize) (rec - b->records) * run->n_params,
          sizeof (LeadValue) * run->n_params);

  if (run->bulk)
    {
      guint32 hash = stored_email_hash (email);
      gboolean found;
      EmailSlot *seen = email_ids_find (&run->bulk_ids, email, hash, &found);

      if (found)
        {
          /* Seen earlier in this file: write what is pending, then merge this
           * row into the first one, as the upsert would. */
          if (!flush_leads (run, error))
            return ROW_ERROR;
          bind_lead_values (run->update_by_id, 0, row, run->n_params);
          sqlite3_bind_int64 (run->update_by_id, run->n_params + 1, seen->id);
          rc = sqlite3_step (run->update_by_id);
          sqlite3_reset (run->update_by_id);
          if (rc != SQLITE_DONE)
            return step_error (run, rc, _("Could not save leads"), error);
          return ROW_OK;
        }
      run->ids[slot] = run->next_id++;
      seen->hash = hash;
      seen->email = g_string_chunk_insert_len (run->chunk, email, row[0].len);
      seen->id = run->ids[slot];
      run->bulk_ids.n++;
    }

  run->n_pending++;
  if (run->n_pending == run->rows_per_statement && !flush_leads (run, error))
    return ROW_ERROR;

  return ROW_OK;
}

/* Events */

static gboolean
load_ids (ImportRun   *run,
          const char  *sql,
          GHashTable  *table,
          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (run->self->store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      int len = sqlite3_column_bytes (stmt, 0);

      g_hash_table_insert (table, g_string_chunk_insert_len (run->chunk, key, len),
                           GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 1)));
    }

  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (run->self->store, rc, _("Could not read the workspace"), error);

  return TRUE;
}

/* With events in the workspace, a row may repeat one of them: see what ids
 * exist now (anything above was created by this run and cannot be there). */
static gboolean
prepare_existing_check (ImportRun  *run,
                        GError    **error)
{
  QualifyStore *store = run->self->store;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) stmt2 = NULL;
  int rc;

  if (!(stmt = _qualify_store_prepare (store,
                                       "SELECT EXISTS (SELECT 1 FROM events),"
                                       " (SELECT coalesce (max(id), 0) FROM leads),"
                                       " (SELECT coalesce (max(id), 0) FROM event_types),"
                                       " (SELECT coalesce (max(id), 0) FROM event_details)",
                                       error)))
    return FALSE;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return _qualify_store_set_error (store, rc, _("Could not read the workspace"), error);

  run->check_existing = sqlite3_column_int (stmt, 0) != 0;
  run->max_lead_before = sqlite3_column_int64 (stmt, 1);
  run->max_type_before = sqlite3_column_int64 (stmt, 2);
  run->max_detail_before = sqlite3_column_int64 (stmt, 3);
  if (!run->check_existing)
    return TRUE;

  run->lead_events = _qualify_store_prepare (store, LEAD_EVENTS_SQL, error);
  if (run->lead_events == NULL)
    return FALSE;
  sqlite3_bind_int64 (run->lead_events, 2, run->import_id);
  run->stored = g_array_new (FALSE, FALSE, sizeof (EventKey));
  run->skipped_before = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  /* In WAL mode a second connection can count half of a big chunk (see
   * count_thread). Tests let it count chunks of a few rows
   * (QUALIFY_IMPORT_PARALLEL_ROWS=2). */
  if (!(stmt2 = _qualify_store_prepare (store, "PRAGMA journal_mode", error)))
    return FALSE;
  if (sqlite3_step (stmt2) == SQLITE_ROW &&
      g_strcmp0 ((const char *) sqlite3_column_text (stmt2, 0), "wal") == 0 &&
      qualify_store_get_path (store) != NULL)
    run->reader_path = g_strdup (qualify_store_get_path (store));
  {
    const char *env = g_getenv ("QUALIFY_IMPORT_PARALLEL_ROWS");
    guint64 rows = env ? g_ascii_strtoull (env, NULL, 10) : 0;

    run->parallel_rows = rows >= 2 && rows < PARALLEL_COUNT_ROWS ? (guint) rows
                                                                 : PARALLEL_COUNT_ROWS;
  }
  return TRUE;
}

static gboolean
prepare_events (ImportRun  *run,
                GError    **error)
{
  QualifyStore *store = run->self->store;

  run->chunk = g_string_chunk_new (HASH_CHUNK);
  run->lead_ids = g_hash_table_new (key_hash, g_str_equal);
  run->type_ids = g_hash_table_new (key_hash, g_str_equal);
  run->detail_ids = g_hash_table_new (key_hash, g_str_equal);
  run->next_fake_id = -1;

  if (!load_ids (run, "SELECT email, id FROM leads", run->lead_ids, error) ||
      !load_ids (run, "SELECT name, id FROM event_types", run->type_ids, error) ||
      !load_ids (run, "SELECT value, id FROM event_details", run->detail_ids, error))
    return FALSE;

  if (!run->write)
    return TRUE;

  {
    g_autoptr(GString) sql = g_string_new ("INSERT INTO events (lead_id, type_id, detail_id, "
                                           "occurred_at, source, import_id) VALUES ");

    for (guint j = 0; j < EVENTS_PER_STATEMENT; j++)
      g_string_append_printf (sql, "%s(?, ?, ?, ?, ?, %" G_GINT64_FORMAT ")",
                              j > 0 ? ", " : "", run->import_id);
    if (!(run->insert_events = _qualify_store_prepare (store, sql->str, error)))
      return FALSE;
  }

  if (!(run->insert_event = _qualify_store_prepare (store,
                                                    "INSERT INTO events (lead_id, type_id, detail_id, "
                                                    "occurred_at, source, import_id) "
                                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                                    error)) ||
      !(run->insert_lead = _qualify_store_prepare (store,
                                                   "INSERT INTO leads (email, updated_at) VALUES (?1, ?2)",
                                                   error)) ||
      !(run->insert_type = _qualify_store_prepare (store, "INSERT INTO event_types (name) VALUES (?1)",
                                                   error)) ||
      !(run->insert_detail = _qualify_store_prepare (store,
                                                     "INSERT INTO event_details (value) VALUES (?1)",
                                                     error)))
    return FALSE;

  sqlite3_bind_int64 (run->insert_event, 6, run->import_id);
  run->pending = g_array_sized_new (FALSE, FALSE, sizeof (PendingEvent), 64 * 1024);
  /* Tests shrink the chunk so that a small file spans several
   * (QUALIFY_IMPORT_EVENT_CHUNK=5). */
  {
    const char *env = g_getenv ("QUALIFY_IMPORT_EVENT_CHUNK");
    guint64 chunk = env ? g_ascii_strtoull (env, NULL, 10) : 0;

    run->event_chunk = chunk > 0 && chunk < EVENT_CHUNK ? (guint) chunk : EVENT_CHUNK;
  }
  run->source_ids = g_hash_table_new (key_hash, g_str_equal);
  run->sources = g_ptr_array_new ();
  sqlite3_bind_int64 (run->insert_lead, 2, run->now);

  return prepare_existing_check (run, error);
}

/* Looks @key up in @table, inserting it with @insert (or a fake id when only
 * validating) when it is new. Returns 0 on error. */
static gint64
intern (ImportRun     *run,
        GHashTable    *table,
        sqlite3_stmt  *insert,
        const char    *key,
        gsize          len,
        gboolean      *created,
        GError       **error)
{
  gpointer value;
  gint64 id;
  int rc;

  if (g_hash_table_lookup_extended (table, key, NULL, &value))
    return (gint64) GPOINTER_TO_SIZE (value);

  if (insert == NULL)
    id = run->next_fake_id--;
  else
    {
      sqlite3_bind_text (insert, 1, key, len, SQLITE_STATIC);
      rc = sqlite3_step (insert);
      sqlite3_reset (insert);
      if (rc != SQLITE_DONE)
        {
          _qualify_store_set_error (run->self->store, rc, _("Could not save an event"), error);
          return 0;
        }
      id = sqlite3_last_insert_rowid (run->db);
    }

  g_hash_table_insert (table, g_string_chunk_insert_len (run->chunk, key, len),
                       GSIZE_TO_POINTER ((gsize) id));
  if (created != NULL)
    *created = TRUE;
  return id;
}

/* Trimmed, lower-case, runs of white space → '_': "Page View" → "page_view". */
static void
normalize_type (GString    *out,
                const char *s,
                gsize       len)
{
  g_autofree char *lower = NULL;
  gboolean ascii = TRUE;

  for (gsize i = 0; i < len; i++)
    if ((guchar) s[i] >= 0x80)
      {
        ascii = FALSE;
        break;
      }
  if (!ascii)
    {
      lower = g_utf8_strdown (s, len);
      s = lower;
      len = strlen (lower);
    }

  g_string_truncate (out, 0);
  for (gsize i = 0; i < len; i++)
    {
      char c = s[i];

      if (is_blank_byte (c))
        {
          if (out->len == 0 || out->str[out->len - 1] != '_')
            g_string_append_c (out, '_');
        }
      else
        g_string_append_c (out, g_ascii_tolower (c));
    }
}

static int
event_key_compare (gconstpointer a,
                   gconstpointer b)
{
  const EventKey *x = a;
  const EventKey *y = b;

  if (x->lead_id != y->lead_id)
    return x->lead_id < y->lead_id ? -1 : 1;
  if (x->occurred_at != y->occurred_at)
    return x->occurred_at < y->occurred_at ? -1 : 1;
  if (x->type_id != y->type_id)
    return x->type_id < y->type_id ? -1 : 1;
  if (x->detail_id != y->detail_id)
    return x->detail_id < y->detail_id ? -1 : 1;
  return 0;
}

/* By key; g_array_sort() is stable, so rows with the same key stay in file
 * order (the first ones are those skipped as already there). */
static int
pending_event_compare (gconstpointer a,
                       gconstpointer b)
{
  return event_key_compare (&((const PendingEvent *) a)->key, &((const PendingEvent *) b)->key);
}

/* Whether an event with @key may be in the workspace from before this run. */
static inline gboolean
may_exist (const ImportRun *run,
           const EventKey  *key)
{
  return key->lead_id <= run->max_lead_before && key->type_id <= run->max_type_before &&
         key->detail_id <= run->max_detail_before;
}

/* The events of @lead_id not inserted by this run, sorted, into @stored;
 * @stmt is a lead_events statement. Returns SQLITE_DONE or an error code. */
static int
load_stored_events (sqlite3_stmt *stmt,
                    GArray       *stored,
                    gint64        lead_id)
{
  int rc;

  g_array_set_size (stored, 0);
  sqlite3_bind_int64 (stmt, 1, lead_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EventKey key = {
        lead_id,
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int64 (stmt, 1),
        sqlite3_column_int64 (stmt, 2),
      };

      g_array_append_val (stored, key);
    }
  sqlite3_reset (stmt);
  g_array_sort (stored, event_key_compare);
  return rc;
}

/* Rows [@i, @end) are one lead's, @stored its earlier events sorted: walk
 * both in key order, counting into there[a] for the first row a of each key
 * how many times the workspace held it before this run. */
static void
count_lead (const PendingEvent *rows,
            guint               i,
            guint               end,
            GArray             *stored_keys,
            guint32            *there)
{
  const EventKey *stored = (const EventKey *) stored_keys->data;
  guint n_stored = stored_keys->len;
  guint s = 0;

  for (guint a = i, b; a < end && s < n_stored; a = b)
    {
      for (b = a + 1; b < end && event_key_compare (&rows[b].key, &rows[a].key) == 0; b++)
        ;
      while (s < n_stored && event_key_compare (&stored[s], &rows[a].key) < 0)
        s++;
      for (; s < n_stored && event_key_compare (&stored[s], &rows[a].key) == 0; s++)
        there[a]++;
    }
}

/* Counts for rows [@first, @end) of the sorted chunk (whole leads): a query
 * per lead that may have any of them, reading its earlier events once (index
 * events_lead). Returns SQLITE_DONE or an error code. */
static int
count_range (const ImportRun *run,
             sqlite3_stmt    *stmt,
             GArray          *stored,
             guint            first,
             guint            end,
             guint32         *there)
{
  const PendingEvent *rows = (const PendingEvent *) run->pending->data;

  for (guint i = first, lead_end; i < end; i = lead_end)
    {
      gint64 lead_id = rows[i].key.lead_id;
      gboolean check = FALSE;
      int rc;

      for (lead_end = i; lead_end < end && rows[lead_end].key.lead_id == lead_id; lead_end++)
        check = check || may_exist (run, &rows[lead_end].key);
      if (!check)
        continue;

      if ((rc = load_stored_events (stmt, stored, lead_id)) != SQLITE_DONE)
        return rc;
      count_lead (rows, i, lead_end, stored, there);
    }

  return SQLITE_DONE;
}

typedef struct
{
  const ImportRun *run;
  guint            first;
  guint            end;
  guint32         *there;
  gint             stop;
  gboolean         ok;
} CountJob;

static int
count_progress_cb (gpointer data)
{
  CountJob *job = data;

  return g_atomic_int_get (&job->stop) || g_cancellable_is_cancelled (job->run->cancellable);
}

/* Rows [first, end) of a chunk, on a read-only connection of its own. In WAL
 * mode it reads the workspace as it was before this run (nothing of the run
 * is committed, and the run holds the write lock), which is what the main
 * connection's "import_id IS NOT this run" selects. */
static gpointer
count_thread (gpointer data)
{
  CountJob *job = data;
  g_autoptr(GArray) stored = g_array_new (FALSE, FALSE, sizeof (EventKey));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (job->run->reader_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_exec (db, "PRAGMA cache_size = -65536", NULL, NULL, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, LEAD_EVENTS_SQL, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
    {
      sqlite3_progress_handler (db, 1000, count_progress_cb, job);
      sqlite3_bind_int64 (stmt, 2, job->run->import_id);
      job->ok = count_range (job->run, stmt, stored, job->first, job->end,
                             job->there) == SQLITE_DONE;
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return NULL;
}

/* Counts what the workspace held before this run of each key of the sorted
 * chunk, into there[]. Measured with 10M stored events, 1M rows touching 608k
 * leads: 2.3-3.4 s on one connection, most of it SQLite fetching the 6M rows
 * of those leads (one pass over the index beside the chunk took as long, a
 * scan of the table probing a hash of the chunk's keys longer: a cache miss a
 * probe). So a big chunk is split at a lead between the import's connection
 * and a second one on a thread: 1.8-2.0 s. If the second fails, the first
 * counts its half too. */
static gboolean
count_stored (ImportRun  *run,
              guint32    *there,
              GError    **error)
{
  const PendingEvent *rows = (const PendingEvent *) run->pending->data;
  guint n = run->pending->len;
  CountJob job = { run, n, n, there, 0, FALSE };
  GThread *helper = NULL;
  int rc;

  if (run->reader_path != NULL && n >= run->parallel_rows)
    {
      job.first = n / 2;
      while (job.first < n && rows[job.first].key.lead_id == rows[job.first - 1].key.lead_id)
        job.first++;
      if (job.first < n)
        {
          g_debug ("%s: rows %u-%u counted on a second connection", run->self->display_name,
                   job.first, n - 1);
          helper = g_thread_new ("qualify-import-count", count_thread, &job);
        }
    }

  rc = count_range (run, run->lead_events, run->stored, 0, job.first, there);

  if (helper != NULL)
    {
      if (rc != SQLITE_DONE)
        g_atomic_int_set (&job.stop, 1);
      g_thread_join (helper);
      if (!job.ok && rc == SQLITE_DONE && g_cancellable_is_cancelled (run->cancellable))
        rc = SQLITE_INTERRUPT;
      else if (!job.ok && rc == SQLITE_DONE)
        {
          g_debug ("%s: the second connection failed, counting on one", run->self->display_name);
          memset (there + job.first, 0, (n - job.first) * sizeof *there);
          rc = count_range (run, run->lead_events, run->stored, job.first, n, there);
        }
    }

  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (run->self->store, rc, _("Could not read the workspace"),
                                     error);
  return TRUE;
}

/* How many rows with @key earlier chunks of this file skipped: a binary
 * search in each chunk's sorted keys. */
static guint
count_skipped_before (ImportRun      *run,
                      const EventKey *key)
{
  guint count = 0;

  for (guint c = 0; c < run->skipped_before->len; c++)
    {
      GArray *chunk = g_ptr_array_index (run->skipped_before, c);
      const EventKey *keys = (const EventKey *) chunk->data;
      guint lo = 0, hi = chunk->len;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (event_key_compare (&keys[mid], key) < 0)
            lo = mid + 1;
          else
            hi = mid;
        }
      for (; lo < chunk->len && event_key_compare (&keys[lo], key) == 0; lo++)
        count++;
    }
  return count;
}

/* Drops from the sorted pending rows those already in the workspace: of the
 * rows with one key, the first as many as the workspace held before this run,
 * less those that earlier chunks skipped. Unless this is the @last chunk, the
 * keys skipped are remembered for the next ones. */
static gboolean
drop_existing_events (ImportRun  *run,
                      gboolean    last,
                      GError    **error)
{
  PendingEvent *rows = (PendingEvent *) run->pending->data;
  guint n = run->pending->len;
  g_autofree guint32 *there = g_new0 (guint32, n);
  g_autoptr(GArray) skipped = last ? NULL : g_array_new (FALSE, FALSE, sizeof (EventKey));
  guint out = 0;

  if (!count_stored (run, there, error))
    return FALSE;

  for (guint a = 0, b; a < n; a = b)
    {
      const EventKey *key = &rows[a].key;
      guint j = there[a];
      guint skip;

      for (b = a + 1; b < n && event_key_compare (&rows[b].key, key) == 0; b++)
        ;
      if (j > 0 && run->skipped_before->len > 0)
        j -= MIN (j, count_skipped_before (run, key));

      skip = MIN (b - a, j);
      run->already += skip;
      for (guint r = 0; skipped != NULL && r < skip; r++)
        g_array_append_vals (skipped, key, 1);   /* in key order */
      /* out <= a: moving rows down never overwrites one still to be read */
      for (guint r = a + skip; r < b; r++)
        rows[out++] = rows[r];
    }

  g_debug ("%s: %u of %u rows already in the workspace", run->self->display_name, n - out, n);
  g_array_set_size (run->pending, out);
  if (skipped != NULL && skipped->len > 0)
    g_ptr_array_add (run->skipped_before, g_steal_pointer (&skipped));
  return TRUE;
}

static void
bind_pending_event (ImportRun          *run,
                    sqlite3_stmt       *stmt,
                    int                 base,
                    const PendingEvent *pe)
{
  sqlite3_bind_int64 (stmt, base + 1, pe->key.lead_id);
  sqlite3_bind_int64 (stmt, base + 2, pe->key.type_id);
  if (pe->key.detail_id != 0)
    sqlite3_bind_int64 (stmt, base + 3, pe->key.detail_id);
  else
    sqlite3_bind_null (stmt, base + 3);
  sqlite3_bind_int64 (stmt, base + 4, pe->key.occurred_at);
  if (pe->source != 0)
    sqlite3_bind_text (stmt, base + 5, g_ptr_array_index (run->sources, pe->source - 1), -1,
                       SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, base + 5);
}

/* Inserts the buffered events sorted by key, EVENTS_PER_STATEMENT
 * rows per statement: one sqlite3_step() per row costs more than the insert.
 * Rows already in the workspace are dropped first; @last: the file's last chunk. */
static gboolean
flush_events (ImportRun  *run,
              gboolean    last,
              GError    **error)
{
  guint n;
  guint i = 0;
  int rc = SQLITE_DONE;

  if (run->pending == NULL || run->pending->len == 0)
    return TRUE;

  g_array_sort (run->pending, pending_event_compare);
  if (run->check_existing && !drop_existing_events (run, last, error))
    return FALSE;
  n = run->pending->len;

  for (; i + EVENTS_PER_STATEMENT <= n && rc == SQLITE_DONE; i += EVENTS_PER_STATEMENT)
    {
      for (guint j = 0; j < EVENTS_PER_STATEMENT; j++)
        bind_pending_event (run, run->insert_events, j * 5,
                            &g_array_index (run->pending, PendingEvent, i + j));
      rc = sqlite3_step (run->insert_events);
      sqlite3_reset (run->insert_events);
    }

  for (; i < n && rc == SQLITE_DONE; i++)
    {
      bind_pending_event (run, run->insert_event, 0, &g_array_index (run->pending, PendingEvent, i));
      rc = sqlite3_step (run->insert_event);
      sqlite3_reset (run->insert_event);
    }

  g_array_set_size (run->pending, 0);
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (run->self->store, rc, _("Could not save events"), error);

  return TRUE;
}

static const char *
cell_at (ImportRun *run,
         int        col)
{
  return col >= 0 && (guint) col < run->n_fields ? run->fields[col] : "";
}

static RowResult
event_row (ImportRun  *run,
           GError    **error)
{
  const char *email_cell;
  const char *v;
  gsize email_len, type_len, detail_len = 0, source_len = 0, len;
  const char *type_v, *detail_v = NULL, *source_v = NULL;
  const char *time_cell;
  gint64 occurred_at;
  gint64 lead_id = 0, type_id, detail_id = 0;
  gboolean any = FALSE;
  gpointer value;

  if (!check_ragged (run))
    return ROW_PROBLEM;

  for (guint i = 0; i < run->n_fields && i < run->n_cols; i++)
    {
      if (run->plan[i].kind == COL_IGNORE)
        continue;
      trim_cell (run->fields[i], &len);
      if (len > 0)
        {
          any = TRUE;
          break;
        }
    }
  if (!any)
    return ROW_EMPTY;

  /* Check everything before creating anything. */
  email_cell = trim_cell (cell_at (run, run->event_col[EVENT_EMAIL]), &email_len);
  if (email_len == 0)
    {
      run->reason = g_strdup_printf (_("no email address (column “%s” is empty)"),
                                     column_name (run, run->event_col[EVENT_EMAIL]));
      return ROW_PROBLEM;
    }

  /* Fast path: the email as stored (trimmed, ASCII lower-case). */
  g_string_truncate (run->key_buf, 0);
  for (gsize i = 0; i < email_len; i++)
    g_string_append_c (run->key_buf, g_ascii_tolower (email_cell[i]));
  g_clear_pointer (&run->email, g_free);
  if (g_hash_table_lookup_extended (run->lead_ids, run->key_buf->str, NULL, &value))
    lead_id = (gint64) GPOINTER_TO_SIZE (value);
  else if (!(run->email = qualify_normalize_email (email_cell)))
    {
      g_autofree char *shown = g_strndup (email_cell, email_len);
      run->reason = g_strdup_printf (_("“%s” is not an email address"), shown);
      return ROW_PROBLEM;
    }

  type_v = trim_cell (cell_at (run, run->event_col[EVENT_TYPE]), &type_len);
  if (type_len == 0)
    {
      run->reason = g_strdup_printf (_("no event type (column “%s” is empty)"),
                                     column_name (run, run->event_col[EVENT_TYPE]));
      return ROW_PROBLEM;
    }

  time_cell = cell_at (run, run->event_col[EVENT_OCCURRED_AT]);
  if (!qualify_parse_timestamp (time_cell, &occurred_at))
    {
      v = trim_cell (time_cell, &len);
      if (len == 0)
        run->reason = g_strdup_printf (_("no time (column “%s” is empty)"),
                                       column_name (run, run->event_col[EVENT_OCCURRED_AT]));
      else
        {
          g_autofree char *shown = g_strndup (v, len);
          run->reason = g_strdup_printf (_("%s: “%s” is not a date and time (use ISO 8601, e.g. "
                                           "2026-03-01T10:00:00Z)"),
                                         column_name (run, run->event_col[EVENT_OCCURRED_AT]),
                                         shown);
        }
      return ROW_PROBLEM;
    }

  if (run->event_col[EVENT_DETAIL] >= 0)
    detail_v = trim_cell (cell_at (run, run->event_col[EVENT_DETAIL]), &detail_len);
  if (run->event_col[EVENT_SOURCE] >= 0)
    source_v = trim_cell (cell_at (run, run->event_col[EVENT_SOURCE]), &source_len);

  /* The row is good: intern what it refers to. */
  if (lead_id == 0)
    {
      gboolean created = FALSE;

      lead_id = intern (run, run->lead_ids, run->insert_lead, run->email, strlen (run->email),
                        &created, error);
      if (lead_id == 0)
        return ROW_ERROR;
      if (created)
        run->bare_leads++;
    }

  normalize_type (run->type_buf, type_v, type_len);
  type_id = intern (run, run->type_ids, run->insert_type, run->type_buf->str, run->type_buf->len,
                    NULL, error);
  if (type_id == 0)
    return ROW_ERROR;

  if (detail_len > 0)
    {
      g_string_truncate (run->detail_buf, 0);
      g_string_append_len (run->detail_buf, detail_v, detail_len);
      detail_id = intern (run, run->detail_ids, run->insert_detail, run->detail_buf->str,
                          detail_len, NULL, error);
      if (detail_id == 0)
        return ROW_ERROR;
    }

  run->events++;
  if (run->insert_event == NULL)
    return ROW_OK;

  {
    PendingEvent pe = { { lead_id, occurred_at, type_id, detail_id }, 0 };

    if (source_len > 0)
      {
        gpointer idx;

        g_string_truncate (run->detail_buf, 0);
        g_string_append_len (run->detail_buf, source_v, source_len);
        if (!g_hash_table_lookup_extended (run->source_ids, run->detail_buf->str, NULL, &idx))
          {
            char *copy = g_string_chunk_insert_len (run->chunk, source_v, source_len);

            g_ptr_array_add (run->sources, copy);
            idx = GUINT_TO_POINTER (run->sources->len);
            g_hash_table_insert (run->source_ids, copy, idx);
          }
        pe.source = GPOINTER_TO_UINT (idx);
      }
    g_array_append_val (run->pending, pe);
  }

  if (run->pending->len >= run->event_chunk && !flush_events (run, FALSE, error))
    return ROW_ERROR;

  return ROW_OK;
}

static void
import_run_clear (ImportRun *run)
{
  g_clear_object (&run->reader);
  plan_free (run->plan, run->n_cols);
  run->plan = NULL;
  g_clear_pointer (&run->reason, g_free);
  g_clear_pointer (&run->email, g_free);
  g_clear_pointer (&run->values, g_free);
  g_clear_pointer (&run->upsert_many, sqlite3_finalize);
  if (run->key_buf)
    g_string_free (run->key_buf, TRUE);
  if (run->type_buf)
    g_string_free (run->type_buf, TRUE);
  if (run->detail_buf)
    g_string_free (run->detail_buf, TRUE);
  g_clear_pointer (&run->upsert, sqlite3_finalize);
  g_clear_pointer (&run->update_by_id, sqlite3_finalize);
  g_clear_pointer (&run->insert_rows, sqlite3_finalize);
  g_clear_pointer (&run->ids, g_free);
  email_ids_clear (&run->bulk_ids);
  g_clear_pointer (&run->exists, sqlite3_finalize);
  g_clear_pointer (&run->seen, g_hash_table_unref);
  g_clear_pointer (&run->lead_ids, g_hash_table_unref);
  g_clear_pointer (&run->type_ids, g_hash_table_unref);
  g_clear_pointer (&run->detail_ids, g_hash_table_unref);
  g_clear_pointer (&run->chunk, g_string_chunk_free);
  g_clear_pointer (&run->insert_event, sqlite3_finalize);
  g_clear_pointer (&run->insert_events, sqlite3_finalize);
  g_clear_pointer (&run->insert_lead, sqlite3_finalize);
  g_clear_pointer (&run->insert_type, sqlite3_finalize);
  g_clear_pointer (&run->insert_detail, sqlite3_finalize);
  g_clear_pointer (&run->pending, g_array_unref);
  g_clear_pointer (&run->source_ids, g_hash_table_unref);
  g_clear_pointer (&run->sources, g_ptr_array_unref);
  g_clear_pointer (&run->lead_events, sqlite3_finalize);
  g_clear_pointer (&run->stored, g_array_unref);
  g_clear_pointer (&run->skipped_before, g_ptr_array_unref);
  g_clear_pointer (&run->reader_path, g_free);
}

/* SHA-256 of the file, computed on a second thread while the import runs.
 * Nettle picks the CPU's SHA instructions when it has them: GChecksum's
 * portable SHA-256 took a third of the CPU time of a leads import. */
static gpointer
hash_thread (gpointer data)
{
  HashJob *job = data;
  struct sha256_ctx ctx;
  guint8 digest[SHA256_DIGEST_SIZE];
  g_autofree guchar *buf = g_malloc (HASH_CHUNK);
  FILE *f = g_fopen (job->path, "rb");
  size_t n;

  if (f == NULL)
    return NULL;

#ifdef __linux__
  /* Linux nice values are per thread: let the import itself go first. */
  setpriority (PRIO_PROCESS, 0, 10);
#endif

  sha256_init (&ctx);
  while ((n = fread (buf, 1, HASH_CHUNK, f)) > 0)
    {
      if (g_atomic_int_get (&job->cancel))
        {
          fclose (f);
          return NULL;
        }
      sha256_update (&ctx, n, buf);
    }

  if (!ferror (f))
    {
      GString *hex = g_string_sized_new (2 * SHA256_DIGEST_SIZE);

      sha256_digest (&ctx, SHA256_DIGEST_SIZE, digest);
      for (guint i = 0; i < SHA256_DIGEST_SIZE; i++)
        g_string_append_printf (hex, "%02x", digest[i]);
      job->hex = g_string_free (hex, FALSE);
    }
  fclose (f);
  return NULL;
}

static gboolean
open_reader (QualifyImporter  *self,
             ImportRun        *run,
             GError          **error)
{
  const char *const *fields;
  guint n;
  g_autoptr(GError) local_error = NULL;

  run->reader = qualify_csv_reader_new (self->path, self->encoding, self->delimiter, error);
  if (run->reader == NULL)
    return FALSE;

  /* Skip the header. */
  if (!qualify_csv_reader_next (run->reader, &fields, &n, NULL, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_EMPTY,
                     _("“%s” is empty: it has no header row"), self->display_name);
      return FALSE;
    }

  return TRUE;
}

static void
cancelled_cb (GCancellable *cancellable,
              QualifyStore *store)
{
  qualify_store_interrupt (store);
}

static gboolean
set_cancelled (QualifyImporter  *self,
               GError          **error)
{
  g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_CANCELLED,
               _("Import of “%s” cancelled; the workspace was not changed."),
               self->display_name);
  return FALSE;
}

/* Tokenising runs on a producer thread that hands batches of records to the
 * thread doing the import, so reading the file overlaps with SQLite work. */

static Batch *
batch_new (void)
{
  Batch *b = g_new0 (Batch, 1);

  b->cap = 1024 * 1024;
  b->buf = g_malloc (b->cap);
  return b;
}

static void
batch_free (Batch *b)
{
  if (b == NULL)
    return;
  g_free (b->buf);
  g_free (b->offsets);
  g_free (b->ptrs);
  for (guint r = 0; r < b->n_records; r++)
    g_free (b->records[r].reason);
  g_free (b->values);
  if (b->arena != NULL)
    g_string_free (b->arena, TRUE);
  g_clear_error (&b->error);
  g_free (b);
}

static gpointer
producer_thread (gpointer data)
{
  Pipeline *pl = data;
  g_autoptr(GString) scratch = g_string_sized_new (256);
  g_autoptr(GString) custom = g_string_sized_new (256);

  for (;;)
    {
      Batch *b = g_async_queue_pop (pl->free_batches);
      gboolean last = FALSE;

      for (guint r = 0; r < b->n_records; r++)
        g_clear_pointer (&b->records[r].reason, g_free);
      b->len = 0;
      b->n_offsets = 0;
      b->n_records = 0;
      g_clear_error (&b->error);
      if (pl->leads != NULL)
        {
          if (b->values == NULL)
            b->values = g_new (LeadValue, (gsize) BATCH_RECORDS * pl->leads->n_params);
          if (b->arena == NULL)
            b->arena = g_string_sized_new (1024 * 1024);
          g_string_truncate (b->arena, 0);
        }

      if (!g_atomic_int_get (&pl->stop))
        {
          while (b->n_records < BATCH_RECORDS)
            {
              const char *const *fields;
              BatchRecord *rec;
              guint n;
              guint64 line;

              if (!qualify_csv_reader_next (pl->reader, &fields, &n, &line, &b->error))
                {
                  last = TRUE;
                  break;
                }

              rec = &b->records[b->n_records++];
              rec->line = line;
              rec->first = b->n_offsets;
              rec->n_fields = n;
              rec->unterminated = qualify_csv_reader_get_last_unterminated (pl->reader);
              rec->result = ROW_OK;

              /* A lead is converted at once; only the cells of a record that
               * is reported as a problem are kept. */
              if (pl->leads != NULL && !rec->unterminated)
                {
                  rec->result = convert_lead (pl->leads, fields, n,
                                              b->values + (gsize) (b->n_records - 1) * pl->leads->n_params,
                                              b->arena, scratch, custom, &rec->email, &rec->reason);
                  if (rec->result != ROW_PROBLEM)
                    {
                      rec->n_fields = 0;
                      continue;
                    }
                }

              if (b->n_offsets + n > b->offsets_cap)
                {
                  b->offsets_cap = MAX (b->offsets_cap * 2, b->n_offsets + n + 64);
                  b->offsets = g_renew (gsize, b->offsets, b->offsets_cap);
                }
              for (guint i = 0; i < n; i++)
                {
                  gsize len = strlen (fields[i]) + 1;

                  if (G_UNLIKELY (b->len + len > b->cap))
                    {
                      while (b->len + len > b->cap)
                        b->cap *= 2;
                      b->buf = g_realloc (b->buf, b->cap);
                    }
                  memcpy (b->buf + b->len, fields[i], len);
                  b->offsets[b->n_offsets++] = b->len;
                  b->len += len;
                }
            }
        }
      else
        last = TRUE;

      b->position = qualify_csv_reader_get_position (pl->reader);
      b->last = last;
      if (b->n_offsets > b->ptrs_cap)
        {
          b->ptrs_cap = b->n_offsets;
          b->ptrs = g_renew (const char *, b->ptrs, b->ptrs_cap);
        }
      for (gsize i = 0; i < b->n_offsets; i++)
        b->ptrs[i] = b->buf + b->offsets[i];
      if (pl->leads != NULL)
        fix_arena_texts (b, pl->leads->n_params);

      g_async_queue_push (pl->full_batches, b);
      if (last)
        return NULL;
    }
}

static void
pipeline_start (Pipeline         *pl,
                QualifyCsvReader *reader,
                const ImportRun  *leads)
{
  pl->reader = reader;
  pl->leads = leads;
  pl->stop = 0;
  pl->full_batches = g_async_queue_new ();
  pl->free_batches = g_async_queue_new ();
  for (guint i = 0; i < N_BATCHES; i++)
    {
      pl->batches[i] = batch_new ();
      g_async_queue_push (pl->free_batches, pl->batches[i]);
    }
  pl->thread = g_thread_new ("qualify-import-read", producer_thread, pl);
}

/* Stops the producer (if still running) and frees everything. */
static void
pipeline_stop (Pipeline *pl)
{
  if (pl->thread != NULL)
    {
      g_atomic_int_set (&pl->stop, 1);
      /* Drain full batches so the producer always finds a free one. */
      for (;;)
        {
          Batch *b = g_async_queue_try_pop (pl->full_batches);

          if (b == NULL)
            break;
          g_async_queue_push (pl->free_batches, b);
        }
      g_thread_join (g_steal_pointer (&pl->thread));
    }
  for (guint i = 0; i < N_BATCHES; i++)
    g_clear_pointer (&pl->batches[i], batch_free);
  g_clear_pointer (&pl->full_batches, g_async_queue_unref);
  g_clear_pointer (&pl->free_batches, g_async_queue_unref);
}

/* The record loop shared by validate() and run(). */
static gboolean
read_records (QualifyImporter        *self,
              ImportRun              *run,
              GCancellable           *cancellable,
              QualifyImportProgress   progress,
              gpointer                user_data,
              GError                **error)
{
  Pipeline pl = { 0 };
  gint64 last_progress = 0;
  guint64 count = 0;
  guint64 size = qualify_csv_reader_get_size (run->reader);
  gboolean ok = TRUE;
  gboolean done = FALSE;

  pipeline_start (&pl, run->reader, self->kind == QUALIFY_IMPORT_LEADS ? run : NULL);

  while (!done && ok)
    {
      Batch *b = g_async_queue_pop (pl.full_batches);

      for (guint r = 0; r < b->n_records; r++)
        {
          BatchRecord *rec = &b->records[r];
          RowResult result;

          run->fields = rec->n_fields > 0 ? b->ptrs + rec->first : NULL;
          run->n_fields = rec->n_fields;
          run->line = rec->line;

          if (G_UNLIKELY (++count % CHECK_EVERY == 0))
            {
              if (g_cancellable_is_cancelled (cancellable))
                {
                  ok = set_cancelled (self, error);
                  break;
                }

              if (progress != NULL)
                {
                  gint64 now = g_get_monotonic_time ();

                  if (now - last_progress >= PROGRESS_INTERVAL_USEC)
                    {
                      double fraction = size > 0 ? (double) b->position / size : 0;

                      last_progress = now;
                      progress (CLAMP (fraction, 0.0, 1.0), run->stats->rows, user_data);
                      if (g_cancellable_is_cancelled (cancellable))
                        {
                          ok = set_cancelled (self, error);
                          break;
                        }
                    }
                }
            }

          if (G_UNLIKELY (rec->unterminated))
            {
              run->stats->rows++;
              add_problem (run, g_strdup_printf (_("unterminated quoted field starting on line %"
                                                   G_GUINT64_FORMAT "; close the quote"),
                                                 run->line));
              continue;
            }

          result = self->kind == QUALIFY_IMPORT_LEADS ? lead_row (run, b, rec, error) : event_row (run, error);
          switch (result)
            {
            case ROW_OK:
              run->stats->rows++;
              break;
            case ROW_EMPTY:
              break;
            case ROW_PROBLEM:
              run->stats->rows++;
              add_problem (run, g_steal_pointer (&run->reason));
              break;
            case ROW_ERROR:
            default:
              if (g_error_matches (*error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED))
                {
                  g_clear_error (error);
                  ok = set_cancelled (self, error);
                }
              else
                {
                  g_prefix_error (error, _("%s, line %" G_GUINT64_FORMAT ": "), self->display_name,
                                  run->line);
                  ok = FALSE;
                }
              break;
            }
          if (!ok)
            break;
        }

      /* Pending leads point into this batch: write them before handing it back. */
      if (ok && self->kind == QUALIFY_IMPORT_LEADS && run->write && !flush_leads (run, error))
        {
          if (g_error_matches (*error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED))
            {
              g_clear_error (error);
              set_cancelled (self, error);
            }
          ok = FALSE;
        }

      if (ok && b->last)
        {
          done = TRUE;
          if (b->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&b->error));
              ok = FALSE;
            }
        }
      run->fields = NULL;
      run->n_fields = 0;
      g_async_queue_push (pl.free_batches, b);
    }

  pipeline_stop (&pl);
  if (!ok)
    return FALSE;

  if (g_cancellable_is_cancelled (cancellable))
    return set_cancelled (self, error);

  if (progress != NULL)
    progress (1.0, run->stats->rows, user_data);

  return TRUE;
}

static void
import_run_init (QualifyImporter    *self,
                 ImportRun          *run,
                 gboolean            write,
                 QualifyImportStats *stats)
{
  memset (run, 0, sizeof *run);
  memset (stats, 0, sizeof *stats);
  run->self = self;
  run->write = write;
  run->stats = stats;
  run->db = _qualify_store_get_db (self->store);
  run->key_buf = g_string_sized_new (128);
  run->type_buf = g_string_sized_new (64);
  run->detail_buf = g_string_sized_new (256);
  run->now = g_get_real_time () / G_USEC_PER_SEC;
  g_ptr_array_set_size (self->problems, 0);
}

static gboolean
ensure_prepared (QualifyImporter  *self,
                 GError          **error)
{
  return self->prepared || qualify_importer_prepare (self, 0, error);
}

static gint64
query_int64 (QualifyStore *store,
             const char   *sql,
             gint64        fallback)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);

  return fallback;
}

static gboolean
exec_printf (QualifyStore  *store,
             GError       **error,
             const char    *format,
             ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);

  return _qualify_store_exec (store, sql, error);
}

/* A bulk load into an empty workspace writes nearly the whole file. Through the
 * WAL every page is written twice, to the log and again when the commit
 * checkpoints it; with a rollback journal the new pages go straight to the file
 * and only the few pages that existed before the import are journaled. It is
 * still one transaction: a cancel rolls back, and after a crash the hot journal
 * is rolled back by the next open, leaving the workspace as it was.
 *
 * Leaving WAL needs the only connection to the file. If another is open the
 * switch fails at once (no busy wait) and the import stays in WAL. While the
 * import runs, other connections opening the workspace wait for it (up to
 * their busy timeout), as they would for any writer in rollback mode.
 *
 * Returns the synchronous level to restore, or -1 if the mode was not changed. */
static int
bulk_journal_enter (QualifyImporter *self)
{
  QualifyStore *store = self->store;
  sqlite3 *db = _qualify_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 timeout;
  int synchronous;
  gboolean changed = FALSE;

  if (!self->exclusive || !bulk_possible (store))
    return -1;

  synchronous = (int) query_int64 (store, "PRAGMA synchronous", 1);
  timeout = query_int64 (store, "PRAGMA busy_timeout", 0);
  sqlite3_busy_timeout (db, 0);
  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = DELETE", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    changed = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "delete") == 0;
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_busy_timeout (db, (int) timeout);

  if (!changed)
    {
      g_debug ("%s: another connection is open, bulk load through the WAL", self->display_name);
      return -1;
    }

  /* In rollback mode, FULL syncs the journal before the file is overwritten. */
  _qualify_store_exec (store, "PRAGMA synchronous = FULL", NULL);
  g_debug ("%s: bulk load with a rollback journal", self->display_name);
  return synchronous;
}

static void
bulk_journal_leave (QualifyImporter *self,
                    int              synchronous)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  if (synchronous < 0)
    return;

  sql = g_strdup_printf ("PRAGMA synchronous = %d", synchronous);
  _qualify_store_exec (self->store, sql, NULL);
  /* Fails only if another connection is reading; the next open sets WAL again. */
  if (!_qualify_store_exec (self->store, "PRAGMA journal_mode = WAL", &error))
    g_warning ("%s: could not switch the workspace back to WAL: %s", self->display_name,
               error->message);
}

static gboolean
check_not_imported_before (QualifyImporter  *self,
                           ImportRun        *run,
                           const char       *sha256,
                           GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = _qualify_store_prepare (self->store,
                                       "SELECT file, finished_at, created FROM import_runs"
                                       " WHERE kind = 'events' AND sha256 = ? AND finished_at IS NOT NULL"
                                       " AND id <> ? ORDER BY id DESC LIMIT 1",
                                       error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, run->import_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 1));
      g_autofree char *date = when ? g_date_time_format (when, "%x %X") : g_strdup ("?");
      g_autofree char *count = qualify_format_count ((guint64) sqlite3_column_int64 (stmt, 2));

      g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_ALREADY_IMPORTED,
                   _("%s: this file was already imported on %s (as “%s”, %s events). Nothing "
                     "was written."),
                   self->display_name, date, (const char *) sqlite3_column_text (stmt, 0), count);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (self->store, rc, _("Could not read the import history"), error);
  return TRUE;
}

static gboolean
do_run (QualifyImporter        *self,
        ImportRun              *run,
        GCancellable           *cancellable,
        QualifyImportProgress   progress,
        gpointer                user_data,
        GError                **error)
{
  QualifyStore *store = self->store;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *mapping_json = NULL;
  g_autofree char *basename = g_path_get_basename (self->path);
  g_autofree char *setting_key = NULL;
  char delimiter[2] = { self->delimiter, '\0' };
  gint64 leads_before = 0;
  HashJob job = { self->path, 0, NULL };
  GThread *hasher = NULL;
  gint64 started = g_get_monotonic_time ();
  int restore_synchronous = -1;
  int restore_temp = -1;
  int rc;
  gboolean ok;

  if (!build_plan (self, run, error) || !open_reader (self, run, error))
    return FALSE;

  mapping_json = mapping_to_json (self->mappings);
  hasher = g_thread_new ("qualify-import-hash", hash_thread, &job);

  if (self->kind == QUALIFY_IMPORT_LEADS)
    restore_synchronous = bulk_journal_enter (self);
  restore_temp = import_temp_store (self);

  if (!qualify_store_begin (store, error))
    goto failed;

  if (!(stmt = _qualify_store_prepare (store,
                                       "INSERT INTO import_runs (kind, file, encoding, delimiter, "
                                       "mapping, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                                       error)))
    goto failed;
  sqlite3_bind_text (stmt, 1, kind_to_string (self->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, basename, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, self->encoding, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, delimiter, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, mapping_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, run->now);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _qualify_store_set_error (store, rc, _("Could not record the import"), error);
      goto failed;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  run->import_id = sqlite3_last_insert_rowid (run->db);

  if (self->kind == QUALIFY_IMPORT_LEADS)
    {
      leads_before = query_int64 (store, "SELECT count(*) FROM leads", 0);
      if (!prepare_leads (run, error))
        goto failed;
    }
  else
    {
      if (!prepare_events (run, error))
        goto failed;
      g_debug ("%s: maps loaded after %.2f s", self->display_name,
               (g_get_monotonic_time () - started) / 1e6);
    }

  if (!read_records (self, run, cancellable, progress, user_data, error))
    goto failed;
  g_debug ("%s: read %" G_GUINT64_FORMAT " records in %.2f s", self->display_name,
           run->stats->rows, (g_get_monotonic_time () - started) / 1e6);

  if (self->kind == QUALIFY_IMPORT_EVENTS && !flush_events (run, TRUE, error))
    goto failed;
  if (self->kind == QUALIFY_IMPORT_LEADS && !finish_bulk_leads (run, error))
    goto failed;
  g_debug ("%s: indexed after %.2f s", self->display_name,
           (g_get_monotonic_time () - started) / 1e6);

  if (self->kind == QUALIFY_IMPORT_LEADS)
    {
      gint64 leads_after = query_int64 (store, "SELECT count(*) FROM leads", 0);

      run->stats->created = leads_after - leads_before;
      run->stats->updated = run->ok_rows - run->stats->created;
    }
  else
    {
      run->stats->created = run->events - run->already;
      run->stats->updated = run->bare_leads;
      run->stats->bare_leads = run->bare_leads;
      run->stats->already = run->already;
    }
  run->stats->import_id = run->import_id;

  g_thread_join (g_steal_pointer (&hasher));
  g_debug ("%s: file hashed after %.2f s", self->display_name,
           (g_get_monotonic_time () - started) / 1e6);

  /* The very same events export again: refused as such rather than reported
   * row by row as already in the workspace. Leads are upserted, so a repeat
   * is harmless. */
  if (self->kind == QUALIFY_IMPORT_EVENTS && job.hex != NULL &&
      !check_not_imported_before (self, run, job.hex, error))
    goto failed;

  if (!(stmt = _qualify_store_prepare (store,
                                       "UPDATE import_runs SET sha256 = ?, finished_at = ?, rows = ?, "
                                       "created = ?, updated = ?, skipped = ?, already = ?"
                                       " WHERE id = ?",
                                       error)))
    goto failed;
  sqlite3_bind_text (stmt, 1, job.hex, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 3, run->stats->rows);
  sqlite3_bind_int64 (stmt, 4, run->stats->created);
  sqlite3_bind_int64 (stmt, 5, run->stats->updated);
  sqlite3_bind_int64 (stmt, 6, run->stats->skipped);
  sqlite3_bind_int64 (stmt, 7, run->stats->already);
  sqlite3_bind_int64 (stmt, 8, run->import_id);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _qualify_store_set_error (store, rc, _("Could not record the import"), error);
      goto failed;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  setting_key = saved_mapping_key (self);
  if (!_qualify_store_set_setting (store, setting_key, mapping_json, error))
    goto failed;

  if (g_cancellable_is_cancelled (cancellable))
    {
      set_cancelled (self, error);
      goto failed;
    }

  /* Statements must be finished before COMMIT. */
  g_clear_pointer (&run->upsert, sqlite3_finalize);
  g_clear_pointer (&run->upsert_many, sqlite3_finalize);
  g_clear_pointer (&run->insert_rows, sqlite3_finalize);
  g_clear_pointer (&run->update_by_id, sqlite3_finalize);
  g_clear_pointer (&run->insert_event, sqlite3_finalize);
  g_clear_pointer (&run->insert_events, sqlite3_finalize);
  g_clear_pointer (&run->insert_lead, sqlite3_finalize);
  g_clear_pointer (&run->insert_type, sqlite3_finalize);
  g_clear_pointer (&run->insert_detail, sqlite3_finalize);
  g_clear_pointer (&run->lead_events, sqlite3_finalize);

  g_debug ("%s: ready to commit after %.2f s", self->display_name,
           (g_get_monotonic_time () - started) / 1e6);
  ok = qualify_store_commit (store, error);
  g_debug ("%s: committed after %.2f s", self->display_name,
           (g_get_monotonic_time () - started) / 1e6);
  bulk_journal_leave (self, restore_synchronous);
  restore_temp_store (self, restore_temp);
  g_free (job.hex);
  if (!ok && g_error_matches (*error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED))
    {
      g_clear_error (error);
      return set_cancelled (self, error);
    }
  return ok;

failed:
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (hasher != NULL)
    {
      g_atomic_int_set (&job.cancel, 1);
      g_thread_join (hasher);
    }
  g_free (job.hex);
  qualify_store_rollback (store);
  bulk_journal_leave (self, restore_synchronous);
  restore_temp_store (self, restore_temp);
  if (g_error_matches (*error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED))
    {
      g_clear_error (error);
      return set_cancelled (self, error);
    }
  return FALSE;
}

/* Signal callbacks and overrides */

static void
qualify_importer_finalize (GObject *object)
{
  QualifyImporter *self = (QualifyImporter *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->requested_encoding, g_free);
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->user_mappings, g_ptr_array_unref);
  g_clear_pointer (&self->headers, g_strfreev);
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->preview, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (qualify_importer_parent_class)->finalize (object);
}

static void
qualify_importer_class_init (QualifyImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qualify_importer_finalize;
}

static void
qualify_importer_init (QualifyImporter *self)
{
  self->user_mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) user_mapping_free);
  self->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) column_mapping_free);
  self->preview = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
}

/* Public API */

/**
 * qualify_importer_new:
 * @store: the workspace; used only from the thread that runs the import
 * @kind: leads or events
 * @path: the CSV file
 */
QualifyImporter *
qualify_importer_new (QualifyStore      *store,
                      QualifyImportKind  kind,
                      const char        *path)
{
  QualifyImporter *self;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (QUALIFY_TYPE_IMPORTER, NULL);
  self->store = g_object_ref (store);
  self->kind = kind;
  self->path = g_strdup (path);
  self->display_name = g_filename_display_basename (path);
  return self;
}

void
qualify_importer_set_encoding (QualifyImporter *self,
                               const char      *encoding)
{
  g_return_if_fail (QUALIFY_IS_IMPORTER (self));

  g_free (self->requested_encoding);
  self->requested_encoding = g_strdup (encoding);
}

void
qualify_importer_set_delimiter (QualifyImporter *self,
                                char             delimiter)
{
  g_return_if_fail (QUALIFY_IS_IMPORTER (self));

  self->requested_delimiter = delimiter;
}

void
qualify_importer_set_exclusive (QualifyImporter *self,
                                gboolean         exclusive)
{
  g_return_if_fail (QUALIFY_IS_IMPORTER (self));
  self->exclusive = exclusive;
}

/**
 * qualify_importer_add_mapping:
 * @spec: "Header=field"
 *
 * The field is checked at once; the header when the file is read (by
 * prepare(), or at once when the importer is already prepared).
 */
gboolean
qualify_importer_add_mapping (QualifyImporter  *self,
                              const char       *spec,
                              GError          **error)
{
  const char *eq;
  g_autofree char *header = NULL;
  g_autofree char *target = NULL;
  QualifyTargetKind kind;
  UserMapping *um;

  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  eq = strrchr (spec, '=');
  if (eq == NULL)
    {
      g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING,
                   _("--map “%s”: expected HEADER=FIELD, e.g. --map 'Job Role=title'."), spec);
      return FALSE;
    }

  header = g_strndup (spec, eq - spec);
  g_strstrip (header);
  if (*header == '\0')
    {
      g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING,
                   _("--map “%s”: the header before “=” is empty."), spec);
      return FALSE;
    }

  if (!parse_target (self->kind, eq + 1, &kind, &target))
    {
      g_autofree char *allowed = allowed_targets (self->kind);
      g_autofree char *field = trimmed_dup (eq + 1);

      g_set_error (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING,
                   _("--map “%s”: unknown field “%s” for %s. Use one of: %s."),
                   spec, field, kind_to_string (self->kind), allowed);
      return FALSE;
    }

  um = g_new0 (UserMapping, 1);
  um->spec = g_strdup (spec);
  um->key = header_key (header);
  um->header = g_steal_pointer (&header);
  um->kind = kind;
  um->target = g_steal_pointer (&target);

  /* A later spec for the same header replaces an earlier one. */
  for (guint i = 0; i < self->user_mappings->len; i++)
    {
      UserMapping *old = g_ptr_array_index (self->user_mappings, i);

      if (g_str_equal (old->key, um->key))
        {
          g_ptr_array_remove_index (self->user_mappings, i);
          break;
        }
    }
  g_ptr_array_add (self->user_mappings, um);

  if (self->prepared)
    return resolve_mappings (self, error);

  return TRUE;
}

/**
 * qualify_importer_prepare:
 *
 * On %QUALIFY_IMPORT_ERROR_NO_EMAIL_COLUMN / %QUALIFY_IMPORT_ERROR_MISSING_COLUMN
 * the headers, mappings and preview are still filled in, so a UI can let the
 * user map the column and then call run().
 */
gboolean
qualify_importer_prepare (QualifyImporter  *self,
                          guint             preview_rows,
                          GError          **error)
{
  g_autoptr(QualifyCsvReader) reader = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *const *fields;
  guint n;
  ImportRun check = { 0 };
  gboolean ok;

  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), FALSE);

  self->prepared = FALSE;
  g_clear_pointer (&self->headers, g_strfreev);
  self->n_headers = 0;
  g_ptr_array_set_size (self->mappings, 0);
  g_ptr_array_set_size (self->preview, 0);

  reader = qualify_csv_reader_new (self->path, self->requested_encoding, self->requested_delimiter,
                                   error);
  if (reader == NULL)
    return FALSE;

  g_free (self->encoding);
  self->encoding = g_strdup (qualify_csv_reader_get_encoding (reader));
  self->delimiter = qualify_csv_reader_get_delimiter (reader);

  if (!qualify_csv_reader_next (reader, &fields, &n, NULL, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, QUALIFY_CSV_ERROR, QUALIFY_CSV_ERROR_EMPTY,
                     _("“%s” is empty: it has no header row"), self->display_name);
      return FALSE;
    }

  self->headers = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    self->headers[i] = g_strdup (fields[i]);
  self->n_headers = n;

  while (self->preview->len < preview_rows)
    {
      gboolean empty = TRUE;

      if (!qualify_csv_reader_next (reader, &fields, &n, NULL, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }

      for (guint i = 0; i < n && empty; i++)
        {
          gsize len;
          trim_cell (fields[i], &len);
          empty = len == 0;
        }
      if (empty)
        continue;

      {
        GStrv row = g_new0 (char *, n + 1);
        for (guint i = 0; i < n; i++)
          row[i] = g_strdup (fields[i]);
        g_ptr_array_add (self->preview, row);
      }
    }

  if (!resolve_mappings (self, error))
    return FALSE;

  self->prepared = TRUE;

  /* Check the required columns now, so a file without an email column is
   * refused before anything else happens. */
  check.self = self;
  ok = build_plan (self, &check, error);
  plan_free (check.plan, check.n_cols);
  return ok;
}

const char *
qualify_importer_get_encoding (QualifyImporter *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), NULL);
  return self->encoding;
}

char
qualify_importer_get_delimiter (QualifyImporter *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), 0);
  return self->delimiter;
}

GPtrArray *
qualify_importer_get_mappings (QualifyImporter *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), NULL);
  return self->mappings;
}

GPtrArray *
qualify_importer_get_preview (QualifyImporter *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), NULL);
  return self->preview;
}

gboolean
qualify_importer_validate (QualifyImporter     *self,
                           GCancellable        *cancellable,
                           QualifyImportStats  *stats,
                           GError             **error)
{
  QualifyImportStats local_stats;
  g_autoptr(GError) local_error = NULL;
  ImportRun run;
  gboolean ok;

  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), FALSE);

  if (!ensure_prepared (self, error))
    return FALSE;

  import_run_init (self, &run, FALSE, stats ? stats : &local_stats);

  ok = build_plan (self, &run, &local_error) &&
       open_reader (self, &run, &local_error) &&
       (self->kind == QUALIFY_IMPORT_LEADS ? prepare_leads (&run, &local_error)
                                          : prepare_events (&run, &local_error)) &&
       read_records (self, &run, cancellable, NULL, NULL, &local_error);

  if (ok)
    {
      if (self->kind == QUALIFY_IMPORT_LEADS)
        {
          run.stats->created = run.new_leads;
          run.stats->updated = run.ok_rows - run.new_leads;
        }
      else
        {
          run.stats->created = run.events;
          run.stats->updated = run.bare_leads;
          run.stats->bare_leads = run.bare_leads;
        }
    }

  import_run_clear (&run);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

/**
 * qualify_importer_run:
 *
 * Imports the whole file in one transaction; on error or cancellation nothing
 * is written (%QUALIFY_IMPORT_ERROR_CANCELLED when cancelled). On success an
 * import_runs row records the file and the counts, and the mapping is saved
 * for the next file with the same headers.
 */
gboolean
qualify_importer_run (QualifyImporter        *self,
                      GCancellable           *cancellable,
                      QualifyImportProgress   progress,
                      gpointer                user_data,
                      QualifyImportStats     *stats,
                      GError                **error)
{
  QualifyImportStats local_stats;
  g_autoptr(GError) local_error = NULL;
  ImportRun run;
  sqlite3 *db;
  gint64 old_cache;
  gboolean fk_off = FALSE;
  gulong handler = 0;
  gboolean ok;

  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (!_qualify_store_in_transaction (self->store), FALSE);

  if (!ensure_prepared (self, error))
    return FALSE;
  if (g_cancellable_is_cancelled (cancellable))
    return set_cancelled (self, error);

  db = _qualify_store_get_db (self->store);
  import_run_init (self, &run, TRUE, stats ? stats : &local_stats);
  run.cancellable = cancellable;

  /* A bigger page cache for the duration of the import; foreign keys are
   * checked by construction (every id comes from the tables or was just
   * inserted), so the per-row checks are skipped for events. */
  old_cache = query_int64 (self->store, "PRAGMA cache_size", -65536);
  exec_printf (self->store, NULL, "PRAGMA cache_size = -%d", IMPORT_CACHE_KIB);
  if (self->kind == QUALIFY_IMPORT_EVENTS &&
      query_int64 (self->store, "PRAGMA foreign_keys", 0) == 1)
    fk_off = _qualify_store_exec (self->store, "PRAGMA foreign_keys = OFF", NULL);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self->store, NULL);

  ok = do_run (self, &run, cancellable, progress, user_data, &local_error);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  import_run_clear (&run);
  if (fk_off)
    _qualify_store_exec (self->store, "PRAGMA foreign_keys = ON", NULL);
  exec_printf (self->store, NULL, "PRAGMA cache_size = %" G_GINT64_FORMAT, old_cache);
  if (sqlite3_get_autocommit (db))
    sqlite3_db_release_memory (db);

  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  QualifyImportProgress progress;
  gpointer              user_data;
  QualifyImportStats    stats;
} RunData;

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  QualifyImporter *self = source_object;
  RunData *data = task_data;
  GError *error = NULL;

  if (qualify_importer_run (self, cancellable, data->progress, data->user_data, &data->stats, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * qualify_importer_run_async:
 *
 * Runs the import in a worker thread; @progress is called from that thread.
 * The store must not be used by anything else until the import finishes.
 */
void
qualify_importer_run_async (QualifyImporter       *self,
                            GCancellable          *cancellable,
                            QualifyImportProgress  progress,
                            gpointer               user_data,
                            GAsyncReadyCallback    callback,
                            gpointer               callback_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (QUALIFY_IS_IMPORTER (self));

  data = g_new0 (RunData, 1);
  data->progress = progress;
  data->user_data = user_data;

  task = g_task_new (self, cancellable, callback, callback_data);
  g_task_set_source_tag (task, qualify_importer_run_async);
  g_task_set_task_data (task, data, g_free);
  /* Our own result says whether anything was written, even when the
   * cancellable fires after the commit. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

gboolean
qualify_importer_run_finish (QualifyImporter     *self,
                             GAsyncResult        *result,
                             QualifyImportStats  *stats,
                             GError             **error)
{
  RunData *data;

  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = data->stats;

  return g_task_propagate_boolean (G_TASK (result), error);
}

GPtrArray *
qualify_importer_get_problems (QualifyImporter *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), NULL);
  return self->problems;
}

static void
append_csv_cell (GString    *out,
                 const char *cell)
{
  gboolean guard;
  gboolean quote;

  if (cell == NULL)
    cell = "";

  /* OWASP CSV injection: neutralise cells a spreadsheet would run as a formula. */
  guard = cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
          cell[0] == '\t' || cell[0] == '\r' || cell[0] == '\n';
  quote = strpbrk (cell, ",\"\r\n") != NULL;

  if (!quote && !guard)
    {
      g_string_append (out, cell);
      return;
    }

  if (quote)
    g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (const char *p = cell; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

/**
 * qualify_importer_write_problems:
 *
 * Writes the problems of the last validate() or run() as RFC 4180 CSV (UTF-8,
 * CRLF): "line", "reason", then the file's own headers, one row per skipped
 * record with its cells as read. Cells a spreadsheet would take for a formula
 * get a leading "'".
 */
gboolean
qualify_importer_write_problems (QualifyImporter  *self,
                                 const char       *path,
                                 GError          **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QUALIFY_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_string_append (out, "line,reason");
  for (guint i = 0; i < self->n_headers; i++)
    {
      g_string_append_c (out, ',');
      append_csv_cell (out, self->headers[i]);
    }
  g_string_append (out, "\r\n");

  for (guint i = 0; i < self->problems->len; i++)
    {
      const QualifyImportProblem *p = g_ptr_array_index (self->problems, i);

      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",", p->line);
      append_csv_cell (out, p->reason);
      for (guint f = 0; p->fields != NULL && p->fields[f] != NULL; f++)
        {
          g_string_append_c (out, ',');
          append_csv_cell (out, p->fields[f]);
        }
      g_string_append (out, "\r\n");
    }

  if (!g_file_set_contents (path, out->str, out->len, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write the problem rows to “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

const char *
qualify_importer_guess_target (QualifyImportKind  kind,
                               const char        *header)
{
  g_autofree char *key = NULL;
  const Alias *aliases;
  gsize n;

  g_return_val_if_fail (header != NULL, NULL);

  key = header_key (header);
  if (*key == '\0')
    return NULL;

  if (kind == QUALIFY_IMPORT_EVENTS)
    {
      aliases = event_aliases;
      n = G_N_ELEMENTS (event_aliases);
    }
  else
    {
      aliases = lead_aliases;
      n = G_N_ELEMENTS (lead_aliases);
    }

  for (gsize i = 0; i < n; i++)
    if (g_str_equal (aliases[i].key, key))
      return aliases[i].target;

  return NULL;
}
