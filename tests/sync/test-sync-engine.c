/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-account.h"
#include "xpz-crypto.h"
#include "xpz-parked-change.h"
#include "xpz-platform-server.h"
#include "sync-test-util.h"
#include "xpz-sync-engine.h"

/* Offline-first sending (B3) against the real platform on loopback, with its fault
 * injector: lost answers, busy platform, stale copies, reused keys, ended sessions,
 * and a platform that is away altogether. Time is the engine's injectable clock. */

typedef struct
{
  XpzPlatformServer *platform;
  guint16            port;
  char              *dir;
  XpzApiClient      *client;
  XpzSecrets        *secrets;
  XpzSession        *session;
  XpzStore          *store;
  GBytes            *key;
  XpzSyncEngine     *engine;
} Fixture;

static guint account_counter;

static guint pull (gpointer fixture);

/* --- helpers ----------------------------------------------------------------------- */

typedef XpzTestWait Wait;

static void
wait_done (Wait *w)
{
  xpz_test_wait (w);
}

static JsonNode *
parse (const char *json)
{
  return json_from_string (json, NULL);
}

#define api xpz_test_api

static char *
job_json (guint n)
{
  g_autofree char *title = g_strdup_printf ("Data engineer %u", n);

  return xpz_test_job_json (title);
}

static void
enqueue (Fixture    *f,
         const char *method,
         const char *path,
         const char *body_json,
         const char *if_match,
         const char *key)
{
  g_autoptr (JsonNode) body = body_json != NULL ? parse (body_json) : NULL;
  Wait w = { 0 };

  xpz_sync_engine_enqueue_async (f->engine, method, path, body, if_match, key, NULL,
                                 xpz_test_enqueue_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
}

static void
listed_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->response = (gpointer) xpz_sync_engine_list_parked_finish (XPZ_SYNC_ENGINE (s), r, &w->error);
  w->done = TRUE;
}

static void
resolved_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_sync_engine_resolve_finish (XPZ_SYNC_ENGINE (s), r, &w->error);
  w->done = TRUE;
}

static GListModel *
list_parked (Fixture *f)
{
  Wait w = { 0 };

  xpz_sync_engine_list_parked_async (f->engine, NULL, listed_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  return (GListModel *) w.response;
}

static void
resolve (Fixture       *f,
         gint64         id,
         XpzResolution  resolution)
{
  Wait w = { 0 };

  xpz_sync_engine_resolve_async (f->engine, id, resolution, NULL, resolved_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
}

/* Pushes until the outbox is drained or stuck, moving the engine's clock to each
 * next attempt; at most @max_rounds pushes. Returns the last push's error, if any. */
static GError *
push_until_settled (Fixture *f,
                    guint    max_rounds)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint round = 0; round < max_rounds; round++)
    {
      Wait w = { 0 };

      xpz_sync_engine_set_now (f->engine, now);
      xpz_sync_engine_push_async (f->engine, NULL, xpz_test_push_done, &w);
      wait_done (&w);
      if (w.error != NULL)
        return w.error;
      if (xpz_sync_engine_get_state (f->engine) != XPZ_SYNC_STATE_WAITING)
        return NULL;
      now = MAX (now, xpz_sync_engine_get_next_attempt (f->engine));
    }
  g_assert_not_reached ();
  return NULL;
}

static guint
count_jobs (Fixture *f)
{
  g_autoptr (XpzApiResponse) r = api (f->client, "GET", "/api/v1/jobs", NULL, NULL, NULL);

  g_assert_cmpuint (xpz_api_response_get_status (r), ==, 200);
  return json_array_get_length (json_node_get_array (xpz_api_response_get_body (r)));
}

static void
outbox_counts (Fixture *f,
               guint   *pending,
               guint   *parked)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (xpz_sync_engine_count (f->engine, pending, parked, &error));
  g_assert_no_error (error);
}

/* --- fixture: a fresh employer (or the demo candidate) on a fresh platform ----------- */

