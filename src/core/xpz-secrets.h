/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XPZ_SECRETS_SCHEMA_NAME "com.xpertaize.Desktop.Account"
#define XPZ_SECRETS_DEFAULT_TIMEOUT_MS 5000

#define XPZ_SECRETS_ERROR (xpz_secrets_error_quark ())

typedef enum
{
  XPZ_SECRETS_ERROR_FAILED,
  XPZ_SECRETS_ERROR_NO_SESSION_BUS,
  XPZ_SECRETS_ERROR_NO_SERVICE,
  XPZ_SECRETS_ERROR_LOCKED,
  XPZ_SECRETS_ERROR_NOT_FOUND,
  XPZ_SECRETS_ERROR_TIMEOUT,
  XPZ_SECRETS_ERROR_INVALID,
} XpzSecretsError;

/* One JSON bundle per account in the Secret Service. */
typedef struct
{
  char   *access_token;
  char   *refresh_token;
  gint64  expires_at;    /* Unix time, 0 if unknown */
  GBytes *at_rest_key;   /* 32 bytes, see xpz-crypto.h */
} XpzCredentials;

#define XPZ_TYPE_SECRETS (xpz_secrets_get_type ())

G_DECLARE_FINAL_TYPE (XpzSecrets, xpz_secrets, XPZ, SECRETS, GObject)

GQuark          xpz_secrets_error_quark   (void);

XpzCredentials *xpz_credentials_new       (void);
void            xpz_credentials_free      (XpzCredentials  *credentials);
char           *xpz_credentials_to_json   (const XpzCredentials *credentials);
XpzCredentials *xpz_credentials_from_json (const char      *json,
                                           GError         **error);

XpzSecrets     *xpz_secrets_new           (void);
guint           xpz_secrets_get_timeout   (XpzSecrets      *self);
void            xpz_secrets_set_timeout   (XpzSecrets      *self,
                                           guint            timeout_ms);

void            xpz_secrets_store_async   (XpzSecrets           *self,
                                           const char           *server_url,
                                           const char           *account_id,
                                           const XpzCredentials *credentials,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean        xpz_secrets_store_finish  (XpzSecrets           *self,
                                           GAsyncResult         *result,
                                           GError              **error);
void            xpz_secrets_lookup_async  (XpzSecrets           *self,
                                           const char           *server_url,
                                           const char           *account_id,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
XpzCredentials *xpz_secrets_lookup_finish (XpzSecrets           *self,
                                           GAsyncResult         *result,
                                           GError              **error);
void            xpz_secrets_clear_async   (XpzSecrets           *self,
                                           const char           *server_url,
                                           const char           *account_id,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean        xpz_secrets_clear_finish  (XpzSecrets           *self,
                                           GAsyncResult         *result,
                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzCredentials, xpz_credentials_free)

G_END_DECLS
