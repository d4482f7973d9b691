/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xpz-platform-matching.h"

void xpz_platform_json_append_string (GString *out, const char *s);

struct _XpzPlatformMatcher
{
  GHashTable *skill_ids;     /* canonical name → id (1-based) */
  GPtrArray  *skill_names;   /* id - 1 → canonical name */
  GHashTable *city_ids;
  GPtrArray  *city_names;
  GPtrArray  *candidates;    /* XpzCandidateVec */
  GHashTable *candidate_index;  /* id → index + 1 */
  GPtrArray  *jobs;          /* XpzJobVec */
  GHashTable *job_index;
};

static const guint8 factor_weights[XPZ_N_FACTORS] = { 40, 15, 15, 10, 10, 10 };
static const char * const factor_names[XPZ_N_FACTORS] = {
  "skills", "seniority", "location", "salary", "contract", "languages",
};
static const char * const status_names[] = {
  "unknown", "match", "partial", "mismatch", "gate_failed",
};

/* Synonyms, after accents, case, parenthesised remarks and extra spaces are removed. */
static const struct { const char *alias; const char *canonical; } skill_synonyms[] = {
  { "js", "javascript" }, { "ecmascript", "javascript" },
  { "ts", "typescript" },
  { "node", "nodejs" }, { "node.js", "nodejs" }, { "node js", "nodejs" },
  { "py", "python" }, { "python3", "python" }, { "python 3", "python" },
  { "postgres", "postgresql" }, { "psql", "postgresql" },
  { "k8s", "kubernetes" },
  { "golang", "go" },
  { "c#", "csharp" }, { "c sharp", "csharp" }, { ".net", "dotnet" }, { "asp.net", "dotnet" },
  { "c++", "cpp" },
  { "reactjs", "react" }, { "react.js", "react" },
  { "vuejs", "vue" }, { "vue.js", "vue" },
  { "angularjs", "angular" },
  { "ml", "machine learning" }, { "apprentissage automatique", "machine learning" },
  { "ai", "artificial intelligence" }, { "ia", "artificial intelligence" },
  { "intelligence artificielle", "artificial intelligence" },
  { "amazon web services", "aws" },
  { "gcp", "google cloud" },
  { "ms excel", "excel" }, { "microsoft excel", "excel" },
  { "gestion de projet", "project management" }, { "gestion de projets", "project management" },
  { "comptabilite", "accounting" }, { "controle de gestion", "management control" },
  { "ressources humaines", "human resources" }, { "rh", "human resources" }, { "hr", "human resources" },
  { "service client", "customer service" }, { "relation client", "customer service" },
  { "marketing digital", "digital marketing" },
  { "sap fi", "sap" }, { "sap fico", "sap" },
  { "ci/cd", "ci cd" }, { "cicd", "ci cd" },
  { "devops", "devops" },
  { "analyse de donnees", "data analysis" },
};

static const struct { const char *alias; const char *canonical; } city_synonyms[] = {
  { "casa", "casablanca" }, { "dar el beida", "casablanca" }, { "ad-dar al-bayda", "casablanca" },
  { "tangier", "tanger" }, { "tangiers", "tanger" }, { "tanja", "tanger" },
  { "marrakesh", "marrakech" },
  { "fez", "fes" },
  { "sale", "sale" },
  { "meknes", "meknes" },
  { "agadir", "agadir" },
  { "oujda", "oujda" },
  { "kenitra", "kenitra" },
  { "tetouan", "tetouan" },
};

static const struct { const char *city; const char *region; } city_regions[] = {
  { "casablanca", "Casablanca-Settat" }, { "mohammedia", "Casablanca-Settat" },
  { "el jadida", "Casablanca-Settat" }, { "settat", "Casablanca-Settat" },
  { "rabat", "Rabat-Salé-Kénitra" }, { "sale", "Rabat-Salé-Kénitra" },
  { "kenitra", "Rabat-Salé-Kénitra" }, { "temara", "Rabat-Salé-Kénitra" },
  { "tanger", "Tanger-Tétouan-Al Hoceïma" }, { "tetouan", "Tanger-Tétouan-Al Hoceïma" },
  { "marrakech", "Marrakech-Safi" }, { "safi", "Marrakech-Safi" },
  { "fes", "Fès-Meknès" }, { "meknes", "Fès-Meknès" },
  { "agadir", "Souss-Massa" }, { "oujda", "Oriental" },
  { "paris", "Île-de-France" }, { "madrid", "Comunidad de Madrid" },
};

static const struct { const char *alias; guint bit; } language_table[] = {
  { "fr", 0 }, { "french", 0 }, { "francais", 0 },
  { "ar", 1 }, { "arabic", 1 }, { "arabe", 1 }, { "darija", 1 }, { "moroccan arabic", 1 },
  { "en", 2 }, { "english", 2 }, { "anglais", 2 },
  { "es", 3 }, { "spanish", 3 }, { "espagnol", 3 },
  { "de", 4 }, { "german", 4 }, { "allemand", 4 },
  { "zgh", 5 }, { "amazigh", 5 }, { "tamazight", 5 }, { "berber", 5 },
  { "it", 6 }, { "italian", 6 }, { "italien", 6 },
  { "pt", 7 }, { "portuguese", 7 }, { "portugais", 7 },
  { "zh", 8 }, { "chinese", 8 }, { "chinois", 8 },
};
static const char * const language_names[] = {
  "French", "Arabic", "English", "Spanish", "German", "Amazigh", "Italian", "Portuguese", "Chinese",
};

static const struct { const char *alias; guint8 bit; } contract_table[] = {
  { "permanent", 1 }, { "cdi", 1 }, { "full-time", 1 }, { "full time", 1 },
  { "fixed-term", 2 }, { "fixed term", 2 }, { "cdd", 2 },
  { "freelance", 4 }, { "contractor", 4 }, { "contract", 4 }, { "independant", 4 },
  { "internship", 8 }, { "stage", 8 }, { "anapec", 8 },
  { "part-time", 16 }, { "part time", 16 }, { "temps partiel", 16 },
};

static const struct { const char *alias; guint8 bit; } mode_table[] = {
  { "remote", 1 }, { "teletravail", 1 }, { "full remote", 1 },
  { "hybrid", 2 }, { "hybride", 2 },
  { "onsite", 4 }, { "on-site", 4 }, { "on site", 4 }, { "sur site", 4 }, { "presentiel", 4 },
};

static const char * const seniority_names[] = { "junior", "mid", "senior", "lead" };
static const char * const seniority_words[] = { "junior", "mid-level", "senior", "lead" };
static const int seniority_low[] = { 0, 2, 5, 8 };
static const int seniority_high[] = { 2, 5, 10, 60 };

