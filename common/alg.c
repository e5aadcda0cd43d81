/*
 * The algorithm names jwtsafe accepts, the ones it refuses on purpose, and
 * the dispatch of verify / sign to the one file per algorithm family.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "alg.h"
#include "alg_impl.h"
#include "err.h"
#include "key.h"

struct alg_entry {
	enum jwtsafe_alg alg;
	const char *name;       /* the JOSE "alg" value, compared exactly */
	int symmetric;
};

static const struct alg_entry alg_table[] = {
	{ JWTSAFE_ALG_EDDSA, "EdDSA", 0 },
	{ JWTSAFE_ALG_ES256, "ES256", 0 },
	{ JWTSAFE_ALG_ES384, "ES384", 0 },
	{ JWTSAFE_ALG_PS256, "PS256", 0 },
	{ JWTSAFE_ALG_HS256, "HS256", 1 },
	{ JWTSAFE_ALG_HS384, "HS384", 1 },
};
#define ALG_TABLE_N (sizeof(alg_table) / sizeof(alg_table[0]))

/*
 * Known JOSE names that jwtsafe refuses, each with its reason. A name
 * ending in '*' matches as a prefix (the JWE families have many members).
 */
struct refused_entry {
	const char *name;
	const char *reason;
};

#define REASON_JWE "JWE is not supported on purpose"

static const struct refused_entry refused_table[] = {
	{ "RS256", "RSA PKCS#1 v1.5 is refused on purpose; use PS256" },
	{ "RS384", "RSA PKCS#1 v1.5 is refused on purpose; use PS256" },
	{ "RS512", "RSA PKCS#1 v1.5 is refused on purpose; use PS256" },
	{ "PS384", "only PS256 is accepted for RSA-PSS, on purpose" },
	{ "PS512", "only PS256 is accepted for RSA-PSS, on purpose" },
	{ "ES512", "P-521 is refused on purpose; use ES256 or ES384" },
	{ "ES256K", "secp256k1 is refused on purpose; use ES256" },
	{ "HS512", "HS512 is refused on purpose; use HS256 or HS384" },
	{ "Ed25519", "the fully-specified name is refused on purpose; "
	    "Ed25519 is spelled \"EdDSA\"" },
	{ "Ed448", "Ed448 is refused on purpose; only Ed25519 (\"EdDSA\") "
	    "is accepted" },
	{ "ESP256", "the fully-specified name is refused on purpose; "
	    "use ES256" },
	{ "ESP384", "the fully-specified name is refused on purpose; "
	    "use ES384" },
	{ "ESP512", "P-521 is refused on purpose; use ES256 or ES384" },
	/* JWE key management ("alg") and content encryption ("enc") values */
	{ "RSA1_5", REASON_JWE },
	{ "RSA-OAEP*", REASON_JWE },
	{ "A128KW", REASON_JWE },
	{ "A192KW", REASON_JWE },
	{ "A256KW", REASON_JWE },
	{ "A128GCMKW", REASON_JWE },
	{ "A192GCMKW", REASON_JWE },
	{ "A256GCMKW", REASON_JWE },
	{ "dir", REASON_JWE },
	{ "ECDH-ES*", REASON_JWE },
	{ "PBES2-*", REASON_JWE },
	{ "A128GCM", REASON_JWE },
	{ "A192GCM", REASON_JWE },
	{ "A256GCM", REASON_JWE },
	{ "A128CBC-HS256", REASON_JWE },
	{ "A192CBC-HS384", REASON_JWE },
	{ "A256CBC-HS512", REASON_JWE },
};
#define REFUSED_TABLE_N (sizeof(refused_table) / sizeof(refused_table[0]))

/* Longest piece of an unknown, untrusted name quoted in an error detail. */
#define NAME_QUOTE_MAX 32

const char *
jwtsafe_alg_name(enum jwtsafe_alg alg)
{
	size_t i;

	for (i = 0; i < ALG_TABLE_N; i++) {
		if (alg_table[i].alg == alg)
			return alg_table[i].name;
	}
	return "invalid";
}

int
jwtsafe_alg_is_symmetric(enum jwtsafe_alg alg)
{
	size_t i;

	for (i = 0; i < ALG_TABLE_N; i++) {
		if (alg_table[i].alg == alg)
			return alg_table[i].symmetric;
	}
	return 0;
}

static int
refused_match(const char *pattern, const char *name)
{
	size_t n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, name, n - 1) == 0;
	return strcmp(pattern, name) == 0;
}

/*
 * Copy at most NAME_QUOTE_MAX bytes of an untrusted name into out, with
 * anything but printable ASCII (and the quote and backslash) shown as '?',
 * so that a detail that ends up in syslog cannot carry control characters.
 */
static void
quote_name(const char *name, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i < NAME_QUOTE_MAX && i + 4 < outlen && name[i] != '\0';
	    i++) {
		unsigned char c = (unsigned char)name[i];

		out[i] = (c < 0x20 || c > 0x7e || c == '"' || c == '\\') ?
		    '?' : (char)c;
	}
	if (name[i] != '\0' && i + 4 <= outlen) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

