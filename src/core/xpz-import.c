/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-import"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "xpz-import.h"
#include "xpz-json-strict.h"
#include "xpz-validate.h"
#include "xpz-zip.h"

/* The platform's Profile limits (docs/platform-api.md): strings up to 20 000 bytes,
 * list entries up to 2 000, at most 200 entries per list. */
#define MAX_STRING   20000
#define MAX_KEYWORD  2000
#define MAX_ITEMS    200
#define MAX_DEPTH    64
#define MAX_CSV_ROWS 20000
#define MAX_CSV_COLS 256

#define RESUME_SCHEMA_URL "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"

G_DEFINE_QUARK (xpz-import-error-quark, xpz_import_error)

static const char *const sections[] = { "work", "education", "skills", "languages" };

/* ---- JSON helpers ---- */

static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (node == NULL)
    return NULL;
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *from = json_node_get_object (node);
        JsonObject *to = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, from);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (to, name, deep_copy (member));
        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, to);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *from = json_node_get_array (node);
        JsonArray *to = json_array_sized_new (json_array_get_length (from));

        for (guint i = 0; i < json_array_get_length (from); i++)
          json_array_add_element (to, deep_copy (json_array_get_element (from, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, to);
        return copy;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

static const char *
get_str (JsonObject *object,
         const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
get_obj (JsonObject *object,
         const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_arr (JsonObject *object,
         const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Trimmed, valid UTF-8, at most max bytes (cut at a character boundary); NULL when empty. */
static char *
clean_text (const char *text,
            gsize       max)
{
  g_autofree char *valid = NULL;
  char *end;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  g_strstrip (valid);
  if (*valid == '\0')
    return NULL;
  if (strlen (valid) > max)
    {
      end = g_utf8_find_prev_char (valid, valid + max + 1);
      *end = '\0';
      g_strchomp (valid);
    }
  return g_steal_pointer (&valid);
}

static void
set_text (JsonObject *object,
          const char *name,
          const char *text)
{
  g_autofree char *clean = clean_text (text, MAX_STRING);

  if (clean != NULL)
    json_object_set_string_member (object, name, clean);
}

static void
set_date (JsonObject *object,
          const char *name,
          const char *text)
{
  g_autofree char *date = xpz_import_normalize_date (text);

  if (date != NULL)
    json_object_set_string_member (object, name, date);
}

static void
set_url (JsonObject *object,
         const char *name,
         const char *text)
{
  g_autofree char *clean = clean_text (text, MAX_STRING);

  if (clean != NULL && strchr (clean, ' ') == NULL &&
      (g_str_has_prefix (clean, "https://") || g_str_has_prefix (clean, "http://")))
    json_object_set_string_member (object, name, clean);
}

static void
set_email (JsonObject *object,
           const char *text)
{
  g_autofree char *email = text ? xpz_validate_email (text, NULL) : NULL;

  if (email != NULL)
    json_object_set_string_member (object, "email", email);
}

static void
set_phone (JsonObject *object,
           const char *text)
{
  g_autofree char *phone = text ? xpz_validate_phone (text, XPZ_DEFAULT_REGION, NULL) : NULL;

  if (phone != NULL)
    json_object_set_string_member (object, "phone", phone);
  else
    set_text (object, "phone", text);
}

static void
set_country (JsonObject *object,
             const char *code)
{
  if (code != NULL && strlen (code) == 2 && g_ascii_isalpha (code[0]) && g_ascii_isalpha (code[1]))
    {
      char upper[3] = { g_ascii_toupper (code[0]), g_ascii_toupper (code[1]), '\0' };

      json_object_set_string_member (object, "countryCode", upper);
    }
}

static JsonNode *
node_for_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
add_if_not_empty (JsonArray  *array,
                  JsonObject *item)
{
  if (json_object_get_size (item) > 0 && json_array_get_length (array) < MAX_ITEMS)
    json_array_add_object_element (array, item);
  else
    json_object_unref (item);
}

static JsonNode *
new_profile (JsonObject **basics,
             JsonArray  *lists[4])
{
  JsonObject *profile = json_object_new ();

  *basics = json_object_new ();
  json_object_set_object_member (profile, "basics", *basics);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      lists[i] = json_array_new ();
      json_object_set_array_member (profile, sections[i], lists[i]);
    }
  return node_for_object (profile);
}

static void
finish_basics (JsonObject *basics,
               JsonObject *location)
{
  if (json_object_get_size (location) > 0)
    json_object_set_object_member (basics, "location", location);
  else
    json_object_unref (location);
}

/* ---- dates ---- */

static const struct
{
  const char *name;
  int month;
} month_names[] = {
  { "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 }, { "may", 5 }, { "june", 6 },
  { "july", 7 }, { "august", 8 }, { "september", 9 }, { "october", 10 }, { "november", 11 }, { "december", 12 },
  { "janvier", 1 }, { "février", 2 }, { "fevrier", 2 }, { "mars", 3 }, { "avril", 4 }, { "mai", 5 },
  { "juin", 6 }, { "juillet", 7 }, { "août", 8 }, { "aout", 8 }, { "septembre", 9 }, { "octobre", 10 },
  { "novembre", 11 }, { "décembre", 12 }, { "decembre", 12 },
  /* Arabic, as written in Morocco and the rest of the Maghreb, and in the Mashreq */
  { "يناير", 1 }, { "جانفي", 1 }, { "فبراير", 2 }, { "فيفري", 2 }, { "مارس", 3 }, { "أبريل", 4 },
  { "ابريل", 4 }, { "أفريل", 4 }, { "ماي", 5 }, { "مايو", 5 }, { "يونيو", 6 }, { "جوان", 6 },
  { "يوليوز", 7 }, { "يوليو", 7 }, { "جويلية", 7 }, { "غشت", 8 }, { "أغسطس", 8 }, { "أوت", 8 },
  { "شتنبر", 9 }, { "سبتمبر", 9 }, { "أكتوبر", 10 }, { "اكتوبر", 10 }, { "نونبر", 11 }, { "نوفمبر", 11 },
  { "دجنبر", 12 }, { "ديسمبر", 12 },
};

static int
parse_month_name (const char *word)
{
  g_autofree char *folded = g_utf8_casefold (word, -1);
  gsize len;
  int month = 0;

  if (g_str_has_suffix (folded, "."))
    folded[strlen (folded) - 1] = '\0';
  len = strlen (folded);
  if (g_utf8_strlen (folded, -1) < 3)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (month_names); i++)
    if (strncmp (month_names[i].name, folded, len) == 0)
      {
        if (month != 0 && month != month_names[i].month)
          return 0; /* ambiguous, such as "jui" */
        month = month_names[i].month;
      }
  return month;
}

static gboolean
all_digits (const char *s,
            gsize       min,
            gsize       max)
{
  gsize len = strlen (s);

  if (len < min || len > max)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static char *
format_date (int year,
             int month,
             int day)
{
  if (year < 1000 || year > 2999)
    return NULL;
  if (month < 0)
    return g_strdup_printf ("%04d", year);
  if (month < 1 || month > 12)
    return NULL;
  if (day < 0)
    return g_strdup_printf ("%04d-%02d", year, month);
  if (day < 1 || day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

/**
 * xpz_import_normalize_date:
 * @text: a date as found in a JSON Resume or a LinkedIn export: "2019", "2019-3",
 *   "2019-03-01", "2019-03-01T10:00:00Z", "03/2019", "Mar 2019", "mars 2019",
 *   "مارس 2019", "15 Mar 2019"
 *
 * Returns: (nullable): the date as YYYY, YYYY-MM or YYYY-MM-DD, or %NULL when @text is
 * empty, "Present" or not a date
 */
char *
xpz_import_normalize_date (const char *text)
{
  g_autofree char *clean = NULL;
  g_auto (GStrv) words = NULL;
  g_auto (GStrv) parts = NULL;
  guint n;
  char *t;

  clean = clean_text (text, 64);
  if (clean == NULL)
    return NULL;

  /* ISO 8601, with the time part dropped. */
  t = strpbrk (clean, "T ");
  if (g_ascii_isdigit (clean[0]) && strlen (clean) >= 4 && g_ascii_isdigit (clean[3]) && t != NULL && t - clean >= 10)
    *t = '\0';
  if (strlen (clean) >= 4 && g_ascii_isdigit (clean[0]) && g_ascii_isdigit (clean[1]) && g_ascii_isdigit (clean[2]) &&
      g_ascii_isdigit (clean[3]) && (clean[4] == '\0' || clean[4] == '-' || clean[4] == '/' || clean[4] == '.'))
    {
      char sep[2] = { clean[4], '\0' };

      parts = clean[4] == '\0' ? g_strsplit (clean, "-", -1) : g_strsplit (clean, sep, -1);
      n = g_strv_length (parts);
      if (n > 3 || !all_digits (parts[0], 4, 4) || (n >= 2 && !all_digits (parts[1], 1, 2)) ||
          (n == 3 && !all_digits (parts[2], 1, 2)))
        return NULL;
      return format_date (atoi (parts[0]), n >= 2 ? atoi (parts[1]) : -1, n == 3 ? atoi (parts[2]) : -1);
    }

  /* MM/YYYY */
  parts = g_strsplit (clean, "/", -1);
  if (g_strv_length (parts) == 2 && all_digits (parts[0], 1, 2) && all_digits (parts[1], 4, 4))
    return format_date (atoi (parts[1]), atoi (parts[0]), -1);

  /* [day] month-name year */
  words = g_strsplit_set (clean, " ,", -1);
  {
    g_autoptr (GPtrArray) kept = g_ptr_array_new ();

    for (guint i = 0; words[i] != NULL; i++)
      if (*words[i] != '\0')
        g_ptr_array_add (kept, words[i]);
    n = kept->len;
    if (n == 1 && all_digits (g_ptr_array_index (kept, 0), 4, 4))
      return format_date (atoi (g_ptr_array_index (kept, 0)), -1, -1);
    if (n == 2 && all_digits (g_ptr_array_index (kept, 1), 4, 4))
      {
        int month = parse_month_name (g_ptr_array_index (kept, 0));

        return month ? format_date (atoi (g_ptr_array_index (kept, 1)), month, -1) : NULL;
      }
    if (n == 3 && all_digits (g_ptr_array_index (kept, 0), 1, 2) && all_digits (g_ptr_array_index (kept, 2), 4, 4))
      {
        int month = parse_month_name (g_ptr_array_index (kept, 1));
        int day = atoi (g_ptr_array_index (kept, 0));

        return month ? format_date (atoi (g_ptr_array_index (kept, 2)), month, day) : NULL;
      }
  }
  return NULL;
}

/* ---- JSON Resume ---- */

/* json-glib parses recursively: refuse absurd nesting before it does. */
static char *
work_summary (JsonObject *item)
{
  JsonArray *highlights = get_arr (item, "highlights");
  GString *text = g_string_new (get_str (item, "summary"));

  /* JSON Resume 1.0 has "description" in older documents and "highlights" as a list;
   * the platform's work entry has one summary: the highlights become its lines. */
  if (text->len == 0 && get_str (item, "description") != NULL)
    g_string_append (text, get_str (item, "description"));
  for (guint i = 0; highlights != NULL && i < json_array_get_length (highlights); i++)
    {
      JsonNode *node = json_array_get_element (highlights, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          *json_node_get_string (node) != '\0')
        {
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, "• ");
          g_string_append (text, json_node_get_string (node));
        }
    }
  return g_string_free (text, FALSE);
}

static gboolean
check_member_type (JsonObject  *root,
                   const char  *name,
                   JsonNodeType type,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (root, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || json_node_get_node_type (node) == type)
    return TRUE;
  g_set_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_NOT_JSON_RESUME,
               type == JSON_NODE_OBJECT
               ? _("This is not a JSON Resume file: “%s” should be an object.")
               : _("This is not a JSON Resume file: “%s” should be a list."),
               name);
  return FALSE;
}

static void
resume_item_strings (JsonObject *item,
                     JsonObject *to,
                     const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    set_text (to, names[i], get_str (item, names[i]));
}

/**
 * xpz_import_json_resume:
 * @data: the file's contents
 * @len: its length in bytes
 * @error: an error in %XPZ_IMPORT_ERROR
 *
 * Reads a JSON Resume (https://jsonresume.org/schema) document. Members the platform's
 * Profile has no place for are dropped; dates become YYYY, YYYY-MM or YYYY-MM-DD (a date
 * that cannot be read is dropped); work highlights become lines of the work summary.
 *
 * Returns: (transfer full): a Profile with basics, work, education, skills and languages
 */
JsonNode *
xpz_import_json_resume (const char  *data,
                        gsize        len,
                        GError     **error)
{
  static const char *const basics_names[] = { "name", "label", "summary", NULL };
  static const char *const education_names[] = { "institution", "area", "studyType", NULL };
  static const char *const skill_names[] = { "name", "level", NULL };
  static const char *const language_names[] = { "language", "fluency", NULL };
  g_autoptr (JsonNode) parsed = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (JsonNode) result = NULL;
  JsonObject *root, *basics, *from_basics, *location, *from_location;
  JsonArray *lists[4];
  gboolean recognised = FALSE;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > XPZ_IMPORT_MAX_JSON_SIZE)
    {
      g_set_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_TOO_LARGE,
                   _("The file is too large for a résumé (more than %d MB)."), XPZ_IMPORT_MAX_JSON_SIZE / (1024 * 1024));
      return NULL;
    }
  if (len == 0)
    {
      g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_JSON, _("The file is empty."));
      return NULL;
    }
  if (!g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_JSON,
                           _("This file is not a JSON document (it is not text)."));
      return NULL;
    }
  /* Strict RFC 8259 (no comments), nesting checked before json-glib recurses. */
  parsed = xpz_json_parse_strict (data, (gssize) len, MAX_DEPTH, &parse_error);
  if (parsed == NULL && g_error_matches (parse_error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_TOO_DEEP))
    {
      g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_JSON,
                           _("This JSON document is nested too deeply to be a résumé."));
      return NULL;
    }
  if (parsed == NULL)
    {
      g_set_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_JSON,
                   _("This file is not valid JSON: %s"), parse_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (parsed))
    {
      g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_NOT_JSON_RESUME,
                           _("This is not a JSON Resume file: it does not describe a person."));
      return NULL;
    }
  root = json_node_get_object (parsed);
  if (!check_member_type (root, "basics", JSON_NODE_OBJECT, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (!check_member_type (root, sections[i], JSON_NODE_ARRAY, error))
      return NULL;
  recognised = get_obj (root, "basics") != NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    recognised = recognised || get_arr (root, sections[i]) != NULL;
  if (!recognised)
    {
      g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_NOT_JSON_RESUME,
                           _("This is not a JSON Resume file: it has no “basics”, “work”, “education”, “skills” or “languages”."));
      return NULL;
    }

  result = new_profile (&basics, lists);

  from_basics = get_obj (root, "basics");
  resume_item_strings (from_basics, basics, basics_names);
  set_email (basics, get_str (from_basics, "email"));
  set_phone (basics, get_str (from_basics, "phone"));
  set_url (basics, "url", get_str (from_basics, "url") ?: get_str (from_basics, "website"));
  location = json_object_new ();
  from_location = get_obj (from_basics, "location");
  set_text (location, "city", get_str (from_location, "city"));
  set_text (location, "region", get_str (from_location, "region"));
  set_country (location, get_str (from_location, "countryCode"));
  finish_basics (basics, location);
  {
    JsonArray *from = get_arr (from_basics, "profiles");
    JsonArray *profiles = json_array_new ();

    for (guint i = 0; from != NULL && i < json_array_get_length (from); i++)
      {
        JsonObject *item = JSON_NODE_HOLDS_OBJECT (json_array_get_element (from, i))
                           ? json_array_get_object_element (from, i) : NULL;
        JsonObject *to = json_object_new ();

        set_text (to, "network", get_str (item, "network"));
        set_text (to, "username", get_str (item, "username"));
        set_url (to, "url", get_str (item, "url"));
        add_if_not_empty (profiles, to);
      }
    if (json_array_get_length (profiles) > 0)
      json_object_set_array_member (basics, "profiles", profiles);
    else
      json_array_unref (profiles);
  }

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonArray *from = get_arr (root, sections[s]);

      for (guint i = 0; from != NULL && i < json_array_get_length (from); i++)
        {
          JsonObject *item;
          JsonObject *to;

          if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (from, i)))
            continue;
          item = json_array_get_object_element (from, i);
          to = json_object_new ();
          if (s == 0)
            {
              g_autofree char *summary = work_summary (item);

              set_text (to, "name", get_str (item, "name") ?: get_str (item, "company"));
              set_text (to, "position", get_str (item, "position"));
              set_date (to, "startDate", get_str (item, "startDate"));
              set_date (to, "endDate", get_str (item, "endDate"));
              set_text (to, "summary", summary);
            }
          else if (s == 1)
            {
              resume_item_strings (item, to, education_names);
              set_date (to, "startDate", get_str (item, "startDate"));
              set_date (to, "endDate", get_str (item, "endDate"));
            }
          else if (s == 2)
            {
              JsonArray *keywords = get_arr (item, "keywords");

              resume_item_strings (item, to, skill_names);
              if (keywords != NULL)
                {
                  JsonArray *kept = json_array_new ();

                  for (guint k = 0; k < json_array_get_length (keywords) && json_array_get_length (kept) < MAX_ITEMS; k++)
                    {
                      JsonNode *node = json_array_get_element (keywords, k);
                      g_autofree char *word = NULL;

                      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
                        word = clean_text (json_node_get_string (node), MAX_KEYWORD);
                      if (word != NULL)
                        json_array_add_string_element (kept, word);
                    }
                  json_object_set_array_member (to, "keywords", kept);
                }
              if (get_str (to, "name") == NULL)
                {
                  json_object_unref (to);
                  continue;
                }
            }
          else
            {
              resume_item_strings (item, to, language_names);
              if (get_str (to, "language") == NULL)
                {
                  json_object_unref (to);
                  continue;
                }
            }
          add_if_not_empty (lists[s], to);
        }
    }
  return g_steal_pointer (&result);
}