/* Lower case ASCII, no accents, no parenthesised remarks, single spaces. */
static char *
normalize_text (const char *text)
{
  g_autofree char *ascii = NULL;
  GString *out;
  int depth = 0;
  gboolean space = FALSE;

  if (text == NULL)
    return g_strdup ("");
  ascii = g_str_to_ascii (text, "C");
  out = g_string_new (NULL);
  for (const char *p = ascii; *p != '\0'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (c == '(' || c == '[')
        {
          depth++;
          continue;
        }
      if ((c == ')' || c == ']') && depth > 0)
        {
          depth--;
          continue;
        }
      if (depth > 0)
        continue;
      if (g_ascii_isspace (c) || c == '_')
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, c);
    }
  /* trailing punctuation such as "Python," or "SQL;" */
  while (out->len > 0 && strchr (",;:.!", out->str[out->len - 1]) != NULL)
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

char *
xpz_platform_normalize_skill (const char *name)
{
  char *text = normalize_text (name);

  for (guint i = 0; i < G_N_ELEMENTS (skill_synonyms); i++)
    if (g_str_equal (text, skill_synonyms[i].alias))
      {
        g_free (text);
        return g_strdup (skill_synonyms[i].canonical);
      }
  return text;
}

char *
xpz_platform_normalize_city (const char *name)
{
  char *text = normalize_text (name);

  for (guint i = 0; i < G_N_ELEMENTS (city_synonyms); i++)
    if (g_str_equal (text, city_synonyms[i].alias))
      {
        g_free (text);
        return g_strdup (city_synonyms[i].canonical);
      }
  return text;
}

const char *
xpz_platform_city_region (const char *normalized_city)
{
  for (guint i = 0; normalized_city != NULL && i < G_N_ELEMENTS (city_regions); i++)
    if (g_str_equal (normalized_city, city_regions[i].city))
      return city_regions[i].region;
  return NULL;
}

static guint32
language_bit (const char *name)
{
  g_autofree char *text = normalize_text (name);

  for (guint i = 0; i < G_N_ELEMENTS (language_table); i++)
    if (g_str_equal (text, language_table[i].alias))
      return 1u << language_table[i].bit;
  return 0;
}

static guint8
contract_bit (const char *name)
{
  g_autofree char *text = normalize_text (name);

  for (guint i = 0; i < G_N_ELEMENTS (contract_table); i++)
    if (g_str_equal (text, contract_table[i].alias))
      return contract_table[i].bit;
  return 0;
}

static guint8
mode_bit (const char *name)
{
  g_autofree char *text = normalize_text (name);

  for (guint i = 0; i < G_N_ELEMENTS (mode_table); i++)
    if (g_str_equal (text, mode_table[i].alias))
      return mode_table[i].bit;
  return 0;
}

int
xpz_platform_seniority_from_string (const char *text)
{
  g_autofree char *norm = normalize_text (text);

  if (g_str_equal (norm, "junior") || g_str_equal (norm, "debutant") || g_str_equal (norm, "entry"))
    return 0;
  if (g_str_equal (norm, "mid") || g_str_equal (norm, "intermediate") || g_str_equal (norm, "confirme"))
    return 1;
  if (g_str_equal (norm, "senior") || g_str_equal (norm, "expert"))
    return 2;
  if (g_str_equal (norm, "lead") || g_str_equal (norm, "principal") || g_str_equal (norm, "manager"))
    return 3;
  return -1;
}

const char *
xpz_platform_seniority_to_string (int seniority)
{
  if (seniority < 0 || seniority > 3)
    return NULL;
  return seniority_names[seniority];
}

int
xpz_platform_seniority_from_years (int years)
{
  if (years < 0)
    return -1;
  if (years < 2)
    return 0;
  if (years < 5)
    return 1;
  if (years < 8)
    return 2;
  return 3;
}

/* Months since year 0 of "YYYY", "YYYY-MM" or "YYYY-MM-DD"; -1 if it is none of them. */
static int
parse_month (const char *date)
{
  int year = 0, month = 1;
  gsize len;

  if (date == NULL)
    return -1;
  len = strlen (date);
  if (len != 4 && len != 7 && len != 10)
    return -1;
  for (gsize i = 0; i < len; i++)
    {
      if ((i == 4 || i == 7) ? date[i] != '-' : !g_ascii_isdigit (date[i]))
        return -1;
    }
  year = atoi (date);
  if (len >= 7)
    month = atoi (date + 5);
  if (month < 1 || month > 12)
    return -1;
  return year * 12 + month - 1;
}

int
xpz_platform_years_from_work (JsonArray *work,
                              gint64     now)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (now);
  int now_month = g_date_time_get_year (dt) * 12 + g_date_time_get_month (dt) - 1;
  int months = 0;
  gboolean known = FALSE;

  if (work == NULL)
    return -1;
  for (guint i = 0; i < json_array_get_length (work); i++)
    {
      JsonNode *node = json_array_get_element (work, i);
      JsonObject *entry;
      int start, end;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      start = parse_month (json_object_get_string_member_with_default (entry, "startDate", NULL));
      if (start < 0)
        continue;
      end = parse_month (json_object_get_string_member_with_default (entry, "endDate", NULL));
      if (end < 0)
        end = now_month;
      if (end > start)
        months += end - start;
      known = TRUE;
    }
  if (!known)
    return -1;
  return MIN (months / 12, 60);
}

static void
candidate_vec_clear (XpzCandidateVec *vec)
{
  g_clear_pointer (&vec->skills, g_free);
  g_clear_pointer (&vec->cities, g_free);
  g_clear_pointer (&vec->blocked_employers, g_array_unref);
  g_clear_pointer (&vec->blocked_domains, g_ptr_array_unref);
  vec->n_skills = vec->n_cities = 0;
}

static void
candidate_vec_free (gpointer data)
{
  XpzCandidateVec *vec = data;

  candidate_vec_clear (vec);
  g_free (vec);
}

static void
job_vec_clear (XpzJobVec *vec)
{
  g_clear_pointer (&vec->skills, g_free);
  g_clear_pointer (&vec->must_have, g_free);
  g_clear_pointer (&vec->employer_domain, g_free);
  vec->n_skills = 0;
}

static void
job_vec_free (gpointer data)
{
  XpzJobVec *vec = data;

  job_vec_clear (vec);
  g_free (vec);
}

XpzPlatformMatcher *
xpz_platform_matcher_new (void)
{
  XpzPlatformMatcher *self = g_new0 (XpzPlatformMatcher, 1);

  self->skill_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->skill_names = g_ptr_array_new_with_free_func (g_free);
  self->city_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->city_names = g_ptr_array_new_with_free_func (g_free);
  self->candidates = g_ptr_array_new_with_free_func (candidate_vec_free);
  self->candidate_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->jobs = g_ptr_array_new_with_free_func (job_vec_free);
  self->job_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  return self;
}

