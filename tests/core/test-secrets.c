/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "test-util.h"
#include "xpz-crypto.h"
#include "xpz-paths.h"
#include "xpz-secrets.h"
#include "xpz-store.h"

/* Runs against the real gnome-keyring of the test session. */

#define SERVER "https://platform.example"

static gboolean
store_sync (XpzSecrets            *secrets,
            const char            *account,
            const XpzCredentials  *credentials,
            GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xpz_secrets_store_async (secrets, SERVER, account, credentials, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  return xpz_secrets_store_finish (secrets, result, error);
}

static XpzCredentials *
lookup_sync (XpzSecrets  *secrets,
             const char  *account,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xpz_secrets_lookup_async (secrets, SERVER, account, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  return xpz_secrets_lookup_finish (secrets, result, error);
}

static gboolean
clear_sync (XpzSecrets  *secrets,
            const char  *account,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xpz_secrets_clear_async (secrets, SERVER, account, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  return xpz_secrets_clear_finish (secrets, result, error);
}

static XpzCredentials *
make_credentials (const char *access)
{
  XpzCredentials *c = xpz_credentials_new ();

  c->access_token = g_strdup (access);
  c->refresh_token = g_strconcat (access, "-refresh", NULL);
  c->expires_at = 1900000000;
  c->at_rest_key = xpz_crypto_generate_key ();
  return c;
}

static void
test_store_lookup_clear (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(XpzCredentials) first = make_credentials ("first-access-token");
  g_autoptr(XpzCredentials) second = make_credentials ("second-access-token");
  g_autoptr(XpzCredentials) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (xpz_secrets_get_timeout (secrets), ==, XPZ_SECRETS_DEFAULT_TIMEOUT_MS);

  found = lookup_sync (secrets, "acct-1", &error);
  g_assert_null (found);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (store_sync (secrets, "acct-1", first, &error));
  g_assert_no_error (error);
  found = lookup_sync (secrets, "acct-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->access_token, ==, "first-access-token");
  g_assert_cmpstr (found->refresh_token, ==, "first-access-token-refresh");
  g_assert_cmpint (found->expires_at, ==, 1900000000);
  g_assert_true (g_bytes_equal (found->at_rest_key, first->at_rest_key));
  g_clear_pointer (&found, xpz_credentials_free);

  /* one bundle per account: storing again replaces it */
  g_assert_true (store_sync (secrets, "acct-1", second, &error));
  g_assert_no_error (error);
  found = lookup_sync (secrets, "acct-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->access_token, ==, "second-access-token");
  g_clear_pointer (&found, xpz_credentials_free);
  {
    g_autoptr(GList) items = NULL;
    g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);

    g_hash_table_insert (attributes, "account", "acct-1");
    items = secret_service_search_sync (NULL, NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_length (items), ==, 1);
    g_list_free_full (g_steal_pointer (&items), g_object_unref);
  }

  /* other accounts are separate */
  found = lookup_sync (secrets, "acct-2", &error);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (clear_sync (secrets, "acct-1", &error));
  g_assert_no_error (error);
  found = lookup_sync (secrets, "acct-1", &error);
  g_assert_null (found);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* clearing nothing is fine */
  g_assert_true (clear_sync (secrets, "acct-1", &error));
  g_assert_no_error (error);
}

static void
test_attributes_no_personal_data (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(XpzCredentials) credentials = make_credentials ("attr-token");
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  SecretItem *item;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GHashTableIter iter;
  gpointer name, value;

  g_assert_true (store_sync (secrets, "opaque-7f3a", credentials, &error));
  g_assert_no_error (error);

  g_hash_table_insert (query, "account", "opaque-7f3a");
  items = secret_service_search_sync (NULL, NULL, query, SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = items->data;

  attributes = secret_item_get_attributes (item);
  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_test_message ("attribute %s", (char *) name);
      g_assert_true (g_str_equal (name, "server") || g_str_equal (name, "account") ||
                     g_str_equal (name, "xdg:schema"));
    }
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, XPZ_SECRETS_SCHEMA_NAME);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "server"), ==, SERVER);
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "XpertAIze account");
  {
    /* the value is one JSON bundle */
    g_autoptr(SecretValue) secret = secret_item_get_secret (item);
    g_autoptr(XpzCredentials) parsed = xpz_credentials_from_json (secret_value_get_text (secret), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (parsed->access_token, ==, "attr-token");
  }
  g_list_free_full (items, g_object_unref);
  g_assert_true (clear_sync (secrets, "opaque-7f3a", &error));
}

static void
test_cancelled (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XpzCredentials) found = NULL;

  g_cancellable_cancel (cancellable);
  xpz_secrets_lookup_async (secrets, SERVER, "acct-1", cancellable, test_async_ready, &result);
  test_run_until_ready (&result);
  found = xpz_secrets_lookup_finish (secrets, result, &error);
  g_assert_null (found);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gsize
grep_session (const guint8 *needle,
              gsize         len)
{
  const char *session = g_getenv ("XPZ_TEST_SESSION_DIR");
  g_autofree char *keyrings = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  const char *roots[] = { session, g_get_home_dir (), g_get_user_data_dir (), g_get_user_config_dir (),
                          g_get_user_cache_dir (), g_get_user_state_dir (), g_get_user_runtime_dir () };
  gsize n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      /* the session dir contains the others: walk it once, or each when
       * it is not set */
      if (roots[i] == NULL || (session != NULL && i > 0))
        continue;
      /* the keyring's own (encrypted) file is the one place allowed */
      n += test_grep_tree (roots[i], needle, len, keyrings, hits);
    }
  for (guint i = 0; i < hits->len; i++)
    g_test_message ("secret bytes found in %s", (char *) g_ptr_array_index (hits, i));
  return n;
}

