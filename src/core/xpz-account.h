/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xpz-session.h"
#include "xpz-store.h"
#include "xpz-sync-engine.h"

G_BEGIN_DECLS

#define XPZ_TYPE_ACCOUNT (xpz_account_get_type ())

G_DECLARE_FINAL_TYPE (XpzAccount, xpz_account, XPZ, ACCOUNT, GObject)

XpzAccount    *xpz_account_new             (XpzSession          *session);
XpzSession    *xpz_account_get_session     (XpzAccount          *self);
XpzStore      *xpz_account_get_store       (XpzAccount          *self);
XpzSyncEngine *xpz_account_get_engine      (XpzAccount          *self);
const GError  *xpz_account_get_last_error  (XpzAccount          *self);
void           xpz_account_open_async      (XpzAccount          *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       xpz_account_open_finish     (XpzAccount          *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void           xpz_account_request_sync    (XpzAccount          *self);
gboolean       xpz_account_is_syncing      (XpzAccount          *self);
void           xpz_account_close           (XpzAccount          *self);

G_END_DECLS
