/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-context.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_PAGE (xpz_candidate_page_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidatePage, xpz_candidate_page, XPZ, CANDIDATE_PAGE, AdwBin)

void xpz_candidate_page_set_context (XpzCandidatePage *self,
                                     XpzContext *context);

G_END_DECLS
