/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-privacy-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-privacy-export-dialog.h"

/* A copy of the candidate's data (R8.1, R8.5): shown as the platform sent it, and saved
 * as a JSON file where the user chooses. */
struct _XpzPrivacyExportDialog
{
  AdwWindow             parent_instance;

  char                 *filename;
  char                 *json;
  GtkFileChooserNative *chooser;

  AdwWindowTitle       *window_title;
  GtkTextView          *text_view;
  AdwToastOverlay      *toast_overlay;
};

G_DEFINE_FINAL_TYPE (XpzPrivacyExportDialog, xpz_privacy_export_dialog, ADW_TYPE_WINDOW)

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (XpzPrivacyExportDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    message = g_strdup_printf (_("Could not save: %s"), error->message);
  else
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));
      message = g_strdup_printf (_("Saved as %s"), name);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
chooser_response_cb (GtkNativeDialog        *chooser,
                     int                     response,
                     XpzPrivacyExportDialog *self)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GBytes) bytes = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;
  bytes = g_bytes_new (self->json, strlen (self->json));
  /* Private data: the file is the user's alone. */
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, saved_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XpzPrivacyExportDialog *self = XPZ_PRIVACY_EXPORT_DIALOG (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save Your Data"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), self->filename);
  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
xpz_privacy_export_dialog_dispose (GObject *object)
{
  XpzPrivacyExportDialog *self = XPZ_PRIVACY_EXPORT_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_PRIVACY_EXPORT_DIALOG);

  G_OBJECT_CLASS (xpz_privacy_export_dialog_parent_class)->dispose (object);
}

static void
xpz_privacy_export_dialog_finalize (GObject *object)
{
  XpzPrivacyExportDialog *self = XPZ_PRIVACY_EXPORT_DIALOG (object);

  g_free (self->filename);
  g_free (self->json);

  G_OBJECT_CLASS (xpz_privacy_export_dialog_parent_class)->finalize (object);
}

static void
xpz_privacy_export_dialog_class_init (XpzPrivacyExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_privacy_export_dialog_dispose;
  object_class->finalize = xpz_privacy_export_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-privacy-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyExportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyExportDialog, text_view);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyExportDialog, toast_overlay);

  gtk_widget_class_install_action (widget_class, "export.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "export.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xpz_privacy_export_dialog_init (XpzPrivacyExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * xpz_privacy_export_dialog_new:
 * @filename: the name suggested when saving
 * @json: the data, as JSON
 */
GtkWidget *
xpz_privacy_export_dialog_new (GtkWindow  *parent,
                               const char *title,
                               const char *filename,
                               const char *json)
{
  XpzPrivacyExportDialog *self = g_object_new (XPZ_TYPE_PRIVACY_EXPORT_DIALOG,
                                               "transient-for", parent,
                                               "modal", TRUE,
                                               "title", title,
                                               NULL);

  self->filename = g_strdup (filename);
  self->json = g_strdup (json);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, filename);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), json, -1);
  return GTK_WIDGET (self);
}
