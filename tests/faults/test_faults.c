/*
 * Fail closed under faults: the real pam_jwtsafe.so through real libpam
 * (pam_start_confdir on a service file in a private directory), with the
 * key file, the map file, the replay store or the conversation broken one
 * way at a time. For each fault:
 *
 *   - pam_authenticate runs in a forked child, bounded by alarm(), which
 *     must exit normally (not by a signal, not by the alarm) and report a
 *     refusal with the documented code: PAM_AUTHINFO_UNAVAIL for a file or
 *     store that cannot be used, PAM_AUTH_ERR for a refused use;
 *   - exactly one decision line is logged, with the reason name and the
 *     cause (as root the test catches the module's syslog lines on its own
 *     /dev/log, in a private mount namespace; otherwise those checks SKIP);
 *   - a positive control with the same setup, the fault fixed, is accepted
 *     (with the same token: the refused attempt did not use it up).
 *
 * tests/pam/test_pam.c covers the faults it already had (missing key file,
 * world-writable key file and directory, failing conversation, a file as
 * the replay store, ...); this program adds the rest of issue 4's list.
 *
 * Everything the parent allocates before a fork stays reachable from a
 * global until the end, so that a child's leak report under valgrind only
 * ever shows what libpam and the module lost.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "keyfile.h"
#include "replay.h"
#include "sign.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#ifndef JWTSAFE_TEST_MODULE
#define JWTSAFE_TEST_MODULE "pam_jwtsafe/.libs/pam_jwtsafe.so"
#endif

#define ISS        "https://issuer.example"
#define AUD        "ssh:host1.example"
#define SERVICE    "jwtsafe-faults"
#define USER       "nobody"
#define OTHER_UID  65534
#define CHILD_SKIP 200
#define CHILD_TIMEOUT 60            /* seconds; generous for valgrind */
#define BIG_FILE   (10 * 1024 * 1024)
#define LOG_MAX    4096
#define KEPT_MAX   256

static const char *module;
static char tmp[256];
static char confdir[512];
static char keydir[512];
static char fault_key[600];    /* the key file the key faults break */
static char hs_path[600];      /* an HS256 secret key file, 0600 */
static char store[600];        /* the replay store of the standard line */
static struct jwtsafe_key *ed, *hs, *es;
static int64_t now;
static unsigned jti_counter;
static int is_root;
static int log_sock = -1;      /* our /dev/log, or -1: no log checks */
static char *kept[KEPT_MAX];   /* parent allocations, freed at the end */
static int nkept;

/* ---- helpers: process and files ---------------------------------------- */

static void
die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(99);
}

static void pathf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		printf("Bail out! path too long: %s\n", buf);
		exit(99);
	}
}

/* Keep p reachable (from a global) until the end of the program. */
static char *
keep(char *p)
{
	if (p == NULL || nkept == KEPT_MAX) {
		printf("Bail out! keep: %s\n", p == NULL ? "NULL" : "full");
		exit(99);
	}
	kept[nkept++] = p;
	return p;
}

/* A setup step whose failure the checks after it will show. */
static void
setup(int r)
{
	(void)r;
}

/* Remove whatever is at path: file, symlink, FIFO or (empty) directory. */
static void
clear_path(const char *path)
{
	if (unlink(path) != 0 && (errno == EISDIR || errno == EPERM))
		(void)rmdir(path);
}

