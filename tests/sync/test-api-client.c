/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "xpz-api-client.h"

/* The HTTP client's safety rules: R9.3 (TLS verified, plain HTTP only to loopback) and
 * logs that never carry a token. Peers are real servers on loopback. */

#define CANARY_TOKEN "tok-canary-7f3a9c1e5b2d4068a1f0"

static void
test_plain_http_refused (void)
{
  static const struct { const char *url; gboolean ok; } cases[] = {
    { "https://api.xpertaize.com", TRUE },
    { "http://127.0.0.1:8080/", TRUE },
    { "http://127.1.2.3/", TRUE },
    { "http://localhost:1234", TRUE },
    { "http://[::1]:9000/", TRUE },
    { "http://api.xpertaize.com", FALSE },
    { "http://192.168.1.10/", FALSE },
    { "http://127.0.0.1.evil.example/", FALSE },
    { "ftp://127.0.0.1/", FALSE },
    { "not a url", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (XpzApiClient) client = xpz_api_client_new (cases[i].url, &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (client);
        }
      else
        {
          g_assert_error (error, XPZ_API_ERROR, XPZ_API_ERROR_INSECURE_URL);
          g_assert_null (client);
        }
    }
}

typedef struct
{
  XpzApiResponse *response;
  GError         *error;
  gboolean        done;
} CallResult;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallResult *r = user_data;

  r->response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

static void
call_sync (XpzApiClient *client,
           const char   *method,
           const char   *path,
           CallResult   *r)
{
  memset (r, 0, sizeof *r);
  xpz_api_client_call_async (client, method, path, NULL, NULL, NULL, NULL, call_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean redirect_followed;

static void
echo_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  const char *busy = "{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}";
  g_autofree char *json = g_strdup_printf ("{\"had_token\":%s}",
                                           auth != NULL && strstr (auth, CANARY_TOKEN) ? "true"
                                                                                       : "false");

  if (g_str_equal (path, "/busy"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "7");
      soup_server_message_set_status (msg, 429, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        busy, strlen (busy));
      return;
    }
  if (g_str_equal (path, "/comment-bomb") || g_str_equal (path, "/deep"))
    {
      /* json-glib takes comments and recurses once per level: its stack overflowed. */
      GString *bomb = g_string_new (NULL);

      for (guint i = 0; i < 100000; i++)
        g_string_append (bomb, g_str_equal (path, "/deep") ? "[" : "[/*]*/");
      for (guint i = 0; i < 100000; i++)
        g_string_append_c (bomb, ']');
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        bomb->str, bomb->len);
      g_string_free (bomb, FALSE);
      return;
    }
  if (g_str_equal (path, "/redirect"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Location", "/elsewhere");
      soup_server_message_set_status (msg, 302, NULL);
      return;
    }
  if (g_str_equal (path, "/elsewhere"))
    redirect_followed = TRUE;
  if (g_str_equal (path, "/garbage"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, "{nope", 5);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

static char *
listen_loopback (SoupServer *server)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;
  char *url;

  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

/* Every log line of the process goes here (a writer can be set only once). */
static GString *log_text;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append (log_text, fields[i].value);
        g_string_append_c (log_text, '\n');
      }
  return G_LOG_WRITER_HANDLED;
}

static void
test_log_redacts_token (void)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *url = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  CallResult r;

  soup_server_add_handler (server, NULL, echo_handler, NULL, NULL);
  url = listen_loopback (server);
  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);
  xpz_api_client_set_access_token (client, CANARY_TOKEN);

  g_string_truncate (log_text, 0);
  call_sync (client, "GET", "/api/v1/me", &r);

  g_assert_no_error (r.error);
  /* The token was sent … */
  g_assert_true (json_object_get_boolean_member (xpz_api_response_get_object (r.response),
                                                 "had_token"));
  /* … the request was logged, with the header redacted and the token nowhere. */
  g_assert_nonnull (strstr (log_text->str, "GET /api/v1/me"));
  g_assert_nonnull (strstr (log_text->str, "Authorization: [redacted]"));
  g_assert_null (strstr (log_text->str, CANARY_TOKEN));
  g_clear_object (&r.response);
}

/* R9.1 security (R9.3 transport): the client follows no redirect (it would carry the
 * bearer token); a 3xx is an error to the caller. */
