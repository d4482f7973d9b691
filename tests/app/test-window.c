/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "xpz-application.h"
#include "xpz-paths.h"
#include "xpz-platform-server.h"
#include "xpz-platform-test-util.h"
#include "xpz-sync-indicator.h"
#include "xpz-welcome-page.h"
#include "xpz-window.h"

/* Widget tests of the application shell, on a real display (Xvfb) with the
 * memory GSettings backend. */

typedef struct
{
  XpzApplication *app;
  GSettings      *settings;
} Fixture;

/* One registered application for the whole program, as in the real app, and a real
 * platform (the reference server, seeded with demo data) on loopback. */
static XpzApplication *test_app;
static XpzPlatformServer *platform;

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  if (!xpz_session_sign_in_finish (XPZ_SESSION (source), result, error) && *error == NULL)
    g_assert_not_reached ();
  g_main_context_wakeup (NULL);
  *(gboolean *) g_object_get_data (source, "done") = TRUE;
}

/* A session signed in to the test platform as the demo candidate or recruiter. */
static XpzSession *
sign_in (const char *email)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiClient) client = xpz_api_client_new (xpz_platform_server_get_url (platform),
                                                        &error);
  XpzContext *context = xpz_application_get_context (test_app);
  XpzSession *session;
  gboolean done = FALSE;

  g_assert_no_error (error);
  session = xpz_session_new (client, xpz_context_get_secrets (context));
  g_object_set_data (G_OBJECT (session), "done", &done);
  xpz_session_sign_in_async (session, email, XPZ_PLATFORM_DEMO_PASSWORD, NULL, sign_in_cb,
                             &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_true (xpz_session_get_signed_in (session));
  return session;
}

/* Each test starts with no account signed in. */
static void
forget_sessions (void)
{
  XpzContext *context = xpz_application_get_context (test_app);
  GListModel *sessions = xpz_context_get_sessions (context);

  while (g_list_model_get_n_items (sessions) > 0)
    {
      g_autoptr (XpzSession) session = g_list_model_get_item (sessions, 0);
      xpz_context_remove_session (context, session);
    }
  xpz_context_set_account (context, NULL);
  xpz_context_set_session (context, NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr (XpzSession) session = sign_in (XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL);

  fixture->app = g_object_ref (test_app);
  xpz_context_set_session (xpz_application_get_context (test_app), session);
  fixture->settings = g_object_ref (xpz_application_get_settings (fixture->app));
  g_settings_reset (fixture->settings, "window-width");
  g_settings_reset (fixture->settings, "window-height");
  g_settings_reset (fixture->settings, "window-maximized");
  g_settings_reset (fixture->settings, "last-area");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  GList *windows;

  forget_sessions ();
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app))) != NULL)
    gtk_window_destroy (windows->data);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->app);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
notify_set_flag (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Iterates the default main context until @done becomes TRUE. */
static void
iterate_until (gboolean (*done) (gpointer),
               gpointer   data)
{
  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
}

static GtkWidget *
find_child_of_type (GtkWidget *root,
                    GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child_of_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_areas (Fixture       *fixture,
            gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);

  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "candidate");
  g_assert_true (xpz_window_show_area (window, "employer"));
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "employer");
  g_assert_true (xpz_window_show_area (window, "privacy"));
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "privacy");
  g_assert_false (xpz_window_show_area (window, "nowhere"));
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "privacy");

  /* The keyboard route goes through the same action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "nav.show-area", "s",
                                             "candidate"));
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "candidate");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_state_restored (Fixture       *fixture,
                     gconstpointer  user_data)
{
  XpzWindow *window;
  int width = 0, height = 0;

  g_settings_set_int (fixture->settings, "window-width", 820);
  g_settings_set_int (fixture->settings, "window-height", 610);
  g_settings_set_string (fixture->settings, "last-area", "privacy");

  window = xpz_window_new (fixture->app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 820);
  g_assert_cmpint (height, ==, 610);
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "privacy");

  /* Closing saves what the user left. */
  gtk_window_present (GTK_WINDOW (window));
  xpz_window_show_area (window, "employer");
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-height"), ==, 640);
  g_assert_false (g_settings_get_boolean (fixture->settings, "window-maximized"));
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "last-area"), ==, "employer");
}

