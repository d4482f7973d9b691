/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XPZ_VALIDATE_ERROR (xpz_validate_error_quark ())

typedef enum
{
  XPZ_VALIDATE_ERROR_EMPTY,
  XPZ_VALIDATE_ERROR_EMAIL,
  XPZ_VALIDATE_ERROR_PHONE_CHARACTERS,
  XPZ_VALIDATE_ERROR_PHONE_TOO_SHORT,
  XPZ_VALIDATE_ERROR_PHONE_TOO_LONG,
  XPZ_VALIDATE_ERROR_PHONE_INVALID,
  XPZ_VALIDATE_ERROR_URL,
  XPZ_VALIDATE_ERROR_NOT_LINKEDIN,
  XPZ_VALIDATE_ERROR_LINKEDIN_PROFILE,
  XPZ_VALIDATE_ERROR_DATE,
  XPZ_VALIDATE_ERROR_DATE_ORDER,
  XPZ_VALIDATE_ERROR_SALARY_NEGATIVE,
  XPZ_VALIDATE_ERROR_SALARY_ORDER,
  XPZ_VALIDATE_ERROR_CURRENCY,
  XPZ_VALIDATE_ERROR_PERIOD,
} XpzValidateError;

#define XPZ_DEFAULT_CURRENCY "MAD"
#define XPZ_DEFAULT_REGION "MA"

GQuark    xpz_validate_error_quark     (void);

char     *xpz_validate_email           (const char  *input,
                                        GError     **error);
char     *xpz_validate_phone           (const char  *input,
                                        const char  *default_region,
                                        GError     **error);
char     *xpz_validate_linkedin_url    (const char  *input,
                                        GError     **error);
gboolean  xpz_validate_date            (const char  *date,
                                        GError     **error);
gboolean  xpz_validate_date_range      (const char  *start,
                                        const char  *end,
                                        GError     **error);
char     *xpz_validate_currency        (const char  *currency,
                                        GError     **error);
gboolean  xpz_validate_salary          (gboolean     has_min,
                                        gint64       min,
                                        gboolean     has_max,
                                        gint64       max,
                                        const char  *currency,
                                        const char  *period,
                                        char       **out_currency,
                                        GError     **error);

G_END_DECLS