/* ---- CSV (RFC 4180) ---- */

typedef GPtrArray Row; /* of char* */

static GPtrArray *
csv_parse (const char  *text,
           gsize        len,
           const char  *file,
           GError     **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) field = g_string_new (NULL);
  gboolean quoted = FALSE;
  gboolean field_started = FALSE;
  gsize i = 0;

  if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  for (; i <= len; i++)
    {
      char c = i < len ? text[i] : '\n';

      if (quoted)
        {
          if (i == len)
            {
              g_set_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_CSV,
                           _("“%s” is damaged: a quoted value never ends."), file);
              return NULL;
            }
          if (c == '"')
            {
              if (i + 1 < len && text[i + 1] == '"')
                {
                  g_string_append_c (field, '"');
                  i++;
                }
              else
                quoted = FALSE;
            }
          else if (field->len < MAX_STRING * 2)
            g_string_append_c (field, c);
          continue;
        }
      if (c == '"' && !field_started)
        {
          quoted = TRUE;
          field_started = TRUE;
        }
      else if (c == ',')
        {
          if (row->len < MAX_CSV_COLS)
            g_ptr_array_add (row, g_strndup (field->str, field->len));
          g_string_truncate (field, 0);
          field_started = FALSE;
        }
      else if (c == '\n' || c == '\r')
        {
          if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
          if (row->len > 0 || field_started || field->len > 0)
            {
              if (row->len < MAX_CSV_COLS)
                g_ptr_array_add (row, g_strndup (field->str, field->len));
              if (rows->len < MAX_CSV_ROWS)
                g_ptr_array_add (rows, g_steal_pointer (&row));
              g_clear_pointer (&row, g_ptr_array_unref);
              row = g_ptr_array_new_with_free_func (g_free);
            }
          g_string_truncate (field, 0);
          field_started = FALSE;
        }
      else
        {
          field_started = TRUE;
          if (field->len < MAX_STRING * 2)
            g_string_append_c (field, c);
        }
    }
  return g_steal_pointer (&rows);
}

