/* test-scorer.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "qualify-scorer.h"
#include "qualify-store-private.h"
#include "qualify-test-util.h"

#define DAY 86400
#define AS_OF 1780000000 /* 2026-05-28T20:26:40Z */

static QualifyStore *
new_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qualify-scorer-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "w.qualify", NULL);
  QualifyStore *store;

  g_assert_no_error (error);
  store = qualify_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

static gint64
add_lead (QualifyStore *store,
          const char   *email,
          const char   *column,
          const char   *sql_value)
{
  g_autofree char *sql = NULL;

  if (column != NULL)
    sql = g_strdup_printf ("INSERT INTO leads (email, %s) VALUES ('%s', %s)", column, email, sql_value);
  else
    sql = g_strdup_printf ("INSERT INTO leads (email) VALUES ('%s')", email);
  qt_store_exec (store, sql);
  return qualify_store_find_lead (store, email);
}

static void
add_event (QualifyStore *store,
           const char   *email,
           const char   *type,
           const char   *detail,
           gint64        occurred_at)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("INSERT OR IGNORE INTO event_types (name) VALUES ('%s');", type);
  qt_store_exec (store, sql);
  g_clear_pointer (&sql, g_free);
  if (detail != NULL)
    {
      sql = g_strdup_printf ("INSERT OR IGNORE INTO event_details (value) VALUES ('%s');", detail);
      qt_store_exec (store, sql);
      g_clear_pointer (&sql, g_free);
    }
  sql = g_strdup_printf ("INSERT INTO events (lead_id, type_id, detail_id, occurred_at) VALUES ("
                         "(SELECT id FROM leads WHERE email = '%s'),"
                         "(SELECT id FROM event_types WHERE name = '%s'),"
                         "(SELECT id FROM event_details WHERE value = %s%s%s), %" G_GINT64_FORMAT ")",
                         email, type, detail ? "'" : "", detail ? detail : "NULL", detail ? "'" : "",
                         occurred_at);
  qt_store_exec (store, sql);
}

static QualifyModel *
model_with (const char *fit,
            const char *engagement,
            const char *disqualify)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"format\":1,\"name\":\"test\","
                                           "\"fit\":[%s],\"engagement\":[%s],\"disqualify\":[%s],"
                                           "\"sales_ready\":[\"demo_request\"],"
                                           "\"thresholds\":{\"mql\":60,\"min_fit\":25,\"min_engagement\":10},"
                                           "\"grades\":{\"A\":60,\"B\":40,\"C\":20,\"D\":0}}",
                                           fit ? fit : "", engagement ? engagement : "",
                                           disqualify ? disqualify : "");
  QualifyModel *model = qualify_model_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* Scores every lead of @store with @model; returns n_leads scores in id order. */
static QualifyLeadScore *
score_all (QualifyStore *store,
           QualifyModel *model,
           gint64        as_of)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyDataset) dataset = qualify_dataset_load (store, NULL, &error);
  g_autoptr(QualifyScorer) scorer = NULL;
  QualifyLeadScore *scores;

  g_assert_no_error (error);
  scorer = qualify_scorer_new (model, dataset, &error);
  g_assert_no_error (error);
  scores = g_new0 (QualifyLeadScore, qualify_dataset_get_n_leads (dataset) + 1);
  qualify_scorer_run (scorer, as_of, scores);
  return scores;
}

typedef struct
{
  const char *column;     /* NULL = no value */
  const char *sql_value;
  const char *rule;       /* "field":…,"op":…,"value":… */
  gboolean    matches;
} OpCase;

