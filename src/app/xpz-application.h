/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-context.h"

G_BEGIN_DECLS

#define XPZ_TYPE_APPLICATION (xpz_application_get_type ())

G_DECLARE_FINAL_TYPE (XpzApplication, xpz_application, XPZ, APPLICATION, AdwApplication)

XpzApplication *xpz_application_new          (void);
GSettings      *xpz_application_get_settings (XpzApplication *self);
XpzContext     *xpz_application_get_context  (XpzApplication *self);

G_END_DECLS
