/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XPZ_TYPE_MATCH_ITEM (xpz_match_item_get_type ())

G_DECLARE_FINAL_TYPE (XpzMatchItem, xpz_match_item, XPZ, MATCH_ITEM, GObject)

/* One row of an XpzMatchModel: a match joined with its candidate (employer side) or its
 * job (candidate side). Read-only once made; a placeholder stands for a row not read yet
 * (its id is 0, its texts are empty). */
typedef struct
{
  gint64      id;             /* the match's local id */
  gint64      job_id;
  gint64      candidate_id;   /* employer side */
  guint       points;         /* 0–100 */
  const char *stage;          /* a platform stage name */
  gboolean    shared;
  const char *intro_status;   /* NULL, "pending", "accepted", "declined" */
  const char *title;          /* employer: the seniority band; candidate: the job title */
  const char *subtitle;       /* employer: NULL; candidate: the company */
  const char *location;       /* employer: the region; candidate: the city */
  const char *skills;
  gint64      years;          /* employer side; -1 unknown */
  const char *explanation;    /* JSON: {"factors": […], …} */
  const char *summary;        /* the factors in a few translated words (xpz_explain_summary) */
  const char *display_name;   /* shared candidates only (decrypted); else NULL */
  const char *work_mode;      /* candidate side */
  const char *contract_type;  /* candidate side */
  gint64      salary_min;     /* candidate side; -1 unknown */
  gint64      salary_max;
  const char *salary_currency;
  const char *salary_period;
} XpzMatchItemFields;

XpzMatchItem *xpz_match_item_new              (const XpzMatchItemFields *fields);
XpzMatchItem *xpz_match_item_new_placeholder  (void);
gboolean      xpz_match_item_is_placeholder   (XpzMatchItem *self);
const XpzMatchItemFields *
              xpz_match_item_get_fields       (XpzMatchItem *self);
gint64        xpz_match_item_get_id           (XpzMatchItem *self);
guint         xpz_match_item_get_points       (XpzMatchItem *self);
const char   *xpz_match_item_get_stage        (XpzMatchItem *self);
gboolean      xpz_match_item_get_shared       (XpzMatchItem *self);

G_END_DECLS
