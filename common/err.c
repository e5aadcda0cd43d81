/*
 * jwtsafe error codes: names, messages and the detail record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "util.h"

struct err_entry {
	int code;
	const char *name;     /* stable, kebab-case: used in logs and tests */
	const char *message;
};

static const struct err_entry err_table[] = {
	{ JWTSAFE_OK, "ok", "success" },
	{ JWTSAFE_ERR_INTERNAL, "internal", "internal error in a library call" },
	{ JWTSAFE_ERR_ALLOC, "alloc", "out of memory" },
	{ JWTSAFE_ERR_INVALID_ARGUMENT, "invalid-argument",
	    "invalid argument or configuration" },
	{ JWTSAFE_ERR_SYSTEM, "system", "system call failed" },
	{ JWTSAFE_ERR_UNSAFE_FILE, "unsafe-file",
	    "file has an unsafe owner, mode, type or size" },
	{ JWTSAFE_ERR_TOKEN_TOO_LONG, "token-too-long", "token is too long" },
	{ JWTSAFE_ERR_TOKEN_SEGMENTS, "token-segments",
	    "token does not have exactly three segments" },
	{ JWTSAFE_ERR_TOKEN_BASE64, "token-base64",
	    "token segment is not strict base64url" },
	{ JWTSAFE_ERR_TOKEN_JSON, "token-json",
	    "token segment is not a strict UTF-8 JSON object" },
	{ JWTSAFE_ERR_TOKEN_DUPLICATE, "token-duplicate",
	    "duplicate member name in token JSON" },
	{ JWTSAFE_ERR_ALG_REFUSED, "alg-refused", "algorithm refused" },
	{ JWTSAFE_ERR_ALG_MISMATCH, "alg-mismatch",
	    "header algorithm is not the configured one" },
	{ JWTSAFE_ERR_HEADER_REFUSED, "header-refused",
	    "token header carries a refused parameter" },
	{ JWTSAFE_ERR_TYP, "typ", "token type is not the expected one" },
	{ JWTSAFE_ERR_KID_UNKNOWN, "kid-unknown", "no key with this key id" },
	{ JWTSAFE_ERR_KID_REQUIRED, "kid-required",
	    "key id required when more than one key is loaded" },
	{ JWTSAFE_ERR_SIG_FORMAT, "sig-format",
	    "signature has the wrong length or encoding" },
	{ JWTSAFE_ERR_SIG_HIGH_S, "sig-high-s",
	    "ECDSA signature with high S refused" },
	{ JWTSAFE_ERR_BAD_SIGNATURE, "bad-signature",
	    "signature verification failed" },
	{ JWTSAFE_ERR_KEY_NOT_YET_VALID, "key-not-yet-valid",
	    "key is not yet valid" },
	{ JWTSAFE_ERR_KEY_RETIRED, "key-retired", "key is retired" },
	{ JWTSAFE_ERR_CLAIM_MISSING, "claim-missing",
	    "required claim is missing" },
	{ JWTSAFE_ERR_CLAIM_TYPE, "claim-type",
	    "claim has the wrong type or is out of range" },
	{ JWTSAFE_ERR_EXPIRED, "expired", "token has expired" },
	{ JWTSAFE_ERR_NOT_YET_VALID, "not-yet-valid",
	    "token is not yet valid" },
	{ JWTSAFE_ERR_IAT_FUTURE, "iat-future",
	    "token was issued in the future" },
	{ JWTSAFE_ERR_LIFETIME, "lifetime",
	    "token lifetime is over the maximum or negative" },
	{ JWTSAFE_ERR_ISSUER, "issuer", "issuer is not the expected one" },
	{ JWTSAFE_ERR_AUDIENCE, "audience",
	    "audience does not include this service" },
	{ JWTSAFE_ERR_SUBJECT, "subject", "subject is missing or unsafe" },
	{ JWTSAFE_ERR_JTI, "jti", "token id is missing or unsafe" },
	{ JWTSAFE_ERR_KEY_FORMAT, "key-format", "malformed key line" },
	{ JWTSAFE_ERR_KEY_CHECKSUM, "key-checksum", "key checksum mismatch" },
	{ JWTSAFE_ERR_KEY_ALG, "key-alg", "wrong or mixed key algorithm" },
	{ JWTSAFE_ERR_KEY_PURPOSE, "key-purpose",
	    "secret key where a public key belongs" },
	{ JWTSAFE_ERR_KEY_DUPLICATE_KID, "key-duplicate-kid",
	    "duplicate key id" },
	{ JWTSAFE_ERR_KEY_INVALID, "key-invalid",
	    "key has the wrong size or is not valid" },
	{ JWTSAFE_ERR_KEY_NONE, "key-none", "no key loaded" },
	{ JWTSAFE_ERR_USER_REFUSED, "user-refused",
	    "user name is unsafe or not mapped to the subject" },
	{ JWTSAFE_ERR_ROOT_REFUSED, "root-refused", "root login refused" },
	{ JWTSAFE_ERR_REPLAY, "replay", "token id was already used" },
	{ JWTSAFE_ERR_REPLAY_STORE, "replay-store",
	    "replay store cannot be used" },
	{ JWTSAFE_ERR_CONFIG, "config", "bad module option" },
};

