/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-ledger"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-ledger.h"

G_DEFINE_QUARK (xpz-ledger-error-quark, xpz_ledger_error)

static void
canonical_string (GString    *out,
                  const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
canonical_node (GString  *out,
                JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr (GList) members = json_object_get_members (object);
        g_autoptr (GPtrArray) keys = g_ptr_array_new ();

        for (GList *l = members; l != NULL; l = l->next)
          g_ptr_array_add (keys, l->data);
        g_ptr_array_sort (keys, compare_keys);
        g_string_append_c (out, '{');
        for (guint i = 0; i < keys->len; i++)
          {
            const char *key = g_ptr_array_index (keys, i);

            if (i > 0)
              g_string_append_c (out, ',');
            canonical_string (out, key);
            g_string_append_c (out, ':');
            canonical_node (out, json_object_get_member (object, key));
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            canonical_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          canonical_string (out, json_node_get_string (node));
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_DOUBLE)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
        else
          g_string_append (out, "null");
      }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * xpz_ledger_canonical_json:
 *
 * Returns: (transfer full): @node as canonical JSON: keys sorted at every level, no
 *   white space, only the escapes JSON requires
 */
char *
xpz_ledger_canonical_json (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  canonical_node (out, node);
  return g_string_free (out, FALSE);
}

char *
xpz_ledger_entry_hash (const char *prev_hash,
                       gint64      seq,
                       gint64      at,
                       const char *kind,
                       JsonNode   *detail)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (JsonNode) payload = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (prev_hash != NULL && kind != NULL && detail != NULL, NULL);

  json_object_set_int_member (object, "seq", seq);
  json_object_set_int_member (object, "at", at);
  json_object_set_string_member (object, "kind", kind);
  json_object_set_member (object, "detail", json_node_copy (detail));
  json_node_take_object (payload, object);
  canonical = xpz_ledger_canonical_json (payload);

  g_checksum_update (checksum, (const guchar *) prev_hash, strlen (prev_hash));
  g_checksum_update (checksum, (const guchar *) canonical, strlen (canonical));
  return g_strdup (g_checksum_get_string (checksum));
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* "at" is ISO 8601 UTC in the API; the hash covers the Unix seconds. */
static gboolean
entry_time (JsonObject *entry,
            gint64     *at)
{
  const char *iso = member_string (entry, "at");
  g_autoptr (GDateTime) dt = NULL;

  if (iso == NULL)
    return member_int (entry, "at", at);
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  if (dt == NULL)
    return FALSE;
  *at = g_date_time_to_unix (dt);
  return TRUE;
}

/**
 * xpz_ledger_verify:
 * @entries: the "entries" of GET /me/ledger, in the order given
 * @bad_seq: (out) (optional): the position (1-based) of the first entry that breaks
 *   the chain, 0 when it holds
 *
 * Recomputes the chain: every entry follows the previous one (seq without gaps,
 * prev_hash the previous hash, the first one the genesis hash) and its hash is the
 * SHA-256 of the previous hash and its canonical content. An edited, deleted,
 * inserted or reordered entry breaks it.
 *
 * Returns: %TRUE if the whole chain holds
 */
gboolean
xpz_ledger_verify (JsonArray  *entries,
                   gint64     *bad_seq,
                   GError    **error)
{
  const char *expected_prev = XPZ_LEDGER_GENESIS;

  g_return_val_if_fail (entries != NULL, FALSE);

  if (bad_seq != NULL)
    *bad_seq = 0;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry;
      JsonNode *detail;
      const char *kind, *prev, *hash;
      gint64 seq, at;
      g_autofree char *computed = NULL;

      if (bad_seq != NULL)
        *bad_seq = i + 1;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_MALFORMED,
                       _("Entry %u of the ledger is not a record."), i + 1);
          return FALSE;
        }
      entry = json_node_get_object (node);
      kind = member_string (entry, "kind");
      prev = member_string (entry, "prev_hash");
      hash = member_string (entry, "hash");
      detail = json_object_get_member (entry, "detail");
      if (kind == NULL || prev == NULL || hash == NULL || detail == NULL ||
          !member_int (entry, "seq", &seq) || !entry_time (entry, &at))
        {
          g_set_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_MALFORMED,
                       _("Entry %u of the ledger is incomplete."), i + 1);
          return FALSE;
        }
      if (seq != (gint64) i + 1)
        {
          g_set_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_SEQUENCE,
                       _("Entry %u of the ledger is missing or out of order."), i + 1);
          return FALSE;
        }
      if (g_strcmp0 (prev, expected_prev) != 0)
        {
          g_set_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_CHAIN,
                       _("Entry %u of the ledger does not follow the entry before it."), i + 1);
          return FALSE;
        }
      /* A detail that was not valid JSON in the platform's database comes as a string:
       * it cannot hash to what the object did. */
      computed = xpz_ledger_entry_hash (prev, seq, at, kind, detail);
      if (g_ascii_strcasecmp (computed, hash) != 0)
        {
          g_set_error (error, XPZ_LEDGER_ERROR, XPZ_LEDGER_ERROR_ALTERED,
                       _("Entry %u of the ledger was changed after it was written."), i + 1);
          return FALSE;
        }
      expected_prev = hash;
    }

  if (bad_seq != NULL)
    *bad_seq = 0;
  return TRUE;
}

