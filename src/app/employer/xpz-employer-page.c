/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-page"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-employer-data.h"
#include "xpz-employer-job-editor.h"
#include "xpz-employer-match-detail.h"
#include "xpz-employer-match-row.h"
#include "xpz-employer-matches-pane-private.h"
#include "xpz-employer-page.h"
#include "xpz-match-model.h"

/* The recruiter's area: postings (create, edit, close, reopen), the ranked candidates of
 * the selected posting (a virtualised list over XpzMatchModel: no query on this thread,
 * no object per row of the whole list), search and filters, and one candidate's detail.
 * An AdwLeaflet of three panes folds down to one at a time (360 px wide). */
struct _XpzEmployerPage
{
  AdwBin               parent_instance;

  XpzContext          *context;
  XpzAccount          *account;
  XpzMatchModel       *model;
  GtkSingleSelection  *selection;
  GCancellable        *cancellable;
  GPtrArray           *jobs;          /* of XpzEmployerJob */
  gint64               job_id;        /* the selected posting */
  gboolean             opening;       /* no account yet, a recruiter's being opened */
  gboolean             laid_out;
  gboolean             panes_shown;   /* the matches and detail panes (see layout_allocate()) */
  gboolean             disposed;
  guint                jobs_timeout;
  gulong               store_changed_id;

  GtkStack            *stack;
  AdwBin              *none_bin;
  AdwLeaflet          *leaflet;
  GtkWidget           *jobs_pane;
  AdwBin              *matches_pane;  /* holds the XpzEmployerMatchesPane */
  XpzEmployerMatchesPane *pane;       /* made with the panes (see show_panes()), NULL until then */
  GtkWidget           *matches_separator;
  GtkWidget           *detail_separator;
  GtkListBox          *jobs_list;
  GMenuModel          *job_menu;
  GtkStringList       *stages;
  GtkDropDown         *stage_filter;   /* made with the matches pane, NULL until then */
  AdwBin              *detail_bin;
  XpzEmployerMatchDetail *detail;   /* made on the first selection, NULL until then */
  AdwBin              *editor_bin;
  XpzEmployerJobEditor *editor;     /* made when first needed, NULL until then */
  GtkLabel            *error_label;
  GtkRevealer         *verification_revealer;
  GtkLabel            *verification_label;
  gulong               verification_id;
};

G_DEFINE_FINAL_TYPE (XpzEmployerPage, xpz_employer_page, ADW_TYPE_BIN)

static void reload_jobs (XpzEmployerPage *self);
static void show_panes (XpzEmployerPage *self);

/* The status pages are made when first shown: none is in the first frame of an area
 * whose account is being opened. */
static void
ensure_status_page (AdwBin     *bin,
                    const char *icon_name,
                    const char *title,
                    const char *description)
{
  GtkWidget *page;

  if (adw_bin_get_child (bin) != NULL)
    return;
  page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon_name);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  adw_bin_set_child (bin, page);
}

static void
show_error (XpzEmployerPage *self,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void on_editor_done (XpzEmployerPage *self);

/* The candidate's detail, made the first time a candidate is shown: the first frame
 * shows what it shows with nothing selected, at a fraction of the cost. */
static XpzEmployerMatchDetail *
ensure_detail (XpzEmployerPage *self)
{
  if (self->detail == NULL)
    {
      self->detail = g_object_new (XPZ_TYPE_EMPLOYER_MATCH_DETAIL, NULL);
      xpz_employer_match_detail_set_account (self->detail, self->account);
      xpz_employer_match_detail_set_back_visible (self->detail,
                                                  adw_leaflet_get_folded (self->leaflet));
      adw_bin_set_child (self->detail_bin, GTK_WIDGET (self->detail));
    }
  return self->detail;
}

static void
show_detail (XpzEmployerPage *self,
             XpzMatchItem    *item)
{
  /* Nothing to show and nothing shown: the placeholder says so already. */
  if (item == NULL && self->detail == NULL)
    return;
  xpz_employer_match_detail_show (ensure_detail (self), item);
}

static gint64
shown_match_id (XpzEmployerPage *self)
{
  return self->detail != NULL ? xpz_employer_match_detail_get_match_id (self->detail) : 0;
}

/* The posting form, made the first time a posting is created or edited. */
static XpzEmployerJobEditor *
ensure_editor (XpzEmployerPage *self)
{
  if (self->editor == NULL)
    {
      self->editor = g_object_new (XPZ_TYPE_EMPLOYER_JOB_EDITOR, NULL);
      g_signal_connect_object (self->editor, "done", G_CALLBACK (on_editor_done), self,
                               G_CONNECT_SWAPPED);
      adw_bin_set_child (self->editor_bin, GTK_WIDGET (self->editor));
    }
  return self->editor;
}

static XpzEmployerJob *
selected_job (XpzEmployerPage *self)
{
  for (guint i = 0; self->jobs != NULL && i < self->jobs->len; i++)
    {
      XpzEmployerJob *job = g_ptr_array_index (self->jobs, i);

      if (job->id == self->job_id)
        return job;
    }
  return NULL;
}

static void
update_actions (XpzEmployerPage *self)
{
  XpzEmployerJob *job = selected_job (self);
  gboolean open = job != NULL && g_strcmp0 (job->status, "open") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "employer.new-job", self->account != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "employer.edit-job", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "employer.close-job", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "employer.reopen-job", job != NULL && !open);
}

