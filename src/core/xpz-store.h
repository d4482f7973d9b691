/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The schema version this build knows (PRAGMA user_version). */
#define XPZ_STORE_SCHEMA_VERSION 8

#define XPZ_STORE_ERROR (xpz_store_error_quark ())

typedef enum
{
  XPZ_STORE_ERROR_FAILED,
  XPZ_STORE_ERROR_NOT_OPEN,
  XPZ_STORE_ERROR_CORRUPT,        /* moved aside; rebuild from the platform */
  XPZ_STORE_ERROR_NEWER_VERSION,  /* written by a newer app; refused */
  XPZ_STORE_ERROR_FULL,           /* disk or quota full; nothing written */
  XPZ_STORE_ERROR_READ_ONLY,      /* data dir or file not writable */
  XPZ_STORE_ERROR_MIGRATION,
  XPZ_STORE_ERROR_NO_KEY,         /* encrypted data needs the account key */
  XPZ_STORE_ERROR_NOT_FOUND,
  XPZ_STORE_ERROR_CONSTRAINT,
} XpzStoreError;

typedef enum
{
  XPZ_STORE_CHANGE_INSERTED,
  XPZ_STORE_CHANGE_UPDATED,
  XPZ_STORE_CHANGE_DELETED,
  XPZ_STORE_CHANGE_RESET,   /* many rows: reload */
} XpzStoreChange;

typedef struct
{
  char *full_name;
  char *email;
  char *phone;
  char *linkedin_url;
  char *address;
} XpzContact;

typedef struct
{
  const char *remote_id;
  const char *title;
  const char *company;
  const char *location;
  const char *skills;
  const char *description;
} XpzJobInput;

#define XPZ_TYPE_STORE (xpz_store_get_type ())

G_DECLARE_FINAL_TYPE (XpzStore, xpz_store, XPZ, STORE, GObject)

/* Runs on the store's thread (worker or caller for the _sync API) inside one
 * transaction (BEGIN IMMEDIATE when the request writes). Return a result, or
 * %NULL and set @error to roll back. */
typedef gpointer (*XpzStoreFunc) (XpzStore      *store,
                                  sqlite3       *db,
                                  gpointer       data,
                                  GCancellable  *cancellable,
                                  GError       **error);

GQuark      xpz_store_error_quark      (void);

XpzContact *xpz_contact_new            (void);
void        xpz_contact_free           (XpzContact *contact);

XpzStore   *xpz_store_new              (const char           *account_id);
const char *xpz_store_get_account_id   (XpzStore             *self);
const char *xpz_store_get_path         (XpzStore             *self);
const char *xpz_store_get_directory    (XpzStore             *self);
gboolean    xpz_store_get_keep_backups (XpzStore             *self);
void        xpz_store_set_keep_backups (XpzStore             *self,
                                        gboolean              keep_backups);
gboolean    xpz_store_is_open          (XpzStore             *self);
int         xpz_store_get_schema_version (XpzStore           *self);

gboolean    xpz_store_open             (XpzStore             *self,
                                        GBytes               *key,
                                        GError              **error);
