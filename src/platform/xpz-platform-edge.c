/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>
#include <sys/resource.h>

#include "xpz-platform-private.h"

/* seconds any single wait on a socket may last (writing to a client that does not read) */
#define EDGE_SOCKET_TIMEOUT 120

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
 *   the connection is closed. Each single wait on the socket (writing to a client that
 *   does not read) is bounded by the socket's timeout, EDGE_SOCKET_TIMEOUT.
 * - Keep-alive: none. Every answer closes its connection (see request_started_cb()).
 *
 * - Connections: at most options.max_connections_per_address open from one client
 *   address, and options.max_connections in all. libsoup emits "request-started" for a
 *   connection's first request as it accepts the connection, so every connection is
 *   known from its first moment. One that would pass a cap takes the place of the
 *   longest-idle connection under that cap (idle: accepted, no request headers read
 *   yet, and no request waiting unread), which is closed; a slow sender of headers is
 *   idle too. When every one is busy with a request, the newcomer is
 *   answered 503 busy with Retry-After once its headers arrive — a few per address;
 *   past those it is closed at once. A flood of connections from one address therefore
 *   costs at most its cap.
 *
 * The table holds a reference on each socket, and forgets a connection once libsoup has
 * let it go (the socket closed, or the table's reference the last one) — looked for at
 * each newcomer, so at most a cap's worth of closed ones is ever kept.
 *
 * All of it runs on the server's thread (where SoupServer emits its signals); the
 * connection table also has a lock, for the test hooks read it from another thread.
 */

#define EDGE_REQUEST_KEY    "xpz-edge-request"
/* newcomers over a cap, all others busy, answered 503 at once per address; more are
 * closed without an answer */
#define EDGE_REFUSED_PER_ADDRESS 4
/* descriptors kept for the database, the logs and the listening sockets */
#define EDGE_FD_RESERVE 64

/* The open connections (one table per listening server). */
struct _XpzPlatformEdge
{
  GMutex      lock;
  GCond       changed;       /* test hook: a connection came, went, or changed state */
  guint       per_address;   /* 0: no cap */
  guint       total_cap;     /* 0: no cap */
  guint       total;         /* counted connections */
  GHashTable *by_socket;     /* GSocket * → EdgeConnection * (owned) */
  GHashTable *by_address;    /* client address → EdgeAddress * */
};

typedef struct
{
  guint open;      /* counted connections */
  guint refused;   /* newcomers waiting for their 503 */
} EdgeAddress;

typedef struct
{
  XpzPlatformEdge *edge;        /* not reffed: the edge owns the connection */
  GSocket         *socket;      /* a reference */
  char            *address;
  gint64           idle_since;  /* monotonic µs; 0 while a request is read or answered */
  gboolean         counted;     /* against the caps (FALSE once the edge closed it) */
  gboolean         refused;     /* over a cap with every other connection busy */
} EdgeConnection;

static void
edge_connection_free (gpointer data)
{
  EdgeConnection *conn = data;

  g_clear_object (&conn->socket);
  g_free (conn->address);
  g_free (conn);
}

void
xpz_platform_edge_free (XpzPlatformEdge *edge)
{
  g_hash_table_unref (edge->by_socket);
  g_hash_table_unref (edge->by_address);
  g_cond_clear (&edge->changed);
  g_mutex_clear (&edge->lock);
  g_free (edge);
}

static XpzPlatformEdge *
edge_new (const XpzPlatformOptions *options)
{
  XpzPlatformEdge *edge = g_new0 (XpzPlatformEdge, 1);
  struct rlimit limit;

  g_mutex_init (&edge->lock);
  g_cond_init (&edge->changed);
  edge->per_address = options->max_connections_per_address;
  edge->total_cap = options->max_connections;
  /* past the open-file limit, accept() itself would fail: the cap stays below it */
  if (edge->total_cap > 0 && getrlimit (RLIMIT_NOFILE, &limit) == 0 &&
      limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur > 2 * EDGE_FD_RESERVE &&
      edge->total_cap > limit.rlim_cur - EDGE_FD_RESERVE)
    edge->total_cap = (guint) (limit.rlim_cur - EDGE_FD_RESERVE);
  edge->by_socket = g_hash_table_new_full (NULL, NULL, NULL, edge_connection_free);
  edge->by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return edge;
}

static EdgeAddress *
edge_address (XpzPlatformEdge *edge,
              const char      *address)
{
  EdgeAddress *entry = g_hash_table_lookup (edge->by_address, address);

  if (entry == NULL)
    {
      entry = g_new0 (EdgeAddress, 1);
      g_hash_table_insert (edge->by_address, g_strdup (address), entry);
    }
  return entry;
}

static void
edge_address_forget_if_empty (XpzPlatformEdge *edge,
                              const char      *address)
{
  EdgeAddress *entry = g_hash_table_lookup (edge->by_address, address);

  if (entry != NULL && entry->open == 0 && entry->refused == 0)
    g_hash_table_remove (edge->by_address, address);
}

/* Under the lock: @conn no longer counts against the caps. */
static void
edge_uncount (EdgeConnection *conn)
{
  XpzPlatformEdge *edge = conn->edge;
  EdgeAddress *entry = g_hash_table_lookup (edge->by_address, conn->address);

  if (conn->counted)
    {
      conn->counted = FALSE;
      edge->total--;
      if (entry != NULL)
        entry->open--;
    }
  if (conn->refused)
    {
      conn->refused = FALSE;
      if (entry != NULL)
        entry->refused--;
    }
  edge_address_forget_if_empty (edge, conn->address);
}

/* Whether libsoup has let @conn's socket go: closed, or only the table still holds it. */
static gboolean
edge_connection_is_gone (EdgeConnection *conn)
{
  return g_socket_is_closed (conn->socket) ||
         g_atomic_int_get (&G_OBJECT (conn->socket)->ref_count) == 1;
}

/* Under the lock: forgets the connections libsoup has let go. */
static void
edge_sweep_locked (XpzPlatformEdge *edge)
{
  GHashTableIter iter;
  gpointer value;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, edge->by_socket);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EdgeConnection *conn = value;

      if (!edge_connection_is_gone (conn))
        continue;
      edge_uncount (conn);
      g_hash_table_iter_remove (&iter);
      changed = TRUE;
    }
  if (changed)
    g_cond_broadcast (&edge->changed);
}

