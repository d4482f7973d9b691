/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-profile"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-api-response.h"
#include "xpz-crypto.h"
#include "xpz-json-strict.h"
#include "xpz-profile.h"
#include "xpz-sync-engine.h"

G_DEFINE_QUARK (xpz-profile-error-quark, xpz_profile_error)

/**
 * xpz_profile_ensure_object:
 *
 * Returns: (transfer none): @parent's member @member, made an empty object if it is
 *   missing or not an object
 */
JsonObject *
xpz_profile_ensure_object (JsonObject *parent,
                           const char *member)
{
  JsonNode *n = json_object_get_member (parent, member);

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    json_object_set_object_member (parent, member, json_object_new ());
  return json_object_get_object_member (parent, member);
}

JsonArray *
xpz_profile_ensure_array (JsonObject *parent,
                          const char *member)
{
  JsonNode *n = json_object_get_member (parent, member);

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    json_object_set_array_member (parent, member, json_array_new ());
  return json_object_get_array_member (parent, member);
}

JsonNode *
xpz_profile_new_empty (void)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, json_object_new ());
  xpz_profile_normalise (node);
  return node;
}

static gboolean
is_blank (JsonNode *n)
{
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (n);
      return s == NULL || *g_strstrip ((char *) s) == '\0';
    }
  if (JSON_NODE_HOLDS_OBJECT (n))
    return json_object_get_size (json_node_get_object (n)) == 0;
  return FALSE;
}

/* Drops null and empty members (the platform refuses an empty e-mail address, and
 * says nothing with an empty string), at every level but the fixed lists. */
static void
prune (JsonObject *o)
{
  g_autoptr (GList) names = json_object_get_members (o);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *n = json_object_get_member (o, l->data);

      if (JSON_NODE_HOLDS_OBJECT (n))
        prune (json_node_get_object (n));
      else if (JSON_NODE_HOLDS_ARRAY (n))
        {
          JsonArray *a = json_node_get_array (n);

          for (guint i = json_array_get_length (a); i > 0; i--)
            {
              JsonNode *e = json_array_get_element (a, i - 1);

              if (JSON_NODE_HOLDS_OBJECT (e))
                prune (json_node_get_object (e));
              if (is_blank (e))
                json_array_remove_element (a, i - 1);
            }
        }
      if (is_blank (n))
        json_object_remove_member (o, l->data);
    }
}

/**
 * xpz_profile_normalise:
 *
 * Gives a Profile every list and section the editor shows (empty), and drops empty
 * values: the shape the platform takes with PUT.
 */
void
xpz_profile_normalise (JsonNode *profile)
{
  JsonObject *o, *preferences;

  g_return_if_fail (profile != NULL && JSON_NODE_HOLDS_OBJECT (profile));

  o = json_node_get_object (profile);
  prune (o);
  xpz_profile_ensure_object (o, "basics");
  xpz_profile_ensure_array (o, "work");
  xpz_profile_ensure_array (o, "education");
  xpz_profile_ensure_array (o, "skills");
  xpz_profile_ensure_array (o, "languages");
  preferences = xpz_profile_ensure_object (o, "preferences");
  xpz_profile_ensure_array (preferences, "roles");
  xpz_profile_ensure_array (preferences, "contract_types");
  xpz_profile_ensure_array (preferences, "work_modes");
  xpz_profile_ensure_array (preferences, "locations");
  if (!json_object_has_member (preferences, "relocate"))
    json_object_set_boolean_member (preferences, "relocate", FALSE);
}

/* --- in a store transaction --------------------------------------------------------- */

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
 * xpz_profile_read:
 * @etag: (out) (optional): the last ETag known for it
 *
 * Returns: (transfer full): the local Profile (normalised), an empty one when none is
 *   held yet, or %NULL with @error set
 */
