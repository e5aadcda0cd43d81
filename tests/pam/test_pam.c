/*
 * The real pam_jwtsafe.so through real libpam: service files written into
 * a private directory name the built module by absolute path and are
 * loaded with pam_start_confdir; a conversation function answers with a
 * token. Authentication goes only through pam_authenticate; the core
 * library is linked only to make keys and tokens.
 *
 * Users: "nobody" and "daemon" (ordinary accounts every Debian-like system
 * has), "root" (uid 0), and names that do not exist.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
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
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "b64url.h"
#include "pamutil.h"
#include "keyfile.h"
#include "sign.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#define ISS      "https://issuer.example"
#define AUD      "ssh:host1.example"
#define SERVICE  "jwtsafe-test"
#define NPROC    32
#define USER     "nobody"
#define OTHER    "daemon"
#define NOUSER   "jwtsafe-no-such-user"

static char tmp[256];
static char ed_path[512];     /* EdDSA public key file */
static char ed2_path[512];    /* another EdDSA key, same kid */
static char hs_path[512];     /* HS256 secret key file, 0600 */
static char es_path[512];     /* ES256 public key file */
static char store[512];       /* the replay store for most cases */
static struct jwtsafe_key *ed, *ed2, *hs, *es;
static int64_t now;
static unsigned jti_counter;

/* Setup steps whose failure the checks after them will show. */
static void
setup(int r)
{
	(void)r;
}

/* ---- helpers: tokens ------------------------------------------------------ */

struct spec {
	const struct jwtsafe_key *key;
	const char *typ;        /* header typ */
	const char *sub;
	const char *iss;
	const char *aud;
	const char *jti;        /* NULL: a fresh one; "": none */
	int64_t iat, exp;
	size_t pad;             /* bytes of an extra "pad" claim */
};

static void
spec_init(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->key = ed;
	s->typ = "JWT";
	s->sub = USER;
	s->iss = ISS;
	s->aud = AUD;
	s->iat = now - 5;
	s->exp = now + 60;
}

static char *
mint(const struct spec *s)
{
	struct jwtsafe_error err = { 0 };
	char hdr[512], jti[64], *pad, *payload = NULL, *tok = NULL;
	const char *j = s->jti;

	if (j == NULL) {
		snprintf(jti, sizeof(jti), "t-%ld-%u", (long)getpid(),
		    ++jti_counter);
		j = jti;
	}
	if ((pad = malloc(s->pad + 1)) == NULL)
		pu_die("malloc");
	memset(pad, 'p', s->pad);
	pad[s->pad] = '\0';
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}",
	    jwtsafe_alg_name(s->key->alg), s->typ, s->key->kid);
	if (asprintf(&payload, "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\","
	    "\"iat\":%lld,\"exp\":%lld%s%s%s%s%s}", s->iss, s->aud, s->sub,
	    (long long)s->iat, (long long)s->exp,
	    *j != '\0' ? ",\"jti\":\"" : "", j, *j != '\0' ? "\"" : "",
	    s->pad > 0 ? ",\"pad\":\"" : "",
	    s->pad > 0 ? pad : "") < 0)
		pu_die("asprintf");
	if (s->pad > 0) {
		char *p2;

		if (asprintf(&p2, "%.*s\"}", (int)(strlen(payload) - 1),
		    payload) < 0)
			pu_die("asprintf");
		free(payload);
		payload = p2;
	}
	if (jwtsafe_sign_raw(s->key, hdr, strlen(hdr), payload,
	    strlen(payload), &tok, &err) != 0) {
		printf("Bail out! sign: %s\n", err.detail);
		exit(99);
	}
	free(pad);
	free(payload);
	return tok;
}

static char *
mint_default(void)
{
	struct spec s;

	spec_init(&s);
	return mint(&s);
}

/* Replace the ES256 signature's s by n - s: the same signature, high-S. */
static char *
make_high_s(const char *tok)
{
	static const unsigned char n[32] = {
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
		0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	unsigned char sig[64];
	size_t siglen = 0, prefix;
	const char *dot = strrchr(tok, '.');
	char enc[JWTSAFE_B64URL_ENCODED_LEN(64)], *out;
	int i, borrow = 0;

	if (dot == NULL || jwtsafe_b64url_decode(dot + 1, strlen(dot + 1), sig,
	    sizeof(sig), &siglen) != 0 || siglen != 64)
		return NULL;
	for (i = 31; i >= 0; i--) {
		int d = (int)n[i] - (int)sig[32 + i] - borrow;

		borrow = d < 0;
		sig[32 + i] = (unsigned char)(d + (borrow ? 256 : 0));
	}
	if (jwtsafe_b64url_encode(sig, 64, enc, sizeof(enc)) < 0)
		return NULL;
	prefix = (size_t)(dot - tok) + 1;
	if (asprintf(&out, "%.*s%s", (int)prefix, tok, enc) < 0)
		return NULL;
	return out;
}

/* ---- helpers: PAM --------------------------------------------------------- */

/* The one service of these tests: optionally the PAM_AUTHTOK helper, then
 * the module with args. */
static void
write_service(const char *args, int with_settok)
{
	pu_write_service(SERVICE, args, with_settok);
}

/* Run pam_authenticate for user on the current service file. authtok,
 * when not NULL, is placed in PAM_AUTHTOK by the helper module. */
static int
run(const char *user, struct pu_conv *cs, const char *authtok)
{
	return pu_run(SERVICE, user, cs, authtok);
}

/* The usual case: the module alone, the conversation answering token. */
static int
auth(const char *args, const char *user, const char *token)
{
	return pu_auth(SERVICE, args, user, token);
}

/* Module arguments: the standard EdDSA line with its own replay store,
 * then extra. Rotating static buffers. */
static const char *
line(const char *fmt, ...)
{
	static char bufs[8][8192];
	static int next;
	char extra[4096];
	char *b = bufs[next++ % 8];
	va_list ap;

	extra[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(extra, sizeof(extra), fmt, ap);
		va_end(ap);
	}
	pu_pathf(b, sizeof(bufs[0]),
	    "alg=EdDSA keys=%s issuer=" ISS " audience=" AUD " replay=%s %s",
	    ed_path, store, extra);
	return b;
}

/* The same without a replay= option, for noreplay and replay= tests. */
static const char *
line_nostore(const char *extra)
{
	static char bufs[4][8192];
	static int next;
	char *b = bufs[next++ % 4];

	pu_pathf(b, sizeof(bufs[0]),
	    "alg=EdDSA keys=%s issuer=" ISS " audience=" AUD " %s", ed_path,
	    extra);
	return b;
}

#define is_pam(got, want, ...) PU_IS_PAM(got, want, __VA_ARGS__)

/* ---- the cases -------------------------------------------------------------- */

static void
test_basics(void)
{
	struct pu_conv cs = { NULL, PU_CONV_ANSWER, 0, 0, "" };
	char *t = mint_default(), *t2 = mint_default();
	struct spec s;
	char *t3;

	cs.answer = t;
	write_service(line(NULL), 0);
	is_pam(run(USER, &cs, NULL), PAM_SUCCESS,
	    "valid token accepted for its subject's user");
	is_int(cs.calls, 1, "asked once through the conversation");
	is_int(cs.style, PAM_PROMPT_ECHO_OFF, "with echo off");
	ok(strcmp(cs.prompt, "Token: ") == 0, "default prompt \"Token: \"");

	is_pam(auth(line(NULL), OTHER, t2), PAM_AUTH_ERR,
	    "the same kind of token refused for another user");
	is_pam(auth(line(NULL), USER, t2), PAM_SUCCESS,
	    "... and the refused token was not used up: accepted for its user");

	{
		static const char *const near[] = { "nobod", "nobodyx",
		    "Nobody", "nobody ", " nobody" };
		size_t i;

		for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
			spec_init(&s);
			s.sub = near[i];
			t3 = mint(&s);
			is_pam(auth(line(NULL), USER, t3), PAM_AUTH_ERR,
			    "sub \"%s\" is not user \"" USER "\" (byte for "
			    "byte)", near[i]);
			free(t3);
		}
	}

	spec_init(&s);
	s.sub = OTHER;
	t3 = mint(&s);
	is_pam(auth(line(NULL), OTHER, t3), PAM_SUCCESS,
	    "another user with a token for that user");
	free(t);
	free(t2);
	free(t3);
}

