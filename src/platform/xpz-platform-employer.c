/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-platform-private.h"

/*
 * The employer's side (/api/v1/jobs/…): job postings, ranked candidate matches,
 * introduction requests and the pipeline (stage and note). What an employer sees of a
 * candidate is decided here: the anonymised summary, plus the profile and documents
 * only while an active share exists for that job (R5.1–R5.4, R9.4).
 */

static const char * const stages[] = {
  "new", "reviewing", "contacted", "interviewing", "offer", "hired", "rejected", NULL,
};

static gboolean
check_string (JsonObject  *object,
              const char  *name,
              gsize        max,
              gboolean     required,
              char       **message)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        *message = g_strdup_printf ("%s is required", name);
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      strlen (json_node_get_string (node)) > max)
    {
      *message = g_strdup_printf ("%s must be a string of at most %" G_GSIZE_FORMAT " bytes", name, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
one_of (const char         *value,
        const char * const *allowed)
{
  for (guint i = 0; allowed[i] != NULL; i++)
    if (g_str_equal (value, allowed[i]))
      return TRUE;
  return FALSE;
}

/* Plausible salary terms (R3.1, R5.2): a job is not a probe. A monthly amount in MAD
 * lies between 1 000 and 1 000 000 (100 and 1 000 000 in another currency), a yearly
 * one twelve times that, and min <= max. Called once the members' types are checked. */
static gboolean
check_salary_terms (JsonObject  *salary,
                    char       **message)
{
  const char *currency = json_object_get_string_member_with_default (salary, "currency", "MAD");
  const char *period = json_object_get_string_member_with_default (salary, "period", "month");
  double scale = g_str_equal (period, "year") ? 12.0 : 1.0;
  double low = (g_str_equal (currency, "MAD") ? 1000.0 : 100.0) * scale;
  double high = 1000000.0 * scale;
  gboolean has_min = json_object_has_member (salary, "min");
  gboolean has_max = json_object_has_member (salary, "max");
  double min = has_min ? json_object_get_double_member (salary, "min") : -1;
  double max = has_max ? json_object_get_double_member (salary, "max") : -1;

  for (guint i = 0; i < 3; i++)
    if (!g_ascii_isupper (currency[i]))
      {
        *message = g_strdup ("salary.currency must be an ISO 4217 code such as MAD");
        return FALSE;
      }
  if ((has_min && (min < low || min > high)) || (has_max && (max < low || max > high)))
    {
      *message = g_strdup_printf ("salary amounts per %s in %s must lie between %.0f and %.0f",
                                  period, currency, low, high);
      return FALSE;
    }
  if (has_min && has_max && min > max)
    {
      *message = g_strdup ("salary.min must not exceed salary.max");
      return FALSE;
    }
  return TRUE;
}

gboolean
xpz_platform_job_validate (JsonObject  *job,
                           char       **message)
{
  static const char * const known[] = {
    "title", "description", "skills", "location", "work_mode", "salary", "contract_type", "seniority", "languages",
    NULL,
  };
  static const char * const server_owned[] = { "id", "employer", "version", "created_at", "updated_at", NULL };
  static const char * const modes[] = { "remote", "hybrid", "onsite", NULL };
  static const char * const seniorities[] = { "junior", "mid", "senior", "lead", NULL };
  g_autoptr(GList) members = json_object_get_members (job);
  JsonNode *node;

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (one_of (l->data, server_owned))
        json_object_remove_member (job, l->data);
      else if (!one_of (l->data, known))
        {
          *message = g_strdup_printf ("Unknown field %s", (const char *) l->data);
          return FALSE;
        }
      else if (JSON_NODE_HOLDS_NULL (json_object_get_member (job, l->data)))
        json_object_remove_member (job, l->data);
    }
  if (!check_string (job, "title", 200, TRUE, message) ||
      !check_string (job, "description", 20000, FALSE, message) ||
      !check_string (job, "work_mode", 20, FALSE, message) ||
      !check_string (job, "contract_type", 50, FALSE, message) ||
      !check_string (job, "seniority", 20, FALSE, message))
    return FALSE;
  if (*json_object_get_string_member (job, "title") == '\0')
    {
      *message = g_strdup ("title must not be empty");
      return FALSE;
    }
  if (json_object_has_member (job, "work_mode") && !one_of (json_object_get_string_member (job, "work_mode"), modes))
    {
      *message = g_strdup ("work_mode must be remote, hybrid or onsite");
      return FALSE;
    }
  if (json_object_has_member (job, "seniority") && !one_of (json_object_get_string_member (job, "seniority"), seniorities))
    {
      *message = g_strdup ("seniority must be junior, mid, senior or lead");
      return FALSE;
    }
  if ((node = json_object_get_member (job, "skills")) != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) > 100)
        goto bad_skills;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *skill;
          JsonNode *must;
          g_autoptr(GList) keys = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            goto bad_skills;
          skill = json_node_get_object (element);
          keys = json_object_get_members (skill);
          for (GList *k = keys; k != NULL; k = k->next)
            if (!g_str_equal (k->data, "name") && !g_str_equal (k->data, "must_have"))
              goto bad_skills;
          if (!check_string (skill, "name", 200, TRUE, message))
            return FALSE;
          must = json_object_get_member (skill, "must_have");
          if (must != NULL && (!JSON_NODE_HOLDS_VALUE (must) || json_node_get_value_type (must) != G_TYPE_BOOLEAN))
            goto bad_skills;
        }
    }
  if ((node = json_object_get_member (job, "location")) != NULL)
    {
      JsonObject *location;
      const char *code;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          *message = g_strdup ("location must be {city, countryCode}");
          return FALSE;
        }
      location = json_node_get_object (node);
      if (!check_string (location, "city", 200, FALSE, message) ||
          !check_string (location, "countryCode", 2, FALSE, message))
        return FALSE;
      code = json_object_get_string_member_with_default (location, "countryCode", "MA");
      if (strlen (code) != 2 || !g_ascii_isupper (code[0]) || !g_ascii_isupper (code[1]))
        {
          *message = g_strdup ("location.countryCode must be an ISO 3166-1 alpha-2 code");
          return FALSE;
        }
    }
  if ((node = json_object_get_member (job, "salary")) != NULL)
    {
      JsonObject *salary;
      g_autoptr(GList) keys = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto bad_salary;
      salary = json_node_get_object (node);
      keys = json_object_get_members (salary);
      for (GList *k = keys; k != NULL; k = k->next)
        {
          JsonNode *v = json_object_get_member (salary, k->data);

          if (g_str_equal (k->data, "min") || g_str_equal (k->data, "max"))
            {
              if (!JSON_NODE_HOLDS_VALUE (v) || (json_node_get_value_type (v) != G_TYPE_INT64 &&
                                                 json_node_get_value_type (v) != G_TYPE_DOUBLE) ||
                  json_node_get_double (v) < 0)
                goto bad_salary;
            }
          else if (g_str_equal (k->data, "currency"))
            {
              if (json_node_get_value_type (v) != G_TYPE_STRING || strlen (json_node_get_string (v)) != 3)
                goto bad_salary;
            }
          else if (g_str_equal (k->data, "period"))
            {
              if (json_node_get_value_type (v) != G_TYPE_STRING ||
                  (!g_str_equal (json_node_get_string (v), "month") && !g_str_equal (json_node_get_string (v), "year")))
                goto bad_salary;
            }
          else
            goto bad_salary;
        }
      if (!check_salary_terms (salary, message))
        return FALSE;
    }
  if ((node = json_object_get_member (job, "languages")) != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto bad_languages;
      array = json_node_get_array (node);
      if (json_array_get_length (array) > 20)
        goto bad_languages;
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (json_node_get_value_type (json_array_get_element (array, i)) != G_TYPE_STRING)
          goto bad_languages;
    }
  return TRUE;

