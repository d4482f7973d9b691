/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sync-test-util.h"

void
xpz_test_wait (XpzTestWait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

void
xpz_test_api_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      wait)
{
  XpzTestWait *w = wait;

  w->response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &w->error);
  w->done = TRUE;
}

void
xpz_test_sign_in_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      wait)
{
  XpzTestWait *w = wait;

  w->ok = xpz_session_sign_in_finish (XPZ_SESSION (source), result, &w->error);
  w->done = TRUE;
}

void
xpz_test_push_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      wait)
{
  XpzTestWait *w = wait;

  w->ok = xpz_sync_engine_push_finish (XPZ_SYNC_ENGINE (source), result, &w->error);
  w->done = TRUE;
}

void
xpz_test_pull_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      wait)
{
  XpzTestWait *w = wait;

  w->ok = xpz_sync_engine_pull_finish (XPZ_SYNC_ENGINE (source), result, &w->n, &w->error);
  w->done = TRUE;
}

void
xpz_test_enqueue_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      wait)
{
  XpzTestWait *w = wait;

  w->ok = xpz_sync_engine_enqueue_finish (XPZ_SYNC_ENGINE (source), result, &w->error) > 0;
  w->done = TRUE;
}

/* A raw API call (no outbox), for setting up and checking; fails the test when there is
 * no answer at all. */
XpzApiResponse *
xpz_test_api (XpzApiClient *client,
              const char   *method,
              const char   *path,
              const char   *body_json,
              const char   *idempotency_key,
              const char   *if_match)
{
  g_autoptr (JsonNode) body = body_json != NULL ? json_from_string (body_json, NULL) : NULL;
  XpzTestWait w = { 0 };

  xpz_api_client_call_async (client, method, path, body, idempotency_key, if_match, NULL,
                             xpz_test_api_done, &w);
  xpz_test_wait (&w);
  g_assert_no_error (w.error);
  return w.response;
}

/* A job posting in the platform's Job shape. */
char *
xpz_test_job_json (const char *title)
{
  return g_strdup_printf ("{\"title\":\"%s\",\"description\":\"Pipelines\","
                          "\"skills\":[{\"name\":\"SQL\",\"must_have\":true}],"
                          "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},"
                          "\"work_mode\":\"hybrid\",\"salary\":{\"min\":15000,\"max\":22000,"
                          "\"currency\":\"MAD\",\"period\":\"month\"},\"contract_type\":\"CDI\","
                          "\"seniority\":\"mid\",\"languages\":[\"fr\"]}", title);
}

static gpointer
count_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, data, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return g_memdup2 (&n, sizeof n);
}

/* The one number @sql (a "SELECT count(*) …") reads from the local database. */
gint64
xpz_test_store_count (XpzStore   *store,
                      const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *n = xpz_store_run_sync (store, FALSE, count_func, (gpointer) sql, &error);

  g_assert_no_error (error);
  return *n;
}
