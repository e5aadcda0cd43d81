/*
 * A verifier is made for one algorithm and holds keys of that algorithm
 * only. The token's header never chooses the algorithm or where keys come
 * from: "alg" must equal the verifier's, "kid" only picks among keys
 * already loaded, and headers that point at keys elsewhere are refused.
 *
 * jwtsafe_verify checks, in this order, stopping at the first failure:
 *   1. length <= JWTSAFE_TOKEN_MAX, before anything is decoded;
 *   2. exactly three segments (header.payload.signature), each
 *      strict base64url (the signature segment may not be empty);
 *   3. the header: a strict JSON object whose only members are alg, typ
 *      and kid (jku, x5u, jwk, x5c, x5t, crit, b64, zip, enc, cty, ... are
 *      refused, naming the member); alg equal to the verifier's; typ equal
 *      to the policy's (case-insensitive, "application/" prefix allowed);
 *   4. the key: by kid among the loaded keys, or the only key when there is
 *      no kid; its validity window against policy->now;
 *   5. the signature over "header.payload", by the algorithm's rules;
 *   6. the payload, parsed only after the signature verified: a strict JSON
 *      object, then the claims (see struct jwtsafe_policy).
 */
#ifndef JWTSAFE_VERIFIER_H
#define JWTSAFE_VERIFIER_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "alg.h"
#include "err.h"
#include "key.h"
#include "safefile.h"

#define JWTSAFE_TOKEN_MAX     8192   /* bytes, checked before decoding */
#define JWTSAFE_SUB_MAX       256    /* bytes */
#define JWTSAFE_JTI_MAX       256    /* bytes */
#define JWTSAFE_TYP_MAX       64
#define JWTSAFE_LEEWAY_MAX    300
#define JWTSAFE_TTL_MAX       86400

/*
 * What a token must satisfy besides its signature:
 *   exp   required, integer NumericDate; refused when now >= exp + leeway
 *   iat   required; refused when iat > now + leeway
 *   nbf   optional; refused when now + leeway < nbf
 *   exp - iat must be in [0, max_ttl]
 *   iss   required string, byte-for-byte equal to issuer
 *   aud   required, a string or a non-empty array of strings, one of them
 *         byte-for-byte equal to audience
 *   sub   required, 1..JWTSAFE_SUB_MAX bytes, no control characters
 *   jti   required when require_jti: 1..JWTSAFE_JTI_MAX bytes, no control
 *         characters; when present it must be such a string anyway
 */
struct jwtsafe_policy {
	const char *typ;        /* expected header typ, e.g. "JWT"; required */
	const char *issuer;     /* required */
	const char *audience;   /* required */
	int64_t now;            /* seconds since the epoch */
	int64_t leeway;         /* 0..JWTSAFE_LEEWAY_MAX seconds */
	int64_t max_ttl;        /* 1..JWTSAFE_TTL_MAX seconds */
	int require_jti;
	int allow_high_s;       /* accept ECDSA s > n/2 (reported in result) */
};

/* A verified token. Strings point into header/payload. */
struct jwtsafe_token {
	cJSON *header;
	cJSON *payload;
	const char *kid;        /* the kid of the key that verified it, or NULL */
	const char *sub;
	const char *iss;
	const char *jti;        /* NULL when absent */
	int64_t exp;
	int64_t iat;
	int high_s;             /* 1: accepted only because of allow_high_s */
};

struct jwtsafe_verifier;

/* A new verifier for alg with no keys. */
int jwtsafe_verifier_new(enum jwtsafe_alg alg, struct jwtsafe_verifier **out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/*
 * Add key, taking ownership of it on success only. Refused: a key of
 * another algorithm (JWTSAFE_ERR_KEY_ALG), an asymmetric secret key or a
 * public HMAC key (JWTSAFE_ERR_KEY_PURPOSE), a kid already loaded
 * (JWTSAFE_ERR_KEY_DUPLICATE_KID), more than JWTSAFE_KEYFILE_MAX_KEYS keys.
 */
int jwtsafe_verifier_add_key(struct jwtsafe_verifier *v,
    struct jwtsafe_key *key, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * Read a key file with jwtsafe_keyfile_read and add every key; all or
 * nothing. For HS256/HS384 the file is read as a secret (policy->secret
 * forced on). Messages name the file and line.
 */
int jwtsafe_verifier_load_file(struct jwtsafe_verifier *v, const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * For a verifier that checks one token and is freed (pam_jwtsafe): read the
 * key file and index its key lines with jwtsafe_keyfile_index (see there for
 * what is checked now), without parsing any key. jwtsafe_verify then parses
 * only the line the token's kid selects (the only line when there is no
 * kid), with jwtsafe_keyline_parse_login, and frees it again; a problem in
 * that line is reported there, with its code (JWTSAFE_ERR_KEY_*) and "PATH:
 * LINE:". Unlike jwtsafe_verifier_load_file this is not all or nothing: a
 * damaged line that no token selects goes unnoticed at login (jwtsafe
 * doctor reads every line in full). A second kid equal to the selected one
 * is refused (JWTSAFE_ERR_KEY_DUPLICATE_KID). v must have no key yet; keys
 * cannot be added afterwards. For HS256/HS384 the file is read as a secret.
 */
int jwtsafe_verifier_index_file(struct jwtsafe_verifier *v, const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

enum jwtsafe_alg jwtsafe_verifier_alg(const struct jwtsafe_verifier *v);
size_t jwtsafe_verifier_key_count(const struct jwtsafe_verifier *v);

/*
 * Verify len bytes of token (no NUL needed) against policy. On success
 * returns 0 and *out (free with jwtsafe_token_free); otherwise a negative
 * JWTSAFE_ERR_* with err filled and *out NULL. The token's bytes are copied
 * only into buffers that are wiped before release.
 */
int jwtsafe_verify(const struct jwtsafe_verifier *v, const char *token,
    size_t len, const struct jwtsafe_policy *policy,
    struct jwtsafe_token **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

void jwtsafe_token_free(struct jwtsafe_token *t);
void jwtsafe_verifier_free(struct jwtsafe_verifier *v);

#endif /* JWTSAFE_VERIFIER_H */
