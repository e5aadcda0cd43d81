/*
 * Strict base64url (RFC 4648 section 5, no padding) on top of libsodium.
 *
 * libsodium does the decoding; the checks here make the accepted language
 * explicit so that it does not depend on the library version: the alphabet,
 * the length, and that the last character carries no stray bits (otherwise
 * "QR" and "QQ" would both decode to "A" and one token would have several
 * spellings).
 */
#include <limits.h>
#include <string.h>

#include <sodium.h>

#include "b64url.h"
#include "err.h"
#include "util.h"

#define B64URL_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* 6-bit value of a base64url character, or -1. */
static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
jwtsafe_b64url_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outmax, size_t *outlen)
{
	const char *end = NULL;
	size_t i, need, got = 0, rem;
	int v = 0, r = JWTSAFE_ERR_INTERNAL;

	if (outlen == NULL || (in == NULL && inlen > 0))
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	*outlen = 0;
	if (inlen == 0)
		return 0;

	rem = inlen % 4;
	if (rem == 1)
		return JWTSAFE_ERR_TOKEN_BASE64;   /* 6 bits cannot end a byte */
	for (i = 0; i < inlen; i++) {
		if ((v = b64url_value((unsigned char)in[i])) < 0)
			return JWTSAFE_ERR_TOKEN_BASE64;
	}
	/* v is now the value of the last character */
	if ((rem == 2 && (v & 0x0f) != 0) || (rem == 3 && (v & 0x03) != 0))
		return JWTSAFE_ERR_TOKEN_BASE64;   /* non-canonical final bits */

	need = (inlen / 4) * 3 + (rem == 0 ? 0 : rem - 1);
	if (out == NULL || outmax < need)
		return JWTSAFE_ERR_INVALID_ARGUMENT;

	if (sodium_base642bin(out, outmax, in, inlen, NULL, &got, &end,
	    B64URL_VARIANT) != 0 || end != in + inlen || got != need) {
		/* cannot happen after the checks above; fail closed */
		r = JWTSAFE_ERR_TOKEN_BASE64;
		goto out;
	}
	*outlen = got;
	r = 0;
 out:
	if (r != 0)
		jwtsafe_memzero(out, need);
	return r;
}

int
jwtsafe_b64url_encode(const unsigned char *in, size_t inlen, char *out,
    size_t outmax)
{
	static const unsigned char empty[1];
	size_t enclen;

	if (out == NULL || (in == NULL && inlen > 0))
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	/* the encoded length is returned as an int */
	if (inlen > ((size_t)INT_MAX / 4) * 3)
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	if (outmax < JWTSAFE_B64URL_ENCODED_LEN(inlen))
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	if (in == NULL)
		in = empty;
	sodium_bin2base64(out, outmax, in, inlen, B64URL_VARIANT);
	enclen = strlen(out);
	return (int)enclen;
}
