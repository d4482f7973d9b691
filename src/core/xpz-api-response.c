/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-api-response"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-api-response.h"
#include "xpz-json-scan.h"

/* One answer of the platform: status, JSON body, validators and retry hints.
 * Every HTTP status is a response; xpz_api_response_check() maps it to an XpzApiError. */
struct _XpzApiResponse
{
  GObject   parent_instance;

  guint     status;
  JsonNode *body;
  GBytes   *bytes;
  GArray   *members;   /* of Member: the top-level members of a raw body */
  XpzJsonTape *tape;   /* where the raw body's containers end */
  char     *etag;
  gint64    retry_after;
};

G_DEFINE_QUARK (xpz-api-error-quark, xpz_api_error)
G_DEFINE_FINAL_TYPE (XpzApiResponse, xpz_api_response, G_TYPE_OBJECT)

static void
xpz_api_response_finalize (GObject *object)
{
  XpzApiResponse *self = XPZ_API_RESPONSE (object);

  g_clear_pointer (&self->body, json_node_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->members, g_array_unref);
  g_clear_pointer (&self->tape, xpz_json_tape_free);
  g_clear_pointer (&self->etag, g_free);

  G_OBJECT_CLASS (xpz_api_response_parent_class)->finalize (object);
}

static void
xpz_api_response_class_init (XpzApiResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xpz_api_response_finalize;
}

static void
xpz_api_response_init (XpzApiResponse *self)
{
  self->retry_after = -1;
}

/**
 * xpz_api_response_new:
 * @body: (nullable): the parsed JSON body
 * @retry_after_seconds: the Retry-After delay, or -1 when the response has none
 */
XpzApiResponse *
xpz_api_response_new (guint       status,
                      JsonNode   *body,
                      const char *etag,
                      gint64      retry_after_seconds)
{
  XpzApiResponse *self = g_object_new (XPZ_TYPE_API_RESPONSE, NULL);

  self->status = status;
  self->body = body != NULL ? json_node_ref (body) : NULL;
  self->etag = g_strdup (etag);
  self->retry_after = retry_after_seconds;
  return self;
}

guint
xpz_api_response_get_status (XpzApiResponse *self)
{
  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), 0);
  return self->status;
}

/**
 * xpz_api_response_set_bytes:
 * @bytes: the body's text, already checked to be one JSON value
 *
 * For a response read without a tree (xpz_api_client_call_raw_async()).
 */
void
xpz_api_response_set_bytes (XpzApiResponse *self,
                            GBytes         *bytes)
{
  g_return_if_fail (XPZ_IS_API_RESPONSE (self));

  g_clear_pointer (&self->members, g_array_unref);
  g_clear_pointer (&self->tape, xpz_json_tape_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
}

/**
 * xpz_api_response_set_tape:
 * @tape: (transfer full): from xpz_json_scan_validate_tape() over the bytes
 *
 * Keeps the tape the spans of the raw body refer to, as long as the bytes.
 */
void
xpz_api_response_set_tape (XpzApiResponse *self,
                           XpzJsonTape    *tape)
{
  g_return_if_fail (XPZ_IS_API_RESPONSE (self));

  g_clear_pointer (&self->tape, xpz_json_tape_free);
  self->tape = tape;
}

typedef struct
{
  XpzJsonSpan name;
  XpzJsonSpan value;
} Member;

/**
 * xpz_api_response_index_members:
 * @root: the body's value, from xpz_json_scan_validate() over the bytes
 *
 * Notes where each top-level member of a raw JSON object body is, so that
 * xpz_api_response_get_member() is cheap (call this on the thread that checked it).
 */
void
xpz_api_response_index_members (XpzApiResponse    *self,
                                const XpzJsonSpan *root)
{
  Member member;
  gsize cursor = 0;

  g_return_if_fail (XPZ_IS_API_RESPONSE (self));
  g_return_if_fail (self->bytes != NULL);

  g_clear_pointer (&self->members, g_array_unref);
  self->members = g_array_new (FALSE, FALSE, sizeof (Member));
  while (xpz_json_object_next (root, &cursor, &member.name, &member.value))
    g_array_append_val (self->members, member);
}

/**
 * xpz_api_response_get_member:
 * @value: (out): where the member's value is in xpz_api_response_get_bytes()
 *
 * Returns: whether the raw body has a top-level member @name
 */
gboolean
xpz_api_response_get_member (XpzApiResponse *self,
                             const char     *name,
                             XpzJsonSpan    *value)
{
  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), FALSE);

  for (guint i = 0; self->members != NULL && i < self->members->len; i++)
    {
      Member *member = &g_array_index (self->members, Member, i);

      if (xpz_json_span_equal (&member->name, name))
        {
          *value = member->value;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * xpz_api_response_get_bytes:
 * Returns: (transfer none) (nullable): the body's JSON text, for a raw call
 */
GBytes *
xpz_api_response_get_bytes (XpzApiResponse *self)
{
  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), NULL);
  return self->bytes;
}

/**
 * xpz_api_response_get_body:
 * Returns: (transfer none) (nullable): the JSON body
 */
JsonNode *
xpz_api_response_get_body (XpzApiResponse *self)
{
  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), NULL);
  return self->body;
}

/**
 * xpz_api_response_get_object:
 * Returns: (transfer none) (nullable): the body when it is a JSON object
 */
JsonObject *
xpz_api_response_get_object (XpzApiResponse *self)
{
  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), NULL);
  if (self->body == NULL || !JSON_NODE_HOLDS_OBJECT (self->body))
    return NULL;
  return json_node_get_object (self->body);
}

