/*
 * The replay store: one claim per (iss, jti), records named by hash in
 * buckets by exp, expired buckets removed, the store created 0700, and
 * every way the store can be unusable refused as REPLAY_STORE. Runs as
 * root too: where root's DAC bypass makes chmod useless, a private mount
 * namespace supplies a read-only bind mount or a full tmpfs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "replay.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#define ISS  "https://issuer.example"
#define JTI  "2b5f0c1e-6f0a-4a57-9a3e-0c9d2f3f7a11"
#define NOW  TU_NOW                    /* 1700000000 */
#define EXP  (TU_NOW + 50)             /* bucket 1700000100 */
#define NPROC 32

/* Exit codes of helper children. */
#define CHILD_SKIP 100

static char base[256];

/* snprintf into a path buffer; a path that does not fit ends the test. */
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

/* Setup steps whose failure the checks after them will show. */
static void
setup(int r)
{
	(void)r;
}

static int
claim_once(const char *dir, const char *iss, const char *jti, int64_t exp,
    int64_t now, struct jwtsafe_error *err)
{
	struct jwtsafe_replay *rs = NULL;
	int r;

	memset(err, 0, sizeof(*err));
	if ((r = jwtsafe_replay_open(dir, geteuid(), &rs, err)) != 0)
		return r;
	r = jwtsafe_replay_claim(rs, iss, jti, exp, now, err);
	jwtsafe_replay_close(rs);
	return r;
}

static void
path_of(char *out, size_t outlen, const char *dir, int64_t bucket,
    const char *iss, const char *jti)
{
	char name[JWTSAFE_REPLAY_NAME_LEN + 1];

	if (jwtsafe_replay_record_name(iss, jti, name) != 0)
		name[0] = '\0';
	pathf(out, outlen, "%s/%lld/%s", dir, (long long)bucket, name);
}

static void
test_names(void)
{
	char a[JWTSAFE_REPLAY_NAME_LEN + 1], b[JWTSAFE_REPLAY_NAME_LEN + 1];
	char jti[JWTSAFE_JTI_MAX + 2];

	/* Known answers from an independent BLAKE2b (Python hashlib). */
	is_int(jwtsafe_replay_record_name(ISS, JTI, a), 0, "name computed");
	ok(strcmp(a, "64cfec88945f5d4cc71c74d4010d2970"
	    "640f3880089fb491e0504934f94636d5") == 0,
	    "name = BLAKE2b-256(tag NUL iss NUL jti), lower-case hex (%s)", a);
	is_int(jwtsafe_replay_record_name("a", "bc", a), 0, "name a|bc");
	is_int(jwtsafe_replay_record_name("ab", "c", b), 0, "name ab|c");
	ok(strcmp(a, "d5b2de01b21b9a8c53ce7421590b11f0"
	    "b60b8e86a623110afcf7324970326b51") == 0 &&
	    strcmp(b, "fef1aed7992cbf117139209b8d0b913d"
	    "9c646121cb20da8d85a61d48303f2370") == 0,
	    "the separator keeps (a, bc) and (ab, c) apart");
	ok(strlen(a) == JWTSAFE_REPLAY_NAME_LEN &&
	    strspn(a, "0123456789abcdef") == JWTSAFE_REPLAY_NAME_LEN,
	    "name is 64 lower-case hex characters");

	is_int(jwtsafe_replay_record_name(ISS, "", a),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "empty jti refused");
	is_int(jwtsafe_replay_record_name("", JTI, a),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "empty iss refused");
	memset(jti, 'j', sizeof(jti) - 1);
	jti[JWTSAFE_JTI_MAX] = '\0';
	is_int(jwtsafe_replay_record_name(ISS, jti, a), 0,
	    "256-byte jti accepted");
	jti[JWTSAFE_JTI_MAX] = 'j';
	jti[JWTSAFE_JTI_MAX + 1] = '\0';
	is_int(jwtsafe_replay_record_name(ISS, jti, a),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "257-byte jti refused");

	is_int(jwtsafe_replay_bucket(1700000000), 1700000040,
	    "bucket rounds exp up to the minute");
	is_int(jwtsafe_replay_bucket(1700000040), 1700000040,
	    "bucket of a whole minute is itself");
	is_int(jwtsafe_replay_bucket(1700000041), 1700000100,
	    "one second later: next minute");
}