static void
update_count (XpzEmployerPage *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  g_autofree char *text = NULL;

  if (self->pane == NULL)
    return;
  if ((self->model != NULL && xpz_match_model_get_loading (self->model) && n == 0) ||
      (self->account == NULL && self->opening))
    text = g_strdup (_("Loading candidates…"));
  else
    text = g_strdup_printf (ngettext ("%u candidate", "%u candidates", n), n);
  gtk_label_set_text (self->pane->count_label, text);
  if (n == 0 && self->job_id != 0)
    ensure_status_page (self->pane->empty_bin, "system-search-symbolic", _("No Candidates"),
                        _("No one matches this posting and these filters yet. Matching runs "
                          "on the platform as candidates update their profiles."));
  gtk_stack_set_visible_child_name (self->pane->matches_stack, n > 0 || self->job_id == 0 ? "list" : "empty");
}

static void
show_job_header (XpzEmployerPage *self)
{
  XpzEmployerJob *job = selected_job (self);
  g_autofree char *facts = NULL;

  if (self->pane == NULL)
    {
      update_actions (self);
      return;
    }
  if (job == NULL)
    {
      gtk_label_set_text (self->pane->job_title_label, _("No Posting Selected"));
      gtk_label_set_text (self->pane->job_facts_label, "");
      update_actions (self);
      return;
    }
  gtk_label_set_text (self->pane->job_title_label, job->title);
  if (g_strcmp0 (job->status, "closed") == 0)
    facts = g_strdup (_("Closed: not shown to candidates"));
  else if (job->remote_id == NULL)
    facts = g_strdup (_("Being published"));
  else
    facts = g_strdup_printf ("%s%s%s", job->location != NULL ? job->location : "",
                             job->location != NULL ? _(" · ") : "", _("Open"));
  gtk_label_set_text (self->pane->job_facts_label, facts);
  update_actions (self);
}

static void
select_job (XpzEmployerPage *self,
            gint64           job_id)
{
  self->job_id = job_id;
  show_job_header (self);
  show_detail (self, NULL);
  if (self->model != NULL)
    {
      /* the account key can come after the account (read from the keyring) */
      xpz_match_model_set_key (self->model,
                               xpz_session_get_at_rest_key (xpz_account_get_session (self->account)));
      xpz_match_model_set_job_id (self->model, job_id);
    }
  update_count (self);
}

/* --- jobs ---------------------------------------------------------------------------- */

static GtkWidget *
job_row_new (XpzEmployerJob *job)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  g_autofree char *count = g_strdup_printf (ngettext ("%u candidate", "%u candidates", job->n_matches),
                                            job->n_matches);

  if (g_strcmp0 (job->status, "closed") == 0)
    subtitle = g_strdup_printf ("%s%s%s", _("Closed"), _(" · "), count);
  else if (job->remote_id == NULL)
    subtitle = g_strdup (_("Being published"));
  else
    subtitle = g_strdup_printf ("%s%s%s", job->location != NULL ? job->location : _("Open"), _(" · "), count);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), job->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "job-id", GINT_TO_POINTER ((int) job->id));
  return row;
}

