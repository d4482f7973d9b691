/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-explain"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-explain.h"

/* Turns the platform's per-factor facts into sentences in the user's language. Skill,
 * city and currency names are the job's own words and are shown as they are. */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static const char *
language_name (const char *english)
{
  static const struct { const char *id; const char *name; } names[] = {
    { "French", N_("French") },
    { "Arabic", N_("Arabic") },
    { "English", N_("English") },
    { "Spanish", N_("Spanish") },
    { "German", N_("German") },
    { "Amazigh", N_("Amazigh") },
    { "Italian", N_("Italian") },
    { "Portuguese", N_("Portuguese") },
    { "Chinese", N_("Chinese") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (english, names[i].id) == 0)
      return _(names[i].name);
  return english;
}

static const char *
level_name (const char *level)
{
  if (g_strcmp0 (level, "junior") == 0)
    return C_("seniority", "junior");
  if (g_strcmp0 (level, "mid") == 0)
    return C_("seniority", "mid-level");
  if (g_strcmp0 (level, "senior") == 0)
    return C_("seniority", "senior");
  if (g_strcmp0 (level, "lead") == 0)
    return C_("seniority", "lead");
  return level;
}

/* The strings of a JSON array joined with the translated list separator; NULL if empty. */
static char *
join_array (JsonObject *object,
            const char *name,
            gboolean    languages)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        g_ptr_array_add (items, (gpointer) (languages ? language_name (json_node_get_string (item))
                                                      : json_node_get_string (item)));
    }
  if (items->len == 0)
    return NULL;
  g_ptr_array_add (items, NULL);
  return g_strjoinv (C_("list separator", ", "), (char **) items->pdata);
}

char *
xpz_explain_factor_name (const char *name)
{
  if (g_strcmp0 (name, "skills") == 0)
    return g_strdup (C_("match factor", "Skills"));
  if (g_strcmp0 (name, "seniority") == 0)
    return g_strdup (C_("match factor", "Seniority"));
  if (g_strcmp0 (name, "location") == 0)
    return g_strdup (C_("match factor", "Location"));
  if (g_strcmp0 (name, "salary") == 0)
    return g_strdup (C_("match factor", "Salary"));
  if (g_strcmp0 (name, "contract") == 0)
    return g_strdup (C_("match factor", "Contract"));
  if (g_strcmp0 (name, "languages") == 0)
    return g_strdup (C_("match factor", "Languages"));
  return g_strdup (name != NULL ? name : "");
}

char *
xpz_explain_status (const char *status)
{
  if (g_strcmp0 (status, "match") == 0)
    return g_strdup (C_("match status", "Met"));
  if (g_strcmp0 (status, "partial") == 0)
    return g_strdup (C_("match status", "Partly met"));
  if (g_strcmp0 (status, "mismatch") == 0)
    return g_strdup (C_("match status", "Not met"));
  if (g_strcmp0 (status, "gate_failed") == 0)
    return g_strdup (C_("match status", "Must-have missing"));
  return g_strdup (C_("match status", "Unknown"));
}

char *
xpz_explain_score (int score)
{
  /* Translators: a match score, e.g. "72 out of 100" */
  return g_strdup_printf (_("%d out of 100"), CLAMP (score, 0, 100));
}

static char *
unknown_sentence (const char *factor,
                  const char *who)
{
  gboolean job = g_strcmp0 (who, "job") == 0;

  if (g_strcmp0 (factor, "skills") == 0)
    return g_strdup (job ? _("Unknown: the job lists no skills")
                         : _("Unknown: the candidate lists no skills"));
  if (g_strcmp0 (factor, "seniority") == 0)
    return g_strdup (job ? _("Unknown: the job states no seniority")
                         : _("Unknown: no dated work experience"));
  if (g_strcmp0 (factor, "location") == 0)
    return g_strdup (job ? _("Unknown: the job states no city")
                         : _("Unknown: no location preference"));
  if (g_strcmp0 (factor, "salary") == 0)
    return g_strdup (job ? _("Unknown: the job states no salary")
                         : _("Unknown: no salary expectation"));
  if (g_strcmp0 (factor, "contract") == 0)
    return g_strdup (job ? _("Unknown: the job states no contract type")
                         : _("Unknown: no contract-type preference"));
  if (g_strcmp0 (factor, "languages") == 0)
    return g_strdup (job ? _("Unknown: the job requires no languages")
                         : _("Unknown: no languages listed"));
  return NULL;
}

