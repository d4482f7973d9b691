/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpz-account.h"
#include "sync-test-util.h"
#include "xpz-platform-server.h"

/* B3, crash suite: a process that queues changes and syncs them is killed (SIGKILL) at a
 * random point, 100 times. After every kill its database must open clean (quick_check)
 * and, once synced, every change it had acknowledged must be on the platform exactly
 * once; no change may be there twice. The platform runs here; the victim is this same
 * program started with --child. */

#define RUNS 100
#define CHANGES_PER_RUN 30

static const char *password = "crash-suite-1";

typedef XpzTestWait Wait;

static void
opened_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_account_open_finish (XPZ_ACCOUNT (s), r, &w->error);
  w->done = TRUE;
}

static void
wait_done (Wait *w)
{
  xpz_test_wait (w);
  g_assert_no_error (w->error);
}

static XpzApiResponse *
api (XpzApiClient *client,
     const char   *method,
     const char   *path,
     const char   *json)
{
  return xpz_test_api (client, method, path, json, NULL, NULL);
}

/* The account as the app holds it: signed in (the at-rest key comes back from the
 * keyring), its database open, syncing by itself. */
static XpzAccount *
open_account (const char *url,
              const char *email)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiClient) client = xpz_api_client_new (url, &error);
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) session = NULL;
  XpzAccount *account;
  Wait w = { 0 };

  g_assert_no_error (error);
  session = xpz_session_new (client, secrets);
  xpz_session_sign_in_async (session, email, password, NULL, xpz_test_sign_in_done, &w);
  wait_done (&w);
  g_assert_true (xpz_session_get_remembered (session));

  account = xpz_account_new (session);
  memset (&w, 0, sizeof w);
  xpz_account_open_async (account, NULL, opened_done, &w);
  wait_done (&w);
  return account;
}

/* --child URL EMAIL RUN: queue changes one after the other while the account syncs,
 * printing each one once it is committed locally, until killed. */
static int
child_main (const char *url,
            const char *email,
            const char *run)
{
  g_autoptr (XpzAccount) account = open_account (url, email);
  XpzSyncEngine *engine = xpz_account_get_engine (account);

  printf ("ready\n");
  fflush (stdout);
  xpz_account_request_sync (account);
  for (guint i = 0; i < CHANGES_PER_RUN; i++)
    {
      g_autofree char *title = g_strdup_printf ("crash-%s-%u", run, i);
      g_autofree char *job = xpz_test_job_json (title);
      g_autoptr (JsonNode) body = json_from_string (job, NULL);
      Wait w = { 0 };

      xpz_sync_engine_enqueue_async (engine, "POST", "/api/v1/jobs", body, NULL, NULL, NULL,
                                     xpz_test_enqueue_done, &w);
      wait_done (&w);
      printf ("acked %s\n", title);
      fflush (stdout);
      /* Let the sync run a little between changes. */
      for (guint k = 0; k < 20 && g_main_context_pending (NULL); k++)
        g_main_context_iteration (NULL, FALSE);
    }
  /* Then keep syncing until killed. */
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

typedef struct
{
  GMainLoop        *loop;
  GDataInputStream *lines;
  GPtrArray        *acked;
  guint             acked_now;
  gboolean          ready;
  gboolean          eof;
} Victim;

static gboolean
kill_now (gpointer data)
{
  g_main_loop_quit (((Victim *) data)->loop);
  return G_SOURCE_REMOVE;
}

/* Reads the victim's lines; once it is ready, a random moment later it is killed. */
static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Victim *v = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
                                                                result, NULL, NULL);

  if (line == NULL)
    {
      v->eof = TRUE;
      g_main_loop_quit (v->loop);
      return;
    }
  if (g_str_equal (line, "ready") && !v->ready)
    {
      v->ready = TRUE;
      g_timeout_add (g_random_int_range (0, 200), kill_now, v);
    }
  else if (g_str_has_prefix (line, "acked "))
    {
      g_ptr_array_add (v->acked, g_strdup (line + 6));
      v->acked_now++;
    }
  g_data_input_stream_read_line_async (v->lines, G_PRIORITY_DEFAULT, NULL, line_cb, v);
}

