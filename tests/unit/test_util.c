/*
 * Unit tests for common/util.c and common/err.c: integer parsing, UTF-8
 * validation, control characters, fingerprints, error names and records.
 */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tap.h"
#include "util.h"

/* ---- jwtsafe_parse_int64 ---------------------------------------------- */

static void
int_ok(const char *s, int64_t min, int64_t max, int64_t want)
{
	int64_t v = -12345;
	int r = jwtsafe_parse_int64(s, min, max, &v);

	ok(r == 0 && v == want, "parse_int64 \"%s\" in [%lld, %lld] = %lld",
	    s, (long long)min, (long long)max, (long long)want);
}

static void
int_bad(const char *s, int64_t min, int64_t max, const char *why)
{
	int64_t v = 777;
	int r = jwtsafe_parse_int64(s, min, max, &v);

	is_int(r, JWTSAFE_ERR_INVALID_ARGUMENT, "parse_int64 refuses %s", why);
	ok(v == 777, "parse_int64 leaves *out alone on refusal (%s)", why);
}

static void
test_parse_int64(void)
{
	int64_t v = 0;

	/* positive controls next to each refusal below */
	int_ok("0", 0, 100, 0);
	int_ok("1", 0, 100, 1);
	int_ok("100", 0, 100, 100);
	int_ok("007", 0, 100, 7);
	int_ok("-5", -10, 10, -5);
	int_ok("9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX);
	int_ok("-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN);

	int_bad("+1", 0, 100, "a leading '+'");
	int_bad(" 1", 0, 100, "a leading space");
	int_bad("\t1", 0, 100, "a leading tab");
	int_bad("1 ", 0, 100, "a trailing space");
	int_bad("1\n", 0, 100, "a trailing newline");
	int_bad("", 0, 100, "the empty string");
	int_bad("-", -10, 10, "a lone '-'");
	int_bad("--1", -10, 10, "a double '-'");
	int_bad("- 1", -10, 10, "a space after '-'");
	int_bad("1a", 0, 100, "trailing letters");
	int_bad("0x10", 0, 100, "hexadecimal");
	int_bad("1.0", 0, 100, "a decimal point");
	int_bad("abc", 0, 100, "letters");
	int_bad("-5", 0, 10, "'-' when min >= 0");
	int_bad("-0", 0, 10, "'-0' when min >= 0");
	int_bad("101", 0, 100, "a value over max");
	int_bad("-11", -10, 10, "a value under min");
	int_bad("9223372036854775808", INT64_MIN, INT64_MAX,
	    "overflow by one");
	int_bad("-9223372036854775809", INT64_MIN, INT64_MAX,
	    "underflow by one");
	int_bad("99999999999999999999999", INT64_MIN, INT64_MAX,
	    "a long overflow");
	int_bad("5", 10, 0, "min > max");

	is_int(jwtsafe_parse_int64(NULL, 0, 10, &v),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "parse_int64 refuses NULL string");
	is_int(jwtsafe_parse_int64("5", 0, 10, NULL),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "parse_int64 refuses NULL out");
}

/* ---- jwtsafe_utf8_valid ----------------------------------------------- */

#define U8(s) (const unsigned char *)(s), sizeof(s) - 1

static void
test_utf8_cases(void)
{
	/* valid: every length, and the edges of every range */
	ok(jwtsafe_utf8_valid(U8("")), "utf8: empty valid");
	ok(jwtsafe_utf8_valid(NULL, 0), "utf8: NULL with length 0 valid");
	ok(!jwtsafe_utf8_valid(NULL, 1), "utf8: NULL with length 1 invalid");
	ok(jwtsafe_utf8_valid(U8("hello, world\x7f")), "utf8: ASCII valid");
	ok(jwtsafe_utf8_valid(U8("\xc2\x80")), "utf8: U+0080 valid");
	ok(jwtsafe_utf8_valid(U8("caf\xc3\xa9")), "utf8: U+00E9 valid");
	ok(jwtsafe_utf8_valid(U8("\xdf\xbf")), "utf8: U+07FF valid");
	ok(jwtsafe_utf8_valid(U8("\xe0\xa0\x80")), "utf8: U+0800 valid");
	ok(jwtsafe_utf8_valid(U8("\xed\x9f\xbf")), "utf8: U+D7FF valid");
	ok(jwtsafe_utf8_valid(U8("\xee\x80\x80")), "utf8: U+E000 valid");
	ok(jwtsafe_utf8_valid(U8("\xef\xbf\xbf")), "utf8: U+FFFF valid");
	ok(jwtsafe_utf8_valid(U8("\xf0\x90\x80\x80")), "utf8: U+10000 valid");
	ok(jwtsafe_utf8_valid(U8("\xf0\x9f\x98\x80")), "utf8: U+1F600 valid");
	ok(jwtsafe_utf8_valid(U8("\xf4\x8f\xbf\xbf")), "utf8: U+10FFFF valid");

	/* overlong encodings */
	ok(!jwtsafe_utf8_valid(U8("\xc0\x80")), "utf8: overlong 2-byte NUL");
	ok(!jwtsafe_utf8_valid(U8("\xc0\xaf")), "utf8: overlong 2-byte '/'");
	ok(!jwtsafe_utf8_valid(U8("\xc1\xbf")), "utf8: overlong 2-byte U+7F");
	ok(!jwtsafe_utf8_valid(U8("\xe0\x80\x80")), "utf8: overlong 3-byte NUL");
	ok(!jwtsafe_utf8_valid(U8("\xe0\x9f\xbf")),
	    "utf8: overlong 3-byte U+07FF");
	ok(!jwtsafe_utf8_valid(U8("\xf0\x80\x80\x80")),
	    "utf8: overlong 4-byte NUL");
	ok(!jwtsafe_utf8_valid(U8("\xf0\x8f\xbf\xbf")),
	    "utf8: overlong 4-byte U+FFFF");
	/* surrogates */
	ok(!jwtsafe_utf8_valid(U8("\xed\xa0\x80")), "utf8: surrogate U+D800");
	ok(!jwtsafe_utf8_valid(U8("\xed\xaf\xbf")), "utf8: surrogate U+DBFF");
	ok(!jwtsafe_utf8_valid(U8("\xed\xb0\x80")), "utf8: surrogate U+DC00");
	ok(!jwtsafe_utf8_valid(U8("\xed\xbf\xbf")), "utf8: surrogate U+DFFF");
	ok(!jwtsafe_utf8_valid(U8("\xed\xa0\xbd\xed\xb8\x80")),
	    "utf8: CESU-8 surrogate pair");
	/* over U+10FFFF */
	ok(!jwtsafe_utf8_valid(U8("\xf4\x90\x80\x80")), "utf8: U+110000");
	ok(!jwtsafe_utf8_valid(U8("\xf5\x80\x80\x80")), "utf8: lead F5");
	ok(!jwtsafe_utf8_valid(U8("\xf7\xbf\xbf\xbf")), "utf8: U+1FFFFF");
	ok(!jwtsafe_utf8_valid(U8("\xf8\x88\x80\x80\x80")),
	    "utf8: 5-byte form");
	ok(!jwtsafe_utf8_valid(U8("\xfe")), "utf8: byte FE");
	ok(!jwtsafe_utf8_valid(U8("\xff")), "utf8: byte FF");
	/* truncated sequences, at the end and before ASCII */
	ok(!jwtsafe_utf8_valid(U8("ab\xc3")), "utf8: truncated 2-byte at end");
	ok(!jwtsafe_utf8_valid(U8("ab\xe2\x82")),
	    "utf8: truncated 3-byte at end");
	ok(!jwtsafe_utf8_valid(U8("ab\xf0\x9f\x98")),
	    "utf8: truncated 4-byte at end");
	ok(!jwtsafe_utf8_valid(U8("\xc3" "a")), "utf8: 2-byte cut by ASCII");
	ok(!jwtsafe_utf8_valid(U8("\xe2\x82" "a")),
	    "utf8: 3-byte cut by ASCII");
	ok(!jwtsafe_utf8_valid(U8("\xf0\x9f\x98" "a")),
	    "utf8: 4-byte cut by ASCII");
	ok(!jwtsafe_utf8_valid((const unsigned char *)"caf\xc3\xa9", 4),
	    "utf8: length cuts a valid character");
	/* stray continuation bytes */
	ok(!jwtsafe_utf8_valid(U8("\x80")), "utf8: lone 80");
	ok(!jwtsafe_utf8_valid(U8("\xbf")), "utf8: lone BF");
	ok(!jwtsafe_utf8_valid(U8("a\x80" "b")), "utf8: stray 80 inside ASCII");
	ok(!jwtsafe_utf8_valid(U8("caf\xc3\xa9\xa9")),
	    "utf8: extra continuation after a character");
}

/*
 * An independent oracle: decode any lead byte's payload bits without range
 * rules, then a sequence is valid exactly when it is the shortest encoding
 * of a scalar value (not a surrogate, at most U+10FFFF).
 */
static int
oracle_valid(const unsigned char *s, size_t len)
{
	unsigned long cp;
	size_t need, k;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return len == 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len != need)
		return 0;
	for (k = 1; k < need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if ((cp < 0x80 && need > 1) || (cp < 0x800 && need > 2) ||
	    (cp < 0x10000 && need > 3))
		return 0;
	return 1;
}

static void
test_utf8_exhaustive(void)
{
	static const unsigned char tails[] = {
		0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
		0xc2, 0xe0, 0xf0, 0xff
	};
	unsigned char b[4];
	unsigned int i, j, k, l;
	unsigned long mismatches = 0, valid = 0;

	for (i = 0; i < 256; i++) {
		b[0] = (unsigned char)i;
		if (jwtsafe_utf8_valid(b, 1) != oracle_valid(b, 1))
			mismatches++;
		for (j = 0; j < 256; j++) {
			b[1] = (unsigned char)j;
			/* a two-byte string is valid either as one character
			 * or as two valid one-byte strings */
			if (jwtsafe_utf8_valid(b, 2) != (oracle_valid(b, 2) ||
			    (oracle_valid(b, 1) && oracle_valid(b + 1, 1))))
				mismatches++;
			if (i < 0xe0 || i > 0xef)
				continue;
			for (k = 0; k < 256; k++) {
				b[2] = (unsigned char)k;
				if (jwtsafe_utf8_valid(b, 3) !=
				    oracle_valid(b, 3)) {
					/* lead E0-EF: valid only as one
					 * three-byte character */
					mismatches++;
				}
				valid += oracle_valid(b, 3);
			}
		}
	}
	is_int(mismatches, 0, "utf8: all 1-, 2- and E0-EF 3-byte strings agree "
	    "with an independent decoder");
	is_int(valid, 0x10000 - 0x800 - 0x800, "utf8: oracle finds every "
	    "3-byte scalar value (sanity)");

	mismatches = 0;
	valid = 0;
	for (i = 0xf0; i < 0x100; i++) {
		b[0] = (unsigned char)i;
		for (j = 0x80; j < 0xc0; j++) {
			b[1] = (unsigned char)j;
			for (k = 0; k < sizeof(tails); k++) {
				b[2] = tails[k];
				for (l = 0; l < sizeof(tails); l++) {
					b[3] = tails[l];
					if (jwtsafe_utf8_valid(b, 4) !=
					    oracle_valid(b, 4))
						mismatches++;
					valid += oracle_valid(b, 4);
				}
			}
		}
	}
	is_int(mismatches, 0, "utf8: 4-byte strings with leads F0-FF agree "
	    "with an independent decoder");
	ok(valid > 0, "utf8: 4-byte sample holds valid characters (sanity)");
}

/* ---- jwtsafe_has_control ------------------------------------------------ */

static void
test_has_control(void)
{
	unsigned char buf[] = "ab_cd";
	unsigned int c;
	int bad = 0;

	ok(!jwtsafe_has_control(U8("alice@example.com")),
	    "has_control: plain ASCII has none");
	ok(!jwtsafe_has_control(U8(" ~")), "has_control: space and '~' are not");
	ok(!jwtsafe_has_control(U8("caf\xc3\xa9")),
	    "has_control: UTF-8 letters are not");
	ok(!jwtsafe_has_control(NULL, 0), "has_control: NULL, 0 has none");
	for (c = 0; c < 256; c++) {
		buf[2] = (unsigned char)c;
		if (jwtsafe_has_control(buf, 5) != (c < 0x20 || c == 0x7f))
			bad++;
	}
	is_int(bad, 0, "has_control: every byte value in the middle of a "
	    "string classified (C0, DEL, NUL yes; others no)");
	ok(jwtsafe_has_control((const unsigned char *)"ab\0", 3),
	    "has_control: NUL counts");
	ok(!jwtsafe_has_control((const unsigned char *)"ab\n", 2),
	    "has_control: looks only at len bytes");
	ok(jwtsafe_has_control(U8("\n")), "has_control: newline");
}

/* ---- jwtsafe_fingerprint ------------------------------------------------ */

static void
test_fingerprint(void)
{
	/* BLAKE2b with a 32-byte digest, computed with Python's hashlib
	 * (hashlib.blake2b(data, digest_size=32)), not with libsodium */
	static const char abc[] =
	    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
	static const char empty[] =
	    "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8";
	static const char bytes256[] =
	    "39a7eb9fedc19aabc83425c6755dd90e6f9d0c804964a1f4aaeea3b9fb599835";
	unsigned char all[256];
	char out[65];
	unsigned int i;

	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	jwtsafe_fingerprint("abc", 3, out, 32);
	ok(strcmp(out, abc) == 0, "fingerprint: BLAKE2b-256(\"abc\") (%s)",
	    out);
	jwtsafe_fingerprint("", 0, out, 32);
	ok(strcmp(out, empty) == 0, "fingerprint: BLAKE2b-256(\"\")");
	jwtsafe_fingerprint(NULL, 0, out, 32);
	ok(strcmp(out, empty) == 0, "fingerprint: NULL, 0 is the empty input");
	jwtsafe_fingerprint(all, sizeof(all), out, 32);
	ok(strcmp(out, bytes256) == 0, "fingerprint: BLAKE2b-256(00..ff)");
	memset(out, 'X', sizeof(out));
	jwtsafe_fingerprint("abc", 3, out, 8);
	ok(strlen(out) == 16 && strncmp(out, abc, 16) == 0,
	    "fingerprint: n=8 gives the first 16 hex digits (%s)", out);
	jwtsafe_fingerprint("abc", 3, out, 0);
	ok(out[0] == '\0', "fingerprint: n=0 gives the empty string");
	jwtsafe_fingerprint("abd", 3, out, 8);
	ok(strncmp(out, abc, 16) != 0, "fingerprint: one byte changed, "
	    "another fingerprint");
}

/* ---- wiping ------------------------------------------------------------- */

static void
test_wipe(void)
{
	unsigned char buf[37];
	struct { int a; char b[13]; } obj;
	size_t i;
	int nonzero = 0;
	char *s;

	memset(buf, 0xa5, sizeof(buf));
	jwtsafe_memzero(buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		nonzero |= buf[i];
	ok(nonzero == 0, "memzero wipes every byte");

	memset(&obj, 0x5a, sizeof(obj));
	JWTSAFE_WIPE(obj);
	nonzero = 0;
	for (i = 0; i < sizeof(obj); i++)
		nonzero |= ((unsigned char *)&obj)[i];
	ok(nonzero == 0, "JWTSAFE_WIPE wipes the whole object");

	/* NULL-safe; no assertion possible after free, but under ASan a
	 * wrong size or a double free aborts the program */
	jwtsafe_freezero(NULL, 10);
	jwtsafe_freezero_str(NULL);
	jwtsafe_memzero(NULL, 10);
	s = strdup("secret");
	jwtsafe_freezero_str(s);
	s = malloc(16);
	jwtsafe_freezero(s, 16);
}

/* ---- jwtsafe_init ------------------------------------------------------- */

static void *
init_thread(void *arg)
{
	int *r = arg;

	*r = jwtsafe_init();
	return NULL;
}

static void
test_init(void)
{
	pthread_t th[4];
	int res[4], i, bad = 0;

	is_int(jwtsafe_init(), 0, "init: first call");
	is_int(jwtsafe_init(), 0, "init: second call (already initialised)");
	for (i = 0; i < 4; i++) {
		res[i] = -99;
		if (pthread_create(&th[i], NULL, init_thread, &res[i]) != 0)
			bad++;
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		if (res[i] != 0)
			bad++;
	}
	is_int(bad, 0, "init: four threads at once all get 0");
}

/* ---- error names and records -------------------------------------------- */

static const int all_codes[] = {
	JWTSAFE_OK,
	JWTSAFE_ERR_INTERNAL, JWTSAFE_ERR_ALLOC, JWTSAFE_ERR_INVALID_ARGUMENT,
	JWTSAFE_ERR_SYSTEM, JWTSAFE_ERR_UNSAFE_FILE,
	JWTSAFE_ERR_TOKEN_TOO_LONG, JWTSAFE_ERR_TOKEN_SEGMENTS,
	JWTSAFE_ERR_TOKEN_BASE64, JWTSAFE_ERR_TOKEN_JSON,
	JWTSAFE_ERR_TOKEN_DUPLICATE,
	JWTSAFE_ERR_ALG_REFUSED, JWTSAFE_ERR_ALG_MISMATCH,
	JWTSAFE_ERR_HEADER_REFUSED, JWTSAFE_ERR_TYP, JWTSAFE_ERR_KID_UNKNOWN,
	JWTSAFE_ERR_KID_REQUIRED,
	JWTSAFE_ERR_SIG_FORMAT, JWTSAFE_ERR_SIG_HIGH_S,
	JWTSAFE_ERR_BAD_SIGNATURE, JWTSAFE_ERR_KEY_NOT_YET_VALID,
	JWTSAFE_ERR_KEY_RETIRED,
	JWTSAFE_ERR_CLAIM_MISSING, JWTSAFE_ERR_CLAIM_TYPE, JWTSAFE_ERR_EXPIRED,
	JWTSAFE_ERR_NOT_YET_VALID, JWTSAFE_ERR_IAT_FUTURE,
	JWTSAFE_ERR_LIFETIME, JWTSAFE_ERR_ISSUER, JWTSAFE_ERR_AUDIENCE,
	JWTSAFE_ERR_SUBJECT, JWTSAFE_ERR_JTI,
	JWTSAFE_ERR_KEY_FORMAT, JWTSAFE_ERR_KEY_CHECKSUM, JWTSAFE_ERR_KEY_ALG,
	JWTSAFE_ERR_KEY_PURPOSE, JWTSAFE_ERR_KEY_DUPLICATE_KID,
	JWTSAFE_ERR_KEY_INVALID, JWTSAFE_ERR_KEY_NONE,
	JWTSAFE_ERR_USER_REFUSED, JWTSAFE_ERR_ROOT_REFUSED,
	JWTSAFE_ERR_REPLAY, JWTSAFE_ERR_REPLAY_STORE, JWTSAFE_ERR_CONFIG,
};
#define NCODES (sizeof(all_codes) / sizeof(all_codes[0]))

static int
kebab(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '-'))
			return 0;
		if (s[i] == '-' && s[i + 1] == '-')
			return 0;
	}
	return 1;
}

