/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "sync-test-util.h"
#include "xpz-api-response.h"
#include "xpz-crypto.h"
#include "xpz-document-type.h"
#include "xpz-platform-server.h"
#include "xpz-profile.h"
#include "xpz-sync-engine.h"
#include "xpz-validate.h"

/* The candidate's side of the core: documents recognised by content (R2.3), the
 * profile's completeness hints, and the profile's round trip — saved locally, queued,
 * sent with If-Match, pulled back from the change feed — against the real platform. */

typedef XpzTestWait Wait;

/* --- documents ---------------------------------------------------------------------- */

/* A minimal ZIP local file header for an entry @name holding @data (stored). */
static GByteArray *
zip_with (const char *name,
          const char *data)
{
  GByteArray *zip = g_byte_array_new ();
  guint8 header[30] = { 'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0 };
  guint32 size = (guint32) strlen (data);
  guint16 n = (guint16) strlen (name);

  header[18] = size & 0xff;
  header[19] = (size >> 8) & 0xff;
  header[22] = size & 0xff;
  header[23] = (size >> 8) & 0xff;
  header[26] = n & 0xff;
  header[27] = n >> 8;
  g_byte_array_append (zip, header, sizeof header);
  g_byte_array_append (zip, (const guint8 *) name, n);
  g_byte_array_append (zip, (const guint8 *) data, size);
  return zip;
}

static void
test_document_sniff (void)
{
  static const char pdf[] = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
  static const char text[] = "Curriculum vitae\nYasmine El Idrissi\nDéveloppeuse Python\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) odt = zip_with ("mimetype", "application/vnd.oasis.opendocument.text");
  g_autoptr (GByteArray) docx = NULL;
  g_autoptr (GByteArray) other_zip = zip_with ("notes/readme.txt", "hello");
  g_autofree guint8 *huge = NULL;
  const char *type;

  type = xpz_document_sniff ((const guint8 *) pdf, sizeof pdf - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "application/pdf");

  type = xpz_document_sniff (odt->data, odt->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "application/vnd.oasis.opendocument.text");

  /* A Word document: [Content_Types].xml first, word/document.xml after it. */
  docx = zip_with ("[Content_Types].xml", "<Types/>");
  {
    g_autoptr (GByteArray) second = zip_with ("word/document.xml", "<w:document/>");
    g_byte_array_append (docx, second->data, second->len);
  }
  type = xpz_document_sniff (docx->data, docx->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

  /* A text file renamed cv.pdf is text: the name is never looked at. */
  type = xpz_document_sniff ((const guint8 *) text, sizeof text - 1, &error);
  g_assert_error (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_UNSUPPORTED);
  g_assert_null (type);
  g_clear_error (&error);

  /* Any other ZIP is not a document. */
  type = xpz_document_sniff (other_zip->data, other_zip->len, &error);
  g_assert_error (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Empty, too large, and exactly the limit. */
  type = xpz_document_sniff ((const guint8 *) "", 0, &error);
  g_assert_error (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_EMPTY);
  g_clear_error (&error);
  huge = g_malloc0 (XPZ_DOCUMENT_MAX_SIZE + 1);
  memcpy (huge, pdf, sizeof pdf - 1);
  type = xpz_document_sniff (huge, XPZ_DOCUMENT_MAX_SIZE + 1, &error);
  g_assert_error (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "8 MiB"));
  g_clear_error (&error);
  /* Exactly the limit is fine. */
  type = xpz_document_sniff (huge, XPZ_DOCUMENT_MAX_SIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "application/pdf");
}

/* --- completeness and validation ---------------------------------------------------- */

static gboolean
hints_mention (GPtrArray  *hints,
               const char *word)
{
  for (guint i = 0; i < hints->len; i++)
    if (strstr (g_ptr_array_index (hints, i), word) != NULL)
      return TRUE;
  return FALSE;
}

/* What a viewer is handed (the candidate's own CV, or one an employer opens): a private
 * copy named after what its content is, and nothing that is not a document. Issue #14 §5
 * (R3.4 security): the name a candidate gave never reaches the employer's file system,
 * where the desktop would pick a viewer by it. */
static void
test_document_private_copy (void)
{
  static const char pdf[] = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
  static const char text[] = "#!/bin/sh\necho this is no CV\n";
  /* a minimal OpenDocument text: its first entry "mimetype", stored */
  static const char odt[] = "PK\003\004\024\000\000\000\000\000\000\000\000\000\000\000\000\000"
                            "\047\000\000\000\047\000\000\000\010\000\000\000"
                            "mimetypeapplication/vnd.oasis.opendocument.text";
  g_autoptr (GBytes) document = g_bytes_new_static (pdf, sizeof pdf - 1);
  g_autoptr (GBytes) script = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr (GBytes) opendocument = g_bytes_new_static (odt, sizeof odt - 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *odt_path = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *read = NULL;
  g_autofree char *base = NULL;
  g_autofree char *odt_base = NULL;
  gsize length = 0;
  GStatBuf st;

  path = xpz_document_write_private_copy (document, &error);
  g_assert_no_error (error);
  g_assert_nonnull (path);
  base = g_path_get_basename (path);
  g_assert_true (g_str_has_prefix (path, g_get_tmp_dir ()));
  g_assert_true (g_str_has_prefix (base, "cv-"));
  g_assert_true (g_str_has_suffix (base, ".pdf"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &read, &length, NULL));
  g_assert_cmpmem (read, length, pdf, sizeof pdf - 1);
  g_unlink (path);

  /* the extension is the content's, whatever the document was called */
  odt_path = xpz_document_write_private_copy (opendocument, &error);
  g_assert_no_error (error);
  odt_base = g_path_get_basename (odt_path);
  g_assert_true (g_str_has_prefix (odt_base, "cv-"));
  g_assert_true (g_str_has_suffix (odt_base, ".odt"));
  g_unlink (odt_path);

  /* a script never reaches a viewer */
  refused = xpz_document_write_private_copy (script, &error);
  g_assert_error (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_UNSUPPORTED);
  g_assert_null (refused);
}

static void
test_completeness (void)
{
  g_autoptr (JsonNode) empty = xpz_profile_new_empty ();
  g_autoptr (JsonNode) full = json_from_string (
    "{\"basics\":{\"name\":\"Yasmine\",\"location\":{\"city\":\"Casablanca\"}},"
    "\"work\":[{\"name\":\"Atlas\",\"position\":\"Dev\",\"startDate\":\"2019-01\"}],"
    "\"skills\":[{\"name\":\"Python\"}],\"languages\":[{\"language\":\"French\"}],"
    "\"preferences\":{\"contract_types\":[\"CDI\"],\"work_modes\":[\"hybrid\"],"
    "\"salary\":{\"min\":15000,\"currency\":\"MAD\",\"period\":\"month\"}}}", NULL);
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) all = xpz_profile_completeness (json_node_get_object (empty));
  JsonObject *preferences;
  g_autoptr (GPtrArray) no_salary = NULL;

  /* An empty profile: every factor is unknown, each hint says what it costs. */
  g_assert_cmpuint (all->len, ==, 7);
  g_assert_true (hints_mention (all, "salary factor (10 points)"));
  g_assert_true (hints_mention (all, "skills factor (40 points)"));

  none = xpz_profile_completeness (json_node_get_object (full));
  g_assert_cmpuint (none->len, ==, 0);

  /* Without a salary expectation, exactly that one hint comes back. */
  preferences = json_object_get_object_member (json_node_get_object (full), "preferences");
  json_object_remove_member (preferences, "salary");
  no_salary = xpz_profile_completeness (json_node_get_object (full));
  g_assert_cmpuint (no_salary->len, ==, 1);
  g_assert_true (hints_mention (no_salary, "salary"));
}

static void
test_normalise_and_etag (void)
{
  g_autoptr (JsonNode) p = json_from_string (
    "{\"basics\":{\"name\":\"  \",\"email\":\"\",\"phone\":null,\"location\":{\"city\":\"\"}},"
    "\"skills\":[{\"name\":\"\"},{\"name\":\"SQL\"}]}", NULL);
  g_autofree char *text = NULL;
  g_autofree char *next = xpz_etag_next ("\"profile-7\"");
  g_autofree char *bad = xpz_etag_next ("garbage");

  /* Empty values go (the platform refuses an empty e-mail address); lists stay. */
  xpz_profile_normalise (p);
  text = json_to_string (p, FALSE);
  g_assert_null (strstr (text, "\"email\""));
  g_assert_null (strstr (text, "\"name\":\"  \""));
  g_assert_null (strstr (text, "\"location\""));
  g_assert_nonnull (strstr (text, "\"skills\":[{\"name\":\"SQL\"}]"));
  g_assert_nonnull (strstr (text, "\"work\":[]"));
  g_assert_nonnull (strstr (text, "\"relocate\":false"));

  g_assert_cmpstr (next, ==, "\"profile-8\"");
  g_assert_null (bad);
}

/* The editor's inline validation uses the store's validators: the messages are the
 * specific ones, and the phone is kept normalised. */
static void
test_validation_messages (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *phone = xpz_validate_phone ("06 61 23 45 67", XPZ_DEFAULT_REGION, &error);
  g_autofree char *short_phone = NULL;
  g_autofree char *email = NULL;
  g_autofree char *currency = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (phone, ==, "+212661234567");
  short_phone = xpz_validate_phone ("06 61", XPZ_DEFAULT_REGION, &error);
  g_assert_null (short_phone);
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PHONE_TOO_SHORT);
  g_clear_error (&error);
  email = xpz_validate_email ("yasmine@", &error);
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMAIL);
  g_clear_error (&error);
  g_assert_false (xpz_validate_salary (TRUE, 20000, TRUE, 15000, "MAD", "month", &currency, &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_SALARY_ORDER);
  g_clear_error (&error);
  g_assert_false (xpz_validate_date_range ("2022-05", "2021-01", &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_DATE_ORDER);
}

/* --- the round trip ----------------------------------------------------------------- */

typedef struct
{
  XpzPlatformServer *platform;
  char              *dir;
  XpzApiClient      *client;
  XpzSecrets        *secrets;
  XpzSession        *session;
  XpzStore          *store;
  GBytes            *key;
  XpzSyncEngine     *engine;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  XpzPlatformOptions options;
  Wait w = { 0 };

  f->dir = g_dir_make_tmp ("xpz-candidate-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "platform.db", NULL);
  xpz_platform_options_init (&options);
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;
  f->platform = xpz_platform_server_new (db, &options, &error);
  g_assert_no_error (error);
  xpz_platform_server_seed_demo (f->platform, &error);
  g_assert_no_error (error);
  xpz_platform_server_start_thread (f->platform, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->client = xpz_api_client_new (xpz_platform_server_get_url (f->platform), &error);
  g_assert_no_error (error);
  f->secrets = xpz_secrets_new ();
  f->session = xpz_session_new (f->client, f->secrets);
  xpz_session_sign_in_async (f->session, XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, XPZ_PLATFORM_DEMO_PASSWORD,
                             NULL, xpz_test_sign_in_done, &w);
  xpz_test_wait (&w);
  g_assert_no_error (w.error);
  f->key = xpz_crypto_generate_key ();
  f->store = xpz_store_new (xpz_session_get_account_id (f->session));
  xpz_store_open (f->store, f->key, &error);
  g_assert_no_error (error);
  f->engine = xpz_sync_engine_new (f->store, f->session, f->key);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->engine);
  xpz_store_erase (f->store, &error);
  g_assert_no_error (error);
  g_clear_object (&f->store);
  g_clear_object (&f->session);
  g_clear_object (&f->secrets);
  g_clear_object (&f->client);
  xpz_platform_server_stop (f->platform);
  g_clear_object (&f->platform);
  g_clear_pointer (&f->key, g_bytes_unref);
  g_free (f->dir);
}

typedef struct
{
  GBytes   *key;
  JsonNode *profile;
  char     *etag;
} ReadOut;

static gpointer
read_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  ReadOut *out = data;

  out->profile = xpz_profile_read (db, out->key, &out->etag, error);
  return out->profile != NULL ? out : NULL;
}

static JsonNode *
read_local (Fixture  *f,
            char    **etag)
{
  g_autoptr (GError) error = NULL;
  ReadOut out = { f->key, NULL, NULL };

  g_assert_nonnull (xpz_store_run_sync (f->store, FALSE, read_func, &out, &error));
  g_assert_no_error (error);
  if (etag != NULL)
    *etag = out.etag;
  else
    g_free (out.etag);
  return out.profile;
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Wait *w = data;

  w->ok = xpz_profile_save_finish (XPZ_STORE (source), result, &w->error);
  w->done = TRUE;
}

static void
adopt_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Wait *w = data;

  w->ok = xpz_profile_adopt_finish (XPZ_STORE (source), result, &w->error);
  w->done = TRUE;
}

static void
save (Fixture  *f,
      JsonNode *profile)
{
  Wait w = { 0 };

  xpz_profile_save_async (f->store, f->key, profile, NULL, save_done, &w);
  xpz_test_wait (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
}

static void
push (Fixture *f)
{
  Wait w = { 0 };

  xpz_sync_engine_push_async (f->engine, NULL, xpz_test_push_done, &w);
  xpz_test_wait (&w);
  g_assert_no_error (w.error);
}

static void
pull (Fixture *f)
{
  Wait w = { 0 };

  xpz_sync_engine_pull_async (f->engine, NULL, xpz_test_pull_done, &w);
  xpz_test_wait (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
}

static JsonObject *
server_profile (Fixture         *f,
                XpzApiResponse **keep,
                const char     **etag)
{
  XpzApiResponse *r = xpz_test_api (f->client, "GET", XPZ_PROFILE_PATH, NULL, NULL, NULL);

  g_assert_cmpuint (xpz_api_response_get_status (r), ==, 200);
  *keep = r;
  if (etag != NULL)
    *etag = xpz_api_response_get_etag (r);
  return xpz_api_response_get_object (r);
}

static void
counts (Fixture *f,
        guint   *pending,
        guint   *parked)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (xpz_sync_engine_count (f->engine, pending, parked, &error));
  g_assert_no_error (error);
}

static void
test_profile_round_trip (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (JsonNode) local = NULL;
  g_autoptr (XpzApiResponse) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autofree char *etag = NULL;
  const char *server_etag = NULL;
  JsonObject *server, *basics, *salary;
  guint pending, parked;

  /* The change feed brings the profile (kind "profile" with data), kept encrypted. */
  pull (f);
  local = read_local (f, NULL);
  basics = json_object_get_object_member (json_node_get_object (local), "basics");
  g_assert_cmpstr (json_object_get_string_member (basics, "name"), ==, "Yasmine El Idrissi");

  /* Its ETag comes with GET; adopting it keeps the data and remembers the ETag. */
  server = server_profile (f, &r1, &server_etag);
  {
    Wait w = { 0 };
    xpz_profile_adopt_async (f->store, f->key, xpz_api_response_get_body (r1), server_etag, NULL,
                             adopt_done, &w);
    xpz_test_wait (&w);
    g_assert_no_error (w.error);
  }
  g_clear_pointer (&local, json_node_unref);
  local = read_local (f, &etag);
  g_assert_cmpstr (etag, ==, server_etag);
  (void) server;

  /* An edit: saved locally and queued in one go, then sent with If-Match. */
  basics = xpz_profile_ensure_object (json_node_get_object (local), "basics");
  json_object_set_string_member (basics, "phone", "+212661234567");
  salary = json_object_new ();
  json_object_set_int_member (salary, "min", 17000);
  json_object_set_string_member (salary, "currency", "MAD");
  json_object_set_string_member (salary, "period", "month");
  json_object_set_object_member (xpz_profile_ensure_object (json_node_get_object (local), "preferences"),
                                 "salary", salary);
  save (f, local);
  counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 1);

  /* Offline-first: the feed does not overwrite an edit that waits to be sent. */
  pull (f);
  {
    g_autoptr (JsonNode) again = read_local (f, NULL);
    JsonObject *b = json_object_get_object_member (json_node_get_object (again), "basics");
    g_assert_cmpstr (json_object_get_string_member (b, "phone"), ==, "+212661234567");
  }

  push (f);
  counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (parked, ==, 0);
  server = server_profile (f, &r2, &server_etag);
  basics = json_object_get_object_member (server, "basics");
  g_assert_cmpstr (json_object_get_string_member (basics, "phone"), ==, "+212661234567");
  salary = json_object_get_object_member (json_object_get_object_member (server, "preferences"), "salary");
  g_assert_cmpint (json_object_get_int_member (salary, "min"), ==, 17000);
  g_assert_cmpstr (json_object_get_string_member (salary, "currency"), ==, "MAD");

  /* The ETag the edit left behind is the platform's: a second edit is not a conflict. */
  g_clear_pointer (&etag, g_free);
  g_clear_pointer (&local, json_node_unref);
  local = read_local (f, &etag);
  g_assert_cmpstr (etag, ==, server_etag);
  basics = xpz_profile_ensure_object (json_node_get_object (local), "basics");
  json_object_set_string_member (basics, "label", "Développeuse Python Senior");
  save (f, local);
  basics = xpz_profile_ensure_object (json_node_get_object (local), "basics");
  json_object_set_string_member (basics, "summary", "Deux modifications d’affilée");
  save (f, local);
  push (f);
  counts (f, &pending, &parked);
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (parked, ==, 0);
  server = server_profile (f, &r3, NULL);
  basics = json_object_get_object_member (server, "basics");
  g_assert_cmpstr (json_object_get_string_member (basics, "label"), ==, "Développeuse Python Senior");
  g_assert_cmpstr (json_object_get_string_member (basics, "summary"), ==, "Deux modifications d’affilée");

  /* The feed brings the platform's copy back, equal to the local one. */
  pull (f);
  {
    g_autoptr (JsonNode) pulled = read_local (f, NULL);
    g_autoptr (JsonNode) server_copy = json_node_copy (xpz_api_response_get_body (r3));

    xpz_profile_normalise (server_copy);
    g_assert_true (json_node_equal (pulled, server_copy));
  }

  /* An answer that left the platform before the last edit arrived is not taken. */
  {
    Wait w = { 0 };
    g_autofree char *kept_etag = NULL;
    g_autoptr (JsonNode) kept = NULL;

    xpz_profile_adopt_async (f->store, f->key, xpz_api_response_get_body (r1),
                             xpz_api_response_get_etag (r1), NULL, adopt_done, &w);
    xpz_test_wait (&w);
    g_assert_no_error (w.error);
    kept = read_local (f, &kept_etag);
    g_assert_cmpstr (kept_etag, !=, xpz_api_response_get_etag (r1));
    basics = json_object_get_object_member (json_node_get_object (kept), "basics");
    g_assert_cmpstr (json_object_get_string_member (basics, "summary"), ==, "Deux modifications d’affilée");
  }
}

/* Someone else changed the profile meanwhile: the stale edit is parked as a conflict
 * for the user, never silently applied over the newer copy. */
static void
test_profile_conflict (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (JsonNode) local = NULL;
  g_autoptr (XpzApiResponse) r1 = NULL, put = NULL, after = NULL;
  const char *server_etag = NULL;
  g_autofree char *body = NULL;
  JsonObject *server;
  guint pending, parked;

  pull (f);
  server_profile (f, &r1, &server_etag);
  {
    Wait w = { 0 };
    xpz_profile_adopt_async (f->store, f->key, xpz_api_response_get_body (r1), server_etag, NULL,
                             adopt_done, &w);
    xpz_test_wait (&w);
    g_assert_no_error (w.error);
  }
  /* Another device edits first. */
  body = json_to_string (xpz_api_response_get_body (r1), FALSE);
  {
    g_autoptr (JsonNode) other = json_from_string (body, NULL);
    g_autofree char *other_text = NULL;

    json_object_set_string_member (json_object_get_object_member (json_node_get_object (other), "basics"),
                                   "label", "Changed elsewhere");
    other_text = json_to_string (other, FALSE);
    put = xpz_test_api (f->client, "PUT", XPZ_PROFILE_PATH, other_text, NULL, server_etag);
    g_assert_cmpuint (xpz_api_response_get_status (put), ==, 200);
  }

  local = read_local (f, NULL);
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (local), "basics"),
                                 "label", "Changed here");
  save (f, local);
  push (f);
  counts (f, &pending, &parked);
  g_assert_cmpuint (parked, ==, 1);
  server = server_profile (f, &after, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (server, "basics"), "label"),
                   ==, "Changed elsewhere");
}


