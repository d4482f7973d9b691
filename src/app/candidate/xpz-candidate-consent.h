/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_CONSENT (xpz_candidate_consent_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateConsent, xpz_candidate_consent, XPZ, CANDIDATE_CONSENT, AdwBin)

void xpz_candidate_consent_set_account (XpzCandidateConsent *self,
                                        XpzAccount          *account);

G_END_DECLS