static void
start_platform (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  xpz_platform_server_start_thread (f->platform, "127.0.0.1", f->port, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  role)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *email = NULL;
  g_autofree char *account = NULL;
  g_autoptr (XpzApiResponse) created = NULL;
  g_autoptr (GUri) uri = NULL;
  XpzPlatformOptions options;
  Wait w = { 0 };

  f->dir = g_dir_make_tmp ("xpz-sync-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "platform.db", NULL);
  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  f->platform = xpz_platform_server_new (db, &options, &error);
  g_assert_no_error (error);
  xpz_platform_server_seed_demo (f->platform, &error);
  g_assert_no_error (error);
  start_platform (f);
  uri = g_uri_parse (xpz_platform_server_get_url (f->platform), G_URI_FLAGS_NONE, NULL);
  f->port = (guint16) g_uri_get_port (uri);

  f->client = xpz_api_client_new (xpz_platform_server_get_url (f->platform), &error);
  g_assert_no_error (error);

  if (g_strcmp0 (role, "employer") == 0)
    {
      email = g_strdup_printf ("sync.%u@recruiter.example", ++account_counter);
      account = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"long-enough-1\","
                                 "\"role\":\"employer\",\"name\":\"Sync Test\","
                                 "\"company\":\"Atlas Data\"}", email);
      created = api (f->client, "POST", "/api/v1/accounts", account, NULL, NULL);
      g_assert_cmpuint (xpz_api_response_get_status (created), ==, 202);
    }
  else if (g_strcmp0 (role, "recruiter") == 0)
    email = g_strdup (XPZ_PLATFORM_DEMO_RECRUITER_EMAIL);
  else
    email = g_strdup (XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL);

  f->secrets = xpz_secrets_new ();
  f->session = xpz_session_new (f->client, f->secrets);
  xpz_session_sign_in_async (f->session, email,
                             g_strcmp0 (role, "employer") == 0 ? "long-enough-1"
                                                               : XPZ_PLATFORM_DEMO_PASSWORD,
                             NULL, xpz_test_sign_in_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);

  f->key = xpz_crypto_generate_key ();
  f->store = xpz_store_new (xpz_session_get_account_id (f->session));
  xpz_store_open (f->store, f->key, &error);
  g_assert_no_error (error);
  f->engine = xpz_sync_engine_new (f->store, f->session, f->key);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  role)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->engine);
  xpz_store_erase (f->store, &error);
  g_assert_no_error (error);
  g_clear_object (&f->store);
  g_clear_object (&f->session);
  g_clear_object (&f->secrets);
  g_clear_object (&f->client);
  xpz_platform_server_stop (f->platform);
  g_clear_object (&f->platform);
  g_clear_pointer (&f->key, g_bytes_unref);
  g_free (f->dir);
}

/* --- tests -------------------------------------------------------------------------- */

static void
test_commit_then_drop (Fixture       *f,
                       gconstpointer  role)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) list = NULL;
  g_autoptr (GHashTable) titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *jobs;
  guint pending, parked;

  /* The platform commits each of the first 60 creates, then drops the connection. */
  xpz_platform_server_set_faults (f->platform, "POST /api/v1/jobs=drop*60", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *job = job_json (i);
      enqueue (f, "POST", "/api/v1/jobs", job, NULL, NULL);
    }

  error = push_until_settled (f, 1000);
  g_assert_no_error (error);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_UP_TO_DATE);

  /* Exactly the 100 jobs: none lost, none doubled by a retry. */
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (parked, ==, 0);
  list = api (f->client, "GET", "/api/v1/jobs", NULL, NULL, NULL);
  jobs = json_node_get_array (xpz_api_response_get_body (list));
  g_assert_cmpuint (json_array_get_length (jobs), ==, 100);
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    g_hash_table_add (titles, g_strdup (json_object_get_string_member (
                                json_array_get_object_element (jobs, i), "title")));
  g_assert_cmpuint (g_hash_table_size (titles), ==, 100);
}

