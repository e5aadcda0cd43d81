/*
 * Typed keys: generation and public halves for the six algorithms, and
 * jwtsafe_key_new refusing material that is valid but for one change
 * (each refusal next to its accepted control).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "alg.h"
#include "err.h"
#include "key.h"
#include "tap.h"
#include "util.h"

#define NALGS 6
static const enum jwtsafe_alg all_algs[NALGS] = {
	JWTSAFE_ALG_EDDSA, JWTSAFE_ALG_ES256, JWTSAFE_ALG_ES384,
	JWTSAFE_ALG_PS256, JWTSAFE_ALG_HS256, JWTSAFE_ALG_HS384,
};
enum { I_ED, I_ES256, I_ES384, I_PS256, I_HS256, I_HS384 };

static struct jwtsafe_key *sk[NALGS], *pk[NALGS];

static const unsigned char msg[] = "header.payload";

static void
bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(99);
}

static struct jwtsafe_key *
gen(enum jwtsafe_alg alg, const char *kid)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (jwtsafe_key_generate(alg, kid, alg == JWTSAFE_ALG_PS256 ? 2048 : 0,
	    &k, &err) != 0)
		bail(err.detail);
	return k;
}

/* jwtsafe_key_new's result for material; the key is freed. */
static int
try_new(enum jwtsafe_alg alg, enum jwtsafe_key_purpose purpose,
    const unsigned char *m, size_t len)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;
	int r;

	r = jwtsafe_key_new(alg, purpose, "t", m, len, &k, &err);
	if (r != 0)
		tap_diag("refused: %s", err.detail);
	if (r != 0 && (k != NULL || err.code != r || err.detail[0] == '\0'))
		return JWTSAFE_ERR_INTERNAL;    /* contract broken */
	if (r == 0 && k == NULL)
		return JWTSAFE_ERR_INTERNAL;
	jwtsafe_key_free(k);
	return r;
}

/* jwtsafe_key_new_ex's result at check level chk; the key is freed. When
 * detail is not NULL, the refusal's detail is copied there. */
static int
try_new_ex(enum jwtsafe_alg alg, enum jwtsafe_key_purpose purpose,
    const unsigned char *m, size_t len, enum jwtsafe_key_check chk,
    char *detail, size_t dlen)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;
	int r;

	r = jwtsafe_key_new_ex(alg, purpose, "t", m, len, chk, &k, &err);
	if (detail != NULL)
		snprintf(detail, dlen, "%s", r != 0 ? err.detail : "");
	if (r != 0 && (k != NULL || err.code != r || err.detail[0] == '\0'))
		return JWTSAFE_ERR_INTERNAL;    /* contract broken */
	if (r == 0 && k == NULL)
		return JWTSAFE_ERR_INTERNAL;
	jwtsafe_key_free(k);
	return r;
}

/* sign with s, verify with v */
static int
sign_verify(const struct jwtsafe_key *s, const struct jwtsafe_key *v)
{
	unsigned char sig[JWTSAFE_SIG_MAX];
	size_t siglen = 0;
	int r;

	if ((r = jwtsafe_alg_sign(s, msg, sizeof(msg), sig, sizeof(sig),
	    &siglen)) != 0)
		return r;
	return jwtsafe_alg_verify(v, msg, sizeof(msg), sig, siglen, 0, NULL);
}

/* DER of pkey's public key (SPKI); malloc'ed. */
static unsigned char *
spki_of(EVP_PKEY *pkey, size_t *len)
{
	unsigned char *der = NULL, *out;
	int n = i2d_PUBKEY(pkey, &der);

	if (n <= 0 || (out = malloc((size_t)n)) == NULL)
		bail("i2d_PUBKEY");
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return out;
}

/* PKCS#8 DER of pkey; malloc'ed. */
static unsigned char *
pkcs8_of(EVP_PKEY *pkey, size_t *len)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pkey);
	unsigned char *der = NULL, *out;
	int n;

	if (p8 == NULL || (n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der)) <= 0 ||
	    (out = malloc((size_t)n)) == NULL)
		bail("PKCS#8");
	memcpy(out, der, (size_t)n);
	OPENSSL_clear_free(der, (size_t)n);
	PKCS8_PRIV_KEY_INFO_free(p8);
	*len = (size_t)n;
	return out;
}

/* A copy of m with one byte more at the end. */
static unsigned char *
with_trailer(const unsigned char *m, size_t len)
{
	unsigned char *b = malloc(len + 1);

	if (b == NULL)
		bail("malloc");
	memcpy(b, m, len);
	b[len] = 0x00;
	return b;
}

/* ---- generation and public halves --------------------------------------- */

