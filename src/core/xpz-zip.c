/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-zip"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-zip.h"

/* ZIP format (APPNOTE.TXT): every entry is a local header followed by its data; the
 * central directory at the end lists every entry again with its sizes, CRC and the
 * offset of its local header; the end-of-central-directory record (EOCD) closes the
 * archive. Readers trust the central directory, as unzip does. */

#define SIG_LOCAL   0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD    0x06054b50u

#define LOCAL_SIZE   30
#define CENTRAL_SIZE 46
#define EOCD_SIZE    22

#define FLAG_ENCRYPTED 0x0001u
#define FLAG_UTF8      0x0800u

#define METHOD_STORED  0
#define METHOD_DEFLATE 8

G_DEFINE_QUARK (xpz-zip-error-quark, xpz_zip_error)

typedef struct
{
  char *name;
  guint16 flags;
  guint16 method;
  guint32 crc;
  guint32 csize;
  guint32 usize;
  guint32 offset;
} Entry;

struct _XpzZipReader
{
  GBytes *bytes;
  const guint8 *data;
  gsize len;
  GArray *entries;
};

struct _XpzZipWriter
{
  GOutputStream *output;
  guint64 offset;
  GArray *entries;
  guint16 dos_time;
  guint16 dos_date;
  gboolean finished;
};

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
}

static guint16
rd16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
rd32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static void
wr16 (guint8  *p,
      guint16  v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
}

static void
wr32 (guint8  *p,
      guint32  v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

guint32
xpz_zip_crc32 (guint32       crc,
               const guint8 *data,
               gsize         len)
{
  static guint32 table[256];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&initialised, 1);
    }

  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* An entry name is safe when extracting it under a folder could only ever write inside
 * that folder: relative, no "." or ".." component, no drive letter, no backslash (a
 * separator on Windows), no control character. */
gboolean
xpz_zip_name_is_safe (const char *name)
{
  g_auto (GStrv) parts = NULL;

  if (name == NULL || *name == '\0' || *name == '/')
    return FALSE;
  if (!g_utf8_validate (name, -1, NULL))
    return FALSE;
  if (g_ascii_isalpha (name[0]) && name[1] == ':')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p == '\\' || (guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
        return FALSE;
      /* An empty component is only allowed last (a folder entry "documents/"). */
      if (*parts[i] == '\0' && parts[i + 1] != NULL)
        return FALSE;
    }
  return TRUE;
}

/* ---- reader ---- */

static gboolean
corrupt (GError **error)
{
  g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_CORRUPT,
                       _("The archive is damaged or incomplete."));
  return FALSE;
}

static gboolean
read_central_directory (XpzZipReader  *self,
                        GError       **error)
{
  const guint8 *d = self->data;
  gsize len = self->len;
  gsize eocd = 0;
  gboolean found = FALSE;
  guint n_entries;
  guint64 cd_size, cd_offset, cd_end, p;

  if (len < EOCD_SIZE)
    return corrupt (error);

  /* The EOCD is the last 22 bytes plus a comment of up to 65535 bytes. */
  for (gsize pos = len - EOCD_SIZE;; pos--)
    {
      if (rd32 (d + pos) == SIG_EOCD && pos + EOCD_SIZE + rd16 (d + pos + 20) <= len)
        {
          eocd = pos;
          found = TRUE;
          break;
        }
      if (pos == 0 || len - EOCD_SIZE - pos >= 0xffff)
        break;
    }
  if (!found)
    return corrupt (error);

  if (rd16 (d + eocd + 4) != 0 || rd16 (d + eocd + 6) != 0)
    {
      g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSUPPORTED,
                           _("Archives split over several files are not supported."));
      return FALSE;
    }
  n_entries = rd16 (d + eocd + 10);
  cd_size = rd32 (d + eocd + 12);
  cd_offset = rd32 (d + eocd + 16);
  if (n_entries == 0xffff || cd_size == 0xffffffffu || cd_offset == 0xffffffffu)
    {
      g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSUPPORTED,
                           _("Very large (ZIP64) archives are not supported."));
      return FALSE;
    }
  cd_end = cd_offset + cd_size;
  if (cd_end > eocd || rd16 (d + eocd + 8) != n_entries)
    return corrupt (error);

  p = cd_offset;
  for (guint i = 0; i < n_entries; i++)
    {
      Entry entry = { 0 };
      guint16 name_len, extra_len, comment_len;
      const char *raw_name;

      if (p + CENTRAL_SIZE > cd_end || rd32 (d + p) != SIG_CENTRAL)
        return corrupt (error);
      entry.flags = rd16 (d + p + 8);
      entry.method = rd16 (d + p + 10);
      entry.crc = rd32 (d + p + 16);
      entry.csize = rd32 (d + p + 20);
      entry.usize = rd32 (d + p + 24);
      name_len = rd16 (d + p + 28);
      extra_len = rd16 (d + p + 30);
      comment_len = rd16 (d + p + 32);
      entry.offset = rd32 (d + p + 42);
      if (p + CENTRAL_SIZE + name_len + extra_len + comment_len > cd_end)
        return corrupt (error);
      if (entry.csize == 0xffffffffu || entry.usize == 0xffffffffu || entry.offset == 0xffffffffu)
        {
          g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSUPPORTED,
                               _("Very large (ZIP64) archives are not supported."));
          return FALSE;
        }
      if (entry.flags & FLAG_ENCRYPTED)
        {
          g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSUPPORTED,
                               _("Password-protected archives are not supported."));
          return FALSE;
        }

      raw_name = (const char *) d + p + CENTRAL_SIZE;
      if (memchr (raw_name, '\0', name_len) != NULL)
        {
          g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSAFE_NAME,
                               _("The archive contains a file with an unsafe name."));
          return FALSE;
        }
      /* Names without the UTF-8 flag are CP 437 in theory; non-ASCII bytes become
       * replacement characters, which is enough to recognise the files we read. */
      entry.name = g_utf8_make_valid (raw_name, name_len);
      if (!xpz_zip_name_is_safe (entry.name))
        {
          g_free (entry.name);
          g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSAFE_NAME,
                               _("The archive contains a file with an unsafe name."));
          return FALSE;
        }
      g_array_append_val (self->entries, entry);
      p += CENTRAL_SIZE + name_len + extra_len + comment_len;
    }
  return TRUE;
}

