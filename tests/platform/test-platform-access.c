/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-platform-test-util.h"

/*
 * R9.4: every endpoint × {no token, expired token, the other role, another account's
 * ids}. Every attempt is refused, and no refusal carries the other account's data.
 */

#define SECRET_PROFILE \
  "{\"basics\":{\"name\":\"Zq9Name\",\"email\":\"zq9mail@example.ma\",\"phone\":\"+212600009999\"," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}}," \
  "\"work\":[{\"name\":\"Zq9Corp\",\"startDate\":\"2015-01\"}],\"skills\":[{\"name\":\"Python\"}]," \
  "\"languages\":[{\"language\":\"French\"}]," \
  "\"preferences\":{\"work_modes\":[\"hybrid\"],\"locations\":[\"Casablanca\"],\"contract_types\":[\"CDI\"]}}"

#define SECRET_JOB \
  "{\"title\":\"Zq9JobTitle\",\"description\":\"Zq9JobDescription\",\"skills\":[{\"name\":\"Python\"}]," \
  "\"location\":{\"city\":\"Casablanca\"},\"work_mode\":\"hybrid\",\"contract_type\":\"CDI\",\"languages\":[\"French\"]}"

#define OTHER_JOB \
  "{\"title\":\"Other job\",\"skills\":[{\"name\":\"Python\"}]," \
  "\"location\":{\"city\":\"Casablanca\"},\"work_mode\":\"hybrid\",\"contract_type\":\"CDI\",\"languages\":[\"French\"]}"

typedef enum { ANY, CANDIDATE, EMPLOYER } Role;

typedef struct
{
  const char *method;
  const char *path;    /* {doc} {share} {intro} {block} {job} {cand} */
  const char *body;
  Role        role;
  gboolean    owned;   /* the path names the first accounts' objects */
} Endpoint;

static const Endpoint endpoints[] = {
  { "GET", "/api/v1/me", NULL, ANY, FALSE },
  { "GET", "/api/v1/me/sign-ins", NULL, ANY, FALSE },
  { "GET", "/api/v1/changes", NULL, ANY, FALSE },
  { "GET", "/api/v1/me/export", NULL, ANY, FALSE },
  { "GET", "/api/v1/me/deletion-request", NULL, ANY, FALSE },
  { "POST", "/api/v1/me/deletion-request", NULL, ANY, FALSE },
  { "GET", "/api/v1/me/retention", NULL, ANY, FALSE },
  { "POST", "/api/v1/me/policy-acceptances", "{\"version\":\"2026-01\"}", ANY, FALSE },
  { "GET", "/api/v1/insights/salaries?profession=python", NULL, ANY, FALSE },
  { "DELETE", "/api/v1/sessions/current", NULL, ANY, FALSE },
  { "DELETE", "/api/v1/sessions", NULL, ANY, FALSE },

  { "GET", "/api/v1/me/profile", NULL, CANDIDATE, FALSE },
  { "PUT", "/api/v1/me/profile", "{\"basics\":{\"name\":\"Overwritten\"}}", CANDIDATE, FALSE },
  { "GET", "/api/v1/me/documents", NULL, CANDIDATE, FALSE },
  { "POST", "/api/v1/me/documents", "{\"filename\":\"x.pdf\",\"data\":\"JVBERi0xLjQK\"}", CANDIDATE, FALSE },
  { "GET", "/api/v1/me/documents/{doc}", NULL, CANDIDATE, TRUE },
  { "DELETE", "/api/v1/me/documents/{doc}", NULL, CANDIDATE, TRUE },
  { "GET", "/api/v1/me/matches", NULL, CANDIDATE, FALSE },
  { "GET", "/api/v1/me/introductions", NULL, CANDIDATE, FALSE },
  { "POST", "/api/v1/me/introductions/{intro}/accept", NULL, CANDIDATE, TRUE },
  { "POST", "/api/v1/me/introductions/{intro}/decline", NULL, CANDIDATE, TRUE },
  { "GET", "/api/v1/me/privacy", NULL, CANDIDATE, FALSE },
  { "PUT", "/api/v1/me/privacy", "{\"matching_paused\":true}", CANDIDATE, FALSE },
  { "GET", "/api/v1/me/shares", NULL, CANDIDATE, FALSE },
  { "DELETE", "/api/v1/me/shares/{share}", NULL, CANDIDATE, TRUE },
  { "GET", "/api/v1/me/blocked-employers", NULL, CANDIDATE, FALSE },
  { "POST", "/api/v1/me/blocked-employers", "{\"domain\":\"nowhere.ma\"}", CANDIDATE, FALSE },
  { "DELETE", "/api/v1/me/blocked-employers/{block}", NULL, CANDIDATE, TRUE },
  { "GET", "/api/v1/me/ledger", NULL, CANDIDATE, FALSE },
  { "GET", "/api/v1/me/export/resume", NULL, CANDIDATE, FALSE },

  { "GET", "/api/v1/jobs", NULL, EMPLOYER, FALSE },
  { "POST", "/api/v1/jobs", "{\"title\":\"Injected\"}", EMPLOYER, FALSE },
  { "GET", "/api/v1/jobs/{job}", NULL, EMPLOYER, TRUE },
  { "PUT", "/api/v1/jobs/{job}", "{\"title\":\"Hijacked\"}", EMPLOYER, TRUE },
  { "DELETE", "/api/v1/jobs/{job}", NULL, EMPLOYER, TRUE },
  { "GET", "/api/v1/jobs/{job}/matches", NULL, EMPLOYER, TRUE },
  { "GET", "/api/v1/jobs/{job}/matches/{cand}", NULL, EMPLOYER, TRUE },
  { "PUT", "/api/v1/jobs/{job}/matches/{cand}", "{\"stage\":\"rejected\",\"note\":\"x\"}", EMPLOYER, TRUE },
  { "POST", "/api/v1/jobs/{job}/matches/{cand}/introduction", NULL, EMPLOYER, TRUE },
  { "GET", "/api/v1/jobs/{job}/matches/{cand}/documents/{doc}", NULL, EMPLOYER, TRUE },
};

