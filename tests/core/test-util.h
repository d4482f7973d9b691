/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      test_copy_file          (const char    *from,
                                   const char    *to);
GBytes   *test_key                (void);
gsize     test_grep_tree          (const char    *root,
                                   const guint8  *needle,
                                   gsize          needle_len,
                                   const char    *skip_dir,
                                   GPtrArray     *hits);
void      test_async_ready        (GObject       *source,
                                   GAsyncResult  *result,
                                   gpointer       user_data);
GAsyncResult *test_run_until_ready (GAsyncResult **slot);

G_END_DECLS
