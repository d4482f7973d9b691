/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-session"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xpz-crypto.h"
#include "xpz-session.h"

/* A signed-in account: the API client carrying its token, and the credentials bundle
 * kept in the Secret Service (R9.1). Tokens live in memory and in the Secret Service
 * only; when there is no Secret Service the session works but is not remembered, and
 * says why — there is never a plaintext fallback. */

#define REFRESH_MARGIN_SECONDS 60

struct _XpzSession
{
  GObject         parent_instance;

  XpzApiClient   *client;
  XpzSecrets     *secrets;

  char           *account_id;
  char           *role;
  char           *display_name;
  char           *verification;         /* an employer's: "verified", "unverified" */
  char           *verification_domain;
  gboolean        verification_free_mail;
  XpzCredentials *credentials;
  gboolean        signed_in;
  gboolean        remembered;
  GError         *remember_error;
};

enum {
  PROP_0,
  PROP_ACCOUNT_ID,
  PROP_ROLE,
  PROP_DISPLAY_NAME,
  PROP_SIGNED_IN,
  PROP_REMEMBERED,
  PROP_VERIFICATION,
  PROP_VERIFICATION_DOMAIN,
  PROP_VERIFICATION_FREE_MAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (XpzSession, xpz_session, G_TYPE_OBJECT)

XpzSession *
xpz_session_new (XpzApiClient *client,
                 XpzSecrets   *secrets)
{
  XpzSession *self;

  g_return_val_if_fail (XPZ_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (XPZ_IS_SECRETS (secrets), NULL);

  self = g_object_new (XPZ_TYPE_SESSION, NULL);
  self->client = g_object_ref (client);
  self->secrets = g_object_ref (secrets);
  return self;
}

XpzApiClient *
xpz_session_get_client (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->client;
}

const char *
xpz_session_get_account_id (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->account_id;
}

const char *
xpz_session_get_role (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->role;
}

const char *
xpz_session_get_display_name (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->display_name;
}

/**
 * xpz_session_get_verification:
 *
 * Returns: (nullable): for an employer, "verified" or "unverified" (its organisation and
 * email domain, by a platform operator); %NULL for a candidate or while unknown
 */
const char *
xpz_session_get_verification (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->verification;
}

const char *
xpz_session_get_verification_domain (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->verification_domain;
}

/* Whether the employer's email domain is a free-mail service (never verified). */
gboolean
xpz_session_get_verification_free_mail (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), FALSE);
  return self->verification_free_mail;
}

gboolean
xpz_session_get_signed_in (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), FALSE);
  return self->signed_in;
}

/* Whether the session will be restored at the next start (its secret is stored). */
gboolean
xpz_session_get_remembered (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), FALSE);
  return self->remembered;
}

/* Why the session is not remembered (no Secret Service, locked keyring…), or NULL. */
const GError *
xpz_session_get_remember_error (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->remember_error;
}

/* The account's at-rest encryption key (R9.2), kept with the tokens. */
GBytes *
xpz_session_get_at_rest_key (XpzSession *self)
{
  g_return_val_if_fail (XPZ_IS_SESSION (self), NULL);
  return self->credentials != NULL ? self->credentials->at_rest_key : NULL;
}

static void
set_string (XpzSession  *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_signed_in (XpzSession *self,
               gboolean    signed_in)
{
  if (self->signed_in == signed_in)
    return;
  self->signed_in = signed_in;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

static void
set_remembered (XpzSession   *self,
                gboolean      remembered,
                const GError *error)
{
  g_clear_error (&self->remember_error);
  if (error != NULL)
    self->remember_error = g_error_copy (error);
  if (self->remembered != remembered)
    {
      self->remembered = remembered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEMBERED]);
    }
}

/* An employer's organisation, as verified by a platform operator (R5.1): until it is,
 * the platform shows it anonymised candidates only. */
