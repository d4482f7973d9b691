/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-secrets"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <sodium.h>
#include <string.h>

#include "xpz-crypto.h"
#include "xpz-json-strict.h"
#include "xpz-secrets.h"

/* Credentials and the at-rest key live only in the Secret Service (R9.1).
 *
 * One schema, com.xpertaize.Desktop.Account, whose attributes hold no
 * personal data: the server URL and the platform's opaque account id. The
 * value is one JSON bundle per account (tokens, expiry, at-rest key).
 *
 * Every call is asynchronous, takes a GCancellable, and is bounded by our
 * own timeout: a Secret Service that owns the bus name but never answers
 * would otherwise block for D-Bus's 25 s (twice). Failures are told apart:
 * no session bus, no Secret Service, locked keyring, not found, timeout.
 * There is no fallback: without a Secret Service nothing is remembered. */

struct _XpzSecrets
{
  GObject  parent_instance;

  guint    timeout_ms;
};

G_DEFINE_FINAL_TYPE (XpzSecrets, xpz_secrets, G_TYPE_OBJECT)
G_DEFINE_QUARK (xpz-secrets-error-quark, xpz_secrets_error)

enum {
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define SECRETS_BUS_NAME "org.freedesktop.secrets"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    XPZ_SECRETS_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* --- Credentials ------------------------------------------------------- */

XpzCredentials *
xpz_credentials_new (void)
{
  return g_new0 (XpzCredentials, 1);
}

static void
wipe_string (char *s)
{
  if (s != NULL)
    {
      sodium_memzero (s, strlen (s));
      g_free (s);
    }
}

void
xpz_credentials_free (XpzCredentials *credentials)
{
  if (credentials == NULL)
    return;
  wipe_string (credentials->access_token);
  wipe_string (credentials->refresh_token);
  g_clear_pointer (&credentials->at_rest_key, g_bytes_unref);
  g_free (credentials);
}

/**
 * xpz_credentials_to_json:
 *
 * Returns: (transfer full): the bundle; wipe it after use
 */
char *
xpz_credentials_to_json (const XpzCredentials *credentials)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (credentials != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, credentials->access_token);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, credentials->refresh_token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, credentials->expires_at);
  if (credentials->at_rest_key != NULL)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (credentials->at_rest_key, &len);

      key = g_base64_encode (data, len);
      json_builder_set_member_name (builder, "at_rest_key");
      json_builder_add_string_value (builder, key);
      sodium_memzero (key, strlen (key));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return xpz_json_to_string (root, FALSE, NULL);
}

XpzCredentials *
xpz_credentials_from_json (const char  *json,
                           GError     **error)
{
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(XpzCredentials) credentials = xpz_credentials_new ();
  JsonObject *object;
  const char *key;

  if (json != NULL)
    parsed = xpz_json_parse_strict (json, -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);
  if (parsed == NULL || !JSON_NODE_HOLDS_OBJECT (parsed))
    goto invalid;

  object = json_node_get_object (parsed);
  credentials->access_token = g_strdup (json_object_get_string_member_with_default (object, "access_token", NULL));
  credentials->refresh_token = g_strdup (json_object_get_string_member_with_default (object, "refresh_token", NULL));
  credentials->expires_at = json_object_get_int_member_with_default (object, "expires_at", 0);
  key = json_object_get_string_member_with_default (object, "at_rest_key", NULL);
  if (key != NULL)
    {
      gsize len = 0;
      guint8 *data = g_base64_decode (key, &len);

      if (len != XPZ_CRYPTO_KEY_BYTES)
        {
          sodium_memzero (data, len);
          g_free (data);
          goto invalid;
        }
      credentials->at_rest_key = g_bytes_new_take (data, len);
    }
  return g_steal_pointer (&credentials);

invalid:
  g_set_error (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_INVALID,
               _("The saved sign-in is damaged. Please sign in again."));
  return NULL;
}

/* --- Operations -------------------------------------------------------- */

typedef enum
{
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
} OpKind;

typedef struct
{
  OpKind          kind;
  GHashTable     *attributes;
  char           *secret;        /* OP_STORE: the JSON bundle */
  GCancellable   *cancellable;   /* ours: cancelled by the caller's or the timeout */
  GCancellable   *external;
  gulong          external_id;
  GSource        *timeout;
  gboolean        timed_out;
  gboolean        done;
  SecretService  *service;
} Op;