static void
test_round_trip(void)
{
	static const size_t pub_len[NALGS] = { 32, 65, 97, 0, 0, 0 };
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *again = NULL, *pub2 = NULL, *p = NULL;
	int i;

	for (i = 0; i < NALGS; i++) {
		enum jwtsafe_alg alg = all_algs[i];
		const char *name = jwtsafe_alg_name(alg);

		ok(sk[i]->alg == alg && sk[i]->purpose == JWTSAFE_KEY_SECRET &&
		    strcmp(sk[i]->kid, "gen") == 0, "%s: generated secret key "
		    "has its algorithm, purpose and kid", name);
		ok(sk[i]->not_before == JWTSAFE_TIME_NONE &&
		    sk[i]->not_after == JWTSAFE_TIME_NONE && sk[i]->line == 0,
		    "%s: no validity window", name);
		if (jwtsafe_alg_is_symmetric(alg)) {
			is_int(sk[i]->material_len, alg == JWTSAFE_ALG_HS256 ?
			    32 : 48, "%s: generated MAC key length", name);
			is_int(jwtsafe_key_public(sk[i], &p, &err),
			    JWTSAFE_ERR_KEY_PURPOSE, "%s: no public half",
			    name);
			ok(p == NULL, "%s: ... and no key out", name);
			is_int(sign_verify(sk[i], sk[i]), 0, "%s: MAC round "
			    "trip", name);
			continue;
		}
		ok(pk[i]->alg == alg && pk[i]->purpose == JWTSAFE_KEY_PUBLIC &&
		    strcmp(pk[i]->kid, "gen") == 0 && (pk[i]->pkey != NULL) ==
		    (alg != JWTSAFE_ALG_EDDSA), "%s: public half has algorithm, "
		    "purpose and kid", name);
		if (pub_len[i] != 0)
			is_int(pk[i]->material_len, pub_len[i],
			    "%s: public material of %zu bytes", name,
			    pub_len[i]);
		is_int(sign_verify(sk[i], pk[i]), 0, "%s: sign with the secret, "
		    "verify with the public half", name);
		is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, pk[i]->material,
		    pk[i]->material_len), 0, "%s: public material loads back",
		    name);

		/* The secret material loads back to the same key pair. */
		if (jwtsafe_key_new(alg, JWTSAFE_KEY_SECRET, "again",
		    sk[i]->material, sk[i]->material_len, &again, &err) != 0 ||
		    jwtsafe_key_public(again, &pub2, &err) != 0) {
			ok(0, "%s: reload: %s", name, err.detail);
		} else {
			ok(pub2->material_len == pk[i]->material_len &&
			    memcmp(pub2->material, pk[i]->material,
			    pk[i]->material_len) == 0, "%s: reloaded secret "
			    "has the same public half", name);
			is_int(sign_verify(again, pk[i]), 0, "%s: reloaded "
			    "secret signs for the public half", name);
		}
		jwtsafe_key_free(again);
		jwtsafe_key_free(pub2);
		again = pub2 = NULL;
	}

	/* Independent views of the public halves. */
	{
		unsigned char edpk[32], point[97];
		size_t plen = 0;

		crypto_sign_ed25519_sk_to_pk(edpk, sk[I_ED]->sk);
		ok(memcmp(edpk, pk[I_ED]->material, 32) == 0 &&
		    memcmp(edpk, sk[I_ED]->pub, 32) == 0,
		    "EdDSA: public half is libsodium's");
		for (i = I_ES256; i <= I_ES384; i++) {
			ok(EVP_PKEY_get_octet_string_param(sk[i]->pkey,
			    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
			    sizeof(point), &plen) == 1 &&
			    plen == pk[i]->material_len &&
			    memcmp(point, pk[i]->material, plen) == 0,
			    "%s: public half is OpenSSL's encoded point",
			    jwtsafe_alg_name(all_algs[i]));
		}
		ok(EVP_PKEY_get_bits(sk[I_PS256]->pkey) == 2048 &&
		    EVP_PKEY_eq(sk[I_PS256]->pkey, pk[I_PS256]->pkey) == 1,
		    "PS256: public half matches the 2048-bit secret");
	}

	/* Window and kid are carried to the public half. */
	sk[I_ED]->not_before = 1000;
	sk[I_ED]->not_after = 2000;
	if (jwtsafe_key_public(sk[I_ED], &p, &err) == 0) {
		ok(p->not_before == 1000 && p->not_after == 2000 &&
		    strcmp(p->kid, sk[I_ED]->kid) == 0,
		    "public half keeps kid and window");
		is_int(jwtsafe_key_public(p, &pub2, &err),
		    JWTSAFE_ERR_KEY_PURPOSE, "public half of a public key "
		    "refused");
		jwtsafe_key_free(p);
	} else
		ok(0, "public half: %s", err.detail);
	sk[I_ED]->not_before = sk[I_ED]->not_after = JWTSAFE_TIME_NONE;
}