/*
 * The list above is typed by hand; read err.h itself (when the test runs
 * from make check) so that a code added later without a table entry fails.
 */
static void
test_err_header_codes(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[512], name[128];
	FILE *f;
	int code, n = 0, unnamed = 0;
	size_t i;
	int listed;

	if (top == NULL) {
		tap_skip("top_srcdir not set", "every code in err.h has a name");
		return;
	}
	snprintf(path, sizeof(path), "%s/common/err.h", top);
	if ((f = fopen(path, "r")) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "#define JWTSAFE_ERR_%127s %d", name,
		    &code) != 2 || code >= 0)
			continue;
		n++;
		listed = 0;
		for (i = 0; i < NCODES; i++)
			listed |= all_codes[i] == code;
		if (!listed || strcmp(jwtsafe_err_name(code),
		    "unknown-error") == 0) {
			unnamed++;
			tap_diag("JWTSAFE_ERR_%s (%d) not covered", name, code);
		}
	}
	fclose(f);
	is_int(n, (int)NCODES - 1, "err.h defines as many codes as this test "
	    "lists");
	is_int(unnamed, 0, "every code in err.h has a name and is listed here");
}

static void
test_err_names(void)
{
	size_t i, j;
	int bad = 0, dup = 0;
	const char *a, *m;

	for (i = 0; i < NCODES; i++) {
		a = jwtsafe_err_name(all_codes[i]);
		m = jwtsafe_err_message(all_codes[i]);
		if (a == NULL || !kebab(a) || strcmp(a, "unknown-error") == 0 ||
		    m == NULL || m[0] == '\0' || strchr(m, '\n') != NULL) {
			bad++;
			tap_diag("code %d: name \"%s\"", all_codes[i],
			    a != NULL ? a : "(null)");
		}
		for (j = 0; j < i; j++) {
			if (a != NULL && strcmp(a,
			    jwtsafe_err_name(all_codes[j])) == 0) {
				dup++;
				tap_diag("name \"%s\" used twice", a);
			}
		}
	}
	is_int(bad, 0, "every code has a kebab-case name and a one-line message");
	is_int(dup, 0, "error names are unique");

	/* names other parts of the project (logs, e2e tests, README) use */
	ok(strcmp(jwtsafe_err_name(JWTSAFE_ERR_EXPIRED), "expired") == 0,
	    "name: expired");
	ok(strcmp(jwtsafe_err_name(JWTSAFE_ERR_BAD_SIGNATURE),
	    "bad-signature") == 0, "name: bad-signature");
	ok(strcmp(jwtsafe_err_name(JWTSAFE_ERR_HEADER_REFUSED),
	    "header-refused") == 0, "name: header-refused");
	ok(strcmp(jwtsafe_err_name(JWTSAFE_ERR_ALG_MISMATCH),
	    "alg-mismatch") == 0, "name: alg-mismatch");
	ok(strcmp(jwtsafe_err_name(JWTSAFE_ERR_AUDIENCE), "audience") == 0,
	    "name: audience");
	ok(strcmp(jwtsafe_err_name(JWTSAFE_ERR_REPLAY), "replay") == 0,
	    "name: replay");
	ok(strcmp(jwtsafe_err_name(JWTSAFE_ERR_USER_REFUSED),
	    "user-refused") == 0, "name: user-refused");

	ok(strcmp(jwtsafe_err_name(-9999), "unknown-error") == 0,
	    "unknown code: unknown-error");
	ok(strcmp(jwtsafe_err_name(INT_MIN), "unknown-error") == 0,
	    "INT_MIN: unknown-error");
	ok(strcmp(jwtsafe_err_name(5), "unknown-error") == 0,
	    "positive code: unknown-error");
	m = jwtsafe_err_message(-9999);
	ok(m != NULL && m[0] != '\0', "unknown code has a message");
}

