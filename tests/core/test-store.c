/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <linux/capability.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test-util.h"
#include "xpz-paths.h"
#include "xpz-store.h"
#include "xpz-store-private.h"
#include "xpz-validate.h"

static XpzStore *
open_store (const char *account)
{
  g_autoptr(XpzStore) store = xpz_store_new (account);
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;

  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

typedef struct
{
  const char *sql;
} IntQuery;

static gpointer
int_query_func (XpzStore      *store,
                sqlite3       *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  const char *sql = data;
  sqlite3_stmt *stmt = NULL;
  gint64 *out;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  rc = sqlite3_step (stmt);
  out = g_new0 (gint64, 1);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return out;
}

static gint64
query_int (XpzStore   *store,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *value = xpz_store_run_sync (store, FALSE, int_query_func, (gpointer) sql, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  return *value;
}

static char *
query_text (XpzStore   *store,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  /* A second, read-only connection: what another process would see. */
  g_assert_cmpint (sqlite3_open_v2 (xpz_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static int
file_user_version (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return version;
}

static guint
count_files_with_prefix (const char *dir,
                         const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;
  return n;
}

static char *
find_file_with_prefix (const char *dir,
                       const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

/* --- Opening ----------------------------------------------------------- */

static void
test_open_pragmas (void)
{
  g_autoptr(XpzStore) store = open_store ("open-pragmas");
  g_autofree char *expected_dir = g_build_filename (g_get_user_data_dir (), "xpertaize", "accounts", "open-pragmas", NULL);
  g_autofree char *mode = NULL;

  g_assert_cmpstr (xpz_store_get_directory (store), ==, expected_dir);
  g_assert_true (g_file_test (xpz_store_get_path (store), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (xpz_store_get_schema_version (store), ==, XPZ_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), ==, XPZ_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (store, "PRAGMA synchronous"), ==, 2); /* FULL */
  g_assert_cmpint (query_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (store, "PRAGMA secure_delete"), ==, 1);
  g_assert_cmpint (query_int (store, "PRAGMA busy_timeout"), ==, 5000);
  mode = query_text (store, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
}

static void
test_schema_tables (void)
{
  static const char * const tables[] = {
    "account", "candidate_profile", "experience", "education", "skill", "document",
    "job", "candidate", "match", "introduction_request", "share", "blocked_employer",
    "privacy_setting", "consent_event", "policy_version", "policy_acceptance",
    "pipeline_stage", "pipeline_entry", "pipeline_note", "sync_cursor", "outbox",
    "job_fts", "candidate_fts",
  };
  g_autoptr(XpzStore) store = open_store ("schema-tables");

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE name = '%s'", tables[i]);

      g_test_message ("table %s", tables[i]);
      g_assert_cmpint (query_int (store, sql), ==, 1);
    }
  /* salary currency defaults to MAD */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM pragma_table_info('candidate_profile')"
                                      " WHERE name = 'salary_currency' AND dflt_value = '''MAD'''"), ==, 1);
}

static void
test_migrations_from_v1 (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("migrate-v1");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "store-v1.db", NULL);
  g_autofree char *backup = NULL;

  test_copy_file (fixture, xpz_store_get_path (store));
  g_assert_cmpint (file_user_version (xpz_store_get_path (store)), ==, 1);

  xpz_store_set_keep_backups (store, TRUE);
  xpz_store_open (store, key, &error);
  g_assert_no_error (error);

  g_assert_cmpint (xpz_store_get_schema_version (store), ==, XPZ_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), ==, XPZ_STORE_SCHEMA_VERSION);
  /* the v1 rows survived */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job"), ==, 3);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM skill"), ==, 2);
  g_assert_cmpint (query_int (store, "SELECT salary_max FROM candidate_profile"), ==, 25000);
  /* and were indexed by the FTS migration, folded */
  hits = xpz_store_search_jobs (store, "مُهَنْدِس", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (g_array_index (hits, gint64, 0), ==, 2);
  g_clear_pointer (&hits, g_array_unref);
  hits = xpz_store_search_jobs (store, "ingenieur", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);

  /* the copy taken before migrating holds version 1 */
  backup = g_strconcat (xpz_store_get_path (store), ".bak-v1", NULL);
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (file_user_version (backup), ==, 1);
}

/* Two openers of one file at once (two windows, or a retry while an earlier open is
 * still running): each takes the migrations' steps under the write lock, so neither
 * runs one twice, and the key check is written once. */
typedef struct
{
  XpzStore *store;
  GBytes   *key;
  GMutex   *lock;
  GCond    *go;
  gboolean *started;
  GError   *error;
} Opener;

static gpointer
opener_thread (gpointer data)
{
  Opener *o = data;

  g_mutex_lock (o->lock);
  while (!*o->started)
    g_cond_wait (o->go, o->lock);
  g_mutex_unlock (o->lock);
  xpz_store_open (o->store, o->key, &o->error);
  return NULL;
}

static void
open_twice_at_once (const char *account_id,
                    const char *fixture)
{
  g_autoptr(GBytes) key = test_key ();
  GMutex lock;
  GCond go;
  gboolean started = FALSE;
  Opener openers[2];
  GThread *threads[2];

  g_mutex_init (&lock);
  g_cond_init (&go);
  for (guint i = 0; i < 2; i++)
    {
      openers[i] = (Opener) { xpz_store_new (account_id), key, &lock, &go, &started, NULL };
      xpz_store_set_keep_backups (openers[i].store, FALSE);
    }
  if (fixture != NULL)
    test_copy_file (fixture, xpz_store_get_path (openers[0].store));
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("opener", opener_thread, &openers[i]);
  g_mutex_lock (&lock);
  started = TRUE;
  g_cond_broadcast (&go);
  g_mutex_unlock (&lock);
  for (guint i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (openers[i].error);
      g_assert_cmpint (xpz_store_get_schema_version (openers[i].store), ==, XPZ_STORE_SCHEMA_VERSION);
    }
  g_assert_cmpint (query_int (openers[1].store, "SELECT count(*) FROM privacy_setting WHERE key = 'key_check'"),
                   ==, 1);
  if (fixture != NULL)
    g_assert_cmpint (query_int (openers[1].store, "SELECT count(*) FROM job"), ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      xpz_store_close (openers[i].store);
      g_object_unref (openers[i].store);
    }
  g_cond_clear (&go);
  g_mutex_clear (&lock);
}

static void
test_migrations_two_openers (void)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "store-v1.db", NULL);

  for (guint round = 0; round < 8; round++)
    {
      g_autofree char *fresh = g_strdup_printf ("two-openers-new-%u", round);
      g_autofree char *old = g_strdup_printf ("two-openers-v1-%u", round);

      open_twice_at_once (fresh, NULL);
      open_twice_at_once (old, fixture);
    }
}

