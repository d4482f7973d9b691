/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-platform-private.h"

/*
 * Seeding: the Moroccan demo market (--seed-demo), the synthetic scale data set for
 * benchmarks (--seed-scale N), and loading the matching index from the store.
 *
 * All seeded accounts share one argon2id hash of XPZ_PLATFORM_DEMO_PASSWORD, computed
 * once with the server's configured cost, so that seeding thousands of accounts is fast.
 */

void
xpz_platform_load_matcher (XpzPlatformServer *self)
{
  gint64 now = xpz_platform_server_now_locked (self);
  sqlite3_stmt *stmt;
  g_autoptr(GArray) blocked = g_array_new (FALSE, FALSE, sizeof (gint64));

  stmt = xpz_platform_db_query (self->db,
                                "SELECT p.account_id, p.doc, v.sharing_mode, v.matching_paused, v.restricted"
                                " FROM profiles p JOIN accounts a ON a.id = p.account_id"
                                " LEFT JOIN privacy v ON v.account_id = p.account_id"
                                " WHERE a.role = 'candidate' ORDER BY p.account_id", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_autoptr(JsonObject) profile = xpz_platform_json_parse_object ((const char *) sqlite3_column_text (stmt, 1));
      g_autoptr(JsonObject) empty = json_object_new ();
      XpzCandidateVec *c = xpz_platform_matcher_set_candidate (self->matcher, id, profile ? profile : empty, now);
      guint8 flags = 0;

      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "explicit") == 0)
        flags |= XPZ_CANDIDATE_EXPLICIT;
      if (sqlite3_column_int (stmt, 3))
        flags |= XPZ_CANDIDATE_PAUSED;
      if (sqlite3_column_int (stmt, 4))
        flags |= XPZ_CANDIDATE_RESTRICTED;
      c->flags = flags;
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);

  stmt = xpz_platform_db_query (self->db, "SELECT DISTINCT candidate_id FROM blocks", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (blocked, id);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  for (guint i = 0; i < blocked->len; i++)
    xpz_platform_reload_blocks (self, g_array_index (blocked, gint64, i));

  stmt = xpz_platform_db_query (self->db,
                                "SELECT j.id, j.employer_id, a.email_domain, j.doc FROM jobs j"
                                " JOIN accounts a ON a.id = j.employer_id ORDER BY j.id", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) job = xpz_platform_json_parse_object ((const char *) sqlite3_column_text (stmt, 3));
      g_autoptr(JsonObject) empty = json_object_new ();

      xpz_platform_matcher_set_job (self->matcher, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                                    (const char *) sqlite3_column_text (stmt, 2), job ? job : empty);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
}

static JsonObject *
parse_literal (const char *json)
{
  JsonObject *o = xpz_platform_json_parse_object (json);

  g_assert (o != NULL);
  return o;
}

typedef struct
{
  const char *email;
  const char *name;
  const char *company;
} SeedEmployer;

static const SeedEmployer employers[] = {
  { XPZ_PLATFORM_DEMO_RECRUITER_EMAIL, "Samira Benkirane", "XpertAIze Demo Recrutement" },
  { "rh@atlas-digital.demo.ma", "Khalid Berrada", "Atlas Digital (Casablanca)" },
  { "talents@maghreb-finance.demo.ma", "Nadia Chraibi", "Maghreb Finance (Rabat)" },
  { "jobs@detroit-logistique.demo.ma", "Hamza El Ouazzani", "Détroit Logistique (Tanger)" },
  { "careers@ocre-hospitality.demo.ma", "Sophie Laurent", "Ocre Hospitality (Marrakech)" },
};

