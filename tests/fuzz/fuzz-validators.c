/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "xpz-fold.h"
#include "xpz-validate.h"

/* libFuzzer: the model layer's validators and the search folding take whatever a user
 * or an import file gives them. None may crash, and what they accept must be stable. */

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *email = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *url = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *query = NULL;
  char *half;

  if (!g_utf8_validate (text, -1, NULL))
    return 0;

  email = xpz_validate_email (text, NULL);
  phone = xpz_validate_phone (text, XPZ_DEFAULT_REGION, NULL);
  url = xpz_validate_linkedin_url (text, NULL);
  currency = xpz_validate_currency (text, NULL);
  (void) xpz_validate_date (text, NULL);
  half = text + strlen (text) / 2;
  (void) xpz_validate_date_range (text, half, NULL);
  folded = xpz_fold_text (text);
  query = xpz_fold_fts_query (text);

  /* Normalised values are fixed points: validating them again gives them back. */
  if (phone != NULL)
    {
      g_autofree char *again = xpz_validate_phone (phone, XPZ_DEFAULT_REGION, NULL);
      g_assert_cmpstr (again, ==, phone);
    }
  if (email != NULL)
    {
      g_autofree char *again = xpz_validate_email (email, NULL);
      g_assert_cmpstr (again, ==, email);
    }
  if (url != NULL)
    {
      g_autofree char *again = xpz_validate_linkedin_url (url, NULL);
      g_assert_cmpstr (again, ==, url);
    }
  return 0;
}
