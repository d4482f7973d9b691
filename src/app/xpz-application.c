/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-application"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-application.h"
#include "xpz-window.h"

struct _XpzApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  XpzContext     *context;
  char           *demo_role;   /* --demo: enter the built-in demo at once */
};

G_DEFINE_FINAL_TYPE (XpzApplication, xpz_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

XpzApplication *
xpz_application_new (void)
{
  return g_object_new (XPZ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The Devel profile shares the resources of the stable one. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * xpz_application_get_settings:
 *
 * Returns: (transfer none): the application's #GSettings
 */
GSettings *
xpz_application_get_settings (XpzApplication *self)
{
  g_return_val_if_fail (XPZ_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * xpz_application_get_context:
 *
 * Returns: (transfer none): what the application's objects share
 */
XpzContext *
xpz_application_get_context (XpzApplication *self)
{
  g_return_val_if_fail (XPZ_IS_APPLICATION (self), NULL);

  return self->context;
}

static void
first_frame_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  XpzApplication *self = user_data;

  /* Read by build-aux/bench: the monotonic clock is shared with the process that
   * started this one, so it can tell the time from spawn to first frame. */
  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, user_data);
  g_application_quit (G_APPLICATION (self));
}

static void
window_realized_for_bench_cb (GtkWidget *window,
                              gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_cb), user_data);
}

static void
xpz_application_activate (GApplication *app)
{
  XpzApplication *self = XPZ_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      window = GTK_WINDOW (xpz_window_new (self));
      if (self->demo_role != NULL && xpz_context_get_session (self->context) == NULL)
        xpz_window_enter_demo (XPZ_WINDOW (window), self->demo_role);
      /* XPZ_BENCH_FIRST_FRAME=1: print when the first frame is painted, then quit. */
      if (g_getenv ("XPZ_BENCH_FIRST_FRAME") != NULL)
        g_signal_connect (window, "realize", G_CALLBACK (window_realized_for_bench_cb), self);
    }

  gtk_window_present (window);
}

static void
xpz_application_about_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  XpzApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "XpertAIze Desktop contributors", NULL };
  g_autofree char *controller = NULL;
  GtkWidget *about;

  controller = g_strdup_printf (_("The data controller for the XpertAIze platform is %s, %s.\n"
                                  "Email: %s\n"
                                  "Phone: %s\n"
                                  "To exercise your rights under Moroccan Law No. 09-08 "
                                  "(access, rectification, deletion, objection, portability), "
                                  "contact the data controller or use the Privacy area."),
                                CONTROLLER_NAME, CONTROLLER_ADDRESS,
                                CONTROLLER_EMAIL, CONTROLLER_PHONE);

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("XpertAIze"),
                        "application-icon", APP_ID,
                        "developer-name", CONTROLLER_NAME,
                        "version", PACKAGE_VERSION,
                        "website", "https://xpertaize.com",
                        "support-url", "mailto:" CONTROLLER_EMAIL,
                        "developers", developers,
                        "copyright", _("© 2026 XPERTIZE.MA SARL"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "comments", _("Recruitment matching that keeps you in control of who sees "
                                      "your data."),
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Data Controller"),
                                      NULL,
                                      GTK_LICENSE_CUSTOM,
                                      controller);
  gtk_window_present (GTK_WINDOW (about));
}

static void
xpz_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  XpzApplication *self = user_data;
  g_autoptr (GList) windows = NULL;

  /* Close windows rather than quitting outright, so that they save their state;
   * the application exits when the last one is gone. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

/* From a notification: the window, at the area the notification is about. */
static void
xpz_application_show_area_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  XpzApplication *self = user_data;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (XPZ_IS_WINDOW (window))
    xpz_window_show_area (XPZ_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { "about", xpz_application_about_action },
  { "quit", xpz_application_quit_action },
  { "show-area", xpz_application_show_area_action, "s" },
};

static void
load_icon_theme_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  /* Any lookup loads the theme; GtkIconTheme allows lookups from other threads once
   * it is set up on the main thread. */
  gtk_icon_theme_has_icon (GTK_ICON_THEME (source_object), "xpz-sync-ok-symbolic");
  g_task_return_boolean (task, TRUE);
}

/* GTK starts reading the icon theme in a thread when the display opens, but each
 * resource path added after that (GtkApplication's, then libadwaita's) throws it away,
 * and the first icon of the window would read it all again on the main thread (about
 * 7 ms: the theme index files and every resource directory). Read once more in a
 * thread, now that the paths are final, while the main thread builds the window. */
static void
load_icon_theme_in_thread (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_autoptr (GTask) task = g_task_new (theme, NULL, NULL, NULL);

  g_task_set_source_tag (task, load_icon_theme_in_thread);
  g_task_run_in_thread (task, load_icon_theme_thread);
}

static void
xpz_application_startup (GApplication *app)
{
  XpzApplication *self = XPZ_APPLICATION (app);

  G_APPLICATION_CLASS (xpz_application_parent_class)->startup (app);
  load_icon_theme_in_thread ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
  /* the shortcuts window is made by the window on first use (see XpzWindow) */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", NULL });
}

static void
xpz_application_shutdown (GApplication *app)
{
  XpzApplication *self = XPZ_APPLICATION (app);

  /* Stops the demo platform's thread and cancels what the session had in flight. */
  if (self->context != NULL)
    g_object_run_dispose (G_OBJECT (self->context));

  G_APPLICATION_CLASS (xpz_application_parent_class)->shutdown (app);
}

static int
xpz_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  XpzApplication *self = XPZ_APPLICATION (app);
  const char *role = NULL;

  if (g_variant_dict_lookup (options, "demo", "&s", &role))
    {
      if (!g_str_equal (role, "candidate") && !g_str_equal (role, "recruiter"))
        {
          g_printerr (_("--demo takes “candidate” or “recruiter”\n"));
          return 1;
        }
      g_free (self->demo_role);
      self->demo_role = g_strdup (g_str_equal (role, "recruiter") ? "employer" : "candidate");
    }
  return -1;
}

static void
xpz_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XpzApplication *self = XPZ_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_application_dispose (GObject *object)
{
  XpzApplication *self = XPZ_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->demo_role, g_free);

  G_OBJECT_CLASS (xpz_application_parent_class)->dispose (object);
}

static void
xpz_application_class_init (XpzApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = xpz_application_get_property;
  object_class->dispose = xpz_application_dispose;

  app_class->activate = xpz_application_activate;
  app_class->startup = xpz_application_startup;
  app_class->handle_local_options = xpz_application_handle_local_options;
  app_class->shutdown = xpz_application_shutdown;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_application_init (XpzApplication *self)
{
  self->settings = g_settings_new (BASE_APP_ID);
  self->context = xpz_context_new (self->settings);

  g_application_add_main_option (G_APPLICATION (self), "demo", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING,
                                 _("Start in the built-in demo, as the demo candidate or "
                                   "recruiter"),
                                 _("candidate|recruiter"));
}
