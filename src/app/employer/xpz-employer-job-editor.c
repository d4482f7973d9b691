/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-employer-job-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-employer-data.h"
#include "xpz-employer-job-editor.h"

/* A posting: title, description, skills (must-have and nice-to-have), location and
 * remote policy, salary range (MAD by default), contract type, seniority, languages.
 * Checked as the platform checks it before anything is saved. */
struct _XpzEmployerJobEditor
{
  AdwBin         parent_instance;

  XpzAccount    *account;
  gint64         job_id;
  GCancellable  *cancellable;

  AdwWindowTitle *window_title;
  GtkLabel      *error_label;
  AdwEntryRow   *title_row;
  GtkTextView   *description_view;
  AdwEntryRow   *must_skills_row;
  AdwEntryRow   *nice_skills_row;
  AdwEntryRow   *city_row;
  AdwEntryRow   *country_row;
  AdwComboRow   *work_mode_row;
  AdwEntryRow   *salary_min_row;
  AdwEntryRow   *salary_max_row;
  AdwEntryRow   *currency_row;
  AdwComboRow   *period_row;
  AdwComboRow   *contract_row;
  AdwComboRow   *seniority_row;
  AdwEntryRow   *languages_row;
  GtkButton     *save_button;
};

G_DEFINE_FINAL_TYPE (XpzEmployerJobEditor, xpz_employer_job_editor, ADW_TYPE_BIN)

enum {
  SIGNAL_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const work_modes[] = { "onsite", "hybrid", "remote", NULL };
static const char * const periods[] = { "month", "year", NULL };
static const char * const contracts[] = { "CDI", "CDD", "Freelance", "Internship", NULL };
static const char * const seniorities[] = { "junior", "mid", "senior", "lead", NULL };

static guint
index_of (const char * const *values,
          const char         *value,
          guint               fallback)
{
  for (guint i = 0; value != NULL && values[i] != NULL; i++)
    if (g_str_equal (values[i], value))
      return i;
  return fallback;
}

static void
set_combo (AdwComboRow        *row,
           const char * const *labels)
{
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; labels[i] != NULL; i++)
    gtk_string_list_append (list, labels[i]);
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
}

static void
show_error (XpzEmployerJobEditor *self,
            const char           *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static char *
join_skills (JsonArray *skills,
             gboolean   must_have)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; skills != NULL && i < json_array_get_length (skills); i++)
    {
      JsonObject *skill = json_array_get_object_element (skills, i);

      if (json_object_get_boolean_member_with_default (skill, "must_have", FALSE) != must_have)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, json_object_get_string_member_with_default (skill, "name", ""));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
fill (XpzEmployerJobEditor *self,
      JsonObject           *job)
{
  JsonArray *skills = json_object_has_member (job, "skills") ? json_object_get_array_member (job, "skills") : NULL;
  JsonObject *location = json_object_has_member (job, "location") ? json_object_get_object_member (job, "location") : NULL;
  JsonObject *salary = json_object_has_member (job, "salary") ? json_object_get_object_member (job, "salary") : NULL;
  JsonArray *languages = json_object_has_member (job, "languages") ? json_object_get_array_member (job, "languages") : NULL;
  g_autofree char *must = join_skills (skills, TRUE);
  g_autofree char *nice = join_skills (skills, FALSE);
  g_autoptr (GString) langs = g_string_new (NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), json_object_get_string_member_with_default (job, "title", ""));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                            json_object_get_string_member_with_default (job, "description", ""), -1);
  gtk_editable_set_text (GTK_EDITABLE (self->must_skills_row), must);
  gtk_editable_set_text (GTK_EDITABLE (self->nice_skills_row), nice);
  if (location != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->city_row), json_object_get_string_member_with_default (location, "city", ""));
      gtk_editable_set_text (GTK_EDITABLE (self->country_row), json_object_get_string_member_with_default (location, "countryCode", "MA"));
    }
  adw_combo_row_set_selected (self->work_mode_row,
                              index_of (work_modes, json_object_get_string_member_with_default (job, "work_mode", NULL), 1));
  if (salary != NULL)
    {
      g_autofree char *min = json_object_has_member (salary, "min")
                             ? g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (salary, "min")) : g_strdup ("");
      g_autofree char *max = json_object_has_member (salary, "max")
                             ? g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (salary, "max")) : g_strdup ("");

      gtk_editable_set_text (GTK_EDITABLE (self->salary_min_row), min);
      gtk_editable_set_text (GTK_EDITABLE (self->salary_max_row), max);
      gtk_editable_set_text (GTK_EDITABLE (self->currency_row), json_object_get_string_member_with_default (salary, "currency", "MAD"));
      adw_combo_row_set_selected (self->period_row,
                                  index_of (periods, json_object_get_string_member_with_default (salary, "period", NULL), 0));
    }
  adw_combo_row_set_selected (self->contract_row,
                              index_of (contracts, json_object_get_string_member_with_default (job, "contract_type", NULL), 0));
  adw_combo_row_set_selected (self->seniority_row,
                              index_of (seniorities, json_object_get_string_member_with_default (job, "seniority", NULL), 1));
  for (guint i = 0; languages != NULL && i < json_array_get_length (languages); i++)
    {
      if (langs->len > 0)
        g_string_append (langs, ", ");
      g_string_append (langs, json_array_get_string_element (languages, i));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->languages_row), langs->str);
}

