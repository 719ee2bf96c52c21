/* qualify-import-dialog.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-import-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "qualify-application.h"
#include "qualify-parse.h"
#include "qualify-import-dialog.h"
#include "qualify-import-dialog-private.h"
#include "qualify-window.h"

/* How the dialog works
 *
 * Every piece of file work runs in a worker thread on an importer of its own,
 * made from a snapshot of the dialog's settings (file, encoding, delimiter and
 * the mapping chosen in the column rows), with its own workspace connection:
 *
 *   read:     prepare() with the chosen (or detected) encoding and delimiter; the
 *             main thread then shows the preview and the column rows;
 *   check:    prepare() + the mapping + validate(); restarted, after a short
 *             pause, whenever a setting changes;
 *   import:   prepare() + the mapping in a thread, then run_async() with the
 *             progress reports coalesced into one idle on the main thread.
 *
 * The main thread never touches an importer while a thread uses it. */

#define PREVIEW_ROWS       20
#define SHOWN_PROBLEMS     5
#define CHECK_DELAY_MS     250
#define SAMPLE_VALUES      3

typedef struct
{
  QualifyTargetKind  kind;
  const char        *target;   /* field or event column; NULL for ignore and custom */
  const char        *label;    /* translated */
} Choice;

typedef struct
{
  char              *header;
  guint              choice;       /* index into self->choices */
  char              *custom_name;  /* for custom: the name the core chose */
  gboolean           automatic;
  gboolean           saved;      /* automatic, from the mapping saved for these headers */
  AdwComboRow       *row;
} Column;

/* A snapshot of one column's target, for a worker. */
typedef struct
{
  QualifyTargetKind  kind;
  char              *target;
} Target;

typedef enum
{
  JOB_READ,
  JOB_CHECK,
  JOB_IMPORT,
} JobKind;

typedef struct
{
  JobKind             job;
  char               *workspace_path;
  QualifyImportKind   kind;
  char               *path;
  char               *encoding;     /* NULL = detect */
  char                delimiter;    /* 0 = detect */
  GArray             *targets;      /* of Target, NULL = as the core maps */
  guint               generation;

  /* Results, read on the main thread once the job is done. */
  QualifyImporter    *importer;
  QualifyImportStats  stats;
} Job;

/* Shared between the import thread and the main thread. */
typedef struct
{
  gatomicrefcount     ref_count;
  GMutex              mutex;
  double              fraction;
  guint64             rows;
  gint                idle_pending;      /* atomic */
  gint                cancel_on_progress;/* atomic */
  GCancellable       *cancellable;
  GWeakRef            dialog;
} Progress;

struct _QualifyImportDialog
{
  AdwWindow               parent_instance;

  /* Template widgets */
  AdwToastOverlay        *toast_overlay;
  AdwWindowTitle         *window_title;
  GtkButton              *close_button;
  GtkButton              *import_button;
  GtkStack               *stack;
  GtkSpinner             *loading_spinner;
  AdwStatusPage          *message_page;
  GtkButton              *message_button;
  AdwComboRow            *encoding_row;
  AdwComboRow            *delimiter_row;
  AdwPreferencesGroup    *preview_group;
  GtkScrolledWindow      *preview_scroller;
  GtkGrid                *preview_grid;
  AdwPreferencesGroup    *columns_group;
  AdwPreferencesGroup    *check_group;
  AdwActionRow           *summary_row;
  GtkImage               *summary_icon;
  GtkSpinner             *summary_spinner;
  AdwActionRow           *events_row;
  GtkButton              *events_button;
  GtkLabel               *progress_title;
  GtkProgressBar         *progress_bar;
  GtkLabel               *progress_label;
  AdwStatusPage          *result_page;
  AdwActionRow           *created_row;
  AdwActionRow           *already_row;
  AdwActionRow           *updated_row;
  AdwActionRow           *skipped_row;
  GtkLabel               *created_label;
  GtkLabel               *already_label;
  GtkLabel               *updated_label;
  GtkLabel               *skipped_label;
  GtkButton              *save_problems_button;
  GtkButton              *done_button;
  GtkButton              *cancel_import_button;

  char                   *workspace_path;
  QualifyImportKind       kind;
  GFile                  *file;
  GSettings              *settings;
  /* Leads only: the headers of the file that the events auto-mapping takes for an
   * event type and an event time; both set = the file looks like an events export. */
  char                   *event_type_header;
  char                   *event_time_header;

  GArray                 *choices;      /* of Choice */
  GPtrArray              *columns;      /* of Column */
  GHashTable             *overrides;    /* header → choice index (GUINT_TO_POINTER + 1) */
  GPtrArray              *encodings;    /* ids shown in encoding_row */
  GArray                 *delimiters;   /* chars shown in delimiter_row */
  GPtrArray              *problem_rows; /* rows added to check_group */
  guint                   n_preview_rows;
  char                   *encoding;     /* current */
  char                    delimiter;    /* current */
  gboolean                encoding_chosen;
  gboolean                delimiter_chosen;

  guint                   read_generation;  /* bumped when the file is read again */
  guint                   check_generation; /* bumped when the mapping changes */
  GCancellable           *read_cancellable;
  GCancellable           *check_cancellable;
  GCancellable           *import_cancellable;
  guint                   check_source;
  gboolean                reading;
  gboolean                checking;
  gboolean                checked;
  gboolean                check_failed;
  QualifyImportStats      check_stats;

  gboolean                importing;
  gboolean                imported;
  gboolean                cancel_on_progress;
  QualifyImportStats      result_stats;
  QualifyImporter        *import_importer;
  Progress               *progress;

  GtkFileChooserNative   *chooser;
  gboolean                chooser_shown;
  gboolean                disposed;
  guint                   updating;     /* > 0 while rows are filled from code */
};

G_DEFINE_FINAL_TYPE (QualifyImportDialog, qualify_import_dialog, ADW_TYPE_WINDOW)

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *id;
  const char *script;   /* what it is for, shown as the row's subtitle */
  const char *label;
} known_encodings[] = {
  { "UTF-8", N_("Unicode"), "UTF-8" },
  { "UTF-16", N_("Unicode"), "UTF-16" },
  { "UTF-16LE", N_("Unicode"), "UTF-16 LE" },
  { "UTF-16BE", N_("Unicode"), "UTF-16 BE" },
  { "WINDOWS-1252", N_("Western"), "Windows-1252" },
  { "ISO-8859-1", N_("Western"), "ISO-8859-1" },
  { "ISO-8859-15", N_("Western"), "ISO-8859-15" },
  { "MACINTOSH", N_("Western"), "Mac Roman" },
  { "WINDOWS-1250", N_("Central European"), "Windows-1250" },
  { "WINDOWS-1251", N_("Cyrillic"), "Windows-1251" },
  { "SHIFT_JIS", N_("Japanese"), "Shift JIS" },
  { "GB18030", N_("Chinese"), "GB18030" },
};

static const struct
{
  char        delimiter;
  const char *label;
} known_delimiters[] = {
  { ',', N_("Comma") },
  { ';', N_("Semicolon") },
  { '\t', N_("Tab") },
  { '|', N_("Pipe") },
};

static const struct
{
  const char *column;
  const char *label;
} event_columns[] = {
  { "email", N_("Email") },
  { "type", N_("Event type") },
  { "detail", N_("Detail") },
  { "occurred_at", N_("Occurred at") },
  { "source", N_("Source") },
};

