/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "xpz-json-scan.h"

G_BEGIN_DECLS

#define XPZ_API_ERROR (xpz_api_error_quark ())

/**
 * XpzApiError:
 * @XPZ_API_ERROR_NETWORK: the platform could not be reached, or did not answer in time
 * @XPZ_API_ERROR_INSECURE_URL: plain HTTP to a host that is not loopback (R9.3)
 * @XPZ_API_ERROR_TLS: the platform's certificate is not trusted
 * @XPZ_API_ERROR_BAD_REQUEST: 400
 * @XPZ_API_ERROR_UNAUTHORIZED: 401: the session ended or the credentials are wrong
 * @XPZ_API_ERROR_FORBIDDEN: 403
 * @XPZ_API_ERROR_NOT_FOUND: 404
 * @XPZ_API_ERROR_GONE: 410: e.g. an expired change cursor
 * @XPZ_API_ERROR_CONFLICT: 412: the resource changed since it was read (stale If-Match)
 * @XPZ_API_ERROR_UNPROCESSABLE: 422: refused as it stands (e.g. an idempotency key reused
 *   with another body); retrying the same request cannot succeed
 * @XPZ_API_ERROR_RATE_LIMITED: 429 or 503: try again after the response's Retry-After
 * @XPZ_API_ERROR_SERVER: another 5xx
 * @XPZ_API_ERROR_BAD_RESPONSE: the answer is not the JSON the API promises
 */
typedef enum
{
  XPZ_API_ERROR_NETWORK,
  XPZ_API_ERROR_INSECURE_URL,
  XPZ_API_ERROR_TLS,
  XPZ_API_ERROR_BAD_REQUEST,
  XPZ_API_ERROR_UNAUTHORIZED,
  XPZ_API_ERROR_FORBIDDEN,
  XPZ_API_ERROR_NOT_FOUND,
  XPZ_API_ERROR_GONE,
  XPZ_API_ERROR_CONFLICT,
  XPZ_API_ERROR_UNPROCESSABLE,
  XPZ_API_ERROR_RATE_LIMITED,
  XPZ_API_ERROR_SERVER,
  XPZ_API_ERROR_BAD_RESPONSE,
} XpzApiError;

GQuark xpz_api_error_quark (void);

#define XPZ_TYPE_API_RESPONSE (xpz_api_response_get_type ())

G_DECLARE_FINAL_TYPE (XpzApiResponse, xpz_api_response, XPZ, API_RESPONSE, GObject)

XpzApiResponse *xpz_api_response_new                (guint           status,
                                                     JsonNode       *body,
                                                     const char     *etag,
                                                     gint64          retry_after_seconds);
guint           xpz_api_response_get_status         (XpzApiResponse *self);
void            xpz_api_response_set_bytes          (XpzApiResponse *self,
                                                     GBytes         *bytes);
GBytes         *xpz_api_response_get_bytes          (XpzApiResponse *self);
void            xpz_api_response_set_tape           (XpzApiResponse *self,
                                                     XpzJsonTape    *tape);
void            xpz_api_response_index_members      (XpzApiResponse *self,
                                                     const XpzJsonSpan *root);
gboolean        xpz_api_response_get_member         (XpzApiResponse *self,
                                                     const char     *name,
                                                     XpzJsonSpan    *value);
JsonNode       *xpz_api_response_get_body           (XpzApiResponse *self);
JsonObject     *xpz_api_response_get_object         (XpzApiResponse *self);
const char     *xpz_api_response_get_etag           (XpzApiResponse *self);
gint64          xpz_etag_version                    (const char     *etag);
char           *xpz_etag_next                       (const char     *etag);
gint64          xpz_api_response_get_retry_after    (XpzApiResponse *self);
const char     *xpz_api_response_get_error_code     (XpzApiResponse *self);
const char     *xpz_api_response_get_error_message  (XpzApiResponse *self);
gboolean        xpz_api_response_check              (XpzApiResponse *self,
                                                     GError        **error);

G_END_DECLS