static char *
skills_sentence (JsonObject *facts)
{
  g_autofree char *matched = join_array (facts, "matched", FALSE);
  g_autofree char *missing = join_array (facts, "missing", FALSE);
  g_autofree char *gates = join_array (facts, "must_have_missing", FALSE);
  gint64 total = member_int (facts, "total", -1);
  JsonNode *matched_node = json_object_get_member (facts, "matched");
  guint n = matched_node != NULL && JSON_NODE_HOLDS_ARRAY (matched_node)
            ? json_array_get_length (json_node_get_array (matched_node)) : 0;
  GString *out;

  if (total < 0)
    return NULL;
  out = g_string_new (NULL);
  if (gates != NULL)
    {
      /* Translators: %s is a list of skills */
      g_string_append_printf (out, _("Missing must-have skills: %s."), gates);
      g_string_append_c (out, ' ');
    }
  /* Translators: "Matched 3 of 5 skills" */
  g_string_append_printf (out, ngettext ("Matched %u of %u skill", "Matched %u of %u skills",
                                         (gulong) total),
                          n, (guint) total);
  if (matched != NULL)
    {
      g_string_append (out, C_("before a list", ": "));
      g_string_append (out, matched);
    }
  if (missing != NULL)
    {
      g_string_append (out, C_("between clauses", "; "));
      /* Translators: %s is a list of skills */
      g_string_append_printf (out, _("missing: %s"), missing);
    }
  return g_string_free (out, FALSE);
}

static char *
location_sentence (JsonObject *facts)
{
  const char *city = member_string (facts, "city");
  const char *outcome = member_string (facts, "outcome");
  GString *out;

  if (member_bool (facts, "remote_role"))
    return g_strdup (member_bool (facts, "accepted")
                     ? _("Remote role; remote work accepted")
                     : _("Remote role; remote work not among the preferences"));
  if (city == NULL || outcome == NULL)
    return NULL;
  out = g_string_new (NULL);
  if (g_str_equal (outcome, "targets"))
    /* Translators: %s is a city */
    g_string_append_printf (out, _("Lives in or targets %s"), city);
  else if (g_str_equal (outcome, "relocate"))
    g_string_append_printf (out, _("Willing to relocate to %s"), city);
  else
    g_string_append_printf (out, _("Does not target %s"), city);
  if (member_bool (facts, "work_mode_mismatch"))
    {
      g_string_append (out, C_("between clauses", "; "));
      g_string_append (out, _("the work mode is not among the preferences"));
    }
  return g_string_free (out, FALSE);
}

static char *
languages_sentence (JsonObject *facts)
{
  g_autofree char *spoken = join_array (facts, "spoken", TRUE);
  gint64 matched = member_int (facts, "matched", -1);
  gint64 required = member_int (facts, "required", -1);

  if (matched < 0 || required < 0)
    return NULL;
  if (spoken == NULL)
    return g_strdup_printf (ngettext ("Speaks none of the %d required language",
                                      "Speaks none of the %d required languages",
                                      (gulong) required), (int) required);
  /* Translators: "Speaks French, Arabic (2 of 3 required)" */
  return g_strdup_printf (ngettext ("Speaks %s (%d of %d required)",
                                    "Speaks %s (%d of %d required)", (gulong) required),
                          spoken, (int) matched, (int) required);
}

