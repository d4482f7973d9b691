/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-profile"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-profile.h"
#include "xpz-profile.h"
#include "xpz-validate.h"

/* The profile editor (R2.1, R2.2): every field of the platform's Profile. An edit is
 * checked as it is typed (a specific message under the group's title), kept in the
 * working copy only when valid, and saved shortly after — locally and queued for the
 * platform in one transaction (xpz_profile_save_async). */

#define SAVE_DELAY_MS 400

typedef enum
{
  FIELD_TEXT,
  FIELD_DATE,
  FIELD_CSV,
} FieldKind;

typedef struct
{
  const char *key;
  const char *label;
  FieldKind   kind;
} FieldSpec;

typedef struct
{
  const char      *member;
  const char      *title_key;
  const char      *subtitle_key;
  const char      *add_label;
  const char      *untitled;
  const FieldSpec *fields;
} ListSpec;

static const FieldSpec work_fields[] = {
  { "position", N_("Position"), FIELD_TEXT },
  { "name", N_("Organisation"), FIELD_TEXT },
  { "startDate", N_("Start Date (YYYY-MM)"), FIELD_DATE },
  { "endDate", N_("End Date (YYYY-MM, Empty if Current)"), FIELD_DATE },
  { "summary", N_("What You Did"), FIELD_TEXT },
  { NULL, NULL, 0 },
};
static const FieldSpec education_fields[] = {
  { "institution", N_("Institution"), FIELD_TEXT },
  { "studyType", N_("Degree"), FIELD_TEXT },
  { "area", N_("Field of Study"), FIELD_TEXT },
  { "startDate", N_("Start Date (YYYY-MM)"), FIELD_DATE },
  { "endDate", N_("End Date (YYYY-MM)"), FIELD_DATE },
  { NULL, NULL, 0 },
};
static const FieldSpec skill_fields[] = {
  { "name", N_("Skill"), FIELD_TEXT },
  { "level", N_("Level"), FIELD_TEXT },
  { "keywords", N_("Keywords, Separated by Commas"), FIELD_CSV },
  { NULL, NULL, 0 },
};
static const FieldSpec language_fields[] = {
  { "language", N_("Language"), FIELD_TEXT },
  { "fluency", N_("Fluency"), FIELD_TEXT },
  { NULL, NULL, 0 },
};

enum { LIST_WORK, LIST_EDUCATION, LIST_SKILLS, LIST_LANGUAGES, N_LISTS };

static const ListSpec lists[N_LISTS] = {
  { "work", "position", "name", N_("Add Experience"), N_("New position"), work_fields },
  { "education", "institution", "studyType", N_("Add Education"), N_("New education"), education_fields },
  { "skills", "name", "level", N_("Add Skill"), N_("New skill"), skill_fields },
  { "languages", "language", "fluency", N_("Add Language"), N_("New language"), language_fields },
};

static const struct { const char *value; const char *label; } contract_types[] = {
  { "CDI", N_("Permanent (CDI)") },
  { "CDD", N_("Fixed-Term (CDD)") },
  { "Freelance", N_("Freelance") },
  { "Internship", N_("Internship") },
};

static const struct { const char *value; const char *label; } work_modes[] = {
  { "remote", N_("Remote") },
  { "hybrid", N_("Hybrid") },
  { "onsite", N_("On-Site") },
};

struct _XpzCandidateProfile
{
  AdwBin parent_instance;

  XpzAccount          *account;
  GCancellable        *cancellable;
  JsonNode            *profile;        /* the working copy, always valid */
  gboolean             filling;
  guint                save_source;
  guint                fetch_source;
  guint                saving;
  GHashTable          *errors;         /* row → message */

  AdwPreferencesGroup *hints_group;
  AdwPreferencesGroup *contact_group;
  AdwPreferencesGroup *role_group;
  AdwPreferencesGroup *salary_group;
  AdwPreferencesGroup *locations_group;
  AdwEntryRow         *name_row;
  AdwEntryRow         *label_row;
  AdwEntryRow         *email_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *city_row;
  AdwEntryRow         *region_row;
  AdwEntryRow         *country_row;
  AdwEntryRow         *linkedin_row;
  AdwEntryRow         *summary_row;
  AdwEntryRow         *roles_row;
  AdwExpanderRow      *contract_row;
  AdwExpanderRow      *modes_row;
  GtkCheckButton      *contract_checks[G_N_ELEMENTS (contract_types)];
  GtkCheckButton      *mode_checks[G_N_ELEMENTS (work_modes)];
  AdwEntryRow         *salary_min_row;
  AdwEntryRow         *salary_max_row;
  AdwComboRow         *currency_row;
  AdwComboRow         *period_row;
  AdwEntryRow         *locations_row;
  GtkSwitch           *relocate_switch;
  AdwPreferencesGroup *list_groups[N_LISTS];
  GPtrArray           *list_rows[N_LISTS];
  GPtrArray           *hint_rows;
};

