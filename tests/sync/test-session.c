/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xpz-platform-server.h"
#include "xpz-platform-test-util.h"
#include "xpz-session.h"

/* Signing in, remembering and restoring sessions (R9.1), against the real platform on
 * loopback and the real Secret Service of the test session (or none, when the test runs
 * with XPZ_TEST_NO_KEYRING=1). */

static XpzPlatformServer *platform;
static XpzTestServer *demo_server;

static gboolean
have_keyring (void)
{
  return g_getenv ("XPZ_TEST_NO_KEYRING") == NULL;
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} Wait;

#define RUN(call, w)                                                             \
  G_STMT_START {                                                                 \
    memset ((w), 0, sizeof *(w));                                                \
    call;                                                                        \
    while (!(w)->done)                                                           \
      g_main_context_iteration (NULL, TRUE);                                     \
  } G_STMT_END

static void
sign_in_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_session_sign_in_finish (XPZ_SESSION (s), r, &w->error);
  w->done = TRUE;
}

static void
restore_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_session_restore_finish (XPZ_SESSION (s), r, &w->error);
  w->done = TRUE;
}

static void
sign_out_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_session_sign_out_finish (XPZ_SESSION (s), r, &w->error);
  w->done = TRUE;
}

static void
sign_up_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_session_sign_up_finish (XPZ_SESSION (s), r, &w->error);
  w->done = TRUE;
}

static XpzSession *
new_session (XpzSecrets *secrets)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiClient) client = xpz_api_client_new (xpz_platform_server_get_url (platform),
                                                        &error);

  g_assert_no_error (error);
  return xpz_session_new (client, secrets);
}