/* Under the lock: the counted connection idle the longest (from @address, or any), but
 * never @except nor one whose next request has arrived unread. */
static EdgeConnection *
edge_longest_idle (XpzPlatformEdge *edge,
                   const char      *address,
                   EdgeConnection  *except)
{
  GHashTableIter iter;
  gpointer value;
  EdgeConnection *best = NULL;

  g_hash_table_iter_init (&iter, edge->by_socket);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EdgeConnection *conn = value;

      if (conn == except || !conn->counted || conn->idle_since == 0)
        continue;
      if (address != NULL && strcmp (conn->address, address) != 0)
        continue;
      /* a request waiting to be read: it is about to be busy, not idle */
      if (g_socket_get_available_bytes (conn->socket) > 0)
        continue;
      if (best == NULL || conn->idle_since < best->idle_since)
        best = conn;
    }
  return best;
}

static char *
socket_address (GSocket *socket)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("?");
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
}

/* The table's reference on a newcomer's @socket. libsoup before 3.3 (Debian 12 has
 * 3.2) forgets to release the reference g_socket_accept() gave its listener, so every
 * connection would leave its socket behind for the life of the server; the table
 * adopts that reference instead of taking one of its own. A newcomer is met during
 * the listener's accept, when the socket has exactly that reference and the
 * connection's. */
static GSocket *
edge_adopt_socket (GSocket *socket)
{
  if (soup_get_major_version () == 3 && soup_get_minor_version () < 3 &&
      g_atomic_int_get (&G_OBJECT (socket)->ref_count) == 2)
    return socket;
  return g_object_ref (socket);
}

/* The connection of @socket: known already (a next request on it), or a newcomer,
 * admitted under the caps. Returns NULL when the newcomer was closed. */
