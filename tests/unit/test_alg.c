/*
 * The algorithm layer: names, and for each of the six algorithms a valid
 * signature (the positive control) next to refusals of that signature
 * changed in one thing. Known-answer vectors from RFC 8032 and RFC 4231,
 * and signatures made directly with OpenSSL, check interoperability.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>
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

static const unsigned char msg[] =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9";
#define MSGLEN (sizeof(msg) - 1)

/* Secret and verifying key of each algorithm, by index in all_algs. */
static struct jwtsafe_key *sk[NALGS], *vk[NALGS];

static void
die(const char *what, const struct jwtsafe_error *err)
{
	printf("Bail out! %s: %s (%s)\n", what, jwtsafe_err_name(err->code),
	    err->detail);
	exit(99);
}

static struct jwtsafe_key *
gen(enum jwtsafe_alg alg, const char *kid)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (jwtsafe_key_generate(alg, kid, alg == JWTSAFE_ALG_PS256 ? 2048 : 0,
	    &k, &err) != 0)
		die("jwtsafe_key_generate", &err);
	return k;
}

/* The public half, or for HMAC a copy of the secret. */
static struct jwtsafe_key *
verifying(const struct jwtsafe_key *s)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (jwtsafe_alg_is_symmetric(s->alg)) {
		if (jwtsafe_key_new(s->alg, JWTSAFE_KEY_SECRET, s->kid,
		    s->material, s->material_len, &k, &err) != 0)
			die("jwtsafe_key_new", &err);
	} else if (jwtsafe_key_public(s, &k, &err) != 0)
		die("jwtsafe_key_public", &err);
	return k;
}

static int
verify(const struct jwtsafe_key *k, const unsigned char *m, size_t mlen,
    const unsigned char *s, size_t slen)
{
	return jwtsafe_alg_verify(k, m, mlen, s, slen, 0, NULL);
}

static size_t
hex2bin(const char *hex, unsigned char *out, size_t outmax)
{
	size_t len = 0;

	if (sodium_hex2bin(out, outmax, hex, strlen(hex), NULL, &len,
	    NULL) != 0) {
		printf("Bail out! bad hex in the test\n");
		exit(99);
	}
	return len;
}

/* ---- names ------------------------------------------------------------- */