XpzZipReader *
xpz_zip_reader_new (GBytes  *archive,
                    GError **error)
{
  g_autoptr (XpzZipReader) self = g_new0 (XpzZipReader, 1);

  g_return_val_if_fail (archive != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->bytes = g_bytes_ref (archive);
  self->data = g_bytes_get_data (archive, &self->len);
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);

  if (self->len < 4 || (memcmp (self->data, "PK\003\004", 4) != 0 && memcmp (self->data, "PK\005\006", 4) != 0))
    {
      if (self->len >= 5 && memcmp (self->data, "%PDF-", 5) == 0)
        g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_NOT_ZIP,
                             _("This file is a PDF document, not a ZIP archive."));
      else
        g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_NOT_ZIP,
                             _("This file is not a ZIP archive."));
      return NULL;
    }
  if (!read_central_directory (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
xpz_zip_reader_free (XpzZipReader *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self);
}

guint
xpz_zip_reader_get_n_entries (XpzZipReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries->len;
}

const char *
xpz_zip_reader_get_name (XpzZipReader *self,
                         guint         index)
{
  g_return_val_if_fail (self != NULL && index < self->entries->len, NULL);
  return g_array_index (self->entries, Entry, index).name;
}

/* The size the central directory declares; extraction checks it. */
guint64
xpz_zip_reader_get_size (XpzZipReader *self,
                         guint         index)
{
  g_return_val_if_fail (self != NULL && index < self->entries->len, 0);
  return g_array_index (self->entries, Entry, index).usize;
}

static gboolean
inflate_raw (const guint8  *in,
             gsize          in_len,
             guint8        *out,
             gsize          out_len,
             gsize         *produced,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr (GZlibDecompressor) inflater = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  gsize consumed = 0;

  *produced = 0;
  for (;;)
    {
      g_autoptr (GError) local_error = NULL;
      gsize bytes_read = 0, bytes_written = 0;
      GConverterResult result;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      /* out_len is one byte more than the declared size: filling it means the entry
       * inflates to more than it claims, and inflating stops there (zip bombs). */
      if (*produced == out_len)
        return corrupt (error);
      result = g_converter_convert (G_CONVERTER (inflater), in + consumed, in_len - consumed,
                                    out + *produced, out_len - *produced, G_CONVERTER_INPUT_AT_END,
                                    &bytes_read, &bytes_written, &local_error);
      if (result == G_CONVERTER_ERROR)
        return corrupt (error);
      consumed += bytes_read;
      *produced += bytes_written;
      if (result == G_CONVERTER_FINISHED)
        return TRUE;
      if (bytes_read == 0 && bytes_written == 0)
        return corrupt (error);
    }
}

GBytes *
xpz_zip_reader_extract (XpzZipReader  *self,
                        guint          index,
                        gsize          max_size,
                        GCancellable  *cancellable,
                        GError       **error)
{
  const Entry *entry;
  const guint8 *d;
  guint64 start;
  g_autofree guint8 *out = NULL;
  gsize produced = 0;

  g_return_val_if_fail (self != NULL && index < self->entries->len, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entry = &g_array_index (self->entries, Entry, index);
  d = self->data;
  if (entry->usize > max_size)
    {
      g_set_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_TOO_LARGE,
                   _("“%s” in the archive is too large."), entry->name);
      return NULL;
    }
  if ((guint64) entry->offset + LOCAL_SIZE > self->len || rd32 (d + entry->offset) != SIG_LOCAL)
    {
      corrupt (error);
      return NULL;
    }
  start = (guint64) entry->offset + LOCAL_SIZE + rd16 (d + entry->offset + 26) + rd16 (d + entry->offset + 28);
  if (start + entry->csize > self->len)
    {
      corrupt (error);
      return NULL;
    }

  out = g_malloc ((gsize) entry->usize + 1);
  switch (entry->method)
    {
    case METHOD_STORED:
      if (entry->csize != entry->usize)
        {
          corrupt (error);
          return NULL;
        }
      memcpy (out, d + start, entry->usize);
      produced = entry->usize;
      break;
    case METHOD_DEFLATE:
      if (!inflate_raw (d + start, entry->csize, out, (gsize) entry->usize + 1, &produced, cancellable, error))
        return NULL;
      if (produced != entry->usize)
        {
          corrupt (error);
          return NULL;
        }
      break;
    default:
      g_set_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSUPPORTED,
                   _("“%s” in the archive uses a compression method that is not supported."), entry->name);
      return NULL;
    }

  if (xpz_zip_crc32 (0, out, produced) != entry->crc)
    {
      g_set_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_CHECKSUM,
                   _("“%s” in the archive is damaged (checksum mismatch)."), entry->name);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&out), produced);
}

