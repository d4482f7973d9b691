/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <sodium.h>
#include <string.h>

#include "xpz-platform-private.h"
#include "xpz-platform-server.h"

/*
 * XpzPlatformServer: HTTP/1.1 routing, JSON errors, limits, idempotency, the fault
 * injector and the server thread. Handlers live in the other xpz-platform-*.c files.
 *
 * Every request runs under self->lock. A mutating request (POST, PUT, DELETE) runs in
 * one BEGIN IMMEDIATE transaction together with its Idempotency-Key record, so a
 * replayed key returns exactly what was committed.
 */

/* Idempotency-Key records are honoured for 24 hours, then swept. */
#define IDEMPOTENCY_TTL (24 * 3600)

G_DEFINE_QUARK (xpz-platform-error-quark, xpz_platform_error)

G_DEFINE_FINAL_TYPE (XpzPlatformServer, xpz_platform_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
xpz_platform_options_init (XpzPlatformOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->k_anonymity = 5;
  options->pwhash_cost = XPZ_PLATFORM_PWHASH_INTERACTIVE;
  options->share_threshold = 60;
  options->list_min_score = 20;
  options->max_body_size = 12 * 1024 * 1024;
  options->max_json_depth = 32;
  options->sign_in_limit = 5;
  options->sign_in_window = 900;
  options->access_ttl = 3600;
  options->refresh_ttl = 30 * 24 * 3600;
  options->sign_in_address_limit = 20;
  options->pwhash_threads = 0;
  options->pwhash_queue = 16;
  options->stall_timeout = 10;
  options->faults = NULL;
  options->new_employer_daily_shares = 20;
  options->max_connections_per_address = 256;
  options->max_connections = 1000;
}

gint64
xpz_platform_server_now_locked (XpzPlatformServer *self)
{
  gint64 now;

  g_mutex_lock (&self->clock_lock);
  now = self->fixed_now;
  g_mutex_unlock (&self->clock_lock);
  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  return now;
}

static void
xpz_platform_server_dispose (GObject *object)
{
  XpzPlatformServer *self = XPZ_PLATFORM_SERVER (object);

  xpz_platform_server_stop (self);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (xpz_platform_server_parent_class)->dispose (object);
}

static void
xpz_platform_server_finalize (GObject *object)
{
  XpzPlatformServer *self = XPZ_PLATFORM_SERVER (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->matcher, xpz_platform_matcher_free);
  g_clear_pointer (&self->faults, xpz_platform_faults_free);
  g_clear_pointer (&self->sign_in_attempts, g_hash_table_unref);
  g_clear_pointer (&self->address_failures, g_hash_table_unref);
  g_clear_pointer (&self->pwhash_done, g_hash_table_unref);
  g_clear_pointer (&self->edge, xpz_platform_edge_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->pwhash_lock);
  g_cond_clear (&self->pwhash_cond);
  g_clear_error (&self->thread_error);
  g_free (self->faults_spec);
  g_free (self->db_path);
  g_free (self->url);
  g_free (self->thread_address);
  g_rec_mutex_clear (&self->lock);
  g_mutex_clear (&self->clock_lock);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);
  sodium_memzero (self->secret, sizeof self->secret);

  G_OBJECT_CLASS (xpz_platform_server_parent_class)->finalize (object);
}

static void
xpz_platform_server_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  XpzPlatformServer *self = XPZ_PLATFORM_SERVER (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_platform_server_class_init (XpzPlatformServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xpz_platform_server_dispose;
  object_class->finalize = xpz_platform_server_finalize;
  object_class->get_property = xpz_platform_server_get_property;

  /**
   * XpzPlatformServer:url:
   *
   * The base URL the server listens on, e.g. `http://127.0.0.1:41234/`, or %NULL.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_platform_server_init (XpzPlatformServer *self)
{
  g_rec_mutex_init (&self->lock);
  g_mutex_init (&self->clock_lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
  self->sign_in_attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_array_unref);
  self->address_failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_array_unref);
  g_mutex_init (&self->pwhash_lock);
  g_cond_init (&self->pwhash_cond);
  self->pwhash_done = g_hash_table_new (NULL, NULL);
}

static gboolean
load_secret (XpzPlatformServer  *self,
             GError            **error)
{
  g_autofree char *hex = xpz_platform_db_text (self->db, "SELECT value FROM meta WHERE key = 'cursor-secret'", NULL);

  if (hex != NULL && strlen (hex) == 64)
    {
      for (guint i = 0; i < 32; i++)
        self->secret[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
      return TRUE;
    }
  randombytes_buf (self->secret, sizeof self->secret);
  {
    char out[65];
    sodium_bin2hex (out, sizeof out, self->secret, sizeof self->secret);
    if (!xpz_platform_db_run (self->db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor-secret', ?)", "s", out))
      {
        g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE, "Could not store the server secret");
        return FALSE;
      }
    sodium_memzero (out, sizeof out);
  }
  return TRUE;
}

/**
 * xpz_platform_server_new:
 * @db_path: the SQLite database (created and migrated if needed); ":memory:" works too
 * @options: (nullable): options, or %NULL for the defaults
 *
 * Opens the store and loads the matching index. Call xpz_platform_server_listen() or
 * xpz_platform_server_start_thread() to serve.
 */
XpzPlatformServer *
xpz_platform_server_new (const char                *db_path,
                         const XpzPlatformOptions  *options,
                         GError                   **error)
{
  g_autoptr(XpzPlatformServer) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_FAILED, "libsodium failed to initialise");
      return NULL;
    }

  self = g_object_new (XPZ_TYPE_PLATFORM_SERVER, NULL);
  if (options != NULL)
    self->options = *options;
  else
    xpz_platform_options_init (&self->options);
  self->options.faults = NULL;
  if (self->options.k_anonymity < 2)
    self->options.k_anonymity = 2;
  if (self->options.max_json_depth == 0)
    self->options.max_json_depth = 32;
  if (self->options.pwhash_threads == 0)
    self->options.pwhash_threads = MAX (1, g_get_num_processors () - 1);
  if (self->options.pwhash_queue == 0)
    self->options.pwhash_queue = 16;
  self->options.pwhash_queue = MAX (self->options.pwhash_queue, self->options.pwhash_threads);
  if (self->options.new_employer_daily_shares == 0)
    self->options.new_employer_daily_shares = 20;
  self->db_path = g_strdup (db_path);

  if (options != NULL && options->faults != NULL && !xpz_platform_server_set_faults (self, options->faults, error))
    return NULL;

  self->db = xpz_platform_db_open (db_path, error);
  if (self->db == NULL)
    return NULL;
  if (!load_secret (self, error))
    return NULL;
  xpz_platform_handles_init (self);

  self->matcher = xpz_platform_matcher_new ();
  xpz_platform_load_matcher (self);

  return g_steal_pointer (&self);
}