static void
apply_verification (XpzSession *self,
                    JsonObject *verification)
{
  const char *status = verification != NULL
                       ? json_object_get_string_member_with_default (verification, "status", NULL) : NULL;
  gboolean free_mail = verification != NULL &&
                       json_object_get_boolean_member_with_default (verification, "free_mail_domain", FALSE);

  if (status != NULL && !g_str_equal (status, "verified"))
    status = "unverified";
  if (self->verification_free_mail != free_mail)
    {
      self->verification_free_mail = free_mail;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFICATION_FREE_MAIL]);
    }
  set_string (self, &self->verification_domain,
              verification != NULL ? json_object_get_string_member_with_default (verification, "domain", NULL) : NULL,
              PROP_VERIFICATION_DOMAIN);
  set_string (self, &self->verification, status, PROP_VERIFICATION);
}

static void
apply_account (XpzSession *self,
               JsonObject *account)
{
  g_autofree char *id = NULL;
  JsonNode *id_node;

  if (account == NULL)
    return;
  id_node = json_object_get_member (account, "id");
  if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node))
    {
      if (json_node_get_value_type (id_node) == G_TYPE_STRING)
        id = g_strdup (json_node_get_string (id_node));
      else
        id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id_node));
      set_string (self, &self->account_id, id, PROP_ACCOUNT_ID);
    }
  set_string (self, &self->role,
              json_object_get_string_member_with_default (account, "role", self->role),
              PROP_ROLE);
  set_string (self, &self->display_name,
              json_object_get_string_member_with_default (account, "name", self->display_name),
              PROP_DISPLAY_NAME);
  apply_verification (self, json_object_has_member (account, "verification") &&
                            JSON_NODE_HOLDS_OBJECT (json_object_get_member (account, "verification"))
                            ? json_object_get_object_member (account, "verification") : NULL);
}

/* Takes tokens from a sessions response into the credentials and the client. */
static gboolean
apply_tokens (XpzSession  *self,
              JsonObject  *obj,
              GError     **error)
{
  const char *access = obj ? json_object_get_string_member_with_default (obj, "access_token", NULL)
                           : NULL;
  const char *refresh = obj ? json_object_get_string_member_with_default (obj, "refresh_token",
                                                                           NULL)
                            : NULL;
  gint64 expires_in = obj ? json_object_get_int_member_with_default (obj, "expires_in", 0) : 0;

  if (access == NULL || refresh == NULL)
    {
      g_set_error_literal (error, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                           _("The platform’s answer to signing in has no session in it"));
      return FALSE;
    }

  if (self->credentials == NULL)
    self->credentials = xpz_credentials_new ();
  g_free (self->credentials->access_token);
  self->credentials->access_token = g_strdup (access);
  g_free (self->credentials->refresh_token);
  self->credentials->refresh_token = g_strdup (refresh);
  self->credentials->expires_at = expires_in > 0 ? g_get_real_time () / G_USEC_PER_SEC + expires_in
                                                 : 0;
  xpz_api_client_set_access_token (self->client, access);
  return TRUE;
}

/* --- saving the credentials ------------------------------------------------------- */

