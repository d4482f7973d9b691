/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "xpz-platform-private.h"

/*
 * The change feed: GET /api/v1/changes?since=CURSOR&limit=N → {cursor, changes, more}.
 *
 * Without a cursor the feed starts with a snapshot of the account's current state
 * (paged: profile, privacy and documents, then every match), then continues with the
 * changes recorded since the snapshot began. Cursors are opaque, signed with a server
 * secret, bound to the account and valid for 30 days; anything else is 410 Gone, and
 * the client starts again without a cursor.
 */

#define CURSOR_TTL (30 * 24 * 3600)
#define DEFAULT_LIMIT 1000
#define MAX_LIMIT 10000

typedef struct
{
  gint64 account_id;
  char   phase;     /* 's' snapshot, 'd' deltas */
  gint64 seq;       /* deltas after this seq */
  gint64 a;         /* snapshot: job position (employer) or job index (candidate) */
  gint64 b;         /* snapshot: candidate position (employer) */
  gint64 issued_at;
} Cursor;

static char *
cursor_sign (XpzPlatformServer *self,
             const char        *payload)
{
  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, self->secret, sizeof self->secret, payload, -1);
}

static char *
cursor_encode (XpzPlatformServer *self,
               const Cursor      *cursor)
{
  g_autofree char *payload = g_strdup_printf ("v1.%" G_GINT64_FORMAT ".%c.%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
                                              ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT,
                                              cursor->account_id, cursor->phase, cursor->seq,
                                              cursor->a, cursor->b, cursor->issued_at);
  g_autofree char *mac = cursor_sign (self, payload);
  g_autofree char *full = g_strdup_printf ("%s.%.32s", payload, mac);
  char *b64 = g_base64_encode ((const guchar *) full, strlen (full));

  /* URL-safe */
  for (char *p = b64; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        *p = '\0';
    }
  return b64;
}

/* 0 ok, 1 unknown, 2 expired */
static int
cursor_decode (XpzPlatformServer *self,
               const char        *text,
               gint64             account_id,
               gint64             now,
               Cursor            *cursor)
{
  g_autoptr(GString) b64 = g_string_new (text);
  g_autofree guchar *raw = NULL;
  g_autofree char *full = NULL;
  g_autofree char *mac = NULL;
  char *dot;
  gsize len = 0;
  char phase = 0;
  int consumed = 0;

  if (b64->len == 0 || b64->len > 512)
    return 1;
  for (gsize i = 0; i < b64->len; i++)
    {
      char c = b64->str[i];
      if (c == '-')
        b64->str[i] = '+';
      else if (c == '_')
        b64->str[i] = '/';
      else if (!g_ascii_isalnum (c))
        return 1;
    }
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');
  raw = g_base64_decode (b64->str, &len);
  if (raw == NULL || len == 0)
    return 1;
  full = g_strndup ((const char *) raw, len);
  dot = strrchr (full, '.');
  if (dot == NULL || strlen (dot + 1) != 32)
    return 1;
  *dot = '\0';
  mac = cursor_sign (self, full);
  if (sodium_memcmp (mac, dot + 1, 32) != 0)   /* constant time */
    return 1;
  if (sscanf (full, "v1.%" G_GINT64_FORMAT ".%c.%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
              ".%" G_GINT64_FORMAT "%n",
              &cursor->account_id, &phase, &cursor->seq, &cursor->a, &cursor->b, &cursor->issued_at, &consumed) != 6 ||
      full[consumed] != '\0')
    return 1;
  cursor->phase = phase;
  if (cursor->account_id != account_id || (phase != 's' && phase != 'd'))
    return 1;
  if (cursor->issued_at + CURSOR_TTL < now)
    return 2;
  return 0;
}

typedef struct
{
  GString *buf;     /* the records, comma separated */
  guint    count;
} Page;

static void
begin_change (Page       *page,
              const char *kind,
              const char *id,
              const char *op)
{
  if (page->count++ > 0)
    g_string_append_c (page->buf, ',');
  g_string_append (page->buf, "{\"kind\":");
  xpz_platform_json_append_string (page->buf, kind);
  g_string_append (page->buf, ",\"id\":");
  xpz_platform_json_append_string (page->buf, id);
  g_string_append (page->buf, ",\"op\":");
  xpz_platform_json_append_string (page->buf, op);
}