static void
test_replay(void)
{
	struct stat st;
	struct spec s;
	char *t = mint_default(), *t2 = mint_default(), *t3;
	char path[600];

	is_pam(auth(line(NULL), USER, t), PAM_SUCCESS, "replay: first use");
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "replay: the same token again refused");
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "replay: and a third time");
	is_pam(auth(line_nostore("noreplay"), USER, t2), PAM_SUCCESS,
	    "noreplay: first use");
	is_pam(auth(line_nostore("noreplay"), USER, t2), PAM_SUCCESS,
	    "noreplay: the same token accepted again");

	spec_init(&s);
	s.jti = "";
	t3 = mint(&s);
	is_pam(auth(line(NULL), USER, t3), PAM_AUTH_ERR,
	    "replay on: a token without jti refused");
	is_pam(auth(line_nostore("noreplay"), USER, t3), PAM_SUCCESS,
	    "noreplay: a token without jti accepted");

	pu_pathf(path, sizeof(path), "%s/fresh-store", tmp);
	free(t);
	t = mint_default();
	{
		char extra[700];

		pu_pathf(extra, sizeof(extra), "replay=%s", path);
		is_pam(auth(line_nostore(extra), USER, t), PAM_SUCCESS,
		    "replay=DIR: a missing store is created");
		ok(stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (st.st_mode & 07777) == 0700, "... with mode 0700");
		is_pam(auth(line_nostore(extra), USER, t), PAM_AUTH_ERR,
		    "replay=DIR: the token is refused the second time");
	}
	free(t);
	free(t2);
	free(t3);
}

static void
test_token_checks(void)
{
	struct spec s;
	char *t, *bad;
	size_t mid;

	spec_init(&s);
	s.iat = now - 400;
	s.exp = now - 100;
	t = mint(&s);
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR, "expired token refused");
	free(t);

	t = mint_default();
	bad = strdup(t);
	mid = (size_t)(strchr(t, '.') - t) + 10;   /* inside the payload */
	bad[mid] = bad[mid] == 'A' ? 'B' : 'A';
	is_pam(auth(line(NULL), USER, bad), PAM_AUTH_ERR,
	    "tampered payload refused");
	bad[mid] = t[mid];
	bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
	is_pam(auth(line(NULL), USER, bad), PAM_AUTH_ERR,
	    "tampered signature refused");
	is_pam(auth(line(NULL), USER, t), PAM_SUCCESS,
	    "control: the untampered token accepted");
	free(bad);
	free(t);

	spec_init(&s);
	s.aud = "ssh:host2.example";
	t = mint(&s);
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "token for another audience refused");
	free(t);
	spec_init(&s);
	s.iss = "https://evil.example";
	t = mint(&s);
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "token from another issuer refused");
	free(t);
	spec_init(&s);
	s.key = ed2;
	t = mint(&s);
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "token signed by another key with the same kid refused");
	free(t);
	spec_init(&s);
	s.key = hs;
	t = mint(&s);
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "HS256 token to an EdDSA line refused");
	free(t);
	t = mint_default();
	is_pam(auth(line(NULL), USER, "not.a.token"), PAM_AUTH_ERR,
	    "garbage refused");
	is_pam(auth(line(NULL), USER, t), PAM_SUCCESS,
	    "control: a token made the same way accepted");
	free(t);
}

