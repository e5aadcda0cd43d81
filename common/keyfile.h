/*
 * Key files: a versioned text format, one key a line, so that one file can
 * hold several keys of one algorithm for rotation.
 *
 *   jwtsafe1 ALG PURPOSE KID NOT_BEFORE NOT_AFTER MATERIAL CHECKSUM
 *
 * Fields are separated by exactly one space:
 *   jwtsafe1    format tag and version; anything else is refused
 *   ALG         EdDSA ES256 ES384 PS256 HS256 HS384
 *   PURPOSE     public | secret
 *   KID         1..128 of [A-Za-z0-9._~+/=-]
 *   NOT_BEFORE  "-" or seconds since the epoch: key refused before then
 *   NOT_AFTER   "-" or seconds since the epoch: key refused from then on
 *   MATERIAL    base64url (no padding) of the key material (see key.h)
 *   CHECKSUM    base64url of BLAKE2b-128 over every byte of the line before
 *               the space that precedes CHECKSUM
 *
 * Lines end with "\n". Empty lines and lines starting with "#" are ignored.
 * No other whitespace is allowed anywhere (no "\r", no tabs, no trailing
 * spaces). A file holds at most JWTSAFE_KEYFILE_MAX_KEYS keys, all of the
 * same algorithm, with distinct kids.
 */
#ifndef JWTSAFE_KEYFILE_H
#define JWTSAFE_KEYFILE_H

#include <stddef.h>

#include "err.h"
#include "key.h"
#include "safefile.h"

#define JWTSAFE_KEYFILE_TAG       "jwtsafe1"
#define JWTSAFE_KEYLINE_MAX       8192
#define JWTSAFE_KEYFILE_MAX_SIZE  (1024 * 1024)
#define JWTSAFE_KEYFILE_MAX_KEYS  1024
#define JWTSAFE_KEY_CHECKSUM_BYTES 16

struct jwtsafe_keyset {
	enum jwtsafe_alg alg;      /* the algorithm of every key */
	struct jwtsafe_key **keys;
	size_t n;
};

/*
 * Parse one key line (len bytes, no newline). Refuses, with a detail:
 * unknown tag (JWTSAFE_ERR_KEY_FORMAT), bad field count or characters
 * (KEY_FORMAT), checksum mismatch (KEY_CHECKSUM), unknown algorithm
 * (KEY_ALG), material that jwtsafe_key_new refuses (KEY_INVALID, KEY_PURPOSE).
 */
int jwtsafe_keyline_parse(const char *line, size_t len,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * jwtsafe_keyline_parse for the login path: the line must hold a key of
 * algorithm alg (JWTSAFE_ERR_KEY_ALG) and of the purpose a verifier of alg
 * takes, public or for HS256/HS384 secret (JWTSAFE_ERR_KEY_PURPOSE), both
 * refused before the material is decoded; the material gets the checks of
 * JWTSAFE_KEY_CHECK_LOGIN (key.h).
 */
int jwtsafe_keyline_parse_login(const char *line, size_t len,
    enum jwtsafe_alg alg, struct jwtsafe_key **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * Format key as a line (no newline) in a new buffer, to be released with
 * jwtsafe_freezero_str (it may hold a secret).
 */
int jwtsafe_keyline_format(const struct jwtsafe_key *key, char **out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/*
 * Parse a whole key file held in buf. name is used in messages, which read
 * "NAME:LINE: ...". All or nothing: on any bad line, mixed algorithms,
 * a duplicate kid, too many keys or no key at all (JWTSAFE_ERR_KEY_NONE),
 * nothing is returned. Each key's line field is set.
 */
int jwtsafe_keyfile_parse(const char *buf, size_t len, const char *name,
    struct jwtsafe_keyset *out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/* jwtsafe_safefile_read (policy max_size 0 means JWTSAFE_KEYFILE_MAX_SIZE)
 * followed by jwtsafe_keyfile_parse; the buffer is wiped. */
int jwtsafe_keyfile_read(const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_keyset *out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/* A key line of a file, located by jwtsafe_keyfile_index, not parsed. */
struct jwtsafe_keyref {
	const char *line;          /* into the file's buffer, no newline */
	size_t len;
	unsigned lineno;
	const char *kid;           /* its KID field, not NUL-terminated */
	size_t kidlen;
};

/*
 * Locate the key lines of a key file in buf for a login, without parsing
 * them: a file of 1,000 keys costs a scan, not 1,000 key checks. Checked
 * here, with messages "NAME:LINE: ...": the line length, leading
 * whitespace, comments (as jwtsafe_keyfile_parse does), the tag of every
 * key line (JWTSAFE_ERR_KEY_FORMAT), that it has an ALG, PURPOSE and KID
 * field (KEY_FORMAT), that ALG is alg (JWTSAFE_ERR_KEY_ALG; when the first
 * key is of another algorithm: "NAME: holds X keys but the configured
 * algorithm is Y"), at most JWTSAFE_KEYFILE_MAX_KEYS keys, at least one
 * (JWTSAFE_ERR_KEY_NONE). Everything else of a line (characters, checksum,
 * kid syntax, times, material) is checked by jwtsafe_keyline_parse_login
 * when a token selects it. *refs (release with free) points into buf,
 * which must outlive it.
 */
int jwtsafe_keyfile_index(const char *buf, size_t len, const char *name,
    enum jwtsafe_alg alg, struct jwtsafe_keyref **refs, size_t *nrefs,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/* Free every key and reset the set. NULL-safe. */
void jwtsafe_keyset_clear(struct jwtsafe_keyset *set);

/*
 * Import an issuer's key from text: a PEM "PUBLIC KEY" (SubjectPublicKeyInfo)
 * or a JWK object (kty OKP/Ed25519, EC P-256/P-384, RSA public; oct for
 * HS256/HS384). A JWK with private members (d, p, q, dp, dq, qi, oth) for an
 * asymmetric key is refused; a JWK "alg" other than alg, or "use" other than
 * "sig", is refused. kid: the given one, else the JWK's "kid" if valid, else
 * the first 16 characters of base64url(SHA-256(material)).
 * The key is validated by jwtsafe_key_new.
 */
int jwtsafe_key_import(enum jwtsafe_alg alg, const char *kid,
    const char *text, size_t len, struct jwtsafe_key **out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

#endif /* JWTSAFE_KEYFILE_H */
