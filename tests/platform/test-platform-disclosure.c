/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-platform-test-util.h"

/*
 * What an employer can learn of a candidate who has not shared (issue #14 §2): no number
 * derived from her private values (R5.2), no absurd job terms to probe with (R3.1), and
 * nothing at all of a candidate the job does not list (R3.1).
 */

#define PROFILE_JSON \
  "{\"basics\":{\"name\":\"Salma Probe\",\"email\":\"salma@example.ma\"," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}}," \
  "\"work\":[{\"name\":\"Acme\",\"position\":\"Developer\",\"startDate\":\"2019-01\"}]," \
  "\"skills\":[{\"name\":\"Python\"},{\"name\":\"Django\"}]," \
  "\"languages\":[{\"language\":\"French\"}]," \
  "\"preferences\":{\"roles\":[\"Python Developer\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"hybrid\"]," \
  "\"salary\":{\"min\":23456,\"max\":30000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Casablanca\"]}}"

/* A job whose maximum is below her minimum (by 100 * (23456 - max) / max percent). */
#define PROBE_JOB_FMT \
  "{\"title\":\"Python Developer\",\"skills\":[{\"name\":\"Python\"},{\"name\":\"Django\"}]," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\"," \
  "\"salary\":{\"min\":%d,\"max\":%d,\"currency\":\"MAD\",\"period\":\"month\"}," \
  "\"contract_type\":\"CDI\",\"seniority\":\"senior\",\"languages\":[\"French\"]}"

typedef struct
{
  XpzTestServer *ts;
  char          *candidate;
  gint64         candidate_id;
  char          *employer;
} Probe;

static void
probe_setup (Probe                    *p,
             const XpzPlatformOptions *options)
{
  p->ts = xpz_test_server_new (options);
  p->candidate = xpz_test_signup (p->ts, "salma@example.ma", "candidate", "Salma Probe", NULL, &p->candidate_id);
  p->employer = xpz_test_signup (p->ts, "rh@probe.example.ma", "employer", "Karim", "Probe", NULL);
  xpz_test_verify_employer (p->ts, "rh@probe.example.ma");
  xpz_test_set_privacy (p->ts, p->candidate, "{\"sharing_mode\":\"explicit\"}");
  xpz_test_put_profile (p->ts, p->candidate, PROFILE_JSON);
}

static void
probe_teardown (Probe *p)
{
  g_free (p->candidate);
  g_free (p->employer);
  xpz_test_server_free (p->ts);
}

static gint64
probe_job (Probe *p,
           int    min,
           int    max)
{
  g_autofree char *json = g_strdup_printf (PROBE_JOB_FMT, min, max);

  return xpz_test_create_job (p->ts, p->employer, json);
}

static JsonObject *
factor (JsonObject *match,
        const char *name)
{
  JsonArray *factors = json_object_get_array_member (match, "factors");

  for (guint i = 0; i < json_array_get_length (factors); i++)
    {
      JsonObject *f = json_array_get_object_element (factors, i);

      if (g_str_equal (json_object_get_string_member (f, "name"), name))
        return f;
    }
  g_error ("no factor %s", name);
  return NULL;
}

/* The match as the employer sees it before a share: no exact years, no percentage above
 * the offered maximum, nothing that moves with her exact values. */
