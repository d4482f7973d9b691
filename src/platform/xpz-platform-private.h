/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "xpz-platform-db.h"
#include "xpz-platform-matching.h"
#include "xpz-platform-server.h"

G_BEGIN_DECLS

/* Internal to libxpz-platform: the server's state and the request context that every
 * handler module (auth, candidate, employer, rights, feed, insights) works with. */

typedef struct _XpzPlatformFaults XpzPlatformFaults;

typedef struct _XpzPlatformEdge XpzPlatformEdge;  /* xpz-platform-edge.c */

struct _XpzPlatformServer
{
  GObject             parent_instance;

  XpzPlatformOptions  options;
  char               *faults_spec;
  char               *db_path;
  XpzPlatformDb      *db;
  XpzPlatformMatcher *matcher;
  XpzPlatformFaults  *faults;
  GRecMutex           lock;        /* held while a request or an admin call runs */
  GMutex              clock_lock;
  gint64              fixed_now;   /* 0: the real clock */
  guint8              secret[32];  /* signs change-feed cursors */
  guint8              handle_key[16];  /* per-job candidate handles (xpz-platform-handles.c) */
  GHashTable         *sign_in_attempts;  /* normalised email → GArray of gint64 times */
  gboolean            pwhash_min;

  /* Password hashing off the server thread (R3.4): argon2id runs on this pool; the
   * paused request is completed on @context. Guarded by pwhash_lock. */
  GThreadPool        *pwhash_pool;
  GMainContext       *context;     /* where requests are handled */
  GMutex              pwhash_lock;
  GCond               pwhash_cond;
  GHashTable         *pwhash_done; /* XpzPwhashJob * whose completion is pending */
  guint               pwhash_queued;   /* jobs in the pool (queued or running) */
  gboolean            pwhash_hold;     /* test only: workers wait until released */
  guint               pwhash_holding;  /* test only: workers waiting on the hold */
  gboolean            stopping;
  GHashTable         *address_failures;  /* client address → GArray of gint64 times */

  /* The network edge (xpz-platform-edge.c) */
  gint                edge_refused_bytes;  /* test hook: body bytes read when the last 413 was sent */
  XpzPlatformEdge    *edge;                /* the open connections, for their caps */

  SoupServer         *soup;
  char               *url;
  GThread            *thread;
  GMainContext       *thread_context;
  GMainLoop          *thread_loop;
  GMutex              start_lock;
  GCond               start_cond;
  gboolean            thread_ready;
  GError             *thread_error;
  char               *thread_address;
  guint16             thread_port;
};

typedef struct
{
  XpzPlatformServer  *server;
  XpzPlatformDb      *db;
  SoupServerMessage  *msg;
  const char         *method;
  char              **segs;        /* path segments after /api/v1 */
  guint               n_segs;
  GHashTable         *query;       /* may be NULL */
  JsonNode           *body;        /* parsed JSON body, or NULL */
  gint64              now;
  const char         *ip;
  const char         *client;

  /* authenticated account, after xpz_request_auth() */
  gint64              account_id;
  char               *role;
  char               *email_domain;
  gint64              session_id;

  /* response */
  guint               status;
  char               *response;
  gsize               response_len;
  char               *etag;
  char               *retry_after;
  gboolean            commit_on_error;

  /* Password hashing (R3.4): a handler that needs argon2id sets @pwhash_want and
   * returns without answering; the server runs it on its pool and calls the handler
   * again with @pwhash holding the result. */
  struct _XpzPwhashWork *pwhash_want;
  struct _XpzPwhashWork *pwhash;
} XpzRequest;

/* What a request asks the hashing pool to do, and its result. */
typedef struct _XpzPwhashWork
{
  gboolean              create;    /* TRUE: hash @password; FALSE: verify it against @stored */
  char                 *password;  /* wiped when freed */
  char                 *stored;    /* the stored hash, or NULL (unknown email: a hash of
                                    * the same cost is computed instead) */
  XpzPlatformPwhashCost cost;
  gboolean              verified;  /* result of a verification */
  char                 *hash;      /* result of a creation, or NULL on failure */
} XpzPwhashWork;

