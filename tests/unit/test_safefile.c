/*
 * jwtsafe_safefile_*: every refusal is made from a file or directory that
 * is accepted, with one thing changed; the accepted one is checked beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#define OTHER_UID 12345
#define MAX_SIZE  64

static char tmp[256];

static void
die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(99);
}

static const char *
path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tmp, name);
	return buf;
}

/* Create (or replace) a file with exactly len bytes of c and mode. */
static void
make_file(const char *path, size_t len, int c, mode_t mode)
{
	char chunk[256];
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		die(path);
	memset(chunk, c, sizeof(chunk));
	while (len > 0) {
		size_t n = len < sizeof(chunk) ? len : sizeof(chunk);

		if (write(fd, chunk, n) != (ssize_t)n)
			die(path);
		len -= n;
	}
	if (fchmod(fd, mode) != 0 || close(fd) != 0)
		die(path);
}

static void
make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		die(path);
	if (chmod(path, mode) != 0)
		die(path);
}

static struct jwtsafe_file_policy
policy(int secret, int check_dirs)
{
	struct jwtsafe_file_policy p;

	memset(&p, 0, sizeof(p));
	p.owner = geteuid();
	p.secret = secret;
	p.check_dirs = check_dirs;
	p.max_size = MAX_SIZE;
	return p;
}

/* Read path under p; returns the code and leaves the detail in *err. */
static int
try_read(const char *path, const struct jwtsafe_file_policy *p,
    struct jwtsafe_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(err, 0, sizeof(*err));
	r = jwtsafe_safefile_read(path, p, &buf, &len, err);
	if (r == 0 && buf == NULL)
		return JWTSAFE_ERR_INTERNAL;
	if (r != 0 && (buf != NULL || len != 0 || err->code != r))
		return JWTSAFE_ERR_INTERNAL;
	if (buf != NULL)
		jwtsafe_freezero(buf, len + 1);
	return r;
}

static int
has(const struct jwtsafe_error *err, const char *s)
{
	return strstr(err->detail, s) != NULL;
}

static void
test_read_regular(void)
{
	struct jwtsafe_file_policy p = policy(0, 0);
	struct jwtsafe_error err = { 0 };
	char path[512], *buf = NULL;
	size_t len = 0;
	int r;

	path_in(path, sizeof(path), "plain");
	make_file(path, 10, 'k', 0644);
	r = jwtsafe_safefile_read(path, &p, &buf, &len, &err);
	is_int(r, 0, "0644 file owned by the caller is read");
	ok(r == 0 && len == 10 && buf != NULL && buf[10] == '\0' &&
	    memcmp(buf, "kkkkkkkkkk", 10) == 0,
	    "whole content, NUL-terminated, length without the NUL");
	if (buf != NULL)
		jwtsafe_freezero(buf, len + 1);

	make_file(path, 0, 'k', 0644);
	buf = NULL;
	len = 99;
	r = jwtsafe_safefile_read(path, &p, &buf, &len, &err);
	ok(r == 0 && len == 0 && buf != NULL && buf[0] == '\0',
	    "an empty file is read as an empty buffer");
	if (buf != NULL)
		jwtsafe_freezero(buf, len + 1);
}

