/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xpz-store.h"

G_BEGIN_DECLS

typedef enum
{
  XPZ_QUERY_JOBS,
  XPZ_QUERY_CANDIDATES,
} XpzQueryKind;

#define XPZ_QUERY_MODEL_PAGE_SIZE 256

#define XPZ_TYPE_QUERY_MODEL (xpz_query_model_get_type ())

G_DECLARE_FINAL_TYPE (XpzQueryModel, xpz_query_model, XPZ, QUERY_MODEL, GObject)

XpzQueryModel *xpz_query_model_new              (XpzStore      *store,
                                                 XpzQueryKind   kind);
XpzStore      *xpz_query_model_get_store        (XpzQueryModel *self);
gboolean       xpz_query_model_get_loading      (XpzQueryModel *self);
gboolean       xpz_query_model_is_busy          (XpzQueryModel *self);
guint          xpz_query_model_get_n_cached_pages (XpzQueryModel *self);
guint          xpz_query_model_get_n_page_loads (XpzQueryModel *self);

G_END_DECLS