static void start_read  (QualifyImportDialog *self);
static void start_check (QualifyImportDialog *self);

/* Helpers */

static void
column_free (Column *column)
{
  g_free (column->header);
  g_free (column->custom_name);
  g_free (column);
}

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->target, g_free);
}

static void
job_free (Job *job)
{
  g_free (job->workspace_path);
  g_free (job->path);
  g_free (job->encoding);
  g_clear_pointer (&job->targets, g_array_unref);
  g_clear_object (&job->importer);
  g_free (job);
}

static Progress *
progress_new (QualifyImportDialog *self,
              GCancellable        *cancellable)
{
  Progress *progress = g_new0 (Progress, 1);

  g_atomic_ref_count_init (&progress->ref_count);
  g_mutex_init (&progress->mutex);
  progress->cancellable = g_object_ref (cancellable);
  g_weak_ref_init (&progress->dialog, self);
  return progress;
}

static Progress *
progress_ref (Progress *progress)
{
  g_atomic_ref_count_inc (&progress->ref_count);
  return progress;
}

static void
progress_unref (Progress *progress)
{
  if (!g_atomic_ref_count_dec (&progress->ref_count))
    return;

  g_mutex_clear (&progress->mutex);
  g_clear_object (&progress->cancellable);
  g_weak_ref_clear (&progress->dialog);
  g_free (progress);
}

static gboolean
is_cancelled_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_CANCELLED) ||
         g_error_matches (error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_CANCELLED);
}

/* Errors after which prepare() still filled in the mapping, so the user can fix it. */
static gboolean
is_mapping_error (const GError *error)
{
  return g_error_matches (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_NO_EMAIL_COLUMN) ||
         g_error_matches (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_MISSING_COLUMN) ||
         g_error_matches (error, QUALIFY_IMPORT_ERROR, QUALIFY_IMPORT_ERROR_BAD_MAPPING);
}

static void
build_choices (QualifyImportDialog *self)
{
  Choice choice;

  choice = (Choice) { QUALIFY_TARGET_IGNORE, NULL, _("Ignore") };
  g_array_append_val (self->choices, choice);

  if (self->kind == QUALIFY_IMPORT_LEADS)
    {
      choice = (Choice) { QUALIFY_TARGET_CUSTOM, NULL, _("Custom field") };
      g_array_append_val (self->choices, choice);

      for (guint f = 0; f < QUALIFY_N_FIELDS; f++)
        {
          choice = (Choice) { QUALIFY_TARGET_FIELD, qualify_field_get_name (f),
                              qualify_field_get_label (f) };
          g_array_append_val (self->choices, choice);
        }
    }
  else
    {
      for (guint c = 0; c < G_N_ELEMENTS (event_columns); c++)
        {
          choice = (Choice) { QUALIFY_TARGET_EVENT, event_columns[c].column,
                              _(event_columns[c].label) };
          g_array_append_val (self->choices, choice);
        }
    }
}

static guint
find_choice (QualifyImportDialog *self,
             QualifyTargetKind    kind,
             const char          *target)
{
  for (guint i = 0; i < self->choices->len; i++)
    {
      const Choice *choice = &g_array_index (self->choices, Choice, i);

      if (choice->kind != kind)
        continue;
      if (kind == QUALIFY_TARGET_IGNORE || kind == QUALIFY_TARGET_CUSTOM)
        return i;
      if (target != NULL && g_strcmp0 (choice->target, target) == 0)
        return i;
    }

  return 0;
}

static GArray *
snapshot_targets (QualifyImportDialog *self)
{
  GArray *targets = g_array_sized_new (FALSE, TRUE, sizeof (Target), self->columns->len);

  g_array_set_clear_func (targets, (GDestroyNotify) target_clear);

  for (guint i = 0; i < self->columns->len; i++)
    {
      const Column *column = g_ptr_array_index (self->columns, i);
      const Choice *choice = &g_array_index (self->choices, Choice, column->choice);
      Target target = { choice->kind, NULL };

      if (choice->kind == QUALIFY_TARGET_CUSTOM)
        target.target = g_strdup (column->custom_name);
      else
        target.target = g_strdup (choice->target);
      g_array_append_val (targets, target);
    }

  return targets;
}

static Job *
job_new (QualifyImportDialog *self,
         JobKind              kind)
{
  Job *job = g_new0 (Job, 1);

  job->job = kind;
  job->workspace_path = g_strdup (self->workspace_path);
  job->kind = self->kind;
  job->path = g_file_get_path (self->file);
  job->generation = kind == JOB_READ ? self->read_generation : self->check_generation;

  return job;
}

/* Worker thread: never touches the dialog. */
static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyImporter) importer = NULL;
  g_autoptr(GError) prepare_error = NULL;
  GError *error = NULL;

  store = qualify_store_open (job->workspace_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  importer = qualify_importer_new (store, job->kind, job->path);
  if (job->encoding != NULL)
    qualify_importer_set_encoding (importer, job->encoding);
  if (job->delimiter != 0)
    qualify_importer_set_delimiter (importer, job->delimiter);

  if (!qualify_importer_prepare (importer, job->job == JOB_READ ? PREVIEW_ROWS : 0,
                                 &prepare_error))
    {
      /* Without an email column the mapping is still there to be fixed. */
      if (!is_mapping_error (prepare_error) ||
          qualify_importer_get_mappings (importer)->len == 0 ||
          job->job == JOB_READ)
        {
          if (qualify_importer_get_mappings (importer)->len > 0)
            job->importer = g_steal_pointer (&importer);
          g_task_return_error (task, g_steal_pointer (&prepare_error));
          return;
        }
    }

  if (job->targets != NULL)
    {
      GPtrArray *mappings = qualify_importer_get_mappings (importer);

      if (mappings->len != job->targets->len)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   _("The columns of “%s” changed while it was open; "
                                     "choose the file again."),
                                   job->path);
          return;
        }

      for (guint i = 0; i < mappings->len; i++)
        {
          QualifyColumnMapping *mapping = g_ptr_array_index (mappings, i);
          const Target *target = &g_array_index (job->targets, Target, i);

          mapping->kind = target->kind;
          g_free (mapping->target);
          mapping->target = g_strdup (target->target);
          mapping->automatic = FALSE;
        }
    }

  if (job->job == JOB_CHECK &&
      !qualify_importer_validate (importer, cancellable, &job->stats, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  job->importer = g_steal_pointer (&importer);
  g_task_return_boolean (task, TRUE);
}

static void
set_page (QualifyImportDialog *self,
          const char          *name)
{
  gboolean preview = g_str_equal (name, "preview");
  gboolean progress = g_str_equal (name, "progress");
  gboolean finished = g_str_equal (name, "result");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), preview);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), !finished);
  gtk_widget_set_sensitive (GTK_WIDGET (self->close_button), !progress);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (name, "loading"));

  if (finished)
    gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
  else if (progress)
    gtk_widget_grab_focus (GTK_WIDGET (self->cancel_import_button));
}

static void
update_actions (QualifyImportDialog *self)
{
  gboolean can_import = self->checked && !self->check_failed && !self->importing &&
                        !self->imported && self->check_stats.rows > self->check_stats.skipped;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.start", can_import);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel", self->importing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.as-events",
                                 !self->importing && !self->imported && self->file != NULL &&
                                 self->event_type_header != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.choose",
                                 !self->importing && !self->imported);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.back",
                                 !self->importing && !self->imported && self->columns->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.save-problems",
                                 self->imported && self->result_stats.skipped > 0);
}

