/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-util.h"
#include "xpz-crypto.h"
#include "xpz-secrets.h"

/* Runs with XPZ_TEST_NO_KEYRING=1: the session has no gnome-keyring running.
 * The session bus could still start one (D-Bus activation), so the cases
 * below use their own buses: none at all, then a private bus (GTestDBus)
 * with no Secret Service, then one where a peer owns the name but never
 * answers. */

#define SERVER "https://platform.example"

static GTestDBus *bus;

static XpzCredentials *
lookup_sync (XpzSecrets  *secrets,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xpz_secrets_lookup_async (secrets, SERVER, "acct", NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  return xpz_secrets_lookup_finish (secrets, result, error);
}

static gboolean
store_sync (XpzSecrets  *secrets,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XpzCredentials) credentials = xpz_credentials_new ();

  credentials->access_token = g_strdup ("never-stored");
  credentials->at_rest_key = xpz_crypto_generate_key ();
  xpz_secrets_store_async (secrets, SERVER, "acct", credentials, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  return xpz_secrets_store_finish (secrets, result, error);
}

static void
test_no_session_bus (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(XpzCredentials) found = NULL;
  g_autoptr(GError) error = NULL;

  /* A long timeout: only a prompt, specific answer passes. */
  xpz_secrets_set_timeout (secrets, 60000);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/xpz-test/bus", TRUE);

  found = lookup_sync (secrets, &error);
  g_assert_null (found);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NO_SESSION_BUS);
  g_clear_error (&error);

  g_assert_false (store_sync (secrets, &error));
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NO_SESSION_BUS);
}

static void
test_no_secret_service (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(XpzCredentials) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (g_getenv ("XPZ_TEST_NO_KEYRING"));
  xpz_secrets_set_timeout (secrets, 60000);
  /* a private bus with no service files: nothing can be activated */
  g_test_dbus_up (bus);

  found = lookup_sync (secrets, &error);
  g_assert_null (found);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NO_SERVICE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_false (store_sync (secrets, &error));
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NO_SERVICE);
}

/* The peer that owns org.freedesktop.secrets and never answers. */
static GDBusMessage *
drop_method_calls (GDBusConnection *connection,
                   GDBusMessage    *message,
                   gboolean         incoming,
                   gpointer         user_data)
{
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_object_unref (message);
      return NULL;
    }
  return message;
}

static void
test_service_never_answers (void)
{
  g_autoptr(XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr(GDBusConnection) silent = NULL;
  g_autoptr(XpzCredentials) found = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 owned = 0;

  silent = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (silent, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &owned);
  g_assert_cmpuint (owned, ==, 1); /* PRIMARY_OWNER */
  g_dbus_connection_add_filter (silent, drop_method_calls, NULL, NULL);

  xpz_secrets_set_timeout (secrets, 300);
  found = lookup_sync (secrets, &error);
  g_assert_null (found);
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_TIMEOUT);
  g_clear_error (&error);

  g_assert_false (store_sync (secrets, &error));
  g_assert_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_TIMEOUT);

  g_dbus_connection_close_sync (silent, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/R9.1/no-session-bus", test_no_session_bus);
  g_test_add_func ("/secrets/R9.1/no-secret-service", test_no_secret_service);
  g_test_add_func ("/secrets/R9.1/service-never-answers", test_service_never_answers);

  /* The private bus comes up in the second test (the first needs none):
   * g_test_dbus_up() sets DBUS_SESSION_BUS_ADDRESS. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  ret = g_test_run ();
  g_test_dbus_stop (bus);
  g_clear_object (&bus);
  return ret;
}
