/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <string.h>

#include "test-util.h"

void
test_copy_file (const char *from,
                const char *to)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (to);
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_get_contents (from, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, len, &error);
  g_assert_no_error (error);
}

/* A fixed key: tests must be reproducible; never a real one. */
GBytes *
test_key (void)
{
  guint8 key[32];

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) (0xA5 ^ (i * 7));
  return g_bytes_new (key, sizeof key);
}

static gboolean
contains (const guint8 *hay,
          gsize         hay_len,
          const guint8 *needle,
          gsize         needle_len)
{
  if (needle_len == 0 || hay_len < needle_len)
    return FALSE;
  return memmem (hay, hay_len, needle, needle_len) != NULL;
}

/* Counts the regular files under @root whose bytes contain @needle,
 * skipping the directory @skip_dir (may be NULL). */
gsize
test_grep_tree (const char   *root,
                const guint8 *needle,
                gsize         needle_len,
                const char   *skip_dir,
                GPtrArray    *hits)
{
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;
  gsize n = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (skip_dir == NULL || g_strcmp0 (path, skip_dir) != 0)
            n += test_grep_tree (path, needle, needle_len, skip_dir, hits);
        }
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *contents = NULL;
          gsize len = 0;

          if (g_file_get_contents (path, &contents, &len, NULL) &&
              contains ((const guint8 *) contents, len, needle, needle_len))
            {
              n++;
              if (hits != NULL)
                g_ptr_array_add (hits, g_strdup (path));
            }
        }
    }
  return n;
}

void
test_async_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* Iterates the thread-default main context until the callback has run. */
GAsyncResult *
test_run_until_ready (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}
