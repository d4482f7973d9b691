/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-salary-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-salary-chart.h"

/* Salary by experience band (R3.5): one row per band, a bar from the 25th to the 75th
 * percentile with the median marked, the candidate's expectation as a line across, and
 * suppressed bands said to be so. Its data is also its accessible description. */

#define ROW_HEIGHT 46
#define N_BANDS 4    /* the platform's experience bands, below */
#define LABEL_WIDTH 92
#define BAR_HEIGHT 14
#define PADDING 8

static const char * const bands[N_BANDS] = { "0-2", "3-5", "6-10", "10+" };

struct _XpzCandidateSalaryChart
{
  GtkWidget parent_instance;

  JsonObject *insights;
  double      expectation;   /* monthly, < 0 when unknown */
  char       *summary;
};

G_DEFINE_FINAL_TYPE (XpzCandidateSalaryChart, xpz_candidate_salary_chart, GTK_TYPE_WIDGET)

static char *
band_label (const char *band)
{
  if (g_str_equal (band, "10+"))
    return g_strdup (_("Over 10 years"));
  /* Translators: an experience band, e.g. "3–5 years" */
  return g_strdup_printf (_("%s years"), band);
}

static JsonObject *
group_for (XpzCandidateSalaryChart *self,
           const char              *band)
{
  JsonArray *groups;

  if (self->insights == NULL || !json_object_has_member (self->insights, "groups"))
    return NULL;
  groups = json_object_get_array_member (self->insights, "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);

      if (g != NULL && g_strcmp0 (json_object_get_string_member_with_default (g, "experience_band", ""), band) == 0)
        return g;
    }
  return NULL;
}

static double
scale_max (XpzCandidateSalaryChart *self)
{
  double max = self->expectation > 0 ? self->expectation : 0;

  for (guint i = 0; i < G_N_ELEMENTS (bands); i++)
    {
      JsonObject *g = group_for (self, bands[i]);

      if (g != NULL)
        max = MAX (max, json_object_get_double_member_with_default (g, "p75", 0));
    }
  return max > 0 ? max * 1.1 : 1;
}

static void
update_summary (XpzCandidateSalaryChart *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bands); i++)
    {
      JsonObject *g = group_for (self, bands[i]);
      g_autofree char *label = band_label (bands[i]);

      if (g != NULL)
        g_string_append_printf (text,
                                _("%s: 25th percentile %.0f, median %.0f, 75th percentile %.0f MAD a month (%lld people). "),
                                label, json_object_get_double_member_with_default (g, "p25", 0),
                                json_object_get_double_member_with_default (g, "median", 0),
                                json_object_get_double_member_with_default (g, "p75", 0),
                                (long long) json_object_get_int_member_with_default (g, "n", 0));
      else if (self->insights != NULL)
        g_string_append_printf (text, _("%s: not shown, too few people. "), label);
    }
  if (self->expectation > 0)
    g_string_append_printf (text, _("Your expectation: %.0f MAD a month."), self->expectation);
  g_free (self->summary);
  self->summary = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->summary, -1);
}

static void
append_text (GtkWidget   *widget,
             GtkSnapshot *snapshot,
             const char  *text,
             float        x,
             float        y,
             float        max_width,
             gboolean     small,
             GdkRGBA     *color)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static void