static void
add_change (Page       *page,
            const char *kind,
            const char *id,
            const char *op,
            JsonNode   *data,    /* takes, nullable */
            const char *href)
{
  begin_change (page, kind, id, op);
  if (data != NULL)
    {
      gsize len;
      g_autofree char *text = xpz_platform_json_to_string (data, &len);

      g_string_append (page->buf, ",\"data\":");
      g_string_append_len (page->buf, text, (gssize) len);
      json_node_unref (data);
    }
  if (href != NULL)
    {
      g_string_append (page->buf, ",\"href\":");
      xpz_platform_json_append_string (page->buf, href);
    }
  g_string_append_c (page->buf, '}');
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
policy_notice (XpzRequest *req,
               Page       *changes)
{
  sqlite3_stmt *stmt = xpz_platform_db_query (req->db,
                                              "SELECT version, published_at, summary FROM policy_versions v WHERE material = 1"
                                              " AND NOT EXISTS (SELECT 1 FROM policy_acceptances a WHERE a.account_id = ?"
                                              "   AND a.version = v.version)"
                                              " ORDER BY published_at DESC, rowid DESC LIMIT 1", "i", req->account_id);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();
      const char *version = (const char *) sqlite3_column_text (stmt, 0);

      json_object_set_string_member (o, "version", version);
      xpz_platform_set_time (o, "published_at", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (o, "summary", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_boolean_member (o, "material", TRUE);
      json_object_set_boolean_member (o, "acknowledgement_required", TRUE);
      add_change (changes, "policy_notice", version, "upsert", object_node (o), "/api/v1/policy");
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

static gboolean
candidate_match_visible (XpzPlatformServer *self,
                         XpzCandidateVec   *c,
                         XpzJobVec         *j)
{
  XpzScore score;

  if (j == NULL || j->deleted || c == NULL || (c->flags & (XPZ_CANDIDATE_PAUSED | XPZ_CANDIDATE_RESTRICTED)))
    return FALSE;
  xpz_platform_matcher_score (self->matcher, c, j, &score);
  return !score.gate_failed && score.total >= self->options.list_min_score && score.total > 0;
}

static gboolean
employer_match (XpzPlatformServer *self,
                XpzCandidateVec   *c,
                XpzJobVec         *j,
                XpzJobContext     *context,
                XpzScore          *score)
{
  return xpz_platform_employer_lists (self, c, j, context, score);
}

static void
snapshot_fixed (XpzRequest *req,
                Page       *changes)
{
  XpzPlatformServer *self = req->server;

  if (g_str_equal (req->role, "candidate"))
    {
      JsonObject *profile = xpz_platform_load_profile (self, req->account_id, NULL);
      JsonObject *privacy = xpz_platform_privacy_json (self, req->account_id);

      add_change (changes, "profile", "0", "upsert", object_node (profile ? profile : json_object_new ()), "/api/v1/me/profile");
      if (privacy != NULL)
        add_change (changes, "privacy", "0", "upsert", object_node (privacy), "/api/v1/me/privacy");
      add_change (changes, "documents", "0", "refetch", NULL, "/api/v1/me/documents");
      add_change (changes, "introductions", "0", "refetch", NULL, "/api/v1/me/introductions");
      add_change (changes, "shares", "0", "refetch", NULL, "/api/v1/me/shares");
    }
  else
    {
      g_autoptr(GArray) ids = xpz_platform_employer_job_ids (req->db, req->account_id);

      for (guint i = 0; i < ids->len; i++)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, i));
          JsonNode *job = xpz_platform_job_owner_json (self, g_array_index (ids, gint64, i));

          if (job != NULL)
            add_change (changes, "job", id, "upsert", job, NULL);
        }
    }
}

/* Fills the page from the snapshot; returns TRUE when the snapshot is exhausted. */
static gboolean
snapshot_matches (XpzRequest *req,
                  Cursor     *cursor,
                  Page       *changes,
                  guint       limit)
{
  XpzPlatformServer *self = req->server;
  XpzPlatformMatcher *m = self->matcher;
  guint n_jobs = xpz_platform_matcher_n_jobs (m);
  guint n_candidates = xpz_platform_matcher_n_candidates (m);

  if (g_str_equal (req->role, "candidate"))
    {
      XpzCandidateVec *c = xpz_platform_matcher_get_candidate (m, req->account_id);

      for (; cursor->a < n_jobs; cursor->a++)
        {
          XpzJobVec *j = xpz_platform_matcher_job_at (m, (guint) cursor->a);
          g_autofree char *id = NULL;

          if (changes->count >= limit)
            return FALSE;
          if (!candidate_match_visible (self, c, j) || xpz_platform_match_dismissed (req->db, c->id, j->id))
            continue;
          id = g_strdup_printf ("%" G_GINT64_FORMAT, j->id);
          add_change (changes, "match", id, "upsert", xpz_platform_candidate_match_json (self, c, j), NULL);
        }
      return TRUE;
    }

  for (; cursor->a < n_jobs; cursor->a++, cursor->b = 0)
    {
      XpzJobVec *j = xpz_platform_matcher_job_at (m, (guint) cursor->a);
      XpzJobContext context = { 0 };

      if (j->deleted || j->employer_id != req->account_id)
        continue;
      xpz_platform_job_context_load (self, &context, j);
      for (; cursor->b < n_candidates; cursor->b++)
        {
          XpzCandidateVec *c = xpz_platform_matcher_candidate_at (m, (guint) cursor->b);
          XpzScore score;
          char id[48];

          if (changes->count >= limit)
            {
              xpz_platform_job_context_clear (&context);
              return FALSE;
            }
          if (!employer_match (self, c, j, &context, &score))
            continue;
          g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, j->id,
                      xpz_platform_candidate_handle (self, j->id, c->id));
          begin_change (changes, "match", id, "upsert");
          g_string_append (changes->buf, ",\"data\":");
          if (!xpz_platform_employer_match_append (self, c, j, &score, &context, changes->buf))
            {
              g_autoptr(JsonNode) node = xpz_platform_employer_match_json_with (self, c, j, &score, &context);
              gsize len;
              g_autofree char *text = xpz_platform_json_to_string (node, &len);

              g_string_append_len (changes->buf, text, (gssize) len);
            }
          g_string_append_c (changes->buf, '}');
        }
      xpz_platform_job_context_clear (&context);
    }
  return TRUE;
}

