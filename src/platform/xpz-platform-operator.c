/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-platform-private.h"

/*
 * Employer verification (R5.1, R9.4) and the operator role (/api/v1/operator/…).
 *
 * An employer's organisation is verified by a platform operator, for the email domain
 * of the account, and never for a free-mail domain. Until then nothing identifying
 * reaches the employer: no automatic share is made for it, it cannot request an
 * introduction, and whatever share exists is not disclosed. Every check reads the
 * database at the moment of disclosure, so a decision made by another process on the
 * same database (`xpertaize-platform --verify-employer`) holds at once.
 *
 * Also here: the domain rule of blocks (a block covers its sub-domains), and the
 * share limits for a newly verified employer.
 */

#define NEW_EMPLOYER_DAYS 30
#define DAY_SECONDS       86400

/* Domains any person can get an address at: never an organisation's verified domain.
 * "name.*" entries match that first label under any suffix (hotmail.fr, yahoo.co.uk). */
static const char * const free_mail[] = {
  "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "msn.com", "icloud.com", "me.com",
  "mac.com", "aol.com", "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "mail.com",
  "zoho.com", "tutanota.com", "tuta.io", "tutamail.com", "fastmail.com", "hey.com", "ymail.com",
  "rocketmail.com", "laposte.net", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "menara.ma",
  "mail.ru", "qq.com", "163.com",
  "hotmail.*", "live.*", "yahoo.*", "gmx.*", "yandex.*", "web.*",
};

/* Lower case, no leading "@", no trailing dot. */
char *
xpz_platform_domain_normalise (const char *domain)
{
  char *out;
  gsize len;

  if (domain == NULL)
    return NULL;
  if (*domain == '@')
    domain++;
  out = g_ascii_strdown (domain, -1);
  len = strlen (out);
  while (len > 0 && out[len - 1] == '.')
    out[--len] = '\0';
  return out;
}

static gsize
domain_length (const char *domain)
{
  gsize len = strlen (domain);

  while (len > 0 && domain[len - 1] == '.')
    len--;
  return len;
}

/* R5.4: a block of @blocked covers @domain itself and every sub-domain of it, on a
 * label boundary: "atlas.ma" covers "rh.atlas.ma", not "evilatlas.ma". Case and a
 * trailing dot do not matter. */
gboolean
xpz_platform_domain_covers (const char *blocked,
                            const char *domain)
{
  gsize lb, ld;

  if (blocked == NULL || domain == NULL)
    return FALSE;
  if (*blocked == '@')
    blocked++;
  lb = domain_length (blocked);
  ld = domain_length (domain);
  if (lb == 0 || ld < lb || g_ascii_strncasecmp (domain + ld - lb, blocked, lb) != 0)
    return FALSE;
  return ld == lb || domain[ld - lb - 1] == '.';
}

gboolean
xpz_platform_free_mail_domain (const char *domain)
{
  g_autofree char *d = xpz_platform_domain_normalise (domain);

  if (d == NULL || strchr (d, '.') == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (free_mail); i++)
    {
      const char *entry = free_mail[i];
      gsize n = strlen (entry);

      if (g_str_has_suffix (entry, ".*"))
        {
          if (strncmp (d, entry, n - 1) == 0 && d[n - 1] != '\0')
            return TRUE;
        }
      else if (xpz_platform_domain_covers (entry, d))
        return TRUE;
    }
  return FALSE;
}

/* Read from the database each time: never cached, so that a revoked verification or
 * one made by another process holds at the next disclosure. */
gboolean
xpz_platform_employer_verified (XpzPlatformServer *self,
                                gint64             employer_id)
{
  return xpz_platform_db_int (self->db, 0,
                              "SELECT 1 FROM accounts WHERE id = ? AND role = 'employer' AND closed_at IS NULL"
                              " AND verified_at IS NOT NULL AND verified_domain = email_domain",
                              "i", employer_id) != 0;
}

/* What an employer may see of a candidate for a job: an active share, and its
 * organisation verified now. */
gboolean
xpz_platform_share_disclosed (XpzPlatformServer *self,
                              gint64             candidate_id,
                              gint64             employer_id,
                              gint64             job_id)
{
  return xpz_platform_has_share (self, candidate_id, employer_id, job_id) &&
         xpz_platform_employer_verified (self, employer_id);
}

