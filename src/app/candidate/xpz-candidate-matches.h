/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_MATCHES (xpz_candidate_matches_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateMatches, xpz_candidate_matches, XPZ, CANDIDATE_MATCHES, AdwBin)

void xpz_candidate_matches_set_account (XpzCandidateMatches *self,
                                       XpzAccount *account);

G_END_DECLS
