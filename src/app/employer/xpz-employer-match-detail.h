/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"
#include "xpz-match-item.h"

G_BEGIN_DECLS

#define XPZ_TYPE_EMPLOYER_MATCH_DETAIL (xpz_employer_match_detail_get_type ())

G_DECLARE_FINAL_TYPE (XpzEmployerMatchDetail, xpz_employer_match_detail, XPZ, EMPLOYER_MATCH_DETAIL, AdwBin)

void    xpz_employer_match_detail_set_account (XpzEmployerMatchDetail *self,
                                               XpzAccount             *account);
/* Shows @item (NULL: nothing); the identifying fields, note and introduction are read
 * from the store. */
void    xpz_employer_match_detail_show        (XpzEmployerMatchDetail *self,
                                               XpzMatchItem           *item);
void    xpz_employer_match_detail_update      (XpzEmployerMatchDetail *self,
                                               XpzMatchItem           *item);
void    xpz_employer_match_detail_set_back_visible (XpzEmployerMatchDetail *self,
                                                    gboolean                visible);
gint64  xpz_employer_match_detail_get_match_id (XpzEmployerMatchDetail *self);

G_END_DECLS
