/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-purge"

#include "config.h"

#include <string.h>

#include "sync-test-util.h"
#include "test-util.h"
#include "xpz-crypto.h"
#include "xpz-platform-test-util.h"
#include "xpz-secrets.h"

/* R5.4: once a candidate is no longer shared with this employer (revoked, blocked), the
 * next sync purges every cached identifying field of that candidate from the local
 * database: canary strings are searched in the raw database file and its WAL. */

#define CANARY_NAME  "Qzxcanaryname Wolfram"
#define CANARY_EMAIL "qzx.canary.mail@example.org"
#define CANARY_PHONE "+212698765432"
#define CANARY_LI    "qzxcanarylinkedin"
#define CANARY_WORK  "QzxCanaryCorp"

#define CANARY_PROFILE \
  "{\"basics\":{\"name\":\"" CANARY_NAME "\",\"email\":\"" CANARY_EMAIL "\"," \
  "\"phone\":\"" CANARY_PHONE "\",\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}," \
  "\"profiles\":[{\"network\":\"LinkedIn\",\"username\":\"" CANARY_LI "\"," \
  "\"url\":\"https://www.linkedin.com/in/" CANARY_LI "\"}]}," \
  "\"work\":[{\"name\":\"" CANARY_WORK "\",\"position\":\"Developer\",\"startDate\":\"2018-01\"}]," \
  "\"skills\":[{\"name\":\"Python\"},{\"name\":\"Django\"},{\"name\":\"Postgres\"}]," \
  "\"languages\":[{\"language\":\"French\"},{\"language\":\"English\"}]," \
  "\"preferences\":{\"roles\":[\"Python Developer\"],\"contract_types\":[\"CDI\"]," \
  "\"work_modes\":[\"hybrid\"],\"salary\":{\"min\":20000,\"max\":28000,\"currency\":\"MAD\"," \
  "\"period\":\"month\"},\"locations\":[\"Casablanca\"]}}"

#define JOB \
  "{\"title\":\"Python Developer\",\"description\":\"Backend\"," \
  "\"skills\":[{\"name\":\"Python\",\"must_have\":true},{\"name\":\"Django\"},{\"name\":\"PostgreSQL\"}]," \
  "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\"," \
  "\"salary\":{\"min\":25000,\"max\":35000,\"currency\":\"MAD\",\"period\":\"month\"}," \
  "\"contract_type\":\"CDI\",\"seniority\":\"senior\",\"languages\":[\"French\"]}"

static const char * const canaries[] = {
  "Qzxcanaryname", CANARY_EMAIL, "698765432", CANARY_LI, CANARY_WORK,
};

typedef struct
{
  XpzTestServer *ts;
  char          *candidate;   /* token */
  char          *employer;    /* token */
  gint64         employer_id;
  gint64         job_id;
  XpzApiClient  *client;
  XpzSecrets    *secrets;
  XpzSession    *session;
  GBytes        *key;
  XpzStore      *store;
  XpzSyncEngine *engine;
} Fixture;

static guint counter;

static void
pull (Fixture *f)
{
  XpzTestWait w = { 0 };

  xpz_sync_engine_pull_async (f->engine, NULL, xpz_test_pull_done, &w);
  xpz_test_wait (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *candidate_email = g_strdup_printf ("canary%u@example.ma", ++counter);
  g_autofree char *employer_email = g_strdup_printf ("rh%u@atlas.example.ma", counter);
  g_autoptr (GError) error = NULL;
  XpzPlatformOptions options;
  XpzTestWait w = { 0 };

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  f->ts = xpz_test_server_new (&options);
  f->candidate = xpz_test_signup (f->ts, candidate_email, "candidate", CANARY_NAME, NULL, NULL);
  f->employer = xpz_test_signup (f->ts, employer_email, "employer", "Khalid", "Atlas",
                                 &f->employer_id);
  xpz_test_verify_employer (f->ts, employer_email);
  xpz_test_set_privacy (f->ts, f->candidate, "{\"sharing_mode\":\"automatic\"}");
  xpz_test_put_profile (f->ts, f->candidate, CANARY_PROFILE);
  f->job_id = xpz_test_create_job (f->ts, f->employer, JOB);

  f->client = xpz_api_client_new (f->ts->url, &error);
  g_assert_no_error (error);
  f->secrets = xpz_secrets_new ();
  f->session = xpz_session_new (f->client, f->secrets);
  xpz_session_sign_in_async (f->session, employer_email, "correct horse battery", NULL,
                             xpz_test_sign_in_done, &w);
  xpz_test_wait (&w);
  g_assert_no_error (w.error);
  f->key = xpz_crypto_generate_key ();
  f->store = xpz_store_new (xpz_session_get_account_id (f->session));
  xpz_store_open (f->store, f->key, &error);
  g_assert_no_error (error);
  f->engine = xpz_sync_engine_new (f->store, f->session, f->key);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->engine);
  xpz_store_erase (f->store, &error);
  g_assert_no_error (error);
  g_clear_object (&f->store);
  g_clear_object (&f->session);
  g_clear_object (&f->secrets);
  g_clear_object (&f->client);
  g_clear_pointer (&f->key, g_bytes_unref);
  g_free (f->candidate);
  g_free (f->employer);
  xpz_test_server_free (f->ts);
}

