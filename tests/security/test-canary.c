/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-canary"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sync-test-util.h"
#include "xpz-account.h"
#include "xpz-platform-server.h"
#include "xpz-profile.h"
#include "xpz-secrets.h"
#include "xpz-store.h"

/* Security sweep, canary: known secrets and personal data — the session's tokens, the
 * password, a phone number, a profile summary and a CV's text — go through sign-in, a
 * profile edit, a document upload and a sync with the real in-process platform, with
 * every debug message on (G_MESSAGES_DEBUG=all: the API client's network log is a
 * debug log). None of them may then appear in the account database, its WAL, the log
 * output, or anything else under the user's home and XDG folders (settings, caches,
 * state). The one place the tokens may be is the keyring. After the document and the
 * profile text are deleted, the CV text is not in the database file nor in any FTS
 * index either. */

#define CANARY_EMAIL    "lamia.canary@example.ma"
#define CANARY_PASSWORD "zqx-canary-password-2026"
#define CANARY_PHONE    "+212661987654"
#define CANARY_SUMMARY  "zqxcanarysummary ingénieure des données à Casablanca"
#define CANARY_CV       "zqxcanarycv Lamia Bennani, curriculum vitae, zqxcanarycv"

static GString *log_text;
static GMutex log_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (log_text, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
    else
      {
        g_string_append_printf (log_text, "%s=", fields[i].key);
        g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  g_mutex_unlock (&log_lock);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

typedef struct
{
  GPtrArray *needles; /* of GBytes */
  GPtrArray *names;
} Needles;

static void
needles_add (Needles    *n,
             const char *name,
             const char *text)
{
  g_ptr_array_add (n->needles, g_bytes_new (text, strlen (text)));
  g_ptr_array_add (n->names, g_strdup (name));
}

/* Text sent as base64 (document uploads) shows up encoded: each of the three
 * alignments of the canary inside a longer text, without the edge characters that
 * depend on the neighbours. */
static void
needles_add_base64 (Needles    *n,
                    const char *name,
                    const char *text)
{
  for (int shift = 0; shift < 3; shift++)
    {
      g_autofree char *padded = g_strdup_printf ("%.*s%s", shift, "xx", text);
      g_autofree char *encoded = g_base64_encode ((const guchar *) padded, strlen (padded));
      gsize len = strlen (encoded);
      g_autofree char *inner = g_strndup (encoded + 4, len > 12 ? len - 8 : 0);
      g_autofree char *label = g_strdup_printf ("%s (base64, shift %d)", name, shift);

      needles_add (n, label, inner);
    }
}

/* The first needle found in @data, or NULL. */
static const char *
find_needle (Needles      *n,
             const guint8 *data,
             gsize         len)
{
  for (guint i = 0; i < n->needles->len; i++)
    {
      gsize nlen;
      const guint8 *needle = g_bytes_get_data (g_ptr_array_index (n->needles, i), &nlen);

      if (nlen > 0 && len >= nlen && memmem (data, len, needle, nlen) != NULL)
        return g_ptr_array_index (n->names, i);
    }
  return NULL;
}

/* Every regular file under @dir (but @skip), searched for every needle; a hit is
 * reported as "needle in path". */
static void
scan_tree (Needles    *n,
           const char *dir,
           const char *skip,
           GPtrArray  *hits,
           guint      *n_files)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (skip != NULL && g_str_equal (path, skip))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        scan_tree (n, path, skip, hits, n_files);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_file_get_contents (path, &contents, &len, NULL))
        {
          const char *found = find_needle (n, (const guint8 *) contents, len);

          (*n_files)++;
          if (found != NULL)
            g_ptr_array_add (hits, g_strdup_printf ("%s in %s", found, path));
        }
    }
}

