/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-query-model"

#include "config.h"

#include "xpz-query-model.h"
#include "xpz-record.h"

/* A GListModel over a table that stays cheap at 100 000 rows: it knows the
 * row count and reads rows lazily, a page at a time, in id order. It keeps
 * only the first id of each page (1/256 of the ids, found by one index-only
 * scan), so that any page, sequential or a random jump, is one keyset read
 * (WHERE id >= first id LIMIT 256). Only a few pages stay in memory. A
 * change reported by the store becomes one items-changed with the exact
 * position, found by counting the ids before the row; the page anchors are
 * then rebuilt with the next page read.
 *
 * No database I/O on the calling (main) thread: every read goes through
 * the store's worker (xpz_store_run_async()).
 *
 *  - Construction and RESET: n_items stays as it is (0 at first) while the
 *    count and the anchors are read ("loading" is TRUE); then one
 *    items-changed (0, old, new).
 *  - get_item() on a page not in memory returns a placeholder record
 *    (xpz_record_is_placeholder()) and asks for the page, once; when it
 *    arrives, items-changed (page start, n, n) makes views bind real rows.
 *  - Store changes wait in a queue; one count query on the worker gives the
 *    position of every queued change at once, and they are announced in
 *    order.
 *
 * Consistency: the model shows the database as of the last change it has
 * processed. Every change it hears of bumps a generation counter. A change
 * is committed before it is heard of, and a change committed before a read
 * ran is heard of before the read completes (the store announces it from
 * the commit, synchronously or through the same main context, ahead of the
 * read's completion). So a read that completes with its generation
 * unchanged saw exactly the changes heard of when it was issued; one whose
 * generation moved is thrown away and asked again (a page read only once
 * the queued changes are processed), so no stale row is ever installed.
 *
 * Dispose cancels the reads in flight; their callbacks then see
 * G_IO_ERROR_CANCELLED and return without touching the model. */

#define MAX_CACHED_PAGES 16

typedef struct
{
  gint64          row_id;
  XpzStoreChange  change;
} Change;

struct _XpzQueryModel
{
  GObject       parent_instance;

  XpzStore     *store;
  XpzQueryKind  kind;
  const char   *table;          /* interned */
  guint         n_items;
  gulong        changed_id;
  GCancellable *cancellable;    /* cancelled at dispose */

  GHashTable   *pages;          /* page index → GPtrArray of XpzRecord */
  GQueue        page_order;     /* page indexes, least recently loaded first */
  GArray       *anchors;        /* first id of each page (gint64) */
  gboolean      anchors_valid;
  guint         n_page_loads;

  guint         generation;     /* bumped by every change heard of and every reload */
  gboolean      loading;        /* count + anchors in flight */
  gboolean      counting;       /* a count-before query in flight */
  gboolean      applying;       /* announcing a batch of changes */
  GArray       *changes;        /* of Change, waiting for their positions */
  GHashTable   *wanted;         /* pages handed out as placeholders, not read yet */
  GHashTable   *in_flight;      /* pages being read */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XpzQueryModel, xpz_query_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_KIND,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const char *ids;
  const char *count_before;
  const char *page_by_key;
} QuerySql;

static const QuerySql query_sql[] = {
  [XPZ_QUERY_JOBS] = {
    "SELECT id FROM job ORDER BY id",
    "SELECT count(*) FROM job WHERE id < ?1",
    "SELECT id, title, location FROM job WHERE id >= ?1 ORDER BY id LIMIT ?2",
  },
  [XPZ_QUERY_CANDIDATES] = {
    "SELECT id FROM candidate ORDER BY id",
    "SELECT count(*) FROM candidate WHERE id < ?1",
    "SELECT id, headline, location FROM candidate WHERE id >= ?1 ORDER BY id LIMIT ?2",
  },
};

static void issue_load        (XpzQueryModel *self);
static void start_reload      (XpzQueryModel *self);
static void start_count       (XpzQueryModel *self);
static void issue_page_reads  (XpzQueryModel *self);

/* --- Worker side ---------------------------------------------------------
 * These run on the store's worker, inside one read transaction. They see
 * only their ReadRequest, never the model. */

typedef struct
{
  XpzQueryKind  kind;
  guint         page;           /* page reads */
  gboolean      need_anchors;   /* page reads: rebuild the anchors first */
  gint64        anchor;         /* page reads: first id of the page */
  GArray       *row_ids;        /* count-before: of gint64 */
} ReadRequest;