/* employer index, job JSON */
static const struct { guint employer; const char *json; } jobs[] = {
  { 0, "{\"title\":\"Développeur Python Senior\",\"description\":\"Plateforme de matching RH : API, données et IA.\","
       "\"skills\":[{\"name\":\"Python\",\"must_have\":true},{\"name\":\"Django\",\"must_have\":false},"
       "{\"name\":\"PostgreSQL\",\"must_have\":false},{\"name\":\"Docker\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\","
       "\"salary\":{\"min\":25000,\"max\":35000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"senior\",\"languages\":[\"French\",\"English\"]}" },
  { 0, "{\"title\":\"Data Analyst\",\"description\":\"Tableaux de bord et analyses pour nos clients.\","
       "\"skills\":[{\"name\":\"SQL\",\"must_have\":true},{\"name\":\"Python\",\"must_have\":false},"
       "{\"name\":\"Power BI\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"onsite\","
       "\"salary\":{\"min\":12000,\"max\":18000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"mid\",\"languages\":[\"French\",\"Arabic\"]}" },
  { 1, "{\"title\":\"Ingénieur DevOps\",\"description\":\"Cloud, CI/CD et fiabilité.\","
       "\"skills\":[{\"name\":\"Kubernetes\",\"must_have\":true},{\"name\":\"AWS\",\"must_have\":false},"
       "{\"name\":\"Terraform\",\"must_have\":false},{\"name\":\"Linux\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"remote\","
       "\"salary\":{\"min\":22000,\"max\":32000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"senior\",\"languages\":[\"French\",\"English\"]}" },
  { 1, "{\"title\":\"Développeuse / Développeur Front-end React\",\"description\":\"Interfaces web accessibles.\","
       "\"skills\":[{\"name\":\"React\",\"must_have\":true},{\"name\":\"TypeScript\",\"must_have\":false},"
       "{\"name\":\"CSS\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\","
       "\"salary\":{\"min\":15000,\"max\":24000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"mid\",\"languages\":[\"French\"]}" },
  { 2, "{\"title\":\"Comptable confirmé\",\"description\":\"Comptabilité générale et fiscalité marocaine.\","
       "\"skills\":[{\"name\":\"Comptabilité\",\"must_have\":true},{\"name\":\"Excel\",\"must_have\":false},"
       "{\"name\":\"SAP\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Rabat\",\"countryCode\":\"MA\"},\"work_mode\":\"onsite\","
       "\"salary\":{\"min\":10000,\"max\":15000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"mid\",\"languages\":[\"Arabic\",\"French\"]}" },
  { 2, "{\"title\":\"محلل مالي (Financial Analyst)\",\"description\":\"Analyse financière et reporting.\","
       "\"skills\":[{\"name\":\"Excel\",\"must_have\":true},{\"name\":\"Contrôle de gestion\",\"must_have\":false},"
       "{\"name\":\"SQL\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Rabat\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\","
       "\"salary\":{\"min\":14000,\"max\":20000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"mid\",\"languages\":[\"Arabic\",\"French\",\"English\"]}" },
  { 3, "{\"title\":\"Ingénieur logistique\",\"description\":\"Flux portuaires Tanger Med.\","
       "\"skills\":[{\"name\":\"Supply chain\",\"must_have\":true},{\"name\":\"SAP\",\"must_have\":false},"
       "{\"name\":\"Excel\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Tanger\",\"countryCode\":\"MA\"},\"work_mode\":\"onsite\","
       "\"salary\":{\"min\":13000,\"max\":19000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"mid\",\"languages\":[\"French\",\"Spanish\"]}" },
  { 3, "{\"title\":\"Warehouse Team Lead\",\"description\":\"Lead a team of 20 in our Tangier hub.\","
       "\"skills\":[{\"name\":\"Supply chain\",\"must_have\":false},{\"name\":\"Gestion de projet\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Tangier\",\"countryCode\":\"MA\"},\"work_mode\":\"onsite\","
       "\"salary\":{\"min\":11000,\"max\":16000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDD\",\"seniority\":\"lead\",\"languages\":[\"Arabic\",\"Spanish\"]}" },
  { 4, "{\"title\":\"Réceptionniste trilingue\",\"description\":\"Accueil des clients d’un riad 5 étoiles.\","
       "\"skills\":[{\"name\":\"Service client\",\"must_have\":true},{\"name\":\"Opera PMS\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Marrakech\",\"countryCode\":\"MA\"},\"work_mode\":\"onsite\","
       "\"salary\":{\"min\":6000,\"max\":8500,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"junior\",\"languages\":[\"French\",\"English\",\"Arabic\"]}" },
  { 4, "{\"title\":\"Responsable RH\",\"description\":\"Recrutement et administration du personnel.\","
       "\"skills\":[{\"name\":\"Ressources humaines\",\"must_have\":true},{\"name\":\"Droit du travail\",\"must_have\":false}],"
       "\"location\":{\"city\":\"Marrakesh\",\"countryCode\":\"MA\"},\"work_mode\":\"hybrid\","
       "\"salary\":{\"min\":16000,\"max\":22000,\"currency\":\"MAD\",\"period\":\"month\"},"
       "\"contract_type\":\"CDI\",\"seniority\":\"senior\",\"languages\":[\"French\",\"Arabic\"]}" },
};

