/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-platform-private.h"

/*
 * The candidate's side (/api/v1/me/…): profile, documents, matches, privacy settings,
 * shares, introductions, blocked employers and the ledger; and the sharing decisions
 * (R5.1–R5.4, R8.4) that the employer side depends on.
 */

#define MAX_DOCUMENT_SIZE (8 * 1024 * 1024)

/* ---- profile shape ---- */

typedef enum { F_STR, F_DATE, F_NUM, F_BOOL, F_OBJ, F_STRS, F_OBJS, F_MODES, F_CODE, F_CURRENCY, F_PERIOD, F_URL, F_EMAIL } FieldKind;

typedef struct Field Field;
struct Field
{
  const char  *name;
  FieldKind    kind;
  const Field *sub;
};

static const Field location_fields[] = {
  { "city", F_STR, NULL }, { "region", F_STR, NULL }, { "countryCode", F_CODE, NULL }, { NULL, 0, NULL },
};
static const Field profile_link_fields[] = {
  { "network", F_STR, NULL }, { "username", F_STR, NULL }, { "url", F_URL, NULL }, { NULL, 0, NULL },
};
static const Field basics_fields[] = {
  { "name", F_STR, NULL }, { "label", F_STR, NULL }, { "email", F_EMAIL, NULL }, { "phone", F_STR, NULL },
  { "url", F_URL, NULL }, { "summary", F_STR, NULL }, { "location", F_OBJ, location_fields },
  { "profiles", F_OBJS, profile_link_fields }, { NULL, 0, NULL },
};
static const Field work_fields[] = {
  { "name", F_STR, NULL }, { "position", F_STR, NULL }, { "startDate", F_DATE, NULL },
  { "endDate", F_DATE, NULL }, { "summary", F_STR, NULL }, { NULL, 0, NULL },
};
static const Field education_fields[] = {
  { "institution", F_STR, NULL }, { "area", F_STR, NULL }, { "studyType", F_STR, NULL },
  { "startDate", F_DATE, NULL }, { "endDate", F_DATE, NULL }, { NULL, 0, NULL },
};
static const Field skill_fields[] = {
  { "name", F_STR, NULL }, { "level", F_STR, NULL }, { "keywords", F_STRS, NULL }, { NULL, 0, NULL },
};
static const Field language_fields[] = {
  { "language", F_STR, NULL }, { "fluency", F_STR, NULL }, { NULL, 0, NULL },
};
static const Field salary_fields[] = {
  { "min", F_NUM, NULL }, { "max", F_NUM, NULL }, { "currency", F_CURRENCY, NULL }, { "period", F_PERIOD, NULL },
  { NULL, 0, NULL },
};
static const Field preference_fields[] = {
  { "roles", F_STRS, NULL }, { "contract_types", F_STRS, NULL }, { "work_modes", F_MODES, NULL },
  { "salary", F_OBJ, salary_fields }, { "locations", F_STRS, NULL }, { "relocate", F_BOOL, NULL },
  { NULL, 0, NULL },
};
static const Field profile_fields[] = {
  { "basics", F_OBJ, basics_fields }, { "work", F_OBJS, work_fields },
  { "education", F_OBJS, education_fields }, { "skills", F_OBJS, skill_fields },
  { "languages", F_OBJS, language_fields }, { "preferences", F_OBJ, preference_fields },
  { NULL, 0, NULL },
};

static gboolean
valid_date (const char *s)
{
  gsize len = strlen (s);

  if (len != 4 && len != 7 && len != 10)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((i == 4 || i == 7) ? s[i] != '-' : !g_ascii_isdigit (s[i]))
      return FALSE;
  if (s[0] != '1' && s[0] != '2')
    return FALSE;
  if (len >= 7 && (s[5] > '1' || (s[5] == '1' && s[6] > '2') || (s[5] == '0' && s[6] == '0')))
    return FALSE;
  if (len == 10 && (s[8] > '3' || (s[8] == '0' && s[9] == '0')))
    return FALSE;
  return TRUE;
}

static gboolean validate_object (JsonObject *object, const Field *fields, const char *path, char **message);

static gboolean
validate_value (JsonNode    *node,
                const Field *field,
                const char  *path,
                char       **message)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  switch (field->kind)
    {
    case F_STR:
    case F_DATE:
    case F_CODE:
    case F_CURRENCY:
    case F_PERIOD:
    case F_URL:
    case F_EMAIL:
      {
        const char *s;

        if (type != G_TYPE_STRING)
          goto wrong;
        s = json_node_get_string (node);
        if (strlen (s) > 20000)
          {
            *message = g_strdup_printf ("%s is too long", path);
            return FALSE;
          }
        if (field->kind == F_DATE && !valid_date (s))
          {
            *message = g_strdup_printf ("%s must be YYYY, YYYY-MM or YYYY-MM-DD", path);
            return FALSE;
          }
        if (field->kind == F_CODE && !(strlen (s) == 2 && g_ascii_isupper (s[0]) && g_ascii_isupper (s[1])))
          {
            *message = g_strdup_printf ("%s must be an ISO 3166-1 alpha-2 code such as MA", path);
            return FALSE;
          }
        if (field->kind == F_CURRENCY && !(strlen (s) == 3 && g_ascii_isupper (s[0]) && g_ascii_isupper (s[1]) && g_ascii_isupper (s[2])))
          {
            *message = g_strdup_printf ("%s must be an ISO 4217 code such as MAD", path);
            return FALSE;
          }
        if (field->kind == F_PERIOD && !g_str_equal (s, "month") && !g_str_equal (s, "year"))
          {
            *message = g_strdup_printf ("%s must be \"month\" or \"year\"", path);
            return FALSE;
          }
        if (field->kind == F_URL && *s != '\0' && !g_str_has_prefix (s, "https://") && !g_str_has_prefix (s, "http://"))
          {
            *message = g_strdup_printf ("%s must be an http(s) URL", path);
            return FALSE;
          }
        if (field->kind == F_EMAIL && *s != '\0' && (strchr (s, '@') == NULL || strchr (s, ' ') != NULL))
          {
            *message = g_strdup_printf ("%s must be an email address", path);
            return FALSE;
          }
      }
      return TRUE;
    case F_NUM:
      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        goto wrong;
      if (json_node_get_double (node) < 0 || json_node_get_double (node) > 1e12)
        {
          *message = g_strdup_printf ("%s is out of range", path);
          return FALSE;
        }
      return TRUE;
    case F_BOOL:
      if (type != G_TYPE_BOOLEAN)
        goto wrong;
      return TRUE;
    case F_OBJ:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto wrong;
      return validate_object (json_node_get_object (node), field->sub, path, message);
    case F_STRS:
    case F_MODES:
    case F_OBJS:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          goto wrong;
        array = json_node_get_array (node);
        if (json_array_get_length (array) > 200)
          {
            *message = g_strdup_printf ("%s has too many entries", path);
            return FALSE;
          }
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);
            g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);

            if (field->kind == F_OBJS)
              {
                if (!JSON_NODE_HOLDS_OBJECT (element))
                  {
                    *message = g_strdup_printf ("%s must be an object", sub);
                    return FALSE;
                  }
                if (!validate_object (json_node_get_object (element), field->sub, sub, message))
                  return FALSE;
              }
            else
              {
                const char *s;

                if (json_node_get_value_type (element) != G_TYPE_STRING || !JSON_NODE_HOLDS_VALUE (element))
                  {
                    *message = g_strdup_printf ("%s must be a string", sub);
                    return FALSE;
                  }
                s = json_node_get_string (element);
                if (strlen (s) > 2000)
                  {
                    *message = g_strdup_printf ("%s is too long", sub);
                    return FALSE;
                  }
                if (field->kind == F_MODES && !g_str_equal (s, "remote") && !g_str_equal (s, "hybrid") &&
                    !g_str_equal (s, "onsite"))
                  {
                    *message = g_strdup_printf ("%s must be remote, hybrid or onsite", sub);
                    return FALSE;
                  }
              }
          }
      }
      return TRUE;
    default:
      break;
    }

