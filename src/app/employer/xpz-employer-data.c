/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-data"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "xpz-api-response.h"
#include "xpz-crypto.h"
#include "xpz-employer-data.h"
#include "xpz-json-strict.h"
#include "xpz-sync-engine.h"
#include "xpz-validate.h"

G_DEFINE_QUARK (xpz-employer-error-quark, xpz_employer_error)

static const char * const stage_names[] = {
  "new", "reviewing", "contacted", "interviewing", "offer", "hired", "rejected", NULL,
};

const char * const *
xpz_employer_stages (void)
{
  return stage_names;
}

const char *
xpz_employer_stage_label (const char *stage)
{
  if (g_strcmp0 (stage, "reviewing") == 0)
    return C_("pipeline stage", "Shortlisted");
  if (g_strcmp0 (stage, "contacted") == 0)
    return C_("pipeline stage", "Contacted");
  if (g_strcmp0 (stage, "interviewing") == 0)
    return C_("pipeline stage", "Interviewing");
  if (g_strcmp0 (stage, "offer") == 0)
    return C_("pipeline stage", "Offer");
  if (g_strcmp0 (stage, "hired") == 0)
    return C_("pipeline stage", "Hired");
  if (g_strcmp0 (stage, "rejected") == 0)
    return C_("pipeline stage", "Rejected");
  return C_("pipeline stage", "New");
}

static void
free_secret (char *text)
{
  if (text != NULL)
    {
      sodium_memzero (text, strlen (text));
      g_free (text);
    }
}

void
xpz_employer_job_free (XpzEmployerJob *job)
{
  if (job == NULL)
    return;
  g_free (job->remote_id);
  g_free (job->title);
  g_free (job->location);
  g_free (job->status);
  g_clear_pointer (&job->job, json_object_unref);
  g_free (job);
}

void
xpz_employer_match_info_free (XpzEmployerMatchInfo *detail)
{
  if (detail == NULL)
    return;
  g_free (detail->job_remote_id);
  g_free (detail->candidate_remote_id);
  g_free (detail->stage);
  free_secret (detail->note);
  g_free (detail->intro_status);
  g_free (detail->intro_message);
  free_secret (detail->full_name);
  free_secret (detail->email);
  free_secret (detail->phone);
  free_secret (detail->linkedin_url);
  g_clear_pointer (&detail->profile, json_object_unref);
  g_free (detail);
}

/* --- validation --------------------------------------------------------------------- */

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
one_of (const char         *value,
        const char * const *allowed)
{
  for (guint i = 0; value != NULL && allowed[i] != NULL; i++)
    if (g_str_equal (value, allowed[i]))
      return TRUE;
  return FALSE;
}

gboolean
xpz_employer_validate_job (JsonObject  *job,
                           GError     **error)
{
  static const char * const modes[] = { "remote", "hybrid", "onsite", NULL };
  static const char * const seniorities[] = { "junior", "mid", "senior", "lead", NULL };
  const char *title = json_object_get_string_member_with_default (job, "title", NULL);
  const char *description = json_object_get_string_member_with_default (job, "description", "");
  const char *mode = json_object_get_string_member_with_default (job, "work_mode", NULL);
  const char *seniority = json_object_get_string_member_with_default (job, "seniority", NULL);
  JsonArray *skills = json_object_has_member (job, "skills")
                      ? json_object_get_array_member (job, "skills") : NULL;
  JsonObject *salary = json_object_has_member (job, "salary")
                       ? json_object_get_object_member (job, "salary") : NULL;
  g_autofree char *title_stripped = g_strstrip (g_strdup (title != NULL ? title : ""));

  if (*title_stripped == '\0')
    return invalid (error, _("Give the posting a title."));
  if (g_utf8_strlen (title, -1) > 200)
    return invalid (error, _("The title is longer than 200 characters."));
  if (g_utf8_strlen (description, -1) > 20000)
    return invalid (error, _("The description is longer than 20 000 characters."));
  if (skills == NULL || json_array_get_length (skills) == 0)
    return invalid (error, _("List at least one skill."));
  if (json_array_get_length (skills) > 100)
    return invalid (error, _("A posting lists at most 100 skills."));
  for (guint i = 0; i < json_array_get_length (skills); i++)
    {
      JsonObject *skill = json_array_get_object_element (skills, i);
      const char *name = json_object_get_string_member_with_default (skill, "name", "");

      if (*name == '\0' || g_utf8_strlen (name, -1) > 200)
        return invalid (error, _("Each skill needs a name of at most 200 characters."));
    }
  if (mode != NULL && !one_of (mode, modes))
    return invalid (error, _("Choose remote, hybrid or on-site."));
  if (seniority != NULL && !one_of (seniority, seniorities))
    return invalid (error, _("Choose a seniority: junior, mid, senior or lead."));
  if (salary != NULL)
    {
      gboolean has_min = json_object_has_member (salary, "min");
      gboolean has_max = json_object_has_member (salary, "max");
      g_autofree char *currency = NULL;

      if (!xpz_validate_salary (has_min, has_min ? json_object_get_int_member (salary, "min") : 0,
                                has_max, has_max ? json_object_get_int_member (salary, "max") : 0,
                                json_object_get_string_member_with_default (salary, "currency", "MAD"),
                                json_object_get_string_member_with_default (salary, "period", "month"),
                                &currency, error))
        return FALSE;
      if (!one_of (json_object_get_string_member_with_default (salary, "period", "month"),
                   (const char * const[]) { "month", "year", NULL }))
        return invalid (error, _("A salary is per month or per year."));
    }
  return TRUE;
}

