/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-sync-engine"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-crypto.h"
#include "xpz-json-strict.h"
#include "xpz-parked-change.h"
#include "xpz-sync-engine-private.h"

/* Offline-first sending (B3). Every local change writes its data and an outbox row in
 * one transaction (xpz_outbox_add()), so the UI never waits for the network. The engine
 * sends outbox rows in order, each with the Idempotency-Key it got when it was written
 * (the same on every retry, so a request whose answer was lost is not applied twice)
 * and its If-Match. What the answer means:
 *   2xx        done: the row goes
 *   401        refresh the session once; if that fails, pause (nothing is dropped)
 *   412        a newer copy exists on the platform: the row is parked for the user
 *   other 4xx  refused as it stands (422: key reused with another body): parked, kept
 *   429, 503   wait for Retry-After
 *   5xx, none  back off with full jitter (base 1 s, cap 5 min)
 * Bodies are encrypted at rest like every other personal field (R9.2). */

#define BACKOFF_BASE_SECONDS 1
#define BACKOFF_CAP_SECONDS  300


enum {
  PROP_0,
  PROP_STATE,
  PROP_NEXT_ATTEMPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NEWS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_ENUM_TYPE (XpzSyncState, xpz_sync_state,
                    G_DEFINE_ENUM_VALUE (XPZ_SYNC_STATE_UP_TO_DATE, "up-to-date"),
                    G_DEFINE_ENUM_VALUE (XPZ_SYNC_STATE_SYNCING, "syncing"),
                    G_DEFINE_ENUM_VALUE (XPZ_SYNC_STATE_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (XPZ_SYNC_STATE_NEEDS_SIGN_IN, "needs-sign-in"),
                    G_DEFINE_ENUM_VALUE (XPZ_SYNC_STATE_NEEDS_ATTENTION, "needs-attention"))

G_DEFINE_FINAL_TYPE (XpzSyncEngine, xpz_sync_engine, G_TYPE_OBJECT)

gint64
xpz_sync_engine_now (XpzSyncEngine *self)
{
  return self->fixed_now != 0 ? self->fixed_now : g_get_real_time () / G_USEC_PER_SEC;
}

/* For tests: the engine's notion of now (Unix seconds); 0 follows the real clock. */
void
xpz_sync_engine_set_now (XpzSyncEngine *self,
                         gint64         unix_seconds)
{
  g_return_if_fail (XPZ_IS_SYNC_ENGINE (self));
  self->fixed_now = unix_seconds;
}

/**
 * xpz_sync_backoff_delay:
 * @attempts: failed attempts so far (1 after the first failure)
 * @random_value: a uniformly random number
 *
 * Full jitter: a delay drawn from [1, min(cap, base × 2^attempts)] seconds.
 */
gint64
xpz_sync_backoff_delay (guint   attempts,
                        guint32 random_value)
{
  gint64 bound = BACKOFF_BASE_SECONDS;

  for (guint i = 0; i < attempts && bound < BACKOFF_CAP_SECONDS; i++)
    bound *= 2;
  bound = MIN (bound, BACKOFF_CAP_SECONDS);
  return 1 + (gint64) (random_value % (guint32) bound);
}

void
xpz_sync_engine_set_state (XpzSyncEngine *self,
                           XpzSyncState   state,
                           gint64         next_attempt)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (self->next_attempt != next_attempt)
    {
      self->next_attempt = next_attempt;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_ATTEMPT]);
    }
}

void
xpz_sync_engine_emit_news (XpzSyncEngine *self,
                           guint          introductions,
                           guint          strong_matches,
                           const char    *policy_summary)
{
  g_signal_emit (self, signals[NEWS], 0, introductions, strong_matches, policy_summary);
}

XpzSyncState
xpz_sync_engine_get_state (XpzSyncEngine *self)
{
  g_return_val_if_fail (XPZ_IS_SYNC_ENGINE (self), XPZ_SYNC_STATE_UP_TO_DATE);
  return self->state;
}

/* When the next attempt is due (Unix seconds), or 0. */
gint64
xpz_sync_engine_get_next_attempt (XpzSyncEngine *self)
{
  g_return_val_if_fail (XPZ_IS_SYNC_ENGINE (self), 0);
  return self->next_attempt;
}

