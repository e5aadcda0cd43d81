/*
 * jwtsafe-bench: what a login costs with jwtsafe, side by side with the
 * crypto floor, libjwt, pam_permit and pam_unix, on one machine in one
 * run (issue 5). Prints Markdown tables.
 *
 *   jwtsafe-bench [--quick] [--only SECTIONS]
 *       SECTIONS: a comma-separated subset of
 *       core,pam,replay,keys,callgrind,memcheck (default: all)
 *   jwtsafe-bench --verify-loop core|raw ALG N KEYFILE TOKENFILE NOW
 *       N verifications of one token, for callgrind (see below).
 *
 * Every time is the median of several repetitions, with the minimum and
 * maximum beside it; the repetitions of the variants that are compared
 * with each other are interleaved, so that a noisy neighbour slows all of
 * them alike. Ratios are of medians measured in the same run.
 *
 * Sections:
 *   core       per algorithm: jwtsafe_verify on a verifier with the key
 *              loaded, against the raw primitive on the same bytes and
 *              against libjwt's jwt_decode with the key as libjwt takes it.
 *   pam        pam_start_confdir -> pam_authenticate -> pam_end through
 *              libpam in bench_pamchild (a process linking libpam only):
 *              pam_jwtsafe (EdDSA, key file from disk, replay store on and
 *              off), pam_permit, pam_unix with a yescrypt password; in a
 *              loop and as the first transaction of a fresh process. Runs
 *              in a private mount namespace over a copy of /etc (the test
 *              user exists only there) with a /dev/log of its own; needs
 *              root, else "n/a".
 *   replay     time per accepted jti with 0, 10,000 and 1,000,000 live
 *              records in the store.
 *   keys       one login's key work (verifier, key file, verification) with
 *              a key file of 1 and of 1,000 keys, the token's kid naming
 *              the last one.
 *   callgrind  instructions per verification, from two callgrind runs of
 *              --verify-loop with different N (start-up cancels out).
 *   memcheck   bench_pamchild with pam_jwtsafe under valgrind memcheck.
 *
 * --quick runs everything small (a smoke test: seconds, not minutes) and
 * skips the valgrind sections. Nothing here is a pass/fail test of speed:
 * the tables say which targets are met.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_XCRYPT
#include <crypt.h>
#endif
#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>
#ifdef HAVE_LIBJWT
#include <jwt.h>
#endif

#include "alg.h"
#include "b64url.h"
#include "err.h"
#include "key.h"
#include "keyfile.h"
#include "replay.h"
#include "safefile.h"
#include "sign.h"
#include "util.h"
#include "verifier.h"

#ifndef BENCH_MODULE
#define BENCH_MODULE "pam_jwtsafe.so"
#endif
#ifndef BENCH_PAMCHILD
#define BENCH_PAMCHILD "bench_pamchild"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif
#ifndef BENCH_SANITIZED
#define BENCH_SANITIZED 0
#endif

#define ISS       "https://issuer.bench.example"
#define AUD       "bench:host.example"
#define USER      "jwtbench"
#define PASSWORD  "correct horse battery staple"
#define REPS_MAX  64
#define NALG      6

/* ---- settings ------------------------------------------------------------ */

struct settings {
	int quick;
	int reps;               /* repetitions of each micro benchmark */
	int64_t batch_ns;       /* time one repetition runs for */
	int pam_reps;           /* loop samples per PAM case */
	int pam_loop_n;         /* transactions per loop sample */
	int unix_loop_n;        /* the same for pam_unix (yescrypt is slow) */
	int fresh_n;            /* fresh-process samples per PAM case */
	long replay_sizes[3];
	int replay_accepts;     /* accepts per repetition */
	int keyfile_big;        /* keys in the big key file */
	int cg_n1, cg_n2;       /* callgrind verification counts */
};

static struct settings S;
static char workdir[256];      /* everything the benchmark writes */
static char selfexe[PATH_MAX];
static char notes[8192];        /* lines printed after the tables */

static void
note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
note(const char *fmt, ...)
{
	size_t len = strlen(notes);
	va_list ap;

	if (len + 4 >= sizeof(notes))
		return;
	notes[len++] = '-';
	notes[len++] = ' ';
	va_start(ap, fmt);
	vsnprintf(notes + len, sizeof(notes) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(notes);
	notes[len] = '\n';
	notes[len + 1] = '\0';
}

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "jwtsafe-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void
die_err(const char *what, const struct jwtsafe_error *err)
    __attribute__((noreturn));

static void
die_err(const char *what, const struct jwtsafe_error *err)
{
	die("%s: %s (%s)", what, jwtsafe_err_name(err->code), err->detail);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
pathf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		die("path too long");
}

static void
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;
	ssize_t w;
	const char *p = data;

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) < 0)
		die("open %s: %s", path, strerror(errno));
	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			die("write %s: %s", path, strerror(errno));
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode) != 0 || close(fd) != 0)
		die("close %s: %s", path, strerror(errno));
}

static char *
read_file(const char *path, size_t *lenp)
{
	FILE *f;
	char *buf;
	long len;

	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)len;
	return buf;
}

/*
 * Run argv (argv[0] a path), stdout into *out (malloc'ed, NUL-terminated;
 * NULL to discard), stderr to errpath (NULL: inherited). Returns the exit
 * status, or -1 when the child did not exit normally.
 */
static int
run_cmd(char *const argv[], char **out, const char *errpath)
{
	int pfd[2], st, fd;
	pid_t pid;
	char *buf = NULL, *g;
	size_t len = 0, cap = 0;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(pfd[1], 1) < 0)
			_exit(127);
		if (errpath != NULL) {
			if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC, 0600)) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			if ((g = realloc(buf, cap)) == NULL)
				die("out of memory");
			buf = g;
		}
		n = read(pfd[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pfd[0]);
	if (buf != NULL)
		buf[len] = '\0';
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	}
	if (out != NULL)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first path among candidates that is executable, or NULL. */
static const char *
find_exe(const char *const *candidates)
{
	size_t i;

	for (i = 0; candidates[i] != NULL; i++) {
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	}
	return NULL;
}

static const char *
valgrind_path(void)
{
	static const char *const c[] = { "/usr/bin/valgrind",
	    "/usr/local/bin/valgrind", NULL };

	return find_exe(c);
}

static void
rm_rf(const char *path)
{
	char *argv[] = { (char *)"/bin/rm", (char *)"-rf", (char *)path,
	    NULL };

	(void)run_cmd(argv, NULL, NULL);
}

static void
trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* ---- statistics ----------------------------------------------------------- */

struct stat3 {
	double med, min, max;   /* nanoseconds; med < 0: not measured */
};

static const struct stat3 NOT_MEASURED = { -1, -1, -1 };

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct stat3
stats(const double *v, int n)
{
	double s[REPS_MAX * 4];
	struct stat3 r;
	int i;

	if (n <= 0)
		return NOT_MEASURED;
	if (n > (int)(sizeof(s) / sizeof(s[0])))
		n = (int)(sizeof(s) / sizeof(s[0]));
	for (i = 0; i < n; i++)
		s[i] = v[i];
	qsort(s, (size_t)n, sizeof(s[0]), cmp_double);
	r.min = s[0];
	r.max = s[n - 1];
	r.med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return r;
}

/* "12.3 us" with three significant digits. */
static const char *
fmt_ns(double ns, char *buf, size_t len)
{
	const char *unit = "ns";
	double v = ns;

	if (ns < 0) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	if (ns >= 1e6) {
		v = ns / 1e6;
		unit = "ms";
	} else if (ns >= 1e3) {
		v = ns / 1e3;
		unit = "us";
	}
	if (v >= 100)
		snprintf(buf, len, "%.0f %s", v, unit);
	else if (v >= 10)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.2f %s", v, unit);
	return buf;
}

/* "12.3 us [11.9 .. 14.0]" */
static const char *
fmt_stat(struct stat3 s, char *buf, size_t len)
{
	char a[32], b[32], c[32];

	if (s.med < 0) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	snprintf(buf, len, "%s [%s .. %s]", fmt_ns(s.med, a, sizeof(a)),
	    fmt_ns(s.min, b, sizeof(b)), fmt_ns(s.max, c, sizeof(c)));
	return buf;
}

static const char *
fmt_ratio(double num, double den, char *buf, size_t len)
{
	if (num < 0 || den <= 0)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.2fx", num / den);
	return buf;
}

/* ---- micro benchmarks ----------------------------------------------------- */

typedef int (*bench_fn)(void *ctx);

struct variant {
	bench_fn fn;            /* NULL: not measured */
	void *ctx;
	long batch;
	double sample[REPS_MAX];
	int n;
};

/* Grow the batch until one batch takes batch_ns. fn must return 0. */
static void
calibrate(struct variant *v, const char *what)
{
	int64_t t0, dt;
	long i, b = 1;

	if (v->fn(v->ctx) != 0)
		die("%s: the operation failed", what);
	for (;;) {
		t0 = now_ns();
		for (i = 0; i < b; i++) {
			if (v->fn(v->ctx) != 0)
				die("%s: the operation failed", what);
		}
		dt = now_ns() - t0;
		if (dt >= S.batch_ns / 2 || b >= (1L << 24))
			break;
		b *= 2;
	}
	if (dt > S.batch_ns && b > 1)
		b /= 2;
	v->batch = b;
}

/* Interleaved repetitions of every variant in the group. */
static void
measure_group(struct variant *v, size_t nv, const char *what)
{
	int64_t t0;
	size_t j;
	long i;
	int r;

	for (j = 0; j < nv; j++) {
		if (v[j].fn != NULL)
			calibrate(&v[j], what);
		v[j].n = 0;
	}
	for (r = 0; r < S.reps; r++) {
		for (j = 0; j < nv; j++) {
			if (v[j].fn == NULL)
				continue;
			t0 = now_ns();
			for (i = 0; i < v[j].batch; i++) {
				if (v[j].fn(v[j].ctx) != 0)
					die("%s: the operation failed", what);
			}
			v[j].sample[v[j].n++] = (double)(now_ns() - t0) /
			    (double)v[j].batch;
		}
	}
}

static struct stat3
variant_stats(const struct variant *v)
{
	if (v->fn == NULL)
		return NOT_MEASURED;
	return stats(v->sample, v->n);
}

