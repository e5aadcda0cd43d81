/*
 * nss_jwtsafe: token-only service accounts for glibc's NSS ("passwd" and
 * "group"), read from the accounts file (accounts.h, jwtsafe-accounts(5)).
 *
 * Every lookup reads and checks the file again (owner root, not group- or
 * other-writable, every parent directory checked, no symbolic link; see
 * safefile.h) and parses it in SKIP mode: a bad line is logged and left
 * out, the rest is served. No cache to go stale, no state shared between
 * lookups but the enumeration cursors, each under its mutex, and the
 * record of what was last logged. The path is compiled in
 * (JWTSAFE_ACCOUNTS_PATH): nothing in the environment of a setuid program
 * can point the module at another file.
 *
 * Records: pw_passwd "!" (locked: no password; pam_unix's account check
 * passes because it is not "x", which would send it to the shadow file
 * where these accounts are not), pw_gecos "", gr_passwd "!", no group
 * members: a group line never adds anyone to a group.
 *
 * Status codes: SUCCESS; NOTFOUND (not declared, or not a possible name or
 * id); UNAVAIL with errno ENOENT (no file) or EACCES (unsafe file) or EIO;
 * TRYAGAIN with ERANGE (buffer too small; nothing is written) or ENOMEM.
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "accounts.h"
#include "err.h"

#define NSS_PASSWD_FIELD "!"
#define NSS_GECOS_FIELD  ""

/* The entry points glibc looks up by name; exported, nothing else is. */
enum nss_status _nss_jwtsafe_getpwnam_r(const char *name, struct passwd *pw,
    char *buf, size_t buflen, int *errnop);
enum nss_status _nss_jwtsafe_getpwuid_r(uid_t uid, struct passwd *pw,
    char *buf, size_t buflen, int *errnop);
enum nss_status _nss_jwtsafe_setpwent(int stayopen);
enum nss_status _nss_jwtsafe_getpwent_r(struct passwd *pw, char *buf,
    size_t buflen, int *errnop);
enum nss_status _nss_jwtsafe_endpwent(void);
enum nss_status _nss_jwtsafe_getgrnam_r(const char *name, struct group *gr,
    char *buf, size_t buflen, int *errnop);
enum nss_status _nss_jwtsafe_getgrgid_r(gid_t gid, struct group *gr,
    char *buf, size_t buflen, int *errnop);
enum nss_status _nss_jwtsafe_setgrent(int stayopen);
enum nss_status _nss_jwtsafe_getgrent_r(struct group *gr, char *buf,
    size_t buflen, int *errnop);
enum nss_status _nss_jwtsafe_endgrent(void);

/* ---- logging ------------------------------------------------------------- */

/*
 * Problems are logged once per process for each distinct set of them: a
 * broken file is not logged again at every lookup (ls -l, ps), but a
 * change to the file that brings other problems is. The records kept are
 * a hash of the problems of the last parse and of the last file error.
 */
#define LOG_KEEP 16             /* skipped lines logged one by one */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t log_last_lines;  /* 0: nothing logged yet */
static uint64_t log_last_file;

struct skipped {
	unsigned line[LOG_KEEP];
	char problem[LOG_KEEP][128];
	size_t n;               /* all skipped lines, kept or not */
	uint64_t hash;
};

static uint64_t
hash_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(0x100000001b3);     /* FNV-1a 64 */
	}
	return h;
}

static void
note_skipped(void *ctx, const char *name, unsigned line, const char *problem)
{
	struct skipped *sk = ctx;

	(void)name;
	sk->hash = hash_more(sk->hash, &line, sizeof(line));
	sk->hash = hash_more(sk->hash, problem, strlen(problem) + 1);
	if (sk->n < LOG_KEEP) {
		sk->line[sk->n] = line;
		snprintf(sk->problem[sk->n], sizeof(sk->problem[0]), "%s",
		    problem);
	}
	sk->n++;
}

