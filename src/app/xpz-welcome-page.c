/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-welcome-page.h"

/* The two ways in: the built-in demo platform, or signing in to a platform.
 * Emits ::session-ready with a signed-in XpzSession. */

struct _XpzWelcomePage
{
  AdwBin        parent_instance;

  XpzContext   *context;
  GCancellable *cancellable;

  GtkStack     *stack;
  GtkWidget    *back_button;
  GtkWidget    *cancel_button;
  gboolean      can_cancel;
  AdwStatusPage *start_page;
  GtkSpinner   *demo_spinner;
  GtkLabel     *demo_status;
  AdwEntryRow  *url_row;
  AdwEntryRow  *email_row;
  AdwEntryRow  *password_row;
  GtkLabel     *sign_in_error;
  GtkSwitch    *sign_up_switch;
  AdwEntryRow  *name_row;
  AdwComboRow  *role_row;
  AdwEntryRow  *company_row;
  GtkButton    *submit_button;
  char         *auto_enter_role;  /* enter the demo as this role once it runs */
  GtkSpinner   *sign_in_spinner;
  gboolean      built;            /* the template, made the first time it is needed */
};

enum {
  SESSION_READY,
  CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (XpzWelcomePage, xpz_welcome_page, ADW_TYPE_BIN)

void
xpz_welcome_page_set_context (XpzWelcomePage *self,
                              XpzContext     *context)
{
  g_return_if_fail (XPZ_IS_WELCOME_PAGE (self));
  g_set_object (&self->context, context);
}

static void stack_page_changed_cb (XpzWelcomePage *self);

/* A remembered account starts on its areas, with this page behind them, rarely needed:
 * its widgets are made the first time it is shown or asked for something. */
static void
ensure_built (XpzWelcomePage *self)
{
  if (self->built)
    return;
  self->built = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  adw_status_page_set_icon_name (self->start_page, APP_ID);
  stack_page_changed_cb (self);
}

static void
cancel_pending (XpzWelcomePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

/* Back to the first choice, with nothing typed left behind. */
void
xpz_welcome_page_reset (XpzWelcomePage *self)
{
  g_return_if_fail (XPZ_IS_WELCOME_PAGE (self));

  ensure_built (self);
  cancel_pending (self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_status), FALSE);
  gtk_spinner_set_spinning (self->demo_spinner, FALSE);
  gtk_spinner_set_spinning (self->sign_in_spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "start");
}

static void
stack_page_changed_cb (XpzWelcomePage *self)
{
  gboolean at_start = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "start") == 0;

  gtk_widget_set_visible (self->back_button, !at_start);
  gtk_widget_set_visible (self->cancel_button, at_start && self->can_cancel);
}

/* When another account is signed in already, adding one can be cancelled. */
void
xpz_welcome_page_set_can_cancel (XpzWelcomePage *self,
                                 gboolean        can_cancel)
{
  g_return_if_fail (XPZ_IS_WELCOME_PAGE (self));

  self->can_cancel = can_cancel;
  if (self->built)
    stack_page_changed_cb (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XpzWelcomePage *self = XPZ_WELCOME_PAGE (widget);

  if (self->can_cancel)
    g_signal_emit (self, signals[CANCELLED], 0);
}

static void
set_busy (XpzWelcomePage *self,
          GtkSpinner     *spinner,
          gboolean        busy)
{
  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.enter-demo", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.submit", !busy);
}

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_label (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

/* --- sign in (shared by the demo and the form) ------------------------------------ */

typedef struct
{
  XpzWelcomePage *self;
  GtkSpinner     *spinner;
  GtkLabel       *error_label;
} SignIn;

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SignIn *data = user_data;
  XpzWelcomePage *self = data->self;
  XpzSession *session = XPZ_SESSION (source);
  g_autoptr (GError) error = NULL;

  if (!xpz_session_sign_in_finish (session, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_busy (self, data->spinner, FALSE);
          show_error (data->error_label, error->message);
        }
    }
  else
    {
      set_busy (self, data->spinner, FALSE);
      g_signal_emit (self, signals[SESSION_READY], 0, session);
    }
  g_object_unref (data->self);
  g_free (data);
}

static void
sign_up_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SignIn *data = user_data;
  XpzWelcomePage *self = data->self;
  g_autoptr (GError) error = NULL;

  if (!xpz_session_sign_up_finish (XPZ_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_busy (self, data->spinner, FALSE);
          show_error (data->error_label, error->message);
        }
    }
  else
    {
      set_busy (self, data->spinner, FALSE);
      g_signal_emit (self, signals[SESSION_READY], 0, XPZ_SESSION (source));
    }
  g_object_unref (data->self);
  g_free (data);
}