static void
test_narrow_folds (Fixture       *fixture,
                   gconstpointer  user_data)
{
  XpzWindow *window;
  AdwLeaflet *leaflet;
  gboolean folded_changed = FALSE;

  g_settings_set_int (fixture->settings, "window-width", 360);
  g_settings_set_int (fixture->settings, "window-height", 640);
  window = xpz_window_new (fixture->app);
  leaflet = ADW_LEAFLET (find_child_of_type (GTK_WIDGET (window), ADW_TYPE_LEAFLET));
  g_assert_nonnull (leaflet);

  g_signal_connect (leaflet, "notify::folded", G_CALLBACK (notify_set_flag), &folded_changed);
  gtk_window_present (GTK_WINDOW (window));
  if (!adw_leaflet_get_folded (leaflet))
    iterate_until (is_true, &folded_changed);

  /* 360 px wide: one pane at a time, starting from the list of areas. */
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_cmpstr (gtk_widget_get_name (adw_leaflet_get_visible_child (leaflet)), ==, "sidebar");

  /* Choosing an area navigates to it; Back returns to the list. */
  xpz_window_show_area (window, "privacy");
  g_assert_cmpstr (gtk_widget_get_name (adw_leaflet_get_visible_child (leaflet)), ==, "content");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "nav.back", NULL));
  g_assert_cmpstr (gtk_widget_get_name (adw_leaflet_get_visible_child (leaflet)), ==, "sidebar");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_shortcuts_window (Fixture       *fixture,
                       gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  GtkShortcutsWindow *overlay;
  g_autofree char *accels = NULL;
  g_auto (GStrv) accel_list = NULL;

  /* made the first time it is asked for, then kept */
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  g_assert_true (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) == overlay);

  accel_list = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app),
                                                      "win.show-help-overlay");
  accels = g_strjoinv (" ", accel_list);
  g_assert_nonnull (strstr (accels, "question"));

  g_strfreev (accel_list);
  accel_list = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app),
                                                      "app.quit");
  g_assert_cmpstr (accel_list[0], ==, "<Control>q");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_about_names_controller (Fixture       *fixture,
                             gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  AdwAboutWindow *about = NULL;
  GListModel *toplevels;

  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);

  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);
      if (ADW_IS_ABOUT_WINDOW (item))
        about = ADW_ABOUT_WINDOW (item);
    }

  g_assert_nonnull (about);
  /* R12.1: the data controller is named in About. */
  g_assert_cmpstr (adw_about_window_get_developer_name (about), ==, "XPERTIZE.MA SARL");
  g_assert_cmpstr (adw_about_window_get_support_url (about), ==, "mailto:info@xpertaize.com");
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_destroy (GTK_WINDOW (about));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_privacy_page_controller (Fixture       *fixture,
                              gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  GtkWidget *privacy;
  gboolean found_email = FALSE, found_address = FALSE;
  GPtrArray *stack = g_ptr_array_new ();

  xpz_window_show_area (window, "privacy");
  privacy = find_child_of_type (GTK_WIDGET (window), g_type_from_name ("XpzPrivacyPage"));
  g_assert_nonnull (privacy);

  /* R12.1: the controller's contact details are in the privacy view. */
  g_ptr_array_add (stack, privacy);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
      if (ADW_IS_ACTION_ROW (w))
        {
          const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (w));
          found_email |= g_strcmp0 (subtitle, "info@xpertaize.com") == 0;
          found_address |= subtitle != NULL && strstr (subtitle, "Casablanca 20190") != NULL;
        }
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_unref (stack);

  g_assert_true (found_email);
  g_assert_true (found_address);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_sign_out (Fixture       *fixture,
               gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  XpzContext *context = xpz_application_get_context (fixture->app);
  GtkStack *stack = GTK_STACK (find_child_of_type (GTK_WIDGET (window), GTK_TYPE_STACK));

  /* Signed in: the main view. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "main");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "account.sign-out", NULL));
  while (xpz_context_get_session (context) != NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Signed out: the welcome page, and nothing to restore. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "account-id"), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_sign_out_erase (Fixture       *fixture,
                     gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  XpzContext *context = xpz_application_get_context (fixture->app);
  g_autofree char *account_id = g_strdup (xpz_session_get_account_id (
                                            xpz_context_get_session (context)));
  g_autofree char *dir = xpz_paths_account_dir (account_id);
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *dialog = NULL;

  g_autoptr (XpzAccount) held = NULL;

  /* The account's own database opens and syncs. */
  gtk_window_present (GTK_WINDOW (window));
  while (xpz_context_get_account (context) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  /* Something else still holds the account, as a page or a sync in flight may: its
   * database must close all the same, before the directory is erased. */
  held = g_object_ref (xpz_context_get_account (context));
  g_assert_true (xpz_store_is_open (xpz_account_get_store (held)));

  /* R7.2: "Sign Out and Erase Local Data", confirmed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "account.sign-out-erase", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (item))
        dialog = ADW_MESSAGE_DIALOG (item);
    }
  g_assert_nonnull (dialog);
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "erase"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (dialog, "erase");

  while (g_file_test (dir, G_FILE_TEST_EXISTS))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (xpz_store_is_open (xpz_account_get_store (held)));
  g_assert_null (xpz_context_get_session (context));
  g_assert_null (xpz_context_get_account (context));
  gtk_window_destroy (GTK_WINDOW (window));
  /* Nothing of it comes back once the last holder lets go. */
  g_clear_object (&held);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static void
api_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  XpzApiResponse **response = user_data;

  *response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, NULL);
  g_assert_nonnull (*response);
}

