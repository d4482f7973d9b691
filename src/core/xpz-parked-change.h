/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * XpzParkedReason:
 * @XPZ_PARKED_CONFLICT: the platform has a newer copy (412): the user chooses
 * @XPZ_PARKED_REFUSED: the platform refused the change as it stands (4xx)
 * @XPZ_PARKED_UNREADABLE: the queued change cannot be decrypted with this account's key
 */
typedef enum
{
  XPZ_PARKED_CONFLICT,
  XPZ_PARKED_REFUSED,
  XPZ_PARKED_UNREADABLE,
} XpzParkedReason;

#define XPZ_TYPE_PARKED_CHANGE (xpz_parked_change_get_type ())

G_DECLARE_FINAL_TYPE (XpzParkedChange, xpz_parked_change, XPZ, PARKED_CHANGE, GObject)

XpzParkedChange *xpz_parked_change_new            (gint64           id,
                                                   const char      *method,
                                                   const char      *path,
                                                   XpzParkedReason  reason,
                                                   const char      *detail,
                                                   JsonNode        *mine,
                                                   JsonNode        *theirs);
gint64           xpz_parked_change_get_id         (XpzParkedChange *self);
const char      *xpz_parked_change_get_method     (XpzParkedChange *self);
const char      *xpz_parked_change_get_path       (XpzParkedChange *self);
XpzParkedReason  xpz_parked_change_get_reason     (XpzParkedChange *self);
const char      *xpz_parked_change_get_detail     (XpzParkedChange *self);
JsonNode        *xpz_parked_change_get_mine       (XpzParkedChange *self);
JsonNode        *xpz_parked_change_get_theirs     (XpzParkedChange *self);
char            *xpz_parked_change_describe       (XpzParkedChange *self);
char            *xpz_parked_change_describe_differences (XpzParkedChange *self);

G_END_DECLS