static void
add_skills (JsonArray  *skills,
            const char *text,
            gboolean    must_have)
{
  g_auto (GStrv) names = g_strsplit_set (text, ",;", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonObject *skill;

      g_strstrip (names[i]);
      if (*names[i] == '\0')
        continue;
      skill = json_object_new ();
      json_object_set_string_member (skill, "name", names[i]);
      json_object_set_boolean_member (skill, "must_have", must_have);
      json_array_add_object_element (skills, skill);
    }
}

static gboolean
read_amount (AdwEntryRow  *row,
             JsonObject   *salary,
             const char   *member,
             GError      **error)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  char *end = NULL;
  gint64 value;

  if (*text == '\0')
    return TRUE;
  value = g_ascii_strtoll (text, &end, 10);
  if (end == NULL || *end != '\0' || value < 0)
    {
      g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_INVALID,
                           _("Enter the salary as a whole number."));
      return FALSE;
    }
  json_object_set_int_member (salary, member, value);
  return TRUE;
}

static JsonObject *
collect (XpzEmployerJobEditor  *self,
         GError               **error)
{
  g_autoptr (JsonObject) job = json_object_new ();
  JsonArray *skills = json_array_new ();
  JsonObject *location = json_object_new ();
  JsonObject *salary = json_object_new ();
  JsonArray *languages = json_array_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;
  g_autofree char *description = NULL;
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  g_autofree char *city = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->city_row))));
  g_autofree char *country = g_strstrip (g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (self->country_row)), -1));
  g_autofree char *currency = g_strstrip (g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (self->currency_row)), -1));
  g_auto (GStrv) langs = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (self->languages_row)), ",;", -1);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  description = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  json_object_set_string_member (job, "title", title);
  json_object_set_string_member (job, "description", description);
  add_skills (skills, gtk_editable_get_text (GTK_EDITABLE (self->must_skills_row)), TRUE);
  add_skills (skills, gtk_editable_get_text (GTK_EDITABLE (self->nice_skills_row)), FALSE);
  json_object_set_array_member (job, "skills", skills);
  if (*city != '\0')
    {
      json_object_set_string_member (location, "city", city);
      json_object_set_string_member (location, "countryCode", *country != '\0' ? country : "MA");
      json_object_set_object_member (job, "location", location);
    }
  else
    json_object_unref (location);
  json_object_set_string_member (job, "work_mode", work_modes[adw_combo_row_get_selected (self->work_mode_row)]);
  if (!read_amount (self->salary_min_row, salary, "min", error) ||
      !read_amount (self->salary_max_row, salary, "max", error))
    {
      json_object_unref (salary);
      json_array_unref (languages);
      return NULL;
    }
  if (json_object_get_size (salary) > 0)
    {
      json_object_set_string_member (salary, "currency", *currency != '\0' ? currency : "MAD");
      json_object_set_string_member (salary, "period", periods[adw_combo_row_get_selected (self->period_row)]);
      json_object_set_object_member (job, "salary", salary);
    }
  else
    json_object_unref (salary);
  json_object_set_string_member (job, "contract_type", contracts[adw_combo_row_get_selected (self->contract_row)]);
  json_object_set_string_member (job, "seniority", seniorities[adw_combo_row_get_selected (self->seniority_row)]);
  for (guint i = 0; langs[i] != NULL; i++)
    {
      g_strstrip (langs[i]);
      if (*langs[i] != '\0')
        json_array_add_string_element (languages, langs[i]);
    }
  json_object_set_array_member (job, "languages", languages);
  if (*country != '\0' && (strlen (country) != 2 || !g_ascii_isalpha (country[0]) || !g_ascii_isalpha (country[1])))
    {
      g_set_error_literal (error, XPZ_EMPLOYER_ERROR, XPZ_EMPLOYER_ERROR_INVALID,
                           _("The country is a two-letter code, such as MA."));
      return NULL;
    }
  if (!xpz_employer_validate_job (job, error))
    return NULL;
  return g_steal_pointer (&job);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (XpzEmployerJobEditor) self = user_data;
  g_autoptr (GError) error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_DONE], 0);
}