static void
jobs_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  XpzEmployerPage *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = xpz_store_run_finish (XPZ_STORE (source), result, &error);
  GtkWidget *child;
  GtkListBoxRow *to_select = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (jobs == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  self->jobs = g_steal_pointer (&jobs);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->jobs_list))) != NULL)
    gtk_list_box_remove (self->jobs_list, child);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      XpzEmployerJob *job = g_ptr_array_index (self->jobs, i);
      GtkWidget *row = job_row_new (job);

      gtk_list_box_append (self->jobs_list, row);
      if (job->id == self->job_id)
        to_select = GTK_LIST_BOX_ROW (row);
    }
  if (to_select != NULL)
    gtk_list_box_select_row (self->jobs_list, to_select);
  else if (self->job_id != 0)
    select_job (self, 0);
  show_job_header (self);
}

static void
reload_jobs (XpzEmployerPage *self)
{
  if (self->account == NULL)
    return;
  xpz_employer_list_jobs_async (self->account, self->cancellable, jobs_read_cb, self);
}

static gboolean
jobs_timeout_cb (gpointer user_data)
{
  XpzEmployerPage *self = user_data;

  self->jobs_timeout = 0;
  reload_jobs (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed (XpzStore        *store,
                  const char      *table,
                  gint64           row_id,
                  XpzStoreChange   change,
                  XpzEmployerPage *self)
{
  /* the account key can come after the account (read from the keyring): a change is a
   * good time to look again (a no-op when it is the same key) */
  if (self->model != NULL && self->account != NULL)
    xpz_match_model_set_key (self->model,
                             xpz_session_get_at_rest_key (xpz_account_get_session (self->account)));

  /* postings and their counts: at most a few times a second during a sync */
  if (!g_str_equal (table, "job") && !(g_str_equal (table, "match") && change != XPZ_STORE_CHANGE_UPDATED))
    return;
  if (self->jobs_timeout == 0)
    self->jobs_timeout = g_timeout_add (g_str_equal (table, "job") ? 50 : 400, jobs_timeout_cb, self);
}

static void
on_job_activated (XpzEmployerPage *self,
                  GtkListBoxRow   *row)
{
  gint64 job_id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "job-id"));

  if (job_id != self->job_id)
    select_job (self, job_id);
  show_panes (self);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->matches_pane));
}

static void
on_job_selected (XpzEmployerPage *self,
                 GtkListBoxRow   *row)
{
  gint64 job_id;

  if (row == NULL)
    return;
  job_id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "job-id"));
  if (job_id != self->job_id)
    select_job (self, job_id);
}

/* --- matches ------------------------------------------------------------------------- */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, xpz_employer_match_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  xpz_employer_match_row_set_item (XPZ_EMPLOYER_MATCH_ROW (gtk_list_item_get_child (list_item)),
                                   gtk_list_item_get_item (list_item));
}

static void
on_selected_item (XpzEmployerPage *self)
{
  XpzMatchItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (item == NULL || xpz_match_item_is_placeholder (item))
    return;
  if (xpz_match_item_get_id (item) != shown_match_id (self))
    show_detail (self, item);
}

static void
on_match_activated (XpzEmployerPage *self,
                    guint            position)
{
  g_autoptr (XpzMatchItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (item == NULL || xpz_match_item_is_placeholder (item))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  show_detail (self, item);
  show_panes (self);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_bin));
}

/* The candidate shown in the detail changed (a sync, a stage move): show it again. */
static void
on_items_changed (XpzEmployerPage *self)
{
  gint64 shown = shown_match_id (self);
  gint64 position;

  update_count (self);
  if (shown == 0 || self->model == NULL)
    return;
  position = xpz_match_model_find (self->model, shown);
  if (position >= 0)
    {
      g_autoptr (XpzMatchItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), (guint) position);

      if (item != NULL && !xpz_match_item_is_placeholder (item))
        xpz_employer_match_detail_update (self->detail, item);
    }
}

static void
on_folded (XpzEmployerPage *self)
{
  if (self->detail != NULL)
    xpz_employer_match_detail_set_back_visible (self->detail, adw_leaflet_get_folded (self->leaflet));
}

static void
on_editor_done (XpzEmployerPage *self)
{
  if (self->account != NULL)
    gtk_stack_set_visible_child_name (self->stack, "main");
}

