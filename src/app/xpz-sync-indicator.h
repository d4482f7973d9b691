/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xpz-account.h"

G_BEGIN_DECLS

#define XPZ_TYPE_SYNC_INDICATOR (xpz_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (XpzSyncIndicator, xpz_sync_indicator, XPZ, SYNC_INDICATOR, AdwBin)

void xpz_sync_indicator_set_account (XpzSyncIndicator *self,
                                     XpzAccount       *account);

G_END_DECLS