static void
sign_up_toggled_cb (XpzWelcomePage *self)
{
  gboolean sign_up = gtk_switch_get_active (self->sign_up_switch);
  gboolean recruiter = adw_combo_row_get_selected (self->role_row) == 1;

  gtk_widget_set_visible (GTK_WIDGET (self->name_row), sign_up);
  gtk_widget_set_visible (GTK_WIDGET (self->role_row), sign_up);
  gtk_widget_set_visible (GTK_WIDGET (self->company_row), sign_up && recruiter);
  gtk_button_set_label (self->submit_button, sign_up ? _("_Create Account") : _("_Sign In"));
  /* GTK 4.8 names a relabelled button by its raw label: name it again. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->submit_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sign_up ? _("Create the Account") : _("Sign In to the Platform"),
                                  -1);
}

static void
sign_in (XpzWelcomePage *self,
         const char     *url,
         const char     *email,
         const char     *password,
         GtkSpinner     *spinner,
         GtkLabel       *error_label)
{
  g_autoptr (XpzApiClient) client = NULL;
  g_autoptr (XpzSession) session = NULL;
  g_autoptr (GError) error = NULL;
  SignIn *data;

  gtk_widget_set_visible (GTK_WIDGET (error_label), FALSE);
  client = xpz_api_client_new (url, &error);
  if (client == NULL)
    {
      show_error (error_label, error->message);
      return;
    }

  session = xpz_session_new (client, xpz_context_get_secrets (self->context));
  data = g_new0 (SignIn, 1);
  data->self = g_object_ref (self);
  data->spinner = spinner;
  data->error_label = error_label;
  set_busy (self, spinner, TRUE);
  xpz_session_sign_in_async (session, email, password, self->cancellable, sign_in_cb, data);
}

/* --- the demo --------------------------------------------------------------------- */

static void
demo_started_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (XpzWelcomePage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_demo_platform_start_finish (XPZ_DEMO_PLATFORM (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The demo platform could not start: %s"),
                                                  error->message);
      set_busy (self, self->demo_spinner, FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.enter-demo", FALSE);
      show_error (self->demo_status, message);
      return;
    }
  set_busy (self, self->demo_spinner, FALSE);
  if (self->auto_enter_role != NULL)
    {
      g_autofree char *role = g_steal_pointer (&self->auto_enter_role);
      gtk_widget_activate_action (GTK_WIDGET (self), "welcome.enter-demo", "s", role);
    }
}

static void
demo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XpzWelcomePage *self = XPZ_WELCOME_PAGE (widget);
  XpzDemoPlatform *demo = xpz_context_get_demo_platform (self->context);

  ensure_built (self);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_status), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "demo");
  if (xpz_demo_platform_is_running (demo))
    return;

  set_busy (self, self->demo_spinner, TRUE);
  xpz_demo_platform_start_async (demo, self->cancellable, demo_started_cb, g_object_ref (self));
}

static void
enter_demo_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XpzWelcomePage *self = XPZ_WELCOME_PAGE (widget);
  XpzDemoPlatform *demo = xpz_context_get_demo_platform (self->context);
  const char *role = g_variant_get_string (parameter, NULL);
  const char *email = g_str_equal (role, "employer") ? xpz_demo_platform_get_recruiter_email ()
                                                     : xpz_demo_platform_get_candidate_email ();

  ensure_built (self);
  if (!xpz_demo_platform_is_running (demo))
    return;
  sign_in (self, xpz_demo_platform_get_url (demo), email, xpz_demo_platform_get_password (),
           self->demo_spinner, self->demo_status);
}

/**
 * xpz_welcome_page_enter_demo:
 * @role: "candidate" or "employer"
 *
 * Starts the demo platform and enters it as the demo candidate or recruiter, as
 * `xpertaize-desktop --demo` does.
 */
void
xpz_welcome_page_enter_demo (XpzWelcomePage *self,
                             const char     *role)
{
  XpzDemoPlatform *demo;

  g_return_if_fail (XPZ_IS_WELCOME_PAGE (self));

  ensure_built (self);
  demo = xpz_context_get_demo_platform (self->context);
  gtk_widget_activate_action (GTK_WIDGET (self), "welcome.demo", NULL);
  if (xpz_demo_platform_is_running (demo))
    gtk_widget_activate_action (GTK_WIDGET (self), "welcome.enter-demo", "s", role);
  else
    {
      g_free (self->auto_enter_role);
      self->auto_enter_role = g_strdup (role);
    }
}

