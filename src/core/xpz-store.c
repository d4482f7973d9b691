/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "xpz-crypto.h"
#include "xpz-fold.h"
#include "xpz-paths.h"
#include "xpz-store.h"
#include "xpz-store-private.h"
#include "xpz-validate.h"

/* One SQLite database per account, at
 * $XDG_DATA_HOME/xpertaize/accounts/<id>/store.db.
 *
 * Threading: all database access happens with self->lock held. The _async
 * API queues requests to one worker thread owned by the store; each request
 * is one transaction (BEGIN IMMEDIATE when it writes) and its result is
 * delivered through GTask on the caller's thread-default main context. The
 * _sync API (tests, tools) runs the same code on the caller's thread. */

#define DB_NAME "store.db"
#define LOCK_NAME "open.lock"  /* held while the database is opened (open_locked) */
#define BUSY_TIMEOUT_MS 5000
#define CONTACT_ROW_ID 1

struct _XpzStore
{
  GObject        parent_instance;

  char          *account_id;
  char          *directory;
  char          *path;
  gboolean       keep_backups;
  GMainContext  *owner_context;
  GThread       *owner_thread;    /* the thread that made the store: ::changed runs there */

  GMutex         lock;            /* guards everything below */
  sqlite3       *db;
  GBytes        *key;             /* in sodium_malloc()ed memory */
  int            schema_version;
  GArray        *pending_changes; /* of Change, during a request */
  gboolean       checkpoint_wanted;

  GMutex         worker_lock;
  GThread       *worker;
  GAsyncQueue   *queue;

  guint          n_sync_runs;     /* atomic; for tests */
};

G_DEFINE_FINAL_TYPE (XpzStore, xpz_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (xpz-store-error-quark, xpz_store_error)

enum {
  PROP_0,
  PROP_ACCOUNT_ID,
  PROP_KEEP_BACKUPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  const char     *table;   /* static string */
  gint64          row_id;
  XpzStoreChange  change;
} Change;

typedef struct
{
  gboolean        write;
  gboolean        no_db;   /* open/erase: runs without an open database */
  XpzStoreFunc    func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} Request;

/* The worker's stop marker. */
static char stop_marker;

static gboolean open_locked  (XpzStore *self, GBytes *key, GError **error);
static void     close_locked (XpzStore *self);

XpzContact *
xpz_contact_new (void)
{
  return g_new0 (XpzContact, 1);
}

static void
free_secret_string (char *s)
{
  if (s != NULL)
    {
      sodium_memzero (s, strlen (s));
      g_free (s);
    }
}

void
xpz_contact_free (XpzContact *contact)
{
  if (contact == NULL)
    return;
  free_secret_string (contact->full_name);
  free_secret_string (contact->email);
  free_secret_string (contact->phone);
  free_secret_string (contact->linkedin_url);
  free_secret_string (contact->address);
  g_free (contact);
}

static void
request_free (Request *request)
{
  if (request->data_free != NULL && request->data != NULL)
    request->data_free (request->data);
  g_free (request);
}

/* --- Errors ------------------------------------------------------------ */

void
xpz_store_set_sqlite_error (sqlite3  *db,
                            int       rc,
                            GError  **error)
{
  int code = rc & 0xff;

  /* SQLite's messages name tables and columns, never values. */
  switch (code)
    {
    case SQLITE_FULL:
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FULL,
                   _("There is not enough disk space to save your data. Nothing was changed."));
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_READ_ONLY,
                   _("Your data folder cannot be written to. Nothing was changed."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CORRUPT,
                   _("The local data is damaged."));
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CONSTRAINT,
                   _("The data was refused as inconsistent (%s)."),
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      break;
    default:
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                   _("The local data could not be read or saved (%s)."),
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      break;
    }
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return stmt;
}

/**
 * xpz_store_step_done:
 *
 * For #XpzStoreFunc implementations: steps a statement that returns no row, setting
 * @error from SQLite's result code.
 */
