/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "xpz-api-response.h"

G_BEGIN_DECLS

#define XPZ_TYPE_API_CLIENT (xpz_api_client_get_type ())

G_DECLARE_FINAL_TYPE (XpzApiClient, xpz_api_client, XPZ, API_CLIENT, GObject)

XpzApiClient   *xpz_api_client_new               (const char           *base_url,
                                                  GError              **error);
const char     *xpz_api_client_get_base_url      (XpzApiClient         *self);
gboolean        xpz_api_client_is_loopback       (XpzApiClient         *self);
void            xpz_api_client_set_access_token  (XpzApiClient         *self,
                                                  const char           *access_token);
void            xpz_api_client_set_timeout       (XpzApiClient         *self,
                                                  guint                 seconds);
void            xpz_api_client_set_max_answer_size (XpzApiClient       *self,
                                                    gsize               bytes);
void            xpz_api_client_call_async        (XpzApiClient         *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  JsonNode             *body,
                                                  const char           *idempotency_key,
                                                  const char           *if_match,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void            xpz_api_client_call_raw_async    (XpzApiClient         *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
XpzApiResponse *xpz_api_client_call_finish       (XpzApiClient         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

gboolean        xpz_api_url_is_acceptable        (const char           *url,
                                                  GError              **error);
char           *xpz_api_redact_header            (const char           *name,
                                                  const char           *value);

G_END_DECLS
