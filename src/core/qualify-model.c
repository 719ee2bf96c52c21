/* qualify-model.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-model"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "qualify-core-resources.h"
#include "qualify-model.h"
#include "qualify-parse.h"

#define TEMPLATE_PATH "/io/github/qualifyapp/Qualify/core/models/"

struct _QualifyModel
{
  GObject     parent_instance;

  char       *name;
  GPtrArray  *fit;          /* QualifyFieldRule */
  GPtrArray  *disqualify;   /* QualifyFieldRule */
  GPtrArray  *engagement;   /* QualifyEngagementRule */
  GStrv       sales_ready;   /* normalized */
  GStrv       sales_ready_text; /* as written (trimmed), for serialising back */
  double      mql;
  double      min_fit;
  double      min_engagement;
  GArray     *grades;       /* QualifyGrade, best first */
};

/* The public rule structs come first, so a pointer to an entry is a pointer to its rule.
 * The rest keeps what the user wrote, so that serialising gives it back unchanged. */
typedef struct
{
  QualifyFieldRule  pub;
  JsonNode         *value;   /* the "value" member as written; NULL when absent */
} FieldRuleEntry;

typedef struct
{
  QualifyEngagementRule  pub;
  char                  *event_text;  /* trimmed, not case-folded */
  char                  *match_text;  /* NULL when absent */
} EngagementEntry;

G_DEFINE_FINAL_TYPE (QualifyModel, qualify_model, G_TYPE_OBJECT)

G_DEFINE_QUARK (qualify-model-error, qualify_model_error)

static const char * const op_names[QUALIFY_N_OPS] = {
  "equals", "not_equals", "in", "not_in", "contains", "not_contains", "starts_with",
  "ends_with", "gte", "lte", "between", "is_set", "is_empty", "domain_in", "has_any",
};

static void
field_rule_free (FieldRuleEntry *entry)
{
  g_free (entry->pub.id);
  g_free (entry->pub.label);
  g_free (entry->pub.field);
  g_strfreev (entry->pub.values);
  g_clear_pointer (&entry->value, json_node_unref);
  g_free (entry);
}

static void
engagement_rule_free (EngagementEntry *entry)
{
  g_free (entry->pub.id);
  g_free (entry->pub.label);
  g_free (entry->pub.event);
  g_free (entry->pub.match);
  g_free (entry->event_text);
  g_free (entry->match_text);
  g_free (entry);
}

static void
qualify_model_finalize (GObject *object)
{
  QualifyModel *self = (QualifyModel *)object;

  g_free (self->name);
  g_clear_pointer (&self->fit, g_ptr_array_unref);
  g_clear_pointer (&self->disqualify, g_ptr_array_unref);
  g_clear_pointer (&self->engagement, g_ptr_array_unref);
  g_clear_pointer (&self->sales_ready, g_strfreev);
  g_clear_pointer (&self->sales_ready_text, g_strfreev);
  g_clear_pointer (&self->grades, g_array_unref);

  G_OBJECT_CLASS (qualify_model_parent_class)->finalize (object);
}

static void
qualify_model_class_init (QualifyModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qualify_model_finalize;
}

static void
qualify_model_init (QualifyModel *self)
{
  self->fit = g_ptr_array_new_with_free_func ((GDestroyNotify) field_rule_free);
  self->disqualify = g_ptr_array_new_with_free_func ((GDestroyNotify) field_rule_free);
  self->engagement = g_ptr_array_new_with_free_func ((GDestroyNotify) engagement_rule_free);
  self->grades = g_array_new (FALSE, TRUE, sizeof (QualifyGrade));
}

char *
qualify_model_normalize (const char *str)
{
  g_autofree char *copy = NULL;
  gboolean ascii = TRUE;

  if (str == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (str));
  for (const char *p = copy; *p; p++)
    if ((guchar) *p >= 0x80)
      {
        ascii = FALSE;
        break;
      }

  if (ascii)
    return g_ascii_strdown (copy, -1);
  if (!g_utf8_validate (copy, -1, NULL))
    return g_ascii_strdown (copy, -1);

  return g_utf8_casefold (copy, -1);
}

const char *
qualify_op_to_string (QualifyOp op)
{
  g_return_val_if_fail (op < QUALIFY_N_OPS, NULL);
  return op_names[op];
}