static void
test_generate_args(void)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *a = NULL, *b = NULL;

	if (jwtsafe_key_generate(JWTSAFE_ALG_EDDSA, NULL, 0, &a, &err) == 0 &&
	    jwtsafe_key_generate(JWTSAFE_ALG_EDDSA, NULL, 0, &b, &err) == 0) {
		ok(strlen(a->kid) == 16 && jwtsafe_kid_valid(a->kid) &&
		    strspn(a->kid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		    "qrstuvwxyz0123456789-_") == 16, "random kid: 16 base64url "
		    "characters (%s)", a->kid);
		ok(strcmp(a->kid, b->kid) != 0, "two random kids differ");
		ok(memcmp(a->material, b->material, 32) != 0,
		    "two generated seeds differ");
	} else
		ok(0, "generate with a random kid: %s", err.detail);
	jwtsafe_key_free(a);
	jwtsafe_key_free(b);
	a = b = NULL;

	is_int(jwtsafe_key_generate(JWTSAFE_ALG_PS256, "r", 1024, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "RSA 1024 bits refused");
	is_int(jwtsafe_key_generate(JWTSAFE_ALG_PS256, "r", 2047, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "RSA 2047 bits refused");
	is_int(jwtsafe_key_generate(JWTSAFE_ALG_PS256, "r", 8192, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "RSA 8192 bits refused for "
	    "generation");
	is_int(jwtsafe_key_generate(JWTSAFE_ALG_PS256, "r", -1, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "RSA -1 bits refused");
	ok(a == NULL, "no key out of a refused generation");
	if (jwtsafe_key_generate(JWTSAFE_ALG_PS256, "r", 0, &a, &err) == 0) {
		is_int(EVP_PKEY_get_bits(a->pkey), 3072,
		    "RSA default is 3072 bits");
		jwtsafe_key_free(a);
		a = NULL;
	} else
		ok(0, "RSA default size: %s", err.detail);
	is_int(jwtsafe_key_generate(JWTSAFE_ALG_EDDSA, "bad kid", 0, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "generate with an invalid kid");
	is_int(jwtsafe_key_generate(JWTSAFE_ALG_INVALID, "k", 0, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "generate with no algorithm");
	is_int(jwtsafe_key_generate((enum jwtsafe_alg)99, "k", 0, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "generate with an unknown "
	    "algorithm");
	ok(a == NULL, "no key out");
}

/* ---- jwtsafe_key_new: arguments, kid, copy ------------------------------ */

static void
test_new_args(void)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;
	unsigned char m[32];
	const unsigned char *good = pk[I_ED]->material;
	unsigned char big[JWTSAFE_KEY_MATERIAL_MAX + 1];

	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, good, 32), 0,
	    "control: EdDSA public key");
	is_int(try_new(JWTSAFE_ALG_INVALID, JWTSAFE_KEY_PUBLIC, good, 32),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "no algorithm");
	is_int(try_new((enum jwtsafe_alg)7, JWTSAFE_KEY_PUBLIC, good, 32),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "unknown algorithm");
	is_int(try_new(JWTSAFE_ALG_EDDSA, (enum jwtsafe_key_purpose)0, good,
	    32), JWTSAFE_ERR_INVALID_ARGUMENT, "purpose 0");
	is_int(try_new(JWTSAFE_ALG_EDDSA, (enum jwtsafe_key_purpose)3, good,
	    32), JWTSAFE_ERR_INVALID_ARGUMENT, "purpose 3");
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, NULL, 32),
	    JWTSAFE_ERR_KEY_INVALID, "NULL material");
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, good, 0),
	    JWTSAFE_ERR_KEY_INVALID, "empty material");
	memset(big, 0x41, sizeof(big));
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET, big,
	    sizeof(big)), JWTSAFE_ERR_KEY_INVALID, "material over "
	    "JWTSAFE_KEY_MATERIAL_MAX");
	is_int(jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, "k",
	    good, 32, NULL, &err), JWTSAFE_ERR_INVALID_ARGUMENT, "no output");
	is_int(jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, "a:b",
	    good, 32, &k, &err), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "invalid kid refused");
	is_int(jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, NULL,
	    good, 32, &k, &err), JWTSAFE_ERR_INVALID_ARGUMENT, "NULL kid "
	    "refused");
	ok(k == NULL, "no key out of a refusal");

	/* The material is copied, not referenced. */
	memcpy(m, good, 32);
	if (jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, "copy", m,
	    32, &k, &err) == 0) {
		memset(m, 0, sizeof(m));
		ok(k->material != m && memcmp(k->material, good, 32) == 0 &&
		    k->material_len == 32, "material is copied");
		is_int(sign_verify(sk[I_ED], k), 0, "copied key verifies after "
		    "the caller's buffer is cleared");
		jwtsafe_key_free(k);
	} else
		ok(0, "copy: %s", err.detail);
	jwtsafe_key_free(NULL);
	ok(1, "jwtsafe_key_free(NULL) is harmless");
}

static void
test_kid(void)
{
	char kid[JWTSAFE_KID_MAX + 2];

	ok(jwtsafe_kid_valid("a"), "kid \"a\"");
	ok(jwtsafe_kid_valid("key-2024.01_A~b+c/d=="), "kid with every "
	    "allowed punctuation (._~+/=-)");
	ok(jwtsafe_kid_valid("/"), "kid \"/\" (in the allowed set)");
	ok(!jwtsafe_kid_valid(""), "empty kid refused");
	ok(!jwtsafe_kid_valid(NULL), "NULL kid refused");
	memset(kid, 'k', JWTSAFE_KID_MAX);
	kid[JWTSAFE_KID_MAX] = '\0';
	ok(jwtsafe_kid_valid(kid), "kid of %d characters", JWTSAFE_KID_MAX);
	kid[JWTSAFE_KID_MAX] = 'k';
	kid[JWTSAFE_KID_MAX + 1] = '\0';
	ok(!jwtsafe_kid_valid(kid), "kid of %d characters refused",
	    JWTSAFE_KID_MAX + 1);
	ok(!jwtsafe_kid_valid("a:b"), "kid with ':' refused");
	ok(!jwtsafe_kid_valid("a b"), "kid with a space refused");
	ok(!jwtsafe_kid_valid("ab\n"), "kid with a newline refused");
	ok(!jwtsafe_kid_valid("a\tb"), "kid with a tab refused");
	ok(!jwtsafe_kid_valid("a\"b"), "kid with a quote refused");
	ok(!jwtsafe_kid_valid("a\\b"), "kid with a backslash refused");
	ok(!jwtsafe_kid_valid("caf\xc3\xa9"), "kid with non-ASCII refused");
	ok(!jwtsafe_kid_valid("a\x7f"), "kid with DEL refused");
	/* A C string cannot carry a NUL: "ab\0cd" is the kid "ab". */
	ok(jwtsafe_kid_valid("ab\0:"), "kid is read up to its NUL only");
}

/* ---- EdDSA -------------------------------------------------------------- */

/* The encoding of P + T, T the point of order 2: (x, y) -> (-x, -y). On the
 * curve and not of small order, but outside the prime-order subgroup. */
