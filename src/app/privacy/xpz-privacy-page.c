/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-privacy-page"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-privacy-page.h"

struct _XpzPrivacyPage
{
  AdwBin        parent_instance;

  XpzContext   *context;

  AdwActionRow *controller_name_row;
  AdwActionRow *controller_address_row;
  AdwActionRow *controller_email_row;
  AdwActionRow *controller_phone_row;
};

G_DEFINE_FINAL_TYPE (XpzPrivacyPage, xpz_privacy_page, ADW_TYPE_BIN)

static void
launch_uri_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (XpzPrivacyPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog;

      g_warning ("Could not open an email client: %s", error->message);
      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("No Email Client"), NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("Write to %s, or call %s."),
                                      CONTROLLER_EMAIL, CONTROLLER_PHONE);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
contact_controller_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (widget);
  g_autofree char *subject = NULL;
  g_autofree char *uri = NULL;
  GtkNative *native = gtk_widget_get_native (widget);
  g_autoptr (GAppLaunchContext) context = NULL;

  subject = g_uri_escape_string (_("Personal data request"), NULL, FALSE);
  uri = g_strdup_printf ("mailto:%s?subject=%s", CONTROLLER_EMAIL, subject);
  if (native != NULL)
    context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                                      gtk_widget_get_display (GTK_WIDGET (native))));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launch_uri_cb,
                                           g_object_ref (self));
}

static void
xpz_privacy_page_dispose (GObject *object)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_PRIVACY_PAGE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (xpz_privacy_page_parent_class)->dispose (object);
}

static void
xpz_privacy_page_class_init (XpzPrivacyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_privacy_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-privacy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_name_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_address_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_email_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_phone_row);

  gtk_widget_class_install_action (widget_class, "privacy.contact-controller", NULL,
                                   contact_controller_action);
}

static void
xpz_privacy_page_init (XpzPrivacyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  adw_action_row_set_subtitle (self->controller_name_row, CONTROLLER_NAME);
  adw_action_row_set_subtitle (self->controller_address_row, CONTROLLER_ADDRESS);
  adw_action_row_set_subtitle (self->controller_email_row, CONTROLLER_EMAIL);
  adw_action_row_set_subtitle (self->controller_phone_row, CONTROLLER_PHONE);
}

void
xpz_privacy_page_set_context (XpzPrivacyPage *self,
                              XpzContext *context)
{
  g_return_if_fail (XPZ_IS_PRIVACY_PAGE (self));
  g_return_if_fail (XPZ_IS_CONTEXT (context));

  g_set_object (&self->context, context);
}
