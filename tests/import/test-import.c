/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-import"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xpz-import.h"
#include "xpz-zip.h"

/* R8.5: importing a JSON Resume or a LinkedIn export, previewing and applying only the
 * kept changes, exporting JSON Resume and the full export archive. Bad files give a
 * specific error and change nothing. */

static GFile *
fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "import", name, NULL);

  return g_file_new_for_path (path);
}

static GFile *
export_folder (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "linkedin", "export", NULL);

  return g_file_new_for_path (path);
}

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static const char *
str_at (JsonNode   *root,
        const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) found = json_path_query (path, root, &error);
  JsonArray *results;

  g_assert_no_error (error);
  results = json_node_get_array (found);
  if (json_array_get_length (results) == 0)
    return NULL;
  /* The string stays alive in root: fetch it from there. */
  {
    JsonNode *first = json_array_get_element (results, 0);

    if (!JSON_NODE_HOLDS_VALUE (first) || json_node_get_value_type (first) != G_TYPE_STRING)
      return NULL;
    return g_intern_string (json_node_get_string (first));
  }
}

static guint
len_at (JsonNode   *root,
        const char *member)
{
  JsonArray *array = json_object_get_array_member (obj (root), member);

  g_assert_nonnull (array);
  return json_array_get_length (array);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* ---- JSON Resume ---- */

static void
test_json_resume_sample (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "jsonresume", "sample.resume.json", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = NULL;
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  profile = xpz_import_json_resume (contents, len, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (str_at (profile, "$.basics.name"), ==, "Richard Hendriks");
  g_assert_cmpstr (str_at (profile, "$.basics.email"), ==, "richard.hendriks@mail.com");
  g_assert_cmpstr (str_at (profile, "$.basics.location.city"), ==, "San Francisco");
  g_assert_cmpstr (str_at (profile, "$.basics.location.countryCode"), ==, "US");
  g_assert_cmpstr (str_at (profile, "$.basics.profiles[0].network"), ==, "Twitter");
  g_assert_cmpstr (str_at (profile, "$.work[0].name"), ==, "Pied Piper");
  g_assert_cmpuint (len_at (profile, "work"), >=, 1);
  g_assert_cmpuint (len_at (profile, "education"), >=, 1);
  g_assert_cmpuint (len_at (profile, "skills"), >=, 1);
  g_assert_cmpuint (len_at (profile, "languages"), >=, 1);

  /* Members the Profile has no place for are dropped (the platform refuses them). */
  text = json_to_string (profile, FALSE);
  g_assert_null (strstr (text, "\"image\""));
  g_assert_null (strstr (text, "\"address\""));
  g_assert_null (strstr (text, "\"highlights\""));
  g_assert_null (strstr (text, "\"volunteer\""));
  g_assert_null (strstr (text, "\"awards\""));
  g_assert_null (strstr (text, "\"meta\""));
  /* Work highlights become lines of the summary. */
  g_assert_nonnull (strstr (str_at (profile, "$.work[0].summary"), "\n• "));
}

static void
test_json_resume_mapping (void)
{
  static const char doc[] =
    "{\"basics\": {\"name\": \"  Yasmine  \", \"email\": \"not an email\", \"phone\": \"0661234567\","
    " \"website\": \"https://old.example.ma\", \"location\": {\"city\": \"Casablanca\", \"countryCode\": \"ma\","
    " \"postalCode\": \"20000\"}, \"x-custom\": 1},"
    " \"work\": [{\"company\": \"OCP\", \"position\": \"Ingénieure\", \"startDate\": \"2019-3\","
    "   \"endDate\": \"2021-02-01T00:00:00Z\", \"highlights\": [\"Spark\"]}, 42, {\"startDate\": \"last spring\"},"
    "   {\"name\": \"Inwi\", \"startDate\": \"2019-13\"}],"
    " \"skills\": [{\"name\": \"SQL\", \"keywords\": [\"joins\", 3, \"\"]}, {\"level\": \"no name\"}],"
    " \"languages\": [{\"language\": \"العربية\", \"fluency\": \"Native\"}],"
    " \"interests\": [{\"name\": \"chess\"}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = xpz_import_json_resume (doc, strlen (doc), &error);
  JsonObject *basics;

  g_assert_no_error (error);
  basics = json_object_get_object_member (obj (profile), "basics");
  g_assert_cmpstr (str_at (profile, "$.basics.name"), ==, "Yasmine");
  g_assert_false (json_object_has_member (basics, "email"));
  g_assert_false (json_object_has_member (basics, "x-custom"));
  g_assert_cmpstr (str_at (profile, "$.basics.phone"), ==, "+212661234567");
  g_assert_cmpstr (str_at (profile, "$.basics.url"), ==, "https://old.example.ma");
  g_assert_cmpstr (str_at (profile, "$.basics.location.countryCode"), ==, "MA");
  g_assert_null (str_at (profile, "$.basics.location.postalCode"));

  g_assert_cmpuint (len_at (profile, "work"), ==, 2);
  g_assert_cmpstr (str_at (profile, "$.work[0].name"), ==, "OCP");
  g_assert_cmpstr (str_at (profile, "$.work[0].startDate"), ==, "2019-03");
  g_assert_cmpstr (str_at (profile, "$.work[0].endDate"), ==, "2021-02-01");
  g_assert_cmpstr (str_at (profile, "$.work[0].summary"), ==, "• Spark");
  /* "2019-13" is not a date: dropped, the entry stays. */
  g_assert_cmpstr (str_at (profile, "$.work[1].name"), ==, "Inwi");
  g_assert_null (str_at (profile, "$.work[1].startDate"));

  g_assert_cmpuint (len_at (profile, "skills"), ==, 1);
  g_assert_cmpstr (str_at (profile, "$.skills[0].keywords[0]"), ==, "joins");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_array_get_object_element (json_object_get_array_member (obj (profile), "skills"), 0),
                      "keywords")), ==, 1);
  g_assert_cmpstr (str_at (profile, "$.languages[0].language"), ==, "العربية");
  g_assert_false (json_object_has_member (obj (profile), "interests"));
}

