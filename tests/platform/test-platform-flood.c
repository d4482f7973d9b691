/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-platform-flood"
#include "config.h"

#include <string.h>

#include "xpz-platform-private.h"
#include "xpz-platform-test-util.h"

/*
 * Issue #14 §4 and §1's last bullet: floods and stalls do not stop the server.
 * Argon2id runs on a bounded pool (R3.4 security: no clause of its own, the nearest),
 * sign-up is no oracle of who has an account (R2.1), bodies and connections are bounded
 * while they arrive. Behaviour is proved by ordering (a pool held busy by the test, the
 * bytes the server accepted), never by timing.
 */

#define DEADLINE_US (30 * G_USEC_PER_SEC)

/* ---- raw HTTP over a socket of its own, usable from any thread ---- */

static GSocketConnection *
connect_to (XpzTestServer *ts)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, &error);
  GSocketConnection *connection;

  g_assert_no_error (error);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), (guint16) g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 60);
  return connection;
}

/* Reads until the peer closes (or an error); returns what arrived. */
static char *
read_all (GSocketConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GString *out = g_string_new (NULL);
  char buf[4096];
  gssize n;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (out, buf, n);
  return g_string_free (out, FALSE);
}

static guint
status_of (const char *response)
{
  guint64 status = 0;

  if (g_str_has_prefix (response, "HTTP/1.1 ") || g_str_has_prefix (response, "HTTP/1.0 "))
    {
      g_autofree char *code = g_strndup (response + 9, 3);

      g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL);
    }
  return (guint) status;
}

/* One request with Connection: close; returns the HTTP status (0: no answer). */
static guint
raw_request (XpzTestServer *ts,
             const char    *method,
             const char    *path,
             const char    *body)
{
  g_autoptr(GSocketConnection) connection = connect_to (ts);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GUri) uri = g_uri_parse (xpz_platform_server_get_url (ts->server), G_URI_FLAGS_NONE, NULL);
  g_autofree char *request = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
                                              "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                              method, path, g_uri_get_port (uri), strlen (body), body);
  g_autofree char *response = NULL;

  g_assert_true (g_output_stream_write_all (out, request, strlen (request), NULL, NULL, NULL));
  response = read_all (connection);
  return status_of (response);
}

typedef struct
{
  XpzTestServer *ts;
  const char    *path;
  char          *body;
  guint          status;
  gint           done;
} SignIn;

static gpointer
sign_in_thread (gpointer data)
{
  SignIn *s = data;

  s->status = raw_request (s->ts, "POST", s->path, s->body);
  g_atomic_int_set (&s->done, 1);
  return NULL;
}

static GThread *
request_in_thread (SignIn        *s,
                   XpzTestServer *ts,
                   const char    *path,
                   const char    *body)
{
  s->ts = ts;
  s->path = path;
  s->body = g_strdup (body);
  return g_thread_new ("request", sign_in_thread, s);
}

static GThread *
sign_in_in_thread (SignIn        *s,
                   XpzTestServer *ts,
                   const char    *email,
                   const char    *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);

  return request_in_thread (s, ts, "/api/v1/sessions", body);
}

static XpzTestServer *
flood_server (guint threads,
              guint queue,
              guint address_limit)
{
  XpzPlatformOptions options;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.pwhash_threads = threads;
  options.pwhash_queue = queue;
  if (address_limit != 0)
    options.sign_in_address_limit = address_limit;
  return xpz_test_server_new (&options);
}

/* Another request is answered while a sign-in is being hashed: the pool is held by the
 * test, so the sign-in cannot finish before GET /me is answered. */
static void
test_hashing_does_not_block (void)
{
  g_autoptr(XpzTestServer) ts = flood_server (1, 4, 0);
  g_autofree char *token = xpz_test_signup (ts, "busy@example.ma", "candidate", "Busy", NULL, NULL);
  SignIn s = { 0 };
  GThread *thread;
  XpzTestResponse *r;

  xpz_platform_server_hold_pwhash (ts->server, TRUE);
  thread = sign_in_in_thread (&s, ts, "busy@example.ma", "correct horse battery");
  g_assert_true (xpz_platform_server_wait_pwhash_held (ts->server, 1, DEADLINE_US));

  r = xpz_test_request (ts, "GET", "/api/v1/me", token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "name"), ==, "Busy");
  xpz_test_response_free (r);
  /* the sign-in is still waiting for its hash */
  g_assert_cmpint (g_atomic_int_get (&s.done), ==, 0);

  xpz_platform_server_hold_pwhash (ts->server, FALSE);
  g_thread_join (thread);
  g_assert_cmpuint (s.status, ==, 201);
  g_free (s.body);
}

