/* qualify-store.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "qualify-store-private.h"
#include "qualify-results-private.h"

struct _QualifyStore
{
  GObject  parent_instance;

  char    *path;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (QualifyStore, qualify_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (qualify-store-error, qualify_store_error)

/* Forward migrations: migrations[i] takes user_version i to i + 1. Never edit
 * a released step; append a new one and bump QUALIFY_STORE_SCHEMA_VERSION. */
static const char * const migrations[QUALIFY_STORE_SCHEMA_VERSION] = {
  /* 0 → 1 */
  "CREATE TABLE leads ("
  "  id INTEGER PRIMARY KEY,"
  "  email TEXT NOT NULL UNIQUE,"
  "  first_name TEXT, last_name TEXT, title TEXT, company TEXT, domain TEXT,"
  "  industry TEXT, employees REAL, annual_revenue REAL, country TEXT, region TEXT,"
  "  city TEXT, phone TEXT, lead_source TEXT, technologies TEXT, owner TEXT,"
  "  created_at INTEGER,"
  "  custom TEXT,"
  "  updated_at INTEGER NOT NULL DEFAULT (unixepoch())"
  ");"
  "CREATE TABLE event_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
  "CREATE TABLE event_details (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);"
  "CREATE TABLE import_runs ("
  "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, file TEXT, sha256 TEXT, encoding TEXT,"
  "  delimiter TEXT, mapping TEXT, started_at INTEGER NOT NULL, finished_at INTEGER,"
  "  rows INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL DEFAULT 0,"
  "  updated INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,"
  "  type_id INTEGER NOT NULL REFERENCES event_types(id),"
  "  detail_id INTEGER REFERENCES event_details(id),"
  "  occurred_at INTEGER NOT NULL,"
  "  source TEXT,"
  "  import_id INTEGER REFERENCES import_runs(id)"
  ");"
  "CREATE INDEX events_lead ON events(lead_id);"
  "CREATE VIEW events_view AS"
  "  SELECT e.id, l.email, t.name AS type, d.value AS detail,"
  "         datetime(e.occurred_at, 'unixepoch') AS occurred_at, e.source"
  "  FROM events e JOIN leads l ON l.id = e.lead_id JOIN event_types t ON t.id = e.type_id"
  "  LEFT JOIN event_details d ON d.id = e.detail_id;"
  "CREATE TABLE models ("
  "  version INTEGER PRIMARY KEY, name TEXT NOT NULL, json TEXT NOT NULL, note TEXT,"
  "  created_at INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 0, mql_count INTEGER"
  ");"
  "CREATE UNIQUE INDEX models_one_active ON models(active) WHERE active = 1;"
  "CREATE TABLE results ("
  "  lead_id INTEGER PRIMARY KEY,"
  "  fit REAL NOT NULL, engagement REAL NOT NULL, score REAL NOT NULL,"
  "  grade TEXT NOT NULL, status TEXT NOT NULL,"
  "  mql_at INTEGER, sql_at INTEGER, scored_at INTEGER NOT NULL, model_version INTEGER"
  ");"
  "CREATE TABLE status_history ("
  "  id INTEGER PRIMARY KEY,"
  "  lead_id INTEGER NOT NULL,"
  "  from_status TEXT, to_status TEXT NOT NULL, at INTEGER NOT NULL,"
  "  model_version INTEGER, reason TEXT"
  ");"
  "CREATE INDEX status_history_lead ON status_history(lead_id);"
  /* results and history are written a million rows at a time by the scorer, from
   * leads it just read under the write lock: a foreign-key probe per row would
   * double the cost, so integrity on delete is kept by this trigger instead. */
  "CREATE TRIGGER leads_delete AFTER DELETE ON leads BEGIN"
  "  DELETE FROM results WHERE lead_id = old.id;"
  "  DELETE FROM status_history WHERE lead_id = old.id;"
  "END;"
  "CREATE TABLE score_runs ("
  "  id INTEGER PRIMARY KEY, as_of INTEGER NOT NULL, started_at INTEGER NOT NULL,"
  "  finished_at INTEGER, model_version INTEGER, leads INTEGER, changed INTEGER,"
  "  lead INTEGER, mql INTEGER, sql INTEGER, disqualified INTEGER"
  ");"
  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);",

  /* 1 → 2: the email key becomes a named unique index instead of a column
   * constraint, so an import into an empty workspace can drop it and build it
   * in one sort at the end. SQLite cannot drop a constraint: the table is
   * rebuilt (foreign keys are off during migrations; ids are kept). */
  "CREATE TABLE leads_v2 ("
  "  id INTEGER PRIMARY KEY,"
  "  email TEXT NOT NULL,"
  "  first_name TEXT, last_name TEXT, title TEXT, company TEXT, domain TEXT,"
  "  industry TEXT, employees REAL, annual_revenue REAL, country TEXT, region TEXT,"
  "  city TEXT, phone TEXT, lead_source TEXT, technologies TEXT, owner TEXT,"
  "  created_at INTEGER,"
  "  custom TEXT,"
  "  updated_at INTEGER NOT NULL DEFAULT (unixepoch())"
  ");"
  "INSERT INTO leads_v2 SELECT * FROM leads;"
  "DROP VIEW events_view;"
  "DROP TABLE leads;"
  "ALTER TABLE leads_v2 RENAME TO leads;"
  "CREATE UNIQUE INDEX leads_email ON leads(email);"
  "CREATE TRIGGER leads_delete AFTER DELETE ON leads BEGIN"
  "  DELETE FROM results WHERE lead_id = old.id;"
  "  DELETE FROM status_history WHERE lead_id = old.id;"
  "END;"
  "CREATE VIEW events_view AS"
  "  SELECT e.id, l.email, t.name AS type, d.value AS detail,"
  "         datetime(e.occurred_at, 'unixepoch') AS occurred_at, e.source"
  "  FROM events e JOIN leads l ON l.id = e.lead_id JOIN event_types t ON t.id = e.type_id"
  "  LEFT JOIN event_details d ON d.id = e.detail_id;"
  /* CRM hand-off: endpoints and the transactional outbox. Secrets are not
   * here: they live in the user's keyring. */
  "CREATE TABLE endpoints ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  url TEXT NOT NULL,"
  "  format TEXT NOT NULL,"
  "  transitions TEXT NOT NULL DEFAULT 'mql,sql',"
  "  enabled INTEGER NOT NULL DEFAULT 1,"
  "  auto_push INTEGER NOT NULL DEFAULT 1,"
  "  mapping TEXT,"
  "  options TEXT,"
  "  state TEXT NOT NULL DEFAULT 'active',"
  "  state_reason TEXT,"
  "  failures INTEGER NOT NULL DEFAULT 0,"
  "  retry_at INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL DEFAULT (unixepoch())"
  ");"
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  endpoint_id INTEGER NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
  "  lead_id INTEGER NOT NULL,"
  "  history_id INTEGER,"
  "  from_status TEXT, to_status TEXT NOT NULL, occurred_at INTEGER NOT NULL,"
  "  model_version INTEGER,"
  "  state TEXT NOT NULL DEFAULT 'pending',"
  "  body TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_at INTEGER NOT NULL DEFAULT 0,"
  "  last_status INTEGER, last_error TEXT, response TEXT,"
  "  created_at INTEGER NOT NULL DEFAULT (unixepoch()),"
  "  sent_at INTEGER, delivered_at INTEGER"
  ");"
  "CREATE INDEX outbox_due ON outbox(endpoint_id, state, id);"
  "CREATE INDEX outbox_lead ON outbox(lead_id);",

  /* 2 → 3: a cache of the scoring dataset (events per lead, lead field
   * columns) as compact blobs, so a rescore does not scan ten million events.
   * An entry is used only when its stamp matches the workspace (see
   * qualify-dataset-cache.c): new rows raise max(id) of their table or add an
   * import run; updates and deletes bump dataset_generation through these
   * triggers, so every writer is covered. */
  "CREATE TABLE dataset_cache ("
  "  name TEXT PRIMARY KEY,"
  "  stamp TEXT NOT NULL,"
  "  data BLOB NOT NULL"
  ");"
  "CREATE TABLE dataset_generation (n INTEGER NOT NULL);"
  "INSERT INTO dataset_generation (n) VALUES (0);"
  "CREATE TRIGGER dataset_leads_update AFTER UPDATE ON leads BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dataset_leads_delete AFTER DELETE ON leads BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dataset_events_update AFTER UPDATE ON events BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dataset_events_delete AFTER DELETE ON events BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dataset_event_types_update AFTER UPDATE ON event_types BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dataset_event_types_delete AFTER DELETE ON event_types BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dataset_event_details_update AFTER UPDATE ON event_details BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;"
  "CREATE TRIGGER dataset_event_details_delete AFTER DELETE ON event_details BEGIN"
  "  UPDATE dataset_generation SET n = n + 1;"
  "END;",

  /* 3 → 4: per-lead results in blocks of consecutive leads, so a rescore that
   * changes every engagement writes a few thousand rows, not a million;
   * "results" becomes a virtual table over them with the same columns (see
   * qualify-results.c; migration_steps moves the rows). */
  "CREATE TABLE result_blocks ("
  "  first_lead_id INTEGER PRIMARY KEY,"
  "  last_lead_id INTEGER NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  data BLOB NOT NULL"
  ");",

  /* 4 → 5: an events import skips the events the workspace already has (an
   * export overlapping an earlier one); the run records how many. */
  "ALTER TABLE import_runs ADD COLUMN already INTEGER NOT NULL DEFAULT 0;",
};

