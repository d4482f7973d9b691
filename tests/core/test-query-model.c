/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "test-util.h"
#include "xpz-query-model.h"
#include "xpz-record.h"
#include "xpz-store.h"

/* XpzQueryModel: a GListModel over the job table that reads through the
 * store's worker only. Tests wait by iterating the main context until a
 * condition holds; nothing here sleeps or measures time. */

static XpzStore *
open_store (const char *account)
{
  g_autoptr(XpzStore) store = xpz_store_new (account);
  g_autoptr(GBytes) key = test_key ();
  g_autoptr(GError) error = NULL;

  xpz_store_open (store, key, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static void
iterate (void)
{
  g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
}

static void
wait_until_loaded (XpzQueryModel *model)
{
  while (xpz_query_model_get_loading (model))
    iterate ();
}

static void
wait_until_idle (XpzQueryModel *model)
{
  while (xpz_query_model_is_busy (model))
    iterate ();
}

/* get_item(): a placeholder at first when the page is not in memory, the
 * real row once the model has read it (no store change meanwhile). */
static XpzRecord *
get_record (XpzQueryModel *model,
            guint          position)
{
  XpzRecord *record = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (record);
  if (xpz_record_is_placeholder (record))
    {
      g_assert_cmpint (xpz_record_get_id (record), ==, XPZ_RECORD_PLACEHOLDER_ID);
      g_assert_true (xpz_query_model_is_busy (model));
      g_object_unref (record);
      wait_until_idle (model);
      record = g_list_model_get_item (G_LIST_MODEL (model), position);
      g_assert_nonnull (record);
      g_assert_false (xpz_record_is_placeholder (record));
    }
  return record;
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *log)
{
  ItemsChanged c = { position, removed, added };

  g_array_append_val (log, c);
}

static void
assert_items_changed (GArray *log,
                      guint   index,
                      guint   position,
                      guint   removed,
                      guint   added)
{
  g_assert_cmpuint (index, <, log->len);
  g_assert_cmpuint (g_array_index (log, ItemsChanged, index).position, ==, position);
  g_assert_cmpuint (g_array_index (log, ItemsChanged, index).removed, ==, removed);
  g_assert_cmpuint (g_array_index (log, ItemsChanged, index).added, ==, added);
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* --- Writes with chosen ids (tests only) ----------------------------------- */

typedef struct
{
  XpzStoreChange  change;
  gint64          id;
  const char     *title;
  guint           n;      /* seed: rows with ids 2, 4 … 2n */
} JobEdit;

static gpointer
edit_job_func (XpzStore      *store,
               sqlite3       *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  JobEdit *edit = data;
  sqlite3_stmt *stmt = NULL;
  const char *sql = NULL;
  int rc;

  switch (edit->change)
    {
    case XPZ_STORE_CHANGE_INSERTED:
      sql = "INSERT INTO job (id, title, location) VALUES (?1, ?2, 'Fès')";
      break;
    case XPZ_STORE_CHANGE_UPDATED:
      sql = "UPDATE job SET title = ?2 WHERE id = ?1";
      break;
    case XPZ_STORE_CHANGE_DELETED:
      sql = "DELETE FROM job WHERE id = ?1";
      break;
    case XPZ_STORE_CHANGE_RESET:
    default:
      sql = "INSERT INTO job (id, title, location) VALUES (?1, ?2, 'Rabat')";
      break;
    }

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  for (guint i = 1; i <= MAX (edit->n, 1); i++)
    {
      g_autofree char *title = NULL;
      gint64 id = edit->id;

      if (edit->change == XPZ_STORE_CHANGE_RESET)
        {
          id = 2 * (gint64) i;
          title = g_strdup_printf ("Job %" G_GINT64_FORMAT, id);
        }
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, title ? title : edit->title, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE || sqlite3_changes (db) != 1)
        {
          xpz_store_set_sqlite_error (db, rc == SQLITE_DONE ? SQLITE_NOTFOUND : rc, error);
          sqlite3_finalize (stmt);
          return NULL;
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  xpz_store_record_change (store, "job", edit->id, edit->change);
  return GINT_TO_POINTER (TRUE);
}

typedef struct
{
  XpzStore *store;
  guint     n_sync;    /* writes on this thread */
  guint     pending;   /* writes on the worker, not completed */
} Writer;

/* On the caller's thread; the store announces the change at once. */
static void
write_sync (Writer         *writer,
            XpzStoreChange  change,
            gint64          id,
            const char     *title)
{
  JobEdit edit = { change, id, title, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (xpz_store_run_sync (writer->store, TRUE, edit_job_func, &edit, &error));
  g_assert_no_error (error);
  writer->n_sync++;
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Writer *writer = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (xpz_store_run_finish (XPZ_STORE (source), result, &error));
  g_assert_no_error (error);
  writer->pending--;
}

/* On the store's worker; the change is announced through the main context. */
static void
write_async (Writer         *writer,
             XpzStoreChange  change,
             gint64          id,
             const char     *title)
{
  JobEdit *edit = g_new0 (JobEdit, 1);

  edit->change = change;
  edit->id = id;
  edit->title = title;   /* static strings */
  writer->pending++;
  xpz_store_run_async (writer->store, TRUE, edit_job_func, edit, g_free, NULL, NULL,
                       write_done, writer);
}

/* Jobs with ids 2, 4 … 2n, titled "Job <id>"; one RESET. */
static void
seed_even_jobs (XpzStore *store,
                guint     n)
{
  JobEdit edit = { XPZ_STORE_CHANGE_RESET, 0, NULL, n };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (xpz_store_run_sync (store, TRUE, edit_job_func, &edit, &error));
  g_assert_no_error (error);
}

typedef struct
{
  GArray    *ids;
  GPtrArray *titles;
} Rows;

static gpointer
select_jobs_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Rows *rows = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT id, title FROM job ORDER BY id", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rows->ids, id);
      g_ptr_array_add (rows->titles, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  return GINT_TO_POINTER (TRUE);
}

static GArray *
select_ids (XpzStore *store)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  Rows rows = { ids, titles };

  g_assert_nonnull (xpz_store_run_sync (store, FALSE, select_jobs_func, &rows, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&ids);
}

/* --- /store/model/100k-rows ------------------------------------------------ */

#define N_ROWS 100000

static void
test_model_100k (void)
{
  g_autoptr(XpzStore) store = open_store ("model-100k");
  g_autoptr(XpzQueryModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree XpzJobInput *jobs = g_new0 (XpzJobInput, N_ROWS);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  XpzJobInput extra = { "extra", "Extra job", NULL, NULL, NULL, NULL };
  gint64 extra_id;
  guint sync_runs;

  for (guint i = 0; i < N_ROWS; i++)
    {
      jobs[i].title = "Job";
      jobs[i].location = (i % 2) ? "Rabat" : "Casablanca";
    }
  g_assert_true (xpz_store_add_jobs (store, jobs, N_ROWS, &error));
  g_assert_no_error (error);
  sync_runs = xpz_store_get_n_sync_runs (store);

  /* the count arrives later, as one items-changed */
  model = xpz_query_model_new (store, XPZ_QUERY_JOBS);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), changed);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_true (xpz_query_model_get_loading (model));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == XPZ_TYPE_RECORD);
  wait_until_loaded (model);
  g_assert_cmpuint (changed->len, ==, 1);
  assert_items_changed (changed, 0, 0, 0, N_ROWS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);

  /* random access: ids are 1..N in order */
  for (guint i = 0; i < 2000; i++)
    {
      guint pos = g_rand_int_range (rand, 0, N_ROWS);
      g_autoptr(XpzRecord) record = get_record (model, pos);

      g_assert_cmpint (xpz_record_get_id (record), ==, (gint64) pos + 1);
      g_assert_cmpstr (xpz_record_get_subtitle (record), ==, (pos % 2) ? "Rabat" : "Casablanca");
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), N_ROWS));
  /* only a bounded window stays in memory */
  g_assert_cmpuint (xpz_query_model_get_n_cached_pages (model), <=, 16);

  /* a sequential scroll reads each page once */
  {
    guint loads_before = xpz_query_model_get_n_page_loads (model);

    for (guint pos = 50000; pos < 50000 + 10 * XPZ_QUERY_MODEL_PAGE_SIZE; pos++)
      {
        g_autoptr(XpzRecord) record = get_record (model, pos);

        g_assert_cmpint (xpz_record_get_id (record), ==, (gint64) pos + 1);
      }
    g_assert_cmpuint (xpz_query_model_get_n_page_loads (model) - loads_before, <=, 11);
  }
  /* none of it ran on this thread */
  g_assert_cmpuint (xpz_store_get_n_sync_runs (store), ==, sync_runs);

  /* precise items-changed: an insert at the end */
  g_array_set_size (changed, 0);
  extra_id = xpz_store_add_job (store, &extra, &error);
  g_assert_no_error (error);
  wait_until_idle (model);
  g_assert_cmpuint (changed->len, ==, 1);
  assert_items_changed (changed, 0, N_ROWS, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS + 1);
  {
    g_autoptr(XpzRecord) record = get_record (model, N_ROWS);

    g_assert_cmpint (xpz_record_get_id (record), ==, extra_id);
    g_assert_cmpstr (xpz_record_get_title (record), ==, "Extra job");
  }

  /* a deletion in the middle */
  g_array_set_size (changed, 0);
  g_assert_true (xpz_store_delete_job (store, 50, &error));
  g_assert_no_error (error);
  wait_until_idle (model);
  g_assert_cmpuint (changed->len, ==, 1);
  assert_items_changed (changed, 0, 49, 1, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  {
    g_autoptr(XpzRecord) before = get_record (model, 48);
    g_autoptr(XpzRecord) after = get_record (model, 49);
    g_autoptr(XpzRecord) far = get_record (model, 70000);

    g_assert_cmpint (xpz_record_get_id (before), ==, 49);
    g_assert_cmpint (xpz_record_get_id (after), ==, 51);
    g_assert_cmpint (xpz_record_get_id (far), ==, 70002);
  }

  /* the model's own reads all went to the worker: only the two writes
   * above ran on this thread */
  g_assert_cmpuint (xpz_store_get_n_sync_runs (store), ==, sync_runs + 2);
}

/* --- /store/model/async-no-main-thread-io ---------------------------------- */

static void
test_model_async_no_main_thread_io (void)
{
  g_autoptr(XpzStore) store = open_store ("model-async");
  g_autoptr(XpzQueryModel) model = NULL;
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  guint loading_notifies = 0;
  guint sync_runs;
  guint loads;
  gboolean loading = FALSE;

  seed_even_jobs (store, 1000);   /* ids 2 … 2000: pages 0-2 full, page 3 has 232 */
  sync_runs = xpz_store_get_n_sync_runs (store);

  model = xpz_query_model_new (store, XPZ_QUERY_JOBS);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), changed);
  g_signal_connect (model, "notify::loading", G_CALLBACK (on_notify_count), &loading_notifies);

  /* nothing read yet: empty and loading */
  g_object_get (model, "loading", &loading, NULL);
  g_assert_true (loading);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));
  g_assert_cmpuint (changed->len, ==, 0);

  wait_until_loaded (model);
  g_assert_cmpuint (loading_notifies, ==, 1);
  g_assert_cmpuint (changed->len, ==, 1);
  assert_items_changed (changed, 0, 0, 0, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_assert_cmpuint (xpz_query_model_get_n_cached_pages (model), ==, 0);

  /* an unread page: placeholders, and one read for the whole page */
  g_array_set_size (changed, 0);
  loads = xpz_query_model_get_n_page_loads (model);
  {
    g_autoptr(XpzRecord) a = g_list_model_get_item (G_LIST_MODEL (model), 700);
    g_autoptr(XpzRecord) b = g_list_model_get_item (G_LIST_MODEL (model), 701);
    g_autoptr(XpzRecord) c = g_list_model_get_item (G_LIST_MODEL (model), 512);
    gboolean placeholder = FALSE;

    g_assert_true (xpz_record_is_placeholder (a));
    g_assert_true (xpz_record_is_placeholder (b));
    g_assert_true (xpz_record_is_placeholder (c));
    g_object_get (a, "placeholder", &placeholder, NULL);
    g_assert_true (placeholder);
    g_assert_cmpint (xpz_record_get_id (a), ==, XPZ_RECORD_PLACEHOLDER_ID);
    g_assert_cmpstr (xpz_record_get_title (a), ==, "");
    g_assert_cmpstr (xpz_record_get_subtitle (a), ==, "");
    g_assert_true (xpz_query_model_is_busy (model));
  }
  wait_until_idle (model);
  g_assert_cmpuint (xpz_query_model_get_n_page_loads (model) - loads, ==, 1);
  g_assert_cmpuint (changed->len, ==, 1);
  assert_items_changed (changed, 0, 512, 256, 256);
  {
    g_autoptr(XpzRecord) a = g_list_model_get_item (G_LIST_MODEL (model), 700);

    g_assert_false (xpz_record_is_placeholder (a));
    g_assert_cmpint (xpz_record_get_id (a), ==, 1402);
    g_assert_cmpstr (xpz_record_get_title (a), ==, "Job 1402");
    g_assert_cmpstr (xpz_record_get_subtitle (a), ==, "Rabat");
  }

  /* the short last page */
  g_array_set_size (changed, 0);
  {
    g_autoptr(XpzRecord) last = get_record (model, 999);

    g_assert_cmpint (xpz_record_get_id (last), ==, 2000);
  }
  g_assert_cmpuint (changed->len, ==, 1);
  assert_items_changed (changed, 0, 768, 232, 232);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 1000));

  /* every position below n_items gives a record, read or not */
  for (guint pos = 0; pos < 1000; pos += 37)
    {
      g_autoptr(XpzRecord) record = g_list_model_get_item (G_LIST_MODEL (model), pos);

      g_assert_nonnull (record);
    }
  wait_until_idle (model);

  /* not one read on this thread */
  g_assert_cmpuint (xpz_store_get_n_sync_runs (store), ==, sync_runs);
  g_assert_false (xpz_query_model_get_loading (model));
  g_assert_cmpuint (loading_notifies, ==, 1);
}