gboolean
qualify_op_from_string (const char *str,
                        QualifyOp  *op)
{
  for (guint i = 0; str != NULL && i < QUALIFY_N_OPS; i++)
    if (g_str_equal (str, op_names[i]))
      {
        if (op != NULL)
          *op = i;
        return TRUE;
      }
  return FALSE;
}

/* g_strv_builder_take() is GLib 2.80 */
static void
strv_builder_take (GStrvBuilder *builder,
                   char         *str)
{
  g_strv_builder_add (builder, str);
  g_free (str);
}

/* Validation helpers: each sets a located error and returns FALSE. */

G_GNUC_PRINTF (3, 4) static gboolean
invalid (GError     **error,
         const char  *path,
         const char  *format,
         ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_INVALID, "%s: %s", path, msg);
  return FALSE;
}

/* A short picture of what the user wrote, for "(got …)" in messages. */
static char *
describe (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("nothing"));
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("an object"));
  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 4)
    {
      guint n = json_array_get_length (json_node_get_array (node));
      return g_strdup_printf (g_dngettext (NULL, "a list of %u item", "a list of %u items", n), n);
    }

  text = json_to_string (node, FALSE);
  if (g_utf8_strlen (text, -1) > 60)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, 59);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&text);
}

static gboolean
is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 ||
          json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static gboolean
check_keys (JsonObject          *obj,
            const char          *path,
            const char * const  *allowed,
            GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        g_autofree char *where = g_strdup_printf ("%s.%s", path, (const char *) l->data);
        return invalid (error, where, _("unknown key; allowed here: %s"), list);
      }

  return TRUE;
}

static gboolean
get_number (JsonObject  *obj,
            const char  *path,
            const char  *key,
            gboolean     required,
            double       fallback,
            double      *out,
            GError     **error)
{
  g_autofree char *where = g_strdup_printf ("%s.%s", path, key);
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, where, _("missing; a number is required"));
      *out = fallback;
      return TRUE;
    }

  if (!is_number (node))
    {
      g_autofree char *got = describe (node);
      return invalid (error, where, _("must be a number (got %s)"), got);
    }

  *out = json_node_get_double (node);
  if (!isfinite (*out))
    return invalid (error, where, _("must be a finite number"));

  return TRUE;
}

static gboolean
get_positive (JsonObject  *obj,
              const char  *path,
              const char  *key,
              double      *out,
              GError     **error)
{
  if (!get_number (obj, path, key, FALSE, 0, out, error))
    return FALSE;

  if (json_object_has_member (obj, key) && *out <= 0)
    {
      g_autofree char *where = g_strdup_printf ("%s.%s", path, key);
      return invalid (error, where, _("must be a number greater than 0 (got %g)"), *out);
    }

  return TRUE;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *path,
            const char  *key,
            gboolean     required,
            char       **out,
            GError     **error)
{
  g_autofree char *where = g_strdup_printf ("%s.%s", path, key);
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, where, _("missing; a non-empty string is required"));
      *out = NULL;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *got = describe (node);
      return invalid (error, where, _("must be a string (got %s)"), got);
    }

  *out = g_strstrip (g_strdup (json_node_get_string (node)));
  if (required && **out == '\0')
    {
      g_clear_pointer (out, g_free);
      return invalid (error, where, _("must not be empty"));
    }

  return TRUE;
}

static char *
scalar_text (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", json_node_get_double (node)));
      }
    default:
      return NULL;
    }
}

static char *
normalize_domain (const char *value)
{
  g_autofree char *n = qualify_model_normalize (value);
  GString *domain = g_string_new (NULL);

  qualify_normalize_domain (domain, n, strlen (n));
  return g_string_free (domain, FALSE);
}

