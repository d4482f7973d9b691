/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-match-model"

#include "config.h"

#include "employer-test-util.h"
#include "test-util.h"
#include "xpz-crypto.h"

/* XpzMatchModel: ranked, paged, filtered on the store's worker, reacting to changes. */

#define N_MATCHES 3000

typedef struct
{
  XpzStore *store;
  GBytes   *key;
  gint64    job_id;
} Fixture;

static guint account_counter;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = g_strdup_printf ("employer-model-%u", ++account_counter);

  f->key = test_key ();
  f->store = xpz_store_new (account);
  xpz_store_open (f->store, f->key, &error);
  g_assert_no_error (error);
  f->job_id = employer_test_seed (f->store, N_MATCHES, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->job_id, >, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  xpz_store_erase (f->store, &error);
  g_assert_no_error (error);
  g_clear_object (&f->store);
  g_clear_pointer (&f->key, g_bytes_unref);
}

/* Reads every row through get_item(), waiting for placeholders to be filled. */
static XpzMatchItem *
item_at (XpzMatchModel *model,
         guint          position)
{
  XpzMatchItem *item = g_list_model_get_item (G_LIST_MODEL (model), position);

  if (item != NULL && xpz_match_item_is_placeholder (item))
    {
      g_object_unref (item);
      employer_test_wait_model (model);
      item = g_list_model_get_item (G_LIST_MODEL (model), position);
    }
  g_assert_nonnull (item);
  g_assert_false (xpz_match_item_is_placeholder (item));
  return item;
}

static void
assert_ranked (XpzMatchModel *model)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  guint previous = 101;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (XpzMatchItem) item = item_at (model, i);

      g_assert_cmpuint (xpz_match_item_get_points (item), <=, previous);
      previous = xpz_match_item_get_points (item);
    }
}

static void
test_ranked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (XpzMatchModel) model = xpz_match_model_new (f->store, XPZ_MATCH_SIDE_EMPLOYER);
  g_autoptr (XpzMatchItem) first = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  xpz_match_model_set_job_id (model, f->job_id);
  /* nothing is read on this thread: the list arrives from the worker */
  g_assert_true (xpz_match_model_get_loading (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  employer_test_wait_model (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_MATCHES);
  g_assert_cmpuint (xpz_store_get_n_sync_runs (f->store), ==, 1);  /* the seeding */

  /* the first page comes with the list */
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_false (xpz_match_item_is_placeholder (first));
  g_assert_cmpuint (xpz_match_item_get_points (first), ==, 100);
  g_assert_nonnull (xpz_match_item_get_fields (first)->explanation);

  /* a far page is a placeholder first, then read */
  {
    g_autoptr (XpzMatchItem) far = g_list_model_get_item (G_LIST_MODEL (model), N_MATCHES - 1);

    g_assert_true (xpz_match_item_is_placeholder (far));
  }
  assert_ranked (model);
  /* never more than a bounded number of pages in memory: it read them all, one at a time */
  g_assert_cmpuint (xpz_match_model_get_n_page_loads (model), >=,
                    N_MATCHES / XPZ_MATCH_MODEL_PAGE_SIZE);
}

/* Every items-changed leaves n_items as the sum of what was announced (a list view
 * relies on it), also when a replacement is announced in two steps. */
static void
on_items_changed_consistent (GListModel *model,
                             guint       position,
                             guint       removed,
                             guint       added,
                             guint      *announced)
{
  g_assert_cmpuint (*announced, >=, position + removed);
  *announced = *announced - removed + added;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, *announced);
  if (added > 0)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, position + added - 1);

      g_assert_nonnull (item);
    }
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  guint announced = 0;
  g_autoptr (XpzMatchModel) model = xpz_match_model_new (f->store, XPZ_MATCH_SIDE_EMPLOYER);
  guint n;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_consistent), &announced);
  xpz_match_model_set_job_id (model, f->job_id);
  employer_test_wait_model (model);

  /* full text over the skills: skill7 is every 50th candidate */
  xpz_match_model_set_search (model, "skill7");
  employer_test_wait_model (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_MATCHES / 50);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr (XpzMatchItem) item = item_at (model, i);

      g_assert_nonnull (strstr (xpz_match_item_get_fields (item)->skills, "skill7,"));
    }
  /* region, prefix search as you type */
  xpz_match_model_set_search (model, "rab");
  employer_test_wait_model (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_MATCHES / 5);
  xpz_match_model_set_search (model, "");
  employer_test_wait_model (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_MATCHES);

  /* stage */
  xpz_match_model_set_stage (model, "reviewing");
  employer_test_wait_model (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_MATCHES / 5);
  {
    g_autoptr (XpzMatchItem) item = item_at (model, 3);

    g_assert_cmpstr (xpz_match_item_get_stage (item), ==, "reviewing");
  }
  xpz_match_model_set_stage (model, NULL);

  /* shared only */
  xpz_match_model_set_shared_only (model, TRUE);
  employer_test_wait_model (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_MATCHES / 10);
  {
    g_autoptr (XpzMatchItem) item = item_at (model, 1);

    g_assert_true (xpz_match_item_get_shared (item));
  }
  xpz_match_model_set_shared_only (model, FALSE);

  /* minimum score */
  xpz_match_model_set_min_score (model, 90);
  employer_test_wait_model (model);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, N_MATCHES / 5);
  {
    g_autoptr (XpzMatchItem) last = item_at (model, n - 1);

    g_assert_cmpuint (xpz_match_item_get_points (last), >=, 90);
  }
  assert_ranked (model);
}

