/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-self-signed-platform"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xpz-api-client.h"
#include "xpz-session.h"

/* Security sweep, R9.3: the real platform binary serving HTTPS with a certificate made
 * at test time (openssl, self-signed) is refused by the app's API client with
 * XPZ_API_ERROR_TLS — for a public request and for a sign-in, whose password must
 * never be sent. (tests/sync/test-api-client.c checks the same against a bare
 * SoupServer; this is the platform itself, started as users would start it.) A control
 * proves the server really speaks TLS with that certificate: a client that trusts it
 * completes the handshake. */

static char *platform_binary;

typedef struct
{
  gboolean        done;
  XpzApiResponse *response;
  gboolean        ok;
  GError         *error;
} Wait;

static void
call_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->response = xpz_api_client_call_finish (XPZ_API_CLIENT (s), r, &w->error);
  w->done = TRUE;
}

static void
sign_in_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_session_sign_in_finish (XPZ_SESSION (s), r, &w->error);
  w->done = TRUE;
}

static void
wait_done (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
trust_certificate (GSocketClient      *client,
                   GSocketClientEvent  event,
                   GSocketConnectable *connectable,
                   GIOStream          *connection,
                   gpointer            database)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_tls_connection_set_database (G_TLS_CONNECTION (connection), database);
}

static void
test_self_signed_platform (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xpz-tls-platform-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *db = g_build_filename (dir, "platform.db", NULL);
  const char *openssl[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", key, "-out", cert, NULL
  };
  const char *platform[] = {
    platform_binary, "--pwhash-cost", "min", "--seed-demo", "--db", db, "--tls-cert", cert, "--tls-key", key, NULL
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *url = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (XpzSecrets) secrets = NULL;
  g_autoptr (XpzSession) session = NULL;
  g_autoptr (GTlsDatabase) trusted = NULL;
  g_autoptr (GSocketClient) socket_client = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GUri) uri = NULL;
  int status = 0;
  Wait w = { 0 };

  g_spawn_sync (NULL, (char **) openssl, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  server = g_subprocess_newv (platform, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  url = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  /* Control: trusting the certificate, the TLS handshake completes. */
  trusted = g_tls_file_database_new (cert, &error);
  g_assert_no_error (error);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  socket_client = g_socket_client_new ();
  g_socket_client_set_tls (socket_client, TRUE);
  g_signal_connect (socket_client, "event", G_CALLBACK (trust_certificate), trusted);
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", (guint16) g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  /* The app's client: refused, no answer used. */
  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);
  xpz_api_client_call_async (client, "GET", "/api/v1/policy", NULL, NULL, NULL, NULL, call_done, &w);
  wait_done (&w);
  g_assert_error (w.error, XPZ_API_ERROR, XPZ_API_ERROR_TLS);
  g_assert_null (w.response);
  g_clear_error (&w.error);

  /* Signing in: refused the same way, and nothing is remembered. */
  secrets = xpz_secrets_new ();
  session = xpz_session_new (client, secrets);
  memset (&w, 0, sizeof w);
  xpz_session_sign_in_async (session, "demo.candidate@xpertaize.test", "demo-password-2026", NULL, sign_in_done, &w);
  wait_done (&w);
  g_assert_false (w.ok);
  g_assert_error (w.error, XPZ_API_ERROR, XPZ_API_ERROR_TLS);
  g_assert_false (xpz_session_get_signed_in (session));
  g_clear_error (&w.error);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_remove (cert);
  g_remove (key);
  g_remove (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  platform_binary = g_strdup (g_getenv ("XPZ_PLATFORM_BINARY"));
  g_assert_nonnull (platform_binary);

  g_test_add_func ("/security/R9.3/self-signed-platform-refused", test_self_signed_platform);

  return g_test_run ();
}