typedef struct
{
  gint64   candidate_id;
  gboolean shared;
  guint    n_matches;
  GBytes  *name_blob;
  GBytes  *email_blob;
  GBytes  *profile_blob;
  guint    n_identified;   /* candidates with any identifying column */
  guint    n_fts_hits;     /* candidate_fts rows matching a canary word */
} Local;

static void
local_free (Local *l)
{
  g_clear_pointer (&l->name_blob, g_bytes_unref);
  g_clear_pointer (&l->email_blob, g_bytes_unref);
  g_clear_pointer (&l->profile_blob, g_bytes_unref);
  g_free (l);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Local, local_free)

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           i)
{
  if (sqlite3_column_type (stmt, i) != SQLITE_BLOB)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, i), (gsize) sqlite3_column_bytes (stmt, i));
}

static gpointer
read_local (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Local *l = g_new0 (Local, 1);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (db, "SELECT c.id, m.shared, c.full_name, c.email, c.shared_profile"
                          " FROM match m JOIN candidate c ON c.id = m.candidate_id", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      l->n_matches++;
      l->candidate_id = sqlite3_column_int64 (stmt, 0);
      l->shared = sqlite3_column_int (stmt, 1);
      l->name_blob = column_bytes (stmt, 2);
      l->email_blob = column_bytes (stmt, 3);
      l->profile_blob = column_bytes (stmt, 4);
    }
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM candidate WHERE full_name IS NOT NULL"
                          " OR email IS NOT NULL OR phone IS NOT NULL OR linkedin_url IS NOT NULL"
                          " OR shared_profile IS NOT NULL", -1, &stmt, NULL);
  sqlite3_step (stmt);
  l->n_identified = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM candidate_fts WHERE candidate_fts MATCH"
                          " '\"qzxcanaryname\" OR \"qzxcanarycorp\" OR \"qzxcanarylinkedin\"'",
                      -1, &stmt, NULL);
  sqlite3_step (stmt);
  l->n_fts_hits = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return l;
}

static Local *
local (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  Local *l = xpz_store_run_sync (f->store, FALSE, read_local, NULL, &error);

  g_assert_no_error (error);
  return l;
}

/* Closes the store (a checkpoint into the file, the WAL emptied), then looks for every
 * needle in the raw files of the account's directory. */
static guint
grep_raw (Fixture      *f,
          GPtrArray    *needles)
{
  g_autoptr (GError) error = NULL;
  guint n = 0;

  xpz_store_close (f->store);
  for (guint i = 0; i < needles->len; i++)
    {
      GBytes *needle = g_ptr_array_index (needles, i);
      g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
      gsize size;
      const guint8 *bytes = g_bytes_get_data (needle, &size);

      n += test_grep_tree (xpz_store_get_directory (f->store), bytes, size, NULL, hits);
      for (guint h = 0; h < hits->len; h++)
        g_test_message ("needle %u found in %s", i, (char *) g_ptr_array_index (hits, h));
    }
  xpz_store_open (f->store, f->key, &error);
  g_assert_no_error (error);
  return n;
}