static void
on_filters_changed (XpzEmployerPage *self)
{
  guint stage = self->stage_filter != NULL ? gtk_drop_down_get_selected (self->stage_filter) : 0;

  if (self->model == NULL || self->pane == NULL)
    return;
  xpz_match_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (self->pane->search_entry)));
  xpz_match_model_set_stage (self->model, stage > 0 && stage != GTK_INVALID_LIST_POSITION
                                          ? xpz_employer_stages ()[stage - 1] : NULL);
  xpz_match_model_set_min_score (self->model, (guint) gtk_spin_button_get_value_as_int (self->pane->min_score_spin));
  xpz_match_model_set_shared_only (self->model, gtk_check_button_get_active (self->pane->shared_only_check));
}

/* --- actions ------------------------------------------------------------------------- */

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (XpzEmployerPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
  else
    show_error (self, NULL);
}

static void
new_job_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (widget);

  if (self->account == NULL)
    return;
  xpz_employer_job_editor_edit (ensure_editor (self), self->account, 0, NULL);
  gtk_stack_set_visible_child_name (self->stack, "editor");
}

static void
edit_job_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (widget);
  XpzEmployerJob *job = selected_job (self);

  if (self->account == NULL || job == NULL)
    return;
  xpz_employer_job_editor_edit (ensure_editor (self), self->account, job->id, job->job);
  gtk_stack_set_visible_child_name (self->stack, "editor");
}

static void
set_open_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (widget);

  if (self->account == NULL || self->job_id == 0)
    return;
  xpz_employer_set_job_open_async (self->account, self->job_id,
                                   g_str_equal (action_name, "employer.reopen-job"), NULL,
                                   written_cb, g_object_ref (self));
}

static void
show_pane_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (widget);

  show_panes (self);
  adw_leaflet_set_visible_child (self->leaflet, g_str_equal (action_name, "employer.show-jobs")
                                                ? self->jobs_pane : GTK_WIDGET (self->matches_pane));
}

/* Alt+Down: the next stage of the pipeline; Alt+Up: the previous one. */
static void
move_stage_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (widget);
  XpzMatchItem *item = self->selection != NULL ? gtk_single_selection_get_selected_item (self->selection) : NULL;
  const char * const *stages = xpz_employer_stages ();
  guint n = g_strv_length ((char **) stages);
  guint i = 0;
  gboolean next = g_str_equal (action_name, "employer.stage-next");

  if (self->account == NULL || item == NULL || xpz_match_item_is_placeholder (item))
    return;
  while (i < n && g_strcmp0 (stages[i], xpz_match_item_get_stage (item)) != 0)
    i++;
  if (i == n)
    i = 0;
  else if (next && i + 1 < n)
    i++;
  else if (!next && i > 0)
    i--;
  else
    {
      gtk_widget_error_bell (widget);
      return;
    }
  xpz_employer_set_stage_async (self->account, xpz_match_item_get_id (item), stages[i], NULL,
                                written_cb, g_object_ref (self));
}

/* --- account ------------------------------------------------------------------------- */

/* No account: while a recruiter's account is being opened (restored from the keyring,
 * its database read), the area's frame, its postings to come; otherwise, what the area
 * is for. */