JsonNode *
xpz_profile_read (sqlite3  *db,
                  GBytes   *key,
                  char    **etag,
                  GError  **error)
{
  g_autofree char *aad = xpz_crypto_aad (XPZ_PROFILE_TABLE, "body", 1);
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (JsonNode) parsed = NULL;
  sqlite3_stmt *stmt;
  JsonNode *node;
  int rc;

  if (etag != NULL)
    *etag = NULL;
  stmt = prepare (db, "SELECT body, etag FROM " XPZ_PROFILE_TABLE " WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_finalize (stmt);
      return xpz_profile_new_empty ();
    }
  if (rc != SQLITE_ROW)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  plain = xpz_crypto_decrypt (key, sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0),
                              aad, error);
  if (plain != NULL && etag != NULL && sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    *etag = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  if (plain == NULL)
    return NULL;

  parsed = xpz_json_parse_strict (g_bytes_get_data (plain, NULL), (gssize) g_bytes_get_size (plain),
                                  XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);
  if (parsed == NULL || !JSON_NODE_HOLDS_OBJECT (parsed))
    {
      g_set_error_literal (error, XPZ_PROFILE_ERROR, XPZ_PROFILE_ERROR_INVALID,
                           _("Your saved profile cannot be read; it will be fetched again from the platform."));
      if (etag != NULL)
        g_clear_pointer (etag, g_free);
      return NULL;
    }
  node = g_steal_pointer (&parsed);
  xpz_profile_normalise (node);
  return node;
}

/**
 * xpz_profile_write:
 * @etag: (nullable): the ETag to remember, %NULL to keep the one held
 */
gboolean
xpz_profile_write (sqlite3     *db,
                   GBytes      *key,
                   JsonNode    *profile,
                   const char  *etag,
                   gint64       now,
                   GError     **error)
{
  g_autofree char *aad = xpz_crypto_aad (XPZ_PROFILE_TABLE, "body", 1);
  g_autofree char *text = NULL;
  g_autoptr (GBytes) sealed = NULL;
  sqlite3_stmt *stmt;
  gboolean ok;

  if (profile == NULL || !JSON_NODE_HOLDS_OBJECT (profile))
    {
      g_set_error_literal (error, XPZ_PROFILE_ERROR, XPZ_PROFILE_ERROR_INVALID,
                           _("This is not a profile."));
      return FALSE;
    }
  text = xpz_json_to_string (profile, FALSE, NULL);
  sealed = xpz_crypto_encrypt (key, (const guint8 *) text, strlen (text), aad, error);
  if (sealed == NULL)
    return FALSE;

  stmt = prepare (db,
                  "INSERT INTO " XPZ_PROFILE_TABLE " (id, body, etag, updated_at) VALUES (1, ?1, ?2, ?3)"
                  " ON CONFLICT (id) DO UPDATE SET body = excluded.body,"
                  " etag = COALESCE (excluded.etag, etag), updated_at = excluded.updated_at",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (sealed, NULL), (int) g_bytes_get_size (sealed),
                     SQLITE_STATIC);
  xpz_store_bind_text_or_null (stmt, 2, etag);
  sqlite3_bind_int64 (stmt, 3, now);
  ok = xpz_store_step_done (db, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* Local edits of the profile wait in the outbox (or are parked on a conflict). */
gboolean
xpz_profile_has_pending (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean pending = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM outbox WHERE op = 'PUT' AND path = ?1 LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, XPZ_PROFILE_PATH, -1, SQLITE_STATIC);
  pending = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return pending;
}

/**
 * xpz_profile_apply_feed:
 * @applied: (out): whether the local copy changed
 *
 * The change feed's profile (kind "profile" with data): it replaces the local copy,
 * unless local edits still wait to be sent — they were made on top of it and win
 * until the platform answers them (a conflict is then resolved by the user).
 */
gboolean
xpz_profile_apply_feed (sqlite3   *db,
                        GBytes    *key,
                        JsonNode  *data,
                        gint64     now,
                        gboolean  *applied,
                        GError   **error)
{
  g_autoptr (JsonNode) copy = NULL;

  *applied = FALSE;
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data) || key == NULL)
    return TRUE;
  if (xpz_profile_has_pending (db))
    return TRUE;
  copy = json_node_copy (data);
  xpz_profile_normalise (copy);
  if (!xpz_profile_write (db, key, copy, NULL, now, error))
    return FALSE;
  *applied = TRUE;
  return TRUE;
}