/* value → rule->values / lo / hi, per operator */
static gboolean
parse_value (QualifyFieldRule  *rule,
             JsonNode          *value,
             const char        *path,
             GError           **error)
{
  g_autofree char *where = g_strdup_printf ("%s.value", path);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean needs_list = FALSE;
  gboolean list_ok = FALSE;

  switch (rule->op)
    {
    case QUALIFY_OP_IS_SET:
    case QUALIFY_OP_IS_EMPTY:
      if (value != NULL)
        return invalid (error, where, _("“%s” takes no value; remove it"), op_names[rule->op]);
      return TRUE;

    case QUALIFY_OP_GTE:
    case QUALIFY_OP_LTE:
      if (!is_number (value))
        {
          g_autofree char *got = describe (value);
          return invalid (error, where, _("“%s” needs a number (got %s)"), op_names[rule->op], got);
        }
      rule->lo = rule->hi = json_node_get_double (value);
      rule->has_number = TRUE;
      return TRUE;

    case QUALIFY_OP_BETWEEN:
      {
        JsonArray *arr;
        JsonNode *a, *b;

        if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
            json_array_get_length (arr = json_node_get_array (value)) != 2)
          {
            g_autofree char *got = describe (value);
            return invalid (error, where, _("“between” needs a list of two numbers [low, high] (got %s)"),
                            got);
          }
        a = json_array_get_element (arr, 0);
        b = json_array_get_element (arr, 1);
        if (!is_number (a) || !is_number (b))
          {
            g_autofree char *got = describe (value);
            return invalid (error, where, _("“between” needs a list of two numbers [low, high] (got %s)"),
                            got);
          }
        rule->lo = json_node_get_double (a);
        rule->hi = json_node_get_double (b);
        rule->has_number = TRUE;
        if (rule->lo > rule->hi)
          return invalid (error, where, _("low (%g) is greater than high (%g)"), rule->lo, rule->hi);
        return TRUE;
      }

    case QUALIFY_OP_IN:
    case QUALIFY_OP_NOT_IN:
    case QUALIFY_OP_DOMAIN_IN:
    case QUALIFY_OP_HAS_ANY:
      needs_list = TRUE;
      list_ok = TRUE;
      break;

    case QUALIFY_OP_CONTAINS:
    case QUALIFY_OP_NOT_CONTAINS:
    case QUALIFY_OP_STARTS_WITH:
    case QUALIFY_OP_ENDS_WITH:
      list_ok = TRUE;
      break;

    case QUALIFY_OP_EQUALS:
    case QUALIFY_OP_NOT_EQUALS:
    case QUALIFY_N_OPS:
    default:
      break;
    }

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return invalid (error, where, needs_list ? _("missing; “%s” needs a list of strings")
                                             : _("missing; “%s” needs a string or a number"),
                    op_names[rule->op]);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *arr = json_node_get_array (value);

      if (!list_ok)
        return invalid (error, where, _("“%s” takes one string, not a list"), op_names[rule->op]);
      if (json_array_get_length (arr) == 0)
        return invalid (error, where, _("the list is empty"));

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *item = json_array_get_element (arr, i);
          g_autofree char *text = scalar_text (item);
          g_autofree char *item_path = g_strdup_printf ("%s[%u]", where, i);
          g_autofree char *norm = NULL;

          if (text == NULL)
            {
              g_autofree char *got = describe (item);
              return invalid (error, item_path, _("must be a string or a number (got %s)"), got);
            }
          norm = rule->op == QUALIFY_OP_DOMAIN_IN ? normalize_domain (text)
                                                  : qualify_model_normalize (text);
          if (norm[0] == '\0')
            return invalid (error, item_path,
                            _("must not be empty; use the “is_empty” operator to match empty fields"));
          g_strv_builder_add (builder, norm);
        }
    }
  else
    {
      g_autofree char *text = scalar_text (value);
      g_autofree char *norm = NULL;

      if (needs_list)
        return invalid (error, where, _("“%s” needs a list of strings, e.g. [\"a\", \"b\"]"),
                        op_names[rule->op]);
      if (text == NULL)
        {
          g_autofree char *got = describe (value);
          return invalid (error, where, _("“%s” needs a string or a number (got %s)"),
                          op_names[rule->op], got);
        }
      norm = qualify_model_normalize (text);
      if (norm[0] == '\0')
        return invalid (error, where,
                        _("must not be empty; use the “is_empty” operator to match empty fields"));
      if ((rule->op == QUALIFY_OP_EQUALS || rule->op == QUALIFY_OP_NOT_EQUALS))
        {
          char *end = NULL;
          double d = g_ascii_strtod (text, &end);

          if (end != text && *end == '\0' && isfinite (d))
            {
              rule->lo = rule->hi = d;
              rule->has_number = TRUE;
            }
        }
      g_strv_builder_add (builder, norm);
    }

  rule->values = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
