/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "xpz-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (XpzApplication) app = NULL;
  g_autofree char *localedir = NULL;

  setlocale (LC_ALL, "");
  /* XPZ_LOCALEDIR: the build's catalogues, for `build-aux/xpz run` and the tests, which
   * run the app uninstalled (meson puts them in BUILD/po/LANG/LC_MESSAGES). */
  localedir = g_strdup (g_getenv ("XPZ_LOCALEDIR"));
  if (localedir == NULL || !g_file_test (localedir, G_FILE_TEST_IS_DIR))
    {
      g_free (localedir);
      localedir = g_strdup (LOCALEDIR);
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = xpz_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
