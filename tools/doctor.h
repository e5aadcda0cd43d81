/*
 * jwtsafe doctor: read the PAM configuration that uses pam_jwtsafe and say,
 * line by line, what would make a login through it fail, or what makes it
 * weaker than it looks, before a user finds out.
 *
 * For each pam_jwtsafe line it checks what the module checks at login,
 * with the same calls and file policy (jwtsafe_options_parse,
 * jwtsafe_verifier_load_file, jwtsafe_usermap_read, jwtsafe_replay_open),
 * and around it what libpam, sshd, sudo and glibc need for the module to
 * be reached at all (the accounts file as nss_jwtsafe reads it:
 * jwtsafe_accounts_read in SKIP mode, each skipped line a finding).
 *
 * Output, one line per finding, on cfg->out:
 *
 *   SEVERITY WHERE: PROBLEM -- fix: WHAT TO DO
 *   ok WHERE: WHAT WAS CHECKED
 *
 *   SEVERITY  "error": a login through this line would fail (or the module
 *             is never reached); "warning": logins work, but something is
 *             weaker than it looks or will break soon; "ok": a check that
 *             passed (not printed with quiet).
 *   WHERE     SERVICE:LINE for a line of a pam.d file (the file's name in
 *             the pam.d directory, or its path when outside it), PATH:LINE
 *             or PATH for other files, "system" for the clock.
 *
 * and a last line "summary: ...". Paths are shown as the module sees them
 * (without cfg->root); details from the core may name the full path.
 * Nothing ever printed holds a token or a byte of key material: the core's
 * details never do, and every byte outside printable ASCII is shown as
 * \xHH.
 *
 * The checks only read, with one exception: in an existing replay store
 * directory a probe file named JWTSAFE_DOCTOR_PROBE_PREFIX + pid is
 * created and removed, to prove the store is writable (the store ignores
 * names that are not its own).
 */
#ifndef JWTSAFE_DOCTOR_H
#define JWTSAFE_DOCTOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JWTSAFE_DOCTOR_OK       0   /* no error finding */
#define JWTSAFE_DOCTOR_ERRORS   1   /* at least one error finding */
#define JWTSAFE_DOCTOR_USAGE    2   /* bad configuration of the run itself */

#define JWTSAFE_DOCTOR_PROBE_PREFIX ".jwtsafe-doctor-probe."
#define JWTSAFE_DOCTOR_KEY_SOON  (7 * 86400)   /* warn on keys retiring */

struct jwtsafe_doctor_config {
	/*
	 * NULL, "" or "/": the running system. Otherwise an absolute
	 * canonical directory (jwtsafe_options_path_valid) put in front of
	 * every path read: /etc/pam.d, the key, map and accounts files, the
	 * replay store, the PAM and NSS module directories, nsswitch.conf,
	 * passwd, group, sshd_config. With a root, sshd -T is never run
	 * (its Include lines would read the real /etc).
	 */
	const char *root;
	int64_t now;           /* the time every time check uses */
	int quiet;             /* 1: print errors, warnings and the summary */
	FILE *out;             /* findings; NULL means stdout */
	/* PAM services to check (file names in /etc/pam.d); none means
	 * every service whose stack reaches pam_jwtsafe. */
	const char *const *services;
	size_t nservices;
};

/*
 * Run every check and print the findings. Returns JWTSAFE_DOCTOR_OK,
 * JWTSAFE_DOCTOR_ERRORS, or JWTSAFE_DOCTOR_USAGE (a bad root or service
 * name: a message on stderr, nothing checked).
 */
int jwtsafe_doctor_run(const struct jwtsafe_doctor_config *cfg);

#endif /* JWTSAFE_DOCTOR_H */
