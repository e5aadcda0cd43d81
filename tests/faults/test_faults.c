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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "keyfile.h"
#include "pamutil.h"
#include "replay.h"
#include "sign.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#define ISS        "https://issuer.example"
#define AUD        "ssh:host1.example"
#define SERVICE    "jwtsafe-faults"
#define USER       "nobody"
#define OTHER_UID  65534
#define CHILD_TIMEOUT 60            /* seconds; generous for valgrind */
#define BIG_FILE   (10 * 1024 * 1024)
#define LOG_MAX    4096
#define KEPT_MAX   256

static char tmp[256];
static char keydir[512];
static char fault_key[600];    /* the key file the key faults break */
static char hs_path[600];      /* an HS256 secret key file, 0600 */
static char store[600];        /* the replay store of the standard line */
static struct jwtsafe_key *ed, *hs, *es;
static int64_t now;
static unsigned jti_counter;
static int is_root;
static int have_log;           /* our /dev/log is in place: log checks */
static char *kept[KEPT_MAX];   /* parent allocations, freed at the end */
static int nkept;

/* ---- helpers: process and files ---------------------------------------- */

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

/* pu_write_file, over whatever the last fault left at path (a directory
 * included). */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	clear_path(path);
	pu_write_file(path, text, mode);
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
		pu_die(path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		pu_die(path);
	memset(chunk, 'x', sizeof(chunk));
	chunk[0] = '#';
	chunk[1] = ' ';
	chunk[sizeof(chunk) - 1] = '\n';
	for (left = total - strlen(text); left > 0; left -= n) {
		n = left < sizeof(chunk) ? left : sizeof(chunk);
		if (n < sizeof(chunk))
			chunk[n - 1] = '\n';
		if (write(fd, chunk, n) != (ssize_t)n)
			pu_die(path);
	}
	if (fchmod(fd, mode) != 0)
		pu_die(path);
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
		pu_die("asprintf");
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


/* ---- log capture (root only) ---------------------------------------------- */

/*
 * Our own /dev/log (pu_log_capture_setup), in a private mount namespace of
 * this whole process. Returns 0, or -1 (no log checks).
 */
static int
log_capture_setup(void)
{
	char scratch[600];

	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	pu_pathf(scratch, sizeof(scratch), "%s/olddev", tmp);
	return pu_log_capture_setup(scratch);
}

/*
 * Read every line logged since the last call; copy the first decision line
 * (" result=") of pam_jwtsafe into out. Returns the number of decision
 * lines seen.
 */
static int
log_drain(char *out, size_t outlen)
{
	struct pu_caught c = { { NULL }, 0 };
	int i, count = 0;

	out[0] = '\0';
	pu_collect(&c);
	for (i = 0; i < c.n; i++) {
		if (strstr(c.line[i], " result=") == NULL)
			continue;
		if (count++ == 0 && outlen > 0)
			snprintf(out, outlen, "%s", c.line[i]);
	}
	pu_caught_clear(&c);
	return count;
}

/* ---- running one authentication in a child -------------------------------- */

/* Run in the child before authenticating; non-zero: skip the case. */
typedef int (*child_setup_fn)(const void *arg);

struct attempt {
	const char *args;          /* module arguments */
	const char *token;         /* the conversation's answer (NULL: a
	                            * response array whose resp is NULL) */
	enum pu_conv_mode mode;    /* PU_CONV_ANSWER or PU_CONV_NULL */
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
	struct pu_conv cs = { a->token, a->mode, 0, 0, "" };
	struct child_report rep;

	alarm(CHILD_TIMEOUT);
	if (a->setup != NULL && a->setup(a->setup_arg) != 0)
		_exit(PU_CHILD_SKIP);
	rep.rc = pu_run(SERVICE, USER, &cs, NULL);
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
	pu_write_service(SERVICE, a->args, 0);
	if (have_log)
		(void)log_drain(o->line, sizeof(o->line));   /* stale lines */
	if (pipe(p) != 0)
		pu_die("pipe");
	fflush(stdout);
	if ((pid = fork()) < 0)
		pu_die("fork");
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
			pu_die("waitpid");
	}
	if (WIFEXITED(o->status) && WEXITSTATUS(o->status) == PU_CHILD_SKIP) {
		o->skipped = 1;
		return;
	}
	o->survived = WIFEXITED(o->status) && WEXITSTATUS(o->status) == 0;
	if (n == (ssize_t)sizeof(rep)) {
		o->rc = rep.rc;
		o->calls = rep.calls;
	}
	if (have_log)
		o->ndecisions = log_drain(o->line, sizeof(o->line));
}