/* --- the platform's candidate endpoints this area added -------------------------- */

static guint
ledger_count (Fixture    *f,
              const char *kind)
{
  g_autoptr (XpzApiResponse) r = xpz_test_api (f->client, "GET", "/api/v1/me/ledger", NULL, NULL, NULL);
  JsonArray *entries = json_object_get_array_member (xpz_api_response_get_object (r), "entries");
  guint n = 0;

  g_assert_true (json_object_get_boolean_member (xpz_api_response_get_object (r), "verified"));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (entries, i), "kind"),
                   kind) == 0)
      n++;
  return n;
}

/* The first-run choice is ledgered even when it keeps the sign-up default; once. */
static void
test_first_choice_ledgered (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (XpzApiResponse) first = NULL, again = NULL, change = NULL;

  g_assert_cmpuint (ledger_count (f, "sharing_mode_chosen"), ==, 0);
  first = xpz_test_api (f->client, "PUT", "/api/v1/me/privacy", "{\"sharing_mode\":\"automatic\"}",
                        NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (first), ==, 200);
  g_assert_cmpuint (ledger_count (f, "sharing_mode_chosen"), ==, 1);
  again = xpz_test_api (f->client, "PUT", "/api/v1/me/privacy", "{\"sharing_mode\":\"automatic\"}",
                        NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (again), ==, 200);
  g_assert_cmpuint (ledger_count (f, "sharing_mode_chosen"), ==, 1);
  change = xpz_test_api (f->client, "PUT", "/api/v1/me/privacy", "{\"sharing_mode\":\"explicit\"}",
                         NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (change), ==, 200);
  g_assert_cmpuint (ledger_count (f, "sharing_mode_changed"), ==, 1);
}

