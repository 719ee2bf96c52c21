/* qualify-model-diff.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-model-diff"

#include "config.h"

#include <glib/gi18n.h>

#include "qualify-model-diff.h"

static QualifyDiffProperty *
property_new (const char *name,
              JsonNode   *old_node,
              JsonNode   *new_node)
{
  QualifyDiffProperty *p = g_new0 (QualifyDiffProperty, 1);

  p->name = g_strdup (name);
  p->old_value = old_node ? json_to_string (old_node, FALSE) : NULL;
  p->new_value = new_node ? json_to_string (new_node, FALSE) : NULL;
  return p;
}

static void
property_free (QualifyDiffProperty *p)
{
  g_free (p->name);
  g_free (p->old_value);
  g_free (p->new_value);
  g_free (p);
}

static QualifyDiffEntry *
entry_new (QualifyDiffSection  section,
           QualifyDiffChange   change,
           const char         *id,
           const char         *label)
{
  QualifyDiffEntry *e = g_new0 (QualifyDiffEntry, 1);

  e->section = section;
  e->change = change;
  e->id = g_strdup (id);
  e->label = g_strdup (label);
  e->properties = g_ptr_array_new_with_free_func ((GDestroyNotify) property_free);
  return e;
}

void
qualify_diff_entry_free (QualifyDiffEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->label);
  g_clear_pointer (&entry->properties, g_ptr_array_unref);
  g_free (entry);
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  g_autofree char *sa = NULL;
  g_autofree char *sb = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  /* json_node_equal() treats 20 and 20.0 differently depending on how they
   * were parsed; the canonical text is what the user sees, compare that. */
  sa = json_to_string (a, FALSE);
  sb = json_to_string (b, FALSE);
  return g_strcmp0 (sa, sb) == 0;
}

/* Members of @a and @b that differ, in @b's order then @a-only ones. */
static void
diff_objects (JsonObject *a,
              JsonObject *b,
              GPtrArray  *properties,
              gboolean    skip_id)
{
  g_autoptr(GList) b_members = b ? json_object_get_members (b) : NULL;
  g_autoptr(GList) a_members = a ? json_object_get_members (a) : NULL;

  for (GList *l = b_members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *old_node = a ? json_object_get_member (a, name) : NULL;
      JsonNode *new_node = json_object_get_member (b, name);

      if (skip_id && g_str_equal (name, "id"))
        continue;
      /* an added rule's label is in the entry already */
      if (a == NULL && g_str_equal (name, "label"))
        continue;
      if (!nodes_equal (old_node, new_node))
        g_ptr_array_add (properties, property_new (name, old_node, new_node));
    }

  for (GList *l = a_members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (skip_id && g_str_equal (name, "id"))
        continue;
      if (b == NULL && g_str_equal (name, "label"))
        continue;
      if (b == NULL || !json_object_has_member (b, name))
        g_ptr_array_add (properties, property_new (name, json_object_get_member (a, name), NULL));
    }
}