/* --- the sign-in form ------------------------------------------------------------- */

static void
sign_in_page_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  XpzWelcomePage *self = XPZ_WELCOME_PAGE (widget);
  g_autofree char *url = g_settings_get_string (xpz_context_get_settings (self->context),
                                                "platform-url");

  ensure_built (self);
  if (*gtk_editable_get_text (GTK_EDITABLE (self->url_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XpzWelcomePage *self = XPZ_WELCOME_PAGE (widget);
  const char *url, *email, *password;

  if (!self->built)
    return;  /* nothing typed in a form never shown */
  url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (*email == '\0' || *password == '\0')
    {
      show_error (self->sign_in_error, _("Enter your email address and your password."));
      return;
    }
  if (gtk_switch_get_active (self->sign_up_switch))
    {
      const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
      gboolean recruiter = adw_combo_row_get_selected (self->role_row) == 1;
      const char *company = gtk_editable_get_text (GTK_EDITABLE (self->company_row));
      g_autoptr (XpzApiClient) client = NULL;
      g_autoptr (XpzSession) session = NULL;
      g_autoptr (GError) error = NULL;
      SignIn *data;

      if (*name == '\0' || (recruiter && *company == '\0'))
        {
          show_error (self->sign_in_error, recruiter ? _("Enter your name and your company.")
                                                     : _("Enter your name."));
          return;
        }
      gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), FALSE);
      client = xpz_api_client_new (url, &error);
      if (client == NULL)
        {
          show_error (self->sign_in_error, error->message);
          return;
        }
      session = xpz_session_new (client, xpz_context_get_secrets (self->context));
      data = g_new0 (SignIn, 1);
      data->self = g_object_ref (self);
      data->spinner = self->sign_in_spinner;
      data->error_label = self->sign_in_error;
      set_busy (self, self->sign_in_spinner, TRUE);
      xpz_session_sign_up_async (session, email, password,
                                 recruiter ? "employer" : "candidate", name,
                                 recruiter ? company : NULL, self->cancellable, sign_up_cb, data);
      return;
    }
  sign_in (self, url, email, password, self->sign_in_spinner, self->sign_in_error);
}

static void
password_activated_cb (XpzWelcomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "welcome.submit", NULL);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  xpz_welcome_page_reset (XPZ_WELCOME_PAGE (widget));
}

/* --- GObject ---------------------------------------------------------------------- */

static void
xpz_welcome_page_dispose (GObject *object)
{
  XpzWelcomePage *self = XPZ_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_pointer (&self->auto_enter_role, g_free);
  if (self->built)
    gtk_widget_dispose_template (GTK_WIDGET (self), XPZ_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (xpz_welcome_page_parent_class)->dispose (object);
}

static void
xpz_welcome_page_map (GtkWidget *widget)
{
  ensure_built (XPZ_WELCOME_PAGE (widget));

  GTK_WIDGET_CLASS (xpz_welcome_page_parent_class)->map (widget);
}

static void
xpz_welcome_page_class_init (XpzWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_welcome_page_dispose;
  widget_class->map = xpz_welcome_page_map;

  /**
   * XpzWelcomePage::session-ready:
   * @session: the signed-in #XpzSession
   */
  signals[SESSION_READY] =
    g_signal_new ("session-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, XPZ_TYPE_SESSION);

  /**
   * XpzWelcomePage::cancelled:
   *
   * The user went back to the account already in use.
   */
  signals[CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, stack);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, back_button);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, start_page);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, demo_spinner);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, demo_status);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, url_row);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, email_row);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, password_row);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, sign_in_error);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, sign_up_switch);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, role_row);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, company_row);
  gtk_widget_class_bind_template_child (widget_class, XpzWelcomePage, submit_button);
  gtk_widget_class_bind_template_callback (widget_class, sign_up_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, stack_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_activated_cb);

  gtk_widget_class_install_action (widget_class, "welcome.demo", NULL, demo_action);
  gtk_widget_class_install_action (widget_class, "welcome.enter-demo", "s", enter_demo_action);
  gtk_widget_class_install_action (widget_class, "welcome.sign-in", NULL, sign_in_page_action);
  gtk_widget_class_install_action (widget_class, "welcome.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "welcome.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "welcome.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "welcome.back", NULL);
}

static void
xpz_welcome_page_init (XpzWelcomePage *self)
{
  self->cancellable = g_cancellable_new ();
}