/* Issue #14 §1: a 2 MB JSON Resume of "[/\*]*\/" (json-glib takes comments; the old
 * depth check did not see them) or of plain nesting is a clear error, not a crash. */
static void
test_json_resume_comment_bomb (void)
{
  const char *openers[] = { "[/*]*/", "{\"a\":[", "[ " };

  for (guint k = 0; k < G_N_ELEMENTS (openers); k++)
    {
      g_autoptr (GString) bomb = g_string_new ("{\"basics\": ");
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) profile = NULL;
      guint n = 0;

      while (bomb->len < 2 * 1024 * 1024)
        {
          g_string_append (bomb, openers[k]);
          n++;
        }
      for (guint i = 0; i < n; i++)
        g_string_append (bomb, k == 1 ? "]}" : "]");
      g_string_append_c (bomb, '}');
      g_assert_cmpuint (bomb->len, <=, XPZ_IMPORT_MAX_JSON_SIZE);
      profile = xpz_import_json_resume (bomb->str, bomb->len, &error);
      g_assert_null (profile);
      g_assert_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_JSON);
    }
}

static void
test_json_resume_errors (void)
{
  static const struct
  {
    const char *text;
    gssize len;
    int code;
  } cases[] = {
    { "", 0, XPZ_IMPORT_ERROR_INVALID_JSON },
    { "{\"basics\": {\"name\": \"x\"", -1, XPZ_IMPORT_ERROR_INVALID_JSON },
    { "\xff\xfe{}", 4, XPZ_IMPORT_ERROR_INVALID_JSON },
    { "{\"basics\": {}}\0garbage", 22, XPZ_IMPORT_ERROR_INVALID_JSON },
    { "[1, 2, 3]", -1, XPZ_IMPORT_ERROR_NOT_JSON_RESUME },
    { "\"just a string\"", -1, XPZ_IMPORT_ERROR_NOT_JSON_RESUME },
    { "{}", -1, XPZ_IMPORT_ERROR_NOT_JSON_RESUME },
    { "{\"name\": \"Richard\", \"jobs\": []}", -1, XPZ_IMPORT_ERROR_NOT_JSON_RESUME },
    { "{\"basics\": \"Richard\"}", -1, XPZ_IMPORT_ERROR_NOT_JSON_RESUME },
    { "{\"work\": {\"name\": \"OCP\"}}", -1, XPZ_IMPORT_ERROR_NOT_JSON_RESUME },
  };
  g_autoptr (GString) deep = g_string_new ("{\"basics\": ");
  g_autofree char *big = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize len = cases[i].len < 0 ? strlen (cases[i].text) : (gsize) cases[i].len;
      g_autoptr (JsonNode) profile = xpz_import_json_resume (cases[i].text, len, &error);

      g_test_message ("case %u", i);
      g_assert_null (profile);
      g_assert_error (error, XPZ_IMPORT_ERROR, cases[i].code);
      g_assert_true (error->message != NULL && *error->message != '\0');
    }

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) profile = xpz_import_json_resume (deep->str, deep->len, &error);

    g_assert_null (profile);
    g_assert_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_JSON);
  }

  big = g_malloc (XPZ_IMPORT_MAX_JSON_SIZE + 2);
  memset (big, ' ', XPZ_IMPORT_MAX_JSON_SIZE + 1);
  big[XPZ_IMPORT_MAX_JSON_SIZE + 1] = '\0';
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) profile = xpz_import_json_resume (big, XPZ_IMPORT_MAX_JSON_SIZE + 1, &error);

    g_assert_null (profile);
    g_assert_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_TOO_LARGE);
  }
}