gboolean
xpz_store_step_done (sqlite3       *db,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* For #XpzStoreFunc implementations: binds @text, or NULL. */
void
xpz_store_bind_text_or_null (sqlite3_stmt *stmt,
                             int           index,
                             const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* --- SQL functions ----------------------------------------------------- */

/* Only Arabic letters (lead bytes 0xD8..0xD9) and the combining marks
 * U+0653..U+0655 (0xD9) ever fold: other text is passed through untouched. */
static gboolean
needs_folding (const char *text,
               int         length)
{
  for (int i = 0; i < length; i++)
    if ((guchar) text[i] == 0xD8 || (guchar) text[i] == 0xD9)
      return TRUE;
  return FALSE;
}

static void
sql_fold (sqlite3_context  *ctx,
          int               argc,
          sqlite3_value   **argv)
{
  g_autofree char *folded = NULL;
  const char *text;
  int length;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  text = (const char *) sqlite3_value_text (argv[0]);
  length = sqlite3_value_bytes (argv[0]);
  if (!needs_folding (text, length))
    {
      sqlite3_result_value (ctx, argv[0]);
      return;
    }
  folded = xpz_fold_text (text);
  sqlite3_result_text (ctx, folded, -1, SQLITE_TRANSIENT);
}

/* --- Migrations -------------------------------------------------------- */

/* Migration N brings the schema from version N-1 to N. Migration 1 is the
 * shape of the first released schema (tests/data/core/store-v1.db). */
static const char * const migrations[] = {
  /* 1: account, candidate profile and its parts, documents, jobs */
  "CREATE TABLE account ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  server_url TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('candidate', 'employer')),"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE candidate_profile ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  full_name BLOB, email BLOB, phone BLOB, linkedin_url BLOB, address BLOB,"
  "  headline TEXT,"
  "  role_titles TEXT NOT NULL DEFAULT '[]',"
  "  contract_types TEXT NOT NULL DEFAULT '[]',"
  "  remote_preference TEXT CHECK (remote_preference IN ('remote', 'hybrid', 'on-site', 'any')),"
  "  salary_min INTEGER CHECK (salary_min >= 0),"
  "  salary_max INTEGER CHECK (salary_max >= 0),"
  "  salary_currency TEXT NOT NULL DEFAULT 'MAD',"
  "  salary_period TEXT NOT NULL DEFAULT 'month'"
  "    CHECK (salary_period IN ('year', 'month', 'day', 'hour')),"
  "  locations TEXT NOT NULL DEFAULT '[]',"
  "  willing_to_relocate INTEGER NOT NULL DEFAULT 0,"
  "  updated_at INTEGER NOT NULL DEFAULT 0,"
  "  CHECK (salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max));"
  "CREATE TABLE experience ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  title TEXT NOT NULL,"
  "  organisation TEXT,"
  "  start_date TEXT NOT NULL,"
  "  end_date TEXT,"
  "  description TEXT);"
  "CREATE TABLE education ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  institution TEXT NOT NULL,"
  "  degree TEXT,"
  "  field TEXT,"
  "  start_date TEXT,"
  "  end_date TEXT);"
  "CREATE TABLE skill ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  level TEXT CHECK (level IN ('beginner', 'intermediate', 'advanced', 'expert')),"
  "  years INTEGER CHECK (years >= 0));"
  "CREATE TABLE document ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  kind TEXT NOT NULL DEFAULT 'cv',"
  "  file_name BLOB,"
  "  mime_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL CHECK (size >= 0),"
  "  content BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE job ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  title TEXT NOT NULL,"
  "  company TEXT,"
  "  location TEXT,"
  "  skills TEXT,"
  "  description TEXT,"
  "  contract_type TEXT,"
  "  remote TEXT,"
  "  updated_at INTEGER NOT NULL DEFAULT 0);",

  /* 2: matching, sharing, privacy, consent, employer pipeline, sync */
  "CREATE TABLE candidate ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  headline TEXT,"
  "  skills TEXT,"
  "  location TEXT,"
  "  updated_at INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE match ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  job_id INTEGER REFERENCES job (id) ON DELETE CASCADE,"
  "  candidate_id INTEGER REFERENCES candidate (id) ON DELETE CASCADE,"
  "  score REAL NOT NULL CHECK (score >= 0 AND score <= 1),"
  "  explanation TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (explanation)),"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX match_by_job ON match (job_id, score DESC);"
  "CREATE INDEX match_by_candidate ON match (candidate_id, score DESC);"
  "CREATE TABLE introduction_request ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  job_id INTEGER REFERENCES job (id) ON DELETE SET NULL,"
  "  candidate_id INTEGER REFERENCES candidate (id) ON DELETE CASCADE,"
  "  employer_name TEXT,"
  "  message TEXT,"
  "  state TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (state IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),"
  "  created_at INTEGER NOT NULL,"
  "  responded_at INTEGER);"
  "CREATE TABLE share ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  recipient TEXT NOT NULL,"
  "  fields TEXT NOT NULL DEFAULT '[]' CHECK (json_valid (fields)),"
  "  basis TEXT NOT NULL,"
  "  shared_at INTEGER NOT NULL,"
  "  revoked_at INTEGER);"
  "CREATE TABLE blocked_employer ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  name TEXT NOT NULL,"
  "  blocked_at INTEGER NOT NULL);"
  "CREATE TABLE privacy_setting ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE policy_version ("
  "  id INTEGER PRIMARY KEY,"
  "  version TEXT NOT NULL UNIQUE,"
  "  published_at INTEGER NOT NULL,"
  "  digest TEXT);"
  "CREATE TABLE policy_acceptance ("
  "  id INTEGER PRIMARY KEY,"
  "  policy_version_id INTEGER NOT NULL REFERENCES policy_version (id) ON DELETE CASCADE,"
  "  accepted_at INTEGER NOT NULL);"
  "CREATE TABLE consent_event ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  purpose TEXT NOT NULL,"
  "  granted INTEGER NOT NULL CHECK (granted IN (0, 1)),"
  "  policy_version TEXT,"
  "  recorded_at INTEGER NOT NULL);"
  "CREATE TABLE pipeline_stage ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  job_id INTEGER NOT NULL REFERENCES job (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  UNIQUE (job_id, position));"
  "CREATE TABLE pipeline_entry ("
  "  id INTEGER PRIMARY KEY,"
  "  job_id INTEGER NOT NULL REFERENCES job (id) ON DELETE CASCADE,"
  "  candidate_id INTEGER NOT NULL REFERENCES candidate (id) ON DELETE CASCADE,"
  "  stage_id INTEGER REFERENCES pipeline_stage (id) ON DELETE SET NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  UNIQUE (job_id, candidate_id));"
  "CREATE TABLE pipeline_note ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  job_id INTEGER REFERENCES job (id) ON DELETE CASCADE,"
  "  candidate_id INTEGER NOT NULL REFERENCES candidate (id) ON DELETE CASCADE,"
  "  body BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE sync_cursor ("
  "  resource TEXT PRIMARY KEY NOT NULL,"
  "  cursor TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  /* body is encrypted: a queued edit can carry contact data */
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  op TEXT NOT NULL CHECK (op IN ('POST', 'PUT', 'PATCH', 'DELETE')),"
  "  path TEXT NOT NULL,"
  "  body BLOB,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  if_match TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
  "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'parked')),"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX outbox_due ON outbox (state, next_attempt_at);",

  /* 3: full-text search, folded by xpz_fold() (see xpz-fold.c) */
  "CREATE VIRTUAL TABLE job_fts USING fts5 ("
  "  title, skills, location, description,"
  "  tokenize = 'unicode61 remove_diacritics 2');"
  "INSERT INTO job_fts (rowid, title, skills, location, description)"
  "  SELECT id, xpz_fold (title), xpz_fold (skills), xpz_fold (location),"
  "         xpz_fold (description) FROM job;"
  "CREATE TRIGGER job_fts_insert AFTER INSERT ON job BEGIN"
  "  INSERT INTO job_fts (rowid, title, skills, location, description)"
  "    VALUES (new.id, xpz_fold (new.title), xpz_fold (new.skills),"
  "            xpz_fold (new.location), xpz_fold (new.description));"
  "END;"
  "CREATE TRIGGER job_fts_delete AFTER DELETE ON job BEGIN"
  "  DELETE FROM job_fts WHERE rowid = old.id;"
  "END;"
  "CREATE TRIGGER job_fts_update AFTER UPDATE OF title, skills, location, description ON job BEGIN"
  "  DELETE FROM job_fts WHERE rowid = old.id;"
  "  INSERT INTO job_fts (rowid, title, skills, location, description)"
  "    VALUES (new.id, xpz_fold (new.title), xpz_fold (new.skills),"
  "            xpz_fold (new.location), xpz_fold (new.description));"
  "END;"
  "CREATE VIRTUAL TABLE candidate_fts USING fts5 ("
  "  headline, skills, location,"
  "  tokenize = 'unicode61 remove_diacritics 2');"
  "INSERT INTO candidate_fts (rowid, headline, skills, location)"
  "  SELECT id, xpz_fold (headline), xpz_fold (skills), xpz_fold (location) FROM candidate;"
  "CREATE TRIGGER candidate_fts_insert AFTER INSERT ON candidate BEGIN"
  "  INSERT INTO candidate_fts (rowid, headline, skills, location)"
  "    VALUES (new.id, xpz_fold (new.headline), xpz_fold (new.skills), xpz_fold (new.location));"
  "END;"
  "CREATE TRIGGER candidate_fts_delete AFTER DELETE ON candidate BEGIN"
  "  DELETE FROM candidate_fts WHERE rowid = old.id;"
  "END;"
  "CREATE TRIGGER candidate_fts_update AFTER UPDATE OF headline, skills, location ON candidate BEGIN"
  "  DELETE FROM candidate_fts WHERE rowid = old.id;"
  "  INSERT INTO candidate_fts (rowid, headline, skills, location)"
  "    VALUES (new.id, xpz_fold (new.headline), xpz_fold (new.skills), xpz_fold (new.location));"
  "END;",

  /* 4: why an outbox row is parked, and the platform's newer copy when it conflicts
   * (encrypted like the body: it can carry contact data) */
  "ALTER TABLE outbox ADD COLUMN parked_reason TEXT"
  "  CHECK (parked_reason IN ('conflict', 'refused', 'unreadable'));"
  "ALTER TABLE outbox ADD COLUMN parked_detail TEXT;"
  "ALTER TABLE outbox ADD COLUMN server_copy BLOB;"
  "ALTER TABLE outbox ADD COLUMN server_etag TEXT;",

  /* 5: the employer experience. Jobs as the platform sends them (and the employer's own
   * postings, open or closed); matches with their whole-point score, pipeline stage,
   * private note (encrypted: the candidate's personal data) and the introduction asked
   * for; candidates as the anonymised summary, plus identifying fields (encrypted) only
   * while some match of theirs is shared — purged as soon as none is. candidate_fts keeps
   * indexing only the summary's words (headline = seniority band, skills, region). */
  "ALTER TABLE job ADD COLUMN skills_json TEXT NOT NULL DEFAULT '[]'"
  "  CHECK (json_valid (skills_json));"
  "ALTER TABLE job ADD COLUMN country_code TEXT;"
  "ALTER TABLE job ADD COLUMN salary_min INTEGER CHECK (salary_min >= 0);"
  "ALTER TABLE job ADD COLUMN salary_max INTEGER CHECK (salary_max >= 0);"
  "ALTER TABLE job ADD COLUMN salary_currency TEXT;"
  "ALTER TABLE job ADD COLUMN salary_period TEXT;"
  "ALTER TABLE job ADD COLUMN seniority TEXT"
  "  CHECK (seniority IN ('junior', 'mid', 'senior', 'lead'));"
  "ALTER TABLE job ADD COLUMN languages TEXT NOT NULL DEFAULT '[]'"
  "  CHECK (json_valid (languages));"
  "ALTER TABLE job ADD COLUMN etag TEXT;"
  "ALTER TABLE job ADD COLUMN status TEXT NOT NULL DEFAULT 'open'"
  "  CHECK (status IN ('open', 'closed'));"
  "ALTER TABLE job ADD COLUMN own INTEGER NOT NULL DEFAULT 0 CHECK (own IN (0, 1));"
  "ALTER TABLE job ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX job_own ON job (own, status, id);"
  "ALTER TABLE match ADD COLUMN points INTEGER NOT NULL DEFAULT 0"
  "  CHECK (points >= 0 AND points <= 100);"
  "UPDATE match SET points = CAST (round (score * 100) AS INTEGER);"
  "ALTER TABLE match ADD COLUMN stage TEXT NOT NULL DEFAULT 'new'"
  "  CHECK (stage IN ('new', 'reviewing', 'contacted', 'interviewing', 'offer', 'hired',"
  "                   'rejected'));"
  "ALTER TABLE match ADD COLUMN note BLOB;"
  "ALTER TABLE match ADD COLUMN shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1));"
  "ALTER TABLE match ADD COLUMN intro_status TEXT"
  "  CHECK (intro_status IN ('pending', 'accepted', 'declined'));"
  "ALTER TABLE match ADD COLUMN intro_message TEXT;"
  "ALTER TABLE match ADD COLUMN intro_at INTEGER;"
  "CREATE INDEX match_ranked ON match (job_id, points DESC, id, candidate_id, shared, stage);"
  "CREATE INDEX match_ranked_candidate ON match (candidate_id, points DESC, id);"
  "ALTER TABLE candidate ADD COLUMN years INTEGER CHECK (years >= 0);"
  "ALTER TABLE candidate ADD COLUMN seniority TEXT;"
  "ALTER TABLE candidate ADD COLUMN full_name BLOB;"
  "ALTER TABLE candidate ADD COLUMN email BLOB;"
  "ALTER TABLE candidate ADD COLUMN phone BLOB;"
  "ALTER TABLE candidate ADD COLUMN linkedin_url BLOB;"
  "ALTER TABLE candidate ADD COLUMN shared_profile BLOB;",

  /* 6: the candidate experience: the platform's Profile document (encrypted, with its
   * last ETag: see xpz-profile.c), the candidate's local choices, and each document's
   * digest (matched with the platform's list) */
  "CREATE TABLE profile_document ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  body BLOB NOT NULL,"
  "  etag TEXT,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE candidate_state ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "ALTER TABLE document ADD COLUMN sha256 TEXT;",

  /* 7: writing a match costs less (an employer's first sync writes 100 000 of them). Its
   * CHECKs list the allowed values with "=" and "OR": SQLite builds a temporary b-tree per
   * row to check an IN list of more than two values in a CHECK. match_by_job and
   * match_by_candidate go: match_ranked and match_ranked_candidate begin with the same
   * columns and serve every lookup and foreign key (nothing sorts matches by score). */
  "CREATE TABLE match_v7 ("
  "  id INTEGER PRIMARY KEY,"
  "  remote_id TEXT UNIQUE,"
  "  job_id INTEGER REFERENCES job (id) ON DELETE CASCADE,"
  "  candidate_id INTEGER REFERENCES candidate (id) ON DELETE CASCADE,"
  "  score REAL NOT NULL CHECK (score >= 0 AND score <= 1),"
  "  explanation TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (explanation)),"
  "  created_at INTEGER NOT NULL,"
  "  points INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0 AND points <= 100),"
  "  stage TEXT NOT NULL DEFAULT 'new'"
  "    CHECK (stage = 'new' OR stage = 'reviewing' OR stage = 'contacted'"
  "           OR stage = 'interviewing' OR stage = 'offer' OR stage = 'hired'"
  "           OR stage = 'rejected'),"
  "  note BLOB,"
  "  shared INTEGER NOT NULL DEFAULT 0 CHECK (shared = 0 OR shared = 1),"
  "  intro_status TEXT"
  "    CHECK (intro_status = 'pending' OR intro_status = 'accepted'"
  "           OR intro_status = 'declined'),"
  "  intro_message TEXT,"
  "  intro_at INTEGER);"
  "INSERT INTO match_v7 (id, remote_id, job_id, candidate_id, score, explanation, created_at,"
  "                      points, stage, note, shared, intro_status, intro_message, intro_at)"
  "  SELECT id, remote_id, job_id, candidate_id, score, explanation, created_at,"
  "         points, stage, note, shared, intro_status, intro_message, intro_at FROM match;"
  "DROP TABLE match;"
  "ALTER TABLE match_v7 RENAME TO match;"
  "CREATE INDEX match_ranked ON match (job_id, points DESC, id, candidate_id, shared, stage);"
  "CREATE INDEX match_ranked_candidate ON match (candidate_id, points DESC, id);",

  /* 8: the platform names an employer's candidates by per-job handles (issue 14: a
   * person matched by two jobs is not linkable across them until a share). What the
   * employer area cached under the old ids is forgotten, as after a 410 from the change
   * feed, and comes back under the handles with the next sync: the feed's cursor, every
   * match and every candidate that came from the platform. The employer's own jobs and
   * the outbox stay; a queued stage or note for a match under its old id is refused by
   * the platform and parked for the user, its text kept. */
  "DELETE FROM sync_cursor WHERE resource = 'changes';"
  "DELETE FROM match;"
  "DELETE FROM candidate WHERE remote_id IS NOT NULL;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == XPZ_STORE_SCHEMA_VERSION);

const char *
xpz_store_migration_sql (int version)
{
  g_return_val_if_fail (version >= 1 && version <= XPZ_STORE_SCHEMA_VERSION, NULL);

  return migrations[version - 1];
}

/* --- GObject ----------------------------------------------------------- */

XpzStore *
xpz_store_new (const char *account_id)
{
  g_return_val_if_fail (xpz_paths_is_valid_account_id (account_id), NULL);

  return g_object_new (XPZ_TYPE_STORE, "account-id", account_id, NULL);
}

static void
stop_worker (XpzStore *self)
{
  GThread *worker;

  g_mutex_lock (&self->worker_lock);
  worker = g_steal_pointer (&self->worker);
  g_mutex_unlock (&self->worker_lock);

  if (worker == NULL)
    return;

  g_async_queue_push (self->queue, &stop_marker);
  /* The worker can drop the last reference to the store (through a task it
   * finished); it then must not wait for itself. */
  if (g_thread_self () == worker)
    g_thread_unref (worker);
  else
    g_thread_join (worker);
}

static void
xpz_store_dispose (GObject *object)
{
  XpzStore *self = (XpzStore *) object;

  xpz_store_close (self);

  G_OBJECT_CLASS (xpz_store_parent_class)->dispose (object);
}

static void
xpz_store_finalize (GObject *object)
{
  XpzStore *self = (XpzStore *) object;

  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->pending_changes, g_array_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_free (self->account_id);
  g_free (self->directory);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->worker_lock);

  G_OBJECT_CLASS (xpz_store_parent_class)->finalize (object);
}

static void
xpz_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  XpzStore *self = XPZ_STORE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      g_value_set_string (value, self->account_id);
      break;
    case PROP_KEEP_BACKUPS:
      g_value_set_boolean (value, self->keep_backups);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_store_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  XpzStore *self = XPZ_STORE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      g_assert (self->account_id == NULL);
      self->account_id = g_value_dup_string (value);
      if (self->account_id != NULL && xpz_paths_is_valid_account_id (self->account_id))
        {
          self->directory = xpz_paths_account_dir (self->account_id);
          self->path = g_build_filename (self->directory, DB_NAME, NULL);
        }
      break;
    case PROP_KEEP_BACKUPS:
      xpz_store_set_keep_backups (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_store_class_init (XpzStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xpz_store_dispose;
  object_class->finalize = xpz_store_finalize;
  object_class->get_property = xpz_store_get_property;
  object_class->set_property = xpz_store_set_property;

  properties[PROP_ACCOUNT_ID] =
    g_param_spec_string ("account-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* Migrations copy the file first; the copy is removed once the migrated
   * database checks out, because it would keep data the user later deletes. */
  properties[PROP_KEEP_BACKUPS] =
    g_param_spec_boolean ("keep-backups", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XpzStore::changed:
   * @table: the table
   * @row_id: the row
   * @change: an #XpzStoreChange
   *
   * Emitted on the main context the store was created in, after the
   * transaction that made the change committed.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_INT64, G_TYPE_INT);
}

static void
xpz_store_init (XpzStore *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->worker_lock);
  self->owner_context = g_main_context_ref_thread_default ();
  self->owner_thread = g_thread_self ();
  self->pending_changes = g_array_new (FALSE, FALSE, sizeof (Change));
  self->queue = g_async_queue_new ();
}

const char *
xpz_store_get_account_id (XpzStore *self)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);
  return self->account_id;
}

const char *
xpz_store_get_path (XpzStore *self)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);
  return self->path;
}