/**
 * xpz_platform_server_set_faults:
 * @spec: (nullable): a fault-injection spec (see docs/platform-api.md), or %NULL for none
 *
 * Test only. Replaces the fault rules.
 */
gboolean
xpz_platform_server_set_faults (XpzPlatformServer  *self,
                                const char         *spec,
                                GError            **error)
{
  XpzPlatformFaults *faults = NULL;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);

  if (spec != NULL && *spec != '\0')
    {
      faults = xpz_platform_faults_parse (spec, error);
      if (faults == NULL)
        return FALSE;
    }
  g_rec_mutex_lock (&self->lock);
  g_clear_pointer (&self->faults, xpz_platform_faults_free);
  self->faults = faults;
  g_rec_mutex_unlock (&self->lock);
  return TRUE;
}

void
xpz_platform_server_set_now (XpzPlatformServer *self,
                             gint64             unix_seconds)
{
  g_return_if_fail (XPZ_IS_PLATFORM_SERVER (self));

  g_mutex_lock (&self->clock_lock);
  self->fixed_now = unix_seconds;
  g_mutex_unlock (&self->clock_lock);
}

gint64
xpz_platform_server_get_now (XpzPlatformServer *self)
{
  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), 0);

  return xpz_platform_server_now_locked (self);
}

const char *
xpz_platform_server_get_url (XpzPlatformServer *self)
{
  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), NULL);

  return self->url;
}

gboolean
xpz_platform_server_seed_demo (XpzPlatformServer  *self,
                               GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  ok = xpz_platform_seed_demo (self, error);
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gboolean
xpz_platform_server_seed_scale (XpzPlatformServer  *self,
                                guint               n_candidates,
                                GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  ok = xpz_platform_seed_scale (self, n_candidates, error);
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

/**
 * xpz_platform_server_complete_due_deletions:
 * @n_completed: (out) (optional): how many requests were completed
 *
 * The admin action: completes every deletion request whose due date has passed.
 */
gboolean
xpz_platform_server_complete_due_deletions (XpzPlatformServer  *self,
                                            guint              *n_completed,
                                            GError            **error)
{
  guint n;
  gboolean ok = TRUE;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  xpz_platform_db_clear_failed (self->db);
  if (!xpz_platform_db_begin (self->db, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  n = xpz_platform_rights_complete_due (self, xpz_platform_server_now_locked (self));
  /* the periodic sweep of expired Idempotency-Key records rides on the same admin run */
  xpz_platform_db_run (self->db, "DELETE FROM idempotency WHERE created_at <= ?", "i",
                       xpz_platform_server_now_locked (self) - IDEMPOTENCY_TTL);
  if (xpz_platform_db_failed (self->db))
    {
      xpz_platform_db_rollback (self->db);
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE, "Could not complete deletions");
      ok = FALSE;
      /* the matcher may have dropped candidates: reload it from the store */
      xpz_platform_matcher_free (self->matcher);
      self->matcher = xpz_platform_matcher_new ();
      xpz_platform_load_matcher (self);
    }
  else
    ok = xpz_platform_db_commit (self->db, error);
  /* the WAL still holds the erased rows' old pages: checkpoint and truncate it (with
   * secure_delete the main file's freed space is zeroed) */
  if (ok && n > 0)
    xpz_platform_db_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  g_rec_mutex_unlock (&self->lock);
  if (ok && n_completed != NULL)
    *n_completed = n;
  return ok;
}

/**
 * xpz_platform_server_publish_policy:
 *
 * The admin action: publishes a new privacy-policy version. A material version appears
 * in every candidate's change feed until the candidate accepts it.
 */
gboolean
xpz_platform_server_publish_policy (XpzPlatformServer  *self,
                                    const char         *version,
                                    gboolean            material,
                                    const char         *summary,
                                    GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);
  g_return_val_if_fail (version != NULL && summary != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  xpz_platform_db_clear_failed (self->db);
  ok = xpz_platform_db_run (self->db,
                            "INSERT INTO policy_versions (version, published_at, material, summary) VALUES (?, ?, ?, ?)",
                            "siis", version, xpz_platform_server_now_locked (self), (gint64) (material ? 1 : 0), summary);
  g_rec_mutex_unlock (&self->lock);
  if (!ok)
    g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE, "Could not publish policy version %s", version);
  return ok;
}

static gboolean
is_mutating (const char *method)
{
  return g_str_equal (method, "POST") || g_str_equal (method, "PUT") ||
         g_str_equal (method, "DELETE") || g_str_equal (method, "PATCH");
}

/* ---- responses ---- */

void
xpz_request_json (XpzRequest *req,
                  guint       status,
                  JsonNode   *node)
{
  g_clear_pointer (&req->response, g_free);
  req->status = status;
  req->response = xpz_platform_json_to_string (node, &req->response_len);
  json_node_unref (node);
}

void
xpz_request_object (XpzRequest *req,
                    guint       status,
                    JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  xpz_request_json (req, status, node);
}

void
xpz_request_error (XpzRequest *req,
                   guint       status,
                   const char *code,
                   const char *message)
{
  JsonObject *outer = json_object_new ();
  JsonObject *inner = json_object_new ();

  json_object_set_string_member (inner, "code", code);
  json_object_set_string_member (inner, "message", message);
  json_object_set_object_member (outer, "error", inner);
  g_clear_pointer (&req->etag, g_free);
  xpz_request_object (req, status, outer);
}

void
xpz_request_no_content (XpzRequest *req)
{
  g_clear_pointer (&req->response, g_free);
  req->status = SOUP_STATUS_NO_CONTENT;
  req->response_len = 0;
}

void
xpz_request_db_failed (XpzRequest *req)
{
  xpz_request_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "The server could not complete the request");
}

JsonObject *
xpz_request_body_object (XpzRequest *req)
{
  if (req->body == NULL || !JSON_NODE_HOLDS_OBJECT (req->body))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_body", "The request body must be a JSON object");
      return NULL;
    }
  return json_node_get_object (req->body);
}

