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
 * then rebuilt on the next page read.
 *
 * Page reads are short read transactions through the store's lock on the
 * caller's thread: GListModel.get_item() is synchronous by contract. */

#define MAX_CACHED_PAGES 16

struct _XpzQueryModel
{
  GObject       parent_instance;

  XpzStore     *store;
  XpzQueryKind  kind;
  const char   *table;          /* interned */
  guint         n_items;

  GHashTable   *pages;          /* page index → GPtrArray of XpzRecord */
  GQueue        page_order;     /* page indexes, least recently loaded first */
  GArray       *anchors;        /* first id of each page (gint64) */
  gboolean      anchors_valid;
  guint         n_page_loads;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XpzQueryModel, xpz_query_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_KIND,
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

typedef struct
{
  const char *sql;
  gint64      arg;
  gint64      limit;
} CountQuery;

static gpointer
count_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  CountQuery *q = data;
  sqlite3_stmt *stmt = NULL;
  gint64 *count;
  int rc;

  rc = sqlite3_prepare_v2 (db, q->sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, q->arg);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  count = g_new (gint64, 1);
  *count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* One scan of the id index: the row count and the first id of each page. */
static gpointer
anchors_func (XpzStore      *store,
              sqlite3       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  CountQuery *q = data;
  g_autoptr(GArray) anchors = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;
  int rc;

  rc = sqlite3_prepare_v2 (db, q->sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n % XPZ_QUERY_MODEL_PAGE_SIZE == 0)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (anchors, id);
        }
      n++;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  q->arg = n;
  return g_steal_pointer (&anchors);
}

static gpointer
page_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  CountQuery *q = data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, q->sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, q->arg);
  sqlite3_bind_int64 (stmt, 2, q->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, xpz_record_new (sqlite3_column_int64 (stmt, 0),
                                           (const char *) sqlite3_column_text (stmt, 1),
                                           (const char *) sqlite3_column_text (stmt, 2)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static gint64
run_count (XpzQueryModel *self,
           const char    *sql,
           gint64         arg)
{
  CountQuery q = { sql, arg, 0 };
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *count = xpz_store_run_sync (self->store, FALSE, count_func, &q, &error);

  if (count == NULL)
    {
      g_warning ("Could not count list rows: %s", error->message);
      return -1;
    }
  return *count;
}

/* Returns the row count, or -1. */
static gint64
rebuild_anchors (XpzQueryModel *self)
{
  CountQuery q = { query_sql[self->kind].ids, 0, 0 };
  g_autoptr(GError) error = NULL;
  GArray *anchors = xpz_store_run_sync (self->store, FALSE, anchors_func, &q, &error);

  if (anchors == NULL)
    {
      g_warning ("Could not read list rows: %s", error->message);
      return -1;
    }
  g_clear_pointer (&self->anchors, g_array_unref);
  self->anchors = anchors;
  self->anchors_valid = TRUE;
  return q.arg;
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

static GPtrArray *
load_page (XpzQueryModel *self,
           guint          page)
{
  g_autoptr(GError) error = NULL;
  CountQuery q;
  GPtrArray *rows;

  if (!self->anchors_valid && rebuild_anchors (self) < 0)
    return NULL;
  if (page >= self->anchors->len)
    return NULL;

  q = (CountQuery) { query_sql[self->kind].page_by_key,
                     g_array_index (self->anchors, gint64, page),
                     XPZ_QUERY_MODEL_PAGE_SIZE };
  rows = xpz_store_run_sync (self->store, FALSE, page_func, &q, &error);
  if (rows == NULL)
    {
      g_warning ("Could not read list rows: %s", error->message);
      return NULL;
    }
  self->n_page_loads++;

  while (g_queue_get_length (&self->page_order) >= MAX_CACHED_PAGES)
    {
      gpointer oldest = g_queue_pop_head (&self->page_order);

      g_hash_table_remove (self->pages, oldest);
    }
  g_hash_table_replace (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));

  return rows;
}

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
  if (rows == NULL)
    rows = load_page (self, page);
  if (rows == NULL || offset >= rows->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (rows, offset));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = xpz_query_model_get_item_type;
  iface->get_n_items = xpz_query_model_get_n_items;
  iface->get_item = xpz_query_model_get_item;
}

static void
reload (XpzQueryModel *self)
{
  guint old = self->n_items;
  gint64 count;

  drop_pages_from (self, 0);
  count = rebuild_anchors (self);
  self->n_items = count > 0 ? (guint) count : 0;
  if (old != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

static void
on_store_changed (XpzStore       *store,
                  const char     *table,
                  gint64          row_id,
                  XpzStoreChange  change,
                  XpzQueryModel  *self)
{
  gint64 position;

  if (g_intern_string (table) != self->table)
    return;

  if (change == XPZ_STORE_CHANGE_RESET)
    {
      reload (self);
      return;
    }

  /* Ids before the row: its position now (inserted, updated) or before it
   * went away (deleted). */
  position = run_count (self, query_sql[self->kind].count_before, row_id);
  if (position < 0)
    {
      reload (self);
      return;
    }

  drop_pages_from (self, (guint) position / XPZ_QUERY_MODEL_PAGE_SIZE);
  self->anchors_valid = FALSE;
  switch (change)
    {
    case XPZ_STORE_CHANGE_INSERTED:
      self->n_items++;
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
      break;
    case XPZ_STORE_CHANGE_DELETED:
      if (self->n_items > 0 && position < self->n_items)
        {
          self->n_items--;
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
        }
      break;
    case XPZ_STORE_CHANGE_UPDATED:
      if (position < self->n_items)
        g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      break;
    case XPZ_STORE_CHANGE_RESET:
    default:
      reload (self);
      break;
    }
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
  gint64 count;

  G_OBJECT_CLASS (xpz_query_model_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  self->table = g_intern_static_string (self->kind == XPZ_QUERY_JOBS ? "job" : "candidate");
  count = rebuild_anchors (self);
  self->n_items = count > 0 ? (guint) count : 0;
  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed), self, 0);
}

static void
xpz_query_model_dispose (GObject *object)
{
  XpzQueryModel *self = (XpzQueryModel *) object;

  if (self->pages != NULL)
    drop_pages_from (self, 0);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (xpz_query_model_parent_class)->dispose (object);
}

static void
xpz_query_model_finalize (GObject *object)
{
  XpzQueryModel *self = (XpzQueryModel *) object;

  g_queue_clear (&self->page_order);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->anchors, g_array_unref);

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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_query_model_init (XpzQueryModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
}

XpzStore *
xpz_query_model_get_store (XpzQueryModel *self)
{
  g_return_val_if_fail (XPZ_IS_QUERY_MODEL (self), NULL);
  return self->store;
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
