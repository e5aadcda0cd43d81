/*
 * Shared helpers for the unit tests: a fixed clock, a standard valid
 * policy and payload, and key and token makers on top of the core.
 * Every negative test starts from tu_valid_* and changes one thing.
 */
#ifndef JWTSAFE_TESTUTIL_H
#define JWTSAFE_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "key.h"
#include "verifier.h"

#define TU_NOW      INT64_C(1700000000)
#define TU_ISSUER   "https://issuer.example"
#define TU_AUDIENCE "ssh:host1.example"
#define TU_SUB      "alice"

/* The standard policy: fixed clock TU_NOW, typ JWT, leeway 30, max_ttl 300,
 * jti required, high-S refused. */
void tu_policy(struct jwtsafe_policy *p);

/* The standard valid payload as JSON text (static buffer):
 * iss, aud, sub, iat = TU_NOW - 10, exp = TU_NOW + 50, jti. */
const char *tu_payload(void);

/* The standard header for a key: {"alg":ALG,"typ":"JWT","kid":KID}
 * (static buffer). */
const char *tu_header(const struct jwtsafe_key *key);

/* Generate a secret key (aborts the test program on failure) and its
 * public half (NULL for HMAC, where the secret is also the verifying key). */
struct jwtsafe_key *tu_keygen(enum jwtsafe_alg alg, const char *kid);
struct jwtsafe_key *tu_pub(const struct jwtsafe_key *secret);

/* A copy of key usable in a verifier: the public half, or for HMAC a copy
 * of the secret. */
struct jwtsafe_key *tu_verifying_key(const struct jwtsafe_key *secret);

/* A verifier holding one verifying key made from secret. Aborts on error. */
struct jwtsafe_verifier *tu_verifier(const struct jwtsafe_key *secret);

/* Sign header and payload text with secret (jwtsafe_sign_raw). malloc'ed. */
char *tu_token(const struct jwtsafe_key *secret, const char *header,
    const char *payload);

/* Verify token with the standard policy p (NULL: tu_policy); returns the
 * JWTSAFE_ERR_* code (0 when accepted). */
int tu_verify(const struct jwtsafe_verifier *v, const char *token,
    const struct jwtsafe_policy *p);

/* Read a whole file into a malloc'ed NUL-terminated buffer, or NULL. */
char *tu_read_file(const char *path, size_t *len);

/* A fresh private temporary directory (mode 0700) for this test; removed
 * with tu_rmtree. Returns a static buffer. */
const char *tu_tmpdir(void);
void tu_rmtree(const char *path);

#endif /* JWTSAFE_TESTUTIL_H */
