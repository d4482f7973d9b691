/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "xpz-platform-test-util.h"

/* HTTP-level tests of the platform's policy rules, each named after its requirement. */

#define JOB_JSON \
  "{\"title\":\"Python Developer\",\"description\":\"Backend\"," \
  "\"skills\":[{\"name\":\"Python\",\"must_have\":true},{\"name\":\"Django\"},{\"name\":\"PostgreSQL\"},{\"name\":\"Docker\"}]," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\"," \
  "\"salary\":{\"min\":25000,\"max\":35000,\"currency\":\"MAD\",\"period\":\"month\"}," \
  "\"contract_type\":\"CDI\",\"seniority\":\"senior\",\"languages\":[\"French\",\"English\"]}"

#define PROFILE_JSON \
  "{\"basics\":{\"name\":\"Yasmine Secretname\",\"email\":\"yasmine.secret@example.ma\",\"phone\":\"+212612345678\"," \
  "\"url\":\"https://secret-site.example.ma\",\"summary\":\"Call me at secretphone\"," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}," \
  "\"profiles\":[{\"network\":\"LinkedIn\",\"username\":\"secretlinkedin\",\"url\":\"https://www.linkedin.com/in/secretlinkedin\"}]}," \
  "\"work\":[{\"name\":\"SecretCorp\",\"position\":\"Developer\",\"startDate\":\"2018-01\",\"summary\":\"secretwork\"}]," \
  "\"skills\":[{\"name\":\"Python (primary)\"},{\"name\":\"django\"},{\"name\":\"Postgres\"}]," \
  "\"languages\":[{\"language\":\"French\"},{\"language\":\"English\"}]," \
  "\"preferences\":{\"roles\":[\"Python Developer\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"hybrid\"]," \
  "\"salary\":{\"min\":20000,\"max\":28000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Casablanca\"]}}"

static const char * const secrets[] = {
  "Secretname", "yasmine.secret", "612345678", "secret-site", "secretphone", "secretlinkedin", "SecretCorp", "secretwork",
};

static void
assert_no_secrets (const char *body)
{
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (strstr (body, secrets[i]) != NULL)
      g_error ("identifying text “%s” leaked in: %.300s", secrets[i], body);
}

typedef struct
{
  XpzTestServer *ts;
  char          *candidate;
  gint64         candidate_id;
  char          *employer;
  gint64         employer_id;
  gint64         job_id;
} Market;

static void
market_setup (Market     *m,
              const char *mode)
{
  g_autofree char *privacy = g_strdup_printf ("{\"sharing_mode\":\"%s\"}", mode);

  m->ts = xpz_test_server_new (NULL);
  m->candidate = xpz_test_signup (m->ts, "cand@example.ma", "candidate", "Yasmine Secretname", NULL, &m->candidate_id);
  m->employer = xpz_test_signup (m->ts, "rh@atlas.example.ma", "employer", "Khalid", "Atlas", &m->employer_id);
  xpz_test_verify_employer (m->ts, "rh@atlas.example.ma");
  xpz_test_set_privacy (m->ts, m->candidate, privacy);
  xpz_test_put_profile (m->ts, m->candidate, PROFILE_JSON);
  m->job_id = xpz_test_create_job (m->ts, m->employer, JOB_JSON);
}

static void
market_teardown (Market *m)
{
  g_free (m->candidate);
  g_free (m->employer);
  xpz_test_server_free (m->ts);
}

static JsonObject *
employer_match (Market          *m,
                XpzTestResponse **out)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches", m->job_id);
  XpzTestResponse *r = xpz_test_request (m->ts, "GET", path, m->employer, NULL, NULL);
  JsonArray *array;

  *out = r;
  g_assert_cmpuint (r->status, ==, 200);
  array = xpz_test_array (r);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *match = json_array_get_object_element (array, i);
      if (json_object_get_int_member (json_object_get_object_member (match, "candidate"), "id") ==
          xpz_platform_server_candidate_handle (m->ts->server, m->job_id, m->candidate_id))
        return match;
    }
  return NULL;
}

/* ---- errors and limits ---- */

static void
test_errors (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autofree char *big = NULL;
  XpzTestResponse *r;

  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL, "{\"email\": \"a@b.ma\", ", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "malformed_json");
  xpz_test_response_free (r);

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (deep, ']');
  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL, deep->str, NULL);
  g_assert_cmpuint (r->status, ==, 400);
  xpz_test_response_free (r);

  r = xpz_test_request_raw (ts, "POST", "/api/v1/sessions", NULL, "{\"email\":\"\xff\xfe\"}", 14);
  g_assert_cmpuint (r->status, ==, 400);
  xpz_test_response_free (r);

  big = g_malloc0 (13 * 1024 * 1024);
  memset (big, ' ', 13 * 1024 * 1024 - 1);
  r = xpz_test_request_raw (ts, "POST", "/api/v1/accounts", NULL, big, 13 * 1024 * 1024 - 1);
  g_assert_true (r->status == 413 || r->status == 0);
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "GET", "/api/v1/nothing-here", NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 404);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "not_found");
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL, "[1,2,3]", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL,
                        "{\"email\":\"x@y.ma\",\"password\":\"short\",\"role\":\"candidate\",\"name\":\"X\"}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "weak_password");
  xpz_test_response_free (r);

  /* the server is still alive after all that */
  r = xpz_test_request (ts, "GET", "/api/v1/policy", NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

/* ---- accounts and sessions ---- */

static void
test_sign_in_history (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "h@example.ma", "candidate", "H", NULL, NULL);
  g_autoptr(XpzTestResponse) bad = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                                                     "{\"email\":\"h@example.ma\",\"password\":\"wrong password\"}", NULL);
  g_autoptr(XpzTestResponse) r = xpz_test_request (ts, "GET", "/api/v1/me/sign-ins", token, NULL, "User-Agent", "xpz-test/1", NULL);
  JsonArray *entries;
  JsonObject *latest;

  g_assert_cmpuint (bad->status, ==, 401);
  g_assert_cmpstr (xpz_test_error_code (bad), ==, "invalid_credentials");
  g_assert_cmpuint (r->status, ==, 200);
  entries = json_object_get_array_member (xpz_test_object (r), "sign_ins");
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  latest = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (latest, "outcome"), ==, "failure");
  g_assert_cmpstr (json_object_get_string_member (latest, "ip"), ==, "127.0.0.1");
  g_assert_nonnull (json_object_get_string_member (latest, "at"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 1), "outcome"), ==, "success");
  xpz_test_server_free (ts);
}

static void
test_tokens_hashed (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "t@example.ma", "candidate", "T", NULL, NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autofree char *wal = g_strconcat (ts->db_path, "-wal", NULL);
  g_autofree char *wal_contents = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_true (g_str_has_prefix (token, "xpa_"));
  g_assert_cmpuint (strlen (token), >=, 4 + 43);   /* 256 bits, base64url */
  g_assert_true (g_file_get_contents (ts->db_path, &contents, &len, NULL));
  g_assert_null (g_strstr_len (contents, (gssize) len, token + 4));
  if (g_file_get_contents (wal, &wal_contents, &len, NULL))
    g_assert_null (g_strstr_len (wal_contents, (gssize) len, token + 4));
  g_assert_null (g_strstr_len (contents, -1, "correct horse battery"));

  g_assert_cmpint (sqlite3_open (ts->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT password_hash FROM accounts", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_true (g_str_has_prefix ((const char *) sqlite3_column_text (stmt, 0), "$argon2id$"));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  xpz_test_server_free (ts);
}

static void
test_token_expiry_refresh (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autoptr(XpzTestResponse) created = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL,
                                                         "{\"email\":\"e@example.ma\",\"password\":\"correct horse battery\","
                                                         "\"role\":\"candidate\",\"name\":\"E\"}", NULL);
  g_autoptr(XpzTestResponse) session = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                                                         "{\"email\":\"e@example.ma\",\"password\":\"correct horse battery\"}", NULL);
  const char *access = json_object_get_string_member (xpz_test_object (session), "access_token");
  const char *refresh = json_object_get_string_member (xpz_test_object (session), "refresh_token");
  g_autofree char *refresh_body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
  XpzTestResponse *r;
  const char *new_access;

  g_assert_cmpuint (created->status, ==, 202);
  g_assert_cmpint (json_object_get_int_member (xpz_test_object (session), "expires_in"), ==, 3600);
  r = xpz_test_request (ts, "GET", "/api/v1/me", access, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "role"), ==, "candidate");
  xpz_test_response_free (r);

  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 3601);
  r = xpz_test_request (ts, "GET", "/api/v1/me", access, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "token_expired");
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, refresh_body, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  new_access = json_object_get_string_member (xpz_test_object (r), "access_token");
  g_assert_cmpstr (new_access, !=, access);
  {
    g_autoptr(XpzTestResponse) me = xpz_test_request (ts, "GET", "/api/v1/me", new_access, NULL, NULL);
    g_assert_cmpuint (me->status, ==, 200);
  }
  xpz_test_response_free (r);

  /* the old refresh token was rotated away */
  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, refresh_body, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

