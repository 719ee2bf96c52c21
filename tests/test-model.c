/* test-model.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qualify-model.h"

static void
test_model_default (void)
{
  g_autoptr(QualifyModel) model = qualify_model_new_default ();
  g_autoptr(QualifyModel) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *data2 = NULL;
  const char * const *sales_ready;

  g_assert_cmpstr (qualify_model_get_name (model), ==, "B2B SaaS");
  g_assert_cmpuint (qualify_model_get_n_fit_rules (model), ==, 11);
  g_assert_cmpuint (qualify_model_get_n_engagement_rules (model), ==, 14);
  g_assert_cmpuint (qualify_model_get_n_disqualify_rules (model), ==, 1);
  sales_ready = qualify_model_get_sales_ready (model);
  g_assert_cmpstr (sales_ready[0], ==, "demo_request");
  g_assert_cmpstr (sales_ready[1], ==, "contact_sales");
  g_assert_null (sales_ready[2]);
  g_assert_cmpfloat (qualify_model_get_mql_threshold (model), ==, 60);
  g_assert_cmpfloat (qualify_model_get_min_fit (model), ==, 25);
  g_assert_cmpfloat (qualify_model_get_min_engagement (model), ==, 10);

  /* a careers visit and an unsubscribe count against */
  for (guint i = 0; i < qualify_model_get_n_engagement_rules (model); i++)
    {
      const QualifyEngagementRule *r = qualify_model_get_engagement_rule (model, i);

      if (g_str_equal (r->id, "careers"))
        {
          g_assert_cmpfloat (r->points, <, 0);
          g_assert_cmpstr (r->match, ==, "/careers*");
        }
      if (g_str_equal (r->id, "unsubscribe"))
        {
          g_assert_cmpfloat (r->points, <, 0);
          g_assert_cmpfloat (r->half_life_days, ==, 0);
        }
    }

  /* round trip */
  data = qualify_model_to_data (model, TRUE);
  again = qualify_model_new_from_data (data, -1, &error);
  g_assert_no_error (error);
  data2 = qualify_model_to_data (again, TRUE);
  g_assert_cmpstr (data, ==, data2);
}

static void
test_model_templates (void)
{
  g_auto(GStrv) names = qualify_model_list_templates ();

  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_true (g_strv_contains ((const char * const *) names, "b2b-saas"));
  g_assert_true (g_strv_contains ((const char * const *) names, "ecommerce"));
  g_assert_true (g_strv_contains ((const char * const *) names, "agency"));

  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QualifyModel) model = qualify_model_new_from_template (names[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (qualify_model_get_n_fit_rules (model), >, 0);
    }
}

static void
test_model_normalized_operands (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = qualify_model_new_from_data (
    "{\"format\":1,\"name\":\"n\",\"fit\":["
    "{\"id\":\"a\",\"field\":\"industry\",\"op\":\"in\",\"value\":[\" Software \",\"ÉCOLE\"],\"points\":5},"
    "{\"id\":\"b\",\"field\":\"domain\",\"op\":\"domain_in\",\"value\":[\"https://www.Rival.example/x\",\"@b.example\"],\"points\":1},"
    "{\"id\":\"c\",\"field\":\"employees\",\"op\":\"equals\",\"value\":\"50\",\"points\":1}],"
    "\"engagement\":[{\"id\":\"p\",\"event\":\" Page_View \",\"match\":\"/Pricing*\",\"points\":1}],"
    "\"thresholds\":{\"mql\":10}}", -1, &error);
  const QualifyFieldRule *a, *b, *c;
  const QualifyEngagementRule *p;

  g_assert_no_error (error);
  a = qualify_model_get_fit_rule (model, 0);
  b = qualify_model_get_fit_rule (model, 1);
  c = qualify_model_get_fit_rule (model, 2);
  p = qualify_model_get_engagement_rule (model, 0);
  g_assert_cmpstr (a->label, ==, "a");
  g_assert_cmpstr (a->values[0], ==, "software");
  g_assert_cmpstr (a->values[1], ==, "école");
  g_assert_cmpstr (b->values[0], ==, "rival.example");
  g_assert_cmpstr (b->values[1], ==, "b.example");
  g_assert_true (c->has_number);
  g_assert_cmpfloat (c->lo, ==, 50);
  g_assert_cmpstr (p->event, ==, "page_view");
  g_assert_cmpstr (p->match, ==, "/pricing*");
  /* defaults */
  g_assert_cmpfloat (qualify_model_get_min_fit (model), ==, 0);
  g_assert_cmpuint (qualify_model_get_n_grades (model), ==, 4);
  g_assert_cmpstr (qualify_model_grade_for_fit (model, 60), ==, "A");
  g_assert_cmpstr (qualify_model_grade_for_fit (model, 59.99), ==, "B");
  g_assert_cmpstr (qualify_model_grade_for_fit (model, 0), ==, "D");
  g_assert_cmpstr (qualify_model_grade_for_fit (model, -5), ==, "F");
  g_assert_cmpstr (qualify_model_normalize ("  Software "), ==, "software");
}