static void
test_migrations_backup_removed (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("migrate-v1-nobackup");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "store-v1.db", NULL);

  test_copy_file (fixture, xpz_store_get_path (store));
  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), ==, XPZ_STORE_SCHEMA_VERSION);
  /* once the migrated database checks out, the copy goes: it would keep data
   * the user deletes later (R7.3) */
  g_assert_cmpuint (count_files_with_prefix (xpz_store_get_directory (store), "store.db.bak-"), ==, 0);

  /* reopening a current database migrates nothing */
  xpz_store_close (store);
  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job"), ==, 3);
}

static void
fold_identity (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  sqlite3_result_value (context, argv[0]);
}

static int
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_create_function (db, "xpz_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           fold_identity, NULL, NULL);
  rc = sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

/* One integer read on a connection of its own (the store closed). */
static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Migrations 2 … @to, run on @path by their own SQL. */
static void
raw_migrate (const char *path,
             int         from,
             int         to)
{
  for (int version = from; version <= to; version++)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN; %s; PRAGMA user_version = %d; COMMIT;",
                                              xpz_store_migration_sql (version), version);

      g_assert_cmpint (raw_exec (path, sql), ==, SQLITE_OK);
    }
  g_assert_cmpint (file_user_version (path), ==, to);
}

/* Migration 7 rebuilds the match table (CHECKs without IN lists, two redundant indexes
 * gone): a version-6 database keeps every match, note and answer, and the same values
 * are refused as before. */