typedef struct
{
  XpzPlatformServer *platform;
  char              *platform_dir;
  XpzApiClient      *client;   /* the app's */
  XpzApiClient      *checker;  /* the test's own, to look at the server */
  XpzSecrets        *secrets;
  XpzSession        *session;
  XpzAccount        *account;
  Needles            needles;
} Fixture;

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main loop until @check says yes (deadline 60 s). */
static gboolean
wait_for (gboolean (*check) (Fixture *f),
          Fixture   *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, wake_up, NULL);
  gboolean ok;

  while (!(ok = check (f)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

static JsonNode *
server_get (Fixture    *f,
            const char *path)
{
  g_autoptr (XpzApiResponse) response = xpz_test_api (f->checker, "GET", path, NULL, NULL, NULL);

  g_assert_cmpuint (xpz_api_response_get_status (response), ==, 200);
  return json_node_copy (xpz_api_response_get_body (response));
}

static gboolean
server_has_canary_profile (Fixture *f)
{
  g_autoptr (JsonNode) profile = server_get (f, "/api/v1/me/profile");
  g_autofree char *text = json_to_string (profile, FALSE);

  return strstr (text, CANARY_PHONE) != NULL && strstr (text, "zqxcanarysummary") != NULL;
}

static gboolean
server_profile_cleared (Fixture *f)
{
  g_autoptr (JsonNode) profile = server_get (f, "/api/v1/me/profile");
  g_autofree char *text = json_to_string (profile, FALSE);

  return strstr (text, CANARY_PHONE) == NULL && strstr (text, "zqxcanarysummary") == NULL &&
         strstr (text, "Lamia") != NULL;
}

static guint
server_document_count (Fixture *f)
{
  g_autoptr (JsonNode) list = server_get (f, "/api/v1/me/documents");

  return json_array_get_length (json_object_get_array_member (json_node_get_object (list), "documents"));
}

static gboolean
server_has_document (Fixture *f)
{
  return server_document_count (f) == 1;
}

static gboolean
server_has_no_document (Fixture *f)
{
  return server_document_count (f) == 0;
}

typedef struct
{
  gboolean  done;
  gpointer  result;
  gint64    id;
  gboolean  ok;
  GError   *error;
} Wait;

static void
account_opened (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_account_open_finish (XPZ_ACCOUNT (s), r, &w->error);
  w->done = TRUE;
}

static void
lookup_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->result = xpz_secrets_lookup_finish (XPZ_SECRETS (s), r, &w->error);
  w->done = TRUE;
}

static void
profile_saved (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_profile_save_finish (XPZ_STORE (s), r, &w->error);
  w->done = TRUE;
}

static void
document_added (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->id = xpz_store_add_document_finish (XPZ_STORE (s), r, &w->error);
  w->done = TRUE;
}

static void
document_deleted (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_store_delete_document_finish (XPZ_STORE (s), r, &w->error);
  w->done = TRUE;
}

static void
enqueued (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->id = xpz_sync_engine_enqueue_finish (XPZ_SYNC_ENGINE (s), r, &w->error);
  w->done = TRUE;
}

static void
pulled (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  guint n = 0;
  w->ok = xpz_sync_engine_pull_finish (XPZ_SYNC_ENGINE (s), r, &n, &w->error);
  w->done = TRUE;
}

static void
wait_done (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w->error);
}

static void
save_profile (Fixture    *f,
              const char *json)
{
  g_autoptr (JsonNode) profile = json_from_string (json, NULL);
  Wait w = { 0 };

  g_assert_nonnull (profile);
  xpz_profile_save_async (xpz_account_get_store (f->account), xpz_session_get_at_rest_key (f->session),
                          profile, NULL, profile_saved, &w);
  wait_done (&w);
  g_assert_true (w.ok);
}

/* A pull of our own; the account may be running one already (then wait for it). */
static void
pull (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, wake_up, NULL);

  for (;;)
    {
      Wait w = { 0 };

      xpz_sync_engine_pull_async (xpz_account_get_engine (f->account), NULL, pulled, &w);
      while (!w.done)
        g_main_context_iteration (NULL, TRUE);
      if (w.ok)
        break;
      g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_PENDING);
      g_clear_error (&w.error);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* Every needle, everywhere but the keyring and the platform's own folder. */