/* More sign-ins than the pool takes: 503 with Retry-After, while others are served. */
static void
test_pool_full (void)
{
  g_autoptr(XpzTestServer) ts = flood_server (1, 2, 0);
  g_autofree char *token = xpz_test_signup (ts, "full@example.ma", "candidate", "Full", NULL, NULL);
  SignIn s[2] = { { 0 } };
  GThread *threads[2];
  XpzTestResponse *r;

  xpz_platform_server_hold_pwhash (ts->server, TRUE);
  threads[0] = sign_in_in_thread (&s[0], ts, "full@example.ma", "correct horse battery");
  threads[1] = sign_in_in_thread (&s[1], ts, "nobody@example.ma", "correct horse battery");
  g_assert_true (xpz_platform_server_wait_pwhash_held (ts->server, 2, DEADLINE_US));

  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"full@example.ma\",\"password\":\"correct horse battery\"}", NULL);
  g_assert_cmpuint (r->status, ==, 503);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "busy");
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
  xpz_test_response_free (r);
  /* a sign-up needs the pool too */
  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL,
                        "{\"email\":\"new@example.ma\",\"password\":\"correct horse battery\","
                        "\"role\":\"candidate\",\"name\":\"New\"}", NULL);
  g_assert_cmpuint (r->status, ==, 503);
  xpz_test_response_free (r);
  /* what needs no hashing is served */
  r = xpz_test_request (ts, "GET", "/api/v1/me", token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);

  xpz_platform_server_hold_pwhash (ts->server, FALSE);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);
  g_assert_cmpuint (s[0].status, ==, 201);
  g_assert_cmpuint (s[1].status, ==, 401);
  g_free (s[0].body);
  g_free (s[1].body);
}

/* Failed sign-ins per client address are limited before hashing: past the limit the
 * answer is 429 even with the pool held (it never reaches the pool). */
static void
test_limited_per_address (void)
{
  g_autoptr(XpzTestServer) ts = flood_server (1, 4, 3);
  XpzTestResponse *r;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"email\":\"unknown%u@example.ma\",\"password\":\"guess-%u\"}", i, i);

      r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL, body, NULL);
      g_assert_cmpuint (r->status, ==, 401);
      xpz_test_response_free (r);
    }

  xpz_platform_server_hold_pwhash (ts->server, TRUE);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"unknown9@example.ma\",\"password\":\"guess-9\"}", NULL);
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_cmpstr (xpz_test_error_code (r), ==, "rate_limited");
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
  xpz_test_response_free (r);
  xpz_platform_server_hold_pwhash (ts->server, FALSE);

  /* the window passes */
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 901);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"unknown9@example.ma\",\"password\":\"guess-9\"}", NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
}

/* Signing up with an address that has an account answers exactly as for a free one,
 * costs the same hashing, and leaves the account untouched. */
static void
test_sign_up_no_oracle (void)
{
  g_autoptr(XpzTestServer) ts = flood_server (1, 4, 0);
  g_autofree char *token = xpz_test_signup (ts, "taken@example.ma", "candidate", "Original", NULL, NULL);
  g_autoptr(XpzTestResponse) fresh = NULL;
  g_autoptr(XpzTestResponse) again = NULL;
  XpzTestResponse *r;
  SignIn s = { 0 };
  GThread *thread;

  fresh = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL,
                            "{\"email\":\"free@example.ma\",\"password\":\"another password\","
                            "\"role\":\"candidate\",\"name\":\"Intruder\"}", NULL);
  again = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL,
                            "{\"email\":\"taken@example.ma\",\"password\":\"another password\","
                            "\"role\":\"candidate\",\"name\":\"Intruder\"}", NULL);
  g_assert_cmpuint (fresh->status, ==, 202);
  /* byte for byte the same answer */
  g_assert_cmpuint (again->status, ==, fresh->status);
  g_assert_cmpstr (again->body, ==, fresh->body);
  g_assert_cmpstr (soup_message_headers_get_one (again->headers, "Content-Type"), ==,
                   soup_message_headers_get_one (fresh->headers, "Content-Type"));

  /* the existing account: same password, same name */
  r = xpz_test_request (ts, "GET", "/api/v1/me", token, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "name"), ==, "Original");
  xpz_test_response_free (r);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"taken@example.ma\",\"password\":\"another password\"}", NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
  g_free (xpz_test_sign_in (ts, "taken@example.ma", "correct horse battery"));
  /* and the free address got its account: sign-in right after sign-up works */
  g_free (xpz_test_sign_in (ts, "free@example.ma", "another password"));

  /* a taken address costs the same argon2id work: it goes to the pool too */
  xpz_platform_server_hold_pwhash (ts->server, TRUE);
  thread = request_in_thread (&s, ts, "/api/v1/accounts",
                              "{\"email\":\"taken@example.ma\",\"password\":\"third password\","
                              "\"role\":\"employer\",\"name\":\"X\",\"company\":\"Y\"}");
  g_assert_true (xpz_platform_server_wait_pwhash_held (ts->server, 1, DEADLINE_US));
  g_assert_cmpint (g_atomic_int_get (&s.done), ==, 0);
  xpz_platform_server_hold_pwhash (ts->server, FALSE);
  g_thread_join (thread);
  g_assert_cmpuint (s.status, ==, 202);
  g_free (s.body);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL,
                        "{\"email\":\"taken@example.ma\",\"password\":\"third password\"}", NULL);
  g_assert_cmpuint (r->status, ==, 401);
  xpz_test_response_free (r);
}

