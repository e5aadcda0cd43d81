/*
 * jwtsafe_key_import: keys made here with OpenSSL and libsodium (not with
 * jwtsafe_key_generate), written as PEM and as a hand-made JWK, must import
 * to the material key.h describes; keys made by jwtsafe_key_generate must
 * import to what jwtsafe_key_public gives. Every refusal is a valid input
 * with one change, next to its accepted control.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "keyfile.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#define JWK_MAX 4096

static void
die(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(99);
}

static void
b64(const unsigned char *p, size_t n, char *out, size_t outmax)
{
	if (sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) > outmax)
		die("b64: buffer too small");
	sodium_bin2base64(out, outmax, p, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Import text; returns the code and the key (or NULL) in *out. */
static int
import(enum jwtsafe_alg alg, const char *kid, const char *text,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
{
	struct jwtsafe_key *k = NULL;
	int r;

	memset(err, 0, sizeof(*err));
	r = jwtsafe_key_import(alg, kid, text, strlen(text), &k, err);
	if ((r == 0) != (k != NULL) || (r != 0 && err->code != r))
		r = JWTSAFE_ERR_INTERNAL;
	if (out != NULL)
		*out = k;
	else
		jwtsafe_key_free(k);
	return r;
}

static int
import_code(enum jwtsafe_alg alg, const char *text, struct jwtsafe_error *err)
{
	return import(alg, NULL, text, NULL, err);
}

static char *
pem_pubkey(const EVP_PKEY *pkey)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *s;
	long n;

	if (bio == NULL || PEM_write_bio_PUBKEY(bio, pkey) != 1 ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (s = strndup(data, (size_t)n)) == NULL)
		die("PEM_write_bio_PUBKEY");
	BIO_free(bio);
	return s;
}

static char *
pem_private(const EVP_PKEY *pkey)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *s;
	long n;

	if (bio == NULL ||
	    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (s = strndup(data, (size_t)n)) == NULL)
		die("PEM_write_bio_PrivateKey");
	BIO_free(bio);
	return s;
}

static int
material_is(const struct jwtsafe_key *k, const unsigned char *m, size_t n)
{
	return k != NULL && k->material_len == n &&
	    memcmp(k->material, m, n) == 0;
}

/* The key's public material computed here, independently of keyfile.c. */
static size_t
expected_material(enum jwtsafe_alg alg, EVP_PKEY *pkey, unsigned char *out,
    size_t outmax)
{
	unsigned char *p = out;
	size_t n = 0;
	int len;

	if (alg == JWTSAFE_ALG_PS256) {
		if ((len = i2d_PUBKEY(pkey, NULL)) <= 0 ||
		    (size_t)len > outmax || i2d_PUBKEY(pkey, &p) != len)
			die("i2d_PUBKEY");
		return (size_t)len;
	}
	/* a freshly generated EC key encodes its point uncompressed */
	if (EVP_PKEY_get_octet_string_param(pkey,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, outmax, &n) != 1 ||
	    out[0] != 0x04)
		die("encoded public key");
	return n;
}

static void
bn_b64(const EVP_PKEY *pkey, const char *param, int pad, char *out,
    size_t outmax)
{
	unsigned char buf[1024];
	BIGNUM *bn = NULL;
	int n;

	if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
		die(param);
	n = pad > 0 ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	if (n <= 0)
		die("BN_bn2bin");
	b64(buf, (size_t)n, out, outmax);
	BN_free(bn);
}

/* A JWK for pkey with extra members (",..." or "") appended. */
static void
jwk_of(enum jwtsafe_alg alg, const EVP_PKEY *pkey, const char *extra,
    char *out, size_t outmax)
{
	char a[1500], b[1500];

	if (alg == JWTSAFE_ALG_PS256) {
		bn_b64(pkey, OSSL_PKEY_PARAM_RSA_N, 0, a, sizeof(a));
		bn_b64(pkey, OSSL_PKEY_PARAM_RSA_E, 0, b, sizeof(b));
		snprintf(out, outmax, "{\"kty\":\"RSA\",\"n\":\"%s\","
		    "\"e\":\"%s\"%s}", a, b, extra);
		return;
	}
	bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_X,
	    alg == JWTSAFE_ALG_ES256 ? 32 : 48, a, sizeof(a));
	bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
	    alg == JWTSAFE_ALG_ES256 ? 32 : 48, b, sizeof(b));
	snprintf(out, outmax, "{\"kty\":\"EC\",\"crv\":\"%s\",\"x\":\"%s\","
	    "\"y\":\"%s\"%s}", alg == JWTSAFE_ALG_ES256 ? "P-256" : "P-384",
	    a, b, extra);
}

