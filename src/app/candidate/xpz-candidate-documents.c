/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-candidate-documents"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "xpz-candidate-documents.h"
#include "xpz-crypto.h"
#include "xpz-json-strict.h"
#include "xpz-document-type.h"

/* CVs and documents (R2.3): added by file chooser or drag-and-drop, recognised by
 * content, stored encrypted (xpz_store_add_document), uploaded through the outbox; the
 * list joins the local copies with the platform's list by SHA-256. */

#define DOCUMENTS_PATH "/api/v1/me/documents"

struct _XpzCandidateDocuments
{
  AdwBin parent_instance;

  XpzAccount          *account;
  GCancellable        *cancellable;
  GPtrArray           *local;          /* Doc */
  JsonArray           *remote;         /* the platform's list */
  JsonArray           *shares;
  GPtrArray           *rows;
  GPtrArray           *holder_rows;
  gint64               replacing;      /* local id a new file replaces, or 0 */
  char                *replacing_remote;
  GtkFileChooserNative *chooser;

  AdwPreferencesGroup *documents_group;
  AdwPreferencesGroup *holders_group;
  GtkButton           *add_button;
};

G_DEFINE_FINAL_TYPE (XpzCandidateDocuments, xpz_candidate_documents, ADW_TYPE_BIN)

typedef struct
{
  gint64  id;
  char   *file_name;
  char   *mime_type;
  gint64  size;
  gint64  created_at;
  char   *sha256;
} Doc;

static void
doc_free (Doc *d)
{
  g_free (d->file_name);
  g_free (d->mime_type);
  g_free (d->sha256);
  g_free (d);
}

static void refresh (XpzCandidateDocuments *self);
static void rebuild (XpzCandidateDocuments *self);

static GBytes *
account_key (XpzCandidateDocuments *self)
{
  return xpz_session_get_at_rest_key (xpz_account_get_session (self->account));
}

static void
show_error (XpzCandidateDocuments *self,
            const char            *heading,
            const char            *body)
{
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (window == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- the local list (store worker) -------------------------------------------------- */

typedef struct
{
  GBytes *key;
  gint64  id;
  char   *sha256;
  char   *body;
  char   *method;
  char   *path;
  char   *idempotency_key;
} Job;

/* A document's upload is known in the outbox by its key's prefix, so that deleting the
 * document before it went out takes the upload with it. */
#define UPLOAD_KEY_PREFIX "document-upload-"

static char *
upload_key_prefix (gint64 local_id)
{
  return g_strdup_printf (UPLOAD_KEY_PREFIX "%lld-", (long long) local_id);
}

static void
job_free (Job *j)
{
  g_clear_pointer (&j->key, g_bytes_unref);
  g_free (j->idempotency_key);
  g_free (j->sha256);
  g_free (j->body);
  g_free (j->method);
  g_free (j->path);
  g_free (j);
}

static char *
decrypt_text (GBytes       *key,
              sqlite3_stmt *stmt,
              int           column,
              const char   *name,
              gint64        id)
{
  g_autofree char *aad = xpz_crypto_aad ("document", name, id);
  g_autoptr (GBytes) plain = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  plain = xpz_crypto_decrypt (key, sqlite3_column_blob (stmt, column),
                              sqlite3_column_bytes (stmt, column), aad, NULL);
  if (plain == NULL)
    return NULL;
  return g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
}

static gpointer
list_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Job *j = data;
  GPtrArray *docs = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_free);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT id, file_name, mime_type, size, created_at, sha256 FROM document"
                               " ORDER BY created_at DESC, id DESC", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Doc *d = g_new0 (Doc, 1);

      d->id = sqlite3_column_int64 (stmt, 0);
      d->file_name = decrypt_text (j->key, stmt, 1, "file_name", d->id);
      if (d->file_name == NULL)
        d->file_name = g_strdup (_("Unnamed document"));
      d->mime_type = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      d->size = sqlite3_column_int64 (stmt, 3);
      d->created_at = sqlite3_column_int64 (stmt, 4);
      d->sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (docs, d);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      g_ptr_array_unref (docs);
      return NULL;
    }
  return docs;
}

