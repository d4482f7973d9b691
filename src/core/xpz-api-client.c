/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-api-client"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xpz-api-client.h"
#include "xpz-json-scan.h"
#include "xpz-json-strict.h"

/* The platform API over HTTP: one SoupSession per client, TLS always verified (there is
 * no certificate-override code anywhere in the app), plain HTTP only to loopback, a
 * timeout, a descriptive User-Agent, and a debug log that never prints a token or a
 * body (libsoup's SoupLogger prints bearer tokens verbatim, so it is not used). */

#define DEFAULT_TIMEOUT_SECONDS 30
#define MAX_RESPONSE_BYTES (64 * 1024 * 1024)
/* answers are read in pieces of this size, so that the limit is checked as they arrive */
#define READ_CHUNK_BYTES (64 * 1024)

struct _XpzApiClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *access_token;
  gsize        max_answer;
};

enum {
  PROP_0,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (XpzApiClient, xpz_api_client, G_TYPE_OBJECT)

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * xpz_api_url_is_acceptable:
 *
 * R9.3: an https URL, or plain http only to a loopback address.
 */
gboolean
xpz_api_url_is_acceptable (const char  *url,
                           GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  uri = g_uri_parse (url != NULL ? url : "", G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, XPZ_API_ERROR, XPZ_API_ERROR_INSECURE_URL,
                   _("“%s” is not a web address"), url != NULL ? url : "");
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && host_is_loopback (g_uri_get_host (uri)))
    return TRUE;

  g_set_error (error, XPZ_API_ERROR, XPZ_API_ERROR_INSECURE_URL,
               _("The platform address must start with https:// (plain http:// is only "
                 "allowed on this computer)"));
  return FALSE;
}

/**
 * xpz_api_redact_header:
 *
 * Returns: the header's value as it may appear in a log: credentials and cookies are
 *   replaced by a placeholder.
 */
char *
xpz_api_redact_header (const char *name,
                       const char *value)
{
  static const char *secret_headers[] = {
    "authorization", "proxy-authorization", "cookie", "set-cookie", "idempotency-key",
  };

  for (guint i = 0; i < G_N_ELEMENTS (secret_headers); i++)
    if (g_ascii_strcasecmp (name, secret_headers[i]) == 0)
      return g_strdup ("[redacted]");
  return g_strdup (value);
}

XpzApiClient *
xpz_api_client_new (const char  *base_url,
                    GError     **error)
{
  if (!xpz_api_url_is_acceptable (base_url, error))
    return NULL;

  return g_object_new (XPZ_TYPE_API_CLIENT, "base-url", base_url, NULL);
}

const char *
xpz_api_client_get_base_url (XpzApiClient *self)
{
  g_return_val_if_fail (XPZ_IS_API_CLIENT (self), NULL);
  return self->base_url;
}

/* Whether the platform runs on this computer (the demo, a test, a local server). */
gboolean
xpz_api_client_is_loopback (XpzApiClient *self)
{
  g_autoptr (GUri) uri = NULL;

  g_return_val_if_fail (XPZ_IS_API_CLIENT (self), FALSE);

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  return uri != NULL && host_is_loopback (g_uri_get_host (uri));
}

/* The token is kept in memory only; its durable home is the Secret Service. */
void
xpz_api_client_set_access_token (XpzApiClient *self,
                                 const char   *access_token)
{
  g_return_if_fail (XPZ_IS_API_CLIENT (self));

  if (self->access_token != NULL)
    memset (self->access_token, 0, strlen (self->access_token));
  g_free (self->access_token);
  self->access_token = g_strdup (access_token);
}

void
xpz_api_client_set_timeout (XpzApiClient *self,
                            guint         seconds)
{
  g_return_if_fail (XPZ_IS_API_CLIENT (self));
  soup_session_set_timeout (self->session, seconds);
}

/**
 * xpz_api_client_set_max_answer_size:
 * @bytes: the largest answer body read (default 64 MiB)
 *
 * An answer past it is an %XPZ_API_ERROR_BAD_RESPONSE as soon as it is known: at once
 * for a Content-Length, while it arrives for a chunked or unsized one (the rest is
 * never read: the connection is dropped).
 */
