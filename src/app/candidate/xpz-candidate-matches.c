/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-matches"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-matches.h"
#include "xpz-explain.h"
#include "xpz-json-strict.h"
#include "xpz-match-model.h"

/* Explained matches (R3.1, B2): the candidate's matches ranked (XpzMatchModel over the
 * local store, so search and filters stay instant on many jobs), each with its score
 * and reasons in words (xpz-explain); "Not interested" and "This match is wrong" (an
 * objection with a reason) go to the platform through the outbox. */

#define FILTER_DELAY_MS 150

static const char * const mode_values[] = { NULL, "remote", "hybrid", "onsite" };
static const char * const contract_values[] = { NULL, "CDI", "CDD", "Freelance", "Internship" };

struct _XpzCandidateMatches
{
  AdwBin parent_instance;

  XpzAccount     *account;
  XpzMatchModel  *model;
  guint           filter_source;

  GtkSearchEntry *search_entry;
  AdwEntryRow    *location_row;
  AdwComboRow    *mode_row;
  AdwComboRow    *contract_row;
  AdwEntryRow    *salary_row;
  GtkLabel       *count_label;
  GtkStack       *stack;
  GtkListView    *list_view;
};

G_DEFINE_FINAL_TYPE (XpzCandidateMatches, xpz_candidate_matches, ADW_TYPE_BIN)

