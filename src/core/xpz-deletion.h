/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "xpz-api-client.h"

G_BEGIN_DECLS

/* Deletion receipts (R7.2): the platform answers a deletion request with a receipt. It is
 * kept on this computer (the "pending-deletions" setting: it says nothing about the
 * person) so that the app learns the deletion was completed even when the account and
 * all its sessions are already gone — and then erases its own copy. */

gboolean    xpz_deletion_remember     (GSettings     *settings,
                                       const char    *platform_url,
                                       const char    *account_id,
                                       gint64         request_id,
                                       const char    *receipt);
void        xpz_deletion_forget       (GSettings     *settings,
                                       const char    *platform_url,
                                       const char    *account_id);
gboolean    xpz_deletion_lookup       (GSettings     *settings,
                                       const char    *platform_url,
                                       const char    *account_id,
                                       gint64        *request_id,
                                       char         **receipt);

void        xpz_deletion_check_async  (XpzApiClient  *client,
                                       gint64         request_id,
                                       const char    *receipt,
                                       GCancellable  *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer       user_data);
JsonObject *xpz_deletion_check_finish (XpzApiClient  *client,
                                       GAsyncResult  *result,
                                       GError       **error);
gboolean    xpz_deletion_is_completed (JsonObject    *status);

G_END_DECLS