check_id (GHashTable  *ids,
          const char  *id,
          const char  *path,
          GError     **error)
{
  if (g_hash_table_contains (ids, id))
    {
      g_autofree char *where = g_strdup_printf ("%s.id", path);
      return invalid (error, where, _("“%s” is already used by another rule; ids must be unique"), id);
    }
  g_hash_table_add (ids, g_strdup (id));
  return TRUE;
}

static gboolean
parse_field_rules (QualifyModel  *self,
                   JsonObject    *root,
                   const char    *key,
                   gboolean       with_points,
                   GPtrArray     *into,
                   GHashTable    *ids,
                   GError       **error)
{
  static const char * const fit_keys[] = { "id", "label", "field", "op", "value", "points", NULL };
  static const char * const disq_keys[] = { "id", "label", "field", "op", "value", NULL };
  JsonNode *node = json_object_get_member (root, key);
  g_autofree char *path = g_strdup_printf ("$.%s", key);
  JsonArray *arr;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, path, _("must be a list of rules"));

  arr = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *rpath = g_strdup_printf ("%s[%u]", path, i);
      g_autofree char *op = NULL;
      JsonNode *rnode = json_array_get_element (arr, i);
      FieldRuleEntry *entry;
      QualifyFieldRule *rule;
      JsonNode *value;
      JsonObject *obj;

      if (!JSON_NODE_HOLDS_OBJECT (rnode))
        return invalid (error, rpath, _("must be an object"));
      obj = json_node_get_object (rnode);
      if (!check_keys (obj, rpath, with_points ? fit_keys : disq_keys, error))
        return FALSE;

      entry = g_new0 (FieldRuleEntry, 1);
      g_ptr_array_add (into, entry);
      rule = &entry->pub;

      if (!get_string (obj, rpath, "id", TRUE, &rule->id, error) ||
          !check_id (ids, rule->id, rpath, error) ||
          !get_string (obj, rpath, "label", FALSE, &rule->label, error) ||
          !get_string (obj, rpath, "field", TRUE, &rule->field, error) ||
          !get_string (obj, rpath, "op", TRUE, &op, error))
        return FALSE;
      if (rule->label == NULL || rule->label[0] == '\0')
        {
          g_free (rule->label);
          rule->label = g_strdup (rule->id);
        }
      if (!qualify_op_from_string (op, &rule->op))
        {
          g_autofree char *where = g_strdup_printf ("%s.op", rpath);
          g_autofree char *list = g_strjoinv (", ", (char **) op_names);
          return invalid (error, where, _("unknown operator “%s”; allowed: %s"), op, list);
        }
      value = json_object_get_member (obj, "value");
      if (value != NULL && JSON_NODE_HOLDS_NULL (value))
        value = NULL;
      if (!parse_value (rule, value, rpath, error))
        return FALSE;
      entry->value = value ? json_node_copy (value) : NULL;
      if (with_points && !get_number (obj, rpath, "points", TRUE, 0, &rule->points, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_engagement (QualifyModel  *self,
                  JsonObject    *root,
                  GHashTable    *ids,
                  GError       **error)
{
  static const char * const keys[] = {
    "id", "label", "event", "match", "points", "half_life_days", "cap", "within_days", NULL
  };
  JsonNode *node = json_object_get_member (root, "engagement");
  JsonArray *arr;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "$.engagement", _("must be a list of rules"));

  arr = json_node_get_array (node);
  if (json_array_get_length (arr) > QUALIFY_MODEL_MAX_ENGAGEMENT_RULES)
    return invalid (error, "$.engagement", _("has %u rules; at most %u are allowed"),
                    json_array_get_length (arr), QUALIFY_MODEL_MAX_ENGAGEMENT_RULES);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *rpath = g_strdup_printf ("$.engagement[%u]", i);
      JsonNode *rnode = json_array_get_element (arr, i);
      EngagementEntry *entry;
      QualifyEngagementRule *rule;
      JsonObject *obj;

      if (!JSON_NODE_HOLDS_OBJECT (rnode))
        return invalid (error, rpath, _("must be an object"));
      obj = json_node_get_object (rnode);
      if (!check_keys (obj, rpath, keys, error))
        return FALSE;

      entry = g_new0 (EngagementEntry, 1);
      g_ptr_array_add (self->engagement, entry);
      rule = &entry->pub;

      if (!get_string (obj, rpath, "id", TRUE, &rule->id, error) ||
          !check_id (ids, rule->id, rpath, error) ||
          !get_string (obj, rpath, "label", FALSE, &rule->label, error) ||
          !get_string (obj, rpath, "event", TRUE, &entry->event_text, error) ||
          !get_string (obj, rpath, "match", FALSE, &entry->match_text, error) ||
          !get_number (obj, rpath, "points", TRUE, 0, &rule->points, error) ||
          !get_positive (obj, rpath, "half_life_days", &rule->half_life_days, error) ||
          !get_positive (obj, rpath, "cap", &rule->cap, error) ||
          !get_positive (obj, rpath, "within_days", &rule->within_days, error))
        return FALSE;

      if (rule->label == NULL || rule->label[0] == '\0')
        {
          g_free (rule->label);
          rule->label = g_strdup (rule->id);
        }
      if (entry->match_text != NULL && entry->match_text[0] == '\0')
        g_clear_pointer (&entry->match_text, g_free);
      rule->event = qualify_model_normalize (entry->event_text);
      rule->match = qualify_model_normalize (entry->match_text);
    }

  return TRUE;
}

