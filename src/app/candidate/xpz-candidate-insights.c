/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-insights"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-insights.h"
#include "xpz-candidate-salary-chart.h"
#include "xpz-profile.h"

/* Salary insights (R3.5) for the candidate's profession, with their own expectation
 * marked; the profession starts as their title (or first wanted role). */

struct _XpzCandidateInsights
{
  AdwBin parent_instance;

  XpzAccount              *account;
  GCancellable            *cancellable;
  GCancellable            *query;
  gboolean                 profession_filled;  /* from the profile, once per account */

  AdwEntryRow             *profession_row;
  GtkLabel                *status_label;
  GtkLabel                *rule_label;
  XpzCandidateSalaryChart *chart;
};

G_DEFINE_FINAL_TYPE (XpzCandidateInsights, xpz_candidate_insights, ADW_TYPE_BIN)

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (XpzCandidateInsights) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);
  JsonObject *body;
  gint64 k;
  g_autofree char *rule = NULL;
  JsonNode *total;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  body = response != NULL ? xpz_api_response_get_object (response) : NULL;
  if (body == NULL)
    {
      gtk_label_set_label (self->status_label,
                           error != NULL ? error->message : _("The platform sent no insights."));
      xpz_candidate_salary_chart_set_insights (self->chart, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->chart), FALSE);
      return;
    }
  k = json_object_get_int_member_with_default (body, "k", 5);
  rule = g_strdup_printf (ngettext ("A group of fewer than %lld person is never shown, and when one group is hidden a second one is too, so that no one’s expectation can be worked out from the others.",
                                    "A group of fewer than %lld people is never shown, and when one group is hidden a second one is too, so that no one’s expectation can be worked out from the others.",
                                    (gulong) CLAMP (k, 0, G_MAXLONG)), (long long) k);
  gtk_label_set_label (self->rule_label, rule);
  total = json_object_get_member (body, "total");
  if (total != NULL && JSON_NODE_HOLDS_VALUE (total))
    {
      gint64 n = json_node_get_int (total);
      g_autofree char *status = g_strdup_printf (ngettext ("%lld candidate of this profession states an expectation in MAD.",
                                                           "%lld candidates of this profession state an expectation in MAD.",
                                                           (gulong) CLAMP (n, 0, G_MAXLONG)), (long long) n);
      gtk_label_set_label (self->status_label, status);
    }
  else
    gtk_label_set_label (self->status_label,
                         _("Too few candidates of this profession state an expectation to show anything."));
  gtk_widget_set_visible (GTK_WIDGET (self->chart), TRUE);
  xpz_candidate_salary_chart_set_insights (self->chart, body);
}

static void
query (XpzCandidateInsights *self,
       const char           *profession)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (self->account == NULL || profession == NULL || *profession == '\0')
    return;
  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  self->query = g_cancellable_new ();
  escaped = g_uri_escape_string (profession, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/insights/salaries?profession=%s", escaped);
  gtk_label_set_label (self->status_label, _("Loading…"));
  xpz_session_call_async (xpz_account_get_session (self->account), "GET", path, NULL, NULL, NULL,
                          self->query, fetched_cb, g_object_ref (self));
}

static void
apply_cb (XpzCandidateInsights *self)
{
  g_autofree char *profession = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->profession_row))));

  query (self, profession);
}

static void
profile_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (XpzCandidateInsights) self = user_data;
  g_autoptr (JsonNode) profile = xpz_profile_load_finish (XPZ_STORE (source), result, NULL, NULL);
  JsonObject *root, *basics, *preferences, *salary = NULL;
  const char *profession;
  JsonArray *roles;

  if (profile == NULL || self->account == NULL)
    return;
  root = json_node_get_object (profile);
  basics = xpz_profile_ensure_object (root, "basics");
  preferences = xpz_profile_ensure_object (root, "preferences");
  roles = xpz_profile_ensure_array (preferences, "roles");
  if (json_object_has_member (preferences, "salary") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (preferences, "salary")))
    salary = json_object_get_object_member (preferences, "salary");

  /* The expectation as the platform counts it: the midpoint, monthly, in MAD. */
  if (salary != NULL && g_strcmp0 (json_object_get_string_member_with_default (salary, "currency", "MAD"), "MAD") == 0 &&
      (json_object_has_member (salary, "min") || json_object_has_member (salary, "max")))
    {
      double min = json_object_get_double_member_with_default (salary, "min",
                                                               json_object_get_double_member_with_default (salary, "max", 0));
      double max = json_object_get_double_member_with_default (salary, "max", min);
      double monthly = (min + max) / 2;

      if (g_strcmp0 (json_object_get_string_member_with_default (salary, "period", "month"), "year") == 0)
        monthly /= 12;
      xpz_candidate_salary_chart_set_expectation (self->chart, monthly);
    }
  else
    xpz_candidate_salary_chart_set_expectation (self->chart, -1);

  /* The profession is suggested once; after that it is the candidate's to change (a
   * field they just emptied is not filled in behind their back). */
  if (self->profession_filled || *gtk_editable_get_text (GTK_EDITABLE (self->profession_row)) != '\0')
    return;
  profession = json_object_get_string_member_with_default (basics, "label", NULL);
  if ((profession == NULL || *profession == '\0') && json_array_get_length (roles) > 0)
    profession = json_array_get_string_element (roles, 0);
  if (profession == NULL || *profession == '\0')
    {
      gtk_label_set_label (self->status_label,
                           _("Enter a profession, or give your professional title in your profile."));
      return;
    }
  self->profession_filled = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->profession_row), profession);
  query (self, profession);
}

static void
load_profile (XpzCandidateInsights *self)
{
  XpzSession *session = xpz_account_get_session (self->account);

  xpz_profile_load_async (xpz_account_get_store (self->account), xpz_session_get_at_rest_key (session),
                          self->cancellable, profile_loaded_cb, g_object_ref (self));
}

static void
store_changed_cb (XpzCandidateInsights *self,
                  const char           *table,
                  gint64                row_id,
                  XpzStoreChange        change)
{
  if (g_strcmp0 (table, XPZ_PROFILE_TABLE) == 0)
    load_profile (self);
}

static void
xpz_candidate_insights_dispose (GObject *object)
{
  XpzCandidateInsights *self = XPZ_CANDIDATE_INSIGHTS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_INSIGHTS);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (xpz_candidate_insights_parent_class)->dispose (object);
}

static void
xpz_candidate_insights_class_init (XpzCandidateInsightsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_insights_dispose;

  g_type_ensure (XPZ_TYPE_CANDIDATE_SALARY_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-insights.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateInsights, profession_row);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateInsights, status_label);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateInsights, rule_label);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateInsights, chart);
  gtk_widget_class_bind_template_callback (widget_class, apply_cb);
}

static void
xpz_candidate_insights_init (XpzCandidateInsights *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->chart), FALSE);
}

void
xpz_candidate_insights_set_account (XpzCandidateInsights *self,
                                    XpzAccount           *account)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_INSIGHTS (self));

  if (self->account == account)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  g_set_object (&self->account, account);
  self->profession_filled = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->profession_row), "");
  xpz_candidate_salary_chart_set_insights (self->chart, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->chart), FALSE);
  gtk_label_set_label (self->status_label, "");
  gtk_label_set_label (self->rule_label, "");
  if (account == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (xpz_account_get_store (account), "changed",
                           G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  load_profile (self);
}
