/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-fold"

#include "config.h"

#include <string.h>

#include "xpz-fold.h"

/* Arabic folding applied before indexing and before querying, on top of
 * SQLite's unicode61 tokenizer (which already folds case and Latin accents):
 *   - drop harakat U+064B..U+0652 and the superscript alef U+0670,
 *   - drop tatweel U+0640,
 *   - fold alef variants أ إ آ ٱ to bare alef ا,
 *   - fold alef maqsura ى to ya ي and ta marbuta ة to ha ه. */
static gunichar
fold_char (gunichar c)
{
  if ((c >= 0x064B && c <= 0x0652) || c == 0x0670 || c == 0x0640)
    return 0;
  switch (c)
    {
    case 0x0623: /* أ */
    case 0x0625: /* إ */
    case 0x0622: /* آ */
    case 0x0671: /* ٱ */
      return 0x0627;
    case 0x0649: /* ى */
      return 0x064A;
    case 0x0629: /* ة */
      return 0x0647;
    default:
      return c;
    }
}

/**
 * xpz_fold_text:
 * @text: (nullable): UTF-8 text
 *
 * Returns: (transfer full) (nullable): @text folded for full-text search,
 *   %NULL if @text is %NULL. Invalid UTF-8 is replaced, never passed through.
 */
char *
xpz_fold_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  /* Decompose so that precomposed alef-with-hamza written as alef + combining
   * hamza (U+0654/U+0655) also folds. */
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar f;

      if (c == 0x0653 || c == 0x0654 || c == 0x0655)
        continue; /* combining maddah / hamza above / below */
      f = fold_char (c);
      if (f != 0)
        g_string_append_unichar (out, f);
    }

  return g_string_free (out, FALSE);
}

/**
 * xpz_fold_fts_query:
 * @text: what the user typed
 *
 * Builds an FTS5 MATCH expression from free text: the text is folded, split
 * into words, and each word becomes a quoted string (so that no user input is
 * ever interpreted as FTS5 syntax). All words must match; the last word also
 * matches as a prefix (search as you type).
 *
 * Returns: (transfer full) (nullable): the expression, or %NULL if @text holds
 *   no word
 */
char *
xpz_fold_fts_query (const char *text)
{
  g_autofree char *folded = xpz_fold_text (text);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  GString *word = g_string_new (NULL);
  GString *query;

  if (folded == NULL)
    {
      g_string_free (word, TRUE);
      return NULL;
    }

  for (const char *p = folded;; p = g_utf8_next_char (p))
    {
      gunichar c = *p ? g_utf8_get_char (p) : 0;

      if (c != 0 && (g_unichar_isalnum (c) || g_unichar_ismark (c)))
        {
          g_string_append_unichar (word, c);
          continue;
        }
      if (word->len > 0)
        {
          g_ptr_array_add (words, g_strdup (word->str));
          g_string_truncate (word, 0);
        }
      if (c == 0)
        break;
    }
  g_string_free (word, TRUE);

  if (words->len == 0)
    return NULL;

  query = g_string_new (NULL);
  for (guint i = 0; i < words->len; i++)
    {
      const char *w = g_ptr_array_index (words, i);

      if (i > 0)
        g_string_append_c (query, ' ');
      /* Words hold only letters, digits and marks: no quote to escape. */
      g_string_append_printf (query, "\"%s\"", w);
      if (i == words->len - 1)
        g_string_append_c (query, '*');
    }

  return g_string_free (query, FALSE);
}