static void
test_no_redirect (void)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *url = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  CallResult r;

  soup_server_add_handler (server, NULL, echo_handler, NULL, NULL);
  url = listen_loopback (server);
  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);
  xpz_api_client_set_access_token (client, CANARY_TOKEN);

  redirect_followed = FALSE;
  call_sync (client, "GET", "/redirect", &r);
  g_assert_error (r.error, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE);
  g_assert_null (r.response);
  g_assert_false (redirect_followed);
  g_clear_error (&r.error);
}

static void
test_retry_after_and_bad_json (void)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *url = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  CallResult r;

  soup_server_add_handler (server, NULL, echo_handler, NULL, NULL);
  url = listen_loopback (server);
  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);

  call_sync (client, "GET", "/busy", &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (xpz_api_response_get_status (r.response), ==, 429);
  g_assert_cmpint (xpz_api_response_get_retry_after (r.response), ==, 7);
  g_assert_cmpstr (xpz_api_response_get_error_code (r.response), ==, "rate_limited");
  g_assert_false (xpz_api_response_check (r.response, &error));
  g_assert_error (error, XPZ_API_ERROR, XPZ_API_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_clear_object (&r.response);

  call_sync (client, "GET", "/garbage", &r);
  g_assert_error (r.error, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE);
  g_assert_null (r.response);
  g_clear_error (&r.error);
}

/* Issue #14 §1 (nearest clause R3.4: the service holds): an answer that is a comment
 * bomb or nested 100 000 deep is the client's error, not a stack overflow. */
static void
test_comment_bomb_answer (void)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *url = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  const char *paths[] = { "/comment-bomb", "/deep" };
  CallResult r;

  soup_server_add_handler (server, NULL, echo_handler, NULL, NULL);
  url = listen_loopback (server);
  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      call_sync (client, "GET", paths[i], &r);
      g_assert_error (r.error, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE);
      g_assert_null (r.response);
      g_clear_error (&r.error);
    }
  /* and the client still works */
  call_sync (client, "GET", "/echo", &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (xpz_api_response_get_status (r.response), ==, 200);
  g_clear_object (&r.response);
}

static void
test_unreachable (void)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *url = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  CallResult r;

  /* A port that was just free: bind, learn it, close. */
  url = listen_loopback (server);
  soup_server_disconnect (server);
  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);

  call_sync (client, "GET", "/api/v1/me", &r);
  g_assert_error (r.error, XPZ_API_ERROR, XPZ_API_ERROR_NETWORK);
  g_assert_null (r.response);
  g_clear_error (&r.error);
}

static char *
make_self_signed (const char *dir)
{
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr (GError) error = NULL;
  int status = -1;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", key, "-out", cert, NULL
  };

  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&cert);
}

static void
test_self_signed_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xpz-tls-XXXXXX", NULL);
  g_autofree char *cert_path = make_self_signed (dir);
  g_autofree char *key_path = g_build_filename (dir, "key.pem", NULL);
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  GSList *uris;
  g_autofree char *url = NULL;
  CallResult r;

  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, echo_handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (url, "https://"));

  client = xpz_api_client_new (url, &error);
  g_assert_no_error (error);
  xpz_api_client_set_access_token (client, CANARY_TOKEN);
  call_sync (client, "GET", "/api/v1/me", &r);

  /* R9.3: an untrusted certificate is an error, and no answer is used. */
  g_assert_error (r.error, XPZ_API_ERROR, XPZ_API_ERROR_TLS);
  g_assert_null (r.response);
  g_clear_error (&r.error);
}

/* A raw HTTP peer on a thread: it answers a 64 MiB body, chunked or with its
 * Content-Length, writing until the client stops reading, and tells how much it wrote. */
#define ENDLESS_BYTES (64u * 1024 * 1024)

typedef struct
{
  GMutex   lock;
  gboolean chunked;
  gboolean done;
  gsize    written;
} EndlessPeer;