static void
op_free (Op *op)
{
  if (op->external_id != 0)
    g_cancellable_disconnect (op->external, op->external_id);
  g_clear_object (&op->external);
  if (op->timeout != NULL)
    {
      g_source_destroy (op->timeout);
      g_source_unref (op->timeout);
    }
  g_clear_object (&op->cancellable);
  g_clear_object (&op->service);
  g_clear_pointer (&op->attributes, g_hash_table_unref);
  wipe_string (op->secret);
  g_free (op);
}

/* Completes the task once; later callbacks (after a timeout) are ignored. */
static void
op_return (GTask          *task,
           GError         *error,
           gpointer        result,
           GDestroyNotify  result_free)
{
  Op *op = g_task_get_task_data (task);

  if (op->done)
    {
      g_clear_error (&error);
      if (result != NULL && result_free != NULL)
        result_free (result);
      return;
    }
  op->done = TRUE;
  if (op->timeout != NULL)
    {
      g_source_destroy (op->timeout);
      g_clear_pointer (&op->timeout, g_source_unref);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, result_free);
}

static GError *
map_error (Op     *op,
           GError *error)
{
  GError *mapped = NULL;

  if (op->timed_out)
    mapped = g_error_new (XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_TIMEOUT,
                          _("The password keyring did not answer in time. "
                            "You will have to sign in again next time."));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED))
    mapped = g_error_new (XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NO_SERVICE,
                          _("No password keyring is available, so your sign-in cannot be remembered."));
  else if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    mapped = g_error_new (XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_LOCKED,
                          _("Your password keyring is locked. Unlock it to stay signed in."));
  else if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT))
    mapped = g_error_new (XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NOT_FOUND,
                          _("No saved sign-in was found for this account."));
  else
    mapped = g_error_new (XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_FAILED,
                          _("The password keyring reported an error (%s)."),
                          error ? error->message : "?");
  g_clear_error (&error);
  return mapped;
}

static void
op_fail (GTask  *task,
         GError *error)
{
  op_return (task, map_error (g_task_get_task_data (task), error), NULL, NULL);
}

static void
op_fail_code (GTask      *task,
              int         code,
              const char *message)
{
  op_return (task, g_error_new_literal (XPZ_SECRETS_ERROR, code, message), NULL, NULL);
}

static gboolean
on_timeout (gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);

  op->timed_out = TRUE;
  g_cancellable_cancel (op->cancellable);
  op_return (task,
             g_error_new (XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_TIMEOUT,
                          _("The password keyring did not answer in time. "
                            "You will have to sign in again next time.")),
             NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_external_cancelled (GCancellable *cancellable,
                       gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static gboolean
op_still_running (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->done)
    return FALSE;
  if (op->external != NULL && g_cancellable_is_cancelled (op->external))
    {
      op_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                            _("The operation was cancelled.")),
                 NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Step 5: the operation itself */

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (!secret_service_store_finish (SECRET_SERVICE (source), result, &error))
    {
      if (op_still_running (task))
        op_fail (task, error);
      else
        g_clear_error (&error);
      return;
    }
  if (op_still_running (task))
    op_return (task, NULL, GINT_TO_POINTER (TRUE), NULL);
}

static void
on_collection (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(SecretValue) value = NULL;
  GError *error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (!op_still_running (task))
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    {
      op_fail (task, error);
      return;
    }
  if (collection == NULL)
    {
      op_fail_code (task, XPZ_SECRETS_ERROR_NO_SERVICE,
                    _("The password keyring has no default collection, so your sign-in cannot be remembered."));
      return;
    }
  if (secret_collection_get_locked (collection))
    {
      op_fail_code (task, XPZ_SECRETS_ERROR_LOCKED,
                    _("Your password keyring is locked. Unlock it to stay signed in."));
      return;
    }

  value = secret_value_new (op->secret, -1, "application/json");
  secret_service_store (op->service, get_schema (), op->attributes,
                        g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)),
                        _("XpertAIze account"), value, op->cancellable,
                        on_stored, g_object_ref (task));
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to remove, which is fine. */
  secret_service_clear_finish (SECRET_SERVICE (source), result, &error);
  if (!op_still_running (task))
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    op_fail (task, error);
  else
    op_return (task, NULL, GINT_TO_POINTER (TRUE), NULL);
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);
  GList *items;
  GError *error = NULL;
  gboolean any_locked = FALSE;
  XpzCredentials *credentials = NULL;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (!op_still_running (task))
    {
      g_clear_error (&error);
      g_list_free_full (items, g_object_unref);
      return;
    }
  if (error != NULL)
    {
      op_fail (task, error);
      return;
    }

  for (GList *l = items; l != NULL && credentials == NULL && error == NULL; l = l->next)
    {
      SecretItem *item = l->data;
      g_autoptr(SecretValue) value = NULL;

      if (secret_item_get_locked (item))
        {
          any_locked = TRUE;
          continue;
        }
      value = secret_item_get_secret (item);
      if (value != NULL)
        credentials = xpz_credentials_from_json (secret_value_get_text (value), &error);
    }
  g_list_free_full (items, g_object_unref);

  if (op->kind == OP_CLEAR)
    {
      xpz_credentials_free (credentials);
      g_clear_error (&error);
      if (any_locked)
        op_fail_code (task, XPZ_SECRETS_ERROR_LOCKED,
                      _("Your password keyring is locked. Unlock it to remove the saved sign-in."));
      else
        secret_service_clear (op->service, get_schema (), op->attributes, op->cancellable,
                              on_cleared, g_object_ref (task));
      return;
    }

  if (error != NULL)
    op_return (task, error, NULL, NULL);
  else if (credentials != NULL)
    op_return (task, NULL, credentials, (GDestroyNotify) xpz_credentials_free);
  else if (any_locked)
    /* A lookup that finds nothing readable may mean a locked keyring. */
    op_fail_code (task, XPZ_SECRETS_ERROR_LOCKED,
                  _("Your password keyring is locked. Unlock it to stay signed in."));
  else
    op_fail_code (task, XPZ_SECRETS_ERROR_NOT_FOUND,
                  _("No saved sign-in was found for this account."));
}

