/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-privacy-page"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-json-strict.h"
#include "xpz-ledger.h"
#include "xpz-privacy-page-private.h"

/*
 * The privacy center (B4): what is held, who has seen it, until when and on what basis,
 * the controls that change each answer, the rights, the consent ledger verified here,
 * policy changes and sign-ins. Everything shown comes from the platform (the enforcer);
 * the privacy settings are also read from this computer's copy (privacy_setting
 * "privacy", written by the sync engine's pull) so that they show offline.
 */

G_DEFINE_FINAL_TYPE (XpzPrivacyPage, xpz_privacy_page, ADW_TYPE_BIN)

static void forget_local_notice (XpzPrivacyPage *self);

/* ---- helpers ----------------------------------------------------------------------- */

typedef struct
{
  XpzPrivacyPage    *self;
  XpzPrivacyHandler  handler;
} Call;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr (XpzPrivacyPage) self = call->self;
  XpzPrivacyHandler handler = call->handler;
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  g_free (call);
  response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);
  if (response == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  handler (self, response, error);
}

/* One authenticated request to the platform, answered on the main thread; cancelled
 * when the account shown changes. */
void
xpz_privacy_page_call (XpzPrivacyPage    *self,
                       const char        *method,
                       const char        *path,
                       JsonNode          *body,
                       XpzPrivacyHandler  handler)
{
  XpzSession *session = self->account != NULL ? xpz_account_get_session (self->account) : NULL;
  g_autofree char *full_path = g_strconcat ("/api/v1", path, NULL);
  g_autofree char *key = NULL;
  Call *call;

  if (session == NULL)
    return;
  if (!g_str_equal (method, "GET"))
    key = g_uuid_string_random ();
  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->handler = handler;
  xpz_session_call_async (session, method, full_path, body, key, NULL, self->cancellable,
                          call_cb, call);
}

void
xpz_privacy_page_toast (XpzPrivacyPage *self,
                        const char     *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    return;
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
xpz_privacy_page_add_row (XpzPrivacyPage      *self,
                          AdwPreferencesGroup *group,
                          GtkWidget           *row)
{
  GPtrArray *rows = g_hash_table_lookup (self->dynamic_rows, group);

  if (rows == NULL)
    {
      rows = g_ptr_array_new ();
      g_hash_table_insert (self->dynamic_rows, group, rows);
    }
  g_ptr_array_add (rows, row);
  adw_preferences_group_add (group, row);
}

void
xpz_privacy_page_clear_rows (XpzPrivacyPage      *self,
                             AdwPreferencesGroup *group)
{
  GPtrArray *rows = g_hash_table_lookup (self->dynamic_rows, group);

  if (rows == NULL)
    return;
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

/* An ISO 8601 time as a date in the user's locale, or NULL. */
char *
xpz_privacy_format_time (const char *iso8601)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (iso8601 == NULL)
    return NULL;
  utc = g_date_time_new_from_iso8601 (iso8601, NULL);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  /* Translators: a date and time as shown in the privacy center; strftime format. */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

static char *
format_date (const char *iso8601)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (iso8601 == NULL)
    return NULL;
  utc = g_date_time_new_from_iso8601 (iso8601, NULL);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  /* Translators: a date as shown in the privacy center; strftime format. */
  return g_date_time_format (local, _("%-d %B %Y"));
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static GtkWidget *
info_row (const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  return row;
}

static JsonObject *
response_object (XpzApiResponse *response)
{
  return response != NULL ? xpz_api_response_get_object (response) : NULL;
}

static void
report_error (XpzPrivacyPage *self,
              const GError   *error)
{
  if (error == NULL)
    return;
  /* Offline: what this computer knows stays on screen. */
  if (g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_NETWORK))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->offline_group), TRUE);
      return;
    }
  g_debug ("A privacy request failed: %s", error->message);
}

/* ---- what is held (from GET /me/export) --------------------------------------------- */

static guint
array_length (JsonObject *object,
              const char *name)
{
  JsonArray *array = member_array (object, name);

  return array != NULL ? json_array_get_length (array) : 0;
}

/* The latest of the "member" times of an array's objects, formatted, or NULL. */
static char *
latest_time (JsonArray  *array,
             const char *member)
{
  const char *latest = NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *at = JSON_NODE_HOLDS_OBJECT (node)
                       ? member_string (json_node_get_object (node), member) : NULL;

      /* ISO 8601 UTC strings sort as times. */
      if (at != NULL && (latest == NULL || g_strcmp0 (at, latest) > 0))
        latest = at;
    }
  return xpz_privacy_format_time (latest);
}

static void
add_held_row (XpzPrivacyPage *self,
              const char     *title,
              const char     *what,
              const char     *when)
{
  g_autofree char *subtitle = NULL;

  if (when != NULL)
    /* Translators: "3 entries · last changed 5 January 2026, 10:00" */
    subtitle = g_strdup_printf (_("%s · last changed %s"), what, when);
  else
    subtitle = g_strdup (what);
  xpz_privacy_page_add_row (self, self->held_group, info_row (title, subtitle));
}

