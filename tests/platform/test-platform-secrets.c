/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-platform-secrets"
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "xpz-platform-db.h"
#include "xpz-platform-test-util.h"

/* Issue 14 §3: secrets and erased people leave no trace in the platform's store. */

#define PASSWORD "correct horse battery"

/* The database's bytes, main file and WAL together (the SHM holds no rows). */
static GByteArray *
db_bytes (const char *db_path)
{
  GByteArray *all = g_byte_array_new ();
  const char *suffixes[] = { "", "-wal", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (g_file_get_contents (path, &data, &len, NULL))
        g_byte_array_append (all, (const guint8 *) data, (guint) len);
    }
  return all;
}

static gboolean
bytes_contain (GByteArray *bytes,
               const char *needle)
{
  return needle != NULL && *needle != '\0' &&
         memmem (bytes->data, bytes->len, needle, strlen (needle)) != NULL;
}

static gint64
db_count (const char *db_path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static char *
member_dup (XpzTestResponse *r,
            const char      *name)
{
  JsonObject *o = xpz_test_object (r);

  g_assert_nonnull (o);
  g_assert_true (json_object_has_member (o, name));
  return g_strdup (json_object_get_string_member (o, name));
}

/* B3 idempotency, R9.4 tokens at rest: the records of sign-in and refresh keep no token,
 * and replaying a spent refresh token with its key returns nothing new. */
static void
test_idempotency_keeps_no_credentials (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autofree char *first = xpz_test_signup (ts, "idem.secret@example.ma", "candidate", "Nadia Idemname", NULL, NULL);
  const char *sign_in = "{\"email\":\"idem.secret@example.ma\",\"password\":\"" PASSWORD "\"}";
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *access2 = NULL;
  g_autofree char *refresh2 = NULL;
  g_autofree char *refresh_body = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  XpzTestResponse *r;

  /* sign-up under a key: its record keeps neither email nor name */
  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL,
                        "{\"email\":\"other.idem@example.ma\",\"password\":\"" PASSWORD "\",\"role\":\"candidate\","
                        "\"name\":\"Omar Idemother\"}", "Idempotency-Key", "signup-1", NULL);
  g_assert_cmpuint (r->status, ==, 202);
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL, sign_in, "Idempotency-Key", "signin-1", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  access = member_dup (r, "access_token");
  refresh = member_dup (r, "refresh_token");
  xpz_test_response_free (r);

  /* the replay of a sign-in does not hand out the same tokens again */
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL, sign_in, "Idempotency-Key", "signin-1", NULL);
  g_assert_cmpuint (r->status, ==, 409);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "idempotency_replay_unavailable");
  g_assert_null (strstr (r->body, access));
  xpz_test_response_free (r);

  refresh_body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, refresh_body, "Idempotency-Key", "refresh-1", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  access2 = member_dup (r, "access_token");
  refresh2 = member_dup (r, "refresh_token");
  xpz_test_response_free (r);

  /* the spent refresh token with its key: no new tokens */
  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, refresh_body, "Idempotency-Key", "refresh-1", NULL);
  g_assert_cmpuint (r->status, ==, 409);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "idempotency_replay_unavailable");
  g_assert_null (strstr (r->body, access2));
  g_assert_null (strstr (r->body, refresh2));
  xpz_test_response_free (r);

  /* the new session works */
  r = xpz_test_request (ts, "GET", "/api/v1/me", access2, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);

  bytes = db_bytes (ts->db_path);
  g_assert_false (bytes_contain (bytes, access));
  g_assert_false (bytes_contain (bytes, refresh));
  g_assert_false (bytes_contain (bytes, access2));
  g_assert_false (bytes_contain (bytes, refresh2));
  g_assert_cmpint (db_count (ts->db_path, "SELECT count(*) FROM idempotency WHERE instr (body, 'other.idem') > 0"
                             " OR instr (body, 'Idemother') > 0 OR instr (body, 'idem.secret') > 0"), ==, 0);
}