typedef struct
{
  GArray     *anchors;          /* loads; page reads with need_anchors */
  gint64      n_rows;           /* with anchors */
  GPtrArray  *rows;             /* page reads */
  GArray     *positions;        /* count-before: of gint64, one per row id */
} ReadReply;

static void
read_request_free (gpointer data)
{
  ReadRequest *request = data;

  g_clear_pointer (&request->row_ids, g_array_unref);
  g_free (request);
}

static void
read_reply_free (gpointer data)
{
  ReadReply *reply = data;

  if (reply == NULL)
    return;
  g_clear_pointer (&reply->anchors, g_array_unref);
  g_clear_pointer (&reply->rows, g_ptr_array_unref);
  g_clear_pointer (&reply->positions, g_array_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadReply, read_reply_free)

/* One scan of the id index: the row count and the first id of each page. */
static gboolean
read_anchors (sqlite3       *db,
              XpzQueryKind   kind,
              GCancellable  *cancellable,
              ReadReply     *reply,
              GError       **error)
{
  g_autoptr(GArray) anchors = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;
  int rc;

  rc = sqlite3_prepare_v2 (db, query_sql[kind].ids, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n % XPZ_QUERY_MODEL_PAGE_SIZE == 0)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          /* the model went away: stop scanning */
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              sqlite3_finalize (stmt);
              return FALSE;
            }
          g_array_append_val (anchors, id);
        }
      n++;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  g_clear_pointer (&reply->anchors, g_array_unref);
  reply->anchors = g_steal_pointer (&anchors);
  reply->n_rows = n;
  return TRUE;
}

static gpointer
load_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  ReadRequest *request = data;
  g_autoptr(ReadReply) reply = g_new0 (ReadReply, 1);

  if (!read_anchors (db, request->kind, cancellable, reply, error))
    return NULL;
  return g_steal_pointer (&reply);
}

static gpointer
page_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  ReadRequest *request = data;
  g_autoptr(ReadReply) reply = g_new0 (ReadReply, 1);
  sqlite3_stmt *stmt = NULL;
  gint64 anchor = request->anchor;
  int rc;

  reply->rows = g_ptr_array_new_with_free_func (g_object_unref);
  if (request->need_anchors)
    {
      if (!read_anchors (db, request->kind, cancellable, reply, error))
        return NULL;
      if (request->page >= reply->anchors->len)
        return g_steal_pointer (&reply);
      anchor = g_array_index (reply->anchors, gint64, request->page);
    }

  rc = sqlite3_prepare_v2 (db, query_sql[request->kind].page_by_key, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, anchor);
  sqlite3_bind_int64 (stmt, 2, XPZ_QUERY_MODEL_PAGE_SIZE);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (reply->rows, xpz_record_new (sqlite3_column_int64 (stmt, 0),
                                                  (const char *) sqlite3_column_text (stmt, 1),
                                                  (const char *) sqlite3_column_text (stmt, 2)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&reply);
}

/* The number of ids before each of the given ids. */
static gpointer
count_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ReadRequest *request = data;
  g_autoptr(ReadReply) reply = g_new0 (ReadReply, 1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, query_sql[request->kind].count_before, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  reply->positions = g_array_sized_new (FALSE, FALSE, sizeof (gint64), request->row_ids->len);
  for (guint i = 0; i < request->row_ids->len; i++)
    {
      gint64 count;

      sqlite3_bind_int64 (stmt, 1, g_array_index (request->row_ids, gint64, i));
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          xpz_store_set_sqlite_error (db, rc, error);
          sqlite3_finalize (stmt);
          return NULL;
        }
      count = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (reply->positions, count);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&reply);
}

/* --- Main-thread side ---------------------------------------------------- */

/* The caller's side of one read: what it was asked with. Freed by the
 * callback, which dereferences @self only if the read was not cancelled
 * (a cancelled read means the model was disposed). */
typedef struct
{
  XpzQueryModel *self;
  guint          generation;
  guint          page;
  guint          n_changes;
} ReadCall;

static ReadCall *
read_call_new (XpzQueryModel *self)
{
  ReadCall *call = g_new0 (ReadCall, 1);

  call->self = self;
  call->generation = self->generation;
  return call;
}