char *
xpz_candidate_state_get (sqlite3    *db,
                         const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM candidate_state WHERE key = ?1", -1, &stmt,
                          NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

gboolean
xpz_candidate_state_set (sqlite3     *db,
                         const char  *key,
                         const char  *value,
                         gint64       now,
                         GError     **error)
{
  sqlite3_stmt *stmt = prepare (db,
                                "INSERT INTO candidate_state (key, value, updated_at) VALUES (?1, ?2, ?3)"
                                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                                " updated_at = excluded.updated_at",
                                error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  ok = xpz_store_step_done (db, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* --- main thread -------------------------------------------------------------------- */

typedef struct
{
  GBytes   *key;
  JsonNode *profile;
  char     *etag;
} Request;

static void
request_free (Request *r)
{
  g_clear_pointer (&r->key, g_bytes_unref);
  g_clear_pointer (&r->profile, json_node_unref);
  g_free (r->etag);
  g_free (r);
}

static Request *
request_new (GBytes     *key,
             JsonNode   *profile,
             const char *etag)
{
  Request *r = g_new0 (Request, 1);

  r->key = key != NULL ? g_bytes_ref (key) : NULL;
  r->profile = profile != NULL ? json_node_copy (profile) : NULL;
  r->etag = g_strdup (etag);
  return r;
}

static gpointer
load_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Request *r = data;
  Request *out = g_new0 (Request, 1);

  out->profile = xpz_profile_read (db, r->key, &out->etag, error);
  if (out->profile == NULL)
    {
      request_free (out);
      return NULL;
    }
  return out;
}

void
xpz_profile_load_async (XpzStore            *store,
                        GBytes              *key,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  xpz_store_run_async (store, FALSE, load_func, request_new (key, NULL, NULL),
                       (GDestroyNotify) request_free, (GDestroyNotify) request_free,
                       cancellable, callback, user_data);
}

/**
 * xpz_profile_load_finish:
 *
 * Returns: (transfer full): the local Profile
 */
JsonNode *
xpz_profile_load_finish (XpzStore      *store,
                         GAsyncResult  *result,
                         char         **etag,
                         GError       **error)
{
  Request *r = xpz_store_run_finish (store, result, error);
  JsonNode *node;

  if (r == NULL)
    return NULL;
  node = g_steal_pointer (&r->profile);
  if (etag != NULL)
    *etag = g_steal_pointer (&r->etag);
  request_free (r);
  return node;
}

/* Saves locally and queues the PUT in the same transaction: made against the last ETag
 * known, after which the ETag the platform will give is the next one. */
static gpointer
save_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Request *r = data;
  g_autofree char *etag = NULL;
  g_autofree char *next = NULL;
  g_autofree char *body = NULL;
  g_autoptr (JsonNode) current = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id;

  current = xpz_profile_read (db, r->key, &etag, NULL);   /* for its ETag */
  g_clear_pointer (&current, json_node_unref);
  xpz_profile_normalise (r->profile);
  body = xpz_json_to_string (r->profile, FALSE, NULL);
  next = xpz_etag_next (etag);
  if (!xpz_profile_write (db, r->key, r->profile, next, now, error))
    return NULL;
  id = xpz_outbox_add (db, r->key, "PUT", XPZ_PROFILE_PATH, body, etag, NULL, now, error);
  if (id <= 0)
    return NULL;
  xpz_store_record_change (store, XPZ_PROFILE_TABLE, 1, XPZ_STORE_CHANGE_UPDATED);
  xpz_store_record_change (store, "outbox", id, XPZ_STORE_CHANGE_INSERTED);
  return GINT_TO_POINTER (TRUE);
}

void
xpz_profile_save_async (XpzStore            *store,
                        GBytes              *key,
                        JsonNode            *profile,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  xpz_store_run_async (store, TRUE, save_func, request_new (key, profile, NULL),
                       (GDestroyNotify) request_free, NULL, cancellable, callback, user_data);
}

gboolean
xpz_profile_save_finish (XpzStore      *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  return xpz_store_run_finish (store, result, error) != NULL;
}

static gpointer
adopt_func (XpzStore      *store,
            sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Request *r = data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_autoptr (JsonNode) current = NULL;
  g_autofree char *current_etag = NULL;

  if (xpz_profile_has_pending (db))
    return GINT_TO_POINTER (TRUE);  /* local edits wait: they keep their own ETag chain */
  xpz_profile_normalise (r->profile);
  /* Nothing new: nothing written, nobody told (so that a reader who fetches on change
   * does not loop). */
  current = xpz_profile_read (db, r->key, &current_etag, NULL);
  /* An answer older than what is held (it left the platform before our last edit
   * arrived there) is not taken. */
  if (xpz_etag_version (r->etag) >= 0 && xpz_etag_version (r->etag) < xpz_etag_version (current_etag))
    return GINT_TO_POINTER (TRUE);
  if (current != NULL && json_node_equal (current, r->profile) &&
      (r->etag == NULL || g_strcmp0 (current_etag, r->etag) == 0))
    return GINT_TO_POINTER (TRUE);
  if (!xpz_profile_write (db, r->key, r->profile, r->etag, now, error))
    return NULL;
  xpz_store_record_change (store, XPZ_PROFILE_TABLE, 1, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

void
xpz_profile_adopt_async (XpzStore            *store,
                         GBytes              *key,
                         JsonNode            *profile,
                         const char          *etag,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  xpz_store_run_async (store, TRUE, adopt_func, request_new (key, profile, etag),
                       (GDestroyNotify) request_free, NULL, cancellable, callback, user_data);
}

gboolean
xpz_profile_adopt_finish (XpzStore      *store,
                          GAsyncResult  *result,
                          GError       **error)
{
  return xpz_store_run_finish (store, result, error) != NULL;
}

/* --- completeness ------------------------------------------------------------------- */

static guint
array_length (JsonObject *o,
              const char *member)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, member) : NULL;

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_array_get_length (json_node_get_array (n)) : 0;
}

static gboolean
has_dated_work (JsonObject *profile)
{
  JsonArray *work = array_length (profile, "work") > 0 ? json_object_get_array_member (profile, "work") : NULL;

  for (guint i = 0; work != NULL && i < json_array_get_length (work); i++)
    {
      JsonNode *e = json_array_get_element (work, i);

      if (JSON_NODE_HOLDS_OBJECT (e) &&
          json_object_get_string_member_with_default (json_node_get_object (e), "startDate", NULL) != NULL)
        return TRUE;
    }
  return FALSE;
}

/**
 * xpz_profile_completeness:
 *
 * The matching factors a missing part of @profile leaves unknown: the platform gives an
 * unknown factor no points, so each hint names what is missing and what it costs.
 *
 * Returns: (transfer full) (element-type utf8): translated sentences, empty when
 *   nothing that matching uses is missing
 */
GPtrArray *
xpz_profile_completeness (JsonObject *profile)
{
  GPtrArray *hints = g_ptr_array_new_with_free_func (g_free);
  JsonObject *basics = NULL, *preferences = NULL, *salary = NULL, *location = NULL;

  if (profile != NULL && json_object_has_member (profile, "basics") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (profile, "basics")))
    basics = json_object_get_object_member (profile, "basics");
  if (profile != NULL && json_object_has_member (profile, "preferences") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (profile, "preferences")))
    preferences = json_object_get_object_member (profile, "preferences");
  if (preferences != NULL && json_object_has_member (preferences, "salary") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (preferences, "salary")))
    salary = json_object_get_object_member (preferences, "salary");
  if (basics != NULL && json_object_has_member (basics, "location") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (basics, "location")))
    location = json_object_get_object_member (basics, "location");

  if (array_length (profile, "skills") == 0)
    g_ptr_array_add (hints, g_strdup (_("No skills: the skills factor (40 points) is unknown and earns nothing, and jobs with must-have skills score 0.")));
  if (!has_dated_work (profile))
    g_ptr_array_add (hints, g_strdup (_("No dated work experience: seniority (15 points) cannot be judged and earns nothing.")));
  if ((location == NULL || json_object_get_string_member_with_default (location, "city", NULL) == NULL) &&
      array_length (preferences, "locations") == 0 &&
      !(preferences != NULL && json_object_get_boolean_member_with_default (preferences, "relocate", FALSE)))
    g_ptr_array_add (hints, g_strdup (_("No city, preferred location or relocation: the location factor (15 points) is unknown for on-site and hybrid jobs.")));
  if (array_length (preferences, "work_modes") == 0)
    g_ptr_array_add (hints, g_strdup (_("No work mode (remote, hybrid, on-site): the location factor is unknown for remote jobs.")));
  if (salary == NULL || !json_object_has_member (salary, "min"))
    g_ptr_array_add (hints, g_strdup (_("No minimum salary expectation: the salary factor (10 points) is unknown and earns nothing.")));
  if (array_length (preferences, "contract_types") == 0)
    g_ptr_array_add (hints, g_strdup (_("No contract type: the contract factor (10 points) is unknown and earns nothing.")));
  if (array_length (profile, "languages") == 0)
    g_ptr_array_add (hints, g_strdup (_("No languages: the languages factor (10 points) is unknown and earns nothing.")));
  return hints;
}
