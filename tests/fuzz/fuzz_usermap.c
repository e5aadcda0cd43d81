/*
 * libFuzzer target: the subject map parser (jwtsafe_usermap_parse).
 *
 * The input is a whole map file. When the parser accepts it, the target
 * reads the file again the simple way usermap.h describes it (rules are
 * the lines not starting with '#' and not blank; the subject is everything
 * before the last ':'; the users are the blank-separated words after it)
 * and checks that the map holds exactly those rules: the rule count, every
 * listed (subject, user) pair allowed, and a name not listed refused.
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "usermap.h"
#include "util.h"

#include "fuzzer.h"

#define ABSENT_USER "fuzz.absent.user"

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
only_blanks(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!blank(p[i]))
			return 0;
	}
	return 1;
}

/* Check one accepted rule line, line[0..n), against the map. */
static void
check_rule(const struct jwtsafe_usermap *map, const char *line, size_t n)
{
	char *copy, *colon, *p, *tok, *end;
	int listed_absent = 0;

	FUZZ_CHECK((copy = malloc(n + 1)) != NULL);
	memcpy(copy, line, n);
	copy[n] = '\0';
	FUZZ_CHECK((colon = strrchr(copy, ':')) != NULL);
	*colon = '\0';
	FUZZ_CHECK(colon > copy);
	p = colon + 1;
	end = copy + n;
	while (p < end) {
		while (p < end && blank(*p))
			p++;
		if (p == end)
			break;
		tok = p;
		while (p < end && !blank(*p))
			p++;
		*p = '\0';
		FUZZ_CHECK(jwtsafe_username_valid(tok));
		FUZZ_CHECK(jwtsafe_usermap_allows(map, copy, tok) == 1);
		if (strcmp(tok, ABSENT_USER) == 0)
			listed_absent = 1;
		p++;
	}
	if (!listed_absent)
		FUZZ_CHECK(jwtsafe_usermap_allows(map, copy, ABSENT_USER) == 0);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_error err = { 0 };
	const char *buf = (const char *)data, *p, *end, *nl;
	size_t n, rules = 0;
	int r;

	r = jwtsafe_usermap_parse(buf, size, "fuzz.map", &map, &err);
	if (r != 0) {
		FUZZ_CHECK(r < 0 && err.code == r);
		FUZZ_CHECK(map == NULL);
		return 0;
	}
	FUZZ_CHECK(map != NULL);
	/* Accepted: no NUL anywhere, no over-long line, and no CR in a rule
	 * (jwtsafe-map(5); a comment line may hold one). */
	FUZZ_CHECK(memchr(buf, '\0', size) == NULL);
	for (p = buf, end = buf + size; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		FUZZ_CHECK(n <= JWTSAFE_USERMAP_LINE_MAX);
		if ((n > 0 && p[0] == '#') || only_blanks(p, n))
			continue;
		FUZZ_CHECK(memchr(p, '\r', n) == NULL);
		check_rule(map, p, n);
		rules++;
	}
	FUZZ_CHECK(jwtsafe_usermap_count(map) == rules);
	FUZZ_CHECK(jwtsafe_usermap_allows(map, NULL, "root") == 0);
	FUZZ_CHECK(jwtsafe_usermap_allows(map, "root", NULL) == 0);
	jwtsafe_usermap_free(map);
	return 0;
}