int
jwtsafe_alg_from_name(const char *name, enum jwtsafe_alg *out,
    struct jwtsafe_error *err)
{
	char quoted[NAME_QUOTE_MAX + 4];
	size_t i;

	if (out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no output for the algorithm");
	*out = JWTSAFE_ALG_INVALID;
	if (name == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALG_REFUSED,
		    "no algorithm name");

	for (i = 0; i < ALG_TABLE_N; i++) {
		if (strcmp(alg_table[i].name, name) == 0) {
			*out = alg_table[i].alg;
			return 0;
		}
	}

	/* "none" in any spelling: the classic downgrade to no signature. */
	if (strcasecmp(name, "none") == 0) {
		quote_name(name, quoted, sizeof(quoted));
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALG_REFUSED,
		    "algorithm \"%s\": unsigned tokens are refused on purpose",
		    quoted);
	}
	for (i = 0; i < REFUSED_TABLE_N; i++) {
		if (refused_match(refused_table[i].name, name)) {
			quote_name(name, quoted, sizeof(quoted));
			return jwtsafe_err_set(err, JWTSAFE_ERR_ALG_REFUSED,
			    "algorithm \"%s\": %s", quoted,
			    refused_table[i].reason);
		}
	}
	quote_name(name, quoted, sizeof(quoted));
	return jwtsafe_err_set(err, JWTSAFE_ERR_ALG_REFUSED,
	    "algorithm \"%s\" is unknown (names are case-sensitive); "
	    "accepted: EdDSA, ES256, ES384, PS256, HS256, HS384", quoted);
}

/* The purpose a key must have to verify with alg. */
static enum jwtsafe_key_purpose
verify_purpose(enum jwtsafe_alg alg)
{
	return jwtsafe_alg_is_symmetric(alg) ?
	    JWTSAFE_KEY_SECRET : JWTSAFE_KEY_PUBLIC;
}

int
jwtsafe_alg_verify(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, const unsigned char *sig, size_t siglen, int allow_high_s,
    int *was_high_s)
{
	static const unsigned char empty[1];

	if (was_high_s != NULL)
		*was_high_s = 0;
	if (key == NULL || (msg == NULL && msglen > 0) ||
	    (sig == NULL && siglen > 0))
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	/* The libraries are not all happy with NULL for an empty buffer. */
	if (msg == NULL)
		msg = empty;
	if (sig == NULL)
		sig = empty;
	if (key->alg < JWTSAFE_ALG_FIRST || key->alg > JWTSAFE_ALG_LAST)
		return JWTSAFE_ERR_KEY_ALG;
	/* A secret asymmetric key is never a verifying key: callers that
	 * would accept one have mixed up their key files. */
	if (key->purpose != verify_purpose(key->alg))
		return JWTSAFE_ERR_KEY_PURPOSE;
	if (siglen > JWTSAFE_SIG_MAX)
		return JWTSAFE_ERR_SIG_FORMAT;

	switch (key->alg) {
	case JWTSAFE_ALG_EDDSA:
		return jwtsafe_eddsa_verify(key, msg, msglen, sig, siglen);
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		return jwtsafe_ecdsa_verify(key, msg, msglen, sig, siglen,
		    allow_high_s, was_high_s);
	case JWTSAFE_ALG_PS256:
		return jwtsafe_rsapss_verify(key, msg, msglen, sig, siglen);
	case JWTSAFE_ALG_HS256:
	case JWTSAFE_ALG_HS384:
		return jwtsafe_hmac_verify(key, msg, msglen, sig, siglen);
	case JWTSAFE_ALG_INVALID:
	default:
		break;
	}
	return JWTSAFE_ERR_KEY_ALG;
}

int
jwtsafe_alg_sign(const struct jwtsafe_key *key, const unsigned char *msg,
    size_t msglen, unsigned char *sig, size_t sigmax, size_t *siglen)
{
	static const unsigned char empty[1];

	if (siglen != NULL)
		*siglen = 0;
	if (key == NULL || sig == NULL || siglen == NULL ||
	    (msg == NULL && msglen > 0))
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	if (msg == NULL)
		msg = empty;
	if (key->alg < JWTSAFE_ALG_FIRST || key->alg > JWTSAFE_ALG_LAST)
		return JWTSAFE_ERR_KEY_ALG;
	if (key->purpose != JWTSAFE_KEY_SECRET)
		return JWTSAFE_ERR_KEY_PURPOSE;

	switch (key->alg) {
	case JWTSAFE_ALG_EDDSA:
		return jwtsafe_eddsa_sign(key, msg, msglen, sig, sigmax,
		    siglen);
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		return jwtsafe_ecdsa_sign(key, msg, msglen, sig, sigmax,
		    siglen);
	case JWTSAFE_ALG_PS256:
		return jwtsafe_rsapss_sign(key, msg, msglen, sig, sigmax,
		    siglen);
	case JWTSAFE_ALG_HS256:
	case JWTSAFE_ALG_HS384:
		return jwtsafe_hmac_sign(key, msg, msglen, sig, sigmax,
		    siglen);
	case JWTSAFE_ALG_INVALID:
	default:
		break;
	}
	return JWTSAFE_ERR_KEY_ALG;
}
