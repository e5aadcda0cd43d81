/*
 * libFuzzer target: token parsing and verification through jwtsafe_verify.
 *
 * The keys are fixed (fuzzkeys.h, made by make-seeds.sh), and so is the
 * clock (FUZZ_NOW), so the seed tokens are valid and the fuzzer starts past
 * the signature. Two verifiers per algorithm, made once: one holding only
 * "k1", one holding "k1", "k2" (a window around FUZZ_NOW) and "k3"
 * (retired before FUZZ_NOW), so tokens without a kid reach both the
 * only-key path and the kid-required refusal.
 *
 * The first input byte chooses the variant:
 *   bits 0-2  algorithm (value mod 6: EdDSA ES256 ES384 PS256 HS256 HS384)
 *   0x08      allow_high_s
 *   0x10      the verifier with "k1" only (else the three-key one)
 *   0x20      require_jti
 *   0x40      sign mode: the rest is HEADER "\n" PAYLOAD (JSON text), which
 *             the target signs with k1 (jwtsafe_sign_raw) before verifying,
 *             so header and claims are explored with a valid signature;
 *             otherwise the rest is a compact token, verified as it is
 *   0x80      leeway 0 (else 30)
 *
 * Beyond "no crash, no leak, no undefined behaviour" it checks the
 * verifier's contract: a result is either 0 with a token or a negative
 * code with err filled and no token; an accepted token satisfies the
 * policy; and an accepted compact token stops verifying when one
 * character of its signature changes.
 *
 * With JWTSAFE_FUZZ_VERBOSE set in the environment it prints each result
 * (to check that the seeds are accepted: run it on the corpus files).
 */
#include "config.h"

#include <string.h>

#include "alg.h"
#include "err.h"
#include "key.h"
#include "keyfile.h"
#include "sign.h"
#include "util.h"
#include "verifier.h"

#include "fuzzer.h"
#include "fuzzkeys.h"

#define NALGS 6
#define KID_SIGNER "k1"

struct alg_state {
	struct jwtsafe_key *signer;         /* k1, secret */
	struct jwtsafe_verifier *one;       /* k1 */
	struct jwtsafe_verifier *three;     /* k1, k2, k3 */
};

static struct alg_state algs[NALGS];
static int verbose;     /* JWTSAFE_FUZZ_VERBOSE set: print each result */

static void
die(const char *what, const struct jwtsafe_error *err)
{
	char buf[512];

	fprintf(stderr, "fuzz_token: %s: %s\n", what,
	    err != NULL ? jwtsafe_err_format(err, buf, sizeof(buf)) : "");
	abort();
}

/* The verifying half of a secret key: its public key, or for HMAC a copy. */
static struct jwtsafe_key *
verifying_key(const char *line)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *sk = NULL, *vk = NULL;

	if (jwtsafe_keyline_parse(line, strlen(line), &sk, &err) != 0)
		die("fuzzkeys.h: a key line does not parse", &err);
	if (jwtsafe_alg_is_symmetric(sk->alg))
		return sk;
	if (jwtsafe_key_public(sk, &vk, &err) != 0)
		die("jwtsafe_key_public", &err);
	jwtsafe_key_free(sk);
	return vk;
}

static void
add(struct jwtsafe_verifier *v, const char *line)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = verifying_key(line);

	if (jwtsafe_verifier_add_key(v, k, &err) != 0)
		die("jwtsafe_verifier_add_key", &err);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k;
	struct alg_state *st;
	size_t i;
	int a;

	if (jwtsafe_init() != 0)
		die("jwtsafe_init", NULL);
	verbose = getenv("JWTSAFE_FUZZ_VERBOSE") != NULL;
	for (a = 0; a < NALGS; a++) {
		st = &algs[a];
		if (jwtsafe_verifier_new(JWTSAFE_ALG_FIRST + a, &st->one,
		    &err) != 0 || jwtsafe_verifier_new(JWTSAFE_ALG_FIRST + a,
		    &st->three, &err) != 0)
			die("jwtsafe_verifier_new", &err);
	}
	for (i = 0; fuzz_key_lines[i] != NULL; i++) {
		k = NULL;
		if (jwtsafe_keyline_parse(fuzz_key_lines[i],
		    strlen(fuzz_key_lines[i]), &k, &err) != 0)
			die("fuzzkeys.h: a key line does not parse", &err);
		a = (int)k->alg - (int)JWTSAFE_ALG_FIRST;
		if (a < 0 || a >= NALGS)
			die("fuzzkeys.h: unexpected algorithm", NULL);
		st = &algs[a];
		add(st->three, fuzz_key_lines[i]);
		if (strcmp(k->kid, KID_SIGNER) == 0) {
			add(st->one, fuzz_key_lines[i]);
			st->signer = k;
		} else
			jwtsafe_key_free(k);
	}
	for (a = 0; a < NALGS; a++) {
		if (algs[a].signer == NULL ||
		    jwtsafe_verifier_key_count(algs[a].one) != 1 ||
		    jwtsafe_verifier_key_count(algs[a].three) != 3)
			die("fuzzkeys.h: each algorithm needs k1, k2 and k3",
			    NULL);
	}
	return 0;
}

static int
kid_loaded(const char *kid, int three)
{
	if (strcmp(kid, "k1") == 0)
		return 1;
	return three && (strcmp(kid, "k2") == 0 || strcmp(kid, "k3") == 0);
}