/* B3: an Idempotency-Key record is honoured for 24 hours, then swept. */
static void
test_idempotency_expires (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "expiry@example.ma", "candidate", "Expiry", NULL, NULL);
  const char *doc = "{\"filename\":\"cv.pdf\",\"data\":\"JVBERi0xLjQK\"}";
  XpzTestResponse *r;

  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token, doc, "Idempotency-Key", "old-1", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token, doc, "Idempotency-Key", "old-1", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Idempotent-Replayed"), ==, "true");
  xpz_test_response_free (r);
  g_assert_cmpint (db_count (ts->db_path, "SELECT count(*) FROM idempotency"), ==, 1);

  /* 25 hours later the key is new again, and the old record is gone */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 25 * 3600);
  token = (g_free (token), xpz_test_sign_in (ts, "expiry@example.ma", PASSWORD));
  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token, doc, "Idempotency-Key", "old-1", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_null (soup_message_headers_get_one (r->headers, "Idempotent-Replayed"));
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me/documents", token, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (xpz_test_object (r), "documents")), ==, 2);
  xpz_test_response_free (r);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM idempotency WHERE created_at < %" G_GINT64_FORMAT,
                                            XPZ_TEST_NOW + 3600);
    g_assert_cmpint (db_count (ts->db_path, sql), ==, 0);
  }
}

/* A distribution's SQLite built without SQLITE_SECURE_DELETE: every connection starts
 * with secure_delete off, unless its owner sets it. */
static int
secure_delete_off (sqlite3                        *db,
                   char                          **message,
                   const struct sqlite3_api_routines *api)
{
  (void) message;
  (void) api;
  sqlite3_exec (db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
  return SQLITE_OK;
}

static gint64
pragma_int (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* R9.x security (R9.4 data at rest): the store and its WAL/SHM are 0600 whatever the
 * umask, and secure_delete is the server's own setting. */
static void
test_db_files_private (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xpz-secrets-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "platform.db", NULL);
  const char *suffixes[] = { "", "-wal", "-shm" };
  g_autoptr(XpzPlatformDb) db = NULL;
  g_autoptr(GError) error = NULL;
  mode_t old_mask = umask (022);

  sqlite3_auto_extension ((void (*) (void)) secure_delete_off);
  db = xpz_platform_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (xpz_platform_db_run (db, "INSERT INTO meta (key, value) VALUES ('probe', 'x')", NULL));
  g_assert_cmpint (pragma_int (xpz_platform_db_get_handle (db), "PRAGMA secure_delete"), ==, 1);
  sqlite3_cancel_auto_extension ((void (*) (void)) secure_delete_off);
  umask (old_mask);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (file, &st), ==, 0);
      g_test_message ("%s: %o", file, (guint) (st.st_mode & 0777));
      g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
    }
  g_clear_object (&db);

  /* an existing store made with a wider mode is narrowed at open */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  db = xpz_platform_db_open (path, &error);
  g_assert_no_error (error);
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  }
  g_clear_object (&db);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

#define JOB_JSON \
  "{\"title\":\"Python Developer\",\"description\":\"Backend\"," \
  "\"skills\":[{\"name\":\"Python\",\"must_have\":true},{\"name\":\"Django\"}]," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\"," \
  "\"salary\":{\"min\":25000,\"max\":35000,\"currency\":\"MAD\",\"period\":\"month\"}," \
  "\"contract_type\":\"CDI\",\"seniority\":\"senior\",\"languages\":[\"French\"]}"

/* R7.2 erasure: an erased account's id is never given to a new one (which would inherit
 * its completed deletion request, read by the app as "erase this computer's copy"), and
 * a re-created job does not inherit a "not interested". */
