/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XPZ_TYPE_RECORD (xpz_record_get_type ())

G_DECLARE_FINAL_TYPE (XpzRecord, xpz_record, XPZ, RECORD, GObject)

/* The id of a placeholder record. */
#define XPZ_RECORD_PLACEHOLDER_ID ((gint64) -1)

XpzRecord  *xpz_record_new             (gint64      id,
                                        const char *title,
                                        const char *subtitle);
XpzRecord  *xpz_record_new_placeholder (void);
gint64      xpz_record_get_id          (XpzRecord  *self);
const char *xpz_record_get_title       (XpzRecord  *self);
const char *xpz_record_get_subtitle    (XpzRecord  *self);
gboolean    xpz_record_is_placeholder  (XpzRecord  *self);

G_END_DECLS