static void
test_no_token_on_disk (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(XpzCredentials) credentials = xpz_credentials_new ();
  g_autoptr(XpzCredentials) found = NULL;
  g_autoptr(XpzStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *key_b64 = NULL;

  g_assert_nonnull (g_getenv ("XPZ_TEST_SESSION_DIR"));

  access = g_strdup_printf ("tok-%08x%08x%08x", g_random_int (), g_random_int (), g_random_int ());
  refresh = g_strdup_printf ("ref-%08x%08x%08x", g_random_int (), g_random_int (), g_random_int ());
  credentials->access_token = g_strdup (access);
  credentials->refresh_token = g_strdup (refresh);
  credentials->at_rest_key = xpz_crypto_generate_key ();
  key_b64 = g_base64_encode (g_bytes_get_data (credentials->at_rest_key, NULL), XPZ_CRYPTO_KEY_BYTES);

  g_assert_true (store_sync (secrets, "disk-check", credentials, &error));
  g_assert_no_error (error);
  found = lookup_sync (secrets, "disk-check", &error);
  g_assert_no_error (error);

  /* use the key as the app would: open the store, write, close */
  store = xpz_store_new ("disk-check");
  xpz_store_open (store, found->at_rest_key, &error);
  g_assert_no_error (error);
  {
    XpzContact contact = { NULL, "someone@example.ma", NULL, NULL, NULL };

    g_assert_true (xpz_store_set_contact (store, &contact, &error));
    g_assert_no_error (error);
  }
  xpz_store_close (store);

  /* the search itself must be able to see: the keyring file exists and the
   * walk finds bytes we know are on disk */
  {
    g_autofree char *keyrings = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);

    g_assert_true (g_file_test (keyrings, G_FILE_TEST_IS_DIR));
    g_assert_cmpuint (grep_session ((const guint8 *) "SQLite format 3", 15), >=, 1);
  }

  g_assert_cmpuint (grep_session ((const guint8 *) access, strlen (access)), ==, 0);
  g_assert_cmpuint (grep_session ((const guint8 *) refresh, strlen (refresh)), ==, 0);
  g_assert_cmpuint (grep_session ((const guint8 *) key_b64, strlen (key_b64)), ==, 0);
  g_assert_cmpuint (grep_session (g_bytes_get_data (credentials->at_rest_key, NULL), XPZ_CRYPTO_KEY_BYTES), ==, 0);
  g_assert_cmpuint (grep_session ((const guint8 *) "someone@example.ma", 18), ==, 0);
}

/* Last: a locked keyring stays locked (unlocking would need a prompt). */
static void
test_locked (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(XpzCredentials) credentials = make_credentials ("locked-token");
  g_autoptr(XpzCredentials) found = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects;

  g_assert_true (store_sync (secrets, "locked", credentials, &error));
  g_assert_no_error (error);

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_append (NULL, collection);
  secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_true (secret_collection_get_locked (collection));

  /* the item exists but cannot be read: locked, not "not found" */
  found = lookup_sync (secrets, "locked", &error);
  g_assert_null (found);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_LOCKED);
  g_clear_error (&error);

  g_assert_false (store_sync (secrets, "locked-2", credentials, &error));
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_LOCKED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/R9.1/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/secrets/R9.1/attributes-no-personal-data", test_attributes_no_personal_data);
  g_test_add_func ("/secrets/R9.1/cancelled", test_cancelled);
  g_test_add_func ("/secrets/R9.1/no-token-on-disk", test_no_token_on_disk);
  g_test_add_func ("/secrets/R9.1/locked-keyring", test_locked);

  return g_test_run ();
}