wrong:
  *message = g_strdup_printf ("%s has the wrong type", path);
  return FALSE;
}

static gboolean
validate_object (JsonObject  *object,
                 const Field *fields,
                 const char  *path,
                 char       **message)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) nulls = g_ptr_array_new_with_free_func (g_free);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      const Field *field = NULL;
      g_autofree char *sub = NULL;

      for (const Field *f = fields; f->name != NULL; f++)
        if (g_str_equal (f->name, name))
          field = f;
      sub = *path ? g_strdup_printf ("%s.%s", path, name) : g_strdup (name);
      if (field == NULL)
        {
          *message = g_strdup_printf ("Unknown field %s", sub);
          return FALSE;
        }
      if (JSON_NODE_HOLDS_NULL (node))
        {
          g_ptr_array_add (nulls, g_strdup (name));
          continue;
        }
      if (!validate_value (node, field, sub, message))
        return FALSE;
    }
  for (guint i = 0; i < nulls->len; i++)
    json_object_remove_member (object, g_ptr_array_index (nulls, i));
  return TRUE;
}

/* Validates a profile in place (null members are removed). */
gboolean
xpz_platform_profile_validate (JsonObject  *profile,
                               char       **message)
{
  return validate_object (profile, profile_fields, "", message);
}

/* ---- helpers ---- */

void
xpz_platform_emit_change (XpzPlatformServer *self,
                          gint64             account_id,
                          const char        *kind,
                          const char        *entity,
                          gint64             now)
{
  xpz_platform_db_run (self->db, "INSERT INTO changes (account_id, kind, entity, at) VALUES (?, ?, ?, ?)",
                       "issi", account_id, kind, entity, now);
}

JsonObject *
xpz_platform_load_profile (XpzPlatformServer *self,
                           gint64             candidate_id,
                           gint64            *version)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db, "SELECT doc, version FROM profiles WHERE account_id = ?",
                                              "i", candidate_id);
  JsonObject *profile = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      profile = xpz_platform_json_parse_object ((const char *) sqlite3_column_text (stmt, 0));
      if (version != NULL)
        *version = sqlite3_column_int64 (stmt, 1);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return profile;
}

guint8
xpz_platform_privacy_flags (XpzPlatformServer *self,
                            gint64             candidate_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT sharing_mode, matching_paused, restricted FROM privacy WHERE account_id = ?",
                                              "i", candidate_id);
  guint8 flags = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "explicit") == 0)
        flags |= XPZ_CANDIDATE_EXPLICIT;
      if (sqlite3_column_int (stmt, 1))
        flags |= XPZ_CANDIDATE_PAUSED;
      if (sqlite3_column_int (stmt, 2))
        flags |= XPZ_CANDIDATE_RESTRICTED;
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return flags;
}

void
xpz_platform_reload_blocks (XpzPlatformServer *self,
                            gint64             candidate_id)
{
  g_autoptr(GArray) employers = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db, "SELECT employer_id, domain FROM blocks WHERE candidate_id = ?",
                                              "i", candidate_id);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (employers, id);
        }
      else
        g_ptr_array_add (domains, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  xpz_platform_matcher_set_blocks (self->matcher, candidate_id, employers, domains);
}

void
xpz_platform_refresh_candidate (XpzPlatformServer *self,
                                gint64             candidate_id)
{
  g_autoptr(JsonObject) profile = xpz_platform_load_profile (self, candidate_id, NULL);
  g_autoptr(JsonObject) empty = json_object_new ();

  xpz_platform_matcher_set_candidate (self->matcher, candidate_id, profile ? profile : empty,
                                      xpz_platform_server_now_locked (self));
  xpz_platform_matcher_set_flags (self->matcher, candidate_id, xpz_platform_privacy_flags (self, candidate_id));
  xpz_platform_reload_blocks (self, candidate_id);
}

/* Tells the employers whose jobs list (or listed) the candidate that their results changed. */
void
xpz_platform_emit_visibility (XpzPlatformServer *self,
                              gint64             candidate_id,
                              gint64             now)
{
  XpzCandidateVec *c = xpz_platform_matcher_get_candidate (self->matcher, candidate_id);

  if (c == NULL)
    return;
  for (guint i = 0; i < xpz_platform_matcher_n_jobs (self->matcher); i++)
    {
      XpzJobVec *j = xpz_platform_matcher_job_at (self->matcher, i);
      XpzScore score;
      g_autofree char *entity = NULL;

      if (j->deleted)
        continue;
      xpz_platform_matcher_score (self->matcher, c, j, &score);
      if (score.gate_failed || score.total < self->options.list_min_score || score.total == 0)
        continue;
      entity = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, j->id, candidate_id);
      xpz_platform_emit_change (self, j->employer_id, "match", entity, now);
    }
  xpz_platform_emit_change (self, candidate_id, "matches", "0", now);
}

gboolean
xpz_platform_store_profile (XpzPlatformServer *self,
                            gint64             candidate_id,
                            JsonObject        *profile,
                            gint64             now)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autofree guint8 *old_scores = NULL;
  XpzCandidateVec *c;
  guint n_jobs = xpz_platform_matcher_n_jobs (self->matcher);
  guint min = self->options.list_min_score;

  json_node_set_object (node, profile);
  text = xpz_platform_json_to_string (node, NULL);
  json_node_unref (node);
  if (!xpz_platform_db_run (self->db,
                            "INSERT INTO profiles (account_id, doc, version, updated_at) VALUES (?, ?, 1, ?)"
                            " ON CONFLICT (account_id) DO UPDATE SET doc = excluded.doc,"
                            " version = profiles.version + 1, updated_at = excluded.updated_at",
                            "isi", candidate_id, text, now))
    return FALSE;

  /* Incremental re-scoring: only this candidate against every job. */
  c = xpz_platform_matcher_get_candidate (self->matcher, candidate_id);
  old_scores = g_new0 (guint8, MAX (n_jobs, 1));
  for (guint i = 0; c != NULL && i < n_jobs; i++)
    {
      XpzJobVec *j = xpz_platform_matcher_job_at (self->matcher, i);
      XpzScore score;

      if (j->deleted)
        continue;
      xpz_platform_matcher_score (self->matcher, c, j, &score);
      old_scores[i] = score.gate_failed ? 0 : score.total;
    }
  c = xpz_platform_matcher_set_candidate (self->matcher, candidate_id, profile, now);
  if (c->flags == 0 && c->blocked_employers == NULL)
    {
      xpz_platform_matcher_set_flags (self->matcher, candidate_id, xpz_platform_privacy_flags (self, candidate_id));
      xpz_platform_reload_blocks (self, candidate_id);
    }
  for (guint i = 0; i < n_jobs; i++)
    {
      XpzJobVec *j = xpz_platform_matcher_job_at (self->matcher, i);
      XpzScore score;
      guint8 now_score;

      if (j->deleted)
        continue;
      xpz_platform_matcher_score (self->matcher, c, j, &score);
      now_score = score.gate_failed ? 0 : score.total;
      if (now_score != old_scores[i] && (now_score >= min || old_scores[i] >= min) &&
          xpz_platform_matcher_visible_to (c, j))
        {
          g_autofree char *entity = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, j->id, candidate_id);
          xpz_platform_emit_change (self, j->employer_id, "match", entity, now);
        }
    }
  xpz_platform_emit_change (self, candidate_id, "profile", "0", now);
  xpz_platform_emit_change (self, candidate_id, "matches", "0", now);
  return TRUE;
}

gboolean
xpz_platform_has_share (XpzPlatformServer *self,
                        gint64             candidate_id,
                        gint64             employer_id,
                        gint64             job_id)
{
  return xpz_platform_db_int (self->db, 0,
                              "SELECT 1 FROM shares WHERE candidate_id = ? AND employer_id = ? AND job_id = ?"
                              " AND revoked_at IS NULL", "iii", candidate_id, employer_id, job_id) != 0;
}

static const char * const shared_fields[] = {
  "basics", "work", "education", "skills", "languages", "documents",
};

