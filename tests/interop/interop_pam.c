/*
 * interop_pam: the real pam_jwtsafe.so through real libpam, for
 * tests/interop/test_interop.sh. Not a test by itself: it runs jobs and
 * prints what the module decided; the script judges.
 *
 *   interop_pam DIR USER < JOBS
 *
 * Each line of JOBS is "MODULE-ARGS<TAB>TOKEN". For each line the service
 * file DIR/pam.d/interop is written as "auth required MODULE MODULE-ARGS"
 * (MODULE: the built module, see pu_init) and pam_start_confdir +
 * pam_authenticate + pam_end run for USER, the conversation answering
 * TOKEN. One output line per job:
 *
 *   PAM_NAME REASON HIGH_S
 *
 * PAM_NAME as pu_pam_name gives it; REASON and HIGH_S are the reason= and
 * high_s= fields of the module's one decision line, or "?" when log lines
 * cannot be captured (capturing needs root for a private mount namespace
 * with a /dev/log of our own; PAM codes are reported either way).
 *
 * Exit status: 0 when every job ran, 2 on bad usage, 99 when the fixture
 * cannot be built.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pamutil.h"

#define SERVICE "interop"

/* Copy the value of " NAME=" in line into out (up to a space), or "?". */
static void
field(const char *line, const char *name, char *out, size_t outlen)
{
	char key[32];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof(key), " %s=", name);
	snprintf(out, outlen, "?");
	if (line == NULL || (p = strstr(line, key)) == NULL)
		return;
	p += strlen(key);
	while (p[n] != '\0' && p[n] != ' ' && n + 1 < outlen)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* A private mount namespace with our own /dev/log; 0, or -1 when the
 * module's lines cannot be captured here. */
static int
capture_setup(const char *dir)
{
	char scratch[PU_CONFDIR_MAX + 64];

	if (geteuid() != 0)
		return -1;
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	pu_pathf(scratch, sizeof(scratch), "%s/dev-scratch.%ld", dir,
	    (long)getpid());
	return pu_log_capture_setup(scratch);
}

int
main(int argc, char **argv)
{
	struct pu_caught caught = { { NULL }, 0 };
	struct stat st;
	char *line = NULL, *tab, reason[64], high_s[8];
	const char *decision;
	size_t cap = 0;
	ssize_t len;
	int capture, count, rc;

	if (argc != 3 || argv[1][0] != '/') {
		fprintf(stderr, "usage: interop_pam /DIR USER < JOBS\n");
		return 2;
	}
	/* pu_init also wants the PAM_AUTHTOK helper, which is not used here:
	 * only the module itself must exist. */
	(void)pu_init();
	if (stat(pu_module, &st) != 0) {
		printf("Bail out! module not built: %s\n", pu_module);
		return 99;
	}
	pu_pathf(pu_confdir, sizeof(pu_confdir), "%s/pam.d", argv[1]);
	if (mkdir(pu_confdir, 0755) != 0 && errno != EEXIST)
		pu_die(pu_confdir);
	capture = capture_setup(argv[1]) == 0;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if ((tab = strchr(line, '\t')) == NULL) {
			printf("Bail out! job without a tab\n");
			return 99;
		}
		*tab = '\0';
		pu_write_service(SERVICE, line, 0);
		if (capture)
			pu_collect(&caught);       /* drop older lines */
		rc = pu_try(SERVICE, argv[2], tab + 1);
		snprintf(reason, sizeof(reason), "?");
		snprintf(high_s, sizeof(high_s), "?");
		if (capture) {
			pu_collect(&caught);
			decision = pu_decision(&caught, &count);
			if (decision == NULL)
				snprintf(reason, sizeof(reason),
				    "no-single-decision-line(%d)", count);
			else {
				field(decision, "reason", reason,
				    sizeof(reason));
				field(decision, "high_s", high_s,
				    sizeof(high_s));
			}
		}
		printf("%s %s %s\n", pu_pam_name(rc), reason, high_s);
		fflush(stdout);
		/* the token is a test token of this run only; wipe anyway */
		explicit_bzero(line, (size_t)len);
	}
	pu_caught_clear(&caught);
	free(line);
	return 0;
}