/* --- worker side -------------------------------------------------------------------- */

static gboolean
prepare (sqlite3       *db,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  gboolean ok = xpz_store_step_done (db, stmt, error);

  sqlite3_finalize (stmt);
  return ok;
}

static char *
skills_text (JsonArray *skills)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; skills != NULL && i < json_array_get_length (skills); i++)
    {
      JsonObject *skill = json_array_get_object_element (skills, i);
      const char *name = skill != NULL ? json_object_get_string_member_with_default (skill, "name", NULL) : NULL;

      if (name == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
member_json (JsonObject *o,
             const char *name,
             const char *fallback)
{
  JsonNode *n = json_object_get_member (o, name);

  return n != NULL && !JSON_NODE_HOLDS_NULL (n) ? xpz_json_to_string (n, FALSE, NULL) : g_strdup (fallback);
}

static char *
object_text (JsonObject *o)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, o);
  return xpz_json_to_string (node, FALSE, NULL);
}

/* The posting in the platform's Job shape, from its row (columns 2.. of JOB_COLUMNS). */
#define JOB_COLUMNS "id, remote_id, title, description, skills_json, location, country_code," \
                    " remote, salary_min, salary_max, salary_currency, salary_period," \
                    " contract_type, seniority, languages, status"

static JsonObject *
job_from_row (sqlite3_stmt *stmt)
{
  JsonObject *job = json_object_new ();
  g_autoptr (JsonNode) skills = xpz_json_parse_strict ((const char *) sqlite3_column_text (stmt, 4), -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);
  g_autoptr (JsonNode) languages = xpz_json_parse_strict ((const char *) sqlite3_column_text (stmt, 14), -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);

  json_object_set_string_member (job, "title", (const char *) sqlite3_column_text (stmt, 2));
  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    json_object_set_string_member (job, "description", (const char *) sqlite3_column_text (stmt, 3));
  if (skills != NULL && JSON_NODE_HOLDS_ARRAY (skills))
    json_object_set_member (job, "skills", g_steal_pointer (&skills));
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    {
      JsonObject *location = json_object_new ();

      json_object_set_string_member (location, "city", (const char *) sqlite3_column_text (stmt, 5));
      json_object_set_string_member (location, "countryCode",
                                     sqlite3_column_type (stmt, 6) != SQLITE_NULL
                                     ? (const char *) sqlite3_column_text (stmt, 6) : "MA");
      json_object_set_object_member (job, "location", location);
    }
  if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
    json_object_set_string_member (job, "work_mode", (const char *) sqlite3_column_text (stmt, 7));
  if (sqlite3_column_type (stmt, 8) != SQLITE_NULL || sqlite3_column_type (stmt, 9) != SQLITE_NULL)
    {
      JsonObject *salary = json_object_new ();

      if (sqlite3_column_type (stmt, 8) != SQLITE_NULL)
        json_object_set_int_member (salary, "min", sqlite3_column_int64 (stmt, 8));
      if (sqlite3_column_type (stmt, 9) != SQLITE_NULL)
        json_object_set_int_member (salary, "max", sqlite3_column_int64 (stmt, 9));
      json_object_set_string_member (salary, "currency",
                                     sqlite3_column_type (stmt, 10) != SQLITE_NULL
                                     ? (const char *) sqlite3_column_text (stmt, 10) : "MAD");
      json_object_set_string_member (salary, "period",
                                     sqlite3_column_type (stmt, 11) != SQLITE_NULL
                                     ? (const char *) sqlite3_column_text (stmt, 11) : "month");
      json_object_set_object_member (job, "salary", salary);
    }
  if (sqlite3_column_type (stmt, 12) != SQLITE_NULL)
    json_object_set_string_member (job, "contract_type", (const char *) sqlite3_column_text (stmt, 12));
  if (sqlite3_column_type (stmt, 13) != SQLITE_NULL)
    json_object_set_string_member (job, "seniority", (const char *) sqlite3_column_text (stmt, 13));
  if (languages != NULL && JSON_NODE_HOLDS_ARRAY (languages))
    json_object_set_member (job, "languages", g_steal_pointer (&languages));
  return job;
}