static void
test_modes(void)
{
	struct jwtsafe_file_policy p = policy(0, 0), s = policy(1, 0);
	struct jwtsafe_error err;
	char path[512];

	path_in(path, sizeof(path), "mode");
	make_file(path, 10, 'k', 0644);
	is_int(try_read(path, &p, &err), 0, "control: 0644 accepted");
	make_file(path, 10, 'k', 0664);
	is_int(try_read(path, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "group-writable (0664) refused");
	ok(has(&err, path) && has(&err, "group-writable (mode 0664)"),
	    "message names the path and the mode: %s", err.detail);
	make_file(path, 10, 'k', 0646);
	is_int(try_read(path, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "world-writable (0646) refused");
	ok(has(&err, "world-writable (mode 0646)"), "message: %s", err.detail);

	make_file(path, 10, 'k', 0640);
	is_int(try_read(path, &p, &err), 0,
	    "control: 0640 accepted when not secret");
	is_int(try_read(path, &s, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "secret and group-readable (0640) refused");
	ok(has(&err, "mode 0640"), "message: %s", err.detail);
	make_file(path, 10, 'k', 0604);
	is_int(try_read(path, &s, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "secret and other-readable (0604) refused");
	make_file(path, 10, 'k', 0600);
	is_int(try_read(path, &s, &err), 0, "secret and 0600 accepted");
	make_file(path, 10, 'k', 0400);
	is_int(try_read(path, &s, &err), 0, "secret and 0400 accepted");
}

static void
test_types(void)
{
	struct jwtsafe_file_policy p = policy(0, 0);
	struct jwtsafe_error err;
	char target[512], link[512], dir[512], fifo[512], missing[512];

	path_in(target, sizeof(target), "target");
	path_in(link, sizeof(link), "link");
	make_file(target, 10, 'k', 0644);
	if (symlink(target, link) != 0)
		die(link);
	is_int(try_read(target, &p, &err), 0, "control: the link's target "
	    "is accepted");
	is_int(try_read(link, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "symbolic link to it refused");
	ok(has(&err, "symbolic link"), "message: %s", err.detail);

	path_in(dir, sizeof(dir), "adir");
	make_dir(dir, 0755);
	is_int(try_read(dir, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "directory refused");
	ok(has(&err, "not a regular file"), "message: %s", err.detail);

	path_in(fifo, sizeof(fifo), "fifo");
	if (mkfifo(fifo, 0644) != 0)
		die(fifo);
	alarm(10);      /* a blocking open would end the test here */
	is_int(try_read(fifo, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "FIFO refused, without blocking");
	alarm(0);
	ok(has(&err, "FIFO"), "message: %s", err.detail);

	path_in(missing, sizeof(missing), "missing");
	is_int(try_read(missing, &p, &err), JWTSAFE_ERR_SYSTEM,
	    "missing file refused");
	ok(has(&err, "does not exist"), "message: %s", err.detail);

	if (access("/dev/zero", F_OK) == 0) {
		p.owner = geteuid();
		is_int(try_read("/dev/zero", &p, &err),
		    JWTSAFE_ERR_UNSAFE_FILE, "/dev/zero refused (not regular)");
	} else {
		tap_skip("no /dev/zero here", "/dev/zero refused");
	}
}

static void
test_size(void)
{
	struct jwtsafe_file_policy p = policy(0, 0);
	struct jwtsafe_error err;
	char path[512];

	path_in(path, sizeof(path), "size");
	make_file(path, MAX_SIZE, 'k', 0644);
	is_int(try_read(path, &p, &err), 0, "file of max_size bytes accepted");
	make_file(path, MAX_SIZE + 1, 'k', 0644);
	is_int(try_read(path, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "file of max_size+1 bytes refused");
	ok(has(&err, "larger than"), "message: %s", err.detail);
	p.max_size = 0;
	make_file(path, 1, 'k', 0644);
	is_int(try_read(path, &p, &err), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "max_size 0 is a usage error");
}

static void
test_owner(void)
{
	struct jwtsafe_file_policy p = policy(0, 0);
	struct jwtsafe_error err;
	char path[512];

	path_in(path, sizeof(path), "owned");
	make_file(path, 10, 'k', 0644);
	if (geteuid() != 0) {
		tap_skip("needs root to chown",
		    "file of another owner refused");
		tap_skip("needs root to chown", "root-owned file accepted");
		return;
	}
	p.owner = OTHER_UID;
	is_int(try_read(path, &p, &err), 0,
	    "root-owned file accepted whatever the policy owner");
	if (chown(path, OTHER_UID, (gid_t)-1) != 0)
		die(path);
	is_int(try_read(path, &p, &err), 0,
	    "control: file of the policy owner accepted");
	p.owner = 0;
	is_int(try_read(path, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "file of another owner refused");
	ok(has(&err, "owned by uid 12345"), "message: %s", err.detail);
}

/*
 * An independent look at the directories above path, with the rules of
 * safefile.h: 1 if each is a real directory owned by root or me and not
 * group- or world-writable unless sticky.
 */
static int
chain_safe(const char *path, uid_t me)
{
	char prefix[512];
	struct stat st;
	size_t i;

	for (i = 0; path[i] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		if (i == 0)
			snprintf(prefix, sizeof(prefix), "/");
		else
			snprintf(prefix, sizeof(prefix), "%.*s", (int)i, path);
		if (lstat(prefix, &st) != 0 || !S_ISDIR(st.st_mode))
			return 0;
		if (st.st_uid != 0 && st.st_uid != me)
			return 0;
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
		    (st.st_mode & S_ISVTX) == 0)
			return 0;
	}
	return 1;
}

static void
test_dirs(void)
{
	struct jwtsafe_file_policy p = policy(0, 1);
	struct jwtsafe_error err = { 0 };
	char d[512], f[512], l[512], good[512];
	uid_t me = geteuid();

	/* The temporary directory's own parents must be safe for the rest. */
	path_in(good, sizeof(good), "good");
	make_dir(good, 0755);
	path_in(f, sizeof(f), "good/keys");
	make_file(f, 10, 'k', 0644);
	if (!chain_safe(f, me)) {
		tap_skip("the temporary directory has unsafe parents (set "
		    "TMPDIR)", "directory checks");
		return;
	}
	if (!is_int(jwtsafe_safefile_check_dirs(f, me, &err), 0,
	    "control: %s accepted by check_dirs", f)) {
		tap_diag("%s", err.detail);
		return;
	}
	is_int(try_read(f, &p, &err), 0, "read with check_dirs accepted");

	is_int(jwtsafe_safefile_check_dirs("good/keys", me, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "relative path refused");
	is_int(try_read("good/keys", &p, &err), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "relative path refused by read with check_dirs");
	snprintf(d, sizeof(d), "%s/good/../good/keys", tmp);
	is_int(jwtsafe_safefile_check_dirs(d, me, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "\"..\" component refused");
	snprintf(d, sizeof(d), "%s/good/./keys", tmp);
	is_int(jwtsafe_safefile_check_dirs(d, me, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "\".\" component refused");
	snprintf(d, sizeof(d), "%s/good//keys", tmp);
	is_int(jwtsafe_safefile_check_dirs(d, me, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "empty component refused");
	snprintf(d, sizeof(d), "%s/good/keys/", tmp);
	is_int(jwtsafe_safefile_check_dirs(d, me, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "trailing \"/\" refused");

	/* group-writable parent, then the same directory fixed */
	path_in(d, sizeof(d), "gw");
	make_dir(d, 0775);
	path_in(f, sizeof(f), "gw/keys");
	make_file(f, 10, 'k', 0644);
	is_int(jwtsafe_safefile_check_dirs(f, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "group-writable parent refused");
	ok(has(&err, d) && has(&err, "group-writable (mode 0775)"),
	    "message names the directory and the mode: %s", err.detail);
	is_int(try_read(f, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "read with check_dirs refuses it too");
	make_dir(d, 0755);
	is_int(jwtsafe_safefile_check_dirs(f, me, &err), 0,
	    "control: same parent at 0755 accepted");

	/* world-writable parent: refused unless sticky */
	path_in(d, sizeof(d), "ww");
	make_dir(d, 0777);
	path_in(f, sizeof(f), "ww/keys");
	make_file(f, 10, 'k', 0644);
	is_int(jwtsafe_safefile_check_dirs(f, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "world-writable parent (0777) refused");
	ok(has(&err, "world-writable (mode 0777)"), "message: %s",
	    err.detail);
	make_dir(d, 01777);
	is_int(jwtsafe_safefile_check_dirs(f, me, &err), 0,
	    "sticky world-writable parent (1777) accepted");
	is_int(try_read(f, &p, &err), 0, "and read through it");

	/* a symbolic link to a good directory */
	path_in(l, sizeof(l), "linkdir");
	if (symlink(good, l) != 0)
		die(l);
	path_in(f, sizeof(f), "linkdir/keys");
	is_int(jwtsafe_safefile_check_dirs(f, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "symlinked parent refused");
	ok(has(&err, "symbolic link"), "message: %s", err.detail);
	is_int(try_read(f, &p, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "read with check_dirs refuses it too");
	p.check_dirs = 0;
	is_int(try_read(f, &p, &err), 0,
	    "control: without check_dirs the same path is read");
	p.check_dirs = 1;

	/* a missing parent */
	path_in(f, sizeof(f), "nodir/keys");
	is_int(jwtsafe_safefile_check_dirs(f, me, &err), JWTSAFE_ERR_SYSTEM,
	    "missing parent directory reported");
	ok(has(&err, "does not exist"), "message: %s", err.detail);

	/* a parent of another owner */
	path_in(d, sizeof(d), "other");
	make_dir(d, 0755);
	path_in(f, sizeof(f), "other/keys");
	make_file(f, 10, 'k', 0644);
	if (me != 0) {
		tap_skip("needs root to chown", "parent of another owner "
		    "refused");
		return;
	}
	is_int(jwtsafe_safefile_check_dirs(f, me, &err), 0,
	    "control: root-owned parent accepted");
	if (chown(d, OTHER_UID, (gid_t)-1) != 0)
		die(d);
	is_int(jwtsafe_safefile_check_dirs(f, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "parent of another owner refused");
	ok(has(&err, "owned by uid 12345"), "message: %s", err.detail);
	is_int(jwtsafe_safefile_check_dirs(f, OTHER_UID, &err), 0,
	    "control: accepted when that uid is the policy owner");
}

static void
test_dir_self(void)
{
	struct jwtsafe_error err = { 0 };
	char d[512], l[512], f[512];
	uid_t me = geteuid();

	path_in(d, sizeof(d), "self");
	make_dir(d, 0700);
	is_int(jwtsafe_safefile_check_dir_self(d, me, &err), 0,
	    "0700 directory accepted");
	make_dir(d, 0755);
	is_int(jwtsafe_safefile_check_dir_self(d, me, &err), 0,
	    "0755 directory accepted");
	make_dir(d, 0770);
	is_int(jwtsafe_safefile_check_dir_self(d, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "group-writable directory refused");
	make_dir(d, 01777);
	is_int(jwtsafe_safefile_check_dir_self(d, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "sticky 1777 refused (no sticky "
	    "exception for the directory itself)");
	make_dir(d, 0700);
	path_in(l, sizeof(l), "selflink");
	if (symlink(d, l) != 0)
		die(l);
	is_int(jwtsafe_safefile_check_dir_self(l, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "symbolic link to a good directory "
	    "refused");
	path_in(f, sizeof(f), "selffile");
	make_file(f, 1, 'k', 0600);
	is_int(jwtsafe_safefile_check_dir_self(f, me, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "regular file refused");
	path_in(f, sizeof(f), "selfmissing");
	is_int(jwtsafe_safefile_check_dir_self(f, me, &err),
	    JWTSAFE_ERR_SYSTEM, "missing directory reported");
	if (me == 0) {
		if (chown(d, OTHER_UID, (gid_t)-1) != 0)
			die(d);
		is_int(jwtsafe_safefile_check_dir_self(d, me, &err),
		    JWTSAFE_ERR_UNSAFE_FILE, "directory of another owner "
		    "refused");
	} else {
		tap_skip("needs root to chown", "directory of another owner "
		    "refused");
	}
}

int
main(void)
{
	snprintf(tmp, sizeof(tmp), "%s", tu_tmpdir());
	umask(022);
	test_read_regular();
	test_modes();
	test_types();
	test_size();
	test_owner();
	test_dirs();
	test_dir_self();
	tu_rmtree(tmp);
	return tap_done();
}