/* The digest of a just-added document and its upload, in one transaction. */
static gpointer
upload_func (XpzStore      *store,
             sqlite3       *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Job *j = data;
  sqlite3_stmt *stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 outbox_id;
  int rc;

  if (j->id > 0)
    {
      rc = sqlite3_prepare_v2 (db, "UPDATE document SET sha256 = ?1 WHERE id = ?2", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, j->sha256, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, j->id);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          xpz_store_set_sqlite_error (db, rc, error);
          return NULL;
        }
    }
  if (j->method != NULL)
    {
      outbox_id = xpz_outbox_add (db, j->key, j->method, j->path, j->body, NULL, j->idempotency_key, now, error);
      if (outbox_id <= 0)
        return NULL;
      xpz_store_record_change (store, "outbox", outbox_id, XPZ_STORE_CHANGE_INSERTED);
    }
  xpz_store_record_change (store, "document", j->id, XPZ_STORE_CHANGE_UPDATED);
  return GINT_TO_POINTER (TRUE);
}

static gpointer
read_func (XpzStore      *store,
           sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Job *j = data;
  g_autofree char *aad = xpz_crypto_aad ("document", "content", j->id);
  sqlite3_stmt *stmt = NULL;
  GBytes *content = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT content FROM document WHERE id = ?1", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, j->id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        content = xpz_crypto_decrypt (j->key, sqlite3_column_blob (stmt, 0),
                                      sqlite3_column_bytes (stmt, 0), aad, error);
      else
        g_set_error_literal (error, XPZ_STORE_ERROR, XPZ_STORE_ERROR_NOT_FOUND,
                             _("This document no longer exists."));
    }
  else
    xpz_store_set_sqlite_error (db, rc, error);
  sqlite3_finalize (stmt);
  return content;
}

/* --- list --------------------------------------------------------------------------- */

static JsonObject *
remote_for_sha (XpzCandidateDocuments *self,
                const char            *sha256)
{
  for (guint i = 0; self->remote != NULL && sha256 != NULL && i < json_array_get_length (self->remote); i++)
    {
      JsonObject *o = json_array_get_object_element (self->remote, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "sha256", NULL), sha256) == 0)
        return o;
    }
  return NULL;
}

static gboolean
sha_is_local (XpzCandidateDocuments *self,
              const char            *sha256)
{
  for (guint i = 0; self->local != NULL && i < self->local->len; i++)
    if (g_strcmp0 (((Doc *) g_ptr_array_index (self->local, i))->sha256, sha256) == 0)
      return TRUE;
  return FALSE;
}

static char *
format_date (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (unix_seconds);

  return dt != NULL ? g_date_time_format (dt, "%x") : g_strdup ("");
}

static gint64
parse_time (const char *iso)
{
  g_autoptr (GDateTime) dt = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static char *
remote_id_text (JsonObject *o)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (o, "id", 0));
}

/* --- open --------------------------------------------------------------------------- */

static void
write_and_launch (XpzCandidateDocuments *self,
                  GBytes                *content)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = xpz_document_write_private_copy (content, &error);
  g_autofree char *uri = NULL;
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));

  if (path == NULL)
    {
      show_error (self, _("The Document Could Not Be Opened"), error->message);
      return;
    }
  uri = g_filename_to_uri (path, NULL, NULL);
  gtk_show_uri (GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL, uri, GDK_CURRENT_TIME);
}

typedef struct
{
  XpzCandidateDocuments *self;
} OpenData;

static void
open_data_free (OpenData *o)
{
  g_object_unref (o->self);
  g_free (o);
}

static void
local_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OpenData *o = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) content = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (content != NULL)
    write_and_launch (o->self, content);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (o->self, _("The Document Could Not Be Opened"), error->message);
  open_data_free (o);
}