static void
write_bytes(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd;

	clear_path(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		die(path);
	if (write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0)
		die(path);
	close(fd);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	write_bytes(path, text, strlen(text), mode);
}

/* text, then "# ..." comment lines up to total bytes in all: the same
 * valid file, only far too large. */
static void
write_padded(const char *path, const char *text, size_t total, mode_t mode)
{
	char chunk[4096];
	size_t left, n;
	int fd;

	clear_path(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		die(path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	memset(chunk, 'x', sizeof(chunk));
	chunk[0] = '#';
	chunk[1] = ' ';
	chunk[sizeof(chunk) - 1] = '\n';
	for (left = total - strlen(text); left > 0; left -= n) {
		n = left < sizeof(chunk) ? left : sizeof(chunk);
		if (n < sizeof(chunk))
			chunk[n - 1] = '\n';
		if (write(fd, chunk, n) != (ssize_t)n)
			die(path);
	}
	if (fchmod(fd, mode) != 0)
		die(path);
	close(fd);
}

/* The text of a key file holding key (public half for asymmetric keys). */
static char *
keyfile_text(const struct jwtsafe_key *key)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *pub = NULL;
	char *line = NULL, *text = NULL;

	if (!jwtsafe_alg_is_symmetric(key->alg))
		key = pub = tu_pub(key);
	if (jwtsafe_keyline_format(key, &line, &err) != 0) {
		printf("Bail out! keyline_format: %s\n", err.detail);
		exit(99);
	}
	if (asprintf(&text, "# test key\n%s\n", line) < 0)
		die("asprintf");
	jwtsafe_freezero_str(line);
	jwtsafe_key_free(pub);
	return text;
}

static void
write_keyfile(const char *path, const struct jwtsafe_key *key, mode_t mode)
{
	char *text = keyfile_text(key);

	write_file(path, text, mode);
	jwtsafe_freezero_str(text);
}

/* A token for USER from key, with a fresh jti (kept: freed at the end). */
static char *
mint_exp(const struct jwtsafe_key *key, const char *jti, int64_t exp)
{
	struct jwtsafe_error err = { 0 };
	char hdr[256], payload[1024], j[64];
	char *tok = NULL;

	if (jti == NULL) {
		snprintf(j, sizeof(j), "f-%ld-%u", (long)getpid(),
		    ++jti_counter);
		jti = j;
	}
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\","
	    "\"kid\":\"%s\"}", jwtsafe_alg_name(key->alg), key->kid);
	snprintf(payload, sizeof(payload), "{\"iss\":\"" ISS "\",\"aud\":\""
	    AUD "\",\"sub\":\"" USER "\",\"iat\":%lld,\"exp\":%lld,"
	    "\"jti\":\"%s\"}", (long long)(now - 5), (long long)exp, jti);
	if (jwtsafe_sign_raw(key, hdr, strlen(hdr), payload, strlen(payload),
	    &tok, &err) != 0) {
		printf("Bail out! sign: %s\n", err.detail);
		exit(99);
	}
	return keep(tok);
}

static char *
mint(const struct jwtsafe_key *key)
{
	return mint_exp(key, NULL, now + 60);
}

/* Module arguments, in a rotating static buffer. */
static const char *argsf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static const char *
argsf(const char *fmt, ...)
{
	static char bufs[4][4096];
	static int next;
	char *b = bufs[next++ % 4];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(bufs[0])) {
		printf("Bail out! arguments too long\n");
		exit(99);
	}
	return b;
}

/* The standard EdDSA line with the given key file and replay store. */
static const char *
line_keys_store(const char *keys, const char *st)
{
	return argsf("alg=EdDSA keys=%s issuer=" ISS " audience=" AUD
	    " replay=%s", keys, st);
}

static void
write_service(const char *args)
{
	char path[600], *text;

	pathf(path, sizeof(path), "%s/%s", confdir, SERVICE);
	if (asprintf(&text, "auth required %s %s\n", module, args) < 0)
		die("asprintf");
	write_file(path, text, 0644);
	free(text);
}

/* ---- the conversation ---------------------------------------------------- */

enum conv_mode {
	CONV_ANSWER,        /* the token */
	CONV_NULL_ARRAY,    /* PAM_SUCCESS and no response array */
	CONV_NULL_RESP,     /* PAM_SUCCESS, an array whose resp is NULL */
};

struct conv_state {
	const char *answer;
	enum conv_mode mode;
	int calls;
};

static int
conv_fn(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct conv_state *cs = appdata;
	struct pam_response *r;
	int i;

	*resp = NULL;
	cs->calls++;
	if (cs->mode == CONV_NULL_ARRAY)
		return PAM_SUCCESS;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n && cs->mode == CONV_ANSWER; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if ((r[i].resp = strdup(cs->answer)) == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* ---- log capture (root only) ---------------------------------------------- */

/*
 * Put our own /dev in place, in a private mount namespace of this whole
 * process: a tmpfs holding binds of the few device nodes a process needs
 * and a datagram socket at /dev/log. It is built at TMP/dev and moved onto
 * /dev, so no mount stays under TMP (which is removed at the end).
 * Returns 0, or -1 (no log checks).
 */
static int
log_capture_setup(void)
{
	static const char *const nodes[] = { "null", "zero", "full", "random",
	    "urandom", "tty" };
	struct sockaddr_un sun;
	char newdev[600], src[64], dst[700], sockpath[700];
	struct stat st;
	size_t i;
	int fd, s = -1, mounted = 0, r = -1;

	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	pathf(newdev, sizeof(newdev), "%s/dev", tmp);
	if (mkdir(newdev, 0755) != 0 ||
	    mount("tmpfs", newdev, "tmpfs", MS_NOSUID | MS_NOEXEC,
	    "mode=0755,size=64k") != 0)
		goto out;
	mounted = 1;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		pathf(src, sizeof(src), "/dev/%s", nodes[i]);
		pathf(dst, sizeof(dst), "%s/%s", newdev, nodes[i]);
		if (stat(src, &st) != 0)
			continue;
		if ((fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
			goto out;
		close(fd);
		if (mount(src, dst, "none", MS_BIND, NULL) != 0)
			goto out;
	}
	pathf(sockpath, sizeof(sockpath), "%s/log", newdev);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sockpath) >= sizeof(sun.sun_path))
		goto out;
	memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(sockpath, 0666) != 0 ||
	    mount(newdev, "/dev", "none", MS_MOVE, NULL) != 0)
		goto out;
	mounted = 0;            /* it is /dev now, no longer under TMP */
	log_sock = s;
	s = -1;
	r = 0;
 out:
	if (s >= 0)
		close(s);
	/* Never leave device binds under TMP for tu_rmtree to walk into. */
	if (mounted)
		(void)umount2(newdev, MNT_DETACH);
	return r;
}