bad_skills:
  *message = g_strdup ("skills must be [{name, must_have}]");
  return FALSE;
bad_salary:
  *message = g_strdup ("salary must be {min, max, currency, period: month|year}");
  return FALSE;
bad_languages:
  *message = g_strdup ("languages must be an array of strings");
  return FALSE;
}

gint64
xpz_platform_store_job (XpzPlatformServer *self,
                        gint64             job_id,
                        gint64             employer_id,
                        JsonObject        *job,
                        gint64             now,
                        gboolean           emit)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autofree char *domain = NULL;
  g_autofree guint8 *old_scores = NULL;
  XpzJobVec *j;
  guint n = xpz_platform_matcher_n_candidates (self->matcher);
  guint min = self->options.list_min_score;

  json_node_set_object (node, job);
  text = xpz_platform_json_to_string (node, NULL);
  json_node_unref (node);

  if (job_id == 0)
    {
      if (!xpz_platform_db_run (self->db,
                                "INSERT INTO jobs (employer_id, doc, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                                "isii", employer_id, text, now, now))
        return 0;
      job_id = xpz_platform_db_last_insert_id (self->db);
    }
  else if (!xpz_platform_db_run (self->db, "UPDATE jobs SET doc = ?, version = version + 1, updated_at = ? WHERE id = ?",
                                 "sii", text, now, job_id))
    return 0;

  domain = xpz_platform_db_text (self->db, "SELECT email_domain FROM accounts WHERE id = ?", "i", employer_id);
  j = xpz_platform_matcher_get_job (self->matcher, job_id);
  if (emit && j != NULL)
    {
      old_scores = g_new0 (guint8, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          XpzCandidateVec *c = xpz_platform_matcher_candidate_at (self->matcher, i);
          XpzScore score;

          if (c->flags & XPZ_CANDIDATE_DELETED)
            continue;
          xpz_platform_matcher_score (self->matcher, c, j, &score);
          old_scores[i] = score.gate_failed ? 0 : score.total;
        }
    }
  /* Incremental: only this job is re-scored, against every candidate. */
  j = xpz_platform_matcher_set_job (self->matcher, job_id, employer_id, domain, job);
  if (emit)
    {
      g_autofree char *entity = g_strdup_printf ("%" G_GINT64_FORMAT, job_id);

      for (guint i = 0; i < n; i++)
        {
          XpzCandidateVec *c = xpz_platform_matcher_candidate_at (self->matcher, i);
          XpzScore score;
          guint8 old = old_scores ? old_scores[i] : 0, cur;

          if ((c->flags & XPZ_CANDIDATE_DELETED) || !xpz_platform_matcher_visible_to (c, j))
            continue;
          xpz_platform_matcher_score (self->matcher, c, j, &score);
          cur = score.gate_failed ? 0 : score.total;
          if (cur != old && (cur >= min || old >= min))
            {
              g_autofree char *pair = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_id, c->id);

              xpz_platform_emit_change (self, employer_id, "match", pair, now);
              xpz_platform_emit_change (self, c->id, "matches", "0", now);
            }
        }
      xpz_platform_emit_change (self, employer_id, "job", entity, now);
      xpz_platform_auto_share_job (self, job_id, now);
    }
  return job_id;
}