/* email, name, mode, profile JSON (basics other than name/email, and the rest) */
static const struct { const char *email; const char *name; const char *mode; const char *json; } candidates[] = {
  { XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL, "Yasmine El Idrissi", "automatic",
    "{\"basics\":{\"label\":\"Développeuse Python\",\"phone\":\"+212612345678\","
    "\"url\":\"https://yasmine-elidrissi.example.ma\",\"summary\":\"Développeuse backend, 7 ans d'expérience.\","
    "\"location\":{\"city\":\"Casablanca\",\"region\":\"Casablanca-Settat\",\"countryCode\":\"MA\"},"
    "\"profiles\":[{\"network\":\"LinkedIn\",\"username\":\"yasmine-elidrissi\",\"url\":\"https://www.linkedin.com/in/yasmine-elidrissi\"}]},"
    "\"work\":[{\"name\":\"Atlas Soft\",\"position\":\"Développeuse Python\",\"startDate\":\"2019-03\",\"summary\":\"API Django, PostgreSQL.\"},"
    "{\"name\":\"Casa Web\",\"position\":\"Développeuse junior\",\"startDate\":\"2017-01\",\"endDate\":\"2019-02\"}],"
    "\"education\":[{\"institution\":\"ENSIAS\",\"area\":\"Génie logiciel\",\"studyType\":\"Ingénieur d'État\",\"startDate\":\"2012\",\"endDate\":\"2016\"}],"
    "\"skills\":[{\"name\":\"Python (primary)\",\"level\":\"Expert\",\"keywords\":[\"Django\",\"FastAPI\"]},{\"name\":\"django\"},"
    "{\"name\":\"Postgres\"},{\"name\":\"Docker\"},{\"name\":\"SQL\"}],"
    "\"languages\":[{\"language\":\"Arabic\",\"fluency\":\"Native speaker\"},{\"language\":\"French\",\"fluency\":\"Fluent\"},"
    "{\"language\":\"English\",\"fluency\":\"Professional\"}],"
    "\"preferences\":{\"roles\":[\"Développeur Python\",\"Backend developer\"],\"contract_types\":[\"CDI\"],"
    "\"work_modes\":[\"hybrid\",\"remote\"],\"salary\":{\"min\":24000,\"max\":32000,\"currency\":\"MAD\",\"period\":\"month\"},"
    "\"locations\":[\"Casablanca\",\"Rabat\"],\"relocate\":false}}" },
  { "omar.benjelloun@demo.xpertaize.test", "Omar Benjelloun", "explicit",
    "{\"basics\":{\"label\":\"Ingénieur DevOps\",\"phone\":\"0661234567\",\"location\":{\"city\":\"Rabat\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Maroc Telecom\",\"position\":\"Ingénieur systèmes\",\"startDate\":\"2016-09\"}],"
    "\"skills\":[{\"name\":\"k8s\"},{\"name\":\"AWS\"},{\"name\":\"Terraform\"},{\"name\":\"Linux\"}],"
    "\"languages\":[{\"language\":\"French\",\"fluency\":\"Fluent\"},{\"language\":\"English\",\"fluency\":\"Fluent\"}],"
    "\"preferences\":{\"roles\":[\"Ingénieur DevOps\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"remote\"],"
    "\"salary\":{\"min\":26000,\"max\":34000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Rabat\"],\"relocate\":false}}" },
  { "salma.tazi@demo.xpertaize.test", "Salma Tazi", "automatic",
    "{\"basics\":{\"label\":\"Data Analyst\",\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Banque Populaire\",\"position\":\"Analyste données\",\"startDate\":\"2021-01\"}],"
    "\"skills\":[{\"name\":\"SQL\"},{\"name\":\"Python\"},{\"name\":\"Power BI\"},{\"name\":\"Excel\"}],"
    "\"languages\":[{\"language\":\"Arabic\"},{\"language\":\"French\"}],"
    "\"preferences\":{\"roles\":[\"Data Analyst\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"onsite\",\"hybrid\"],"
    "\"salary\":{\"min\":13000,\"max\":17000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Casablanca\"]}}" },
  { "karim.alaoui@demo.xpertaize.test", "Karim Alaoui", "explicit",
    "{\"basics\":{\"label\":\"Comptable\",\"location\":{\"city\":\"Salé\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Cabinet Fiduciaire Rabat\",\"position\":\"Comptable\",\"startDate\":\"2018-05\"}],"
    "\"skills\":[{\"name\":\"Comptabilité\"},{\"name\":\"Excel\"},{\"name\":\"Sage\"}],"
    "\"languages\":[{\"language\":\"Arabic\"},{\"language\":\"French\"}],"
    "\"preferences\":{\"roles\":[\"Comptable\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"onsite\"],"
    "\"salary\":{\"min\":11000,\"max\":14000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Rabat\",\"Salé\"]}}" },
  { "fatima-zahra.bennani@demo.xpertaize.test", "Fatima Zahra Bennani", "automatic",
    "{\"basics\":{\"label\":\"Responsable RH\",\"location\":{\"city\":\"Marrakech\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Palmeraie Resorts\",\"position\":\"Chargée RH\",\"startDate\":\"2015-02\"}],"
    "\"skills\":[{\"name\":\"Ressources humaines\"},{\"name\":\"Droit du travail\"},{\"name\":\"Recrutement\"}],"
    "\"languages\":[{\"language\":\"Arabic\"},{\"language\":\"French\"},{\"language\":\"English\"}],"
    "\"preferences\":{\"roles\":[\"Responsable RH\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"hybrid\"],"
    "\"salary\":{\"min\":17000,\"max\":21000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Marrakech\"]}}" },
  { "mehdi.chraibi@demo.xpertaize.test", "Mehdi Chraibi", "automatic",
    "{\"basics\":{\"label\":\"Front-end developer\",\"location\":{\"city\":\"Casablanca\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Startup Casa\",\"position\":\"Développeur React\",\"startDate\":\"2022-01\"}],"
    "\"skills\":[{\"name\":\"React.js\"},{\"name\":\"TS\"},{\"name\":\"CSS\"},{\"name\":\"JavaScript\"}],"
    "\"languages\":[{\"language\":\"French\"},{\"language\":\"English\"}],"
    "\"preferences\":{\"roles\":[\"Développeur Front-end\"],\"contract_types\":[\"CDI\",\"Freelance\"],\"work_modes\":[\"hybrid\",\"remote\"],"
    "\"salary\":{\"min\":16000,\"max\":22000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Casablanca\"]}}" },
  { "sara.elmansouri@demo.xpertaize.test", "سارة المنصوري", "explicit",
    "{\"basics\":{\"label\":\"محللة مالية\",\"location\":{\"city\":\"Rabat\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"CDG\",\"position\":\"محللة مالية\",\"startDate\":\"2019-09\"}],"
    "\"skills\":[{\"name\":\"Excel\"},{\"name\":\"Contrôle de gestion\"},{\"name\":\"SQL\"}],"
    "\"languages\":[{\"language\":\"Arabic\"},{\"language\":\"French\"},{\"language\":\"English\"}],"
    "\"preferences\":{\"roles\":[\"Financial Analyst\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"hybrid\"],"
    "\"salary\":{\"min\":15000,\"max\":19000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Rabat\"]}}" },
  { "youssef.amrani@demo.xpertaize.test", "Youssef Amrani", "automatic",
    "{\"basics\":{\"label\":\"Supply chain engineer\",\"location\":{\"city\":\"Tanger\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Renault Tanger\",\"position\":\"Ingénieur logistique\",\"startDate\":\"2017-06\"}],"
    "\"skills\":[{\"name\":\"Supply chain\"},{\"name\":\"SAP\"},{\"name\":\"Excel\"},{\"name\":\"Gestion de projet\"}],"
    "\"languages\":[{\"language\":\"Arabic\"},{\"language\":\"French\"},{\"language\":\"Spanish\"}],"
    "\"preferences\":{\"roles\":[\"Ingénieur logistique\"],\"contract_types\":[\"CDI\",\"CDD\"],\"work_modes\":[\"onsite\"],"
    "\"salary\":{\"min\":14000,\"max\":18000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Tangier\"]}}" },
  { "hind.lahlou@demo.xpertaize.test", "Hind Lahlou", "explicit",
    "{\"basics\":{\"label\":\"Réceptionniste\",\"location\":{\"city\":\"Marrakech\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Riad Yasmine\",\"position\":\"Réceptionniste\",\"startDate\":\"2023-03\"}],"
    "\"skills\":[{\"name\":\"Service client\"},{\"name\":\"Opera PMS\"}],"
    "\"languages\":[{\"language\":\"Arabic\"},{\"language\":\"French\"},{\"language\":\"English\"},{\"language\":\"Spanish\"}],"
    "\"preferences\":{\"roles\":[\"Réceptionniste\"],\"contract_types\":[\"CDI\"],\"work_modes\":[\"onsite\"],"
    "\"salary\":{\"min\":6500,\"max\":8000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Marrakech\"]}}" },
  { "james.walker@demo.xpertaize.test", "James Walker", "automatic",
    "{\"basics\":{\"label\":\"Backend engineer\",\"location\":{\"city\":\"Rabat\",\"countryCode\":\"MA\"}},"
    "\"work\":[{\"name\":\"Offshore Dev Rabat\",\"position\":\"Software engineer\",\"startDate\":\"2014-01\"}],"
    "\"skills\":[{\"name\":\"Python\"},{\"name\":\"Go\"},{\"name\":\"Docker\"},{\"name\":\"Kubernetes\"}],"
    "\"languages\":[{\"language\":\"English\"},{\"language\":\"French\"}],"
    "\"preferences\":{\"roles\":[\"Backend developer\"],\"contract_types\":[\"CDI\",\"Freelance\"],\"work_modes\":[\"remote\"],"
    "\"salary\":{\"min\":30000,\"max\":40000,\"currency\":\"MAD\",\"period\":\"month\"},\"locations\":[\"Rabat\"],\"relocate\":true}}" },
};

