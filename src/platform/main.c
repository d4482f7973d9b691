/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xpz-platform-server.h"

/* xpertaize-platform: the reference platform server. See docs/platform-api.md. */

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
split_listen (const char  *listen,
              char       **address,
              guint16     *port)
{
  const char *colon = strrchr (listen, ':');
  guint64 value;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    return FALSE;
  *address = g_strndup (listen, (gsize) (colon - listen));
  if ((*address)[0] == '[')
    {
      /* [::1]:8080 */
      char *inner = g_strndup (*address + 1, strlen (*address) - 2);
      g_free (*address);
      *address = inner;
    }
  *port = (guint16) value;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *listen = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *pwhash = NULL;
  g_autofree char *address = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *tmpdb = NULL;
  gboolean seed_demo = FALSE;
  gboolean complete_due = FALSE;
  gboolean insecure_http = FALSE;
  g_autofree char *verify_employer = NULL;
  g_autofree char *unverify_employer = NULL;
  g_autofree char *candidate_handle = NULL;
  g_autofree char *create_operator = NULL;
  gint seed_scale = 0;
  gint64 now = 0;
  gint k_anonymity = 5;
  gint max_per_address = -1;
  gint max_connections = -1;
  guint16 port = 0;
  XpzPlatformOptions options;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XpzPlatformServer) server = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address and port to listen on (default 127.0.0.1:0)", "ADDR:PORT" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "SQLite database (default: a temporary one)", "PATH" },
    { "seed-demo", 0, 0, G_OPTION_ARG_NONE, &seed_demo, "Seed the Moroccan demo market and demo accounts", NULL },
    { "seed-scale", 0, 0, G_OPTION_ARG_INT, &seed_scale, "Seed N candidates and N/10 jobs", "N" },
    { "k-anonymity", 0, 0, G_OPTION_ARG_INT, &k_anonymity, "Smallest group published in insights (default 5)", "K" },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      "Open connections from one client address (default 256, 0: no cap)", "N" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      "Open connections in all (default 1000, kept under the open-file limit; 0: no cap)", "N" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "TLS certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "TLS private key (PEM)", "FILE" },
    { "insecure-http", 0, 0, G_OPTION_ARG_NONE, &insecure_http,
      "Allow plain HTTP on an address that is not loopback (tokens travel in clear)", NULL },
    { "pwhash-cost", 0, 0, G_OPTION_ARG_STRING, &pwhash, "argon2id cost: interactive (default) or min", "COST" },
    { "complete-due-deletions", 0, 0, G_OPTION_ARG_NONE, &complete_due,
      "Admin: complete every due deletion request, print how many, and exit", NULL },
    { "verify-employer", 0, 0, G_OPTION_ARG_STRING, &verify_employer,
      "Operator: verify the organisation (email domain) of this employer account, and exit", "EMAIL" },
    { "unverify-employer", 0, 0, G_OPTION_ARG_STRING, &unverify_employer,
      "Operator: revoke the verification of this employer account, and exit", "EMAIL" },
    { "candidate-handle", 0, 0, G_OPTION_ARG_STRING, &candidate_handle,
      "Operator: print the handle by which the employer of job JOB names the candidate account ACCOUNT"
      " (to answer a data-protection request about a match), and exit", "JOB:ACCOUNT" },
    { "create-operator", 0, 0, G_OPTION_ARG_STRING, &create_operator,
      "Create a platform operator account (password read from standard input), and exit", "EMAIL" },
    { "now", 0, 0, G_OPTION_ARG_INT64, &now,
      "Tests and demos: the server's clock, in Unix seconds (default: the real clock)", "SECONDS" },
    { NULL }
  };

  context = g_option_context_new ("- the XpertAIze reference platform server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  xpz_platform_options_init (&options);
  if (k_anonymity < 2)
    {
      g_printerr ("--k-anonymity must be at least 2\n");
      return 2;
    }
  options.k_anonymity = (guint) k_anonymity;
  if (max_per_address < -1 || max_connections < -1)
    {
      g_printerr ("--max-connections-per-address and --max-connections take 0 or more\n");
      return 2;
    }
  if (max_per_address >= 0)
    options.max_connections_per_address = (guint) max_per_address;
  if (max_connections >= 0)
    options.max_connections = (guint) max_connections;
  if (pwhash != NULL && g_str_equal (pwhash, "min"))
    options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  else if (pwhash != NULL && !g_str_equal (pwhash, "interactive"))
    {
      g_printerr ("--pwhash-cost must be interactive or min\n");
      return 2;
    }
  /* test-only fault injection, off unless the variable is set */
  options.faults = g_getenv ("XPZ_PLATFORM_FAULTS");

  if (!split_listen (listen ? listen : "127.0.0.1:0", &address, &port))
    {
      g_printerr ("--listen expects ADDR:PORT\n");
      return 2;
    }
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr ("--tls-cert and --tls-key go together\n");
      return 2;
    }
  if (tls_cert == NULL && !insecure_http)
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);

      /* Plain HTTP carries bearer tokens and personal data in clear: loopback only,
       * unless the operator says otherwise. */
      if (inet == NULL || !g_inet_address_get_is_loopback (inet))
        {
          g_printerr ("Refusing to listen on %s without TLS: give --tls-cert and --tls-key, "
                      "or --insecure-http to serve plain HTTP on a network address\n", address);
          return 2;
        }
    }
  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  if (db_path == NULL)
    {
      tmpdir = g_dir_make_tmp ("xpertaize-platform-XXXXXX", &error);
      if (tmpdir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      tmpdb = g_build_filename (tmpdir, "platform.db", NULL);
    }

  server = xpz_platform_server_new (db_path ? db_path : tmpdb, &options, &error);
  if (server == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (now > 0)
    xpz_platform_server_set_now (server, now);

  if (complete_due)
    {
      guint n = 0;

      if (!xpz_platform_server_complete_due_deletions (server, &n, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf ("%u\n", n);
      return 0;
    }

  if (candidate_handle != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (candidate_handle, ":", -1);
      guint64 job = 0, account = 0;

      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXINT64, &job, NULL) ||
          !g_ascii_string_to_unsigned (parts[1], 10, 1, XPZ_PLATFORM_HANDLE_MAX, &account, NULL))
        {
          g_printerr ("--candidate-handle takes JOB:ACCOUNT, two ids\n");
          return 2;
        }
      printf ("%" G_GINT64_FORMAT "\n", xpz_platform_server_candidate_handle (server, (gint64) job, (gint64) account));
      return 0;
    }

  if (verify_employer != NULL || unverify_employer != NULL)
    {
      if (!xpz_platform_server_verify_employer (server, verify_employer ? verify_employer : unverify_employer,
                                                verify_employer != NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf ("%s\n", verify_employer ? "verified" : "unverified");
      return 0;
    }

  if (create_operator != NULL)
    {
      char line[1024];
      gsize len;

      /* never from argv: another local user could read it in the process list */
      if (fgets (line, sizeof line, stdin) == NULL)
        {
          g_printerr ("Give the operator's password on standard input\n");
          return 1;
        }
      len = strlen (line);
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
      if (!xpz_platform_server_create_operator (server, create_operator, line, &error))
        {
          sodium_memzero (line, sizeof line);
          g_printerr ("%s\n", error->message);
          return 1;
        }
      sodium_memzero (line, sizeof line);
      printf ("created\n");
      return 0;
    }

  if (seed_demo && !xpz_platform_server_seed_demo (server, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (seed_scale > 0 && !xpz_platform_server_seed_scale (server, (guint) seed_scale, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (!xpz_platform_server_listen (server, address, port, certificate, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("%s\n", xpz_platform_server_get_url (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  g_clear_object (&server);
  if (tmpdb != NULL)
    {
      g_autofree char *wal = g_strconcat (tmpdb, "-wal", NULL);
      g_autofree char *shm = g_strconcat (tmpdb, "-shm", NULL);

      g_unlink (tmpdb);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (tmpdir);
    }
  return 0;
}
