/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-privacy-page"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-deletion.h"
#include "xpz-json-strict.h"
#include "xpz-privacy-export-dialog.h"
#include "xpz-privacy-page-private.h"
#include "xpz-window.h"

/*
 * The rights (R7.2, R7.3, R8.1–R8.5, R12.1): access and portability (the platform's
 * exports, shown and saved), rectification (the Candidate area), deleting single items
 * and the whole account, with the erasure of this computer's copy once the platform has
 * completed the deletion.
 */

/* ---- access and portability -------------------------------------------------------- */

static void
show_export (XpzPrivacyPage *self,
             XpzApiResponse *response,
             const GError   *error,
             const char     *title,
             const char     *filename)
{
  g_autofree char *json = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.view-export", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.export-resume", TRUE);
  if (response == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not get your data: %s"),
                                                  error != NULL ? error->message : "");
      xpz_privacy_page_toast (self, message);
      return;
    }
  json = xpz_json_to_string (xpz_api_response_get_body (response), TRUE, NULL);
  dialog = xpz_privacy_export_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                          title, filename, json);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_received (XpzPrivacyPage *self,
                 XpzApiResponse *response,
                 const GError   *error)
{
  show_export (self, response, error, _("All Your Data"), "xpertaize-data.json");
}

static void
resume_received (XpzPrivacyPage *self,
                 XpzApiResponse *response,
                 const GError   *error)
{
  show_export (self, response, error, _("Your Profile as JSON Resume"), "resume.json");
}

static void
view_export_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_widget_action_set_enabled (widget, "privacy.view-export", FALSE);
  xpz_privacy_page_call (XPZ_PRIVACY_PAGE (widget), "GET", "/me/export", NULL, export_received);
}

static void
export_resume_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_widget_action_set_enabled (widget, "privacy.export-resume", FALSE);
  xpz_privacy_page_call (XPZ_PRIVACY_PAGE (widget), "GET", "/me/export/resume", NULL,
                         resume_received);
}

/* ---- single items (R7.3) ----------------------------------------------------------- */

static void
documents_reloaded (XpzPrivacyPage *self,
                    XpzApiResponse *response,
                    const GError   *error)
{
  JsonObject *o = response != NULL ? xpz_api_response_get_object (response) : NULL;
  JsonNode *node = o != NULL ? json_object_get_member (o, "documents") : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    xpz_privacy_page_show_documents (self, json_node_get_array (node));
}

static void
document_deleted (XpzPrivacyPage *self,
                  XpzApiResponse *response,
                  const GError   *error)
{
  if (response == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not delete the document: %s"),
                                                  error != NULL ? error->message : "");
      xpz_privacy_page_toast (self, message);
    }
  else
    xpz_privacy_page_toast (self, _("Document deleted"));
  xpz_privacy_page_call (self, "GET", "/me/documents", NULL, documents_reloaded);
  if (self->account != NULL)
    xpz_account_request_sync (self->account);
}

static void
delete_document_cb (GtkButton      *button,
                    XpzPrivacyPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "document-id"));
  g_autofree char *path = g_strdup_printf ("/me/documents/%" G_GINT64_FORMAT, id);

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  /* Immediately: a deletion is a right exercised now; the Candidate area's own list
   * follows with the next sync. */
  xpz_privacy_page_call (self, "DELETE", path, NULL, document_deleted);
}

