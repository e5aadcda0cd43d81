/*
 * pam_jwtsafe: accept a short-lived signed JWT instead of a password.
 *
 * The entry point is a straight line: options -> user name -> key file,
 * map file and replay store -> token -> verify -> subject map -> account
 * (uid 0) -> replay claim -> success. Every step that fails jumps to one
 * exit, which writes exactly one log line for the decision. The result
 * starts as a failure and becomes PAM_SUCCESS only after the last step.
 *
 * Result codes:
 *   PAM_SUCCESS          a valid token whose subject may act as the user
 *   PAM_AUTH_ERR         any refused token or use of it: no token, a
 *                        conversation that failed, too long, sshd's fake
 *                        password, any verification failure, a subject not
 *                        mapped to the user, uid 0 without allow_root,
 *                        a token already used
 *   PAM_USER_UNKNOWN     a PAM user name that is unsafe (pam_unix's rules),
 *                        or, after a valid token, unknown to NSS
 *   PAM_SERVICE_ERR      the module options on the PAM line are wrong
 *   PAM_AUTHINFO_UNAVAIL the key file, map file or replay store cannot be
 *                        used, the user lookup failed, or another system
 *                        error
 */
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "err.h"
#include "options.h"
#include "replay.h"
#include "safefile.h"
#include "usermap.h"
#include "util.h"
#include "verifier.h"

#define LOG_VALUE_MAX   64     /* bytes of a logged string before "..." */
#define LOG_DETAIL_MAX  JWTSAFE_ERR_DETAIL_MAX
#define FP_BYTES        8      /* token fingerprint: 16 hex characters */
#define PW_BUF_MAX      (1024 * 1024)

/* sshd's stand-in for the password of a user it will not log in. */
static const char sshd_fake_password[] = "\b\n\r\177INCORRECT";

/* What the decision line reports. Strings are NULL until known; sub, kid
 * and jti only ever come from a verified token. */
struct decision {
	const char *service;
	const char *user;
	const char *rhost;
	const char *sub;
	const char *kid;
	const char *jti;
	const char *reason;        /* overrides the error name when set */
	char fp[2 * FP_BYTES + 1]; /* empty until a token was read */
	int high_s;
	struct jwtsafe_error err;
};

/*
 * Quote s for a log line: printable ASCII as is except '"' and '\\'
 * (escaped), every other byte as \xHH; at most max input bytes, then "...".
 * NULL becomes an unquoted "-". out must hold 4 * max + 8 bytes.
 */
static void
log_quote(const char *s, size_t max, char *out, size_t outlen)
{
	size_t i, o = 0;

	if (s == NULL) {
		snprintf(out, outlen, "-");
		return;
	}
	out[o++] = '"';
	for (i = 0; i < max && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 8 >= outlen)
			break;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, outlen - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (s[i] != '\0') {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '"';
	out[o] = '\0';
}

static const char *
pam_rc_name(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:          return "success";
	case PAM_AUTH_ERR:         return "auth_err";
	case PAM_USER_UNKNOWN:     return "user_unknown";
	case PAM_SERVICE_ERR:      return "service_err";
	case PAM_AUTHINFO_UNAVAIL: return "authinfo_unavail";
	default:                   return "other";
	}
}

/*
 * The one line per decision (see doc/pam_jwtsafe.md, "Log lines"):
 *   result=R reason=N pam=P service=".." user=".." rhost=".." sub=".."
 *   kid=".." jti=".." fp=HEX high_s=0|1 detail=".."
 */
