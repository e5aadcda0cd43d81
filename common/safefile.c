/*
 * The one safe way to open a configuration file; see safefile.h.
 *
 * With check_dirs, the directories are walked from "/" down with
 * O_PATH|O_NOFOLLOW descriptors, each checked with fstat on the descriptor,
 * and the file is opened relative to the last one (openat). So the file
 * read is the one in the directory that was checked, and no symbolic link
 * anywhere in the path is followed: a symlinked directory is refused, not
 * resolved (resolving it would check a different chain than the one an
 * attacker may control).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"
#include "util.h"

#define FILE_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | \
	O_NONBLOCK)
#define DIR_OPEN_FLAGS  (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static const char *
file_type_name(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular file";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISLNK(mode))
		return "symbolic link";
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISSOCK(mode))
		return "socket";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	return "unknown file type";
}

/*
 * The checks shared by files and directories: owner, then group and other
 * write (allowed on a directory only when sticky and allow_sticky is set).
 * name/namelen is the path shown in the message.
 */
static int
check_owner_mode(const char *name, int namelen, const struct stat *st,
    uid_t owner, int allow_sticky, struct jwtsafe_error *err)
{
	unsigned mode = (unsigned)(st->st_mode & 07777);

	if (st->st_uid != 0 && st->st_uid != owner)
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%.*s: owned by uid %lu (must be root or uid %lu)",
		    namelen, name, (unsigned long)st->st_uid,
		    (unsigned long)owner);
	if (allow_sticky && (st->st_mode & S_ISVTX) != 0)
		return 0;
	if ((st->st_mode & S_IWOTH) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%.*s: world-writable (mode %04o)", namelen, name, mode);
	if ((st->st_mode & S_IWGRP) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%.*s: group-writable (mode %04o)", namelen, name, mode);
	return 0;
}

static int
check_dir_stat(const char *name, int namelen, const struct stat *st,
    uid_t owner, int allow_sticky, struct jwtsafe_error *err)
{
	if (S_ISLNK(st->st_mode))
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%.*s: is a symbolic link (symbolic links in the path are "
		    "refused)", namelen, name);
	if (!S_ISDIR(st->st_mode))
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%.*s: not a directory (%s)", namelen, name,
		    file_type_name(st->st_mode));
	return check_owner_mode(name, namelen, st, owner, allow_sticky, err);
}

static int
system_error(const char *name, int namelen, const char *what, int e,
    struct jwtsafe_error *err)
{
	if (e == ENOENT)
		return jwtsafe_err_set(err, JWTSAFE_ERR_SYSTEM,
		    "%.*s: does not exist", namelen, name);
	return jwtsafe_err_set(err, JWTSAFE_ERR_SYSTEM, "%.*s: %s: %s",
	    namelen, name, what, strerror(e));
}

/*
 * 1 if path is absolute and canonical: no empty, "." or ".." component,
 * no trailing "/", shorter than PATH_MAX, and not "/" itself.
 */
static int
path_canonical(const char *path)
{
	size_t len, i, start, clen;

	if (path == NULL || path[0] != '/')
		return 0;
	len = strnlen(path, PATH_MAX);
	if (len >= PATH_MAX || len < 2)
		return 0;
	for (i = 0; i < len; i = start) {
		start = i + 1;
		while (start < len && path[start] != '/')
			start++;
		clen = start - (i + 1);
		if (clen == 0)
			return 0;   /* "//" or a trailing "/" */
		if (clen == 1 && path[i + 1] == '.')
			return 0;
		if (clen == 2 && path[i + 1] == '.' && path[i + 2] == '.')
			return 0;
	}
	return 1;
}

/*
 * Walk the directories above path's last component from "/" down, checking
 * each. On success *dirfd is an O_PATH descriptor of the last directory
 * (the caller closes it) and *base points at the last component in path.
 */
static int
walk_dirs(const char *path, uid_t owner, int *dirfd, const char **base,
    struct jwtsafe_error *err)
{
	char comp[NAME_MAX + 1];
	struct stat st;
	const char *p, *slash, *last;
	size_t clen;
	int fd = -1, nfd = -1, r = JWTSAFE_ERR_INTERNAL, saved;

