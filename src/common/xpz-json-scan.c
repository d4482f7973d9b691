/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-json-scan"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "xpz-json-scan.h"

G_DEFINE_QUARK (xpz-json-scan-error-quark, xpz_json_scan_error)

struct _XpzJsonTape
{
  const char *base;     /* the document */
  guint32    *starts;   /* each container's first byte, in document order */
  guint32    *ends;     /* just past its last byte */
  guint       n;
  guint       size;
};

typedef struct
{
  const char  *text;
  gsize        len;
  gsize        pos;
  GError     **error;
  XpzJsonTape *tape;    /* being recorded, or NULL */
  guint        max_depth;   /* checked before each container is entered */
} Scanner;

static gboolean
fail (Scanner    *s,
      const char *what)
{
  g_autofree char *position = g_strdup_printf ("%" G_GSIZE_FORMAT, s->pos);

  g_set_error (s->error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_SYNTAX,
               /* Translators: "Malformed JSON at byte 1234: a string is not closed" */
               _("Malformed JSON at byte %s: %s"), position, what);
  return FALSE;
}

static inline void
skip_space (Scanner *s)
{
  while (s->pos < s->len)
    {
      char c = s->text[s->pos];

      if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
        break;
      s->pos++;
    }
}

static inline int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
scan_string (Scanner *s)
{
  gsize start = ++s->pos;   /* after the opening quote */
  gboolean ascii = TRUE;

  while (s->pos < s->len)
    {
      unsigned char c = (unsigned char) s->text[s->pos];

      if (c == '"')
        {
          if (!ascii && !g_utf8_validate (s->text + start, (gssize) (s->pos - start), NULL))
            return fail (s, _("a string is not valid UTF-8"));
          s->pos++;
          return TRUE;
        }
      if (c < 0x20)
        return fail (s, _("a control character inside a string"));
      if (c >= 0x80)
        ascii = FALSE;
      if (c == '\\')
        {
          char e;

          if (++s->pos >= s->len)
            break;
          e = s->text[s->pos];
          if (e == 'u')
            {
              if (s->pos + 4 >= s->len)
                break;
              for (int i = 1; i <= 4; i++)
                if (hex_value (s->text[s->pos + i]) < 0)
                  return fail (s, _("a bad \\u escape"));
              s->pos += 4;
            }
          else if (strchr ("\"\\/bfnrt", e) == NULL || e == '\0')
            return fail (s, _("a bad escape"));
        }
      s->pos++;
    }
  return fail (s, _("a string is not closed"));
}

static gboolean
scan_number (Scanner *s)
{
  const char *t = s->text;
  gsize p = s->pos;

  if (p < s->len && t[p] == '-')
    p++;
  if (p >= s->len || !g_ascii_isdigit (t[p]))
    return fail (s, _("a bad number"));
  if (t[p] == '0')
    p++;
  else
    while (p < s->len && g_ascii_isdigit (t[p]))
      p++;
  if (p < s->len && t[p] == '.')
    {
      p++;
      if (p >= s->len || !g_ascii_isdigit (t[p]))
        return fail (s, _("a bad number"));
      while (p < s->len && g_ascii_isdigit (t[p]))
        p++;
    }
  if (p < s->len && (t[p] == 'e' || t[p] == 'E'))
    {
      p++;
      if (p < s->len && (t[p] == '+' || t[p] == '-'))
        p++;
      if (p >= s->len || !g_ascii_isdigit (t[p]))
        return fail (s, _("a bad number"));
      while (p < s->len && g_ascii_isdigit (t[p]))
        p++;
    }
  s->pos = p;
  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *word)
{
  gsize n = strlen (word);

  if (s->len - s->pos < n || memcmp (s->text + s->pos, word, n) != 0)
    return fail (s, _("an unexpected character"));
  s->pos += n;
  return TRUE;
}

static gboolean scan_value (Scanner *s, guint depth, XpzJsonSpan *out);

static gboolean scan_container_body (Scanner *s, guint depth, gboolean object);

static gboolean
scan_container (Scanner *s,
                guint    depth,
                gboolean object)
{
  XpzJsonTape *tape = s->tape;
  guint entry;

  if (tape == NULL || depth >= s->max_depth)
    return scan_container_body (s, depth, object);
  if (tape->n == tape->size)
    {
      tape->size = MAX (tape->size * 2, 1024);
      tape->starts = g_renew (guint32, tape->starts, tape->size);
      tape->ends = g_renew (guint32, tape->ends, tape->size);
    }
  entry = tape->n++;
  tape->starts[entry] = (guint32) s->pos;
  if (!scan_container_body (s, depth, object))
    return FALSE;
  tape->ends[entry] = (guint32) s->pos;
  return TRUE;
}