/* Verify and check the contract; returns the result code. */
static int
verify_checked(const struct jwtsafe_verifier *v, int three,
    const char *tok, size_t len, const struct jwtsafe_policy *pol)
{
	static struct jwtsafe_token poison;
	struct jwtsafe_error err;
	struct jwtsafe_token *t = &poison;   /* must come back NULL or a token */
	size_t sublen;
	int r;

	memset(&err, 0, sizeof(err));
	r = jwtsafe_verify(v, tok, len, pol, &t, &err);
	if (verbose)
		fprintf(stderr, "fuzz_token: %s (%s)\n", jwtsafe_err_name(r),
		    r != 0 ? err.detail : "accepted");
	if (r != 0) {
		FUZZ_CHECK(r < 0);
		FUZZ_CHECK(t == NULL);
		FUZZ_CHECK(err.code == r);
		FUZZ_CHECK(memchr(err.detail, '\0', sizeof(err.detail)) !=
		    NULL);
		return r;
	}
	FUZZ_CHECK(t != NULL);
	FUZZ_CHECK(len <= JWTSAFE_TOKEN_MAX);
	FUZZ_CHECK(t->header != NULL && t->payload != NULL);
	FUZZ_CHECK(t->sub != NULL && t->iss != NULL);
	sublen = strlen(t->sub);
	FUZZ_CHECK(sublen >= 1 && sublen <= JWTSAFE_SUB_MAX);
	FUZZ_CHECK(!jwtsafe_has_control((const unsigned char *)t->sub,
	    sublen));
	FUZZ_CHECK(strcmp(t->iss, pol->issuer) == 0);
	FUZZ_CHECK(pol->now < t->exp + pol->leeway);
	FUZZ_CHECK(t->iat <= pol->now + pol->leeway);
	FUZZ_CHECK(t->exp >= t->iat && t->exp - t->iat <= pol->max_ttl);
	FUZZ_CHECK(!pol->require_jti || t->jti != NULL);
	FUZZ_CHECK(t->jti == NULL ||
	    (strlen(t->jti) >= 1 && strlen(t->jti) <= JWTSAFE_JTI_MAX));
	FUZZ_CHECK(pol->allow_high_s || !t->high_s);
	FUZZ_CHECK(t->high_s == 0 || t->high_s == 1);
	FUZZ_CHECK(t->kid == NULL || kid_loaded(t->kid, three));
	/* "k3" is retired at FUZZ_NOW: it can never verify. */
	FUZZ_CHECK(t->kid == NULL || strcmp(t->kid, "k3") != 0);
	/* Without a kid only a single-key verifier may pick its key. */
	FUZZ_CHECK(t->kid != NULL || !three);
	jwtsafe_token_free(t);
	return 0;
}

/* An accepted compact token with one signature character changed (which
 * changes the decoded signature's first byte) must be refused. */
static void
check_tampered(const struct jwtsafe_verifier *v, int three, const char *tok,
    size_t len, const struct jwtsafe_policy *pol)
{
	const char *dot;
	char *copy;
	size_t at;

	if ((dot = memrchr(tok, '.', len)) == NULL)
		return;
	at = (size_t)(dot - tok) + 1;
	FUZZ_CHECK(at < len);   /* the signature segment is never empty */
	if ((copy = malloc(len)) == NULL)
		return;
	memcpy(copy, tok, len);
	copy[at] = copy[at] == 'A' ? 'B' : 'A';
	FUZZ_CHECK(verify_checked(v, three, copy, len, pol) != 0);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwtsafe_policy pol;
	struct jwtsafe_error err = { 0 };
	const struct alg_state *st;
	const struct jwtsafe_verifier *v;
	const char *in, *nl;
	char *signed_tok = NULL;
	size_t inlen;
	uint8_t sel;
	int three, r;

	if (size < 1)
		return 0;
	sel = data[0];
	in = (const char *)data + 1;
	inlen = size - 1;
	st = &algs[(sel & 0x07) % NALGS];
	three = (sel & 0x10) == 0;
	v = three ? st->three : st->one;

	memset(&pol, 0, sizeof(pol));
	pol.typ = "JWT";
	pol.issuer = FUZZ_ISSUER;
	pol.audience = FUZZ_AUDIENCE;
	pol.now = FUZZ_NOW;
	pol.leeway = (sel & 0x80) ? 0 : 30;
	pol.max_ttl = 300;
	pol.require_jti = (sel & 0x20) != 0;
	pol.allow_high_s = (sel & 0x08) != 0;

	if ((sel & 0x40) == 0) {
		r = verify_checked(v, three, in, inlen, &pol);
		if (r == 0)
			check_tampered(v, three, in, inlen, &pol);
		return 0;
	}

	/* Sign mode: HEADER "\n" PAYLOAD, signed here with k1. */
	if ((nl = memchr(in, '\n', inlen)) == NULL)
		return 0;
	if (jwtsafe_sign_raw(st->signer, in, (size_t)(nl - in), nl + 1,
	    inlen - (size_t)(nl - in) - 1, &signed_tok, &err) != 0)
		return 0;
	r = verify_checked(v, three, signed_tok, strlen(signed_tok), &pol);
	/* Signed with k1 itself: with k1 the only key loaded, a refusal is
	 * never about the signature (with three keys the header may name k2,
	 * in any JSON spelling). */
	if (r == JWTSAFE_ERR_BAD_SIGNATURE || r == JWTSAFE_ERR_SIG_FORMAT)
		FUZZ_CHECK(three);
	jwtsafe_freezero_str(signed_tok);
	return 0;
}