static void
mixed_order(const unsigned char *pub, unsigned char *out)
{
	static const unsigned char p_le[32] = {
		0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
	};
	unsigned char y[32];
	int borrow = 0, d, i;

	memcpy(y, pub, 32);
	y[31] &= 0x7f;
	for (i = 0; i < 32; i++) {           /* p - y, little-endian */
		d = (int)p_le[i] - (int)y[i] - borrow;
		borrow = d < 0;
		out[i] = (unsigned char)(d + (borrow ? 256 : 0));
	}
	out[31] |= (unsigned char)((pub[31] & 0x80) ^ 0x80);   /* -x */
}

static void
test_eddsa(void)
{
	unsigned char b[64], good[32];

	memcpy(good, pk[I_ED]->material, 32);
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, good, 32), 0,
	    "EdDSA: control: public key");
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, good, 31),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: 31-byte public key refused");
	memcpy(b, good, 32);
	b[32] = 0;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 33),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: 33-byte public key refused");

	/* Small order: the identity (0, 1) and the point (0, -1) of order 2. */
	memset(b, 0, 32);
	b[0] = 0x01;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: identity 0100..00 refused");
	b[31] = 0x80;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: identity with the sign bit set "
	    "refused");
	memset(b, 0xff, 32);
	b[0] = 0xec;
	b[31] = 0x7f;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: order-2 point ecff..ff7f refused");
	memset(b, 0, 32);
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: all-zero (order 4) refused");

	/* Non-canonical y >= p. (No point of the prime-order subgroup has
	 * y < 19, so each of these is also invalid once reduced.) */
	memset(b, 0xff, 32);
	b[0] = 0xed;
	b[31] = 0x7f;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: y = p (non-canonical) refused");
	b[0] = 0xee;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: y = p + 1 (non-canonical "
	    "identity) refused");
	b[0] = 0xf0;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: y = p + 3 (non-canonical) refused");
	memset(b, 0xff, 32);
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: y = 2^255 - 1 with sign bit "
	    "refused");

	/* y = 2 has no x on the curve. */
	memset(b, 0, 32);
	b[0] = 0x02;
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: y = 2, not on the curve, refused");

	/* The valid key moved out of the prime-order subgroup. */
	mixed_order(good, b);
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, b, 32),
	    JWTSAFE_ERR_KEY_INVALID, "EdDSA: key + point of order 2 (mixed "
	    "order) refused");
	mixed_order(b, b + 32);
	ok(memcmp(b + 32, good, 32) == 0 && try_new(JWTSAFE_ALG_EDDSA,
	    JWTSAFE_KEY_PUBLIC, b + 32, 32) == 0, "EdDSA: control: adding it "
	    "twice gives the valid key back");

	/* Secret: exactly the 32-byte seed. */
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_SECRET,
	    sk[I_ED]->material, 32), 0, "EdDSA: control: 32-byte seed");
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_SECRET,
	    sk[I_ED]->material, 31), JWTSAFE_ERR_KEY_INVALID,
	    "EdDSA: 31-byte seed refused");
	is_int(try_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_SECRET, sk[I_ED]->sk,
	    64), JWTSAFE_ERR_KEY_INVALID, "EdDSA: 64-byte libsodium secret "
	    "key refused (seed only)");
	ok(memcmp(sk[I_ED]->sk, sk[I_ED]->material, 32) == 0, "EdDSA: the "
	    "seed is the first half of libsodium's secret key");
}

/* ---- ECDSA -------------------------------------------------------------- */

static void
test_ec_public(int i, int other)
{
	enum jwtsafe_alg alg = all_algs[i];
	const char *name = jwtsafe_alg_name(alg);
	size_t len = pk[i]->material_len, flen = (len - 1) / 2;
	unsigned char b[128], *good = pk[i]->material;

	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, good, len), 0,
	    "%s: control: uncompressed point", name);
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, good, len - 1),
	    JWTSAFE_ERR_KEY_INVALID, "%s: point one byte short refused", name);
	memcpy(b, good, len);
	b[len] = 0;
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, len + 1),
	    JWTSAFE_ERR_KEY_INVALID, "%s: point with a byte appended refused",
	    name);
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, good + 1, len - 1),
	    JWTSAFE_ERR_KEY_INVALID, "%s: X||Y without the 0x04 prefix "
	    "refused", name);

	/* The compressed form of the same point. */
	b[0] = (unsigned char)(0x02 | (good[len - 1] & 1));
	memcpy(b + 1, good + 1, flen);
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, 1 + flen),
	    JWTSAFE_ERR_KEY_INVALID, "%s: compressed point (0x%02x||X) refused",
	    name, b[0]);
	memcpy(b, good, len);
	b[0] = 0x02;
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: 0x02 prefix on X||Y refused", name);
	b[0] = (unsigned char)(0x06 | (good[len - 1] & 1));
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: hybrid form (0x%02x) refused", name,
	    b[0]);

	/* Off the curve. */
	memcpy(b, good, len);
	b[len - 1] ^= 0x01;
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: Y with a bit flipped (not on the "
	    "curve) refused", name);
	memcpy(b, good, len);
	b[1 + flen / 2] ^= 0x80;
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: X with a bit flipped refused", name);
	memset(b, 0, len);
	b[0] = 0x04;
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: 0x04||0||0 refused", name);
	memset(b + 1, 0xff, len - 1);
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: coordinates above p refused", name);
	b[0] = 0x00;
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, b, 1),
	    JWTSAFE_ERR_KEY_INVALID, "%s: point at infinity (0x00) refused",
	    name);

	/* The other curve's point. */
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, pk[other]->material,
	    pk[other]->material_len), JWTSAFE_ERR_KEY_INVALID,
	    "%s: %s point refused", name, jwtsafe_alg_name(all_algs[other]));
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, pk[I_PS256]->material,
	    pk[I_PS256]->material_len), JWTSAFE_ERR_KEY_INVALID,
	    "%s: RSA SubjectPublicKeyInfo refused", name);

	/* Purposes crossed. */
	is_int(try_new(alg, JWTSAFE_KEY_SECRET, good, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: public point given as secret refused",
	    name);
}

