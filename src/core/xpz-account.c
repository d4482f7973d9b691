/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-account"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-account.h"

/* A signed-in account on this computer: its session, its own database (opened with the
 * at-rest key from the Secret Service) and its sync engine, and when to sync: at once
 * when asked (a local change, the window coming back to the front, "Sync now"), when
 * the network comes back, when a waiting change is due, and every few minutes. */

#define PERIODIC_SYNC_SECONDS 300

struct _XpzAccount
{
  GObject          parent_instance;

  XpzSession      *session;
  XpzStore        *store;
  XpzSyncEngine   *engine;
  GBytes          *key;        /* taken when opening: the session may sign out meanwhile */
  GCancellable    *cancellable;
  GNetworkMonitor *monitor;
  GError          *last_error;

  guint            due_source;
  guint            periodic_source;
  gboolean         syncing;
  gboolean         again;
};

enum {
  PROP_0,
  PROP_LAST_ERROR_MESSAGE,
  PROP_SYNCING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (XpzAccount, xpz_account, G_TYPE_OBJECT)

XpzAccount *
xpz_account_new (XpzSession *session)
{
  XpzAccount *self;

  g_return_val_if_fail (XPZ_IS_SESSION (session), NULL);
  g_return_val_if_fail (xpz_session_get_account_id (session) != NULL, NULL);

  self = g_object_new (XPZ_TYPE_ACCOUNT, NULL);
  self->session = g_object_ref (session);
  self->store = xpz_store_new (xpz_session_get_account_id (session));
  return self;
}

gboolean
xpz_account_is_syncing (XpzAccount *self)
{
  g_return_val_if_fail (XPZ_IS_ACCOUNT (self), FALSE);

  return self->syncing;
}

XpzSession *
xpz_account_get_session (XpzAccount *self)
{
  g_return_val_if_fail (XPZ_IS_ACCOUNT (self), NULL);
  return self->session;
}

XpzStore *
xpz_account_get_store (XpzAccount *self)
{
  g_return_val_if_fail (XPZ_IS_ACCOUNT (self), NULL);
  return self->store;
}

/**
 * xpz_account_get_engine:
 * Returns: (transfer none) (nullable): the sync engine, once the account is open
 */
XpzSyncEngine *
xpz_account_get_engine (XpzAccount *self)
{
  g_return_val_if_fail (XPZ_IS_ACCOUNT (self), NULL);
  return self->engine;
}

/* What the last sync could not do, for the sync indicator, or %NULL. */
const GError *
xpz_account_get_last_error (XpzAccount *self)
{
  g_return_val_if_fail (XPZ_IS_ACCOUNT (self), NULL);
  return self->last_error;
}

static void
set_last_error (XpzAccount   *self,
                const GError *error)
{
  if (error == NULL && self->last_error == NULL)
    return;
  g_clear_error (&self->last_error);
  if (error != NULL)
    self->last_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR_MESSAGE]);
}

