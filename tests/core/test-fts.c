/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "test-util.h"
#include "xpz-fold.h"
#include "xpz-store.h"

static void
test_fold (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "مُهَنْدِسٌ", "مهندس" },          /* harakat, tanween */
    { "أحمد", "احمد" },
    { "إدارة", "اداره" },               /* hamza below, ta marbuta */
    { "آفاق", "افاق" },
    { "ٱلعمل", "العمل" },               /* alef wasla */
    { "مستشفى", "مستشفي" },             /* alef maqsura */
    { "مبرمـــج", "مبرمج" },            /* tatweel */
    { "رَحْمٰن", "رحمن" },               /* superscript alef */
    { "Ingénieur", "Ingénieur" },       /* Latin left to unicode61 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = xpz_fold_text (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (xpz_fold_text (NULL));
  g_assert_null (xpz_fold_fts_query ("  \"*() "));
  {
    /* user text can never become FTS5 syntax */
    g_autofree char *q = xpz_fold_fts_query ("dev\" OR title:x NEAR(");

    g_assert_cmpstr (q, ==, "\"dev\" \"OR\" \"title\" \"x\" \"NEAR\"*");
  }
}

static void
test_recall (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "core", "fts-pairs.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) queries = g_ptr_array_new ();
  g_autoptr(GArray) doc_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(XpzStore) store = xpz_store_new ("fts-recall");
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;
  guint found = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  xpz_store_open (store, key, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      XpzJobInput job = { NULL };
      gint64 id;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 2);
      g_assert_cmpuint (g_strv_length (fields), ==, 2);
      /* the document goes into the title; the other columns are searched too */
      job.title = fields[1];
      job.location = i % 2 ? "Casablanca" : "الرباط";
      id = xpz_store_add_job (store, &job, &error);
      g_assert_no_error (error);
      g_ptr_array_add (queries, lines[i]);
      g_array_append_val (doc_ids, id);
    }
  g_assert_cmpuint (queries->len, >=, 50);

  for (guint i = 0; i < queries->len; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_ptr_array_index (queries, i), "\t", 2);
      g_autoptr(GArray) hits = xpz_store_search_jobs (store, fields[0], 0, &error);
      gint64 want = g_array_index (doc_ids, gint64, i);
      gboolean hit = FALSE;

      g_assert_no_error (error);
      for (guint j = 0; j < hits->len && !hit; j++)
        hit = g_array_index (hits, gint64, j) == want;
      if (hit)
        found++;
      else
        g_test_message ("MISSED: query «%s» document «%s»", fields[0], fields[1]);
    }

  g_test_message ("recall %u/%u", found, queries->len);
  g_assert_cmpuint (found, ==, queries->len);

  /* and a word that is in no document finds nothing */
  {
    g_autoptr(GArray) hits = xpz_store_search_jobs (store, "zzqxj", 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (hits->len, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/fts/arabic-folding", test_fold);
  g_test_add_func ("/store/fts/recall-arabic-french", test_recall);

  return g_test_run ();
}
