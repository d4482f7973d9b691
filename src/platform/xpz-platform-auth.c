/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <sodium.h>
#include <string.h>

#include "xpz-platform-private.h"

/*
 * Accounts and sessions (R2.5, R3.4, R9.4): argon2id password hashes, random 256-bit
 * bearer tokens stored only as SHA-256 hashes, expiry and rotation on refresh, sign-out
 * (one session or all), a per-account sign-in rate limit and the sign-in history.
 */

static char *
hash_password (XpzPlatformPwhashCost  cost,
               const char            *password)
{
  char out[crypto_pwhash_STRBYTES];
  gboolean min = cost == XPZ_PLATFORM_PWHASH_MIN;

  if (crypto_pwhash_str_alg (out, password, strlen (password),
                             min ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             min ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    return NULL;
  return g_strdup (out);
}

char *
xpz_platform_auth_hash_password (XpzPlatformServer *self,
                                 const char        *password)
{
  return hash_password (self->options.pwhash_cost, password);
}

XpzPwhashWork *
xpz_pwhash_work_new (gboolean               create,
                     const char            *password,
                     const char            *stored,
                     XpzPlatformPwhashCost  cost)
{
  XpzPwhashWork *work = g_new0 (XpzPwhashWork, 1);

  work->create = create;
  work->password = g_strdup (password);
  work->stored = g_strdup (stored);
  work->cost = cost;
  return work;
}

void
xpz_pwhash_work_free (XpzPwhashWork *work)
{
  if (work == NULL)
    return;
  sodium_memzero (work->password, strlen (work->password));
  g_free (work->password);
  g_free (work->stored);
  g_free (work->hash);
  g_free (work);
}

/* Runs on the hashing pool, without the server lock: touches only @work. */
void
xpz_pwhash_work_run (XpzPwhashWork *work)
{
  if (work->create)
    work->hash = hash_password (work->cost, work->password);
  else if (work->stored != NULL)
    work->verified = crypto_pwhash_str_verify (work->stored, work->password, strlen (work->password)) == 0;
  else
    {
      /* An unknown email costs the same argon2id work as a known one, so that the
       * answer's timing does not tell which accounts exist. */
      g_autofree char *spent = hash_password (work->cost, work->password);

      work->verified = FALSE;
    }
}

static char *
new_token (const char *prefix)
{
  guint8 raw[32];
  char encoded[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  char *token;

  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (encoded, sizeof encoded, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  token = g_strconcat (prefix, encoded, NULL);
  sodium_memzero (raw, sizeof raw);
  sodium_memzero (encoded, sizeof encoded);
  return token;
}

static char *
token_hash (const char *token)
{
  return xpz_platform_sha256_hex (token, strlen (token));
}

static gboolean
valid_email (const char *email)
{
  const char *at;
  gsize len = strlen (email);

  if (len < 3 || len > 254)
    return FALSE;
  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL || strchr (at, '.') == NULL)
    return FALSE;
  if (at[1] == '.' || email[len - 1] == '.')
    return FALSE;
  for (const char *p = email; *p; p++)
    if (g_ascii_isspace (*p) || *p == '<' || *p == '>' || *p == ',' || (guchar) *p < 0x21)
      return FALSE;
  return TRUE;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
xpz_platform_auth_create_account (XpzPlatformServer *self,
                                  const char        *email,
                                  const char        *password_hash,
                                  const char        *role,
                                  const char        *name,
                                  const char        *company,
                                  gint64             now)
{
  g_autofree char *lower = g_ascii_strdown (email, -1);
  const char *domain = strchr (lower, '@') + 1;
  gint64 id;

  if (!xpz_platform_db_run (self->db,
                            "INSERT INTO accounts (email, email_domain, password_hash, role, name, company,"
                            " created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            "ssssssii", lower, domain, password_hash, role, name, company, now, now))
    return 0;
  id = xpz_platform_db_last_insert_id (self->db);

  if (g_str_equal (role, "candidate"))
    {
      JsonObject *profile = json_object_new ();
      JsonObject *basics = json_object_new ();
      JsonObject *detail = json_object_new ();

      json_object_set_string_member (basics, "name", name);
      json_object_set_string_member (basics, "email", lower);
      json_object_set_object_member (profile, "basics", basics);
      xpz_platform_db_run (self->db,
                           "INSERT INTO privacy (account_id, channels, updated_at) VALUES (?, ?, ?)",
                           "isi", id,
                           "{\"email\":{\"new_roles\":true,\"feedback\":true,\"partners\":false},"
                           "\"phone\":{\"new_roles\":false,\"feedback\":false,\"partners\":false},"
                           "\"sms\":{\"new_roles\":false,\"feedback\":false,\"partners\":false}}",
                           now);
      xpz_platform_store_profile (self, id, profile, now);
      json_object_unref (profile);
      xpz_platform_ledger_append (self, id, "account_created", json_object_new (), now);
      json_object_set_string_member (detail, "sharing_mode", "automatic");
      json_object_set_boolean_member (detail, "marketing", FALSE);
      json_object_set_boolean_member (detail, "ai_training", TRUE);
      json_object_set_boolean_member (detail, "analytics", FALSE);
      json_object_set_string_member (detail, "basis", "policy defaults at sign-up");
      xpz_platform_ledger_append (self, id, "settings_initialised", detail, now);
    }
  return id;
}

static JsonObject *
account_json (XpzPlatformServer *self,
              gint64             account_id)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (self->db,
                                              "SELECT id, email, role, name, company, created_at, last_activity_at"
                                              " FROM accounts WHERE id = ?", "i", account_id);
  JsonObject *o = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      o = json_object_new ();
      json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (o, "email", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (o, "role", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_string_member (o, "name", (const char *) sqlite3_column_text (stmt, 3));
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        json_object_set_string_member (o, "company", (const char *) sqlite3_column_text (stmt, 4));
      else
        json_object_set_null_member (o, "company");
      xpz_platform_set_time (o, "created_at", sqlite3_column_int64 (stmt, 5));
      xpz_platform_set_time (o, "last_activity_at", sqlite3_column_int64 (stmt, 6));
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  /* R5.1: an employer sees whether its organisation is verified, and what that means */
  if (o != NULL && g_str_equal (json_object_get_string_member (o, "role"), "employer"))
    json_object_set_object_member (o, "verification", xpz_platform_verification_json (self, account_id));
  return o;
}

void
xpz_platform_auth_sign_up (XpzRequest *req)
{
  JsonObject *body = xpz_request_body_object (req);
  const char *email, *password, *role, *name, *company;
  g_autofree char *lower = NULL;
  gint64 id;

  if (body == NULL)
    return;
  email = string_member (body, "email");
  password = string_member (body, "password");
  role = string_member (body, "role");
  name = string_member (body, "name");
  company = string_member (body, "company");

  if (email == NULL || !valid_email (email))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_email", "A valid email address is required");
      return;
    }
  if (password == NULL || g_utf8_strlen (password, -1) < 8 || strlen (password) > 1024)
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "weak_password", "The password needs at least 8 characters");
      return;
    }
  if (role == NULL || (!g_str_equal (role, "candidate") && !g_str_equal (role, "employer")))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_role", "role must be \"candidate\" or \"employer\"");
      return;
    }
  if (name == NULL || *name == '\0' || strlen (name) > 200)
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_name", "A name (up to 200 bytes) is required");
      return;
    }
  if (g_str_equal (role, "employer") && (company == NULL || *company == '\0' || strlen (company) > 200))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_company", "Employers need a company name");
      return;
    }

  /* First pass: hash on the pool, for every address alike (no timing oracle). */
  if (req->pwhash == NULL)
    {
      req->pwhash_want = xpz_pwhash_work_new (TRUE, password, NULL, req->server->options.pwhash_cost);
      return;
    }
  if (req->pwhash->hash == NULL)
    {
      xpz_request_db_failed (req);
      return;
    }

  /* The same answer whether the address is free or not, and an existing account is
   * left untouched: sign-up is no oracle of who has an account (R2.1). */
  lower = g_ascii_strdown (email, -1);
  if (!xpz_platform_db_int (req->db, 0, "SELECT 1 FROM accounts WHERE email = ?", "s", lower))
    {
      id = xpz_platform_auth_create_account (req->server, lower, req->pwhash->hash, role, name,
                                             g_str_equal (role, "employer") ? company : NULL, req->now);
      if (id == 0 || xpz_platform_db_failed (req->db))
        return;
    }
  {
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "status", "accepted");
    json_object_set_string_member (o, "next", "sign_in");
    xpz_request_object (req, SOUP_STATUS_ACCEPTED, o);
  }
}