/* ---- the network edge (R3.4 security: no clause of its own, the nearest) ---- */

typedef struct
{
  GSocketConnection *connection;
  guint64            written;
  gboolean           failed;
} Writer;

#define CHUNKED_TOTAL ((guint64) 48 * 1024 * 1024)

static gpointer
chunked_writer (gpointer data)
{
  Writer *w = data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (w->connection));
  g_autofree char *chunk = g_malloc (65536 + 16);
  gsize len;

  len = (gsize) g_snprintf (chunk, 16, "10000\r\n");
  memset (chunk + len, ' ', 65536);
  memcpy (chunk + len + 65536, "\r\n", 2);
  len += 65536 + 2;
  while (w->written < CHUNKED_TOTAL)
    {
      if (!g_output_stream_write_all (out, chunk, len, NULL, NULL, NULL))
        {
          w->failed = TRUE;
          break;
        }
      w->written += 65536;
    }
  if (!w->failed)
    g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, NULL);
  return NULL;
}

/* A chunked body past the limit is answered 413 while the client still has MiBs to
 * send; the server stops reading at the limit. */
static void
test_chunked_body_refused_while_arriving (void)
{
  g_autoptr(XpzTestServer) ts = flood_server (1, 4, 0);
  g_autoptr(GSocketConnection) connection = connect_to (ts);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GUri) uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                                           g_uri_get_port (uri));
  g_autofree char *response = NULL;
  Writer w = { connection, 0, FALSE };
  GThread *thread;

  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL));
  thread = g_thread_new ("chunked", chunked_writer, &w);
  response = read_all (connection);
  g_assert_cmpuint (status_of (response), ==, 413);
  g_assert_nonnull (strstr (response, "body_too_large"));
  g_assert_nonnull (strstr (response, "Connection: close"));
  g_thread_join (thread);
  /* the connection was closed under the writer: it could not send everything */
  g_assert_true (w.failed);
  g_assert_cmpuint (w.written, <, CHUNKED_TOTAL);
  /* and the server read no more than the limit and one read */
  g_assert_cmpint (g_atomic_int_get (&ts->server->edge_refused_bytes), >, 12 * 1024 * 1024);
  g_assert_cmpint (g_atomic_int_get (&ts->server->edge_refused_bytes), <=, 12 * 1024 * 1024 + 65536);
}

/* Reads until EOF; TRUE if the peer closed (not a timeout of our own). */
static gboolean
wait_closed (GSocketConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  char buf[4096];
  gssize n;
  g_autoptr(GError) error = NULL;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
    ;
  return n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* Half the headers, then nothing: the server closes the connection after stall_timeout. */
static void
test_stalled_request_closed (void)
{
  XpzPlatformOptions options;
  g_autoptr(XpzTestServer) ts = NULL;
  g_autoptr(GSocketConnection) half_headers = NULL;
  g_autoptr(GSocketConnection) half_body = NULL;
  const char *partial = "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty";
  g_autofree char *body_head = NULL;
  g_autoptr(GUri) uri = NULL;
  XpzTestResponse *r;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.stall_timeout = 1;
  ts = xpz_test_server_new (&options);
  uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);

  half_headers = connect_to (ts);
  g_socket_set_timeout (g_socket_connection_get_socket (half_headers), 20);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (half_headers)),
                                            partial, strlen (partial), NULL, NULL, NULL));
  g_assert_true (wait_closed (half_headers));

  half_body = connect_to (ts);
  g_socket_set_timeout (g_socket_connection_get_socket (half_body), 20);
  body_head = g_strdup_printf ("POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                               "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":",
                               g_uri_get_port (uri));
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (half_body)),
                                            body_head, strlen (body_head), NULL, NULL, NULL));
  g_assert_true (wait_closed (half_body));

  /* a normal request is served */
  r = xpz_test_request (ts, "GET", "/api/v1/policy", NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);
}

