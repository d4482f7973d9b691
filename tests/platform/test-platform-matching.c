/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xpz-platform-matching.h"

/* R3.1 / B2 unit tests of the matching engine itself (normalisation, unknowns, gates,
 * sums), beside the HTTP-level tests in test-platform-api.c. */

#define NOW ((gint64) 1767225600)

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_normalisation (void)
{
  const char * const cases[][2] = {
    { "Python (primary)", "python" }, { "  PYTHON  ", "python" }, { "python3", "python" },
    { "Postgres", "postgresql" }, { "K8s", "kubernetes" }, { "Node.js", "nodejs" }, { "React.JS", "react" },
    { "Comptabilité", "accounting" }, { "Gestion de projet", "project management" }, { "C#", "csharp" },
    { "Machine   Learning", "machine learning" }, { "SQL;", "sql" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *norm = xpz_platform_normalize_skill (cases[i][0]);
      g_assert_cmpstr (norm, ==, cases[i][1]);
    }
  {
    g_autofree char *a = xpz_platform_normalize_city ("Tangier");
    g_autofree char *b = xpz_platform_normalize_city ("Fès");
    g_assert_cmpstr (a, ==, "tanger");
    g_assert_cmpstr (b, ==, "fes");
    g_assert_cmpstr (xpz_platform_city_region (a), ==, "Tanger-Tétouan-Al Hoceïma");
  }
}

static void
test_unknown_is_not_partial (void)
{
  XpzPlatformMatcher *m = xpz_platform_matcher_new ();
  g_autoptr(JsonObject) empty = parse ("{}");
  g_autoptr(JsonObject) job = parse ("{\"title\":\"x\",\"skills\":[{\"name\":\"Excel\"}],\"location\":{\"city\":\"Rabat\"},"
                                     "\"work_mode\":\"onsite\",\"salary\":{\"min\":1,\"max\":2,\"currency\":\"MAD\"},"
                                     "\"contract_type\":\"CDI\",\"seniority\":\"mid\",\"languages\":[\"French\"]}");
  XpzCandidateVec *c = xpz_platform_matcher_set_candidate (m, 1, empty, NOW);
  XpzJobVec *j = xpz_platform_matcher_set_job (m, 1, 2, "example.ma", job);
  XpzScore score;

  xpz_platform_matcher_score (m, c, j, &score);
  g_assert_cmpuint (score.total, ==, 0);
  for (guint f = 0; f < XPZ_N_FACTORS; f++)
    g_assert_cmpuint (score.status[f], ==, XPZ_FACTOR_STATUS_UNKNOWN);
  xpz_platform_matcher_free (m);
}

static void
test_sum_and_gate (void)
{
  XpzPlatformMatcher *m = xpz_platform_matcher_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const char * const skills[] = { "Python", "SQL", "Go", "Excel", "React", "Docker" };
  const char * const cities[] = { "Casablanca", "Rabat", "Tangier" };
  g_autoptr(JsonObject) gated = parse ("{\"skills\":[{\"name\":\"Go\",\"must_have\":true},{\"name\":\"SQL\"}],"
                                       "\"languages\":[\"French\"]}");
  g_autoptr(JsonObject) no_go = parse ("{\"skills\":[{\"name\":\"SQL\"}],\"languages\":[{\"language\":\"French\"}]}");
  XpzScore score;

  xpz_platform_matcher_score (m, xpz_platform_matcher_set_candidate (m, 1, no_go, NOW),
                              xpz_platform_matcher_set_job (m, 1, 9, NULL, gated), &score);
  g_assert_true (score.gate_failed);
  g_assert_cmpuint (score.total, ==, 0);

  /* over random pairs, the points of the factors always add up to the score, ≤ 100 */
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *pj = g_strdup_printf ("{\"skills\":[{\"name\":\"%s\"},{\"name\":\"%s\"}],\"location\":{\"city\":\"%s\"},"
                                             "\"work_mode\":\"%s\",\"salary\":{\"min\":%d,\"max\":%d},\"seniority\":\"%s\","
                                             "\"contract_type\":\"CDI\",\"languages\":[\"French\",\"English\"]}",
                                             skills[g_rand_int_range (rand, 0, 6)], skills[g_rand_int_range (rand, 0, 6)],
                                             cities[g_rand_int_range (rand, 0, 3)],
                                             g_rand_boolean (rand) ? "remote" : "hybrid",
                                             g_rand_int_range (rand, 5000, 20000), g_rand_int_range (rand, 20000, 40000),
                                             g_rand_boolean (rand) ? "junior" : "senior");
      g_autofree char *pc = g_strdup_printf ("{\"skills\":[{\"name\":\"%s\"}],\"work\":[{\"startDate\":\"%d\"}],"
                                             "\"languages\":[{\"language\":\"French\"}],\"preferences\":{\"locations\":[\"%s\"],"
                                             "\"work_modes\":[\"hybrid\"],\"salary\":{\"min\":%d,\"max\":%d},"
                                             "\"contract_types\":[\"%s\"]}}",
                                             skills[g_rand_int_range (rand, 0, 6)], g_rand_int_range (rand, 2000, 2026),
                                             cities[g_rand_int_range (rand, 0, 3)], g_rand_int_range (rand, 5000, 30000),
                                             g_rand_int_range (rand, 30000, 50000), g_rand_boolean (rand) ? "CDI" : "CDD");
      g_autoptr(JsonObject) job = parse (pj);
      g_autoptr(JsonObject) cand = parse (pc);
      XpzCandidateVec *c = xpz_platform_matcher_set_candidate (m, 2, cand, NOW);
      XpzJobVec *j = xpz_platform_matcher_set_job (m, 2, 9, NULL, job);
      guint sum = 0;

      xpz_platform_matcher_score (m, c, j, &score);
      for (guint f = 0; f < XPZ_N_FACTORS; f++)
        sum += score.points[f];
      g_assert_cmpuint (sum, ==, score.total);
      g_assert_cmpuint (score.total, <=, 100);
    }
  xpz_platform_matcher_free (m);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/platform/R3.1/skill-and-city-normalisation", test_normalisation);
  g_test_add_func ("/platform/R3.1/unknown-is-not-partial-credit", test_unknown_is_not_partial);
  g_test_add_func ("/platform/B2/factors-sum-to-score-and-gates", test_sum_and_gate);
  return g_test_run ();
}