	*dirfd = -1;
	*base = NULL;
	if (!path_canonical(path))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "%s: path must be absolute, without \".\", \"..\" or "
		    "empty components and without a trailing \"/\"",
		    path == NULL ? "(null)" : path);
	last = strrchr(path, '/') + 1;

	if ((fd = open("/", DIR_OPEN_FLAGS)) < 0) {
		r = system_error("/", 1, "open", errno, err);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = system_error("/", 1, "fstat", errno, err);
		goto out;
	}
	if ((r = check_dir_stat("/", 1, &st, owner, 1, err)) != 0)
		goto out;

	for (p = path + 1; p < last; p = slash + 1) {
		int shown;

		slash = strchr(p, '/');         /* exists: p < last */
		clen = (size_t)(slash - p);
		shown = (int)(slash - path);    /* the prefix up to here */
		if (clen > NAME_MAX) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
			    "%.*s: path component too long", shown, path);
			goto out;
		}
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		/* lstat first only for a clear message; the checks that
		 * count are made on the descriptor below. */
		if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			r = system_error(path, shown, "lstat", errno, err);
			goto out;
		}
		if ((r = check_dir_stat(path, shown, &st, owner, 1, err)) != 0)
			goto out;
		if ((nfd = openat(fd, comp, DIR_OPEN_FLAGS)) < 0) {
			saved = errno;
			if (saved == ELOOP || saved == ENOTDIR)
				r = jwtsafe_err_set(err,
				    JWTSAFE_ERR_UNSAFE_FILE,
				    "%.*s: replaced while being checked",
				    shown, path);
			else
				r = system_error(path, shown, "open", saved,
				    err);
			goto out;
		}
		if (fstat(nfd, &st) != 0) {
			r = system_error(path, shown, "fstat", errno, err);
			goto out;
		}
		if ((r = check_dir_stat(path, shown, &st, owner, 1, err)) != 0)
			goto out;
		close(fd);
		fd = nfd;
		nfd = -1;
	}
	if (strlen(last) > NAME_MAX) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "%s: file name too long", path);
		goto out;
	}
	*dirfd = fd;
	*base = last;
	fd = -1;
	r = 0;
 out:
	if (nfd >= 0)
		close(nfd);
	if (fd >= 0)
		close(fd);
	return r;
}

int
jwtsafe_safefile_check_dirs(const char *path, uid_t owner,
    struct jwtsafe_error *err)
{
	const char *base = NULL;
	int dirfd = -1, r;

	if ((r = walk_dirs(path, owner, &dirfd, &base, err)) != 0)
		return r;
	close(dirfd);
	return 0;
}

int
jwtsafe_safefile_check_dir_self(const char *path, uid_t owner,
    struct jwtsafe_error *err)
{
	struct stat st;
	int namelen;

	if (path == NULL || *path == '\0')
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no directory given");
	namelen = (int)strnlen(path, PATH_MAX);
	if (lstat(path, &st) != 0)
		return system_error(path, namelen, "lstat", errno, err);
	return check_dir_stat(path, namelen, &st, owner, 0, err);
}

/* Checks on the open file: type, owner, mode, size. */
static int
check_file_stat(const char *path, const struct stat *st,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_error *err)
{
	int namelen = (int)strnlen(path, PATH_MAX);
	int r;

	if (!S_ISREG(st->st_mode))
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%s: not a regular file (%s)", path,
		    file_type_name(st->st_mode));
	if ((r = check_owner_mode(path, namelen, st, policy->owner, 0,
	    err)) != 0)
		return r;
	if (policy->secret && (st->st_mode & (S_IRGRP | S_IROTH)) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%s: holds a secret but is readable by %s (mode %04o); "
		    "use mode 0600", path,
		    (st->st_mode & S_IROTH) != 0 ? "others" : "its group",
		    (unsigned)(st->st_mode & 07777));
	if (st->st_size < 0 || (unsigned long long)st->st_size >
	    (unsigned long long)policy->max_size)
		return jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%s: larger than %zu bytes (%lld bytes)", path,
		    policy->max_size, (long long)st->st_size);
	return 0;
}

int
jwtsafe_safefile_read(const char *path,
    const struct jwtsafe_file_policy *policy, char **buf, size_t *len,
    struct jwtsafe_error *err)
{
	struct stat st;
	const char *base = NULL;
	char *data = NULL;
	size_t size = 0, cap = 0, got = 0;
	ssize_t n;
	int fd = -1, dirfd = -1, r = JWTSAFE_ERR_INTERNAL, saved;

	if (buf != NULL)
		*buf = NULL;
	if (len != NULL)
		*len = 0;
	if (path == NULL || *path == '\0' || policy == NULL || buf == NULL ||
	    len == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (policy->max_size == 0 || policy->max_size >= SSIZE_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "%s: invalid size limit", path);

	if (policy->check_dirs) {
		if ((r = walk_dirs(path, policy->owner, &dirfd, &base,
		    err)) != 0)
			goto out;
		if (base == NULL) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL, "%s",
			    path);
			goto out;
		}
		fd = openat(dirfd, base, FILE_OPEN_FLAGS);
	} else {
		fd = open(path, FILE_OPEN_FLAGS);
	}
	if (fd < 0) {
		saved = errno;
		if (saved == ELOOP)
			r = jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
			    "%s: is a symbolic link", path);
		else if (saved == ENXIO)   /* a socket, or a device */
			r = jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
			    "%s: not a regular file", path);
		else
			r = system_error(path, (int)strnlen(path, PATH_MAX),
			    "open", saved, err);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = system_error(path, (int)strnlen(path, PATH_MAX), "fstat",
		    errno, err);
		goto out;
	}
	if ((r = check_file_stat(path, &st, policy, err)) != 0)
		goto out;

	/* One byte more than fstat said, to notice a file that grows. */
	size = (size_t)st.st_size;
	cap = size + 1;
	if ((data = malloc(cap)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "%s", path);
		goto out;
	}
	while (got < cap) {
		n = read(fd, data + got, cap - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = system_error(path, (int)strnlen(path, PATH_MAX),
			    "read", errno, err);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != size) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_UNSAFE_FILE,
		    "%s: changed size while being read", path);
		goto out;
	}
	data[size] = '\0';
	*buf = data;
	*len = size;
	data = NULL;
	r = 0;
 out:
	if (data != NULL)
		jwtsafe_freezero(data, cap);
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	return r;
}