static void
test_sign_out (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *a = xpz_test_signup (ts, "s@example.ma", "candidate", "S", NULL, NULL);
  g_autofree char *b = xpz_test_sign_in (ts, "s@example.ma", "correct horse battery");
  g_autofree char *c = xpz_test_sign_in (ts, "s@example.ma", "correct horse battery");
  XpzTestResponse *r;

  r = xpz_test_request (ts, "DELETE", "/api/v1/sessions/current", a, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me", a, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me", b, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "DELETE", "/api/v1/sessions", b, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me", c, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "invalid_token");
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

static void
test_rate_limit (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *victim = xpz_test_signup (ts, "victim@example.ma", "candidate", "V", NULL, NULL);
  g_autofree char *other = xpz_test_signup (ts, "other@example.ma", "candidate", "O", NULL, NULL);
  guint refused = 0, unauthorized = 0;
  XpzTestResponse *r;

  for (guint i = 0; i < 50; i++)
    {
      r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                            "{\"email\":\"victim@example.ma\",\"password\":\"guess guess\"}", NULL);
      if (r->status == 429)
        {
          refused++;
          g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
          g_assert_cmpstr (xpz_test_error_code (r), ==, "rate_limited");
        }
      else if (r->status == 401)
        unauthorized++;
      xpz_test_response_free (r);
    }
  g_assert_cmpuint (unauthorized, ==, 5);
  g_assert_cmpuint (refused, ==, 45);

  /* even the right password is refused while limited */
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"victim@example.ma\",\"password\":\"correct horse battery\"}", NULL);
  g_assert_cmpuint (r->status, ==, 429);
  xpz_test_response_free (r);

  /* other users are unaffected */
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"other@example.ma\",\"password\":\"correct horse battery\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);

  /* the window passes (injected clock) */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 901);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"victim@example.ma\",\"password\":\"correct horse battery\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

/* ---- idempotency and ETags ---- */

static void
test_idempotency (void)
{
  Market m;
  XpzTestResponse *a, *b, *c;
  g_autofree char *jobs_path = NULL;

  market_setup (&m, "explicit");
  a = xpz_test_request (m.ts, "POST", "/api/v1/jobs", m.employer, JOB_JSON, "Idempotency-Key", "key-1", NULL);
  b = xpz_test_request (m.ts, "POST", "/api/v1/jobs", m.employer, JOB_JSON, "Idempotency-Key", "key-1", NULL);
  g_assert_cmpuint (a->status, ==, 201);
  g_assert_cmpuint (b->status, ==, 201);
  g_assert_cmpstr (a->body, ==, b->body);
  g_assert_cmpstr (soup_message_headers_get_one (b->headers, "Idempotent-Replayed"), ==, "true");
  c = xpz_test_request (m.ts, "POST", "/api/v1/jobs", m.employer, "{\"title\":\"Other\"}", "Idempotency-Key", "key-1", NULL);
  g_assert_cmpuint (c->status, ==, 422);
  g_assert_cmpstr (xpz_test_error_code (c), ==, "idempotency_key_reused");
  xpz_test_response_free (a);
  xpz_test_response_free (b);
  xpz_test_response_free (c);

  /* exactly two jobs exist: the market's and one from key-1 */
  a = xpz_test_request (m.ts, "GET", "/api/v1/jobs", m.employer, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (xpz_test_array (a)), ==, 2);
  xpz_test_response_free (a);
  market_teardown (&m);
}

static void
test_etag (void)
{
  Market m;
  XpzTestResponse *r;
  g_autofree char *etag = NULL;
  g_autofree char *path = NULL;

  market_setup (&m, "explicit");
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/profile", m.candidate, NULL, NULL);
  etag = g_strdup (soup_message_headers_get_one (r->headers, "ETag"));
  g_assert_nonnull (etag);
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "PUT", "/api/v1/me/profile", m.candidate, PROFILE_JSON, "If-Match", etag, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), !=, etag);
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "PUT", "/api/v1/me/profile", m.candidate, PROFILE_JSON, "If-Match", etag, NULL);
  g_assert_cmpuint (r->status, ==, 412);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "precondition_failed");
  xpz_test_response_free (r);

  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT, m.job_id);
  r = xpz_test_request (m.ts, "PUT", path, m.employer, JOB_JSON, "If-Match", "\"job-999\"", NULL);
  g_assert_cmpuint (r->status, ==, 412);
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "PUT", "/api/v1/me/privacy", m.candidate, "{\"marketing\":true}", "If-Match", "\"privacy-0\"", NULL);
  g_assert_cmpuint (r->status, ==, 412);
  xpz_test_response_free (r);

  /* the profile shape is fixed */
  r = xpz_test_request (m.ts, "PUT", "/api/v1/me/profile", m.candidate, "{\"basics\":{\"nickname\":\"x\"}}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "PUT", "/api/v1/me/profile", m.candidate, "{\"work\":[{\"startDate\":\"last year\"}]}", NULL);
  g_assert_cmpuint (r->status, ==, 400);
  xpz_test_response_free (r);
  market_teardown (&m);
}

/* ---- matching ---- */

static gint64
factor_sum (JsonObject *match)
{
  JsonArray *factors = json_object_get_array_member (match, "factors");
  gint64 sum = 0;

  g_assert_cmpuint (json_array_get_length (factors), ==, 6);
  for (guint i = 0; i < json_array_get_length (factors); i++)
    {
      JsonObject *f = json_array_get_object_element (factors, i);
      g_assert_nonnull (json_object_get_string_member (f, "detail"));
      g_assert_cmpint (json_object_get_int_member (f, "score"), <=, json_object_get_int_member (f, "weight"));
      sum += json_object_get_int_member (f, "score");
    }
  return sum;
}

static void
test_matching_explanations (void)
{
  Market m;
  g_autoptr(XpzTestResponse) mine = NULL;
  g_autoptr(XpzTestResponse) theirs = NULL;
  JsonObject *cand_side, *emp_side;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  JsonNode *na, *nb;

  market_setup (&m, "automatic");
  mine = xpz_test_request (m.ts, "GET", "/api/v1/me/matches", m.candidate, NULL, NULL);
  g_assert_cmpuint (mine->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (xpz_test_array (mine)), ==, 1);
  cand_side = json_array_get_object_element (xpz_test_array (mine), 0);
  emp_side = employer_match (&m, &theirs);
  g_assert_nonnull (emp_side);

  /* 3 of 4 skills (Python (primary) → python, Postgres → postgresql), 8 years senior,
   * Casablanca hybrid, salary overlap, CDI, French + English */
  g_assert_cmpint (json_object_get_int_member (cand_side, "score"), ==, 90);
  g_assert_cmpint (factor_sum (cand_side), ==, json_object_get_int_member (cand_side, "score"));
  g_assert_cmpint (factor_sum (emp_side), ==, json_object_get_int_member (emp_side, "score"));
  g_assert_cmpint (json_object_get_int_member (cand_side, "score"), ==, json_object_get_int_member (emp_side, "score"));

  na = json_object_get_member (cand_side, "factors");
  nb = json_object_get_member (emp_side, "factors");
  a = json_to_string (na, FALSE);
  b = json_to_string (nb, FALSE);
  g_assert_cmpstr (a, ==, b);
  g_assert_nonnull (strstr (a, "missing: docker"));
  market_teardown (&m);
}