G_DEFINE_FINAL_TYPE (XpzCandidateProfile, xpz_candidate_profile, ADW_TYPE_BIN)

static void rebuild_list (XpzCandidateProfile *self, guint list);

/* --- the working copy --------------------------------------------------------------- */

static JsonObject *
root (XpzCandidateProfile *self)
{
  return json_node_get_object (self->profile);
}

static JsonObject *
basics (XpzCandidateProfile *self)
{
  return xpz_profile_ensure_object (root (self), "basics");
}

static JsonObject *
preferences (XpzCandidateProfile *self)
{
  return xpz_profile_ensure_object (root (self), "preferences");
}

static void
set_or_remove (JsonObject *o,
               const char *member,
               const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (o, member, value);
  else if (json_object_has_member (o, member))
    json_object_remove_member (o, member);
}

static const char *
get_string (JsonObject *o,
            const char *member)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, member) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : "";
}

static char *
join_array (JsonArray *a)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        continue;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, json_node_get_string (e));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static JsonArray *
split_csv (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  JsonArray *a = json_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);

      if (*item != '\0')
        json_array_add_string_element (a, item);
    }
  return a;
}

static gboolean
array_contains (JsonArray  *a,
                const char *value)
{
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING &&
          g_ascii_strcasecmp (json_node_get_string (e), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static JsonObject *
linkedin_profile (XpzCandidateProfile *self)
{
  JsonArray *profiles = xpz_profile_ensure_array (basics (self), "profiles");

  for (guint i = 0; i < json_array_get_length (profiles); i++)
    {
      JsonNode *e = json_array_get_element (profiles, i);

      if (JSON_NODE_HOLDS_OBJECT (e) &&
          g_ascii_strcasecmp (get_string (json_node_get_object (e), "network"), "linkedin") == 0)
        return json_node_get_object (e);
    }
  return NULL;
}

/* --- errors ------------------------------------------------------------------------- */

static AdwPreferencesGroup *
group_of (XpzCandidateProfile *self,
          GtkWidget           *row)
{
  if (row == GTK_WIDGET (self->salary_min_row) || row == GTK_WIDGET (self->salary_max_row) ||
      row == GTK_WIDGET (self->currency_row) || row == GTK_WIDGET (self->period_row))
    return self->salary_group;
  return self->contact_group;
}

static void
update_group_description (XpzCandidateProfile *self,
                          AdwPreferencesGroup *group)
{
  g_autoptr (GString) text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer row, message;

  g_hash_table_iter_init (&iter, self->errors);
  while (g_hash_table_iter_next (&iter, &row, &message))
    {
      if (group_of (self, row) != group)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, message);
    }
  adw_preferences_group_set_description (group, text->len > 0 ? text->str : NULL);
}

/* Shows (or clears, with %NULL) a field's specific problem next to it. */
static void
set_error (XpzCandidateProfile *self,
           GtkWidget           *row,
           const char          *message)
{
  if (message != NULL)
    {
      g_autofree char *labelled = g_strdup_printf ("%s: %s",
                                                   adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                                   message);

      g_hash_table_replace (self->errors, row, g_steal_pointer (&labelled));
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      message, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      if (!g_hash_table_remove (self->errors, row))
        return;
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
  update_group_description (self, group_of (self, row));
}

/* --- completeness ------------------------------------------------------------------- */

static void
update_hints (XpzCandidateProfile *self)
{
  g_autoptr (GPtrArray) hints = xpz_profile_completeness (root (self));

  for (guint i = 0; i < self->hint_rows->len; i++)
    adw_preferences_group_remove (self->hints_group, g_ptr_array_index (self->hint_rows, i));
  g_ptr_array_set_size (self->hint_rows, 0);

  adw_preferences_group_set_description (self->hints_group,
                                         hints->len > 0
                                         ? _("Matching scores only what it knows: each missing part below earns nothing until you fill it in.")
                                         : _("Everything matching uses is filled in."));
  for (guint i = 0; i < hints->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (hints, i));
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("dialog-information-symbolic"));
      adw_preferences_group_add (self->hints_group, row);
      g_ptr_array_add (self->hint_rows, row);
    }
}

/* --- saving ------------------------------------------------------------------------- */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (XpzCandidateProfile) self = user_data;
  g_autoptr (GError) error = NULL;

  self->saving--;
  if (!xpz_profile_save_finish (XPZ_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));

      g_message ("The profile could not be saved locally: %s", error->message);
      if (window != NULL)
        {
          GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window),
                                                      _("Your Profile Was Not Saved"),
                                                      error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
    }
}

