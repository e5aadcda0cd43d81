/*
 * Typed keys: made only from a CSPRNG or from fully validated material.
 *
 * Every key, generated or loaded, goes through jwtsafe_key_new_ex, so that
 * there is one set of checks: sizes, encodings (SEC1 uncompressed points,
 * DER that is consumed whole), curve membership and subgroup, RSA size,
 * exponent and small factors, HMAC minimum lengths, and the purposes each
 * algorithm allows. The login level (key.h) leaves out only the checks
 * that tell a crafted key from an honest one and are done at import.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "alg.h"
#include "b64url.h"
#include "err.h"
#include "key.h"
#include "util.h"

#define RANDOM_KID_BYTES 12     /* 16 base64url characters */
#define RSA_DEFAULT_BITS 3072
#define RSA_E_MIN        65537  /* and odd, and below 2^RSA_E_MAX_BITS */
#define RSA_E_MAX_BITS   256
#define RSA_TRIAL_BOUND  65536  /* trial division by every prime below */
#define RSA_TRIAL_PRIMES 6542   /* primes below 2^16 */

/* The curve behind ES256 / ES384. */
struct ec_curve {
	const char *group;      /* OSSL_PKEY_PARAM_GROUP_NAME for import */
	int nid;
	size_t field_len;       /* bytes of one coordinate */
};

static const struct ec_curve curve_p256 = { "P-256", NID_X9_62_prime256v1, 32 };
static const struct ec_curve curve_p384 = { "P-384", NID_secp384r1, 48 };

static const struct ec_curve *
ec_curve_for(enum jwtsafe_alg alg)
{
	if (alg == JWTSAFE_ALG_ES256)
		return &curve_p256;
	if (alg == JWTSAFE_ALG_ES384)
		return &curve_p384;
	return NULL;
}

int
jwtsafe_kid_valid(const char *kid)
{
	size_t i;
	unsigned char c;

	if (kid == NULL)
		return 0;
	for (i = 0; kid[i] != '\0'; i++) {
		if (i >= JWTSAFE_KID_MAX)
			return 0;
		c = (unsigned char)kid[i];
		/* Explicit ranges: isalnum() depends on the locale. */
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
		    c == '=' || c == '-')
			continue;
		return 0;
	}
	return i > 0;
}

void
jwtsafe_key_free(struct jwtsafe_key *key)
{
	if (key == NULL)
		return;
	jwtsafe_freezero(key->material, key->material_len);
	EVP_PKEY_free(key->pkey);       /* clears OpenSSL's private parts */
	jwtsafe_freezero(key, sizeof(*key));
}

/* ---- EdDSA -------------------------------------------------------------- */

static int
load_eddsa(struct jwtsafe_key *k, struct jwtsafe_error *err)
{
	if (k->material_len != crypto_sign_ed25519_PUBLICKEYBYTES)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "EdDSA %s key must be %u bytes, not %zu",
		    k->purpose == JWTSAFE_KEY_PUBLIC ? "public" : "secret",
		    (unsigned)crypto_sign_ed25519_PUBLICKEYBYTES,
		    k->material_len);
	if (k->purpose == JWTSAFE_KEY_SECRET) {
		/* The 32-byte seed; libsodium derives the key pair. */
		if (crypto_sign_ed25519_seed_keypair(k->pub, k->sk,
		    k->material) != 0)
			return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
			    "EdDSA key derivation failed");
		return 0;
	}
	/*
	 * Canonical encoding (y < p), on the curve, not of small order (which
	 * includes the identity), in the prime-order subgroup: a public key
	 * outside these would let several signatures verify for one message.
	 * Kept at the login level too, although the subgroup test ([L]A = O)
	 * costs almost as much as a verification: it is the only check that
	 * refuses a mixed-order point, and libsodium has no cheaper one.
	 */
	if (crypto_core_ed25519_is_valid_point(k->material) != 1)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "EdDSA public key is not a canonical point of the "
		    "prime-order subgroup");
	memcpy(k->pub, k->material, crypto_sign_ed25519_PUBLICKEYBYTES);
	return 0;
}

