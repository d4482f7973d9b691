/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-parked-change.h"
#include "xpz-sync-indicator.h"

/* The header bar's sync status: up to date, syncing, waiting (offline or a busy
 * platform), needs sign-in, needs attention; its popover says why in plain words and
 * offers "Sync Now". */

struct _XpzSyncIndicator
{
  AdwBin         parent_instance;

  XpzAccount    *account;
  XpzSyncEngine *engine;

  GCancellable  *cancellable;

  GtkMenuButton *button;
  GtkLabel      *title_label;
  GtkLabel      *detail_label;
  GtkListBox    *parked_list;
  GtkWidget     *sign_in_button;
};

static void refresh_parked (XpzSyncIndicator *self);

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
  gtk_widget_set_visible (self->sign_in_button, state == XPZ_SYNC_STATE_NEEDS_SIGN_IN);
  if (state == XPZ_SYNC_STATE_NEEDS_ATTENTION || state == XPZ_SYNC_STATE_UP_TO_DATE)
    refresh_parked (self);
}

/* --- the changes that need the user --------------------------------------------------- */

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (XpzSyncIndicator) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_sync_engine_resolve_finish (XPZ_SYNC_ENGINE (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->account != NULL)
    xpz_account_request_sync (self->account);
  refresh_parked (self);
}

static void
resolve_clicked_cb (GtkButton        *button,
                    XpzSyncIndicator *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (button), "change-id");
  XpzResolution resolution = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "resolution"));

  if (self->engine == NULL || id == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  xpz_sync_engine_resolve_async (self->engine, *id, resolution, self->cancellable, resolved_cb,
                                 g_object_ref (self));
}

static GtkWidget *
resolve_button (XpzSyncIndicator *self,
                XpzParkedChange  *change,
                const char       *label,
                const char       *tooltip,
                XpzResolution     resolution)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  gint64 *id = g_new (gint64, 1);

  *id = xpz_parked_change_get_id (change);
  g_object_set_data_full (G_OBJECT (button), "change-id", id, g_free);
  g_object_set_data (G_OBJECT (button), "resolution", GINT_TO_POINTER (resolution));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  g_signal_connect_object (button, "clicked", G_CALLBACK (resolve_clicked_cb), self, 0);
  return button;
}

static GtkWidget *
parked_row (XpzSyncIndicator *self,
            XpzParkedChange  *change)
{
  g_autofree char *title = xpz_parked_change_describe (change);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  switch (xpz_parked_change_get_reason (change))
    {
    case XPZ_PARKED_CONFLICT:
      {
        g_autofree char *differences = xpz_parked_change_describe_differences (change);

        if (differences != NULL)
          /* Translators: %s lists what differs, e.g. "phone number, summary". */
          subtitle = g_strdup_printf (_("Changed on the platform after you edited it here; the "
                                        "two versions differ in: %s. Keep yours, or the "
                                        "platform’s?"), differences);
        else
          subtitle = g_strdup (_("Changed on the platform after you edited it here. Keep your "
                                 "version, or the platform’s?"));
      }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 resolve_button (self, change, _("_Mine"),
                                                 _("Send your version over the platform’s"),
                                                 XPZ_RESOLVE_KEEP_MINE));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 resolve_button (self, change, _("_Theirs"),
                                                 _("Keep the platform’s version and drop yours"),
                                                 XPZ_RESOLVE_KEEP_THEIRS));
      break;

    case XPZ_PARKED_UNREADABLE:
      subtitle = g_strdup (_("It cannot be read with this account’s key any more."));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 resolve_button (self, change, _("_Discard"),
                                                 _("Give up this change"), XPZ_RESOLVE_DISCARD));
      break;

    case XPZ_PARKED_REFUSED:
    default:
      if (xpz_parked_change_get_detail (change) != NULL)
        subtitle = g_strdup_printf (_("The platform refused it: %s"),
                                    xpz_parked_change_get_detail (change));
      else
        subtitle = g_strdup (_("The platform refused it as it stands."));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 resolve_button (self, change, _("_Discard"),
                                                 _("Give up this change"), XPZ_RESOLVE_DISCARD));
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (XpzSyncIndicator) self = user_data;
  g_autoptr (GListModel) list = NULL;
  GtkWidget *child;

  list = xpz_sync_engine_list_parked_finish (XPZ_SYNC_ENGINE (source), result, NULL);
  if (list == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->parked_list))) != NULL)
    gtk_list_box_remove (self->parked_list, child);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (XpzParkedChange) change = g_list_model_get_item (list, i);
      gtk_list_box_append (self->parked_list, parked_row (self, change));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->parked_list), g_list_model_get_n_items (list) > 0);
}

static void
refresh_parked (XpzSyncIndicator *self)
{
  if (self->engine == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->parked_list), FALSE);
      return;
    }
  xpz_sync_engine_list_parked_async (self->engine, self->cancellable, listed_cb,
                                     g_object_ref (self));
}

static void
popover_shown_cb (XpzSyncIndicator *self)
{
  refresh_parked (self);
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
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
  gtk_widget_class_bind_template_child (widget_class, XpzSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, XpzSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, XpzSyncIndicator, parked_list);
  gtk_widget_class_bind_template_child (widget_class, XpzSyncIndicator, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, popover_shown_cb);

  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_action);
}

static void
xpz_sync_indicator_init (XpzSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The AdwBin's own child: not bound as a template child (see XpzEmployerPage). */
  self->button = GTK_MENU_BUTTON (adw_bin_get_child (ADW_BIN (self)));
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
