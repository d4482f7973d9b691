/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-json-scan.h"
#include "xpz-json-strict.h"

/* B3: the change feed's scanner accepts exactly JSON, and reads what json-glib reads. */

static void
test_valid (void)
{
  static const char *docs[] = {
    "{}", "[]", "0", "-0.5e+3", "\"\"", "true", "false", "null", " \n\t{ } \r\n",
    "{\"a\":[1,2,{\"b\":null}],\"c\":\"\\u00e9\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
    "[\"مرحبا\", \"Fès\", \"\\ud83d\\ude00\"]",
    "{\"changes\":[{\"kind\":\"match\",\"id\":\"1:2\",\"op\":\"upsert\",\"data\":{\"score\":71}}],\"more\":false}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(GError) error = NULL;
      XpzJsonSpan root;

      g_assert_true (xpz_json_scan_validate (docs[i], strlen (docs[i]), &root, &error));
      g_assert_no_error (error);
      g_assert_cmpint (root.type, !=, XPZ_JSON_NONE);
    }
}

static void
test_invalid (void)
{
  static const char *docs[] = {
    "", " ", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{a:1}", "[01]", "[1.]", "[.5]", "[1e]",
    "[-]", "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "tru", "nul", "[1] [2]",
    "{\"a\":1,}", "[\"\xff\"]", "[\"\xc3\"]", "NaN", "[Infinity]", "{\"a\" 1}", "[1 2]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(GError) error = NULL;
      XpzJsonSpan root;

      if (xpz_json_scan_validate (docs[i], strlen (docs[i]), &root, &error))
        g_error ("accepted %s", docs[i]);
      g_assert_error (error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_SYNTAX);
    }
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  XpzJsonSpan root;

  for (int i = 0; i < XPZ_JSON_SCAN_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < XPZ_JSON_SCAN_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  g_assert_true (xpz_json_scan_validate (deep->str, deep->len, &root, NULL));
  g_string_prepend_c (deep, '[');
  g_string_append_c (deep, ']');
  g_assert_false (xpz_json_scan_validate (deep->str, deep->len, &root, &error));
  g_assert_error (error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_TOO_DEEP);
}

static void
test_walk (void)
{
  const char *doc = " { \"cursor\" : \"c\\u0031\", \"changes\" : [ {\"kind\":\"match\",\"id\":12,"
                    "\"data\":{\"score\":71.5,\"shared\":true,\"note\":null,\"name\":\"Fès \\ud83d\\ude00\"}},"
                    " {\"kind\":\"job\",\"id\":\"7\",\"op\":\"delete\"} ] , \"more\" : false } ";
  XpzJsonSpan root, changes, change, value, data;
  g_autofree char *cursor_text = NULL;
  gsize cursor = 0;
  guint n = 0;
  double score;
  gint64 id;

  g_assert_true (xpz_json_scan_validate (doc, strlen (doc), &root, NULL));
  g_assert_cmpint (root.type, ==, XPZ_JSON_OBJECT);
  g_assert_true (xpz_json_object_get (&root, "cursor", &value));
  cursor_text = xpz_json_span_dup_string (&value);
  g_assert_cmpstr (cursor_text, ==, "c1");
  g_assert_true (xpz_json_object_get (&root, "more", &value));
  g_assert_cmpint (value.type, ==, XPZ_JSON_FALSE);
  g_assert_false (xpz_json_object_get (&root, "missing", &value));
  g_assert_true (xpz_json_object_get (&root, "changes", &changes));
  g_assert_cmpint (changes.type, ==, XPZ_JSON_ARRAY);

  while (xpz_json_array_next (&changes, &cursor, &change))
    {
      g_autofree char *id_text = NULL;

      g_assert_true (xpz_json_object_get (&change, "id", &value));
      id_text = xpz_json_span_dup_id (&value);
      if (n == 0)
        {
          g_autofree char *name = NULL;
          g_autofree char *text = NULL;

          g_assert_cmpstr (id_text, ==, "12");
          g_assert_true (xpz_json_span_get_int (&value, &id));
          g_assert_cmpint (id, ==, 12);
          g_assert_true (xpz_json_object_get (&change, "data", &data));
          g_assert_true (xpz_json_object_get (&data, "score", &value));
          g_assert_true (xpz_json_span_get_double (&value, &score));
          g_assert_cmpfloat (score, ==, 71.5);
          g_assert_true (xpz_json_object_get (&data, "shared", &value));
          g_assert_true (xpz_json_span_get_bool (&value));
          g_assert_true (xpz_json_object_get (&data, "note", &value));
          g_assert_cmpint (value.type, ==, XPZ_JSON_NULL);
          g_assert_null (xpz_json_span_dup_string (&value));
          g_assert_true (xpz_json_object_get (&data, "name", &value));
          name = xpz_json_span_dup_string (&value);
          g_assert_cmpstr (name, ==, "Fès \xf0\x9f\x98\x80");
          text = xpz_json_span_dup_text (&data);
          g_assert_true (g_str_has_prefix (text, "{\"score\":71.5"));
          g_assert_true (g_str_has_suffix (text, "}"));
        }
      else
        {
          g_assert_cmpstr (id_text, ==, "7");
          g_assert_true (xpz_json_object_get (&change, "op", &value));
          g_assert_true (xpz_json_span_equal (&value, "delete"));
          g_assert_false (xpz_json_span_equal (&value, "delet"));
        }
      n++;
    }
  g_assert_cmpuint (n, ==, 2);
}

/* Every string of a document, unescaped by the scanner and by json-glib, the same. */
static void
test_same_as_json_glib (void)
{
  const char *doc = "[\"plain\", \"\\u0041\\u00e9\\u0645\", \"\\ud834\\udd1e\", \"tab\\tend\","
                    " \"\\\"quoted\\\"\", \"Casablanca-Settat\", \"\\/slash\"]";
  g_autoptr(JsonParser) parser = json_parser_new ();
  XpzJsonSpan root, value;
  JsonArray *array;
  gsize cursor = 0;
  guint i = 0;

  g_assert_true (json_parser_load_from_data (parser, doc, -1, NULL));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_true (xpz_json_scan_validate (doc, strlen (doc), &root, NULL));
  while (xpz_json_array_next (&root, &cursor, &value))
    {
      g_autofree char *mine = xpz_json_span_dup_string (&value);

      g_assert_cmpstr (mine, ==, json_array_get_string_element (array, i));
      i++;
    }
  g_assert_cmpuint (i, ==, json_array_get_length (array));
}

/* The tree built from spans is the tree json-glib builds. */
static void
test_to_node (void)
{
  const char *doc = "{\"a\":[1,-2.5,1e3,true,false,null,\"\\u00e9\"],\"b\":{\"c\":{}},\"d\":[],"
                    "\"big\":12345678901234}";
  g_autoptr(JsonNode) expected = json_from_string (doc, NULL);
  g_autoptr(JsonNode) mine = NULL;
  XpzJsonSpan root;

  g_assert_true (xpz_json_scan_validate (doc, strlen (doc), &root, NULL));
  mine = xpz_json_span_to_node (&root);
  g_assert_true (json_node_equal (mine, expected));
}

/* A random JSON value, nested up to @depth, with the kinds of text the feed carries. */
static void
random_value (GRand   *rand,
              GString *out,
              int      depth)
{
  static const char * const strings[] = {
    "\"\"", "\"Fès\"", "\"\\u00e9\\\"q\\\"\"", "\"مرحبا\"", "\"a\\/b\\n\"", "\"[{,:}]\"",
  };
  static const char * const scalars[] = { "0", "-12", "3.25e-2", "true", "false", "null", "71" };
  int kind = depth > 0 ? g_rand_int_range (rand, 0, 4) : g_rand_int_range (rand, 2, 4);
  int n;

  switch (kind)
    {
    case 0:
      n = g_rand_int_range (rand, 0, 5);
      g_string_append_c (out, '{');
      for (int i = 0; i < n; i++)
        {
          g_string_append_printf (out, "%s\"k%d\" : ", i > 0 ? ", " : "", i);
          random_value (rand, out, depth - 1);
        }
      g_string_append_c (out, '}');
      break;
    case 1:
      n = g_rand_int_range (rand, 0, 5);
      g_string_append_c (out, '[');
      for (int i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append (out, " ,");
          random_value (rand, out, depth - 1);
        }
      g_string_append_c (out, ']');
      break;
    case 2:
      g_string_append (out, strings[g_rand_int_range (rand, 0, G_N_ELEMENTS (strings))]);
      break;
    default:
      g_string_append (out, scalars[g_rand_int_range (rand, 0, G_N_ELEMENTS (scalars))]);
      break;
    }
}

/* Every span under @a and @b, walked side by side, is the same value at the same place. */
static void
assert_same_walk (const XpzJsonSpan *a,
                  const XpzJsonSpan *b)
{
  gsize ca = 0, cb = 0;
  XpzJsonSpan ka, va, kb, vb;

  g_assert_cmpint (a->type, ==, b->type);
  g_assert_true (a->text == b->text);
  g_assert_cmpuint (a->len, ==, b->len);
  if (a->type == XPZ_JSON_OBJECT)
    {
      while (xpz_json_object_next (a, &ca, &ka, &va))
        {
          g_assert_true (xpz_json_object_next (b, &cb, &kb, &vb));
          assert_same_walk (&ka, &kb);
          assert_same_walk (&va, &vb);
        }
      g_assert_false (xpz_json_object_next (b, &cb, &kb, &vb));
    }
  else if (a->type == XPZ_JSON_ARRAY)
    {
      while (xpz_json_array_next (a, &ca, &va))
        {
          g_assert_true (xpz_json_array_next (b, &cb, &vb));
          assert_same_walk (&va, &vb);
        }
      g_assert_false (xpz_json_array_next (b, &cb, &vb));
    }
}

/* The tape (where each container ends) only makes walking faster: with it and without
 * it, a walk meets the same spans, over 500 random documents. */
static void
test_tape_same_walk (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261126);

  for (int i = 0; i < 500; i++)
    {
      g_autoptr (GString) doc = g_string_new (NULL);
      g_autoptr (GError) error = NULL;
      XpzJsonSpan plain, taped;
      XpzJsonTape *tape = NULL;

      random_value (rand, doc, 5);
      g_assert_true (xpz_json_scan_validate (doc->str, doc->len, &plain, &error));
      g_assert_no_error (error);
      g_assert_true (xpz_json_scan_validate_tape (doc->str, doc->len, &taped, &tape, &error));
      g_assert_no_error (error);
      assert_same_walk (&plain, &taped);
      xpz_json_tape_free (tape);
    }
}