/* --- /store/model/change-while-loading ------------------------------------- */

/* What a list view does: it keeps one item per position, applies every
 * items-changed and gets the items it adds. Wrong positions leave it out of
 * step with the table. */
typedef struct
{
  GPtrArray *items;
  GArray    *log;          /* of ItemsChanged */
  guint      n_replaced;   /* items-changed that replaced the whole list */
} Shadow;

static void
shadow_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Shadow     *shadow)
{
  g_assert_cmpuint (position + removed, <=, shadow->items->len);
  if (removed > XPZ_QUERY_MODEL_PAGE_SIZE || added > XPZ_QUERY_MODEL_PAGE_SIZE)
    shadow->n_replaced++;
  g_ptr_array_remove_range (shadow->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      XpzRecord *record = g_list_model_get_item (model, position + i);

      g_assert_nonnull (record);
      g_ptr_array_insert (shadow->items, position + i, record);
    }
  g_assert_cmpuint (shadow->items->len, ==, g_list_model_get_n_items (model));
  on_items_changed (model, position, removed, added, shadow->log);
}

static void
wait_for_writes_and_model (Writer        *writer,
                           XpzQueryModel *model)
{
  while (writer->pending > 0 || xpz_query_model_is_busy (model))
    iterate ();
}

/* The model, and the view that followed its items-changed, hold what a
 * fresh SELECT gives. */
