/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-validate"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-validate.h"

/* Validation in the model layer, shared by the UI and by imports. Each
 * function normalises what it accepts, and rejects with a specific,
 * translatable message. Messages never quote the input: they can end up in
 * a log. */

G_DEFINE_QUARK (xpz-validate-error-quark, xpz_validate_error)

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* --- Email ------------------------------------------------------------- */

static gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

static gboolean
valid_domain (const char *domain)
{
  g_auto(GStrv) labels = NULL;
  guint n;
  const char *tld;

  if (*domain == '\0' || strlen (domain) > 253)
    return FALSE;
  labels = g_strsplit (domain, ".", -1);
  n = g_strv_length (labels);
  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const char *label = labels[i];
      gsize len = strlen (label);

      if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
        return FALSE;
      for (const char *p = label; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c != '-' && !g_unichar_isalnum (c))
            return FALSE;
        }
    }
  tld = labels[n - 1];
  if (g_utf8_strlen (tld, -1) < 2)
    return FALSE;
  for (const char *p = tld; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isalpha (g_utf8_get_char (p)) && !g_str_has_prefix (tld, "xn--"))
      return FALSE;
  return TRUE;
}

/**
 * xpz_validate_email:
 *
 * Returns: (transfer full): the address, trimmed, with its domain in lower
 *   case; %NULL with @error set if it is not a valid address
 */
char *
xpz_validate_email (const char  *input,
                    GError     **error)
{
  g_autofree char *email = NULL;
  g_autofree char *domain = NULL;
  const char *at;
  gsize local_len;

  if (is_blank (input))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMPTY,
                   _("Enter an email address."));
      return NULL;
    }

  email = g_strstrip (g_strdup (input));
  at = strrchr (email, '@');
  if (!g_utf8_validate (email, -1, NULL) || strlen (email) > 254 || at == NULL ||
      strchr (email, '@') != at)
    goto invalid;

  local_len = at - email;
  if (local_len == 0 || local_len > 64 || email[0] == '.' || email[local_len - 1] == '.')
    goto invalid;
  for (gsize i = 0; i < local_len; i++)
    {
      if (email[i] == '.' && email[i + 1] == '.')
        goto invalid;
      if (email[i] != '.' && !is_atext (email[i]))
        goto invalid;
    }

  domain = g_utf8_strdown (at + 1, -1);
  if (!valid_domain (domain))
    goto invalid;

  return g_strdup_printf ("%.*s@%s", (int) local_len, email, domain);

invalid:
  g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMAIL,
               _("This is not a valid email address. It should look like name@example.com."));
  return NULL;
}

/* --- Phone ------------------------------------------------------------- */

/* Country calling codes are prefix-free: 1-3 digits. This table holds the
 * regions the app offers as a default; other numbers must be written in
 * international form. */
static const struct
{
  const char *region;
  const char *code;
  guint       nsn_min;
  guint       nsn_max;
} regions[] = {
  { "MA", "212", 9, 9 },
  { "FR", "33", 9, 9 },
  { "DZ", "213", 8, 9 },
  { "TN", "216", 8, 8 },
  { "ES", "34", 9, 9 },
  { "BE", "32", 8, 9 },
  { "US", "1", 10, 10 },
  { "GB", "44", 9, 10 },
};

/**
 * xpz_validate_phone:
 * @default_region: (nullable): ISO 3166 region for national numbers, "MA"
 *   when %NULL
 *
 * Accepts international (+212 …, 00212 …) and national (06 12 34 56 78)
 * forms, with spaces, dots, dashes, parentheses and an optional "(0)" trunk
 * prefix after the country code.
 *
 * Returns: (transfer full): the number in E.164 form (+212612345678)
 */