static void
show_opening (XpzEmployerPage *self)
{
  if (!self->opening)
    {
      if (self->disposed)
        return;
      ensure_status_page (self->none_bin, "xpz-employer-symbolic", _("Your Recruiter Space"),
                          _("Sign in with a recruiter account to post jobs, review ranked "
                            "candidates with the reasons for each score, request introductions "
                            "and track your pipeline."));
      gtk_stack_set_visible_child_name (self->stack, "none");
      update_actions (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "main");
  adw_leaflet_set_visible_child (self->leaflet, self->jobs_pane);
  show_job_header (self);
  update_count (self);
}

/* R5.1: an unverified organisation sees anonymised candidates only, and is told why. */
static void
update_verification (XpzEmployerPage *self)
{
  XpzSession *session = self->account != NULL ? xpz_account_get_session (self->account) : NULL;
  const char *domain;
  g_autofree char *text = NULL;

  if (session == NULL || g_strcmp0 (xpz_session_get_verification (session), "unverified") != 0)
    {
      gtk_revealer_set_reveal_child (self->verification_revealer, FALSE);
      return;
    }
  domain = xpz_session_get_verification_domain (session);
  if (xpz_session_get_verification_free_mail (session))
    /* TRANSLATORS: %s is an email domain, e.g. "gmail.com" */
    text = g_strdup_printf (_("Organisations are verified by their own email domain, and %s is a "
                              "free email service. Until you sign in with your organisation’s "
                              "address and a platform operator verifies it, candidates stay "
                              "anonymous: no names, contact details or CVs, and no introduction "
                              "requests."), domain != NULL ? domain : "");
  else
    /* TRANSLATORS: %s is an email domain, e.g. "atlas-digital.ma" */
    text = g_strdup_printf (_("A platform operator checks that your organisation owns %s before "
                              "any candidate’s identity reaches you. Until then, candidates stay "
                              "anonymous: no names, contact details or CVs, and no introduction "
                              "requests."), domain != NULL ? domain : "");
  gtk_label_set_text (self->verification_label, text);
  gtk_revealer_set_reveal_child (self->verification_revealer, TRUE);
}

static void
account_refreshed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  /* offline or signed out: what was known stays shown; the next sync tries again */
  if (!xpz_session_refresh_account_finish (XPZ_SESSION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The account could not be read again: %s", error->message);
}

static void
set_account (XpzEmployerPage *self,
             XpzAccount      *account)
{
  GBytes *key;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->jobs_timeout, g_source_remove);
  if (self->account != NULL && self->store_changed_id != 0)
    g_clear_signal_handler (&self->store_changed_id, xpz_account_get_store (self->account));
  if (self->account != NULL && self->verification_id != 0)
    g_clear_signal_handler (&self->verification_id, xpz_account_get_session (self->account));
  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->model);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_set_object (&self->account, account);
  self->job_id = 0;
  if (self->detail != NULL)
    xpz_employer_match_detail_set_account (self->detail, account);
  show_error (self, NULL);
  update_verification (self);

  if (account == NULL)
    {
      show_opening (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->model = xpz_match_model_new (xpz_account_get_store (account), XPZ_MATCH_SIDE_EMPLOYER);
  key = xpz_session_get_at_rest_key (xpz_account_get_session (account));
  xpz_match_model_set_key (self->model, key);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));
  self->store_changed_id = g_signal_connect (xpz_account_get_store (account), "changed",
                                             G_CALLBACK (on_store_changed), self);
  self->verification_id = g_signal_connect_swapped (xpz_account_get_session (account), "notify::verification",
                                                    G_CALLBACK (update_verification), self);
  /* An organisation waiting for its verification may have got it since the session
   * read the account (at sign-in or start-up): read it again then, and only then. */
  if (g_strcmp0 (xpz_session_get_verification (xpz_account_get_session (account)), "unverified") == 0)
    xpz_session_refresh_account_async (xpz_account_get_session (account), self->cancellable,
                                       account_refreshed_cb, NULL);
  on_filters_changed (self);
  gtk_stack_set_visible_child_name (self->stack, "main");
  adw_leaflet_set_visible_child (self->leaflet, self->jobs_pane);
  show_job_header (self);
  update_count (self);
  reload_jobs (self);
}

static void
account_changed_cb (XpzEmployerPage *self)
{
  XpzAccount *account = self->context != NULL ? xpz_context_get_account (self->context) : NULL;
  gboolean opening = self->context != NULL &&
                     g_strcmp0 (xpz_context_get_opening_role (self->context), "employer") == 0;

  if (account != NULL &&
      g_strcmp0 (xpz_session_get_role (xpz_account_get_session (account)), "employer") != 0)
    account = NULL;
  if (account == self->account)
    {
      /* (the first time too: what the area is for is made when first shown) */
      if (account == NULL)
        {
          self->opening = opening;
          show_opening (self);
        }
      return;
    }
  self->opening = opening;
  set_account (self, account);
}

/* --- GObject ------------------------------------------------------------------------- */

static void
xpz_employer_page_dispose (GObject *object)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (object);

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  self->opening = FALSE;
  self->disposed = TRUE;
  set_account (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_EMPLOYER_PAGE);
  /* owned by their bins and the filters, gone with the template */
  self->detail = NULL;
  self->editor = NULL;
  self->stage_filter = NULL;
  self->pane = NULL;
  g_clear_object (&self->stages);
  g_clear_object (&self->selection);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (xpz_employer_page_parent_class)->dispose (object);
}