const char *
xpz_api_response_get_etag (XpzApiResponse *self)
{
  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), NULL);
  return self->etag;
}

/* The dash before the version in @etag, `"job-7"` (quotes included), and the version;
 * NULL if @etag is not of that form. */
static const char *
etag_parse (const char *etag,
            gint64     *version)
{
  gsize len = etag != NULL ? strlen (etag) : 0;
  const char *dash;
  const char *digits;
  gint64 n = 0;

  if (len < 5 || etag[0] != '"' || etag[len - 1] != '"')
    return NULL;
  dash = g_strrstr_len (etag, (gssize) len, "-");
  if (dash == NULL || dash == etag + 1 || dash + 1 == etag + len - 1)
    return NULL;
  for (digits = dash + 1; digits < etag + len - 1; digits++)
    {
      if (!g_ascii_isdigit (*digits) || n > (G_MAXINT64 - 9) / 10)
        return NULL;
      n = n * 10 + (*digits - '0');
    }
  *version = n;
  return dash;
}

/**
 * xpz_etag_version:
 * @etag: (nullable): one of the platform's versioned ETags, `"job-7"` (quotes included)
 *
 * Returns: the version, 7, or -1 if @etag is not of that form
 */
gint64
xpz_etag_version (const char *etag)
{
  gint64 version = -1;

  return etag_parse (etag, &version) != NULL ? version : -1;
}

/**
 * xpz_etag_next:
 * @etag: (nullable): one of the platform's versioned ETags, `"job-7"` (quotes included)
 *
 * Every write the platform accepts moves a resource's version by one: this is the ETag
 * a write sent with `If-Match: @etag` leaves behind, so that a second change made before
 * the first was sent is sent against it.
 *
 * Returns: (transfer full) (nullable): `"job-8"`, or %NULL if @etag is not of that form
 */
char *
xpz_etag_next (const char *etag)
{
  gint64 version = -1;
  const char *dash = etag_parse (etag, &version);

  if (dash == NULL || version == G_MAXINT64)
    return NULL;
  return g_strdup_printf ("%.*s%" G_GINT64_FORMAT "\"", (int) (dash + 1 - etag), etag, version + 1);
}

/* Seconds to wait before trying again, or -1 when the platform gave none. */
gint64
xpz_api_response_get_retry_after (XpzApiResponse *self)
{
  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), -1);
  return self->retry_after;
}

static JsonObject *
error_object (XpzApiResponse *self)
{
  JsonObject *obj = xpz_api_response_get_object (self);
  JsonNode *err;

  if (obj == NULL || self->status < 400)
    return NULL;
  err = json_object_get_member (obj, "error");
  if (err == NULL || !JSON_NODE_HOLDS_OBJECT (err))
    return NULL;
  return json_node_get_object (err);
}

/* The platform's machine-readable error code ("stale_etag", …), if any. */
const char *
xpz_api_response_get_error_code (XpzApiResponse *self)
{
  JsonObject *err = error_object (self);

  return err != NULL ? json_object_get_string_member_with_default (err, "code", NULL) : NULL;
}

const char *
xpz_api_response_get_error_message (XpzApiResponse *self)
{
  JsonObject *err = error_object (self);

  return err != NULL ? json_object_get_string_member_with_default (err, "message", NULL) : NULL;
}

/**
 * xpz_api_response_check:
 *
 * Returns: %TRUE for a 2xx answer; otherwise sets @error to the #XpzApiError that the
 *   status means, with a message a user can read.
 */
gboolean
xpz_api_response_check (XpzApiResponse  *self,
                        GError         **error)
{
  const char *detail;
  XpzApiError code;
  const char *message;

  g_return_val_if_fail (XPZ_IS_API_RESPONSE (self), FALSE);

  if (self->status >= 200 && self->status < 300)
    return TRUE;

  switch (self->status)
    {
    case 400:
      code = XPZ_API_ERROR_BAD_REQUEST;
      message = _("The platform did not accept the request");
      break;
    case 401:
      code = XPZ_API_ERROR_UNAUTHORIZED;
      message = _("Your session has ended; sign in again");
      break;
    case 403:
      code = XPZ_API_ERROR_FORBIDDEN;
      message = _("This account is not allowed to do that");
      break;
    case 404:
      code = XPZ_API_ERROR_NOT_FOUND;
      message = _("The platform no longer has this item");
      break;
    case 410:
      code = XPZ_API_ERROR_GONE;
      message = _("The platform needs a full synchronisation");
      break;
    case 412:
      code = XPZ_API_ERROR_CONFLICT;
      message = _("This item was changed elsewhere in the meantime");
      break;
    case 422:
      code = XPZ_API_ERROR_UNPROCESSABLE;
      message = _("The platform refused this change as it stands");
      break;
    case 429:
    case 503:
      code = XPZ_API_ERROR_RATE_LIMITED;
      message = _("The platform is busy; trying again shortly");
      break;
    default:
      code = self->status >= 500 ? XPZ_API_ERROR_SERVER : XPZ_API_ERROR_BAD_RESPONSE;
      message = self->status >= 500 ? _("The platform had a problem; trying again later")
                                    : _("The platform gave an unexpected answer");
      break;
    }

  detail = xpz_api_response_get_error_message (self);
  if (detail != NULL && *detail != '\0')
    g_set_error (error, XPZ_API_ERROR, code, "%s (%s)", message, detail);
  else
    g_set_error_literal (error, XPZ_API_ERROR, code, message);
  return FALSE;
}