/* name with control characters shown as \xNN, for TAP descriptions. */
static const char *
shown(const char *name)
{
	static char buf[128];
	size_t i, o = 0;

	for (i = 0; name[i] != '\0' && o + 5 < sizeof(buf); i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			    "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

static void
test_names(void)
{
	static const struct {
		const char *name;
		enum jwtsafe_alg alg;
	} good[] = {
		{ "EdDSA", JWTSAFE_ALG_EDDSA }, { "ES256", JWTSAFE_ALG_ES256 },
		{ "ES384", JWTSAFE_ALG_ES384 }, { "PS256", JWTSAFE_ALG_PS256 },
		{ "HS256", JWTSAFE_ALG_HS256 }, { "HS384", JWTSAFE_ALG_HS384 },
	};
	static const struct {
		const char *name, *reason;  /* reason: a word the detail has */
	} bad[] = {
		{ "none", "unsigned" }, { "None", "unsigned" },
		{ "NONE", "unsigned" }, { "nOnE", "unsigned" },
		{ "RS256", "PKCS#1 v1.5" }, { "RS384", "PKCS#1 v1.5" },
		{ "RS512", "PKCS#1 v1.5" }, { "PS384", "on purpose" },
		{ "PS512", "on purpose" }, { "HS512", "on purpose" },
		{ "ES512", "on purpose" }, { "ES256K", "on purpose" },
		{ "Ed448", "on purpose" }, { "Ed25519", "on purpose" },
		{ "dir", "JWE" }, { "RSA1_5", "JWE" }, { "RSA-OAEP", "JWE" },
		{ "RSA-OAEP-256", "JWE" }, { "A128KW", "JWE" },
		{ "A256GCMKW", "JWE" }, { "ECDH-ES", "JWE" },
		{ "ECDH-ES+A256KW", "JWE" }, { "PBES2-HS256+A128KW", "JWE" },
		{ "es256", "unknown" }, { "eddsa", "unknown" },
		{ "ES256 ", "unknown" }, { " ES256", "unknown" },
		{ "HS256\n", "unknown" }, { "", "unknown" },
		{ "RS1", "unknown" },
	};
	struct jwtsafe_error err;
	enum jwtsafe_alg a;
	char longname[300];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		a = JWTSAFE_ALG_INVALID;
		is_int(jwtsafe_alg_from_name(good[i].name, &a, &err), 0,
		    "\"%s\" accepted", good[i].name);
		is_int(a, good[i].alg, "\"%s\" maps to its algorithm",
		    good[i].name);
		ok(strcmp(jwtsafe_alg_name(good[i].alg), good[i].name) == 0,
		    "jwtsafe_alg_name gives back \"%s\"", good[i].name);
		is_int(jwtsafe_alg_is_symmetric(good[i].alg),
		    good[i].alg == JWTSAFE_ALG_HS256 ||
		    good[i].alg == JWTSAFE_ALG_HS384,
		    "%s symmetric or not", good[i].name);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		a = JWTSAFE_ALG_ES256;
		is_int(jwtsafe_alg_from_name(bad[i].name, &a, &err),
		    JWTSAFE_ERR_ALG_REFUSED, "\"%s\" refused",
		    shown(bad[i].name));
		ok(a == JWTSAFE_ALG_INVALID && err.code ==
		    JWTSAFE_ERR_ALG_REFUSED && strstr(err.detail,
		    bad[i].reason) != NULL, "\"%s\": detail says why: %s",
		    shown(bad[i].name), err.detail);
		ok(!jwtsafe_has_control((const unsigned char *)err.detail,
		    strlen(err.detail)), "\"%s\": detail has no control "
		    "characters", shown(bad[i].name));
	}
	is_int(jwtsafe_alg_from_name(NULL, &a, &err), JWTSAFE_ERR_ALG_REFUSED,
	    "NULL name refused");
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longname[5] = '\x1b';
	is_int(jwtsafe_alg_from_name(longname, &a, &err),
	    JWTSAFE_ERR_ALG_REFUSED, "long name with an escape refused");
	ok(strlen(err.detail) < 150 && strchr(err.detail, '\x1b') == NULL,
	    "its detail quotes a short, clean excerpt: %s", err.detail);
	ok(strcmp(jwtsafe_alg_name(JWTSAFE_ALG_INVALID), "invalid") == 0 &&
	    strcmp(jwtsafe_alg_name((enum jwtsafe_alg)99), "invalid") == 0,
	    "jwtsafe_alg_name of a non-algorithm is \"invalid\"");
	ok(!jwtsafe_alg_is_symmetric(JWTSAFE_ALG_INVALID),
	    "invalid is not symmetric");
}

/* ---- every algorithm ----------------------------------------------------- */

static size_t
sig_len_for(int i)
{
	switch (all_algs[i]) {
	case JWTSAFE_ALG_EDDSA: return 64;
	case JWTSAFE_ALG_ES256: return 64;
	case JWTSAFE_ALG_ES384: return 96;
	case JWTSAFE_ALG_PS256: return 256;       /* 2048-bit test key */
	case JWTSAFE_ALG_HS256: return 32;
	case JWTSAFE_ALG_HS384: return 48;
	default: return 0;
	}
}

/* A key whose parsed form does not fit alg, for the re-labelling check:
 * index into sk/vk. */
static int
foreign_key_for(int i)
{
	switch (all_algs[i]) {
	case JWTSAFE_ALG_EDDSA: return 1;       /* ES256 */
	case JWTSAFE_ALG_ES256: return 2;       /* ES384: other curve */
	case JWTSAFE_ALG_ES384: return 1;       /* ES256 */
	case JWTSAFE_ALG_PS256: return 1;       /* ES256 */
	case JWTSAFE_ALG_HS256: return 1;       /* ES256 */
	case JWTSAFE_ALG_HS384: return 3;       /* PS256 */
	default: return 0;
	}
}

static void
test_family(int i)
{
	enum jwtsafe_alg alg = all_algs[i];
	const char *name = jwtsafe_alg_name(alg);
	unsigned char sig[JWTSAFE_SIG_MAX + 2], bad[JWTSAFE_SIG_MAX + 2];
	unsigned char m[sizeof(msg)];
	size_t siglen = 0, want = sig_len_for(i), tmp;
	struct jwtsafe_key forged, *other = NULL, *other_v = NULL;
	int hs = 7;

	is_int(jwtsafe_alg_sign(sk[i], msg, MSGLEN, sig, JWTSAFE_SIG_MAX,
	    &siglen), 0, "%s: sign", name);
	is_int(siglen, want, "%s: signature of %zu bytes", name, want);
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, sig, siglen, 0, &hs), 0,
	    "%s: control: the signature verifies", name);
	is_int(hs, 0, "%s: control: was_high_s is 0", name);

	memcpy(bad, sig, siglen);
	bad[siglen - 1] ^= 0x01;
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen),
	    JWTSAFE_ERR_BAD_SIGNATURE, "%s: last bit of the signature "
	    "flipped", name);
	memcpy(bad, sig, siglen);
	bad[siglen / 2 - 1] ^= 0x01;
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen),
	    JWTSAFE_ERR_BAD_SIGNATURE, "%s: a bit in the middle of the "
	    "signature flipped", name);
	memcpy(m, msg, sizeof(msg));
	m[10] ^= 0x01;
	is_int(verify(vk[i], m, MSGLEN, sig, siglen),
	    JWTSAFE_ERR_BAD_SIGNATURE, "%s: a bit of the message flipped",
	    name);
	is_int(verify(vk[i], msg, MSGLEN - 1, sig, siglen),
	    JWTSAFE_ERR_BAD_SIGNATURE, "%s: message one byte shorter", name);
	is_int(verify(vk[i], msg, MSGLEN, sig, siglen - 1),
	    JWTSAFE_ERR_SIG_FORMAT, "%s: signature truncated by a byte", name);
	memcpy(bad, sig, siglen);
	bad[siglen] = 0;
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen + 1),
	    JWTSAFE_ERR_SIG_FORMAT, "%s: signature with a byte appended",
	    name);
	bad[0] = 0;
	memcpy(bad + 1, sig, siglen);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen + 1),
	    JWTSAFE_ERR_SIG_FORMAT, "%s: signature with a zero byte prepended",
	    name);
	is_int(verify(vk[i], msg, MSGLEN, sig, 0), JWTSAFE_ERR_SIG_FORMAT,
	    "%s: empty signature", name);
	is_int(verify(vk[i], msg, MSGLEN, NULL, 0), JWTSAFE_ERR_SIG_FORMAT,
	    "%s: NULL empty signature", name);
	is_int(verify(vk[i], msg, MSGLEN, sig, JWTSAFE_SIG_MAX + 1),
	    JWTSAFE_ERR_SIG_FORMAT, "%s: over-long signature", name);

	/* Another key of the same algorithm. */
	other = gen(alg, "other");
	other_v = verifying(other);
	is_int(verify(other_v, msg, MSGLEN, sig, siglen),
	    JWTSAFE_ERR_BAD_SIGNATURE, "%s: another key's signature refused",
	    name);

	/* Purposes: a secret asymmetric key does not verify, a public key
	 * does not sign. */
	if (!jwtsafe_alg_is_symmetric(alg)) {
		is_int(verify(sk[i], msg, MSGLEN, sig, siglen),
		    JWTSAFE_ERR_KEY_PURPOSE, "%s: secret key refused for "
		    "verification", name);
		is_int(jwtsafe_alg_sign(vk[i], msg, MSGLEN, bad,
		    JWTSAFE_SIG_MAX, &tmp), JWTSAFE_ERR_KEY_PURPOSE,
		    "%s: public key refused for signing", name);
	}
	is_int(jwtsafe_alg_sign(sk[i], msg, MSGLEN, bad, want - 1, &tmp),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "%s: sign into too small a buffer",
	    name);

	/* A key of another family labelled as this algorithm. */
	forged = *vk[foreign_key_for(i)];
	forged.alg = alg;
	forged.purpose = jwtsafe_alg_is_symmetric(alg) ?
	    JWTSAFE_KEY_SECRET : JWTSAFE_KEY_PUBLIC;
	is_int(verify(&forged, msg, MSGLEN, sig, siglen), JWTSAFE_ERR_KEY_ALG,
	    "%s: %s key re-labelled %s refused for verification", name,
	    jwtsafe_alg_name(vk[foreign_key_for(i)]->alg), name);
	forged = *sk[foreign_key_for(i)];
	forged.alg = alg;
	is_int(jwtsafe_alg_sign(&forged, msg, MSGLEN, bad, JWTSAFE_SIG_MAX,
	    &tmp), JWTSAFE_ERR_KEY_ALG, "%s: %s secret key re-labelled "
	    "refused for signing", name,
	    jwtsafe_alg_name(sk[foreign_key_for(i)]->alg));
	forged = *vk[i];
	forged.alg = JWTSAFE_ALG_INVALID;
	is_int(verify(&forged, msg, MSGLEN, sig, siglen), JWTSAFE_ERR_KEY_ALG,
	    "%s: key labelled with no algorithm refused", name);

	/* Arguments. */
	is_int(jwtsafe_alg_verify(NULL, msg, MSGLEN, sig, siglen, 0, NULL),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "%s: NULL key", name);
	is_int(jwtsafe_alg_verify(vk[i], NULL, 5, sig, siglen, 0, NULL),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "%s: NULL message with a length",
	    name);

	/* The empty message signs and verifies. */
	is_int(jwtsafe_alg_sign(sk[i], NULL, 0, sig, JWTSAFE_SIG_MAX,
	    &siglen), 0, "%s: sign the empty message", name);
	is_int(verify(vk[i], (const unsigned char *)"", 0, sig, siglen), 0,
	    "%s: empty message verifies", name);
	is_int(verify(vk[i], msg, 1, sig, siglen), JWTSAFE_ERR_BAD_SIGNATURE,
	    "%s: ... and not for a one-byte message", name);

	jwtsafe_key_free(other);
	jwtsafe_key_free(other_v);
}