static gboolean
conflict_rows_are (GtkWidget  *root,
                   guint       expected,
                   GtkWidget **mine_button)
{
  guint rows = 0;
  GPtrArray *stack = g_ptr_array_new ();

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

      if (ADW_IS_ACTION_ROW (w) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)),
                     "Your profile changes") == 0 && gtk_widget_get_visible (w) &&
          gtk_widget_get_visible (gtk_widget_get_parent (w)))
        rows++;
      if (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), "_Mine") == 0 &&
          mine_button != NULL)
        *mine_button = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_unref (stack);
  return rows == expected;
}

static void
test_conflict_shown_and_resolved (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  XpzContext *context = xpz_application_get_context (fixture->app);
  XpzApiClient *client = xpz_session_get_client (xpz_context_get_session (context));
  XpzApiResponse *profile = NULL;
  GtkWidget *indicator, *popover, *mine = NULL;
  XpzSyncEngine *engine;

  gtk_window_present (GTK_WINDOW (window));
  while (xpz_context_get_account (context) == NULL)
    g_main_context_iteration (NULL, TRUE);
  engine = xpz_account_get_engine (xpz_context_get_account (context));

  /* B3/R8.2: an edit made against a copy the platform no longer has. */
  xpz_api_client_call_async (client, "GET", "/api/v1/me/profile", NULL, NULL, NULL, NULL,
                             api_cb, &profile);
  while (profile == NULL)
    g_main_context_iteration (NULL, TRUE);
  xpz_sync_engine_enqueue_async (engine, "PUT", "/api/v1/me/profile",
                                 xpz_api_response_get_body (profile), "\"stale\"", NULL, NULL,
                                 NULL, NULL);
  g_clear_object (&profile);
  while (xpz_sync_engine_get_state (engine) != XPZ_SYNC_STATE_NEEDS_ATTENTION)
    g_main_context_iteration (NULL, TRUE);

  /* The header bar's popover says so and offers the choice … */
  indicator = find_child_of_type (GTK_WIDGET (window), XPZ_TYPE_SYNC_INDICATOR);
  g_assert_nonnull (indicator);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (
              GTK_MENU_BUTTON (find_child_of_type (indicator, GTK_TYPE_MENU_BUTTON))));
  while (!conflict_rows_are (popover, 1, &mine))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (mine);

  /* … and "Mine" sends it again: nothing needs the user any more. */
  g_signal_emit_by_name (mine, "clicked");
  while (xpz_sync_engine_get_state (engine) != XPZ_SYNC_STATE_UP_TO_DATE ||
         !conflict_rows_are (popover, 0, NULL))
    g_main_context_iteration (NULL, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
}

static XpzApiResponse *
call (XpzApiClient *client,
      const char   *method,
      const char   *path,
      JsonNode     *body)
{
  XpzApiResponse *response = NULL;

  xpz_api_client_call_async (client, method, path, body, NULL, NULL, NULL, api_cb, &response);
  while (response == NULL)
    g_main_context_iteration (NULL, TRUE);
  return response;
}