void
xpz_platform_matcher_free (XpzPlatformMatcher *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->skill_ids);
  g_ptr_array_unref (self->skill_names);
  g_hash_table_unref (self->city_ids);
  g_ptr_array_unref (self->city_names);
  g_ptr_array_unref (self->candidates);
  g_hash_table_unref (self->candidate_index);
  g_ptr_array_unref (self->jobs);
  g_hash_table_unref (self->job_index);
  g_free (self);
}

static guint32
intern (GHashTable *ids,
        GPtrArray  *names,
        char       *canonical)  /* takes ownership */
{
  gpointer value;

  if (canonical[0] == '\0')
    {
      g_free (canonical);
      return 0;
    }
  if (g_hash_table_lookup_extended (ids, canonical, NULL, &value))
    {
      g_free (canonical);
      return GPOINTER_TO_UINT (value);
    }
  g_ptr_array_add (names, canonical);
  g_hash_table_insert (ids, canonical, GUINT_TO_POINTER (names->len));
  return names->len;
}

static int
compare_u32 (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static gboolean
get_number (JsonObject *object,
            const char *member,
            double     *value)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*value) && *value >= 0;
}

/* salary {min, max, currency, period} → monthly amounts; FALSE if unknown. */
static gboolean
parse_salary (JsonObject *salary,
              double     *min,
              double     *max,
              char        currency[4])
{
  const char *period, *cur;
  gboolean has_min, has_max;
  double factor = 1.0;

  if (salary == NULL)
    return FALSE;
  has_min = get_number (salary, "min", min);
  has_max = get_number (salary, "max", max);
  if (!has_min && !has_max)
    return FALSE;
  if (!has_min)
    *min = *max;
  if (!has_max)
    *max = *min;
  if (*max < *min)
    {
      double t = *min;
      *min = *max;
      *max = t;
    }
  period = get_string (salary, "period");
  if (period != NULL && (g_ascii_strcasecmp (period, "year") == 0 ||
                         g_ascii_strcasecmp (period, "yearly") == 0 ||
                         g_ascii_strcasecmp (period, "annual") == 0))
    factor = 1.0 / 12.0;
  *min *= factor;
  *max *= factor;
  cur = get_string (salary, "currency");
  if (cur == NULL || strlen (cur) != 3)
    cur = "MAD";
  for (int i = 0; i < 3; i++)
    currency[i] = g_ascii_toupper (cur[i]);
  currency[3] = '\0';
  return TRUE;
}

static guint
lookup_index (GHashTable *index,
              gint64      id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (index, GSIZE_TO_POINTER ((gsize) id)));
}

XpzCandidateVec *
xpz_platform_matcher_set_candidate (XpzPlatformMatcher *self,
                                    gint64              id,
                                    JsonObject         *profile,
                                    gint64              now)
{
  XpzCandidateVec *vec;
  guint slot = lookup_index (self->candidate_index, id);
  JsonObject *basics, *prefs, *location;
  JsonArray *array;
  GArray *skills = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *cities = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *blocked_employers = NULL;
  GPtrArray *blocked_domains = NULL;
  guint8 flags = 0;

  if (slot != 0)
    {
      vec = g_ptr_array_index (self->candidates, slot - 1);
      flags = vec->flags & ~XPZ_CANDIDATE_DELETED;
      blocked_employers = g_steal_pointer (&vec->blocked_employers);
      blocked_domains = g_steal_pointer (&vec->blocked_domains);
      candidate_vec_clear (vec);
    }
  else
    {
      vec = g_new0 (XpzCandidateVec, 1);
      g_ptr_array_add (self->candidates, vec);
      g_hash_table_insert (self->candidate_index, GSIZE_TO_POINTER ((gsize) id),
                           GUINT_TO_POINTER (self->candidates->len));
    }

  vec->id = id;
  vec->flags = flags;
  vec->blocked_employers = blocked_employers;
  vec->blocked_domains = blocked_domains;

  array = get_array (profile, "skills");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *name = JSON_NODE_HOLDS_OBJECT (node) ? get_string (json_node_get_object (node), "name") : NULL;
      guint32 sid;

      if (name == NULL)
        continue;
      sid = intern (self->skill_ids, self->skill_names, xpz_platform_normalize_skill (name));
      if (sid != 0)
        g_array_append_val (skills, sid);
    }
  g_array_sort (skills, compare_u32);
  /* dedupe */
  for (guint i = 1; i < skills->len;)
    {
      if (g_array_index (skills, guint32, i) == g_array_index (skills, guint32, i - 1))
        g_array_remove_index (skills, i);
      else
        i++;
    }
  vec->n_skills = skills->len;
  vec->skills = (guint32 *) g_array_free (skills, FALSE);

  vec->years = (gint16) xpz_platform_years_from_work (get_array (profile, "work"), now);

  basics = get_object (profile, "basics");
  location = get_object (basics, "location");
  vec->home_city = 0;
  if (get_string (location, "city") != NULL)
    {
      vec->home_city = intern (self->city_ids, self->city_names,
                               xpz_platform_normalize_city (get_string (location, "city")));
      if (vec->home_city != 0)
        g_array_append_val (cities, vec->home_city);
    }

  prefs = get_object (profile, "preferences");
  array = get_array (prefs, "locations");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      guint32 cid;

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      cid = intern (self->city_ids, self->city_names,
                    xpz_platform_normalize_city (json_node_get_string (node)));
      if (cid != 0)
        g_array_append_val (cities, cid);
    }
  vec->n_cities = cities->len;
  vec->cities = (guint32 *) g_array_free (cities, FALSE);

  vec->work_modes = 0;
  array = get_array (prefs, "work_modes");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        vec->work_modes |= mode_bit (json_node_get_string (node));
    }

  vec->contracts = 0;
  array = get_array (prefs, "contract_types");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        vec->contracts |= contract_bit (json_node_get_string (node));
    }

  vec->relocate = -1;
  if (prefs != NULL && json_object_has_member (prefs, "relocate") &&
      json_node_get_value_type (json_object_get_member (prefs, "relocate")) == G_TYPE_BOOLEAN)
    vec->relocate = json_object_get_boolean_member (prefs, "relocate") ? 1 : 0;

  if (!parse_salary (get_object (prefs, "salary"), &vec->salary_min, &vec->salary_max, vec->currency))
    vec->salary_min = vec->salary_max = -1;

  vec->languages = 0;
  array = get_array (profile, "languages");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *name = JSON_NODE_HOLDS_OBJECT (node) ? get_string (json_node_get_object (node), "language") : NULL;
      if (name != NULL)
        vec->languages |= language_bit (name);
    }

  return vec;
}

