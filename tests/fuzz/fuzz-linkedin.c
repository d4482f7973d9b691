/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-import.h"
#include "xpz-zip.h"

/* libFuzzer: the LinkedIn importer reads an archive from anyone. The first byte picks
 * what the rest is:
 *   even: a whole .zip (central directory, local headers, inflate, CRC, size caps);
 *   odd:  one CSV file, wrapped by our own ZIP writer as the file (byte >> 1) % 7
 *         names, so the CSV parser sees mutated text (a mutated archive almost always
 *         fails its CRC before any CSV is read).
 * Refusals carry an XPZ_IMPORT_ERROR; what is accepted exports as JSON Resume that
 * imports again. */

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char *const names[] = {
  "Profile.csv", "Positions.csv", "Education.csv", "Skills.csv", "Languages.csv",
  "Email Addresses.csv", "PhoneNumbers.csv",
};

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GBytes) archive = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) profile = NULL;

  if (size < 1)
    return 0;
  if ((data[0] & 1) == 0)
    archive = g_bytes_new (data + 1, size - 1);
  else
    {
      g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autoptr (XpzZipWriter) writer = xpz_zip_writer_new (out);
      g_autoptr (GBytes) csv = g_bytes_new (data + 1, size - 1);

      g_assert_true (xpz_zip_writer_add (writer, names[(data[0] >> 1) % G_N_ELEMENTS (names)], csv,
                                         (data[0] & 0x80) != 0, NULL, NULL));
      g_assert_true (xpz_zip_writer_finish (writer, NULL, NULL));
      g_output_stream_close (out, NULL, NULL);
      archive = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    }

  profile = xpz_import_linkedin_zip_bytes (archive, NULL, &error);
  if (profile == NULL)
    {
      g_assert_true (error != NULL && error->domain == XPZ_IMPORT_ERROR && error->message != NULL);
      /* Our own archives are never damaged. */
      if (data[0] & 1)
        g_assert_true (error->code == XPZ_IMPORT_ERROR_INVALID_CSV || error->code == XPZ_IMPORT_ERROR_NOT_LINKEDIN);
      return 0;
    }
  {
    g_autofree char *resume = xpz_export_json_resume (profile);
    g_autoptr (JsonNode) again = xpz_import_json_resume (resume, strlen (resume), &error);

    g_assert_no_error (error);
    g_assert_nonnull (again);
  }
  return 0;
}