/* Steps in C, run after the SQL of the same step. */
static gboolean (* const migration_steps[QUALIFY_STORE_SCHEMA_VERSION]) (QualifyStore *, GError **) = {
  [3] = _qualify_results_migrate,
};

static const char * const lead_columns =
  "l.id, l.email, l.first_name, l.last_name, l.title, l.company, l.domain, l.industry,"
  " l.employees, l.annual_revenue, l.country, l.region, l.city, l.phone, l.lead_source,"
  " l.technologies, l.owner, l.created_at, l.custom,"
  " r.fit, r.engagement, r.score, r.grade, r.status, r.mql_at, r.sql_at, r.scored_at,"
  " r.model_version,"
  " (SELECT max(occurred_at) FROM events e WHERE e.lead_id = l.id)";

gboolean
_qualify_store_set_error (QualifyStore  *self,
                          int            rc,
                          const char    *what,
                          GError       **error)
{
  int code = QUALIFY_STORE_ERROR_FAILED;
  const char *msg = self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      code = QUALIFY_STORE_ERROR_DISK_FULL;
      g_set_error (error, QUALIFY_STORE_ERROR, code,
                   _("%s: the disk is full; nothing was written. Free some space and try again."),
                   what);
      return FALSE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = QUALIFY_STORE_ERROR_BUSY;
      g_set_error (error, QUALIFY_STORE_ERROR, code,
                   _("%s: the workspace is being written by another program; try again when it is done."),
                   what);
      return FALSE;
    case SQLITE_INTERRUPT:
      g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED,
                   _("%s: cancelled; nothing was written."), what);
      return FALSE;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      code = QUALIFY_STORE_ERROR_NOT_A_WORKSPACE;
      break;
    default:
      break;
    }

  g_set_error (error, QUALIFY_STORE_ERROR, code, "%s: %s", what, msg);
  return FALSE;
}

