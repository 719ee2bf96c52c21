/* bench-whatif.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Times the what-if preview for the edits a marketing manager makes: a
 * threshold, a weight, a pattern with its half-life, a new rule. Uses the
 * workspace in $QUALIFY_BENCH_WORKSPACE (it is only read), or generates one
 * with N leads and 10 N events (argv[1], default 100,000).
 *   _build-bench/tests/bench-whatif            # generated
 *   QUALIFY_BENCH_WORKSPACE=big.qualify _build-bench/tests/bench-whatif
 */

#include "config.h"

#include "qualify-demo.h"
#include "qualify-whatif.h"

typedef void (*Edit) (JsonObject *model);

static JsonObject *
rule (JsonObject *model,
      const char *section,
      guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (model, section), index);
}

static void
edit_threshold (JsonObject *m)
{
  json_object_set_double_member (json_object_get_object_member (m, "thresholds"), "mql", 45);
}

static void
edit_weight (JsonObject *m)
{
  json_object_set_int_member (rule (m, "fit", 0), "points", 35);
}

static void
edit_pattern (JsonObject *m)
{
  json_object_set_string_member (rule (m, "engagement", 0), "match", "/*");
  json_object_set_double_member (rule (m, "engagement", 0), "half_life_days", 3);
}

static void
edit_new_rule (JsonObject *m)
{
  JsonObject *r = json_object_new ();

  json_object_set_string_member (r, "id", "bench");
  json_object_set_string_member (r, "field", "country");
  json_object_set_string_member (r, "op", "equals");
  json_object_set_string_member (r, "value", "Germany");
  json_object_set_int_member (r, "points", 15);
  json_array_add_object_element (json_object_get_array_member (m, "fit"), r);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; Edit edit; } edits[] = {
    { "threshold edit", edit_threshold },
    { "weight edit", edit_weight },
    { "pattern + half-life edit", edit_pattern },
    { "new rule", edit_new_rule },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QualifyStore) store = NULL;
  g_autoptr(QualifyWhatIf) whatif = NULL;
  const char *path = g_getenv ("QUALIFY_BENCH_WORKSPACE");
  g_autofree char *generated = NULL;
  gint64 t0;

  if (path == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("qualify-bench-whatif-XXXXXX", NULL);
      guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
      QualifyDemoOptions options = { n, (guint64) n * 10, 1, 1793491200 };

      generated = g_build_filename (dir, "w.qualify", NULL);
      path = generated;
      if (!(store = qualify_store_open (path, &error)) || !qualify_demo_populate (store, &options, NULL, &error))
        g_error ("%s", error->message);
    }
  else if (!(store = qualify_store_open (path, &error)))
    g_error ("%s", error->message);

  t0 = g_get_monotonic_time ();
  if (!(whatif = qualify_whatif_new (store, 0, NULL, &error)))
    g_error ("%s", error->message);
  g_print ("%s: loaded and scored with the active model in %.0f ms\n", path, (g_get_monotonic_time () - t0) / 1000.0);

  for (guint e = 0; e < G_N_ELEMENTS (edits); e++)
    {
      g_autoptr(JsonNode) node = qualify_model_to_node (qualify_whatif_get_active_model (whatif));
      g_autoptr(QualifyModel) draft = NULL;
      double ms[5];

      edits[e].edit (json_node_get_object (node));
      if (!(draft = qualify_model_new_from_node (node, &error)))
        g_error ("%s", error->message);
      for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
        {
          g_autoptr(QualifyWhatIfResult) r = NULL;

          t0 = g_get_monotonic_time ();
          if (!(r = qualify_whatif_evaluate (whatif, draft, &error)))
            g_error ("%s", error->message);
          ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
        }
      qsort (ms, G_N_ELEMENTS (ms), sizeof ms[0], compare_doubles);
      g_print ("  %-26s median %6.0f ms  (min %.0f, max %.0f, 5 runs)\n", edits[e].name, ms[2], ms[0], ms[4]);
    }
  return 0;
}
