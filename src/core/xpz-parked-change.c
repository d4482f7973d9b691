/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-parked-change"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "xpz-parked-change.h"

/* A queued change the platform did not take: kept, shown, and resolved by the user
 * (xpz_sync_engine_resolve_async()), never dropped silently (B3, R8.2). */

struct _XpzParkedChange
{
  GObject          parent_instance;

  gint64           id;
  char            *method;
  char            *path;
  XpzParkedReason  reason;
  char            *detail;
  JsonNode        *mine;
  JsonNode        *theirs;
};

G_DEFINE_FINAL_TYPE (XpzParkedChange, xpz_parked_change, G_TYPE_OBJECT)

/**
 * xpz_parked_change_new:
 * @detail: (nullable): the platform's words, for a refused change
 * @mine: (nullable): the change as queued
 * @theirs: (nullable): the platform's newer copy, for a conflict
 */
XpzParkedChange *
xpz_parked_change_new (gint64           id,
                       const char      *method,
                       const char      *path,
                       XpzParkedReason  reason,
                       const char      *detail,
                       JsonNode        *mine,
                       JsonNode        *theirs)
{
  XpzParkedChange *self = g_object_new (XPZ_TYPE_PARKED_CHANGE, NULL);

  self->id = id;
  self->method = g_strdup (method);
  self->path = g_strdup (path);
  self->reason = reason;
  self->detail = g_strdup (detail);
  self->mine = mine != NULL ? json_node_ref (mine) : NULL;
  self->theirs = theirs != NULL ? json_node_ref (theirs) : NULL;
  return self;
}

gint64
xpz_parked_change_get_id (XpzParkedChange *self)
{
  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), 0);
  return self->id;
}

const char *
xpz_parked_change_get_method (XpzParkedChange *self)
{
  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), NULL);
  return self->method;
}

const char *
xpz_parked_change_get_path (XpzParkedChange *self)
{
  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), NULL);
  return self->path;
}

XpzParkedReason
xpz_parked_change_get_reason (XpzParkedChange *self)
{
  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), XPZ_PARKED_REFUSED);
  return self->reason;
}

const char *
xpz_parked_change_get_detail (XpzParkedChange *self)
{
  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), NULL);
  return self->detail;
}

/**
 * xpz_parked_change_get_mine:
 * Returns: (transfer none) (nullable): the change as this computer queued it
 */
JsonNode *
xpz_parked_change_get_mine (XpzParkedChange *self)
{
  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), NULL);
  return self->mine;
}

/**
 * xpz_parked_change_get_theirs:
 * Returns: (transfer none) (nullable): the platform's newer copy, for a conflict
 */
JsonNode *
xpz_parked_change_get_theirs (XpzParkedChange *self)
{
  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), NULL);
  return self->theirs;
}

/* What the change is, in the user's words. */
char *
xpz_parked_change_describe (XpzParkedChange *self)
{
  const char *p;

  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), NULL);

  p = self->path != NULL ? self->path : "";
  if (g_str_equal (p, "/api/v1/me/profile"))
    return g_strdup (_("Your profile changes"));
  if (g_str_equal (p, "/api/v1/me/privacy"))
    return g_strdup (_("Your privacy settings"));
  if (g_str_has_prefix (p, "/api/v1/me/documents"))
    return g_strdup (g_strcmp0 (self->method, "DELETE") == 0 ? _("Deleting a document")
                                                            : _("A new document"));
  if (g_str_has_prefix (p, "/api/v1/me/blocked-employers"))
    return g_strdup (_("Your blocked employers"));
  if (g_str_has_prefix (p, "/api/v1/me/introductions"))
    return g_strdup (_("Your answer to an introduction request"));
  if (g_str_equal (p, "/api/v1/jobs"))
    return g_strdup (_("A new job posting"));
  if (g_str_has_prefix (p, "/api/v1/jobs/") && strstr (p, "/matches/") != NULL)
    return g_strdup (_("Your notes or stage for a candidate"));
  if (g_str_has_prefix (p, "/api/v1/jobs/"))
    return g_strdup (g_strcmp0 (self->method, "DELETE") == 0 ? _("Closing a job posting")
                                                            : _("Changes to a job posting"));
  return g_strdup (_("A change"));
}

