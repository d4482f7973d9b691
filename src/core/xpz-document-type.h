/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CVs and other documents the platform takes (R2.3): PDF, DOCX and ODT, recognised by
 * their content (never by their name), at most 8 MiB. */

#define XPZ_DOCUMENT_MAX_SIZE (8 * 1024 * 1024)

#define XPZ_DOCUMENT_ERROR (xpz_document_error_quark ())

typedef enum
{
  XPZ_DOCUMENT_ERROR_EMPTY,
  XPZ_DOCUMENT_ERROR_TOO_LARGE,
  XPZ_DOCUMENT_ERROR_UNSUPPORTED,
} XpzDocumentError;

GQuark      xpz_document_error_quark (void);

const char *xpz_document_sniff       (const guint8 *data,
                                      gsize         length,
                                      GError      **error);
const char *xpz_document_type_name   (const char   *mime_type);
const char *xpz_document_extension   (const char   *mime_type);
char       *xpz_document_write_private_copy (GBytes     *content,
                                             GError    **error);

G_END_DECLS