static void
assert_anonymised (JsonObject *match)
{
  JsonObject *summary = json_object_get_object_member (json_object_get_object_member (match, "candidate"), "summary");
  JsonObject *salary = json_object_get_object_member (factor (match, "salary"), "facts");
  JsonObject *seniority = json_object_get_object_member (factor (match, "seniority"), "facts");
  const char *detail = json_object_get_string_member (factor (match, "salary"), "detail");

  g_assert_false (json_object_get_boolean_member (match, "shared"));
  g_assert_true (json_object_has_member (summary, "years"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (summary, "years")));
  g_assert_cmpstr (json_object_get_string_member (summary, "seniority"), ==, "senior");
  g_assert_false (json_object_get_boolean_member (salary, "overlap"));
  g_assert_false (json_object_has_member (salary, "above_percent"));
  g_assert_null (strchr (detail, '%'));
  g_assert_false (json_object_has_member (seniority, "years"));
  /* 7 years of experience: the senior band (5–8 years) of the anonymised summary */
  g_assert_cmpint (json_object_get_int_member (seniority, "band_min"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (seniority, "band_max"), ==, 8);
  g_assert_true (json_object_get_boolean_member (seniority, "met"));
  g_assert_null (strstr (json_object_get_string_member (factor (match, "seniority"), "detail"), "7 years"));
}

static void
test_explicit_no_numeric_leak (void)
{
  XpzPlatformOptions options;
  Probe p;
  gint64 salary_points[2] = { -1, -1 };
  const int maxima[2] = { 19000, 19600 };   /* 23% and 20% under her minimum */

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  probe_setup (&p, &options);
  for (guint i = 0; i < G_N_ELEMENTS (maxima); i++)
    {
      gint64 job_id = probe_job (&p, 15000, maxima[i]);
      g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches", job_id);
      g_autoptr(XpzTestResponse) list = xpz_test_request (p.ts, "GET", path, p.employer, NULL, NULL);
      g_autoptr(XpzTestResponse) detail = NULL;
      g_autoptr(XpzTestResponse) feed = NULL;
      g_autofree char *detail_path = NULL;
      JsonObject *match;
      JsonArray *changes;
      guint n_feed = 0;

      g_assert_cmpuint (list->status, ==, 200);
      g_assert_cmpuint (json_array_get_length (xpz_test_array (list)), ==, 1);
      match = json_array_get_object_element (xpz_test_array (list), 0);
      assert_anonymised (match);
      salary_points[i] = json_object_get_int_member (factor (match, "salary"), "score");

      detail_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path,
                                     json_object_get_int_member (json_object_get_object_member (match, "candidate"), "id"));
      detail = xpz_test_request (p.ts, "GET", detail_path, p.employer, NULL, NULL);
      g_assert_cmpuint (detail->status, ==, 200);
      assert_anonymised (xpz_test_object (detail));
      g_assert_null (strstr (detail->body, "above_percent"));

      /* the change feed's snapshot (its own fast path) says no more */
      feed = xpz_test_request (p.ts, "GET", "/api/v1/changes", p.employer, NULL, NULL);
      g_assert_cmpuint (feed->status, ==, 200);
      changes = json_object_get_array_member (xpz_test_object (feed), "changes");
      for (guint c = 0; c < json_array_get_length (changes); c++)
        {
          JsonObject *change = json_array_get_object_element (changes, c);

          if (!g_str_equal (json_object_get_string_member (change, "kind"), "match"))
            continue;
          assert_anonymised (json_object_get_object_member (change, "data"));
          n_feed++;
        }
      g_assert_cmpuint (n_feed, ==, i + 1);
      g_assert_null (strstr (feed->body, "above_percent"));
    }
  /* Moving the maximum by 600 MAD does not move the points either. */
  g_assert_cmpint (salary_points[0], ==, salary_points[1]);

  /* Her own view keeps her exact values: they are hers. */
  {
    g_autoptr(XpzTestResponse) mine = xpz_test_request (p.ts, "GET", "/api/v1/me/matches", p.candidate, NULL, NULL);

    g_assert_cmpuint (mine->status, ==, 200);
    g_assert_nonnull (strstr (mine->body, "above_percent"));
  }
  probe_teardown (&p);
}