static GPtrArray *
canary_needles (void)
{
  GPtrArray *needles = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < G_N_ELEMENTS (canaries); i++)
    g_ptr_array_add (needles, g_bytes_new_static (canaries[i], strlen (canaries[i])));
  return needles;
}

static char *
decrypt_text (Fixture    *f,
              GBytes     *blob,
              const char *column,
              gint64      row_id)
{
  g_autofree char *aad = xpz_crypto_aad ("candidate", column, row_id);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) plain = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (blob, &size);

  plain = xpz_crypto_decrypt (f->key, data, size, aad, &error);
  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
}

/* While shared: identifying fields are cached, encrypted, and never in plain text. */
static void
assert_shared_then_collect (Fixture   *f,
                            GPtrArray *needles)
{
  g_autoptr (Local) l = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;

  pull (f);
  l = local (f);
  g_assert_cmpuint (l->n_matches, ==, 1);
  g_assert_true (l->shared);
  g_assert_nonnull (l->name_blob);
  g_assert_nonnull (l->email_blob);
  g_assert_nonnull (l->profile_blob);
  name = decrypt_text (f, l->name_blob, "full_name", l->candidate_id);
  email = decrypt_text (f, l->email_blob, "email", l->candidate_id);
  g_assert_cmpstr (name, ==, CANARY_NAME);
  g_assert_cmpstr (email, ==, CANARY_EMAIL);
  /* candidate_fts indexes only the anonymised summary */
  g_assert_cmpuint (l->n_fts_hits, ==, 0);
  /* at rest: never in plain text (columns, explanation, FTS) */
  g_assert_cmpuint (grep_raw (f, needles), ==, 0);

  /* from now on, the ciphertexts are canaries too */
  g_ptr_array_add (needles, g_bytes_ref (l->name_blob));
  g_ptr_array_add (needles, g_bytes_ref (l->email_blob));
  g_ptr_array_add (needles, g_bytes_ref (l->profile_blob));
}

static void
test_revoke_purges (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) needles = canary_needles ();
  g_autoptr (XpzTestResponse) shares = NULL;
  g_autoptr (XpzTestResponse) revoked = NULL;
  g_autoptr (Local) after = NULL;
  g_autofree char *path = NULL;
  JsonArray *list;

  assert_shared_then_collect (f, needles);

  shares = xpz_test_request (f->ts, "GET", "/api/v1/me/shares", f->candidate, NULL, NULL);
  list = json_object_get_array_member (xpz_test_object (shares), "shares");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  path = g_strdup_printf ("/api/v1/me/shares/%" G_GINT64_FORMAT,
                          json_object_get_int_member (json_array_get_object_element (list, 0), "id"));
  revoked = xpz_test_request (f->ts, "DELETE", path, f->candidate, NULL, NULL);
  g_assert_cmpuint (revoked->status, ==, 204);

  pull (f);
  after = local (f);
  /* the anonymised card stays; what identified the candidate is gone */
  g_assert_cmpuint (after->n_matches, ==, 1);
  g_assert_false (after->shared);
  g_assert_null (after->name_blob);
  g_assert_null (after->email_blob);
  g_assert_null (after->profile_blob);
  g_assert_cmpuint (after->n_identified, ==, 0);
  g_assert_cmpuint (grep_raw (f, needles), ==, 0);
}

static void
test_block_purges (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GPtrArray) needles = canary_needles ();
  g_autoptr (XpzTestResponse) blocked = NULL;
  g_autoptr (Local) after = NULL;
  g_autofree char *body = NULL;

  assert_shared_then_collect (f, needles);

  body = g_strdup_printf ("{\"employer_id\":%" G_GINT64_FORMAT "}", f->employer_id);
  blocked = xpz_test_request (f->ts, "POST", "/api/v1/me/blocked-employers", f->candidate, body,
                              NULL);
  g_assert_cmpuint (blocked->status, ==, 201);

  pull (f);
  after = local (f);
  /* the candidate disappears from this employer altogether */
  g_assert_cmpuint (after->n_matches, ==, 0);
  g_assert_cmpuint (after->n_identified, ==, 0);
  g_assert_cmpuint (grep_raw (f, needles), ==, 0);
}

