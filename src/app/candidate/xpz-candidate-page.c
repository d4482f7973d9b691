/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-page"

#include "config.h"

#include "xpz-candidate-page.h"

struct _XpzCandidatePage
{
  AdwBin parent_instance;

  XpzContext   *context;
};

G_DEFINE_FINAL_TYPE (XpzCandidatePage, xpz_candidate_page, ADW_TYPE_BIN)

static void
xpz_candidate_page_dispose (GObject *object)
{
  XpzCandidatePage *self = XPZ_CANDIDATE_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_PAGE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (xpz_candidate_page_parent_class)->dispose (object);
}

static void
xpz_candidate_page_class_init (XpzCandidatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-page.ui");
}

static void
xpz_candidate_page_init (XpzCandidatePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
xpz_candidate_page_set_context (XpzCandidatePage *self,
                                XpzContext *context)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_PAGE (self));
  g_return_if_fail (XPZ_IS_CONTEXT (context));

  g_set_object (&self->context, context);
}
