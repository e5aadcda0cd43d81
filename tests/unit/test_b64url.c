/*
 * Unit tests for common/b64url.c: RFC 4648 vectors, round trips, and every
 * refusal, each built from a valid input changed in one place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "b64url.h"
#include "err.h"
#include "tap.h"
#include "util.h"

struct vec {
	const char *bin;
	size_t binlen;
	const char *enc;
};

/* RFC 4648 section 10, without padding, plus vectors that use the two
 * characters where base64url differs from base64 ('-' for '+', '_' for
 * '/'); the latter worked by hand from the alphabet in section 5. */
static const struct vec vecs[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg" },
	{ "fo", 2, "Zm8" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg" },
	{ "fooba", 5, "Zm9vYmE" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\xfb\xff", 2, "-_8" },
	{ "\xfb\xef\xbe", 3, "----" },
	{ "\xff\xff\xff", 3, "____" },
	{ "\x00\x00\x00", 3, "AAAA" },
	{ "\x00", 1, "AA" },
	{ "AA", 2, "QUE" },
	{ "A", 1, "QQ" },
};

static int
dec(const char *in, size_t inlen, unsigned char *out, size_t outmax,
    size_t *outlen)
{
	char *copy;
	int r;

	/* exactly inlen bytes on the heap, no NUL: ASan sees any overread */
	if ((copy = malloc(inlen > 0 ? inlen : 1)) == NULL) {
		printf("Bail out! malloc\n");
		exit(99);
	}
	memcpy(copy, in, inlen);
	r = jwtsafe_b64url_decode(inlen > 0 ? copy : NULL, inlen, out, outmax,
	    outlen);
	free(copy);
	return r;
}

static void
test_vectors(void)
{
	unsigned char out[64];
	char enc[64];
	size_t i, outlen;
	int n;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		n = jwtsafe_b64url_encode((const unsigned char *)vecs[i].bin,
		    vecs[i].binlen, enc, sizeof(enc));
		ok(n == (int)strlen(vecs[i].enc) &&
		    strcmp(enc, vecs[i].enc) == 0,
		    "encode vector %zu gives \"%s\" (%s)", i, vecs[i].enc, enc);
		outlen = 999;
		is_int(dec(vecs[i].enc, strlen(vecs[i].enc), out, sizeof(out),
		    &outlen), 0, "decode \"%s\"", vecs[i].enc);
		ok(outlen == vecs[i].binlen &&
		    memcmp(out, vecs[i].bin, vecs[i].binlen) == 0,
		    "decode \"%s\" gives the vector's bytes", vecs[i].enc);
	}
}

static void
test_round_trips(void)
{
	unsigned char bin[301], back[301];
	char enc[JWTSAFE_B64URL_ENCODED_LEN(300)];
	size_t len, outlen, i;
	int n, bad = 0, badlen = 0, badchar = 0;

	for (len = 0; len <= 300; len++) {
		randombytes_buf(bin, len);
		n = jwtsafe_b64url_encode(bin, len, enc, sizeof(enc));
		/* unpadded length: 4 characters per 3 bytes, rounded up */
		if (n != (int)((len * 4 + 2) / 3))
			badlen++;
		for (i = 0; n > 0 && i < (size_t)n; i++) {
			if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
			    "qrstuvwxyz0123456789-_", enc[i]) == NULL)
				badchar++;
		}
		if (n < 0 || dec(enc, (size_t)n, back, len, &outlen) != 0 ||
		    outlen != len || memcmp(bin, back, len) != 0)
			bad++;
	}
	is_int(badlen, 0, "round trips 0..300: encoded length unpadded");
	is_int(badchar, 0, "round trips 0..300: only base64url characters");
	is_int(bad, 0, "round trips 0..300: decode(encode(x)) == x with an "
	    "output buffer of exactly the decoded size");
}

static void
refuse(const char *in, size_t inlen, const char *why)
{
	unsigned char out[64];
	size_t outlen = 77;

	is_int(dec(in, inlen, out, sizeof(out), &outlen),
	    JWTSAFE_ERR_TOKEN_BASE64, "decode refuses %s", why);
	ok(outlen == 0, "decode reports no bytes for %s", why);
}

#define REFUSE(lit, why) refuse(lit, sizeof(lit) - 1, why)

static void
accept_ok(const char *in, size_t want, const char *why)
{
	unsigned char out[64];
	size_t outlen = 0;

	ok(dec(in, strlen(in), out, sizeof(out), &outlen) == 0 &&
	    outlen == want, "decode accepts %s (control)", why);
}

