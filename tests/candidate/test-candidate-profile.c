/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "xpz-account.h"
#include "xpz-candidate-profile.h"
#include "xpz-platform-server.h"
#include "xpz-platform-test-util.h"
#include "xpz-profile.h"

/* Widget test of the profile editor (R2.1, R2.2) on a real display, against the real
 * platform: inline validation with the validator's own message, the phone kept in E.164,
 * lists reordered, added to and deleted from — each saved locally and sent to the
 * platform. Waiting is on conditions, with a deadline. */

#define DEADLINE_S 30

static XpzPlatformServer *platform;
static XpzApiClient *client;

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* --- finding widgets --------------------------------------------------------------- */

static GtkWidget *
find_widget (GtkWidget  *root,
             gboolean  (*match) (GtkWidget *, const char *),
             const char *text)
{
  if (match (root, text))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, match, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
row_titled (GtkWidget  *w,
            const char *title)
{
  return ADW_IS_PREFERENCES_ROW (w) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0;
}

static gboolean
button_named (GtkWidget  *w,
              const char *name)
{
  return GTK_IS_BUTTON (w) && g_strcmp0 (gtk_widget_get_tooltip_text (w), name) == 0;
}

static gboolean
group_titled (GtkWidget  *w,
              const char *title)
{
  return ADW_IS_PREFERENCES_GROUP (w) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (w)), title) == 0;
}

/* --- the account ------------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  GError   *error;
} Done;

static void
signed_in_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  xpz_session_sign_in_finish (XPZ_SESSION (s), r, &done->error);
  done->done = TRUE;
}

static void
opened_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Done *done = d;

  xpz_account_open_finish (XPZ_ACCOUNT (s), r, &done->error);
  done->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Done *) data)->done;
}

typedef struct
{
  XpzAccount *account;
  GtkWidget  *editor;
  GtkWidget  *window;
} Fixture;

typedef struct
{
  GBytes   *key;
  JsonNode *profile;
} Read;

static gpointer
read_func (XpzStore *store, sqlite3 *db, gpointer data, GCancellable *c, GError **error)
{
  Read *r = data;

  r->profile = xpz_profile_read (db, r->key, NULL, error);
  return r->profile;
}

/* The profile as saved on this computer. */
static JsonNode *
local_profile (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  Read r = { xpz_session_get_at_rest_key (xpz_account_get_session (f->account)), NULL };

  g_assert_nonnull (xpz_store_run_sync (xpz_account_get_store (f->account), FALSE, read_func, &r, &error));
  g_assert_no_error (error);
  return r.profile;
}

typedef struct
{
  gboolean        done;
  XpzApiResponse *response;
  GError         *error;
} Call;

static void
called_cb (GObject *s, GAsyncResult *r, gpointer d)
{
  Call *call = d;

  call->response = xpz_session_call_finish (XPZ_SESSION (s), r, &call->error);
  call->done = TRUE;
}

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

/* The profile as the platform holds it, read by a session of its own. */
static JsonNode *
server_profile (void)
{
  static XpzSession *checker;
  Call call = { FALSE, NULL, NULL };
  JsonNode *node;

  if (checker == NULL)
    {
      g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
      Done done = { FALSE, NULL };

      checker = xpz_session_new (client, secrets);
      xpz_session_sign_in_async (checker, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD,
                                 NULL, signed_in_cb, &done);
      wait_until (is_done, &done, "the checker to sign in");
      g_assert_no_error (done.error);
    }
  xpz_session_call_async (checker, "GET", XPZ_PROFILE_PATH, NULL, NULL, NULL, NULL, called_cb, &call);
  wait_until (call_done, &call, "the platform's profile");
  g_assert_no_error (call.error);
  node = json_node_copy (xpz_api_response_get_body (call.response));
  g_object_unref (call.response);
  return node;
}

static const char *
basics_string (JsonNode   *profile,
               const char *member)
{
  JsonObject *basics = json_object_get_object_member (json_node_get_object (profile), "basics");

  return json_object_get_string_member_with_default (basics, member, NULL);
}