XpzSyncEngine *
xpz_sync_engine_new (XpzStore   *store,
                     XpzSession *session,
                     GBytes     *key)
{
  XpzSyncEngine *self;

  g_return_val_if_fail (XPZ_IS_STORE (store), NULL);
  g_return_val_if_fail (XPZ_IS_SESSION (session), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (XPZ_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->session = g_object_ref (session);
  self->key = g_bytes_ref (key);
  return self;
}

/* --- the outbox table --------------------------------------------------------------- */

static char *
body_aad (const char *idempotency_key)
{
  return g_strconcat ("outbox/body/", idempotency_key, NULL);
}

/**
 * xpz_outbox_add:
 * @db: the store's connection, inside a write transaction (an #XpzStoreFunc)
 * @body_json: (nullable): the request body
 * @idempotency_key: (nullable): a key to reuse; %NULL makes a new one
 *
 * Queues a request in the same transaction as the local change it carries.
 *
 * Returns: the outbox row id, or 0 with @error set
 */
gint64
xpz_outbox_add (sqlite3     *db,
                GBytes      *key,
                const char  *method,
                const char  *path,
                const char  *body_json,
                const char  *if_match,
                const char  *idempotency_key,
                gint64       now,
                GError     **error)
{
  g_autofree char *fresh_key = NULL;
  g_autofree char *aad = NULL;
  g_autoptr (GBytes) sealed = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (idempotency_key == NULL)
    {
      fresh_key = g_uuid_string_random ();
      idempotency_key = fresh_key;
    }

  if (body_json != NULL)
    {
      aad = body_aad (idempotency_key);
      sealed = xpz_crypto_encrypt (key, (const guint8 *) body_json, strlen (body_json), aad, error);
      if (sealed == NULL)
        return 0;
    }

  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO outbox (op, path, body, idempotency_key, if_match,"
                           " created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, method, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, path, -1, SQLITE_STATIC);
      if (sealed != NULL)
        sqlite3_bind_blob (stmt, 3, g_bytes_get_data (sealed, NULL),
                           (int) g_bytes_get_size (sealed), SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 3);
      sqlite3_bind_text (stmt, 4, idempotency_key, -1, SQLITE_STATIC);
      if (if_match != NULL)
        sqlite3_bind_text (stmt, 5, if_match, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 5);
      sqlite3_bind_int64 (stmt, 6, now);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return 0;
    }
  return sqlite3_last_insert_rowid (db);
}

typedef struct
{
  gint64  id;
  char   *method;
  char   *path;
  char   *idempotency_key;
  char   *if_match;
  GBytes *sealed_body;
  guint   attempts;
  gint64  next_attempt_at;
} OutboxRow;

static void
outbox_row_free (OutboxRow *row)
{
  g_free (row->method);
  g_free (row->path);
  g_free (row->idempotency_key);
  g_free (row->if_match);
  g_clear_pointer (&row->sealed_body, g_bytes_unref);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OutboxRow, outbox_row_free)

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* The first pending row, or a row with id 0 when none waits. */
static gpointer
next_row_func (XpzStore      *store,
               sqlite3       *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  OutboxRow *row = g_new0 (OutboxRow, 1);
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, op, path, body, idempotency_key, if_match, attempts,"
                           " next_attempt_at FROM outbox WHERE state = 'pending'"
                           " ORDER BY id LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->id = sqlite3_column_int64 (stmt, 0);
      row->method = column_strdup (stmt, 1);
      row->path = column_strdup (stmt, 2);
      if (sqlite3_column_type (stmt, 3) == SQLITE_BLOB)
        row->sealed_body = g_bytes_new (sqlite3_column_blob (stmt, 3),
                                        sqlite3_column_bytes (stmt, 3));
      row->idempotency_key = column_strdup (stmt, 4);
      row->if_match = column_strdup (stmt, 5);
      row->attempts = (guint) sqlite3_column_int (stmt, 6);
      row->next_attempt_at = sqlite3_column_int64 (stmt, 7);
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      outbox_row_free (row);
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return row;
}

typedef enum
{
  ROW_DONE,
  ROW_PARK,
  ROW_RESCHEDULE,
} RowOutcome;

typedef struct
{
  gint64     id;
  RowOutcome outcome;
  gint64     next_attempt_at;
  /* ROW_PARK */
  const char *reason;        /* 'conflict', 'refused', 'unreadable' (static) */
  char       *detail;
  GBytes     *server_copy;   /* sealed */
  char       *server_etag;
} RowUpdate;

static void
row_update_free (RowUpdate *update)
{
  g_free (update->detail);
  g_clear_pointer (&update->server_copy, g_bytes_unref);
  g_free (update->server_etag);
  g_free (update);
}

static char *
server_aad (const char *idempotency_key)
{
  return g_strconcat ("outbox/server/", idempotency_key, NULL);
}

static gpointer
update_row_func (XpzStore      *store,
                 sqlite3       *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  RowUpdate *update = data;
  sqlite3_stmt *stmt = NULL;
  const char *sql;
  int rc;

  switch (update->outcome)
    {
    case ROW_DONE:
      sql = "DELETE FROM outbox WHERE id = ?1";
      break;
    case ROW_PARK:
      sql = "UPDATE outbox SET state = 'parked', parked_reason = ?3, parked_detail = ?4,"
            " server_copy = ?5, server_etag = ?6 WHERE id = ?1";
      break;
    case ROW_RESCHEDULE:
    default:
      sql = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2 WHERE id = ?1";
      break;
    }

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, update->id);
      if (update->outcome == ROW_RESCHEDULE)
        sqlite3_bind_int64 (stmt, 2, update->next_attempt_at);
      if (update->outcome == ROW_PARK)
        {
          sqlite3_bind_text (stmt, 3, update->reason, -1, SQLITE_STATIC);
          xpz_store_bind_text_or_null (stmt, 4, update->detail);
          if (update->server_copy != NULL)
            sqlite3_bind_blob (stmt, 5, g_bytes_get_data (update->server_copy, NULL),
                               (int) g_bytes_get_size (update->server_copy), SQLITE_STATIC);
          else
            sqlite3_bind_null (stmt, 5);
          xpz_store_bind_text_or_null (stmt, 6, update->server_etag);
        }
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

typedef struct
{
  guint pending;
  guint parked;
} Counts;

static gpointer
count_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  Counts *counts = g_new0 (Counts, 1);
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT state, count(*) FROM outbox GROUP BY state", -1,
                           &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *state = (const char *) sqlite3_column_text (stmt, 0);
      guint n = (guint) sqlite3_column_int (stmt, 1);

      if (g_strcmp0 (state, "parked") == 0)
        counts->parked = n;
      else
        counts->pending = n;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_free (counts);
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return counts;
}

/**
 * xpz_sync_engine_count:
 *
 * Counts the outbox's rows on the calling thread (for tests and tools; the UI follows
 * #XpzSyncEngine:state).
 */
gboolean
xpz_sync_engine_count (XpzSyncEngine  *self,
                       guint          *n_pending,
                       guint          *n_parked,
                       GError        **error)
{
  g_autofree Counts *counts = NULL;

  g_return_val_if_fail (XPZ_IS_SYNC_ENGINE (self), FALSE);

  counts = xpz_store_run_sync (self->store, FALSE, count_func, NULL, error);
  if (counts == NULL)
    return FALSE;
  if (n_pending != NULL)
    *n_pending = counts->pending;
  if (n_parked != NULL)
    *n_parked = counts->parked;
  return TRUE;
}

/* --- enqueue ------------------------------------------------------------------------ */

typedef struct
{
  GBytes *key;
  char   *method;
  char   *path;
  char   *body;
  char   *if_match;
  char   *idempotency_key;
  gint64  now;
} Enqueue;

static void
enqueue_free (Enqueue *e)
{
  g_bytes_unref (e->key);
  g_free (e->method);
  g_free (e->path);
  g_free (e->body);
  g_free (e->if_match);
  g_free (e->idempotency_key);
  g_free (e);
}

static gpointer
enqueue_func (XpzStore      *store,
              sqlite3       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Enqueue *e = data;
  gint64 id = xpz_outbox_add (db, e->key, e->method, e->path, e->body, e->if_match,
                              e->idempotency_key, e->now, error);

  if (id <= 0)
    return NULL;
  /* Whoever syncs this account hears of it, and sends it. */
  xpz_store_record_change (store, "outbox", id, XPZ_STORE_CHANGE_INSERTED);
  return g_memdup2 (&id, sizeof id);
}

static void
enqueue_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gint64 *id = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (id == NULL)
    g_task_return_error (task, error);
  else
    {
      g_task_return_int (task, *id);
      g_free (id);
    }
}