static void
test_refusals(void)
{
	unsigned char out[8];
	size_t outlen;
	unsigned int c;
	char s[8];
	int bad = 0, good = 0, decoded, in_alphabet;

	/* "Zm9vYmE" (fooba) and "Zm9vYg" (foob) are the valid bases */
	accept_ok("Zm9vYmE", 5, "\"Zm9vYmE\"");
	REFUSE("Zm9vYmE=", "'=' padding");
	accept_ok("Zm9vYg", 4, "\"Zm9vYg\"");
	REFUSE("Zm9vYg==", "'==' padding");
	REFUSE("Zm9vYg=", "a single '=' after 2 characters");
	REFUSE("Zm9v+mE", "'+' (base64, not base64url)");
	REFUSE("Zm9v/mE", "'/' (base64, not base64url)");
	REFUSE("Zm9v mE", "a space");
	REFUSE("Zm9vYmE ", "a trailing space");
	REFUSE("Zm9v\nYmE", "a newline");
	REFUSE("Zm9vYmE\n", "a trailing newline");
	REFUSE("Zm9v\rmE", "a carriage return");
	REFUSE("Zm9v\tmE", "a tab");
	REFUSE("Zm9v\\mE", "a backslash");
	REFUSE("Zm9v.mE", "a dot");
	REFUSE("Zm9v\0mE", "a NUL byte");
	REFUSE("Zm9v\xc3\xa9mE", "a UTF-8 letter");
	REFUSE("Zm9vY", "length 1 mod 4 (5)");
	REFUSE("Z", "length 1 mod 4 (1)");
	REFUSE("Zm9vYmFyZ", "length 1 mod 4 (9)");

	/* non-canonical final character: same bytes, another spelling */
	accept_ok("QQ", 1, "\"QQ\"");
	REFUSE("QR", "\"QR\" (low 4 bits of the last character set)");
	REFUSE("QX", "\"QX\"");
	REFUSE("Q_", "\"Q_\"");
	accept_ok("QUE", 2, "\"QUE\"");
	REFUSE("QUF", "\"QUF\" (low 2 bits of the last character set)");
	REFUSE("QUH", "\"QUH\"");
	accept_ok("Zm9vYg", 4, "\"Zm9vYg\"");
	REFUSE("Zm9vYh", "\"Zm9vYh\"");

	/* every byte value as the last of 4 characters: exactly the
	 * base64url alphabet decodes */
	for (c = 0; c < 256; c++) {
		memcpy(s, "Zm9v", 4);
		s[3] = (char)c;
		decoded = dec(s, 4, out, sizeof(out), &outlen) == 0;
		in_alphabet = c != 0 && strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_", (int)c) != NULL;
		good += decoded;
		if (decoded != in_alphabet)
			bad++;
	}
	is_int(good, 64, "exactly 64 byte values decode as a character");
	is_int(bad, 0, "a byte decodes exactly when it is in the alphabet");
}

static void
test_buffers(void)
{
	unsigned char out[8];
	char enc[16];
	size_t outlen = 99;
	int n;

	is_int(dec("Zm9vYmE", 7, out, 5, &outlen), 0,
	    "decode into exactly 5 bytes (control)");
	is_int(dec("Zm9vYmE", 7, out, 4, &outlen), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "decode refuses an output buffer one byte too small");
	is_int(dec("Zm9vYmFy", 8, out, 5, &outlen),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "decode refuses 6 bytes into 5");
	is_int(jwtsafe_b64url_decode("Zm9v", 4, NULL, 0, &outlen),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "decode refuses a NULL output");

	outlen = 99;
	is_int(jwtsafe_b64url_decode("", 0, NULL, 0, &outlen), 0,
	    "empty input decodes");
	is_int(outlen, 0, "empty input decodes to zero bytes");
	is_int(jwtsafe_b64url_decode(NULL, 0, out, sizeof(out), &outlen), 0,
	    "NULL with length 0 decodes to zero bytes");
	is_int(jwtsafe_b64url_decode(NULL, 4, out, sizeof(out), &outlen),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "NULL with length 4 refused");
	is_int(jwtsafe_b64url_decode("Zm9v", 4, out, sizeof(out), NULL),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "NULL outlen refused");

	n = jwtsafe_b64url_encode((const unsigned char *)"fooba", 5, enc,
	    JWTSAFE_B64URL_ENCODED_LEN(5));
	ok(n == 7 && strcmp(enc, "Zm9vYmE") == 0,
	    "encode into exactly ENCODED_LEN (control)");
	is_int(jwtsafe_b64url_encode((const unsigned char *)"fooba", 5, enc,
	    JWTSAFE_B64URL_ENCODED_LEN(5) - 1), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "encode refuses ENCODED_LEN - 1");
	is_int(jwtsafe_b64url_encode((const unsigned char *)"f", 1, NULL, 16),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "encode refuses a NULL output");
	is_int(jwtsafe_b64url_encode(NULL, 0, enc, sizeof(enc)), 0,
	    "encode of nothing gives 0");
	ok(enc[0] == '\0', "encode of nothing gives the empty string");
	ok(JWTSAFE_B64URL_DECODED_MAX(7) >= 5 &&
	    JWTSAFE_B64URL_DECODED_MAX(8) >= 6 &&
	    JWTSAFE_B64URL_DECODED_MAX(2) >= 1, "DECODED_MAX is an upper bound");
}

/* Informational: is the canonical-bits rule also libsodium's own? */
static void
diag_sodium(void)
{
	unsigned char out[4];
	size_t outlen = 0;
	const char *end = NULL, *padded = "QQ=";
	int r;

	r = sodium_base642bin(out, sizeof(out), "QR", 2, NULL, &outlen, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	tap_diag("libsodium %s itself %s non-canonical \"QR\"; jwtsafe "
	    "checks it either way", sodium_version_string(),
	    r != 0 ? "refuses" : "accepts");
	r = sodium_base642bin(out, sizeof(out), padded, 3, NULL, &outlen, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	tap_diag("libsodium returns %d for \"QQ=\" with b64_end, consuming "
	    "%d of 3 characters: the b64_end check is what refuses it", r,
	    end != NULL ? (int)(end - padded) : -1);
}

int
main(void)
{
	if (jwtsafe_init() != 0) {
		printf("Bail out! jwtsafe_init\n");
		return 99;
	}
	test_vectors();
	test_round_trips();
	test_refusals();
	test_buffers();
	diag_sodium();
	return tap_done();
}