static void
test_absurd_job_terms (void)
{
  static const char * const refused[] = {
    /* the probe of the issue: a maximum of 1 MAD */
    "{\"title\":\"Probe\",\"salary\":{\"min\":1,\"max\":1,\"currency\":\"MAD\",\"period\":\"month\"}}",
    "{\"title\":\"Probe\",\"salary\":{\"max\":1}}",
    "{\"title\":\"Probe\",\"salary\":{\"min\":0,\"currency\":\"EUR\"}}",
    "{\"title\":\"Probe\",\"salary\":{\"min\":30000,\"max\":20000,\"currency\":\"MAD\"}}",
    "{\"title\":\"Probe\",\"salary\":{\"min\":5000000,\"max\":9000000,\"currency\":\"MAD\",\"period\":\"month\"}}",
    "{\"title\":\"Probe\",\"salary\":{\"min\":5000,\"max\":9000,\"currency\":\"MAD\",\"period\":\"year\"}}",
    "{\"title\":\"Probe\",\"salary\":{\"min\":1e300,\"currency\":\"MAD\"}}",
    "{\"title\":\"Probe\",\"salary\":{\"min\":20000,\"currency\":\"mad\"}}",
  };
  static const char * const accepted[] = {
    "{\"title\":\"Fine\",\"salary\":{\"min\":8000,\"max\":12000,\"currency\":\"MAD\",\"period\":\"month\"}}",
    "{\"title\":\"Fine\",\"salary\":{\"min\":240000,\"max\":360000,\"currency\":\"MAD\",\"period\":\"year\"}}",
    "{\"title\":\"Fine\",\"salary\":{\"min\":3000,\"currency\":\"EUR\"}}",
    "{\"title\":\"Fine\",\"salary\":{\"min\":20000,\"max\":20000}}",
  };
  XpzPlatformOptions options;
  Probe p;
  gint64 job_id;
  g_autofree char *path = NULL;
  g_autoptr(XpzTestResponse) get = NULL;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  probe_setup (&p, &options);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(XpzTestResponse) r = xpz_test_request (p.ts, "POST", "/api/v1/jobs", p.employer, refused[i], NULL);

      if (r->status != 400)
        g_error ("accepted an absurd job (%u): %s", r->status, refused[i]);
      g_assert_cmpstr (xpz_test_error_code (r), ==, "invalid_job");
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(XpzTestResponse) r = xpz_test_request (p.ts, "POST", "/api/v1/jobs", p.employer, accepted[i], NULL);

      if (r->status != 201)
        g_error ("refused a plausible job (%u): %s: %s", r->status, accepted[i], r->body);
    }

  /* An edit is held to the same terms. */
  job_id = probe_job (&p, 15000, 20000);
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT, job_id);
  get = xpz_test_request (p.ts, "GET", path, p.employer, NULL, NULL);
  {
    g_autofree char *body = g_strdup_printf (PROBE_JOB_FMT, 1, 1);
    g_autoptr(XpzTestResponse) put = xpz_test_request (p.ts, "PUT", path, p.employer, body,
                                                       "If-Match", soup_message_headers_get_one (get->headers, "ETag"),
                                                       NULL);

    g_assert_cmpuint (put->status, ==, 400);
    g_assert_cmpstr (xpz_test_error_code (put), ==, "invalid_job");
  }
  probe_teardown (&p);
}

/* Every candidate-specific endpoint of the job answers `status` with `code`. */
static void
assert_reachability (Probe      *p,
                     gint64      job_id,
                     gint64      candidate,
                     guint       status,
                     const char *code)
{
  g_autofree char *base = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                                           job_id, candidate);
  g_autofree char *intro = g_strconcat (base, "/introduction", NULL);
  g_autoptr(XpzTestResponse) get = xpz_test_request (p->ts, "GET", base, p->employer, NULL, NULL);
  g_autoptr(XpzTestResponse) put = xpz_test_request (p->ts, "PUT", base, p->employer,
                                                     "{\"stage\":\"reviewing\",\"note\":\"probe\"}", NULL);
  g_autoptr(XpzTestResponse) post = xpz_test_request (p->ts, "POST", intro, p->employer, "{}", NULL);

  if (code == NULL)
    {
      /* reachable: read, staged, asked for an introduction (200 or 201) */
      g_assert_cmpuint (get->status, ==, 200);
      g_assert_cmpuint (put->status, ==, 200);
      g_assert_cmpuint (post->status / 100, ==, 2);
      return;
    }
  g_assert_cmpuint (get->status, ==, status);
  g_assert_cmpuint (put->status, ==, status);
  g_assert_cmpuint (post->status, ==, status);
  if (code != NULL)
    {
      g_assert_cmpstr (xpz_test_error_code (get), ==, code);
      g_assert_cmpstr (xpz_test_error_code (put), ==, code);
      g_assert_cmpstr (xpz_test_error_code (post), ==, code);
    }
}

