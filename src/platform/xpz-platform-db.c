/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xpz-platform-db.h"
#include "xpz-platform-server.h"

/*
 * The platform's store: one SQLite connection, WAL, synchronous=FULL, foreign keys on,
 * a busy timeout, BEGIN IMMEDIATE for writes, and only parameterised SQL. Statements
 * are prepared once and cached by their SQL text.
 *
 * xpz_platform_db_query() binds its arguments from a type string:
 *   'i' gint64, 's' const char * (NULL binds NULL), 'b' blob (const void *, gsize),
 *   'n' NULL (no argument consumed).
 * Any SQLite failure is logged (the SQL text only, never values) and remembered in a
 * "failed" flag that the request dispatcher turns into a 500 and a rollback.
 */

struct _XpzPlatformDb
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *handle;
  GHashTable *statements;   /* sql → sqlite3_stmt */
  gboolean    failed;
  guint       version;
};

G_DEFINE_FINAL_TYPE (XpzPlatformDb, xpz_platform_db, G_TYPE_OBJECT)

/* Migrations: index i brings the schema from version i to i + 1. */
static const char * const migrations[] = {
  /* 1: the whole schema */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  email TEXT NOT NULL UNIQUE,"
  "  email_domain TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('candidate', 'employer')),"
  "  name TEXT NOT NULL,"
  "  company TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  last_activity_at INTEGER NOT NULL,"
  "  closed_at INTEGER);"
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  access_hash TEXT NOT NULL UNIQUE,"
  "  refresh_hash TEXT NOT NULL UNIQUE,"
  "  access_expires_at INTEGER NOT NULL,"
  "  refresh_expires_at INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  client TEXT,"
  "  ip TEXT);"
  "CREATE INDEX sessions_account ON sessions (account_id);"
  "CREATE TABLE sign_ins ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  at INTEGER NOT NULL,"
  "  ip TEXT,"
  "  client TEXT,"
  "  outcome TEXT NOT NULL);"
  "CREATE INDEX sign_ins_account ON sign_ins (account_id, at);"
  "CREATE TABLE profiles ("
  "  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,"
  "  doc TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE privacy ("
  "  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,"
  "  sharing_mode TEXT NOT NULL DEFAULT 'automatic' CHECK (sharing_mode IN ('automatic', 'explicit')),"
  "  channels TEXT NOT NULL,"
  "  marketing INTEGER NOT NULL DEFAULT 0,"
  "  ai_training INTEGER NOT NULL DEFAULT 1,"
  "  analytics INTEGER NOT NULL DEFAULT 0,"
  "  matching_paused INTEGER NOT NULL DEFAULT 0,"
  "  restricted INTEGER NOT NULL DEFAULT 0,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE documents ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  filename TEXT NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  data BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX documents_account ON documents (account_id);"
  "CREATE TABLE jobs ("
  "  id INTEGER PRIMARY KEY,"
  "  employer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  doc TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX jobs_employer ON jobs (employer_id);"
  "CREATE TABLE pipeline ("
  "  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  stage TEXT NOT NULL,"
  "  note TEXT,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (job_id, candidate_id));"
  "CREATE INDEX pipeline_candidate ON pipeline (candidate_id);"
  "CREATE TABLE shares ("
  "  id INTEGER PRIMARY KEY,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  employer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,"
  "  at INTEGER NOT NULL,"
  "  fields TEXT NOT NULL,"
  "  basis TEXT NOT NULL,"
  "  revoked_at INTEGER);"
  "CREATE INDEX shares_candidate ON shares (candidate_id, employer_id);"
  "CREATE TABLE introductions ("
  "  id INTEGER PRIMARY KEY,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  employer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),"
  "  message TEXT,"
  "  requested_at INTEGER NOT NULL,"
  "  decided_at INTEGER);"
  "CREATE INDEX introductions_candidate ON introductions (candidate_id);"
  "CREATE TABLE blocks ("
  "  id INTEGER PRIMARY KEY,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  employer_id INTEGER,"
  "  domain TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  CHECK ((employer_id IS NULL) <> (domain IS NULL)));"
  "CREATE INDEX blocks_candidate ON blocks (candidate_id);"
  "CREATE TABLE ledger ("
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  seq INTEGER NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  detail TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL,"
  "  PRIMARY KEY (candidate_id, seq));"
  "CREATE TABLE changes ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  account_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  entity TEXT NOT NULL,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX changes_account ON changes (account_id, seq);"
  "CREATE TABLE idempotency ("
  "  scope TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  request_hash TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body BLOB NOT NULL,"
  "  etag TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (scope, key));"
  "CREATE TABLE deletion_requests ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'completed')),"
  "  requested_at INTEGER NOT NULL,"
  "  due_at INTEGER NOT NULL,"
  "  completed_at INTEGER);"
  "CREATE TABLE policy_versions ("
  "  version TEXT PRIMARY KEY,"
  "  published_at INTEGER NOT NULL,"
  "  material INTEGER NOT NULL,"
  "  summary TEXT NOT NULL);"
  "CREATE TABLE policy_acceptances ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  version TEXT NOT NULL REFERENCES policy_versions (version),"
  "  at INTEGER NOT NULL,"
  "  PRIMARY KEY (account_id, version));"
  "INSERT INTO policy_versions (version, published_at, material, summary) VALUES"
  "  ('2026-01', 1767225600, 1, 'Privacy Policy of January 2026: automatic sharing with matching"
  " employers by default, explicit consent mode on request, 36-month retention, rights under"
  " Moroccan Law No. 09-08.');",
  /* 2: no secret or erased person left behind, ids never reused (issue 14 §3). Every
   * table whose rows have an id is rebuilt with AUTOINCREMENT (data, indexes and
   * foreign keys kept; migrate() runs this with foreign_keys off and checks them before
   * it commits); the sequences start above every id ever seen, the erased ones named by
   * tombstones included. Dangling references get the foreign keys they lacked: a
   * "not interested" goes with its job, a block with its employer, a change with its
   * account; a completed deletion request keeps no account number. Idempotency records
   * name the account they concern, may keep no answer (sign-up, sign-in, refresh), and
   * old ones that hold tokens go. The match-feedback tables, made on first use until
   * now, become part of the schema. */
  "CREATE TABLE IF NOT EXISTS match_dismissals ("
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  PRIMARY KEY (candidate_id, job_id));"
  "CREATE TABLE IF NOT EXISTS match_objections ("
  "  id INTEGER PRIMARY KEY,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER NOT NULL,"
  "  score INTEGER,"
  "  reason TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'received',"
  "  at INTEGER NOT NULL);"
  "CREATE TEMP TABLE id_floor AS SELECT"
  "  max (coalesce ((SELECT max (id) FROM accounts), 0),"
  "       coalesce ((SELECT max (account_id) FROM deletion_requests), 0),"
  "       coalesce ((SELECT max (account_id) FROM changes), 0),"
  "       coalesce ((SELECT max (employer_id) FROM blocks), 0)) AS accounts,"
  "  max (coalesce ((SELECT max (id) FROM jobs), 0),"
  "       coalesce ((SELECT max (job_id) FROM match_dismissals), 0),"
  "       coalesce ((SELECT max (job_id) FROM match_objections), 0)) AS jobs;"

  "CREATE TABLE accounts_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  email TEXT NOT NULL UNIQUE,"
  "  email_domain TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('candidate', 'employer')),"
  "  name TEXT NOT NULL,"
  "  company TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  last_activity_at INTEGER NOT NULL,"
  "  closed_at INTEGER);"
  "INSERT INTO accounts_new (id, email, email_domain, password_hash, role, name, company, created_at,"
  "  last_activity_at, closed_at) SELECT id, email, email_domain, password_hash, role, name, company,"
  "  created_at, last_activity_at, closed_at FROM accounts;"
  "DROP TABLE accounts;"
  "ALTER TABLE accounts_new RENAME TO accounts;"

  "CREATE TABLE sessions_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  access_hash TEXT NOT NULL UNIQUE,"
  "  refresh_hash TEXT NOT NULL UNIQUE,"
  "  access_expires_at INTEGER NOT NULL,"
  "  refresh_expires_at INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  client TEXT,"
  "  ip TEXT);"
  "INSERT INTO sessions_new SELECT id, account_id, access_hash, refresh_hash, access_expires_at,"
  "  refresh_expires_at, created_at, client, ip FROM sessions;"
  "DROP TABLE sessions;"
  "ALTER TABLE sessions_new RENAME TO sessions;"
  "CREATE INDEX sessions_account ON sessions (account_id);"

  "CREATE TABLE sign_ins_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  at INTEGER NOT NULL,"
  "  ip TEXT,"
  "  client TEXT,"
  "  outcome TEXT NOT NULL);"
  "INSERT INTO sign_ins_new SELECT id, account_id, at, ip, client, outcome FROM sign_ins;"
  "DROP TABLE sign_ins;"
  "ALTER TABLE sign_ins_new RENAME TO sign_ins;"
  "CREATE INDEX sign_ins_account ON sign_ins (account_id, at);"

  "CREATE TABLE documents_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  filename TEXT NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  data BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "INSERT INTO documents_new SELECT id, account_id, filename, content_type, size, sha256, data, created_at"
  "  FROM documents;"
  "DROP TABLE documents;"
  "ALTER TABLE documents_new RENAME TO documents;"
  "CREATE INDEX documents_account ON documents (account_id);"

  "CREATE TABLE jobs_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  employer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  doc TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "INSERT INTO jobs_new SELECT id, employer_id, doc, version, created_at, updated_at FROM jobs;"
  "DROP TABLE jobs;"
  "ALTER TABLE jobs_new RENAME TO jobs;"
  "CREATE INDEX jobs_employer ON jobs (employer_id);"

  "CREATE TABLE shares_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  employer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,"
  "  at INTEGER NOT NULL,"
  "  fields TEXT NOT NULL,"
  "  basis TEXT NOT NULL,"
  "  revoked_at INTEGER);"
  "INSERT INTO shares_new SELECT id, candidate_id, employer_id, job_id, at, fields, basis, revoked_at FROM shares;"
  "DROP TABLE shares;"
  "ALTER TABLE shares_new RENAME TO shares;"
  "CREATE INDEX shares_candidate ON shares (candidate_id, employer_id);"

  "CREATE TABLE introductions_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  employer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),"
  "  message TEXT,"
  "  requested_at INTEGER NOT NULL,"
  "  decided_at INTEGER);"
  "INSERT INTO introductions_new SELECT id, candidate_id, employer_id, job_id, status, message, requested_at,"
  "  decided_at FROM introductions;"
  "DROP TABLE introductions;"
  "ALTER TABLE introductions_new RENAME TO introductions;"
  "CREATE INDEX introductions_candidate ON introductions (candidate_id);"

  "CREATE TABLE blocks_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  employer_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,"
  "  domain TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  CHECK ((employer_id IS NULL) <> (domain IS NULL)));"
  "INSERT INTO blocks_new SELECT b.id, b.candidate_id, b.employer_id, b.domain, b.created_at FROM blocks b"
  "  WHERE b.employer_id IS NULL OR b.employer_id IN (SELECT id FROM accounts);"
  "DROP TABLE blocks;"
  "ALTER TABLE blocks_new RENAME TO blocks;"
  "CREATE INDEX blocks_candidate ON blocks (candidate_id);"

  "CREATE TABLE changes_new ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  entity TEXT NOT NULL,"
  "  at INTEGER NOT NULL);"
  "INSERT INTO changes_new SELECT seq, account_id, kind, entity, at FROM changes"
  "  WHERE account_id IN (SELECT id FROM accounts);"
  "DROP TABLE changes;"
  "ALTER TABLE changes_new RENAME TO changes;"
  "CREATE INDEX changes_account ON changes (account_id, seq);"

  "CREATE TABLE deletion_requests_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'completed')),"
  "  requested_at INTEGER NOT NULL,"
  "  due_at INTEGER NOT NULL,"
  "  completed_at INTEGER);"
  "INSERT INTO deletion_requests_new SELECT id,"
  "  CASE WHEN status = 'pending' AND account_id IN (SELECT id FROM accounts) THEN account_id END,"
  "  status, requested_at, due_at, completed_at FROM deletion_requests;"
  "DROP TABLE deletion_requests;"
  "ALTER TABLE deletion_requests_new RENAME TO deletion_requests;"
  "CREATE INDEX deletion_requests_account ON deletion_requests (account_id);"

  "CREATE TABLE match_dismissals_new ("
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,"
  "  at INTEGER NOT NULL,"
  "  PRIMARY KEY (candidate_id, job_id));"
  "INSERT INTO match_dismissals_new SELECT candidate_id, job_id, at FROM match_dismissals"
  "  WHERE candidate_id IN (SELECT id FROM accounts) AND job_id IN (SELECT id FROM jobs);"
  "DROP TABLE match_dismissals;"
  "ALTER TABLE match_dismissals_new RENAME TO match_dismissals;"
  "CREATE INDEX match_dismissals_job ON match_dismissals (job_id);"

  "CREATE TABLE match_objections_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  candidate_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,"
  "  score INTEGER,"
  "  reason TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'received',"
  "  at INTEGER NOT NULL);"
  "INSERT INTO match_objections_new SELECT id, candidate_id,"
  "  CASE WHEN job_id IN (SELECT id FROM jobs) THEN job_id END, score, reason, status, at"
  "  FROM match_objections WHERE candidate_id IN (SELECT id FROM accounts);"
  "DROP TABLE match_objections;"
  "ALTER TABLE match_objections_new RENAME TO match_objections;"
  "CREATE INDEX match_objections_candidate ON match_objections (candidate_id);"

  "CREATE TABLE idempotency_new ("
  "  scope TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,"
  "  request_hash TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body BLOB,"
  "  etag TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (scope, key));"
  /* old records of sign-ins and refreshes hold live tokens: only account-scoped answers
   * without credentials survive (their unkeyed request hashes no longer match) */
  "INSERT INTO idempotency_new (scope, key, account_id, request_hash, status, body, etag, created_at)"
  "  SELECT i.scope, i.key, a.id, i.request_hash, i.status, i.body, i.etag, i.created_at"
  "  FROM idempotency i JOIN accounts a ON i.scope = 'account:' || a.id"
  "  WHERE instr (i.body, 'access_token') = 0 AND instr (i.body, 'refresh_token') = 0;"
  "DROP TABLE idempotency;"
  "ALTER TABLE idempotency_new RENAME TO idempotency;"
  "CREATE INDEX idempotency_created ON idempotency (created_at);"
  "CREATE INDEX idempotency_account ON idempotency (account_id);"

  /* rotated refresh tokens (SHA-256), kept while their session lives: reuse = theft */
  "CREATE TABLE spent_refresh_tokens ("
  "  hash TEXT PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE);"
  "CREATE INDEX spent_refresh_tokens_session ON spent_refresh_tokens (session_id);"

  "DELETE FROM sqlite_sequence WHERE name IN ('accounts', 'jobs');"
  "INSERT INTO sqlite_sequence (name, seq) SELECT 'accounts', accounts FROM temp.id_floor;"
  "INSERT INTO sqlite_sequence (name, seq) SELECT 'jobs', jobs FROM temp.id_floor;"
  "DROP TABLE temp.id_floor;",
  /* 3: employer verification and the operator role (R5.1). SQLite cannot alter a
   * CHECK, so accounts is rebuilt once more, with the same ids and its AUTOINCREMENT
   * floor (migration 2) carried over (foreign keys are off while migrating and checked
   * before the commit); every operator decision is kept (who, when, what). */
  "CREATE TEMP TABLE account_floor AS"
  "  SELECT coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'accounts'), 0) AS seq;"
  "CREATE TABLE accounts_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  email TEXT NOT NULL UNIQUE,"
  "  email_domain TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('candidate', 'employer', 'operator')),"
  "  name TEXT NOT NULL,"
  "  company TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  last_activity_at INTEGER NOT NULL,"
  "  closed_at INTEGER,"
  "  verified_domain TEXT,"
  "  verified_at INTEGER,"
  "  verified_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,"
  "  CHECK ((verified_at IS NULL) = (verified_domain IS NULL)));"
  "INSERT INTO accounts_new (id, email, email_domain, password_hash, role, name, company, created_at,"
  "  last_activity_at, closed_at)"
  "  SELECT id, email, email_domain, password_hash, role, name, company, created_at, last_activity_at, closed_at"
  "  FROM accounts;"
  "DROP TABLE accounts;"
  "ALTER TABLE accounts_new RENAME TO accounts;"
  "DELETE FROM sqlite_sequence WHERE name = 'accounts';"
  "INSERT INTO sqlite_sequence (name, seq)"
  "  SELECT 'accounts', max (seq, coalesce ((SELECT max (id) FROM accounts), 0)) FROM temp.account_floor;"
  "DROP TABLE temp.account_floor;"
  "CREATE INDEX accounts_email_domain ON accounts (email_domain);"
  "CREATE TABLE operator_decisions ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  employer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  operator_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,"
  "  via TEXT NOT NULL CHECK (via IN ('api', 'cli', 'seed')),"
  "  action TEXT NOT NULL CHECK (action IN ('verified', 'verification_revoked')),"
  "  domain TEXT,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX operator_decisions_employer ON operator_decisions (employer_id);",
};