XpzPwhashWork *xpz_pwhash_work_new             (gboolean           create,
                                                const char        *password,
                                                const char        *stored,
                                                XpzPlatformPwhashCost cost);
void        xpz_pwhash_work_free               (XpzPwhashWork     *work);
void        xpz_pwhash_work_run                (XpzPwhashWork     *work);
/* The route table (xpz-platform-server.c): one row per method and path. The table
 * alone answers 404 (unknown path), 405 with Allow (known path, other method), 415 (a
 * JSON row's body that is not application/json) and the role check (401/403); then
 * the row's handler runs. Adding an endpoint is adding a row. */
typedef enum
{
  XPZ_ROUTE_ANYONE,      /* no token needed (the handler may still look at one) */
  XPZ_ROUTE_SIGNED_IN,   /* any valid access token */
  XPZ_ROUTE_CANDIDATE,
  XPZ_ROUTE_EMPLOYER,
  XPZ_ROUTE_OPERATOR,
} XpzRouteRole;

typedef enum
{
  XPZ_ROUTE_BODY_NONE,      /* a body is not read */
  XPZ_ROUTE_BODY_JSON,      /* optional; application/json, parsed strictly into req->body */
  XPZ_ROUTE_BODY_DOCUMENT,  /* raw bytes of the file's own type, not parsed */
} XpzRouteBody;

typedef void (*XpzRouteHandler) (XpzRequest *req);

typedef struct
{
  const char      *method;
  const char      *pattern;   /* segments after /api/v1; "{id}" matches any one segment */
  XpzRouteRole     role;
  XpzRouteBody     body;
  XpzRouteHandler  handler;
} XpzRoute;

/* server.c */
gint64      xpz_platform_server_now_locked     (XpzPlatformServer *self);
void        xpz_request_json                   (XpzRequest        *req,
                                                guint              status,
                                                JsonNode          *node);  /* takes node */
void        xpz_request_object                 (XpzRequest        *req,
                                                guint              status,
                                                JsonObject        *object);  /* takes object */
void        xpz_request_error                  (XpzRequest        *req,
                                                guint              status,
                                                const char        *code,
                                                const char        *message);
void        xpz_request_no_content             (XpzRequest        *req);
gboolean    xpz_request_auth                   (XpzRequest        *req,
                                                const char        *role);
JsonObject *xpz_request_body_object            (XpzRequest        *req);
gboolean    xpz_request_check_if_match         (XpzRequest        *req,
                                                const char        *current_etag);
gboolean    xpz_request_parse_id               (XpzRequest        *req,
                                                guint              seg,
                                                gint64            *id);
const char *xpz_request_query                  (XpzRequest        *req,
                                                const char        *name);
void        xpz_request_db_failed              (XpzRequest        *req);

/* json helpers */
char       *xpz_platform_json_to_string        (JsonNode          *node,
                                                gsize             *length);
char       *xpz_platform_json_canonical        (JsonNode          *node);
JsonNode   *xpz_platform_json_parse            (const char        *text,
                                                gssize             length,
                                                guint              max_depth,
                                                GError           **error);
JsonObject *xpz_platform_json_parse_object     (const char        *text);
char       *xpz_platform_clean_document_name   (const char        *name);
void        xpz_platform_json_append_string    (GString           *out,
                                                const char        *s);
char       *xpz_platform_sha256_hex            (const void        *data,
                                                gsize              length);
char       *xpz_platform_iso8601               (gint64             unix_seconds);
void        xpz_platform_set_time              (JsonObject        *object,
                                                const char        *member,
                                                gint64             unix_seconds);

