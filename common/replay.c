/*
 * The replay store; see replay.h for the layout and its invariants.
 *
 * Every file operation is relative (openat, mkdirat, unlinkat) to a
 * descriptor of the store opened with O_DIRECTORY|O_NOFOLLOW, and every
 * name below the store is opened with O_NOFOLLOW, so that nothing can be
 * redirected elsewhere by a symlink swapped in between two steps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "json.h"
#include "options.h"
#include "replay.h"
#include "safefile.h"
#include "util.h"

struct jwtsafe_replay {
	int fd;                 /* the store, O_DIRECTORY|O_NOFOLLOW */
};

int64_t
jwtsafe_replay_bucket(int64_t exp)
{
	if (exp <= 0)
		return 0;
	return ((exp + JWTSAFE_REPLAY_BUCKET - 1) / JWTSAFE_REPLAY_BUCKET) *
	    JWTSAFE_REPLAY_BUCKET;
}

int
jwtsafe_replay_record_name(const char *iss, const char *jti,
    char out[JWTSAFE_REPLAY_NAME_LEN + 1])
{
	static const char tag[] = JWTSAFE_REPLAY_TAG;   /* hashed with its NUL */
	static const unsigned char zero = 0;
	crypto_generichash_state st;
	unsigned char h[JWTSAFE_REPLAY_NAME_LEN / 2];
	size_t isslen, jtilen;
	int r = JWTSAFE_ERR_INVALID_ARGUMENT;

	if (out != NULL)
		out[0] = '\0';
	if (iss == NULL || jti == NULL || out == NULL)
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	isslen = strnlen(iss, JWTSAFE_REPLAY_ISS_MAX + 1);
	jtilen = strnlen(jti, JWTSAFE_JTI_MAX + 1);
	if (isslen == 0 || isslen > JWTSAFE_REPLAY_ISS_MAX ||
	    jtilen == 0 || jtilen > JWTSAFE_JTI_MAX)
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	if (jwtsafe_init() != 0)
		return JWTSAFE_ERR_INTERNAL;
	if (crypto_generichash_init(&st, NULL, 0, sizeof(h)) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)tag,
	    sizeof(tag)) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)iss,
	    isslen) != 0 ||
	    crypto_generichash_update(&st, &zero, 1) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)jti,
	    jtilen) != 0 ||
	    crypto_generichash_final(&st, h, sizeof(h)) != 0) {
		r = JWTSAFE_ERR_INTERNAL;
		goto out;
	}
	sodium_bin2hex(out, JWTSAFE_REPLAY_NAME_LEN + 1, h, sizeof(h));
	r = 0;
 out:
	JWTSAFE_WIPE(st);
	return r;
}

/* 0 if st describes a directory the store may be: owned by root or owner,
 * no group or other write. Else a message. */
static const char *
store_stat_problem(const struct stat *st, uid_t owner)
{
	if (!S_ISDIR(st->st_mode))
		return "not a directory";
	if (st->st_uid != 0 && st->st_uid != owner)
		return "owned by another user";
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return "writable by group or others";
	return NULL;
}

int
jwtsafe_replay_open(const char *dir, uid_t owner,
    struct jwtsafe_replay **out, struct jwtsafe_error *err)
{
	struct jwtsafe_replay *rs = NULL;
	struct jwtsafe_error e = { 0 };
	struct stat st;
	char *parent = NULL;
	const char *last, *problem;
	int pfd = -1, fd = -1, r = JWTSAFE_ERR_INTERNAL, saved;