static JsonObject *
parse_explanation (const char *text)
{
  g_autoptr (JsonNode) root = xpz_json_parse_strict (text, -1, XPZ_JSON_STRICT_DEFAULT_DEPTH, NULL);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static JsonArray *
factors_of (JsonObject *explanation)
{
  JsonNode *n = explanation != NULL ? json_object_get_member (explanation, "factors") : NULL;

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static char *
terms_text (const XpzMatchItemFields *f)
{
  g_autoptr (GString) s = g_string_new (NULL);
  const char *sep = _(" · ");

  if (f->subtitle != NULL && *f->subtitle != '\0')
    g_string_append (s, f->subtitle);
  if (f->location != NULL && *f->location != '\0')
    g_string_append_printf (s, "%s%s", s->len ? sep : "", f->location);
  if (g_strcmp0 (f->work_mode, "remote") == 0)
    g_string_append_printf (s, "%s%s", s->len ? sep : "", _("Remote"));
  else if (g_strcmp0 (f->work_mode, "hybrid") == 0)
    g_string_append_printf (s, "%s%s", s->len ? sep : "", _("Hybrid"));
  else if (g_strcmp0 (f->work_mode, "onsite") == 0)
    g_string_append_printf (s, "%s%s", s->len ? sep : "", _("On-site"));
  if (f->contract_type != NULL && *f->contract_type != '\0')
    g_string_append_printf (s, "%s%s", s->len ? sep : "", f->contract_type);
  if (f->salary_min >= 0 || f->salary_max >= 0)
    {
      g_autofree char *amount = f->salary_min >= 0 && f->salary_max >= 0
        ? g_strdup_printf ("%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT, f->salary_min, f->salary_max)
        : g_strdup_printf ("%" G_GINT64_FORMAT, f->salary_min >= 0 ? f->salary_min : f->salary_max);

      g_string_append_printf (s, "%s%s %s", s->len ? sep : "", amount,
                              f->salary_currency != NULL ? f->salary_currency : "");
      if (g_strcmp0 (f->salary_period, "year") == 0)
        g_string_append_printf (s, " %s", _("a year"));
      else
        g_string_append_printf (s, " %s", _("a month"));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* --- rows --------------------------------------------------------------------------- */

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *terms = gtk_label_new (NULL);
  GtkWidget *score = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  for (GtkWidget *l = title; l != NULL; l = l == title ? terms : l == terms ? score : NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_label_set_wrap (GTK_LABEL (l), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (l), PANGO_WRAP_WORD_CHAR);
      gtk_box_append (GTK_BOX (box), l);
    }
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (terms, "dim-label");
  gtk_list_item_set_child (item, box);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  XpzMatchItem *match = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *terms = gtk_widget_get_next_sibling (title);
  GtkWidget *score = gtk_widget_get_next_sibling (terms);
  const XpzMatchItemFields *f;
  g_autoptr (JsonObject) explanation = NULL;
  g_autofree char *score_text = NULL, *summary = NULL, *line = NULL, *terms_line = NULL;
  g_autofree char *accessible = NULL;
  JsonArray *factors;

  if (xpz_match_item_is_placeholder (match))
    {
      gtk_label_set_label (GTK_LABEL (title), _("Loading…"));
      gtk_label_set_label (GTK_LABEL (terms), "");
      gtk_label_set_label (GTK_LABEL (score), "");
      return;
    }
  f = xpz_match_item_get_fields (match);
  explanation = parse_explanation (f->explanation);
  factors = factors_of (explanation);
  score_text = xpz_explain_score ((int) f->points);
  summary = factors != NULL ? xpz_explain_summary (factors) : g_strdup ("");
  line = *summary != '\0' ? g_strdup_printf ("%s — %s", score_text, summary) : g_strdup (score_text);
  terms_line = terms_text (f);
  gtk_label_set_label (GTK_LABEL (title), f->title != NULL ? f->title : "");
  gtk_label_set_label (GTK_LABEL (terms), terms_line);
  gtk_label_set_label (GTK_LABEL (score), line);
  accessible = g_strdup_printf ("%s, %s", f->title != NULL ? f->title : "", score_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, line, -1);
}

/* --- answers ------------------------------------------------------------------------ */

typedef struct
{
  GBytes *key;
  gint64  match_id;
  char   *path;
  char   *body;
  gboolean hide;
} Feedback;

static void
feedback_free (Feedback *fb)
{
  g_clear_pointer (&fb->key, g_bytes_unref);
  g_free (fb->path);
  g_free (fb->body);
  g_free (fb);
}

/* Queues the answer and, for "not interested", takes the job off the local list, in
 * one transaction. */
static gpointer
feedback_func (XpzStore      *store,
               sqlite3       *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Feedback *fb = data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id = xpz_outbox_add (db, fb->key, "POST", fb->path, fb->body, NULL, NULL, now, error);

  if (id <= 0)
    return NULL;
  if (fb->hide)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, "DELETE FROM match WHERE id = ?1", -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, fb->match_id);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          xpz_store_set_sqlite_error (db, rc, error);
          return NULL;
        }
      xpz_store_record_change (store, "match", 0, XPZ_STORE_CHANGE_RESET);
    }
  xpz_store_record_change (store, "outbox", id, XPZ_STORE_CHANGE_INSERTED);
  return GINT_TO_POINTER (TRUE);
}

static void
show_message (XpzCandidateMatches *self,
              const char          *heading,
              const char          *body)
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
feedback_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (XpzCandidateMatches) self = user_data;
  g_autoptr (GError) error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, _("Your Answer Was Not Saved"), error->message);
}

static void
send_feedback (XpzCandidateMatches *self,
               gint64               match_id,
               const char          *job_remote_id,
               const char          *what,
               const char          *body,
               gboolean             hide)
{
  Feedback *fb;

  if (self->account == NULL || job_remote_id == NULL)
    return;
  fb = g_new0 (Feedback, 1);
  fb->key = g_bytes_ref (xpz_session_get_at_rest_key (xpz_account_get_session (self->account)));
  fb->match_id = match_id;
  fb->path = g_strdup_printf ("/api/v1/me/matches/%s/%s", job_remote_id, what);
  fb->body = g_strdup (body);
  fb->hide = hide;
  xpz_store_run_async (xpz_account_get_store (self->account), TRUE, feedback_func, fb,
                       (GDestroyNotify) feedback_free, NULL, NULL, feedback_done_cb, g_object_ref (self));
}

static void
reason_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "send", *text != '\0');
}