/* auth.c */
void        xpz_platform_auth_sign_up          (XpzRequest        *req);
void        xpz_platform_auth_sign_in          (XpzRequest        *req);
void        xpz_platform_auth_refresh          (XpzRequest        *req);
void        xpz_platform_auth_sign_out_everywhere (XpzRequest        *req);
void        xpz_platform_auth_sign_out         (XpzRequest        *req);
char       *xpz_platform_auth_hash_password    (XpzPlatformServer *self,
                                                const char        *password);
gint64      xpz_platform_auth_create_account   (XpzPlatformServer *self,
                                                const char        *email,
                                                const char        *password_hash,
                                                const char        *role,
                                                const char        *name,
                                                const char        *company,
                                                gint64             now);
void        xpz_platform_auth_me               (XpzRequest        *req);
void        xpz_platform_auth_sign_ins         (XpzRequest        *req);
void        xpz_platform_touch_activity        (XpzRequest        *req);

/* candidate.c */
void        xpz_platform_candidate_get_profile (XpzRequest        *req);
void        xpz_platform_candidate_put_profile (XpzRequest        *req);
void        xpz_platform_candidate_documents   (XpzRequest        *req);
void        xpz_platform_candidate_matches     (XpzRequest        *req);
void        xpz_platform_candidate_match_feedback (XpzRequest        *req);
void        xpz_platform_candidate_introductions (XpzRequest        *req);
void        xpz_platform_candidate_privacy     (XpzRequest        *req);
void        xpz_platform_candidate_shares      (XpzRequest        *req);
void        xpz_platform_candidate_blocked_employers (XpzRequest        *req);
void        xpz_platform_candidate_ledger      (XpzRequest        *req);
gboolean    xpz_platform_profile_validate      (JsonObject        *profile,
                                                char             **message);
JsonObject *xpz_platform_load_profile          (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                gint64            *version);
gboolean    xpz_platform_store_profile         (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                JsonObject        *profile,
                                                gint64             now);
void        xpz_platform_refresh_candidate     (XpzPlatformServer *self,
                                                gint64             candidate_id);
guint8      xpz_platform_privacy_flags         (XpzPlatformServer *self,
                                                gint64             candidate_id);
void        xpz_platform_reload_blocks         (XpzPlatformServer *self,
                                                gint64             candidate_id);
gboolean    xpz_platform_has_share             (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                gint64             employer_id,
                                                gint64             job_id);
void        xpz_platform_auto_share_candidate  (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                gint64             now);
void        xpz_platform_auto_share_job        (XpzPlatformServer *self,
                                                gint64             job_id,
                                                gint64             now);
gint64      xpz_platform_create_share          (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                gint64             employer_id,
                                                gint64             job_id,
                                                const char        *basis,
                                                gint64             now);
JsonNode   *xpz_platform_candidate_match_json  (XpzPlatformServer *self,
                                                const XpzCandidateVec *candidate,
                                                const XpzJobVec   *job);
gboolean    xpz_platform_match_feedback_ensure (XpzPlatformDb     *db);
gboolean    xpz_platform_match_dismissed       (XpzPlatformDb     *db,
                                                gint64             candidate_id,
                                                gint64             job_id);
JsonObject *xpz_platform_privacy_json          (XpzPlatformServer *self,
                                                gint64             candidate_id);
JsonNode   *xpz_platform_job_public_json       (XpzPlatformServer *self,
                                                gint64             job_id);
JsonNode   *xpz_platform_job_owner_json        (XpzPlatformServer *self,
                                                gint64             job_id);
void        xpz_platform_emit_change           (XpzPlatformServer *self,
                                                gint64             account_id,
                                                const char        *kind,
                                                const char        *entity,
                                                gint64             now);
void        xpz_platform_emit_visibility       (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                gint64             now);

