/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-page.h"
#include "xpz-deletion.h"
#include "xpz-employer-page.h"
#include "xpz-privacy-page.h"
#include "xpz-sync-indicator.h"
#include "xpz-welcome-page.h"
#include "xpz-window.h"

struct _XpzWindow
{
  AdwApplicationWindow  parent_instance;

  XpzContext           *context;
  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *erased_notice;  /* said once this computer's copy is erased */
  XpzAccount           *opening;        /* an account whose database is being opened */

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  XpzWelcomePage       *welcome_page;
  /* Each area's page is made the first time it is shown (start-up builds only one). */
  AdwBin               *candidate_bin;
  AdwBin               *employer_bin;
  AdwBin               *privacy_bin;
  AdwWindowTitle       *sidebar_title;
  XpzSyncIndicator     *sync_indicator;
  GMenu                *accounts_section;
  GMenuModel           *primary_menu;
  GtkMenuButton        *primary_menu_button;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_box;
  GtkListBox           *sidebar_list;
  GtkWidget            *content_box;
  GtkStack             *stack;
  AdwWindowTitle       *content_title;
};

G_DEFINE_FINAL_TYPE (XpzWindow, xpz_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

XpzWindow *
xpz_window_new (XpzApplication *application)
{
  g_return_val_if_fail (XPZ_IS_APPLICATION (application), NULL);

  return g_object_new (XPZ_TYPE_WINDOW,
                       "application", application,
                       "context", xpz_application_get_context (application),
                       NULL);
}

const char *
xpz_window_get_visible_area (XpzWindow *self)
{
  g_return_val_if_fail (XPZ_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static GtkListBoxRow *
find_sidebar_row (XpzWindow  *self,
                  const char *area)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && g_strcmp0 (gtk_widget_get_name (child), area) == 0)
        return GTK_LIST_BOX_ROW (child);
    }

  return NULL;
}

/**
 * xpz_window_show_area:
 * @area: "candidate", "employer" or "privacy"
 *
 * Shows @area, and in the folded (narrow) layout navigates to it.
 *
 * Returns: %FALSE if @area is not an area of the window
 */
static void ensure_area_page (XpzWindow *self, const char *area);

/* Makes @area the current one (its page is made once the main view shows). */
static gboolean
select_area (XpzWindow  *self,
             const char *area)
{
  GtkListBoxRow *row = find_sidebar_row (self, area);

  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->sidebar_list, row);
  return TRUE;
}

gboolean
xpz_window_show_area (XpzWindow  *self,
                      const char *area)
{
  g_return_val_if_fail (XPZ_IS_WINDOW (self), FALSE);

  if (!select_area (self, area))
    return FALSE;
  /* Asked for by name (a notification, a test): the page is made now. */
  ensure_area_page (self, area);
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
  return TRUE;
}

/* Into the built-in demo, as the demo candidate or the demo recruiter ("employer"). */
void
xpz_window_enter_demo (XpzWindow  *self,
                       const char *role)
{
  g_return_if_fail (XPZ_IS_WINDOW (self));

  gtk_stack_set_visible_child_name (self->main_stack, "welcome");
  xpz_welcome_page_enter_demo (self->welcome_page, role);
}

static void
ensure_area_page (XpzWindow  *self,
                  const char *area)
{
  GtkWidget *page;

  if (g_strcmp0 (area, "candidate") == 0 && adw_bin_get_child (self->candidate_bin) == NULL)
    {
      page = g_object_new (XPZ_TYPE_CANDIDATE_PAGE, NULL);
      xpz_candidate_page_set_context (XPZ_CANDIDATE_PAGE (page), self->context);
      adw_bin_set_child (self->candidate_bin, page);
    }
  else if (g_strcmp0 (area, "employer") == 0 && adw_bin_get_child (self->employer_bin) == NULL)
    {
      page = g_object_new (XPZ_TYPE_EMPLOYER_PAGE, NULL);
      xpz_employer_page_set_context (XPZ_EMPLOYER_PAGE (page), self->context);
      adw_bin_set_child (self->employer_bin, page);
    }
  else if (g_strcmp0 (area, "privacy") == 0 && adw_bin_get_child (self->privacy_bin) == NULL)
    {
      page = g_object_new (XPZ_TYPE_PRIVACY_PAGE, NULL);
      xpz_privacy_page_set_context (XPZ_PRIVACY_PAGE (page), self->context);
      adw_bin_set_child (self->privacy_bin, page);
    }
}