static void
objection_response_cb (AdwMessageDialog    *dialog,
                       const char          *response,
                       XpzCandidateMatches *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *text = NULL;

  if (!g_str_equal (response, "send") || *reason == '\0')
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = xpz_json_to_string (body, FALSE, NULL);
  send_feedback (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "match-id")),
                 g_object_get_data (G_OBJECT (dialog), "job"), "objection", text, FALSE);
  show_message (self, _("Your Objection Is Recorded"),
                _("It goes to the platform, which keeps it with your ledger for a person to review. The score itself was made by an automated rule; you may ask for it to be looked at again."));
}

static void
ask_objection (XpzCandidateMatches *self,
               gint64               match_id,
               const char          *job_remote_id,
               const char          *title)
{
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = g_strdup_printf (_("Why Is the Match With “%s” Wrong?"), title);
  GtkWidget *dialog, *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (window), heading,
                                   _("Say what the automated score got wrong, for instance a skill you have that it missed, or a place or salary it misread. A person at the platform reviews it."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Your reason"));
  gtk_entry_set_max_length (GTK_ENTRY (entry), 2000);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "send", _("_Send the Objection"), NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send", FALSE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "match-id", GSIZE_TO_POINTER ((gsize) match_id));
  g_object_set_data_full (G_OBJECT (dialog), "job", g_strdup (job_remote_id), g_free);
  g_signal_connect_object (entry, "changed", G_CALLBACK (reason_changed_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (objection_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
details_response_cb (AdwMessageDialog    *dialog,
                     const char          *response,
                     XpzCandidateMatches *self)
{
  gint64 match_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "match-id"));
  const char *job = g_object_get_data (G_OBJECT (dialog), "job");
  const char *title = g_object_get_data (G_OBJECT (dialog), "title");

  if (g_str_equal (response, "not-interested"))
    send_feedback (self, match_id, job, "not-interested", "{}", TRUE);
  else if (g_str_equal (response, "wrong"))
    ask_objection (self, match_id, job, title);
}

static void
activate_cb (XpzCandidateMatches *self,
             guint                position)
{
  g_autoptr (XpzMatchItem) match = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  const XpzMatchItemFields *f;
  g_autoptr (JsonObject) explanation = NULL;
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char *score = NULL, *terms = NULL, *job_id = NULL;
  JsonArray *factors;
  JsonNode *job;
  GtkWidget *dialog;

  if (match == NULL || xpz_match_item_is_placeholder (match) || !GTK_IS_WINDOW (window))
    return;
  f = xpz_match_item_get_fields (match);
  explanation = parse_explanation (f->explanation);
  factors = factors_of (explanation);
  job = explanation != NULL ? json_object_get_member (explanation, "job") : NULL;
  if (job != NULL && JSON_NODE_HOLDS_OBJECT (job))
    job_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                              json_object_get_int_member_with_default (json_node_get_object (job), "id", 0));

  score = xpz_explain_score ((int) f->points);
  terms = terms_text (f);
  for (guint i = 0; factors != NULL && i < json_array_get_length (factors); i++)
    {
      JsonObject *factor = json_array_get_object_element (factors, i);
      g_autofree char *name = NULL, *sentence = NULL;

      if (factor == NULL)
        continue;
      name = xpz_explain_factor_name (json_object_get_string_member_with_default (factor, "name", ""));
      sentence = xpz_explain_factor (factor);
      g_string_append_printf (body, "%s• %s (%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "): %s",
                              body->len > 0 ? "\n" : "", name,
                              json_object_get_int_member_with_default (factor, "score", 0),
                              json_object_get_int_member_with_default (factor, "weight", 0), sentence);
    }
  {
    g_autofree char *heading_body = g_strdup_printf ("%s\n%s", terms, score);
    GtkWidget *factors_label = gtk_label_new (body->str);

    dialog = adw_message_dialog_new (GTK_WINDOW (window), f->title, heading_body);
    gtk_label_set_wrap (GTK_LABEL (factors_label), TRUE);
    gtk_label_set_xalign (GTK_LABEL (factors_label), 0);
    gtk_accessible_update_property (GTK_ACCESSIBLE (factors_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Why This Score"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, body->str, -1);
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), factors_label);
  }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"),
                                    "not-interested", _("_Not Interested"),
                                    "wrong", _("This Match Is _Wrong…"), NULL);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "not-interested", job_id != NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "wrong", job_id != NULL);
  g_object_set_data (G_OBJECT (dialog), "match-id", GSIZE_TO_POINTER ((gsize) f->id));
  g_object_set_data_full (G_OBJECT (dialog), "job", g_steal_pointer (&job_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "title", g_strdup (f->title), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (details_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- filters ------------------------------------------------------------------------ */

static void
update_count (XpzCandidateMatches *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  guint all = self->model != NULL ? xpz_match_model_get_n_unfiltered (self->model) : 0;
  g_autofree char *text = NULL;

  if (n == all)
    text = g_strdup_printf (ngettext ("%u matching job, best first", "%u matching jobs, best first", n), n);
  else
    text = g_strdup_printf (ngettext ("%u of %u matching jobs shown", "%u of %u matching jobs shown", all), n, all);
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static gboolean
apply_filters (gpointer user_data)
{
  XpzCandidateMatches *self = user_data;
  g_autofree char *search = NULL, *location = NULL;
  const char *salary;
  gint64 min_salary = 0;
  guint mode, contract;

  self->filter_source = 0;
  if (self->model == NULL)
    return G_SOURCE_REMOVE;
  search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  location = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->location_row))));
  salary = gtk_editable_get_text (GTK_EDITABLE (self->salary_row));
  mode = adw_combo_row_get_selected (self->mode_row);
  contract = adw_combo_row_get_selected (self->contract_row);

  if (*salary != '\0' && !g_ascii_string_to_signed (salary, 10, 0, G_MAXINT32, &min_salary, NULL))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->salary_row), "error");
      min_salary = 0;
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->salary_row), "error");

  xpz_match_model_set_search (self->model, *search != '\0' ? search : NULL);
  xpz_match_model_set_location (self->model, *location != '\0' ? location : NULL);
  xpz_match_model_set_work_mode (self->model, mode < G_N_ELEMENTS (mode_values) ? mode_values[mode] : NULL);
  xpz_match_model_set_contract_type (self->model,
                                     contract < G_N_ELEMENTS (contract_values) ? contract_values[contract] : NULL);
  xpz_match_model_set_min_salary (self->model, min_salary);
  return G_SOURCE_REMOVE;
}