static void
test_claims(void)
{
	struct jwtsafe_error err;
	struct stat st;
	char dir[512], rec[1024], parent[512];
	char *content;
	int64_t bucket = jwtsafe_replay_bucket(EXP);

	pathf(parent, sizeof(parent), "%s/claims", base);
	pathf(dir, sizeof(dir), "%s/store", parent);
	if (mkdir(parent, 0755) != 0) {
		tap_skip("mkdir failed", "claims");
		return;
	}

	is_int(claim_once(dir, ISS, JTI, EXP, NOW, &err), 0,
	    "first claim accepted (%s)", err.detail);
	ok(lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 07777) == 0700 && st.st_uid == geteuid(),
	    "missing store created as a 0700 directory of ours");
	path_of(rec, sizeof(rec), dir, bucket, ISS, JTI);
	ok(lstat(rec, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0777) == 0600,
	    "record DIR/%lld/<hash> is a 0600 file", (long long)bucket);
	content = tu_read_file(rec, NULL);
	ok(content != NULL && strcmp(content, "1700000050\n") == 0,
	    "record holds the exp");
	free(content);

	is_int(claim_once(dir, ISS, JTI, EXP, NOW, &err), JWTSAFE_ERR_REPLAY,
	    "second claim of the same (iss, jti) refused as replay");
	is_int(claim_once(dir, ISS, JTI, EXP, NOW + 100, &err),
	    JWTSAFE_ERR_REPLAY, "still refused later, before expiry");
	is_int(claim_once(dir, "https://other.example", JTI, EXP, NOW, &err),
	    0, "same jti from another issuer is a separate record");
	is_int(claim_once(dir, ISS, JTI "x", EXP, NOW, &err), 0,
	    "another jti from the same issuer accepted");
	is_int(claim_once(dir, ISS, JTI "x", EXP, NOW, &err),
	    JWTSAFE_ERR_REPLAY, "... and only once");

	/* arguments */
	is_int(claim_once(dir, ISS, "", EXP, NOW, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "empty jti refused");
	is_int(claim_once(dir, ISS, "fresh-1", -1, NOW, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "negative exp refused");
	is_int(claim_once(dir, ISS, "fresh-1", NOW - JWTSAFE_REPLAY_RETAIN - 120,
	    NOW, &err), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "token expired past the retention refused");
	is_int(claim_once(dir, ISS, "fresh-1", NOW - 100, NOW, &err), 0,
	    "control: recently expired exp still recorded");
	is_int(claim_once("relative/store", ISS, "fresh-2", EXP, NOW, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "relative store path refused");
}

static int
count_entries(const char *dir)
{
	char cmd[600];
	FILE *p;
	int n = -1;

	pathf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void
test_cleanup(void)
{
	struct jwtsafe_replay *rs = NULL;
	struct jwtsafe_error err = { 0 };
	struct stat st;
	char dir[512], path[1024], name[64];
	int64_t old_exp = NOW - 1000, old_bucket = jwtsafe_replay_bucket(NOW - 1000);
	int64_t new_bucket = jwtsafe_replay_bucket(EXP);
	size_t removed = 99;
	int i, fd;

	pathf(dir, sizeof(dir), "%s/cleanup", base);
	if (jwtsafe_replay_open(dir, geteuid(), &rs, &err) != 0) {
		tap_skip("open failed", "cleanup");
		return;
	}
	/* An old token, claimed back when it was valid. */
	is_int(jwtsafe_replay_claim(rs, ISS, "old", old_exp, old_exp - 10, &err),
	    0, "old token claimed at its time");
	/* Many records in the old bucket: removal must empty it fully. */
	for (i = 0; i < 3000; i++) {
		pathf(name, sizeof(name), "old-%d", i);
		if (jwtsafe_replay_claim(rs, ISS, name, old_exp, old_exp - 10,
		    &err) != 0)
			break;
	}
	is_int(i, 3000, "3000 more records in the old bucket");
	/* Entries that are not canonical bucket names are left alone. */
	pathf(path, sizeof(path), "%s/notes", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	pathf(path, sizeof(path), "%s/0%lld", dir, (long long)old_bucket);
	setup(mkdir(path, 0700));
	pathf(path, sizeof(path), "%s/%lld", dir, (long long)old_bucket + 1);
	setup(mkdir(path, 0700));

	/* At the last second of retention the old bucket stays. */
	is_int(jwtsafe_replay_cleanup(rs, old_bucket + JWTSAFE_REPLAY_RETAIN,
	    &removed, &err), 0, "cleanup at the retention boundary");
	is_int(removed, 0, "nothing removed at the boundary");
	is_int(jwtsafe_replay_claim(rs, ISS, "old", old_exp,
	    old_bucket + JWTSAFE_REPLAY_RETAIN, &err), JWTSAFE_ERR_REPLAY,
	    "old record still refuses a replay at the boundary");

	/* A claim now removes the old bucket as a side effect. */
	is_int(jwtsafe_replay_claim(rs, ISS, JTI, EXP, NOW, &err), 0,
	    "a new token claimed now");
	pathf(path, sizeof(path), "%s/%lld", dir, (long long)old_bucket);
	ok(lstat(path, &st) != 0 && errno == ENOENT,
	    "the expired bucket was removed by the claim");
	pathf(path, sizeof(path), "%s/%lld", dir, (long long)new_bucket);
	ok(lstat(path, &st) == 0 && S_ISDIR(st.st_mode),
	    "the live bucket stays");
	pathf(path, sizeof(path), "%s/notes", dir);
	ok(lstat(path, &st) == 0, "a non-bucket file is left alone");
	pathf(path, sizeof(path), "%s/0%lld", dir, (long long)old_bucket);
	ok(lstat(path, &st) == 0, "a non-canonical (leading zero) name is "
	    "left alone");
	pathf(path, sizeof(path), "%s/%lld", dir, (long long)old_bucket + 1);
	ok(lstat(path, &st) == 0, "a name not on a minute is left alone");
	is_int(count_entries(dir), 4, "store holds the live bucket and the "
	    "three foreign entries");

	is_int(jwtsafe_replay_cleanup(rs, NOW, &removed, &err), 0,
	    "explicit cleanup");
	is_int(removed, 0, "nothing more to remove");
	is_int(jwtsafe_replay_cleanup(rs, new_bucket + JWTSAFE_REPLAY_RETAIN + 1,
	    &removed, &err), 0, "cleanup after the live bucket expired");
	is_int(removed, 1, "the last bucket removed");
	jwtsafe_replay_close(rs);
}

static void
test_store_checks(void)
{
	struct jwtsafe_error err;
	char parent[512], dir[600], path[1100], target[600];
	int64_t bucket = jwtsafe_replay_bucket(EXP);
	int fd;

	/* parent writable by others (not sticky) */
	pathf(parent, sizeof(parent), "%s/open", base);
	pathf(dir, sizeof(dir), "%s/store", parent);
	if (mkdir(parent, 0755) != 0) {
		tap_skip("mkdir failed", "store checks");
		return;
	}
	is_int(claim_once(dir, ISS, JTI, EXP, NOW, &err), 0,
	    "control: store under a safe parent works");
	if (chmod(parent, 0777) == 0) {
		is_int(claim_once(dir, ISS, "j2", EXP, NOW, &err),
		    JWTSAFE_ERR_REPLAY_STORE,
		    "parent writable by others refused (%s)", err.detail);
		ok(chmod(parent, 01777) == 0, "make the parent sticky");
		is_int(claim_once(dir, ISS, "j2", EXP, NOW, &err), 0,
		    "sticky world-writable parent (like /tmp) accepted");
		(void)chmod(parent, 0755);
	}
	if (geteuid() == 0) {
		ok(chown(parent, 65534, 65534) == 0, "parent owned by nobody");
		is_int(claim_once(dir, ISS, "j3", EXP, NOW, &err),
		    JWTSAFE_ERR_REPLAY_STORE, "parent owned by another user "
		    "refused");
		setup(chown(parent, 0, 0));
		ok(chown(dir, 65534, 65534) == 0, "store owned by nobody");
		is_int(claim_once(dir, ISS, "j3", EXP, NOW, &err),
		    JWTSAFE_ERR_REPLAY_STORE, "store owned by another user "
		    "refused");
		setup(chown(dir, 0, 0));
	} else {
		tap_skip("needs root to chown", "foreign owners");
	}

	/* the store itself */
	ok(chmod(dir, 0770) == 0, "store made group-writable");
	is_int(claim_once(dir, ISS, "j4", EXP, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "group-writable store refused");
	ok(chmod(dir, 0700) == 0, "store back to 0700");
	is_int(claim_once(dir, ISS, "j4", EXP, NOW, &err), 0,
	    "control: 0700 store accepted");

	pathf(path, sizeof(path), "%s/file-store", parent);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	is_int(claim_once(path, ISS, JTI, EXP, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "a file in place of the store refused");
	pathf(path, sizeof(path), "%s/link-store", parent);
	setup(symlink(dir, path));
	is_int(claim_once(path, ISS, "j5", EXP, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "a symlink in place of the store refused");
	pathf(path, sizeof(path), "%s/missing/store", parent);
	is_int(claim_once(path, ISS, JTI, EXP, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "a missing parent is not created");

	/* buckets and records that are not what they should be */
	pathf(path, sizeof(path), "%s/%lld", dir, (long long)bucket + 60);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	is_int(claim_once(dir, ISS, "j6", EXP + 60, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "a file in place of the bucket refused");
	pathf(target, sizeof(target), "%s/elsewhere", parent);
	setup(mkdir(target, 0700));
	pathf(path, sizeof(path), "%s/%lld", dir, (long long)bucket + 120);
	setup(symlink(target, path));
	is_int(claim_once(dir, ISS, "j7", EXP + 120, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "a symlink in place of the bucket refused");
	is_int(count_entries(target), 0, "nothing written through it");

	path_of(path, sizeof(path), dir, bucket, ISS, "j8");
	pathf(target, sizeof(target), "%s/victim", parent);
	setup(symlink(target, path));
	is_int(claim_once(dir, ISS, "j8", EXP, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "a dangling symlink as the record "
	    "refused, not counted as a replay");
	ok(access(target, F_OK) != 0, "the symlink target was not created");
	path_of(path, sizeof(path), dir, bucket, ISS, "j9");
	setup(mkdir(path, 0700));
	is_int(claim_once(dir, ISS, "j9", EXP, NOW, &err),
	    JWTSAFE_ERR_REPLAY_STORE, "a directory as the record refused");
	is_int(claim_once(dir, ISS, "j10", EXP, NOW, &err), 0,
	    "control: a fresh jti in the same bucket accepted");
}

/* In a child: a private mount namespace, or exit CHILD_SKIP. */
static void
child_private_ns(void)
{
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		_exit(CHILD_SKIP);
}

static int
wait_child(pid_t pid)
{
	int st;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_unwritable(void)
{
	struct jwtsafe_error err;
	char dir[512];
	pid_t pid;
	int code;

	pathf(dir, sizeof(dir), "%s/ro", base);
	if (claim_once(dir, ISS, "ro-0", EXP, NOW, &err) != 0) {
		tap_skip("store setup failed", "unwritable store");
		return;
	}
	fflush(stdout);
	if (geteuid() != 0) {
		ok(chmod(dir, 0500) == 0, "store made read-only (0500)");
		is_int(claim_once(dir, ISS, "ro-1", EXP + 3600, NOW, &err),
		    JWTSAFE_ERR_REPLAY_STORE, "read-only store refused (%s)",
		    err.detail);
		(void)chmod(dir, 0700);
	} else {
		/* Root ignores modes: a read-only bind mount instead. */
		if ((pid = fork()) == 0) {
			child_private_ns();
			if (mount(dir, dir, NULL, MS_BIND, NULL) != 0 ||
			    mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND |
			    MS_RDONLY, NULL) != 0)
				_exit(CHILD_SKIP);
			/* a new bucket, and a record in an existing one */
			code = claim_once(dir, ISS, "ro-1", EXP + 3600, NOW,
			    &err);
			if (code != JWTSAFE_ERR_REPLAY_STORE)
				_exit(1);
			code = claim_once(dir, ISS, "ro-2", EXP, NOW, &err);
			_exit(code == JWTSAFE_ERR_REPLAY_STORE ? 0 : 2);
		}
		code = wait_child(pid);
		if (code == CHILD_SKIP)
			tap_skip("no mount namespace", "read-only store");
		else
			is_int(code, 0, "read-only store (bind mount): new "
			    "bucket and new record both refused");
	}
	is_int(claim_once(dir, ISS, "ro-1", EXP + 3600, NOW, &err), 0,
	    "control: the same claim once writable");
}

/* A full file system: the record is created but its write fails. */
static void
test_full(void)
{
	struct jwtsafe_error err;
	char dir[512], fill[600], buf[4096];
	pid_t pid;
	int code, fd;

	if (geteuid() != 0) {
		tap_skip("needs root for a tmpfs mount", "full file system");
		return;
	}
	pathf(dir, sizeof(dir), "%s/full", base);
	if (mkdir(dir, 0700) != 0) {
		tap_skip("mkdir failed", "full file system");
		return;
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		child_private_ns();
		if (mount("tmpfs", dir, "tmpfs", 0, "size=16k,mode=0700") != 0)
			_exit(CHILD_SKIP);
		if (claim_once(dir, ISS, "full-0", EXP, NOW, &err) != 0)
			_exit(3);   /* control: it works before filling */
		pathf(fill, sizeof(fill), "%s/fill", dir);
		if ((fd = open(fill, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
			_exit(CHILD_SKIP);
		memset(buf, 'f', sizeof(buf));
		while (write(fd, buf, sizeof(buf)) > 0)
			;
		while (write(fd, buf, 1) > 0)
			;
		close(fd);
		code = claim_once(dir, ISS, "full-1", EXP, NOW, &err);
		if (code != JWTSAFE_ERR_REPLAY_STORE)
			_exit(1);
		/* nothing left behind: once space is back, it is accepted */
		if (unlink(fill) != 0)
			_exit(CHILD_SKIP);
		code = claim_once(dir, ISS, "full-1", EXP, NOW, &err);
		_exit(code == 0 ? 0 : 2);
	}
	code = wait_child(pid);
	if (code == CHILD_SKIP)
		tap_skip("no mount namespace or tmpfs", "full file system");
	else
		is_int(code, 0, "full store: claim refused as REPLAY_STORE, "
		    "the half-written record removed, accepted once space is "
		    "back (child status %d)", code);
}

/* NPROC processes claim at the same moment; returns the successes, and the
 * count of plain replays in *replays. */
static int
race(const char *dir, int same, int *replays)
{
	pid_t pids[NPROC];
	int go[2], i, wins = 0, code;
	char c;

	*replays = 0;
	if (pipe(go) != 0)
		return -1;
	fflush(stdout);
	for (i = 0; i < NPROC; i++) {
		if ((pids[i] = fork()) == 0) {
			struct jwtsafe_error err;
			char jti[32];

			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			snprintf(jti, sizeof(jti), "race-%s-%d",
			    same ? "same" : "own", same ? 0 : i);
			code = claim_once(dir, ISS, jti, EXP, NOW, &err);
			_exit(code == 0 ? 0 :
			    code == JWTSAFE_ERR_REPLAY ? 1 : 2);
		}
	}
	close(go[0]);
	close(go[1]);   /* everyone starts now */
	for (i = 0; i < NPROC; i++) {
		code = wait_child(pids[i]);
		if (code == 0)
			wins++;
		else if (code == 1)
			(*replays)++;
	}
	return wins;
}

static void
test_concurrency(void)
{
	char dir[512];
	int wins, replays;

	pathf(dir, sizeof(dir), "%s/race", base);
	wins = race(dir, 1, &replays);
	is_int(wins, 1, "%d processes claiming one jti at once: exactly one "
	    "succeeds", NPROC);
	is_int(replays, NPROC - 1, "the others are refused as replays");
	wins = race(dir, 0, &replays);
	is_int(wins, NPROC, "%d processes with distinct jtis: all succeed",
	    NPROC);
}

int
main(void)
{
	pathf(base, sizeof(base), "%s", tu_tmpdir());
	test_names();
	test_claims();
	test_cleanup();
	test_store_checks();
	test_unwritable();
	test_full();
	test_concurrency();
	tu_rmtree(base);
	return tap_done();
}