static void
render_delta (XpzRequest *req,
              const char *kind,
              const char *entity,
              Page       *changes)
{
  XpzPlatformServer *self = req->server;

  if (g_str_equal (kind, "profile"))
    {
      JsonObject *profile = xpz_platform_load_profile (self, req->account_id, NULL);
      add_change (changes, kind, entity, "upsert", object_node (profile ? profile : json_object_new ()), "/api/v1/me/profile");
    }
  else if (g_str_equal (kind, "privacy"))
    {
      JsonObject *privacy = xpz_platform_privacy_json (self, req->account_id);
      if (privacy != NULL)
        add_change (changes, kind, entity, "upsert", object_node (privacy), "/api/v1/me/privacy");
    }
  else if (g_str_equal (kind, "job"))
    {
      gint64 id = g_ascii_strtoll (entity, NULL, 10);
      JsonNode *job = xpz_platform_matcher_get_job (self->matcher, id) ? xpz_platform_job_owner_json (self, id) : NULL;

      add_change (changes, kind, entity, job ? "upsert" : "delete", job, NULL);
    }
  else if (g_str_equal (kind, "match") && g_str_equal (req->role, "employer"))
    {
      gint64 job_id = 0, cand_id = 0;
      XpzJobVec *j;
      XpzCandidateVec *c;
      XpzScore score;
      char id[48];

      if (sscanf (entity, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, &job_id, &cand_id) != 2 ||
          cand_id <= 0 || (guint64) cand_id > XPZ_PLATFORM_HANDLE_MAX)
        return;
      /* the stored entity names the account; the employer reads the job's handle */
      g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, job_id,
                  xpz_platform_candidate_handle (self, job_id, cand_id));
      j = xpz_platform_matcher_get_job (self->matcher, job_id);
      c = xpz_platform_matcher_get_candidate (self->matcher, cand_id);
      if (j != NULL && j->employer_id == req->account_id && employer_match (self, c, j, NULL, &score))
        add_change (changes, kind, id, "upsert", xpz_platform_employer_match_json (self, c, j, &score), NULL);
      else
        add_change (changes, kind, id, "delete", NULL, NULL);
    }
  else if (g_str_equal (kind, "matches"))
    add_change (changes, kind, entity, "refetch", NULL, "/api/v1/me/matches");
  else if (g_str_equal (kind, "share"))
    add_change (changes, kind, entity, "refetch", NULL, "/api/v1/me/shares");
  else if (g_str_equal (kind, "introduction"))
    add_change (changes, kind, entity, "refetch", NULL, "/api/v1/me/introductions");
  else if (g_str_equal (kind, "document"))
    add_change (changes, kind, entity, "refetch", NULL, "/api/v1/me/documents");
  else if (g_str_equal (kind, "sign_in"))
    add_change (changes, kind, entity, "refetch", NULL, "/api/v1/me/sign-ins");
  else if (g_str_equal (kind, "deletion_request"))
    add_change (changes, kind, entity, "refetch", NULL, "/api/v1/me/deletion-request");
  else if (g_str_equal (kind, "policy"))
    add_change (changes, kind, entity, "refetch", NULL, "/api/v1/me/policy-acceptances");
}