static EVP_PKEY *
ossl_keygen(enum jwtsafe_alg alg)
{
	EVP_PKEY *k;

	if (alg == JWTSAFE_ALG_PS256)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    alg == JWTSAFE_ALG_ES256 ? "P-256" : "P-384");
	if (k == NULL)
		die("EVP_PKEY_Q_keygen");
	return k;
}

/* ES256, ES384, PS256: OpenSSL key, PEM and JWK, same material. */
static void
test_openssl_keys(void)
{
	static const enum jwtsafe_alg algs[] = {
		JWTSAFE_ALG_ES256, JWTSAFE_ALG_ES384, JWTSAFE_ALG_PS256,
	};
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		enum jwtsafe_alg alg = algs[i];
		const char *name = jwtsafe_alg_name(alg);
		struct jwtsafe_error err;
		struct jwtsafe_key *kp = NULL, *kj = NULL;
		EVP_PKEY *pkey = ossl_keygen(alg);
		unsigned char want[2048];
		size_t wantlen = expected_material(alg, pkey, want,
		    sizeof(want));
		char *pem = pem_pubkey(pkey), jwk[JWK_MAX];

		jwk_of(alg, pkey, "", jwk, sizeof(jwk));
		is_int(import(alg, NULL, pem, &kp, &err), 0,
		    "%s: PEM public key imported", name);
		ok(material_is(kp, want, wantlen) &&
		    kp->purpose == JWTSAFE_KEY_PUBLIC && kp->alg == alg,
		    "%s: PEM gives the expected public material", name);
		is_int(import(alg, NULL, jwk, &kj, &err), 0,
		    "%s: JWK imported", name);
		ok(material_is(kj, want, wantlen),
		    "%s: JWK gives the same material", name);
		ok(kp != NULL && kj != NULL && strlen(kp->kid) == 16 &&
		    strcmp(kp->kid, kj->kid) == 0,
		    "%s: same derived 16-character kid from both", name);
		if (kp == NULL || kj == NULL)
			tap_diag("%s", err.detail);
		jwtsafe_key_free(kj);
		kj = NULL;
		if (alg != JWTSAFE_ALG_PS256) {
			/* the same key in a SPKI with a compressed point */
			char *cpem;

			if (EVP_PKEY_set_utf8_string_param(pkey,
			    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
			    OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED) !=
			    1)
				die("compressed point format");
			cpem = pem_pubkey(pkey);
			ok(strlen(cpem) < strlen(pem), "%s: compressed PEM is "
			    "shorter", name);
			is_int(import(alg, NULL, cpem, &kj, &err), 0,
			    "%s: PEM with a compressed point imported", name);
			ok(material_is(kj, want, wantlen), "%s: and gives the "
			    "uncompressed point", name);
			free(cpem);
		}
		jwtsafe_key_free(kp);
		jwtsafe_key_free(kj);
		free(pem);
		EVP_PKEY_free(pkey);
	}
}

