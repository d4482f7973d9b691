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
  options->faults = NULL;
  options->new_employer_daily_shares = 20;
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
  g_clear_pointer (&self->dummy_hash, g_free);
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
                                                         : "Only employers can do this");
      return FALSE;
    }
  /* Activity (for retention, R7.1) is what the account holder does: every write. */
  if (is_mutating (req->method))
    xpz_platform_touch_activity (req);
  return TRUE;
}

/* ---- routing ---- */

static void
route (XpzRequest *req)
{
  const char *top = req->n_segs > 0 ? req->segs[0] : "";

  if (g_str_equal (top, "accounts") || g_str_equal (top, "sessions"))
    xpz_platform_auth_route (req);
  else if (g_str_equal (top, "me"))
    {
      const char *sub = req->n_segs > 1 ? req->segs[1] : NULL;

      if (sub == NULL)
        {
          if (!g_str_equal (req->method, "GET"))
            xpz_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "Method not allowed");
          else
            xpz_platform_auth_me (req);
        }
      else if (g_str_equal (sub, "sign-ins"))
        xpz_platform_auth_sign_ins (req);
      else if (g_str_equal (sub, "export") || g_str_equal (sub, "deletion-request") ||
               g_str_equal (sub, "retention") || g_str_equal (sub, "policy-acceptances"))
        xpz_platform_rights_route (req);
      else
        xpz_platform_candidate_route (req);
    }
  else if (g_str_equal (top, "policy") || g_str_equal (top, "deletion-requests"))
    xpz_platform_rights_route (req);
  else if (g_str_equal (top, "changes"))
    xpz_platform_feed_route (req);
  else if (g_str_equal (top, "jobs"))
    xpz_platform_employer_route (req);
  else if (g_str_equal (top, "insights"))
    xpz_platform_insights_route (req);
  else if (g_str_equal (top, "operator"))
    xpz_platform_operator_route (req);
  else
    xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");

  if (req->status == 0)
    xpz_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
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
  soup_server_message_set_status (req->msg, req->status, NULL);
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
}

/* Splits "/api/v1/a/b" into {"a", "b"}; FALSE if it is not under /api/v1. */
static gboolean
split_path (const char   *path,
            char       ***segs,
            guint        *n_segs)
{
  g_auto(GStrv) parts = NULL;
  GPtrArray *out;

  if (!g_str_has_prefix (path, "/api/v1/") && !g_str_equal (path, "/api/v1"))
    return FALSE;
  parts = g_strsplit (path + strlen ("/api/v1"), "/", -1);
  out = g_ptr_array_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (out, g_uri_unescape_string (parts[i], NULL));
  *n_segs = out->len;
  g_ptr_array_add (out, NULL);
  *segs = (char **) g_ptr_array_free (out, FALSE);
  return TRUE;
}

static void
handle (XpzPlatformServer *self,
        SoupServerMessage *msg,
        GHashTable        *query)
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

  req.server = self;
  req.db = self->db;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.ip = soup_server_message_get_remote_host (msg);
  req.client = soup_message_headers_get_one (headers, "User-Agent");
  req.query = query ? g_hash_table_ref (query) : NULL;
  mutating = is_mutating (req.method);

  g_debug ("%s %s", req.method, path);   /* never headers: Authorization stays out of logs */

  if (!split_path (path, &req.segs, &req.n_segs))
    {
      xpz_request_error (&req, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
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

  if (body->length > 0)
    {
      g_autoptr(GError) error = NULL;

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
          g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
          sqlite3_stmt *stmt;

          g_checksum_update (checksum, (const guchar *) req.method, -1);
          g_checksum_update (checksum, (const guchar *) " ", 1);
          g_checksum_update (checksum, (const guchar *) path, -1);
          g_checksum_update (checksum, (const guchar *) "\n", 1);
          if (bytes != NULL)
            g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes));
          request_hash = g_strdup (g_checksum_get_string (checksum));
          scope = resolve_token (&req) == 1 ? g_strdup_printf ("account:%" G_GINT64_FORMAT, req.account_id)
                                            : g_strdup ("anonymous");

          stmt = xpz_platform_db_query (self->db,
                                        "SELECT request_hash, status, body, etag FROM idempotency WHERE scope = ? AND key = ?",
                                        "ss", scope, idem_key);
          if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
            {
              if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), request_hash) != 0)
                xpz_request_error (&req, 422, "idempotency_key_reused",
                                   "This Idempotency-Key was used with a different request");
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

  route (&req);

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
        xpz_platform_db_run (self->db,
                             "INSERT INTO idempotency (scope, key, request_hash, status, body, etag, created_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)",
                             "sssibsi", scope, idem_key, request_hash, (gint64) req.status,
                             req.response ? req.response : "", req.response ? req.response_len : (gsize) 0,
                             req.etag, req.now);
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

typedef struct
{
  XpzPlatformServer *server;
  SoupServerMessage *msg;
  GHashTable        *query;
  gboolean           drop;
} DelayedRequest;

static void
drop_connection (SoupServerMessage *msg)
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
          drop_connection (msg);
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

/* Refuses an oversized body as soon as its headers arrive. */
static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  XpzPlatformServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (length > 0 && (guint64) length > (guint64) self->options.max_body_size)
    {
      XpzRequest req = { 0 };

      req.msg = msg;
      xpz_request_error (&req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large", "The request body is too large");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      apply_response (&req);
      request_clear (&req);
    }
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), user_data);
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
  self->soup = soup_server_new ("server-header", "xpertaize-platform/" PACKAGE_VERSION,
                                "tls-certificate", certificate,
                                NULL);
  soup_server_add_handler (self->soup, "/", server_callback, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
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

  if (self->thread == NULL)
    return;
  g_main_context_invoke (self->thread_context, quit_loop_cb, self->thread_loop);
  g_thread_join (self->thread);
  self->thread = NULL;
  g_clear_pointer (&self->thread_loop, g_main_loop_unref);
  g_clear_pointer (&self->thread_context, g_main_context_unref);
}
