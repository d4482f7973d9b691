/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-match-item.h"

G_BEGIN_DECLS

#define XPZ_TYPE_EMPLOYER_MATCH_ROW (xpz_employer_match_row_get_type ())

G_DECLARE_FINAL_TYPE (XpzEmployerMatchRow, xpz_employer_match_row, XPZ, EMPLOYER_MATCH_ROW, GtkWidget)

GtkWidget *xpz_employer_match_row_new      (void);
void       xpz_employer_match_row_set_item (XpzEmployerMatchRow *self,
                                            XpzMatchItem        *item);

/* Words shared with the detail view: "Senior · 8 years · Rabat-Salé-Kénitra". */
char      *xpz_employer_candidate_facts    (const XpzMatchItemFields *fields);

G_END_DECLS