static void
assert_nowhere (Fixture    *f,
                const char *when)
{
  g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *keyrings = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  const char *roots[] = { g_get_home_dir (), g_get_user_data_dir (), g_get_user_config_dir (),
                          g_get_user_cache_dir (), g_get_user_state_dir () };
  const char *in_log;
  guint n_files = 0;

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    scan_tree (&f->needles, roots[i], keyrings, hits, &n_files);
  g_mutex_lock (&log_lock);
  in_log = find_needle (&f->needles, (const guint8 *) log_text->str, log_text->len);
  g_mutex_unlock (&log_lock);
  if (in_log != NULL)
    g_ptr_array_add (hits, g_strdup_printf ("%s in the log output", in_log));

  g_test_message ("%s: %u files and %" G_GSIZE_FORMAT " bytes of log searched for %u needles", when, n_files,
                  log_text->len, f->needles.needles->len);
  for (guint i = 0; i < hits->len; i++)
    g_test_message ("FOUND %s", (char *) g_ptr_array_index (hits, i));
  g_assert_cmpuint (hits->len, ==, 0);
}

/* The FTS indexes' own terms (fts5vocab), read from a copy of the database. */
static guint
fts_terms_matching (const char *db_path,
                    const char *prefix)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;
  guint found = 0;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'",
                                       -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      char *create = NULL;
      g_autofree char *query = NULL;
      sqlite3_stmt *stmt = NULL;

      create = sqlite3_mprintf ("DROP TABLE IF EXISTS temp.vocab; CREATE VIRTUAL TABLE temp.vocab USING fts5vocab (main, %Q, 'row')",
                                (const char *) sqlite3_column_text (tables, 0));
      g_assert_cmpint (sqlite3_exec (db, create, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_free (create);
      query = g_strdup_printf ("SELECT count(*) FROM temp.vocab WHERE term >= '%s' AND term < '%s~'", prefix, prefix);
      g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      found += (guint) sqlite3_column_int (stmt, 0);
      sqlite3_finalize (stmt);
      g_test_message ("FTS table %s searched", (const char *) sqlite3_column_text (tables, 0));
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  return found;
}

static void
test_canary (void)
{
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) created = NULL;
  g_autoptr (XpzApiResponse) checker_session = NULL;
  g_autoptr (XpzCredentials) credentials = NULL;
  g_autoptr (GBytes) cv = NULL;
  g_autoptr (JsonNode) documents = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *account_json = NULL;
  g_autofree char *probe = NULL;
  g_autofree char *document_path = NULL;
  g_autofree char *platform_db = NULL;
  XpzPlatformOptions options;
  const char *remote_id;
  gint64 local_document;
  Wait w = { 0 };

  f->needles.needles = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->needles.names = g_ptr_array_new_with_free_func (g_free);

  /* The platform keeps its database outside the folders searched. */
  f->platform_dir = g_dir_make_tmp ("xpz-canary-platform-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_false (g_str_has_prefix (f->platform_dir, g_get_home_dir ()));
  platform_db = g_build_filename (f->platform_dir, "platform.db", NULL);
  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  f->platform = xpz_platform_server_new (platform_db, &options, &error);
  g_assert_no_error (error);
  xpz_platform_server_start_thread (f->platform, "127.0.0.1", 0, &error);
  g_assert_no_error (error);

  f->client = xpz_api_client_new (xpz_platform_server_get_url (f->platform), &error);
  g_assert_no_error (error);
  f->checker = xpz_api_client_new (xpz_platform_server_get_url (f->platform), &error);
  g_assert_no_error (error);
  account_json = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\",\"role\":\"candidate\",\"name\":\"Lamia\"}",
                                  CANARY_EMAIL, CANARY_PASSWORD);
  created = xpz_test_api (f->checker, "POST", "/api/v1/accounts", account_json, NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (created), ==, 202);

  /* Sign-in, as the app does it: the tokens go to the keyring. */
  f->secrets = xpz_secrets_new ();
  f->session = xpz_session_new (f->client, f->secrets);
  {
    XpzTestWait tw = { 0 };

    xpz_session_sign_in_async (f->session, CANARY_EMAIL, CANARY_PASSWORD, NULL, xpz_test_sign_in_done, &tw);
    xpz_test_wait (&tw);
    g_assert_no_error (tw.error);
  }
  f->account = xpz_account_new (f->session);
  xpz_account_open_async (f->account, NULL, account_opened, &w);
  wait_done (&w);
  db_path = g_strdup (xpz_store_get_path (xpz_account_get_store (f->account)));
  g_assert_true (g_str_has_prefix (db_path, g_get_user_data_dir ()) || g_str_has_prefix (db_path, g_get_home_dir ()));

  /* The tokens as the keyring holds them: the allowed place, and proof they are real. */
  memset (&w, 0, sizeof w);
  xpz_secrets_lookup_async (f->secrets, xpz_platform_server_get_url (f->platform),
                            xpz_session_get_account_id (f->session), NULL, lookup_done, &w);
  wait_done (&w);
  credentials = w.result;
  g_assert_nonnull (credentials);
  g_assert_cmpuint (strlen (credentials->access_token), >, 20);
  needles_add (&f->needles, "the access token", credentials->access_token);
  needles_add (&f->needles, "the refresh token", credentials->refresh_token);
  needles_add (&f->needles, "the password", CANARY_PASSWORD);
  needles_add (&f->needles, "the phone number", CANARY_PHONE);
  needles_add (&f->needles, "the phone number (national)", "0661987654");
  needles_add (&f->needles, "the profile summary", "zqxcanarysummary");
  needles_add (&f->needles, "the CV text", "zqxcanarycv");
  needles_add_base64 (&f->needles, "the CV text", CANARY_CV);
  needles_add_base64 (&f->needles, "the profile summary", CANARY_SUMMARY);

  /* The checker signs in on its own (its token is not the app's). */
  {
    g_autofree char *creds = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", CANARY_EMAIL, CANARY_PASSWORD);

    checker_session = xpz_test_api (f->checker, "POST", "/api/v1/sessions", creds, NULL, NULL);
    g_assert_cmpuint (xpz_api_response_get_status (checker_session), ==, 201);
    xpz_api_client_set_access_token (f->checker, json_object_get_string_member (
                                       json_node_get_object (xpz_api_response_get_body (checker_session)),
                                       "access_token"));
  }

  /* A profile edit: saved locally, queued, sent by the account on its own. */
  profile = g_strdup_printf ("{\"basics\":{\"name\":\"Lamia\",\"phone\":\"%s\",\"summary\":\"%s\","
                             "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}},"
                             "\"skills\":[{\"name\":\"SQL\"}]}", CANARY_PHONE, CANARY_SUMMARY);
  save_profile (f, profile);
  g_assert_true (wait_for (server_has_canary_profile, f));

  /* A document upload, as the documents page does it: stored encrypted, then queued. */
  cv = g_bytes_new_take (g_strdup_printf ("%%PDF-1.4\n%% %s\n%%%%EOF\n", CANARY_CV),
                         strlen (CANARY_CV) + strlen ("%PDF-1.4\n% \n%%EOF\n"));
  memset (&w, 0, sizeof w);
  xpz_store_add_document_async (xpz_account_get_store (f->account), "CV Lamia.pdf", "application/pdf", cv, NULL,
                                document_added, &w);
  wait_done (&w);
  local_document = w.id;
  g_assert_cmpint (local_document, >, 0);
  {
    g_autofree char *data = g_base64_encode (g_bytes_get_data (cv, NULL), g_bytes_get_size (cv));
    g_autofree char *body_text = g_strdup_printf ("{\"filename\":\"CV Lamia.pdf\",\"data\":\"%s\"}", data);
    g_autoptr (JsonNode) body = json_from_string (body_text, NULL);

    memset (&w, 0, sizeof w);
    xpz_sync_engine_enqueue_async (xpz_account_get_engine (f->account), "POST", "/api/v1/me/documents", body,
                                   NULL, NULL, NULL, enqueued, &w);
    wait_done (&w);
  }
  g_assert_true (wait_for (server_has_document, f));

  /* A sync brings the platform's copy back into the account database. */
  pull (f);

  /* The canaries did go through: the platform holds them. */
  documents = server_get (f, "/api/v1/me/documents");
  remote_id = NULL;
  {
    JsonObject *document = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (documents), "documents"), 0);
    g_autoptr (JsonNode) full = NULL;
    g_autofree guchar *decoded = NULL;
    gsize len;

    document_path = g_strdup_printf ("/api/v1/me/documents/%" G_GINT64_FORMAT,
                                     json_object_get_int_member (document, "id"));
    full = server_get (f, document_path);
    decoded = g_base64_decode (json_object_get_string_member (json_node_get_object (full), "data"), &len);
    g_assert_nonnull (memmem (decoded, len, CANARY_CV, strlen (CANARY_CV)));
    remote_id = document_path;
  }

  /* The search can fail: a file holding a canary is found. */
  probe = g_build_filename (g_get_user_cache_dir (), "canary-probe.txt", NULL);
  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);
  g_assert_true (g_file_set_contents (probe, "... zqxcanarycv ...", -1, NULL));
  {
    g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
    guint n_files = 0;

    scan_tree (&f->needles, g_get_user_cache_dir (), NULL, hits, &n_files);
    g_assert_cmpuint (hits->len, ==, 1);
  }
  g_remove (probe);
  /* So can the log check. */
  g_assert_nonnull (find_needle (&f->needles, (const guint8 *) "x zqxcanarysummary x", 20));
  /* And the network log was on: requests were logged. */
  g_assert_nonnull (strstr (log_text->str, "/api/v1/me/documents"));

  assert_nowhere (f, "after sign-in, profile edit, upload and sync (database open, WAL live)");

  /* Deletion: the document (local and remote) and the profile text. */
  memset (&w, 0, sizeof w);
  xpz_sync_engine_enqueue_async (xpz_account_get_engine (f->account), "DELETE", remote_id, NULL,
                                 NULL, NULL, NULL, enqueued, &w);
  wait_done (&w);
  memset (&w, 0, sizeof w);
  xpz_store_delete_document_async (xpz_account_get_store (f->account), local_document, NULL, document_deleted, &w);
  wait_done (&w);
  save_profile (f, "{\"basics\":{\"name\":\"Lamia\",\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}},"
                   "\"skills\":[{\"name\":\"SQL\"}]}");
  g_assert_true (wait_for (server_has_no_document, f));
  g_assert_true (wait_for (server_profile_cleared, f));
  pull (f);

  assert_nowhere (f, "after deletion (database open)");
  xpz_account_close (f->account);
  assert_nowhere (f, "after deletion (database closed, WAL checkpointed)");
  g_assert_cmpuint (fts_terms_matching (db_path, "zqxcanary"), ==, 0);

  g_clear_object (&f->account);
  g_clear_object (&f->session);
  g_clear_object (&f->secrets);
  g_clear_object (&f->client);
  g_clear_object (&f->checker);
  xpz_platform_server_stop (f->platform);
  g_clear_object (&f->platform);
  g_remove (platform_db);
  {
    g_autofree char *wal = g_strconcat (platform_db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (platform_db, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (f->platform_dir);
  g_free (f->platform_dir);
  g_ptr_array_unref (f->needles.needles);
  g_ptr_array_unref (f->needles.names);
}

int
main (int   argc,
      char *argv[])
{
  /* Everything a developer could switch on to debug the app is on. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_test_init (&argc, &argv, NULL);
  log_text = g_string_new (NULL);
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/security/canary/token-phone-cv-never-outside-keyring", test_canary);

  return g_test_run ();
}