/* operator.c */
void        xpz_platform_operator_list_employers (XpzRequest      *req);
void        xpz_platform_operator_list_decisions (XpzRequest      *req);
void        xpz_platform_operator_verify       (XpzRequest        *req);
void        xpz_platform_operator_unverify     (XpzRequest        *req);
char       *xpz_platform_domain_normalise      (const char        *domain);
gboolean    xpz_platform_free_mail_domain      (const char        *domain);
gboolean    xpz_platform_employer_verified     (XpzPlatformServer *self,
                                                gint64             employer_id);
gboolean    xpz_platform_share_disclosed       (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                gint64             employer_id,
                                                gint64             job_id);
char       *xpz_platform_employer_organisation (XpzPlatformServer *self,
                                                gint64             employer_id);
gboolean    xpz_platform_auto_share_allowed    (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                gint64             employer_id,
                                                gint64             now);
JsonObject *xpz_platform_verification_json     (XpzPlatformServer *self,
                                                gint64             employer_id);
const char *xpz_platform_set_verification      (XpzPlatformServer *self,
                                                gint64             employer_id,
                                                gboolean           verified,
                                                gint64             operator_id,
                                                const char        *via,
                                                gint64             now);

/* employer.c */
void        xpz_platform_drop_connection       (SoupServerMessage *msg);
void        xpz_platform_employer_list_jobs    (XpzRequest        *req);
GArray     *xpz_platform_employer_job_ids      (XpzPlatformDb     *db,
                                                gint64             employer_id);
void        xpz_platform_employer_create_job   (XpzRequest        *req);
void        xpz_platform_employer_get_job      (XpzRequest        *req);
void        xpz_platform_employer_put_job      (XpzRequest        *req);
void        xpz_platform_employer_delete_job   (XpzRequest        *req);
void        xpz_platform_employer_list_matches (XpzRequest        *req);
void        xpz_platform_employer_get_match    (XpzRequest        *req);
void        xpz_platform_employer_put_match    (XpzRequest        *req);
void        xpz_platform_employer_request_introduction (XpzRequest        *req);
void        xpz_platform_employer_shared_document (XpzRequest        *req);
gboolean    xpz_platform_job_validate          (JsonObject        *job,
                                                char             **message);
gint64      xpz_platform_store_job             (XpzPlatformServer *self,
                                                gint64             job_id,
                                                gint64             employer_id,
                                                JsonObject        *job,
                                                gint64             now,
                                                gboolean           emit);
JsonNode   *xpz_platform_employer_match_json   (XpzPlatformServer *self,
                                                const XpzCandidateVec *candidate,
                                                const XpzJobVec   *job,
                                                const XpzScore    *score);

/* Preloaded per-job state, so that rendering thousands of matches costs no query each. */
typedef struct
{
  gint64      job_id;
  GHashTable *shared;     /* candidate id → 1 (active share) */
  GHashTable *pipeline;   /* candidate id → "stage\0note" (g_malloc'd) */
  GHashTable *introductions;  /* candidate id → "pending", "accepted" or "declined" */
  GHashTable *dismissed;  /* candidate ids who said "not interested" in the job */
} XpzJobContext;

gboolean    xpz_platform_employer_lists        (XpzPlatformServer *self,
                                                XpzCandidateVec   *candidate,
                                                XpzJobVec         *job,
                                                XpzJobContext     *context,
                                                XpzScore          *score);

void        xpz_platform_job_context_load      (XpzPlatformServer *self,
                                                XpzJobContext     *context,
                                                const XpzJobVec   *job);
void        xpz_platform_job_context_clear     (XpzJobContext     *context);
gboolean    xpz_platform_employer_match_append (XpzPlatformServer *self,
                                                const XpzCandidateVec *candidate,
                                                const XpzJobVec   *job,
                                                const XpzScore    *score,
                                                XpzJobContext     *context,
                                                GString           *out);
JsonNode   *xpz_platform_employer_match_json_with (XpzPlatformServer *self,
                                                   const XpzCandidateVec *candidate,
                                                   const XpzJobVec   *job,
                                                   const XpzScore    *score,
                                                   XpzJobContext     *context);