char *
xpz_validate_phone (const char  *input,
                    const char  *default_region,
                    GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autofree char *work = NULL;
  gboolean international = FALSE;
  const char *p;
  const char *cc = NULL;
  const char *nsn;
  guint nsn_min = 4, nsn_max = 14;

  if (is_blank (input))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMPTY,
                   _("Enter a phone number."));
      return NULL;
    }
  if (default_region == NULL)
    default_region = XPZ_DEFAULT_REGION;

  work = g_strstrip (g_strdup (input));
  p = work;
  if (*p == '+')
    {
      international = TRUE;
      p++;
    }

  for (; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p == '(' && p[1] == '0' && p[2] == ')' && international && digits->len > 0)
        p += 2; /* "+212 (0) 5…": the national trunk prefix, dropped */
      else if (p[0] == '\xc2' && p[1] == '\xa0')
        p++; /* no-break space */
      else if (strchr (" .-()/", *p) == NULL)
        {
          g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PHONE_CHARACTERS,
                       _("A phone number can only contain digits, spaces, dashes, dots, "
                         "parentheses and a leading +."));
          return NULL;
        }
    }

  if (!international && g_str_has_prefix (digits->str, "00"))
    {
      international = TRUE;
      g_string_erase (digits, 0, 2);
    }

  if (international)
    {
      for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
        if (g_str_has_prefix (digits->str, regions[i].code))
          {
            cc = regions[i].code;
            nsn_min = regions[i].nsn_min;
            nsn_max = regions[i].nsn_max;
            break;
          }
      if (cc == NULL)
        {
          /* Unknown country: E.164 allows at most 15 digits in all. */
          if (digits->len < 8)
            goto too_short;
          if (digits->len > 15)
            goto too_long;
          return g_strconcat ("+", digits->str, NULL);
        }
      nsn = digits->str + strlen (cc);
      /* "+212 0612…": a trunk 0 written after the country code */
      if (*nsn == '0' && strlen (nsn) == nsn_max + 1)
        nsn++;
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
        if (g_ascii_strcasecmp (regions[i].region, default_region) == 0)
          {
            cc = regions[i].code;
            nsn_min = regions[i].nsn_min;
            nsn_max = regions[i].nsn_max;
            break;
          }
      if (cc == NULL)
        {
          g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PHONE_INVALID,
                       _("Write the phone number in international form, starting with + and the country code."));
          return NULL;
        }
      nsn = digits->str;
      /* The trunk prefix: 0 in Morocco, France and most of Europe and Africa */
      if (*nsn == '0')
        nsn++;
      else if (g_str_equal (cc, "1") && *nsn == '1')
        nsn++;
    }

  if (strlen (nsn) < nsn_min)
    goto too_short;
  if (strlen (nsn) > nsn_max)
    goto too_long;
  if (*nsn == '0')
    goto invalid;
  if (g_str_equal (cc, "212") && (nsn[0] < '5' || nsn[0] > '8'))
    goto invalid;

  return g_strconcat ("+", cc, nsn, NULL);

too_short:
  g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PHONE_TOO_SHORT,
               _("This phone number is too short."));
  return NULL;
too_long:
  g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PHONE_TOO_LONG,
               _("This phone number is too long."));
  return NULL;
invalid:
  g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PHONE_INVALID,
               _("This is not a valid phone number for its country."));
  return NULL;
}

/* --- LinkedIn ---------------------------------------------------------- */

static gboolean
is_linkedin_host (const char *host)
{
  const char *dot;

  if (g_str_equal (host, "linkedin.com") || g_str_equal (host, "www.linkedin.com"))
    return TRUE;
  /* Country sites: fr.linkedin.com, ma.linkedin.com … */
  dot = strchr (host, '.');
  return dot != NULL && dot - host == 2 &&
         g_ascii_isalpha (host[0]) && g_ascii_isalpha (host[1]) &&
         g_str_equal (dot + 1, "linkedin.com");
}

/**
 * xpz_validate_linkedin_url:
 *
 * Accepts a LinkedIn member profile address, with or without scheme, "www.",
 * country subdomain, trailing slash, query or fragment.
 *
 * Returns: (transfer full): https://www.linkedin.com/in/<slug>/
 */
char *
xpz_validate_linkedin_url (const char  *input,
                           GError     **error)
{
  g_autofree char *work = NULL;
  g_autofree char *host = NULL;
  g_autofree char *slug = NULL;
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) segments = NULL;
  const char *path;
  guint n_segments;

  if (is_blank (input))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMPTY,
                   _("Enter the address of your LinkedIn profile."));
      return NULL;
    }

  work = g_strstrip (g_strdup (input));
  if (strstr (work, "://") == NULL)
    {
      char *with_scheme = g_strconcat ("https://", work, NULL);

      g_free (work);
      work = with_scheme;
    }

  uri = g_uri_parse (work, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 &&
       g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0) ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_port (uri) != -1)
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_URL,
                   _("This is not a valid web address."));
      return NULL;
    }

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  if (!is_linkedin_host (host))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_NOT_LINKEDIN,
                   _("This is not a LinkedIn address. It should start with https://www.linkedin.com/in/."));
      return NULL;
    }

  path = g_uri_get_path (uri);
  segments = g_strsplit (path, "/", -1);
  n_segments = g_strv_length (segments);
  /* "", "in", "<slug>" and an optional "" for the trailing slash */
  if (n_segments < 3 || n_segments > 4 || segments[0][0] != '\0' ||
      g_ascii_strcasecmp (segments[1], "in") != 0 ||
      (n_segments == 4 && segments[3][0] != '\0'))
    goto not_profile;

  slug = g_ascii_strdown (segments[2], -1);
  if (strlen (slug) < 3 || strlen (slug) > 200)
    goto not_profile;
  for (const char *p = slug; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '%')
      goto not_profile;

  return g_strdup_printf ("https://www.linkedin.com/in/%s/", slug);

not_profile:
  g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_LINKEDIN_PROFILE,
               _("This is not the address of a LinkedIn profile. It should look like https://www.linkedin.com/in/your-name/."));
  return NULL;
}

/* --- Dates ------------------------------------------------------------- */