static void
show_message (QualifyImportDialog *self,
              const char          *icon_name,
              const char          *title,
              const char          *description,
              const char          *button_label,
              const char          *button_action)
{
  adw_status_page_set_icon_name (self->message_page, icon_name);
  adw_status_page_set_title (self->message_page, title);
  {
    g_autofree char *escaped = g_markup_escape_text (description != NULL ? description : "", -1);

    adw_status_page_set_description (self->message_page, escaped);
  }
  gtk_button_set_label (self->message_button, button_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->message_button), button_action);
  set_page (self, "message");
  /* The page's own button closes: no second one in the header bar. */
  gtk_widget_set_visible (GTK_WIDGET (self->close_button),
                          g_strcmp0 (button_action, "window.close") != 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->message_button));
}

static void
fill_string_list (AdwComboRow *row,
                  GPtrArray   *labels,
                  guint        selected)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; i < labels->len; i++)
    gtk_string_list_append (model, g_ptr_array_index (labels, i));

  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
}

static void
fill_encodings (QualifyImportDialog *self,
                const char          *current)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint selected = G_MAXUINT;

  g_ptr_array_set_size (self->encodings, 0);
  for (guint i = 0; i < G_N_ELEMENTS (known_encodings); i++)
    {
      g_ptr_array_add (self->encodings, g_strdup (known_encodings[i].id));
      g_ptr_array_add (labels, g_strdup (known_encodings[i].label));
      if (current != NULL && g_ascii_strcasecmp (current, known_encodings[i].id) == 0)
        selected = i;
    }

  if (selected == G_MAXUINT && current != NULL)
    {
      selected = self->encodings->len;
      g_ptr_array_add (self->encodings, g_strdup (current));
      g_ptr_array_add (labels, g_strdup (current));
    }

  fill_string_list (self->encoding_row, labels, selected == G_MAXUINT ? 0 : selected);
}

static void
fill_delimiters (QualifyImportDialog *self,
                 char                 current)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint selected = G_MAXUINT;

  g_array_set_size (self->delimiters, 0);
  for (guint i = 0; i < G_N_ELEMENTS (known_delimiters); i++)
    {
      g_array_append_val (self->delimiters, known_delimiters[i].delimiter);
      g_ptr_array_add (labels, g_strdup (_(known_delimiters[i].label)));
      if (current == known_delimiters[i].delimiter)
        selected = i;
    }

  if (selected == G_MAXUINT && current != 0)
    {
      selected = self->delimiters->len;
      g_array_append_val (self->delimiters, current);
      /* Translators: %c is a character that separates the columns of a file */
      g_ptr_array_add (labels, g_strdup_printf (_("“%c”"), current));
    }

  fill_string_list (self->delimiter_row, labels, selected == G_MAXUINT ? 0 : selected);
}

static void
update_file_subtitles (QualifyImportDialog *self)
{
  const char *script = NULL;
  g_autofree char *encoding = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (known_encodings); i++)
    if (self->encoding != NULL && g_ascii_strcasecmp (self->encoding, known_encodings[i].id) == 0)
      script = _(known_encodings[i].script);

  if (self->encoding_chosen)
    encoding = g_strdup (script != NULL ? script : _("Chosen by you"));
  else if (script != NULL)
    /* Translators: e.g. "Detected · Western" */
    encoding = g_strdup_printf (_("Detected · %s"), script);
  else
    encoding = g_strdup (_("Detected"));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->encoding_row), encoding);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->delimiter_row),
                               self->delimiter_chosen ? _("Chosen by you") : _("Detected"));
}

static GtkWidget *
preview_cell_new (const char *text,
                  gboolean    heading,
                  int         chars)
{
  GtkWidget *label = gtk_label_new (text);

  /* As wide as the column's longest value, up to a point; longer ones are
   * ellipsized with the whole value in a tooltip. The grid scrolls sideways. */
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), chars);
  gtk_label_set_width_chars (GTK_LABEL (label), chars);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (text != NULL && g_utf8_strlen (text, -1) > chars)
    gtk_widget_set_tooltip_text (label, text);
  if (heading)
    gtk_widget_add_css_class (label, "heading");

  return label;
}

static void
fill_preview (QualifyImportDialog *self,
              GPtrArray           *mappings,
              GPtrArray           *preview)
{
  GtkWidget *child;
  g_autofree char *description = NULL;
  g_autofree int *chars = g_new0 (int, mappings->len + 1);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_grid))) != NULL)
    gtk_grid_remove (self->preview_grid, child);

  for (guint c = 0; c < mappings->len; c++)
    {
      const QualifyColumnMapping *mapping = g_ptr_array_index (mappings, c);

      chars[c] = mapping->header != NULL ? g_utf8_strlen (mapping->header, -1) + 1 : 4;
      for (guint r = 0; r < preview->len; r++)
        {
          const char * const *fields = g_ptr_array_index (preview, r);

          if (fields != NULL && c < g_strv_length ((char **) fields))
            chars[c] = MAX (chars[c], (int) g_utf8_strlen (fields[c], -1));
        }
      chars[c] = CLAMP (chars[c], 4, 24);
    }

  for (guint c = 0; c < mappings->len; c++)
    {
      const QualifyColumnMapping *mapping = g_ptr_array_index (mappings, c);

      gtk_grid_attach (self->preview_grid, preview_cell_new (mapping->header, TRUE, chars[c]),
                       c, 0, 1, 1);
    }

  for (guint r = 0; r < preview->len; r++)
    {
      const char * const *fields = g_ptr_array_index (preview, r);
      guint n = fields != NULL ? g_strv_length ((char **) fields) : 0;

      for (guint c = 0; c < mappings->len; c++)
        gtk_grid_attach (self->preview_grid,
                         preview_cell_new (c < n ? fields[c] : "", FALSE, chars[c]),
                         c, r + 1, 1, 1);
    }

  self->n_preview_rows = preview->len;
  /* Room for every preview row, up to a point; the rest scrolls. */
  gtk_scrolled_window_set_min_content_height (self->preview_scroller,
                                              MIN (300, 24 + 24 * (preview->len + 1)));
  if (preview->len == 0)
    description = g_strdup (_("The file has a header row but no data rows."));
  else
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "The first row as Qualify reads it",
                                                "The first %u rows as Qualify reads them",
                                                preview->len),
                                   preview->len);
  adw_preferences_group_set_description (self->preview_group, description);
}

static char *
column_samples (GPtrArray *preview,
                guint      column)
{
  g_autoptr(GString) samples = g_string_new (NULL);
  guint n = 0;

  for (guint r = 0; r < preview->len && n < SAMPLE_VALUES; r++)
    {
      const char * const *fields = g_ptr_array_index (preview, r);
      const char *value;

      if (fields == NULL || g_strv_length ((char **) fields) <= column)
        continue;
      value = fields[column];
      while (g_ascii_isspace (*value))
        value++;
      if (*value == '\0')
        continue;

      if (n > 0)
        g_string_append (samples, ", ");
      if (g_utf8_strlen (value, -1) > 28)
        {
          g_autofree char *cut = g_utf8_substring (value, 0, 27);
          g_string_append_printf (samples, "%s…", cut);
        }
      else
        g_string_append (samples, value);
      n++;
    }

  return n > 0 ? g_string_free (g_steal_pointer (&samples), FALSE) : NULL;
}