gint64
xpz_platform_create_share (XpzPlatformServer *self,
                           gint64             candidate_id,
                           gint64             employer_id,
                           gint64             job_id,
                           const char        *basis,
                           gint64             now)
{
  JsonArray *fields = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  JsonObject *detail = json_object_new ();
  g_autofree char *fields_text = NULL;
  g_autofree char *entity = NULL;
  g_autofree char *company = NULL;
  gint64 share_id;

  for (guint i = 0; i < G_N_ELEMENTS (shared_fields); i++)
    json_array_add_string_element (fields, shared_fields[i]);
  json_node_take_array (node, json_array_ref (fields));
  fields_text = xpz_platform_json_to_string (node, NULL);
  json_node_unref (node);

  xpz_platform_db_run (self->db,
                       "INSERT INTO shares (candidate_id, employer_id, job_id, at, fields, basis) VALUES (?, ?, ?, ?, ?, ?)",
                       "iiiiss", candidate_id, employer_id, job_id, now, fields_text, basis);
  share_id = xpz_platform_db_last_insert_id (self->db);
  company = xpz_platform_db_text (self->db, "SELECT company FROM accounts WHERE id = ?", "i", employer_id);

  json_object_set_int_member (detail, "share_id", share_id);
  json_object_set_int_member (detail, "employer_id", employer_id);
  json_object_set_string_member (detail, "employer", company ? company : "");
  json_object_set_int_member (detail, "job_id", job_id);
  json_object_set_array_member (detail, "fields", fields);
  json_object_set_string_member (detail, "basis", basis);
  xpz_platform_ledger_append (self, candidate_id, "share", detail, now);

  entity = g_strdup_printf ("%" G_GINT64_FORMAT, share_id);
  xpz_platform_emit_change (self, candidate_id, "share", entity, now);
  g_free (entity);
  entity = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_id, candidate_id);
  xpz_platform_emit_change (self, employer_id, "match", entity, now);
  return share_id;
}

static gboolean
ever_shared (XpzPlatformServer *self,
             gint64             candidate_id,
             gint64             job_id)
{
  return xpz_platform_db_int (self->db, 0, "SELECT 1 FROM shares WHERE candidate_id = ? AND job_id = ?",
                              "ii", candidate_id, job_id) != 0;
}

/* R5.1: a candidate in automatic mode is shared with the employer of each job that passes
 * the threshold, once per job (a revoked share is never re-created automatically). */
void
xpz_platform_auto_share_candidate (XpzPlatformServer *self,
                                   gint64             candidate_id,
                                   gint64             now)
{
  XpzCandidateVec *c = xpz_platform_matcher_get_candidate (self->matcher, candidate_id);

  if (c == NULL || (c->flags & (XPZ_CANDIDATE_EXPLICIT | XPZ_CANDIDATE_PAUSED | XPZ_CANDIDATE_RESTRICTED)))
    return;
  for (guint i = 0; i < xpz_platform_matcher_n_jobs (self->matcher); i++)
    {
      XpzJobVec *j = xpz_platform_matcher_job_at (self->matcher, i);
      XpzScore score;

      if (j->deleted || !xpz_platform_matcher_visible_to (c, j))
        continue;
      xpz_platform_matcher_score (self->matcher, c, j, &score);
      if (score.gate_failed || score.total < self->options.share_threshold)
        continue;
      if (ever_shared (self, candidate_id, j->id) ||
          !xpz_platform_auto_share_allowed (self, candidate_id, j->employer_id, now))
        continue;
      xpz_platform_create_share (self, candidate_id, j->employer_id, j->id, "consent:automatic_sharing", now);
    }
}

void
xpz_platform_auto_share_job (XpzPlatformServer *self,
                             gint64             job_id,
                             gint64             now)
{
  XpzJobVec *j = xpz_platform_matcher_get_job (self->matcher, job_id);

  if (j == NULL)
    return;
  for (guint i = 0; i < xpz_platform_matcher_n_candidates (self->matcher); i++)
    {
      XpzCandidateVec *c = xpz_platform_matcher_candidate_at (self->matcher, i);
      XpzScore score;

      if (c->flags & (XPZ_CANDIDATE_EXPLICIT | XPZ_CANDIDATE_PAUSED | XPZ_CANDIDATE_RESTRICTED | XPZ_CANDIDATE_DELETED))
        continue;
      if (!xpz_platform_matcher_visible_to (c, j))
        continue;
      xpz_platform_matcher_score (self->matcher, c, j, &score);
      if (score.gate_failed || score.total < self->options.share_threshold)
        continue;
      if (ever_shared (self, c->id, job_id) ||
          !xpz_platform_auto_share_allowed (self, c->id, j->employer_id, now))
        continue;
      xpz_platform_create_share (self, c->id, j->employer_id, job_id, "consent:automatic_sharing", now);
    }
}

JsonNode *
xpz_platform_job_public_json (XpzPlatformServer *self,
                              gint64             job_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT j.doc, j.employer_id, a.company, j.version, j.created_at, j.updated_at"
                                              " FROM jobs j JOIN accounts a ON a.id = j.employer_id WHERE j.id = ?",
                                              "i", job_id);
  JsonObject *job = NULL;
  JsonNode *node;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *employer = json_object_new ();

      job = xpz_platform_json_parse_object ((const char *) sqlite3_column_text (stmt, 0));
      if (job == NULL)
        job = json_object_new ();
      json_object_set_int_member (job, "id", job_id);
      json_object_set_int_member (employer, "id", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (employer, "company", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_object_member (job, "employer", employer);
      xpz_platform_set_time (job, "created_at", sqlite3_column_int64 (stmt, 4));
      xpz_platform_set_time (job, "updated_at", sqlite3_column_int64 (stmt, 5));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (job == NULL)
    return NULL;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, job);
  return node;
}

/* The job as its owner sees it: the public Job and its `version`, the N of its ETag
 * "job-N", which a client that learnt the job from the change feed sends back as
 * If-Match (two computers editing one posting: the second write is refused, 412). */
JsonNode *
xpz_platform_job_owner_json (XpzPlatformServer *self,
                             gint64             job_id)
{
  JsonNode *node = xpz_platform_job_public_json (self, job_id);

  if (node != NULL)
    json_object_set_int_member (json_node_get_object (node), "version",
                                xpz_platform_db_int (self->db, 0, "SELECT version FROM jobs WHERE id = ?",
                                                     "i", job_id));
  return node;
}

JsonNode *
xpz_platform_candidate_match_json (XpzPlatformServer     *self,
                                   const XpzCandidateVec *c,
                                   const XpzJobVec       *j)
{
  JsonObject *o = json_object_new ();
  JsonNode *node;
  JsonNode *job = xpz_platform_job_public_json (self, j->id);
  XpzScore score;

  xpz_platform_matcher_score (self->matcher, c, j, &score);
  if (job != NULL)
    json_object_set_member (o, "job", job);
  else
    json_object_set_null_member (o, "job");
  json_object_set_int_member (o, "score", score.gate_failed ? 0 : score.total);
  json_object_set_member (o, "factors", xpz_platform_matcher_factors_json (self->matcher, c, j, &score));
  json_object_set_boolean_member (o, "shared", xpz_platform_has_share (self, c->id, j->employer_id, j->id));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* ---- handlers ---- */

static char *
profile_etag (gint64 version)
{
  return g_strdup_printf ("\"profile-%" G_GINT64_FORMAT "\"", version);
}

void
xpz_platform_candidate_get_profile (XpzRequest *req)
{
  gint64 version = 0;
  JsonObject *profile = xpz_platform_load_profile (req->server, req->account_id, &version);

  if (profile == NULL)
    profile = json_object_new ();
  req->etag = profile_etag (version);
  xpz_request_object (req, SOUP_STATUS_OK, profile);
}

void
xpz_platform_candidate_put_profile (XpzRequest *req)
{
  JsonObject *body = xpz_request_body_object (req);
  g_autofree char *message = NULL;
  g_autofree char *etag = NULL;
  gint64 version = 0;
  JsonObject *current;

  if (body == NULL)
    return;
  current = xpz_platform_load_profile (req->server, req->account_id, &version);
  g_clear_pointer (&current, json_object_unref);
  etag = profile_etag (version);
  if (!xpz_request_check_if_match (req, etag))
    return;
  if (!xpz_platform_profile_validate (body, &message))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_profile", message);
      return;
    }
  if (!xpz_platform_store_profile (req->server, req->account_id, body, req->now))
    return;
  xpz_platform_auto_share_candidate (req->server, req->account_id, req->now);
  req->etag = profile_etag (version + 1);
  xpz_request_object (req, SOUP_STATUS_OK, json_object_ref (body));
}