/* Every control character written by xpz_json_to_string() reads back through the
 * strict parser unchanged, compact and pretty (json-glib 1.6 writes U+001F raw). */
static void
test_writer_escapes_controls (void)
{
  for (int pretty = 0; pretty < 2; pretty++)
    {
      char text[40];
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *written = NULL;
      gsize len = 0;
      int n = 0;

      for (int c = 1; c < 0x20; c++)
        text[n++] = (char) c;
      text[n] = '\0';
      json_object_set_string_member (object, "controls", text);
      json_node_set_object (node, object);
      written = xpz_json_to_string (node, pretty, &len);
      g_assert_cmpuint (len, ==, strlen (written));
      g_assert_null (memchr (written, 0x1f, len));
      g_assert_nonnull (strstr (written, "\\u001f"));
      back = xpz_json_parse_strict (written, (gssize) len, XPZ_JSON_STRICT_DEFAULT_DEPTH, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (back), "controls"), ==, text);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-scan/B3/valid-documents", test_valid);
  g_test_add_func ("/json-scan/B3/invalid-documents-refused", test_invalid);
  g_test_add_func ("/json-scan/B3/depth-limit", test_depth);
  g_test_add_func ("/json-scan/B3/walk-spans", test_walk);
  g_test_add_func ("/json-scan/B3/strings-as-json-glib", test_same_as_json_glib);
  g_test_add_func ("/json-scan/B3/tree-as-json-glib", test_to_node);
  g_test_add_func ("/json-scan/B3/tape-walks-the-same", test_tape_same_walk);
  g_test_add_func ("/json-scan/B3/writer-escapes-every-control-character", test_writer_escapes_controls);
  return g_test_run ();
}