static ReadRequest *
read_request_new (XpzQueryModel *self)
{
  ReadRequest *request = g_new0 (ReadRequest, 1);

  request->kind = self->kind;
  return request;
}

/* TRUE when the model shows the database as of every change it has heard
 * of: a page read issued now is consistent with it. */
static gboolean
is_settled (XpzQueryModel *self)
{
  return self->store != NULL &&
         !self->loading &&
         !self->counting &&
         !self->applying &&
         self->changes->len == 0;
}

static void
set_loading (XpzQueryModel *self,
             gboolean       loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
drop_pages_from (XpzQueryModel *self,
                 guint          first_page)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) >= first_page)
      {
        g_queue_remove (&self->page_order, key);
        g_hash_table_iter_remove (&iter);
      }
}

static void
drop_page (XpzQueryModel *self,
           guint          page)
{
  gpointer key = GUINT_TO_POINTER (page);

  if (g_hash_table_remove (self->pages, key))
    g_queue_remove (&self->page_order, key);
}

static guint
page_length (XpzQueryModel *self,
             guint          page)
{
  guint start = page * XPZ_QUERY_MODEL_PAGE_SIZE;

  if (start >= self->n_items)
    return 0;
  return MIN (XPZ_QUERY_MODEL_PAGE_SIZE, self->n_items - start);
}

/* Loads (construction, RESET) */

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree ReadCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ReadReply) reply = xpz_store_run_finish (XPZ_STORE (source), result, &error);
  XpzQueryModel *self;
  guint old;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;
  g_assert (self->loading);

  /* a change came while counting: it may or may not be in the count */
  if (call->generation != self->generation)
    {
      g_debug ("Reading the %s list again: it changed meanwhile", self->table);
      issue_load (self);
      return;
    }
  if (reply == NULL)
    g_warning ("Could not read list rows: %s", error->message);

  old = self->n_items;
  drop_pages_from (self, 0);
  g_hash_table_remove_all (self->wanted);
  g_clear_pointer (&self->anchors, g_array_unref);
  if (reply != NULL)
    {
      self->anchors = g_steal_pointer (&reply->anchors);
      self->n_items = (guint) reply->n_rows;
      self->anchors_valid = TRUE;
    }
  else
    {
      self->n_items = 0;
      self->anchors_valid = FALSE;
    }

  /* Settled before announcing: views read the new rows from the handler. */
  self->loading = FALSE;
  if (old != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
  if (!self->loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  issue_page_reads (self);
}

static void
issue_load (XpzQueryModel *self)
{
  xpz_store_run_async (self->store, FALSE, load_func, read_request_new (self),
                       read_request_free, read_reply_free,
                       self->cancellable, load_cb, read_call_new (self));
}

/* Reads the count and the anchors again, then announces the whole list as
 * replaced. Takes over the queued changes. */
static void
start_reload (XpzQueryModel *self)
{
  self->generation++;
  g_array_set_size (self->changes, 0);
  if (self->store == NULL)
    return;
  if (self->loading)
    return;   /* the load in flight sees the new generation and runs again */

  set_loading (self, TRUE);
  issue_load (self);
}

/* Changes */

static gboolean
apply_change (XpzQueryModel  *self,
              XpzStoreChange  change,
              gint64          position)
{
  guint page;

  if (position < 0 || position > self->n_items ||
      (position == self->n_items && change == XPZ_STORE_CHANGE_DELETED))
    {
      if (change == XPZ_STORE_CHANGE_UPDATED)
        return TRUE;
      g_debug ("Change at %" G_GINT64_FORMAT " outside the %s list (%u rows): reading it again",
               position, self->table, self->n_items);
      start_reload (self);
      return FALSE;
    }

  page = (guint) position / XPZ_QUERY_MODEL_PAGE_SIZE;
  switch (change)
    {
    case XPZ_STORE_CHANGE_INSERTED:
      drop_pages_from (self, page);
      self->anchors_valid = FALSE;
      self->n_items++;
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
      break;
    case XPZ_STORE_CHANGE_DELETED:
      drop_pages_from (self, page);
      self->anchors_valid = FALSE;
      self->n_items--;
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      break;
    case XPZ_STORE_CHANGE_UPDATED:
      if (position < self->n_items)
        {
          drop_page (self, page);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        }
      break;
    case XPZ_STORE_CHANGE_RESET:
    default:
      start_reload (self);
      return FALSE;
    }
  return TRUE;
}

/* @positions: for each queued change, the ids before its row in the
 * database with every queued change made. Announces the changes in order,
 * each at its position when it was made. */
static void
apply_changes (XpzQueryModel *self,
               GArray        *positions)
{
  g_autoptr(GArray) batch = g_steal_pointer (&self->changes);
  g_autoptr(GArray) at = g_array_sized_new (FALSE, FALSE, sizeof (gint64), batch->len);

  self->changes = g_array_new (FALSE, FALSE, sizeof (Change));

  /* The database has the later changes too: take back the rows they added
   * before this one, give back those they removed. */
  for (guint i = 0; i < batch->len; i++)
    {
      const Change *c = &g_array_index (batch, Change, i);
      gint64 position = g_array_index (positions, gint64, i);

      for (guint j = i + 1; j < batch->len; j++)
        {
          const Change *later = &g_array_index (batch, Change, j);

          if (later->row_id >= c->row_id)
            continue;
          if (later->change == XPZ_STORE_CHANGE_INSERTED)
            position--;
          else if (later->change == XPZ_STORE_CHANGE_DELETED)
            position++;
        }
      g_array_append_val (at, position);
    }

  self->applying = TRUE;
  for (guint i = 0; i < batch->len; i++)
    {
      const Change *c = &g_array_index (batch, Change, i);

      if (!apply_change (self, c->change, g_array_index (at, gint64, i)))
        break;
    }
  self->applying = FALSE;
}

static void
count_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree ReadCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ReadReply) reply = xpz_store_run_finish (XPZ_STORE (source), result, &error);
  XpzQueryModel *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;
  self->counting = FALSE;

  if (self->loading)
    return;   /* the reload covers these changes */
  if (reply == NULL)
    {
      g_warning ("Could not count list rows: %s", error->message);
      start_reload (self);
      return;
    }

  if (call->generation == self->generation && call->n_changes == self->changes->len)
    apply_changes (self, reply->positions);
  /* else more changes came meanwhile: they may or may not be in the counts,
   * so count again with all of them */

  if (self->loading)
    return;
  if (self->changes->len > 0)
    start_count (self);
  else
    issue_page_reads (self);
}