static gpointer
read_intro_status (XpzStore      *store,
                   sqlite3       *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  char *status = NULL;

  sqlite3_prepare_v2 (db, "SELECT coalesce (intro_status, 'none') FROM match", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    status = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return status != NULL ? status : g_strdup ("no match");
}

static char *
local_intro_status (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  char *status = xpz_store_run_sync (f->store, FALSE, read_intro_status, NULL, &error);

  g_assert_no_error (error);
  return status;
}

/* R5.2: the employer follows its introduction request to the candidate's answer — a
 * decline too, which shares nothing but must still reach the employer's list. */
static void
test_declined_introduction_tracked (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr (XpzTestResponse) mode = NULL;
  g_autoptr (XpzTestResponse) shares = NULL;
  g_autoptr (XpzTestResponse) revoked = NULL;
  g_autoptr (XpzTestResponse) requested = NULL;
  g_autoptr (XpzTestResponse) intros = NULL;
  g_autoptr (XpzTestResponse) declined = NULL;
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  JsonArray *list;

  /* Explicit mode, and the automatic share of the set-up revoked: nothing shared. */
  mode = xpz_test_request (f->ts, "PUT", "/api/v1/me/privacy", f->candidate,
                           "{\"sharing_mode\":\"explicit\"}", NULL);
  g_assert_cmpuint (mode->status, ==, 200);
  shares = xpz_test_request (f->ts, "GET", "/api/v1/me/shares", f->candidate, NULL, NULL);
  list = json_object_get_array_member (xpz_test_object (shares), "shares");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      g_autofree char *revoke = g_strdup_printf ("/api/v1/me/shares/%" G_GINT64_FORMAT,
                                                 json_object_get_int_member (json_array_get_object_element (list, i), "id"));
      g_clear_pointer (&revoked, xpz_test_response_free);
      revoked = xpz_test_request (f->ts, "DELETE", revoke, f->candidate, NULL, NULL);
      g_assert_cmpuint (revoked->status, ==, 204);
    }
  pull (f);
  status = local_intro_status (f);
  g_assert_cmpstr (status, ==, "none");

  /* The employer asks (as its outbox would), the candidate declines. */
  {
    g_autoptr (XpzTestResponse) me = xpz_test_request (f->ts, "GET", "/api/v1/me", f->candidate,
                                                      NULL, NULL);

    path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/introduction",
                            f->job_id,
                            xpz_platform_server_candidate_handle (f->ts->server, f->job_id,
                                                                  json_object_get_int_member (xpz_test_object (me), "id")));
  }
  requested = xpz_test_request (f->ts, "POST", path, f->employer, "{\"message\":\"Hello\"}", NULL);
  g_assert_cmpuint (requested->status, ==, 201);
  pull (f);
  g_free (status);
  status = local_intro_status (f);
  g_assert_cmpstr (status, ==, "pending");

  intros = xpz_test_request (f->ts, "GET", "/api/v1/me/introductions", f->candidate, NULL, NULL);
  list = json_object_get_array_member (xpz_test_object (intros), "introductions");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_free (path);
  path = g_strdup_printf ("/api/v1/me/introductions/%" G_GINT64_FORMAT "/decline",
                          json_object_get_int_member (json_array_get_object_element (list, 0), "id"));
  declined = xpz_test_request (f->ts, "POST", path, f->candidate, "{}", NULL);
  g_assert_cmpuint (declined->status, ==, 200);
  pull (f);
  g_free (status);
  status = local_intro_status (f);
  g_assert_cmpstr (status, ==, "declined");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (xpz_crypto_init (NULL));

  g_test_add ("/employer/R5.4/revoke-purges-identifying-fields", Fixture, NULL,
              fixture_setup, test_revoke_purges, fixture_teardown);
  g_test_add ("/employer/R5.4/block-purges-candidate", Fixture, NULL,
              fixture_setup, test_block_purges, fixture_teardown);
  g_test_add ("/employer/R5.2/declined-introduction-tracked", Fixture, NULL,
              fixture_setup, test_declined_introduction_tracked, fixture_teardown);
  return g_test_run ();
}
