/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-sync-pull"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-sync-engine-private.h"

/* Receiving (B3): the platform's change feed, page by page. Each page's changes and the
 * cursor that follows them are written in one transaction, so that a crash between two
 * pages loses nothing and applies nothing twice. An expired or unknown cursor (410)
 * starts a full resynchronisation: the synced tables are emptied and refilled from a
 * snapshot, and the outbox — the user's own unsent changes — is left as it is. */

#define CHANGES_RESOURCE "changes"
#define PAGE_LIMIT 5000
#define STRONG_MATCH 0.80  /* a new match this good is worth a notification */

/* Pages are pipelined: the next page is asked for as soon as a page arrives, while the
 * store's worker applies that one (the worker applies pages in order). The pull ends
 * when no request is in flight and no page waits to be applied. */
typedef struct
{
  char         *cursor;
  guint         applied;
  gboolean      refreshed;
  gboolean      resynced;
  gboolean      attention;    /* the outbox had parked changes when the pull began */
  gboolean      in_flight;    /* a request or a cursor read is under way */
  guint         applying;     /* pages handed to the worker, not yet applied */
  gboolean      finished;     /* the last answer settled the outcome below */
  XpzSyncState  final_state;
  gint64        next_attempt;
  GError       *error;
  guint         introductions;
  guint         strong_matches;
  char         *policy_summary;
} Pull;

static void
pull_free (Pull *pull)
{
  g_free (pull->cursor);
  g_free (pull->policy_summary);
  g_clear_error (&pull->error);
  g_free (pull);
}

/* --- in the store's transaction ----------------------------------------------------- */