static void
update_column_subtitle (QualifyImportDialog *self,
                        Column              *column,
                        const char          *samples)
{
  g_autofree char *subtitle = NULL;
  const Choice *choice = &g_array_index (self->choices, Choice, column->choice);

  if (column->automatic && choice->kind != QUALIFY_TARGET_IGNORE &&
      choice->kind != QUALIFY_TARGET_CUSTOM)
    {
      if (column->saved && samples != NULL)
        /* Translators: %s are example values from a column of the file; "Saved"
         * means the choice comes from an earlier import of a file with the same columns */
        subtitle = g_strdup_printf (_("Saved · e.g. %s"), samples);
      else if (column->saved)
        subtitle = g_strdup (_("Saved · empty in the first rows"));
      else if (samples != NULL)
        /* Translators: %s are example values from a column of the file */
        subtitle = g_strdup_printf (_("Detected · e.g. %s"), samples);
      else
        subtitle = g_strdup (_("Detected · empty in the first rows"));
    }
  else if (samples != NULL)
    subtitle = g_strdup_printf (_("e.g. %s"), samples);
  else
    subtitle = g_strdup (_("Empty in the first rows"));

  if (choice->kind == QUALIFY_TARGET_CUSTOM && column->custom_name != NULL &&
      g_strcmp0 (column->custom_name, column->header) != 0)
    {
      /* Translators: the first %s is the text above; the second a field name */
      char *with_name = g_strdup_printf (_("%s · kept as “%s”"), subtitle, column->custom_name);
      g_free (subtitle);
      subtitle = with_name;
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (column->row), subtitle);
  g_object_set_data_full (G_OBJECT (column->row), "samples", g_strdup (samples), g_free);
}

static void
column_selected_cb (AdwComboRow         *row,
                    GParamSpec          *pspec,
                    QualifyImportDialog *self)
{
  Column *column = g_object_get_data (G_OBJECT (row), "column");
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating > 0 || column == NULL || selected == GTK_INVALID_LIST_POSITION ||
      selected == column->choice)
    return;

  column->choice = selected;
  column->automatic = FALSE;
  column->saved = FALSE;
  if (g_array_index (self->choices, Choice, selected).kind == QUALIFY_TARGET_CUSTOM &&
      column->custom_name == NULL)
    column->custom_name = g_strdup (column->header);
  g_hash_table_replace (self->overrides, g_strdup (column->header), GUINT_TO_POINTER (selected + 1));
  update_column_subtitle (self, column, g_object_get_data (G_OBJECT (row), "samples"));

  self->check_generation++;
  start_check (self);
}

static void
clear_columns (QualifyImportDialog *self)
{
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      adw_preferences_group_remove (self->columns_group, GTK_WIDGET (column->row));
    }
  g_ptr_array_set_size (self->columns, 0);
}

/* A leads file whose headers the events auto-mapping would take for an event type
 * and an event time is most likely an events export picked in the wrong dialog. */
static void
find_event_headers (QualifyImportDialog *self,
                    GPtrArray           *mappings)
{
  g_clear_pointer (&self->event_type_header, g_free);
  g_clear_pointer (&self->event_time_header, g_free);

  if (self->kind != QUALIFY_IMPORT_LEADS)
    return;

  for (guint i = 0; i < mappings->len; i++)
    {
      const QualifyColumnMapping *mapping = g_ptr_array_index (mappings, i);
      const char *target;

      if (mapping->header == NULL)
        continue;
      target = qualify_importer_guess_target (QUALIFY_IMPORT_EVENTS, mapping->header);
      if (g_strcmp0 (target, "type") == 0 && self->event_type_header == NULL)
        self->event_type_header = g_strdup (mapping->header);
      else if (g_strcmp0 (target, "occurred_at") == 0 && self->event_time_header == NULL)
        self->event_time_header = g_strdup (mapping->header);
    }

  if (self->event_type_header == NULL || self->event_time_header == NULL)
    {
      g_clear_pointer (&self->event_type_header, g_free);
      g_clear_pointer (&self->event_time_header, g_free);
    }
}

static gboolean
looks_like_events (QualifyImportDialog *self)
{
  return self->event_type_header != NULL && self->event_time_header != NULL;
}

static void
fill_columns (QualifyImportDialog *self,
              GPtrArray           *mappings,
              GPtrArray           *preview)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  gboolean any_saved = FALSE;

  clear_columns (self);
  find_event_headers (self, mappings);

  for (guint i = 0; i < self->choices->len; i++)
    gtk_string_list_append (labels, g_array_index (self->choices, Choice, i).label);

  for (guint i = 0; i < mappings->len; i++)
    {
      const QualifyColumnMapping *mapping = g_ptr_array_index (mappings, i);
      Column *column = g_new0 (Column, 1);
      g_autofree char *samples = column_samples (preview, i);
      const char *title = mapping->header;
      gpointer override;

      column->header = g_strdup (mapping->header);
      column->choice = find_choice (self, mapping->kind, mapping->target);
      column->automatic = mapping->automatic;
      column->saved = mapping->saved;
      any_saved |= mapping->saved;
      if (mapping->kind == QUALIFY_TARGET_CUSTOM)
        column->custom_name = g_strdup (mapping->target ? mapping->target : mapping->header);

      /* A choice the user made survives a change of encoding or delimiter. */
      override = g_hash_table_lookup (self->overrides, mapping->header);
      if (override != NULL)
        {
          column->choice = GPOINTER_TO_UINT (override) - 1;
          column->automatic = FALSE;
          column->saved = FALSE;
          if (column->custom_name == NULL)
            column->custom_name = g_strdup (mapping->header);
        }

      if (title == NULL || *title == '\0')
        title = _("(column without a header)");

      column->row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (column->row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (column->row), title);
      adw_combo_row_set_model (column->row, G_LIST_MODEL (labels));
      adw_combo_row_set_selected (column->row, column->choice);
      g_object_set_data (G_OBJECT (column->row), "column", column);
      update_column_subtitle (self, column, samples);
      g_signal_connect_object (column->row, "notify::selected",
                               G_CALLBACK (column_selected_cb), self, 0);

      adw_preferences_group_add (self->columns_group, GTK_WIDGET (column->row));
      g_ptr_array_add (self->columns, column);
    }

  adw_preferences_group_set_description (self->columns_group,
                                         any_saved
                                         ? _("Using the mapping saved when a file with these columns was "
                                             "last imported (marked “Saved”). Change any column as needed.")
                                         : _("Choose where each column of the file goes. Columns Qualify "
                                             "recognised are marked “Detected”."));
}

static void
clear_problem_rows (QualifyImportDialog *self)
{
  for (guint i = 0; i < self->problem_rows->len; i++)
    adw_preferences_group_remove (self->check_group, g_ptr_array_index (self->problem_rows, i));
  g_ptr_array_set_size (self->problem_rows, 0);
}

static void
add_problem_row (QualifyImportDialog *self,
                 const char          *title,
                 const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (self->check_group, row);
  g_ptr_array_add (self->problem_rows, row);
}

/* Shows (or hides) the row that offers to import the file as events; @instead
 * hides the summary row, for when it would only say the leads are ready. While
 * shown, "Import as Events" is the suggested action, not the header's Import. */