/**
 * xpz_sync_engine_enqueue_async:
 * @body: (nullable): the JSON body
 * @if_match: (nullable): the ETag the change was made against
 * @idempotency_key: (nullable): %NULL for a new key
 *
 * Queues a request in a write transaction of its own. Code that also changes local
 * data calls xpz_outbox_add() inside its own transaction instead.
 */
void
xpz_sync_engine_enqueue_async (XpzSyncEngine       *self,
                               const char          *method,
                               const char          *path,
                               JsonNode            *body,
                               const char          *if_match,
                               const char          *idempotency_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Enqueue *e;

  g_return_if_fail (XPZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_sync_engine_enqueue_async);

  e = g_new0 (Enqueue, 1);
  e->key = g_bytes_ref (self->key);
  e->method = g_strdup (method);
  e->path = g_strdup (path);
  e->body = body != NULL ? xpz_json_to_string (body, FALSE, NULL) : NULL;
  e->if_match = g_strdup (if_match);
  e->idempotency_key = g_strdup (idempotency_key);
  e->now = xpz_sync_engine_now (self);
  xpz_store_run_async (self->store, TRUE, enqueue_func, e, (GDestroyNotify) enqueue_free,
                       g_free, cancellable, enqueue_cb, task);
}

gint64
xpz_sync_engine_enqueue_finish (XpzSyncEngine  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return g_task_propagate_int (G_TASK (result), error);
}