static void
test_migrations_v6_matches (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xpz-migrate-v6-XXXXXX", NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "store-v1.db", NULL);
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);

  /* A version-6 database, made from the first released one by migrations 2 to 6
   * themselves, with matches in it; then migration 7. */
  test_copy_file (fixture, path);
  raw_migrate (path, 2, 6);
  g_assert_cmpint (raw_exec (path,
    "INSERT INTO job (id, remote_id, title) VALUES (7, '7', 'Data engineer');"
    "INSERT INTO candidate (id, remote_id, headline) VALUES (11, '11', 'senior'), (12, '12', 'mid');"
    "INSERT INTO match (id, remote_id, job_id, candidate_id, score, explanation, created_at,"
    "                   points, stage, note, shared, intro_status, intro_message, intro_at)"
    "  VALUES (3, '7:11', 7, 11, 0.9, '{\"factors\":[]}', 100, 90, 'offer', x'00ff10', 1,"
    "          'accepted', 'Hello', 200),"
    "         (4, '7:12', 7, 12, 0.5, '{}', 100, 50, 'new', NULL, 0, NULL, NULL, NULL);"), ==, SQLITE_OK);
  raw_migrate (path, 7, 7);

  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM match"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM match WHERE id = 3 AND remote_id = '7:11'"
                                  " AND job_id = 7 AND candidate_id = 11 AND score = 0.9"
                                  " AND explanation = '{\"factors\":[]}' AND created_at = 100"
                                  " AND points = 90 AND stage = 'offer' AND note = x'00ff10'"
                                  " AND shared = 1 AND intro_status = 'accepted'"
                                  " AND intro_message = 'Hello' AND intro_at = 200"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM match WHERE id = 4 AND note IS NULL"
                                  " AND intro_status IS NULL AND stage = 'new'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'match'"
                                  " AND name IN ('match_by_job', 'match_by_candidate')"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'match'"
                                  " AND name IN ('match_ranked', 'match_ranked_candidate')"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  /* the foreign keys still cascade */
  g_assert_cmpint (raw_exec (path, "DELETE FROM candidate WHERE id = 12"), ==, SQLITE_OK);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM match"), ==, 1);

  /* what the old CHECKs refused is still refused */
  g_assert_cmpint (raw_exec (path, "UPDATE match SET stage = 'archived'"), ==, SQLITE_CONSTRAINT_CHECK);
  g_assert_cmpint (raw_exec (path, "UPDATE match SET intro_status = 'maybe'"), ==, SQLITE_CONSTRAINT_CHECK);
  g_assert_cmpint (raw_exec (path, "UPDATE match SET shared = 2"), ==, SQLITE_CONSTRAINT_CHECK);
  g_assert_cmpint (raw_exec (path, "UPDATE match SET explanation = '{'"), ==, SQLITE_CONSTRAINT_CHECK);
  g_assert_cmpint (raw_exec (path, "UPDATE match SET points = 101"), ==, SQLITE_CONSTRAINT_CHECK);
  g_assert_cmpint (raw_exec (path, "UPDATE match SET stage = 'hired', intro_status = NULL,"
                                   " shared = 0"), ==, SQLITE_OK);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Migration 8: the platform's candidate ids became per-job handles. A version-7
 * database forgets what the employer area cached under the old ids (matches, the
 * platform's candidates, the feed's cursor, so the next sync starts from a snapshot)
 * and keeps the employer's own jobs, local candidates and the outbox. */