static void
sidebar_row_selected_cb (XpzWindow     *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list)
{
  const char *area;
  GtkStackPage *page;

  if (row == NULL)
    return;

  area = gtk_widget_get_name (GTK_WIDGET (row));
  /* Behind the welcome page, no area is seen: its page is made when the main view shows. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "main") == 0)
    ensure_area_page (self, area);
  gtk_stack_set_visible_child_name (self->stack, area);
  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
}

static void
main_stack_changed_cb (XpzWindow  *self,
                       GParamSpec *pspec,
                       GtkStack   *stack)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "main") == 0)
    ensure_area_page (self, gtk_stack_get_visible_child_name (self->stack));
}

static void
sidebar_row_activated_cb (XpzWindow     *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

/* nav.rectify "FIELD": from anywhere (the privacy center), to that profile field. */
static void
rectify_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);
  GtkWidget *page;

  xpz_window_show_area (self, "candidate");
  page = adw_bin_get_child (self->candidate_bin);
  if (page != NULL)
    gtk_widget_activate_action (page, "candidate.edit-profile-field", "s",
                                g_variant_get_string (parameter, NULL));
}

static void
show_area_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);

  xpz_window_show_area (self, g_variant_get_string (parameter, NULL));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
toast (XpzWindow  *self,
       const char *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void open_account (XpzWindow *self, XpzSession *session, gboolean retried);

/* What a sync brought that the user should hear of, even with the window hidden. */
static void
news_cb (XpzSyncEngine *engine,
         guint          introductions,
         guint          strong_matches,
         const char    *policy_summary,
         XpzWindow     *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app == NULL)
    return;

  if (introductions > 0)
    {
      g_autoptr (GNotification) n = NULL;
      g_autofree char *title = g_strdup_printf (ngettext ("A new introduction request",
                                                          "%u new introduction requests",
                                                          introductions),
                                                introductions);

      n = g_notification_new (title);
      g_notification_set_body (n, _("An employer would like to be introduced to you. Nothing "
                                    "that identifies you is shared until you accept."));
      g_notification_set_default_action_and_target (n, "app.show-area", "s", "candidate");
      g_application_send_notification (app, "introductions", n);
    }
  if (strong_matches > 0)
    {
      g_autoptr (GNotification) n = NULL;
      g_autofree char *title = g_strdup_printf (ngettext ("A new strong match",
                                                          "%u new strong matches",
                                                          strong_matches),
                                                strong_matches);

      n = g_notification_new (title);
      g_notification_set_body (n, _("See why it matches, in plain words, in the Candidate area."));
      g_notification_set_default_action_and_target (n, "app.show-area", "s", "candidate");
      g_application_send_notification (app, "matches", n);
    }
  if (policy_summary != NULL)
    {
      g_autoptr (GNotification) n = g_notification_new (_("The privacy policy has changed"));

      g_notification_set_body (n, *policy_summary != '\0' ? policy_summary
                                                          : _("Review what changed in the "
                                                              "Privacy area."));
      g_notification_set_priority (n, G_NOTIFICATION_PRIORITY_HIGH);
      g_notification_set_default_action_and_target (n, "app.show-area", "s", "privacy");
      g_application_send_notification (app, "policy", n);
    }
}

