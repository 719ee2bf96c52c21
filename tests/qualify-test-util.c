/* qualify-test-util.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-test-util"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "qualify-store-private.h"
#include "qualify-test-util.h"

struct _QtServer
{
  SoupServerCallback  callback;
  gpointer            user_data;
  GTlsCertificate    *certificate;
  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  GMutex              lock;
  GCond               cond;
  gboolean            started;
  guint16             port;
};

static gpointer
server_thread (gpointer data)
{
  QtServer *self = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  SoupServerListenOptions options = SOUP_SERVER_LISTEN_IPV4_ONLY;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  if (self->certificate != NULL)
    {
      server = soup_server_new ("tls-certificate", self->certificate, NULL);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  else
    {
      server = soup_server_new (NULL, NULL);
    }
  soup_server_listen_local (server, 0, options, &error);
  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, self->callback, self->user_data, NULL);
  uris = soup_server_get_uris (server);

  g_mutex_lock (&self->lock);
  self->port = g_uri_get_port (uris->data);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Files and folders */

/* A new folder under the temporary folder; @tmpl as for g_dir_make_tmp(). */
char *
qt_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

/* Removes @path and everything below it, read-only parts included; links are
 * removed, never followed. */
void
qt_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!g_file_test (child, G_FILE_TEST_IS_SYMLINK) && g_file_test (child, G_FILE_TEST_IS_DIR))
        qt_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The path of @name in tests/fixtures. */
char *
qt_fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

/* Points libsecret at its file backend (no daemon): a throwaway keyring in a
 * new temporary folder, which is returned for removal. Set before anything
 * touches libsecret; child processes inherit it. */
char *
qt_use_file_keyring (const char *password)
{
  char *dir = qt_make_tmp_dir ("qualify-keyring-XXXXXX");
  g_autofree char *keyring = g_build_filename (dir, "keyring", NULL);

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", password, TRUE);
  return dir;
}

/* Workspaces */

static GPtrArray *dirs_to_remove;

static void
remove_registered_dirs (void)
{
  for (guint i = 0; i < dirs_to_remove->len; i++)
    qt_remove_tree (g_ptr_array_index (dirs_to_remove, i));
  g_ptr_array_unref (dirs_to_remove);
}

/* A new workspace "w.qualify" in a new temporary folder (@tmpl), filled with
 * demo data when @demo is given. The folder and the file's path are returned
 * in @out_dir and @out_path when asked for; a folder not asked for is removed
 * when the test program exits normally (kept after a failure, to look at). */
QualifyStore *
qt_temp_workspace (const char                *tmpl,
                   const QualifyDemoOptions  *demo,
                   char                     **out_dir,
                   char                     **out_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = qt_make_tmp_dir (tmpl);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  g_autoptr(QualifyStore) store = qualify_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  if (demo != NULL)
    {
      g_assert_true (qualify_demo_populate (store, demo, NULL, &error));
      g_assert_no_error (error);
    }
  if (out_dir != NULL)
    *out_dir = g_steal_pointer (&dir);
  else
    {
      if (dirs_to_remove == NULL)
        {
          dirs_to_remove = g_ptr_array_new_with_free_func (g_free);
          atexit (remove_registered_dirs);
        }
      g_ptr_array_add (dirs_to_remove, g_steal_pointer (&dir));
    }
  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return g_steal_pointer (&store);
}

/* Imports the fixture file @name into @store with the regular importer. */
void
qt_import_fixture (QualifyStore       *store,
                   QualifyImportKind   kind,
                   const char         *name,
                   QualifyImportStats *out_stats)
{
  g_autofree char *path = qt_fixture_path (name);
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, kind, path);
  g_autoptr(GError) error = NULL;
  QualifyImportStats stats = { 0 };

  g_assert_true (qualify_importer_prepare (importer, 0, &error));
  g_assert_no_error (error);
  g_assert_true (qualify_importer_run (importer, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  if (out_stats != NULL)
    *out_stats = stats;
}

/* The integer in the first column of the first row @sql gives. */
gint64
qt_store_query_int (QualifyStore *store,
                    const char   *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The text in the first column of the first row @sql gives (free it). */
char *
qt_store_query_text (QualifyStore *store,
                     const char   *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = _qualify_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* Runs @sql (any number of statements), which must succeed. */
void
qt_store_exec (QualifyStore *store,
               const char   *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (_qualify_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

/* The main context */

/* Lets the default main context run for @ms milliseconds. */
void
qt_settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Runs the default main context until @condition holds; fails the test,
 * naming @what, after @timeout_seconds. */
void
qt_wait_for_full (QtCondition  condition,
                  gpointer     data,
                  guint        timeout_seconds,
                  const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

/* qt_wait_for_full() with a minute to wait. */
void
qt_wait_for (QtCondition  condition,
             gpointer     data,
             const char  *what)
{
  qt_wait_for_full (condition, data, 60, what);
}

/* A GAsyncReadyCallback that keeps a reference on the result in the
 * GAsyncResult* that @user_data points to. */
void
qt_async_result_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A SoupServer on 127.0.0.1 */

/* Starts a server on a free port of 127.0.0.1 that answers every path with
 * @callback, in its own thread; over HTTPS when @certificate is given.
 * Returns once it listens. */
QtServer *
qt_server_start (SoupServerCallback  callback,
                 gpointer            user_data,
                 GTlsCertificate    *certificate)
{
  QtServer *self = g_new0 (QtServer, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->callback = callback;
  self->user_data = user_data;
  g_set_object (&self->certificate, certificate);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("qt-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

guint16
qt_server_get_port (QtServer *server)
{
  return server->port;
}

/* "http://127.0.0.1:PORT" followed by @path (https with a certificate). */
char *
qt_server_dup_url (QtServer   *server,
                   const char *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", server->certificate != NULL ? "https" : "http",
                          server->port, path);
}

/* Stops the server, waits for its thread and frees it. */
void
qt_server_stop (QtServer *server)
{
  /* quit from inside the loop: a quit before g_main_loop_run() would be lost */
  g_main_context_invoke (server->context, quit_loop_cb, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_clear_object (&server->certificate);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
  g_free (server);
}
