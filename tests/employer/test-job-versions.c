/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-job-versions"

#include "config.h"

#include <string.h>

#include "xpz-account.h"
#include "xpz-api-response.h"
#include "xpz-employer-data.h"
#include "xpz-parked-change.h"
#include "xpz-platform-server.h"
#include "xpz-platform-test-util.h"

/* B3 and R9.3 for job postings: an edit is sent with If-Match, the version of the
 * posting it was made against. The recruiter's account edits the demo postings while
 * "another computer" (a session of its own on the same account) edits them too, against
 * the real platform over loopback: the stale edit is refused and surfaced, nothing is
 * overwritten, and keeping it sends it again over the newer copy. Two edits made before
 * the first was sent are both accepted (the second is sent against the version the
 * first makes). Waiting is on conditions, with a deadline. */

#define DEADLINE_S 30

static XpzPlatformServer *platform;

typedef gboolean (*Condition) (gpointer data);

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Some conditions are read from the platform or the database, not announced: the main
 * loop wakes at least every 20 ms to look again. */
static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, tick_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

typedef struct
{
  gboolean        done;
  GError         *error;
  XpzApiResponse *response;
  gint64          id;
  GPtrArray      *jobs;
  GListModel     *parked;
  XpzAccount     *account;   /* the employer data's calls finish on the account */
} Done;

static gboolean
is_done (gpointer data)
{
  return ((Done *) data)->done;
}

static void
signed_in_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  xpz_session_sign_in_finish (XPZ_SESSION (s), r, &done->error);
  done->done = TRUE;
}

static void
opened_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  xpz_account_open_finish (XPZ_ACCOUNT (s), r, &done->error);
  done->done = TRUE;
}

static void
called_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  done->response = xpz_session_call_finish (XPZ_SESSION (s), r, &done->error);
  done->done = TRUE;
}

static void
saved_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  done->id = xpz_employer_save_job_finish (done->account, r, &done->error);
  done->done = TRUE;
}

static void
listed_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  done->jobs = xpz_employer_list_jobs_finish (done->account, r, &done->error);
  done->done = TRUE;
}

static void
parked_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  done->parked = xpz_sync_engine_list_parked_finish (XPZ_SYNC_ENGINE (s), r, &done->error);
  done->done = TRUE;
}

static void
resolved_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  xpz_sync_engine_resolve_finish (XPZ_SYNC_ENGINE (s), r, &done->error);
  done->done = TRUE;
}

typedef struct
{
  XpzAccount *account;
  XpzSession *other;      /* another computer, signed in to the same account */
} Fixture;

static XpzSession *
sign_in (void)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  XpzSession *session;
  Done done = { 0 };

  client = xpz_api_client_new (xpz_platform_server_get_url (platform), &error);
  g_assert_no_error (error);
  session = xpz_session_new (client, secrets);
  xpz_session_sign_in_async (session, XPZ_PLATFORM_DEMO_RECRUITER_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD,
                             NULL, signed_in_cb, &done);
  wait_until (is_done, &done, "signing in");
  g_assert_no_error (done.error);
  return session;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (XpzSession) session = sign_in ();
  Done done = { 0 };

  f->other = sign_in ();
  f->account = xpz_account_new (session);
  xpz_account_open_async (f->account, NULL, opened_cb, &done);
  wait_until (is_done, &done, "the account to open");
  g_assert_no_error (done.error);
  /* as the window does once the account is open */
  xpz_account_request_sync (f->account);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  xpz_account_close (f->account);
  g_clear_object (&f->account);
  g_clear_object (&f->other);
}

/* --- the platform, as the other computer sees it ------------------------------------ */

static XpzApiResponse *
other_call (Fixture    *f,
            const char *method,
            const char *path,
            JsonNode   *body,
            const char *if_match)
{
  g_autofree char *key = g_uuid_string_random ();
  Done done = { 0 };

  xpz_session_call_async (f->other, method, path, body, g_str_equal (method, "GET") ? NULL : key,
                          if_match, NULL, called_cb, &done);
  wait_until (is_done, &done, path);
  g_assert_no_error (done.error);
  return done.response;
}

