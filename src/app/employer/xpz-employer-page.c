/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-page"

#include "config.h"

#include "xpz-employer-page.h"

struct _XpzEmployerPage
{
  AdwBin parent_instance;

  XpzContext   *context;
};

G_DEFINE_FINAL_TYPE (XpzEmployerPage, xpz_employer_page, ADW_TYPE_BIN)

static void
xpz_employer_page_dispose (GObject *object)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_EMPLOYER_PAGE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (xpz_employer_page_parent_class)->dispose (object);
}

static void
xpz_employer_page_class_init (XpzEmployerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_employer_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-employer-page.ui");
}

static void
xpz_employer_page_init (XpzEmployerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
xpz_employer_page_set_context (XpzEmployerPage *self,
                               XpzContext *context)
{
  g_return_if_fail (XPZ_IS_EMPLOYER_PAGE (self));
  g_return_if_fail (XPZ_IS_CONTEXT (context));

  g_set_object (&self->context, context);
}
