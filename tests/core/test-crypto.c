/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>
#include <string.h>

#include "test-util.h"
#include "xpz-crypto.h"
#include "xpz-paths.h"
#include "xpz-secrets.h"
#include "xpz-store.h"

#define SERVER "https://platform.example"

/* Canaries: plaintext that must never reach a file. */
#define CV_CANARY "CANARY-CV-7f3a9e Curriculum vitae de Salma Benali"
#define PHONE_INPUT "06 61 23 45 67"
#define PHONE_E164 "+212661234567"
#define EMAIL_CANARY "canary.salma@example.ma"
#define ADDRESS_CANARY "42 Rue du Canari, Casablanca"
#define LINKEDIN_CANARY "linkedin.com/in/canary-salma"

static void
test_roundtrip (void)
{
  g_autoptr(GBytes) key = xpz_crypto_generate_key ();
  g_autoptr(GBytes) other_key = xpz_crypto_generate_key ();
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aad = xpz_crypto_aad ("document", "content", 7);
  g_autofree char *other_aad = xpz_crypto_aad ("document", "content", 8);
  const char *text = "Bonjour, مرحبا";
  g_autofree guint8 *tampered = NULL;
  gsize len;

  g_assert_cmpuint (g_bytes_get_size (key), ==, XPZ_CRYPTO_KEY_BYTES);
  g_assert_false (g_bytes_equal (key, other_key));

  a = xpz_crypto_encrypt (key, (const guint8 *) text, strlen (text), aad, &error);
  g_assert_no_error (error);
  b = xpz_crypto_encrypt (key, (const guint8 *) text, strlen (text), aad, &error);
  g_assert_no_error (error);
  /* a random nonce per value: the same plaintext encrypts differently */
  g_assert_false (g_bytes_equal (a, b));
  g_assert_null (memmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a), "Bonjour", 7));

  plain = xpz_crypto_decrypt (key, g_bytes_get_data (a, NULL), g_bytes_get_size (a), aad, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), text, strlen (text));

  /* bound to its row: another row id fails */
  g_assert_null (xpz_crypto_decrypt (key, g_bytes_get_data (a, NULL), g_bytes_get_size (a), other_aad, &error));
  g_assert_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_AUTHENTICATION);
  g_clear_error (&error);

  /* another key fails */
  g_assert_null (xpz_crypto_decrypt (other_key, g_bytes_get_data (a, NULL), g_bytes_get_size (a), aad, &error));
  g_assert_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_AUTHENTICATION);
  g_clear_error (&error);

  /* one flipped bit fails */
  len = g_bytes_get_size (a);
  tampered = g_memdup2 (g_bytes_get_data (a, NULL), len);
  tampered[len - 20] ^= 0x01;
  g_assert_null (xpz_crypto_decrypt (key, tampered, len, aad, &error));
  g_assert_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_AUTHENTICATION);
  g_clear_error (&error);

  /* truncated */
  g_assert_null (xpz_crypto_decrypt (key, tampered, 10, aad, &error));
  g_assert_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_FORMAT);
  g_clear_error (&error);

  /* a wrong-sized key is refused */
  {
    g_autoptr(GBytes) short_key = g_bytes_new_static ("short", 5);

    g_assert_null (xpz_crypto_encrypt (short_key, (const guint8 *) "x", 1, aad, &error));
    g_assert_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_BAD_KEY);
  }
}

/* --- Secret Service helpers (the key lives there) ------------------------ */