static gboolean
scan_container_body (Scanner *s,
                     guint    depth,
                     gboolean object)
{
  char close = object ? '}' : ']';

  /* Before the recursion, never after: the depth bounds the stack. */
  if (depth >= s->max_depth)
    {
      g_set_error (s->error, XPZ_JSON_SCAN_ERROR, XPZ_JSON_SCAN_ERROR_TOO_DEEP,
                   _("Malformed JSON: nested more than %d levels"), (int) s->max_depth);
      return FALSE;
    }
  s->pos++;
  skip_space (s);
  if (s->pos < s->len && s->text[s->pos] == close)
    {
      s->pos++;
      return TRUE;
    }
  for (;;)
    {
      if (object)
        {
          skip_space (s);
          if (s->pos >= s->len || s->text[s->pos] != '"')
            return fail (s, _("a member name was expected"));
          if (!scan_string (s))
            return FALSE;
          skip_space (s);
          if (s->pos >= s->len || s->text[s->pos] != ':')
            return fail (s, _("a colon was expected"));
          s->pos++;
        }
      if (!scan_value (s, depth + 1, NULL))
        return FALSE;
      skip_space (s);
      if (s->pos >= s->len)
        return fail (s, _("the document ends too early"));
      if (s->text[s->pos] == ',')
        {
          s->pos++;
          continue;
        }
      if (s->text[s->pos] == close)
        {
          s->pos++;
          return TRUE;
        }
      return fail (s, _("a comma or a closing bracket was expected"));
    }
}

static gboolean
scan_value (Scanner     *s,
            guint        depth,
            XpzJsonSpan *out)
{
  gsize start;
  XpzJsonType type;
  gboolean ok;

  skip_space (s);
  if (s->pos >= s->len)
    return fail (s, _("the document ends too early"));
  start = s->pos;
  switch (s->text[s->pos])
    {
    case '{':
      type = XPZ_JSON_OBJECT;
      ok = scan_container (s, depth, TRUE);
      break;
    case '[':
      type = XPZ_JSON_ARRAY;
      ok = scan_container (s, depth, FALSE);
      break;
    case '"':
      type = XPZ_JSON_STRING;
      ok = scan_string (s);
      break;
    case 't':
      type = XPZ_JSON_TRUE;
      ok = scan_literal (s, "true");
      break;
    case 'f':
      type = XPZ_JSON_FALSE;
      ok = scan_literal (s, "false");
      break;
    case 'n':
      type = XPZ_JSON_NULL;
      ok = scan_literal (s, "null");
      break;
    default:
      type = XPZ_JSON_NUMBER;
      ok = scan_number (s);
      break;
    }
  if (ok && out != NULL)
    {
      out->text = s->text + start;
      out->len = s->pos - start;
      out->type = type;
    }
  return ok;
}

/**
 * xpz_json_scan_validate:
 * @root: (out): the document's value
 *
 * Checks that @text is one JSON value (RFC 8259: UTF-8, nesting at most
 * %XPZ_JSON_SCAN_MAX_DEPTH levels), white space around it allowed.
 */
gboolean
xpz_json_scan_validate (const char   *text,
                        gsize         len,
                        XpzJsonSpan  *root,
                        GError      **error)
{
  return xpz_json_scan_validate_depth (text, len, XPZ_JSON_SCAN_MAX_DEPTH, root, error);
}

/**
 * xpz_json_scan_validate_depth:
 * @max_depth: the deepest nesting accepted (at most %XPZ_JSON_SCAN_DEPTH_LIMIT)
 *
 * As xpz_json_scan_validate(), with a nesting limit of the caller's.
 */
gboolean
xpz_json_scan_validate_depth (const char   *text,
                              gsize         len,
                              guint         max_depth,
                              XpzJsonSpan  *root,
                              GError      **error)
{
  Scanner s = { .text = text, .len = len, .pos = 0, .error = error,
                .max_depth = MIN (max_depth, XPZ_JSON_SCAN_DEPTH_LIMIT) };

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);

  if (!scan_value (&s, 0, root))
    return FALSE;
  skip_space (&s);
  if (s.pos != s.len)
    return fail (&s, _("text after the end of the document"));
  root->tape = NULL;
  return TRUE;
}

/**
 * xpz_json_scan_validate_tape:
 * @tape: (out): where the document's containers end, for its spans (free with
 *   xpz_json_tape_free() once they are no longer used)
 *
 * As xpz_json_scan_validate(), and the spans walked from @root step over objects and
 * arrays without reading them again.
 */
