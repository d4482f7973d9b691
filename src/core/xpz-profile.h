/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "xpz-store.h"

G_BEGIN_DECLS

/* The candidate's own profile: the platform's Profile document (docs/platform-api.md),
 * kept locally encrypted with the account key together with the last ETag the platform
 * gave it, saved and queued for the platform in one transaction (offline-first). */

#define XPZ_PROFILE_PATH "/api/v1/me/profile"
#define XPZ_PROFILE_TABLE "profile_document"

#define XPZ_PROFILE_ERROR (xpz_profile_error_quark ())

typedef enum
{
  XPZ_PROFILE_ERROR_INVALID,   /* not a Profile object */
} XpzProfileError;

GQuark      xpz_profile_error_quark   (void);

JsonNode   *xpz_profile_new_empty     (void);
JsonObject *xpz_profile_ensure_object (JsonObject  *parent,
                                       const char  *member);
JsonArray  *xpz_profile_ensure_array  (JsonObject  *parent,
                                       const char  *member);
void        xpz_profile_normalise     (JsonNode    *profile);

/* In a store transaction (XpzStoreFunc). */
JsonNode   *xpz_profile_read          (sqlite3     *db,
                                       GBytes      *key,
                                       char       **etag,
                                       GError     **error);
gboolean    xpz_profile_write         (sqlite3     *db,
                                       GBytes      *key,
                                       JsonNode    *profile,
                                       const char  *etag,
                                       gint64       now,
                                       GError     **error);
gboolean    xpz_profile_has_pending   (sqlite3     *db);
gboolean    xpz_profile_apply_feed    (sqlite3     *db,
                                       GBytes      *key,
                                       JsonNode    *data,
                                       gint64       now,
                                       gboolean    *applied,
                                       GError     **error);

/* Main thread, through the store's worker. */
void        xpz_profile_load_async    (XpzStore            *store,
                                       GBytes              *key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
JsonNode   *xpz_profile_load_finish   (XpzStore            *store,
                                       GAsyncResult        *result,
                                       char               **etag,
                                       GError             **error);
void        xpz_profile_save_async    (XpzStore            *store,
                                       GBytes              *key,
                                       JsonNode            *profile,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean    xpz_profile_save_finish   (XpzStore            *store,
                                       GAsyncResult        *result,
                                       GError             **error);
/* The platform's copy, read with GET: replaces the local one unless local edits wait. */
void        xpz_profile_adopt_async   (XpzStore            *store,
                                       GBytes              *key,
                                       JsonNode            *profile,
                                       const char          *etag,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean    xpz_profile_adopt_finish  (XpzStore            *store,
                                       GAsyncResult        *result,
                                       GError             **error);

/* Which missing parts keep which matching factors unknown (they earn nothing). */
GPtrArray  *xpz_profile_completeness  (JsonObject  *profile);

/* Local per-account candidate state (e.g. the first-run sharing choice). */
char       *xpz_candidate_state_get   (sqlite3     *db,
                                       const char  *key);
gboolean    xpz_candidate_state_set   (sqlite3     *db,
                                       const char  *key,
                                       const char  *value,
                                       gint64       now,
                                       GError     **error);

G_END_DECLS
