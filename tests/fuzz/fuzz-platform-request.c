/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xpz-platform-private.h"

/* libFuzzer: the platform's request parsing — UTF-8 and depth checks, JSON, then the
 * profile and job validators every PUT /me/profile and POST /jobs goes through. */

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *canonical = NULL;
  JsonObject *object;
  char *message = NULL;

  node = xpz_platform_json_parse ((const char *) data, (gssize) size, 32, NULL);
  if (node == NULL)
    return 0;
  canonical = xpz_platform_json_canonical (node);
  g_assert_nonnull (canonical);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return 0;

  object = json_node_get_object (node);
  if (!xpz_platform_profile_validate (object, &message))
    g_assert_nonnull (message);
  g_clear_pointer (&message, g_free);
  if (!xpz_platform_job_validate (object, &message))
    g_assert_nonnull (message);
  g_clear_pointer (&message, g_free);
  return 0;
}
