/*
 * Making tokens: used by the jwtsafe command and by the tests. A verifying
 * server never needs this.
 */
#ifndef JWTSAFE_SIGN_H
#define JWTSAFE_SIGN_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "err.h"
#include "key.h"

/*
 * Sign payload (a JSON object) with a secret key as a compact JWS whose
 * header is {"alg":ALG,"typ":TYP,"kid":KID}. *out is a new NUL-terminated
 * string, released with jwtsafe_freezero_str.
 */
int jwtsafe_sign_token(const struct jwtsafe_key *key, const char *typ,
    const cJSON *payload, char **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * Sign arbitrary header and payload bytes: base64url(header) "."
 * base64url(payload) "." base64url(signature). For tests that need tokens
 * no well-behaved issuer would make; nothing here is checked.
 */
int jwtsafe_sign_raw(const struct jwtsafe_key *key, const void *header,
    size_t hlen, const void *payload, size_t plen, char **out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

#endif /* JWTSAFE_SIGN_H */
