/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_INTRODUCTIONS (xpz_candidate_introductions_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateIntroductions, xpz_candidate_introductions, XPZ, CANDIDATE_INTRODUCTIONS, AdwBin)

void  xpz_candidate_introductions_set_account    (XpzCandidateIntroductions *self,
                                                  XpzAccount                *account);
guint xpz_candidate_introductions_get_n_pending  (XpzCandidateIntroductions *self);

G_END_DECLS
