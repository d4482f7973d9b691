/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A small ZIP reader and writer: enough for a LinkedIn data export (read) and the
 * full data export (write). The reader works on an archive held in memory; it reads
 * the central directory, refuses unsafe entry names (absolute paths, "..", drive
 * letters), encrypted and ZIP64 archives, inflates stored and deflated entries with a
 * size cap and checks every CRC-32. */

#define XPZ_ZIP_ERROR (xpz_zip_error_quark ())

typedef enum
{
  XPZ_ZIP_ERROR_NOT_ZIP,
  XPZ_ZIP_ERROR_CORRUPT,
  XPZ_ZIP_ERROR_CHECKSUM,
  XPZ_ZIP_ERROR_UNSUPPORTED,
  XPZ_ZIP_ERROR_UNSAFE_NAME,
  XPZ_ZIP_ERROR_TOO_LARGE,
} XpzZipError;

/* No archive holds more entries than this (a central directory bomb). */
#define XPZ_ZIP_MAX_ENTRIES 65535

GQuark        xpz_zip_error_quark            (void);

guint32       xpz_zip_crc32                  (guint32        crc,
                                              const guint8  *data,
                                              gsize          len);
gboolean      xpz_zip_name_is_safe           (const char    *name);

typedef struct _XpzZipReader XpzZipReader;

XpzZipReader *xpz_zip_reader_new             (GBytes        *archive,
                                              GError       **error);
void          xpz_zip_reader_free            (XpzZipReader  *self);
guint         xpz_zip_reader_get_n_entries   (XpzZipReader  *self);
const char   *xpz_zip_reader_get_name        (XpzZipReader  *self,
                                              guint          index);
guint64       xpz_zip_reader_get_size        (XpzZipReader  *self,
                                              guint          index);
GBytes       *xpz_zip_reader_extract         (XpzZipReader  *self,
                                              guint          index,
                                              gsize          max_size,
                                              GCancellable  *cancellable,
                                              GError       **error);

typedef struct _XpzZipWriter XpzZipWriter;

XpzZipWriter *xpz_zip_writer_new             (GOutputStream *output);
gboolean      xpz_zip_writer_add             (XpzZipWriter  *self,
                                              const char    *name,
                                              GBytes        *data,
                                              gboolean       compress,
                                              GCancellable  *cancellable,
                                              GError       **error);
gboolean      xpz_zip_writer_finish          (XpzZipWriter  *self,
                                              GCancellable  *cancellable,
                                              GError       **error);
void          xpz_zip_writer_free            (XpzZipWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzZipReader, xpz_zip_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XpzZipWriter, xpz_zip_writer_free)

G_END_DECLS
