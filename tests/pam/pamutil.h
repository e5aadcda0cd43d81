/*
 * Helpers for tests that drive the real pam_jwtsafe.so through real libpam
 * (tests/pam/test_pam.c, tests/attacks/test_attacks.c): files and key
 * files, service files in a private directory loaded with
 * pam_start_confdir, a conversation that answers with a token, children in
 * a private mount namespace, and the capture of the module's log lines on
 * a /dev/log of our own.
 *
 * Setup failures print "Bail out! ..." and exit(99): a test that cannot
 * build its fixture has nothing to report.
 */
#ifndef JWTSAFE_PAMUTIL_H
#define JWTSAFE_PAMUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include <security/pam_appl.h>

#include "key.h"

#define PU_CHILD_SKIP     200   /* exit code of a child that cannot run */
#define PU_LOG_LINES_MAX  32    /* module lines kept by one pu_collect */
#define PU_CONFDIR_MAX    512

/* The built module and the PAM_AUTHTOK helper module (set by pu_init), and
 * the directory the service files are written to (set by the caller). */
extern const char *pu_module;
extern const char *pu_settok;
extern char pu_confdir[PU_CONFDIR_MAX];

/*
 * Find the modules: $JWTSAFE_TEST_MODULE / $JWTSAFE_TEST_SETTOK, else the
 * paths compiled in. Returns 0 when both exist, -1 otherwise (pu_module
 * names the module either way).
 */
int pu_init(void);

/* snprintf into a path buffer; a path that does not fit bails out. */
void pu_pathf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Bail out naming what failed and errno. */
void pu_die(const char *what) __attribute__((noreturn));

/* Write text to path (replacing it), then chmod it to mode. */
void pu_write_file(const char *path, const char *text, mode_t mode);

/* Write a key file holding keys[0..n) (one line each, after a comment). */
void pu_write_keyfile_n(const char *path,
    const struct jwtsafe_key *const *keys, size_t n, mode_t mode);
void pu_write_keyfile(const char *path, const struct jwtsafe_key *key,
    mode_t mode);

/* ---- the conversation ---------------------------------------------------- */

enum pu_conv_mode { PU_CONV_ANSWER, PU_CONV_FAIL, PU_CONV_NULL };

struct pu_conv {
	const char *answer;     /* given to every prompt (PU_CONV_ANSWER) */
	enum pu_conv_mode mode;
	int calls;              /* prompts asked */
	int style;              /* of the last prompt */
	char prompt[256];       /* text of the last prompt */
};

int pu_conv_fn(int n, const struct pam_message **msg,
    struct pam_response **resp, void *appdata);

/* ---- services ----------------------------------------------------------- */

/* Write pu_confdir/service: optionally the PAM_AUTHTOK helper, then
 * "auth required MODULE args". */
void pu_write_service(const char *service, const char *args, int with_settok);

/*
 * pam_start_confdir + pam_authenticate + pam_end for user on service, with
 * PAM_RHOST 192.0.2.7. authtok, when not NULL, is put where the helper
 * module sets PAM_AUTHTOK from. Returns the pam_authenticate result, or
 * 1000 + the pam_start_confdir error.
 */
int pu_run(const char *service, const char *user, struct pu_conv *cs,
    const char *authtok);

/* pu_run with a conversation answering token. */
int pu_try(const char *service, const char *user, const char *token);

/* Write the service with args, then pu_try. */
int pu_auth(const char *service, const char *args, const char *user,
    const char *token);

/* "PAM_SUCCESS", "PAM_AUTH_ERR", ...; "other" for codes tests never see. */
const char *pu_pam_name(int rc);

/* is_int on PAM codes, naming both on failure (needs tap.h). */
#define PU_IS_PAM(got, want, ...) do { \
	int got_ = (got); \
	if (!is_int(got_, want, __VA_ARGS__)) \
		tap_diag("  got %s, want %s", pu_pam_name(got_), \
		    pu_pam_name(want)); \
} while (0)

/* ---- processes ----------------------------------------------------------- */

/* In a child: a private mount namespace, or _exit(PU_CHILD_SKIP). */
void pu_child_private_ns(void);

/* Wait for pid; its exit status, or -1 (killed, or no such child). */
int pu_wait_child(pid_t pid);

/* ---- log lines ----------------------------------------------------------- */

struct pu_caught {
	char *line[PU_LOG_LINES_MAX];
	int n;
};

/*
 * In a private mount namespace only (pu_child_private_ns, or unshare):
 * replace /dev by a tmpfs holding null, zero, full, random, urandom and tty
 * (bind-mounted from the old /dev through scratch, a directory that must
 * not exist yet, under a private temporary directory; it is unmounted and
 * removed again before returning) and our own /dev/log socket.
 * Returns 0, or -1 when any step failed.
 */
int pu_log_capture_setup(const char *scratch);

/* Read every line logged since the last call: the module's (at most
 * PU_LOG_LINES_MAX) into c, all of them into pu_log_all(). */
void pu_collect(struct pu_caught *c);

/* The one decision line (" result=") in c, or NULL when there is not
 * exactly one; *count is how many there are. */
const char *pu_decision(const struct pu_caught *c, int *count);

void pu_caught_clear(struct pu_caught *c);

/* Every line captured so far, "\n"-separated ("" before any). */
const char *pu_log_all(void);

#endif /* JWTSAFE_PAMUTIL_H */
