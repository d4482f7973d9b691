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
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, length);
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