/* ---- DER helpers -------------------------------------------------------- */

/* PKCS#8 PrivateKeyInfo DER, consumed whole, into *out. */
static int
parse_pkcs8(const unsigned char *der, size_t len, EVP_PKEY **out,
    struct jwtsafe_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	const unsigned char *p = der;
	int ret = JWTSAFE_ERR_KEY_INVALID;

	*out = NULL;
	if (len > LONG_MAX)
		goto out;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len)) == NULL) {
		jwtsafe_err_set(err, ret, "secret key is not PKCS#8 DER");
		goto out;
	}
	if (p != der + len) {
		jwtsafe_err_set(err, ret, "%zu trailing byte(s) after "
		    "the PKCS#8 key", (size_t)(der + len - p));
		goto out;
	}
	if ((*out = EVP_PKCS82PKEY(p8)) == NULL) {
		jwtsafe_err_set(err, ret, "PKCS#8 key cannot be decoded");
		goto out;
	}
	ret = 0;
 out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	return ret;
}

/*
 * SubjectPublicKeyInfo DER into *out: consumed whole, and canonical (it
 * re-encodes to the same bytes), so that one key has one encoding.
 */
static int
parse_spki(const unsigned char *der, size_t len, EVP_PKEY **out,
    struct jwtsafe_error *err)
{
	const unsigned char *p = der;
	unsigned char *re = NULL;
	int relen, ret = JWTSAFE_ERR_KEY_INVALID;

	*out = NULL;
	if (len > LONG_MAX)
		goto out;
	if ((*out = d2i_PUBKEY(NULL, &p, (long)len)) == NULL) {
		jwtsafe_err_set(err, ret,
		    "public key is not SubjectPublicKeyInfo DER");
		goto out;
	}
	if (p != der + len) {
		jwtsafe_err_set(err, ret, "%zu trailing byte(s) after "
		    "the SubjectPublicKeyInfo", (size_t)(der + len - p));
		goto out;
	}
	if ((relen = i2d_PUBKEY(*out, &re)) <= 0 || (size_t)relen != len ||
	    memcmp(re, der, len) != 0) {
		jwtsafe_err_set(err, ret,
		    "public key is not in canonical DER");
		goto out;
	}
	ret = 0;
 out:
	OPENSSL_free(re);
	if (ret != 0) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	return ret;
}

/*
 * EVP_PKEY_check (secret) or EVP_PKEY_public_check (public) on pkey.
 * For EC: on the curve, not the point at infinity, n * Q = O, and for a
 * secret key 0 < d < n with Q = d * G. For RSA: the SP 800-56B checks
 * (odd modulus that is not a prime or a prime power, 65537 <= e < 2^256,
 * and for a secret key the primes and the pair).
 */
static int
check_pkey(EVP_PKEY *pkey, enum jwtsafe_key_purpose purpose,
    struct jwtsafe_error *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	int ret = JWTSAFE_ERR_INTERNAL;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL) {
		jwtsafe_err_set(err, ret, "EVP_PKEY_CTX_new_from_pkey failed");
		goto out;
	}
	if ((purpose == JWTSAFE_KEY_SECRET ? EVP_PKEY_check(ctx) :
	    EVP_PKEY_public_check(ctx)) != 1) {
		ret = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "%s key fails the %s key check", EVP_PKEY_get0_type_name(pkey),
		    purpose == JWTSAFE_KEY_SECRET ? "private" : "public");
		goto out;
	}
	ret = 0;
 out:
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

/* ---- ECDSA -------------------------------------------------------------- */

/* The curve of an EC key, as a NID; NID_undef if it has no named curve. */
static int
ec_key_nid(const EVP_PKEY *pkey)
{
	char name[80];
	size_t namelen = 0;
	int nid;

	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
	    name, sizeof(name), &namelen) != 1 || namelen >= sizeof(name))
		return NID_undef;
	if ((nid = OBJ_sn2nid(name)) == NID_undef)
		nid = EC_curve_nist2nid(name);
	return nid;
}

