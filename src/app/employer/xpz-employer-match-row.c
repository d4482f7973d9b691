/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-match-row"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-employer-data.h"
#include "xpz-employer-match-row.h"

/* One candidate in a job's ranked list: the score, who (a shared candidate's name, or a
 * clearly marked anonymised card), the anonymised facts, the explanation in words and
 * the pipeline stage.
 *
 * A list view keeps up to 200 rows alive and makes all of them again when its list is
 * replaced (a filter over 100 000 matches): a row is one widget that draws its text, not
 * a box of labels, and its height comes from the font alone, so that only the rows on
 * screen ever lay their text out. Screen readers get the row's words as its label. */
struct _XpzEmployerMatchRow
{
  GtkWidget    parent_instance;

  char        *score;     /* NULL: a placeholder, drawn empty */
  char        *markup;    /* who, the badge, the facts, the explanation */
  const char  *stage;
  PangoLayout *score_layout;  /* made when first drawn */
  PangoLayout *text_layout;
  PangoLayout *stage_layout;
};

G_DEFINE_FINAL_TYPE (XpzEmployerMatchRow, xpz_employer_match_row, GTK_TYPE_WIDGET)

#define MARGIN_X   12
#define MARGIN_Y    8
#define SPACING    12
#define NATURAL_TEXT_WIDTH 360

/* The row's height and its score column's width for one font: the same for every row,
 * so kept for the font last seen. */
static struct
{
  char *font;
  int   height;
  int   score_width;
} metrics;

static PangoAttrList *
score_attributes (void)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  /* as the "title-2 numeric" style: 15 pt in an 11 pt interface, heavy, tabular */
  pango_attr_list_insert (attrs, pango_attr_scale_new (15.0 / 11.0));
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_ULTRABOLD));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  return attrs;
}

static PangoAttrList *
stage_attributes (void)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  /* as the "caption-heading" style: 9 pt, bold */
  pango_attr_list_insert (attrs, pango_attr_scale_new (9.0 / 11.0));
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  return attrs;
}

static char *
text_markup (const char *who,
             gboolean    shared,
             const char *facts,
             const char *summary)
{
  /* the badge in words and colour: "Shared" (success) or "Anonymised" (warning) */
  return g_markup_printf_escaped ("<b>%s</b>  <span weight=\"bold\" size=\"small\" foreground=\"%s\">%s</span>\n"
                                  "<span alpha=\"60%%\">%s</span>\n<small>%s</small>",
                                  who, shared ? "#26a269" : "#c64600",
                                  shared ? _("Shared") : _("Anonymised"), facts, summary);
}

static void
ensure_metrics (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  g_autofree char *font = pango_font_description_to_string (pango_context_get_font_description (context));
  g_autofree char *key = g_strdup_printf ("%s@%g", font, pango_cairo_context_get_resolution (context));
  g_autoptr (PangoLayout) text = NULL;
  g_autoptr (PangoLayout) score = NULL;
  g_autofree char *sample = NULL;
  PangoAttrList *attrs;
  int text_height, score_width, score_height;

  if (g_strcmp0 (metrics.font, key) == 0)
    return;
  sample = text_markup ("Ag", TRUE, "Ag", "Ag");
  text = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_markup (text, sample, -1);
  pango_layout_get_pixel_size (text, NULL, &text_height);
  score = gtk_widget_create_pango_layout (widget, "000");
  attrs = score_attributes ();
  pango_layout_set_attributes (score, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (score, &score_width, &score_height);

  g_free (metrics.font);
  metrics.font = g_steal_pointer (&key);
  metrics.height = MAX (text_height, score_height) + 2 * MARGIN_Y;
  metrics.score_width = score_width;
}

static void
drop_layouts (XpzEmployerMatchRow *self)
{
  g_clear_object (&self->score_layout);
  g_clear_object (&self->text_layout);
  g_clear_object (&self->stage_layout);
}

static void
xpz_employer_match_row_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  ensure_metrics (widget);
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = metrics.height;
  else
    {
      *minimum = 2 * MARGIN_X + metrics.score_width + 2 * SPACING;
      *natural = *minimum + NATURAL_TEXT_WIDTH;
    }
}

static PangoLayout *
make_layout (GtkWidget     *widget,
             const char    *text,
             PangoAttrList *attrs)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               float          x,
               float          y,
               const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
