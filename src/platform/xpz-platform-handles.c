/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "xpz-platform"

#include <sodium.h>

#include "xpz-platform-private.h"

/*
 * Per-job candidate handles (issue 14 §2: "employers see per-job candidate handles
 * that cannot be linked across jobs until a share").
 *
 * An employer never sees a candidate's account id. In everything it reads about a
 * match — the candidate's "id", an introduction's "candidate_id", the feed's
 * "job:candidate" ids and the /jobs/{job}/matches/{candidate} paths — the candidate is
 * a handle: the account id enciphered under a permutation of its own for that job. The
 * same person matched by two jobs has two unrelated handles; only what a share
 * discloses (name, email…) tells that they are one person.
 *
 * The permutation is a balanced Feistel network on 52 bits (two halves of 26 bits, so
 * a handle is an integer that JSON readers hold exactly), ten rounds, each round's
 * function SipHash-2-4 (libsodium's crypto_shorthash) of the job id, the round and the
 * half, under a key derived from the server's secret. Ten rounds are those of NIST
 * SP 800-38G's FF1; a known account id (an employer can also make candidate accounts)
 * tells nothing of another's handle. Being a permutation it needs no table: the server
 * deciphers the handle of a path. A handle that deciphers to no listed candidate is a
 * 404, as an unknown id always was.
 *
 * The handle 0 is never given (cycle-walking: 0 is enciphered once more).
 */

#define HALF_BITS 26
#define HALF_MASK ((G_GUINT64_CONSTANT (1) << HALF_BITS) - 1)
#define ROUNDS    10

G_STATIC_ASSERT (sizeof ((XpzPlatformServer *) NULL)->handle_key == crypto_shorthash_KEYBYTES);

/* Derives the handle key from the server secret (after it is loaded). */
void
xpz_platform_handles_init (XpzPlatformServer *self)
{
  static const char context[] = "xpertaize-platform per-job candidate handles v1";

  crypto_generichash (self->handle_key, sizeof self->handle_key,
                      (const unsigned char *) context, sizeof context - 1,
                      self->secret, sizeof self->secret);
}

static guint64
round_function (const XpzPlatformServer *self,
                gint64                   job_id,
                guint8                   round,
                guint64                  half)
{
  unsigned char in[13];
  unsigned char out[crypto_shorthash_BYTES];
  guint64 value = 0;

  for (guint i = 0; i < 8; i++)
    in[i] = (unsigned char) ((guint64) job_id >> (8 * i));
  in[8] = round;
  for (guint i = 0; i < 4; i++)
    in[9 + i] = (unsigned char) (half >> (8 * i));
  crypto_shorthash (out, in, sizeof in, self->handle_key);
  for (guint i = 0; i < 8; i++)
    value |= (guint64) out[i] << (8 * i);
  return value & HALF_MASK;
}

static guint64
encipher (const XpzPlatformServer *self,
          gint64                   job_id,
          guint64                  value)
{
  guint64 left = (value >> HALF_BITS) & HALF_MASK, right = value & HALF_MASK;

  for (guint8 r = 0; r < ROUNDS; r++)
    {
      guint64 next = left ^ round_function (self, job_id, r, right);

      left = right;
      right = next;
    }
  return left << HALF_BITS | right;
}

static guint64
decipher (const XpzPlatformServer *self,
          gint64                   job_id,
          guint64                  value)
{
  guint64 left = (value >> HALF_BITS) & HALF_MASK, right = value & HALF_MASK;

  for (guint8 r = ROUNDS; r > 0; r--)
    {
      guint64 previous = right ^ round_function (self, job_id, (guint8) (r - 1), left);

      right = left;
      left = previous;
    }
  return left << HALF_BITS | right;
}

/**
 * xpz_platform_candidate_handle:
 * @job_id: the job the employer looks at
 * @candidate_id: the candidate's account id (1 … 2⁵² − 1)
 *
 * Returns: the candidate's handle for @job_id (1 … 2⁵² − 1)
 */
gint64
xpz_platform_candidate_handle (const XpzPlatformServer *self,
                               gint64                   job_id,
                               gint64                   candidate_id)
{
  guint64 handle;

  g_return_val_if_fail (candidate_id > 0 && (guint64) candidate_id <= XPZ_PLATFORM_HANDLE_MAX, 0);

  handle = encipher (self, job_id, (guint64) candidate_id);
  while (handle == 0)
    handle = encipher (self, job_id, handle);
  return (gint64) handle;
}

/**
 * xpz_platform_candidate_from_handle:
 * @job_id: the job of the path
 * @handle: a handle read from the employer's request
 *
 * Returns: the account id @handle stands for in @job_id, or 0 for a value that is no
 *   handle (out of range). Whether that account exists, and whether the job lists it,
 *   is the caller's check.
 */
gint64
xpz_platform_candidate_from_handle (const XpzPlatformServer *self,
                                    gint64                   job_id,
                                    gint64                   handle)
{
  guint64 id;

  if (handle <= 0 || (guint64) handle > XPZ_PLATFORM_HANDLE_MAX)
    return 0;
  id = decipher (self, job_id, (guint64) handle);
  while (id == 0)
    id = decipher (self, job_id, id);
  return (gint64) id;
}

/**
 * xpz_platform_server_candidate_handle:
 * @job_id: a job
 * @candidate_id: a candidate's account id
 *
 * What the employer of @job_id sees of the candidate (for an operator answering a
 * request about a match, and for tests). Thread-safe: the key does not change.
 *
 * Returns: the handle
 */
gint64
xpz_platform_server_candidate_handle (XpzPlatformServer *self,
                                      gint64             job_id,
                                      gint64             candidate_id)
{
  g_return_val_if_fail (XPZ_IS_PLATFORM_SERVER (self), 0);
  return xpz_platform_candidate_handle (self, job_id, candidate_id);
}
