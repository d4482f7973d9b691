/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "employer-test-util"

#include "config.h"

#include "employer-test-util.h"

typedef struct
{
  guint n;
} Seed;

static gboolean
run (sqlite3     *db,
     const char  *sql,
     GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gpointer
seed_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Seed *seed = data;
  sqlite3_stmt *candidate = NULL, *match = NULL;
  gint64 job_id;
  static const char * const regions[] = { "Casablanca", "Rabat", "Tanger", "Marrakech", "Fes" };
  static const char * const seniorities[] = { "junior", "mid", "senior", "lead" };
  static const char * const stages[] = { "new", "new", "new", "reviewing", "contacted" };

  if (!run (db, "INSERT INTO job (remote_id, title, company, location, skills, own, status,"
                " skills_json) VALUES (NULL, 'Data Engineer', 'Atlas', 'Casablanca',"
                " 'SQL, Python', 1, 'open', '[]')", error))
    return NULL;
  job_id = sqlite3_last_insert_rowid (db);
  if (sqlite3_prepare_v2 (db, "INSERT INTO candidate (remote_id, headline, skills, location,"
                              " years, seniority) VALUES (?1, ?2, ?3, ?4, ?5, ?2)",
                          -1, &candidate, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT INTO match (remote_id, job_id, candidate_id, score,"
                              " explanation, created_at, points, stage, shared)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8)",
                          -1, &match, NULL) != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, sqlite3_errcode (db), error);
      sqlite3_finalize (candidate);
      sqlite3_finalize (match);
      return NULL;
    }
  for (guint i = 0; i < seed->n; i++)
    {
      char remote[32], skills[64], match_remote[48];
      int points = 100 - (int) ((guint64) i * 100 / seed->n);
      gint64 candidate_id;

      g_snprintf (remote, sizeof remote, "c%u", i);
      g_snprintf (skills, sizeof skills, "skill%u, SQL", i % 50);
      sqlite3_bind_text (candidate, 1, remote, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (candidate, 2, seniorities[i % 4], -1, SQLITE_STATIC);
      sqlite3_bind_text (candidate, 3, skills, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (candidate, 4, regions[i % 5], -1, SQLITE_STATIC);
      sqlite3_bind_int (candidate, 5, (int) (i % 15));
      if (sqlite3_step (candidate) != SQLITE_DONE)
        goto failed;
      sqlite3_reset (candidate);
      candidate_id = sqlite3_last_insert_rowid (db);

      g_snprintf (match_remote, sizeof match_remote, "%" G_GINT64_FORMAT ":%u", job_id, i);
      sqlite3_bind_text (match, 1, match_remote, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (match, 2, job_id);
      sqlite3_bind_int64 (match, 3, candidate_id);
      sqlite3_bind_double (match, 4, points / 100.0);
      sqlite3_bind_text (match, 5, "{\"factors\":[{\"name\":\"skills\",\"weight\":40,\"score\":40,"
                                   "\"status\":\"match\",\"detail\":\"All required skills\"}]}",
                         -1, SQLITE_STATIC);
      sqlite3_bind_int (match, 6, points);
      sqlite3_bind_text (match, 7, stages[i % 5], -1, SQLITE_STATIC);
      sqlite3_bind_int (match, 8, i % 10 == 0);
      if (sqlite3_step (match) != SQLITE_DONE)
        goto failed;
      sqlite3_reset (match);
    }
  sqlite3_finalize (candidate);
  sqlite3_finalize (match);
  xpz_store_record_change (store, "job", job_id, XPZ_STORE_CHANGE_INSERTED);
  xpz_store_record_change (store, "match", 0, XPZ_STORE_CHANGE_RESET);
  return g_memdup2 (&job_id, sizeof job_id);

failed:
  xpz_store_set_sqlite_error (db, sqlite3_errcode (db), error);
  sqlite3_finalize (candidate);
  sqlite3_finalize (match);
  return NULL;
}

gint64
employer_test_seed (XpzStore  *store,
                    guint      n,
                    GError   **error)
{
  Seed seed = { n };
  g_autofree gint64 *job_id = xpz_store_run_sync (store, TRUE, seed_func, &seed, error);

  return job_id != NULL ? *job_id : 0;
}

static gboolean
timed_out (gpointer data)
{
  g_error ("The match model did not settle within 30 s");
  return G_SOURCE_REMOVE;
}

void
employer_test_wait_model (XpzMatchModel *model)
{
  guint timeout = g_timeout_add_seconds (30, timed_out, NULL);

  while (xpz_match_model_is_busy (model))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}
