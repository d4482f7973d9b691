/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_EMPLOYER_JOB_EDITOR (xpz_employer_job_editor_get_type ())

G_DECLARE_FINAL_TYPE (XpzEmployerJobEditor, xpz_employer_job_editor, XPZ, EMPLOYER_JOB_EDITOR, AdwBin)

/* The form that creates (@job_id 0) or edits a posting; it saves (locally at once, sent
 * by the sync engine), then emits ::done, as it does when cancelled. */
void xpz_employer_job_editor_edit (XpzEmployerJobEditor *self,
                                   XpzAccount           *account,
                                   gint64                job_id,
                                   JsonObject           *job);

G_END_DECLS