static void
fold_header (const char *name,
             GString    *out)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  g_string_truncate (out, 0);
  for (const char *p = folded; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, *p);
}

/* The column whose folded header is one of the aliases (LinkedIn renames columns
 * between exports; the names below are the ones seen in exports since 2018). */
static int
find_column (Row        *header,
             const char *aliases)
{
  g_auto (GStrv) names = g_strsplit (aliases, "|", -1);
  g_autoptr (GString) folded = g_string_new (NULL);

  for (guint n = 0; names[n] != NULL; n++)
    for (guint i = 0; i < header->len; i++)
      {
        fold_header (g_ptr_array_index (header, i), folded);
        if (g_str_equal (folded->str, names[n]))
          return (int) i;
      }
  return -1;
}

static const char *
cell (Row *row,
      int  column)
{
  return column >= 0 && (guint) column < row->len ? g_ptr_array_index (row, column) : NULL;
}

typedef struct
{
  const char *key;    /* the folded file name */
  const char *file;   /* the file name as LinkedIn writes it */
  const char *anchor; /* aliases of a column that identifies the header row */
} LinkedInFile;

enum
{
  LI_PROFILE,
  LI_POSITIONS,
  LI_EDUCATION,
  LI_SKILLS,
  LI_LANGUAGES,
  LI_EMAILS,
  LI_PHONES,
  N_LI_FILES
};

static const LinkedInFile linkedin_files[N_LI_FILES] = {
  { "profilecsv", "Profile.csv", "firstname|lastname|headline" },
  { "positionscsv", "Positions.csv", "companyname|company|title|position" },
  { "educationcsv", "Education.csv", "schoolname|school|institution" },
  { "skillscsv", "Skills.csv", "name|skill|skillname" },
  { "languagescsv", "Languages.csv", "name|language" },
  { "emailaddressescsv", "Email Addresses.csv", "emailaddress|email" },
  { "phonenumberscsv", "PhoneNumbers.csv", "number|phonenumber|phone" },
};

static int
linkedin_file_for_name (const char *path)
{
  const char *base = strrchr (path, '/');
  g_autoptr (GString) folded = g_string_new (NULL);

  fold_header (base ? base + 1 : path, folded);
  for (int i = 0; i < N_LI_FILES; i++)
    if (g_str_equal (folded->str, linkedin_files[i].key))
      return i;
  return -1;
}

/* The rows of a file, starting after its header; *header points at the header row.
 * LinkedIn puts a "Notes:" preamble above the header in some files: the header is the
 * first of the first five rows that has the file's anchor column. */
