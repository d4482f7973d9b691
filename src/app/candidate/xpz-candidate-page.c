/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-page"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-consent.h"
#include "xpz-candidate-documents.h"
#include "xpz-candidate-insights.h"
#include "xpz-candidate-introductions.h"
#include "xpz-candidate-matches.h"
#include "xpz-candidate-page.h"
#include "xpz-candidate-profile.h"
#include "xpz-candidate-transfer.h"
#include "xpz-profile.h"

/* The candidate area: the first-run sharing choice, then the profile, matches,
 * introduction requests, CVs, salary insights and import/export, one view each. */
struct _XpzCandidatePage
{
  AdwBin parent_instance;

  XpzContext                 *context;
  XpzAccount                 *account;
  GCancellable               *cancellable;

  GtkStack                   *stack;
  GtkStack                   *view_stack;
  GtkStackPage               *introductions_page;
  GtkBox                     *switcher_box;
  GtkWidget                  *introductions_label;
  XpzCandidateConsent        *consent;
  XpzCandidateProfile        *profile;
  XpzCandidateMatches        *matches;
  XpzCandidateIntroductions  *introductions;
  XpzCandidateDocuments      *documents;
  XpzCandidateInsights       *insights;
  XpzCandidateTransfer       *transfer;
};

G_DEFINE_FINAL_TYPE (XpzCandidatePage, xpz_candidate_page, ADW_TYPE_BIN)

static void
set_views_account (XpzCandidatePage *self,
                   XpzAccount       *account)
{
  xpz_candidate_profile_set_account (self->profile, account);
  xpz_candidate_matches_set_account (self->matches, account);
  xpz_candidate_introductions_set_account (self->introductions, account);
  xpz_candidate_documents_set_account (self->documents, account);
  xpz_candidate_insights_set_account (self->insights, account);
  xpz_candidate_transfer_set_account (self->transfer, account);
}

static void
show_main (XpzCandidatePage *self)
{
  xpz_candidate_consent_set_account (self->consent, NULL);
  set_views_account (self, self->account);
  gtk_stack_set_visible_child_name (self->stack, "main");
}

static void
show_consent (XpzCandidatePage *self)
{
  /* Nothing is chosen for the candidate: the choice comes first. */
  set_views_account (self, NULL);
  xpz_candidate_consent_set_account (self->consent, self->account);
  gtk_stack_set_visible_child_name (self->stack, "consent");
}

static gpointer
remember_choice_func (XpzStore      *store,
                      sqlite3       *db,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  if (!xpz_candidate_state_set (db, "sharing_choice", data, g_get_real_time () / G_USEC_PER_SEC, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
ledger_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  XpzCandidatePage *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);
  JsonObject *body = response != NULL ? xpz_api_response_get_object (response) : NULL;
  JsonArray *entries = body != NULL && json_object_has_member (body, "entries")
                       ? json_object_get_array_member (body, "entries") : NULL;
  const char *mode = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->account == NULL)
    return;
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      const char *kind = entry != NULL ? json_object_get_string_member_with_default (entry, "kind", "") : "";
      JsonObject *detail = entry != NULL && json_object_has_member (entry, "detail") &&
                           JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "detail"))
                           ? json_object_get_object_member (entry, "detail") : NULL;

      if (detail == NULL)
        continue;
      if (g_str_equal (kind, "sharing_mode_changed"))
        mode = json_object_get_string_member_with_default (detail, "to", NULL);
      else if (g_str_equal (kind, "sharing_mode_chosen"))
        mode = json_object_get_string_member_with_default (detail, "mode", NULL);
    }
  if (mode == NULL)
    {
      /* Never chosen, or the platform cannot be asked now (offline: ask here). */
      show_consent (self);
      return;
    }
  xpz_store_run_async (xpz_account_get_store (self->account), TRUE, remember_choice_func,
                       g_strdup (mode), g_free, NULL, NULL, NULL, NULL);
  show_main (self);
}

static gpointer
read_choice_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  char *choice = xpz_candidate_state_get (db, "sharing_choice");

  return choice != NULL ? choice : g_strdup ("");
}