static void
test_same_key_other_body_parked (Fixture       *f,
                                 gconstpointer  role)
{
  g_autofree char *first = job_json (1);
  g_autofree char *second = job_json (2);
  g_autoptr (XpzApiResponse) direct = NULL;
  g_autoptr (GError) error = NULL;
  guint pending, parked;

  /* The key was already used, for another body. */
  direct = api (f->client, "POST", "/api/v1/jobs", first, "key-reused-0001", NULL);
  g_assert_cmpuint (xpz_api_response_get_status (direct), ==, 201);
  enqueue (f, "POST", "/api/v1/jobs", second, NULL, "key-reused-0001");
  enqueue (f, "POST", "/api/v1/jobs", first, NULL, NULL);

  error = push_until_settled (f, 10);
  g_assert_no_error (error);

  /* 422: parked and kept (never deleted), and it does not block what follows. */
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_NEEDS_ATTENTION);
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (parked, ==, 1);
  g_assert_cmpuint (count_jobs (f), ==, 2);

  /* Shown with the platform's reason, and discarded only by the user. */
  {
    g_autoptr (GListModel) list = list_parked (f);
    g_autoptr (XpzParkedChange) change = g_list_model_get_item (list, 0);
    g_autofree char *what = xpz_parked_change_describe (change);

    g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
    g_assert_cmpint (xpz_parked_change_get_reason (change), ==, XPZ_PARKED_REFUSED);
    g_assert_nonnull (xpz_parked_change_get_detail (change));
    g_assert_cmpstr (json_object_get_string_member (
                       json_node_get_object (xpz_parked_change_get_mine (change)), "title"),
                     ==, "Data engineer 2");
    g_assert_cmpstr (what, ==, "A new job posting");
    resolve (f, xpz_parked_change_get_id (change), XPZ_RESOLVE_DISCARD);
  }
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (pending + parked, ==, 0);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_UP_TO_DATE);
}

static void
test_stale_if_match_conflict (Fixture       *f,
                              gconstpointer  role)
{
  g_autoptr (XpzApiResponse) profile = NULL;
  g_autoptr (XpzApiResponse) other = NULL;
  g_autoptr (XpzApiResponse) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  JsonObject *basics;
  guint pending, parked;

  profile = api (f->client, "GET", "/api/v1/me/profile", NULL, NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (profile), ==, 200);
  etag = g_strdup (xpz_api_response_get_etag (profile));
  g_assert_nonnull (etag);

  /* Another device changes the summary first … */
  basics = json_object_get_object_member (xpz_api_response_get_object (profile), "basics");
  json_object_set_string_member (basics, "summary", "Changed on the other device");
  theirs = json_to_string (xpz_api_response_get_body (profile), FALSE);
  other = api (f->client, "PUT", "/api/v1/me/profile", theirs, NULL, etag);
  g_assert_cmpuint (xpz_api_response_get_status (other), ==, 200);

  /* … then this one's offline edit, made against the old copy, is sent. */
  json_object_set_string_member (basics, "summary", "Changed offline here");
  mine = json_to_string (xpz_api_response_get_body (profile), FALSE);
  enqueue (f, "PUT", "/api/v1/me/profile", mine, etag, NULL);
  error = push_until_settled (f, 10);
  g_assert_no_error (error);

  /* 412: surfaced (parked, needs attention), nothing overwritten on the platform. */
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_NEEDS_ATTENTION);
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (parked, ==, 1);
  after = api (f->client, "GET", "/api/v1/me/profile", NULL, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (xpz_api_response_get_object (after), "basics"),
                     "summary"), ==, "Changed on the other device");

  /* Receiving afterwards keeps the conflict in view. */
  pull (f);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_NEEDS_ATTENTION);

  /* Both versions are there for the user to compare … */
  {
    g_autoptr (GListModel) list = list_parked (f);
    g_autoptr (XpzParkedChange) change = g_list_model_get_item (list, 0);
    g_autoptr (XpzApiResponse) kept = NULL;
    JsonObject *theirs_basics, *mine_basics;

    g_assert_cmpint (xpz_parked_change_get_reason (change), ==, XPZ_PARKED_CONFLICT);
    g_assert_nonnull (xpz_parked_change_get_theirs (change));
    theirs_basics = json_object_get_object_member (
      json_node_get_object (xpz_parked_change_get_theirs (change)), "basics");
    mine_basics = json_object_get_object_member (
      json_node_get_object (xpz_parked_change_get_mine (change)), "basics");
    g_assert_cmpstr (json_object_get_string_member (theirs_basics, "summary"), ==,
                     "Changed on the other device");
    g_assert_cmpstr (json_object_get_string_member (mine_basics, "summary"), ==,
                     "Changed offline here");
    /* … said in the user's words. */
    {
      g_autofree char *differences = xpz_parked_change_describe_differences (change);
      g_assert_cmpstr (differences, ==, "summary");
    }

    /* … and "keep mine" sends it again, over their copy. */
    resolve (f, xpz_parked_change_get_id (change), XPZ_RESOLVE_KEEP_MINE);
    error = push_until_settled (f, 10);
    g_assert_no_error (error);
    g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_UP_TO_DATE);
    kept = api (f->client, "GET", "/api/v1/me/profile", NULL, NULL, NULL);
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (xpz_api_response_get_object (kept), "basics"),
                       "summary"), ==, "Changed offline here");
  }
}