static GBytes *
key_from_secret_service (XpzSecrets *secrets,
                         const char *account)
{
  g_autoptr(XpzCredentials) credentials = xpz_credentials_new ();
  g_autoptr(XpzCredentials) found = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  credentials->access_token = g_strdup ("access-token-canary");
  credentials->refresh_token = g_strdup ("refresh-token-canary");
  credentials->at_rest_key = xpz_crypto_generate_key ();

  xpz_secrets_store_async (secrets, SERVER, account, credentials, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_true (xpz_secrets_store_finish (secrets, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  xpz_secrets_lookup_async (secrets, SERVER, account, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  found = xpz_secrets_lookup_finish (secrets, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found->at_rest_key);
  g_assert_true (g_bytes_equal (found->at_rest_key, credentials->at_rest_key));
  return g_bytes_ref (found->at_rest_key);
}

static gsize
grep_all (const char *root,
          const char *needle)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  gsize n = test_grep_tree (root, (const guint8 *) needle, strlen (needle), NULL, hits);

  for (guint i = 0; i < hits->len; i++)
    g_test_message ("«%s» found in %s", needle, (char *) g_ptr_array_index (hits, i));
  return n;
}

static void
assert_no_canary (const char *root)
{
  static const char * const needles[] = {
    "CANARY-CV-7f3a9e", "Curriculum vitae de Salma", PHONE_E164, "661234567",
    "06 61 23 45 67", EMAIL_CANARY, "Rue du Canari", "canary-salma",
  };

  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    g_assert_cmpuint (grep_all (root, needles[i]), ==, 0);
}

static void
write_canaries (XpzStore *store,
                gint64   *out_doc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cv = g_bytes_new_static (CV_CANARY, strlen (CV_CANARY));
  XpzContact contact = { "Salma Benali", EMAIL_CANARY, PHONE_INPUT, LINKEDIN_CANARY, ADDRESS_CANARY };

  g_assert_true (xpz_store_set_contact (store, &contact, &error));
  g_assert_no_error (error);
  *out_doc = xpz_store_add_document (store, "salma-cv.txt", "text/plain", cv, &error);
  g_assert_no_error (error);
  g_assert_cmpint (*out_doc, >, 0);
}

static void
test_canary_no_plaintext (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(GBytes) key = key_from_secret_service (secrets, "canary");
  g_autoptr(XpzStore) store = xpz_store_new ("canary");
  g_autoptr(GError) error = NULL;
  g_autoptr(XpzContact) contact = NULL;
  g_autoptr(GBytes) cv = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *wal = NULL;
  gint64 doc;

  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  write_canaries (store, &doc);

  /* while open: the WAL holds the latest pages */
  wal = g_strconcat (xpz_store_get_path (store), "-wal", NULL);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  assert_no_canary (xpz_store_get_directory (store));

  xpz_store_close (store);
  {
    g_autofree char *data_dir = xpz_paths_data_dir ();

    /* the database, -wal, -journal and anything else in the data dir */
    assert_no_canary (data_dir);
  }

  /* and it all reads back with the key */
  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  contact = xpz_store_get_contact (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contact->phone, ==, PHONE_E164);
  g_assert_cmpstr (contact->email, ==, EMAIL_CANARY);
  g_assert_cmpstr (contact->address, ==, ADDRESS_CANARY);
  g_assert_cmpstr (contact->linkedin_url, ==, "https://www.linkedin.com/in/canary-salma/");
  cv = xpz_store_get_document (store, doc, &file_name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file_name, ==, "salma-cv.txt");
  g_assert_cmpmem (g_bytes_get_data (cv, NULL), g_bytes_get_size (cv), CV_CANARY, strlen (CV_CANARY));
  xpz_store_close (store);

  /* without the key, nothing reads */
  {
    g_autoptr(GBytes) wrong = xpz_crypto_generate_key ();
    g_autoptr(XpzContact) none = NULL;
    g_autoptr(GBytes) sealed = NULL;
    g_autofree char *aad = xpz_crypto_aad ("candidate_profile", "phone", 1);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open (xpz_store_get_path (store), &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT phone FROM candidate_profile WHERE phone IS NOT NULL",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    sealed = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    g_assert_null (xpz_crypto_decrypt (wrong, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                                       aad, &error));
    g_assert_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_AUTHENTICATION);
    g_clear_error (&error);

    /* opened under another key (a reset keyring, a fresh sign-in), the database of the
     * earlier key is unreadable: it is erased and starts empty, for the next sync */
    xpz_store_open (store, wrong, &error);
    g_assert_no_error (error);
    none = xpz_store_get_contact (store, &error);
    g_assert_no_error (error);
    g_assert_true (none == NULL || none->phone == NULL);
    xpz_store_close (store);
    assert_no_canary (xpz_store_get_directory (store));
  }
}

static void
test_no_key_refuses (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("no-key");
  g_autoptr(GError) error = NULL;
  XpzContact contact = { NULL, EMAIL_CANARY, NULL, NULL, NULL };

  xpz_store_open (store, NULL, &error);
  g_assert_no_error (error);
  /* never a plaintext fallback */
  g_assert_false (xpz_store_set_contact (store, &contact, &error));
  g_assert_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NO_KEY);
  xpz_store_close (store);
  {
    g_autofree char *data_dir = xpz_paths_data_dir ();

    g_assert_cmpuint (grep_all (data_dir, EMAIL_CANARY), ==, 0);
  }
}

typedef struct
{
  guint8 bytes[48];
} Sample;

static gpointer
ciphertext_func (XpzStore      *store,
                 sqlite3       *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  Sample *sample = data;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT content FROM document", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_bytes (stmt, 0), >, 48 + 25);
  memcpy (sample->bytes, (const guint8 *) sqlite3_column_blob (stmt, 0) + 25, 48);
  sqlite3_finalize (stmt);
  return GINT_TO_POINTER (TRUE);
}

static void
test_delete_leaves_no_copy (void)
{
  g_autoptr(XpzStore) store = xpz_store_new ("delete-copy");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cv = NULL;
  g_autofree char *payload = NULL;
  Sample sample;
  XpzJobInput job = { "canary-job", "Qwertzuiop Canaryjob", NULL, "Oujda", "Zanzibarisme", NULL };
  gint64 doc, job_id;

  xpz_store_open (store, key, &error);
  g_assert_no_error (error);

  /* a document large enough to span pages */
  payload = g_strnfill (20000, 'q');
  memcpy (payload, CV_CANARY, strlen (CV_CANARY));
  cv = g_bytes_new (payload, 20000);
  doc = xpz_store_add_document (store, "cv.txt", "text/plain", cv, &error);
  g_assert_no_error (error);
  xpz_store_run_sync (store, FALSE, ciphertext_func, &sample, &error);
  g_assert_no_error (error);
  job_id = xpz_store_add_job (store, &job, &error);
  g_assert_no_error (error);

  /* present now (the job's plain text is searchable by design) */
  xpz_store_close (store);
  g_assert_cmpuint (test_grep_tree (xpz_store_get_directory (store), sample.bytes, sizeof sample.bytes, NULL, NULL), ==, 1);
  g_assert_cmpuint (grep_all (xpz_store_get_directory (store), "Canaryjob"), >=, 1);
  g_assert_cmpuint (grep_all (xpz_store_get_directory (store), "zanzibarisme"), >=, 1); /* the FTS index, folded */

  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  g_assert_true (xpz_store_delete_document (store, doc, &error));
  g_assert_no_error (error);
  g_assert_true (xpz_store_delete_job (store, job_id, &error));
  g_assert_no_error (error);

  /* gone from the database, its WAL (checkpointed and truncated) and the
   * FTS index, even before closing */
  g_assert_cmpuint (test_grep_tree (xpz_store_get_directory (store), sample.bytes, sizeof sample.bytes, NULL, NULL), ==, 0);
  g_assert_cmpuint (grep_all (xpz_store_get_directory (store), "Canaryjob"), ==, 0);
  g_assert_cmpuint (grep_all (xpz_store_get_directory (store), "canaryjob"), ==, 0);
  g_assert_cmpuint (grep_all (xpz_store_get_directory (store), "zanzibarisme"), ==, 0);
  g_assert_cmpuint (grep_all (xpz_store_get_directory (store), "Zanzibarisme"), ==, 0);
  {
    g_autofree char *wal = g_strconcat (xpz_store_get_path (store), "-wal", NULL);
    GStatBuf st;

    g_assert_cmpint (g_stat (wal, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, 0);
  }
}

static void
test_account_erasure (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(GBytes) key = key_from_secret_service (secrets, "erase-me");
  g_autoptr(XpzStore) store = xpz_store_new ("erase-me");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XpzCredentials) after = NULL;
  g_autofree char *dir = NULL;
  gint64 doc;

  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  write_canaries (store, &doc);
  {
    XpzJobInput job = { "e-1", "Erasable Quokkajob", NULL, NULL, NULL, NULL };

    xpz_store_add_job (store, &job, &error);
    g_assert_no_error (error);
  }
  dir = g_strdup (xpz_store_get_directory (store));

  xpz_store_erase_async (store, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_true (xpz_store_erase_finish (store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (xpz_store_is_open (store));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  xpz_secrets_clear_async (secrets, SERVER, "erase-me", NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_true (xpz_secrets_clear_finish (secrets, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* the tokens and the key are gone from the Secret Service */
  xpz_secrets_lookup_async (secrets, SERVER, "erase-me", NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  after = xpz_secrets_lookup_finish (secrets, result, &error);
  g_assert_null (after);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NOT_FOUND);

  {
    g_autofree char *data_dir = xpz_paths_data_dir ();

    assert_no_canary (data_dir);
    g_assert_cmpuint (grep_all (data_dir, "Quokkajob"), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/R9.2/roundtrip-and-tamper", test_roundtrip);
  g_test_add_func ("/store/R9.2/canary-no-plaintext", test_canary_no_plaintext);
  g_test_add_func ("/store/R9.2/no-key-no-plaintext-fallback", test_no_key_refuses);
  g_test_add_func ("/store/R7.3/delete-leaves-no-copy", test_delete_leaves_no_copy);
  g_test_add_func ("/store/R7.2/account-erasure", test_account_erasure);

  return g_test_run ();
}
