/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the privacy center needs of the platform beyond docs/platform-api.md's first
 * version: a deletion request's receipt, with which the app learns that its account was
 * erased (R7.2) after every session of it is gone. */
#define G_LOG_DOMAIN "test-privacy-platform"

#include "config.h"

#include <string.h>

#include "xpz-platform-test-util.h"

static void
test_deletion_receipt (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *receipt = NULL;
  gint64 id;
  guint n = 0;

  xpz_platform_server_seed_demo (ts->server, &error);
  g_assert_no_error (error);
  token = xpz_test_sign_in (ts, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD);

  {
    g_autoptr (XpzTestResponse) r = xpz_test_request (ts, "POST", "/api/v1/me/deletion-request",
                                                      token, "{}", NULL);
    JsonObject *o = xpz_test_object (r);

    g_assert_cmpuint (r->status, ==, 201);
    id = json_object_get_int_member (o, "id");
    receipt = g_strdup (json_object_get_string_member (o, "receipt"));
    g_assert_cmpuint (strlen (receipt), ==, 64);
    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "pending");
  }
  {
    /* GET gives the same receipt. */
    g_autoptr (XpzTestResponse) r = xpz_test_request (ts, "GET", "/api/v1/me/deletion-request",
                                                      token, NULL, NULL);
    g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "receipt"), ==, receipt);
  }

  /* Without the right receipt, nothing is learnt. */
  wrong = g_strdup_printf ("/api/v1/deletion-requests/%" G_GINT64_FORMAT "?receipt=%064d", id, 0);
  {
    g_autoptr (XpzTestResponse) r = xpz_test_request (ts, "GET", wrong, NULL, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 404);
  }
  path = g_strdup_printf ("/api/v1/deletion-requests/%" G_GINT64_FORMAT "?receipt=%s", id, receipt);
  {
    g_autoptr (XpzTestResponse) r = xpz_test_request (ts, "GET", path, NULL, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (xpz_test_object (r), "status"), ==, "pending");
  }

  /* Not due yet: nothing happens. */
  g_assert_true (xpz_platform_server_complete_due_deletions (ts->server, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 31 * 86400);
  g_assert_true (xpz_platform_server_complete_due_deletions (ts->server, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);

  {
    g_autoptr (XpzTestResponse) r = xpz_test_request (ts, "GET", "/api/v1/me", token, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 401);
  }
  {
    g_autoptr (XpzTestResponse) r = xpz_test_request (ts, "GET", path, NULL, NULL, NULL);
    JsonObject *o = xpz_test_object (r);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "completed");
    g_assert_nonnull (json_object_get_string_member (o, "completed_at"));
    /* The tombstone says nothing about the person. */
    g_assert_false (json_object_has_member (o, "email"));
    g_assert_false (json_object_has_member (o, "account_id"));
  }
  xpz_test_server_free (ts);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/privacy/R7.2/deletion-receipt", test_deletion_receipt);

  return g_test_run ();
}