void
xpz_api_client_set_max_answer_size (XpzApiClient *self,
                                    gsize         bytes)
{
  g_return_if_fail (XPZ_IS_API_CLIENT (self));
  g_return_if_fail (bytes > 0 && bytes <= G_MAXUINT32);
  self->max_answer = bytes;
}

typedef struct
{
  SoupMessage *message;
  GInputStream *stream;      /* the answer's body while it is read */
  GCancellable *cancel;      /* the call's own: cancelling it drops the connection */
  GCancellable *caller_cancel;
  gulong       caller_cancel_id;
  GByteArray  *received;
  gsize        max_answer;
  gint64       started;
  gboolean     raw;         /* a successful answer is checked, not parsed into a tree */
  /* the answer, for the parsing thread */
  GBytes      *bytes;
  guint        status;
  char        *etag;
  gint64       retry_after;
} CallData;

static void
call_data_free (CallData *data)
{
  g_clear_object (&data->message);
  g_clear_object (&data->stream);
  if (data->caller_cancel != NULL)
    g_cancellable_disconnect (data->caller_cancel, data->caller_cancel_id);
  g_clear_object (&data->caller_cancel);
  g_clear_object (&data->cancel);
  g_clear_pointer (&data->received, g_byte_array_unref);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data->etag);
  g_free (data);
}

static void
log_request (SoupMessage *message)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  g_autoptr (GString) headers = NULL;

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      headers = g_string_new (NULL);
      soup_message_headers_iter_init (&iter, soup_message_get_request_headers (message));
      while (soup_message_headers_iter_next (&iter, &name, &value))
        {
          g_autofree char *shown = xpz_api_redact_header (name, value);
          g_string_append_printf (headers, " %s: %s;", name, shown);
        }
      /* The path only: queries may carry cursors, never bodies (personal data). */
      g_debug ("-> %s %s%s", soup_message_get_method (message),
               g_uri_get_path (soup_message_get_uri (message)), headers->str);
    }
}

static gint64
parse_retry_after (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  g_autoptr (GDateTime) when = NULL;
  g_autoptr (GDateTime) now = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
    return (gint64) seconds;

  /* An HTTP date. */
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (when, now) / G_TIME_SPAN_SECOND);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CallData *data = task_data;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  const char *text = g_bytes_get_data (data->bytes, &len);

  if (data->raw && data->status >= 200 && data->status < 300)
    {
      XpzJsonSpan root;
      XpzJsonTape *tape = NULL;
      XpzApiResponse *response;

      if (!xpz_json_scan_validate_tape (text, len, &root, &tape, &error))
        {
          g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                                   _("The platform’s answer is not valid JSON (%s)"),
                                   error->message);
          return;
        }
      response = xpz_api_response_new (data->status, NULL, data->etag, data->retry_after);
      xpz_api_response_set_bytes (response, data->bytes);
      xpz_api_response_set_tape (response, tape);
      if (root.type == XPZ_JSON_OBJECT)
        xpz_api_response_index_members (response, &root);
      g_task_return_pointer (task, response, g_object_unref);
      return;
    }

  /* Strict RFC 8259 before json-glib: a comment bomb is an error, not a stack overflow. */
  body = xpz_json_parse_strict (text, (gssize) len, XPZ_JSON_STRICT_DEFAULT_DEPTH, &error);
  if (body == NULL)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                               _("The platform’s answer is not valid JSON (%s)"),
                               error->message);
      return;
    }
  g_task_return_pointer (task,
                         xpz_api_response_new (data->status, body, data->etag, data->retry_after),
                         g_object_unref);
}