static void
test_ed25519(void)
{
	struct jwtsafe_error err;
	struct jwtsafe_key *kp = NULL, *kj = NULL;
	unsigned char pk[32], sk[64];
	char x[64], jwk[JWK_MAX], *pem;
	EVP_PKEY *pkey;

	crypto_sign_keypair(pk, sk);
	sodium_memzero(sk, sizeof(sk));
	if ((pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk,
	    sizeof(pk))) == NULL)
		die("EVP_PKEY_new_raw_public_key");
	pem = pem_pubkey(pkey);
	b64(pk, sizeof(pk), x, sizeof(x));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\",\"kid\":\"issuer-2024\"}", x);

	is_int(import(JWTSAFE_ALG_EDDSA, NULL, pem, &kp, &err), 0,
	    "EdDSA: PEM public key imported");
	ok(material_is(kp, pk, sizeof(pk)), "EdDSA: PEM gives the raw key");
	ok(kp != NULL && strlen(kp->kid) == 16,
	    "EdDSA: PEM gets a derived kid");
	is_int(import(JWTSAFE_ALG_EDDSA, NULL, jwk, &kj, &err), 0,
	    "EdDSA: JWK imported");
	ok(material_is(kj, pk, sizeof(pk)), "EdDSA: JWK gives the raw key");
	ok(kj != NULL && strcmp(kj->kid, "issuer-2024") == 0,
	    "EdDSA: JWK kid is kept");
	jwtsafe_key_free(kj);
	is_int(import(JWTSAFE_ALG_EDDSA, "given", jwk, &kj, &err), 0,
	    "EdDSA: JWK imported with a kid given");
	ok(kj != NULL && strcmp(kj->kid, "given") == 0,
	    "EdDSA: the given kid wins over the JWK's");
	jwtsafe_key_free(kj);
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\",\"kid\":\"not valid!\"}", x);
	is_int(import(JWTSAFE_ALG_EDDSA, NULL, jwk, &kj, &err), 0,
	    "EdDSA: JWK with an unusable kid imported");
	ok(kj != NULL && kp != NULL && strcmp(kj->kid, kp->kid) == 0,
	    "EdDSA: and gets the derived kid");
	is_int(import(JWTSAFE_ALG_EDDSA, "bad kid", jwk, NULL, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "EdDSA: invalid kid argument "
	    "refused");
	jwtsafe_key_free(kj);
	jwtsafe_key_free(kp);
	free(pem);
	EVP_PKEY_free(pkey);
}

/* RFC 8037 Appendix A.2: the public key of the example, and its bytes
 * (RFC 8032 section 7.1, TEST 1). */
static void
test_rfc8037(void)
{
	static const unsigned char want[32] = {
		0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
		0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
		0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
		0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
	};
	const char *jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
	struct jwtsafe_error err;
	struct jwtsafe_key *k = NULL;

	is_int(import(JWTSAFE_ALG_EDDSA, NULL, jwk, &k, &err), 0,
	    "RFC 8037 A.2 public JWK imported");
	ok(material_is(k, want, sizeof(want)),
	    "RFC 8037 A.2: raw bytes are RFC 8032 TEST 1's public key");
	jwtsafe_key_free(k);
}

/* Keys from jwtsafe_key_generate: import of the exported public key
 * equals jwtsafe_key_public. */
static void
test_generated(void)
{
	static const enum jwtsafe_alg algs[] = {
		JWTSAFE_ALG_EDDSA, JWTSAFE_ALG_ES256, JWTSAFE_ALG_ES384,
		JWTSAFE_ALG_PS256,
	};
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct jwtsafe_key *sec = tu_keygen(algs[i], "gen");
		struct jwtsafe_key *pub = tu_pub(sec), *k = NULL;
		struct jwtsafe_error err;
		const unsigned char *p = sec->material;
		EVP_PKEY *pkey;
		char *pem;

		if (algs[i] == JWTSAFE_ALG_EDDSA)
			pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519,
			    NULL, sec->material, sec->material_len);
		else
			pkey = d2i_AutoPrivateKey(NULL, &p,
			    (long)sec->material_len);
		if (pkey == NULL)
			die("loading the generated key into OpenSSL");
		pem = pem_pubkey(pkey);
		is_int(import(algs[i], "gen", pem, &k, &err), 0,
		    "%s: generated key's PEM imported",
		    jwtsafe_alg_name(algs[i]));
		ok(k != NULL && material_is(k, pub->material,
		    pub->material_len) && strcmp(k->kid, pub->kid) == 0,
		    "%s: same as jwtsafe_key_public",
		    jwtsafe_alg_name(algs[i]));
		jwtsafe_key_free(k);
		free(pem);
		EVP_PKEY_free(pkey);
		jwtsafe_key_free(pub);
		jwtsafe_key_free(sec);
	}
}

