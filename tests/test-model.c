/* test-model.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qualify-model.h"
#include "qualify-test-util.h"

static const QualifyFieldRule *
find_fit_rule (QualifyModel *model,
               const char   *id)
{
  for (guint i = 0; i < qualify_model_get_n_fit_rules (model); i++)
    if (g_str_equal (qualify_model_get_fit_rule (model, i)->id, id))
      return qualify_model_get_fit_rule (model, i);
  g_assert_not_reached ();
}

static const QualifyEngagementRule *
find_engagement_rule (QualifyModel *model,
                      const char   *id)
{
  for (guint i = 0; i < qualify_model_get_n_engagement_rules (model); i++)
    if (g_str_equal (qualify_model_get_engagement_rule (model, i)->id, id))
      return qualify_model_get_engagement_rule (model, i);
  g_assert_not_reached ();
}

/* to_data → new_from_data → to_data gives the same text. */
static void
assert_round_trip (QualifyModel *model)
{
  g_autofree char *pretty = qualify_model_to_data (model, TRUE);
  g_autofree char *compact = qualify_model_to_data (model, FALSE);
  g_autofree char *pretty2 = NULL;
  g_autofree char *compact2 = NULL;
  g_autofree char *via_node = NULL;
  g_autoptr(QualifyModel) again = NULL;
  g_autoptr(QualifyModel) again_compact = NULL;
  g_autoptr(QualifyModel) from_node = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  again = qualify_model_new_from_data (pretty, -1, &error);
  g_assert_no_error (error);
  pretty2 = qualify_model_to_data (again, TRUE);
  g_assert_cmpstr (pretty, ==, pretty2);

  again_compact = qualify_model_new_from_data (compact, -1, &error);
  g_assert_no_error (error);
  compact2 = qualify_model_to_data (again_compact, FALSE);
  g_assert_cmpstr (compact, ==, compact2);
  g_assert_null (strchr (compact, '\n'));

  node = qualify_model_to_node (model);
  from_node = qualify_model_new_from_node (node, &error);
  g_assert_no_error (error);
  via_node = qualify_model_to_data (from_node, TRUE);
  g_assert_cmpstr (pretty, ==, via_node);
}

static void
test_model_default (void)
{
  g_autoptr(QualifyModel) model = qualify_model_new_default ();
  const char * const *sales_ready;
  const QualifyFieldRule *rule;
  const QualifyEngagementRule *eng;

  g_assert_cmpstr (qualify_model_get_name (model), ==, "B2B SaaS");
  g_assert_cmpuint (qualify_model_get_n_fit_rules (model), ==, 12);
  g_assert_cmpuint (qualify_model_get_n_engagement_rules (model), ==, 14);
  g_assert_cmpuint (qualify_model_get_n_disqualify_rules (model), ==, 1);
  sales_ready = qualify_model_get_sales_ready (model);
  g_assert_cmpstr (sales_ready[0], ==, "demo_request");
  g_assert_cmpstr (sales_ready[1], ==, "contact_sales");
  g_assert_null (sales_ready[2]);
  g_assert_cmpfloat (qualify_model_get_mql_threshold (model), ==, 60);
  g_assert_cmpfloat (qualify_model_get_min_fit (model), ==, 25);
  g_assert_cmpfloat (qualify_model_get_min_engagement (model), ==, 10);
  g_assert_cmpuint (qualify_model_get_n_grades (model), ==, 4);

  rule = find_fit_rule (model, "size");
  g_assert_cmpint (rule->op, ==, QUALIFY_OP_BETWEEN);
  g_assert_cmpfloat (rule->lo, ==, 50);
  g_assert_cmpfloat (rule->hi, ==, 5000);
  g_assert_null (rule->values);

  rule = find_fit_rule (model, "freemail");
  g_assert_cmpint (rule->op, ==, QUALIFY_OP_DOMAIN_IN);
  g_assert_cmpfloat (rule->points, <, 0);
  g_assert_true (g_strv_contains ((const char * const *) rule->values, "gmail.com"));

  rule = find_fit_rule (model, "student_mail");
  g_assert_cmpint (rule->op, ==, QUALIFY_OP_ENDS_WITH);
  g_assert_cmpstr (rule->values[0], ==, ".edu");

  rule = qualify_model_get_disqualify_rule (model, 0);
  g_assert_cmpstr (rule->id, ==, "competitor");
  g_assert_cmpfloat (rule->points, ==, 0);

  eng = find_engagement_rule (model, "pricing");
  g_assert_cmpstr (eng->event, ==, "page_view");
  g_assert_cmpstr (eng->match, ==, "/pricing*");
  g_assert_cmpfloat (eng->points, ==, 10);
  g_assert_cmpfloat (eng->half_life_days, ==, 14);
  g_assert_cmpfloat (eng->cap, ==, 30);
  g_assert_cmpfloat (eng->within_days, ==, 0);

  /* a careers visit and an unsubscribe count against; unsubscribing never decays */
  eng = find_engagement_rule (model, "careers");
  g_assert_cmpfloat (eng->points, <, 0);
  g_assert_cmpstr (eng->match, ==, "/careers*");
  eng = find_engagement_rule (model, "unsubscribe");
  g_assert_cmpfloat (eng->points, <, 0);
  g_assert_cmpfloat (eng->half_life_days, ==, 0);
  g_assert_null (eng->match);

  eng = find_engagement_rule (model, "email_open");
  g_assert_cmpfloat (eng->points, ==, 0.5);

  assert_round_trip (model);
}

