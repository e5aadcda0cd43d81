/*
 * The helpers of util.h that need only libc. They are linked into the NSS
 * module as well, which must not pull libsodium or libcrypto into every
 * process that looks up a user.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

/* explicit_bzero (glibc 2.25) is not removed by dead-store elimination. */
void
jwtsafe_memzero(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void
jwtsafe_freezero(void *p, size_t n)
{
	if (p == NULL)
		return;
	jwtsafe_memzero(p, n);
	free(p);
}

void
jwtsafe_freezero_str(char *s)
{
	if (s == NULL)
		return;
	jwtsafe_freezero(s, strlen(s));
}

int
jwtsafe_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *digits;
	char *end = NULL;
	long long v;

	if (s == NULL || out == NULL || min > max)
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	/* strtoll alone would take spaces, '+' and a '-' we may not want */
	digits = s;
	if (*digits == '-') {
		if (min >= 0)
			return JWTSAFE_ERR_INVALID_ARGUMENT;
		digits++;
	}
	if (*digits < '0' || *digits > '9')
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == NULL || end == s || *end != '\0')
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	if (v < min || v > max)
		return JWTSAFE_ERR_INVALID_ARGUMENT;
	*out = (int64_t)v;
	return 0;
}

int
jwtsafe_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0, need, k;
	unsigned char c, lo, hi;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		/*
		 * RFC 3629 section 4: the second byte's range depends on the
		 * first, which rules out overlongs (C0, C1, E0 80-9F,
		 * F0 80-8F), surrogates (ED A0-BF) and values over U+10FFFF
		 * (F4 90-BF, F5-FF).
		 */
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return 0;       /* stray continuation, C0, C1, F5-FF */
		}
		if (len - i - 1 < need)
			return 0;       /* truncated */
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		}
		i += need + 1;
	}
	return 1;
}

int
jwtsafe_has_control(const unsigned char *s, size_t len)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	}
	return 0;
}
