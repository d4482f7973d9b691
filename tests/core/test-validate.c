/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xpz-validate.h"

static void
test_email (void)
{
  static const struct { const char *in; const char *out; } good[] = {
    { "info@xpertaize.com", "info@xpertaize.com" },
    { "  Salma.B+jobs@Example.MA ", "Salma.B+jobs@example.ma" },
    { "a_b-c@sub.domain.co.uk", "a_b-c@sub.domain.co.uk" },
    { "user@xn--mgbh0fb.xn--mgbc0a9azcg", "user@xn--mgbh0fb.xn--mgbc0a9azcg" },
  };
  static const char * const bad[] = {
    "plainaddress", "@example.com", "a@b", "a@@example.com", "a@example..com",
    ".a@example.com", "a.@example.com", "a..b@example.com", "a@-example.com",
    "a@example.c", "a b@example.com", "a@exa mple.com", "a@example.com.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = xpz_validate_email (good[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = xpz_validate_email (bad[i], &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (out);
      g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMAIL);
      g_assert_cmpstr (error->message, !=, "");
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (xpz_validate_email ("   ", &error));
    g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_EMPTY);
  }
}

static void
test_phone_e164 (void)
{
  static const struct { const char *in; const char *out; } good[] = {
    { "0612345678", "+212612345678" },
    { "06 12 34 56 78", "+212612345678" },
    { "06.12.34.56.78", "+212612345678" },
    { "06-12-34-56-78", "+212612345678" },
    { "+212 5290-29640", "+212529029640" },
    { "+212 (0) 5290-29640", "+212529029640" },
    { "+212529029640", "+212529029640" },
    { "00212529029640", "+212529029640" },
    { "00 212 6 12 34 56 78", "+212612345678" },
    { "+212 0612345678", "+212612345678" },
    { "0522 12 34 56", "+212522123456" },
    { "0712345678", "+212712345678" },
    { "612345678", "+212612345678" },
    { "+33 6 12 34 56 78", "+33612345678" },
    { "+33 (0)1 23 45 67 89", "+33123456789" },
    { "+1 (415) 555-2671", "+14155552671" },
    { "+49 30 1234567", "+49301234567" },
    { "+212\xc2\xa0" "612345678", "+212612345678" },
  };
  static const struct { const char *in; int code; } bad[] = {
    { "06 12 34 56 7a", XPZ_VALIDATE_ERROR_PHONE_CHARACTERS },
    { "call me", XPZ_VALIDATE_ERROR_PHONE_CHARACTERS },
    { "+212 6 12 34 56 78 #1", XPZ_VALIDATE_ERROR_PHONE_CHARACTERS },
    { "0612", XPZ_VALIDATE_ERROR_PHONE_TOO_SHORT },
    { "+212 6123", XPZ_VALIDATE_ERROR_PHONE_TOO_SHORT },
    { "+49 301", XPZ_VALIDATE_ERROR_PHONE_TOO_SHORT },
    { "06123456789", XPZ_VALIDATE_ERROR_PHONE_TOO_LONG },
    { "+212 6 12 34 56 78 99", XPZ_VALIDATE_ERROR_PHONE_TOO_LONG },
    { "+49 3012 3456 7890 12", XPZ_VALIDATE_ERROR_PHONE_TOO_LONG },
    { "0112345678", XPZ_VALIDATE_ERROR_PHONE_INVALID },
    { "", XPZ_VALIDATE_ERROR_EMPTY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = xpz_validate_phone (good[i].in, "MA", &error);

      g_test_message ("%s", good[i].in);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = xpz_validate_phone (bad[i].in, NULL, &error);

      g_test_message ("%s", bad[i].in);
      g_assert_null (out);
      g_assert_error (error, XPZ_VALIDATE_ERROR, bad[i].code);
    }
}

static void
test_linkedin (void)
{
  static const struct { const char *in; const char *out; } good[] = {
    { "https://www.linkedin.com/in/salma-benali/", "https://www.linkedin.com/in/salma-benali/" },
    { "https://www.linkedin.com/in/salma-benali", "https://www.linkedin.com/in/salma-benali/" },
    { "http://linkedin.com/in/Salma-Benali", "https://www.linkedin.com/in/salma-benali/" },
    { "linkedin.com/in/salma-benali", "https://www.linkedin.com/in/salma-benali/" },
    { "www.linkedin.com/in/salma-benali/?trk=public", "https://www.linkedin.com/in/salma-benali/" },
    { "https://ma.linkedin.com/in/salma-benali-12345#about", "https://www.linkedin.com/in/salma-benali-12345/" },
    { "  https://fr.linkedin.com/in/jean_dupont/  ", "https://www.linkedin.com/in/jean_dupont/" },
  };
  static const struct { const char *in; int code; } bad[] = {
    { "https://www.linkedln.com/in/salma/", XPZ_VALIDATE_ERROR_NOT_LINKEDIN },
    { "https://linkedin.com.evil.example/in/salma/", XPZ_VALIDATE_ERROR_NOT_LINKEDIN },
    { "https://evil.example/linkedin.com/in/salma", XPZ_VALIDATE_ERROR_NOT_LINKEDIN },
    { "https://www.linkedin.com/company/xpertaize/", XPZ_VALIDATE_ERROR_LINKEDIN_PROFILE },
    { "https://www.linkedin.com/in/", XPZ_VALIDATE_ERROR_LINKEDIN_PROFILE },
    { "https://www.linkedin.com/in/salma/details/skills/", XPZ_VALIDATE_ERROR_LINKEDIN_PROFILE },
    { "https://www.linkedin.com/in/sa", XPZ_VALIDATE_ERROR_LINKEDIN_PROFILE },
    { "ftp://www.linkedin.com/in/salma", XPZ_VALIDATE_ERROR_URL },
    { "https://user@www.linkedin.com/in/salma", XPZ_VALIDATE_ERROR_URL },
    { "", XPZ_VALIDATE_ERROR_EMPTY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = xpz_validate_linkedin_url (good[i].in, &error);

      g_test_message ("%s", good[i].in);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = xpz_validate_linkedin_url (bad[i].in, &error);

      g_test_message ("%s", bad[i].in);
      g_assert_null (out);
      g_assert_error (error, XPZ_VALIDATE_ERROR, bad[i].code);
    }
}

static void
test_date_range (void)
{
  static const struct { const char *start; const char *end; int code; } cases[] = {
    { "2020-01", NULL, -1 },
    { "2020-01", "", -1 },
    { "2020-01", "2020-01", -1 },
    { "2020-01", "2024-09-15", -1 },
    { "2020-01-31", "2020-01", -1 },
    { "2024-02-29", "2024-03-01", -1 },
    { "2020-05", "2020-04", XPZ_VALIDATE_ERROR_DATE_ORDER },
    { "2020-05-10", "2020-05-09", XPZ_VALIDATE_ERROR_DATE_ORDER },
    { "2021-01", "2020-12-31", XPZ_VALIDATE_ERROR_DATE_ORDER },
    { "2020-13", NULL, XPZ_VALIDATE_ERROR_DATE },
    { "2023-02-29", NULL, XPZ_VALIDATE_ERROR_DATE },
    { "2020/01", NULL, XPZ_VALIDATE_ERROR_DATE },
    { "20-01", NULL, XPZ_VALIDATE_ERROR_DATE },
    { "2020-01", "soon", XPZ_VALIDATE_ERROR_DATE },
    { NULL, NULL, XPZ_VALIDATE_ERROR_EMPTY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = xpz_validate_date_range (cases[i].start, cases[i].end, &error);

      g_test_message ("%s .. %s", cases[i].start, cases[i].end);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, XPZ_VALIDATE_ERROR, cases[i].code);
        }
    }
}

static void
test_salary (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;

  g_assert_true (xpz_validate_salary (TRUE, 10000, TRUE, 15000, NULL, NULL, &currency, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (currency, ==, "MAD");
  g_clear_pointer (&currency, g_free);

  g_assert_true (xpz_validate_salary (TRUE, 50, FALSE, 0, "eur", "hour", &currency, &error));
  g_assert_cmpstr (currency, ==, "EUR");
  g_assert_true (xpz_validate_salary (TRUE, 100, TRUE, 100, "USD", "year", NULL, &error));
  g_assert_true (xpz_validate_salary (FALSE, 0, TRUE, 9000, "MAD", "day", NULL, &error));

  g_assert_false (xpz_validate_salary (TRUE, -1, FALSE, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_SALARY_NEGATIVE);
  g_clear_error (&error);
  g_assert_false (xpz_validate_salary (TRUE, 200, TRUE, 100, NULL, NULL, NULL, &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_SALARY_ORDER);
  g_clear_error (&error);
  g_assert_false (xpz_validate_salary (TRUE, 1, TRUE, 2, "XYZ", NULL, NULL, &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_CURRENCY);
  g_clear_error (&error);
  g_assert_false (xpz_validate_salary (TRUE, 1, TRUE, 2, "DIRHAM", NULL, NULL, &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_CURRENCY);
  g_clear_error (&error);
  g_assert_false (xpz_validate_salary (TRUE, 1, TRUE, 2, "MAD", "week", NULL, &error));
  g_assert_error (error, XPZ_VALIDATE_ERROR, XPZ_VALIDATE_ERROR_PERIOD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/R2.1/email", test_email);
  g_test_add_func ("/validate/R2.1/phone-e164", test_phone_e164);
  g_test_add_func ("/validate/R2.2/linkedin-url", test_linkedin);
  g_test_add_func ("/validate/R2.2/date-range", test_date_range);
  g_test_add_func ("/validate/R2.2/salary", test_salary);

  return g_test_run ();
}