static void
test_options(void)
{
	struct pu_conv cs = { NULL, PU_CONV_ANSWER, 0, 0, "" };
	struct spec s;
	char *t, *t2, *hi, path[600], args[2048];

	/* typ */
	spec_init(&s);
	s.typ = "at+jwt";
	t = mint(&s);
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "typ at+jwt refused by the default typ=JWT");
	is_pam(auth(line("typ=at+jwt"), USER, t), PAM_SUCCESS,
	    "typ=at+jwt accepts it");
	free(t);
	t = mint_default();
	is_pam(auth(line("typ=at+jwt"), USER, t), PAM_AUTH_ERR,
	    "typ=at+jwt refuses a JWT-typed token");
	free(t);

	/* max_ttl */
	spec_init(&s);
	s.exp = now + 595;     /* exp - iat = 600 */
	t = mint(&s);
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "a 600 s token refused by the default max_ttl=300");
	is_pam(auth(line("max_ttl=900"), USER, t), PAM_SUCCESS,
	    "max_ttl=900 accepts it");
	free(t);

	/* leeway */
	spec_init(&s);
	s.iat = now - 100;
	s.exp = now - 10;
	t = mint(&s);
	is_pam(auth(line("leeway=0"), USER, t), PAM_AUTH_ERR,
	    "expired 10 s ago: refused with leeway=0");
	is_pam(auth(line(NULL), USER, t), PAM_SUCCESS,
	    "expired 10 s ago: accepted with the default leeway=30");
	free(t);

	/* map= */
	pu_pathf(path, sizeof(path), "%s/users.map", tmp);
	pu_write_file(path, "# test map\next|alice: " USER " " OTHER "\n"
	    "ext|admin: root\n", 0644);
	spec_init(&s);
	s.sub = "ext|alice";
	t = mint(&s);
	t2 = mint(&s);
	is_pam(auth(line("map=%s", path), "bin", t), PAM_AUTH_ERR,
	    "map: a user the subject is not mapped to refused");
	is_pam(auth(line(NULL), USER, t), PAM_AUTH_ERR,
	    "no map: subject ext|alice is not the user");
	is_pam(auth(line("map=%s", path), USER, t), PAM_SUCCESS,
	    "map: ext|alice may act as " USER);
	is_pam(auth(line("map=%s", path), OTHER, t2), PAM_SUCCESS,
	    "map: ext|alice may act as " OTHER);
	free(t);
	free(t2);
	t = mint_default();
	is_pam(auth(line("map=%s", path), USER, t), PAM_AUTH_ERR,
	    "map: sub == user is not enough when the map lacks the subject");
	free(t);

	/* An account line grants its name only at its own uid: OTHER is in
	 * /etc/passwd with another uid, so the line does not grant it. The
	 * control is the same subject given OTHER by a rule line. */
	pu_pathf(path, sizeof(path), "%s/accounts.map", tmp);
	pu_write_file(path, "account " OTHER " 60001 60001 /nonexistent "
	    "/usr/sbin/nologin ext|svc\n", 0644);
	spec_init(&s);
	s.sub = "ext|svc";
	t = mint(&s);
	is_pam(auth(line("map=%s", path), OTHER, t), PAM_AUTH_ERR,
	    "map: an account line does not grant a name that has another uid");
	pu_pathf(path, sizeof(path), "%s/accounts-rule.map", tmp);
	pu_write_file(path, "ext|svc: " OTHER "\n", 0644);
	is_pam(auth(line("map=%s", path), OTHER, t), PAM_SUCCESS,
	    "map: control: the same subject with a rule line for that name");
	free(t);
	pu_pathf(path, sizeof(path), "%s/users.map", tmp);

	/* allow_root, also through the map */
	spec_init(&s);
	s.sub = "root";
	t = mint(&s);
	is_pam(auth(line(NULL), "root", t), PAM_AUTH_ERR,
	    "uid 0 refused without allow_root");
	is_pam(auth(line("allow_root"), "root", t), PAM_SUCCESS,
	    "uid 0 accepted with allow_root");
	free(t);
	spec_init(&s);
	s.sub = "ext|admin";
	t = mint(&s);
	is_pam(auth(line("map=%s", path), "root", t), PAM_AUTH_ERR,
	    "a subject mapped to root refused without allow_root");
	is_pam(auth(line("map=%s allow_root", path), "root", t), PAM_SUCCESS,
	    "... and accepted with allow_root");
	free(t);

	/* allow_high_s */
	spec_init(&s);
	s.key = es;
	t = mint(&s);
	t2 = mint(&s);
	hi = make_high_s(t2);
	pu_pathf(args, sizeof(args), "alg=ES256 keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", es_path, store);
	is_pam(auth(args, USER, t), PAM_SUCCESS, "ES256 low-S token accepted");
	ok(hi != NULL, "high-S variant made");
	is_pam(auth(args, USER, hi), PAM_AUTH_ERR,
	    "ES256 high-S token refused by default");
	pu_pathf(args, sizeof(args), "alg=ES256 keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s allow_high_s", es_path, store);
	is_pam(auth(args, USER, hi), PAM_SUCCESS,
	    "ES256 high-S token accepted with allow_high_s");
	free(t);
	free(t2);
	free(hi);

	/* prompt= (brackets let a PAM argument hold spaces) */
	t = mint_default();
	cs.answer = t;
	write_service(line("[prompt=Enter token: ]"), 0);
	is_pam(run(USER, &cs, NULL), PAM_SUCCESS, "prompt= accepted");
	ok(strcmp(cs.prompt, "Enter token: ") == 0,
	    "the conversation showed the configured prompt (%s)", cs.prompt);
	free(t);

	/* debug */
	t = mint_default();
	is_pam(auth(line("debug"), USER, t), PAM_SUCCESS, "debug accepted");
	free(t);

	/* HS256 with a secret key file */
	spec_init(&s);
	s.key = hs;
	t = mint(&s);
	pu_pathf(args, sizeof(args), "alg=HS256 keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", hs_path, store);
	is_pam(auth(args, USER, t), PAM_SUCCESS,
	    "HS256 with a 0600 secret key file");
	free(t);
	t = mint(&s);
	setup(chmod(hs_path, 0640));
	is_pam(auth(args, USER, t), PAM_AUTHINFO_UNAVAIL,
	    "HS256 secret key file readable by the group refused");
	setup(chmod(hs_path, 0600));
	is_pam(auth(args, USER, t), PAM_SUCCESS, "control: back to 0600");
	free(t);
}

static void
test_authtok(void)
{
	struct pu_conv cs = { NULL, PU_CONV_ANSWER, 0, 0, "" };
	char *t = mint_default(), *t2 = mint_default();

	write_service(line("use_first_pass"), 1);
	memset(&cs, 0, sizeof(cs));
	is_pam(run(USER, &cs, t), PAM_SUCCESS,
	    "use_first_pass: token from an earlier module's PAM_AUTHTOK");
	is_int(cs.calls, 0, "use_first_pass: nothing asked");
	memset(&cs, 0, sizeof(cs));
	cs.answer = t2;
	is_pam(run(USER, &cs, NULL), PAM_AUTH_ERR,
	    "use_first_pass without PAM_AUTHTOK refused");
	is_int(cs.calls, 0, "use_first_pass: never asks");

	free(t);
	t = mint_default();
	write_service(line("try_first_pass"), 1);
	memset(&cs, 0, sizeof(cs));
	is_pam(run(USER, &cs, t), PAM_SUCCESS,
	    "try_first_pass: token from PAM_AUTHTOK");
	is_int(cs.calls, 0, "try_first_pass with PAM_AUTHTOK: nothing asked");
	memset(&cs, 0, sizeof(cs));
	cs.answer = t2;
	is_pam(run(USER, &cs, NULL), PAM_SUCCESS,
	    "try_first_pass without PAM_AUTHTOK: asks");
	is_int(cs.calls, 1, "try_first_pass: asked once");

	free(t);
	t = mint_default();
	write_service(line(NULL), 1);
	memset(&cs, 0, sizeof(cs));
	cs.answer = t;
	is_pam(run(USER, &cs, "an earlier password"), PAM_SUCCESS,
	    "without either option the module asks even if PAM_AUTHTOK is set");
	is_int(cs.calls, 1, "asked once");

	free(t);
	t = mint_default();
	write_service(line("use_first_pass"), 1);
	memset(&cs, 0, sizeof(cs));
	{
		char *nl;

		if (asprintf(&nl, "%s\n", t) < 0)
			pu_die("asprintf");
		is_pam(run(USER, &cs, nl), PAM_SUCCESS,
		    "use_first_pass: trailing newline stripped there too");
		free(nl);
	}
	free(t);
	free(t2);
}

