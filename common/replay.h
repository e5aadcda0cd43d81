/*
 * The replay store: each (iss, jti) is accepted at most once per host.
 *
 * Layout, under the store directory DIR (mode 0700):
 *
 *   DIR/BUCKET/NAME
 *
 *   BUCKET  the token's exp rounded up to a whole minute, in decimal
 *           seconds since the epoch ("1700000040");
 *   NAME    lower-case hex of BLAKE2b-256 over
 *           JWTSAFE_REPLAY_TAG "\0" iss "\0" jti
 *           (iss and jti never hold NUL, so the encoding is unambiguous;
 *           the raw jti never becomes a file name);
 *   content the exp in decimal and "\n", for operators.
 *
 * Claiming creates NAME with O_CREAT|O_EXCL|O_NOFOLLOW (mode 0600): the
 * kernel makes exactly one of any number of concurrent claimers succeed,
 * and the cost is one directory lookup whatever the number of records.
 *
 * Records live as long as their bucket. A bucket is removed, whole, once
 * BUCKET + JWTSAFE_REPLAY_RETAIN < now. The retention is fixed and not the
 * module's leeway, because one store may serve several PAM services with
 * different leeways: it covers the largest leeway any service may set
 * (JWTSAFE_LEEWAY_MAX) plus a minute of clock difference between
 * processes. A verified token always has now < exp + leeway <= BUCKET +
 * JWTSAFE_LEEWAY_MAX, so its record outlives every moment it could verify.
 *
 * Fail closed: any failure other than "already there" (permissions, a full
 * or read-only file system, a bucket that is not a directory, a record that
 * is not a regular file) is JWTSAFE_ERR_REPLAY_STORE, never success.
 *
 * Known limit: two tokens with the same iss and jti but a different exp are
 * different records. RFC 7519 makes jti unique per issuer; an issuer that
 * reuses one has given out two tokens.
 */
#ifndef JWTSAFE_REPLAY_H
#define JWTSAFE_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "verifier.h"

#define JWTSAFE_REPLAY_TAG        "jwtsafe-replay-v1"
#define JWTSAFE_REPLAY_BUCKET     60     /* seconds per bucket */
#define JWTSAFE_REPLAY_RETAIN     (JWTSAFE_LEEWAY_MAX + 60)
#define JWTSAFE_REPLAY_NAME_LEN   64     /* hex characters in a record name */
#define JWTSAFE_REPLAY_ISS_MAX    4096   /* bytes of iss accepted */

struct jwtsafe_replay;

/*
 * Open the store at dir (an absolute path, see jwtsafe_options_path_valid),
 * creating the last component with mode 0700 when it is missing (never its
 * parents). Every directory above dir must pass
 * jwtsafe_safefile_check_dirs(dir, owner); dir itself must be a directory
 * (not a symlink) owned by root or owner, not writable by group or others.
 * Returns 0, JWTSAFE_ERR_REPLAY_STORE (detail names the path and problem),
 * JWTSAFE_ERR_INVALID_ARGUMENT or JWTSAFE_ERR_ALLOC.
 */
int jwtsafe_replay_open(const char *dir, uid_t owner,
    struct jwtsafe_replay **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * Record (iss, jti) for a token expiring at exp, at time now.
 * Returns 0 for the first claim, JWTSAFE_ERR_REPLAY when the record already
 * exists, JWTSAFE_ERR_REPLAY_STORE when the store cannot be used (nothing
 * is left behind: a record whose write failed is removed), or
 * JWTSAFE_ERR_INVALID_ARGUMENT (empty or over-long iss or jti, exp out of
 * range, or a token already past the store's retention). Afterwards,
 * expired buckets are removed (jwtsafe_replay_cleanup; its errors are
 * ignored, they cannot make a claim succeed).
 */
int jwtsafe_replay_claim(struct jwtsafe_replay *rs, const char *iss,
    const char *jti, int64_t exp, int64_t now, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * Remove every bucket whose minute + JWTSAFE_REPLAY_RETAIN is before now.
 * Reads the top directory only (it holds one entry per live minute) and
 * each expired bucket. Entries whose names are not canonical bucket names
 * are left alone. Sets *removed (may be NULL) to the buckets removed.
 * Returns 0 or JWTSAFE_ERR_REPLAY_STORE when the top cannot be read.
 */
int jwtsafe_replay_cleanup(struct jwtsafe_replay *rs, int64_t now,
    size_t *removed, struct jwtsafe_error *err);

/* The record name for (iss, jti): JWTSAFE_REPLAY_NAME_LEN hex characters
 * and a NUL into out. Returns 0 or JWTSAFE_ERR_INVALID_ARGUMENT. */
int jwtsafe_replay_record_name(const char *iss, const char *jti,
    char out[JWTSAFE_REPLAY_NAME_LEN + 1])
    __attribute__((warn_unused_result));

/* The bucket (seconds, a multiple of JWTSAFE_REPLAY_BUCKET) for exp. */
int64_t jwtsafe_replay_bucket(int64_t exp);

void jwtsafe_replay_close(struct jwtsafe_replay *rs);

#endif /* JWTSAFE_REPLAY_H */
