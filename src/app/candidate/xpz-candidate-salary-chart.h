/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define XPZ_TYPE_CANDIDATE_SALARY_CHART (xpz_candidate_salary_chart_get_type ())

G_DECLARE_FINAL_TYPE (XpzCandidateSalaryChart, xpz_candidate_salary_chart, XPZ, CANDIDATE_SALARY_CHART, GtkWidget)

GtkWidget  *xpz_candidate_salary_chart_new             (void);
void        xpz_candidate_salary_chart_set_insights    (XpzCandidateSalaryChart *self,
                                                        JsonObject              *insights);
void        xpz_candidate_salary_chart_set_expectation (XpzCandidateSalaryChart *self,
                                                        double                   monthly);
const char *xpz_candidate_salary_chart_get_summary     (XpzCandidateSalaryChart *self);

G_END_DECLS
