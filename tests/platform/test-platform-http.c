/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "xpz-platform-test-util.h"

/* The front door (issue #14 §1): requests written byte by byte on a raw loopback
 * connection, as a hostile local process would, so that the client library cannot
 * normalise the path, the Host header or the Content-Type on the way. These items have
 * no clause of their own in the policy: they carry the nearest ones, R3.4 (the platform
 * stays up and enforces the rules) and R9.x (security of the service). */

typedef struct
{
  guint  status;
  char  *head;   /* status line and headers */
  char  *body;
} RawResponse;

static void
raw_response_free (RawResponse *response)
{
  g_free (response->head);
  g_free (response->body);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawResponse, raw_response_free)

static guint16
server_port (XpzTestServer *ts)
{
  g_autoptr(GUri) uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return (guint16) g_uri_get_port (uri);
}

/* Sends @head (the request line and headers, each ending in CRLF, without the empty
 * line) and @body; adds Host (unless @head has one), Content-Length and
 * Connection: close. Returns NULL if the connection closed without an answer. */
static RawResponse *
raw_request (XpzTestServer *ts,
             const char    *head,
             const char    *body,
             gsize          body_len)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) request = g_string_new (head);
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  GOutputStream *out;
  GInputStream *in;
  RawResponse *response;
  const char *split;
  guint8 buffer[16384];
  gssize n;

  g_socket_client_set_timeout (client, 60);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server_port (ts), NULL, &error);
  g_assert_no_error (error);
  if (g_strstr_len (head, -1, "\r\nHost:") == NULL)
    g_string_append_printf (request, "Host: 127.0.0.1:%u\r\n", server_port (ts));
  if (body != NULL)
    g_string_append_printf (request, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  g_string_append (request, "Connection: close\r\n\r\n");
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  /* The server may answer (and close) before it has read the whole body. */
  if (g_output_stream_write_all (out, request->str, request->len, NULL, NULL, NULL) && body != NULL)
    g_output_stream_write_all (out, body, body_len, NULL, NULL, NULL);
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_byte_array_append (answer, buffer, (guint) n);
  if (answer->len == 0)
    return NULL;
  g_byte_array_append (answer, (const guint8 *) "", 1);
  split = strstr ((const char *) answer->data, "\r\n\r\n");
  g_assert_nonnull (split);
  response = g_new0 (RawResponse, 1);
  response->head = g_strndup ((const char *) answer->data, (gsize) (split - (const char *) answer->data));
  response->body = g_strdup (split + 4);
  g_assert_true (g_str_has_prefix (response->head, "HTTP/1.1 "));
  response->status = (guint) g_ascii_strtoull (response->head + 9, NULL, 10);
  return response;
}

static char *
raw_header (RawResponse *response,
            const char  *name)
{
  g_auto(GStrv) lines = g_strsplit (response->head, "\r\n", -1);
  gsize len = strlen (name);

  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, len) == 0 && lines[i][len] == ':')
      return g_strstrip (g_strdup (lines[i] + len + 1));
  return NULL;
}

static const char *
raw_error_code (RawResponse *response)
{
  static char code[64];
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *error;

  if (!json_parser_load_from_data (parser, response->body, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "error"))
    return NULL;
  error = json_object_get_object_member (root, "error");
  g_strlcpy (code, json_object_get_string_member (error, "code"), sizeof code);
  return code;
}