static void
engine_state_cb (XpzSyncEngine *engine,
                 GParamSpec    *pspec,
                 XpzWindow     *self)
{
  AdwToast *t;

  if (xpz_sync_engine_get_state (engine) != XPZ_SYNC_STATE_NEEDS_SIGN_IN)
    return;
  /* 401 after a failed refresh: nothing queued is dropped; the user is asked. */
  t = adw_toast_new (_("Your session has ended. Sign in again to sync your changes."));
  adw_toast_set_button_label (t, _("Sign _In"));
  adw_toast_set_action_name (t, "account.add");
  adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (t, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
account_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (XpzWindow) self = user_data;
  XpzAccount *account = XPZ_ACCOUNT (source);
  g_autoptr (GError) error = NULL;

  if (self->opening == account)
    g_clear_object (&self->opening);
  if (!xpz_account_open_finish (account, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (xpz_account_get_session (account) == xpz_context_get_session (self->context))
            xpz_context_set_opening_role (self->context, NULL);
          return;
        }
      if (g_error_matches (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CORRUPT) &&
          !GPOINTER_TO_INT (g_object_get_data (source, "retried")))
        {
          /* Moved aside, never deleted: start afresh and refill from the platform. */
          toast (self, _("The data on this computer was damaged. It was set aside and will be "
                         "restored from the platform."));
          open_account (self, xpz_account_get_session (account), TRUE);
          return;
        }
      if (xpz_account_get_session (account) == xpz_context_get_session (self->context))
        xpz_context_set_opening_role (self->context, NULL);
      toast (self, error->message);
      return;
    }
  if (xpz_account_get_session (account) != xpz_context_get_session (self->context))
    return;  /* signed out meanwhile */

  xpz_context_set_account (self->context, account);
  xpz_context_set_opening_role (self->context, NULL);
  xpz_sync_indicator_set_account (self->sync_indicator, account);
  g_signal_connect_object (xpz_account_get_engine (account), "news", G_CALLBACK (news_cb),
                           self, 0);
  g_signal_connect_object (xpz_account_get_engine (account), "notify::state",
                           G_CALLBACK (engine_state_cb), self, 0);
  xpz_account_request_sync (account);
}

/* Opens the account's own database and starts syncing it. */
static void
open_account (XpzWindow  *self,
              XpzSession *session,
              gboolean    retried)
{
  g_autoptr (XpzAccount) account = xpz_account_new (session);

  g_object_set_data (G_OBJECT (account), "retried", GINT_TO_POINTER (retried));
  /* Until it is open, its area shows its frame (see xpz_context_get_opening_role()). */
  xpz_context_set_opening_role (self->context, xpz_session_get_role (session));
  g_set_object (&self->opening, account);
  xpz_account_open_async (account, self->cancellable, account_opened_cb, g_object_ref (self));
}

static void
active_changed_cb (XpzWindow *self)
{
  XpzAccount *account = xpz_context_get_account (self->context);

  /* Back to the front: a good time to catch up. */
  if (account != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    xpz_account_request_sync (account);
}

/* How an account is named in the window: never its email address. */
static char *
session_label (XpzWindow  *self,
               XpzSession *session)
{
  XpzDemoPlatform *demo = xpz_context_get_demo_platform (self->context);
  gboolean employer = g_strcmp0 (xpz_session_get_role (session), "employer") == 0;
  gboolean is_demo = g_strcmp0 (xpz_api_client_get_base_url (xpz_session_get_client (session)),
                                xpz_demo_platform_get_url (demo)) == 0;

  if (is_demo)
    return g_strdup (employer ? _("Demo recruiter") : _("Demo candidate"));
  if (xpz_session_get_display_name (session) != NULL)
    return g_strdup (xpz_session_get_display_name (session));
  return g_strdup (employer ? _("Recruiter") : _("Candidate"));
}

/* One item per signed-in account in the primary menu: switching is one click. */
static void
rebuild_accounts_menu (XpzWindow *self)
{
  GListModel *sessions = xpz_context_get_sessions (self->context);
  XpzSession *current = xpz_context_get_session (self->context);

  g_menu_remove_all (self->accounts_section);
  if (g_list_model_get_n_items (sessions) < 2)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr (XpzSession) session = g_list_model_get_item (sessions, i);
      g_autofree char *name = session_label (self, session);
      /* Translators: %s names an account, e.g. "Demo recruiter". */
      g_autofree char *label = session == current ? g_strdup_printf (_("%s (in use)"), name)
                                                  : g_strdup (name);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "account.switch",
                                               g_variant_new_uint32 (i));
      g_menu_append_item (self->accounts_section, item);
    }
}