static GPtrArray *
linkedin_rows (GBytes      *bytes,
               int          which,
               Row        **header,
               GError     **error)
{
  g_autoptr (GPtrArray) rows = NULL;
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);

  *header = NULL;
  rows = csv_parse (text, len, linkedin_files[which].file, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < MIN (rows->len, 5u); i++)
    if (find_column (g_ptr_array_index (rows, i), linkedin_files[which].anchor) >= 0)
      {
        g_ptr_array_remove_range (rows, 0, i);
        *header = g_ptr_array_index (rows, 0);
        return g_steal_pointer (&rows);
      }
  /* A header LinkedIn renamed beyond recognition: an empty section. */
  g_ptr_array_set_size (rows, 0);
  return g_steal_pointer (&rows);
}

static const struct
{
  const char *name;
  const char *code;
} countries[] = {
  { "morocco", "MA" }, { "maroc", "MA" }, { "المغرب", "MA" }, { "france", "FR" }, { "spain", "ES" },
  { "espagne", "ES" }, { "belgium", "BE" }, { "belgique", "BE" }, { "germany", "DE" }, { "allemagne", "DE" },
  { "united kingdom", "GB" }, { "royaume-uni", "GB" }, { "united states", "US" }, { "états-unis", "US" },
  { "canada", "CA" }, { "tunisia", "TN" }, { "tunisie", "TN" }, { "algeria", "DZ" }, { "algérie", "DZ" },
  { "senegal", "SN" }, { "sénégal", "SN" }, { "netherlands", "NL" }, { "pays-bas", "NL" }, { "italy", "IT" },
  { "italie", "IT" }, { "portugal", "PT" }, { "switzerland", "CH" }, { "suisse", "CH" },
  { "united arab emirates", "AE" }, { "émirats arabes unis", "AE" }, { "saudi arabia", "SA" },
  { "arabie saoudite", "SA" }, { "qatar", "QA" }, { "egypt", "EG" }, { "égypte", "EG" },
};

static void
set_geo_location (JsonObject *location,
                  const char *geo)
{
  g_auto (GStrv) parts = NULL;
  guint n;

  if (geo == NULL)
    return;
  parts = g_strsplit (geo, ",", 4);
  n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    g_strstrip (parts[i]);
  if (n == 0)
    return;
  if (n >= 2)
    {
      g_autofree char *country = g_utf8_casefold (parts[n - 1], -1);

      for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
        if (g_str_equal (country, countries[i].name))
          json_object_set_string_member (location, "countryCode", countries[i].code);
    }
  set_text (location, "city", parts[0]);
  if (n >= 3)
    set_text (location, "region", parts[1]);
}

/* "Websites" holds entries like "[PORTFOLIO:https://example.com]": the first http(s) URL. */
static void
set_first_url (JsonObject *basics,
               const char *websites)
{
  const char *start;
  gsize len;
  g_autofree char *url = NULL;

  if (websites == NULL)
    return;
  start = strstr (websites, "https://");
  if (start == NULL)
    start = strstr (websites, "http://");
  if (start == NULL)
    return;
  len = strcspn (start, " ,;]\t\r\n\"");
  url = g_strndup (start, len);
  set_url (basics, "url", url);
}

static JsonNode *
linkedin_profile_rows (GBytes     *files[N_LI_FILES],
                       GPtrArray  *all_rows[N_LI_FILES],
                       GError    **error)
{
  g_autoptr (JsonNode) result = NULL;
  Row *headers[N_LI_FILES] = { NULL };
  JsonObject *basics, *location;
  JsonArray *lists[4];
  gboolean any = FALSE;

  for (int f = 0; f < N_LI_FILES; f++)
    if (files[f] != NULL)
      {
        all_rows[f] = linkedin_rows (files[f], f, &headers[f], error);
        if (all_rows[f] == NULL)
          return NULL;
        any = TRUE;
      }
  if (!any)
    {
      g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_NOT_LINKEDIN,
                           _("This is not a LinkedIn data export: it has none of Profile.csv, Positions.csv, "
                             "Education.csv, Skills.csv or Languages.csv."));
      return NULL;
    }

  result = new_profile (&basics, lists);
  location = json_object_new ();

  if (headers[LI_PROFILE] != NULL && all_rows[LI_PROFILE]->len > 1)
    {
      Row *h = headers[LI_PROFILE];
      Row *row = g_ptr_array_index (all_rows[LI_PROFILE], 1);
      g_autofree char *name = g_strjoin (" ", cell (row, find_column (h, "firstname")) ?: "",
                                         cell (row, find_column (h, "lastname")) ?: "", NULL);

      set_text (basics, "name", name);
      set_text (basics, "label", cell (row, find_column (h, "headline|title")));
      set_text (basics, "summary", cell (row, find_column (h, "summary|about")));
      set_geo_location (location, cell (row, find_column (h, "geolocation|location")));
      set_first_url (basics, cell (row, find_column (h, "websites|website")));
    }
  if (headers[LI_EMAILS] != NULL)
    {
      Row *h = headers[LI_EMAILS];
      int column = find_column (h, "emailaddress|email");
      int primary = find_column (h, "primary");
      const char *chosen = NULL;

      for (guint i = 1; i < all_rows[LI_EMAILS]->len; i++)
        {
          Row *row = g_ptr_array_index (all_rows[LI_EMAILS], i);
          const char *email = cell (row, column);

          if (email == NULL || *email == '\0')
            continue;
          if (chosen == NULL || g_ascii_strcasecmp (cell (row, primary) ?: "", "yes") == 0)
            chosen = email;
        }
      set_email (basics, chosen);
    }
  if (headers[LI_PHONES] != NULL)
    {
      Row *h = headers[LI_PHONES];
      int column = find_column (h, "number|phonenumber|phone");

      for (guint i = 1; i < all_rows[LI_PHONES]->len; i++)
        {
          const char *number = cell (g_ptr_array_index (all_rows[LI_PHONES], i), column);

          if (number != NULL && *number != '\0')
            {
              set_phone (basics, number);
              break;
            }
        }
    }
  finish_basics (basics, location);

  if (headers[LI_POSITIONS] != NULL)
    {
      Row *h = headers[LI_POSITIONS];
      int company = find_column (h, "companyname|company|organization|organisation");
      int title = find_column (h, "title|position|jobtitle");
      int description = find_column (h, "description|summary");
      int start = find_column (h, "startedon|startdate|start|from");
      int end = find_column (h, "finishedon|enddate|end|to");

      for (guint i = 1; i < all_rows[LI_POSITIONS]->len; i++)
        {
          Row *row = g_ptr_array_index (all_rows[LI_POSITIONS], i);
          JsonObject *to = json_object_new ();

          set_text (to, "name", cell (row, company));
          set_text (to, "position", cell (row, title));
          set_date (to, "startDate", cell (row, start));
          set_date (to, "endDate", cell (row, end));
          set_text (to, "summary", cell (row, description));
          add_if_not_empty (lists[0], to);
        }
    }
  if (headers[LI_EDUCATION] != NULL)
    {
      Row *h = headers[LI_EDUCATION];
      int school = find_column (h, "schoolname|school|institution");
      int degree = find_column (h, "degreename|degree|studytype");
      int area = find_column (h, "fieldofstudy|field|area");
      int start = find_column (h, "startdate|startedon|start|from");
      int end = find_column (h, "enddate|finishedon|end|to");

      for (guint i = 1; i < all_rows[LI_EDUCATION]->len; i++)
        {
          Row *row = g_ptr_array_index (all_rows[LI_EDUCATION], i);
          JsonObject *to = json_object_new ();

          set_text (to, "institution", cell (row, school));
          set_text (to, "studyType", cell (row, degree));
          set_text (to, "area", cell (row, area));
          set_date (to, "startDate", cell (row, start));
          set_date (to, "endDate", cell (row, end));
          add_if_not_empty (lists[1], to);
        }
    }
  if (headers[LI_SKILLS] != NULL)
    {
      int column = find_column (headers[LI_SKILLS], "name|skill|skillname");

      for (guint i = 1; i < all_rows[LI_SKILLS]->len; i++)
        {
          JsonObject *to = json_object_new ();

          set_text (to, "name", cell (g_ptr_array_index (all_rows[LI_SKILLS], i), column));
          add_if_not_empty (lists[2], to);
        }
    }
  if (headers[LI_LANGUAGES] != NULL)
    {
      Row *h = headers[LI_LANGUAGES];
      int name = find_column (h, "name|language");
      int fluency = find_column (h, "proficiency|fluency|level");

      for (guint i = 1; i < all_rows[LI_LANGUAGES]->len; i++)
        {
          Row *row = g_ptr_array_index (all_rows[LI_LANGUAGES], i);
          JsonObject *to = json_object_new ();

          set_text (to, "language", cell (row, name));
          if (get_str (to, "language") == NULL)
            {
              json_object_unref (to);
              continue;
            }
          set_text (to, "fluency", cell (row, fluency));
          add_if_not_empty (lists[3], to);
        }
    }
  return g_steal_pointer (&result);
}

