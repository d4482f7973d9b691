/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-introductions"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-introductions.h"
#include "xpz-profile.h"

/* Introduction requests (R5.2): employer, job, salary range and message; accept or
 * decline. Accepting first shows exactly what the employer will receive, with the
 * candidate's own values, and is sent only once confirmed. */

#define INTRODUCTIONS_PATH "/api/v1/me/introductions"

struct _XpzCandidateIntroductions
{
  AdwBin parent_instance;

  XpzAccount          *account;
  GCancellable        *cancellable;
  JsonArray           *introductions;
  GPtrArray           *rows;
  guint                n_pending;

  AdwPreferencesGroup *pending_group;
  AdwPreferencesGroup *history_group;
};

G_DEFINE_FINAL_TYPE (XpzCandidateIntroductions, xpz_candidate_introductions, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_N_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh (XpzCandidateIntroductions *self);

static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static const char *
or_empty (const char *s)
{
  return s != NULL ? s : "";
}

static JsonObject *
object_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static char *
salary_text (JsonObject *salary)
{
  const char *currency = string_member (salary, "currency");
  const char *period = string_member (salary, "period");
  gboolean has_min = salary != NULL && json_object_has_member (salary, "min");
  gboolean has_max = salary != NULL && json_object_has_member (salary, "max");
  g_autofree char *amount = NULL;

  if (!has_min && !has_max)
    return g_strdup (_("Salary not stated"));
  if (has_min && has_max)
    amount = g_strdup_printf ("%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT,
                              json_object_get_int_member (salary, "min"),
                              json_object_get_int_member (salary, "max"));
  else
    amount = g_strdup_printf ("%" G_GINT64_FORMAT,
                              json_object_get_int_member (salary, has_min ? "min" : "max"));
  if (g_strcmp0 (period, "year") == 0)
    /* Translators: a salary range, its currency: "15000–20000 MAD a year" */
    return g_strdup_printf (_("%s %s a year"), amount, currency != NULL ? currency : "");
  /* Translators: a salary range, its currency: "15000–20000 MAD a month" */
  return g_strdup_printf (_("%s %s a month"), amount, currency != NULL ? currency : "");
}

static char *
date_text (const char *iso)
{
  g_autoptr (GDateTime) dt = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr (GDateTime) local = dt != NULL ? g_date_time_to_local (dt) : NULL;

  return local != NULL ? g_date_time_format (local, "%x") : g_strdup ("");
}

/* --- answering ---------------------------------------------------------------------- */

typedef struct
{
  XpzCandidateIntroductions *self;
  char                      *id;
  char                      *company;
  char                      *job;
  gboolean                   accept;
} Answer;

static void
answer_free (Answer *a)
{
  g_object_unref (a->self);
  g_free (a->id);
  g_free (a->company);
  g_free (a->job);
  g_free (a);
}

static void
show_message (XpzCandidateIntroductions *self,
              const char                *heading,
              const char                *body)
{
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (!GTK_IS_WINDOW (window))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Answer *a = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);

  if (response == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Nothing was shared: the platform did not take the answer. */
      show_message (a->self, a->accept ? _("The Request Was Not Accepted") : _("The Request Was Not Declined"),
                    g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_NETWORK)
                    ? _("The platform could not be reached, so nothing was shared. Try again once you are online.")
                    : error->message);
    }
  refresh (a->self);
  if (a->self->account != NULL)
    xpz_account_request_sync (a->self->account);
  answer_free (a);
}

static void
send_answer (Answer *a)
{
  g_autofree char *path = g_strdup_printf (INTRODUCTIONS_PATH "/%s/%s", a->id,
                                           a->accept ? "accept" : "decline");
  g_autofree char *key = g_uuid_string_random ();
  XpzSession *session = xpz_account_get_session (a->self->account);

  xpz_session_call_async (session, "POST", path, NULL, key, NULL, a->self->cancellable,
                          answered_cb, a);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  Answer *a = g_object_steal_data (G_OBJECT (dialog), "answer");

  if (a == NULL)
    return;
  if (a->self->account != NULL && (g_str_equal (response, "accept") || g_str_equal (response, "decline")))
    send_answer (a);
  else
    answer_free (a);
}