static gboolean
save_now (gpointer user_data)
{
  XpzCandidateProfile *self = user_data;
  XpzSession *session;

  self->save_source = 0;
  if (self->account == NULL)
    return G_SOURCE_REMOVE;
  session = xpz_account_get_session (self->account);
  /* The working copy is saved as it is (the save normalises its own copy): an empty
   * entry just added stays, and keeps its place. */
  self->saving++;
  xpz_profile_save_async (xpz_account_get_store (self->account),
                          xpz_session_get_at_rest_key (session), self->profile,
                          NULL, saved_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
changed (XpzCandidateProfile *self)
{
  if (self->filling || self->account == NULL)
    return;
  update_hints (self);
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_now, self);
}

/* --- simple fields ------------------------------------------------------------------ */

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
text_changed_cb (XpzCandidateProfile *self,
                 GParamSpec          *pspec,
                 AdwEntryRow         *row)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = g_strstrip (g_strdup (row_text (row)));
  JsonObject *b, *location;

  if (self->filling || self->profile == NULL)
    return;
  b = basics (self);

  if (row == self->name_row)
    set_or_remove (b, "name", value);
  else if (row == self->label_row)
    set_or_remove (b, "label", value);
  else if (row == self->summary_row)
    set_or_remove (b, "summary", value);
  else if (row == self->email_row)
    {
      g_autofree char *email = *value != '\0' ? xpz_validate_email (value, &error) : NULL;

      set_error (self, GTK_WIDGET (row), error != NULL ? error->message : NULL);
      if (error != NULL)
        return;
      set_or_remove (b, "email", email);
    }
  else if (row == self->phone_row)
    {
      g_autofree char *phone = *value != '\0' ? xpz_validate_phone (value, XPZ_DEFAULT_REGION, &error) : NULL;

      set_error (self, GTK_WIDGET (row), error != NULL ? error->message : NULL);
      if (error != NULL)
        return;
      set_or_remove (b, "phone", phone);
    }
  else if (row == self->linkedin_row)
    {
      g_autofree char *url = *value != '\0' ? xpz_validate_linkedin_url (value, &error) : NULL;
      JsonObject *linkedin = linkedin_profile (self);

      set_error (self, GTK_WIDGET (row), error != NULL ? error->message : NULL);
      if (error != NULL)
        return;
      if (url != NULL)
        {
          if (linkedin == NULL)
            {
              linkedin = json_object_new ();
              json_object_set_string_member (linkedin, "network", "LinkedIn");
              json_array_add_object_element (xpz_profile_ensure_array (b, "profiles"), linkedin);
            }
          json_object_set_string_member (linkedin, "url", url);
        }
      else if (linkedin != NULL)
        {
          JsonArray *profiles = xpz_profile_ensure_array (b, "profiles");

          for (guint i = 0; i < json_array_get_length (profiles); i++)
            if (json_array_get_object_element (profiles, i) == linkedin)
              {
                json_array_remove_element (profiles, i);
                break;
              }
        }
    }
  else if (row == self->city_row || row == self->region_row || row == self->country_row)
    {
      location = xpz_profile_ensure_object (b, "location");
      if (row == self->country_row)
        {
          gboolean ok = *value == '\0' ||
                        (strlen (value) == 2 && g_ascii_isalpha (value[0]) && g_ascii_isalpha (value[1]));

          set_error (self, GTK_WIDGET (row),
                     ok ? NULL : _("Enter the two-letter country code, such as MA for Morocco."));
          if (!ok)
            return;
          for (char *p = value; *p != '\0'; p++)
            *p = g_ascii_toupper (*p);
          set_or_remove (location, "countryCode", value);
        }
      else
        set_or_remove (location, row == self->city_row ? "city" : "region", value);
    }
  else if (row == self->roles_row)
    json_object_set_array_member (preferences (self), "roles", split_csv (value));
  else if (row == self->locations_row)
    json_object_set_array_member (preferences (self), "locations", split_csv (value));
  changed (self);
}

static void
salary_changed_cb (XpzCandidateProfile *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *currency_out = NULL;
  const char *min_text, *max_text;
  gint64 min = 0, max = 0;
  gboolean has_min, has_max;
  guint currency_index, period_index;
  const char *currency, *period;
  GtkStringObject *item;
  JsonObject *salary;

  if (self->filling || self->profile == NULL)
    return;
  min_text = row_text (self->salary_min_row);
  max_text = row_text (self->salary_max_row);
  has_min = *min_text != '\0';
  has_max = *max_text != '\0';
  set_error (self, GTK_WIDGET (self->salary_min_row), NULL);
  set_error (self, GTK_WIDGET (self->salary_max_row), NULL);
  if (has_min && !g_ascii_string_to_signed (min_text, 10, 0, G_MAXINT32, &min, NULL))
    {
      set_error (self, GTK_WIDGET (self->salary_min_row), _("Enter a whole amount, digits only."));
      return;
    }
  if (has_max && !g_ascii_string_to_signed (max_text, 10, 0, G_MAXINT32, &max, NULL))
    {
      set_error (self, GTK_WIDGET (self->salary_max_row), _("Enter a whole amount, digits only."));
      return;
    }
  currency_index = adw_combo_row_get_selected (self->currency_row);
  item = GTK_STRING_OBJECT (adw_combo_row_get_selected_item (self->currency_row));
  currency = item != NULL ? gtk_string_object_get_string (item) : XPZ_DEFAULT_CURRENCY;
  period_index = adw_combo_row_get_selected (self->period_row);
  period = period_index == 1 ? "year" : "month";
  (void) currency_index;
  if (!xpz_validate_salary (has_min, min, has_max, max, currency, period, &currency_out, &error))
    {
      set_error (self, GTK_WIDGET (has_max ? self->salary_max_row : self->salary_min_row),
                 error->message);
      return;
    }
  if (!has_min && !has_max)
    {
      if (json_object_has_member (preferences (self), "salary"))
        json_object_remove_member (preferences (self), "salary");
    }
  else
    {
      salary = json_object_new ();
      if (has_min)
        json_object_set_int_member (salary, "min", min);
      if (has_max)
        json_object_set_int_member (salary, "max", max);
      json_object_set_string_member (salary, "currency", currency_out);
      json_object_set_string_member (salary, "period", period);
      json_object_set_object_member (preferences (self), "salary", salary);
    }
  changed (self);
}