static void
test_normalize_date (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "2019", "2019" },
    { "2019-03", "2019-03" },
    { "2019-3", "2019-03" },
    { "2019-03-01", "2019-03-01" },
    { "2019/3/1", "2019-03-01" },
    { "2019-03-01T10:00:00Z", "2019-03-01" },
    { "2019-03-01 10:00", "2019-03-01" },
    { "03/2019", "2019-03" },
    { "Mar 2019", "2019-03" },
    { "March 2019", "2019-03" },
    { "mars 2019", "2019-03" },
    { "janv. 2022", "2022-01" },
    { "déc. 2021", "2021-12" },
    { "Sept 2020", "2020-09" },
    { "15 Mar 2019", "2019-03-15" },
    { "مارس 2019", "2019-03" },
    { "شتنبر 2020", "2020-09" },
    { "جوان 2018", "2018-06" },
    { "ماي 2017", "2017-05" },
    { " 2019 ", "2019" },
    { "2024-02-29", "2024-02-29" },
    { "2023-02-29", NULL },
    { "2019-13", NULL },
    { "2019-00", NULL },
    { "2019-03-32", NULL },
    { "Jui 2019", NULL },
    { "Present", NULL },
    { "", NULL },
    { "last spring", NULL },
    { "0999", NULL },
    { "12345", NULL },
    { "2019-03-01-02", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *date = xpz_import_normalize_date (cases[i].in);

      g_test_message ("%s", cases[i].in);
      g_assert_cmpstr (date, ==, cases[i].out);
    }
  g_assert_null (xpz_import_normalize_date (NULL));
}

/* ---- LinkedIn ---- */

static JsonNode *
import_ok (GFile *file)
{
  g_autoptr (GError) error = NULL;
  JsonNode *profile = xpz_import_linkedin (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

static void
check_salma (JsonNode *profile)
{
  g_assert_cmpstr (str_at (profile, "$.basics.name"), ==, "Salma El Amrani");
  g_assert_cmpstr (str_at (profile, "$.basics.label"), ==, "Ingénieure données — مهندسة بيانات");
  g_assert_true (g_str_has_prefix (str_at (profile, "$.basics.summary"), "Huit ans de données au Maroc, de la BI"));
  g_assert_nonnull (strstr (str_at (profile, "$.basics.summary"), "\nأعمل على منصات البيانات"));
  g_assert_nonnull (strstr (str_at (profile, "$.basics.summary"), "pipelines \"propres\"."));
  g_assert_cmpstr (str_at (profile, "$.basics.email"), ==, "salma.elamrani@example.ma");
  g_assert_cmpstr (str_at (profile, "$.basics.phone"), ==, "+212661234567");
  g_assert_cmpstr (str_at (profile, "$.basics.url"), ==, "https://salma.example.ma");
  g_assert_cmpstr (str_at (profile, "$.basics.location.city"), ==, "Casablanca");
  g_assert_cmpstr (str_at (profile, "$.basics.location.region"), ==, "Casablanca-Settat");
  g_assert_cmpstr (str_at (profile, "$.basics.location.countryCode"), ==, "MA");

  g_assert_cmpuint (len_at (profile, "work"), ==, 3);
  g_assert_cmpstr (str_at (profile, "$.work[0].name"), ==, "OCP Group");
  g_assert_cmpstr (str_at (profile, "$.work[0].position"), ==, "Ingénieure données");
  g_assert_cmpstr (str_at (profile, "$.work[0].summary"), ==,
                   "Pipelines Spark, qualité des données\nTableaux de bord \"temps réel\"");
  g_assert_cmpstr (str_at (profile, "$.work[0].startDate"), ==, "2021-03");
  g_assert_null (str_at (profile, "$.work[0].endDate"));
  g_assert_cmpstr (str_at (profile, "$.work[1].summary"), ==, "تحليل بيانات المشتركين وإعداد التقارير الشهرية");
  g_assert_cmpstr (str_at (profile, "$.work[1].endDate"), ==, "2021-02");
  g_assert_cmpstr (str_at (profile, "$.work[2].startDate"), ==, "2017");

  g_assert_cmpuint (len_at (profile, "education"), ==, 2);
  g_assert_cmpstr (str_at (profile, "$.education[0].institution"), ==, "École Mohammadia d'Ingénieurs");
  g_assert_cmpstr (str_at (profile, "$.education[0].studyType"), ==, "Diplôme d'ingénieur d'État");
  g_assert_cmpstr (str_at (profile, "$.education[1].institution"), ==, "جامعة الحسن الثاني");

  g_assert_cmpuint (len_at (profile, "skills"), ==, 5);
  g_assert_cmpstr (str_at (profile, "$.skills[3].name"), ==, "تعلم الآلة");
  g_assert_cmpuint (len_at (profile, "languages"), ==, 3);
  g_assert_cmpstr (str_at (profile, "$.languages[1].language"), ==, "French");
  g_assert_cmpstr (str_at (profile, "$.languages[1].fluency"), ==, "Full professional proficiency");
}

static void
test_linkedin_zip (void)
{
  g_autoptr (GFile) zip = fixture ("linkedin-export.zip");
  g_autoptr (GFile) nested = fixture ("linkedin-nested.zip");
  g_autoptr (GFile) folder = export_folder ();
  g_autoptr (JsonNode) from_zip = import_ok (zip);
  g_autoptr (JsonNode) from_nested = import_ok (nested);
  g_autoptr (JsonNode) from_folder = import_ok (folder);

  check_salma (from_zip);
  /* Same export as a folder, or stored under a top folder: the same profile. */
  g_assert_true (json_node_equal (from_zip, from_folder));
  g_assert_true (json_node_equal (from_zip, from_nested));
}

static void
test_linkedin_renamed_columns (void)
{
  g_autoptr (GFile) zip = fixture ("renamed.zip");
  g_autoptr (JsonNode) profile = import_ok (zip);

  g_assert_cmpuint (len_at (profile, "work"), ==, 2);
  g_assert_cmpstr (str_at (profile, "$.work[0].name"), ==, "Acme Maroc");
  g_assert_cmpstr (str_at (profile, "$.work[0].position"), ==, "Data engineer");
  g_assert_cmpstr (str_at (profile, "$.work[0].startDate"), ==, "2022-01");
  g_assert_cmpstr (str_at (profile, "$.work[0].summary"), ==, "Built the ingestion, end to end");
  g_assert_cmpstr (str_at (profile, "$.work[1].name"), ==, "Banque \"Populaire\"");
  g_assert_cmpstr (str_at (profile, "$.work[1].startDate"), ==, "2019-09");
  g_assert_cmpstr (str_at (profile, "$.work[1].endDate"), ==, "2021-12");
  g_assert_cmpstr (str_at (profile, "$.education[0].institution"), ==, "Université Mohammed V");
  g_assert_cmpstr (str_at (profile, "$.education[0].area"), ==, "Data science");
  g_assert_cmpstr (str_at (profile, "$.education[0].studyType"), ==, "Master");
  g_assert_cmpstr (str_at (profile, "$.education[0].endDate"), ==, "2018");
  g_assert_cmpuint (len_at (profile, "skills"), ==, 2);
  g_assert_cmpstr (str_at (profile, "$.skills[0].name"), ==, "Kafka");
  g_assert_cmpstr (str_at (profile, "$.skills[1].name"), ==, "Airflow");
  /* Missing files are empty sections. */
  g_assert_cmpuint (len_at (profile, "languages"), ==, 0);
  g_assert_null (str_at (profile, "$.basics.email"));
}

static void
test_linkedin_missing_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xpz-linkedin-XXXXXX", NULL);
  g_autofree char *skills = g_build_filename (dir, "skills.CSV", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = NULL;

  /* An empty folder is not an export. */
  profile = xpz_import_linkedin (folder, NULL, &error);
  g_assert_null (profile);
  g_assert_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_NOT_LINKEDIN);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (skills, "Name\nGo\n", -1, NULL));
  profile = import_ok (folder);
  g_assert_cmpuint (len_at (profile, "skills"), ==, 1);
  g_assert_cmpuint (len_at (profile, "work"), ==, 0);
  g_assert_cmpuint (len_at (profile, "education"), ==, 0);
  g_assert_cmpuint (len_at (profile, "languages"), ==, 0);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (obj (profile), "basics")), ==, 0);
  g_remove (skills);
  g_rmdir (dir);
}