/* The server still answers an ordinary request. */
static void
assert_still_serving (XpzTestServer *ts)
{
  g_autoptr(XpzTestResponse) r = xpz_test_request (ts, "GET", "/api/v1/policy", NULL, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
}

static void
test_double_encoded_path (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  const char *paths[] = {
    "/api/v1/%2500",
    "/api/v1/jobs/%2500",
    "/api/v1/jobs/1/%2500",
    "/api/v1/me/%25ff",
    "/api/v1/%252e%252e/policy",
    "/api/v1/jobs/%2F",
    "/api/v1/jobs//matches",
    "/api/v1/%0a",
    "/api/v1/%ff",
    "/api/v1/%C0%AE",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *head = g_strdup_printf ("GET %s HTTP/1.1\r\n", paths[i]);
      g_autoptr(RawResponse) r = raw_request (ts, head, NULL, 0);

      g_test_message ("%s", paths[i]);
      g_assert_nonnull (r);
      g_assert_cmpuint (r->status, >=, 400);
      g_assert_cmpuint (r->status, <, 500);
      assert_still_serving (ts);
    }

  /* Decoded once: %2500 is the segment "%00", an unknown endpoint, not a NUL. */
  {
    g_autoptr(RawResponse) r = raw_request (ts, "GET /api/v1/%2500 HTTP/1.1\r\n", NULL, 0);

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 404);
    g_assert_cmpstr (raw_error_code (r), ==, "not_found");
  }
  /* An ordinary encoded segment still works. */
  {
    g_autoptr(RawResponse) r = raw_request (ts, "GET /api/v1/%70olicy HTTP/1.1\r\n", NULL, 0);

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 200);
  }
}

static GString *
comment_bomb (const char *opener,
              guint       n)
{
  GString *bomb = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (bomb, opener);
  for (guint i = 0; i < n; i++)
    g_string_append_c (bomb, ']');
  return bomb;
}

/* json-glib accepts comments and recurses once per level; the old depth check did not
 * see brackets inside comments. ~700 KB of "[/\*]*\/" then "]": a 4xx JSON error on any
 * path, with no token and any Content-Type, and the server keeps serving. */
static void
test_comment_bomb (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autoptr(GString) bomb = comment_bomb ("[/*]*/", 100000);
  g_autoptr(GString) deep = comment_bomb ("[", 100000);
  const char *heads[] = {
    "POST /api/v1/accounts HTTP/1.1\r\nContent-Type: application/json\r\n",
    "POST /api/v1/sessions HTTP/1.1\r\nContent-Type: text/plain\r\n",
    "PUT /api/v1/me/profile HTTP/1.1\r\n",
    "POST /api/v1/nowhere HTTP/1.1\r\nContent-Type: application/json\r\n",
  };

  g_assert_cmpuint (bomb->len, >, 690000);
  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    for (guint k = 0; k < 2; k++)
      {
        GString *body = k == 0 ? bomb : deep;
        g_autoptr(RawResponse) r = raw_request (ts, heads[i], body->str, body->len);

        g_test_message ("%s", heads[i]);
        g_assert_nonnull (r);
        g_assert_cmpuint (r->status, >=, 400);
        g_assert_cmpuint (r->status, <, 500);
        g_assert_nonnull (raw_error_code (r));
        assert_still_serving (ts);
      }
}

/* One route table: 404 for an unknown path, 405 with Allow for a known one, 415 for a
 * body that is not application/json, 401 before any handler. */
static void
test_route_table (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  const char *json = "{\"email\":\"a@example.com\",\"password\":\"correct horse battery\"}";

  {
    g_autoptr(RawResponse) r = raw_request (ts, "DELETE /api/v1/policy HTTP/1.1\r\n", NULL, 0);
    g_autofree char *allow = NULL;

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 405);
    allow = raw_header (r, "Allow");
    g_assert_cmpstr (allow, ==, "GET");
  }
  {
    g_autoptr(RawResponse) r = raw_request (ts, "PATCH /api/v1/jobs/7 HTTP/1.1\r\n", NULL, 0);
    g_autofree char *allow = NULL;

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 405);
    allow = raw_header (r, "Allow");
    g_assert_cmpstr (allow, ==, "GET, PUT, DELETE");
  }
  {
    g_autoptr(RawResponse) r = raw_request (ts, "GET /api/v1/jobs/7/nothing HTTP/1.1\r\n", NULL, 0);

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 404);
    g_assert_cmpstr (raw_error_code (r), ==, "not_found");
  }
  {
    g_autoptr(RawResponse) r = raw_request (ts, "POST /api/v1/sessions HTTP/1.1\r\nContent-Type: text/plain\r\n",
                                            json, strlen (json));

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 415);
    g_assert_cmpstr (raw_error_code (r), ==, "unsupported_media_type");
  }
  {
    g_autoptr(RawResponse) r = raw_request (ts, "POST /api/v1/sessions HTTP/1.1\r\n", json, strlen (json));

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 415);
  }
  {
    g_autoptr(RawResponse) r = raw_request (ts, "GET /api/v1/jobs HTTP/1.1\r\n", NULL, 0);

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 401);
  }
}

