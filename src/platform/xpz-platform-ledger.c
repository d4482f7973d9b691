/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-platform-private.h"

/*
 * The consent ledger (B1): per candidate, append-only, hash-chained.
 *   hash = SHA-256 (prev_hash ‖ canonical JSON of {seq, at, kind, detail})
 * The first entry's prev_hash is 64 zeros. "verified" recomputes the whole chain.
 */

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static char *
entry_hash (const char *prev_hash,
            gint64      seq,
            gint64      at,
            const char *kind,
            const char *detail_canonical)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *payload = NULL;
  g_autofree char *kind_json = NULL;
  JsonNode *kind_node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (kind_node, kind);
  kind_json = xpz_platform_json_canonical (kind_node);
  json_node_unref (kind_node);
  /* canonical JSON, keys sorted: at, detail, kind, seq */
  payload = g_strdup_printf ("{\"at\":%" G_GINT64_FORMAT ",\"detail\":%s,\"kind\":%s,\"seq\":%" G_GINT64_FORMAT "}",
                             at, detail_canonical, kind_json, seq);
  g_checksum_update (checksum, (const guchar *) prev_hash, -1);
  g_checksum_update (checksum, (const guchar *) payload, -1);
  return g_strdup (g_checksum_get_string (checksum));
}

gboolean
xpz_platform_ledger_append (XpzPlatformServer *self,
                            gint64             candidate_id,
                            const char        *kind,
                            JsonObject        *detail,
                            gint64             now)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *canonical = NULL;
  g_autofree char *prev = NULL;
  g_autofree char *hash = NULL;
  gint64 seq;
  sqlite3_stmt *stmt;

  json_node_take_object (node, detail);
  canonical = xpz_platform_json_canonical (node);
  json_node_unref (node);

  stmt = xpz_platform_db_query (self->db,
                                "SELECT seq, hash FROM ledger WHERE candidate_id = ? ORDER BY seq DESC LIMIT 1",
                                "i", candidate_id);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      seq = sqlite3_column_int64 (stmt, 0) + 1;
      prev = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else
    {
      seq = 1;
      prev = g_strdup (GENESIS);
    }
  sqlite3_reset (stmt);

  hash = entry_hash (prev, seq, now, kind, canonical);
  return xpz_platform_db_run (self->db,
                              "INSERT INTO ledger (candidate_id, seq, at, kind, detail, prev_hash, hash)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?)",
                              "iiissss", candidate_id, seq, now, kind, canonical, prev, hash);
}

JsonObject *
xpz_platform_ledger_json (XpzPlatformServer *self,
                          gint64             candidate_id)
{
  JsonObject *result = json_object_new ();
  JsonArray *entries = json_array_new ();
  g_autofree char *expected_prev = g_strdup (GENESIS);
  gboolean verified = TRUE;
  gint64 expected_seq = 1;
  sqlite3_stmt *stmt;

  stmt = xpz_platform_db_query (self->db,
                                "SELECT seq, at, kind, detail, prev_hash, hash FROM ledger"
                                " WHERE candidate_id = ? ORDER BY seq", "i", candidate_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *entry = json_object_new ();
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      gint64 at = sqlite3_column_int64 (stmt, 1);
      const char *kind = (const char *) sqlite3_column_text (stmt, 2);
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);
      const char *prev = (const char *) sqlite3_column_text (stmt, 4);
      const char *hash = (const char *) sqlite3_column_text (stmt, 5);
      g_autoptr(JsonNode) detail_node = xpz_platform_json_parse (detail, -1, 64, NULL);
      g_autofree char *recanonical = detail_node ? xpz_platform_json_canonical (detail_node) : NULL;
      g_autofree char *computed = NULL;

      if (detail_node == NULL || g_strcmp0 (recanonical, detail) != 0)
        verified = FALSE;
      computed = entry_hash (expected_prev, seq, at, kind, detail);
      if (seq != expected_seq || g_strcmp0 (prev, expected_prev) != 0 || g_strcmp0 (computed, hash) != 0)
        verified = FALSE;
      expected_seq = seq + 1;
      g_free (expected_prev);
      expected_prev = g_strdup (hash);

      json_object_set_int_member (entry, "seq", seq);
      xpz_platform_set_time (entry, "at", at);
      json_object_set_string_member (entry, "kind", kind);
      if (detail_node != NULL)
        json_object_set_member (entry, "detail", json_node_ref (detail_node));
      else
        json_object_set_string_member (entry, "detail", detail);
      json_object_set_string_member (entry, "prev_hash", prev);
      json_object_set_string_member (entry, "hash", hash);
      json_array_add_object_element (entries, entry);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  json_object_set_array_member (result, "entries", entries);
  json_object_set_boolean_member (result, "verified", verified);
  json_object_set_string_member (result, "algorithm", "sha256(prev_hash || canonical_json({seq,at,kind,detail}))");
  return result;
}