/* ---- one algorithm's key, token and contexts ------------------------------ */

struct algcase {
	enum jwtsafe_alg alg;
	struct jwtsafe_key *sk;         /* NULL in --verify-loop */
	struct jwtsafe_key *vk;         /* verifying key (HMAC: the secret) */
	struct jwtsafe_verifier *v;
	struct jwtsafe_policy pol;
	char *token;
	size_t toklen, dot2;
	unsigned char sig[JWTSAFE_SIG_MAX];
	size_t siglen;
	unsigned char der[160];         /* ECDSA signature as DER */
	size_t derlen;
	const EVP_MD *md;
	EVP_MAC *mac;                   /* HS384 raw */
	unsigned char *jwtkey;          /* libjwt: PEM or the HMAC key */
	size_t jwtkeylen;
	int libjwt_ok;                  /* libjwt supports this algorithm */
};

static const enum jwtsafe_alg all_algs[NALG] = {
	JWTSAFE_ALG_EDDSA, JWTSAFE_ALG_ES256, JWTSAFE_ALG_ES384,
	JWTSAFE_ALG_PS256, JWTSAFE_ALG_HS256, JWTSAFE_ALG_HS384,
};

static void
policy_at(struct jwtsafe_policy *p, int64_t now)
{
	memset(p, 0, sizeof(*p));
	p->typ = "JWT";
	p->issuer = ISS;
	p->audience = AUD;
	p->now = now;
	p->leeway = 30;
	p->max_ttl = 300;
	p->require_jti = 1;
}

/* A token for USER from secret key sk, valid from iat for 300 s. */
static char *
mint(const struct jwtsafe_key *sk, int64_t iat, const char *jti)
{
	struct jwtsafe_error err = { 0 };
	cJSON *p;
	char *tok = NULL;

	if ((p = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(p, "iss", ISS) == NULL ||
	    cJSON_AddStringToObject(p, "aud", AUD) == NULL ||
	    cJSON_AddStringToObject(p, "sub", USER) == NULL ||
	    cJSON_AddNumberToObject(p, "iat", (double)iat) == NULL ||
	    cJSON_AddNumberToObject(p, "exp", (double)(iat + 300)) == NULL ||
	    cJSON_AddStringToObject(p, "jti", jti) == NULL)
		die("cJSON");
	if (jwtsafe_sign_token(sk, "JWT", p, &tok, &err) != 0)
		die_err("sign", &err);
	cJSON_Delete(p);
	return tok;
}

static struct jwtsafe_key *
keygen(enum jwtsafe_alg alg, const char *kid)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (jwtsafe_key_generate(alg, kid, alg == JWTSAFE_ALG_PS256 ? 2048 : 0,
	    &k, &err) != 0)
		die_err("keygen", &err);
	return k;
}

/* The key a verifier takes for secret sk: its public half, or for HMAC a
 * copy of the secret. */
static struct jwtsafe_key *
verifying_key(const struct jwtsafe_key *sk)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (jwtsafe_alg_is_symmetric(sk->alg)) {
		if (jwtsafe_key_new(sk->alg, JWTSAFE_KEY_SECRET, sk->kid,
		    sk->material, sk->material_len, &k, &err) != 0)
			die_err("key copy", &err);
	} else if (jwtsafe_key_public(sk, &k, &err) != 0) {
		die_err("public key", &err);
	}
	return k;
}

/* Decode the signature, make the DER form and libjwt's key. */
static void
algcase_prepare(struct algcase *c)
{
	struct jwtsafe_error err = { 0 };
	const char *dot1, *d2;
	ECDSA_SIG *es;
	BIGNUM *r, *s;
	BIO *bio;
	unsigned char *p;
	char *pem;
	long pemlen;
	size_t half;
	int n;

	if ((dot1 = strchr(c->token, '.')) == NULL ||
	    (d2 = strchr(dot1 + 1, '.')) == NULL)
		die("token without two dots");
	c->toklen = strlen(c->token);
	c->dot2 = (size_t)(d2 - c->token);
	if (jwtsafe_b64url_decode(d2 + 1, c->toklen - c->dot2 - 1, c->sig,
	    sizeof(c->sig), &c->siglen) != 0)
		die("signature decode");
	if (c->v == NULL) {
		if (jwtsafe_verifier_new(c->alg, &c->v, &err) != 0)
			die_err("verifier", &err);
		if (jwtsafe_verifier_add_key(c->v, c->vk, &err) != 0)
			die_err("add key", &err);
	}
	c->md = c->alg == JWTSAFE_ALG_ES384 || c->alg == JWTSAFE_ALG_HS384 ?
	    EVP_sha384() : EVP_sha256();
	c->libjwt_ok = 0;
	switch (c->alg) {
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		half = c->siglen / 2;
		if ((es = ECDSA_SIG_new()) == NULL ||
		    (r = BN_bin2bn(c->sig, (int)half, NULL)) == NULL ||
		    (s = BN_bin2bn(c->sig + half, (int)half, NULL)) == NULL ||
		    ECDSA_SIG_set0(es, r, s) != 1)
			die("ECDSA_SIG");
		p = c->der;
		if ((n = i2d_ECDSA_SIG(es, NULL)) <= 0 ||
		    (size_t)n > sizeof(c->der) || i2d_ECDSA_SIG(es, &p) != n)
			die("i2d_ECDSA_SIG");
		c->derlen = (size_t)n;
		ECDSA_SIG_free(es);
		/* FALLTHROUGH */
	case JWTSAFE_ALG_PS256:
		if ((bio = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_PUBKEY(bio, c->vk->pkey) != 1 ||
		    (pemlen = BIO_get_mem_data(bio, &pem)) <= 0 ||
		    (c->jwtkey = malloc((size_t)pemlen + 1)) == NULL)
			die("PEM");
		memcpy(c->jwtkey, pem, (size_t)pemlen);
		c->jwtkey[pemlen] = '\0';
		c->jwtkeylen = (size_t)pemlen;
		BIO_free(bio);
		c->libjwt_ok = c->alg != JWTSAFE_ALG_PS256;
		break;
	case JWTSAFE_ALG_HS256:
	case JWTSAFE_ALG_HS384:
		if ((c->jwtkey = malloc(c->vk->material_len)) == NULL)
			die("out of memory");
		memcpy(c->jwtkey, c->vk->material, c->vk->material_len);
		c->jwtkeylen = c->vk->material_len;
		c->libjwt_ok = 1;
		if ((c->mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL)) ==
		    NULL)
			die("EVP_MAC_fetch");
		break;
	default:
		break;
	}
#ifndef HAVE_LIBJWT
	c->libjwt_ok = 0;
#endif
}

static void
algcase_init(struct algcase *c, enum jwtsafe_alg alg, int64_t now)
{
	char kid[32];

	memset(c, 0, sizeof(*c));
	c->alg = alg;
	snprintf(kid, sizeof(kid), "bench-%s", jwtsafe_alg_name(alg));
	c->sk = keygen(alg, kid);
	c->vk = verifying_key(c->sk);
	c->token = mint(c->sk, now - 1, "2b5f0c1e-6f0a-4a57-9a3e-0c9d2f3f7a11");
	policy_at(&c->pol, now);
	algcase_prepare(c);
}

/* The jwtsafe core: parse, verify, claims. */
static int
op_core(void *ctx)
{
	struct algcase *c = ctx;
	struct jwtsafe_token *t = NULL;
	int r;

	r = jwtsafe_verify(c->v, c->token, c->toklen, &c->pol, &t, NULL);
	jwtsafe_token_free(t);
	return r;
}

/* Verify with OpenSSL: the one-shot EVP_DigestVerify on a parsed key. */
static int
evp_verify(const struct algcase *c, const unsigned char *sig, size_t siglen,
    int pss)
{
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	int ok = 0;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestVerifyInit(ctx, &pctx, c->md, NULL, c->vk->pkey) == 1 &&
	    (!pss ||
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) > 0 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0)))
		ok = EVP_DigestVerify(ctx, sig, siglen,
		    (const unsigned char *)c->token, c->dot2) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* The primitive alone on the same bytes: the signing input and the
 * decoded signature, with the key already parsed. */
static int
op_raw(void *ctx)
{
	struct algcase *c = ctx;
	const unsigned char *msg = (const unsigned char *)c->token;
	unsigned char tag[48];
	crypto_auth_hmacsha256_state st;
	EVP_MAC_CTX *mctx;
	OSSL_PARAM params[2];
	size_t taglen = 0;
	int r = -1;

	switch (c->alg) {
	case JWTSAFE_ALG_EDDSA:
		return crypto_sign_ed25519_verify_detached(c->sig, msg, c->dot2,
		    c->vk->material);
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		return evp_verify(c, c->der, c->derlen, 0);
	case JWTSAFE_ALG_PS256:
		return evp_verify(c, c->sig, c->siglen, 1);
	case JWTSAFE_ALG_HS256:
		crypto_auth_hmacsha256_init(&st, c->vk->material,
		    c->vk->material_len);
		crypto_auth_hmacsha256_update(&st, msg, c->dot2);
		crypto_auth_hmacsha256_final(&st, tag);
		return sodium_memcmp(tag, c->sig, 32) == 0 &&
		    c->siglen == 32 ? 0 : -1;
	case JWTSAFE_ALG_HS384:
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)"SHA2-384", 0);
		params[1] = OSSL_PARAM_construct_end();
		if ((mctx = EVP_MAC_CTX_new(c->mac)) == NULL)
			return -1;
		if (EVP_MAC_init(mctx, c->vk->material, c->vk->material_len,
		    params) == 1 && EVP_MAC_update(mctx, msg, c->dot2) == 1 &&
		    EVP_MAC_final(mctx, tag, &taglen, sizeof(tag)) == 1 &&
		    taglen == 48 && c->siglen == 48 &&
		    CRYPTO_memcmp(tag, c->sig, 48) == 0)
			r = 0;
		EVP_MAC_CTX_free(mctx);
		return r;
	default:
		return -1;
	}
}

#ifdef HAVE_LIBJWT
/* libjwt 1.10: jwt_decode parses the token, the key (PEM for ECDSA) and
 * checks the signature; it checks no claim. */
static int
op_libjwt(void *ctx)
{
	struct algcase *c = ctx;
	jwt_t *j = NULL;
	int r;

	r = jwt_decode(&j, c->token, c->jwtkey, (int)c->jwtkeylen);
	jwt_free(j);
	return r;
}
#endif