const char *
xpz_request_query (XpzRequest *req,
                   const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

gboolean
xpz_request_parse_id (XpzRequest *req,
                      guint       seg,
                      gint64     *id)
{
  guint64 value;

  if (seg >= req->n_segs ||
      !g_ascii_string_to_unsigned (req->segs[seg], 10, 1, G_MAXINT64, &value, NULL))
    {
      xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such resource");
      return FALSE;
    }
  *id = (gint64) value;
  return TRUE;
}

gboolean
xpz_request_check_if_match (XpzRequest *req,
                            const char *current_etag)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *if_match = soup_message_headers_get_one (headers, "If-Match");

  if (if_match == NULL || g_str_equal (if_match, "*"))
    return TRUE;
  if (current_etag != NULL && strstr (if_match, current_etag) != NULL)
    return TRUE;
  xpz_request_error (req, SOUP_STATUS_PRECONDITION_FAILED, "precondition_failed",
                     "The resource changed since it was read (ETag mismatch)");
  return FALSE;
}

static const char *
bearer_token (XpzRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return *value ? value : NULL;
}

/* Resolves the bearer token. Returns 0 (none), 1 (valid), 2 (expired), 3 (unknown). */
static int
resolve_token (XpzRequest *req)
{
  const char *token = bearer_token (req);
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;
  int result = 3;

  if (token == NULL)
    return 0;
  if (req->account_id != 0)
    return 1;
  hash = xpz_platform_sha256_hex (token, strlen (token));
  stmt = xpz_platform_db_query (req->db,
                                "SELECT s.id, s.account_id, s.access_expires_at, a.role, a.email_domain"
                                " FROM sessions s JOIN accounts a ON a.id = s.account_id"
                                " WHERE s.access_hash = ?", "s", hash);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (sqlite3_column_int64 (stmt, 2) <= req->now)
        result = 2;
      else
        {
          req->session_id = sqlite3_column_int64 (stmt, 0);
          req->account_id = sqlite3_column_int64 (stmt, 1);
          req->role = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          req->email_domain = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
          result = 1;
        }
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return result;
}

/* Requires a valid access token, and @role unless it is NULL. */
gboolean
xpz_request_auth (XpzRequest *req,
                  const char *role)
{
  switch (resolve_token (req))
    {
    case 0:
      xpz_request_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthenticated", "Sign in first");
      return FALSE;
    case 2:
      xpz_request_error (req, SOUP_STATUS_UNAUTHORIZED, "token_expired", "The access token has expired; refresh it");
      return FALSE;
    case 3:
      xpz_request_error (req, SOUP_STATUS_UNAUTHORIZED, "invalid_token", "The access token is not valid");
      return FALSE;
    default:
      break;
    }
  if (role != NULL && g_strcmp0 (req->role, role) != 0)
    {
      xpz_request_error (req, SOUP_STATUS_FORBIDDEN, "forbidden",
                         g_str_equal (role, "candidate") ? "Only candidates can do this"
                         : g_str_equal (role, "operator") ? "Only platform operators can do this"
                                                          : "Only employers can do this");
      return FALSE;
    }
  /* Activity (for retention, R7.1) is what the account holder does: every write. */
  if (is_mutating (req->method))
    xpz_platform_touch_activity (req);
  return TRUE;
}

/* ---- routing ---- */

#define N      XPZ_ROUTE_BODY_NONE
#define J      XPZ_ROUTE_BODY_JSON

static const XpzRoute routes[] = {
  /* auth.c */
  { "POST",   "accounts", XPZ_ROUTE_ANYONE, J, xpz_platform_auth_sign_up },
  { "POST",   "sessions", XPZ_ROUTE_ANYONE, J, xpz_platform_auth_sign_in },
  { "DELETE", "sessions", XPZ_ROUTE_SIGNED_IN, J, xpz_platform_auth_sign_out_everywhere },
  { "POST",   "sessions/refresh", XPZ_ROUTE_ANYONE, J, xpz_platform_auth_refresh },
  { "DELETE", "sessions/current", XPZ_ROUTE_SIGNED_IN, J, xpz_platform_auth_sign_out },
  { "GET",    "me", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_auth_me },
  { "GET",    "me/sign-ins", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_auth_sign_ins },
  /* rights.c */
  { "GET",    "policy", XPZ_ROUTE_ANYONE, N, xpz_platform_rights_policy },
  { "GET",    "deletion-requests/{id}", XPZ_ROUTE_ANYONE, N, xpz_platform_rights_deletion_status },
  { "GET",    "me/export", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_rights_export_all },
  { "GET",    "me/export/resume", XPZ_ROUTE_ANYONE, N, xpz_platform_rights_export_resume },
  { "GET",    "me/deletion-request", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_rights_deletion_request },
  { "POST",   "me/deletion-request", XPZ_ROUTE_SIGNED_IN, J, xpz_platform_rights_deletion_request },
  { "GET",    "me/retention", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_rights_retention },
  { "GET",    "me/policy-acceptances", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_rights_policy_acceptances },
  { "POST",   "me/policy-acceptances", XPZ_ROUTE_SIGNED_IN, J, xpz_platform_rights_accept_policy },
  /* candidate.c */
  { "GET",    "me/profile", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_get_profile },
  { "PUT",    "me/profile", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_put_profile },
  { "GET",    "me/documents", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_documents },
  { "POST",   "me/documents", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_documents },
  { "GET",    "me/documents/{id}", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_documents },
  { "DELETE", "me/documents/{id}", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_documents },
  { "GET",    "me/matches", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_matches },
  { "POST",   "me/matches/{id}/not-interested", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_match_feedback },
  { "POST",   "me/matches/{id}/objection", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_match_feedback },
  { "GET",    "me/introductions", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_introductions },
  { "POST",   "me/introductions/{id}/accept", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_introductions },
  { "POST",   "me/introductions/{id}/decline", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_introductions },
  { "GET",    "me/privacy", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_privacy },
  { "PUT",    "me/privacy", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_privacy },
  { "GET",    "me/shares", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_shares },
  { "DELETE", "me/shares/{id}", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_shares },
  { "GET",    "me/blocked-employers", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_blocked_employers },
  { "POST",   "me/blocked-employers", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_blocked_employers },
  { "DELETE", "me/blocked-employers/{id}", XPZ_ROUTE_CANDIDATE, J, xpz_platform_candidate_blocked_employers },
  { "GET",    "me/ledger", XPZ_ROUTE_CANDIDATE, N, xpz_platform_candidate_ledger },
  /* feed.c, insights.c */
  { "GET",    "changes", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_feed_changes },
  { "GET",    "insights/salaries", XPZ_ROUTE_SIGNED_IN, N, xpz_platform_insights_salaries },
  /* employer.c */
  { "GET",    "jobs", XPZ_ROUTE_EMPLOYER, N, xpz_platform_employer_list_jobs },
  { "POST",   "jobs", XPZ_ROUTE_EMPLOYER, J, xpz_platform_employer_create_job },
  { "GET",    "jobs/{id}", XPZ_ROUTE_EMPLOYER, N, xpz_platform_employer_get_job },
  { "PUT",    "jobs/{id}", XPZ_ROUTE_EMPLOYER, J, xpz_platform_employer_put_job },
  { "DELETE", "jobs/{id}", XPZ_ROUTE_EMPLOYER, J, xpz_platform_employer_delete_job },
  { "GET",    "jobs/{id}/matches", XPZ_ROUTE_EMPLOYER, N, xpz_platform_employer_list_matches },
  { "GET",    "jobs/{id}/matches/{id}", XPZ_ROUTE_EMPLOYER, N, xpz_platform_employer_get_match },
  { "PUT",    "jobs/{id}/matches/{id}", XPZ_ROUTE_EMPLOYER, J, xpz_platform_employer_put_match },
  { "POST",   "jobs/{id}/matches/{id}/introduction", XPZ_ROUTE_EMPLOYER, J,
    xpz_platform_employer_request_introduction },
  { "GET",    "jobs/{id}/matches/{id}/documents/{id}", XPZ_ROUTE_EMPLOYER, N,
    xpz_platform_employer_shared_document },
  /* operator.c (R5.1) */
  { "GET",    "operator/employers", XPZ_ROUTE_OPERATOR, N, xpz_platform_operator_list_employers },
  { "POST",   "operator/employers/{id}/verification", XPZ_ROUTE_OPERATOR, J, xpz_platform_operator_verify },
  { "DELETE", "operator/employers/{id}/verification", XPZ_ROUTE_OPERATOR, J, xpz_platform_operator_unverify },
  { "GET",    "operator/decisions", XPZ_ROUTE_OPERATOR, N, xpz_platform_operator_list_decisions },
};

