/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *xpz_fold_text (const char *text);
char *xpz_fold_fts_query (const char *text);

G_END_DECLS