static void
test_model_templates (void)
{
  g_auto(GStrv) names = qualify_model_list_templates ();
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) missing = NULL;

  /* sorted */
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_cmpstr (names[0], ==, "agency");
  g_assert_cmpstr (names[1], ==, "b2b-saas");
  g_assert_cmpstr (names[2], ==, "ecommerce");

  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(QualifyModel) model = qualify_model_new_from_template (names[i], &local_error);

      g_test_message ("template %s", names[i]);
      g_assert_no_error (local_error);
      g_assert_cmpuint (qualify_model_get_n_fit_rules (model), >, 0);
      g_assert_cmpuint (qualify_model_get_n_engagement_rules (model), >, 0);
      g_assert_nonnull (qualify_model_get_sales_ready (model)[0]);
      assert_round_trip (model);
    }

  missing = qualify_model_new_from_template ("nope", &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“nope”"));
  g_assert_nonnull (strstr (error->message, "agency, b2b-saas, ecommerce"));
  g_clear_error (&error);

  missing = qualify_model_new_from_template ("../models/b2b-saas", &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_model_normalize (void)
{
  g_autofree char *folded = g_utf8_casefold ("école", -1);
  struct { const char *in, *out; } cases[] = {
    { " Software ", "software" },
    { "\tInformation Technology\n", "information technology" },
    { "ÉCOLE", folded },
    { "  Straße ", "strasse" },   /* case-folding, not just lower-casing */
    { "   ", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *n = qualify_model_normalize (cases[i].in);
      g_assert_cmpstr (n, ==, cases[i].out);
    }
  g_assert_null (qualify_model_normalize (NULL));
}

static void
test_model_ops (void)
{
  for (guint i = 0; i < QUALIFY_N_OPS; i++)
    {
      QualifyOp op = QUALIFY_N_OPS;

      g_assert_true (qualify_op_from_string (qualify_op_to_string (i), &op));
      g_assert_cmpint (op, ==, i);
    }
  g_assert_cmpstr (qualify_op_to_string (QUALIFY_OP_DOMAIN_IN), ==, "domain_in");
  g_assert_cmpstr (qualify_op_to_string (QUALIFY_OP_BETWEEN), ==, "between");
  g_assert_false (qualify_op_from_string ("eq", NULL));
  g_assert_false (qualify_op_from_string ("EQUALS", NULL));
  g_assert_false (qualify_op_from_string (NULL, NULL));
}

static void
test_model_normalized_operands (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = qualify_model_new_from_data (
    "{\"format\":1,\"name\":\" n \",\"fit\":["
    "{\"id\":\"a\",\"field\":\"industry\",\"op\":\"in\",\"value\":[\" Software \",\"ÉCOLE\",42],\"points\":5},"
    "{\"id\":\"b\",\"field\":\"domain\",\"op\":\"domain_in\","
    "\"value\":[\"https://www.Rival.example/x\",\"@b.example\",\"http://c.example\"],\"points\":1},"
    "{\"id\":\"c\",\"field\":\"employees\",\"op\":\"equals\",\"value\":\"50\",\"points\":1},"
    "{\"id\":\"d\",\"field\":\"employees\",\"op\":\"not_equals\",\"value\":12.5,\"points\":1},"
    "{\"id\":\"e\",\"field\":\"title\",\"op\":\"equals\",\"value\":\"VP\",\"points\":1},"
    "{\"id\":\"f\",\"field\":\"title\",\"op\":\"contains\",\"value\":\"Head Of\",\"points\":1},"
    "{\"id\":\"g\",\"field\":\"annual_revenue\",\"op\":\"lte\",\"value\":1e6,\"points\":1},"
    "{\"id\":\"h\",\"field\":\"phone\",\"op\":\"is_set\",\"points\":1}],"
    "\"engagement\":[{\"id\":\"p\",\"event\":\" Page_View \",\"match\":\"/Pricing*\",\"points\":1,"
    "\"within_days\":90}],"
    "\"sales_ready\":[\" Demo_Request \"],"
    "\"thresholds\":{\"mql\":10}}", -1, &error);
  const QualifyFieldRule *rule;
  const QualifyEngagementRule *p;

  g_assert_no_error (error);
  g_assert_cmpstr (qualify_model_get_name (model), ==, "n");

  rule = find_fit_rule (model, "a");
  g_assert_cmpstr (rule->label, ==, "a");   /* label defaults to the id */
  g_assert_cmpstr (rule->field, ==, "industry");
  g_assert_cmpstr (rule->values[0], ==, "software");
  g_assert_cmpstr (rule->values[1], ==, "école");
  g_assert_cmpstr (rule->values[2], ==, "42");
  g_assert_null (rule->values[3]);

  rule = find_fit_rule (model, "b");
  g_assert_cmpstr (rule->values[0], ==, "rival.example");
  g_assert_cmpstr (rule->values[1], ==, "b.example");
  g_assert_cmpstr (rule->values[2], ==, "c.example");

  rule = find_fit_rule (model, "c");
  g_assert_true (rule->has_number);
  g_assert_cmpfloat (rule->lo, ==, 50);
  g_assert_cmpstr (rule->values[0], ==, "50");

  rule = find_fit_rule (model, "d");
  g_assert_true (rule->has_number);
  g_assert_cmpfloat (rule->lo, ==, 12.5);

  rule = find_fit_rule (model, "e");
  g_assert_false (rule->has_number);
  g_assert_cmpstr (rule->values[0], ==, "vp");
  g_assert_null (rule->values[1]);

  rule = find_fit_rule (model, "f");
  g_assert_cmpstr (rule->values[0], ==, "head of");

  rule = find_fit_rule (model, "g");
  g_assert_cmpint (rule->op, ==, QUALIFY_OP_LTE);
  g_assert_cmpfloat (rule->lo, ==, 1e6);

  rule = find_fit_rule (model, "h");
  g_assert_null (rule->values);

  p = qualify_model_get_engagement_rule (model, 0);
  g_assert_cmpstr (p->event, ==, "page_view");
  g_assert_cmpstr (p->match, ==, "/pricing*");
  g_assert_cmpfloat (p->within_days, ==, 90);
  g_assert_cmpfloat (p->half_life_days, ==, 0);
  g_assert_cmpfloat (p->cap, ==, 0);
  g_assert_cmpstr (qualify_model_get_sales_ready (model)[0], ==, "demo_request");

  /* defaults */
  g_assert_cmpfloat (qualify_model_get_min_fit (model), ==, 0);
  g_assert_cmpfloat (qualify_model_get_min_engagement (model), ==, 0);
  g_assert_cmpuint (qualify_model_get_n_disqualify_rules (model), ==, 0);
  g_assert_cmpuint (qualify_model_get_n_grades (model), ==, 4);
  g_assert_cmpstr (qualify_model_get_grade (model, 0)->letter, ==, "A");
  g_assert_cmpfloat (qualify_model_get_grade (model, 0)->bound, ==, 60);
  g_assert_cmpstr (qualify_model_get_grade (model, 3)->letter, ==, "D");
  g_assert_cmpfloat (qualify_model_get_grade (model, 3)->bound, ==, 0);

  assert_round_trip (model);
}

/* What the user wrote comes back, in the documented key order, defaults filled in. */
static void
test_model_serialize (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = qualify_model_new_from_data (
    "{\"grades\":{\"B\":30,\"A\":70.5},\"thresholds\":{\"min_fit\":0.1,\"mql\":45},"
    "\"sales_ready\":[\"Demo_Request\"],"
    "\"disqualify\":[{\"value\":[\"Rival.example\"],\"op\":\"domain_in\",\"field\":\"email\",\"id\":\"comp\"}],"
    "\"engagement\":[{\"points\":0.3,\"event\":\"Page_View\",\"match\":\"/Pricing*\",\"id\":\"p\",\"label\":\"Pricing\"},"
    "{\"points\":-15,\"event\":\"unsubscribe\",\"id\":\"u\",\"cap\":15}],"
    "\"fit\":[{\"points\":20,\"value\":[\" Software \",\"ÉCOLE\"],\"op\":\"in\",\"field\":\"Industry\",\"id\":\"ind\"},"
    "{\"points\":1,\"op\":\"is_empty\",\"field\":\"phone\",\"id\":\"nophone\",\"label\":\"No phone\"}],"
    "\"name\":\"Mine\",\"format\":1}", -1, &error);
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;

  g_assert_no_error (error);
  compact = qualify_model_to_data (model, FALSE);
  g_assert_cmpstr (compact, ==,
    "{\"format\":1,\"name\":\"Mine\","
    "\"fit\":[{\"id\":\"ind\",\"label\":\"ind\",\"field\":\"Industry\",\"op\":\"in\","
    "\"value\":[\" Software \",\"ÉCOLE\"],\"points\":20},"
    "{\"id\":\"nophone\",\"label\":\"No phone\",\"field\":\"phone\",\"op\":\"is_empty\",\"points\":1}],"
    "\"engagement\":[{\"id\":\"p\",\"label\":\"Pricing\",\"event\":\"Page_View\",\"match\":\"/Pricing*\",\"points\":0.3},"
    "{\"id\":\"u\",\"label\":\"u\",\"event\":\"unsubscribe\",\"points\":-15,\"cap\":15}],"
    "\"disqualify\":[{\"id\":\"comp\",\"label\":\"comp\",\"field\":\"email\",\"op\":\"domain_in\","
    "\"value\":[\"Rival.example\"]}],"
    "\"sales_ready\":[\"Demo_Request\"],"
    "\"thresholds\":{\"mql\":45,\"min_fit\":0.1,\"min_engagement\":0},"
    "\"grades\":{\"A\":70.5,\"B\":30}}");

  pretty = qualify_model_to_data (model, TRUE);
  g_assert_true (g_str_has_prefix (pretty, "{\n  \"format\": 1,\n  \"name\": \"Mine\",\n  \"fit\": [\n    {\n"));
  g_assert_nonnull (strstr (pretty, "\"value\": [\" Software \", \"ÉCOLE\"],\n"));
  g_assert_true (g_str_has_suffix (pretty, "}\n"));

  /* strings that need escaping survive */
  {
    g_autoptr(QualifyModel) odd = qualify_model_new_from_data (
      "{\"format\":1,\"name\":\"Quote \\\" back\\\\ tab\\t nl\\n ctl\\u0001\",\"thresholds\":{\"mql\":1}}",
      -1, &error);
    g_autoptr(QualifyModel) again = NULL;
    g_autofree char *data = NULL;

    g_assert_no_error (error);
    data = qualify_model_to_data (odd, FALSE);
    again = qualify_model_new_from_data (data, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (qualify_model_get_name (again), ==, "Quote \" back\\ tab\t nl\n ctl\001");
    assert_round_trip (odd);
  }
}

static void
test_model_grades (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) def = qualify_model_new_default ();
  g_autoptr(QualifyModel) custom = qualify_model_new_from_data (
    "{\"format\":1,\"name\":\"g\",\"thresholds\":{\"mql\":1},\"grades\":{\"C\":-10,\"A\":80,\"B\":50}}",
    -1, &error);

  g_assert_cmpstr (qualify_model_grade_for_fit (def, 1000), ==, "A");
  g_assert_cmpstr (qualify_model_grade_for_fit (def, 60), ==, "A");
  g_assert_cmpstr (qualify_model_grade_for_fit (def, 59.99), ==, "B");
  g_assert_cmpstr (qualify_model_grade_for_fit (def, 40), ==, "B");
  g_assert_cmpstr (qualify_model_grade_for_fit (def, 20), ==, "C");
  g_assert_cmpstr (qualify_model_grade_for_fit (def, 0), ==, "D");
  g_assert_cmpstr (qualify_model_grade_for_fit (def, -0.01), ==, "F");
  g_assert_cmpstr (qualify_model_grade_for_fit (def, -5), ==, "F");

  g_assert_no_error (error);
  g_assert_cmpuint (qualify_model_get_n_grades (custom), ==, 3);
  g_assert_cmpstr (qualify_model_get_grade (custom, 0)->letter, ==, "A");
  g_assert_cmpstr (qualify_model_get_grade (custom, 2)->letter, ==, "C");
  g_assert_cmpstr (qualify_model_grade_for_fit (custom, 79), ==, "B");
  g_assert_cmpstr (qualify_model_grade_for_fit (custom, -10), ==, "C");
  g_assert_cmpstr (qualify_model_grade_for_fit (custom, -11), ==, "F");
}

typedef struct
{
  const char *json;
  int         code;
  const char *prefix;  /* the error message starts with this */
} BrokenCase;

#define BASE "\"format\":1,\"name\":\"x\",\"thresholds\":{\"mql\":60}"
#define FIT(rule) "{" BASE ",\"fit\":[" rule "]}"

static const BrokenCase broken[] = {
  /* not JSON: json-glib's line:column */
  { "{\"format\":1,", QUALIFY_MODEL_ERROR_PARSE, "Not valid JSON: 1:12: " },
  { "{\n\"format\": 1,\n\"name\": x}", QUALIFY_MODEL_ERROR_PARSE, "Not valid JSON: 3:" },
  { "", QUALIFY_MODEL_ERROR_PARSE, "Not valid JSON: the text is empty" },
  { "{\"format\":1,\n\"name\":\"\xff\"}", QUALIFY_MODEL_ERROR_PARSE, "Not valid JSON: line 2: the text is not UTF-8" },
  /* the top */
  { "[1,2]", QUALIFY_MODEL_ERROR_INVALID, "$: a scoring model is a JSON object" },
  { "{\"format\":2,\"name\":\"x\",\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID,
    "$.format: unsupported format 2; this version of Qualify reads format 1" },
  { "{\"format\":2,\"new_in_v2\":true}", QUALIFY_MODEL_ERROR_INVALID, "$.format: unsupported format 2" },
  { "{\"format\":\"1\",\"name\":\"x\",\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID,
    "$.format: must be a number (got \"1\")" },
  { "{\"name\":\"x\",\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.format: missing; a number is required" },
  { "{\"format\":1,\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.name: missing" },
  { "{\"format\":1,\"name\":\"  \",\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.name: must not be empty" },
  { "{\"format\":1,\"name\":7,\"thresholds\":{\"mql\":60}}", QUALIFY_MODEL_ERROR_INVALID, "$.name: must be a string (got 7)" },
  { "{" BASE ",\"fitt\":[]}", QUALIFY_MODEL_ERROR_INVALID,
    "$.fitt: unknown key; allowed here: format, name, fit, engagement, disqualify, sales_ready, thresholds, grades" },
  /* fit rules */
  { "{" BASE ",\"fit\":{}}", QUALIFY_MODEL_ERROR_INVALID, "$.fit: must be a list of rules" },
  { FIT ("3"), QUALIFY_MODEL_ERROR_INVALID, "$.fit[0]: must be an object" },
  { FIT ("{\"field\":\"x\",\"op\":\"is_set\",\"points\":1}"), QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].id: missing" },
  { FIT ("{\"id\":\"a\",\"op\":\"is_set\",\"points\":1}"), QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].field: missing" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"points\":1}"), QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].op: missing" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"in\",\"value\":[\"a\"],\"points\":1},"
         "{\"id\":\"b\",\"field\":\"x\",\"op\":\"eq\",\"value\":\"1\",\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID,
    "$.fit[1].op: unknown operator “eq”; allowed: equals, not_equals, in, not_in, contains, not_contains, "
    "starts_with, ends_with, gte, lte, between, is_set, is_empty, domain_in, has_any" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"is_set\",\"points\":1,\"weight\":2}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].weight: unknown key; allowed here: id, label, field, op, value, points" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"between\",\"value\":[1,2,3],\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “between” needs a list of two numbers [low, high] (got [1,2,3])" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"between\",\"value\":[1,\"2\"],\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “between” needs a list of two numbers" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"between\",\"value\":[5,1],\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: low (5) is greater than high (1)" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"is_empty\",\"value\":\"y\",\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “is_empty” takes no value; remove it" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"in\",\"value\":\"y\",\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “in” needs a list of strings" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"has_any\",\"value\":[],\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: the list is empty" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"in\",\"value\":[\"a\",{}],\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value[1]: must be a string or a number (got an object)" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"in\",\"value\":[\"a\",\"  \"],\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value[1]: must not be empty; use the “is_empty” operator" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"equals\",\"value\":[\"a\"],\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “equals” takes one string, not a list" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"equals\",\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: missing; “equals” needs a string or a number" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"gte\",\"value\":\"y\",\"points\":1}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].value: “gte” needs a number (got \"y\")" },
  { FIT ("{\"id\":\"a\",\"field\":\"x\",\"op\":\"equals\",\"value\":\"y\"}"),
    QUALIFY_MODEL_ERROR_INVALID, "$.fit[0].points: missing; a number is required" },
  /* ids are unique across the whole model */
  { "{" BASE ",\"fit\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"is_set\",\"points\":1}],"
    "\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].id: “a” is already used by another rule; ids must be unique" },
  /* engagement */
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1,\"half_life_days\":-3}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].half_life_days: must be a number greater than 0 (got -3)" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1,\"cap\":0}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].cap: must be a number greater than 0 (got 0)" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1,\"within_days\":-1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].within_days: must be a number greater than 0" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":\"ten\"}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].points: must be a number (got \"ten\")" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"points\":1}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].event: missing" },
  { "{" BASE ",\"engagement\":[{\"id\":\"a\",\"event\":\"x\",\"points\":1,\"halflife\":3}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.engagement[0].halflife: unknown key; allowed here: id, label, event, match, "
    "points, half_life_days, cap, within_days" },
  /* disqualify rules have no points */
  { "{" BASE ",\"disqualify\":[{\"id\":\"a\",\"field\":\"x\",\"op\":\"is_set\",\"points\":-100}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.disqualify[0].points: unknown key; allowed here: id, label, field, op, value" },
  { "{" BASE ",\"disqualify\":[{\"id\":\"a\",\"field\":\"email\",\"op\":\"domain_in\",\"value\":[\"@\"]}]}",
    QUALIFY_MODEL_ERROR_INVALID, "$.disqualify[0].value[0]: must not be empty" },
  /* thresholds */
  { "{\"format\":1,\"name\":\"x\"}", QUALIFY_MODEL_ERROR_INVALID, "$.thresholds: missing" },
  { "{\"format\":1,\"name\":\"x\",\"thresholds\":[60]}", QUALIFY_MODEL_ERROR_INVALID, "$.thresholds: must be an object" },
  { "{\"format\":1,\"name\":\"x\",\"thresholds\":{}}", QUALIFY_MODEL_ERROR_INVALID,
    "$.thresholds.mql: missing; a number is required" },
  { "{\"format\":1,\"name\":\"x\",\"thresholds\":{\"mql\":\"60\"}}", QUALIFY_MODEL_ERROR_INVALID,
    "$.thresholds.mql: must be a number (got \"60\")" },
  { "{\"format\":1,\"name\":\"x\",\"thresholds\":{\"mql\":60,\"sql\":80}}", QUALIFY_MODEL_ERROR_INVALID,
    "$.thresholds.sql: unknown key; allowed here: mql, min_fit, min_engagement" },
  /* grades */
  { "{" BASE ",\"grades\":{\"A\":40,\"B\":60}}", QUALIFY_MODEL_ERROR_INVALID,
    "$.grades.B: must be lower than A’s bound (40)" },
  { "{" BASE ",\"grades\":{\"A\":40,\"B\":40}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades.B: must be lower than A" },
  { "{" BASE ",\"grades\":{\"F\":0}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades.F: grades are single capital letters" },
  { "{" BASE ",\"grades\":{\"a\":0}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades.a: grades are single capital letters" },
  { "{" BASE ",\"grades\":{\"AA\":0}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades.AA: grades are single capital letters" },
  { "{" BASE ",\"grades\":{}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades: must name at least one grade" },
  { "{" BASE ",\"grades\":{\"A\":\"x\"}}", QUALIFY_MODEL_ERROR_INVALID, "$.grades.A: must be a number" },
  /* sales_ready */
  { "{" BASE ",\"sales_ready\":\"demo_request\"}", QUALIFY_MODEL_ERROR_INVALID, "$.sales_ready: must be a list" },
  { "{" BASE ",\"sales_ready\":[1]}", QUALIFY_MODEL_ERROR_INVALID, "$.sales_ready[0]: must be an event type" },
  { "{" BASE ",\"sales_ready\":[\"a\",\" \"]}", QUALIFY_MODEL_ERROR_INVALID, "$.sales_ready[1]: must not be empty" },
};

