/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XPZ_TYPE_DEMO_PLATFORM (xpz_demo_platform_get_type ())

G_DECLARE_FINAL_TYPE (XpzDemoPlatform, xpz_demo_platform, XPZ, DEMO_PLATFORM, GObject)

XpzDemoPlatform *xpz_demo_platform_new          (const char           *db_path);
const char      *xpz_demo_platform_get_url      (XpzDemoPlatform      *self);
gboolean         xpz_demo_platform_is_running   (XpzDemoPlatform      *self);
void             xpz_demo_platform_start_async  (XpzDemoPlatform      *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean         xpz_demo_platform_start_finish (XpzDemoPlatform      *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

const char      *xpz_demo_platform_get_candidate_email (void);
const char      *xpz_demo_platform_get_recruiter_email (void);
const char      *xpz_demo_platform_get_password        (void);

G_END_DECLS
