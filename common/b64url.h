/*
 * Strict base64url (RFC 4648 section 5, no padding) on top of libsodium.
 */
#ifndef JWTSAFE_B64URL_H
#define JWTSAFE_B64URL_H

#include <stddef.h>

/* Decoded size upper bound for an encoded length. */
#define JWTSAFE_B64URL_DECODED_MAX(n) (((n) / 4) * 3 + 3)
/* Encoded size, plus the terminating NUL, for a binary length. */
#define JWTSAFE_B64URL_ENCODED_LEN(n) ((((n) + 2) / 3) * 4 + 1)

/*
 * Decode inlen characters of in into out (room outmax), setting *outlen.
 * Accepts only [A-Za-z0-9_-], no padding, no whitespace, length not 1 mod 4,
 * and canonical input (the unused bits of the last character zero).
 * An empty input decodes to zero bytes.
 * Returns 0, JWTSAFE_ERR_TOKEN_BASE64 for bad input, or
 * JWTSAFE_ERR_INVALID_ARGUMENT when out is too small.
 */
int jwtsafe_b64url_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outmax, size_t *outlen) __attribute__((warn_unused_result));

/*
 * Encode inlen bytes into out (room outmax, which must be at least
 * JWTSAFE_B64URL_ENCODED_LEN(inlen)), NUL-terminated, no padding.
 * Returns the encoded length (without NUL) or a negative JWTSAFE_ERR_*.
 */
int jwtsafe_b64url_encode(const unsigned char *in, size_t inlen, char *out,
    size_t outmax);

#endif /* JWTSAFE_B64URL_H */