static void
test_migrations_v7_handles (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("migrate-v7-handles");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "store-v1.db", NULL);
  g_autofree char *path = g_strdup (xpz_store_get_path (store));

  test_copy_file (fixture, path);
  raw_migrate (path, 2, 7);
  g_assert_cmpint (raw_exec (path,
    "INSERT INTO job (id, remote_id, title) VALUES (7, '7', 'Data engineer');"
    "INSERT INTO candidate (id, remote_id, headline) VALUES (11, '11', 'senior'), (12, NULL, 'typed by hand');"
    "INSERT INTO match (id, remote_id, job_id, candidate_id, score, created_at, points)"
    "  VALUES (3, '7:11', 7, 11, 0.9, 100, 90);"
    "INSERT INTO sync_cursor (resource, cursor, updated_at) VALUES ('changes', 'c1', 100);"
    "INSERT INTO outbox (op, path, body, idempotency_key, created_at)"
    "  VALUES ('PUT', '/api/v1/jobs/7/matches/11', x'0102', 'k-1', 100);"), ==, SQLITE_OK);

  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), ==, 8);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM match"), ==, 0);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM candidate WHERE remote_id IS NOT NULL"), ==, 0);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM candidate_fts WHERE rowid = 11"), ==, 0);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM sync_cursor WHERE resource = 'changes'"), ==, 0);
  /* kept */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM candidate WHERE id = 12"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job WHERE id = 7"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM outbox WHERE idempotency_key = 'k-1'"
                                     " AND body = x'0102'"), ==, 1);
}

/* --- Bad input --------------------------------------------------------- */

static void
test_bad_not_sqlite (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("bad-not-sqlite");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "not-sqlite.db", NULL);
  g_autofree char *original = NULL;
  g_autofree char *aside_contents = NULL;
  g_autofree char *aside = NULL;

  test_copy_file (fixture, xpz_store_get_path (store));
  g_file_get_contents (fixture, &original, NULL, NULL);

  g_assert_false (xpz_store_open (store, key, &error));
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CORRUPT);
  g_assert_false (xpz_store_is_open (store));
  g_test_message ("message: %s", error->message);
  g_clear_error (&error);

  /* moved aside, byte for byte, never deleted */
  g_assert_false (g_file_test (xpz_store_get_path (store), G_FILE_TEST_EXISTS));
  aside = find_file_with_prefix (xpz_store_get_directory (store), "store.db.corrupt-");
  g_assert_nonnull (aside);
  g_file_get_contents (aside, &aside_contents, NULL, NULL);
  g_assert_cmpstr (aside_contents, ==, original);

  /* the next open starts afresh (the data comes back with the next sync) */
  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job"), ==, 0);
}

static void
test_bad_corrupt_pages (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("bad-corrupt-pages");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "core", "store-v1.db", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  /* a real SQLite header, damaged pages: quick_check must catch it */
  g_file_get_contents (fixture, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 4096 * 4);
  for (gsize i = 4096 + 8; i < len; i += 7)
    contents[i] = (char) (i * 31);
  {
    g_autofree char *dir = g_path_get_dirname (xpz_store_get_path (store));

    g_mkdir_with_parents (dir, 0700);
  }
  g_file_set_contents (xpz_store_get_path (store), contents, len, &error);
  g_assert_no_error (error);

  g_assert_false (xpz_store_open (store, key, &error));
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CORRUPT);
  g_assert_false (g_file_test (xpz_store_get_path (store), G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files_with_prefix (xpz_store_get_directory (store), "store.db.corrupt-"), ==, 1);
}

