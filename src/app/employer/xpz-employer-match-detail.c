/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-match-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-document-type.h"
#include "xpz-employer-data.h"
#include "xpz-employer-match-detail.h"
#include "xpz-employer-match-row.h"
#include "xpz-explain.h"
#include "xpz-json-strict.h"
#include "xpz-validate.h"

/* One candidate of a job: the score and its explanation factor by factor, the
 * anonymised card or (shared) the contact details, CV versions and LinkedIn, the
 * pipeline stage, private notes (the candidate's personal data, and said so), and the
 * introduction: request it with a message and a salary range, follow its status. */
struct _XpzEmployerMatchDetail
{
  AdwBin                 parent_instance;

  XpzAccount            *account;
  XpzMatchItem          *item;
  GCancellable          *cancellable;
  GPtrArray             *dynamic_rows;   /* (row, group) pairs added for this candidate */
  gboolean               filling;
  char                  *stage;
  char                  *job_remote_id;        /* of the candidate shown, once read */
  char                  *candidate_remote_id;

  GtkStack              *stack;
  GtkWidget             *back_button;
  GtkLabel              *title_label;
  GtkLabel              *score_label;
  GtkLabel              *badge_label;
  GtkLabel              *facts_label;
  AdwPreferencesGroup   *explanation_group;
  AdwPreferencesGroup   *anonymous_group;
  AdwPreferencesGroup   *contact_group;
  AdwActionRow          *name_row;
  AdwActionRow          *email_row;
  AdwActionRow          *phone_row;
  AdwActionRow          *linkedin_row;
  GtkButton             *linkedin_button;
  AdwPreferencesGroup   *documents_group;
  AdwComboRow           *stage_row;
  GtkTextView           *note_view;
  GtkButton             *save_note_button;
  AdwActionRow          *intro_status_row;
  AdwEntryRow           *intro_message_row;
  AdwEntryRow           *salary_min_row;
  AdwEntryRow           *salary_max_row;
  GtkButton             *request_button;
  GtkLabel              *error_label;
};

G_DEFINE_FINAL_TYPE (XpzEmployerMatchDetail, xpz_employer_match_detail, ADW_TYPE_BIN)

static void reload (XpzEmployerMatchDetail *self);

static void
show_error (XpzEmployerMatchDetail *self,
            const char             *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
clear_dynamic_rows (XpzEmployerMatchDetail *self)
{
  for (guint i = 0; i + 1 < self->dynamic_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->dynamic_rows, i + 1),
                                  g_ptr_array_index (self->dynamic_rows, i));
  g_ptr_array_set_size (self->dynamic_rows, 0);
}

static void
add_row (XpzEmployerMatchDetail *self,
         AdwPreferencesGroup    *group,
         GtkWidget              *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->dynamic_rows, row);
  g_ptr_array_add (self->dynamic_rows, group);
}

static const char *
intro_status_text (const char *status,
                   gboolean    shared)
{
  if (g_strcmp0 (status, "accepted") == 0)
    return _("Accepted: the candidate shared their profile with you");
  if (g_strcmp0 (status, "declined") == 0)
    return _("Declined by the candidate");
  if (g_strcmp0 (status, "pending") == 0)
    return _("Requested: waiting for the candidate");
  if (shared)
    return _("Shared with you: no introduction needed");
  return _("Not requested");
}

static void
set_row_text (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL ? text : _("Not given"));
}

typedef struct
{
  XpzEmployerMatchDetail *self;
  char                   *file_name;
} OpenDocument;

static void
open_document_free (OpenDocument *o)
{
  g_object_unref (o->self);
  g_free (o->file_name);
  g_free (o);
}

static void
document_fetched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  OpenDocument *o = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);
  JsonObject *body = response != NULL ? xpz_api_response_get_object (response) : NULL;
  const char *data = body != NULL ? json_object_get_string_member_with_default (body, "data", NULL) : NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  if (data != NULL)
    {
      gsize length = 0;
      guchar *decoded = g_base64_decode (data, &length);
      g_autoptr (GBytes) content = g_bytes_new_take (decoded, length);

      /* checked to be a PDF, DOCX or ODT before any viewer sees it, and written under a
       * name of ours with the extension of what it is: the candidate's name for it
       * never reaches the file system */
      path = xpz_document_write_private_copy (content, &error);
    }
  if (path != NULL)
    {
      uri = g_filename_to_uri (path, NULL, NULL);
      gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (o->self))), uri, GDK_CURRENT_TIME);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” could not be opened: %s"), o->file_name,
                                                  error != NULL ? error->message
                                                                : _("The platform sent no content."));
      show_error (o->self, message);
    }
  open_document_free (o);
}

