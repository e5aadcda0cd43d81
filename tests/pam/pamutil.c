/*
 * Helpers for the tests that drive the real module through real libpam;
 * see pamutil.h.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "keyfile.h"
#include "pamutil.h"
#include "util.h"

#ifndef JWTSAFE_TEST_MODULE
#define JWTSAFE_TEST_MODULE "pam_jwtsafe/.libs/pam_jwtsafe.so"
#endif
#ifndef JWTSAFE_TEST_SETTOK
#define JWTSAFE_TEST_SETTOK "tests/pam/.libs/pam_settok.so"
#endif

const char *pu_module;
const char *pu_settok;
char pu_confdir[PU_CONFDIR_MAX];

static int log_sock = -1;
static char *log_all;          /* every captured line */
static size_t log_all_len;

int
pu_init(void)
{
	struct stat st;

	pu_module = getenv("JWTSAFE_TEST_MODULE");
	if (pu_module == NULL || *pu_module == '\0')
		pu_module = JWTSAFE_TEST_MODULE;
	pu_settok = getenv("JWTSAFE_TEST_SETTOK");
	if (pu_settok == NULL || *pu_settok == '\0')
		pu_settok = JWTSAFE_TEST_SETTOK;
	if (stat(pu_module, &st) != 0 || stat(pu_settok, &st) != 0)
		return -1;
	return 0;
}

void
pu_pathf(char *buf, size_t len, const char *fmt, ...)
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

void
pu_die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(99);
}

void
pu_write_file(const char *path, const char *text, mode_t mode)
{
	int fd;
	size_t len = strlen(text);

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		pu_die(path);
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0)
		pu_die(path);
	close(fd);
}

void
pu_write_keyfile_n(const char *path, const struct jwtsafe_key *const *keys,
    size_t n, mode_t mode)
{
	struct jwtsafe_error err = { 0 };
	char *line = NULL, *text, *more;
	size_t i;

	if ((text = strdup("# test key\n")) == NULL)
		pu_die("strdup");
	for (i = 0; i < n; i++) {
		if (jwtsafe_keyline_format(keys[i], &line, &err) != 0) {
			printf("Bail out! keyline_format: %s\n", err.detail);
			exit(99);
		}
		if (asprintf(&more, "%s%s\n", text, line) < 0)
			pu_die("asprintf");
		jwtsafe_freezero_str(text);
		jwtsafe_freezero_str(line);
		line = NULL;
		text = more;
	}
	pu_write_file(path, text, mode);
	jwtsafe_freezero_str(text);
}

void
pu_write_keyfile(const char *path, const struct jwtsafe_key *key, mode_t mode)
{
	const struct jwtsafe_key *one[1] = { key };

	pu_write_keyfile_n(path, one, 1, mode);
}

/* ---- the conversation ---------------------------------------------------- */

int
pu_conv_fn(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct pu_conv *cs = appdata;
	struct pam_response *r;
	int i;

	*resp = NULL;
	if (cs->mode == PU_CONV_FAIL) {
		cs->calls++;
		return PAM_CONV_ERR;
	}
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		cs->calls++;
		cs->style = msg[i]->msg_style;
		snprintf(cs->prompt, sizeof(cs->prompt), "%s", msg[i]->msg);
		if (cs->mode == PU_CONV_ANSWER && cs->answer != NULL &&
		    (r[i].resp = strdup(cs->answer)) == NULL) {
			free(r);
			return PAM_BUF_ERR;
		}
	}
	if (cs->mode == PU_CONV_NULL) {
		free(r);
		return PAM_SUCCESS;
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* ---- services ----------------------------------------------------------- */

void
pu_write_service(const char *service, const char *args, int with_settok)
{
	char path[PU_CONFDIR_MAX + 256], *text;

	pu_pathf(path, sizeof(path), "%s/%s", pu_confdir, service);
	if (asprintf(&text, "%s%s%sauth required %s %s\n",
	    with_settok ? "auth required " : "",
	    with_settok ? pu_settok : "", with_settok ? "\n" : "",
	    pu_module, args) < 0)
		pu_die("asprintf");
	pu_write_file(path, text, 0644);
	free(text);
}

int
pu_run(const char *service, const char *user, struct pu_conv *cs,
    const char *authtok)
{
	struct pam_conv conv = { pu_conv_fn, cs };
	pam_handle_t *pamh = NULL;
	char *env;
	int rc;

	if ((rc = pam_start_confdir(service, user, &conv, pu_confdir,
	    &pamh)) != PAM_SUCCESS)
		return 1000 + rc;
	if (authtok != NULL) {
		if (asprintf(&env, "JWTSAFE_TEST_AUTHTOK=%s", authtok) < 0)
			pu_die("asprintf");
		if (pam_putenv(pamh, env) != PAM_SUCCESS)
			pu_die("pam_putenv");
		free(env);
	}
	(void)pam_set_item(pamh, PAM_RHOST, "192.0.2.7");
	rc = pam_authenticate(pamh, 0);
	pam_end(pamh, rc);
	return rc;
}

int
pu_try(const char *service, const char *user, const char *token)
{
	struct pu_conv cs = { token, PU_CONV_ANSWER, 0, 0, "" };

	return pu_run(service, user, &cs, NULL);
}

int
pu_auth(const char *service, const char *args, const char *user,
    const char *token)
{
	pu_write_service(service, args, 0);
	return pu_try(service, user, token);
}

const char *
pu_pam_name(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:          return "PAM_SUCCESS";
	case PAM_AUTH_ERR:         return "PAM_AUTH_ERR";
	case PAM_USER_UNKNOWN:     return "PAM_USER_UNKNOWN";
	case PAM_SERVICE_ERR:      return "PAM_SERVICE_ERR";
	case PAM_AUTHINFO_UNAVAIL: return "PAM_AUTHINFO_UNAVAIL";
	case PAM_IGNORE:           return "PAM_IGNORE";
	case PAM_PERM_DENIED:      return "PAM_PERM_DENIED";
	default:                   return "other";
	}
}