static void
show_events_hint (QualifyImportDialog *self,
                  gboolean             show,
                  gboolean             instead)
{
  gtk_widget_set_visible (GTK_WIDGET (self->events_row), show);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_row), !(show && instead));

  if (show)
    {
      g_autofree char *subtitle = NULL;

      /* Translators: the names of two columns of the chosen file */
      subtitle = g_strdup_printf (_("Columns “%s” and “%s” are event columns"),
                                  self->event_type_header, self->event_time_header);
      adw_action_row_set_subtitle (self->events_row, subtitle);
      gtk_widget_remove_css_class (GTK_WIDGET (self->import_button), "suggested-action");
      gtk_button_set_label (self->import_button, _("Import as _Leads"));
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->import_button), "suggested-action");
      gtk_button_set_label (self->import_button, _("_Import"));
    }
}

static void
set_summary (QualifyImportDialog *self,
             const char          *icon_name,
             const char          *title,
             const char          *subtitle,
             gboolean             busy)
{
  show_events_hint (self, FALSE, FALSE);

  gtk_image_set_from_icon_name (self->summary_icon, icon_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->summary_row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->summary_row), subtitle ? subtitle : "");
  gtk_spinner_set_spinning (self->summary_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_spinner), busy);

  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "success");
  if (g_str_equal (icon_name, "dialog-error-symbolic"))
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), "error");
  else if (g_str_equal (icon_name, "dialog-warning-symbolic"))
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), "warning");
  else if (g_str_equal (icon_name, "emblem-ok-symbolic"))
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), "success");
}

static void
show_check_error (QualifyImportDialog *self,
                  const GError        *error)
{
  self->checked = TRUE;
  self->check_failed = TRUE;
  clear_problem_rows (self);
  set_summary (self, "dialog-error-symbolic", _("This file cannot be imported yet"),
               error->message, FALSE);
  update_actions (self);
}

/* Signal callbacks */

static void
check_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QualifyImportDialog) self = user_data;
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *title = NULL;
  GPtrArray *problems;

  if (self->disposed)
    return;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (is_cancelled_error (error) || job->generation != self->check_generation)
        return;
      self->checking = FALSE;
      show_check_error (self, error);
      return;
    }

  if (job->generation != self->check_generation)
    return;

  self->checking = FALSE;
  self->checked = TRUE;
  self->check_failed = FALSE;
  self->check_stats = job->stats;
  clear_problem_rows (self);

  ready = qualify_format_count (job->stats.rows - job->stats.skipped);
  bad = qualify_format_count (job->stats.skipped);
  if (job->stats.skipped == 0)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row ready, no problems",
                                          "%s rows ready, no problems",
                                          job->stats.rows),
                             ready);
  else
    {
      g_autofree char *ready_text = NULL;
      g_autofree char *bad_text = NULL;

      ready_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row ready",
                                                 "%s rows ready",
                                                 job->stats.rows - job->stats.skipped),
                                    ready);
      bad_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row with problems",
                                               "%s rows with problems", job->stats.skipped),
                                  bad);
      /* Translators: "12,401 rows ready · 37 rows with problems" */
      title = g_strdup_printf (_("%s · %s"), ready_text, bad_text);
    }

  if (job->stats.rows == 0)
    set_summary (self, "dialog-warning-symbolic", _("The file has no data rows"),
                 _("There is nothing to import."), FALSE);
  else if (job->stats.skipped == 0)
    {
      g_autofree char *subtitle = NULL;

      if (self->kind == QUALIFY_IMPORT_LEADS)
        {
          g_autofree char *created = qualify_format_count (job->stats.created);
          g_autofree char *updated = qualify_format_count (job->stats.updated);
          subtitle = g_strdup_printf (_("%s new leads, %s updated"), created, updated);
        }
      set_summary (self, "emblem-ok-symbolic", title, subtitle, FALSE);
    }
  else
    set_summary (self, job->stats.rows > job->stats.skipped ? "dialog-warning-symbolic"
                                                            : "dialog-error-symbolic",
                 title, _("Rows with problems are skipped; you can save them after the import."),
                 FALSE);

  if (job->stats.rows > 0 && looks_like_events (self))
    show_events_hint (self, TRUE, job->stats.skipped == 0);

  problems = qualify_importer_get_problems (job->importer);
  for (guint i = 0; problems != NULL && i < problems->len && i < SHOWN_PROBLEMS; i++)
    {
      const QualifyImportProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *number = qualify_format_count (problem->line);
      g_autofree char *line = NULL;

      /* Translators: %s is a line number in the imported file */
      line = g_strdup_printf (_("Line %s"), number);
      add_problem_row (self, line, problem->reason);
    }
  if (job->stats.skipped > SHOWN_PROBLEMS)
    {
      g_autofree char *more_count = qualify_format_count (job->stats.skipped - SHOWN_PROBLEMS);
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "and %s more row with problems",
                                                            "and %s more rows with problems",
                                                            job->stats.skipped - SHOWN_PROBLEMS),
                                               more_count);
      add_problem_row (self, more, NULL);
    }

  update_actions (self);
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  QualifyImportDialog *self = user_data;
  g_autoptr(GTask) task = NULL;
  Job *job;

  self->check_source = 0;

  job = job_new (self, JOB_CHECK);
  job->encoding = g_strdup (self->encoding);
  job->delimiter = self->delimiter;
  job->targets = snapshot_targets (self);

  g_clear_object (&self->check_cancellable);
  self->check_cancellable = g_cancellable_new ();

  task = g_task_new (NULL, self->check_cancellable, check_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, check_timeout_cb);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);

  return G_SOURCE_REMOVE;
}

static void
start_check (QualifyImportDialog *self)
{
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);

  self->checking = TRUE;
  self->checked = FALSE;
  self->check_failed = FALSE;
  clear_problem_rows (self);
  set_summary (self, "emblem-synchronizing-symbolic", _("Checking every row…"), NULL, TRUE);
  update_actions (self);

  self->check_source = g_timeout_add (CHECK_DELAY_MS, check_timeout_cb, self);
}

static void
read_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QualifyImportDialog) self = user_data;
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (task, &error);
  if (self->disposed || (!ok && is_cancelled_error (error)))
    return;
  if (job->generation != self->read_generation)
    return;

  self->reading = FALSE;

  if (!ok && job->importer == NULL)
    {
      show_message (self, "dialog-error-symbolic", _("Cannot Read This File"), error->message,
                    _("_Choose Another File…"), "import.choose");
      update_actions (self);
      return;
    }

  g_free (self->encoding);
  self->encoding = g_strdup (qualify_importer_get_encoding (job->importer));
  self->delimiter = qualify_importer_get_delimiter (job->importer);

  self->updating++;
  fill_encodings (self, self->encoding);
  fill_delimiters (self, self->delimiter);
  fill_columns (self, qualify_importer_get_mappings (job->importer),
                qualify_importer_get_preview (job->importer));
  fill_preview (self, qualify_importer_get_mappings (job->importer),
                qualify_importer_get_preview (job->importer));
  update_file_subtitles (self);
  self->updating--;

  set_page (self, "preview");

  if (!ok && g_hash_table_size (self->overrides) == 0)
    {
      /* e.g. no email column: say so, and let the user map one. */
      show_check_error (self, error);
      return;
    }

  start_check (self);
}

