/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-match-row"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-employer-data.h"
#include "xpz-employer-match-row.h"

/* One candidate in a job's ranked list: the score, who (a shared candidate's name, or a
 * clearly marked anonymised card), the anonymised facts, the explanation in words and
 * the pipeline stage. Bound and rebound by the list view's factory: cheap to set. */
struct _XpzEmployerMatchRow
{
  GtkBox     parent_instance;

  GtkLabel  *score_label;
  GtkLabel  *text_label;    /* who, the badge, the facts, the explanation: one label */
  GtkLabel  *stage_label;
};

G_DEFINE_FINAL_TYPE (XpzEmployerMatchRow, xpz_employer_match_row, GTK_TYPE_BOX)

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
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-employer-match-row.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchRow, score_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchRow, stage_label);
}

static void
xpz_employer_match_row_init (XpzEmployerMatchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
  g_autofree char *score = NULL;
  g_autofree char *facts = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *markup = NULL;
  const char *who;

  g_return_if_fail (XPZ_IS_EMPLOYER_MATCH_ROW (self));

  if (item == NULL || xpz_match_item_is_placeholder (item))
    {
      gtk_label_set_text (self->score_label, "");
      gtk_label_set_markup (self->text_label, "\n\n");
      gtk_label_set_text (self->stage_label, "");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Loading…"), -1);
      return;
    }
  f = xpz_match_item_get_fields (item);
  score = g_strdup_printf ("%u", f->points);
  facts = xpz_employer_candidate_facts (f);
  summary = g_strdup (f->summary != NULL ? f->summary : "");
  who = f->shared && f->display_name != NULL ? f->display_name : _("Anonymised candidate");

  gtk_label_set_text (self->score_label, score);
  /* the badge in words and colour: "Shared" (success) or "Anonymised" (warning) */
  markup = g_markup_printf_escaped ("<b>%s</b>  <span weight=\"bold\" size=\"small\" foreground=\"%s\">%s</span>\n"
                                    "<span alpha=\"60%%\">%s</span>\n<small>%s</small>",
                                    who, f->shared ? "#26a269" : "#c64600",
                                    f->shared ? _("Shared") : _("Anonymised"), facts, summary);
  gtk_label_set_markup (self->text_label, markup);
  gtk_label_set_text (self->stage_label, xpz_employer_stage_label (f->stage));

  /* TRANSLATORS: a candidate in a ranked list, read by screen readers:
   * "Anonymised candidate, 87 out of 100, Shortlisted" */
  accessible = g_strdup_printf (_("%s, %u out of 100, %s"), who, f->points,
                                xpz_employer_stage_label (f->stage));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}
