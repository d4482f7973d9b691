/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-api-response.h"
#include "xpz-explain.h"
#include "xpz-import.h"
#include "xpz-json-scan.h"
#include "xpz-profile.h"
#include "xpz-secrets.h"
#include "xpz-sync-engine-private.h"

/* libFuzzer: what the client decodes from outside — a credentials bundle read back
 * from the Secret Service, any platform answer (status from the first byte), a change
 * feed page (the tree-less scanner the pull uses, then every change's data as a match
 * explanation or a profile), a match list, and a profile (normalised for the editor,
 * diffed and exported). */

/* Walks every span as the feed's reader does: keys, ids, numbers, strings. */
static void
walk (const XpzJsonSpan *span,
      int                depth)
{
  XpzJsonSpan key, value;
  gsize cursor = 0;

  g_assert_cmpint (depth, <=, XPZ_JSON_SCAN_MAX_DEPTH + 1);
  switch (span->type)
    {
    case XPZ_JSON_OBJECT:
      while (xpz_json_object_next (span, &cursor, &key, &value))
        {
          g_autofree char *name = xpz_json_span_dup_string (&key);

          g_assert_nonnull (name);
          walk (&value, depth + 1);
        }
      break;
    case XPZ_JSON_ARRAY:
      while (xpz_json_array_next (span, &cursor, &value))
        walk (&value, depth + 1);
      break;
    case XPZ_JSON_STRING:
      {
        g_autofree char *text = xpz_json_span_dup_string (span);
        g_autofree char *id = xpz_json_span_dup_id (span);

        (void) id;
        g_assert_nonnull (text);
        g_assert_true (g_utf8_validate (text, -1, NULL));
      }
      break;
    case XPZ_JSON_NUMBER:
      {
        gint64 i;
        double d;
        g_autofree char *id = xpz_json_span_dup_id (span);

        (void) id;
        (void) xpz_json_span_get_int (span, &i);
        (void) xpz_json_span_get_double (span, &d);
      }
      break;
    default:
      (void) xpz_json_span_get_bool (span);
      break;
    }
}

static void
explain_match (JsonNode *match)
{
  JsonObject *o;
  JsonNode *factors;

  if (match == NULL || !JSON_NODE_HOLDS_OBJECT (match))
    return;
  o = json_node_get_object (match);
  factors = json_object_get_member (o, "factors");
  if (json_object_has_member (o, "score") && JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "score")))
    g_free (xpz_explain_score ((int) CLAMP (json_node_get_int (json_object_get_member (o, "score")), -1000, 1000)));
  if (factors == NULL || !JSON_NODE_HOLDS_ARRAY (factors))
    return;
  g_free (xpz_explain_summary (json_node_get_array (factors)));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (factors)); i++)
    {
      JsonNode *factor = json_array_get_element (json_node_get_array (factors), i);

      if (JSON_NODE_HOLDS_OBJECT (factor))
        {
          char *sentence = xpz_explain_factor (json_node_get_object (factor));

          g_assert_nonnull (sentence);
          g_free (sentence);
        }
    }
}

static void
use_profile (JsonNode *data)
{
  g_autoptr (JsonNode) profile = NULL;
  g_autoptr (GListModel) changes = NULL;
  g_autoptr (JsonNode) merged = NULL;
  g_autofree char *resume = NULL;
  g_autofree char *copy = NULL;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return;
  /* A deep copy: the normalisation changes it. */
  copy = json_to_string (data, FALSE);
  profile = json_from_string (copy, NULL);
  if (profile == NULL)
    return;
  xpz_profile_normalise (profile);
  resume = xpz_export_json_resume (profile);
  g_assert_nonnull (resume);
  changes = xpz_import_diff (NULL, profile);
  merged = xpz_import_apply (NULL, changes);
  g_assert_nonnull (merged);
}

static void
decode_feed (JsonNode *root)
{
  JsonNode *changes;

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      /* GET /me/matches */
      for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
        explain_match (json_array_get_element (json_node_get_array (root), i));
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;
  use_profile (root);
  changes = json_object_get_member (json_node_get_object (root), "changes");
  if (changes == NULL || !JSON_NODE_HOLDS_ARRAY (changes))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (changes)); i++)
    {
      JsonNode *change = json_array_get_element (json_node_get_array (changes), i);
      JsonObject *o;
      JsonNode *kind;

      if (!JSON_NODE_HOLDS_OBJECT (change))
        continue;
      o = json_node_get_object (change);
      kind = json_object_get_member (o, "kind");
      if (kind == NULL || !JSON_NODE_HOLDS_VALUE (kind) || json_node_get_value_type (kind) != G_TYPE_STRING)
        continue;
      if (g_str_equal (json_node_get_string (kind), "match"))
        explain_match (json_object_get_member (o, "data"));
      else if (g_str_equal (json_node_get_string (kind), "profile"))
        use_profile (json_object_get_member (o, "data"));
    }
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;
  g_autoptr (XpzCredentials) credentials = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  guint status;

  if (size < 1)
    return 0;
  status = 200 + data[0] % 4 * 100 + data[0] / 4 % 30;
  text = g_strndup ((const char *) data + 1, size - 1);

  {
    XpzJsonSpan root, taped, changes;
    XpzJsonTape *tape = NULL;
    gboolean valid = xpz_json_scan_validate ((const char *) data + 1, size - 1, &root, NULL);

    /* the same verdict with the container tape, and the same walk */
    g_assert_true (valid == xpz_json_scan_validate_tape ((const char *) data + 1, size - 1, &taped, &tape, NULL));
    if (valid)
      {
        walk (&root, 0);
        walk (&taped, 0);
        /* a feed page, read into flat records as the pull does */
        if (taped.type == XPZ_JSON_OBJECT && xpz_json_object_get (&taped, "changes", &changes))
          (void) xpz_sync_engine_decode_page (&changes);
        xpz_json_tape_free (tape);
      }
  }

  credentials = xpz_credentials_from_json (text, NULL);
  if (credentials != NULL)
    {
      g_autofree char *again = xpz_credentials_to_json (credentials);
      g_assert_nonnull (again);
    }

  if (json_parser_load_from_data (parser, text, -1, NULL))
    {
      response = xpz_api_response_new (status, json_parser_get_root (parser), NULL, -1);
      (void) xpz_api_response_get_error_code (response);
      (void) xpz_api_response_get_error_message (response);
      if (!xpz_api_response_check (response, &error))
        g_assert_true (error->domain == XPZ_API_ERROR && error->message != NULL);
      decode_feed (json_parser_get_root (parser));
    }
  return 0;
}