static const OpCase op_cases[] = {
  { "industry", "'  Software '", "\"field\":\"industry\",\"op\":\"equals\",\"value\":\"software\"", TRUE },
  { "industry", "'Software'", "\"field\":\"industry\",\"op\":\"equals\",\"value\":\"SOFTWARE \"", TRUE },
  { "industry", "'Retail'", "\"field\":\"industry\",\"op\":\"equals\",\"value\":\"software\"", FALSE },
  { "industry", "'Retail'", "\"field\":\"industry\",\"op\":\"not_equals\",\"value\":\"software\"", TRUE },
  { NULL, NULL, "\"field\":\"industry\",\"op\":\"not_equals\",\"value\":\"software\"", FALSE },
  { "industry", "''", "\"field\":\"industry\",\"op\":\"not_equals\",\"value\":\"software\"", FALSE },
  { "country", "'Canada'", "\"field\":\"country\",\"op\":\"in\",\"value\":[\"united states\",\"canada\"]", TRUE },
  { "country", "'Canada'", "\"field\":\"country\",\"op\":\"not_in\",\"value\":[\"united states\",\"canada\"]", FALSE },
  { "country", "'Peru'", "\"field\":\"country\",\"op\":\"not_in\",\"value\":[\"united states\",\"canada\"]", TRUE },
  { NULL, NULL, "\"field\":\"country\",\"op\":\"not_in\",\"value\":[\"canada\"]", FALSE },
  { NULL, NULL, "\"field\":\"country\",\"op\":\"in\",\"value\":[\"canada\"]", FALSE },
  { "title", "'VP of Marketing'", "\"field\":\"title\",\"op\":\"contains\",\"value\":\"vp\"", TRUE },
  { "title", "'VP of Marketing'", "\"field\":\"title\",\"op\":\"contains\",\"value\":[\"director\",\"MARKETING\"]", TRUE },
  { "title", "'VP of Marketing'", "\"field\":\"title\",\"op\":\"contains\",\"value\":[\"director\",\"intern\"]", FALSE },
  { "title", "'VP of Marketing'", "\"field\":\"title\",\"op\":\"not_contains\",\"value\":\"intern\"", TRUE },
  { "title", "'Marketing Intern'", "\"field\":\"title\",\"op\":\"not_contains\",\"value\":[\"x\",\"intern\"]", FALSE },
  { NULL, NULL, "\"field\":\"title\",\"op\":\"not_contains\",\"value\":\"intern\"", FALSE },
  { "title", "'VP of Marketing'", "\"field\":\"title\",\"op\":\"starts_with\",\"value\":\"vp\"", TRUE },
  { "title", "'VP of Marketing'", "\"field\":\"title\",\"op\":\"starts_with\",\"value\":\"marketing\"", FALSE },
  { "title", "'VP of Marketing'", "\"field\":\"title\",\"op\":\"ends_with\",\"value\":\"marketing\"", TRUE },
  { "employees", "1200", "\"field\":\"employees\",\"op\":\"gte\",\"value\":1000", TRUE },
  { "employees", "1200", "\"field\":\"employees\",\"op\":\"gte\",\"value\":1200", TRUE },
  { "employees", "1200", "\"field\":\"employees\",\"op\":\"lte\",\"value\":1000", FALSE },
  { "employees", "1200", "\"field\":\"employees\",\"op\":\"lte\",\"value\":1200", TRUE },
  { "employees", "1200", "\"field\":\"employees\",\"op\":\"between\",\"value\":[1200,5000]", TRUE },
  { "employees", "5000", "\"field\":\"employees\",\"op\":\"between\",\"value\":[1200,5000]", TRUE },
  { "employees", "1199", "\"field\":\"employees\",\"op\":\"between\",\"value\":[1200,5000]", FALSE },
  { NULL, NULL, "\"field\":\"employees\",\"op\":\"lte\",\"value\":1000000", FALSE },
  { "employees", "50", "\"field\":\"employees\",\"op\":\"equals\",\"value\":50", TRUE },
  { "custom", "'{\"Budget\":\"$50,000\"}'", "\"field\":\"Budget\",\"op\":\"gte\",\"value\":10000", TRUE },
  { "custom", "'{\"Budget\":\"lots\"}'", "\"field\":\"Budget\",\"op\":\"gte\",\"value\":0", FALSE },
  { "custom", "'{\"Budget\":\"lots\"}'", "\"field\":\"Budget\",\"op\":\"is_set\"", TRUE },
  { "custom", "'{\"Other\":\"x\"}'", "\"field\":\"Budget\",\"op\":\"is_empty\"", TRUE },
  { NULL, NULL, "\"field\":\"industry\",\"op\":\"is_empty\"", TRUE },
  { NULL, NULL, "\"field\":\"industry\",\"op\":\"is_set\"", FALSE },
  { "industry", "'x'", "\"field\":\"industry\",\"op\":\"is_empty\"", FALSE },
  { "domain", "'https://www.Acme.com/about'", "\"field\":\"domain\",\"op\":\"domain_in\",\"value\":[\"acme.com\"]", TRUE },
  { "domain", "'acme.com.evil.example'", "\"field\":\"domain\",\"op\":\"domain_in\",\"value\":[\"acme.com\"]", FALSE },
  { "technologies", "'Salesforce; HubSpot'", "\"field\":\"technologies\",\"op\":\"has_any\",\"value\":[\"hubspot\",\"x\"]", TRUE },
  { "technologies", "'Salesforce; HubSpot'", "\"field\":\"technologies\",\"op\":\"has_any\",\"value\":[\"marketo\"]", FALSE },
  { "technologies", "'Salesforce;HubSpot'", "\"field\":\"technologies\",\"op\":\"has_any\",\"value\":[\"sales\"]", FALSE },
};