void        xpz_store_open_async       (XpzStore             *self,
                                        GBytes               *key,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean    xpz_store_open_finish      (XpzStore             *self,
                                        GAsyncResult         *result,
                                        GError              **error);
void        xpz_store_close            (XpzStore             *self);

/* Generic requests */
gpointer    xpz_store_run_sync         (XpzStore             *self,
                                        gboolean              write,
                                        XpzStoreFunc          func,
                                        gpointer              data,
                                        GError              **error);
void        xpz_store_run_async        (XpzStore             *self,
                                        gboolean              write,
                                        XpzStoreFunc          func,
                                        gpointer              data,
                                        GDestroyNotify        data_free,
                                        GDestroyNotify        result_free,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gpointer    xpz_store_run_finish       (XpzStore             *self,
                                        GAsyncResult         *result,
                                        GError              **error);
/* For tests: how many requests ran on their caller's thread */
guint       xpz_store_get_n_sync_runs  (XpzStore             *self);

/* For XpzStoreFunc implementations */
void        xpz_store_record_change    (XpzStore             *self,
                                        const char           *table,
                                        gint64                row_id,
                                        XpzStoreChange        change);
void        xpz_store_request_checkpoint (XpzStore           *self);
gboolean    xpz_store_step_done        (sqlite3              *db,
                                        sqlite3_stmt         *stmt,
                                        GError              **error);
gboolean    xpz_store_bind_sealed      (sqlite3_stmt         *stmt,
                                        int                   index,
                                        GBytes               *key,
                                        const char           *table,
                                        const char           *column,
                                        gint64                row_id,
                                        const guint8         *data,
                                        gsize                 length,
                                        GError              **error);
void        xpz_store_bind_text_or_null (sqlite3_stmt        *stmt,
                                         int                  index,
                                         const char          *text);
void        xpz_store_set_sqlite_error (sqlite3              *db,
                                        int                   rc,
                                        GError              **error);

/* Contact (encrypted, validated) */
gboolean    xpz_store_set_contact      (XpzStore             *self,
                                        const XpzContact     *contact,
                                        GError              **error);
XpzContact *xpz_store_get_contact      (XpzStore             *self,
                                        GError              **error);
void        xpz_store_set_contact_async  (XpzStore           *self,
                                          const XpzContact   *contact,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean    xpz_store_set_contact_finish (XpzStore           *self,
                                          GAsyncResult       *result,
                                          GError            **error);
void        xpz_store_get_contact_async  (XpzStore           *self,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
XpzContact *xpz_store_get_contact_finish (XpzStore           *self,
                                          GAsyncResult       *result,
                                          GError            **error);

/* Salary expectation (validated) */
gboolean    xpz_store_set_salary       (XpzStore             *self,
                                        gboolean              has_min,
                                        gint64                min,
                                        gboolean              has_max,
                                        gint64                max,
                                        const char           *currency,
                                        const char           *period,
                                        GError              **error);
char       *xpz_store_get_salary_currency (XpzStore          *self,
                                           GError           **error);

/* Experience (validated dates) */
gint64      xpz_store_add_experience   (XpzStore             *self,
                                        const char           *title,
                                        const char           *organisation,
                                        const char           *start_date,
                                        const char           *end_date,
                                        GError              **error);
gboolean    xpz_store_delete_experience (XpzStore            *self,
                                         gint64               id,
                                         GError             **error);

/* Documents (encrypted) */
gint64      xpz_store_add_document     (XpzStore             *self,
                                        const char           *file_name,
                                        const char           *mime_type,
                                        GBytes               *content,
                                        GError              **error);
GBytes     *xpz_store_get_document     (XpzStore             *self,
                                        gint64                id,
                                        char                **file_name,
                                        GError              **error);
gboolean    xpz_store_delete_document  (XpzStore             *self,
                                        gint64                id,
                                        GError              **error);
void        xpz_store_add_document_async  (XpzStore          *self,
                                           const char        *file_name,
                                           const char        *mime_type,
                                           GBytes            *content,
                                           GCancellable      *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer           user_data);
gint64      xpz_store_add_document_finish (XpzStore          *self,
                                           GAsyncResult      *result,
                                           GError           **error);
void        xpz_store_delete_document_async  (XpzStore       *self,
                                              gint64          id,
                                              GCancellable   *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer        user_data);
gboolean    xpz_store_delete_document_finish (XpzStore       *self,
                                              GAsyncResult   *result,
                                              GError        **error);

/* Jobs and candidates (full-text searchable) */
gint64      xpz_store_add_job          (XpzStore             *self,
                                        const XpzJobInput    *job,
                                        GError              **error);
gboolean    xpz_store_add_jobs         (XpzStore             *self,
                                        const XpzJobInput    *jobs,
                                        gsize                 n_jobs,
                                        GError              **error);
gboolean    xpz_store_delete_job       (XpzStore             *self,
                                        gint64                id,
                                        GError              **error);
GArray     *xpz_store_search_jobs      (XpzStore             *self,
                                        const char           *query,
                                        guint                 limit,
                                        GError              **error);
void        xpz_store_search_jobs_async  (XpzStore           *self,
                                          const char         *query,
                                          guint               limit,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
GArray     *xpz_store_search_jobs_finish (XpzStore           *self,
                                          GAsyncResult       *result,
                                          GError            **error);
gint64      xpz_store_add_candidate    (XpzStore             *self,
                                        const char           *remote_id,
                                        const char           *headline,
                                        const char           *skills,
                                        const char           *location,
                                        GError              **error);
gboolean    xpz_store_delete_candidate (XpzStore             *self,
                                        gint64                id,
                                        GError              **error);
GArray     *xpz_store_search_candidates (XpzStore            *self,
                                         const char          *query,
                                         guint                limit,
                                         GError             **error);

/* Account erasure (R7.2): closes the store and removes the account's whole
 * directory (database, WAL, backups, set-aside copies). */
gboolean    xpz_store_erase            (XpzStore             *self,
                                        GError              **error);
void        xpz_store_erase_async      (XpzStore             *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean    xpz_store_erase_finish     (XpzStore             *self,
                                        GAsyncResult         *result,
                                        GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzContact, xpz_contact_free)

G_END_DECLS
