/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-match-model"

#include "config.h"

#include <string.h>

#include "xpz-crypto.h"
#include "xpz-explain.h"
#include "xpz-fold.h"
#include "xpz-json-strict.h"
#include "xpz-match-model.h"

/* A ranked (score, then id) GListModel of matches that stays instant at 100 000 rows.
 *
 * Never a query on the calling thread, and never an object per row of the whole list:
 *
 *  - Employer side, the *base*: one index-only scan (match_ranked) reads the compact
 *    columns of every match of the job — id, candidate id, points, stage, shared — into
 *    plain arrays (about 20 bytes a row), once per job and again after a store change.
 *    Filters run over the base on the store's worker: stage, minimum score and "shared
 *    only" are array tests; the text filter is one FTS5 query on candidate_fts (a set of
 *    candidate ids). The result is an array of match ids in rank order.
 *  - Candidate side (a few hundred rows at most): one SQL query gives the id array.
 *  - Rows are read a page at a time (XPZ_MATCH_MODEL_PAGE_SIZE ids, one query), the
 *    first page together with the id array. get_item() on a page not in memory returns
 *    a placeholder and asks for the page; items-changed follows when it arrives. Only
 *    MAX_CACHED_PAGES pages stay in memory.
 *
 * A store change (match, candidate or job) makes the base stale; the list is computed
 * again and the difference announced as one items-changed over the range that differs
 * (common prefix and suffix kept), plus one per row updated in place, so a view keeps
 * its scroll position and selection. Every request carries a generation; an answer
 * whose generation moved is thrown away. One list computation runs at a time: changes
 * meanwhile are folded into the next one. Dispose cancels what is in flight. */

#define MAX_CACHED_PAGES 24

static const char * const stages[] = {
  "new", "reviewing", "contacted", "interviewing", "offer", "hired", "rejected",
};

typedef struct
{
  gint64  job_id;
  guint   n;
  gint64 *ids;
  gint64 *candidates;
  guint8 *points;
  guint8 *stages;
  guint8 *shared;
} Base;

static void
base_clear (Base *base)
{
  g_free (base->ids);
  g_free (base->candidates);
  g_free (base->points);
  g_free (base->stages);
  g_free (base->shared);
}

static Base *
base_ref (Base *base)
{
  return base != NULL ? g_atomic_rc_box_acquire (base) : NULL;
}