static guint
n_listed (Probe  *p,
          gint64  job_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches", job_id);
  g_autoptr(XpzTestResponse) r = xpz_test_request (p->ts, "GET", path, p->employer, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_array_get_length (xpz_test_array (r));
}

/* The only listed match of @job_id, and its candidate's handle. */
static gint64
only_handle (Probe  *p,
             gint64  job_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches", job_id);
  g_autoptr(XpzTestResponse) r = xpz_test_request (p->ts, "GET", path, p->employer, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (xpz_test_array (r)), ==, 1);
  return json_object_get_int_member (json_object_get_object_member (
           json_array_get_object_element (xpz_test_array (r), 0), "candidate"), "id");
}

static void
test_unlisted_unreachable (void)
{
  XpzPlatformOptions options;
  Probe p;
  gint64 job_id;
  g_autoptr(XpzTestResponse) mine = NULL;
  g_autoptr(XpzTestResponse) dismiss = NULL;
  g_autoptr(XpzTestResponse) intros = NULL;
  g_autofree char *path = NULL;
  gint64 handle;

  /* A listing threshold above what she scores: she matches (score > 0) but is not listed. */
  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.list_min_score = 99;
  probe_setup (&p, &options);
  job_id = probe_job (&p, 15000, 19000);
  g_assert_cmpuint (n_listed (&p, job_id), ==, 0);
  /* the same 404 as a candidate who does not exist */
  assert_reachability (&p, job_id, xpz_platform_server_candidate_handle (p.ts->server, job_id, p.candidate_id),
                       404, "not_found");
  assert_reachability (&p, job_id, xpz_platform_server_candidate_handle (p.ts->server, job_id, p.candidate_id + 1000),
                       404, "not_found");
  /* nor by her account id */
  assert_reachability (&p, job_id, p.candidate_id, 404, "not_found");
  intros = xpz_test_request (p.ts, "GET", "/api/v1/me/introductions", p.candidate, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (intros), "introductions")), ==, 0);
  probe_teardown (&p);

  /* Listed, then "not interested": off the employer's list, and unreachable. */
  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  probe_setup (&p, &options);
  job_id = probe_job (&p, 15000, 19000);
  handle = only_handle (&p, job_id);
  assert_reachability (&p, job_id, handle, 200, NULL);
  path = g_strdup_printf ("/api/v1/me/matches/%" G_GINT64_FORMAT "/not-interested", job_id);
  dismiss = xpz_test_request (p.ts, "POST", path, p.candidate, NULL, NULL);
  g_assert_cmpuint (dismiss->status, ==, 200);
  g_assert_cmpuint (n_listed (&p, job_id), ==, 0);
  assert_reachability (&p, job_id, handle, 404, "not_found");
  mine = xpz_test_request (p.ts, "GET", "/api/v1/changes", p.employer, NULL, NULL);
  g_assert_cmpuint (mine->status, ==, 200);
  {
    JsonArray *changes = json_object_get_array_member (xpz_test_object (mine), "changes");

    for (guint i = 0; i < json_array_get_length (changes); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, i), "kind"), !=, "match");
  }
  probe_teardown (&p);
}