sqlite3 *
_qualify_store_get_db (QualifyStore *self)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);
  return self->db;
}

sqlite3_stmt *
_qualify_store_prepare (QualifyStore  *self,
                        const char    *sql,
                        GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _qualify_store_set_error (self, rc, _("Could not prepare a query"), error);
      return NULL;
    }

  return stmt;
}

gboolean
_qualify_store_exec (QualifyStore  *self,
                     const char    *sql,
                     GError       **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _qualify_store_set_error (self, rc, _("Could not update the workspace"), error);

  return TRUE;
}

gboolean
_qualify_store_in_transaction (QualifyStore *self)
{
  return !sqlite3_get_autocommit (self->db);
}

char *
_qualify_store_dup_setting (QualifyStore *self,
                            const char   *key)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (self, "SELECT value FROM settings WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  return NULL;
}

gboolean
_qualify_store_set_setting (QualifyStore  *self,
                            const char    *key,
                            const char    *value,
                            GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (self, "INSERT INTO settings (key, value) VALUES (?, ?) "
                                                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return _qualify_store_set_error (self, rc, _("Could not save a setting"), error);

  return TRUE;
}

/* A cheap checksum over 8-byte words (and the tail). */
guint64
_qualify_store_checksum (const guint8 *data,
                         gsize         len)
{
  guint64 h = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ len;
  guint64 a = 0, b = 0;
  gsize i = 0;

  /* two independent lanes so the multiplies overlap */
  for (; i + 16 <= len; i += 16)
    {
      guint64 w1, w2;

      memcpy (&w1, data + i, 8);
      memcpy (&w2, data + i + 8, 8);
      a = (a ^ w1) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
      b = (b ^ w2) * G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
      a ^= a >> 29;
      b ^= b >> 31;
    }
  for (; i < len; i++)
    h = (h ^ data[i]) * G_GUINT64_CONSTANT (0x100000001b3);

  h ^= a * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + (b ^ (b >> 33));
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h;
}

static gboolean
migrate (QualifyStore  *self,
         GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int version;
  int rc;

  /* Some steps rebuild a table (SQLite's recipe for schema changes ALTER
   * TABLE cannot make): that needs foreign keys off, or dropping the old table
   * would cascade. They are checked before the commit instead. The pragma is a
   * no-op inside a transaction, so it is set first. */
  if (!_qualify_store_exec (self, "PRAGMA foreign_keys = OFF", error))
    return FALSE;

  /* Take the write lock first so two processes never migrate at once. */
  if (!_qualify_store_exec (self, "BEGIN IMMEDIATE", error))
    goto failed;

  if (!(stmt = _qualify_store_prepare (self, "PRAGMA user_version", error)))
    goto failed;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      _qualify_store_set_error (self, rc, _("Could not read the workspace version"), error);
      goto failed;
    }
  version = sqlite3_column_int (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (version > QUALIFY_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_TOO_NEW,
                   _("“%s” was saved by a newer version of Qualify (workspace format %d, this "
                     "version reads up to %d). Update Qualify to open it; the file was not changed."),
                   self->path, version, QUALIFY_STORE_SCHEMA_VERSION);
      goto failed;
    }

  if (version == 0)
    {
      /* A non-empty database that is not ours must not be touched. */
      if (!(stmt = _qualify_store_prepare (self, "SELECT count(*) FROM sqlite_schema", error)))
        goto failed;
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0)
        {
          g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_A_WORKSPACE,
                       _("“%s” is a database, but not a Qualify workspace; it was not changed."),
                       self->path);
          goto failed;
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  for (int v = version; v < QUALIFY_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      g_debug ("Migrating %s from schema %d to %d", self->path, v, v + 1);
      if (!_qualify_store_exec (self, migrations[v], error) ||
          (migration_steps[v] != NULL && !migration_steps[v] (self, error)) ||
          !_qualify_store_exec (self, set_version, error))
        goto failed;
    }

  if (version < QUALIFY_STORE_SCHEMA_VERSION)
    {
      if (!(stmt = _qualify_store_prepare (self, "PRAGMA foreign_key_check", error)))
        goto failed;
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_FAILED,
                       _("“%s” could not be upgraded: table “%s” refers to missing rows; "
                         "the file was not changed."),
                       self->path, (const char *) sqlite3_column_text (stmt, 0));
          goto failed;
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  if (!_qualify_store_exec (self, "COMMIT", error))
    goto failed;
  return _qualify_store_exec (self, "PRAGMA foreign_keys = ON", error);

failed:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec (self->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  return FALSE;
}

static void
qualify_store_finalize (GObject *object)
{
  QualifyStore *self = (QualifyStore *)object;

  if (self->db != NULL)
    {
      /* Fold the WAL back so the workspace is one self-contained file again. */
      sqlite3_exec (self->db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (qualify_store_parent_class)->finalize (object);
}

static void
qualify_store_class_init (QualifyStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qualify_store_finalize;
}

static void
qualify_store_init (QualifyStore *self)
{
}

static gsize sqlite_configured;

char *
qualify_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "qualify", "workspace.qualify", NULL);
}

/**
 * qualify_store_open:
 * @path: the workspace file; created (with its folder) when missing
 *
 * Opens a workspace and brings its schema up to date. A workspace written by
 * a newer Qualify is refused with %QUALIFY_STORE_ERROR_TOO_NEW and left as is.
 */
QualifyStore *
qualify_store_open (const char  *path,
                    GError     **error)
{
  g_autoptr(QualifyStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (errsv));
      return NULL;
    }

  if (g_once_init_enter (&sqlite_configured))
    {
      /* Memory statistics take a global lock on every allocation; we never read them.
       * Harmless no-op (SQLITE_MISUSE) if SQLite was already initialised. */
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      _qualify_results_register_module ();
      g_once_init_leave (&sqlite_configured, 1);
    }

  self = g_object_new (QUALIFY_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf (_("Could not open “%s”"), path);
      _qualify_store_set_error (self, rc, what, error);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  {
    g_autoptr(GError) local_error = NULL;
    g_autofree char *what = g_strdup_printf (_("Could not open “%s”"), path);
    g_autoptr(sqlite3_stmt) stmt = NULL;

    /* Check what the file is before anything (even journal_mode) writes to it. */
    rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      {
        if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
          g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_A_WORKSPACE,
                       _("“%s” is not a Qualify workspace (not a SQLite database); it was not changed."),
                       path);
        else
          _qualify_store_set_error (self, rc, what, error);
        return NULL;
      }
    if (sqlite3_column_int (stmt, 0) > QUALIFY_STORE_SCHEMA_VERSION)
      {
        g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_TOO_NEW,
                     _("“%s” was saved by a newer version of Qualify (workspace format %d, this "
                       "version reads up to %d). Update Qualify to open it; the file was not changed."),
                     path, sqlite3_column_int (stmt, 0), QUALIFY_STORE_SCHEMA_VERSION);
        return NULL;
      }
    /* SQLite's default 4 KiB pages: 16 KiB pages measured no faster here (an
     * earlier "PRAGMA page_size = 16384" at this point never took effect, as
     * the statement above was still open). */
    g_clear_pointer (&stmt, sqlite3_finalize);

    if (!_qualify_store_exec (self, "PRAGMA journal_mode = WAL", &local_error))
      {
        if (g_error_matches (local_error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_A_WORKSPACE))
          g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_A_WORKSPACE,
                       _("“%s” is not a Qualify workspace (not a SQLite database); it was not changed."),
                       path);
        else
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", what);
        return NULL;
      }
  }

  if (!_qualify_store_exec (self,
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA synchronous = NORMAL;"
                            "PRAGMA temp_store = MEMORY;"
                            "PRAGMA cache_size = -65536;",
                            error))
    return NULL;

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
qualify_store_get_path (QualifyStore *self)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);
  return self->path;
}

