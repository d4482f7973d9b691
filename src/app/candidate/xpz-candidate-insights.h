/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_INSIGHTS (xpz_candidate_insights_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateInsights, xpz_candidate_insights, XPZ, CANDIDATE_INSIGHTS, AdwBin)

void xpz_candidate_insights_set_account (XpzCandidateInsights *self,
                                        XpzAccount *account);

G_END_DECLS