static const char *
sniff_document (const guint8 *data,
                gsize         len)
{
  if (len >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return "application/pdf";
  if (len >= 4 && memcmp (data, "PK\003\004", 4) == 0)
    {
      static const char odt[] = "mimetypeapplication/vnd.oasis.opendocument.text";

      if (len >= 30 + sizeof odt - 1 && memcmp (data + 30, odt, sizeof odt - 1) == 0)
        return "application/vnd.oasis.opendocument.text";
      if (g_strstr_len ((const char *) data, (gssize) MIN (len, 65536), "word/") != NULL)
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    }
  return NULL;
}

static JsonObject *
document_json (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_string_member (o, "filename", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (o, "content_type", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_int_member (o, "size", sqlite3_column_int64 (stmt, 3));
  json_object_set_string_member (o, "sha256", (const char *) sqlite3_column_text (stmt, 4));
  xpz_platform_set_time (o, "created_at", sqlite3_column_int64 (stmt, 5));
  return o;
}

void
xpz_platform_candidate_documents (XpzRequest *req)
{
  gint64 id;
  sqlite3_stmt *stmt;

  if (req->n_segs == 2 && g_str_equal (req->method, "GET"))
    {
      JsonObject *o = json_object_new ();
      JsonArray *array = json_array_new ();

      stmt = xpz_platform_db_query (req->db,
                                    "SELECT id, filename, content_type, size, sha256, created_at FROM documents"
                                    " WHERE account_id = ? ORDER BY id", "i", req->account_id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        json_array_add_object_element (array, document_json (stmt));
      if (stmt != NULL)
        sqlite3_reset (stmt);
      json_object_set_array_member (o, "documents", array);
      json_object_set_int_member (o, "max_size", MAX_DOCUMENT_SIZE);
      xpz_request_object (req, SOUP_STATUS_OK, o);
      return;
    }
  if (req->n_segs == 2 && g_str_equal (req->method, "POST"))
    {
      JsonObject *body = xpz_request_body_object (req);
      const char *filename, *data;
      const char *type;
      g_autofree guint8 *decoded = NULL;
      g_autofree char *sha = NULL;
      g_autofree char *entity = NULL;
      g_autofree char *clean = NULL;
      gsize len = 0;

      if (body == NULL)
        return;
      filename = json_object_get_string_member_with_default (body, "filename", NULL);
      data = json_object_get_string_member_with_default (body, "data", NULL);
      if (filename == NULL || *filename == '\0' || strlen (filename) > 255 || strchr (filename, '/') != NULL || data == NULL)
        {
          xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_document",
                             "filename and data (base64) are required");
          return;
        }
      if (strlen (data) / 4 * 3 > MAX_DOCUMENT_SIZE + 3)
        {
          xpz_request_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "document_too_large",
                             "Documents are limited to 8 MiB");
          return;
        }
      decoded = g_base64_decode (data, &len);
      if (len == 0)
        {
          xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_document", "data must be non-empty base64");
          return;
        }
      if (len > MAX_DOCUMENT_SIZE)
        {
          xpz_request_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "document_too_large",
                             "Documents are limited to 8 MiB");
          return;
        }
      type = sniff_document (decoded, len);
      if (type == NULL)
        {
          xpz_request_error (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_type",
                             "Only PDF, DOCX and ODT documents are accepted (the content decides, not the name)");
          return;
        }
      sha = xpz_platform_sha256_hex (decoded, len);
      clean = xpz_platform_clean_document_name (filename);
      xpz_platform_db_run (req->db,
                           "INSERT INTO documents (account_id, filename, content_type, size, sha256, data, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)", "issisbi",
                           req->account_id, clean, type, (gint64) len, sha, decoded, len, req->now);
      id = xpz_platform_db_last_insert_id (req->db);
      entity = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      xpz_platform_emit_change (req->server, req->account_id, "document", entity, req->now);
      stmt = xpz_platform_db_query (req->db, "SELECT id, filename, content_type, size, sha256, created_at FROM documents"
                                    " WHERE id = ?", "i", id);
      if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        xpz_request_object (req, SOUP_STATUS_CREATED, document_json (stmt));
      if (stmt != NULL)
        sqlite3_reset (stmt);
      return;
    }
  if (req->n_segs == 3)
    {
      if (!xpz_request_parse_id (req, 2, &id))
        return;
      if (!xpz_platform_db_int (req->db, 0, "SELECT 1 FROM documents WHERE id = ? AND account_id = ?", "ii",
                                id, req->account_id))
        {
          xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such document");
          return;
        }
      if (g_str_equal (req->method, "GET"))
        {
          stmt = xpz_platform_db_query (req->db, "SELECT id, filename, content_type, size, sha256, created_at, data"
                                        " FROM documents WHERE id = ?", "i", id);
          if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
            {
              JsonObject *o = document_json (stmt);
              g_autofree char *b64 = g_base64_encode (sqlite3_column_blob (stmt, 6), (gsize) sqlite3_column_bytes (stmt, 6));
              json_object_set_string_member (o, "data", b64);
              xpz_request_object (req, SOUP_STATUS_OK, o);
            }
          if (stmt != NULL)
            sqlite3_reset (stmt);
          return;
        }
      if (g_str_equal (req->method, "DELETE"))
        {
          g_autofree char *entity = g_strdup_printf ("%" G_GINT64_FORMAT, id);

          xpz_platform_db_run (req->db, "DELETE FROM documents WHERE id = ?", "i", id);
          xpz_platform_emit_change (req->server, req->account_id, "document", entity, req->now);
          xpz_request_no_content (req);
          return;
        }
    }
  if (req->n_segs > 3)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
  xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
}

/* The candidate's answers to their matches (R3.1, B2): "not interested" hides a job from
 * their list; an objection to the automated decision is kept with its reason and
 * ledgered, for a person to review. Their tables (schema migration 2) go with the
 * account and the job (ON DELETE CASCADE). */
#define MATCH_REASON_MAX 2000

static gboolean
match_feedback_ready (XpzRequest *req)
{
  return xpz_platform_db_int (req->db, 0,
                              "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'match_dismissals'",
                              "") != 0;
}

static gboolean
job_dismissed (XpzRequest *req,
               gint64      job_id)
{
  return xpz_platform_db_int (req->db, 0,
                              "SELECT 1 FROM match_dismissals WHERE candidate_id = ? AND job_id = ?",
                              "ii", req->account_id, job_id) != 0;
}

/* The feedback tables are part of the schema since migration 2 (they were made on first
 * use before): nothing to do, kept for the readers outside this module. */
gboolean
xpz_platform_match_feedback_ensure (XpzPlatformDb *db)
{
  (void) db;
  return TRUE;
}

/* Whether the candidate said "not interested" in this job: it stays off their list
 * everywhere, a full resync included. */
gboolean
xpz_platform_match_dismissed (XpzPlatformDb *db,
                              gint64         candidate_id,
                              gint64         job_id)
{
  return xpz_platform_db_int (db, 0,
                              "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'match_dismissals'",
                              "") != 0 &&
         xpz_platform_db_int (db, 0,
                              "SELECT 1 FROM match_dismissals WHERE candidate_id = ? AND job_id = ?",
                              "ii", candidate_id, job_id) != 0;
}

void
xpz_platform_candidate_match_feedback (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  gint64 job_id;
  XpzJobVec *j;
  XpzCandidateVec *c;
  JsonObject *o;

  if (!g_str_equal (req->method, "POST"))
    {
      xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
      return;
    }
  if (!xpz_request_parse_id (req, 2, &job_id))
    return;
  j = xpz_platform_matcher_get_job (self->matcher, job_id);
  if (j == NULL)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such job");
      return;
    }
  if (g_str_equal (req->segs[3], "not-interested"))
    {
      xpz_platform_db_run (req->db,
                           "INSERT INTO match_dismissals (candidate_id, job_id, at) VALUES (?, ?, ?)"
                           " ON CONFLICT DO NOTHING", "iii", req->account_id, job_id, req->now);
      xpz_platform_emit_change (self, req->account_id, "matches", "0", req->now);
      {
        /* The job no longer lists the candidate: the employer's copy drops the match. */
        g_autofree char *pair = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_id, req->account_id);

        xpz_platform_emit_change (self, j->employer_id, "match", pair, req->now);
      }
      o = json_object_new ();
      json_object_set_int_member (o, "job_id", job_id);
      json_object_set_string_member (o, "status", "not_interested");
      xpz_platform_set_time (o, "at", xpz_platform_db_int (req->db, req->now,
                                                           "SELECT at FROM match_dismissals WHERE candidate_id = ? AND job_id = ?",
                                                           "ii", req->account_id, job_id));
      xpz_request_object (req, SOUP_STATUS_OK, o);
      return;
    }

  /* objection */
  {
    JsonObject *body = xpz_request_body_object (req);
    const char *reason;
    g_autofree char *trimmed = NULL;
    JsonObject *detail;
    XpzScore score;
    gint64 id;

    if (body == NULL)
      return;
    reason = json_object_get_string_member_with_default (body, "reason", NULL);
    trimmed = reason != NULL ? g_strstrip (g_strdup (reason)) : NULL;
    if (json_object_get_size (body) != 1 || trimmed == NULL || *trimmed == '\0' ||
        g_utf8_strlen (trimmed, -1) > MATCH_REASON_MAX)
      {
        xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_objection",
                           "An objection is {\"reason\": text of 1 to 2000 characters}");
        return;
      }
    c = xpz_platform_matcher_get_candidate (self->matcher, req->account_id);
    memset (&score, 0, sizeof score);
    if (c != NULL)
      xpz_platform_matcher_score (self->matcher, c, j, &score);
    xpz_platform_db_run (req->db,
                         "INSERT INTO match_objections (candidate_id, job_id, score, reason, at) VALUES (?, ?, ?, ?, ?)",
                         "iiisi", req->account_id, job_id, (gint64) score.total, trimmed, req->now);
    id = xpz_platform_db_last_insert_id (req->db);
    detail = json_object_new ();
    json_object_set_int_member (detail, "objection_id", id);
    json_object_set_int_member (detail, "job_id", job_id);
    json_object_set_int_member (detail, "score", score.total);
    json_object_set_string_member (detail, "basis", "objection");
    xpz_platform_ledger_append (self, req->account_id, "match_objection", detail, req->now);
    o = json_object_new ();
    json_object_set_int_member (o, "id", id);
    json_object_set_int_member (o, "job_id", job_id);
    json_object_set_int_member (o, "score", score.total);
    json_object_set_string_member (o, "reason", trimmed);
    json_object_set_string_member (o, "status", "received");
    xpz_platform_set_time (o, "created_at", req->now);
    xpz_request_object (req, SOUP_STATUS_CREATED, o);
  }
}