static JsonNode *
linkedin_profile (GBytes  *files[N_LI_FILES],
                  GError **error)
{
  GPtrArray *all_rows[N_LI_FILES] = { NULL };
  JsonNode *result = linkedin_profile_rows (files, all_rows, error);

  for (int i = 0; i < N_LI_FILES; i++)
    g_clear_pointer (&all_rows[i], g_ptr_array_unref);
  return result;
}

static void
clear_files (GBytes *files[N_LI_FILES])
{
  for (int i = 0; i < N_LI_FILES; i++)
    g_clear_pointer (&files[i], g_bytes_unref);
}

static void
set_zip_error (GError  *zip_error,
               GError **error)
{
  static const XpzImportError codes[] = {
    [XPZ_ZIP_ERROR_NOT_ZIP] = XPZ_IMPORT_ERROR_NOT_ZIP,
    [XPZ_ZIP_ERROR_CORRUPT] = XPZ_IMPORT_ERROR_CORRUPT_ZIP,
    [XPZ_ZIP_ERROR_CHECKSUM] = XPZ_IMPORT_ERROR_CORRUPT_ZIP,
    [XPZ_ZIP_ERROR_UNSUPPORTED] = XPZ_IMPORT_ERROR_UNSUPPORTED_ZIP,
    [XPZ_ZIP_ERROR_UNSAFE_NAME] = XPZ_IMPORT_ERROR_UNSAFE_NAME,
    [XPZ_ZIP_ERROR_TOO_LARGE] = XPZ_IMPORT_ERROR_TOO_LARGE,
  };

  if (zip_error->domain == XPZ_ZIP_ERROR && zip_error->code >= 0 && (gsize) zip_error->code < G_N_ELEMENTS (codes))
    g_set_error_literal (error, XPZ_IMPORT_ERROR, codes[zip_error->code], zip_error->message);
  else
    g_propagate_error (error, g_error_copy (zip_error));
}

/**
 * xpz_import_linkedin_zip_bytes:
 * @zip: a LinkedIn data export as downloaded
 *
 * Like xpz_import_linkedin() for an archive in memory. Only the files the importer reads
 * are extracted, each at most %XPZ_IMPORT_MAX_CSV_SIZE, together at most
 * %XPZ_IMPORT_MAX_EXTRACTED_SIZE.
 */
JsonNode *
xpz_import_linkedin_zip_bytes (GBytes        *zip,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr (XpzZipReader) reader = NULL;
  g_autoptr (GError) zip_error = NULL;
  GBytes *files[N_LI_FILES] = { NULL };
  guint depth[N_LI_FILES] = { 0 };
  guint chosen[N_LI_FILES];
  gsize total = 0;
  JsonNode *result;

  g_return_val_if_fail (zip != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (zip) > XPZ_IMPORT_MAX_ZIP_SIZE)
    {
      g_set_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_TOO_LARGE,
                   _("The file is too large for a LinkedIn export (more than %d MB)."),
                   XPZ_IMPORT_MAX_ZIP_SIZE / (1024 * 1024));
      return NULL;
    }
  reader = xpz_zip_reader_new (zip, &zip_error);
  if (reader == NULL)
    {
      set_zip_error (zip_error, error);
      return NULL;
    }

  /* The shallowest copy of each file wins (the export may sit in a folder). */
  for (int f = 0; f < N_LI_FILES; f++)
    chosen[f] = G_MAXUINT;
  for (guint i = 0; i < xpz_zip_reader_get_n_entries (reader); i++)
    {
      const char *name = xpz_zip_reader_get_name (reader, i);
      int which = linkedin_file_for_name (name);
      guint d = 0;

      if (which < 0)
        continue;
      for (const char *p = name; *p != '\0'; p++)
        d += *p == '/';
      if (chosen[which] == G_MAXUINT || d < depth[which])
        {
          chosen[which] = i;
          depth[which] = d;
        }
    }
  for (int f = 0; f < N_LI_FILES; f++)
    {
      if (chosen[f] == G_MAXUINT)
        continue;
      if (total + xpz_zip_reader_get_size (reader, chosen[f]) > XPZ_IMPORT_MAX_EXTRACTED_SIZE)
        {
          clear_files (files);
          g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_TOO_LARGE,
                               _("The LinkedIn export is too large once unpacked."));
          return NULL;
        }
      files[f] = xpz_zip_reader_extract (reader, chosen[f], XPZ_IMPORT_MAX_CSV_SIZE, cancellable, &zip_error);
      if (files[f] == NULL)
        {
          clear_files (files);
          set_zip_error (zip_error, error);
          return NULL;
        }
      total += g_bytes_get_size (files[f]);
    }
  result = linkedin_profile (files, error);
  clear_files (files);
  return result;
}

static JsonNode *
import_linkedin_folder (GFile         *folder,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  GBytes *files[N_LI_FILES] = { NULL };
  JsonNode *result;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (children == NULL)
    return NULL;
  for (;;)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;
      int which;
      char *contents = NULL;
      gsize len = 0;

      if (!g_file_enumerator_iterate (children, &info, &child, cancellable, error))
        {
          clear_files (files);
          return NULL;
        }
      if (info == NULL)
        break;
      which = linkedin_file_for_name (g_file_info_get_name (info));
      if (which < 0 || files[which] != NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        continue;
      if (g_file_info_get_size (info) > XPZ_IMPORT_MAX_CSV_SIZE)
        {
          clear_files (files);
          g_set_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_TOO_LARGE,
                       _("“%s” is too large for a LinkedIn export."), g_file_info_get_name (info));
          return NULL;
        }
      if (!g_file_load_contents (child, cancellable, &contents, &len, NULL, error))
        {
          clear_files (files);
          return NULL;
        }
      files[which] = g_bytes_new_take (contents, len);
    }
  result = linkedin_profile (files, error);
  clear_files (files);
  return result;
}

/**
 * xpz_import_linkedin:
 * @zip_or_folder: the .zip LinkedIn sends, or the folder it was extracted to
 *
 * Reads Profile.csv, Positions.csv, Education.csv, Skills.csv, Languages.csv,
 * Email Addresses.csv and PhoneNumbers.csv by their column names; a missing file is an
 * empty section. Blocks: call it from a thread, or use xpz_import_linkedin_async().
 *
 * Returns: (transfer full): a Profile, or %NULL with @error set
 */