gboolean
xpz_platform_seed_demo (XpzPlatformServer  *self,
                        GError            **error)
{
  gint64 now = xpz_platform_server_now_locked (self);
  g_autofree char *hash = NULL;
  g_autoptr(GArray) employer_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 demo_candidate = 0;

  if (xpz_platform_db_int (self->db, 0, "SELECT 1 FROM accounts WHERE email = ?", "s", XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL))
    return TRUE;   /* already seeded */

  hash = xpz_platform_auth_hash_password (self, XPZ_PLATFORM_DEMO_PASSWORD);
  if (hash == NULL)
    {
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_FAILED, "Could not hash the demo password");
      return FALSE;
    }
  xpz_platform_db_clear_failed (self->db);
  if (!xpz_platform_db_begin (self->db, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (employers); i++)
    {
      gint64 id = xpz_platform_auth_create_account (self, employers[i].email, hash, "employer", employers[i].name,
                                                    employers[i].company, now);
      g_array_append_val (employer_ids, id);
      /* the demo's organisations are verified (recorded as a "seed" decision), before
       * their jobs exist: creating a job shares automatic-mode candidates */
      xpz_platform_set_verification (self, id, TRUE, 0, "seed", now);
    }
  /* candidates first, then jobs: creating a job shares automatic-mode candidates */
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      /* The demo's candidates joined a season ago: insights count only established
       * profiles (accounts at least 30 days old, R3.5). */
      gint64 id = xpz_platform_auth_create_account (self, candidates[i].email, hash, "candidate", candidates[i].name,
                                                    NULL, now - 90 * 24 * 3600);
      g_autoptr(JsonObject) profile = parse_literal (candidates[i].json);
      JsonObject *basics = json_object_get_object_member (profile, "basics");

      json_object_set_string_member (basics, "name", candidates[i].name);
      json_object_set_string_member (basics, "email", candidates[i].email);
      if (g_str_equal (candidates[i].mode, "explicit"))
        {
          JsonObject *detail = json_object_new ();

          xpz_platform_db_run (self->db, "UPDATE privacy SET sharing_mode = 'explicit', version = version + 1 WHERE account_id = ?",
                               "i", id);
          json_object_set_string_member (detail, "from", "automatic");
          json_object_set_string_member (detail, "to", "explicit");
          json_object_set_string_member (detail, "basis", "consent");
          xpz_platform_ledger_append (self, id, "sharing_mode_changed", detail, now);
        }
      xpz_platform_store_profile (self, id, profile, now);
      xpz_platform_matcher_set_flags (self->matcher, id, xpz_platform_privacy_flags (self, id));
      if (i == 0)
        demo_candidate = id;
    }
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_autoptr(JsonObject) job = parse_literal (jobs[i].json);
      gint64 employer = g_array_index (employer_ids, gint64, jobs[i].employer);
      gint64 job_id = xpz_platform_store_job (self, 0, employer, job, now, TRUE);

      /* a pending introduction for the demo candidate, from the Rabat bank */
      if (jobs[i].employer == 2 && i == 5)
        xpz_platform_db_run (self->db,
                             "INSERT INTO introductions (candidate_id, employer_id, job_id, status, message, requested_at)"
                             " VALUES (?, ?, ?, 'pending', ?, ?)", "iiisi", demo_candidate, employer, job_id,
                             "Bonjour, votre profil nous intéresse pour notre équipe data à Rabat.", now);
    }
  /* the demo recruiter has a note on a shared candidate */
  xpz_platform_db_run (self->db,
                       "INSERT INTO pipeline (job_id, candidate_id, stage, note, updated_at)"
                       " SELECT s.job_id, s.candidate_id, 'reviewing', 'Profil solide, à appeler cette semaine.', ?"
                       " FROM shares s WHERE s.employer_id = ? AND s.candidate_id = ? AND s.job_id IS NOT NULL LIMIT 1",
                       "iii", now, g_array_index (employer_ids, gint64, 0), demo_candidate);

  if (xpz_platform_db_failed (self->db))
    {
      xpz_platform_db_rollback (self->db);
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE, "Seeding the demo data failed");
      xpz_platform_matcher_free (self->matcher);
      self->matcher = xpz_platform_matcher_new ();
      xpz_platform_load_matcher (self);
      return FALSE;
    }
  return xpz_platform_db_commit (self->db, error);
}

