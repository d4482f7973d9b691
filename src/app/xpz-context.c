/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-context"

#include "config.h"

#include "xpz-context.h"

/* What the application's objects share, passed down to them instead of globals:
 * settings, the Secret Service client, the built-in demo platform and the session
 * of the account in use. */

struct _XpzContext
{
  GObject          parent_instance;

  GSettings       *settings;
  XpzSecrets      *secrets;
  XpzDemoPlatform *demo;
  XpzSession      *session;
  XpzAccount      *account;
  char            *opening_role; /* the role of an account being opened, or NULL */
  GListStore      *sessions;   /* every signed-in account, for switching in one click */
};

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_SESSION,
  PROP_ACCOUNT,
  PROP_OPENING_ROLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (XpzContext, xpz_context, G_TYPE_OBJECT)

XpzContext *
xpz_context_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (XPZ_TYPE_CONTEXT, "settings", settings, NULL);
}

GSettings *
xpz_context_get_settings (XpzContext *self)
{
  g_return_val_if_fail (XPZ_IS_CONTEXT (self), NULL);
  return self->settings;
}

XpzSecrets *
xpz_context_get_secrets (XpzContext *self)
{
  g_return_val_if_fail (XPZ_IS_CONTEXT (self), NULL);
  return self->secrets;
}

/* The demo platform, created (not started) on first use. */
XpzDemoPlatform *
xpz_context_get_demo_platform (XpzContext *self)
{
  g_return_val_if_fail (XPZ_IS_CONTEXT (self), NULL);

  if (self->demo == NULL)
    {
      g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "xpertaize", "demo",
                                                "platform.db", NULL);
      self->demo = xpz_demo_platform_new (path);
    }
  return self->demo;
}

/**
 * xpz_context_get_session:
 * Returns: (transfer none) (nullable): the session of the account in use
 */
XpzSession *
xpz_context_get_session (XpzContext *self)
{
  g_return_val_if_fail (XPZ_IS_CONTEXT (self), NULL);
  return self->session;
}

void
xpz_context_set_session (XpzContext *self,
                         XpzSession *session)
{
  g_return_if_fail (XPZ_IS_CONTEXT (self));
  g_return_if_fail (session == NULL || XPZ_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * xpz_context_get_sessions:
 * Returns: (transfer none): the signed-in sessions, a #GListModel of #XpzSession
 */
GListModel *
xpz_context_get_sessions (XpzContext *self)
{
  g_return_val_if_fail (XPZ_IS_CONTEXT (self), NULL);
  return G_LIST_MODEL (self->sessions);
}

void
xpz_context_add_session (XpzContext *self,
                         XpzSession *session)
{
  g_return_if_fail (XPZ_IS_CONTEXT (self));
  g_return_if_fail (XPZ_IS_SESSION (session));

  if (g_list_store_find (self->sessions, session, NULL))
    return;
  /* Signing in again to an account replaces its ended session. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sessions)); i++)
    {
      g_autoptr (XpzSession) other = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (g_strcmp0 (xpz_session_get_account_id (other), xpz_session_get_account_id (session)) == 0 &&
          g_strcmp0 (xpz_api_client_get_base_url (xpz_session_get_client (other)),
                     xpz_api_client_get_base_url (xpz_session_get_client (session))) == 0)
        {
          g_list_store_splice (self->sessions, i, 1, (gpointer *) &session, 1);
          return;
        }
    }
  g_list_store_append (self->sessions, session);
}

void
xpz_context_remove_session (XpzContext *self,
                            XpzSession *session)
{
  guint position;

  g_return_if_fail (XPZ_IS_CONTEXT (self));

  if (g_list_store_find (self->sessions, session, &position))
    g_list_store_remove (self->sessions, position);
}

/**
 * xpz_context_get_account:
 * Returns: (transfer none) (nullable): the open account (database and sync) in use
 */
XpzAccount *
xpz_context_get_account (XpzContext *self)
{
  g_return_val_if_fail (XPZ_IS_CONTEXT (self), NULL);
  return self->account;
}

void
xpz_context_set_account (XpzContext *self,
                         XpzAccount *account)
{
  g_return_if_fail (XPZ_IS_CONTEXT (self));
  g_return_if_fail (account == NULL || XPZ_IS_ACCOUNT (account));

  if (self->account == account)
    return;
  if (self->account != NULL)
    xpz_account_close (self->account);
  g_set_object (&self->account, account);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

/**
 * xpz_context_get_opening_role:
 *
 * While the account in use is being opened — its session restored from the Secret
 * Service, its database read — there is no #XpzContext:account yet; its role says which
 * area is about to show it, so that the area can show its frame at once rather than a
 * sign-in prompt.
 *
 * Returns: (nullable): "candidate" or "employer", or %NULL when no account is being opened
 */
const char *
xpz_context_get_opening_role (XpzContext *self)
{
  g_return_val_if_fail (XPZ_IS_CONTEXT (self), NULL);
  return self->opening_role;
}

void
xpz_context_set_opening_role (XpzContext *self,
                              const char *role)
{
  g_return_if_fail (XPZ_IS_CONTEXT (self));

  if (g_strcmp0 (self->opening_role, role) == 0)
    return;
  g_free (self->opening_role);
  self->opening_role = g_strdup (role);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPENING_ROLE]);
}

/* Whether the session in use is one of the built-in demo platform's. */
gboolean
xpz_context_get_is_demo (XpzContext *self)
{
  const char *demo_url;

  g_return_val_if_fail (XPZ_IS_CONTEXT (self), FALSE);

  if (self->session == NULL || self->demo == NULL)
    return FALSE;
  demo_url = xpz_demo_platform_get_url (self->demo);
  return demo_url != NULL &&
         g_strcmp0 (xpz_api_client_get_base_url (xpz_session_get_client (self->session)),
                    demo_url) == 0;
}

static void
xpz_context_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XpzContext *self = XPZ_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    case PROP_OPENING_ROLE:
      g_value_set_string (value, self->opening_role);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_context_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  XpzContext *self = XPZ_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_SESSION:
      xpz_context_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_context_dispose (GObject *object)
{
  XpzContext *self = XPZ_CONTEXT (object);

  if (self->account != NULL)
    xpz_account_close (self->account);
  g_clear_object (&self->account);
  g_clear_object (&self->session);
  if (self->sessions != NULL)
    g_list_store_remove_all (self->sessions);
  g_clear_object (&self->sessions);
  g_clear_object (&self->demo);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (xpz_context_parent_class)->dispose (object);
}

static void
xpz_context_finalize (GObject *object)
{
  XpzContext *self = XPZ_CONTEXT (object);

  g_free (self->opening_role);

  G_OBJECT_CLASS (xpz_context_parent_class)->finalize (object);
}

static void
xpz_context_class_init (XpzContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xpz_context_get_property;
  object_class->set_property = xpz_context_set_property;
  object_class->dispose = xpz_context_dispose;
  object_class->finalize = xpz_context_finalize;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, XPZ_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, XPZ_TYPE_ACCOUNT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OPENING_ROLE] =
    g_param_spec_string ("opening-role", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_context_init (XpzContext *self)
{
  self->secrets = xpz_secrets_new ();
  self->sessions = g_list_store_new (XPZ_TYPE_SESSION);
}
