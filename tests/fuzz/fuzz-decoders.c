/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xpz-api-response.h"
#include "xpz-secrets.h"

/* libFuzzer: what the client decodes from outside — a credentials bundle read back
 * from the Secret Service, and any platform answer (status from the first byte). */

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;
  g_autoptr (XpzCredentials) credentials = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  guint status;

  if (size < 1)
    return 0;
  status = 200 + data[0] % 4 * 100 + data[0] / 4 % 30;
  text = g_strndup ((const char *) data + 1, size - 1);

  credentials = xpz_credentials_from_json (text, NULL);
  if (credentials != NULL)
    {
      g_autofree char *again = xpz_credentials_to_json (credentials);
      g_assert_nonnull (again);
    }

  if (json_parser_load_from_data (parser, text, -1, NULL))
    {
      response = xpz_api_response_new (status, json_parser_get_root (parser), NULL, -1);
      (void) xpz_api_response_get_error_code (response);
      (void) xpz_api_response_get_error_message (response);
      if (!xpz_api_response_check (response, &error))
        g_assert_true (error->domain == XPZ_API_ERROR && error->message != NULL);
    }
  return 0;
}
