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
  g_assert_cmpuint (r->status, ==, 201);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/platform/R9.4/idempotency-keeps-no-credentials", test_idempotency_keeps_no_credentials);
  g_test_add_func ("/platform/B3/idempotency-records-expire", test_idempotency_expires);
  g_test_add_func ("/platform/R9.4/db-files-0600-and-secure-delete", test_db_files_private);

  return g_test_run ();
}