static gpointer
list_jobs_func (XpzStore      *store,
                sqlite3       *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) xpz_employer_job_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare (db, "SELECT " JOB_COLUMNS ", (SELECT count(*) FROM match WHERE job_id = job.id)"
                    " FROM job WHERE own = 1 ORDER BY status = 'closed', id DESC", &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XpzEmployerJob *job = g_new0 (XpzEmployerJob, 1);

      job->id = sqlite3_column_int64 (stmt, 0);
      job->remote_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      job->title = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      job->location = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      job->status = g_strdup ((const char *) sqlite3_column_text (stmt, 15));
      job->n_matches = (guint) sqlite3_column_int (stmt, 16);
      job->job = job_from_row (stmt);
      g_ptr_array_add (jobs, job);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&jobs);
}

typedef struct
{
  GBytes     *key;
  gint64      id;
  gint64      now;
  JsonObject *job;
  gboolean    open;
  char       *stage;
  char       *note;
  char       *message;
  gboolean    keep_note;   /* a stage move: the note stays as it is */
} Write;

static void
write_free (Write *w)
{
  g_clear_pointer (&w->key, g_bytes_unref);
  g_clear_pointer (&w->job, json_object_unref);
  g_free (w->stage);
  free_secret (w->note);
  g_free (w->message);
  g_free (w);
}

static Write *
write_new (XpzAccount *account)
{
  Write *w = g_new0 (Write, 1);
  GBytes *key = xpz_session_get_at_rest_key (xpz_account_get_session (account));

  w->key = key != NULL ? g_bytes_ref (key) : NULL;
  w->now = g_get_real_time () / G_USEC_PER_SEC;
  return w;
}

/* @if_match: the version the change was made against (a posting's ETag), or NULL */
static gboolean
queue_if_match (XpzStore     *store,
                sqlite3      *db,
                Write        *w,
                const char   *method,
                const char   *path,
                const char   *body,
                const char   *if_match,
                GError      **error)
{
  g_autofree char *idempotency_key = g_uuid_string_random ();
  gint64 id = xpz_outbox_add (db, w->key, method, path, body, if_match, idempotency_key, w->now,
                              error);

  if (id <= 0)
    return FALSE;
  xpz_store_record_change (store, "outbox", id, XPZ_STORE_CHANGE_INSERTED);
  return TRUE;
}

static gboolean
queue (XpzStore     *store,
       sqlite3      *db,
       Write        *w,
       const char   *method,
       const char   *path,
       const char   *body,
       GError      **error)
{
  return queue_if_match (store, db, w, method, path, body, NULL, error);
}

/* The posting's platform id, and its ETag: the version its local copy was last known
 * at (from the change feed, or as this computer's last edit left it). */
