/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xpz-api-client.h"
#include "xpz-secrets.h"

G_BEGIN_DECLS

#define XPZ_TYPE_SESSION (xpz_session_get_type ())

G_DECLARE_FINAL_TYPE (XpzSession, xpz_session, XPZ, SESSION, GObject)

XpzSession   *xpz_session_new                  (XpzApiClient        *client,
                                                XpzSecrets          *secrets);
XpzApiClient *xpz_session_get_client           (XpzSession          *self);
const char   *xpz_session_get_account_id       (XpzSession          *self);
const char   *xpz_session_get_role             (XpzSession          *self);
const char   *xpz_session_get_display_name     (XpzSession          *self);
const char   *xpz_session_get_verification     (XpzSession          *self);
const char   *xpz_session_get_verification_domain (XpzSession       *self);
gboolean      xpz_session_get_verification_free_mail (XpzSession    *self);
gboolean      xpz_session_get_signed_in        (XpzSession          *self);
gboolean      xpz_session_get_remembered       (XpzSession          *self);
const GError *xpz_session_get_remember_error   (XpzSession          *self);
GBytes       *xpz_session_get_at_rest_key      (XpzSession          *self);

void          xpz_session_refresh_account_async (XpzSession         *self,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
gboolean      xpz_session_refresh_account_finish (XpzSession        *self,
                                                  GAsyncResult      *result,
                                                  GError           **error);
void          xpz_session_sign_in_async        (XpzSession          *self,
                                                const char          *email,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      xpz_session_sign_in_finish       (XpzSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void          xpz_session_sign_up_async        (XpzSession          *self,
                                                const char          *email,
                                                const char          *password,
                                                const char          *role,
                                                const char          *name,
                                                const char          *company,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      xpz_session_sign_up_finish       (XpzSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void          xpz_session_restore_async        (XpzSession          *self,
                                                const char          *account_id,
                                                const char          *role,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      xpz_session_restore_finish       (XpzSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void          xpz_session_refresh_async        (XpzSession          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      xpz_session_refresh_finish       (XpzSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void          xpz_session_sign_out_async       (XpzSession          *self,
                                                gboolean             everywhere,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      xpz_session_sign_out_finish      (XpzSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void          xpz_session_call_async           (XpzSession          *self,
                                                const char          *method,
                                                const char          *path,
                                                JsonNode            *body,
                                                const char          *idempotency_key,
                                                const char          *if_match,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
XpzApiResponse *xpz_session_call_finish        (XpzSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
