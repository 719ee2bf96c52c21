/* qualify-application.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-application"

#include "config.h"

#include <glib/gi18n.h>

#include "qualify-application.h"
#include "qualify-window.h"

struct _QualifyApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  gboolean        demo;
};

G_DEFINE_FINAL_TYPE (QualifyApplication, qualify_application, ADW_TYPE_APPLICATION)

static QualifyWindow *
get_window (QualifyApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL && QUALIFY_IS_WINDOW (window))
    return QUALIFY_WINDOW (window);

  window = GTK_WINDOW (qualify_window_new (self));
  return QUALIFY_WINDOW (window);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  QualifyApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Close windows properly so they save their size. */
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  QualifyApplication *self = user_data;
  const char *developers[] = { _("The Qualify Authors"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "modal", TRUE,
                        "application-name", _("Qualify"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Qualify Authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Score B2B leads and see why each one is ready for sales"),
                        "website", "https://github.com/qualifyapp/qualify",
                        "issue-url", "https://github.com/qualifyapp/qualify/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Qualify Authors",
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
new_workspace_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  QualifyWindow *window = get_window (user_data);

  gtk_window_present (GTK_WINDOW (window));
  qualify_window_choose_workspace (window, TRUE);
}

static void
open_workspace_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  QualifyWindow *window = get_window (user_data);

  gtk_window_present (GTK_WINDOW (window));
  qualify_window_choose_workspace (window, FALSE);
}

static void
open_demo_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  QualifyWindow *window = get_window (user_data);

  gtk_window_present (GTK_WINDOW (window));
  qualify_window_open_demo (window);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "new-workspace", new_workspace_action },
  { "open-workspace", open_workspace_action },
  { "open-demo", open_demo_action },
};

static void
load_settings (QualifyApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

#ifdef QUALIFY_BUILD_SCHEMA_DIR
  /* Running from the build directory, before installation. */
  if (schema == NULL && g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    {
      g_autoptr(GSettingsSchemaSource) build_source =
        g_settings_schema_source_new_from_directory (QUALIFY_BUILD_SCHEMA_DIR, source, FALSE, NULL);

      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, APP_ID, FALSE);
    }
#endif

  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_message ("The GSettings schema %s is not installed; window size and the last "
               "workspace will not be remembered", APP_ID);
}

static void
qualify_application_startup (GApplication *app)
{
  QualifyApplication *self = QUALIFY_APPLICATION (app);
  const char *quit_accels[] = { "<Primary>q", NULL };
  const char *open_accels[] = { "<Primary>o", NULL };
  const char *new_accels[] = { "<Primary>n", NULL };

  G_APPLICATION_CLASS (qualify_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open-workspace", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-workspace", new_accels);

  load_settings (self);
}

static void
qualify_application_activate (GApplication *app)
{
  QualifyApplication *self = QUALIFY_APPLICATION (app);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  QualifyWindow *window;

  if (active != NULL && !self->demo)
    {
      gtk_window_present (active);
      return;
    }

  window = get_window (self);
  gtk_window_present (GTK_WINDOW (window));

  if (self->demo)
    {
      self->demo = FALSE;
      qualify_window_open_demo (window);
      return;
    }

  if (self->settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-workspace");

      if (last[0] != '\0' && g_file_test (last, G_FILE_TEST_IS_REGULAR))
        qualify_window_open_workspace (window, last);
    }
}

static void
qualify_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  QualifyApplication *self = QUALIFY_APPLICATION (app);
  QualifyWindow *window = get_window (self);
  g_autofree char *path = n_files > 0 ? g_file_get_path (files[0]) : NULL;

  gtk_window_present (GTK_WINDOW (window));
  if (path != NULL)
    qualify_window_open_workspace (window, path);
}

static int
qualify_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  QualifyApplication *self = QUALIFY_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("qualify %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "demo"))
    {
      g_autoptr(GError) error = NULL;

      /* Qualify is already running: ask that instance to show the demo. */
      if (g_application_register (app, NULL, &error) && g_application_get_is_remote (app))
        {
          g_action_group_activate_action (G_ACTION_GROUP (app), "open-demo", NULL);
          return 0;
        }
      if (error != NULL)
        g_warning ("Could not register the application: %s", error->message);
      self->demo = TRUE;
    }

  return -1;
}

static void
qualify_application_finalize (GObject *object)
{
  QualifyApplication *self = (QualifyApplication *) object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qualify_application_parent_class)->finalize (object);
}

static void
qualify_application_class_init (QualifyApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = qualify_application_finalize;
  app_class->startup = qualify_application_startup;
  app_class->activate = qualify_application_activate;
  app_class->open = qualify_application_open;
  app_class->handle_local_options = qualify_application_handle_local_options;
}

static void
qualify_application_init (QualifyApplication *self)
{
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the demo workspace, generating it first if needed"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[WORKSPACE]"));
}

QualifyApplication *
qualify_application_new (void)
{
  return g_object_new (QUALIFY_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/qualifyapp/Qualify",
                       NULL);
}

GSettings *
qualify_application_get_settings (QualifyApplication *self)
{
  g_return_val_if_fail (QUALIFY_IS_APPLICATION (self), NULL);
  return self->settings;
}

GSettings *
qualify_application_dup_default_settings (void)
{
  GApplication *app = g_application_get_default ();
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (app != NULL && QUALIFY_IS_APPLICATION (app))
    {
      GSettings *settings = qualify_application_get_settings (QUALIFY_APPLICATION (app));

      return settings != NULL ? g_object_ref (settings) : NULL;
    }
  if ((source = g_settings_schema_source_get_default ()) != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

AdwToast *
qualify_toast_new (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  return adw_toast_new (escaped);
}

char *
qualify_application_dup_demo_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "qualify", "demo.qualify", NULL);
}