static void
test_model_broken (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QualifyModel) model = qualify_model_new_from_data (broken[i].json, -1, &error);
      /* one line each, for TAP */
      g_autofree char *escaped = g_strdelimit (g_utf8_make_valid (broken[i].json, -1), "\n", ' ');
      g_autofree char *message = g_strdelimit (g_strdup (error ? error->message : "(no error)"), "\n", ' ');

      g_test_message ("case %u: %s → %s", i, escaped, message);
      g_assert_null (model);
      g_assert_error (error, QUALIFY_MODEL_ERROR, broken[i].code);
      if (!g_str_has_prefix (error->message, broken[i].prefix))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, broken[i].prefix);
    }
}

static void
test_model_too_many_rules (void)
{
  g_autoptr(GString) json = g_string_new ("{" BASE ",\"engagement\":[");
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyModel) model = NULL;
  g_autoptr(QualifyModel) at_limit = NULL;

  for (guint i = 0; i < QUALIFY_MODEL_MAX_ENGAGEMENT_RULES; i++)
    g_string_append_printf (json, "%s{\"id\":\"r%u\",\"event\":\"x\",\"points\":1}", i ? "," : "", i);

  /* exactly the maximum is fine */
  {
    g_autofree char *closed = g_strconcat (json->str, "]}", NULL);

    at_limit = qualify_model_new_from_data (closed, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (qualify_model_get_n_engagement_rules (at_limit), ==, QUALIFY_MODEL_MAX_ENGAGEMENT_RULES);
  }

  g_string_append_printf (json, ",{\"id\":\"r%u\",\"event\":\"x\",\"points\":1}", QUALIFY_MODEL_MAX_ENGAGEMENT_RULES);
  g_string_append (json, "]}");
  model = qualify_model_new_from_data (json->str, -1, &error);
  g_assert_null (model);
  g_assert_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "$.engagement: has 65 rules; at most 64"));
}