/* The page's layout: its one child, as AdwBin's; but a leaflet starts unfolded, and laid
 * out the first time too narrow for its panes it would slide into its folded layout
 * before the user's eyes (the first frame showing the panes cut off). The first layout
 * folds it at once.
 *
 * The panes beside the postings (the candidates, the detail) start hidden: a leaflet too
 * narrow for them shows the postings alone, which the leaflet shows as well with them
 * hidden, at a third of the cost of the page's first frame. They are shown in the first
 * frame when there is room for them, else in the next one, folded at once. */
static GtkSizeRequestMode
layout_request_mode (GtkWidget *widget)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  return child != NULL ? gtk_widget_get_request_mode (child) : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
layout_measure (GtkWidget      *widget,
                GtkOrientation  orientation,
                int             for_size,
                int            *minimum,
                int            *natural,
                int            *minimum_baseline,
                int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child == NULL || !gtk_widget_should_layout (child))
    return;
  gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
}

static gboolean
restore_unfold_cb (GtkWidget     *widget,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  adw_leaflet_set_can_unfold (XPZ_EMPLOYER_PAGE (widget)->leaflet, TRUE);
  return G_SOURCE_REMOVE;
}

/* What AdwLeaflet decides (the leaflet spans the page's width): folded when its panes'
 * minimum widths do not fit @width. */
static gboolean
panes_fit (XpzEmployerPage *self,
           int              width)
{
  g_autoptr (GtkSelectionModel) pages = adw_leaflet_get_pages (self->leaflet);
  int needed = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr (AdwLeafletPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_leaflet_page_get_child (page);
      GtkRequisition min;

      if (gtk_widget_get_visible (child))
        gtk_widget_get_preferred_size (child, &min, NULL);
      else
        /* a hidden pane: its requested width, what it asks for at the least */
        gtk_widget_get_size_request (child, &min.width, NULL);
      needed += MAX (min.width, 1);
    }
  return width >= needed;
}

/* The posting menu's popover is made the first time it opens. */
static void
create_job_menu (GtkMenuButton *button,
                 gpointer       user_data)
{
  XpzEmployerPage *self = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->job_menu);
}

/* The candidates of the selected posting, made with the panes beside the postings:
 * building it with the page would cost the area's first frame, which shows the postings
 * alone until the next one (see layout_allocate()), about 3 ms. */
static void
make_matches_pane (XpzEmployerPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  XpzEmployerMatchesPane *pane = XPZ_EMPLOYER_MATCHES_PANE (xpz_employer_matches_pane_new ());

  self->pane = pane;
  adw_bin_set_child (self->matches_pane, GTK_WIDGET (pane));
  gtk_menu_button_set_create_popup_func (pane->job_menu_button, create_job_menu, self, NULL);
  g_object_bind_property (self->leaflet, "folded", pane->matches_back_button, "visible",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (pane->matches_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (pane->matches_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (pane->matches_view, "activate", G_CALLBACK (on_match_activated), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (pane->search_entry, "search-changed", G_CALLBACK (on_filters_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pane->min_score_spin, "value-changed", G_CALLBACK (on_filters_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pane->shared_only_check, "toggled", G_CALLBACK (on_filters_changed),
                           self, G_CONNECT_SWAPPED);
  /* the stage filter, after the search */
  self->stage_filter = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->stages)),
                                                         NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stage_filter), _("Stage"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->stage_filter),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Stage Filter"), -1);
  g_signal_connect_object (self->stage_filter, "notify::selected", G_CALLBACK (on_filters_changed),
                           self, G_CONNECT_SWAPPED);
  gtk_flow_box_insert (pane->filters_box, GTK_WIDGET (self->stage_filter), 1);

  show_job_header (self);
  update_count (self);
}

/* Shows the panes beside the postings; laid out already, the leaflet folds at once if
 * they do not fit. */
static void
show_panes (XpzEmployerPage *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (self->panes_shown)
    return;
  self->panes_shown = TRUE;
  make_matches_pane (self);
  if (self->detail == NULL)
    ensure_status_page (self->detail_bin, "avatar-default-symbolic", _("No Candidate Selected"),
                        _("Choose a candidate to see why they match, and to move them through "
                          "your pipeline."));
  gtk_widget_set_visible (self->matches_separator, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->matches_pane), TRUE);
  gtk_widget_set_visible (self->detail_separator, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_bin), TRUE);
  if (self->laid_out && !adw_leaflet_get_folded (self->leaflet) && !panes_fit (self, width))
    {
      adw_leaflet_set_can_unfold (self->leaflet, FALSE);
      gtk_widget_add_tick_callback (GTK_WIDGET (self), restore_unfold_cb, NULL, NULL);
    }
}

static gboolean
show_panes_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  show_panes (XPZ_EMPLOYER_PAGE (widget));
  return G_SOURCE_REMOVE;
}