static void
statement_free (gpointer data)
{
  sqlite3_finalize (data);
}

static void
xpz_platform_db_finalize (GObject *object)
{
  XpzPlatformDb *self = XPZ_PLATFORM_DB (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->handle != NULL)
    sqlite3_close_v2 (self->handle);
  g_free (self->path);

  G_OBJECT_CLASS (xpz_platform_db_parent_class)->finalize (object);
}

static void
xpz_platform_db_class_init (XpzPlatformDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xpz_platform_db_finalize;
}

static void
xpz_platform_db_init (XpzPlatformDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            statement_free);
}

static gboolean
set_sqlite_error (XpzPlatformDb  *self,
                  GError        **error,
                  const char     *what)
{
  g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE,
               "%s: %s", what, sqlite3_errmsg (self->handle));
  return FALSE;
}

gboolean
xpz_platform_db_exec (XpzPlatformDb  *self,
                      const char     *sql,
                      GError        **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->handle, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE,
                   "SQL failed: %s", message ? message : "unknown error");
      sqlite3_free (message);
      self->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
foreign_keys_hold (XpzPlatformDb  *self,
                   GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->handle, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "Could not check the foreign keys");
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_MIGRATION,
                 "A row of %s breaks a foreign key", (const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, error, "Could not check the foreign keys");
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* Test only: the SQL of migration @index (bringing the schema to @index + 1). */
const char *
xpz_platform_db_migration_sql (guint index)
{
  return index < G_N_ELEMENTS (migrations) ? migrations[index] : NULL;
}