/* Employers see per-job candidate handles that cannot be linked across jobs until a
 * share (issue 14 §2): the same candidate, listed by two jobs of one employer, is two
 * unrelated numbers, neither of them her account id, wherever the employer reads her. */
static void
test_per_job_handles (void)
{
  XpzPlatformOptions options;
  Probe p;
  gint64 job_a, job_b, handle_a, handle_b;
  g_autofree char *needle = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_autofree char *cross = NULL;
  g_autofree char *own = NULL;
  g_autofree char *intro = NULL;
  g_autoptr(XpzTestResponse) feed = NULL;
  g_autoptr(XpzTestResponse) wrong = NULL;
  g_autoptr(XpzTestResponse) right = NULL;
  g_autoptr(XpzTestResponse) asked = NULL;
  g_autoptr(XpzPlatformServer) again = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *changes;
  guint seen = 0;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  probe_setup (&p, &options);
  job_a = probe_job (&p, 15000, 19000);
  job_b = probe_job (&p, 15000, 19000);

  handle_a = only_handle (&p, job_a);
  handle_b = only_handle (&p, job_b);
  g_assert_cmpint (handle_a, !=, handle_b);
  g_assert_cmpint (handle_a, !=, p.candidate_id);
  g_assert_cmpint (handle_b, !=, p.candidate_id);
  /* exact in every JSON reader (below 2^53), and never 0 */
  g_assert_cmpint (handle_a, >, 0);
  g_assert_cmpint (handle_a, <, G_GINT64_CONSTANT (1) << 53);
  g_assert_cmpint (handle_b, >, 0);
  g_assert_cmpint (handle_b, <, G_GINT64_CONSTANT (1) << 53);

  /* one job's handle means nothing in the other job, and her account id nothing at all */
  cross = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT, job_b, handle_a);
  wrong = xpz_test_request (p.ts, "GET", cross, p.employer, NULL, NULL);
  g_assert_cmpuint (wrong->status, ==, 404);
  assert_reachability (&p, job_a, p.candidate_id, 404, "not_found");
  own = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT, job_b, handle_b);
  right = xpz_test_request (p.ts, "GET", own, p.employer, NULL, NULL);
  g_assert_cmpuint (right->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (xpz_test_object (right), "candidate"), "id"),
                   ==, handle_b);

  /* the introduction names her by the job's handle */
  intro = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/introduction", job_a, handle_a);
  asked = xpz_test_request (p.ts, "POST", intro, p.employer, "{}", NULL);
  g_assert_cmpuint (asked->status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (xpz_test_object (asked), "candidate_id"), ==, handle_a);

  /* the change feed (snapshot, then the introduction's delta) uses the same handles */
  feed = xpz_test_request (p.ts, "GET", "/api/v1/changes", p.employer, NULL, NULL);
  g_assert_cmpuint (feed->status, ==, 200);
  id_a = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_a, handle_a);
  id_b = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_b, handle_b);
  changes = json_object_get_array_member (xpz_test_object (feed), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      const char *id = json_object_get_string_member (change, "id");

      if (!g_str_equal (json_object_get_string_member (change, "kind"), "match"))
        continue;
      g_assert_true (g_str_equal (id, id_a) || g_str_equal (id, id_b));
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                         json_object_get_object_member (change, "data"), "candidate"), "id"),
                       ==, g_str_equal (id, id_a) ? handle_a : handle_b);
      seen++;
    }
  g_assert_cmpuint (seen, ==, 2);
  {
    g_autofree char *since = g_strdup_printf ("/api/v1/changes?since=%s",
                                              json_object_get_string_member (xpz_test_object (feed), "cursor"));
    g_autoptr(XpzTestResponse) delta = NULL;
    g_autoptr(XpzTestResponse) accept = NULL;
    g_autofree char *accept_path = g_strdup_printf ("/api/v1/me/introductions/%" G_GINT64_FORMAT "/accept",
                                                    json_object_get_int_member (xpz_test_object (asked), "id"));
    gboolean found = FALSE;

    accept = xpz_test_request (p.ts, "POST", accept_path, p.candidate, NULL, NULL);
    g_assert_cmpuint (accept->status, ==, 200);
    delta = xpz_test_request (p.ts, "GET", since, p.employer, NULL, NULL);
    g_assert_cmpuint (delta->status, ==, 200);
    changes = json_object_get_array_member (xpz_test_object (delta), "changes");
    for (guint i = 0; i < json_array_get_length (changes); i++)
      {
        JsonObject *change = json_array_get_object_element (changes, i);

        if (!g_str_equal (json_object_get_string_member (change, "kind"), "match"))
          continue;
        g_assert_cmpstr (json_object_get_string_member (change, "id"), ==, id_a);
        /* shared now: who she is may be read, the handle stays the job's */
        g_assert_true (json_object_get_boolean_member (json_object_get_object_member (change, "data"), "shared"));
        found = TRUE;
      }
    g_assert_true (found);
  }

  /* her account id appears in nothing the employer read about her */
  needle = g_strdup_printf ("\"candidate\":{\"id\":%" G_GINT64_FORMAT ",", p.candidate_id);
  g_assert_null (strstr (feed->body, needle));
  g_assert_null (strstr (right->body, needle));
  g_free (needle);
  /* (the same pattern finds the handle: the check above reads the right place) */
  needle = g_strdup_printf ("\"candidate\":{\"id\":%" G_GINT64_FORMAT ",", handle_b);
  g_assert_nonnull (strstr (right->body, needle));
  g_assert_nonnull (strstr (feed->body, needle));
  g_free (needle);
  needle = g_strdup_printf ("\"candidate_id\":%" G_GINT64_FORMAT ",", p.candidate_id);
  g_assert_null (strstr (asked->body, needle));

  /* the handles outlive a restart: the key comes from the database's secret */
  again = xpz_platform_server_new (p.ts->db_path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xpz_platform_server_candidate_handle (again, job_a, p.candidate_id), ==, handle_a);
  g_assert_cmpint (xpz_platform_server_candidate_handle (again, job_b, p.candidate_id), ==, handle_b);
  probe_teardown (&p);
}