static int
compare_grades (gconstpointer a,
                gconstpointer b)
{
  return strcmp (((const QualifyGrade *) a)->letter, ((const QualifyGrade *) b)->letter);
}

static gboolean
parse_grades (QualifyModel  *self,
              JsonObject    *root,
              GError       **error)
{
  JsonNode *node = json_object_get_member (root, "grades");
  g_autoptr(GList) members = NULL;
  JsonObject *obj;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      static const QualifyGrade defaults[] = { { "A", 60 }, { "B", 40 }, { "C", 20 }, { "D", 0 } };
      g_array_append_vals (self->grades, defaults, G_N_ELEMENTS (defaults));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "$.grades", _("must be an object of letter → lowest fit, e.g. {\"A\":60,\"B\":40}"));

  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *letter = l->data;
      g_autofree char *where = g_strdup_printf ("$.grades.%s", letter);
      QualifyGrade grade = { { 0 }, 0 };

      if (strlen (letter) != 1 || !g_ascii_isupper (letter[0]) || letter[0] == 'F')
        return invalid (error, where, _("grades are single capital letters other than F (F is below the last bound)"));
      if (!get_number (obj, "$.grades", letter, TRUE, 0, &grade.bound, error))
        return FALSE;
      grade.letter[0] = letter[0];
      g_array_append_val (self->grades, grade);
    }

  if (self->grades->len == 0)
    return invalid (error, "$.grades", _("must name at least one grade"));

  g_array_sort (self->grades, compare_grades);
  for (guint i = 1; i < self->grades->len; i++)
    {
      const QualifyGrade *prev = &g_array_index (self->grades, QualifyGrade, i - 1);
      const QualifyGrade *cur = &g_array_index (self->grades, QualifyGrade, i);

      if (cur->bound >= prev->bound)
        {
          g_autofree char *where = g_strdup_printf ("$.grades.%s", cur->letter);
          return invalid (error, where, _("must be lower than %s’s bound (%g); bounds decrease from A down"),
                          prev->letter, prev->bound);
        }
    }

  return TRUE;
}

static gboolean
parse_sales_ready (QualifyModel  *self,
                   JsonObject    *root,
                   GError       **error)
{
  g_autoptr(GStrvBuilder) norm = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) text = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (root, "sales_ready");

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *arr;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_autofree char *got = describe (node);
          return invalid (error, "$.sales_ready",
                          _("must be a list of event types, e.g. [\"demo_request\"] (got %s)"), got);
        }

      arr = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *item = json_array_get_element (arr, i);
          g_autofree char *where = g_strdup_printf ("$.sales_ready[%u]", i);
          g_autofree char *trimmed = NULL;

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              g_autofree char *got = describe (item);
              return invalid (error, where, _("must be an event type, a string such as \"demo_request\" (got %s)"),
                              got);
            }
          trimmed = g_strstrip (g_strdup (json_node_get_string (item)));
          if (trimmed[0] == '\0')
            return invalid (error, where, _("must not be empty; write an event type such as \"demo_request\""));
          strv_builder_take (norm, qualify_model_normalize (trimmed));
          g_strv_builder_add (text, trimmed);
        }
    }

  self->sales_ready = g_strv_builder_end (norm);
  self->sales_ready_text = g_strv_builder_end (text);
  return TRUE;
}