static JsonArray *
matches (Fixture         *f,
         XpzApiResponse **keep)
{
  *keep = xpz_test_api (f->client, "GET", "/api/v1/me/matches?limit=500", NULL, NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (*keep), ==, 200);
  return json_node_get_array (xpz_api_response_get_body (*keep));
}

static gboolean
has_job (JsonArray *list,
         gint64     job_id)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *job = json_object_get_object_member (json_array_get_object_element (list, i), "job");

      if (json_object_get_int_member (job, "id") == job_id)
        return TRUE;
    }
  return FALSE;
}

/* Whether the feed's snapshot (what a full resync reads) holds the match of @job_id. */
static gboolean
snapshot_has_match (Fixture *f,
                    gint64   job_id)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, job_id);
  g_autofree char *path = NULL;
  gboolean found = FALSE, more = TRUE;
  g_autofree char *cursor = NULL;

  while (more)
    {
      g_autoptr (XpzApiResponse) page = NULL;
      JsonObject *o;
      JsonArray *changes;

      g_free (path);
      path = cursor == NULL ? g_strdup ("/api/v1/changes?limit=10000")
                            : g_strdup_printf ("/api/v1/changes?limit=10000&since=%s", cursor);
      page = xpz_test_api (f->client, "GET", path, NULL, NULL, NULL);
      g_assert_cmpuint (xpz_api_response_get_status (page), ==, 200);
      o = xpz_api_response_get_object (page);
      changes = json_object_get_array_member (o, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (g_strcmp0 (json_object_get_string_member (change, "kind"), "match") == 0 &&
              g_strcmp0 (json_object_get_string_member (change, "id"), id) == 0)
            found = TRUE;
        }
      more = json_object_get_boolean_member_with_default (o, "more", FALSE);
      g_free (cursor);
      cursor = g_uri_escape_string (json_object_get_string_member (o, "cursor"), NULL, FALSE);
    }
  return found;
}