/* ---- section: core -------------------------------------------------------- */

struct core_result {
	struct stat3 core, raw, libjwt;
};

static struct core_result core_res[NALG];
static int core_done;

static void
section_core(struct algcase *cases)
{
	struct variant v[3];
	size_t i;

	for (i = 0; i < NALG; i++) {
		memset(v, 0, sizeof(v));
		v[0].fn = op_core;
		v[0].ctx = &cases[i];
		v[1].fn = op_raw;
		v[1].ctx = &cases[i];
#ifdef HAVE_LIBJWT
		if (cases[i].libjwt_ok) {
			v[2].fn = op_libjwt;
			v[2].ctx = &cases[i];
		}
#endif
		measure_group(v, 3, jwtsafe_alg_name(cases[i].alg));
		core_res[i].core = variant_stats(&v[0]);
		core_res[i].raw = variant_stats(&v[1]);
		core_res[i].libjwt = variant_stats(&v[2]);
	}
	core_done = 1;
}

/* ---- section: pam ----------------------------------------------------------- */

/*
 * The cases. The last two are fresh processes only (a loop keeps every
 * library loaded anyway): the process has libcrypto loaded already, as
 * sshd has; or the module, its libraries and sodium_init are all done, so
 * that what is left is the module's own work.
 */
enum pam_case { PC_PERMIT, PC_JWT_NOREPLAY, PC_JWT_REPLAY, PC_JWT_TMPFS,
	PC_UNIX, PC_JWT_SSHD, PC_JWT_WARM, PC_N };
#define PC_LOOP_N (PC_UNIX + 1)

static const char *const pam_case_name[PC_N] = {
	"pam_permit", "pam_jwtsafe EdDSA, replay store off",
	"pam_jwtsafe EdDSA, replay store on",
	"pam_jwtsafe EdDSA, replay store on, on a tmpfs",
	"pam_unix, yescrypt password",
	"pam_jwtsafe EdDSA, replay on, libcrypto already loaded (as in sshd)",
	"pam_jwtsafe EdDSA, replay on, module and libraries loaded, "
	    "sodium_init done",
};
static const char *const pam_case_service[PC_N] = {
	"bench-permit", "bench-jwt-noreplay", "bench-jwt-replay",
	"bench-jwt-replay-tmpfs", "bench-unix", "bench-jwt-replay",
	"bench-jwt-replay",
};

/* What the module loads, in load order, for the breakdown. */
enum { LIB_CRYPTO, LIB_SODIUM, LIB_CJSON, LIB_MODULE, LIB_N };
static const char *const lib_name[LIB_N] = {
	"libcrypto", "libsodium", "libcjson", "pam_jwtsafe.so itself",
};
static char lib_path[LIB_N][PATH_MAX];

struct pam_result {
	int ran;                        /* 0: n/a, why says why */
	char why[240];
	struct stat3 loop[PC_N], fresh[PC_N];
	long jwt_txns;                  /* pam_jwtsafe transactions run */
	long accepted;                  /* decision lines "result=accepted" */
	long refused;                   /* and "result=refused" */
	char yescrypt[64];              /* the hash's setting prefix */
	int memcheck_ran;
	int memcheck_ok;
	char memcheck[240];
	struct stat3 load[LIB_N];       /* dlopen in a fresh process */
	struct stat3 sodium_init;
};

static struct pam_result pam_res;
static int pam_done;

/*
 * pam_unix needs the yescrypt hash that only libxcrypt makes here; and an
 * ASan-built bench_pamchild cannot run it: ASan's crypt interceptor binds
 * at start-up, before pam_unix loads libcrypt, and calls a null pointer.
 */
static int
pam_case_on(int c)
{
#ifdef HAVE_XCRYPT
	return c != PC_UNIX || !BENCH_SANITIZED;
#else
	return c != PC_UNIX;
#endif
}

/* what the log drain saw */
static int drain_sock = -1;
static volatile long drain_accepted, drain_refused;
static char drain_last_refused[1024];
static char drain_last_other[1024];

static void *
drain_main(void *arg)
{
	char buf[8192];
	ssize_t n;

	(void)arg;
	for (;;) {
		n = recv(drain_sock, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, "result=") == NULL)
			snprintf(drain_last_other, sizeof(drain_last_other),
			    "%.900s", buf);
		if (strstr(buf, "result=accepted") != NULL)
			__atomic_add_fetch(&drain_accepted, 1,
			    __ATOMIC_RELAXED);
		else if (strstr(buf, "result=refused") != NULL) {
			__atomic_add_fetch(&drain_refused, 1,
			    __ATOMIC_RELAXED);
			snprintf(drain_last_refused,
			    sizeof(drain_last_refused), "%.900s", buf);
		}
	}
	return NULL;
}

/*
 * In a private mount namespace: a tmpfs over /dev with the few device
 * nodes a PAM transaction opens (bound from the real /dev through scratch,
 * which is then unmounted again) and a datagram socket of our own at
 * /dev/log, drained by a thread. Nothing reaches the machine's log.
 */