static void
answer_complete (GTask  *task,
                 GBytes *bytes_in)
{
  CallData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) bytes = bytes_in;
  SoupMessageHeaders *headers = soup_message_get_response_headers (data->message);
  guint status = soup_message_get_status (data->message);
  const char *content_type;

  g_debug ("<- %u %s (%" G_GSIZE_FORMAT " bytes, %.1f ms)", status,
           g_uri_get_path (soup_message_get_uri (data->message)), g_bytes_get_size (bytes),
           (g_get_monotonic_time () - data->started) / 1000.0);

  content_type = soup_message_headers_get_content_type (headers, NULL);
  data->status = status;
  data->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  data->retry_after = parse_retry_after (headers);

  if (g_bytes_get_size (bytes) > 0 &&
      content_type != NULL && g_str_equal (content_type, "application/json"))
    {
      /* Pages of the change feed run to megabytes: parsed off the main thread. */
      data->bytes = g_steal_pointer (&bytes);
      g_task_run_in_thread (task, parse_thread);
      return;
    }
  if (g_bytes_get_size (bytes) > 0 && status >= 200 && status < 300)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                               _("The platform answered with %s instead of JSON"),
                               content_type != NULL ? content_type : "no content type");
      return;
    }

  g_task_return_pointer (task, xpz_api_response_new (status, NULL, data->etag, data->retry_after),
                         g_object_unref);
}

static void
return_transport_error (GTask   *task,
                        GError  *error)
{
  CallData *data = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else if (error->domain == G_TLS_ERROR ||
           soup_message_get_tls_peer_certificate_errors (data->message) != 0)
    g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_TLS,
                             _("The platform’s identity could not be verified (%s)"),
                             error->message);
  else
    g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_NETWORK,
                             _("The platform could not be reached (%s)"),
                             error->message);
}

static void
return_too_large (GTask *task)
{
  CallData *data = g_task_get_task_data (task);

  /* cancelling the call drops the connection: nothing more of the answer is read, and
   * the server cannot keep it open (closing the body alone leaves it to the pool) */
  g_cancellable_cancel (data->cancel);
  g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                           _("The platform’s answer is too large"));
}

static void read_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
read_more (GTask *task)
{
  CallData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   data->cancel, read_cb, task);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) piece = NULL;

  piece = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (piece == NULL)
    {
      return_transport_error (task, error);
      return;
    }
  if (g_bytes_get_size (piece) == 0)
    {
      g_input_stream_close (data->stream, NULL, NULL);
      answer_complete (task,
                       g_byte_array_free_to_bytes (g_steal_pointer (&data->received)));
      return;
    }
  if (data->received->len + g_bytes_get_size (piece) > data->max_answer)
    {
      return_too_large (task);
      return;
    }
  g_byte_array_append (data->received, g_bytes_get_data (piece, NULL), (guint) g_bytes_get_size (piece));
  read_more (g_steal_pointer (&task));
}

/* The headers are in: the body is read piece by piece, within the size limit (a
 * Content-Length past it is refused before any of it is read). */
static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  g_autoptr (GError) error = NULL;
  guint status;
  goffset length;

  data->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->stream == NULL)
    {
      return_transport_error (task, error);
      return;
    }

  status = soup_message_get_status (data->message);
  headers = soup_message_get_response_headers (data->message);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autofree char *what = g_strdup_printf ("HTTP %u", status);

      g_input_stream_close (data->stream, NULL, NULL);
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                               _("The platform answered with %s instead of JSON"), what);
      return;
    }
  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > (goffset) data->max_answer)
    {
      return_too_large (task);
      return;
    }
  data->received = g_byte_array_sized_new ((guint) CLAMP (length, 0, READ_CHUNK_BYTES));
  read_more (g_steal_pointer (&task));
}

/**
 * xpz_api_client_call_async:
 * @method: "GET", "POST", "PUT", "DELETE"
 * @path: the path below the base URL, e.g. "/api/v1/me/profile"
 * @body: (nullable): a JSON body
 * @idempotency_key: (nullable): sent as Idempotency-Key (the same on every retry)
 * @if_match: (nullable): sent as If-Match
 *
 * Completes with an #XpzApiResponse for any HTTP status (see xpz_api_response_check()),
 * or an #XpzApiError when there is no usable answer.
 */
static void call_start (XpzApiClient *self, GTask *task, gboolean raw, const char *method,
                        const char *path, JsonNode *body, const char *idempotency_key,
                        const char *if_match, GCancellable *cancellable);

void
xpz_api_client_call_async (XpzApiClient        *self,
                           const char          *method,
                           const char          *path,
                           JsonNode            *body,
                           const char          *idempotency_key,
                           const char          *if_match,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_api_client_call_async);
  call_start (self, task, FALSE, method, path, body, idempotency_key, if_match, cancellable);
}

