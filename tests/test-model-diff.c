/* test-model-diff.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qualify-model-diff.h"

static QualifyModel *
model_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  QualifyModel *model = qualify_model_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

#define BASE \
  "{\"format\":1,\"name\":\"Base\"," \
  "\"fit\":[{\"id\":\"ind\",\"label\":\"Industry\",\"field\":\"industry\",\"op\":\"in\",\"value\":[\"software\"],\"points\":20}," \
  "        {\"id\":\"size\",\"field\":\"employees\",\"op\":\"between\",\"value\":[50,5000],\"points\":15}," \
  "        {\"id\":\"cx\",\"field\":\"title\",\"op\":\"contains\",\"value\":\"chief\",\"points\":10}]," \
  "\"engagement\":[{\"id\":\"pricing\",\"event\":\"page_view\",\"match\":\"/pricing*\",\"points\":10,\"half_life_days\":14,\"cap\":30}]," \
  "\"disqualify\":[{\"id\":\"comp\",\"field\":\"email\",\"op\":\"domain_in\",\"value\":[\"rival.example\"]}]," \
  "\"sales_ready\":[\"demo_request\"]," \
  "\"thresholds\":{\"mql\":60,\"min_fit\":25,\"min_engagement\":10}," \
  "\"grades\":{\"A\":60,\"B\":40,\"C\":20,\"D\":0}}"

static const QualifyDiffEntry *
find_entry (GPtrArray          *diff,
            QualifyDiffSection  section,
            const char         *id)
{
  for (guint i = 0; i < diff->len; i++)
    {
      const QualifyDiffEntry *e = g_ptr_array_index (diff, i);

      if (e->section == section && g_strcmp0 (e->id, id) == 0)
        return e;
    }
  return NULL;
}

static const QualifyDiffProperty *
find_property (const QualifyDiffEntry *entry,
               const char             *name)
{
  for (guint i = 0; i < entry->properties->len; i++)
    {
      const QualifyDiffProperty *p = g_ptr_array_index (entry->properties, i);

      if (g_str_equal (p->name, name))
        return p;
    }
  return NULL;
}

static void
test_same (void)
{
  g_autoptr(QualifyModel) a = model_from (BASE);
  g_autoptr(QualifyModel) b = model_from (BASE);
  g_autoptr(GPtrArray) diff = qualify_model_diff (a, b);
  g_autofree char *text = qualify_model_diff_to_text (diff);

  g_assert_cmpuint (diff->len, ==, 0);
  g_assert_cmpstr (text, ==, "No differences.");
}

static void
test_changes (void)
{
  g_autoptr(QualifyModel) a = model_from (BASE);
  g_autoptr(QualifyModel) b = NULL;
  g_autoptr(GPtrArray) diff = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  const QualifyDiffEntry *e;
  const QualifyDiffProperty *p;
  GString *s = g_string_new (BASE);

  /* points and value of "ind", pattern and half-life of "pricing", "cx" removed,
   * "country" added, a disqualifier changed, sales-ready, threshold, grade, name */
  g_string_replace (s, "\"value\":[\"software\"],\"points\":20", "\"value\":[\"software\",\"fintech\"],\"points\":35", 1);
  g_string_replace (s, "\"match\":\"/pricing*\",\"points\":10,\"half_life_days\":14", "\"match\":\"/pricing/*\",\"points\":10,\"half_life_days\":30", 1);
  g_string_replace (s, "{\"id\":\"cx\",\"field\":\"title\",\"op\":\"contains\",\"value\":\"chief\",\"points\":10}",
                    "{\"id\":\"country\",\"label\":\"Germany\",\"field\":\"country\",\"op\":\"equals\",\"value\":\"Germany\",\"points\":5}", 1);
  g_string_replace (s, "[\"rival.example\"]", "[\"rival.example\",\"other.example\"]", 1);
  g_string_replace (s, "[\"demo_request\"]", "[\"demo_request\",\"contact_sales\"]", 1);
  g_string_replace (s, "\"mql\":60", "\"mql\":45", 1);
  g_string_replace (s, "\"B\":40", "\"B\":45", 1);
  g_string_replace (s, "\"name\":\"Base\"", "\"name\":\"Tuned\"", 1);
  json = g_string_free (s, FALSE);
  b = model_from (json);

  diff = qualify_model_diff (a, b);
  text = qualify_model_diff_to_text (diff);
  g_test_message ("%s", text);

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_NAME, NULL)));
  g_assert_cmpstr (find_property (e, "name")->new_value, ==, "\"Tuned\"");

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_FIT, "ind")));
  g_assert_cmpint (e->change, ==, QUALIFY_DIFF_CHANGED);
  g_assert_cmpuint (e->properties->len, ==, 2);
  p = find_property (e, "points");
  g_assert_cmpstr (p->old_value, ==, "20");
  g_assert_cmpstr (p->new_value, ==, "35");
  p = find_property (e, "value");
  g_assert_cmpstr (p->old_value, ==, "[\"software\"]");
  g_assert_cmpstr (p->new_value, ==, "[\"software\",\"fintech\"]");
  g_assert_cmpstr (e->label, ==, "Industry");

  g_assert_null (find_entry (diff, QUALIFY_DIFF_SECTION_FIT, "size"));   /* unchanged */

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_FIT, "cx")));
  g_assert_cmpint (e->change, ==, QUALIFY_DIFF_REMOVED);
  g_assert_cmpstr (find_property (e, "points")->old_value, ==, "10");
  g_assert_null (find_property (e, "points")->new_value);

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_FIT, "country")));
  g_assert_cmpint (e->change, ==, QUALIFY_DIFF_ADDED);
  g_assert_cmpstr (find_property (e, "field")->new_value, ==, "\"country\"");
  g_assert_null (find_property (e, "id"));

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_ENGAGEMENT, "pricing")));
  g_assert_cmpstr (find_property (e, "match")->old_value, ==, "\"/pricing*\"");
  g_assert_cmpstr (find_property (e, "match")->new_value, ==, "\"/pricing/*\"");
  g_assert_cmpstr (find_property (e, "half_life_days")->new_value, ==, "30");
  g_assert_null (find_property (e, "points"));

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_DISQUALIFY, "comp")));
  g_assert_nonnull (find_property (e, "value"));

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_SALES_READY, "contact_sales")));
  g_assert_cmpint (e->change, ==, QUALIFY_DIFF_ADDED);
  g_assert_null (find_entry (diff, QUALIFY_DIFF_SECTION_SALES_READY, "demo_request"));

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_THRESHOLDS, NULL)));
  g_assert_cmpuint (e->properties->len, ==, 1);
  g_assert_cmpstr (find_property (e, "mql")->old_value, ==, "60");
  g_assert_cmpstr (find_property (e, "mql")->new_value, ==, "45");

  g_assert_nonnull ((e = find_entry (diff, QUALIFY_DIFF_SECTION_GRADES, NULL)));
  g_assert_cmpuint (e->properties->len, ==, 1);
  g_assert_cmpstr (find_property (e, "B")->new_value, ==, "45");

  /* sections in order */
  for (guint i = 1; i < diff->len; i++)
    g_assert_cmpint (((QualifyDiffEntry *) g_ptr_array_index (diff, i - 1))->section, <=,
                     ((QualifyDiffEntry *) g_ptr_array_index (diff, i))->section);

  g_assert_nonnull (strstr (text, "Fit · changed “ind” (Industry): value [\"software\"] → [\"software\",\"fintech\"]; points 20 → 35"));
  g_assert_nonnull (strstr (text, "Fit · removed “cx”"));
  g_assert_nonnull (strstr (text, "Fit · added “country” (Germany)"));
  g_assert_nonnull (strstr (text, "Hand-raisers · added “contact_sales”"));
  g_assert_nonnull (strstr (text, "Thresholds · changed: mql 60 → 45"));

  /* the other way round: added ↔ removed */
  {
    g_autoptr(GPtrArray) back = qualify_model_diff (b, a);

    g_assert_cmpuint (back->len, ==, diff->len);
    g_assert_cmpint (find_entry (back, QUALIFY_DIFF_SECTION_FIT, "cx")->change, ==, QUALIFY_DIFF_ADDED);
    g_assert_cmpint (find_entry (back, QUALIFY_DIFF_SECTION_FIT, "country")->change, ==, QUALIFY_DIFF_REMOVED);
    g_assert_cmpint (find_entry (back, QUALIFY_DIFF_SECTION_SALES_READY, "contact_sales")->change, ==, QUALIFY_DIFF_REMOVED);
  }
}