static void
store_changed_cb (XpzStore       *store,
                  const char     *table,
                  gint64          row_id,
                  XpzStoreChange  change,
                  XpzAccount     *self)
{
  /* A local change was queued: send it now (the UI never waits for it). */
  if (change == XPZ_STORE_CHANGE_INSERTED && g_strcmp0 (table, "outbox") == 0)
    xpz_account_request_sync (self);
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzAccount *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!xpz_store_open_finish (XPZ_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      /* Closed while it opened (signed out): the database is closed again. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The account was closed while its data opened"));
      return;
    }
  self->engine = xpz_sync_engine_new (self->store, self->session, self->key);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self, 0);
  g_task_return_boolean (task, TRUE);
}

/**
 * xpz_account_open_async:
 *
 * Opens the account's database with its at-rest key. A damaged database is moved aside
 * by the store (%XPZ_STORE_ERROR_CORRUPT): the caller tells the user and opens again,
 * which starts an empty one that the next sync fills from the platform.
 */
void
xpz_account_open_async (XpzAccount          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  GBytes *key;

  g_return_if_fail (XPZ_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_account_open_async);

  key = xpz_session_get_at_rest_key (self->session);
  if (key == NULL)
    {
      g_task_return_new_error (task, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NO_KEY,
                               _("The key of this account’s local data is missing"));
      g_object_unref (task);
      return;
    }
  g_clear_pointer (&self->key, g_bytes_unref);
  self->key = g_bytes_ref (key);
  xpz_store_open_async (self->store, key, cancellable, opened_cb, task);
}

gboolean
xpz_account_open_finish (XpzAccount    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void schedule_due (XpzAccount *self);

static void
set_syncing (XpzAccount *self,
             gboolean    syncing)
{
  if (self->syncing == syncing)
    return;
  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

static void
sync_finished (XpzAccount   *self,
               const GError *error)
{
  set_syncing (self, FALSE);
  set_last_error (self, error);

  if (self->again)
    {
      self->again = FALSE;
      xpz_account_request_sync (self);
      return;
    }
  schedule_due (self);
}

static void
pulled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (XpzAccount) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_sync_engine_pull_finish (XPZ_SYNC_ENGINE (source), result, NULL, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  sync_finished (self, error);
}

/* Send first (the user's changes), then receive. */
static void
pushed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (XpzAccount) self = user_data;
  g_autoptr (GError) error = NULL;
  XpzSyncState state;

  if (!xpz_sync_engine_push_finish (XPZ_SYNC_ENGINE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sync_finished (self, error);
      return;
    }
  state = xpz_sync_engine_get_state (self->engine);
  if (state == XPZ_SYNC_STATE_NEEDS_SIGN_IN || state == XPZ_SYNC_STATE_WAITING)
    {
      sync_finished (self, NULL);
      return;
    }
  xpz_sync_engine_pull_async (self->engine, self->cancellable, pulled_cb, g_object_ref (self));
}

/* Syncs now, or right after the sync under way. */
void
xpz_account_request_sync (XpzAccount *self)
{
  g_return_if_fail (XPZ_IS_ACCOUNT (self));

  if (self->engine == NULL)
    return;
  if (self->syncing)
    {
      self->again = TRUE;
      return;
    }
  if (xpz_sync_engine_get_state (self->engine) == XPZ_SYNC_STATE_NEEDS_SIGN_IN)
    return;
  /* Offline: paused until GNetworkMonitor says the network is back (a platform on this
   * computer needs none). */
  if (!g_network_monitor_get_network_available (self->monitor) &&
      !xpz_api_client_is_loopback (xpz_session_get_client (self->session)))
    return;

  g_clear_handle_id (&self->due_source, g_source_remove);
  set_syncing (self, TRUE);
  xpz_sync_engine_push_async (self->engine, self->cancellable, pushed_cb, g_object_ref (self));
}

static gboolean
due_cb (gpointer user_data)
{
  XpzAccount *self = user_data;

  self->due_source = 0;
  xpz_account_request_sync (self);
  return G_SOURCE_REMOVE;
}

/* A change waits (Retry-After, back-off): come back when it is due. */
static void
schedule_due (XpzAccount *self)
{
  gint64 next, now;

  g_clear_handle_id (&self->due_source, g_source_remove);
  if (xpz_sync_engine_get_state (self->engine) != XPZ_SYNC_STATE_WAITING)
    return;
  next = xpz_sync_engine_get_next_attempt (self->engine);
  now = g_get_real_time () / G_USEC_PER_SEC;
  self->due_source = g_timeout_add_seconds ((guint) CLAMP (next - now, 1, 3600), due_cb, self);
}

static gboolean
periodic_cb (gpointer user_data)
{
  xpz_account_request_sync (XPZ_ACCOUNT (user_data));
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    XpzAccount      *self)
{
  if (available)
    xpz_account_request_sync (self);
}

/* Stops syncing and closes the database; the session stays as it is. */
void
xpz_account_close (XpzAccount *self)
{
  g_return_if_fail (XPZ_IS_ACCOUNT (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->due_source, g_source_remove);
  g_clear_handle_id (&self->periodic_source, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, network_changed_cb, self);
  g_clear_object (&self->engine);
  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->store, store_changed_cb, self);
      if (xpz_store_is_open (self->store))
        xpz_store_close (self->store);
    }
}

static void
xpz_account_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XpzAccount *self = XPZ_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_LAST_ERROR_MESSAGE:
      g_value_set_string (value, self->last_error != NULL ? self->last_error->message : NULL);
      break;

    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_account_dispose (GObject *object)
{
  XpzAccount *self = XPZ_ACCOUNT (object);

  xpz_account_close (self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xpz_account_parent_class)->dispose (object);
}

static void
xpz_account_finalize (GObject *object)
{
  XpzAccount *self = XPZ_ACCOUNT (object);

  g_clear_error (&self->last_error);
  g_clear_pointer (&self->key, g_bytes_unref);

  G_OBJECT_CLASS (xpz_account_parent_class)->finalize (object);
}

static void
xpz_account_class_init (XpzAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xpz_account_get_property;
  object_class->dispose = xpz_account_dispose;
  object_class->finalize = xpz_account_finalize;

  properties[PROP_LAST_ERROR_MESSAGE] =
    g_param_spec_string ("last-error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* A sync (send, then receive) is under way. */
  properties[PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_account_init (XpzAccount *self)
{
  self->cancellable = g_cancellable_new ();
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  self->periodic_source = g_timeout_add_seconds (PERIODIC_SYNC_SECONDS, periodic_cb, self);
}
