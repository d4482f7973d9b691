/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-platform-private.h"

/* seconds a keep-alive connection may wait for its next request */
#define EDGE_IDLE_TIMEOUT 120

/*
 * The network edge (R3.4 security): what a connection may cost the server before a
 * request reaches the route table.
 *
 * - Bodies: counted as they arrive (Content-Length at got-headers, every chunk of a
 *   chunked body at got-chunk). Past options.max_body_size the server answers 413
 *   body_too_large with Connection: close at once and closes the connection; the rest
 *   of the body is never read nor buffered.
 * - Stalls: from "request-started" (libsoup emits it when the first bytes of a request
 *   arrive) the headers must arrive within options.stall_timeout seconds; then every
 *   chunk of the body must follow the previous one within that time. Past the deadline
 *   the connection is closed. Each single wait on the socket (an idle keep-alive
 *   connection's wait for its next request, writing to a client that does not read) is
 *   bounded by the socket's timeout, EDGE_IDLE_TIMEOUT.
 *
 * Open connections per client address are not capped (see docs/platform-api.md).
 *
 * All of it runs on the server's thread (where SoupServer emits its signals).
 */

#define EDGE_REQUEST_KEY    "xpz-edge-request"
/* at most this much of what the client already sent is discarded before closing, so
 * that the answer is not lost to a TCP reset */
#define EDGE_DRAIN_LIMIT (256 * 1024)

typedef struct
{
  XpzPlatformServer *server;   /* not reffed: the server outlives its SoupServer */
  SoupServerMessage *msg;      /* the owner: this is its data */
  GSource           *deadline;
  guint64            received;
} EdgeRequest;

static void
edge_request_stop_deadline (EdgeRequest *edge)
{
  if (edge->deadline != NULL)
    {
      g_source_destroy (edge->deadline);
      g_clear_pointer (&edge->deadline, g_source_unref);
    }
}

static void
edge_request_free (gpointer data)
{
  EdgeRequest *edge = data;

  edge_request_stop_deadline (edge);
  g_free (edge);
}

/* Answers @status with the usual error body and Connection: close, then closes the
 * connection without reading the rest of the request. */
static void
edge_refuse (XpzPlatformServer *self,
             SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message)
{
  XpzRequest req = { 0 };
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GIOStream) stream = NULL;
  GOutputStream *out;

  if (soup_server_message_get_socket (msg) != NULL)
    socket = g_object_ref (soup_server_message_get_socket (msg));

  req.server = self;
  req.msg = msg;
  xpz_request_error (&req, status, code, message);
  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  g_string_append (answer, "Server: xpertaize-platform/" PACKAGE_VERSION "\r\n");
  g_string_append (answer, "Content-Type: application/json; charset=utf-8\r\n");
  g_string_append_printf (answer, "Content-Length: %zu\r\n", req.response_len);
  g_string_append (answer, "Cache-Control: no-store\r\n");
  g_string_append (answer, "Connection: close\r\n\r\n");
  g_string_append_len (answer, req.response, (gssize) req.response_len);
  g_free (req.response);
  g_free (req.etag);

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;
  out = g_io_stream_get_output_stream (stream);
  /* a few hundred bytes on a connection whose earlier answers are written: the socket
   * takes them at once; never wait for a client that does not read */
  if (G_IS_POLLABLE_OUTPUT_STREAM (out))
    g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out), answer->str, answer->len,
                                                NULL, NULL);
  if (socket != NULL)
    {
      char buf[16384];
      gsize drained = 0;
      gssize n;

      g_socket_shutdown (socket, FALSE, TRUE, NULL);
      while (drained < EDGE_DRAIN_LIMIT &&
             (n = g_socket_receive_with_blocking (socket, buf, sizeof buf, FALSE, NULL, NULL)) > 0)
        drained += (gsize) n;
    }
  g_io_stream_close (stream, NULL, NULL);
}