gboolean
xpz_json_scan_validate_tape (const char   *text,
                             gsize         len,
                             XpzJsonSpan  *root,
                             XpzJsonTape **tape,
                             GError      **error)
{
  Scanner s = { .text = text, .len = len, .pos = 0, .error = error, .max_depth = XPZ_JSON_SCAN_MAX_DEPTH };

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (root != NULL && tape != NULL, FALSE);

  *tape = NULL;
  if (len > G_MAXUINT32)
    return xpz_json_scan_validate (text, len, root, error);
  s.tape = g_new0 (XpzJsonTape, 1);
  s.tape->base = text;
  if (!scan_value (&s, 0, root))
    {
      xpz_json_tape_free (s.tape);
      return FALSE;
    }
  skip_space (&s);
  if (s.pos != s.len)
    {
      xpz_json_tape_free (s.tape);
      return fail (&s, _("text after the end of the document"));
    }
  root->tape = *tape = s.tape;
  return TRUE;
}

void
xpz_json_tape_free (XpzJsonTape *tape)
{
  if (tape == NULL)
    return;
  g_free (tape->starts);
  g_free (tape->ends);
  g_free (tape);
}

/* Just past the container opening at @p, from the tape: 0 when it is not there. */
static gsize
tape_end (const XpzJsonTape *tape,
          const char        *p)
{
  gsize offset;
  guint low = 0, high;

  if (tape == NULL || p < tape->base || (gsize) (p - tape->base) > G_MAXUINT32)
    return 0;
  offset = (gsize) (p - tape->base);
  high = tape->n;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (tape->starts[mid] < offset)
        low = mid + 1;
      else
        high = mid;
    }
  return low < tape->n && tape->starts[low] == offset ? tape->ends[low] : 0;
}

/* Just past the closing quote of the string opening at @p: the next quote not escaped
 * (preceded by an even number of backslashes). */
static inline gsize
string_end (const char *text,
            gsize       len,
            gsize       p)
{
  p++;
  while (p < len)
    {
      const char *quote = memchr (text + p, '"', len - p);
      gsize q, backslashes = 0;

      if (quote == NULL)
        return len + 1;
      q = (gsize) (quote - text);
      while (q - backslashes > p && text[q - backslashes - 1] == '\\')
        backslashes++;
      if (backslashes % 2 == 0)
        return q + 1;
      p = q + 1;
    }
  return len + 1;
}

/* Walking validated text: the value starting at *pos, which is advanced past it. The
 * text was checked once; this only finds where each value ends (strings by their
 * closing quote, containers by counting brackets outside strings). */
static void
next_value (const char        *text,
            gsize              len,
            gsize             *pos,
            XpzJsonSpan       *out,
            const XpzJsonTape *tape)
{
  gsize p = *pos;
  gsize start;

  while (p < len && (text[p] == ' ' || text[p] == '\n' || text[p] == '\r' || text[p] == '\t'))
    p++;
  start = p;
  out->type = XPZ_JSON_NONE;
  if (p >= len)
    {
      *pos = len;
      return;
    }
  switch (text[p])
    {
    case '"':
      p = string_end (text, len, p);
      out->type = XPZ_JSON_STRING;
      break;
    case '{':
    case '[':
      {
        guint depth = 0;
        gsize end = tape_end (tape, text + p);

        out->type = text[p] == '{' ? XPZ_JSON_OBJECT : XPZ_JSON_ARRAY;
        if (end > 0)
          {
            p = end - (gsize) (text - tape->base);
            break;
          }
        for (; p < len; p++)
          {
            char c = text[p];

            if (c == '"')
              p = string_end (text, len, p) - 1;
            else if (c == '{' || c == '[')
              depth++;
            else if ((c == '}' || c == ']') && --depth == 0)
              {
                p++;
                break;
              }
          }
      }
      break;
    case 't':
      out->type = XPZ_JSON_TRUE;
      p += 4;
      break;
    case 'f':
      out->type = XPZ_JSON_FALSE;
      p += 5;
      break;
    case 'n':
      out->type = XPZ_JSON_NULL;
      p += 4;
      break;
    default:
      out->type = XPZ_JSON_NUMBER;
      while (p < len && strchr ("0123456789+-.eE", text[p]) != NULL && text[p] != '\0')
        p++;
      break;
    }
  if (p > len)
    {
      /* Not validated text after all: the walk ends. */
      out->type = XPZ_JSON_NONE;
      p = len;
    }
  out->text = text + start;
  out->len = p - start;
  out->tape = tape;
  *pos = p;
}