#undef N
#undef J

static gboolean
pattern_matches (const char  *pattern,
                 char       **segs,
                 guint        n_segs)
{
  guint i = 0;

  while (*pattern != '\0')
    {
      const char *end = strchr (pattern, '/');
      gsize len = end != NULL ? (gsize) (end - pattern) : strlen (pattern);

      if (i >= n_segs)
        return FALSE;
      if (!(len == 4 && strncmp (pattern, "{id}", 4) == 0) &&
          (strlen (segs[i]) != len || strncmp (pattern, segs[i], len) != 0))
        return FALSE;
      i++;
      pattern += len;
      if (*pattern == '/')
        pattern++;
    }
  return i == n_segs;
}

/* The row for @req's method and path; NULL with *@allow the methods of the path (an
 * empty string if no row has that path). */
static const XpzRoute *
find_route (XpzRequest *req,
            GString    *allow)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!pattern_matches (routes[i].pattern, req->segs, req->n_segs))
        continue;
      if (g_str_equal (routes[i].method, req->method))
        return &routes[i];
      if (strstr (allow->str, routes[i].method) == NULL)
        g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", routes[i].method);
    }
  return NULL;
}

/* The row's role check, then its handler. */
static void
route (XpzRequest     *req,
       const XpzRoute *row)
{
  static const char *const roles[] = { NULL, NULL, "candidate", "employer", "operator" };

  if (row->role != XPZ_ROUTE_ANYONE && !xpz_request_auth (req, roles[row->role]))
    return;
  row->handler (req);
  if (req->status == 0)
    xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
}

/* A JSON row takes application/json (any parameters, e.g. charset) and nothing else. */
static gboolean
is_json_content_type (SoupMessageHeaders *headers)
{
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

static void
apply_response (XpzRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (req->etag != NULL)
    soup_message_headers_replace (headers, "ETag", req->etag);
  if (req->status == 429 || req->status == 503)
    soup_message_headers_replace (headers, "Retry-After", req->retry_after ? req->retry_after : "1");
  if (req->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer realm=\"xpertaize\"");
  /* libsoup 3.2 knows no phrase for 421 (RFC 9110 §15.5.20): it would say "Unknown Error" */
  soup_server_message_set_status (req->msg, req->status, req->status == 421 ? "Misdirected Request" : NULL);
  if (req->response != NULL && req->status != SOUP_STATUS_NO_CONTENT)
    {
      soup_server_message_set_response (req->msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                        req->response, req->response_len);
      req->response = NULL;
    }
}

static void
request_clear (XpzRequest *req)
{
  g_strfreev (req->segs);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, json_node_unref);
  g_free (req->role);
  g_free (req->email_domain);
  g_free (req->response);
  g_free (req->etag);
  g_free (req->retry_after);
  g_clear_pointer (&req->pwhash_want, xpz_pwhash_work_free);
  g_clear_pointer (&req->pwhash, xpz_pwhash_work_free);
}

/* DNS rebinding: a web page whose name resolves to 127.0.0.1 must not drive a server
 * that listens on loopback. There, Host must name the loopback address and port the
 * server is bound to (127.0.0.1, [::1] or localhost). Elsewhere, any Host. */
static gboolean
host_allowed (XpzPlatformServer *self,
              const char        *host)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *port = NULL;
  const char *bound;

  if (self->url == NULL || (uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL)) == NULL)
    return TRUE;
  bound = g_uri_get_host (uri);
  if (!g_str_has_prefix (bound, "127.") && !g_str_equal (bound, "::1"))
    return TRUE;
  if (host == NULL)
    return FALSE;
  port = g_strdup_printf (":%d", g_uri_get_port (uri));
  if (!g_str_has_suffix (host, port))
    return FALSE;
  {
    g_autofree char *name = g_strndup (host, strlen (host) - strlen (port));
    g_autofree char *bracketed = g_strdup_printf ("[%s]", bound);

    return g_ascii_strcasecmp (name, "localhost") == 0 || g_str_equal (name, bound) ||
           g_str_equal (name, bracketed);
  }
}

