/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-privacy-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-json-strict.h"
#include "xpz-privacy-page-private.h"

/*
 * The controls (R3.2, R3.3, R2.4, R5.1–R5.4, R8.4): every switch here is a member of
 * PUT /me/privacy or a block on the platform, and the platform enforces it.
 */

const char * const xpz_privacy_channel_ids[N_CHANNELS] = { "email", "phone", "sms" };
const char * const xpz_privacy_purpose_ids[N_PURPOSES] = { "new_roles", "feedback", "partners" };

static const char *
channel_label (Channel channel)
{
  switch (channel)
    {
    case CHANNEL_EMAIL:
      return _("Email");
    case CHANNEL_PHONE:
      return _("Phone Calls");
    case CHANNEL_SMS:
      return _("SMS");
    case N_CHANNELS:
    default:
      return "";
    }
}

static const char *
purpose_label (Purpose purpose)
{
  switch (purpose)
    {
    case PURPOSE_NEW_ROLES:
      return _("New roles");
    case PURPOSE_FEEDBACK:
      return _("Feedback requests");
    case PURPOSE_PARTNERS:
      return _("Messages on behalf of partner companies");
    case N_PURPOSES:
    default:
      return "";
    }
}

/* ---- changing a setting ------------------------------------------------------------ */

static gpointer
write_local_privacy (XpzStore      *store,
                     sqlite3       *db,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "INSERT INTO privacy_setting (key, value, updated_at)"
                          " VALUES ('privacy', ?1, ?2) ON CONFLICT (key) DO UPDATE"
                          " SET value = excluded.value, updated_at = excluded.updated_at",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED, "%s", sqlite3_errmsg (db));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, data, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED, "%s", sqlite3_errmsg (db));
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static void
local_written_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!xpz_store_run_finish (XPZ_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the privacy settings on this computer: %s", error->message);
}

static void
enqueued_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (XpzPrivacyPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (xpz_sync_engine_enqueue_finish (XPZ_SYNC_ENGINE (source), result, &error) <= 0 &&
      error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the change: %s"),
                                                  error->message);
      xpz_privacy_page_toast (self, message);
      self->privacy_pending = 0;
      xpz_privacy_page_load_privacy (self);
    }
}

static void
refresh_privacy (XpzPrivacyPage *self)
{
  JsonObject *privacy = json_object_ref (self->privacy);

  xpz_privacy_page_set_privacy (self, privacy);
  json_object_unref (privacy);
}

/**
 * xpz_privacy_page_change_privacy:
 * @value: (transfer full): the new value of @member
 *
 * Changes one member of the privacy settings: shown at once, kept on this computer,
 * and sent to the platform as PUT /me/privacy against the version it was made over.
 */
void
xpz_privacy_page_change_privacy (XpzPrivacyPage *self,
                                 const char     *member,
                                 JsonNode       *value)
{
  g_autoptr (JsonNode) owned = value;
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonNode) local = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *local_json = NULL;
  JsonObject *object = json_object_new ();
  XpzStore *store;

  if (self->engine == NULL || self->privacy == NULL)
    return;

  json_object_set_member (object, member, json_node_copy (owned));
  json_node_take_object (body, object);
  if_match = g_strdup_printf ("\"privacy-%" G_GINT64_FORMAT "\"", self->privacy_version);

  /* Settings go through the sync engine's outbox (offline-first): a preference made
   * offline must not be lost, the outbox retries it idempotently, and If-Match makes a
   * change made on another device meanwhile a conflict the user resolves rather than a
   * silent overwrite. Each change that lands moves the version on by one, so the next
   * change is made against the version this one will produce. */
  xpz_sync_engine_enqueue_async (self->engine, "PUT",
                                 "/api/v1/me/privacy", body, if_match, key,
                                 self->cancellable, enqueued_cb, g_object_ref (self));
  self->privacy_version++;
  self->privacy_pending++;

  json_object_set_member (self->privacy, member, g_steal_pointer (&owned));
  json_object_set_int_member (self->privacy, "version", self->privacy_version);
  local = json_node_init_object (json_node_alloc (), self->privacy);
  local_json = xpz_json_to_string (local, FALSE, NULL);
  store = xpz_account_get_store (self->account);
  if (store != NULL && xpz_store_is_open (store))
    xpz_store_run_async (store, TRUE, write_local_privacy, g_steal_pointer (&local_json), g_free,
                         NULL, self->cancellable, local_written_cb, NULL);
  refresh_privacy (self);
}

static void
switch_changed_cb (GtkSwitch      *widget,
                   GParamSpec     *pspec,
                   XpzPrivacyPage *self)
{
  const char *member = g_object_get_data (G_OBJECT (widget), "member");

  if (self->updating)
    return;
  xpz_privacy_page_change_privacy (self, member,
                                   json_node_init_boolean (json_node_alloc (),
                                                           gtk_switch_get_active (widget)));
}

