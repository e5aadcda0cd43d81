/*
 * HS256 / HS384: HMAC-SHA-256 with libsodium, HMAC-SHA-384 with OpenSSL
 * (libsodium has no SHA-384). Tags are full length only (no truncation)
 * and compared in constant time.
 */
#include <stddef.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include "alg_impl.h"
#include "err.h"
#include "key.h"
#include "util.h"

#define HMAC_TAG_MAX JWTSAFE_HS384_TAG_LEN

/* The HMAC implementation, fetched once per process rather than per call. */
static CRYPTO_ONCE hmac_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MAC *hmac_mac;

static void
hmac_fetch(void)
{
	hmac_mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
}

/* Tag length for key's algorithm, or 0 when the key is not a MAC key of
 * the size jwtsafe_key_new accepts for that algorithm. */
static size_t
hmac_tag_len(const struct jwtsafe_key *key)
{
	size_t min, taglen;

	if (key->alg == JWTSAFE_ALG_HS256) {
		min = JWTSAFE_HS256_MIN_KEY;
		taglen = JWTSAFE_HS256_TAG_LEN;
	} else if (key->alg == JWTSAFE_ALG_HS384) {
		min = JWTSAFE_HS384_MIN_KEY;
		taglen = JWTSAFE_HS384_TAG_LEN;
	} else
		return 0;
	if (key->pkey != NULL || key->material == NULL ||
	    key->material_len < min || key->material_len > JWTSAFE_HMAC_MAX_KEY)
		return 0;
	return taglen;
}

static int
hmac_sha256(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char out[JWTSAFE_HS256_TAG_LEN])
{
	crypto_auth_hmacsha256_state st;
	int ret = JWTSAFE_ERR_INTERNAL;

	/* _init takes keys of any length (longer ones are hashed first). */
	if (crypto_auth_hmacsha256_init(&st, key->material,
	    key->material_len) != 0 ||
	    crypto_auth_hmacsha256_update(&st, msg, msglen) != 0 ||
	    crypto_auth_hmacsha256_final(&st, out) != 0)
		goto out;
	ret = 0;
 out:
	sodium_memzero(&st, sizeof(st));
	return ret;
}

static int
hmac_sha384(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char out[JWTSAFE_HS384_TAG_LEN])
{
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen = 0;
	int ret = JWTSAFE_ERR_INTERNAL;

	if (CRYPTO_THREAD_run_once(&hmac_once, hmac_fetch) != 1 ||
	    hmac_mac == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA2-384", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(hmac_mac)) == NULL ||
	    EVP_MAC_init(ctx, key->material, key->material_len, params) != 1 ||
	    EVP_MAC_update(ctx, msg, msglen) != 1 ||
	    EVP_MAC_final(ctx, out, &outlen, JWTSAFE_HS384_TAG_LEN) != 1 ||
	    outlen != JWTSAFE_HS384_TAG_LEN)
		goto out;
	ret = 0;
 out:
	/* Frees and wipes the context's copy of the key and its state. */
	EVP_MAC_CTX_free(ctx);
	if (ret != 0) {
		jwtsafe_memzero(out, JWTSAFE_HS384_TAG_LEN);
		ERR_clear_error();
	}
	return ret;
}

static int
hmac_compute(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char out[HMAC_TAG_MAX])
{
	if (key->alg == JWTSAFE_ALG_HS256)
		return hmac_sha256(key, msg, msglen, out);
	return hmac_sha384(key, msg, msglen, out);
}

int
jwtsafe_hmac_verify(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, const unsigned char *tag, size_t taglen)
{
	unsigned char want[HMAC_TAG_MAX];
	size_t len;
	int ret = JWTSAFE_ERR_INTERNAL;

	if ((len = hmac_tag_len(key)) == 0)
		return JWTSAFE_ERR_KEY_ALG;
	/* Full-length tags only: a truncated tag is a weaker MAC. */
	if (taglen != len)
		return JWTSAFE_ERR_SIG_FORMAT;
	if ((ret = hmac_compute(key, msg, msglen, want)) != 0)
		goto out;
	if (sodium_memcmp(want, tag, len) != 0) {
		ret = JWTSAFE_ERR_BAD_SIGNATURE;
		goto out;
	}
	ret = 0;
 out:
	sodium_memzero(want, sizeof(want));
	return ret;
}

int
jwtsafe_hmac_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *tag, size_t tagmax, size_t *taglen)
{
	unsigned char out[HMAC_TAG_MAX];
	size_t len;
	int ret = JWTSAFE_ERR_INTERNAL;

	if ((len = hmac_tag_len(key)) == 0)
		return JWTSAFE_ERR_KEY_ALG;
	if (tagmax < len)
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	if ((ret = hmac_compute(key, msg, msglen, out)) != 0)
		goto out;
	memcpy(tag, out, len);
	*taglen = len;
	ret = 0;
 out:
	sodium_memzero(out, sizeof(out));
	return ret;
}