static void
base_unref (Base *base)
{
  if (base != NULL)
    g_atomic_rc_box_release_full (base, (GDestroyNotify) base_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Base, base_unref)

typedef struct
{
  XpzMatchSide side;
  gint64       job_id;
  char        *search;
  char        *stage;
  guint        min_score;
  gboolean     shared_only;
  char        *location;
  char        *work_mode;
  char        *contract_type;
  gint64       min_salary;
} Filter;

static void
filter_clear (Filter *f)
{
  g_clear_pointer (&f->search, g_free);
  g_clear_pointer (&f->stage, g_free);
  g_clear_pointer (&f->location, g_free);
  g_clear_pointer (&f->work_mode, g_free);
  g_clear_pointer (&f->contract_type, g_free);
}

static void
filter_copy (Filter       *to,
             const Filter *from)
{
  *to = *from;
  to->search = g_strdup (from->search);
  to->stage = g_strdup (from->stage);
  to->location = g_strdup (from->location);
  to->work_mode = g_strdup (from->work_mode);
  to->contract_type = g_strdup (from->contract_type);
}

struct _XpzMatchModel
{
  GObject       parent_instance;

  XpzStore     *store;
  GBytes       *key;
  Filter        filter;
  gulong        changed_id;
  GCancellable *cancellable;

  Base         *base;           /* NULL: to be read */
  guint         store_generation;   /* bumped by every store change heard of */
  guint         generation;     /* bumped by every change of the list's definition */
  GArray       *ids;            /* of gint64: the list */
  gboolean      loading;        /* a list computation in flight */
  gboolean      again;          /* compute again when it returns */
  gboolean      dirty_all;      /* row contents may all have changed */
  GHashTable   *updated;        /* match ids updated in place since the last list */

  GHashTable   *pages;          /* page → GPtrArray of XpzMatchItem */
  GQueue        page_order;
  GHashTable   *wanted;         /* pages handed out as placeholders */
  GHashTable   *in_flight;      /* page → generation asked with */
  guint         n_page_loads;
  guint         n_placeholders;
  guint         gap_at;         /* while a replacement is announced in two steps: the */
  guint         gap_len;        /* new rows not announced yet (hidden from the list) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XpzMatchModel, xpz_match_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void compute        (XpzMatchModel *self);
static void issue_pages    (XpzMatchModel *self);

/* --- worker side ------------------------------------------------------------------- */

static gboolean
prepare (sqlite3       *db,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_steps (sqlite3       *db,
              sqlite3_stmt  *stmt,
              int            rc,
              GError       **error)
{
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static guint8
stage_index (const char *stage)
{
  for (guint i = 0; stage != NULL && i < G_N_ELEMENTS (stages); i++)
    if (g_str_equal (stage, stages[i]))
      return (guint8) i;
  return 0;
}

static Base *
read_base (sqlite3       *db,
           gint64         job_id,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr (Base) base = g_atomic_rc_box_new0 (Base);
  sqlite3_stmt *stmt = NULL;
  guint capacity = 1024;
  int rc;

  base->job_id = job_id;
  if (job_id <= 0)
    return g_steal_pointer (&base);
  if (!prepare (db, "SELECT id, candidate_id, points, stage, shared FROM match"
                    " INDEXED BY match_ranked WHERE job_id = ?1 ORDER BY points DESC, id",
                &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, job_id);
  base->ids = g_new (gint64, capacity);
  base->candidates = g_new (gint64, capacity);
  base->points = g_new (guint8, capacity);
  base->stages = g_new (guint8, capacity);
  base->shared = g_new (guint8, capacity);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint i = base->n;

      if (i == capacity)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              sqlite3_finalize (stmt);
              return NULL;
            }
          capacity *= 2;
          base->ids = g_renew (gint64, base->ids, capacity);
          base->candidates = g_renew (gint64, base->candidates, capacity);
          base->points = g_renew (guint8, base->points, capacity);
          base->stages = g_renew (guint8, base->stages, capacity);
          base->shared = g_renew (guint8, base->shared, capacity);
        }
      base->ids[i] = sqlite3_column_int64 (stmt, 0);
      base->candidates[i] = sqlite3_column_int64 (stmt, 1);
      base->points[i] = (guint8) CLAMP (sqlite3_column_int (stmt, 2), 0, 100);
      base->stages[i] = stage_index ((const char *) sqlite3_column_text (stmt, 3));
      base->shared[i] = sqlite3_column_int (stmt, 4) != 0;
      base->n = i + 1;
    }
  if (!finish_steps (db, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&base);
}

/* The candidate ids whose summary matches @search, or NULL (no text filter). */
static gboolean
search_candidates (sqlite3      *db,
                   const char   *search,
                   GHashTable  **result,
                   GError      **error)
{
  g_autofree char *match = xpz_fold_fts_query (search);
  sqlite3_stmt *stmt = NULL;
  int rc;

  *result = NULL;
  if (match == NULL)
    return TRUE;
  if (!prepare (db, "SELECT rowid FROM candidate_fts WHERE candidate_fts MATCH ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  *result = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_hash_table_add (*result, g_memdup2 (&id, sizeof id));
    }
  if (!finish_steps (db, stmt, rc, error))
    {
      g_clear_pointer (result, g_hash_table_unref);
      return FALSE;
    }
  return TRUE;
}

static GArray *
filter_base (sqlite3       *db,
             Base          *base,
             const Filter  *f,
             GError       **error)
{
  g_autoptr (GHashTable) found = NULL;
  GArray *ids;
  int stage = f->stage != NULL ? stage_index (f->stage) : -1;

  if (f->search != NULL && !search_candidates (db, f->search, &found, error))
    return NULL;
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), found != NULL ? 1024 : base->n);
  for (guint i = 0; i < base->n; i++)
    {
      /* read_base() fills points[0, n); the analyzer cannot follow a shared base. */
      if (base->points[i] < f->min_score)  /* NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult) */
        break;  /* rank order: none further reaches it */
      if (stage >= 0 && base->stages[i] != stage)
        continue;
      if (f->shared_only && !base->shared[i])
        continue;
      if (found != NULL && !g_hash_table_contains (found, &base->candidates[i]))
        continue;
      g_array_append_val (ids, base->ids[i]);
    }
  return ids;
}

static GArray *
filter_candidate_side (sqlite3       *db,
                       const Filter  *f,
                       GError       **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT m.id FROM match m LEFT JOIN job j ON j.id = m.job_id"
                                          " WHERE m.candidate_id IS NULL AND m.points >= ?1");
  g_autofree char *match = f->search != NULL ? xpz_fold_fts_query (f->search) : NULL;
  g_autofree char *location = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (match != NULL)
    g_string_append (sql, " AND m.job_id IN (SELECT rowid FROM job_fts WHERE job_fts MATCH ?2)");
  if (f->location != NULL && *f->location != '\0')
    {
      location = g_strdup_printf ("%%%s%%", f->location);
      g_string_append (sql, " AND j.location LIKE ?3");
    }
  if (f->work_mode != NULL)
    g_string_append (sql, " AND j.remote = ?4");
  if (f->contract_type != NULL)
    g_string_append (sql, " AND j.contract_type = ?5");
  if (f->min_salary > 0)
    g_string_append (sql, " AND coalesce (j.salary_max, j.salary_min) >= ?6");
  g_string_append (sql, " ORDER BY m.points DESC, m.id");

  if (!prepare (db, sql->str, &stmt, error))
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) f->min_score);
  if (match != NULL)
    sqlite3_bind_text (stmt, 2, match, -1, SQLITE_TRANSIENT);
  if (location != NULL)
    sqlite3_bind_text (stmt, 3, location, -1, SQLITE_TRANSIENT);
  if (f->work_mode != NULL)
    sqlite3_bind_text (stmt, 4, f->work_mode, -1, SQLITE_TRANSIENT);
  if (f->contract_type != NULL)
    sqlite3_bind_text (stmt, 5, f->contract_type, -1, SQLITE_TRANSIENT);
  if (f->min_salary > 0)
    sqlite3_bind_int64 (stmt, 6, f->min_salary);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (!finish_steps (db, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&ids);
}