static void
channel_changed_cb (GtkSwitch      *widget,
                    GParamSpec     *pspec,
                    XpzPrivacyPage *self)
{
  JsonObject *channels = json_object_new ();

  if (self->updating)
    {
      json_object_unref (channels);
      return;
    }
  /* The platform replaces the whole map: send every channel. */
  for (guint c = 0; c < N_CHANNELS; c++)
    {
      JsonObject *channel = json_object_new ();

      for (guint k = 0; k < N_PURPOSES; k++)
        json_object_set_boolean_member (channel, xpz_privacy_purpose_ids[k],
                                        gtk_switch_get_active (self->channel_switches[c][k]));
      json_object_set_object_member (channels, xpz_privacy_channel_ids[c], channel);
    }
  xpz_privacy_page_change_privacy (self, "channels",
                                   json_node_init_object (json_node_alloc (), channels));
  json_object_unref (channels);
}

static void
mode_toggled_cb (GtkCheckButton *button,
                 XpzPrivacyPage *self)
{
  if (self->updating || !gtk_check_button_get_active (button))
    return;
  xpz_privacy_page_change_privacy (self, "sharing_mode",
                                   json_node_init_string (json_node_alloc (),
                                                          button == self->mode_explicit
                                                          ? "explicit" : "automatic"));
}

/* ---- building the rows ------------------------------------------------------------- */

static GtkSwitch *
switch_row (GtkWidget  **row_out,
            const char  *title,
            const char  *subtitle,
            const char  *accessible_name)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *widget = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  if (subtitle != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
  *row_out = row;
  return GTK_SWITCH (widget);
}

static GtkSwitch *
setting_switch (XpzPrivacyPage      *self,
                AdwPreferencesGroup *group,
                const char          *member,
                const char          *title,
                const char          *subtitle)
{
  GtkWidget *row;
  GtkSwitch *widget = switch_row (&row, title, subtitle, title);

  g_object_set_data (G_OBJECT (widget), "member", (gpointer) member);
  g_signal_connect_object (widget, "notify::active", G_CALLBACK (switch_changed_cb), self, 0);
  adw_preferences_group_add (group, row);
  return widget;
}

static GtkCheckButton *
mode_row (XpzPrivacyPage *self,
          GtkCheckButton *group,
          const char     *title,
          const char     *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_signal_connect_object (check, "toggled", G_CALLBACK (mode_toggled_cb), self, 0);
  adw_preferences_group_add (self->sharing_group, row);
  return GTK_CHECK_BUTTON (check);
}

void
xpz_privacy_page_init_controls (XpzPrivacyPage *self)
{
  /* Sharing mode (R5.1–R5.3), with what each means. */
  self->mode_automatic =
    mode_row (self, NULL, _("Share Automatically"),
              _("The policy’s default. Employers whose jobs match you well receive your profile, "
                "professional details and contact information, and each share is listed under "
                "Who Has Seen It."));
  self->mode_explicit =
    mode_row (self, self->mode_automatic, _("Ask Me First"),
              _("Employers see only an anonymous summary (matching skills, years, region) until "
                "you accept their introduction request. Switching stops new automatic shares at "
                "once; earlier shares stay until you revoke them."));

  /* Channels × purposes (R3.2). */
  for (guint c = 0; c < N_CHANNELS; c++)
    {
      GtkWidget *expander = adw_expander_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), channel_label (c));
      for (guint k = 0; k < N_PURPOSES; k++)
        {
          GtkWidget *row;
          /* Translators: accessible name of a switch, e.g. "Email: New roles" */
          g_autofree char *name = g_strdup_printf (_("%s: %s"), channel_label (c), purpose_label (k));

          self->channel_switches[c][k] = switch_row (&row, purpose_label (k), NULL, name);
          g_signal_connect_object (self->channel_switches[c][k], "notify::active",
                                   G_CALLBACK (channel_changed_cb), self, 0);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
        }
      self->channel_rows[c] = ADW_EXPANDER_ROW (expander);
      adw_preferences_group_add (self->channels_group, expander);
    }

  /* Marketing, AI training, analytics (R3.2, R3.3, R2.4). */
  self->marketing_switch =
    setting_switch (self, self->uses_group, "marketing", _("Marketing Messages"),
                    _("Occasional promotional updates. Off unless you switch it on; separate "
                      "from the messages above."));
  self->ai_training_switch =
    setting_switch (self, self->uses_group, "ai_training", _("Use My Data to Improve AI"),
                    _("Your profile and interactions may be used to train and refine XpertAIze’s "
                      "AI systems. Switch it off to object."));
  self->analytics_switch =
    setting_switch (self, self->uses_group, "analytics", _("Usage Analytics"),
                    _("This app sends no usage analytics unless you opt in here. This version "
                      "sends none even then: your choice is recorded for the platform."));

  /* Object and restrict (R8.4). */
  self->paused_switch =
    setting_switch (self, self->restrict_group, "matching_paused", _("Pause Matching"),
                    _("No new matches for you, and employers no longer find you. Your data is "
                      "kept."));
  self->restricted_switch =
    setting_switch (self, self->restrict_group, "restricted", _("Restrict Processing"),
                    _("Your data is only stored: no matching, no sharing, no statistics, until "
                      "you lift the restriction."));
}

