/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xpz-privacy-page.h"

G_BEGIN_DECLS

/* XpzPrivacyPage spans three files: xpz-privacy-page.c (loading, overview, ledger,
 * policy and security), xpz-privacy-page-controls.c (the controls that change what the
 * platform may do) and xpz-privacy-page-rights.c (access, portability, deletion). */

typedef enum
{
  CHANNEL_EMAIL,
  CHANNEL_PHONE,
  CHANNEL_SMS,
  N_CHANNELS
} Channel;

typedef enum
{
  PURPOSE_NEW_ROLES,
  PURPOSE_FEEDBACK,
  PURPOSE_PARTNERS,
  N_PURPOSES
} Purpose;

extern const char * const xpz_privacy_channel_ids[N_CHANNELS];
extern const char * const xpz_privacy_purpose_ids[N_PURPOSES];

struct _XpzPrivacyPage
{
  AdwBin                parent_instance;

  XpzContext           *context;
  XpzAccount           *account;
  XpzSyncEngine        *engine;          /* the account's, as connected to */
  GCancellable         *cancellable;     /* the shown account's requests */
  guint                 countdown_id;
  gulong                engine_state_id;

  /* What the platform said last (privacy: with the changes made since) */
  JsonObject           *privacy;
  gint64                privacy_version; /* the version the next change is made against */
  guint                 privacy_pending; /* changes queued, not yet confirmed */
  JsonObject           *policy;
  JsonArray            *acceptances;
  JsonObject           *deletion;
  JsonObject           *export_data;
  JsonArray            *known_employers; /* [{id, company}] from shares and introductions */
  gboolean              updating;        /* setting widgets from data: no requests */
  gboolean              is_candidate;

  /* Template children */
  AdwSqueezer          *switcher_squeezer;
  GtkWidget            *switcher_placeholder;
  AdwViewSwitcherBar   *switcher_bar;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *controls_stack_page;
  AdwViewStackPage     *ledger_stack_page;
  GtkRevealer          *policy_revealer;
  GtkLabel             *policy_title;
  GtkLabel             *policy_summary;
  GtkWidget            *offline_group;
  AdwPreferencesGroup  *held_group;
  AdwPreferencesGroup  *shares_group;
  AdwPreferencesGroup  *retention_group;
  AdwActionRow         *retention_row;
  AdwPreferencesGroup  *basis_group;
  AdwActionRow         *controller_name_row;
  AdwActionRow         *controller_address_row;
  AdwActionRow         *controller_email_row;
  AdwActionRow         *controller_phone_row;
  AdwPreferencesGroup  *sharing_group;
  AdwPreferencesGroup  *blocked_group;
  AdwEntryRow          *block_entry;
  AdwPreferencesGroup  *channels_group;
  AdwPreferencesGroup  *uses_group;
  AdwPreferencesGroup  *restrict_group;
  AdwPreferencesGroup  *processors_group;
  AdwPreferencesGroup  *rights_group;
  AdwPreferencesGroup  *documents_group;
  AdwPreferencesGroup  *deletion_group;
  GtkWidget            *ledger_warning;
  GtkLabel             *ledger_warning_label;
  AdwActionRow         *ledger_status_row;
  AdwPreferencesGroup  *ledger_entries_group;
  AdwActionRow         *policy_current_row;
  AdwActionRow         *policy_accepted_row;
  AdwPreferencesGroup  *sign_ins_group;

  /* Built in code */
  GtkCheckButton       *mode_automatic;
  GtkCheckButton       *mode_explicit;
  GtkSwitch            *channel_switches[N_CHANNELS][N_PURPOSES];
  AdwExpanderRow       *channel_rows[N_CHANNELS];
  GtkSwitch            *marketing_switch;
  GtkSwitch            *ai_training_switch;
  GtkSwitch            *analytics_switch;
  GtkSwitch            *paused_switch;
  GtkSwitch            *restricted_switch;
  GtkWidget            *rectify_row;      /* a candidate's rights only */
  GtkWidget            *portability_row;
  GtkWidget            *restrict_row;
  AdwActionRow         *deletion_row;
  GtkButton            *deletion_button;
  GtkButton            *deletion_check_button;

  /* Rows filled from data, removed on each reload: group → GPtrArray of rows */
  GHashTable           *dynamic_rows;
};

/* xpz-privacy-page.c */
typedef void (*XpzPrivacyHandler) (XpzPrivacyPage *self,
                                   XpzApiResponse *response,
                                   const GError   *error);

void        xpz_privacy_page_call           (XpzPrivacyPage      *self,
                                             const char          *method,
                                             const char          *path,
                                             JsonNode            *body,
                                             XpzPrivacyHandler    handler);
void        xpz_privacy_page_toast          (XpzPrivacyPage      *self,
                                             const char          *message);
void        xpz_privacy_page_clear_rows     (XpzPrivacyPage      *self,
                                             AdwPreferencesGroup *group);
void        xpz_privacy_page_add_row        (XpzPrivacyPage      *self,
                                             AdwPreferencesGroup *group,
                                             GtkWidget           *row);
char       *xpz_privacy_format_time         (const char          *iso8601);
void        xpz_privacy_page_load_privacy   (XpzPrivacyPage      *self);
void        xpz_privacy_page_set_privacy    (XpzPrivacyPage      *self,
                                             JsonObject          *privacy);
void        xpz_privacy_page_load_shares    (XpzPrivacyPage      *self);
void        xpz_privacy_page_load_ledger    (XpzPrivacyPage      *self);

/* xpz-privacy-page-controls.c */
void        xpz_privacy_page_init_controls  (XpzPrivacyPage      *self);
void        xpz_privacy_page_show_privacy   (XpzPrivacyPage      *self);
void        xpz_privacy_page_change_privacy (XpzPrivacyPage      *self,
                                             const char          *member,
                                             JsonNode            *value);
void        xpz_privacy_page_show_blocked   (XpzPrivacyPage      *self,
                                             JsonArray           *blocked);
void        xpz_privacy_page_show_processors (XpzPrivacyPage     *self);
void        xpz_privacy_page_block_employer (XpzPrivacyPage      *self,
                                             gint64               employer_id,
                                             const char          *domain);
void        xpz_privacy_page_load_blocked   (XpzPrivacyPage      *self);
void        block_apply_cb                  (XpzPrivacyPage      *self,
                                             AdwEntryRow         *entry);

/* xpz-privacy-page-rights.c */
void        xpz_privacy_page_init_rights    (XpzPrivacyPage      *self);
void        xpz_privacy_page_show_deletion  (XpzPrivacyPage      *self);
void        xpz_privacy_page_keep_receipt   (XpzPrivacyPage      *self);
void        xpz_privacy_page_show_documents (XpzPrivacyPage      *self,
                                             JsonArray           *documents);
void        xpz_privacy_page_check_deletion (XpzPrivacyPage      *self);
void        xpz_privacy_page_class_init_rights (GtkWidgetClass   *widget_class);

G_END_DECLS
