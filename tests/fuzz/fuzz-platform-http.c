/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-platform-http"

#include "config.h"

#include <glib/gprintf.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xpz-platform-private.h"

/* libFuzzer: the platform's real HTTP handler. One XpzPlatformServer (seeded with the
 * demo, on an SQLite file in a temporary directory) listens on 127.0.0.1 for the whole
 * run, in this thread's main context; each input becomes one raw HTTP/1.1 request,
 * written to a loopback connection (kept while the server keeps it), and the context
 * is iterated until the answer is read (or the connection closes), under a deadline;
 * no sleeps. Every
 * RESET_EVERY inputs the server restarts on a fresh copy of the seeded database.
 *
 * Input format (so that mutations stay meaningful):
 *   byte 0   the method: methods[b % 8] ('H' GET, 'A' POST, 'B' PUT, 'C' DELETE...)
 *   byte 1   bits 0-2: Authorization (none, the demo candidate's token, the demo
 *            recruiter's, an operator's, a revoked-looking token, Basic, an empty
 *            Bearer, a token twice); bits 3-4: Host (the bound address, localhost,
 *            none, another site); bits 5-7: Content-Type (see content_types[]).
 *            So in a printable seed, ' ' is no token, '!' the candidate's, '"' the
 *            recruiter's, '#' the operator's, all with application/json
 *   byte 2   bit 0: send the body chunked; bits 1-3: the chunk size; bit 4:
 *            "Connection: close" ('@': neither)
 *   then     the request target (path and query) up to '\n'
 *   then     header lines "Name: value" up to an empty line; Content-Length and
 *            Transfer-Encoding are left out (the body is framed here). A line
 *            "*COUNT TEXT" is not a header: it appends TEXT, COUNT times, to the
 *            body, so that a small seed expands to a large body (the comment bomb)
 *   then     the body itself, appended after what the "*" lines made.
 *
 * Oracle: every request gets a well-formed HTTP answer within the deadline; no 5xx
 * but 503 (the hashing pool's "busy"); every application/json answer is strict JSON;
 * the process never crashes (ASan, UBSan). */

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define MAX_BODY        (2 * 1024 * 1024)
#define DEADLINE_US     (8 * G_USEC_PER_SEC)
#define OPERATOR_EMAIL  "fuzz.operator@xpertaize.test"
#define RESET_EVERY     512     /* inputs served before the database is reset */

static const char *const methods[] = {
  "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "XPZ",
};

/* In printable seeds, byte 1 from ' ' to '?' sends application/json. */
static const char *const content_types[] = {
  NULL, "application/json", "application/json; charset=utf-8", "text/plain",
  "application/pdf", "APPLICATION/JSON", "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
};

static const gsize chunk_sizes[] = { 1, 3, 17, 255, 1024, 4096, 65536, MAX_BODY };

enum { TOKEN_CANDIDATE, TOKEN_RECRUITER, TOKEN_OPERATOR, N_TOKENS };

static const char *const token_emails[N_TOKENS] = {
  XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_RECRUITER_EMAIL, OPERATOR_EMAIL,
};

typedef struct
{
  XpzPlatformServer *server;
  char              *dir;
  char              *db_path;
  guint16            port;
  char              *host;          /* "127.0.0.1:PORT" */
  GSocket           *socket;        /* the keep-alive connection, or NULL */
  char              *tokens[N_TOKENS];
  char              *pristine;      /* the seeded database file's bytes */
  gsize              pristine_len;
  guint              n_inputs;      /* since the last reset */
} Fuzz;

static Fuzz fuzz;

/* A finding: abort(), which libFuzzer catches (g_error() would trap, which it does not)
 * and which fails the corpus replay test. */
G_GNUC_PRINTF (1, 2) G_NORETURN static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

typedef struct
{
  guint    status;
  gboolean close;                   /* the server closes the connection after it */
  char    *content_type;
  GString *body;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->content_type, g_free);
  if (answer->body != NULL)
    g_string_free (answer->body, TRUE);
  answer->body = NULL;
}