/* Offset of the private scalar in an EC PKCS#8 (after ECPrivateKey's
 * version 1 and the OCTET STRING header), or 0. */
static size_t
ec_scalar_offset(const unsigned char *der, size_t len, size_t flen)
{
	size_t i;

	for (i = 0; i + 5 + flen <= len; i++) {
		if (der[i] == 0x02 && der[i + 1] == 0x01 && der[i + 2] == 0x01 &&
		    der[i + 3] == 0x04 && der[i + 4] == flen)
			return i + 5;
	}
	return 0;
}

static void
test_ec_secret(int i, int other)
{
	enum jwtsafe_alg alg = all_algs[i];
	const char *name = jwtsafe_alg_name(alg);
	const unsigned char *good = sk[i]->material;
	size_t len = sk[i]->material_len, flen = alg == JWTSAFE_ALG_ES256 ?
	    32 : 48, off, tlen = 0;
	unsigned char *b = with_trailer(good, len), *trad = NULL;
	int n;

	is_int(try_new(alg, JWTSAFE_KEY_SECRET, good, len), 0,
	    "%s: control: PKCS#8 secret key", name);
	is_int(try_new(alg, JWTSAFE_KEY_SECRET, b, len + 1),
	    JWTSAFE_ERR_KEY_INVALID, "%s: PKCS#8 with a trailing byte refused",
	    name);
	is_int(try_new(alg, JWTSAFE_KEY_SECRET, good, len - 1),
	    JWTSAFE_ERR_KEY_INVALID, "%s: truncated PKCS#8 refused", name);

	/* The private scalar changed: no longer the embedded public key's. */
	if ((off = ec_scalar_offset(good, len, flen)) != 0) {
		memcpy(b, good, len);
		b[off + flen - 1] ^= 0x01;
		is_int(try_new(alg, JWTSAFE_KEY_SECRET, b, len),
		    JWTSAFE_ERR_KEY_INVALID, "%s: PKCS#8 whose scalar does not "
		    "match its public key refused", name);
	} else
		ok(0, "%s: private scalar not found in the PKCS#8", name);
	memcpy(b, good, len);
	b[len - 1] ^= 0x01;
	is_int(try_new(alg, JWTSAFE_KEY_SECRET, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: PKCS#8 whose public key is off the "
	    "curve refused", name);

	/* The traditional SEC1 ECPrivateKey of the same key is not PKCS#8. */
	if ((n = i2d_PrivateKey(sk[i]->pkey, &trad)) > 0) {
		tlen = (size_t)n;
		ok(tlen != len || memcmp(trad, good, len) != 0,
		    "%s: SEC1 form differs from PKCS#8", name);
		is_int(try_new(alg, JWTSAFE_KEY_SECRET, trad, tlen),
		    JWTSAFE_ERR_KEY_INVALID, "%s: SEC1 ECPrivateKey refused "
		    "(PKCS#8 only)", name);
		OPENSSL_clear_free(trad, tlen);
	} else
		ok(0, "%s: i2d_PrivateKey", name);

	is_int(try_new(alg, JWTSAFE_KEY_SECRET, sk[other]->material,
	    sk[other]->material_len), JWTSAFE_ERR_KEY_INVALID,
	    "%s: %s secret key refused (other curve)", name,
	    jwtsafe_alg_name(all_algs[other]));
	is_int(try_new(alg, JWTSAFE_KEY_SECRET, sk[I_PS256]->material,
	    sk[I_PS256]->material_len), JWTSAFE_ERR_KEY_INVALID,
	    "%s: RSA PKCS#8 refused", name);
	is_int(try_new(alg, JWTSAFE_KEY_PUBLIC, good, len),
	    JWTSAFE_ERR_KEY_INVALID, "%s: PKCS#8 given as public refused",
	    name);
	free(b);
}

/* ---- RSA ---------------------------------------------------------------- */

/* SPKI of the RSA public key (n, e). */
static unsigned char *
rsa_spki_ne(const BIGNUM *n, const BIGNUM *be, size_t *len)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	unsigned char *out;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		bail("RSA fromdata");
	out = spki_of(pkey, len);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return out;
}

/* SPKI of an RSA public key with the modulus of src and exponent e. */
static unsigned char *
rsa_spki_with_e(EVP_PKEY *src, unsigned long e, size_t *len)
{
	BIGNUM *n = NULL, *be = BN_new();
	unsigned char *out;

	if (be == NULL || BN_set_word(be, e) != 1 ||
	    EVP_PKEY_get_bn_param(src, OSSL_PKEY_PARAM_RSA_N, &n) != 1)
		bail("RSA n");
	out = rsa_spki_ne(n, be, len);
	BN_free(n);
	BN_free(be);
	return out;
}

/* SPKI with the modulus of src and the exponent 2^bits + add. */
static unsigned char *
rsa_spki_with_big_e(EVP_PKEY *src, int bits, unsigned long add, size_t *len)
{
	BIGNUM *n = NULL, *be = BN_new();
	unsigned char *out;

	if (be == NULL || BN_set_bit(be, bits) != 1 ||
	    BN_add_word(be, add) != 1 ||
	    EVP_PKEY_get_bn_param(src, OSSL_PKEY_PARAM_RSA_N, &n) != 1)
		bail("RSA n");
	out = rsa_spki_ne(n, be, len);
	BN_free(n);
	BN_free(be);
	return out;
}