/* The main view for a signed-in session, at the area of its role. */
static void
show_session (XpzWindow  *self,
              XpzSession *session,
              gboolean    new_sign_in)
{
  gboolean employer = g_strcmp0 (xpz_session_get_role (session), "employer") == 0;
  g_autofree char *subtitle = NULL;

  xpz_context_set_session (self->context, session);
  if (xpz_context_get_account (self->context) == NULL ||
      xpz_account_get_session (xpz_context_get_account (self->context)) != session)
    {
      xpz_context_set_account (self->context, NULL);
      open_account (self, session, FALSE);
    }
  else
    {
      xpz_context_set_opening_role (self->context, NULL);
      xpz_sync_indicator_set_account (self->sync_indicator,
                                      xpz_context_get_account (self->context));
    }

  xpz_context_add_session (self->context, session);
  subtitle = session_label (self, session);
  adw_window_title_set_subtitle (self->sidebar_title, subtitle);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out-erase", TRUE);
  rebuild_accounts_menu (self);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  /* A new sign-in starts in the area of its role; otherwise the last area stays. */
  if (new_sign_in)
    xpz_window_show_area (self, employer ? "employer" : "candidate");
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_box);

  if (!xpz_session_get_remembered (session) && !xpz_context_get_is_demo (self->context))
    {
      const GError *why = xpz_session_get_remember_error (session);
      g_autofree char *message =
        g_strdup_printf (_("You are signed in for this session only: %s"),
                         why != NULL ? why->message : _("the keyring is not available"));
      toast (self, message);
    }
}

static void
session_ready_cb (XpzWindow      *self,
                  XpzSession     *session,
                  XpzWelcomePage *page)
{
  XpzApiClient *client = xpz_session_get_client (session);
  XpzDemoPlatform *demo = xpz_context_get_demo_platform (self->context);
  gboolean is_demo = g_strcmp0 (xpz_api_client_get_base_url (client),
                                xpz_demo_platform_get_url (demo)) == 0;

  g_settings_delay (self->settings);
  g_settings_set_string (self->settings, "platform", is_demo ? "demo" : "server");
  if (!is_demo && xpz_session_get_remembered (session))
    {
      /* Which account to restore at the next start; its secret is in the Secret Service. */
      g_settings_set_string (self->settings, "platform-url", xpz_api_client_get_base_url (client));
      g_settings_set_string (self->settings, "account-id", xpz_session_get_account_id (session));
      g_settings_set_string (self->settings, "account-role", xpz_session_get_role (session));
    }
  g_settings_apply (self->settings);

  show_session (self, session, TRUE);
}

static void show_welcome (XpzWindow *self);

/* After a sign-out: another signed-in account if there is one, else the welcome page. */
static void
show_next_session_or_welcome (XpzWindow  *self,
                              XpzSession *signed_out)
{
  GListModel *sessions;
  g_autoptr (XpzSession) next = NULL;

  xpz_context_remove_session (self->context, signed_out);
  sessions = xpz_context_get_sessions (self->context);
  if (g_list_model_get_n_items (sessions) > 0)
    next = g_list_model_get_item (sessions, 0);
  if (next != NULL)
    {
      xpz_context_set_account (self->context, NULL);
      show_session (self, next, TRUE);
    }
  else
    show_welcome (self);
}

static void
show_welcome (XpzWindow *self)
{
  xpz_sync_indicator_set_account (self->sync_indicator, NULL);
  xpz_context_set_account (self->context, NULL);
  xpz_context_set_opening_role (self->context, NULL);
  xpz_context_set_session (self->context, NULL);
  xpz_welcome_page_set_can_cancel (self->welcome_page, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out-erase", FALSE);
  xpz_welcome_page_reset (self->welcome_page);
  gtk_stack_set_visible_child_name (self->main_stack, "welcome");
}

static void
sign_out_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (XpzWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_session_sign_out_finish (XPZ_SESSION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast (self, error->message);
      return;
    }
  g_settings_reset (self->settings, "account-id");
  g_settings_reset (self->settings, "account-role");
  show_next_session_or_welcome (self, XPZ_SESSION (source));
  toast (self, _("Signed out"));
}

static void
erased_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (XpzWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_store_erase_finish (XPZ_STORE (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Signed out, but the data on this computer "
                                                    "could not be erased: %s"), error->message);
      toast (self, message);
      return;
    }
  if (self->erased_notice != NULL)
    {
      g_autofree char *notice = g_steal_pointer (&self->erased_notice);

      toast (self, notice);
    }
  else
    toast (self, _("Signed out. This computer’s copy of your data was erased."));
}

