/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-deletion"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-api-response.h"
#include "xpz-deletion.h"

#define SETTING "pending-deletions"

/* One entry per account, keyed by where the account lives and who it is: an account id
 * is only unique on its own platform. */
static char *
entry_key (const char *platform_url,
           const char *account_id)
{
  return g_strconcat (platform_url, " ", account_id, NULL);
}

static gboolean
write_entries (GSettings  *settings,
               const char *skip,
               const char *key,
               gint64      request_id,
               const char *receipt)
{
  g_autoptr (GVariant) old = g_settings_get_value (settings, SETTING);
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k, *r;
  gint64 id;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(xs)}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s(x&s)}", &k, &id, &r))
    if (g_strcmp0 (k, skip) != 0)
      g_variant_builder_add (&builder, "{s(xs)}", k, id, r);
  if (key != NULL)
    g_variant_builder_add (&builder, "{s(xs)}", key, request_id, receipt);
  return g_settings_set_value (settings, SETTING, g_variant_builder_end (&builder));
}

/**
 * xpz_deletion_remember:
 *
 * Keeps the receipt of @account_id's pending deletion request (replacing any earlier).
 */
gboolean
xpz_deletion_remember (GSettings  *settings,
                       const char *platform_url,
                       const char *account_id,
                       gint64      request_id,
                       const char *receipt)
{
  g_autofree char *key = NULL;
  gint64 known_id = 0;
  g_autofree char *known = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (platform_url != NULL && account_id != NULL, FALSE);

  if (receipt == NULL || *receipt == '\0' || request_id <= 0)
    return FALSE;
  if (xpz_deletion_lookup (settings, platform_url, account_id, &known_id, &known) &&
      known_id == request_id && g_strcmp0 (known, receipt) == 0)
    return TRUE;  /* nothing to write */
  key = entry_key (platform_url, account_id);
  return write_entries (settings, key, key, request_id, receipt);
}

/* The request was cancelled, or the deletion is done and acted upon. */
void
xpz_deletion_forget (GSettings  *settings,
                     const char *platform_url,
                     const char *account_id)
{
  g_autofree char *key = NULL;

  g_return_if_fail (G_IS_SETTINGS (settings));

  if (platform_url == NULL || account_id == NULL ||
      !xpz_deletion_lookup (settings, platform_url, account_id, NULL, NULL))
    return;
  key = entry_key (platform_url, account_id);
  write_entries (settings, key, NULL, 0, NULL);
}

gboolean
xpz_deletion_lookup (GSettings   *settings,
                     const char  *platform_url,
                     const char  *account_id,
                     gint64      *request_id,
                     char       **receipt)
{
  g_autoptr (GVariant) entries = NULL;
  g_autofree char *key = NULL;
  const char *r;
  gint64 id;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  if (platform_url == NULL || account_id == NULL)
    return FALSE;
  entries = g_settings_get_value (settings, SETTING);
  key = entry_key (platform_url, account_id);
  if (!g_variant_lookup (entries, key, "(x&s)", &id, &r))
    return FALSE;
  if (request_id != NULL)
    *request_id = id;
  if (receipt != NULL)
    *receipt = g_strdup (r);
  return TRUE;
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  JsonObject *o;

  if (response == NULL || !xpz_api_response_check (response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  o = xpz_api_response_get_object (response);
  if (o == NULL)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE, "%s",
                               _("The platform’s answer about the deletion request could not be read."));
      return;
    }
  g_task_return_pointer (task, json_object_ref (o), (GDestroyNotify) json_object_unref);
}

/**
 * xpz_deletion_check_async:
 *
 * Asks the platform's public endpoint, with the receipt, where the deletion request
 * stands: no session is needed (after the deletion there is none).
 */
void
xpz_deletion_check_async (XpzApiClient        *client,
                          gint64               request_id,
                          const char          *receipt,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (XPZ_IS_API_CLIENT (client));
  g_return_if_fail (receipt != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_deletion_check_async);
  escaped = g_uri_escape_string (receipt, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/deletion-requests/%lld?receipt=%s", (long long) request_id, escaped);
  xpz_api_client_call_async (client, "GET", path, NULL, NULL, NULL, cancellable, checked_cb, task);
}

/* Returns: (transfer full): the request's status ({id, status, requested_at, due_at,
 * completed_at}), or %NULL with @error set (404: no such request with this receipt) */
JsonObject *
xpz_deletion_check_finish (XpzApiClient  *client,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
xpz_deletion_is_completed (JsonObject *status)
{
  return status != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (status, "status", NULL), "completed") == 0;
}