static void
test_sign_in_again (Fixture       *fixture,
                    gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  XpzContext *context = xpz_application_get_context (fixture->app);
  XpzSession *first = xpz_context_get_session (context);
  g_autoptr (XpzApiResponse) privacy = NULL;
  g_autoptr (XpzApiResponse) ended = NULL;
  g_autoptr (XpzSession) again = NULL;
  GtkWidget *welcome = find_child_of_type (GTK_WIDGET (window), XPZ_TYPE_WELCOME_PAGE);
  XpzSyncEngine *engine;
  gboolean analytics = FALSE;

  gtk_window_present (GTK_WINDOW (window));
  while (xpz_context_get_account (context) == NULL)
    g_main_context_iteration (NULL, TRUE);
  engine = xpz_account_get_engine (xpz_context_get_account (context));

  /* Every session of the account ends (signed out everywhere, elsewhere) … */
  privacy = call (xpz_session_get_client (first), "GET", "/api/v1/me/privacy", NULL);
  json_object_set_boolean_member (xpz_api_response_get_object (privacy), "analytics", TRUE);
  ended = call (xpz_session_get_client (first), "DELETE", "/api/v1/sessions", NULL);
  g_assert_cmpuint (xpz_api_response_get_status (ended), ==, 204);

  /* … then a change is made here: sync pauses and asks, and keeps the change. */
  xpz_sync_engine_enqueue_async (engine, "PUT", "/api/v1/me/privacy",
                                 xpz_api_response_get_body (privacy), NULL, NULL, NULL, NULL,
                                 NULL);
  while (xpz_sync_engine_get_state (engine) != XPZ_SYNC_STATE_NEEDS_SIGN_IN)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "account.add", NULL));

  /* Signing in again replaces the ended session, and the kept change goes out. */
  again = sign_in (XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL);
  g_signal_emit_by_name (welcome, "session-ready", again);
  g_assert_cmpuint (g_list_model_get_n_items (xpz_context_get_sessions (context)), ==, 1);
  g_assert_true (xpz_context_get_session (context) == again);
  while (!analytics)
    {
      g_autoptr (XpzApiResponse) now = call (xpz_session_get_client (again), "GET",
                                             "/api/v1/me/privacy", NULL);
      analytics = json_object_get_boolean_member (xpz_api_response_get_object (now),
                                                  "analytics");
      if (!analytics)
        g_main_context_iteration (NULL, TRUE);
    }
  /* Put it back for the other tests. */
  json_object_set_boolean_member (xpz_api_response_get_object (privacy), "analytics", FALSE);
  g_clear_object (&ended);
  ended = call (xpz_session_get_client (again), "PUT", "/api/v1/me/privacy",
                xpz_api_response_get_body (privacy));
  g_assert_cmpuint (xpz_api_response_get_status (ended), ==, 200);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
find_label_containing (GtkWidget  *root,
                       const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    if (find_label_containing (c, text))
      return TRUE;
  return FALSE;
}

static void
test_no_keyring_says_why (void)
{
  g_autoptr (XpzSession) session = sign_in (XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL);
  XpzWindow *window;

  /* R9.1: without a Secret Service the session works, is not remembered, and the
   * window says so in plain words. */
  g_assert_false (xpz_session_get_remembered (session));
  window = xpz_window_new (test_app);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_emit_by_name (find_child_of_type (GTK_WIDGET (window), XPZ_TYPE_WELCOME_PAGE),
                         "session-ready", session);
  while (!find_label_containing (GTK_WIDGET (window), "for this session only"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (g_settings_get_string (xpz_application_get_settings (test_app), "account-id"),
                   ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
  forget_sessions ();
}

static void
wrong_password_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (xpz_session_sign_in_finish (XPZ_SESSION (source), result, error));
}

static void
test_wrong_password (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiClient) client = xpz_api_client_new (xpz_platform_server_get_url (platform),
                                                        &error);
  g_autoptr (XpzSession) session = NULL;

  g_assert_no_error (error);
  session = xpz_session_new (client, xpz_context_get_secrets (xpz_application_get_context (test_app)));
  xpz_session_sign_in_async (session, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, "not-the-password",
                             NULL, wrong_password_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED);
  g_assert_false (xpz_session_get_signed_in (session));
}

static void
test_employer_area (void)
{
  g_autoptr (XpzSession) session = sign_in (XPZ_PLATFORM_DEMO_RECRUITER_EMAIL);
  XpzContext *context = xpz_application_get_context (test_app);
  XpzWindow *window;

  g_assert_cmpstr (xpz_session_get_role (session), ==, "employer");
  window = xpz_window_new (test_app);
  /* Not signed in: the welcome page; signing in as a recruiter opens the Employer area. */
  g_assert_null (xpz_context_get_session (context));
  g_signal_emit_by_name (find_child_of_type (GTK_WIDGET (window), XPZ_TYPE_WELCOME_PAGE),
                         "session-ready", session);
  g_assert_true (xpz_context_get_session (context) == session);
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "employer");
  gtk_window_destroy (GTK_WINDOW (window));
  forget_sessions ();
  g_settings_reset (xpz_application_get_settings (test_app), "account-id");
}

