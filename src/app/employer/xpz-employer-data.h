/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xpz-account.h"

G_BEGIN_DECLS

/* The employer area's reads and writes. Every one runs on the store's worker; a write
 * changes the local rows and queues the platform request (the outbox) in the same
 * transaction, so it holds offline and is sent by the sync engine. */

#define XPZ_EMPLOYER_ERROR (xpz_employer_error_quark ())

typedef enum
{
  XPZ_EMPLOYER_ERROR_INVALID,
  XPZ_EMPLOYER_ERROR_NOT_SENT,   /* a new posting not published yet */
  XPZ_EMPLOYER_ERROR_NOT_FOUND,
} XpzEmployerError;

GQuark xpz_employer_error_quark (void);

typedef struct
{
  gint64  id;
  char   *remote_id;
  char   *title;
  char   *location;
  char   *status;        /* "open" or "closed" */
  guint   n_matches;
  JsonObject *job;       /* the posting in the platform's Job shape */
} XpzEmployerJob;

typedef struct
{
  gint64      match_id;
  char       *job_remote_id;
  char       *candidate_remote_id;
  gboolean    shared;
  char       *stage;
  char       *note;            /* decrypted */
  char       *intro_status;
  char       *intro_message;
  /* only while shared (decrypted) */
  char       *full_name;
  char       *email;
  char       *phone;
  char       *linkedin_url;
  JsonObject *profile;         /* basics, work, education, skills, languages, documents */
} XpzEmployerMatchInfo;

void               xpz_employer_job_free              (XpzEmployerJob          *job);
void               xpz_employer_match_info_free     (XpzEmployerMatchInfo  *detail);

/* Checks a posting (the platform's Job shape) as the platform would; a message for the
 * user otherwise. */
gboolean           xpz_employer_validate_job          (JsonObject              *job,
                                                       GError                 **error);

void               xpz_employer_list_jobs_async       (XpzAccount              *account,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
GPtrArray         *xpz_employer_list_jobs_finish      (XpzAccount              *account,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
/* @job_id 0: a new posting. Returns the local id. */
void               xpz_employer_save_job_async        (XpzAccount              *account,
                                                       gint64                   job_id,
                                                       JsonObject              *job,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gint64             xpz_employer_save_job_finish       (XpzAccount              *account,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
void               xpz_employer_set_job_open_async    (XpzAccount              *account,
                                                       gint64                   job_id,
                                                       gboolean                 open,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean           xpz_employer_write_finish          (XpzAccount              *account,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
/* Stage and note together (the platform's PUT takes both). */
void               xpz_employer_set_pipeline_async    (XpzAccount              *account,
                                                       gint64                   match_id,
                                                       const char              *stage,
                                                       const char              *note,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
/* The stage alone (the note is kept). */
void               xpz_employer_set_stage_async       (XpzAccount              *account,
                                                       gint64                   match_id,
                                                       const char              *stage,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
void               xpz_employer_request_intro_async   (XpzAccount              *account,
                                                       gint64                   match_id,
                                                       const char              *message,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
void               xpz_employer_read_detail_async     (XpzAccount              *account,
                                                       gint64                   match_id,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
XpzEmployerMatchInfo *
                   xpz_employer_read_detail_finish    (XpzAccount              *account,
                                                       GAsyncResult            *result,
                                                       GError                 **error);

/* The platform's stage names, in pipeline order, and their translated labels. */
const char * const *xpz_employer_stages               (void);
const char        *xpz_employer_stage_label           (const char              *stage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzEmployerJob, xpz_employer_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzEmployerMatchInfo, xpz_employer_match_info_free)

G_END_DECLS
