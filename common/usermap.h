/*
 * The subject map (map=PATH): which local users a token subject may act as.
 * A map file is an accounts file (accounts.h, jwtsafe-accounts(5)) read in
 * STRICT mode: besides the rules below it may hold the account, group and
 * range lines of that format, and an account line lets its subject act as
 * its account. This header is the map's view; accounts.h has the rest.
 *
 * Format, one rule per line, lines ending with "\n" (the last may lack it):
 *
 *   SUBJECT: USER [USER ...]
 *
 *   - SUBJECT is every byte before the LAST ':' of the line. User names
 *     cannot hold ':', so subjects may (URIs, "urn:...", "auth0|...").
 *     It is compared with the token's "sub" byte for byte: no case folding,
 *     no wildcards, no normalisation. It must be 1..JWTSAFE_SUB_MAX bytes of
 *     UTF-8 without control characters (tabs included), and must not begin
 *     or end with a space (a subject "alice " would never be meant).
 *   - The ':' must be followed by one or more spaces or tabs, then one or
 *     more user names separated by spaces or tabs; trailing spaces and tabs
 *     are allowed. Each name must pass jwtsafe_username_valid. A '#' in the
 *     user list is refused: comments must be on a line of their own, so
 *     "sub: alice # was bob" cannot grant "#", "was" and "bob".
 *   - A line whose first byte is '#' is a comment. Empty lines, and lines of
 *     only spaces and tabs, are ignored. A line that begins with the word
 *     "account", "group" or "range" followed by a space, a tab or the end
 *     of the line is an accounts line (accounts.h). Any other line is a
 *     rule. (So a subject cannot begin with one of these words and a space.)
 *   - A subject may have one rule line only (and appear on any number of
 *     account lines).
 *   - No NUL bytes and no "\r" (CRLF files are refused, with a message).
 *
 * Nothing matches by pattern: a wildcard would let one mistyped rule grant
 * every account, and subjects are opaque issuer strings anyway.
 * A file with no rules is valid and allows nobody.
 *
 * Any malformed line refuses the whole file (fail closed), with
 * JWTSAFE_ERR_CONFIG and a detail "NAME:LINE: problem" for the first one.
 */
#ifndef JWTSAFE_USERMAP_H
#define JWTSAFE_USERMAP_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "safefile.h"

#define JWTSAFE_USERMAP_MAX_SIZE  (1024 * 1024)   /* bytes in a map file */
#define JWTSAFE_USERMAP_LINE_MAX  4096            /* bytes in one line */
#define JWTSAFE_USERNAME_MAX      256             /* bytes in a user name */

struct jwtsafe_usermap;

/*
 * 1 if user is an acceptable PAM/local user name, else 0. Refused, as
 * pam_unix refuses them: NULL, empty, more than JWTSAFE_USERNAME_MAX bytes,
 * a first byte '-' or '+' (NIS compat and option-like names), and any '/',
 * ':', space or control character (C0 and DEL). Bytes >= 0x80 are allowed.
 */
int jwtsafe_username_valid(const char *user);

/*
 * Parse len bytes at buf (a whole map file) as described above. name is
 * used in messages. On success *out is a new map (jwtsafe_usermap_free).
 */
int jwtsafe_usermap_parse(const char *buf, size_t len, const char *name,
    struct jwtsafe_usermap **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * jwtsafe_safefile_read (policy->max_size 0 means JWTSAFE_USERMAP_MAX_SIZE)
 * then jwtsafe_usermap_parse. Errors from the file checks are passed on
 * (JWTSAFE_ERR_UNSAFE_FILE, JWTSAFE_ERR_SYSTEM), parse errors are
 * JWTSAFE_ERR_CONFIG naming path:line.
 */
int jwtsafe_usermap_read(const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_usermap **out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/* 1 if the map has a rule for exactly sub that lists exactly user, or an
 * account line for exactly user whose subject is exactly sub, else 0 (also
 * for NULL arguments). */
int jwtsafe_usermap_allows(const struct jwtsafe_usermap *map,
    const char *sub, const char *user);

/*
 * As jwtsafe_usermap_allows, once user has been resolved to uid (getpwnam):
 * an account line then grants user only if uid is the line's uid, so a
 * declared name that /etc/passwd (or any source before jwtsafe) also has
 * never grants that other account. See jwtsafe_accounts_allows_uid.
 */
int jwtsafe_usermap_allows_uid(const struct jwtsafe_usermap *map,
    const char *sub, const char *user, uid_t uid);

/* Number of distinct subjects in the map (rule lines and account lines;
 * without account lines, the number of rules). */
size_t jwtsafe_usermap_count(const struct jwtsafe_usermap *map);

void jwtsafe_usermap_free(struct jwtsafe_usermap *map);

#endif /* JWTSAFE_USERMAP_H */