static char *
job_etag (XpzPlatformServer *self,
          gint64             job_id)
{
  return g_strdup_printf ("\"job-%" G_GINT64_FORMAT "\"",
                          xpz_platform_db_int (self->db, 0, "SELECT version FROM jobs WHERE id = ?", "i", job_id));
}

static void
respond_job (XpzRequest *req,
             gint64      job_id,
             guint       status)
{
  JsonNode *node = xpz_platform_job_owner_json (req->server, job_id);

  if (node == NULL)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such job");
      return;
    }
  req->etag = job_etag (req->server, job_id);
  xpz_request_json (req, status, node);
}

void
xpz_platform_job_context_load (XpzPlatformServer *self,
                               XpzJobContext     *context,
                               const XpzJobVec   *job)
{
  sqlite3_stmt *stmt;

  context->job_id = job->id;
  context->shared = g_hash_table_new (g_direct_hash, g_direct_equal);
  context->pipeline = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  context->introductions = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  stmt = xpz_platform_db_query (self->db, "SELECT candidate_id, status FROM introductions WHERE job_id = ?",
                                "i", job->id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (context->introductions, GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  if (stmt != NULL)
    sqlite3_reset (stmt);
  /* disclosed: an active share, and the employer's organisation verified now (R5.1) */
  stmt = xpz_platform_db_query (self->db, "SELECT candidate_id FROM shares WHERE employer_id = ? AND job_id = ?"
                                " AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = shares.employer_id"
                                " AND a.role = 'employer' AND a.closed_at IS NULL AND a.verified_at IS NOT NULL"
                                " AND a.verified_domain = a.email_domain)", "ii", job->employer_id, job->id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (context->shared, GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)));
  if (stmt != NULL)
    sqlite3_reset (stmt);
  context->dismissed = g_hash_table_new (g_direct_hash, g_direct_equal);
  if (xpz_platform_match_feedback_ensure (self->db))
    {
      stmt = xpz_platform_db_query (self->db, "SELECT candidate_id FROM match_dismissals WHERE job_id = ?", "i", job->id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        g_hash_table_add (context->dismissed, GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)));
      if (stmt != NULL)
        sqlite3_reset (stmt);
    }
  stmt = xpz_platform_db_query (self->db, "SELECT candidate_id, stage, note FROM pipeline WHERE job_id = ?", "i", job->id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *stage = (const char *) sqlite3_column_text (stmt, 1);
      const char *note = (const char *) sqlite3_column_text (stmt, 2);
      gsize ls = strlen (stage), ln = note ? strlen (note) : 0;
      char *value = g_malloc (ls + ln + 3);

      memcpy (value, stage, ls + 1);
      value[ls + 1] = note ? 1 : 0;   /* has a note */
      if (note)
        memcpy (value + ls + 2, note, ln + 1);
      else
        value[ls + 2] = '\0';
      g_hash_table_insert (context->pipeline, GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)), value);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