JsonNode *
xpz_import_linkedin (GFile         *zip_or_folder,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (G_IS_FILE (zip_or_folder), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = g_file_query_info (zip_or_folder, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    return import_linkedin_folder (zip_or_folder, cancellable, error);
  if (g_file_info_get_size (info) > XPZ_IMPORT_MAX_ZIP_SIZE)
    {
      g_set_error (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_TOO_LARGE,
                   _("The file is too large for a LinkedIn export (more than %d MB)."),
                   XPZ_IMPORT_MAX_ZIP_SIZE / (1024 * 1024));
      return NULL;
    }
  bytes = g_file_load_bytes (zip_or_folder, cancellable, NULL, error);
  if (bytes == NULL)
    return NULL;
  return xpz_import_linkedin_zip_bytes (bytes, cancellable, error);
}

static void
import_linkedin_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *profile = xpz_import_linkedin (G_FILE (task_data), cancellable, &error);

  if (profile == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, profile, (GDestroyNotify) json_node_unref);
}

void
xpz_import_linkedin_async (GFile               *zip_or_folder,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (zip_or_folder));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_import_linkedin_async);
  g_task_set_task_data (task, g_object_ref (zip_or_folder), g_object_unref);
  g_task_run_in_thread (task, import_linkedin_thread);
}

JsonNode *
xpz_import_linkedin_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xpz_import_linkedin_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- preview and apply ---- */

static const struct
{
  const char *field;
  const char *label;
} basics_fields[] = {
  { "name", N_("Name") },
  { "label", N_("Headline") },
  { "email", N_("Email") },
  { "phone", N_("Phone") },
  { "url", N_("Website") },
  { "summary", N_("Summary") },
  { "location.city", N_("City") },
  { "location.region", N_("Region") },
  { "location.countryCode", N_("Country") },
};

static const char *
basics_value (JsonObject *basics,
              const char *field)
{
  if (g_str_has_prefix (field, "location."))
    return get_str (get_obj (basics, "location"), field + strlen ("location."));
  return get_str (basics, field);
}

static gboolean
same_text (const char *a,
           const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  g_strstrip (fa);
  g_strstrip (fb);
  return g_str_equal (fa, fb);
}

static char *
date_range (JsonObject *item)
{
  const char *start = get_str (item, "startDate");
  const char *end = get_str (item, "endDate");

  if (start == NULL && end == NULL)
    return NULL;
  /* TRANSLATORS: a period of time, such as "2019-03 – 2021"; the second one is open-ended */
  if (end == NULL)
    return g_strdup_printf (_("%s – now"), start);
  return g_strdup_printf (C_("date range", "%s – %s"), start ? start : "?", end);
}

static char *
describe_item (const char *section,
               JsonObject *item)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dates = date_range (item);
  g_autofree char *main = NULL;
  static const char *const work[] = { "position", "name", NULL };
  static const char *const education[] = { "studyType", "area", "institution", NULL };
  static const char *const skills[] = { "name", "level", NULL };
  static const char *const languages[] = { "language", "fluency", NULL };
  static const char *const profiles[] = { "network", "username", "url", NULL };
  const char *const *names = g_str_equal (section, "work") ? work
                             : g_str_equal (section, "education") ? education
                             : g_str_equal (section, "skills") ? skills
                             : g_str_equal (section, "languages") ? languages : profiles;

  for (guint i = 0; names[i] != NULL; i++)
    if (get_str (item, names[i]) != NULL)
      g_ptr_array_add (parts, g_strdup (get_str (item, names[i])));
  g_ptr_array_add (parts, NULL);
  /* TRANSLATORS: separates the parts of a list entry, such as "Data engineer, OCP" */
  main = g_strjoinv (C_("import preview", ", "), (char **) parts->pdata);
  if (dates == NULL)
    return g_steal_pointer (&main);
  /* TRANSLATORS: a list entry and its dates, such as "Data engineer, OCP (2019-03 – 2021)" */
  return g_strdup_printf (C_("import preview", "%s (%s)"), main, dates);
}

static const char *
section_label (const char *section)
{
  if (g_str_equal (section, "work"))
    return _("Experience");
  if (g_str_equal (section, "education"))
    return _("Education");
  if (g_str_equal (section, "skills"))
    return _("Skill");
  if (g_str_equal (section, "languages"))
    return _("Language");
  return _("Profile link");
}

/* Two entries are the same when their identifying members match, ignoring case. */
static gboolean
same_item (const char *section,
           JsonObject *a,
           JsonObject *b)
{
  if (g_str_equal (section, "work"))
    return same_text (get_str (a, "name"), get_str (b, "name")) &&
           same_text (get_str (a, "position"), get_str (b, "position"));
  if (g_str_equal (section, "education"))
    return same_text (get_str (a, "institution"), get_str (b, "institution")) &&
           same_text (get_str (a, "studyType"), get_str (b, "studyType"));
  if (g_str_equal (section, "skills"))
    return same_text (get_str (a, "name"), get_str (b, "name"));
  if (g_str_equal (section, "languages"))
    return same_text (get_str (a, "language"), get_str (b, "language"));
  return same_text (get_str (a, "network"), get_str (b, "network")) &&
         same_text (get_str (a, "username"), get_str (b, "username"));
}

static gboolean
year_matches (JsonObject *a,
              JsonObject *b)
{
  const char *sa = get_str (a, "startDate");
  const char *sb = get_str (b, "startDate");

  return sa != NULL && sb != NULL && strncmp (sa, sb, 4) == 0;
}

static void
diff_list (GListStore *store,
           const char *section,
           const char *field,
           JsonArray  *current,
           JsonArray  *imported)
{
  guint n_current = current ? json_array_get_length (current) : 0;
  g_autofree gboolean *used = g_new0 (gboolean, n_current + 1);

  for (guint i = 0; imported != NULL && i < json_array_get_length (imported); i++)
    {
      JsonObject *item;
      int match = -1;
      g_autoptr (XpzImportChange) change = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (imported, i)))
        continue;
      item = json_array_get_object_element (imported, i);
      for (guint c = 0; c < n_current; c++)
        {
          JsonObject *candidate;

          if (used[c] || !JSON_NODE_HOLDS_OBJECT (json_array_get_element (current, c)))
            continue;
          candidate = json_array_get_object_element (current, c);
          if (!same_item (section, candidate, item))
            continue;
          /* An identical entry wins; then the one that started the same year. */
          if (json_node_equal (json_array_get_element (current, c), json_array_get_element (imported, i)))
            {
              match = (int) c;
              break;
            }
          if (match < 0 || (year_matches (candidate, item) &&
                            !year_matches (json_array_get_object_element (current, (guint) match), item)))
            match = (int) c;
        }
      if (match < 0)
        {
          g_autoptr (JsonNode) value = deep_copy (json_array_get_element (imported, i));
          g_autofree char *shown = describe_item (section, item);

          change = xpz_import_change_new (XPZ_IMPORT_CHANGE_ADD_ITEM, field ? "basics" : section, field, -1,
                                          section_label (section), NULL, shown, value);
        }
      else
        {
          JsonNode *old_node = json_array_get_element (current, (guint) match);
          g_autoptr (JsonNode) merged = deep_copy (old_node);
          JsonObject *merged_object = json_node_get_object (merged);
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          used[match] = TRUE;
          json_object_iter_init_ordered (&iter, item);
          while (json_object_iter_next_ordered (&iter, &name, &member))
            {
              const char *mine = get_str (merged_object, name);
              const char *theirs = get_str (item, name);

              /* A difference in case or spacing only is not worth a change. */
              if (mine != NULL && theirs != NULL && same_text (mine, theirs))
                continue;
              json_object_set_member (merged_object, name, deep_copy (member));
            }
          if (!json_node_equal (merged, old_node))
            {
              g_autofree char *old_shown = describe_item (section, json_node_get_object (old_node));
              g_autofree char *new_shown = describe_item (section, merged_object);

              change = xpz_import_change_new (XPZ_IMPORT_CHANGE_UPDATE_ITEM, field ? "basics" : section, field, match,
                                              section_label (section), old_shown, new_shown, merged);
            }
        }
      if (change != NULL)
        g_list_store_append (store, change);
    }
}