static void
choice_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  XpzCandidatePage *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *choice = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->account == NULL)
    return;
  if (choice != NULL && *choice != '\0')
    show_main (self);
  else
    /* Not chosen on this computer: perhaps on another one (the ledger says so). */
    xpz_session_call_async (xpz_account_get_session (self->account), "GET", "/api/v1/me/ledger",
                            NULL, NULL, NULL, self->cancellable, ledger_read_cb, self);
}

static void
consent_chosen_cb (XpzCandidatePage *self)
{
  if (self->account != NULL)
    show_main (self);
}

static void
introductions_pending_cb (XpzCandidatePage *self)
{
  guint n = xpz_candidate_introductions_get_n_pending (self->introductions);
  const char *title = gtk_stack_page_get_title (self->introductions_page);
  g_autofree char *label = NULL;
  g_autofree char *accessible = NULL;

  if (self->introductions_label == NULL)
    return;
  /* The count goes in the name read out and the tooltip; on screen the name turns to
   * the accent colour with a dot, which keeps the bar within 360 px. */
  label = n > 0 ? g_strdup_printf ("%s •", title) : g_strdup (title);
  accessible = n > 0 ? g_strdup_printf (ngettext ("%s (%u waiting)", "%s (%u waiting)", n), title, n)
                     : g_strdup (title);
  gtk_label_set_label (GTK_LABEL (self->introductions_label), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_ancestor (self->introductions_label,
                                                                           GTK_TYPE_TOGGLE_BUTTON)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (gtk_widget_get_ancestor (self->introductions_label, GTK_TYPE_TOGGLE_BUTTON),
                               accessible);
  if (n > 0)
    gtk_widget_add_css_class (self->introductions_label, "accent");
  else
    gtk_widget_remove_css_class (self->introductions_label, "accent");
}

/* A switcher that fits 360 px: a toggle per view, icon over a short name (AdwViewSwitcher
 * of libadwaita 1.2 cannot be disposed cleanly, so this is a plain one). */
static void
switcher_toggled_cb (GtkToggleButton  *button,
                     XpzCandidatePage *self)
{
  if (gtk_toggle_button_get_active (button))
    gtk_stack_set_visible_child_name (self->view_stack,
                                      g_object_get_data (G_OBJECT (button), "page"));
}

static void
visible_view_cb (XpzCandidatePage *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->view_stack);

  for (GtkWidget *b = gtk_widget_get_first_child (GTK_WIDGET (self->switcher_box)); b != NULL;
       b = gtk_widget_get_next_sibling (b))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (b), "page"), name) == 0)
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (b), TRUE);
}

static void
build_switcher (XpzCandidatePage *self)
{
  GtkToggleButton *group = NULL;
  static gboolean styled = FALSE;

  /* Narrow buttons, so that the six views fit 360 px. */
  if (!styled && gdk_display_get_default () != NULL)
    {
      g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider,
                                       ".xpz-candidate-switcher > button {"
                                       " padding-left: 5px; padding-right: 5px; }", -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      styled = TRUE;
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->switcher_box), "xpz-candidate-switcher");

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view_stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStackPage *page = gtk_stack_get_page (self->view_stack, child);
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *label = gtk_label_new (gtk_stack_page_get_title (page));
      g_autofree char *icon = NULL;

      g_object_get (page, "icon-name", &icon, NULL);
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon));
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, gtk_stack_page_get_title (page));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      gtk_stack_page_get_title (page), -1);
      g_object_set_data_full (G_OBJECT (button), "page", g_strdup (gtk_stack_page_get_name (page)), g_free);
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      else
        {
          group = GTK_TOGGLE_BUTTON (button);
          gtk_toggle_button_set_active (group, TRUE);
        }
      if (page == self->introductions_page)
        self->introductions_label = label;
      g_signal_connect_object (button, "toggled", G_CALLBACK (switcher_toggled_cb), self, 0);
      gtk_box_append (self->switcher_box, button);
    }
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (visible_view_cb),
                           self, G_CONNECT_SWAPPED);
}

