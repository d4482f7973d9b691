/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A match's per-factor explanation (B2), in the user's language. The platform sends,
 * for each factor, {name, weight, score, status, detail, facts}: "detail" is the
 * platform's English sentence, "facts" the structured data it was made from; these
 * functions make the sentence again from the facts with translated words, and fall
 * back to "detail" for a fact they do not know. The same words on both sides. */

char *xpz_explain_factor_name   (const char *name);        /* "skills" → "Skills" */
char *xpz_explain_status        (const char *status);      /* "partial" → "Partly met" */
char *xpz_explain_factor        (JsonObject *factor);      /* one sentence */
char *xpz_explain_score         (int         score);       /* "72 out of 100" */
char *xpz_explain_summary       (JsonArray  *factors);     /* "Skills and location match; salary unknown" */

G_END_DECLS
