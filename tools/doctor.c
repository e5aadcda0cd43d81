/*
 * jwtsafe doctor; see doctor.h.
 *
 * The order of a run: find the PAM services whose stacks reach
 * pam_jwtsafe, reading pam.d files as Linux-PAM 1.5.2 does; for each
 * pam_jwtsafe line (once, however many services include it) check the
 * line itself, its options, key file, map file and replay store; for each
 * service, what depends on the service (sshd, sudo, stack order); then the
 * accounts file with NSS, and the clock.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "doctor.h"
#include "err.h"
#include "keyfile.h"
#include "options.h"
#include "replay.h"
#include "safefile.h"
#include "usermap.h"
#include "util.h"
#include "verifier.h"

#ifndef JWTSAFE_MULTIARCH
#define JWTSAFE_MULTIARCH "x86_64-linux-gnu"
#endif
#ifndef JWTSAFE_PAMDIR
#define JWTSAFE_PAMDIR "/usr/lib/" JWTSAFE_MULTIARCH "/security"
#endif

#define PAMD_DIR          "/etc/pam.d"
#define PAM_LINE_BUF      1024     /* Linux-PAM 1.5.2's BUF_SIZE */
#define PAM_INCLUDE_MAX   16       /* Linux-PAM's PAM_SUBSTACK_MAX_LEVEL */
#define PAM_RET_COUNT     32       /* _PAM_RETURN_VALUES in _pam_types.h */
#define PAM_FILES_MAX     1024     /* files read from /etc/pam.d */
#define PAM_STACK_MAX     10000    /* lines of one service, includes too */
#define TEXT_FILE_MAX     (1024 * 1024)
#define SSHD_INCLUDE_MAX  16
#define SSHD_OUTPUT_MAX   (256 * 1024)
#define SSHD_PATH         "/usr/sbin/sshd"
#define SSHD_CONFIG       "/etc/ssh/sshd_config"
#define NSSWITCH_PATH     "/etc/nsswitch.conf"
#define PASSWD_PATH       "/etc/passwd"
#define GROUP_PATH        "/etc/group"
#define LDSO_CACHE        "/etc/ld.so.cache"
#define LDSO_CACHE_MAX    (16 * 1024 * 1024)
#define NSS_LIB           "libnss_jwtsafe.so.2"
#define MSG_MAX           1024
#define FIX_MAX           (3 * PATHBUF)
#define PATHBUF           (PATH_MAX + 1)
/* Before this moment (2026-11-01 UTC) the clock cannot be right: this
 * code did not exist yet. */
#define CLOCK_FLOOR       INT64_C(1793491200)
#define MTIME_SLACK       300      /* seconds a file may seem to be ahead */

enum severity { SEV_OK, SEV_WARNING, SEV_ERROR };

/* Module types, as libpam numbers them; TYPE_ANY only for requests. */
enum pam_type { TYPE_ANY = 0, TYPE_AUTH, TYPE_ACCOUNT, TYPE_SESSION,
	TYPE_PASSWORD };

/* libpam's actions (pam_private.h): jumps are positive. */
enum pam_action { ACT_IGNORE = 0, ACT_OK = -1, ACT_DONE = -2, ACT_BAD = -3,
	ACT_DIE = -4, ACT_RESET = -5, ACT_UNDEF = -6 };

/* The return codes pam_jwtsafe gives (see pam_jwtsafe.c), by number. */
#define RC_SUCCESS          0
#define RC_SERVICE_ERR      3
#define RC_AUTH_ERR         7
#define RC_AUTHINFO_UNAVAIL 9
#define RC_USER_UNKNOWN     10
#define RC_NEW_AUTHTOK_REQD 12
#define RC_IGNORE           25

/* Return code names in libpam's order (_pam_types.h), then "default". */
static const char *const pam_ret_names[PAM_RET_COUNT + 1] = {
	"success", "open_err", "symbol_err", "service_err", "system_err",
	"buf_err", "perm_denied", "auth_err", "cred_insufficient",
	"authinfo_unavail", "user_unknown", "maxtries", "new_authtok_reqd",
	"acct_expired", "session_err", "cred_unavail", "cred_expired",
	"cred_err", "no_module_data", "conv_err", "authtok_err",
	"authtok_recover_err", "authtok_lock_busy", "authtok_disable_aging",
	"try_again", "ignore", "abort", "authtok_expired", "module_unknown",
	"bad_item", "conv_again", "incomplete", "default",
};
static const char *const pam_act_names[] = {
	"ignore", "ok", "done", "bad", "die", "reset",
};

/* One line of a pam.d file as libpam reads it, or a problem found while
 * reading the stack (then problem is set and the rest is unused). */
struct pam_entry {
	char *file;          /* display name: "sshd" or a path */
	unsigned line;
	char *problem;       /* a walk problem: what libpam does about it */
	int type;            /* TYPE_*: the type libpam files it under */
	int bad_type;        /* 1: no or an illegal type (libpam: must fail) */
	char *type_word;     /* as written, without "-" */
	int silent;          /* "-" before the type */
	char *control;       /* brackets stripped; NULL when missing */
	int bracket;
	char *module;        /* NULL when missing */
	int argc;
	char **argv;
	int cut;             /* over libpam's line buffer */
};

struct pam_stack {
	char *service;       /* display name of the top file */
	struct pam_entry *e;
	size_t n, cap;
	int missing;         /* the top file does not exist */
};

struct strset {
	char **s;
	size_t n, cap;
};

struct doctor {
	const struct jwtsafe_doctor_config *cfg;
	FILE *out;
	const char *root;     /* "" for the running system */
	int64_t now;
	uid_t owner;          /* besides root, as the module would allow */
	size_t errors, warnings, lines, services;
	struct strset checked;    /* "FILE:LINE" of lines already checked */
	struct strset included;   /* display names reached by an include */
	char moddir[PATHBUF];     /* libpam's module directory, "" unknown */
	int64_t newest_mtime;     /* of the files the checks read */
	char newest_file[PATHBUF];
};

/* ---- output ---------------------------------------------------------- */

static const char *
severity_name(enum severity s)
{
	switch (s) {
	case SEV_ERROR:   return "error";
	case SEV_WARNING: return "warning";
	default:          return "ok";
	}
}

/* Write s with every byte outside printable ASCII as \xHH. */
static void
put_safe(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, f);
		else
			fprintf(f, "\\x%02x", *p);
	}
}

/*
 * One finding: "SEVERITY WHERE[:LINE]: MESSAGE[ -- fix: FIX]". where NULL
 * is "system"; line 0 leaves the line out; fix may be NULL.
 */
