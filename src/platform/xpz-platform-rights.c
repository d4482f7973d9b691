/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <sodium.h>
#include <string.h>

#include "xpz-platform-private.h"

/*
 * Rights (R7.x, R8.x, R11.1): the full export, the JSON Resume export, deletion
 * requests and their completion, retention, and the privacy-policy versions.
 */

#define DELETION_DELAY (30 * 24 * 3600)
#define RETENTION_MONTHS 36

/* Any SELECT as an array of objects: *_at / at columns become ISO 8601, blobs base64. */
static JsonArray *
rows_json (XpzPlatformDb *db,
           const char    *sql,
           gint64         id)
{
  JsonArray *array = json_array_new ();
  sqlite3_stmt *stmt = xpz_platform_db_query (db, sql, "i", id);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *name = sqlite3_column_name (stmt, i);

          switch (sqlite3_column_type (stmt, i))
            {
            case SQLITE_NULL:
              json_object_set_null_member (o, name);
              break;
            case SQLITE_INTEGER:
              if (g_str_equal (name, "at") || g_str_has_suffix (name, "_at"))
                xpz_platform_set_time (o, name, sqlite3_column_int64 (stmt, i));
              else
                json_object_set_int_member (o, name, sqlite3_column_int64 (stmt, i));
              break;
            case SQLITE_FLOAT:
              json_object_set_double_member (o, name, sqlite3_column_double (stmt, i));
              break;
            case SQLITE_BLOB:
              {
                g_autofree char *b64 = g_base64_encode (sqlite3_column_blob (stmt, i), (gsize) sqlite3_column_bytes (stmt, i));
                json_object_set_string_member (o, name, b64);
              }
              break;
            default:
              {
                const char *text = (const char *) sqlite3_column_text (stmt, i);
                /* JSON stored as text (fields, detail, doc) is exported as JSON */
                if (text != NULL && (text[0] == '{' || text[0] == '['))
                  {
                    JsonNode *node = xpz_platform_json_parse (text, -1, 512, NULL);
                    if (node != NULL)
                      {
                        json_object_set_member (o, name, node);
                        break;
                      }
                  }
                json_object_set_string_member (o, name, text);
              }
              break;
            }
        }
      json_array_add_object_element (array, o);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return array;
}

static JsonObject *
retention_json (XpzPlatformServer *self,
                gint64             account_id)
{
  gint64 last = xpz_platform_db_int (self->db, 0, "SELECT last_activity_at FROM accounts WHERE id = ?", "i", account_id);
  gint64 closed = xpz_platform_db_int (self->db, 0, "SELECT closed_at FROM accounts WHERE id = ?", "i", account_id);
  gint64 base = closed > 0 ? closed : last;
  g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (base);
  g_autoptr(GDateTime) until = g_date_time_add_months (from, RETENTION_MONTHS);
  JsonObject *o = json_object_new ();

  xpz_platform_set_time (o, "keep_until", g_date_time_to_unix (until));
  json_object_set_string_member (o, "basis", closed > 0 ? "account_closure" : "last_activity");
  xpz_platform_set_time (o, "last_activity_at", last);
  xpz_platform_set_time (o, "closed_at", closed);
  json_object_set_int_member (o, "months", RETENTION_MONTHS);
  json_object_set_string_member (o, "rule", "Kept for 36 months after account closure or last activity, whichever applies,"
                                            " unless deleted earlier on request.");
  return o;
}

/* A deletion request's receipt: HMAC of its id with the server secret. Whoever holds it
 * (the app that made the request) can learn the request's status after the account and
 * its sessions are gone (GET /deletion-requests/{id}?receipt=…); nobody can guess it. */
static char *
deletion_receipt (XpzPlatformServer *self,
                  gint64             request_id)
{
  g_autofree char *payload = g_strdup_printf ("deletion-request:%" G_GINT64_FORMAT, request_id);

  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, self->secret, sizeof self->secret, payload, -1);
}