const char *
xpz_store_get_directory (XpzStore *self)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);
  return self->directory;
}

gboolean
xpz_store_get_keep_backups (XpzStore *self)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);
  return self->keep_backups;
}

void
xpz_store_set_keep_backups (XpzStore *self,
                            gboolean  keep_backups)
{
  g_return_if_fail (XPZ_IS_STORE (self));

  keep_backups = !!keep_backups;
  if (self->keep_backups == keep_backups)
    return;
  self->keep_backups = keep_backups;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_BACKUPS]);
}

gboolean
xpz_store_is_open (XpzStore *self)
{
  gboolean open;

  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  open = self->db != NULL;
  g_mutex_unlock (&self->lock);
  return open;
}

int
xpz_store_get_schema_version (XpzStore *self)
{
  int version;

  g_return_val_if_fail (XPZ_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  version = self->schema_version;
  g_mutex_unlock (&self->lock);
  return version;
}

/* --- Changes ----------------------------------------------------------- */

void
xpz_store_record_change (XpzStore       *self,
                         const char     *table,
                         gint64          row_id,
                         XpzStoreChange  change)
{
  Change c = { g_intern_string (table), row_id, change };

  g_array_append_val (self->pending_changes, c);
}

void
xpz_store_request_checkpoint (XpzStore *self)
{
  self->checkpoint_wanted = TRUE;
}

typedef struct
{
  XpzStore *store;
  GArray   *changes;
} EmitData;

static void
emit_data_free (gpointer data)
{
  EmitData *emit = data;

  g_array_unref (emit->changes);
  g_object_unref (emit->store);
  g_free (emit);
}

static gboolean
emit_changes_cb (gpointer data)
{
  EmitData *emit = data;

  for (guint i = 0; i < emit->changes->len; i++)
    {
      Change *c = &g_array_index (emit->changes, Change, i);

      g_signal_emit (emit->store, signals[SIGNAL_CHANGED], 0, c->table, c->row_id, (int) c->change);
    }
  return G_SOURCE_REMOVE;
}

static void
dispatch_changes (XpzStore *self,
                  GArray   *changes)
{
  EmitData *emit;
  GSource *source;

  if (changes->len == 0)
    {
      g_array_unref (changes);
      return;
    }
  emit = g_new0 (EmitData, 1);
  emit->store = g_object_ref (self);
  emit->changes = changes;
  if (g_thread_self () == self->owner_thread)
    {
      /* A synchronous request of the owner's: its handlers run before it returns. */
      emit_changes_cb (emit);
      emit_data_free (emit);
      return;
    }
  /* From the worker: always through the owner's context. g_main_context_invoke() would
   * run the handlers on the worker thread whenever no thread holds that context. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_changes_cb, emit, emit_data_free);
  g_source_set_static_name (source, "[xpz-store] changed");
  g_source_attach (source, self->owner_context);
  g_source_unref (source);
  /* cppcheck-suppress memleak ; emit belongs to the source's callback (emit_data_free) */
}

/* --- Running requests -------------------------------------------------- */

static gpointer
run_request (XpzStore      *self,
             Request       *request,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gpointer result = NULL;
  GArray *changes = NULL;

  g_mutex_lock (&self->lock);

  if (request->no_db)
    {
      result = request->func (self, self->db, request->data, cancellable, &local_error);
      g_mutex_unlock (&self->lock);
      goto out;
    }

  if (self->db == NULL)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_OPEN,
                   _("The local data is not open."));
      return NULL;
    }

  g_array_set_size (self->pending_changes, 0);
  self->checkpoint_wanted = FALSE;

  if (exec_sql (self->db, request->write ? "BEGIN IMMEDIATE" : "BEGIN", &local_error))
    {
      result = request->func (self, self->db, request->data, cancellable, &local_error);
      if (local_error == NULL && !exec_sql (self->db, "COMMIT", &local_error))
        {
          if (result != NULL && request->result_free != NULL)
            request->result_free (result);
          result = NULL;
        }
      if (local_error != NULL)
        {
          if (!sqlite3_get_autocommit (self->db))
            sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          g_array_set_size (self->pending_changes, 0);
        }
      else if (self->checkpoint_wanted)
        {
          /* After a deletion: fold the WAL into the database (where
           * secure_delete zeroed the freed cells) and empty it. */
          sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        }
    }

  changes = self->pending_changes;
  self->pending_changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_mutex_unlock (&self->lock);