/* "Not interested" takes the job off the list for good; an objection to the automated
 * score is kept with its reason and ledgered; both are the candidate's alone. */
static void
test_match_feedback (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (XpzApiResponse) before = NULL, after = NULL, dismissed = NULL, again = NULL;
  g_autoptr (XpzApiResponse) objection = NULL, empty = NULL, unknown = NULL, missing = NULL;
  g_autofree char *path = NULL, *objection_path = NULL;
  JsonArray *list;
  JsonObject *o;
  gint64 job_id;

  list = matches (f, &before);
  g_assert_cmpuint (json_array_get_length (list), >, 0);
  job_id = json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (list, 0),
                                                                      "job"), "id");

  path = g_strdup_printf ("/api/v1/me/matches/%" G_GINT64_FORMAT "/not-interested", job_id);
  dismissed = xpz_test_api (f->client, "POST", path, "{}", NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (dismissed), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (xpz_api_response_get_object (dismissed), "status"), ==,
                   "not_interested");
  again = xpz_test_api (f->client, "POST", path, "{}", NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (again), ==, 200);
  list = matches (f, &after);
  g_assert_false (has_job (list, job_id));
  /* nor does it come back with a full resync (the feed's snapshot) */
  g_assert_false (snapshot_has_match (f, job_id));
  g_assert_true (snapshot_has_match (f, json_object_get_int_member (json_object_get_object_member (
                                                                      json_array_get_object_element (list, 0), "job"),
                                                                    "id")));

  objection_path = g_strdup_printf ("/api/v1/me/matches/%" G_GINT64_FORMAT "/objection", job_id);
  empty = xpz_test_api (f->client, "POST", objection_path, "{\"reason\":\"   \"}", NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (empty), ==, 400);
  g_assert_cmpuint (ledger_count (f, "match_objection"), ==, 0);
  objection = xpz_test_api (f->client, "POST", objection_path,
                            "{\"reason\":\"J’ai 7 ans de Django : le score de compétences l’ignore.\"}",
                            NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (objection), ==, 201);
  o = xpz_api_response_get_object (objection);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "received");
  g_assert_cmpint (json_object_get_int_member (o, "job_id"), ==, job_id);
  g_assert_cmpuint (ledger_count (f, "match_objection"), ==, 1);

  /* both answers are the candidate's data: in their export, with the reason */
  {
    g_autoptr (XpzApiResponse) export = xpz_test_api (f->client, "GET", "/api/v1/me/export", NULL, NULL, NULL);
    JsonObject *e = xpz_api_response_get_object (export);
    JsonArray *dismissals = json_object_get_array_member (e, "dismissed_matches");
    JsonArray *objections = json_object_get_array_member (e, "match_objections");

    g_assert_cmpuint (json_array_get_length (dismissals), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (dismissals, 0), "job_id"), ==, job_id);
    g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (dismissals, 0), "job_title"));
    g_assert_cmpuint (json_array_get_length (objections), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (objections, 0), "reason"), ==,
                     "J’ai 7 ans de Django : le score de compétences l’ignore.");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (objections, 0), "status"), ==,
                     "received");
  }

  unknown = xpz_test_api (f->client, "POST", "/api/v1/me/matches/999999/objection",
                          "{\"reason\":\"x\"}", NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (unknown), ==, 404);
  missing = xpz_test_api (f->client, "GET", objection_path, NULL, NULL, NULL);
  g_assert_cmpuint (xpz_api_response_get_status (missing), ==, 405);
}