void
xpz_privacy_page_show_documents (XpzPrivacyPage *self,
                                 JsonArray      *documents)
{
  xpz_privacy_page_clear_rows (self, self->documents_group);
  if (json_array_get_length (documents) == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No documents on the platform"));
      xpz_privacy_page_add_row (self, self->documents_group, row);
      return;
    }
  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      JsonObject *d = json_array_get_object_element (documents, i);
      const char *name = json_object_get_string_member_with_default (d, "filename", "?");
      g_autofree char *when = xpz_privacy_format_time (json_object_get_string_member_with_default (d, "created_at", NULL));
      g_autofree char *size = g_format_size (json_object_get_int_member_with_default (d, "size", 0));
      g_autofree char *subtitle = g_strdup_printf (_("%s · uploaded %s"), size, when != NULL ? when : "");
      g_autofree char *accessible = g_strdup_printf (_("Delete %s"), name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, accessible);
      gtk_widget_add_css_class (button, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data (G_OBJECT (button), "document-id",
                         GSIZE_TO_POINTER (json_object_get_int_member (d, "id")));
      g_signal_connect_object (button, "clicked", G_CALLBACK (delete_document_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      xpz_privacy_page_add_row (self, self->documents_group, row);
    }
}

/* ---- account deletion (R7.2) ------------------------------------------------------- */

static gint64
deletion_due (XpzPrivacyPage *self)
{
  const char *due = self->deletion != NULL
                    ? json_object_get_string_member_with_default (self->deletion, "due_at", NULL)
                    : NULL;
  g_autoptr (GDateTime) dt = due != NULL ? g_date_time_new_from_iso8601 (due, NULL) : NULL;

  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static gboolean
countdown_cb (gpointer user_data)
{
  XpzPrivacyPage *self = user_data;

  xpz_privacy_page_show_deletion (self);
  /* Past the due date, ask whether the platform has done it. */
  if (deletion_due (self) != 0 && deletion_due (self) <= g_get_real_time () / G_USEC_PER_SEC)
    xpz_privacy_page_check_deletion (self);
  return G_SOURCE_CONTINUE;
}

/**
 * xpz_privacy_page_keep_receipt:
 *
 * Keeps the pending request's receipt on this computer (or forgets it when there is no
 * pending request), so that a deletion completed while the app is closed is still
 * learnt at the next start, and this computer's copy erased (R7.2).
 */
void
xpz_privacy_page_keep_receipt (XpzPrivacyPage *self)
{
  XpzSession *session = self->account != NULL ? xpz_account_get_session (self->account) : NULL;
  GSettings *settings = self->context != NULL ? xpz_context_get_settings (self->context) : NULL;
  JsonObject *d = self->deletion;
  const char *url, *account_id;

  if (session == NULL || settings == NULL)
    return;
  url = xpz_api_client_get_base_url (xpz_session_get_client (session));
  account_id = xpz_session_get_account_id (session);
  if (d != NULL && g_strcmp0 (json_object_get_string_member_with_default (d, "status", ""), "pending") == 0)
    xpz_deletion_remember (settings, url, account_id, json_object_get_int_member_with_default (d, "id", 0),
                           json_object_get_string_member_with_default (d, "receipt", NULL));
  else
    xpz_deletion_forget (settings, url, account_id);
}

void
xpz_privacy_page_show_deletion (XpzPrivacyPage *self)
{
  JsonObject *d = self->deletion;
  gboolean pending = d != NULL &&
                     g_strcmp0 (json_object_get_string_member_with_default (d, "status", ""),
                                "pending") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->deletion_button), !pending);
  gtk_widget_set_visible (GTK_WIDGET (self->deletion_check_button), pending);
  if (!pending)
    {
      g_clear_handle_id (&self->countdown_id, g_source_remove);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->deletion_row),
                                     _("No deletion requested"));
      adw_action_row_set_subtitle (self->deletion_row,
                                   _("You can also ask the data controller by email."));
      return;
    }
  {
    gint64 due = deletion_due (self);
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    gint64 days = due > now ? (due - now + 86399) / 86400 : 0;
    g_autofree char *title = NULL;
    g_autofree char *due_text = xpz_privacy_format_time (json_object_get_string_member_with_default (d, "due_at", NULL));
    g_autofree char *requested = xpz_privacy_format_time (json_object_get_string_member_with_default (d, "requested_at", NULL));
    g_autofree char *countdown = NULL;
    g_autofree char *subtitle = NULL;

    /* Translators: the number of the deletion request. */
    title = g_strdup_printf (_("Deletion requested (request %lld)"),
                             (long long) json_object_get_int_member_with_default (d, "id", 0));
    if (days > 0)
      countdown = g_strdup_printf (ngettext ("%lld day left", "%lld days left", (gulong) MIN (days, G_MAXLONG)),
                                   (long long) days);
    else
      countdown = g_strdup (_("due now"));
    /* Translators: status of a deletion request: requested when, due when, countdown. */
    subtitle = g_strdup_printf (_("Status: pending · requested %s · due %s (%s)"),
                                requested, due_text, countdown);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->deletion_row), title);
    adw_action_row_set_subtitle (self->deletion_row, subtitle);
    if (self->countdown_id == 0)
      self->countdown_id = g_timeout_add_seconds (60, countdown_cb, self);
  }
}