static void
test_bad_newer_version (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("bad-newer");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (xpz_store_get_directory (store), 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (xpz_store_get_path (store), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_false (xpz_store_open (store, key, &error));
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NEWER_VERSION);
  g_assert_false (xpz_store_is_open (store));
  /* left where it was, unchanged: no downgrade, no move */
  g_assert_true (g_file_test (xpz_store_get_path (store), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (file_user_version (xpz_store_get_path (store)), ==, 99);
  g_assert_cmpuint (count_files_with_prefix (xpz_store_get_directory (store), "store.db.corrupt-"), ==, 0);
}

static gpointer
limit_pages_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  /* No room to grow: the next page the database needs fails with SQLITE_FULL. */
  sqlite3_exec (db, "PRAGMA max_page_count = 1", NULL, NULL, NULL);
  return GINT_TO_POINTER (TRUE);
}

static void
test_bad_disk_full (void)
{
  g_autoptr(XpzStore) store = open_store ("bad-full");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) big = NULL;
  g_autofree XpzJobInput *jobs = g_new0 (XpzJobInput, 2000);
  g_autofree char *description = g_strnfill (2000, 'x');
  XpzJobInput job = { "full-1", "Before the disk filled up", NULL, NULL, NULL, NULL };
  gint64 before_jobs, before_docs;

  g_assert_cmpint (xpz_store_add_job (store, &job, &error), >, 0);
  g_assert_no_error (error);
  before_jobs = query_int (store, "SELECT count(*) FROM job");
  before_docs = query_int (store, "SELECT count(*) FROM document");

  xpz_store_run_sync (store, FALSE, limit_pages_func, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2000; i++)
    {
      jobs[i].title = "Bulk job";
      jobs[i].description = description;
    }
  g_assert_false (xpz_store_add_jobs (store, jobs, 2000, &error));
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FULL);
  g_clear_error (&error);

  big = g_bytes_new_take (g_malloc0 (512 * 1024), 512 * 1024);
  g_assert_cmpint (xpz_store_add_document (store, "cv.pdf", "application/pdf", big, &error), ==, 0);
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FULL);
  g_clear_error (&error);

  /* nothing half-written; the store still works */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job"), ==, before_jobs);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job_fts"), ==, before_jobs);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM document"), ==, before_docs);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM pragma_quick_check WHERE quick_check = 'ok'"), ==, 1);

  /* reopening lifts the limit; the data is intact */
  xpz_store_close (store);
  {
    g_autoptr(GBytes) key = test_key ();

    xpz_store_open (store, key, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job"), ==, before_jobs);
  g_assert_cmpint (xpz_store_add_document (store, "cv.pdf", "application/pdf", big, &error), >, 0);
  g_assert_no_error (error);
}

/* Root ignores permission bits: the child drops the capabilities that let
 * it, so that a 0555 directory is read-only for it as for a user. */
static void
drop_dac_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  memset (data, 0, sizeof data);
  if (syscall (SYS_capget, &header, data) != 0)
    return;
  data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER));
  data[0].permitted &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER));
  g_assert_cmpint (syscall (SYS_capset, &header, data), ==, 0);
}

static void
test_bad_read_only_dir (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(XpzStore) fresh = xpz_store_new ("bad-ro-fresh");
      g_autoptr(XpzStore) existing = xpz_store_new ("bad-ro-existing");
      g_autoptr(GBytes) key = test_key ();
      g_autoptr(GError) error = NULL;
      g_autofree char *accounts = g_path_get_dirname (xpz_store_get_directory (fresh));

      /* an existing database, then its directory made read-only */
      xpz_store_open (existing, key, &error);
      g_assert_no_error (error);
      xpz_store_close (existing);
      g_assert_cmpint (g_chmod (xpz_store_get_directory (existing), 0555), ==, 0);
      /* and a data dir where no account dir can be created */
      g_assert_cmpint (g_chmod (accounts, 0555), ==, 0);

      drop_dac_capabilities ();
      g_assert_cmpint (g_access (xpz_store_get_directory (existing), W_OK), !=, 0);

      g_assert_false (xpz_store_open (fresh, key, &error));
      g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_READ_ONLY);
      g_clear_error (&error);

      g_assert_false (xpz_store_open (existing, key, &error));
      g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_READ_ONLY);
      g_assert_false (xpz_store_is_open (existing));
      /* the database itself is untouched */
      g_assert_true (g_file_test (xpz_store_get_path (existing), G_FILE_TEST_IS_REGULAR));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* --- Worker ------------------------------------------------------------ */

typedef struct
{
  GThread *thread;
} ThreadProbe;

static gpointer
probe_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ThreadProbe *probe = data;

  probe->thread = g_thread_self ();
  g_assert_false (sqlite3_get_autocommit (db)); /* inside a transaction */
  return GINT_TO_POINTER (TRUE);
}