void
xpz_platform_job_context_clear (XpzJobContext *context)
{
  g_clear_pointer (&context->shared, g_hash_table_unref);
  g_clear_pointer (&context->pipeline, g_hash_table_unref);
  g_clear_pointer (&context->introductions, g_hash_table_unref);
  g_clear_pointer (&context->dismissed, g_hash_table_unref);
}

/* Whether the employer's job lists this candidate (R3.1, R5.2): visible to the employer
 * (not paused, restricted, deleted or blocking it), past the must-have gate, at least
 * list_min_score, and not "not interested" in the job. A candidate who is not listed is
 * unreachable through every job endpoint: the same 404 as one who does not exist.
 * context: the job's loaded context, or NULL (then the database is asked). */
gboolean
xpz_platform_employer_lists (XpzPlatformServer *self,
                             XpzCandidateVec   *c,
                             XpzJobVec         *j,
                             XpzJobContext     *context,
                             XpzScore          *score)
{
  if (j == NULL || j->deleted || c == NULL || (c->flags & XPZ_CANDIDATE_DELETED) ||
      !xpz_platform_matcher_visible_to (c, j))
    return FALSE;
  xpz_platform_matcher_score (self->matcher, c, j, score);
  if (score->gate_failed || score->total == 0 || score->total < self->options.list_min_score)
    return FALSE;
  if (context != NULL && context->job_id == j->id && context->dismissed != NULL)
    return !g_hash_table_contains (context->dismissed, GSIZE_TO_POINTER ((gsize) c->id));
  return !xpz_platform_match_dismissed (self->db, c->id, j->id);
}