out:
  if (local_error != NULL)
    {
      if (changes != NULL)
        g_array_unref (changes);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (changes != NULL)
    dispatch_changes (self, changes);
  return result;
}

static gpointer
worker_main (gpointer data)
{
  GAsyncQueue *queue = data;

  for (;;)
    {
      gpointer item = g_async_queue_pop (queue);
      GTask *task;
      Request *request;
      gpointer result;
      GError *error = NULL;

      if (item == &stop_marker)
        break;

      task = item;
      request = g_task_get_task_data (task);
      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (task);
          continue;
        }

      result = run_request (g_task_get_source_object (task), request,
                            g_task_get_cancellable (task), &error);
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, result, request->result_free);
      g_object_unref (task);
    }

  g_async_queue_unref (queue);
  return NULL;
}

static void
queue_request (XpzStore            *self,
               Request             *request,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  g_mutex_lock (&self->worker_lock);
  if (self->worker == NULL)
    self->worker = g_thread_new ("xpz-store", worker_main, g_async_queue_ref (self->queue));
  g_mutex_unlock (&self->worker_lock);

  g_async_queue_push (self->queue, task);
}

static Request *
request_new (gboolean       write,
             XpzStoreFunc   func,
             gpointer       data,
             GDestroyNotify data_free,
             GDestroyNotify result_free)
{
  Request *request = g_new0 (Request, 1);

  request->write = write;
  request->func = func;
  request->data = data;
  request->data_free = data_free;
  request->result_free = result_free;
  return request;
}

/**
 * xpz_store_run_sync:
 *
 * Runs @func on the caller's thread, in one transaction. For tests and tools;
 * the application uses xpz_store_run_async().
 */
gpointer
xpz_store_run_sync (XpzStore      *self,
                    gboolean       write,
                    XpzStoreFunc   func,
                    gpointer       data,
                    GError       **error)
{
  Request request = { write, FALSE, func, data, NULL, NULL };

  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  g_atomic_int_inc (&self->n_sync_runs);
  return run_request (self, &request, NULL, error);
}

/**
 * xpz_store_get_n_sync_runs:
 *
 * For tests: how many requests xpz_store_run_sync() (and so the _sync API)
 * ran on their caller's thread since @self was created.
 */
guint
xpz_store_get_n_sync_runs (XpzStore *self)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), 0);
  return (guint) g_atomic_int_get (&self->n_sync_runs);
}

void
xpz_store_run_async (XpzStore            *self,
                     gboolean             write,
                     XpzStoreFunc         func,
                     gpointer             data,
                     GDestroyNotify       data_free,
                     GDestroyNotify       result_free,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (XPZ_IS_STORE (self));
  g_return_if_fail (func != NULL);

  queue_request (self, request_new (write, func, data, data_free, result_free),
                 xpz_store_run_async, cancellable, callback, user_data);
}

gpointer
xpz_store_run_finish (XpzStore      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Opening ----------------------------------------------------------- */

static char *
aside_name (const char *path,
            const char *what)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  char *candidate = g_strdup_printf ("%s.%s-%s", path, what, stamp);

  for (guint n = 1; g_file_test (candidate, G_FILE_TEST_EXISTS); n++)
    {
      g_free (candidate);
      candidate = g_strdup_printf ("%s.%s-%s-%u", path, what, stamp, n);
    }
  return candidate;
}

/* Moves a damaged database (and its WAL) aside: never deleted, so that it
 * can still be inspected or recovered by hand. */
static void
move_aside (XpzStore  *self,
            GError   **error)
{
  g_autofree char *target = aside_name (self->path, "corrupt");
  static const char * const suffixes[] = { "-wal", "-shm", "-journal" };

  if (g_rename (self->path, target) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CORRUPT,
                   _("The local data is damaged and could not be set aside (%s)."),
                   g_strerror (saved_errno));
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (self->path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }

  g_message ("Damaged local database moved aside");
  g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_CORRUPT,
               _("Your local data was damaged and has been set aside. "
                 "It will be downloaded again from XpertAIze at the next sync."));
}

static gboolean
header_is_sqlite (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  char header[16] = { 0 };
  FILE *f;
  size_t n;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || st.st_size == 0)
    return TRUE; /* missing or empty: SQLite creates it */

  f = g_fopen (path, "rb");
  if (f == NULL)
    return TRUE; /* unreadable: reported by sqlite3_open_v2 */
  n = fread (header, 1, sizeof header, f);
  fclose (f);

  return n == sizeof header && memcmp (header, magic, sizeof header) == 0;
}

/* With the effective ids and capabilities: what a write would meet. */
static gboolean
dir_is_writable (const char *dir)
{
  return faccessat (AT_FDCWD, dir, W_OK, AT_EACCESS) == 0;
}

static void
set_read_only_error (GError **error)
{
  g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_READ_ONLY,
               _("Your data folder cannot be written to. Check its permissions and the free space on the disk."));
}