XpzCandidateVec *
xpz_platform_matcher_get_candidate (XpzPlatformMatcher *self,
                                    gint64              id)
{
  guint slot = lookup_index (self->candidate_index, id);
  XpzCandidateVec *vec;

  if (slot == 0)
    return NULL;
  vec = g_ptr_array_index (self->candidates, slot - 1);
  return (vec->flags & XPZ_CANDIDATE_DELETED) ? NULL : vec;
}

XpzCandidateVec *
xpz_platform_matcher_candidate_at (XpzPlatformMatcher *self,
                                   guint               index)
{
  return index < self->candidates->len ? g_ptr_array_index (self->candidates, index) : NULL;
}

guint
xpz_platform_matcher_n_candidates (XpzPlatformMatcher *self)
{
  return self->candidates->len;
}

void
xpz_platform_matcher_set_flags (XpzPlatformMatcher *self,
                                gint64              candidate_id,
                                guint8              flags)
{
  XpzCandidateVec *vec = xpz_platform_matcher_get_candidate (self, candidate_id);

  if (vec != NULL)
    vec->flags = flags & ~XPZ_CANDIDATE_DELETED;
}

void
xpz_platform_matcher_set_blocks (XpzPlatformMatcher *self,
                                 gint64              candidate_id,
                                 GArray             *employers,
                                 GPtrArray          *domains)
{
  XpzCandidateVec *vec = xpz_platform_matcher_get_candidate (self, candidate_id);

  if (vec == NULL)
    return;
  g_clear_pointer (&vec->blocked_employers, g_array_unref);
  g_clear_pointer (&vec->blocked_domains, g_ptr_array_unref);
  if (employers != NULL && employers->len > 0)
    vec->blocked_employers = g_array_ref (employers);
  if (domains != NULL && domains->len > 0)
    vec->blocked_domains = g_ptr_array_ref (domains);
}

void
xpz_platform_matcher_remove_candidate (XpzPlatformMatcher *self,
                                       gint64              id)
{
  XpzCandidateVec *vec = xpz_platform_matcher_get_candidate (self, id);

  if (vec == NULL)
    return;
  candidate_vec_clear (vec);
  vec->flags = XPZ_CANDIDATE_DELETED;
  vec->years = -1;
  vec->salary_min = vec->salary_max = -1;
  vec->relocate = -1;
  vec->work_modes = vec->contracts = 0;
  vec->languages = 0;
  vec->home_city = 0;
}

XpzJobVec *
xpz_platform_matcher_set_job (XpzPlatformMatcher *self,
                              gint64              id,
                              gint64              employer_id,
                              const char         *employer_domain,
                              JsonObject         *job)
{
  guint slot = lookup_index (self->job_index, id);
  XpzJobVec *vec;
  JsonArray *array;
  JsonObject *location;
  const char *text;
  guint n;

  if (slot != 0)
    {
      vec = g_ptr_array_index (self->jobs, slot - 1);
      job_vec_clear (vec);
    }
  else
    {
      vec = g_new0 (XpzJobVec, 1);
      g_ptr_array_add (self->jobs, vec);
      g_hash_table_insert (self->job_index, GSIZE_TO_POINTER ((gsize) id),
                           GUINT_TO_POINTER (self->jobs->len));
    }
  vec->id = id;
  vec->employer_id = employer_id;
  vec->employer_domain = g_strdup (employer_domain);
  vec->deleted = FALSE;

  array = get_array (job, "skills");
  n = array ? json_array_get_length (array) : 0;
  vec->skills = g_new0 (guint32, MAX (n, 1));
  vec->must_have = g_new0 (guint8, MAX (n, 1));
  vec->n_skills = 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *skill = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = get_string (skill, "name");
      guint32 sid;
      gboolean dup = FALSE;

      if (name == NULL)
        continue;
      sid = intern (self->skill_ids, self->skill_names, xpz_platform_normalize_skill (name));
      if (sid == 0)
        continue;
      for (guint j = 0; j < vec->n_skills; j++)
        if (vec->skills[j] == sid)
          {
            dup = TRUE;
            if (json_object_get_boolean_member_with_default (skill, "must_have", FALSE))
              vec->must_have[j] = 1;
          }
      if (dup)
        continue;
      vec->skills[vec->n_skills] = sid;
      vec->must_have[vec->n_skills] = json_object_get_boolean_member_with_default (skill, "must_have", FALSE);
      vec->n_skills++;
    }

  text = get_string (job, "seniority");
  vec->seniority = (gint8) (text ? xpz_platform_seniority_from_string (text) : -1);
  text = get_string (job, "work_mode");
  vec->work_mode = text ? mode_bit (text) : 0;
  location = get_object (job, "location");
  text = get_string (location, "city");
  vec->city = text ? intern (self->city_ids, self->city_names, xpz_platform_normalize_city (text)) : 0;
  if (!parse_salary (get_object (job, "salary"), &vec->salary_min, &vec->salary_max, vec->currency))
    vec->salary_min = vec->salary_max = -1;
  text = get_string (job, "contract_type");
  vec->contract = text ? contract_bit (text) : 0;
  vec->languages = 0;
  array = get_array (job, "languages");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        vec->languages |= language_bit (json_node_get_string (node));
    }
  return vec;
}

XpzJobVec *
xpz_platform_matcher_get_job (XpzPlatformMatcher *self,
                              gint64              id)
{
  guint slot = lookup_index (self->job_index, id);
  XpzJobVec *vec;

  if (slot == 0)
    return NULL;
  vec = g_ptr_array_index (self->jobs, slot - 1);
  return vec->deleted ? NULL : vec;
}

XpzJobVec *
xpz_platform_matcher_job_at (XpzPlatformMatcher *self,
                             guint               index)
{
  return index < self->jobs->len ? g_ptr_array_index (self->jobs, index) : NULL;
}

guint
xpz_platform_matcher_n_jobs (XpzPlatformMatcher *self)
{
  return self->jobs->len;
}

void
xpz_platform_matcher_remove_job (XpzPlatformMatcher *self,
                                 gint64              id)
{
  XpzJobVec *vec = xpz_platform_matcher_get_job (self, id);

  if (vec == NULL)
    return;
  job_vec_clear (vec);
  vec->deleted = TRUE;
}

static gboolean
has_skill (const XpzCandidateVec *candidate,
           guint32                sid)
{
  const guint32 *found = bsearch (&sid, candidate->skills, candidate->n_skills,
                                  sizeof (guint32), compare_u32);
  return found != NULL;
}

static gboolean
targets_city (const XpzCandidateVec *candidate,
              guint32                city)
{
  for (guint i = 0; i < candidate->n_cities; i++)
    if (candidate->cities[i] == city)
      return TRUE;
  return FALSE;
}