static void
disconnect (void)
{
  if (fuzz.socket == NULL)
    return;
  g_socket_close (fuzz.socket, NULL);
  g_clear_object (&fuzz.socket);
  /* let the server see the connection go (it counts connections per address) */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
connect_socket (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fuzz.port);

  fuzz.socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  /* on loopback the kernel completes the handshake before the server accepts */
  if (!g_socket_connect (fuzz.socket, address, NULL, &error))
    fail ("cannot connect to the platform: %s", error->message);
  g_socket_set_blocking (fuzz.socket, FALSE);
}

static gboolean
ready_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits, serving the platform meanwhile, until the socket is ready for @condition or
 * the deadline passes. */
static void
wait_for (GIOCondition condition,
          gint64       deadline)
{
  gboolean ready = FALSE;
  gboolean late = FALSE;
  gint64 left = deadline - g_get_monotonic_time ();
  g_autoptr(GSource) source = g_socket_create_source (fuzz.socket, condition | G_IO_HUP | G_IO_ERR, NULL);
  g_autoptr(GSource) timeout = g_timeout_source_new ((guint) MAX (1, left / 1000));

  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) ready_cb, &ready, NULL);
  g_source_attach (source, NULL);
  g_source_set_callback (timeout, timeout_cb, &late, NULL);
  g_source_attach (timeout, NULL);
  while (!ready && !late)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (source);
  g_source_destroy (timeout);
}

static const char *
find_crlf (const char *start,
           const char *end)
{
  for (const char *p = start; p + 1 < end; p++)
    if (p[0] == '\r' && p[1] == '\n')
      return p;
  return NULL;
}

/* Decodes a chunked body from @p; -1: more bytes needed, else the bytes used. */
static gssize
dechunk (const char *start,
         const char *end,
         GString    *out)
{
  const char *p = start;

  for (;;)
    {
      const char *eol = find_crlf (p, end);
      guint64 size;
      char *rest;

      if (eol == NULL)
        return -1;
      size = g_ascii_strtoull (p, &rest, 16);
      if (rest == p || size > G_MAXINT32)
        fail ("malformed chunk size in the answer");
      p = eol + 2;
      if (size == 0)
        {
          /* trailers, then an empty line */
          for (;;)
            {
              eol = find_crlf (p, end);
              if (eol == NULL)
                return -1;
              if (eol == p)
                return (eol + 2) - start;
              p = eol + 2;
            }
        }
      if ((guint64) (end - p) < size + 2)
        return -1;
      g_string_append_len (out, p, (gssize) size);
      p += size;
      if (p[0] != '\r' || p[1] != '\n')
        fail ("malformed chunk in the answer");
      p += 2;
    }
}