	if (out != NULL)
		*out = NULL;
	if (dir == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (!jwtsafe_options_path_valid(dir))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "replay store path must be absolute and canonical");
	if (jwtsafe_init() != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");

	if (jwtsafe_safefile_check_dirs(dir, owner, &e) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "unsafe parent of the replay store: %s", e.detail);

	last = strrchr(dir, '/') + 1;   /* dir is absolute: a '/' exists */
	if (last - dir == 1)
		parent = strdup("/");
	else
		parent = strndup(dir, (size_t)(last - dir - 1));
	if (parent == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "path");
		goto out;
	}
	if ((pfd = open(parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		saved = errno;
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot open the parent of the replay store: %s (%s)",
		    strerror(saved), parent);
		goto out;
	}
	/* Create the last component only; an existing one is checked below. */
	if (mkdirat(pfd, last, 0700) != 0 && errno != EEXIST) {
		saved = errno;
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot create the replay store: %s (%s)",
		    strerror(saved), dir);
		goto out;
	}
	if ((fd = openat(pfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		saved = errno;
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot open the replay store: %s (%s)",
		    saved == ELOOP ? "a symbolic link" :
		    saved == ENOTDIR ? "not a directory" : strerror(saved),
		    dir);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		saved = errno;
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot stat the replay store: %s (%s)", strerror(saved),
		    dir);
		goto out;
	}
	if ((problem = store_stat_problem(&st, owner)) != NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "replay store is %s (%s)", problem, dir);
		goto out;
	}
	if (jwtsafe_safefile_check_dir_self(dir, owner, &e) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "unsafe replay store: %s", e.detail);
		goto out;
	}
	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "replay store");
		goto out;
	}
	rs->fd = fd;
	fd = -1;
	*out = rs;
	r = 0;
 out:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	free(parent);
	return r;
}

/* Write the whole record; 0 or an errno value. */
static int
record_write(int fd, int64_t exp)
{
	char buf[32];
	ssize_t w;
	int n;

	n = snprintf(buf, sizeof(buf), "%lld\n", (long long)exp);
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return EINVAL;
	do {
		w = write(fd, buf, (size_t)n);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return errno;
	if (w != n)
		return ENOSPC;   /* a short write on a regular file: full */
	return 0;
}

int
jwtsafe_replay_claim(struct jwtsafe_replay *rs, const char *iss,
    const char *jti, int64_t exp, int64_t now, struct jwtsafe_error *err)
{
	char name[JWTSAFE_REPLAY_NAME_LEN + 1];
	char bname[24];
	struct stat st;
	int64_t bucket;
	int bfd = -1, rfd = -1, r = JWTSAFE_ERR_INTERNAL, saved, cleanup = 0;

	if (rs == NULL || rs->fd < 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "replay store not open");
	if (exp < 0 || exp > JWTSAFE_JSON_TIME_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "exp out of range");
	bucket = jwtsafe_replay_bucket(exp);
	if (bucket + JWTSAFE_REPLAY_RETAIN < now)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "token expired longer ago than the replay store keeps "
		    "records");
	if ((r = jwtsafe_replay_record_name(iss, jti, name)) != 0)
		return jwtsafe_err_set(err, r, "iss or jti empty or too long");
	snprintf(bname, sizeof(bname), "%lld", (long long)bucket);

	if (mkdirat(rs->fd, bname, 0700) != 0 && errno != EEXIST) {
		saved = errno;
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot create bucket %s: %s", bname, strerror(saved));
		goto out;
	}
	if ((bfd = openat(rs->fd, bname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		saved = errno;
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot open bucket %s: %s", bname,
		    saved == ELOOP ? "a symbolic link" :
		    saved == ENOTDIR ? "not a directory" : strerror(saved));
		goto out;
	}
	rfd = openat(bfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_NOCTTY | O_CLOEXEC, 0600);
	if (rfd < 0) {
		saved = errno;
		if (saved == EEXIST) {
			/* O_EXCL refuses any existing name; only a regular
			 * file is a record, anything else is tampering. */
			if (fstatat(bfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode)) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY,
				    "jti already used (record %s/%.16s)",
				    bname, name);
				cleanup = 1;
			} else {
				r = jwtsafe_err_set(err,
				    JWTSAFE_ERR_REPLAY_STORE,
				    "record %s/%.16s is not a regular file",
				    bname, name);
			}
			goto out;
		}
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot create record in bucket %s: %s", bname,
		    strerror(saved));
		goto out;
	}
	/* A record that could not be written whole is removed: the claim
	 * fails, and the token may be tried again once the store is fixed. */
	if ((saved = record_write(rfd, exp)) != 0)
		(void)close(rfd);
	else if (close(rfd) != 0)
		saved = errno != 0 ? errno : EIO;
	rfd = -1;
	if (saved != 0) {
		(void)unlinkat(bfd, name, 0);
		r = jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot write record in bucket %s: %s", bname,
		    strerror(saved));
		goto out;
	}
	cleanup = 1;
	r = 0;
 out:
	if (rfd >= 0)
		close(rfd);
	if (bfd >= 0)
		close(bfd);
	if (cleanup)
		(void)jwtsafe_replay_cleanup(rs, now, NULL, NULL);
	return r;
}