static char *
platform_title (Fixture    *f,
                const char *remote_id,
                char      **etag)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%s", remote_id);
  g_autoptr (XpzApiResponse) response = other_call (f, "GET", path, NULL, NULL);

  g_assert_cmpuint (xpz_api_response_get_status (response), ==, 200);
  if (etag != NULL)
    *etag = g_strdup (xpz_api_response_get_etag (response));
  return g_strdup (json_object_get_string_member (xpz_api_response_get_object (response), "title"));
}

/* The other computer renames the posting, against the version it has just read. */
static void
other_renames (Fixture    *f,
               const char *remote_id,
               const char *title)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%s", remote_id);
  g_autoptr (XpzApiResponse) read = other_call (f, "GET", path, NULL, NULL);
  g_autoptr (JsonNode) body = json_node_copy (xpz_api_response_get_body (read));
  g_autoptr (XpzApiResponse) written = NULL;

  json_object_set_string_member (json_node_get_object (body), "title", title);
  written = other_call (f, "PUT", path, body, xpz_api_response_get_etag (read));
  g_assert_cmpuint (xpz_api_response_get_status (written), ==, 200);
}

/* --- this computer ------------------------------------------------------------------ */

typedef struct
{
  gint64      id;
  char       *remote_id;
  char       *title;
  char       *etag;
  JsonObject *shape;   /* the posting in the platform's Job shape, as the editor starts from */
} LocalJob;

static void
local_job_clear (LocalJob *j)
{
  g_clear_pointer (&j->remote_id, g_free);
  g_clear_pointer (&j->title, g_free);
  g_clear_pointer (&j->etag, g_free);
  g_clear_pointer (&j->shape, json_object_unref);
}

static gpointer
read_etag (XpzStore *store, sqlite3 *db, gpointer data, GCancellable *c, GError **error)
{
  LocalJob *j = data;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT etag FROM job WHERE id = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, j->id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    j->etag = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return GINT_TO_POINTER (TRUE);
}

/* The posting titled @title on this computer, or its first published one if @title is
 * NULL (FALSE if there is none). */
static gboolean
local_job (Fixture    *f,
           const char *title,
           LocalJob   *out)
{
  g_autoptr (GError) error = NULL;
  Done done = { 0 };
  gboolean found = FALSE;

  done.account = f->account;
  xpz_employer_list_jobs_async (f->account, NULL, listed_cb, &done);
  wait_until (is_done, &done, "the postings");
  g_assert_no_error (done.error);
  for (guint i = 0; i < done.jobs->len && !found; i++)
    {
      XpzEmployerJob *job = g_ptr_array_index (done.jobs, i);

      if ((title == NULL || g_strcmp0 (job->title, title) == 0) && job->remote_id != NULL)
        {
          local_job_clear (out);
          *out = (LocalJob) { job->id, g_strdup (job->remote_id), g_strdup (job->title), NULL,
                              json_object_ref (job->job) };
          g_assert_nonnull (xpz_store_run_sync (xpz_account_get_store (f->account), FALSE, read_etag,
                                                out, &error));
          g_assert_no_error (error);
          found = TRUE;
        }
    }
  g_ptr_array_unref (done.jobs);
  return found;
}

/* The demo's first posting, once a sync has brought it with its version. */
typedef struct
{
  Fixture  *f;
  LocalJob  job;
} FirstJob;

static gboolean
first_job_synced (gpointer data)
{
  FirstJob *fj = data;

  return local_job (fj->f, NULL, &fj->job) && fj->job.etag != NULL;
}

static gboolean
not_syncing (gpointer data)
{
  return !xpz_account_is_syncing (((Fixture *) data)->account);
}

/* The demo's first posting as this computer has it, once its syncs are over (nothing
 * else makes the account sync for five minutes). */
static void
settled_first_job (Fixture  *f,
                   FirstJob *fj)
{
  fj->f = f;
  wait_until (first_job_synced, fj, "a posting with its version");
  wait_until (not_syncing, f, "the account's syncs to end");
  g_assert_true (first_job_synced (fj));
}

