/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xpz-sync-engine.h"

G_BEGIN_DECLS

/* Waiting for async calls in tests: iterate the main context until the callback ran. */
typedef struct
{
  gboolean        done;
  gboolean        ok;
  guint           n;
  XpzApiResponse *response;
  GError         *error;
} XpzTestWait;

void            xpz_test_wait             (XpzTestWait  *w);
void            xpz_test_api_done         (GObject      *source,
                                           GAsyncResult *result,
                                           gpointer      wait);
void            xpz_test_sign_in_done     (GObject      *source,
                                           GAsyncResult *result,
                                           gpointer      wait);
void            xpz_test_push_done        (GObject      *source,
                                           GAsyncResult *result,
                                           gpointer      wait);
void            xpz_test_pull_done        (GObject      *source,
                                           GAsyncResult *result,
                                           gpointer      wait);
void            xpz_test_enqueue_done     (GObject      *source,
                                           GAsyncResult *result,
                                           gpointer      wait);
XpzApiResponse *xpz_test_api              (XpzApiClient *client,
                                           const char   *method,
                                           const char   *path,
                                           const char   *body_json,
                                           const char   *idempotency_key,
                                           const char   *if_match);
char           *xpz_test_job_json         (const char   *title);
gint64          xpz_test_store_count      (XpzStore     *store,
                                           const char   *sql);

G_END_DECLS
