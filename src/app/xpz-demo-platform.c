/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-demo-platform"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "xpz-demo-platform.h"
#include "xpz-platform-server.h"

/* The built-in demo: the reference platform, linked into the app, serving fictional
 * Moroccan market data on 127.0.0.1 from a thread of its own. Its database holds no
 * real person's data and lives in the cache dir; it is seeded once and kept, so that
 * what a visitor changes in the demo is still there the next time. */

struct _XpzDemoPlatform
{
  GObject            parent_instance;

  char              *db_path;
  XpzPlatformServer *server;
  gboolean           starting;
};

G_DEFINE_FINAL_TYPE (XpzDemoPlatform, xpz_demo_platform, G_TYPE_OBJECT)

XpzDemoPlatform *
xpz_demo_platform_new (const char *db_path)
{
  XpzDemoPlatform *self = g_object_new (XPZ_TYPE_DEMO_PLATFORM, NULL);

  self->db_path = g_strdup (db_path);
  return self;
}

const char *
xpz_demo_platform_get_candidate_email (void)
{
  return XPZ_PLATFORM_DEMO_CANDIDATE_EMAIL;
}

const char *
xpz_demo_platform_get_recruiter_email (void)
{
  return XPZ_PLATFORM_DEMO_RECRUITER_EMAIL;
}

const char *
xpz_demo_platform_get_password (void)
{
  return XPZ_PLATFORM_DEMO_PASSWORD;
}

/**
 * xpz_demo_platform_get_url:
 * Returns: (nullable): the demo platform's URL once it runs
 */
const char *
xpz_demo_platform_get_url (XpzDemoPlatform *self)
{
  g_return_val_if_fail (XPZ_IS_DEMO_PLATFORM (self), NULL);
  return self->server != NULL ? xpz_platform_server_get_url (self->server) : NULL;
}

gboolean
xpz_demo_platform_is_running (XpzDemoPlatform *self)
{
  g_return_val_if_fail (XPZ_IS_DEMO_PLATFORM (self), FALSE);
  return self->server != NULL;
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *db_path = task_data;
  g_autoptr (XpzPlatformServer) server = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (db_path);
  XpzPlatformOptions options;
  gboolean fresh;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno),
                               "Could not create %s: %s", dir, g_strerror (errno));
      return;
    }

  fresh = !g_file_test (db_path, G_FILE_TEST_EXISTS);
  xpz_platform_options_init (&options);
  /* Demo accounts have published passwords: the cheapest hash keeps start-up quick. */
  options.pwhash_cost = XPZ_PLATFORM_PWHASH_MIN;

  server = xpz_platform_server_new (db_path, &options, &error);
  if (server != NULL && fresh)
    {
      if (!xpz_platform_server_seed_demo (server, &error))
        g_clear_object (&server);
    }
  if (server != NULL && !xpz_platform_server_start_thread (server, "127.0.0.1", 0, &error))
    g_clear_object (&server);

  if (server == NULL)
    {
      /* A demo database that cannot be used is thrown away; the next start reseeds. */
      if (fresh)
        g_unlink (db_path);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&server), g_object_unref);
}

void
xpz_demo_platform_start_async (XpzDemoPlatform     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (XPZ_IS_DEMO_PLATFORM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_demo_platform_start_async);

  if (self->server != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->server), g_object_unref);
      return;
    }
  if (self->starting)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The demo platform is already starting");
      return;
    }

  self->starting = TRUE;
  g_task_set_task_data (task, g_strdup (self->db_path), g_free);
  g_task_run_in_thread (task, start_thread);
}

gboolean
xpz_demo_platform_start_finish (XpzDemoPlatform  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  XpzPlatformServer *server;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  server = g_task_propagate_pointer (G_TASK (result), error);
  self->starting = FALSE;
  if (server == NULL)
    return FALSE;
  if (self->server == NULL)
    self->server = server;
  else
    g_object_unref (server);
  g_debug ("Demo platform at %s", xpz_platform_server_get_url (self->server));
  return TRUE;
}

static void
xpz_demo_platform_dispose (GObject *object)
{
  XpzDemoPlatform *self = XPZ_DEMO_PLATFORM (object);

  if (self->server != NULL)
    xpz_platform_server_stop (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (xpz_demo_platform_parent_class)->dispose (object);
}

static void
xpz_demo_platform_finalize (GObject *object)
{
  XpzDemoPlatform *self = XPZ_DEMO_PLATFORM (object);

  g_free (self->db_path);

  G_OBJECT_CLASS (xpz_demo_platform_parent_class)->finalize (object);
}

static void
xpz_demo_platform_class_init (XpzDemoPlatformClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xpz_demo_platform_dispose;
  object_class->finalize = xpz_demo_platform_finalize;
}

static void
xpz_demo_platform_init (XpzDemoPlatform *self)
{
}