static void
set_factor (XpzScore *score,
            XpzFactor factor,
            double    fraction,
            XpzFactorStatus status)
{
  if (status == XPZ_FACTOR_STATUS_UNKNOWN)
    fraction = 0;
  else if (status != XPZ_FACTOR_STATUS_GATE_FAILED)
    {
      if (fraction >= 0.999)
        status = XPZ_FACTOR_STATUS_MATCH;
      else if (fraction <= 0.001)
        status = XPZ_FACTOR_STATUS_MISMATCH;
      else
        status = XPZ_FACTOR_STATUS_PARTIAL;
    }
  score->points[factor] = (guint8) lround (CLAMP (fraction, 0.0, 1.0) * factor_weights[factor]);
  score->status[factor] = status;
}

void
xpz_platform_matcher_score (XpzPlatformMatcher    *self,
                            const XpzCandidateVec *c,
                            const XpzJobVec       *j,
                            XpzScore              *score)
{
  guint matched = 0;
  int total = 0;

  memset (score, 0, sizeof *score);

  /* Skills, with must-haves as gates. */
  if (j->n_skills == 0 || c->n_skills == 0)
    set_factor (score, XPZ_FACTOR_SKILLS, 0, XPZ_FACTOR_STATUS_UNKNOWN);
  else
    {
      for (guint i = 0; i < j->n_skills; i++)
        {
          if (has_skill (c, j->skills[i]))
            matched++;
          else if (j->must_have[i])
            score->gate_failed = TRUE;
        }
      if (score->gate_failed)
        set_factor (score, XPZ_FACTOR_SKILLS, 0, XPZ_FACTOR_STATUS_GATE_FAILED);
      else
        set_factor (score, XPZ_FACTOR_SKILLS, (double) matched / j->n_skills, XPZ_FACTOR_STATUS_MATCH);
    }
  /* A job with must-haves and a candidate who lists no skills cannot pass the gate. */
  if (c->n_skills == 0)
    for (guint i = 0; i < j->n_skills; i++)
      if (j->must_have[i])
        {
          score->gate_failed = TRUE;
          set_factor (score, XPZ_FACTOR_SKILLS, 0, XPZ_FACTOR_STATUS_GATE_FAILED);
          break;
        }

  /* Seniority from years of experience. */
  if (j->seniority < 0 || c->years < 0)
    set_factor (score, XPZ_FACTOR_SENIORITY, 0, XPZ_FACTOR_STATUS_UNKNOWN);
  else
    {
      int lo = seniority_low[j->seniority], hi = seniority_high[j->seniority];
      int level = xpz_platform_seniority_from_years (c->years);
      double fraction;

      /* A function of the candidate's seniority band only (the band the anonymised
       * summary shows anyway): the points must not tell the exact years. */
      if (c->years >= lo && c->years <= hi)
        fraction = 1.0;
      else if (level > j->seniority)
        fraction = j->seniority <= 1 ? 0.7 : 1.0;
      else if (level == j->seniority - 1)
        fraction = 0.5;
      else
        fraction = 0.0;
      set_factor (score, XPZ_FACTOR_SENIORITY, fraction, XPZ_FACTOR_STATUS_MATCH);
    }

  /* Location and remote policy. */
  if (j->work_mode == 1)
    {
      if (c->work_modes == 0)
        set_factor (score, XPZ_FACTOR_LOCATION, 0, XPZ_FACTOR_STATUS_UNKNOWN);
      else
        set_factor (score, XPZ_FACTOR_LOCATION, (c->work_modes & 1) ? 1.0 : 0.0, XPZ_FACTOR_STATUS_MATCH);
    }
  else if (j->city == 0 || (c->n_cities == 0 && c->relocate < 0))
    set_factor (score, XPZ_FACTOR_LOCATION, 0, XPZ_FACTOR_STATUS_UNKNOWN);
  else
    {
      double fraction;

      if (targets_city (c, j->city))
        fraction = 1.0;
      else if (c->relocate > 0)
        fraction = 0.6;
      else
        fraction = 0.0;
      if (fraction > 0 && j->work_mode != 0 && c->work_modes != 0 && !(c->work_modes & j->work_mode))
        fraction *= 0.5;
      set_factor (score, XPZ_FACTOR_LOCATION, fraction, XPZ_FACTOR_STATUS_MATCH);
    }

  /* Salary range overlap (same currency only; no guessed exchange rates). */
  if (j->salary_min < 0 || c->salary_min < 0 || strcmp (j->currency, c->currency) != 0)
    set_factor (score, XPZ_FACTOR_SALARY, 0, XPZ_FACTOR_STATUS_UNKNOWN);
  else if (j->salary_max >= c->salary_min)
    set_factor (score, XPZ_FACTOR_SALARY, 1.0, XPZ_FACTOR_STATUS_MATCH);
  else
    {
      double gap = (c->salary_min - j->salary_max) / MAX (c->salary_min, 1.0);

      /* Steps, not a slope: the points must not let a job's maximum be tuned until
       * they give away the candidate's exact minimum. */
      set_factor (score, XPZ_FACTOR_SALARY, gap <= 0.1 ? 0.5 : gap <= 0.25 ? 0.25 : 0.0,
                  XPZ_FACTOR_STATUS_MATCH);
    }

  /* Contract type. */
  if (j->contract == 0 || c->contracts == 0)
    set_factor (score, XPZ_FACTOR_CONTRACT, 0, XPZ_FACTOR_STATUS_UNKNOWN);
  else
    set_factor (score, XPZ_FACTOR_CONTRACT, (c->contracts & j->contract) ? 1.0 : 0.0, XPZ_FACTOR_STATUS_MATCH);

  /* Languages. */
  if (j->languages == 0 || c->languages == 0)
    set_factor (score, XPZ_FACTOR_LANGUAGES, 0, XPZ_FACTOR_STATUS_UNKNOWN);
  else
    set_factor (score, XPZ_FACTOR_LANGUAGES,
                (double) __builtin_popcount (c->languages & j->languages) / __builtin_popcount (j->languages),
                XPZ_FACTOR_STATUS_MATCH);

  if (score->gate_failed)
    {
      for (guint f = 0; f < XPZ_N_FACTORS; f++)
        score->points[f] = 0;
    }
  for (guint f = 0; f < XPZ_N_FACTORS; f++)
    total += score->points[f];
  score->total = (guint8) total;
}

gboolean
xpz_platform_matcher_visible_to (const XpzCandidateVec *c,
                                 const XpzJobVec       *j)
{
  if (c->flags & (XPZ_CANDIDATE_PAUSED | XPZ_CANDIDATE_RESTRICTED | XPZ_CANDIDATE_DELETED))
    return FALSE;
  if (c->blocked_employers != NULL)
    for (guint i = 0; i < c->blocked_employers->len; i++)
      if (g_array_index (c->blocked_employers, gint64, i) == j->employer_id)
        return FALSE;
  if (c->blocked_domains != NULL && j->employer_domain != NULL)
    for (guint i = 0; i < c->blocked_domains->len; i++)
      if (xpz_platform_domain_covers (g_ptr_array_index (c->blocked_domains, i), j->employer_domain))
        return FALSE;
  return TRUE;
}

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const XpzRanked *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