static void
log_skipped(const struct skipped *sk)
{
	size_t i;
	int fresh;

	if (sk->n == 0)
		return;
	pthread_mutex_lock(&log_lock);
	fresh = sk->hash != log_last_lines;
	log_last_lines = sk->hash;
	pthread_mutex_unlock(&log_lock);
	if (!fresh)
		return;
	for (i = 0; i < sk->n && i < LOG_KEEP; i++)
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "nss_jwtsafe: %s:%u: line skipped: %s",
		    JWTSAFE_ACCOUNTS_PATH, sk->line[i], sk->problem[i]);
	if (sk->n > LOG_KEEP)
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "nss_jwtsafe: %s: %zu more lines skipped",
		    JWTSAFE_ACCOUNTS_PATH, sk->n - LOG_KEEP);
}

static void
log_file_error(const struct jwtsafe_error *err)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	int fresh;

	h = hash_more(h, &err->code, sizeof(err->code));
	h = hash_more(h, err->detail, strnlen(err->detail,
	    sizeof(err->detail)));
	pthread_mutex_lock(&log_lock);
	fresh = h != log_last_file;
	log_last_file = h;
	pthread_mutex_unlock(&log_lock);
	/* the detail names the file or directory and the reason */
	if (fresh)
		syslog(LOG_AUTHPRIV | LOG_ERR,
		    "nss_jwtsafe: accounts file not used: %.*s",
		    (int)sizeof(err->detail), err->detail[0] != '\0' ?
		    err->detail : jwtsafe_err_message(err->code));
}

/* ---- reading ------------------------------------------------------------- */

/* Read and parse the file. SUCCESS with *out, or the status to return. */
static enum nss_status
load(struct jwtsafe_accounts **out, int *errnop)
{
	struct jwtsafe_error err;
	struct skipped sk;
	struct stat st;
	int r;

	memset(&err, 0, sizeof(err));
	memset(&sk, 0, sizeof(sk));
	sk.hash = UINT64_C(0xcbf29ce484222325);
	r = jwtsafe_accounts_read(JWTSAFE_ACCOUNTS_PATH, NULL,
	    JWTSAFE_ACCOUNTS_SKIP, note_skipped, &sk, out, &err);
	if (r == 0) {
		log_skipped(&sk);
		return NSS_STATUS_SUCCESS;
	}
	switch (r) {
	case JWTSAFE_ERR_ALLOC:
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	case JWTSAFE_ERR_SYSTEM:
		/* No file is the normal state of a machine without service
		 * accounts: not worth a log line. */
		if (lstat(JWTSAFE_ACCOUNTS_PATH, &st) != 0 &&
		    (errno == ENOENT || errno == ENOTDIR)) {
			*errnop = ENOENT;
			return NSS_STATUS_UNAVAIL;
		}
		*errnop = EIO;
		break;
	case JWTSAFE_ERR_UNSAFE_FILE:
		*errnop = EACCES;
		break;
	default:
		*errnop = EIO;
		break;
	}
	log_file_error(&err);
	return NSS_STATUS_UNAVAIL;
}

/* ---- records ------------------------------------------------------------- */

/* Copy s (with its NUL) at *pos in buf; the caller checked the room. */
static char *
put(char *buf, size_t *pos, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = buf + *pos;

	memcpy(p, s, n);
	*pos += n;
	return p;
}

static enum nss_status
fill_passwd(const struct jwtsafe_account *ac, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	size_t need, pos = 0;

	need = strlen(ac->name) + 1 + sizeof(NSS_PASSWD_FIELD) +
	    sizeof(NSS_GECOS_FIELD) + strlen(ac->home) + 1 +
	    strlen(ac->shell) + 1;
	if (buf == NULL || buflen < need) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	pw->pw_name = put(buf, &pos, ac->name);
	pw->pw_passwd = put(buf, &pos, NSS_PASSWD_FIELD);
	pw->pw_uid = (uid_t)ac->uid;
	pw->pw_gid = (gid_t)ac->gid;
	pw->pw_gecos = put(buf, &pos, NSS_GECOS_FIELD);
	pw->pw_dir = put(buf, &pos, ac->home);
	pw->pw_shell = put(buf, &pos, ac->shell);
	return NSS_STATUS_SUCCESS;
}