static gboolean
parse_date (const char *date,
            int        *year,
            int        *month,
            int        *day)
{
  gsize len;

  if (date == NULL)
    return FALSE;
  len = strlen (date);
  if (len != 7 && len != 10)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (i == 4 || i == 7)
        {
          if (date[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (date[i]))
        return FALSE;
    }
  *year = g_ascii_digit_value (date[0]) * 1000 + g_ascii_digit_value (date[1]) * 100 +
          g_ascii_digit_value (date[2]) * 10 + g_ascii_digit_value (date[3]);
  *month = g_ascii_digit_value (date[5]) * 10 + g_ascii_digit_value (date[6]);
  *day = len == 10 ? g_ascii_digit_value (date[8]) * 10 + g_ascii_digit_value (date[9]) : 0;

  if (*year < 1900 || *year > 2200 || *month < 1 || *month > 12)
    return FALSE;
  if (len == 10 && !g_date_valid_dmy (*day, *month, *year))
    return FALSE;
  return TRUE;
}

/**
 * xpz_validate_date:
 *
 * Accepts YYYY-MM and YYYY-MM-DD.
 */
gboolean
xpz_validate_date (const char  *date,
                   GError     **error)
{
  int y, m, d;

  if (is_blank (date))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMPTY,
                   _("Enter a date."));
      return FALSE;
    }
  if (!parse_date (date, &y, &m, &d))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_DATE,
                   _("This is not a valid date. Use year and month (2024-09) or a full date (2024-09-15)."));
      return FALSE;
    }
  return TRUE;
}

/**
 * xpz_validate_date_range:
 * @end: (nullable): %NULL or "" for an open range (ongoing)
 *
 * A range whose ends have different precision compares on what both have:
 * 2024-09 to 2024-09-15 is valid.
 */
gboolean
xpz_validate_date_range (const char  *start,
                         const char  *end,
                         GError     **error)
{
  int sy, sm, sd, ey, em, ed;

  if (!xpz_validate_date (start, error))
    return FALSE;
  if (end == NULL || *end == '\0')
    return TRUE;
  if (!xpz_validate_date (end, error))
    return FALSE;

  parse_date (start, &sy, &sm, &sd);
  parse_date (end, &ey, &em, &ed);
  if (ey < sy || (ey == sy && em < sm) ||
      (ey == sy && em == sm && sd != 0 && ed != 0 && ed < sd))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_DATE_ORDER,
                   _("The end date is before the start date."));
      return FALSE;
    }
  return TRUE;
}

/* --- Salary ------------------------------------------------------------ */

/* ISO 4217 active currency codes. */
static const char iso4217[] =
  "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL "
  "BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP "
  "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR "
  "IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL "
  "LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR "
  "NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD "
  "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX "
  "USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

/**
 * xpz_validate_currency:
 * @currency: (nullable): a code; %NULL or "" for the default (MAD)
 *
 * Returns: (transfer full): the upper-case ISO 4217 code
 */
char *
xpz_validate_currency (const char  *currency,
                       GError     **error)
{
  g_autofree char *code = NULL;

  if (is_blank (currency))
    return g_strdup (XPZ_DEFAULT_CURRENCY);

  code = g_ascii_strup (currency, -1);
  g_strstrip (code);
  if (strlen (code) != 3 || !g_ascii_isalpha (code[0]) || !g_ascii_isalpha (code[1]) ||
      !g_ascii_isalpha (code[2]) || strstr (iso4217, code) == NULL)
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_CURRENCY,
                   _("This is not a known currency. Use a three-letter code such as MAD or EUR."));
      return NULL;
    }
  return g_steal_pointer (&code);
}

/**
 * xpz_validate_salary:
 * @period: (nullable): "year", "month", "day" or "hour"; %NULL for "month"
 * @out_currency: (out) (optional): the normalised currency code
 */
gboolean
xpz_validate_salary (gboolean     has_min,
                     gint64       min,
                     gboolean     has_max,
                     gint64       max,
                     const char  *currency,
                     const char  *period,
                     char       **out_currency,
                     GError     **error)
{
  static const char * const periods[] = { "year", "month", "day", "hour" };
  g_autofree char *code = NULL;
  gboolean period_ok = FALSE;

  if ((has_min && min < 0) || (has_max && max < 0))
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_SALARY_NEGATIVE,
                   _("A salary cannot be negative."));
      return FALSE;
    }
  if (has_min && has_max && min > max)
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_SALARY_ORDER,
                   _("The minimum salary is higher than the maximum."));
      return FALSE;
    }
  code = xpz_validate_currency (currency, error);
  if (code == NULL)
    return FALSE;

  if (period == NULL || *period == '\0')
    period_ok = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (periods) && !period_ok; i++)
    period_ok = g_str_equal (period, periods[i]);
  if (!period_ok)
    {
      g_set_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PERIOD,
                   _("Choose whether the salary is per year, month, day or hour."));
      return FALSE;
    }

  if (out_currency != NULL)
    *out_currency = g_steal_pointer (&code);
  return TRUE;
}