/* ---- processes ----------------------------------------------------------- */

void
pu_child_private_ns(void)
{
	/* The type of a propagation change or a bind is ignored; "none"
	 * rather than NULL keeps valgrind quiet. */
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		_exit(PU_CHILD_SKIP);
}

int
pu_wait_child(pid_t pid)
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

/* ---- log lines ----------------------------------------------------------- */

int
pu_log_capture_setup(const char *scratch)
{
	static const char *const nodes[] = { "null", "zero", "full", "random",
	    "urandom", "tty" };
	struct sockaddr_un sun;
	char src[PU_CONFDIR_MAX + 64], dst[64];
	struct stat st;
	size_t i;
	int fd, r = -1;

	if (mkdir(scratch, 0700) != 0)
		return -1;
	if (mount("/dev", scratch, "none", MS_BIND | MS_REC, NULL) != 0) {
		(void)rmdir(scratch);
		return -1;
	}
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
	    "mode=0755,size=64k") != 0)
		goto out;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		pu_pathf(src, sizeof(src), "%s/%s", scratch, nodes[i]);
		pu_pathf(dst, sizeof(dst), "/dev/%s", nodes[i]);
		if (stat(src, &st) != 0)
			continue;
		if ((fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
			goto out;
		close(fd);
		if (mount(src, dst, "none", MS_BIND, NULL) != 0)
			goto out;
	}
	if ((log_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		goto out;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/dev/log");
	if (bind(log_sock, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		goto out;
	r = 0;
 out:
	/* The nodes stay bound on their own. Nothing of the real /dev may
	 * remain reachable under the temporary directory, which is removed
	 * file by file at the end of the test. */
	if (umount2(scratch, MNT_DETACH) != 0 || rmdir(scratch) != 0) {
		printf("Bail out! cannot unmount %s: %s\n", scratch,
		    strerror(errno));
		_exit(99);
	}
	return r;
}

void
pu_caught_clear(struct pu_caught *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->line[i]);
	memset(c, 0, sizeof(*c));
}

void
pu_collect(struct pu_caught *c)
{
	char buf[8192], *tmpbuf;
	ssize_t n;

	pu_caught_clear(c);
	while ((n = recv(log_sock, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		if ((tmpbuf = realloc(log_all, log_all_len + (size_t)n + 2)) ==
		    NULL)
			_exit(PU_CHILD_SKIP);
		log_all = tmpbuf;
		memcpy(log_all + log_all_len, buf, (size_t)n);
		log_all_len += (size_t)n;
		log_all[log_all_len++] = '\n';
		log_all[log_all_len] = '\0';
		if (c->n < PU_LOG_LINES_MAX &&
		    strstr(buf, "pam_jwtsafe(") != NULL)
			c->line[c->n++] = strdup(buf);
	}
}

const char *
pu_decision(const struct pu_caught *c, int *count)
{
	const char *found = NULL;
	int i;

	*count = 0;
	for (i = 0; i < c->n; i++) {
		if (strstr(c->line[i], " result=") != NULL) {
			found = c->line[i];
			(*count)++;
		}
	}
	return *count == 1 ? found : NULL;
}

const char *
pu_log_all(void)
{
	return log_all != NULL ? log_all : "";
}
