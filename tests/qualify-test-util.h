/* qualify-test-util.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers the test programs and benchmarks share: temporary folders and
 * workspaces, fixture files, waiting on the main context, SQL counts and a
 * SoupServer on 127.0.0.1 in its own thread. GLib and the core only (no GTK),
 * so that the displayless tests link it too.
 */

#pragma once

#include <libsoup/soup.h>

#include "qualify-demo.h"
#include "qualify-importer.h"
#include "qualify-store.h"

G_BEGIN_DECLS

/* Files and folders */
char         *qt_make_tmp_dir      (const char                *tmpl);
void          qt_remove_tree       (const char                *path);
char         *qt_fixture_path      (const char                *name);
char         *qt_use_file_keyring  (const char                *password);

/* Workspaces */
QualifyStore *qt_temp_workspace    (const char                *tmpl,
                                    const QualifyDemoOptions  *demo,
                                    char                     **out_dir,
                                    char                     **out_path);
void          qt_import_fixture    (QualifyStore              *store,
                                    QualifyImportKind          kind,
                                    const char                *name,
                                    QualifyImportStats        *out_stats);
gint64        qt_store_query_int   (QualifyStore              *store,
                                    const char                *sql);
char         *qt_store_query_text  (QualifyStore              *store,
                                    const char                *sql);
void          qt_store_exec        (QualifyStore              *store,
                                    const char                *sql);

/* The main context */
typedef gboolean (*QtCondition) (gpointer data);

void          qt_settle            (guint                      ms);
void          qt_wait_for          (QtCondition                condition,
                                    gpointer                   data,
                                    const char                *what);
void          qt_wait_for_full     (QtCondition                condition,
                                    gpointer                   data,
                                    guint                      timeout_seconds,
                                    const char                *what);
void          qt_async_result_cb   (GObject                   *source,
                                    GAsyncResult              *result,
                                    gpointer                   user_data);

/* A SoupServer on 127.0.0.1 in its own thread; @callback runs in that thread. */
typedef struct _QtServer QtServer;

QtServer     *qt_server_start      (SoupServerCallback         callback,
                                    gpointer                   user_data,
                                    GTlsCertificate           *certificate);
guint16       qt_server_get_port   (QtServer                  *server);
char         *qt_server_dup_url    (QtServer                  *server,
                                    const char                *path);
void          qt_server_stop       (QtServer                  *server);

G_END_DECLS