/* --- push --------------------------------------------------------------------------- */

typedef struct
{
  OutboxRow *row;
  gboolean   refreshed;
  guint      sent;
  gint64     when;
} Push;

static void
push_free (Push *push)
{
  g_clear_pointer (&push->row, outbox_row_free);
  g_free (push);
}

static void push_next (GTask *task);

static void
push_finish_ok (GTask        *task,
                XpzSyncState  state,
                gint64        next_attempt)
{
  XpzSyncEngine *self = g_task_get_source_object (task);

  self->pushing = FALSE;
  xpz_sync_engine_set_state (self, state, next_attempt);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
push_finish_error (GTask        *task,
                   XpzSyncState  state,
                   GError       *error)
{
  XpzSyncEngine *self = g_task_get_source_object (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = XPZ_SYNC_STATE_WAITING;

  self->pushing = FALSE;
  xpz_sync_engine_set_state (self, state, 0);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autofree Counts *counts = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (counts == NULL)
    {
      push_finish_error (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, error);
      return;
    }
  push_finish_ok (task, counts->parked > 0 ? XPZ_SYNC_STATE_NEEDS_ATTENTION
                                           : XPZ_SYNC_STATE_UP_TO_DATE, 0);
}

static void
row_updated_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  gpointer ok = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (ok == NULL)
    {
      push_finish_error (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, error);
      return;
    }
  push_next (task);
}

static void
run_update (GTask     *task,
            RowUpdate *update)
{
  XpzSyncEngine *self = g_task_get_source_object (task);
  Push *push = g_task_get_task_data (task);

  update->id = push->row->id;
  xpz_store_run_async (self->store, TRUE, update_row_func, update,
                       (GDestroyNotify) row_update_free, NULL,
                       g_task_get_cancellable (task), row_updated_cb, task);
}

static void
row_done (GTask *task)
{
  RowUpdate *update = g_new0 (RowUpdate, 1);

  update->outcome = ROW_DONE;
  run_update (task, update);
}

/* Kept, shown, never deleted: the user resolves it. */
static void
park_row (GTask      *task,
          const char *reason,
          const char *detail,
          GBytes     *server_copy,
          const char *server_etag)
{
  RowUpdate *update = g_new0 (RowUpdate, 1);

  update->outcome = ROW_PARK;
  update->reason = reason;
  update->detail = g_strdup (detail);
  update->server_copy = server_copy != NULL ? g_bytes_ref (server_copy) : NULL;
  update->server_etag = g_strdup (server_etag);
  run_update (task, update);
}

/* 412: the platform's newer copy is fetched and kept beside the change, sealed. */
static void
server_copy_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  XpzSyncEngine *self = g_task_get_source_object (task);
  Push *push = g_task_get_task_data (task);
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (GError) error = NULL;

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response != NULL && xpz_api_response_get_status (response) == 200 &&
      xpz_api_response_get_body (response) != NULL)
    {
      g_autofree char *json = xpz_json_to_string (xpz_api_response_get_body (response), FALSE, NULL);
      g_autofree char *aad = server_aad (push->row->idempotency_key);

      sealed = xpz_crypto_encrypt (self->key, (const guint8 *) json, strlen (json), aad, NULL);
    }
  park_row (task, "conflict", NULL, sealed,
            response != NULL ? xpz_api_response_get_etag (response) : NULL);
}