/* ---- writer ---- */

XpzZipWriter *
xpz_zip_writer_new (GOutputStream *output)
{
  XpzZipWriter *self = g_new0 (XpzZipWriter, 1);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  int year = g_date_time_get_year (now);

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), NULL);

  self->output = g_object_ref (output);
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
  year = CLAMP (year, 1980, 2107);
  self->dos_time = (guint16) ((g_date_time_get_hour (now) << 11) | (g_date_time_get_minute (now) << 5) |
                              (g_date_time_get_second (now) / 2));
  self->dos_date = (guint16) (((year - 1980) << 9) | (g_date_time_get_month (now) << 5) |
                              g_date_time_get_day_of_month (now));
  return self;
}

void
xpz_zip_writer_free (XpzZipWriter *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->output);
  g_clear_pointer (&self->entries, g_array_unref);
  g_free (self);
}

static GBytes *
deflate_raw (GBytes        *data,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr (GZlibCompressor) deflater = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, -1);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize in_len;
  const guint8 *in = g_bytes_get_data (data, &in_len);
  gsize consumed = 0;
  guint8 buffer[16384];

  for (;;)
    {
      gsize bytes_read = 0, bytes_written = 0;
      GConverterResult result;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      result = g_converter_convert (G_CONVERTER (deflater), in + consumed, in_len - consumed,
                                    buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
                                    &bytes_read, &bytes_written, error);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      consumed += bytes_read;
      g_byte_array_append (out, buffer, (guint) bytes_written);
      if (result == G_CONVERTER_FINISHED)
        return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }
}

static gboolean
too_large (GError **error)
{
  g_set_error_literal (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_TOO_LARGE,
                       _("The archive would be larger than 4 GB, which is not supported."));
  return FALSE;
}