static char *
job_remote_id (sqlite3  *db,
               gint64    id,
               gboolean *found,
               char    **etag)
{
  sqlite3_stmt *stmt = NULL;
  char *remote = NULL;

  *found = FALSE;
  *etag = NULL;
  if (sqlite3_prepare_v2 (db, "SELECT remote_id, etag FROM job WHERE id = ?1 AND own = 1", -1, &stmt,
                          NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *found = TRUE;
      remote = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *etag = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
  return remote;
}

static gpointer
save_job_func (XpzStore      *store,
               sqlite3       *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Write *w = data;
  JsonObject *job = w->job;
  JsonObject *location = json_object_has_member (job, "location") ? json_object_get_object_member (job, "location") : NULL;
  JsonObject *salary = json_object_has_member (job, "salary") ? json_object_get_object_member (job, "salary") : NULL;
  JsonArray *skills = json_object_get_array_member (job, "skills");
  g_autofree char *skills_plain = skills_text (skills);
  g_autofree char *skills_json = member_json (job, "skills", "[]");
  g_autofree char *languages = member_json (job, "languages", "[]");
  g_autofree char *body = object_text (job);
  g_autofree char *remote = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *next_etag = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id = w->id;
  gboolean found = FALSE;

  if (id > 0)
    {
      remote = job_remote_id (db, id, &found, &etag);
      if (!found)
        {
          g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_NOT_FOUND,
                               _("This posting no longer exists."));
          return NULL;
        }
      if (remote == NULL)
        {
          g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_NOT_SENT,
                               _("This posting is still being published. Edit it once it is online."));
          return NULL;
        }
      /* Sent with If-Match: the version this edit was made against. Edited on another
       * computer since, the platform refuses it (412) and the user chooses which to
       * keep. The local copy moves to the version this edit will make, so that a
       * second edit before this one is sent is sent against it. */
      next_etag = xpz_etag_next (etag);
      if (!prepare (db, "UPDATE job SET title = ?2, description = ?3, skills = ?4, skills_json = ?5,"
                        " location = ?6, country_code = ?7, remote = ?8, salary_min = ?9, salary_max = ?10,"
                        " salary_currency = ?11, salary_period = ?12, contract_type = ?13, seniority = ?14,"
                        " languages = ?15, updated_at = ?16, etag = ?17 WHERE id = ?1", &stmt, error))
        return NULL;
      sqlite3_bind_int64 (stmt, 1, id);
      xpz_store_bind_text_or_null (stmt, 17, next_etag);
    }
  else if (!prepare (db, "INSERT INTO job (title, description, skills, skills_json, location, country_code,"
                         " remote, salary_min, salary_max, salary_currency, salary_period, contract_type,"
                         " seniority, languages, updated_at, created_at, own, status)"
                         " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, 1, 'open')",
                     &stmt, error))
    return NULL;

  sqlite3_bind_text (stmt, 2, json_object_get_string_member (job, "title"), -1, SQLITE_TRANSIENT);
  xpz_store_bind_text_or_null (stmt, 3, json_object_get_string_member_with_default (job, "description", NULL));
  sqlite3_bind_text (stmt, 4, skills_plain, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, skills_json, -1, SQLITE_TRANSIENT);
  xpz_store_bind_text_or_null (stmt, 6, location ? json_object_get_string_member_with_default (location, "city", NULL) : NULL);
  xpz_store_bind_text_or_null (stmt, 7, location ? json_object_get_string_member_with_default (location, "countryCode", NULL) : NULL);
  xpz_store_bind_text_or_null (stmt, 8, json_object_get_string_member_with_default (job, "work_mode", NULL));
  if (salary != NULL && json_object_has_member (salary, "min"))
    sqlite3_bind_int64 (stmt, 9, json_object_get_int_member (salary, "min"));
  if (salary != NULL && json_object_has_member (salary, "max"))
    sqlite3_bind_int64 (stmt, 10, json_object_get_int_member (salary, "max"));
  xpz_store_bind_text_or_null (stmt, 11, salary ? json_object_get_string_member_with_default (salary, "currency", "MAD") : NULL);
  xpz_store_bind_text_or_null (stmt, 12, salary ? json_object_get_string_member_with_default (salary, "period", "month") : NULL);
  xpz_store_bind_text_or_null (stmt, 13, json_object_get_string_member_with_default (job, "contract_type", NULL));
  xpz_store_bind_text_or_null (stmt, 14, json_object_get_string_member_with_default (job, "seniority", NULL));
  sqlite3_bind_text (stmt, 15, languages, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 16, w->now);
  if (!step_done (db, stmt, error))
    return NULL;
  if (id <= 0)
    id = sqlite3_last_insert_rowid (db);

  if (remote != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%s", remote);

      if (!queue_if_match (store, db, w, "PUT", path, body, etag, error))
        return NULL;
    }
  else if (!queue (store, db, w, "POST", "/api/v1/jobs", body, error))
    return NULL;
  xpz_store_record_change (store, "job", id, w->id > 0 ? XPZ_STORE_CHANGE_UPDATED : XPZ_STORE_CHANGE_INSERTED);
  return g_memdup2 (&id, sizeof id);
}