/* ---- scale ---- */

static const char * const scale_skills[] = {
  "python", "django", "sql", "postgresql", "docker", "kubernetes", "aws", "linux", "react", "typescript",
  "javascript", "css", "java", "spring", "go", "excel", "sap", "comptabilite", "controle de gestion",
  "supply chain", "gestion de projet", "service client", "ressources humaines", "power bi", "terraform",
  "machine learning", "php", "laravel", "android", "swift", "marketing digital", "seo", "figma", "scrum",
  "sage", "droit du travail", "recrutement", "opera pms", "vente", "negociation",
};
static const char * const scale_cities[] = {
  "Casablanca", "Rabat", "Tanger", "Marrakech", "Fès", "Agadir", "Salé", "Kénitra",
};
static const char * const scale_roles[] = {
  "Développeur Python", "Data Analyst", "Comptable", "Ingénieur DevOps", "Responsable RH",
  "Commercial", "Ingénieur logistique", "Développeur Front-end", "Chef de projet", "Réceptionniste",
};
static const char * const scale_first[] = {
  "Yasmine", "Omar", "Salma", "Karim", "Fatima", "Mehdi", "Hind", "Youssef", "Nadia", "Amine", "Imane", "Reda",
  "Sara", "Hamza", "Leila", "Anas", "Meryem", "Zakaria", "Khadija", "Ayoub",
};
static const char * const scale_last[] = {
  "El Idrissi", "Benjelloun", "Tazi", "Alaoui", "Bennani", "Chraibi", "Lahlou", "Amrani", "Berrada", "Fassi",
  "Kettani", "Sqalli", "El Mansouri", "Haddad", "Ouazzani", "Bouzidi",
};