static void
deletion_requested (XpzPrivacyPage *self,
                    XpzApiResponse *response,
                    const GError   *error)
{
  JsonObject *o = response != NULL ? xpz_api_response_get_object (response) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->deletion_button), TRUE);
  if (o == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not request the deletion: %s"),
                                                  error != NULL ? error->message : "");
      xpz_privacy_page_toast (self, message);
      return;
    }
  g_clear_pointer (&self->deletion, json_object_unref);
  self->deletion = json_object_ref (o);
  xpz_privacy_page_keep_receipt (self);
  xpz_privacy_page_show_deletion (self);
  xpz_privacy_page_load_ledger (self);
}

static void
deletion_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      XpzPrivacyPage   *self)
{
  g_autoptr (JsonNode) body = NULL;

  if (!g_str_equal (response, "delete"))
    return;
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  gtk_widget_set_sensitive (GTK_WIDGET (self->deletion_button), FALSE);
  /* Immediately: the request's id and due date are the candidate's proof, and they
   * come from the platform. */
  xpz_privacy_page_call (self, "POST", "/me/deletion-request", body, deletion_requested);
}

static void
request_deletion_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete Your Account?"),
                                   _("The platform erases your account, profile, documents, "
                                     "matches, shares and history within 30 days. Only a record "
                                     "that a deletion took place is kept, as the law requires. "
                                     "When it is done, this computer erases its copy and signs "
                                     "you out. Save a copy of your data first if you want one."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Request Deletion"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (deletion_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
deletion_status_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (XpzPrivacyPage) self = user_data;
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *o;
  GtkRoot *root;

  gtk_widget_set_sensitive (GTK_WIDGET (self->deletion_check_button), TRUE);
  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not check the deletion request: %s", error->message);
      return;
    }
  o = xpz_api_response_get_object (response);
  if (o == NULL)
    return;
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "status", ""), "completed") != 0)
    {
      g_autofree char *receipt = NULL;

      if (self->deletion != NULL)
        receipt = g_strdup (json_object_get_string_member_with_default (self->deletion,
                                                                        "receipt", NULL));
      g_clear_pointer (&self->deletion, json_object_unref);
      self->deletion = json_object_ref (o);
      if (receipt != NULL)
        json_object_set_string_member (o, "receipt", receipt);
      xpz_privacy_page_show_deletion (self);
      return;
    }

  /* The platform erased the account: this computer's copy goes too (R7.2), and the
   * receipt has served. */
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_pointer (&self->deletion, json_object_unref);
  xpz_privacy_page_keep_receipt (self);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (XPZ_IS_WINDOW (root))
    xpz_window_erase_account (XPZ_WINDOW (root));
}

/**
 * xpz_privacy_page_check_deletion:
 *
 * Asks the platform, with the request's receipt, whether a pending deletion has been
 * completed: once it has, the account and its sessions are gone, so the receipt is the
 * only way to learn it.
 */