static void
filters_changed_cb (XpzCandidateMatches *self)
{
  g_clear_handle_id (&self->filter_source, g_source_remove);
  self->filter_source = g_timeout_add (FILTER_DELAY_MS, apply_filters, self);
}

/* --- the object --------------------------------------------------------------------- */

static void
xpz_candidate_matches_dispose (GObject *object)
{
  XpzCandidateMatches *self = XPZ_CANDIDATE_MATCHES (object);

  g_clear_handle_id (&self->filter_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_MATCHES);
  g_clear_object (&self->model);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (xpz_candidate_matches_parent_class)->dispose (object);
}

static void
xpz_candidate_matches_class_init (XpzCandidateMatchesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_matches_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-matches.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, search_entry);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, location_row);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, mode_row);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, contract_row);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, salary_row);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, count_label);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, stack);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateMatches, list_view);
  gtk_widget_class_bind_template_callback (widget_class, filters_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
}

static void
xpz_candidate_matches_init (XpzCandidateMatches *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  update_count (self);
}

void
xpz_candidate_matches_set_account (XpzCandidateMatches *self,
                                   XpzAccount          *account)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_MATCHES (self));

  if (self->account == account)
    return;
  g_set_object (&self->account, account);
  gtk_list_view_set_model (self->list_view, NULL);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  if (account != NULL)
    {
      g_autoptr (GtkNoSelection) selection = NULL;

      self->model = xpz_match_model_new (xpz_account_get_store (account), XPZ_MATCH_SIDE_CANDIDATE);
      xpz_match_model_set_key (self->model,
                               xpz_session_get_at_rest_key (xpz_account_get_session (account)));
      g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_count), self,
                               G_CONNECT_SWAPPED);
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
      apply_filters (self);
    }
  update_count (self);
}