/* DNS rebinding: on loopback, a Host that is not the bound address gets 421. */
static void
test_host_check (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_server_new (NULL);
  g_autofree char *good = g_strdup_printf ("GET /api/v1/policy HTTP/1.1\r\nHost: localhost:%u\r\n", server_port (ts));
  const char *bad[] = {
    "GET /api/v1/policy HTTP/1.1\r\nHost: evil.example\r\n",
    "GET /api/v1/policy HTTP/1.1\r\nHost: 127.0.0.1.evil.example:80\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(RawResponse) r = raw_request (ts, bad[i], NULL, 0);

      g_assert_nonnull (r);
      g_assert_cmpuint (r->status, ==, 421);
      g_assert_true (g_str_has_prefix (r->head, "HTTP/1.1 421 Misdirected Request\r\n"));
      g_assert_cmpstr (raw_error_code (r), ==, "misdirected_request");
    }
  {
    g_autoptr(RawResponse) r = raw_request (ts, good, NULL, 0);

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 200);
  }
  assert_still_serving (ts);
}

/* Found by fuzz-platform-http: a query value that is not UTF-8 was echoed into the
 * answer (insights' profession), a 200 whose JSON no strict reader accepts. */
static void
test_query_not_utf8 (void)
{
  g_autoptr(XpzTestServer) ts = xpz_test_demo_server_new ();
  g_autofree char *token = xpz_test_sign_in (ts, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD);
  const char *targets[] = {
    "/api/v1/insights/salaries?profession=D\xff\xff\xff\xff" "ata",
    "/api/v1/insights/salaries?profession=D%FF%FEata",
    "/api/v1/insights/salaries?pro%C0fession=Data",
  };

  g_assert_nonnull (token);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *head = g_strdup_printf ("GET %s HTTP/1.1\r\nAuthorization: Bearer %s\r\n", targets[i], token);
      g_autoptr(RawResponse) r = raw_request (ts, head, NULL, 0);

      g_assert_nonnull (r);
      g_assert_true (g_utf8_validate (r->body, -1, NULL));
      g_assert_cmpuint (r->status, ==, 400);
      g_assert_cmpstr (raw_error_code (r), ==, "invalid_query");
    }
  {
    g_autofree char *head = g_strdup_printf ("GET /api/v1/insights/salaries?profession=D%%C3%%A9veloppeur HTTP/1.1\r\n"
                                             "Authorization: Bearer %s\r\n", token);
    g_autoptr(RawResponse) r = raw_request (ts, head, NULL, 0);

    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (g_utf8_validate (r->body, -1, NULL));
  }
  assert_still_serving (ts);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/platform/R3.4/double-encoded-path-does-not-crash", test_double_encoded_path);
  g_test_add_func ("/platform/R3.4/comment-bomb-body-does-not-crash", test_comment_bomb);
  g_test_add_func ("/platform/R3.4/route-table-404-405-415", test_route_table);
  g_test_add_func ("/platform/R9.3/loopback-host-check-421", test_host_check);
  g_test_add_func ("/platform/R3.4/query-not-utf8-refused", test_query_not_utf8);

  return g_test_run ();
}