/* The organisation a share or a revoke is about: the employer's email domain, or NULL
 * for a free-mail domain (then it is the account alone). */
char *
xpz_platform_employer_organisation (XpzPlatformServer *self,
                                    gint64             employer_id)
{
  g_autofree char *domain = xpz_platform_db_text (self->db, "SELECT email_domain FROM accounts WHERE id = ?",
                                                  "i", employer_id);

  if (domain == NULL || xpz_platform_free_mail_domain (domain))
    return NULL;
  return g_steal_pointer (&domain);
}

/* R5.1 with R5.4: may an automatic share of @candidate_id reach @employer_id now? Only a
 * verified employer; never after the candidate revoked a share with that employer or
 * its organisation (only an introduction she accepts shares again); and a newly
 * verified employer receives at most options.new_employer_daily_shares new candidates
 * per 24 hours during its first 30 days. */
gboolean
xpz_platform_auto_share_allowed (XpzPlatformServer *self,
                                 gint64             candidate_id,
                                 gint64             employer_id,
                                 gint64             now)
{
  g_autofree char *organisation = NULL;
  gint64 verified_at;

  if (!xpz_platform_employer_verified (self, employer_id))
    return FALSE;
  organisation = xpz_platform_employer_organisation (self, employer_id);
  if (xpz_platform_db_int (self->db, 0,
                           "SELECT 1 FROM shares s JOIN accounts a ON a.id = s.employer_id"
                           " WHERE s.candidate_id = ?1 AND s.revoked_at IS NOT NULL"
                           " AND (s.employer_id = ?2 OR a.email_domain = ?3) LIMIT 1",
                           "iis", candidate_id, employer_id, organisation))
    return FALSE;

  verified_at = xpz_platform_db_int (self->db, 0, "SELECT verified_at FROM accounts WHERE id = ?", "i", employer_id);
  if (now - verified_at >= (gint64) NEW_EMPLOYER_DAYS * DAY_SECONDS)
    return TRUE;
  if (xpz_platform_db_int (self->db, 0, "SELECT 1 FROM shares WHERE candidate_id = ? AND employer_id = ?"
                           " AND revoked_at IS NULL LIMIT 1", "ii", candidate_id, employer_id))
    return TRUE;   /* not a new candidate for this employer */
  return xpz_platform_db_int (self->db, 0,
                              "SELECT COUNT(DISTINCT candidate_id) FROM shares WHERE employer_id = ? AND at > ?"
                              " AND basis = 'consent:automatic_sharing'",
                              "ii", employer_id, now - DAY_SECONDS) <
         (gint64) self->options.new_employer_daily_shares;
}

JsonObject *
xpz_platform_verification_json (XpzPlatformServer *self,
                                gint64             employer_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT verified_domain, verified_at, email_domain FROM accounts"
                                              " WHERE id = ?", "i", employer_id);
  JsonObject *o = json_object_new ();
  gboolean verified = FALSE;
  gint64 verified_at = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *domain = (const char *) sqlite3_column_text (stmt, 2);

      verified = sqlite3_column_type (stmt, 1) != SQLITE_NULL &&
                 g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), domain) == 0;
      verified_at = sqlite3_column_int64 (stmt, 1);
      json_object_set_string_member (o, "domain", domain);
      json_object_set_boolean_member (o, "free_mail_domain", xpz_platform_free_mail_domain (domain));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  json_object_set_string_member (o, "status", verified ? "verified" : "unverified");
  if (verified)
    xpz_platform_set_time (o, "verified_at", verified_at);
  else
    json_object_set_null_member (o, "verified_at");
  json_object_set_string_member (o, "candidates",
                                 verified ? "identified when they share with you"
                                          : "anonymised until a platform operator verifies your organisation's domain");
  return o;
}

static void
emit_employer_matches (XpzPlatformServer *self,
                       gint64             employer_id,
                       gint64             now)
{
  g_autoptr(GPtrArray) entities = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT job_id, candidate_id FROM shares WHERE employer_id = ?"
                                              " AND revoked_at IS NULL AND job_id IS NOT NULL",
                                              "i", employer_id);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (entities, g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                                (gint64) sqlite3_column_int64 (stmt, 0),
                                                (gint64) sqlite3_column_int64 (stmt, 1)));
  if (stmt != NULL)
    sqlite3_reset (stmt);
  for (guint i = 0; i < entities->len; i++)
    xpz_platform_emit_change (self, employer_id, "match", g_ptr_array_index (entities, i), now);
}

