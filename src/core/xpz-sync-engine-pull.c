/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-sync-pull"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-json-strict.h"
#include "xpz-profile.h"
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
 * when no request is in flight and no page waits to be applied. At most
 * MAX_PAGES_AHEAD pages wait (about 8.5 MB each at 5 000 changes): when the network is
 * faster than the disk, the next request waits for the worker. */
#define MAX_PAGES_AHEAD 3

typedef struct
{
  char         *cursor;
  guint         applied;
  gboolean      refreshed;
  gboolean      resynced;
  gboolean      attention;    /* the outbox had parked changes when the pull began */
  gboolean      in_flight;    /* a request or a cursor read is under way */
  char         *asked_since;  /* the cursor of the request under way */
  GQueue        pages;        /* ApplyRequest: pages read ahead, in order, until the
                               * store's worker takes them */
  guint         applying;     /* pages received, not yet applied */
  gboolean      owed;         /* the next page is asked for once fewer are waiting */
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
  g_free (pull->asked_since);
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

/* The employer experience's statements, prepared when first used. */
typedef enum
{
  EMPLOYER_UPSERT_JOB,
  EMPLOYER_ADOPT_JOB,
  EMPLOYER_FIND_JOB,
  EMPLOYER_CLOSED_JOB,
  EMPLOYER_DELETE_JOB_MATCHES,
  EMPLOYER_UPSERT_CANDIDATE,
  EMPLOYER_SET_IDENTITY,
  EMPLOYER_UPSERT_MATCH,
  EMPLOYER_FIND_MATCH,
  EMPLOYER_SET_NOTE,
  EMPLOYER_PURGE_ONE,
  EMPLOYER_DROP_ONE,
  EMPLOYER_ATTACH_MATCHES,
  EMPLOYER_FIND_CANDIDATE,
  EMPLOYER_INSERT_CANDIDATE,
  EMPLOYER_INSERT_MATCH,
  EMPLOYER_N_STMTS,
} EmployerStmt;

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *delete_job;
  sqlite3_stmt *delete_match;
  sqlite3_stmt *upsert_setting;
  sqlite3_stmt *lookup_job;
  sqlite3_stmt *read_setting;
  gint64        now;
  gboolean      incremental;       /* a cursor was given: these are news, not the snapshot */
  guint         introductions;
  guint         strong_matches;
  char         *policy_summary;
  gboolean      jobs_changed;
  gboolean      candidates_changed;
  gboolean      matches_changed;
  GBytes       *key;               /* seals what identifies a candidate, and notes */
  sqlite3_stmt *employer[EMPLOYER_N_STMTS];
  GArray       *touched;           /* candidate ids whose share may have ended */
  gboolean      purge_all;         /* a job went: look at every candidate */
  gboolean      purged;
  guint         candidate_changed;  /* the candidate's own tables: CANDIDATE_CHANGED_* */
  XpzJsonSpan   raw_factors;       /* an employer-side match's factors, kept as text */
  GHashTable   *job_ids;           /* remote id → local id, forgotten when a job changes */
  /* The full-text index is brought up to date once per page (see apply_page_func()): */
  GArray       *fts_jobs;          /* jobs written or deleted */
  GArray       *fts_candidates;    /* candidates written */
  gint64        last_candidate;    /* the highest candidate id before the page: rows above
                                    * it are new, with nothing indexed yet */
  GString      *explanation;       /* write_employer_match()'s buffer */
} Apply;


/* What the candidate area reloads after a page (its own data, fetched on demand). */
enum
{
  CANDIDATE_CHANGED_PROFILE = 1 << 0,
  CANDIDATE_CHANGED_DOCUMENTS = 1 << 1,
  CANDIDATE_CHANGED_INTRODUCTIONS = 1 << 2,
  CANDIDATE_CHANGED_SHARES = 1 << 3,
};

/* The candidate's own profile (kind "profile" with data), kept encrypted. */
static gboolean
apply_profile (Apply     *a,
               JsonNode  *data,
               GError   **error)
{
  gboolean applied = FALSE;

  if (!xpz_profile_apply_feed (a->db, a->key, data, a->now, &applied, error))
    return FALSE;
  if (applied)
    a->candidate_changed |= CANDIDATE_CHANGED_PROFILE;
  return TRUE;
}

/* Documents, introductions and shares come as "refetch": the candidate area reads
 * them from their endpoints again when told. */
static gboolean
apply_refetch (Apply      *a,
               const char *kind)
{
  if (g_str_equal (kind, "document") || g_str_equal (kind, "documents"))
    a->candidate_changed |= CANDIDATE_CHANGED_DOCUMENTS;
  else if (g_str_equal (kind, "introduction") || g_str_equal (kind, "introductions"))
    a->candidate_changed |= CANDIDATE_CHANGED_INTRODUCTIONS;
  else if (g_str_equal (kind, "share") || g_str_equal (kind, "shares"))
    a->candidate_changed |= CANDIDATE_CHANGED_SHARES;
  return TRUE;
}

static void
apply_clear (Apply *a)
{
  g_clear_pointer (&a->job_ids, g_hash_table_unref);
  g_clear_pointer (&a->fts_jobs, g_array_unref);
  g_clear_pointer (&a->fts_candidates, g_array_unref);
  if (a->explanation != NULL)
    g_string_free (g_steal_pointer (&a->explanation), TRUE);
  sqlite3_finalize (a->delete_job);
  sqlite3_finalize (a->delete_match);
  sqlite3_finalize (a->upsert_setting);
  sqlite3_finalize (a->lookup_job);
  sqlite3_finalize (a->read_setting);
  for (guint i = 0; i < EMPLOYER_N_STMTS; i++)
    sqlite3_finalize (a->employer[i]);
  g_clear_pointer (&a->touched, g_array_unref);
}