static int
pragma_int (sqlite3    *db,
            const char *sql,
            int        *out,
            GError    **error)
{
  sqlite3_stmt *stmt = prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int (stmt, 0);
  else if (rc != SQLITE_DONE)
    xpz_store_set_sqlite_error (db, rc, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
quick_check (sqlite3  *db,
             GError  **error)
{
  sqlite3_stmt *stmt = prepare (db, "PRAGMA quick_check", error);
  gboolean ok;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  ok = rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  if (!ok)
    {
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_CORRUPT;
      xpz_store_set_sqlite_error (db, rc, error);
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
backup_before_migrating (XpzStore  *self,
                         int        version,
                         char     **out_backup,
                         GError   **error)
{
  g_autofree char *backup = g_strdup_printf ("%s.bak-v%d", self->path, version);
  sqlite3_stmt *stmt;
  gboolean ok;

  /* A stale copy from an earlier attempt would make VACUUM INTO fail. */
  if (g_file_test (backup, G_FILE_TEST_EXISTS) && g_unlink (backup) != 0)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_MIGRATION,
                   _("The local data could not be copied before upgrading it."));
      return FALSE;
    }

  stmt = prepare (self->db, "VACUUM INTO ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, backup, -1, SQLITE_TRANSIENT);
  ok = xpz_store_step_done (self->db, stmt, error);
  sqlite3_finalize (stmt);

  if (ok)
    *out_backup = g_steal_pointer (&backup);
  return ok;
}

static gboolean
migrate (XpzStore  *self,
         int        from,
         GError   **error)
{
  for (int version = from + 1; version <= XPZ_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version);
      g_autoptr(GError) local_error = NULL;
      int current = 0;
      gboolean ok;

      /* The version is read again under the write lock: another opener of the same
       * file (a second window, another process) may have taken this step already. */
      ok = exec_sql (self->db, "BEGIN IMMEDIATE", &local_error) &&
           pragma_int (self->db, "PRAGMA user_version", &current, &local_error);
      if (ok && current >= version)
        {
          if (exec_sql (self->db, "COMMIT", &local_error))
            {
              self->schema_version = current;
              version = current;
              continue;
            }
          ok = FALSE;
        }
      else if (ok)
        ok = exec_sql (self->db, migrations[version - 1], &local_error) &&
             exec_sql (self->db, set_version, &local_error) &&
             exec_sql (self->db, "COMMIT", &local_error);
      if (!ok)
        {
          if (!sqlite3_get_autocommit (self->db))
            sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          if (local_error->domain == XPZ_STORE_ERROR &&
              (local_error->code == XPZ_STORE_ERROR_FULL ||
               local_error->code == XPZ_STORE_ERROR_READ_ONLY))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_MIGRATION,
                         _("The local data could not be upgraded to this version of the app (%s)."),
                         local_error->message);
          return FALSE;
        }
      self->schema_version = version;
    }
  return TRUE;
}

/* The at-rest key this database was written under, checked: a sealed constant in
 * privacy_setting ("key_check"), written the first time. Returns 1 when it matches (or
 * was just written), 0 when the database was written under another key, -1 on error. */
#define KEY_CHECK_TEXT "xpertaize-at-rest-key"

static int
key_check (sqlite3  *db,
           GBytes   *key,
           GError  **error)
{
  g_autofree char *aad = xpz_crypto_aad ("privacy_setting", "key_check", 0);
  g_autofree char *stored = NULL;
  sqlite3_stmt *stmt = prepare (db, "SELECT value FROM privacy_setting WHERE key = 'key_check'", error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    stored = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return -1;
    }
  if (stored != NULL)
    {
      gsize length = 0;
      g_autofree guchar *blob = g_base64_decode (stored, &length);
      g_autoptr (GBytes) plain = xpz_crypto_decrypt (key, blob, length, aad, NULL);

      return plain != NULL && g_bytes_get_size (plain) == strlen (KEY_CHECK_TEXT) &&
             memcmp (g_bytes_get_data (plain, NULL), KEY_CHECK_TEXT, strlen (KEY_CHECK_TEXT)) == 0 ? 1 : 0;
    }
  {
    g_autoptr (GBytes) sealed = xpz_crypto_encrypt (key, (const guint8 *) KEY_CHECK_TEXT, strlen (KEY_CHECK_TEXT),
                                                    aad, error);
    g_autofree char *text = NULL;

    if (sealed == NULL)
      return -1;
    text = g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
    stmt = prepare (db, "INSERT INTO privacy_setting (key, value, updated_at) VALUES ('key_check', ?1, ?2)",
                    error);
    if (stmt == NULL)
      return -1;
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
    rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
      {
        xpz_store_set_sqlite_error (db, rc, error);
        return -1;
      }
  }
  return 1;
}

/* Turning a new file to WAL takes it exclusively, and SQLite answers BUSY at once, not
 * through the busy handler, while another opener holds it (a second window opening the
 * same account): retried for as long as the busy timeout. */
static gboolean
set_wal (sqlite3  *db,
         GError  **error)
{
  gint64 end = g_get_monotonic_time () + BUSY_TIMEOUT_MS * 1000;
  int rc;

  while ((rc = sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)) == SQLITE_BUSY &&
         g_get_monotonic_time () < end)
    g_usleep (5 * 1000);
  if (rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_guarded (XpzStore  *self,
              GBytes    *key,
              GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *backup = NULL;
  sqlite3 *db = NULL;
  int version = 0;
  int secure_delete = 0;
  int rc;

  if (self->db != NULL)
    return TRUE;

  if (self->path == NULL || self->directory == NULL)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                   _("The account has no valid identifier."));
      return FALSE;
    }

  if (key != NULL && g_bytes_get_size (key) != XPZ_CRYPTO_KEY_BYTES)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NO_KEY,
                   _("The encryption key for your local data is damaged."));
      return FALSE;
    }
  if (!xpz_crypto_init (error))
    return FALSE;

  /* the folder exists: open_locked() made it, and holds its lock */

  if (!header_is_sqlite (self->path))
    {
      move_aside (self, error);
      return FALSE;
    }

  rc = sqlite3_open_v2 (self->path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      if (!dir_is_writable (self->directory) || (rc & 0xff) == SQLITE_READONLY)
        set_read_only_error (error);
      else
        xpz_store_set_sqlite_error (db, rc, error);
      sqlite3_close (db);
      return FALSE;
    }

  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_create_function (db, "xpz_fold", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           NULL, sql_fold, NULL, NULL);

  /* The integrity check comes first: a damaged file is set aside before
   * anything writes to it. */
  if (!quick_check (db, &local_error))
    goto failed;

  if (!set_wal (db, &local_error) ||
      !exec_sql (db, "PRAGMA synchronous = FULL", &local_error) ||
      !exec_sql (db, "PRAGMA foreign_keys = ON", &local_error) ||
      !exec_sql (db, "PRAGMA secure_delete = ON", &local_error) ||
      !exec_sql (db, "PRAGMA cache_size = -16384", &local_error) ||
      !pragma_int (db, "PRAGMA secure_delete", &secure_delete, &local_error) ||
      !pragma_int (db, "PRAGMA user_version", &version, &local_error))
    goto failed;

  {
    /* journal_mode silently stays "delete" when WAL cannot be used
     * (read-only directory): refuse rather than run without it. */
    g_autofree char *mode = NULL;
    sqlite3_stmt *stmt = prepare (db, "PRAGMA journal_mode", &local_error);

    if (stmt == NULL)
      goto failed;
    if (sqlite3_step (stmt) == SQLITE_ROW)
      mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    if (g_strcmp0 (mode, "wal") != 0)
      {
        if (!dir_is_writable (self->directory))
          set_read_only_error (&local_error);
        else
          g_set_error (&local_error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                       _("The local data could not be opened safely."));
        goto failed;
      }
  }

  if (secure_delete != 1)
    {
      g_set_error (&local_error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                   _("The local data could not be opened safely."));
      goto failed;
    }

  if (version > XPZ_STORE_SCHEMA_VERSION)
    {
      g_set_error (&local_error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NEWER_VERSION,
                   _("Your local data was saved by a newer version of XpertAIze. "
                     "Update the app to open it; it was left unchanged."));
      goto failed;
    }

  self->db = db;
  self->schema_version = version;

  if (version < XPZ_STORE_SCHEMA_VERSION)
    {
      if (version > 0 && !backup_before_migrating (self, version, &backup, &local_error))
        goto failed_open;
      if (!migrate (self, version, &local_error))
        goto failed_open;
      if (version > 0 && !quick_check (db, &local_error))
        goto failed_open;
      if (backup != NULL && !self->keep_backups)
        g_unlink (backup);
    }

  if (key != NULL)
    {
      guint8 *secure;
      int check;

      /* read, and written the first time, under the write lock: two openers of a new
       * file do not both write it */
      if (!exec_sql (db, "BEGIN IMMEDIATE", &local_error))
        goto failed_open;
      check = key_check (db, key, &local_error);
      if (check < 0 || !exec_sql (db, "COMMIT", &local_error))
        {
          if (!sqlite3_get_autocommit (db))
            sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          goto failed_open;
        }
      if (check == 0)
        {
          /* Written under another key (the keyring was reset, or the account was signed
           * in anew with a fresh key): nothing sealed in it can be read any more, and
           * what is not sealed is another session's. It is erased and starts empty;
           * the next sync fills it from the platform. */
          static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

          g_message ("The local data was written under another key: starting afresh");
          self->db = NULL;
          self->schema_version = 0;
          sqlite3_close (db);
          for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
            {
              g_autofree char *file = g_strconcat (self->path, suffixes[i], NULL);

              if (g_unlink (file) != 0 && errno != ENOENT)
                {
                  g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                               _("The local data of an earlier sign-in could not be removed (%s)."),
                               g_strerror (errno));
                  return FALSE;
                }
            }
          return open_guarded (self, key, error);
        }
      secure = sodium_malloc (XPZ_CRYPTO_KEY_BYTES);
      memcpy (secure, g_bytes_get_data (key, NULL), XPZ_CRYPTO_KEY_BYTES);
      sodium_mprotect_readonly (secure);
      self->key = g_bytes_new_with_free_func (secure, XPZ_CRYPTO_KEY_BYTES, sodium_free, secure);
    }

  g_debug ("Opened the local store at schema version %d", self->schema_version);
  return TRUE;

failed_open:
  self->db = NULL;
  self->schema_version = 0;
failed:
  sqlite3_close (db);
  if (local_error == NULL)
    g_set_error (&local_error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                 _("The local data could not be opened safely."));
  if (local_error->domain == XPZ_STORE_ERROR && local_error->code == XPZ_STORE_ERROR_CORRUPT)
    {
      move_aside (self, error);
      return FALSE;
    }
  if (local_error->domain == XPZ_STORE_ERROR &&
      local_error->code == XPZ_STORE_ERROR_FAILED &&
      !dir_is_writable (self->directory))
    {
      set_read_only_error (error);
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Opens, migrates and checks the key with the account's folder locked: a second opener
 * of the same file (another window, a retry while an earlier open still runs, another
 * process) waits, then finds it ready. SQLite's own locks do not cover the first steps
 * (turning a new file to WAL answers BUSY, or fails, rather than waiting). */
static gboolean
open_locked (XpzStore  *self,
             GBytes    *key,
             GError   **error)
{
  g_autofree char *lock_path = NULL;
  gboolean ok;
  int fd;

  if (self->db != NULL)
    return TRUE;
  if (self->directory == NULL)
    return open_guarded (self, key, error);
  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      if (errno == EROFS || errno == EACCES || errno == EPERM)
        set_read_only_error (error);
      else
        g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                     _("Your data folder could not be created (%s)."), g_strerror (errno));
      return FALSE;
    }
  lock_path = g_build_filename (self->directory, LOCK_NAME, NULL);
  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      if (errno == EROFS || errno == EACCES || errno == EPERM)
        set_read_only_error (error);
      else
        g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                     _("Your data folder could not be created (%s)."), g_strerror (errno));
      return FALSE;
    }
  while (flock (fd, LOCK_EX) != 0 && errno == EINTR)
    ;
  ok = open_guarded (self, key, error);
  close (fd);  /* and the lock with it */
  return ok;
}

static void
close_locked (XpzStore *self)
{
  if (self->db != NULL)
    {
      sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->key, g_bytes_unref);
  self->schema_version = 0;
}