static char *
column_text_dup (sqlite3_stmt *stmt,
                 int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

static gint64
column_int_or (sqlite3_stmt *stmt,
               int           i,
               gint64        fallback)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? fallback : sqlite3_column_int64 (stmt, i);
}

/* The rows of @ids (in that order). */
static GPtrArray *
read_rows (sqlite3       *db,
           XpzMatchSide   side,
           GBytes        *key,
           const gint64  *ids,
           guint          n,
           GError       **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                        g_object_unref);
  GPtrArray *rows;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (side == XPZ_MATCH_SIDE_EMPLOYER)
    g_string_append (sql, "SELECT m.id, m.job_id, m.candidate_id, m.points, m.stage, m.shared,"
                          " m.intro_status, m.explanation, c.seniority, NULL, c.location, c.skills,"
                          " c.years, c.full_name, NULL, NULL, NULL, NULL, NULL, NULL"
                          " FROM match m LEFT JOIN candidate c ON c.id = m.candidate_id"
                          " WHERE m.id IN (");
  else
    g_string_append (sql, "SELECT m.id, m.job_id, NULL, m.points, m.stage, m.shared,"
                          " m.intro_status, m.explanation, j.title, j.company, j.location, j.skills,"
                          " NULL, NULL, j.remote, j.contract_type, j.salary_min, j.salary_max,"
                          " j.salary_currency, j.salary_period"
                          " FROM match m LEFT JOIN job j ON j.id = m.job_id WHERE m.id IN (");
  for (guint i = 0; i < n; i++)
    g_string_append (sql, i == 0 ? "?" : ",?");
  g_string_append (sql, ")");

  if (!prepare (db, sql->str, &stmt, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    sqlite3_bind_int64 (stmt, (int) i + 1, ids[i]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *stage = column_text_dup (stmt, 4);
      g_autofree char *intro = column_text_dup (stmt, 6);
      g_autofree char *explanation = column_text_dup (stmt, 7);
      g_autofree char *title = column_text_dup (stmt, 8);
      g_autofree char *subtitle = column_text_dup (stmt, 9);
      g_autofree char *location = column_text_dup (stmt, 10);
      g_autofree char *skills = column_text_dup (stmt, 11);
      g_autofree char *work_mode = column_text_dup (stmt, 14);
      g_autofree char *contract = column_text_dup (stmt, 15);
      g_autofree char *currency = column_text_dup (stmt, 18);
      g_autofree char *period = column_text_dup (stmt, 19);
      g_autoptr (GBytes) name = NULL;
      g_autofree char *display_name = NULL;
      g_autofree char *summary = NULL;
      XpzMatchItemFields fields = {
        .id = sqlite3_column_int64 (stmt, 0),
        .job_id = column_int_or (stmt, 1, 0),
        .candidate_id = column_int_or (stmt, 2, 0),
        .points = (guint) CLAMP (sqlite3_column_int (stmt, 3), 0, 100),
        .stage = stage,
        .shared = sqlite3_column_int (stmt, 5) != 0,
        .intro_status = intro,
        .title = title,
        .subtitle = subtitle,
        .location = location,
        .skills = skills,
        .years = column_int_or (stmt, 12, -1),
        .explanation = explanation,
        .work_mode = work_mode,
        .contract_type = contract,
        .salary_min = column_int_or (stmt, 16, -1),
        .salary_max = column_int_or (stmt, 17, -1),
        .salary_currency = currency,
        .salary_period = period,
      };

      /* The words for the factors are made here, on the worker, not when a row is bound. */
      if (explanation != NULL)
        {
          g_autoptr (JsonNode) node = xpz_json_parse_strict (explanation, -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);
          JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          JsonNode *factors = o != NULL ? json_object_get_member (o, "factors") : NULL;

          if (factors != NULL && JSON_NODE_HOLDS_ARRAY (factors))
            summary = xpz_explain_summary (json_node_get_array (factors));
        }
      fields.summary = summary;

      /* Only a shared match shows who the candidate is. */
      if (side == XPZ_MATCH_SIDE_EMPLOYER && fields.shared && key != NULL &&
          sqlite3_column_type (stmt, 13) == SQLITE_BLOB)
        {
          g_autofree char *aad = xpz_crypto_aad ("candidate", "full_name", fields.candidate_id);

          name = xpz_crypto_decrypt (key, sqlite3_column_blob (stmt, 13),
                                     (gsize) sqlite3_column_bytes (stmt, 13), aad, NULL);
          if (name != NULL)
            display_name = g_strndup (g_bytes_get_data (name, NULL), g_bytes_get_size (name));
          else
            g_debug ("A shared candidate's name could not be read");
          fields.display_name = display_name;
        }
      else if (side == XPZ_MATCH_SIDE_EMPLOYER && fields.shared)
        g_debug ("A shared candidate without a readable name (key %s, name %s)",
                 key != NULL ? "set" : "missing",
                 sqlite3_column_type (stmt, 13) == SQLITE_BLOB ? "present" : "missing");
      {
        XpzMatchItem *item = xpz_match_item_new (&fields);

        g_hash_table_insert (by_id, (gpointer) &xpz_match_item_get_fields (item)->id, item);
      }
    }
  if (!finish_steps (db, stmt, rc, error))
    return NULL;
  rows = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      XpzMatchItem *item = g_hash_table_lookup (by_id, &ids[i]);

      /* gone meanwhile: the store change that removed it recomputes the list */
      g_ptr_array_add (rows, item != NULL ? g_object_ref (item) : xpz_match_item_new_placeholder ());
    }
  return rows;
}