static void
test_retry_after_honoured (Fixture       *f,
                           gconstpointer  role)
{
  g_autofree char *job = job_json (7);
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 due;
  Wait w = { 0 };

  xpz_platform_server_set_faults (f->platform, "POST /api/v1/jobs=429*1", &error);
  g_assert_no_error (error);
  enqueue (f, "POST", "/api/v1/jobs", job, NULL, NULL);

  xpz_sync_engine_set_now (f->engine, now);
  xpz_sync_engine_push_async (f->engine, NULL, xpz_test_push_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_WAITING);
  due = xpz_sync_engine_get_next_attempt (f->engine);
  g_assert_cmpint (due, >, now);

  /* Pushing again before Retry-After sends nothing: the 429 rule is spent, so a retry
   * would have created the job. */
  memset (&w, 0, sizeof w);
  xpz_sync_engine_set_now (f->engine, due - 1);
  xpz_sync_engine_push_async (f->engine, NULL, xpz_test_push_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_cmpuint (count_jobs (f), ==, 0);

  /* At Retry-After it goes through. */
  memset (&w, 0, sizeof w);
  xpz_sync_engine_set_now (f->engine, due);
  xpz_sync_engine_push_async (f->engine, NULL, xpz_test_push_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpuint (count_jobs (f), ==, 1);
}

static void
test_unauthorized_pauses (Fixture       *f,
                          gconstpointer  role)
{
  g_autoptr (XpzApiClient) other = NULL;
  g_autoptr (XpzSession) elsewhere = NULL;
  g_autoptr (XpzApiResponse) out = NULL;
  g_autoptr (GError) error = NULL;
  guint pending, parked;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *job = job_json (i);
      enqueue (f, "POST", "/api/v1/jobs", job, NULL, NULL);
    }

  /* "Sign out everywhere" from this device's own token: every session ends, refresh
   * tokens included. */
  out = api (f->client, "DELETE", "/api/v1/sessions", NULL, NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (out), ==, 204);

  error = push_until_settled (f, 10);
  g_assert_error (error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_NEEDS_SIGN_IN);

  /* Paused, nothing dropped. */
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 3);
  g_assert_cmpuint (parked, ==, 0);
}

static void
test_offline_then_reconnect (Fixture       *f,
                             gconstpointer  role)
{
  g_autoptr (GError) error = NULL;
  guint pending, parked;
  Wait w = { 0 };

  /* The platform goes away; 1 000 changes are made meanwhile. */
  xpz_platform_server_stop (f->platform);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *job = job_json (i);
      enqueue (f, "POST", "/api/v1/jobs", job, NULL, NULL);
    }

  xpz_sync_engine_push_async (f->engine, NULL, xpz_test_push_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_WAITING);
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 1000);

  /* Back on the same address: everything applied, exactly once. */
  start_platform (f);
  error = push_until_settled (f, 100);
  g_assert_no_error (error);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_UP_TO_DATE);
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (pending + parked, ==, 0);
  g_assert_cmpuint (count_jobs (f), ==, 1000);
}

/* --- receiving: the change feed ----------------------------------------------------- */