/* ---- ECDSA -------------------------------------------------------------- */

/* Group order n and floor(n/2) of the curve, from OpenSSL. */
static void
curve_order(int nid, unsigned char *n, unsigned char *half, size_t len)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
	BIGNUM *h = BN_new();

	if (g == NULL || h == NULL ||
	    BN_bn2binpad(EC_GROUP_get0_order(g), n, (int)len) != (int)len ||
	    BN_rshift1(h, EC_GROUP_get0_order(g)) != 1 ||
	    BN_bn2binpad(h, half, (int)len) != (int)len) {
		printf("Bail out! curve order\n");
		exit(99);
	}
	BN_free(h);
	EC_GROUP_free(g);
}

/* out = a - b, big-endian fixed length (a >= b). */
static void
be_sub(const unsigned char *a, const unsigned char *b, unsigned char *out,
    size_t len)
{
	int borrow = 0, d;
	size_t i = len;

	while (i-- > 0) {
		d = (int)a[i] - (int)b[i] - borrow;
		borrow = d < 0;
		out[i] = (unsigned char)(d + (borrow ? 256 : 0));
	}
}

/* out = a + 1, big-endian fixed length. */
static void
be_inc(const unsigned char *a, unsigned char *out, size_t len)
{
	size_t i = len;

	memcpy(out, a, len);
	while (i-- > 0) {
		if (++out[i] != 0)
			break;
	}
}