static void
start_read (QualifyImportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);
  g_clear_object (&self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();

  self->read_generation++;
  self->check_generation++;
  self->reading = TRUE;
  self->checking = FALSE;
  self->checked = FALSE;

  job = job_new (self, JOB_READ);
  job->encoding = g_strdup (self->encoding);
  job->delimiter = self->delimiter;

  if (self->columns->len == 0)
    set_page (self, "loading");
  else
    set_summary (self, "emblem-synchronizing-symbolic", _("Reading the file again…"), NULL, TRUE);
  update_actions (self);

  task = g_task_new (NULL, self->read_cancellable, read_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_read);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
}

static void
encoding_selected_cb (AdwComboRow         *row,
                      GParamSpec          *pspec,
                      QualifyImportDialog *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating > 0 || selected >= self->encodings->len)
    return;
  if (g_strcmp0 (self->encoding, g_ptr_array_index (self->encodings, selected)) == 0)
    return;

  g_free (self->encoding);
  self->encoding = g_strdup (g_ptr_array_index (self->encodings, selected));
  self->encoding_chosen = TRUE;
  start_read (self);
}

static void
delimiter_selected_cb (AdwComboRow         *row,
                       GParamSpec          *pspec,
                       QualifyImportDialog *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating > 0 || selected >= self->delimiters->len)
    return;
  if (self->delimiter == g_array_index (self->delimiters, char, selected))
    return;

  self->delimiter = g_array_index (self->delimiters, char, selected);
  self->delimiter_chosen = TRUE;
  start_read (self);
}

static gboolean
progress_idle_cb (gpointer user_data)
{
  Progress *progress = user_data;
  g_autoptr(QualifyImportDialog) self = g_weak_ref_get (&progress->dialog);
  g_autofree char *rows = NULL;
  g_autofree char *text = NULL;
  double fraction;
  guint64 n;

  g_atomic_int_set (&progress->idle_pending, 0);
  if (self == NULL || !self->importing)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&progress->mutex);
  fraction = progress->fraction;
  n = progress->rows;
  g_mutex_unlock (&progress->mutex);

  rows = qualify_format_count (n);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row read", "%s rows read", n), rows);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_label_set_label (self->progress_label, text);

  return G_SOURCE_REMOVE;
}

/* Called from the import thread. */
static void
import_progress_cb (double   fraction,
                    guint64  rows,
                    gpointer user_data)
{
  Progress *progress = user_data;

  g_mutex_lock (&progress->mutex);
  progress->fraction = fraction;
  progress->rows = rows;
  g_mutex_unlock (&progress->mutex);

  if (g_atomic_int_get (&progress->cancel_on_progress))
    g_cancellable_cancel (progress->cancellable);

  if (g_atomic_int_compare_and_exchange (&progress->idle_pending, 0, 1))
    g_idle_add_full (G_PRIORITY_DEFAULT, progress_idle_cb, progress_ref (progress),
                     (GDestroyNotify) progress_unref);
}

static void
import_finished (QualifyImportDialog *self,
                 const GError        *error)
{
  self->importing = FALSE;
  g_clear_pointer (&self->progress, progress_unref);

  if (error != NULL && is_cancelled_error (error))
    {
      show_message (self, "process-stop-symbolic", _("Import Cancelled"),
                    _("Nothing was changed: the workspace is as it was before the import."),
                    _("_Close"), "window.close");
    }
  else if (error != NULL)
    {
      g_autofree char *description = g_strdup_printf (_("%s\n\nNothing was changed: the "
                                                        "workspace is as it was before the "
                                                        "import."),
                                                      error->message);
      show_message (self, "dialog-error-symbolic", _("Import Failed"), description,
                    _("_Back"), "import.back");
    }

  update_actions (self);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QualifyImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  g_autofree char *already = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *skipped = NULL;
  g_autofree char *description = NULL;
  g_autofree char *rows = NULL;
  QualifyImportStats stats = { 0 };

  if (!qualify_importer_run_finish (QUALIFY_IMPORTER (object), result, &stats, &error) ||
      self->disposed)
    {
      self->importing = FALSE;
      if (!self->disposed)
        import_finished (self, error);
      return;
    }

  self->imported = TRUE;
  self->result_stats = stats;
  import_finished (self, NULL);

  created = qualify_format_count (stats.created);
  already = qualify_format_count (stats.already);
  updated = qualify_format_count (stats.updated);
  skipped = qualify_format_count (stats.skipped);
  rows = qualify_format_count (stats.rows);
  gtk_label_set_label (self->created_label, created);
  gtk_label_set_label (self->already_label, already);
  gtk_label_set_label (self->updated_label, updated);
  gtk_label_set_label (self->skipped_label, skipped);
  gtk_widget_set_visible (GTK_WIDGET (self->save_problems_button), stats.skipped > 0);

  {
    g_autofree char *basename = g_file_get_basename (self->file);

    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s row read from “%s”",
                                                "%s rows read from “%s”", stats.rows),
                                   rows, basename);
  }
  {
    g_autofree char *escaped = g_markup_escape_text (description, -1);

    adw_status_page_set_description (self->result_page, escaped);
  }
  set_page (self, "result");
  update_actions (self);

  if (self->settings != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);
      if (parent != NULL && g_file_peek_path (parent) != NULL)
        g_settings_set_string (self->settings, "last-import-folder", g_file_peek_path (parent));
    }

  g_signal_emit (self, signals[IMPORTED], 0, &self->result_stats);
}

static void
import_prepared_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(QualifyImportDialog) self = user_data;
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (task, &error) || self->disposed)
    {
      self->importing = FALSE;
      if (!self->disposed)
        import_finished (self, error);
      return;
    }

  if (g_cancellable_is_cancelled (self->import_cancellable))
    {
      g_autoptr(GError) cancelled = g_error_new_literal (QUALIFY_IMPORT_ERROR,
                                                         QUALIFY_IMPORT_ERROR_CANCELLED,
                                                         _("Import cancelled"));
      import_finished (self, cancelled);
      return;
    }

  g_set_object (&self->import_importer, job->importer);
  qualify_importer_run_async (self->import_importer, self->import_cancellable,
                              import_progress_cb, self->progress,
                              import_done_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog     *chooser,
                     int                  response,
                     QualifyImportDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (file != NULL)
    qualify_import_dialog_set_file (self, file);
  else if (self->file == NULL)
    gtk_window_close (GTK_WINDOW (self));
}

static void
save_chooser_response_cb (GtkNativeDialog     *chooser,
                          int                  response,
                          QualifyImportDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (file != NULL)
    _qualify_import_dialog_save_problems (self, file);
}