static guint
pull (gpointer fixture)
{
  Fixture *f = fixture;
  Wait w = { 0 };

  xpz_sync_engine_pull_async (f->engine, NULL, xpz_test_pull_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  return w.n;
}

static gint64
local_count (Fixture    *f,
             const char *sql)
{
  return xpz_test_store_count (f->store, sql);
}

static gpointer
fts_integrity_func (XpzStore      *store,
                    sqlite3       *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO job_fts (job_fts) VALUES ('integrity-check');"
                                 "INSERT INTO candidate_fts (candidate_fts)"
                                 " VALUES ('integrity-check');", NULL, NULL, NULL), ==, SQLITE_OK);
  return GINT_TO_POINTER (TRUE);
}

/* The full-text indexes hold every job and candidate, as they are now (the sync writes
 * them once per page, not through the triggers). */
static void
assert_search_index_current (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (local_count (f, "SELECT count(*) FROM candidate_fts"), ==,
                   local_count (f, "SELECT count(*) FROM candidate"));
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM candidate c JOIN candidate_fts i"
                                   " ON i.rowid = c.id WHERE i.headline IS xpz_fold (c.headline)"
                                   " AND i.skills IS xpz_fold (c.skills)"
                                   " AND i.location IS xpz_fold (c.location)"), ==,
                   local_count (f, "SELECT count(*) FROM candidate"));
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM job_fts"), ==,
                   local_count (f, "SELECT count(*) FROM job"));
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM job j JOIN job_fts i ON i.rowid = j.id"
                                   " WHERE i.title IS xpz_fold (j.title)"
                                   " AND i.skills IS xpz_fold (j.skills)"
                                   " AND i.location IS xpz_fold (j.location)"
                                   " AND i.description IS xpz_fold (j.description)"), ==,
                   local_count (f, "SELECT count(*) FROM job"));
  g_assert_nonnull (xpz_store_run_sync (f->store, TRUE, fts_integrity_func, NULL, &error));
  g_assert_no_error (error);
}

/* The employer's matches on the platform, all jobs together. */
static guint
platform_employer_matches (Fixture *f)
{
  g_autoptr (XpzApiResponse) jobs = api (f->client, "GET", "/api/v1/jobs", NULL, NULL, NULL);
  JsonArray *array = json_node_get_array (xpz_api_response_get_body (jobs));
  guint total = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *job = json_array_get_object_element (array, i);
      g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches?limit=500",
                                               json_object_get_int_member (job, "id"));
      g_autoptr (XpzApiResponse) matches = api (f->client, "GET", path, NULL, NULL, NULL);
      guint n = json_array_get_length (json_node_get_array (xpz_api_response_get_body (matches)));

      g_assert_cmpuint (n, <, 500);
      total += n;
    }
  return total;
}

static void
test_pull_employer (Fixture       *f,
                    gconstpointer  role)
{
  g_autofree char *job = job_json (42);
  g_autoptr (XpzApiResponse) created = NULL;
  guint first, second, expected_matches;

  /* The demo recruiter's jobs and every ranked candidate, from an empty database. */
  first = pull (f);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM job"), ==, count_jobs (f));
  expected_matches = platform_employer_matches (f);
  g_assert_cmpuint (expected_matches, >, 0);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM match"), ==, expected_matches);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM sync_cursor"), ==, 1);
  /* R5.2: what an employer holds of a candidate it was not shared with is the summary. */
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM match WHERE explanation LIKE '%@%'"),
                   ==, local_count (f, "SELECT count(*) FROM match WHERE"
                                       " json_extract (explanation, '$.shared') = 1"
                                       " AND explanation LIKE '%@%'"));
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM candidate"), >, 0);
  assert_search_index_current (f);

  /* Another device posts a job: the next pull brings only what changed. */
  created = api (f->client, "POST", "/api/v1/jobs", job, NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (created), ==, 201);
  second = pull (f);
  g_assert_cmpuint (second, >=, 1);
  g_assert_cmpuint (second, <, first);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM job"), ==, count_jobs (f));
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM job WHERE title = 'Data engineer 42'"),
                   ==, 1);
  assert_search_index_current (f);

  /* Nothing new: nothing applied, the cursor still good. */
  g_assert_cmpuint (pull (f), ==, 0);
}

