/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Demo accounts created by xpz_platform_server_seed_demo() (and --seed-demo). */
#define XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL "demo.candidate@xpertaize.test"
#define XPZ_PLATFORM_DEMO_RECRUITER_EMAIL "demo.recruiter@xpertaize.test"
#define XPZ_PLATFORM_DEMO_PASSWORD        "demo-password-2026"

#define XPZ_PLATFORM_ERROR (xpz_platform_error_quark ())

typedef enum
{
  XPZ_PLATFORM_ERROR_FAILED,
  XPZ_PLATFORM_ERROR_DATABASE,
  XPZ_PLATFORM_ERROR_MIGRATION,
  XPZ_PLATFORM_ERROR_INVALID,
  XPZ_PLATFORM_ERROR_LISTEN,
} XpzPlatformError;

GQuark xpz_platform_error_quark (void);

/**
 * XpzPlatformPwhashCost:
 * @XPZ_PLATFORM_PWHASH_INTERACTIVE: argon2id with libsodium's INTERACTIVE limits
 *   (production default)
 * @XPZ_PLATFORM_PWHASH_MIN: argon2id with the minimum limits (tests, seeding)
 */
typedef enum
{
  XPZ_PLATFORM_PWHASH_INTERACTIVE,
  XPZ_PLATFORM_PWHASH_MIN,
} XpzPlatformPwhashCost;

/**
 * XpzPlatformOptions:
 *
 * Server options. Initialise with xpz_platform_options_init() and change fields.
 * Strings are copied by xpz_platform_server_new().
 */
typedef struct
{
  guint                 k_anonymity;        /* insights: smallest published group (>= 2), default 5 */
  XpzPlatformPwhashCost pwhash_cost;        /* default INTERACTIVE */
  guint                 share_threshold;    /* automatic sharing: score needed, default 60 */
  guint                 list_min_score;     /* smallest score listed as a match, default 20 */
  gsize                 max_body_size;      /* bytes, default 12 MiB */
  guint                 max_json_depth;     /* default 32 */
  guint                 sign_in_limit;      /* failed sign-ins per account per window, default 5 */
  guint                 sign_in_window;     /* seconds, default 900 */
  gint64                access_ttl;         /* seconds, default 3600 */
  gint64                refresh_ttl;        /* seconds, default 30 days */
  guint                 sign_in_address_limit;  /* failed sign-ins per client address per window, default 20 */
  guint                 pwhash_threads;     /* argon2id worker threads; 0: one less than the CPUs (≥ 1) */
  guint                 pwhash_queue;       /* hashing jobs accepted at once (else 503), default 16 */
  guint                 stall_timeout;      /* seconds for the headers, then
                                             * between chunks of the body; default 10, 0: none */
  const char           *faults;             /* fault-injection spec; NULL: none (see docs) */
  guint                 new_employer_daily_shares;  /* automatic shares: new candidates per 24 h in an
                                                     * employer's first 30 days verified, default 20 */
  guint                 max_connections_per_address;  /* open connections from one client
                                                       * address, default 256, 0: no cap */
  guint                 max_connections;    /* open connections in all, default 1000 (never more
                                             * than the open-file limit allows), 0: no cap */
} XpzPlatformOptions;

void xpz_platform_options_init (XpzPlatformOptions *options);

#define XPZ_TYPE_PLATFORM_SERVER (xpz_platform_server_get_type ())

G_DECLARE_FINAL_TYPE (XpzPlatformServer, xpz_platform_server, XPZ, PLATFORM_SERVER, GObject)

XpzPlatformServer *xpz_platform_server_new                     (const char                *db_path,
                                                                const XpzPlatformOptions  *options,
                                                                GError                   **error);
gboolean           xpz_platform_server_seed_demo               (XpzPlatformServer  *self,
                                                                GError            **error);
gboolean           xpz_platform_server_seed_scale              (XpzPlatformServer  *self,
                                                                guint               n_candidates,
                                                                GError            **error);
gboolean           xpz_platform_server_listen                  (XpzPlatformServer  *self,
                                                                const char         *address,
                                                                guint16             port,
                                                                GTlsCertificate    *certificate,
                                                                GError            **error);
gboolean           xpz_platform_server_start_thread            (XpzPlatformServer  *self,
                                                                const char         *address,
                                                                guint16             port,
                                                                GError            **error);
void               xpz_platform_server_stop                    (XpzPlatformServer  *self);
const char        *xpz_platform_server_get_url                 (XpzPlatformServer  *self);
void               xpz_platform_server_set_now                 (XpzPlatformServer  *self,
                                                                gint64              unix_seconds);
gint64             xpz_platform_server_get_now                 (XpzPlatformServer  *self);
gboolean           xpz_platform_server_complete_due_deletions  (XpzPlatformServer  *self,
                                                                guint              *n_completed,
                                                                GError            **error);
gboolean           xpz_platform_server_publish_policy          (XpzPlatformServer  *self,
                                                                const char         *version,
                                                                gboolean            material,
                                                                const char         *summary,
                                                                GError            **error);
gboolean           xpz_platform_server_verify_employer         (XpzPlatformServer  *self,
                                                                const char         *email,
                                                                gboolean            verified,
                                                                GError            **error);
gboolean           xpz_platform_server_create_operator         (XpzPlatformServer  *self,
                                                                const char         *email,
                                                                const char         *password,
                                                                GError            **error);
/* the largest account id and handle (xpz-platform-handles.c) */
#define XPZ_PLATFORM_HANDLE_MAX ((G_GUINT64_CONSTANT (1) << 52) - 1)
gint64             xpz_platform_server_candidate_handle        (XpzPlatformServer  *self,
                                                                gint64              job_id,
                                                                gint64              candidate_id);
gboolean           xpz_platform_server_set_faults              (XpzPlatformServer  *self,
                                                                const char         *spec,
                                                                GError            **error);
void               xpz_platform_server_hold_pwhash             (XpzPlatformServer  *self,
                                                                gboolean            hold);
gboolean           xpz_platform_server_wait_pwhash_held        (XpzPlatformServer  *self,
                                                                guint               n_jobs,
                                                                gint64              timeout_us);

G_END_DECLS