static void
test_empty_profile (void)
{
  Market m;
  g_autofree char *empty = NULL;
  g_autoptr(XpzTestResponse) r = NULL;
  g_autofree char *path = NULL;

  market_setup (&m, "automatic");
  empty = xpz_test_signup (m.ts, "empty@example.ma", "candidate", "Empty", NULL, NULL);
  /* a job without must-haves, so that only unknowns decide */
  xpz_test_create_job (m.ts, m.employer,
                       "{\"title\":\"Anything\",\"skills\":[{\"name\":\"Excel\"}],\"location\":{\"city\":\"Rabat\"},"
                       "\"work_mode\":\"onsite\",\"salary\":{\"min\":5000,\"max\":9000,\"currency\":\"MAD\",\"period\":\"month\"},"
                       "\"contract_type\":\"CDI\",\"seniority\":\"junior\",\"languages\":[\"French\"]}");
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/matches", empty, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  /* unknown is not partial credit: nothing is scored, so nothing is listed */
  g_assert_cmpuint (json_array_get_length (xpz_test_array (r)), ==, 0);
  path = g_strdup_printf ("/api/v1/me/export");
  {
    g_autoptr(XpzTestResponse) e = xpz_test_request (m.ts, "GET", path, empty, NULL, NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (e), "matches")), ==, 0);
  }
  market_teardown (&m);
}

static void
test_must_have_gate (void)
{
  Market m;
  g_autoptr(XpzTestResponse) r = NULL;
  JsonArray *matches;

  market_setup (&m, "automatic");
  xpz_test_create_job (m.ts, m.employer,
                       "{\"title\":\"Kube\",\"skills\":[{\"name\":\"K8s\",\"must_have\":true},{\"name\":\"Python\"}],"
                       "\"location\":{\"city\":\"Casablanca\"},\"work_mode\":\"hybrid\",\"contract_type\":\"CDI\","
                       "\"languages\":[\"French\"]}");
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/matches", m.candidate, NULL, NULL);
  matches = xpz_test_array (r);
  /* only the Python job: the Kubernetes one is gated out despite location etc. */
  g_assert_cmpuint (json_array_get_length (matches), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (matches, 0), "job"), "title"),
                   ==, "Python Developer");
  market_teardown (&m);
}

/* ---- sharing ---- */

static void
test_automatic_share (void)
{
  Market m;
  g_autoptr(XpzTestResponse) shares = NULL;
  g_autoptr(XpzTestResponse) ledger = NULL;
  g_autoptr(XpzTestResponse) theirs = NULL;
  JsonObject *share, *match;
  gboolean found = FALSE;
  JsonArray *entries;

  market_setup (&m, "automatic");
  shares = xpz_test_request (m.ts, "GET", "/api/v1/me/shares", m.candidate, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (shares), "shares")), ==, 1);
  share = json_array_get_object_element (json_object_get_array_member (xpz_test_object (shares), "shares"), 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (share, "employer"), "id"), ==, m.employer_id);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (share, "job"), "id"), ==, m.job_id);
  g_assert_nonnull (json_object_get_string_member (share, "at"));
  g_assert_cmpstr (json_object_get_string_member (share, "basis"), ==, "consent:automatic_sharing");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (share, "fields")), >, 0);
  g_assert_true (json_object_get_boolean_member (share, "active"));

  ledger = xpz_test_request (m.ts, "GET", "/api/v1/me/ledger", m.candidate, NULL, NULL);
  entries = json_object_get_array_member (xpz_test_object (ledger), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (entries, i), "kind"), "share"))
      found = TRUE;
  g_assert_true (found);

  match = employer_match (&m, &theirs);
  g_assert_true (json_object_get_boolean_member (match, "shared"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (match, "candidate"), "basics"), "email"), ==, "yasmine.secret@example.ma");
  market_teardown (&m);
}

static void
test_explicit_hides_contact (void)
{
  Market m;
  g_autoptr(XpzTestResponse) theirs = NULL;
  g_autoptr(XpzTestResponse) shares = NULL;
  JsonObject *match, *candidate, *summary;

  market_setup (&m, "explicit");
  match = employer_match (&m, &theirs);
  g_assert_nonnull (match);
  g_assert_false (json_object_get_boolean_member (match, "shared"));
  candidate = json_object_get_object_member (match, "candidate");
  g_assert_false (json_object_has_member (candidate, "basics"));
  g_assert_false (json_object_has_member (candidate, "documents"));
  summary = json_object_get_object_member (candidate, "summary");
  /* the seniority band only, not the exact years, before a share (R5.2) */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (summary, "years")));
  g_assert_cmpstr (json_object_get_string_member (summary, "region"), ==, "Casablanca-Settat");
  g_assert_cmpstr (json_object_get_string_member (summary, "seniority"), ==, "lead");
  assert_no_secrets (theirs->body);

  shares = xpz_test_request (m.ts, "GET", "/api/v1/me/shares", m.candidate, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (shares), "shares")), ==, 0);
  market_teardown (&m);
}

static void
test_introduction_flow (void)
{
  Market m;
  g_autofree char *path = NULL;
  g_autofree char *accept = NULL;
  XpzTestResponse *r;
  g_autoptr(XpzTestResponse) theirs = NULL;
  gint64 intro;

  market_setup (&m, "explicit");
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/introduction",
                          m.job_id, xpz_platform_server_candidate_handle (m.ts->server, m.job_id, m.candidate_id));
  r = xpz_test_request (m.ts, "POST", path, m.employer, "{\"message\":\"Bonjour\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  assert_no_secrets (r->body);
  intro = json_object_get_int_member (xpz_test_object (r), "id");
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "GET", "/api/v1/me/introductions", m.candidate, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (xpz_test_object (r), "introductions"), 0), "status"), ==, "pending");
  xpz_test_response_free (r);

  accept = g_strdup_printf ("/api/v1/me/introductions/%" G_GINT64_FORMAT "/accept", intro);
  r = xpz_test_request (m.ts, "POST", accept, m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "status"), ==, "accepted");
  xpz_test_response_free (r);

  {
    JsonObject *match = employer_match (&m, &theirs);
    g_assert_true (json_object_get_boolean_member (match, "shared"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                       json_object_get_object_member (match, "candidate"), "basics"), "phone"), ==, "+212612345678");
  }
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/shares", m.candidate, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (xpz_test_object (r), "shares"), 0), "basis"), ==, "consent:introduction_accepted");
  xpz_test_response_free (r);
  market_teardown (&m);
}

static void
test_switch_to_explicit (void)
{
  Market m;
  g_autoptr(XpzTestResponse) shares = NULL;
  gint64 second;
  JsonArray *list;

  market_setup (&m, "automatic");
  xpz_test_set_privacy (m.ts, m.candidate, "{\"sharing_mode\":\"explicit\"}");
  second = xpz_test_create_job (m.ts, m.employer, JOB_JSON);
  g_assert_cmpint (second, >, m.job_id);
  shares = xpz_test_request (m.ts, "GET", "/api/v1/me/shares", m.candidate, NULL, NULL);
  list = json_object_get_array_member (xpz_test_object (shares), "shares");
  /* only the share made before the switch */
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (list, 0), "job"), "id"),
                   ==, m.job_id);
  market_teardown (&m);
}

