/*
 * libFuzzer target: the subject map parser (jwtsafe_usermap_parse).
 *
 * The input is a whole map file. When the parser accepts it, the target
 * reads the file again the simple way usermap.h describes it (rules are
 * the lines not starting with '#' and not blank; the subject is everything
 * before the last ':'; the users are the blank-separated words after it)
 * and checks that the map holds exactly those rules: the rule count, every
 * listed (subject, user) pair allowed, and a name not listed refused.
 * Lines of the accounts format (accounts.h: "account", "group", "range")
 * are read the simple way too: an account line's subject (the rest of the
 * line after five fields) must be allowed its account. Subjects may repeat
 * across account lines, so then the count is only bounded.
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

/* The keyword of an accounts-format line, or NULL for a rule line. */
static const char *
keyword(const char *p, size_t n)
{
	static const char *const words[] = { "account", "group", "range" };
	size_t i, w;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		w = strlen(words[i]);
		if (n >= w && memcmp(p, words[i], w) == 0 &&
		    (n == w || blank(p[w])))
			return words[i];
	}
	return NULL;
}

/* An accepted account line: NAME is field 1, SUBJECT the rest after
 * field 5 and its blanks. */
static void
check_account(const struct jwtsafe_usermap *map, const char *line, size_t n)
{
	char *copy, *p, *end, *name = NULL;
	int field;

	FUZZ_CHECK((copy = malloc(n + 1)) != NULL);
	memcpy(copy, line, n);
	copy[n] = '\0';
	p = copy + strlen("account");
	end = copy + n;
	for (field = 1; field <= 5; field++) {
		while (p < end && blank(*p))
			p++;
		FUZZ_CHECK(p < end);
		if (field == 1)
			name = p;
		while (p < end && !blank(*p))
			p++;
		FUZZ_CHECK(p < end);
		*p++ = '\0';
	}
	while (p < end && blank(*p))
		p++;
	FUZZ_CHECK(p < end && name != NULL);
	FUZZ_CHECK(jwtsafe_usermap_allows(map, p, name) == 1);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_error err = { 0 };
	const char *buf = (const char *)data, *p, *end, *nl;
	const char *kw;
	size_t n, rules = 0, accounts = 0;
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
		if ((kw = keyword(p, n)) != NULL) {
			if (strcmp(kw, "account") == 0) {
				check_account(map, p, n);
				accounts++;
			}
			continue;
		}
		check_rule(map, p, n);
		rules++;
	}
	if (accounts == 0)
		FUZZ_CHECK(jwtsafe_usermap_count(map) == rules);
	else
		FUZZ_CHECK(jwtsafe_usermap_count(map) >= rules &&
		    jwtsafe_usermap_count(map) <= rules + accounts);
	FUZZ_CHECK(jwtsafe_usermap_allows(map, NULL, "root") == 0);
	FUZZ_CHECK(jwtsafe_usermap_allows(map, "root", NULL) == 0);
	jwtsafe_usermap_free(map);
	return 0;
}