gboolean
xpz_store_open (XpzStore  *self,
                GBytes    *key,
                GError   **error)
{
  gboolean ok;

  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = open_locked (self, key, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gpointer
open_func (XpzStore      *self,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  if (!open_locked (self, data, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

void
xpz_store_open_async (XpzStore            *self,
                      GBytes              *key,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  Request *request;

  g_return_if_fail (XPZ_IS_STORE (self));

  request = request_new (TRUE, open_func, key ? g_bytes_ref (key) : NULL,
                         (GDestroyNotify) g_bytes_unref, NULL);
  request->no_db = TRUE;
  queue_request (self, request, xpz_store_open_async, cancellable, callback, user_data);
}

gboolean
xpz_store_open_finish (XpzStore      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

/**
 * xpz_store_close:
 *
 * Waits for queued requests, then checkpoints and closes the database and
 * forgets the key. Safe to call more than once.
 */
void
xpz_store_close (XpzStore *self)
{
  g_return_if_fail (XPZ_IS_STORE (self));

  stop_worker (self);

  g_mutex_lock (&self->lock);
  close_locked (self);
  g_mutex_unlock (&self->lock);
}

/* --- Encrypted columns ------------------------------------------------- */

/**
 * xpz_store_bind_sealed:
 * @key: (nullable): the account's at-rest key
 * @data: (nullable): bound as NULL when %NULL
 *
 * Binds @data encrypted for (@table, @column, @row_id) — the associated data, so that a
 * sealed value cannot be moved to another cell. Fails with %XPZ_STORE_ERROR_NO_KEY
 * without a key: nothing is ever written in the clear instead.
 */
gboolean
xpz_store_bind_sealed (sqlite3_stmt  *stmt,
                       int            index,
                       GBytes        *key,
                       const char    *table,
                       const char    *column,
                       gint64         row_id,
                       const guint8  *data,
                       gsize          length,
                       GError       **error)
{
  g_autofree char *aad = NULL;
  g_autoptr(GBytes) blob = NULL;

  if (data == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return TRUE;
    }
  if (key == NULL)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NO_KEY,
                   _("Your local data cannot be protected because its key is not available."));
      return FALSE;
    }

  aad = xpz_crypto_aad (table, column, row_id);
  blob = xpz_crypto_encrypt (key, data, length, aad, error);
  if (blob == NULL)
    return FALSE;
  sqlite3_bind_blob64 (stmt, index, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob),
                       SQLITE_TRANSIENT);
  return TRUE;
}

static gboolean
bind_encrypted (XpzStore      *self,
                sqlite3_stmt  *stmt,
                int            index,
                const char    *table,
                const char    *column,
                gint64         row_id,
                const guint8  *data,
                gsize          length,
                GError       **error)
{
  return xpz_store_bind_sealed (stmt, index, self->key, table, column, row_id, data, length,
                                error);
}

static gboolean
bind_encrypted_text (XpzStore      *self,
                     sqlite3_stmt  *stmt,
                     int            index,
                     const char    *table,
                     const char    *column,
                     gint64         row_id,
                     const char    *text,
                     GError       **error)
{
  return bind_encrypted (self, stmt, index, table, column, row_id,
                         (const guint8 *) text, text ? strlen (text) : 0, error);
}

/* Returns %NULL without an error for a NULL column. */
static GBytes *
column_decrypted (XpzStore      *self,
                  sqlite3_stmt  *stmt,
                  int            index,
                  const char    *table,
                  const char    *column,
                  gint64         row_id,
                  GError       **error)
{
  g_autofree char *aad = NULL;

  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NULL;
  if (self->key == NULL)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NO_KEY,
                   _("Your local data cannot be read because its key is not available."));
      return NULL;
    }
  aad = xpz_crypto_aad (table, column, row_id);
  return xpz_crypto_decrypt (self->key,
                             sqlite3_column_blob (stmt, index),
                             sqlite3_column_bytes (stmt, index),
                             aad, error);
}

static char *
column_decrypted_text (XpzStore      *self,
                       sqlite3_stmt  *stmt,
                       int            index,
                       const char    *table,
                       const char    *column,
                       gint64         row_id,
                       GError       **error)
{
  g_autoptr(GBytes) bytes = column_decrypted (self, stmt, index, table, column, row_id, error);
  gsize len = 0;
  const char *data;
  char *text;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  text = g_strndup (data, len);
  sodium_memzero ((gpointer) data, len);
  return text;
}

/* --- Contact ----------------------------------------------------------- */

static char *
dup_non_empty (const char *s)
{
  g_autofree char *copy = NULL;

  if (s == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (s));
  if (*copy == '\0')
    return NULL;
  return g_steal_pointer (&copy);
}

/* Validation in the model layer: what reaches the database is normalised. */
static XpzContact *
normalise_contact (const XpzContact  *contact,
                   GError           **error)
{
  g_autoptr(XpzContact) out = xpz_contact_new ();

  out->full_name = dup_non_empty (contact->full_name);
  out->address = dup_non_empty (contact->address);
  if (contact->email != NULL && *contact->email != '\0' &&
      !(out->email = xpz_validate_email (contact->email, error)))
    return NULL;
  if (contact->phone != NULL && *contact->phone != '\0' &&
      !(out->phone = xpz_validate_phone (contact->phone, XPZ_DEFAULT_REGION, error)))
    return NULL;
  if (contact->linkedin_url != NULL && *contact->linkedin_url != '\0' &&
      !(out->linkedin_url = xpz_validate_linkedin_url (contact->linkedin_url, error)))
    return NULL;
  return g_steal_pointer (&out);
}

static gpointer
set_contact_func (XpzStore      *self,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  const XpzContact *c = data;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!exec_sql (db, "INSERT INTO candidate_profile (id) VALUES (1) ON CONFLICT (id) DO NOTHING", error))
    return NULL;

  stmt = prepare (db,
                  "UPDATE candidate_profile SET full_name = ?1, email = ?2, phone = ?3,"
                  " linkedin_url = ?4, address = ?5, updated_at = ?6 WHERE id = 1",
                  error);
  if (stmt == NULL)
    return NULL;
  ok = bind_encrypted_text (self, stmt, 1, "candidate_profile", "full_name", CONTACT_ROW_ID, c->full_name, error) &&
       bind_encrypted_text (self, stmt, 2, "candidate_profile", "email", CONTACT_ROW_ID, c->email, error) &&
       bind_encrypted_text (self, stmt, 3, "candidate_profile", "phone", CONTACT_ROW_ID, c->phone, error) &&
       bind_encrypted_text (self, stmt, 4, "candidate_profile", "linkedin_url", CONTACT_ROW_ID, c->linkedin_url, error) &&
       bind_encrypted_text (self, stmt, 5, "candidate_profile", "address", CONTACT_ROW_ID, c->address, error);
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
      ok = xpz_store_step_done (db, stmt, error);
    }
  sqlite3_finalize (stmt);
  if (!ok)
    return NULL;

  xpz_store_record_change (self, "candidate_profile", CONTACT_ROW_ID, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

gboolean
xpz_store_set_contact (XpzStore          *self,
                       const XpzContact  *contact,
                       GError           **error)
{
  g_autoptr(XpzContact) normalised = NULL;

  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (contact != NULL, FALSE);

  normalised = normalise_contact (contact, error);
  if (normalised == NULL)
    return FALSE;
  return xpz_store_run_sync (self, TRUE, set_contact_func, normalised, error) != NULL;
}

void
xpz_store_set_contact_async (XpzStore            *self,
                             const XpzContact    *contact,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GError *error = NULL;
  XpzContact *normalised;

  g_return_if_fail (XPZ_IS_STORE (self));
  g_return_if_fail (contact != NULL);

  normalised = normalise_contact (contact, &error);
  if (normalised == NULL)
    {
      g_task_report_error (self, callback, user_data, xpz_store_set_contact_async, error);
      return;
    }
  queue_request (self,
                 request_new (TRUE, set_contact_func, normalised, (GDestroyNotify) xpz_contact_free, NULL),
                 xpz_store_set_contact_async, cancellable, callback, user_data);
}

gboolean
xpz_store_set_contact_finish (XpzStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

static gpointer
get_contact_func (XpzStore      *self,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(XpzContact) contact = xpz_contact_new ();
  GError *local_error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db,
                  "SELECT full_name, email, phone, linkedin_url, address"
                  " FROM candidate_profile WHERE id = 1",
                  error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      contact->full_name = column_decrypted_text (self, stmt, 0, "candidate_profile", "full_name", CONTACT_ROW_ID, &local_error);
      if (local_error == NULL)
        contact->email = column_decrypted_text (self, stmt, 1, "candidate_profile", "email", CONTACT_ROW_ID, &local_error);
      if (local_error == NULL)
        contact->phone = column_decrypted_text (self, stmt, 2, "candidate_profile", "phone", CONTACT_ROW_ID, &local_error);
      if (local_error == NULL)
        contact->linkedin_url = column_decrypted_text (self, stmt, 3, "candidate_profile", "linkedin_url", CONTACT_ROW_ID, &local_error);
      if (local_error == NULL)
        contact->address = column_decrypted_text (self, stmt, 4, "candidate_profile", "address", CONTACT_ROW_ID, &local_error);
    }
  else if (rc != SQLITE_DONE)
    xpz_store_set_sqlite_error (db, rc, &local_error);
  sqlite3_finalize (stmt);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&contact);
}

/**
 * xpz_store_get_contact:
 *
 * Returns: (transfer full): the contact (empty fields when none was saved)
 */
XpzContact *
xpz_store_get_contact (XpzStore  *self,
                       GError   **error)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);

  return xpz_store_run_sync (self, FALSE, get_contact_func, NULL, error);
}

void
xpz_store_get_contact_async (XpzStore            *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (XPZ_IS_STORE (self));

  queue_request (self,
                 request_new (FALSE, get_contact_func, NULL, NULL, (GDestroyNotify) xpz_contact_free),
                 xpz_store_get_contact_async, cancellable, callback, user_data);
}

XpzContact *
xpz_store_get_contact_finish (XpzStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Salary ------------------------------------------------------------ */

typedef struct
{
  gboolean  has_min;
  gint64    min;
  gboolean  has_max;
  gint64    max;
  char     *currency;
  char     *period;
} Salary;

static gpointer
set_salary_func (XpzStore      *self,
                 sqlite3       *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  Salary *s = data;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!exec_sql (db, "INSERT INTO candidate_profile (id) VALUES (1) ON CONFLICT (id) DO NOTHING", error))
    return NULL;
  stmt = prepare (db,
                  "UPDATE candidate_profile SET salary_min = ?1, salary_max = ?2,"
                  " salary_currency = ?3, salary_period = ?4 WHERE id = 1",
                  error);
  if (stmt == NULL)
    return NULL;
  if (s->has_min)
    sqlite3_bind_int64 (stmt, 1, s->min);
  if (s->has_max)
    sqlite3_bind_int64 (stmt, 2, s->max);
  sqlite3_bind_text (stmt, 3, s->currency, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, s->period, -1, SQLITE_STATIC);
  ok = xpz_store_step_done (db, stmt, error);
  sqlite3_finalize (stmt);
  if (!ok)
    return NULL;
  xpz_store_record_change (self, "candidate_profile", CONTACT_ROW_ID, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

gboolean
xpz_store_set_salary (XpzStore    *self,
                      gboolean     has_min,
                      gint64       min,
                      gboolean     has_max,
                      gint64       max,
                      const char  *currency,
                      const char  *period,
                      GError     **error)
{
  Salary s = { has_min, min, has_max, max, NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);

  if (!xpz_validate_salary (has_min, min, has_max, max, currency, period, &s.currency, error))
    return FALSE;
  s.period = g_strdup (period != NULL && *period != '\0' ? period : "month");
  ok = xpz_store_run_sync (self, TRUE, set_salary_func, &s, error) != NULL;
  g_free (s.currency);
  g_free (s.period);
  return ok;
}

static gpointer
get_currency_func (XpzStore      *self,
                   sqlite3       *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT salary_currency FROM candidate_profile WHERE id = 1", error);
  char *currency = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    currency = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_FOUND, _("There is no profile yet."));
  else
    xpz_store_set_sqlite_error (db, rc, error);
  sqlite3_finalize (stmt);
  return currency;
}

char *
xpz_store_get_salary_currency (XpzStore  *self,
                               GError   **error)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);

  return xpz_store_run_sync (self, FALSE, get_currency_func, NULL, error);
}

