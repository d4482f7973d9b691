/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-sync-indicator.h"

/* The header bar's sync status: up to date, syncing, waiting (offline or a busy
 * platform), needs sign-in, needs attention; its popover says why in plain words and
 * offers "Sync Now". */

struct _XpzSyncIndicator
{
  AdwBin         parent_instance;

  XpzAccount    *account;
  XpzSyncEngine *engine;

  GtkMenuButton *button;
  GtkLabel      *title_label;
  GtkLabel      *detail_label;
};

G_DEFINE_FINAL_TYPE (XpzSyncIndicator, xpz_sync_indicator, ADW_TYPE_BIN)

static void
update (XpzSyncIndicator *self)
{
  const char *icon = "xpz-sync-ok-symbolic";
  const char *title = _("Up to date");
  g_autofree char *detail = NULL;
  const GError *error = self->account != NULL ? xpz_account_get_last_error (self->account)
                                              : NULL;
  XpzSyncState state = self->engine != NULL ? xpz_sync_engine_get_state (self->engine)
                                            : XPZ_SYNC_STATE_UP_TO_DATE;

  switch (state)
    {
    case XPZ_SYNC_STATE_SYNCING:
      icon = "xpz-sync-busy-symbolic";
      title = _("Syncing");
      detail = g_strdup (_("Sending your changes to the platform."));
      break;

    case XPZ_SYNC_STATE_WAITING:
      {
        g_autoptr (GDateTime) when =
          g_date_time_new_from_unix_local (xpz_sync_engine_get_next_attempt (self->engine));
        g_autofree char *time = when != NULL ? g_date_time_format (when, "%X") : NULL;

        icon = "xpz-sync-offline-symbolic";
        title = _("Waiting to sync");
        /* Translators: %s is a time of day. */
        detail = g_strdup_printf (_("The platform cannot be reached or is busy. Your changes "
                                    "are kept on this computer and sent at %s."),
                                  time != NULL ? time : "—");
      }
      break;

    case XPZ_SYNC_STATE_NEEDS_SIGN_IN:
      icon = "xpz-sync-attention-symbolic";
      title = _("Sign in again to sync");
      detail = g_strdup (_("Your session has ended. Your changes are kept on this computer "
                           "until you sign in again."));
      break;

    case XPZ_SYNC_STATE_NEEDS_ATTENTION:
      icon = "xpz-sync-attention-symbolic";
      title = _("Some changes need you");
      detail = g_strdup (_("The platform refused some changes, or has a newer copy. They "
                           "are kept, not lost: review them before they are sent again."));
      break;

    case XPZ_SYNC_STATE_UP_TO_DATE:
    default:
      detail = g_strdup (_("Everything you changed is on the platform."));
      break;
    }

  if (error != NULL && state != XPZ_SYNC_STATE_UP_TO_DATE)
    {
      g_autofree char *with_error = g_strdup_printf ("%s\n%s", detail, error->message);
      g_free (detail);
      detail = g_steal_pointer (&with_error);
    }

  gtk_menu_button_set_icon_name (self->button, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->detail_label, detail);
}

void
xpz_sync_indicator_set_account (XpzSyncIndicator *self,
                                XpzAccount       *account)
{
  g_return_if_fail (XPZ_IS_SYNC_INDICATOR (self));

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_func (self->engine, update, self);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_func (self->account, update, self);
  g_clear_object (&self->engine);
  g_set_object (&self->account, account);

  if (account != NULL)
    {
      g_signal_connect_object (account, "notify::last-error-message", G_CALLBACK (update),
                               self, G_CONNECT_SWAPPED);
      if (xpz_account_get_engine (account) != NULL)
        {
          self->engine = g_object_ref (xpz_account_get_engine (account));
          g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (update), self,
                                   G_CONNECT_SWAPPED);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self), account != NULL);
  update (self);
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XpzSyncIndicator *self = XPZ_SYNC_INDICATOR (widget);

  gtk_menu_button_popdown (self->button);
  if (self->account != NULL)
    xpz_account_request_sync (self->account);
}

static void
xpz_sync_indicator_dispose (GObject *object)
{
  XpzSyncIndicator *self = XPZ_SYNC_INDICATOR (object);

  xpz_sync_indicator_set_account (self, NULL);
  /* The menu button is the AdwBin's child: AdwBin unparents it, so no
   * gtk_widget_dispose_template() here (it would unparent it a second time). */

  G_OBJECT_CLASS (xpz_sync_indicator_parent_class)->dispose (object);
}

static void
xpz_sync_indicator_class_init (XpzSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_sync_indicator_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, XpzSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, XpzSyncIndicator, detail_label);

  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_action);
}

static void
xpz_sync_indicator_init (XpzSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