static void
test_pull_candidate (Fixture       *f,
                     gconstpointer  role)
{
  g_autoptr (XpzApiResponse) matches = NULL;

  pull (f);
  matches = api (f->client, "GET", "/api/v1/me/matches?limit=500", NULL, NULL, NULL);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM match"), ==,
                   json_array_get_length (json_node_get_array (xpz_api_response_get_body (matches))));
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM match WHERE job_id IS NULL"), ==, 0);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM privacy_setting WHERE key = 'privacy'"),
                   ==, 1);
  assert_search_index_current (f);
}

static void
test_pull_410_resync (Fixture       *f,
                      gconstpointer  role)
{
  g_autofree char *job = job_json (5);
  g_autoptr (GError) error = NULL;
  gint64 jobs_before;
  guint pending, parked;

  pull (f);
  jobs_before = local_count (f, "SELECT count(*) FROM job");
  /* An unsent local change waits in the outbox. */
  enqueue (f, "POST", "/api/v1/jobs", job, NULL, NULL);

  /* The platform no longer knows the cursor: full resync, the outbox untouched. */
  xpz_platform_server_set_faults (f->platform, "GET /api/v1/changes*=410*1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pull (f), >, 0);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM job"), ==, jobs_before);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM sync_cursor"), ==, 1);
  assert_search_index_current (f);
  outbox_counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 1);
  g_assert_cmpuint (parked, ==, 0);
}

static void
account_opened (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_account_open_finish (XPZ_ACCOUNT (s), r, &w->error);
  w->done = TRUE;
}

static void
test_account_syncs_local_changes (Fixture       *f,
                                  gconstpointer  role)
{
  g_autoptr (XpzAccount) account = NULL;
  g_autofree char *job = job_json (9);
  g_autoptr (JsonNode) body = parse (job);
  Wait w = { 0 };

  /* The account as the app holds it: its own database, opened with the session's key. */
  g_clear_object (&f->engine);
  xpz_store_close (f->store);
  account = xpz_account_new (f->session);
  xpz_account_open_async (account, NULL, account_opened, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_nonnull (xpz_account_get_engine (account));

  /* B3: a local change is queued and the UI goes on; the account sends it by itself. */
  memset (&w, 0, sizeof w);
  xpz_sync_engine_enqueue_async (xpz_account_get_engine (account), "POST", "/api/v1/jobs", body,
                                 NULL, NULL, NULL, xpz_test_enqueue_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  while (count_jobs (f) != 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (xpz_account_get_last_error (account));

  /* Received too: the job is in the account's own database. */
  while (xpz_test_store_count (xpz_account_get_store (account),
                         "SELECT count(*) FROM job WHERE title = 'Data engineer 9'") != 1)
    g_main_context_iteration (NULL, TRUE);
  xpz_account_close (account);
}

typedef struct
{
  guint  calls;
  guint  introductions;
  guint  strong_matches;
  char  *policy_summary;
} News;

static void
news_cb (XpzSyncEngine *engine,
         guint          introductions,
         guint          strong_matches,
         const char    *policy_summary,
         News          *news)
{
  news->calls++;
  news->introductions += introductions;
  news->strong_matches += strong_matches;
  g_free (news->policy_summary);
  news->policy_summary = g_strdup (policy_summary);
}

static void
test_pull_news (Fixture       *f,
                gconstpointer  role)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiClient) recruiter = NULL;
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) recruiter_session = NULL;
  g_autoptr (XpzApiResponse) jobs = NULL;
  g_autoptr (XpzApiResponse) intro = NULL;
  g_autofree char *path = NULL;
  JsonObject *job;
  News news = { 0 };
  Wait w = { 0 };

  g_signal_connect (f->engine, "news", G_CALLBACK (news_cb), &news);
  pull (f);
  news.calls = 0;
  g_clear_pointer (&news.policy_summary, g_free);

  /* Nothing new, nothing to say. */
  pull (f);
  g_assert_cmpuint (news.calls, ==, 0);

  /* R11.1: a material policy change is news once. */
  xpz_platform_server_publish_policy (f->platform, "2027-01", TRUE,
                                      "Matching now also uses your languages.", &error);
  g_assert_no_error (error);
  pull (f);
  g_assert_cmpuint (news.calls, ==, 1);
  g_assert_cmpstr (news.policy_summary, ==, "Matching now also uses your languages.");
  pull (f);
  g_assert_cmpuint (news.calls, ==, 1);

  /* An employer asks the candidate for an introduction: news on the next pull. */
  recruiter = xpz_api_client_new (xpz_platform_server_get_url (f->platform), &error);
  g_assert_no_error (error);
  recruiter_session = xpz_session_new (recruiter, secrets);
  xpz_session_sign_in_async (recruiter_session, XPZ_PLATFORM_DEMO_RECRUITER_EMAIL,
                             XPZ_PLATFORM_DEMO_PASSWORD, NULL, xpz_test_sign_in_done, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  jobs = api (recruiter, "GET", "/api/v1/jobs", NULL, NULL, NULL);
  job = json_array_get_object_element (json_node_get_array (xpz_api_response_get_body (jobs)), 0);
  /* the recruiter names the candidate by the job's handle for her */
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/introduction",
                          json_object_get_int_member (job, "id"),
                          xpz_platform_server_candidate_handle (f->platform, json_object_get_int_member (job, "id"),
                                                                g_ascii_strtoll (xpz_session_get_account_id (f->session),
                                                                                 NULL, 10)));
  intro = api (recruiter, "POST", path, "{\"message\":\"Would you like to talk?\"}", NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (intro), <, 300);
  pull (f);
  g_assert_cmpuint (news.calls, ==, 2);
  g_assert_cmpuint (news.introductions, ==, 1);
  g_free (news.policy_summary);
}

