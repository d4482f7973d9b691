/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * XpzImportChangeKind:
 * @XPZ_IMPORT_CHANGE_SET_FIELD: a field of `basics` gets a new value
 * @XPZ_IMPORT_CHANGE_ADD_ITEM: an entry is added to a list (work, education, …)
 * @XPZ_IMPORT_CHANGE_UPDATE_ITEM: an existing entry of a list gets the imported values
 */
typedef enum
{
  XPZ_IMPORT_CHANGE_SET_FIELD,
  XPZ_IMPORT_CHANGE_ADD_ITEM,
  XPZ_IMPORT_CHANGE_UPDATE_ITEM,
} XpzImportChangeKind;

#define XPZ_TYPE_IMPORT_CHANGE_KIND (xpz_import_change_kind_get_type ())
GType xpz_import_change_kind_get_type (void);

#define XPZ_TYPE_IMPORT_CHANGE (xpz_import_change_get_type ())

G_DECLARE_FINAL_TYPE (XpzImportChange, xpz_import_change, XPZ, IMPORT_CHANGE, GObject)

XpzImportChange     *xpz_import_change_new           (XpzImportChangeKind  kind,
                                                      const char          *section,
                                                      const char          *field,
                                                      int                  index,
                                                      const char          *label,
                                                      const char          *old_value,
                                                      const char          *new_value,
                                                      JsonNode            *value);
XpzImportChangeKind  xpz_import_change_get_kind      (XpzImportChange     *self);
const char          *xpz_import_change_get_section   (XpzImportChange     *self);
const char          *xpz_import_change_get_field     (XpzImportChange     *self);
int                  xpz_import_change_get_index     (XpzImportChange     *self);
const char          *xpz_import_change_get_label     (XpzImportChange     *self);
const char          *xpz_import_change_get_old_value (XpzImportChange     *self);
const char          *xpz_import_change_get_new_value (XpzImportChange     *self);
JsonNode            *xpz_import_change_get_value     (XpzImportChange     *self);
gboolean             xpz_import_change_get_keep      (XpzImportChange     *self);
void                 xpz_import_change_set_keep      (XpzImportChange     *self,
                                                      gboolean             keep);

G_END_DECLS
