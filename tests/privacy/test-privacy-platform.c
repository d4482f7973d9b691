/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the privacy center needs of the platform beyond docs/platform-api.md's first
 * version: a deletion request's receipt, with which the app learns that its account was
 * erased (R7.2) after every session of it is gone. */
#define G_LOG_DOMAIN "test-privacy-platform"

#include "config.h"

#include <string.h>

#include "xpz-deletion.h"
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

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  JsonObject **status = user_data;
  g_autoptr (GError) error = NULL;

  *status = xpz_deletion_check_finish (XPZ_API_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static JsonObject *
check (XpzApiClient *client,
       gint64        id,
       const char   *receipt)
{
  JsonObject *status = NULL;

  xpz_deletion_check_async (client, id, receipt, NULL, check_done, &status);
  while (status == NULL)
    g_main_context_iteration (NULL, TRUE);
  return status;
}

/* The app's side: the receipt kept in the settings (for this account on this platform
 * only), and the check through the public endpoint once the account is gone. */
static void
test_deletion_receipt_kept (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autoptr (GSettings) settings = g_settings_new (BASE_APP_ID);
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *kept = NULL;
  g_autoptr (JsonObject) pending = NULL;
  g_autoptr (JsonObject) completed = NULL;
  gint64 id, kept_id = 0;
  guint n = 0;

  xpz_platform_server_seed_demo (ts->server, &error);
  g_assert_no_error (error);
  client = xpz_api_client_new (ts->url, &error);
  g_assert_no_error (error);
  token = xpz_test_sign_in (ts, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD);
  {
    g_autoptr (XpzTestResponse) r = xpz_test_request (ts, "POST", "/api/v1/me/deletion-request",
                                                      token, "{}", NULL);
    id = json_object_get_int_member (xpz_test_object (r), "id");
    receipt = g_strdup (json_object_get_string_member (xpz_test_object (r), "receipt"));
  }

  g_assert_false (xpz_deletion_lookup (settings, ts->url, "7", NULL, NULL));
  g_assert_true (xpz_deletion_remember (settings, ts->url, "7", id, receipt));
  g_assert_true (xpz_deletion_remember (settings, "https://other.example", "7", id + 1, "abc"));
  g_assert_true (xpz_deletion_lookup (settings, ts->url, "7", &kept_id, &kept));
  g_assert_cmpint (kept_id, ==, id);
  g_assert_cmpstr (kept, ==, receipt);
  g_assert_false (xpz_deletion_lookup (settings, ts->url, "8", NULL, NULL));
  /* no receipt, nothing kept */
  g_assert_false (xpz_deletion_remember (settings, ts->url, "9", id, ""));

  pending = check (client, id, receipt);
  g_assert_false (xpz_deletion_is_completed (pending));

  xpz_platform_server_set_now (ts->server, XPZ_TEST_NOW + 31 * 86400);
  g_assert_true (xpz_platform_server_complete_due_deletions (ts->server, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  completed = check (client, id, receipt);
  g_assert_true (xpz_deletion_is_completed (completed));

  /* acted upon: forgotten, and only this one */
  xpz_deletion_forget (settings, ts->url, "7");
  g_assert_false (xpz_deletion_lookup (settings, ts->url, "7", NULL, NULL));
  g_assert_true (xpz_deletion_lookup (settings, "https://other.example", "7", NULL, NULL));
  xpz_test_server_free (ts);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/privacy/R7.2/deletion-receipt", test_deletion_receipt);
  g_test_add_func ("/privacy/R7.2/deletion-receipt-kept-and-checked", test_deletion_receipt_kept);

  return g_test_run ();
}