/* ---- connections per client address (R3.4) ---- */

/* A connection to the server from @source, an address of the loopback network (Linux
 * routes all of 127.0.0.0/8 there): the server sees distinct clients. */
static GSocketConnection *
connect_from (XpzTestServer *ts,
              const char    *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, &error);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) from = g_inet_address_new_from_string (source);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (from, 0);
  g_autoptr(GSocketAddress) remote = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, local, FALSE, &error));
  g_assert_no_error (error);
  remote = g_inet_socket_address_new_from_string (g_uri_get_host (uri), (guint) g_uri_get_port (uri));
  g_assert_true (g_socket_connect (socket, remote, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 20);
  return g_socket_connection_factory_create_connection (socket);
}

static void
send_text (GSocketConnection *connection,
           const char        *text)
{
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            text, strlen (text), NULL, NULL, NULL));
}

/* A whole request on a connection of its own from @source; returns the answer. */
static char *
request_from (XpzTestServer *ts,
              const char    *source)
{
  g_autoptr(GSocketConnection) connection = connect_from (ts, source);
  g_autoptr(GUri) uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *request = g_strdup_printf ("GET /api/v1/policy HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                              "Connection: close\r\n\r\n", g_uri_get_port (uri));

  send_text (connection, request);
  return read_all (connection);
}

/* The server accepts connections in the order they were made, and admits each (under
 * the caps) as it accepts it: once a later connection is answered, every earlier one
 * has been admitted or refused. */
static void
sync_with_server (XpzTestServer *ts)
{
  g_autofree char *answer = request_from (ts, "127.0.0.1");

  g_assert_cmpuint (status_of (answer), ==, 200);
}

/* A connection that is busy with a request: its headers, then part of its body. */
static void
make_busy (XpzTestServer     *ts,
           GSocketConnection *connection)
{
  g_autoptr(GUri) uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                           "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                                           "{\"email\":", g_uri_get_port (uri));

  send_text (connection, head);
}

static void
test_connections_capped_per_address (void)
{
  XpzPlatformOptions options;
  g_autoptr(XpzTestServer) ts = NULL;
  GSocketConnection *idle[5];
  GSocketConnection *flood[40];
  g_autofree char *refused = NULL;
  g_autofree char *other = NULL;
  guint closed = 0;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.max_connections_per_address = 4;
  options.stall_timeout = 30;
  ts = xpz_test_server_new (&options);

  /* Four silent connections from one address are admitted … */
  for (guint i = 0; i < 4; i++)
    idle[i] = connect_from (ts, "127.0.0.2");
  sync_with_server (ts);
  g_assert_cmpuint (xpz_platform_edge_count_connections (ts->server, "127.0.0.2"), ==, 4);

  /* … a fifth takes the place of the one idle the longest, which the server closes. */
  idle[4] = connect_from (ts, "127.0.0.2");
  sync_with_server (ts);
  g_assert_cmpuint (xpz_platform_edge_count_connections (ts->server, "127.0.0.2"), ==, 4);
  g_assert_true (wait_closed (idle[0]));

  /* A flood of connections from one address costs the server its cap, no more. */
  for (guint i = 0; i < G_N_ELEMENTS (flood); i++)
    flood[i] = connect_from (ts, "127.0.0.3");
  sync_with_server (ts);
  g_assert_cmpuint (xpz_platform_edge_count_connections (ts->server, "127.0.0.3"), ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (flood) - 4; i++)
    closed += wait_closed (flood[i]);
  g_assert_cmpuint (closed, ==, G_N_ELEMENTS (flood) - 4);
  for (guint i = 0; i < G_N_ELEMENTS (flood); i++)
    g_object_unref (flood[i]);

  /* When every connection of the address is busy with a request, a newcomer is told
   * to come back: 503 busy, Retry-After. */
  for (guint i = 1; i < 5; i++)
    make_busy (ts, idle[i]);
  g_assert_true (xpz_platform_edge_wait_busy (ts->server, "127.0.0.2", 4, DEADLINE_US));
  refused = request_from (ts, "127.0.0.2");
  g_assert_cmpuint (status_of (refused), ==, 503);
  g_assert_nonnull (strstr (refused, "\r\nRetry-After: 1\r\n"));
  g_assert_nonnull (strstr (refused, "\"busy\""));
  g_assert_cmpuint (xpz_platform_edge_count_connections (ts->server, "127.0.0.2"), ==, 4);

  /* Another address is served all along. */
  other = request_from (ts, "127.0.0.4");
  g_assert_cmpuint (status_of (other), ==, 200);

  for (guint i = 0; i < 5; i++)
    g_object_unref (idle[i]);
}

/* The descriptors open in this process (the server runs in it). */
static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A client that makes a connection, asks for one answer, and closes its end leaves
 * nothing open behind it in the server: libsoup 3.2 would keep a kept-alive connection
 * closed by its client open for ever (CLOSE_WAIT), so every answer closes its
 * connection; nor does the connection table keep one counted. */
static void
test_connections_closed_by_client_leave_nothing (void)
{
  XpzPlatformOptions options;
  g_autoptr(XpzTestServer) ts = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *request = NULL;
  GSocketConnection *kept[4];
  guint before;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.max_connections_per_address = 4;
  ts = xpz_test_server_new (&options);
  uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);
  /* HTTP/1.1 without "Connection: close": the client would keep the connection */
  request = g_strdup_printf ("GET /api/v1/policy HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
                             g_uri_get_port (uri));
  sync_with_server (ts);
  g_assert_true (xpz_platform_edge_wait_connections (ts->server, NULL, 0, DEADLINE_US));
  before = count_open_fds ();

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GSocketConnection) connection = connect_from (ts, "127.0.0.6");
      g_autofree char *answer = NULL;

      send_text (connection, request);
      answer = read_all (connection);  /* to the end: the server closes */
      g_assert_cmpuint (status_of (answer), ==, 200);
      g_assert_nonnull (strstr (answer, "\r\nConnection: close\r\n"));
      g_assert_true (g_io_stream_close (G_IO_STREAM (connection), NULL, NULL));
    }
  g_assert_true (xpz_platform_edge_wait_connections (ts->server, NULL, 0, DEADLINE_US));
  g_assert_cmpuint (count_open_fds (), ==, before);

  /* four new silent connections are all kept: none takes another's place */
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    kept[i] = connect_from (ts, "127.0.0.6");
  sync_with_server (ts);
  g_assert_cmpuint (xpz_platform_edge_count_connections (ts->server, "127.0.0.6"), ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      GSocket *socket = g_socket_connection_get_socket (kept[i]);

      g_assert_cmpint (g_socket_condition_check (socket, G_IO_IN | G_IO_HUP), ==, 0);
      g_object_unref (kept[i]);
    }
}