/* The row waits for its next attempt: the push ends here, in order. */
static void
reschedule_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Push *push = g_task_get_task_data (task);
  GError *error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL)
    {
      push_finish_error (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, error);
      return;
    }
  push_finish_ok (task, XPZ_SYNC_STATE_WAITING, push->when);
}

static void
reschedule (GTask  *task,
            gint64  delay)
{
  XpzSyncEngine *self = g_task_get_source_object (task);
  Push *push = g_task_get_task_data (task);
  RowUpdate *update = g_new0 (RowUpdate, 1);

  update->id = push->row->id;
  update->outcome = ROW_RESCHEDULE;
  update->next_attempt_at = xpz_sync_engine_now (self) + delay;
  push->when = update->next_attempt_at;
  g_debug ("Outbox row %" G_GINT64_FORMAT " waits %" G_GINT64_FORMAT " s", update->id, delay);
  xpz_store_run_async (self->store, TRUE, update_row_func, update,
                       (GDestroyNotify) row_update_free, NULL,
                       g_task_get_cancellable (task), reschedule_cb, task);
}

static void send_row (GTask *task);

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
          g_clear_error (&error);
          reschedule (task, xpz_sync_backoff_delay (1, g_random_int ()));
          return;
        }
      /* The session is over: pause, keep every queued change. */
      push_finish_error (task, XPZ_SYNC_STATE_NEEDS_SIGN_IN, error);
      return;
    }
  send_row (task);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  XpzSyncEngine *self = g_task_get_source_object (task);
  Push *push = g_task_get_task_data (task);
  g_autoptr (XpzApiResponse) response = NULL;
  GError *error = NULL;
  guint status;

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          push_finish_error (task, XPZ_SYNC_STATE_WAITING, error);
          return;
        }
      /* No answer (offline, dropped, malformed): it may or may not have been applied;
       * the same key makes the retry safe. */
      g_debug ("Outbox row %" G_GINT64_FORMAT ": %s", push->row->id, error->message);
      g_clear_error (&error);
      reschedule (task, xpz_sync_backoff_delay (push->row->attempts + 1, g_random_int ()));
      return;
    }

  status = xpz_api_response_get_status (response);
  if (status >= 200 && status < 300)
    {
      push->sent++;
      row_done (task);
    }
  else if (status == 401 && !push->refreshed)
    {
      push->refreshed = TRUE;
      xpz_session_refresh_async (self->session, g_task_get_cancellable (task), refreshed_cb,
                                 task);
    }
  else if (status == 401)
    push_finish_error (task, XPZ_SYNC_STATE_NEEDS_SIGN_IN,
                       g_error_new_literal (XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED,
                                            _("Your session has ended; sign in again")));
  else if (status == 429 || status == 503)
    {
      gint64 wait = xpz_api_response_get_retry_after (response);

      reschedule (task, wait >= 0 ? MAX (wait, 1)
                                  : xpz_sync_backoff_delay (push->row->attempts + 1,
                                                            g_random_int ()));
    }
  else if (status == 412)
    {
      /* A newer copy on the platform: fetched, so that the user can choose. */
      g_debug ("Outbox row %" G_GINT64_FORMAT ": conflict", push->row->id);
      xpz_api_client_call_async (xpz_session_get_client (self->session), "GET",
                                 push->row->path, NULL, NULL, NULL,
                                 g_task_get_cancellable (task), server_copy_cb, task);
    }
  else if (status >= 400 && status < 500)
    {
      /* 422 (key reused with another body) and others: refused as it stands. */
      g_debug ("Outbox row %" G_GINT64_FORMAT " parked (%u %s)", push->row->id, status,
               xpz_api_response_get_error_code (response));
      park_row (task, "refused", xpz_api_response_get_error_message (response), NULL, NULL);
    }
  else
    reschedule (task, xpz_sync_backoff_delay (push->row->attempts + 1, g_random_int ()));
}

