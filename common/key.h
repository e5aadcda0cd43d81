/*
 * Typed keys: key material together with its algorithm, purpose, kid and
 * optional validity window. A key is only ever made here, from a CSPRNG
 * (jwtsafe_key_generate) or from validated material (jwtsafe_key_new):
 * there is no way to make one from a password or an arbitrary string.
 *
 * Material, as held in memory and (base64url) in key files:
 *   EdDSA  public: 32-byte Ed25519 public key (canonical, not small order)
 *          secret: 32-byte seed on disk; jwtsafe_key_new expands it and
 *                  keeps the public key in pub[]
 *   ES256/ES384 public: SEC1 uncompressed point 0x04||X||Y (65 / 97 bytes),
 *                  on the curve, not the identity
 *          secret: PKCS#8 DER of the EC private key on the right curve
 *   PS256  public: SubjectPublicKeyInfo DER of an rsaEncryption key,
 *                  2048..8192 bits, public exponent odd and in
 *                  [65537, 2^256), modulus without a prime factor
 *                  below 2^16
 *          secret: PKCS#8 DER of the RSA private key, same bounds
 *   HS256/HS384 secret only: raw bytes, at least 32 / 48, at most 256
 */
#ifndef JWTSAFE_KEY_H
#define JWTSAFE_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "alg.h"
#include "err.h"

enum jwtsafe_key_purpose {
	JWTSAFE_KEY_PUBLIC = 1,
	JWTSAFE_KEY_SECRET = 2,
};

/* kid: 1..JWTSAFE_KID_MAX characters of [A-Za-z0-9._~+/=-] */
#define JWTSAFE_KID_MAX 128
#define JWTSAFE_KEY_MATERIAL_MAX 4800  /* PKCS#8 DER of an 8192-bit RSA key */
#define JWTSAFE_TIME_NONE INT64_C(-1)  /* no not-before / not-after */

struct jwtsafe_key {
	enum jwtsafe_alg alg;
	enum jwtsafe_key_purpose purpose;
	char kid[JWTSAFE_KID_MAX + 1];
	int64_t not_before;          /* JWTSAFE_TIME_NONE or seconds */
	int64_t not_after;           /* JWTSAFE_TIME_NONE or seconds */
	unsigned char *material;     /* as above; wiped on free */
	size_t material_len;
	unsigned char sk[64];        /* EdDSA secret: libsodium secret key */
	unsigned char pub[97];       /* EdDSA secret: its 32-byte public key */
	EVP_PKEY *pkey;              /* ES256/ES384/PS256: parsed key */
	unsigned line;               /* line in its key file, 0 if none */
};

/* 1 if kid is a valid key id (length and characters), else 0. */
int jwtsafe_kid_valid(const char *kid);

/*
 * Make a key from material (encoding above), validating it fully: sizes,
 * curve membership, small order, RSA size, HMAC minimum length, purpose
 * allowed for the algorithm (no public HMAC key). kid must be valid.
 * Windows are set to JWTSAFE_TIME_NONE; the caller may set them after.
 * Returns 0 or JWTSAFE_ERR_KEY_INVALID / KEY_PURPOSE / INVALID_ARGUMENT.
 */
int jwtsafe_key_new(enum jwtsafe_alg alg, enum jwtsafe_key_purpose purpose,
    const char *kid, const unsigned char *material, size_t len,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * How much of the material jwtsafe_key_new_ex checks.
 *
 * JWTSAFE_KEY_CHECK_FULL is every check above, some of them expensive:
 * the prime-order subgroup of an Ed25519 point, OpenSSL's public key
 * check of an EC point (n * Q = O), trial division of an RSA modulus by
 * every prime below 2^16 and OpenSSL's SP 800-56B RSA check (modular
 * exponentiations, 7 ms for 2048 bits, 38 ms for 4096). Keys come in
 * through it: jwtsafe_key_generate, jwtsafe_key_import, and key files
 * read by jwtsafe_keyline_parse / jwtsafe_keyfile_read (the jwtsafe
 * command, jwtsafe doctor).
 *
 * JWTSAFE_KEY_CHECK_LOGIN is for a public key (or HMAC secret) read back
 * from a key file at login, material that was fully checked when it was
 * imported and that comes from a root-owned, checksummed line. It keeps
 * every check that makes the verification itself well defined and costs
 * little: sizes, canonical encodings (SEC1 uncompressed points on the
 * curve, canonical DER), the Ed25519 subgroup check (it also refuses
 * small-order and mixed-order points), the RSA size, n odd, e odd and in
 * [65537, 2^256). It skips what only tells a deliberately crafted key from
 * an honest one (the RSA modulus's factors; n * Q = O, which holds for
 * every point of P-256 and P-384, whose cofactor is 1). A secret
 * asymmetric key is always checked in full.
 */
enum jwtsafe_key_check {
	JWTSAFE_KEY_CHECK_FULL = 0,
	JWTSAFE_KEY_CHECK_LOGIN = 1,
};

/* jwtsafe_key_new with the checks check asks for. */
int jwtsafe_key_new_ex(enum jwtsafe_alg alg, enum jwtsafe_key_purpose purpose,
    const char *kid, const unsigned char *material, size_t len,
    enum jwtsafe_key_check check, struct jwtsafe_key **out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/*
 * Generate a new secret key from the system CSPRNG. kid NULL means a random
 * one (16 base64url characters). rsa_bits is used for PS256 only (0 means
 * 3072; otherwise 2048, 3072 or 4096).
 */
int jwtsafe_key_generate(enum jwtsafe_alg alg, const char *kid, int rsa_bits,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * The public key of an asymmetric secret key, with the same kid and window.
 * JWTSAFE_ERR_KEY_PURPOSE for HMAC keys (they have no public half).
 */
int jwtsafe_key_public(const struct jwtsafe_key *secret,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/* Wipe and free. NULL-safe. */
void jwtsafe_key_free(struct jwtsafe_key *key);

#endif /* JWTSAFE_KEY_H */
