/* SPDX-License-Identifier: GPL-3.0-or-later */
/* B1: the app verifies the consent ledger's hash chain itself. The chains come from the
 * real platform (in-process, real HTTP on loopback); tampering edits its database. */
#define G_LOG_DOMAIN "test-ledger"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "xpz-ledger.h"
#include "xpz-platform-test-util.h"

typedef struct
{
  XpzTestServer *ts;
  char          *token;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->ts = xpz_test_server_new (NULL);
  xpz_platform_server_seed_demo (f->ts->server, &error);
  g_assert_no_error (error);
  f->token = xpz_test_sign_in (f->ts, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD);
  g_assert_nonnull (f->token);
  /* A few more entries of different kinds: settings, channels, a block. */
  xpz_test_set_privacy (f->ts, f->token, "{\"marketing\":true,\"ai_training\":false}");
  xpz_test_set_privacy (f->ts, f->token,
                        "{\"channels\":{\"sms\":{\"new_roles\":true,\"feedback\":false,"
                        "\"partners\":false}}}");
  {
    g_autoptr (XpzTestResponse) r = xpz_test_request (f->ts, "POST", "/api/v1/me/blocked-employers",
                                                      f->token, "{\"domain\":\"exemple-é.ma\"}",
                                                      NULL);
    g_assert_cmpuint (r->status, ==, 201);
  }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->token);
  xpz_test_server_free (f->ts);
}

/* The ledger as the app receives it: a copy of its entries, and the server's verdict. */
static JsonArray *
get_ledger (Fixture  *f,
            gboolean *server_verified)
{
  g_autoptr (XpzTestResponse) r = xpz_test_request (f->ts, "GET", "/api/v1/me/ledger", f->token,
                                                    NULL, NULL);
  JsonObject *o;

  g_assert_cmpuint (r->status, ==, 200);
  o = xpz_test_object (r);
  if (server_verified != NULL)
    *server_verified = json_object_get_boolean_member (o, "verified");
  return json_array_ref (json_object_get_array_member (o, "entries"));
}

static void
tamper (Fixture    *f,
        const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open (f->ts->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), >, 0);
  sqlite3_close (db);
}

static const char *
candidate_filter (void)
{
  return "candidate_id = (SELECT id FROM accounts WHERE email = '" XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL "')";
}

static void
test_valid_chain (Fixture       *f,
                  gconstpointer  data)
{
  gboolean server_verified = FALSE;
  g_autoptr (JsonArray) entries = get_ledger (f, &server_verified);
  g_autoptr (GError) error = NULL;
  gint64 bad = -1;

  g_assert_true (server_verified);
  g_assert_cmpuint (json_array_get_length (entries), >=, 5);
  g_assert_true (xpz_ledger_verify (entries, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bad, ==, 0);
}

static void
test_tampered_detail (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *sql = NULL;
  g_autoptr (JsonArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  gint64 bad = 0;

  /* Still valid JSON, only a value changed: the hash no longer matches. */
  sql = g_strdup_printf ("UPDATE ledger SET detail = replace (detail, 'true', 'false')"
                         " WHERE kind = 'settings_initialised' AND %s", candidate_filter ());
  tamper (f, sql);
  entries = get_ledger (f, NULL);
  g_assert_false (xpz_ledger_verify (entries, &bad, &error));
  g_assert_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_ALTERED);
  g_assert_cmpint (bad, ==, 2);
}

static void
test_rehashed_row (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (JsonArray) entries = get_ledger (f, NULL);
  JsonObject *second = json_array_get_object_element (entries, 1);
  g_autoptr (JsonNode) detail = json_node_copy (json_object_get_member (second, "detail"));
  g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 (json_object_get_string_member (second, "at"), NULL);
  g_autofree char *forged = NULL;
  g_autoptr (GError) error = NULL;
  gint64 bad = 0;

  /* A forger who edits a row and rehashes it breaks the link to the next row. */
  json_object_set_boolean_member (json_node_get_object (detail), "marketing", TRUE);
  forged = xpz_ledger_entry_hash (json_object_get_string_member (second, "prev_hash"), 2,
                                  g_date_time_to_unix (at),
                                  json_object_get_string_member (second, "kind"), detail);
  json_object_set_member (second, "detail", g_steal_pointer (&detail));
  json_object_set_string_member (second, "hash", forged);
  g_assert_false (xpz_ledger_verify (entries, &bad, &error));
  g_assert_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_CHAIN);
  g_assert_cmpint (bad, ==, 3);
}

static void
test_deleted_row (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *sql = NULL;
  g_autoptr (JsonArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  gboolean server_verified = TRUE;
  gint64 bad = 0;

  sql = g_strdup_printf ("DELETE FROM ledger WHERE seq = 3 AND %s", candidate_filter ());
  tamper (f, sql);
  entries = get_ledger (f, &server_verified);
  g_assert_false (server_verified);
  g_assert_false (xpz_ledger_verify (entries, &bad, &error));
  g_assert_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_SEQUENCE);
  g_assert_cmpint (bad, ==, 3);

  /* The last row deleted leaves a valid but shorter chain: nothing to detect in it, the
   * platform's own count is what tells. Deleting the first one breaks it at once. */
  g_clear_error (&error);
  g_free (sql);
  sql = g_strdup_printf ("DELETE FROM ledger WHERE seq = 1 AND %s", candidate_filter ());
  tamper (f, sql);
  g_clear_pointer (&entries, json_array_unref);
  entries = get_ledger (f, NULL);
  g_assert_false (xpz_ledger_verify (entries, &bad, &error));
  g_assert_cmpint (bad, ==, 1);
}