/* Parses one answer from @buf: FALSE while incomplete. 1xx heads are skipped. */
static gboolean
parse_answer (GString    *buf,
              gboolean    head,
              gboolean    eof,
              Answer     *answer)
{
  for (;;)
    {
      const char *start = buf->str;
      const char *end = buf->str + buf->len;
      const char *headers_end = g_strstr_len (start, (gssize) buf->len, "\r\n\r\n");
      g_auto(GStrv) lines = NULL;
      g_autofree char *head_text = NULL;
      gint64 length = -1;
      gboolean chunked = FALSE;
      const char *body;
      guint status;

      if (headers_end == NULL)
        return FALSE;
      head_text = g_strndup (start, (gsize) (headers_end - start));
      lines = g_strsplit (head_text, "\r\n", -1);
      if (!(g_str_has_prefix (lines[0], "HTTP/1.1 ") || g_str_has_prefix (lines[0], "HTTP/1.0 ")) ||
          strlen (lines[0]) < 12 || !g_ascii_isdigit (lines[0][9]) || !g_ascii_isdigit (lines[0][10]) ||
          !g_ascii_isdigit (lines[0][11]) || (lines[0][12] != ' ' && lines[0][12] != '\0'))
        fail ("malformed status line in the answer: %.40s", lines[0]);
      status = (guint) g_ascii_strtoull (lines[0] + 9, NULL, 10);
      if (status < 100 || status > 599)
        fail ("status %u out of range", status);
      answer->close = g_str_has_prefix (lines[0], "HTTP/1.0 ");
      g_clear_pointer (&answer->content_type, g_free);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          char *colon = strchr (lines[i], ':');
          g_autofree char *name = NULL;
          const char *value;

          if (colon == NULL)
            fail ("malformed header line in the answer");
          name = g_ascii_strdown (lines[i], colon - lines[i]);
          value = colon + 1;
          while (*value == ' ')
            value++;
          if (g_str_equal (name, "content-length"))
            length = (gint64) g_ascii_strtoull (value, NULL, 10);
          else if (g_str_equal (name, "transfer-encoding"))
            chunked = g_ascii_strcasecmp (value, "chunked") == 0;
          else if (g_str_equal (name, "connection"))
            answer->close = answer->close || g_ascii_strcasecmp (value, "close") == 0;
          else if (g_str_equal (name, "content-type"))
            answer->content_type = g_strdup (value);
        }
      body = headers_end + 4;
      if (status < 200)
        {
          g_string_erase (buf, 0, body - start);
          continue;
        }
      answer->status = status;
      answer->body = g_string_new (NULL);
      if (head || status == 204 || status == 304)
        length = 0;
      if (chunked && length < 0)
        {
          gssize used = dechunk (body, end, answer->body);

          if (used < 0)
            {
              answer_clear (answer);
              return FALSE;
            }
          g_string_erase (buf, 0, (body + used) - start);
          return TRUE;
        }
      if (length < 0)
        {
          /* read to the end of the connection */
          if (!eof)
            {
              answer_clear (answer);
              return FALSE;
            }
          answer->close = TRUE;
          length = end - body;
        }
      if (end - body < length)
        {
          answer_clear (answer);
          return FALSE;
        }
      g_string_append_len (answer->body, body, (gssize) length);
      g_string_erase (buf, 0, (body + length) - start);
      return TRUE;
    }
}

/* Sends @request on the keep-alive connection and reads one answer. FALSE: the
 * connection closed (or the deadline passed) before a whole answer arrived. */
static gboolean
exchange_once (const GString *request,
               gboolean       head,
               Answer        *answer,
               gboolean      *stale)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;
  gsize sent = 0;
  gboolean eof = FALSE;
  gboolean write_failed = FALSE;
  char chunk[16384];

  if (fuzz.socket == NULL)
    connect_socket ();
  while (g_get_monotonic_time () < deadline)
    {
      gboolean progress = FALSE;
      gssize n;

      if (sent < request->len && !write_failed)
        {
          g_autoptr(GError) error = NULL;

          n = g_socket_send (fuzz.socket, request->str + sent, request->len - sent, NULL, &error);
          if (n > 0)
            {
              sent += (gsize) n;
              progress = TRUE;
            }
          else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            write_failed = TRUE;   /* the server answered early and closed; read that */
        }
      {
        g_autoptr(GError) error = NULL;

        n = g_socket_receive (fuzz.socket, chunk, sizeof chunk, NULL, &error);
        if (n > 0)
          {
            g_string_append_len (buf, chunk, n);
            progress = TRUE;
          }
        else if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
          eof = TRUE;
      }
      if (parse_answer (buf, head, eof, answer))
        {
          if (answer->close || buf->len > 0)
            disconnect ();
          return TRUE;
        }
      if (eof)
        {
          /* closed before a byte of the answer: the server had ended this idle
           * keep-alive connection (as it may) before the request reached it */
          *stale = buf->len == 0;
          break;
        }
      if (!progress)
        wait_for (G_IO_IN | (sent < request->len && !write_failed ? G_IO_OUT : 0), deadline);
    }
  disconnect ();
  return FALSE;
}

static gboolean
exchange (const GString *request,
          gboolean       head,
          Answer        *answer)
{
  gboolean reused = fuzz.socket != NULL;
  gboolean stale = FALSE;

  if (exchange_once (request, head, answer, &stale))
    return TRUE;
  if (!reused || !stale)
    return FALSE;
  if (g_getenv ("XPZ_FUZZ_VERBOSE") != NULL)
    g_printerr ("(the kept-alive connection was closed: once more on a new one)\n");
  return exchange_once (request, head, answer, &stale);
}