static gboolean
edge_deadline_cb (gpointer data)
{
  EdgeRequest *edge = data;
  g_autoptr(SoupServerMessage) msg = g_object_ref (edge->msg);

  /* returning REMOVE destroys the source; stealing the connection may free @edge */
  g_clear_pointer (&edge->deadline, g_source_unref);
  g_debug ("closing a stalled connection");
  xpz_platform_drop_connection (msg);
  return G_SOURCE_REMOVE;
}

static void
edge_request_arm (EdgeRequest *edge,
                  guint        timeout_ms)
{
  edge_request_stop_deadline (edge);
  edge->deadline = g_timeout_source_new (timeout_ms);
  g_source_set_name (edge->deadline, "xpz-platform stall deadline");
  g_source_set_callback (edge->deadline, edge_deadline_cb, edge, NULL);
  g_source_attach (edge->deadline, g_main_context_get_thread_default ());
}

static void
edge_request_progress (EdgeRequest *edge)
{
  if (edge->server->options.stall_timeout > 0)
    edge_request_arm (edge, edge->server->options.stall_timeout * 1000);
}

static void
edge_refuse_too_large (EdgeRequest *edge)
{
  XpzPlatformServer *self = edge->server;
  g_autoptr(SoupServerMessage) msg = g_object_ref (edge->msg);

  g_atomic_int_set (&self->edge_refused_bytes, (gint) MIN (edge->received, (guint64) G_MAXINT));
  edge_request_stop_deadline (edge);
  edge_refuse (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large", "The request body is too large");
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           data)
{
  EdgeRequest *edge = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length;

  length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
           ? soup_message_headers_get_content_length (headers) : 0;
  if (length > 0 && (guint64) length > (guint64) edge->server->options.max_body_size)
    {
      /* refused before a byte of the body is read (with or without Expect: 100-continue) */
      edge->received = 0;
      edge_refuse_too_large (edge);
      return;
    }
  edge_request_progress (edge);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           data)
{
  EdgeRequest *edge = data;

  edge->received += g_bytes_get_size (chunk);
  if (edge->received > (guint64) edge->server->options.max_body_size)
    {
      edge_refuse_too_large (edge);
      return;
    }
  edge_request_progress (edge);
}

static void
got_body_cb (SoupServerMessage *msg,
             gpointer           data)
{
  /* the request has arrived: what follows is the server's work (a paused request
   * waiting for the password-hashing pool is not a stall) */
  edge_request_stop_deadline (data);
}

/* The answer is written (or the connection went): nothing is awaited from the client
 * until its next request starts. */
static void
finished_cb (SoupServerMessage *msg,
             gpointer           data)
{
  edge_request_stop_deadline (data);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  XpzPlatformServer *self = user_data;
  EdgeRequest *edge = g_new0 (EdgeRequest, 1);
  GSocket *socket = soup_server_message_get_socket (msg);

  edge->server = self;
  edge->msg = msg;
  g_object_set_data_full (G_OBJECT (msg), EDGE_REQUEST_KEY, edge, edge_request_free);
  /* Each single wait on the socket: a keep-alive connection idle between requests
   * waits there too, so the bound is longer than the clients' own idle timeout (the
   * app's is 60 s): the client closes first, and never sends a request on a connection
   * the server is closing. A request that has started is bounded by the stall deadline. */
  if (socket != NULL && self->options.stall_timeout > 0)
    g_socket_set_timeout (socket, MAX (self->options.stall_timeout, EDGE_IDLE_TIMEOUT));

  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), edge);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), edge);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body_cb), edge);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), edge);
  edge_request_progress (edge);
}

/* Connects the edge's limits to @soup (called by xpz_platform_server_listen()). */
void
xpz_platform_edge_attach (XpzPlatformServer *self,
                          SoupServer        *soup)
{
  g_signal_connect (soup, "request-started", G_CALLBACK (request_started_cb), self);
}