/* SPKI with e = 65537 and the modulus f * p * q, where p and q are the
 * primes of the secret key src: a modulus whose smallest factor is f. */
static unsigned char *
rsa_spki_times(EVP_PKEY *src, unsigned long f, size_t *len)
{
	BIGNUM *p = NULL, *q = NULL, *n = BN_new(), *be = BN_new();
	BN_CTX *bctx = BN_CTX_new();
	unsigned char *out;

	if (n == NULL || be == NULL || bctx == NULL ||
	    BN_set_word(be, 65537) != 1 ||
	    EVP_PKEY_get_bn_param(src, OSSL_PKEY_PARAM_RSA_FACTOR1, &p) != 1 ||
	    EVP_PKEY_get_bn_param(src, OSSL_PKEY_PARAM_RSA_FACTOR2, &q) != 1 ||
	    BN_mul(n, p, q, bctx) != 1 || BN_mul_word(n, f) != 1)
		bail("RSA p q");
	out = rsa_spki_ne(n, be, len);
	BN_clear_free(p);
	BN_clear_free(q);
	BN_free(n);
	BN_free(be);
	BN_CTX_free(bctx);
	return out;
}

static void
test_rsa(void)
{
	const unsigned char *spki = pk[I_PS256]->material;
	const unsigned char *p8 = sk[I_PS256]->material;
	size_t slen = pk[I_PS256]->material_len;
	size_t plen = sk[I_PS256]->material_len, len;
	unsigned char *b, *trad = NULL;
	EVP_PKEY *small, *pss;
	EVP_PKEY_CTX *gctx;
	int n;

	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, spki, slen), 0,
	    "PS256: control: 2048-bit SubjectPublicKeyInfo");
	b = with_trailer(spki, slen);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, slen + 1),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: SPKI with a trailing byte "
	    "refused");
	free(b);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, spki, slen - 1),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: truncated SPKI refused");

	/* The same SPKI with a non-minimal length (0x83 00 01 22 for 0x82
	 * 01 22): the same key in BER, not DER. */
	if (slen > 4 && spki[0] == 0x30 && spki[1] == 0x82) {
		b = malloc(slen + 1);
		if (b == NULL)
			bail("malloc");
		b[0] = 0x30;
		b[1] = 0x83;
		b[2] = 0x00;
		memcpy(b + 3, spki + 2, slen - 2);
		is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b,
		    slen + 1), JWTSAFE_ERR_KEY_INVALID, "PS256: SPKI with a "
		    "non-minimal DER length refused");
		free(b);
	} else
		ok(0, "PS256: unexpected SPKI header");

	/* 1024 bits. */
	if ((small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) ==
	    NULL)
		bail("RSA 1024 keygen");
	b = spki_of(small, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: 1024-bit SPKI refused");
	free(b);
	b = pkcs8_of(small, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: 1024-bit PKCS#8 refused");
	OPENSSL_cleanse(b, len);
	free(b);
	EVP_PKEY_free(small);

	/* An RSA-PSS-restricted key (id-RSASSA-PSS), not rsaEncryption. */
	pss = NULL;
	if ((gctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL)) ==
	    NULL || EVP_PKEY_keygen_init(gctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(gctx, 2048) != 1 ||
	    EVP_PKEY_generate(gctx, &pss) != 1)
		bail("RSA-PSS keygen");
	EVP_PKEY_CTX_free(gctx);
	b = spki_of(pss, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: RSA-PSS-restricted SPKI refused");
	free(b);
	b = pkcs8_of(pss, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: RSA-PSS-restricted PKCS#8 "
	    "refused");
	OPENSSL_cleanse(b, len);
	free(b);
	EVP_PKEY_free(pss);

	/* The exponent: same modulus, e changed. */
	b = rsa_spki_with_e(pk[I_PS256]->pkey, 65537, &len);
	ok(len == slen && memcmp(b, spki, slen) == 0, "PS256: control: "
	    "rebuilt SPKI with e = 65537 is the original");
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len), 0,
	    "PS256: control: rebuilt SPKI accepted");
	free(b);
	b = rsa_spki_with_e(pk[I_PS256]->pkey, 65536, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: even exponent refused");
	free(b);
	b = rsa_spki_with_e(pk[I_PS256]->pkey, 1, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: exponent 1 refused");
	free(b);
	/* e must be odd and 65537 <= e < 2^256, at both check levels. */
	b = rsa_spki_with_e(pk[I_PS256]->pkey, 3, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: exponent 3 refused");
	is_int(try_new_ex(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len,
	    JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), JWTSAFE_ERR_KEY_INVALID,
	    "PS256: exponent 3 refused at login too");
	free(b);
	b = rsa_spki_with_e(pk[I_PS256]->pkey, 65535, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: exponent 65535 refused");
	free(b);
	b = rsa_spki_with_e(pk[I_PS256]->pkey, 65539, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len), 0,
	    "PS256: control: exponent 65539 (odd, above 65537) accepted");
	free(b);
	b = rsa_spki_with_big_e(pk[I_PS256]->pkey, 255, 1, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len), 0,
	    "PS256: control: exponent 2^255 + 1 accepted");
	free(b);
	b = rsa_spki_with_big_e(pk[I_PS256]->pkey, 256, 1, &len);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: exponent 2^256 + 1 refused");
	is_int(try_new_ex(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len,
	    JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), JWTSAFE_ERR_KEY_INVALID,
	    "PS256: exponent 2^256 + 1 refused at login too");
	free(b);

	/*
	 * Small factors: OpenSSL's check finds them only by chance (random
	 * Miller-Rabin bases); trial division by every prime below 2^16 finds
	 * them every time. The control is the same p * q with no small
	 * factor; each modulus is tried 20 times.
	 */
	{
		char detail[JWTSAFE_ERR_DETAIL_MAX];
		int i, refused = 0, accepted = 0, named = 0;

		b = rsa_spki_times(sk[I_PS256]->pkey, 1, &len);
		for (i = 0; i < 20; i++)
			accepted += try_new(JWTSAFE_ALG_PS256,
			    JWTSAFE_KEY_PUBLIC, b, len) == 0;
		is_int(accepted, 20, "PS256: control: p * q accepted 20 times "
		    "out of 20");
		free(b);
		b = rsa_spki_times(sk[I_PS256]->pkey, 65521, &len);
		for (i = 0; i < 20; i++) {
			refused += try_new_ex(JWTSAFE_ALG_PS256,
			    JWTSAFE_KEY_PUBLIC, b, len, JWTSAFE_KEY_CHECK_FULL,
			    detail, sizeof(detail)) == JWTSAFE_ERR_KEY_INVALID;
			named += strstr(detail, "small factor 65521") != NULL;
		}
		is_int(refused, 20, "PS256: 65521 * p * q (65521 the largest "
		    "prime below 2^16) refused 20 times out of 20");
		is_int(named, 20, "... naming the factor 65521");
		free(b);
		b = rsa_spki_times(sk[I_PS256]->pkey, 3, &len);
		is_int(try_new_ex(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len,
		    JWTSAFE_KEY_CHECK_FULL, detail, sizeof(detail)),
		    JWTSAFE_ERR_KEY_INVALID, "PS256: 3 * p * q refused");
		ok(strstr(detail, "small factor 3") != NULL,
		    "... naming the factor 3");
		free(b);
		b = rsa_spki_times(sk[I_PS256]->pkey, 2, &len);
		is_int(try_new_ex(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, b, len,
		    JWTSAFE_KEY_CHECK_LOGIN, detail, sizeof(detail)),
		    JWTSAFE_ERR_KEY_INVALID, "PS256: an even modulus refused "
		    "at login");
		ok(strstr(detail, "even") != NULL, "... as even");
		free(b);
	}

	/* Other families' keys. */
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC,
	    pk[I_ES256]->material, pk[I_ES256]->material_len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: EC point refused");
	{
		size_t elen;
		unsigned char *e = spki_of(pk[I_ES256]->pkey, &elen);

		is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, e, elen),
		    JWTSAFE_ERR_KEY_INVALID, "PS256: EC SubjectPublicKeyInfo "
		    "refused");
		free(e);
	}

	/* Secret. */
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET, p8, plen), 0,
	    "PS256: control: PKCS#8 secret key");
	b = with_trailer(p8, plen);
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET, b, plen + 1),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: PKCS#8 with a trailing byte "
	    "refused");
	OPENSSL_cleanse(b, plen + 1);
	free(b);
	if ((n = i2d_PrivateKey(sk[I_PS256]->pkey, &trad)) > 0) {
		is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET, trad,
		    (size_t)n), JWTSAFE_ERR_KEY_INVALID, "PS256: PKCS#1 "
		    "RSAPrivateKey refused (PKCS#8 only)");
		OPENSSL_clear_free(trad, (size_t)n);
	} else
		ok(0, "PS256: i2d_PrivateKey");
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET,
	    sk[I_ES256]->material, sk[I_ES256]->material_len),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: EC PKCS#8 refused");

	/* Purposes crossed. */
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET, spki, slen),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: SPKI given as secret refused");
	is_int(try_new(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, p8, plen),
	    JWTSAFE_ERR_KEY_INVALID, "PS256: PKCS#8 given as public refused");
}