static gboolean
prepare_all (Apply   *a,
             GError **error)
{
  struct { sqlite3_stmt **stmt; const char *sql; } all[] = {
    { &a->delete_job, "DELETE FROM job WHERE remote_id = ?1" },
    { &a->delete_match, "DELETE FROM match WHERE remote_id = ?1" },
    { &a->upsert_setting,
      "INSERT INTO privacy_setting (key, value, updated_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at" },
    { &a->lookup_job, "SELECT id FROM job WHERE remote_id = ?1" },
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

static void
reindex (GArray **ids,
         gint64   id)
{
  if (id <= 0)
    return;
  if (*ids == NULL)
    *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (*ids, id);
}

/* The local id of a job, from a small cache: a page of matches names the same few jobs
 * thousands of times. */
static gint64
job_id_of (Apply      *a,
           const char *remote_id)
{
  gpointer cached;
  gint64 id;

  if (a->job_ids == NULL)
    a->job_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  cached = g_hash_table_lookup (a->job_ids, remote_id);
  if (cached != NULL)
    return *(gint64 *) cached;
  id = lookup (a, a->lookup_job, remote_id);
  if (id > 0)
    g_hash_table_insert (a->job_ids, g_strdup (remote_id), g_memdup2 (&id, sizeof id));
  return id;
}

static void
forget_job_ids (Apply *a)
{
  if (a->job_ids != NULL)
    g_hash_table_remove_all (a->job_ids);
}

/* --- jobs, candidates and matches (the employer experience) --------------------------- */

static const char * const match_stages[] = {
  "new", "reviewing", "contacted", "interviewing", "offer", "hired", "rejected", NULL,
};

static gboolean
is_one_of (const char         *value,
           const char * const *allowed)
{
  for (guint i = 0; value != NULL && allowed[i] != NULL; i++)
    if (g_str_equal (value, allowed[i]))
      return TRUE;
  return FALSE;
}

/* A non-negative JSON integer member, or -1. */
static gint64
member_count (JsonObject *o,
              const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  GType type;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return -1;
  type = json_node_get_value_type (n);
  if (type == G_TYPE_INT64)
    return MAX (json_node_get_int (n), -1);
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (n) >= 0 ? (gint64) json_node_get_double (n) : -1;
  return -1;
}

static char *
member_json (JsonObject *o,
             const char *name,
             const char *fallback)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return g_strdup (fallback);
  return xpz_json_to_string (n, FALSE, NULL);
}

static sqlite3_stmt *
employer_stmt (Apply         *a,
               EmployerStmt   which,
               GError       **error)
{
  static const char * const sql[EMPLOYER_N_STMTS] = {
    [EMPLOYER_UPSERT_JOB] =
      "INSERT INTO job (remote_id, title, company, location, skills, description, contract_type,"
      " remote, updated_at, skills_json, country_code, salary_min, salary_max, salary_currency,"
      " salary_period, seniority, languages, own, created_at, etag)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
      " ON CONFLICT (remote_id) DO UPDATE SET title = excluded.title,"
      " company = excluded.company, location = excluded.location, skills = excluded.skills,"
      " description = excluded.description, contract_type = excluded.contract_type,"
      " remote = excluded.remote, updated_at = excluded.updated_at,"
      " skills_json = excluded.skills_json, country_code = excluded.country_code,"
      " salary_min = excluded.salary_min, salary_max = excluded.salary_max,"
      " salary_currency = excluded.salary_currency, salary_period = excluded.salary_period,"
      " seniority = excluded.seniority, languages = excluded.languages,"
      " own = max (job.own, excluded.own), etag = coalesce (excluded.etag, job.etag)",
    /* A posting made here and sent (POST) comes back with the platform's id. */
    [EMPLOYER_ADOPT_JOB] =
      "UPDATE job SET remote_id = ?1 WHERE id = (SELECT id FROM job WHERE remote_id IS NULL"
      " AND own = 1 AND status = 'open' AND title = ?2 ORDER BY id LIMIT 1)",
    [EMPLOYER_FIND_JOB] = "SELECT id, own, status FROM job WHERE remote_id = ?1",
    [EMPLOYER_CLOSED_JOB] =
      "UPDATE job SET remote_id = NULL, etag = NULL WHERE id = ?1",
    [EMPLOYER_DELETE_JOB_MATCHES] = "DELETE FROM match WHERE job_id = ?1",
    [EMPLOYER_UPSERT_CANDIDATE] =
      "INSERT INTO candidate (remote_id, headline, skills, location, updated_at, years, seniority)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (remote_id) DO UPDATE SET"
      " headline = excluded.headline,"
      " skills = excluded.skills,"
      " location = excluded.location,"
      " updated_at = excluded.updated_at, years = excluded.years, seniority = excluded.seniority"
      " RETURNING id, full_name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL"
      " OR linkedin_url IS NOT NULL OR shared_profile IS NOT NULL",
    [EMPLOYER_SET_IDENTITY] =
      "UPDATE candidate SET full_name = ?2, email = ?3, phone = ?4, linkedin_url = ?5,"
      " shared_profile = ?6 WHERE id = ?1",
    [EMPLOYER_UPSERT_MATCH] =
      "INSERT INTO match (remote_id, job_id, candidate_id, score, explanation, created_at, points,"
      " stage, shared, intro_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
      " ON CONFLICT (remote_id) DO UPDATE SET job_id = excluded.job_id,"
      " candidate_id = excluded.candidate_id, score = excluded.score,"
      " explanation = excluded.explanation, points = excluded.points, stage = excluded.stage,"
      " shared = excluded.shared, note = NULL,"
      " intro_status = CASE WHEN ?10 IS NOT NULL THEN ?10"
      "                WHEN match.intro_status = 'pending' AND excluded.shared = 1"
      "                THEN 'accepted' ELSE match.intro_status END",
    [EMPLOYER_FIND_MATCH] = "SELECT id, candidate_id FROM match WHERE remote_id = ?1",
    [EMPLOYER_SET_NOTE] = "UPDATE match SET note = ?2 WHERE id = ?1",
    [EMPLOYER_PURGE_ONE] =
      "UPDATE candidate SET full_name = NULL, email = NULL, phone = NULL, linkedin_url = NULL,"
      " shared_profile = NULL WHERE id = ?1"
      " AND (full_name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL"
      "      OR linkedin_url IS NOT NULL OR shared_profile IS NOT NULL)"
      " AND NOT EXISTS (SELECT 1 FROM match WHERE candidate_id = ?1 AND shared = 1)",
    /* A page can bring a job's matches before the job itself ("JOB:CANDIDATE" ids). */
    [EMPLOYER_ATTACH_MATCHES] =
      "UPDATE match SET job_id = ?1 WHERE job_id IS NULL AND remote_id >= ?2 || ':'"
      " AND remote_id < ?2 || ';'",
    [EMPLOYER_FIND_CANDIDATE] = "SELECT id FROM candidate WHERE remote_id = ?1",
    [EMPLOYER_INSERT_CANDIDATE] =
      "INSERT INTO candidate (remote_id, headline, skills, location, updated_at, years, seniority)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [EMPLOYER_INSERT_MATCH] =
      "INSERT INTO match (remote_id, job_id, candidate_id, score, explanation, created_at, points,"
      " stage, shared, intro_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [EMPLOYER_DROP_ONE] =
      "DELETE FROM candidate WHERE id = ?1 AND remote_id IS NOT NULL"
      " AND NOT EXISTS (SELECT 1 FROM match WHERE candidate_id = ?1)",
  };

  if (a->employer[which] == NULL)
    {
      int rc = sqlite3_prepare_v2 (a->db, sql[which], -1, &a->employer[which], NULL);

      if (rc != SQLITE_OK)
        {
          xpz_store_set_sqlite_error (a->db, rc, error);
          return NULL;
        }
    }
  return a->employer[which];
}

/* Binds @text encrypted with the account key for table.column of @row_id (the same
 * sealing as the store's own encrypted columns), or NULL. */
static gboolean
bind_sealed (Apply         *a,
             sqlite3_stmt  *stmt,
             int            index,
             const char    *table,
             const char    *column,
             gint64         row_id,
             const char    *text,
             GError       **error)
{
  return xpz_store_bind_sealed (stmt, index, a->key, table, column, row_id,
                                (const guint8 *) text, text != NULL ? strlen (text) : 0, error);
}

static void
touch_candidate (Apply  *a,
                 gint64  candidate_id)
{
  if (candidate_id <= 0)
    return;
  if (a->touched == NULL)
    a->touched = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (a->touched, candidate_id);
}

static gint64
iso_to_unix (const char *text,
             gint64      fallback)
{
  g_autoptr (GDateTime) dt = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return dt != NULL ? g_date_time_to_unix (dt) : fallback;
}

/* A job (the platform's Job shape) into the job table; returns its local id. @own: one of
 * the employer's postings (from the employer's feed), not a job a candidate matched. */
static gint64
apply_job_full (Apply       *a,
                JsonObject  *job,
                gboolean     own,
                GError     **error)
{
  g_autofree char *remote_id = member_id (job, "id");
  g_autofree char *skills = skills_text (job, "skills");
  g_autofree char *skills_json = member_json (job, "skills", "[]");
  g_autofree char *languages = member_json (job, "languages", "[]");
  JsonObject *location = member_object (job, "location");
  JsonObject *employer = member_object (job, "employer");
  JsonObject *salary = member_object (job, "salary");
  const char *title = member_string (job, "title");
  const char *seniority = member_string (job, "seniority");
  gint64 salary_min = member_count (salary, "min");
  gint64 salary_max = member_count (salary, "max");
  /* the owner's feed gives the job's version: what its next edit is made against */
  gint64 version = own ? member_count (job, "version") : -1;
  sqlite3_stmt *stmt;
  gint64 job_id;

  if (remote_id == NULL || title == NULL)
    return 0;  /* not a job as the API defines it: left out, not fatal */
  if (!is_one_of (seniority, (const char * const[]) { "junior", "mid", "senior", "lead", NULL }))
    seniority = NULL;
  if (salary_min >= 0 && salary_max >= 0 && salary_min > salary_max)
    salary_min = salary_max = -1;

  if (own && lookup (a, a->lookup_job, remote_id) == 0)
    {
      if ((stmt = employer_stmt (a, EMPLOYER_ADOPT_JOB, error)) == NULL)
        return -1;
      sqlite3_bind_text (stmt, 1, remote_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, title, -1, SQLITE_TRANSIENT);
      if (!exec_stmt (a->db, stmt, error))
        return -1;
    }

  if ((stmt = employer_stmt (a, EMPLOYER_UPSERT_JOB, error)) == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, remote_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, title, -1, SQLITE_TRANSIENT);
  xpz_store_bind_text_or_null (stmt, 3, member_string (employer, "company"));
  xpz_store_bind_text_or_null (stmt, 4, member_string (location, "city"));
  xpz_store_bind_text_or_null (stmt, 5, skills);
  xpz_store_bind_text_or_null (stmt, 6, member_string (job, "description"));
  xpz_store_bind_text_or_null (stmt, 7, member_string (job, "contract_type"));
  xpz_store_bind_text_or_null (stmt, 8, member_string (job, "work_mode"));
  sqlite3_bind_int64 (stmt, 9, a->now);
  sqlite3_bind_text (stmt, 10, skills_json, -1, SQLITE_TRANSIENT);
  xpz_store_bind_text_or_null (stmt, 11, member_string (location, "countryCode"));
  if (salary_min >= 0)
    sqlite3_bind_int64 (stmt, 12, salary_min);
  if (salary_max >= 0)
    sqlite3_bind_int64 (stmt, 13, salary_max);
  xpz_store_bind_text_or_null (stmt, 14, member_string (salary, "currency"));
  xpz_store_bind_text_or_null (stmt, 15, member_string (salary, "period"));
  xpz_store_bind_text_or_null (stmt, 16, seniority);
  sqlite3_bind_text (stmt, 17, languages, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 18, own ? 1 : 0);
  sqlite3_bind_int64 (stmt, 19, iso_to_unix (member_string (job, "created_at"), a->now));
  if (version > 0)
    {
      char etag[40];

      g_snprintf (etag, sizeof etag, "\"job-%" G_GINT64_FORMAT "\"", version);
      sqlite3_bind_text (stmt, 20, etag, -1, SQLITE_TRANSIENT);
    }
  if (!exec_stmt (a->db, stmt, error))
    return -1;
  a->jobs_changed = TRUE;
  job_id = lookup (a, a->lookup_job, remote_id);
  reindex (&a->fts_jobs, job_id);
  if (own && job_id > 0)
    {
      if ((stmt = employer_stmt (a, EMPLOYER_ATTACH_MATCHES, error)) == NULL)
        return -1;
      sqlite3_bind_int64 (stmt, 1, job_id);
      sqlite3_bind_text (stmt, 2, remote_id, -1, SQLITE_TRANSIENT);
      if (!exec_stmt (a->db, stmt, error))
        return -1;
      if (sqlite3_changes (a->db) > 0)
        a->matches_changed = TRUE;
    }
  return job_id;
}

/* From the employer's feed (only employers are sent jobs as such). */
static gint64
apply_job (Apply       *a,
           JsonObject  *job,
           GError     **error)
{
  return apply_job_full (a, job, TRUE, error);
}

/* A job deleted on the platform: its matches go (and with them what was shared). A
 * posting closed here keeps its local row, without the platform's id, to be reopened. */
static gboolean
forget_job (Apply       *a,
            const char  *remote_id,
            GError     **error)
{
  sqlite3_stmt *find = employer_stmt (a, EMPLOYER_FIND_JOB, error);
  gint64 job_id = 0;
  gboolean keep = FALSE;
  sqlite3_stmt *stmt;

  forget_job_ids (a);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, remote_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (find) == SQLITE_ROW)
    {
      job_id = sqlite3_column_int64 (find, 0);
      keep = sqlite3_column_int (find, 1) == 1 &&
             g_strcmp0 ((const char *) sqlite3_column_text (find, 2), "closed") == 0;
    }
  sqlite3_reset (find);
  sqlite3_clear_bindings (find);

  a->jobs_changed = TRUE;
  a->matches_changed = TRUE;
  a->purge_all = TRUE;
  reindex (&a->fts_jobs, job_id);
  if (!keep)
    {
      sqlite3_bind_text (a->delete_job, 1, remote_id, -1, SQLITE_TRANSIENT);
      return exec_stmt (a->db, a->delete_job, error);
    }
  if ((stmt = employer_stmt (a, EMPLOYER_DELETE_JOB_MATCHES, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job_id);
  if (!exec_stmt (a->db, stmt, error))
    return FALSE;
  if ((stmt = employer_stmt (a, EMPLOYER_CLOSED_JOB, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job_id);
  return exec_stmt (a->db, stmt, error);
}

/* The skills of a summary ("A, B, …"), each once (compared case-folded), in their order. */
static char *
unique_skills (const char *skills)
{
  g_auto (GStrv) list = g_strsplit (skills != NULL ? skills : "", ", ", -1);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; list[i] != NULL; i++)
    {
      if (*list[i] == '\0' || !g_hash_table_add (seen, g_utf8_casefold (list[i], -1)))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, list[i]);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static const char *
linkedin_url (JsonObject *basics)
{
  JsonNode *n = basics != NULL ? json_object_get_member (basics, "profiles") : NULL;
  const char *url = member_string (basics, "url");

  if (n != NULL && JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *profiles = json_node_get_array (n);

      for (guint i = 0; i < json_array_get_length (profiles); i++)
        {
          JsonNode *e = json_array_get_element (profiles, i);
          JsonObject *p = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          const char *network = member_string (p, "network");
          const char *purl = member_string (p, "url");

          if (purl != NULL &&
              ((network != NULL && g_ascii_strcasecmp (network, "linkedin") == 0) ||
               strstr (purl, "linkedin.") != NULL))
            return purl;
        }
    }
  return url != NULL && strstr (url, "linkedin.") != NULL ? url : NULL;
}

/* An employer-side match's candidate: the anonymised summary, and, only while this match
 * is shared, the identifying fields (encrypted). Returns the local id. */
static gint64
apply_candidate (Apply       *a,
                 JsonObject  *candidate,
                 gboolean     shared,
                 GError     **error)
{
  g_autofree char *remote_id = member_id (candidate, "id");
  JsonObject *summary = member_object (candidate, "summary");
  JsonObject *basics = member_object (candidate, "basics");
  g_autofree char *skills = skills_text (summary, "skills");
  g_autofree char *merged = NULL;
  const char *seniority = member_string (summary, "seniority");
  gint64 years = member_count (summary, "years");
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gboolean identified = FALSE;
  int rc;

  if (remote_id == NULL)
    return 0;

  /* One statement, and the row's id comes back with it. The candidate is this job's
   * handle (the platform gives each job its own): the summary replaces what was known. */
  merged = unique_skills (skills);
  if ((stmt = employer_stmt (a, EMPLOYER_UPSERT_CANDIDATE, error)) == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, remote_id, -1, SQLITE_TRANSIENT);
  xpz_store_bind_text_or_null (stmt, 2, seniority);
  xpz_store_bind_text_or_null (stmt, 3, merged);
  xpz_store_bind_text_or_null (stmt, 4, member_string (summary, "region"));
  sqlite3_bind_int64 (stmt, 5, a->now);
  if (years >= 0)
    sqlite3_bind_int64 (stmt, 6, years);
  xpz_store_bind_text_or_null (stmt, 7, seniority);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      identified = sqlite3_column_int (stmt, 1) != 0;
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    xpz_store_set_sqlite_error (a->db, rc, error);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return -1;
  a->candidates_changed = TRUE;
  reindex (&a->fts_candidates, id);

  if (shared && id > 0)
    {
      g_autoptr (JsonNode) copy = json_node_new (JSON_NODE_OBJECT);
      JsonObject *profile = json_object_new ();
      g_autofree char *profile_text = NULL;
      static const char * const members[] = {
        "basics", "work", "education", "skills", "languages", "documents",
      };

      for (guint i = 0; i < G_N_ELEMENTS (members); i++)
        if (json_object_has_member (candidate, members[i]))
          json_object_set_member (profile, members[i],
                                  json_node_copy (json_object_get_member (candidate, members[i])));
      json_node_take_object (copy, profile);
      profile_text = xpz_json_to_string (copy, FALSE, NULL);

      if ((stmt = employer_stmt (a, EMPLOYER_SET_IDENTITY, error)) == NULL)
        return -1;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!bind_sealed (a, stmt, 2, "candidate", "full_name", id, member_string (basics, "name"), error) ||
          !bind_sealed (a, stmt, 3, "candidate", "email", id, member_string (basics, "email"), error) ||
          !bind_sealed (a, stmt, 4, "candidate", "phone", id, member_string (basics, "phone"), error) ||
          !bind_sealed (a, stmt, 5, "candidate", "linkedin_url", id, linkedin_url (basics), error) ||
          !bind_sealed (a, stmt, 6, "candidate", "shared_profile", id, profile_text, error))
        {
          sqlite3_reset (stmt);
          sqlite3_clear_bindings (stmt);
          return -1;
        }
      if (!exec_stmt (a->db, stmt, error))
        return -1;
    }
  else if (identified)
    {
      /* Some match of theirs was shared: is one still? (The match about to be written
       * refers to this candidate, so the row itself stays.) */
      touch_candidate (a, id);
    }
  return id;
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
  gint64 job_id = 0, candidate_id = 0, points;
  JsonObject *candidate = member_object (data, "candidate");
  const char *stage = member_string (data, "stage");
  const char *note = member_string (data, "note");
  gboolean shared;
  sqlite3_stmt *stmt;

  if (data == NULL)
    return TRUE;

  shared = json_object_get_boolean_member_with_default (data, "shared", FALSE);
  points = CLAMP (member_count (data, "score"), 0, 100);
  if (candidate != NULL)
    {
      /* Employer side: id "job:candidate". Only the factors are kept with the match:
       * what identifies the candidate lives (encrypted) in the candidate row, while shared. */
      g_autofree char *job_remote = member_id (data, "job_id");
      g_autofree char *factors = a->raw_factors.type == XPZ_JSON_ARRAY
                                 ? xpz_json_span_dup_text (&a->raw_factors)
                                 : member_json (data, "factors", "[]");

      candidate_id = apply_candidate (a, candidate, shared, error);
      if (candidate_id < 0)
        return FALSE;
      if (job_remote != NULL)
        job_id = job_id_of (a, job_remote);
      remote_id = g_strdup (change_id);
      explanation = g_strdup_printf ("{\"factors\":%s}", factors);
    }
  else
    {
      /* Candidate side: the job comes with the match. */
      JsonObject *job = member_object (data, "job");

      job_id = job != NULL ? apply_job_full (a, job, FALSE, error) : 0;
      if (job_id < 0)
        return FALSE;
      remote_id = g_strconcat ("job:", change_id, NULL);
      explanation = xpz_json_to_string (data_node, FALSE, NULL);
      note = NULL;
      stage = NULL;
    }
  if (!is_one_of (stage, match_stages))
    stage = "new";

  if (a->incremental && candidate == NULL && points / 100.0 >= STRONG_MATCH)
    a->strong_matches++;

  if ((stmt = employer_stmt (a, EMPLOYER_UPSERT_MATCH, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, remote_id, -1, SQLITE_TRANSIENT);
  if (job_id > 0)
    sqlite3_bind_int64 (stmt, 2, job_id);
  if (candidate_id > 0)
    sqlite3_bind_int64 (stmt, 3, candidate_id);
  sqlite3_bind_double (stmt, 4, points / 100.0);
  sqlite3_bind_text (stmt, 5, explanation, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, a->now);
  sqlite3_bind_int64 (stmt, 7, points);
  sqlite3_bind_text (stmt, 8, stage, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, shared ? 1 : 0);
  /* Employer side: the introduction asked for, as the candidate answered it. */
  if (is_one_of (member_string (data, "introduction"),
                 (const char * const[]) { "pending", "accepted", "declined", NULL }))
    sqlite3_bind_text (stmt, 10, member_string (data, "introduction"), -1, SQLITE_TRANSIENT);
  if (!exec_stmt (a->db, stmt, error))
    return FALSE;
  a->matches_changed = TRUE;

  if (note != NULL)
    {
      gint64 match_id = 0;

      if ((stmt = employer_stmt (a, EMPLOYER_FIND_MATCH, error)) == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, remote_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        match_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if ((stmt = employer_stmt (a, EMPLOYER_SET_NOTE, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, match_id);
      if (!bind_sealed (a, stmt, 2, "match", "note", match_id, note, error))
        {
          sqlite3_reset (stmt);
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
      if (!exec_stmt (a->db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* A match deleted (the candidate revoked, blocked, paused, or the score fell): the row
 * goes, and the candidate's identifying fields with it unless another match is shared. */
static gboolean
forget_match (Apply       *a,
              const char  *remote_id,
              GError     **error)
{
  sqlite3_stmt *find = employer_stmt (a, EMPLOYER_FIND_MATCH, error);

  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, remote_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (find) == SQLITE_ROW && sqlite3_column_type (find, 1) != SQLITE_NULL)
    touch_candidate (a, sqlite3_column_int64 (find, 1));
  sqlite3_reset (find);
  sqlite3_clear_bindings (find);

  sqlite3_bind_text (a->delete_match, 1, remote_id, -1, SQLITE_TRANSIENT);
  a->matches_changed = TRUE;
  return exec_stmt (a->db, a->delete_match, error);
}

/* Every cached identifying field of a candidate no longer shared goes, and a candidate
 * with no match left goes altogether (secure_delete zeroes the freed cells; the caller
 * asks for a checkpoint so that the WAL forgets them too). */
static gboolean
purge_unshared (Apply    *a,
                GError  **error)
{
  static const char *purge_all_sql =
    "UPDATE candidate SET full_name = NULL, email = NULL, phone = NULL, linkedin_url = NULL,"
    " shared_profile = NULL"
    " WHERE (full_name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL"
    "        OR linkedin_url IS NOT NULL OR shared_profile IS NOT NULL)"
    " AND NOT EXISTS (SELECT 1 FROM match WHERE candidate_id = candidate.id AND shared = 1);"
    "DELETE FROM candidate WHERE remote_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM match WHERE candidate_id = candidate.id);";
  int total = sqlite3_total_changes (a->db);

  if (a->purge_all)
    {
      int rc = sqlite3_exec (a->db, purge_all_sql, NULL, NULL, NULL);

      if (rc != SQLITE_OK)
        {
          xpz_store_set_sqlite_error (a->db, rc, error);
          return FALSE;
        }
    }
  else
    for (guint i = 0; a->touched != NULL && i < a->touched->len; i++)
      {
        gint64 id = g_array_index (a->touched, gint64, i);
        sqlite3_stmt *purge = employer_stmt (a, EMPLOYER_PURGE_ONE, error);
        sqlite3_stmt *drop;

        if (purge == NULL)
          return FALSE;
        sqlite3_bind_int64 (purge, 1, id);
        if (!exec_stmt (a->db, purge, error))
          return FALSE;
        if ((drop = employer_stmt (a, EMPLOYER_DROP_ONE, error)) == NULL)
          return FALSE;
        sqlite3_bind_int64 (drop, 1, id);
        if (!exec_stmt (a->db, drop, error))
          return FALSE;
      }
  if (sqlite3_total_changes (a->db) != total)
    {
      a->purged = TRUE;
      a->candidates_changed = TRUE;
    }
  return TRUE;
}

static gboolean
apply_setting (Apply       *a,
               const char  *key,
               JsonNode    *data,
               GError     **error)
{
  g_autofree char *value = xpz_json_to_string (data, FALSE, NULL);

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
        return forget_job (a, id, error);
      return data == NULL || !JSON_NODE_HOLDS_OBJECT (data) ||
             apply_job (a, json_node_get_object (data), error) >= 0;
    }
  if (g_str_equal (kind, "match"))
    {
      if (deleted)
        {
          g_autofree char *remote_id = strchr (id, ':') != NULL ? g_strdup (id)
                                                               : g_strconcat ("job:", id, NULL);
          return forget_match (a, remote_id, error);
        }
      return data == NULL || apply_match (a, id, data, error);
    }
  if ((g_str_equal (kind, "privacy") || g_str_equal (kind, "policy_notice")) && data != NULL)
    return apply_setting (a, kind, data, error);

  if (g_str_equal (kind, "introduction") && a->incremental)
    a->introductions++;
  if (g_str_equal (kind, "profile"))
    return apply_profile (a, data, error);
  apply_refetch (a, kind);

  /* Other kinds (profile, documents, shares, introductions …) are read by the areas that
   * show them; the feed's cursor still moves past them. */
  return TRUE;
}

/* --- an employer-side match, straight from the page's text ---------------------------
 *
 * An employer's snapshot is one match per candidate and job: nearly every change of the
 * first sync. decode_employer_match() reads one from the page's spans (off the store's
 * worker: see decode_thread()), write_employer_match() writes it with nothing copied that
 * the statements can read in place; whatever else comes (a shared match, a note, an id
 * too long...) is left to apply_change(), which writes the same. */

/* A string's text for a statement: in place when it holds no escape (the page outlives
 * the step), unescaped into *owned otherwise. */
static const char *
span_text (const XpzJsonSpan  *span,
           int                *len,
           char              **owned)
{
  if (span->type != XPZ_JSON_STRING || span->len < 2)
    return NULL;
  if (memchr (span->text + 1, '\\', span->len - 2) == NULL)
    {
      *len = (int) span->len - 2;
      return span->text + 1;
    }
  g_free (*owned);
  *owned = xpz_json_span_dup_string (span);
  *len = (int) strlen (*owned);
  return *owned;
}

static void
bind_span_text (sqlite3_stmt       *stmt,
                int                 index,
                const XpzJsonSpan  *span,
                char              **owned)
{
  int len = 0;
  const char *text = span != NULL ? span_text (span, &len, owned) : NULL;

  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, len, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

/* A JSON integer written without fraction or exponent, as json-glib reads it. */
static gboolean
span_integer (const XpzJsonSpan *span,
              gint64            *value)
{
  char buffer[20];

  if (span->type != XPZ_JSON_NUMBER || span->len >= sizeof buffer - 1 ||
      memchr (span->text, '.', span->len) != NULL || memchr (span->text, 'e', span->len) != NULL ||
      memchr (span->text, 'E', span->len) != NULL)
    return FALSE;
  memcpy (buffer, span->text, span->len);
  buffer[span->len] = '\0';
  *value = g_ascii_strtoll (buffer, NULL, 10);
  return TRUE;
}

/* member_count() of a span: a non-negative number, or -1. */
static gint64
span_count (const XpzJsonSpan *span)
{
  gint64 value;
  double d;

  if (span->type != XPZ_JSON_NUMBER)
    return -1;
  if (span_integer (span, &value))
    return MAX (value, -1);
  if (!xpz_json_span_get_double (span, &d))
    return -1;
  return d >= 0 ? (gint64) d : -1;
}

/* member_id() of a span into @buffer: a string without escapes, or an integer. */
static const char *
span_id (const XpzJsonSpan *span,
         char              *buffer,
         gsize              size)
{
  gint64 value;

  if (span->type == XPZ_JSON_STRING && span->len >= 2 && span->len - 2 < size &&
      memchr (span->text + 1, '\\', span->len - 2) == NULL)
    {
      memcpy (buffer, span->text + 1, span->len - 2);
      buffer[span->len - 2] = '\0';
      return buffer;
    }
  if (span_integer (span, &value))
    {
      g_snprintf (buffer, size, "%" G_GINT64_FORMAT, value);
      return buffer;
    }
  return NULL;
}

static const char *
span_one_of (const XpzJsonSpan  *span,
             const char * const *allowed)
{
  for (guint i = 0; span->type == XPZ_JSON_STRING && allowed[i] != NULL; i++)
    if (xpz_json_span_equal (span, allowed[i]))
      return allowed[i];
  return NULL;
}

/* unique_skills (skills_text ()) of a summary's skills, built in @text, without the
 * splitting and case folding when the names make it needless (plain ASCII, none empty,
 * none holding the ", " separator, no two alike). */
static void
summary_skills (const XpzJsonSpan *skills,
                GString           *text)
{
  XpzJsonSpan element, name;
  gsize cursor = 0, starts[16];
  int lengths[16];
  guint n = 0;
  gboolean plain = TRUE;

  g_string_truncate (text, 0);
  if (skills->type != XPZ_JSON_ARRAY)
    return;
  while (xpz_json_array_next (skills, &cursor, &element))
    {
      g_autofree char *owned = NULL;
      const char *name_text;
      int len = 0;

      if (element.type == XPZ_JSON_OBJECT)
        {
          gsize member_cursor = 0;
          XpzJsonSpan key, value;

          name.type = XPZ_JSON_NONE;
          while (xpz_json_object_next (&element, &member_cursor, &key, &value))
            if (xpz_json_span_equal (&key, "name"))
              name = value;
        }
      else
        name = element;
      if ((name_text = span_text (&name, &len, &owned)) == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      plain = plain && len > 0 && n < G_N_ELEMENTS (starts) &&
              g_strstr_len (name_text, len, ", ") == NULL;
      for (int i = 0; plain && i < len; i++)
        plain = (guchar) name_text[i] < 0x80 && name_text[i] != '\0';
      for (guint i = 0; plain && i < n; i++)
        plain = lengths[i] != len ||
                g_ascii_strncasecmp (text->str + starts[i], name_text, (gsize) len) != 0;
      if (plain)
        {
          starts[n] = text->len;
          lengths[n++] = len;
        }
      g_string_append_len (text, name_text, len);
    }
  if (!plain)
    {
      g_autofree char *merged = unique_skills (text->str);

      g_string_assign (text, merged != NULL ? merged : "");
    }
}

/* An employer-side match as the snapshot sends them (not shared, no note), read from the
 * page's text; the spans point into the page. */
typedef struct
{
  XpzJsonSpan  change;
  gboolean     fast;                /* FALSE: apply_change() writes it */
  gboolean     has_candidate;       /* the candidate has an id */
  char         remote_id[64];
  char         candidate_remote[64];
  gboolean     has_job;
  char         job_remote[64];
  XpzJsonSpan  seniority;
  XpzJsonSpan  region;
  const char  *skills;              /* NULL for none */
  gint64       years;               /* -1 for none */
  gint64       points;
  const char  *stage;
  const char  *introduction;        /* NULL for none */
  XpzJsonSpan  factors;             /* an array, or XPZ_JSON_NONE for "[]" */
} EmployerMatch;

/* A page read ahead of the store's worker (see decode_thread()). */
typedef struct
{
  GArray       *matches;            /* EmployerMatch, one per change */
  GStringChunk *strings;            /* the skills texts */
} DecodedPage;

static void
decoded_page_free (DecodedPage *d)
{
  g_array_unref (d->matches);
  g_string_chunk_free (d->strings);
  g_free (d);
}

/* Fills @m from @change; m->fast FALSE when it is anything else. Touches no database. */
static void
decode_employer_match (const XpzJsonSpan *change,
                       EmployerMatch     *m,
                       GString           *skills_text,
                       GStringChunk      *strings)
{
  static const char * const introductions[] = { "pending", "accepted", "declined", NULL };
  XpzJsonSpan key, value, kind = { 0 }, id = { 0 }, op = { 0 }, data = { 0 };
  XpzJsonSpan candidate = { 0 }, shared = { 0 }, job = { 0 }, score = { 0 };
  XpzJsonSpan stage = { 0 }, note = { 0 }, introduction = { 0 };
  XpzJsonSpan candidate_id = { 0 }, summary = { 0 }, years = { 0 }, skills = { 0 };
  gsize cursor = 0;
  guint seen = 0;

  memset (m, 0, sizeof *m);
  m->change = *change;
  while (xpz_json_object_next (change, &cursor, &key, &value))
    {
      static const char * const names[] = { "kind", "id", "op", "data" };
      XpzJsonSpan *slots[] = { &kind, &id, &op, &data };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (xpz_json_span_equal (&key, names[i]))
          {
            if (seen & (1u << i))
              return;  /* a member twice */
            seen |= 1u << i;
            *slots[i] = value;
          }
    }
  if (!xpz_json_span_equal (&kind, "match") || xpz_json_span_equal (&op, "delete") ||
      data.type != XPZ_JSON_OBJECT || span_id (&id, m->remote_id, sizeof m->remote_id) == NULL)
    return;

  cursor = 0;
  while (xpz_json_object_next (&data, &cursor, &key, &value))
    {
      static const char * const names[] = {
        "candidate", "shared", "job_id", "score", "factors", "stage", "note", "introduction",
      };
      XpzJsonSpan *slots[] = { &candidate, &shared, &job, &score, &m->factors, &stage, &note,
                               &introduction };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (xpz_json_span_equal (&key, names[i]))
          {
            *slots[i] = value;
            break;
          }
    }
  if (candidate.type != XPZ_JSON_OBJECT || note.type == XPZ_JSON_STRING ||
      (shared.type != XPZ_JSON_NONE && shared.type != XPZ_JSON_FALSE))
    return;
  if (m->factors.type != XPZ_JSON_ARRAY)
    m->factors.type = XPZ_JSON_NONE;

  cursor = 0;
  while (xpz_json_object_next (&candidate, &cursor, &key, &value))
    if (xpz_json_span_equal (&key, "id"))
      candidate_id = value;
    else if (xpz_json_span_equal (&key, "summary"))
      summary = value;
  if (candidate_id.type != XPZ_JSON_NONE)
    {
      if (span_id (&candidate_id, m->candidate_remote, sizeof m->candidate_remote) == NULL)
        return;
      m->has_candidate = TRUE;
    }
  cursor = 0;
  while (summary.type == XPZ_JSON_OBJECT && xpz_json_object_next (&summary, &cursor, &key, &value))
    if (xpz_json_span_equal (&key, "seniority"))
      m->seniority = value;
    else if (xpz_json_span_equal (&key, "region"))
      m->region = value;
    else if (xpz_json_span_equal (&key, "years"))
      years = value;
    else if (xpz_json_span_equal (&key, "skills"))
      skills = value;
  if (job.type != XPZ_JSON_NONE && job.type != XPZ_JSON_NULL)
    {
      if (span_id (&job, m->job_remote, sizeof m->job_remote) == NULL)
        return;
      m->has_job = TRUE;
    }

  summary_skills (&skills, skills_text);
  m->skills = skills_text->len > 0
              ? g_string_chunk_insert_len (strings, skills_text->str, (gssize) skills_text->len)
              : NULL;
  m->years = span_count (&years);
  m->points = CLAMP (span_count (&score), 0, 100);
  m->stage = span_one_of (&stage, match_stages);
  if (m->stage == NULL)
    m->stage = "new";
  m->introduction = span_one_of (&introduction, introductions);
  m->fast = TRUE;
}

static DecodedPage *
decode_page (const XpzJsonSpan *changes)
{
  DecodedPage *d = g_new0 (DecodedPage, 1);
  g_autoptr (GString) skills_text = g_string_sized_new (128);
  XpzJsonSpan change;
  gsize cursor = 0;

  d->matches = g_array_sized_new (FALSE, FALSE, sizeof (EmployerMatch), 1024);
  d->strings = g_string_chunk_new (16 * 1024);
  while (xpz_json_array_next (changes, &cursor, &change))
    {
      EmployerMatch *m;

      g_array_set_size (d->matches, d->matches->len + 1);
      m = &g_array_index (d->matches, EmployerMatch, d->matches->len - 1);
      decode_employer_match (&change, m, skills_text, d->strings);
    }
  return d;
}

/* The match statements' parameters, as apply_match() binds them. */
static void
bind_match (Apply               *a,
            sqlite3_stmt        *stmt,
            const EmployerMatch *m,
            gint64               job_row,
            gint64               candidate_row)
{
  sqlite3_bind_text (stmt, 1, m->remote_id, -1, SQLITE_STATIC);
  if (job_row > 0)
    sqlite3_bind_int64 (stmt, 2, job_row);
  if (candidate_row > 0)
    sqlite3_bind_int64 (stmt, 3, candidate_row);
  sqlite3_bind_double (stmt, 4, m->points / 100.0);
  sqlite3_bind_text (stmt, 5, a->explanation->str, (int) a->explanation->len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, a->now);
  sqlite3_bind_int64 (stmt, 7, m->points);
  sqlite3_bind_text (stmt, 8, m->stage, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, 0);
  if (m->introduction != NULL)
    sqlite3_bind_text (stmt, 10, m->introduction, -1, SQLITE_STATIC);
}

/* Writes @m as apply_match() writes an employer-side match not shared. */
static gboolean
write_employer_match (Apply                *a,
                      const EmployerMatch  *m,
                      GError              **error)
{
  g_autofree char *owned_seniority = NULL, *owned_region = NULL;
  gint64 candidate_row = 0, job_row = 0;
  sqlite3_stmt *stmt;

  if (m->has_candidate)
    {
      gboolean known, identified = FALSE;
      int rc;

      /* A new candidate (the snapshot's case) by a plain INSERT: the upsert's RETURNING
       * costs SQLite a temporary table per row. */
      if ((stmt = employer_stmt (a, EMPLOYER_FIND_CANDIDATE, error)) == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, m->candidate_remote, -1, SQLITE_STATIC);
      known = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if ((stmt = employer_stmt (a, known ? EMPLOYER_UPSERT_CANDIDATE : EMPLOYER_INSERT_CANDIDATE,
                                 error)) == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, m->candidate_remote, -1, SQLITE_STATIC);
      bind_span_text (stmt, 2, &m->seniority, &owned_seniority);
      if (m->skills != NULL)
        sqlite3_bind_text (stmt, 3, m->skills, -1, SQLITE_STATIC);
      bind_span_text (stmt, 4, &m->region, &owned_region);
      sqlite3_bind_int64 (stmt, 5, a->now);
      if (m->years >= 0)
        sqlite3_bind_int64 (stmt, 6, m->years);
      bind_span_text (stmt, 7, &m->seniority, &owned_seniority);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          candidate_row = sqlite3_column_int64 (stmt, 0);
          identified = sqlite3_column_int (stmt, 1) != 0;
          rc = sqlite3_step (stmt);
        }
      if (!known && rc == SQLITE_DONE)
        candidate_row = sqlite3_last_insert_rowid (a->db);
      if (rc != SQLITE_DONE)
        xpz_store_set_sqlite_error (a->db, rc, error);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        return FALSE;
      a->candidates_changed = TRUE;
      reindex (&a->fts_candidates, candidate_row);
      if (identified)
        {
          /* Some match of theirs was shared: is one still? (The match about to be written
           * refers to this candidate, so the row itself stays.) */
          touch_candidate (a, candidate_row);
        }
    }
  if (m->has_job)
    job_row = job_id_of (a, m->job_remote);

  if (a->explanation == NULL)
    a->explanation = g_string_sized_new (2048);
  g_string_assign (a->explanation, "{\"factors\":");
  if (m->factors.type == XPZ_JSON_ARRAY)
    g_string_append_len (a->explanation, m->factors.text, (gssize) m->factors.len);
  else
    g_string_append (a->explanation, "[]");
  g_string_append_c (a->explanation, '}');

  /* A new candidate's match is new too, but for one written earlier without its
   * candidate: a plain INSERT, and the upsert only when the id is taken. */
  if (candidate_row > a->last_candidate)
    {
      int rc;

      if ((stmt = employer_stmt (a, EMPLOYER_INSERT_MATCH, error)) == NULL)
        return FALSE;
      bind_match (a, stmt, m, job_row, candidate_row);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT_UNIQUE)
        xpz_store_set_sqlite_error (a->db, rc, error);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc == SQLITE_DONE)
        {
          a->matches_changed = TRUE;
          return TRUE;
        }
      if (rc != SQLITE_CONSTRAINT_UNIQUE)
        return FALSE;
    }
  if ((stmt = employer_stmt (a, EMPLOYER_UPSERT_MATCH, error)) == NULL)
    return FALSE;
  bind_match (a, stmt, m, job_row, candidate_row);
  if (!exec_stmt (a->db, stmt, error))
    return FALSE;
  a->matches_changed = TRUE;
  return TRUE;
}

typedef struct
{
  XpzApiResponse *page;      /* a raw response: the text the spans point into */
  XpzJsonSpan     changes;
  char           *since;     /* the cursor the page was asked with ("" for none) */
  char           *cursor;
  gint64          now;
  gboolean        incremental;
  GBytes         *key;
  DecodedPage    *decoded;   /* read ahead, or read by the worker */
  gboolean        ready;     /* decoded: may go to the store */
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
  g_clear_object (&r->page);
  g_clear_pointer (&r->key, g_bytes_unref);
  g_clear_pointer (&r->decoded, decoded_page_free);
  g_free (r->since);
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

/* A change of the page as a json-glib tree, built from its spans. An employer-side
 * match — nearly all of an employer's snapshot — keeps its factors as text: the store
 * keeps them as they are, and they are most of the page. */
static JsonObject *
change_object (Apply             *a,
               const XpzJsonSpan *change)
{
  JsonObject *object;
  XpzJsonSpan kind, data, name, value;
  gsize cursor = 0;

  a->raw_factors.type = XPZ_JSON_NONE;
  if (!xpz_json_object_get (change, "kind", &kind) || !xpz_json_span_equal (&kind, "match") ||
      !xpz_json_object_get (change, "data", &data) || data.type != XPZ_JSON_OBJECT ||
      !xpz_json_object_get (&data, "candidate", &value))
    {
      g_autoptr (JsonNode) node = xpz_json_span_to_node (change);

      return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
             ? json_object_ref (json_node_get_object (node)) : NULL;
    }

  object = json_object_new ();
  while (xpz_json_object_next (change, &cursor, &name, &value))
    {
      g_autofree char *member = xpz_json_span_dup_string (&name);

      if (member == NULL)
        continue;
      if (g_str_equal (member, "data"))
        {
          JsonObject *trimmed = json_object_new ();
          gsize data_cursor = 0;

          while (xpz_json_object_next (&value, &data_cursor, &name, &data))
            {
              g_autofree char *data_member = xpz_json_span_dup_string (&name);

              if (data_member == NULL)
                continue;
              if (g_str_equal (data_member, "factors"))
                a->raw_factors = data;
              else
                json_object_set_member (trimmed, data_member, xpz_json_span_to_node (&data));
            }
          json_object_set_object_member (object, member, trimmed);
        }
      else
        json_object_set_member (object, member, xpz_json_span_to_node (&value));
    }
  return object;
}

/* Binds the ids of @ids up to @max_id as a JSON array; FALSE when there is none. */
static gboolean
bind_ids (sqlite3_stmt *stmt,
          GArray       *ids,
          gint64        max_id)
{
  GString *text = g_string_sized_new (ids->len * 8 + 2);
  gboolean any = FALSE;

  g_string_append_c (text, '[');
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (id > max_id)
        continue;
      if (any)
        g_string_append_c (text, ',');
      g_string_append_printf (text, "%" G_GINT64_FORMAT, id);
      any = TRUE;
    }
  g_string_append_c (text, ']');
  sqlite3_bind_text (stmt, 1, g_string_free (text, FALSE), -1, g_free);
  return any;
}

static gboolean
run_with_ids (sqlite3     *db,
              const char  *sql,
              GArray      *ids,
              gint64       max_id,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  gboolean ok = rc == SQLITE_OK;

  if (!ok)
    xpz_store_set_sqlite_error (db, rc, error);
  else if (bind_ids (stmt, ids, max_id))
    ok = xpz_store_step_done (db, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* The page's jobs and candidates into the full-text indexes, a few statements for the
 * whole page. Row by row (the triggers) cost far more: SQLite opens a savepoint in every
 * virtual table of the transaction for each statement that may abort, and FTS5 writes
 * the terms it holds as a new segment at each savepoint — one segment per change, and
 * their merging. The ids come as a bound JSON array. */
static gboolean
index_page (Apply   *a,
            GError **error)
{
  if (a->fts_jobs != NULL &&
      (!run_with_ids (a->db, "DELETE FROM job_fts"
                      " WHERE rowid IN (SELECT value FROM json_each (?1))",
                      a->fts_jobs, G_MAXINT64, error) ||
       !run_with_ids (a->db, "INSERT INTO job_fts (rowid, title, skills, location, description)"
                      " SELECT id, xpz_fold (title), xpz_fold (skills), xpz_fold (location),"
                      " xpz_fold (description) FROM job"
                      " WHERE id IN (SELECT value FROM json_each (?1))",
                      a->fts_jobs, G_MAXINT64, error)))
    return FALSE;
  /* A candidate above last_candidate was inserted by this page: nothing to take out. */
  if (a->fts_candidates != NULL &&
      (!run_with_ids (a->db, "DELETE FROM candidate_fts"
                      " WHERE rowid IN (SELECT value FROM json_each (?1))",
                      a->fts_candidates, a->last_candidate, error) ||
       !run_with_ids (a->db, "INSERT INTO candidate_fts (rowid, headline, skills, location)"
                      " SELECT id, xpz_fold (headline), xpz_fold (skills), xpz_fold (location)"
                      " FROM candidate WHERE id IN (SELECT value FROM json_each (?1))",
                      a->fts_candidates, G_MAXINT64, error)))
    return FALSE;
  return TRUE;
}

static gint64
last_candidate (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = G_MAXINT64;

  if (sqlite3_prepare_v2 (db, "SELECT max(id) FROM candidate", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);  /* 0 when there is none */
  sqlite3_finalize (stmt);
  return id;
}

static gpointer read_cursor_func (XpzStore *store, sqlite3 *db, gpointer data,
                                  GCancellable *cancellable, GError **error);

/* One page and its cursor, in one transaction. Returns the number of changes. */
static gpointer
apply_page_func (XpzStore      *store,
                 sqlite3       *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ApplyRequest *r = data;
  Apply a = { .db = db, .now = r->now, .incremental = r->incremental, .key = r->key };
  g_autofree char *stored = NULL;
  DecodedPage *decoded;
  PageResult *result;
  guint n = 0;
  int triggers = 1;
  gboolean ok;

  /* Pages are asked for ahead of the worker: this one applies on top of the cursor it
   * was asked with, or not at all (the page before it failed). */
  stored = read_cursor_func (store, db, NULL, cancellable, error);
  if (stored == NULL)
    return NULL;
  if (!g_str_equal (stored, r->since))
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CONSTRAINT,
                   _("The data was refused as inconsistent (%s)."), "change feed");
      return NULL;
    }
  if (r->decoded == NULL)
    r->decoded = decode_page (&r->changes);
  decoded = r->decoded;

  /* The full-text triggers are off while the page's rows are written, and the page's
   * rows are indexed at the end, in the same transaction (index_page()). Switching
   * triggers expires this connection's statements: they are prepared again when run. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  a.last_candidate = last_candidate (db);
  ok = prepare_all (&a, error);
  for (; ok && n < decoded->matches->len; n++)
    {
      const EmployerMatch *m = &g_array_index (decoded->matches, EmployerMatch, n);

      if (m->fast)
        ok = write_employer_match (&a, m, error);
      else if (m->change.type == XPZ_JSON_OBJECT)
        {
          g_autoptr (JsonObject) object = change_object (&a, &m->change);

          ok = object == NULL || apply_change (&a, object, error);
        }
    }
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, triggers, NULL);
  if (ok)
    ok = index_page (&a, error);
  if (ok)
    ok = purge_unshared (&a, error);
  if (ok && a.purged)
    xpz_store_request_checkpoint (store);
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
  if (a.candidate_changed & CANDIDATE_CHANGED_PROFILE)
    xpz_store_record_change (store, XPZ_PROFILE_TABLE, 1, XPZ_STORE_CHANGE_UPDATED);
  if (a.candidate_changed & CANDIDATE_CHANGED_DOCUMENTS)
    xpz_store_record_change (store, "document", 0, XPZ_STORE_CHANGE_RESET);
  if (a.candidate_changed & CANDIDATE_CHANGED_INTRODUCTIONS)
    xpz_store_record_change (store, "introduction_request", 0, XPZ_STORE_CHANGE_RESET);
  if (a.candidate_changed & CANDIDATE_CHANGED_SHARES)
    xpz_store_record_change (store, "share", 0, XPZ_STORE_CHANGE_RESET);
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
  if (pull->owed && (page == NULL || pull->finished))
    {
      /* no more pages: the request owed is not made */
      pull->owed = FALSE;
      pull->in_flight = FALSE;
    }
  else if (pull->owed && pull->applying < MAX_PAGES_AHEAD)
    {
      pull->owed = FALSE;
      send_request (task);
    }
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

/* For the fuzzers and tests: reads a page of changes as the pull does, off the store,
 * and returns how many changes took the fast path. */
guint
xpz_sync_engine_decode_page (const XpzJsonSpan *changes)
{
  DecodedPage *d;
  guint n;

  g_return_val_if_fail (changes != NULL, 0);

  if (changes->type != XPZ_JSON_ARRAY)
    return 0;
  d = decode_page (changes);
  n = d->matches->len;
  decoded_page_free (d);
  return n;
}

static void
decode_thread (GTask        *decode,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  ApplyRequest *r = data;

  r->decoded = decode_page (&r->changes);
  g_task_return_boolean (decode, TRUE);
}

/* Hands the pages read, in order, to the store's worker. */
static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  XpzSyncEngine *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  ApplyRequest *r = g_task_get_task_data (G_TASK (result));

  r->ready = TRUE;
  while ((r = g_queue_peek_head (&pull->pages)) != NULL && r->ready)
    xpz_store_run_async (self->store, TRUE, apply_page_func, g_queue_pop_head (&pull->pages),
                         (GDestroyNotify) apply_request_free, (GDestroyNotify) page_result_free,
                         g_task_get_cancellable (task), applied_cb, task);
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
  XpzJsonSpan changes, cursor_span, more;
  g_autofree char *cursor = NULL;
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

  if (xpz_api_response_get_member (response, "cursor", &cursor_span))
    cursor = xpz_json_span_dup_string (&cursor_span);
  if (cursor == NULL || !xpz_api_response_get_member (response, "changes", &changes) ||
      changes.type != XPZ_JSON_ARRAY)
    {
      finish (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, 0,
              g_error_new_literal (XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                                   _("The platform’s list of changes is not readable")));
      return;
    }

  r = g_new0 (ApplyRequest, 1);
  r->page = g_object_ref (response);
  r->changes = changes;
  r->since = g_strdup (pull->asked_since != NULL ? pull->asked_since : "");
  r->cursor = g_strdup (cursor);
  r->now = xpz_sync_engine_now (self);
  r->incremental = pull->cursor != NULL && *pull->cursor != '\0';
  r->key = self->key != NULL ? g_bytes_ref (self->key) : NULL;
  pull->applying++;
  g_queue_push_tail (&pull->pages, r);
  {
    /* Read while the worker applies the page before. */
    GTask *decode = g_task_new (NULL, NULL, decoded_cb, task);

    g_task_set_task_data (decode, r, NULL);
    g_task_set_name (decode, "[xpz-sync] read a page of changes");
    g_task_run_in_thread (decode, decode_thread);
    g_object_unref (decode);
  }

  if (xpz_api_response_get_member (response, "more", &more) && xpz_json_span_get_bool (&more))
    {
      g_free (pull->cursor);
      pull->cursor = g_strdup (cursor);
      pull->refreshed = FALSE;
      if (pull->applying >= MAX_PAGES_AHEAD)
        pull->owed = TRUE;  /* in_flight stays set: a request is owed */
      else
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
  g_free (pull->asked_since);
  pull->asked_since = g_strdup (pull->cursor);
  if (pull->cursor != NULL && *pull->cursor != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (pull->cursor, NULL, FALSE);
      path = g_strdup_printf ("/api/v1/changes?since=%s&limit=%d", escaped, PAGE_LIMIT);
    }
  else
    path = g_strdup_printf ("/api/v1/changes?limit=%d", PAGE_LIMIT);

  /* The page is checked, not parsed, off the main thread; the store's worker reads it. */
  xpz_api_client_call_raw_async (xpz_session_get_client (self->session), "GET", path,
                                 g_task_get_cancellable (task), changes_cb, task);
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
