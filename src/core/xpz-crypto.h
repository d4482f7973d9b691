/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XPZ_CRYPTO_KEY_BYTES 32

#define XPZ_CRYPTO_ERROR (xpz_crypto_error_quark ())

typedef enum
{
  XPZ_CRYPTO_ERROR_INIT,
  XPZ_CRYPTO_ERROR_BAD_KEY,
  XPZ_CRYPTO_ERROR_FORMAT,
  XPZ_CRYPTO_ERROR_AUTHENTICATION,
} XpzCryptoError;

GQuark      xpz_crypto_error_quark  (void);

gboolean    xpz_crypto_init         (GError       **error);
GBytes     *xpz_crypto_generate_key (void);
char       *xpz_crypto_aad          (const char    *table,
                                     const char    *column,
                                     gint64         row_id);
GBytes     *xpz_crypto_encrypt      (GBytes        *key,
                                     const guint8  *plaintext,
                                     gsize          length,
                                     const char    *aad,
                                     GError       **error);
GBytes     *xpz_crypto_decrypt      (GBytes        *key,
                                     const guint8  *blob,
                                     gsize          length,
                                     const char    *aad,
                                     GError       **error);

G_END_DECLS
