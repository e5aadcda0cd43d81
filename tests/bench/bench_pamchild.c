/*
 * bench_pamchild: the process in which the benchmark times PAM
 * transactions. It links libpam and libc only, so that whatever a module
 * needs (libcrypto, libsodium, libcjson for pam_jwtsafe; libcrypt for
 * pam_unix) is loaded by the transaction itself, as in sudo, and nothing
 * of the benchmark's own libraries is already in memory.
 *
 *   bench_pamchild CONFDIR SERVICE USER SECRETS COUNT
 *
 * SECRETS is a file of lines; transaction i answers every prompt with line
 * i (tokens for pam_jwtsafe, one per transaction so that each jti is
 * new; the password for pam_unix, repeated). The file is read before the
 * first transaction. Each transaction is pam_start_confdir ->
 * pam_authenticate -> pam_end, timed from just before pam_start_confdir
 * to just after pam_end; the durations are printed in nanoseconds, one a
 * line, in order. Exit status 0 when every transaction returned
 * PAM_SUCCESS, 2 (with a message on stderr) when one did not, 1 on a
 * usage or setup error.
 *
 * Before the first transaction, untimed, the process looks USER up
 * (getpwnam), as sshd and sudo do before they authenticate: the NSS
 * modules are loaded by then in every real caller.
 *
 * Environment, for the benchmark's breakdown of a fresh process's cost:
 *   BENCH_PRELOAD=PATH[:PATH...]  dlopen these first, each timed, printed
 *                                 as "#load I NS" lines before the others
 *   BENCH_SODIUM_INIT=1           then call sodium_init (found among the
 *                                 loaded libraries), printed as
 *                                 "#sodium_init NS"
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

#define COUNT_MAX 1000000L
#define SECRETS_MAX (64L * 1024 * 1024)

static const char *answer;

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct pam_response *r;
	int i;

	(void)appdata;
	if (n <= 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if ((r[i].resp = strdup(answer)) == NULL)
			goto fail;
	}
	*resp = r;
	return PAM_SUCCESS;
 fail:
	for (i = 0; i < n; i++)
		free(r[i].resp);
	free(r);
	return PAM_CONV_ERR;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The whole file, its lines split in place. */
static char **
read_lines(const char *path, long *nlines)
{
	FILE *f;
	char *buf = NULL, **lines = NULL, *p, *nl;
	long n = 0, cap = 0, len;

	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    len > SECRETS_MAX || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)len + 1)) == NULL ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		*nl = '\0';
		if (n == cap) {
			char **g;

			cap = cap == 0 ? 64 : cap * 2;
			if ((g = realloc(lines, (size_t)cap * sizeof(*g))) ==
			    NULL) {
				free(lines);
				free(buf);
				return NULL;
			}
			lines = g;
		}
		lines[n++] = p;
	}
	*nlines = n;
	return lines;  /* buf lives as long as the process */
}

/* BENCH_PRELOAD and BENCH_SODIUM_INIT; 0 or -1. */
static int
preload(void)
{
	const char *list = getenv("BENCH_PRELOAD");
	char *copy, *path, *save = NULL;
	int (*init)(void);
	int64_t t0;
	int i = 0;

	if (list != NULL && *list != '\0') {
		if ((copy = strdup(list)) == NULL)
			return -1;
		for (path = strtok_r(copy, ":", &save); path != NULL;
		    path = strtok_r(NULL, ":", &save), i++) {
			t0 = now_ns();
			if (dlopen(path, RTLD_NOW | RTLD_GLOBAL) == NULL) {
				fprintf(stderr, "bench_pamchild: %s\n",
				    dlerror());
				free(copy);
				return -1;
			}
			printf("#load %d %" PRId64 "\n", i, now_ns() - t0);
		}
		free(copy);
	}
	if (getenv("BENCH_SODIUM_INIT") != NULL) {
		*(void **)&init = dlsym(RTLD_DEFAULT, "sodium_init");
		if (init == NULL) {
			fprintf(stderr, "bench_pamchild: no sodium_init\n");
			return -1;
		}
		t0 = now_ns();
		if (init() < 0)
			return -1;
		printf("#sodium_init %" PRId64 "\n", now_ns() - t0);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct pam_conv pc = { conv, NULL };
	pam_handle_t *pamh;
	char **secrets, *end;
	int64_t *dur, t0;
	long count, nsecrets = 0, i;
	int rc;

	if (argc != 6) {
		fprintf(stderr, "usage: %s CONFDIR SERVICE USER SECRETS "
		    "COUNT\n", argv[0]);
		return 1;
	}
	errno = 0;
	count = strtol(argv[5], &end, 10);
	if (errno != 0 || *end != '\0' || count < 1 || count > COUNT_MAX) {
		fprintf(stderr, "bench_pamchild: bad COUNT\n");
		return 1;
	}
	if ((secrets = read_lines(argv[4], &nsecrets)) == NULL ||
	    nsecrets < 1) {
		fprintf(stderr, "bench_pamchild: cannot read %s\n", argv[4]);
		return 1;
	}
	if ((dur = calloc((size_t)count, sizeof(*dur))) == NULL)
		return 1;
	if (preload() != 0)
		return 1;
	(void)getpwnam(argv[3]);

	for (i = 0; i < count; i++) {
		answer = secrets[i % nsecrets];
		pamh = NULL;
		t0 = now_ns();
		rc = pam_start_confdir(argv[2], argv[3], &pc, argv[1], &pamh);
		if (rc == PAM_SUCCESS) {
			(void)pam_set_item(pamh, PAM_RHOST, "192.0.2.7");
			rc = pam_authenticate(pamh, PAM_SILENT);
			pam_end(pamh, rc);
		}
		dur[i] = now_ns() - t0;
		if (rc != PAM_SUCCESS) {
			fprintf(stderr, "bench_pamchild: %s: transaction %ld: "
			    "%s\n", argv[2], i + 1, pam_strerror(NULL, rc));
			return 2;
		}
	}
	for (i = 0; i < count; i++)
		printf("%" PRId64 "\n", dur[i]);
	free(dur);
	free(secrets);
	return fflush(stdout) == 0 ? 0 : 1;
}