static void
test_scorer_operators (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (op_cases); i++)
    {
      const OpCase *c = &op_cases[i];
      g_autoptr(QualifyStore) store = new_store ();
      g_autofree char *rule = g_strdup_printf ("{\"id\":\"r\",\"label\":\"R\",%s,\"points\":10}", c->rule);
      g_autoptr(QualifyModel) model = model_with (rule, NULL, NULL);
      g_autofree QualifyLeadScore *scores = NULL;

      add_lead (store, "lead@corp.example", c->column, c->sql_value);
      scores = score_all (store, model, AS_OF);
      g_test_message ("case %u: %s = %s, %s", i, c->column, c->sql_value, c->rule);
      g_assert_cmpfloat (scores[0].fit, ==, c->matches ? 10.0 : 0.0);
    }
}

static void
test_scorer_domain_in_email (void)
{
  g_autoptr(QualifyStore) store = new_store ();
  g_autoptr(QualifyModel) model = model_with (NULL, NULL,
                                              "{\"id\":\"comp\",\"label\":\"Competitor\",\"field\":\"email\","
                                              "\"op\":\"domain_in\",\"value\":[\"rival.example\"]}");
  g_autofree QualifyLeadScore *scores = NULL;

  add_lead (store, "a@rival.example", NULL, NULL);
  add_lead (store, "b@mail.rival.example", NULL, NULL);
  add_lead (store, "c@notrival.example", NULL, NULL);
  add_event (store, "a@rival.example", "demo_request", NULL, AS_OF - DAY);

  scores = score_all (store, model, AS_OF);
  /* disqualification beats a hand-raise */
  g_assert_cmpint (scores[0].status, ==, QUALIFY_STATUS_DISQUALIFIED);
  g_assert_cmpint (scores[1].status, ==, QUALIFY_STATUS_DISQUALIFIED);
  g_assert_cmpint (scores[2].status, ==, QUALIFY_STATUS_LEAD);
}

typedef struct { const char *type; const char *detail; double days_ago; } Ev;

static double
engagement_of (const char *rule,
               const Ev   *events,
               guint       n_events)
{
  g_autoptr(QualifyStore) store = new_store ();
  g_autofree char *rules = g_strdup_printf ("{\"id\":\"e\",\"label\":\"E\",%s}", rule);
  g_autoptr(QualifyModel) model = model_with (NULL, rules, NULL);
  g_autofree QualifyLeadScore *scores = NULL;

  add_lead (store, "lead@corp.example", NULL, NULL);
  for (guint i = 0; i < n_events; i++)
    add_event (store, "lead@corp.example", events[i].type, events[i].detail,
               AS_OF - (gint64) (events[i].days_ago * DAY));

  scores = score_all (store, model, AS_OF);
  g_assert_cmpfloat_with_epsilon (scores[0].score, scores[0].fit + scores[0].engagement, 1e-12);
  return scores[0].engagement;
}