static int
load_ec_public(struct jwtsafe_key *k, const struct ec_curve *c,
    enum jwtsafe_key_check check, struct jwtsafe_error *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	OSSL_PARAM params[3];
	int ret = JWTSAFE_ERR_KEY_INVALID;

	/*
	 * SEC1 uncompressed only: 0x04 || X || Y. This refuses the compressed
	 * (0x02/0x03) and hybrid (0x06/0x07) forms, the single-byte encoding
	 * of the point at infinity, and points of another curve's size.
	 */
	if (k->material_len != 1 + 2 * c->field_len || k->material[0] != 0x04)
		return jwtsafe_err_set(err, ret, "%s public key must be an "
		    "uncompressed point 0x04||X||Y of %zu bytes",
		    jwtsafe_alg_name(k->alg), 1 + 2 * c->field_len);

	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)c->group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    k->material, k->material_len);
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1) {
		ret = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "EC key import unavailable");
		goto out;
	}
	/* Decoding the point already refuses coordinates >= p and points
	 * off the curve, and 0x04||X||Y cannot encode the point at
	 * infinity. */
	if (EVP_PKEY_fromdata(ctx, &k->pkey, EVP_PKEY_PUBLIC_KEY,
	    params) != 1) {
		jwtsafe_err_set(err, ret, "%s public key is not a point on %s",
		    jwtsafe_alg_name(k->alg), c->group);
		goto out;
	}
	/*
	 * check_pkey adds n * Q = O, a scalar multiplication that costs more
	 * than a signature check. P-256 and P-384 have cofactor 1: every
	 * point on the curve other than O has order n, so for a point that
	 * decoded above it can only succeed. It runs at import; a login
	 * (JWTSAFE_KEY_CHECK_LOGIN) relies on the decoding.
	 */
	if (check == JWTSAFE_KEY_CHECK_FULL &&
	    (ret = check_pkey(k->pkey, JWTSAFE_KEY_PUBLIC, err)) != 0)
		goto out;
	ret = 0;
 out:
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

static int
load_ec_secret(struct jwtsafe_key *k, const struct ec_curve *c,
    struct jwtsafe_error *err)
{
	int r;

	if ((r = parse_pkcs8(k->material, k->material_len, &k->pkey,
	    err)) != 0)
		return r;
	if (EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_EC)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "%s secret key is of type %s, not EC",
		    jwtsafe_alg_name(k->alg), EVP_PKEY_get0_type_name(k->pkey));
	if (ec_key_nid(k->pkey) != c->nid)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "%s secret key is not on %s", jwtsafe_alg_name(k->alg),
		    c->group);
	return check_pkey(k->pkey, JWTSAFE_KEY_SECRET, err);
}

/* ---- RSA ---------------------------------------------------------------- */

/* Primes below RSA_TRIAL_BOUND, by a sieve of the odd numbers, once. */
static CRYPTO_ONCE small_primes_once = CRYPTO_ONCE_STATIC_INIT;
static uint16_t small_primes[RSA_TRIAL_PRIMES];
static size_t small_primes_n;

static void
small_primes_make(void)
{
	static unsigned char composite[RSA_TRIAL_BOUND / 2];  /* 2i + 1 */
	size_t i, j, n = 0;

	small_primes[n++] = 2;
	for (i = 1; i < RSA_TRIAL_BOUND / 2; i++) {
		if (composite[i])
			continue;
		if (n == RSA_TRIAL_PRIMES)
			return;         /* cannot happen; the count stays short */
		small_primes[n++] = (uint16_t)(2 * i + 1);
		for (j = (2 * i + 1) * (2 * i + 1) / 2; j < RSA_TRIAL_BOUND / 2;
		    j += 2 * i + 1)
			composite[j] = 1;
	}
	small_primes_n = n;
}

/*
 * 0 when n has no prime factor below RSA_TRIAL_BOUND, 1 when it has one
 * (*factor set), -1 on error. OpenSSL's SP 800-56B check looks for factors
 * with Miller-Rabin rounds on random bases, so a modulus with small factors
 * passes it or not by chance (about one time in a hundred for the fuzzer's
 * regress-rsa-random-check); trial division makes the answer the same
 * every time. Four primes below 2^16 multiply to less than 2^64, so one
 * BN_mod_word per four primes.
 */