static void
assert_same_as_select (XpzQueryModel *model,
                       Shadow        *shadow)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  Rows rows = { ids, titles };

  g_assert_nonnull (xpz_store_run_sync (xpz_query_model_get_store (model), FALSE,
                                        select_jobs_func, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, ids->len);

  g_assert_cmpuint (shadow->items->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      XpzRecord *record = g_ptr_array_index (shadow->items, i);

      g_assert_false (xpz_record_is_placeholder (record));
      g_assert_cmpint (xpz_record_get_id (record), ==, g_array_index (ids, gint64, i));
      g_assert_cmpstr (xpz_record_get_title (record), ==, g_ptr_array_index (titles, i));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(XpzRecord) record = get_record (model, i);

      g_assert_cmpint (xpz_record_get_id (record), ==, g_array_index (ids, gint64, i));
      g_assert_cmpstr (xpz_record_get_title (record), ==, g_ptr_array_index (titles, i));
    }
}

static void
test_model_change_while_loading (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(XpzStore) store = NULL;
  g_autoptr(XpzQueryModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  Shadow shadow = { items, log, 0 };
  static const JobEdit batch[] = {
    { XPZ_STORE_CHANGE_INSERTED, 5999, "Batch 1", 0 },
    { XPZ_STORE_CHANGE_DELETED, 4, NULL, 0 },
    { XPZ_STORE_CHANGE_INSERTED, 15, "Batch 3", 0 },
    { XPZ_STORE_CHANGE_UPDATED, 5996, "Batch 4", 0 },
    { XPZ_STORE_CHANGE_DELETED, 5994, NULL, 0 },
    { XPZ_STORE_CHANGE_INSERTED, 5993, "Batch 6", 0 },
  };
  XpzJobInput bulk[2] = { { NULL, "Bulk A", NULL, NULL, NULL, NULL },
                          { NULL, "Bulk B", NULL, NULL, NULL, NULL } };
  Writer w = { NULL, 0, 0 };
  guint sync_runs;

  /* Its own context, so that the worker's announcements always go through
   * it (never run on the worker thread). */
  g_main_context_push_thread_default (context);
  store = open_store ("model-changes");
  w.store = store;
  seed_even_jobs (store, 3000);   /* ids 2 … 6000, 12 pages */
  sync_runs = xpz_store_get_n_sync_runs (store);

  model = xpz_query_model_new (store, XPZ_QUERY_JOBS);
  g_signal_connect (model, "items-changed", G_CALLBACK (shadow_items_changed), &shadow);
  g_assert_true (xpz_query_model_get_loading (model));

  /* while the count and the anchors are being read */
  write_sync (&w, XPZ_STORE_CHANGE_DELETED, 2, NULL);
  write_sync (&w, XPZ_STORE_CHANGE_INSERTED, 1, "First");
  write_async (&w, XPZ_STORE_CHANGE_INSERTED, 3001, "Middle");
  write_sync (&w, XPZ_STORE_CHANGE_UPDATED, 100, "Job 100 (edited)");
  write_async (&w, XPZ_STORE_CHANGE_DELETED, 4000, NULL);
  wait_until_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >=, 2999);

  /* The shadow asked for every row: 12 page reads are in flight. Change
   * rows before, inside and after them, mixing this thread's writes and
   * the worker's, letting some reads and counts complete in between. */
  g_assert_true (xpz_query_model_is_busy (model));
  write_sync (&w, XPZ_STORE_CHANGE_DELETED, 1000, NULL);
  write_async (&w, XPZ_STORE_CHANGE_INSERTED, 1001, "Odd 1001");
  write_sync (&w, XPZ_STORE_CHANGE_INSERTED, 7001, "Last");
  write_async (&w, XPZ_STORE_CHANGE_UPDATED, 3000, "Job 3000 (edited)");
  g_main_context_iteration (context, FALSE);
  write_sync (&w, XPZ_STORE_CHANGE_DELETED, 6000, NULL);
  for (guint k = 0; k < 40; k++)
    {
      guint m = (k * 17) % 40;                /* jump around … */
      gint64 odd = 11 + 146 * (gint64) m;     /* … over every page */
      gint64 even = 8 + 148 * (gint64) m;

      if (k % 2 == 0)
        {
          write_sync (&w, XPZ_STORE_CHANGE_INSERTED, odd, "Odd");
          write_async (&w, XPZ_STORE_CHANGE_DELETED, even, NULL);
        }
      else
        {
          write_async (&w, XPZ_STORE_CHANGE_INSERTED, odd, "Odd");
          write_sync (&w, XPZ_STORE_CHANGE_DELETED, even, NULL);
        }
      if (k % 3 == 0)
        write_sync (&w, XPZ_STORE_CHANGE_UPDATED, even + 2, "Edited");
      for (guint i = 0; i < k % 4; i++)
        g_main_context_iteration (context, FALSE);
    }

  wait_for_writes_and_model (&w, model);

  /* The model's reads all went to the worker. */
  g_assert_cmpuint (xpz_store_get_n_sync_runs (store), ==, sync_runs + w.n_sync);
  /* Every change was announced at its own position: no reload (the one
   * replacement is the first count). */
  g_assert_cmpuint (shadow.n_replaced, ==, 1);
  assert_same_as_select (model, &shadow);

  /* One batch: changes made before the model could place any of them (a
   * count completes on this context only). The database has them all, so
   * the position of each must leave out the rows the later ones added and
   * removed before it: each items-changed is where the change was made. */
  {
    g_autoptr(GArray) ids = select_ids (store);

    g_array_set_size (log, 0);
    for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
      write_sync (&w, batch[i].change, batch[i].id, batch[i].title);
    wait_for_writes_and_model (&w, model);
    g_assert_cmpuint (log->len, >=, G_N_ELEMENTS (batch));
    for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
      {
        guint position = 0;

        while (position < ids->len && g_array_index (ids, gint64, position) < batch[i].id)
          position++;
        switch (batch[i].change)
          {
          case XPZ_STORE_CHANGE_INSERTED:
            g_array_insert_val (ids, position, batch[i].id);
            assert_items_changed (log, i, position, 0, 1);
            break;
          case XPZ_STORE_CHANGE_DELETED:
            g_array_remove_index (ids, position);
            assert_items_changed (log, i, position, 1, 0);
            break;
          case XPZ_STORE_CHANGE_UPDATED:
          case XPZ_STORE_CHANGE_RESET:
          default:
            assert_items_changed (log, i, position, 1, 1);
            break;
          }
      }
  }
  g_assert_cmpuint (shadow.n_replaced, ==, 1);
  assert_same_as_select (model, &shadow);

  /* a RESET (the store's bulk insert) among other changes */
  write_async (&w, XPZ_STORE_CHANGE_DELETED, 5000, NULL);
  write_sync (&w, XPZ_STORE_CHANGE_INSERTED, 4003, "Odd 4003");
  g_assert_true (xpz_store_add_jobs (store, bulk, G_N_ELEMENTS (bulk), &error));
  g_assert_no_error (error);
  w.n_sync++;
  write_async (&w, XPZ_STORE_CHANGE_DELETED, 5002, NULL);
  g_main_context_iteration (context, FALSE);
  write_sync (&w, XPZ_STORE_CHANGE_INSERTED, 4001, "Odd 4001");
  wait_for_writes_and_model (&w, model);
  g_assert_cmpuint (shadow.n_replaced, ==, 2);
  assert_same_as_select (model, &shadow);

  g_signal_handlers_disconnect_by_data (model, &shadow);
  g_clear_object (&model);
  g_clear_object (&store);
  g_main_context_pop_thread_default (context);
}

