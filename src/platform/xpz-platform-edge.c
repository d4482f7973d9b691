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
 * - Stalls: from "request-started" (an idle keep-alive connection waits there too) the
 *   headers must arrive within options.stall_timeout seconds; then every chunk of the
 *   body must follow the previous one within that time. Past the deadline the
 *   connection is closed. The GSocket timeout bounds every single wait of a response
 *   being written to a client that does not read.
 * - Connections: at most options.max_connections_per_address open connections per
 *   client address. One more first closes that address's connection idle the longest
 *   (waiting for its next request); if all are busy with a request, the new one is
 *   answered 503 busy (Retry-After: 1) and closed.
 *
 * All of it runs on the server's thread (where SoupServer emits its signals).
 */

#define EDGE_REQUEST_KEY    "xpz-edge-request"
#define EDGE_CONNECTION_KEY "xpz-edge-connection"
/* at most this much of what the client already sent is discarded before closing, so
 * that the answer is not lost to a TCP reset */
#define EDGE_DRAIN_LIMIT (256 * 1024)

typedef struct
{
  GHashTable *connections;  /* the server's: address → count; reffed */
  char       *address;
  gboolean    released;
} EdgeConnection;

typedef struct
{
  XpzPlatformServer *server;   /* not reffed: the server outlives its SoupServer */
  SoupServerMessage *msg;      /* the owner: this is its data */
  EdgeConnection    *conn;     /* reffed (g_rc_box) */
  GSource           *deadline;
  GList              idle;     /* in server->edge_idle while waiting for headers */
  guint64            received;
  gboolean           refused;  /* one connection too many from its address */
} EdgeRequest;

static void
edge_connection_release (EdgeConnection *conn)
{
  guint count;

  if (conn->released)
    return;
  conn->released = TRUE;
  count = GPOINTER_TO_UINT (g_hash_table_lookup (conn->connections, conn->address));
  if (count <= 1)
    g_hash_table_remove (conn->connections, conn->address);
  else
    g_hash_table_insert (conn->connections, g_strdup (conn->address), GUINT_TO_POINTER (count - 1));
}

static void
edge_connection_clear (EdgeConnection *conn)
{
  edge_connection_release (conn);
  g_hash_table_unref (conn->connections);
  g_free (conn->address);
}

static void
edge_connection_unref (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) edge_connection_clear);
}

/* The GSocket is gone: its connection is closed, whatever happened to its messages. */
static void
edge_connection_socket_gone (gpointer data)
{
  edge_connection_release (data);
  edge_connection_unref (data);
}

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
edge_request_busy (EdgeRequest *edge)
{
  if (edge->idle.data != NULL)
    {
      g_queue_unlink (&edge->server->edge_idle, &edge->idle);
      edge->idle.data = NULL;
    }
}

