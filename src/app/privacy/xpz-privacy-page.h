/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-context.h"

G_BEGIN_DECLS

#define XPZ_TYPE_PRIVACY_PAGE (xpz_privacy_page_get_type ())

G_DECLARE_FINAL_TYPE (XpzPrivacyPage, xpz_privacy_page, XPZ, PRIVACY_PAGE, AdwBin)

void        xpz_privacy_page_set_context (XpzPrivacyPage *self,
                                          XpzContext     *context);
XpzAccount *xpz_privacy_page_get_account (XpzPrivacyPage *self);

G_END_DECLS
