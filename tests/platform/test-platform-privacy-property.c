/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-platform-test-util.h"

/*
 * R5.2 property: for many random profiles in explicit-consent mode, no identifying
 * field (name, email, phone, LinkedIn / url, profiles, documents, free text) ever
 * appears in any employer-facing response. A candidate who accepted an introduction
 * is the positive control: their fields must appear, or the check proves nothing.
 */

#define N_CANDIDATES 120

static const char * const real_skills[] = { "Python", "SQL", "Docker", "React", "Excel", "Go", "Kubernetes" };
static const char * const real_cities[] = { "Casablanca", "Rabat", "Tanger", "Marrakech" };

static char *
marker (GRand *rand)
{
  char buf[13] = "qx";

  for (guint i = 2; i < 12; i++)
    buf[i] = (char) ('a' + g_rand_int_range (rand, 0, 26));
  buf[12] = '\0';
  return g_strdup (buf);
}

/* Adds a marker to the candidate's list and returns it. */
static const char *
mark (GPtrArray *markers,
      GRand     *rand)
{
  char *m = marker (rand);

  g_ptr_array_add (markers, m);
  return m;
}

static char *
random_profile (GRand     *rand,
                GPtrArray *markers)
{
  g_autoptr(GString) s = g_string_new ("{\"basics\":{");
  gboolean first = TRUE;

#define FIELD(fmt, ...) G_STMT_START { g_string_append_printf (s, "%s" fmt, first ? "" : ",", __VA_ARGS__); first = FALSE; } G_STMT_END
  FIELD ("\"name\":\"%s %s\"", mark (markers, rand), mark (markers, rand));
  if (g_rand_boolean (rand))
    FIELD ("\"email\":\"%s@%s.ma\"", mark (markers, rand), mark (markers, rand));
  if (g_rand_boolean (rand))
    {
      char *digits = g_strdup_printf ("%08d", g_rand_int_range (rand, 10000000, 99999999));
      g_ptr_array_add (markers, digits);
      FIELD ("\"phone\":\"+2126%s\"", digits);
    }
  if (g_rand_boolean (rand))
    FIELD ("\"url\":\"https://%s.example\"", mark (markers, rand));
  if (g_rand_boolean (rand))
    FIELD ("\"label\":\"%s\"", mark (markers, rand));
  if (g_rand_boolean (rand))
    FIELD ("\"summary\":\"Reach me at %s or %s\"", mark (markers, rand), mark (markers, rand));
  if (g_rand_boolean (rand))
    FIELD ("\"profiles\":[{\"network\":\"LinkedIn\",\"username\":\"%s\",\"url\":\"https://www.linkedin.com/in/%s\"}]",
           mark (markers, rand), mark (markers, rand));
  FIELD ("\"location\":{\"city\":\"%s\",\"region\":\"%s\",\"countryCode\":\"MA\"}",
         g_rand_boolean (rand) ? real_cities[g_rand_int_range (rand, 0, 4)] : mark (markers, rand),
         mark (markers, rand));
  g_string_append (s, "}");

  g_string_append_printf (s, ",\"work\":[{\"name\":\"%s\",\"position\":\"%s\",\"startDate\":\"%d-0%d\",\"summary\":\"%s\"}]",
                          mark (markers, rand), mark (markers, rand), g_rand_int_range (rand, 2000, 2025),
                          g_rand_int_range (rand, 1, 10), mark (markers, rand));
  g_string_append_printf (s, ",\"education\":[{\"institution\":\"%s\",\"area\":\"%s\",\"studyType\":\"%s\"}]",
                          mark (markers, rand), mark (markers, rand), mark (markers, rand));
  g_string_append (s, ",\"skills\":[");
  for (guint i = 0, n = (guint) g_rand_int_range (rand, 1, 5); i < n; i++)
    g_string_append_printf (s, "%s{\"name\":\"%s\",\"level\":\"%s\",\"keywords\":[\"%s\"]}", i ? "," : "",
                            real_skills[g_rand_int_range (rand, 0, G_N_ELEMENTS (real_skills))],
                            mark (markers, rand), mark (markers, rand));
  /* a free-text "skill" that is really contact data */
  g_string_append_printf (s, ",{\"name\":\"%s\"}]", mark (markers, rand));
  g_string_append_printf (s, ",\"languages\":[{\"language\":\"French\",\"fluency\":\"%s\"}]", mark (markers, rand));
  g_string_append_printf (s, ",\"preferences\":{\"roles\":[\"%s\"],\"locations\":[\"%s\",\"Casablanca\"],"
                          "\"work_modes\":[\"hybrid\"],\"contract_types\":[\"CDI\"],"
                          "\"salary\":{\"min\":%d,\"max\":%d,\"currency\":\"MAD\",\"period\":\"month\"}}}",
                          mark (markers, rand), mark (markers, rand),
                          g_rand_int_range (rand, 5000, 20000), g_rand_int_range (rand, 20000, 40000));
#undef FIELD
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static guint
count_markers (const char *body,
               GPtrArray  *markers)
{
  guint found = 0;

  for (guint i = 0; i < markers->len; i++)
    if (strstr (body, g_ptr_array_index (markers, i)) != NULL)
      found++;
  return found;
}

static void
test_property (void)
{
  XpzTestServer *ts = xpz_test_server_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
  g_autoptr(GPtrArray) secret = g_ptr_array_new_with_free_func (g_free);   /* never shared */
  g_autoptr(GPtrArray) control = g_ptr_array_new_with_free_func (g_free);  /* shared by consent */
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *employer = xpz_test_signup (ts, "hr@prop.example.ma", "employer", "HR", "Prop", NULL);
  g_autofree char *control_token = NULL;
  gint64 control_id = 0, job, intro;
  g_autofree char *path = NULL;
  g_autofree char *cursor = NULL;
  XpzTestResponse *r;

  xpz_test_verify_employer (ts, "hr@prop.example.ma");
  job = xpz_test_create_job (ts, employer,
                             "{\"title\":\"Engineer\",\"skills\":[{\"name\":\"Python\"},{\"name\":\"SQL\"},{\"name\":\"Docker\"}],"
                             "\"location\":{\"city\":\"Casablanca\"},\"work_mode\":\"hybrid\",\"contract_type\":\"CDI\","
                             "\"salary\":{\"min\":10000,\"max\":30000,\"currency\":\"MAD\",\"period\":\"month\"},"
                             "\"seniority\":\"mid\",\"languages\":[\"French\"]}");

  for (guint i = 0; i < N_CANDIDATES + 1; i++)
    {
      g_autofree char *email = g_strdup_printf ("prop%u@example.ma", i);
      GPtrArray *markers = i == N_CANDIDATES ? control : secret;
      g_autofree char *name = marker (rand);
      g_autofree char *token = NULL;
      g_autofree char *profile = NULL;
      g_autofree char *doc = NULL;
      g_autofree char *doc_name = NULL;
      gint64 id;

      g_ptr_array_add (markers, g_strdup (name));
      token = xpz_test_signup (ts, email, "candidate", name, NULL, &id);
      g_ptr_array_add (markers, g_strdup_printf ("prop%u@", i));
      xpz_test_set_privacy (ts, token, "{\"sharing_mode\":\"explicit\"}");
      profile = random_profile (rand, markers);
      xpz_test_put_profile (ts, token, profile);
      doc_name = g_strdup_printf ("%s.pdf", mark (markers, rand));
      doc = g_strdup_printf ("{\"filename\":\"%s\",\"data\":\"JVBERi0xLjQK\"}", doc_name);
      r = xpz_test_request (ts, "POST", "/api/v1/me/documents", token, doc, NULL);
      g_assert_cmpuint (r->status, ==, 201);
      xpz_test_response_free (r);
      g_array_append_val (ids, id);
      if (i == N_CANDIDATES)
        {
          control_id = id;
          control_token = g_steal_pointer (&token);
        }
    }

  /* the control candidate accepts an introduction */
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT "/introduction", job,
                          xpz_platform_server_candidate_handle (ts->server, job, control_id));
  r = xpz_test_request (ts, "POST", path, employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 201);
  intro = json_object_get_int_member (xpz_test_object (r), "id");
  xpz_test_response_free (r);
  g_free (path);
  path = g_strdup_printf ("/api/v1/me/introductions/%" G_GINT64_FORMAT "/accept", intro);
  r = xpz_test_request (ts, "POST", path, control_token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  xpz_test_response_free (r);

  /* every employer-facing response */
  g_free (path);
  path = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches?limit=500", job);
  r = xpz_test_request (ts, "GET", path, employer, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (xpz_test_array (r)), >=, N_CANDIDATES / 2);
  g_ptr_array_add (bodies, g_strdup (r->body));
  xpz_test_response_free (r);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autofree char *one = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT "/matches/%" G_GINT64_FORMAT, job,
                                              xpz_platform_server_candidate_handle (ts->server, job, id));
      g_autofree char *intro_path = g_strdup_printf ("%s/introduction", one);

      r = xpz_test_request (ts, "GET", one, employer, NULL, NULL);
      if (r->status == 200)
        g_ptr_array_add (bodies, g_strdup (r->body));
      xpz_test_response_free (r);
      r = xpz_test_request (ts, "PUT", one, employer, "{\"stage\":\"reviewing\",\"note\":\"ok\"}", NULL);
      g_ptr_array_add (bodies, g_strdup (r->body));
      xpz_test_response_free (r);
      if (id != control_id)
        {
          r = xpz_test_request (ts, "POST", intro_path, employer, NULL, NULL);
          g_ptr_array_add (bodies, g_strdup (r->body));
          xpz_test_response_free (r);
        }
    }

  do
    {
      g_autofree char *feed = cursor ? g_strdup_printf ("/api/v1/changes?limit=50&since=%s", cursor)
                                     : g_strdup ("/api/v1/changes?limit=50");
      gboolean more;

      r = xpz_test_request (ts, "GET", feed, employer, NULL, NULL);
      g_assert_cmpuint (r->status, ==, 200);
      g_ptr_array_add (bodies, g_strdup (r->body));
      more = json_object_get_boolean_member (xpz_test_object (r), "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (xpz_test_object (r), "cursor"));
      xpz_test_response_free (r);
      if (!more)
        break;
    }
  while (TRUE);

  r = xpz_test_request (ts, "GET", "/api/v1/insights/salaries?profession=Engineer", employer, NULL, NULL);
  g_ptr_array_add (bodies, g_strdup (r->body));
  xpz_test_response_free (r);

  {
    guint leaked = 0, control_seen = 0;
    g_autoptr(GString) all = g_string_new (NULL);

    for (guint i = 0; i < bodies->len; i++)
      g_string_append (all, g_ptr_array_index (bodies, i));
    leaked = count_markers (all->str, secret);
    control_seen = count_markers (all->str, control);
    g_test_message ("%u responses, %u secret markers, %u leaked; %u of %u control markers seen",
                    bodies->len, secret->len, leaked, control_seen, control->len);
    if (leaked > 0)
      for (guint i = 0; i < secret->len; i++)
        if (strstr (all->str, g_ptr_array_index (secret, i)) != NULL)
          g_error ("leaked “%s”", (const char *) g_ptr_array_index (secret, i));
    g_assert_cmpuint (leaked, ==, 0);
    /* the consented candidate's name, email and document are visible: the check can fail */
    g_assert_cmpuint (control_seen, >=, 3);
  }
  xpz_test_server_free (ts);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/platform/R5.2/property-no-identifying-field-reaches-employer", test_property);
  return g_test_run ();
}