static void
show_held (XpzPrivacyPage *self)
{
  JsonObject *data = self->export_data;
  JsonObject *account = member_object (data, "account");
  JsonObject *profile = member_object (data, "profile");
  JsonObject *basics = member_object (profile, "basics");
  JsonObject *privacy = member_object (data, "privacy");
  g_autofree char *contact = NULL;
  g_autofree char *professional = NULL;
  g_autofree char *files = NULL;
  g_autofree char *files_when = NULL;
  g_autofree char *connection = NULL;
  g_autofree char *connection_when = NULL;
  g_autofree char *sharing = NULL;
  g_autofree char *sharing_when = NULL;
  g_autofree char *account_when = NULL;
  guint n_contact = 0, n_professional;

  xpz_privacy_page_clear_rows (self, self->held_group);
  if (data == NULL)
    return;

  /* §2 Contact information: name, email, phone. */
  if (member_string (account, "name") != NULL || member_string (basics, "name") != NULL)
    n_contact++;
  if (member_string (account, "email") != NULL || member_string (basics, "email") != NULL)
    n_contact++;
  if (member_string (basics, "phone") != NULL)
    n_contact++;
  contact = g_strdup_printf (ngettext ("%u of name, email and phone",
                                       "%u of name, email and phone", n_contact), n_contact);
  account_when = xpz_privacy_format_time (member_string (account, "last_activity_at"));
  add_held_row (self, _("Contact Information"), contact, NULL);

  if (self->is_candidate)
    {
      /* §2 Professional details. */
      n_professional = array_length (profile, "work") + array_length (profile, "education") +
                       array_length (profile, "skills") + array_length (profile, "languages");
      professional = g_strdup_printf (ngettext ("%u entry (experience, education, skills, languages)",
                                                "%u entries (experience, education, skills, languages)",
                                                n_professional), n_professional);
      add_held_row (self, _("Professional Details"), professional, NULL);

      /* §2 Files. */
      files = g_strdup_printf (ngettext ("%u document", "%u documents",
                                         array_length (data, "documents")),
                               array_length (data, "documents"));
      files_when = latest_time (member_array (data, "documents"), "created_at");
      add_held_row (self, _("Files"), files, files_when);
    }
  else
    {
      /* An employer's account holds its job postings. */
      files = g_strdup_printf (ngettext ("%u job posting", "%u job postings",
                                         array_length (data, "jobs")),
                               array_length (data, "jobs"));
      files_when = latest_time (member_array (data, "jobs"), "updated_at");
      add_held_row (self, _("Job Postings"), files, files_when);
    }

  /* §2 Cookies & analytics: this app collects none (R2.4). */
  add_held_row (self, _("Usage Analytics"),
                privacy != NULL && json_object_get_boolean_member_with_default (privacy, "analytics", FALSE)
                ? _("You opted in; this app still sends none")
                : _("None: this app sends no usage analytics"), NULL);

  /* §2 Connection data. */
  connection = g_strdup_printf (ngettext ("%u sign-in recorded", "%u sign-ins recorded",
                                          array_length (data, "sign_ins")),
                                array_length (data, "sign_ins"));
  connection_when = latest_time (member_array (data, "sign_ins"), "at");
  add_held_row (self, _("Connection Data"), connection, connection_when);

  if (self->is_candidate)
    {
      guint n_notes = array_length (data, "employer_notes");
      g_autofree char *matches = NULL;
      g_autofree char *notes = NULL;
      g_autofree char *notes_when = NULL;

      g_autofree char *n_shares = g_strdup_printf (ngettext ("%u share", "%u shares",
                                                             array_length (data, "shares")),
                                                   array_length (data, "shares"));
      g_autofree char *n_intros = g_strdup_printf (ngettext ("%u introduction request",
                                                             "%u introduction requests",
                                                             array_length (data, "introductions")),
                                                   array_length (data, "introductions"));

      /* Translators: "2 shares, 1 introduction request" */
      sharing = g_strdup_printf (_("%s, %s"), n_shares, n_intros);
      sharing_when = latest_time (member_array (data, "shares"), "at");
      add_held_row (self, _("Shares and Introductions"), sharing, sharing_when);

      matches = g_strdup_printf (ngettext ("%u job match", "%u job matches",
                                           array_length (data, "matches")),
                                 array_length (data, "matches"));
      add_held_row (self, _("Matches"), matches, NULL);

      /* What employers wrote about the candidate is theirs to see too (R8.1). */
      notes = g_strdup_printf (ngettext ("%u note by an employer", "%u notes by employers", n_notes),
                               n_notes);
      notes_when = latest_time (member_array (data, "employer_notes"), "updated_at");
      add_held_row (self, _("Employer Notes About You"), notes, notes_when);
    }
  add_held_row (self, _("Account"), _("Created, last active"), account_when);
}

static void
export_loaded (XpzPrivacyPage *self,
               XpzApiResponse *response,
               const GError   *error)
{
  JsonObject *data = response_object (response);

  if (data == NULL)
    {
      report_error (self, error);
      return;
    }
  g_clear_pointer (&self->export_data, json_object_unref);
  self->export_data = json_object_ref (data);
  show_held (self);
}

/* ---- who has seen it (GET /me/shares) ----------------------------------------------- */

static void
revoke_done (XpzPrivacyPage *self,
             XpzApiResponse *response,
             const GError   *error)
{
  if (response == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not revoke the share: %s"),
                                                  error != NULL ? error->message : "");
      xpz_privacy_page_toast (self, message);
    }
  else
    xpz_privacy_page_toast (self, _("Share revoked. The employer no longer has access."));
  xpz_privacy_page_load_shares (self);
  xpz_privacy_page_load_ledger (self);
}

static void
revoke_clicked_cb (GtkButton      *button,
                   XpzPrivacyPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "share-id"));
  g_autofree char *path = g_strdup_printf ("/me/shares/%" G_GINT64_FORMAT, id);

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  /* Immediately, not through the outbox: the candidate must learn now whether the
   * employer's access ended, and a revocation queued offline would promise what has
   * not happened. */
  xpz_privacy_page_call (self, "DELETE", path, NULL, revoke_done);
}

static void
block_from_share_cb (GtkButton      *button,
                     XpzPrivacyPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "employer-id"));

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  xpz_privacy_page_block_employer (self, id, NULL);
}

static char *
fields_label (JsonArray *fields)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      const char *field = json_array_get_string_element (fields, i);
      const char *label = field;

      if (g_strcmp0 (field, "basics") == 0)
        label = _("contact details");
      else if (g_strcmp0 (field, "work") == 0)
        label = _("experience");
      else if (g_strcmp0 (field, "education") == 0)
        label = _("education");
      else if (g_strcmp0 (field, "skills") == 0)
        label = _("skills");
      else if (g_strcmp0 (field, "languages") == 0)
        label = _("languages");
      else if (g_strcmp0 (field, "documents") == 0)
        label = _("CV and documents on file");
      if (out->len > 0)
        /* Translators: the separator of a list of shared fields. */
        g_string_append (out, _(", "));
      g_string_append (out, label);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
remember_employer (XpzPrivacyPage *self,
                   JsonObject     *employer)
{
  gint64 id;

  if (employer == NULL || member_string (employer, "company") == NULL)
    return;
  id = json_object_get_int_member_with_default (employer, "id", 0);
  for (guint i = 0; i < json_array_get_length (self->known_employers); i++)
    if (json_object_get_int_member (json_array_get_object_element (self->known_employers, i), "id") == id)
      return;
  json_array_add_object_element (self->known_employers, json_object_ref (employer));
}