/* 1 and *out if name is a canonical bucket name (decimal, no leading zero,
 * a multiple of the bucket size), else 0. */
static int
bucket_name_parse(const char *name, int64_t *out)
{
	size_t len = strnlen(name, 16);

	if (len == 0 || len > 13 || (name[0] == '0' && len > 1))
		return 0;
	if (strspn(name, "0123456789") != len)
		return 0;
	if (jwtsafe_parse_int64(name, 0, JWTSAFE_JSON_TIME_MAX +
	    JWTSAFE_REPLAY_BUCKET, out) != 0)
		return 0;
	return *out % JWTSAFE_REPLAY_BUCKET == 0;
}

/* Empty and remove one bucket; 0 or -1. */
static int
bucket_remove(int top, const char *bname)
{
	struct dirent *e;
	DIR *d;
	int bfd, pass;

	for (pass = 0; pass < 2; pass++) {
		if ((bfd = openat(top, bname, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) < 0)
			return errno == ENOENT ? 0 : -1;
		if ((d = fdopendir(bfd)) == NULL) {
			close(bfd);
			return -1;
		}
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			if (unlinkat(bfd, e->d_name, 0) != 0 &&
			    errno == EISDIR)
				(void)unlinkat(bfd, e->d_name, AT_REMOVEDIR);
		}
		closedir(d);
		if (unlinkat(top, bname, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != ENOTEMPTY && errno != EEXIST)
			return -1;
		/* entries readdir did not return yet: one more pass */
	}
	return -1;
}

int
jwtsafe_replay_cleanup(struct jwtsafe_replay *rs, int64_t now,
    size_t *removed, struct jwtsafe_error *err)
{
	struct dirent *e;
	DIR *d = NULL;
	int64_t bucket;
	size_t n = 0;
	int fd, saved;

	if (removed != NULL)
		*removed = 0;
	if (rs == NULL || rs->fd < 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "replay store not open");
	/* A descriptor of our own, so that its directory offset is too. */
	if ((fd = openat(rs->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (d = fdopendir(fd)) == NULL) {
		saved = errno;
		if (fd >= 0)
			close(fd);
		return jwtsafe_err_set(err, JWTSAFE_ERR_REPLAY_STORE,
		    "cannot read the replay store: %s", strerror(saved));
	}
	while ((e = readdir(d)) != NULL) {
		if (!bucket_name_parse(e->d_name, &bucket))
			continue;
		if (bucket + JWTSAFE_REPLAY_RETAIN >= now)
			continue;
		if (bucket_remove(rs->fd, e->d_name) == 0)
			n++;
	}
	closedir(d);
	if (removed != NULL)
		*removed = n;
	return 0;
}

void
jwtsafe_replay_close(struct jwtsafe_replay *rs)
{
	if (rs == NULL)
		return;
	if (rs->fd >= 0)
		close(rs->fd);
	free(rs);
}
