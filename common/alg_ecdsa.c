/*
 * ES256 / ES384: ECDSA on P-256 / P-384 with OpenSSL.
 *
 * JWS carries r||s as two fixed-length big-endian integers (RFC 7518
 * section 3.4), not DER. Before any curve arithmetic the signature is
 * checked to be exactly that: the right length, 0 < r < n, 0 < s < n
 * (r = s = 0 is the "psychic signature" of CVE-2022-21449), and, unless
 * the policy allows it, s <= n/2, so that (r, n - s), the second valid
 * signature every ECDSA signature has, is refused.
 */
#include <stddef.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "alg_impl.h"
#include "err.h"
#include "key.h"
#include "util.h"

/* Group orders n and floor(n / 2), big-endian (SEC 2 / FIPS 186-4). */
static const unsigned char p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
static const unsigned char p256_half_n[32] = {
	0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00,
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42,
	0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
};
static const unsigned char p384_n[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
	0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a,
	0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
};
static const unsigned char p384_half_n[48] = {
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xe3, 0xb1, 0xa6, 0xc0, 0xfa, 0x1b, 0x96, 0xef,
	0xac, 0x0d, 0x06, 0xd9, 0x24, 0x58, 0x53, 0xbd,
	0x76, 0x76, 0x0c, 0xb5, 0x66, 0x62, 0x94, 0xb9,
};

struct ecdsa_params {
	size_t len;                     /* bytes of r, of s, of n */
	int bits;                       /* the curve's size */
	const unsigned char *n, *half_n;
	const EVP_MD *(*md)(void);
};

static const struct ecdsa_params es256_params = {
	32, 256, p256_n, p256_half_n, EVP_sha256,
};
static const struct ecdsa_params es384_params = {
	48, 384, p384_n, p384_half_n, EVP_sha384,
};

/* Room for a DER ECDSA-Sig-Value on P-384: a SEQUENCE of two INTEGERs of
 * up to 49 bytes each (a leading zero when the top bit is set) takes 104
 * bytes; OpenSSL asks for at least that much when signing. */
#define ECDSA_DER_MAX 128

/*
 * The parameters for key's algorithm, or NULL when the key is not an EC
 * key of that curve's size (a key re-labelled, or built by hand).
 */
static const struct ecdsa_params *
ecdsa_params_for(const struct jwtsafe_key *key)
{
	const struct ecdsa_params *p;

	if (key->alg == JWTSAFE_ALG_ES256)
		p = &es256_params;
	else if (key->alg == JWTSAFE_ALG_ES384)
		p = &es384_params;
	else
		return NULL;
	if (key->pkey == NULL || EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_EC ||
	    EVP_PKEY_get_bits(key->pkey) != p->bits)
		return NULL;
	return p;
}

static int
is_zero(const unsigned char *b, size_t len)
{
	size_t i;
	unsigned char acc = 0;

	for (i = 0; i < len; i++)
		acc |= b[i];
	return acc == 0;
}

/* DER-encode the fixed-length r and s into der (room ECDSA_DER_MAX). */
static int
ecdsa_to_der(const unsigned char *r, const unsigned char *s, size_t len,
    unsigned char *der, size_t *derlen)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	unsigned char *p;
	int n, ret = JWTSAFE_ERR_INTERNAL;

	if ((br = BN_bin2bn(r, (int)len, NULL)) == NULL ||
	    (bs = BN_bin2bn(s, (int)len, NULL)) == NULL ||
	    (es = ECDSA_SIG_new()) == NULL)
		goto out;
	if (ECDSA_SIG_set0(es, br, bs) != 1)
		goto out;
	br = bs = NULL;         /* owned by es now */
	if ((n = i2d_ECDSA_SIG(es, NULL)) <= 0 || n > ECDSA_DER_MAX)
		goto out;
	p = der;
	if (i2d_ECDSA_SIG(es, &p) != n)
		goto out;
	*derlen = (size_t)n;
	ret = 0;
 out:
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(es);
	return ret;
}