static void
test_ids_never_reused (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 employer_id = 0, erased_id = 0, new_id = 0, job_id, job2_id;
  g_autofree char *employer = xpz_test_signup (ts, "rh@ids.example.ma", "employer", "Khalid", "Ids", &employer_id);
  g_autofree char *erased = xpz_test_signup (ts, "erased@example.ma", "candidate", "Erased", NULL, &erased_id);
  g_autofree char *fresh = NULL;
  g_autofree char *path = NULL;
  g_autofree char *job_path = NULL;
  guint completed = 0;
  XpzTestResponse *r;

  r = xpz_test_request (ts, "POST", "/api/v1/me/deletion-request", erased, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 30 * 86400);
  g_assert_true (xpz_platform_server_complete_due_deletions (ts->server, &completed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (completed, ==, 1);

  fresh = xpz_test_signup (ts, "fresh@example.ma", "candidate", "Fresh", NULL, &new_id);
  g_assert_cmpint (new_id, >, erased_id);
  r = xpz_test_request (ts, "GET", "/api/v1/me/deletion-request", fresh, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 404);
  xpz_test_response_free (r);
  /* the tombstone keeps no account number */
  g_assert_cmpint (db_count (ts->db_path, "SELECT count(*) FROM deletion_requests WHERE account_id IS NOT NULL"), ==, 0);

  /* a "not interested" goes with its job */
  g_free (employer);
  employer = xpz_test_sign_in (ts, "rh@ids.example.ma", PASSWORD);
  job_id = xpz_test_create_job (ts, employer, JOB_JSON);
  path = g_strdup_printf ("/api/v1/me/matches/%" G_GINT64_FORMAT "/not-interested", job_id);
  r = xpz_test_request (ts, "POST", path, fresh, NULL, NULL);
  g_assert_cmpuint (r->status, <, 300);
  xpz_test_response_free (r);
  g_assert_cmpint (db_count (ts->db_path, "SELECT count(*) FROM match_dismissals"), ==, 1);
  job_path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT, job_id);
  r = xpz_test_request (ts, "DELETE", job_path, employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  xpz_test_response_free (r);
  job2_id = xpz_test_create_job (ts, employer, JOB_JSON);
  g_assert_cmpint (job2_id, >, job_id);
  g_assert_cmpint (db_count (ts->db_path, "SELECT count(*) FROM match_dismissals"), ==, 0);
}

/* The match-feedback tables as the old "create if missing" code made them. */
#define LEGACY_FEEDBACK \
  "CREATE TABLE match_dismissals (" \
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE," \
  "  job_id INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (candidate_id, job_id));" \
  "CREATE TABLE match_objections (id INTEGER PRIMARY KEY," \
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE," \
  "  job_id INTEGER NOT NULL, score INTEGER, reason TEXT NOT NULL," \
  "  status TEXT NOT NULL DEFAULT 'received', at INTEGER NOT NULL);"

#define V1_DATA \
  "INSERT INTO accounts VALUES (1, 'a@example.ma', 'example.ma', 'h', 'candidate', 'Amal', NULL, 1, 1, NULL)," \
  "  (2, 'rh@e.example.ma', 'e.example.ma', 'h', 'employer', 'Karim', 'E', 1, 1, NULL)," \
  "  (3, 'b@example.ma', 'example.ma', 'h', 'candidate', 'Badr', NULL, 1, 1, NULL);" \
  "INSERT INTO profiles VALUES (1, '{}', 1, 1);" \
  "INSERT INTO privacy (account_id, channels, updated_at) VALUES (1, '[]', 1);" \
  "INSERT INTO sessions VALUES (1, 1, 'ah', 'rh', 9, 9, 1, 'c', '127.0.0.1');" \
  "INSERT INTO sign_ins VALUES (1, 1, 1, '127.0.0.1', 'c', 'success');" \
  "INSERT INTO documents VALUES (1, 1, 'cv.pdf', 'application/pdf', 4, 'x', X'25504446', 1);" \
  "INSERT INTO jobs VALUES (1, 2, '{}', 1, 1, 1), (2, 2, '{}', 1, 1, 1);" \
  "INSERT INTO pipeline VALUES (1, 1, 'shortlisted', 'note', 1);" \
  "INSERT INTO shares VALUES (1, 1, 2, 1, 1, '[]', 'automatic', NULL);" \
  "INSERT INTO introductions VALUES (1, 3, 2, 2, 'pending', NULL, 1, NULL);" \
  "INSERT INTO blocks VALUES (1, 1, 2, NULL, 1), (2, 1, 9, NULL, 1), (3, 1, NULL, 'x.ma', 1);" \
  "INSERT INTO ledger VALUES (1, 1, 1, 'share', '{}', '', 'h');" \
  "INSERT INTO changes (account_id, kind, entity, at) VALUES (1, 'profile', '0', 1), (9, 'profile', '0', 1);" \
  "INSERT INTO idempotency VALUES ('account:1', 'k1', 'h', 201, '{\"id\":1}', NULL, 1)," \
  "  ('anonymous', 'k2', 'h', 201, '{\"access_token\":\"xpa_live\"}', NULL, 1);" \
  "INSERT INTO deletion_requests VALUES (1, 7, 'completed', 1, 2, 3), (2, 3, 'pending', 1, 99, NULL);" \
  "INSERT INTO policy_acceptances VALUES (1, '2026-01', 1);" \
  "INSERT INTO match_dismissals VALUES (1, 1, 1), (1, 5, 1);" \
  "INSERT INTO match_objections VALUES (1, 1, 5, 40, 'why', 'received', 1);"

/* R7.2 erasure, R9.x: the migration from a version-1 store holding data keeps every row
 * that is still attached, drops the dangling ones, keeps the indexes and foreign keys,
 * and starts the ids above every one ever used (an erased account named only by its
 * tombstone, a deleted job named only by a "not interested"). */
static void
test_migration_from_v1 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xpz-migrate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "platform.db", NULL);
  g_autoptr(XpzPlatformDb) db = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  sqlite3 *handle;
  const struct { const char *sql; gint64 expected; } checks[] = {
    { "SELECT count(*) FROM accounts", 3 },
    { "SELECT count(*) FROM profiles", 1 },
    { "SELECT count(*) FROM privacy", 1 },
    { "SELECT count(*) FROM sessions WHERE account_id = 1 AND access_hash = 'ah'", 1 },
    { "SELECT count(*) FROM sign_ins", 1 },
    { "SELECT count(*) FROM documents WHERE data = X'25504446'", 1 },
    { "SELECT count(*) FROM jobs", 2 },
    { "SELECT count(*) FROM pipeline", 1 },
    { "SELECT count(*) FROM shares WHERE job_id = 1", 1 },
    { "SELECT count(*) FROM introductions", 1 },
    { "SELECT count(*) FROM blocks", 2 },
    { "SELECT count(*) FROM ledger", 1 },
    { "SELECT count(*) FROM changes", 1 },
    { "SELECT count(*) FROM idempotency", 1 },
    { "SELECT count(*) FROM idempotency WHERE instr (body, 'xpa_live') > 0", 0 },
    { "SELECT count(*) FROM deletion_requests", 2 },
    { "SELECT count(*) FROM deletion_requests WHERE status = 'completed' AND account_id IS NULL", 1 },
    { "SELECT account_id FROM deletion_requests WHERE status = 'pending'", 3 },
    { "SELECT count(*) FROM policy_acceptances", 1 },
    { "SELECT count(*) FROM match_dismissals", 1 },
    { "SELECT count(*) FROM match_objections WHERE job_id IS NULL", 1 },
    { "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('sessions_account',"
      " 'sign_ins_account', 'documents_account', 'jobs_employer', 'pipeline_candidate', 'shares_candidate',"
      " 'introductions_candidate', 'blocks_candidate', 'changes_account')", 9 },
    /* migration 3 (R5.1): every account kept with its role; no organisation counts as
     * verified until an operator says so; operators may now exist */
    { "SELECT count(*) FROM accounts WHERE role = 'employer' AND email = 'rh@e.example.ma'", 1 },
    { "SELECT count(*) FROM accounts WHERE verified_at IS NOT NULL OR verified_domain IS NOT NULL", 0 },
    { "SELECT count(*) FROM operator_decisions", 0 },
    { "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%''operator''%' AND name = 'accounts'", 1 },
    { "SELECT count(*) FROM pragma_foreign_key_check", 0 },
    { "PRAGMA foreign_keys", 1 },
  };

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, xpz_platform_db_migration_sql (0), NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, LEGACY_FEEDBACK V1_DATA "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  db = xpz_platform_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_cmpuint (xpz_platform_db_get_version (db), >, 1);
  handle = xpz_platform_db_get_handle (db);
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_test_message ("%s", checks[i].sql);
      g_assert_cmpint (pragma_int (handle, checks[i].sql), ==, checks[i].expected);
    }

  /* new ids start above every one ever named: account 9 (a dangling change and block;
   * 7 only by its tombstone) and the deleted job 5 */
  g_assert_true (xpz_platform_db_run (db, "INSERT INTO accounts (email, email_domain, password_hash, role, name,"
                                      " created_at, last_activity_at) VALUES ('n@example.ma', 'example.ma', 'h',"
                                      " 'candidate', 'N', 2, 2)", NULL));
  g_assert_cmpint (xpz_platform_db_last_insert_id (db), ==, 10);
  g_assert_true (xpz_platform_db_run (db, "INSERT INTO jobs (employer_id, doc, version, created_at, updated_at)"
                                      " VALUES (2, '{}', 1, 2, 2)", NULL));
  g_assert_cmpint (xpz_platform_db_last_insert_id (db), ==, 6);

  /* the foreign keys act: a job takes its "not interested" along, an account its rows */
  g_assert_true (xpz_platform_db_run (db, "DELETE FROM jobs WHERE id = 1", NULL));
  g_assert_cmpint (pragma_int (handle, "SELECT count(*) FROM match_dismissals"), ==, 0);
  g_assert_cmpint (pragma_int (handle, "SELECT count(*) FROM shares WHERE job_id IS NULL"), ==, 1);
  g_assert_true (xpz_platform_db_run (db, "DELETE FROM accounts WHERE id = 1", NULL));
  g_assert_cmpint (pragma_int (handle, "SELECT count(*) FROM changes"), ==, 0);
  g_assert_cmpint (pragma_int (handle, "SELECT count(*) FROM idempotency"), ==, 0);
  g_assert_cmpint (pragma_int (handle, "SELECT count(*) FROM blocks"), ==, 0);
  g_clear_object (&db);

  for (const char * const *suffix = (const char * const[]) { "", "-wal", "-shm", NULL }; *suffix != NULL; suffix++)
    {
      g_autofree char *file = g_strconcat (path, *suffix, NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

#define ERASED_PROFILE \
  "{\"basics\":{\"name\":\"Zineb Erasedname\",\"email\":\"zineb.erased@example.ma\",\"phone\":\"+212699887766\"," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}}," \
  "\"skills\":[{\"name\":\"Python\"}]}"