static void
record_sign_in (XpzRequest *req,
                gint64      account_id,
                const char *outcome)
{
  xpz_platform_db_run (req->db,
                       "INSERT INTO sign_ins (account_id, at, ip, client, outcome) VALUES (?, ?, ?, ?, ?)",
                       "iisss", account_id, req->now, req->ip, req->client ? req->client : "", outcome);
}

static void
session_response (XpzRequest *req,
                  gint64      account_id,
                  gint64      session_id,
                  guint       status)
{
  XpzPlatformServer *self = req->server;
  g_autofree char *access = new_token ("xpa_");
  g_autofree char *refresh = new_token ("xpr_");
  g_autofree char *access_hash = token_hash (access);
  g_autofree char *refresh_hash = token_hash (refresh);
  JsonObject *o;

  if (session_id == 0)
    xpz_platform_db_run (req->db,
                         "INSERT INTO sessions (account_id, access_hash, refresh_hash, access_expires_at,"
                         " refresh_expires_at, created_at, client, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         "issiiiss", account_id, access_hash, refresh_hash,
                         req->now + self->options.access_ttl, req->now + self->options.refresh_ttl,
                         req->now, req->client, req->ip);
  else
    xpz_platform_db_run (req->db,
                         "UPDATE sessions SET access_hash = ?, refresh_hash = ?, access_expires_at = ?,"
                         " refresh_expires_at = ? WHERE id = ?",
                         "ssiii", access_hash, refresh_hash,
                         req->now + self->options.access_ttl, req->now + self->options.refresh_ttl, session_id);
  if (xpz_platform_db_failed (req->db))
    return;

  o = json_object_new ();
  json_object_set_string_member (o, "access_token", access);
  json_object_set_string_member (o, "refresh_token", refresh);
  json_object_set_string_member (o, "token_type", "Bearer");
  json_object_set_int_member (o, "expires_in", self->options.access_ttl);
  json_object_set_int_member (o, "refresh_expires_in", self->options.refresh_ttl);
  json_object_set_object_member (o, "account", account_json (self, account_id));
  sodium_memzero (access, strlen (access));
  sodium_memzero (refresh, strlen (refresh));
  xpz_request_object (req, status, o);
}