int
jwtsafe_ecdsa_verify(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, const unsigned char *sig, size_t siglen, int allow_high_s,
    int *was_high_s)
{
	const struct ecdsa_params *p;
	const unsigned char *r, *s;
	unsigned char der[ECDSA_DER_MAX];
	size_t derlen = 0;
	EVP_MD_CTX *ctx = NULL;
	int high_s, rc, ret = JWTSAFE_ERR_INTERNAL;

	if ((p = ecdsa_params_for(key)) == NULL)
		return JWTSAFE_ERR_KEY_ALG;
	if (siglen != 2 * p->len)
		return JWTSAFE_ERR_SIG_FORMAT;
	r = sig;
	s = sig + p->len;
	/* Fixed-length big-endian: memcmp orders them as integers. The
	 * signature is public, so these comparisons need not be constant
	 * time. */
	if (is_zero(r, p->len) || memcmp(r, p->n, p->len) >= 0 ||
	    is_zero(s, p->len) || memcmp(s, p->n, p->len) >= 0)
		return JWTSAFE_ERR_SIG_FORMAT;
	high_s = memcmp(s, p->half_n, p->len) > 0;
	if (high_s && !allow_high_s)
		return JWTSAFE_ERR_SIG_HIGH_S;

	if ((ret = ecdsa_to_der(r, s, p->len, der, &derlen)) != 0)
		goto out;
	ret = JWTSAFE_ERR_INTERNAL;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestVerifyInit(ctx, NULL, p->md(), NULL, key->pkey) != 1)
		goto out;
	rc = EVP_DigestVerify(ctx, der, derlen, msg, msglen);
	if (rc != 1) {
		/* 0 is a bad signature; a negative value is an error inside
		 * verification, which must fail closed the same way. */
		ret = JWTSAFE_ERR_BAD_SIGNATURE;
		goto out;
	}
	if (was_high_s != NULL)
		*was_high_s = high_s;
	ret = 0;
 out:
	EVP_MD_CTX_free(ctx);
	if (ret != 0)
		ERR_clear_error();
	return ret;
}

int
jwtsafe_ecdsa_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *sig, size_t sigmax, size_t *siglen)
{
	const struct ecdsa_params *p;
	unsigned char der[ECDSA_DER_MAX];
	const unsigned char *dp;
	size_t derlen = sizeof(der);
	EVP_MD_CTX *ctx = NULL;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r = NULL, *s = NULL;
	BIGNUM *n = NULL, *low_s = NULL;
	int ret = JWTSAFE_ERR_INTERNAL;

	if ((p = ecdsa_params_for(key)) == NULL)
		return JWTSAFE_ERR_KEY_ALG;
	if (sigmax < 2 * p->len)
		return JWTSAFE_ERR_INVALID_ARGUMENT;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestSignInit(ctx, NULL, p->md(), NULL, key->pkey) != 1 ||
	    EVP_DigestSign(ctx, der, &derlen, msg, msglen) != 1)
		goto out;
	dp = der;
	if ((es = d2i_ECDSA_SIG(NULL, &dp, (long)derlen)) == NULL ||
	    dp != der + derlen)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	if (r == NULL || s == NULL)
		goto out;

	/* Normalise to the low half: s > n/2 becomes n - s. */
	if (BN_bn2binpad(s, sig + p->len, (int)p->len) != (int)p->len)
		goto out;
	if (memcmp(sig + p->len, p->half_n, p->len) > 0) {
		if ((n = BN_bin2bn(p->n, (int)p->len, NULL)) == NULL ||
		    (low_s = BN_new()) == NULL ||
		    BN_sub(low_s, n, s) != 1 ||
		    BN_bn2binpad(low_s, sig + p->len, (int)p->len) !=
		    (int)p->len)
			goto out;
	}
	if (BN_bn2binpad(r, sig, (int)p->len) != (int)p->len)
		goto out;
	*siglen = 2 * p->len;
	ret = 0;
 out:
	if (ret != 0) {
		jwtsafe_memzero(sig, sigmax < 2 * p->len ? sigmax : 2 * p->len);
		ERR_clear_error();
	}
	BN_free(n);
	BN_free(low_s);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return ret;
}
