/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define XPZ_TYPE_PRIVACY_EXPORT_DIALOG (xpz_privacy_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (XpzPrivacyExportDialog, xpz_privacy_export_dialog, XPZ, PRIVACY_EXPORT_DIALOG,
                      AdwWindow)

GtkWidget *xpz_privacy_export_dialog_new (GtkWindow  *parent,
                                          const char *title,
                                          const char *filename,
                                          const char *json);

G_END_DECLS