typedef struct
{
  Filter        filter;
  Base         *base;       /* the current base, or NULL to read it */
  GBytes       *key;
  GArray       *ids;        /* page reads: the page's ids */
} Request;

typedef struct
{
  Base         *base;
  GArray       *ids;
  GPtrArray    *rows;       /* the first page, or the page asked for */
} Reply;

static void
request_free (gpointer data)
{
  Request *r = data;

  filter_clear (&r->filter);
  base_unref (r->base);
  g_clear_pointer (&r->key, g_bytes_unref);
  g_clear_pointer (&r->ids, g_array_unref);
  g_free (r);
}

static void
reply_free (gpointer data)
{
  Reply *r = data;

  if (r == NULL)
    return;
  base_unref (r->base);
  g_clear_pointer (&r->ids, g_array_unref);
  g_clear_pointer (&r->rows, g_ptr_array_unref);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static gpointer
compute_func (XpzStore      *store,
              sqlite3       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Request *r = data;
  g_autoptr (Reply) reply = g_new0 (Reply, 1);
  gint64 start = g_get_monotonic_time ();

  if (r->filter.side == XPZ_MATCH_SIDE_EMPLOYER)
    {
      reply->base = r->base != NULL ? base_ref (r->base) : read_base (db, r->filter.job_id,
                                                                      cancellable, error);
      if (reply->base == NULL)
        return NULL;
      reply->ids = filter_base (db, reply->base, &r->filter, error);
    }
  else
    reply->ids = filter_candidate_side (db, &r->filter, error);
  if (reply->ids == NULL)
    return NULL;
  g_debug ("list of %u computed in %.1f ms", reply->ids->len, (g_get_monotonic_time () - start) / 1000.0);
  reply->rows = read_rows (db, r->filter.side, r->key, (const gint64 *) (gpointer) reply->ids->data,
                           MIN (reply->ids->len, XPZ_MATCH_MODEL_PAGE_SIZE), error);
  if (reply->rows == NULL)
    return NULL;
  g_debug ("first page read after %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  return g_steal_pointer (&reply);
}

static gpointer
page_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Request *r = data;
  g_autoptr (Reply) reply = g_new0 (Reply, 1);

  reply->rows = read_rows (db, r->filter.side, r->key, (const gint64 *) (gpointer) r->ids->data,
                           r->ids->len, error);
  if (reply->rows == NULL)
    return NULL;
  return g_steal_pointer (&reply);
}

/* --- main-thread side ------------------------------------------------------------- */

typedef struct
{
  XpzMatchModel *self;
  guint          generation;
  guint          store_generation;
  guint          page;
} Call;

static Call *
call_new (XpzMatchModel *self)
{
  Call *call = g_new0 (Call, 1);

  call->self = self;
  call->generation = self->generation;
  call->store_generation = self->store_generation;
  return call;
}

static Request *
request_new (XpzMatchModel *self)
{
  Request *r = g_new0 (Request, 1);

  filter_copy (&r->filter, &self->filter);
  r->key = self->key != NULL ? g_bytes_ref (self->key) : NULL;
  return r;
}

static void
set_loading (XpzMatchModel *self,
             gboolean       loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static guint
page_length (XpzMatchModel *self,
             guint          page)
{
  guint start = page * XPZ_MATCH_MODEL_PAGE_SIZE;

  if (start >= self->ids->len)
    return 0;
  return MIN (XPZ_MATCH_MODEL_PAGE_SIZE, self->ids->len - start);
}

static void
install_page (XpzMatchModel *self,
              guint          page,
              GPtrArray     *rows)
{
  gpointer key = GUINT_TO_POINTER (page);

  if (g_hash_table_contains (self->pages, key))
    g_queue_remove (&self->page_order, key);
  while (g_queue_get_length (&self->page_order) >= MAX_CACHED_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_head (&self->page_order));
  g_hash_table_replace (self->pages, key, g_ptr_array_ref (rows));
  g_queue_push_tail (&self->page_order, key);
}

static void
drop_pages (XpzMatchModel *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
}

static gint64
find_position (GArray *ids,
               gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return i;
  return -1;
}

/* GTK 4.8's list views look up every added item (to reuse the widgets of removed ones)
 * when a change both removes and adds: at 100 000 rows that would read every page. A
 * large replacement is announced as a removal, then an addition. */
static void
announce (XpzMatchModel *self,
          guint          position,
          guint          removed,
          guint          added)
{
  if (removed > 0 && added > 0 && removed + added > 2 * XPZ_MATCH_MODEL_PAGE_SIZE)
    {
      /* in between, the list is the new one without the added rows */
      self->gap_at = position;
      self->gap_len = added;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, 0);
      self->gap_len = 0;
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);
    }
  else if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* Replaces the list with @ids (and page 0 with @rows), announcing what differs. */
static void
install_list (XpzMatchModel *self,
              GArray        *ids,
              GPtrArray     *rows)
{
  g_autoptr (GArray) old = g_steal_pointer (&self->ids);
  g_autoptr (GHashTable) updated = g_steal_pointer (&self->updated);
  gboolean dirty_all = self->dirty_all;
  guint prefix = 0, suffix = 0, removed, added;
  const gint64 *a = (const gint64 *) (gpointer) old->data;
  const gint64 *b = (const gint64 *) (gpointer) ids->data;

  self->ids = g_array_ref (ids);
  self->updated = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->dirty_all = FALSE;

  while (prefix < old->len && prefix < ids->len && a[prefix] == b[prefix])
    prefix++;
  while (suffix < old->len - prefix && suffix < ids->len - prefix &&
         a[old->len - 1 - suffix] == b[ids->len - 1 - suffix])
    suffix++;
  removed = old->len - prefix - suffix;
  added = ids->len - prefix - suffix;

  drop_pages (self);
  g_hash_table_remove_all (self->in_flight);
  if (rows->len > 0)
    install_page (self, 0, rows);

  if (dirty_all)
    {
      announce (self, 0, old->len, ids->len);
      issue_pages (self);
      return;
    }
  announce (self, prefix, removed, added);

  /* Rows changed in place outside the range announced: bind them again. */
  if (g_hash_table_size (updated) > 0)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, updated);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          gint64 position = find_position (self->ids, *(gint64 *) key);

          if (position >= 0 && (position < prefix || position >= prefix + added))
            g_list_model_items_changed (G_LIST_MODEL (self), (guint) position, 1, 1);
        }
    }
  /* Rows of page 0 the view keeps (not announced) are the same rows; the pages it asked
   * for as placeholders are read again. */
  issue_pages (self);
}