/* Step 4: the service */

static void
on_service (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  SecretService *service = secret_service_get_finish (result, &error);

  if (!op_still_running (task))
    {
      g_clear_error (&error);
      g_clear_object (&service);
      return;
    }
  if (service == NULL)
    {
      op_fail (task, error);
      return;
    }
  op->service = service;

  switch (op->kind)
    {
    case OP_STORE:
      secret_collection_for_alias (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                                   op->cancellable, on_collection, g_object_ref (task));
      break;
    case OP_LOOKUP:
    case OP_CLEAR:
      /* Never SECRET_SEARCH_UNLOCK: that could raise a prompt. */
      secret_service_search (service, get_schema (), op->attributes,
                             SECRET_SEARCH_ALL |
                             (op->kind == OP_LOOKUP ? SECRET_SEARCH_LOAD_SECRETS : 0),
                             op->cancellable, on_searched, g_object_ref (task));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
get_service (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  secret_service_get (SECRET_SERVICE_OPEN_SESSION, op->cancellable,
                      on_service, g_object_ref (task));
}

/* Step 3: is there a Secret Service, running or activatable? */

static void
on_activatable (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **names = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (!op_still_running (task))
    {
      g_clear_error (&error);
      return;
    }
  if (reply == NULL)
    {
      op_fail (task, error);
      return;
    }
  g_variant_get (reply, "(^a&s)", &names);
  if (names == NULL || !g_strv_contains (names, SECRETS_BUS_NAME))
    {
      op_fail_code (task, XPZ_SECRETS_ERROR_NO_SERVICE,
                    _("No password keyring is available, so your sign-in cannot be remembered."));
      return;
    }
  get_service (task);
}

static void
on_has_owner (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (!op_still_running (task))
    {
      g_clear_error (&error);
      return;
    }
  if (reply == NULL)
    {
      op_fail (task, error);
      return;
    }
  g_variant_get (reply, "(b)", &has_owner);
  if (has_owner)
    {
      get_service (task);
      return;
    }
  g_dbus_connection_call (G_DBUS_CONNECTION (source),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListActivatableNames",
                          NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          op->cancellable, on_activatable, g_object_ref (task));
}

/* Step 2: the session bus */

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GDBusConnection) bus = NULL;
  GError *error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (!op_still_running (task))
    {
      g_clear_error (&error);
      return;
    }
  if (bus == NULL)
    {
      if (op->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          op_fail (task, error);
          return;
        }
      g_clear_error (&error);
      op_fail_code (task, XPZ_SECRETS_ERROR_NO_SESSION_BUS,
                    _("There is no desktop session bus, so your sign-in cannot be remembered."));
      return;
    }
  g_dbus_connection_call (bus,
                          "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", SECRETS_BUS_NAME),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          op->cancellable, on_has_owner, g_object_ref (task));
}

/* Step 1 */