/* R7.2 erasure: after a completed deletion, the database files (main file and WAL,
 * byte by byte) hold none of the person's email, name, phone or tokens. */
static void
test_erasure_leaves_no_trace (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *refresh_body = NULL;
  const char *sign_in = "{\"email\":\"zineb.login@example.ma\",\"password\":\"" PASSWORD "\"}";
  const char *identifiers[] = { "zineb.login@example.ma", "zineb.erased@example.ma", "Zineb Erasedname",
                                "Erasedname", "699887766" };
  guint completed = 0;
  XpzTestResponse *r;

  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL,
                        "{\"email\":\"zineb.login@example.ma\",\"password\":\"" PASSWORD "\",\"role\":\"candidate\","
                        "\"name\":\"Zineb Erasedname\"}", "Idempotency-Key", "erase-signup", NULL);
  g_assert_cmpuint (r->status, ==, 202);
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL, sign_in, "Idempotency-Key", "erase-signin", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  access = member_dup (r, "access_token");
  refresh = member_dup (r, "refresh_token");
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "PUT", "/api/v1/me/profile", access, ERASED_PROFILE, "Idempotency-Key", "erase-profile", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
  refresh_body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, refresh_body, "Idempotency-Key", "erase-refresh", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_free (access);
  g_free (refresh);
  access = member_dup (r, "access_token");
  refresh = member_dup (r, "refresh_token");
  xpz_test_response_free (r);

  r = xpz_test_request (ts, "POST", "/api/v1/me/deletion-request", access, NULL, "Idempotency-Key", "erase-request", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  xpz_test_response_free (r);
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 30 * 86400);
  g_assert_true (xpz_platform_server_complete_due_deletions (ts->server, &completed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (completed, ==, 1);

  /* without a checkpoint: the WAL is read too */
  bytes = db_bytes (ts->db_path);
  for (guint i = 0; i < G_N_ELEMENTS (identifiers); i++)
    if (bytes_contain (bytes, identifiers[i]))
      g_error ("“%s” is still in the database files after the erasure", identifiers[i]);
  g_assert_false (bytes_contain (bytes, access));
  g_assert_false (bytes_contain (bytes, refresh));
  g_assert_cmpint (db_count (ts->db_path, "SELECT count(*) FROM deletion_requests WHERE status = 'completed'"), ==, 1);
}

/* R3.4 security (R9.4 tokens): a rotated refresh token presented again revokes the
 * session it came from, the thief's and the holder's copies alike. */
static void
test_refresh_reuse_revokes (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autofree char *first = xpz_test_signup (ts, "reuse@example.ma", "candidate", "Reuse", NULL, NULL);
  g_autofree char *refresh = NULL;
  g_autofree char *body = NULL;
  g_autofree char *body2 = NULL;
  g_autofree char *access2 = NULL;
  g_autofree char *refresh2 = NULL;
  XpzTestResponse *r;

  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"reuse@example.ma\",\"password\":\"" PASSWORD "\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  refresh = member_dup (r, "refresh_token");
  xpz_test_response_free (r);

  body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, body, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  access2 = member_dup (r, "access_token");
  refresh2 = member_dup (r, "refresh_token");
  xpz_test_response_free (r);

  /* the spent token again: refused, and the session it came from ends */
  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, body, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "refresh_token_reused");
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "GET", "/api/v1/me", access2, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
  body2 = g_strdup_printf ("{\"refresh_token\":\"%s\"}", refresh2);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions/refresh", NULL, body2, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);

  /* the other session (from sign-up) is untouched */
  r = xpz_test_request (ts, "GET", "/api/v1/me", first, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
}

/* R2.3 files: the platform cleans a document's name at upload (control and bidi
 * characters, "..", separators). */
static void
test_document_name_cleaned (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autofree char *token = xpz_test_signup (ts, "names@example.ma", "candidate", "Names", NULL, NULL);
  g_autoptr(XpzTestResponse) r = NULL;
  g_autoptr(XpzTestResponse) list = NULL;
  const char *name;

  r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token,
                        "{\"filename\":\"..\\\\cv\\u202egpj\\u0001..pdf\",\"data\":\"JVBERi0xLjQK\"}", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  list = xpz_test_request (ts, "GET", "/api/v1/me/documents", token, NULL, NULL);
  name = json_object_get_string_member (json_array_get_object_element (
           json_object_get_array_member (xpz_test_object (list), "documents"), 0), "filename");
  g_test_message ("cleaned: %s", name);
  g_assert_null (strstr (name, "\u202e"));
  g_assert_null (strstr (name, "\x01"));
  g_assert_null (strstr (name, ".."));
  g_assert_null (strchr (name, '\\'));
  g_assert_cmpstr (name, ==, "_cvgpj.pdf");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/platform/R9.4/idempotency-keeps-no-credentials", test_idempotency_keeps_no_credentials);
  g_test_add_func ("/platform/B3/idempotency-records-expire", test_idempotency_expires);
  g_test_add_func ("/platform/R9.4/db-files-0600-and-secure-delete", test_db_files_private);
  g_test_add_func ("/platform/R7.2/ids-never-reused", test_ids_never_reused);
  g_test_add_func ("/platform/R2.3/document-name-cleaned", test_document_name_cleaned);
  g_test_add_func ("/platform/R3.4/refresh-token-reuse-revokes-session", test_refresh_reuse_revokes);
  g_test_add_func ("/platform/R7.2/erasure-leaves-no-trace-in-db-files", test_erasure_leaves_no_trace);
  g_test_add_func ("/platform/R7.2/migration-from-v1-keeps-data", test_migration_from_v1);

  return g_test_run ();
}