static void
layout_allocate (GtkWidget *widget,
                 int        width,
                 int        height,
                 int        baseline)
{
  XpzEmployerPage *self = XPZ_EMPLOYER_PAGE (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));
  gboolean fold_now = FALSE;

  if (child == NULL || !gtk_widget_should_layout (child))
    return;
  if (!self->laid_out && gtk_widget_get_mapped (GTK_WIDGET (self->leaflet)))
    {
      if (!self->panes_shown && panes_fit (self, width))
        show_panes (self);
      self->laid_out = TRUE;
      if (self->panes_shown)
        /* Not unfoldable, it folds without a transition. */
        fold_now = !adw_leaflet_get_folded (self->leaflet) && !panes_fit (self, width);
      else
        /* from the next frame on, once this one is out */
        gtk_widget_add_tick_callback (widget, show_panes_cb, NULL, NULL);
    }
  if (fold_now)
    {
      adw_leaflet_set_can_unfold (self->leaflet, FALSE);
      /* unfoldable again from the next frame on, once this one is laid out */
      gtk_widget_add_tick_callback (widget, restore_unfold_cb, NULL, NULL);
    }
  gtk_widget_allocate (child, width, height, baseline, NULL);
}

static void
xpz_employer_page_class_init (XpzEmployerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_employer_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-employer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, none_bin);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, jobs_pane);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, matches_pane);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, matches_separator);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, detail_separator);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, jobs_list);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, job_menu);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, detail_bin);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, editor_bin);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, verification_revealer);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerPage, verification_label);
  gtk_widget_class_bind_template_callback (widget_class, on_job_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_job_selected);

  gtk_widget_class_install_action (widget_class, "employer.new-job", NULL, new_job_action);
  gtk_widget_class_install_action (widget_class, "employer.edit-job", NULL, edit_job_action);
  gtk_widget_class_install_action (widget_class, "employer.close-job", NULL, set_open_action);
  gtk_widget_class_install_action (widget_class, "employer.reopen-job", NULL, set_open_action);
  gtk_widget_class_install_action (widget_class, "employer.show-jobs", NULL, show_pane_action);
  gtk_widget_class_install_action (widget_class, "employer.show-matches", NULL, show_pane_action);
  gtk_widget_class_install_action (widget_class, "employer.stage-next", NULL, move_stage_action);
  gtk_widget_class_install_action (widget_class, "employer.stage-previous", NULL, move_stage_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "employer.stage-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "employer.stage-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "employer.stage-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "employer.stage-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "employer.new-job", NULL);
}

static void
xpz_employer_page_init (XpzEmployerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_layout_manager (GTK_WIDGET (self),
                                 gtk_custom_layout_new (layout_request_mode, layout_measure,
                                                        layout_allocate));
  /* The template's top-level child is the AdwBin's own child: not a template child, or
   * disposing the template would unparent it behind AdwBin's back. */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (on_selected_item), self,
                           G_CONNECT_SWAPPED);

  self->stages = gtk_string_list_new (NULL);
  gtk_string_list_append (self->stages, _("All Stages"));
  for (guint i = 0; xpz_employer_stages ()[i] != NULL; i++)
    gtk_string_list_append (self->stages, xpz_employer_stage_label (xpz_employer_stages ()[i]));

  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (on_folded), self, G_CONNECT_SWAPPED);
  on_folded (self);
  update_actions (self);
}

void
xpz_employer_page_set_context (XpzEmployerPage *self,
                               XpzContext      *context)
{
  g_return_if_fail (XPZ_IS_EMPLOYER_PAGE (self));
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