static gboolean
endless_run (GThreadedSocketService *service,
             GSocketConnection      *connection,
             GObject                *source,
             gpointer                user_data)
{
  EndlessPeer *peer = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autofree char *piece = g_malloc (64 * 1024);
  g_autofree char *head = NULL;
  char request[4096];
  gsize total = 0;

  /* the request fits one read; its content is not needed */
  if (g_input_stream_read (in, request, sizeof request, NULL, NULL) <= 0)
    goto out;
  memset (piece, ' ', 64 * 1024);
  if (peer->chunked)
    head = g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n");
  else
    head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            "Content-Length: %u\r\n\r\n", ENDLESS_BYTES);
  if (!g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL))
    goto out;
  while (total < ENDLESS_BYTES)
    {
      char size_line[16];

      if (peer->chunked)
        {
          g_snprintf (size_line, sizeof size_line, "%x\r\n", 64 * 1024);
          if (!g_output_stream_write_all (out, size_line, strlen (size_line), NULL, NULL, NULL))
            break;
        }
      if (!g_output_stream_write_all (out, piece, 64 * 1024, NULL, NULL, NULL) ||
          (peer->chunked && !g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, NULL)))
        break;
      total += 64 * 1024;
    }
  if (peer->chunked && total >= ENDLESS_BYTES)
    g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, NULL);
out:
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_mutex_lock (&peer->lock);
  peer->written = total;
  peer->done = TRUE;
  g_mutex_unlock (&peer->lock);
  g_main_context_wakeup (NULL);
  return TRUE;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Issue #14 §5 (R3.4 security: the client holds): an answer past the size limit is an
 * error while it streams, chunked or not; the client stops reading at once instead of
 * buffering all of it first, and a Content-Length past the limit is refused unread. */
static void
test_answer_limit_while_streaming (void)
{
  for (int chunked = 1; chunked >= 0; chunked--)
    {
      g_autoptr (GSocketService) service = g_threaded_socket_service_new (1);
      g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
      g_autoptr (GSocketAddress) bound = NULL;
      g_autoptr (XpzApiClient) client = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *url = NULL;
      EndlessPeer peer = { .chunked = chunked };
      gint64 deadline;
      guint timeout;
      CallResult r;

      g_mutex_init (&peer.lock);
      g_socket_listener_add_address (G_SOCKET_LISTENER (service), any, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
      g_assert_no_error (error);
      g_signal_connect (service, "run", G_CALLBACK (endless_run), &peer);
      g_socket_service_start (service);
      url = g_strdup_printf ("http://127.0.0.1:%u",
                             g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
      client = xpz_api_client_new (url, &error);
      g_assert_no_error (error);
      xpz_api_client_set_max_answer_size (client, 1024 * 1024);

      call_sync (client, "GET", "/endless", &r);
      g_assert_error (r.error, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (r.error->message, "too large"));
      g_assert_null (r.response);
      g_clear_error (&r.error);
      /* the client dropped the connection: the peer's writes failed long before its
       * 64 MiB were out (what it wrote is the limit and the sockets' buffers) */
      deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
      timeout = g_timeout_add_seconds (30, wake_up, NULL);
      for (;;)
        {
          gboolean done;

          g_mutex_lock (&peer.lock);
          done = peer.done;
          g_mutex_unlock (&peer.lock);
          if (done || g_get_monotonic_time () > deadline)
            break;
          g_main_context_iteration (NULL, TRUE);
        }
      g_source_remove (timeout);
      g_assert_true (peer.done);
      g_assert_cmpuint (peer.written, <, ENDLESS_BYTES / 2);
      g_socket_service_stop (service);
      g_mutex_clear (&peer.lock);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  log_text = g_string_new (NULL);
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/api/R9.3/plain-http-only-to-loopback", test_plain_http_refused);
  g_test_add_func ("/api/R9.3/self-signed-certificate-refused", test_self_signed_refused);
  g_test_add_func ("/api/R9.1/log-redacts-authorization", test_log_redacts_token);
  g_test_add_func ("/api/R9.1/no-redirect-followed", test_no_redirect);
  g_test_add_func ("/api/retry-after-and-malformed-json", test_retry_after_and_bad_json);
  g_test_add_func ("/api/unreachable-platform", test_unreachable);
  g_test_add_func ("/api/R3.4/comment-bomb-answer-is-an-error", test_comment_bomb_answer);
  g_test_add_func ("/api/R3.4/answer-size-limited-while-it-streams", test_answer_limit_while_streaming);

  return g_test_run ();
}