static void
log_decision(pam_handle_t *pamh, const struct decision *d, int rc)
{
	char service[4 * LOG_VALUE_MAX + 8], user[4 * LOG_VALUE_MAX + 8];
	char rhost[4 * LOG_VALUE_MAX + 8], sub[4 * LOG_VALUE_MAX + 8];
	char kid[4 * LOG_VALUE_MAX + 8], jti[4 * LOG_VALUE_MAX + 8];
	char detail[4 * LOG_DETAIL_MAX + 8];
	const char *reason;
	int prio;

	log_quote(d->service, LOG_VALUE_MAX, service, sizeof(service));
	log_quote(d->user, LOG_VALUE_MAX, user, sizeof(user));
	log_quote(d->rhost, LOG_VALUE_MAX, rhost, sizeof(rhost));
	log_quote(d->sub, LOG_VALUE_MAX, sub, sizeof(sub));
	log_quote(d->kid, LOG_VALUE_MAX, kid, sizeof(kid));
	log_quote(d->jti, LOG_VALUE_MAX, jti, sizeof(jti));

	if (rc == PAM_SUCCESS) {
		reason = "ok";
		prio = LOG_INFO;
		log_quote(d->high_s ? "accepted with a high-S signature "
		    "(allow_high_s)" : "", LOG_DETAIL_MAX, detail,
		    sizeof(detail));
	} else {
		if (d->reason != NULL)
			reason = d->reason;
		else if (d->err.code == 0)
			reason = "internal";   /* a path that set no error */
		else
			reason = jwtsafe_err_name(d->err.code);
		prio = (rc == PAM_SERVICE_ERR || rc == PAM_AUTHINFO_UNAVAIL) ?
		    LOG_ERR : LOG_NOTICE;
		log_quote(d->err.detail, LOG_DETAIL_MAX, detail,
		    sizeof(detail));
	}
	pam_syslog(pamh, prio, "result=%s reason=%s pam=%s service=%s "
	    "user=%s rhost=%s sub=%s kid=%s jti=%s fp=%s high_s=%d detail=%s",
	    rc == PAM_SUCCESS ? "accepted" : "refused", reason, pam_rc_name(rc),
	    service, user, rhost, sub, kid, jti,
	    d->fp[0] != '\0' ? d->fp : "-", d->high_s, detail);
}

/*
 * Keep this module, and the libraries it brought in (libsodium, libcjson;
 * libcrypto pins itself), loaded until the process exits. libpam unloads a
 * module at every pam_end, so a process that authenticates more than once
 * (a daemon, a long-lived sudo or su front end, the tests) would otherwise
 * map them again and rerun their initialisation (sodium_init's CPU feature
 * probe, for one) on every transaction: the larger part of a transaction's
 * cost (see doc/benchmark.md). Nothing of one transaction outlives it: the
 * module keeps no state between calls; what stays is code and the
 * libraries' once-per-process set-up. A module that cannot pin itself runs
 * as before.
 */
static void
pin_module(void)
{
	static int pinned;
	Dl_info info;

	if (__atomic_load_n(&pinned, __ATOMIC_ACQUIRE))
		return;
	if (dladdr((const void *)&pin_module, &info) != 0 &&
	    info.dli_fname != NULL && dlopen(info.dli_fname,
	    RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != NULL)
		__atomic_store_n(&pinned, 1, __ATOMIC_RELEASE);
}

/*
 * 1 for the errors that jwtsafe_verify reports about the key file line a
 * token selected (jwtsafe_verifier_index_file parses it only then): a
 * broken setup, like a key file that cannot be read, not a bad token.
 */
static int
is_key_file_error(int code)
{
	switch (code) {
	case JWTSAFE_ERR_KEY_FORMAT:
	case JWTSAFE_ERR_KEY_CHECKSUM:
	case JWTSAFE_ERR_KEY_ALG:
	case JWTSAFE_ERR_KEY_PURPOSE:
	case JWTSAFE_ERR_KEY_DUPLICATE_KID:
	case JWTSAFE_ERR_KEY_INVALID:
	case JWTSAFE_ERR_KEY_NONE:
		return 1;
	default:
		return 0;
	}
}

/* 1 if s[0..len) is sshd's fake password (its pattern, cut to any length). */
static int
is_sshd_fake_password(const char *s, size_t len)
{
	size_t i, plen = sizeof(sshd_fake_password) - 1;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] != sshd_fake_password[i % plen])
			return 0;
	}
	return 1;
}

