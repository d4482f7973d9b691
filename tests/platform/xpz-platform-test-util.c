/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "xpz-platform-test-util.h"

static XpzTestServer *
server_new (const XpzPlatformOptions *options,
            gboolean                  demo)
{
  XpzTestServer *ts = g_new0 (XpzTestServer, 1);
  XpzPlatformOptions defaults;
  g_autoptr(GError) error = NULL;

  if (options == NULL)
    {
      xpz_platform_options_init (&defaults);
      defaults.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
      options = &defaults;
    }
  ts->dir = g_dir_make_tmp ("xpz-platform-test-XXXXXX", &error);
  g_assert_no_error (error);
  ts->db_path = g_build_filename (ts->dir, "platform.db", NULL);
  ts->server = xpz_platform_server_new (ts->db_path, options, &error);
  g_assert_no_error (error);
  if (demo)
    {
      xpz_platform_server_seed_demo (ts->server, &error);
      g_assert_no_error (error);
    }
  else
    xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW);
  xpz_platform_server_start_thread (ts->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  ts->url = g_strdup (xpz_platform_server_get_url (ts->server));
  g_assert_true (g_str_has_prefix (ts->url, "http://127.0.0.1:"));
  ts->session = soup_session_new_with_options ("timeout", 60, "max-conns", 64, "max-conns-per-host", 64, NULL);
  return ts;
}

XpzTestServer *
xpz_test_server_new (const XpzPlatformOptions *options)
{
  return server_new (options, FALSE);
}

XpzTestServer *
xpz_test_demo_server_new (void)
{
  return server_new (NULL, TRUE);
}

void
xpz_test_server_free (XpzTestServer *ts)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&ts->session);
  xpz_platform_server_stop (ts->server);
  g_clear_object (&ts->server);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (ts->db_path, suffixes[i], NULL);
      g_unlink (path);
    }
  g_rmdir (ts->dir);
  g_free (ts->dir);
  g_free (ts->db_path);
  g_free (ts->url);
  g_free (ts);
}

void
xpz_test_response_free (XpzTestResponse *response)
{
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response->body);
  g_free (response);
}

static XpzTestResponse *
send (XpzTestServer *ts,
      SoupMessage   *msg)
{
  XpzTestResponse *response = g_new0 (XpzTestResponse, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read (ts->session, msg, NULL, &error);

  if (bytes == NULL)
    {
      /* a dropped connection: status 0 */
      response->status = 0;
      response->body = g_strdup ("");
      return response;
    }
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response->length = g_bytes_get_size (bytes);
  response->body = g_strndup (g_bytes_get_data (bytes, NULL), response->length);
  if (response->length > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      if (json_parser_load_from_data (parser, response->body, (gssize) response->length, NULL) &&
          json_parser_get_root (parser) != NULL)
        response->json = json_node_copy (json_parser_get_root (parser));
    }
  return response;
}

XpzTestResponse *
xpz_test_request_raw (XpzTestServer *ts,
                      const char    *method,
                      const char    *path,
                      const char    *token,
                      const char    *body,
                      gsize          length)
{
  g_autofree char *uri = g_strconcat (ts->url, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return send (ts, msg);
}

/* Extra headers as name, value pairs, NULL-terminated. */
XpzTestResponse *
xpz_test_request (XpzTestServer *ts,
                  const char    *method,
                  const char    *path,
                  const char    *token,
                  const char    *body,
                  ...)
{
  g_autofree char *uri = g_strconcat (ts->url, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers;
  const char *name;
  va_list args;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  va_start (args, body);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (headers, name, va_arg (args, const char *));
  va_end (args);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return send (ts, msg);
}

JsonObject *
xpz_test_object (XpzTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

JsonArray *
xpz_test_array (XpzTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (response->json));
  return json_node_get_array (response->json);
}

const char *
xpz_test_error_code (XpzTestResponse *response)
{
  JsonObject *o = xpz_test_object (response);
  JsonObject *error = json_object_get_object_member (o, "error");

  g_assert_nonnull (error);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  return json_object_get_string_member (error, "code");
}

char *
xpz_test_sign_in (XpzTestServer *ts,
                  const char    *email,
                  const char    *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  g_autoptr(XpzTestResponse) r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL, body, NULL);

  g_assert_cmpuint (r->status, ==, 201);
  return g_strdup (json_object_get_string_member (xpz_test_object (r), "access_token"));
}

char *
xpz_test_signup (XpzTestServer *ts,
                 const char    *email,
                 const char    *role,
                 const char    *name,
                 const char    *company,
                 gint64        *account_id)
{
  g_autofree char *body = NULL;
  g_autoptr(XpzTestResponse) r = NULL;

  if (company != NULL)
    body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"correct horse battery\",\"role\":\"%s\","
                            "\"name\":\"%s\",\"company\":\"%s\"}", email, role, name, company);
  else
    body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"correct horse battery\",\"role\":\"%s\","
                            "\"name\":\"%s\"}", email, role, name);
  r = xpz_test_request (ts, "POST", "/api/v1/accounts", NULL, body, NULL);
  /* sign-up answers 202 without the account (no oracle); signing in gives its id */
  g_assert_cmpuint (r->status, ==, 202);
  g_clear_pointer (&r, xpz_test_response_free);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"correct horse battery\"}", email);
  r = xpz_test_request (ts, "POST", "/api/v1/sessions", NULL, body, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  if (account_id != NULL)
    *account_id = json_object_get_int_member (json_object_get_object_member (xpz_test_object (r), "account"), "id");
  return g_strdup (json_object_get_string_member (xpz_test_object (r), "access_token"));
}

/* R5.1: an employer's organisation verified as an operator would (the command line's
 * path): until then nothing identifying reaches it. */
void
xpz_test_verify_employer (XpzTestServer *ts,
                          const char    *email)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xpz_platform_server_verify_employer (ts->server, email, TRUE, &error));
  g_assert_no_error (error);
}

gint64
xpz_test_create_job (XpzTestServer *ts,
                     const char    *token,
                     const char    *json)
{
  g_autoptr(XpzTestResponse) r = xpz_test_request (ts, "POST", "/api/v1/jobs", token, json, NULL);

  if (r->status != 201)
    g_printerr ("%s\n", r->body);
  g_assert_cmpuint (r->status, ==, 201);
  return json_object_get_int_member (xpz_test_object (r), "id");
}

void
xpz_test_put_profile (XpzTestServer *ts,
                      const char    *token,
                      const char    *json)
{
  g_autoptr(XpzTestResponse) r = xpz_test_request (ts, "PUT", "/api/v1/me/profile", token, json, NULL);

  if (r->status != 200)
    g_printerr ("%s\n", r->body);
  g_assert_cmpuint (r->status, ==, 200);
}

void
xpz_test_set_privacy (XpzTestServer *ts,
                      const char    *token,
                      const char    *json)
{
  g_autoptr(XpzTestResponse) r = xpz_test_request (ts, "PUT", "/api/v1/me/privacy", token, json, NULL);

  if (r->status != 200)
    g_printerr ("%s\n", r->body);
  g_assert_cmpuint (r->status, ==, 200);
}