/* Checks one path segment: not empty, not "." or "..", UTF-8, no control character. */
static gboolean
segment_valid (const char *seg)
{
  if (seg[0] == '\0' || g_str_equal (seg, ".") || g_str_equal (seg, ".."))
    return FALSE;
  if (!g_utf8_validate (seg, -1, NULL))
    return FALSE;
  for (const char *p = seg; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

/* Every name and value of the query is UTF-8: handlers echo them into JSON answers
 * (e.g. insights' profession), which must stay readable by a strict reader. */
static gboolean
query_valid (GHashTable *query)
{
  GHashTableIter iter;
  gpointer key, value;

  if (query == NULL)
    return TRUE;
  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_utf8_validate (key, -1, NULL) || (value != NULL && !g_utf8_validate (value, -1, NULL)))
      return FALSE;
  return TRUE;
}

typedef enum
{
  PATH_OK,
  PATH_UNKNOWN,   /* not under /api/v1: 404 */
  PATH_INVALID,   /* a malformed segment: 400 */
} PathResult;

/* Splits "/api/v1/a/b" into {"a", "b"}. @path is the URI's path as SoupServer hands it,
 * already percent-decoded once; it is NOT decoded again (a second decoding turned
 * "%2500" into a NUL). One trailing slash is allowed; any other empty segment, "." and
 * "..", invalid UTF-8 and control characters are refused. */
static PathResult
split_path (const char   *path,
            char       ***segs,
            guint        *n_segs)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) out = NULL;
  guint n_parts;

  *segs = NULL;
  *n_segs = 0;
  if (path == NULL || (!g_str_has_prefix (path, "/api/v1/") && !g_str_equal (path, "/api/v1")))
    return PATH_UNKNOWN;
  out = g_ptr_array_new_with_free_func (g_free);
  path += strlen ("/api/v1");
  if (*path == '/')
    path++;
  parts = g_strsplit (path, "/", -1);
  n_parts = g_strv_length (parts);
  for (guint i = 0; i < n_parts; i++)
    {
      if (parts[i][0] == '\0' && i == n_parts - 1)
        break;
      if (!segment_valid (parts[i]))
        return PATH_INVALID;
      g_ptr_array_add (out, g_strdup (parts[i]));
    }
  *n_segs = out->len;
  g_ptr_array_add (out, NULL);
  g_ptr_array_set_free_func (out, NULL);
  *segs = (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
  return PATH_OK;
}

/* Whether an Idempotency-Key record may keep the answer for a replay. Sign-up, sign-in
 * and refresh answers carry live tokens or the person's email and name: their record
 * keeps only the keyed request hash and the status, and a replay answers 409
 * idempotency_replay_unavailable (re-running a refresh would spend its token twice). */
static gboolean
idempotency_answer_kept (XpzRequest *req)
{
  if (req->n_segs == 0 || !g_str_equal (req->method, "POST"))
    return TRUE;
  return !g_str_equal (req->segs[0], "sessions") && !g_str_equal (req->segs[0], "accounts");
}

static gboolean defer_pwhash (XpzPlatformServer *self,
                              SoupServerMessage *msg,
                              GHashTable        *query,
                              XpzPwhashWork     *work);

/* @pwhash: (transfer full) (nullable): the hashing result, when a deferred request
 * comes back from the pool. */
