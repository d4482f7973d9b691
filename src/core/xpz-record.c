/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-record"

#include "config.h"

#include "xpz-record.h"

/* One row of a list (a job, a candidate …) as shown in the UI.
 *
 * A placeholder stands for a row whose data is still being read (a list
 * model returns one from get_item() and announces the real row with
 * items-changed): its id is XPZ_RECORD_PLACEHOLDER_ID and its text fields
 * are empty strings, so that bindings show a blank row, not a crash. */
struct _XpzRecord
{
  GObject   parent_instance;

  gint64    id;
  char     *title;
  char     *subtitle;
  gboolean  placeholder;
};

G_DEFINE_FINAL_TYPE (XpzRecord, xpz_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_PLACEHOLDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

XpzRecord *
xpz_record_new (gint64      id,
                const char *title,
                const char *subtitle)
{
  return g_object_new (XPZ_TYPE_RECORD,
                       "id", id,
                       "title", title,
                       "subtitle", subtitle,
                       NULL);
}

/**
 * xpz_record_new_placeholder:
 *
 * Returns: a record that stands for a row not read yet.
 */
XpzRecord *
xpz_record_new_placeholder (void)
{
  return g_object_new (XPZ_TYPE_RECORD,
                       "id", XPZ_RECORD_PLACEHOLDER_ID,
                       "title", "",
                       "subtitle", "",
                       "placeholder", TRUE,
                       NULL);
}

static void
xpz_record_finalize (GObject *object)
{
  XpzRecord *self = (XpzRecord *) object;

  g_free (self->title);
  g_free (self->subtitle);

  G_OBJECT_CLASS (xpz_record_parent_class)->finalize (object);
}

static void
xpz_record_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  XpzRecord *self = XPZ_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_PLACEHOLDER:
      g_value_set_boolean (value, self->placeholder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_record_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  XpzRecord *self = XPZ_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_SUBTITLE:
      self->subtitle = g_value_dup_string (value);
      break;
    case PROP_PLACEHOLDER:
      self->placeholder = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_record_class_init (XpzRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xpz_record_finalize;
  object_class->get_property = xpz_record_get_property;
  object_class->set_property = xpz_record_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        XPZ_RECORD_PLACEHOLDER_ID, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLACEHOLDER] =
    g_param_spec_boolean ("placeholder", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_record_init (XpzRecord *self)
{
}

gint64
xpz_record_get_id (XpzRecord *self)
{
  g_return_val_if_fail (XPZ_IS_RECORD (self), 0);
  return self->id;
}

const char *
xpz_record_get_title (XpzRecord *self)
{
  g_return_val_if_fail (XPZ_IS_RECORD (self), NULL);
  return self->title;
}

const char *
xpz_record_get_subtitle (XpzRecord *self)
{
  g_return_val_if_fail (XPZ_IS_RECORD (self), NULL);
  return self->subtitle;
}

/**
 * xpz_record_is_placeholder:
 *
 * Returns: %TRUE if @self stands for a row that is still being read.
 */
gboolean
xpz_record_is_placeholder (XpzRecord *self)
{
  g_return_val_if_fail (XPZ_IS_RECORD (self), FALSE);
  return self->placeholder;
}