static void
send_row (GTask *task)
{
  XpzSyncEngine *self = g_task_get_source_object (task);
  Push *push = g_task_get_task_data (task);
  OutboxRow *row = push->row;
  g_autoptr (JsonNode) body = NULL;

  if (row->sealed_body != NULL)
    {
      g_autofree char *aad = body_aad (row->idempotency_key);
      g_autoptr (GBytes) plain = NULL;
      GError *error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (row->sealed_body, &len);

      plain = xpz_crypto_decrypt (self->key, data, len, aad, &error);
      if (plain != NULL)
        body = xpz_json_parse_strict (g_bytes_get_data (plain, NULL), (gssize) g_bytes_get_size (plain),
                                      XPZ_JSON_STRICT_DEFAULT_DEPTH, &error);
      if (body == NULL)
        {
          /* Unreadable with this key: keep it, and say so. */
          g_warning ("Outbox row %" G_GINT64_FORMAT " cannot be read: %s", row->id,
                     error->message);
          park_row (task, "unreadable", error->message, NULL, NULL);
          g_clear_error (&error);
          return;
        }
    }

  xpz_api_client_call_async (xpz_session_get_client (self->session), row->method, row->path,
                             body, row->idempotency_key, row->if_match,
                             g_task_get_cancellable (task), sent_cb, task);
}

static void
next_row_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  XpzSyncEngine *self = g_task_get_source_object (task);
  Push *push = g_task_get_task_data (task);
  GError *error = NULL;
  OutboxRow *row = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (row == NULL)
    {
      push_finish_error (task, XPZ_SYNC_STATE_NEEDS_ATTENTION, error);
      return;
    }

  g_clear_pointer (&push->row, outbox_row_free);
  push->row = row;
  push->refreshed = FALSE;

  if (row->id == 0)
    {
      /* Drained: up to date, unless something is parked. */
      xpz_store_run_async (self->store, FALSE, count_func, NULL, NULL, g_free,
                           g_task_get_cancellable (task), counted_cb, task);
      return;
    }
  if (row->next_attempt_at > xpz_sync_engine_now (self))
    {
      /* Not before its time (Retry-After, back-off): rows go in order, so stop here. */
      push_finish_ok (task, XPZ_SYNC_STATE_WAITING, row->next_attempt_at);
      return;
    }
  send_row (task);
}

static void
push_next (GTask *task)
{
  XpzSyncEngine *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      self->pushing = FALSE;
      g_object_unref (task);
      return;
    }
  xpz_store_run_async (self->store, FALSE, next_row_func, NULL, NULL,
                       (GDestroyNotify) outbox_row_free, g_task_get_cancellable (task),
                       next_row_cb, task);
}

/*
 * Starts a push or a pull: one at a time. Returns the task (its data set, @flag raised,
 * the state "syncing"), or %NULL after completing it with G_IO_ERROR_PENDING.
 */
GTask *
xpz_sync_engine_begin (XpzSyncEngine       *self,
                       gpointer             source_tag,
                       gboolean            *flag,
                       gpointer             task_data,
                       GDestroyNotify       task_data_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, task_data, task_data_free);
  if (self->pushing || self->pulling)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A synchronisation is already running");
      g_object_unref (task);
      return NULL;
    }
  *flag = TRUE;
  xpz_sync_engine_set_state (self, XPZ_SYNC_STATE_SYNCING, self->next_attempt);
  return task;
}

