/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "xpz-platform-server.h"

G_BEGIN_DECLS

/* Test helpers: a real server in its own thread on 127.0.0.1:0 with a throwaway
 * database, and a blocking SoupSession talking HTTP to it over loopback. */

#define XPZ_TEST_NOW ((gint64) 1767225600 + 86400 * 30)   /* 2026-01-31 */

typedef struct
{
  XpzPlatformServer *server;
  char              *dir;
  char              *db_path;
  char              *url;
  SoupSession       *session;
} XpzTestServer;

typedef struct
{
  guint               status;
  JsonNode           *json;
  char               *body;
  gsize               length;
  SoupMessageHeaders *headers;
} XpzTestResponse;

XpzTestServer   *xpz_test_server_new      (const XpzPlatformOptions *options);
/* The demo platform (the app's built-in demo data) on the real clock: for the tests that
 * drive the app's own sign-in, restore and sync against it. */
XpzTestServer   *xpz_test_demo_server_new (void);
void             xpz_test_server_free     (XpzTestServer   *ts);
XpzTestResponse *xpz_test_request         (XpzTestServer   *ts,
                                           const char      *method,
                                           const char      *path,
                                           const char      *token,
                                           const char      *body,
                                           ...) G_GNUC_NULL_TERMINATED;
XpzTestResponse *xpz_test_request_raw     (XpzTestServer   *ts,
                                           const char      *method,
                                           const char      *path,
                                           const char      *token,
                                           const char      *body,
                                           gsize            length);
void             xpz_test_response_free   (XpzTestResponse *response);
char            *xpz_test_signup          (XpzTestServer   *ts,
                                           const char      *email,
                                           const char      *role,
                                           const char      *name,
                                           const char      *company,
                                           gint64          *account_id);
char            *xpz_test_sign_in         (XpzTestServer   *ts,
                                           const char      *email,
                                           const char      *password);
void             xpz_test_verify_employer (XpzTestServer   *ts,
                                           const char      *email);
JsonObject      *xpz_test_object          (XpzTestResponse *response);
JsonArray       *xpz_test_array           (XpzTestResponse *response);
const char      *xpz_test_error_code      (XpzTestResponse *response);
gint64           xpz_test_create_job      (XpzTestServer   *ts,
                                           const char      *token,
                                           const char      *json);
void             xpz_test_put_profile     (XpzTestServer   *ts,
                                           const char      *token,
                                           const char      *json);
void             xpz_test_set_privacy     (XpzTestServer   *ts,
                                           const char      *token,
                                           const char      *json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzTestResponse, xpz_test_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzTestServer, xpz_test_server_free)

G_END_DECLS