/* r||s -> DER with OpenSSL. */
static int
to_der(const unsigned char *rs, size_t len, unsigned char *der)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, (int)len, NULL);
	BIGNUM *s = BN_bin2bn(rs + len, (int)len, NULL);
	unsigned char *p = der;
	int n;

	if (es == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s)) {
		printf("Bail out! ECDSA_SIG\n");
		exit(99);
	}
	n = i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
	return n;
}

static void
test_ecdsa(int i)
{
	enum jwtsafe_alg alg = all_algs[i];
	const char *name = jwtsafe_alg_name(alg);
	size_t len = alg == JWTSAFE_ALG_ES256 ? 32 : 48, siglen = 0;
	unsigned char n[48], half[48], sig[JWTSAFE_SIG_MAX];
	unsigned char bad[JWTSAFE_SIG_MAX], der[128];
	int k, hs, low = 0, good = 0, derlen;

	curve_order(alg == JWTSAFE_ALG_ES256 ? NID_X9_62_prime256v1 :
	    NID_secp384r1, n, half, len);
	if (jwtsafe_alg_sign(sk[i], msg, MSGLEN, sig, sizeof(sig),
	    &siglen) != 0 || siglen != 2 * len) {
		ok(0, "%s: sign", name);
		return;
	}
	ok(memcmp(sig + len, half, len) <= 0, "%s: control: signature is "
	    "low-S", name);
	is_int(verify(vk[i], msg, MSGLEN, sig, siglen), 0,
	    "%s: control: it verifies", name);

	/* Range of r and s, checked before any curve arithmetic. */
	memset(bad, 0, siglen);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen), JWTSAFE_ERR_SIG_FORMAT,
	    "%s: r = 0, s = 0 refused (CVE-2022-21449)", name);
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, bad, siglen, 1, NULL),
	    JWTSAFE_ERR_SIG_FORMAT, "%s: r = 0, s = 0 refused with high-S "
	    "allowed", name);
	memcpy(bad, sig, siglen);
	memset(bad, 0, len);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen), JWTSAFE_ERR_SIG_FORMAT,
	    "%s: r = 0 refused", name);
	memcpy(bad, sig, siglen);
	memset(bad + len, 0, len);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen), JWTSAFE_ERR_SIG_FORMAT,
	    "%s: s = 0 refused", name);
	memcpy(bad, sig, siglen);
	memcpy(bad, n, len);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen), JWTSAFE_ERR_SIG_FORMAT,
	    "%s: r = n refused", name);
	memcpy(bad, sig, siglen);
	memcpy(bad + len, n, len);
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, bad, siglen, 1, NULL),
	    JWTSAFE_ERR_SIG_FORMAT, "%s: s = n refused (high-S allowed)",
	    name);
	memcpy(bad, sig, siglen);
	memset(bad, 0xff, len);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen), JWTSAFE_ERR_SIG_FORMAT,
	    "%s: r = 2^k - 1 > n refused", name);

	/* High S: (r, n - s) is the other valid signature. */
	memcpy(bad, sig, siglen);
	be_sub(n, sig + len, bad + len, len);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen), JWTSAFE_ERR_SIG_HIGH_S,
	    "%s: (r, n - s) refused as high-S", name);
	hs = 0;
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, bad, siglen, 1, &hs), 0,
	    "%s: (r, n - s) accepted with high-S allowed", name);
	is_int(hs, 1, "%s: ... and reported as high-S", name);
	hs = 7;
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, sig, siglen, 1, &hs), 0,
	    "%s: control: low-S accepted with high-S allowed", name);
	is_int(hs, 0, "%s: ... and reported as low-S", name);
	bad[siglen - 1] ^= 0x01;
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, bad, siglen, 1, &hs),
	    JWTSAFE_ERR_BAD_SIGNATURE, "%s: high-S with a bit flipped refused "
	    "with high-S allowed", name);

	/* The boundary: s = n/2 passes the range checks (then fails the
	 * arithmetic), s = n/2 + 1 is high. */
	memcpy(bad, sig, siglen);
	memcpy(bad + len, half, len);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen),
	    JWTSAFE_ERR_BAD_SIGNATURE, "%s: s = floor(n/2) is not high-S",
	    name);
	be_inc(half, bad + len, len);
	is_int(verify(vk[i], msg, MSGLEN, bad, siglen), JWTSAFE_ERR_SIG_HIGH_S,
	    "%s: s = floor(n/2) + 1 is high-S", name);

	/* DER is not the JWS encoding. */
	derlen = to_der(sig, len, der);
	ok(derlen > 0 && (size_t)derlen != siglen, "%s: DER form made (%d "
	    "bytes)", name, derlen);
	is_int(verify(vk[i], msg, MSGLEN, der, (size_t)derlen),
	    JWTSAFE_ERR_SIG_FORMAT, "%s: DER-encoded signature refused", name);
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, der, (size_t)derlen, 1,
	    NULL), JWTSAFE_ERR_SIG_FORMAT, "%s: DER-encoded signature refused "
	    "with high-S allowed", name);

	/* The signer always normalises. */
	for (k = 0; k < 200; k++) {
		if (jwtsafe_alg_sign(sk[i], msg, MSGLEN, sig, sizeof(sig),
		    &siglen) != 0 || siglen != 2 * len)
			break;
		if (memcmp(sig + len, half, len) <= 0)
			low++;
		if (verify(vk[i], msg, MSGLEN, sig, siglen) == 0)
			good++;
	}
	is_int(low, 200, "%s: 200 signatures, all with s <= n/2", name);
	is_int(good, 200, "%s: ... and all verify in strict mode", name);
}

