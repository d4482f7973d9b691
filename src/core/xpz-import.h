/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "xpz-import-change.h"

G_BEGIN_DECLS

/* Importing a profile from a JSON Resume file or a LinkedIn data export, previewing
 * what the import changes, applying the changes the user keeps, and exporting (JSON
 * Resume, the full data export as a .zip). Every importer returns a profile in the
 * platform's Profile shape (docs/platform-api.md) that PUT /me/profile accepts, or an
 * error in XPZ_IMPORT_ERROR (or G_IO_ERROR for a file that cannot be read). */

#define XPZ_IMPORT_ERROR (xpz_import_error_quark ())

typedef enum
{
  XPZ_IMPORT_ERROR_INVALID_JSON,
  XPZ_IMPORT_ERROR_NOT_JSON_RESUME,
  XPZ_IMPORT_ERROR_NOT_LINKEDIN,
  XPZ_IMPORT_ERROR_NOT_ZIP,
  XPZ_IMPORT_ERROR_CORRUPT_ZIP,
  XPZ_IMPORT_ERROR_UNSUPPORTED_ZIP,
  XPZ_IMPORT_ERROR_UNSAFE_NAME,
  XPZ_IMPORT_ERROR_INVALID_CSV,
  XPZ_IMPORT_ERROR_TOO_LARGE,
  XPZ_IMPORT_ERROR_INVALID_EXPORT,
} XpzImportError;

/* Limits: a JSON Resume file, a LinkedIn .zip, one CSV file inside it, all CSV files
 * together once extracted. */
#define XPZ_IMPORT_MAX_JSON_SIZE      (4 * 1024 * 1024)
#define XPZ_IMPORT_MAX_ZIP_SIZE       (64 * 1024 * 1024)
#define XPZ_IMPORT_MAX_CSV_SIZE       (8 * 1024 * 1024)
#define XPZ_IMPORT_MAX_EXTRACTED_SIZE (32 * 1024 * 1024)

GQuark      xpz_import_error_quark           (void);

JsonNode   *xpz_import_json_resume           (const char           *data,
                                              gsize                 len,
                                              GError              **error);

JsonNode   *xpz_import_linkedin              (GFile                *zip_or_folder,
                                              GCancellable         *cancellable,
                                              GError              **error);
void        xpz_import_linkedin_async        (GFile                *zip_or_folder,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
JsonNode   *xpz_import_linkedin_finish       (GAsyncResult         *result,
                                              GError              **error);
JsonNode   *xpz_import_linkedin_zip_bytes    (GBytes               *zip,
                                              GCancellable         *cancellable,
                                              GError              **error);

char       *xpz_import_normalize_date        (const char           *text);

GListModel *xpz_import_diff                  (JsonNode             *current,
                                              JsonNode             *imported);
JsonNode   *xpz_import_apply                 (JsonNode             *current,
                                              GListModel           *changes);

char       *xpz_export_json_resume           (JsonNode             *profile);
gboolean    xpz_export_write_zip             (JsonNode             *export_data,
                                              GOutputStream        *output,
                                              GCancellable         *cancellable,
                                              GError              **error);

G_END_DECLS