static JsonObject *
deletion_row_json (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
  json_object_set_string_member (o, "status", (const char *) sqlite3_column_text (stmt, 1));
  xpz_platform_set_time (o, "requested_at", sqlite3_column_int64 (stmt, 2));
  xpz_platform_set_time (o, "due_at", sqlite3_column_int64 (stmt, 3));
  xpz_platform_set_time (o, "completed_at", sqlite3_column_int64 (stmt, 4));
  return o;
}

/* GET /deletion-requests/{id}?receipt=… (public): the tombstone's status, nothing else. */
void
xpz_platform_rights_deletion_status (XpzRequest *req)
{
  const char *receipt = xpz_request_query (req, "receipt");
  g_autofree char *expected = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  if (req->n_segs != 2)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
  if (!g_str_equal (req->method, "GET"))
    {
      xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
      return;
    }
  if (!xpz_request_parse_id (req, 1, &id))
    return;
  expected = deletion_receipt (req->server, id);
  if (receipt == NULL || strlen (receipt) != strlen (expected) ||
      sodium_memcmp (receipt, expected, strlen (expected)) != 0)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such deletion request");
      return;
    }
  stmt = xpz_platform_db_query (req->db, "SELECT id, status, requested_at, due_at, completed_at"
                                " FROM deletion_requests WHERE id = ?", "i", id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o = deletion_row_json (stmt);

      sqlite3_reset (stmt);
      xpz_request_object (req, SOUP_STATUS_OK, o);
      return;
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such deletion request");
}

static JsonObject *
deletion_json (XpzPlatformServer *self,
               gint64             account_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT id, status, requested_at, due_at, completed_at FROM deletion_requests"
                                              " WHERE account_id = ? ORDER BY id DESC LIMIT 1", "i", account_id);
  JsonObject *o = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *receipt = deletion_receipt (self, sqlite3_column_int64 (stmt, 0));

      o = deletion_row_json (stmt);
      json_object_set_string_member (o, "receipt", receipt);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return o;
}