static void
handle_with (XpzPlatformServer *self,
             SoupServerMessage *msg,
             GHashTable        *query,
             XpzPwhashWork     *pwhash)
{
  XpzRequest req = { 0 };
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *idem_key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autofree char *request_hash = NULL;
  g_autofree char *scope = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean mutating;
  gboolean replayed = FALSE;
  PathResult path_result;
  const XpzRoute *row;

  req.server = self;
  req.db = self->db;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.ip = soup_server_message_get_remote_host (msg);
  req.client = soup_message_headers_get_one (headers, "User-Agent");
  req.query = query ? g_hash_table_ref (query) : NULL;
  req.pwhash = pwhash;
  mutating = is_mutating (req.method);

  g_debug ("%s %s", req.method, path);   /* never headers: Authorization stays out of logs */

  if (!host_allowed (self, soup_message_headers_get_one (headers, "Host")))
    {
      xpz_request_error (&req, SOUP_STATUS_MISDIRECTED_REQUEST, "misdirected_request",
                         "The Host header does not name this server's loopback address");
      apply_response (&req);
      request_clear (&req);
      return;
    }

  path_result = split_path (path, &req.segs, &req.n_segs);
  if (path_result != PATH_OK)
    {
      if (path_result == PATH_INVALID)
        xpz_request_error (&req, SOUP_STATUS_BAD_REQUEST, "invalid_path", "The request path is malformed");
      else
        xpz_request_error (&req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      apply_response (&req);
      request_clear (&req);
      return;
    }

  {
    g_autoptr(GString) allow = g_string_new (NULL);

    row = find_route (&req, allow);
    if (row == NULL)
      {
        if (allow->len > 0)
          {
            soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow->str);
            xpz_request_error (&req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
          }
        else
          xpz_request_error (&req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
        apply_response (&req);
        request_clear (&req);
        return;
      }
  }

  if (!query_valid (query))
    {
      xpz_request_error (&req, SOUP_STATUS_BAD_REQUEST, "invalid_query", "The query string is not valid UTF-8");
      apply_response (&req);
      request_clear (&req);
      return;
    }

  if ((guint64) body->length > (guint64) self->options.max_body_size)
    {
      xpz_request_error (&req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large", "The request body is too large");
      apply_response (&req);
      request_clear (&req);
      return;
    }

  if (body->length > 0 && row->body == XPZ_ROUTE_BODY_JSON)
    {
      g_autoptr(GError) error = NULL;

      if (!is_json_content_type (headers))
        {
          xpz_request_error (&req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                             "The request body must be application/json");
          apply_response (&req);
          request_clear (&req);
          return;
        }
      bytes = soup_message_body_flatten (body);
      req.body = xpz_platform_json_parse (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                                          self->options.max_json_depth, &error);
      if (req.body == NULL)
        {
          xpz_request_error (&req, SOUP_STATUS_BAD_REQUEST, "malformed_json", "The request body is not valid JSON");
          apply_response (&req);
          request_clear (&req);
          return;
        }
    }
  else if (body->length > 0)
    bytes = soup_message_body_flatten (body);

  if (idem_key != NULL && (strlen (idem_key) == 0 || strlen (idem_key) > 200))
    {
      xpz_request_error (&req, SOUP_STATUS_BAD_REQUEST, "invalid_idempotency_key", "Idempotency-Key must be 1–200 characters");
      apply_response (&req);
      request_clear (&req);
      return;
    }

  g_rec_mutex_lock (&self->lock);
  xpz_platform_db_clear_failed (self->db);
  req.now = xpz_platform_server_now_locked (self);

  if (mutating)
    {
      g_autoptr(GError) error = NULL;

      if (!xpz_platform_db_begin (self->db, &error))
        {
          g_warning ("%s", error->message);
          xpz_request_error (&req, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "The server is busy; retry");
          goto out;
        }

      if (idem_key != NULL)
        {
          /* keyed: a sign-up's or sign-in's body holds a password, and a plain hash of
           * it would be an offline guessing oracle in the database */
          g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, self->secret, sizeof self->secret);
          sqlite3_stmt *stmt;

          g_hmac_update (hmac, (const guchar *) req.method, -1);
          g_hmac_update (hmac, (const guchar *) " ", 1);
          g_hmac_update (hmac, (const guchar *) path, -1);
          g_hmac_update (hmac, (const guchar *) "\n", 1);
          if (bytes != NULL)
            g_hmac_update (hmac, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes));
          request_hash = g_strdup (g_hmac_get_string (hmac));
          scope = resolve_token (&req) == 1 ? g_strdup_printf ("account:%" G_GINT64_FORMAT, req.account_id)
                                            : g_strdup ("anonymous");

          /* a record older than IDEMPOTENCY_TTL is never honoured (it is swept on write) */
          stmt = xpz_platform_db_query (self->db,
                                        "SELECT request_hash, status, body, etag FROM idempotency"
                                        " WHERE scope = ? AND key = ? AND created_at > ?",
                                        "ssi", scope, idem_key, req.now - IDEMPOTENCY_TTL);
          if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
            {
              const char *stored = (const char *) sqlite3_column_text (stmt, 0);

              if (stored == NULL || strlen (stored) != strlen (request_hash) ||
                  sodium_memcmp (stored, request_hash, strlen (request_hash)) != 0)
                xpz_request_error (&req, 422, "idempotency_key_reused",
                                   "This Idempotency-Key was used with a different request");
              else if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
                xpz_request_error (&req, SOUP_STATUS_CONFLICT, "idempotency_replay_unavailable",
                                   "This request was already carried out and its answer is not kept (it held"
                                   " credentials or personal data); sign in again, or retry with a new key");
              else
                {
                  req.status = (guint) sqlite3_column_int (stmt, 1);
                  req.response_len = (gsize) sqlite3_column_bytes (stmt, 2);
                  req.response = g_malloc (req.response_len + 1);
                  memcpy (req.response, sqlite3_column_blob (stmt, 2), req.response_len);
                  req.response[req.response_len] = '\0';
                  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
                    req.etag = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
                  replayed = TRUE;
                }
            }
          if (stmt != NULL)
            sqlite3_reset (stmt);
          if (req.status != 0)
            {
              xpz_platform_db_rollback (self->db);
              goto out;
            }
        }
    }

  route (&req, row);

  if (req.pwhash_want != NULL && !xpz_platform_db_failed (self->db))
    {
      /* The handler needs argon2id (R3.4): nothing was written; it runs again, with the
       * result, once the pool has hashed, and the server serves others meanwhile. */
      if (mutating)
        xpz_platform_db_rollback (self->db);
      g_rec_mutex_unlock (&self->lock);
      if (!defer_pwhash (self, msg, query, g_steal_pointer (&req.pwhash_want)))
        {
          req.retry_after = g_strdup ("1");
          xpz_request_error (&req, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "The server is busy; retry");
          apply_response (&req);
        }
      request_clear (&req);
      return;
    }
  g_clear_pointer (&req.pwhash_want, xpz_pwhash_work_free);

  if (xpz_platform_db_failed (self->db))
    {
      xpz_platform_db_rollback (self->db);
      xpz_request_db_failed (&req);
      /* The in-memory index may have seen changes that were rolled back. */
      xpz_platform_matcher_free (self->matcher);
      self->matcher = xpz_platform_matcher_new ();
      xpz_platform_load_matcher (self);
    }
  else if (mutating)
    {
      g_autoptr(GError) error = NULL;

      if (req.status < 400 && idem_key != NULL)
        {
          /* the sweep also drops an expired record of this very key */
          xpz_platform_db_run (self->db, "DELETE FROM idempotency WHERE created_at <= ?", "i",
                               req.now - IDEMPOTENCY_TTL);
          if (idempotency_answer_kept (&req))
            xpz_platform_db_run (self->db,
                                 "INSERT INTO idempotency (scope, key, account_id, request_hash, status, body, etag,"
                                 " created_at) VALUES (?, ?, NULLIF (?, 0), ?, ?, ?, ?, ?)",
                                 "ssisibsi", scope, idem_key, req.account_id, request_hash, (gint64) req.status,
                                 req.response ? req.response : "", req.response ? req.response_len : (gsize) 0,
                                 req.etag, req.now);
          else
            xpz_platform_db_run (self->db,
                                 "INSERT INTO idempotency (scope, key, account_id, request_hash, status, body, etag,"
                                 " created_at) VALUES (?, ?, NULL, ?, ?, NULL, NULL, ?)",
                                 "sssii", scope, idem_key, request_hash, (gint64) req.status, req.now);
        }
      if (req.status < 400 || req.commit_on_error)
        {
          if (!xpz_platform_db_commit (self->db, &error))
            {
              g_warning ("%s", error->message);
              xpz_request_db_failed (&req);
            }
        }
      else
        xpz_platform_db_rollback (self->db);
    }

out:
  g_rec_mutex_unlock (&self->lock);
  if (replayed)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Idempotent-Replayed", "true");
  apply_response (&req);
  request_clear (&req);
}

static void
handle (XpzPlatformServer *self,
        SoupServerMessage *msg,
        GHashTable        *query)
{
  handle_with (self, msg, query, NULL);
}

/* ---- the password-hashing pool (R3.4) ---- */

typedef struct
{
  XpzPlatformServer *server;    /* not a reference: the server drains its pool before it goes */
  SoupServerMessage *msg;
  GHashTable        *query;
  XpzPwhashWork     *work;
  GSource           *source;
  gulong             disconnected_id;
  gboolean           disconnected;
} PwhashJob;

static void
pwhash_job_free (gpointer data)
{
  PwhashJob *job = data;

  if (job->disconnected_id != 0)
    g_signal_handler_disconnect (job->msg, job->disconnected_id);
  g_object_unref (job->msg);
  g_clear_pointer (&job->query, g_hash_table_unref);
  xpz_pwhash_work_free (job->work);
  g_clear_pointer (&job->source, g_source_unref);
  g_free (job);
}

static void
pwhash_job_disconnected_cb (SoupServerMessage *msg,
                            gpointer           user_data)
{
  PwhashJob *job = user_data;

  job->disconnected = TRUE;
}

/* On the server's context: completes the paused request with the hashing result. */
static gboolean
pwhash_done_cb (gpointer data)
{
  PwhashJob *job = data;
  XpzPlatformServer *self = job->server;
  gboolean stopping;

  g_mutex_lock (&self->pwhash_lock);
  g_hash_table_remove (self->pwhash_done, job);
  stopping = self->stopping;
  g_mutex_unlock (&self->pwhash_lock);

  if (!stopping && !job->disconnected)
    {
      handle_with (self, job->msg, job->query, g_steal_pointer (&job->work));
      soup_server_message_unpause (job->msg);
    }
  return G_SOURCE_REMOVE;
}

/* On a pool thread, without the server lock. */
static void
pwhash_worker (gpointer data,
               gpointer user_data)
{
  PwhashJob *job = data;
  XpzPlatformServer *self = user_data;
  gboolean stopping;

  g_mutex_lock (&self->pwhash_lock);
  if (self->pwhash_hold && !self->stopping)
    {
      self->pwhash_holding++;
      g_cond_broadcast (&self->pwhash_cond);
      while (self->pwhash_hold && !self->stopping)
        g_cond_wait (&self->pwhash_cond, &self->pwhash_lock);
      self->pwhash_holding--;
    }
  stopping = self->stopping;
  g_mutex_unlock (&self->pwhash_lock);

  if (!stopping)
    xpz_pwhash_work_run (job->work);

  g_mutex_lock (&self->pwhash_lock);
  self->pwhash_queued--;
  g_cond_broadcast (&self->pwhash_cond);
  if (self->stopping)
    {
      g_mutex_unlock (&self->pwhash_lock);
      pwhash_job_free (job);
      return;
    }
  job->source = g_idle_source_new ();
  g_source_set_static_name (job->source, "xpz-pwhash-done");
  g_source_set_callback (job->source, pwhash_done_cb, job, pwhash_job_free);
  g_hash_table_add (self->pwhash_done, job);
  g_source_attach (job->source, self->context);
  g_mutex_unlock (&self->pwhash_lock);
}

/* Pauses @msg and queues @work on the pool; FALSE (and @work freed) if the pool is full. */
static gboolean
defer_pwhash (XpzPlatformServer *self,
              SoupServerMessage *msg,
              GHashTable        *query,
              XpzPwhashWork     *work)
{
  PwhashJob *job;

  g_mutex_lock (&self->pwhash_lock);
  if (self->pwhash_pool == NULL || self->stopping || self->pwhash_queued >= self->options.pwhash_queue)
    {
      g_mutex_unlock (&self->pwhash_lock);
      xpz_pwhash_work_free (work);
      return FALSE;
    }
  self->pwhash_queued++;
  g_cond_broadcast (&self->pwhash_cond);
  g_mutex_unlock (&self->pwhash_lock);

  job = g_new0 (PwhashJob, 1);
  job->server = self;
  job->msg = g_object_ref (msg);
  job->query = query ? g_hash_table_ref (query) : NULL;
  job->work = work;
  job->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (pwhash_job_disconnected_cb), job);
  soup_server_message_pause (msg);
  g_thread_pool_push (self->pwhash_pool, job, NULL);
  return TRUE;
}