static void
compute_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree Call *call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (Reply) reply = xpz_store_run_finish (XPZ_STORE (source), result, &error);
  XpzMatchModel *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;

  /* The base read is good for later filters as long as the store did not change. */
  if (reply != NULL && reply->base != NULL && call->store_generation == self->store_generation &&
      self->base == NULL && reply->base->job_id == self->filter.job_id)
    self->base = base_ref (reply->base);

  if (self->again || call->generation != self->generation)
    {
      self->again = FALSE;
      self->loading = FALSE;
      compute (self);
      return;
    }
  if (reply == NULL)
    {
      g_warning ("Could not read the matches: %s", error->message);
      set_loading (self, FALSE);
      return;
    }
  {
    gint64 start = g_get_monotonic_time ();
    guint before = self->n_placeholders;

    install_list (self, reply->ids, reply->rows);
    g_debug ("list installed in %.1f ms (%u placeholders handed out)",
             (g_get_monotonic_time () - start) / 1000.0, self->n_placeholders - before);
  }
  set_loading (self, FALSE);
}

static void
compute (XpzMatchModel *self)
{
  Request *r;

  if (self->store == NULL)
    return;
  if (self->loading)
    {
      self->again = TRUE;
      return;
    }
  r = request_new (self);
  r->base = base_ref (self->base);
  set_loading (self, TRUE);
  xpz_store_run_async (self->store, FALSE, compute_func, r, request_free, reply_free,
                       self->cancellable, compute_cb, call_new (self));
}