static const char *
object_string (JsonObject *o,
               const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonArray *
section_array (JsonObject *root,
               const char *name)
{
  JsonNode *node = json_object_get_member (root, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
section_object (JsonObject *root,
                const char *name)
{
  JsonNode *node = json_object_get_member (root, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static GHashTable *
index_rules (JsonArray *rules)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; rules != NULL && i < json_array_get_length (rules); i++)
    {
      JsonObject *r = json_array_get_object_element (rules, i);
      const char *id = object_string (r, "id");

      if (id != NULL && !g_hash_table_contains (index, id))
        g_hash_table_insert (index, (gpointer) id, GUINT_TO_POINTER (i + 1));
    }

  return index;
}

static void
diff_rules (GPtrArray          *diff,
            QualifyDiffSection  section,
            JsonArray          *old_rules,
            JsonArray          *new_rules)
{
  g_autoptr(GHashTable) old_index = index_rules (old_rules);
  g_autoptr(GHashTable) new_index = index_rules (new_rules);
  g_autoptr(GHashTable) old_rank = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_old = old_rules ? json_array_get_length (old_rules) : 0;
  guint n_new = new_rules ? json_array_get_length (new_rules) : 0;
  guint rank = 0;

  /* Position among the rules both sides have, so one insertion does not mark
   * every later rule as moved. */
  for (guint i = 0; i < n_old; i++)
    {
      const char *id = object_string (json_array_get_object_element (old_rules, i), "id");

      if (id != NULL && g_hash_table_contains (new_index, id) && !g_hash_table_contains (old_rank, id))
        g_hash_table_insert (old_rank, (gpointer) id, GUINT_TO_POINTER (++rank));
    }

  rank = 0;
  for (guint i = 0; i < n_new; i++)
    {
      JsonObject *r = json_array_get_object_element (new_rules, i);
      const char *id = object_string (r, "id");
      guint old_i = id ? GPOINTER_TO_UINT (g_hash_table_lookup (old_index, id)) : 0;
      QualifyDiffEntry *e;

      if (old_i == 0)
        {
          e = entry_new (section, QUALIFY_DIFF_ADDED, id, object_string (r, "label"));
          diff_objects (NULL, r, e->properties, TRUE);
          g_ptr_array_add (diff, e);
          continue;
        }

      rank++;
      e = entry_new (section, QUALIFY_DIFF_CHANGED, id, object_string (r, "label"));
      diff_objects (json_array_get_object_element (old_rules, old_i - 1), r, e->properties, TRUE);
      if (GPOINTER_TO_UINT (g_hash_table_lookup (old_rank, id)) != rank)
        {
          QualifyDiffProperty *p = g_new0 (QualifyDiffProperty, 1);

          p->name = g_strdup ("position");
          p->old_value = g_strdup_printf ("%u", old_i);
          p->new_value = g_strdup_printf ("%u", i + 1);
          g_ptr_array_add (e->properties, p);
        }
      if (e->properties->len > 0)
        g_ptr_array_add (diff, e);
      else
        qualify_diff_entry_free (e);
    }

  for (guint i = 0; i < n_old; i++)
    {
      JsonObject *r = json_array_get_object_element (old_rules, i);
      const char *id = object_string (r, "id");
      QualifyDiffEntry *e;

      if (id != NULL && g_hash_table_contains (new_index, id))
        continue;
      e = entry_new (section, QUALIFY_DIFF_REMOVED, id, object_string (r, "label"));
      diff_objects (r, NULL, e->properties, TRUE);
      g_ptr_array_add (diff, e);
    }
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      const char *s = json_array_get_string_element (array, i);
      g_autofree char *a = s ? g_utf8_casefold (s, -1) : NULL;
      g_autofree char *b = g_utf8_casefold (value, -1);

      if (a != NULL && g_str_equal (g_strstrip (a), g_strstrip (b)))
        return TRUE;
    }
  return FALSE;
}

static void
diff_sales_ready (GPtrArray *diff,
                  JsonArray *old_types,
                  JsonArray *new_types)
{
  for (guint i = 0; new_types != NULL && i < json_array_get_length (new_types); i++)
    {
      const char *t = json_array_get_string_element (new_types, i);

      if (t != NULL && !array_has_string (old_types, t))
        g_ptr_array_add (diff, entry_new (QUALIFY_DIFF_SECTION_SALES_READY, QUALIFY_DIFF_ADDED, t, NULL));
    }
  for (guint i = 0; old_types != NULL && i < json_array_get_length (old_types); i++)
    {
      const char *t = json_array_get_string_element (old_types, i);

      if (t != NULL && !array_has_string (new_types, t))
        g_ptr_array_add (diff, entry_new (QUALIFY_DIFF_SECTION_SALES_READY, QUALIFY_DIFF_REMOVED, t, NULL));
    }
}

static void
diff_object_section (GPtrArray          *diff,
                     QualifyDiffSection  section,
                     JsonObject         *old_object,
                     JsonObject         *new_object)
{
  QualifyDiffEntry *e = entry_new (section, QUALIFY_DIFF_CHANGED, NULL, NULL);

  diff_objects (old_object, new_object, e->properties, FALSE);
  if (e->properties->len > 0)
    g_ptr_array_add (diff, e);
  else
    qualify_diff_entry_free (e);
}

/**
 * qualify_model_diff:
 * @old_model: the earlier model
 * @new_model: the later one
 *
 * Returns: (transfer full): the differences, of #QualifyDiffEntry
 */
GPtrArray *
qualify_model_diff (QualifyModel *old_model,
                    QualifyModel *new_model)
{
  g_autoptr(JsonNode) old_node = NULL;
  g_autoptr(JsonNode) new_node = NULL;
  GPtrArray *diff;
  JsonObject *o, *n;

  g_return_val_if_fail (QUALIFY_IS_MODEL (old_model), NULL);
  g_return_val_if_fail (QUALIFY_IS_MODEL (new_model), NULL);

  diff = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_diff_entry_free);
  old_node = qualify_model_to_node (old_model);
  new_node = qualify_model_to_node (new_model);
  o = json_node_get_object (old_node);
  n = json_node_get_object (new_node);

  if (g_strcmp0 (qualify_model_get_name (old_model), qualify_model_get_name (new_model)) != 0)
    {
      QualifyDiffEntry *e = entry_new (QUALIFY_DIFF_SECTION_NAME, QUALIFY_DIFF_CHANGED, NULL, NULL);

      g_ptr_array_add (e->properties, property_new ("name", json_object_get_member (o, "name"),
                                                    json_object_get_member (n, "name")));
      g_ptr_array_add (diff, e);
    }

  diff_rules (diff, QUALIFY_DIFF_SECTION_FIT, section_array (o, "fit"), section_array (n, "fit"));
  diff_rules (diff, QUALIFY_DIFF_SECTION_ENGAGEMENT, section_array (o, "engagement"),
              section_array (n, "engagement"));
  diff_rules (diff, QUALIFY_DIFF_SECTION_DISQUALIFY, section_array (o, "disqualify"),
              section_array (n, "disqualify"));
  diff_sales_ready (diff, section_array (o, "sales_ready"), section_array (n, "sales_ready"));
  diff_object_section (diff, QUALIFY_DIFF_SECTION_THRESHOLDS, section_object (o, "thresholds"),
                       section_object (n, "thresholds"));
  diff_object_section (diff, QUALIFY_DIFF_SECTION_GRADES, section_object (o, "grades"),
                       section_object (n, "grades"));

  return diff;
}

const char *
qualify_diff_section_get_label (QualifyDiffSection section)
{
  switch (section)
    {
    case QUALIFY_DIFF_SECTION_NAME:
      return _("Name");
    case QUALIFY_DIFF_SECTION_FIT:
      return _("Fit");
    case QUALIFY_DIFF_SECTION_ENGAGEMENT:
      return _("Engagement");
    case QUALIFY_DIFF_SECTION_DISQUALIFY:
      return _("Disqualifiers");
    case QUALIFY_DIFF_SECTION_SALES_READY:
      return _("Hand-raisers");
    case QUALIFY_DIFF_SECTION_THRESHOLDS:
      return _("Thresholds");
    case QUALIFY_DIFF_SECTION_GRADES:
      return _("Grades");
    default:
      return "";
    }
}

char *
qualify_diff_entry_to_text (const QualifyDiffEntry *entry)
{
  GString *s;

  g_return_val_if_fail (entry != NULL, NULL);

  s = g_string_new (qualify_diff_section_get_label (entry->section));
  g_string_append (s, " · ");

  switch (entry->change)
    {
    case QUALIFY_DIFF_ADDED:
      g_string_append (s, _("added"));
      break;
    case QUALIFY_DIFF_REMOVED:
      g_string_append (s, _("removed"));
      break;
    case QUALIFY_DIFF_CHANGED:
    default:
      g_string_append (s, _("changed"));
      break;
    }

  if (entry->id != NULL)
    g_string_append_printf (s, " “%s”", entry->id);
  if (entry->label != NULL && g_strcmp0 (entry->label, entry->id) != 0)
    g_string_append_printf (s, " (%s)", entry->label);

  for (guint i = 0; i < entry->properties->len; i++)
    {
      const QualifyDiffProperty *p = g_ptr_array_index (entry->properties, i);

      g_string_append (s, i == 0 ? ": " : "; ");
      if (entry->change == QUALIFY_DIFF_CHANGED)
        g_string_append_printf (s, "%s %s → %s", p->name,
                                p->old_value ? p->old_value : _("(none)"),
                                p->new_value ? p->new_value : _("(none)"));
      else
        g_string_append_printf (s, "%s %s", p->name,
                                entry->change == QUALIFY_DIFF_ADDED ? p->new_value : p->old_value);
    }

  return g_string_free (s, FALSE);
}

char *
qualify_model_diff_to_text (GPtrArray *diff)
{
  GString *s;

  g_return_val_if_fail (diff != NULL, NULL);

  if (diff->len == 0)
    return g_strdup (_("No differences."));

  s = g_string_new (NULL);
  for (guint i = 0; i < diff->len; i++)
    {
      g_autofree char *line = qualify_diff_entry_to_text (g_ptr_array_index (diff, i));

      g_string_append (s, line);
      g_string_append_c (s, '\n');
    }

  return g_string_free (s, FALSE);
}