/* The fields people know, in their words; others keep their own name. */
static const char *
field_words (const char *path)
{
  static const struct { const char *path; const char *words; } fields[] = {
    { "basics.name", N_("name") },
    { "basics.label", N_("headline") },
    { "basics.email", N_("email address") },
    { "basics.phone", N_("phone number") },
    { "basics.url", N_("website") },
    { "basics.summary", N_("summary") },
    { "basics.location", N_("location") },
    { "basics.profiles", N_("online profiles") },
    { "work", N_("work experience") },
    { "education", N_("education") },
    { "skills", N_("skills") },
    { "languages", N_("languages") },
    { "preferences.roles", N_("roles") },
    { "preferences.contract_types", N_("contract types") },
    { "preferences.work_modes", N_("remote, hybrid or on-site") },
    { "preferences.salary", N_("salary expectation") },
    { "preferences.locations", N_("locations") },
    { "preferences.relocate", N_("relocation") },
    { "title", N_("title") },
    { "description", N_("description") },
    { "location", N_("location") },
    { "salary", N_("salary range") },
    { "stage", N_("stage") },
    { "note", N_("note") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].path, path))
      return _(fields[i].words);
  return NULL;
}

/* What the platform writes itself, never the user's change: left out of the comparison. */
static gboolean
server_owned (const char *name)
{
  static const char * const names[] = { "id", "employer", "version", "created_at", "updated_at" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (names[i], name))
      return TRUE;
  return FALSE;
}

static void
compare_objects (JsonObject *mine,
                 JsonObject *theirs,
                 const char *prefix,
                 GPtrArray  *out)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer name;

  for (GList *l = json_object_get_members (mine); l != NULL; l = g_list_delete_link (l, l))
    g_hash_table_add (names, l->data);
  for (GList *l = json_object_get_members (theirs); l != NULL; l = g_list_delete_link (l, l))
    g_hash_table_add (names, l->data);

  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      JsonNode *a = json_object_get_member (mine, name);
      JsonNode *b = json_object_get_member (theirs, name);
      g_autofree char *path = prefix != NULL ? g_strconcat (prefix, ".", name, NULL)
                                             : g_strdup (name);
      const char *words;

      if ((a != NULL && b != NULL && json_node_equal (a, b)) ||
          (prefix == NULL && server_owned (name)))
        continue;
      words = field_words (path);
      if (words == NULL && prefix == NULL && a != NULL && b != NULL &&
          JSON_NODE_HOLDS_OBJECT (a) && JSON_NODE_HOLDS_OBJECT (b))
        {
          compare_objects (json_node_get_object (a), json_node_get_object (b), path, out);
          continue;
        }
      if (words == NULL)
        words = name;
      if (!g_ptr_array_find_with_equal_func (out, words, g_str_equal, NULL))
        g_ptr_array_add (out, (gpointer) g_intern_string (words));
    }
}

static int
compare_words (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/**
 * xpz_parked_change_describe_differences:
 *
 * Returns: (nullable): for a conflict, what differs between the two versions in the
 *   user's words ("summary, phone number"), or %NULL
 */
char *
xpz_parked_change_describe_differences (XpzParkedChange *self)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new ();

  g_return_val_if_fail (XPZ_IS_PARKED_CHANGE (self), NULL);

  if (self->mine == NULL || self->theirs == NULL ||
      !JSON_NODE_HOLDS_OBJECT (self->mine) || !JSON_NODE_HOLDS_OBJECT (self->theirs))
    return NULL;
  compare_objects (json_node_get_object (self->mine), json_node_get_object (self->theirs),
                   NULL, fields);
  if (fields->len == 0)
    return NULL;
  g_ptr_array_sort (fields, compare_words);
  g_ptr_array_add (fields, NULL);
  /* Translators: between the items of a list ("summary, phone number"). */
  return g_strjoinv (C_("list separator", ", "), (char **) fields->pdata);
}

static void
xpz_parked_change_finalize (GObject *object)
{
  XpzParkedChange *self = XPZ_PARKED_CHANGE (object);

  g_free (self->method);
  g_free (self->path);
  g_free (self->detail);
  g_clear_pointer (&self->mine, json_node_unref);
  g_clear_pointer (&self->theirs, json_node_unref);

  G_OBJECT_CLASS (xpz_parked_change_parent_class)->finalize (object);
}

static void
xpz_parked_change_class_init (XpzParkedChangeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xpz_parked_change_finalize;
}

static void
xpz_parked_change_init (XpzParkedChange *self)
{
}