static void
checks_changed_cb (XpzCandidateProfile *self)
{
  JsonArray *contracts, *modes;

  if (self->filling || self->profile == NULL)
    return;
  contracts = json_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (contract_types); i++)
    if (gtk_check_button_get_active (self->contract_checks[i]))
      json_array_add_string_element (contracts, contract_types[i].value);
  modes = json_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (work_modes); i++)
    if (gtk_check_button_get_active (self->mode_checks[i]))
      json_array_add_string_element (modes, work_modes[i].value);
  json_object_set_array_member (preferences (self), "contract_types", contracts);
  json_object_set_array_member (preferences (self), "work_modes", modes);
  json_object_set_boolean_member (preferences (self), "relocate",
                                  gtk_switch_get_active (self->relocate_switch));
  changed (self);
}

static void
update_checks_subtitles (XpzCandidateProfile *self)
{
  g_autoptr (GString) contracts = g_string_new (NULL);
  g_autoptr (GString) modes = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (contract_types); i++)
    if (gtk_check_button_get_active (self->contract_checks[i]))
      g_string_append_printf (contracts, "%s%s", contracts->len ? _(", ") : "", _(contract_types[i].label));
  for (guint i = 0; i < G_N_ELEMENTS (work_modes); i++)
    if (gtk_check_button_get_active (self->mode_checks[i]))
      g_string_append_printf (modes, "%s%s", modes->len ? _(", ") : "", _(work_modes[i].label));
  adw_expander_row_set_subtitle (self->contract_row, contracts->len ? contracts->str : _("None chosen"));
  adw_expander_row_set_subtitle (self->modes_row, modes->len ? modes->str : _("None chosen"));
}

/* Shows the phone number as it is saved (E.164) once the field is left. */
static void
phone_focus_leave_cb (XpzCandidateProfile *self)
{
  const char *saved = get_string (basics (self), "phone");

  if (*saved != '\0' && !g_hash_table_contains (self->errors, self->phone_row) &&
      g_strcmp0 (saved, row_text (self->phone_row)) != 0)
    {
      self->filling = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->phone_row), saved);
      self->filling = FALSE;
    }
}

/* --- lists -------------------------------------------------------------------------- */

static JsonArray *
list_array (XpzCandidateProfile *self,
            guint                list)
{
  return xpz_profile_ensure_array (root (self), lists[list].member);
}

static char *
item_title (guint       list,
            JsonObject *item)
{
  const char *title = get_string (item, lists[list].title_key);

  return g_strdup (*title != '\0' ? title : _(lists[list].untitled));
}

static char *
item_subtitle (guint       list,
               JsonObject *item)
{
  const char *sub = get_string (item, lists[list].subtitle_key);
  const char *start = get_string (item, "startDate");
  const char *end = get_string (item, "endDate");

  if (*start != '\0')
    return g_strdup_printf ("%s%s%s – %s", sub, *sub ? " · " : "", start,
                            *end != '\0' ? end : _("now"));
  return g_strdup (sub);
}