static int
rsa_small_factor(const BIGNUM *n, unsigned *factor)
{
	BN_ULONG m, r;
	size_t i, j, k;

	if (CRYPTO_THREAD_run_once(&small_primes_once, small_primes_make) != 1 ||
	    small_primes_n != RSA_TRIAL_PRIMES)
		return -1;
	for (i = 0; i < small_primes_n; i += 4) {
		k = small_primes_n - i < 4 ? small_primes_n - i : 4;
		for (m = 1, j = 0; j < k; j++)
			m *= small_primes[i + j];
		if ((r = BN_mod_word(n, m)) == (BN_ULONG)-1)
			return -1;
		for (j = 0; j < k; j++) {
			if (r % small_primes[i + j] == 0) {
				*factor = small_primes[i + j];
				return 1;
			}
		}
	}
	return 0;
}

/*
 * Checks shared by public and secret PS256 keys.
 *
 * The public exponent must be odd and 65537 <= e < 2^256 (SP 800-56B,
 * FIPS 186-5). A small e such as 3 is refused on purpose: RSA-PSS with
 * e = 3 has no known break, but no issuer needs it, e = 3 is what made
 * Bleichenbacher's signature forgeries against loose PKCS#1 v1.5 parsers
 * possible, and jwtsafe accepts one kind of RSA key, not every kind.
 * OpenSSL's public key check enforces the same bounds, but only at the
 * full level, so they are checked here for the login level too.
 */
static int
check_rsa(struct jwtsafe_key *k, enum jwtsafe_key_check check,
    struct jwtsafe_error *err)
{
	BIGNUM *e = NULL, *n = NULL;
	unsigned factor = 0;
	int bits, r, ret = JWTSAFE_ERR_KEY_INVALID;

	/* rsaEncryption only: an RSA-PSS-restricted key (id-RSASSA-PSS)
	 * carries parameters of its own that could disagree with PS256. */
	if (EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_RSA) {
		jwtsafe_err_set(err, ret, "PS256 key is of type %s, not an "
		    "rsaEncryption RSA key", EVP_PKEY_get0_type_name(k->pkey));
		goto out;
	}
	bits = EVP_PKEY_get_bits(k->pkey);
	if (bits < JWTSAFE_RSA_MIN_BITS || bits > JWTSAFE_RSA_MAX_BITS) {
		jwtsafe_err_set(err, ret, "RSA key of %d bits; %d to %d "
		    "required", bits, JWTSAFE_RSA_MIN_BITS,
		    JWTSAFE_RSA_MAX_BITS);
		goto out;
	}
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1) {
		ret = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "RSA key parameters unavailable");
		goto out;
	}
	if (!BN_is_odd(e) || BN_cmp(e, BN_value_one()) <= 0 ||
	    (BN_num_bits(e) <= 17 && BN_get_word(e) < RSA_E_MIN) ||
	    BN_num_bits(e) > RSA_E_MAX_BITS) {
		jwtsafe_err_set(err, ret, "RSA public exponent must be odd and "
		    "at least %d (below 2^%d)", RSA_E_MIN, RSA_E_MAX_BITS);
		goto out;
	}
	if (!BN_is_odd(n)) {
		jwtsafe_err_set(err, ret, "RSA modulus is even");
		goto out;
	}
	/* Secret keys are always checked in full (key.h). */
	if (check == JWTSAFE_KEY_CHECK_LOGIN &&
	    k->purpose == JWTSAFE_KEY_PUBLIC) {
		ret = 0;
		goto out;
	}
	if ((r = rsa_small_factor(n, &factor)) != 0) {
		if (r < 0)
			ret = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
			    "RSA trial division failed");
		else
			jwtsafe_err_set(err, ret, "RSA modulus has the small "
			    "factor %u", factor);
		goto out;
	}
	if ((ret = check_pkey(k->pkey, k->purpose, err)) != 0)
		goto out;
	ret = 0;
 out:
	BN_free(e);
	BN_free(n);
	return ret;
}