void
xpz_platform_candidate_matches (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  XpzCandidateVec *c;
  JsonArray *array = json_array_new ();
  JsonNode *node;
  g_autoptr(GArray) ranked = NULL;
  guint64 limit = 50;
  const char *limit_text = xpz_request_query (req, "limit");
  gboolean dismissals = match_feedback_ready (req);

  if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 1, 500, &limit, NULL))
    {
      json_array_unref (array);
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_limit", "limit must be 1–500");
      return;
    }
  c = xpz_platform_matcher_get_candidate (self->matcher, req->account_id);
  /* Paused or restricted: no matching processing at all (R8.4). */
  if (c != NULL && !(c->flags & (XPZ_CANDIDATE_PAUSED | XPZ_CANDIDATE_RESTRICTED)))
    {
      ranked = xpz_platform_matcher_rank_candidate (self->matcher, c, self->options.list_min_score);
      for (guint i = 0; i < ranked->len && i < limit; i++)
        {
          XpzRanked *r = &g_array_index (ranked, XpzRanked, i);
          XpzJobVec *j = xpz_platform_matcher_job_at (self->matcher, r->index);

          if (dismissals && job_dismissed (req, j->id))
            {
              limit++;   /* a hidden job does not count against the limit */
              continue;
            }
          json_array_add_element (array, xpz_platform_candidate_match_json (self, c, j));
        }
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  xpz_request_json (req, SOUP_STATUS_OK, node);
}

JsonObject *
xpz_platform_privacy_json (XpzPlatformServer *self,
                           gint64             candidate_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT sharing_mode, channels, marketing, ai_training, analytics,"
                                              " matching_paused, restricted, version, updated_at FROM privacy WHERE account_id = ?",
                                              "i", candidate_id);
  JsonObject *o = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *channels = xpz_platform_json_parse_object ((const char *) sqlite3_column_text (stmt, 1));

      o = json_object_new ();
      json_object_set_string_member (o, "sharing_mode", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_object_member (o, "channels", channels ? channels : json_object_new ());
      json_object_set_boolean_member (o, "marketing", sqlite3_column_int (stmt, 2));
      json_object_set_boolean_member (o, "ai_training", sqlite3_column_int (stmt, 3));
      json_object_set_boolean_member (o, "analytics", sqlite3_column_int (stmt, 4));
      json_object_set_boolean_member (o, "matching_paused", sqlite3_column_int (stmt, 5));
      json_object_set_boolean_member (o, "restricted", sqlite3_column_int (stmt, 6));
      json_object_set_int_member (o, "version", sqlite3_column_int64 (stmt, 7));
      xpz_platform_set_time (o, "updated_at", sqlite3_column_int64 (stmt, 8));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return o;
}

static const char * const bool_settings[] = {
  "marketing", "ai_training", "analytics", "matching_paused", "restricted",
};

static const char * const legal_basis[] = {
  "consent", "consent", "consent", "objection", "restriction",
};

