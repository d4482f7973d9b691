/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-match-item"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "xpz-match-item.h"

/* The strings of a row live in one block owned by the item; the display name of a
 * shared candidate is wiped when the item goes. */
struct _XpzMatchItem
{
  GObject             parent_instance;

  XpzMatchItemFields  fields;
  GStringChunk       *strings;
  gboolean            placeholder;
};

G_DEFINE_FINAL_TYPE (XpzMatchItem, xpz_match_item, G_TYPE_OBJECT)

static void
xpz_match_item_finalize (GObject *object)
{
  XpzMatchItem *self = (XpzMatchItem *) object;

  if (self->fields.display_name != NULL)
    sodium_memzero ((char *) self->fields.display_name, strlen (self->fields.display_name));
  g_clear_pointer (&self->strings, g_string_chunk_free);

  G_OBJECT_CLASS (xpz_match_item_parent_class)->finalize (object);
}

static void
xpz_match_item_class_init (XpzMatchItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xpz_match_item_finalize;
}

static void
xpz_match_item_init (XpzMatchItem *self)
{
}

static const char *
keep (XpzMatchItem *self,
      const char   *text)
{
  return text != NULL ? g_string_chunk_insert (self->strings, text) : NULL;
}

XpzMatchItem *
xpz_match_item_new (const XpzMatchItemFields *fields)
{
  XpzMatchItem *self = g_object_new (XPZ_TYPE_MATCH_ITEM, NULL);

  self->strings = g_string_chunk_new (256);
  self->fields = *fields;
  self->fields.stage = keep (self, fields->stage != NULL ? fields->stage : "new");
  self->fields.intro_status = keep (self, fields->intro_status);
  self->fields.title = keep (self, fields->title);
  self->fields.subtitle = keep (self, fields->subtitle);
  self->fields.location = keep (self, fields->location);
  self->fields.skills = keep (self, fields->skills);
  self->fields.explanation = keep (self, fields->explanation);
  self->fields.summary = keep (self, fields->summary);
  self->fields.display_name = keep (self, fields->display_name);
  self->fields.work_mode = keep (self, fields->work_mode);
  self->fields.contract_type = keep (self, fields->contract_type);
  self->fields.salary_currency = keep (self, fields->salary_currency);
  self->fields.salary_period = keep (self, fields->salary_period);
  return self;
}

XpzMatchItem *
xpz_match_item_new_placeholder (void)
{
  XpzMatchItemFields fields = { .years = -1, .salary_min = -1, .salary_max = -1 };
  XpzMatchItem *self = xpz_match_item_new (&fields);

  self->placeholder = TRUE;
  return self;
}

gboolean
xpz_match_item_is_placeholder (XpzMatchItem *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_ITEM (self), TRUE);
  return self->placeholder;
}

const XpzMatchItemFields *
xpz_match_item_get_fields (XpzMatchItem *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_ITEM (self), NULL);
  return &self->fields;
}

gint64
xpz_match_item_get_id (XpzMatchItem *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_ITEM (self), 0);
  return self->fields.id;
}

guint
xpz_match_item_get_points (XpzMatchItem *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_ITEM (self), 0);
  return self->fields.points;
}

const char *
xpz_match_item_get_stage (XpzMatchItem *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_ITEM (self), NULL);
  return self->fields.stage;
}

gboolean
xpz_match_item_get_shared (XpzMatchItem *self)
{
  g_return_val_if_fail (XPZ_IS_MATCH_ITEM (self), FALSE);
  return self->fields.shared;
}