static void
append_body (GString    *request,
             const char *body,
             gsize       length,
             gboolean    chunked,
             gsize       chunk_size)
{
  if (!chunked)
    {
      g_string_append_printf (request, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", length);
      g_string_append_len (request, body, (gssize) length);
      return;
    }
  g_string_append (request, "Transfer-Encoding: chunked\r\n\r\n");
  for (gsize off = 0; off < length; off += chunk_size)
    {
      gsize n = MIN (chunk_size, length - off);

      g_string_append_printf (request, "%" G_GSIZE_MODIFIER "x\r\n", n);
      g_string_append_len (request, body + off, (gssize) n);
      g_string_append (request, "\r\n");
    }
  g_string_append (request, "0\r\n\r\n");
}

static char *
sign_in (const char *email)
{
  g_autoptr(GString) request = g_string_new (NULL);
  g_autofree char *body = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email,
                                           XPZ_PLATFORM_DEMO_PASSWORD);
  g_autoptr(JsonNode) node = NULL;
  Answer answer = { 0 };
  char *token = NULL;

  g_string_append_printf (request, "POST /api/v1/sessions HTTP/1.1\r\nHost: %s\r\n"
                          "Content-Type: application/json\r\n", fuzz.host);
  append_body (request, body, strlen (body), FALSE, 0);
  if (exchange (request, FALSE, &answer) && answer.status == 201)
    {
      node = xpz_platform_json_parse (answer.body->str, (gssize) answer.body->len, 32, NULL);
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          json_object_has_member (json_node_get_object (node), "access_token"))
        token = g_strdup (json_object_get_string_member (json_node_get_object (node), "access_token"));
    }
  answer_clear (&answer);
  return token;
}

static void
stop_server (void)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  disconnect ();
  for (guint i = 0; i < N_TOKENS; i++)
    g_clear_pointer (&fuzz.tokens[i], g_free);
  if (fuzz.server != NULL)
    {
      XpzPlatformServer *gone = fuzz.server;

      g_object_add_weak_pointer (G_OBJECT (gone), (gpointer *) &gone);
      g_clear_object (&fuzz.server);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      /* every reset frees the whole server: a reference kept by a request is a leak */
      if (gone != NULL)
        fail ("the server was not finalized (%u references left)", G_OBJECT (gone)->ref_count);
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (fuzz.db_path, suffixes[i], NULL);
      g_unlink (path);
    }
  g_clear_pointer (&fuzz.host, g_free);
}

static void
cleanup (void)
{
  stop_server ();
  g_rmdir (fuzz.dir);
  g_clear_pointer (&fuzz.dir, g_free);
  g_clear_pointer (&fuzz.db_path, g_free);
  g_clear_pointer (&fuzz.pristine, g_free);
}

static XpzPlatformServer *
new_server (void)
{
  g_autoptr(GError) error = NULL;
  XpzPlatformOptions options;
  XpzPlatformServer *server;

  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  /* the fuzzer signs in wrongly all the time: without this the demo accounts would be
   * locked for the rest of the run and every later input would be unauthenticated */
  options.sign_in_limit = G_MAXUINT / 2;
  options.sign_in_address_limit = G_MAXUINT / 2;
  server = xpz_platform_server_new (fuzz.db_path, &options, &error);
  g_assert_no_error (error);
  return server;
}

/* Serves a fresh copy of the seeded database: the state the inputs build up (jobs,
 * accounts, shares) is bounded, so are the time and memory an input takes. */