static const char *
work_position (JsonNode *profile,
               guint     index)
{
  JsonArray *work = json_object_get_array_member (json_node_get_object (profile), "work");

  if (index >= json_array_get_length (work))
    return NULL;
  return json_object_get_string_member_with_default (json_array_get_object_element (work, index),
                                                     "position", NULL);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzApiClient) own_client = NULL;
  g_autoptr (XpzSession) session = NULL;
  g_autoptr (GError) error = NULL;
  Done done = { FALSE, NULL };

  own_client = xpz_api_client_new (xpz_platform_server_get_url (platform), &error);
  g_assert_no_error (error);
  session = xpz_session_new (own_client, secrets);
  xpz_session_sign_in_async (session, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD,
                             NULL, signed_in_cb, &done);
  wait_until (is_done, &done, "signing in");
  g_assert_no_error (done.error);

  f->account = xpz_account_new (session);
  done = (Done) { FALSE, NULL };
  xpz_account_open_async (f->account, NULL, opened_cb, &done);
  wait_until (is_done, &done, "the account to open");
  g_assert_no_error (done.error);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 900);
  f->editor = g_object_new (XPZ_TYPE_CANDIDATE_PROFILE, NULL);
  gtk_window_set_child (GTK_WINDOW (f->window), f->editor);
  gtk_window_present (GTK_WINDOW (f->window));
  xpz_candidate_profile_set_account (XPZ_CANDIDATE_PROFILE (f->editor), f->account);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  xpz_account_close (f->account);
  g_clear_object (&f->account);
}

/* --- conditions -------------------------------------------------------------------- */

typedef struct
{
  Fixture    *f;
  const char *text;
  guint       index;
} Expect;

static gboolean
name_loaded (gpointer data)
{
  Expect *e = data;
  GtkWidget *row = find_widget (e->f->editor, row_titled, "Full Name");

  return row != NULL && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), e->text) == 0;
}

static gboolean
local_phone_is (gpointer data)
{
  Expect *e = data;
  g_autoptr (JsonNode) p = local_profile (e->f);

  return g_strcmp0 (basics_string (p, "phone"), e->text) == 0;
}

static gboolean
server_phone_is (gpointer data)
{
  Expect *e = data;
  g_autoptr (JsonNode) p = server_profile ();

  return g_strcmp0 (basics_string (p, "phone"), e->text) == 0;
}

static gboolean
local_work_is (gpointer data)
{
  Expect *e = data;
  g_autoptr (JsonNode) p = local_profile (e->f);

  return g_strcmp0 (work_position (p, e->index), e->text) == 0 && work_position (p, e->index + 1) == NULL;
}

static gboolean
server_work_is (gpointer data)
{
  Expect *e = data;
  g_autoptr (JsonNode) p = server_profile ();

  return g_strcmp0 (work_position (p, e->index), e->text) == 0 && work_position (p, e->index + 1) == NULL;
}

static gboolean
local_first_work_is (gpointer data)
{
  Expect *e = data;
  g_autoptr (JsonNode) p = local_profile (e->f);

  return g_strcmp0 (work_position (p, 0), e->text) == 0;
}

static gboolean
has_skill (JsonNode   *p,
           const char *name)
{
  JsonArray *skills = json_object_get_array_member (json_node_get_object (p), "skills");

  for (guint i = 0; i < json_array_get_length (skills); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (skills, i),
                                                               "name", NULL), name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
server_has_skill (gpointer data)
{
  Expect *e = data;
  g_autoptr (JsonNode) p = server_profile ();

  return has_skill (p, e->text);
}

static gboolean
widget_exists (gpointer data)
{
  Expect *e = data;

  return find_widget (e->f->editor, button_named, e->text) != NULL;
}

static gboolean
row_title_contains (GtkWidget  *w,
                    const char *text)
{
  return ADW_IS_PREFERENCES_ROW (w) &&
         strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), text) != NULL;
}