static void
test_scorer_decay (void)
{
  const Ev one_14 = { "page_view", "/pricing", 14 };
  const Ev one_0 = { "page_view", "/pricing", 0 };
  const Ev one_7 = { "page_view", "/pricing", 7 };
  const Ev half_day = { "page_view", "/pricing", 0.5 };

  /* 0.5 ^ (age / half-life) */
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"points\":10,\"half_life_days\":14",
                                                 &one_14, 1), 5.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"points\":10,\"half_life_days\":14",
                                                 &one_7, 1), 10.0 * pow (0.5, 0.5), 1e-9);
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"points\":10,\"half_life_days\":14",
                                                 &one_0, 1), 10.0, 1e-9);
  /* fractional days */
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"points\":8,\"half_life_days\":1",
                                                 &half_day, 1), 8.0 * pow (0.5, 0.5), 1e-9);
  /* no half-life: no decay */
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"points\":10",
                                                 &one_14, 1), 10.0, 1e-9);
}

static void
test_scorer_caps_and_windows (void)
{
  const Ev five[] = {
    { "page_view", "/pricing", 1 }, { "page_view", "/pricing", 2 }, { "page_view", "/pricing/enterprise", 3 },
    { "page_view", "/Pricing", 4 }, { "page_view", "/pricing", 40 },
  };
  const Ev unsub[] = {
    { "unsubscribe", NULL, 1 }, { "unsubscribe", NULL, 2 }, { "unsubscribe", "list", 3 },
  };
  const Ev mixed[] = {
    { "page_view", "/pricing", 3 }, { "page_view", "/pricing", 10 }, { "page_view", "/blog/pricing", 1 },
    { "page_view", "/pricing", -2 }, /* in the future of as-of */
    { "email_open", "/pricing", 1 },
  };

  /* cap clamps the rule's sum */
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"match\":\"/pricing*\",\"points\":10,\"cap\":30",
                                                 five, 5), 30.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"match\":\"/pricing*\",\"points\":10,\"cap\":100",
                                                 five, 5), 50.0, 1e-9);
  /* … in both directions */
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"unsubscribe\",\"points\":-10,\"cap\":15",
                                                 unsub, 3), -15.0, 1e-9);
  /* absent match = any detail, including none */
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"unsubscribe\",\"points\":-1",
                                                 unsub, 3), -3.0, 1e-9);
  /* within_days, glob anchoring, case-insensitive glob, future events and other types ignored */
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"match\":\"/PRICING*\",\"points\":10,\"within_days\":7",
                                                 mixed, 5), 10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"match\":\"/pricing*\",\"points\":10",
                                                 mixed, 5), 20.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (engagement_of ("\"event\":\"page_view\",\"match\":\"/?????ng\",\"points\":1",
                                                 mixed, 5), 2.0, 1e-9);
}

static void
test_scorer_every_rule_counts (void)
{
  g_autoptr(QualifyStore) store = new_store ();
  g_autoptr(QualifyModel) model = model_with (NULL,
                                              "{\"id\":\"any\",\"event\":\"page_view\",\"points\":1},"
                                              "{\"id\":\"pricing\",\"event\":\"page_view\",\"match\":\"/pricing*\",\"points\":10}",
                                              NULL);
  g_autofree QualifyLeadScore *scores = NULL;

  add_lead (store, "lead@corp.example", NULL, NULL);
  add_event (store, "lead@corp.example", "page_view", "/pricing", AS_OF - 60);
  add_event (store, "lead@corp.example", "page_view", "/blog", AS_OF - 60);
  scores = score_all (store, model, AS_OF);
  g_assert_cmpfloat_with_epsilon (scores[0].engagement, 12.0, 1e-9);
}