/* The editor's save: the posting as read, with another title. */
static void
save_title (Fixture        *f,
            const LocalJob *job,
            const char     *title,
            Done           *done)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), job->shape);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr (JsonNode) copy = json_from_string (text, NULL);
  JsonObject *edited = json_node_get_object (copy);

  done->account = f->account;
  json_object_set_string_member (edited, "title", title);
  xpz_employer_save_job_async (f->account, job->id, edited, NULL, saved_cb, done);
}

typedef struct
{
  Fixture    *f;
  const char *remote_id;
  const char *title;
} TitleIs;

static gboolean
platform_title_is (gpointer data)
{
  TitleIs *t = data;
  g_autofree char *title = platform_title (t->f, t->remote_id, NULL);

  return g_strcmp0 (title, t->title) == 0;
}

static gboolean
one_parked (gpointer data)
{
  Fixture *f = data;
  guint pending = 0, parked = 0;

  g_assert_true (xpz_sync_engine_count (xpz_account_get_engine (f->account), &pending, &parked, NULL));
  return parked == 1 && pending == 0;
}

static gboolean
outbox_empty (gpointer data)
{
  Fixture *f = data;
  guint pending = 0, parked = 0;

  g_assert_true (xpz_sync_engine_count (xpz_account_get_engine (f->account), &pending, &parked, NULL));
  return parked == 0 && pending == 0;
}

/* The version of a posting comes with it in the owner's change feed: the local copy's
 * ETag is the platform's. */
static void
test_feed_version (Fixture *f, gconstpointer data)
{
  FirstJob fj = { f, { 0 } };
  g_autofree char *etag = NULL;
  g_autofree char *title = NULL;

  settled_first_job (f, &fj);
  title = platform_title (f, fj.job.remote_id, &etag);
  g_assert_cmpstr (title, ==, fj.job.title);
  g_assert_nonnull (etag);
  g_assert_true (g_str_has_prefix (etag, "\"job-"));
  g_assert_cmpstr (fj.job.etag, ==, etag);
  local_job_clear (&fj.job);
}

/* Edited on the other computer after this one last synced: this computer's edit is
 * refused (412), parked as a conflict naming what differs, and the platform keeps the
 * other computer's title; keeping this computer's version sends it again and it wins. */
static void
test_stale_edit_is_a_conflict (Fixture *f, gconstpointer data)
{
  FirstJob fj = { f, { 0 } };
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *differences = NULL;
  g_autoptr (XpzParkedChange) change = NULL;
  XpzSyncEngine *engine = xpz_account_get_engine (f->account);
  TitleIs title_is;
  Done done = { 0 };

  settled_first_job (f, &fj);
  mine = g_strdup_printf ("%s (edited here)", fj.job.title);
  theirs = g_strdup_printf ("%s (edited elsewhere)", fj.job.title);

  other_renames (f, fj.job.remote_id, theirs);
  save_title (f, &fj.job, mine, &done);
  wait_until (is_done, &done, "the edit to be saved");
  g_assert_no_error (done.error);

  wait_until (one_parked, f, "the edit to be parked");
  title_is = (TitleIs) { f, fj.job.remote_id, theirs };
  g_assert_true (platform_title_is (&title_is));

  done = (Done) { 0 };
  xpz_sync_engine_list_parked_async (engine, NULL, parked_cb, &done);
  wait_until (is_done, &done, "the parked changes");
  g_assert_no_error (done.error);
  g_assert_cmpuint (g_list_model_get_n_items (done.parked), ==, 1);
  change = g_list_model_get_item (done.parked, 0);
  g_clear_object (&done.parked);
  g_assert_cmpint (xpz_parked_change_get_reason (change), ==, XPZ_PARKED_CONFLICT);
  g_assert_cmpstr (xpz_parked_change_get_method (change), ==, "PUT");
  /* what the platform writes itself (id, version, times) is not a difference */
  differences = xpz_parked_change_describe_differences (change);
  g_assert_cmpstr (differences, ==, "title");

  done = (Done) { 0 };
  xpz_sync_engine_resolve_async (engine, xpz_parked_change_get_id (change), XPZ_RESOLVE_KEEP_MINE,
                                 NULL, resolved_cb, &done);
  wait_until (is_done, &done, "the conflict to be resolved");
  g_assert_no_error (done.error);
  xpz_account_request_sync (f->account);
  title_is.title = mine;
  wait_until (platform_title_is, &title_is, "this computer's title on the platform");
  wait_until (outbox_empty, f, "the outbox to empty");
  local_job_clear (&fj.job);
}

