/*
 * PS256: RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt
 * (RFC 7518 section 3.5), with OpenSSL. The salt length is fixed, not
 * "auto": a signature with any other salt length is refused.
 */
#include <stddef.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "alg_impl.h"
#include "err.h"
#include "key.h"
#include "util.h"

#define PS256_SALT_LEN 32

/* Modulus size in bytes of key's RSA key, or 0 when it is not one that
 * jwtsafe_key_new would have accepted for PS256. */
static size_t
rsapss_key_size(const struct jwtsafe_key *key)
{
	int bits, size;

	if (key->alg != JWTSAFE_ALG_PS256 || key->pkey == NULL ||
	    EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_RSA)
		return 0;
	bits = EVP_PKEY_get_bits(key->pkey);
	size = EVP_PKEY_get_size(key->pkey);
	if (bits < JWTSAFE_RSA_MIN_BITS || bits > JWTSAFE_RSA_MAX_BITS ||
	    size <= 0 || size > JWTSAFE_SIG_MAX)
		return 0;
	return (size_t)size;
}

/* Set the PSS parameters on the operation's context. */
static int
rsapss_params(EVP_PKEY_CTX *pctx)
{
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, PS256_SALT_LEN) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0)
		return JWTSAFE_ERR_INTERNAL;
	return 0;
}

int
jwtsafe_rsapss_verify(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;     /* owned by ctx */
	size_t size;
	int ret = JWTSAFE_ERR_INTERNAL;

	if ((size = rsapss_key_size(key)) == 0)
		return JWTSAFE_ERR_KEY_ALG;
	/* Exactly the modulus length: no leading zeros added or dropped. */
	if (siglen != size)
		return JWTSAFE_ERR_SIG_FORMAT;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL,
	    key->pkey) != 1)
		goto out;
	if ((ret = rsapss_params(pctx)) != 0)
		goto out;
	/* 0 is a bad signature, negative an error (e.g. sig >= n): both
	 * fail closed as a bad signature. */
	if (EVP_DigestVerify(ctx, sig, siglen, msg, msglen) != 1) {
		ret = JWTSAFE_ERR_BAD_SIGNATURE;
		goto out;
	}
	ret = 0;
 out:
	EVP_MD_CTX_free(ctx);
	if (ret != 0)
		ERR_clear_error();
	return ret;
}

int
jwtsafe_rsapss_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *sig, size_t sigmax, size_t *siglen)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;     /* owned by ctx */
	size_t size, len;
	int ret = JWTSAFE_ERR_INTERNAL;

	if ((size = rsapss_key_size(key)) == 0)
		return JWTSAFE_ERR_KEY_ALG;
	if (sigmax < size)
		return JWTSAFE_ERR_INVALID_ARGUMENT;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL,
	    key->pkey) != 1)
		goto out;
	if ((ret = rsapss_params(pctx)) != 0)
		goto out;
	ret = JWTSAFE_ERR_INTERNAL;
	len = size;
	if (EVP_DigestSign(ctx, sig, &len, msg, msglen) != 1 || len != size)
		goto out;
	*siglen = len;
	ret = 0;
 out:
	if (ret != 0) {
		jwtsafe_memzero(sig, size);
		ERR_clear_error();
	}
	EVP_MD_CTX_free(ctx);
	return ret;
}