/* ---- insights (R3.5) ---- */

static void
add_candidate (XpzTestServer *ts,
               guint          serial,
               int            start_year,
               guint          salary)
{
  g_autofree char *email = g_strdup_printf ("k%u@example.ma", serial);
  g_autofree char *token = xpz_test_signup (ts, email, "candidate", "K", NULL, NULL);
  g_autofree char *profile = g_strdup_printf ("{\"basics\":{\"label\":\"Comptable\"},\"work\":[{\"startDate\":\"%d-01\"}],"
                                              "\"preferences\":{\"salary\":{\"min\":%u,\"max\":%u,\"currency\":\"MAD\","
                                              "\"period\":\"month\"}}}", start_year, salary, salary);

  xpz_test_put_profile (ts, token, profile);
}

static XpzTestServer *
insights_server (void)
{
  XpzPlatformOptions options;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.k_anonymity = 5;
  return xpz_test_server_new (&options);
}

static void
test_fake_accounts_do_not_unlock_band (void)
{
  g_autoptr(XpzTestServer) ts = insights_server ();
  g_autofree char *viewer = xpz_test_signup (ts, "viewer@example.ma", "employer", "V", "Co", NULL);
  g_autoptr(XpzTestResponse) r = NULL;

  /* one real candidate, established (her account is 59 days old at the query) */
  add_candidate (ts, 0, 2016, 31300);
  /* a month later, four fresh accounts with extreme salaries in her band */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 30 * 86400);
  for (guint i = 1; i <= 4; i++)
    add_candidate (ts, i, 2016, 1000000);
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 59 * 86400);   /* the fakes: 29 days */
  g_free (viewer);
  viewer = xpz_test_sign_in (ts, "viewer@example.ma", "correct horse battery");
  r = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=comptable", viewer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (r), "groups")), ==, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (xpz_test_object (r), "total")));
  g_assert_null (strstr (r->body, "median\":"));
}