xpz_employer_match_row_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  XpzEmployerMatchRow *self = XPZ_EMPLOYER_MATCH_ROW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  GdkRGBA fg, accent = { 0.11f, 0.44f, 0.85f, 1 }, dim;
  int stage_width = 0, stage_height = 0, text_height = 0, score_height = 0;
  int text_start, text_width;
  float score_x, text_x, stage_x;

  if (self->score == NULL)
    return;
  ensure_metrics (widget);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim = fg;
  dim.alpha *= 0.55f;  /* as the "dim-label" style */

  if (self->score_layout == NULL)
    {
      self->score_layout = make_layout (widget, self->score, score_attributes ());
      pango_layout_set_alignment (self->score_layout, PANGO_ALIGN_CENTER);
      self->stage_layout = make_layout (widget, self->stage, stage_attributes ());
      self->text_layout = gtk_widget_create_pango_layout (widget, NULL);
      pango_layout_set_markup (self->text_layout, self->markup, -1);
      pango_layout_set_ellipsize (self->text_layout, PANGO_ELLIPSIZE_END);
      /* start-aligned, as a label is */
      pango_layout_set_alignment (self->text_layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    }
  pango_layout_set_width (self->score_layout, metrics.score_width * PANGO_SCALE);
  pango_layout_get_pixel_size (self->score_layout, NULL, &score_height);
  pango_layout_set_width (self->stage_layout, MAX (width / 3, 1) * PANGO_SCALE);
  pango_layout_set_ellipsize (self->stage_layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (self->stage_layout, &stage_width, &stage_height);

  text_start = MARGIN_X + metrics.score_width + SPACING;
  text_width = MAX (width - text_start - MARGIN_X - (stage_width > 0 ? stage_width + SPACING : 0), 1);
  pango_layout_set_width (self->text_layout, text_width * PANGO_SCALE);
  pango_layout_get_pixel_size (self->text_layout, NULL, &text_height);

  /* positions from the start edge, mirrored right to left */
  score_x = MARGIN_X;
  text_x = text_start;
  stage_x = width - MARGIN_X - stage_width;
  if (rtl)
    {
      score_x = width - score_x - metrics.score_width;
      text_x = width - text_x - text_width;
      stage_x = width - stage_x - stage_width;
    }
  append_layout (snapshot, self->score_layout, score_x, (height - score_height) / 2.0f, &accent);
  append_layout (snapshot, self->text_layout, text_x, (height - text_height) / 2.0f, &fg);
  if (stage_width > 0)
    append_layout (snapshot, self->stage_layout, stage_x, (height - stage_height) / 2.0f, &dim);
}

static void
xpz_employer_match_row_direction_changed (GtkWidget        *widget,
                                          GtkTextDirection  previous)
{
  drop_layouts (XPZ_EMPLOYER_MATCH_ROW (widget));
  GTK_WIDGET_CLASS (xpz_employer_match_row_parent_class)->direction_changed (widget, previous);
}

static void
xpz_employer_match_row_system_setting_changed (GtkWidget        *widget,
                                               GtkSystemSetting  setting)
{
  drop_layouts (XPZ_EMPLOYER_MATCH_ROW (widget));
  GTK_WIDGET_CLASS (xpz_employer_match_row_parent_class)->system_setting_changed (widget, setting);
  gtk_widget_queue_resize (widget);
}

static void
xpz_employer_match_row_finalize (GObject *object)
{
  XpzEmployerMatchRow *self = XPZ_EMPLOYER_MATCH_ROW (object);

  drop_layouts (self);
  g_free (self->score);
  g_free (self->markup);
  G_OBJECT_CLASS (xpz_employer_match_row_parent_class)->finalize (object);
}

static const char *
seniority_label (const char *seniority)
{
  if (g_strcmp0 (seniority, "junior") == 0)
    return C_("seniority", "Junior");
  if (g_strcmp0 (seniority, "mid") == 0)
    return C_("seniority", "Mid-level");
  if (g_strcmp0 (seniority, "senior") == 0)
    return C_("seniority", "Senior");
  if (g_strcmp0 (seniority, "lead") == 0)
    return C_("seniority", "Lead");
  return NULL;
}

/* "Senior · 8 years · Casablanca-Settat" */
char *
xpz_employer_candidate_facts (const XpzMatchItemFields *fields)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (seniority_label (fields->title) != NULL)
    g_ptr_array_add (parts, g_strdup (seniority_label (fields->title)));
  if (fields->years >= 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%lld year", "%lld years",
                                                       (gulong) fields->years),
                                             (long long) fields->years));
  if (fields->location != NULL)
    g_ptr_array_add (parts, g_strdup (fields->location));
  g_ptr_array_add (parts, NULL);
  /* TRANSLATORS: separates facts about a candidate: "Senior · 8 years · Rabat" */
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

static void
xpz_employer_match_row_class_init (XpzEmployerMatchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = xpz_employer_match_row_finalize;
  widget_class->measure = xpz_employer_match_row_measure;
  widget_class->snapshot = xpz_employer_match_row_snapshot;
  widget_class->direction_changed = xpz_employer_match_row_direction_changed;
  widget_class->system_setting_changed = xpz_employer_match_row_system_setting_changed;
  gtk_widget_class_set_css_name (widget_class, "matchrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
xpz_employer_match_row_init (XpzEmployerMatchRow *self)
{
}

GtkWidget *
xpz_employer_match_row_new (void)
{
  return g_object_new (XPZ_TYPE_EMPLOYER_MATCH_ROW, NULL);
}

void
xpz_employer_match_row_set_item (XpzEmployerMatchRow *self,
                                 XpzMatchItem        *item)
{
  const XpzMatchItemFields *f;
  g_autofree char *facts = NULL;
  g_autofree char *accessible = NULL;
  const char *who;

  g_return_if_fail (XPZ_IS_EMPLOYER_MATCH_ROW (self));

  drop_layouts (self);
  g_clear_pointer (&self->score, g_free);
  g_clear_pointer (&self->markup, g_free);
  self->stage = NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (item == NULL || xpz_match_item_is_placeholder (item))
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Loading…"), -1);
      return;
    }
  f = xpz_match_item_get_fields (item);
  facts = xpz_employer_candidate_facts (f);
  who = f->shared && f->display_name != NULL ? f->display_name : _("Anonymised candidate");
  self->score = g_strdup_printf ("%u", f->points);
  self->markup = text_markup (who, f->shared, facts, f->summary != NULL ? f->summary : "");
  self->stage = xpz_employer_stage_label (f->stage);

  /* TRANSLATORS: a candidate in a ranked list, read by screen readers:
   * "Anonymised candidate, 87 out of 100, Shortlisted" */
  accessible = g_strdup_printf (_("%s, %u out of 100, %s"), who, f->points, self->stage);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}