static void
test_linkedin_bad_files (void)
{
  static const struct
  {
    const char *file;
    int code;
  } cases[] = {
    { "not-linkedin.zip", XPZ_IMPORT_ERROR_NOT_LINKEDIN },
    { "truncated.zip", XPZ_IMPORT_ERROR_CORRUPT_ZIP },
    { "bomb.zip", XPZ_IMPORT_ERROR_TOO_LARGE },
    { "lying-bomb.zip", XPZ_IMPORT_ERROR_CORRUPT_ZIP },
    { "traversal.zip", XPZ_IMPORT_ERROR_UNSAFE_NAME },
    { "absolute.zip", XPZ_IMPORT_ERROR_UNSAFE_NAME },
    { "bad-crc.zip", XPZ_IMPORT_ERROR_CORRUPT_ZIP },
    { "bad-csv.zip", XPZ_IMPORT_ERROR_INVALID_CSV },
    { "really-a-pdf.zip", XPZ_IMPORT_ERROR_NOT_ZIP },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GFile) file = fixture (cases[i].file);
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) profile = xpz_import_linkedin (file, NULL, &error);

      g_test_message ("%s: %s", cases[i].file, error ? error->message : "(no error)");
      g_assert_null (profile);
      g_assert_error (error, XPZ_IMPORT_ERROR, cases[i].code);
    }
  {
    g_autoptr (GFile) pdf = fixture ("really-a-pdf.zip");
    g_autoptr (GFile) missing = fixture ("no-such-export.zip");
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonNode) profile = xpz_import_linkedin (pdf, NULL, &error);

    g_assert_nonnull (strstr (error->message, "PDF"));
    g_clear_error (&error);
    profile = xpz_import_linkedin (missing, NULL, &error);
    g_assert_null (profile);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask **out = user_data;

  *out = g_object_ref (G_TASK (result));
}

