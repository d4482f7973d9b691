/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-transfer"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-transfer.h"
#include "xpz-import.h"
#include "xpz-json-strict.h"
#include "xpz-profile.h"

/* Import and export (R8.5). An import (JSON Resume, a LinkedIn export as .zip or
 * folder) is read off the main thread, compared with the profile (xpz_import_diff) and
 * shown change by change; only the kept changes are applied and saved like any edit.
 * A file that cannot be imported changes nothing and says why. Exports come from the
 * platform and are saved where the user chooses. */

struct _XpzCandidateTransfer
{
  AdwBin parent_instance;

  XpzAccount          *account;
  GCancellable        *cancellable;
  GtkFileChooserNative *chooser;
  JsonNode            *current;      /* the profile the preview was made against */
  GListModel          *changes;
  GPtrArray           *preview_rows;

  GtkStack            *stack;
  GtkLabel            *status_label;
  AdwPreferencesGroup *preview_group;
  GtkButton           *apply_button;
};

G_DEFINE_FINAL_TYPE (XpzCandidateTransfer, xpz_candidate_transfer, ADW_TYPE_BIN)

typedef enum
{
  SOURCE_JSON_RESUME,
  SOURCE_LINKEDIN_ZIP,
  SOURCE_LINKEDIN_FOLDER,
} Source;

static void
set_status (XpzCandidateTransfer *self,
            const char           *text)
{
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
}

static GBytes *
account_key (XpzCandidateTransfer *self)
{
  return xpz_session_get_at_rest_key (xpz_account_get_session (self->account));
}

/* --- the preview -------------------------------------------------------------------- */

static void
clear_preview (XpzCandidateTransfer *self)
{
  for (guint i = 0; i < self->preview_rows->len; i++)
    adw_preferences_group_remove (self->preview_group, g_ptr_array_index (self->preview_rows, i));
  g_ptr_array_set_size (self->preview_rows, 0);
  g_clear_object (&self->changes);
  g_clear_pointer (&self->current, json_node_unref);
}

static void
show_preview (XpzCandidateTransfer *self)
{
  guint n = g_list_model_get_n_items (self->changes);
  g_autofree char *description = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (XpzImportChange) change = g_list_model_get_item (self->changes, i);
      const char *old_value = xpz_import_change_get_old_value (change);
      const char *new_value = xpz_import_change_get_new_value (change);
      g_autofree char *subtitle = NULL;
      g_autofree char *check_label = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      switch (xpz_import_change_get_kind (change))
        {
        case XPZ_IMPORT_CHANGE_ADD_ITEM:
          /* Translators: an entry an import adds */
          subtitle = g_strdup_printf (_("Added: %s"), new_value != NULL ? new_value : "");
          break;
        case XPZ_IMPORT_CHANGE_UPDATE_ITEM:
        case XPZ_IMPORT_CHANGE_SET_FIELD:
        default:
          if (old_value != NULL && *old_value != '\0')
            /* Translators: a value an import replaces: "old → new" */
            subtitle = g_strdup_printf (_("%s → %s"), old_value, new_value != NULL ? new_value : "");
          else
            subtitle = g_strdup_printf (_("New: %s"), new_value != NULL ? new_value : "");
          break;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), xpz_import_change_get_label (change));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      check_label = g_strdup_printf (_("Keep: %s"), xpz_import_change_get_label (change));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, check_label, -1);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_object_bind_property (change, "keep", check, "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->preview_group, row);
      g_ptr_array_add (self->preview_rows, row);
    }
  description = n > 0
    ? g_strdup_printf (ngettext ("%u change. Untick what you do not want; nothing changes until you apply.",
                                 "%u changes. Untick what you do not want; nothing changes until you apply.", n), n)
    : g_strdup (_("This file holds nothing your profile does not already have."));
  adw_preferences_group_set_description (self->preview_group, description);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), n > 0);
  gtk_stack_set_visible_child_name (self->stack, "preview");
}

typedef struct
{
  XpzCandidateTransfer *self;
  JsonNode             *imported;
} Imported;

static void
current_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Imported *imp = user_data;
  XpzCandidateTransfer *self = imp->self;
  g_autoptr (GError) error = NULL;
  JsonNode *current = xpz_profile_load_finish (XPZ_STORE (source), result, NULL, &error);

  if (current == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message);
    }
  else
    {
      clear_preview (self);
      self->current = current;
      self->changes = xpz_import_diff (current, imp->imported);
      set_status (self, NULL);
      show_preview (self);
    }
  json_node_unref (imp->imported);
  g_object_unref (imp->self);
  g_free (imp);
}

static void
imported (XpzCandidateTransfer *self,
          JsonNode             *profile)
{
  Imported *imp;

  if (self->account == NULL)
    return;
  imp = g_new0 (Imported, 1);
  imp->self = g_object_ref (self);
  imp->imported = json_node_ref (profile);
  xpz_profile_load_async (xpz_account_get_store (self->account), account_key (self),
                          self->cancellable, current_loaded_cb, imp);
}