static void
shares_loaded (XpzPrivacyPage *self,
               XpzApiResponse *response,
               const GError   *error)
{
  JsonObject *o = response_object (response);
  JsonArray *shares = member_array (o, "shares");
  guint n_active = 0;

  if (o == NULL)
    {
      report_error (self, error);
      return;
    }
  xpz_privacy_page_clear_rows (self, self->shares_group);
  if (shares == NULL || json_array_get_length (shares) == 0)
    {
      xpz_privacy_page_add_row (self, self->shares_group,
                                info_row (_("No employer has seen your profile"), NULL));
      return;
    }

  /* Newest first: a timeline. */
  for (guint k = json_array_get_length (shares); k > 0; k--)
    {
      JsonObject *share = json_array_get_object_element (shares, k - 1);
      JsonObject *employer = member_object (share, "employer");
      JsonObject *job = member_object (share, "job");
      const char *company = member_string (employer, "company");
      const char *basis = member_string (share, "basis");
      gboolean active = json_object_get_boolean_member_with_default (share, "active", FALSE);
      g_autofree char *when = xpz_privacy_format_time (member_string (share, "at"));
      g_autofree char *revoked = xpz_privacy_format_time (member_string (share, "revoked_at"));
      g_autofree char *fields = fields_label (member_array (share, "fields"));
      g_autofree char *subtitle = NULL;
      g_autofree char *title = NULL;
      g_autofree char *accessible = NULL;
      const char *basis_label = basis != NULL && g_str_has_suffix (basis, "automatic_sharing")
                                ? _("automatic sharing") : _("introduction you accepted");
      GtkWidget *row;

      remember_employer (self, employer);
      /* Translators: "Atlas Digital — Développeur Python" */
      title = member_string (job, "title") != NULL
              ? g_strdup_printf (_("%s — %s"), company, member_string (job, "title"))
              : g_strdup (company);
      if (active)
        /* Translators: when, on which basis, and what was shared. */
        subtitle = g_strdup_printf (_("%s · %s · %s"), when, basis_label, fields);
      else
        subtitle = g_strdup_printf (_("%s · %s · revoked %s"), when, basis_label,
                                    revoked != NULL ? revoked : "");
      row = info_row (title, subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      if (active)
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Revoke"));
          gint64 employer_id = json_object_get_int_member_with_default (employer, "id", 0);
          GtkWidget *block = gtk_button_new_from_icon_name ("action-unavailable-symbolic");

          n_active++;
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          g_object_set_data (G_OBJECT (button), "share-id", GSIZE_TO_POINTER (json_object_get_int_member (share, "id")));
          /* Translators: the accessible name of a share's Revoke button. */
          accessible = g_strdup_printf (_("Revoke the share with %s"), title);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          g_signal_connect_object (button, "clicked", G_CALLBACK (revoke_clicked_cb), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

          g_free (accessible);
          accessible = g_strdup_printf (_("Block %s"), company);
          gtk_widget_set_valign (block, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (block, accessible);
          gtk_accessible_update_property (GTK_ACCESSIBLE (block),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          gtk_widget_add_css_class (block, "flat");
          g_object_set_data (G_OBJECT (block), "employer-id", GSIZE_TO_POINTER (employer_id));
          g_signal_connect_object (block, "clicked", G_CALLBACK (block_from_share_cb), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), block);
        }
      else
        gtk_widget_add_css_class (row, "dim-label");
      xpz_privacy_page_add_row (self, self->shares_group, row);
    }
  {
    g_autofree char *description =
      g_strdup_printf (ngettext ("%u employer share is active. Revoking ends that employer’s "
                                 "access at once; what it saw before cannot be unseen.",
                                 "%u employer shares are active. Revoking ends that employer’s "
                                 "access at once; what it saw before cannot be unseen.",
                                 n_active), n_active);
    adw_preferences_group_set_description (self->shares_group, description);
  }
}

static void
introductions_loaded (XpzPrivacyPage *self,
                      XpzApiResponse *response,
                      const GError   *error)
{
  JsonArray *introductions = member_array (response_object (response), "introductions");

  for (guint i = 0; introductions != NULL && i < json_array_get_length (introductions); i++)
    remember_employer (self, member_object (json_array_get_object_element (introductions, i),
                                            "employer"));
}

void
xpz_privacy_page_load_shares (XpzPrivacyPage *self)
{
  if (!self->is_candidate)
    return;
  xpz_privacy_page_call (self, "GET", "/me/shares", NULL, shares_loaded);
  xpz_privacy_page_call (self, "GET", "/me/introductions", NULL, introductions_loaded);
  xpz_privacy_page_call (self, "GET", "/me/export", NULL, export_loaded);
}

/* ---- until when (GET /me/retention) ------------------------------------------------- */

static void
retention_loaded (XpzPrivacyPage *self,
                  XpzApiResponse *response,
                  const GError   *error)
{
  JsonObject *o = response_object (response);
  g_autofree char *until = NULL;
  g_autofree char *since = NULL;
  g_autofree char *subtitle = NULL;

  if (o == NULL)
    {
      report_error (self, error);
      return;
    }
  until = format_date (member_string (o, "keep_until"));
  if (g_strcmp0 (member_string (o, "basis"), "account_closure") == 0)
    {
      since = format_date (member_string (o, "closed_at"));
      /* Translators: retention (R7.1); %s is a date. */
      subtitle = g_strdup_printf (_("36 months after your account was closed on %s, unless "
                                    "you ask for earlier deletion or the law requires longer."),
                                  since != NULL ? since : "");
    }
  else
    {
      since = format_date (member_string (o, "last_activity_at"));
      subtitle = g_strdup_printf (_("36 months after your last activity (%s). Each time you use "
                                    "XpertAIze this date moves on. You can ask for earlier "
                                    "deletion."), since != NULL ? since : "");
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->retention_row), until);
  adw_action_row_set_subtitle (self->retention_row, subtitle);
  adw_action_row_set_subtitle_lines (self->retention_row, 0);
}

/* ---- on what basis (GET /policy + the settings) ------------------------------------- */

static const char *
basis_label (const char *basis)
{
  if (g_strcmp0 (basis, "consent") == 0)
    return _("Your consent");
  if (g_strcmp0 (basis, "legitimate_interest") == 0)
    return _("Legitimate interest");
  if (g_strcmp0 (basis, "contract") == 0)
    return _("Contract: the service you asked for");
  if (g_strcmp0 (basis, "legal_obligation") == 0)
    return _("Legal obligation");
  return basis;
}

static const char *
purpose_label (const char *id,
               const char *fallback)
{
  if (g_strcmp0 (id, "matching") == 0)
    return _("Recruitment matching and introductions");
  if (g_strcmp0 (id, "automatic_sharing") == 0)
    return _("Automatic sharing with matching employers");
  if (g_strcmp0 (id, "communication") == 0)
    return _("Messages about new roles, feedback and partners");
  if (g_strcmp0 (id, "marketing") == 0)
    return _("Marketing messages");
  if (g_strcmp0 (id, "ai_training") == 0)
    return _("Training and refining AI systems");
  if (g_strcmp0 (id, "security") == 0)
    return _("Security, fraud prevention, sign-in history");
  if (g_strcmp0 (id, "aggregated_insights") == 0)
    return _("Aggregated statistics over groups of at least 5 people");
  if (g_strcmp0 (id, "service") == 0)
    return _("Providing the service you asked for");
  if (g_strcmp0 (id, "compliance") == 0)
    return _("Retention required by law");
  return fallback;
}

/* Whether the consent (or the use objected to) is currently given, per the settings. */
static gboolean
purpose_active (XpzPrivacyPage *self,
                const char     *id)
{
  JsonObject *p = self->privacy;

  if (p == NULL)
    return TRUE;
  if (g_str_equal (id, "matching"))
    return !json_object_get_boolean_member_with_default (p, "matching_paused", FALSE);
  if (g_str_equal (id, "automatic_sharing"))
    return g_strcmp0 (member_string (p, "sharing_mode"), "automatic") == 0;
  if (g_str_equal (id, "marketing"))
    return json_object_get_boolean_member_with_default (p, "marketing", FALSE);
  if (g_str_equal (id, "ai_training"))
    return json_object_get_boolean_member_with_default (p, "ai_training", TRUE);
  if (g_str_equal (id, "communication"))
    {
      JsonObject *channels = member_object (p, "channels");

      for (guint c = 0; c < N_CHANNELS; c++)
        for (guint k = 0; k < N_PURPOSES; k++)
          {
            JsonObject *channel = member_object (channels, xpz_privacy_channel_ids[c]);

            if (channel != NULL &&
                json_object_get_boolean_member_with_default (channel, xpz_privacy_purpose_ids[k], FALSE))
              return TRUE;
          }
      return FALSE;
    }
  return TRUE;
}

static void
withdraw_clicked_cb (GtkButton      *button,
                     XpzPrivacyPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "purpose");

  if (g_str_equal (id, "matching"))
    xpz_privacy_page_change_privacy (self, "matching_paused", json_node_init_boolean (json_node_alloc (), TRUE));
  else if (g_str_equal (id, "automatic_sharing"))
    xpz_privacy_page_change_privacy (self, "sharing_mode", json_node_init_string (json_node_alloc (), "explicit"));
  else if (g_str_equal (id, "marketing"))
    xpz_privacy_page_change_privacy (self, "marketing", json_node_init_boolean (json_node_alloc (), FALSE));
  else if (g_str_equal (id, "ai_training"))
    xpz_privacy_page_change_privacy (self, "ai_training", json_node_init_boolean (json_node_alloc (), FALSE));
  else if (g_str_equal (id, "communication"))
    {
      JsonObject *channels = json_object_new ();

      for (guint c = 0; c < N_CHANNELS; c++)
        {
          JsonObject *channel = json_object_new ();

          for (guint k = 0; k < N_PURPOSES; k++)
            json_object_set_boolean_member (channel, xpz_privacy_purpose_ids[k], FALSE);
          json_object_set_object_member (channels, xpz_privacy_channel_ids[c], channel);
        }
      xpz_privacy_page_change_privacy (self, "channels",
                                       json_node_init_object (json_node_alloc (), channels));
      json_object_unref (channels);
    }
}