static EdgeConnection *
edge_admit (XpzPlatformEdge *edge,
            GSocket         *socket)
{
  EdgeConnection *conn;
  EdgeConnection *victim = NULL;
  EdgeAddress *entry;
  g_autoptr(GSocket) victim_socket = NULL;
  gboolean over_address, over_total, close_newcomer = FALSE;

  g_mutex_lock (&edge->lock);
  conn = g_hash_table_lookup (edge->by_socket, socket);
  if (conn != NULL)
    {
      g_mutex_unlock (&edge->lock);
      return conn;
    }
  edge_sweep_locked (edge);

  conn = g_new0 (EdgeConnection, 1);
  conn->edge = edge;
  conn->socket = edge_adopt_socket (socket);
  conn->address = socket_address (socket);
  conn->idle_since = g_get_monotonic_time ();
  entry = edge_address (edge, conn->address);

  over_address = edge->per_address > 0 && entry->open >= edge->per_address;
  over_total = edge->total_cap > 0 && edge->total >= edge->total_cap;
  if (over_address)
    victim = edge_longest_idle (edge, conn->address, conn);
  else if (over_total)
    victim = edge_longest_idle (edge, NULL, conn);

  if (victim != NULL)
    {
      /* it no longer counts; its socket goes when libsoup sees the shutdown */
      victim_socket = g_object_ref (victim->socket);
      edge_uncount (victim);
      entry = edge_address (edge, conn->address);
    }
  if ((over_address || over_total) && victim == NULL)
    {
      if (entry->refused < EDGE_REFUSED_PER_ADDRESS)
        {
          conn->refused = TRUE;
          entry->refused++;
        }
      else
        close_newcomer = TRUE;
    }
  else
    {
      conn->counted = TRUE;
      entry->open++;
      edge->total++;
    }
  g_hash_table_insert (edge->by_socket, socket, conn);
  g_cond_broadcast (&edge->changed);
  g_mutex_unlock (&edge->lock);

  if (victim_socket != NULL)
    {
      g_debug ("closing the longest-idle connection to make room under the connection cap");
      g_socket_shutdown (victim_socket, TRUE, TRUE, NULL);
    }
  if (close_newcomer)
    {
      g_debug ("closing a connection over the connection cap");
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
      return NULL;
    }
  return conn;
}

/* @msg's connection is busy with a request (its headers arrived) or idle again (its
 * answer went). Returns whether the connection is a refused newcomer. */
static gboolean
edge_set_busy (XpzPlatformEdge   *edge,
               SoupServerMessage *msg,
               gboolean           busy)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  EdgeConnection *conn;
  gboolean refused = FALSE;

  if (edge == NULL || socket == NULL)
    return FALSE;
  g_mutex_lock (&edge->lock);
  conn = g_hash_table_lookup (edge->by_socket, socket);
  if (conn != NULL)
    {
      conn->idle_since = busy ? 0 : g_get_monotonic_time ();
      refused = conn->refused;
      g_cond_broadcast (&edge->changed);
    }
  g_mutex_unlock (&edge->lock);
  return refused;
}

/* Under the lock: the counted connections from @address (or all), and how many of them
 * are busy with a request. */
static void
edge_count_locked (XpzPlatformEdge *edge,
                   const char      *address,
                   guint           *open,
                   guint           *busy)
{
  GHashTableIter iter;
  gpointer value;

  *open = 0;
  *busy = 0;
  g_hash_table_iter_init (&iter, edge->by_socket);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EdgeConnection *conn = value;

      if (!conn->counted || (address != NULL && strcmp (conn->address, address) != 0))
        continue;
      (*open)++;
      if (conn->idle_since == 0)
        (*busy)++;
    }
}

/**
 * xpz_platform_edge_count_connections:
 * @address: (nullable): a client address, or %NULL for all
 *
 * Test hook: the connections counted against the caps.
 */
guint
xpz_platform_edge_count_connections (XpzPlatformServer *self,
                                     const char        *address)
{
  XpzPlatformEdge *edge = self->edge;
  guint open = 0, busy = 0;

  if (edge == NULL)
    return 0;
  g_mutex_lock (&edge->lock);
  edge_sweep_locked (edge);
  edge_count_locked (edge, address, &open, &busy);
  g_mutex_unlock (&edge->lock);
  return open;
}

/* Waits (at most @timeout_us) until @want of the connections from @address (or all)
 * are counted (@busy FALSE) or busy with a request (@busy TRUE). A connection closed by
 * its client is noticed by libsoup without a word to the table, so this looks again
 * every 10 ms as well as at each change. */