void
xpz_privacy_page_check_deletion (XpzPrivacyPage *self)
{
  XpzSession *session = self->account != NULL ? xpz_account_get_session (self->account) : NULL;
  const char *receipt;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;

  if (session == NULL || self->deletion == NULL)
    return;
  receipt = json_object_get_string_member_with_default (self->deletion, "receipt", NULL);
  if (receipt == NULL || *receipt == '\0')
    return;
  escaped = g_uri_escape_string (receipt, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/deletion-requests/%" G_GINT64_FORMAT "?receipt=%s",
                          json_object_get_int_member_with_default (self->deletion, "id", 0),
                          escaped);
  gtk_widget_set_sensitive (GTK_WIDGET (self->deletion_check_button), FALSE);
  /* Public endpoint: the session's client, whether or not its tokens still work. */
  xpz_api_client_call_async (xpz_session_get_client (session), "GET", path, NULL, NULL, NULL,
                             self->cancellable, deletion_status_cb, g_object_ref (self));
}

static void
check_deletion_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  xpz_privacy_page_check_deletion (XPZ_PRIVACY_PAGE (widget));
}

/* ---- building the rows ------------------------------------------------------------- */

static GtkWidget *
right_row (AdwPreferencesGroup *group,
           const char          *title,
           const char          *subtitle,
           const char          *button_label,
           const char          *accessible_name,
           const char          *action_name,
           GVariant            *target)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  if (target != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_preferences_group_add (group, row);
  return row;
}

void
xpz_privacy_page_init_rights (XpzPrivacyPage *self)
{
  GtkWidget *button;

  right_row (self->rights_group, _("Access"),
             _("A complete copy of what the platform holds about you, including the consent "
               "ledger and what employers noted about you, to read and save as JSON."),
             _("_View…"), _("View and Save Your Data"), "privacy.view-export", NULL);
  self->rectify_row =
    right_row (self->rights_group, _("Rectify"),
               _("Correct anything in your profile. Changes sync, and a conflict is never lost "
                 "silently."),
               _("_Edit Profile"), _("Correct Your Profile"), "nav.rectify",
               g_variant_new_string ("name"));
  self->portability_row =
    right_row (self->rights_group, _("Portability"),
               _("Your profile as JSON Resume, the open résumé format other services read."),
               _("_Export…"), _("Export Your Profile as JSON Resume"), "privacy.export-resume",
               NULL);
  self->restrict_row =
    right_row (self->rights_group, _("Object or Restrict"),
               _("Pause matching, restrict processing, object to AI training or analytics: see "
                 "Controls."),
               _("_Controls"), _("Open the Controls"), "privacy.show-page",
               g_variant_new_string ("controls"));
  right_row (self->rights_group, _("Any Other Request"),
             _("Write to the data controller; it answers as Moroccan Law No. 09-08 requires."),
             _("_Contact…"), _("Write to the Data Controller"), "privacy.contact-controller",
             NULL);

  self->deletion_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_action_row_set_subtitle_lines (self->deletion_row, 0);
  button = gtk_button_new_with_mnemonic (_("_Request Deletion…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "privacy.request-deletion");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Request Account Deletion"), -1);
  adw_action_row_add_suffix (self->deletion_row, button);
  self->deletion_button = GTK_BUTTON (button);
  button = gtk_button_new_with_mnemonic (_("Check _Now"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "privacy.check-deletion");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Check the Deletion Status"), -1);
  adw_action_row_add_suffix (self->deletion_row, button);
  self->deletion_check_button = GTK_BUTTON (button);
  adw_preferences_group_add (self->deletion_group, GTK_WIDGET (self->deletion_row));
  xpz_privacy_page_show_deletion (self);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

void
xpz_privacy_page_class_init_rights (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "privacy.view-export", NULL, view_export_action);
  gtk_widget_class_install_action (widget_class, "privacy.export-resume", NULL,
                                   export_resume_action);
  gtk_widget_class_install_action (widget_class, "privacy.request-deletion", NULL,
                                   request_deletion_action);
  gtk_widget_class_install_action (widget_class, "privacy.check-deletion", NULL,
                                   check_deletion_action);
  gtk_widget_class_install_action (widget_class, "privacy.show-page", "s", show_page_action);
}