/* Failed attempts in the window, per key of @table (a normalised email, or a client
 * address); TRUE if @limit is reached. Checked before any hashing: cheap to refuse. */
static gboolean
rate_limited (XpzRequest *req,
              GHashTable *table,
              const char *key,
              guint       limit,
              gint64     *retry_after)
{
  XpzPlatformServer *self = req->server;
  GArray *times = g_hash_table_lookup (table, key);
  gint64 window = self->options.sign_in_window;

  if (times == NULL)
    return FALSE;
  while (times->len > 0 && g_array_index (times, gint64, 0) <= req->now - window)
    g_array_remove_index (times, 0);
  if (times->len == 0)
    {
      g_hash_table_remove (table, key);
      return FALSE;
    }
  if (limit == 0 || times->len < limit)
    return FALSE;
  *retry_after = MAX (1, g_array_index (times, gint64, 0) + window - req->now);
  return TRUE;
}

static void
note_failure (XpzRequest *req,
              GHashTable *attempts,
              const char *key,
              guint       keep)
{
  GArray *times = g_hash_table_lookup (attempts, key);

  if (times == NULL)
    {
      /* bound the table too: forget keys whose failures all left the window */
      if (g_hash_table_size (attempts) >= 10000)
        {
          GHashTableIter iter;
          gpointer value;

          g_hash_table_iter_init (&iter, attempts);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            {
              GArray *old = value;
              if (old->len == 0 ||
                  g_array_index (old, gint64, old->len - 1) <= req->now - (gint64) req->server->options.sign_in_window)
                g_hash_table_iter_remove (&iter);
            }
        }
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (attempts, g_strdup (key), times);
    }
  g_array_append_val (times, req->now);
  /* bound the memory an attacker can make us spend */
  if (times->len > MAX (keep, 64))
    g_array_remove_index (times, 0);
}

