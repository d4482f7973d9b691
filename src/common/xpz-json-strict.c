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
