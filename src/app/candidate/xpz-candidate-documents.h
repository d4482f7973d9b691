/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_DOCUMENTS (xpz_candidate_documents_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateDocuments, xpz_candidate_documents, XPZ, CANDIDATE_DOCUMENTS, AdwBin)

void xpz_candidate_documents_set_account (XpzCandidateDocuments *self,
                                         XpzAccount *account);

G_END_DECLS