typedef struct
{
  XpzTestServer *ts;
  char *cand_a, *cand_b, *emp_1, *emp_2;
  gint64 cand_a_id, job_1, job_2, doc, share, intro, block;
} World;

static char *
expand (World      *w,
        const char *path,
        gint64      job)
{
  g_autoptr(GString) s = g_string_new (path);
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, w->doc);
  g_string_replace (s, "{doc}", buf, 0);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, w->share);
  g_string_replace (s, "{share}", buf, 0);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, w->intro);
  g_string_replace (s, "{intro}", buf, 0);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, w->block);
  g_string_replace (s, "{block}", buf, 0);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, job);
  g_string_replace (s, "{job}", buf, 0);
  /* what the employer of @job sees of candidate A: that job's handle */
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, xpz_platform_server_candidate_handle (w->ts->server, job, w->cand_a_id));
  g_string_replace (s, "{cand}", buf, 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
assert_refused_clean (XpzTestResponse *r,
                      guint            status,
                      const Endpoint  *e,
                      const char      *what)
{
  static const char * const secrets[] = { "Zq9", "zq9", "212600009999" };

  if (r->status != status)
    g_error ("%s %s (%s): expected %u, got %u: %s", e->method, e->path, what, status, r->status, r->body);
  g_assert_nonnull (xpz_test_error_code (r));
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (strstr (r->body, secrets[i]) != NULL)
      g_error ("%s %s (%s) leaked data: %s", e->method, e->path, what, r->body);
}

static void
world_setup (World *w)
{
  XpzTestResponse *r;
  g_autofree char *path = NULL;

  w->ts = xpz_test_server_new (NULL);
  w->cand_a = xpz_test_signup (w->ts, "a@example.ma", "candidate", "Zq9Name", NULL, &w->cand_a_id);
  w->cand_b = xpz_test_signup (w->ts, "b@example.ma", "candidate", "B", NULL, NULL);
  w->emp_1 = xpz_test_signup (w->ts, "one@employer-one.ma", "employer", "E1", "One", NULL);
  w->emp_2 = xpz_test_signup (w->ts, "two@employer-two.ma", "employer", "E2", "Two", NULL);
  xpz_test_verify_employer (w->ts, "one@employer-one.ma");
  xpz_test_verify_employer (w->ts, "two@employer-two.ma");
  xpz_test_set_privacy (w->ts, w->cand_a, "{\"sharing_mode\":\"explicit\"}");
  xpz_test_put_profile (w->ts, w->cand_a, SECRET_PROFILE);
  r = xpz_test_request (w->ts, "POST", "/api/v1/me/documents", w->cand_a,
                        "{\"filename\":\"Zq9-cv.pdf\",\"data\":\"JVBERi0xLjQK\"}", NULL);
  w->doc = json_object_get_int_member (xpz_test_object (r), "id");
  xpz_test_response_free (r);
  w->job_1 = xpz_test_create_job (w->ts, w->emp_1, SECRET_JOB);
  w->job_2 = xpz_test_create_job (w->ts, w->emp_2, OTHER_JOB);

  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/introduction", w->job_1,
                          xpz_platform_server_candidate_handle (w->ts->server, w->job_1, w->cand_a_id));
  r = xpz_test_request (w->ts, "POST", path, w->emp_1, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  w->intro = json_object_get_int_member (xpz_test_object (r), "id");
  xpz_test_response_free (r);
  g_free (path);
  path = g_strdup_printf ("/api/v1/me/introductions/%" G_GINT64_FORMAT "/accept", w->intro);
  r = xpz_test_request (w->ts, "POST", path, w->cand_a, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
  r = xpz_test_request (w->ts, "GET", "/api/v1/me/shares", w->cand_a, NULL, NULL);
  w->share = json_object_get_int_member (json_array_get_object_element (
                                           json_object_get_array_member (xpz_test_object (r), "shares"), 0), "id");
  xpz_test_response_free (r);
  r = xpz_test_request (w->ts, "POST", "/api/v1/me/blocked-employers", w->cand_a, "{\"domain\":\"blocked.ma\"}", NULL);
  w->block = json_object_get_int_member (xpz_test_object (r), "id");
  xpz_test_response_free (r);
}

static void
world_teardown (World *w)
{
  g_free (w->cand_a);
  g_free (w->cand_b);
  g_free (w->emp_1);
  g_free (w->emp_2);
  xpz_test_server_free (w->ts);
}

static void
test_access_matrix (void)
{
  World w;
  guint attempts = 0;

  world_setup (&w);

  /* no token, a forged token, an expired token */
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const Endpoint *e = &endpoints[i];
      g_autofree char *path = expand (&w, e->path, w.job_1);
      XpzTestResponse *r;

      r = xpz_test_request (w.ts, e->method, path, NULL, e->body, NULL);
      assert_refused_clean (r, 401, e, "no token");
      xpz_test_response_free (r);
      r = xpz_test_request (w.ts, e->method, path, "xpa_forged-token-forged-token-forged-token-forged", e->body, NULL);
      assert_refused_clean (r, 401, e, "forged token");
      xpz_test_response_free (r);
      xpz_platform_server_set_now (w.ts->server, XPZ_TEST_NOW + 3601);
      r = xpz_test_request (w.ts, e->method, path, e->role == EMPLOYER ? w.emp_1 : w.cand_a, e->body, NULL);
      assert_refused_clean (r, 401, e, "expired token");
      g_assert_cmpstr (xpz_test_error_code (r), ==, "token_expired");
      xpz_test_response_free (r);
      xpz_platform_server_set_now (w.ts->server, XPZ_TEST_NOW);
      attempts += 3;
    }

  /* the other role */
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const Endpoint *e = &endpoints[i];
      g_autofree char *path = expand (&w, e->path, w.job_1);
      XpzTestResponse *r;

      if (e->role == ANY)
        continue;
      r = xpz_test_request (w.ts, e->method, path, e->role == CANDIDATE ? w.emp_1 : w.cand_a, e->body, NULL);
      assert_refused_clean (r, 403, e, "other role");
      xpz_test_response_free (r);
      attempts++;
    }

  /* another account's ids: candidate B on A's objects, employer 2 on employer 1's job */
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const Endpoint *e = &endpoints[i];
      g_autofree char *path = expand (&w, e->path, w.job_1);
      XpzTestResponse *r;

      if (!e->owned)
        continue;
      r = xpz_test_request (w.ts, e->method, path, e->role == CANDIDATE ? w.cand_b : w.emp_2, e->body, NULL);
      assert_refused_clean (r, 404, e, "other account's ids");
      xpz_test_response_free (r);
      attempts++;
    }

  /* employer 2 sees A (anonymised) on its own job, but never A's document */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/documents/%" G_GINT64_FORMAT,
                                             w.job_2, xpz_platform_server_candidate_handle (w.ts->server, w.job_2, w.cand_a_id),
                                             w.doc);
    XpzTestResponse *r = xpz_test_request (w.ts, "GET", path, w.emp_2, NULL, NULL);
    assert_refused_clean (r, 404, &endpoints[G_N_ELEMENTS (endpoints) - 1], "unshared document via own job");
    xpz_test_response_free (r);
    attempts++;
  }

  /* nothing was changed by any refused attempt */
  {
    g_autofree char *doc = g_strdup_printf ("/api/v1/me/documents/%" G_GINT64_FORMAT, w.doc);
    g_autofree char *job = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT, w.job_1);
    g_autofree char *shared_doc = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/documents/%" G_GINT64_FORMAT,
                                                   w.job_1, xpz_platform_server_candidate_handle (w.ts->server, w.job_1, w.cand_a_id),
                                                   w.doc);
    XpzTestResponse *r;

    r = xpz_test_request (w.ts, "GET", doc, w.cand_a, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    xpz_test_response_free (r);
    r = xpz_test_request (w.ts, "GET", job, w.emp_1, NULL, NULL);
    g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "title"), ==, "Zq9JobTitle");
    xpz_test_response_free (r);
    r = xpz_test_request (w.ts, "GET", "/api/v1/me/profile", w.cand_a, NULL, NULL);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (xpz_test_object (r), "basics"), "name"),
                     ==, "Zq9Name");
    xpz_test_response_free (r);
    r = xpz_test_request (w.ts, "GET", "/api/v1/me/shares", w.cand_a, NULL, NULL);
    g_assert_true (json_object_get_boolean_member (json_array_get_object_element (
                     json_object_get_array_member (xpz_test_object (r), "shares"), 0), "active"));
    xpz_test_response_free (r);
    /* the legitimate path works: employer 1 reads the shared document */
    r = xpz_test_request (w.ts, "GET", shared_doc, w.emp_1, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    xpz_test_response_free (r);
    r = xpz_test_request (w.ts, "GET", "/api/v1/me", w.cand_a, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    xpz_test_response_free (r);
  }

  g_test_message ("%u refused attempts over %u endpoints", attempts, (guint) G_N_ELEMENTS (endpoints));
  g_assert_cmpuint (attempts, >, 3 * G_N_ELEMENTS (endpoints));
  world_teardown (&w);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/platform/R9.4/access-matrix", test_access_matrix);
  return g_test_run ();
}