void
xpz_privacy_page_show_privacy (XpzPrivacyPage *self)
{
  JsonObject *p = self->privacy;
  JsonNode *channels_node;
  JsonObject *channels = NULL;
  gboolean explicit;

  if (p == NULL)
    return;
  self->updating = TRUE;

  explicit = g_strcmp0 (json_object_get_string_member_with_default (p, "sharing_mode", ""),
                        "explicit") == 0;
  gtk_check_button_set_active (explicit ? self->mode_explicit : self->mode_automatic, TRUE);

  channels_node = json_object_get_member (p, "channels");
  if (channels_node != NULL && JSON_NODE_HOLDS_OBJECT (channels_node))
    channels = json_node_get_object (channels_node);
  for (guint c = 0; c < N_CHANNELS; c++)
    {
      JsonNode *node = channels != NULL ? json_object_get_member (channels, xpz_privacy_channel_ids[c]) : NULL;
      JsonObject *channel = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      g_autoptr (GString) used = g_string_new (NULL);

      for (guint k = 0; k < N_PURPOSES; k++)
        {
          gboolean on = channel != NULL &&
                        json_object_get_boolean_member_with_default (channel, xpz_privacy_purpose_ids[k], FALSE);

          gtk_switch_set_active (self->channel_switches[c][k], on);
          if (on)
            {
              if (used->len > 0)
                /* Translators: the separator of a list of message purposes. */
                g_string_append (used, _(", "));
              g_string_append (used, purpose_label (k));
            }
        }
      /* What each channel is used for, without unfolding it. */
      adw_expander_row_set_subtitle (self->channel_rows[c],
                                     used->len > 0 ? used->str : _("Not used"));
    }

  gtk_switch_set_active (self->marketing_switch,
                         json_object_get_boolean_member_with_default (p, "marketing", FALSE));
  gtk_switch_set_active (self->ai_training_switch,
                         json_object_get_boolean_member_with_default (p, "ai_training", TRUE));
  gtk_switch_set_active (self->analytics_switch,
                         json_object_get_boolean_member_with_default (p, "analytics", FALSE));
  gtk_switch_set_active (self->paused_switch,
                         json_object_get_boolean_member_with_default (p, "matching_paused", FALSE));
  gtk_switch_set_active (self->restricted_switch,
                         json_object_get_boolean_member_with_default (p, "restricted", FALSE));

  self->updating = FALSE;
}

/* ---- blocked employers (R5.4) ------------------------------------------------------ */

static void
blocked_changed (XpzPrivacyPage *self,
                 XpzApiResponse *response,
                 const GError   *error)
{
  if (response == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not change the blocked employers: %s"),
                                                  error != NULL ? error->message : "");
      xpz_privacy_page_toast (self, message);
    }
  xpz_privacy_page_load_blocked (self);
  xpz_privacy_page_load_shares (self);
  xpz_privacy_page_load_ledger (self);
}

static void
unblock_clicked_cb (GtkButton      *button,
                    XpzPrivacyPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "block-id"));
  g_autofree char *path = g_strdup_printf ("/me/blocked-employers/%" G_GINT64_FORMAT, id);

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  xpz_privacy_page_call (self, "DELETE", path, NULL, blocked_changed);
}

/**
 * xpz_privacy_page_block_employer:
 *
 * Blocks an employer by its account id, or everyone whose email is at @domain.
 */
void
xpz_privacy_page_block_employer (XpzPrivacyPage *self,
                                 gint64          employer_id,
                                 const char     *domain)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  if (domain != NULL)
    json_object_set_string_member (object, "domain", domain);
  else
    json_object_set_int_member (object, "employer_id", employer_id);
  json_node_take_object (body, object);
  /* Immediately, not through the outbox: blocking must take effect (and be seen to take
   * effect) now, and a block that silently waits offline would mislead. */
  xpz_privacy_page_call (self, "POST", "/me/blocked-employers", body, blocked_changed);
}

