/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <locale.h>

#include "xpz-explain.h"
#include "xpz-platform-test-util.h"

/* B2: the app says what the platform's explanation says, from the structured facts,
 * on both sides — so a translation can never drift from what the platform computed. */

static guint
check_factors (JsonArray *factors)
{
  guint n_checked = 0;
  int sum = 0;

  g_assert_cmpuint (json_array_get_length (factors), ==, 6);
  for (guint i = 0; i < json_array_get_length (factors); i++)
    {
      JsonObject *factor = json_array_get_object_element (factors, i);
      JsonObject *facts = json_object_get_object_member (factor, "facts");
      const char *detail = json_object_get_string_member (factor, "detail");
      const char *name = json_object_get_string_member (factor, "name");
      g_autofree char *sentence = xpz_explain_factor (factor);
      g_autofree char *title = xpz_explain_factor_name (name);
      g_autofree char *status = xpz_explain_status (json_object_get_string_member (factor, "status"));

      g_assert_nonnull (facts);
      g_assert_cmpstr (title, !=, name);     /* a word, not an identifier */
      g_assert_cmpstr (status, !=, "");
      sum += json_object_get_int_member (factor, "score");
      /* The English sentence made from the facts is the platform's own, except where the
       * app's grammar is better: one year, and no required language spoken. */
      if ((g_str_equal (name, "seniority") && json_object_get_int_member_with_default (facts, "years", 0) == 1) ||
          (g_str_equal (name, "languages") && json_object_get_int_member_with_default (facts, "matched", 1) == 0))
        continue;
      g_assert_cmpstr (sentence, ==, detail);
      n_checked++;
    }
  g_assert_cmpint (sum, >=, 0);
  g_assert_cmpint (sum, <=, 100);
  return n_checked;
}

static void
test_employer_side (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  XpzTestResponse *jobs;
  guint n_checked = 0;

  g_assert_true (xpz_platform_server_seed_demo (ts->server, &error));
  g_assert_no_error (error);
  token = xpz_test_sign_in (ts, XPZ_PLATFORM_DEMO_RECRUITER_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD);
  jobs = xpz_test_request (ts, "GET", "/api/v1/jobs", token, NULL, NULL);
  g_assert_cmpuint (jobs->status, ==, 200);
  for (guint j = 0; j < json_array_get_length (xpz_test_array (jobs)); j++)
    {
      JsonObject *job = json_array_get_object_element (xpz_test_array (jobs), j);
      g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches?limit=500",
                                               json_object_get_int_member (job, "id"));
      XpzTestResponse *r = xpz_test_request (ts, "GET", path, token, NULL, NULL);
      JsonArray *matches = xpz_test_array (r);

      for (guint i = 0; i < json_array_get_length (matches); i++)
        {
          JsonObject *match = json_array_get_object_element (matches, i);
          g_autofree char *summary = xpz_explain_summary (json_object_get_array_member (match, "factors"));

          n_checked += check_factors (json_object_get_array_member (match, "factors"));
          g_assert_cmpstr (summary, !=, "");
        }
      xpz_test_response_free (r);
    }
  g_assert_cmpuint (n_checked, >, 6);
  xpz_test_response_free (jobs);
  xpz_test_server_free (ts);
}

static void
test_candidate_side (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *score = NULL;
  XpzTestResponse *r;
  JsonArray *matches;
  guint n_checked = 0;

  g_assert_true (xpz_platform_server_seed_demo (ts->server, &error));
  token = xpz_test_sign_in (ts, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD);
  r = xpz_test_request (ts, "GET", "/api/v1/me/matches?limit=500", token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  matches = xpz_test_array (r);
  g_assert_cmpuint (json_array_get_length (matches), >, 0);
  for (guint i = 0; i < json_array_get_length (matches); i++)
    n_checked += check_factors (json_object_get_array_member (json_array_get_object_element (matches, i),
                                                              "factors"));
  g_assert_cmpuint (n_checked, >, 6);
  score = xpz_explain_score (72);
  g_assert_cmpstr (score, ==, "72 out of 100");
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

/* Facts the app does not know fall back to the platform's sentence. */
static void
test_fallback (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"name\":\"future\",\"status\":\"match\","
                                               "\"detail\":\"Something new\",\"facts\":{\"x\":1}}", NULL);
  g_autofree char *sentence = xpz_explain_factor (json_node_get_object (node));
  g_autofree char *status = xpz_explain_status ("gate_failed");

  g_assert_cmpstr (sentence, ==, "Something new");
  g_assert_cmpstr (status, ==, "Must-have missing");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/explain/B2/employer-side-words-from-facts", test_employer_side);
  g_test_add_func ("/explain/B2/candidate-side-words-from-facts", test_candidate_side);
  g_test_add_func ("/explain/B2/unknown-facts-fall-back", test_fallback);
  return g_test_run ();
}