static char *
suppressed_answer (guint n_small)
{
  g_autoptr(XpzTestServer) ts = insights_server ();
  g_autofree char *viewer = xpz_test_signup (ts, "viewer@example.ma", "employer", "V", "Co", NULL);
  g_autoptr(XpzTestResponse) r = NULL;
  guint serial = 0;

  for (guint i = 0; i < 5; i++)
    add_candidate (ts, serial++, 2025, 8000 + i * 500);    /* 0-2 years */
  for (guint i = 0; i < 5; i++)
    add_candidate (ts, serial++, 2022, 12000 + i * 500);   /* 3-5 years */
  for (guint i = 0; i < n_small; i++)
    add_candidate (ts, serial++, 2012, 30000 + i * 500);   /* 10+ years: the small group */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 31 * 86400);
  g_free (viewer);
  viewer = xpz_test_sign_in (ts, "viewer@example.ma", "correct horse battery");
  r = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=comptable", viewer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  return json_to_string (r->json, FALSE);
}

static void
test_suppressed_bands_not_named (void)
{
  g_autofree char *none = suppressed_answer (0);
  g_autofree char *some = suppressed_answer (4);

  /* the same answer, total included, whether the suppressed band holds 0 or k − 1 people */
  g_assert_cmpstr (none, ==, some);
}

static void
test_insights_rate_limited (void)
{
  g_autoptr(XpzTestServer) ts = insights_server ();
  g_autofree char *viewer = xpz_test_signup (ts, "viewer@example.ma", "employer", "V", "Co", NULL);
  g_autofree char *other = xpz_test_signup (ts, "other@example.ma", "employer", "O", "Co", NULL);
  guint ok = 0;
  g_autoptr(XpzTestResponse) limited = NULL;
  g_autoptr(XpzTestResponse) theirs = NULL;
  g_autoptr(XpzTestResponse) later = NULL;

  for (guint i = 0; i < 100; i++)
    {
      XpzTestResponse *r = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=comptable", viewer, NULL, NULL);
      guint status = r->status;

      xpz_test_response_free (r);
      if (status != 200)
        break;
      ok++;
    }
  g_assert_cmpuint (ok, <, 100);
  limited = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=comptable", viewer, NULL, NULL);
  g_assert_cmpuint (limited->status, ==, 429);
  g_assert_nonnull (soup_message_headers_get_one (limited->headers, "Retry-After"));
  /* per account: another account is not limited */
  theirs = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=comptable", other, NULL, NULL);
  g_assert_cmpuint (theirs->status, ==, 200);
  /* and the window passes */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 2 * 3600);
  g_free (viewer);
  viewer = xpz_test_sign_in (ts, "viewer@example.ma", "correct horse battery");
  later = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=comptable", viewer, NULL, NULL);
  g_assert_cmpuint (later->status, ==, 200);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/platform/R5.2/explicit-mode-no-numeric-leak", test_explicit_no_numeric_leak);
  g_test_add_func ("/platform/R3.1/absurd-job-terms-refused", test_absurd_job_terms);
  g_test_add_func ("/platform/R3.1/unlisted-candidate-unreachable", test_unlisted_unreachable);
  g_test_add_func ("/platform/R3.1/per-job-handles-unlinkable-until-share", test_per_job_handles);
  g_test_add_func ("/platform/R3.5/fake-accounts-do-not-unlock-band", test_fake_accounts_do_not_unlock_band);
  g_test_add_func ("/platform/R3.5/suppressed-bands-not-named", test_suppressed_bands_not_named);
  g_test_add_func ("/platform/R3.5/insight-queries-rate-limited", test_insights_rate_limited);
  return g_test_run ();
}