static int
load_rsa(struct jwtsafe_key *k, enum jwtsafe_key_check check,
    struct jwtsafe_error *err)
{
	int r;

	if (k->purpose == JWTSAFE_KEY_PUBLIC)
		r = parse_spki(k->material, k->material_len, &k->pkey, err);
	else
		r = parse_pkcs8(k->material, k->material_len, &k->pkey, err);
	if (r != 0)
		return r;
	return check_rsa(k, check, err);
}

/* ---- HMAC --------------------------------------------------------------- */

static int
load_hmac(struct jwtsafe_key *k, struct jwtsafe_error *err)
{
	size_t min = k->alg == JWTSAFE_ALG_HS256 ?
	    JWTSAFE_HS256_MIN_KEY : JWTSAFE_HS384_MIN_KEY;

	/* RFC 7518 section 3.2: at least the hash output size. */
	if (k->material_len < min || k->material_len > JWTSAFE_HMAC_MAX_KEY)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "%s key of %zu bytes; %zu to %d required",
		    jwtsafe_alg_name(k->alg), k->material_len, min,
		    JWTSAFE_HMAC_MAX_KEY);
	return 0;
}

/* ---- making keys -------------------------------------------------------- */

int
jwtsafe_key_new(enum jwtsafe_alg alg, enum jwtsafe_key_purpose purpose,
    const char *kid, const unsigned char *material, size_t len,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
{
	return jwtsafe_key_new_ex(alg, purpose, kid, material, len,
	    JWTSAFE_KEY_CHECK_FULL, out, err);
}

int
jwtsafe_key_new_ex(enum jwtsafe_alg alg, enum jwtsafe_key_purpose purpose,
    const char *kid, const unsigned char *material, size_t len,
    enum jwtsafe_key_check check, struct jwtsafe_key **out,
    struct jwtsafe_error *err)
{
	struct jwtsafe_key *k = NULL;
	const struct ec_curve *c;
	int r = JWTSAFE_ERR_INTERNAL;

	if (out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no output for the key");
	*out = NULL;
	if (alg < JWTSAFE_ALG_FIRST || alg > JWTSAFE_ALG_LAST)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown key algorithm %d", (int)alg);
	if (purpose != JWTSAFE_KEY_PUBLIC && purpose != JWTSAFE_KEY_SECRET)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown key purpose %d", (int)purpose);
	if (check != JWTSAFE_KEY_CHECK_FULL && check != JWTSAFE_KEY_CHECK_LOGIN)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown key check level %d", (int)check);
	if (!jwtsafe_kid_valid(kid))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "invalid kid: 1 to %d characters of [A-Za-z0-9._~+/=-] "
		    "required", JWTSAFE_KID_MAX);
	if (jwtsafe_alg_is_symmetric(alg) && purpose != JWTSAFE_KEY_SECRET)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    "key \"%s\": %s keys are secret; there is no public %s key",
		    kid, jwtsafe_alg_name(alg), jwtsafe_alg_name(alg));
	if (material == NULL || len == 0 || len > JWTSAFE_KEY_MATERIAL_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "key \"%s\": key material of %zu bytes; 1 to %d allowed",
		    kid, material == NULL ? (size_t)0 : len,
		    JWTSAFE_KEY_MATERIAL_MAX);
	if (jwtsafe_init() != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");

	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->material = malloc(len)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "key");
		goto out;
	}
	memcpy(k->material, material, len);
	k->material_len = len;
	k->alg = alg;
	k->purpose = purpose;
	memcpy(k->kid, kid, strlen(kid) + 1);   /* valid: <= JWTSAFE_KID_MAX */
	k->not_before = JWTSAFE_TIME_NONE;
	k->not_after = JWTSAFE_TIME_NONE;
	k->line = 0;

	switch (alg) {
	case JWTSAFE_ALG_EDDSA:
		r = load_eddsa(k, err);
		break;
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		c = ec_curve_for(alg);
		r = purpose == JWTSAFE_KEY_PUBLIC ?
		    load_ec_public(k, c, check, err) :
		    load_ec_secret(k, c, err);
		break;
	case JWTSAFE_ALG_PS256:
		r = load_rsa(k, check, err);
		break;
	case JWTSAFE_ALG_HS256:
	case JWTSAFE_ALG_HS384:
		r = load_hmac(k, err);
		break;
	case JWTSAFE_ALG_INVALID:
	default:
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown key algorithm");
		break;
	}
	if (r != 0)
		goto out;
	*out = k;
	k = NULL;
	r = 0;
 out:
	if (r != 0)
		ERR_clear_error();
	jwtsafe_key_free(k);
	return r;
}

