/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-context.h"

G_BEGIN_DECLS

#define XPZ_TYPE_EMPLOYER_PAGE (xpz_employer_page_get_type ())

G_DECLARE_FINAL_TYPE (XpzEmployerPage, xpz_employer_page, XPZ, EMPLOYER_PAGE, AdwBin)

void xpz_employer_page_set_context (XpzEmployerPage *self,
                                    XpzContext *context);

G_END_DECLS