static void
test_err_records(void)
{
	struct jwtsafe_error err;
	struct { struct jwtsafe_error e; char after[64]; } w;
	char buf[512], small[8], longarg[400];
	size_t i, nz;
	int bad = 0;

	memset(&err, 0, sizeof(err));
	is_int(jwtsafe_err_set(&err, JWTSAFE_ERR_EXPIRED, "exp %d", 42),
	    JWTSAFE_ERR_EXPIRED, "err_set returns the code");
	is_int(err.code, JWTSAFE_ERR_EXPIRED, "err_set records the code");
	ok(strcmp(err.detail, "exp 42") == 0, "err_set formats the detail");
	is_int(jwtsafe_err_set(NULL, JWTSAFE_ERR_AUDIENCE, "x %s", "y"),
	    JWTSAFE_ERR_AUDIENCE, "err_set with NULL err returns the code");

	jwtsafe_err_format(&err, buf, sizeof(buf));
	ok(strcmp(buf, "expired: token has expired (exp 42)") == 0,
	    "err_format: name: message (detail) (%s)", buf);
	jwtsafe_err_set(&err, JWTSAFE_ERR_REPLAY, "%s", "");
	jwtsafe_err_format(&err, buf, sizeof(buf));
	ok(strcmp(buf, "replay: token id was already used") == 0,
	    "err_format: no parenthesis for an empty detail (%s)", buf);
	ok(jwtsafe_err_format(&err, small, sizeof(small)) == small &&
	    strlen(small) == sizeof(small) - 1,
	    "err_format truncates to the buffer and returns it");

	memset(longarg, 'a', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = '\0';
	jwtsafe_err_set(&err, JWTSAFE_ERR_SUBJECT, "%s", longarg);
	ok(strlen(err.detail) == JWTSAFE_ERR_DETAIL_MAX - 1,
	    "err_set truncates a long detail safely");

	/* a multi-byte character cut by truncation is dropped whole */
	memset(longarg, 'a', sizeof(longarg));
	longarg[JWTSAFE_ERR_DETAIL_MAX - 2] = '\xc3';
	longarg[JWTSAFE_ERR_DETAIL_MAX - 1] = '\xa9';
	longarg[JWTSAFE_ERR_DETAIL_MAX] = '\0';
	jwtsafe_err_set(&err, JWTSAFE_ERR_SUBJECT, "%s", longarg);
	ok(strlen(err.detail) == JWTSAFE_ERR_DETAIL_MAX - 2 &&
	    jwtsafe_utf8_valid((const unsigned char *)err.detail,
	    strlen(err.detail)),
	    "err_set drops a character cut in half by truncation");

	/* the detail is one log line: token-controlled text cannot add lines */
	jwtsafe_err_set(&err, JWTSAFE_ERR_TOKEN_DUPLICATE, "%s",
	    "sub\nresult=accepted\r\x1b[0m\x7f");
	ok(strchr(err.detail, '\n') == NULL && strchr(err.detail, '\r') ==
	    NULL && !jwtsafe_has_control((const unsigned char *)err.detail,
	    strlen(err.detail)), "err_set removes control characters (%s)",
	    err.detail);
	ok(strncmp(err.detail, "sub?result=accepted", 19) == 0,
	    "err_set keeps the printable text");
	jwtsafe_err_set(&err, JWTSAFE_ERR_TOKEN_DUPLICATE, "%s", "s\xffub");
	ok(jwtsafe_utf8_valid((const unsigned char *)err.detail,
	    strlen(err.detail)), "err_set leaves valid UTF-8 only (%s)",
	    err.detail);
	jwtsafe_err_set(&err, JWTSAFE_ERR_TOKEN_DUPLICATE, "%s",
	    "caf\xc3\xa9");
	ok(strcmp(err.detail, "caf\xc3\xa9") == 0,
	    "err_set keeps valid UTF-8 as it is");

	/* a record never filled in must not be read past its end */
	memset(&w, 'z', sizeof(w));
	w.e.code = JWTSAFE_ERR_JTI;
	jwtsafe_err_format(&w.e, buf, sizeof(buf));
	for (i = 0, nz = 0; buf[i] != '\0'; i++)
		nz += buf[i] == 'z';
	ok(nz <= JWTSAFE_ERR_DETAIL_MAX, "err_format reads no further than "
	    "an unterminated detail (%zu z's)", nz);
	for (i = 0; i < NCODES; i++) {
		jwtsafe_err_set(&err, all_codes[i], "d");
		jwtsafe_err_format(&err, buf, sizeof(buf));
		if (strncmp(buf, jwtsafe_err_name(all_codes[i]),
		    strlen(jwtsafe_err_name(all_codes[i]))) != 0)
			bad++;
	}
	is_int(bad, 0, "err_format starts with the name for every code");
}

int
main(void)
{
	test_parse_int64();
	test_utf8_cases();
	test_utf8_exhaustive();
	test_has_control();
	test_fingerprint();
	test_wipe();
	test_init();
	test_err_names();
	test_err_header_codes();
	test_err_records();
	return tap_done();
}