/* Closing takes the posting off the platform (its matches go with it); reopening
 * publishes it again. The local row stays either way. */
static gpointer
set_open_func (XpzStore      *store,
               sqlite3       *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Write *w = data;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *remote = NULL;
  g_autoptr (JsonObject) job = NULL;
  g_autofree char *status = NULL;
  int rc;

  if (!prepare (db, "SELECT " JOB_COLUMNS " FROM job WHERE id = ?1 AND own = 1", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, w->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      remote = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      status = g_strdup ((const char *) sqlite3_column_text (stmt, 15));
      job = job_from_row (stmt);
    }
  sqlite3_finalize (stmt);
  if (job == NULL)
    {
      g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_NOT_FOUND,
                           _("This posting no longer exists."));
      return NULL;
    }
  if (g_strcmp0 (status, w->open ? "open" : "closed") == 0)
    return GINT_TO_POINTER (TRUE);
  if (!w->open && remote == NULL)
    {
      g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_NOT_SENT,
                           _("This posting is still being published. Close it once it is online."));
      return NULL;
    }
  if (!prepare (db, w->open ? "UPDATE job SET status = 'open', remote_id = NULL, updated_at = ?2 WHERE id = ?1"
                            : "UPDATE job SET status = 'closed', updated_at = ?2 WHERE id = ?1", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, w->id);
  sqlite3_bind_int64 (stmt, 2, w->now);
  if (!step_done (db, stmt, error))
    return NULL;
  if (w->open)
    {
      g_autofree char *body = object_text (job);

      if (!queue (store, db, w, "POST", "/api/v1/jobs", body, error))
        return NULL;
    }
  else
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/jobs/%s", remote);

      if (!queue (store, db, w, "DELETE", path, NULL, error))
        return NULL;
    }
  xpz_store_record_change (store, "job", w->id, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

static char *column_decrypted (GBytes       *key,
                               sqlite3_stmt *stmt,
                               int           i,
                               const char   *table,
                               const char   *column,
                               gint64        row_id);

/* The match's platform path: /api/v1/jobs/JOB/matches/CANDIDATE (from "JOB:CANDIDATE"). */
static char *
match_path (sqlite3     *db,
            gint64       match_id,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  char *path = NULL;

  if (!prepare (db, "SELECT remote_id FROM match WHERE id = ?1 AND candidate_id IS NOT NULL", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, match_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_auto (GStrv) parts = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), ":", 2);

      if (g_strv_length (parts) == 2)
        path = g_strdup_printf ("/api/v1/jobs/%s/matches/%s", parts[0], parts[1]);
    }
  sqlite3_finalize (stmt);
  if (path == NULL)
    g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_NOT_FOUND,
                         _("This candidate is no longer in the list."));
  return path;
}

