/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xpz-json-scan.h"

G_BEGIN_DECLS

/* The one way outside JSON reaches json-glib. json-glib accepts comments and
 * recurses once per nesting level: a body of a million "[/\*]*\/" overflows its stack.
 * Text goes through a UTF-8 check and the strict RFC 8259 scanner (no comments, no
 * trailing commas, nesting bounded before any recursion) first. Errors are in
 * XPZ_JSON_SCAN_ERROR. */

/* The depth for documents of unknown shape. */
#define XPZ_JSON_STRICT_DEFAULT_DEPTH XPZ_JSON_SCAN_MAX_DEPTH

JsonNode   *xpz_json_parse_strict        (const char  *text,
                                          gssize       len,
                                          guint        max_depth,
                                          GError     **error);

/* The one way JSON is written: json-glib's generator (1.6, Debian 12) leaves U+001F
 * unescaped, which no strict reader (ours included) accepts. This writes @node as
 * json-glib does and escapes that character. @length may be NULL. */
char       *xpz_json_to_string           (JsonNode    *node,
                                          gboolean     pretty,
                                          gsize       *length);

G_END_DECLS