static void
start_count (XpzQueryModel *self)
{
  ReadRequest *request;
  ReadCall *call;

  g_assert (!self->counting && !self->loading && self->changes->len > 0);

  if (self->store == NULL)
    return;

  request = read_request_new (self);
  request->row_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->changes->len);
  for (guint i = 0; i < self->changes->len; i++)
    g_array_append_val (request->row_ids, g_array_index (self->changes, Change, i).row_id);
  call = read_call_new (self);
  call->n_changes = self->changes->len;

  self->counting = TRUE;
  xpz_store_run_async (self->store, FALSE, count_func, request, read_request_free, read_reply_free,
                       self->cancellable, count_cb, call);
}

static void
on_store_changed (XpzStore       *store,
                  const char     *table,
                  gint64          row_id,
                  XpzStoreChange  change,
                  XpzQueryModel  *self)
{
  Change c = { row_id, change };

  if (g_intern_string (table) != self->table)
    return;

  /* whatever is in flight now may or may not include this change */
  self->generation++;

  if (change == XPZ_STORE_CHANGE_RESET)
    {
      start_reload (self);
      return;
    }
  if (self->loading)
    return;   /* the load in flight runs again and covers it */

  g_array_append_val (self->changes, c);
  if (!self->counting && !self->applying)
    start_count (self);
}

/* Pages */

