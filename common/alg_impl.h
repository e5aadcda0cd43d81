/*
 * Internal to common/alg*.c and common/key.c: the per-family signature
 * functions behind jwtsafe_alg_verify and jwtsafe_alg_sign.
 *
 * The dispatcher (alg.c) has already checked the arguments (non-NULL
 * pointers, msg non-NULL even when msglen is 0) and the key's purpose
 * (public for asymmetric verification, secret for signing and for MACs).
 * Each family function checks that the key's parsed form is really of its
 * family and size (JWTSAFE_ERR_KEY_ALG if not), then the signature length,
 * and returns 0 or a negative JWTSAFE_ERR_* code as documented for
 * jwtsafe_alg_verify / jwtsafe_alg_sign in alg.h.
 */
#ifndef JWTSAFE_ALG_IMPL_H
#define JWTSAFE_ALG_IMPL_H

#include <stddef.h>

#include "alg.h"
#include "key.h"

/* Signature lengths of the fixed-size algorithms. */
#define JWTSAFE_EDDSA_SIG_LEN  64
#define JWTSAFE_ES256_SIG_LEN  64   /* r||s, 32 bytes each */
#define JWTSAFE_ES384_SIG_LEN  96   /* r||s, 48 bytes each */
#define JWTSAFE_HS256_TAG_LEN  32
#define JWTSAFE_HS384_TAG_LEN  48

/* EdDSA (Ed25519): key->material is the 32-byte public key. */
int jwtsafe_eddsa_verify(const struct jwtsafe_key *key,
    const unsigned char *msg, size_t msglen, const unsigned char *sig,
    size_t siglen) __attribute__((warn_unused_result));
/* key->sk is the libsodium secret key. */
int jwtsafe_eddsa_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *sig, size_t sigmax, size_t *siglen)
    __attribute__((warn_unused_result));

/* ES256 / ES384 (key->alg says which): key->pkey is the EC key. */
int jwtsafe_ecdsa_verify(const struct jwtsafe_key *key,
    const unsigned char *msg, size_t msglen, const unsigned char *sig,
    size_t siglen, int allow_high_s, int *was_high_s)
    __attribute__((warn_unused_result));
int jwtsafe_ecdsa_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *sig, size_t sigmax, size_t *siglen)
    __attribute__((warn_unused_result));

/* PS256: key->pkey is the RSA key. */
int jwtsafe_rsapss_verify(const struct jwtsafe_key *key,
    const unsigned char *msg, size_t msglen, const unsigned char *sig,
    size_t siglen) __attribute__((warn_unused_result));
int jwtsafe_rsapss_sign(const struct jwtsafe_key *key,
    const unsigned char *msg, size_t msglen, unsigned char *sig, size_t sigmax,
    size_t *siglen) __attribute__((warn_unused_result));

/* HS256 / HS384 (key->alg says which): key->material is the MAC key. */
int jwtsafe_hmac_verify(const struct jwtsafe_key *key,
    const unsigned char *msg, size_t msglen, const unsigned char *tag,
    size_t taglen) __attribute__((warn_unused_result));
int jwtsafe_hmac_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *tag, size_t tagmax, size_t *taglen)
    __attribute__((warn_unused_result));

#endif /* JWTSAFE_ALG_IMPL_H */