GArray *
xpz_platform_matcher_rank_job (XpzPlatformMatcher *self,
                               const XpzJobVec    *job,
                               guint               min_score)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (XpzRanked));

  for (guint i = 0; i < self->candidates->len; i++)
    {
      const XpzCandidateVec *c = g_ptr_array_index (self->candidates, i);
      XpzScore score;
      XpzRanked r;

      if (!xpz_platform_matcher_visible_to (c, job))
        continue;
      xpz_platform_matcher_score (self, c, job, &score);
      if (score.gate_failed || score.total < min_score || score.total == 0)
        continue;
      r.index = i;
      r.score = score.total;
      g_array_append_val (out, r);
    }
  g_array_sort (out, compare_ranked);
  return out;
}

GArray *
xpz_platform_matcher_rank_candidate (XpzPlatformMatcher    *self,
                                     const XpzCandidateVec *candidate,
                                     guint                  min_score)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (XpzRanked));

  for (guint i = 0; i < self->jobs->len; i++)
    {
      const XpzJobVec *j = g_ptr_array_index (self->jobs, i);
      XpzScore score;
      XpzRanked r;

      if (j->deleted)
        continue;
      xpz_platform_matcher_score (self, candidate, j, &score);
      if (score.gate_failed || score.total < min_score || score.total == 0)
        continue;
      r.index = i;
      r.score = score.total;
      g_array_append_val (out, r);
    }
  g_array_sort (out, compare_ranked);
  return out;
}

static const char *
city_display (XpzPlatformMatcher *self,
              guint32             city)
{
  if (city == 0 || city > self->city_names->len)
    return NULL;
  return g_ptr_array_index (self->city_names, city - 1);
}

/* The seniority band of a number of years, as the anonymised summary names it:
 * 0–2, 2–5, 5–8, 8+ (high -1: open-ended). */
static int
band_low_of (int years)
{
  static const int low[] = { 0, 2, 5, 8 };

  return low[CLAMP (xpz_platform_seniority_from_years (years), 0, 3)];
}

static int
band_high_of (int years)
{
  static const int high[] = { 2, 5, 8, -1 };

  return high[CLAMP (xpz_platform_seniority_from_years (years), 0, 3)];
}

static void
append_detail (XpzPlatformMatcher    *self,
               const XpzCandidateVec *c,
               const XpzJobVec       *j,
               const XpzScore        *score,
               guint                  f,
               gboolean               exact,
               GString               *detail)
{
  switch ((XpzFactor) f)
    {
    case XPZ_FACTOR_SKILLS:
      if (j->n_skills == 0)
        g_string_append (detail, "Unknown: the job lists no skills");
      else if (c->n_skills == 0 && score->status[f] != XPZ_FACTOR_STATUS_GATE_FAILED)
        g_string_append (detail, "Unknown: the candidate lists no skills");
      else
        {
          g_autoptr(GString) have = g_string_new (NULL);
          g_autoptr(GString) missing = g_string_new (NULL);
          g_autoptr(GString) gates = g_string_new (NULL);
          guint n = 0;

          for (guint i = 0; i < j->n_skills; i++)
            {
              const char *name = g_ptr_array_index (self->skill_names, j->skills[i] - 1);
              GString *target = has_skill (c, j->skills[i]) ? have
                                : j->must_have[i] ? gates : missing;
              if (target == have)
                n++;
              g_string_append_printf (target, "%s%s", target->len ? ", " : "", name);
            }
          if (gates->len > 0)
            g_string_append_printf (detail, "Missing must-have skills: %s. ", gates->str);
          g_string_append_printf (detail, "Matched %u of %u skills", n, j->n_skills);
          if (have->len)
            g_string_append_printf (detail, ": %s", have->str);
          if (missing->len)
            g_string_append_printf (detail, "; missing: %s", missing->str);
        }
      break;
    case XPZ_FACTOR_SENIORITY:
      if (j->seniority < 0)
        g_string_append (detail, "Unknown: the job states no seniority");
      else if (c->years < 0)
        g_string_append (detail, "Unknown: no dated work experience");
      else if (exact)
        g_string_append_printf (detail, "%d years of experience for a %s role (%d–%d years)",
                                c->years, seniority_words[j->seniority],
                                seniority_low[j->seniority], seniority_high[j->seniority]);
      else if (band_high_of (c->years) < 0)
        g_string_append_printf (detail, "%d+ years of experience for a %s role (%d–%d years)",
                                band_low_of (c->years), seniority_words[j->seniority],
                                seniority_low[j->seniority], seniority_high[j->seniority]);
      else
        g_string_append_printf (detail, "%d–%d years of experience for a %s role (%d–%d years)",
                                band_low_of (c->years), band_high_of (c->years), seniority_words[j->seniority],
                                seniority_low[j->seniority], seniority_high[j->seniority]);
      break;
    case XPZ_FACTOR_LOCATION:
      if (j->work_mode == 1)
        g_string_append (detail, c->work_modes == 0 ? "Unknown: no work-mode preference"
                                 : (c->work_modes & 1) ? "Remote role; remote work accepted"
                                 : "Remote role; remote work not among the preferences");
      else if (j->city == 0)
        g_string_append (detail, "Unknown: the job states no city");
      else if (c->n_cities == 0 && c->relocate < 0)
        g_string_append (detail, "Unknown: no location preference");
      else if (targets_city (c, j->city))
        g_string_append_printf (detail, "Lives in or targets %s", city_display (self, j->city));
      else if (c->relocate > 0)
        g_string_append_printf (detail, "Willing to relocate to %s", city_display (self, j->city));
      else
        g_string_append_printf (detail, "Does not target %s", city_display (self, j->city));
      if (score->status[f] != XPZ_FACTOR_STATUS_UNKNOWN && j->work_mode > 1 && c->work_modes != 0 &&
          !(c->work_modes & j->work_mode))
        g_string_append (detail, "; the work mode is not among the preferences");
      break;
    case XPZ_FACTOR_SALARY:
      if (j->salary_min < 0)
        g_string_append (detail, "Unknown: the job states no salary");
      else if (c->salary_min < 0)
        g_string_append (detail, "Unknown: no salary expectation");
      else if (strcmp (j->currency, c->currency) != 0)
        g_string_append_printf (detail, "Unknown: the job pays in %s, the expectation is in %s",
                                j->currency, c->currency);
      else if (j->salary_max >= c->salary_min)
        g_string_append (detail, "The expected range overlaps the offered range");
      else if (!exact)
        g_string_append (detail, "The expectation is above the offered range");
      else
        g_string_append_printf (detail, "The expectation starts %d%% above the offered maximum",
                                (int) lround (100.0 * (c->salary_min - j->salary_max) / MAX (j->salary_max, 1.0)));
      break;
    case XPZ_FACTOR_CONTRACT:
      if (j->contract == 0)
        g_string_append (detail, "Unknown: the job states no contract type");
      else if (c->contracts == 0)
        g_string_append (detail, "Unknown: no contract-type preference");
      else
        g_string_append (detail, (c->contracts & j->contract) ? "The contract type is among the preferences"
                                                              : "The contract type is not among the preferences");
      break;
    case XPZ_FACTOR_LANGUAGES:
      if (j->languages == 0)
        g_string_append (detail, "Unknown: the job requires no languages");
      else if (c->languages == 0)
        g_string_append (detail, "Unknown: no languages listed");
      else
        {
          g_string_append (detail, "Speaks ");
          for (guint b = 0, first = 1; b < G_N_ELEMENTS (language_names); b++)
            if ((j->languages & (1u << b)) && (c->languages & (1u << b)))
              {
                g_string_append_printf (detail, "%s%s", first ? "" : ", ", language_names[b]);
                first = 0;
              }
          g_string_append_printf (detail, " (%d of %d required)",
                                  __builtin_popcount (c->languages & j->languages),
                                  __builtin_popcount (j->languages));
        }
      break;
    case XPZ_N_FACTORS:
    default:
      break;
    }
}