static void
test_scorer_grades_and_status (void)
{
  g_autoptr(QualifyStore) store = new_store ();
  g_autoptr(QualifyModel) model = NULL;
  g_autofree QualifyLeadScore *scores = NULL;

  model = model_with ("{\"id\":\"emp\",\"field\":\"employees\",\"op\":\"gte\",\"value\":0,\"points\":1},"
                      "{\"id\":\"big\",\"field\":\"employees\",\"op\":\"gte\",\"value\":60,\"points\":59},"
                      "{\"id\":\"neg\",\"field\":\"title\",\"op\":\"equals\",\"value\":\"student\",\"points\":-70}",
                      "{\"id\":\"p\",\"event\":\"page_view\",\"points\":10}",
                      NULL);

  /* 0: fit 60 exactly → A; engagement 10 → MQL (score 70 ≥ 60, fit ≥ 25, eng ≥ 10) */
  add_lead (store, "a@x.example", "employees", "60");
  add_event (store, "a@x.example", "page_view", "/", AS_OF - 10);
  /* 1: fit 1 → D; engagement 100 → score 101 but fit < min_fit → lead */
  add_lead (store, "b@x.example", "employees", "1");
  for (int i = 0; i < 10; i++)
    add_event (store, "b@x.example", "page_view", "/", AS_OF - 10);
  /* 2: fit 60, engagement 0 → under min_engagement → lead */
  add_lead (store, "c@x.example", "employees", "60");
  /* 3: fit -69 → F; a demo request → SQL whatever the score */
  qt_store_exec (store, "INSERT INTO leads (email, employees, title) VALUES ('d@x.example', 1, 'Student')");
  add_event (store, "d@x.example", "demo_request", NULL, AS_OF - 10);
  /* 4: a demo request after as-of does not count yet */
  add_lead (store, "e@x.example", "employees", "60");
  add_event (store, "e@x.example", "demo_request", NULL, AS_OF + 10);

  scores = score_all (store, model, AS_OF);

  g_assert_cmpfloat (scores[0].fit, ==, 60);
  g_assert_cmpstr (qualify_model_grade_for_fit (model, scores[0].fit), ==, "A");
  g_assert_cmpuint (scores[0].grade, ==, 0);
  g_assert_cmpint (scores[0].status, ==, QUALIFY_STATUS_MQL);

  g_assert_cmpfloat (scores[1].score, ==, 101);
  g_assert_cmpstr (qualify_model_grade_for_fit (model, scores[1].fit), ==, "D");
  g_assert_cmpint (scores[1].status, ==, QUALIFY_STATUS_LEAD);

  g_assert_cmpint (scores[2].status, ==, QUALIFY_STATUS_LEAD);

  g_assert_cmpfloat (scores[3].fit, ==, -69);
  g_assert_cmpstr (qualify_model_grade_for_fit (model, scores[3].fit), ==, "F");
  g_assert_cmpuint (scores[3].grade, ==, qualify_model_get_n_grades (model));
  g_assert_cmpint (scores[3].status, ==, QUALIFY_STATUS_SQL);

  g_assert_cmpint (scores[4].status, ==, QUALIFY_STATUS_LEAD);
}

