/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-application.h"

G_BEGIN_DECLS

#define XPZ_TYPE_WINDOW (xpz_window_get_type ())

G_DECLARE_FINAL_TYPE (XpzWindow, xpz_window, XPZ, WINDOW, AdwApplicationWindow)

XpzWindow  *xpz_window_new              (XpzApplication *application);
const char *xpz_window_get_visible_area (XpzWindow      *self);
gboolean    xpz_window_show_area        (XpzWindow      *self,
                                         const char     *area);
void        xpz_window_enter_demo       (XpzWindow      *self,
                                         const char     *role);
void        xpz_window_erase_account    (XpzWindow      *self);

G_END_DECLS