static void
pwhash_pool_start (XpzPlatformServer *self)
{
  g_mutex_lock (&self->pwhash_lock);
  self->stopping = FALSE;
  g_mutex_unlock (&self->pwhash_lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  if (self->pwhash_pool == NULL)
    self->pwhash_pool = g_thread_pool_new (pwhash_worker, self, (int) self->options.pwhash_threads, FALSE, NULL);
}

/* Drains the pool (the hashing in progress finishes; queued work is dropped) and drops
 * the completions that have not run yet. */
static void
pwhash_pool_stop (XpzPlatformServer *self)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  GHashTableIter iter;
  gpointer key;

  if (self->pwhash_pool == NULL)
    return;
  g_mutex_lock (&self->pwhash_lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->pwhash_cond);
  g_mutex_unlock (&self->pwhash_lock);

  g_thread_pool_free (g_steal_pointer (&self->pwhash_pool), FALSE, TRUE);

  g_mutex_lock (&self->pwhash_lock);
  g_hash_table_iter_init (&iter, self->pwhash_done);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sources, g_source_ref (((PwhashJob *) key)->source));
  g_hash_table_remove_all (self->pwhash_done);
  g_mutex_unlock (&self->pwhash_lock);
  for (guint i = 0; i < sources->len; i++)
    g_source_destroy (sources->pdata[i]);
}

/**
 * xpz_platform_server_hold_pwhash:
 * @hold: TRUE: hashing workers wait before they start a job; FALSE: release them
 *
 * Test only: holds the hashing pool busy, so that a test can prove by ordering what is
 * answered while sign-ins are being hashed.
 */
void
xpz_platform_server_hold_pwhash (XpzPlatformServer *self,
                                 gboolean           hold)
{
  g_return_if_fail (XPZ_IS_PLATFORM_SERVER (self));

  g_mutex_lock (&self->pwhash_lock);
  self->pwhash_hold = hold;
  g_cond_broadcast (&self->pwhash_cond);
  g_mutex_unlock (&self->pwhash_lock);
}

/**
 * xpz_platform_server_wait_pwhash_held:
 * @n_jobs: how many hashing jobs to wait for
 * @timeout_us: the deadline, in microseconds from now
 *
 * Test only: waits until @n_jobs hashing jobs are in the pool and every worker that
 * could start one waits on the hold. FALSE at the deadline.
 */
gboolean
xpz_platform_server_wait_pwhash_held (XpzPlatformServer *self,
                                      guint              n_jobs,
                                      gint64             timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean ok = TRUE;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);

  g_mutex_lock (&self->pwhash_lock);
  while (ok && (self->pwhash_queued < n_jobs ||
                self->pwhash_holding < MIN (n_jobs, self->options.pwhash_threads)))
    ok = g_cond_wait_until (&self->pwhash_cond, &self->pwhash_lock, end);
  ok = self->pwhash_queued >= n_jobs && self->pwhash_holding >= MIN (n_jobs, self->options.pwhash_threads);
  g_mutex_unlock (&self->pwhash_lock);
  return ok;
}

typedef struct
{
  XpzPlatformServer *server;
  SoupServerMessage *msg;
  GHashTable        *query;
  gboolean           drop;
} DelayedRequest;