static void
on_save (XpzEmployerJobEditor *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) job = collect (self, &error);

  if (job == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  xpz_employer_save_job_async (self->account, self->job_id, job, self->cancellable, saved_cb,
                               g_object_ref (self));
}

static void
on_cancel (XpzEmployerJobEditor *self)
{
  g_cancellable_cancel (self->cancellable);
  g_signal_emit (self, signals[SIGNAL_DONE], 0);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  on_cancel (XPZ_EMPLOYER_JOB_EDITOR (widget));
}

static void
xpz_employer_job_editor_dispose (GObject *object)
{
  XpzEmployerJobEditor *self = XPZ_EMPLOYER_JOB_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_EMPLOYER_JOB_EDITOR);

  G_OBJECT_CLASS (xpz_employer_job_editor_parent_class)->dispose (object);
}

static void
xpz_employer_job_editor_class_init (XpzEmployerJobEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_employer_job_editor_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-employer-job-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, must_skills_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, nice_skills_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, city_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, country_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, work_mode_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, salary_min_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, salary_max_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, currency_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, period_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, contract_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, seniority_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, languages_row);
  gtk_widget_class_bind_template_child (widget_class, XpzEmployerJobEditor, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_save);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);

  /**
   * XpzEmployerJobEditor::done:
   *
   * The posting was saved, or the edit cancelled.
   */
  signals[SIGNAL_DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
xpz_employer_job_editor_init (XpzEmployerJobEditor *self)
{
  const char * const work_mode_labels[] = { _("On Site"), _("Hybrid"), _("Remote"), NULL };
  const char * const period_labels[] = { _("Per Month"), _("Per Year"), NULL };
  const char * const contract_labels[] = { _("Permanent (CDI)"), _("Fixed Term (CDD)"), _("Freelance"),
                                           _("Internship"), NULL };
  const char * const seniority_labels[] = { C_("seniority", "Junior"), C_("seniority", "Mid-level"),
                                            C_("seniority", "Senior"), C_("seniority", "Lead"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  set_combo (self->work_mode_row, work_mode_labels);
  set_combo (self->period_row, period_labels);
  set_combo (self->contract_row, contract_labels);
  set_combo (self->seniority_row, seniority_labels);
  adw_combo_row_set_selected (self->work_mode_row, 1);
  adw_combo_row_set_selected (self->seniority_row, 1);
}

void
xpz_employer_job_editor_edit (XpzEmployerJobEditor *self,
                              XpzAccount           *account,
                              gint64                job_id,
                              JsonObject           *job)
{
  g_autoptr (JsonObject) empty = json_object_new ();

  g_return_if_fail (XPZ_IS_EMPLOYER_JOB_EDITOR (self));
  g_return_if_fail (XPZ_IS_ACCOUNT (account));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->account, account);
  self->job_id = job_id;
  gtk_editable_set_text (GTK_EDITABLE (self->country_row), "MA");
  gtk_editable_set_text (GTK_EDITABLE (self->currency_row), "MAD");
  gtk_editable_set_text (GTK_EDITABLE (self->salary_min_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->salary_max_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->city_row), "");
  adw_combo_row_set_selected (self->period_row, 0);
  fill (self, job != NULL ? job : empty);
  show_error (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  adw_window_title_set_title (self->window_title, job_id > 0 ? _("Edit Posting") : _("New Posting"));
  gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}