/*
 * Get the token into a new buffer (*out, *outlen; wiped and freed by the
 * caller), from PAM_AUTHTOK or the conversation as the options say.
 * Strips one trailing "\n" or "\r\n"; refuses more than JWTSAFE_TOKEN_MAX
 * bytes without reading further. Returns PAM_SUCCESS or an error code with
 * d->err (and maybe d->reason) set.
 */
static int
get_token(pam_handle_t *pamh, const struct jwtsafe_options *opts,
    struct decision *d, char **out, size_t *outlen)
{
	const void *item = NULL;
	const char *raw = NULL;
	char *resp = NULL, *copy = NULL;
	size_t n;
	int pr, rc = PAM_AUTH_ERR;

	*out = NULL;
	*outlen = 0;
	if (opts->authtok != JWTSAFE_AUTHTOK_PROMPT) {
		pr = pam_get_item(pamh, PAM_AUTHTOK, &item);
		if (pr == PAM_SUCCESS && item != NULL) {
			raw = item;
		} else if (opts->authtok == JWTSAFE_AUTHTOK_USE_FIRST) {
			jwtsafe_err_set(&d->err, JWTSAFE_ERR_TOKEN_SEGMENTS,
			    "use_first_pass: no token (PAM_AUTHTOK) from an "
			    "earlier module");
			d->reason = "no-token";
			goto out;
		}
	}
	if (raw == NULL) {
		pr = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s",
		    opts->prompt);
		if (pr != PAM_SUCCESS || resp == NULL) {
			jwtsafe_err_set(&d->err, JWTSAFE_ERR_TOKEN_SEGMENTS,
			    "conversation failed: %s", pr != PAM_SUCCESS ?
			    pam_strerror(pamh, pr) : "no response");
			d->reason = "no-token";
			goto out;
		}
		/* Offer it to later modules, as pam_unix does. */
		if ((pr = pam_set_item(pamh, PAM_AUTHTOK, resp)) !=
		    PAM_SUCCESS) {
			jwtsafe_err_set(&d->err, JWTSAFE_ERR_SYSTEM,
			    "cannot set PAM_AUTHTOK: %s",
			    pam_strerror(pamh, pr));
			rc = PAM_AUTHINFO_UNAVAIL;
			goto out;
		}
		raw = resp;
	}

	/* Never look past JWTSAFE_TOKEN_MAX plus a "\r\n" and one byte. */
	n = strnlen(raw, JWTSAFE_TOKEN_MAX + 3);
	if (is_sshd_fake_password(raw, n)) {
		jwtsafe_err_set(&d->err, JWTSAFE_ERR_USER_REFUSED,
		    "sshd sent its fake password: the user is unknown to sshd "
		    "or its login is not permitted (PermitRootLogin, "
		    "AllowUsers, DenyUsers)");
		d->reason = "sshd-fake-password";
		goto out;
	}
	if (n > 0 && raw[n - 1] == '\n') {
		n--;
		if (n > 0 && raw[n - 1] == '\r')
			n--;
	}
	if (n > JWTSAFE_TOKEN_MAX) {
		jwtsafe_err_set(&d->err, JWTSAFE_ERR_TOKEN_TOO_LONG,
		    "token longer than %d bytes", JWTSAFE_TOKEN_MAX);
		goto out;
	}
	if (n == 0) {
		jwtsafe_err_set(&d->err, JWTSAFE_ERR_TOKEN_SEGMENTS,
		    "empty token");
		d->reason = "no-token";
		goto out;
	}
	jwtsafe_fingerprint(raw, n, d->fp, FP_BYTES);
	if ((copy = malloc(n + 1)) == NULL) {
		jwtsafe_err_set(&d->err, JWTSAFE_ERR_ALLOC, "token copy");
		rc = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	memcpy(copy, raw, n);
	copy[n] = '\0';
	*out = copy;
	*outlen = n;
	rc = PAM_SUCCESS;
 out:
	jwtsafe_freezero_str(resp);
	return rc;
}

/*
 * Look the user up. Returns PAM_SUCCESS with *uid, PAM_USER_UNKNOWN, or
 * PAM_AUTHINFO_UNAVAIL (lookup error), with d->err set on failure.
 */