static void
show_basis (XpzPrivacyPage *self)
{
  JsonArray *purposes = member_array (self->policy, "purposes");

  xpz_privacy_page_clear_rows (self, self->basis_group);
  for (guint i = 0; purposes != NULL && i < json_array_get_length (purposes); i++)
    {
      JsonObject *purpose = json_array_get_object_element (purposes, i);
      const char *id = member_string (purpose, "id");
      const char *basis = member_string (purpose, "legal_basis");
      gboolean withdrawable = json_object_get_boolean_member_with_default (purpose, "withdrawable", FALSE);
      /* AI training rests on legitimate interest, to which the candidate may object (R3.3). */
      gboolean objectable = g_strcmp0 (id, "ai_training") == 0;
      const char *title = purpose_label (id, member_string (purpose, "description"));
      GtkWidget *row = info_row (title, basis_label (basis));

      /* R3.5: the rule the platform applies to its insights, stated where they are listed. */
      if (g_strcmp0 (id, "aggregated_insights") == 0)
        {
          g_autofree char *subtitle = g_strdup_printf ("%s\n%s", basis_label (basis),
                                                       _("Figures cover only groups of at least 5 established "
                                                         "profiles: accounts at least 30 days old, with dated work "
                                                         "experience and a salary expectation. A smaller group is "
                                                         "never shown, nor said to exist."));

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
      if (self->is_candidate && (withdrawable || objectable))
        {
          gboolean active = purpose_active (self, id);
          GtkWidget *button;
          g_autofree char *accessible = NULL;

          if (active)
            {
              button = gtk_button_new_with_mnemonic (withdrawable ? _("_Withdraw") : _("_Object"));
              /* Translators: accessible name, e.g. "Withdraw consent: Marketing messages" */
              accessible = g_strdup_printf (withdrawable ? _("Withdraw consent: %s")
                                                         : _("Object: %s"), title);
              g_object_set_data_full (G_OBJECT (button), "purpose", g_strdup (id), g_free);
              g_signal_connect_object (button, "clicked", G_CALLBACK (withdraw_clicked_cb), self, 0);
            }
          else
            {
              button = gtk_button_new_with_label (withdrawable ? _("Withdrawn") : _("Objected"));
              accessible = g_strdup_printf (withdrawable ? _("Consent withdrawn: %s")
                                                         : _("Objection recorded: %s"), title);
              gtk_widget_set_sensitive (button, FALSE);
            }
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      xpz_privacy_page_add_row (self, self->basis_group, row);
    }
}

/* ---- the policy (GET /policy, /me/policy-acceptances; R11.1) ------------------------ */

static const char *
accepted_version (XpzPrivacyPage *self)
{
  const char *latest = NULL;

  for (guint i = 0; self->acceptances != NULL && i < json_array_get_length (self->acceptances); i++)
    {
      JsonObject *a = json_array_get_object_element (self->acceptances, i);
      const char *version = member_string (a, "version");

      if (version != NULL && (latest == NULL || g_strcmp0 (version, latest) > 0))
        latest = version;
    }
  return latest;
}

static void
show_policy (XpzPrivacyPage *self)
{
  const char *current = member_string (self->policy, "version");
  const char *accepted = accepted_version (self);
  g_autofree char *published = NULL;
  g_autofree char *subtitle = NULL;
  gboolean material;
  gboolean show;

  if (self->policy == NULL)
    return;
  material = json_object_get_boolean_member_with_default (self->policy, "material", FALSE);
  published = format_date (member_string (self->policy, "published_at"));
  /* Translators: "Version 2026-01, published 1 January 2026" */
  subtitle = g_strdup_printf (_("Version %s, published %s"), current, published);
  adw_action_row_set_subtitle (self->policy_current_row, subtitle);
  if (accepted != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Version %s"), accepted);
      adw_action_row_set_subtitle (self->policy_accepted_row, text);
    }
  else
    adw_action_row_set_subtitle (self->policy_accepted_row, _("None yet"));

  /* A material change the user has not acknowledged: a notice until they do. */
  show = material && self->acceptances != NULL && g_strcmp0 (accepted, current) != 0;
  if (show)
    {
      g_autofree char *title = g_strdup_printf (_("The privacy policy has changed (version %s)"),
                                                current);

      gtk_label_set_text (self->policy_title, title);
      gtk_label_set_text (self->policy_summary, member_string (self->policy, "summary"));
    }
  /* Acknowledged: this computer's copy of the notice must not come back offline. */
  if (!show && self->acceptances != NULL && g_strcmp0 (accepted, current) == 0)
    forget_local_notice (self);
  /* Hidden, not only folded: the notice leaves the accessibility tree too. */
  gtk_widget_set_visible (GTK_WIDGET (self->policy_revealer), show);
  gtk_revealer_set_reveal_child (self->policy_revealer, show);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.acknowledge-policy", show);
}

static void
controller_from_policy (XpzPrivacyPage *self)
{
  JsonObject *controller = member_object (self->policy, "controller");

  if (controller == NULL)
    return;
  if (member_string (controller, "name") != NULL)
    adw_action_row_set_subtitle (self->controller_name_row, member_string (controller, "name"));
  if (member_string (controller, "address") != NULL)
    adw_action_row_set_subtitle (self->controller_address_row, member_string (controller, "address"));
}

static void
policy_loaded (XpzPrivacyPage *self,
               XpzApiResponse *response,
               const GError   *error)
{
  JsonObject *o = response_object (response);

  if (o == NULL)
    {
      report_error (self, error);
      return;
    }
  g_clear_pointer (&self->policy, json_object_unref);
  self->policy = json_object_ref (o);
  controller_from_policy (self);
  show_basis (self);
  show_policy (self);
  xpz_privacy_page_show_processors (self);
}

static void
acceptances_loaded (XpzPrivacyPage *self,
                    XpzApiResponse *response,
                    const GError   *error)
{
  JsonArray *acceptances = member_array (response_object (response), "acceptances");

  if (acceptances == NULL)
    {
      report_error (self, error);
      return;
    }
  g_clear_pointer (&self->acceptances, json_array_unref);
  self->acceptances = json_array_ref (acceptances);
  show_policy (self);
}

static void
acknowledged (XpzPrivacyPage *self,
              XpzApiResponse *response,
              const GError   *error)
{
  if (response == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not record your acknowledgement: %s"),
                                                  error != NULL ? error->message : "");
      xpz_privacy_page_toast (self, message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.acknowledge-policy", TRUE);
      return;
    }
  forget_local_notice (self);
  xpz_privacy_page_call (self, "GET", "/policy", NULL, policy_loaded);
  xpz_privacy_page_call (self, "GET", "/me/policy-acceptances", NULL, acceptances_loaded);
  xpz_privacy_page_load_ledger (self);
  if (self->account != NULL)
    xpz_account_request_sync (self->account);
}

static void
acknowledge_policy_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (widget);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  if (member_string (self->policy, "version") == NULL)
    return;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, member_string (self->policy, "version"));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  gtk_widget_action_set_enabled (widget, "privacy.acknowledge-policy", FALSE);
  /* Immediately: the acknowledgement is ledgered, and the notice stays until it is. */
  xpz_privacy_page_call (self, "POST", "/me/policy-acceptances", body, acknowledged);
}