static void
test_oct(void)
{
	struct jwtsafe_error err;
	struct jwtsafe_key *k = NULL;
	unsigned char key[64];
	char k64[128], jwk[JWK_MAX];

	randombytes_buf(key, sizeof(key));
	b64(key, 32, k64, sizeof(k64));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"%s\"}", k64);
	is_int(import(JWTSAFE_ALG_HS256, NULL, jwk, &k, &err), 0,
	    "HS256: oct JWK of 32 bytes imported");
	ok(material_is(k, key, 32) && k->purpose == JWTSAFE_KEY_SECRET,
	    "HS256: raw bytes, a secret key");
	jwtsafe_key_free(k);
	b64(key, 31, k64, sizeof(k64));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"%s\"}", k64);
	is_int(import_code(JWTSAFE_ALG_HS256, jwk, &err),
	    JWTSAFE_ERR_KEY_INVALID, "HS256: oct k of 31 bytes refused");

	b64(key, 48, k64, sizeof(k64));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"%s\","
	    "\"alg\":\"HS384\",\"use\":\"sig\","
	    "\"key_ops\":[\"sign\",\"verify\"]}", k64);
	is_int(import(JWTSAFE_ALG_HS384, NULL, jwk, &k, &err), 0,
	    "HS384: oct JWK of 48 bytes with alg, use, key_ops imported");
	ok(material_is(k, key, 48) && k->purpose == JWTSAFE_KEY_SECRET,
	    "HS384: raw bytes, a secret key");
	jwtsafe_key_free(k);
	b64(key, 47, k64, sizeof(k64));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"%s\"}", k64);
	is_int(import_code(JWTSAFE_ALG_HS384, jwk, &err),
	    JWTSAFE_ERR_KEY_INVALID, "HS384: oct k of 47 bytes refused");

	b64(key, 48, k64, sizeof(k64));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"%s\"}", k64);
	is_int(import_code(JWTSAFE_ALG_HS384, jwk, &err), 0,
	    "control: HS384 oct JWK");
	is_int(import_code(JWTSAFE_ALG_PS256, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "oct JWK for PS256 refused");
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"%s\","
	    "\"alg\":\"HS256\"}", k64);
	is_int(import_code(JWTSAFE_ALG_HS384, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "oct JWK with \"alg\":\"HS256\" for HS384 refused");
	sodium_memzero(key, sizeof(key));
}