/* Steps a prepared statement that is used again for the next change. */
static gboolean
exec_stmt (sqlite3       *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  gboolean ok = xpz_store_step_done (db, stmt, error);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static JsonObject *
member_object (JsonObject *o,
               const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* A JSON id (number or string) as text. */
static char *
member_id (JsonObject *o,
           const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return NULL;
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
}

static char *
skills_text (JsonObject *holder,
             const char *member)
{
  JsonNode *n = holder != NULL ? json_object_get_member (holder, member) : NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  JsonArray *array;

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return NULL;
  array = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      const char *name = NULL;

      if (JSON_NODE_HOLDS_OBJECT (e))
        name = member_string (json_node_get_object (e), "name");
      else if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        name = json_node_get_string (e);
      if (name == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *upsert_job;
  sqlite3_stmt *delete_job;
  sqlite3_stmt *upsert_candidate;
  sqlite3_stmt *upsert_match;
  sqlite3_stmt *delete_match;
  sqlite3_stmt *upsert_setting;
  sqlite3_stmt *lookup_job;
  sqlite3_stmt *lookup_candidate;
  sqlite3_stmt *read_setting;
  gint64        now;
  gboolean      incremental;       /* a cursor was given: these are news, not the snapshot */
  guint         introductions;
  guint         strong_matches;
  char         *policy_summary;
  gboolean      jobs_changed;
  gboolean      candidates_changed;
  gboolean      matches_changed;
} Apply;

static void
apply_clear (Apply *a)
{
  sqlite3_finalize (a->upsert_job);
  sqlite3_finalize (a->delete_job);
  sqlite3_finalize (a->upsert_candidate);
  sqlite3_finalize (a->upsert_match);
  sqlite3_finalize (a->delete_match);
  sqlite3_finalize (a->upsert_setting);
  sqlite3_finalize (a->lookup_job);
  sqlite3_finalize (a->lookup_candidate);
  sqlite3_finalize (a->read_setting);
}

static gboolean
prepare_all (Apply   *a,
             GError **error)
{
  struct { sqlite3_stmt **stmt; const char *sql; } all[] = {
    { &a->upsert_job,
      "INSERT INTO job (remote_id, title, company, location, skills, description,"
      " contract_type, remote, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
      " ON CONFLICT (remote_id) DO UPDATE SET title = excluded.title,"
      " company = excluded.company, location = excluded.location, skills = excluded.skills,"
      " description = excluded.description, contract_type = excluded.contract_type,"
      " remote = excluded.remote, updated_at = excluded.updated_at" },
    { &a->delete_job, "DELETE FROM job WHERE remote_id = ?1" },
    { &a->upsert_candidate,
      "INSERT INTO candidate (remote_id, headline, skills, location, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (remote_id) DO UPDATE SET"
      " headline = excluded.headline, skills = excluded.skills,"
      " location = excluded.location, updated_at = excluded.updated_at" },
    { &a->upsert_match,
      "INSERT INTO match (remote_id, job_id, candidate_id, score, explanation, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (remote_id) DO UPDATE SET"
      " job_id = excluded.job_id, candidate_id = excluded.candidate_id,"
      " score = excluded.score, explanation = excluded.explanation" },
    { &a->delete_match, "DELETE FROM match WHERE remote_id = ?1" },
    { &a->upsert_setting,
      "INSERT INTO privacy_setting (key, value, updated_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at" },
    { &a->lookup_job, "SELECT id FROM job WHERE remote_id = ?1" },
    { &a->lookup_candidate, "SELECT id FROM candidate WHERE remote_id = ?1" },
    { &a->read_setting, "SELECT value FROM privacy_setting WHERE key = ?1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      int rc = sqlite3_prepare_v2 (a->db, all[i].sql, -1, all[i].stmt, NULL);
      if (rc != SQLITE_OK)
        {
          xpz_store_set_sqlite_error (a->db, rc, error);
          return FALSE;
        }
    }
  return TRUE;
}

static gint64
lookup (Apply        *a,
        sqlite3_stmt *stmt,
        const char   *remote_id)
{
  gint64 id = 0;

  sqlite3_bind_text (stmt, 1, remote_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return id;
}

/* A job (the platform's Job shape) into the job table; returns its local id. */
static gint64
apply_job (Apply       *a,
           JsonObject  *job,
           GError     **error)
{
  g_autofree char *remote_id = member_id (job, "id");
  g_autofree char *skills = skills_text (job, "skills");
  JsonObject *location = member_object (job, "location");
  JsonObject *employer = member_object (job, "employer");

  if (remote_id == NULL || member_string (job, "title") == NULL)
    return 0;  /* not a job as the API defines it: left out, not fatal */

  sqlite3_bind_text (a->upsert_job, 1, remote_id, -1, SQLITE_TRANSIENT);
  xpz_store_bind_text_or_null (a->upsert_job, 2, member_string (job, "title"));
  xpz_store_bind_text_or_null (a->upsert_job, 3, member_string (employer, "company"));
  xpz_store_bind_text_or_null (a->upsert_job, 4, member_string (location, "city"));
  xpz_store_bind_text_or_null (a->upsert_job, 5, skills);
  xpz_store_bind_text_or_null (a->upsert_job, 6, member_string (job, "description"));
  xpz_store_bind_text_or_null (a->upsert_job, 7, member_string (job, "contract_type"));
  xpz_store_bind_text_or_null (a->upsert_job, 8, member_string (job, "work_mode"));
  sqlite3_bind_int64 (a->upsert_job, 9, a->now);
  if (!exec_stmt (a->db, a->upsert_job, error))
    return -1;
  a->jobs_changed = TRUE;
  return lookup (a, a->lookup_job, remote_id);
}

/* The anonymised summary of an employer-side match's candidate (never contact data:
 * that stays on the platform's side of a share). */
static gint64
apply_candidate (Apply       *a,
                 JsonObject  *candidate,
                 GError     **error)
{
  g_autofree char *remote_id = member_id (candidate, "id");
  JsonObject *summary = member_object (candidate, "summary");
  g_autofree char *skills = skills_text (summary, "skills");
  const char *seniority = member_string (summary, "seniority");

  if (remote_id == NULL)
    return 0;
  sqlite3_bind_text (a->upsert_candidate, 1, remote_id, -1, SQLITE_TRANSIENT);
  xpz_store_bind_text_or_null (a->upsert_candidate, 2, seniority);
  xpz_store_bind_text_or_null (a->upsert_candidate, 3, skills);
  xpz_store_bind_text_or_null (a->upsert_candidate, 4, member_string (summary, "region"));
  sqlite3_bind_int64 (a->upsert_candidate, 5, a->now);
  if (!exec_stmt (a->db, a->upsert_candidate, error))
    return -1;
  a->candidates_changed = TRUE;
  return lookup (a, a->lookup_candidate, remote_id);
}

static gboolean
apply_match (Apply       *a,
             const char  *change_id,
             JsonNode    *data_node,
             GError     **error)
{
  JsonObject *data = JSON_NODE_HOLDS_OBJECT (data_node) ? json_node_get_object (data_node) : NULL;
  g_autofree char *remote_id = NULL;
  g_autofree char *explanation = NULL;
  gint64 job_id = 0, candidate_id = 0;
  JsonObject *candidate = member_object (data, "candidate");
  double score;

  if (data == NULL)
    return TRUE;

  if (candidate != NULL)
    {
      /* Employer side: id "job:candidate". */
      g_autofree char *job_remote = member_id (data, "job_id");

      candidate_id = apply_candidate (a, candidate, error);
      if (candidate_id < 0)
        return FALSE;
      if (job_remote != NULL)
        job_id = lookup (a, a->lookup_job, job_remote);
      remote_id = g_strdup (change_id);
    }
  else
    {
      /* Candidate side: the job comes with the match. */
      JsonObject *job = member_object (data, "job");

      job_id = job != NULL ? apply_job (a, job, error) : 0;
      if (job_id < 0)
        return FALSE;
      remote_id = g_strconcat ("job:", change_id, NULL);
    }

  score = json_object_get_double_member_with_default (data, "score", 0) / 100.0;
  explanation = json_to_string (data_node, FALSE);
  if (a->incremental && candidate == NULL && score >= STRONG_MATCH)
    a->strong_matches++;

  sqlite3_bind_text (a->upsert_match, 1, remote_id, -1, SQLITE_TRANSIENT);
  if (job_id > 0)
    sqlite3_bind_int64 (a->upsert_match, 2, job_id);
  else
    sqlite3_bind_null (a->upsert_match, 2);
  if (candidate_id > 0)
    sqlite3_bind_int64 (a->upsert_match, 3, candidate_id);
  else
    sqlite3_bind_null (a->upsert_match, 3);
  sqlite3_bind_double (a->upsert_match, 4, CLAMP (score, 0.0, 1.0));
  sqlite3_bind_text (a->upsert_match, 5, explanation, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (a->upsert_match, 6, a->now);
  if (!exec_stmt (a->db, a->upsert_match, error))
    return FALSE;
  a->matches_changed = TRUE;
  return TRUE;
}

static gboolean
apply_setting (Apply       *a,
               const char  *key,
               JsonNode    *data,
               GError     **error)
{
  g_autofree char *value = json_to_string (data, FALSE);

  if (g_str_equal (key, "policy_notice") && JSON_NODE_HOLDS_OBJECT (data))
    {
      /* The notice comes with every page until acknowledged: news only when it changes. */
      gboolean known = FALSE;

      sqlite3_bind_text (a->read_setting, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (a->read_setting) == SQLITE_ROW)
        known = g_strcmp0 ((const char *) sqlite3_column_text (a->read_setting, 0), value) == 0;
      sqlite3_reset (a->read_setting);
      if (!known)
        {
          g_free (a->policy_summary);
          a->policy_summary = g_strdup (member_string (json_node_get_object (data), "summary"));
          if (a->policy_summary == NULL)
            a->policy_summary = g_strdup ("");
        }
    }

  sqlite3_bind_text (a->upsert_setting, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (a->upsert_setting, 2, value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (a->upsert_setting, 3, a->now);
  return exec_stmt (a->db, a->upsert_setting, error);
}

static gboolean
apply_change (Apply       *a,
              JsonObject  *change,
              GError     **error)
{
  const char *kind = member_string (change, "kind");
  const char *op = member_string (change, "op");
  g_autofree char *id = member_id (change, "id");
  JsonNode *data = json_object_get_member (change, "data");
  gboolean deleted = g_strcmp0 (op, "delete") == 0;

  if (kind == NULL || id == NULL)
    return TRUE;

  if (g_str_equal (kind, "job"))
    {
      if (deleted)
        {
          sqlite3_bind_text (a->delete_job, 1, id, -1, SQLITE_TRANSIENT);
          a->jobs_changed = TRUE;
          return exec_stmt (a->db, a->delete_job, error);
        }
      return data == NULL || !JSON_NODE_HOLDS_OBJECT (data) ||
             apply_job (a, json_node_get_object (data), error) >= 0;
    }
  if (g_str_equal (kind, "match"))
    {
      if (deleted)
        {
          g_autofree char *remote_id = strchr (id, ':') != NULL ? g_strdup (id)
                                                               : g_strconcat ("job:", id, NULL);
          sqlite3_bind_text (a->delete_match, 1, remote_id, -1, SQLITE_TRANSIENT);
          a->matches_changed = TRUE;
          return exec_stmt (a->db, a->delete_match, error);
        }
      return data == NULL || apply_match (a, id, data, error);
    }
  if ((g_str_equal (kind, "privacy") || g_str_equal (kind, "policy_notice")) && data != NULL)
    return apply_setting (a, kind, data, error);

  if (g_str_equal (kind, "introduction") && a->incremental)
    a->introductions++;

  /* Other kinds (profile, documents, shares, introductions …) are read by the areas that
   * show them; the feed's cursor still moves past them. */
  return TRUE;
}

typedef struct
{
  JsonNode *page;
  char     *cursor;
  gint64    now;
  gboolean  incremental;
} ApplyRequest;

typedef struct
{
  guint  n;
  guint  introductions;
  guint  strong_matches;
  char  *policy_summary;
} PageResult;

static void
page_result_free (PageResult *r)
{
  g_free (r->policy_summary);
  g_free (r);
}

static void
apply_request_free (ApplyRequest *r)
{
  json_node_unref (r->page);
  g_free (r->cursor);
  g_free (r);
}

static gboolean
set_cursor (sqlite3     *db,
            const char  *cursor,
            gint64       now,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "INSERT INTO sync_cursor (resource, cursor, updated_at)"
                               " VALUES (?1, ?2, ?3) ON CONFLICT (resource) DO UPDATE SET"
                               " cursor = excluded.cursor, updated_at = excluded.updated_at",
                               -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, CHANGES_RESOURCE, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, cursor, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* One page and its cursor, in one transaction. Returns the number of changes. */
static gpointer
apply_page_func (XpzStore      *store,
                 sqlite3       *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ApplyRequest *r = data;
  JsonObject *page = json_node_get_object (r->page);
  JsonArray *changes = json_object_get_array_member (page, "changes");
  Apply a = { .db = db, .now = r->now, .incremental = r->incremental };
  PageResult *result;
  guint n = changes != NULL ? json_array_get_length (changes) : 0;
  gboolean ok;

  ok = prepare_all (&a, error);
  for (guint i = 0; ok && i < n; i++)
    {
      JsonNode *change = json_array_get_element (changes, i);

      if (JSON_NODE_HOLDS_OBJECT (change))
        ok = apply_change (&a, json_node_get_object (change), error);
    }
  apply_clear (&a);
  if (!ok || !set_cursor (db, r->cursor, r->now, error))
    {
      g_free (a.policy_summary);
      return NULL;
    }

  /* Lists reload once per page rather than once per row. */
  if (a.jobs_changed)
    xpz_store_record_change (store, "job", 0, XPZ_STORE_CHANGE_RESET);
  if (a.candidates_changed)
    xpz_store_record_change (store, "candidate", 0, XPZ_STORE_CHANGE_RESET);
  if (a.matches_changed)
    xpz_store_record_change (store, "match", 0, XPZ_STORE_CHANGE_RESET);
  result = g_new0 (PageResult, 1);
  result->n = n;
  result->introductions = a.introductions;
  result->strong_matches = a.strong_matches;
  result->policy_summary = a.policy_summary;
  return result;
}

static gpointer
read_cursor_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  char *cursor = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT cursor FROM sync_cursor WHERE resource = ?1", -1,
                               &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, CHANGES_RESOURCE, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        cursor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  /* An empty string stands for "no cursor yet". */
  return cursor != NULL ? cursor : g_strdup ("");
}

/* 410: forget the cursor and what it covered; keep the outbox. */
static gpointer
reset_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  static const char *sql =
    "DELETE FROM sync_cursor WHERE resource = 'changes';"
    "DELETE FROM match;"
    "DELETE FROM candidate WHERE remote_id IS NOT NULL;"
    "DELETE FROM job WHERE remote_id IS NOT NULL;";
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  xpz_store_record_change (store, "job", 0, XPZ_STORE_CHANGE_RESET);
  xpz_store_record_change (store, "candidate", 0, XPZ_STORE_CHANGE_RESET);
  xpz_store_record_change (store, "match", 0, XPZ_STORE_CHANGE_RESET);
  return GINT_TO_POINTER (TRUE);
}

/* --- the loop ----------------------------------------------------------------------- */

static void pull_next (GTask *task);
static void send_request (GTask *task);

/* Completes the task once nothing is in flight any more. */
static void
check_done (GTask *task)
{
  XpzSyncEngine *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  XpzSyncState state = pull->final_state;

  if (pull->in_flight || pull->applying > 0 || !pull->finished)
    return;

  self->pulling = FALSE;
  if (pull->error != NULL && g_error_matches (pull->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = XPZ_SYNC_STATE_WAITING;
  if (state == XPZ_SYNC_STATE_UP_TO_DATE && pull->attention)
    state = XPZ_SYNC_STATE_NEEDS_ATTENTION;
  xpz_sync_engine_set_state (self, state, pull->next_attempt);
  if (pull->introductions > 0 || pull->strong_matches > 0 || pull->policy_summary != NULL)
    xpz_sync_engine_emit_news (self, pull->introductions, pull->strong_matches,
                               pull->policy_summary);
  if (pull->error != NULL)
    g_task_return_error (task, g_steal_pointer (&pull->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Records the outcome (the first failure wins) and stops asking for pages; the task
 * completes once nothing is in flight. */
static void
settle (GTask        *task,
        XpzSyncState  state,
        gint64        next_attempt,
        GError       *error)
{
  Pull *pull = g_task_get_task_data (task);

  if (!pull->finished || (error != NULL && pull->error == NULL))
    {
      pull->final_state = state;
      pull->next_attempt = next_attempt;
      if (pull->error == NULL)
        pull->error = error;
      else
        g_clear_error (&error);
    }
  else
    g_clear_error (&error);
  pull->finished = TRUE;
  check_done (task);
}

/* The end of a request (or cursor read): settles the outcome. */
static void
finish (GTask        *task,
        XpzSyncState  state,
        gint64        next_attempt,
        GError       *error)
{
  Pull *pull = g_task_get_task_data (task);

  pull->in_flight = FALSE;
  settle (task, state, next_attempt, error);
}

static void
wait_later (GTask  *task,
            gint64  delay)
{
  XpzSyncEngine *self = g_task_get_source_object (task);

  finish (task, XPZ_SYNC_STATE_WAITING, xpz_sync_engine_now (self) + delay, NULL);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Pull *pull = g_task_get_task_data (task);
  GError *error = NULL;
  PageResult *page = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  pull->applying--;
  if (page == NULL)
    {
      /* The cursor did not move past this page: the next pull asks for it again.
       * A request still in flight ends the task when it comes back. */
      settle (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, 0, error);
      return;
    }
  pull->applied += page->n;
  pull->introductions += page->introductions;
  pull->strong_matches += page->strong_matches;
  if (page->policy_summary != NULL)
    {
      g_free (pull->policy_summary);
      pull->policy_summary = g_steal_pointer (&page->policy_summary);
    }
  page_result_free (page);
  check_done (task);
}

static void
reset_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL)
    {
      finish (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, 0, error);
      return;
    }
  pull_next (task);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!xpz_session_refresh_finish (XPZ_SESSION (source), result, &error))
    {
      if (g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_NETWORK))
        {
          g_error_free (error);
          wait_later (task, xpz_sync_backoff_delay (1, g_random_int ()));
        }
      else
        finish (task, XPZ_SYNC_STATE_NEEDS_SIGN_IN, 0, error);
      return;
    }
  send_request (task);
}

static void
changes_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  XpzSyncEngine *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  g_autoptr (XpzApiResponse) response = NULL;
  GError *error = NULL;
  JsonObject *page;
  const char *cursor;
  ApplyRequest *r;
  guint status;

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (pull->finished)
    {
      /* A page failed to apply meanwhile: this answer is not used. */
      g_clear_error (&error);
      pull->in_flight = FALSE;
      check_done (task);
      return;
    }
  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish (task, XPZ_SYNC_STATE_WAITING, 0, error);
      else
        {
          /* Offline, or an answer that is not the feed: try again later. */
          g_debug ("Change feed: %s", error->message);
          g_error_free (error);
          wait_later (task, xpz_sync_backoff_delay (1, g_random_int ()));
        }
      return;
    }

  status = xpz_api_response_get_status (response);
  if (status == 401 && !pull->refreshed)
    {
      pull->refreshed = TRUE;
      xpz_session_refresh_async (self->session, g_task_get_cancellable (task), refreshed_cb,
                                 task);
      return;
    }
  if (status == 410 && !pull->resynced && pull->applying == 0)
    {
      /* The cursor is no longer valid: a full resync, the outbox intact. */
      g_debug ("Change cursor refused (410): full resynchronisation");
      pull->resynced = TRUE;
      g_clear_pointer (&pull->cursor, g_free);
      xpz_store_run_async (self->store, TRUE, reset_func, NULL, NULL, NULL,
                           g_task_get_cancellable (task), reset_cb, task);
      return;
    }
  if (status == 410 || status == 429 || status == 503)
    {
      gint64 wait = xpz_api_response_get_retry_after (response);

      wait_later (task, wait >= 0 ? MAX (wait, 1) : xpz_sync_backoff_delay (1, g_random_int ()));
      return;
    }
  if (!xpz_api_response_check (response, &error))
    {
      finish (task, status == 401 ? XPZ_SYNC_STATE_NEEDS_SIGN_IN
                                  : XPZ_SYNC_STATE_NEEDS_ATTENTION, 0, error);
      return;
    }

  page = xpz_api_response_get_object (response);
  cursor = page != NULL ? json_object_get_string_member_with_default (page, "cursor", NULL)
                        : NULL;
  if (cursor == NULL || !json_object_has_member (page, "changes") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (page, "changes")))
    {
      finish (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, 0,
              g_error_new_literal (XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                                   _("The platform’s list of changes is not readable")));
      return;
    }

  r = g_new0 (ApplyRequest, 1);
  r->page = json_node_ref (xpz_api_response_get_body (response));
  r->cursor = g_strdup (cursor);
  r->now = xpz_sync_engine_now (self);
  r->incremental = pull->cursor != NULL && *pull->cursor != '\0';
  pull->applying++;
  xpz_store_run_async (self->store, TRUE, apply_page_func, r,
                       (GDestroyNotify) apply_request_free, (GDestroyNotify) page_result_free,
                       g_task_get_cancellable (task), applied_cb, task);

  if (json_object_get_boolean_member_with_default (page, "more", FALSE))
    {
      g_free (pull->cursor);
      pull->cursor = g_strdup (cursor);
      pull->refreshed = FALSE;
      send_request (task);
    }
  else
    finish (task, XPZ_SYNC_STATE_UP_TO_DATE, 0, NULL);
}

static void
send_request (GTask *task)
{
  XpzSyncEngine *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  pull->in_flight = TRUE;
  if (pull->cursor != NULL && *pull->cursor != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (pull->cursor, NULL, FALSE);
      path = g_strdup_printf ("/api/v1/changes?since=%s&limit=%d", escaped, PAGE_LIMIT);
    }
  else
    path = g_strdup_printf ("/api/v1/changes?limit=%d", PAGE_LIMIT);

  xpz_api_client_call_async (xpz_session_get_client (self->session), "GET", path, NULL, NULL,
                             NULL, g_task_get_cancellable (task), changes_cb, task);
}

static void
cursor_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Pull *pull = g_task_get_task_data (task);
  GError *error = NULL;
  char *cursor = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (cursor == NULL)
    {
      finish (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, 0, error);
      return;
    }
  g_free (pull->cursor);
  pull->cursor = cursor;
  pull->refreshed = FALSE;
  send_request (task);
}

static void
pull_next (GTask *task)
{
  XpzSyncEngine *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);

  pull->in_flight = TRUE;
  xpz_store_run_async (self->store, FALSE, read_cursor_func, NULL, NULL, g_free,
                       g_task_get_cancellable (task), cursor_read_cb, task);
}

/**
 * xpz_sync_engine_pull_async:
 *
 * Applies the platform's changes since the stored cursor, page by page, until the feed
 * says there are no more. Waiting (offline, busy) completes with %TRUE and
 * #XpzSyncEngine:state %XPZ_SYNC_STATE_WAITING.
 */
void
xpz_sync_engine_pull_async (XpzSyncEngine       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  gboolean attention;

  g_return_if_fail (XPZ_IS_SYNC_ENGINE (self));

  attention = self->state == XPZ_SYNC_STATE_NEEDS_ATTENTION;
  task = xpz_sync_engine_begin (self, xpz_sync_engine_pull_async, &self->pulling,
                                g_new0 (Pull, 1), (GDestroyNotify) pull_free,
                                cancellable, callback, user_data);
  if (task == NULL)
    return;
  ((Pull *) g_task_get_task_data (task))->attention = attention;
  pull_next (task);
}

gboolean
xpz_sync_engine_pull_finish (XpzSyncEngine  *self,
                             GAsyncResult   *result,
                             guint          *n_applied,
                             GError        **error)
{
  Pull *pull;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  pull = g_task_get_task_data (G_TASK (result));
  if (n_applied != NULL)
    *n_applied = pull != NULL ? pull->applied : 0;
  return g_task_propagate_boolean (G_TASK (result), error);
}