static gboolean
migrate (XpzPlatformDb  *self,
         GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  guint version = 0;

  if (sqlite3_prepare_v2 (self->handle, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "Could not read the schema version");
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > G_N_ELEMENTS (migrations))
    {
      g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_MIGRATION,
                   "Database schema %u is newer than this server (%u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  /* A migration may rebuild a table (SQLite's way to change its keys): with foreign
   * keys on, dropping the old table would cascade into its children. They are off while
   * migrations run (the pragma is a no-op inside a transaction), and every migration is
   * checked against them before it commits. */
  if (version < G_N_ELEMENTS (migrations) &&
      !xpz_platform_db_exec (self, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  for (; version < G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", version + 1);

      if (!xpz_platform_db_begin (self, error))
        return FALSE;
      if (!xpz_platform_db_exec (self, migrations[version], error) ||
          !xpz_platform_db_exec (self, bump, error) ||
          !foreign_keys_hold (self, error) ||
          !xpz_platform_db_commit (self, error))
        {
          xpz_platform_db_rollback (self);
          xpz_platform_db_exec (self, "PRAGMA foreign_keys = ON", NULL);
          g_prefix_error (error, "Migration %u failed: ", version + 1);
          return FALSE;
        }
    }
  if (!xpz_platform_db_exec (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;
  self->version = version;
  self->failed = FALSE;
  return TRUE;
}

/* The store holds personal data: its file is created 0600 before SQLite opens it (SQLite
 * gives the WAL and SHM the main file's mode), and an existing one is narrowed to 0600. */
static gboolean
create_private (const char  *path,
                GError     **error)
{
  int fd;

  if (*path == '\0' || g_str_equal (path, ":memory:") || g_str_has_prefix (path, "file:"))
    return TRUE;
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_DATABASE,
                   "Could not create the database file privately: %s", g_strerror (saved));
      return FALSE;
    }
  close (fd);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *side = g_strconcat (path, i == 0 ? "-wal" : "-shm", NULL);

      if (g_file_test (side, G_FILE_TEST_EXISTS) && g_chmod (side, 0600) != 0)
        g_warning ("Could not make a database side file private: %s", g_strerror (errno));
    }
  return TRUE;
}

XpzPlatformDb *
xpz_platform_db_open (const char  *path,
                      GError     **error)
{
  g_autoptr(XpzPlatformDb) self = g_object_new (XPZ_TYPE_PLATFORM_DB, NULL);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  if (!create_private (path, error))
    return NULL;
  if (sqlite3_open_v2 (path, &self->handle, flags, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, "Could not open the database");
      return NULL;
    }
  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, 5000);

  if (!xpz_platform_db_exec (self,
                             "PRAGMA journal_mode = WAL;"
                             "PRAGMA synchronous = FULL;"
                             "PRAGMA foreign_keys = ON;"
                             "PRAGMA trusted_schema = OFF;"
                             /* deleted rows are overwritten, whatever the build's default */
                             "PRAGMA secure_delete = ON;",
                             error))
    return NULL;

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

sqlite3 *
xpz_platform_db_get_handle (XpzPlatformDb *self)
{
  return self->handle;
}

guint
xpz_platform_db_get_version (XpzPlatformDb *self)
{
  return self->version;
}

static sqlite3_stmt *
query_valist (XpzPlatformDb *self,
              const char    *sql,
              const char    *types,
              va_list        args)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc = SQLITE_OK;
  int index = 1;

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        {
          g_warning ("Could not prepare SQL “%s”: %s", sql, sqlite3_errmsg (self->handle));
          self->failed = TRUE;
          return NULL;
        }
      g_hash_table_insert (self->statements, g_strdup (sql), stmt);
    }
  else
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }

  for (const char *t = types; t != NULL && *t != '\0' && rc == SQLITE_OK; t++, index++)
    {
      switch (*t)
        {
        case 'i':
          rc = sqlite3_bind_int64 (stmt, index, va_arg (args, gint64));
          break;
        case 's':
          {
            const char *s = va_arg (args, const char *);
            rc = s ? sqlite3_bind_text (stmt, index, s, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null (stmt, index);
          }
          break;
        case 'b':
          {
            const void *data = va_arg (args, const void *);
            gsize len = va_arg (args, gsize);
            rc = sqlite3_bind_blob64 (stmt, index, data ? data : "", len, SQLITE_TRANSIENT);
          }
          break;
        case 'n':
          rc = sqlite3_bind_null (stmt, index);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  if (rc != SQLITE_OK)
    {
      g_warning ("Could not bind SQL “%s”: %s", sql, sqlite3_errmsg (self->handle));
      self->failed = TRUE;
      return NULL;
    }
  return stmt;
}

/* Returns a cached, reset, bound statement (owned by the db), or NULL on failure. */
sqlite3_stmt *
xpz_platform_db_query (XpzPlatformDb *self,
                       const char    *sql,
                       const char    *types,
                       ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, types);
  stmt = query_valist (self, sql, types, args);
  va_end (args);
  return stmt;
}

static gboolean
step_done (XpzPlatformDb *self,
           sqlite3_stmt  *stmt,
           const char    *sql)
{
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      g_warning ("SQL “%s” failed: %s", sql, sqlite3_errmsg (self->handle));
      self->failed = TRUE;
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
xpz_platform_db_run (XpzPlatformDb *self,
                     const char    *sql,
                     const char    *types,
                     ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, types);
  stmt = query_valist (self, sql, types, args);
  va_end (args);
  return step_done (self, stmt, sql);
}

gint64
xpz_platform_db_int (XpzPlatformDb *self,
                     gint64         fallback,
                     const char    *sql,
                     const char    *types,
                     ...)
{
  sqlite3_stmt *stmt;
  gint64 value = fallback;
  va_list args;
  int rc;

  va_start (args, types);
  stmt = query_valist (self, sql, types, args);
  va_end (args);
  if (stmt == NULL)
    return fallback;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_warning ("SQL “%s” failed: %s", sql, sqlite3_errmsg (self->handle));
      self->failed = TRUE;
    }
  sqlite3_reset (stmt);
  return value;
}