/* No candidate's account: what the area is for; but while one is being opened (see
 * xpz_context_get_opening_role()), nothing rather than "sign in". */
static void
show_no_account (XpzCandidatePage *self)
{
  gboolean opening = self->context != NULL &&
                     g_strcmp0 (xpz_context_get_opening_role (self->context), "candidate") == 0;

  gtk_stack_set_visible_child_name (self->stack, opening ? "opening" : "none");
}

static void
account_changed_cb (XpzCandidatePage *self)
{
  XpzAccount *account = self->context != NULL ? xpz_context_get_account (self->context) : NULL;
  XpzSession *session = account != NULL ? xpz_account_get_session (account) : NULL;

  if (account != NULL && g_strcmp0 (xpz_session_get_role (session), "candidate") != 0)
    account = NULL;
  if (account == self->account)
    {
      if (account == NULL)
        show_no_account (self);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->account, account);
  xpz_candidate_consent_set_account (self->consent, NULL);
  set_views_account (self, NULL);
  if (account == NULL)
    {
      show_no_account (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  /* until the sharing choice is read: then the choice, or the views */
  gtk_stack_set_visible_child_name (self->stack, "opening");
  xpz_store_run_async (xpz_account_get_store (account), FALSE, read_choice_func, NULL, NULL,
                       g_free, self->cancellable, choice_read_cb, self);
}

static void
xpz_candidate_page_dispose (GObject *object)
{
  XpzCandidatePage *self = XPZ_CANDIDATE_PAGE (object);

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_PAGE);
  g_clear_object (&self->account);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (xpz_candidate_page_parent_class)->dispose (object);
}

/* candidate.edit-profile-field "FIELD": the Profile view, the focus on that field (the
 * privacy center's "Rectify", R8.2). Before the first sharing choice, that choice comes
 * first, as it always does. */
static void
edit_profile_field_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  XpzCandidatePage *self = XPZ_CANDIDATE_PAGE (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "main") != 0)
    return;
  gtk_stack_set_visible_child_name (self->view_stack, "profile");
  xpz_candidate_profile_focus_field (self->profile, g_variant_get_string (parameter, NULL));
}

static void
xpz_candidate_page_class_init (XpzCandidatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_page_dispose;

  g_type_ensure (XPZ_TYPE_CANDIDATE_CONSENT);
  g_type_ensure (XPZ_TYPE_CANDIDATE_PROFILE);
  g_type_ensure (XPZ_TYPE_CANDIDATE_MATCHES);
  g_type_ensure (XPZ_TYPE_CANDIDATE_INTRODUCTIONS);
  g_type_ensure (XPZ_TYPE_CANDIDATE_DOCUMENTS);
  g_type_ensure (XPZ_TYPE_CANDIDATE_INSIGHTS);
  g_type_ensure (XPZ_TYPE_CANDIDATE_TRANSFER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, switcher_box);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, introductions_page);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, consent);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, profile);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, matches);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, introductions);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, documents);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, insights);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidatePage, transfer);
  gtk_widget_class_bind_template_callback (widget_class, consent_chosen_cb);
  gtk_widget_class_install_action (widget_class, "candidate.edit-profile-field", "s",
                                   edit_profile_field_action);
}

static void
xpz_candidate_page_init (XpzCandidatePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The bin's own child: not a bound template child, which the template's disposal
   * would unparent behind the bin's back. */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));
  build_switcher (self);
  g_signal_connect_object (self->introductions, "notify::n-pending",
                           G_CALLBACK (introductions_pending_cb), self, G_CONNECT_SWAPPED);
}

void
xpz_candidate_page_set_context (XpzCandidatePage *self,
                                XpzContext *context)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_PAGE (self));
  g_return_if_fail (XPZ_IS_CONTEXT (context));

  if (self->context == context)
    return;
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_set_object (&self->context, context);
  g_signal_connect_object (context, "notify::account", G_CALLBACK (account_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::opening-role", G_CALLBACK (account_changed_cb),
                           self, G_CONNECT_SWAPPED);
  account_changed_cb (self);
}