/**
 * xpz_sync_engine_push_async:
 *
 * Sends the outbox's due rows in order until it is empty or a row must wait. Completes
 * with %TRUE in both cases (see #XpzSyncEngine:state and :next-attempt), or an error
 * when the session has ended (%XPZ_API_ERROR_UNAUTHORIZED) or the store fails.
 */
void
xpz_sync_engine_push_async (XpzSyncEngine       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_SYNC_ENGINE (self));

  task = xpz_sync_engine_begin (self, xpz_sync_engine_push_async, &self->pushing,
                                g_new0 (Push, 1), (GDestroyNotify) push_free,
                                cancellable, callback, user_data);
  if (task != NULL)
    push_next (task);
}

gboolean
xpz_sync_engine_push_finish (XpzSyncEngine  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- parked changes: shown and resolved by the user --------------------------------- */

static JsonNode *
unseal_json (GBytes        *key,
             const void    *blob,
             gsize          length,
             const char    *aad)
{
  g_autoptr (GBytes) plain = xpz_crypto_decrypt (key, blob, length, aad, NULL);

  if (plain == NULL)
    return NULL;
  return xpz_json_parse_strict (g_bytes_get_data (plain, NULL), (gssize) g_bytes_get_size (plain),
                                XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);
}

static gpointer
list_parked_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GBytes *key = data;
  GListStore *list = g_list_store_new (XPZ_TYPE_PARKED_CHANGE);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, op, path, body, idempotency_key, parked_reason,"
                           " parked_detail, server_copy FROM outbox WHERE state = 'parked'"
                           " ORDER BY id", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *idem = (const char *) sqlite3_column_text (stmt, 4);
      const char *reason = (const char *) sqlite3_column_text (stmt, 5);
      g_autofree char *body_aad_s = body_aad (idem);
      g_autofree char *server_aad_s = server_aad (idem);
      g_autoptr (JsonNode) mine = NULL;
      g_autoptr (JsonNode) theirs = NULL;
      g_autoptr (XpzParkedChange) change = NULL;

      if (sqlite3_column_type (stmt, 3) == SQLITE_BLOB)
        mine = unseal_json (key, sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3),
                            body_aad_s);
      if (sqlite3_column_type (stmt, 7) == SQLITE_BLOB)
        theirs = unseal_json (key, sqlite3_column_blob (stmt, 7),
                              sqlite3_column_bytes (stmt, 7), server_aad_s);
      change = xpz_parked_change_new (sqlite3_column_int64 (stmt, 0),
                                      (const char *) sqlite3_column_text (stmt, 1),
                                      (const char *) sqlite3_column_text (stmt, 2),
                                      g_strcmp0 (reason, "conflict") == 0 ? XPZ_PARKED_CONFLICT
                                      : g_strcmp0 (reason, "unreadable") == 0
                                        ? XPZ_PARKED_UNREADABLE : XPZ_PARKED_REFUSED,
                                      (const char *) sqlite3_column_text (stmt, 6),
                                      mine, theirs);
      g_list_store_append (list, change);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_object_unref (list);
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return list;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GListStore *list = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, g_object_unref);
}

/**
 * xpz_sync_engine_list_parked_async:
 *
 * The changes the platform did not take, as a #GListModel of #XpzParkedChange, with
 * what was queued and, for conflicts, the platform's newer copy.
 */
void
xpz_sync_engine_list_parked_async (XpzSyncEngine       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_sync_engine_list_parked_async);
  xpz_store_run_async (self->store, FALSE, list_parked_func, g_bytes_ref (self->key),
                       (GDestroyNotify) g_bytes_unref, g_object_unref, cancellable,
                       listed_cb, task);
}

/**
 * xpz_sync_engine_list_parked_finish:
 * Returns: (transfer full): a #GListModel of #XpzParkedChange
 */
GListModel *
xpz_sync_engine_list_parked_finish (XpzSyncEngine  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gint64        id;
  XpzResolution resolution;
} Resolve;