static void
put_privacy (XpzRequest *req,
             JsonObject *current)
{
  XpzPlatformServer *self = req->server;
  JsonObject *body = xpz_request_body_object (req);
  g_autofree char *etag = NULL;
  g_autofree char *channels_text = NULL;
  const char *mode;
  gboolean values[G_N_ELEMENTS (bool_settings)];
  gboolean changed = FALSE;
  guint8 old_flags, new_flags;

  if (body == NULL)
    return;
  etag = g_strdup_printf ("\"privacy-%" G_GINT64_FORMAT "\"", json_object_get_int_member (current, "version"));
  if (!xpz_request_check_if_match (req, etag))
    return;

  /* Validate first: every member optional, absent means unchanged. */
  {
    g_autoptr(GList) members = json_object_get_members (body);
    for (GList *l = members; l != NULL; l = l->next)
      {
        const char *name = l->data;
        JsonNode *value = json_object_get_member (body, name);
        gboolean known = g_str_equal (name, "sharing_mode") || g_str_equal (name, "channels");

        for (guint i = 0; i < G_N_ELEMENTS (bool_settings); i++)
          if (g_str_equal (name, bool_settings[i]))
            {
              known = TRUE;
              if (json_node_get_value_type (value) != G_TYPE_BOOLEAN || !JSON_NODE_HOLDS_VALUE (value))
                {
                  xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_privacy", "Settings are booleans");
                  return;
                }
            }
        if (!known && !g_str_equal (name, "version") && !g_str_equal (name, "updated_at"))
          {
            xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_privacy", "Unknown privacy setting");
            return;
          }
      }
  }
  mode = json_object_get_string_member_with_default (body, "sharing_mode",
                                                     json_object_get_string_member (current, "sharing_mode"));
  if (mode == NULL || (!g_str_equal (mode, "automatic") && !g_str_equal (mode, "explicit")))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_privacy",
                         "sharing_mode must be \"automatic\" or \"explicit\"");
      return;
    }
  if (json_object_has_member (body, "channels"))
    {
      JsonNode *channels = json_object_get_member (body, "channels");
      JsonObject *object;
      g_autoptr(GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (channels))
        {
          xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_privacy", "channels must be an object");
          return;
        }
      object = json_node_get_object (channels);
      names = json_object_get_members (object);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *purposes = json_object_get_member (object, l->data);
          g_autoptr(GList) keys = NULL;

          if (!g_str_equal (l->data, "email") && !g_str_equal (l->data, "phone") && !g_str_equal (l->data, "sms"))
            {
              xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_privacy", "Channels are email, phone and sms");
              return;
            }
          if (!JSON_NODE_HOLDS_OBJECT (purposes))
            {
              xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_privacy", "A channel maps purposes to booleans");
              return;
            }
          keys = json_object_get_members (json_node_get_object (purposes));
          for (GList *k = keys; k != NULL; k = k->next)
            {
              JsonNode *v = json_object_get_member (json_node_get_object (purposes), k->data);
              if ((!g_str_equal (k->data, "new_roles") && !g_str_equal (k->data, "feedback") &&
                   !g_str_equal (k->data, "partners")) ||
                  !JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_BOOLEAN)
                {
                  xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_privacy",
                                     "Channel purposes are new_roles, feedback and partners (booleans)");
                  return;
                }
            }
        }
      channels_text = xpz_platform_json_to_string (channels, NULL);
    }

  old_flags = xpz_platform_privacy_flags (self, req->account_id);

  /* One ledger entry per changed setting. */
  if (!g_str_equal (mode, json_object_get_string_member (current, "sharing_mode")))
    {
      JsonObject *detail = json_object_new ();

      json_object_set_string_member (detail, "from", json_object_get_string_member (current, "sharing_mode"));
      json_object_set_string_member (detail, "to", mode);
      json_object_set_string_member (detail, "basis", "consent");
      xpz_platform_ledger_append (self, req->account_id, "sharing_mode_changed", detail, req->now);
      changed = TRUE;
    }
  else if (json_object_has_member (body, "sharing_mode") &&
           xpz_platform_db_int (req->db, 0,
                                "SELECT 1 FROM ledger WHERE candidate_id = ? AND kind IN"
                                " ('sharing_mode_changed', 'sharing_mode_chosen') LIMIT 1",
                                "i", req->account_id) == 0)
    {
      /* The candidate's first own choice keeps the mode they were given at sign-up:
       * the consent is theirs from now on, so it is ledgered all the same. */
      JsonObject *detail = json_object_new ();

      json_object_set_string_member (detail, "mode", mode);
      json_object_set_string_member (detail, "basis", "consent");
      xpz_platform_ledger_append (self, req->account_id, "sharing_mode_chosen", detail, req->now);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bool_settings); i++)
    {
      gboolean old = json_object_get_boolean_member (current, bool_settings[i]);

      values[i] = json_object_get_boolean_member_with_default (body, bool_settings[i], old);
      if (values[i] != old)
        {
          JsonObject *detail = json_object_new ();

          json_object_set_string_member (detail, "setting", bool_settings[i]);
          json_object_set_boolean_member (detail, "from", old);
          json_object_set_boolean_member (detail, "to", values[i]);
          json_object_set_string_member (detail, "basis", legal_basis[i]);
          xpz_platform_ledger_append (self, req->account_id, "setting_changed", detail, req->now);
          changed = TRUE;
        }
    }
  if (channels_text != NULL)
    {
      g_autofree char *old_text = NULL;
      JsonNode *old_node = json_object_get_member (current, "channels");

      old_text = xpz_platform_json_to_string (old_node, NULL);
      if (!g_str_equal (old_text, channels_text))
        {
          JsonObject *detail = json_object_new ();

          json_object_set_string_member (detail, "setting", "channels");
          json_object_set_member (detail, "to", json_node_copy (json_object_get_member (body, "channels")));
          json_object_set_string_member (detail, "basis", "consent");
          xpz_platform_ledger_append (self, req->account_id, "setting_changed", detail, req->now);
          changed = TRUE;
        }
    }

  if (changed)
    {
      xpz_platform_db_run (req->db,
                           "UPDATE privacy SET sharing_mode = ?, channels = COALESCE (?, channels), marketing = ?,"
                           " ai_training = ?, analytics = ?, matching_paused = ?, restricted = ?,"
                           " version = version + 1, updated_at = ? WHERE account_id = ?",
                           "ssiiiiiii", mode, channels_text, (gint64) values[0], (gint64) values[1],
                           (gint64) values[2], (gint64) values[3], (gint64) values[4], req->now, req->account_id);
      new_flags = xpz_platform_privacy_flags (self, req->account_id);
      xpz_platform_matcher_set_flags (self->matcher, req->account_id, new_flags);
      if (new_flags != old_flags)
        {
          xpz_platform_emit_visibility (self, req->account_id, req->now);
          xpz_platform_auto_share_candidate (self, req->account_id, req->now);
        }
      xpz_platform_emit_change (self, req->account_id, "privacy", "0", req->now);
    }

  {
    JsonObject *updated = xpz_platform_privacy_json (self, req->account_id);
    req->etag = g_strdup_printf ("\"privacy-%" G_GINT64_FORMAT "\"", json_object_get_int_member (updated, "version"));
    xpz_request_object (req, SOUP_STATUS_OK, updated);
  }
}

void
xpz_platform_candidate_privacy (XpzRequest *req)
{
  g_autoptr(JsonObject) current = xpz_platform_privacy_json (req->server, req->account_id);

  if (req->n_segs != 2)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
  if (current == NULL)
    {
      xpz_request_db_failed (req);
      return;
    }
  if (g_str_equal (req->method, "GET"))
    {
      req->etag = g_strdup_printf ("\"privacy-%" G_GINT64_FORMAT "\"", json_object_get_int_member (current, "version"));
      xpz_request_object (req, SOUP_STATUS_OK, json_object_ref (current));
      return;
    }
  if (g_str_equal (req->method, "PUT"))
    {
      put_privacy (req, current);
      return;
    }
  xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
}