/* A shared CV is fetched when it is opened, never kept: the candidate can stop sharing
 * it at any time. */
static void
open_document_cb (GtkButton              *button,
                  XpzEmployerMatchDetail *self)
{
  gint64 doc_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "document-id"));
  const char *file_name = g_object_get_data (G_OBJECT (button), "file-name");
  g_autofree char *job = NULL;
  g_autofree char *candidate = NULL;
  g_autofree char *path = NULL;
  OpenDocument *o;

  if (self->account == NULL || self->job_remote_id == NULL || self->candidate_remote_id == NULL)
    return;
  show_error (self, NULL);
  job = g_uri_escape_string (self->job_remote_id, NULL, FALSE);
  candidate = g_uri_escape_string (self->candidate_remote_id, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/jobs/%s/matches/%s/documents/%lld", job, candidate, (long long) doc_id);
  o = g_new0 (OpenDocument, 1);
  o->self = g_object_ref (self);
  o->file_name = g_strdup (file_name);
  xpz_session_call_async (xpz_account_get_session (self->account), "GET", path, NULL, NULL, NULL,
                          self->cancellable, document_fetched_cb, o);
}

static void
fill_documents (XpzEmployerMatchDetail *self,
                JsonObject             *profile)
{
  JsonArray *docs = profile != NULL && json_object_has_member (profile, "documents")
                    ? json_object_get_array_member (profile, "documents") : NULL;
  guint n = docs != NULL ? json_array_get_length (docs) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *doc = json_array_get_object_element (docs, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("document-open-symbolic");
      const char *file_name = json_object_get_string_member_with_default (doc, "filename", _("CV"));
      const char *type = json_object_get_string_member_with_default (doc, "content_type", NULL);
      g_autofree char *size = g_format_size ((guint64) json_object_get_int_member_with_default (doc, "size", 0));
      g_autofree char *subtitle = NULL;
      g_autofree char *open_label = g_strdup_printf (_("Open “%s”"), file_name);

      /* TRANSLATORS: a shared CV's type and size: "PDF, 120.5 kB" */
      subtitle = g_strdup_printf (_("%s, %s"), xpz_document_type_name (type), size);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), file_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, open_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, open_label, -1);
      g_object_set_data (G_OBJECT (button), "document-id",
                         GSIZE_TO_POINTER ((gsize) json_object_get_int_member_with_default (doc, "id", 0)));
      g_object_set_data_full (G_OBJECT (button), "file-name", g_strdup (file_name), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (open_document_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      add_row (self, self->documents_group, row);
    }
  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No CV shared"));
      add_row (self, self->documents_group, row);
    }
}

