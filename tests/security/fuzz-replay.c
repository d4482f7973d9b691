/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-replay"

#include "config.h"

#include <glib.h>

/* Runs a libFuzzer target's entry point over every file of its seed corpus
 * (tests/fuzz/corpus/TARGET), in a normal build: every crash the fuzzers found was
 * added there as a file, so each stays a regression test. One TAP test per file. */

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
replay (gconstpointer path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const guint8 *) contents, len), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *target = argc > 1 ? argv[argc - 1] : NULL;
  const char *name;
  g_autofree char *corpus = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (target);
  corpus = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", target, NULL);
  dir = g_dir_open (corpus, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >, 0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/security/fuzz-corpus/%s/%s", target,
                                               (char *) g_ptr_array_index (names, i));

      g_test_add_data_func_full (test, g_build_filename (corpus, g_ptr_array_index (names, i), NULL),
                                 replay, g_free);
    }
  return g_test_run ();
}