/* Records an operator's decision about an employer, inside the caller's transaction.
 * @operator_id is 0 for the command line and the demo seed (@via "cli" or "seed").
 * Returns NULL, or the error code of a refusal. */
const char *
xpz_platform_set_verification (XpzPlatformServer *self,
                               gint64             employer_id,
                               gboolean           verified,
                               gint64             operator_id,
                               const char        *via,
                               gint64             now)
{
  g_autofree char *role = xpz_platform_db_text (self->db, "SELECT role FROM accounts WHERE id = ? AND closed_at IS NULL",
                                                "i", employer_id);
  g_autofree char *domain = NULL;
  g_autoptr(GArray) jobs = NULL;
  sqlite3_stmt *stmt;

  if (g_strcmp0 (role, "employer") != 0)
    return "not_found";
  domain = xpz_platform_db_text (self->db, "SELECT email_domain FROM accounts WHERE id = ?", "i", employer_id);
  if (verified && xpz_platform_free_mail_domain (domain))
    return "free_mail_domain";

  if (verified && operator_id != 0)
    xpz_platform_db_run (self->db,
                         "UPDATE accounts SET verified_domain = email_domain, verified_at = ?, verified_by = ?"
                         " WHERE id = ?", "iii", now, operator_id, employer_id);
  else if (verified)
    xpz_platform_db_run (self->db,
                         "UPDATE accounts SET verified_domain = email_domain, verified_at = ?, verified_by = NULL"
                         " WHERE id = ?", "ii", now, employer_id);
  else
    xpz_platform_db_run (self->db,
                         "UPDATE accounts SET verified_domain = NULL, verified_at = NULL, verified_by = NULL"
                         " WHERE id = ?", "i", employer_id);
  if (operator_id != 0)
    xpz_platform_db_run (self->db,
                         "INSERT INTO operator_decisions (employer_id, operator_id, via, action, domain, at)"
                         " VALUES (?, ?, ?, ?, ?, ?)", "iisssi", employer_id, operator_id, via,
                         verified ? "verified" : "verification_revoked", domain, now);
  else
    xpz_platform_db_run (self->db,
                         "INSERT INTO operator_decisions (employer_id, operator_id, via, action, domain, at)"
                         " VALUES (?, NULL, ?, ?, ?, ?)", "isssi", employer_id, via,
                         verified ? "verified" : "verification_revoked", domain, now);

  /* Its clients refetch what it may now (or may no longer) see. */
  emit_employer_matches (self, employer_id, now);
  if (!verified)
    return NULL;

  /* Newly verified: the automatic shares held back until now (within the limits). */
  jobs = g_array_new (FALSE, FALSE, sizeof (gint64));
  stmt = xpz_platform_db_query (self->db, "SELECT id FROM jobs WHERE employer_id = ? ORDER BY id", "i", employer_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (jobs, id);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  for (guint i = 0; i < jobs->len; i++)
    xpz_platform_auto_share_job (self, g_array_index (jobs, gint64, i), now);
  return NULL;
}

/* ---- /api/v1/operator/… ---- */

static JsonObject *
employer_json (XpzPlatformServer *self,
               sqlite3_stmt      *stmt)
{
  JsonObject *o = json_object_new ();
  gint64 id = sqlite3_column_int64 (stmt, 0);

  json_object_set_int_member (o, "id", id);
  json_object_set_string_member (o, "email", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (o, "name", (const char *) sqlite3_column_text (stmt, 2));
  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    json_object_set_string_member (o, "company", (const char *) sqlite3_column_text (stmt, 3));
  else
    json_object_set_null_member (o, "company");
  xpz_platform_set_time (o, "created_at", sqlite3_column_int64 (stmt, 4));
  return o;
}

static JsonObject *
one_employer (XpzPlatformServer *self,
              gint64             employer_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT id, email, name, company, created_at FROM accounts"
                                              " WHERE id = ? AND role = 'employer'", "i", employer_id);
  JsonObject *o = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    o = employer_json (self, stmt);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (o != NULL)
    json_object_set_object_member (o, "verification", xpz_platform_verification_json (self, employer_id));
  return o;
}

static void
list_employers (XpzRequest *req)
{
  const char *status = xpz_request_query (req, "status");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *array = json_array_new ();
  JsonObject *o = json_object_new ();
  sqlite3_stmt *stmt;
  int want = -1;   /* -1 all, 0 unverified, 1 verified */

  if (status != NULL && g_str_equal (status, "unverified"))
    want = 0;
  else if (status != NULL && g_str_equal (status, "verified"))
    want = 1;
  else if (status != NULL && !g_str_equal (status, "all"))
    {
      json_array_unref (array);
      json_object_unref (o);
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_status", "status must be unverified, verified or all");
      return;
    }
  stmt = xpz_platform_db_query (req->db,
                                "SELECT id FROM accounts WHERE role = 'employer' AND closed_at IS NULL"
                                " AND (?1 < 0 OR (verified_at IS NOT NULL AND verified_domain = email_domain) = ?1)"
                                " ORDER BY id LIMIT 1000", "i", (gint64) want);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  for (guint i = 0; i < ids->len; i++)
    {
      JsonObject *e = one_employer (req->server, g_array_index (ids, gint64, i));

      if (e != NULL)
        json_array_add_object_element (array, e);
    }
  json_object_set_array_member (o, "employers", array);
  xpz_request_object (req, SOUP_STATUS_OK, o);
}

static void
list_decisions (XpzRequest *req)
{
  JsonArray *array = json_array_new ();
  JsonObject *o = json_object_new ();
  sqlite3_stmt *stmt = xpz_platform_db_query (req->db,
                                              "SELECT id, employer_id, operator_id, via, action, domain, at"
                                              " FROM operator_decisions ORDER BY id DESC LIMIT 1000", NULL);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *d = json_object_new ();

      json_object_set_int_member (d, "id", sqlite3_column_int64 (stmt, 0));
      json_object_set_int_member (d, "employer_id", sqlite3_column_int64 (stmt, 1));
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        json_object_set_int_member (d, "operator_id", sqlite3_column_int64 (stmt, 2));
      else
        json_object_set_null_member (d, "operator_id");
      json_object_set_string_member (d, "via", (const char *) sqlite3_column_text (stmt, 3));
      json_object_set_string_member (d, "action", (const char *) sqlite3_column_text (stmt, 4));
      json_object_set_string_member (d, "domain", (const char *) sqlite3_column_text (stmt, 5));
      xpz_platform_set_time (d, "at", sqlite3_column_int64 (stmt, 6));
      json_array_add_object_element (array, d);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  json_object_set_array_member (o, "decisions", array);
  xpz_request_object (req, SOUP_STATUS_OK, o);
}

static void
decide (XpzRequest *req,
        gint64      employer_id,
        gboolean    verified)
{
  g_autofree char *domain = NULL;
  const char *refusal;
  JsonObject *o;

  domain = xpz_platform_db_text (req->db, "SELECT email_domain FROM accounts WHERE id = ? AND role = 'employer'",
                                 "i", employer_id);
  if (domain == NULL)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such employer");
      return;
    }
  if (verified)
    {
      JsonObject *body = xpz_request_body_object (req);
      const char *proven;
      g_autofree char *normalised = NULL;

      if (body == NULL)
        return;
      proven = json_object_get_string_member_with_default (body, "domain", NULL);
      if (proven == NULL)
        {
          xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_body",
                             "domain (the email domain whose ownership was proven) is required");
          return;
        }
      normalised = xpz_platform_domain_normalise (proven);
      if (!g_str_equal (normalised, domain))
        {
          xpz_request_error (req, SOUP_STATUS_CONFLICT, "domain_mismatch",
                             "Only the email domain of the employer's account can be verified");
          return;
        }
    }
  refusal = xpz_platform_set_verification (req->server, employer_id, verified, req->account_id, "api", req->now);
  if (g_strcmp0 (refusal, "free_mail_domain") == 0)
    {
      xpz_request_error (req, 422, "free_mail_domain",
                         "A free-mail domain can never be an organisation's verified domain");
      return;
    }
  if (refusal != NULL)
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such employer");
      return;
    }
  o = one_employer (req->server, employer_id);
  xpz_request_object (req, SOUP_STATUS_OK, o);
}