static gboolean
parse_thresholds (QualifyModel  *self,
                  JsonObject    *root,
                  GError       **error)
{
  static const char * const keys[] = { "mql", "min_fit", "min_engagement", NULL };
  JsonNode *node = json_object_get_member (root, "thresholds");
  JsonObject *obj;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (error, "$.thresholds",
                    _("missing; an object such as {\"mql\": 60, \"min_fit\": 25, \"min_engagement\": 10} "
                      "is required (mql at least)"));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *got = describe (node);
      return invalid (error, "$.thresholds",
                      _("must be an object such as {\"mql\": 60, \"min_fit\": 25, \"min_engagement\": 10} "
                        "(got %s)"), got);
    }

  obj = json_node_get_object (node);
  return check_keys (obj, "$.thresholds", keys, error) &&
         get_number (obj, "$.thresholds", "mql", TRUE, 0, &self->mql, error) &&
         get_number (obj, "$.thresholds", "min_fit", FALSE, 0, &self->min_fit, error) &&
         get_number (obj, "$.thresholds", "min_engagement", FALSE, 0, &self->min_engagement, error);
}

/* Serialising */

static void
add_number (JsonBuilder *builder,
            double       value)
{
  if (value == floor (value) && fabs (value) < 1e15)
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_field_rules (JsonBuilder *builder,
                 const char  *key,
                 GPtrArray   *rules,
                 gboolean     with_points)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; i < rules->len; i++)
    {
      const FieldRuleEntry *entry = g_ptr_array_index (rules, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, entry->pub.id);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, entry->pub.label);
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, entry->pub.field);
      json_builder_set_member_name (builder, "op");
      json_builder_add_string_value (builder, op_names[entry->pub.op]);
      if (entry->value != NULL)
        {
          json_builder_set_member_name (builder, "value");
          json_builder_add_value (builder, json_node_copy (entry->value));
        }
      if (with_points)
        {
          json_builder_set_member_name (builder, "points");
          add_number (builder, entry->pub.points);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_optional_number (JsonBuilder *builder,
                     const char  *key,
                     double       value)
{
  if (value == 0)
    return;
  json_builder_set_member_name (builder, key);
  add_number (builder, value);
}

/* JSON text with numbers as short as they can be while reading back the same
 * (json-glib 1.6 writes 0.1 as 0.10000000000000001), and lists of plain values
 * on one line when pretty. */

static void
write_string (GString    *out,
              const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; *p; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static void
write_double (GString *out,
              double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
  /* keep it a JSON double: 1e+20 and 2.5 are fine, a bare 3 would read back as an integer */
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

static gboolean
is_flat_array (JsonNode *node)
{
  JsonArray *arr = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    if (!JSON_NODE_HOLDS_VALUE (json_array_get_element (arr, i)) &&
        !JSON_NODE_HOLDS_NULL (json_array_get_element (arr, i)))
      return FALSE;
  return TRUE;
}

static void
write_indent (GString  *out,
              gboolean  pretty,
              guint     depth)
{
  if (!pretty)
    return;
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
write_node (GString  *out,
            JsonNode *node,
            gboolean  pretty,
            guint     depth)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *obj = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (obj);

        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            write_indent (out, pretty, depth + 1);
            write_string (out, l->data);
            g_string_append (out, pretty ? ": " : ":");
            write_node (out, json_object_get_member (obj, l->data), pretty, depth + 1);
            if (l->next != NULL)
              g_string_append_c (out, ',');
          }
        if (members != NULL)
          write_indent (out, pretty, depth);
        g_string_append_c (out, '}');
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *arr = json_node_get_array (node);
        guint n = json_array_get_length (arr);
        gboolean flat = is_flat_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (!flat)
              write_indent (out, pretty, depth + 1);
            write_node (out, json_array_get_element (arr, i), pretty, depth + 1);
            if (i + 1 < n)
              g_string_append (out, flat && pretty ? ", " : ",");
          }
        if (n > 0 && !flat)
          write_indent (out, pretty, depth);
        g_string_append_c (out, ']');
        break;
      }

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          write_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          write_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;
    }
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Public API */