static void
item_field_changed_cb (XpzCandidateProfile *self,
                       GParamSpec          *pspec,
                       AdwEntryRow         *row)
{
  guint list = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "list"));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));
  const FieldSpec *field = g_object_get_data (G_OBJECT (row), "field");
  AdwExpanderRow *expander = g_object_get_data (G_OBJECT (row), "expander");
  JsonArray *array;
  JsonObject *item;
  g_autofree char *value = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr (GError) error = NULL;

  if (self->filling || self->profile == NULL)
    return;
  array = list_array (self, list);
  if (index >= json_array_get_length (array))
    return;
  item = json_array_get_object_element (array, index);
  value = g_strstrip (g_strdup (row_text (row)));

  if (field->kind == FIELD_DATE && *value != '\0' && !xpz_validate_date (value, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      adw_expander_row_set_subtitle (expander, error->message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      error->message, -1);
      return;
    }
  if (field->kind == FIELD_DATE && g_str_equal (field->key, "endDate") && *value != '\0' &&
      !xpz_validate_date_range (get_string (item, "startDate"), value, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      adw_expander_row_set_subtitle (expander, error->message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      error->message, -1);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

  if (field->kind == FIELD_CSV)
    json_object_set_array_member (item, field->key, split_csv (value));
  else
    set_or_remove (item, field->key, value);

  title = item_title (list, item);
  subtitle = item_subtitle (list, item);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
  adw_expander_row_set_subtitle (expander, subtitle);
  changed (self);
}

static void
move_item (XpzCandidateProfile *self,
           guint                list,
           guint                index,
           int                  delta)
{
  JsonArray *array = list_array (self, list);
  JsonArray *moved = json_array_new ();
  guint n = json_array_get_length (array);
  guint other = index + delta;

  if (index >= n || (delta < 0 && index == 0) || other >= n)
    {
      json_array_unref (moved);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      guint from = i == index ? other : i == other ? index : i;

      json_array_add_element (moved, json_node_copy (json_array_get_element (array, from)));
    }
  json_object_set_array_member (root (self), lists[list].member, moved);
  rebuild_list (self, list);
  changed (self);
}

static void
item_action_cb (GtkButton           *button,
                XpzCandidateProfile *self)
{
  guint list = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "list"));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));
  const char *action = g_object_get_data (G_OBJECT (button), "action");

  if (g_str_equal (action, "up"))
    move_item (self, list, index, -1);
  else if (g_str_equal (action, "down"))
    move_item (self, list, index, +1);
  else
    {
      JsonArray *array = list_array (self, list);

      if (index < json_array_get_length (array))
        json_array_remove_element (array, index);
      rebuild_list (self, list);
      changed (self);
    }
}

static GtkWidget *
item_button (XpzCandidateProfile *self,
             guint                list,
             guint                index,
             const char          *action,
             const char          *icon,
             const char          *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "list", GUINT_TO_POINTER (list));
  g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "action", (gpointer) action);
  g_signal_connect_object (button, "clicked", G_CALLBACK (item_action_cb), self, 0);
  return button;
}

static void
rebuild_list (XpzCandidateProfile *self,
              guint                list)
{
  GPtrArray *rows = self->list_rows[list];
  JsonArray *array = list_array (self, list);
  guint n = json_array_get_length (array);
  gboolean filling = self->filling;

  self->filling = TRUE;
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (self->list_groups[list], g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *item;
      GtkWidget *expander, *actions, *box;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *up = NULL, *down = NULL, *remove = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      item = json_node_get_object (node);
      title = item_title (list, item);
      subtitle = item_subtitle (list, item);
      expander = adw_expander_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);

      for (const FieldSpec *f = lists[list].fields; f->key != NULL; f++)
        {
          GtkWidget *row = adw_entry_row_new ();
          g_autofree char *text = NULL;

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(f->label));
          if (f->kind == FIELD_CSV)
            {
              JsonNode *a = json_object_get_member (item, f->key);
              text = join_array (a != NULL && JSON_NODE_HOLDS_ARRAY (a) ? json_node_get_array (a) : NULL);
            }
          else
            text = g_strdup (get_string (item, f->key));
          gtk_editable_set_text (GTK_EDITABLE (row), text);
          g_object_set_data (G_OBJECT (row), "list", GUINT_TO_POINTER (list));
          g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (row), "field", (gpointer) f);
          g_object_set_data (G_OBJECT (row), "expander", expander);
          g_signal_connect_object (row, "notify::text", G_CALLBACK (item_field_changed_cb), self,
                                   G_CONNECT_SWAPPED);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
        }

      /* Move and delete, named after the item for screen readers. */
      up = g_strdup_printf (_("Move “%s” Up"), title);
      down = g_strdup_printf (_("Move “%s” Down"), title);
      remove = g_strdup_printf (_("Delete “%s”"), title);
      actions = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (actions), _("Order"));
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (box), item_button (self, list, i, "up", "go-up-symbolic", up));
      gtk_box_append (GTK_BOX (box), item_button (self, list, i, "down", "go-down-symbolic", down));
      gtk_box_append (GTK_BOX (box), item_button (self, list, i, "delete", "user-trash-symbolic", remove));
      gtk_widget_set_sensitive (gtk_widget_get_first_child (box), i > 0);
      gtk_widget_set_sensitive (gtk_widget_get_next_sibling (gtk_widget_get_first_child (box)), i + 1 < n);
      adw_action_row_add_suffix (ADW_ACTION_ROW (actions), box);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), actions);

      adw_preferences_group_add (self->list_groups[list], expander);
      g_ptr_array_add (rows, expander);
    }
  adw_preferences_group_set_description (self->list_groups[list],
                                         n == 0 ? _("Nothing yet.") : NULL);
  self->filling = filling;
}