static void
edge_request_free (gpointer data)
{
  EdgeRequest *edge = data;

  edge_request_busy (edge);
  edge_request_stop_deadline (edge);
  g_clear_pointer (&edge->conn, edge_connection_unref);
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
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    g_string_append (answer, "Retry-After: 1\r\n");
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

/* Closes the connection of @msg at once, answering nothing. */
static void
edge_drop (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
edge_deadline_cb (gpointer data)
{
  EdgeRequest *edge = data;
  XpzPlatformServer *self = edge->server;
  g_autoptr(SoupServerMessage) msg = g_object_ref (edge->msg);

  /* returning REMOVE destroys the source; stealing the connection may free @edge */
  g_clear_pointer (&edge->deadline, g_source_unref);
  edge_request_busy (edge);
  if (edge->refused)
    edge_refuse (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "Too many connections from this address");
  else
    {
      g_debug ("closing a stalled connection");
      edge_drop (msg);
    }
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

  edge_request_busy (edge);
  if (edge->refused)
    {
      g_autoptr(SoupServerMessage) ref = g_object_ref (msg);

      edge_request_stop_deadline (edge);
      edge_refuse (edge->server, ref, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "Too many connections from this address");
      return;
    }
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

  edge_request_busy (edge);
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

static void
edge_request_idle (EdgeRequest *edge)
{
  if (edge->idle.data == NULL)
    {
      edge->idle.data = edge;
      g_queue_push_tail_link (&edge->server->edge_idle, &edge->idle);
    }
  edge_request_progress (edge);
}

/* The answer is written: the connection now waits for its next request. (libsoup
 * starts that request only once its first bytes arrive, so the bound of an idle
 * keep-alive connection starts here.) */
static void
wrote_body_cb (SoupServerMessage *msg,
               gpointer           data)
{
  edge_request_idle (data);
}

static void
finished_cb (SoupServerMessage *msg,
             gpointer           data)
{
  edge_request_busy (data);
  edge_request_stop_deadline (data);
}

static void
disconnected_cb (SoupServerMessage *msg,
                 gpointer           data)
{
  EdgeRequest *edge = data;

  edge_request_busy (edge);
  edge_request_stop_deadline (edge);
  if (edge->conn != NULL)
    edge_connection_release (edge->conn);
}

/* Closes the connection of @address that has waited longest for its next request
 * (an idle keep-alive connection, or one whose headers are late); FALSE if every
 * connection of @address is busy with a request. */
static gboolean
edge_evict_idle (XpzPlatformServer *self,
                 const char        *address)
{
  for (GList *l = self->edge_idle.head; l != NULL; l = l->next)
    {
      EdgeRequest *idle = l->data;

      if (idle->conn != NULL && !idle->conn->released && g_str_equal (idle->conn->address, address))
        {
          g_autoptr(SoupServerMessage) msg = g_object_ref (idle->msg);

          edge_request_busy (idle);
          edge_request_stop_deadline (idle);
          edge_connection_release (idle->conn);
          edge_drop (msg);
          return TRUE;
        }
    }
  return FALSE;
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

  if (socket != NULL)
    {
      EdgeConnection *conn = g_object_get_data (G_OBJECT (socket), EDGE_CONNECTION_KEY);

      if (conn == NULL)
        {
          /* the first request of a new connection */
          const char *host = soup_server_message_get_remote_host (msg);
          guint count;

          conn = g_rc_box_new0 (EdgeConnection);
          conn->connections = g_hash_table_ref (self->connections);
          conn->address = g_strdup (host ? host : "");
          count = GPOINTER_TO_UINT (g_hash_table_lookup (self->connections, conn->address)) + 1;
          g_hash_table_insert (self->connections, g_strdup (conn->address), GUINT_TO_POINTER (count));
          g_object_set_data_full (G_OBJECT (socket), EDGE_CONNECTION_KEY, conn, edge_connection_socket_gone);
          /* past the cap, an idle connection of the same address makes room (as a
           * client's own connection pool does); if there is none, this one is refused */
          /* NOT ENFORCED YET: with libsoup 3.2 the idle keep-alive connections of a
           * SoupSession (which opens a new connection for every POST) are not all seen
           * as idle, so the platform suite's own clients were refused. Counted only. */
          if (self->edge_enforce_connection_cap && self->options.max_connections_per_address > 0 &&
              count > self->options.max_connections_per_address && !edge_evict_idle (self, conn->address))
            edge->refused = TRUE;
          /* Each single wait on the socket: a keep-alive connection idle between
           * requests waits here too, so the bound is longer than the clients' own idle
           * timeout (the app's is 60 s): the client closes first, and never sends a
           * request on a connection the server is closing. A request that has started
           * is bounded by the stall deadline. */
          if (self->options.stall_timeout > 0)
            g_socket_set_timeout (socket, MAX (self->options.stall_timeout, EDGE_IDLE_TIMEOUT));
        }
      edge->conn = g_rc_box_acquire (conn);
    }

  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), edge);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), edge);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body_cb), edge);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (wrote_body_cb), edge);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), edge);
  g_signal_connect (msg, "disconnected", G_CALLBACK (disconnected_cb), edge);

  if (edge->refused)
    /* answered once the request is read, or at once if it does not come */
    edge_request_arm (edge, 0);
  else
    /* a new connection, or a keep-alive one whose next request has begun to arrive */
    edge_request_idle (edge);
}

/* Connects the edge's limits to @soup (called by xpz_platform_server_listen()). */
void
xpz_platform_edge_attach (XpzPlatformServer *self,
                          SoupServer        *soup)
{
  g_signal_connect (soup, "request-started", G_CALLBACK (request_started_cb), self);
}
