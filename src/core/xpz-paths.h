/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *xpz_paths_data_dir (void);
char *xpz_paths_account_dir (const char *account_id);
gboolean xpz_paths_is_valid_account_id (const char *account_id);

G_END_DECLS