void
xpz_platform_auth_sign_in (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  JsonObject *body = xpz_request_body_object (req);
  const char *email, *password;
  g_autofree char *lower = NULL;
  g_autofree char *stored = NULL;
  gint64 retry = 0;
  gint64 account_id;
  gboolean ok;

  if (body == NULL)
    return;
  email = string_member (body, "email");
  password = string_member (body, "password");
  if (email == NULL || password == NULL || strlen (password) > 1024)
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_body", "email and password are required");
      return;
    }

  lower = g_ascii_strdown (email, -1);
  /* Per client address, then per account, before any hashing (R3.4). */
  if (rate_limited (req, self->address_failures, req->ip ? req->ip : "", self->options.sign_in_address_limit, &retry) ||
      rate_limited (req, self->sign_in_attempts, lower, self->options.sign_in_limit, &retry))
    {
      req->retry_after = g_strdup_printf ("%" G_GINT64_FORMAT, retry);
      xpz_request_error (req, 429, "rate_limited", "Too many failed sign-ins; try again later");
      return;
    }

  account_id = xpz_platform_db_int (req->db, 0, "SELECT id FROM accounts WHERE email = ?", "s", lower);
  if (account_id != 0)
    stored = xpz_platform_db_text (req->db, "SELECT password_hash FROM accounts WHERE id = ?", "i", account_id);

  /* First pass: the verification runs on the hashing pool (an unknown email costs the
   * same work there); the second pass has its result. */
  if (req->pwhash == NULL)
    {
      req->pwhash_want = xpz_pwhash_work_new (FALSE, password, stored, self->options.pwhash_cost);
      return;
    }
  /* valid only for the hash that was verified (the password may have changed since) */
  ok = stored != NULL && req->pwhash->verified && g_strcmp0 (req->pwhash->stored, stored) == 0;
  if (stored == NULL)
    g_debug ("Sign-in refused for an unknown email");

  if (!ok)
    {
      note_failure (req, self->sign_in_attempts, lower, 0);
      note_failure (req, self->address_failures, req->ip ? req->ip : "", self->options.sign_in_address_limit);
      if (account_id != 0)
        {
          record_sign_in (req, account_id, "failure");
          req->commit_on_error = TRUE;
        }
      xpz_request_error (req, SOUP_STATUS_UNAUTHORIZED, "invalid_credentials", "The email or password is wrong");
      return;
    }

  g_hash_table_remove (req->server->sign_in_attempts, lower);
  record_sign_in (req, account_id, "success");
  xpz_platform_db_run (req->db, "UPDATE accounts SET last_activity_at = ? WHERE id = ?", "ii", req->now, account_id);
  xpz_platform_emit_change (req->server, account_id, "sign_in", "0", req->now);
  session_response (req, account_id, 0, SOUP_STATUS_CREATED);
}

