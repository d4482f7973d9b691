/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xpz-employer-matches-pane.h"

G_BEGIN_DECLS

/* The pane is the view of XpzEmployerPage's candidates (xpz-employer-page.c), which
 * fills its children and connects to them: it is made only when the panes beside the
 * postings are first shown, after the area's first frame. */
struct _XpzEmployerMatchesPane
{
  GtkBox          parent_instance;

  GtkButton      *matches_back_button;
  GtkLabel       *job_title_label;
  GtkLabel       *job_facts_label;
  GtkMenuButton  *job_menu_button;
  GtkFlowBox     *filters_box;
  GtkSearchEntry *search_entry;
  GtkSpinButton  *min_score_spin;
  GtkCheckButton *shared_only_check;
  GtkLabel       *count_label;
  GtkStack       *matches_stack;
  GtkListView    *matches_view;
  AdwBin         *empty_bin;
};

G_END_DECLS
