/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define XPZ_TYPE_PLATFORM_DB (xpz_platform_db_get_type ())

G_DECLARE_FINAL_TYPE (XpzPlatformDb, xpz_platform_db, XPZ, PLATFORM_DB, GObject)

XpzPlatformDb *xpz_platform_db_open          (const char     *path,
                                              GError        **error);
sqlite3       *xpz_platform_db_get_handle    (XpzPlatformDb  *self);
guint          xpz_platform_db_get_version   (XpzPlatformDb  *self);
sqlite3_stmt  *xpz_platform_db_query         (XpzPlatformDb  *self,
                                              const char     *sql,
                                              const char     *types,
                                              ...);
gboolean       xpz_platform_db_run           (XpzPlatformDb  *self,
                                              const char     *sql,
                                              const char     *types,
                                              ...);
gint64         xpz_platform_db_int           (XpzPlatformDb  *self,
                                              gint64          fallback,
                                              const char     *sql,
                                              const char     *types,
                                              ...);
char          *xpz_platform_db_text          (XpzPlatformDb  *self,
                                              const char     *sql,
                                              const char     *types,
                                              ...);
gboolean       xpz_platform_db_exec          (XpzPlatformDb  *self,
                                              const char     *sql,
                                              GError        **error);
gboolean       xpz_platform_db_begin         (XpzPlatformDb  *self,
                                              GError        **error);
gboolean       xpz_platform_db_commit        (XpzPlatformDb  *self,
                                              GError        **error);
void           xpz_platform_db_rollback      (XpzPlatformDb  *self);
gboolean       xpz_platform_db_in_transaction (XpzPlatformDb *self);
gboolean       xpz_platform_db_failed        (XpzPlatformDb  *self);
void           xpz_platform_db_clear_failed  (XpzPlatformDb  *self);
gint64         xpz_platform_db_last_insert_id (XpzPlatformDb *self);
int            xpz_platform_db_changes       (XpzPlatformDb  *self);
const char    *xpz_platform_db_migration_sql (guint           index);

G_END_DECLS