/* A signature made by OpenSSL directly, high S normalised, verifies. */
static void
test_ecdsa_openssl(int i)
{
	enum jwtsafe_alg alg = all_algs[i];
	const char *name = jwtsafe_alg_name(alg);
	size_t len = alg == JWTSAFE_ALG_ES256 ? 32 : 48, derlen;
	unsigned char n[48], half[48], der[128], rs[96];
	const unsigned char *p = der;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *s;
	int high;

	curve_order(alg == JWTSAFE_ALG_ES256 ? NID_X9_62_prime256v1 :
	    NID_secp384r1, n, half, len);
	derlen = sizeof(der);
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL,
	    alg == JWTSAFE_ALG_ES256 ? EVP_sha256() : EVP_sha384(), NULL,
	    sk[i]->pkey) != 1 || EVP_DigestSign(ctx, der, &derlen, msg,
	    MSGLEN) != 1 || (es = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) ==
	    NULL) {
		ok(0, "%s: OpenSSL signature", name);
		goto out;
	}
	ECDSA_SIG_get0(es, &r, &s);
	BN_bn2binpad(r, rs, (int)len);
	BN_bn2binpad(s, rs + len, (int)len);
	high = memcmp(rs + len, half, len) > 0;
	is_int(jwtsafe_alg_verify(vk[i], msg, MSGLEN, rs, 2 * len, 1, NULL),
	    0, "%s: OpenSSL's own signature verifies (high-S allowed)", name);
	if (high)
		be_sub(n, rs + len, rs + len, len);
	is_int(verify(vk[i], msg, MSGLEN, rs, 2 * len), 0,
	    "%s: OpenSSL's own signature, normalised, verifies strictly",
	    name);
 out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
}

