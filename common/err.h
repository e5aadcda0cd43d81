/*
 * jwtsafe error codes.
 *
 * Every fallible function in common/ returns 0 on success or one of the
 * negative JWTSAFE_ERR_* codes below, and where it takes a
 * struct jwtsafe_error *, fills it with the code and a short detail
 * (a header name, a claim name, "file:line: ..."), never a token or key bytes.
 * PAM return codes appear only in pam_jwtsafe/.
 */
#ifndef JWTSAFE_ERR_H
#define JWTSAFE_ERR_H

#include <stddef.h>

#define JWTSAFE_OK                        0
/* system and usage */
#define JWTSAFE_ERR_INTERNAL             -1   /* a library call failed unexpectedly */
#define JWTSAFE_ERR_ALLOC                -2
#define JWTSAFE_ERR_INVALID_ARGUMENT     -3   /* programming or configuration error */
#define JWTSAFE_ERR_SYSTEM               -4   /* open/read/write failed; errno in detail */
#define JWTSAFE_ERR_UNSAFE_FILE          -5   /* owner, mode, type or size of a file */
/* token structure */
#define JWTSAFE_ERR_TOKEN_TOO_LONG      -10
#define JWTSAFE_ERR_TOKEN_SEGMENTS      -11   /* not exactly three segments */
#define JWTSAFE_ERR_TOKEN_BASE64        -12
#define JWTSAFE_ERR_TOKEN_JSON          -13   /* not a strict UTF-8 JSON object */
#define JWTSAFE_ERR_TOKEN_DUPLICATE     -14   /* duplicate member name */
/* header */
#define JWTSAFE_ERR_ALG_REFUSED         -20   /* an algorithm jwtsafe refuses on purpose */
#define JWTSAFE_ERR_ALG_MISMATCH        -21   /* header alg is not the configured one */
#define JWTSAFE_ERR_HEADER_REFUSED      -22   /* jku, x5u, jwk, x5c, x5t, crit, b64, ... */
#define JWTSAFE_ERR_TYP                 -23
#define JWTSAFE_ERR_KID_UNKNOWN         -24
#define JWTSAFE_ERR_KID_REQUIRED        -25   /* no kid and more than one key */
/* signature */
#define JWTSAFE_ERR_SIG_FORMAT          -30   /* wrong length, r or s out of range */
#define JWTSAFE_ERR_SIG_HIGH_S          -31
#define JWTSAFE_ERR_BAD_SIGNATURE       -32
#define JWTSAFE_ERR_KEY_NOT_YET_VALID   -33   /* selected key's not-before is ahead */
#define JWTSAFE_ERR_KEY_RETIRED         -34   /* selected key's not-after has passed */
/* claims */
#define JWTSAFE_ERR_CLAIM_MISSING       -40
#define JWTSAFE_ERR_CLAIM_TYPE          -41   /* wrong JSON type or out of range */
#define JWTSAFE_ERR_EXPIRED             -42
#define JWTSAFE_ERR_NOT_YET_VALID       -43   /* nbf in the future */
#define JWTSAFE_ERR_IAT_FUTURE          -44
#define JWTSAFE_ERR_LIFETIME            -45   /* exp - iat over the maximum, or exp < iat */
#define JWTSAFE_ERR_ISSUER              -46
#define JWTSAFE_ERR_AUDIENCE            -47
#define JWTSAFE_ERR_SUBJECT             -48   /* empty, too long, control characters */
#define JWTSAFE_ERR_JTI                 -49
/* key files */
#define JWTSAFE_ERR_KEY_FORMAT          -60   /* malformed key line, unknown version */
#define JWTSAFE_ERR_KEY_CHECKSUM        -61
#define JWTSAFE_ERR_KEY_ALG             -62   /* wrong or mixed algorithm */
#define JWTSAFE_ERR_KEY_PURPOSE         -63   /* secret key where a public one belongs */
#define JWTSAFE_ERR_KEY_DUPLICATE_KID   -64
#define JWTSAFE_ERR_KEY_INVALID         -65   /* wrong size, not on curve, too short */
#define JWTSAFE_ERR_KEY_NONE            -66   /* no key loaded */
/* policy after verification (PAM layer) */
#define JWTSAFE_ERR_USER_REFUSED        -70   /* PAM user name unsafe or not mapped */
#define JWTSAFE_ERR_ROOT_REFUSED        -71
#define JWTSAFE_ERR_REPLAY              -72   /* jti already used */
#define JWTSAFE_ERR_REPLAY_STORE        -73   /* store cannot be used: fail closed */
#define JWTSAFE_ERR_CONFIG              -74   /* bad module option */

#define JWTSAFE_ERR_DETAIL_MAX 192

struct jwtsafe_error {
	int code;
	char detail[JWTSAFE_ERR_DETAIL_MAX];
};

/* Short stable name of a code ("expired", "bad-signature"); never NULL. */
const char *jwtsafe_err_name(int code);

/* One-line English description of a code; never NULL. */
const char *jwtsafe_err_message(int code);

/*
 * Record code and a printf-style detail in err (which may be NULL).
 * Returns code, so that "return jwtsafe_err_set(err, CODE, ...)" reads well.
 */
int jwtsafe_err_set(struct jwtsafe_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "name: message (detail)" into buf; returns buf. */
const char *jwtsafe_err_format(const struct jwtsafe_error *err, char *buf,
    size_t buflen);

#endif /* JWTSAFE_ERR_H */
