/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-consent"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-consent.h"
#include "xpz-profile.h"

/* The first-run sharing choice: automatic or explicit, neither pre-selected. The
 * choice is saved and queued for the platform (PUT /me/privacy) in one transaction;
 * the platform ledgers it. */
struct _XpzCandidateConsent
{
  AdwBin parent_instance;

  XpzAccount     *account;
  GCancellable   *cancellable;

  GtkCheckButton *automatic_check;
  GtkCheckButton *explicit_check;
  GtkLabel       *error_label;
  GtkButton      *confirm_button;
};

G_DEFINE_FINAL_TYPE (XpzCandidateConsent, xpz_candidate_consent, ADW_TYPE_BIN)

enum
{
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GBytes *key;
  char   *mode;
} Choice;

static void
choice_free (Choice *c)
{
  g_clear_pointer (&c->key, g_bytes_unref);
  g_free (c->mode);
  g_free (c);
}

static gpointer
save_choice_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Choice *c = data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *body = g_strdup_printf ("{\"sharing_mode\":\"%s\"}", c->mode);
  gint64 id;

  if (!xpz_candidate_state_set (db, "sharing_choice", c->mode, now, error))
    return NULL;
  id = xpz_outbox_add (db, c->key, "PUT", "/api/v1/me/privacy", body, NULL, NULL, now, error);
  if (id <= 0)
    return NULL;
  xpz_store_record_change (store, "outbox", id, XPZ_STORE_CHANGE_INSERTED);
  return GINT_TO_POINTER (TRUE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  XpzCandidateConsent *self = user_data;
  g_autoptr (GError) error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), TRUE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CHOSEN], 0);
}

static void
confirm_cb (XpzCandidateConsent *self)
{
  Choice *c;
  const char *mode = NULL;

  if (gtk_check_button_get_active (self->automatic_check))
    mode = "automatic";
  else if (gtk_check_button_get_active (self->explicit_check))
    mode = "explicit";
  if (mode == NULL || self->account == NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  c = g_new0 (Choice, 1);
  c->key = g_bytes_ref (xpz_session_get_at_rest_key (xpz_account_get_session (self->account)));
  c->mode = g_strdup (mode);
  xpz_store_run_async (xpz_account_get_store (self->account), TRUE, save_choice_func, c,
                       (GDestroyNotify) choice_free, NULL, self->cancellable, saved_cb, self);
}

static void
toggled_cb (XpzCandidateConsent *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            gtk_check_button_get_active (self->automatic_check) ||
                            gtk_check_button_get_active (self->explicit_check));
}

static void
xpz_candidate_consent_dispose (GObject *object)
{
  XpzCandidateConsent *self = XPZ_CANDIDATE_CONSENT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_CONSENT);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (xpz_candidate_consent_parent_class)->dispose (object);
}

static void
xpz_candidate_consent_class_init (XpzCandidateConsentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_consent_dispose;

  /**
   * XpzCandidateConsent::chosen:
   *
   * The choice is saved locally and queued for the platform.
   */
  signals[SIGNAL_CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-consent.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateConsent, automatic_check);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateConsent, explicit_check);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateConsent, error_label);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateConsent, confirm_button);
  gtk_widget_class_bind_template_callback (widget_class, confirm_cb);
  gtk_widget_class_bind_template_callback (widget_class, toggled_cb);
}

static void
xpz_candidate_consent_init (XpzCandidateConsent *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
xpz_candidate_consent_set_account (XpzCandidateConsent *self,
                                   XpzAccount          *account)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_CONSENT (self));

  if (self->account == account)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->account, account);
  if (account != NULL)
    self->cancellable = g_cancellable_new ();
  /* Each time the choice is asked for, nothing is pre-selected. */
  gtk_check_button_set_active (self->automatic_check, FALSE);
  gtk_check_button_set_active (self->explicit_check, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
}