static int
lookup_user(const char *user, struct decision *d, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	char *buf = NULL, *tmp;
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t len = sz > 0 && sz <= PW_BUF_MAX ? (size_t)sz : 16384;
	int e, rc = PAM_AUTHINFO_UNAVAIL;

	for (;;) {
		if ((tmp = realloc(buf, len)) == NULL) {
			jwtsafe_err_set(&d->err, JWTSAFE_ERR_ALLOC, "passwd");
			goto out;
		}
		buf = tmp;
		e = getpwnam_r(user, &pw, buf, len, &res);
		if (e != ERANGE || len >= PW_BUF_MAX)
			break;
		len *= 2;
	}
	if (e != 0) {
		jwtsafe_err_set(&d->err, JWTSAFE_ERR_SYSTEM,
		    "user lookup failed: %s", strerror(e));
		goto out;
	}
	if (res == NULL) {
		jwtsafe_err_set(&d->err, JWTSAFE_ERR_USER_REFUSED,
		    "no such user");
		d->reason = "user-unknown";
		rc = PAM_USER_UNKNOWN;
		goto out;
	}
	/* NSS may match names loosely (case-insensitive or aliased); the
	 * subject was compared with the PAM user byte for byte, so the
	 * account must carry exactly that name. */
	if (res->pw_name == NULL || strcmp(res->pw_name, user) != 0) {
		jwtsafe_err_set(&d->err, JWTSAFE_ERR_USER_REFUSED,
		    "the user database returned an account with another name");
		rc = PAM_AUTH_ERR;
		goto out;
	}
	*uid = res->pw_uid;
	rc = PAM_SUCCESS;
 out:
	free(buf);
	return rc;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	struct jwtsafe_options opts;
	struct jwtsafe_file_policy fpol;
	struct jwtsafe_policy policy;
	struct decision d;
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_replay *store = NULL;
	struct jwtsafe_token *tok = NULL;
	const void *item = NULL;
	const char *user = NULL;
	char *token = NULL;
	size_t toklen = 0;
	uid_t uid = (uid_t)-1;
	int r, pr, mapped, rc = PAM_AUTH_ERR;

	(void)flags;
	pin_module();
	memset(&d, 0, sizeof(d));
	jwtsafe_options_defaults(&opts);
	if (pam_get_item(pamh, PAM_SERVICE, &item) == PAM_SUCCESS)
		d.service = item;
	item = NULL;
	if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS)
		d.rhost = item;

	if (jwtsafe_options_parse(argc, argv, &opts, &d.err) != 0) {
		rc = PAM_SERVICE_ERR;
		goto out;
	}
	if (jwtsafe_init() != 0) {
		jwtsafe_err_set(&d.err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");
		rc = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}

	if ((pr = pam_get_user(pamh, &user, NULL)) != PAM_SUCCESS ||
	    user == NULL) {
		jwtsafe_err_set(&d.err, JWTSAFE_ERR_USER_REFUSED,
		    "no user name: %s", pam_strerror(pamh, pr));
		rc = PAM_AUTH_ERR;
		goto out;
	}
	d.user = user;
	if (!jwtsafe_username_valid(user)) {
		jwtsafe_err_set(&d.err, JWTSAFE_ERR_USER_REFUSED,
		    "unsafe user name (empty, too long, leading '-' or '+', "
		    "or holding '/', ':', a space or a control character)");
		rc = PAM_USER_UNKNOWN;
		goto out;
	}

	/* Everything the decision needs from disk, before asking for a
	 * token: a broken setup fails without consuming one. The key file
	 * is indexed; the one key line the token selects is parsed and
	 * checked in jwtsafe_verify. */
	memset(&fpol, 0, sizeof(fpol));
	fpol.owner = geteuid();
	fpol.check_dirs = 1;
	fpol.secret = 0;      /* forced on for HMAC key files */
	fpol.max_size = 0;    /* the key file default */
	rc = PAM_AUTHINFO_UNAVAIL;
	if (jwtsafe_verifier_new(opts.alg, &v, &d.err) != 0 ||
	    jwtsafe_verifier_index_file(v, opts.keys, &fpol, &d.err) != 0)
		goto out;
	if (opts.debug)
		pam_syslog(pamh, LOG_DEBUG, "key file holds %zu %s key(s)",
		    jwtsafe_verifier_key_count(v),
		    jwtsafe_alg_name(jwtsafe_verifier_alg(v)));
	if (opts.map != NULL) {
		fpol.max_size = JWTSAFE_USERMAP_MAX_SIZE;
		if (jwtsafe_usermap_read(opts.map, &fpol, &map, &d.err) != 0)
			goto out;
		if (opts.debug)
			pam_syslog(pamh, LOG_DEBUG, "map has %zu subject(s)",
			    jwtsafe_usermap_count(map));
	}
	if (opts.replay &&
	    jwtsafe_replay_open(opts.replay_dir, geteuid(), &store,
	    &d.err) != 0)
		goto out;
	rc = PAM_AUTH_ERR;

	if ((pr = get_token(pamh, &opts, &d, &token, &toklen)) !=
	    PAM_SUCCESS) {
		rc = pr;
		goto out;
	}
	if (opts.debug)
		pam_syslog(pamh, LOG_DEBUG, "token of %zu bytes, fp=%s",
		    toklen, d.fp);

	jwtsafe_options_policy(&opts, (int64_t)time(NULL), &policy);
	if ((r = jwtsafe_verify(v, token, toklen, &policy, &tok,
	    &d.err)) != 0 || tok == NULL) {
		if (r == 0)
			jwtsafe_err_set(&d.err, JWTSAFE_ERR_INTERNAL,
			    "verifier returned no token");
		if (is_key_file_error(r))
			rc = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	d.sub = tok->sub;
	d.kid = tok->kid;
	d.jti = tok->jti;
	d.high_s = tok->high_s;

	if (map != NULL)
		mapped = jwtsafe_usermap_allows(map, tok->sub, user);
	else
		mapped = tok->sub != NULL && strcmp(tok->sub, user) == 0;
	if (!mapped) {
		jwtsafe_err_set(&d.err, JWTSAFE_ERR_USER_REFUSED,
		    map != NULL ? "the map does not let this subject act as "
		    "the user" : "subject is not the user name");
		goto out;
	}

	if ((pr = lookup_user(user, &d, &uid)) != PAM_SUCCESS) {
		rc = pr;
		goto out;
	}
	/* An account line grants its name only at its own uid: if another
	 * source (/etc/passwd) resolves the name first, that other account
	 * is not what the line declared. */
	if (map != NULL && !jwtsafe_usermap_allows_uid(map, tok->sub, user,
	    uid)) {
		jwtsafe_err_set(&d.err, JWTSAFE_ERR_USER_REFUSED,
		    "the map's account line for this user has another uid");
		goto out;
	}
	if (uid == 0 && !opts.allow_root) {
		jwtsafe_err_set(&d.err, JWTSAFE_ERR_ROOT_REFUSED,
		    "the user has uid 0 and allow_root is not set");
		goto out;
	}

	/* Last: a token refused for any other reason is not used up. */
	if (opts.replay) {
		if (tok->iss == NULL || tok->jti == NULL) {
			jwtsafe_err_set(&d.err, JWTSAFE_ERR_JTI,
			    "no jti with replay protection on");
			goto out;
		}
		r = jwtsafe_replay_claim(store, tok->iss, tok->jti, tok->exp,
		    policy.now, &d.err);
		if (r != 0) {
			rc = r == JWTSAFE_ERR_REPLAY ? PAM_AUTH_ERR :
			    PAM_AUTHINFO_UNAVAIL;
			goto out;
		}
	}

	memset(&d.err, 0, sizeof(d.err));
	rc = PAM_SUCCESS;
 out:
	log_decision(pamh, &d, rc);
	jwtsafe_token_free(tok);
	jwtsafe_replay_close(store);
	jwtsafe_usermap_free(map);
	jwtsafe_verifier_free(v);
	if (token != NULL)
		jwtsafe_freezero(token, toklen + 1);
	return rc;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