static void
import_failed (XpzCandidateTransfer *self,
               GError               *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Translators: the reason follows */
  text = g_strdup_printf (_("Nothing was imported and your profile is unchanged: %s"), error->message);
  set_status (self, text);
}

static void
linkedin_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (XpzCandidateTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = xpz_import_linkedin_finish (result, &error);

  if (profile == NULL)
    import_failed (self, error);
  else
    imported (self, profile);
}

static void
json_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (XpzCandidateTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (JsonNode) profile = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      import_failed (self, error);
      return;
    }
  if (length > XPZ_IMPORT_MAX_JSON_SIZE)
    {
      g_autoptr (GError) too_large = g_error_new (XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_TOO_LARGE,
                                                  _("The file is larger than the %d MiB a JSON Resume may have."),
                                                  XPZ_IMPORT_MAX_JSON_SIZE / (1024 * 1024));
      import_failed (self, too_large);
      return;
    }
  profile = xpz_import_json_resume (contents, length, &error);
  if (profile == NULL)
    import_failed (self, error);
  else
    imported (self, profile);
}

static void
import_chooser_response_cb (GtkNativeDialog      *chooser,
                            int                   response,
                            XpzCandidateTransfer *self)
{
  Source source = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "source"));
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL || self->account == NULL)
    return;

  set_status (self, _("Reading…"));
  if (source == SOURCE_JSON_RESUME)
    g_file_load_contents_async (file, self->cancellable, json_loaded_cb, g_object_ref (self));
  else
    xpz_import_linkedin_async (file, self->cancellable, linkedin_done_cb, g_object_ref (self));
}

static void
choose_import (XpzCandidateTransfer *self,
               Source                source)
{
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  const char *title = NULL;
  GtkFileChooserAction action = GTK_FILE_CHOOSER_ACTION_OPEN;

  switch (source)
    {
    case SOURCE_JSON_RESUME:
      title = _("Import a JSON Resume File");
      gtk_file_filter_set_name (filter, _("JSON Files"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_suffix (filter, "json");
      break;
    case SOURCE_LINKEDIN_ZIP:
      title = _("Import a LinkedIn Data Export");
      gtk_file_filter_set_name (filter, _("ZIP Archives"));
      gtk_file_filter_add_mime_type (filter, "application/zip");
      gtk_file_filter_add_suffix (filter, "zip");
      break;
    case SOURCE_LINKEDIN_FOLDER:
    default:
      title = _("Import an Extracted LinkedIn Data Export");
      action = GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;
      g_clear_object (&filter);
      break;
    }
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL,
                                               action, _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_set_data (G_OBJECT (self->chooser), "source", GINT_TO_POINTER (source));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (import_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
import_json_resume_cb (XpzCandidateTransfer *self)
{
  choose_import (self, SOURCE_JSON_RESUME);
}

static void
import_linkedin_zip_cb (XpzCandidateTransfer *self)
{
  choose_import (self, SOURCE_LINKEDIN_ZIP);
}

static void
import_linkedin_folder_cb (XpzCandidateTransfer *self)
{
  choose_import (self, SOURCE_LINKEDIN_FOLDER);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (XpzCandidateTransfer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_profile_save_finish (XPZ_STORE (source), result, &error))
    {
      import_failed (self, error);
      return;
    }
  set_status (self, _("The kept changes are in your profile, and are being sent to the platform."));
}

static void
apply_import_cb (XpzCandidateTransfer *self)
{
  g_autoptr (JsonNode) updated = NULL;

  if (self->account == NULL || self->changes == NULL)
    return;
  updated = xpz_import_apply (self->current, self->changes);
  xpz_profile_save_async (xpz_account_get_store (self->account), account_key (self), updated,
                          NULL, saved_cb, g_object_ref (self));
  clear_preview (self);
  gtk_stack_set_visible_child_name (self->stack, "actions");
}

static void
cancel_import_cb (XpzCandidateTransfer *self)
{
  clear_preview (self);
  set_status (self, _("The import was cancelled; your profile is unchanged."));
  gtk_stack_set_visible_child_name (self->stack, "actions");
}

/* --- export ------------------------------------------------------------------------- */

typedef struct
{
  XpzCandidateTransfer *self;
  JsonNode             *data;
  gboolean              zip;
} Export;

static void
export_free (Export *e)
{
  g_object_unref (e->self);
  g_clear_pointer (&e->data, json_node_unref);
  g_free (e);
}

static void
write_zip_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Export *e = g_object_get_data (G_OBJECT (task), "export");
  GFile *file = task_data;
  g_autoptr (GFileOutputStream) out = NULL;
  GError *error = NULL;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        cancellable, &error);
  if (out == NULL ||
      !xpz_export_write_zip (e->data, G_OUTPUT_STREAM (out), cancellable, &error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  XpzCandidateTransfer *self = XPZ_CANDIDATE_TRANSFER (source);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (G_IS_TASK (result))
    ok = g_task_propagate_boolean (G_TASK (result), &error);
  else
    ok = FALSE;
  if (ok)
    set_status (self, _("Your data was saved."));
  else if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The export was not saved: %s"),
                                               error != NULL ? error->message : _("the export could not be made"));
      set_status (self, text);
    }
}

static void
resume_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (XpzCandidateTransfer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    set_status (self, _("Your JSON Resume was saved."));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The export was not saved: %s"), error->message);
      set_status (self, text);
    }
}

static void
export_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            Export          *e)
{
  XpzCandidateTransfer *self = e->self;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file == NULL)
    {
      set_status (self, NULL);
      export_free (e);
      g_clear_object (&self->chooser);
      return;
    }
  if (e->zip)
    {
      g_autoptr (GTask) task = g_task_new (self, self->cancellable, export_written_cb, NULL);

      g_task_set_task_data (task, g_object_ref (file), g_object_unref);
      g_object_set_data_full (G_OBJECT (task), "export", e, (GDestroyNotify) export_free);
      set_status (self, _("Saving…"));
      g_task_run_in_thread (task, write_zip_thread);
    }
  else
    {
      gsize length = 0;
      g_autofree char *text = xpz_json_to_string (e->data, TRUE, &length);
      g_file_replace_contents_bytes_async (file, g_bytes_new_take (g_steal_pointer (&text), length),
                                           NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, resume_written_cb, g_object_ref (self));
      export_free (e);
    }
  g_clear_object (&self->chooser);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Export *e = user_data;
  XpzCandidateTransfer *self = e->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));

  if (response == NULL || xpz_api_response_get_body (response) == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("The platform did not send your data: %s"),
                                                   error != NULL ? error->message : _("the answer was empty"));
          set_status (self, text);
        }
      export_free (e);
      return;
    }
  e->data = json_node_ref (xpz_api_response_get_body (response));
  set_status (self, NULL);
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (e->zip ? _("Save All Your Data") : _("Save Your JSON Resume"),
                                               GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     e->zip ? "xpertaize-data.zip" : "resume.json");
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_chooser_response_cb), e);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
start_export (XpzCandidateTransfer *self,
              gboolean              zip)
{
  Export *e;

  if (self->account == NULL)
    return;
  e = g_new0 (Export, 1);
  e->self = g_object_ref (self);
  e->zip = zip;
  set_status (self, _("Asking the platform for your data…"));
  xpz_session_call_async (xpz_account_get_session (self->account), "GET",
                          zip ? "/api/v1/me/export" : "/api/v1/me/export/resume", NULL, NULL, NULL,
                          self->cancellable, exported_cb, e);
}