void
xpz_platform_rights_export_all (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  JsonObject *o = json_object_new ();
  JsonObject *account = json_object_new ();
  gint64 id = req->account_id;
  sqlite3_stmt *stmt;

  json_object_set_string_member (o, "format", "xpertaize-export");
  json_object_set_int_member (o, "format_version", 1);
  xpz_platform_set_time (o, "generated_at", req->now);
  json_object_set_string_member (o, "controller", CONTROLLER_NAME);

  stmt = xpz_platform_db_query (req->db, "SELECT id, email, role, name, company, created_at, last_activity_at, closed_at"
                                " FROM accounts WHERE id = ?", "i", id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_object_set_int_member (account, "id", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (account, "email", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (account, "role", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_string_member (account, "name", (const char *) sqlite3_column_text (stmt, 3));
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        json_object_set_string_member (account, "company", (const char *) sqlite3_column_text (stmt, 4));
      xpz_platform_set_time (account, "created_at", sqlite3_column_int64 (stmt, 5));
      xpz_platform_set_time (account, "last_activity_at", sqlite3_column_int64 (stmt, 6));
      xpz_platform_set_time (account, "closed_at", sqlite3_column_int64 (stmt, 7));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  json_object_set_object_member (o, "account", account);

  json_object_set_array_member (o, "sign_ins",
                                rows_json (req->db, "SELECT at, ip, client, outcome FROM sign_ins WHERE account_id = ? ORDER BY id", id));
  json_object_set_array_member (o, "sessions",
                                rows_json (req->db, "SELECT created_at, access_expires_at, refresh_expires_at, client, ip"
                                           " FROM sessions WHERE account_id = ? ORDER BY id", id));
  json_object_set_array_member (o, "policy_acceptances",
                                rows_json (req->db, "SELECT version, at FROM policy_acceptances WHERE account_id = ?", id));
  json_object_set_object_member (o, "retention", retention_json (self, id));

  if (g_str_equal (req->role, "candidate"))
    {
      JsonObject *profile = xpz_platform_load_profile (self, id, NULL);
      JsonObject *deletion = deletion_json (self, id);
      XpzCandidateVec *c = xpz_platform_matcher_get_candidate (self->matcher, id);
      JsonArray *matches = json_array_new ();

      json_object_set_object_member (o, "profile", profile ? profile : json_object_new ());
      json_object_set_array_member (o, "documents",
                                    rows_json (req->db, "SELECT id, filename, content_type, size, sha256, created_at, data"
                                               " FROM documents WHERE account_id = ? ORDER BY id", id));
      json_object_set_object_member (o, "privacy", xpz_platform_privacy_json (self, id));
      if (c != NULL && !(c->flags & (XPZ_CANDIDATE_PAUSED | XPZ_CANDIDATE_RESTRICTED)))
        {
          g_autoptr(GArray) ranked = xpz_platform_matcher_rank_candidate (self->matcher, c, self->options.list_min_score);
          for (guint i = 0; i < ranked->len; i++)
            json_array_add_element (matches, xpz_platform_candidate_match_json (
                                      self, c, xpz_platform_matcher_job_at (self->matcher, g_array_index (ranked, XpzRanked, i).index)));
        }
      json_object_set_array_member (o, "matches", matches);
      json_object_set_array_member (o, "shares",
                                    rows_json (req->db, "SELECT s.id, s.employer_id, a.company AS employer, s.job_id, s.at,"
                                               " s.fields, s.basis, s.revoked_at FROM shares s JOIN accounts a ON a.id = s.employer_id"
                                               " WHERE s.candidate_id = ? ORDER BY s.id", id));
      json_object_set_array_member (o, "introductions",
                                    rows_json (req->db, "SELECT i.id, i.employer_id, a.company AS employer, i.job_id, i.status,"
                                               " i.message, i.requested_at, i.decided_at FROM introductions i"
                                               " JOIN accounts a ON a.id = i.employer_id WHERE i.candidate_id = ? ORDER BY i.id", id));
      /* the candidate's answers to their matches: "not interested", and objections
       * to an automated score with their reasons and what became of them */
      if (!xpz_platform_match_feedback_ensure (req->db))
        {
          json_object_unref (o);
          xpz_request_db_failed (req);
          return;
        }
      json_object_set_array_member (o, "dismissed_matches",
                                    rows_json (req->db, "SELECT d.job_id, json_extract (j.doc, '$.title') AS job_title, d.at"
                                               " FROM match_dismissals d LEFT JOIN jobs j ON j.id = d.job_id"
                                               " WHERE d.candidate_id = ? ORDER BY d.at, d.job_id", id));
      json_object_set_array_member (o, "match_objections",
                                    rows_json (req->db, "SELECT m.id, m.job_id, json_extract (j.doc, '$.title') AS job_title,"
                                               " m.score, m.reason, m.status, m.at FROM match_objections m"
                                               " LEFT JOIN jobs j ON j.id = m.job_id WHERE m.candidate_id = ? ORDER BY m.id", id));
      json_object_set_array_member (o, "employer_notes",
                                    rows_json (req->db, "SELECT p.job_id, json_extract (j.doc, '$.title') AS job_title,"
                                               " j.employer_id, a.company AS employer, p.stage, p.note, p.updated_at"
                                               " FROM pipeline p JOIN jobs j ON j.id = p.job_id JOIN accounts a ON a.id = j.employer_id"
                                               " WHERE p.candidate_id = ? ORDER BY p.job_id", id));
      json_object_set_array_member (o, "blocked_employers",
                                    rows_json (req->db, "SELECT id, employer_id, domain, created_at FROM blocks"
                                               " WHERE candidate_id = ? ORDER BY id", id));
      json_object_set_object_member (o, "ledger", xpz_platform_ledger_json (self, id));
      if (deletion != NULL)
        json_object_set_object_member (o, "deletion_request", deletion);
      else
        json_object_set_null_member (o, "deletion_request");
    }
  else
    {
      json_object_set_array_member (o, "jobs",
                                    rows_json (req->db, "SELECT id, doc, created_at, updated_at FROM jobs"
                                               " WHERE employer_id = ? ORDER BY id", id));
    }
  xpz_request_object (req, SOUP_STATUS_OK, o);
}

static void
copy_array (JsonObject *from,
            JsonObject *to,
            const char *name)
{
  JsonNode *node = json_object_get_member (from, name);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_member (to, name, json_node_copy (node));
}

/* The profile as a JSON Resume document (the preferences have no place there). */
JsonObject *
xpz_platform_resume_json (JsonObject *profile)
{
  JsonObject *resume = json_object_new ();
  JsonObject *meta = json_object_new ();
  JsonNode *basics = json_object_get_member (profile, "basics");

  json_object_set_string_member (resume, "$schema",
                                 "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json");
  if (basics != NULL && JSON_NODE_HOLDS_OBJECT (basics))
    json_object_set_member (resume, "basics", json_node_copy (basics));
  copy_array (profile, resume, "work");
  copy_array (profile, resume, "education");
  copy_array (profile, resume, "skills");
  copy_array (profile, resume, "languages");
  json_object_set_string_member (meta, "version", "v1.0.0");
  json_object_set_string_member (meta, "canonical",
                                 "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json");
  json_object_set_object_member (resume, "meta", meta);
  return resume;
}

void
xpz_platform_rights_export_resume (XpzRequest *req)
{
  g_autoptr(JsonObject) profile = NULL;
  JsonObject *resume;
  gint64 updated;

  if (!xpz_request_auth (req, "candidate"))
    return;
  profile = xpz_platform_load_profile (req->server, req->account_id, NULL);
  if (profile == NULL)
    profile = json_object_new ();
  resume = xpz_platform_resume_json (profile);
  updated = xpz_platform_db_int (req->db, 0, "SELECT updated_at FROM profiles WHERE account_id = ?", "i", req->account_id);
  if (updated > 0)
    {
      g_autofree char *when = xpz_platform_iso8601 (updated);
      json_object_set_string_member (json_object_get_object_member (resume, "meta"), "lastModified", when);
    }
  xpz_request_object (req, SOUP_STATUS_OK, resume);
}

void
xpz_platform_rights_deletion_request (XpzRequest *req)
{
  JsonObject *current = deletion_json (req->server, req->account_id);

  if (g_str_equal (req->method, "GET"))
    {
      if (current == NULL)
        {
          xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No deletion request");
          return;
        }
      xpz_request_object (req, SOUP_STATUS_OK, current);
      return;
    }
  if (!g_str_equal (req->method, "POST"))
    {
      g_clear_pointer (&current, json_object_unref);
      xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
      return;
    }
  if (current != NULL && g_str_equal (json_object_get_string_member (current, "status"), "pending"))
    {
      xpz_request_object (req, SOUP_STATUS_OK, current);
      return;
    }
  g_clear_pointer (&current, json_object_unref);

  xpz_platform_db_run (req->db,
                       "INSERT INTO deletion_requests (account_id, status, requested_at, due_at) VALUES (?, 'pending', ?, ?)",
                       "iii", req->account_id, req->now, req->now + DELETION_DELAY);
  if (g_str_equal (req->role, "candidate"))
    {
      JsonObject *detail = json_object_new ();
      json_object_set_int_member (detail, "request_id", xpz_platform_db_last_insert_id (req->db));
      json_object_set_int_member (detail, "due_in_days", 30);
      xpz_platform_ledger_append (req->server, req->account_id, "deletion_requested", detail, req->now);
      xpz_platform_emit_change (req->server, req->account_id, "deletion_request", "0", req->now);
    }
  xpz_request_object (req, SOUP_STATUS_CREATED, deletion_json (req->server, req->account_id));
}

/* Erases every account whose deletion request is due, leaving only the request row
 * (id, pseudonymous account number, dates, status) as the legal tombstone. */
guint
xpz_platform_rights_complete_due (XpzPlatformServer *self,
                                  gint64             now)
{
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT id, account_id FROM deletion_requests WHERE status = 'pending' AND due_at <= ?",
                                              "i", now);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      g_array_append_vals (due, pair, 1);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);

  for (guint i = 0; i < due->len; i++)
    {
      gint64 *pair = &((gint64 *) (void *) due->data)[2 * i];
      gint64 request_id = pair[0], account_id = pair[1];
      g_autofree char *scope = g_strdup_printf ("account:%" G_GINT64_FORMAT, account_id);
      g_autoptr(GArray) jobs = g_array_new (FALSE, FALSE, sizeof (gint64));

      /* employers lose the candidate from their results */
      xpz_platform_emit_visibility (self, account_id, now);
      stmt = xpz_platform_db_query (self->db, "SELECT id FROM jobs WHERE employer_id = ?", "i", account_id);
      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 job = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (jobs, job);
        }
      if (stmt != NULL)
        sqlite3_reset (stmt);

      /* Idempotency records: the account's own (by scope and by account), and any other
       * whose kept answer names the person (an employer's answer after a share). The
       * rest goes by ON DELETE CASCADE / SET NULL: sessions, sign-ins, profile, privacy,
       * documents, jobs, pipeline rows and notes, shares, introductions, blocks, ledger,
       * changes, match feedback, policy acceptances; the deletion request keeps no
       * account number. */
      xpz_platform_db_run (self->db,
                           "DELETE FROM idempotency WHERE scope = ?1 OR account_id = ?2 OR EXISTS ("
                           " SELECT 1 FROM accounts a LEFT JOIN profiles p ON p.account_id = a.id WHERE a.id = ?2"
                           " AND (instr (idempotency.body, a.email) > 0 OR instr (idempotency.body, a.name) > 0"
                           " OR (json_extract (p.doc, '$.basics.phone') <> '' AND"
                           " instr (idempotency.body, json_extract (p.doc, '$.basics.phone')) > 0)"
                           " OR (json_extract (p.doc, '$.basics.email') <> '' AND"
                           " instr (idempotency.body, json_extract (p.doc, '$.basics.email')) > 0)))",
                           "si", scope, account_id);
      xpz_platform_db_run (self->db, "DELETE FROM changes WHERE account_id = ?", "i", account_id);
      xpz_platform_db_run (self->db, "DELETE FROM accounts WHERE id = ?", "i", account_id);
      xpz_platform_db_run (self->db, "UPDATE deletion_requests SET status = 'completed', completed_at = ? WHERE id = ?",
                           "ii", now, request_id);
      xpz_platform_matcher_remove_candidate (self->matcher, account_id);
      for (guint k = 0; k < jobs->len; k++)
        xpz_platform_matcher_remove_job (self->matcher, g_array_index (jobs, gint64, k));
      g_debug ("Completed deletion request %" G_GINT64_FORMAT, request_id);
    }
  return due->len;
}

static JsonObject *
policy_json (XpzPlatformServer *self)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT version, published_at, material, summary FROM policy_versions"
                                              " ORDER BY published_at DESC, rowid DESC LIMIT 1", NULL);
  JsonObject *o = json_object_new ();
  JsonObject *controller = json_object_new ();
  JsonArray *processors = json_array_new ();
  JsonArray *purposes = json_array_new ();
  static const char * const purpose_table[][3] = {
    { "matching", "Recruitment matching and introductions", "consent" },
    { "automatic_sharing", "Automatic sharing with matching employers", "consent" },
    { "communication", "Messages about new roles, feedback, partners", "consent" },
    { "marketing", "Marketing (opt-in, off by default)", "consent" },
    { "ai_training", "Training and refining AI systems", "legitimate_interest" },
    { "security", "Security, fraud prevention, sign-in history", "legitimate_interest" },
    { "aggregated_insights", "Aggregated statistics over groups of at least k people", "legitimate_interest" },
    { "service", "Providing the service you requested", "contract" },
    { "compliance", "Retention required by law", "legal_obligation" },
  };

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_object_set_string_member (o, "version", (const char *) sqlite3_column_text (stmt, 0));
      xpz_platform_set_time (o, "published_at", sqlite3_column_int64 (stmt, 1));
      json_object_set_boolean_member (o, "material", sqlite3_column_int (stmt, 2));
      json_object_set_string_member (o, "summary", (const char *) sqlite3_column_text (stmt, 3));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  json_object_set_string_member (controller, "name", CONTROLLER_NAME);
  json_object_set_string_member (controller, "email", CONTROLLER_EMAIL);
  json_object_set_string_member (controller, "phone", CONTROLLER_PHONE);
  json_object_set_string_member (controller, "address", CONTROLLER_ADDRESS);
  json_object_set_object_member (o, "controller", controller);
  for (guint i = 0; i < G_N_ELEMENTS (purpose_table); i++)
    {
      JsonObject *p = json_object_new ();
      json_object_set_string_member (p, "id", purpose_table[i][0]);
      json_object_set_string_member (p, "description", purpose_table[i][1]);
      json_object_set_string_member (p, "legal_basis", purpose_table[i][2]);
      json_object_set_boolean_member (p, "withdrawable", g_str_equal (purpose_table[i][2], "consent"));
      json_array_add_object_element (purposes, p);
    }
  json_object_set_array_member (o, "purposes", purposes);
  {
    JsonObject *p = json_object_new ();
    json_object_set_string_member (p, "kind", "AI services");
    json_object_set_string_member (p, "location", "outside Morocco, with appropriate safeguards");
    json_array_add_object_element (processors, p);
    p = json_object_new ();
    json_object_set_string_member (p, "kind", "Hosting");
    json_object_set_string_member (p, "location", "outside Morocco, with appropriate safeguards");
    json_array_add_object_element (processors, p);
  }
  json_object_set_array_member (o, "processors", processors);
  json_object_set_string_member (o, "no_sale", "We do not sell your personal data.");
  json_object_set_int_member (o, "retention_months", RETENTION_MONTHS);
  json_object_set_int_member (o, "deletion_days", 30);
  return o;
}