static void
test_switch_accounts (Fixture       *fixture,
                      gconstpointer  user_data)
{
  XpzWindow *window = xpz_window_new (fixture->app);
  XpzContext *context = xpz_application_get_context (fixture->app);
  XpzSession *candidate = xpz_context_get_session (context);
  g_autoptr (XpzSession) recruiter = sign_in (XPZ_PLATFORM_DEMO_RECRUITER_EMAIL);
  GtkWidget *welcome = find_child_of_type (GTK_WIDGET (window), XPZ_TYPE_WELCOME_PAGE);
  GtkStack *stack = GTK_STACK (find_child_of_type (GTK_WIDGET (window), GTK_TYPE_STACK));

  g_assert_cmpuint (g_list_model_get_n_items (xpz_context_get_sessions (context)), ==, 1);

  /* Adding an account can be cancelled: back to the one in use. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "account.add", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");
  g_signal_emit_by_name (welcome, "cancelled");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "main");
  g_assert_true (xpz_context_get_session (context) == candidate);

  /* A second account, signed in beside the first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "account.add", NULL));
  g_signal_emit_by_name (welcome, "session-ready", recruiter);
  g_assert_cmpuint (g_list_model_get_n_items (xpz_context_get_sessions (context)), ==, 2);
  g_assert_true (xpz_context_get_session (context) == recruiter);
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "employer");

  /* Switching is one click … */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "account.switch", "u", 0));
  g_assert_true (xpz_context_get_session (context) == candidate);
  g_assert_cmpstr (xpz_window_get_visible_area (window), ==, "candidate");

  /* … and signing one out leaves the other signed in. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "account.sign-out", NULL));
  while (xpz_context_get_session (context) != recruiter)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (xpz_context_get_sessions (context)), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "main");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzTestServer) demo = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  test_app = xpz_application_new ();
  g_application_register (G_APPLICATION (test_app), NULL, &error);
  g_assert_no_error (error);

  demo = xpz_test_demo_server_new ();
  platform = demo->server;

  g_test_add ("/app/window/areas", Fixture, NULL, fixture_setup, test_areas, fixture_teardown);
  g_test_add ("/app/window/state-restored", Fixture, NULL,
              fixture_setup, test_state_restored, fixture_teardown);
  g_test_add ("/app/window/narrow-360-folds", Fixture, NULL,
              fixture_setup, test_narrow_folds, fixture_teardown);
  g_test_add ("/app/window/shortcuts-window", Fixture, NULL,
              fixture_setup, test_shortcuts_window, fixture_teardown);
  g_test_add ("/app/about/R12.1/names-controller", Fixture, NULL,
              fixture_setup, test_about_names_controller, fixture_teardown);
  g_test_add ("/app/privacy/R12.1/controller-contact", Fixture, NULL,
              fixture_setup, test_privacy_page_controller, fixture_teardown);

  g_test_add ("/app/welcome/sign-out-returns-to-welcome", Fixture, NULL,
              fixture_setup, test_sign_out, fixture_teardown);
  g_test_add_func ("/app/welcome/R9.1/wrong-password-says-so", test_wrong_password);
  /* The app-window-no-keyring test runs this program in a session with no Secret
   * Service: there, this test instead of the others. */
  if (g_getenv ("XPZ_TEST_NO_KEYRING") != NULL)
    g_test_add_func ("/app/welcome/R9.1/no-keyring-signed-in-for-this-session-only",
                     test_no_keyring_says_why);
  g_test_add ("/app/account/switch-between-two-signed-in-accounts", Fixture, NULL,
              fixture_setup, test_switch_accounts, fixture_teardown);
  g_test_add ("/app/sync/B3/session-ended-sign-in-again-nothing-dropped", Fixture, NULL,
              fixture_setup, test_sign_in_again, fixture_teardown);
  g_test_add ("/app/sync/B3/conflict-shown-and-resolved", Fixture, NULL,
              fixture_setup, test_conflict_shown_and_resolved, fixture_teardown);
  g_test_add ("/app/account/R7.2/sign-out-and-erase-leaves-no-local-data", Fixture, NULL,
              fixture_setup, test_sign_out_erase, fixture_teardown);
  g_test_add_func ("/app/window/employer-starts-in-employer-area", test_employer_area);

  status = g_test_run ();
  platform = NULL;
  g_clear_object (&test_app);
  return status;
}