static guint
count (JsonObject *profile,
       const char *member)
{
  JsonNode *n = json_object_get_member (profile, member);

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_array_get_length (json_node_get_array (n)) : 0;
}

static void
append_value (GString    *text,
              const char *label,
              const char *value)
{
  g_string_append_printf (text, "• %s: %s\n", label, value != NULL && *value != '\0' ? value : _("(empty)"));
}

/* Exactly what accepting shares: the platform shares basics, work, education, skills,
 * languages and documents with that employer for that job. */
static char *
shared_fields_text (JsonObject *profile,
                    guint       n_documents)
{
  g_autoptr (GString) text = g_string_new (NULL);
  JsonObject *basics = object_member (profile, "basics");
  JsonObject *location = object_member (basics, "location");
  g_autofree char *work = NULL, *education = NULL, *skills = NULL, *languages = NULL, *documents = NULL;
  guint n;

  append_value (text, _("Name"), string_member (basics, "name"));
  append_value (text, _("Professional title"), string_member (basics, "label"));
  append_value (text, _("Email"), string_member (basics, "email"));
  append_value (text, _("Phone"), string_member (basics, "phone"));
  append_value (text, _("City"), string_member (location, "city"));
  append_value (text, _("Summary"), string_member (basics, "summary"));
  append_value (text, _("Links (such as LinkedIn)"),
                count (basics != NULL ? basics : profile, "profiles") > 0 ? _("yes") : _("none"));
  n = count (profile, "work");
  work = g_strdup_printf (ngettext ("%u entry", "%u entries", n), n);
  append_value (text, _("Work experience"), work);
  n = count (profile, "education");
  education = g_strdup_printf (ngettext ("%u entry", "%u entries", n), n);
  append_value (text, _("Education"), education);
  n = count (profile, "skills");
  skills = g_strdup_printf (ngettext ("%u skill", "%u skills", n), n);
  append_value (text, _("Skills"), skills);
  n = count (profile, "languages");
  languages = g_strdup_printf (ngettext ("%u language", "%u languages", n), n);
  append_value (text, _("Languages"), languages);
  documents = g_strdup_printf (ngettext ("%u document (its current version)", "%u documents (the current version of each)",
                                         n_documents), n_documents);
  append_value (text, _("CVs and documents"), documents);
  g_string_append_c (text, '\n');
  g_string_append (text, _("Not shared: your salary expectation and other preferences, your privacy settings and your ledger."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gpointer
count_documents_func (XpzStore      *store,
                      sqlite3       *db,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM document", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return g_memdup2 (&n, sizeof n);
}

typedef struct
{
  Answer   *answer;
  JsonNode *profile;
} Preview;

static void
present_accept (Answer   *a,
                JsonNode *profile,
                guint     n_documents)
{
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (a->self));
  g_autofree char *heading = NULL, *fields = NULL, *body = NULL;
  GtkWidget *dialog;

  if (!GTK_IS_WINDOW (window))
    {
      answer_free (a);
      return;
    }
  heading = g_strdup_printf (_("Share Your Profile with %s?"), a->company);
  fields = shared_fields_text (json_node_get_object (profile), n_documents);
  body = g_strdup_printf (_("For the job “%s”, %s will receive what follows. The share is written to your ledger; you can revoke it at any time in the Privacy area."),
                          a->job, a->company);
  dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, body);
  {
    GtkWidget *list = gtk_label_new (fields);

    gtk_label_set_wrap (GTK_LABEL (list), TRUE);
    gtk_label_set_xalign (GTK_LABEL (list), 0);
    gtk_label_set_selectable (GTK_LABEL (list), FALSE);
    gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("What Will Be Shared"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, fields, -1);
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "accept", _("_Share and Accept"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "accept",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "answer", a, (GDestroyNotify) answer_free);
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
documents_counted_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Preview *p = user_data;
  g_autofree gint64 *n = xpz_store_run_finish (XPZ_STORE (source), result, NULL);

  present_accept (p->answer, p->profile, n != NULL ? (guint) *n : 0);
  json_node_unref (p->profile);
  g_free (p);
}

static void
profile_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Answer *a = user_data;
  g_autoptr (GError) error = NULL;
  JsonNode *profile = xpz_profile_load_finish (XPZ_STORE (source), result, NULL, &error);
  Preview *p;

  if (profile == NULL || a->self->account == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (a->self, _("The Request Was Not Accepted"), error->message);
      g_clear_pointer (&profile, json_node_unref);
      answer_free (a);
      return;
    }
  p = g_new0 (Preview, 1);
  p->answer = a;
  p->profile = profile;
  xpz_store_run_async (XPZ_STORE (source), FALSE, count_documents_func, NULL, NULL, g_free,
                       NULL, documents_counted_cb, p);
}

static void
answer_clicked_cb (GtkButton                 *button,
                   XpzCandidateIntroductions *self)
{
  Answer *a;
  XpzSession *session;

  if (self->account == NULL)
    return;
  a = g_new0 (Answer, 1);
  a->self = g_object_ref (self);
  a->id = g_strdup (g_object_get_data (G_OBJECT (button), "id"));
  a->company = g_strdup (g_object_get_data (G_OBJECT (button), "company"));
  a->job = g_strdup (g_object_get_data (G_OBJECT (button), "job"));
  a->accept = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "accept"));
  if (!a->accept)
    {
      send_answer (a);
      return;
    }
  session = xpz_account_get_session (self->account);
  xpz_profile_load_async (xpz_account_get_store (self->account), xpz_session_get_at_rest_key (session),
                          self->cancellable, profile_loaded_cb, a);
}

