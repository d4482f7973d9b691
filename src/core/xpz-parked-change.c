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