void
xpz_platform_rights_accept_policy (XpzRequest *req)
{
  JsonObject *body = xpz_request_body_object (req);
  const char *version;
  JsonObject *o;

  if (body == NULL)
    return;
  version = json_object_get_string_member_with_default (body, "version", NULL);
  if (version == NULL || !xpz_platform_db_int (req->db, 0, "SELECT 1 FROM policy_versions WHERE version = ?", "s", version))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "unknown_version", "No such policy version");
      return;
    }
  if (!xpz_platform_db_int (req->db, 0, "SELECT 1 FROM policy_acceptances WHERE account_id = ? AND version = ?",
                            "is", req->account_id, version))
    {
      xpz_platform_db_run (req->db, "INSERT INTO policy_acceptances (account_id, version, at) VALUES (?, ?, ?)",
                           "isi", req->account_id, version, req->now);
      if (g_str_equal (req->role, "candidate"))
        {
          JsonObject *detail = json_object_new ();
          json_object_set_string_member (detail, "version", version);
          json_object_set_string_member (detail, "basis", "acknowledgement");
          xpz_platform_ledger_append (req->server, req->account_id, "policy_accepted", detail, req->now);
        }
      xpz_platform_emit_change (req->server, req->account_id, "policy", version, req->now);
    }
  o = json_object_new ();
  json_object_set_string_member (o, "version", version);
  xpz_platform_set_time (o, "accepted_at",
                         xpz_platform_db_int (req->db, 0, "SELECT at FROM policy_acceptances WHERE account_id = ? AND version = ?",
                                              "is", req->account_id, version));
  xpz_request_object (req, SOUP_STATUS_CREATED, o);
}

/* GET /policy */
void
xpz_platform_rights_policy (XpzRequest *req)
{
  xpz_request_object (req, SOUP_STATUS_OK, policy_json (req->server));
}

/* GET /me/retention */
void
xpz_platform_rights_retention (XpzRequest *req)
{
  xpz_request_object (req, SOUP_STATUS_OK, retention_json (req->server, req->account_id));
}

/* GET /me/policy-acceptances */
void
xpz_platform_rights_policy_acceptances (XpzRequest *req)
{
  JsonObject *o = json_object_new ();

  json_object_set_array_member (o, "acceptances",
                                rows_json (req->db, "SELECT version, at FROM policy_acceptances WHERE account_id = ?"
                                           " ORDER BY at", req->account_id));
  xpz_request_object (req, SOUP_STATUS_OK, o);
}