/* --- Experience -------------------------------------------------------- */

typedef struct
{
  const char *title;
  const char *organisation;
  const char *start_date;
  const char *end_date;
} Experience;

static gint64 *
new_id (gint64 id)
{
  gint64 *p = g_new (gint64, 1);

  *p = id;
  return p;
}

/* Steps and finalizes a prepared INSERT into @table, and tells the store's listeners.
 * Returns the new row's id (for xpz_store_run_*), or %NULL with @error set. */
static gint64 *
insert_row (XpzStore      *self,
            sqlite3       *db,
            sqlite3_stmt  *stmt,
            const char    *table,
            GError       **error)
{
  gboolean ok = xpz_store_step_done (db, stmt, error);
  gint64 id;

  sqlite3_finalize (stmt);
  if (!ok)
    return NULL;
  id = sqlite3_last_insert_rowid (db);
  xpz_store_record_change (self, table, id, XPZ_STORE_CHANGE_INSERTED);
  return new_id (id);
}

static gpointer
add_experience_func (XpzStore      *self,
                     sqlite3       *db,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  Experience *e = data;
  sqlite3_stmt *stmt;

  stmt = prepare (db,
                  "INSERT INTO experience (title, organisation, start_date, end_date)"
                  " VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, e->title, -1, SQLITE_STATIC);
  xpz_store_bind_text_or_null (stmt, 2, e->organisation);
  sqlite3_bind_text (stmt, 3, e->start_date, -1, SQLITE_STATIC);
  xpz_store_bind_text_or_null (stmt, 4, e->end_date != NULL && *e->end_date != '\0' ? e->end_date : NULL);
  return insert_row (self, db, stmt, "experience", error);
}

gint64
xpz_store_add_experience (XpzStore    *self,
                          const char  *title,
                          const char  *organisation,
                          const char  *start_date,
                          const char  *end_date,
                          GError     **error)
{
  Experience e = { title, organisation, start_date, end_date };
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (XPZ_IS_STORE (self), 0);

  if (title == NULL || *title == '\0')
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMPTY,
                   _("Enter the job title of this experience."));
      return 0;
    }
  if (!xpz_validate_date_range (start_date, end_date, error))
    return 0;

  id = xpz_store_run_sync (self, TRUE, add_experience_func, &e, error);
  return id ? *id : 0;
}

typedef struct
{
  const char *table;     /* static string from this file, never user data */
  const char *sql;
  const char *fts_optimize;  /* NULL if the table has no FTS index */
  gint64      id;
} Deletion;

static gpointer
delete_func (XpzStore      *self,
             sqlite3       *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Deletion *d = data;
  sqlite3_stmt *stmt = prepare (db, d->sql, error);
  gboolean ok;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, d->id);
  ok = xpz_store_step_done (db, stmt, error);
  sqlite3_finalize (stmt);
  if (!ok)
    return NULL;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_FOUND,
                   _("This item no longer exists."));
      return NULL;
    }
  /* FTS5 deletes with tombstones: the terms of the deleted row stay in older
   * index segments until they are merged. Merge now, so that no copy is left
   * (secure_delete then zeroes the freed pages). */
  if (d->fts_optimize != NULL && !exec_sql (db, d->fts_optimize, error))
    return NULL;
  xpz_store_record_change (self, d->table, d->id, XPZ_STORE_CHANGE_DELETED);
  xpz_store_request_checkpoint (self);
  return GINT_TO_POINTER (TRUE);
}

static Deletion *
deletion_new (const char *table,
              gint64      id)
{
  Deletion *d = g_new0 (Deletion, 1);

  d->table = table;
  d->id = id;
  if (g_str_equal (table, "experience"))
    d->sql = "DELETE FROM experience WHERE id = ?1";
  else if (g_str_equal (table, "document"))
    d->sql = "DELETE FROM document WHERE id = ?1";
  else if (g_str_equal (table, "job"))
    {
      d->sql = "DELETE FROM job WHERE id = ?1";
      d->fts_optimize = "INSERT INTO job_fts (job_fts) VALUES ('optimize')";
    }
  else if (g_str_equal (table, "candidate"))
    {
      d->sql = "DELETE FROM candidate WHERE id = ?1";
      d->fts_optimize = "INSERT INTO candidate_fts (candidate_fts) VALUES ('optimize')";
    }
  else
    g_assert_not_reached ();
  return d;
}

static gboolean
delete_sync (XpzStore    *self,
             const char  *table,
             gint64       id,
             GError     **error)
{
  g_autofree Deletion *d = deletion_new (table, id);

  return xpz_store_run_sync (self, TRUE, delete_func, d, error) != NULL;
}

gboolean
xpz_store_delete_experience (XpzStore  *self,
                             gint64     id,
                             GError   **error)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);
  return delete_sync (self, "experience", id, error);
}

/* --- Documents --------------------------------------------------------- */

typedef struct
{
  char   *file_name;
  char   *mime_type;
  GBytes *content;
} Document;

static void
document_free (Document *d)
{
  g_free (d->file_name);
  g_free (d->mime_type);
  g_clear_pointer (&d->content, g_bytes_unref);
  g_free (d);
}

static gpointer
add_document_func (XpzStore      *self,
                   sqlite3       *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  Document *d = data;
  sqlite3_stmt *stmt;
  gsize size = 0;
  const guint8 *bytes = g_bytes_get_data (d->content, &size);
  gboolean ok;
  gint64 id;

  if (self->key == NULL)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NO_KEY,
                   _("Your local data cannot be protected because its key is not available."));
      return NULL;
    }

  /* The row id is part of the associated data: insert first, then store the
   * encrypted values, in the same transaction. */
  stmt = prepare (db,
                  "INSERT INTO document (mime_type, size, content, created_at)"
                  " VALUES (?1, ?2, x'', ?3)",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, d->mime_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, size);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  ok = xpz_store_step_done (db, stmt, error);
  sqlite3_finalize (stmt);
  if (!ok)
    return NULL;
  id = sqlite3_last_insert_rowid (db);

  stmt = prepare (db, "UPDATE document SET file_name = ?1, content = ?2 WHERE id = ?3", error);
  if (stmt == NULL)
    return NULL;
  ok = bind_encrypted_text (self, stmt, 1, "document", "file_name", id, d->file_name, error) &&
       bind_encrypted (self, stmt, 2, "document", "content", id, bytes ? bytes : (const guint8 *) "", size, error);
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 3, id);
      ok = xpz_store_step_done (db, stmt, error);
    }
  sqlite3_finalize (stmt);
  if (!ok)
    return NULL;

  xpz_store_record_change (self, "document", id, XPZ_STORE_CHANGE_INSERTED);
  return new_id (id);
}

static Document *
document_new (const char *file_name,
              const char *mime_type,
              GBytes     *content)
{
  Document *d = g_new0 (Document, 1);

  d->file_name = g_strdup (file_name);
  d->mime_type = g_strdup (mime_type);
  d->content = g_bytes_ref (content);
  return d;
}

gint64
xpz_store_add_document (XpzStore    *self,
                        const char  *file_name,
                        const char  *mime_type,
                        GBytes      *content,
                        GError     **error)
{
  Document *d;
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (XPZ_IS_STORE (self), 0);
  g_return_val_if_fail (mime_type != NULL, 0);
  g_return_val_if_fail (content != NULL, 0);

  d = document_new (file_name, mime_type, content);
  id = xpz_store_run_sync (self, TRUE, add_document_func, d, error);
  document_free (d);
  return id ? *id : 0;
}

void
xpz_store_add_document_async (XpzStore            *self,
                              const char          *file_name,
                              const char          *mime_type,
                              GBytes              *content,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (XPZ_IS_STORE (self));
  g_return_if_fail (mime_type != NULL);
  g_return_if_fail (content != NULL);

  queue_request (self,
                 request_new (TRUE, add_document_func, document_new (file_name, mime_type, content),
                              (GDestroyNotify) document_free, g_free),
                 xpz_store_add_document_async, cancellable, callback, user_data);
}

gint64
xpz_store_add_document_finish (XpzStore      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (G_IS_TASK (result), 0);

  id = g_task_propagate_pointer (G_TASK (result), error);
  return id ? *id : 0;
}

typedef struct
{
  gint64   id;
  char    *file_name;
} DocumentQuery;

static gpointer
get_document_func (XpzStore      *self,
                   sqlite3       *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  DocumentQuery *q = data;
  GError *local_error = NULL;
  GBytes *content = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db, "SELECT file_name, content FROM document WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, q->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      q->file_name = column_decrypted_text (self, stmt, 0, "document", "file_name", q->id, &local_error);
      if (local_error == NULL)
        content = column_decrypted (self, stmt, 1, "document", "content", q->id, &local_error);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (&local_error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_FOUND,
                 _("This document no longer exists."));
  else
    xpz_store_set_sqlite_error (db, rc, &local_error);
  sqlite3_finalize (stmt);

  if (local_error != NULL)
    {
      g_clear_pointer (&q->file_name, g_free);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return content;
}

/**
 * xpz_store_get_document:
 * @file_name: (out) (optional): the file name
 *
 * Returns: (transfer full): the decrypted document bytes
 */
GBytes *
xpz_store_get_document (XpzStore    *self,
                        gint64       id,
                        char       **file_name,
                        GError     **error)
{
  DocumentQuery q = { id, NULL };
  GBytes *content;

  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);

  content = xpz_store_run_sync (self, FALSE, get_document_func, &q, error);
  if (file_name != NULL)
    *file_name = g_steal_pointer (&q.file_name);
  g_free (q.file_name);
  return content;
}