/* Actions */

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (widget);
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  const char *title;

  if (self->chooser != NULL)
    return;

  title = self->kind == QUALIFY_IMPORT_LEADS ? _("Import Leads") : _("Import Events");
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_mime_type (csv, "text/tab-separated-values");
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_add_suffix (csv, "tsv");
  gtk_file_filter_add_suffix (csv, "txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), csv);

  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);
      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  else if (self->settings != NULL)
    {
      g_autofree char *folder = g_settings_get_string (self->settings, "last-import-folder");

      if (*folder != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GFile) parent = g_file_new_for_path (folder);
          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
        }
    }

  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (widget);

  set_page (self, "preview");
  self->check_generation++;
  start_check (self);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  g_autofree char *title = NULL;
  Job *job;

  if (self->importing || self->imported || !self->checked || self->check_failed)
    return;

  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);

  self->importing = TRUE;
  g_clear_object (&self->import_cancellable);
  self->import_cancellable = g_cancellable_new ();
  g_clear_pointer (&self->progress, progress_unref);
  self->progress = progress_new (self, self->import_cancellable);
  if (self->cancel_on_progress)
    g_atomic_int_set (&self->progress->cancel_on_progress, 1);

  title = g_strdup (self->kind == QUALIFY_IMPORT_LEADS ? _("Importing Leads…")
                                                      : _("Importing Events…"));
  gtk_label_set_label (self->progress_title, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_label (self->progress_label, _("Starting…"));
  set_page (self, "progress");
  update_actions (self);

  job = job_new (self, JOB_IMPORT);
  job->encoding = g_strdup (self->encoding);
  job->delimiter = self->delimiter;
  job->targets = snapshot_targets (self);

  task = g_task_new (NULL, self->import_cancellable, import_prepared_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_action);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
}

static void
as_events_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (widget);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GFile) file = NULL;
  g_autofree char *workspace_path = NULL;

  if (self->importing || self->imported || self->file == NULL)
    return;

  file = g_object_ref (self->file);
  workspace_path = g_strdup (self->workspace_path);
  if (parent != NULL)
    g_object_ref (parent);
  gtk_window_destroy (GTK_WINDOW (self));

  /* The window's own import, so that it rescores the leads afterwards. */
  if (QUALIFY_IS_WINDOW (parent))
    qualify_window_import_file (QUALIFY_WINDOW (parent), QUALIFY_IMPORT_EVENTS, file);
  else
    {
      GtkWindow *dialog = qualify_import_dialog_new (parent, workspace_path,
                                                     QUALIFY_IMPORT_EVENTS);

      qualify_import_dialog_set_file (QUALIFY_IMPORT_DIALOG (dialog), file);
      gtk_window_present (dialog);
    }
  g_clear_object (&parent);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (widget);

  if (!self->importing || self->import_cancellable == NULL)
    return;

  gtk_label_set_label (self->progress_label, _("Cancelling…"));
  gtk_widget_action_set_enabled (widget, "import.cancel", FALSE);
  g_cancellable_cancel (self->import_cancellable);
}

static void
save_problems_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (widget);
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;
  char *dot;

  if (self->chooser != NULL || self->import_importer == NULL)
    return;

  basename = g_file_get_basename (self->file);
  dot = strrchr (basename, '.');
  if (dot != NULL && dot != basename)
    *dot = '\0';
  /* Translators: file name suggested for the rows that were not imported */
  name = g_strdup_printf (_("%s-problems.csv"), basename);

  self->chooser = gtk_file_chooser_native_new (_("Save Problem Rows"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  {
    g_autoptr(GFile) parent = g_file_get_parent (self->file);
    if (parent != NULL)
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
  }
  g_signal_connect (self->chooser, "response", G_CALLBACK (save_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Overrides */

static gboolean
qualify_import_dialog_close_request (GtkWindow *window)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (window);

  /* Closing during an import cancels it; the dialog then says nothing changed. */
  if (self->importing)
    {
      cancel_action (GTK_WIDGET (self), "import.cancel", NULL);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (qualify_import_dialog_parent_class)->close_request (window);
}

static gboolean
open_chooser_idle_cb (gpointer user_data)
{
  QualifyImportDialog *self = user_data;

  if (self->file == NULL && self->chooser == NULL)
    choose_action (GTK_WIDGET (self), "import.choose", NULL);
  return G_SOURCE_REMOVE;
}

static void
qualify_import_dialog_map (GtkWidget *widget)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (widget);

  GTK_WIDGET_CLASS (qualify_import_dialog_parent_class)->map (widget);

  if (!self->chooser_shown && self->file == NULL)
    {
      self->chooser_shown = TRUE;
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, open_chooser_idle_cb, g_object_ref (self),
                       g_object_unref);
    }
}

static void
qualify_import_dialog_dispose (GObject *object)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (object);

  self->disposed = TRUE;
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), QUALIFY_TYPE_IMPORT_DIALOG);

  G_OBJECT_CLASS (qualify_import_dialog_parent_class)->dispose (object);
}

static void
qualify_import_dialog_finalize (GObject *object)
{
  QualifyImportDialog *self = QUALIFY_IMPORT_DIALOG (object);

  g_clear_pointer (&self->workspace_path, g_free);
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->event_type_header, g_free);
  g_clear_pointer (&self->event_time_header, g_free);
  g_clear_object (&self->file);
  g_clear_object (&self->settings);
  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->import_cancellable);
  g_clear_object (&self->import_importer);
  g_clear_pointer (&self->progress, progress_unref);
  g_clear_pointer (&self->choices, g_array_unref);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->overrides, g_hash_table_unref);
  g_clear_pointer (&self->encodings, g_ptr_array_unref);
  g_clear_pointer (&self->delimiters, g_array_unref);
  g_clear_pointer (&self->problem_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (qualify_import_dialog_parent_class)->finalize (object);
}

static void
qualify_import_dialog_class_init (QualifyImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = qualify_import_dialog_dispose;
  object_class->finalize = qualify_import_dialog_finalize;
  widget_class->map = qualify_import_dialog_map;
  window_class->close_request = qualify_import_dialog_close_request;

  /**
   * QualifyImportDialog::imported:
   * @stats: (type gpointer): the const QualifyImportStats of the import
   *
   * Emitted after an import was committed.
   */
  signals[IMPORTED] = g_signal_new ("imported",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qualifyapp/Qualify/qualify-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, message_page);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, message_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, encoding_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, delimiter_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, preview_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, preview_scroller);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, check_group);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, summary_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, summary_spinner);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, events_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, events_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, progress_title);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, result_page);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, created_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, already_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, updated_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, skipped_row);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, created_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, already_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, updated_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, save_problems_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, QualifyImportDialog, cancel_import_button);
  gtk_widget_class_bind_template_callback (widget_class, encoding_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, delimiter_selected_cb);

  gtk_widget_class_install_action (widget_class, "import.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "import.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "import.as-events", NULL, as_events_action);
  gtk_widget_class_install_action (widget_class, "import.save-problems", NULL,
                                   save_problems_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qualify_import_dialog_init (QualifyImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->choices = g_array_new (FALSE, TRUE, sizeof (Choice));
  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
  self->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->encodings = g_ptr_array_new_with_free_func (g_free);
  self->delimiters = g_array_new (FALSE, TRUE, sizeof (char));
  self->problem_rows = g_ptr_array_new ();
  self->settings = qualify_application_dup_default_settings ();

  gtk_widget_set_visible (GTK_WIDGET (self->summary_spinner), FALSE);
  update_actions (self);
}

/* Private API (tests) */

const char *
_qualify_import_dialog_get_page (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
_qualify_import_dialog_is_busy (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), FALSE);
  return self->reading || self->checking || self->importing;
}

const char *
_qualify_import_dialog_get_message (QualifyImportDialog  *self,
                                    const char          **description)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);
  if (description != NULL)
    *description = adw_status_page_get_description (self->message_page);
  return adw_status_page_get_title (self->message_page);
}

const char *
_qualify_import_dialog_get_encoding (QualifyImportDialog *self)
{
  guint selected;

  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);
  selected = adw_combo_row_get_selected (self->encoding_row);
  return selected < self->encodings->len ? g_ptr_array_index (self->encodings, selected) : NULL;
}