static void
install_page (XpzQueryModel *self,
              guint          page,
              GPtrArray     *rows)
{
  while (g_queue_get_length (&self->page_order) >= MAX_CACHED_PAGES)
    {
      gpointer oldest = g_queue_pop_head (&self->page_order);

      g_hash_table_remove (self->pages, oldest);
    }
  g_hash_table_replace (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree ReadCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ReadReply) reply = xpz_store_run_finish (XPZ_STORE (source), result, &error);
  XpzQueryModel *self;
  gpointer key = GUINT_TO_POINTER (call->page);
  guint length;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;
  g_hash_table_remove (self->in_flight, key);

  if (reply == NULL)
    {
      g_warning ("Could not read list rows: %s", error->message);
      g_hash_table_remove (self->wanted, key);
      issue_page_reads (self);
      return;
    }

  /* A change came meanwhile (or is still being announced): these rows may
   * be from another version of the list. The page stays wanted. */
  if (call->generation != self->generation || !is_settled (self))
    {
      issue_page_reads (self);
      return;
    }

  if (reply->anchors != NULL)
    {
      if (reply->n_rows != self->n_items)
        {
          g_debug ("The %s list has %" G_GINT64_FORMAT " rows, not %u: reading it again",
                   self->table, reply->n_rows, self->n_items);
          start_reload (self);
          return;
        }
      g_clear_pointer (&self->anchors, g_array_unref);
      self->anchors = g_steal_pointer (&reply->anchors);
      self->anchors_valid = TRUE;
    }

  length = page_length (self, call->page);
  if (length == 0)
    {
      g_hash_table_remove (self->wanted, key);
      issue_page_reads (self);
      return;
    }
  if (reply->rows->len != length)
    {
      g_debug ("Page %u of the %s list has %u rows, not %u: reading it again",
               call->page, self->table, reply->rows->len, length);
      start_reload (self);
      return;
    }

  self->n_page_loads++;
  install_page (self, call->page, g_steal_pointer (&reply->rows));
  g_hash_table_remove (self->wanted, key);
  g_list_model_items_changed (G_LIST_MODEL (self),
                              call->page * XPZ_QUERY_MODEL_PAGE_SIZE, length, length);
  issue_page_reads (self);
}

static void
start_page_read (XpzQueryModel *self,
                 guint          page)
{
  ReadRequest *request = read_request_new (self);
  ReadCall *call = read_call_new (self);

  request->page = page;
  request->need_anchors = !self->anchors_valid || page >= self->anchors->len;
  if (!request->need_anchors)
    request->anchor = g_array_index (self->anchors, gint64, page);
  call->page = page;

  g_hash_table_add (self->in_flight, GUINT_TO_POINTER (page));
  xpz_store_run_async (self->store, FALSE, page_func, request, read_request_free, read_reply_free,
                       self->cancellable, page_cb, call);
}

/* Asks for the wanted pages not asked for yet, when the model is settled.
 * While the anchors are stale, one read at a time rebuilds them. */
static void
issue_page_reads (XpzQueryModel *self)
{
  GHashTableIter iter;
  gpointer key;

  if (!is_settled (self))
    return;

  g_hash_table_iter_init (&iter, self->wanted);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint page = GPOINTER_TO_UINT (key);

      if (page_length (self, page) == 0 || g_hash_table_contains (self->pages, key))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      if (g_hash_table_contains (self->in_flight, key))
        continue;
      if (!self->anchors_valid && g_hash_table_size (self->in_flight) > 0)
        return;
      start_page_read (self, page);
      if (!self->anchors_valid)
        return;
    }
}

/* GListModel */

static GType
xpz_query_model_get_item_type (GListModel *model)
{
  return XPZ_TYPE_RECORD;
}

static guint
xpz_query_model_get_n_items (GListModel *model)
{
  return XPZ_QUERY_MODEL (model)->n_items;
}

static gpointer
xpz_query_model_get_item (GListModel *model,
                          guint       position)
{
  XpzQueryModel *self = XPZ_QUERY_MODEL (model);
  guint page = position / XPZ_QUERY_MODEL_PAGE_SIZE;
  guint offset = position % XPZ_QUERY_MODEL_PAGE_SIZE;
  GPtrArray *rows;

  if (position >= self->n_items)
    return NULL;

  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows != NULL && offset < rows->len)
    return g_object_ref (g_ptr_array_index (rows, offset));

  if (rows != NULL)
    drop_page (self, page);
  g_hash_table_add (self->wanted, GUINT_TO_POINTER (page));
  issue_page_reads (self);
  return xpz_record_new_placeholder ();
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = xpz_query_model_get_item_type;
  iface->get_n_items = xpz_query_model_get_n_items;
  iface->get_item = xpz_query_model_get_item;
}