/* Every byte of every file under @dir, searched for @needle. */
static gboolean
dir_contains (const char *dir,
              const char *needle)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (dir_contains (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, &len, NULL) &&
               memmem (contents, len, needle, strlen (needle)) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_sign_in_and_restore (void)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) session = new_session (secrets);
  g_autoptr (XpzSession) restored = NULL;
  g_autofree char *account_id = NULL;
  Wait w;

  RUN (xpz_session_sign_in_async (session, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL,
                                  XPZ_PLATFORM_DEMO_PASSWORD, NULL, sign_in_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_true (xpz_session_get_signed_in (session));
  g_assert_cmpstr (xpz_session_get_role (session), ==, "candidate");
  g_assert_nonnull (xpz_session_get_account_id (session));
  g_assert_true (xpz_session_get_remembered (session));
  g_assert_null (xpz_session_get_remember_error (session));
  g_assert_cmpuint (g_bytes_get_size (xpz_session_get_at_rest_key (session)), ==, 32);
  account_id = g_strdup (xpz_session_get_account_id (session));

  /* The next start: a new session object comes back from the keyring, no password. */
  restored = new_session (secrets);
  RUN (xpz_session_restore_async (restored, account_id, "candidate", NULL, restore_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_true (xpz_session_get_signed_in (restored));
  g_assert_cmpstr (xpz_session_get_display_name (restored), ==,
                   xpz_session_get_display_name (session));
  /* The same at-rest key, so the account's local data stays readable. */
  g_assert_true (g_bytes_equal (xpz_session_get_at_rest_key (session),
                                xpz_session_get_at_rest_key (restored)));

  /* Signing out removes the secret: nothing to restore any more. */
  RUN (xpz_session_sign_out_async (restored, FALSE, NULL, sign_out_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_false (xpz_session_get_signed_in (restored));
  g_clear_object (&restored);
  restored = new_session (secrets);
  RUN (xpz_session_restore_async (restored, account_id, "candidate", NULL, restore_done, &w), &w);
  g_assert_error (w.error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NOT_FOUND);
  g_clear_error (&w.error);
}

static void
test_sign_up (void)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) session = new_session (secrets);
  g_autoptr (XpzSession) again = new_session (secrets);
  Wait w;

  RUN (xpz_session_sign_up_async (session, "new.recruiter@atlas.ma", "long-enough-pw",
                                  "employer", "Nadia Alaoui", "Atlas Conseil", NULL,
                                  sign_up_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_true (xpz_session_get_signed_in (session));
  g_assert_cmpstr (xpz_session_get_role (session), ==, "employer");
  g_assert_cmpstr (xpz_session_get_display_name (session), ==, "Nadia Alaoui");

  /* The same email again: the platform's answer is the one of a free address (no
   * oracle, R2.1), the sign-in after it is refused and said plainly; nobody is
   * signed in. */
  RUN (xpz_session_sign_up_async (again, "new.recruiter@atlas.ma", "another-password",
                                  "candidate", "Someone Else", NULL, NULL, sign_up_done, &w), &w);
  g_assert_error (w.error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED);
  g_assert_false (xpz_session_get_signed_in (again));
  g_clear_error (&w.error);
}

static void
test_expired_token_refreshed (void)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) session = new_session (secrets);
  g_autoptr (XpzSession) restored = NULL;
  gint64 now = xpz_platform_server_get_now (platform);
  Wait w;

  RUN (xpz_session_sign_in_async (session, XPZ_PLATFORM_DEMO_RECRUITER_EMAIL,
                                  XPZ_PLATFORM_DEMO_PASSWORD, NULL, sign_in_done, &w), &w);
  g_assert_no_error (w.error);

  /* Two hours later the access token has expired on the platform; the refresh token has
   * not: restoring refreshes without asking for the password. */
  xpz_platform_server_set_now (platform, now + 2 * 3600);
  restored = new_session (secrets);
  RUN (xpz_session_restore_async (restored, xpz_session_get_account_id (session), "employer",
                                  NULL, restore_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_true (xpz_session_get_signed_in (restored));
  g_assert_cmpstr (xpz_session_get_role (restored), ==, "employer");

  /* Sixty days later even the refresh token has expired: sign in again. */
  g_clear_object (&restored);
  xpz_platform_server_set_now (platform, now + 60 * 24 * 3600);
  restored = new_session (secrets);
  RUN (xpz_session_restore_async (restored, xpz_session_get_account_id (session), "employer",
                                  NULL, restore_done, &w), &w);
  g_assert_error (w.error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED);
  g_assert_false (xpz_session_get_signed_in (restored));
  g_clear_error (&w.error);
  xpz_platform_server_set_now (platform, 0);
}

/* Restored from the keyring while the platform is out of reach: signed in on the local
 * data, and remembered (the app must not say "for this session only"). */
static void
test_restore_offline_remembered (void)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) session = new_session (secrets);
  g_autoptr (XpzSession) restored = NULL;
  g_autoptr (GError) error = NULL;
  Wait w;

  RUN (xpz_session_sign_in_async (session, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL,
                                  XPZ_PLATFORM_DEMO_PASSWORD, NULL, sign_in_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_true (xpz_platform_server_set_faults (platform, "GET /api/v1/me=drop*1", &error));
  g_assert_no_error (error);

  restored = new_session (secrets);
  RUN (xpz_session_restore_async (restored, xpz_session_get_account_id (session), "candidate",
                                  NULL, restore_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_true (xpz_session_get_signed_in (restored));
  g_assert_true (xpz_session_get_remembered (restored));
  g_assert_null (xpz_session_get_remember_error (restored));
  g_assert_true (xpz_platform_server_set_faults (platform, NULL, &error));
}

static void
test_no_secret_service (void)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) session = new_session (secrets);
  const char *dirs[] = { g_get_home_dir (), g_get_user_data_dir (), g_get_user_config_dir (),
                         g_get_user_cache_dir (), g_get_user_state_dir (), NULL };
  Wait w;

  RUN (xpz_session_sign_in_async (session, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL,
                                  XPZ_PLATFORM_DEMO_PASSWORD, NULL, sign_in_done, &w), &w);
  /* The session works, for this run only, and says why. */
  g_assert_no_error (w.error);
  g_assert_true (xpz_session_get_signed_in (session));
  g_assert_false (xpz_session_get_remembered (session));
  g_assert_nonnull (xpz_session_get_remember_error (session));
  g_assert_true (xpz_session_get_remember_error (session)->domain == XPZ_SECRETS_ERROR);

  /* R9.1: never a plaintext fallback — the access token is in no file. */
  g_assert_nonnull (xpz_session_get_at_rest_key (session));
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_assert_false (dir_contains (dirs[i], "refresh_token"));
      g_assert_false (dir_contains (dirs[i], "access_token"));
    }
}

static void
refresh_done (GObject *s, GAsyncResult *r, gpointer d)
{
  Wait *w = d;
  w->ok = xpz_session_refresh_account_finish (XPZ_SESSION (s), r, &w->error);
  w->done = TRUE;
}

static void
count_notify (guint *count)
{
  (*count)++;
}

/* R5.1: an employer's session knows whether its organisation is verified (the employer
 * area says why candidates stay anonymous until then), and learns when an operator
 * verifies it; signing out forgets it. */
static void
test_employer_verification (void)
{
  g_autoptr (XpzSecrets) secrets = xpz_secrets_new ();
  g_autoptr (XpzSession) session = new_session (secrets);
  g_autoptr (XpzSession) free_mail = new_session (secrets);
  guint notified = 0;
  Wait w;

  RUN (xpz_session_sign_up_async (session, "rh@verif-conseil.ma", "long-enough-pw",
                                  "employer", "Omar Tazi", "Verif Conseil", NULL,
                                  sign_up_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_cmpstr (xpz_session_get_verification (session), ==, "unverified");
  g_assert_cmpstr (xpz_session_get_verification_domain (session), ==, "verif-conseil.ma");
  g_assert_false (xpz_session_get_verification_free_mail (session));

  g_signal_connect_swapped (session, "notify::verification", G_CALLBACK (count_notify), &notified);
  xpz_test_verify_employer (demo_server, "rh@verif-conseil.ma");
  RUN (xpz_session_refresh_account_async (session, NULL, refresh_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_cmpstr (xpz_session_get_verification (session), ==, "verified");
  g_assert_cmpuint (notified, ==, 1);

  RUN (xpz_session_sign_up_async (free_mail, "free.mail.recruiter@gmail.com", "long-enough-pw",
                                  "employer", "Free Mail", "Somewhere", NULL, sign_up_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_cmpstr (xpz_session_get_verification (free_mail), ==, "unverified");
  g_assert_true (xpz_session_get_verification_free_mail (free_mail));

  RUN (xpz_session_sign_out_async (session, FALSE, NULL, sign_out_done, &w), &w);
  g_assert_no_error (w.error);
  g_assert_null (xpz_session_get_verification (session));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (XpzTestServer) demo = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  demo = xpz_test_demo_server_new ();
  platform = demo->server;
  demo_server = demo;

  if (have_keyring ())
    {
      g_test_add_func ("/session/R9.1/sign-in-remembered-and-restored", test_sign_in_and_restore);
      g_test_add_func ("/session/expired-token-refreshed", test_expired_token_refreshed);
      g_test_add_func ("/session/R9.1/restored-offline-is-remembered", test_restore_offline_remembered);
      g_test_add_func ("/session/sign-up-then-signed-in", test_sign_up);
      g_test_add_func ("/session/R5.1/employer-verification-known-and-refreshed", test_employer_verification);
    }
  else
    g_test_add_func ("/session/R9.1/no-secret-service-not-remembered-no-plaintext",
                     test_no_secret_service);

  status = g_test_run ();
  platform = NULL;
  return status;
}