static void
test_revoke (void)
{
  Market m;
  g_autoptr(XpzTestResponse) shares = NULL;
  g_autoptr(XpzTestResponse) theirs = NULL;
  g_autofree char *path = NULL;
  XpzTestResponse *r;
  JsonObject *match;
  gint64 share_id;

  market_setup (&m, "automatic");
  shares = xpz_test_request (m.ts, "GET", "/api/v1/me/shares", m.candidate, NULL, NULL);
  share_id = json_object_get_int_member (json_array_get_object_element (
                                           json_object_get_array_member (xpz_test_object (shares), "shares"), 0), "id");
  path = g_strdup_printf ("/api/v1/me/shares/%" G_GINT64_FORMAT, share_id);
  r = xpz_test_request (m.ts, "DELETE", path, m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  xpz_test_response_free (r);

  match = employer_match (&m, &theirs);
  g_assert_nonnull (match);
  g_assert_false (json_object_get_boolean_member (match, "shared"));
  assert_no_secrets (theirs->body);

  /* a profile change does not re-share automatically after a revocation */
  xpz_test_put_profile (m.ts, m.candidate, PROFILE_JSON);
  g_clear_pointer (&theirs, xpz_test_response_free);
  match = employer_match (&m, &theirs);
  g_assert_false (json_object_get_boolean_member (match, "shared"));
  market_teardown (&m);
}

static void
test_block (void)
{
  Market m;
  g_autoptr(XpzTestResponse) theirs = NULL;
  g_autofree char *body = NULL;
  g_autofree char *other = NULL;
  g_autofree char *match_path = NULL;
  XpzTestResponse *r;
  gint64 block_id, other_job;

  market_setup (&m, "automatic");
  body = g_strdup_printf ("{\"employer_id\":%" G_GINT64_FORMAT "}", m.employer_id);
  r = xpz_test_request (m.ts, "POST", "/api/v1/me/blocked-employers", m.candidate, body, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  block_id = json_object_get_int_member (xpz_test_object (r), "id");
  xpz_test_response_free (r);

  g_assert_null (employer_match (&m, &theirs));
  assert_no_secrets (theirs->body);
  match_path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                          m.job_id, xpz_platform_server_candidate_handle (m.ts->server, m.job_id, m.candidate_id));
  r = xpz_test_request (m.ts, "GET", match_path, m.employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 404);
  xpz_test_response_free (r);
  /* the automatic share was ended too */
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/shares", m.candidate, NULL, NULL);
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (
                    json_object_get_array_member (xpz_test_object (r), "shares"), 0), "active"));
  xpz_test_response_free (r);

  /* by domain: a second employer at the candidate's current company */
  other = xpz_test_signup (m.ts, "boss@current-employer.ma", "employer", "Boss", "Current", NULL);
  xpz_test_verify_employer (m.ts, "boss@current-employer.ma");
  other_job = xpz_test_create_job (m.ts, other, JOB_JSON);
  r = xpz_test_request (m.ts, "POST", "/api/v1/me/blocked-employers", m.candidate, "{\"domain\":\"Current-Employer.ma\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches", other_job);
    r = xpz_test_request (m.ts, "GET", path, other, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (xpz_test_array (r)), ==, 0);
    assert_no_secrets (r->body);
    xpz_test_response_free (r);
  }

  /* unblocking the first employer brings the candidate back (anonymised until shared) */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/me/blocked-employers/%" G_GINT64_FORMAT, block_id);
    r = xpz_test_request (m.ts, "DELETE", path, m.candidate, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 204);
    xpz_test_response_free (r);
  }
  g_clear_pointer (&theirs, xpz_test_response_free);
  g_assert_nonnull (employer_match (&m, &theirs));
  market_teardown (&m);
}

static void
test_paused_restricted (void)
{
  Market m;
  g_autoptr(XpzTestResponse) theirs = NULL;
  XpzTestResponse *r;

  market_setup (&m, "automatic");
  xpz_test_set_privacy (m.ts, m.candidate, "{\"matching_paused\":true}");
  g_assert_null (employer_match (&m, &theirs));
  assert_no_secrets (theirs->body);
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/matches", m.candidate, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (xpz_test_array (r)), ==, 0);
  xpz_test_response_free (r);

  xpz_test_set_privacy (m.ts, m.candidate, "{\"matching_paused\":false,\"restricted\":true}");
  g_clear_pointer (&theirs, xpz_test_response_free);
  g_assert_null (employer_match (&m, &theirs));

  xpz_test_set_privacy (m.ts, m.candidate, "{\"restricted\":false}");
  g_clear_pointer (&theirs, xpz_test_response_free);
  g_assert_nonnull (employer_match (&m, &theirs));
  market_teardown (&m);
}

static void
test_settings_ledgered (void)
{
  Market m;
  XpzTestResponse *r;
  JsonObject *privacy;
  JsonArray *entries;
  guint changes = 0;

  market_setup (&m, "automatic");
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/privacy", m.candidate, NULL, NULL);
  privacy = xpz_test_object (r);
  g_assert_false (json_object_get_boolean_member (privacy, "marketing"));
  g_assert_true (json_object_has_member (privacy, "channels"));
  xpz_test_response_free (r);

  xpz_test_set_privacy (m.ts, m.candidate, "{\"ai_training\":false,\"channels\":{\"sms\":{\"new_roles\":true}}}");
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/ledger", m.candidate, NULL, NULL);
  entries = json_object_get_array_member (xpz_test_object (r), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (entries, i), "kind"), "setting_changed"))
      changes++;
  g_assert_cmpuint (changes, ==, 2);
  g_assert_true (json_object_get_boolean_member (xpz_test_object (r), "verified"));
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "GET", "/api/v1/me/export", m.candidate, NULL, NULL);
  privacy = json_object_get_object_member (xpz_test_object (r), "privacy");
  g_assert_false (json_object_get_boolean_member (privacy, "ai_training"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (
                   json_object_get_object_member (privacy, "channels"), "sms"), "new_roles"));
  xpz_test_response_free (r);
  market_teardown (&m);
}

/* ---- ledger ---- */

static void
test_ledger_tamper (void)
{
  Market m;
  XpzTestResponse *r;
  sqlite3 *db;
  char *err = NULL;
  JsonArray *entries;

  market_setup (&m, "automatic");
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/ledger", m.candidate, NULL, NULL);
  g_assert_true (json_object_get_boolean_member (xpz_test_object (r), "verified"));
  entries = json_object_get_array_member (xpz_test_object (r), "entries");
  g_assert_cmpuint (json_array_get_length (entries), >=, 3);
  for (guint i = 1; i < json_array_get_length (entries); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, i), "prev_hash"), ==,
                     json_object_get_string_member (json_array_get_object_element (entries, i - 1), "hash"));
  xpz_test_response_free (r);

  g_assert_cmpint (sqlite3_open (m.ts->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE ledger SET detail = replace (detail, 'automatic', 'explicit')"
                                     " WHERE kind = 'share'", NULL, NULL, &err), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), >, 0);
  sqlite3_close (db);

  r = xpz_test_request (m.ts, "GET", "/api/v1/me/ledger", m.candidate, NULL, NULL);
  g_assert_false (json_object_get_boolean_member (xpz_test_object (r), "verified"));
  xpz_test_response_free (r);
  market_teardown (&m);
}

static void
test_ledger_delete_detected (void)
{
  Market m;
  XpzTestResponse *r;
  sqlite3 *db;

  market_setup (&m, "automatic");
  g_assert_cmpint (sqlite3_open (m.ts->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM ledger WHERE seq = 2", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  r = xpz_test_request (m.ts, "GET", "/api/v1/me/ledger", m.candidate, NULL, NULL);
  g_assert_false (json_object_get_boolean_member (xpz_test_object (r), "verified"));
  xpz_test_response_free (r);
  market_teardown (&m);
}

/* ---- rights ---- */

static void
test_export_complete (void)
{
  Market m;
  XpzTestResponse *r;
  g_autofree char *path = NULL;
  JsonObject *export;
  JsonArray *notes;
  static const char pdf[] = "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDw+PgplbmRvYmoKdHJhaWxlcgo8PD4+CiUlRU9G";
  g_autofree char *doc = g_strdup_printf ("{\"filename\":\"cv.pdf\",\"data\":\"%s\"}", pdf);

  market_setup (&m, "automatic");
  r = xpz_test_request (m.ts, "POST", "/api/v1/me/documents", m.candidate, doc, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "content_type"), ==, "application/pdf");
  xpz_test_response_free (r);

  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                          m.job_id, xpz_platform_server_candidate_handle (m.ts->server, m.job_id, m.candidate_id));
  r = xpz_test_request (m.ts, "PUT", path, m.employer, "{\"stage\":\"interviewing\",\"note\":\"Strong Django, call Monday\"}", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "GET", "/api/v1/me/export", m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  export = xpz_test_object (r);
  for (const char * const *member = (const char * const[]) { "account", "profile", "documents", "matches", "shares", "ledger",
                                                               "sign_ins", "privacy", "employer_notes", "introductions",
                                                               "blocked_employers", "retention", "policy_acceptances", NULL };
       *member != NULL; member++)
    g_assert_true (json_object_has_member (export, *member));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (export, "documents")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (export, "documents"), 0), "data"),
                   ==, pdf);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (export, "matches")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (export, "shares")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (export, "sign_ins")), >=, 1);
  notes = json_object_get_array_member (export, "employer_notes");
  g_assert_cmpuint (json_array_get_length (notes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 0), "note"), ==, "Strong Django, call Monday");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 0), "stage"), ==, "interviewing");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (export, "ledger"), "verified"));
  xpz_test_response_free (r);
  market_teardown (&m);
}

