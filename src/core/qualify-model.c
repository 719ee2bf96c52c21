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

#define TEMPLATE_PATH "/io/github/qualifyapp/Qualify/core/models/"

struct _QualifyModel
{
  GObject     parent_instance;

  char       *name;
  GPtrArray  *fit;          /* QualifyFieldRule */
  GPtrArray  *disqualify;   /* QualifyFieldRule */
  GPtrArray  *engagement;   /* QualifyEngagementRule */
  GStrv       sales_ready;
  double      mql;
  double      min_fit;
  double      min_engagement;
  GArray     *grades;       /* QualifyGrade, best first */
  JsonNode   *source;       /* the JSON as given, for serialising back */
};

G_DEFINE_FINAL_TYPE (QualifyModel, qualify_model, G_TYPE_OBJECT)

G_DEFINE_QUARK (qualify-model-error, qualify_model_error)

static const char * const op_names[QUALIFY_N_OPS] = {
  "equals", "not_equals", "in", "not_in", "contains", "not_contains", "starts_with",
  "ends_with", "gte", "lte", "between", "is_set", "is_empty", "domain_in", "has_any",
};

static void
field_rule_free (QualifyFieldRule *rule)
{
  g_free (rule->id);
  g_free (rule->label);
  g_free (rule->field);
  g_strfreev (rule->values);
  g_free (rule);
}