/*
 * Read every line logged since the last call; copy the decision line
 * (" result=") of pam_jwtsafe into out. Returns the number of decision
 * lines seen.
 */
static int
log_drain(char *out, size_t outlen)
{
	char buf[LOG_MAX];
	ssize_t n;
	size_t l;
	int count = 0;

	out[0] = '\0';
	while ((n = recv(log_sock, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		if (strstr(buf, "pam_jwtsafe(") == NULL ||
		    strstr(buf, " result=") == NULL)
			continue;
		if (count++ == 0 && outlen > 0) {
			l = strnlen(buf, outlen - 1);
			memcpy(out, buf, l);
			out[l] = '\0';
		}
	}
	return count;
}

/* ---- running one authentication in a child -------------------------------- */

/* Run in the child before authenticating; non-zero: skip the case. */
typedef int (*child_setup_fn)(const void *arg);

struct attempt {
	const char *args;          /* module arguments */
	const char *token;         /* the conversation's answer */
	enum conv_mode mode;
	child_setup_fn setup;      /* NULL: none */
	const void *setup_arg;
};

struct outcome {
	int skipped;               /* the child could not set up the fault */
	int survived;              /* exited normally with status 0 */
	int status;                /* raw wait status */
	int rc;                    /* pam_authenticate's result */
	int calls;                 /* conversation calls */
	int ndecisions;            /* decision lines logged (log capture) */
	char line[LOG_MAX];        /* the first one */
};

struct child_report {
	int rc;
	int calls;
};

static void child_run(const struct attempt *a, int wfd)
    __attribute__((noreturn));
static void
child_run(const struct attempt *a, int wfd)
{
	struct conv_state cs = { a->token, a->mode, 0 };
	struct pam_conv conv = { conv_fn, &cs };
	struct child_report rep;
	pam_handle_t *pamh = NULL;
	int rc;

	alarm(CHILD_TIMEOUT);
	if (a->setup != NULL && a->setup(a->setup_arg) != 0)
		_exit(CHILD_SKIP);
	if ((rc = pam_start_confdir(SERVICE, USER, &conv, confdir, &pamh)) !=
	    PAM_SUCCESS) {
		rc += 1000;
	} else {
		(void)pam_set_item(pamh, PAM_RHOST, "192.0.2.9");
		rc = pam_authenticate(pamh, 0);
		pam_end(pamh, rc);
	}
	rep.rc = rc;
	rep.calls = cs.calls;
	if (write(wfd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		_exit(3);
	_exit(0);
}

static void
attempt_run(const struct attempt *a, struct outcome *o)
{
	struct child_report rep;
	ssize_t n;
	pid_t pid;
	int p[2];

	memset(o, 0, sizeof(*o));
	o->rc = -1;
	write_service(a->args);
	if (log_sock >= 0)
		(void)log_drain(o->line, sizeof(o->line));   /* stale lines */
	if (pipe(p) != 0)
		die("pipe");
	fflush(stdout);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		child_run(a, p[1]);
	}
	close(p[1]);
	do {
		n = read(p[0], &rep, sizeof(rep));
	} while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &o->status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid");
	}
	if (WIFEXITED(o->status) && WEXITSTATUS(o->status) == CHILD_SKIP) {
		o->skipped = 1;
		return;
	}
	o->survived = WIFEXITED(o->status) && WEXITSTATUS(o->status) == 0;
	if (n == (ssize_t)sizeof(rep)) {
		o->rc = rep.rc;
		o->calls = rep.calls;
	}
	if (log_sock >= 0)
		o->ndecisions = log_drain(o->line, sizeof(o->line));
}

static const char *
pam_name(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:          return "PAM_SUCCESS";
	case PAM_AUTH_ERR:         return "PAM_AUTH_ERR";
	case PAM_USER_UNKNOWN:     return "PAM_USER_UNKNOWN";
	case PAM_SERVICE_ERR:      return "PAM_SERVICE_ERR";
	case PAM_AUTHINFO_UNAVAIL: return "PAM_AUTHINFO_UNAVAIL";
	case -1:                   return "no report from the child";
	default:                   return "other";
	}
}

static void
diag_status(const char *what, int status)
{
	if (WIFSIGNALED(status))
		tap_diag("  %s: killed by signal %d%s", what, WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? " (hung: alarm)" : "");
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		tap_diag("  %s: exit status %d%s", what, WEXITSTATUS(status),
		    WEXITSTATUS(status) == 99 ? " (valgrind found errors?)" :
		    "");
}

/*
 * The fault: refused with want, the process survived, one decision line
 * with "reason=REASON " and the cause. Four checks (or skips).
 */
static void
expect_refused(const char *name, const struct attempt *a, int want,
    const char *reason, const char *cause)
{
	struct outcome o;
	char want_reason[64];

	attempt_run(a, &o);
	if (o.skipped) {
		tap_skip("the child could not set up the fault", "%s: refused",
		    name);
		tap_skip("the child could not set up the fault", "%s: survived",
		    name);
		tap_skip("the child could not set up the fault", "%s: log",
		    name);
		return;
	}
	if (!is_int(o.rc, want, "%s: refused with %s", name, pam_name(want)))
		tap_diag("  got %s", pam_name(o.rc));
	if (!ok(o.survived, "%s: the process survived", name))
		diag_status(name, o.status);
	if (log_sock < 0) {
		tap_skip("needs root for a private /dev/log",
		    "%s: log line names the cause", name);
		return;
	}
	snprintf(want_reason, sizeof(want_reason), " reason=%s ", reason);
	if (!ok(o.ndecisions == 1 && strstr(o.line, want_reason) != NULL &&
	    strstr(o.line, " result=refused ") != NULL &&
	    strstr(o.line, cause) != NULL,
	    "%s: one log line, reason=%s, naming the cause \"%s\"", name,
	    reason, cause))
		tap_diag("  %d decision line(s); first: %s", o.ndecisions,
		    o.line);
}

/* The positive control: the same setup, fixed, is accepted. One check. */
static void
expect_accepted(const char *name, const struct attempt *a)
{
	struct outcome o;

	attempt_run(a, &o);
	if (o.skipped) {
		tap_skip("the child could not set up the fault",
		    "%s: control accepted", name);
		return;
	}
	if (!ok(o.survived && o.rc == PAM_SUCCESS,
	    "%s: control: the same setup fixed is accepted", name)) {
		tap_diag("  got %s", pam_name(o.rc));
		diag_status(name, o.status);
		if (o.line[0] != '\0')
			tap_diag("  log: %s", o.line);
	}
}

/* ---- child setups --------------------------------------------------------- */

/* A private mount namespace for this child only. */
static int
child_private_ns(void)
{
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	return 0;
}

/* arg: a directory, bind-mounted read-only onto itself. */
static int
setup_readonly(const void *arg)
{
	const char *dir = arg;

	if (child_private_ns() != 0 ||
	    mount(dir, dir, "none", MS_BIND, NULL) != 0 ||
	    mount("none", dir, "none", MS_REMOUNT | MS_BIND | MS_RDONLY,
	    NULL) != 0)
		return -1;
	return 0;
}

struct tmpfs_setup {
	const char *dir;   /* mount point: the replay store's parent */
	int fill;          /* 1: fill it up */
};

/* A 64 KiB tmpfs at arg->dir, filled when arg->fill. */
static int
setup_tmpfs(const void *arg)
{
	const struct tmpfs_setup *ts = arg;
	char path[700], chunk[4096];
	ssize_t w;
	int fd;

	if (child_private_ns() != 0 ||
	    mount("tmpfs", ts->dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "size=64k,mode=0755") != 0)
		return -1;
	if (!ts->fill)
		return 0;
	pathf(path, sizeof(path), "%s/filler", ts->dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		return -1;
	memset(chunk, 0, sizeof(chunk));
	do {
		w = write(fd, chunk, sizeof(chunk));
	} while (w > 0);
	close(fd);
	return w < 0 && errno == ENOSPC ? 0 : -1;
}

/* ---- the faults ------------------------------------------------------------ */

/* Key file faults, all on the standard EdDSA line with keys=fault_key. */
static void
test_key_file(void)
{
	struct attempt a = { NULL, NULL, CONV_ANSWER, NULL, NULL };
	char *good = keyfile_text(ed), *text, target[600];
	const char *std = line_keys_store(fault_key, store);
	size_t cut;

	a.args = std;

	a.token = mint(ed);
	write_file(fault_key, "", 0644);
	expect_refused("key file empty", &a, PAM_AUTHINFO_UNAVAIL, "key-none",
	    "no key in the file");
	write_file(fault_key, good, 0644);
	expect_accepted("key file empty", &a);

	a.token = mint(ed);
	cut = strlen("# test key\n") + (strlen(good) - strlen("# test key\n")) / 2;
	if ((text = strndup(good, cut)) == NULL)
		die("strndup");
	write_file(fault_key, text, 0644);
	free(text);
	expect_refused("key file truncated mid-line", &a, PAM_AUTHINFO_UNAVAIL,
	    "key-format", "fault.pub:2:");
	write_file(fault_key, good, 0644);
	expect_accepted("key file truncated mid-line", &a);

	a.token = mint(ed);
	clear_path(fault_key);
	setup(mkdir(fault_key, 0755));
	expect_refused("key file is a directory", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "not a regular file (directory)");
	write_file(fault_key, good, 0644);
	expect_accepted("key file is a directory", &a);

	a.token = mint(ed);
	pathf(target, sizeof(target), "%s/target.pub", keydir);
	write_file(target, good, 0644);
	clear_path(fault_key);
	setup(symlink(target, fault_key));
	expect_refused("key file is a symlink", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "is a symbolic link");
	write_file(fault_key, good, 0644);
	expect_accepted("key file is a symlink", &a);

	a.token = mint(ed);
	clear_path(fault_key);
	setup(mkfifo(fault_key, 0644));
	expect_refused("key file is a FIFO (no hang)", &a,
	    PAM_AUTHINFO_UNAVAIL, "unsafe-file", "not a regular file (FIFO)");
	write_file(fault_key, good, 0644);
	expect_accepted("key file is a FIFO (no hang)", &a);

	a.token = mint(ed);
	a.args = line_keys_store("/dev/zero", store);
	expect_refused("keys=/dev/zero", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "not a regular file (character device)");
	a.args = std;
	expect_accepted("keys=/dev/zero (a key file instead)", &a);

	a.token = mint(ed);
	write_padded(fault_key, good, BIG_FILE, 0644);
	expect_refused("key file of 10 MB (valid key, then comments)", &a,
	    PAM_AUTHINFO_UNAVAIL, "unsafe-file", "larger than 1048576 bytes");
	write_file(fault_key, good, 0644);
	expect_accepted("key file of 10 MB (valid key, then comments)", &a);

	a.token = mint(ed);
	if ((text = strdup(good)) == NULL)
		die("strdup");
	cut = strlen(text) - 3;            /* inside the checksum */
	text[cut] = text[cut] == 'A' ? 'B' : 'A';
	write_file(fault_key, text, 0644);
	free(text);
	expect_refused("key file with a bad checksum", &a, PAM_AUTHINFO_UNAVAIL,
	    "key-checksum", "fault.pub:2:");
	write_file(fault_key, good, 0644);
	expect_accepted("key file with a bad checksum", &a);

	a.token = mint(ed);
	write_file(fault_key, good, 0664);
	expect_refused("key file group-writable", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "group-writable (mode 0664)");
	setup(chmod(fault_key, 0644));
	expect_accepted("key file group-writable", &a);

	a.token = mint(ed);
	if (is_root) {
		setup(chown(fault_key, OTHER_UID, OTHER_UID));
		expect_refused("key file owned by another uid", &a,
		    PAM_AUTHINFO_UNAVAIL, "unsafe-file", "owned by uid 65534");
		setup(chown(fault_key, 0, 0));
		expect_accepted("key file owned by another uid", &a);
	} else {
		tap_skip("needs root to chown", "key file owned by another uid");
	}

	a.token = mint(ed);
	write_keyfile(fault_key, es, 0644);
	expect_refused("ES256 key file on an EdDSA line", &a,
	    PAM_AUTHINFO_UNAVAIL, "key-alg", "holds ES256 keys but the "
	    "configured algorithm is EdDSA");
	write_file(fault_key, good, 0644);
	expect_accepted("ES256 key file on an EdDSA line", &a);

	/* HMAC secrets: readable by the group is already unsafe. */
	a.token = mint(hs);
	a.args = argsf("alg=HS256 keys=%s issuer=" ISS " audience=" AUD
	    " replay=%s", hs_path, store);
	setup(chmod(hs_path, 0640));
	expect_refused("HMAC key file group-readable", &a,
	    PAM_AUTHINFO_UNAVAIL, "unsafe-file", "readable by its group");
	setup(chmod(hs_path, 0600));
	expect_accepted("HMAC key file group-readable", &a);

	jwtsafe_freezero_str(good);
}

/* Map file faults: the standard line plus map=PATH. */
static void
test_map_file(void)
{
	static const char good[] = "# test map\n" USER ": " USER "\n";
	struct attempt a = { NULL, NULL, CONV_ANSWER, NULL, NULL };
	char path[600], target[600];
	const char *std;

	pathf(path, sizeof(path), "%s/fault.map", tmp);
	pathf(target, sizeof(target), "%s/target.map", tmp);
	std = argsf("%s map=%s", line_keys_store(fault_key, store), path);
	write_keyfile(fault_key, ed, 0644);
	a.args = std;

	a.token = mint(ed);
	clear_path(path);
	expect_refused("map file missing", &a, PAM_AUTHINFO_UNAVAIL, "system",
	    "fault.map: does not exist");
	write_file(path, good, 0644);
	expect_accepted("map file missing", &a);

	/* An empty map is valid and lets nobody in: a refused use. */
	a.token = mint(ed);
	write_file(path, "", 0644);
	expect_refused("map file empty (allows nobody)", &a, PAM_AUTH_ERR,
	    "user-refused", "the map does not let this subject act as the "
	    "user");
	write_file(path, good, 0644);
	expect_accepted("map file empty (allows nobody)", &a);

	a.token = mint(ed);
	clear_path(path);
	setup(mkdir(path, 0755));
	expect_refused("map file is a directory", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "not a regular file (directory)");
	write_file(path, good, 0644);
	expect_accepted("map file is a directory", &a);

	a.token = mint(ed);
	write_file(target, good, 0644);
	clear_path(path);
	setup(symlink(target, path));
	expect_refused("map file is a symlink", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "is a symbolic link");
	write_file(path, good, 0644);
	expect_accepted("map file is a symlink", &a);

	a.token = mint(ed);
	clear_path(path);
	setup(mkfifo(path, 0644));
	expect_refused("map file is a FIFO (no hang)", &a,
	    PAM_AUTHINFO_UNAVAIL, "unsafe-file", "not a regular file (FIFO)");
	write_file(path, good, 0644);
	expect_accepted("map file is a FIFO (no hang)", &a);

	a.token = mint(ed);
	a.args = argsf("%s map=/dev/zero", line_keys_store(fault_key, store));
	expect_refused("map=/dev/zero", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "not a regular file (character device)");
	a.args = std;
	expect_accepted("map=/dev/zero (a map file instead)", &a);

	a.token = mint(ed);
	write_padded(path, good, BIG_FILE, 0644);
	expect_refused("map file of 10 MB (valid rule, then comments)", &a,
	    PAM_AUTHINFO_UNAVAIL, "unsafe-file", "larger than 1048576 bytes");
	write_file(path, good, 0644);
	expect_accepted("map file of 10 MB (valid rule, then comments)", &a);

	a.token = mint(ed);
	write_file(path, "# test map\n" USER ": " USER "\n" USER " " USER "\n",
	    0644);
	expect_refused("map file with a malformed line", &a,
	    PAM_AUTHINFO_UNAVAIL, "config", "fault.map:3:");
	write_file(path, good, 0644);
	expect_accepted("map file with a malformed line", &a);

	a.token = mint(ed);
	write_file(path, good, 0664);
	expect_refused("map file group-writable", &a, PAM_AUTHINFO_UNAVAIL,
	    "unsafe-file", "group-writable (mode 0664)");
	setup(chmod(path, 0644));
	expect_accepted("map file group-writable", &a);

	a.token = mint(ed);
	if (is_root) {
		setup(chown(path, OTHER_UID, OTHER_UID));
		expect_refused("map file owned by another uid", &a,
		    PAM_AUTHINFO_UNAVAIL, "unsafe-file", "owned by uid 65534");
		setup(chown(path, 0, 0));
		expect_accepted("map file owned by another uid", &a);
	} else {
		tap_skip("needs root to chown", "map file owned by another uid");
	}
}

/* Replay store faults: the standard line with replay=PATH. */
static void
test_store(void)
{
	struct attempt a = { NULL, NULL, CONV_ANSWER, NULL, NULL };
	struct tmpfs_setup ts;
	char dir[600], st[700], bucket[700], rec[800], other[700];
	char name[JWTSAFE_REPLAY_NAME_LEN + 1];
	int64_t exp;
	int fd;

	write_keyfile(fault_key, ed, 0644);

	/* under a group-writable parent */
	a.token = mint(ed);
	pathf(dir, sizeof(dir), "%s/gw", tmp);
	pathf(st, sizeof(st), "%s/store", dir);
	setup(mkdir(dir, 0755));
	setup(chmod(dir, 0775));
	a.args = line_keys_store(fault_key, st);
	expect_refused("replay store under a group-writable parent", &a,
	    PAM_AUTHINFO_UNAVAIL, "replay-store", "group-writable");
	setup(chmod(dir, 0755));
	expect_accepted("replay store under a group-writable parent", &a);

	/* under a parent owned by another uid */
	a.token = mint(ed);
	pathf(dir, sizeof(dir), "%s/foreign", tmp);
	pathf(st, sizeof(st), "%s/store", dir);
	setup(mkdir(dir, 0755));
	a.args = line_keys_store(fault_key, st);
	if (is_root) {
		setup(chown(dir, OTHER_UID, OTHER_UID));
		expect_refused("replay store under a parent owned by another "
		    "uid", &a, PAM_AUTHINFO_UNAVAIL, "replay-store",
		    "owned by uid 65534");
		setup(chown(dir, 0, 0));
		expect_accepted("replay store under a parent owned by another "
		    "uid", &a);
	} else {
		tap_skip("needs root to chown",
		    "replay store under a parent owned by another uid");
	}

	/* under a missing parent: only the last component is created */
	a.token = mint(ed);
	pathf(dir, sizeof(dir), "%s/absent", tmp);
	pathf(st, sizeof(st), "%s/store", dir);
	a.args = line_keys_store(fault_key, st);
	expect_refused("replay store under a missing parent", &a,
	    PAM_AUTHINFO_UNAVAIL, "replay-store", "absent: does not exist");
	ok(access(dir, F_OK) != 0, "... the missing parent was not created");
	setup(mkdir(dir, 0755));
	expect_accepted("replay store under a missing parent", &a);

	/* read-only: a bind mount in the child's own namespace */
	a.token = mint(ed);
	pathf(st, sizeof(st), "%s/ro-store", tmp);
	setup(mkdir(st, 0700));
	a.args = line_keys_store(fault_key, st);
	if (is_root) {
		a.setup = setup_readonly;
		a.setup_arg = st;
		expect_refused("replay store read-only (bind mount)", &a,
		    PAM_AUTHINFO_UNAVAIL, "replay-store",
		    "Read-only file system");
		a.setup = NULL;
		expect_accepted("replay store read-only (bind mount)", &a);
	} else {
		tap_skip("needs root for a read-only bind mount",
		    "replay store read-only");
	}

	/* full: a 64 KiB tmpfs as the store's parent, filled up */
	a.token = mint(ed);
	pathf(dir, sizeof(dir), "%s/full", tmp);
	pathf(st, sizeof(st), "%s/store", dir);
	setup(mkdir(dir, 0755));
	a.args = line_keys_store(fault_key, st);
	if (is_root) {
		ts.dir = dir;
		ts.fill = 1;
		a.setup = setup_tmpfs;
		a.setup_arg = &ts;
		expect_refused("replay store on a full file system", &a,
		    PAM_AUTHINFO_UNAVAIL, "replay-store",
		    "No space left on device");
		ts.fill = 0;
		expect_accepted("replay store on a file system with room", &a);
		a.setup = NULL;
	} else {
		tap_skip("needs root to mount a tmpfs",
		    "replay store on a full file system");
	}

	/* corrupt records, in a store of their own; the record's place is
	 * computed as replay.h lays it out */
	pathf(st, sizeof(st), "%s/corrupt-store", tmp);
	setup(mkdir(st, 0700));
	a.args = line_keys_store(fault_key, st);
	exp = now + 60;

	a.token = mint_exp(ed, "corrupt-dir", exp);
	pathf(bucket, sizeof(bucket), "%s/%lld", st,
	    (long long)jwtsafe_replay_bucket(exp));
	setup(mkdir(bucket, 0700));
	if (jwtsafe_replay_record_name(ISS, "corrupt-dir", name) != 0)
		die("record name");
	pathf(rec, sizeof(rec), "%s/%s", bucket, name);
	setup(mkdir(rec, 0700));
	expect_refused("replay record is a directory", &a,
	    PAM_AUTHINFO_UNAVAIL, "replay-store", "is not a regular file");
	setup(rmdir(rec));
	expect_accepted("replay record is a directory", &a);

	a.token = mint_exp(ed, "corrupt-link", exp);
	if (jwtsafe_replay_record_name(ISS, "corrupt-link", name) != 0)
		die("record name");
	pathf(rec, sizeof(rec), "%s/%s", bucket, name);
	pathf(other, sizeof(other), "%s/elsewhere", tmp);
	setup(symlink(other, rec));
	expect_refused("replay record is a symlink", &a, PAM_AUTHINFO_UNAVAIL,
	    "replay-store", "is not a regular file");
	ok(access(other, F_OK) != 0, "... nothing created where it pointed");
	setup(unlink(rec));
	expect_accepted("replay record is a symlink", &a);

	/* a bucket that is a file, and one that is a symlink */
	exp = now + 150;   /* another minute: another bucket */
	a.token = mint_exp(ed, "corrupt-bucket", exp);
	pathf(bucket, sizeof(bucket), "%s/%lld", st,
	    (long long)jwtsafe_replay_bucket(exp));
	if ((fd = open(bucket, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) >= 0)
		close(fd);
	expect_refused("replay bucket is a file", &a, PAM_AUTHINFO_UNAVAIL,
	    "replay-store", "not a directory");
	setup(unlink(bucket));
	expect_accepted("replay bucket is a file", &a);

	exp = now + 270;
	a.token = mint_exp(ed, "corrupt-bucket-link", exp);
	pathf(bucket, sizeof(bucket), "%s/%lld", st,
	    (long long)jwtsafe_replay_bucket(exp));
	pathf(other, sizeof(other), "%s/elsewhere-dir", tmp);
	setup(mkdir(other, 0700));
	setup(symlink(other, bucket));
	expect_refused("replay bucket is a symlink", &a, PAM_AUTHINFO_UNAVAIL,
	    "replay-store", "not a directory");
	setup(unlink(bucket));
	expect_accepted("replay bucket is a symlink", &a);
	{
		DIR *d = opendir(other);
		struct dirent *e;
		int n = 0;

		while (d != NULL && (e = readdir(d)) != NULL)
			n += e->d_name[0] != '.';
		if (d != NULL)
			closedir(d);
		ok(d != NULL && n == 0,
		    "... nothing written where the bucket link pointed");
	}
}

/* The conversation: test_pam covers a conversation that fails; here the
 * two ways of answering nothing. */
static void
test_conversation(void)
{
	struct attempt a = { NULL, NULL, CONV_NULL_ARRAY, NULL, NULL };

	write_keyfile(fault_key, ed, 0644);
	a.args = line_keys_store(fault_key, store);
	a.token = mint(ed);
	expect_refused("conversation returns no response array", &a,
	    PAM_AUTH_ERR, "no-token", "conversation failed: no response");
	a.mode = CONV_NULL_RESP;
	expect_refused("conversation returns a NULL response", &a,
	    PAM_AUTH_ERR, "no-token", "conversation failed: no response");
	a.mode = CONV_ANSWER;
	expect_accepted("conversation returns the token", &a);
}

int
main(void)
{
	struct stat st;
	int i;

	module = getenv("JWTSAFE_TEST_MODULE");
	if (module == NULL || *module == '\0')
		module = JWTSAFE_TEST_MODULE;
	if (stat(module, &st) != 0) {
		printf("Bail out! module not built: %s\n", module);
		return 99;
	}
	if (jwtsafe_init() != 0)
		die("jwtsafe_init");
	now = (int64_t)time(NULL);
	is_root = geteuid() == 0;

	pathf(tmp, sizeof(tmp), "%s", tu_tmpdir());
	pathf(confdir, sizeof(confdir), "%s/pam.d", tmp);
	pathf(keydir, sizeof(keydir), "%s/keys", tmp);
	pathf(fault_key, sizeof(fault_key), "%s/fault.pub", keydir);
	pathf(hs_path, sizeof(hs_path), "%s/hs.key", keydir);
	pathf(store, sizeof(store), "%s/replay", tmp);
	if (mkdir(confdir, 0755) != 0 || mkdir(keydir, 0755) != 0)
		die("mkdir");

	ed = tu_keygen(JWTSAFE_ALG_EDDSA, "ed-1");
	hs = tu_keygen(JWTSAFE_ALG_HS256, "hs-1");
	es = tu_keygen(JWTSAFE_ALG_ES256, "es-1");
	write_keyfile(fault_key, ed, 0644);
	write_keyfile(hs_path, hs, 0600);

	if (!is_root)
		tap_diag("not root: log lines, ownership and mount faults SKIP");
	else if (log_capture_setup() != 0)
		tap_diag("no private /dev/log (%s): log checks SKIP",
		    strerror(errno));

	test_key_file();
	test_map_file();
	test_store();
	test_conversation();

	if (log_sock >= 0)
		close(log_sock);
	for (i = 0; i < nkept; i++)
		jwtsafe_freezero_str(kept[i]);
	jwtsafe_key_free(ed);
	jwtsafe_key_free(hs);
	jwtsafe_key_free(es);
	tu_rmtree(tmp);
	return tap_done();
}