/* ---- the consent ledger (B1) ------------------------------------------------------- */

static void
ledger_loaded (XpzPrivacyPage *self,
               XpzApiResponse *response,
               const GError   *error)
{
  JsonObject *o = response_object (response);
  JsonArray *entries = member_array (o, "entries");
  g_autoptr (GError) verify_error = NULL;
  gint64 bad = 0;
  gboolean holds;

  if (entries == NULL)
    {
      report_error (self, error);
      return;
    }

  /* Verified here, never taken from the platform's own "verified". */
  holds = xpz_ledger_verify (entries, &bad, &verify_error);
  gtk_widget_set_visible (self->ledger_warning, !holds);
  if (holds)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("Verified on this computer: %u entry, unbroken",
                                                          "Verified on this computer: %u entries, unbroken",
                                                          json_array_get_length (entries)),
                                                json_array_get_length (entries));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->ledger_status_row), title);
      adw_action_row_set_icon_name (self->ledger_status_row, "emblem-ok-symbolic");
    }
  else
    {
      g_autofree char *text =
        g_strdup_printf (_("%s This record may have been altered on the platform. Keep a copy "
                           "(Rights, View Your Data) and contact the data controller."),
                         verify_error->message);

      gtk_label_set_text (self->ledger_warning_label, text);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->ledger_status_row),
                                     _("The consent ledger could not be verified"));
      adw_action_row_set_icon_name (self->ledger_status_row, "dialog-error-symbolic");
    }

  xpz_privacy_page_clear_rows (self, self->ledger_entries_group);
  for (guint k = json_array_get_length (entries); k > 0; k--)
    {
      JsonNode *node = json_array_get_element (entries, k - 1);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *label = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *when = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (entry == NULL)
        continue;
      label = xpz_ledger_kind_label (member_string (entry, "kind"));
      detail = xpz_ledger_describe (entry);
      when = xpz_privacy_format_time (member_string (entry, "at"));
      subtitle = *detail != '\0' ? g_strdup_printf (_("%s · %s"), when, detail) : g_strdup (when);
      row = info_row (label, subtitle);
      if (!holds && (gint64) k == bad)
        {
          adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-error-symbolic");
          gtk_widget_add_css_class (row, "error");
        }
      xpz_privacy_page_add_row (self, self->ledger_entries_group, row);
    }
}

