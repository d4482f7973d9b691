/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-employer"

#include "config.h"

#include <adwaita.h>
#include <unistd.h>

#include "employer-test-util.h"
#include "xpz-crypto.h"
#include "xpz-employer-match-row.h"
#include "xpz-match-model.h"

/* The employer area's figures (issue 7), on Xvfb with the cairo renderer, with the real
 * row widget and XpzMatchModel over a store holding one job with N matches (XPZ_BENCH_N,
 * default 100 000):
 *   - opening the job: from set_job_id() to the first frame painted with real rows;
 *   - filtering by a skill: from set_search() to the first frame painted with the
 *     filtered rows;
 *   - scrolling 300 frames through the list (a frame-clock tick moves the view): the
 *     mean and worst interval between painted frames. */

#define N_FRAMES 300

typedef struct
{
  GtkWidget      *window;
  GtkListView    *view;
  GtkScrolledWindow *scrolled;
  XpzMatchModel  *model;
  gboolean        waiting_paint;
  gboolean        painted;
  gint64          paint_time;
  /* scrolling */
  guint           frames;
  gint64          last_frame;
  double          sum_ms;
  double          worst_ms;
  gboolean        scrolling;
} Bench;

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  gtk_list_item_set_child (item, xpz_employer_match_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  data)
{
  xpz_employer_match_row_set_item (XPZ_EMPLOYER_MATCH_ROW (gtk_list_item_get_child (item)),
                                   gtk_list_item_get_item (item));
}

static void
after_paint (GdkFrameClock *clock,
             Bench         *b)
{
  gint64 now = g_get_monotonic_time ();

  if (b->waiting_paint)
    {
      b->painted = TRUE;
      b->paint_time = now;
    }
  if (b->scrolling)
    {
      if (b->last_frame != 0)
        {
          double ms = (now - b->last_frame) / 1000.0;

          b->sum_ms += ms;
          b->worst_ms = MAX (b->worst_ms, ms);
          if (ms > 25 && g_getenv ("XPZ_BENCH_DEBUG"))
            g_print ("# frame %u: %.1f ms\n", b->frames, ms);
          b->frames++;
        }
      b->last_frame = now;
    }
}

/* The first row is real (not a placeholder): the list shows data. */
static gboolean
first_row_real (Bench *b)
{
  g_autoptr (XpzMatchItem) item = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (b->model)) == 0)
    return FALSE;
  item = g_list_model_get_item (G_LIST_MODEL (b->model), 0);
  return !xpz_match_item_is_placeholder (item);
}

/* Iterates until the model is settled with real rows, then until a frame is painted;
 * returns the time of that frame. */
