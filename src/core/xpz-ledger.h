/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The consent ledger (B1), verified on this computer: the app recomputes the hash chain
 * of GET /me/ledger itself instead of trusting the platform's "verified" flag.
 *   hash = hex (SHA-256 (prev_hash ‖ canonical_json))
 *   canonical_json = {"at":UNIX_SECONDS,"detail":DETAIL,"kind":KIND,"seq":SEQ}
 * keys sorted at every level, no white space, minimal escapes; the first prev_hash is
 * 64 zeros; seq counts from 1 without gaps. */

#define XPZ_LEDGER_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

#define XPZ_LEDGER_ERROR (xpz_ledger_error_quark ())

/**
 * XpzLedgerError:
 * @XPZ_LEDGER_ERROR_MALFORMED: an entry lacks a member or has one of the wrong type
 * @XPZ_LEDGER_ERROR_SEQUENCE: an entry is missing or out of order (seq gap)
 * @XPZ_LEDGER_ERROR_CHAIN: an entry does not point at the previous entry's hash
 * @XPZ_LEDGER_ERROR_ALTERED: an entry's content no longer matches its hash
 */
typedef enum
{
  XPZ_LEDGER_ERROR_MALFORMED,
  XPZ_LEDGER_ERROR_SEQUENCE,
  XPZ_LEDGER_ERROR_CHAIN,
  XPZ_LEDGER_ERROR_ALTERED,
} XpzLedgerError;

GQuark    xpz_ledger_error_quark     (void);

char     *xpz_ledger_canonical_json  (JsonNode    *node);
char     *xpz_ledger_entry_hash      (const char  *prev_hash,
                                      gint64       seq,
                                      gint64       at,
                                      const char  *kind,
                                      JsonNode    *detail);
gboolean  xpz_ledger_verify          (JsonArray   *entries,
                                      gint64      *bad_seq,
                                      GError     **error);
char     *xpz_ledger_kind_label      (const char  *kind);
char     *xpz_ledger_describe        (JsonObject  *entry);

G_END_DECLS