char *
xpz_explain_factor (JsonObject *factor)
{
  const char *name = member_string (factor, "name");
  const char *detail = member_string (factor, "detail");
  JsonNode *facts_node = factor != NULL ? json_object_get_member (factor, "facts") : NULL;
  JsonObject *facts = facts_node != NULL && JSON_NODE_HOLDS_OBJECT (facts_node)
                      ? json_node_get_object (facts_node) : NULL;
  char *sentence = NULL;

  g_return_val_if_fail (factor != NULL, NULL);

  if (facts != NULL && member_string (facts, "unknown") != NULL &&
      g_strcmp0 (member_string (facts, "unknown"), "currency") == 0)
    /* Translators: "the job pays in EUR, the expectation is in MAD" */
    sentence = g_strdup_printf (_("Unknown: the job pays in %s, the expectation is in %s"),
                                member_string (facts, "job_currency"),
                                member_string (facts, "currency"));
  else if (facts != NULL && member_string (facts, "unknown") != NULL &&
           !member_bool (facts, "remote_role"))
    sentence = unknown_sentence (name, member_string (facts, "unknown"));
  else if (facts != NULL && member_bool (facts, "remote_role") &&
           member_string (facts, "unknown") != NULL)
    sentence = g_strdup (_("Unknown: no work-mode preference"));
  else if (facts != NULL && g_strcmp0 (name, "skills") == 0)
    sentence = skills_sentence (facts);
  else if (facts != NULL && g_strcmp0 (name, "seniority") == 0 &&
           member_int (facts, "years", -1) >= 0)
    {
      int years = member_int (facts, "years", 0);
      int min = member_int (facts, "min", 0), max = member_int (facts, "max", 0);

      /* Translators: "6 years of experience for a senior role (5–10 years)" */
      sentence = g_strdup_printf (ngettext ("%d year of experience for a %s role (%d–%d years)",
                                            "%d years of experience for a %s role (%d–%d years)",
                                            (gulong) years),
                                  years, level_name (member_string (facts, "level")), min, max);
    }
  else if (facts != NULL && g_strcmp0 (name, "seniority") == 0 &&
           member_int (facts, "band_min", -1) >= 0)
    {
      /* Before a share the employer sees the candidate's band, not the years. */
      int low = member_int (facts, "band_min", 0), high = member_int (facts, "band_max", -1);
      int min = member_int (facts, "min", 0), max = member_int (facts, "max", 0);
      const char *level = level_name (member_string (facts, "level"));

      if (high < 0)
        /* Translators: "8+ years of experience for a senior role (5–10 years)" */
        sentence = g_strdup_printf (_("%d+ years of experience for a %s role (%d–%d years)"),
                                    low, level, min, max);
      else
        /* Translators: "2–5 years of experience for a senior role (5–10 years)": the
         * candidate's band, then the role's range */
        sentence = g_strdup_printf (_("%d–%d years of experience for a %s role (%d–%d years)"),
                                    low, high, level, min, max);
    }
  else if (facts != NULL && g_strcmp0 (name, "location") == 0)
    sentence = location_sentence (facts);
  else if (facts != NULL && g_strcmp0 (name, "salary") == 0 &&
           json_object_has_member (facts, "overlap"))
    {
      if (member_bool (facts, "overlap"))
        sentence = g_strdup (_("The expected range overlaps the offered range"));
      else if (!json_object_has_member (facts, "above_percent"))
        sentence = g_strdup (_("The expectation is above the offered range"));
      else
        /* Translators: "The expectation starts 20% above the offered maximum" */
        sentence = g_strdup_printf (_("The expectation starts %d%% above the offered maximum"),
                                    (int) member_int (facts, "above_percent", 0));
    }
  else if (facts != NULL && g_strcmp0 (name, "contract") == 0 &&
           json_object_has_member (facts, "among_preferences"))
    sentence = g_strdup (member_bool (facts, "among_preferences")
                         ? _("The contract type is among the preferences")
                         : _("The contract type is not among the preferences"));
  else if (facts != NULL && g_strcmp0 (name, "languages") == 0)
    sentence = languages_sentence (facts);

  if (sentence == NULL)
    sentence = g_strdup (detail != NULL ? detail : "");
  return sentence;
}

char *
xpz_explain_summary (JsonArray *factors)
{
  g_autoptr (GPtrArray) met = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) unknown = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) gates = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  for (guint i = 0; factors != NULL && i < json_array_get_length (factors); i++)
    {
      JsonNode *node = json_array_get_element (factors, i);
      JsonObject *factor;
      const char *status;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      factor = json_node_get_object (node);
      status = member_string (factor, "status");
      if (g_strcmp0 (status, "match") == 0)
        g_ptr_array_add (met, xpz_explain_factor_name (member_string (factor, "name")));
      else if (g_strcmp0 (status, "gate_failed") == 0)
        g_ptr_array_add (gates, xpz_explain_factor_name (member_string (factor, "name")));
      else if (g_strcmp0 (status, "unknown") == 0 || status == NULL)
        g_ptr_array_add (unknown, xpz_explain_factor_name (member_string (factor, "name")));
    }

  if (gates->len > 0)
    g_string_append (out, _("A must-have skill is missing"));
  if (met->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (met, NULL);
      list = g_strjoinv (C_("list separator", ", "), (char **) met->pdata);
      if (out->len > 0)
        g_string_append (out, C_("between clauses", "; "));
      /* Translators: %s is a list of match factors, e.g. "Skills, Location" */
      g_string_append_printf (out, _("Met: %s"), list);
    }
  if (unknown->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (unknown, NULL);
      list = g_strjoinv (C_("list separator", ", "), (char **) unknown->pdata);
      if (out->len > 0)
        g_string_append (out, C_("between clauses", "; "));
      /* Translators: %s is a list of match factors that could not be assessed */
      g_string_append_printf (out, _("Unknown: %s"), list);
    }
  return g_string_free (out, FALSE);
}