/* Something the list is made of changed: compute it again. */
static void
definition_changed (XpzMatchModel *self,
                    gboolean       base_too)
{
  self->generation++;
  if (base_too)
    g_clear_pointer (&self->base, base_unref);
  compute (self);
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree Call *call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (Reply) reply = xpz_store_run_finish (XPZ_STORE (source), result, &error);
  XpzMatchModel *self;
  gpointer key = GUINT_TO_POINTER (call->page);
  guint length;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;
  if (GPOINTER_TO_UINT (g_hash_table_lookup (self->in_flight, key)) == call->generation + 1)
    g_hash_table_remove (self->in_flight, key);
  if (call->generation != self->generation || self->loading)
    return;  /* asked again once the list is computed (the page stays wanted) */
  if (reply == NULL)
    {
      g_warning ("Could not read the matches: %s", error->message);
      g_hash_table_remove (self->wanted, key);
      return;
    }
  length = page_length (self, call->page);
  g_hash_table_remove (self->wanted, key);
  if (length == 0 || reply->rows->len != length)
    return;
  self->n_page_loads++;
  install_page (self, call->page, reply->rows);
  g_list_model_items_changed (G_LIST_MODEL (self), call->page * XPZ_MATCH_MODEL_PAGE_SIZE,
                              length, length);
}