xpz_candidate_salary_chart_snapshot (GtkWidget   *widget,
                                     GtkSnapshot *snapshot)
{
  XpzCandidateSalaryChart *self = XPZ_CANDIDATE_SALARY_CHART (widget);
  int width = gtk_widget_get_width (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  float plot_start = LABEL_WIDTH + PADDING;
  float plot_width = MAX (width - plot_start - PADDING, 40);
  double max = scale_max (self);
  GdkRGBA fg, bar = { 0.21, 0.52, 0.89, 1 }, median_color, mark = { 0.90, 0.38, 0.0, 1 }, dim;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  median_color = fg;
  dim = fg;
  dim.alpha = 0.15;

#define X(v) (rtl ? (width - plot_start - (float) ((v) / max * plot_width)) : (plot_start + (float) ((v) / max * plot_width)))

  for (guint i = 0; i < G_N_ELEMENTS (bands); i++)
    {
      JsonObject *g = group_for (self, bands[i]);
      g_autofree char *label = band_label (bands[i]);
      float top = i * ROW_HEIGHT;
      float bar_top = top + 4;
      float label_x = rtl ? width - LABEL_WIDTH : 0;

      append_text (widget, snapshot, label, label_x, bar_top - 2, LABEL_WIDTH, FALSE, &fg);
      if (g != NULL)
        {
          double p25 = json_object_get_double_member_with_default (g, "p25", 0);
          double median = json_object_get_double_member_with_default (g, "median", 0);
          double p75 = json_object_get_double_member_with_default (g, "p75", 0);
          float x1 = MIN (X (p25), X (p75)), x2 = MAX (X (p25), X (p75));
          g_autofree char *values = g_strdup_printf (_("%.0f · %.0f · %.0f MAD (%lld people)"),
                                                     p25, median, p75,
                                                     (long long) json_object_get_int_member_with_default (g, "n", 0));

          gtk_snapshot_append_color (snapshot, &dim,
                                     &GRAPHENE_RECT_INIT (rtl ? PADDING : plot_start, bar_top, plot_width, BAR_HEIGHT));
          gtk_snapshot_append_color (snapshot, &bar,
                                     &GRAPHENE_RECT_INIT (x1, bar_top, MAX (x2 - x1, 2), BAR_HEIGHT));
          gtk_snapshot_append_color (snapshot, &median_color,
                                     &GRAPHENE_RECT_INIT (X (median) - 1.5f, bar_top - 3, 3, BAR_HEIGHT + 6));
          append_text (widget, snapshot, values, rtl ? PADDING : plot_start, bar_top + BAR_HEIGHT + 3,
                       plot_width, TRUE, &fg);
        }
      else if (self->insights != NULL)
        {
          GdkRGBA hatch = fg;

          hatch.alpha = 0.08;
          gtk_snapshot_append_color (snapshot, &hatch,
                                     &GRAPHENE_RECT_INIT (rtl ? PADDING : plot_start, bar_top, plot_width, BAR_HEIGHT));
          append_text (widget, snapshot, _("Hidden: too few people to show without identifying anyone"),
                       rtl ? PADDING : plot_start, bar_top + BAR_HEIGHT + 3, plot_width, TRUE, &fg);
        }
    }

  if (self->expectation > 0 && self->insights != NULL)
    {
      g_autofree char *you = g_strdup_printf (_("You: %.0f"), self->expectation);
      float x = X (self->expectation);
      float height = (float) (N_BANDS * ROW_HEIGHT);
      /* The label goes on the side of the line that has room. */
      gboolean label_before = rtl ? x - 94 < 0 : x + 94 > width;

      gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (x - 1, 0, 2, height));
      append_text (widget, snapshot, you, label_before ? x - 94 : x + 4, height, 90, TRUE, &mark);
    }
#undef X
}

static void
xpz_candidate_salary_chart_measure (GtkWidget      *widget,
                                    GtkOrientation  orientation,
                                    int             for_size,
                                    int            *minimum,
                                    int            *natural,
                                    int            *minimum_baseline,
                                    int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 280;
      *natural = 480;
    }
  else
    *minimum = *natural = G_N_ELEMENTS (bands) * ROW_HEIGHT + 20;
}

static void
xpz_candidate_salary_chart_finalize (GObject *object)
{
  XpzCandidateSalaryChart *self = XPZ_CANDIDATE_SALARY_CHART (object);

  g_clear_pointer (&self->insights, json_object_unref);
  g_free (self->summary);
  G_OBJECT_CLASS (xpz_candidate_salary_chart_parent_class)->finalize (object);
}

static void
xpz_candidate_salary_chart_class_init (XpzCandidateSalaryChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = xpz_candidate_salary_chart_finalize;
  widget_class->snapshot = xpz_candidate_salary_chart_snapshot;
  widget_class->measure = xpz_candidate_salary_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "salarychart");
}

static void
xpz_candidate_salary_chart_init (XpzCandidateSalaryChart *self)
{
  self->expectation = -1;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Salaries by Years of Experience"), -1);
  update_summary (self);
}

GtkWidget *
xpz_candidate_salary_chart_new (void)
{
  return g_object_new (XPZ_TYPE_CANDIDATE_SALARY_CHART, NULL);
}

void
xpz_candidate_salary_chart_set_insights (XpzCandidateSalaryChart *self,
                                         JsonObject              *insights)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_SALARY_CHART (self));

  g_clear_pointer (&self->insights, json_object_unref);
  self->insights = insights != NULL ? json_object_ref (insights) : NULL;
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
xpz_candidate_salary_chart_set_expectation (XpzCandidateSalaryChart *self,
                                            double                   monthly)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_SALARY_CHART (self));

  self->expectation = monthly;
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
xpz_candidate_salary_chart_get_summary (XpzCandidateSalaryChart *self)
{
  g_return_val_if_fail (XPZ_IS_CANDIDATE_SALARY_CHART (self), NULL);

  return self->summary;
}
