/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xpz-account.h"
#include "xpz-demo-platform.h"
#include "xpz-secrets.h"
#include "xpz-session.h"

G_BEGIN_DECLS

#define XPZ_TYPE_CONTEXT (xpz_context_get_type ())

G_DECLARE_FINAL_TYPE (XpzContext, xpz_context, XPZ, CONTEXT, GObject)

XpzContext      *xpz_context_new                (GSettings   *settings);
GSettings       *xpz_context_get_settings       (XpzContext  *self);
XpzSecrets      *xpz_context_get_secrets        (XpzContext  *self);
XpzDemoPlatform *xpz_context_get_demo_platform  (XpzContext  *self);
XpzSession      *xpz_context_get_session        (XpzContext  *self);
void             xpz_context_set_session        (XpzContext  *self,
                                                 XpzSession  *session);
gboolean         xpz_context_get_is_demo        (XpzContext  *self);
GListModel      *xpz_context_get_sessions       (XpzContext  *self);
void             xpz_context_add_session        (XpzContext  *self,
                                                 XpzSession  *session);
void             xpz_context_remove_session     (XpzContext  *self,
                                                 XpzSession  *session);
XpzAccount      *xpz_context_get_account        (XpzContext  *self);
void             xpz_context_set_account        (XpzContext  *self,
                                                 XpzAccount  *account);
const char      *xpz_context_get_opening_role   (XpzContext  *self);
void             xpz_context_set_opening_role   (XpzContext  *self,
                                                 const char  *role);

G_END_DECLS