/* PKCS#8 DER of pkey's private key into a malloc'ed buffer. */
static int
pkcs8_der(EVP_PKEY *pkey, unsigned char **der, size_t *len,
    struct jwtsafe_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	unsigned char *buf = NULL, *p;
	int n = 0, ret = JWTSAFE_ERR_INTERNAL;

	*der = NULL;
	*len = 0;
	if ((p8 = EVP_PKEY2PKCS8(pkey)) == NULL ||
	    (n = i2d_PKCS8_PRIV_KEY_INFO(p8, NULL)) <= 0) {
		jwtsafe_err_set(err, ret, "PKCS#8 encoding failed");
		goto out;
	}
	if ((buf = malloc((size_t)n)) == NULL) {
		ret = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "PKCS#8 key");
		goto out;
	}
	p = buf;
	if (i2d_PKCS8_PRIV_KEY_INFO(p8, &p) != n) {
		jwtsafe_err_set(err, ret, "PKCS#8 encoding failed");
		goto out;
	}
	*der = buf;
	*len = (size_t)n;
	buf = NULL;
	ret = 0;
 out:
	jwtsafe_freezero(buf, buf == NULL ? 0 : (size_t)n);
	PKCS8_PRIV_KEY_INFO_free(p8);   /* clears the private key copy */
	return ret;
}

int
jwtsafe_key_generate(enum jwtsafe_alg alg, const char *kid, int rsa_bits,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
{
	unsigned char raw[JWTSAFE_HS384_MIN_KEY], idbytes[RANDOM_KID_BYTES];
	char randkid[JWTSAFE_B64URL_ENCODED_LEN(RANDOM_KID_BYTES)];
	unsigned char *material = NULL;
	size_t len = 0;
	EVP_PKEY *pkey = NULL;
	int r = JWTSAFE_ERR_INTERNAL;

	if (out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no output for the key");
	*out = NULL;
	if (alg < JWTSAFE_ALG_FIRST || alg > JWTSAFE_ALG_LAST)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown key algorithm %d", (int)alg);
	if (alg == JWTSAFE_ALG_PS256) {
		if (rsa_bits == 0)
			rsa_bits = RSA_DEFAULT_BITS;
		if (rsa_bits != 2048 && rsa_bits != 3072 && rsa_bits != 4096)
			return jwtsafe_err_set(err,
			    JWTSAFE_ERR_INVALID_ARGUMENT, "RSA key size %d; "
			    "2048, 3072 or 4096 allowed", rsa_bits);
	}
	if (kid != NULL && !jwtsafe_kid_valid(kid))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "invalid kid: 1 to %d characters of [A-Za-z0-9._~+/=-] "
		    "required", JWTSAFE_KID_MAX);
	if (jwtsafe_init() != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");

	if (kid == NULL) {
		randombytes_buf(idbytes, sizeof(idbytes));
		if (jwtsafe_b64url_encode(idbytes, sizeof(idbytes), randkid,
		    sizeof(randkid)) != (int)sizeof(randkid) - 1) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
			    "encoding a random kid");
			goto out;
		}
		kid = randkid;
	}

	switch (alg) {
	case JWTSAFE_ALG_EDDSA:
		len = crypto_sign_ed25519_SEEDBYTES;
		randombytes_buf(raw, len);
		break;
	case JWTSAFE_ALG_HS256:
		len = JWTSAFE_HS256_MIN_KEY;
		randombytes_buf(raw, len);
		break;
	case JWTSAFE_ALG_HS384:
		len = JWTSAFE_HS384_MIN_KEY;
		randombytes_buf(raw, len);
		break;
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    alg == JWTSAFE_ALG_ES256 ? "P-256" : "P-384");
		break;
	case JWTSAFE_ALG_PS256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)rsa_bits);
		break;
	case JWTSAFE_ALG_INVALID:
	default:
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown key algorithm");
		goto out;
	}
	if (len == 0) {
		if (pkey == NULL) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
			    "%s key generation failed", jwtsafe_alg_name(alg));
			goto out;
		}
		if ((r = pkcs8_der(pkey, &material, &len, err)) != 0)
			goto out;
	}

	/* The same validation as any loaded key. */
	r = jwtsafe_key_new(alg, JWTSAFE_KEY_SECRET, kid,
	    material != NULL ? material : raw, len, out, err);
 out:
	if (r != 0)
		ERR_clear_error();
	sodium_memzero(raw, sizeof(raw));
	jwtsafe_freezero(material, len);
	EVP_PKEY_free(pkey);
	return r;
}

