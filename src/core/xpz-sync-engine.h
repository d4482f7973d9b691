/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "xpz-session.h"
#include "xpz-store.h"

G_BEGIN_DECLS

/**
 * XpzSyncState:
 * @XPZ_SYNC_STATE_UP_TO_DATE: nothing waits to be sent
 * @XPZ_SYNC_STATE_SYNCING: sending
 * @XPZ_SYNC_STATE_WAITING: changes wait for their next attempt (offline, busy platform)
 * @XPZ_SYNC_STATE_NEEDS_SIGN_IN: the session ended; nothing is sent until the user signs
 *   in again, and nothing is dropped
 * @XPZ_SYNC_STATE_NEEDS_ATTENTION: some changes were refused or conflict with a newer
 *   copy; they are kept until the user decides
 */
typedef enum
{
  XPZ_SYNC_STATE_UP_TO_DATE,
  XPZ_SYNC_STATE_SYNCING,
  XPZ_SYNC_STATE_WAITING,
  XPZ_SYNC_STATE_NEEDS_SIGN_IN,
  XPZ_SYNC_STATE_NEEDS_ATTENTION,
} XpzSyncState;

GType xpz_sync_state_get_type (void);
#define XPZ_TYPE_SYNC_STATE (xpz_sync_state_get_type ())

/**
 * XpzResolution:
 * @XPZ_RESOLVE_KEEP_MINE: send the change again, over the platform's newer copy
 * @XPZ_RESOLVE_KEEP_THEIRS: keep the platform's copy; the change is dropped
 * @XPZ_RESOLVE_DISCARD: give up a refused change
 */
typedef enum
{
  XPZ_RESOLVE_KEEP_MINE,
  XPZ_RESOLVE_KEEP_THEIRS,
  XPZ_RESOLVE_DISCARD,
} XpzResolution;

#define XPZ_TYPE_SYNC_ENGINE (xpz_sync_engine_get_type ())

G_DECLARE_FINAL_TYPE (XpzSyncEngine, xpz_sync_engine, XPZ, SYNC_ENGINE, GObject)

XpzSyncEngine *xpz_sync_engine_new             (XpzStore            *store,
                                                XpzSession          *session,
                                                GBytes              *key);
XpzSyncState   xpz_sync_engine_get_state       (XpzSyncEngine       *self);
gint64         xpz_sync_engine_get_next_attempt (XpzSyncEngine      *self);
void           xpz_sync_engine_set_now         (XpzSyncEngine       *self,
                                                gint64               unix_seconds);

void           xpz_sync_engine_enqueue_async   (XpzSyncEngine       *self,
                                                const char          *method,
                                                const char          *path,
                                                JsonNode            *body,
                                                const char          *if_match,
                                                const char          *idempotency_key,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gint64         xpz_sync_engine_enqueue_finish  (XpzSyncEngine       *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void           xpz_sync_engine_push_async      (XpzSyncEngine       *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       xpz_sync_engine_push_finish     (XpzSyncEngine       *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void           xpz_sync_engine_pull_async      (XpzSyncEngine       *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       xpz_sync_engine_pull_finish     (XpzSyncEngine       *self,
                                                GAsyncResult        *result,
                                                guint               *n_applied,
                                                GError             **error);
void           xpz_sync_engine_list_parked_async  (XpzSyncEngine       *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GListModel    *xpz_sync_engine_list_parked_finish (XpzSyncEngine       *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
void           xpz_sync_engine_resolve_async   (XpzSyncEngine       *self,
                                                gint64               id,
                                                XpzResolution        resolution,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       xpz_sync_engine_resolve_finish  (XpzSyncEngine       *self,
                                                GAsyncResult        *result,
                                                GError             **error);
gboolean       xpz_sync_engine_count           (XpzSyncEngine       *self,
                                                guint               *n_pending,
                                                guint               *n_parked,
                                                GError             **error);

gint64         xpz_outbox_add                  (sqlite3             *db,
                                                GBytes              *key,
                                                const char          *method,
                                                const char          *path,
                                                const char          *body_json,
                                                const char          *if_match,
                                                const char          *idempotency_key,
                                                gint64               now,
                                                GError             **error);
gint64         xpz_sync_backoff_delay          (guint                attempts,
                                                guint32              random_value);

G_END_DECLS
