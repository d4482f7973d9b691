/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_TRANSFER (xpz_candidate_transfer_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateTransfer, xpz_candidate_transfer, XPZ, CANDIDATE_TRANSFER, AdwBin)

void xpz_candidate_transfer_set_account (XpzCandidateTransfer *self,
                                        XpzAccount *account);

G_END_DECLS