static void
issue_pages (XpzMatchModel *self)
{
  GHashTableIter iter;
  gpointer key;

  if (self->loading || self->store == NULL)
    return;
  g_hash_table_iter_init (&iter, self->wanted);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint page = GPOINTER_TO_UINT (key);
      guint length = page_length (self, page);
      Request *r;
      Call *call;

      if (length == 0 || g_hash_table_contains (self->pages, key))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      if (g_hash_table_contains (self->in_flight, key))
        continue;
      r = request_new (self);
      r->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), length);
      g_array_append_vals (r->ids, &g_array_index (self->ids, gint64, page * XPZ_MATCH_MODEL_PAGE_SIZE),
                           length);
      call = call_new (self);
      call->page = page;
      g_hash_table_insert (self->in_flight, key, GUINT_TO_POINTER (self->generation + 1));
      xpz_store_run_async (self->store, FALSE, page_func, r, request_free, reply_free,
                           self->cancellable, page_cb, call);
    }
}

static void
on_store_changed (XpzStore       *store,
                  const char     *table,
                  gint64          row_id,
                  XpzStoreChange  change,
                  XpzMatchModel  *self)
{
  gboolean employer = self->filter.side == XPZ_MATCH_SIDE_EMPLOYER;

  if (g_str_equal (table, "match"))
    {
      if (change == XPZ_STORE_CHANGE_UPDATED && row_id > 0)
        g_hash_table_add (self->updated, g_memdup2 (&row_id, sizeof row_id));
      else if (change == XPZ_STORE_CHANGE_RESET)
        self->dirty_all = TRUE;
    }
  else if (g_str_equal (table, employer ? "candidate" : "job"))
    self->dirty_all = TRUE;
  else
    return;
  self->store_generation++;
  definition_changed (self, TRUE);
}

/* --- GListModel ------------------------------------------------------------------- */

static GType
xpz_match_model_get_item_type (GListModel *model)
{
  return XPZ_TYPE_MATCH_ITEM;
}

static guint
xpz_match_model_get_n_items (GListModel *model)
{
  XpzMatchModel *self = XPZ_MATCH_MODEL (model);

  return self->ids->len - self->gap_len;
}

static gpointer
xpz_match_model_get_item (GListModel *model,
                          guint       position)
{
  XpzMatchModel *self = XPZ_MATCH_MODEL (model);
  guint page;
  GPtrArray *rows;

  if (position >= self->gap_at)
    position += self->gap_len;
  if (position >= self->ids->len)
    return NULL;
  page = position / XPZ_MATCH_MODEL_PAGE_SIZE;
  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows != NULL && position % XPZ_MATCH_MODEL_PAGE_SIZE < rows->len)
    return g_object_ref (g_ptr_array_index (rows, position % XPZ_MATCH_MODEL_PAGE_SIZE));
  g_hash_table_add (self->wanted, GUINT_TO_POINTER (page));
  issue_pages (self);
  self->n_placeholders++;
  return xpz_match_item_new_placeholder ();
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = xpz_match_model_get_item_type;
  iface->get_n_items = xpz_match_model_get_n_items;
  iface->get_item = xpz_match_model_get_item;
}

/* --- GObject ---------------------------------------------------------------------- */

static void
xpz_match_model_dispose (GObject *object)
{
  XpzMatchModel *self = (XpzMatchModel *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  drop_pages (self);

  G_OBJECT_CLASS (xpz_match_model_parent_class)->dispose (object);
}

static void
xpz_match_model_finalize (GObject *object)
{
  XpzMatchModel *self = (XpzMatchModel *) object;

  filter_clear (&self->filter);
  g_clear_pointer (&self->key, g_bytes_unref);
  g_clear_pointer (&self->base, base_unref);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->updated, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->wanted, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xpz_match_model_parent_class)->finalize (object);
}