static void
test_linkedin_async (void)
{
  g_autoptr (GFile) zip = fixture ("linkedin-export.zip");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GTask) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  xpz_import_linkedin_async (zip, NULL, import_done, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  profile = xpz_import_linkedin_finish (G_ASYNC_RESULT (result), &error);
  g_assert_no_error (error);
  check_salma (profile);
  g_clear_object (&result);
  g_clear_pointer (&profile, json_node_unref);

  g_cancellable_cancel (cancellable);
  xpz_import_linkedin_async (zip, cancellable, import_done, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  profile = xpz_import_linkedin_finish (G_ASYNC_RESULT (result), &error);
  g_assert_null (profile);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- preview ---- */

static const char current_profile[] =
  "{\"basics\": {\"name\": \"Salma El Amrani\", \"label\": \"Data engineer\", \"email\": \"salma@old.example.ma\","
  "  \"location\": {\"city\": \"Rabat\"}},"
  " \"work\": [{\"name\": \"ocp group\", \"position\": \"INGÉNIEURE DONNÉES\", \"startDate\": \"2021\"},"
  "            {\"name\": \"Freelance\", \"position\": \"Consultante\"}],"
  " \"skills\": [{\"name\": \"python\", \"level\": \"Expert\"}],"
  " \"preferences\": {\"roles\": [\"Data engineer\"], \"relocate\": true}}";

static XpzImportChange *
find_change (GListModel *changes,
             const char *section,
             const char *field,
             const char *new_value_prefix)
{
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (XpzImportChange) change = g_list_model_get_item (changes, i);

      if (g_str_equal (xpz_import_change_get_section (change), section) &&
          g_strcmp0 (xpz_import_change_get_field (change), field) == 0 &&
          (new_value_prefix == NULL || g_str_has_prefix (xpz_import_change_get_new_value (change), new_value_prefix)))
        return change; /* the model keeps it alive */
    }
  return NULL;
}

static void
test_preview_diff_and_apply (void)
{
  g_autoptr (GFile) zip = fixture ("linkedin-export.zip");
  g_autoptr (JsonNode) imported = import_ok (zip);
  g_autoptr (JsonNode) current = parse (current_profile);
  g_autoptr (JsonNode) before = parse (current_profile);
  g_autoptr (GListModel) changes = xpz_import_diff (current, imported);
  g_autoptr (JsonNode) merged = NULL;
  XpzImportChange *change;
  guint n_work_adds = 0;

  g_assert_true (g_type_is_a (g_list_model_get_item_type (changes), XPZ_TYPE_IMPORT_CHANGE));

  /* The name is the same: no change. The headline and email differ. */
  g_assert_null (find_change (changes, "basics", "name", NULL));
  change = find_change (changes, "basics", "label", NULL);
  g_assert_nonnull (change);
  g_assert_cmpint (xpz_import_change_get_kind (change), ==, XPZ_IMPORT_CHANGE_SET_FIELD);
  g_assert_cmpstr (xpz_import_change_get_old_value (change), ==, "Data engineer");
  g_assert_cmpstr (xpz_import_change_get_new_value (change), ==, "Ingénieure données — مهندسة بيانات");
  g_assert_cmpstr (xpz_import_change_get_label (change), ==, "Headline");
  g_assert_true (xpz_import_change_get_keep (change));
  change = find_change (changes, "basics", "location.city", NULL);
  g_assert_nonnull (change);
  g_assert_cmpstr (xpz_import_change_get_old_value (change), ==, "Rabat");

  /* The OCP entry matches the current one (case-insensitive): an update, not a duplicate;
   * a difference in case only is not a change. */
  change = find_change (changes, "work", NULL, "INGÉNIEURE DONNÉES, ocp group (2021-03 – now)");
  g_assert_nonnull (change);
  g_assert_cmpint (xpz_import_change_get_kind (change), ==, XPZ_IMPORT_CHANGE_UPDATE_ITEM);
  g_assert_cmpint (xpz_import_change_get_index (change), ==, 0);
  g_assert_cmpstr (xpz_import_change_get_old_value (change), ==, "INGÉNIEURE DONNÉES, ocp group (2021 – now)");
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (XpzImportChange) c = g_list_model_get_item (changes, i);

      if (g_str_equal (xpz_import_change_get_section (c), "work") &&
          xpz_import_change_get_kind (c) == XPZ_IMPORT_CHANGE_ADD_ITEM)
        n_work_adds++;
    }
  g_assert_cmpuint (n_work_adds, ==, 2);

  /* "python" exists: no change for it (LinkedIn has no level, so nothing differs
   * once merged). */
  g_assert_null (find_change (changes, "skills", NULL, "Python"));
  g_assert_nonnull (find_change (changes, "skills", NULL, "Apache Spark"));

  /* The user unticks the headline and the Inwi entry. */
  xpz_import_change_set_keep (find_change (changes, "basics", "label", NULL), FALSE);
  xpz_import_change_set_keep (find_change (changes, "work", NULL, "Analyste BI"), FALSE);
  merged = xpz_import_apply (current, changes);

  g_assert_true (json_node_equal (current, before)); /* the input is untouched */
  g_assert_cmpstr (str_at (merged, "$.basics.label"), ==, "Data engineer");
  g_assert_cmpstr (str_at (merged, "$.basics.email"), ==, "salma.elamrani@example.ma");
  g_assert_cmpstr (str_at (merged, "$.basics.location.city"), ==, "Casablanca");
  g_assert_cmpstr (str_at (merged, "$.basics.location.countryCode"), ==, "MA");
  g_assert_cmpuint (len_at (merged, "work"), ==, 3);
  g_assert_cmpstr (str_at (merged, "$.work[0].name"), ==, "ocp group");
  g_assert_true (g_str_has_prefix (str_at (merged, "$.work[0].summary"), "Pipelines Spark"));
  g_assert_cmpstr (str_at (merged, "$.work[0].startDate"), ==, "2021-03");
  g_assert_cmpstr (str_at (merged, "$.work[1].name"), ==, "Freelance");
  g_assert_cmpstr (str_at (merged, "$.work[2].name"), ==, "Stage — Attijariwafa bank");
  g_assert_cmpstr (str_at (merged, "$.skills[0].level"), ==, "Expert");
  g_assert_cmpuint (len_at (merged, "skills"), ==, 5);
  g_assert_cmpuint (len_at (merged, "languages"), ==, 3);
  /* What the import knows nothing about stays. */
  g_assert_cmpstr (str_at (merged, "$.preferences.roles[0]"), ==, "Data engineer");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_preview_nothing_kept (void)
{
  g_autoptr (GFile) zip = fixture ("linkedin-export.zip");
  g_autoptr (JsonNode) imported = import_ok (zip);
  g_autoptr (JsonNode) current = parse (current_profile);
  g_autoptr (GListModel) changes = xpz_import_diff (current, imported);
  g_autoptr (GListModel) none = xpz_import_diff (current, NULL);
  g_autoptr (JsonNode) merged = NULL;
  g_autoptr (JsonNode) unchanged = NULL;
  g_autoptr (GListModel) again = NULL;
  guint notified = 0;

  g_assert_cmpuint (g_list_model_get_n_items (changes), >, 5);
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (XpzImportChange) change = g_list_model_get_item (changes, i);
      gulong id = g_signal_connect (change, "notify::keep", G_CALLBACK (count_notify), &notified);

      g_object_set (change, "keep", FALSE, NULL);
      g_object_set (change, "keep", FALSE, NULL); /* no second notification */
      g_signal_handler_disconnect (change, id);
    }
  merged = xpz_import_apply (current, changes);
  g_assert_true (json_node_equal (merged, current));

  /* A failed import (nothing to diff) changes nothing either. */
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);
  unchanged = xpz_import_apply (current, none);
  g_assert_true (json_node_equal (unchanged, current));

  /* Importing what is already there proposes nothing. */
  again = xpz_import_diff (imported, imported);
  g_assert_cmpuint (g_list_model_get_n_items (again), ==, 0);
  g_assert_cmpuint (notified, ==, g_list_model_get_n_items (changes));
}