static gint64
wait_shown (Bench *b)
{
  while (xpz_match_model_get_loading (b->model) || !first_row_real (b))
    g_main_context_iteration (NULL, TRUE);
  b->painted = FALSE;
  b->waiting_paint = TRUE;
  gtk_widget_queue_draw (b->window);
  while (!b->painted)
    g_main_context_iteration (NULL, TRUE);
  b->waiting_paint = FALSE;
  return b->paint_time;
}

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  Bench *b = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (b->scrolled);

  if (b->frames >= N_FRAMES)
    return G_SOURCE_REMOVE;
  /* about 3 rows a frame: a brisk flick through the list */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + 240);
  return G_SOURCE_CONTINUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_figure (const char *name,
              double      value,
              const char *target)
{
  g_print ("%-58s %10.1f ms   target %s\n", name, value, target);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) key = NULL;
  g_autoptr (XpzStore) store = NULL;
  GtkListItemFactory *factory;
  Bench b = { 0 };
  const char *n_env = g_getenv ("XPZ_BENCH_N");
  guint n = n_env != NULL ? (guint) g_ascii_strtoull (n_env, NULL, 10) : 100000;
  gint64 job_id, t0, t1, seeded;
  g_autofree char *account = g_strdup_printf ("bench-employer-%d", (int) getpid ());
  g_autofree char *open_name = NULL;
  g_autofree char *filter_name = NULL;

  gtk_init ();
  adw_init ();
  g_assert_true (xpz_crypto_init (NULL));

  key = xpz_crypto_generate_key ();
  store = xpz_store_new (account);
  if (!xpz_store_open (store, key, &error))
    g_error ("%s", error->message);
  seeded = g_get_monotonic_time ();
  job_id = employer_test_seed (store, n, &error);
  if (job_id <= 0)
    g_error ("%s", error->message);
  g_print ("# seeded %u matches in %.0f ms\n", n, (g_get_monotonic_time () - seeded) / 1000.0);

  b.model = xpz_match_model_new (store, XPZ_MATCH_SIDE_EMPLOYER);
  xpz_match_model_set_key (b.model, key);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  b.view = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (b.model)))),
                                             factory));
  b.scrolled = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  gtk_scrolled_window_set_child (b.scrolled, GTK_WIDGET (b.view));
  b.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (b.window), 900, 800);
  gtk_window_set_child (GTK_WINDOW (b.window), GTK_WIDGET (b.scrolled));
  gtk_window_present (GTK_WINDOW (b.window));
  g_signal_connect (gtk_widget_get_frame_clock (b.window), "after-paint", G_CALLBACK (after_paint), &b);
  /* the window is up and idle */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  /* 1. open the job */
  t0 = g_get_monotonic_time ();
  xpz_match_model_set_job_id (b.model, job_id);
  t1 = wait_shown (&b);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b.model)), ==, n);
  if (g_getenv ("XPZ_BENCH_DEBUG"))
    g_print ("# page loads after opening: %u\n", xpz_match_model_get_n_page_loads (b.model));
  open_name = g_strdup_printf ("open a job with %u matches -> first rows shown", n);
  print_figure (open_name, (t1 - t0) / 1000.0, "<= 150 ms");

  /* 2. filter by a skill (and back to the whole list between runs); the median of the
   * runs is the figure, the worst is printed beside it */
  {
    g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
    const char *runs_env = g_getenv ("XPZ_BENCH_FILTER_RUNS");
    guint runs = runs_env != NULL ? MAX (1, (guint) g_ascii_strtoull (runs_env, NULL, 10)) : 9;

    for (guint run = 0; run < runs; run++)
      {
        double ms;

        t0 = g_get_monotonic_time ();
        xpz_match_model_set_search (b.model, "skill7");
        while (g_list_model_get_n_items (G_LIST_MODEL (b.model)) == n)
          g_main_context_iteration (NULL, TRUE);
        if (g_getenv ("XPZ_BENCH_DEBUG"))
          g_print ("# filtered list installed after %.1f ms\n", (g_get_monotonic_time () - t0) / 1000.0);
        t1 = wait_shown (&b);
        g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b.model)), ==, n / 50);
        ms = (t1 - t0) / 1000.0;
        g_array_append_val (times, ms);

        xpz_match_model_set_search (b.model, NULL);
        while (g_list_model_get_n_items (G_LIST_MODEL (b.model)) != n)
          g_main_context_iteration (NULL, TRUE);
        wait_shown (&b);
      }
    g_array_sort (times, compare_doubles);
    filter_name = g_strdup_printf ("filter by a skill over %u matches -> refreshed list", n);
    print_figure (filter_name, g_array_index (times, double, times->len / 2), "<= 50 ms");
    g_print ("%-58s %10.1f ms   (%u runs)\n", "  worst of the filter runs",
             g_array_index (times, double, times->len - 1), runs);
  }

  /* 3. scroll 300 frames through the whole list (shown again by the last filter run) */
  b.scrolling = TRUE;
  gtk_widget_add_tick_callback (GTK_WIDGET (b.view), scroll_tick, &b, NULL);
  while (b.frames < N_FRAMES)
    g_main_context_iteration (NULL, TRUE);
  b.scrolling = FALSE;
  print_figure ("scroll 300 frames: mean frame interval", b.sum_ms / b.frames, "<= 17.5 ms");
  print_figure ("scroll 300 frames: worst frame interval", b.worst_ms, "<= 50 ms");

  gtk_window_destroy (GTK_WINDOW (b.window));
  g_clear_object (&b.model);
  if (!xpz_store_erase (store, &error))
    g_warning ("%s", error->message);
  return 0;
}