/**
 * xpz_import_diff:
 * @current: (nullable): the profile as it is
 * @imported: the profile an importer returned
 *
 * What the import would change, for a preview with a check box per change (bound to
 * XpzImportChange:keep). An import never removes anything: fields it has no value
 * for keep theirs; list entries it has are added, or update the matching entry
 * (same employer and position, same school and degree, same skill, same language).
 *
 * Returns: (transfer full): a list of #XpzImportChange, in profile order
 */
GListModel *
xpz_import_diff (JsonNode *current,
                 JsonNode *imported)
{
  GListStore *store = g_list_store_new (XPZ_TYPE_IMPORT_CHANGE);
  JsonObject *cur = current != NULL && JSON_NODE_HOLDS_OBJECT (current) ? json_node_get_object (current) : NULL;
  JsonObject *imp = imported != NULL && JSON_NODE_HOLDS_OBJECT (imported) ? json_node_get_object (imported) : NULL;
  JsonObject *cur_basics = get_obj (cur, "basics");
  JsonObject *imp_basics = get_obj (imp, "basics");

  if (imp == NULL)
    return G_LIST_MODEL (store);
  for (guint i = 0; i < G_N_ELEMENTS (basics_fields); i++)
    {
      const char *old_value = basics_value (cur_basics, basics_fields[i].field);
      const char *new_value = basics_value (imp_basics, basics_fields[i].field);
      g_autoptr (JsonNode) value = NULL;
      g_autoptr (XpzImportChange) change = NULL;

      if (new_value == NULL || *new_value == '\0' || g_strcmp0 (old_value, new_value) == 0)
        continue;
      value = json_node_init_string (json_node_alloc (), new_value);
      change = xpz_import_change_new (XPZ_IMPORT_CHANGE_SET_FIELD, "basics", basics_fields[i].field, -1,
                                      _(basics_fields[i].label), old_value, new_value, value);
      g_list_store_append (store, change);
    }
  diff_list (store, "profiles", "profiles", get_arr (cur_basics, "profiles"), get_arr (imp_basics, "profiles"));
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    diff_list (store, sections[s], NULL, get_arr (cur, sections[s]), get_arr (imp, sections[s]));
  return G_LIST_MODEL (store);
}

static JsonObject *
ensure_object (JsonObject *parent,
               const char *name)
{
  JsonObject *object = get_obj (parent, name);

  if (object == NULL)
    {
      object = json_object_new ();
      json_object_set_object_member (parent, name, object);
    }
  return object;
}

static JsonArray *
ensure_array (JsonObject *parent,
              const char *name)
{
  JsonArray *array = get_arr (parent, name);

  if (array == NULL)
    {
      array = json_array_new ();
      json_object_set_array_member (parent, name, array);
    }
  return array;
}

/**
 * xpz_import_apply:
 * @current: (nullable): the profile as it is (not modified)
 * @changes: the list xpz_import_diff() returned, with :keep as the user left it
 *
 * Returns: (transfer full): a new profile: @current with the kept changes applied
 */
JsonNode *
xpz_import_apply (JsonNode   *current,
                  GListModel *changes)
{
  JsonNode *result;
  JsonObject *profile;

  g_return_val_if_fail (G_IS_LIST_MODEL (changes), NULL);

  if (current != NULL && JSON_NODE_HOLDS_OBJECT (current))
    result = deep_copy (current);
  else
    result = node_for_object (json_object_new ());
  profile = json_node_get_object (result);

  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr (XpzImportChange) change = g_list_model_get_item (changes, i);
      const char *section = xpz_import_change_get_section (change);
      const char *field = xpz_import_change_get_field (change);
      JsonNode *value = xpz_import_change_get_value (change);
      JsonObject *parent;
      JsonArray *array;

      if (!xpz_import_change_get_keep (change))
        continue;
      switch (xpz_import_change_get_kind (change))
        {
        case XPZ_IMPORT_CHANGE_SET_FIELD:
          parent = ensure_object (profile, "basics");
          if (g_str_has_prefix (field, "location."))
            {
              parent = ensure_object (parent, "location");
              field += strlen ("location.");
            }
          json_object_set_member (parent, field, deep_copy (value));
          break;
        case XPZ_IMPORT_CHANGE_ADD_ITEM:
        case XPZ_IMPORT_CHANGE_UPDATE_ITEM:
          parent = field != NULL ? ensure_object (profile, section) : profile;
          array = ensure_array (parent, field != NULL ? field : section);
          if (xpz_import_change_get_kind (change) == XPZ_IMPORT_CHANGE_ADD_ITEM)
            {
              if (json_array_get_length (array) < MAX_ITEMS)
                json_array_add_element (array, deep_copy (value));
            }
          else if (xpz_import_change_get_index (change) >= 0 &&
                   (guint) xpz_import_change_get_index (change) < json_array_get_length (array) &&
                   JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, (guint) xpz_import_change_get_index (change))) &&
                   JSON_NODE_HOLDS_OBJECT (value))
            {
              JsonObject *target = json_array_get_object_element (array, (guint) xpz_import_change_get_index (change));
              g_autoptr (GList) names = json_object_get_members (target);
              JsonObjectIter iter;
              const char *name;
              JsonNode *member;

              for (GList *l = names; l != NULL; l = l->next)
                json_object_remove_member (target, l->data);
              json_object_iter_init_ordered (&iter, json_node_get_object (value));
              while (json_object_iter_next_ordered (&iter, &name, &member))
                json_object_set_member (target, name, deep_copy (member));
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return result;
}

/* ---- export ---- */

static JsonObject *
export_item (JsonObject        *item,
             const char *const *texts,
             gboolean           dates)
{
  JsonObject *to = json_object_new ();

  for (guint i = 0; texts[i] != NULL; i++)
    {
      if (g_str_equal (texts[i], "url"))
        set_url (to, "url", get_str (item, "url"));
      else
        set_text (to, texts[i], get_str (item, texts[i]));
    }
  if (dates)
    {
      set_date (to, "startDate", get_str (item, "startDate"));
      set_date (to, "endDate", get_str (item, "endDate"));
    }
  return to;
}

/**
 * xpz_export_json_resume:
 * @profile: (nullable): a Profile
 *
 * Returns: (transfer full): the profile as a JSON Resume document (valid against the
 * official schema; the preferences have no place there and are left out)
 */