static void
engagement_rule_free (QualifyEngagementRule *rule)
{
  g_free (rule->id);
  g_free (rule->label);
  g_free (rule->event);
  g_free (rule->match);
  g_free (rule);
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
  g_clear_pointer (&self->grades, g_array_unref);
  g_clear_pointer (&self->source, json_node_unref);

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

static char *
describe (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("an object"));
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup (_("a list"));
  return json_to_string (node, FALSE);
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

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
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
  const char *p = n;
  const char *end;

  if (*p == '@')
    p++;
  if (g_str_has_prefix (p, "http://"))
    p += 7;
  else if (g_str_has_prefix (p, "https://"))
    p += 8;
  if (g_str_has_prefix (p, "www."))
    p += 4;
  end = p + strcspn (p, "/?#");

  return g_strndup (p, end - p);
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
      if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
          (json_node_get_value_type (value) != G_TYPE_INT64 && json_node_get_value_type (value) != G_TYPE_DOUBLE))
        return invalid (error, where, _("“%s” needs a number"), op_names[rule->op]);
      rule->lo = rule->hi = json_node_get_double (value);
      rule->has_number = TRUE;
      return TRUE;

    case QUALIFY_OP_BETWEEN:
      {
        JsonArray *arr;
        JsonNode *a, *b;

        if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
            json_array_get_length (arr = json_node_get_array (value)) != 2)
          return invalid (error, where, _("“between” needs a list of two numbers [low, high]"));
        a = json_array_get_element (arr, 0);
        b = json_array_get_element (arr, 1);
        if (!JSON_NODE_HOLDS_VALUE (a) || !JSON_NODE_HOLDS_VALUE (b) ||
            json_node_get_value_type (a) == G_TYPE_STRING || json_node_get_value_type (b) == G_TYPE_STRING ||
            json_node_get_value_type (a) == G_TYPE_BOOLEAN || json_node_get_value_type (b) == G_TYPE_BOOLEAN)
          return invalid (error, where, _("“between” needs a list of two numbers [low, high]"));
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
                                             : _("missing; “%s” needs a string"), op_names[rule->op]);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *arr = json_node_get_array (value);

      if (!list_ok)
        return invalid (error, where, _("“%s” takes one string, not a list"), op_names[rule->op]);
      if (json_array_get_length (arr) == 0)
        return invalid (error, where, _("the list is empty"));

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          g_autofree char *text = scalar_text (json_array_get_element (arr, i));
          g_autofree char *item_path = g_strdup_printf ("%s[%u]", where, i);

          if (text == NULL)
            return invalid (error, item_path, _("must be a string"));
          strv_builder_take (builder, rule->op == QUALIFY_OP_DOMAIN_IN ? normalize_domain (text)
                                                                            : qualify_model_normalize (text));
        }
    }
  else
    {
      g_autofree char *text = scalar_text (value);

      if (text == NULL || needs_list)
        return invalid (error, where, needs_list ? _("“%s” needs a list of strings")
                                                 : _("must be a string or a number"), op_names[rule->op]);
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
      strv_builder_take (builder, qualify_model_normalize (text));
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
      QualifyFieldRule *rule;
      JsonObject *obj;

      if (!JSON_NODE_HOLDS_OBJECT (rnode))
        return invalid (error, rpath, _("must be an object"));
      obj = json_node_get_object (rnode);
      if (!check_keys (obj, rpath, with_points ? fit_keys : disq_keys, error))
        return FALSE;

      rule = g_new0 (QualifyFieldRule, 1);
      g_ptr_array_add (into, rule);

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
      if (!parse_value (rule, json_object_get_member (obj, "value"), rpath, error))
        return FALSE;
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
      g_autofree char *event = NULL;
      g_autofree char *match = NULL;
      JsonNode *rnode = json_array_get_element (arr, i);
      QualifyEngagementRule *rule;
      JsonObject *obj;

      if (!JSON_NODE_HOLDS_OBJECT (rnode))
        return invalid (error, rpath, _("must be an object"));
      obj = json_node_get_object (rnode);
      if (!check_keys (obj, rpath, keys, error))
        return FALSE;

      rule = g_new0 (QualifyEngagementRule, 1);
      g_ptr_array_add (self->engagement, rule);

      if (!get_string (obj, rpath, "id", TRUE, &rule->id, error) ||
          !check_id (ids, rule->id, rpath, error) ||
          !get_string (obj, rpath, "label", FALSE, &rule->label, error) ||
          !get_string (obj, rpath, "event", TRUE, &event, error) ||
          !get_string (obj, rpath, "match", FALSE, &match, error) ||
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
      rule->event = qualify_model_normalize (event);
      rule->match = match && *match ? qualify_model_normalize (match) : NULL;
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

QualifyModel *
qualify_model_new_from_node (JsonNode  *root,
                             GError   **error)
{
  static const char * const keys[] = {
    "format", "name", "fit", "engagement", "disqualify", "sales_ready", "thresholds", "grades", NULL
  };
  static const char * const threshold_keys[] = { "mql", "min_fit", "min_engagement", NULL };
  g_autoptr(QualifyModel) self = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *obj;
  JsonNode *node;
  double format;

  g_return_val_if_fail (root != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, "$", _("a scoring model is a JSON object"));
      return NULL;
    }

  self = g_object_new (QUALIFY_TYPE_MODEL, NULL);
  obj = json_node_get_object (root);

  if (!check_keys (obj, "$", keys, error) ||
      !get_number (obj, "$", "format", TRUE, 0, &format, error))
    return NULL;
  if (format != 1)
    {
      invalid (error, "$.format", _("unsupported format %g; this version of Qualify reads format 1"), format);
      return NULL;
    }

  if (!get_string (obj, "$", "name", TRUE, &self->name, error) ||
      !parse_field_rules (self, obj, "fit", TRUE, self->fit, ids, error) ||
      !parse_engagement (self, obj, ids, error) ||
      !parse_field_rules (self, obj, "disqualify", FALSE, self->disqualify, ids, error))
    return NULL;

  node = json_object_get_member (obj, "sales_ready");
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
      {
        JsonArray *arr;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          {
            invalid (error, "$.sales_ready", _("must be a list of event types, e.g. [\"demo_request\"]"));
            return NULL;
          }
        arr = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (arr); i++)
          {
            JsonNode *item = json_array_get_element (arr, i);

            if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
              {
                g_autofree char *where = g_strdup_printf ("$.sales_ready[%u]", i);
                invalid (error, where, _("must be an event type (a string)"));
                return NULL;
              }
            strv_builder_take (builder, qualify_model_normalize (json_node_get_string (item)));
          }
      }
    self->sales_ready = g_strv_builder_end (builder);
  }

  node = json_object_get_member (obj, "thresholds");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "$.thresholds", node ? _("must be an object {\"mql\": …, \"min_fit\": …, \"min_engagement\": …}")
                                           : _("missing; {\"mql\": 60} at least is required"));
      return NULL;
    }
  if (!check_keys (json_node_get_object (node), "$.thresholds", threshold_keys, error) ||
      !get_number (json_node_get_object (node), "$.thresholds", "mql", TRUE, 0, &self->mql, error) ||
      !get_number (json_node_get_object (node), "$.thresholds", "min_fit", FALSE, 0, &self->min_fit, error) ||
      !get_number (json_node_get_object (node), "$.thresholds", "min_engagement", FALSE, 0,
                   &self->min_engagement, error))
    return NULL;

  if (!parse_grades (self, obj, error))
    return NULL;

  self->source = json_node_copy (root);
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

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_PARSE,
                   _("Not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_PARSE, _("Not valid JSON: the text is empty"));
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

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  if (!(model = qualify_model_new_from_data (contents, len, &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
      return NULL;
    }

  return model;
}

GStrv
qualify_model_list_templates (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) children = g_resource_enumerate_children (qualify_core_get_resource (), TEMPLATE_PATH,
                                                          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  for (guint i = 0; children != NULL && children[i] != NULL; i++)
    if (g_str_has_suffix (children[i], ".json"))
      strv_builder_take (builder, g_strndup (children[i], strlen (children[i]) - 5));

  return g_strv_builder_end (builder);
}

QualifyModel *
qualify_model_new_from_template (const char  *name,
                                 GError     **error)
{
  g_autofree char *path = g_strdup_printf (TEMPLATE_PATH "%s.json", name);
  g_autoptr(GBytes) bytes = g_resource_lookup_data (qualify_core_get_resource (), path,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);

  if (bytes == NULL)
    return NULL;

  return qualify_model_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}

QualifyModel *
qualify_model_new_default (void)
{
  g_autoptr(GError) error = NULL;
  QualifyModel *model = qualify_model_new_from_template ("b2b-saas", &error);

  if (model == NULL)
    g_error ("The built-in default model is broken: %s", error->message);

  return model;
}

JsonNode *
qualify_model_to_node (QualifyModel *self)
{
  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);
  return json_node_copy (self->source);
}

char *
qualify_model_to_data (QualifyModel *self,
                       gboolean      pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  g_return_val_if_fail (QUALIFY_IS_MODEL (self), NULL);

  json_generator_set_root (gen, self->source);
  json_generator_set_pretty (gen, pretty);
  json_generator_set_indent (gen, 2);
  return json_generator_to_data (gen, NULL);
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
  return self->mql;
}

double
qualify_model_get_min_fit (QualifyModel *self)
{
  return self->min_fit;
}

double
qualify_model_get_min_engagement (QualifyModel *self)
{
  return self->min_engagement;
}

guint
qualify_model_get_n_grades (QualifyModel *self)
{
  return self->grades->len;
}

const QualifyGrade *
qualify_model_get_grade (QualifyModel *self,
                         guint         i)
{
  g_return_val_if_fail (i < self->grades->len, NULL);
  return &g_array_index (self->grades, QualifyGrade, i);
}

const char *
qualify_model_grade_for_fit (QualifyModel *self,
                             double        fit)
{
  for (guint i = 0; i < self->grades->len; i++)
    if (g_array_index (self->grades, QualifyGrade, i).bound <= fit)
      return g_array_index (self->grades, QualifyGrade, i).letter;
  return "F";
}