static void
test_scorer_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = new_store ();
  g_autoptr(QualifyModel) model = model_with ("{\"id\":\"emp\",\"label\":\"Size\",\"field\":\"employees\","
                                              "\"op\":\"gte\",\"value\":100,\"points\":40}",
                                              "{\"id\":\"pricing\",\"label\":\"Pricing page\",\"event\":\"page_view\","
                                              "\"match\":\"/pricing*\",\"points\":10,\"half_life_days\":14,\"cap\":30}",
                                              NULL);
  g_autofree char *json = qualify_model_to_data (model, FALSE);
  g_autoptr(QualifyExplanation) ex = NULL;
  g_autoptr(QualifyLeadRecord) rec = NULL;
  QualifyScoreSummary summary;
  gint64 hot, version;
  double sum = 0;

  version = qualify_store_save_model (store, "test", json, NULL, TRUE, &error);
  g_assert_no_error (error);

  hot = add_lead (store, "hot@big.example", "employees", "500");
  add_lead (store, "cold@big.example", "employees", "500");
  add_lead (store, "small@tiny.example", "employees", "5");
  for (int i = 0; i < 4; i++)
    add_event (store, "hot@big.example", "page_view", "/pricing", AS_OF - i * DAY);
  add_event (store, "hot@big.example", "page_view", "/pricing", AS_OF + 30 * DAY);

  /* first run: every lead gets a result and a first status */
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.leads, ==, 3);
  g_assert_cmpuint (summary.changed, ==, 3);
  g_assert_cmpuint (summary.transitions, ==, 3);
  g_assert_cmpuint (summary.by_status[QUALIFY_STATUS_MQL], ==, 1);
  g_assert_cmpuint (summary.by_status[QUALIFY_STATUS_LEAD], ==, 2);
  g_assert_cmpint (summary.model_version, ==, version);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 3);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history WHERE from_status IS NULL"), ==, 3);
  g_assert_cmpint (qt_store_query_int (store, "SELECT mql_at FROM results r JOIN leads l ON l.id = r.lead_id "
                                              "WHERE l.email = 'hot@big.example'"), ==, AS_OF);
  g_assert_cmpint (qt_store_query_int (store, "SELECT mql_count FROM models WHERE active = 1"), ==, 1);

  /* same as-of again: nothing changes, nothing is written */
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_cmpuint (summary.changed, ==, 0);
  g_assert_cmpuint (summary.transitions, ==, 0);

  /* explanation: contributions sum to the stored score */
  rec = qualify_store_get_lead (store, hot, &error);
  g_assert_no_error (error);
  ex = qualify_explain_lead (store, hot, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ex->as_of, ==, AS_OF);
  g_assert_cmpuint (ex->contributions->len, ==, 2);
  for (guint i = 0; i < ex->contributions->len; i++)
    sum += ((QualifyContribution *) ex->contributions->pdata[i])->points;
  g_assert_cmpfloat_with_epsilon (sum, rec->score, 1e-9);
  g_assert_cmpfloat (ex->score, ==, rec->score);
  {
    QualifyContribution *size = ex->contributions->pdata[0];
    QualifyContribution *pricing = ex->contributions->pdata[1];

    g_assert_cmpstr (size->rule_id, ==, "emp");
    g_assert_cmpstr (size->value, ==, "500");
    g_assert_cmpfloat (size->points, ==, 40);
    g_assert_cmpstr (pricing->rule_id, ==, "pricing");
    g_assert_cmpuint (pricing->n_events, ==, 4);   /* the future one is not counted */
    g_assert_cmpfloat (pricing->raw_points, ==, 40);
    g_assert_cmpfloat_with_epsilon (pricing->decayed_points,
                                    10 * (1 + pow (0.5, 1 / 14.0) + pow (0.5, 2 / 14.0) + pow (0.5, 3 / 14.0)),
                                    1e-9);
    g_assert_true (pricing->capped);
    g_assert_cmpfloat (pricing->points, ==, 30);
  }
  g_assert_cmpstr (rec->grade, ==, "B");  /* fit 40: B's bound is 40 */
  g_clear_pointer (&ex, qualify_explanation_free);

  /* 60 days later the pricing visits have decayed: hot drops out of MQL,
   * its first-MQL time is kept and the change is in the history */
  g_assert_true (qualify_score_workspace (store, AS_OF + 60 * DAY, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.transitions, >=, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history WHERE from_status = 'mql'"), ==, 1);
  g_assert_cmpint (qt_store_query_int (store, "SELECT mql_at FROM results r JOIN leads l ON l.id = r.lead_id "
                                              "WHERE l.email = 'hot@big.example'"), ==, AS_OF);
}

/* A rescore where most results change (a big workspace, a day of decay later)
 * writes them while scoring (a pipeline): the results are those a rescore
 * computes row by row, unchanged rows keep their as-of and version, first-MQL
 * times are kept, and every status change is in the history. */
static void
test_scorer_big_rewrite (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = new_store ();
  g_autoptr(QualifyModel) model = model_with ("{\"id\":\"emp\",\"label\":\"Size\",\"field\":\"employees\","
                                              "\"op\":\"gte\",\"value\":100,\"points\":40}",
                                              "{\"id\":\"pricing\",\"label\":\"Pricing\",\"event\":\"page_view\","
                                              "\"match\":\"/pricing*\",\"points\":10,\"half_life_days\":14,\"cap\":30}",
                                              NULL);
  g_autofree char *json = qualify_model_to_data (model, FALSE);
  QualifyScoreSummary summary;
  gint64 history, unchanged_at;
  guint64 transitions;

  qualify_store_save_model (store, "test", json, NULL, TRUE, &error);
  g_assert_no_error (error);
  qt_store_exec (store, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)"
                        " INSERT INTO leads (id, email, employees) SELECT i, 'p' || i || '@x.example',"
                        " CASE WHEN i % 3 = 0 THEN 500 ELSE 5 END FROM n;"
                        "INSERT INTO event_types (name) VALUES ('page_view');"
                        "INSERT INTO event_details (value) VALUES ('/pricing');"
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150000)"
                        " INSERT INTO events (lead_id, type_id, detail_id, occurred_at)"
                        " SELECT 1 + (i * 7919) % 50000, 1, 1, 1780000000 - (i * 104729) % (40 * 86400) FROM n;");

  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.changed, ==, 60000);
  g_assert_cmpuint (summary.transitions, ==, 60000);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results WHERE scored_at = 1780000000"), ==, 60000);

  /* a day later: the engaged leads change, the 10000 without events do not */
  history = qt_store_query_int (store, "SELECT count(*) FROM status_history");
  g_assert_true (qualify_score_workspace (store, AS_OF + DAY, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.leads, ==, 60000);
  g_assert_cmpuint (summary.changed, ==, 50000);
  transitions = summary.transitions;
  g_assert_cmpuint (transitions, >, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM status_history"), ==, history + (gint64) transitions);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM outbox"), ==, 0);
  unchanged_at = qt_store_query_int (store, "SELECT count(*) FROM results WHERE lead_id > 50000 AND scored_at = 1780000000");
  g_assert_cmpint (unchanged_at, ==, 10000);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results WHERE lead_id <= 50000 AND scored_at = 1780086400"),
                   ==, 50000);
  /* first-MQL times are kept (MQLs of the first run that still are) */
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results WHERE status = 'mql' AND mql_at IS NULL"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results WHERE mql_at = 1780000000"), >, 0);

  /* the same as-of again, row by row this time: nothing differs */
  g_assert_true (qualify_score_workspace (store, AS_OF + DAY, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.changed, ==, 0);
  g_assert_cmpuint (summary.transitions, ==, 0);

  /* explain agrees with the stored score */
  for (gint64 id = 1; id <= 60000; id += 7777)
    {
      g_autoptr(QualifyLeadRecord) rec = qualify_store_get_lead (store, id, &error);
      QualifyExplanation *ex = qualify_explain_lead (store, id, 0, &error);
      double sum = 0;

      g_assert_no_error (error);
      for (guint i = 0; i < ex->contributions->len; i++)
        sum += ((QualifyContribution *) ex->contributions->pdata[i])->points;
      g_assert_cmpfloat (ex->score, ==, rec->score);
      g_assert_cmpfloat_with_epsilon (sum, rec->score, 1e-9);
      qualify_explanation_free (ex);
    }
}