/* Closes the connection of @msg at once, answering nothing. */
void
xpz_platform_drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
delayed_request_cb (gpointer data)
{
  DelayedRequest *delayed = data;

  handle (delayed->server, delayed->msg, delayed->query);
  soup_server_message_unpause (delayed->msg);
  g_object_unref (delayed->msg);
  g_clear_pointer (&delayed->query, g_hash_table_unref);
  g_object_unref (delayed->server);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  XpzPlatformServer *self = user_data;
  XpzFault fault = { XPZ_FAULT_NONE, 0, 0 };
  gboolean faulted;

  g_rec_mutex_lock (&self->lock);
  faulted = self->faults != NULL &&
            xpz_platform_faults_match (self->faults, soup_server_message_get_method (msg), path, &fault);
  g_rec_mutex_unlock (&self->lock);

  if (faulted)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      switch (fault.kind)
        {
        case XPZ_FAULT_STATUS:
          {
            XpzRequest req = { 0 };
            req.msg = msg;
            xpz_request_error (&req, fault.status, "injected_fault", "Injected fault (test mode)");
            apply_response (&req);
            request_clear (&req);
          }
          return;
        case XPZ_FAULT_MALFORMED:
          soup_message_headers_replace (headers, "Cache-Control", "no-store");
          soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                            "{\"malformed\": [1, 2", strlen ("{\"malformed\": [1, 2"));
          return;
        case XPZ_FAULT_DROP:
          handle (self, msg, query);
          xpz_platform_drop_connection (msg);
          return;
        case XPZ_FAULT_DELAY:
          {
            DelayedRequest *delayed = g_new0 (DelayedRequest, 1);
            GSource *source = g_timeout_source_new (fault.delay_ms);

            delayed->server = g_object_ref (self);
            delayed->msg = g_object_ref (msg);
            delayed->query = query ? g_hash_table_ref (query) : NULL;
            soup_server_message_pause (msg);
            g_source_set_callback (source, delayed_request_cb, delayed, NULL);
            g_source_attach (source, g_main_context_get_thread_default ());
            g_source_unref (source);
          }
          return;
        case XPZ_FAULT_NONE:
        default:
          break;
        }
    }

  handle (self, msg, query);
}

/**
 * xpz_platform_server_listen:
 * @address: an IP address, e.g. "127.0.0.1"
 * @port: a port, or 0 for any free port
 * @certificate: (nullable): serve HTTPS with this certificate
 *
 * Listens in the thread-default main context. The URL is then available from
 * xpz_platform_server_get_url().
 */
gboolean
xpz_platform_server_listen (XpzPlatformServer  *self,
                            const char         *address,
                            guint16             port,
                            GTlsCertificate    *certificate,
                            GError            **error)
{
  g_autoptr(GSocketAddress) sockaddr = NULL;
  g_autoptr(GSList) listeners = NULL;
  SoupServerListenOptions flags = 0;

  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  sockaddr = g_inet_socket_address_new_from_string (address ? address : "127.0.0.1", port);
  if (sockaddr == NULL)
    {
      g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_LISTEN, "“%s” is not an IP address", address);
      return FALSE;
    }
  pwhash_pool_start (self);
  self->soup = soup_server_new ("server-header", "xpertaize-platform/" PACKAGE_VERSION,
                                "tls-certificate", certificate,
                                NULL);
  soup_server_add_handler (self->soup, "/", server_callback, self, NULL);
  xpz_platform_edge_attach (self, self->soup);
  if (certificate != NULL)
    flags |= SOUP_SERVER_LISTEN_HTTPS;
  if (!soup_server_listen (self->soup, sockaddr, flags, error))
    {
      g_clear_object (&self->soup);
      return FALSE;
    }
  /* The URL from the listening socket itself (soup_server_get_uris() leaks an address). */
  listeners = soup_server_get_listeners (self->soup);
  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (listeners->data, error);
      g_autofree char *host = NULL;

      if (local == NULL)
        {
          g_clear_object (&self->soup);
          return FALSE;
        }
      host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
      g_free (self->url);
      self->url = g_strdup_printf (strchr (host, ':') ? "%s://[%s]:%u/" : "%s://%s:%u/",
                                   certificate ? "https" : "http", host,
                                   g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  XpzPlatformServer *self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->thread_context);
  ok = xpz_platform_server_listen (self, self->thread_address, self->thread_port, NULL, &error);

  g_mutex_lock (&self->start_lock);
  self->thread_ready = TRUE;
  if (!ok)
    self->thread_error = g_steal_pointer (&error);
  g_cond_signal (&self->start_cond);
  g_mutex_unlock (&self->start_lock);

  if (ok)
    g_main_loop_run (self->thread_loop);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  /* let pending sources and connections finish closing */
  while (g_main_context_iteration (self->thread_context, FALSE))
    ;
  g_main_context_pop_thread_default (self->thread_context);
  return NULL;
}

/**
 * xpz_platform_server_start_thread:
 *
 * Serves from a thread of its own (with its own main context), so that a client in
 * the calling thread may use blocking calls. Returns once the server listens.
 */
gboolean
xpz_platform_server_start_thread (XpzPlatformServer  *self,
                                  const char         *address,
                                  guint16             port,
                                  GError            **error)
{
  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), FALSE);
  g_return_val_if_fail (self->thread == NULL && self->soup == NULL, FALSE);

  g_free (self->thread_address);
  self->thread_address = g_strdup (address ? address : "127.0.0.1");
  self->thread_port = port;
  self->thread_context = g_main_context_new ();
  self->thread_loop = g_main_loop_new (self->thread_context, FALSE);
  self->thread_ready = FALSE;
  self->thread = g_thread_new ("xpz-platform", server_thread, self);

  g_mutex_lock (&self->start_lock);
  while (!self->thread_ready)
    g_cond_wait (&self->start_cond, &self->start_lock);
  g_mutex_unlock (&self->start_lock);

  if (self->thread_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->thread_error));
      xpz_platform_server_stop (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Stops a server started with xpz_platform_server_start_thread(); safe to call twice. */
void
xpz_platform_server_stop (XpzPlatformServer *self)
{
  g_return_if_fail (XPZ_IS_PLATFORM_SERVER (self));

  pwhash_pool_stop (self);
  if (self->thread == NULL)
    return;
  g_main_context_invoke (self->thread_context, quit_loop_cb, self->thread_loop);
  g_thread_join (self->thread);
  self->thread = NULL;
  g_clear_pointer (&self->thread_loop, g_main_loop_unref);
  g_clear_pointer (&self->thread_context, g_main_context_unref);
}