/* --- list --------------------------------------------------------------------------- */

static GtkWidget *
answer_button (XpzCandidateIntroductions *self,
               JsonObject                *intro,
               gboolean                   accept)
{
  JsonObject *employer = object_member (intro, "employer");
  JsonObject *job = object_member (intro, "job");
  const char *company = string_member (employer, "company");
  const char *title = string_member (job, "title");
  g_autofree char *label = g_strdup_printf (accept ? _("Accept the Request of %s") : _("Decline the Request of %s"),
                                            company != NULL ? company : "");
  GtkWidget *button = gtk_button_new_with_mnemonic (accept ? _("_Accept…") : _("_Decline"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (accept)
    gtk_widget_add_css_class (button, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (button), "id",
                          g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (intro, "id", 0)),
                          g_free);
  g_object_set_data_full (G_OBJECT (button), "company", g_strdup (company != NULL ? company : ""), g_free);
  g_object_set_data_full (G_OBJECT (button), "job", g_strdup (title != NULL ? title : ""), g_free);
  g_object_set_data (G_OBJECT (button), "accept", GINT_TO_POINTER (accept));
  g_signal_connect_object (button, "clicked", G_CALLBACK (answer_clicked_cb), self, 0);
  return button;
}

static void
rebuild (XpzCandidateIntroductions *self)
{
  guint pending = 0, answered = 0;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = self->introductions != NULL ? json_array_get_length (self->introductions) : 0; i > 0; i--)
    {
      JsonObject *intro = json_array_get_object_element (self->introductions, i - 1);
      JsonObject *employer = object_member (intro, "employer");
      JsonObject *job = object_member (intro, "job");
      JsonObject *location = object_member (job, "location");
      const char *status = string_member (intro, "status");
      const char *message = string_member (intro, "message");
      gboolean is_pending = g_strcmp0 (status, "pending") == 0;
      g_autofree char *title = NULL, *salary = NULL, *when = NULL, *subtitle = NULL, *state = NULL;
      GtkWidget *row;

      if (intro == NULL)
        continue;
      title = g_strdup_printf ("%s — %s", or_empty (string_member (employer, "company")),
                               or_empty (string_member (job, "title")));
      salary = salary_text (object_member (job, "salary"));
      if (is_pending)
        {
          when = date_text (string_member (intro, "requested_at"));
          /* Translators: requested on DATE */
          state = g_strdup_printf (_("Asked on %s"), when);
        }
      else
        {
          when = date_text (string_member (intro, "decided_at"));
          state = g_strdup_printf (g_strcmp0 (status, "accepted") == 0 ? _("Accepted on %s: your profile is shared")
                                                                        : _("Declined on %s"), when);
        }
      subtitle = g_strdup_printf ("%s%s%s\n%s%s%s%s",
                                  salary,
                                  string_member (location, "city") != NULL ? " · " : "",
                                  or_empty (string_member (location, "city")),
                                  state,
                                  message != NULL ? "\n“" : "", or_empty (message), message != NULL ? "”" : "");
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      if (is_pending)
        {
          GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

          gtk_box_append (GTK_BOX (box), answer_button (self, intro, TRUE));
          gtk_box_append (GTK_BOX (box), answer_button (self, intro, FALSE));
          gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
          adw_preferences_group_add (self->pending_group, row);
          pending++;
        }
      else
        {
          adw_preferences_group_add (self->history_group, row);
          answered++;
        }
      g_ptr_array_add (self->rows, row);
    }
  adw_preferences_group_set_description (self->history_group,
                                         answered == 0 ? _("None yet.") : NULL);
  if (pending == 0)
    adw_preferences_group_set_description (self->pending_group, _("No employer is waiting for an answer."));
  else
    adw_preferences_group_set_description (self->pending_group,
                                           _("An employer asks to see who you are for one job. Until you accept, it sees only an anonymous summary."));
  if (pending != self->n_pending)
    {
      self->n_pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
    }
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (XpzCandidateIntroductions) self = user_data;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, NULL);
  JsonObject *body = response != NULL ? xpz_api_response_get_object (response) : NULL;

  if (body == NULL || !json_object_has_member (body, "introductions") || self->account == NULL)
    return;
  g_clear_pointer (&self->introductions, json_array_unref);
  self->introductions = json_array_ref (json_object_get_array_member (body, "introductions"));
  rebuild (self);
}