static void
remote_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  OpenData *o = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, &error);
  JsonObject *body = response != NULL ? xpz_api_response_get_object (response) : NULL;
  const char *data = body != NULL ? json_object_get_string_member_with_default (body, "data", NULL) : NULL;

  if (data != NULL)
    {
      gsize len = 0;
      g_autofree guchar *decoded = g_base64_decode (data, &len);
      g_autoptr (GBytes) content = g_bytes_new_take (g_steal_pointer (&decoded), len);

      write_and_launch (o->self, content);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (o->self, _("The Document Could Not Be Opened"),
                error != NULL ? error->message : _("The platform sent no content."));
  open_data_free (o);
}

static void
open_cb (GtkButton             *button,
         XpzCandidateDocuments *self)
{
  gint64 local_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "local-id"));
  const char *remote_id = g_object_get_data (G_OBJECT (button), "remote-id");
  OpenData *o;

  if (self->account == NULL)
    return;
  o = g_new0 (OpenData, 1);
  o->self = g_object_ref (self);
  if (local_id > 0)
    {
      Job *j = g_new0 (Job, 1);

      j->key = g_bytes_ref (account_key (self));
      j->id = local_id;
      xpz_store_run_async (xpz_account_get_store (self->account), FALSE, read_func, j,
                           (GDestroyNotify) job_free, (GDestroyNotify) g_bytes_unref,
                           self->cancellable, local_read_cb, o);
    }
  else
    {
      g_autofree char *path = g_strdup_printf (DOCUMENTS_PATH "/%s", remote_id);

      xpz_session_call_async (xpz_account_get_session (self->account), "GET", path, NULL, NULL,
                              NULL, self->cancellable, remote_read_cb, o);
    }
}

/* --- delete ------------------------------------------------------------------------- */

/* The upload of a document not sent yet (waiting, or parked) leaves the outbox with it.
 * One already on its way lands, and then shows as "on the platform only", deletable. */
static gpointer
drop_upload_func (XpzStore      *store,
                  sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Job *j = data;
  g_autofree char *prefix = upload_key_prefix (j->id);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "DELETE FROM outbox WHERE op = 'POST'"
                               " AND substr (idempotency_key, 1, length (?1)) = ?1",
                               -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      xpz_store_set_sqlite_error (db, rc, error);
      return NULL;
    }
  if (sqlite3_changes (db) > 0)
    xpz_store_record_change (store, "outbox", 0, XPZ_STORE_CHANGE_DELETED);
  return GINT_TO_POINTER (TRUE);
}

static void
drop_queued_upload (XpzCandidateDocuments *self,
                    gint64                 local_id)
{
  Job *j = g_new0 (Job, 1);

  j->id = local_id;
  xpz_store_run_async (xpz_account_get_store (self->account), TRUE, drop_upload_func, j,
                       (GDestroyNotify) job_free, NULL, NULL, NULL, NULL);
}

static void
queue_remote_delete (XpzCandidateDocuments *self,
                     const char            *remote_id)
{
  Job *j;

  if (remote_id == NULL)
    return;
  j = g_new0 (Job, 1);
  j->key = g_bytes_ref (account_key (self));
  j->method = g_strdup ("DELETE");
  j->path = g_strdup_printf (DOCUMENTS_PATH "/%s", remote_id);
  xpz_store_run_async (xpz_account_get_store (self->account), TRUE, upload_func, j,
                       (GDestroyNotify) job_free, NULL, NULL, NULL, NULL);
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (XpzCandidateDocuments) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!xpz_store_delete_document_finish (XPZ_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, _("The Document Was Not Deleted"), error->message);
  refresh (self);
}

static void
delete_document (XpzCandidateDocuments *self,
                 gint64                 local_id,
                 const char            *remote_id)
{
  if (self->account == NULL)
    return;
  queue_remote_delete (self, remote_id);
  if (remote_id == NULL && local_id > 0)
    drop_queued_upload (self, local_id);
  if (local_id > 0)
    xpz_store_delete_document_async (xpz_account_get_store (self->account), local_id, NULL,
                                     deleted_cb, g_object_ref (self));
  else
    refresh (self);
}

static void
delete_response_cb (AdwMessageDialog      *dialog,
                    const char            *response,
                    XpzCandidateDocuments *self)
{
  if (g_str_equal (response, "delete"))
    delete_document (self,
                     GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "local-id")),
                     g_object_get_data (G_OBJECT (dialog), "remote-id"));
}