typedef struct
{
  guint calls;
  guint position, removed, added;
} ItemsChanged;

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *c)
{
  c->calls++;
  c->position = position;
  c->removed = removed;
  c->added = added;
}

typedef struct
{
  gint64 position;
  char  *stage;
} StageChange;

static gpointer
set_stage_func (XpzStore      *store,
                sqlite3       *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  StageChange *c = data;
  sqlite3_stmt *stmt = NULL;
  gint64 id = c->position;

  sqlite3_prepare_v2 (db, "UPDATE match SET stage = ?2 WHERE id = ?1", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, c->stage, -1, SQLITE_STATIC);
  if (!xpz_store_step_done (db, stmt, error))
    {
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);
  xpz_store_record_change (store, "match", id, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

/* A row changed in place is announced alone: a view keeps its place. */
static void
test_change_in_place (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (XpzMatchModel) model = xpz_match_model_new (f->store, XPZ_MATCH_SIDE_EMPLOYER);
  g_autoptr (XpzMatchItem) item = NULL;
  g_autoptr (XpzMatchItem) again = NULL;
  g_autoptr (GError) error = NULL;
  ItemsChanged c = { 0 };
  StageChange change = { 0, (char *) "offer" };

  xpz_match_model_set_job_id (model, f->job_id);
  employer_test_wait_model (model);
  item = item_at (model, 5);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &c);

  change.position = xpz_match_item_get_id (item);
  g_assert_nonnull (xpz_store_run_sync (f->store, TRUE, set_stage_func, &change, &error));
  g_assert_no_error (error);
  employer_test_wait_model (model);
  g_assert_cmpuint (c.calls, >=, 1);
  g_assert_cmpuint (c.position, ==, 5);
  g_assert_cmpuint (c.removed, ==, 1);
  g_assert_cmpuint (c.added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_MATCHES);
  again = item_at (model, 5);
  g_assert_cmpstr (xpz_match_item_get_stage (again), ==, "offer");
  g_assert_cmpint (xpz_match_model_find (model, change.position), ==, 5);

  /* with a stage filter on, the row leaves the list: one removal at its place */
  xpz_match_model_set_stage (model, "offer");
  employer_test_wait_model (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  c.calls = 0;
  change.stage = (char *) "hired";
  g_assert_nonnull (xpz_store_run_sync (f->store, TRUE, set_stage_func, &change, &error));
  employer_test_wait_model (model);
  g_assert_cmpuint (c.calls, ==, 1);
  g_assert_cmpuint (c.position, ==, 0);
  g_assert_cmpuint (c.removed, ==, 1);
  g_assert_cmpuint (c.added, ==, 0);
}

static gpointer
candidate_side_seed (XpzStore      *store,
                     sqlite3       *db,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  static const char *sql =
    "INSERT INTO job (id, remote_id, title, company, location, skills, remote, contract_type,"
    " salary_min, salary_max, salary_currency, salary_period) VALUES"
    " (9001, 'r1', 'Développeur Python Senior', 'Atlas', 'Casablanca', 'Python, Django', 'hybrid', 'CDI', 20000, 30000, 'MAD', 'month'),"
    " (9002, 'r2', 'Warehouse Team Lead', 'Détroit', 'Tanger', 'Logistics', 'onsite', 'CDD', 9000, 12000, 'MAD', 'month'),"
    " (9003, 'r3', 'Data Analyst', 'Maghreb', 'Rabat', 'SQL, Python', 'remote', 'CDI', 12000, 16000, 'MAD', 'month');"
    "INSERT INTO match (remote_id, job_id, candidate_id, score, explanation, created_at, points) VALUES"
    " ('job:r1', 9001, NULL, 0.81, '{}', 0, 81),"
    " ('job:r2', 9002, NULL, 0.40, '{}', 0, 40),"
    " ('job:r3', 9003, NULL, 0.65, '{}', 0, 65);";
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  xpz_store_record_change (store, "match", 0, XPZ_STORE_CHANGE_RESET);
  return GINT_TO_POINTER (TRUE);
}

static void
assert_titles (XpzMatchModel *model,
               const char    *first,
               ...)
{
  va_list args;
  const char *title = first;
  guint i = 0;

  employer_test_wait_model (model);
  va_start (args, first);
  for (; title != NULL; title = va_arg (args, const char *), i++)
    {
      g_autoptr (XpzMatchItem) item = item_at (model, i);

      g_assert_cmpstr (xpz_match_item_get_fields (item)->title, ==, title);
    }
  va_end (args);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, i);
}

static void
test_candidate_side (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (XpzMatchModel) model = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (xpz_store_run_sync (f->store, TRUE, candidate_side_seed, NULL, &error));
  g_assert_no_error (error);
  model = xpz_match_model_new (f->store, XPZ_MATCH_SIDE_CANDIDATE);
  assert_titles (model, "Développeur Python Senior", "Data Analyst", "Warehouse Team Lead", NULL);
  xpz_match_model_set_search (model, "python");
  assert_titles (model, "Développeur Python Senior", "Data Analyst", NULL);
  /* folded: no accent needed */
  xpz_match_model_set_search (model, "developpeur");
  assert_titles (model, "Développeur Python Senior", NULL);
  xpz_match_model_set_search (model, NULL);
  xpz_match_model_set_work_mode (model, "remote");
  assert_titles (model, "Data Analyst", NULL);
  xpz_match_model_set_work_mode (model, NULL);
  xpz_match_model_set_contract_type (model, "CDI");
  assert_titles (model, "Développeur Python Senior", "Data Analyst", NULL);
  xpz_match_model_set_min_salary (model, 20000);
  assert_titles (model, "Développeur Python Senior", NULL);
  xpz_match_model_set_contract_type (model, NULL);
  xpz_match_model_set_min_salary (model, -1);
  xpz_match_model_set_location (model, "tanger");
  assert_titles (model, "Warehouse Team Lead", NULL);
  xpz_match_model_set_location (model, NULL);
  xpz_match_model_set_min_score (model, 60);
  assert_titles (model, "Développeur Python Senior", "Data Analyst", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (xpz_crypto_init (NULL));

  g_test_add ("/employer/R5.1/match-model-ranked-paged", Fixture, NULL,
              fixture_setup, test_ranked, fixture_teardown);
  g_test_add ("/employer/R5.1/match-model-filters", Fixture, NULL,
              fixture_setup, test_filters, fixture_teardown);
  g_test_add ("/employer/R5.1/match-model-change-in-place", Fixture, NULL,
              fixture_setup, test_change_in_place, fixture_teardown);
  g_test_add ("/candidate/R3.1/match-model-candidate-side", Fixture, NULL,
              fixture_setup, test_candidate_side, fixture_teardown);
  return g_test_run ();
}
