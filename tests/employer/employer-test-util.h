/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xpz-match-model.h"
#include "xpz-store.h"

G_BEGIN_DECLS

/* Local data for the employer tests and the benchmark: one job (returned) with @n
 * matches of made-up candidates, straight into the store (one transaction). Candidate i
 * has skill "skill<i % 50>", points 100 - i * 100 / n, and every 10th one is shared. */
gint64   employer_test_seed       (XpzStore      *store,
                                   guint          n,
                                   GError       **error);
/* Iterates the main context until the model has settled (or fails after 30 s). */
void     employer_test_wait_model (XpzMatchModel *model);

G_END_DECLS