/* ledger.c */
gboolean    xpz_platform_ledger_append         (XpzPlatformServer *self,
                                                gint64             candidate_id,
                                                const char        *kind,
                                                JsonObject        *detail,  /* takes */
                                                gint64             now);
JsonObject *xpz_platform_ledger_json           (XpzPlatformServer *self,
                                                gint64             candidate_id);

/* rights.c */
void        xpz_platform_rights_policy         (XpzRequest        *req);
void        xpz_platform_rights_deletion_status (XpzRequest        *req);
void        xpz_platform_rights_export_all     (XpzRequest        *req);
void        xpz_platform_rights_export_resume  (XpzRequest        *req);
void        xpz_platform_rights_deletion_request (XpzRequest        *req);
void        xpz_platform_rights_retention      (XpzRequest        *req);
void        xpz_platform_rights_policy_acceptances (XpzRequest        *req);
void        xpz_platform_rights_accept_policy  (XpzRequest        *req);
guint       xpz_platform_rights_complete_due   (XpzPlatformServer *self,
                                                gint64             now);
JsonObject *xpz_platform_resume_json           (JsonObject        *profile);

/* feed.c */
void        xpz_platform_feed_changes          (XpzRequest        *req);

/* insights.c */
void        xpz_platform_insights_salaries        (XpzRequest        *req);

/* seed.c */
gboolean    xpz_platform_seed_demo             (XpzPlatformServer *self,
                                                GError           **error);
gboolean    xpz_platform_seed_scale            (XpzPlatformServer *self,
                                                guint              n,
                                                GError           **error);
void        xpz_platform_load_matcher          (XpzPlatformServer *self);

/* faults.c */
typedef enum
{
  XPZ_FAULT_NONE,
  XPZ_FAULT_STATUS,     /* answer with a status code */
  XPZ_FAULT_MALFORMED,  /* answer 200 with malformed JSON */
  XPZ_FAULT_DROP,       /* process (and commit), then drop the connection */
  XPZ_FAULT_DELAY,      /* process after a delay */
} XpzFaultKind;

typedef struct
{
  XpzFaultKind kind;
  guint        status;
  guint        delay_ms;
} XpzFault;

XpzPlatformFaults *xpz_platform_faults_parse   (const char        *spec,
                                                GError           **error);
void               xpz_platform_faults_free    (XpzPlatformFaults *faults);
gboolean           xpz_platform_faults_match   (XpzPlatformFaults *faults,
                                                const char        *method,
                                                const char        *path,
                                                XpzFault          *fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzPlatformFaults, xpz_platform_faults_free)

/* Per-job candidate handles (xpz-platform-handles.c) */
void    xpz_platform_handles_init          (XpzPlatformServer       *self);
gint64  xpz_platform_candidate_handle      (const XpzPlatformServer *self,
                                            gint64                   job_id,
                                            gint64                   candidate_id);
gint64  xpz_platform_candidate_from_handle (const XpzPlatformServer *self,
                                            gint64                   job_id,
                                            gint64                   handle);

/* xpz-platform-edge.c: body, stall and connection limits as requests arrive (R3.4) */
void               xpz_platform_edge_attach    (XpzPlatformServer *self,
                                                SoupServer        *soup);
void               xpz_platform_edge_free      (XpzPlatformEdge   *edge);
guint              xpz_platform_edge_count_connections (XpzPlatformServer *self,
                                                        const char        *address);
gboolean           xpz_platform_edge_wait_connections (XpzPlatformServer *self,
                                                       const char        *address,
                                                       guint              open,
                                                       gint64             timeout_us);
gboolean           xpz_platform_edge_wait_busy (XpzPlatformServer *self,
                                                const char        *address,
                                                guint              busy,
                                                gint64             timeout_us);

G_END_DECLS