/**
 * xpz_api_client_call_raw_async:
 *
 * As xpz_api_client_call_async(), but a successful answer is only checked to be JSON
 * (xpz_json_scan_validate(), off the main thread) and comes as text:
 * xpz_api_response_get_bytes(). For the change feed's large pages. Error answers are
 * parsed as usual. Finish with xpz_api_client_call_finish().
 */
void
xpz_api_client_call_raw_async (XpzApiClient        *self,
                               const char          *method,
                               const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_api_client_call_async);
  call_start (self, task, TRUE, method, path, NULL, NULL, NULL, cancellable);
}

static void
caller_cancelled (GCancellable *caller,
                  GCancellable *own)
{
  g_cancellable_cancel (own);
}

static void
call_start (XpzApiClient *self,
            GTask        *task_in,
            gboolean      raw,
            const char   *method,
            const char   *path,
            JsonNode     *body,
            const char   *idempotency_key,
            const char   *if_match,
            GCancellable *cancellable)
{
  g_autoptr (GTask) task = task_in;
  g_autoptr (GUri) base = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;
  CallData *data;

  base = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, &error);
  if (base != NULL)
    uri = g_uri_parse_relative (base, path, G_URI_FLAGS_ENCODED, &error);
  if (uri == NULL)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_INSECURE_URL,
                               _("“%s” is not a web address"), path);
      return;
    }

  data = g_new0 (CallData, 1);
  data->raw = raw;
  data->max_answer = self->max_answer;
  data->cancel = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller_cancel = g_object_ref (cancellable);
      data->caller_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled),
                                                      g_object_ref (data->cancel), g_object_unref);
    }
  data->message = soup_message_new_from_uri (method, uri);
  /* a followed redirect would carry the bearer token elsewhere: a 3xx is an error */
  soup_message_add_flags (data->message, SOUP_MESSAGE_NO_REDIRECT);
  data->started = g_get_monotonic_time ();
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);

  headers = soup_message_get_request_headers (data->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->access_token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->access_token, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
      memset (bearer, 0, strlen (bearer));
    }
  if (idempotency_key != NULL)
    {
      soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
      /* the server answers a repeat from its record, so libsoup may resend it when a
       * kept-alive connection was closed under it (as GET, PUT and DELETE already are) */
      soup_message_add_flags (data->message, SOUP_MESSAGE_IDEMPOTENT);
    }
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);

  if (body != NULL)
    {
      gsize len = 0;
      char *text = xpz_json_to_string (body, FALSE, NULL);
      g_autoptr (GBytes) bytes = NULL;

      len = strlen (text);
      bytes = g_bytes_new_take (text, len);
      soup_message_set_request_body_from_bytes (data->message, "application/json", bytes);
    }

  log_request (data->message);
  soup_session_send_async (self->session, data->message, G_PRIORITY_DEFAULT,
                           data->cancel, send_cb, g_steal_pointer (&task));
}

XpzApiResponse *
xpz_api_client_call_finish (XpzApiClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
xpz_api_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  XpzApiClient *self = XPZ_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_api_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  XpzApiClient *self = XPZ_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_api_client_dispose (GObject *object)
{
  XpzApiClient *self = XPZ_API_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (xpz_api_client_parent_class)->dispose (object);
}

static void
xpz_api_client_finalize (GObject *object)
{
  XpzApiClient *self = XPZ_API_CLIENT (object);

  xpz_api_client_set_access_token (self, NULL);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (xpz_api_client_parent_class)->finalize (object);
}

static void
xpz_api_client_class_init (XpzApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = xpz_api_client_set_property;
  object_class->get_property = xpz_api_client_get_property;
  object_class->dispose = xpz_api_client_dispose;
  object_class->finalize = xpz_api_client_finalize;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_api_client_init (XpzApiClient *self)
{
  self->max_answer = MAX_RESPONSE_BYTES;
  self->session = soup_session_new_with_options ("user-agent",
                                                 "XpertAIze-Desktop/" PACKAGE_VERSION
                                                 " (GNOME; +https://xpertaize.com)",
                                                 "timeout", DEFAULT_TIMEOUT_SECONDS,
                                                 "idle-timeout", 60,
                                                 NULL);
}
