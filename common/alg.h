/*
 * The six algorithms jwtsafe accepts, and the one signature interface each
 * family (alg_eddsa.c, alg_ecdsa.c, alg_rsapss.c, alg_hmac.c) implements.
 *
 * Nothing else is supported, on purpose: no "none", no RS256/RS384/RS512
 * (RSA PKCS#1 v1.5), no HS512, no ES512, no JWE algorithms.
 */
#ifndef JWTSAFE_ALG_H
#define JWTSAFE_ALG_H

#include <stddef.h>

#include "err.h"

enum jwtsafe_alg {
	JWTSAFE_ALG_INVALID = 0,
	JWTSAFE_ALG_EDDSA,      /* Ed25519 only, libsodium */
	JWTSAFE_ALG_ES256,      /* P-256 + SHA-256, raw r||s, low-S */
	JWTSAFE_ALG_ES384,      /* P-384 + SHA-384, raw r||s, low-S */
	JWTSAFE_ALG_PS256,      /* RSA-PSS SHA-256 MGF1-SHA-256 salt 32, >= 2048 bits */
	JWTSAFE_ALG_HS256,      /* HMAC-SHA-256, key >= 32 bytes */
	JWTSAFE_ALG_HS384,      /* HMAC-SHA-384, key >= 48 bytes */
};
#define JWTSAFE_ALG_FIRST JWTSAFE_ALG_EDDSA
#define JWTSAFE_ALG_LAST  JWTSAFE_ALG_HS384

/* Largest signature any accepted algorithm produces (RSA 8192 bits). */
#define JWTSAFE_SIG_MAX 1024

#define JWTSAFE_RSA_MIN_BITS 2048
#define JWTSAFE_RSA_MAX_BITS 8192
#define JWTSAFE_HS256_MIN_KEY 32
#define JWTSAFE_HS384_MIN_KEY 48
#define JWTSAFE_HMAC_MAX_KEY 256

struct jwtsafe_key;

/* The JOSE name ("EdDSA", "ES256", ...); "invalid" for anything else. */
const char *jwtsafe_alg_name(enum jwtsafe_alg alg);

/*
 * Map a JOSE name, compared exactly (case-sensitive), to an algorithm.
 * A known JOSE algorithm that jwtsafe refuses ("none", "RS256", "HS512",
 * "ES512", "RSA-OAEP", "dir", "PBES2-...", ...) gives JWTSAFE_ERR_ALG_REFUSED
 * with a detail that names it and says it is refused on purpose and why;
 * any other name gives JWTSAFE_ERR_ALG_REFUSED naming it as unknown.
 */
int jwtsafe_alg_from_name(const char *name, enum jwtsafe_alg *out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/* 1 for HS256/HS384, else 0. */
int jwtsafe_alg_is_symmetric(enum jwtsafe_alg alg);

/*
 * Verify sig (siglen bytes, as decoded from the token) over msg with key.
 * The caller has already checked that key->alg is the verifier's algorithm;
 * this function checks it again and returns JWTSAFE_ERR_KEY_ALG if not.
 * key must be a public key, or a secret key for HS256/HS384.
 *
 * Returns 0 when valid, or:
 *   JWTSAFE_ERR_SIG_FORMAT   wrong length; ECDSA r or s zero or >= n
 *   JWTSAFE_ERR_SIG_HIGH_S   ECDSA s > n/2 and allow_high_s is 0
 *   JWTSAFE_ERR_BAD_SIGNATURE the signature does not verify
 *   JWTSAFE_ERR_INTERNAL     a library call failed
 * When allow_high_s is set and a valid ECDSA signature had s > n/2, returns
 * 0 and sets *was_high_s to 1 (was_high_s may be NULL); otherwise 0 there.
 * MACs are compared in constant time.
 */
int jwtsafe_alg_verify(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, const unsigned char *sig, size_t siglen, int allow_high_s,
    int *was_high_s) __attribute__((warn_unused_result));

/*
 * Sign msg with a secret key into sig (room sigmax >= JWTSAFE_SIG_MAX),
 * setting *siglen. ECDSA signatures come out as raw r||s of fixed length
 * with s normalised to the low half (s <= n/2). Returns 0 or a negative
 * JWTSAFE_ERR_* (JWTSAFE_ERR_KEY_PURPOSE for a public key).
 */
int jwtsafe_alg_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *sig, size_t sigmax, size_t *siglen)
    __attribute__((warn_unused_result));

#endif /* JWTSAFE_ALG_H */