/* Route-table handlers (operator tokens only: the table checks the role). */
void
xpz_platform_operator_list_employers (XpzRequest *req)
{
  list_employers (req);
}

void
xpz_platform_operator_list_decisions (XpzRequest *req)
{
  list_decisions (req);
}

void
xpz_platform_operator_verify (XpzRequest *req)
{
  gint64 id;

  if (xpz_request_parse_id (req, 2, &id))
    decide (req, id, TRUE);
}

void
xpz_platform_operator_unverify (XpzRequest *req)
{
  gint64 id;

  if (xpz_request_parse_id (req, 2, &id))
    decide (req, id, FALSE);
}

/* ---- the admin actions (xpertaize-platform --verify-employer / --create-operator) ---- */

static gboolean
admin_run (XpzPlatformServer  *self,
           gboolean            ok,
           GError            **error)
{
  if (!ok || xpz_platform_db_failed (self->db))
    {
      xpz_platform_db_rollback (self->db);
      /* the matcher holds nothing about verification or shares: it stays as it is */
      return FALSE;
    }
  return xpz_platform_db_commit (self->db, error);
}

/**
 * xpz_platform_server_verify_employer:
 * @email: the employer account's email
 * @verified: %TRUE to verify its organisation (its email domain), %FALSE to revoke
 *
 * The operator's decision from the command line (recorded as made "via cli"). Works
 * while another server runs on the same database: that server reads the verification
 * from the database at each disclosure.
 */