static void
test_preview_into_empty_profile (void)
{
  g_autoptr (GFile) zip = fixture ("linkedin-export.zip");
  g_autoptr (JsonNode) imported = import_ok (zip);
  g_autoptr (GListModel) changes = xpz_import_diff (NULL, imported);
  g_autoptr (JsonNode) merged = xpz_import_apply (NULL, changes);

  /* Everything kept into an empty profile gives the imported profile. */
  check_salma (merged);
}

/* ---- ZIP ---- */

static void
test_zip_roundtrip (void)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (XpzZipWriter) writer = xpz_zip_writer_new (out);
  g_autoptr (GBytes) text = g_bytes_new_static ("Bonjour, مرحبا! Bonjour, مرحبا! Bonjour, مرحبا!", 53);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) archive = NULL;
  g_autoptr (XpzZipReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *random = g_malloc (100000);

  for (guint i = 0; i < 100000; i++)
    random[i] = (guint8) g_test_rand_int ();
  {
    g_autoptr (GBytes) noise = g_bytes_new (random, 100000);

    g_assert_true (xpz_zip_writer_add (writer, "resume.json", text, TRUE, NULL, &error));
    g_assert_true (xpz_zip_writer_add (writer, "documents/1-cv.pdf", noise, TRUE, NULL, &error));
    g_assert_true (xpz_zip_writer_add (writer, "documents/2-stored.txt", text, FALSE, NULL, &error));
    g_assert_true (xpz_zip_writer_add (writer, "empty.json", empty, TRUE, NULL, &error));
    g_assert_no_error (error);
  }
  /* Unsafe and duplicate names are refused; the archive is still fine afterwards. */
  g_assert_false (xpz_zip_writer_add (writer, "../evil", text, TRUE, NULL, &error));
  g_assert_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSAFE_NAME);
  g_clear_error (&error);
  g_assert_false (xpz_zip_writer_add (writer, "resume.json", text, TRUE, NULL, &error));
  g_assert_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSAFE_NAME);
  g_clear_error (&error);
  g_assert_true (xpz_zip_writer_finish (writer, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);

  archive = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  reader = xpz_zip_reader_new (archive, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (xpz_zip_reader_get_n_entries (reader), ==, 4);
  g_assert_cmpstr (xpz_zip_reader_get_name (reader, 1), ==, "documents/1-cv.pdf");
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (GBytes) data = xpz_zip_reader_extract (reader, i, 1 << 20, NULL, &error);

      g_assert_no_error (error);
      if (i == 1)
        g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), random, 100000);
      else if (i == 3)
        g_assert_cmpuint (g_bytes_get_size (data), ==, 0);
      else
        g_assert_true (g_bytes_equal (data, text));
    }
  /* The size cap applies before anything is inflated. */
  g_assert_null (xpz_zip_reader_extract (reader, 1, 1000, NULL, &error));
  g_assert_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_TOO_LARGE);
}

