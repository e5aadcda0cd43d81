/*
 * The one way jwtsafe opens a configuration file (key file, map file):
 * O_RDONLY|O_CLOEXEC|O_NOCTTY|O_NOFOLLOW|O_NONBLOCK, then fstat on the open
 * descriptor: a regular file, owned by root or by the policy's owner, not
 * writable by group or others, not readable by them either for secrets,
 * no larger than the cap. Optionally every directory above it is checked
 * too: owned by root or the owner, and not writable by group or others
 * unless sticky (as /tmp is).
 */
#ifndef JWTSAFE_SAFEFILE_H
#define JWTSAFE_SAFEFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct jwtsafe_file_policy {
	uid_t owner;       /* allowed owner besides root (usually geteuid()) */
	int check_dirs;    /* 1: path must be absolute; check each parent */
	int secret;        /* 1: refuse group- or other-readable files */
	size_t max_size;   /* refuse larger files; must be > 0 */
};

/*
 * Check path's parent directories, from "/" down to the file's directory,
 * as described above. path must be absolute and hold no "." or ".."
 * components. Returns 0, JWTSAFE_ERR_UNSAFE_FILE (detail names the directory
 * and the problem), JWTSAFE_ERR_SYSTEM or JWTSAFE_ERR_INVALID_ARGUMENT.
 */
int jwtsafe_safefile_check_dirs(const char *path, uid_t owner,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/*
 * Check an existing directory itself (not its parents) like the parents
 * above, but stricter: owner must be root or owner, mode without any group
 * or other write. Used for the replay store.
 */
int jwtsafe_safefile_check_dir_self(const char *path, uid_t owner,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/*
 * Read the whole file into a new NUL-terminated buffer (*buf, *len without
 * the NUL) after the checks above. The caller frees *buf with
 * jwtsafe_freezero(*buf, *len + 1). Every refusal names the path and the
 * reason: JWTSAFE_ERR_UNSAFE_FILE (type, owner, mode, size, symlink),
 * JWTSAFE_ERR_SYSTEM (missing, unreadable), JWTSAFE_ERR_INVALID_ARGUMENT.
 */
int jwtsafe_safefile_read(const char *path,
    const struct jwtsafe_file_policy *policy, char **buf, size_t *len,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

#endif /* JWTSAFE_SAFEFILE_H */