void
xpz_platform_auth_refresh (XpzRequest *req)
{
  JsonObject *body = xpz_request_body_object (req);
  const char *token;
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;
  gint64 session_id = 0, account_id = 0, expires = 0;

  if (body == NULL)
    return;
  token = string_member (body, "refresh_token");
  if (token == NULL)
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_body", "refresh_token is required");
      return;
    }
  hash = token_hash (token);
  stmt = xpz_platform_db_query (req->db,
                                "SELECT id, account_id, refresh_expires_at FROM sessions WHERE refresh_hash = ?",
                                "s", hash);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      session_id = sqlite3_column_int64 (stmt, 0);
      account_id = sqlite3_column_int64 (stmt, 1);
      expires = sqlite3_column_int64 (stmt, 2);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (session_id == 0)
    {
      /* theft detection: a rotated (spent) refresh token presented again means two
       * parties hold the session's tokens; the session it came from ends */
      gint64 stolen = xpz_platform_db_int (req->db, 0, "SELECT session_id FROM spent_refresh_tokens WHERE hash = ?",
                                           "s", hash);

      if (stolen != 0)
        {
          xpz_platform_db_run (req->db, "DELETE FROM sessions WHERE id = ?", "i", stolen);
          req->commit_on_error = TRUE;
          g_message ("A spent refresh token was reused: its session is revoked");
          xpz_request_error (req, SOUP_STATUS_UNAUTHORIZED, "refresh_token_reused",
                             "This refresh token was already used; the session is ended, sign in again");
          return;
        }
    }
  if (session_id == 0 || expires <= req->now)
    {
      if (session_id != 0)
        {
          xpz_platform_db_run (req->db, "DELETE FROM sessions WHERE id = ?", "i", session_id);
          req->commit_on_error = TRUE;
        }
      xpz_request_error (req, SOUP_STATUS_UNAUTHORIZED, "invalid_refresh_token",
                         "The refresh token is not valid or has expired; sign in again");
      return;
    }
  /* kept until the session ends (ON DELETE CASCADE) */
  xpz_platform_db_run (req->db, "INSERT INTO spent_refresh_tokens (hash, session_id) VALUES (?, ?)",
                       "si", hash, session_id);
  session_response (req, account_id, session_id, SOUP_STATUS_OK);
}

/* DELETE /sessions: signs out everywhere. */
void
xpz_platform_auth_sign_out_everywhere (XpzRequest *req)
{
  if (!xpz_request_auth (req, NULL))
    return;
  xpz_platform_db_run (req->db, "DELETE FROM sessions WHERE account_id = ?", "i", req->account_id);
  if (g_str_equal (req->role, "candidate"))
    xpz_platform_ledger_append (req->server, req->account_id, "signed_out_everywhere", json_object_new (), req->now);
  xpz_request_no_content (req);
}

/* DELETE /sessions/current */
void
xpz_platform_auth_sign_out (XpzRequest *req)
{
  if (!xpz_request_auth (req, NULL))
    return;
  xpz_platform_db_run (req->db, "DELETE FROM sessions WHERE id = ?", "i", req->session_id);
  xpz_request_no_content (req);
}

void
xpz_platform_auth_me (XpzRequest *req)
{
  if (!xpz_request_auth (req, NULL))
    return;
  xpz_request_object (req, SOUP_STATUS_OK, account_json (req->server, req->account_id));
}

void
xpz_platform_auth_sign_ins (XpzRequest *req)
{
  JsonObject *o;
  JsonArray *array;
  sqlite3_stmt *stmt;

  if (!xpz_request_auth (req, NULL))
    return;
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

  array = json_array_new ();
  stmt = xpz_platform_db_query (req->db,
                                "SELECT at, ip, client, outcome FROM sign_ins WHERE account_id = ?"
                                " ORDER BY at DESC, id DESC LIMIT 200", "i", req->account_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *entry = json_object_new ();

      xpz_platform_set_time (entry, "at", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (entry, "ip", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (entry, "client", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_string_member (entry, "outcome", (const char *) sqlite3_column_text (stmt, 3));
      json_array_add_object_element (array, entry);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  o = json_object_new ();
  json_object_set_array_member (o, "sign_ins", array);
  xpz_request_object (req, SOUP_STATUS_OK, o);
}

void
xpz_platform_touch_activity (XpzRequest *req)
{
  xpz_platform_db_run (req->db, "UPDATE accounts SET last_activity_at = ? WHERE id = ?", "ii",
                       req->now, req->account_id);
}