static void
store_secret_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (xpz_secrets_store_finish (XPZ_SECRETS (source), result, &error))
    set_remembered (self, TRUE, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  else
    {
      /* The session goes on, for this run only; the UI says why. */
      g_message ("Session not remembered: %s", error->message);
      set_remembered (self, FALSE, error);
    }
  set_signed_in (self, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
save_credentials (XpzSession *self,
                  GTask      *task)
{
  xpz_secrets_store_async (self->secrets, xpz_api_client_get_base_url (self->client),
                           self->account_id, self->credentials,
                           g_task_get_cancellable (task), store_secret_cb, task);
}

/* {"email": …, "password": …}: the body of signing in, and the start of signing up. */
static JsonNode *
credentials_body (const char *email,
                  const char *password)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (obj, "email", email);
  json_object_set_string_member (obj, "password", password);
  json_node_take_object (node, obj);
  return node;
}

/* --- sign in ---------------------------------------------------------------------- */

static void
sign_in_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (XpzCredentials) previous = NULL;
  g_autoptr (GError) error = NULL;

  /* Keep the at-rest key of an account signed in before on this computer, so that its
   * local data stays readable; otherwise make a new one. */
  previous = xpz_secrets_lookup_finish (XPZ_SECRETS (source), result, &error);
  if (previous != NULL && previous->at_rest_key != NULL)
    self->credentials->at_rest_key = g_bytes_ref (previous->at_rest_key);
  else
    self->credentials->at_rest_key = xpz_crypto_generate_key ();

  save_credentials (self, task);
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;
  JsonObject *obj;

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (xpz_api_response_get_status (response) == 401)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED,
                               _("The email address or the password is not right"));
      return;
    }
  if (!xpz_api_response_check (response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  obj = xpz_api_response_get_object (response);
  g_clear_pointer (&self->credentials, xpz_credentials_free);
  if (!apply_tokens (self, obj, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  apply_account (self, json_object_get_object_member (obj, "account"));
  if (self->account_id == NULL)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_BAD_RESPONSE,
                               _("The platform’s answer to signing in names no account"));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  xpz_secrets_lookup_async (self->secrets, xpz_api_client_get_base_url (self->client),
                            self->account_id, cancellable,
                            sign_in_lookup_cb, g_steal_pointer (&task));
}

void
xpz_session_sign_in_async (XpzSession          *self,
                           const char          *email,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;

  g_return_if_fail (XPZ_IS_SESSION (self));
  g_return_if_fail (email != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_session_sign_in_async);
  body = credentials_body (email, password);

  xpz_api_client_call_async (self->client, "POST", "/api/v1/sessions", body, NULL, NULL,
                             cancellable, sign_in_cb, g_steal_pointer (&task));
}

gboolean
xpz_session_sign_in_finish (XpzSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- sign up ---------------------------------------------------------------------- */

typedef struct
{
  char *email;
  char *password;
} SignUp;

static void
sign_up_free (SignUp *data)
{
  g_free (data->email);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
signed_up_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!xpz_session_sign_in_finish (XPZ_SESSION (source), result, &error))
    {
      /* The platform answers a sign-up the same way whether the address is free or not
       * (no oracle of who has an account): a refused sign-in right after it means the
       * address had an account already, with another password. */
      if (g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED,
                               _("Could not sign in to the new account. If this email address "
                                 "already has an account, sign in with its password instead."));
        }
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
account_created_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  SignUp *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (xpz_api_response_get_status (response) == 409)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_UNPROCESSABLE,
                               _("An account with this email address exists already: sign in "
                                 "instead"));
      return;
    }
  if (!xpz_api_response_check (response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  xpz_session_sign_in_async (self, data->email, data->password, cancellable, signed_up_in_cb,
                             g_steal_pointer (&task));
}

/**
 * xpz_session_sign_up_async:
 * @role: "candidate" or "employer"
 * @company: (nullable): the employer's company
 *
 * Creates an account on the platform, where it allows it, then signs in to it.
 */
void
xpz_session_sign_up_async (XpzSession          *self,
                           const char          *email,
                           const char          *password,
                           const char          *role,
                           const char          *name,
                           const char          *company,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) body = NULL;
  JsonObject *obj;
  SignUp *data;

  g_return_if_fail (XPZ_IS_SESSION (self));
  g_return_if_fail (email != NULL && password != NULL && role != NULL && name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_session_sign_up_async);
  data = g_new0 (SignUp, 1);
  data->email = g_strdup (email);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_up_free);

  body = credentials_body (email, password);
  obj = json_node_get_object (body);
  json_object_set_string_member (obj, "role", role);
  json_object_set_string_member (obj, "name", name);
  if (company != NULL && *company != '\0')
    json_object_set_string_member (obj, "company", company);

  xpz_api_client_call_async (self->client, "POST", "/api/v1/accounts", body, NULL, NULL,
                             cancellable, account_created_cb, g_steal_pointer (&task));
}

