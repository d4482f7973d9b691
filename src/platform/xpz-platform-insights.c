/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xpz-platform-private.h"

/*
 * Aggregated insights (R3.5): salary expectations by experience band for a profession.
 * A group of fewer than k candidates is never published, and the total is the sum of
 * the published groups only, so no suppressed group can be derived from it. Restricted
 * candidates are left out.
 *
 * Fake accounts must not unlock a group (R3.5): only *established* profiles count — an
 * account at least 30 days old whose profile has dated work experience and a salary
 * expectation in MAD. Every band that is not
 * published is listed as suppressed, empty or not, so that the answer is the same
 * whether a suppressed band holds 0 or k − 1 people. Queries are limited per account
 * (INSIGHTS_LIMIT per INSIGHTS_WINDOW seconds, then 429 with Retry-After).
 */

#define ESTABLISHED_AGE (30 * 86400)
#define INSIGHTS_LIMIT  20
#define INSIGHTS_WINDOW 3600

typedef struct
{
  gint64 start;
  guint  count;
} Window;

G_LOCK_DEFINE_STATIC (windows);
static GHashTable *windows;   /* "server:account" → Window */

/* TRUE if the account may query now; else *retry is the seconds until it may. */
static gboolean
insights_allowed (XpzRequest *req,
                  gint64     *retry)
{
  g_autofree char *key = g_strdup_printf ("%p:%" G_GINT64_FORMAT, (void *) req->server, req->account_id);
  Window *w;
  gboolean ok;

  G_LOCK (windows);
  if (windows == NULL)
    windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w = g_hash_table_lookup (windows, key);
  if (w == NULL)
    {
      w = g_new0 (Window, 1);
      g_hash_table_insert (windows, g_steal_pointer (&key), w);
    }
  if (w->count == 0 || req->now < w->start || req->now >= w->start + INSIGHTS_WINDOW)
    {
      w->start = req->now;
      w->count = 0;
    }
  ok = w->count < INSIGHTS_LIMIT;
  if (ok)
    w->count++;
  *retry = MAX (1, w->start + INSIGHTS_WINDOW - req->now);
  G_UNLOCK (windows);
  return ok;
}

static const char * const bands[] = { "0-2", "3-5", "6-10", "10+" };

static guint
band_of (int years)
{
  if (years < 3)
    return 0;
  if (years < 6)
    return 1;
  if (years <= 10)
    return 2;
  return 3;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  /* nearest rank */
  guint rank = (guint) ceil (p * sorted->len);

  if (rank == 0)
    rank = 1;
  return g_array_index (sorted, double, rank - 1);
}

static gboolean
matches_profession (const char *wanted,
                    const char *label,
                    const char *roles_json)
{
  g_autofree char *norm = NULL;

  if (label != NULL)
    {
      norm = xpz_platform_normalize_skill (label);
      if (g_str_equal (norm, wanted))
        return TRUE;
      g_clear_pointer (&norm, g_free);
    }
  if (roles_json != NULL)
    {
      g_autoptr(JsonNode) node = xpz_platform_json_parse (roles_json, -1, 4, NULL);
      JsonArray *array;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        return FALSE;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (json_node_get_value_type (element) != G_TYPE_STRING)
            continue;
          norm = xpz_platform_normalize_skill (json_node_get_string (element));
          if (g_str_equal (norm, wanted))
            return TRUE;
          g_clear_pointer (&norm, g_free);
        }
    }
  return FALSE;
}

/* GET /insights/salaries (a row of the route table: signed in, GET only) */
void
xpz_platform_insights_salaries (XpzRequest *req)
{
  XpzPlatformServer *self = req->server;
  const char *profession = xpz_request_query (req, "profession");
  g_autofree char *wanted = NULL;
  GArray *values[G_N_ELEMENTS (bands)];
  gboolean suppressed[G_N_ELEMENTS (bands)] = { FALSE };
  guint k = self->options.k_anonymity;
  guint published = 0;
  JsonObject *o;
  JsonArray *groups, *suppressed_list;
  sqlite3_stmt *stmt;

  {
    gint64 retry;

    if (!insights_allowed (req, &retry))
      {
        req->retry_after = g_strdup_printf ("%" G_GINT64_FORMAT, retry);
        xpz_request_error (req, 429, "rate_limited", "Too many insight queries; try again later");
        return;
      }
  }
  if (profession == NULL || *profession == '\0' || strlen (profession) > 200)
    {
      xpz_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_profession", "profession is required");
      return;
    }
  wanted = xpz_platform_normalize_skill (profession);

  for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
    values[b] = g_array_new (FALSE, FALSE, sizeof (double));

  stmt = xpz_platform_db_query (req->db,
                                "SELECT p.account_id, json_extract (p.doc, '$.basics.label'),"
                                " json_extract (p.doc, '$.preferences.roles')"
                                " FROM profiles p JOIN privacy v ON v.account_id = p.account_id"
                                " JOIN accounts a ON a.id = p.account_id"
                                " WHERE v.restricted = 0 AND a.created_at <= ?",
                                "i", req->now - ESTABLISHED_AGE);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      XpzCandidateVec *c;
      double value;

      if (!matches_profession (wanted, (const char *) sqlite3_column_text (stmt, 1),
                               (const char *) sqlite3_column_text (stmt, 2)))
        continue;
      c = xpz_platform_matcher_get_candidate (self->matcher, sqlite3_column_int64 (stmt, 0));
      /* established: an old enough account (above), dated experience, an expectation */
      if (c == NULL || c->years < 0 || c->salary_min < 0 || strcmp (c->currency, "MAD") != 0)
        continue;
      value = (c->salary_min + c->salary_max) / 2.0;
      g_array_append_val (values[band_of (c->years)], value);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);

  for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
    {
      suppressed[b] = values[b]->len < k;
      if (!suppressed[b])
        published += values[b]->len;
    }
  o = json_object_new ();
  groups = json_array_new ();
  suppressed_list = json_array_new ();
  json_object_set_string_member (o, "profession", profession);
  json_object_set_int_member (o, "k", k);
  json_object_set_string_member (o, "period", "month");
  /* The total covers the published groups only: it tells nothing of a suppressed one
   * (so no complementary suppression is needed, and none tells that a small group
   * exists). */
  if (published >= k)
    json_object_set_int_member (o, "total", published);
  else
    json_object_set_null_member (o, "total");
  for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
    {
      if (suppressed[b])
        {
          json_array_add_string_element (suppressed_list, bands[b]);
          continue;
        }
      {
        JsonObject *g = json_object_new ();

        g_array_sort (values[b], compare_double);
        json_object_set_string_member (g, "experience_band", bands[b]);
        json_object_set_int_member (g, "n", values[b]->len);
        /* rounded to 100 MAD: no figure is precise enough to single anyone out */
        json_object_set_int_member (g, "p25", (gint64) (round (percentile (values[b], 0.25) / 100) * 100));
        json_object_set_int_member (g, "median", (gint64) (round (percentile (values[b], 0.5) / 100) * 100));
        json_object_set_int_member (g, "p75", (gint64) (round (percentile (values[b], 0.75) / 100) * 100));
        json_object_set_string_member (g, "currency", "MAD");
        json_array_add_object_element (groups, g);
      }
    }
  json_object_set_array_member (o, "groups", groups);
  json_object_set_array_member (o, "suppressed", suppressed_list);
  for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
    g_array_unref (values[b]);
  xpz_request_object (req, SOUP_STATUS_OK, o);
}