static enum nss_status
fill_group(const struct jwtsafe_group *g, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	size_t pad, need, pos;
	char **mem;

	/* gr_mem first, aligned: a one-element list, the NULL. */
	pad = (sizeof(char *) - ((uintptr_t)buf % sizeof(char *))) %
	    sizeof(char *);
	need = pad + sizeof(char *) + strlen(g->name) + 1 +
	    sizeof(NSS_PASSWD_FIELD);
	if (buf == NULL || buflen < need) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	mem = (char **)(void *)(buf + pad);
	mem[0] = NULL;
	pos = pad + sizeof(char *);
	gr->gr_name = put(buf, &pos, g->name);
	gr->gr_passwd = put(buf, &pos, NSS_PASSWD_FIELD);
	gr->gr_gid = (gid_t)g->gid;
	gr->gr_mem = mem;
	return NSS_STATUS_SUCCESS;
}

/* Ids the file can never hold: no need to read it. */
static int
id_possible(uintmax_t id)
{
	return id >= JWTSAFE_ID_LIMIT_MIN && id <= JWTSAFE_ID_LIMIT_MAX;
}

/* ---- passwd -------------------------------------------------------------- */

enum nss_status
_nss_jwtsafe_getpwnam_r(const char *name, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	struct jwtsafe_accounts *a = NULL;
	const struct jwtsafe_account *ac;
	enum nss_status st;

	if (pw == NULL || errnop == NULL)
		return NSS_STATUS_UNAVAIL;
	if (!jwtsafe_account_name_valid(name))
		return NSS_STATUS_NOTFOUND;
	if ((st = load(&a, errnop)) != NSS_STATUS_SUCCESS)
		return st;
	if ((ac = jwtsafe_accounts_by_name(a, name)) == NULL)
		st = NSS_STATUS_NOTFOUND;
	else
		st = fill_passwd(ac, pw, buf, buflen, errnop);
	jwtsafe_accounts_free(a);
	return st;
}

enum nss_status
_nss_jwtsafe_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	struct jwtsafe_accounts *a = NULL;
	const struct jwtsafe_account *ac;
	enum nss_status st;

	if (pw == NULL || errnop == NULL)
		return NSS_STATUS_UNAVAIL;
	if (!id_possible((uintmax_t)uid))
		return NSS_STATUS_NOTFOUND;
	if ((st = load(&a, errnop)) != NSS_STATUS_SUCCESS)
		return st;
	if ((ac = jwtsafe_accounts_by_uid(a, (uint32_t)uid)) == NULL)
		st = NSS_STATUS_NOTFOUND;
	else
		st = fill_passwd(ac, pw, buf, buflen, errnop);
	jwtsafe_accounts_free(a);
	return st;
}

/*
 * Enumeration: setpwent takes a snapshot of the file, getpwent_r walks it,
 * endpwent drops it. A short buffer leaves the cursor where it is, so the
 * caller's retry with a larger one gets the same entry.
 */
static pthread_mutex_t pw_lock = PTHREAD_MUTEX_INITIALIZER;
static struct jwtsafe_accounts *pw_snap;
static size_t pw_next;

enum nss_status
_nss_jwtsafe_setpwent(int stayopen)
{
	struct jwtsafe_accounts *a = NULL;
	enum nss_status st;
	int e = 0;

	(void)stayopen;
	st = load(&a, &e);
	pthread_mutex_lock(&pw_lock);
	jwtsafe_accounts_free(pw_snap);
	pw_snap = a;
	pw_next = 0;
	pthread_mutex_unlock(&pw_lock);
	if (st != NSS_STATUS_SUCCESS && e != 0)
		errno = e;
	return st;
}

enum nss_status
_nss_jwtsafe_getpwent_r(struct passwd *pw, char *buf, size_t buflen,
    int *errnop)
{
	const struct jwtsafe_account *ac;
	enum nss_status st;

	if (pw == NULL || errnop == NULL)
		return NSS_STATUS_UNAVAIL;
	pthread_mutex_lock(&pw_lock);
	if (pw_snap == NULL) {
		/* no setpwent, or it failed: try once more */
		if ((st = load(&pw_snap, errnop)) != NSS_STATUS_SUCCESS)
			goto out;
		pw_next = 0;
	}
	if ((ac = jwtsafe_accounts_at(pw_snap, pw_next)) == NULL) {
		*errnop = ENOENT;
		st = NSS_STATUS_NOTFOUND;
		goto out;
	}
	if ((st = fill_passwd(ac, pw, buf, buflen, errnop)) ==
	    NSS_STATUS_SUCCESS)
		pw_next++;
 out:
	pthread_mutex_unlock(&pw_lock);
	return st;
}