static void
test_documents (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "d@example.ma", "candidate", "D", NULL, NULL);
  g_autofree char *exe = g_base64_encode ((const guchar *) "MZ\x90\x00 not a cv", 14);
  g_autofree char *body = g_strdup_printf ("{\"filename\":\"cv.pdf\",\"data\":\"%s\"}", exe);
  XpzTestResponse *r;
  gint64 id;
  g_autofree char *path = NULL;

  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token, body, NULL);
  g_assert_cmpuint (r->status, ==, 415);   /* the name says PDF, the content does not */
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token,
                        "{\"filename\":\"cv.pdf\",\"data\":\"JVBERi0xLjQK\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  id = json_object_get_int_member (xpz_test_object (r), "id");
  xpz_test_response_free (r);
  path = g_strdup_printf ("/api/v1/me/documents/%" G_GINT64_FORMAT, id);
  r = xpz_test_request (ts, "GET", path, token, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "data"), ==, "JVBERi0xLjQK");
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "DELETE", path, token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", path, token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 404);
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

static void
test_deletion (void)
{
  Market m;
  XpzTestResponse *r;
  g_autoptr(XpzTestResponse) theirs = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(GError) error = NULL;
  guint completed = 99;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  market_setup (&m, "automatic");
  r = xpz_test_request (m.ts, "POST", "/api/v1/me/deletion-request", m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "status"), ==, "pending");
  due = g_date_time_new_from_iso8601 (json_object_get_string_member (xpz_test_object (r), "due_at"), NULL);
  g_assert_cmpint (g_date_time_to_unix (due), ==, XPZ_TEST_NOW + 30 * 86400);
  xpz_test_response_free (r);

  /* not due yet: nothing happens */
  xpz_platform_server_set_now (m.ts->server, XPZ_TEST_NOW + 29 * 86400);
  g_assert_true (xpz_platform_server_complete_due_deletions (m.ts->server, &completed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (completed, ==, 0);

  xpz_platform_server_set_now (m.ts->server, XPZ_TEST_NOW + 30 * 86400);
  g_assert_true (xpz_platform_server_complete_due_deletions (m.ts->server, &completed, &error));
  g_assert_cmpuint (completed, ==, 1);

  /* the session is gone, the employer no longer sees the candidate */
  xpz_platform_server_set_now (m.ts->server, XPZ_TEST_NOW);
  r = xpz_test_request (m.ts, "GET", "/api/v1/me", m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
  g_assert_null (employer_match (&m, &theirs));

  /* nothing left but the tombstone */
  g_assert_cmpint (sqlite3_open (m.ts->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  for (const char * const *sql = (const char * const[]) {
         "SELECT count(*) FROM accounts WHERE email = 'cand@example.ma'",
         "SELECT count(*) FROM profiles WHERE doc LIKE '%Secretname%'",
         "SELECT count(*) FROM ledger", "SELECT count(*) FROM shares", "SELECT count(*) FROM sign_ins s"
         " WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = s.account_id)", NULL };
       *sql != NULL; sql++)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (db, *sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
      sqlite3_finalize (stmt);
    }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT status, completed_at FROM deletion_requests", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "completed");
  g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, XPZ_TEST_NOW + 30 * 86400);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  market_teardown (&m);
}

static void
test_retention (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "r@example.ma", "candidate", "R", NULL, NULL);
  XpzTestResponse *r;

  r = xpz_test_request (ts, "GET", "/api/v1/me/retention", token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  /* last activity 2026-01-31 → + 36 months */
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "keep_until"), ==, "2029-01-31T00:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "basis"), ==, "last_activity");
  xpz_test_response_free (r);

  /* activity moves it */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 1800);
  xpz_test_put_profile (ts, token, "{\"basics\":{\"name\":\"R\"}}");
  r = xpz_test_request (ts, "GET", "/api/v1/me/retention", token, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "keep_until"), ==, "2029-01-31T00:30:00Z");
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

/* ---- policy and change feed ---- */

static gboolean
feed_has (XpzTestResponse *r,
          const char      *kind)
{
  JsonArray *changes = json_object_get_array_member (xpz_test_object (r), "changes");

  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (changes, i), "kind"), kind))
      return TRUE;
  return FALSE;
}

/* The version of a job is in its owner's views (the job, the list, the change feed),
 * as the N of its ETag "job-N": a client that learnt the job from the feed can send its
 * edit with If-Match. What the platform owns can be sent back as it was read. */
static void
test_job_version (void)
{
  Market m;
  g_autoptr(XpzTestResponse) read = NULL;
  g_autoptr(XpzTestResponse) written = NULL;
  g_autoptr(XpzTestResponse) list = NULL;
  g_autoptr(XpzTestResponse) feed = NULL;
  g_autoptr(XpzTestResponse) matches = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected = NULL;
  gint64 version;
  JsonArray *changes;
  gboolean in_feed = FALSE;

  market_setup (&m, "automatic");
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT, m.job_id);
  read = xpz_test_request (m.ts, "GET", path, m.employer, NULL, NULL);
  g_assert_cmpuint (read->status, ==, 200);
  version = json_object_get_int_member (xpz_test_object (read), "version");
  g_assert_cmpint (version, >=, 1);
  expected = g_strdup_printf ("\"job-%" G_GINT64_FORMAT "\"", version);
  g_assert_cmpstr (soup_message_headers_get_one (read->headers, "ETag"), ==, expected);

  /* sent back as read, server-owned members included */
  json_object_set_string_member (xpz_test_object (read), "title", "Renamed");
  body = json_to_string (read->json, FALSE);
  written = xpz_test_request (m.ts, "PUT", path, m.employer, body, "If-Match", expected, NULL);
  g_assert_cmpuint (written->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (xpz_test_object (written), "version"), ==, version + 1);
  g_free (expected);
  expected = g_strdup_printf ("\"job-%" G_GINT64_FORMAT "\"", version + 1);
  g_assert_cmpstr (soup_message_headers_get_one (written->headers, "ETag"), ==, expected);

  list = xpz_test_request (m.ts, "GET", "/api/v1/jobs", m.employer, NULL, NULL);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (xpz_test_array (list), 0),
                                               "version"), ==, version + 1);

  feed = xpz_test_request (m.ts, "GET", "/api/v1/changes", m.employer, NULL, NULL);
  changes = json_object_get_array_member (xpz_test_object (feed), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "kind"), "job"))
        {
          JsonObject *job = json_object_get_object_member (change, "data");

          g_assert_cmpstr (json_object_get_string_member (job, "title"), ==, "Renamed");
          g_assert_cmpint (json_object_get_int_member (job, "version"), ==, version + 1);
          in_feed = TRUE;
        }
    }
  g_assert_true (in_feed);

  /* a candidate's view of the job is the public one */
  matches = xpz_test_request (m.ts, "GET", "/api/v1/me/matches", m.candidate, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (xpz_test_array (matches)), >, 0);
  g_assert_false (json_object_has_member (json_object_get_object_member (
                    json_array_get_object_element (xpz_test_array (matches), 0), "job"), "version"));
  market_teardown (&m);
}