static void
test_every_fault_replayed (Fixture       *f,
                           gconstpointer  role)
{
  static const char *faults[] = {
    "POST /api/v1/jobs=500*2", "POST /api/v1/jobs=503*2", "POST /api/v1/jobs=429*1",
    "POST /api/v1/jobs=malformed*2", "POST /api/v1/jobs=drop*2",
    "POST /api/v1/jobs=delay:300*1", "GET /api/v1/changes=500*1;POST /api/v1/jobs=503*1",
  };

  /* Whatever the platform does, each change lands exactly once. */
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *title = g_strdup_printf ("Fault %u", i);
      g_autofree char *job = xpz_test_job_json (title);
      g_autoptr (GError) error = NULL;
      guint pending, parked;

      xpz_platform_server_set_faults (f->platform, faults[i], &error);
      g_assert_no_error (error);
      enqueue (f, "POST", "/api/v1/jobs", job, NULL, NULL);
      error = push_until_settled (f, 50);
      g_assert_no_error (error);
      g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_UP_TO_DATE);
      outbox_counts (f, &pending, &parked);
      g_assert_cmpuint (pending + parked, ==, 0);
      g_assert_cmpuint (count_jobs (f), ==, i + 1);
    }
  xpz_platform_server_set_faults (f->platform, NULL, NULL);
}

static gpointer
limit_pages_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 pages = 0;

  /* A full disk (@data not NULL): the free pages of the file are taken by a filler
   * table, and the file may not grow by a page. Whatever the sync writes needs room. */
  if (data != NULL)
    g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE IF NOT EXISTS disk_filler (b BLOB);"
                                   "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1"
                                   " FROM n WHERE i < (SELECT freelist_count"
                                   " FROM pragma_freelist_count))"
                                   " INSERT INTO disk_filler SELECT zeroblob (4000) FROM n;",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    pages = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         data != NULL ? pages : (gint64) 1 << 30);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  return GINT_TO_POINTER (TRUE);
}