static void
add_item_cb (GtkButton           *button,
             XpzCandidateProfile *self)
{
  guint list = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "list"));
  GtkWidget *expander;

  if (self->profile == NULL)
    return;
  json_array_add_object_element (list_array (self, list), json_object_new ());
  rebuild_list (self, list);
  /* The new item opens, ready to be filled in (it is saved once it says something). */
  expander = g_ptr_array_index (self->list_rows[list], self->list_rows[list]->len - 1);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  update_hints (self);
}

/* --- filling ------------------------------------------------------------------------ */

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  if (g_strcmp0 (row_text (row), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
fill (XpzCandidateProfile *self)
{
  JsonObject *b = basics (self), *p = preferences (self), *location, *linkedin, *salary = NULL;
  g_autofree char *roles = NULL, *locations = NULL;
  JsonArray *contracts, *modes;
  GListModel *currencies;
  const char *currency;

  self->filling = TRUE;
  location = xpz_profile_ensure_object (b, "location");
  linkedin = linkedin_profile (self);
  set_row_text (self->name_row, get_string (b, "name"));
  set_row_text (self->label_row, get_string (b, "label"));
  set_row_text (self->email_row, get_string (b, "email"));
  set_row_text (self->phone_row, get_string (b, "phone"));
  set_row_text (self->city_row, get_string (location, "city"));
  set_row_text (self->region_row, get_string (location, "region"));
  set_row_text (self->country_row, get_string (location, "countryCode"));
  set_row_text (self->linkedin_row, get_string (linkedin, "url"));
  set_row_text (self->summary_row, get_string (b, "summary"));
  roles = join_array (xpz_profile_ensure_array (p, "roles"));
  set_row_text (self->roles_row, roles);
  locations = join_array (xpz_profile_ensure_array (p, "locations"));
  set_row_text (self->locations_row, locations);

  contracts = xpz_profile_ensure_array (p, "contract_types");
  for (guint i = 0; i < G_N_ELEMENTS (contract_types); i++)
    gtk_check_button_set_active (self->contract_checks[i], array_contains (contracts, contract_types[i].value));
  modes = xpz_profile_ensure_array (p, "work_modes");
  for (guint i = 0; i < G_N_ELEMENTS (work_modes); i++)
    gtk_check_button_set_active (self->mode_checks[i], array_contains (modes, work_modes[i].value));
  gtk_switch_set_active (self->relocate_switch,
                         json_object_get_boolean_member_with_default (p, "relocate", FALSE));
  update_checks_subtitles (self);

  if (json_object_has_member (p, "salary") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (p, "salary")))
    salary = json_object_get_object_member (p, "salary");
  if (salary != NULL && json_object_has_member (salary, "min"))
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (salary, "min"));
      set_row_text (self->salary_min_row, text);
    }
  else
    set_row_text (self->salary_min_row, "");
  if (salary != NULL && json_object_has_member (salary, "max"))
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (salary, "max"));
      set_row_text (self->salary_max_row, text);
    }
  else
    set_row_text (self->salary_max_row, "");
  currency = salary != NULL ? get_string (salary, "currency") : XPZ_DEFAULT_CURRENCY;
  currencies = adw_combo_row_get_model (self->currency_row);
  adw_combo_row_set_selected (self->currency_row, 0);
  for (guint i = 0; i < g_list_model_get_n_items (currencies); i++)
    {
      g_autoptr (GtkStringObject) s = g_list_model_get_item (currencies, i);

      if (g_str_equal (gtk_string_object_get_string (s), currency))
        adw_combo_row_set_selected (self->currency_row, i);
    }
  adw_combo_row_set_selected (self->period_row,
                              salary != NULL && g_str_equal (get_string (salary, "period"), "year") ? 1 : 0);

  for (guint i = 0; i < N_LISTS; i++)
    rebuild_list (self, i);
  update_hints (self);
  self->filling = FALSE;
}

/* --- loading ------------------------------------------------------------------------ */

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (XpzCandidateProfile) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = xpz_profile_load_finish (XPZ_STORE (source), result, NULL, &error);

  if (profile == NULL || self->account == NULL)
    return;
  /* Typing goes on: the working copy wins until it is saved. */
  if (self->save_source != 0 || self->saving > 0)
    return;
  if (self->profile != NULL)
    {
      g_autoptr (JsonNode) working = json_node_copy (self->profile);

      xpz_profile_normalise (working);
      if (json_node_equal (working, profile))
        return;
    }
  g_clear_pointer (&self->profile, json_node_unref);
  self->profile = g_steal_pointer (&profile);
  fill (self);
}

static void
reload (XpzCandidateProfile *self)
{
  XpzSession *session = xpz_account_get_session (self->account);

  xpz_profile_load_async (xpz_account_get_store (self->account),
                          xpz_session_get_at_rest_key (session), self->cancellable, loaded_cb,
                          g_object_ref (self));
}

static void fetch (XpzCandidateProfile *self);