JsonNode *
xpz_platform_employer_match_json_with (XpzPlatformServer     *self,
                                       const XpzCandidateVec *c,
                                       const XpzJobVec       *j,
                                       const XpzScore        *score,
                                       XpzJobContext         *context)
{
  JsonObject *o = json_object_new ();
  JsonObject *candidate = json_object_new ();
  JsonNode *node;
  gboolean shared;
  sqlite3_stmt *stmt;

  if (context != NULL && context->job_id == j->id)
    shared = g_hash_table_contains (context->shared, GSIZE_TO_POINTER ((gsize) c->id));
  else
    shared = xpz_platform_share_disclosed (self, c->id, j->employer_id, j->id);

  json_object_set_int_member (candidate, "id", xpz_platform_candidate_handle (self, j->id, c->id));
  json_object_set_member (candidate, "summary", xpz_platform_matcher_summary_json (self->matcher, c, j));
  if (shared)
    {
      g_autoptr(JsonObject) profile = xpz_platform_load_profile (self, c->id, NULL);
      static const char * const members[] = { "basics", "work", "education", "skills", "languages" };
      JsonArray *docs = json_array_new ();

      /* Shared: the exact years may be told (the work history is shared too). */
      if (c->years >= 0)
        json_object_set_int_member (json_object_get_object_member (candidate, "summary"), "years", c->years);

      for (guint i = 0; profile != NULL && i < G_N_ELEMENTS (members); i++)
        if (json_object_has_member (profile, members[i]))
          json_object_set_member (candidate, members[i], json_node_copy (json_object_get_member (profile, members[i])));
      stmt = xpz_platform_db_query (self->db, "SELECT id, filename, content_type, size FROM documents"
                                    " WHERE account_id = ? ORDER BY id", "i", c->id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *doc = json_object_new ();

          json_object_set_int_member (doc, "id", sqlite3_column_int64 (stmt, 0));
          json_object_set_string_member (doc, "filename", (const char *) sqlite3_column_text (stmt, 1));
          json_object_set_string_member (doc, "content_type", (const char *) sqlite3_column_text (stmt, 2));
          json_object_set_int_member (doc, "size", sqlite3_column_int64 (stmt, 3));
          json_array_add_object_element (docs, doc);
        }
      if (stmt != NULL)
        sqlite3_reset (stmt);
      json_object_set_array_member (candidate, "documents", docs);
    }
  json_object_set_object_member (o, "candidate", candidate);
  json_object_set_boolean_member (o, "shared", shared);
  json_object_set_int_member (o, "job_id", j->id);
  json_object_set_int_member (o, "score", score->total);
  json_object_set_member (o, "factors", shared ? xpz_platform_matcher_factors_json (self->matcher, c, j, score)
                                               : xpz_platform_matcher_factors_json_anonymised (self->matcher, c, j, score));

  if (context != NULL && context->job_id == j->id)
    {
      const char *value = g_hash_table_lookup (context->pipeline, GSIZE_TO_POINTER ((gsize) c->id));

      json_object_set_string_member (o, "stage", value ? value : "new");
      if (value != NULL && value[strlen (value) + 1])
        json_object_set_string_member (o, "note", value + strlen (value) + 2);
      else
        json_object_set_null_member (o, "note");
    }
  else
    {
      stmt = xpz_platform_db_query (self->db, "SELECT stage, note FROM pipeline WHERE job_id = ? AND candidate_id = ?",
                                    "ii", j->id, c->id);
      if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          json_object_set_string_member (o, "stage", (const char *) sqlite3_column_text (stmt, 0));
          if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
            json_object_set_string_member (o, "note", (const char *) sqlite3_column_text (stmt, 1));
          else
            json_object_set_null_member (o, "note");
        }
      else
        {
          json_object_set_string_member (o, "stage", "new");
          json_object_set_null_member (o, "note");
        }
      if (stmt != NULL)
        sqlite3_reset (stmt);
    }

  /* The introduction this employer asked for, and what the candidate answered. */
  if (context != NULL && context->job_id == j->id)
    {
      const char *status = g_hash_table_lookup (context->introductions, GSIZE_TO_POINTER ((gsize) c->id));

      if (status != NULL)
        json_object_set_string_member (o, "introduction", status);
      else
        json_object_set_null_member (o, "introduction");
    }
  else
    {
      stmt = xpz_platform_db_query (self->db, "SELECT status FROM introductions WHERE job_id = ? AND candidate_id = ?",
                                    "ii", j->id, c->id);
      if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        json_object_set_string_member (o, "introduction", (const char *) sqlite3_column_text (stmt, 0));
      else
        json_object_set_null_member (o, "introduction");
      if (stmt != NULL)
        sqlite3_reset (stmt);
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* The fast path for the change feed: an unshared match written straight as JSON text.
 * Returns FALSE (and writes nothing) for a shared candidate: use the JsonNode version. */
gboolean
xpz_platform_employer_match_append (XpzPlatformServer     *self,
                                    const XpzCandidateVec *c,
                                    const XpzJobVec       *j,
                                    const XpzScore        *score,
                                    XpzJobContext         *context,
                                    GString               *out)
{
  const char *value;

  if (context == NULL || context->job_id != j->id ||
      g_hash_table_contains (context->shared, GSIZE_TO_POINTER ((gsize) c->id)))
    return FALSE;
  g_string_append_printf (out, "{\"candidate\":{\"id\":%" G_GINT64_FORMAT ",\"summary\":",
                          xpz_platform_candidate_handle (self, j->id, c->id));
  xpz_platform_matcher_summary_append (self->matcher, c, j, out);
  g_string_append_printf (out, "},\"shared\":false,\"job_id\":%" G_GINT64_FORMAT ",\"score\":%u,\"factors\":",
                          j->id, score->total);
  xpz_platform_matcher_factors_append (self->matcher, c, j, score, FALSE, out);
  value = g_hash_table_lookup (context->pipeline, GSIZE_TO_POINTER ((gsize) c->id));
  g_string_append (out, ",\"stage\":");
  xpz_platform_json_append_string (out, value ? value : "new");
  g_string_append (out, ",\"note\":");
  if (value != NULL && value[strlen (value) + 1])
    xpz_platform_json_append_string (out, value + strlen (value) + 2);
  else
    g_string_append (out, "null");
  value = g_hash_table_lookup (context->introductions, GSIZE_TO_POINTER ((gsize) c->id));
  g_string_append (out, ",\"introduction\":");
  if (value != NULL)
    xpz_platform_json_append_string (out, value);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
  return TRUE;
}

JsonNode *
xpz_platform_employer_match_json (XpzPlatformServer     *self,
                                  const XpzCandidateVec *c,
                                  const XpzJobVec       *j,
                                  const XpzScore        *score)
{
  return xpz_platform_employer_match_json_with (self, c, j, score, NULL);
}

/* The job, if it exists and belongs to the caller; otherwise a 404 (never a 403: an
 * employer learns nothing about other employers' ids). */
static XpzJobVec *
own_job (XpzRequest *req,
         gint64      job_id)
{
  XpzJobVec *j = xpz_platform_matcher_get_job (req->server->matcher, job_id);

  if (j == NULL || j->employer_id != req->account_id)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such job");
      return NULL;
    }
  return j;
}

/* The candidate, if this job lists them; otherwise a 404, the same as for an id that
 * does not exist (below the listing threshold means unreachable). */
static XpzCandidateVec *
visible_candidate (XpzRequest *req,
                   XpzJobVec  *j,
                   gint64      candidate_id,
                   XpzScore   *score)
{
  XpzCandidateVec *c = xpz_platform_matcher_get_candidate (req->server->matcher, candidate_id);

  if (xpz_platform_employer_lists (req->server, c, j, NULL, score))
    return c;
  xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such candidate for this job");
  return NULL;
}