/* The uncompressed SEC1 point 0x04||X||Y of an EC key into buf. */
static int
ec_public_point(const EVP_PKEY *pkey, const struct ec_curve *c,
    unsigned char *buf, size_t buflen, size_t *len)
{
	BIGNUM *x = NULL, *y = NULL;
	size_t need = 1 + 2 * c->field_len;
	int ret = JWTSAFE_ERR_INTERNAL;

	/* From the coordinates, so the form does not depend on the key's
	 * point conversion setting. */
	if (buflen < need ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1)
		goto out;
	buf[0] = 0x04;
	if (BN_bn2binpad(x, buf + 1, (int)c->field_len) !=
	    (int)c->field_len ||
	    BN_bn2binpad(y, buf + 1 + c->field_len, (int)c->field_len) !=
	    (int)c->field_len)
		goto out;
	*len = need;
	ret = 0;
 out:
	BN_free(x);
	BN_free(y);
	return ret;
}

int
jwtsafe_key_public(const struct jwtsafe_key *secret,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
{
	unsigned char point[1 + 2 * 48];
	unsigned char *der = NULL;
	const unsigned char *material = NULL;
	size_t len = 0;
	int n, r = JWTSAFE_ERR_INTERNAL;

	if (out == NULL || secret == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no key");
	*out = NULL;
	if (jwtsafe_alg_is_symmetric(secret->alg))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    "key \"%s\": %s keys have no public half", secret->kid,
		    jwtsafe_alg_name(secret->alg));
	if (secret->purpose != JWTSAFE_KEY_SECRET)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    "key \"%s\" is not a secret key", secret->kid);

	switch (secret->alg) {
	case JWTSAFE_ALG_EDDSA:
		material = secret->pub;
		len = crypto_sign_ed25519_PUBLICKEYBYTES;
		break;
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		if (secret->pkey == NULL ||
		    ec_public_point(secret->pkey, ec_curve_for(secret->alg),
		    point, sizeof(point), &len) != 0) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
			    "key \"%s\": reading the EC public key failed",
			    secret->kid);
			goto out;
		}
		material = point;
		break;
	case JWTSAFE_ALG_PS256:
		if (secret->pkey == NULL ||
		    (n = i2d_PUBKEY(secret->pkey, &der)) <= 0) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
			    "key \"%s\": encoding the RSA public key failed",
			    secret->kid);
			goto out;
		}
		material = der;
		len = (size_t)n;
		break;
	default:
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown key algorithm");
		goto out;
	}

	if ((r = jwtsafe_key_new(secret->alg, JWTSAFE_KEY_PUBLIC, secret->kid,
	    material, len, out, err)) != 0)
		goto out;
	(*out)->not_before = secret->not_before;
	(*out)->not_after = secret->not_after;
	r = 0;
 out:
	if (r != 0)
		ERR_clear_error();
	OPENSSL_free(der);
	return r;
}