static void
set_row_text (Fixture    *f,
              GtkWidget  *root,
              const char *title,
              const char *text)
{
  GtkWidget *row = find_widget (root, row_titled, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* A click, as the user makes it (a button in a folded row is not realised, so
 * gtk_widget_activate() would not reach it). */
static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
wait_loaded (Fixture *f)
{
  Expect e = { f, "Yasmine El Idrissi", 0 };

  wait_until (name_loaded, &e, "the profile to load");
}

/* --- tests ------------------------------------------------------------------------- */

static void
test_validation_and_phone (Fixture *f, gconstpointer data)
{
  GtkWidget *contact, *phone;
  const char *description;
  Expect e = { f, "+212661234567", 0 };

  wait_loaded (f);
  contact = find_widget (f->editor, group_titled, "Contact");
  phone = find_widget (f->editor, row_titled, "Phone");
  g_assert_nonnull (contact);

  /* A short number: the validator's own words, next to the field; nothing kept. */
  gtk_editable_set_text (GTK_EDITABLE (phone), "06 61");
  description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (contact));
  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, "Phone: This phone number is too short."));
  g_assert_true (gtk_widget_has_css_class (phone, "error"));

  /* A valid one clears the message and is saved in E.164, here and on the platform. */
  gtk_editable_set_text (GTK_EDITABLE (phone), "06 61 23 45 67");
  description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (contact));
  g_assert_true (description == NULL || *description == '\0');
  g_assert_false (gtk_widget_has_css_class (phone, "error"));
  wait_until (local_phone_is, &e, "the normalised phone number saved locally");
  wait_until (server_phone_is, &e, "the normalised phone number on the platform");
}

static void
test_lists (Fixture *f, gconstpointer data)
{
  GtkWidget *button, *added;
  Expect junior_first = { f, "Développeuse junior", 0 };
  Expect junior_only = { f, "Développeuse junior", 0 };
  Expect skill = { f, "Kubernetes", 0 };
  Expect up = { f, "Move “Développeuse junior” Up", 0 };

  wait_loaded (f);
  wait_until (widget_exists, &up, "the experience list");

  /* Reorder: the second position moves up. */
  button = find_widget (f->editor, button_named, up.text);
  click (button);
  wait_until (local_first_work_is, &junior_first, "the new order saved locally");

  /* Delete: the other entry goes; one is left, here and on the platform. */
  button = find_widget (f->editor, button_named, "Delete “Développeuse Python”");
  click (button);
  wait_until (local_work_is, &junior_only, "the deletion saved locally");
  wait_until (server_work_is, &junior_only, "the deletion on the platform");

  /* Add: a new skill, named in its own row. */
  button = find_widget (f->editor, button_named, "Add Skill");
  click (button);
  added = find_widget (f->editor, row_titled, "New skill");
  g_assert_nonnull (added);
  set_row_text (f, added, "Skill", "Kubernetes");
  wait_until (server_has_skill, &skill, "the new skill on the platform");
}

/* Which missing field stops which factor, said in the profile itself. */
static void
test_completeness_hint (Fixture *f, gconstpointer data)
{
  wait_loaded (f);
  g_assert_null (find_widget (f->editor, row_title_contains, "salary factor"));
  set_row_text (f, f->editor, "Minimum Salary", "");
  set_row_text (f, f->editor, "Maximum Salary", "");
  g_assert_nonnull (find_widget (f->editor, row_title_contains, "salary factor (10 points)"));
  set_row_text (f, f->editor, "Minimum Salary", "20000");
  g_assert_null (find_widget (f->editor, row_title_contains, "salary factor"));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzTestServer) demo = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  demo = xpz_test_demo_server_new ();
  platform = demo->server;
  client = xpz_api_client_new (xpz_platform_server_get_url (platform), &error);
  g_assert_no_error (error);

  /* Each test edits the same demo profile: they run in this order. */
  g_test_add ("/candidate/R2.1/editor/validation-and-phone", Fixture, NULL, fixture_setup,
              test_validation_and_phone, fixture_teardown);
  g_test_add ("/candidate/R2.1/editor/completeness-hint", Fixture, NULL, fixture_setup,
              test_completeness_hint, fixture_teardown);
  g_test_add ("/candidate/R2.2/editor/lists", Fixture, NULL, fixture_setup,
              test_lists, fixture_teardown);
  status = g_test_run ();

  g_clear_object (&client);
  platform = NULL;
  return status;
}