static void
export_resume_cb (XpzCandidateTransfer *self)
{
  start_export (self, FALSE);
}

static void
export_all_cb (XpzCandidateTransfer *self)
{
  start_export (self, TRUE);
}

/* --- the object --------------------------------------------------------------------- */

static void
xpz_candidate_transfer_dispose (GObject *object)
{
  XpzCandidateTransfer *self = XPZ_CANDIDATE_TRANSFER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_ptr_array_set_size (self->preview_rows, 0);   /* the rows go with their group */
  clear_preview (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_TRANSFER);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (xpz_candidate_transfer_parent_class)->dispose (object);
}

static void
xpz_candidate_transfer_finalize (GObject *object)
{
  XpzCandidateTransfer *self = XPZ_CANDIDATE_TRANSFER (object);

  g_ptr_array_unref (self->preview_rows);
  G_OBJECT_CLASS (xpz_candidate_transfer_parent_class)->finalize (object);
}

static void
xpz_candidate_transfer_class_init (XpzCandidateTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_transfer_dispose;
  object_class->finalize = xpz_candidate_transfer_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-transfer.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateTransfer, status_label);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateTransfer, preview_group);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateTransfer, apply_button);
  gtk_widget_class_bind_template_callback (widget_class, import_json_resume_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_linkedin_zip_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_linkedin_folder_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_import_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_import_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_resume_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_all_cb);
}

static void
xpz_candidate_transfer_init (XpzCandidateTransfer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The bin's own child: not a bound template child, which the template's disposal
   * would unparent behind the bin's back. */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));
  self->preview_rows = g_ptr_array_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}

void
xpz_candidate_transfer_set_account (XpzCandidateTransfer *self,
                                    XpzAccount           *account)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_TRANSFER (self));

  if (self->account == account)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->account, account);
  clear_preview (self);
  set_status (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "actions");
  gtk_widget_set_sensitive (GTK_WIDGET (self), account != NULL);
  if (account != NULL)
    self->cancellable = g_cancellable_new ();
}