static void
test_model_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = qt_make_tmp_dir ("test-model-XXXXXX");
  g_autofree char *good = NULL;
  g_autofree char *bom = NULL;
  g_autofree char *text = NULL;
  g_autofree char *with_bom = NULL;
  g_autofree char *broken_path = qt_fixture_path ("broken-model.json");
  g_autoptr(QualifyModel) def = qualify_model_new_default ();
  g_autoptr(QualifyModel) model = NULL;
  g_autoptr(QualifyModel) broken_model = NULL;
  g_autoptr(QualifyModel) missing = NULL;

  good = g_build_filename (dir, "model.json", NULL);
  bom = g_build_filename (dir, "bom.json", NULL);
  text = qualify_model_to_data (def, TRUE);
  with_bom = g_strconcat ("\xef\xbb\xbf", text, NULL);
  g_assert_true (g_file_set_contents (good, text, -1, &error));
  g_assert_true (g_file_set_contents (bom, with_bom, -1, &error));

  model = qualify_model_new_from_file (good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qualify_model_get_n_fit_rules (model), ==, qualify_model_get_n_fit_rules (def));
  g_clear_object (&model);

  /* a UTF-8 byte-order mark is skipped */
  model = qualify_model_new_from_file (bom, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qualify_model_get_name (model), ==, "B2B SaaS");

  /* errors name the file, then the JSON path */
  broken_model = qualify_model_new_from_file (broken_path, &error);
  g_assert_null (broken_model);
  g_assert_error (error, QUALIFY_MODEL_ERROR, QUALIFY_MODEL_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, broken_path));
  g_assert_nonnull (strstr (error->message, ": $.fit[0].op: unknown operator “is_like”"));
  g_clear_error (&error);

  missing = qualify_model_new_from_file ("/nonexistent/model.json", &error);
  g_assert_null (missing);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  qt_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/default", test_model_default);
  g_test_add_func ("/model/templates", test_model_templates);
  g_test_add_func ("/model/normalize", test_model_normalize);
  g_test_add_func ("/model/ops", test_model_ops);
  g_test_add_func ("/model/normalized-operands", test_model_normalized_operands);
  g_test_add_func ("/model/serialize", test_model_serialize);
  g_test_add_func ("/model/grades", test_model_grades);
  g_test_add_func ("/model/broken", test_model_broken);
  g_test_add_func ("/model/too-many-rules", test_model_too_many_rules);
  g_test_add_func ("/model/file", test_model_file);

  return g_test_run ();
}