/* The facts a detail sentence is made of, as a JSON object, so that a client can say
 * the same in its user's language. Only the job's words (skill and city names, the
 * language names) and numbers. */
static void
append_string_array (GString   *out,
                     GPtrArray *items)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      xpz_platform_json_append_string (out, g_ptr_array_index (items, i));
    }
  g_string_append_c (out, ']');
}

static void
append_facts (XpzPlatformMatcher    *self,
              const XpzCandidateVec *c,
              const XpzJobVec       *j,
              const XpzScore        *score,
              guint                  f,
              gboolean               exact,
              GString               *out)
{
  switch ((XpzFactor) f)
    {
    case XPZ_FACTOR_SKILLS:
      if (j->n_skills == 0)
        g_string_append (out, "{\"unknown\":\"job\"}");
      else if (c->n_skills == 0 && score->status[f] != XPZ_FACTOR_STATUS_GATE_FAILED)
        g_string_append (out, "{\"unknown\":\"candidate\"}");
      else
        {
          g_autoptr(GPtrArray) have = g_ptr_array_new ();
          g_autoptr(GPtrArray) missing = g_ptr_array_new ();
          g_autoptr(GPtrArray) gates = g_ptr_array_new ();

          for (guint i = 0; i < j->n_skills; i++)
            {
              const char *name = g_ptr_array_index (self->skill_names, j->skills[i] - 1);

              g_ptr_array_add (has_skill (c, j->skills[i]) ? have
                               : j->must_have[i] ? gates : missing, (gpointer) name);
            }
          g_string_append_printf (out, "{\"total\":%u,\"matched\":", j->n_skills);
          append_string_array (out, have);
          g_string_append (out, ",\"missing\":");
          append_string_array (out, missing);
          g_string_append (out, ",\"must_have_missing\":");
          append_string_array (out, gates);
          g_string_append_c (out, '}');
        }
      break;
    case XPZ_FACTOR_SENIORITY:
      if (j->seniority < 0)
        g_string_append (out, "{\"unknown\":\"job\"}");
      else if (c->years < 0)
        g_string_append (out, "{\"unknown\":\"candidate\"}");
      else if (exact)
        g_string_append_printf (out, "{\"years\":%d,\"level\":\"%s\",\"min\":%d,\"max\":%d}",
                                c->years, seniority_names[j->seniority],
                                seniority_low[j->seniority], seniority_high[j->seniority]);
      else
        {
          /* Before a share: the candidate's band (and whether it meets the role), never
           * the years themselves. band_max -1: open-ended ("8+"). */
          g_string_append_printf (out, "{\"band_min\":%d,\"band_max\":%d,\"met\":%s,"
                                  "\"level\":\"%s\",\"min\":%d,\"max\":%d}",
                                  band_low_of (c->years), band_high_of (c->years),
                                  xpz_platform_seniority_from_years (c->years) >= j->seniority ? "true" : "false",
                                  seniority_names[j->seniority],
                                  seniority_low[j->seniority], seniority_high[j->seniority]);
        }
      break;
    case XPZ_FACTOR_LOCATION:
      if (j->work_mode == 1)
        {
          if (c->work_modes == 0)
            g_string_append (out, "{\"remote_role\":true,\"unknown\":\"candidate\"}");
          else
            g_string_append_printf (out, "{\"remote_role\":true,\"accepted\":%s}",
                                    (c->work_modes & 1) ? "true" : "false");
          break;
        }
      if (j->city == 0)
        g_string_append (out, "{\"unknown\":\"job\"}");
      else if (c->n_cities == 0 && c->relocate < 0)
        g_string_append (out, "{\"unknown\":\"candidate\"}");
      else
        {
          g_string_append (out, "{\"city\":");
          xpz_platform_json_append_string (out, city_display (self, j->city));
          g_string_append_printf (out, ",\"outcome\":\"%s\",\"work_mode_mismatch\":%s}",
                                  targets_city (c, j->city) ? "targets"
                                  : c->relocate > 0 ? "relocate" : "elsewhere",
                                  (j->work_mode > 1 && c->work_modes != 0 &&
                                   !(c->work_modes & j->work_mode)) ? "true" : "false");
        }
      break;
    case XPZ_FACTOR_SALARY:
      if (j->salary_min < 0)
        g_string_append (out, "{\"unknown\":\"job\"}");
      else if (c->salary_min < 0)
        g_string_append (out, "{\"unknown\":\"candidate\"}");
      else if (strcmp (j->currency, c->currency) != 0)
        {
          g_string_append (out, "{\"unknown\":\"currency\",\"job_currency\":");
          xpz_platform_json_append_string (out, j->currency);
          g_string_append (out, ",\"currency\":");
          xpz_platform_json_append_string (out, c->currency);
          g_string_append_c (out, '}');
        }
      else if (j->salary_max >= c->salary_min)
        g_string_append (out, "{\"overlap\":true}");
      else if (!exact)
        g_string_append (out, "{\"overlap\":false}");
      else
        g_string_append_printf (out, "{\"overlap\":false,\"above_percent\":%d}",
                                (int) lround (100.0 * (c->salary_min - j->salary_max) / MAX (j->salary_max, 1.0)));
      break;
    case XPZ_FACTOR_CONTRACT:
      if (j->contract == 0)
        g_string_append (out, "{\"unknown\":\"job\"}");
      else if (c->contracts == 0)
        g_string_append (out, "{\"unknown\":\"candidate\"}");
      else
        g_string_append_printf (out, "{\"among_preferences\":%s}",
                                (c->contracts & j->contract) ? "true" : "false");
      break;
    case XPZ_FACTOR_LANGUAGES:
      if (j->languages == 0)
        g_string_append (out, "{\"unknown\":\"job\"}");
      else if (c->languages == 0)
        g_string_append (out, "{\"unknown\":\"candidate\"}");
      else
        {
          g_autoptr(GPtrArray) spoken = g_ptr_array_new ();

          for (guint b = 0; b < G_N_ELEMENTS (language_names); b++)
            if ((j->languages & (1u << b)) && (c->languages & (1u << b)))
              g_ptr_array_add (spoken, (gpointer) language_names[b]);
          g_string_append (out, "{\"spoken\":");
          append_string_array (out, spoken);
          g_string_append_printf (out, ",\"matched\":%d,\"required\":%d}",
                                  __builtin_popcount (c->languages & j->languages),
                                  __builtin_popcount (j->languages));
        }
      break;
    case XPZ_N_FACTORS:
    default:
      g_string_append (out, "{}");
      break;
    }
}

