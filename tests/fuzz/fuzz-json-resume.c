/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-import.h"

/* libFuzzer: the JSON Resume importer takes any file the user picks. It may refuse it,
 * never crash; what it accepts survives the preview, apply and export, and the export
 * imports again (the exporter never writes what the importer refuses). */

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = xpz_import_json_resume ((const char *) data, size, &error);
  g_autoptr (GListModel) changes = NULL;
  g_autoptr (JsonNode) merged = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autofree char *resume = NULL;

  if (profile == NULL)
    {
      g_assert_true (error != NULL && error->domain == XPZ_IMPORT_ERROR && error->message != NULL);
      return 0;
    }
  g_assert_no_error (error);
  /* Importing what is there already proposes nothing. */
  changes = xpz_import_diff (profile, profile);
  g_assert_cmpuint (g_list_model_get_n_items (changes), ==, 0);
  g_clear_object (&changes);

  /* Into an empty profile, keeping everything gives the import (nothing left to propose). */
  changes = xpz_import_diff (NULL, profile);
  merged = xpz_import_apply (NULL, changes);
  g_clear_object (&changes);
  changes = xpz_import_diff (merged, profile);
  g_assert_cmpuint (g_list_model_get_n_items (changes), ==, 0);

  resume = xpz_export_json_resume (profile);
  again = xpz_import_json_resume (resume, strlen (resume), &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  return 0;
}
