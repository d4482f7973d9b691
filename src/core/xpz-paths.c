/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-paths"

#include "config.h"

#include <string.h>

#include "xpz-paths.h"

/* Where the app keeps its per-account data: $XDG_DATA_HOME/xpertaize/. */
char *
xpz_paths_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "xpertaize", NULL);
}

/* Account ids are opaque platform ids; only a conservative alphabet may
 * become a directory name, so that an id can never escape the data dir. */
gboolean
xpz_paths_is_valid_account_id (const char *account_id)
{
  if (account_id == NULL || *account_id == '\0' || strlen (account_id) > 64)
    return FALSE;
  if (g_str_equal (account_id, ".") || g_str_equal (account_id, ".."))
    return FALSE;
  for (const char *p = account_id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
xpz_paths_account_dir (const char *account_id)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (xpz_paths_is_valid_account_id (account_id), NULL);

  base = xpz_paths_data_dir ();
  return g_build_filename (base, "accounts", account_id, NULL);
}