/* Two edits made one after the other, the second before the first was sent: both are
 * accepted, no conflict, the platform has the second, and once synced the local copy's
 * version is the platform's again. */
static void
test_two_edits_in_a_row (Fixture *f, gconstpointer data)
{
  FirstJob fj = { f, { 0 } };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *title = NULL;
  LocalJob synced = { 0 };
  TitleIs title_is;
  Done done1 = { 0 }, done2 = { 0 };

  settled_first_job (f, &fj);
  g_free (platform_title (f, fj.job.remote_id, &before));
  first = g_strdup_printf ("%s (first edit)", fj.job.title);
  second = g_strdup_printf ("%s (second edit)", fj.job.title);

  /* both queued before the main loop runs again: the account cannot send in between */
  save_title (f, &fj.job, first, &done1);
  save_title (f, &fj.job, second, &done2);
  wait_until (is_done, &done1, "the first edit to be saved");
  wait_until (is_done, &done2, "the second edit to be saved");
  g_assert_no_error (done1.error);
  g_assert_no_error (done2.error);

  title_is = (TitleIs) { f, fj.job.remote_id, second };
  wait_until (platform_title_is, &title_is, "the second edit on the platform");
  wait_until (outbox_empty, f, "the outbox to empty (nothing parked)");
  title = platform_title (f, fj.job.remote_id, &after);
  {
    g_autofree char *once = xpz_etag_next (before);
    g_autofree char *twice = xpz_etag_next (once);

    g_assert_cmpstr (after, ==, twice);
  }

  /* the next sync brings the platform's version back: the same as this computer's */
  xpz_account_request_sync (f->account);
  wait_until (not_syncing, f, "the sync to end");
  g_assert_true (local_job (f, second, &synced));
  g_assert_cmpstr (synced.etag, ==, after);
  local_job_clear (&synced);
  local_job_clear (&fj.job);
}

static void
test_next_etag (void)
{
  g_autofree char *next = xpz_etag_next ("\"job-7\"");
  g_autofree char *profile = xpz_etag_next ("\"profile-41\"");
  g_autofree char *dashed = xpz_etag_next ("\"a-b-9\"");

  g_assert_cmpstr (next, ==, "\"job-8\"");
  g_assert_cmpstr (profile, ==, "\"profile-42\"");
  g_assert_cmpstr (dashed, ==, "\"a-b-10\"");
  g_assert_null (xpz_etag_next (NULL));
  g_assert_null (xpz_etag_next ("job-7"));
  g_assert_null (xpz_etag_next ("\"job-\""));
  g_assert_null (xpz_etag_next ("\"job-7x\""));
  g_assert_null (xpz_etag_next ("\"-7\""));
  g_assert_null (xpz_etag_next ("\"job-99999999999999999999\""));
  g_assert_cmpint (xpz_etag_version ("\"job-7\""), ==, 7);
  g_assert_cmpint (xpz_etag_version ("\"a-b-0\""), ==, 0);
  g_assert_cmpint (xpz_etag_version ("job-7"), ==, -1);
  g_assert_cmpint (xpz_etag_version ("\"job-7x\""), ==, -1);
  g_assert_cmpint (xpz_etag_version (NULL), ==, -1);
}

int
main (int argc, char *argv[])
{
  g_autoptr (XpzTestServer) demo = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  demo = xpz_test_demo_server_new ();
  platform = demo->server;

  g_test_add_func ("/employer/B3/job/next-etag", test_next_etag);
  g_test_add ("/employer/B3/job/version-in-feed", Fixture, NULL, fixture_setup,
              test_feed_version, fixture_teardown);
  g_test_add ("/employer/B3/R9.3/job/stale-edit-is-a-conflict", Fixture, NULL, fixture_setup,
              test_stale_edit_is_a_conflict, fixture_teardown);
  g_test_add ("/employer/B3/job/two-edits-in-a-row", Fixture, NULL, fixture_setup,
              test_two_edits_in_a_row, fixture_teardown);
  status = g_test_run ();
  platform = NULL;
  return status;
}