gboolean
xpz_session_sign_up_finish (XpzSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- refresh ---------------------------------------------------------------------- */

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL || !xpz_api_response_check (response, &error) ||
      !apply_tokens (self, xpz_api_response_get_object (response), &error))
    {
      if (g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED) ||
          g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_BAD_REQUEST))
        {
          /* The refresh token is no longer valid: the user must sign in again. */
          set_signed_in (self, FALSE);
          g_clear_error (&error);
          g_set_error_literal (&error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED,
                               _("Your session has ended; sign in again"));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  save_credentials (self, g_steal_pointer (&task));
}

void
xpz_session_refresh_async (XpzSession          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonObject) obj = json_object_new ();
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  g_return_if_fail (XPZ_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_session_refresh_async);

  if (self->credentials == NULL || self->credentials->refresh_token == NULL)
    {
      g_task_return_new_error (task, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED,
                               _("Your session has ended; sign in again"));
      return;
    }

  json_object_set_string_member (obj, "refresh_token", self->credentials->refresh_token);
  json_node_set_object (body, obj);
  xpz_api_client_call_async (self->client, "POST", "/api/v1/sessions/refresh", body,
                             NULL, NULL, cancellable, refresh_cb, g_steal_pointer (&task));
}

gboolean
xpz_session_refresh_finish (XpzSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- authenticated calls ------------------------------------------------------ */

typedef struct
{
  char     *method;
  char     *path;
  JsonNode *body;
  char     *idempotency_key;
  char     *if_match;
  gboolean  refreshed;
} Call;

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->path);
  g_clear_pointer (&call->body, json_node_unref);
  g_free (call->idempotency_key);
  g_free (call->if_match);
  g_free (call);
}

static void call_send (GTask *task);