/**
 * xpz_ledger_kind_label:
 *
 * Returns: (transfer full): what an entry of @kind records, in the user's language
 */
char *
xpz_ledger_kind_label (const char *kind)
{
  static const struct
  {
    const char *kind;
    const char *label;
  } labels[] = {
    { "account_created", N_("Account created") },
    { "settings_initialised", N_("Privacy settings set to the policy’s defaults") },
    { "sharing_mode_changed", N_("Sharing mode changed") },
    { "setting_changed", N_("Privacy setting changed") },
    { "share", N_("Profile shared with an employer") },
    { "share_revoked", N_("Share revoked") },
    { "introduction_accepted", N_("Introduction accepted") },
    { "introduction_declined", N_("Introduction declined") },
    { "employer_blocked", N_("Employer blocked") },
    { "employer_unblocked", N_("Employer unblocked") },
    { "policy_accepted", N_("Privacy policy acknowledged") },
    { "deletion_requested", N_("Account deletion requested") },
    { "signed_out_everywhere", N_("Signed out of every session") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].kind, kind) == 0)
      return g_strdup (_(labels[i].label));
  /* Translators: %s is the platform's name for a kind of ledger entry. */
  return g_strdup_printf (_("Other event (%s)"), kind != NULL ? kind : "?");
}

static const char *
setting_label (const char *setting)
{
  if (g_strcmp0 (setting, "marketing") == 0)
    return _("Marketing messages");
  if (g_strcmp0 (setting, "ai_training") == 0)
    return _("Use for AI training");
  if (g_strcmp0 (setting, "analytics") == 0)
    return _("Usage analytics");
  if (g_strcmp0 (setting, "matching_paused") == 0)
    return _("Matching paused");
  if (g_strcmp0 (setting, "restricted") == 0)
    return _("Processing restricted");
  if (g_strcmp0 (setting, "channels") == 0)
    return _("Communication preferences");
  return setting;
}

static const char *
mode_label (const char *mode)
{
  if (g_strcmp0 (mode, "explicit") == 0)
    return _("ask me first");
  if (g_strcmp0 (mode, "automatic") == 0)
    return _("automatic");
  return mode;
}

/**
 * xpz_ledger_describe:
 *
 * Returns: (transfer full): one line saying what @entry records, in plain words
 */
char *
xpz_ledger_describe (JsonObject *entry)
{
  const char *kind = member_string (entry, "kind");
  JsonNode *detail_node = json_object_get_member (entry, "detail");
  JsonObject *detail = detail_node != NULL && JSON_NODE_HOLDS_OBJECT (detail_node)
                       ? json_node_get_object (detail_node) : NULL;

  if (detail == NULL)
    return g_strdup ("");

  if (g_strcmp0 (kind, "sharing_mode_changed") == 0)
    /* Translators: sharing modes, e.g. "From automatic to ask me first". */
    return g_strdup_printf (_("From %s to %s"), mode_label (member_string (detail, "from")),
                            mode_label (member_string (detail, "to")));
  if (g_strcmp0 (kind, "setting_changed") == 0)
    {
      const char *setting = member_string (detail, "setting");
      JsonNode *to = json_object_get_member (detail, "to");

      if (to != NULL && JSON_NODE_HOLDS_VALUE (to) &&
          json_node_get_value_type (to) == G_TYPE_BOOLEAN)
        return g_strdup_printf (json_node_get_boolean (to) ? _("%s: on") : _("%s: off"),
                                setting_label (setting));
      return g_strdup (setting_label (setting));
    }
  if (g_strcmp0 (kind, "share") == 0)
    {
      const char *employer = member_string (detail, "employer");
      const char *basis = member_string (detail, "basis");

      return g_strdup_printf (_("With %s (%s)"), employer != NULL ? employer : "?",
                              basis != NULL && g_str_has_suffix (basis, "automatic_sharing")
                              ? _("automatic sharing")
                                                                  : _("accepted introduction"));
    }
  if (g_strcmp0 (kind, "employer_blocked") == 0 && member_string (detail, "domain") != NULL)
    return g_strdup_printf (_("Everyone at %s"), member_string (detail, "domain"));
  if (g_strcmp0 (kind, "policy_accepted") == 0 && member_string (detail, "version") != NULL)
    return g_strdup_printf (_("Version %s"), member_string (detail, "version"));
  if (g_strcmp0 (kind, "deletion_requested") == 0)
    return g_strdup (_("Due within 30 days"));
  return g_strdup ("");
}