static gboolean
container_step (const XpzJsonSpan *container,
                gsize             *cursor)
{
  Scanner s = { .text = container->text, .len = container->len, .pos = *cursor,
                .max_depth = XPZ_JSON_SCAN_MAX_DEPTH };

  if (*cursor == 0)
    s.pos = 1;   /* after the opening bracket */
  skip_space (&s);
  if (s.pos >= s.len - 1 || s.text[s.pos] == '}' || s.text[s.pos] == ']')
    {
      *cursor = s.len;
      return FALSE;
    }
  if (s.text[s.pos] == ',')
    {
      s.pos++;
      skip_space (&s);
    }
  *cursor = s.pos;
  return TRUE;
}

gboolean
xpz_json_object_next (const XpzJsonSpan *object,
                      gsize             *cursor,
                      XpzJsonSpan       *key,
                      XpzJsonSpan       *value)
{
  Scanner s;

  g_return_val_if_fail (object != NULL && cursor != NULL, FALSE);

  if (object->type != XPZ_JSON_OBJECT || !container_step (object, cursor))
    return FALSE;
  next_value (object->text, object->len, cursor, key, object->tape);
  s = (Scanner) { .text = object->text, .len = object->len, .pos = *cursor };
  skip_space (&s);
  if (s.pos >= s.len || s.text[s.pos] != ':' || key->type != XPZ_JSON_STRING)
    {
      *cursor = object->len;
      return FALSE;
    }
  *cursor = s.pos + 1;
  next_value (object->text, object->len, cursor, value, object->tape);
  return value->type != XPZ_JSON_NONE;
}

gboolean
xpz_json_array_next (const XpzJsonSpan *array,
                     gsize             *cursor,
                     XpzJsonSpan       *value)
{
  g_return_val_if_fail (array != NULL && cursor != NULL, FALSE);

  if (array->type != XPZ_JSON_ARRAY || !container_step (array, cursor))
    return FALSE;
  next_value (array->text, array->len, cursor, value, array->tape);
  return value->type != XPZ_JSON_NONE;
}

gboolean
xpz_json_span_equal (const XpzJsonSpan *string,
                     const char        *literal)
{
  gsize n = strlen (literal);

  /* Member names and enum values are plain ASCII: compare without unescaping, and
   * fall back to unescaping when the text has an escape. */
  if (string == NULL || string->type != XPZ_JSON_STRING)
    return FALSE;
  if (string->len == n + 2 && memcmp (string->text + 1, literal, n) == 0)
    return TRUE;
  if (memchr (string->text, '\\', string->len) != NULL)
    {
      g_autofree char *s = xpz_json_span_dup_string (string);

      return g_strcmp0 (s, literal) == 0;
    }
  return FALSE;
}

gboolean
xpz_json_object_get (const XpzJsonSpan *object,
                     const char        *name,
                     XpzJsonSpan       *value)
{
  XpzJsonSpan key;
  gsize cursor = 0;

  while (xpz_json_object_next (object, &cursor, &key, value))
    if (xpz_json_span_equal (&key, name))
      return TRUE;
  return FALSE;
}

static void
append_unichar (GString  *out,
                gunichar  c)
{
  if (!g_unichar_validate (c) || c == 0)
    c = 0xFFFD;
  g_string_append_unichar (out, c);
}