static gboolean
fetch_cb (gpointer user_data)
{
  XpzCandidateProfile *self = user_data;

  self->fetch_source = 0;
  fetch (self);
  return G_SOURCE_REMOVE;
}

/* The platform's copy and ETag again, soon: after the feed brought a change, or after
 * a parked edit was given up (the platform's copy then stands). */
static void
schedule_fetch (XpzCandidateProfile *self)
{
  g_clear_handle_id (&self->fetch_source, g_source_remove);
  self->fetch_source = g_timeout_add (500, fetch_cb, self);
}

static void
store_changed_cb (XpzCandidateProfile *self,
                  const char          *table,
                  gint64               row_id,
                  XpzStoreChange       change)
{
  if (g_strcmp0 (table, XPZ_PROFILE_TABLE) == 0)
    {
      reload (self);
      schedule_fetch (self);
    }
  else if (g_strcmp0 (table, "outbox") == 0 && change == XPZ_STORE_CHANGE_DELETED)
    schedule_fetch (self);
}

static void
adopted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!xpz_profile_adopt_finish (XPZ_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The platform’s profile could not be kept locally: %s", error->message);
}

/* The platform's copy and its ETag, which the next edit is made against. */
static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (XpzCandidateProfile) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);
  XpzSession *session;

  if (response == NULL || self->account == NULL)
    return;  /* offline: the local copy is shown and edits wait in the outbox */
  if (xpz_api_response_get_body (response) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (xpz_api_response_get_body (response)))
    return;
  session = xpz_account_get_session (self->account);
  xpz_profile_adopt_async (xpz_account_get_store (self->account),
                           xpz_session_get_at_rest_key (session),
                           xpz_api_response_get_body (response),
                           xpz_api_response_get_etag (response), self->cancellable,
                           adopted_cb, NULL);
}

static void
fetch (XpzCandidateProfile *self)
{
  if (self->account == NULL)
    return;
  xpz_session_call_async (xpz_account_get_session (self->account), "GET", XPZ_PROFILE_PATH, NULL, NULL,
                          NULL, self->cancellable, fetched_cb, g_object_ref (self));
}

/* --- the object --------------------------------------------------------------------- */

static void
xpz_candidate_profile_dispose (GObject *object)
{
  XpzCandidateProfile *self = XPZ_CANDIDATE_PROFILE (object);

  if (self->save_source != 0)
    {
      /* An edit still waiting for its save is not lost. */
      g_clear_handle_id (&self->save_source, g_source_remove);
      if (self->account != NULL)
        save_now (self);
    }
  g_clear_handle_id (&self->fetch_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  /* The rows go with their groups. */
  for (guint i = 0; i < N_LISTS; i++)
    g_ptr_array_set_size (self->list_rows[i], 0);
  g_ptr_array_set_size (self->hint_rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_PROFILE);
  g_clear_object (&self->account);
  g_clear_pointer (&self->profile, json_node_unref);

  G_OBJECT_CLASS (xpz_candidate_profile_parent_class)->dispose (object);
}

static void
xpz_candidate_profile_finalize (GObject *object)
{
  XpzCandidateProfile *self = XPZ_CANDIDATE_PROFILE (object);

  g_hash_table_unref (self->errors);
  for (guint i = 0; i < N_LISTS; i++)
    g_ptr_array_unref (self->list_rows[i]);
  g_ptr_array_unref (self->hint_rows);

  G_OBJECT_CLASS (xpz_candidate_profile_parent_class)->finalize (object);
}

static void
xpz_candidate_profile_class_init (XpzCandidateProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_profile_dispose;
  object_class->finalize = xpz_candidate_profile_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-profile.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, XpzCandidateProfile, name)
  BIND (hints_group);
  BIND (contact_group);
  BIND (role_group);
  BIND (salary_group);
  BIND (locations_group);
  BIND (name_row);
  BIND (label_row);
  BIND (email_row);
  BIND (phone_row);
  BIND (city_row);
  BIND (region_row);
  BIND (country_row);
  BIND (linkedin_row);
  BIND (summary_row);
  BIND (roles_row);
  BIND (contract_row);
  BIND (modes_row);
  BIND (salary_min_row);
  BIND (salary_max_row);
  BIND (currency_row);
  BIND (period_row);
  BIND (locations_row);
  BIND (relocate_switch);
#undef BIND
  gtk_widget_class_bind_template_child_full (widget_class, "work_group", FALSE,
                                             G_STRUCT_OFFSET (XpzCandidateProfile, list_groups[LIST_WORK]));
  gtk_widget_class_bind_template_child_full (widget_class, "education_group", FALSE,
                                             G_STRUCT_OFFSET (XpzCandidateProfile, list_groups[LIST_EDUCATION]));
  gtk_widget_class_bind_template_child_full (widget_class, "skills_group", FALSE,
                                             G_STRUCT_OFFSET (XpzCandidateProfile, list_groups[LIST_SKILLS]));
  gtk_widget_class_bind_template_child_full (widget_class, "languages_group", FALSE,
                                             G_STRUCT_OFFSET (XpzCandidateProfile, list_groups[LIST_LANGUAGES]));
}