static void
sign_out_erase_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (XpzWindow) self = user_data;
  XpzSession *session = XPZ_SESSION (source);
  g_autoptr (XpzStore) store = NULL;
  g_autoptr (GError) error = NULL;
  XpzAccount *open;

  if (!xpz_session_sign_out_finish (session, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  g_settings_reset (self->settings, "account-id");
  g_settings_reset (self->settings, "account-role");
  /* The account stops syncing and its database closes first, whoever still holds it (a
   * page, a sync in flight): nothing of it writes into the directory while, or after, it
   * is erased. The erase then runs on the same store, after what was queued on it. */
  if (self->opening != NULL && xpz_account_get_session (self->opening) == session)
    xpz_account_close (self->opening);
  open = xpz_context_get_account (self->context);
  if (open != NULL && xpz_account_get_session (open) == session)
    {
      store = g_object_ref (xpz_account_get_store (open));
      xpz_account_close (open);
    }
  else
    store = xpz_store_new (xpz_session_get_account_id (session));
  /* The database, its WAL and backups go with the directory; the secret (tokens and the
   * at-rest key) went with the sign-out. */
  show_next_session_or_welcome (self, session);
  xpz_store_erase_async (store, NULL, erased_cb, g_object_ref (self));
}

static void
erase_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   XpzWindow        *self)
{
  XpzSession *session = xpz_context_get_session (self->context);

  if (!g_str_equal (response, "erase") || session == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out-erase", FALSE);
  xpz_session_sign_out_async (session, FALSE, self->cancellable, sign_out_erase_cb,
                              g_object_ref (self));
}

/**
 * xpz_window_erase_account:
 *
 * For an account the platform has deleted (R7.2): signs the current session out and
 * erases this computer's copy — database, files, tokens and at-rest key — without
 * asking, then shows the next signed-in account or the welcome page.
 */
void
xpz_window_erase_account (XpzWindow *self)
{
  g_return_if_fail (XPZ_IS_WINDOW (self));

  g_free (self->erased_notice);
  self->erased_notice = g_strdup (_("Your account was deleted by the platform, as you asked. "
                                    "This computer’s copy of it was erased too."));
  erase_response_cb (NULL, "erase", self);
}

static void
sign_out_erase_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);
  GtkWidget *dialog;

  if (xpz_context_get_session (self->context) == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out and Erase Local Data?"),
                                   _("Your profile, matches and unsent changes stored on this "
                                     "computer are erased. Changes not yet sent to the platform "
                                     "are lost. Your account on the platform is not deleted."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "erase", _("_Erase and Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "erase",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (erase_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
switch_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);
  GListModel *sessions = xpz_context_get_sessions (self->context);
  g_autoptr (XpzSession) session = g_list_model_get_item (sessions,
                                                          g_variant_get_uint32 (parameter));

  if (session == NULL || session == xpz_context_get_session (self->context))
    return;
  show_session (self, session, TRUE);
}

static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);

  xpz_welcome_page_reset (self->welcome_page);
  xpz_welcome_page_set_can_cancel (self->welcome_page,
                                   xpz_context_get_session (self->context) != NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "welcome");
}

static void
welcome_cancelled_cb (XpzWindow      *self,
                      XpzWelcomePage *page)
{
  if (xpz_context_get_session (self->context) != NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "main");
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);
  XpzSession *session = xpz_context_get_session (self->context);

  if (session == NULL)
    return;
  gtk_widget_action_set_enabled (widget, "account.sign-out", FALSE);
  xpz_session_sign_out_async (session, FALSE, self->cancellable, sign_out_cb,
                              g_object_ref (self));
}

typedef struct
{
  XpzWindow  *self;
  XpzSession *session;
  char       *message;  /* what to say if the deletion is not the reason */
} DeletionCheck;

static void
deletion_check_free (DeletionCheck *c)
{
  g_object_unref (c->self);
  g_object_unref (c->session);
  g_free (c->message);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeletionCheck, deletion_check_free)