static void
delete_cb (GtkButton             *button,
           XpzCandidateDocuments *self)
{
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  const char *file_name = g_object_get_data (G_OBJECT (button), "file-name");
  g_autofree char *heading = g_strdup_printf (_("Delete “%s”?"), file_name);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (window), heading,
                                   _("It is removed from this computer and from the platform. Employers who could open it no longer can."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "local-id", g_object_get_data (G_OBJECT (button), "local-id"));
  g_object_set_data_full (G_OBJECT (dialog), "remote-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "remote-id")), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- add ---------------------------------------------------------------------------- */

typedef struct
{
  XpzCandidateDocuments *self;
  GFile                 *file;
  char                  *file_name;
  const char            *mime_type;
  GBytes                *content;
  gint64                 replacing;
  char                  *replacing_remote;
} Add;

static void
add_free (Add *a)
{
  g_object_unref (a->self);
  g_clear_object (&a->file);
  g_free (a->file_name);
  g_clear_pointer (&a->content, g_bytes_unref);
  g_free (a->replacing_remote);
  g_free (a);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Add *a = user_data;
  g_autoptr (GError) error = NULL;

  if (xpz_store_run_finish (XPZ_STORE (source), result, &error) == NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (a->self, _("The Document Was Not Queued for Upload"), error->message);
  else if (a->replacing > 0 || a->replacing_remote != NULL)
    delete_document (a->self, a->replacing, a->replacing_remote);
  refresh (a->self);
  add_free (a);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Add *a = user_data;
  g_autoptr (GError) error = NULL;
  gint64 id = xpz_store_add_document_finish (XPZ_STORE (source), result, &error);
  g_autofree char *data = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body = NULL;
  Job *j;

  if (id <= 0 || a->self->account == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (a->self, _("The Document Was Not Added"), error->message);
      add_free (a);
      return;
    }

  data = g_base64_encode (g_bytes_get_data (a->content, NULL), g_bytes_get_size (a->content));
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filename");
  json_builder_add_string_value (builder, a->file_name);
  json_builder_set_member_name (builder, "data");
  json_builder_add_string_value (builder, data);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  j = g_new0 (Job, 1);
  j->key = g_bytes_ref (account_key (a->self));
  j->id = id;
  j->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a->content);
  j->method = g_strdup ("POST");
  j->path = g_strdup (DOCUMENTS_PATH);
  {
    g_autofree char *prefix = upload_key_prefix (id);
    g_autofree char *uuid = g_uuid_string_random ();

    j->idempotency_key = g_strconcat (prefix, uuid, NULL);
  }
  j->body = xpz_json_to_string (body, FALSE, NULL);
  xpz_store_run_async (xpz_account_get_store (a->self->account), TRUE, upload_func, j,
                       (GDestroyNotify) job_free, NULL, NULL, uploaded_cb, a);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Add *a = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (a->self, _("The File Could Not Be Read"), error->message);
      add_free (a);
      return;
    }
  a->mime_type = xpz_document_sniff ((const guint8 *) contents, length, &error);
  if (a->mime_type == NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("“%s” Was Not Added"), a->file_name);

      show_error (a->self, heading, error->message);
      add_free (a);
      return;
    }
  a->content = g_bytes_new_take (g_steal_pointer (&contents), length);
  if (a->self->account == NULL)
    {
      add_free (a);
      return;
    }
  xpz_store_add_document_async (xpz_account_get_store (a->self->account), a->file_name,
                                a->mime_type, a->content, NULL, stored_cb, a);
}

static void
info_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Add *a = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, &error);

  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (a->self, _("The File Could Not Be Read"), error->message);
      add_free (a);
      return;
    }
  a->file_name = g_strdup (g_file_info_get_display_name (info));
  /* Refused before reading it: the limit is stated, and an 80 MB video never loads. */
  if (g_file_info_get_size (info) > XPZ_DOCUMENT_MAX_SIZE)
    {
      g_autofree char *heading = g_strdup_printf (_("“%s” Was Not Added"), a->file_name);
      g_autofree char *size = g_format_size (g_file_info_get_size (info));
      g_autofree char *body = g_strdup_printf (_("It is %s; a document may have at most 8 MiB."), size);

      show_error (a->self, heading, body);
      add_free (a);
      return;
    }
  g_file_load_contents_async (a->file, a->self->cancellable, loaded_cb, a);
}