gboolean
xpz_zip_writer_add (XpzZipWriter  *self,
                    const char    *name,
                    GBytes        *data,
                    gboolean       compress,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr (GBytes) stored = NULL;
  Entry entry = { 0 };
  guint8 header[LOCAL_SIZE];
  gsize name_len, len, stored_len;
  const guint8 *bytes;
  const guint8 *stored_bytes;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);
  g_return_val_if_fail (name != NULL && data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name_len = strlen (name);
  if (!xpz_zip_name_is_safe (name) || name_len > 0xffff)
    {
      g_set_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSAFE_NAME,
                   _("“%s” cannot be used as a file name in an archive."), name);
      return FALSE;
    }
  for (guint i = 0; i < self->entries->len; i++)
    if (g_str_equal (g_array_index (self->entries, Entry, i).name, name))
      {
        g_set_error (error, XPZ_ZIP_ERROR, XPZ_ZIP_ERROR_UNSAFE_NAME,
                     _("The archive already contains “%s”."), name);
        return FALSE;
      }
  if (self->entries->len >= XPZ_ZIP_MAX_ENTRIES - 1)
    return too_large (error);

  bytes = g_bytes_get_data (data, &len);
  if (len >= 0xffffffffu || self->offset + LOCAL_SIZE + name_len + len >= 0xffffffffu)
    return too_large (error);

  entry.method = METHOD_STORED;
  stored = g_bytes_ref (data);
  if (compress && len > 0)
    {
      g_autoptr (GBytes) deflated = deflate_raw (data, cancellable, error);

      if (deflated == NULL)
        return FALSE;
      if (g_bytes_get_size (deflated) < len)
        {
          g_bytes_unref (stored);
          stored = g_steal_pointer (&deflated);
          entry.method = METHOD_DEFLATE;
        }
    }
  stored_bytes = g_bytes_get_data (stored, &stored_len);

  entry.name = g_strdup (name);
  entry.flags = FLAG_UTF8;
  entry.crc = xpz_zip_crc32 (0, bytes, len);
  entry.csize = (guint32) stored_len;
  entry.usize = (guint32) len;
  entry.offset = (guint32) self->offset;

  wr32 (header, SIG_LOCAL);
  wr16 (header + 4, 20);
  wr16 (header + 6, entry.flags);
  wr16 (header + 8, entry.method);
  wr16 (header + 10, self->dos_time);
  wr16 (header + 12, self->dos_date);
  wr32 (header + 14, entry.crc);
  wr32 (header + 18, entry.csize);
  wr32 (header + 22, entry.usize);
  wr16 (header + 26, (guint16) name_len);
  wr16 (header + 28, 0);

  if (!g_output_stream_write_all (self->output, header, sizeof header, NULL, cancellable, error) ||
      !g_output_stream_write_all (self->output, name, name_len, NULL, cancellable, error) ||
      (stored_len > 0 && !g_output_stream_write_all (self->output, stored_bytes, stored_len, NULL, cancellable, error)))
    {
      g_free (entry.name);
      return FALSE;
    }
  self->offset += sizeof header + name_len + stored_len;
  g_array_append_val (self->entries, entry);
  return TRUE;
}

/* Writes the central directory; the stream is left open (the caller closes it). */
gboolean
xpz_zip_writer_finish (XpzZipWriter  *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  guint64 cd_offset;
  guint8 eocd[EOCD_SIZE];

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cd_offset = self->offset;
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = &g_array_index (self->entries, Entry, i);
      gsize name_len = strlen (entry->name);
      guint8 header[CENTRAL_SIZE];
      gboolean folder = g_str_has_suffix (entry->name, "/");

      wr32 (header, SIG_CENTRAL);
      wr16 (header + 4, (3 << 8) | 20); /* made by: Unix, so the mode below is used */
      wr16 (header + 6, 20);
      wr16 (header + 8, entry->flags);
      wr16 (header + 10, entry->method);
      wr16 (header + 12, self->dos_time);
      wr16 (header + 14, self->dos_date);
      wr32 (header + 16, entry->crc);
      wr32 (header + 20, entry->csize);
      wr32 (header + 24, entry->usize);
      wr16 (header + 28, (guint16) name_len);
      wr16 (header + 30, 0);
      wr16 (header + 32, 0);
      wr16 (header + 34, 0);
      wr16 (header + 36, 0);
      wr32 (header + 38, folder ? (040755u << 16) | 0x10 : 0100644u << 16);
      wr32 (header + 42, entry->offset);
      if (self->offset + sizeof header + name_len >= 0xffffffffu)
        return too_large (error);
      if (!g_output_stream_write_all (self->output, header, sizeof header, NULL, cancellable, error) ||
          !g_output_stream_write_all (self->output, entry->name, name_len, NULL, cancellable, error))
        return FALSE;
      self->offset += sizeof header + name_len;
    }

  wr32 (eocd, SIG_EOCD);
  wr16 (eocd + 4, 0);
  wr16 (eocd + 6, 0);
  wr16 (eocd + 8, (guint16) self->entries->len);
  wr16 (eocd + 10, (guint16) self->entries->len);
  wr32 (eocd + 12, (guint32) (self->offset - cd_offset));
  wr32 (eocd + 16, (guint32) cd_offset);
  wr16 (eocd + 20, 0);
  if (!g_output_stream_write_all (self->output, eocd, sizeof eocd, NULL, cancellable, error))
    return FALSE;
  self->finished = TRUE;
  return g_output_stream_flush (self->output, cancellable, error);
}
