/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xpz-json-scan.h"
#include "xpz-sync-engine.h"

G_BEGIN_DECLS

/* XpzSyncEngine spans xpz-sync-engine.c (sending the outbox) and
 * xpz-sync-engine-pull.c (applying the platform's change feed). */
struct _XpzSyncEngine
{
  GObject       parent_instance;

  XpzStore     *store;
  XpzSession   *session;
  GBytes       *key;
  XpzSyncState  state;
  gint64        next_attempt;
  gint64        fixed_now;
  gboolean      pushing;
  gboolean      pulling;
};

GTask *xpz_sync_engine_begin     (XpzSyncEngine       *self,
                                  gpointer             source_tag,
                                  gboolean            *flag,
                                  gpointer             task_data,
                                  GDestroyNotify       task_data_free,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gint64 xpz_sync_engine_now       (XpzSyncEngine *self);
void   xpz_sync_engine_emit_news (XpzSyncEngine *self,
                                  guint          introductions,
                                  guint          strong_matches,
                                  const char    *policy_summary);
void   xpz_sync_engine_set_state (XpzSyncEngine *self,
                                  XpzSyncState   state,
                                  gint64         next_attempt);
guint  xpz_sync_engine_decode_page (const XpzJsonSpan *changes);

G_END_DECLS