typedef struct
{
  const char *json;
  int         code;
  const char *prefix;  /* the error message starts with this */
} BrokenCase;

#define BASE "\"format\":1,\"name\":\"x\",\"thresholds\":{\"mql\":60}"

static const BrokenCase broken[] = {
  { "{\"format\":1,", QUALIFY_MODEL_ERROR_PARSE, "Not valid JSON" },
  { "", QUALIFY_MODEL_ERROR_PARSE, "Not valid JSON" },
  { "[1,2]", QUALIFY_MODEL_ERROR_INVALID, "$: " },
  { "{\"format\":2,\"name\":\"x\",\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.format: unsupported format 2" },
  { "{\"name\":\"x\",\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.format: missing" },
  { "{\"format\":1,\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.name: missing" },
  { "{\"format\":1,\"name\":\"  \",\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.name: must not be empty" },
  { "{" BASE ",\"fitt\":[]}", QUALIFY_MODEL_ERROR_INVALID, "$.fitt: unknown key; allowed here: format, name" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"eq\",\"value\":\"1\",\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].op: unknown operator “eq”; allowed: equals, not_equals" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"in\",\"value\":[\"a\"],\"points\":1},"
    "{\"id\":\"b\",\"field\":\"x\",\"op\":\"between\",\"value\":[1,2,3],\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[1].value: “between” needs a list of two numbers" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"between\",\"value\":[5,1],\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: low (5) is greater than high (1)" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"is_set\",\"points\":1}],"
    "\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].id: “a” is already used" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1,\"half_life_days\":-3}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].half_life_days: must be a number greater than 0 (got -3)" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":\"ten\"}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].points: must be a number (got \"ten\")" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1,\"halflife\":3}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].halflife: unknown key" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"is_empty\",\"value\":\"y\",\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “is_empty” takes no value" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"in\",\"value\":\"y\",\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “in” needs a list of strings" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"gte\",\"value\":\"y\",\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “gte” needs a number" },
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"equals\",\"value\":\"y\"}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].points: missing" },
  { "{\"format\":1,\"name\":\"x\"}", QUALIFY_MODEL_ERROR_INVALID, "$.thresholds: missing" },
  { "{\"format\":1,\"name\":\"x\",\"thresholds\":{\"mql\":\"60\"}}", QUALIFY_MODEL_ERROR_INVALID, "$.thresholds.mql: must be a number" },
  { "{" BASE ",\"grades\":{\"A\":40,\"B\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades.B: must be lower than A" },
  { "{" BASE ",\"grades\":{\"F\":0}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades.F: grades are single capital letters" },
  { "{" BASE ",\"sales_ready\":[1]}", QUALIFY_MODEL_ERROR_INVALID, "$.sales_ready[0]: must be an event type" },
};

static void
test_model_broken (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QualifyModel) model = qualify_model_new_from_data (broken[i].json, -1, &error);

      g_test_message ("case %u: %s → %s", i, broken[i].json, error ? error->message : "(no error)");
      g_assert_null (model);
      g_assert_error (error, QUALIFY_MODEL_ERROR, broken[i].code);
      g_assert_true (g_str_has_prefix (error->message, broken[i].prefix));
    }
}

static void
test_model_too_many_rules (void)
{
  g_autoptr(GString) json = g_string_new ("{" BASE ",\"engagement\":[");
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = NULL;

  for (guint i = 0; i <= QUALIFY_MODEL_MAX_ENGAGEMENT_RULES; i++)
    g_string_append_printf (json, "%s{\"id\":\"r%u\",\"event\":\"x\",\"points\":1}", i ? "," : "", i);
  g_string_append (json, "]}");

  model = qualify_model_new_from_data (json->str, -1, &error);
  g_assert_null (model);
  g_assert_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "$.engagement: has 65 rules; at most 64"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/default", test_model_default);
  g_test_add_func ("/model/templates", test_model_templates);
  g_test_add_func ("/model/normalized-operands", test_model_normalized_operands);
  g_test_add_func ("/model/broken", test_model_broken);
  g_test_add_func ("/model/too-many-rules", test_model_too_many_rules);

  return g_test_run ();
}
