/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-matches-pane"

#include "config.h"

#include "xpz-employer-matches-pane-private.h"

G_DEFINE_FINAL_TYPE (XpzEmployerMatchesPane, xpz_employer_matches_pane, GTK_TYPE_BOX)

GtkWidget *
xpz_employer_matches_pane_new (void)
{
  return g_object_new (XPZ_TYPE_EMPLOYER_MATCHES_PANE, NULL);
}

static void
xpz_employer_matches_pane_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_EMPLOYER_MATCHES_PANE);

  G_OBJECT_CLASS (xpz_employer_matches_pane_parent_class)->dispose (object);
}

static void
xpz_employer_matches_pane_class_init (XpzEmployerMatchesPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_employer_matches_pane_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-employer-matches-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, matches_back_button);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, job_title_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, job_facts_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, job_menu_button);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, filters_box);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, search_entry);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, min_score_spin);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, shared_only_check);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, count_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, matches_stack);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, matches_view);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchesPane, empty_bin);
}

static void
xpz_employer_matches_pane_init (XpzEmployerMatchesPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