char *
xpz_export_json_resume (JsonNode *profile)
{
  static const char *const basics_names[] = { "name", "label", "url", "summary", NULL };
  static const char *const work_names[] = { "name", "position", "summary", NULL };
  static const char *const education_names[] = { "institution", "area", "studyType", NULL };
  static const char *const skill_names[] = { "name", "level", NULL };
  static const char *const language_names[] = { "language", "fluency", NULL };
  static const char *const profile_names[] = { "network", "username", "url", NULL };
  static const char *const location_names[] = { "city", "region", NULL };
  const char *const *names[] = { work_names, education_names, skill_names, language_names };
  JsonObject *from = profile != NULL && JSON_NODE_HOLDS_OBJECT (profile) ? json_node_get_object (profile) : NULL;
  JsonObject *from_basics = get_obj (from, "basics");
  JsonObject *resume = json_object_new ();
  JsonObject *basics = export_item (from_basics, basics_names, FALSE);
  JsonObject *location = export_item (get_obj (from_basics, "location"), location_names, FALSE);
  JsonObject *meta = json_object_new ();
  JsonArray *profiles = get_arr (from_basics, "profiles");
  g_autoptr (JsonNode) root = NULL;

  json_object_set_string_member (resume, "$schema", RESUME_SCHEMA_URL);
  set_email (basics, get_str (from_basics, "email"));
  set_text (basics, "phone", get_str (from_basics, "phone"));
  set_country (location, get_str (get_obj (from_basics, "location"), "countryCode"));
  finish_basics (basics, location);
  if (profiles != NULL)
    {
      JsonArray *to = json_array_new ();

      for (guint i = 0; i < json_array_get_length (profiles); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (profiles, i)))
          add_if_not_empty (to, export_item (json_array_get_object_element (profiles, i), profile_names, FALSE));
      json_object_set_array_member (basics, "profiles", to);
    }
  json_object_set_object_member (resume, "basics", basics);

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonArray *list = get_arr (from, sections[s]);
      JsonArray *to = json_array_new ();

      for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
        {
          JsonObject *item;
          JsonObject *out;

          if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (list, i)))
            continue;
          item = json_array_get_object_element (list, i);
          out = export_item (item, names[s], s < 2);
          if (s == 2)
            {
              JsonArray *keywords = get_arr (item, "keywords");
              JsonArray *kept = json_array_new ();

              for (guint k = 0; keywords != NULL && k < json_array_get_length (keywords); k++)
                {
                  JsonNode *node = json_array_get_element (keywords, k);

                  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
                    json_array_add_string_element (kept, json_node_get_string (node));
                }
              json_object_set_array_member (out, "keywords", kept);
            }
          json_array_add_object_element (to, out);
        }
      json_object_set_array_member (resume, sections[s], to);
    }

  json_object_set_string_member (meta, "version", "v1.0.0");
  json_object_set_string_member (meta, "canonical", RESUME_SCHEMA_URL);
  json_object_set_object_member (resume, "meta", meta);

  root = node_for_object (resume);
  return xpz_json_to_string (root, TRUE, NULL);
}

static gboolean
add_json (XpzZipWriter  *writer,
          const char    *name,
          JsonNode      *node,
          GCancellable  *cancellable,
          GError       **error)
{
  gsize len = 0;
  char *text;
  g_autoptr (GBytes) bytes = NULL;

  text = xpz_json_to_string (node, TRUE, &len);
  bytes = g_bytes_new_take (text, len);
  return xpz_zip_writer_add (writer, name, bytes, TRUE, cancellable, error);
}

static JsonNode *
wrap_member (JsonObject *from,
             const char *name)
{
  JsonObject *o = json_object_new ();
  JsonNode *member = json_object_get_member (from, name);

  json_object_set_member (o, name, member ? deep_copy (member) : json_node_new (JSON_NODE_NULL));
  return node_for_object (o);
}

/* A document's name inside the archive: "documents/<id>-<name>" with anything that
 * could leave the folder or confuse a file manager replaced. */
static char *
document_entry_name (JsonObject *document,
                     guint       index)
{
  const char *filename = get_str (document, "filename");
  g_autofree char *clean = clean_text (filename ? filename : "document", 200);
  JsonNode *id = json_object_get_member (document, "id");
  gint64 number = id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_INT64
                  ? json_node_get_int (id) : (gint64) index + 1;

  if (clean == NULL)
    clean = g_strdup ("document");
  for (char *p = clean; *p != '\0'; p++)
    if (*p == '/' || *p == '\\' || *p == ':' || (guchar) *p < 0x20 || *p == 0x7f)
      *p = '_';
  if (clean[0] == '.')
    clean[0] = '_';
  return g_strdup_printf ("documents/%" G_GINT64_FORMAT "-%s", number, clean);
}

/**
 * xpz_export_write_zip:
 * @export_data: the answer of GET /me/export
 * @output: where the archive goes (not closed)
 *
 * Writes the full data export as a ZIP archive: resume.json (JSON Resume) and
 * preferences.json (the profile's preferences and the privacy settings) for a
 * candidate, ledger.json,
 * shares.json, sign-ins.json, documents/ (each document as its own file) and
 * export.json (everything else the platform holds, with the documents' contents
 * replaced by their path in the archive).
 */
gboolean
xpz_export_write_zip (JsonNode       *export_data,
                      GOutputStream  *output,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr (XpzZipWriter) writer = NULL;
  g_autoptr (JsonNode) rest = NULL;
  g_autoptr (JsonNode) preferences = NULL;
  g_autoptr (JsonNode) profile = NULL;
  g_autofree char *resume = NULL;
  g_autoptr (GBytes) resume_bytes = NULL;
  JsonObject *root;
  JsonObject *prefs;
  JsonArray *documents;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (export_data == NULL || !JSON_NODE_HOLDS_OBJECT (export_data) ||
      g_strcmp0 (get_str (json_node_get_object (export_data), "format"), "xpertaize-export") != 0)
    {
      g_set_error_literal (error, XPZ_IMPORT_ERROR, XPZ_IMPORT_ERROR_INVALID_EXPORT,
                           _("The platform sent an export in a format this version does not know."));
      return FALSE;
    }
  rest = deep_copy (export_data);
  root = json_node_get_object (rest);
  writer = xpz_zip_writer_new (output);

  /* A candidate's export: the profile as JSON Resume, the preferences and privacy
   * settings on their own (an employer's export has neither). */
  if (get_obj (root, "profile") != NULL)
    {
      JsonNode *p;
      JsonNode *privacy = json_object_get_member (root, "privacy");

      profile = node_for_object (json_object_ref (get_obj (root, "profile")));
      resume = xpz_export_json_resume (profile);
      resume_bytes = g_bytes_new (resume, strlen (resume));
      if (!xpz_zip_writer_add (writer, "resume.json", resume_bytes, TRUE, cancellable, error))
        return FALSE;

      prefs = json_object_new ();
      preferences = node_for_object (prefs);
      p = json_object_get_member (json_node_get_object (profile), "preferences");
      json_object_set_member (prefs, "preferences", p ? deep_copy (p) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (prefs, "privacy", privacy ? deep_copy (privacy) : json_node_new (JSON_NODE_NULL));
      if (!add_json (writer, "preferences.json", preferences, cancellable, error))
        return FALSE;
    }
  {
    JsonNode *ledger = json_object_get_member (root, "ledger");
    g_autoptr (JsonNode) empty = node_for_object (json_object_new ());
    g_autoptr (JsonNode) shares = wrap_member (root, "shares");
    g_autoptr (JsonNode) sign_ins = wrap_member (root, "sign_ins");

    if (!add_json (writer, "ledger.json", ledger ? ledger : empty, cancellable, error) ||
        !add_json (writer, "shares.json", shares, cancellable, error) ||
        !add_json (writer, "sign-ins.json", sign_ins, cancellable, error))
      return FALSE;
  }

  documents = get_arr (root, "documents");
  for (guint i = 0; documents != NULL && i < json_array_get_length (documents); i++)
    {
      JsonObject *document;
      g_autofree char *name = NULL;
      g_autoptr (GBytes) bytes = NULL;
      const char *data;
      guchar *decoded;
      gsize len = 0;

      if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (documents, i)))
        continue;
      document = json_array_get_object_element (documents, i);
      data = get_str (document, "data");
      if (data == NULL)
        continue;
      name = document_entry_name (document, i);
      decoded = g_base64_decode (data, &len);
      bytes = g_bytes_new_take (decoded, len);
      /* PDF, DOCX and ODT are compressed already. */
      if (!xpz_zip_writer_add (writer, name, bytes, FALSE, cancellable, error))
        return FALSE;
      json_object_remove_member (document, "data");
      json_object_set_string_member (document, "path", name);
    }
  if (!add_json (writer, "export.json", rest, cancellable, error))
    return FALSE;
  return xpz_zip_writer_finish (writer, cancellable, error);
}