/* ---- Ed25519 ------------------------------------------------------------ */

static void
test_eddsa(int i)
{
	/* RFC 8032 section 7.1, tests 1 and 2. */
	static const struct {
		const char *seed, *pub, *msg, *sig;
	} kat[] = {
		{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		  "",
		  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
		{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
		  "72",
		  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	};
	/* L, little-endian. */
	static const unsigned char order[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	};
	struct jwtsafe_error err = { 0 };
	unsigned char seed[32], pub[32], m[8], want[64], sig[JWTSAFE_SIG_MAX];
	unsigned char bad[64];
	size_t k, mlen, siglen = 0;
	unsigned int carry, b;

	for (k = 0; k < 2; k++) {
		struct jwtsafe_key *s = NULL, *p = NULL;

		hex2bin(kat[k].seed, seed, sizeof(seed));
		hex2bin(kat[k].pub, pub, sizeof(pub));
		mlen = hex2bin(kat[k].msg, m, sizeof(m));
		hex2bin(kat[k].sig, want, sizeof(want));
		if (jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_SECRET,
		    "rfc8032", seed, 32, &s, &err) != 0 ||
		    jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC,
		    "rfc8032", pub, 32, &p, &err) != 0) {
			ok(0, "RFC 8032 test %zu: keys: %s", k + 1, err.detail);
			continue;
		}
		ok(memcmp(s->pub, pub, 32) == 0, "RFC 8032 test %zu: public "
		    "key derived from the seed", k + 1);
		ok(jwtsafe_alg_sign(s, m, mlen, sig, sizeof(sig), &siglen) ==
		    0 && siglen == 64 && memcmp(sig, want, 64) == 0,
		    "RFC 8032 test %zu: signature as published", k + 1);
		is_int(verify(p, m, mlen, want, 64), 0,
		    "RFC 8032 test %zu: published signature verifies", k + 1);

		/* S + L: the same point equation, a different encoding. */
		memcpy(bad, want, 64);
		carry = 0;
		for (b = 0; b < 32; b++) {
			carry += (unsigned int)bad[32 + b] + order[b];
			bad[32 + b] = (unsigned char)carry;
			carry >>= 8;
		}
		ok(carry == 0, "RFC 8032 test %zu: S + L fits", k + 1);
		is_int(verify(p, m, mlen, bad, 64), JWTSAFE_ERR_SIG_FORMAT,
		    "RFC 8032 test %zu: S + L refused", k + 1);
		jwtsafe_key_free(s);
		jwtsafe_key_free(p);
	}

	/* The same on a generated key. */
	if (jwtsafe_alg_sign(sk[i], msg, MSGLEN, sig, sizeof(sig),
	    &siglen) != 0) {
		ok(0, "EdDSA: sign");
		return;
	}
	memcpy(bad, sig, 64);
	carry = 0;
	for (b = 0; b < 32; b++) {
		carry += (unsigned int)bad[32 + b] + order[b];
		bad[32 + b] = (unsigned char)carry;
		carry >>= 8;
	}
	is_int(verify(vk[i], msg, MSGLEN, sig, 64), 0, "EdDSA: control");
	is_int(verify(vk[i], msg, MSGLEN, bad, 64), JWTSAFE_ERR_SIG_FORMAT,
	    "EdDSA: S + L refused");
	memcpy(bad, sig, 64);
	memcpy(bad + 32, order, 32);
	is_int(verify(vk[i], msg, MSGLEN, bad, 64), JWTSAFE_ERR_SIG_FORMAT,
	    "EdDSA: S = L refused");
	memcpy(bad, sig, 64);
	bad[63] |= 0xe0;
	is_int(verify(vk[i], msg, MSGLEN, bad, 64), JWTSAFE_ERR_SIG_FORMAT,
	    "EdDSA: S with the top bits set refused");
}