/* An introduction request says what the job pays and where, for the candidate to
 * weigh it before answering. */
static void
test_introduction_terms (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (XpzApiResponse) r = xpz_test_api (f->client, "GET", "/api/v1/me/introductions", NULL, NULL, NULL);
  JsonArray *list = json_object_get_array_member (xpz_api_response_get_object (r), "introductions");
  JsonObject *job;

  g_assert_cmpuint (json_array_get_length (list), >, 0);
  job = json_object_get_object_member (json_array_get_object_element (list, 0), "job");
  g_assert_true (json_object_has_member (job, "title"));
  g_assert_true (json_object_has_member (job, "salary"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (job, "salary"), "currency"),
                   ==, "MAD");
  g_assert_true (json_object_has_member (job, "location"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/candidate/R2.3/document-sniff", test_document_sniff);
  g_test_add_func ("/candidate/R2.3/document-private-copy", test_document_private_copy);
  g_test_add_func ("/candidate/R2.1/completeness", test_completeness);
  g_test_add_func ("/candidate/R2.1/normalise-and-etag", test_normalise_and_etag);
  g_test_add_func ("/candidate/R2.1/validation-messages", test_validation_messages);
  g_test_add ("/candidate/R2.1/profile-round-trip", Fixture, NULL, fixture_setup,
              test_profile_round_trip, fixture_teardown);
  g_test_add ("/candidate/R2.1/profile-conflict", Fixture, NULL, fixture_setup,
              test_profile_conflict, fixture_teardown);
  g_test_add ("/candidate/R5.2/first-choice-ledgered", Fixture, NULL, fixture_setup,
              test_first_choice_ledgered, fixture_teardown);
  g_test_add ("/candidate/B2/match-feedback", Fixture, NULL, fixture_setup,
              test_match_feedback, fixture_teardown);
  g_test_add ("/candidate/R5.2/introduction-terms", Fixture, NULL, fixture_setup,
              test_introduction_terms, fixture_teardown);
  return g_test_run ();
}
