/*
 * EdDSA: Ed25519 only, with libsodium.
 */
#include <stddef.h>

#include <sodium.h>

#include "alg_impl.h"
#include "err.h"
#include "key.h"

/* The group order L = 2^252 + 27742317777372353535851937790883648493,
 * little-endian, as the S half of a signature is encoded. */
static const unsigned char ed25519_order[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* 1 if the little-endian scalar s (32 bytes) is below L. Not secret. */
static int
scalar_is_canonical(const unsigned char *s)
{
	size_t i = 32;

	while (i-- > 0) {
		if (s[i] != ed25519_order[i])
			return s[i] < ed25519_order[i];
	}
	return 0;       /* s == L */
}

/* The key must be an Ed25519 key: no OpenSSL key, a 32-byte material. */
static int
eddsa_key_ok(const struct jwtsafe_key *key)
{
	return key->alg == JWTSAFE_ALG_EDDSA && key->pkey == NULL &&
	    key->material != NULL &&
	    key->material_len == crypto_sign_ed25519_PUBLICKEYBYTES;
}

int
jwtsafe_eddsa_verify(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, const unsigned char *sig, size_t siglen)
{
	if (!eddsa_key_ok(key))
		return JWTSAFE_ERR_KEY_ALG;
	if (siglen != crypto_sign_ed25519_BYTES)
		return JWTSAFE_ERR_SIG_FORMAT;
	/*
	 * 0 <= S < L, or S + L would verify as well (malleability).
	 * libsodium checks this too; checking here makes it a format error
	 * whatever the library version.
	 */
	if (!scalar_is_canonical(sig + 32))
		return JWTSAFE_ERR_SIG_FORMAT;
	if (crypto_sign_ed25519_verify_detached(sig, msg, msglen,
	    key->material) != 0)
		return JWTSAFE_ERR_BAD_SIGNATURE;
	return 0;
}

int
jwtsafe_eddsa_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *sig, size_t sigmax, size_t *siglen)
{
	unsigned long long n = 0;

	if (!eddsa_key_ok(key))
		return JWTSAFE_ERR_KEY_ALG;
	if (sigmax < crypto_sign_ed25519_BYTES)
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	if (crypto_sign_ed25519_detached(sig, &n, msg, msglen, key->sk) != 0 ||
	    n != crypto_sign_ed25519_BYTES) {
		sodium_memzero(sig, crypto_sign_ed25519_BYTES);
		return JWTSAFE_ERR_INTERNAL;
	}
	*siglen = (size_t)n;
	return 0;
}