static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  const char *url;

  g_file_set_contents (fuzz.db_path, fuzz.pristine, (gssize) fuzz.pristine_len, &error);
  g_assert_no_error (error);
  fuzz.server = new_server ();
  fuzz.n_inputs = 0;
  xpz_platform_server_listen (fuzz.server, "127.0.0.1", 0, NULL, &error);
  g_assert_no_error (error);
  url = xpz_platform_server_get_url (fuzz.server);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  fuzz.port = (guint16) g_ascii_strtoull (url + strlen ("http://127.0.0.1:"), NULL, 10);
  fuzz.host = g_strdup_printf ("127.0.0.1:%u", fuzz.port);
  for (guint i = 0; i < N_TOKENS; i++)
    {
      fuzz.tokens[i] = sign_in (token_emails[i]);
      g_assert_nonnull (fuzz.tokens[i]);
    }
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  if (fuzz.server != NULL)
    {
      if (++fuzz.n_inputs < RESET_EVERY)
        return;
      stop_server ();
      start_server ();
      return;
    }
  fuzz.dir = g_dir_make_tmp ("xpz-fuzz-http-XXXXXX", &error);
  g_assert_no_error (error);
  fuzz.db_path = g_build_filename (fuzz.dir, "platform.db", NULL);
  fuzz.server = new_server ();
  xpz_platform_server_seed_demo (fuzz.server, &error);
  g_assert_no_error (error);
  xpz_platform_server_create_operator (fuzz.server, OPERATOR_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  /* closing the store folds its write-ahead log into the file */
  g_clear_object (&fuzz.server);
  g_file_get_contents (fuzz.db_path, &fuzz.pristine, &fuzz.pristine_len, &error);
  g_assert_no_error (error);
  atexit (cleanup);
  start_server ();
}

/* The server notes refused requests (messages); the fuzzer makes millions of them.
 * Warnings and worse are still written. */
static GLogWriterOutput
quiet_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if ((level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) != 0)
    return G_LOG_WRITER_HANDLED;
  g_log_writer_default (level, fields, n_fields, user_data);
  if ((level & G_LOG_FLAG_FATAL) != 0)
    abort ();
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_writer_func (quiet_writer, NULL, NULL);
  /* a failed precondition (g_return_if_fail) in the server or libsoup is a bug found */
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
  setup ();
  return 0;
}

static gboolean
skipped_header (const char *line,
                gsize       length)
{
  static const char *const framing[] = { "content-length:", "transfer-encoding:" };

  for (guint i = 0; i < G_N_ELEMENTS (framing); i++)
    if (length >= strlen (framing[i]) && g_ascii_strncasecmp (line, framing[i], strlen (framing[i])) == 0)
      return TRUE;
  return FALSE;
}

/* Appends @line (a "*COUNT TEXT" line) expanded to @body, within MAX_BODY. */
static void
expand (GString    *body,
        const char *line,
        gsize       length)
{
  g_autofree char *copy = g_strndup (line + 1, length - 1);
  char *text = NULL;
  guint64 count = g_ascii_strtoull (copy, &text, 10);
  gsize text_len;

  if (text == copy || *text != ' ')
    return;
  text++;
  text_len = strlen (text);
  if (text_len == 0)
    return;
  count = MIN (count, (MAX_BODY - body->len) / text_len);
  for (guint64 i = 0; i < count; i++)
    g_string_append_len (body, text, (gssize) text_len);
}

/* The next line of @data from @*pos (without its '\n' and a trailing '\r'). */
static gboolean
next_line (const guint8  *data,
           size_t         size,
           size_t        *pos,
           const char   **line,
           gsize         *length)
{
  const guint8 *nl;

  if (*pos >= size)
    return FALSE;
  *line = (const char *) data + *pos;
  nl = memchr (data + *pos, '\n', size - *pos);
  *length = nl ? (gsize) (nl - (data + *pos)) : size - *pos;
  *pos += *length + (nl ? 1 : 0);
  if (*length > 0 && (*line)[*length - 1] == '\r')
    (*length)--;
  return TRUE;
}