gboolean
qualify_store_begin (QualifyStore  *self,
                     GError       **error)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (self), FALSE);
  return _qualify_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
qualify_store_commit (QualifyStore  *self,
                      GError       **error)
{
  g_return_val_if_fail (QUALIFY_IS_STORE (self), FALSE);

  if (!_qualify_store_exec (self, "COMMIT", error))
    {
      qualify_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

void
qualify_store_rollback (QualifyStore *self)
{
  g_return_if_fail (QUALIFY_IS_STORE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/**
 * qualify_store_interrupt:
 *
 * Makes the statement running on this connection (possibly in another thread)
 * fail with %QUALIFY_STORE_ERROR_CANCELLED as soon as possible.
 */
void
qualify_store_interrupt (QualifyStore *self)
{
  g_return_if_fail (QUALIFY_IS_STORE (self));
  sqlite3_interrupt (self->db);
}

static gint64
query_int64 (QualifyStore *self,
             const char   *sql,
             gint64        fallback)
{
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (self, sql, NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);

  return fallback;
}

gboolean
qualify_store_get_stats (QualifyStore       *self,
                         QualifyStoreStats  *stats,
                         GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  memset (stats, 0, sizeof *stats);
  stats->leads = query_int64 (self, "SELECT count(*) FROM leads", 0);
  stats->events = query_int64 (self, "SELECT max(id) FROM events", 0) > 0
                  ? query_int64 (self, "SELECT count(*) FROM events", 0) : 0;
  stats->last_as_of = query_int64 (self, "SELECT as_of FROM score_runs ORDER BY id DESC LIMIT 1", 0);
  stats->model_version = query_int64 (self, "SELECT version FROM models WHERE active = 1", 0);

  if (!(stmt = _qualify_store_prepare (self, "SELECT status, count(*) FROM results GROUP BY status", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QualifyStatus status;

      if (qualify_status_from_string ((const char *) sqlite3_column_text (stmt, 0), &status))
        stats->by_status[status] = sqlite3_column_int64 (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    return _qualify_store_set_error (self, rc, _("Could not count leads"), error);

  stats->by_status[QUALIFY_STATUS_NONE] = stats->leads;
  for (guint i = QUALIFY_STATUS_LEAD; i < QUALIFY_N_STATUSES; i++)
    stats->by_status[QUALIFY_STATUS_NONE] -= stats->by_status[i];

  return TRUE;
}

gint64
qualify_store_save_model (QualifyStore  *self,
                          const char    *name,
                          const char    *json,
                          const char    *note,
                          gboolean       activate,
                          GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean own_transaction;
  gint64 version;
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), 0);
  g_return_val_if_fail (json != NULL, 0);

  own_transaction = !_qualify_store_in_transaction (self);
  if (own_transaction && !qualify_store_begin (self, error))
    return 0;

  if (activate && !_qualify_store_exec (self, "UPDATE models SET active = 0 WHERE active = 1", error))
    goto failed;

  if (!(stmt = _qualify_store_prepare (self,
                                       "INSERT INTO models (name, json, note, created_at, active) "
                                       "VALUES (?, ?, ?, unixepoch(), ?)", error)))
    goto failed;
  sqlite3_bind_text (stmt, 1, name ? name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, note, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, activate ? 1 : 0);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _qualify_store_set_error (self, rc, _("Could not save the scoring model"), error);
      goto failed;
    }
  version = sqlite3_last_insert_rowid (self->db);

  if (own_transaction && !qualify_store_commit (self, error))
    return 0;

  return version;

failed:
  if (own_transaction)
    qualify_store_rollback (self);
  return 0;
}

char *
qualify_store_dup_model_json (QualifyStore  *self,
                              gint64         version,
                              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);

  if (!(stmt = _qualify_store_prepare (self, "SELECT json FROM models WHERE version = ?", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, version);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND,
               _("There is no scoring model version %lld in this workspace."), (long long) version);
  return NULL;
}

char *
qualify_store_dup_active_model_json (QualifyStore  *self,
                                     gint64        *version,
                                     GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);

  if (!(stmt = _qualify_store_prepare (self, "SELECT version, json FROM models WHERE active = 1", error)))
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (version != NULL)
        *version = sqlite3_column_int64 (stmt, 0);
      return g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }

  g_set_error_literal (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND,
                       _("This workspace has no active scoring model."));
  return NULL;
}

gboolean
qualify_store_activate_model (QualifyStore  *self,
                              gint64         version,
                              GError       **error)
{
  g_autofree char *json = NULL;
  g_autofree char *sql = NULL;
  gboolean own_transaction;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), FALSE);

  if (!(json = qualify_store_dup_model_json (self, version, error)))
    return FALSE;

  own_transaction = !_qualify_store_in_transaction (self);
  if (own_transaction && !qualify_store_begin (self, error))
    return FALSE;

  sql = g_strdup_printf ("UPDATE models SET active = 0 WHERE active = 1;"
                         "UPDATE models SET active = 1 WHERE version = %" G_GINT64_FORMAT, version);
  if (!_qualify_store_exec (self, sql, error))
    {
      if (own_transaction)
        qualify_store_rollback (self);
      return FALSE;
    }

  return !own_transaction || qualify_store_commit (self, error);
}

GPtrArray *
qualify_store_list_models (QualifyStore  *self,
                           GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_model_version_free);
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);

  if (!(stmt = _qualify_store_prepare (self,
                                       "SELECT version, name, note, created_at, active, "
                                       "coalesce(mql_count, -1) FROM models ORDER BY version DESC",
                                       error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QualifyModelVersion *v = g_new0 (QualifyModelVersion, 1);

      v->version = sqlite3_column_int64 (stmt, 0);
      v->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      v->note = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      v->created_at = sqlite3_column_int64 (stmt, 3);
      v->active = sqlite3_column_int (stmt, 4) != 0;
      v->mql_count = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (ret, v);
    }

  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (self, rc, _("Could not list scoring models"), error);
      return NULL;
    }

  return g_steal_pointer (&ret);
}

