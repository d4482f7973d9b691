/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-export-tool"

#include "config.h"

#include <stdio.h>

#include "xpz-import.h"

/* A command-line face of the importers and exporters for test-import-export.py:
 *   xpz-export-tool import-resume FILE     imported Profile on stdout
 *   xpz-export-tool import-linkedin PATH   imported Profile on stdout
 *   xpz-export-tool resume PROFILE.json    JSON Resume on stdout
 *   xpz-export-tool zip EXPORT.json OUT    the full export archive
 * Errors go to stderr as "DOMAIN CODE: message", exit status 1. */

static int
fail (GError *error)
{
  fprintf (stderr, "%s %d: %s\n", g_quark_to_string (error->domain), error->code, error->message);
  g_error_free (error);
  return 1;
}

static void
print_node (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  printf ("%s\n", text);
}

int
main (int   argc,
      char *argv[])
{
  GError *error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s import-resume|import-linkedin|resume|zip FILE [OUT]\n", argv[0]);
      return 2;
    }
  if (g_str_equal (argv[1], "import-linkedin"))
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (argv[2]);
      g_autoptr (JsonNode) profile = xpz_import_linkedin (file, NULL, &error);

      if (profile == NULL)
        return fail (error);
      print_node (profile);
      return 0;
    }
  if (!g_file_get_contents (argv[2], &contents, &len, &error))
    return fail (error);
  if (g_str_equal (argv[1], "import-resume"))
    {
      g_autoptr (JsonNode) profile = xpz_import_json_resume (contents, len, &error);

      if (profile == NULL)
        return fail (error);
      print_node (profile);
      return 0;
    }
  else
    {
      g_autoptr (JsonNode) node = json_from_string (contents, &error);

      if (node == NULL)
        return fail (error);
      if (g_str_equal (argv[1], "resume"))
        {
          g_autofree char *resume = xpz_export_json_resume (node);

          printf ("%s\n", resume);
          return 0;
        }
      if (g_str_equal (argv[1], "zip") && argc == 4)
        {
          g_autoptr (GFile) out = g_file_new_for_commandline_arg (argv[3]);
          g_autoptr (GFileOutputStream) stream = g_file_replace (out, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);

          if (stream == NULL)
            return fail (error);
          if (!xpz_export_write_zip (node, G_OUTPUT_STREAM (stream), NULL, &error) ||
              !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error))
            return fail (error);
          return 0;
        }
    }
  fprintf (stderr, "unknown command %s\n", argv[1]);
  return 2;
}