static gpointer
resolve_func (XpzStore      *store,
              sqlite3       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Resolve *r = data;
  sqlite3_stmt *stmt = NULL;
  const char *sql;
  int rc;

  if (r->resolution == XPZ_RESOLVE_KEEP_MINE)
    /* Sent again, this time against the copy the user has seen. */
    sql = "UPDATE outbox SET state = 'pending', if_match = coalesce (server_etag, if_match),"
          " parked_reason = NULL, parked_detail = NULL, server_copy = NULL, server_etag = NULL,"
          " attempts = 0, next_attempt_at = 0 WHERE id = ?1 AND state = 'parked'";
  else
    /* Theirs stands (the next pull brings it), or the change is given up. */
    sql = "DELETE FROM outbox WHERE id = ?1 AND state = 'parked'";

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, r->id);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  if (sqlite3_changes (db) == 0)
    {
      g_set_error_literal (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_FOUND,
                           _("This change was already resolved"));
      return NULL;
    }
  xpz_store_record_change (store, "outbox", r->id,
                           r->resolution == XPZ_RESOLVE_KEEP_MINE ? XPZ_STORE_CHANGE_INSERTED
                                                                  : XPZ_STORE_CHANGE_DELETED);
  return GINT_TO_POINTER (TRUE);
}

static void
resolve_counted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSyncEngine *self = g_task_get_source_object (task);
  g_autofree Counts *counts = xpz_store_run_finish (XPZ_STORE (source), result, NULL);

  if (counts != NULL && !self->pushing && !self->pulling &&
      self->state == XPZ_SYNC_STATE_NEEDS_ATTENTION && counts->parked == 0)
    xpz_sync_engine_set_state (self, XPZ_SYNC_STATE_UP_TO_DATE, self->next_attempt);
  g_task_return_boolean (task, TRUE);
}

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  xpz_store_run_async (XPZ_STORE (source), FALSE, count_func, NULL, NULL, g_free,
                       cancellable, resolve_counted_cb, g_steal_pointer (&task));
}

/**
 * xpz_sync_engine_resolve_async:
 * @id: an #XpzParkedChange's id
 *
 * The user's decision about a parked change: keep mine (send it again, against the
 * platform's newer copy), keep theirs, or discard it.
 */
void
xpz_sync_engine_resolve_async (XpzSyncEngine       *self,
                               gint64               id,
                               XpzResolution        resolution,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Resolve *r;

  g_return_if_fail (XPZ_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_sync_engine_resolve_async);
  r = g_new0 (Resolve, 1);
  r->id = id;
  r->resolution = resolution;
  xpz_store_run_async (self->store, TRUE, resolve_func, r, g_free, NULL, cancellable,
                       resolved_cb, task);
}

gboolean
xpz_sync_engine_resolve_finish (XpzSyncEngine  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- GObject ------------------------------------------------------------------------ */

static void
xpz_sync_engine_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XpzSyncEngine *self = XPZ_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_NEXT_ATTEMPT:
      g_value_set_int64 (value, self->next_attempt);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_sync_engine_dispose (GObject *object)
{
  XpzSyncEngine *self = XPZ_SYNC_ENGINE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (xpz_sync_engine_parent_class)->dispose (object);
}

static void
xpz_sync_engine_finalize (GObject *object)
{
  XpzSyncEngine *self = XPZ_SYNC_ENGINE (object);

  g_clear_pointer (&self->key, g_bytes_unref);

  G_OBJECT_CLASS (xpz_sync_engine_parent_class)->finalize (object);
}

static void
xpz_sync_engine_class_init (XpzSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xpz_sync_engine_get_property;
  object_class->dispose = xpz_sync_engine_dispose;
  object_class->finalize = xpz_sync_engine_finalize;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, XPZ_TYPE_SYNC_STATE, XPZ_SYNC_STATE_UP_TO_DATE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NEXT_ATTEMPT] =
    g_param_spec_int64 ("next-attempt", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XpzSyncEngine::news:
   * @introductions: new introduction requests
   * @strong_matches: new matches scoring 80 or more
   * @policy_summary: (nullable): the summary of a new material policy version
   *
   * What a pull brought that the user should hear of, even with the window closed.
   */
  signals[NEWS] =
    g_signal_new ("news", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
xpz_sync_engine_init (XpzSyncEngine *self)
{
}
