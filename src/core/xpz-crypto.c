/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-crypto"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "xpz-crypto.h"

/* At-rest encryption (R9.2): XChaCha20-Poly1305 (IETF) with a random 192-bit
 * nonce per value. The associated data binds a value to its table, column and
 * row, so that a ciphertext copied to another row or column fails to decrypt.
 *
 * Blob layout: 1 byte format version (1) | 24 bytes nonce | ciphertext + 16 byte tag. */

#define BLOB_VERSION 1
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define HEADER_BYTES (1 + NONCE_BYTES)

G_DEFINE_QUARK (xpz-crypto-error-quark, xpz_crypto_error)

G_STATIC_ASSERT (XPZ_CRYPTO_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

gboolean
xpz_crypto_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_INIT,
                   _("The encryption library could not be initialised"));
      return FALSE;
    }
  return TRUE;
}

/**
 * xpz_crypto_generate_key:
 *
 * Returns: (transfer full): a new random 32-byte key
 */
GBytes *
xpz_crypto_generate_key (void)
{
  guint8 *key;

  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");

  key = g_malloc (XPZ_CRYPTO_KEY_BYTES);
  crypto_aead_xchacha20poly1305_ietf_keygen (key);
  return g_bytes_new_take (key, XPZ_CRYPTO_KEY_BYTES);
}

char *
xpz_crypto_aad (const char *table,
                const char *column,
                gint64      row_id)
{
  return g_strdup_printf ("xpz1/%s/%s/%" G_GINT64_FORMAT, table, column, row_id);
}

static gboolean
check_key (GBytes  *key,
           GError **error)
{
  if (key == NULL || g_bytes_get_size (key) != XPZ_CRYPTO_KEY_BYTES)
    {
      g_set_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_BAD_KEY,
                   _("The encryption key is missing or damaged"));
      return FALSE;
    }
  if (sodium_init () < 0)
    {
      g_set_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_INIT,
                   _("The encryption library could not be initialised"));
      return FALSE;
    }
  return TRUE;
}

/**
 * xpz_crypto_encrypt:
 *
 * Returns: (transfer full): the encrypted blob, or %NULL with @error set
 */
GBytes *
xpz_crypto_encrypt (GBytes        *key,
                    const guint8  *plaintext,
                    gsize          length,
                    const char    *aad,
                    GError       **error)
{
  guint8 *out;
  unsigned long long out_len = 0;

  g_return_val_if_fail (plaintext != NULL || length == 0, NULL);
  g_return_val_if_fail (aad != NULL, NULL);

  if (!check_key (key, error))
    return NULL;

  out = g_malloc (HEADER_BYTES + length + TAG_BYTES);
  out[0] = BLOB_VERSION;
  randombytes_buf (out + 1, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + HEADER_BYTES, &out_len,
                                              plaintext, length,
                                              (const guint8 *) aad, strlen (aad),
                                              NULL, out + 1,
                                              g_bytes_get_data (key, NULL));

  return g_bytes_new_take (out, HEADER_BYTES + out_len);
}

/**
 * xpz_crypto_decrypt:
 *
 * Returns: (transfer full): the plaintext (followed by a hidden NUL byte, so
 *   text can be read as a C string), or %NULL with @error set
 */
GBytes *
xpz_crypto_decrypt (GBytes        *key,
                    const guint8  *blob,
                    gsize          length,
                    const char    *aad,
                    GError       **error)
{
  guint8 *out;
  unsigned long long out_len = 0;

  g_return_val_if_fail (aad != NULL, NULL);

  if (!check_key (key, error))
    return NULL;

  if (blob == NULL || length < HEADER_BYTES + TAG_BYTES || blob[0] != BLOB_VERSION)
    {
      g_set_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_FORMAT,
                   _("An encrypted value is damaged"));
      return NULL;
    }

  out = g_malloc (length - HEADER_BYTES - TAG_BYTES + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &out_len, NULL,
                                                  blob + HEADER_BYTES, length - HEADER_BYTES,
                                                  (const guint8 *) aad, strlen (aad),
                                                  blob + 1,
                                                  g_bytes_get_data (key, NULL)) != 0)
    {
      g_free (out);
      g_set_error (error, XPZ_CRYPTO_ERROR, XPZ_CRYPTO_ERROR_AUTHENTICATION,
                   _("An encrypted value could not be read with this account’s key"));
      return NULL;
    }
  out[out_len] = '\0';

  return g_bytes_new_take (out, out_len);
}