/* All addresses together stay under max_connections. */
static void
test_connections_capped_in_all (void)
{
  XpzPlatformOptions options;
  g_autoptr(XpzTestServer) ts = NULL;
  GSocketConnection *conns[12];
  const char *sources[] = { "127.0.0.2", "127.0.0.3", "127.0.0.5" };

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  options.max_connections_per_address = 0;
  options.max_connections = 6;
  ts = xpz_test_server_new (&options);

  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    conns[i] = connect_from (ts, sources[i % G_N_ELEMENTS (sources)]);
  sync_with_server (ts);
  /* the synchronising request's own connection is counted until it goes */
  g_assert_cmpuint (xpz_platform_edge_count_connections (ts->server, NULL), <=, 6);
  g_assert_cmpuint (xpz_platform_edge_count_connections (ts->server, "127.0.0.5"), >=, 1);
  /* the oldest went first */
  g_assert_true (wait_closed (conns[0]));
  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    g_object_unref (conns[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/platform/R3.4/sign-in-hashing-does-not-block-others", test_hashing_does_not_block);
  g_test_add_func ("/platform/R3.4/pool-full-answers-503", test_pool_full);
  g_test_add_func ("/platform/R3.4/sign-in-limited-per-address", test_limited_per_address);
  g_test_add_func ("/platform/R2.1/sign-up-does-not-reveal-existing-email", test_sign_up_no_oracle);
  g_test_add_func ("/platform/R3.4/chunked-body-refused-while-arriving", test_chunked_body_refused_while_arriving);
  g_test_add_func ("/platform/R3.4/stalled-request-closed", test_stalled_request_closed);
  g_test_add_func ("/platform/R3.4/connections-capped-per-address", test_connections_capped_per_address);
  g_test_add_func ("/platform/R3.4/connections-capped-in-all", test_connections_capped_in_all);
  g_test_add_func ("/platform/R3.4/connections-closed-by-client-leave-nothing",
                   test_connections_closed_by_client_leave_nothing);

  return g_test_run ();
}