XpzQueryModel *
xpz_query_model_new (XpzStore     *store,
                     XpzQueryKind  kind)
{
  g_return_val_if_fail (XPZ_IS_STORE (store), NULL);
  g_return_val_if_fail (kind == XPZ_QUERY_JOBS || kind == XPZ_QUERY_CANDIDATES, NULL);

  return g_object_new (XPZ_TYPE_QUERY_MODEL, "store", store, "kind", kind, NULL);
}

static void
xpz_query_model_constructed (GObject *object)
{
  XpzQueryModel *self = (XpzQueryModel *) object;

  G_OBJECT_CLASS (xpz_query_model_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  self->table = g_intern_static_string (self->kind == XPZ_QUERY_JOBS ? "job" : "candidate");
  self->changed_id = g_signal_connect (self->store, "changed", G_CALLBACK (on_store_changed), self);
  start_reload (self);
}

static void
xpz_query_model_dispose (GObject *object)
{
  XpzQueryModel *self = (XpzQueryModel *) object;

  /* The reads in flight complete with G_IO_ERROR_CANCELLED and leave the
   * model alone. */
  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  if (self->pages != NULL)
    drop_pages_from (self, 0);
  if (self->wanted != NULL)
    g_hash_table_remove_all (self->wanted);
  if (self->in_flight != NULL)
    g_hash_table_remove_all (self->in_flight);
  if (self->changes != NULL)
    g_array_set_size (self->changes, 0);
  self->loading = FALSE;
  self->counting = FALSE;
  g_clear_object (&self->store);

  G_OBJECT_CLASS (xpz_query_model_parent_class)->dispose (object);
}

static void
xpz_query_model_finalize (GObject *object)
{
  XpzQueryModel *self = (XpzQueryModel *) object;

  g_queue_clear (&self->page_order);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->wanted, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->anchors, g_array_unref);
  g_clear_pointer (&self->changes, g_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xpz_query_model_parent_class)->finalize (object);
}

static void
xpz_query_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XpzQueryModel *self = XPZ_QUERY_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_query_model_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  XpzQueryModel *self = XPZ_QUERY_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_KIND:
      self->kind = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_query_model_class_init (XpzQueryModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xpz_query_model_constructed;
  object_class->dispose = xpz_query_model_dispose;
  object_class->finalize = xpz_query_model_finalize;
  object_class->get_property = xpz_query_model_get_property;
  object_class->set_property = xpz_query_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         XPZ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL,
                      XPZ_QUERY_JOBS, XPZ_QUERY_CANDIDATES, XPZ_QUERY_JOBS,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /**
   * XpzQueryModel:loading:
   *
   * Whether the row count is being read (at construction and after the
   * table was replaced); n_items changes when it turns %FALSE.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_query_model_init (XpzQueryModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
  self->wanted = g_hash_table_new (NULL, NULL);
  self->in_flight = g_hash_table_new (NULL, NULL);
  self->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  self->cancellable = g_cancellable_new ();
}

XpzStore *
xpz_query_model_get_store (XpzQueryModel *self)
{
  g_return_val_if_fail (XPZ_IS_QUERY_MODEL (self), NULL);
  return self->store;
}

/**
 * xpz_query_model_get_loading:
 *
 * Returns: %TRUE while the row count is being read.
 */
gboolean
xpz_query_model_get_loading (XpzQueryModel *self)
{
  g_return_val_if_fail (XPZ_IS_QUERY_MODEL (self), FALSE);
  return self->loading;
}

/**
 * xpz_query_model_is_busy:
 *
 * Returns: %TRUE while any read is in flight (count, change positions or
 * pages). Each one completes on the main context: iterate it until this
 * is %FALSE to see the model settled.
 */
gboolean
xpz_query_model_is_busy (XpzQueryModel *self)
{
  g_return_val_if_fail (XPZ_IS_QUERY_MODEL (self), FALSE);
  return self->loading ||
         self->counting ||
         self->changes->len > 0 ||
         g_hash_table_size (self->in_flight) > 0;
}

guint
xpz_query_model_get_n_cached_pages (XpzQueryModel *self)
{
  g_return_val_if_fail (XPZ_IS_QUERY_MODEL (self), 0);
  return g_hash_table_size (self->pages);
}

guint
xpz_query_model_get_n_page_loads (XpzQueryModel *self)
{
  g_return_val_if_fail (XPZ_IS_QUERY_MODEL (self), 0);
  return self->n_page_loads;
}