/* Every refusal of an asymmetric key, each next to its control. */
static void
test_refusals(void)
{
	struct jwtsafe_error err;
	EVP_PKEY *es256 = ossl_keygen(JWTSAFE_ALG_ES256);
	EVP_PKEY *es384 = ossl_keygen(JWTSAFE_ALG_ES384);
	EVP_PKEY *rsa = ossl_keygen(JWTSAFE_ALG_PS256), *rsa1024;
	char jwk[JWK_MAX], x[128], y[128], *pem, *priv, *big;
	unsigned char buf[64];

	/* private keys */
	priv = pem_private(es256);
	pem = pem_pubkey(es256);
	is_int(import_code(JWTSAFE_ALG_ES256, pem, &err), 0,
	    "control: ES256 PEM public key");
	is_int(import_code(JWTSAFE_ALG_ES256, priv, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "PEM private key of the same key refused");
	ok(strstr(err.detail, "private key") != NULL, "message: %s",
	    err.detail);
	free(priv);

	/* trailing data and other PEM types */
	if ((big = malloc(2 * strlen(pem) + 64)) == NULL)
		die("malloc");
	sprintf(big, "%s\n\n", pem);
	is_int(import_code(JWTSAFE_ALG_ES256, big, &err), 0,
	    "control: PEM with trailing empty lines");
	sprintf(big, "%sjunk\n", pem);
	is_int(import_code(JWTSAFE_ALG_ES256, big, &err),
	    JWTSAFE_ERR_KEY_FORMAT, "PEM with data after the END line refused");
	sprintf(big, "%s%s", pem, pem);
	is_int(import_code(JWTSAFE_ALG_ES256, big, &err),
	    JWTSAFE_ERR_KEY_FORMAT, "two PEM blocks refused");
	free(big);
	is_int(import_code(JWTSAFE_ALG_ES384, pem, &err), JWTSAFE_ERR_KEY_ALG,
	    "P-256 PEM for ES384 refused");
	is_int(import_code(JWTSAFE_ALG_EDDSA, pem, &err), JWTSAFE_ERR_KEY_ALG,
	    "EC PEM for EdDSA refused");
	is_int(import_code(JWTSAFE_ALG_HS256, pem, &err), JWTSAFE_ERR_KEY_ALG,
	    "PEM for HS256 refused");
	{
		/* a self-signed certificate holding the same public key */
		X509 *crt = X509_new();
		BIO *bio = BIO_new(BIO_s_mem());
		char *data = NULL, *c;
		long n;

		if (crt == NULL || bio == NULL ||
		    X509_set_version(crt, 2) != 1 ||
		    ASN1_INTEGER_set(X509_get_serialNumber(crt), 1) != 1 ||
		    X509_gmtime_adj(X509_getm_notBefore(crt), 0) == NULL ||
		    X509_gmtime_adj(X509_getm_notAfter(crt), 3600) == NULL ||
		    X509_set_pubkey(crt, es256) != 1 ||
		    X509_sign(crt, es256, EVP_sha256()) <= 0 ||
		    PEM_write_bio_X509(bio, crt) != 1 ||
		    (n = BIO_get_mem_data(bio, &data)) <= 0 ||
		    (c = strndup(data, (size_t)n)) == NULL)
			die("making a certificate");
		is_int(import_code(JWTSAFE_ALG_ES256, c, &err),
		    JWTSAFE_ERR_KEY_FORMAT, "certificate refused");
		ok(strstr(err.detail, "certificate") != NULL, "message: %s",
		    err.detail);
		free(c);
		BIO_free(bio);
		X509_free(crt);
	}
	free(pem);

	/* JWK: private member, curve, kty, alg, use, key_ops */
	jwk_of(JWTSAFE_ALG_ES256, es256, "", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err), 0,
	    "control: ES256 JWK");
	jwk_of(JWTSAFE_ALG_ES256, es256,
	    ",\"d\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", jwk,
	    sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "ES256 JWK with \"d\" refused");
	jwk_of(JWTSAFE_ALG_ES384, es384, "", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES384, jwk, &err), 0,
	    "control: ES384 JWK");
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "P-384 JWK for ES256 refused");
	is_int(import_code(JWTSAFE_ALG_HS384, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "EC JWK for HS384 refused");
	jwk_of(JWTSAFE_ALG_ES256, es256, ",\"use\":\"sig\","
	    "\"key_ops\":[\"verify\"],\"alg\":\"ES256\"", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err), 0,
	    "control: ES256 JWK with use sig, key_ops verify, alg ES256");
	jwk_of(JWTSAFE_ALG_ES256, es256, ",\"use\":\"enc\"", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "\"use\":\"enc\" refused");
	jwk_of(JWTSAFE_ALG_ES256, es256, ",\"key_ops\":[\"encrypt\"]", jwk,
	    sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "\"key_ops\":[\"encrypt\"] refused");
	jwk_of(JWTSAFE_ALG_ES256, es256, ",\"key_ops\":[\"sign\",\"verify\"]",
	    jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "\"sign\" in key_ops of a public key "
	    "refused");
	jwk_of(JWTSAFE_ALG_ES256, es256, ",\"alg\":\"ES384\"", jwk,
	    sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "\"alg\":\"ES384\" in a JWK for ES256 refused");

	/* EC coordinate of 31 bytes: the full length is required */
	bn_b64(es256, OSSL_PKEY_PARAM_EC_PUB_X, 32, x, sizeof(x));
	bn_b64(es256, OSSL_PKEY_PARAM_EC_PUB_Y, 32, y, sizeof(y));
	{
		/* x without its first byte */
		unsigned char raw[32];
		BIGNUM *bx = NULL;

		if (EVP_PKEY_get_bn_param(es256, OSSL_PKEY_PARAM_EC_PUB_X,
		    &bx) != 1 || BN_bn2binpad(bx, raw, 32) != 32)
			die("EC x");
		BN_free(bx);
		b64(raw + 1, 31, x, sizeof(x));
	}
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"%s\",\"y\":\"%s\"}", x, y);
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err),
	    JWTSAFE_ERR_KEY_INVALID, "EC x of 31 bytes refused");
	ok(strstr(err.detail, "\"x\" must be 32 bytes") != NULL,
	    "by the length rule: %s", err.detail);

	/* RSA: alg mismatch, 1024 bits, leading zero, kty */
	jwk_of(JWTSAFE_ALG_PS256, rsa, ",\"alg\":\"PS256\"", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_PS256, jwk, &err), 0,
	    "control: RSA JWK with \"alg\":\"PS256\"");
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "RSA JWK for ES256 refused");
	is_int(import_code(JWTSAFE_ALG_HS256, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "RSA JWK for HS256 refused");
	jwk_of(JWTSAFE_ALG_PS256, rsa, ",\"alg\":\"RS256\"", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_PS256, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "RSA JWK with \"alg\":\"RS256\" for PS256 refused");
	jwk_of(JWTSAFE_ALG_PS256, rsa, ",\"qi\":\"AQAB\"", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_PS256, jwk, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "RSA JWK with \"qi\" refused");
	{
		/* the same n with a zero byte in front */
		unsigned char nb[600];
		BIGNUM *bn = NULL;
		char *enc = malloc(1024);
		int nl;

		if (enc == NULL || EVP_PKEY_get_bn_param(rsa,
		    OSSL_PKEY_PARAM_RSA_N, &bn) != 1)
			die("RSA n");
		nb[0] = 0;
		nl = BN_bn2bin(bn, nb + 1);
		BN_free(bn);
		b64(nb, (size_t)nl + 1, enc, 1024);
		snprintf(jwk, sizeof(jwk), "{\"kty\":\"RSA\",\"n\":\"%s\","
		    "\"e\":\"AQAB\"}", enc);
		free(enc);
	}
	is_int(import_code(JWTSAFE_ALG_PS256, jwk, &err),
	    JWTSAFE_ERR_KEY_INVALID, "RSA n with a leading zero byte refused");
	if ((rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) ==
	    NULL)
		die("RSA 1024");
	jwk_of(JWTSAFE_ALG_PS256, rsa1024, "", jwk, sizeof(jwk));
	is_int(import_code(JWTSAFE_ALG_PS256, jwk, &err),
	    JWTSAFE_ERR_KEY_INVALID, "RSA JWK of 1024 bits refused");
	pem = pem_pubkey(rsa1024);
	is_int(import_code(JWTSAFE_ALG_PS256, pem, &err),
	    JWTSAFE_ERR_KEY_INVALID, "RSA PEM of 1024 bits refused");
	free(pem);
	EVP_PKEY_free(rsa1024);

	/* Ed25519: private member, small order, kty and crv */
	randombytes_buf(buf, sizeof(buf));
	{
		unsigned char pk[32], sk[64];

		crypto_sign_keypair(pk, sk);
		sodium_memzero(sk, sizeof(sk));
		b64(pk, 32, x, sizeof(x));
	}
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\"}", x);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err), 0,
	    "control: Ed25519 JWK");
	is_int(import_code(JWTSAFE_ALG_ES256, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "OKP JWK for ES256 refused");
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"x\":\"%s\"}", x);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err), JWTSAFE_ERR_KEY_ALG,
	    "OKP crv X25519 for EdDSA refused");
	b64(buf, 32, y, sizeof(y));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\",\"d\":\"%s\"}", x, y);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "Ed25519 JWK with \"d\" refused");
	memset(buf, 0, 32);
	buf[0] = 1;     /* the neutral element: order 1 */
	b64(buf, 32, y, sizeof(y));
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\"}", y);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err),
	    JWTSAFE_ERR_KEY_INVALID, "Ed25519 small-order x refused");

	/* JSON strictness and size */
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\"}\n", x);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err), 0,
	    "control: JWK followed by a newline");
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\"}x", x);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err),
	    JWTSAFE_ERR_KEY_FORMAT, "trailing garbage after the JSON refused");
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\",\"x\":\"%s\"}", x, x);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err),
	    JWTSAFE_ERR_KEY_FORMAT, "duplicate member refused");
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s=\"}", x);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err),
	    JWTSAFE_ERR_KEY_FORMAT, "padded base64 refused");
	snprintf(jwk, sizeof(jwk), "{\"keys\":[{\"kty\":\"OKP\","
	    "\"crv\":\"Ed25519\",\"x\":\"%s\"}]}", x);
	is_int(import_code(JWTSAFE_ALG_EDDSA, jwk, &err),
	    JWTSAFE_ERR_KEY_FORMAT, "a JWK Set refused");
	is_int(import_code(JWTSAFE_ALG_EDDSA, "ssh-ed25519 AAAA", &err),
	    JWTSAFE_ERR_KEY_FORMAT, "neither PEM nor JWK refused");

	/* 64 KiB exactly is accepted, one byte more is not */
	snprintf(jwk, sizeof(jwk), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\"}", x);
	if ((big = malloc(64 * 1024 + 2)) == NULL)
		die("malloc");
	memset(big, ' ', 64 * 1024 + 1);
	memcpy(big, jwk, strlen(jwk));
	big[64 * 1024] = '\0';
	is_int(import_code(JWTSAFE_ALG_EDDSA, big, &err), 0,
	    "control: JWK padded to 65536 bytes");
	big[64 * 1024] = ' ';
	big[64 * 1024 + 1] = '\0';
	is_int(import_code(JWTSAFE_ALG_EDDSA, big, &err),
	    JWTSAFE_ERR_KEY_FORMAT, "input of 65537 bytes refused");
	free(big);

	EVP_PKEY_free(es256);
	EVP_PKEY_free(es384);
	EVP_PKEY_free(rsa);
}