static void
test_pull_disk_full (Fixture       *f,
                     gconstpointer  role)
{
  g_autoptr (GError) error = NULL;
  guint expected;
  Wait w = { 0 };

  /* The disk fills up during the first sync: a clean error, nothing half-written … */
  g_assert_nonnull (xpz_store_run_sync (f->store, TRUE, limit_pages_func, GINT_TO_POINTER (TRUE),
                                        &error));
  g_assert_no_error (error);
  xpz_sync_engine_pull_async (f->engine, NULL, xpz_test_pull_done, &w);
  wait_done (&w);
  g_assert_error (w.error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FULL);
  g_clear_error (&w.error);
  g_assert_cmpint (xpz_sync_engine_get_state (f->engine), ==, XPZ_SYNC_STATE_NEEDS_ATTENTION);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM sync_cursor"), ==, 0);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM match"), ==, 0);

  /* … and once there is room again, the sync completes, each row once. */
  g_assert_nonnull (xpz_store_run_sync (f->store, TRUE, limit_pages_func, NULL, &error));
  pull (f);
  expected = platform_employer_matches (f);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM match"), ==, expected);
  g_assert_cmpint (local_count (f, "SELECT count(DISTINCT remote_id) FROM match"), ==, expected);
  g_assert_cmpint (local_count (f, "SELECT count(*) FROM job"), ==, count_jobs (f));
}

static void
test_backoff_bounds (void)
{
  /* Full jitter: within [1, min(cap, 2^attempts)] seconds, and reaching the cap. */
  for (guint attempts = 0; attempts < 20; attempts++)
    {
      gint64 bound = MIN ((gint64) 1 << MIN (attempts, 30u), 300);
      gint64 lowest = G_MAXINT64, highest = 0;

      for (guint32 r = 0; r < 2000; r++)
        {
          gint64 d = xpz_sync_backoff_delay (attempts, r * 2654435761u);
          lowest = MIN (lowest, d);
          highest = MAX (highest, d);
        }
      g_assert_cmpint (lowest, >=, 1);
      g_assert_cmpint (highest, <=, bound);
      g_assert_cmpint (highest, ==, bound);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/B3/backoff-full-jitter-bounds", test_backoff_bounds);
  g_test_add ("/sync/B3/commit-then-drop-100-creates-no-duplicates", Fixture, "employer",
              fixture_setup, test_commit_then_drop, fixture_teardown);
  g_test_add ("/sync/B3/every-platform-fault-applied-once", Fixture, "employer",
              fixture_setup, test_every_fault_replayed, fixture_teardown);
  g_test_add ("/sync/B3/same-key-other-body-parked", Fixture, "employer",
              fixture_setup, test_same_key_other_body_parked, fixture_teardown);
  g_test_add ("/sync/B3/R8.2/stale-if-match-conflict-nothing-overwritten", Fixture, "candidate",
              fixture_setup, test_stale_if_match_conflict, fixture_teardown);
  g_test_add ("/sync/B3/no-retry-before-retry-after", Fixture, "employer",
              fixture_setup, test_retry_after_honoured, fixture_teardown);
  g_test_add ("/sync/B3/401-pauses-nothing-dropped", Fixture, "employer",
              fixture_setup, test_unauthorized_pauses, fixture_teardown);
  g_test_add ("/sync/B3/1000-offline-changes-applied-once", Fixture, "employer",
              fixture_setup, test_offline_then_reconnect, fixture_teardown);

  g_test_add ("/sync/B3/pull-employer-snapshot-then-incremental", Fixture, "recruiter",
              fixture_setup, test_pull_employer, fixture_teardown);
  g_test_add ("/sync/B3/pull-candidate-matches-and-settings", Fixture, "candidate",
              fixture_setup, test_pull_candidate, fixture_teardown);
  g_test_add ("/sync/B3/account-sends-and-receives-local-changes-by-itself", Fixture, "employer",
              fixture_setup, test_account_syncs_local_changes, fixture_teardown);
  g_test_add ("/sync/R11.1/pull-news-policy-and-introductions", Fixture, "candidate",
              fixture_setup, test_pull_news, fixture_teardown);
  g_test_add ("/sync/B3/disk-full-during-sync-nothing-half-written", Fixture, "recruiter",
              fixture_setup, test_pull_disk_full, fixture_teardown);
  g_test_add ("/sync/B3/410-full-resync-outbox-intact", Fixture, "recruiter",
              fixture_setup, test_pull_410_resync, fixture_teardown);

  return g_test_run ();
}