static void
detail_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  XpzEmployerMatchDetail *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzEmployerMatchInfo) d = NULL;
  GtkTextBuffer *buffer;

  d = xpz_store_run_finish (XPZ_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (d == NULL)
    {
      show_error (self, error->message);
      return;
    }
  self->filling = TRUE;
  g_free (self->stage);
  self->stage = g_strdup (d->stage);
  g_free (self->job_remote_id);
  self->job_remote_id = g_strdup (d->job_remote_id);
  g_free (self->candidate_remote_id);
  self->candidate_remote_id = g_strdup (d->candidate_remote_id);
  for (guint i = 0; xpz_employer_stages ()[i] != NULL; i++)
    if (g_strcmp0 (xpz_employer_stages ()[i], d->stage) == 0)
      adw_combo_row_set_selected (self->stage_row, i);
  buffer = gtk_text_view_get_buffer (self->note_view);
  gtk_text_buffer_set_text (buffer, d->note != NULL ? d->note : "", -1);
  gtk_text_buffer_set_modified (buffer, FALSE);

  gtk_widget_set_visible (GTK_WIDGET (self->anonymous_group), !d->shared);
  gtk_widget_set_visible (GTK_WIDGET (self->contact_group), d->shared);
  gtk_widget_set_visible (GTK_WIDGET (self->documents_group), d->shared);
  if (d->shared)
    {
      gtk_label_set_text (self->title_label, d->full_name != NULL ? d->full_name : _("Shared candidate"));
      set_row_text (self->name_row, d->full_name);
      set_row_text (self->email_row, d->email);
      set_row_text (self->phone_row, d->phone);
      set_row_text (self->linkedin_row, d->linkedin_url);
      gtk_widget_set_visible (GTK_WIDGET (self->linkedin_button), d->linkedin_url != NULL);
      g_object_set_data_full (G_OBJECT (self->linkedin_button), "uri", g_strdup (d->linkedin_url), g_free);
      fill_documents (self, d->profile);
    }
  adw_action_row_set_subtitle (self->intro_status_row, intro_status_text (d->intro_status, d->shared));
  gtk_widget_set_sensitive (GTK_WIDGET (self->request_button), !d->shared && d->intro_status == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->intro_message_row), !d->shared && d->intro_status == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->salary_min_row), !d->shared && d->intro_status == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->salary_max_row), !d->shared && d->intro_status == NULL);
  self->filling = FALSE;
}

static void
reload (XpzEmployerMatchDetail *self)
{
  if (self->account == NULL || self->item == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  xpz_employer_read_detail_async (self->account, xpz_match_item_get_id (self->item), self->cancellable,
                                  detail_read_cb, self);
}

void
xpz_employer_match_detail_show (XpzEmployerMatchDetail *self,
                                XpzMatchItem           *item)
{
  const XpzMatchItemFields *f;
  g_autofree char *score = NULL;
  g_autofree char *facts = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;
  JsonArray *factors = NULL;

  g_return_if_fail (XPZ_IS_EMPLOYER_MATCH_DETAIL (self));

  if (item != NULL && xpz_match_item_is_placeholder (item))
    item = NULL;
  g_set_object (&self->item, item);
  g_clear_pointer (&self->job_remote_id, g_free);
  g_clear_pointer (&self->candidate_remote_id, g_free);
  clear_dynamic_rows (self);
  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, item != NULL ? "candidate" : "empty");
  if (item == NULL)
    return;

  f = xpz_match_item_get_fields (item);
  score = xpz_explain_score ((int) f->points);
  facts = xpz_employer_candidate_facts (f);
  gtk_label_set_text (self->title_label, f->shared && f->display_name ? f->display_name : _("Anonymised candidate"));
  gtk_label_set_text (self->score_label, score);
  gtk_label_set_text (self->badge_label, f->shared ? _("Shared with you") : _("Anonymised: nothing identifying is shown"));
  gtk_label_set_text (self->facts_label, facts);
  gtk_widget_set_visible (GTK_WIDGET (self->anonymous_group), !f->shared);
  gtk_widget_set_visible (GTK_WIDGET (self->contact_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->documents_group), FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), "", -1);
  gtk_editable_set_text (GTK_EDITABLE (self->intro_message_row), "");

  node = f->explanation != NULL ? xpz_json_parse_strict (f->explanation, -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL) : NULL;
  o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (o != NULL && json_object_has_member (o, "factors") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "factors")))
    factors = json_object_get_array_member (o, "factors");
  for (guint i = 0; factors != NULL && i < json_array_get_length (factors); i++)
    {
      JsonObject *factor = json_array_get_object_element (factors, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *points = gtk_label_new (NULL);
      g_autofree char *name = NULL;
      g_autofree char *sentence = NULL;
      g_autofree char *status = NULL;
      g_autofree char *points_text = NULL;

      if (factor == NULL)
        continue;
      name = xpz_explain_factor_name (json_object_get_string_member_with_default (factor, "name", ""));
      sentence = xpz_explain_factor (factor);
      status = xpz_explain_status (json_object_get_string_member_with_default (factor, "status", "unknown"));
      /* TRANSLATORS: points a factor earned out of its weight: "32 / 40" */
      points_text = g_strdup_printf (_("%lld / %lld"),
                                     (long long) json_object_get_int_member_with_default (factor, "score", 0),
                                     (long long) json_object_get_int_member_with_default (factor, "weight", 0));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sentence);
      gtk_label_set_text (GTK_LABEL (points), points_text);
      gtk_widget_set_tooltip_text (points, status);
      gtk_widget_add_css_class (points, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), points);
      add_row (self, self->explanation_group, row);
    }
  reload (self);
}

