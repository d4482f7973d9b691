/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-json-strict.h"
#include "xpz-platform-private.h"

/* JSON helpers: serialisation, the canonical form hashed by the ledger, and the request
 * body parser (libxpz-common's strict one). */

char *
xpz_platform_json_to_string (JsonNode *node,
                             gsize    *length)
{
  return xpz_json_to_string (node, FALSE, length);
}

static void
canonical_string (GString    *out,
                  const char *s)
{
  const unsigned char *p = (const unsigned char *) s;

  g_string_append_c (out, '"');
  for (;;)
    {
      const unsigned char *run = p;

      /* Runs that need no escape are copied at once (a change-feed page is mostly such
       * text: the platform writes megabytes of it per page). */
      while (*p >= 0x20 && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (*p == '\0')
        break;
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          g_string_append_printf (out, "\\u%04x", *p);
        }
      p++;
    }
  g_string_append_c (out, '"');
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
canonical_node (GString  *out,
                JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        g_autoptr(GPtrArray) keys = g_ptr_array_new ();

        for (GList *l = members; l != NULL; l = l->next)
          g_ptr_array_add (keys, l->data);
        g_ptr_array_sort (keys, compare_strings);
        g_string_append_c (out, '{');
        for (guint i = 0; i < keys->len; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            canonical_string (out, g_ptr_array_index (keys, i));
            g_string_append_c (out, ':');
            canonical_node (out, json_object_get_member (object, g_ptr_array_index (keys, i)));
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            canonical_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          canonical_string (out, json_node_get_string (node));
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_DOUBLE)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
        else
          g_string_append (out, "null");
      }
      break;
    }
}

/* Sorted keys, no white space, minimal escapes: the form the ledger hashes. */
char *
xpz_platform_json_canonical (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  canonical_node (out, node);
  return g_string_free (out, FALSE);
}

/* Every request body: strict RFC 8259 (xpz_json_parse_strict(): UTF-8, no comments,
 * nesting bounded before json-glib recurses). */
JsonNode *
xpz_platform_json_parse (const char  *text,
                         gssize       length,
                         guint        max_depth,
                         GError     **error)
{
  g_autoptr(GError) strict_error = NULL;
  JsonNode *node = xpz_json_parse_strict (text, length, max_depth, &strict_error);

  if (node == NULL)
    {
      g_set_error_literal (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_INVALID, strict_error->message);
      return NULL;
    }
  return node;
}

/* Parses JSON stored by the server itself; NULL if it is not an object. */
JsonObject *
xpz_platform_json_parse_object (const char *text)
{
  g_autoptr(JsonNode) node = NULL;

  if (text == NULL)
    return NULL;
  node = xpz_platform_json_parse (text, -1, 512, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

char *
xpz_platform_sha256_hex (const void *data,
                         gsize       length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

char *
xpz_platform_iso8601 (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

void
xpz_platform_set_time (JsonObject *object,
                       const char *member,
                       gint64      unix_seconds)
{
  g_autofree char *text = NULL;

  if (unix_seconds <= 0)
    {
      json_object_set_null_member (object, member);
      return;
    }
  text = xpz_platform_iso8601 (unix_seconds);
  json_object_set_string_member (object, member, text);
}

/* Appends @s as a JSON string literal. */
void
xpz_platform_json_append_string (GString    *out,
                                 const char *s)
{
  canonical_string (out, s);
}

/* A document's name as the platform keeps it (R2.3): valid UTF-8 without control or
 * bidirectional-formatting characters (which disguise "cv<RLO>fdp.exe"), no path
 * separator or "..", no leading dot, at most 255 bytes cut on a character boundary. */
char *
xpz_platform_clean_document_name (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *dotless = NULL;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT ||
          (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        continue;
      if (c == '/' || c == '\\')
        c = '_';
      g_string_append_unichar (out, c);
    }
  while (strstr (out->str, "..") != NULL)
    {
      char *at = strstr (out->str, "..");
      g_string_erase (out, at - out->str, 1);
    }
  dotless = g_strdup (out->str + strspn (out->str, ". "));
  if (strlen (dotless) > 255)
    {
      const char *end = dotless + 255;

      while (end > dotless && (*end & 0xc0) == 0x80)
        end--;
      dotless[end - dotless] = '\0';
    }
  if (*dotless == '\0')
    return g_strdup ("document");
  return g_steal_pointer (&dotless);
}
