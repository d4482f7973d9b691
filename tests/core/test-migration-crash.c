/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>

#include "test-util.h"
#include "xpz-store.h"

/* Crash suite: a process migrating a version-1 database (with enough rows that the
 * full-text migration takes a while) is killed (SIGKILL) at a random point, 100 times.
 * Every time, the next open must succeed — integrity checked, schema current — and no
 * row may be lost or doubled. The victim is this same program started with --child. */

#define RUNS 100
#define EXTRA_JOBS 20000
#define ACCOUNT "migration-crash"

static int
child_main (void)
{
  g_autoptr (XpzStore) store = xpz_store_new (ACCOUNT);
  g_autoptr (GBytes) key = test_key ();
  g_autoptr (GError) error = NULL;

  printf ("opening\n");
  fflush (stdout);
  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  printf ("migrated\n");
  fflush (stdout);
  return 0;
}

/* A version-1 database: the committed fixture plus many jobs. */
static char *
make_template (const char *dir)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "store-v1.db",
                                                    NULL);
  char *path = g_build_filename (dir, "template.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  test_copy_file (fixture, path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO job (title, company, location, skills,"
                                       " description) VALUES (?1, 'Atlas', 'Rabat',"
                                       " 'SQL, Python, مهندس', ?2)", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < EXTRA_JOBS; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ingénieur données %u", i);
      g_autofree char *text = g_strdup_printf ("Poste %u à Rabat : pipelines, qualité des "
                                               "données, entrepôt, tableaux de bord, مُهَنْدِس "
                                               "بيانات رقم %u", i, i);

      sqlite3_bind_text (stmt, 1, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return path;
}

typedef struct
{
  GMainLoop *loop;
  guint      kill_after_ms;  /* after "opening"; 0: never */
  gint64     opening_at;
  gint64     migrated_at;
  gboolean   opening;
  gboolean   migrated;
  gboolean   eof;
} Victim;

static gboolean
kill_now (gpointer data)
{
  g_main_loop_quit (((Victim *) data)->loop);
  return G_SOURCE_REMOVE;
}

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
  if (g_str_equal (line, "opening"))
    {
      v->opening = TRUE;
      v->opening_at = g_get_monotonic_time ();
      /* The random point is counted from the start of the migration, not of the
       * process, whose start-up time varies with the machine's load. */
      if (v->kill_after_ms > 0)
        g_timeout_add (v->kill_after_ms, kill_now, v);
    }
  if (g_str_equal (line, "migrated"))
    {
      v->migrated = TRUE;
      v->migrated_at = g_get_monotonic_time ();
    }
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL,
                                       line_cb, v);
}

/* Runs the victim; kills it v->kill_after_ms after it starts migrating, unless it ends
 * first. */
static void
run_victim (const char *self_exe,
            Victim     *v)
{
  const char *argv[] = { self_exe, "--child", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                     &error);
  g_autoptr (GDataInputStream) lines = NULL;

  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, line_cb, v);
  g_main_loop_run (v->loop);
  if (!v->eof)
    {
      g_subprocess_send_signal (child, SIGKILL);
      while (!v->eof)
        g_main_loop_run (v->loop);
    }
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
}

static void
test_sigkill_during_migration (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xpz-migration-crash-XXXXXX", NULL);
  g_autofree char *template = make_template (dir);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (XpzStore) probe = xpz_store_new (ACCOUNT);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *store_path = g_strdup (xpz_store_get_path (probe));
  g_autofree char *store_dir = g_path_get_dirname (store_path);
  guint killed_mid_migration = 0;
  double full_ms;

  /* How long an uninterrupted migration takes, to kill within that window. */
  g_mkdir_with_parents (store_dir, 0700);
  test_copy_file (template, store_path);
  {
    Victim v = { .loop = loop };

    run_victim (self_exe, &v);
    g_assert_true (v.migrated);
    full_ms = (v.migrated_at - v.opening_at) / 1000.0;
  }

  for (guint run = 0; run < RUNS; run++)
    {
      g_autoptr (XpzStore) store = xpz_store_new (ACCOUNT);
      g_autoptr (GBytes) key = test_key ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) hits = NULL;
      Victim v = { .loop = loop };
      sqlite3 *raw = NULL;
      sqlite3_stmt *stmt = NULL;
      gint64 jobs = -1;

      /* A fresh version-1 database each time (no leftovers of the last run). */
      xpz_store_erase (store, NULL);
      g_mkdir_with_parents (store_dir, 0700);
      test_copy_file (template, store_path);

      v.kill_after_ms = g_random_int_range (1, (gint32) (full_ms * 1.2) + 2);
      run_victim (self_exe, &v);
      if (v.opening && !v.migrated)
        killed_mid_migration++;

      /* Whatever the victim left: it opens, checked, at the current schema … */
      xpz_store_open (store, key, &error);
      g_assert_no_error (error);
      g_assert_cmpint (xpz_store_get_schema_version (store), ==, XPZ_STORE_SCHEMA_VERSION);
      xpz_store_close (store);

      /* … with every row once, and the full-text index complete. */
      g_assert_cmpint (sqlite3_open (store_path, &raw), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*) FROM job", -1, &stmt, NULL),
                       ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      jobs = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      sqlite3_close (raw);
      g_assert_cmpint (jobs, ==, 3 + EXTRA_JOBS);

      xpz_store_open (store, key, &error);
      g_assert_no_error (error);
      hits = xpz_store_search_jobs (store, "données 19999", 5, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (hits->len, ==, 1);
      xpz_store_close (store);
    }

  g_test_message ("%u runs (a full migration takes %.0f ms), %u killed mid-migration",
                  RUNS, full_ms, killed_mid_migration);
  /* The suite is only worth its name if kills land inside migrations. */
  g_assert_cmpuint (killed_mid_migration, >=, RUNS / 10);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_str_equal (argv[1], "--child"))
    return child_main ();

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/migrations/sigkill-during-migration-100-runs",
                   test_sigkill_during_migration);
  return g_test_run ();
}