static void
on_changed (XpzStore       *store,
            const char     *table,
            gint64          row_id,
            XpzStoreChange  change,
            gpointer        user_data)
{
  GThread **thread = user_data;

  *thread = g_thread_self ();
}

static void
test_worker_async (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("worker");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GBytes) cv = g_bytes_new_static ("%PDF-1.4 test", 13);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) hits = NULL;
  GThread *main_thread = g_thread_self ();
  GThread *signal_thread = NULL;
  ThreadProbe probe = { NULL };
  gint64 doc_id;

  g_signal_connect (store, "changed", G_CALLBACK (on_changed), &signal_thread);

  xpz_store_open_async (store, key, NULL, test_async_ready, &result);
  g_assert_false (xpz_store_is_open (store) && result != NULL); /* not completed synchronously */
  test_run_until_ready (&result);
  xpz_store_open_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_true (xpz_store_is_open (store));
  g_clear_object (&result);

  xpz_store_run_async (store, TRUE, probe_func, &probe, NULL, NULL, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_nonnull (xpz_store_run_finish (store, result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (probe.thread);
  g_assert_true (probe.thread != main_thread);
  g_clear_object (&result);

  xpz_store_add_document_async (store, "cv.pdf", "application/pdf", cv, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  doc_id = xpz_store_add_document_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (doc_id, >, 0);
  g_clear_object (&result);
  /* change notifications arrive on the main context */
  while (signal_thread == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (signal_thread == main_thread);

  {
    XpzJobInput job = { "w-1", "Développeur GTK", "ACME", "Rabat", "C, GLib", NULL };

    g_assert_cmpint (xpz_store_add_job (store, &job, &error), >, 0);
    g_assert_no_error (error);
  }
  xpz_store_search_jobs_async (store, "developpeur", 10, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  hits = xpz_store_search_jobs_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_object (&result);

  xpz_store_delete_document_async (store, doc_id, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_true (xpz_store_delete_document_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* a failing request reports its error through the same path */
  xpz_store_delete_document_async (store, doc_id, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_false (xpz_store_delete_document_finish (store, result, &error));
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);
}

static void
test_worker_cancelled (void)
{
  g_autoptr(XpzStore) store = open_store ("worker-cancel");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ThreadProbe probe = { NULL };

  g_cancellable_cancel (cancellable);
  xpz_store_run_async (store, TRUE, probe_func, &probe, NULL, NULL, cancellable, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_null (xpz_store_run_finish (store, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (probe.thread); /* never ran */
}

static void
test_worker_not_open (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("worker-not-open");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = NULL;

  xpz_store_search_jobs_async (store, "x", 10, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  hits = xpz_store_search_jobs_finish (store, result, &error);
  g_assert_null (hits);
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_OPEN);
}

/* --- Model-layer validation through the store ---------------------------- */

static void
test_salary_default_mad (void)
{
  g_autoptr(XpzStore) store = open_store ("salary");
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;

  g_assert_true (xpz_store_set_salary (store, TRUE, 12000, TRUE, 18000, NULL, "month", &error));
  g_assert_no_error (error);
  currency = xpz_store_get_salary_currency (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (currency, ==, "MAD");

  g_assert_false (xpz_store_set_salary (store, TRUE, 20000, TRUE, 18000, "EUR", "month", &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_SALARY_ORDER);
  g_clear_error (&error);
  g_assert_cmpint (query_int (store, "SELECT salary_min FROM candidate_profile"), ==, 12000);
}

static void
test_contact_rejects_invalid (void)
{
  g_autoptr(XpzStore) store = open_store ("contact-invalid");
  g_autoptr(GError) error = NULL;
  g_autoptr(XpzContact) read = NULL;
  XpzContact contact = { "Salma", "salma@example.ma", "06 12 34 56 78", "linkedin.com/in/salma-b", NULL };

  g_assert_true (xpz_store_set_contact (store, &contact, &error));
  g_assert_no_error (error);
  read = xpz_store_get_contact (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->phone, ==, "+212612345678");
  g_assert_cmpstr (read->linkedin_url, ==, "https://www.linkedin.com/in/salma-b/");
  g_assert_cmpstr (read->email, ==, "salma@example.ma");
  g_clear_pointer (&read, xpz_contact_free);

  contact.phone = "12";
  g_assert_false (xpz_store_set_contact (store, &contact, &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PHONE_TOO_SHORT);
  g_clear_error (&error);
  read = xpz_store_get_contact (store, &error);
  g_assert_cmpstr (read->phone, ==, "+212612345678"); /* unchanged */
}

static void
test_delete_experience (void)
{
  g_autoptr(XpzStore) store = open_store ("experience");
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_assert_cmpint (xpz_store_add_experience (store, "Analyste", "BMCE", "2021-05", "2020-01", &error), ==, 0);
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_DATE_ORDER);
  g_clear_error (&error);

  id = xpz_store_add_experience (store, "Analyste", "BMCE", "2020-01", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (xpz_store_delete_experience (store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM experience"), ==, 0);
  g_assert_false (xpz_store_delete_experience (store, id, &error));
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_FOUND);
}

static void
test_fts_delete_removes_rows (void)
{
  g_autoptr(XpzStore) store = open_store ("fts-delete");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) hits = NULL;
  XpzJobInput job = { "d-1", "Zythologue", NULL, "Fès", "bière", NULL };
  gint64 id, cid;

  id = xpz_store_add_job (store, &job, &error);
  g_assert_no_error (error);
  hits = xpz_store_search_jobs (store, "zythologue", 0, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_array_unref);

  g_assert_true (xpz_store_delete_job (store, id, &error));
  g_assert_no_error (error);
  hits = xpz_store_search_jobs (store, "zythologue", 0, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_array_unref);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job_fts"), ==, 0);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM job_fts_content"), ==, 0);

  cid = xpz_store_add_candidate (store, "c-1", "مُهَنْدِسَة بيانات", "SQL", "طنجة", &error);
  g_assert_no_error (error);
  hits = xpz_store_search_candidates (store, "مهندسه", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_array_unref);
  g_assert_true (xpz_store_delete_candidate (store, cid, &error));
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM candidate_fts_content"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/pragmas", test_open_pragmas);
  g_test_add_func ("/store/R2.2/schema-tables", test_schema_tables);
  g_test_add_func ("/store/migrations/from-v1", test_migrations_from_v1);
  g_test_add_func ("/store/migrations/backup-removed", test_migrations_backup_removed);
  g_test_add_func ("/store/migrations/v6-matches-kept", test_migrations_v6_matches);
  g_test_add_func ("/store/migrations/v7-per-job-handles", test_migrations_v7_handles);
  g_test_add_func ("/store/migrations/two-openers-of-one-file", test_migrations_two_openers);
  g_test_add_func ("/store/bad-input/not-sqlite", test_bad_not_sqlite);
  g_test_add_func ("/store/bad-input/corrupt-pages", test_bad_corrupt_pages);
  g_test_add_func ("/store/bad-input/newer-version", test_bad_newer_version);
  g_test_add_func ("/store/bad-input/disk-full", test_bad_disk_full);
  g_test_add_func ("/store/bad-input/read-only-dir", test_bad_read_only_dir);
  g_test_add_func ("/store/worker/async", test_worker_async);
  g_test_add_func ("/store/worker/cancelled", test_worker_cancelled);
  g_test_add_func ("/store/worker/not-open", test_worker_not_open);
  g_test_add_func ("/store/R2.2/salary-default-mad", test_salary_default_mad);
  g_test_add_func ("/store/R2.1/contact-validated", test_contact_rejects_invalid);
  g_test_add_func ("/store/R7.3/delete-experience", test_delete_experience);
  g_test_add_func ("/store/R7.3/fts-delete-removes-rows", test_fts_delete_removes_rows);

  return g_test_run ();
}