gboolean
xpz_store_delete_document (XpzStore  *self,
                           gint64     id,
                           GError   **error)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);
  return delete_sync (self, "document", id, error);
}

void
xpz_store_delete_document_async (XpzStore            *self,
                                 gint64               id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (XPZ_IS_STORE (self));

  queue_request (self,
                 request_new (TRUE, delete_func, deletion_new ("document", id), g_free, NULL),
                 xpz_store_delete_document_async, cancellable, callback, user_data);
}

gboolean
xpz_store_delete_document_finish (XpzStore      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

/* --- Jobs and candidates ----------------------------------------------- */

typedef struct
{
  const XpzJobInput *jobs;
  gsize              n_jobs;
} JobBatch;

static gpointer
add_jobs_func (XpzStore      *self,
               sqlite3       *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  JobBatch *batch = data;
  sqlite3_stmt *stmt;
  gint64 last_id = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  stmt = prepare (db,
                  "INSERT INTO job (remote_id, title, company, location, skills, description, updated_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  error);
  if (stmt == NULL)
    return NULL;

  for (gsize i = 0; i < batch->n_jobs; i++)
    {
      const XpzJobInput *job = &batch->jobs[i];

      xpz_store_bind_text_or_null (stmt, 1, job->remote_id);
      sqlite3_bind_text (stmt, 2, job->title, -1, SQLITE_STATIC);
      xpz_store_bind_text_or_null (stmt, 3, job->company);
      xpz_store_bind_text_or_null (stmt, 4, job->location);
      xpz_store_bind_text_or_null (stmt, 5, job->skills);
      xpz_store_bind_text_or_null (stmt, 6, job->description);
      sqlite3_bind_int64 (stmt, 7, now);
      if (!xpz_store_step_done (db, stmt, error))
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
      sqlite3_reset (stmt);
      last_id = sqlite3_last_insert_rowid (db);
      if (batch->n_jobs == 1)
        xpz_store_record_change (self, "job", last_id, XPZ_STORE_CHANGE_INSERTED);
    }
  sqlite3_finalize (stmt);

  if (batch->n_jobs > 1)
    xpz_store_record_change (self, "job", 0, XPZ_STORE_CHANGE_RESET);
  return new_id (last_id);
}

static gboolean
check_job (const XpzJobInput  *job,
           GError            **error)
{
  if (job->title == NULL || *job->title == '\0')
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMPTY,
                   _("A job needs a title."));
      return FALSE;
    }
  return TRUE;
}

gint64
xpz_store_add_job (XpzStore           *self,
                   const XpzJobInput  *job,
                   GError            **error)
{
  JobBatch batch = { job, 1 };
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (XPZ_IS_STORE (self), 0);
  g_return_val_if_fail (job != NULL, 0);

  if (!check_job (job, error))
    return 0;
  id = xpz_store_run_sync (self, TRUE, add_jobs_func, &batch, error);
  return id ? *id : 0;
}

/**
 * xpz_store_add_jobs:
 *
 * Adds @n_jobs jobs in one transaction: all or none.
 */
gboolean
xpz_store_add_jobs (XpzStore           *self,
                    const XpzJobInput  *jobs,
                    gsize               n_jobs,
                    GError            **error)
{
  JobBatch batch = { jobs, n_jobs };
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);
  g_return_val_if_fail (jobs != NULL || n_jobs == 0, FALSE);

  for (gsize i = 0; i < n_jobs; i++)
    if (!check_job (&jobs[i], error))
      return FALSE;
  id = xpz_store_run_sync (self, TRUE, add_jobs_func, &batch, error);
  return id != NULL;
}

gboolean
xpz_store_delete_job (XpzStore  *self,
                      gint64     id,
                      GError   **error)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);
  return delete_sync (self, "job", id, error);
}

typedef struct
{
  const char *sql;
  char       *match;
  guint       limit;
} Search;

static void
search_free (Search *s)
{
  g_free (s->match);
  g_free (s);
}

static gpointer
search_func (XpzStore      *self,
             sqlite3       *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Search *s = data;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  if (s->match == NULL)
    return g_steal_pointer (&ids);

  stmt = prepare (db, s->sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, s->match, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, s->limit > 0 ? (gint64) s->limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static Search *
search_new (const char *sql,
            const char *query,
            guint       limit)
{
  Search *s = g_new0 (Search, 1);

  s->sql = sql;
  s->match = xpz_fold_fts_query (query);
  s->limit = limit;
  return s;
}

#define JOB_SEARCH_SQL \
  "SELECT rowid FROM job_fts WHERE job_fts MATCH ?1 ORDER BY rank LIMIT ?2"
#define CANDIDATE_SEARCH_SQL \
  "SELECT rowid FROM candidate_fts WHERE candidate_fts MATCH ?1 ORDER BY rank LIMIT ?2"

/**
 * xpz_store_search_jobs:
 * @limit: the most results, 0 for all
 *
 * Returns: (transfer full) (element-type gint64): job ids, best first
 */
GArray *
xpz_store_search_jobs (XpzStore    *self,
                       const char  *query,
                       guint        limit,
                       GError     **error)
{
  Search *s;
  GArray *ids;

  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);

  s = search_new (JOB_SEARCH_SQL, query, limit);
  ids = xpz_store_run_sync (self, FALSE, search_func, s, error);
  search_free (s);
  return ids;
}

void
xpz_store_search_jobs_async (XpzStore            *self,
                             const char          *query,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (XPZ_IS_STORE (self));

  queue_request (self,
                 request_new (FALSE, search_func, search_new (JOB_SEARCH_SQL, query, limit),
                              (GDestroyNotify) search_free, (GDestroyNotify) g_array_unref),
                 xpz_store_search_jobs_async, cancellable, callback, user_data);
}

GArray *
xpz_store_search_jobs_finish (XpzStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  const char *remote_id;
  const char *headline;
  const char *skills;
  const char *location;
} CandidateInput;

static gpointer
add_candidate_func (XpzStore      *self,
                    sqlite3       *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  CandidateInput *c = data;
  sqlite3_stmt *stmt;

  stmt = prepare (db,
                  "INSERT INTO candidate (remote_id, headline, skills, location, updated_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5)",
                  error);
  if (stmt == NULL)
    return NULL;
  xpz_store_bind_text_or_null (stmt, 1, c->remote_id);
  xpz_store_bind_text_or_null (stmt, 2, c->headline);
  xpz_store_bind_text_or_null (stmt, 3, c->skills);
  xpz_store_bind_text_or_null (stmt, 4, c->location);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  return insert_row (self, db, stmt, "candidate", error);
}

gint64
xpz_store_add_candidate (XpzStore    *self,
                         const char  *remote_id,
                         const char  *headline,
                         const char  *skills,
                         const char  *location,
                         GError     **error)
{
  CandidateInput c = { remote_id, headline, skills, location };
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (XPZ_IS_STORE (self), 0);

  id = xpz_store_run_sync (self, TRUE, add_candidate_func, &c, error);
  return id ? *id : 0;
}

gboolean
xpz_store_delete_candidate (XpzStore  *self,
                            gint64     id,
                            GError   **error)
{
  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);
  return delete_sync (self, "candidate", id, error);
}

GArray *
xpz_store_search_candidates (XpzStore    *self,
                             const char  *query,
                             guint        limit,
                             GError     **error)
{
  Search *s;
  GArray *ids;

  g_return_val_if_fail (XPZ_IS_STORE (self), NULL);

  s = search_new (CANDIDATE_SEARCH_SQL, query, limit);
  ids = xpz_store_run_sync (self, FALSE, search_func, s, error);
  search_free (s);
  return ids;
}

/* --- Erasure ----------------------------------------------------------- */

static gboolean
remove_tree (const char  *path,
             GError     **error)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return errno == ENOENT ? TRUE : FALSE;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, error);
      const char *name;

      if (dir == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (!remove_tree (child, error))
            return FALSE;
        }
      if (g_rmdir (path) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "%s", g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s", g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gpointer
erase_func (XpzStore      *self,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  close_locked (self);

  if (self->directory == NULL || !remove_tree (self->directory, &local_error))
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED,
                   _("Your local data could not be erased completely (%s)."),
                   local_error ? local_error->message : "?");
      return NULL;
    }
  g_debug ("Erased the local store of an account");
  return GINT_TO_POINTER (TRUE);
}

gboolean
xpz_store_erase (XpzStore  *self,
                 GError   **error)
{
  Request request = { TRUE, TRUE, erase_func, NULL, NULL, NULL };

  g_return_val_if_fail (XPZ_IS_STORE (self), FALSE);

  stop_worker (self);
  return run_request (self, &request, NULL, error) != NULL;
}

void
xpz_store_erase_async (XpzStore            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Request *request;

  g_return_if_fail (XPZ_IS_STORE (self));

  request = request_new (TRUE, erase_func, NULL, NULL, NULL);
  request->no_db = TRUE;
  queue_request (self, request, xpz_store_erase_async, cancellable, callback, user_data);
}

gboolean
xpz_store_erase_finish (XpzStore      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}