static gboolean
edge_wait (XpzPlatformServer *self,
           const char        *address,
           gboolean           busy,
           guint              want,
           gint64             timeout_us)
{
  XpzPlatformEdge *edge = self->edge;
  gint64 end = g_get_monotonic_time () + timeout_us;
  guint open = 0, now_busy = 0;
  gboolean reached;

  if (edge == NULL)
    return want == 0;
  g_mutex_lock (&edge->lock);
  for (;;)
    {
      edge_sweep_locked (edge);
      edge_count_locked (edge, address, &open, &now_busy);
      reached = (busy ? now_busy : open) == want;
      if (reached || g_get_monotonic_time () >= end)
        break;
      g_cond_wait_until (&edge->changed, &edge->lock,
                         MIN (end, g_get_monotonic_time () + 10 * G_TIME_SPAN_MILLISECOND));
    }
  g_mutex_unlock (&edge->lock);
  return reached;
}

/**
 * xpz_platform_edge_wait_connections:
 * @address: (nullable): a client address, or %NULL for all
 *
 * Test hook, from a thread other than the server's: waits (at most @timeout_us) until
 * @open connections from @address are counted.
 */
gboolean
xpz_platform_edge_wait_connections (XpzPlatformServer *self,
                                    const char        *address,
                                    guint              open,
                                    gint64             timeout_us)
{
  return edge_wait (self, address, FALSE, open, timeout_us);
}

/**
 * xpz_platform_edge_wait_busy:
 * @address: (nullable): a client address, or %NULL for all
 *
 * Test hook, from a thread other than the server's: waits (at most @timeout_us) until
 * @busy of the connections from @address are busy with a request.
 */
gboolean
xpz_platform_edge_wait_busy (XpzPlatformServer *self,
                             const char        *address,
                             guint              busy,
                             gint64             timeout_us)
{
  return edge_wait (self, address, TRUE, busy, timeout_us);
}

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
             guint              retry_after,
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
  if (retry_after > 0)
    g_string_append_printf (answer, "Retry-After: %u\r\n", retry_after);
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
  edge_refuse (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, 0, "body_too_large", "The request body is too large");
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           data)
{
  EdgeRequest *edge = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length;

  if (edge_set_busy (edge->server->edge, msg, TRUE))
    {
      g_autoptr(SoupServerMessage) held = g_object_ref (msg);

      /* a newcomer over the connection caps while every other connection was busy */
      edge_request_stop_deadline (edge);
      edge_refuse (edge->server, held, SOUP_STATUS_SERVICE_UNAVAILABLE, 1, "busy",
                   "Too many connections from this address: try again in a moment");
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
  EdgeRequest *edge = data;

  edge_request_stop_deadline (edge);
  edge_set_busy (edge->server->edge, msg, FALSE);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  XpzPlatformServer *self = user_data;
  EdgeRequest *edge;
  GSocket *socket = soup_server_message_get_socket (msg);

  /* a connection's first request starts as it is accepted: the caps apply here */
  if (socket != NULL && edge_admit (self->edge, socket) == NULL)
    return;
  edge = g_new0 (EdgeRequest, 1);
  edge->server = self;
  edge->msg = msg;
  g_object_set_data_full (G_OBJECT (msg), EDGE_REQUEST_KEY, edge, edge_request_free);
  /* Each single wait on the socket (a request that has started is bounded by the
   * stall deadline as well). */
  if (socket != NULL && self->options.stall_timeout > 0)
    g_socket_set_timeout (socket, MAX (self->options.stall_timeout, EDGE_SOCKET_TIMEOUT));
  /* Every answer closes its connection. libsoup 3.2 (Debian 12) never lets go of a
   * kept-alive connection that its client closes while it waits for the next request:
   * the descriptor stays open (CLOSE_WAIT) for the life of the server, so any client
   * could use up the server's descriptors, one request at a time. A TLS front end may
   * keep its clients' connections alive. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

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
  g_clear_pointer (&self->edge, xpz_platform_edge_free);
  self->edge = edge_new (&self->options);
  g_signal_connect (soup, "request-started", G_CALLBACK (request_started_cb), self);
}