/* --- /store/model/dispose-in-flight ---------------------------------------- */

static gpointer
noop_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  return GINT_TO_POINTER (TRUE);
}

/* The worker runs requests in order: once a request queued now completes,
 * every earlier one has completed (and its callback has run). */
static void
drain_worker (XpzStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xpz_store_run_async (store, FALSE, noop_func, NULL, NULL, NULL, NULL, test_async_ready, &result);
  test_run_until_ready (&result);
  g_assert_nonnull (xpz_store_run_finish (store, result, &error));
  g_assert_no_error (error);
}

static void
test_model_dispose_in_flight (void)
{
  g_autoptr(XpzStore) store = open_store ("model-dispose");
  g_autoptr(GError) error = NULL;
  XpzQueryModel *model;
  XpzJobInput extra = { NULL, "Extra", NULL, NULL, NULL, NULL };

  seed_even_jobs (store, 1000);

  /* while the count is read */
  model = xpz_query_model_new (store, XPZ_QUERY_JOBS);
  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &model);
  g_assert_true (xpz_query_model_get_loading (model));
  g_object_unref (model);
  g_assert_null (model);   /* the reads in flight hold no reference */
  drain_worker (store);

  /* while a page is read */
  model = xpz_query_model_new (store, XPZ_QUERY_JOBS);
  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &model);
  wait_until_loaded (model);
  {
    g_autoptr(XpzRecord) record = g_list_model_get_item (G_LIST_MODEL (model), 300);

    g_assert_true (xpz_record_is_placeholder (record));
  }
  g_assert_true (xpz_query_model_is_busy (model));
  g_object_unref (model);
  g_assert_null (model);
  drain_worker (store);

  /* while a change is being placed */
  model = xpz_query_model_new (store, XPZ_QUERY_JOBS);
  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &model);
  wait_until_loaded (model);
  g_assert_cmpint (xpz_store_add_job (store, &extra, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (xpz_query_model_is_busy (model));
  g_object_unref (model);
  g_assert_null (model);
  drain_worker (store);

  /* the store outlives its models and still works */
  g_assert_cmpint (xpz_store_add_job (store, &extra, &error), >, 0);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/model/100k-rows", test_model_100k);
  g_test_add_func ("/store/model/async-no-main-thread-io", test_model_async_no_main_thread_io);
  g_test_add_func ("/store/model/change-while-loading", test_model_change_while_loading);
  g_test_add_func ("/store/model/dispose-in-flight", test_model_dispose_in_flight);

  return g_test_run ();
}