static GtkCheckButton *
add_check_row (XpzCandidateProfile *self,
               AdwExpanderRow      *expander,
               const char          *label)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_expander_row_add_row (expander, row);
  g_signal_connect_object (check, "toggled", G_CALLBACK (checks_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (check, "toggled", G_CALLBACK (update_checks_subtitles), self, G_CONNECT_SWAPPED);
  return GTK_CHECK_BUTTON (check);
}

static void
xpz_candidate_profile_init (XpzCandidateProfile *self)
{
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->errors = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->hint_rows = g_ptr_array_new ();
  for (guint i = 0; i < N_LISTS; i++)
    {
      GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");

      self->list_rows[i] = g_ptr_array_new ();
      gtk_widget_add_css_class (add, "flat");
      gtk_widget_set_tooltip_text (add, _(lists[i].add_label));
      gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(lists[i].add_label), -1);
      g_object_set_data (G_OBJECT (add), "list", GUINT_TO_POINTER (i));
      g_signal_connect_object (add, "clicked", G_CALLBACK (add_item_cb), self, 0);
      adw_preferences_group_set_header_suffix (self->list_groups[i], add);
    }
  for (guint i = 0; i < G_N_ELEMENTS (contract_types); i++)
    self->contract_checks[i] = add_check_row (self, self->contract_row, _(contract_types[i].label));
  for (guint i = 0; i < G_N_ELEMENTS (work_modes); i++)
    self->mode_checks[i] = add_check_row (self, self->modes_row, _(work_modes[i].label));

  {
    AdwEntryRow *text_rows[] = {
      self->name_row, self->label_row, self->email_row, self->phone_row, self->city_row,
      self->region_row, self->country_row, self->linkedin_row, self->summary_row,
      self->roles_row, self->locations_row,
    };

    for (guint i = 0; i < G_N_ELEMENTS (text_rows); i++)
      g_signal_connect_object (text_rows[i], "notify::text", G_CALLBACK (text_changed_cb), self,
                               G_CONNECT_SWAPPED);
  }
  g_signal_connect_object (self->salary_min_row, "notify::text", G_CALLBACK (salary_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->salary_max_row, "notify::text", G_CALLBACK (salary_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->currency_row, "notify::selected", G_CALLBACK (salary_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->period_row, "notify::selected", G_CALLBACK (salary_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->relocate_switch, "notify::active", G_CALLBACK (checks_changed_cb),
                           self, G_CONNECT_SWAPPED);

  /* A phone number reads left to right in every language (else "+212…" shows its plus
   * sign at the end in Arabic). */
  gtk_widget_set_direction (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (self->phone_row))),
                            GTK_TEXT_DIR_LTR);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (phone_focus_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->phone_row), focus);

  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}

void
xpz_candidate_profile_set_account (XpzCandidateProfile *self,
                                   XpzAccount          *account)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_PROFILE (self));

  if (self->account == account)
    return;
  if (self->save_source != 0 && self->account != NULL)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_now (self);
    }
  g_clear_handle_id (&self->fetch_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  g_set_object (&self->account, account);
  g_clear_pointer (&self->profile, json_node_unref);
  g_hash_table_remove_all (self->errors);
  gtk_widget_set_sensitive (GTK_WIDGET (self), account != NULL);
  if (account == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->profile = xpz_profile_new_empty ();
  fill (self);
  g_signal_connect_object (xpz_account_get_store (account), "changed",
                           G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  reload (self);
  fetch (self);
}

/**
 * xpz_candidate_profile_focus_field:
 * @field: "name", "label", "email", "phone", "city", "region", "country", "linkedin",
 *   "summary", "roles", "salary" or "locations"; another value focuses the name
 *
 * Puts the keyboard focus on that field, for "rectify" (R8.2) from elsewhere.
 *
 * Returns: whether the field could take the focus
 */
gboolean
xpz_candidate_profile_focus_field (XpzCandidateProfile *self,
                                   const char          *field)
{
  struct { const char *name; AdwEntryRow *row; } rows[] = {
    { "name", self->name_row }, { "label", self->label_row }, { "email", self->email_row },
    { "phone", self->phone_row }, { "city", self->city_row }, { "region", self->region_row },
    { "country", self->country_row }, { "linkedin", self->linkedin_row },
    { "summary", self->summary_row }, { "roles", self->roles_row },
    { "salary", self->salary_min_row }, { "locations", self->locations_row },
  };
  AdwEntryRow *row = self->name_row;

  g_return_val_if_fail (XPZ_IS_CANDIDATE_PROFILE (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (g_strcmp0 (field, rows[i].name) == 0)
      row = rows[i].row;
  return gtk_widget_grab_focus (GTK_WIDGET (row));
}