static int
private_dev_log(const char *scratch, char *why, size_t whylen)
{
	static const char *const nodes[] = { "null", "zero", "full", "random",
	    "urandom", "tty" };
	struct sockaddr_un sun;
	char src[512], dst[64];
	pthread_t th;
	struct stat st;
	size_t i;
	int fd, r = -1;

	if (mkdir(scratch, 0700) != 0 ||
	    mount("/dev", scratch, "none", MS_BIND | MS_REC, NULL) != 0) {
		snprintf(why, whylen, "cannot bind /dev: %s", strerror(errno));
		return -1;
	}
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
	    "mode=0755,size=64k") != 0) {
		snprintf(why, whylen, "cannot mount a tmpfs on /dev: %s",
		    strerror(errno));
		goto out;
	}
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		pathf(src, sizeof(src), "%s/%s", scratch, nodes[i]);
		pathf(dst, sizeof(dst), "/dev/%s", nodes[i]);
		if (stat(src, &st) != 0)
			continue;
		if ((fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
			goto fail;
		close(fd);
		if (mount(src, dst, "none", MS_BIND, NULL) != 0)
			goto fail;
	}
	if ((drain_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/dev/log");
	if (bind(drain_sock, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    pthread_create(&th, NULL, drain_main, NULL) != 0)
		goto fail;
	pthread_detach(th);
	r = 0;
	goto out;
 fail:
	snprintf(why, whylen, "cannot set up a private /dev/log: %s",
	    strerror(errno));
 out:
	if (umount2(scratch, MNT_DETACH) != 0 || rmdir(scratch) != 0)
		die("cannot unmount %s: %s", scratch, strerror(errno));
	return r;
}

static void
append_file(const char *path, const char *text)
{
	int fd;
	size_t len = strlen(text);

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0 ||
	    write(fd, text, len) != (ssize_t)len || close(fd) != 0)
		die("append to %s: %s", path, strerror(errno));
}

/* A copy of /etc with the test user (yescrypt password) over /etc. */
static int
private_etc(char *why, size_t whylen)
{
#ifdef HAVE_XCRYPT
	static struct crypt_data cd;
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *p;
	int i;
#else
	char setting[1];
#endif
	const char *hash = "!";   /* locked: pam_unix rows are n/a then */
	char etc[512], path[600], line[1024];
	char *cp[] = { (char *)"/bin/cp", (char *)"-a", (char *)"/etc", etc,
	    NULL };
	uid_t uid;

	pathf(etc, sizeof(etc), "%s/etc", workdir);
	if (run_cmd(cp, NULL, NULL) != 0) {
		snprintf(why, whylen, "cannot copy /etc");
		return -1;
	}
	for (uid = 61000; uid < 62000; uid++) {
		if (getpwuid(uid) == NULL && getgrgid(uid) == NULL)
			break;
	}
	if (getpwnam(USER) != NULL) {
		snprintf(why, whylen, "user %s exists on this machine", USER);
		return -1;
	}
#ifdef HAVE_XCRYPT
	/* libxcrypt's default cost for yescrypt, as passwd would use it */
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) ==
	    NULL || crypt_rn(PASSWORD, setting, &cd, sizeof(cd)) == NULL ||
	    cd.output[0] != '$') {
		snprintf(why, whylen, "libxcrypt cannot make a yescrypt hash");
		return -1;
	}
	hash = cd.output;
	/* "$y$j9T$": the method and its parameters, not the salt */
	for (p = hash, i = 0; *p != '\0' && i < 3; p++)
		i += *p == '$';
	snprintf(pam_res.yescrypt, sizeof(pam_res.yescrypt), "%.*s",
	    (int)(p - hash), hash);
#else
	(void)setting;
#endif
	pathf(path, sizeof(path), "%s/passwd", etc);
	snprintf(line, sizeof(line), "%s:x:%u:%u:jwtsafe benchmark:"
	    "/nonexistent:/usr/sbin/nologin\n", USER, (unsigned)uid,
	    (unsigned)uid);
	append_file(path, line);
	pathf(path, sizeof(path), "%s/group", etc);
	snprintf(line, sizeof(line), "%s:x:%u:\n", USER, (unsigned)uid);
	append_file(path, line);
	pathf(path, sizeof(path), "%s/shadow", etc);
	snprintf(line, sizeof(line), "%s:%s:19700:0:99999:7:::\n", USER,
	    hash);
	append_file(path, line);
	if (mount(etc, "/etc", "none", MS_BIND, NULL) != 0) {
		snprintf(why, whylen, "cannot bind the copy of /etc: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static const char *
module_path(void)
{
	const char *e = getenv("JWTSAFE_BENCH_MODULE");

	return e != NULL && *e != '\0' ? e : BENCH_MODULE;
}

static const char *
pamchild_path(void)
{
	const char *e = getenv("JWTSAFE_BENCH_PAMCHILD");

	return e != NULL && *e != '\0' ? e : BENCH_PAMCHILD;
}

static struct jwtsafe_key *pam_sk;
static long jti_counter;

/* The answers for count transactions of case c, in path. */
static void
write_secrets(enum pam_case c, const char *path, long count)
{
	char jti[64], *tok, *buf = NULL;
	size_t len = 0, cap = 0, tl;
	int64_t iat = (int64_t)time(NULL) - 1;
	long i;

	for (i = 0; i < count; i++) {
		if (c != PC_PERMIT && c != PC_UNIX) {
			snprintf(jti, sizeof(jti), "bench-%ld-%ld",
			    (long)getpid(), ++jti_counter);
			tok = mint(pam_sk, iat, jti);
		} else if ((tok = strdup(c == PC_UNIX ? PASSWORD : "-")) ==
		    NULL)
			die("out of memory");
		tl = strlen(tok);
		if (len + tl + 2 > cap) {
			cap = (len + tl + 2) * 2;
			if ((buf = realloc(buf, cap)) == NULL)
				die("out of memory");
		}
		memcpy(buf + len, tok, tl);
		len += tl;
		buf[len++] = '\n';
		jwtsafe_freezero_str(tok);
	}
	write_file(path, buf, len, 0600);
	free(buf);
}

/* The libraries behind the module, found from symbols the benchmark
 * itself links (the same libraries). 0 or -1. */
static int
find_libs(void)
{
	const void *sym[3];
	Dl_info info;
	int i;

	sym[LIB_CRYPTO] = (const void *)&OpenSSL_version;
	sym[LIB_SODIUM] = (const void *)&sodium_init;
	sym[LIB_CJSON] = (const void *)&cJSON_Version;
	for (i = 0; i < 3; i++) {
		if (dladdr(sym[i], &info) == 0 || info.dli_fname == NULL ||
		    info.dli_fname[0] != '/')
			return -1;
		snprintf(lib_path[i], sizeof(lib_path[i]), "%s",
		    info.dli_fname);
	}
	snprintf(lib_path[LIB_MODULE], sizeof(lib_path[LIB_MODULE]), "%s",
	    module_path());
	return 0;
}

static double load_samples[LIB_N][REPS_MAX * 4];
static double sodium_samples[REPS_MAX * 4];
static int load_n, sodium_n;

/* count transactions of case c in one fresh bench_pamchild; their
 * durations into dur[]. */
static void
pam_run(enum pam_case c, long count, double *dur)
{
	char preload[LIB_N * (PATH_MAX + 1)];
	int li;
	char confdir[512], secrets[512], countbuf[32], errpath[512];
	char *argv[7], *out = NULL, *p, *end, *msg;
	long i;
	int st;

	pathf(confdir, sizeof(confdir), "%s/pam.d", workdir);
	pathf(secrets, sizeof(secrets), "%s/secrets", workdir);
	pathf(errpath, sizeof(errpath), "%s/pamchild.err", workdir);
	write_secrets(c, secrets, count);
	snprintf(countbuf, sizeof(countbuf), "%ld", count);
	argv[0] = (char *)pamchild_path();
	argv[1] = confdir;
	argv[2] = (char *)pam_case_service[c];
	argv[3] = (char *)USER;
	argv[4] = secrets;
	argv[5] = countbuf;
	argv[6] = NULL;
	preload[0] = '\0';
	if (c == PC_JWT_SSHD)
		snprintf(preload, sizeof(preload), "%s", lib_path[LIB_CRYPTO]);
	if (c == PC_JWT_WARM) {
		for (li = 0; li < LIB_N; li++) {
			if (li > 0)
				strcat(preload, ":");
			strcat(preload, lib_path[li]);
		}
		setenv("BENCH_SODIUM_INIT", "1", 1);
	}
	if (preload[0] != '\0')
		setenv("BENCH_PRELOAD", preload, 1);
	st = run_cmd(argv, &out, errpath);
	unsetenv("BENCH_PRELOAD");
	unsetenv("BENCH_SODIUM_INIT");
	if (st != 0) {
		msg = read_file(errpath, NULL);
		usleep(100000);
		die("%s (%s) failed (status %d): %s; last refusal logged: %s; "
		    "last other line: %s", pam_case_service[c],
		    pam_case_name[c], st, msg != NULL ? msg : "",
		    drain_last_refused[0] != '\0' ? drain_last_refused :
		    "none", drain_last_other[0] != '\0' ? drain_last_other :
		    "none");
	}
	if (c != PC_PERMIT && c != PC_UNIX)
		pam_res.jwt_txns += count;
	p = out;
	/* "#load I NS" and "#sodium_init NS" lines come first */
	while (*p == '#') {
		long long v;

		if (sscanf(p, "#load %d %lld", &li, &v) == 2 && li >= 0 &&
		    li < LIB_N && c == PC_JWT_WARM &&
		    load_n < REPS_MAX * 4) {
			load_samples[li][load_n] = (double)v;
			if (li == LIB_N - 1)
				load_n++;
		} else if (sscanf(p, "#sodium_init %lld", &v) == 1 &&
		    sodium_n < REPS_MAX * 4) {
			sodium_samples[sodium_n++] = (double)v;
		}
		if ((p = strchr(p, '\n')) == NULL)
			die("bench_pamchild output");
		p++;
	}
	for (i = 0; i < count; i++) {
		errno = 0;
		dur[i] = (double)strtoll(p, &end, 10);
		if (errno != 0 || end == p || *end != '\n')
			die("bench_pamchild output");
		p = end + 1;
	}
	free(out);
}

static void
write_services(const char *keyfile)
{
	char path[600], text[4096];
	size_t i;

	pathf(path, sizeof(path), "%s/pam.d", workdir);
	if (mkdir(path, 0755) != 0)
		die("mkdir %s: %s", path, strerror(errno));
	for (i = 0; i < PC_LOOP_N; i++) {     /* the others share these */
		switch ((enum pam_case)i) {
		case PC_PERMIT:
			snprintf(text, sizeof(text),
			    "auth required pam_permit.so\n");
			break;
		case PC_JWT_NOREPLAY:
			snprintf(text, sizeof(text), "auth required %s "
			    "alg=EdDSA keys=%s issuer=" ISS " audience=" AUD
			    " noreplay\n", module_path(), keyfile);
			break;
		case PC_JWT_REPLAY:
			snprintf(text, sizeof(text), "auth required %s "
			    "alg=EdDSA keys=%s issuer=" ISS " audience=" AUD
			    " replay=%s/replay\n", module_path(), keyfile,
			    workdir);
			break;
		case PC_JWT_TMPFS:
			snprintf(text, sizeof(text), "auth required %s "
			    "alg=EdDSA keys=%s issuer=" ISS " audience=" AUD
			    " replay=%s/tmpfs/replay\n", module_path(),
			    keyfile, workdir);
			break;
		case PC_UNIX:
		default:
			snprintf(text, sizeof(text),
			    "auth required pam_unix.so\n");
			break;
		}
		pathf(path, sizeof(path), "%s/pam.d/%s", workdir,
		    pam_case_service[i]);
		write_file(path, text, strlen(text), 0644);
	}
}

/* bench_pamchild with pam_jwtsafe under valgrind memcheck. */
static void
pam_memcheck(void)
{
	char confdir[512], secrets[512], log[512], *buf, *p, *nl;
	char *argv[16];
	const char *vg = valgrind_path();
	int st, i = 0;

	pam_res.memcheck_ran = 0;
	if (vg == NULL) {
		snprintf(pam_res.memcheck, sizeof(pam_res.memcheck),
		    "n/a: valgrind is not installed");
		return;
	}
	pathf(confdir, sizeof(confdir), "%s/pam.d", workdir);
	pathf(secrets, sizeof(secrets), "%s/secrets", workdir);
	pathf(log, sizeof(log), "%s/memcheck.log", workdir);
	write_secrets(PC_JWT_REPLAY, secrets, 3);
	argv[i++] = (char *)vg;
	argv[i++] = (char *)"--tool=memcheck";
	argv[i++] = (char *)"--leak-check=full";
	argv[i++] = (char *)"--errors-for-leak-kinds=definite";
	argv[i++] = (char *)"--error-exitcode=99";
	argv[i] = malloc(600);
	if (argv[i] == NULL)
		die("out of memory");
	snprintf(argv[i++], 600, "--log-file=%s", log);
	argv[i++] = (char *)pamchild_path();
	argv[i++] = confdir;
	argv[i++] = (char *)pam_case_service[PC_JWT_REPLAY];
	argv[i++] = (char *)USER;
	argv[i++] = secrets;
	argv[i++] = (char *)"3";
	argv[i] = NULL;
	st = run_cmd(argv, NULL, NULL);
	free(argv[5]);
	pam_res.jwt_txns += 3;
	pam_res.memcheck_ran = 1;
	if ((buf = read_file(log, NULL)) == NULL) {
		snprintf(pam_res.memcheck, sizeof(pam_res.memcheck),
		    "valgrind wrote no log (status %d)", st);
		return;
	}
	snprintf(pam_res.memcheck, sizeof(pam_res.memcheck),
	    "no leak summary in the valgrind log (status %d)", st);
	if ((p = strstr(buf, "definitely lost:")) != NULL ||
	    (p = strstr(buf, "All heap blocks were freed")) != NULL) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		snprintf(pam_res.memcheck, sizeof(pam_res.memcheck),
		    "%s (3 transactions, valgrind exit status %d)", p, st);
		pam_res.memcheck_ok = st == 0 &&
		    (strncmp(p, "All heap", 8) == 0 ||
		    strncmp(p, "definitely lost: 0 bytes", 24) == 0);
	}
	free(buf);
}

/* Everything of the pam section, in a child in its own mount namespace. */
static void
pam_sandboxed(int do_pam, int do_memcheck)
{
	char scratch[512], keydir[512], keyfile[600], *line = NULL;
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *pk;
	double dur[4096], loopv[PC_N][REPS_MAX], freshv[PC_N][REPS_MAX * 4];
	long n;
	int r, c, i;

	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0) {
		snprintf(pam_res.why, sizeof(pam_res.why), "n/a: no private "
		    "mount namespace (%s); needs root", strerror(errno));
		return;
	}
	if (private_etc(pam_res.why, sizeof(pam_res.why)) != 0)
		return;
	pathf(scratch, sizeof(scratch), "%s/devscratch", workdir);
	if (private_dev_log(scratch, pam_res.why, sizeof(pam_res.why)) != 0)
		return;

	/* the replay store's file system matters: one on a tmpfs too */
	pathf(scratch, sizeof(scratch), "%s/tmpfs", workdir);
	if (mkdir(scratch, 0755) != 0 || mount("tmpfs", scratch, "tmpfs",
	    MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64m") != 0) {
		snprintf(pam_res.why, sizeof(pam_res.why), "cannot mount a "
		    "tmpfs: %s", strerror(errno));
		return;
	}
	pam_sk = keygen(JWTSAFE_ALG_EDDSA, "bench-pam");
	if (jwtsafe_key_public(pam_sk, &pk, &err) != 0 ||
	    jwtsafe_keyline_format(pk, &line, &err) != 0)
		die_err("PAM key", &err);
	pathf(keydir, sizeof(keydir), "%s/keys", workdir);
	if (mkdir(keydir, 0755) != 0)
		die("mkdir %s: %s", keydir, strerror(errno));
	pathf(keyfile, sizeof(keyfile), "%s/issuer.pub", keydir);
	{
		char text[8192];

		snprintf(text, sizeof(text), "# benchmark issuer\n%s\n", line);
		write_file(keyfile, text, strlen(text), 0644);
	}
	jwtsafe_freezero_str(line);
	jwtsafe_key_free(pk);
	write_services(keyfile);
	pam_res.ran = 1;

	if (do_pam && find_libs() != 0) {
		snprintf(pam_res.why, sizeof(pam_res.why), "n/a: cannot find "
		    "the libraries behind the module");
		pam_res.ran = 0;
		return;
	}
	if (do_pam) {
		/* one of each first: the page cache and the module files */
		for (c = 0; c < PC_N; c++) {
			if (pam_case_on(c))
				pam_run((enum pam_case)c, 1, dur);
		}
		load_n = sodium_n = 0;
		for (r = 0; r < S.pam_reps; r++) {
			for (c = 0; c < PC_LOOP_N; c++) {
				if (!pam_case_on(c))
					continue;
				n = c == PC_UNIX ? S.unix_loop_n : S.pam_loop_n;
				pam_run((enum pam_case)c, n + 1, dur);
				loopv[c][r] = 0;
				for (i = 1; i <= n; i++)
					loopv[c][r] += dur[i];
				loopv[c][r] /= (double)n;
			}
		}
		for (r = 0; r < S.fresh_n; r++) {
			for (c = 0; c < PC_N; c++) {
				if (!pam_case_on(c))
					continue;
				pam_run((enum pam_case)c, 1, dur);
				freshv[c][r] = dur[0];
			}
		}
		for (c = 0; c < PC_N; c++) {
			if (!pam_case_on(c))
				continue;
			if (c < PC_LOOP_N)
				pam_res.loop[c] = stats(loopv[c], S.pam_reps);
			pam_res.fresh[c] = stats(freshv[c], S.fresh_n);
		}
		for (c = 0; c < LIB_N; c++)
			pam_res.load[c] = stats(load_samples[c], load_n);
		pam_res.sodium_init = stats(sodium_samples, sodium_n);
	}
	if (do_memcheck) {
		if (BENCH_SANITIZED)
			snprintf(pam_res.memcheck, sizeof(pam_res.memcheck),
			    "n/a: a sanitizer build cannot run under valgrind");
		else
			pam_memcheck();
	}
	/* let the drain catch up with the last lines */
	for (i = 0; i < 100 && drain_accepted + drain_refused <
	    pam_res.jwt_txns; i++)
		usleep(10000);
	pam_res.accepted = drain_accepted;
	pam_res.refused = drain_refused;
}

static void
section_pam(int do_pam, int do_memcheck)
{
	int pfd[2];
	pid_t pid;
	ssize_t n;
	size_t got = 0;
	int st;

	memset(&pam_res, 0, sizeof(pam_res));
	pam_done = 1;
	for (st = 0; st < PC_N; st++)
		pam_res.loop[st] = pam_res.fresh[st] = NOT_MEASURED;
	for (st = 0; st < LIB_N; st++)
		pam_res.load[st] = NOT_MEASURED;
	pam_res.sodium_init = NOT_MEASURED;
	snprintf(pam_res.memcheck, sizeof(pam_res.memcheck),
	    do_memcheck ? "n/a" : "skipped");
	if (geteuid() != 0) {
		snprintf(pam_res.why, sizeof(pam_res.why), "n/a: needs root "
		    "(a private mount namespace over a copy of /etc)");
		return;
	}
	if (access(module_path(), R_OK) != 0 ||
	    access(pamchild_path(), X_OK) != 0) {
		snprintf(pam_res.why, sizeof(pam_res.why), "n/a: %s or %s is "
		    "not built", module_path(), pamchild_path());
		return;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	if ((pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		pam_sandboxed(do_pam, do_memcheck);
		if (write(pfd[1], &pam_res, sizeof(pam_res)) !=
		    (ssize_t)sizeof(pam_res))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	while (got < sizeof(pam_res)) {
		n = read(pfd[0], (char *)&pam_res + got, sizeof(pam_res) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (got != sizeof(pam_res) || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		die("the PAM section failed");
}

/* ---- section: replay ------------------------------------------------------- */

#define REPLAY_BUCKETS   6        /* live minutes the records spread over */
#define LINKS_PER_INODE  60000    /* under ext4's 65000 links per inode */

struct replay_result {
	long records;
	double setup_ns;
	struct stat3 accept;
};

static struct replay_result replay_res[3];
static int replay_done;

/*
 * n live records in the store at dir, spread evenly over the buckets of
 * the next REPLAY_BUCKETS minutes, as a busy host would hold them. Each
 * record is a name in its bucket, made by the store's own naming
 * (jwtsafe_replay_record_name); to keep a million of them cheap in inodes
 * and disk they are hard links to a few files holding an exp, which
 * changes nothing for a claim: it is one O_CREAT|O_EXCL lookup of a new
 * name in the bucket's directory.
 */
static void
replay_populate(const char *dir, const char *srcdir, long n, int64_t now)
{
	char path[700], src[700], name[JWTSAFE_REPLAY_NAME_LEN + 1], jti[64];
	char content[32];
	int bfd[REPLAY_BUCKETS], k, fd = -1;
	long i;

	if (mkdir(srcdir, 0700) != 0)
		die("mkdir %s: %s", srcdir, strerror(errno));
	for (k = 0; k < REPLAY_BUCKETS; k++) {
		pathf(path, sizeof(path), "%s/%lld", dir, (long long)
		    jwtsafe_replay_bucket(now + 60 * (k + 1)));
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			die("mkdir %s: %s", path, strerror(errno));
		if ((bfd[k] = open(path, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) < 0)
			die("open %s: %s", path, strerror(errno));
	}
	for (i = 0; i < n; i++) {
		k = (int)(i % REPLAY_BUCKETS);
		if (i % LINKS_PER_INODE == 0) {
			if (fd >= 0)
				close(fd);
			pathf(src, sizeof(src), "%s/r%ld", srcdir,
			    i / LINKS_PER_INODE);
			snprintf(content, sizeof(content), "%lld\n",
			    (long long)(now + 60 * REPLAY_BUCKETS));
			write_file(src, content, strlen(content), 0600);
			fd = 0;
		}
		snprintf(jti, sizeof(jti), "live-%ld", i);
		if (jwtsafe_replay_record_name(ISS, jti, name) != 0)
			die("record name");
		if (linkat(AT_FDCWD, src, bfd[k], name, 0) != 0)
			die("link %s: %s", name, strerror(errno));
	}
	for (k = 0; k < REPLAY_BUCKETS; k++)
		close(bfd[k]);
}

struct replay_ctx {
	struct jwtsafe_replay *rs;
	int64_t now;
	long next;
	int idx;
};

static int
op_replay_accept(void *ctx)
{
	struct replay_ctx *c = ctx;
	struct jwtsafe_error err = { 0 };
	char jti[64];
	int r;

	snprintf(jti, sizeof(jti), "accept-%d-%ld", c->idx, c->next++);
	/* exp 3 minutes ahead: a bucket that holds its share of records */
	r = jwtsafe_replay_claim(c->rs, ISS, jti, c->now + 180, c->now, &err);
	if (r != 0)
		fprintf(stderr, "replay claim: %s (%s)\n",
		    jwtsafe_err_name(r), err.detail);
	return r;
}

static void
section_replay(void)
{
	struct replay_ctx ctx[3];
	struct variant v[3];
	struct jwtsafe_error err = { 0 };
	char dir[600], src[600];
	int64_t now = (int64_t)time(NULL), t0;
	int64_t saved_batch = S.batch_ns;
	int i;

	memset(v, 0, sizeof(v));
	for (i = 0; i < 3; i++) {
		pathf(dir, sizeof(dir), "%s/replay-%d", workdir, i);
		pathf(src, sizeof(src), "%s/replay-src-%d", workdir, i);
		memset(&ctx[i], 0, sizeof(ctx[i]));
		if (jwtsafe_replay_open(dir, geteuid(), &ctx[i].rs, &err) != 0)
			die_err("replay store", &err);
		replay_res[i].records = S.replay_sizes[i];
		t0 = now_ns();
		replay_populate(dir, src, S.replay_sizes[i], now);
		replay_res[i].setup_ns = (double)(now_ns() - t0);
		ctx[i].now = now;
		ctx[i].idx = i;
		v[i].fn = op_replay_accept;
		v[i].ctx = &ctx[i];
	}
	/* a fixed number of accepts per repetition: each adds a record */
	S.batch_ns = S.quick ? 2000000 : 10000000;
	measure_group(v, 3, "replay accept");
	S.batch_ns = saved_batch;
	for (i = 0; i < 3; i++) {
		replay_res[i].accept = variant_stats(&v[i]);
		jwtsafe_replay_close(ctx[i].rs);
		pathf(dir, sizeof(dir), "%s/replay-%d", workdir, i);
		pathf(src, sizeof(src), "%s/replay-src-%d", workdir, i);
		rm_rf(dir);
		rm_rf(src);
	}
	replay_done = 1;
}

/* ---- section: keys ---------------------------------------------------------- */

#define KEYS_ALGS 3
static const enum jwtsafe_alg keys_algs[KEYS_ALGS] = {
	JWTSAFE_ALG_EDDSA, JWTSAFE_ALG_ES256, JWTSAFE_ALG_PS256,
};

struct keys_ctx {
	enum jwtsafe_alg alg;
	char path[600];
	char *token;
	size_t toklen;
	struct jwtsafe_policy pol;
	struct jwtsafe_file_policy fp;
};

static struct stat3 keys_res[KEYS_ALGS][2];
static int keys_done;

/* One login's key work, as pam_jwtsafe does it: a verifier, the key file
 * from disk, the verification. */
static int
op_login_keys(void *ctx)
{
	struct keys_ctx *c = ctx;
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_token *t = NULL;
	struct jwtsafe_error err = { 0 };
	int r;

	if ((r = jwtsafe_verifier_new(c->alg, &v, &err)) == 0 &&
	    (r = jwtsafe_verifier_index_file(v, c->path, &c->fp, &err)) == 0)
		r = jwtsafe_verify(v, c->token, c->toklen, &c->pol, &t, &err);
	if (r != 0)
		fprintf(stderr, "key file login: %s (%s)\n",
		    jwtsafe_err_name(r), err.detail);
	jwtsafe_token_free(t);
	jwtsafe_verifier_free(v);
	return r;
}

/* A key file of n keys; the last is sel's public half. Other keys are
 * fresh ones, except for PS256, where they reuse sel's material under
 * other kids (RSA key generation would take minutes). */
static void
write_keyfile_n(const char *path, const struct jwtsafe_key *sel, long n)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *sk, *pk = NULL;
	char kid[32], *line, *buf = NULL;
	size_t len = 0, cap = 0, ll;
	long i;

	for (i = 0; i < n; i++) {
		if (i == n - 1) {
			pk = verifying_key(sel);
		} else if (sel->alg == JWTSAFE_ALG_PS256) {
			snprintf(kid, sizeof(kid), "k-%04ld", i);
			pk = verifying_key(sel);
			memcpy(pk->kid, kid, strlen(kid) + 1);
		} else {
			snprintf(kid, sizeof(kid), "k-%04ld", i);
			sk = keygen(sel->alg, kid);
			pk = verifying_key(sk);
			jwtsafe_key_free(sk);
		}
		if (jwtsafe_keyline_format(pk, &line, &err) != 0)
			die_err("key line", &err);
		jwtsafe_key_free(pk);
		pk = NULL;
		ll = strlen(line);
		if (len + ll + 2 > cap) {
			cap = (len + ll + 2) * 2;
			if ((buf = realloc(buf, cap)) == NULL)
				die("out of memory");
		}
		memcpy(buf + len, line, ll);
		len += ll;
		buf[len++] = '\n';
		jwtsafe_freezero_str(line);
	}
	write_file(path, buf, len, 0644);
	free(buf);
}

static void
section_keys(void)
{
	struct keys_ctx ctx[KEYS_ALGS][2];
	struct variant v[2];
	struct jwtsafe_key *sel;
	char dir[600];
	int64_t now = (int64_t)time(NULL);
	int a, j;

	pathf(dir, sizeof(dir), "%s/keyfiles", workdir);
	if (mkdir(dir, 0755) != 0)
		die("mkdir %s: %s", dir, strerror(errno));
	for (a = 0; a < KEYS_ALGS; a++) {
		sel = keygen(keys_algs[a], "k-selected");
		memset(v, 0, sizeof(v));
		for (j = 0; j < 2; j++) {
			struct keys_ctx *c = &ctx[a][j];

			memset(c, 0, sizeof(*c));
			c->alg = keys_algs[a];
			pathf(c->path, sizeof(c->path), "%s/%s-%d.pub", dir,
			    jwtsafe_alg_name(c->alg), j == 0 ? 1 :
			    S.keyfile_big);
			write_keyfile_n(c->path, sel, j == 0 ? 1 :
			    S.keyfile_big);
			c->token = mint(sel, now - 1, "keys-bench");
			c->toklen = strlen(c->token);
			policy_at(&c->pol, now);
			c->fp.owner = geteuid();
			c->fp.check_dirs = 1;
			v[j].fn = op_login_keys;
			v[j].ctx = c;
		}
		measure_group(v, 2, "key file login");
		keys_res[a][0] = variant_stats(&v[0]);
		keys_res[a][1] = variant_stats(&v[1]);
		for (j = 0; j < 2; j++)
			jwtsafe_freezero_str(ctx[a][j].token);
		jwtsafe_key_free(sel);
	}
	keys_done = 1;
}

/* ---- section: callgrind ------------------------------------------------------ */

struct cg_result {
	double core, raw;       /* instructions per verification; < 0: n/a */
};

static struct cg_result cg_res[NALG];
static char cg_why[800];
static int cg_done;

/* Instructions of one --verify-loop run under callgrind, or -1. */
static double
cg_count(const char *mode, const struct algcase *c, const char *keyfile,
    const char *tokfile, int n)
{
	char outfile[600], logfile[600], nbuf[32], nowbuf[32];
	char outarg[700], logarg[700], *buf, *p;
	char *argv[16];
	double ir = -1;
	int i = 0, st;

	pathf(outfile, sizeof(outfile), "%s/callgrind.out", workdir);
	pathf(logfile, sizeof(logfile), "%s/callgrind.log", workdir);
	snprintf(outarg, sizeof(outarg), "--callgrind-out-file=%s", outfile);
	snprintf(logarg, sizeof(logarg), "--log-file=%s", logfile);
	snprintf(nbuf, sizeof(nbuf), "%d", n);
	snprintf(nowbuf, sizeof(nowbuf), "%lld", (long long)c->pol.now);
	argv[i++] = (char *)valgrind_path();
	argv[i++] = (char *)"--tool=callgrind";
	argv[i++] = outarg;
	argv[i++] = logarg;
	argv[i++] = selfexe;
	argv[i++] = (char *)"--verify-loop";
	argv[i++] = (char *)mode;
	argv[i++] = (char *)jwtsafe_alg_name(c->alg);
	argv[i++] = nbuf;
	argv[i++] = (char *)keyfile;
	argv[i++] = (char *)tokfile;
	argv[i++] = nowbuf;
	argv[i] = NULL;
	(void)unlink(outfile);
	if ((st = run_cmd(argv, NULL, NULL)) != 0) {
		snprintf(cg_why, sizeof(cg_why), "callgrind run failed "
		    "(status %d, see %s)", st, logfile);
		return -1;
	}
	if ((buf = read_file(outfile, NULL)) == NULL)
		return -1;
	if ((p = strstr(buf, "\nsummary: ")) != NULL ||
	    (p = strstr(buf, "\ntotals: ")) != NULL)
		ir = strtod(strchr(p, ':') + 1, NULL);
	free(buf);
	return ir;
}

static void
section_callgrind(struct algcase *cases)
{
	struct jwtsafe_error err = { 0 };
	char keyfile[600], tokfile[600], *line;
	double a, b;
	size_t i;
	int m;

	cg_done = 1;
	for (i = 0; i < NALG; i++)
		cg_res[i].core = cg_res[i].raw = -1;
	if (S.quick) {
		snprintf(cg_why, sizeof(cg_why), "skipped (--quick)");
		return;
	}
	if (BENCH_SANITIZED) {
		snprintf(cg_why, sizeof(cg_why),
		    "n/a: a sanitizer build cannot run under valgrind");
		return;
	}
	if (valgrind_path() == NULL) {
		snprintf(cg_why, sizeof(cg_why),
		    "n/a: valgrind is not installed");
		return;
	}
	for (i = 0; i < NALG; i++) {
		const struct algcase *c = &cases[i];

		pathf(keyfile, sizeof(keyfile), "%s/cg-%s.keys", workdir,
		    jwtsafe_alg_name(c->alg));
		pathf(tokfile, sizeof(tokfile), "%s/cg-%s.token", workdir,
		    jwtsafe_alg_name(c->alg));
		if (jwtsafe_keyline_format(c->vk, &line, &err) != 0)
			die_err("key line", &err);
		write_file(keyfile, line, strlen(line), 0600);
		jwtsafe_freezero_str(line);
		write_file(tokfile, c->token, c->toklen, 0600);
		for (m = 0; m < 2; m++) {
			const char *mode = m == 0 ? "core" : "raw";

			a = cg_count(mode, c, keyfile, tokfile, S.cg_n1);
			b = cg_count(mode, c, keyfile, tokfile, S.cg_n2);
			if (a < 0 || b < 0)
				continue;
			*(m == 0 ? &cg_res[i].core : &cg_res[i].raw) =
			    (b - a) / (double)(S.cg_n2 - S.cg_n1);
		}
	}
}

/* --verify-loop core|raw ALG N KEYFILE TOKENFILE NOW */
static int
verify_loop(int argc, char **argv)
{
	struct algcase c;
	struct jwtsafe_keyset set = { 0 };
	struct jwtsafe_file_policy fp = { 0 };
	struct jwtsafe_error err = { 0 };
	enum jwtsafe_alg alg;
	char *end;
	long n, i;
	int raw;

	if (argc != 8)
		die("usage: --verify-loop core|raw ALG N KEYFILE TOKENFILE NOW");
	raw = strcmp(argv[2], "raw") == 0;
	if (!raw && strcmp(argv[2], "core") != 0)
		die("--verify-loop: core or raw");
	if (jwtsafe_alg_from_name(argv[3], &alg, &err) != 0)
		die_err("algorithm", &err);
	n = strtol(argv[4], &end, 10);
	if (*end != '\0' || n < 0)
		die("bad N");
	memset(&c, 0, sizeof(c));
	c.alg = alg;
	fp.owner = geteuid();
	fp.secret = 1;
	if (jwtsafe_keyfile_read(argv[5], &fp, &set, &err) != 0)
		die_err("key file", &err);
	c.vk = set.keys[0];
	set.keys[0] = NULL;
	jwtsafe_keyset_clear(&set);
	if ((c.token = read_file(argv[6], NULL)) == NULL)
		die("cannot read %s", argv[6]);
	trim(c.token);
	policy_at(&c.pol, strtoll(argv[7], NULL, 10));
	algcase_prepare(&c);
	for (i = 0; i < n; i++) {
		if ((raw ? op_raw(&c) : op_core(&c)) != 0)
			die("verification %ld failed", i);
	}
	return 0;
}

/* ---- the machine ------------------------------------------------------------ */

static void
print_machine(void)
{
	char model[256] = "unknown", line[512], debian[64] = "unknown";
	char date[64], *pkgs = NULL, *p;
	struct utsname u;
	FILE *f;
	time_t t = time(NULL);
	struct tm tm;
	static const char *const dpkgq[] = { "/usr/bin/dpkg-query", NULL };
	char *argv[] = { (char *)"/usr/bin/dpkg-query", (char *)"-W",
	    (char *)"-f=${Package} ${Version}, ", (char *)"libjwt0",
	    (char *)"libpam0g", (char *)"libcrypt1", (char *)"libc6",
	    (char *)"valgrind", NULL };

	if ((f = fopen("/proc/cpuinfo", "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "model name", 10) == 0 &&
			    (p = strchr(line, ':')) != NULL) {
				snprintf(model, sizeof(model), "%s", p + 2);
				trim(model);
				break;
			}
		}
		fclose(f);
	}
	if ((f = fopen("/etc/debian_version", "re")) != NULL) {
		if (fgets(debian, sizeof(debian), f) == NULL)
			snprintf(debian, sizeof(debian), "unknown");
		trim(debian);
		fclose(f);
	}
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
	if (find_exe(dpkgq) != NULL && run_cmd(argv, &pkgs, "/dev/null") >= 0 &&
	    pkgs != NULL) {
		trim(pkgs);
		if ((p = strrchr(pkgs, ',')) != NULL && p[1] == '\0')
			*p = '\0';
	}
	printf("# jwtsafe benchmark\n\n");
	printf("- date: %s%s\n", date, S.quick ? " (--quick: a smoke run, "
	    "numbers not meaningful)" : "");
	printf("- CPU: %s, %ld online cores\n", model,
	    sysconf(_SC_NPROCESSORS_ONLN));
	printf("- kernel: %s %s; Debian %s\n", u.sysname, u.release, debian);
	printf("- libraries: libsodium %s, %s, cJSON %s%s%s\n",
	    sodium_version_string(), OpenSSL_version(OPENSSL_VERSION),
	    cJSON_Version(), pkgs != NULL ? "; " : "",
	    pkgs != NULL ? pkgs : "");
	printf("- build: %s%s\n",
#ifdef __OPTIMIZE__
	    "optimised",
#else
	    "not optimised",
#endif
	    BENCH_SANITIZED ? ", ASan+UBSan (times are not representative)" :
	    "");
	printf("- method: median [min .. max] of %d repetitions of about "
	    "%.0f ms each, variants interleaved; ratios are of medians\n\n",
	    S.reps, (double)S.batch_ns / 1e6);
	free(pkgs);
}

/* ---- output ------------------------------------------------------------------- */

static const char *
verdict(double value, double limit, int at_most)
{
	if (value < 0 || limit < 0)
		return "n/a";
	return (at_most ? value <= limit : value >= limit) ? "met" : "MISSED";
}

static int
alg_index(enum jwtsafe_alg alg)
{
	int i;

	for (i = 0; i < NALG; i++) {
		if (all_algs[i] == alg)
			return i;
	}
	return 0;
}

static void
print_core(void)
{
	char a[64], b[64], c[64], r1[16], r2[16];
	int i;

	printf("## Core verification against the primitive and libjwt\n\n");
	printf("One token (iss, aud, sub, iat, exp, jti; header alg, typ, "
	    "kid), the key already loaded.\n");
	printf("jwtsafe: jwtsafe_verify (split, strict base64url and JSON, "
	    "header rules, signature, claims).\n");
	printf("raw: the primitive alone on the same signing input and "
	    "decoded signature, key parsed beforehand (libsodium "
	    "crypto_sign_ed25519_verify_detached; OpenSSL EVP_DigestVerify; "
	    "HMAC then a constant-time compare).\n");
	printf("libjwt: jwt_decode with the key as libjwt takes it (PEM for "
	    "ECDSA); it checks no claim.\n\n");
	printf("| alg | jwtsafe core | raw primitive | libjwt 1.10 | "
	    "core/raw | libjwt/core |\n");
	printf("|---|---|---|---|---|---|\n");
	for (i = 0; i < NALG; i++) {
		printf("| %s | %s | %s | %s | %s | %s |\n",
		    jwtsafe_alg_name(all_algs[i]),
		    fmt_stat(core_res[i].core, a, sizeof(a)),
		    fmt_stat(core_res[i].raw, b, sizeof(b)),
		    core_res[i].libjwt.med < 0 ? "n/a (unsupported)" :
		    fmt_stat(core_res[i].libjwt, c, sizeof(c)),
		    fmt_ratio(core_res[i].core.med, core_res[i].raw.med, r1,
		    sizeof(r1)),
		    fmt_ratio(core_res[i].libjwt.med, core_res[i].core.med, r2,
		    sizeof(r2)));
	}
	printf("\n");
}

static void
print_pam(void)
{
	char a[64], b[64];
	int c;

	printf("## A full PAM transaction\n\n");
	printf("pam_start_confdir -> pam_authenticate -> pam_end through "
	    "libpam, in bench_pamchild (links libpam only). Loop: mean of "
	    "%d transactions after a first one, %d samples. Fresh process: "
	    "the first transaction of a new process (fork+exec per sample), "
	    "%d samples. pam_jwtsafe reads its key file from disk and logs "
	    "its decision to a private /dev/log.\n\n", S.pam_loop_n,
	    S.pam_reps, S.fresh_n);
	if (!pam_res.ran) {
		printf("%s\n\n", pam_res.why);
		printf("| case | loop, per transaction | first transaction of "
		    "a fresh process |\n|---|---|---|\n");
		for (c = 0; c < PC_N; c++)
			printf("| %s | n/a | n/a |\n", pam_case_name[c]);
		printf("\n");
		return;
	}
	printf("| case | loop, per transaction | first transaction of a "
	    "fresh process |\n|---|---|---|\n");
	for (c = 0; c < PC_N; c++) {
		printf("| %s%s | %s | %s |\n", pam_case_name[c],
		    c == PC_UNIX ? (S.unix_loop_n != S.pam_loop_n ?
		    " (loop of fewer)" : "") : "",
		    c >= PC_LOOP_N ? "n/a (a loop keeps them loaded)" :
		    fmt_stat(pam_res.loop[c], a, sizeof(a)),
		    fmt_stat(pam_res.fresh[c], b, sizeof(b)));
	}
	printf("\n");
	printf("Where a fresh process's time goes before the module runs "
	    "(bench_pamchild loading them itself, in this order, before its "
	    "first transaction; %d samples):\n\n", S.fresh_n);
	printf("| step | time |\n|---|---|\n");
	for (c = 0; c < LIB_N; c++)
		printf("| dlopen %s | %s |\n", lib_name[c],
		    fmt_stat(pam_res.load[c], a, sizeof(a)));
	printf("| sodium_init | %s |\n\n",
	    fmt_stat(pam_res.sodium_init, a, sizeof(a)));
	note("pam: %ld pam_jwtsafe transactions, %ld decision lines "
	    "\"accepted\", %ld \"refused\"", pam_res.jwt_txns,
	    pam_res.accepted, pam_res.refused);
	if (BENCH_SANITIZED)
		note("pam_unix: n/a in a sanitizer build (ASan's crypt "
		    "interceptor and a libcrypt loaded later do not mix)");
	else if (pam_res.yescrypt[0] != '\0')
		note("pam_unix: yescrypt hash with libxcrypt's default cost "
		    "(%s)", pam_res.yescrypt);
	else
		note("pam_unix: n/a, built without libxcrypt (no yescrypt "
		    "hash for the test user)");
}

static void
print_replay(void)
{
	char a[64], b[32], r[16];
	int i;

	printf("## Replay store\n\n");
	printf("Time per accepted token (jwtsafe_replay_claim of a new jti: "
	    "the record, and the sweep of expired buckets) with live records "
	    "spread over the next %d minutes' buckets; the store also holds "
	    "what the measurement adds.\n\n", REPLAY_BUCKETS);
	printf("| live records | setup | per accept | vs empty |\n"
	    "|---|---|---|---|\n");
	for (i = 0; i < 3; i++) {
		printf("| %ld | %s | %s | %s |\n", replay_res[i].records,
		    fmt_ns(replay_res[i].setup_ns, b, sizeof(b)),
		    fmt_stat(replay_res[i].accept, a, sizeof(a)),
		    fmt_ratio(replay_res[i].accept.med,
		    replay_res[0].accept.med, r, sizeof(r)));
	}
	printf("\n");
}

static void
print_keys(void)
{
	char a[64], b[64], r[16];
	int i;

	printf("## Key file size\n\n");
	printf("One login's key work as pam_jwtsafe does it: a verifier, the "
	    "key file read from disk, the verification of a token whose kid "
	    "names the last key in the file.\n\n");
	printf("| alg | 1 key | %d keys | ratio |\n|---|---|---|---|\n",
	    S.keyfile_big);
	for (i = 0; i < KEYS_ALGS; i++) {
		printf("| %s | %s | %s | %s |\n",
		    jwtsafe_alg_name(keys_algs[i]),
		    fmt_stat(keys_res[i][0], a, sizeof(a)),
		    fmt_stat(keys_res[i][1], b, sizeof(b)),
		    fmt_ratio(keys_res[i][1].med, keys_res[i][0].med, r,
		    sizeof(r)));
	}
	printf("\n");
}

static void
print_callgrind(void)
{
	char r[16];
	int i;

	printf("## Instructions per verification (callgrind)\n\n");
	printf("From two runs of --verify-loop with %d and %d verifications: "
	    "(I(%d) - I(%d)) / %d.\n\n", S.cg_n1, S.cg_n2, S.cg_n2, S.cg_n1,
	    S.cg_n2 - S.cg_n1);
	if (cg_why[0] != '\0' && (S.quick || BENCH_SANITIZED ||
	    valgrind_path() == NULL))
		printf("%s\n\n", cg_why);
	printf("| alg | jwtsafe core | raw primitive | core/raw |\n"
	    "|---|---|---|---|\n");
	for (i = 0; i < NALG; i++) {
		char x[32], y[32];

		if (cg_res[i].core < 0)
			snprintf(x, sizeof(x), "n/a");
		else
			snprintf(x, sizeof(x), "%.0f", cg_res[i].core);
		if (cg_res[i].raw < 0)
			snprintf(y, sizeof(y), "n/a");
		else
			snprintf(y, sizeof(y), "%.0f", cg_res[i].raw);
		printf("| %s | %s | %s | %s |\n", jwtsafe_alg_name(all_algs[i]),
		    x, y, fmt_ratio(cg_res[i].core, cg_res[i].raw, r,
		    sizeof(r)));
	}
	printf("\n");
	if (cg_why[0] != '\0' && !S.quick)
		note("callgrind: %s", cg_why);
}

struct target {
	const char *name;
	double value;           /* < 0: n/a */
	double limit;
	int at_most;
	const char *unit;       /* "x" */
};

static void
print_targets(void)
{
	struct target t[32];
	size_t n = 0, i;
	double raw_ed = -1, pl, pf;
	int ed = alg_index(JWTSAFE_ALG_EDDSA), es = alg_index(JWTSAFE_ALG_ES256);
	int h2 = alg_index(JWTSAFE_ALG_HS256), h3 = alg_index(JWTSAFE_ALG_HS384);
	int e3 = alg_index(JWTSAFE_ALG_ES384), c;
	char lim[32], val[32];

#define RATIO(num, den) ((num) >= 0 && (den) > 0 ? (num) / (den) : -1)
#define ADD(nm, val_, lim_, most) do { \
	t[n].name = (nm); t[n].value = (val_); t[n].limit = (lim_); \
	t[n].at_most = (most); n++; } while (0)

	if (core_done) {
		ADD("EdDSA core / raw", RATIO(core_res[ed].core.med,
		    core_res[ed].raw.med), 1.10, 1);
		ADD("ES256 core / raw", RATIO(core_res[es].core.med,
		    core_res[es].raw.med), 1.10, 1);
		ADD("HS256 core / raw MAC", RATIO(core_res[h2].core.med,
		    core_res[h2].raw.med), 2.5, 1);
		ADD("HS384 core / raw MAC", RATIO(core_res[h3].core.med,
		    core_res[h3].raw.med), 2.5, 1);
		ADD("libjwt / core, HS256", RATIO(core_res[h2].libjwt.med,
		    core_res[h2].core.med), 1.5, 0);
		ADD("libjwt / core, ES256", RATIO(core_res[es].libjwt.med,
		    core_res[es].core.med), 5, 0);
		ADD("libjwt / core, HS384 (faster)", RATIO(
		    core_res[h3].libjwt.med, core_res[h3].core.med), 1, 0);
		ADD("libjwt / core, ES384 (faster)", RATIO(
		    core_res[e3].libjwt.med, core_res[e3].core.med), 1, 0);
		raw_ed = core_res[ed].raw.med;
	}
	if (pam_done && pam_res.ran && pam_res.loop[PC_PERMIT].med >= 0) {
		pl = pam_res.loop[PC_PERMIT].med;
		pf = pam_res.fresh[PC_PERMIT].med;
		for (c = PC_JWT_NOREPLAY; c <= PC_JWT_REPLAY; c++) {
			const char *on = c == PC_JWT_REPLAY ? "on" : "off";
			static char names[4][96];

			snprintf(names[(c - 1) * 2], sizeof(names[0]),
			    "PAM loop, replay %s: jwtsafe / (permit + raw "
			    "Ed25519)", on);
			ADD(names[(c - 1) * 2], raw_ed < 0 ? -1 :
			    RATIO(pam_res.loop[c].med, pl + raw_ed), 2, 1);
			snprintf(names[(c - 1) * 2 + 1], sizeof(names[0]),
			    "PAM fresh, replay %s: jwtsafe / (2 x permit + raw "
			    "Ed25519)", on);
			ADD(names[(c - 1) * 2 + 1], raw_ed < 0 ? -1 :
			    RATIO(pam_res.fresh[c].med, 2 * pf + raw_ed), 1, 1);
		}
		ADD("PAM loop, replay on, store on a tmpfs: jwtsafe / (permit "
		    "+ raw Ed25519)", raw_ed < 0 ? -1 :
		    RATIO(pam_res.loop[PC_JWT_TMPFS].med, pl + raw_ed), 2, 1);
		ADD("PAM fresh, replay on, libcrypto already loaded (sshd): "
		    "jwtsafe / (2 x permit + raw Ed25519)", raw_ed < 0 ? -1 :
		    RATIO(pam_res.fresh[PC_JWT_SSHD].med, 2 * pf + raw_ed), 1,
		    1);
		ADD("pam_unix / jwtsafe (replay on), loop", RATIO(
		    pam_res.loop[PC_UNIX].med, pam_res.loop[PC_JWT_REPLAY].med),
		    50, 0);
		ADD("pam_unix / jwtsafe (replay on), fresh", RATIO(
		    pam_res.fresh[PC_UNIX].med,
		    pam_res.fresh[PC_JWT_REPLAY].med), 50, 0);
		ADD("pam_unix / jwtsafe (replay on), fresh, libcrypto already "
		    "loaded (sshd)", RATIO(pam_res.fresh[PC_UNIX].med,
		    pam_res.fresh[PC_JWT_SSHD].med), 50, 0);
	}
	if (replay_done)
		ADD("replay accept, most records / empty", RATIO(
		    replay_res[2].accept.med, replay_res[0].accept.med), 2, 1);
	if (keys_done) {
		static char names[KEYS_ALGS][64];

		for (c = 0; c < KEYS_ALGS; c++) {
			snprintf(names[c], sizeof(names[c]), "%s key file, "
			    "%d keys / 1 key", jwtsafe_alg_name(keys_algs[c]),
			    S.keyfile_big);
			ADD(names[c], RATIO(keys_res[c][1].med,
			    keys_res[c][0].med), 2, 1);
		}
	}
	printf("## Targets\n\n| target | measured | limit | result |\n"
	    "|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		if (t[i].value < 0)
			snprintf(val, sizeof(val), "n/a");
		else
			snprintf(val, sizeof(val), "%.2fx", t[i].value);
		snprintf(lim, sizeof(lim), "%s %.2fx", t[i].at_most ? "<=" :
		    ">=", t[i].limit);
		printf("| %s | %s | %s | %s |\n", t[i].name, val, lim,
		    verdict(t[i].value, t[i].limit, t[i].at_most));
	}
	if (pam_done) {
		printf("| memcheck on the PAM path: 0 bytes definitely lost | "
		    "%s | 0 bytes | %s |\n", pam_res.memcheck,
		    pam_res.memcheck_ran ? (pam_res.memcheck_ok ? "met" :
		    "MISSED") : "n/a");
	}
	printf("\n");
#undef RATIO
#undef ADD
}

/* ---- main ---------------------------------------------------------------------- */

static int
section_on(const char *only, const char *name)
{
	const char *p;
	size_t n = strlen(name);

	if (only == NULL)
		return 1;
	for (p = only; (p = strstr(p, name)) != NULL; p += n) {
		if ((p == only || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return 1;
	}
	return 0;
}

static pid_t main_pid;

/* At exit of the main process only (a forked child that dies must not
 * remove what the parent still uses). */
static void
cleanup_workdir(void)
{
	if (workdir[0] != '\0' && getpid() == main_pid)
		rm_rf(workdir);
}

int
main(int argc, char **argv)
{
	struct algcase cases[NALG];
	const char *only = NULL, *tmp;
	ssize_t n;
	int i;

	if (jwtsafe_init() != 0)
		die("library initialisation failed");
	if (argc >= 2 && strcmp(argv[1], "--verify-loop") == 0)
		return verify_loop(argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			S.quick = 1;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else
			die("usage: %s [--quick] [--only core,pam,replay,keys,"
			    "callgrind,memcheck]", argv[0]);
	}
	if (S.quick) {
		S.reps = 3;
		S.batch_ns = 1000000;
		S.pam_reps = 3;
		S.pam_loop_n = 5;
		S.unix_loop_n = 1;
		S.fresh_n = 3;
		S.replay_sizes[0] = 0;
		S.replay_sizes[1] = 100;
		S.replay_sizes[2] = 1000;
		S.keyfile_big = 1000;
		S.cg_n1 = 10;
		S.cg_n2 = 20;
	} else {
		S.reps = 11;
		S.batch_ns = 20000000;
		S.pam_reps = 11;
		S.pam_loop_n = 100;
		S.unix_loop_n = 5;
		S.fresh_n = 21;
		S.replay_sizes[0] = 0;
		S.replay_sizes[1] = 10000;
		S.replay_sizes[2] = 1000000;
		S.keyfile_big = 1000;
		S.cg_n1 = 20;
		S.cg_n2 = 220;
	}
	if ((n = readlink("/proc/self/exe", selfexe, sizeof(selfexe) - 1)) <= 0)
		die("readlink /proc/self/exe: %s", strerror(errno));
	selfexe[n] = '\0';
	tmp = getenv("TMPDIR");
	pathf(workdir, sizeof(workdir), "%s/jwtsafe-bench.XXXXXX",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(workdir) == NULL)
		die("mkdtemp: %s", strerror(errno));
	main_pid = getpid();
	atexit(cleanup_workdir);
	signal(SIGPIPE, SIG_IGN);

	print_machine();
	for (i = 0; i < NALG; i++)
		algcase_init(&cases[i], all_algs[i], (int64_t)time(NULL));
	if (section_on(only, "core")) {
		section_core(cases);
		print_core();
	}
	if (section_on(only, "pam") || section_on(only, "memcheck")) {
		section_pam(section_on(only, "pam"),
		    section_on(only, "memcheck") && !S.quick);
		if (section_on(only, "pam"))
			print_pam();
	}
	if (section_on(only, "replay")) {
		section_replay();
		print_replay();
	}
	if (section_on(only, "keys")) {
		section_keys();
		print_keys();
	}
	if (section_on(only, "callgrind")) {
		section_callgrind(cases);
		print_callgrind();
	}
	print_targets();
	if (pam_done && !section_on(only, "memcheck"))
		note("memcheck: not run (--only)");
	else if (pam_done && S.quick)
		note("memcheck: skipped (--quick)");
	if (notes[0] != '\0')
		printf("## Notes\n\n%s\n", notes);
	printf("End of the benchmark.\n");
	for (i = 0; i < NALG; i++) {
		jwtsafe_verifier_free(cases[i].v);
		jwtsafe_key_free(cases[i].sk);
		jwtsafe_freezero_str(cases[i].token);
		free(cases[i].jwtkey);
		EVP_MAC_free(cases[i].mac);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