static const char *
pam_name(int rc)
{
	return rc == -1 ? "no report from the child" : pu_pam_name(rc);
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
	if (!have_log) {
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

/* arg: a directory, bind-mounted read-only onto itself. */
static int
setup_readonly(const void *arg)
{
	const char *dir = arg;

	pu_child_private_ns();          /* or the child skips */
	if (mount(dir, dir, "none", MS_BIND, NULL) != 0 ||
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

	pu_child_private_ns();          /* or the child skips */
	if (mount("tmpfs", ts->dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "size=64k,mode=0755") != 0)
		return -1;
	if (!ts->fill)
		return 0;
	pu_pathf(path, sizeof(path), "%s/filler", ts->dir);
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
	struct attempt a = { NULL, NULL, PU_CONV_ANSWER, NULL, NULL };
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
		pu_die("strndup");
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
	pu_pathf(target, sizeof(target), "%s/target.pub", keydir);
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
		pu_die("strdup");
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
	struct attempt a = { NULL, NULL, PU_CONV_ANSWER, NULL, NULL };
	char path[600], target[600];
	const char *std;

	pu_pathf(path, sizeof(path), "%s/fault.map", tmp);
	pu_pathf(target, sizeof(target), "%s/target.map", tmp);
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
	struct attempt a = { NULL, NULL, PU_CONV_ANSWER, NULL, NULL };
	struct tmpfs_setup ts;
	char dir[600], st[700], bucket[700], rec[800], other[700];
	char name[JWTSAFE_REPLAY_NAME_LEN + 1];
	int64_t exp;
	int fd;

	write_keyfile(fault_key, ed, 0644);

	/* under a group-writable parent */
	a.token = mint(ed);
	pu_pathf(dir, sizeof(dir), "%s/gw", tmp);
	pu_pathf(st, sizeof(st), "%s/store", dir);
	setup(mkdir(dir, 0755));
	setup(chmod(dir, 0775));
	a.args = line_keys_store(fault_key, st);
	expect_refused("replay store under a group-writable parent", &a,
	    PAM_AUTHINFO_UNAVAIL, "replay-store", "group-writable");
	setup(chmod(dir, 0755));
	expect_accepted("replay store under a group-writable parent", &a);

	/* under a parent owned by another uid */
	a.token = mint(ed);
	pu_pathf(dir, sizeof(dir), "%s/foreign", tmp);
	pu_pathf(st, sizeof(st), "%s/store", dir);
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
	pu_pathf(dir, sizeof(dir), "%s/absent", tmp);
	pu_pathf(st, sizeof(st), "%s/store", dir);
	a.args = line_keys_store(fault_key, st);
	expect_refused("replay store under a missing parent", &a,
	    PAM_AUTHINFO_UNAVAIL, "replay-store", "absent: does not exist");
	ok(access(dir, F_OK) != 0, "... the missing parent was not created");
	setup(mkdir(dir, 0755));
	expect_accepted("replay store under a missing parent", &a);

	/* read-only: a bind mount in the child's own namespace */
	a.token = mint(ed);
	pu_pathf(st, sizeof(st), "%s/ro-store", tmp);
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
	pu_pathf(dir, sizeof(dir), "%s/full", tmp);
	pu_pathf(st, sizeof(st), "%s/store", dir);
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
	pu_pathf(st, sizeof(st), "%s/corrupt-store", tmp);
	setup(mkdir(st, 0700));
	a.args = line_keys_store(fault_key, st);
	exp = now + 60;

	a.token = mint_exp(ed, "corrupt-dir", exp);
	pu_pathf(bucket, sizeof(bucket), "%s/%lld", st,
	    (long long)jwtsafe_replay_bucket(exp));
	setup(mkdir(bucket, 0700));
	if (jwtsafe_replay_record_name(ISS, "corrupt-dir", name) != 0)
		pu_die("record name");
	pu_pathf(rec, sizeof(rec), "%s/%s", bucket, name);
	setup(mkdir(rec, 0700));
	expect_refused("replay record is a directory", &a,
	    PAM_AUTHINFO_UNAVAIL, "replay-store", "is not a regular file");
	setup(rmdir(rec));
	expect_accepted("replay record is a directory", &a);

	a.token = mint_exp(ed, "corrupt-link", exp);
	if (jwtsafe_replay_record_name(ISS, "corrupt-link", name) != 0)
		pu_die("record name");
	pu_pathf(rec, sizeof(rec), "%s/%s", bucket, name);
	pu_pathf(other, sizeof(other), "%s/elsewhere", tmp);
	setup(symlink(other, rec));
	expect_refused("replay record is a symlink", &a, PAM_AUTHINFO_UNAVAIL,
	    "replay-store", "is not a regular file");
	ok(access(other, F_OK) != 0, "... nothing created where it pointed");
	setup(unlink(rec));
	expect_accepted("replay record is a symlink", &a);

	/* a bucket that is a file, and one that is a symlink */
	exp = now + 150;   /* another minute: another bucket */
	a.token = mint_exp(ed, "corrupt-bucket", exp);
	pu_pathf(bucket, sizeof(bucket), "%s/%lld", st,
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
	pu_pathf(bucket, sizeof(bucket), "%s/%lld", st,
	    (long long)jwtsafe_replay_bucket(exp));
	pu_pathf(other, sizeof(other), "%s/elsewhere-dir", tmp);
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
	struct attempt a = { NULL, NULL, PU_CONV_NULL, NULL, NULL };
	const char *token;

	write_keyfile(fault_key, ed, 0644);
	a.args = line_keys_store(fault_key, store);
	a.token = token = mint(ed);
	expect_refused("conversation returns no response array", &a,
	    PAM_AUTH_ERR, "no-token", "conversation failed: no response");
	a.mode = PU_CONV_ANSWER;
	a.token = NULL;                 /* an array, its resp NULL */
	expect_refused("conversation returns a NULL response", &a,
	    PAM_AUTH_ERR, "no-token", "conversation failed: no response");
	a.token = token;
	expect_accepted("conversation returns the token", &a);
}

int
main(void)
{
	struct stat st;
	int i;

	(void)pu_init();                /* the PAM_AUTHTOK helper is not used */
	if (stat(pu_module, &st) != 0) {
		printf("Bail out! module not built: %s\n", pu_module);
		return 99;
	}
	if (jwtsafe_init() != 0)
		pu_die("jwtsafe_init");
	now = (int64_t)time(NULL);
	is_root = geteuid() == 0;

	pu_pathf(tmp, sizeof(tmp), "%s", tu_tmpdir());
	pu_pathf(pu_confdir, sizeof(pu_confdir), "%s/pam.d", tmp);
	pu_pathf(keydir, sizeof(keydir), "%s/keys", tmp);
	pu_pathf(fault_key, sizeof(fault_key), "%s/fault.pub", keydir);
	pu_pathf(hs_path, sizeof(hs_path), "%s/hs.key", keydir);
	pu_pathf(store, sizeof(store), "%s/replay", tmp);
	if (mkdir(pu_confdir, 0755) != 0 || mkdir(keydir, 0755) != 0)
		pu_die("mkdir");

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
	else
		have_log = 1;

	test_key_file();
	test_map_file();
	test_store();
	test_conversation();

	for (i = 0; i < nkept; i++)
		jwtsafe_freezero_str(kept[i]);
	jwtsafe_key_free(ed);
	jwtsafe_key_free(hs);
	jwtsafe_key_free(es);
	tu_rmtree(tmp);
	return tap_done();
}
