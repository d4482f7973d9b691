/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-import-change"

#include "config.h"

#include "xpz-import-change.h"

/* One line of an import preview: what an import would change in the profile, shown
 * with a check box bound to :keep. xpz_import_apply() applies the kept ones. */

struct _XpzImportChange
{
  GObject parent_instance;

  XpzImportChangeKind kind;
  char *section;
  char *field;
  int index;
  char *label;
  char *old_value;
  char *new_value;
  JsonNode *value;
  gboolean keep;
};

G_DEFINE_ENUM_TYPE (XpzImportChangeKind, xpz_import_change_kind,
                    G_DEFINE_ENUM_VALUE (XPZ_IMPORT_CHANGE_SET_FIELD, "set-field"),
                    G_DEFINE_ENUM_VALUE (XPZ_IMPORT_CHANGE_ADD_ITEM, "add-item"),
                    G_DEFINE_ENUM_VALUE (XPZ_IMPORT_CHANGE_UPDATE_ITEM, "update-item"))

G_DEFINE_FINAL_TYPE (XpzImportChange, xpz_import_change, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_KIND,
  PROP_SECTION,
  PROP_FIELD,
  PROP_INDEX,
  PROP_LABEL,
  PROP_OLD_VALUE,
  PROP_NEW_VALUE,
  PROP_KEEP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
xpz_import_change_finalize (GObject *object)
{
  XpzImportChange *self = XPZ_IMPORT_CHANGE (object);

  g_free (self->section);
  g_free (self->field);
  g_free (self->label);
  g_free (self->old_value);
  g_free (self->new_value);
  g_clear_pointer (&self->value, json_node_unref);

  G_OBJECT_CLASS (xpz_import_change_parent_class)->finalize (object);
}

static void
xpz_import_change_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  XpzImportChange *self = XPZ_IMPORT_CHANGE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_SECTION:
      g_value_set_string (value, self->section);
      break;
    case PROP_FIELD:
      g_value_set_string (value, self->field);
      break;
    case PROP_INDEX:
      g_value_set_int (value, self->index);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_OLD_VALUE:
      g_value_set_string (value, self->old_value);
      break;
    case PROP_NEW_VALUE:
      g_value_set_string (value, self->new_value);
      break;
    case PROP_KEEP:
      g_value_set_boolean (value, self->keep);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_import_change_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  XpzImportChange *self = XPZ_IMPORT_CHANGE (object);

  switch (prop_id)
    {
    case PROP_KEEP:
      xpz_import_change_set_keep (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_import_change_class_init (XpzImportChangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xpz_import_change_finalize;
  object_class->get_property = xpz_import_change_get_property;
  object_class->set_property = xpz_import_change_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, XPZ_TYPE_IMPORT_CHANGE_KIND, XPZ_IMPORT_CHANGE_SET_FIELD,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECTION] =
    g_param_spec_string ("section", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIELD] =
    g_param_spec_string ("field", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INDEX] =
    g_param_spec_int ("index", NULL, NULL, -1, G_MAXINT, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OLD_VALUE] =
    g_param_spec_string ("old-value", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEW_VALUE] =
    g_param_spec_string ("new-value", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEEP] =
    g_param_spec_boolean ("keep", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_import_change_init (XpzImportChange *self)
{
  self->index = -1;
  self->keep = TRUE;
}

/**
 * xpz_import_change_new:
 * @kind: what the change does
 * @section: "basics", "work", "education", "skills" or "languages"
 * @field: (nullable): for %XPZ_IMPORT_CHANGE_SET_FIELD, the member path in basics
 *   ("name", "location.city")
 * @index: for %XPZ_IMPORT_CHANGE_UPDATE_ITEM, the index of the entry in the current
 *   profile's list; otherwise -1
 * @label: what is changed, in the user's words (translated)
 * @old_value: (nullable): the current value as shown to the user
 * @new_value: the imported value as shown to the user
 * @value: the JSON value the change writes (copied)
 */
XpzImportChange *
xpz_import_change_new (XpzImportChangeKind  kind,
                       const char          *section,
                       const char          *field,
                       int                  index,
                       const char          *label,
                       const char          *old_value,
                       const char          *new_value,
                       JsonNode            *value)
{
  XpzImportChange *self = g_object_new (XPZ_TYPE_IMPORT_CHANGE, NULL);

  g_return_val_if_fail (section != NULL && value != NULL, NULL);

  self->kind = kind;
  self->section = g_strdup (section);
  self->field = g_strdup (field);
  self->index = index;
  self->label = g_strdup (label);
  self->old_value = g_strdup (old_value);
  self->new_value = g_strdup (new_value);
  self->value = json_node_copy (value);
  return self;
}

XpzImportChangeKind
xpz_import_change_get_kind (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), XPZ_IMPORT_CHANGE_SET_FIELD);
  return self->kind;
}

const char *
xpz_import_change_get_section (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), NULL);
  return self->section;
}

const char *
xpz_import_change_get_field (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), NULL);
  return self->field;
}

int
xpz_import_change_get_index (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), -1);
  return self->index;
}

const char *
xpz_import_change_get_label (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), NULL);
  return self->label;
}

const char *
xpz_import_change_get_old_value (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), NULL);
  return self->old_value;
}

const char *
xpz_import_change_get_new_value (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), NULL);
  return self->new_value;
}

/* Returns: (transfer none): the JSON value written when the change is applied */
JsonNode *
xpz_import_change_get_value (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), NULL);
  return self->value;
}

gboolean
xpz_import_change_get_keep (XpzImportChange *self)
{
  g_return_val_if_fail (XPZ_IS_IMPORT_CHANGE (self), FALSE);
  return self->keep;
}

void
xpz_import_change_set_keep (XpzImportChange *self,
                            gboolean         keep)
{
  g_return_if_fail (XPZ_IS_IMPORT_CHANGE (self));

  keep = !!keep;
  if (self->keep == keep)
    return;
  self->keep = keep;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP]);
}