/* ---- HMAC --------------------------------------------------------------- */

static void
test_hmac(void)
{
	unsigned char m[JWTSAFE_HMAC_MAX_KEY + 1];

	randombytes_buf(m, sizeof(m));
	is_int(try_new(JWTSAFE_ALG_HS256, JWTSAFE_KEY_SECRET, m, 32), 0,
	    "HS256: control: 32-byte key");
	is_int(try_new(JWTSAFE_ALG_HS256, JWTSAFE_KEY_SECRET, m, 31),
	    JWTSAFE_ERR_KEY_INVALID, "HS256: 31-byte key refused");
	is_int(try_new(JWTSAFE_ALG_HS256, JWTSAFE_KEY_SECRET, m, 16),
	    JWTSAFE_ERR_KEY_INVALID, "HS256: 16-byte key refused");
	is_int(try_new(JWTSAFE_ALG_HS256, JWTSAFE_KEY_SECRET, m,
	    JWTSAFE_HMAC_MAX_KEY), 0, "HS256: control: %d-byte key",
	    JWTSAFE_HMAC_MAX_KEY);
	is_int(try_new(JWTSAFE_ALG_HS256, JWTSAFE_KEY_SECRET, m,
	    JWTSAFE_HMAC_MAX_KEY + 1), JWTSAFE_ERR_KEY_INVALID,
	    "HS256: %d-byte key refused", JWTSAFE_HMAC_MAX_KEY + 1);
	is_int(try_new(JWTSAFE_ALG_HS384, JWTSAFE_KEY_SECRET, m, 48), 0,
	    "HS384: control: 48-byte key");
	is_int(try_new(JWTSAFE_ALG_HS384, JWTSAFE_KEY_SECRET, m, 47),
	    JWTSAFE_ERR_KEY_INVALID, "HS384: 47-byte key refused");
	is_int(try_new(JWTSAFE_ALG_HS384, JWTSAFE_KEY_SECRET, m, 32),
	    JWTSAFE_ERR_KEY_INVALID, "HS384: 32-byte key refused");
	is_int(try_new(JWTSAFE_ALG_HS384, JWTSAFE_KEY_SECRET, m,
	    JWTSAFE_HMAC_MAX_KEY + 1), JWTSAFE_ERR_KEY_INVALID,
	    "HS384: %d-byte key refused", JWTSAFE_HMAC_MAX_KEY + 1);
	is_int(try_new(JWTSAFE_ALG_HS256, JWTSAFE_KEY_PUBLIC, m, 32),
	    JWTSAFE_ERR_KEY_PURPOSE, "HS256: public key refused");
	is_int(try_new(JWTSAFE_ALG_HS384, JWTSAFE_KEY_PUBLIC, m, 48),
	    JWTSAFE_ERR_KEY_PURPOSE, "HS384: public key refused");
	sodium_memzero(m, sizeof(m));
}