void
block_apply_cb (XpzPrivacyPage *self,
                AdwEntryRow    *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *folded = g_utf8_casefold (text, -1);
  const char *domain = text;

  if (*text == '\0')
    return;
  /* A company among those that saw or contacted the candidate, by name… */
  for (guint i = 0; i < json_array_get_length (self->known_employers); i++)
    {
      JsonObject *employer = json_array_get_object_element (self->known_employers, i);
      g_autofree char *company = g_utf8_casefold (json_object_get_string_member (employer, "company"), -1);

      if (g_str_equal (company, folded))
        {
          xpz_privacy_page_block_employer (self, json_object_get_int_member (employer, "id"), NULL);
          gtk_editable_set_text (GTK_EDITABLE (entry), "");
          return;
        }
    }
  /* …or any company by its email domain ("@example.ma" or "example.ma"). */
  if (strchr (domain, '@') != NULL)
    domain = strrchr (domain, '@') + 1;
  if (strchr (domain, '.') == NULL || strchr (domain, ' ') != NULL)
    {
      xpz_privacy_page_toast (self, _("No employer by that name has seen or contacted you. Enter "
                                      "its email domain instead, for example atlas-digital.ma."));
      return;
    }
  xpz_privacy_page_block_employer (self, 0, domain);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

void
xpz_privacy_page_show_blocked (XpzPrivacyPage *self,
                               JsonArray      *blocked)
{
  xpz_privacy_page_clear_rows (self, self->blocked_group);
  for (guint i = 0; blocked != NULL && i < json_array_get_length (blocked); i++)
    {
      JsonObject *block = json_array_get_object_element (blocked, i);
      JsonNode *employer_node = json_object_get_member (block, "employer");
      const char *domain = json_object_get_string_member_with_default (block, "domain", NULL);
      g_autofree char *title = NULL;
      g_autofree char *when = xpz_privacy_format_time (json_object_get_string_member_with_default (block, "created_at", NULL));
      g_autofree char *subtitle = g_strdup_printf (_("Blocked %s"), when != NULL ? when : "");
      g_autofree char *accessible = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Unblock"));

      if (employer_node != NULL && JSON_NODE_HOLDS_OBJECT (employer_node))
        title = g_strdup (json_object_get_string_member_with_default (json_node_get_object (employer_node),
                                                                      "company", "?"));
      else
        /* Translators: a block by email domain, e.g. "Everyone at example.ma" */
        title = g_strdup_printf (_("Everyone at %s"), domain != NULL ? domain : "?");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      accessible = g_strdup_printf (_("Unblock %s"), title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data (G_OBJECT (button), "block-id",
                         GSIZE_TO_POINTER (json_object_get_int_member (block, "id")));
      g_signal_connect_object (button, "clicked", G_CALLBACK (unblock_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      xpz_privacy_page_add_row (self, self->blocked_group, row);
    }
}

static void
blocked_loaded (XpzPrivacyPage *self,
                XpzApiResponse *response,
                const GError   *error)
{
  JsonObject *o = response != NULL ? xpz_api_response_get_object (response) : NULL;
  JsonNode *node = o != NULL ? json_object_get_member (o, "blocked") : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  xpz_privacy_page_show_blocked (self, json_node_get_array (node));
}

void
xpz_privacy_page_load_blocked (XpzPrivacyPage *self)
{
  if (self->is_candidate)
    xpz_privacy_page_call (self, "GET", "/me/blocked-employers", NULL, blocked_loaded);
}

/* ---- processors and locations (R5.5, R5.6) ----------------------------------------- */

void
xpz_privacy_page_show_processors (XpzPrivacyPage *self)
{
  JsonNode *node = self->policy != NULL ? json_object_get_member (self->policy, "processors") : NULL;
  JsonArray *processors = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  xpz_privacy_page_clear_rows (self, self->processors_group);
  for (guint i = 0; processors != NULL && i < json_array_get_length (processors); i++)
    {
      JsonObject *p = json_array_get_object_element (processors, i);
      const char *kind = json_object_get_string_member_with_default (p, "kind", "");
      const char *location = json_object_get_string_member_with_default (p, "location", "");
      GtkWidget *row = adw_action_row_new ();

      if (g_str_equal (kind, "AI services"))
        kind = _("AI services");
      else if (g_str_equal (kind, "Hosting"))
        kind = _("Hosting");
      if (g_str_equal (location, "outside Morocco, with appropriate safeguards"))
        location = _("Outside Morocco, with appropriate safeguards");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kind);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), location);
      xpz_privacy_page_add_row (self, self->processors_group, row);
    }
  {
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("We do not sell your personal data."));
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "emblem-ok-symbolic");
    xpz_privacy_page_add_row (self, self->processors_group, row);
  }
}