char
_qualify_import_dialog_get_delimiter (QualifyImportDialog *self)
{
  guint selected;

  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), 0);
  selected = adw_combo_row_get_selected (self->delimiter_row);
  return selected < self->delimiters->len ? g_array_index (self->delimiters, char, selected) : 0;
}

gboolean
_qualify_import_dialog_select_encoding (QualifyImportDialog *self,
                                        const char          *encoding)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), FALSE);

  for (guint i = 0; i < self->encodings->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (self->encodings, i), encoding) == 0)
      {
        adw_combo_row_set_selected (self->encoding_row, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
_qualify_import_dialog_select_delimiter (QualifyImportDialog *self,
                                         char                 delimiter)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), FALSE);

  for (guint i = 0; i < self->delimiters->len; i++)
    if (g_array_index (self->delimiters, char, i) == delimiter)
      {
        adw_combo_row_set_selected (self->delimiter_row, i);
        return TRUE;
      }
  return FALSE;
}

guint
_qualify_import_dialog_get_n_columns (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), 0);
  return self->columns->len;
}

const char *
_qualify_import_dialog_get_columns_description (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);
  return adw_preferences_group_get_description (self->columns_group);
}

const char *
_qualify_import_dialog_get_column (QualifyImportDialog  *self,
                                   guint                 index,
                                   QualifyTargetKind    *kind,
                                   const char          **target,
                                   gboolean             *automatic)
{
  const Column *column;
  const Choice *choice;
  guint selected;

  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);
  g_return_val_if_fail (index < self->columns->len, NULL);

  column = g_ptr_array_index (self->columns, index);
  /* What the row shows is what will be imported. */
  selected = adw_combo_row_get_selected (column->row);
  g_return_val_if_fail (selected == column->choice, NULL);
  choice = &g_array_index (self->choices, Choice, selected);

  if (kind != NULL)
    *kind = choice->kind;
  if (target != NULL)
    *target = choice->target;
  if (automatic != NULL)
    *automatic = column->automatic;
  return column->header;
}

gboolean
_qualify_import_dialog_map_column (QualifyImportDialog *self,
                                   guint                index,
                                   QualifyTargetKind    kind,
                                   const char          *target)
{
  const Column *column;
  guint choice;

  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (index < self->columns->len, FALSE);

  column = g_ptr_array_index (self->columns, index);
  choice = find_choice (self, kind, target);
  if (g_array_index (self->choices, Choice, choice).kind != kind)
    return FALSE;

  adw_combo_row_set_selected (column->row, choice);
  return TRUE;
}

guint
_qualify_import_dialog_get_n_preview_rows (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), 0);
  return self->n_preview_rows;
}

gboolean
_qualify_import_dialog_get_validation (QualifyImportDialog *self,
                                       QualifyImportStats  *stats)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), FALSE);

  if (!self->checked || self->check_failed || self->checking || self->reading)
    return FALSE;
  if (stats != NULL)
    *stats = self->check_stats;
  return TRUE;
}

const char *
_qualify_import_dialog_get_events_hint (QualifyImportDialog  *self,
                                        const char          **subtitle)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->events_row)))
    return NULL;
  if (subtitle != NULL)
    *subtitle = adw_action_row_get_subtitle (self->events_row);
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->events_row));
}

gboolean
_qualify_import_dialog_summary_shown (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->summary_row));
}

QualifyImportKind
_qualify_import_dialog_get_kind (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), QUALIFY_IMPORT_LEADS);

  return self->kind;
}

GFile *
_qualify_import_dialog_get_file (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);

  return self->file;
}

const char *
_qualify_import_dialog_get_summary (QualifyImportDialog *self)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), NULL);
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->summary_row));
}

gboolean
_qualify_import_dialog_get_result (QualifyImportDialog *self,
                                   QualifyImportStats  *stats)
{
  g_return_val_if_fail (QUALIFY_IS_IMPORT_DIALOG (self), FALSE);

  if (!self->imported)
    return FALSE;
  if (stats != NULL)
    *stats = self->result_stats;
  return TRUE;
}

void
_qualify_import_dialog_cancel_on_progress (QualifyImportDialog *self)
{
  g_return_if_fail (QUALIFY_IS_IMPORT_DIALOG (self));
  self->cancel_on_progress = TRUE;
}

void
_qualify_import_dialog_save_problems (QualifyImportDialog *self,
                                      GFile               *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *basename = NULL;
  AdwToast *toast;

  g_return_if_fail (QUALIFY_IS_IMPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->import_importer == NULL)
    return;

  basename = g_file_get_basename (file);
  if (g_file_peek_path (file) == NULL)
    message = g_strdup_printf (_("Cannot save to “%s”: choose a local folder."), basename);
  else if (!qualify_importer_write_problems (self->import_importer, g_file_peek_path (file),
                                             &error))
    message = g_strdup (error->message);
  else
    message = g_strdup_printf (_("Problem rows saved to “%s”"), basename);

  toast = qualify_toast_new (message);
  adw_toast_set_timeout (toast, error != NULL ? 0 : 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Public API */

/**
 * qualify_import_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @workspace_path: the workspace file to import into
 * @kind: leads or events
 *
 * Returns: (transfer floating): a new import dialog; show it with gtk_window_present().
 */
GtkWindow *
qualify_import_dialog_new (GtkWindow         *parent,
                           const char        *workspace_path,
                           QualifyImportKind  kind)
{
  QualifyImportDialog *self;
  const char *title;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (workspace_path != NULL, NULL);

  self = g_object_new (QUALIFY_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->workspace_path = g_strdup (workspace_path);
  self->kind = kind;
  build_choices (self);

  title = kind == QUALIFY_IMPORT_LEADS ? _("Import Leads") : _("Import Events");
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  if (kind == QUALIFY_IMPORT_EVENTS)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->created_row), _("Events added"));
      gtk_widget_set_visible (GTK_WIDGET (self->already_row), TRUE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->updated_row),
                                     _("Leads created for unknown emails"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->created_row), _("Leads created"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->updated_row), _("Leads updated"));
    }

  return GTK_WINDOW (self);
}

/**
 * qualify_import_dialog_set_file:
 * @self: a #QualifyImportDialog
 * @file: a local CSV file
 *
 * Reads @file and shows its preview, without asking for a file.
 */
void
qualify_import_dialog_set_file (QualifyImportDialog *self,
                                GFile               *file)
{
  g_autofree char *basename = NULL;

  g_return_if_fail (QUALIFY_IS_IMPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->importing || self->imported)
    return;

  g_set_object (&self->file, file);
  self->chooser_shown = TRUE;
  g_clear_pointer (&self->encoding, g_free);
  self->delimiter = 0;
  self->encoding_chosen = FALSE;
  self->delimiter_chosen = FALSE;
  g_hash_table_remove_all (self->overrides);

  basename = g_file_get_basename (file);
  adw_window_title_set_subtitle (self->window_title, basename);

  if (g_file_peek_path (file) == NULL)
    {
      g_autofree char *description =
        g_strdup_printf (_("“%s” is not a local file. Copy it to a local folder first."), basename);
      show_message (self, "dialog-error-symbolic", _("Cannot Read This File"), description,
                    _("_Choose Another File…"), "import.choose");
      return;
    }

  /* Forget the previous file's columns so the loading page shows. */
  clear_columns (self);
  start_read (self);
}