/* ---- the login check level ----------------------------------------------- */

static void
unhex32(const char *hex, unsigned char out[32])
{
	size_t n = 0;

	if (sodium_hex2bin(out, 32, hex, 64, NULL, &n, NULL) != 0 || n != 32)
		bail("hex");
}

/*
 * JWTSAFE_KEY_CHECK_LOGIN keeps every check that makes a verification well
 * defined: each refusal below is of material that differs from an accepted
 * control in one thing.
 */
static void
test_login_level(void)
{
	unsigned char b[128], ed[32];
	unsigned char *spki;
	EVP_PKEY *small;
	size_t len;
	int i;

	for (i = 0; i < NALGS; i++) {
		const struct jwtsafe_key *k = jwtsafe_alg_is_symmetric(
		    all_algs[i]) ? sk[i] : pk[i];

		is_int(try_new_ex(all_algs[i], k->purpose, k->material,
		    k->material_len, JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), 0,
		    "login level: control: %s verifying key accepted",
		    jwtsafe_alg_name(all_algs[i]));
	}
	is_int(try_new_ex(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC,
	    pk[I_ED]->material, 32, (enum jwtsafe_key_check)7, NULL, 0),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "login level: unknown check level "
	    "refused");

	/* Ed25519: B + T8, on the curve, not of small order, outside the
	 * prime-order subgroup; and the identity. */
	unhex32("da99e28ba529cdde35a25fba9059e78ecaee239f99755b9b1aa4f65df00803e2",
	    ed);
	is_int(try_new_ex(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, ed, 32,
	    JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), JWTSAFE_ERR_KEY_INVALID,
	    "login level: EdDSA mixed-order point refused");
	unhex32("0100000000000000000000000000000000000000000000000000000000000000",
	    ed);
	is_int(try_new_ex(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, ed, 32,
	    JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), JWTSAFE_ERR_KEY_INVALID,
	    "login level: EdDSA identity refused");

	/* EC: the point with its last byte changed is off the curve (the
	 * decoding refuses it); a compressed point is refused. */
	for (i = I_ES256; i <= I_ES384; i++) {
		len = pk[i]->material_len;
		memcpy(b, pk[i]->material, len);
		b[len - 1] ^= 0x01;
		is_int(try_new_ex(all_algs[i], JWTSAFE_KEY_PUBLIC, b, len,
		    JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), JWTSAFE_ERR_KEY_INVALID,
		    "login level: %s point off the curve refused",
		    jwtsafe_alg_name(all_algs[i]));
		b[len - 1] ^= 0x01;
		b[0] = (unsigned char)(0x02 | (b[len - 1] & 1));
		is_int(try_new_ex(all_algs[i], JWTSAFE_KEY_PUBLIC, b,
		    1 + (len - 1) / 2, JWTSAFE_KEY_CHECK_LOGIN, NULL, 0),
		    JWTSAFE_ERR_KEY_INVALID, "login level: %s compressed "
		    "point refused", jwtsafe_alg_name(all_algs[i]));
	}

	/* RSA: 1024 bits. */
	if ((small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) ==
	    NULL)
		bail("RSA 1024 keygen");
	spki = spki_of(small, &len);
	is_int(try_new_ex(JWTSAFE_ALG_PS256, JWTSAFE_KEY_PUBLIC, spki, len,
	    JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), JWTSAFE_ERR_KEY_INVALID,
	    "login level: PS256 1024-bit key refused");
	free(spki);
	EVP_PKEY_free(small);

	/* A secret asymmetric key is checked in full at any level. */
	is_int(try_new_ex(JWTSAFE_ALG_PS256, JWTSAFE_KEY_SECRET,
	    sk[I_PS256]->material, sk[I_PS256]->material_len,
	    JWTSAFE_KEY_CHECK_LOGIN, NULL, 0), 0,
	    "login level: control: PS256 secret key accepted");
}

int
main(void)
{
	int i;

	if (jwtsafe_init() != 0)
		return tap_skip_all("library initialisation failed");
	for (i = 0; i < NALGS; i++) {
		struct jwtsafe_error err = { 0 };

		sk[i] = gen(all_algs[i], "gen");
		if (!jwtsafe_alg_is_symmetric(all_algs[i]) &&
		    jwtsafe_key_public(sk[i], &pk[i], &err) != 0)
			bail(err.detail);
	}
	test_round_trip();
	test_generate_args();
	test_new_args();
	test_kid();
	test_eddsa();
	test_ec_public(I_ES256, I_ES384);
	test_ec_public(I_ES384, I_ES256);
	test_ec_secret(I_ES256, I_ES384);
	test_ec_secret(I_ES384, I_ES256);
	test_rsa();
	test_hmac();
	test_login_level();
	for (i = 0; i < NALGS; i++) {
		jwtsafe_key_free(sk[i]);
		jwtsafe_key_free(pk[i]);
	}
	return tap_done();
}