/*
 * The explanation. Details only quote the job's own words (its skills, city) and
 * numbers: never the candidate's free text, so the same factors are safe to show on
 * both sides.
 */
static JsonNode *
factors_json (XpzPlatformMatcher    *self,
              const XpzCandidateVec *c,
              const XpzJobVec       *j,
              const XpzScore        *score,
              gboolean               exact)
{
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint f = 0; f < XPZ_N_FACTORS; f++)
    {
      JsonObject *o = json_object_new ();
      g_autoptr(GString) detail = g_string_new (NULL);

      json_object_set_string_member (o, "name", factor_names[f]);
      json_object_set_int_member (o, "weight", factor_weights[f]);
      json_object_set_int_member (o, "score", score->points[f]);
      json_object_set_string_member (o, "status", status_names[score->status[f]]);

      append_detail (self, c, j, score, f, exact, detail);
      json_object_set_string_member (o, "detail", detail->str);
      g_string_truncate (detail, 0);
      append_facts (self, c, j, score, f, exact, detail);
      json_object_set_member (o, "facts", json_from_string (detail->str, NULL));
      json_array_add_object_element (array, o);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

/* The candidate's own view: exact (the candidate's own values). */
JsonNode *
xpz_platform_matcher_factors_json (XpzPlatformMatcher    *self,
                                   const XpzCandidateVec *c,
                                   const XpzJobVec       *j,
                                   const XpzScore        *score)
{
  return factors_json (self, c, j, score, TRUE);
}

/* An employer's view before a share (R5.2): every factor says met, not met or unknown,
 * with bands at most; no number derived from the candidate's private values. */
JsonNode *
xpz_platform_matcher_factors_json_anonymised (XpzPlatformMatcher    *self,
                                              const XpzCandidateVec *c,
                                              const XpzJobVec       *j,
                                              const XpzScore        *score)
{
  return factors_json (self, c, j, score, FALSE);
}

/*
 * The anonymised summary an employer sees of a candidate who has not shared: only
 * skills the job itself asked for, a known region and a seniority band ("years" is
 * null: the employer's code fills it in once the candidate has shared).
 */
JsonNode *
xpz_platform_matcher_summary_json (XpzPlatformMatcher    *self,
                                   const XpzCandidateVec *c,
                                   const XpzJobVec       *j)
{
  JsonObject *o = json_object_new ();
  JsonArray *skills = json_array_new ();
  JsonNode *node;
  const char *region = NULL;

  for (guint i = 0; i < j->n_skills; i++)
    if (has_skill (c, j->skills[i]))
      json_array_add_string_element (skills, g_ptr_array_index (self->skill_names, j->skills[i] - 1));
  json_object_set_array_member (o, "skills", skills);
  /* Not the exact years (R5.2): the seniority band below says enough. */
  json_object_set_null_member (o, "years");
  if (c->home_city != 0)
    region = xpz_platform_city_region (city_display (self, c->home_city));
  if (region != NULL)
    json_object_set_string_member (o, "region", region);
  else
    json_object_set_null_member (o, "region");
  if (xpz_platform_seniority_to_string (xpz_platform_seniority_from_years (c->years)) != NULL)
    json_object_set_string_member (o, "seniority",
                                   xpz_platform_seniority_to_string (xpz_platform_seniority_from_years (c->years)));
  else
    json_object_set_null_member (o, "seniority");
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* The same explanation, appended as JSON text (the change feed's fast path). */
void
xpz_platform_matcher_factors_append (XpzPlatformMatcher    *self,
                                     const XpzCandidateVec *c,
                                     const XpzJobVec       *j,
                                     const XpzScore        *score,
                                     gboolean               exact,
                                     GString               *out)
{
  g_autoptr(GString) detail = g_string_new (NULL);

  g_string_append_c (out, '[');
  for (guint f = 0; f < XPZ_N_FACTORS; f++)
    {
      g_string_truncate (detail, 0);
      append_detail (self, c, j, score, f, exact, detail);
      g_string_append_printf (out, "%s{\"name\":\"%s\",\"weight\":%u,\"score\":%u,\"status\":\"%s\",\"detail\":",
                              f ? "," : "", factor_names[f], factor_weights[f], score->points[f],
                              status_names[score->status[f]]);
      xpz_platform_json_append_string (out, detail->str);
      g_string_append (out, ",\"facts\":");
      append_facts (self, c, j, score, f, exact, out);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

void
xpz_platform_matcher_summary_append (XpzPlatformMatcher    *self,
                                     const XpzCandidateVec *c,
                                     const XpzJobVec       *j,
                                     GString               *out)
{
  const char *region = c->home_city ? xpz_platform_city_region (city_display (self, c->home_city)) : NULL;
  const char *seniority = xpz_platform_seniority_to_string (xpz_platform_seniority_from_years (c->years));
  gboolean first = TRUE;

  g_string_append (out, "{\"skills\":[");
  for (guint i = 0; i < j->n_skills; i++)
    if (has_skill (c, j->skills[i]))
      {
        if (!first)
          g_string_append_c (out, ',');
        first = FALSE;
        xpz_platform_json_append_string (out, g_ptr_array_index (self->skill_names, j->skills[i] - 1));
      }
  g_string_append (out, "],\"years\":null");
  g_string_append (out, ",\"region\":");
  if (region != NULL)
    xpz_platform_json_append_string (out, region);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"seniority\":");
  if (seniority != NULL)
    xpz_platform_json_append_string (out, seniority);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
}