static void
refresh (XpzCandidateIntroductions *self)
{
  if (self->account == NULL)
    return;
  xpz_session_call_async (xpz_account_get_session (self->account), "GET", INTRODUCTIONS_PATH,
                          NULL, NULL, NULL, self->cancellable, listed_cb, g_object_ref (self));
}

static void
store_changed_cb (XpzCandidateIntroductions *self,
                  const char                *table,
                  gint64                     row_id,
                  XpzStoreChange             change)
{
  if (g_strcmp0 (table, "introduction_request") == 0)
    refresh (self);
}

/* --- the object --------------------------------------------------------------------- */

static void
xpz_candidate_introductions_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  XpzCandidateIntroductions *self = XPZ_CANDIDATE_INTRODUCTIONS (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_candidate_introductions_dispose (GObject *object)
{
  XpzCandidateIntroductions *self = XPZ_CANDIDATE_INTRODUCTIONS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  /* The rows go with their groups. */
  g_ptr_array_set_size (self->rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_INTRODUCTIONS);
  g_clear_object (&self->account);
  g_clear_pointer (&self->introductions, json_array_unref);

  G_OBJECT_CLASS (xpz_candidate_introductions_parent_class)->dispose (object);
}

static void
xpz_candidate_introductions_finalize (GObject *object)
{
  XpzCandidateIntroductions *self = XPZ_CANDIDATE_INTRODUCTIONS (object);

  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (xpz_candidate_introductions_parent_class)->finalize (object);
}

static void
xpz_candidate_introductions_class_init (XpzCandidateIntroductionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xpz_candidate_introductions_get_property;
  object_class->dispose = xpz_candidate_introductions_dispose;
  object_class->finalize = xpz_candidate_introductions_finalize;

  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-introductions.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateIntroductions, pending_group);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateIntroductions, history_group);
}

static void
xpz_candidate_introductions_init (XpzCandidateIntroductions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

void
xpz_candidate_introductions_set_account (XpzCandidateIntroductions *self,
                                         XpzAccount                *account)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_INTRODUCTIONS (self));

  if (self->account == account)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  g_set_object (&self->account, account);
  g_clear_pointer (&self->introductions, json_array_unref);
  rebuild (self);
  if (account == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (xpz_account_get_store (account), "changed",
                           G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  refresh (self);
}

guint
xpz_candidate_introductions_get_n_pending (XpzCandidateIntroductions *self)
{
  g_return_val_if_fail (XPZ_IS_CANDIDATE_INTRODUCTIONS (self), 0);

  return self->n_pending;
}