static void
list_matches (XpzRequest *req,
              XpzJobVec  *j)
{
  XpzPlatformServer *self = req->server;
  g_autoptr(GArray) ranked = NULL;
  JsonArray *array;
  JsonNode *node;
  guint64 limit = 50, offset = 0;
  const char *text;
  g_autofree char *total = NULL;
  XpzJobContext context = { 0 };

  if ((text = xpz_request_query (req, "limit")) != NULL &&
      !g_ascii_string_to_unsigned (text, 10, 1, 500, &limit, NULL))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_limit", "limit must be 1–500");
      return;
    }
  if ((text = xpz_request_query (req, "offset")) != NULL &&
      !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &offset, NULL))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_offset", "offset must be a number");
      return;
    }

  ranked = xpz_platform_matcher_rank_job (self->matcher, j, self->options.list_min_score);
  xpz_platform_job_context_load (self, &context, j);
  /* Left out: candidates who said "not interested" in this job. */
  for (guint i = ranked->len; i > 0 && g_hash_table_size (context.dismissed) > 0; i--)
    {
      XpzCandidateVec *c = xpz_platform_matcher_candidate_at (self->matcher, g_array_index (ranked, XpzRanked, i - 1).index);

      if (g_hash_table_contains (context.dismissed, GSIZE_TO_POINTER ((gsize) c->id)))
        g_array_remove_index (ranked, i - 1);
    }
  array = json_array_new ();
  for (guint64 i = offset; i < ranked->len && i < offset + limit; i++)
    {
      XpzRanked *r = &g_array_index (ranked, XpzRanked, i);
      XpzCandidateVec *c = xpz_platform_matcher_candidate_at (self->matcher, r->index);
      XpzScore score;

      xpz_platform_matcher_score (self->matcher, c, j, &score);
      json_array_add_element (array, xpz_platform_employer_match_json_with (self, c, j, &score, &context));
    }
  xpz_platform_job_context_clear (&context);
  total = g_strdup_printf ("%u", ranked->len);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "X-Total-Count", total);
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  xpz_request_json (req, SOUP_STATUS_OK, node);
}

static void
request_introduction (XpzRequest      *req,
                      XpzJobVec       *j,
                      XpzCandidateVec *c)
{
  JsonObject *body = req->body && JSON_NODE_HOLDS_OBJECT (req->body) ? json_node_get_object (req->body) : NULL;
  const char *message = body ? json_object_get_string_member_with_default (body, "message", NULL) : NULL;
  g_autofree char *status = NULL;
  g_autofree char *entity = NULL;
  gint64 id;
  guint http_status = SOUP_STATUS_OK;
  JsonObject *o;

  if (message != NULL && strlen (message) > 2000)
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_message", "message is limited to 2000 bytes");
      return;
    }
  /* R5.1: an unverified organisation puts no request in front of a candidate. */
  if (!xpz_platform_employer_verified (req->server, j->employer_id))
    {
      xpz_request_error (req, SOUP_STATUS_FORBIDDEN, "employer_unverified",
                         "Your organisation is not verified yet: candidates stay anonymous until a platform"
                         " operator verifies your email domain");
      return;
    }
  status = xpz_platform_db_text (req->db, "SELECT status FROM introductions WHERE job_id = ? AND candidate_id = ?"
                                 " ORDER BY id DESC LIMIT 1", "ii", j->id, c->id);
  if (g_strcmp0 (status, "declined") == 0)
    {
      xpz_request_error (req, SOUP_STATUS_CONFLICT, "declined", "The candidate declined this introduction");
      return;
    }
  if (status == NULL)
    {
      xpz_platform_db_run (req->db,
                           "INSERT INTO introductions (candidate_id, employer_id, job_id, status, message, requested_at)"
                           " VALUES (?, ?, ?, 'pending', ?, ?)", "iiisi", c->id, j->employer_id, j->id, message, req->now);
      id = xpz_platform_db_last_insert_id (req->db);
      entity = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      xpz_platform_emit_change (req->server, c->id, "introduction", entity, req->now);
      /* The employer's other devices learn of the request through the match. */
      g_free (entity);
      entity = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, j->id, c->id);
      xpz_platform_emit_change (req->server, j->employer_id, "match", entity, req->now);
      http_status = SOUP_STATUS_CREATED;
    }
  id = xpz_platform_db_int (req->db, 0, "SELECT id FROM introductions WHERE job_id = ? AND candidate_id = ?"
                            " ORDER BY id DESC LIMIT 1", "ii", j->id, c->id);
  o = json_object_new ();
  json_object_set_int_member (o, "id", id);
  json_object_set_int_member (o, "job_id", j->id);
  json_object_set_int_member (o, "candidate_id", xpz_platform_candidate_handle (req->server, j->id, c->id));
  json_object_set_string_member (o, "status", status ? status : "pending");
  xpz_request_object (req, http_status, o);
}