static void
add_file (XpzCandidateDocuments *self,
          GFile                 *file)
{
  Add *a;

  if (self->account == NULL)
    return;
  a = g_new0 (Add, 1);
  a->self = g_object_ref (self);
  a->file = g_object_ref (file);
  a->replacing = self->replacing;
  a->replacing_remote = g_steal_pointer (&self->replacing_remote);
  self->replacing = 0;
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable, info_cb, a);
}

static void
chooser_response_cb (GtkNativeDialog       *chooser,
                     int                    response,
                     XpzCandidateDocuments *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        add_file (self, file);
    }
  else
    {
      self->replacing = 0;
      g_clear_pointer (&self->replacing_remote, g_free);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (XpzCandidateDocuments *self,
             const char            *title)
{
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PDF, Word and OpenDocument Documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  gtk_file_filter_add_mime_type (filter, "application/vnd.oasis.opendocument.text");
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_clicked_cb (XpzCandidateDocuments *self)
{
  self->replacing = 0;
  g_clear_pointer (&self->replacing_remote, g_free);
  choose_file (self, _("Add a Document"));
}

static void
replace_cb (GtkButton             *button,
            XpzCandidateDocuments *self)
{
  self->replacing = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "local-id"));
  g_free (self->replacing_remote);
  self->replacing_remote = g_strdup (g_object_get_data (G_OBJECT (button), "remote-id"));
  choose_file (self, _("Replace the Document"));
}

static gboolean
drop_cb (GtkDropTarget         *target,
         const GValue          *value,
         double                 x,
         double                 y,
         XpzCandidateDocuments *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
        add_file (self, l->data);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      add_file (self, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

/* --- rows --------------------------------------------------------------------------- */

static GtkWidget *
row_button (XpzCandidateDocuments *self,
            const char            *icon,
            const char            *label,
            GCallback              callback,
            gint64                 local_id,
            const char            *remote_id,
            const char            *file_name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "local-id", GSIZE_TO_POINTER ((gsize) local_id));
  g_object_set_data_full (G_OBJECT (button), "remote-id", g_strdup (remote_id), g_free);
  g_object_set_data_full (G_OBJECT (button), "file-name", g_strdup (file_name), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static void
add_row (XpzCandidateDocuments *self,
         gint64                 local_id,
         const char            *remote_id,
         const char            *file_name,
         const char            *mime_type,
         gint64                 size,
         gint64                 created_at,
         const char            *status)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *date = format_date (created_at);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s · %s", xpz_document_type_name (mime_type),
                                               size_text, date, status);
  g_autofree char *open_label = g_strdup_printf (_("Open “%s”"), file_name);
  g_autofree char *replace_label = g_strdup_printf (_("Replace “%s”"), file_name);
  g_autofree char *delete_label = g_strdup_printf (_("Delete “%s”"), file_name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), file_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("x-office-document-symbolic"));
  gtk_box_append (GTK_BOX (box), row_button (self, "document-open-symbolic", open_label,
                                             G_CALLBACK (open_cb), local_id, remote_id, file_name));
  gtk_box_append (GTK_BOX (box), row_button (self, "document-edit-symbolic", replace_label,
                                             G_CALLBACK (replace_cb), local_id, remote_id, file_name));
  gtk_box_append (GTK_BOX (box), row_button (self, "user-trash-symbolic", delete_label,
                                             G_CALLBACK (delete_cb), local_id, remote_id, file_name));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_preferences_group_add (self->documents_group, row);
  g_ptr_array_add (self->rows, row);
}