static void
deletion_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (DeletionCheck) c = user_data;
  XpzWindow *self = c->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) status = xpz_deletion_check_finish (XPZ_API_CLIENT (source), result, &error);
  g_autoptr (GDateTime) when = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *date = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!xpz_deletion_is_completed (status))
    {
      toast (self, c->message);
      return;
    }
  /* Done as the user asked, while the app was closed: erase this computer's copy (its
   * database, files, tokens and at-rest key) and say so. */
  when = g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (status, "completed_at", ""),
                                       NULL);
  local = when != NULL ? g_date_time_to_local (when) : NULL;
  date = local != NULL ? g_date_time_format (local, "%x") : NULL;
  xpz_deletion_forget (self->settings, xpz_api_client_get_base_url (xpz_session_get_client (c->session)),
                       xpz_session_get_account_id (c->session));
  g_free (self->erased_notice);
  self->erased_notice = date != NULL
                        ? g_strdup_printf (_("Your account was deleted by the platform on %s, as you asked. "
                                             "This computer’s copy of it was erased too."), date)
                        : g_strdup (_("Your account was deleted by the platform, as you asked. "
                                      "This computer’s copy of it was erased too."));
  xpz_session_sign_out_async (c->session, FALSE, self->cancellable, sign_out_erase_cb,
                              g_object_ref (self));
}

/* If this computer asked for @session's account to be deleted, checks whether that is
 * done (taking @message, said if it is not) and returns TRUE. */
static gboolean
check_pending_deletion (XpzWindow   *self,
                        XpzSession  *session,
                        char       **message)
{
  XpzApiClient *client = xpz_session_get_client (session);
  gint64 request_id = 0;
  g_autofree char *receipt = NULL;
  DeletionCheck *c;

  if (!xpz_deletion_lookup (self->settings, xpz_api_client_get_base_url (client),
                            xpz_session_get_account_id (session), &request_id, &receipt))
    return FALSE;
  c = g_new0 (DeletionCheck, 1);
  c->self = g_object_ref (self);
  c->session = g_object_ref (session);
  c->message = g_steal_pointer (message);
  xpz_deletion_check_async (client, request_id, receipt, self->cancellable,
                            deletion_checked_cb, c);
  return TRUE;
}

static void
restore_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (XpzWindow) self = user_data;
  XpzSession *session = XPZ_SESSION (source);
  g_autoptr (GError) error = NULL;

  if (!xpz_session_restore_finish (session, result, &error))
    {
      g_autofree char *message = NULL;

      xpz_context_set_opening_role (self->context, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Sign in again: %s"), error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
      /* Every session of a deleted account is gone: a deletion this computer asked for
       * may be why (R7.2). */
      if (!g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED) ||
          !check_pending_deletion (self, session, &message))
        toast (self, message);
      return;
    }
  show_session (self, session, FALSE);
}

/* At start-up, the remembered account's session comes back without a password. */
static void
restore_session (XpzWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "platform-url");
  g_autofree char *account_id = g_settings_get_string (self->settings, "account-id");
  g_autofree char *role = g_settings_get_string (self->settings, "account-role");
  g_autofree char *platform = g_settings_get_string (self->settings, "platform");
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (XpzSession) session = NULL;

  if (*account_id == '\0' || !g_str_equal (platform, "server"))
    return;
  client = xpz_api_client_new (url, NULL);
  if (client == NULL)
    return;
  session = xpz_session_new (client, xpz_context_get_secrets (self->context));
  /* A remembered account starts on its areas, not on a welcome page it would leave a
   * moment later; the welcome page comes back only if the session cannot be restored. */
  xpz_context_set_opening_role (self->context, *role != '\0' ? role : NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  xpz_session_restore_async (session, account_id, role, self->cancellable, restore_cb,
                             g_object_ref (self));
}

/* The primary menu's popover is made the first time it opens (a click, F10), not with
 * the window: the first frame does not show it. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  XpzWindow *self = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
xpz_window_save_state (XpzWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_string (self->settings, "last-area", xpz_window_get_visible_area (self));
  g_settings_apply (self->settings);
}

static gboolean
xpz_window_close_request (GtkWindow *window)
{
  xpz_window_save_state (XPZ_WINDOW (window));

  return GTK_WINDOW_CLASS (xpz_window_parent_class)->close_request (window);
}

/* The window's icon is what an X11 window manager shows (Wayland takes it from the
 * desktop file). It is drawn from the app's SVG, which loads librsvg: that waits until
 * the first frame is out, so the window does not appear later for it. */