void
xpz_privacy_page_load_ledger (XpzPrivacyPage *self)
{
  if (self->is_candidate)
    xpz_privacy_page_call (self, "GET", "/me/ledger", NULL, ledger_loaded);
}

/* ---- sign-ins (R2.5, R3.4, R9.5) --------------------------------------------------- */

static void
sign_ins_loaded (XpzPrivacyPage *self,
                 XpzApiResponse *response,
                 const GError   *error)
{
  JsonArray *sign_ins = member_array (response_object (response), "sign_ins");

  if (sign_ins == NULL)
    {
      report_error (self, error);
      return;
    }
  xpz_privacy_page_clear_rows (self, self->sign_ins_group);
  for (guint i = 0; i < MIN (json_array_get_length (sign_ins), 20); i++)
    {
      JsonObject *s = json_array_get_object_element (sign_ins, i);
      g_autofree char *when = xpz_privacy_format_time (member_string (s, "at"));
      gboolean ok = g_strcmp0 (member_string (s, "outcome"), "success") == 0;
      /* Translators: "127.0.0.1 · XpertAIze Desktop" */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s"),
                                                   member_string (s, "ip") ? member_string (s, "ip") : "?",
                                                   member_string (s, "client") ? member_string (s, "client") : "?");
      g_autofree char *title = g_strdup_printf (ok ? _("Signed in %s") : _("Failed attempt %s"), when);
      GtkWidget *row = info_row (title, subtitle);

      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), ok ? "emblem-ok-symbolic"
                                                             : "dialog-warning-symbolic");
      xpz_privacy_page_add_row (self, self->sign_ins_group, row);
    }
}

static void
signed_out_everywhere (XpzPrivacyPage *self,
                       XpzApiResponse *response,
                       const GError   *error)
{
  if (response == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not sign out everywhere: %s"),
                                                  error != NULL ? error->message : "");
      xpz_privacy_page_toast (self, message);
      return;
    }
  /* Every session ended, this one too: forget its secret here as well. */
  gtk_widget_activate_action (GTK_WIDGET (self), "account.sign-out", NULL);
}

static void
sign_out_all_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          XpzPrivacyPage   *self)
{
  if (g_str_equal (response, "sign-out"))
    xpz_privacy_page_call (self, "DELETE", "/sessions", NULL, signed_out_everywhere);
}