static void
rebuild (XpzCandidateDocuments *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->documents_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < self->holder_rows->len; i++)
    adw_preferences_group_remove (self->holders_group, g_ptr_array_index (self->holder_rows, i));
  g_ptr_array_set_size (self->holder_rows, 0);

  for (guint i = 0; self->local != NULL && i < self->local->len; i++)
    {
      Doc *d = g_ptr_array_index (self->local, i);
      JsonObject *remote = remote_for_sha (self, d->sha256);
      g_autofree char *remote_id = remote != NULL ? remote_id_text (remote) : NULL;

      add_row (self, d->id, remote_id, d->file_name, d->mime_type, d->size, d->created_at,
               remote != NULL ? _("on the platform") : _("waiting to upload"));
    }
  for (guint i = 0; self->remote != NULL && i < json_array_get_length (self->remote); i++)
    {
      JsonObject *o = json_array_get_object_element (self->remote, i);
      g_autofree char *remote_id = NULL;

      if (sha_is_local (self, json_object_get_string_member_with_default (o, "sha256", NULL)))
        continue;
      remote_id = remote_id_text (o);
      add_row (self, 0, remote_id, json_object_get_string_member_with_default (o, "filename", ""),
               json_object_get_string_member_with_default (o, "content_type", NULL),
               json_object_get_int_member_with_default (o, "size", 0),
               parse_time (json_object_get_string_member_with_default (o, "created_at", NULL)),
               _("on the platform only"));
    }

  if (self->rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No documents yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Add your CV so that employers you accept can read it."));
      adw_preferences_group_add (self->documents_group, row);
      g_ptr_array_add (self->rows, row);
    }

  /* Who holds them: every employer with an active share that includes documents can
   * open the current version of each (shares are live, not copies). */
  for (guint i = 0; self->shares != NULL && i < json_array_get_length (self->shares); i++)
    {
      JsonObject *share = json_array_get_object_element (self->shares, i);
      JsonArray *fields = json_object_has_member (share, "fields") ? json_object_get_array_member (share, "fields") : NULL;
      JsonObject *employer = json_object_has_member (share, "employer") &&
                             JSON_NODE_HOLDS_OBJECT (json_object_get_member (share, "employer"))
                             ? json_object_get_object_member (share, "employer") : NULL;
      JsonObject *job = json_object_has_member (share, "job") &&
                        JSON_NODE_HOLDS_OBJECT (json_object_get_member (share, "job"))
                        ? json_object_get_object_member (share, "job") : NULL;
      gboolean documents = FALSE;
      GtkWidget *row;
      g_autofree char *since = NULL, *subtitle = NULL;

      if (!json_object_get_boolean_member_with_default (share, "active", FALSE))
        continue;
      for (guint f = 0; fields != NULL && f < json_array_get_length (fields); f++)
        if (g_strcmp0 (json_array_get_string_element (fields, f), "documents") == 0)
          documents = TRUE;
      if (!documents)
        continue;
      since = format_date (parse_time (json_object_get_string_member_with_default (share, "at", NULL)));
      subtitle = job != NULL
                 ? g_strdup_printf (_("For “%s”, since %s: can open the current version of each document above"),
                                    json_object_get_string_member_with_default (job, "title", ""), since)
                 : g_strdup_printf (_("Since %s: can open the current version of each document above"), since);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     employer != NULL ? json_object_get_string_member_with_default (employer, "company", "") : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (self->holders_group, row);
      g_ptr_array_add (self->holder_rows, row);
    }
  adw_preferences_group_set_description (self->holders_group,
                                         self->holder_rows->len == 0
                                         ? _("No employer can open your documents.")
                                         : _("Revoke a share in the Privacy area to end an employer’s access."));
}

static void
local_listed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (XpzCandidateDocuments) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *docs = xpz_store_run_finish (XPZ_STORE (source), result, &error);

  if (docs == NULL)
    return;
  g_clear_pointer (&self->local, g_ptr_array_unref);
  self->local = docs;
  rebuild (self);
}

static void
remote_listed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (XpzCandidateDocuments) self = user_data;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, NULL);
  JsonObject *body = response != NULL ? xpz_api_response_get_object (response) : NULL;

  if (body == NULL || !json_object_has_member (body, "documents"))
    return;
  g_clear_pointer (&self->remote, json_array_unref);
  self->remote = json_array_ref (json_object_get_array_member (body, "documents"));
  rebuild (self);
}

