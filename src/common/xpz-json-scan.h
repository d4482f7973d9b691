/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A JSON scanner that builds no tree: one validating pass over a document, then spans
 * (pointer + length into the text) for its values. The change feed's pages run to tens
 * of megabytes and are mostly text the store keeps as it is; json-glib builds a node
 * per value and parses at about 25 MB/s, this validates at several hundred.
 *
 * A span is only valid while the text it points into lives. Spans of a document that
 * passed xpz_json_scan_validate() can be walked without further checks. */

#define XPZ_JSON_SCAN_ERROR (xpz_json_scan_error_quark ())

typedef enum
{
  XPZ_JSON_SCAN_ERROR_SYNTAX,
  XPZ_JSON_SCAN_ERROR_TOO_DEEP,
} XpzJsonScanError;

GQuark xpz_json_scan_error_quark (void);

typedef enum
{
  XPZ_JSON_NONE = 0,
  XPZ_JSON_OBJECT,
  XPZ_JSON_ARRAY,
  XPZ_JSON_STRING,
  XPZ_JSON_NUMBER,
  XPZ_JSON_TRUE,
  XPZ_JSON_FALSE,
  XPZ_JSON_NULL,
} XpzJsonType;

/* Where each object and array of a validated document ends, so that walking its spans
 * steps over a container at once instead of reading it (see
 * xpz_json_scan_validate_tape()). */
typedef struct _XpzJsonTape XpzJsonTape;

typedef struct
{
  const char        *text;   /* the value's first byte */
  gsize              len;    /* its length in bytes, quotes and brackets included */
  XpzJsonType        type;
  const XpzJsonTape *tape;   /* of the document, or NULL; lives as long as the text */
} XpzJsonSpan;

#define XPZ_JSON_SCAN_MAX_DEPTH 64
/* The deepest a caller may ask for: the scanner recurses once per level. */
#define XPZ_JSON_SCAN_DEPTH_LIMIT 512

gboolean   xpz_json_scan_validate   (const char        *text,
                                     gsize              len,
                                     XpzJsonSpan       *root,
                                     GError           **error);
gboolean   xpz_json_scan_validate_depth (const char    *text,
                                         gsize          len,
                                         guint          max_depth,
                                         XpzJsonSpan   *root,
                                         GError       **error);
gboolean   xpz_json_scan_validate_tape (const char     *text,
                                        gsize           len,
                                        XpzJsonSpan    *root,
                                        XpzJsonTape   **tape,
                                        GError        **error);
void       xpz_json_tape_free       (XpzJsonTape       *tape);

/* Iteration: *cursor starts at 0. */
gboolean   xpz_json_object_next     (const XpzJsonSpan *object,
                                     gsize             *cursor,
                                     XpzJsonSpan       *key,
                                     XpzJsonSpan       *value);
gboolean   xpz_json_array_next      (const XpzJsonSpan *array,
                                     gsize             *cursor,
                                     XpzJsonSpan       *value);

/* The member @name of @object (the first one), or FALSE. */
gboolean   xpz_json_object_get      (const XpzJsonSpan *object,
                                     const char        *name,
                                     XpzJsonSpan       *value);

gboolean   xpz_json_span_equal      (const XpzJsonSpan *string,
                                     const char        *literal);
char      *xpz_json_span_dup_string (const XpzJsonSpan *string);
char      *xpz_json_span_dup_text   (const XpzJsonSpan *span);
char      *xpz_json_span_dup_id     (const XpzJsonSpan *span);
gboolean   xpz_json_span_get_int    (const XpzJsonSpan *span,
                                     gint64            *value);
gboolean   xpz_json_span_get_double (const XpzJsonSpan *span,
                                     double            *value);
gboolean   xpz_json_span_get_bool   (const XpzJsonSpan *span);
JsonNode  *xpz_json_span_to_node    (const XpzJsonSpan *span);

G_END_DECLS