void
xpz_platform_feed_changes (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  const char *since = xpz_request_query (req, "since");
  const char *limit_text = xpz_request_query (req, "limit");
  guint64 limit = DEFAULT_LIMIT;
  Cursor cursor = { 0 };
  Page page = { NULL, 0 };
  Page *changes = &page;
  GString *out;
  g_autofree char *next = NULL;
  gboolean more = FALSE;
  gint64 max_seq;

  if (!xpz_request_auth (req, NULL))
    return;
  if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 1, MAX_LIMIT, &limit, NULL))
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_limit", "limit must be 1–10000");
      return;
    }

  max_seq = xpz_platform_db_int (req->db, 0, "SELECT MAX (seq) FROM changes", NULL);
  if (since != NULL && *since != '\0')
    {
      switch (cursor_decode (self, since, req->account_id, req->now, &cursor))
        {
        case 1:
          xpz_request_error (req, SOUP_STATUS_GONE, "cursor_unknown",
                             "Unknown cursor; start again without one");
          return;
        case 2:
          xpz_request_error (req, SOUP_STATUS_GONE, "cursor_expired",
                             "The cursor has expired; start again without one");
          return;
        default:
          break;
        }
      if (cursor.seq > max_seq)
        {
          xpz_request_error (req, SOUP_STATUS_GONE, "cursor_unknown", "Unknown cursor; start again without one");
          return;
        }
    }
  else
    {
      cursor.account_id = req->account_id;
      cursor.phase = 's';
      cursor.seq = max_seq;
      cursor.a = -1;   /* -1: the fixed part of the snapshot comes first */
      cursor.b = 0;
    }

  page.buf = g_string_sized_new (64 * 1024);
  if (g_str_equal (req->role, "candidate"))
    policy_notice (req, changes);

  if (cursor.phase == 's')
    {
      if (cursor.a < 0)
        {
          snapshot_fixed (req, changes);
          cursor.a = 0;
        }
      if (snapshot_matches (req, &cursor, changes, (guint) limit))
        {
          cursor.phase = 'd';
          cursor.a = cursor.b = 0;
        }
      else
        more = TRUE;
    }

  if (cursor.phase == 'd' && !more)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      sqlite3_stmt *stmt = xpz_platform_db_query (req->db,
                                                  "SELECT seq, kind, entity FROM changes WHERE account_id = ? AND seq > ?"
                                                  " ORDER BY seq LIMIT ?", "iii", req->account_id, cursor.seq,
                                                  (gint64) limit + 1);
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
      guint n = 0;

      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          if (n++ == limit)
            {
              more = TRUE;
              break;
            }
          cursor.seq = sqlite3_column_int64 (stmt, 0);
          g_ptr_array_add (rows, g_strdup_printf ("%s\n%s", sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2)));
        }
      if (stmt != NULL)
        sqlite3_reset (stmt);
      /* render each entity once per page, in its latest state */
      for (guint i = rows->len; i > 0; i--)
        {
          const char *row = g_ptr_array_index (rows, i - 1);
          if (!g_hash_table_add (seen, g_strdup (row)))
            ((char *) g_ptr_array_index (rows, i - 1))[0] = '\0';
        }
      for (guint i = 0; i < rows->len; i++)
        {
          char *row = g_ptr_array_index (rows, i);
          char *nl = strchr (row, '\n');

          if (*row == '\0' || nl == NULL)
            continue;
          *nl = '\0';
          render_delta (req, row, nl + 1, changes);
        }
      if (!more)
        cursor.seq = MAX (cursor.seq, 0);
    }

  cursor.issued_at = req->now;
  next = cursor_encode (self, &cursor);
  /* written by hand: a page can hold 10 000 matches (megabytes, put in place rather than
   * copied into a second buffer) */
  out = g_string_sized_new (256);
  g_string_append (out, "{\"cursor\":");
  xpz_platform_json_append_string (out, next);
  g_string_append (out, ",\"changes\":[");
  g_string_prepend_len (page.buf, out->str, (gssize) out->len);
  g_string_free (out, TRUE);
  out = page.buf;
  g_string_append_printf (out, "],\"more\":%s}", more ? "true" : "false");
  g_clear_pointer (&req->response, g_free);
  req->status = SOUP_STATUS_OK;
  req->response_len = out->len;
  req->response = g_string_free (out, FALSE);
}
