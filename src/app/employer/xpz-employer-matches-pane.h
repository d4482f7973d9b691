/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define XPZ_TYPE_EMPLOYER_MATCHES_PANE (xpz_employer_matches_pane_get_type ())

G_DECLARE_FINAL_TYPE (XpzEmployerMatchesPane, xpz_employer_matches_pane, XPZ, EMPLOYER_MATCHES_PANE, GtkBox)

GtkWidget *xpz_employer_matches_pane_new (void);

G_END_DECLS