char *
xpz_platform_db_text (XpzPlatformDb *self,
                      const char    *sql,
                      const char    *types,
                      ...)
{
  sqlite3_stmt *stmt;
  char *value = NULL;
  va_list args;
  int rc;

  va_start (args, types);
  stmt = query_valist (self, sql, types, args);
  va_end (args);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      g_warning ("SQL “%s” failed: %s", sql, sqlite3_errmsg (self->handle));
      self->failed = TRUE;
    }
  sqlite3_reset (stmt);
  return value;
}

gboolean
xpz_platform_db_begin (XpzPlatformDb  *self,
                       GError        **error)
{
  if (sqlite3_exec (self->handle, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error, "Could not begin a transaction");
  return TRUE;
}

gboolean
xpz_platform_db_commit (XpzPlatformDb  *self,
                        GError        **error)
{
  if (sqlite3_exec (self->handle, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, "Could not commit");
      xpz_platform_db_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
xpz_platform_db_rollback (XpzPlatformDb *self)
{
  if (!sqlite3_get_autocommit (self->handle))
    sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
xpz_platform_db_in_transaction (XpzPlatformDb *self)
{
  return !sqlite3_get_autocommit (self->handle);
}

gboolean
xpz_platform_db_failed (XpzPlatformDb *self)
{
  return self->failed;
}

void
xpz_platform_db_clear_failed (XpzPlatformDb *self)
{
  self->failed = FALSE;
}

gint64
xpz_platform_db_last_insert_id (XpzPlatformDb *self)
{
  return sqlite3_last_insert_rowid (self->handle);
}

int
xpz_platform_db_changes (XpzPlatformDb *self)
{
  return sqlite3_changes (self->handle);
}
