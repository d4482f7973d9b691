/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <string.h>

#include "xpz-platform-private.h"

/*
 * The test-only fault injector, off unless XPZ_PLATFORM_FAULTS (or the faults option)
 * is set. Syntax: rules separated by ';', each
 *
 *   [METHOD ]PATH-GLOB=ACTION[*COUNT]
 *
 * ACTION is 500, 503, 429 or 410 (answer that status with a JSON error), "malformed"
 * (answer 200 with truncated JSON), "drop" (process and commit, then close the
 * connection without a response) or "delay:MS" (process after MS milliseconds).
 * COUNT limits how many requests the rule hits (default: all). The first matching
 * rule wins. Example: "PUT /api/v1/me/profile=drop*1;GET /api/v1/changes=503*2".
 */

typedef struct
{
  char     *method;   /* NULL: any */
  char     *glob;
  XpzFault  fault;
  gint      remaining;  /* -1: unlimited */
} Rule;

struct _XpzPlatformFaults
{
  GArray *rules;
};

static void
rule_clear (gpointer data)
{
  Rule *rule = data;

  g_free (rule->method);
  g_free (rule->glob);
}

void
xpz_platform_faults_free (XpzPlatformFaults *faults)
{
  if (faults == NULL)
    return;
  g_array_unref (faults->rules);
  g_free (faults);
}

static gboolean
parse_rule (const char  *text,
            Rule        *rule,
            GError     **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *eq = strrchr (copy, '=');
  char *target, *action, *star, *space;
  guint64 value;

  memset (rule, 0, sizeof *rule);
  rule->remaining = -1;
  if (eq == NULL)
    goto invalid;
  *eq = '\0';
  target = g_strstrip (copy);
  action = g_strstrip (eq + 1);

  star = strchr (action, '*');
  if (star != NULL)
    {
      *star = '\0';
      if (!g_ascii_string_to_unsigned (star + 1, 10, 1, G_MAXINT, &value, NULL))
        goto invalid;
      rule->remaining = (gint) value;
    }

  space = strchr (target, ' ');
  if (space != NULL)
    {
      *space = '\0';
      rule->method = g_ascii_strup (target, -1);
      target = g_strstrip (space + 1);
    }
  if (*target != '/')
    goto invalid;
  rule->glob = g_strdup (target);

  if (g_str_equal (action, "malformed"))
    rule->fault.kind = XPZ_FAULT_MALFORMED;
  else if (g_str_equal (action, "drop"))
    rule->fault.kind = XPZ_FAULT_DROP;
  else if (g_str_has_prefix (action, "delay:") &&
           g_ascii_string_to_unsigned (action + 6, 10, 0, 600000, &value, NULL))
    {
      rule->fault.kind = XPZ_FAULT_DELAY;
      rule->fault.delay_ms = (guint) value;
    }
  else if (g_ascii_string_to_unsigned (action, 10, 400, 599, &value, NULL) &&
           (value == 500 || value == 503 || value == 429 || value == 410))
    {
      rule->fault.kind = XPZ_FAULT_STATUS;
      rule->fault.status = (guint) value;
    }
  else
    goto invalid;
  return TRUE;

invalid:
  rule_clear (rule);
  g_set_error (error, XPZ_PLATFORM_ERROR, XPZ_PLATFORM_ERROR_INVALID,
               "Invalid fault rule “%s”", text);
  return FALSE;
}

XpzPlatformFaults *
xpz_platform_faults_parse (const char  *spec,
                           GError     **error)
{
  g_autoptr(XpzPlatformFaults) faults = g_new0 (XpzPlatformFaults, 1);
  g_auto(GStrv) parts = g_strsplit (spec, ";", -1);

  faults->rules = g_array_new (FALSE, FALSE, sizeof (Rule));
  g_array_set_clear_func (faults->rules, rule_clear);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      Rule rule;

      if (g_strstrip (parts[i])[0] == '\0')
        continue;
      if (!parse_rule (parts[i], &rule, error))
        return NULL;
      g_array_append_val (faults->rules, rule);
    }
  return g_steal_pointer (&faults);
}

gboolean
xpz_platform_faults_match (XpzPlatformFaults *faults,
                           const char        *method,
                           const char        *path,
                           XpzFault          *fault)
{
  for (guint i = 0; i < faults->rules->len; i++)
    {
      Rule *rule = &g_array_index (faults->rules, Rule, i);

      if (rule->remaining == 0)
        continue;
      if (rule->method != NULL && g_strcmp0 (rule->method, method) != 0)
        continue;
      if (!g_pattern_match_simple (rule->glob, path))
        continue;
      if (rule->remaining > 0)
        rule->remaining--;
      *fault = rule->fault;
      return TRUE;
    }
  return FALSE;
}