static gboolean
set_icon_idle_cb (gpointer user_data)
{
  gtk_window_set_default_icon_name (APP_ID);
  gtk_window_set_icon_name (GTK_WINDOW (user_data), APP_ID);
  return G_SOURCE_REMOVE;
}

static void
first_frame_painted_cb (GdkFrameClock *clock,
                        XpzWindow     *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted_cb, self);
  g_idle_add_full (G_PRIORITY_LOW, set_icon_idle_cb, g_object_ref (self), g_object_unref);
}

static void
xpz_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (xpz_window_parent_class)->realize (widget);

  if (gtk_window_get_icon_name (GTK_WINDOW (widget)) == NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (first_frame_painted_cb), widget, 0);
}

static void
xpz_window_constructed (GObject *object)
{
  XpzWindow *self = XPZ_WINDOW (object);
  g_autofree char *last_area = NULL;

  G_OBJECT_CLASS (xpz_window_parent_class)->constructed (object);

  self->settings = g_object_ref (xpz_context_get_settings (self->context));
  xpz_welcome_page_set_context (self->welcome_page, self->context);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_area = g_settings_get_string (self->settings, "last-area");
  if (!select_area (self, last_area))
    select_area (self, "candidate");
  /* Unfolded, both panes show; folded, start from the list of areas. */
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_box);

  if (xpz_context_get_session (self->context) != NULL)
    show_session (self, xpz_context_get_session (self->context), FALSE);
  else
    restore_session (self);
}

static void
xpz_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  XpzWindow *self = XPZ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  XpzWindow *self = XPZ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_window_dispose (GObject *object)
{
  XpzWindow *self = XPZ_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), XPZ_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->context);
  g_clear_object (&self->opening);
  g_clear_pointer (&self->erased_notice, g_free);

  G_OBJECT_CLASS (xpz_window_parent_class)->dispose (object);
}

static void
xpz_window_class_init (XpzWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = xpz_window_get_property;
  object_class->set_property = xpz_window_set_property;
  object_class->constructed = xpz_window_constructed;
  object_class->dispose = xpz_window_dispose;
  window_class->close_request = xpz_window_close_request;
  widget_class->realize = xpz_window_realize;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         XPZ_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (XPZ_TYPE_WELCOME_PAGE);
  g_type_ensure (XPZ_TYPE_SYNC_INDICATOR);
  g_type_ensure (XPZ_TYPE_CANDIDATE_PAGE);
  g_type_ensure (XPZ_TYPE_EMPLOYER_PAGE);
  g_type_ensure (XPZ_TYPE_PRIVACY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/xpz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, main_stack);
  gtk_widget_class_bind_template_callback (widget_class, main_stack_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, candidate_bin);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, employer_bin);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, privacy_bin);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, accounts_section);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, content_title);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, session_ready_cb);
  gtk_widget_class_bind_template_callback (widget_class, active_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, welcome_cancelled_cb);

  gtk_widget_class_install_action (widget_class, "nav.show-area", "s", show_area_action);
  gtk_widget_class_install_action (widget_class, "nav.rectify", "s", rectify_action);
  gtk_widget_class_install_action (widget_class, "nav.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "account.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "account.switch", "u", switch_action);
  gtk_widget_class_install_action (widget_class, "account.add", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "account.sign-out-erase", NULL,
                                   sign_out_erase_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "nav.show-area", "s", "candidate");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "nav.show-area", "s", "employer");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK,
                                       "nav.show-area", "s", "privacy");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "nav.back", NULL);
}

/* The keyboard shortcuts window, made the first time it is asked for (building it with
 * every window costs its start a few milliseconds). */
static void
show_help_overlay (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  XpzWindow *self = user_data;
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));

  if (overlay == NULL)
    {
      g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PATH "/ui/xpz-shortcuts-window.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
}

static const GActionEntry win_actions[] = {
  { .name = "show-help-overlay", .activate = show_help_overlay },
};

static void
xpz_window_init (XpzWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  self->cancellable = g_cancellable_new ();
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_primary_menu, self,
                                         NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.sign-out-erase", FALSE);

  if (*PROFILE != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}
