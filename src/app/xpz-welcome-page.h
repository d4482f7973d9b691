/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-context.h"

G_BEGIN_DECLS

#define XPZ_TYPE_WELCOME_PAGE (xpz_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (XpzWelcomePage, xpz_welcome_page, XPZ, WELCOME_PAGE, AdwBin)

void xpz_welcome_page_set_context (XpzWelcomePage *self,
                                   XpzContext     *context);
void xpz_welcome_page_reset       (XpzWelcomePage *self);
void xpz_welcome_page_enter_demo  (XpzWelcomePage *self,
                                   const char     *role);
void xpz_welcome_page_set_can_cancel (XpzWelcomePage *self,
                                      gboolean        can_cancel);

G_END_DECLS