/*
 * The fuzzer's regress-rsa-random-check: an RSA JWK whose 2048-bit modulus
 * has the factors 1409 and 7963. OpenSSL's public key check finds such
 * factors only with its random Miller-Rabin bases, so before the trial
 * division it was imported about 99 times in 100. Now it is refused every
 * time, naming the smallest factor; a control JWK of a generated key is
 * accepted every time (20 times: each costs a full RSA key check).
 */
static void
test_small_factors(void)
{
	static const char weak[] = "{\"kty\":\"RSA\",\"n\":\"kD8BrvayEwLW2Mg9"
	    "oD-Q4M20HuJrMMKQo8cRHkIyRSKFHjX5O8t20cJj6Znvh9WUr7kx1jtZ3pg279D9m8"
	    "rYSuGrKQoXO8vpipG6OcuQNsurA2sJp0kWwuEhClmXJJIXzRzX6uekrmot6t2katB"
	    "ZPlLaUwhAiG71YI4RREHViVoiIJMOJVkLfELlRjUG-8wId8cOj8wxGhkFcFmWFGDQk"
	    "bZp2bt7vY3AeWR7Ho8_IfT1SHsnKcQhElxhu0PE0h8mXKM4_MVI33MhLYiSGuHIWrc"
	    "zC7n3cMmfrRTbUaD-FrWdrvEF-1xLbhwYjDBtE4gDfnnCidWtdGVbaHgQy_YLMQ\","
	    "\"e\":\"AQAB\",\"alg\":\"PS256\"}";
	struct jwtsafe_error err;
	struct jwtsafe_key *k = tu_keygen(JWTSAFE_ALG_PS256, "ctl");
	char n[700], e[16], good[JWK_MAX];
	int i, refused = 0, named = 0, accepted = 0;

	bn_b64(k->pkey, OSSL_PKEY_PARAM_RSA_N, 0, n, sizeof(n));
	bn_b64(k->pkey, OSSL_PKEY_PARAM_RSA_E, 0, e, sizeof(e));
	snprintf(good, sizeof(good), "{\"kty\":\"RSA\",\"n\":\"%s\","
	    "\"e\":\"%s\",\"alg\":\"PS256\"}", n, e);
	for (i = 0; i < 100; i++) {
		if (i < 20)
			accepted += import_code(JWTSAFE_ALG_PS256, good,
			    &err) == 0;
		if (import_code(JWTSAFE_ALG_PS256, weak, &err) ==
		    JWTSAFE_ERR_KEY_INVALID)
			refused++;
		named += strstr(err.detail, "small factor 1409") != NULL;
	}
	is_int(accepted, 20, "control: a generated RSA key's JWK imported "
	    "20 times out of 20");
	is_int(refused, 100, "RSA JWK whose modulus has the factors 1409 and "
	    "7963 refused 100 times out of 100");
	is_int(named, 100, "... naming the factor 1409");
	jwtsafe_key_free(k);
}

int
main(void)
{
	if (jwtsafe_init() != 0)
		die("jwtsafe_init");
	test_small_factors();
	test_rfc8037();
	test_ed25519();
	test_openssl_keys();
	test_generated();
	test_oct();
	test_refusals();
	return tap_done();
}
