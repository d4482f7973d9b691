/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-document-type"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "xpz-document-type.h"

G_DEFINE_QUARK (xpz-document-error-quark, xpz_document_error)

#define PDF_TYPE "application/pdf"
#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define ODT_TYPE "application/vnd.oasis.opendocument.text"

/* The names of a ZIP archive's entries, from its local headers: enough to tell an
 * OpenDocument text (its first entry is "mimetype", stored, holding the type) from a
 * Word document (it has "word/document.xml") from any other ZIP. */
static gboolean
zip_has_entry (const guint8 *data,
               gsize         length,
               const char   *name)
{
  gsize name_len = strlen (name);
  gsize limit = MIN (length, (gsize) 4 * 1024 * 1024);

  for (gsize at = 0; at + 30 <= limit;)
    {
      const guint8 *h = data + at;
      guint32 compressed;
      guint16 n, extra;

      if (memcmp (h, "PK\003\004", 4) != 0)
        break;
      compressed = h[18] | (h[19] << 8) | (h[20] << 16) | ((guint32) h[21] << 24);
      n = h[26] | (h[27] << 8);
      extra = h[28] | (h[29] << 8);
      if (at + 30 + n > length)
        break;
      if (n == name_len && memcmp (h + 30, name, n) == 0)
        return TRUE;
      /* A data descriptor (bit 3) leaves the size unknown here: stop walking. */
      if ((h[6] & 0x08) != 0)
        break;
      at += 30 + (gsize) n + extra + compressed;
    }
  return FALSE;
}

/**
 * xpz_document_sniff:
 *
 * Recognises a PDF, DOCX or ODT document by its content: the magic numbers first, then
 * GIO's own guess from the data must not say it is something else (plain text renamed
 * ".pdf" is refused whatever its name).
 *
 * Returns: (transfer none): the MIME type, or %NULL with @error set
 */
const char *
xpz_document_sniff (const guint8 *data,
                    gsize         length,
                    GError      **error)
{
  static const char odt_magic[] = "mimetype" ODT_TYPE;
  const char *type = NULL;
  g_autofree char *guess = NULL;
  gboolean uncertain = FALSE;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_EMPTY,
                           _("This file is empty."));
      return NULL;
    }
  if (length > XPZ_DOCUMENT_MAX_SIZE)
    {
      g_set_error (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_TOO_LARGE,
                   _("This file is larger than the %d MiB a document may have."),
                   XPZ_DOCUMENT_MAX_SIZE / (1024 * 1024));
      return NULL;
    }

  if (length >= 5 && memcmp (data, "%PDF-", 5) == 0)
    type = PDF_TYPE;
  else if (length >= 30 && memcmp (data, "PK\003\004", 4) == 0)
    {
      if (length >= 30 + sizeof odt_magic - 1 &&
          memcmp (data + 30, odt_magic, sizeof odt_magic - 1) == 0)
        type = ODT_TYPE;
      else if (zip_has_entry (data, length, "word/document.xml") ||
               zip_has_entry (data, length, "[Content_Types].xml"))
        type = DOCX_TYPE;
    }

  /* GIO's guess from the content alone agrees, or knows no better. */
  guess = g_content_type_guess (NULL, data, MIN (length, 4096), &uncertain);
  if (type != NULL && !uncertain && guess != NULL &&
      g_content_type_is_a (guess, "text/plain"))
    type = NULL;

  if (type == NULL)
    {
      g_set_error_literal (error, XPZ_DOCUMENT_ERROR, XPZ_DOCUMENT_ERROR_UNSUPPORTED,
                           _("Only PDF, Word (DOCX) and OpenDocument (ODT) documents can be added; "
                             "this file’s content is none of these, whatever its name says."));
      return NULL;
    }
  return type;
}

/* A short, translated name for a document type. */
const char *
xpz_document_type_name (const char *mime_type)
{
  if (g_strcmp0 (mime_type, PDF_TYPE) == 0)
    return _("PDF");
  if (g_strcmp0 (mime_type, DOCX_TYPE) == 0)
    return _("Word document");
  if (g_strcmp0 (mime_type, ODT_TYPE) == 0)
    return _("OpenDocument text");
  return _("Document");
}

/* The file name extension of a sniffed type. */
const char *
xpz_document_extension (const char *mime_type)
{
  if (g_strcmp0 (mime_type, PDF_TYPE) == 0)
    return ".pdf";
  if (g_strcmp0 (mime_type, DOCX_TYPE) == 0)
    return ".docx";
  if (g_strcmp0 (mime_type, ODT_TYPE) == 0)
    return ".odt";
  return NULL;
}

/**
 * xpz_document_write_private_copy:
 * @content: the document
 *
 * A copy for a viewer to open: readable by this user only (0600), in the temporary
 * directory. The content is checked first: a document that is not a PDF, DOCX or ODT
 * (whatever its name) is not handed to a viewer. The copy is named "cv-XXXXXX" with the
 * extension of the type its content has, never with the name its owner gave it: the
 * desktop picks the viewer by the name, and a name is what a hostile upload controls
 * ("cv.pdf.desktop", right-to-left overrides, "..").
 *
 * Returns: (transfer full): the copy's path, or %NULL with @error set
 */
char *
xpz_document_write_private_copy (GBytes  *content,
                                 GError **error)
{
  g_autofree char *template = NULL;
  g_autofree char *path = NULL;
  gsize length = 0;
  const guint8 *data;
  const char *type;
  int fd;

  g_return_val_if_fail (content != NULL, NULL);

  data = g_bytes_get_data (content, &length);
  type = xpz_document_sniff (data, length, error);
  if (type == NULL)
    return NULL;
  template = g_strconcat ("cv-XXXXXX", xpz_document_extension (type), NULL);
  fd = g_file_open_tmp (template, &path, error);  /* created 0600 */
  if (fd < 0)
    return NULL;
  g_close (fd, NULL);
  if (!g_file_set_contents_full (path, (const char *) data, (gssize) length,
                                 G_FILE_SET_CONTENTS_NONE, 0600, error))
    {
      g_unlink (path);
      return NULL;
    }
  return g_steal_pointer (&path);
}