static void
update_pipeline (XpzRequest      *req,
                 XpzJobVec       *j,
                 XpzCandidateVec *c,
                 XpzScore        *score)
{
  JsonObject *body = xpz_request_body_object (req);
  const char *stage;
  JsonNode *note;
  g_autofree char *entity = NULL;

  if (body == NULL)
    return;
  stage = json_object_get_string_member_with_default (body, "stage", "new");
  if (!one_of (stage, stages))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_stage", "Unknown stage");
      return;
    }
  note = json_object_get_member (body, "note");
  if (note != NULL && !JSON_NODE_HOLDS_NULL (note) &&
      (json_node_get_value_type (note) != G_TYPE_STRING || strlen (json_node_get_string (note)) > 5000))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_note", "note is a string of at most 5000 bytes");
      return;
    }
  xpz_platform_db_run (req->db,
                       "INSERT INTO pipeline (job_id, candidate_id, stage, note, updated_at) VALUES (?, ?, ?, ?, ?)"
                       " ON CONFLICT (job_id, candidate_id) DO UPDATE SET stage = excluded.stage,"
                       " note = excluded.note, updated_at = excluded.updated_at",
                       "iissi", j->id, c->id, stage,
                       (note != NULL && !JSON_NODE_HOLDS_NULL (note)) ? json_node_get_string (note) : NULL, req->now);
  entity = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, j->id, c->id);
  xpz_platform_emit_change (req->server, j->employer_id, "match", entity, req->now);
  xpz_request_json (req, SOUP_STATUS_OK, xpz_platform_employer_match_json (req->server, c, j, score));
}

static void
shared_document (XpzRequest      *req,
                 XpzJobVec       *j,
                 XpzCandidateVec *c)
{
  gint64 doc_id;
  sqlite3_stmt *stmt;

  if (!xpz_request_parse_id (req, 5, &doc_id))
    return;
  if (!xpz_platform_share_disclosed (req->server, c->id, j->employer_id, j->id))
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such document");
      return;
    }
  stmt = xpz_platform_db_query (req->db, "SELECT filename, content_type, data FROM documents WHERE id = ? AND account_id = ?",
                                "ii", doc_id, c->id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();
      g_autofree char *b64 = g_base64_encode (sqlite3_column_blob (stmt, 2), (gsize) sqlite3_column_bytes (stmt, 2));

      json_object_set_int_member (o, "id", doc_id);
      json_object_set_string_member (o, "filename", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (o, "content_type", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (o, "data", b64);
      xpz_request_object (req, SOUP_STATUS_OK, o);
    }
  else
    xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such document");
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

/* The handlers below are rows of the route table (xpz-platform-server.c), which has
 * already checked that the caller is a signed-in employer. */

/* The job of /jobs/{id}/..., if it is the caller's; otherwise the 404 is set. */
static XpzJobVec *
request_job (XpzRequest *req,
             gint64     *job_id)
{
  if (!xpz_request_parse_id (req, 1, job_id))
    return NULL;
  return own_job (req, *job_id);
}

/* The job and candidate of /jobs/{id}/matches/{id}/...; otherwise the 404 is set. */
static XpzCandidateVec *
request_match (XpzRequest  *req,
               XpzJobVec  **j,
               XpzScore    *score)
{
  gint64 job_id, handle;

  if ((*j = request_job (req, &job_id)) == NULL)
    return NULL;
  /* the candidate of a path is this job's handle (xpz-platform-handles.c) */
  if (!xpz_request_parse_id (req, 3, &handle))
    return NULL;
  return visible_candidate (req, *j, xpz_platform_candidate_from_handle (req->server, job_id, handle), score);
}

/* GET /jobs */
/* The ids of an employer's jobs, oldest first (read whole before the caller queries
 * again: a statement is reset only once it is done). */
GArray *
xpz_platform_employer_job_ids (XpzPlatformDb *db,
                               gint64         employer_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (db, "SELECT id FROM jobs WHERE employer_id = ? ORDER BY id",
                                              "i", employer_id);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return ids;
}

void
xpz_platform_employer_list_jobs (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  g_autoptr(GArray) ids = xpz_platform_employer_job_ids (req->db, req->account_id);

  for (guint i = 0; i < ids->len; i++)
    {
      JsonNode *job = xpz_platform_job_owner_json (self, g_array_index (ids, gint64, i));
      if (job != NULL)
        json_array_add_element (array, job);
    }
  json_node_take_array (node, array);
  xpz_request_json (req, SOUP_STATUS_OK, node);
}

/* POST /jobs */
void
xpz_platform_employer_create_job (XpzRequest *req)
{
  JsonObject *body = xpz_request_body_object (req);
  g_autofree char *message = NULL;
  gint64 job_id;

  if (body == NULL)
    return;
  if (!xpz_platform_job_validate (body, &message))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_job", message);
      return;
    }
  job_id = xpz_platform_store_job (req->server, 0, req->account_id, body, req->now, TRUE);
  if (job_id == 0)
    return;
  respond_job (req, job_id, SOUP_STATUS_CREATED);
}

/* GET /jobs/{id} */
void
xpz_platform_employer_get_job (XpzRequest *req)
{
  gint64 job_id;

  if (request_job (req, &job_id) == NULL)
    return;
  respond_job (req, job_id, SOUP_STATUS_OK);
}

/* PUT /jobs/{id} */
void
xpz_platform_employer_put_job (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  JsonObject *body;
  g_autofree char *message = NULL;
  g_autofree char *etag = NULL;
  gint64 job_id;

  if (request_job (req, &job_id) == NULL)
    return;
  body = xpz_request_body_object (req);
  etag = job_etag (self, job_id);
  if (body == NULL || !xpz_request_check_if_match (req, etag))
    return;
  if (!xpz_platform_job_validate (body, &message))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_job", message);
      return;
    }
  if (xpz_platform_store_job (self, job_id, req->account_id, body, req->now, TRUE) == 0)
    return;
  respond_job (req, job_id, SOUP_STATUS_OK);
}