static void
sign_out_everywhere_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Sign Out of All Sessions?"),
                                   _("Every device and app signed in to your account is signed "
                                     "out, this one included. Changes not yet sent from other "
                                     "devices wait there until they sign in again."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign-out", _("_Sign Out Everywhere"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_out_all_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the privacy settings ---------------------------------------------------------- */

void
xpz_privacy_page_set_privacy (XpzPrivacyPage *self,
                              JsonObject     *privacy)
{
  JsonObject *held = json_object_ref (privacy);

  g_clear_pointer (&self->privacy, json_object_unref);
  self->privacy = held;
  self->privacy_version = json_object_get_int_member_with_default (privacy, "version", 0);
  xpz_privacy_page_show_privacy (self);
  show_basis (self);
  if (self->export_data != NULL)
    show_held (self);
}

static void
privacy_loaded (XpzPrivacyPage *self,
                XpzApiResponse *response,
                const GError   *error)
{
  JsonObject *o = response_object (response);

  if (o == NULL)
    {
      report_error (self, error);
      return;
    }
  /* Changes still queued were made over an older copy: keep showing them. */
  if (self->privacy_pending > 0 &&
      json_object_get_int_member_with_default (o, "version", 0) < self->privacy_version)
    return;
  self->privacy_pending = 0;
  xpz_privacy_page_set_privacy (self, o);
}

void
xpz_privacy_page_load_privacy (XpzPrivacyPage *self)
{
  if (self->is_candidate)
    xpz_privacy_page_call (self, "GET", "/me/privacy", NULL, privacy_loaded);
}

/* What this computer knows, for when the platform cannot be reached: the settings and
 * the policy notice the sync engine's pull keeps (privacy_setting "privacy" and
 * "policy_notice"), as a JSON object {privacy, policy_notice}. */
static gpointer
read_local_privacy (XpzStore      *store,
                    sqlite3       *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  JsonObject *local;

  if (sqlite3_prepare_v2 (db, "SELECT key, value FROM privacy_setting"
                          " WHERE key IN ('privacy', 'policy_notice')", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED, "%s", sqlite3_errmsg (db));
      return NULL;
    }
  local = json_object_new ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonNode *node = xpz_json_parse_strict ((const char *) sqlite3_column_text (stmt, 1), -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        json_object_set_member (local, (const char *) sqlite3_column_text (stmt, 0), node);
      else if (node != NULL)
        json_node_unref (node);
    }
  sqlite3_finalize (stmt);
  return local;
}

static void
local_privacy_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (XpzPrivacyPage) self = user_data;
  g_autoptr (JsonObject) local = xpz_store_run_finish (XPZ_STORE (source), result, NULL);
  JsonObject *privacy = member_object (local, "privacy");
  JsonObject *notice = member_object (local, "policy_notice");

  if (local == NULL)
    return;
  /* The platform answers first when it can: its answers win. */
  if (privacy != NULL && self->privacy == NULL)
    xpz_privacy_page_set_privacy (self, privacy);
  if (notice != NULL && self->policy == NULL &&
      json_object_get_boolean_member_with_default (notice, "material", FALSE))
    {
      g_autofree char *title = g_strdup_printf (_("The privacy policy has changed (version %s)"),
                                                member_string (notice, "version"));

      self->policy = json_object_ref (notice);
      gtk_label_set_text (self->policy_title, title);
      gtk_label_set_text (self->policy_summary, member_string (notice, "summary"));
      gtk_widget_set_visible (GTK_WIDGET (self->policy_revealer), TRUE);
      gtk_revealer_set_reveal_child (self->policy_revealer, TRUE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.acknowledge-policy", TRUE);
    }
}

static gpointer
forget_policy_notice (XpzStore      *store,
                      sqlite3       *db,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  if (sqlite3_exec (db, "DELETE FROM privacy_setting WHERE key = 'policy_notice'", NULL, NULL,
                    NULL) != SQLITE_OK)
    {
      g_set_error (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_FAILED, "%s", sqlite3_errmsg (db));
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static void
notice_forgotten_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!xpz_store_run_finish (XPZ_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not forget the acknowledged policy notice: %s", error->message);
}

/* The notice was acknowledged: this computer's copy of it goes (the feed stops sending
 * it, and it must not come back offline). */
static void
forget_local_notice (XpzPrivacyPage *self)
{
  XpzStore *store = self->account != NULL ? xpz_account_get_store (self->account) : NULL;

  if (store != NULL && xpz_store_is_open (store))
    xpz_store_run_async (store, TRUE, forget_policy_notice, NULL, NULL, NULL,
                         self->cancellable, notice_forgotten_cb, NULL);
}

/* ---- loading ----------------------------------------------------------------------- */

static void
deletion_loaded (XpzPrivacyPage *self,
                 XpzApiResponse *response,
                 const GError   *error)
{
  JsonObject *o = response_object (response);

  if (o == NULL && !g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_NOT_FOUND))
    {
      report_error (self, error);
      return;
    }
  g_clear_pointer (&self->deletion, json_object_unref);
  if (o != NULL)
    self->deletion = json_object_ref (o);
  xpz_privacy_page_keep_receipt (self);
  xpz_privacy_page_show_deletion (self);
}

static void
documents_loaded (XpzPrivacyPage *self,
                  XpzApiResponse *response,
                  const GError   *error)
{
  JsonArray *documents = member_array (response_object (response), "documents");

  if (documents == NULL)
    {
      report_error (self, error);
      return;
    }
  xpz_privacy_page_show_documents (self, documents);
}

static void
reload (XpzPrivacyPage *self)
{
  XpzStore *store;

  if (self->account == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->offline_group), FALSE);

  store = xpz_account_get_store (self->account);
  if (self->is_candidate && store != NULL && xpz_store_is_open (store))
    xpz_store_run_async (store, FALSE, read_local_privacy, NULL, NULL,
                         (GDestroyNotify) json_object_unref, self->cancellable,
                         local_privacy_cb, g_object_ref (self));

  xpz_privacy_page_call (self, "GET", "/policy", NULL, policy_loaded);
  xpz_privacy_page_call (self, "GET", "/me/policy-acceptances", NULL, acceptances_loaded);
  xpz_privacy_page_call (self, "GET", "/me/retention", NULL, retention_loaded);
  xpz_privacy_page_call (self, "GET", "/me/sign-ins", NULL, sign_ins_loaded);
  xpz_privacy_page_call (self, "GET", "/me/deletion-request", NULL, deletion_loaded);
  if (self->is_candidate)
    {
      xpz_privacy_page_load_privacy (self);
      xpz_privacy_page_load_shares (self);
      xpz_privacy_page_load_blocked (self);
      xpz_privacy_page_load_ledger (self);
      xpz_privacy_page_call (self, "GET", "/me/documents", NULL, documents_loaded);
    }
  else
    xpz_privacy_page_call (self, "GET", "/me/export", NULL, export_loaded);
}

static void
engine_state_cb (XpzSyncEngine  *engine,
                 GParamSpec     *pspec,
                 XpzPrivacyPage *self)
{
  switch (xpz_sync_engine_get_state (engine))
    {
    case XPZ_SYNC_STATE_UP_TO_DATE:
    case XPZ_SYNC_STATE_NEEDS_ATTENTION:
      /* Nothing waits to be sent: the queued changes went through, or were parked for
       * the user to resolve (the sync indicator shows them). Either way the platform's
       * copy is the truth again. */
      if (self->privacy_pending > 0)
        {
          self->privacy_pending = 0;
          xpz_privacy_page_load_privacy (self);
        }
      break;

    case XPZ_SYNC_STATE_NEEDS_SIGN_IN:
      /* The session ended: was it because the account was deleted? */
      xpz_privacy_page_check_deletion (self);
      break;

    case XPZ_SYNC_STATE_SYNCING:
    case XPZ_SYNC_STATE_WAITING:
    default:
      break;
    }
}

/* A candidate's views (controls, ledger, shares, documents...) or an employer's; with no
 * account, those of the role whose account is being opened (see
 * xpz_context_get_opening_role()), so that they do not change when it is open. */
static void
show_role (XpzPrivacyPage *self)
{
  XpzSession *session = self->account != NULL ? xpz_account_get_session (self->account) : NULL;
  const char *role = session != NULL ? xpz_session_get_role (session)
                     : self->context != NULL ? xpz_context_get_opening_role (self->context)
                     : NULL;
  gboolean candidate = g_strcmp0 (role, "employer") != 0;

  self->is_candidate = candidate;
  /* The controls and the ledger are a candidate's; employers keep their rights. */
  adw_view_stack_page_set_visible (self->controls_stack_page, candidate);
  adw_view_stack_page_set_visible (self->ledger_stack_page, candidate);
  gtk_widget_set_visible (GTK_WIDGET (self->shares_group), candidate);
  gtk_widget_set_visible (GTK_WIDGET (self->documents_group), candidate);
  gtk_widget_set_visible (GTK_WIDGET (self->basis_group), candidate);
  gtk_widget_set_visible (self->rectify_row, candidate);
  gtk_widget_set_visible (self->portability_row, candidate);
  gtk_widget_set_visible (self->restrict_row, candidate);
}

static void
set_account (XpzPrivacyPage *self,
             XpzAccount     *account)
{
  if (self->account == account)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->engine != NULL)
    g_clear_signal_handler (&self->engine_state_id, self->engine);
  g_clear_object (&self->engine);
  g_set_object (&self->account, account);
  g_clear_pointer (&self->privacy, json_object_unref);
  g_clear_pointer (&self->deletion, json_object_unref);
  g_clear_pointer (&self->export_data, json_object_unref);
  g_clear_pointer (&self->acceptances, json_array_unref);
  g_clear_pointer (&self->known_employers, json_array_unref);
  self->known_employers = json_array_new ();
  self->privacy_pending = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->policy_revealer), FALSE);
  gtk_revealer_set_reveal_child (self->policy_revealer, FALSE);

  show_role (self);

  if (account != NULL && xpz_account_get_engine (account) != NULL)
    {
      self->engine = g_object_ref (xpz_account_get_engine (account));
      self->engine_state_id = g_signal_connect_object (self->engine, "notify::state",
                                                       G_CALLBACK (engine_state_cb), self, 0);
    }
  if (account != NULL)
    {
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        reload (self);
    }
}