QualifyModel *
qualify_model_new_from_node (JsonNode  *root,
                             GError   **error)
{
  static const char * const keys[] = {
    "format", "name", "fit", "engagement", "disqualify", "sales_ready", "thresholds", "grades", NULL
  };
  g_autoptr(QualifyModel) self = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *obj;
  double format;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *got = describe (root);
      invalid (error, "$", _("a scoring model is a JSON object {\"format\": 1, \"name\": …} (got %s)"), got);
      return NULL;
    }

  self = g_object_new (QUALIFY_TYPE_MODEL, NULL);
  obj = json_node_get_object (root);

  /* The format first: a newer file is refused as such, not for its new keys. */
  if (!get_number (obj, "$", "format", TRUE, 0, &format, error))
    return NULL;
  if (format != 1)
    {
      invalid (error, "$.format", _("unsupported format %g; this version of Qualify reads format 1"), format);
      return NULL;
    }

  if (!check_keys (obj, "$", keys, error) ||
      !get_string (obj, "$", "name", TRUE, &self->name, error) ||
      !parse_field_rules (self, obj, "fit", TRUE, self->fit, ids, error) ||
      !parse_engagement (self, obj, ids, error) ||
      !parse_field_rules (self, obj, "disqualify", FALSE, self->disqualify, ids, error) ||
      !parse_sales_ready (self, obj, error) ||
      !parse_thresholds (self, obj, error) ||
      !parse_grades (self, obj, error))
    return NULL;

  return g_steal_pointer (&self);
}

QualifyModel *
qualify_model_new_from_data (const char  *json,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (json);
  /* Editors on Windows like to start UTF-8 files with a byte-order mark. */
  if (length >= 3 && memcmp (json, "\xef\xbb\xbf", 3) == 0)
    {
      json += 3;
      length -= 3;
    }

  if (!g_utf8_validate (json, length, NULL))
    {
      const char *end = NULL;
      guint line = 1;

      g_utf8_validate (json, length, &end);
      for (const char *p = json; p < end; p++)
        if (*p == '\n')
          line++;
      g_set_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_PARSE,
                   _("Not valid JSON: line %u: the text is not UTF-8; save the file as UTF-8"), line);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      const char *msg = local_error->message;

      /* json-glib says "<data>:LINE:COLUMN: Parse error: …"; keep LINE:COLUMN and the reason. */
      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      g_set_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_PARSE,
                   _("Not valid JSON: %s"), msg);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_PARSE,
                           _("Not valid JSON: the text is empty"));
      return NULL;
    }

  return qualify_model_new_from_node (json_parser_get_root (parser), error);
}

QualifyModel *
qualify_model_new_from_file (const char  *path,
                             GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  QualifyModel *model;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  if (!(model = qualify_model_new_from_data (contents, len, &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "%s: %s", path, local_error->message);
      return NULL;
    }

  return model;
}

GStrv
qualify_model_list_templates (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) children = g_resource_enumerate_children (qualify_core_get_resource (),
                                                          TEMPLATE_PATH,
                                                          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  GStrv names;

  for (guint i = 0; children != NULL && children[i] != NULL; i++)
    if (g_str_has_suffix (children[i], ".json"))
      strv_builder_take (builder, g_strndup (children[i], strlen (children[i]) - 5));

  names = g_strv_builder_end (builder);
  qsort (names, g_strv_length (names), sizeof (char *), compare_strings);
  return names;
}

QualifyModel *
qualify_model_new_from_template (const char  *name,
                                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = g_strdup_printf (TEMPLATE_PATH "%s.json", name);
  if (strchr (name, '/') == NULL)
    bytes = g_resource_lookup_data (qualify_core_get_resource (), path,
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_auto(GStrv) names = qualify_model_list_templates ();
      g_autofree char *list = g_strjoinv (", ", names);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No model template “%s”; available: %s"), name, list);
      return NULL;
    }

  return qualify_model_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      error);
}