static void
test_policy_material_change (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "p@example.ma", "candidate", "P", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  XpzTestResponse *r;

  r = xpz_test_request (ts, "POST", "/api/v1/me/policy-acceptances", token, "{\"version\":\"2026-01\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/changes", token, NULL, NULL);
  g_assert_false (feed_has (r, "policy_notice"));
  cursor = g_strdup (json_object_get_string_member (xpz_test_object (r), "cursor"));
  xpz_test_response_free (r);

  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 10);
  g_assert_true (xpz_platform_server_publish_policy (ts->server, "2026-06", TRUE, "AI training now opt-out per purpose", &error));
  r = xpz_test_request (ts, "GET", "/api/v1/policy", NULL, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "version"), ==, "2026-06");
  g_assert_true (json_object_get_boolean_member (xpz_test_object (r), "material"));
  xpz_test_response_free (r);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%s", cursor);
      r = xpz_test_request (ts, "GET", path, token, NULL, NULL);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_true (feed_has (r, "policy_notice"));   /* in every response until acknowledged */
      xpz_test_response_free (r);
    }
  r = xpz_test_request (ts, "POST", "/api/v1/me/policy-acceptances", token, "{\"version\":\"2026-06\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/changes", token, NULL, NULL);
  g_assert_false (feed_has (r, "policy_notice"));
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me/ledger", token, NULL, NULL);
  g_assert_nonnull (strstr (r->body, "policy_accepted"));
  g_assert_nonnull (strstr (r->body, "2026-06"));
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

static void
test_change_feed (void)
{
  Market m;
  XpzTestResponse *r;
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tampered = NULL;
  JsonArray *changes;
  gboolean saw_match = FALSE;

  market_setup (&m, "explicit");
  r = xpz_test_request (m.ts, "GET", "/api/v1/changes", m.employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (xpz_test_object (r), "more"));
  g_assert_true (feed_has (r, "job"));
  g_assert_true (feed_has (r, "match"));
  assert_no_secrets (r->body);
  cursor = g_strdup (json_object_get_string_member (xpz_test_object (r), "cursor"));
  xpz_test_response_free (r);

  /* nothing new */
  path = g_strdup_printf ("/api/v1/changes?since=%s", cursor);
  r = xpz_test_request (m.ts, "GET", path, m.employer, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (r), "changes")), ==, 0);
  xpz_test_response_free (r);

  /* a profile change reaches the employer as a match change */
  xpz_test_put_profile (m.ts, m.candidate,
                        "{\"skills\":[{\"name\":\"Python\"},{\"name\":\"Docker\"}],\"languages\":[{\"language\":\"French\"}]}");
  r = xpz_test_request (m.ts, "GET", path, m.employer, NULL, NULL);
  changes = json_object_get_array_member (xpz_test_object (r), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (changes, i), "kind"), "match"))
      saw_match = TRUE;
  g_assert_true (saw_match);
  xpz_test_response_free (r);

  /* unknown, forged, other account's and expired cursors → 410 */
  r = xpz_test_request (m.ts, "GET", "/api/v1/changes?since=bm9uc2Vuc2U", m.employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 410);
  xpz_test_response_free (r);
  tampered = g_strdup (cursor);
  tampered[4] = tampered[4] == 'A' ? 'B' : 'A';
  g_free (path);
  path = g_strdup_printf ("/api/v1/changes?since=%s", tampered);
  r = xpz_test_request (m.ts, "GET", path, m.employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 410);
  xpz_test_response_free (r);
  g_free (path);
  path = g_strdup_printf ("/api/v1/changes?since=%s", cursor);
  r = xpz_test_request (m.ts, "GET", path, m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 410);
  xpz_test_response_free (r);
  xpz_platform_server_set_now (m.ts->server, XPZ_TEST_NOW + 31 * 86400);
  {
    g_autofree char *fresh = xpz_test_sign_in (m.ts, "rh@atlas.example.ma", "correct horse battery");
    r = xpz_test_request (m.ts, "GET", path, fresh, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 410);
    g_assert_cmpstr (xpz_test_error_code (r), ==, "cursor_expired");
    xpz_test_response_free (r);
  }
  market_teardown (&m);
}

/* ---- insights ---- */

static void
test_insights (void)
{
  XpzPlatformOptions options;
  XpzTestServer *ts;
  g_autofree char *viewer = NULL;
  XpzTestResponse *r;
  JsonObject *o;
  JsonArray *suppressed;
  /* bands: 0-2 → 6 people, 3-5 → 6 people, 6-10 → 3 people */
  const struct { guint n; int start; } bands[] = { { 6, 2025 }, { 6, 2022 }, { 3, 2018 } };
  guint serial = 0;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.k_anonymity = 5;
  ts = xpz_test_server_new (&options);
  viewer = xpz_test_signup (ts, "viewer@example.ma", "employer", "V", "Co", NULL);
  for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
    for (guint i = 0; i < bands[b].n; i++)
      {
        g_autofree char *email = g_strdup_printf ("c%u@example.ma", serial++);
        g_autofree char *token = xpz_test_signup (ts, email, "candidate", "C", NULL, NULL);
        g_autofree char *profile = g_strdup_printf ("{\"basics\":{\"label\":\"Comptable\"},\"work\":[{\"startDate\":\"%d-01\"}],"
                                                    "\"preferences\":{\"salary\":{\"min\":%u,\"max\":%u,\"currency\":\"MAD\","
                                                    "\"period\":\"month\"}}}", bands[b].start, 8000 + i * 1000, 9000 + i * 1000);
        xpz_test_put_profile (ts, token, profile);
      }

  /* only established profiles count: accounts at least 30 days old */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 31 * 86400);
  g_free (viewer);
  viewer = xpz_test_sign_in (ts, "viewer@example.ma", "correct horse battery");
  r = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=comptable", viewer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  o = xpz_test_object (r);
  g_assert_cmpint (json_object_get_int_member (o, "k"), ==, 5);
  /* the total covers the published groups only: the group of 3 cannot be derived */
  g_assert_cmpint (json_object_get_int_member (o, "total"), ==, 12);
  suppressed = json_object_get_array_member (o, "suppressed");
  /* every band not published is listed, the empty one too */
  g_assert_cmpuint (json_array_get_length (suppressed), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "groups")), ==, 2);
  {
    JsonObject *g = json_array_get_object_element (json_object_get_array_member (o, "groups"), 0);
    g_assert_cmpint (json_object_get_int_member (g, "n"), ==, 6);
    g_assert_cmpstr (json_object_get_string_member (g, "currency"), ==, "MAD");
    g_assert_cmpint (json_object_get_int_member (g, "p25"), <=, json_object_get_int_member (g, "median"));
    g_assert_cmpint (json_object_get_int_member (g, "median"), <=, json_object_get_int_member (g, "p75"));
  }
  g_assert_null (strstr (r->body, "\"n\":3"));
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=astronaut", viewer, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (r), "groups")), ==, 0);
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

/* ---- fault injection ---- */

static void
test_faults (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "f@example.ma", "candidate", "F", NULL, NULL);
  g_autoptr(GError) error = NULL;
  XpzTestResponse *r;

  g_assert_false (xpz_platform_server_set_faults (ts->server, "GET /x=teapot", &error));
  g_clear_error (&error);
  g_assert_true (xpz_platform_server_set_faults (ts->server,
                                                 "GET /api/v1/me=503*1;GET /api/v1/policy=malformed;"
                                                 "POST /api/v1/me/documents=drop*1;GET /api/v1/me/privacy=delay:10*1", &error));
  r = xpz_test_request (ts, "GET", "/api/v1/me", token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 503);
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me", token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/policy", NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_null (r->json);
  xpz_test_response_free (r);

  /* dropped after commit: the client sees no answer; the retry with the same key
   * replays the committed answer instead of uploading twice */
  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token, "{\"filename\":\"cv.pdf\",\"data\":\"JVBERi0xLjQK\"}",
                        "Idempotency-Key", "drop-1", NULL);
  g_assert_cmpuint (r->status, ==, 0);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token, "{\"filename\":\"cv.pdf\",\"data\":\"JVBERi0xLjQK\"}",
                        "Idempotency-Key", "drop-1", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Idempotent-Replayed"), ==, "true");
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me/documents", token, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (r), "documents")), ==, 1);
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "GET", "/api/v1/me/privacy", token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
  xpz_test_server_free (ts);
}

/* ---- R5.1 verified employers, R5.4 per-employer revoke and sub-domain blocks ---- */