static void
test_input(void)
{
	struct pu_conv cs;
	struct spec s;
	char *t, *with, *lo = NULL, *hi = NULL;
	size_t pad;
	static const char fake[] = "\b\n\r\177INCORRECT";
	char fakepw[64];
	size_t i;

	t = mint_default();
	if (asprintf(&with, "%s\n", t) < 0)
		pu_die("asprintf");
	is_pam(auth(line(NULL), USER, with), PAM_SUCCESS,
	    "a trailing \\n is stripped");
	free(with);
	free(t);
	t = mint_default();
	if (asprintf(&with, "%s\r\n", t) < 0)
		pu_die("asprintf");
	is_pam(auth(line(NULL), USER, with), PAM_SUCCESS,
	    "a trailing \\r\\n is stripped");
	free(with);
	if (asprintf(&with, "%s\n\n", t) < 0)
		pu_die("asprintf");
	is_pam(auth(line("noreplay"), USER, with), PAM_SERVICE_ERR,
	    "control for the next case: replay= with noreplay is refused");
	is_pam(auth(line_nostore("noreplay"), USER, with), PAM_AUTH_ERR,
	    "only one newline is stripped (\\n\\n refused)");
	free(with);
	if (asprintf(&with, "%s ", t) < 0)
		pu_die("asprintf");
	is_pam(auth(line_nostore("noreplay"), USER, with), PAM_AUTH_ERR,
	    "a trailing space is not stripped");
	free(with);
	if (asprintf(&with, " %s", t) < 0)
		pu_die("asprintf");
	is_pam(auth(line_nostore("noreplay"), USER, with), PAM_AUTH_ERR,
	    "a leading space is not stripped");
	free(with);
	free(t);

	/* The largest token <= 8192 bytes and the smallest above. */
	spec_init(&s);
	for (pad = 5800; pad < 6400; pad++) {
		char *c;

		s.pad = pad;
		s.jti = "size-probe";
		c = mint(&s);
		if (strlen(c) <= JWTSAFE_TOKEN_MAX) {
			free(lo);
			lo = c;
		} else {
			hi = c;
			break;
		}
	}
	ok(lo != NULL && hi != NULL, "tokens around 8 KiB made (%zu and %zu "
	    "bytes)", lo ? strlen(lo) : 0, hi ? strlen(hi) : 0);
	if (lo != NULL && hi != NULL) {
		is_pam(auth(line_nostore("noreplay"), USER, lo), PAM_SUCCESS,
		    "a %zu-byte token accepted", strlen(lo));
		is_pam(auth(line_nostore("noreplay"), USER, hi), PAM_AUTH_ERR,
		    "a %zu-byte token refused (over 8 KiB)", strlen(hi));
		if (asprintf(&with, "%s\r\n", lo) < 0)
			pu_die("asprintf");
		is_pam(auth(line_nostore("noreplay"), USER, with), PAM_SUCCESS,
		    "the largest token plus \\r\\n accepted (stripped first)");
		free(with);
	}
	free(lo);
	free(hi);
	with = malloc(1024 * 1024 + 1);
	if (with == NULL)
		pu_die("malloc");
	memset(with, 'A', 1024 * 1024);
	with[1024 * 1024] = '\0';
	is_pam(auth(line(NULL), USER, with), PAM_AUTH_ERR,
	    "a 1 MiB answer refused");
	free(with);

	/* sshd's fake password, full and cut */
	for (i = 0; i < sizeof(fakepw) - 1; i++)
		fakepw[i] = fake[i % (sizeof(fake) - 1)];
	fakepw[sizeof(fakepw) - 1] = '\0';
	is_pam(auth(line(NULL), USER, fakepw), PAM_AUTH_ERR,
	    "sshd's fake password refused");
	fakepw[13] = '\0';
	is_pam(auth(line(NULL), USER, fakepw), PAM_AUTH_ERR,
	    "sshd's fake password (one pattern) refused");

	/* the conversation failing */
	write_service(line(NULL), 0);
	memset(&cs, 0, sizeof(cs));
	cs.mode = PU_CONV_FAIL;
	is_pam(run(USER, &cs, NULL), PAM_AUTH_ERR,
	    "a failing conversation is a refusal");
	memset(&cs, 0, sizeof(cs));
	cs.mode = PU_CONV_NULL;
	is_pam(run(USER, &cs, NULL), PAM_AUTH_ERR,
	    "a conversation without a response is a refusal");
	is_pam(auth(line(NULL), USER, ""), PAM_AUTH_ERR,
	    "an empty token is a refusal");
	is_pam(auth(line(NULL), USER, "\n"), PAM_AUTH_ERR,
	    "a lone newline is a refusal");
}