static void
append_clean (GString    *out,
              const char *text,
              gsize       length)
{
  /* one request per input: no CR or LF inside the request line or a header */
  for (gsize i = 0; i < length; i++)
    g_string_append_c (out, text[i] == '\r' || text[i] == '\n' ? ' ' : text[i]);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  const char *line = NULL;
  gsize length = 0;
  size_t pos = 3;
  guint8 b0, b1, b2;
  guint auth, host, type;
  const char *method;
  const char *token = NULL;
  gint token_index = -1;
  Answer answer = { 0 };

  setup ();
  if (size < 3)
    return 0;
  b0 = data[0];
  b1 = data[1];
  b2 = data[2];
  method = methods[b0 % G_N_ELEMENTS (methods)];
  auth = b1 & 7;
  host = (b1 >> 3) & 3;
  type = (b1 >> 5) & 7;

  g_string_append_printf (request, "%s ", method);
  if (next_line (data, size, &pos, &line, &length) && length > 0)
    append_clean (request, line, length);
  else
    g_string_append_c (request, '/');
  g_string_append (request, " HTTP/1.1\r\n");

  switch (host)
    {
    case 0:
      g_string_append_printf (request, "Host: %s\r\n", fuzz.host);
      break;
    case 1:
      g_string_append_printf (request, "Host: localhost:%u\r\n", fuzz.port);
      break;
    case 2:
      break;
    default:
      g_string_append (request, "Host: attacker.example\r\n");
      break;
    }

  if (auth <= TOKEN_OPERATOR + 1 && auth >= 1)
    token_index = (gint) auth - 1;
  if (auth == 7)
    token_index = TOKEN_CANDIDATE;
  if (token_index >= 0 && fuzz.tokens[token_index] == NULL)
    fuzz.tokens[token_index] = sign_in (token_emails[token_index]);
  if (token_index >= 0)
    token = fuzz.tokens[token_index];
  switch (auth)
    {
    case 0:
      break;
    case 4:
      g_string_append (request, "Authorization: Bearer xpa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n");
      break;
    case 5:
      g_string_append (request, "Authorization: Basic ZGVtbzpkZW1v\r\n");
      break;
    case 6:
      g_string_append (request, "Authorization: Bearer \r\n");
      break;
    case 7:
      g_string_append_printf (request, "Authorization: Bearer %s\r\nAuthorization: Bearer %s\r\n",
                              token ? token : "", token ? token : "");
      break;
    default:
      g_string_append_printf (request, "Authorization: Bearer %s\r\n", token ? token : "");
      break;
    }
  if (content_types[type] != NULL)
    g_string_append_printf (request, "Content-Type: %s\r\n", content_types[type]);
  if (b2 & 16)
    g_string_append (request, "Connection: close\r\n");

  while (next_line (data, size, &pos, &line, &length) && length > 0)
    {
      if (line[0] == '*')
        expand (body, line, length);
      else if (!skipped_header (line, length))
        {
          append_clean (request, line, length);
          g_string_append (request, "\r\n");
        }
    }
  if (pos < size)
    g_string_append_len (body, (const char *) data + pos, (gssize) MIN (size - pos, MAX_BODY - body->len));

  append_body (request, body->str, body->len, b2 & 1, chunk_sizes[(b2 >> 1) & 7]);

  if (!exchange (request, g_str_equal (method, "HEAD"), &answer))
    fail ("no answer within %d s to %s (%" G_GSIZE_FORMAT " bytes of body)",
             (int) (DEADLINE_US / G_USEC_PER_SEC), method, body->len);
  if (answer.status >= 500 && answer.status != 503)
    fail ("status %u for %s (%" G_GSIZE_FORMAT " bytes of body): %.200s", answer.status, method,
             body->len, answer.body->str);
  if (answer.content_type != NULL && g_str_has_prefix (answer.content_type, "application/json") &&
      answer.body->len > 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = xpz_platform_json_parse (answer.body->str, (gssize) answer.body->len, 64, &error);

      if (node == NULL)
        fail ("status %u: the answer is not strict JSON: %s", answer.status, error->message);
    }
  if (g_getenv ("XPZ_FUZZ_VERBOSE") != NULL)
    g_printerr ("%s %.*s -> %u (%" G_GSIZE_FORMAT " bytes) %.*s\n", method,
                (int) MIN (80, strcspn (request->str + strlen (method) + 1, " \r\n")),
                request->str + strlen (method) + 1, answer.status, answer.body->len,
                answer.status >= 400 ? 160 : 0, answer.body->str);
  /* a token the input revoked (sign-out, deletion) is renewed for the next input */
  if (answer.status == 401 && token_index >= 0)
    g_clear_pointer (&fuzz.tokens[token_index], g_free);
  answer_clear (&answer);
  return 0;
}
