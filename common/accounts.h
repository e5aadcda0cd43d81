/*
 * The accounts file: token-only service accounts (served by nss_jwtsafe)
 * and the subject rules of the PAM module's map= file, in one format, so
 * that one line can both declare an account and say which token subject
 * may act as it. libc only: the NSS module links this file, and it must
 * not pull libsodium, libcrypto, cJSON or libpam into every process that
 * looks a user up. jwtsafe-accounts(5) is the administrator's version.
 *
 * Format: lines ending with "\n" (the last may lack it); no NUL, no "\r"
 * (a comment may hold a "\r"). Fields are separated by one or more spaces
 * or tabs.
 *
 *   # comment                       (first byte '#'; blank lines ignored)
 *   range MIN MAX                   the uid/gid range of this file
 *   group NAME GID                  a group (getgrnam/getgrgid)
 *   account NAME UID GID HOME SHELL SUBJECT
 *                                   an account (getpwnam/getpwuid/getpwent)
 *                                   that the token subject SUBJECT may use
 *   SUBJECT: USER [USER ...]        a subject rule, as in the map format of
 *                                   usermap.h (users need not be accounts)
 *
 * A line is an account, group or range line when it begins with exactly
 * "account", "group" or "range" followed by a space, a tab or the end of
 * the line; every other line is a subject rule. (So a subject cannot begin
 * with one of these words and a space: such a rule is parsed as a keyword
 * line, fails, and says so.)
 *
 *   - range: at most once, before the first group or account line (only
 *     the first range line counts, good or bad). Default
 *     JWTSAFE_ID_MIN_DEFAULT..JWTSAFE_ID_MAX_DEFAULT. MIN <= MAX, both
 *     inside JWTSAFE_ID_LIMIT_MIN..JWTSAFE_ID_LIMIT_MAX: never 0 or another
 *     system id, never systemd's dynamic (61184..65519) or container
 *     (524288 and up) ranges, never 65534/65535.
 *   - NAME (accounts and groups): 1..JWTSAFE_ACCOUNT_NAME_MAX bytes of
 *     [a-z_][a-z0-9_-]*, the portable subset that useradd accepts by
 *     default; account names are unique, group names are unique.
 *   - UID, GID, MIN, MAX: plain decimal (digits only: no sign, no leading
 *     zero) inside the range. Account uids are unique, group gids are
 *     unique. An account's GID need not have a group line (it may be a
 *     group from /etc/group); groups are only ever found by their own
 *     line's name or gid, never by matching names across lines.
 *   - HOME, SHELL: absolute paths of 1..JWTSAFE_ACCOUNT_PATH_MAX bytes of
 *     printable ASCII without ':' or spaces, no "." or ".." components, no
 *     "//", no trailing '/' (except "/" itself).
 *   - SUBJECT: the rest of the line after the SHELL field and its
 *     separator, with the subject rules of usermap.h (1..
 *     JWTSAFE_ACCOUNT_SUB_MAX bytes of UTF-8, no control characters, no
 *     leading or trailing space). There is no comment at the end of an
 *     account line: a '#' there is part of the subject.
 *   - range and group lines may end with spaces and tabs; anything else
 *     after their last field is an error.
 *   - Subject rules are exactly those of usermap.h, except that a subject
 *     may also appear on any number of account lines: a subject may act as
 *     the union of the users of its rule line (at most one) and of the
 *     accounts that name it.
 *   - At most JWTSAFE_ACCOUNTS_MAX account and group lines in all.
 *
 * Two modes:
 *   STRICT  (the PAM module's map=, `jwtsafe doctor`): the first bad line
 *           refuses the whole file with JWTSAFE_ERR_CONFIG, detail
 *           "NAME:LINE: problem".
 *   SKIP    (nss_jwtsafe): a bad line is reported through the callback
 *           and skipped; the rest of the file is still served. A duplicate
 *           name or id skips the later line (duplicates are counted among
 *           the lines kept); a bad range line leaves the default range.
 *           A line over JWTSAFE_ACCOUNTS_LINE_MAX bytes or with a NUL is
 *           skipped like any bad line.
 * In both modes a buffer over JWTSAFE_ACCOUNTS_MAX_SIZE is refused whole.
 */
#ifndef JWTSAFE_ACCOUNTS_H
#define JWTSAFE_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "safefile.h"

#ifndef JWTSAFE_ACCOUNTS_PATH
#define JWTSAFE_ACCOUNTS_PATH "/etc/jwtsafe/accounts"
#endif
#define JWTSAFE_ACCOUNTS_MAX_SIZE  (1024 * 1024)  /* bytes in the file */
#define JWTSAFE_ACCOUNTS_LINE_MAX  4096           /* bytes in one line */
#define JWTSAFE_ACCOUNTS_MAX       4096           /* accounts + groups */
#define JWTSAFE_ACCOUNT_NAME_MAX   32
#define JWTSAFE_ACCOUNT_PATH_MAX   256
#define JWTSAFE_ACCOUNT_SUB_MAX    256   /* = JWTSAFE_SUB_MAX of verifier.h */
#define JWTSAFE_ID_MIN_DEFAULT     60000
#define JWTSAFE_ID_MAX_DEFAULT     60999
#define JWTSAFE_ID_LIMIT_MIN       1000
#define JWTSAFE_ID_LIMIT_MAX       60999