/* ---- RSA-PSS ------------------------------------------------------------ */

/* Sign msg with OpenSSL directly with the given RSA parameters. */
static size_t
openssl_rsa_sign(EVP_PKEY *pkey, const EVP_MD *md, int padding, int saltlen,
    const EVP_MD *mgf1, unsigned char *sig, size_t sigmax)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t len = sigmax;

	if (ctx == NULL || EVP_DigestSignInit(ctx, &pctx, md, NULL, pkey) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, padding) <= 0 ||
	    (padding == RSA_PKCS1_PSS_PADDING &&
	    (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, mgf1) <= 0)) ||
	    EVP_DigestSign(ctx, sig, &len, msg, MSGLEN) != 1)
		len = 0;
	EVP_MD_CTX_free(ctx);
	return len;
}

static void
test_rsapss(int i)
{
	unsigned char sig[JWTSAFE_SIG_MAX];
	size_t len;
	EVP_PKEY *pk = sk[i]->pkey;

	len = openssl_rsa_sign(pk, EVP_sha256(), RSA_PKCS1_PSS_PADDING, 32,
	    EVP_sha256(), sig, sizeof(sig));
	is_int(verify(vk[i], msg, MSGLEN, sig, len), 0, "PS256: control: "
	    "OpenSSL PSS SHA-256 MGF1-SHA-256 salt 32 verifies");
	len = openssl_rsa_sign(pk, EVP_sha256(), RSA_PKCS1_PSS_PADDING, 20,
	    EVP_sha256(), sig, sizeof(sig));
	is_int(verify(vk[i], msg, MSGLEN, sig, len), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: salt of 20 bytes refused");
	len = openssl_rsa_sign(pk, EVP_sha256(), RSA_PKCS1_PSS_PADDING, 0,
	    EVP_sha256(), sig, sizeof(sig));
	is_int(verify(vk[i], msg, MSGLEN, sig, len), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: empty salt refused");
	len = openssl_rsa_sign(pk, EVP_sha256(), RSA_PKCS1_PSS_PADDING,
	    RSA_PSS_SALTLEN_MAX, EVP_sha256(), sig, sizeof(sig));
	is_int(verify(vk[i], msg, MSGLEN, sig, len), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: maximal salt refused");
	len = openssl_rsa_sign(pk, EVP_sha256(), RSA_PKCS1_PSS_PADDING, 32,
	    EVP_sha1(), sig, sizeof(sig));
	is_int(verify(vk[i], msg, MSGLEN, sig, len), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: MGF1 with SHA-1 refused");
	len = openssl_rsa_sign(pk, EVP_sha384(), RSA_PKCS1_PSS_PADDING, 32,
	    EVP_sha384(), sig, sizeof(sig));
	is_int(verify(vk[i], msg, MSGLEN, sig, len), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: PS384-style signature refused");
	len = openssl_rsa_sign(pk, EVP_sha256(), RSA_PKCS1_PADDING, 0, NULL,
	    sig, sizeof(sig));
	is_int(verify(vk[i], msg, MSGLEN, sig, len), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: RS256 (PKCS#1 v1.5) signature with the same key refused");
	memset(sig, 0xff, 256);
	is_int(verify(vk[i], msg, MSGLEN, sig, 256), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: signature value above the modulus refused");
	memset(sig, 0, 256);
	is_int(verify(vk[i], msg, MSGLEN, sig, 256), JWTSAFE_ERR_BAD_SIGNATURE,
	    "PS256: all-zero signature refused");
}

/* ---- HMAC --------------------------------------------------------------- */

static void
test_hmac(void)
{
	/* RFC 4231 test cases 6 and 7: a 131-byte key (within our bounds). */
	static const char *data[2] = {
		"Test Using Larger Than Block-Size Key - Hash Key First",
		"This is a test using a larger than block-size key and a larger "
		"than block-size data. The key needs to be hashed before being "
		"used by the HMAC algorithm.",
	};
	static const char *want256[2] = {
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
		"9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	};
	static const char *want384[2] = {
		"4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
		"0c2ef6ab4030fe8296248df163f44952",
		"6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
		"a678cc31e799176d3860e6110c46523e",
	};
	struct jwtsafe_error err = { 0 };
	unsigned char key[131], want[48], tag[JWTSAFE_SIG_MAX];
	size_t c, taglen, wlen;
	int a;

	memset(key, 0xaa, sizeof(key));
	for (a = 0; a < 2; a++) {
		enum jwtsafe_alg alg = a == 0 ? JWTSAFE_ALG_HS256 :
		    JWTSAFE_ALG_HS384;
		struct jwtsafe_key *k = NULL;

		if (jwtsafe_key_new(alg, JWTSAFE_KEY_SECRET, "rfc4231", key,
		    sizeof(key), &k, &err) != 0) {
			ok(0, "%s: RFC 4231 key: %s", jwtsafe_alg_name(alg),
			    err.detail);
			continue;
		}
		for (c = 0; c < 2; c++) {
			const unsigned char *d = (const unsigned char *)data[c];

			wlen = hex2bin(a == 0 ? want256[c] : want384[c], want,
			    sizeof(want));
			ok(jwtsafe_alg_sign(k, d, strlen(data[c]), tag,
			    sizeof(tag), &taglen) == 0 && taglen == wlen &&
			    memcmp(tag, want, wlen) == 0,
			    "%s: RFC 4231 test case %zu tag", jwtsafe_alg_name(alg),
			    c + 6);
			is_int(verify(k, d, strlen(data[c]), want, wlen), 0,
			    "%s: RFC 4231 test case %zu verifies",
			    jwtsafe_alg_name(alg), c + 6);
			is_int(verify(k, d, strlen(data[c]), want, 16),
			    JWTSAFE_ERR_SIG_FORMAT, "%s: RFC 4231 test case "
			    "%zu truncated to 128 bits refused",
			    jwtsafe_alg_name(alg), c + 6);
		}
		jwtsafe_key_free(k);
	}
}

int
main(void)
{
	char kid[16];
	int i;

	if (jwtsafe_init() != 0)
		return tap_skip_all("library initialisation failed");
	test_names();
	for (i = 0; i < NALGS; i++) {
		snprintf(kid, sizeof(kid), "k%d", i);
		sk[i] = gen(all_algs[i], kid);
		vk[i] = verifying(sk[i]);
	}
	for (i = 0; i < NALGS; i++)
		test_family(i);
	test_eddsa(0);
	test_ecdsa(1);
	test_ecdsa(2);
	test_ecdsa_openssl(1);
	test_ecdsa_openssl(2);
	test_rsapss(3);
	test_hmac();
	for (i = 0; i < NALGS; i++) {
		jwtsafe_key_free(sk[i]);
		jwtsafe_key_free(vk[i]);
	}
	return tap_done();
}