static void
test_zip_names (void)
{
  static const char *const safe[] = { "Profile.csv", "a/b/c.csv", "documents/", "Données/été.csv" };
  static const char *const unsafe[] = { "", "/etc/passwd", "../x", "a/../../x", "a/./b", "C:evil", "c:\\x",
                                        "a\\..\\b", "a//b", "tab\there", ".." };

  for (guint i = 0; i < G_N_ELEMENTS (safe); i++)
    g_assert_true (xpz_zip_name_is_safe (safe[i]));
  for (guint i = 0; i < G_N_ELEMENTS (unsafe); i++)
    {
      g_test_message ("%s", unsafe[i]);
      g_assert_false (xpz_zip_name_is_safe (unsafe[i]));
    }
  g_assert_cmphex (xpz_zip_crc32 (0, (const guint8 *) "123456789", 9), ==, 0xcbf43926);
}

/* ---- export ---- */

static void
test_export_json_resume (void)
{
  static const char profile_text[] =
    "{\"basics\": {\"name\": \"Salma\", \"email\": \"\", \"url\": \"\", \"phone\": \"+212661234567\","
    "  \"location\": {\"city\": \"Casablanca\", \"countryCode\": \"MA\"},"
    "  \"profiles\": [{\"network\": \"LinkedIn\", \"url\": \"https://www.linkedin.com/in/salma\"}]},"
    " \"work\": [{\"name\": \"OCP\", \"position\": \"Ingénieure\", \"startDate\": \"2021-03\", \"endDate\": \"soon\"}],"
    " \"education\": [], \"skills\": [{\"name\": \"SQL\", \"keywords\": [\"joins\"]}],"
    " \"languages\": [{\"language\": \"Arabic\", \"fluency\": \"Native\"}],"
    " \"preferences\": {\"salary\": {\"min\": 20000, \"currency\": \"MAD\", \"period\": \"month\"}}}";
  g_autoptr (JsonNode) profile = parse (profile_text);
  g_autofree char *resume = xpz_export_json_resume (profile);
  g_autofree char *empty_resume = xpz_export_json_resume (NULL);
  g_autoptr (JsonNode) resume_node = parse (resume);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) back = NULL;
  JsonObject *basics;

  g_assert_cmpstr (str_at (resume_node, "$.$schema"), ==,
                   "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json");
  g_assert_false (json_object_has_member (obj (resume_node), "preferences"));
  basics = json_object_get_object_member (obj (resume_node), "basics");
  /* Empty strings would fail the schema's formats: left out. */
  g_assert_false (json_object_has_member (basics, "email"));
  g_assert_false (json_object_has_member (basics, "url"));
  g_assert_null (str_at (resume_node, "$.work[0].endDate"));
  g_assert_cmpstr (str_at (resume_node, "$.work[0].startDate"), ==, "2021-03");
  g_assert_cmpstr (str_at (resume_node, "$.meta.version"), ==, "v1.0.0");

  /* What we export, we import back. */
  back = xpz_import_json_resume (resume, strlen (resume), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (str_at (back, "$.basics.name"), ==, "Salma");
  g_assert_cmpstr (str_at (back, "$.basics.location.city"), ==, "Casablanca");
  g_assert_cmpstr (str_at (back, "$.basics.profiles[0].url"), ==, "https://www.linkedin.com/in/salma");
  g_assert_cmpstr (str_at (back, "$.work[0].position"), ==, "Ingénieure");
  g_assert_cmpstr (str_at (back, "$.skills[0].keywords[0]"), ==, "joins");

  g_assert_nonnull (strstr (empty_resume, "\"basics\""));
}

