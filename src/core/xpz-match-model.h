/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xpz-match-item.h"
#include "xpz-store.h"

G_BEGIN_DECLS

typedef enum
{
  XPZ_MATCH_SIDE_EMPLOYER,    /* the matches of one job, joined with the candidate */
  XPZ_MATCH_SIDE_CANDIDATE,   /* the signed-in candidate's matches, joined with the job */
} XpzMatchSide;

#define XPZ_MATCH_MODEL_PAGE_SIZE 128

#define XPZ_TYPE_MATCH_MODEL (xpz_match_model_get_type ())

G_DECLARE_FINAL_TYPE (XpzMatchModel, xpz_match_model, XPZ, MATCH_MODEL, GObject)

XpzMatchModel *xpz_match_model_new               (XpzStore      *store,
                                                  XpzMatchSide   side);
XpzStore      *xpz_match_model_get_store         (XpzMatchModel *self);
XpzMatchSide   xpz_match_model_get_side          (XpzMatchModel *self);
/* The account key: shared candidates' names are decrypted into the rows (employer side). */
void           xpz_match_model_set_key           (XpzMatchModel *self,
                                                  GBytes        *key);

/* Employer side: which job (0: none, an empty list). */
void           xpz_match_model_set_job_id        (XpzMatchModel *self,
                                                  gint64         job_id);
gint64         xpz_match_model_get_job_id        (XpzMatchModel *self);

/* Filters. Text: full text over the candidate's skills, seniority and region (employer
 * side) or the job's title, skills and location (candidate side). */
void           xpz_match_model_set_search        (XpzMatchModel *self,
                                                  const char    *text);
void           xpz_match_model_set_min_score     (XpzMatchModel *self,
                                                  guint          min_score);
/* Employer side */
void           xpz_match_model_set_stage         (XpzMatchModel *self,
                                                  const char    *stage);
void           xpz_match_model_set_shared_only   (XpzMatchModel *self,
                                                  gboolean       shared_only);
/* Candidate side */
void           xpz_match_model_set_location      (XpzMatchModel *self,
                                                  const char    *location);
void           xpz_match_model_set_work_mode     (XpzMatchModel *self,
                                                  const char    *work_mode);
void           xpz_match_model_set_contract_type (XpzMatchModel *self,
                                                  const char    *contract_type);
void           xpz_match_model_set_min_salary    (XpzMatchModel *self,
                                                  gint64         min_salary);

gboolean       xpz_match_model_get_loading       (XpzMatchModel *self);
gboolean       xpz_match_model_is_busy           (XpzMatchModel *self);
guint          xpz_match_model_get_n_unfiltered  (XpzMatchModel *self);
guint          xpz_match_model_get_n_page_loads  (XpzMatchModel *self);
/* The position of a match in the (filtered) list, or -1. */
gint64         xpz_match_model_find              (XpzMatchModel *self,
                                                  gint64         match_id);

G_END_DECLS