/* The same candidate, read again after a change: shown again when what the detail
 * depends on changed (shared or not, the introduction). */
void
xpz_employer_match_detail_update (XpzEmployerMatchDetail *self,
                                  XpzMatchItem           *item)
{
  const XpzMatchItemFields *now, *was;

  g_return_if_fail (XPZ_IS_EMPLOYER_MATCH_DETAIL (self));

  if (self->item == NULL || item == NULL || xpz_match_item_is_placeholder (item) ||
      xpz_match_item_get_id (item) != xpz_match_item_get_id (self->item))
    return;
  now = xpz_match_item_get_fields (item);
  was = xpz_match_item_get_fields (self->item);
  if (now->shared != was->shared || g_strcmp0 (now->intro_status, was->intro_status) != 0 ||
      g_strcmp0 (now->display_name, was->display_name) != 0)
    xpz_employer_match_detail_show (self, item);
  else if (g_strcmp0 (now->stage, was->stage) != 0)
    {
      g_set_object (&self->item, item);
      reload (self);
    }
}

/* The Back button, for a folded layout. */
void
xpz_employer_match_detail_set_back_visible (XpzEmployerMatchDetail *self,
                                            gboolean                visible)
{
  g_return_if_fail (XPZ_IS_EMPLOYER_MATCH_DETAIL (self));
  gtk_widget_set_visible (self->back_button, visible);
}

gint64
xpz_employer_match_detail_get_match_id (XpzEmployerMatchDetail *self)
{
  g_return_val_if_fail (XPZ_IS_EMPLOYER_MATCH_DETAIL (self), 0);
  return self->item != NULL ? xpz_match_item_get_id (self->item) : 0;
}

void
xpz_employer_match_detail_set_account (XpzEmployerMatchDetail *self,
                                       XpzAccount             *account)
{
  g_return_if_fail (XPZ_IS_EMPLOYER_MATCH_DETAIL (self));

  if (g_set_object (&self->account, account))
    xpz_employer_match_detail_show (self, NULL);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (XpzEmployerMatchDetail) self = user_data;
  g_autoptr (GError) error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  reload (self);
}

static void
on_stage_selected (XpzEmployerMatchDetail *self)
{
  guint selected = adw_combo_row_get_selected (self->stage_row);
  const char *stage;

  if (self->filling || self->item == NULL || self->account == NULL ||
      selected >= g_strv_length ((char **) xpz_employer_stages ()))
    return;
  stage = xpz_employer_stages ()[selected];
  if (g_strcmp0 (stage, self->stage) == 0)
    return;
  g_free (self->stage);
  self->stage = g_strdup (stage);
  xpz_employer_set_stage_async (self->account, xpz_match_item_get_id (self->item), stage, NULL,
                                written_cb, g_object_ref (self));
}