static guint
count_shares (Market *m)
{
  g_autoptr(XpzTestResponse) r = xpz_test_request (m->ts, "GET", "/api/v1/me/shares", m->candidate, NULL, NULL);
  JsonArray *array = json_object_get_array_member (xpz_test_object (r), "shares");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (array, i), "active"))
      n++;
  return n;
}

static void
test_unverified_employer_gets_no_identity (void)
{
  Market m;
  g_autofree char *fake = NULL;
  g_autofree char *path = NULL;
  g_autofree char *intro = NULL;
  gint64 job;
  XpzTestResponse *r;

  market_setup (&m, "automatic");
  g_assert_cmpuint (count_shares (&m), ==, 1);
  fake = xpz_test_signup (m.ts, "recruiter@fake-corp.ma", "employer", "Fake", "Fake Corp", NULL);
  job = xpz_test_create_job (m.ts, fake, JOB_JSON);
  g_assert_cmpuint (count_shares (&m), ==, 1);   /* nothing new for the unverified employer */
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                          job, xpz_platform_server_candidate_handle (m.ts->server, job, m.candidate_id));
  r = xpz_test_request (m.ts, "GET", path, fake, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (xpz_test_object (r), "shared"));
  g_assert_null (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);
  intro = g_strdup_printf ("%s/introduction", path);
  r = xpz_test_request (m.ts, "POST", intro, fake, "{}", NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "employer_unverified");
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "GET", "/api/v1/me", fake, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (xpz_test_object (r), "verification"),
                                                  "status"), ==, "unverified");
  xpz_test_response_free (r);

  /* a free-mail domain can never be verified */
  g_free (xpz_test_signup (m.ts, "someone@gmail.com", "employer", "G", "Gee", NULL));
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (xpz_platform_server_verify_employer (m.ts->server, "someone@gmail.com", TRUE, &error));
    g_assert_nonnull (error);
  }

  /* verified by the operator's command-line path while the server runs: honoured at once */
  xpz_test_verify_employer (m.ts, "recruiter@fake-corp.ma");
  r = xpz_test_request (m.ts, "GET", path, fake, NULL, NULL);
  g_assert_true (json_object_get_boolean_member (xpz_test_object (r), "shared"));
  g_assert_nonnull (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);
  /* and revoking the verification ends the disclosure at once */
  {
    g_autoptr(GError) error = NULL;
    g_assert_true (xpz_platform_server_verify_employer (m.ts->server, "recruiter@fake-corp.ma", FALSE, &error));
  }
  r = xpz_test_request (m.ts, "GET", path, fake, NULL, NULL);
  g_assert_false (json_object_get_boolean_member (xpz_test_object (r), "shared"));
  g_assert_null (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);
  market_teardown (&m);
}

/* R5.1 (R9.4: who may decide): the operator API verifies an employer's organisation for
 * the domain it proved only; nobody else may call it, and an operator token is no
 * employer's or candidate's. */
static void
test_operator_api_verifies (void)
{
  Market m;
  g_autoptr(GError) error = NULL;
  g_autofree char *operator = NULL;
  g_autofree char *fake = NULL;
  g_autofree char *path = NULL;
  g_autofree char *match = NULL;
  gint64 fake_id = 0, job;
  XpzTestResponse *r;
  JsonArray *list;
  gboolean listed = FALSE;

  market_setup (&m, "automatic");
  fake = xpz_test_signup (m.ts, "rh@new-corp.ma", "employer", "New", "New Corp", &fake_id);
  job = xpz_test_create_job (m.ts, fake, JOB_JSON);
  g_assert_true (xpz_platform_server_create_operator (m.ts->server, "dpo@xpertaize.ma", "operator-pass-phrase", &error));
  g_assert_no_error (error);
  operator = xpz_test_sign_in (m.ts, "dpo@xpertaize.ma", "operator-pass-phrase");
  g_assert_nonnull (operator);
  path = g_strdup_printf ("/api/v1/operator/employers/%" G_GINT64_FORMAT "/verification", fake_id);
  match = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                          job, xpz_platform_server_candidate_handle (m.ts->server, job, m.candidate_id));

  /* nobody but an operator: no token, a candidate's, an employer's */
  r = xpz_test_request (m.ts, "GET", "/api/v1/operator/employers", NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "GET", "/api/v1/operator/employers", m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "POST", path, fake, "{\"domain\":\"new-corp.ma\"}", NULL);
  g_assert_cmpuint (r->status, ==, 403);
  xpz_test_response_free (r);
  /* an operator is not an employer */
  r = xpz_test_request (m.ts, "POST", "/api/v1/jobs", operator, JOB_JSON, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "GET", match, operator, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 403);
  xpz_test_response_free (r);

  /* the queue of organisations waiting */
  r = xpz_test_request (m.ts, "GET", "/api/v1/operator/employers?status=unverified", operator, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  list = json_object_get_array_member (xpz_test_object (r), "employers");
  for (guint i = 0; i < json_array_get_length (list); i++)
    listed |= json_object_get_int_member (json_array_get_object_element (list, i), "id") == fake_id;
  g_assert_true (listed);
  xpz_test_response_free (r);

  /* only the domain of the account's email, and none of its sub- or parent domains */
  r = xpz_test_request (m.ts, "POST", path, operator, "{\"domain\":\"corp.ma\"}", NULL);
  g_assert_cmpuint (r->status, ==, 409);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "domain_mismatch");
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "GET", match, fake, NULL, NULL);
  g_assert_null (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "POST", path, operator, "{\"domain\":\"NEW-CORP.ma\"}", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (xpz_test_object (r), "verification"),
                                                  "status"), ==, "verified");
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "GET", match, fake, NULL, NULL);
  g_assert_nonnull (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);

  /* recorded, with who decided and how */
  r = xpz_test_request (m.ts, "GET", "/api/v1/operator/decisions", operator, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (strstr (r->body, "\"via\":\"api\""));
  g_assert_nonnull (strstr (r->body, "\"domain\":\"new-corp.ma\""));
  xpz_test_response_free (r);

  /* revoked: the disclosure ends at once */
  r = xpz_test_request (m.ts, "DELETE", path, operator, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "GET", match, fake, NULL, NULL);
  g_assert_null (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);
  market_teardown (&m);
}

/* R5.1: a newly verified employer receives at most new_employer_daily_shares automatic
 * shares a day; the rest of its matches stay anonymised. */
static void
test_new_employer_daily_share_cap (void)
{
  XpzPlatformOptions options;
  g_autoptr(XpzTestResponse) r = NULL;
  g_autofree char *employer = NULL;
  g_autofree char *path = NULL;
  XpzTestServer *ts;
  JsonArray *matches;
  guint shared = 0;
  gint64 job;

  xpz_platform_options_init (&options);
  options.new_employer_daily_shares = 2;
  ts = xpz_test_server_new (&options);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *email = g_strdup_printf ("cand%u@example.ma", i);
      g_autofree char *token = xpz_test_signup (ts, email, "candidate", "Candidate", NULL, NULL);

      xpz_test_put_profile (ts, token, PROFILE_JSON);
    }
  employer = xpz_test_signup (ts, "rh@fresh-corp.ma", "employer", "Fresh", "Fresh Corp", NULL);
  xpz_test_verify_employer (ts, "rh@fresh-corp.ma");
  job = xpz_test_create_job (ts, employer, JOB_JSON);
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches", job);
  r = xpz_test_request (ts, "GET", path, employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  matches = xpz_test_array (r);
  g_assert_cmpuint (json_array_get_length (matches), ==, 4);
  for (guint i = 0; i < json_array_get_length (matches); i++)
    shared += json_object_get_boolean_member_with_default (json_array_get_object_element (matches, i), "shared", FALSE);
  g_assert_cmpuint (shared, ==, 2);
  xpz_test_server_free (ts);
}