static void
test_users(void)
{
	static const char *bad[] = { "-" USER, "+" USER, "a/b", "a:b",
	    "a b", "a\tb" };
	struct pu_conv cs;
	struct spec s;
	char *t;
	size_t i;

	write_service(line(NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		spec_init(&s);
		s.sub = bad[i];
		if (strchr(bad[i], '\t') != NULL)
			s.sub = "tab";   /* a JSON string cannot hold a raw tab */
		t = mint(&s);
		memset(&cs, 0, sizeof(cs));
		cs.answer = t;
		is_pam(run(bad[i], &cs, NULL), PAM_USER_UNKNOWN,
		    "unsafe user name #%zu refused", i);
		is_int(cs.calls, 0, "... before asking for a token");
		free(t);
	}
	spec_init(&s);
	s.sub = NOUSER;
	t = mint(&s);
	is_pam(auth(line(NULL), NOUSER, t), PAM_USER_UNKNOWN,
	    "a valid token for an unknown user: PAM_USER_UNKNOWN");
	free(t);
	spec_init(&s);
	s.sub = NOUSER;
	t = mint(&s);
	is_pam(auth(line(NULL), NOUSER, "garbage"), PAM_AUTH_ERR,
	    "an unknown user without a valid token: PAM_AUTH_ERR, as for "
	    "anyone (no user enumeration)");
	free(t);
}

static void
test_config_errors(void)
{
	struct pu_conv cs;
	char *t = mint_default();
	char args[4096], dir[600], path[700], link[700];
	static const char *const bad_opts[] = {
		"isuer=" ISS, "debug=1", "max_ttl=0", "max_ttl=86401",
		"leeway=301", "leeway=abc", "typ=", "map=relative.map",
		"alg=EdDSA", "use_first_pass try_first_pass", "prompt",
	};
	size_t i;

	/* options: a control first, then one bad option each */
	is_pam(auth(line(NULL), USER, t), PAM_SUCCESS,
	    "control: the standard line accepts a fresh token");
	free(t);
	t = mint_default();
	for (i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
		write_service(line("%s", bad_opts[i]), 0);
		memset(&cs, 0, sizeof(cs));
		cs.answer = t;
		is_pam(run(USER, &cs, NULL), PAM_SERVICE_ERR,
		    "bad option \"%s\" fails closed", bad_opts[i]);
		is_int(cs.calls, 0, "... without asking for a token");
	}
	pu_pathf(args, sizeof(args), "alg=EdDSA keys=%s isuer=" ISS
	    " audience=" AUD " replay=%s", ed_path, store);
	is_pam(auth(args, USER, t), PAM_SERVICE_ERR,
	    "isuer= instead of issuer= fails closed");
	pu_pathf(args, sizeof(args), "keys=%s issuer=" ISS " audience=" AUD
	    " replay=%s", ed_path, store);
	is_pam(auth(args, USER, t), PAM_SERVICE_ERR, "alg= missing");
	pu_pathf(args, sizeof(args), "alg=EdDSA issuer=" ISS " audience=" AUD
	    " replay=%s", store);
	is_pam(auth(args, USER, t), PAM_SERVICE_ERR, "keys= missing");
	pu_pathf(args, sizeof(args), "alg=EdDSA keys=%s audience=" AUD
	    " replay=%s", ed_path, store);
	is_pam(auth(args, USER, t), PAM_SERVICE_ERR, "issuer= missing");
	pu_pathf(args, sizeof(args), "alg=EdDSA keys=%s issuer=" ISS
	    " replay=%s", ed_path, store);
	is_pam(auth(args, USER, t), PAM_SERVICE_ERR, "audience= missing");
	is_pam(auth("", USER, t), PAM_SERVICE_ERR, "no options at all");
	pu_pathf(args, sizeof(args), "alg=none keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", ed_path, store);
	is_pam(auth(args, USER, t), PAM_SERVICE_ERR, "alg=none refused");
	is_pam(auth(line_nostore("replay=relative/store"), USER, t),
	    PAM_SERVICE_ERR, "relative replay= refused");

	/* the key file */
	pu_pathf(args, sizeof(args), "alg=ES256 keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", ed_path, store);
	is_pam(auth(args, USER, t), PAM_AUTHINFO_UNAVAIL,
	    "alg=ES256 with an EdDSA key file fails closed");
	pu_pathf(path, sizeof(path), "%s/keys/missing.pub", tmp);
	pu_pathf(args, sizeof(args), "alg=EdDSA keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", path, store);
	write_service(args, 0);
	memset(&cs, 0, sizeof(cs));
	cs.answer = t;
	is_pam(run(USER, &cs, NULL), PAM_AUTHINFO_UNAVAIL,
	    "missing key file fails closed");
	is_int(cs.calls, 0, "... without asking for a token");

	setup(chmod(ed_path, 0664));
	is_pam(auth(line(NULL), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "group-writable key file fails closed");
	setup(chmod(ed_path, 0646));
	is_pam(auth(line(NULL), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "world-writable key file fails closed");
	setup(chmod(ed_path, 0644));
	pu_pathf(dir, sizeof(dir), "%s/keys", tmp);
	setup(chmod(dir, 0777));
	is_pam(auth(line(NULL), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "key file in a world-writable directory fails closed");
	setup(chmod(dir, 0755));
	if (geteuid() == 0) {
		setup(chown(ed_path, 65534, 65534));
		is_pam(auth(line(NULL), USER, t), PAM_AUTHINFO_UNAVAIL,
		    "key file owned by another user fails closed");
		setup(chown(ed_path, 0, 0));
		setup(chown(dir, 65534, 65534));
		is_pam(auth(line(NULL), USER, t), PAM_AUTHINFO_UNAVAIL,
		    "key directory owned by another user fails closed");
		setup(chown(dir, 0, 0));
	} else {
		tap_skip("needs root to chown", "foreign owner of the key file");
		tap_skip("needs root to chown", "foreign owner of the key dir");
	}
	pu_pathf(link, sizeof(link), "%s/keys/link.pub", tmp);
	setup(symlink(ed_path, link));
	pu_pathf(args, sizeof(args), "alg=EdDSA keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", link, store);
	is_pam(auth(args, USER, t), PAM_AUTHINFO_UNAVAIL,
	    "key file reached through a symlink fails closed");

	/* the map file */
	pu_pathf(path, sizeof(path), "%s/missing.map", tmp);
	is_pam(auth(line("map=%s", path), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "missing map file fails closed");
	pu_pathf(path, sizeof(path), "%s/open.map", tmp);
	pu_write_file(path, USER ": " USER "\n", 0666);
	is_pam(auth(line("map=%s", path), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "world-writable map file fails closed");
	pu_pathf(path, sizeof(path), "%s/bad.map", tmp);
	pu_write_file(path, USER ": " USER "\n" USER " " USER "\n", 0644);
	is_pam(auth(line("map=%s", path), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "malformed map file fails closed");
	pu_write_file(path, USER ": " USER "\n", 0644);
	is_pam(auth(line("map=%s", path), USER, t), PAM_SUCCESS,
	    "control: the same map, well-formed, accepts the token");
	free(t);
}

static void
test_store_errors(void)
{
	char dir[600], st[700], extra[800];
	char *t = mint_default();
	pid_t pid;
	int code, fd;

	/* a file where the store should be */
	pu_pathf(st, sizeof(st), "%s/file-store", tmp);
	if ((fd = open(st, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	pu_pathf(extra, sizeof(extra), "replay=%s", st);
	is_pam(auth(line_nostore(extra), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "a file in place of the replay store fails closed");

	/* a store under a directory others may write */
	pu_pathf(dir, sizeof(dir), "%s/open", tmp);
	setup(mkdir(dir, 0777));
	setup(chmod(dir, 0777));
	pu_pathf(st, sizeof(st), "%s/store", dir);
	pu_pathf(extra, sizeof(extra), "replay=%s", st);
	is_pam(auth(line_nostore(extra), USER, t), PAM_AUTHINFO_UNAVAIL,
	    "a store under a world-writable parent fails closed");
	ok(access(st, F_OK) != 0, "... and was not created there");
	setup(chmod(dir, 0755));

	/* a store that cannot be written */
	pu_pathf(st, sizeof(st), "%s/ro-store", tmp);
	pu_pathf(extra, sizeof(extra), "replay=%s", st);
	setup(mkdir(st, 0700));
	fflush(stdout);
	if (geteuid() != 0) {
		setup(chmod(st, 0500));
		is_pam(auth(line_nostore(extra), USER, t), PAM_AUTHINFO_UNAVAIL,
		    "a read-only (0500) store fails closed");
		setup(chmod(st, 0700));
	} else if ((pid = fork()) == 0) {
		pu_child_private_ns();
		if (mount(st, st, "none", MS_BIND, NULL) != 0 ||
		    mount("none", st, "none", MS_REMOUNT | MS_BIND | MS_RDONLY,
		    NULL) != 0)
			_exit(PU_CHILD_SKIP);
		code = auth(line_nostore(extra), USER, t);
		free(t);        /* the child's copy: no leak for valgrind */
		_exit(code);
	} else {
		code = pu_wait_child(pid);
		if (code == PU_CHILD_SKIP)
			tap_skip("no mount namespace", "read-only store");
		else
			is_pam(code, PAM_AUTHINFO_UNAVAIL,
			    "a read-only (bind-mounted) store fails closed");
	}
	is_pam(auth(line_nostore(extra), USER, t), PAM_SUCCESS,
	    "the token was not used up: accepted once the store is writable");
	is_pam(auth(line_nostore(extra), USER, t), PAM_AUTH_ERR,
	    "... and only once");
	free(t);
}

/* ---- log lines: captured on our own /dev/log in a private namespace ---- */

static int report_fd = -1;

/* In the log child: record one check for the parent to print. */
static void report(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
report(int cond, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%d ", cond ? 1 : 0);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = '\0';
	strcat(buf, "\n");
	if (write(report_fd, buf, strlen(buf)) < 0)
		_exit(PU_CHILD_SKIP);
}

/* Authenticate and check the decision line: exactly one, with the given
 * syslog priority and every wanted substring. */
static void
expect_log(const char *what, const char *args, const char *user,
    const char *answer, enum pu_conv_mode mode, int pri,
    const char *const *want)
{
	struct pu_conv cs = { answer, mode, 0, 0, "" };
	struct pu_caught c = { { NULL }, 0 };
	const char *l;
	char prefix[16];
	int count, i;

	write_service(args, 0);
	(void)run(user, &cs, NULL);
	pu_collect(&c);
	l = pu_decision(&c, &count);
	report(count == 1, "log: %s: exactly one decision line (%d)", what,
	    count);
	if (l == NULL) {
		pu_caught_clear(&c);
		return;
	}
	snprintf(prefix, sizeof(prefix), "<%d>", 80 + pri);   /* LOG_AUTHPRIV */
	report(strncmp(l, prefix, strlen(prefix)) == 0,
	    "log: %s: priority %s", what, prefix);
	for (i = 0; want[i] != NULL; i++)
		report(strstr(l, want[i]) != NULL, "log: %s: has %s", what,
		    want[i]);
	pu_caught_clear(&c);
}

static void
b64(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	if (jwtsafe_b64url_encode(p, n, out, outlen) < 0)
		out[0] = '\0';
}

static void
log_child(void)
{
	struct pu_caught c = { { NULL }, 0 };
	struct pu_conv cs = { NULL, PU_CONV_ANSWER, 0, 0, "" };
	struct spec s;
	char *t, *t2, *hi, *tokens[16], fp[32], want1[128], want2[128];
	char path[700], args[2048], keyb64[1024];
	char fake[40], olddev[600];
	int ntok = 0, i, count, debug_lines;
	const char *l;
	static const char junk[] = "\b\n\r\177INCORRECT";

	pu_pathf(olddev, sizeof(olddev), "%s/olddev", tmp);
	if (pu_log_capture_setup(olddev) != 0)
		_exit(PU_CHILD_SKIP);

	/* accepted: every field */
	t = tokens[ntok++] = mint_default();
	jwtsafe_fingerprint(t, strlen(t), fp, 8);
	snprintf(want1, sizeof(want1), "fp=%s ", fp);
	{
		const char *w[] = { "pam_jwtsafe(" SERVICE ":auth): ",
		    "result=accepted reason=ok pam=success ",
		    "service=\"" SERVICE "\" ", "user=\"" USER "\" ",
		    "rhost=\"192.0.2.7\" ", "sub=\"" USER "\" ",
		    "kid=\"ed-1\" ", "jti=\"t-", want1, "high_s=0 ",
		    "detail=\"\"", NULL };

		expect_log("accepted", line(NULL), USER, t, PU_CONV_ANSWER, 6, w);
	}
	{
		const char *w[] = { "result=refused reason=replay pam=auth_err ",
		    want1, "sub=\"" USER "\" ", NULL };

		expect_log("replay", line(NULL), USER, t, PU_CONV_ANSWER, 5, w);
	}
	spec_init(&s);
	s.iat = now - 400;
	s.exp = now - 100;
	t = tokens[ntok++] = mint(&s);
	{
		const char *w[] = { "result=refused reason=expired ",
		    "sub=- kid=- jti=- ", NULL };

		expect_log("expired (claims of an unverified token are not "
		    "logged)", line(NULL), USER, t, PU_CONV_ANSWER, 5, w);
	}
	spec_init(&s);
	s.aud = "ssh:other.example";
	t = tokens[ntok++] = mint(&s);
	{
		const char *w[] = { "reason=audience pam=auth_err", NULL };

		expect_log("wrong audience", line(NULL), USER, t, PU_CONV_ANSWER,
		    5, w);
	}
	t = tokens[ntok++] = mint_default();
	{
		const char *w[] = { "reason=user-refused pam=auth_err",
		    "user=\"" OTHER "\"", "sub=\"" USER "\"", NULL };

		expect_log("subject not the user", line(NULL), OTHER, t,
		    PU_CONV_ANSWER, 5, w);
	}
	{
		const char *w[] = { "reason=config pam=service_err",
		    "isuer", NULL };

		expect_log("unknown option", line("isuer=x"), USER, t,
		    PU_CONV_ANSWER, 3, w);
	}
	pu_pathf(path, sizeof(path), "%s/keys/missing.pub", tmp);
	pu_pathf(args, sizeof(args), "alg=EdDSA keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", path, store);
	{
		const char *w[] = { "result=refused reason=system "
		    "pam=authinfo_unavail", "fp=- ", NULL };

		expect_log("missing key file", args, USER, t, PU_CONV_ANSWER, 3, w);
	}
	setup(chmod(ed_path, 0666));
	{
		const char *w[] = { "reason=unsafe-file pam=authinfo_unavail",
		    "ed.pub", NULL };

		expect_log("unsafe key file", line(NULL), USER, t, PU_CONV_ANSWER,
		    3, w);
	}
	setup(chmod(ed_path, 0644));
	pu_pathf(path, sizeof(path), "%s/file-store", tmp);
	pu_pathf(args, sizeof(args), "replay=%s", path);
	{
		const char *w[] = { "reason=replay-store pam=authinfo_unavail",
		    NULL };

		expect_log("unusable replay store", line_nostore(args), USER, t,
		    PU_CONV_ANSWER, 3, w);
	}
	for (i = 0; i < 26; i++)
		fake[i] = junk[i % 13];
	fake[26] = '\0';
	{
		const char *w[] = { "reason=sshd-fake-password pam=auth_err",
		    "PermitRootLogin", NULL };

		expect_log("sshd fake password", line(NULL), USER, fake,
		    PU_CONV_ANSWER, 5, w);
	}
	{
		const char *w[] = { "reason=no-token pam=auth_err", "fp=- ",
		    NULL };

		expect_log("failed conversation", line(NULL), USER, NULL,
		    PU_CONV_FAIL, 5, w);
	}
	{
		char *big = malloc(JWTSAFE_TOKEN_MAX + 2);
		const char *w[] = { "reason=token-too-long pam=auth_err",
		    "fp=- ", NULL };

		if (big == NULL)
			_exit(PU_CHILD_SKIP);
		memset(big, 'A', JWTSAFE_TOKEN_MAX + 1);
		big[JWTSAFE_TOKEN_MAX + 1] = '\0';
		expect_log("token over 8 KiB", line(NULL), USER, big,
		    PU_CONV_ANSWER, 5, w);
		free(big);
	}
	{
		const char *w[] = { "reason=user-refused pam=user_unknown",
		    "user=\"-" USER "\"", NULL };

		expect_log("unsafe user name", line(NULL), "-" USER, t,
		    PU_CONV_ANSWER, 5, w);
	}
	{
		const char *w[] = { "user=\"a\\x1b[1mb\"", NULL };

		expect_log("control bytes in the user name are escaped",
		    line(NULL), "a\x1b[1mb", t, PU_CONV_ANSWER, 5, w);
	}

	/* escaping of values from a verified token */
	pu_pathf(path, sizeof(path), "%s/log.map", tmp);
	pu_write_file(path, "j\xc3\xb6rg \"q\" \\x: " USER "\n", 0644);
	spec_init(&s);
	s.sub = "j\xc3\xb6rg \\\"q\\\" \\\\x";   /* JSON escapes */
	t = tokens[ntok++] = mint(&s);
	{
		const char *w[] = { "result=accepted",
		    "sub=\"j\\xc3\\xb6rg \\\"q\\\" \\\\x\" ", NULL };

		expect_log("non-ASCII, quote and backslash escaped", line("map=%s",
		    path), USER, t, PU_CONV_ANSWER, 6, w);
	}

	/* high-S accepted with allow_high_s is marked */
	spec_init(&s);
	s.key = es;
	t2 = mint(&s);
	hi = tokens[ntok++] = make_high_s(t2);
	free(t2);
	pu_pathf(args, sizeof(args), "alg=ES256 keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s allow_high_s", es_path, store);
	{
		const char *w[] = { "result=accepted", "high_s=1 ",
		    "high-S", NULL };

		expect_log("high-S acceptance", args, USER, hi, PU_CONV_ANSWER, 6,
		    w);
	}

	/* debug adds LOG_DEBUG lines only, still one decision */
	t = tokens[ntok++] = mint_default();
	cs.answer = t;
	write_service(line("debug"), 0);
	(void)run(USER, &cs, NULL);
	pu_collect(&c);
	l = pu_decision(&c, &count);
	report(count == 1 && l != NULL && strstr(l, "result=accepted") != NULL,
	    "log: debug: one decision line, accepted");
	for (i = 0, debug_lines = 0; i < c.n; i++) {
		if (strncmp(c.line[i], "<87>", 4) == 0)
			debug_lines++;
	}
	report(debug_lines >= 1 && debug_lines == c.n - 1,
	    "log: debug: the other %d line(s) are LOG_DEBUG", c.n - 1);
	pu_caught_clear(&c);

	/* nothing secret in any line */
	for (i = 0; i < ntok; i++) {
		const char *dot1 = strchr(tokens[i], '.');
		const char *dot2 = strrchr(tokens[i], '.');
		size_t plen;

		report(strstr(pu_log_all(), tokens[i]) == NULL,
		    "log: token #%d never logged", i);
		report(dot2 != NULL && strstr(pu_log_all(), dot2 + 1) == NULL,
		    "log: signature of token #%d never logged", i);
		if (dot1 != NULL && dot2 != NULL && dot2 > dot1) {
			plen = (size_t)(dot2 - dot1 - 1);
			snprintf(want2, sizeof(want2), "%.*s",
			    (int)(plen < 40 ? plen : 40), dot1 + 1);
			report(strstr(pu_log_all(), want2) == NULL,
			    "log: payload of token #%d never logged", i);
		}
	}
	b64(ed->material, ed->material_len, keyb64, sizeof(keyb64));
	report(keyb64[0] != '\0' && strstr(pu_log_all(), keyb64) == NULL,
	    "log: EdDSA secret key never logged");
	b64(ed->pub, 32, keyb64, sizeof(keyb64));
	report(keyb64[0] != '\0' && strstr(pu_log_all(), keyb64) == NULL,
	    "log: EdDSA public key never logged");
	b64(hs->material, hs->material_len, keyb64, sizeof(keyb64));
	report(keyb64[0] != '\0' && strstr(pu_log_all(), keyb64) == NULL,
	    "log: HMAC key never logged");
	report(strchr(pu_log_all(), '\x1b') == NULL &&
	    strchr(pu_log_all(), '\b') == NULL &&
	    strchr(pu_log_all(), '\177') == NULL,
	    "log: no raw control bytes from user input");
	for (i = 0; i < ntok; i++)
		free(tokens[i]);
	_exit(0);
}

/* Run the log checks in a child with its own mount namespace and /dev. */
static void
test_logs(void)
{
	char buf[1024];
	FILE *f;
	pid_t pid;
	int p[2], code, n = 0;

	if (pipe(p) != 0)
		pu_die("pipe");
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(p[0]);
		report_fd = p[1];
		pu_child_private_ns();
		log_child();
	}
	close(p[1]);
	if ((f = fdopen(p[0], "r")) == NULL)
		pu_die("fdopen");
	while (fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		ok(buf[0] == '1', "%s", buf + 2);
		n++;
	}
	fclose(f);
	code = pu_wait_child(pid);
	if (code == PU_CHILD_SKIP && n == 0)
		tap_skip("needs root for a private /dev/log", "log lines");
	else
		is_int(code, 0, "log child finished");
}

static int
race(const char *const *tokens)
{
	pid_t pids[NPROC];
	int go[2], i, wins = 0;
	char c;

	if (pipe(go) != 0)
		pu_die("pipe");
	write_service(line(NULL), 0);
	fflush(stdout);
	for (i = 0; i < NPROC; i++) {
		if ((pids[i] = fork()) == 0) {
			struct pu_conv cs = { tokens[i], PU_CONV_ANSWER, 0, 0,
			    "" };

			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			_exit(run(USER, &cs, NULL) == PAM_SUCCESS ? 0 : 1);
		}
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < NPROC; i++) {
		if (pu_wait_child(pids[i]) == 0)
			wins++;
	}
	return wins;
}

static void
test_concurrency(void)
{
	const char *same[NPROC];
	char *own[NPROC];
	char *t = mint_default();
	int i;

	for (i = 0; i < NPROC; i++) {
		same[i] = t;
		own[i] = mint_default();
	}
	is_int(race(same), 1, "%d authentications with one token at once: "
	    "exactly one succeeds", NPROC);
	is_int(race((const char *const *)own), NPROC,
	    "%d authentications with distinct tokens at once: all succeed",
	    NPROC);
	for (i = 0; i < NPROC; i++)
		free(own[i]);
	free(t);
}

static void
test_setcred_and_symbols(void)
{
	struct pu_conv cs = { NULL, PU_CONV_ANSWER, 0, 0, "" };
	struct pam_conv conv = { pu_conv_fn, &cs };
	pam_handle_t *pamh = NULL;
	void *h;

	write_service(line(NULL), 0);
	if (pam_start_confdir(SERVICE, USER, &conv, pu_confdir, &pamh) ==
	    PAM_SUCCESS) {
		is_pam(pam_setcred(pamh, PAM_ESTABLISH_CRED), PAM_SUCCESS,
		    "pam_setcred returns PAM_SUCCESS");
		pam_end(pamh, PAM_SUCCESS);
	} else {
		ok(0, "pam_start_confdir for pam_setcred");
	}

	h = dlopen(pu_module, RTLD_NOW | RTLD_LOCAL);
	ok(h != NULL, "module loads with dlopen (%s)", h ? "ok" : dlerror());
	if (h == NULL)
		return;
	ok(dlsym(h, "pam_sm_authenticate") != NULL, "exports pam_sm_authenticate");
	ok(dlsym(h, "pam_sm_setcred") != NULL, "exports pam_sm_setcred");
	ok(dlsym(h, "jwtsafe_verify") == NULL &&
	    dlsym(h, "jwtsafe_options_parse") == NULL &&
	    dlsym(h, "jwtsafe_replay_claim") == NULL &&
	    dlsym(h, "jwtsafe_usermap_allows") == NULL,
	    "core functions are not exported");
	ok(dlsym(h, "pam_sm_acct_mgmt") == NULL,
	    "no account management entry point");
	dlclose(h);
}

static void
make_keys(void)
{
	struct jwtsafe_key *pub = NULL;
	struct jwtsafe_error err = { 0 };
	char dir[600];

	pu_pathf(dir, sizeof(dir), "%s/keys", tmp);
	if (mkdir(dir, 0755) != 0)
		pu_die(dir);
	ed = tu_keygen(JWTSAFE_ALG_EDDSA, "ed-1");
	ed2 = tu_keygen(JWTSAFE_ALG_EDDSA, "ed-1");
	hs = tu_keygen(JWTSAFE_ALG_HS256, "hs-1");
	es = tu_keygen(JWTSAFE_ALG_ES256, "es-1");

	pu_pathf(ed_path, sizeof(ed_path), "%s/ed.pub", dir);
	pub = tu_pub(ed);
	pu_write_keyfile(ed_path, pub, 0644);
	jwtsafe_key_free(pub);
	pu_pathf(ed2_path, sizeof(ed2_path), "%s/ed2.pub", dir);
	pub = tu_pub(ed2);
	pu_write_keyfile(ed2_path, pub, 0644);
	jwtsafe_key_free(pub);
	pu_pathf(es_path, sizeof(es_path), "%s/es.pub", dir);
	pub = tu_pub(es);
	pu_write_keyfile(es_path, pub, 0644);
	jwtsafe_key_free(pub);
	pu_pathf(hs_path, sizeof(hs_path), "%s/hs.key", dir);
	pu_write_keyfile(hs_path, hs, 0600);
	(void)err;
}

int
main(void)
{
	if (pu_init() != 0) {
		printf("Bail out! module not built: %s\n", pu_module);
		return 99;
	}
	if (jwtsafe_init() != 0)
		pu_die("jwtsafe_init");
	now = (int64_t)time(NULL);

	pu_pathf(tmp, sizeof(tmp), "%s", tu_tmpdir());
	pu_pathf(pu_confdir, sizeof(pu_confdir), "%s/pam.d", tmp);
	pu_pathf(store, sizeof(store), "%s/replay", tmp);
	if (mkdir(pu_confdir, 0755) != 0)
		pu_die(pu_confdir);
	make_keys();

	test_basics();
	test_replay();
	test_token_checks();
	test_options();
	test_authtok();
	test_input();
	test_users();
	test_config_errors();
	test_store_errors();
	test_concurrency();
	test_logs();
	test_setcred_and_symbols();

	jwtsafe_key_free(ed);
	jwtsafe_key_free(ed2);
	jwtsafe_key_free(hs);
	jwtsafe_key_free(es);
	tu_rmtree(tmp);
	return tap_done();
}