static void
on_save_note (XpzEmployerMatchDetail *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  GtkTextIter start, end;
  g_autofree char *note = NULL;

  if (self->item == NULL || self->account == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  note = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (strlen (note) > 5000)
    {
      show_error (self, _("A note is limited to 5000 characters."));
      return;
    }
  xpz_employer_set_pipeline_async (self->account, xpz_match_item_get_id (self->item),
                                   self->stage != NULL ? self->stage : "new", note, NULL,
                                   written_cb, g_object_ref (self));
}

static gboolean
parse_amount (const char *text,
              gboolean   *has,
              gint64     *value)
{
  g_autofree char *digits = g_strdup (text);
  char *end = NULL;

  g_strstrip (digits);
  *has = *digits != '\0';
  if (!*has)
    return TRUE;
  *value = g_ascii_strtoll (digits, &end, 10);
  return end != NULL && *end == '\0' && *value >= 0;
}

static void
on_request_intro (XpzEmployerMatchDetail *self)
{
  const char *message = gtk_editable_get_text (GTK_EDITABLE (self->intro_message_row));
  gboolean has_min = FALSE, has_max = FALSE;
  gint64 min = 0, max = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new (message);
  g_autofree char *currency = NULL;

  if (self->item == NULL || self->account == NULL)
    return;
  if (!parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->salary_min_row)), &has_min, &min) ||
      !parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->salary_max_row)), &has_max, &max))
    {
      show_error (self, _("Enter the salary as a whole number of dirhams."));
      return;
    }
  if ((has_min || has_max) &&
      !xpz_validate_salary (has_min, min, has_max, max, "MAD", "month", &currency, &error))
    {
      show_error (self, error->message);
      return;
    }
  g_strstrip (text->str);
  g_string_set_size (text, strlen (text->str));
  if (has_min && has_max)
    {
      if (text->len > 0)
        g_string_append (text, "\n\n");
      /* TRANSLATORS: appended to an introduction request: "Salary range: 15000–20000 MAD per month" */
      g_string_append_printf (text, _("Salary range: %lld–%lld MAD per month"),
                              (long long) min, (long long) max);
    }
  else if (has_min || has_max)
    {
      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append_printf (text, has_min ? _("Salary from %lld MAD per month")
                                            : _("Salary up to %lld MAD per month"),
                              (long long) (has_min ? min : max));
    }
  if (text->len > 2000)
    {
      show_error (self, _("The message is limited to 2000 characters."));
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->request_button), FALSE);
  xpz_employer_request_intro_async (self->account, xpz_match_item_get_id (self->item),
                                    text->len > 0 ? text->str : NULL, NULL, written_cb,
                                    g_object_ref (self));
}

static void
on_open_linkedin (XpzEmployerMatchDetail *self)
{
  const char *uri = g_object_get_data (G_OBJECT (self->linkedin_button), "uri");

  if (uri != NULL && g_str_has_prefix (uri, "https://"))
    gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), uri, GDK_CURRENT_TIME);
}

static void
xpz_employer_match_detail_dispose (GObject *object)
{
  XpzEmployerMatchDetail *self = XPZ_EMPLOYER_MATCH_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->dynamic_rows != NULL)
    g_ptr_array_set_size (self->dynamic_rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_EMPLOYER_MATCH_DETAIL);
  g_clear_object (&self->item);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (xpz_employer_match_detail_parent_class)->dispose (object);
}

static void
xpz_employer_match_detail_finalize (GObject *object)
{
  XpzEmployerMatchDetail *self = XPZ_EMPLOYER_MATCH_DETAIL (object);

  g_clear_pointer (&self->dynamic_rows, g_ptr_array_unref);
  g_free (self->stage);
  g_free (self->job_remote_id);
  g_free (self->candidate_remote_id);

  G_OBJECT_CLASS (xpz_employer_match_detail_parent_class)->finalize (object);
}

static void
xpz_employer_match_detail_class_init (XpzEmployerMatchDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_employer_match_detail_dispose;
  object_class->finalize = xpz_employer_match_detail_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-employer-match-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, back_button);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, score_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, badge_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, facts_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, explanation_group);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, anonymous_group);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, contact_group);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, name_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, email_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, phone_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, linkedin_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, linkedin_button);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, documents_group);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, stage_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, note_view);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, save_note_button);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, intro_status_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, intro_message_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, salary_min_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, salary_max_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, request_button);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerMatchDetail, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_stage_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_save_note);
  gtk_widget_class_bind_template_callback (widget_class, on_request_intro);
  gtk_widget_class_bind_template_callback (widget_class, on_open_linkedin);
}

static void
xpz_employer_match_detail_init (XpzEmployerMatchDetail *self)
{
  g_autoptr (GtkStringList) stages = gtk_string_list_new (NULL);

  self->dynamic_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The AdwBin's own child: not bound as a template child (see XpzEmployerPage). */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));
  for (guint i = 0; xpz_employer_stages ()[i] != NULL; i++)
    gtk_string_list_append (stages, xpz_employer_stage_label (xpz_employer_stages ()[i]));
  self->filling = TRUE;
  adw_combo_row_set_model (self->stage_row, G_LIST_MODEL (stages));
  self->filling = FALSE;
}