static JsonObject *
share_json (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  JsonObject *employer = json_object_new ();
  g_autoptr(JsonNode) fields_node = xpz_platform_json_parse ((const char *) sqlite3_column_text (stmt, 5), -1, 8, NULL);

  json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_int_member (employer, "id", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (employer, "company", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_object_member (o, "employer", employer);
  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    {
      JsonObject *job = json_object_new ();
      g_autoptr(JsonObject) doc = xpz_platform_json_parse_object ((const char *) sqlite3_column_text (stmt, 8));

      json_object_set_int_member (job, "id", sqlite3_column_int64 (stmt, 3));
      json_object_set_string_member (job, "title", doc ? json_object_get_string_member_with_default (doc, "title", "") : "");
      json_object_set_object_member (o, "job", job);
    }
  else
    json_object_set_null_member (o, "job");
  xpz_platform_set_time (o, "at", sqlite3_column_int64 (stmt, 4));
  if (fields_node != NULL)
    json_object_set_member (o, "fields", json_node_ref (fields_node));
  json_object_set_string_member (o, "basis", (const char *) sqlite3_column_text (stmt, 6));
  xpz_platform_set_time (o, "revoked_at", sqlite3_column_int64 (stmt, 7));
  json_object_set_boolean_member (o, "active", sqlite3_column_type (stmt, 7) == SQLITE_NULL);
  return o;
}

#define SHARE_SELECT \
  "SELECT s.id, s.employer_id, a.company, s.job_id, s.at, s.fields, s.basis, s.revoked_at, j.doc" \
  " FROM shares s JOIN accounts a ON a.id = s.employer_id LEFT JOIN jobs j ON j.id = s.job_id"

static void
revoke_share (XpzPlatformServer *self,
              gint64             candidate_id,
              gint64             share_id,
              const char        *reason,
              gint64             now)
{
  JsonObject *detail = json_object_new ();
  g_autofree char *entity = g_strdup_printf ("%" G_GINT64_FORMAT, share_id);
  gint64 employer_id = xpz_platform_db_int (self->db, 0, "SELECT employer_id FROM shares WHERE id = ?", "i", share_id);
  gint64 job_id = xpz_platform_db_int (self->db, 0, "SELECT job_id FROM shares WHERE id = ?", "i", share_id);

  xpz_platform_db_run (self->db, "UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                       "ii", now, share_id);
  json_object_set_int_member (detail, "share_id", share_id);
  json_object_set_int_member (detail, "employer_id", employer_id);
  json_object_set_string_member (detail, "reason", reason);
  xpz_platform_ledger_append (self, candidate_id, "share_revoked", detail, now);
  xpz_platform_emit_change (self, candidate_id, "share", entity, now);
  g_free (entity);
  entity = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_id, candidate_id);
  xpz_platform_emit_change (self, employer_id, "match", entity, now);
}

/* R5.4: a revoke is per employer: every other active share with the employer of
 * @share_id (or its organisation) ends too. Automatic shares never reach it again
 * (xpz_platform_auto_share_allowed); only an introduction she accepts shares again. */
static void
revoke_employer_shares (XpzPlatformServer *self,
                        gint64             candidate_id,
                        gint64             share_id,
                        gint64             now)
{
  gint64 employer_id = xpz_platform_db_int (self->db, 0, "SELECT employer_id FROM shares WHERE id = ?", "i", share_id);
  g_autofree char *organisation = xpz_platform_employer_organisation (self, employer_id);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT s.id FROM shares s JOIN accounts a ON a.id = s.employer_id"
                                              " WHERE s.candidate_id = ?1 AND s.revoked_at IS NULL"
                                              " AND (s.employer_id = ?2 OR a.email_domain = ?3)",
                                              "iis", candidate_id, employer_id, organisation);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  for (guint i = 0; i < ids->len; i++)
    revoke_share (self, candidate_id, g_array_index (ids, gint64, i), "revoked by the candidate (employer)", now);
}

void
xpz_platform_candidate_shares (XpzRequest *req)
{
  gint64 id;

  if (req->n_segs == 2 && g_str_equal (req->method, "GET"))
    {
      JsonObject *o = json_object_new ();
      JsonArray *array = json_array_new ();
      sqlite3_stmt *stmt = xpz_platform_db_query (req->db, SHARE_SELECT " WHERE s.candidate_id = ? ORDER BY s.id",
                                                  "i", req->account_id);

      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        json_array_add_object_element (array, share_json (stmt));
      if (stmt != NULL)
        sqlite3_reset (stmt);
      json_object_set_array_member (o, "shares", array);
      json_object_set_string_member (o, "statement", "We do not sell your personal data.");
      xpz_request_object (req, SOUP_STATUS_OK, o);
      return;
    }
  if (req->n_segs == 3 && g_str_equal (req->method, "DELETE"))
    {
      if (!xpz_request_parse_id (req, 2, &id))
        return;
      if (!xpz_platform_db_int (req->db, 0, "SELECT 1 FROM shares WHERE id = ? AND candidate_id = ?", "ii",
                                id, req->account_id))
        {
          xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such share");
          return;
        }
      if (xpz_platform_db_int (req->db, 0, "SELECT revoked_at IS NULL FROM shares WHERE id = ?", "i", id))
        revoke_share (req->server, req->account_id, id, "revoked by the candidate", req->now);
      revoke_employer_shares (req->server, req->account_id, id, req->now);
      xpz_request_no_content (req);
      return;
    }
  if (req->n_segs > 3)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
  xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
}

static JsonObject *
introduction_json (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  JsonObject *employer = json_object_new ();
  JsonObject *job = json_object_new ();
  g_autoptr(JsonObject) doc = xpz_platform_json_parse_object ((const char *) sqlite3_column_text (stmt, 9));

  json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_int_member (employer, "id", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (employer, "company", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_object_member (o, "employer", employer);
  json_object_set_int_member (job, "id", sqlite3_column_int64 (stmt, 3));
  json_object_set_string_member (job, "title", doc ? json_object_get_string_member_with_default (doc, "title", "") : "");
  /* What the candidate weighs a request by: the job's salary range, place and terms. */
  if (doc != NULL)
    {
      static const char * const terms[] = { "salary", "location", "work_mode", "contract_type" };

      for (guint i = 0; i < G_N_ELEMENTS (terms); i++)
        if (json_object_has_member (doc, terms[i]))
          json_object_set_member (job, terms[i], json_node_copy (json_object_get_member (doc, terms[i])));
    }
  json_object_set_object_member (o, "job", job);
  json_object_set_string_member (o, "status", (const char *) sqlite3_column_text (stmt, 4));
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
    json_object_set_string_member (o, "message", (const char *) sqlite3_column_text (stmt, 5));
  else
    json_object_set_null_member (o, "message");
  xpz_platform_set_time (o, "requested_at", sqlite3_column_int64 (stmt, 6));
  xpz_platform_set_time (o, "decided_at", sqlite3_column_int64 (stmt, 7));
  return o;
}

#define INTRO_SELECT \
  "SELECT i.id, i.employer_id, a.company, i.job_id, i.status, i.message, i.requested_at, i.decided_at, i.candidate_id, j.doc" \
  " FROM introductions i JOIN accounts a ON a.id = i.employer_id JOIN jobs j ON j.id = i.job_id"

void
xpz_platform_candidate_introductions (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  gint64 id, employer_id, job_id;
  g_autofree char *status = NULL;
  g_autofree char *entity = NULL;
  gboolean accept;
  JsonObject *detail;
  sqlite3_stmt *stmt;

  if (req->n_segs == 2 && g_str_equal (req->method, "GET"))
    {
      JsonObject *o = json_object_new ();
      JsonArray *array = json_array_new ();

      stmt = xpz_platform_db_query (req->db, INTRO_SELECT " WHERE i.candidate_id = ? ORDER BY i.id", "i", req->account_id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        json_array_add_object_element (array, introduction_json (stmt));
      if (stmt != NULL)
        sqlite3_reset (stmt);
      json_object_set_array_member (o, "introductions", array);
      xpz_request_object (req, SOUP_STATUS_OK, o);
      return;
    }
  if (req->n_segs != 4 || (!g_str_equal (req->segs[3], "accept") && !g_str_equal (req->segs[3], "decline")))
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
  if (!g_str_equal (req->method, "POST"))
    {
      xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
      return;
    }
  if (!xpz_request_parse_id (req, 2, &id))
    return;
  status = xpz_platform_db_text (req->db, "SELECT status FROM introductions WHERE id = ? AND candidate_id = ?",
                                 "ii", id, req->account_id);
  if (status == NULL)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such introduction");
      return;
    }
  accept = g_str_equal (req->segs[3], "accept");
  employer_id = xpz_platform_db_int (req->db, 0, "SELECT employer_id FROM introductions WHERE id = ?", "i", id);
  job_id = xpz_platform_db_int (req->db, 0, "SELECT job_id FROM introductions WHERE id = ?", "i", id);
  if (!g_str_equal (status, "pending"))
    {
      if (g_str_equal (status, accept ? "accepted" : "declined"))
        goto respond;   /* already done: the same answer again */
      xpz_request_error (req, SOUP_STATUS_CONFLICT, "already_decided", "This introduction was already answered");
      return;
    }

  xpz_platform_db_run (req->db, "UPDATE introductions SET status = ?, decided_at = ? WHERE id = ?", "sii",
                       accept ? "accepted" : "declined", req->now, id);
  detail = json_object_new ();
  json_object_set_int_member (detail, "introduction_id", id);
  json_object_set_int_member (detail, "employer_id", employer_id);
  json_object_set_int_member (detail, "job_id", job_id);
  json_object_set_string_member (detail, "basis", "consent");
  xpz_platform_ledger_append (self, req->account_id, accept ? "introduction_accepted" : "introduction_declined",
                              detail, req->now);
  if (accept && !xpz_platform_has_share (self, req->account_id, employer_id, job_id))
    xpz_platform_create_share (self, req->account_id, employer_id, job_id, "consent:introduction_accepted", req->now);
  entity = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  xpz_platform_emit_change (self, req->account_id, "introduction", entity, req->now);
  g_free (entity);
  entity = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_id, req->account_id);
  xpz_platform_emit_change (self, employer_id, "match", entity, req->now);

respond:
  stmt = xpz_platform_db_query (req->db, INTRO_SELECT " WHERE i.id = ?", "i", id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    xpz_request_object (req, SOUP_STATUS_OK, introduction_json (stmt));
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

void
xpz_platform_candidate_blocked_employers (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  gint64 id;
  sqlite3_stmt *stmt;

  if (req->n_segs == 2 && g_str_equal (req->method, "GET"))
    {
      JsonObject *o = json_object_new ();
      JsonArray *array = json_array_new ();

      stmt = xpz_platform_db_query (req->db,
                                    "SELECT b.id, b.employer_id, a.company, b.domain, b.created_at FROM blocks b"
                                    " LEFT JOIN accounts a ON a.id = b.employer_id WHERE b.candidate_id = ? ORDER BY b.id",
                                    "i", req->account_id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *entry = json_object_new ();

          json_object_set_int_member (entry, "id", sqlite3_column_int64 (stmt, 0));
          if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
            {
              JsonObject *employer = json_object_new ();
              json_object_set_int_member (employer, "id", sqlite3_column_int64 (stmt, 1));
              json_object_set_string_member (employer, "company", (const char *) sqlite3_column_text (stmt, 2));
              json_object_set_object_member (entry, "employer", employer);
              json_object_set_null_member (entry, "domain");
            }
          else
            {
              json_object_set_null_member (entry, "employer");
              json_object_set_string_member (entry, "domain", (const char *) sqlite3_column_text (stmt, 3));
            }
          xpz_platform_set_time (entry, "created_at", sqlite3_column_int64 (stmt, 4));
          json_array_add_object_element (array, entry);
        }
      if (stmt != NULL)
        sqlite3_reset (stmt);
      json_object_set_array_member (o, "blocked", array);
      xpz_request_object (req, SOUP_STATUS_OK, o);
      return;
    }
  if (req->n_segs == 2 && g_str_equal (req->method, "POST"))
    {
      JsonObject *body = xpz_request_body_object (req);
      JsonObject *detail, *o;
      JsonNode *employer_node;
      const char *domain_in;
      g_autofree char *domain = NULL;
      gint64 employer_id = 0;
      g_autoptr(GArray) to_revoke = g_array_new (FALSE, FALSE, sizeof (gint64));

      if (body == NULL)
        return;
      employer_node = json_object_get_member (body, "employer_id");
      domain_in = json_object_get_string_member_with_default (body, "domain", NULL);
      if (employer_node != NULL && JSON_NODE_HOLDS_VALUE (employer_node) &&
          json_node_get_value_type (employer_node) == G_TYPE_INT64)
        employer_id = json_node_get_int (employer_node);
      if ((employer_id == 0) == (domain_in == NULL))
        {
          xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_block",
                             "Give either employer_id or domain");
          return;
        }
      if (employer_id != 0 &&
          !xpz_platform_db_int (req->db, 0, "SELECT 1 FROM accounts WHERE id = ? AND role = 'employer'", "i", employer_id))
        {
          xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such employer");
          return;
        }
      if (domain_in != NULL)
        {
          domain = xpz_platform_domain_normalise (domain_in);
          if (strlen (domain) < 3 || strlen (domain) > 253 || strchr (domain, '.') == NULL ||
              strchr (domain, '@') != NULL || strchr (domain, ' ') != NULL)
            {
              xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_block", "domain must be a DNS name");
              return;
            }
        }
      if (xpz_platform_db_int (req->db, 0, "SELECT 1 FROM blocks WHERE candidate_id = ? AND (employer_id = ? OR domain = ?)",
                               "iis", req->account_id, employer_id, domain))
        {
          xpz_request_error (req, SOUP_STATUS_CONFLICT, "already_blocked", "Already blocked");
          return;
        }

      xpz_platform_emit_visibility (self, req->account_id, req->now);  /* before: they lose the candidate */
      if (employer_id != 0)
        xpz_platform_db_run (req->db, "INSERT INTO blocks (candidate_id, employer_id, domain, created_at) VALUES (?, ?, NULL, ?)",
                             "iii", req->account_id, employer_id, req->now);
      else
        xpz_platform_db_run (req->db, "INSERT INTO blocks (candidate_id, employer_id, domain, created_at) VALUES (?, NULL, ?, ?)",
                             "isi", req->account_id, domain, req->now);
      id = xpz_platform_db_last_insert_id (req->db);
      detail = json_object_new ();
      json_object_set_int_member (detail, "block_id", id);
      if (employer_id)
        json_object_set_int_member (detail, "employer_id", employer_id);
      else
        json_object_set_string_member (detail, "domain", domain);
      xpz_platform_ledger_append (self, req->account_id, "employer_blocked", detail, req->now);

      /* end every active share with the blocked employer(s) */
      stmt = xpz_platform_db_query (req->db,
                                    "SELECT s.id, s.employer_id, a.email_domain FROM shares s JOIN accounts a ON a.id = s.employer_id"
                                    " WHERE s.candidate_id = ? AND s.revoked_at IS NULL", "i", req->account_id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 share_id = sqlite3_column_int64 (stmt, 0);

          /* R5.4: a domain block covers its sub-domains */
          if ((employer_id != 0 && sqlite3_column_int64 (stmt, 1) == employer_id) ||
              (domain != NULL && xpz_platform_domain_covers (domain, (const char *) sqlite3_column_text (stmt, 2))))
            g_array_append_val (to_revoke, share_id);
        }
      if (stmt != NULL)
        sqlite3_reset (stmt);
      for (guint i = 0; i < to_revoke->len; i++)
        revoke_share (self, req->account_id, g_array_index (to_revoke, gint64, i), "employer blocked", req->now);
      xpz_platform_reload_blocks (self, req->account_id);

      o = json_object_new ();
      json_object_set_int_member (o, "id", id);
      if (employer_id)
        json_object_set_int_member (o, "employer_id", employer_id);
      else
        json_object_set_string_member (o, "domain", domain);
      xpz_platform_set_time (o, "created_at", req->now);
      xpz_request_object (req, SOUP_STATUS_CREATED, o);
      return;
    }
  if (req->n_segs == 3 && g_str_equal (req->method, "DELETE"))
    {
      JsonObject *detail;

      if (!xpz_request_parse_id (req, 2, &id))
        return;
      if (!xpz_platform_db_int (req->db, 0, "SELECT 1 FROM blocks WHERE id = ? AND candidate_id = ?", "ii", id, req->account_id))
        {
          xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such block");
          return;
        }
      xpz_platform_db_run (req->db, "DELETE FROM blocks WHERE id = ?", "i", id);
      detail = json_object_new ();
      json_object_set_int_member (detail, "block_id", id);
      xpz_platform_ledger_append (self, req->account_id, "employer_unblocked", detail, req->now);
      xpz_platform_reload_blocks (self, req->account_id);
      xpz_platform_emit_visibility (self, req->account_id, req->now);
      xpz_platform_auto_share_candidate (self, req->account_id, req->now);
      xpz_request_no_content (req);
      return;
    }
  if (req->n_segs > 3)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
  xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
}

/* GET /me/ledger */
void
xpz_platform_candidate_ledger (XpzRequest *req)
{
  xpz_request_object (req, SOUP_STATUS_OK, xpz_platform_ledger_json (req->server, req->account_id));
}