static gpointer
pipeline_func (XpzStore      *store,
               sqlite3       *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Write *w = data;
  g_autofree char *path = match_path (db, w->id, error);
  g_autofree char *aad = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (JsonObject) body = json_object_new ();
  g_autofree char *body_text = NULL;
  sqlite3_stmt *stmt = NULL;

  if (path == NULL)
    return NULL;
  if (w->keep_note)
    {
      if (!prepare (db, "SELECT note FROM match WHERE id = ?1", &stmt, error))
        return NULL;
      sqlite3_bind_int64 (stmt, 1, w->id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        w->note = column_decrypted (w->key, stmt, 0, "match", "note", w->id);
      sqlite3_finalize (stmt);
      stmt = NULL;
    }
  if (w->note != NULL && *w->note != '\0')
    {
      if (w->key == NULL)
        {
          g_set_error_literal (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NO_KEY,
                               _("Your local data cannot be protected because its key is not available."));
          return NULL;
        }
      aad = xpz_crypto_aad ("match", "note", w->id);
      sealed = xpz_crypto_encrypt (w->key, (const guint8 *) w->note, strlen (w->note), aad, error);
      if (sealed == NULL)
        return NULL;
    }
  if (!prepare (db, "UPDATE match SET stage = ?2, note = ?3 WHERE id = ?1", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, w->id);
  sqlite3_bind_text (stmt, 2, w->stage, -1, SQLITE_TRANSIENT);
  if (sealed != NULL)
    sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_TRANSIENT);
  if (!step_done (db, stmt, error))
    return NULL;

  json_object_set_string_member (body, "stage", w->stage);
  if (sealed != NULL)
    json_object_set_string_member (body, "note", w->note);
  else
    json_object_set_null_member (body, "note");
  body_text = object_text (body);
  if (!queue (store, db, w, "PUT", path, body_text, error))
    return NULL;
  sodium_memzero (body_text, strlen (body_text));
  xpz_store_record_change (store, "match", w->id, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

static gpointer
intro_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Write *w = data;
  g_autofree char *path = match_path (db, w->id, error);
  g_autofree char *intro_path = NULL;
  g_autoptr (JsonObject) body = json_object_new ();
  g_autofree char *body_text = NULL;
  sqlite3_stmt *stmt = NULL;

  if (path == NULL)
    return NULL;
  if (!prepare (db, "UPDATE match SET intro_status = 'pending', intro_message = ?2, intro_at = ?3"
                    " WHERE id = ?1 AND (intro_status IS NULL OR intro_status = 'pending')", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, w->id);
  xpz_store_bind_text_or_null (stmt, 2, w->message);
  sqlite3_bind_int64 (stmt, 3, w->now);
  if (!step_done (db, stmt, error))
    return NULL;
  if (sqlite3_changes (db) == 0)
    return GINT_TO_POINTER (TRUE);  /* already accepted or declined */

  if (w->message != NULL)
    json_object_set_string_member (body, "message", w->message);
  body_text = object_text (body);
  intro_path = g_strconcat (path, "/introduction", NULL);
  if (!queue (store, db, w, "POST", intro_path, body_text, error))
    return NULL;
  xpz_store_record_change (store, "match", w->id, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

static char *
column_decrypted (GBytes       *key,
                  sqlite3_stmt *stmt,
                  int           i,
                  const char   *table,
                  const char   *column,
                  gint64        row_id)
{
  g_autofree char *aad = NULL;
  g_autoptr (GBytes) plain = NULL;

  if (sqlite3_column_type (stmt, i) != SQLITE_BLOB || key == NULL)
    return NULL;
  aad = xpz_crypto_aad (table, column, row_id);
  plain = xpz_crypto_decrypt (key, sqlite3_column_blob (stmt, i), (gsize) sqlite3_column_bytes (stmt, i),
                              aad, NULL);
  if (plain == NULL)
    return NULL;
  return g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
}

static gpointer
detail_func (XpzStore      *store,
             sqlite3       *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Write *w = data;
  g_autoptr (XpzEmployerMatchInfo) d = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 candidate_id;

  if (!prepare (db, "SELECT m.id, m.remote_id, c.remote_id, m.shared, m.stage, m.note, m.intro_status,"
                    " m.intro_message, c.id, c.full_name, c.email, c.phone, c.linkedin_url, c.shared_profile"
                    " FROM match m LEFT JOIN candidate c ON c.id = m.candidate_id WHERE m.id = ?1",
                &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, w->id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_NOT_FOUND,
                           _("This candidate is no longer in the list."));
      return NULL;
    }
  d = g_new0 (XpzEmployerMatchInfo, 1);
  d->match_id = w->id;
  {
    g_auto (GStrv) parts = g_strsplit ((const char *) sqlite3_column_text (stmt, 1), ":", 2);

    d->job_remote_id = g_strdup (parts[0]);
  }
  d->candidate_remote_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  d->shared = sqlite3_column_int (stmt, 3) != 0;
  d->stage = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  d->note = column_decrypted (w->key, stmt, 5, "match", "note", w->id);
  d->intro_status = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  d->intro_message = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  candidate_id = sqlite3_column_int64 (stmt, 8);
  if (d->shared)
    {
      g_autofree char *profile = NULL;

      d->full_name = column_decrypted (w->key, stmt, 9, "candidate", "full_name", candidate_id);
      d->email = column_decrypted (w->key, stmt, 10, "candidate", "email", candidate_id);
      d->phone = column_decrypted (w->key, stmt, 11, "candidate", "phone", candidate_id);
      d->linkedin_url = column_decrypted (w->key, stmt, 12, "candidate", "linkedin_url", candidate_id);
      profile = column_decrypted (w->key, stmt, 13, "candidate", "shared_profile", candidate_id);
      if (profile != NULL)
        {
          g_autoptr (JsonNode) node = xpz_json_parse_strict (profile, -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);

          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
            d->profile = json_object_ref (json_node_get_object (node));
          sodium_memzero (profile, strlen (profile));
        }
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&d);
}

/* --- API ---------------------------------------------------------------------------- */

void
xpz_employer_list_jobs_async (XpzAccount          *account,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  xpz_store_run_async (xpz_account_get_store (account), FALSE, list_jobs_func, NULL, NULL,
                       (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
xpz_employer_list_jobs_finish (XpzAccount    *account,
                               GAsyncResult  *result,
                               GError       **error)
{
  return xpz_store_run_finish (xpz_account_get_store (account), result, error);
}

void
xpz_employer_save_job_async (XpzAccount          *account,
                             gint64               job_id,
                             JsonObject          *job,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Write *w = write_new (account);

  w->id = job_id;
  w->job = json_object_ref (job);
  xpz_store_run_async (xpz_account_get_store (account), TRUE, save_job_func, w,
                       (GDestroyNotify) write_free, g_free, cancellable, callback, user_data);
}

gint64
xpz_employer_save_job_finish (XpzAccount    *account,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autofree gint64 *id = xpz_store_run_finish (xpz_account_get_store (account), result, error);

  return id != NULL ? *id : 0;
}

void
xpz_employer_set_job_open_async (XpzAccount          *account,
                                 gint64               job_id,
                                 gboolean             open,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Write *w = write_new (account);

  w->id = job_id;
  w->open = open;
  xpz_store_run_async (xpz_account_get_store (account), TRUE, set_open_func, w,
                       (GDestroyNotify) write_free, NULL, cancellable, callback, user_data);
}

gboolean
xpz_employer_write_finish (XpzAccount    *account,
                           GAsyncResult  *result,
                           GError       **error)
{
  return xpz_store_run_finish (xpz_account_get_store (account), result, error) != NULL;
}

void
xpz_employer_set_pipeline_async (XpzAccount          *account,
                                 gint64               match_id,
                                 const char          *stage,
                                 const char          *note,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Write *w = write_new (account);

  w->id = match_id;
  w->stage = g_strdup (one_of (stage, stage_names) ? stage : "new");
  w->note = g_strdup (note);
  xpz_store_run_async (xpz_account_get_store (account), TRUE, pipeline_func, w,
                       (GDestroyNotify) write_free, NULL, cancellable, callback, user_data);
}

void
xpz_employer_set_stage_async (XpzAccount          *account,
                              gint64               match_id,
                              const char          *stage,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Write *w = write_new (account);

  w->id = match_id;
  w->stage = g_strdup (one_of (stage, stage_names) ? stage : "new");
  w->keep_note = TRUE;
  xpz_store_run_async (xpz_account_get_store (account), TRUE, pipeline_func, w,
                       (GDestroyNotify) write_free, NULL, cancellable, callback, user_data);
}

void
xpz_employer_request_intro_async (XpzAccount          *account,
                                  gint64               match_id,
                                  const char          *message,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Write *w = write_new (account);

  w->id = match_id;
  w->message = g_strdup (message);
  xpz_store_run_async (xpz_account_get_store (account), TRUE, intro_func, w,
                       (GDestroyNotify) write_free, NULL, cancellable, callback, user_data);
}

void
xpz_employer_read_detail_async (XpzAccount          *account,
                                gint64               match_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Write *w = write_new (account);

  w->id = match_id;
  xpz_store_run_async (xpz_account_get_store (account), FALSE, detail_func, w,
                       (GDestroyNotify) write_free, (GDestroyNotify) xpz_employer_match_info_free,
                       cancellable, callback, user_data);
}

XpzEmployerMatchInfo *
xpz_employer_read_detail_finish (XpzAccount    *account,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return xpz_store_run_finish (xpz_account_get_store (account), result, error);
}