enum jwtsafe_accounts_mode {
	JWTSAFE_ACCOUNTS_STRICT = 0,
	JWTSAFE_ACCOUNTS_SKIP = 1,
};

struct jwtsafe_account {
	char name[JWTSAFE_ACCOUNT_NAME_MAX + 1];
	uint32_t uid;
	uint32_t gid;
	char home[JWTSAFE_ACCOUNT_PATH_MAX + 1];
	char shell[JWTSAFE_ACCOUNT_PATH_MAX + 1];
	const char *subject;      /* points into the parsed object */
	unsigned line;
};

struct jwtsafe_group {
	char name[JWTSAFE_ACCOUNT_NAME_MAX + 1];
	uint32_t gid;
	unsigned line;
};

struct jwtsafe_accounts;

/* Called in SKIP mode for each skipped line; problem has no file content
 * beyond what is safe to log (never the subject, never a name: numbers and
 * line numbers only). problem is valid only during the call. */
typedef void (*jwtsafe_accounts_report_fn)(void *ctx, const char *name,
    unsigned line, const char *problem);

/* 1 if name is a valid account or group name (rules above), else 0. */
int jwtsafe_account_name_valid(const char *name);

/*
 * Parse len bytes at buf (a whole file; name is used in messages; NULL
 * means "accounts"). In SKIP mode report may be NULL; in STRICT mode it is
 * not called. Returns 0 or JWTSAFE_ERR_CONFIG (STRICT: a bad line; both: a
 * buffer over JWTSAFE_ACCOUNTS_MAX_SIZE) / JWTSAFE_ERR_ALLOC /
 * JWTSAFE_ERR_INVALID_ARGUMENT. On failure *out is NULL.
 */
int jwtsafe_accounts_parse(const char *buf, size_t len, const char *name,
    enum jwtsafe_accounts_mode mode, jwtsafe_accounts_report_fn report,
    void *ctx, struct jwtsafe_accounts **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * jwtsafe_safefile_read (policy NULL means: owner root, parents checked,
 * not secret, JWTSAFE_ACCOUNTS_MAX_SIZE; a policy with max_size 0 gets
 * JWTSAFE_ACCOUNTS_MAX_SIZE) then jwtsafe_accounts_parse. The file errors
 * are passed on: JWTSAFE_ERR_UNSAFE_FILE, JWTSAFE_ERR_SYSTEM (missing or
 * unreadable), JWTSAFE_ERR_INVALID_ARGUMENT (a relative path).
 */
int jwtsafe_accounts_read(const char *path,
    const struct jwtsafe_file_policy *policy, enum jwtsafe_accounts_mode mode,
    jwtsafe_accounts_report_fn report, void *ctx,
    struct jwtsafe_accounts **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/* The range in force (declared or default). */
void jwtsafe_accounts_range(const struct jwtsafe_accounts *a,
    uint32_t *min, uint32_t *max);

/* Lookups: NULL when absent (or for NULL arguments). */
const struct jwtsafe_account *jwtsafe_accounts_by_name(
    const struct jwtsafe_accounts *a, const char *name);
const struct jwtsafe_account *jwtsafe_accounts_by_uid(
    const struct jwtsafe_accounts *a, uint32_t uid);
const struct jwtsafe_group *jwtsafe_accounts_group_by_name(
    const struct jwtsafe_accounts *a, const char *name);
const struct jwtsafe_group *jwtsafe_accounts_group_by_gid(
    const struct jwtsafe_accounts *a, uint32_t gid);

/* Enumeration in file order: i in [0, count). NULL past the end. */
size_t jwtsafe_accounts_count(const struct jwtsafe_accounts *a);
const struct jwtsafe_account *jwtsafe_accounts_at(
    const struct jwtsafe_accounts *a, size_t i);
size_t jwtsafe_accounts_group_count(const struct jwtsafe_accounts *a);
const struct jwtsafe_group *jwtsafe_accounts_group_at(
    const struct jwtsafe_accounts *a, size_t i);

/* Number of distinct subjects (rule lines and account lines). */
size_t jwtsafe_accounts_subject_count(const struct jwtsafe_accounts *a);

/* 1 if sub may act as user (rule line or account line), else 0. */
int jwtsafe_accounts_allows(const struct jwtsafe_accounts *a,
    const char *sub, const char *user);

/*
 * As jwtsafe_accounts_allows, for a caller that has resolved user to uid
 * (getpwnam): an account line grants user only when uid is that line's
 * uid. A declared name that another source answers first (an /etc/passwd
 * user of the same name, with "passwd: files jwtsafe") then grants nothing,
 * instead of granting that other user. Rule lines are not affected.
 */
int jwtsafe_accounts_allows_uid(const struct jwtsafe_accounts *a,
    const char *sub, const char *user, uint32_t uid);

/* Wipes subjects and frees. NULL-safe. */
void jwtsafe_accounts_free(struct jwtsafe_accounts *a);

#endif /* JWTSAFE_ACCOUNTS_H */