static void
context_account_cb (XpzContext     *context,
                    GParamSpec     *pspec,
                    XpzPrivacyPage *self)
{
  set_account (self, xpz_context_get_account (context));
}

static void
opening_role_cb (XpzContext     *context,
                 GParamSpec     *pspec,
                 XpzPrivacyPage *self)
{
  if (self->account == NULL)
    show_role (self);
}

static void
xpz_privacy_page_map (GtkWidget *widget)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (widget);

  GTK_WIDGET_CLASS (xpz_privacy_page_parent_class)->map (widget);
  /* Each visit shows the platform's current answers. */
  reload (self);
}

static void
squeezer_changed_cb (XpzPrivacyPage *self)
{
  /* Too narrow for the switcher at the top: the bar at the bottom instead. */
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    adw_squeezer_get_visible_child (self->switcher_squeezer) ==
                                    self->switcher_placeholder);
}

/* ---- the data controller (R12.1) ---------------------------------------------------- */

static void
launch_uri_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (XpzPrivacyPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog;

      g_warning ("Could not open an email client: %s", error->message);
      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("No Email Client"), NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("Write to %s, or call %s."),
                                      CONTROLLER_EMAIL, CONTROLLER_PHONE);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
contact_controller_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (widget);
  g_autofree char *subject = NULL;
  g_autofree char *uri = NULL;
  GtkNative *native = gtk_widget_get_native (widget);
  g_autoptr (GAppLaunchContext) context = NULL;

  subject = g_uri_escape_string (_("Personal data request"), NULL, FALSE);
  uri = g_strdup_printf ("mailto:%s?subject=%s", CONTROLLER_EMAIL, subject);
  if (native != NULL)
    context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                                      gtk_widget_get_display (GTK_WIDGET (native))));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launch_uri_cb,
                                           g_object_ref (self));
}

/* ---- GObject ----------------------------------------------------------------------- */

static void
xpz_privacy_page_dispose (GObject *object)
{
  XpzPrivacyPage *self = XPZ_PRIVACY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (self->engine != NULL)
    g_clear_signal_handler (&self->engine_state_id, self->engine);
  g_clear_object (&self->engine);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_PRIVACY_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_object (&self->context);
  g_clear_pointer (&self->privacy, json_object_unref);
  g_clear_pointer (&self->policy, json_object_unref);
  g_clear_pointer (&self->acceptances, json_array_unref);
  g_clear_pointer (&self->deletion, json_object_unref);
  g_clear_pointer (&self->export_data, json_object_unref);
  g_clear_pointer (&self->known_employers, json_array_unref);
  g_clear_pointer (&self->dynamic_rows, g_hash_table_unref);

  G_OBJECT_CLASS (xpz_privacy_page_parent_class)->dispose (object);
}

static void
load_css (void)
{
  static gboolean loaded;
  g_autoptr (GtkCssProvider) provider = NULL;

  if (loaded || gdk_display_get_default () == NULL)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_PATH "/privacy.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
xpz_privacy_page_class_init (XpzPrivacyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_privacy_page_dispose;
  widget_class->map = xpz_privacy_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-privacy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, switcher_squeezer);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, switcher_placeholder);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controls_stack_page);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, ledger_stack_page);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, policy_revealer);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, policy_title);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, policy_summary);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, offline_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, held_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, shares_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, retention_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, retention_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, basis_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_name_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_address_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_email_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, controller_phone_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, sharing_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, blocked_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, block_entry);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, channels_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, uses_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, restrict_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, processors_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, rights_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, documents_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, deletion_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, ledger_warning);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, ledger_warning_label);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, ledger_status_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, ledger_entries_group);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, policy_current_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, policy_accepted_row);
  gtk_widget_class_bind_template_child (widget_class, XpzPrivacyPage, sign_ins_group);
  gtk_widget_class_bind_template_callback (widget_class, squeezer_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, block_apply_cb);

  gtk_widget_class_install_action (widget_class, "privacy.contact-controller", NULL,
                                   contact_controller_action);
  gtk_widget_class_install_action (widget_class, "privacy.acknowledge-policy", NULL,
                                   acknowledge_policy_action);
  gtk_widget_class_install_action (widget_class, "privacy.sign-out-everywhere", NULL,
                                   sign_out_everywhere_action);
  xpz_privacy_page_class_init_rights (widget_class);
}

static void
xpz_privacy_page_init (XpzPrivacyPage *self)
{
  load_css ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->known_employers = json_array_new ();
  self->is_candidate = TRUE;
  self->dynamic_rows = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);

  adw_action_row_set_subtitle (self->controller_name_row, CONTROLLER_NAME);
  adw_action_row_set_subtitle (self->controller_address_row, CONTROLLER_ADDRESS);
  adw_action_row_set_subtitle (self->controller_email_row, CONTROLLER_EMAIL);
  adw_action_row_set_subtitle (self->controller_phone_row, CONTROLLER_PHONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.acknowledge-policy", FALSE);

  xpz_privacy_page_init_controls (self);
  xpz_privacy_page_init_rights (self);
  squeezer_changed_cb (self);
}

void
xpz_privacy_page_set_context (XpzPrivacyPage *self,
                              XpzContext     *context)
{
  g_return_if_fail (XPZ_IS_PRIVACY_PAGE (self));
  g_return_if_fail (XPZ_IS_CONTEXT (context));

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_set_object (&self->context, context);
  g_signal_connect_object (context, "notify::account", G_CALLBACK (context_account_cb), self, 0);
  g_signal_connect_object (context, "notify::opening-role", G_CALLBACK (opening_role_cb), self,
                           0);
  set_account (self, xpz_context_get_account (context));
  if (self->account == NULL)
    show_role (self);
}

/* For tests and the window: the account shown, or NULL. */
XpzAccount *
xpz_privacy_page_get_account (XpzPrivacyPage *self)
{
  g_return_val_if_fail (XPZ_IS_PRIVACY_PAGE (self), NULL);

  return self->account;
}