gint64
qualify_store_find_lead (QualifyStore *self,
                         const char   *email)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *normal = NULL;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), 0);
  g_return_val_if_fail (email != NULL, 0);

  stripped = g_strstrip (g_strdup (email));
  normal = g_utf8_strdown (stripped, -1);

  if (!(stmt = _qualify_store_prepare (self, "SELECT id FROM leads WHERE email = ?", NULL)))
    return 0;
  sqlite3_bind_text (stmt, 1, normal, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);

  return 0;
}

static char *
format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == (double)(gint64) value)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", value));
}

static QualifyLeadRecord *
lead_record_from_row (sqlite3_stmt *stmt)
{
  QualifyLeadRecord *rec = g_new0 (QualifyLeadRecord, 1);
  const char *custom;
  const char *grade;

  rec->id = sqlite3_column_int64 (stmt, 0);
  rec->custom = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
    {
      int col = 1 + f;

      if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
        continue;

      switch (qualify_field_get_kind (f))
        {
        case QUALIFY_FIELD_KIND_NUMBER:
          rec->values[f] = format_number (sqlite3_column_double (stmt, col));
          break;

        case QUALIFY_FIELD_KIND_TIMESTAMP:
          {
            g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, col));
            rec->values[f] = dt ? g_date_time_format_iso8601 (dt) : NULL;
          }
          break;

        case QUALIFY_FIELD_KIND_TEXT:
        case QUALIFY_FIELD_KIND_LIST:
        default:
          rec->values[f] = g_strdup ((const char *) sqlite3_column_text (stmt, col));
          break;
        }
    }

  custom = (const char *) sqlite3_column_text (stmt, 1 + QUALIFY_N_FIELDS);
  if (custom != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, custom, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *obj = json_node_get_object (json_parser_get_root (parser));
          JsonObjectIter iter;
          const char *name;
          JsonNode *node;

          json_object_iter_init (&iter, obj);
          while (json_object_iter_next (&iter, &name, &node))
            if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
              g_hash_table_insert (rec->custom, g_strdup (name), g_strdup (json_node_get_string (node)));
        }
    }

  {
    int col = 2 + QUALIFY_N_FIELDS;

    rec->scored = sqlite3_column_type (stmt, col) != SQLITE_NULL;
    rec->fit = sqlite3_column_double (stmt, col);
    rec->engagement = sqlite3_column_double (stmt, col + 1);
    rec->score = sqlite3_column_double (stmt, col + 2);
    grade = (const char *) sqlite3_column_text (stmt, col + 3);
    g_strlcpy (rec->grade, grade ? grade : "", sizeof rec->grade);
    if (!qualify_status_from_string ((const char *) sqlite3_column_text (stmt, col + 4), &rec->status))
      rec->status = QUALIFY_STATUS_NONE;
    rec->mql_at = sqlite3_column_int64 (stmt, col + 5);
    rec->sql_at = sqlite3_column_int64 (stmt, col + 6);
    rec->scored_at = sqlite3_column_int64 (stmt, col + 7);
    rec->model_version = sqlite3_column_int64 (stmt, col + 8);
    rec->last_activity = sqlite3_column_int64 (stmt, col + 9);
  }

  return rec;
}

