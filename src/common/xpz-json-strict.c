/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-json-strict"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-json-strict.h"

/**
 * xpz_json_parse_strict:
 * @text: the document (need not be NUL-terminated when @len is given)
 * @len: its length in bytes, or -1 if it is NUL-terminated
 * @max_depth: the deepest nesting accepted (at most %XPZ_JSON_SCAN_DEPTH_LIMIT)
 *
 * Parses one RFC 8259 JSON value: valid UTF-8 without NUL bytes, no comments, no
 * trailing commas, nesting at most @max_depth. json-glib only sees text that passed.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
xpz_json_parse_strict (const char  *text,
                       gssize       len,
                       guint        max_depth,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  XpzJsonSpan root;
  gsize length;

  if (text == NULL)
    {
      g_set_error_literal (error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_SYNTAX,
                           _("Malformed JSON: the document is empty"));
      return NULL;
    }
  length = len < 0 ? strlen (text) : (gsize) len;
  if (memchr (text, '\0', length) != NULL || !g_utf8_validate (text, (gssize) length, NULL))
    {
      g_set_error_literal (error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_SYNTAX,
                           _("Malformed JSON: the document is not UTF-8 text"));
      return NULL;
    }
  if (!xpz_json_scan_validate_depth (text, length, max_depth, &root, error))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) length, &parse_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_SYNTAX,
                   _("Malformed JSON: %s"), parse_error ? parse_error->message : _("the document is empty"));
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/**
 * xpz_json_to_string:
 * @node: the value to write
 * @pretty: indented output, for files people read
 * @length: (out) (optional): the length of the text
 *
 * Writes @node as RFC 8259 text. json-glib escapes every control character but
 * U+001F (its escaper tests "< 0x1f"); outside a string the generator writes no
 * control character other than the newlines of @pretty, so each raw 0x1f byte it
 * leaves is inside a string and becomes "\u001f".
 *
 * Returns: (transfer full): the text
 */
char *
xpz_json_to_string (JsonNode *node,
                    gboolean  pretty,
                    gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize len = 0;
  GString *out;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  text = json_generator_to_data (generator, &len);
  if (memchr (text, 0x1f, len) == NULL)
    {
      if (length != NULL)
        *length = len;
      return g_steal_pointer (&text);
    }
  out = g_string_sized_new (len + 16);
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == 0x1f)
        g_string_append (out, "\\u001f");
      else
        g_string_append_c (out, text[i]);
    }
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}