static const char export_text[] =
  "{\"format\": \"xpertaize-export\", \"format_version\": 1, \"account\": {\"id\": 7, \"email\": \"s@example.ma\"},"
  " \"profile\": {\"basics\": {\"name\": \"Salma\"}, \"preferences\": {\"roles\": [\"Data engineer\"]}},"
  " \"privacy\": {\"sharing_mode\": \"explicit\"},"
  " \"documents\": [{\"id\": 3, \"filename\": \"../../CV Salma.pdf\", \"data\": \"JVBERi0xLjQKJSVFT0YK\"},"
  "                 {\"id\": 4, \"filename\": \"CV Salma.pdf\", \"data\": \"UEsDBA==\"}],"
  " \"shares\": [{\"id\": 1, \"employer\": \"OCP\"}], \"sign_ins\": [{\"at\": \"2026-01-31T00:00:00Z\"}],"
  " \"ledger\": {\"entries\": [], \"verified\": true}, \"matches\": [], \"employer_notes\": []}";

static void
test_export_zip (void)
{
  static const char *const expected[] = { "resume.json", "preferences.json", "ledger.json", "shares.json",
                                          "sign-ins.json", "documents/3-_._.._CV Salma.pdf",
                                          "documents/4-CV Salma.pdf", "export.json" };
  g_autoptr (JsonNode) export_data = parse (export_text);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GBytes) archive = NULL;
  g_autoptr (XpzZipReader) reader = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (xpz_export_write_zip (export_data, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  archive = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  reader = xpz_zip_reader_new (archive, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (xpz_zip_reader_get_n_entries (reader), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (xpz_zip_reader_get_name (reader, i), ==, expected[i]);
  {
    g_autoptr (GBytes) pdf = xpz_zip_reader_extract (reader, 5, 1 << 20, NULL, &error);
    g_autoptr (GBytes) prefs = xpz_zip_reader_extract (reader, 1, 1 << 20, NULL, &error);
    g_autoptr (GBytes) rest = xpz_zip_reader_extract (reader, 7, 1 << 20, NULL, &error);
    g_autofree char *prefs_text = g_strndup (g_bytes_get_data (prefs, NULL), g_bytes_get_size (prefs));
    g_autofree char *rest_text = g_strndup (g_bytes_get_data (rest, NULL), g_bytes_get_size (rest));

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), "%PDF-1.4\n%%EOF\n", 15);
    g_assert_nonnull (strstr (prefs_text, "Data engineer"));
    g_assert_nonnull (strstr (prefs_text, "explicit"));
    /* Everything else is kept, without the documents' contents (they are files). */
    g_assert_nonnull (strstr (rest_text, "employer_notes"));
    g_assert_null (strstr (rest_text, "JVBERi0"));
    g_assert_nonnull (strstr (rest_text, "documents/4-CV Salma.pdf"));
  }
  /* The input is untouched. */
  g_assert_cmpstr (str_at (export_data, "$.documents[0].data"), ==, "JVBERi0xLjQKJSVFT0YK");

  {
    g_autoptr (JsonNode) wrong = parse ("{\"format\": \"something-else\"}");
    g_autoptr (GOutputStream) out2 = g_memory_output_stream_new_resizable ();

    g_assert_false (xpz_export_write_zip (wrong, out2, NULL, &error));
    g_assert_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_EXPORT);
    g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out2)), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/import/R8.5/json-resume/official-sample", test_json_resume_sample);
  g_test_add_func ("/import/R8.5/json-resume/mapping-and-unknown-members", test_json_resume_mapping);
  g_test_add_func ("/import/R8.5/json-resume/bad-files", test_json_resume_errors);
  g_test_add_func ("/import/R8.5/json-resume/comment-bomb-is-an-error", test_json_resume_comment_bomb);
  g_test_add_func ("/import/R8.5/dates-normalised", test_normalize_date);
  g_test_add_func ("/import/R8.5/linkedin/zip-folder-nested", test_linkedin_zip);
  g_test_add_func ("/import/R8.5/linkedin/renamed-reordered-columns", test_linkedin_renamed_columns);
  g_test_add_func ("/import/R8.5/linkedin/missing-files-empty-sections", test_linkedin_missing_files);
  g_test_add_func ("/import/R8.5/linkedin/bad-files", test_linkedin_bad_files);
  g_test_add_func ("/import/R8.5/linkedin/async-and-cancel", test_linkedin_async);
  g_test_add_func ("/import/R8.5/preview/diff-and-apply-kept", test_preview_diff_and_apply);
  g_test_add_func ("/import/R8.5/preview/nothing-kept-changes-nothing", test_preview_nothing_kept);
  g_test_add_func ("/import/R8.5/preview/into-empty-profile", test_preview_into_empty_profile);
  g_test_add_func ("/import/zip/roundtrip", test_zip_roundtrip);
  g_test_add_func ("/import/zip/unsafe-names-and-crc", test_zip_names);
  g_test_add_func ("/import/R8.5/export/json-resume", test_export_json_resume);
  g_test_add_func ("/import/R8.5/export/full-zip", test_export_zip);

  return g_test_run ();
}