static GHashTable *
titles_on_platform (XpzApiClient *client)
{
  g_autoptr (XpzApiResponse) list = api (client, "GET", "/api/v1/jobs", NULL);
  JsonArray *jobs = json_node_get_array (xpz_api_response_get_body (list));
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      const char *title = json_object_get_string_member (json_array_get_object_element (jobs, i),
                                                         "title");
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, title));
      g_hash_table_replace (counts, g_strdup (title), GUINT_TO_POINTER (n + 1));
    }
  return counts;
}

static void
test_sigkill_during_sync (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("xpz-crash-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "platform.db", NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (XpzPlatformServer) platform = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (XpzApiResponse) created = NULL;
  g_autoptr (GPtrArray) acked = g_ptr_array_new_with_free_func (g_free);
  const char *email = "crash@suite.ma";
  XpzPlatformOptions options;
  const char *url;
  guint killed_with_pending = 0;
  guint killed_mid_queue = 0;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  platform = xpz_platform_server_new (db, &options, &error);
  g_assert_no_error (error);
  xpz_platform_server_start_thread (platform, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  url = xpz_platform_server_get_url (platform);
  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);
  created = api (client, "POST", "/api/v1/accounts",
                 "{\"email\":\"crash@suite.ma\",\"password\":\"crash-suite-1\","
                 "\"role\":\"employer\",\"name\":\"Crash\",\"company\":\"Suite\"}");
  g_assert_cmpuint (xpz_api_response_get_status (created), ==, 202);

  for (guint run = 0; run < RUNS; run++)
    {
      g_autofree char *run_s = g_strdup_printf ("%u", run);
      const char *argv[] = { self_exe, "--child", url, email, run_s, NULL };
      g_autoptr (GSubprocess) child = NULL;
      g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      g_autoptr (XpzAccount) account = NULL;
      guint pending = 0, parked = 0;

      child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
      g_assert_no_error (error);

      {
        g_autoptr (GDataInputStream) lines_in =
          g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
        Victim v = { loop, lines_in, acked, 0, FALSE, FALSE };

        g_data_input_stream_read_line_async (lines_in, G_PRIORITY_DEFAULT, NULL, line_cb, &v);
        g_main_loop_run (loop);
        g_assert_false (v.eof);  /* killed, not exited */
        g_subprocess_send_signal (child, SIGKILL);
        g_subprocess_wait (child, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (g_subprocess_get_if_signaled (child));
        /* What it printed before dying is acknowledged too. */
        while (!v.eof)
          {
            g_main_loop_run (loop);
          }
        if (v.acked_now < CHANGES_PER_RUN)
          killed_mid_queue++;
      }

      /* The database the victim left: it opens (quick_check passes) … */
      account = open_account (url, email);
      xpz_sync_engine_count (xpz_account_get_engine (account), &pending, &parked, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (parked, ==, 0);
      if (pending > 0)
        killed_with_pending++;
      /* … and what it had queued goes out. */
      xpz_account_request_sync (account);
      while (pending > 0)
        {
          g_main_context_iteration (NULL, TRUE);
          xpz_sync_engine_count (xpz_account_get_engine (account), &pending, &parked, &error);
          g_assert_no_error (error);
        }
      xpz_account_close (account);
    }

  /* Every acknowledged change exactly once; nothing doubled. */
  {
    g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
    g_autoptr (XpzSession) session = xpz_session_new (client, secrets);
    g_autoptr (GHashTable) counts = NULL;
    GHashTableIter iter;
    gpointer title, n;
    Wait w = { 0 };

    xpz_session_sign_in_async (session, email, password, NULL, xpz_test_sign_in_done, &w);
    wait_done (&w);
    counts = titles_on_platform (client);

    g_assert_cmpuint (acked->len, >, 0);
    for (guint i = 0; i < acked->len; i++)
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, acked->pdata[i])), ==, 1);
    g_hash_table_iter_init (&iter, counts);
    while (g_hash_table_iter_next (&iter, &title, &n))
      g_assert_cmpuint (GPOINTER_TO_UINT (n), ==, 1);
    g_test_message ("%u runs, %u changes acknowledged, %u kills while queueing, "
                    "%u kills left queued changes", RUNS, acked->len, killed_mid_queue,
                    killed_with_pending);
  }

  xpz_platform_server_stop (platform);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 5 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argv[3], argv[4]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/B3/sigkill-during-sync-100-runs-nothing-lost-or-doubled",
                   test_sigkill_during_sync);
  return g_test_run ();
}