QualifyModel *
qualify_model_new_default (void)
{
  g_autoptr(GError) error = NULL;
  QualifyModel *model = qualify_model_new_from_template ("b2b-saas", &error);

  /* The template is compiled in and tested; failing here is a build bug. */
  if (model == NULL)
    g_error ("The built-in default model is broken: %s", error->message);

  return model;
}

JsonNode *
qualify_model_to_node (QualifyModel *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);

  add_field_rules (builder, "fit", self->fit, TRUE);

  json_builder_set_member_name (builder, "engagement");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->engagement->len; i++)
    {
      const EngagementEntry *entry = g_ptr_array_index (self->engagement, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, entry->pub.id);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, entry->pub.label);
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, entry->event_text);
      if (entry->match_text != NULL)
        {
          json_builder_set_member_name (builder, "match");
          json_builder_add_string_value (builder, entry->match_text);
        }
      json_builder_set_member_name (builder, "points");
      add_number (builder, entry->pub.points);
      add_optional_number (builder, "half_life_days", entry->pub.half_life_days);
      add_optional_number (builder, "cap", entry->pub.cap);
      add_optional_number (builder, "within_days", entry->pub.within_days);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_field_rules (builder, "disqualify", self->disqualify, FALSE);

  json_builder_set_member_name (builder, "sales_ready");
  json_builder_begin_array (builder);
  for (guint i = 0; self->sales_ready_text[i] != NULL; i++)
    json_builder_add_string_value (builder, self->sales_ready_text[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "thresholds");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mql");
  add_number (builder, self->mql);
  json_builder_set_member_name (builder, "min_fit");
  add_number (builder, self->min_fit);
  json_builder_set_member_name (builder, "min_engagement");
  add_number (builder, self->min_engagement);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "grades");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->grades->len; i++)
    {
      const QualifyGrade *grade = &g_array_index (self->grades, QualifyGrade, i);

      json_builder_set_member_name (builder, grade->letter);
      add_number (builder, grade->bound);
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
qualify_model_to_data (QualifyModel *self,
                       gboolean      pretty)
{
  g_autoptr(JsonNode) root = NULL;
  GString *out;

  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);

  root = qualify_model_to_node (self);
  out = g_string_new (NULL);
  write_node (out, root, pretty, 0);
  if (pretty)
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

const char *
qualify_model_get_name (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);
  return self->name;
}

guint
qualify_model_get_n_fit_rules (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), 0);
  return self->fit->len;
}

const QualifyFieldRule *
qualify_model_get_fit_rule (QualifyModel *self,
                            guint         i)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);
  g_return_val_if_fail (i < self->fit->len, NULL);
  return g_ptr_array_index (self->fit, i);
}

guint
qualify_model_get_n_disqualify_rules (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), 0);
  return self->disqualify->len;
}

const QualifyFieldRule *
qualify_model_get_disqualify_rule (QualifyModel *self,
                                   guint         i)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);
  g_return_val_if_fail (i < self->disqualify->len, NULL);
  return g_ptr_array_index (self->disqualify, i);
}

guint
qualify_model_get_n_engagement_rules (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), 0);
  return self->engagement->len;
}

const QualifyEngagementRule *
qualify_model_get_engagement_rule (QualifyModel *self,
                                   guint         i)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);
  g_return_val_if_fail (i < self->engagement->len, NULL);
  return g_ptr_array_index (self->engagement, i);
}

const char * const *
qualify_model_get_sales_ready (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);
  return (const char * const *) self->sales_ready;
}

double
qualify_model_get_mql_threshold (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), 0);
  return self->mql;
}

double
qualify_model_get_min_fit (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), 0);
  return self->min_fit;
}

double
qualify_model_get_min_engagement (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), 0);
  return self->min_engagement;
}

guint
qualify_model_get_n_grades (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), 0);
  return self->grades->len;
}

const QualifyGrade *
qualify_model_get_grade (QualifyModel *self,
                         guint         i)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);
  g_return_val_if_fail (i < self->grades->len, NULL);
  return &g_array_index (self->grades, QualifyGrade, i);
}

const char *
qualify_model_grade_for_fit (QualifyModel *self,
                             double        fit)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), "F");

  for (guint i = 0; i < self->grades->len; i++)
    if (g_array_index (self->grades, QualifyGrade, i).bound <= fit)
      return g_array_index (self->grades, QualifyGrade, i).letter;
  return "F";
}