gboolean
xpz_platform_seed_scale (XpzPlatformServer  *self,
                         guint               n,
                         GError            **error)
{
  gint64 now = xpz_platform_server_now_locked (self);
  g_autofree char *hash = xpz_platform_auth_hash_password (self, XPZ_PLATFORM_DEMO_PASSWORD);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GArray) employer_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n_employers = MAX (1, n / 100);
  guint n_jobs = MAX (1, n / 10);
  gint64 base = xpz_platform_db_int (self->db, 0, "SELECT COALESCE (MAX (id), 0) FROM accounts", NULL);

  if (hash == NULL)
    {
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_FAILED, "Could not hash the demo password");
      return FALSE;
    }
  xpz_platform_db_clear_failed (self->db);
  if (!xpz_platform_db_begin (self->db, error))
    return FALSE;

  for (guint i = 0; i < n_employers; i++)
    {
      g_autofree char *email = g_strdup_printf ("recruiter%" G_GINT64_FORMAT "-%u@scale%u.demo.ma", base, i, i);
      g_autofree char *company = g_strdup_printf ("Entreprise %u SARL", i + 1);
      gint64 id;

      xpz_platform_db_run (self->db,
                           "INSERT INTO accounts (email, email_domain, password_hash, role, name, company, created_at,"
                           " last_activity_at) VALUES (?, ?, ?, 'employer', ?, ?, ?, ?)",
                           "sssssii", email, strchr (email, '@') + 1, hash, "Recruteur", company, now, now);
      id = xpz_platform_db_last_insert_id (self->db);
      g_array_append_val (employer_ids, id);
    }

  for (guint i = 0; i < n; i++)
    {
      const char *first = scale_first[g_rand_int_range (rand, 0, G_N_ELEMENTS (scale_first))];
      const char *last = scale_last[g_rand_int_range (rand, 0, G_N_ELEMENTS (scale_last))];
      g_autofree char *name = g_strdup_printf ("%s %s", first, last);
      g_autofree char *email = g_strdup_printf ("candidate%" G_GINT64_FORMAT "-%u@scale.demo.ma", base, i);
      g_autoptr(GString) doc = g_string_new (NULL);
      g_autoptr(JsonObject) profile = NULL;
      const char *city = scale_cities[g_rand_int_range (rand, 0, G_N_ELEMENTS (scale_cities))];
      int start_year = g_rand_int_range (rand, 2004, 2026);
      int salary = g_rand_int_range (rand, 60, 400) * 100;
      guint n_skills = (guint) g_rand_int_range (rand, 3, 9);
      /* joined between one month and a year ago: an established profile (R3.5) counts in
       * the insights, as in a market that has run for a while */
      gint64 joined = now - (gint64) g_rand_int_range (rand, 31, 366) * 86400;
      gint64 id;

      g_string_append_printf (doc, "{\"basics\":{\"name\":\"%s\",\"email\":\"%s\",\"label\":\"%s\","
                              "\"location\":{\"city\":\"%s\",\"countryCode\":\"MA\"}},"
                              "\"work\":[{\"name\":\"Société %u\",\"position\":\"%s\",\"startDate\":\"%d-%02d\"}],"
                              "\"skills\":[", name, email,
                              scale_roles[i % G_N_ELEMENTS (scale_roles)], city, i % 997,
                              scale_roles[i % G_N_ELEMENTS (scale_roles)], start_year, g_rand_int_range (rand, 1, 13));
      for (guint s = 0; s < n_skills; s++)
        g_string_append_printf (doc, "%s{\"name\":\"%s\"}", s ? "," : "",
                                scale_skills[g_rand_int_range (rand, 0, G_N_ELEMENTS (scale_skills))]);
      g_string_append_printf (doc, "],\"languages\":[{\"language\":\"French\"}%s%s],"
                              "\"preferences\":{\"roles\":[\"%s\"],\"contract_types\":[\"%s\"],"
                              "\"work_modes\":[\"%s\"],\"salary\":{\"min\":%d,\"max\":%d,\"currency\":\"MAD\",\"period\":\"month\"},"
                              "\"locations\":[\"%s\"],\"relocate\":%s}}",
                              g_rand_boolean (rand) ? ",{\"language\":\"Arabic\"}" : "",
                              g_rand_boolean (rand) ? ",{\"language\":\"English\"}" : "",
                              scale_roles[i % G_N_ELEMENTS (scale_roles)],
                              g_rand_boolean (rand) ? "CDI" : "CDD",
                              (const char *[]) { "remote", "hybrid", "onsite" }[g_rand_int_range (rand, 0, 3)],
                              salary, salary + g_rand_int_range (rand, 0, 80) * 100, city,
                              g_rand_boolean (rand) ? "true" : "false");

      xpz_platform_db_run (self->db,
                           "INSERT INTO accounts (email, email_domain, password_hash, role, name, created_at, last_activity_at)"
                           " VALUES (?, 'scale.demo.ma', ?, 'candidate', ?, ?, ?)", "sssii", email, hash, name, joined, now);
      id = xpz_platform_db_last_insert_id (self->db);
      xpz_platform_db_run (self->db,
                           "INSERT INTO privacy (account_id, sharing_mode, channels, updated_at) VALUES (?, 'explicit', '{}', ?)",
                           "ii", id, now);
      xpz_platform_db_run (self->db, "INSERT INTO profiles (account_id, doc, version, updated_at) VALUES (?, ?, 1, ?)",
                           "isi", id, doc->str, now);
      profile = xpz_platform_json_parse_object (doc->str);
      if (profile != NULL)
        {
          XpzCandidateVec *c = xpz_platform_matcher_set_candidate (self->matcher, id, profile, now);
          c->flags = XPZ_CANDIDATE_EXPLICIT;
        }
    }

  for (guint i = 0; i < n_jobs; i++)
    {
      g_autoptr(GString) doc = g_string_new (NULL);
      g_autoptr(JsonObject) job = NULL;
      gint64 employer = g_array_index (employer_ids, gint64, i % n_employers);
      g_autofree char *domain = xpz_platform_db_text (self->db, "SELECT email_domain FROM accounts WHERE id = ?", "i", employer);
      int salary = g_rand_int_range (rand, 80, 350) * 100;
      guint n_skills = (guint) g_rand_int_range (rand, 2, 6);
      gint64 id;

      g_string_append_printf (doc, "{\"title\":\"%s\",\"skills\":[", scale_roles[i % G_N_ELEMENTS (scale_roles)]);
      for (guint s = 0; s < n_skills; s++)
        g_string_append_printf (doc, "%s{\"name\":\"%s\",\"must_have\":%s}", s ? "," : "",
                                scale_skills[g_rand_int_range (rand, 0, G_N_ELEMENTS (scale_skills))],
                                s == 0 && g_rand_int_range (rand, 0, 4) == 0 ? "true" : "false");
      g_string_append_printf (doc, "],\"location\":{\"city\":\"%s\",\"countryCode\":\"MA\"},\"work_mode\":\"%s\","
                              "\"salary\":{\"min\":%d,\"max\":%d,\"currency\":\"MAD\",\"period\":\"month\"},"
                              "\"contract_type\":\"CDI\",\"seniority\":\"%s\",\"languages\":[\"French\"]}",
                              scale_cities[g_rand_int_range (rand, 0, G_N_ELEMENTS (scale_cities))],
                              (const char *[]) { "remote", "hybrid", "onsite" }[g_rand_int_range (rand, 0, 3)],
                              salary, salary + 5000,
                              (const char *[]) { "junior", "mid", "senior", "lead" }[g_rand_int_range (rand, 0, 4)]);
      xpz_platform_db_run (self->db,
                           "INSERT INTO jobs (employer_id, doc, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                           "isii", employer, doc->str, now, now);
      id = xpz_platform_db_last_insert_id (self->db);
      job = xpz_platform_json_parse_object (doc->str);
      if (job != NULL)
        xpz_platform_matcher_set_job (self->matcher, id, employer, domain, job);
    }

  if (xpz_platform_db_failed (self->db))
    {
      xpz_platform_db_rollback (self->db);
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE, "Seeding the scale data failed");
      xpz_platform_matcher_free (self->matcher);
      self->matcher = xpz_platform_matcher_new ();
      xpz_platform_load_matcher (self);
      return FALSE;
    }
  return xpz_platform_db_commit (self->db, error);
}