static void
test_scorer_default_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = new_store ();
  QualifyScoreSummary summary;
  gint64 version = 0;
  g_autofree char *json = NULL;

  add_lead (store, "someone@corp.example", NULL, NULL);
  g_assert_true (qualify_score_workspace (store, AS_OF, NULL, &summary, &error));
  g_assert_no_error (error);
  json = qualify_store_dup_active_model_json (store, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, summary.model_version);
  g_assert_cmpuint (summary.leads, ==, 1);
}

static void
test_scorer_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = new_store ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  add_lead (store, "someone@corp.example", NULL, NULL);
  g_cancellable_cancel (cancellable);
  g_assert_false (qualify_score_workspace (store, AS_OF, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM results"), ==, 0);
  g_assert_cmpint (qt_store_query_int (store, "SELECT count(*) FROM score_runs"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/scorer/operators", test_scorer_operators);
  g_test_add_func ("/scorer/domain-in-email", test_scorer_domain_in_email);
  g_test_add_func ("/scorer/decay", test_scorer_decay);
  g_test_add_func ("/scorer/caps-and-windows", test_scorer_caps_and_windows);
  g_test_add_func ("/scorer/every-rule-counts", test_scorer_every_rule_counts);
  g_test_add_func ("/scorer/grades-and-status", test_scorer_grades_and_status);
  g_test_add_func ("/scorer/workspace", test_scorer_workspace);
  g_test_add_func ("/scorer/big-rewrite", test_scorer_big_rewrite);
  g_test_add_func ("/scorer/default-model", test_scorer_default_model);
  g_test_add_func ("/scorer/cancel", test_scorer_cancel);

  return g_test_run ();
}