/* The string's value, unescaped (a lone surrogate becomes U+FFFD, NUL too). */
char *
xpz_json_span_dup_string (const XpzJsonSpan *string)
{
  GString *out;
  const char *p, *end;

  if (string == NULL || string->type != XPZ_JSON_STRING || string->len < 2)
    return NULL;
  p = string->text + 1;
  end = string->text + string->len - 1;
  if (memchr (p, '\\', (gsize) (end - p)) == NULL)
    return g_strndup (p, (gsize) (end - p));

  out = g_string_sized_new ((gsize) (end - p));
  while (p < end)
    {
      const char *slash = memchr (p, '\\', (gsize) (end - p));

      if (slash == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, slash - p);
      p = slash + 1;
      if (p >= end)
        break;
      switch (*p)
        {
        case 'b': g_string_append_c (out, '\b'); p++; break;
        case 'f': g_string_append_c (out, '\f'); p++; break;
        case 'n': g_string_append_c (out, '\n'); p++; break;
        case 'r': g_string_append_c (out, '\r'); p++; break;
        case 't': g_string_append_c (out, '\t'); p++; break;
        case 'u':
          {
            gunichar c = 0;

            if (end - p < 5)
              {
                p = end;
                break;
              }
            for (int i = 1; i <= 4; i++)
              c = (c << 4) | (gunichar) MAX (hex_value (p[i]), 0);
            p += 5;
            if (c >= 0xD800 && c <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
              {
                gunichar low = 0;

                for (int i = 2; i <= 5; i++)
                  low = (low << 4) | (gunichar) MAX (hex_value (p[i]), 0);
                if (low >= 0xDC00 && low <= 0xDFFF)
                  {
                    c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                    p += 6;
                  }
              }
            append_unichar (out, c);
          }
          break;
        default:
          g_string_append_c (out, *p);
          p++;
          break;
        }
    }
  return g_string_free (out, FALSE);
}

/* The value's JSON text, as it is. */
char *
xpz_json_span_dup_text (const XpzJsonSpan *span)
{
  if (span == NULL || span->type == XPZ_JSON_NONE)
    return NULL;
  return g_strndup (span->text, span->len);
}

/* An id as the API sends it: a string, or an integer written as text. */
char *
xpz_json_span_dup_id (const XpzJsonSpan *span)
{
  gint64 value;

  if (span == NULL)
    return NULL;
  if (span->type == XPZ_JSON_STRING)
    return xpz_json_span_dup_string (span);
  if (xpz_json_span_get_int (span, &value))
    return g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return NULL;
}

gboolean
xpz_json_span_get_double (const XpzJsonSpan *span,
                          double            *value)
{
  char buffer[64];

  if (span == NULL || span->type != XPZ_JSON_NUMBER || span->len >= sizeof buffer)
    return FALSE;
  memcpy (buffer, span->text, span->len);
  buffer[span->len] = '\0';
  *value = g_ascii_strtod (buffer, NULL);
  return TRUE;
}

gboolean
xpz_json_span_get_int (const XpzJsonSpan *span,
                       gint64            *value)
{
  double d;

  if (!xpz_json_span_get_double (span, &d) || d < (double) G_MININT64 || d > (double) G_MAXINT64)
    return FALSE;
  *value = (gint64) d;
  return TRUE;
}

gboolean
xpz_json_span_get_bool (const XpzJsonSpan *span)
{
  return span != NULL && span->type == XPZ_JSON_TRUE;
}

/* A json-glib tree of a value of validated text, built straight from the spans (no
 * second parse). */
JsonNode *
xpz_json_span_to_node (const XpzJsonSpan *span)
{
  JsonNode *node;

  if (span == NULL)
    return NULL;
  switch (span->type)
    {
    case XPZ_JSON_OBJECT:
      {
        JsonObject *object = json_object_new ();
        XpzJsonSpan key, value;
        gsize cursor = 0;

        while (xpz_json_object_next (span, &cursor, &key, &value))
          {
            g_autofree char *name = xpz_json_span_dup_string (&key);
            JsonNode *member = xpz_json_span_to_node (&value);

            if (name != NULL && member != NULL)
              json_object_set_member (object, name, member);
          }
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }
    case XPZ_JSON_ARRAY:
      {
        JsonArray *array = json_array_new ();
        XpzJsonSpan value;
        gsize cursor = 0;

        while (xpz_json_array_next (span, &cursor, &value))
          {
            JsonNode *element = xpz_json_span_to_node (&value);

            if (element != NULL)
              json_array_add_element (array, element);
          }
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }
    case XPZ_JSON_STRING:
      {
        g_autofree char *text = xpz_json_span_dup_string (span);

        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, text);
        return node;
      }
    case XPZ_JSON_NUMBER:
      {
        double d = 0;
        gboolean integer = memchr (span->text, '.', span->len) == NULL &&
                           memchr (span->text, 'e', span->len) == NULL &&
                           memchr (span->text, 'E', span->len) == NULL;

        node = json_node_new (JSON_NODE_VALUE);
        if (integer && span->len < 19)
          {
            char buffer[20];

            memcpy (buffer, span->text, span->len);
            buffer[span->len] = '\0';
            json_node_set_int (node, g_ascii_strtoll (buffer, NULL, 10));
          }
        else
          {
            xpz_json_span_get_double (span, &d);
            json_node_set_double (node, d);
          }
        return node;
      }
    case XPZ_JSON_TRUE:
    case XPZ_JSON_FALSE:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, span->type == XPZ_JSON_TRUE);
      return node;
    case XPZ_JSON_NULL:
      return json_node_new (JSON_NODE_NULL);
    case XPZ_JSON_NONE:
    default:
      return NULL;
    }
}