static void
xpz_match_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XpzMatchModel *self = XPZ_MATCH_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_match_model_class_init (XpzMatchModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xpz_match_model_dispose;
  object_class->finalize = xpz_match_model_finalize;
  object_class->get_property = xpz_match_model_get_property;

  /**
   * XpzMatchModel:loading:
   *
   * Whether the list is being computed (a job opened, a filter or the data changed).
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_match_model_init (XpzMatchModel *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->updated = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
  self->wanted = g_hash_table_new (NULL, NULL);
  self->in_flight = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
  self->filter.min_salary = -1;
}

XpzMatchModel *
xpz_match_model_new (XpzStore     *store,
                     XpzMatchSide  side)
{
  XpzMatchModel *self;

  g_return_val_if_fail (XPZ_IS_STORE (store), NULL);

  self = g_object_new (XPZ_TYPE_MATCH_MODEL, NULL);
  self->store = g_object_ref (store);
  self->filter.side = side;
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  if (side == XPZ_MATCH_SIDE_CANDIDATE)
    compute (self);
  return self;
}

XpzStore *
xpz_match_model_get_store (XpzMatchModel *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), NULL);
  return self->store;
}

XpzMatchSide
xpz_match_model_get_side (XpzMatchModel *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), XPZ_MATCH_SIDE_EMPLOYER);
  return self->filter.side;
}

void
xpz_match_model_set_key (XpzMatchModel *self,
                         GBytes        *key)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));

  if (key == self->key || (key != NULL && self->key != NULL && g_bytes_equal (key, self->key)))
    return;
  g_clear_pointer (&self->key, g_bytes_unref);
  self->key = key != NULL ? g_bytes_ref (key) : NULL;
  self->dirty_all = TRUE;
  definition_changed (self, FALSE);
}

void
xpz_match_model_set_job_id (XpzMatchModel *self,
                            gint64         job_id)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));

  if (self->filter.job_id == job_id && (self->base != NULL || self->loading))
    return;
  self->filter.job_id = job_id;
  self->dirty_all = TRUE;
  definition_changed (self, TRUE);
}

gint64
xpz_match_model_get_job_id (XpzMatchModel *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), 0);
  return self->filter.job_id;
}

static void
set_text (XpzMatchModel  *self,
          char          **field,
          const char     *text)
{
  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (*field, text) == 0)
    return;
  g_free (*field);
  *field = g_strdup (text);
  definition_changed (self, FALSE);
}

void
xpz_match_model_set_search (XpzMatchModel *self,
                            const char    *text)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));
  set_text (self, &self->filter.search, text);
}

void
xpz_match_model_set_stage (XpzMatchModel *self,
                           const char    *stage)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));
  set_text (self, &self->filter.stage, stage);
}

void
xpz_match_model_set_location (XpzMatchModel *self,
                              const char    *location)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));
  set_text (self, &self->filter.location, location);
}

void
xpz_match_model_set_work_mode (XpzMatchModel *self,
                               const char    *work_mode)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));
  set_text (self, &self->filter.work_mode, work_mode);
}

void
xpz_match_model_set_contract_type (XpzMatchModel *self,
                                   const char    *contract_type)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));
  set_text (self, &self->filter.contract_type, contract_type);
}

void
xpz_match_model_set_min_score (XpzMatchModel *self,
                               guint          min_score)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));

  if (self->filter.min_score == min_score)
    return;
  self->filter.min_score = MIN (min_score, 100);
  definition_changed (self, FALSE);
}

void
xpz_match_model_set_shared_only (XpzMatchModel *self,
                                 gboolean       shared_only)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));

  if (self->filter.shared_only == !!shared_only)
    return;
  self->filter.shared_only = !!shared_only;
  definition_changed (self, FALSE);
}

void
xpz_match_model_set_min_salary (XpzMatchModel *self,
                                gint64         min_salary)
{
  g_return_if_fail (XPZ_IS_MATCH_MODEL (self));

  if (self->filter.min_salary == min_salary)
    return;
  self->filter.min_salary = min_salary;
  definition_changed (self, FALSE);
}

gboolean
xpz_match_model_get_loading (XpzMatchModel *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), FALSE);
  return self->loading;
}

/**
 * xpz_match_model_is_busy:
 *
 * Returns: %TRUE while the list is computed or a page is read.
 */
gboolean
xpz_match_model_is_busy (XpzMatchModel *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), FALSE);
  return self->loading || g_hash_table_size (self->in_flight) > 0;
}

guint
xpz_match_model_get_n_unfiltered (XpzMatchModel *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), 0);
  return self->base != NULL ? self->base->n : self->ids->len;
}

guint
xpz_match_model_get_n_page_loads (XpzMatchModel *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), 0);
  return self->n_page_loads;
}

gint64
xpz_match_model_find (XpzMatchModel *self,
                      gint64         match_id)
{
  g_return_val_if_fail (XPZ_IS_MATCH_MODEL (self), -1);
  return find_position (self->ids, match_id);
}