QualifyLeadRecord *
qualify_store_get_lead (QualifyStore  *self,
                        gint64         lead_id,
                        GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);

  sql = g_strdup_printf ("SELECT %s FROM leads l LEFT JOIN results r ON r.lead_id = l.id WHERE l.id = ?",
                         lead_columns);
  if (!(stmt = _qualify_store_prepare (self, sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, lead_id);

  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return lead_record_from_row (stmt);

  if (rc != SQLITE_DONE)
    _qualify_store_set_error (self, rc, _("Could not read the lead"), error);
  else
    g_set_error (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND,
                 _("There is no lead %lld in this workspace."), (long long) lead_id);
  return NULL;
}

GPtrArray *
qualify_store_query_leads (QualifyStore            *self,
                           const QualifyLeadQuery  *query,
                           GError                 **error)
{
  static const char * const order_by[] = {
    [QUALIFY_SORT_SCORE] = "r.score DESC, l.id",
    [QUALIFY_SORT_FIT] = "r.fit DESC, l.id",
    [QUALIFY_SORT_ENGAGEMENT] = "r.engagement DESC, l.id",
    [QUALIFY_SORT_NAME] = "coalesce(l.last_name, l.first_name, l.email) COLLATE NOCASE, "
                          "l.first_name COLLATE NOCASE, l.id",
  };
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_lead_record_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (query->sort <= QUALIFY_SORT_NAME, NULL);

  g_string_append_printf (sql, "SELECT %s FROM leads l LEFT JOIN results r ON r.lead_id = l.id WHERE 1",
                          lead_columns);
  if (query->status != QUALIFY_STATUS_NONE)
    g_string_append (sql, " AND r.status = ?1");
  if (query->grade != NULL)
    g_string_append (sql, " AND r.grade = upper(?2)");
  g_string_append_printf (sql, " ORDER BY %s", order_by[query->sort]);
  if (query->limit > 0)
    g_string_append_printf (sql, " LIMIT %u", query->limit);

  if (!(stmt = _qualify_store_prepare (self, sql->str, error)))
    return NULL;
  if (query->status != QUALIFY_STATUS_NONE)
    sqlite3_bind_text (stmt, 1, qualify_status_to_string (query->status), -1, SQLITE_STATIC);
  if (query->grade != NULL)
    sqlite3_bind_text (stmt, 2, query->grade, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ret, lead_record_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (self, rc, _("Could not list leads"), error);
      return NULL;
    }

  return g_steal_pointer (&ret);
}

GPtrArray *
qualify_store_get_lead_events (QualifyStore  *self,
                               gint64         lead_id,
                               GError       **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_event_record_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);

  if (!(stmt = _qualify_store_prepare (self,
                                       "SELECT e.id, e.occurred_at, t.name, d.value, e.source "
                                       "FROM events e JOIN event_types t ON t.id = e.type_id "
                                       "LEFT JOIN event_details d ON d.id = e.detail_id "
                                       "WHERE e.lead_id = ? ORDER BY e.occurred_at DESC, e.id DESC",
                                       error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, lead_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QualifyEventRecord *ev = g_new0 (QualifyEventRecord, 1);

      ev->id = sqlite3_column_int64 (stmt, 0);
      ev->occurred_at = sqlite3_column_int64 (stmt, 1);
      ev->type = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      ev->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      ev->source = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (ret, ev);
    }

  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (self, rc, _("Could not read the lead’s events"), error);
      return NULL;
    }

  return g_steal_pointer (&ret);
}

GPtrArray *
qualify_store_get_status_history (QualifyStore  *self,
                                  gint64         lead_id,
                                  GError       **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_status_change_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);

  if (!(stmt = _qualify_store_prepare (self,
                                       "SELECT at, from_status, to_status, model_version, reason "
                                       "FROM status_history WHERE lead_id = ? ORDER BY id DESC",
                                       error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, lead_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QualifyStatusChange *ch = g_new0 (QualifyStatusChange, 1);

      ch->at = sqlite3_column_int64 (stmt, 0);
      if (!qualify_status_from_string ((const char *) sqlite3_column_text (stmt, 1), &ch->from))
        ch->from = QUALIFY_STATUS_NONE;
      if (!qualify_status_from_string ((const char *) sqlite3_column_text (stmt, 2), &ch->to))
        ch->to = QUALIFY_STATUS_NONE;
      ch->model_version = sqlite3_column_int64 (stmt, 3);
      ch->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (ret, ch);
    }

  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (self, rc, _("Could not read the status history"), error);
      return NULL;
    }

  return g_steal_pointer (&ret);
}

GStrv
qualify_store_list_custom_fields (QualifyStore  *self,
                                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  g_return_val_if_fail (QUALIFY_IS_STORE (self), NULL);

  if (!(stmt = _qualify_store_prepare (self,
                                       "SELECT DISTINCT j.key FROM leads, json_each(leads.custom) j "
                                       "WHERE leads.custom IS NOT NULL ORDER BY 1",
                                       error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));

  if (rc != SQLITE_DONE)
    {
      _qualify_store_set_error (self, rc, _("Could not list custom fields"), error);
      return NULL;
    }

  return g_strv_builder_end (builder);
}

void
qualify_model_version_free (QualifyModelVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->name);
  g_free (version->note);
  g_free (version);
}

void
qualify_lead_record_free (QualifyLeadRecord *record)
{
  if (record == NULL)
    return;
  for (guint i = 0; i < QUALIFY_N_FIELDS; i++)
    g_free (record->values[i]);
  g_clear_pointer (&record->custom, g_hash_table_unref);
  g_free (record);
}

/**
 * qualify_lead_record_get:
 * @field: a canonical field name or a custom field name
 *
 * Returns: (nullable): the value, %NULL when empty
 */
const char *
qualify_lead_record_get (QualifyLeadRecord *record,
                         const char        *field)
{
  QualifyField f;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  if (qualify_field_from_name (field, &f))
    return record->values[f];

  return g_hash_table_lookup (record->custom, field);
}

char *
qualify_lead_record_dup_display_name (QualifyLeadRecord *record)
{
  const char *first = record->values[QUALIFY_FIELD_FIRST_NAME];
  const char *last = record->values[QUALIFY_FIELD_LAST_NAME];

  if (first != NULL && last != NULL)
    return g_strdup_printf ("%s %s", first, last);
  if (first != NULL || last != NULL)
    return g_strdup (first ? first : last);

  return g_strdup (record->values[QUALIFY_FIELD_EMAIL]);
}

void
qualify_event_record_free (QualifyEventRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->type);
  g_free (record->detail);
  g_free (record->source);
  g_free (record);
}

void
qualify_status_change_free (QualifyStatusChange *change)
{
  if (change == NULL)
    return;
  g_free (change->reason);
  g_free (change);
}