static void
test_reordered_rows (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (JsonArray) entries = NULL;
  g_autoptr (JsonArray) swapped = json_array_new ();
  g_autoptr (GError) error = NULL;
  gint64 bad = 0;

  /* Reordered in the database: seq numbers of rows 2 and 3 swapped. */
  {
    /* seq may be UNIQUE per candidate: go through a free number. */
    g_autofree char *a = g_strdup_printf ("UPDATE ledger SET seq = -2 WHERE seq = 2 AND %s", candidate_filter ());
    g_autofree char *b = g_strdup_printf ("UPDATE ledger SET seq = 2 WHERE seq = 3 AND %s", candidate_filter ());
    g_autofree char *c = g_strdup_printf ("UPDATE ledger SET seq = 3 WHERE seq = -2 AND %s", candidate_filter ());

    tamper (f, a);
    tamper (f, b);
    tamper (f, c);
  }
  entries = get_ledger (f, NULL);
  g_assert_false (xpz_ledger_verify (entries, &bad, &error));
  g_assert_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_CHAIN);
  g_assert_cmpint (bad, ==, 2);

  /* Reordered in transit: the entries' own seq numbers betray it. */
  g_clear_error (&error);
  g_clear_pointer (&entries, json_array_unref);
  tamper (f, "UPDATE ledger SET seq = -2 WHERE seq = 2 AND candidate_id = (SELECT id FROM accounts"
             " WHERE email = '" XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL "')");
  tamper (f, "UPDATE ledger SET seq = 2 WHERE seq = 3 AND candidate_id = (SELECT id FROM accounts"
             " WHERE email = '" XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL "')");
  tamper (f, "UPDATE ledger SET seq = 3 WHERE seq = -2 AND candidate_id = (SELECT id FROM accounts"
             " WHERE email = '" XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL "')");
  entries = get_ledger (f, NULL);
  g_assert_true (xpz_ledger_verify (entries, NULL, NULL));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      guint j = i == 1 ? 2 : i == 2 ? 1 : i;

      json_array_add_element (swapped, json_node_copy (json_array_get_element (entries, j)));
    }
  g_assert_false (xpz_ledger_verify (swapped, &bad, &error));
  g_assert_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_SEQUENCE);
  g_assert_cmpint (bad, ==, 2);
}

static void
test_canonical_json (void)
{
  g_autoptr (JsonNode) node = json_from_string ("{\"z\":[1,true,null,{\"b\":\"\\\"é\\n\\u0001\",\"a\":-3}],"
                                                " \"a\" : \"/\"}", NULL);
  g_autofree char *canonical = xpz_ledger_canonical_json (node);
  g_autoptr (JsonNode) empty = json_from_string ("{}", NULL);
  g_autofree char *genesis_hash = NULL;

  g_assert_cmpstr (canonical, ==, "{\"a\":\"/\",\"z\":[1,true,null,{\"a\":-3,\"b\":\"\\\"é\\n\\u0001\"}]}");
  /* A fixed vector: sha256 ("000…0" + {"at":1,"detail":{},"kind":"account_created","seq":1}) */
  genesis_hash = xpz_ledger_entry_hash (XPZ_LEDGER_GENESIS, 1, 1, "account_created", empty);
  {
    g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                               XPZ_LEDGER_GENESIS
                                                               "{\"at\":1,\"detail\":{},"
                                                               "\"kind\":\"account_created\","
                                                               "\"seq\":1}", -1);
    g_assert_cmpstr (genesis_hash, ==, expected);
  }
}

static void
test_labels (void)
{
  g_autofree char *known = xpz_ledger_kind_label ("share_revoked");
  g_autofree char *unknown = xpz_ledger_kind_label ("something_new");

  g_assert_cmpstr (known, ==, "Share revoked");
  g_assert_nonnull (strstr (unknown, "something_new"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/privacy/B1/canonical-json", test_canonical_json);
  g_test_add_func ("/privacy/B1/kind-labels", test_labels);
  g_test_add ("/privacy/B1/valid-chain", Fixture, NULL, fixture_setup, test_valid_chain,
              fixture_teardown);
  g_test_add ("/privacy/B1/tampered-detail", Fixture, NULL, fixture_setup, test_tampered_detail,
              fixture_teardown);
  g_test_add ("/privacy/B1/rehashed-row", Fixture, NULL, fixture_setup, test_rehashed_row,
              fixture_teardown);
  g_test_add ("/privacy/B1/deleted-row", Fixture, NULL, fixture_setup, test_deleted_row,
              fixture_teardown);
  g_test_add ("/privacy/B1/reordered-rows", Fixture, NULL, fixture_setup, test_reordered_rows,
              fixture_teardown);

  return g_test_run ();
}