static void
call_refreshed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_session_refresh_finish (XPZ_SESSION (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  call_send (g_steal_pointer (&task));
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (xpz_api_response_get_status (response) == 401 && !call->refreshed)
    {
      call->refreshed = TRUE;
      xpz_session_refresh_async (self, cancellable, call_refreshed_cb, g_steal_pointer (&task));
      return;
    }
  if (!xpz_api_response_check (response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&response), g_object_unref);
}

static void
call_send (GTask *task)
{
  XpzSession *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  xpz_api_client_call_async (self->client, call->method, call->path, call->body,
                             call->idempotency_key, call->if_match, cancellable, call_cb,
                             task);
}

/**
 * xpz_session_call_async:
 * @method: "GET", "POST", "PUT" or "DELETE"
 * @path: e.g. "/api/v1/me/shares"
 * @body: (nullable): the JSON body
 * @idempotency_key: (nullable): for a mutating request
 * @if_match: (nullable): an ETag the resource must still have
 *
 * One request on behalf of the signed-in account. A 401 refreshes the session once and
 * retries; a refresh that fails ends in %XPZ_API_ERROR_UNAUTHORIZED. Any status outside
 * 2xx is an error of %XPZ_API_ERROR (see xpz_api_response_check()).
 */
void
xpz_session_call_async (XpzSession          *self,
                        const char          *method,
                        const char          *path,
                        JsonNode            *body,
                        const char          *idempotency_key,
                        const char          *if_match,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  Call *call;

  g_return_if_fail (XPZ_IS_SESSION (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_session_call_async);
  call = g_new0 (Call, 1);
  call->method = g_strdup (method);
  call->path = g_strdup (path);
  call->body = body != NULL ? json_node_ref (body) : NULL;
  call->idempotency_key = g_strdup (idempotency_key);
  call->if_match = g_strdup (if_match);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  call_send (task);
}

/**
 * xpz_session_call_finish:
 *
 * Returns: (transfer full): the successful response, or %NULL with @error set
 */
XpzApiResponse *
xpz_session_call_finish (XpzSession    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the account ------------------------------------------------------------------ */

static void
refresh_account_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = XPZ_SESSION (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (self, result, &error);

  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  apply_account (self, xpz_api_response_get_object (response));
  g_task_return_boolean (task, TRUE);
}

/**
 * xpz_session_refresh_account_async:
 *
 * Reads the account again from the platform (its name, role and, for an employer, its
 * verification), e.g. when the window shows it: a platform operator may have verified
 * the organisation since the session started.
 */
void
xpz_session_refresh_account_async (XpzSession          *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_SESSION (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_session_refresh_account_async);
  xpz_session_call_async (self, "GET", "/api/v1/me", NULL, NULL, NULL, cancellable,
                          refresh_account_cb, task);
}

gboolean
xpz_session_refresh_account_finish (XpzSession    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- restore ---------------------------------------------------------------------- */

static void restore_me_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
restore_fetch_me (XpzSession *self,
                  GTask      *task)
{
  xpz_api_client_call_async (self->client, "GET", "/api/v1/me", NULL, NULL, NULL,
                             g_task_get_cancellable (task), restore_me_cb, task);
}

static void
restore_refreshed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = XPZ_SESSION (source);
  g_autoptr (GError) error = NULL;

  if (!xpz_session_refresh_finish (self, result, &error))
    {
      if (g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_NETWORK))
        {
          /* Offline: the session is restored; the sync engine refreshes later. It
           * came from the Secret Service: it is remembered. */
          set_remembered (self, TRUE, NULL);
          set_signed_in (self, TRUE);
          g_task_return_boolean (task, TRUE);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
  restore_fetch_me (self, g_steal_pointer (&task));
}

static void
restore_me_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  gboolean refreshed = GPOINTER_TO_INT (g_task_get_task_data (task));
  GCancellable *cancellable;

  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_NETWORK))
        {
          /* Offline-first: the account's local data is usable without the platform;
           * the session came from the Secret Service, so it is remembered. */
          set_remembered (self, TRUE, NULL);
          set_signed_in (self, TRUE);
          g_task_return_boolean (task, TRUE);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (xpz_api_response_get_status (response) == 401 && !refreshed)
    {
      cancellable = g_task_get_cancellable (task);
      xpz_session_refresh_async (self, cancellable, restore_refreshed_cb,
                                 g_steal_pointer (&task));
      return;
    }
  if (!xpz_api_response_check (response, &error))
    {
      if (g_error_matches (error, XPZ_API_ERROR, XPZ_API_ERROR_UNAUTHORIZED))
        set_signed_in (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  apply_account (self, xpz_api_response_get_object (response));
  set_remembered (self, TRUE, NULL);
  set_signed_in (self, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
restore_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  XpzCredentials *credentials;
  GCancellable *cancellable;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  credentials = xpz_secrets_lookup_finish (XPZ_SECRETS (source), result, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&self->credentials, xpz_credentials_free);
  self->credentials = credentials;
  xpz_api_client_set_access_token (self->client, credentials->access_token);

  if (credentials->expires_at != 0 && credentials->expires_at <= now + REFRESH_MARGIN_SECONDS)
    {
      cancellable = g_task_get_cancellable (task);
      xpz_session_refresh_async (self, cancellable, restore_refreshed_cb,
                                 g_steal_pointer (&task));
      return;
    }
  restore_fetch_me (self, g_steal_pointer (&task));
}

/**
 * xpz_session_restore_async:
 * @role: the account's role as last known, used while the platform is out of reach
 *
 * Restores a remembered session from the Secret Service, refreshing its token when it
 * has expired. Without a network the session is restored offline.
 */
void
xpz_session_restore_async (XpzSession          *self,
                           const char          *account_id,
                           const char          *role,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_SESSION (self));
  g_return_if_fail (account_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_session_restore_async);
  set_string (self, &self->account_id, account_id, PROP_ACCOUNT_ID);
  set_string (self, &self->role, role, PROP_ROLE);

  xpz_secrets_lookup_async (self->secrets, xpz_api_client_get_base_url (self->client),
                            account_id, cancellable, restore_lookup_cb, task);
}

gboolean
xpz_session_restore_finish (XpzSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- sign out --------------------------------------------------------------------- */

static void
sign_out_cleared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (!xpz_secrets_clear_finish (XPZ_SECRETS (source), result, &error) &&
      !g_error_matches (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NOT_FOUND) &&
      !g_error_matches (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NO_SERVICE) &&
      !g_error_matches (error, XPZ_SECRETS_ERROR, XPZ_SECRETS_ERROR_NO_SESSION_BUS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  xpz_api_client_set_access_token (self->client, NULL);
  g_clear_pointer (&self->credentials, xpz_credentials_free);
  apply_verification (self, NULL);
  set_remembered (self, FALSE, NULL);
  set_signed_in (self, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
sign_out_revoked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  XpzSession *self = g_task_get_source_object (task);
  g_autoptr (XpzApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  /* Offline or already expired: the local secret goes anyway; the platform's token
   * expires on its own. */
  response = xpz_api_client_call_finish (XPZ_API_CLIENT (source), result, &error);
  if (response == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not end the session on the platform: %s", error->message);

  xpz_secrets_clear_async (self->secrets, xpz_api_client_get_base_url (self->client),
                           self->account_id, NULL, sign_out_cleared_cb, task);
}

/**
 * xpz_session_sign_out_async:
 * @everywhere: end every session of the account on the platform, not just this one
 *
 * Ends the session on the platform (when reachable) and removes the account's secret.
 * Removing the local database is the caller's choice ("Sign out and erase local data").
 */
void
xpz_session_sign_out_async (XpzSession          *self,
                            gboolean             everywhere,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XPZ_IS_SESSION (self));
  g_return_if_fail (self->account_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xpz_session_sign_out_async);

  xpz_api_client_call_async (self->client, "DELETE",
                             everywhere ? "/api/v1/sessions" : "/api/v1/sessions/current",
                             NULL, NULL, NULL, cancellable, sign_out_revoked_cb, task);
}

gboolean
xpz_session_sign_out_finish (XpzSession    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- GObject ---------------------------------------------------------------------- */

static void
xpz_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XpzSession *self = XPZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      g_value_set_string (value, self->account_id);
      break;

    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->signed_in);
      break;

    case PROP_REMEMBERED:
      g_value_set_boolean (value, self->remembered);
      break;

    case PROP_VERIFICATION:
      g_value_set_string (value, self->verification);
      break;

    case PROP_VERIFICATION_DOMAIN:
      g_value_set_string (value, self->verification_domain);
      break;

    case PROP_VERIFICATION_FREE_MAIL:
      g_value_set_boolean (value, self->verification_free_mail);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_session_dispose (GObject *object)
{
  XpzSession *self = XPZ_SESSION (object);

  g_clear_object (&self->client);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (xpz_session_parent_class)->dispose (object);
}

static void
xpz_session_finalize (GObject *object)
{
  XpzSession *self = XPZ_SESSION (object);

  g_clear_pointer (&self->credentials, xpz_credentials_free);
  g_clear_pointer (&self->account_id, g_free);
  g_clear_pointer (&self->role, g_free);
  g_clear_pointer (&self->verification, g_free);
  g_clear_pointer (&self->verification_domain, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_error (&self->remember_error);

  G_OBJECT_CLASS (xpz_session_parent_class)->finalize (object);
}

static void
xpz_session_class_init (XpzSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xpz_session_get_property;
  object_class->dispose = xpz_session_dispose;
  object_class->finalize = xpz_session_finalize;

  properties[PROP_ACCOUNT_ID] =
    g_param_spec_string ("account-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REMEMBERED] =
    g_param_spec_boolean ("remembered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFICATION] =
    g_param_spec_string ("verification", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFICATION_DOMAIN] =
    g_param_spec_string ("verification-domain", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VERIFICATION_FREE_MAIL] =
    g_param_spec_boolean ("verification-free-mail", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xpz_session_init (XpzSession *self)
{
}