gboolean
xpz_platform_server_verify_employer (XpzPlatformServer  *self,
                                     const char         *email,
                                     gboolean            verified,
                                     GError            **error)
{
  g_autofree char *lower = NULL;
  const char *refusal = NULL;
  gint64 id;
  gboolean ok;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);
  g_return_val_if_fail (email != NULL, FALSE);

  lower = g_ascii_strdown (email, -1);
  g_rec_mutex_lock (&self->lock);
  xpz_platform_db_clear_failed (self->db);
  if (!xpz_platform_db_begin (self->db, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  id = xpz_platform_db_int (self->db, 0, "SELECT id FROM accounts WHERE email = ?", "s", lower);
  if (id != 0)
    refusal = xpz_platform_set_verification (self, id, verified, 0, "cli", xpz_platform_server_now_locked (self));
  if (id == 0 || g_strcmp0 (refusal, "not_found") == 0)
    g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_INVALID, "No employer account has this email");
  else if (refusal != NULL)
    g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_INVALID,
                         "A free-mail domain can never be an organisation's verified domain");
  ok = admin_run (self, id != 0 && refusal == NULL, error);
  if (!ok && error != NULL && *error == NULL)
    g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE, "Could not record the decision");
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

/**
 * xpz_platform_server_create_operator:
 * @email: the new operator account's email (an existing email is refused)
 * @password: at least 8 characters (the binary reads it from standard input)
 *
 * Creates a platform operator account: it signs in like any account and may use
 * /api/v1/operator/….
 */
gboolean
xpz_platform_server_create_operator (XpzPlatformServer  *self,
                                     const char         *email,
                                     const char         *password,
                                     GError            **error)
{
  g_autofree char *lower = NULL;
  g_autofree char *hash = NULL;
  const char *at;
  gboolean ok;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);
  g_return_val_if_fail (email != NULL && password != NULL, FALSE);

  lower = g_ascii_strdown (email, -1);
  at = strchr (lower, '@');
  if (at == NULL || at == lower || strchr (at + 1, '.') == NULL || strlen (lower) > 254)
    {
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_INVALID, "Not a valid email address");
      return FALSE;
    }
  if (strlen (password) < 8)
    {
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_INVALID,
                           "The password needs at least 8 characters");
      return FALSE;
    }
  hash = xpz_platform_auth_hash_password (self, password);
  if (hash == NULL)
    {
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_FAILED, "Could not hash the password");
      return FALSE;
    }

  g_rec_mutex_lock (&self->lock);
  xpz_platform_db_clear_failed (self->db);
  if (!xpz_platform_db_begin (self->db, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  if (xpz_platform_db_int (self->db, 0, "SELECT 1 FROM accounts WHERE email = ?", "s", lower))
    {
      xpz_platform_db_rollback (self->db);
      g_rec_mutex_unlock (&self->lock);
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_INVALID, "An account with this email exists");
      return FALSE;
    }
  ok = admin_run (self, xpz_platform_auth_create_account (self, lower, hash, "operator", "Platform operator", NULL,
                                                          xpz_platform_server_now_locked (self)) != 0,
                  error);
  if (!ok && error != NULL && *error == NULL)
    g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE, "Could not create the account");
  g_rec_mutex_unlock (&self->lock);
  return ok;
}