static GTask *
op_start (XpzSecrets          *self,
          OpKind               kind,
          const char          *server_url,
          const char          *account_id,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  op->kind = kind;
  op->cancellable = g_cancellable_new ();
  op->attributes = secret_attributes_build (get_schema (),
                                            "server", server_url,
                                            "account", account_id,
                                            NULL);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  if (cancellable != NULL)
    {
      op->external = g_object_ref (cancellable);
      op->external_id = g_cancellable_connect (cancellable, G_CALLBACK (on_external_cancelled),
                                               g_object_ref (op->cancellable), g_object_unref);
    }

  /* The timeout holds no reference: op_return() destroys it. */
  op->timeout = g_timeout_source_new (self->timeout_ms);
  g_source_set_static_name (op->timeout, "[xpz] secrets timeout");
  g_source_set_callback (op->timeout, on_timeout, task, NULL);
  g_source_attach (op->timeout, g_task_get_context (task));

  return task;
}

static void
op_run (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  g_bus_get (G_BUS_TYPE_SESSION, op->cancellable, on_bus, task);
}

static gboolean
check_ids (const char *server_url,
           const char *account_id)
{
  return server_url != NULL && *server_url != '\0' && account_id != NULL && *account_id != '\0';
}

void
xpz_secrets_store_async (XpzSecrets           *self,
                         const char           *server_url,
                         const char           *account_id,
                         const XpzCredentials *credentials,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_SECRETS (self));
  g_return_if_fail (check_ids (server_url, account_id));
  g_return_if_fail (credentials != NULL);

  task = op_start (self, OP_STORE, server_url, account_id, cancellable, callback, user_data,
                   xpz_secrets_store_async);
  ((Op *) g_task_get_task_data (task))->secret = xpz_credentials_to_json (credentials);
  op_run (task);
}

gboolean
xpz_secrets_store_finish (XpzSecrets    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

void
xpz_secrets_lookup_async (XpzSecrets          *self,
                          const char          *server_url,
                          const char          *account_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (XPZ_IS_SECRETS (self));
  g_return_if_fail (check_ids (server_url, account_id));

  op_run (op_start (self, OP_LOOKUP, server_url, account_id, cancellable, callback, user_data,
                    xpz_secrets_lookup_async));
}

/**
 * xpz_secrets_lookup_finish:
 *
 * Returns: (transfer full): the credentials, or %NULL with @error set
 *   (%XPZ_SECRETS_ERROR_NOT_FOUND when nothing is saved)
 */
XpzCredentials *
xpz_secrets_lookup_finish (XpzSecrets    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * xpz_secrets_clear_async:
 *
 * Removes the account's bundle (tokens and at-rest key). Succeeds when
 * nothing was saved.
 */
void
xpz_secrets_clear_async (XpzSecrets          *self,
                         const char          *server_url,
                         const char          *account_id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (XPZ_IS_SECRETS (self));
  g_return_if_fail (check_ids (server_url, account_id));

  op_run (op_start (self, OP_CLEAR, server_url, account_id, cancellable, callback, user_data,
                    xpz_secrets_clear_async));
}

gboolean
xpz_secrets_clear_finish (XpzSecrets    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

/* --- GObject ----------------------------------------------------------- */

XpzSecrets *
xpz_secrets_new (void)
{
  return g_object_new (XPZ_TYPE_SECRETS, NULL);
}

static void
xpz_secrets_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XpzSecrets *self = XPZ_SECRETS (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_secrets_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  XpzSecrets *self = XPZ_SECRETS (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      xpz_secrets_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_secrets_class_init (XpzSecretsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xpz_secrets_get_property;
  object_class->set_property = xpz_secrets_set_property;

  /**
   * XpzSecrets:timeout:
   *
   * How long, in milliseconds, one call may take before it fails with
   * %XPZ_SECRETS_ERROR_TIMEOUT.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, G_MAXUINT, XPZ_SECRETS_DEFAULT_TIMEOUT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_secrets_init (XpzSecrets *self)
{
  self->timeout_ms = XPZ_SECRETS_DEFAULT_TIMEOUT_MS;
}

guint
xpz_secrets_get_timeout (XpzSecrets *self)
{
  g_return_val_if_fail (XPZ_IS_SECRETS (self), 0);
  return self->timeout_ms;
}

void
xpz_secrets_set_timeout (XpzSecrets *self,
                         guint       timeout_ms)
{
  g_return_if_fail (XPZ_IS_SECRETS (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}