static char *
run_platform_cli (const char  *input,
                  int         *exit_status,
                  const char  *first,
                  ...)
{
  g_autofree char *binary = g_build_filename (g_getenv ("XPZ_BUILD_ROOT"), "src", "platform", "xpertaize-platform", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  va_list args;

  g_ptr_array_add (argv, binary);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (process);
  return g_steal_pointer (&out);
}

/* R5.1: the operator's command line is a separate process on the running server's
 * database: an operator made with --create-operator (password on standard input, never
 * in argv) signs in, and --verify-employer is honoured by the running server at once. */
static void
test_operator_cli_on_running_server (void)
{
  Market m;
  g_autofree char *fake = NULL;
  g_autofree char *out = NULL;
  g_autofree char *operator = NULL;
  g_autofree char *path = NULL;
  gint64 job;
  int status = -1;
  XpzTestResponse *r;

  market_setup (&m, "automatic");
  fake = xpz_test_signup (m.ts, "rh@cli-corp.ma", "employer", "Cli", "Cli Corp", NULL);
  job = xpz_test_create_job (m.ts, fake, JOB_JSON);
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                          job, xpz_platform_server_candidate_handle (m.ts->server, job, m.candidate_id));

  out = run_platform_cli ("a long operator pass phrase\n", &status, "--db", m.ts->db_path,
                          "--create-operator", "ops@xpertaize.ma", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "created\n");
  g_clear_pointer (&out, g_free);
  operator = xpz_test_sign_in (m.ts, "ops@xpertaize.ma", "a long operator pass phrase");
  g_assert_nonnull (operator);
  r = xpz_test_request (m.ts, "GET", "/api/v1/operator/employers", operator, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);

  r = xpz_test_request (m.ts, "GET", path, fake, NULL, NULL);
  g_assert_null (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);
  out = run_platform_cli ("", &status, "--db", m.ts->db_path, "--verify-employer", "rh@cli-corp.ma", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "verified\n");
  g_clear_pointer (&out, g_free);
  r = xpz_test_request (m.ts, "GET", path, fake, NULL, NULL);
  g_assert_nonnull (strstr (r->body, "Secretname"));
  xpz_test_response_free (r);

  /* a free-mail address is refused, with an error and a failing exit */
  g_free (xpz_test_signup (m.ts, "recruteur@gmail.com", "employer", "G", "Gee", NULL));
  out = run_platform_cli ("", &status, "--db", m.ts->db_path, "--verify-employer", "recruteur@gmail.com", NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_cmpstr (out, ==, "");
  market_teardown (&m);
}

static void
test_revoke_is_per_employer (void)
{
  Market m;
  g_autoptr(XpzTestResponse) shares = NULL;
  g_autofree char *path = NULL;
  XpzTestResponse *r;
  gint64 share_id;

  market_setup (&m, "automatic");
  shares = xpz_test_request (m.ts, "GET", "/api/v1/me/shares", m.candidate, NULL, NULL);
  share_id = json_object_get_int_member (json_array_get_object_element (
               json_object_get_array_member (xpz_test_object (shares), "shares"), 0), "id");
  path = g_strdup_printf ("/api/v1/me/shares/%" G_GINT64_FORMAT, share_id);
  r = xpz_test_request (m.ts, "DELETE", path, m.candidate, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  xpz_test_response_free (r);
  /* the same employer posts an identical job: no automatic share again */
  xpz_test_create_job (m.ts, m.employer, JOB_JSON);
  g_assert_cmpuint (count_shares (&m), ==, 0);
  market_teardown (&m);
}

static void
test_domain_block_covers_subdomains (void)
{
  Market m;
  g_autofree char *sub = NULL;
  g_autofree char *evil = NULL;
  XpzTestResponse *r;
  gint64 sub_job, evil_job;
  g_autofree char *sub_path = NULL;
  g_autofree char *evil_path = NULL;

  market_setup (&m, "explicit");
  sub = xpz_test_signup (m.ts, "hr@rh.atlas-digital.demo.ma", "employer", "S", "Sub", NULL);
  evil = xpz_test_signup (m.ts, "hr@evilatlas-digital.demo.ma", "employer", "E", "Evil", NULL);
  sub_job = xpz_test_create_job (m.ts, sub, JOB_JSON);
  evil_job = xpz_test_create_job (m.ts, evil, JOB_JSON);
  r = xpz_test_request (m.ts, "POST", "/api/v1/me/blocked-employers", m.candidate,
                        "{\"domain\":\"Atlas-Digital.Demo.MA.\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  sub_path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                          sub_job, xpz_platform_server_candidate_handle (m.ts->server, sub_job, m.candidate_id));
  evil_path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT,
                          evil_job, xpz_platform_server_candidate_handle (m.ts->server, evil_job, m.candidate_id));
  r = xpz_test_request (m.ts, "GET", sub_path, sub, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 404);
  xpz_test_response_free (r);
  r = xpz_test_request (m.ts, "GET", evil_path, evil, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);   /* a label boundary: not blocked */
  xpz_test_response_free (r);
  market_teardown (&m);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/platform/errors/malformed-deep-oversized", test_errors);
  g_test_add_func ("/platform/R5.1/unverified-employer-gets-no-identity", test_unverified_employer_gets_no_identity);
  g_test_add_func ("/platform/R5.4/revoke-is-per-employer", test_revoke_is_per_employer);
  g_test_add_func ("/platform/R5.1/operator-api-verifies-proven-domain-only", test_operator_api_verifies);
  g_test_add_func ("/platform/R5.1/new-employer-daily-share-cap", test_new_employer_daily_share_cap);
  g_test_add_func ("/platform/R5.1/operator-cli-on-running-server", test_operator_cli_on_running_server);
  g_test_add_func ("/platform/R5.4/domain-block-covers-subdomains", test_domain_block_covers_subdomains);
  g_test_add_func ("/platform/R2.5/sign-in-history", test_sign_in_history);
  g_test_add_func ("/platform/R9.4/tokens-and-passwords-hashed-at-rest", test_tokens_hashed);
  g_test_add_func ("/platform/R9.4/token-expiry-and-refresh", test_token_expiry_refresh);
  g_test_add_func ("/platform/R3.4/sign-out-and-sign-out-everywhere", test_sign_out);
  g_test_add_func ("/platform/R2.5/sign-in-rate-limit", test_rate_limit);
  g_test_add_func ("/platform/B3/idempotency-replay-and-422", test_idempotency);
  g_test_add_func ("/platform/R8.2/etag-if-match-412", test_etag);
  g_test_add_func ("/platform/B3/job-version-is-its-etag", test_job_version);
  g_test_add_func ("/platform/R3.1/explanations-sum-and-match-both-sides", test_matching_explanations);
  g_test_add_func ("/platform/R3.1/empty-profile-is-unknown-not-partial", test_empty_profile);
  g_test_add_func ("/platform/R3.1/must-have-gate", test_must_have_gate);
  g_test_add_func ("/platform/R5.1/automatic-share-recorded", test_automatic_share);
  g_test_add_func ("/platform/R5.2/explicit-mode-hides-contact", test_explicit_hides_contact);
  g_test_add_func ("/platform/R5.2/introduction-accept-shares", test_introduction_flow);
  g_test_add_func ("/platform/R5.3/switch-to-explicit-stops-sharing", test_switch_to_explicit);
  g_test_add_func ("/platform/R5.4/revoke-ends-access", test_revoke);
  g_test_add_func ("/platform/R5.4/block-by-id-and-domain", test_block);
  g_test_add_func ("/platform/R8.4/paused-and-restricted-hidden", test_paused_restricted);
  g_test_add_func ("/platform/R3.2/settings-default-ledgered-exported", test_settings_ledgered);
  g_test_add_func ("/platform/B1/ledger-tamper-detected", test_ledger_tamper);
  g_test_add_func ("/platform/B1/ledger-deletion-detected", test_ledger_delete_detected);
  g_test_add_func ("/platform/R8.1/export-complete", test_export_complete);
  g_test_add_func ("/platform/R2.3/documents-sniffed-listed-deleted", test_documents);
  g_test_add_func ("/platform/R7.2/deletion-due-30-days-admin-completes", test_deletion);
  g_test_add_func ("/platform/R7.1/retention-keep-until", test_retention);
  g_test_add_func ("/platform/R11.1/material-change-in-feed-until-accepted", test_policy_material_change);
  g_test_add_func ("/platform/B3/change-feed-cursor-410", test_change_feed);
  g_test_add_func ("/platform/R3.5/insights-k-anonymity-complementary", test_insights);
  g_test_add_func ("/platform/faults/status-malformed-drop-delay", test_faults);

  return g_test_run ();
}