static const struct err_entry *
err_lookup(int code)
{
	size_t i;

	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++) {
		if (err_table[i].code == code)
			return &err_table[i];
	}
	return NULL;
}

const char *
jwtsafe_err_name(int code)
{
	const struct err_entry *e = err_lookup(code);

	return e != NULL ? e->name : "unknown-error";
}

const char *
jwtsafe_err_message(int code)
{
	const struct err_entry *e = err_lookup(code);

	return e != NULL ? e->message : "unknown error code";
}

/*
 * The detail ends up in syslog. Keep it one line of valid UTF-8: control
 * characters become '?', a multi-byte character cut by truncation is
 * dropped, and anything still not UTF-8 loses its non-ASCII bytes.
 */
static void
err_sanitize(char *s, size_t len, int truncated)
{
	size_t i, lead;
	unsigned char c;
	size_t want;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			s[i] = '?';
	}
	if (truncated && len > 0) {
		/* find the start of the last character */
		lead = len - 1;
		while (lead > 0 && ((unsigned char)s[lead] & 0xc0) == 0x80)
			lead--;
		c = (unsigned char)s[lead];
		want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (len - lead < want) {
			len = lead;
			s[len] = '\0';
		}
	}
	if (!jwtsafe_utf8_valid((const unsigned char *)s, len)) {
		for (i = 0; i < len; i++) {
			if ((unsigned char)s[i] >= 0x80)
				s[i] = '?';
		}
	}
}

int
jwtsafe_err_set(struct jwtsafe_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int n;
	size_t len;

	if (err == NULL)
		return code;
	err->code = code;
	err->detail[0] = '\0';
	if (fmt == NULL)
		return code;
	va_start(ap, fmt);
	n = vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	if (n < 0) {
		err->detail[0] = '\0';
		return code;
	}
	len = strnlen(err->detail, sizeof(err->detail) - 1);
	err->detail[len] = '\0';
	err_sanitize(err->detail, len, (size_t)n >= sizeof(err->detail));
	return code;
}

const char *
jwtsafe_err_format(const struct jwtsafe_error *err, char *buf, size_t buflen)
{
	size_t dlen;

	if (buf == NULL || buflen == 0)
		return buf;
	if (err == NULL) {
		snprintf(buf, buflen, "%s: %s", jwtsafe_err_name(JWTSAFE_ERR_INTERNAL),
		    "no error record");
		return buf;
	}
	/* the detail may come from an uninitialised record: never read past it */
	dlen = strnlen(err->detail, sizeof(err->detail));
	if (dlen == 0) {
		snprintf(buf, buflen, "%s: %s", jwtsafe_err_name(err->code),
		    jwtsafe_err_message(err->code));
	} else {
		snprintf(buf, buflen, "%s: %s (%.*s)", jwtsafe_err_name(err->code),
		    jwtsafe_err_message(err->code), (int)dlen, err->detail);
	}
	return buf;
}
