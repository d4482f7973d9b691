/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The matching engine: compact in-memory vectors of every candidate and job, scored
 * with the same function on both sides. It holds no identifying data: only skill ids,
 * city ids, numbers and bit masks.
 */

typedef enum
{
  XPZ_FACTOR_SKILLS,
  XPZ_FACTOR_SENIORITY,
  XPZ_FACTOR_LOCATION,
  XPZ_FACTOR_SALARY,
  XPZ_FACTOR_CONTRACT,
  XPZ_FACTOR_LANGUAGES,
  XPZ_N_FACTORS
} XpzFactor;

typedef enum
{
  XPZ_FACTOR_STATUS_UNKNOWN,
  XPZ_FACTOR_STATUS_MATCH,
  XPZ_FACTOR_STATUS_PARTIAL,
  XPZ_FACTOR_STATUS_MISMATCH,
  XPZ_FACTOR_STATUS_GATE_FAILED,
} XpzFactorStatus;

enum
{
  XPZ_CANDIDATE_PAUSED     = 1 << 0,
  XPZ_CANDIDATE_RESTRICTED = 1 << 1,
  XPZ_CANDIDATE_EXPLICIT   = 1 << 2,
  XPZ_CANDIDATE_DELETED    = 1 << 3,
};

typedef struct
{
  guint8 points[XPZ_N_FACTORS];
  guint8 status[XPZ_N_FACTORS];
  guint8 total;
  gboolean gate_failed;
} XpzScore;

typedef struct
{
  gint64   id;
  guint32 *skills;        /* sorted skill ids */
  guint    n_skills;
  gint16   years;         /* -1: unknown */
  guint8   work_modes;    /* bit mask, 0: unknown */
  gint8    relocate;      /* -1: unknown */
  guint32 *cities;        /* city ids the candidate targets or lives in */
  guint    n_cities;
  guint32  home_city;     /* 0: none */
  double   salary_min;    /* monthly; < 0: unknown */
  double   salary_max;
  char     currency[4];
  guint8   contracts;     /* bit mask, 0: unknown */
  guint32  languages;     /* bit mask, 0: unknown */
  guint8   flags;
  GArray  *blocked_employers;   /* gint64, or NULL */
  GPtrArray *blocked_domains;   /* char *, or NULL */
} XpzCandidateVec;

typedef struct
{
  gint64   id;
  gint64   employer_id;
  char    *employer_domain;
  guint32 *skills;
  guint8  *must_have;
  guint    n_skills;
  gint8    seniority;     /* -1 unknown, 0 junior … 3 lead */
  guint8   work_mode;     /* one bit, 0: unknown */
  guint32  city;          /* 0: unknown */
  double   salary_min;    /* monthly; < 0: unknown */
  double   salary_max;
  char     currency[4];
  guint8   contract;      /* one bit, 0: unknown */
  guint32  languages;     /* 0: none required */
  gboolean deleted;
} XpzJobVec;

typedef struct
{
  guint   index;          /* index into the candidate or job array */
  guint8  score;
} XpzRanked;

typedef struct _XpzPlatformMatcher XpzPlatformMatcher;

XpzPlatformMatcher *xpz_platform_matcher_new              (void);
void                xpz_platform_matcher_free             (XpzPlatformMatcher *self);

char               *xpz_platform_normalize_skill          (const char         *name);
char               *xpz_platform_normalize_city           (const char         *name);
const char         *xpz_platform_city_region              (const char         *normalized_city);
int                 xpz_platform_seniority_from_string    (const char         *text);
const char         *xpz_platform_seniority_to_string      (int                 seniority);
int                 xpz_platform_seniority_from_years     (int                 years);
int                 xpz_platform_years_from_work          (JsonArray          *work,
                                                           gint64              now);

XpzCandidateVec    *xpz_platform_matcher_set_candidate    (XpzPlatformMatcher *self,
                                                           gint64              id,
                                                           JsonObject         *profile,
                                                           gint64              now);
XpzCandidateVec    *xpz_platform_matcher_get_candidate    (XpzPlatformMatcher *self,
                                                           gint64              id);
XpzCandidateVec    *xpz_platform_matcher_candidate_at     (XpzPlatformMatcher *self,
                                                           guint               index);
guint               xpz_platform_matcher_n_candidates     (XpzPlatformMatcher *self);
void                xpz_platform_matcher_set_flags        (XpzPlatformMatcher *self,
                                                           gint64              candidate_id,
                                                           guint8              flags);
void                xpz_platform_matcher_set_blocks       (XpzPlatformMatcher *self,
                                                           gint64              candidate_id,
                                                           GArray             *employers,
                                                           GPtrArray          *domains);
void                xpz_platform_matcher_remove_candidate (XpzPlatformMatcher *self,
                                                           gint64              id);

XpzJobVec          *xpz_platform_matcher_set_job          (XpzPlatformMatcher *self,
                                                           gint64              id,
                                                           gint64              employer_id,
                                                           const char         *employer_domain,
                                                           JsonObject         *job);
XpzJobVec          *xpz_platform_matcher_get_job          (XpzPlatformMatcher *self,
                                                           gint64              id);
XpzJobVec          *xpz_platform_matcher_job_at           (XpzPlatformMatcher *self,
                                                           guint               index);
guint               xpz_platform_matcher_n_jobs           (XpzPlatformMatcher *self);
void                xpz_platform_matcher_remove_job       (XpzPlatformMatcher *self,
                                                           gint64              id);

void                xpz_platform_matcher_score            (XpzPlatformMatcher *self,
                                                           const XpzCandidateVec *candidate,
                                                           const XpzJobVec    *job,
                                                           XpzScore           *score);
gboolean            xpz_platform_domain_covers            (const char            *blocked,
                                                           const char            *domain);
gboolean            xpz_platform_matcher_visible_to       (const XpzCandidateVec *candidate,
                                                           const XpzJobVec    *job);
GArray             *xpz_platform_matcher_rank_job         (XpzPlatformMatcher *self,
                                                           const XpzJobVec    *job,
                                                           guint               min_score);
GArray             *xpz_platform_matcher_rank_candidate   (XpzPlatformMatcher *self,
                                                           const XpzCandidateVec *candidate,
                                                           guint               min_score);
JsonNode           *xpz_platform_matcher_factors_json     (XpzPlatformMatcher *self,
                                                           const XpzCandidateVec *candidate,
                                                           const XpzJobVec    *job,
                                                           const XpzScore     *score);
JsonNode           *xpz_platform_matcher_factors_json_anonymised (XpzPlatformMatcher *self,
                                                                 const XpzCandidateVec *candidate,
                                                                 const XpzJobVec    *job,
                                                                 const XpzScore     *score);
JsonNode           *xpz_platform_matcher_summary_json     (XpzPlatformMatcher *self,
                                                           const XpzCandidateVec *candidate,
                                                           const XpzJobVec    *job);

void                xpz_platform_matcher_factors_append   (XpzPlatformMatcher *self,
                                                           const XpzCandidateVec *candidate,
                                                           const XpzJobVec    *job,
                                                           const XpzScore     *score,
                                                           gboolean            exact,
                                                           GString            *out);
void                xpz_platform_matcher_summary_append   (XpzPlatformMatcher *self,
                                                           const XpzCandidateVec *candidate,
                                                           const XpzJobVec    *job,
                                                           GString            *out);

G_END_DECLS