/* Moving a rule is a "position" change for the moved rule only. */
static void
test_reorder (void)
{
  g_autoptr(QualifyModel) a = model_from (BASE);
  g_autoptr(QualifyModel) b = NULL;
  g_autoptr(QualifyModel) c = NULL;
  g_autoptr(GPtrArray) diff = NULL;
  g_autoptr(GPtrArray) inserted = NULL;
  g_autoptr(GString) s = g_string_new (BASE);
  g_autoptr(GString) t = g_string_new (BASE);
  const char *ind = "{\"id\":\"ind\",\"label\":\"Industry\",\"field\":\"industry\",\"op\":\"in\",\"value\":[\"software\"],\"points\":20},";
  const char *cx = "{\"id\":\"cx\",\"field\":\"title\",\"op\":\"contains\",\"value\":\"chief\",\"points\":10}";
  const QualifyDiffProperty *p;

  /* ind moves to the end */
  g_string_replace (s, ind, "", 1);
  g_string_replace (s, cx, "{\"id\":\"cx\",\"field\":\"title\",\"op\":\"contains\",\"value\":\"chief\",\"points\":10},"
                    "{\"id\":\"ind\",\"label\":\"Industry\",\"field\":\"industry\",\"op\":\"in\",\"value\":[\"software\"],\"points\":20}", 1);
  b = model_from (s->str);
  diff = qualify_model_diff (a, b);
  g_assert_cmpuint (diff->len, >=, 1);
  p = find_property (find_entry (diff, QUALIFY_DIFF_SECTION_FIT, "ind"), "position");
  g_assert_nonnull (p);
  g_assert_cmpstr (p->old_value, ==, "1");
  g_assert_cmpstr (p->new_value, ==, "3");

  /* inserting a rule first moves nobody */
  g_string_replace (t, "\"fit\":[", "\"fit\":[{\"id\":\"new\",\"field\":\"city\",\"op\":\"is_set\",\"points\":1},", 1);
  c = model_from (t->str);
  inserted = qualify_model_diff (a, c);
  g_assert_cmpuint (inserted->len, ==, 1);
  g_assert_cmpint (((QualifyDiffEntry *) g_ptr_array_index (inserted, 0))->change, ==, QUALIFY_DIFF_ADDED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-diff/same", test_same);
  g_test_add_func ("/model-diff/changes", test_changes);
  g_test_add_func ("/model-diff/reorder", test_reorder);

  return g_test_run ();
}
