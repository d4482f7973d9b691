/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_PROFILE (xpz_candidate_profile_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateProfile, xpz_candidate_profile, XPZ, CANDIDATE_PROFILE, AdwBin)

void xpz_candidate_profile_set_account (XpzCandidateProfile *self,
                                        XpzAccount          *account);

gboolean xpz_candidate_profile_focus_field (XpzCandidateProfile *self,
                                           const char          *field);

G_END_DECLS