enum nss_status
_nss_jwtsafe_endpwent(void)
{
	pthread_mutex_lock(&pw_lock);
	jwtsafe_accounts_free(pw_snap);
	pw_snap = NULL;
	pw_next = 0;
	pthread_mutex_unlock(&pw_lock);
	return NSS_STATUS_SUCCESS;
}

/* ---- group --------------------------------------------------------------- */

enum nss_status
_nss_jwtsafe_getgrnam_r(const char *name, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	struct jwtsafe_accounts *a = NULL;
	const struct jwtsafe_group *g;
	enum nss_status st;

	if (gr == NULL || errnop == NULL)
		return NSS_STATUS_UNAVAIL;
	if (!jwtsafe_account_name_valid(name))
		return NSS_STATUS_NOTFOUND;
	if ((st = load(&a, errnop)) != NSS_STATUS_SUCCESS)
		return st;
	if ((g = jwtsafe_accounts_group_by_name(a, name)) == NULL)
		st = NSS_STATUS_NOTFOUND;
	else
		st = fill_group(g, gr, buf, buflen, errnop);
	jwtsafe_accounts_free(a);
	return st;
}

enum nss_status
_nss_jwtsafe_getgrgid_r(gid_t gid, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	struct jwtsafe_accounts *a = NULL;
	const struct jwtsafe_group *g;
	enum nss_status st;

	if (gr == NULL || errnop == NULL)
		return NSS_STATUS_UNAVAIL;
	if (!id_possible((uintmax_t)gid))
		return NSS_STATUS_NOTFOUND;
	if ((st = load(&a, errnop)) != NSS_STATUS_SUCCESS)
		return st;
	if ((g = jwtsafe_accounts_group_by_gid(a, (uint32_t)gid)) == NULL)
		st = NSS_STATUS_NOTFOUND;
	else
		st = fill_group(g, gr, buf, buflen, errnop);
	jwtsafe_accounts_free(a);
	return st;
}

static pthread_mutex_t gr_lock = PTHREAD_MUTEX_INITIALIZER;
static struct jwtsafe_accounts *gr_snap;
static size_t gr_next;

enum nss_status
_nss_jwtsafe_setgrent(int stayopen)
{
	struct jwtsafe_accounts *a = NULL;
	enum nss_status st;
	int e = 0;

	(void)stayopen;
	st = load(&a, &e);
	pthread_mutex_lock(&gr_lock);
	jwtsafe_accounts_free(gr_snap);
	gr_snap = a;
	gr_next = 0;
	pthread_mutex_unlock(&gr_lock);
	if (st != NSS_STATUS_SUCCESS && e != 0)
		errno = e;
	return st;
}

enum nss_status
_nss_jwtsafe_getgrent_r(struct group *gr, char *buf, size_t buflen,
    int *errnop)
{
	const struct jwtsafe_group *g;
	enum nss_status st;

	if (gr == NULL || errnop == NULL)
		return NSS_STATUS_UNAVAIL;
	pthread_mutex_lock(&gr_lock);
	if (gr_snap == NULL) {
		if ((st = load(&gr_snap, errnop)) != NSS_STATUS_SUCCESS)
			goto out;
		gr_next = 0;
	}
	if ((g = jwtsafe_accounts_group_at(gr_snap, gr_next)) == NULL) {
		*errnop = ENOENT;
		st = NSS_STATUS_NOTFOUND;
		goto out;
	}
	if ((st = fill_group(g, gr, buf, buflen, errnop)) ==
	    NSS_STATUS_SUCCESS)
		gr_next++;
 out:
	pthread_mutex_unlock(&gr_lock);
	return st;
}

enum nss_status
_nss_jwtsafe_endgrent(void)
{
	pthread_mutex_lock(&gr_lock);
	jwtsafe_accounts_free(gr_snap);
	gr_snap = NULL;
	gr_next = 0;
	pthread_mutex_unlock(&gr_lock);
	return NSS_STATUS_SUCCESS;
}