/* DELETE /jobs/{id} */
void
xpz_platform_employer_delete_job (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  g_autofree char *etag = NULL;
  g_autofree char *entity = NULL;
  XpzCandidateVec *c;
  XpzScore score;
  XpzJobVec *j;
  gint64 job_id;

  if ((j = request_job (req, &job_id)) == NULL)
    return;
  etag = job_etag (self, job_id);
  entity = g_strdup_printf ("%" G_GINT64_FORMAT, job_id);
  if (!xpz_request_check_if_match (req, etag))
    return;
  for (guint i = 0; i < xpz_platform_matcher_n_candidates (self->matcher); i++)
    {
      c = xpz_platform_matcher_candidate_at (self->matcher, i);
      if (c->flags & XPZ_CANDIDATE_DELETED)
        continue;
      xpz_platform_matcher_score (self->matcher, c, j, &score);
      if (!score.gate_failed && score.total >= self->options.list_min_score)
        xpz_platform_emit_change (self, c->id, "matches", "0", req->now);
    }
  xpz_platform_db_run (req->db, "DELETE FROM jobs WHERE id = ?", "i", job_id);
  xpz_platform_emit_change (self, req->account_id, "job", entity, req->now);
  xpz_platform_matcher_remove_job (self->matcher, job_id);
  xpz_request_no_content (req);
}

/* GET /jobs/{id}/matches */
void
xpz_platform_employer_list_matches (XpzRequest *req)
{
  gint64 job_id;
  XpzJobVec *j;

  if ((j = request_job (req, &job_id)) == NULL)
    return;
  list_matches (req, j);
}

/* GET /jobs/{id}/matches/{id} */
void
xpz_platform_employer_get_match (XpzRequest *req)
{
  XpzJobVec *j;
  XpzCandidateVec *c;
  XpzScore score;

  if ((c = request_match (req, &j, &score)) == NULL)
    return;
  xpz_request_json (req, SOUP_STATUS_OK, xpz_platform_employer_match_json (req->server, c, j, &score));
}

/* PUT /jobs/{id}/matches/{id} */
void
xpz_platform_employer_put_match (XpzRequest *req)
{
  XpzJobVec *j;
  XpzCandidateVec *c;
  XpzScore score;

  if ((c = request_match (req, &j, &score)) == NULL)
    return;
  update_pipeline (req, j, c, &score);
}

/* POST /jobs/{id}/matches/{id}/introduction */
void
xpz_platform_employer_request_introduction (XpzRequest *req)
{
  XpzJobVec *j;
  XpzCandidateVec *c;
  XpzScore score;

  if ((c = request_match (req, &j, &score)) == NULL)
    return;
  request_introduction (req, j, c);
}

/* GET /jobs/{id}/matches/{id}/documents/{id} */
void
xpz_platform_employer_shared_document (XpzRequest *req)
{
  XpzJobVec *j;
  XpzCandidateVec *c;
  XpzScore score;

  if ((c = request_match (req, &j, &score)) == NULL)
    return;
  shared_document (req, j, c);
}