static void
shares_listed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (XpzCandidateDocuments) self = user_data;
  g_autoptr (XpzApiResponse) response = xpz_session_call_finish (XPZ_SESSION (source), result, NULL);
  JsonObject *body = response != NULL ? xpz_api_response_get_object (response) : NULL;

  if (body == NULL || !json_object_has_member (body, "shares"))
    return;
  g_clear_pointer (&self->shares, json_array_unref);
  self->shares = json_array_ref (json_object_get_array_member (body, "shares"));
  rebuild (self);
}

static void
refresh (XpzCandidateDocuments *self)
{
  Job *j;

  if (self->account == NULL)
    return;
  j = g_new0 (Job, 1);
  j->key = g_bytes_ref (account_key (self));
  xpz_store_run_async (xpz_account_get_store (self->account), FALSE, list_func, j,
                       (GDestroyNotify) job_free, (GDestroyNotify) g_ptr_array_unref,
                       self->cancellable, local_listed_cb, g_object_ref (self));
  xpz_session_call_async (xpz_account_get_session (self->account), "GET", DOCUMENTS_PATH, NULL,
                          NULL, NULL, self->cancellable, remote_listed_cb, g_object_ref (self));
  xpz_session_call_async (xpz_account_get_session (self->account), "GET", "/api/v1/me/shares",
                          NULL, NULL, NULL, self->cancellable, shares_listed_cb, g_object_ref (self));
}

static void
store_changed_cb (XpzCandidateDocuments *self,
                  const char            *table,
                  gint64                 row_id,
                  XpzStoreChange         change)
{
  if (g_strcmp0 (table, "document") == 0 || g_strcmp0 (table, "share") == 0)
    refresh (self);
}

/* --- the object --------------------------------------------------------------------- */

static void
xpz_candidate_documents_dispose (GObject *object)
{
  XpzCandidateDocuments *self = XPZ_CANDIDATE_DOCUMENTS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->chooser);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  /* The rows go with their groups. */
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->holder_rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (object), XPZ_TYPE_CANDIDATE_DOCUMENTS);
  g_clear_object (&self->account);
  g_clear_pointer (&self->local, g_ptr_array_unref);
  g_clear_pointer (&self->remote, json_array_unref);
  g_clear_pointer (&self->shares, json_array_unref);
  g_clear_pointer (&self->replacing_remote, g_free);

  G_OBJECT_CLASS (xpz_candidate_documents_parent_class)->dispose (object);
}

static void
xpz_candidate_documents_finalize (GObject *object)
{
  XpzCandidateDocuments *self = XPZ_CANDIDATE_DOCUMENTS (object);

  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->holder_rows);
  G_OBJECT_CLASS (xpz_candidate_documents_parent_class)->finalize (object);
}

static void
xpz_candidate_documents_class_init (XpzCandidateDocumentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xpz_candidate_documents_dispose;
  object_class->finalize = xpz_candidate_documents_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/xpz-candidate-documents.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateDocuments, documents_group);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateDocuments, holders_group);
  gtk_widget_class_bind_template_child (widget_class, XpzCandidateDocuments, add_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
}

static void
xpz_candidate_documents_init (XpzCandidateDocuments *self)
{
  GtkDropTarget *target;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->holder_rows = g_ptr_array_new ();
  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}

void
xpz_candidate_documents_set_account (XpzCandidateDocuments *self,
                                     XpzAccount            *account)
{
  g_return_if_fail (XPZ_IS_CANDIDATE_DOCUMENTS (self));

  if (self->account == account)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (xpz_account_get_store (self->account), self);
  g_set_object (&self->account, account);
  g_clear_pointer (&self->local, g_ptr_array_unref);
  g_clear_pointer (&self->remote, json_array_unref);
  g_clear_pointer (&self->shares, json_array_unref);
  rebuild (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), account != NULL);
  if (account == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (xpz_account_get_store (account), "changed",
                           G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  refresh (self);
}