static void report(struct doctor *d, enum severity sev, const char *where,
    unsigned line, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
report(struct doctor *d, enum severity sev, const char *where, unsigned line,
    const char *fix, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	if (sev == SEV_ERROR)
		d->errors++;
	else if (sev == SEV_WARNING)
		d->warnings++;
	else if (d->cfg->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(d->out, "%s ", severity_name(sev));
	put_safe(d->out, where != NULL ? where : "system");
	if (line > 0)
		fprintf(d->out, ":%u", line);
	fputs(": ", d->out);
	put_safe(d->out, msg);
	if (fix != NULL && sev != SEV_OK) {
		fputs(" -- fix: ", d->out);
		put_safe(d->out, fix);
	}
	fputc('\n', d->out);
}

/* A core error as "NAME: DETAIL". */
static const char *
err_text(const struct jwtsafe_error *err, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s", jwtsafe_err_name(err->code),
	    err->detail[0] != '\0' ? err->detail :
	    jwtsafe_err_message(err->code));
	return buf;
}

static const char *
fmt_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* ---- small helpers ------------------------------------------------------ */

/* path (absolute) with the root in front, into out. 0 or -1 (too long). */
static int
rooted(const struct doctor *d, const char *path, char *out, size_t len)
{
	int n = snprintf(out, len, "%s%s", d->root, path);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
strset_has(const struct strset *set, const char *s)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (strcmp(set->s[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Add a copy of s. 0, or -1 when out of memory. */
static int
strset_add(struct strset *set, const char *s)
{
	char **tmp, *copy;
	size_t cap;

	if (strset_has(set, s))
		return 0;
	if (set->n == set->cap) {
		cap = set->cap == 0 ? 16 : set->cap * 2;
		if ((tmp = reallocarray(set->s, cap, sizeof(*tmp))) == NULL)
			return -1;
		set->s = tmp;
		set->cap = cap;
	}
	if ((copy = strdup(s)) == NULL)
		return -1;
	set->s[set->n++] = copy;
	return 0;
}

static void
strset_free(struct strset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->s[i]);
	free(set->s);
	memset(set, 0, sizeof(*set));
}

/*
 * Read a whole text file into a new NUL-terminated buffer, following
 * symbolic links as libpam, sshd and glibc do (these files are only read,
 * never trusted for secrets). Returns 0 or an errno value: EINVAL when it
 * is not a regular file, EFBIG when over max.
 */
static int
read_text(const char *path, size_t max, char **out, size_t *outlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd = -1, e;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) < 0) {
		e = errno;
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		e = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		goto out;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
		e = EFBIG;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		e = ENOMEM;
		goto out;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	e = 0;
 out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return e;
}

static const char *
errno_text(int e)
{
	if (e == EINVAL)
		return "not a regular file";
	if (e == EFBIG)
		return "too large";
	return strerror(e);
}

/* Remember the newest modification time of a file a check read. */
static void
note_mtime(struct doctor *d, const char *path, const char *shown)
{
	struct stat st;

	if (stat(path, &st) == 0 && (int64_t)st.st_mtime > d->newest_mtime) {
		d->newest_mtime = (int64_t)st.st_mtime;
		snprintf(d->newest_file, sizeof(d->newest_file), "%s", shown);
	}
}

/*
 * A module or library file that runs as root: a regular file owned by
 * root (or the owner), not writable by group or others. NULL when fine,
 * else the problem in buf.
 */
static const char *
code_file_problem(const struct doctor *d, const struct stat *st, char *buf,
    size_t len)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_uid != 0 && st->st_uid != d->owner) {
		snprintf(buf, len, "owned by uid %lu",
		    (unsigned long)st->st_uid);
		return buf;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(buf, len, "writable by group or others (mode %04o)",
		    (unsigned)(st->st_mode & 07777));
		return buf;
	}
	return NULL;
}

static int
is_sudo_service(const char *s)
{
	return strcmp(s, "sudo") == 0 || strncmp(s, "sudo-", 5) == 0;
}

static int
is_jwtsafe_module(const char *module)
{
	const char *base = strrchr(module, '/');

	base = base != NULL ? base + 1 : module;
	return strncmp(base, "pam_jwtsafe", 11) == 0;
}

/* ---- reading pam.d files as Linux-PAM 1.5.2 does ------------------------ */

struct pam_reader {
	const char *buf;     /* the whole file */
	size_t len, pos;
	unsigned line;       /* physical line at pos, from 1 */
};

/*
 * fgets(dst, n, file) on the buffer: at most n - 1 bytes, up to and with
 * the first newline. 0 at the end of the file. *cut: stopped for lack of
 * room in the middle of a line.
 */
static int
reader_gets(struct pam_reader *r, char *dst, size_t n, int *cut)
{
	size_t i = 0;
	char c;

	*cut = 0;
	if (r->pos >= r->len)
		return 0;
	while (i + 1 < n && r->pos < r->len) {
		c = r->buf[r->pos++];
		dst[i++] = c;
		if (c == '\n') {
			r->line++;
			break;
		}
	}
	dst[i] = '\0';
	if (i > 0 && dst[i - 1] != '\n' && r->pos < r->len)
		*cut = 1;
	return 1;
}

/*
 * The next logical line, assembled as Linux-PAM 1.5.2's
 * _pam_assemble_line does into a buffer of PAM_LINE_BUF bytes: leading
 * blanks skipped; a line that is blank or starts with '#' is skipped, also
 * in the middle of a continued line; everything from the first '#' on is a
 * comment (and then the line ends, whatever precedes the '#'); a line whose
 * last non-blank character is '\' continues on the next, the '\' becoming
 * a space; a physical line longer than the room left is read in pieces,
 * and each piece that does not end in '\' is a line of its own.
 * Returns 1 (a line in buf; *lineno where it starts; *cut when a piece of
 * it was cut), 0 at the end, -1 where libpam gives up on the whole file
 * (a continued line at the end of the file, or no room left).
 */
static int
pam_assemble(struct pam_reader *r, char *buf, unsigned *lineno, int *cut)
{
	char *p = buf, *end = buf + PAM_LINE_BUF, *s, *os;
	unsigned at;
	int used = 0, piece_cut;

	*lineno = 0;
	*cut = 0;
	buf[0] = '\0';
	for (;;) {
		if (end - p < 2) {
			if (*lineno == 0)
				*lineno = r->line;
			return -1;
		}
		at = r->line;
		if (!reader_gets(r, p, (size_t)(end - p), &piece_cut)) {
			if (used && *lineno == 0)
				*lineno = at;
			return used ? -1 : 0;
		}
		s = p + strspn(p, " \n\t");
		if (*s == '\0' || *s == '#')
			continue;       /* nothing on this line: p stays */
		if (*lineno == 0)
			*lineno = at;
		if (piece_cut)
			*cut = 1;
		used = 1;
		os = s;
		s += strcspn(s, "#");
		if (*s == '#') {
			*s = '\0';
			return 1;
		}
		s = os + strlen(os);
		while (s > os && (s[-1] == ' ' || s[-1] == '\t' ||
		    s[-1] == '\n'))
			s--;
		if (s > os && s[-1] == '\\') {
			s[-1] = ' ';
			*s = '\0';
			p = s;
			continue;
		}
		return 1;
	}
}

/*
 * The next token of *next, split as libpam splits lines (_pam_StrTok with
 * blanks " \n\t"): a token starting with '[' runs to the first ']', which
 * is dropped with the '[', and "\]" inside it stands for "]". NULL at the
 * end. *bracket (may be NULL) says whether it was bracketed.
 */
static char *
pam_token(char **next, int *bracket)
{
	char *from = *next, *end, *to;

	if (bracket != NULL)
		*bracket = 0;
	if (from == NULL)
		return NULL;
	from += strspn(from, " \n\t");
	if (*from == '[') {
		if (bracket != NULL)
			*bracket = 1;
		for (to = end = ++from; *end != '\0' && *end != ']';
		    ++to, ++end) {
			if (end[0] == '\\' && end[1] == ']')
				++end;
			if (to != end)
				*to = *end;
		}
		if (to != end)
			*to = '\0';
	} else if (*from != '\0') {
		end = from + strcspn(from, " \n\t");
	} else {
		*next = NULL;
		return NULL;
	}
	if (*end != '\0')
		*end++ = '\0';
	*next = *end != '\0' ? end : NULL;
	return from;
}

static int
type_from_word(const char *w)
{
	if (strcasecmp(w, "auth") == 0)
		return TYPE_AUTH;
	if (strcasecmp(w, "account") == 0)
		return TYPE_ACCOUNT;
	if (strcasecmp(w, "session") == 0)
		return TYPE_SESSION;
	if (strcasecmp(w, "password") == 0)
		return TYPE_PASSWORD;
	return TYPE_ANY;
}

static void
entry_clear(struct pam_entry *e)
{
	int i;

	free(e->file);
	free(e->problem);
	free(e->type_word);
	free(e->control);
	free(e->module);
	for (i = 0; i < e->argc; i++)
		free(e->argv[i]);
	free(e->argv);
	memset(e, 0, sizeof(*e));
}

static void
stack_free(struct pam_stack *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		entry_clear(&st->e[i]);
	free(st->e);
	free(st->service);
	memset(st, 0, sizeof(*st));
}

/* A new zeroed entry at the end of the stack, or NULL (no memory). */
static struct pam_entry *
stack_push(struct pam_stack *st, const char *file, unsigned line)
{
	struct pam_entry *tmp;
	size_t cap;

	if (st->n == st->cap) {
		cap = st->cap == 0 ? 16 : st->cap * 2;
		if ((tmp = reallocarray(st->e, cap, sizeof(*tmp))) == NULL)
			return NULL;
		st->e = tmp;
		st->cap = cap;
	}
	tmp = &st->e[st->n];
	memset(tmp, 0, sizeof(*tmp));
	if ((tmp->file = strdup(file)) == NULL)
		return NULL;
	tmp->line = line;
	st->n++;
	return tmp;
}

/* Record a problem of the stack at file:line. -1 when out of memory. */
static int stack_problem(struct pam_stack *st, const char *file,
    unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
stack_problem(struct pam_stack *st, const char *file, unsigned line,
    const char *fmt, ...)
{
	struct pam_entry *e;
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((e = stack_push(st, file, line)) == NULL ||
	    (e->problem = strdup(msg)) == NULL)
		return -1;
	return 0;
}

/* How a pam.d path is shown: its name when directly in the pam.d
 * directory, else the path itself. */
static const char *
pam_display(const char *path)
{
	const char *rest;

	if (strncmp(path, PAMD_DIR "/", sizeof(PAMD_DIR)) != 0)
		return path;
	rest = path + sizeof(PAMD_DIR);
	return *rest != '\0' && strchr(rest, '/') == NULL ? rest : path;
}

/* An include target as libpam opens it: absolute, or in /etc/pam.d
 * (Debian's @include and libpam's include both look there). */
static int
pam_resolve(const char *name, char *out, size_t len)
{
	int n;

	if (name[0] == '/')
		n = snprintf(out, len, "%s", name);
	else
		n = snprintf(out, len, PAMD_DIR "/%s", name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int walk_pam_file(struct doctor *d, struct pam_stack *st,
    const char *path, int type, int depth, const char *from, unsigned at);

/* Follow an include; failures are recorded at the including line. */
static int
walk_include(struct doctor *d, struct pam_stack *st, const char *name,
    int type, int depth, const char *file, unsigned line, const char *how)
{
	char path[PATHBUF];

	if (name == NULL)
		return stack_problem(st, file, line, "%s without a file name: "
		    "libpam fails every request of this service", how);
	if (pam_resolve(name, path, sizeof(path)) != 0)
		return stack_problem(st, file, line, "%s: path too long", how);
	/* included by another file: not a service of its own by default */
	if (strcmp(pam_display(path), st->service) != 0 &&
	    strset_add(&d->included, pam_display(path)) != 0)
		return -1;
	return walk_pam_file(d, st, path, type, depth + 1, file, line);
}

/*
 * Read path (unrooted) and append its lines of the given type (TYPE_ANY:
 * all) to st, following @include, include and substack as libpam does.
 * from/at name the including line (NULL for the service file itself).
 * Returns 0, or -1 when out of memory.
 */
static int
walk_pam_file(struct doctor *d, struct pam_stack *st, const char *path,
    int type, int depth, const char *from, unsigned at)
{
	struct pam_reader rd;
	struct pam_entry *e;
	char full[PATHBUF], buf[PAM_LINE_BUF], *text = NULL, *next, *tok;
	char **argv;
	const char *shown = pam_display(path), *name;
	size_t len;
	unsigned lineno;
	int r, rc = -1, cut, bracket, t, e_no;

	if (st->n >= PAM_STACK_MAX) {
		rc = stack_problem(st, from != NULL ? from : shown, at, "more "
		    "than %d lines in the stack: not checked further",
		    PAM_STACK_MAX);
		goto out;
	}
	if (depth > PAM_INCLUDE_MAX) {
		rc = stack_problem(st, from, at, "includes nest deeper than "
		    "%d files: libpam fails every request of this service",
		    PAM_INCLUDE_MAX);
		goto out;
	}
	if (rooted(d, path, full, sizeof(full)) != 0) {
		rc = stack_problem(st, from != NULL ? from : shown, at,
		    "path too long: %s", path);
		goto out;
	}
	if ((e_no = read_text(full, TEXT_FILE_MAX, &text, &len)) != 0) {
		if (from == NULL && e_no == ENOENT) {
			st->missing = 1;
			rc = 0;
		} else {
			rc = stack_problem(st, from != NULL ? from : shown, at,
			    "cannot read %s: %s: libpam fails this service",
			    path, errno_text(e_no));
		}
		goto out;
	}
	note_mtime(d, full, path);
	memset(&rd, 0, sizeof(rd));
	rd.buf = text;
	rd.len = len;
	rd.line = 1;
	for (;;) {
		r = pam_assemble(&rd, buf, &lineno, &cut);
		if (r == 0)
			break;
		if (r < 0) {
			if (stack_problem(st, shown, lineno, "libpam stops "
			    "reading %s here (a continued line at the end of "
			    "the file, or continued lines over %d bytes): "
			    "the service fails", path, PAM_LINE_BUF - 1) != 0)
				goto out;
			break;
		}
		next = buf;
		if ((tok = pam_token(&next, NULL)) == NULL)
			continue;
		if (strcasecmp(tok, "@include") == 0) {
			name = pam_token(&next, NULL);
			if (walk_include(d, st, name, type, depth, shown,
			    lineno, "@include") != 0)
				goto out;
			continue;
		}
		if ((e = stack_push(st, shown, lineno)) == NULL)
			goto out;
		e->cut = cut;
		if (*tok == '-') {
			e->silent = 1;
			tok++;
		}
		if ((e->type_word = strdup(tok)) == NULL)
			goto out;
		t = type_from_word(tok);
		if (t == TYPE_ANY) {
			e->bad_type = 1;
			/* libpam files it where it does most harm */
			t = type != TYPE_ANY ? type : TYPE_AUTH;
		}
		if (type != TYPE_ANY && t != type) {
			entry_clear(e);
			st->n--;
			continue;
		}
		e->type = t;
		if ((tok = pam_token(&next, &bracket)) == NULL)
			continue;
		/* libpam compares the keywords after taking the brackets
		 * off: "[include]" is include */
		if (strcasecmp(tok, "include") == 0 ||
		    strcasecmp(tok, "substack") == 0) {
			char how[16];

			snprintf(how, sizeof(how), "%s", tok);
			entry_clear(e);
			st->n--;
			name = pam_token(&next, NULL);
			if (walk_include(d, st, name, t, depth, shown, lineno,
			    how) != 0)
				goto out;
			continue;
		}
		e->bracket = bracket;
		if ((e->control = strdup(tok)) == NULL)
			goto out;
		if ((tok = pam_token(&next, NULL)) == NULL)
			continue;
		if ((e->module = strdup(tok)) == NULL)
			goto out;
		while ((tok = pam_token(&next, NULL)) != NULL) {
			argv = reallocarray(e->argv, (size_t)e->argc + 1,
			    sizeof(*argv));
			if (argv == NULL)
				goto out;
			e->argv = argv;
			if ((e->argv[e->argc] = strdup(tok)) == NULL)
				goto out;
			e->argc++;
		}
	}
	rc = 0;
 out:
	free(text);
	return rc;
}

/* ---- the control field ------------------------------------------------ */

/*
 * Parse a bracketed control as libpam's _pam_parse_control does (names
 * matched as prefixes, in table order). NULL when it parses, else the
 * problem (libpam then makes every action "bad").
 */
static const char *
control_parse(const char *tok, int actions[PAM_RET_COUNT])
{
	size_t len;
	int ret, act, i;

	for (i = 0; i < PAM_RET_COUNT; i++)
		actions[i] = ACT_UNDEF;
	while (*tok != '\0') {
		while (isspace((unsigned char)*tok))
			tok++;
		if (*tok == '\0')
			break;
		for (ret = 0; ret <= PAM_RET_COUNT; ret++) {
			len = strlen(pam_ret_names[ret]);
			if (strncmp(pam_ret_names[ret], tok, len) == 0)
				break;
		}
		if (ret > PAM_RET_COUNT || *(tok += len) == '\0')
			return "expecting a return value";
		while (isspace((unsigned char)*tok))
			tok++;
		if (*tok++ != '=')
			return "expecting '='";
		while (isspace((unsigned char)*tok))
			tok++;
		if (*tok == '\0')
			return "expecting an action";
		for (act = 0; act < 6; act++) {
			len = strlen(pam_act_names[act]);
			if (strncmp(pam_act_names[act], tok, len) == 0) {
				tok += len;
				break;
			}
		}
		if (act < 6) {
			act = -act;
		} else {
			if (!isdigit((unsigned char)*tok))
				return "expecting an action or a jump count";
			act = 0;
			while (isdigit((unsigned char)*tok) && act < 10000)
				act = act * 10 + (*tok++ - '0');
			if (act == 0)
				return "a jump of 0";
		}
		if (ret == PAM_RET_COUNT) {
			for (i = 0; i < PAM_RET_COUNT; i++) {
				if (actions[i] == ACT_UNDEF)
					actions[i] = act;
			}
		} else {
			actions[ret] = act;
		}
	}
	for (i = 0; i < PAM_RET_COUNT; i++) {
		if (actions[i] == ACT_UNDEF)
			actions[i] = ACT_BAD;
	}
	return NULL;
}

/* The keywords, as pam.d(5) spells them out. 0, or -1 if not a keyword. */
static int
control_keyword(const char *tok, int actions[PAM_RET_COUNT])
{
	int i, dflt, ok, ignore_ignore = 0;

	if (strcasecmp(tok, "required") == 0) {
		dflt = ACT_BAD;
		ok = ACT_OK;
		ignore_ignore = 1;
	} else if (strcasecmp(tok, "requisite") == 0) {
		dflt = ACT_DIE;
		ok = ACT_OK;
		ignore_ignore = 1;
	} else if (strcasecmp(tok, "sufficient") == 0) {
		dflt = ACT_IGNORE;
		ok = ACT_DONE;
	} else if (strcasecmp(tok, "optional") == 0) {
		dflt = ACT_IGNORE;
		ok = ACT_OK;
	} else {
		return -1;
	}
	for (i = 0; i < PAM_RET_COUNT; i++)
		actions[i] = dflt;
	actions[RC_SUCCESS] = ok;
	actions[RC_NEW_AUTHTOK_REQD] = ok;
	if (ignore_ignore)
		actions[RC_IGNORE] = ACT_IGNORE;
	return 0;
}

static const char *
success_words(int act, char *buf, size_t len)
{
	switch (act) {
	case ACT_OK:   return "counts as a success and the stack goes on";
	case ACT_DONE: return "ends the stack with success";
	default:
		snprintf(buf, len, "skips the next %d module(s)", act);
		return buf;
	}
}

static const char *
failure_words(int act, char *buf, size_t len)
{
	switch (act) {
	case ACT_IGNORE: return "falls through to the next modules";
	case ACT_OK:
	case ACT_BAD:    return "fails the login";
	case ACT_DONE:
	case ACT_DIE:    return "fails the login at once";
	case ACT_RESET:  return "resets the stack";
	default:
		snprintf(buf, len, "skips the next %d module(s)", act);
		return buf;
	}
}

static void
check_control(struct doctor *d, const struct pam_entry *e)
{
	static const int failures[] = { RC_AUTH_ERR, RC_AUTHINFO_UNAVAIL,
	    RC_SERVICE_ERR, RC_USER_UNKNOWN };
	int actions[PAM_RET_COUNT];
	const char *problem, *shown = e->control;
	char b1[64], b2[64], brk[MSG_MAX];
	size_t i;
	int okay = 1;

	if (e->bracket) {
		snprintf(brk, sizeof(brk), "[%s]", e->control);
		shown = brk;
	}
	/* libpam tries the keywords first, with or without brackets; any
	 * other word is parsed as "value=action" pairs */
	if (control_keyword(e->control, actions) != 0 &&
	    (problem = control_parse(e->control, actions)) != NULL) {
		report(d, SEV_ERROR, e->file, e->line, "use sufficient (a "
		    "token, or else the next modules), required (a token and "
		    "nothing else) or [success=done default=die]", "control "
		    "%s is no keyword and does not parse (%s): libpam counts "
		    "every result of the module as a failure, so no token can "
		    "log in", shown, problem);
		return;
	}
	if (actions[RC_SUCCESS] == ACT_BAD || actions[RC_SUCCESS] == ACT_DIE) {
		report(d, SEV_ERROR, e->file, e->line, "map success to done or "
		    "ok, e.g. [success=done default=die]", "control %s counts "
		    "a valid token as a failure: no token can log in", shown);
		return;
	}
	if (strcasecmp(e->control, "optional") == 0) {
		report(d, SEV_WARNING, e->file, e->line, "use sufficient "
		    "(a token, or else the next modules) or required (a token "
		    "and nothing else)", "control optional: a valid token "
		    "does not log in when another auth module fails, and a "
		    "refused token is ignored: the result only counts when "
		    "pam_jwtsafe is the only auth module");
		okay = 0;
	} else if (actions[RC_SUCCESS] == ACT_IGNORE ||
	    actions[RC_SUCCESS] == ACT_RESET) {
		report(d, SEV_WARNING, e->file, e->line, "map success to done "
		    "or ok", "control %s: a valid token %s, so the other "
		    "modules decide alone", shown,
		    actions[RC_SUCCESS] == ACT_IGNORE ? "is ignored" :
		    "resets the stack");
		okay = 0;
	}
	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		if (actions[failures[i]] > 0 ||
		    actions[failures[i]] == ACT_RESET) {
			report(d, SEV_WARNING, e->file, e->line, "make refused "
			    "tokens fail or fall through (default=die, "
			    "default=bad or default=ignore), not jump",
			    "control %s: when the module returns %s, the "
			    "stack %s: check that this cannot skip the module "
			    "that denies (pam_deny)", shown,
			    pam_ret_names[failures[i]],
			    failure_words(actions[failures[i]], b2,
			    sizeof(b2)));
			okay = 0;
			break;
		}
	}
	if (okay)
		report(d, SEV_OK, e->file, e->line, NULL, "auth line, control "
		    "%s: a valid token %s; a refused one %s", shown,
		    success_words(actions[RC_SUCCESS], b1, sizeof(b1)),
		    failure_words(actions[RC_AUTH_ERR], b2, sizeof(b2)));
}

/* ---- the module file ---------------------------------------------------- */

static const char *const module_dirs[] = {
	"/lib/" JWTSAFE_MULTIARCH "/security",
	"/usr/lib/" JWTSAFE_MULTIARCH "/security",
	"/lib64/security", "/usr/lib64/security",
	"/lib/security", "/usr/lib/security",
};

/* libpam's module directory: the first candidate holding pam_unix.so,
 * which every Linux-PAM system has. "" when none does. */
static void
find_module_dir(struct doctor *d)
{
	struct stat st;
	char p[PATHBUF], q[PATHBUF];
	size_t i;

	d->moddir[0] = '\0';
	for (i = 0; i < sizeof(module_dirs) / sizeof(module_dirs[0]); i++) {
		snprintf(q, sizeof(q), "%s/pam_unix.so", module_dirs[i]);
		if (rooted(d, q, p, sizeof(p)) == 0 && stat(p, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			snprintf(d->moddir, sizeof(d->moddir), "%s",
			    module_dirs[i]);
			return;
		}
	}
}

static void
check_module(struct doctor *d, const struct pam_entry *e)
{
	struct stat st;
	char path[PATHBUF], full[PATHBUF], buf[64], fix[FIX_MAX];
	const char *problem, *found = NULL;
	size_t i;
	int elsewhere;

	if (e->module[0] == '/') {
		snprintf(path, sizeof(path), "%s", e->module);
		if (rooted(d, path, full, sizeof(full)) == 0 &&
		    stat(full, &st) == 0)
			found = path;
	} else if (d->moddir[0] != '\0') {
		snprintf(path, sizeof(path), "%s/%s", d->moddir, e->module);
		if (rooted(d, path, full, sizeof(full)) == 0 &&
		    stat(full, &st) == 0)
			found = path;
	} else {
		for (i = 0; i < sizeof(module_dirs) / sizeof(module_dirs[0]) &&
		    found == NULL; i++) {
			snprintf(path, sizeof(path), "%s/%s", module_dirs[i],
			    e->module);
			if (rooted(d, path, full, sizeof(full)) == 0 &&
			    stat(full, &st) == 0)
				found = path;
		}
	}
	if (found == NULL) {
		/* installed by make install, but where libpam does not look? */
		snprintf(path, sizeof(path), JWTSAFE_PAMDIR "/%s",
		    strrchr(e->module, '/') != NULL ?
		    strrchr(e->module, '/') + 1 : e->module);
		elsewhere = rooted(d, path, full, sizeof(full)) == 0 &&
		    stat(full, &st) == 0;
		snprintf(fix, sizeof(fix), "install pam_jwtsafe.so in %s (the "
		    "jwtsafe package, or ./configure --with-pamdir=%s && make "
		    "install), or give its full path on the line",
		    d->moddir[0] != '\0' ? d->moddir : module_dirs[0],
		    d->moddir[0] != '\0' ? d->moddir : module_dirs[0]);
		report(d, SEV_ERROR, e->file, e->line, fix, "module %s not "
		    "found%s%s%s: libpam answers \"Module is unknown\" and no "
		    "token can log in", e->module,
		    e->module[0] == '/' ? "" : " in ",
		    e->module[0] == '/' ? "" : d->moddir[0] != '\0' ?
		    d->moddir : "the PAM module directories",
		    elsewhere ? " (there is one in " JWTSAFE_PAMDIR ", where "
		    "libpam does not look)" : "");
		return;
	}
	if ((problem = code_file_problem(d, &st, buf, sizeof(buf))) != NULL) {
		snprintf(fix, sizeof(fix), "chown root:root %s; chmod 0644 %s",
		    path, path);
		report(d, SEV_ERROR, e->file, e->line, fix, "module %s is %s: "
		    "whoever can change it runs code as root in sshd and sudo",
		    path, problem);
		return;
	}
	if (e->silent)
		report(d, SEV_WARNING, e->file, e->line, "remove the '-' "
		    "before the type", "\"-%s\": libpam would not log it if "
		    "the module went missing", e->type_word);
	report(d, SEV_OK, e->file, e->line, NULL, "module %s", path);
}

/* ---- key, map and replay store ------------------------------------------ */

static struct jwtsafe_file_policy
module_policy(const struct doctor *d, size_t max_size)
{
	struct jwtsafe_file_policy fp;

	memset(&fp, 0, sizeof(fp));
	fp.owner = d->owner;
	fp.check_dirs = 1;
	fp.secret = 0;
	fp.max_size = max_size;
	return fp;
}

static const char *
key_fix(int code, enum jwtsafe_alg alg, const char *path, char *buf,
    size_t len)
{
	int hmac = jwtsafe_alg_is_symmetric(alg);

	switch (code) {
	case JWTSAFE_ERR_SYSTEM:
		snprintf(buf, len, "put the issuer's %s key file at %s "
		    "(jwtsafe import, jwtsafe pubkey or jwtsafe keygen, see "
		    "jwtsafe(1)), or correct keys=", jwtsafe_alg_name(alg),
		    path);
		break;
	case JWTSAFE_ERR_UNSAFE_FILE:
		snprintf(buf, len, "chown root:root %s; chmod %s %s; keep the "
		    "directories above it owned by root and not group- or "
		    "world-writable", path, hmac ? "0600" : "0644", path);
		break;
	case JWTSAFE_ERR_KEY_ALG:
		snprintf(buf, len, "point keys= at a file of %s keys, or set "
		    "alg= to the algorithm of the keys in %s",
		    jwtsafe_alg_name(alg), path);
		break;
	case JWTSAFE_ERR_KEY_PURPOSE:
		snprintf(buf, len, hmac ? "an %s key file holds the shared "
		    "secret (jwtsafe keygen)" : "put only the public key "
		    "there (jwtsafe pubkey SECRET-FILE); a server never needs "
		    "the %s secret key", jwtsafe_alg_name(alg));
		break;
	default:
		snprintf(buf, len, "write %s again with jwtsafe import or "
		    "jwtsafe pubkey (format: jwtsafe-keys(5))", path);
		break;
	}
	return buf;
}

static void
check_keys(struct doctor *d, const struct pam_entry *e,
    const struct jwtsafe_options *o)
{
	struct jwtsafe_file_policy fp = module_policy(d, 0);
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_keyset set = { 0 };
	struct jwtsafe_error err = { 0 };
	const struct jwtsafe_key *k, *k2, *soon = NULL;
	char path[PATHBUF], fix[FIX_MAX], eb[MSG_MAX], t1[40], t2[40], t3[40];
	size_t i, j, valid = 0, retired = 0, future = 0;
	int64_t last_retired = 0, first_future = 0;
	int successor;

	if (rooted(d, o->keys, path, sizeof(path)) != 0) {
		report(d, SEV_ERROR, e->file, e->line, NULL, "keys=%s: path "
		    "too long under the root", o->keys);
		return;
	}
	/* Exactly what the module does before it asks for a token. */
	if (jwtsafe_verifier_new(o->alg, &v, &err) != 0 ||
	    jwtsafe_verifier_index_file(v, path, &fp, &err) != 0) {
		report(d, SEV_ERROR, e->file, e->line,
		    key_fix(err.code, o->alg, o->keys, fix, sizeof(fix)),
		    "keys=%s: %s: the module refuses every login "
		    "(PAM_AUTHINFO_UNAVAIL)", o->keys,
		    err_text(&err, eb, sizeof(eb)));
		goto out;
	}
	jwtsafe_verifier_free(v);
	v = NULL;
	/* Then every line in full, as the module parses the one line a
	 * token selects. */
	if (jwtsafe_verifier_new(o->alg, &v, &err) != 0 ||
	    jwtsafe_verifier_load_file(v, path, &fp, &err) != 0) {
		report(d, SEV_ERROR, e->file, e->line,
		    key_fix(err.code, o->alg, o->keys, fix, sizeof(fix)),
		    "keys=%s: %s: a token that selects this key (by its kid, "
		    "or as the only key) is refused (PAM_AUTHINFO_UNAVAIL)",
		    o->keys, err_text(&err, eb, sizeof(eb)));
		goto out;
	}
	note_mtime(d, path, o->keys);
	/* Again, to see the validity windows the verifier keeps to itself. */
	fp.secret = jwtsafe_alg_is_symmetric(o->alg);
	if (jwtsafe_keyfile_read(path, &fp, &set, &err) != 0) {
		report(d, SEV_ERROR, e->file, e->line, NULL, "keys=%s: changed "
		    "while being checked: %s", o->keys,
		    err_text(&err, eb, sizeof(eb)));
		goto out;
	}
	for (i = 0; i < set.n; i++) {
		k = set.keys[i];
		if (k->not_after != JWTSAFE_TIME_NONE &&
		    d->now >= k->not_after) {
			if (retired++ == 0 || k->not_after > last_retired)
				last_retired = k->not_after;
		} else if (k->not_before != JWTSAFE_TIME_NONE &&
		    d->now < k->not_before) {
			if (future++ == 0 || k->not_before < first_future)
				first_future = k->not_before;
		} else {
			valid++;
		}
	}
	if (valid == 0) {
		snprintf(fix, sizeof(fix), "add the issuer's current key to %s "
		    "(jwtsafe import or jwtsafe pubkey, with --not-after in "
		    "the future)", o->keys);
		report(d, SEV_ERROR, e->file, e->line, fix, "keys=%s: no key "
		    "is valid now (%s): %zu retired%s%s, %zu not yet "
		    "valid%s%s: every token is refused", o->keys,
		    fmt_time(d->now, t1, sizeof(t1)), retired,
		    retired ? ", the last on " : "",
		    retired ? fmt_time(last_retired, t2, sizeof(t2)) : "",
		    future, future ? ", the first from " : "",
		    future ? fmt_time(first_future, t3, sizeof(t3)) : "");
		goto out;
	}
	/* A key valid now that retires within a week, with no key to take
	 * over from that moment. */
	for (i = 0; i < set.n; i++) {
		k = set.keys[i];
		if (k->not_after == JWTSAFE_TIME_NONE ||
		    d->now >= k->not_after ||
		    k->not_after - d->now > JWTSAFE_DOCTOR_KEY_SOON ||
		    (k->not_before != JWTSAFE_TIME_NONE &&
		    d->now < k->not_before))
			continue;
		successor = 0;
		for (j = 0; j < set.n && !successor; j++) {
			k2 = set.keys[j];
			if (j != i && (k2->not_before == JWTSAFE_TIME_NONE ||
			    k2->not_before <= k->not_after) &&
			    (k2->not_after == JWTSAFE_TIME_NONE ||
			    k->not_after < k2->not_after))
				successor = 1;
		}
		if (!successor && (soon == NULL ||
		    k->not_after < soon->not_after))
			soon = k;
	}
	if (soon != NULL) {
		snprintf(fix, sizeof(fix), "add the issuer's next key to %s "
		    "before then", o->keys);
		report(d, SEV_WARNING, e->file, e->line, fix, "keys=%s: key "
		    "\"%s\" (line %u) retires on %s, in %lld hour(s), and no "
		    "other key is valid after it", o->keys, soon->kid,
		    soon->line, fmt_time(soon->not_after, t1, sizeof(t1)),
		    (long long)((soon->not_after - d->now + 3599) / 3600));
	}
	report(d, SEV_OK, e->file, e->line, NULL, "keys=%s: %zu %s %s "
	    "key(s), %zu valid now%s, %zu retired, %zu not yet valid",
	    o->keys, set.n, jwtsafe_alg_name(set.alg),
	    jwtsafe_alg_is_symmetric(set.alg) ? "secret" : "public", valid,
	    set.n > 1 ? " (tokens must name their kid)" : "", retired, future);
 out:
	jwtsafe_keyset_clear(&set);
	jwtsafe_verifier_free(v);
}

static void
check_map(struct doctor *d, const struct pam_entry *e,
    const struct jwtsafe_options *o)
{
	struct jwtsafe_file_policy fp = module_policy(d,
	    JWTSAFE_USERMAP_MAX_SIZE);
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_error err = { 0 };
	char path[PATHBUF], fix[FIX_MAX], eb[MSG_MAX];

	if (rooted(d, o->map, path, sizeof(path)) != 0) {
		report(d, SEV_ERROR, e->file, e->line, NULL, "map=%s: path too "
		    "long under the root", o->map);
		return;
	}
	/* As the module reads it: the accounts format, strictly. */
	if (jwtsafe_usermap_read(path, &fp, &map, &err) != 0) {
		switch (err.code) {
		case JWTSAFE_ERR_SYSTEM:
			snprintf(fix, sizeof(fix), "create %s "
			    "(jwtsafe-map(5)) or correct map=", o->map);
			break;
		case JWTSAFE_ERR_UNSAFE_FILE:
			snprintf(fix, sizeof(fix), "chown root:root %s; chmod "
			    "0644 %s; keep the directories above it owned by "
			    "root and not group- or world-writable", o->map,
			    o->map);
			break;
		default:
			snprintf(fix, sizeof(fix), "correct the line named "
			    "above (jwtsafe-map(5), jwtsafe-accounts(5)); one "
			    "bad line refuses the whole file");
			break;
		}
		report(d, SEV_ERROR, e->file, e->line, fix, "map=%s: %s: the "
		    "module refuses every login (PAM_AUTHINFO_UNAVAIL)", o->map,
		    err_text(&err, eb, sizeof(eb)));
		goto out;
	}
	note_mtime(d, path, o->map);
	report(d, SEV_OK, e->file, e->line, NULL, "map=%s: %zu subject(s)",
	    o->map, jwtsafe_usermap_count(map));
 out:
	jwtsafe_usermap_free(map);
}

/* Create and remove a probe file in the store: can the module write? */
static int
replay_probe(const char *dir)
{
	char name[64];
	int dfd, fd, e = 0;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return errno;
	snprintf(name, sizeof(name), JWTSAFE_DOCTOR_PROBE_PREFIX "%ld",
	    (long)getpid());
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
	} else {
		if (write(fd, "x\n", 2) != 2)
			e = errno != 0 ? errno : EIO;
		if (close(fd) != 0 && e == 0)
			e = errno;
		if (unlinkat(dfd, name, 0) != 0 && e == 0)
			e = errno;
	}
	close(dfd);
	return e;
}

static void
check_replay(struct doctor *d, const struct pam_entry *e,
    const struct jwtsafe_options *o)
{
	struct jwtsafe_replay *rs = NULL;
	struct jwtsafe_error err = { 0 };
	struct stat st;
	char path[PATHBUF], fix[FIX_MAX], eb[MSG_MAX];
	const char *last;
	int en;

	if (rooted(d, o->replay_dir, path, sizeof(path)) != 0 ||
	    !jwtsafe_options_path_valid(path)) {
		report(d, SEV_ERROR, e->file, e->line, NULL, "replay=%s: path "
		    "too long under the root", o->replay_dir);
		return;
	}
	last = strrchr(o->replay_dir, '/');
	if (lstat(path, &st) != 0) {
		en = errno;
		if (en != ENOENT) {
			report(d, SEV_ERROR, e->file, e->line, NULL, "replay "
			    "store %s: %s", o->replay_dir, strerror(en));
			return;
		}
		/* The module creates the last component, never its parents. */
		if (jwtsafe_safefile_check_dirs(path, d->owner, &err) != 0) {
			snprintf(fix, sizeof(fix), "create its parent %.*s "
			    "(owned by root, mode 0755); the module creates "
			    "the store itself", (int)(last - o->replay_dir),
			    o->replay_dir);
			report(d, SEV_ERROR, e->file, e->line, fix, "replay "
			    "store %s is missing and cannot be created: %s: "
			    "the module refuses every login", o->replay_dir,
			    err_text(&err, eb, sizeof(eb)));
			return;
		}
		report(d, SEV_OK, e->file, e->line, NULL, "replay store %s "
		    "does not exist yet; the module creates it (mode 0700) at "
		    "the first login", o->replay_dir);
		return;
	}
	if (jwtsafe_replay_open(path, d->owner, &rs, &err) != 0) {
		snprintf(fix, sizeof(fix), "chown root:root %s; chmod 0700 %s; "
		    "keep the directories above it owned by root and not "
		    "group- or world-writable", o->replay_dir, o->replay_dir);
		report(d, SEV_ERROR, e->file, e->line, fix, "replay store %s: "
		    "%s: the module refuses every login", o->replay_dir,
		    err_text(&err, eb, sizeof(eb)));
		return;
	}
	jwtsafe_replay_close(rs);
	if ((en = replay_probe(path)) != 0) {
		report(d, SEV_ERROR, e->file, e->line, "make the file system "
		    "writable and give it room", "replay store %s: cannot "
		    "write in it: %s: the module refuses every token",
		    o->replay_dir, strerror(en));
		return;
	}
	report(d, SEV_OK, e->file, e->line, NULL, "replay store %s: safe and "
	    "writable", o->replay_dir);
}

/* Everything about one pam_jwtsafe line itself (once per line). */
static void
check_line(struct doctor *d, const struct pam_entry *e)
{
	struct jwtsafe_options o;
	struct jwtsafe_error err = { 0 };
	char eb[MSG_MAX];

	d->lines++;
	if (e->cut)
		report(d, SEV_ERROR, e->file, e->line, "shorten the line (keep "
		    "paths short, drop options left at their defaults)", "the "
		    "line is longer than libpam's %d-byte buffer: libpam reads "
		    "the rest as a separate, invalid line, which fails the "
		    "whole stack", PAM_LINE_BUF - 1);
	if (e->bad_type) {
		report(d, SEV_ERROR, e->file, e->line, "start the line with "
		    "auth", "\"%s\" is not a module type: libpam fails every "
		    "request of this service", e->type_word);
		return;
	}
	if (e->type != TYPE_AUTH) {
		report(d, SEV_ERROR, e->file, e->line, "remove the line: "
		    "pam_jwtsafe only authenticates; leave account, session "
		    "and password to the usual modules", "pam_jwtsafe on a "
		    "\"%s\" line: the module has no pam_sm_%s, so libpam "
		    "answers \"Module is unknown\" there", e->type_word,
		    e->type == TYPE_ACCOUNT ? "acct_mgmt" :
		    e->type == TYPE_SESSION ? "open_session" : "chauthtok");
		return;
	}
	if (e->control == NULL || e->module == NULL) {
		report(d, SEV_ERROR, e->file, e->line, "write it as \"auth "
		    "CONTROL pam_jwtsafe.so OPTIONS\"", "no %s: libpam fails "
		    "every request of this service", e->control == NULL ?
		    "control" : "module");
		return;
	}
	check_control(d, e);
	check_module(d, e);
	if (jwtsafe_options_parse(e->argc, (const char *const *)e->argv, &o,
	    &err) != 0) {
		report(d, SEV_ERROR, e->file, e->line, "correct the options as "
		    "pam_jwtsafe(8) describes them", "options: %s: the module "
		    "refuses every login (PAM_SERVICE_ERR)",
		    err_text(&err, eb, sizeof(eb)));
		return;
	}
	report(d, SEV_OK, e->file, e->line, NULL, "options: alg=%s "
	    "issuer=%s audience=%s max_ttl=%lld leeway=%lld%s%s",
	    jwtsafe_alg_name(o.alg), o.issuer, o.audience,
	    (long long)o.max_ttl, (long long)o.leeway,
	    o.replay ? "" : " noreplay", o.allow_root ? " allow_root" : "");
	check_keys(d, e, &o);
	if (o.map != NULL)
		check_map(d, e, &o);
	if (o.replay)
		check_replay(d, e, &o);
}

/* ---- per service ------------------------------------------------------- */

static int check_sshd(struct doctor *d, const struct pam_entry *e);

/* What depends on the service: its name and the order of its stack. */
static void
check_service_entry(struct doctor *d, const struct pam_stack *st,
    size_t idx)
{
	const struct pam_entry *e = &st->e[idx];
	struct jwtsafe_options o;
	struct jwtsafe_error err = { 0 };
	size_t i;
	int before = 0;

	if (e->type != TYPE_AUTH || e->bad_type || e->control == NULL ||
	    e->module == NULL ||
	    jwtsafe_options_parse(e->argc, (const char *const *)e->argv, &o,
	    &err) != 0)
		return;
	if (!o.replay && (strcmp(st->service, "sshd") == 0 ||
	    is_sudo_service(st->service)))
		report(d, SEV_WARNING, e->file, e->line, "remove noreplay (the "
		    "default store is " JWTSAFE_REPLAY_DIR_DEFAULT ")",
		    "noreplay in %s: a token can be used again, by anyone who "
		    "sees it, until it expires (max_ttl=%lld s)", st->service,
		    (long long)o.max_ttl);
	if (o.alg == JWTSAFE_ALG_PS256 && is_sudo_service(st->service))
		report(d, SEV_WARNING, e->file, e->line, "use EdDSA or ES256 "
		    "for sudo (tokens of 280 to 420 bytes)", "alg=PS256 in %s: "
		    "PS256 tokens are 620 to 970 bytes, and sudo refuses "
		    "answers of 512 bytes or more", st->service);
	if (o.authtok == JWTSAFE_AUTHTOK_USE_FIRST) {
		for (i = 0; i < idx; i++) {
			if (st->e[i].problem == NULL &&
			    st->e[i].type == TYPE_AUTH)
				before = 1;
		}
		if (!before)
			report(d, SEV_ERROR, e->file, e->line, "use "
			    "try_first_pass, or put the module that asks "
			    "for the token first", "use_first_pass in %s, but "
			    "no auth module runs before this one to set "
			    "PAM_AUTHTOK: every login fails", st->service);
	}
}

static void
check_stack(struct doctor *d, struct pam_stack *st, int named)
{
	const struct pam_entry *e, *first_auth = NULL;
	char key[PATHBUF + 16];
	size_t i;
	int has = 0;

	for (i = 0; i < st->n; i++) {
		e = &st->e[i];
		if (e->problem == NULL && e->module != NULL &&
		    is_jwtsafe_module(e->module)) {
			has = 1;
			if (e->type == TYPE_AUTH && first_auth == NULL)
				first_auth = e;
		}
	}
	if (!has) {
		if (named && st->missing)
			report(d, SEV_ERROR, st->service, 0, "give the name "
			    "of a file in " PAMD_DIR, "no such PAM service "
			    "file " PAMD_DIR "/%s (libpam would use "
			    "\"other\")", st->service);
		else if (named)
			report(d, SEV_ERROR, st->service, 0, "add an auth line "
			    "for pam_jwtsafe.so (pam_jwtsafe(8), EXAMPLES)",
			    "the %s stack never reaches pam_jwtsafe.so",
			    st->service);
		return;
	}
	d->services++;
	for (i = 0; i < st->n; i++) {
		e = &st->e[i];
		snprintf(key, sizeof(key), "%s:%u", e->file, e->line);
		if (e->problem != NULL) {
			if (!strset_has(&d->checked, key)) {
				report(d, SEV_ERROR, e->file, e->line, NULL,
				    "%s", e->problem);
				(void)strset_add(&d->checked, key);
			}
			continue;
		}
		if (e->module != NULL && is_jwtsafe_module(e->module)) {
			if (!strset_has(&d->checked, key)) {
				(void)strset_add(&d->checked, key);
				check_line(d, e);
			}
			check_service_entry(d, st, i);
		} else if (e->bad_type || e->control == NULL ||
		    e->module == NULL) {
			if (!strset_has(&d->checked, key)) {
				(void)strset_add(&d->checked, key);
				report(d, SEV_ERROR, e->file, e->line,
				    "correct or remove the line (pam.d(5))",
				    "%s: libpam fails every %s request of "
				    "this service", e->bad_type ?
				    "not a module type" : e->control == NULL ?
				    "no control" : "no module", e->bad_type ?
				    "auth" : e->type_word);
			}
		}
	}
	if (strcmp(st->service, "sshd") == 0 && first_auth != NULL)
		(void)check_sshd(d, first_auth);
}

/* ---- sshd ---------------------------------------------------------------- */

struct sshd_value {
	char value[64];
	char where[PATHBUF];
	unsigned line;
	int set;
};

struct sshd_conf {
	struct sshd_value usepam, kbd, password, methods;
	char match_where[PATHBUF];   /* a Match block changing one of them */
	unsigned match_line;
	const char *source;          /* "sshd -T" or the file */
};

static void
sshd_set(struct sshd_value *v, const char *value, const char *where,
    unsigned line)
{
	if (v->set)
		return;     /* sshd: the first value obtained is used */
	v->set = 1;
	snprintf(v->value, sizeof(v->value), "%s", value);
	snprintf(v->where, sizeof(v->where), "%s", where);
	v->line = line;
}

/* Apply one "keyword value" to the configuration. */
static void
sshd_keyword(struct sshd_conf *c, const char *kw, const char *value,
    const char *where, unsigned line, int in_match)
{
	struct sshd_value *v = NULL;

	if (strcasecmp(kw, "UsePAM") == 0)
		v = &c->usepam;
	else if (strcasecmp(kw, "KbdInteractiveAuthentication") == 0 ||
	    strcasecmp(kw, "ChallengeResponseAuthentication") == 0)
		v = &c->kbd;
	else if (strcasecmp(kw, "PasswordAuthentication") == 0)
		v = &c->password;
	else if (strcasecmp(kw, "AuthenticationMethods") == 0)
		v = &c->methods;
	if (v == NULL)
		return;
	if (in_match) {
		if (c->match_line == 0 && v != &c->usepam) {
			snprintf(c->match_where, sizeof(c->match_where), "%s",
			    where);
			c->match_line = line;
		}
		return;
	}
	sshd_set(v, value, where, line);
}

static int sshd_parse_file(struct doctor *d, struct sshd_conf *c,
    const char *path, int depth, int in_match);

/* "Include" arguments: globs, relative to /etc/ssh. */
static int
sshd_include(struct doctor *d, struct sshd_conf *c, char *args, int depth,
    int in_match)
{
	glob_t g;
	char pat[PATHBUF], full[PATHBUF];
	char *arg, *save = NULL;
	size_t i, rl = strlen(d->root);
	int n;

	for (arg = strtok_r(args, " \t", &save); arg != NULL;
	    arg = strtok_r(NULL, " \t", &save)) {
		if (arg[0] == '/')
			n = snprintf(pat, sizeof(pat), "%s", arg);
		else
			n = snprintf(pat, sizeof(pat), "/etc/ssh/%s", arg);
		if (n < 0 || (size_t)n >= sizeof(pat) ||
		    rooted(d, pat, full, sizeof(full)) != 0)
			continue;
		memset(&g, 0, sizeof(g));
		if (glob(full, 0, NULL, &g) == 0) {
			for (i = 0; i < g.gl_pathc; i++) {
				if (strncmp(g.gl_pathv[i], d->root, rl) != 0)
					continue;
				(void)sshd_parse_file(d, c, g.gl_pathv[i] + rl,
				    depth + 1, in_match);
			}
		}
		globfree(&g);
	}
	return 0;
}

/*
 * Read an sshd_config file (unrooted path): the global keywords, in
 * order, first value wins; Include followed in place; keywords after a
 * Match line belong to the block until the end of the file.
 */
static int
sshd_parse_file(struct doctor *d, struct sshd_conf *c, const char *path,
    int depth, int in_match)
{
	char full[PATHBUF], *text = NULL, *p, *eol, *kw, *val, *end;
	size_t len;
	unsigned line = 0;

	if (depth > SSHD_INCLUDE_MAX || rooted(d, path, full,
	    sizeof(full)) != 0 || read_text(full, TEXT_FILE_MAX, &text,
	    &len) != 0)
		return -1;
	for (p = text; p != NULL && *p != '\0'; p = eol) {
		line++;
		if ((eol = strchr(p, '\n')) != NULL)
			*eol++ = '\0';
		p += strspn(p, " \t\r");
		if (*p == '\0' || *p == '#')
			continue;
		kw = p;
		p += strcspn(p, " \t=\r");
		if (*p != '\0')
			*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '=')
			p++;
		p += strspn(p, " \t");
		val = p;
		/* the rest up to a comment word, without trailing blanks */
		for (end = val; *end != '\0'; end++) {
			if (*end == '#' && (end == val || end[-1] == ' ' ||
			    end[-1] == '\t'))
				break;
		}
		*end = '\0';
		while (end > val && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			*--end = '\0';
		if (strcasecmp(kw, "Match") == 0) {
			in_match = 1;
			continue;
		}
		if (strcasecmp(kw, "Include") == 0) {
			(void)sshd_include(d, c, val, depth, in_match);
			continue;
		}
		if (val[0] == '"' && strlen(val) >= 2 &&
		    val[strlen(val) - 1] == '"') {
			val[strlen(val) - 1] = '\0';
			val++;
		}
		sshd_keyword(c, kw, val, path, line, in_match);
	}
	free(text);
	return 0;
}

/*
 * The effective configuration from "sshd -T" (the running system only).
 * 0 when sshd ran and said something, else -1.
 */
static int
sshd_dump(struct sshd_conf *c)
{
	static char *const argv[] = { SSHD_PATH, "-T", NULL };
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	    "LC_ALL=C", NULL };
	posix_spawn_file_actions_t fa;
	char *buf = NULL, *p, *eol, *val;
	size_t len = 0;
	ssize_t n;
	pid_t pid = -1;
	int fds[2] = { -1, -1 }, status, rc = -1, fa_init = 0;

	if (access(SSHD_PATH, X_OK) != 0 || pipe2(fds, O_CLOEXEC) != 0)
		goto out;
	if ((buf = malloc(SSHD_OUTPUT_MAX + 1)) == NULL ||
	    posix_spawn_file_actions_init(&fa) != 0)
		goto out;
	fa_init = 1;
	if (posix_spawn_file_actions_adddup2(&fa, fds[1], 1) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
	    0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
	    0) != 0 ||
	    posix_spawn(&pid, SSHD_PATH, &fa, NULL, argv, envp) != 0) {
		pid = -1;
		goto out;
	}
	close(fds[1]);
	fds[1] = -1;
	while (len < SSHD_OUTPUT_MAX) {
		n = read(fds[0], buf + len, SSHD_OUTPUT_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fds[0]);
	fds[0] = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len == 0)
		goto out;
	for (p = buf; p != NULL && *p != '\0'; p = eol) {
		if ((eol = strchr(p, '\n')) != NULL)
			*eol++ = '\0';
		if ((val = strchr(p, ' ')) == NULL)
			continue;
		*val++ = '\0';
		sshd_keyword(c, p, val, "sshd -T", 0, 0);
	}
	c->source = "sshd -T";
	rc = 0;
 out:
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	free(buf);
	return rc;
}

/* 1 if some list of AuthenticationMethods lets PAM ask for the token. */
static int
methods_reach_pam(const char *value)
{
	char copy[sizeof(((struct sshd_value *)0)->value)], *list, *m, *s1,
	    *s2;
	int reach;

	if (strcasecmp(value, "any") == 0)
		return 1;
	snprintf(copy, sizeof(copy), "%s", value);
	for (list = strtok_r(copy, " \t", &s1); list != NULL;
	    list = strtok_r(NULL, " \t", &s1)) {
		reach = 0;
		for (m = strtok_r(list, ",", &s2); m != NULL;
		    m = strtok_r(NULL, ",", &s2)) {
			if (strncmp(m, "keyboard-interactive", 20) == 0 ||
			    strcmp(m, "password") == 0)
				reach = 1;
		}
		if (reach)
			return 1;
	}
	return 0;
}

static int
is_yes(const struct sshd_value *v, int dflt)
{
	return v->set ? strcasecmp(v->value, "yes") == 0 : dflt;
}

static int
check_sshd(struct doctor *d, const struct pam_entry *e)
{
	struct sshd_conf c;
	struct stat st;
	char full[PATHBUF];
	const char *w;
	unsigned wl;
	int kbd, pw;

	memset(&c, 0, sizeof(c));
	if (rooted(d, SSHD_CONFIG, full, sizeof(full)) != 0 ||
	    stat(full, &st) != 0)
		return 0;
	if (d->root[0] != '\0' || sshd_dump(&c) != 0) {
		memset(&c, 0, sizeof(c));
		if (sshd_parse_file(d, &c, SSHD_CONFIG, 0, 0) != 0) {
			report(d, SEV_WARNING, SSHD_CONFIG, 0, NULL, "cannot "
			    "read it: sshd's settings not checked");
			return -1;
		}
		c.source = SSHD_CONFIG;
	}
	/* where a finding about a value goes: its line, or the file */
#define WHERE(v) ((v).set ? (v).where : c.source)
#define LINE(v)  ((v).set ? (v).line : 0)
	if (!is_yes(&c.usepam, 0)) {
		report(d, SEV_ERROR, WHERE(c.usepam), LINE(c.usepam), "set "
		    "UsePAM yes in " SSHD_CONFIG " and restart sshd", "UsePAM "
		    "is %s%s: sshd never runs the PAM stack, so %s:%u is never "
		    "reached", c.usepam.set ? c.usepam.value : "no",
		    c.usepam.set ? "" : " (the default)", e->file, e->line);
	}
	kbd = is_yes(&c.kbd, 1);
	pw = is_yes(&c.password, 1);
	w = WHERE(c.kbd);
	wl = LINE(c.kbd);
	if (!kbd && !pw) {
		report(d, SEV_ERROR, w, wl, "set KbdInteractiveAuthentication "
		    "yes in " SSHD_CONFIG " and restart sshd",
		    "KbdInteractiveAuthentication and PasswordAuthentication "
		    "are both no: sshd never asks PAM for a token");
	} else if (!kbd) {
		report(d, SEV_WARNING, w, wl, "set "
		    "KbdInteractiveAuthentication yes in " SSHD_CONFIG,
		    "KbdInteractiveAuthentication no: tokens can only be sent "
		    "as a password (PasswordAuthentication), at most 1024 "
		    "bytes, without the module's prompt");
	}
	if (c.methods.set && !methods_reach_pam(c.methods.value))
		report(d, SEV_ERROR, WHERE(c.methods), LINE(c.methods), "add "
		    "keyboard-interactive to a list of AuthenticationMethods "
		    "(e.g. publickey,keyboard-interactive)",
		    "AuthenticationMethods %s: no list lets PAM ask for the "
		    "token", c.methods.value);
	if (c.match_line != 0)
		report(d, SEV_WARNING, c.match_where, c.match_line, "check the "
		    "users it matches with sshd -T -C user=NAME,host=H,addr=A",
		    "a Match block changes how sshd authenticates some "
		    "connections; they may not reach pam_jwtsafe");
	if (is_yes(&c.usepam, 0) && (kbd || pw) && (!c.methods.set ||
	    methods_reach_pam(c.methods.value)))
		report(d, SEV_OK, c.source, 0, NULL, "UsePAM yes, "
		    "KbdInteractiveAuthentication %s, "
		    "PasswordAuthentication %s", kbd ? "yes" : "no",
		    pw ? "yes" : "no");
#undef WHERE
#undef LINE
	return 0;
}

/* ---- accounts and NSS --------------------------------------------------- */

struct skip_ctx {
	struct doctor *d;
};

static void
accounts_skipped(void *ctx, const char *name, unsigned line,
    const char *problem)
{
	struct skip_ctx *s = ctx;

	(void)name;
	report(s->d, SEV_ERROR, JWTSAFE_ACCOUNTS_PATH, line, "correct the "
	    "line (jwtsafe-accounts(5) describes the format)", "%s: "
	    "nss_jwtsafe skips this line, so what it declares does not exist",
	    problem);
}

/* The services of a database in nsswitch.conf; *line its line, 0 if the
 * database has no line (glibc then uses "files"). 1 if svc is among
 * them, 0 if not, -1 if the file cannot be read. */
static int
nsswitch_has(struct doctor *d, const char *db, const char *svc,
    unsigned *line)
{
	char full[PATHBUF], *text = NULL, *p, *eol, *w, *save = NULL;
	size_t len, dl = strlen(db);
	unsigned n = 0;
	int found = 0;

	*line = 0;
	if (rooted(d, NSSWITCH_PATH, full, sizeof(full)) != 0 ||
	    read_text(full, TEXT_FILE_MAX, &text, &len) != 0)
		return -1;
	for (p = text; p != NULL && *p != '\0' && *line == 0; p = eol) {
		n++;
		if ((eol = strchr(p, '\n')) != NULL)
			*eol++ = '\0';
		p += strspn(p, " \t");
		if (strncasecmp(p, db, dl) != 0)
			continue;
		p += dl;
		p += strspn(p, " \t");
		if (*p != ':')
			continue;
		*line = n;
		p[strcspn(p, "#")] = '\0';
		for (w = strtok_r(p + 1, " \t", &save); w != NULL;
		    w = strtok_r(NULL, " \t", &save)) {
			if (w[0] != '[' && strcmp(w, svc) == 0)
				found = 1;
		}
	}
	free(text);
	return found;
}

static const char *const lib_dirs[] = {
	"/lib/" JWTSAFE_MULTIARCH, "/usr/lib/" JWTSAFE_MULTIARCH,
	"/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

static void
check_nss_lib(struct doctor *d)
{
	struct stat st;
	char path[PATHBUF], full[PATHBUF], buf[64], fix[FIX_MAX], *text = NULL;
	const char *problem;
	size_t i, len;

	for (i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/" NSS_LIB, lib_dirs[i]);
		if (rooted(d, path, full, sizeof(full)) != 0 ||
		    stat(full, &st) != 0)
			continue;
		if ((problem = code_file_problem(d, &st, buf,
		    sizeof(buf))) != NULL) {
			snprintf(fix, sizeof(fix), "chown root:root %s; chmod "
			    "0644 %s", path, path);
			report(d, SEV_ERROR, path, 0, fix, "%s: every process "
			    "that looks a user up loads it", problem);
		} else {
			report(d, SEV_OK, path, 0, NULL, "installed where "
			    "glibc finds it");
		}
		return;
	}
	/* elsewhere (/usr/local/lib): only through the ld.so cache */
	if (rooted(d, LDSO_CACHE, full, sizeof(full)) == 0 &&
	    read_text(full, LDSO_CACHE_MAX, &text, &len) == 0 &&
	    memmem(text, len, NSS_LIB, sizeof(NSS_LIB)) != NULL) {
		report(d, SEV_OK, LDSO_CACHE, 0, NULL, NSS_LIB " is in the "
		    "ld.so cache");
		free(text);
		return;
	}
	free(text);
	report(d, SEV_ERROR, NSS_LIB, 0, "install the jwtsafe package (or make "
	    "install, then ldconfig)", "not found in %s, %s or the ld.so "
	    "cache: glibc cannot load it and the accounts do not exist",
	    lib_dirs[0], lib_dirs[1]);
}

/* Declared accounts and groups against /etc/passwd and /etc/group. */
static void
check_collisions(struct doctor *d, const struct jwtsafe_accounts *a,
    const char *file, int groups)
{
	char full[PATHBUF], *text = NULL, *p, *eol, *f[4], *s;
	const struct jwtsafe_account *acc;
	const struct jwtsafe_group *grp;
	size_t len;
	unsigned line = 0, at;
	int64_t id;
	int i, clean = 1;

	if (rooted(d, file, full, sizeof(full)) != 0 ||
	    read_text(full, TEXT_FILE_MAX, &text, &len) != 0)
		return;
	for (p = text; p != NULL && *p != '\0'; p = eol) {
		line++;
		if ((eol = strchr(p, '\n')) != NULL)
			*eol++ = '\0';
		if (*p == '#' || *p == '+' || *p == '-' || *p == '\0')
			continue;
		for (i = 0, s = p; i < 4; i++) {
			f[i] = s;
			if (s != NULL && (s = strchr(s, ':')) != NULL)
				*s++ = '\0';
		}
		if (f[2] == NULL || jwtsafe_parse_int64(f[2], 0, UINT32_MAX,
		    &id) != 0)
			continue;
		at = 0;
		if (groups) {
			grp = jwtsafe_accounts_group_by_name(a, f[0]);
			if (grp == NULL)
				grp = jwtsafe_accounts_group_by_gid(a,
				    (uint32_t)id);
			if (grp != NULL)
				at = grp->line;
		} else {
			acc = jwtsafe_accounts_by_name(a, f[0]);
			if (acc == NULL)
				acc = jwtsafe_accounts_by_uid(a, (uint32_t)id);
			if (acc != NULL)
				at = acc->line;
		}
		if (at == 0)
			continue;
		clean = 0;
		report(d, SEV_ERROR, JWTSAFE_ACCOUNTS_PATH, at, "give the "
		    "declared one another name and id inside its range",
		    "the %s declared here has the name or id of \"%s\" (%s:%u, "
		    "id %lld): one of them shadows the other", groups ?
		    "group" : "account", f[0], file, line, (long long)id);
	}
	free(text);
	if (clean)
		report(d, SEV_OK, file, 0, NULL, "no name or id of a declared "
		    "%s", groups ? "group" : "account");
}

static void
check_accounts(struct doctor *d)
{
	struct jwtsafe_file_policy fp = module_policy(d,
	    JWTSAFE_ACCOUNTS_MAX_SIZE);
	struct jwtsafe_accounts *a = NULL;
	struct jwtsafe_error err = { 0 };
	struct skip_ctx ctx;
	struct stat st;
	char full[PATHBUF], eb[MSG_MAX];
	size_t na, ng;
	unsigned line;
	int r;

	if (rooted(d, JWTSAFE_ACCOUNTS_PATH, full, sizeof(full)) != 0 ||
	    lstat(full, &st) != 0) {
		report(d, SEV_OK, JWTSAFE_ACCOUNTS_PATH, 0, NULL, "none: no "
		    "token-only accounts are declared");
		return;
	}
	ctx.d = d;
	/* As nss_jwtsafe reads it: bad lines skipped, each reported. */
	if (jwtsafe_accounts_read(full, &fp, JWTSAFE_ACCOUNTS_SKIP,
	    accounts_skipped, &ctx, &a, &err) != 0) {
		report(d, SEV_ERROR, JWTSAFE_ACCOUNTS_PATH, 0, "chown "
		    "root:root " JWTSAFE_ACCOUNTS_PATH "; chmod 0644 "
		    JWTSAFE_ACCOUNTS_PATH,
		    "%s: nss_jwtsafe serves no account at all",
		    err_text(&err, eb, sizeof(eb)));
		return;
	}
	note_mtime(d, full, JWTSAFE_ACCOUNTS_PATH);
	na = jwtsafe_accounts_count(a);
	ng = jwtsafe_accounts_group_count(a);
	report(d, SEV_OK, JWTSAFE_ACCOUNTS_PATH, 0, NULL, "%zu account(s), %zu "
	    "group(s), %zu subject(s)", na, ng,
	    jwtsafe_accounts_subject_count(a));
	if (na == 0 && ng == 0)
		goto out;
	r = nsswitch_has(d, "passwd", "jwtsafe", &line);
	if (r != 1 && na > 0) {
		report(d, SEV_ERROR, NSSWITCH_PATH, line, "add jwtsafe to the "
		    "passwd line: \"passwd: files jwtsafe\"", "%s: the %zu "
		    "declared account(s) do not exist for sshd, sudo or "
		    "anything else", r < 0 ? "cannot be read" : line == 0 ?
		    "no passwd line (glibc uses files only)" :
		    "passwd does not list jwtsafe", na);
	} else if (na > 0) {
		report(d, SEV_OK, NSSWITCH_PATH, line, NULL, "passwd lists "
		    "jwtsafe");
	}
	if (ng > 0) {
		r = nsswitch_has(d, "group", "jwtsafe", &line);
		if (r != 1)
			report(d, SEV_WARNING, NSSWITCH_PATH, line, "add "
			    "jwtsafe to the group line: \"group: files "
			    "jwtsafe\"",
			    "group does not list jwtsafe: the %zu declared "
			    "group(s) have no names", ng);
	}
	check_nss_lib(d);
	check_collisions(d, a, PASSWD_PATH, 0);
	if (ng > 0)
		check_collisions(d, a, GROUP_PATH, 1);
 out:
	jwtsafe_accounts_free(a);
}

/* ---- the clock ------------------------------------------------------ */

static void
check_clock(struct doctor *d)
{
	struct timex tx;
	char t1[40], t2[40];
	int state;

	if (d->now < CLOCK_FLOOR) {
		report(d, SEV_ERROR, NULL, 0, "set the clock (an NTP client: "
		    "systemd-timesyncd, chrony)", "the clock says %s, before "
		    "this jwtsafe was written (%s): every token looks issued "
		    "in the future", fmt_time(d->now, t1, sizeof(t1)),
		    fmt_time(CLOCK_FLOOR, t2, sizeof(t2)));
		return;
	}
	if (d->newest_mtime > d->now + MTIME_SLACK)
		report(d, SEV_WARNING, NULL, 0, "check the clock (an NTP "
		    "client: systemd-timesyncd, chrony)", "%s was modified on "
		    "%s, after the clock's %s: the clock may be behind",
		    d->newest_file, fmt_time(d->newest_mtime, t1, sizeof(t1)),
		    fmt_time(d->now, t2, sizeof(t2)));
	memset(&tx, 0, sizeof(tx));
	state = ntp_adjtime(&tx);
	if (state == TIME_ERROR || (state >= 0 && (tx.status & STA_UNSYNC)))
		report(d, SEV_WARNING, NULL, 0, "run an NTP client "
		    "(systemd-timesyncd, chrony)", "the kernel says the clock "
		    "is not synchronised (STA_UNSYNC): tokens are refused once "
		    "it drifts further than leeway (30 s by default)");
	else if (state >= 0)
		report(d, SEV_OK, NULL, 0, NULL, "clock %s, synchronised",
		    fmt_time(d->now, t1, sizeof(t1)));
}

/* ---- the run -------------------------------------------------------- */

static int
service_name_valid(const char *s)
{
	return s[0] != '\0' && s[0] != '.' && strchr(s, '/') == NULL &&
	    strlen(s) < NAME_MAX && !jwtsafe_has_control(
	    (const unsigned char *)s, strlen(s));
}

/* Not a service a program could name: editor and dpkg leftovers. */
static int
service_file_skipped(const char *s)
{
	size_t n = strlen(s);

	return s[0] == '.' || (n > 0 && s[n - 1] == '~') ||
	    strstr(s, ".dpkg-") != NULL || strstr(s, ".ucf-") != NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file name in the pam.d directory, sorted. -1 when unreadable. */
static int
list_services(struct doctor *d, struct strset *out)
{
	char full[PATHBUF];
	struct dirent *de;
	DIR *dir;
	int rc = -1;

	if (rooted(d, PAMD_DIR, full, sizeof(full)) != 0 ||
	    (dir = opendir(full)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (service_file_skipped(de->d_name) ||
		    !service_name_valid(de->d_name))
			continue;
		if (out->n >= PAM_FILES_MAX || strset_add(out, de->d_name) != 0)
			goto out;
	}
	if (out->n > 1)
		qsort(out->s, out->n, sizeof(*out->s), cmp_str);
	rc = 0;
 out:
	closedir(dir);
	return rc;
}

static int
walk_service(struct doctor *d, const char *name, struct pam_stack *st)
{
	char path[PATHBUF];

	memset(st, 0, sizeof(*st));
	if ((st->service = strdup(name)) == NULL)
		return -1;
	snprintf(path, sizeof(path), PAMD_DIR "/%s", name);
	return walk_pam_file(d, st, path, TYPE_ANY, 0, NULL, 0);
}

int
jwtsafe_doctor_run(const struct jwtsafe_doctor_config *cfg)
{
	struct doctor d;
	struct strset names = { 0 };
	struct pam_stack *stacks = NULL;
	struct stat st;
	char rootbuf[PATHBUF];
	size_t i, nstacks = 0;
	int rc = JWTSAFE_DOCTOR_USAGE, named;

	memset(&d, 0, sizeof(d));
	d.cfg = cfg;
	d.out = cfg->out != NULL ? cfg->out : stdout;
	d.now = cfg->now;
	d.owner = geteuid();
	d.newest_mtime = INT64_MIN;
	d.root = "";
	if (cfg->root != NULL && cfg->root[0] != '\0' &&
	    strcmp(cfg->root, "/") != 0) {
		if (!jwtsafe_options_path_valid(cfg->root) ||
		    strlen(cfg->root) > 512) {
			fprintf(stderr, "jwtsafe doctor: --root: an absolute "
			    "path of at most 512 bytes without \".\", \"..\", "
			    "\"//\" or a trailing \"/\"\n");
			goto out;
		}
		if (stat(cfg->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "jwtsafe doctor: --root %s: not a "
			    "directory\n", cfg->root);
			goto out;
		}
		snprintf(rootbuf, sizeof(rootbuf), "%s", cfg->root);
		d.root = rootbuf;
	}
	for (i = 0; i < cfg->nservices; i++) {
		if (!service_name_valid(cfg->services[i])) {
			fprintf(stderr, "jwtsafe doctor: \"%s\" is not a PAM "
			    "service name (a file name in " PAMD_DIR ")\n",
			    cfg->services[i]);
			goto out;
		}
	}
	rc = JWTSAFE_DOCTOR_ERRORS;
	if (jwtsafe_init() != 0) {
		fprintf(stderr, "jwtsafe doctor: library initialisation "
		    "failed\n");
		goto out;
	}
	if (d.owner != 0)
		report(&d, SEV_WARNING, NULL, 0, "run it as root", "running as "
		    "uid %lu: files are checked as the module would check them "
		    "in a process of this uid (owned by root or uid %lu), but "
		    "sshd and sudo run it as root", (unsigned long)d.owner,
		    (unsigned long)d.owner);
	find_module_dir(&d);

	named = cfg->nservices > 0;
	if (named) {
		for (i = 0; i < cfg->nservices; i++) {
			if (strset_add(&names, cfg->services[i]) != 0)
				goto nomem;
		}
	} else if (list_services(&d, &names) != 0) {
		report(&d, SEV_ERROR, PAMD_DIR, 0, NULL, "cannot read the "
		    "directory (or it has more than %d files)", PAM_FILES_MAX);
		goto summary;
	}
	if ((stacks = calloc(names.n + 1, sizeof(*stacks))) == NULL)
		goto nomem;
	nstacks = names.n;
	for (i = 0; i < nstacks; i++) {
		if (walk_service(&d, names.s[i], &stacks[i]) != 0)
			goto nomem;
	}
	for (i = 0; i < nstacks; i++) {
		/* by default, a file only included by others is no service */
		if (!named && strset_has(&d.included, stacks[i].service))
			continue;
		check_stack(&d, &stacks[i], named);
	}
	if (!named && d.lines == 0)
		report(&d, SEV_WARNING, PAMD_DIR, 0, "add an auth line for "
		    "pam_jwtsafe.so (pam_jwtsafe(8), EXAMPLES)", "no PAM "
		    "service uses pam_jwtsafe.so");
	check_accounts(&d);
	check_clock(&d);
 summary:
	fprintf(d.out, "summary: %zu error(s), %zu warning(s) in %zu "
	    "pam_jwtsafe line(s) of %zu service(s)\n", d.errors, d.warnings,
	    d.lines, d.services);
	rc = d.errors > 0 ? JWTSAFE_DOCTOR_ERRORS : JWTSAFE_DOCTOR_OK;
	if (fflush(d.out) != 0)
		rc = JWTSAFE_DOCTOR_ERRORS;
	goto out;
 nomem:
	fprintf(stderr, "jwtsafe doctor: out of memory\n");
	rc = JWTSAFE_DOCTOR_ERRORS;
 out:
	for (i = 0; i < nstacks; i++)
		stack_free(&stacks[i]);
	free(stacks);
	strset_free(&names);
	strset_free(&d.checked);
	strset_free(&d.included);
	return rc;
}
