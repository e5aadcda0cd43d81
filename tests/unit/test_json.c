/*
 * Unit tests for common/json.c. Every refusal starts from a JSON object
 * that parses and changes one thing; the accepted original sits next to it.
 * Every buffer is handed over as exactly len heap bytes without a NUL, so
 * that ASan catches a parser reading past the end.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "json.h"
#include "tap.h"
#include "util.h"

static void *
xmalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	if (p == NULL) {
		printf("Bail out! malloc\n");
		exit(99);
	}
	return p;
}

/* Parse len bytes of s; the tree is returned only through *out. */
static int
parse_len(const char *s, size_t len, cJSON **out, struct jwtsafe_error *err)
{
	char *copy = xmalloc(len);
	cJSON *tree = NULL;
	int r;

	memcpy(copy, s, len);
	memset(err, 0, sizeof(*err));
	r = jwtsafe_json_parse_object(copy, len, &tree, err);
	/* nothing may point into the input buffer */
	memset(copy, 'X', len);
	free(copy);
	if (r != 0 && tree != NULL) {
		ok(0, "tree returned together with an error");
		cJSON_Delete(tree);
		tree = NULL;
	}
	if (out != NULL)
		*out = tree;
	else
		cJSON_Delete(tree);
	return r;
}

static int
parse(const char *s, struct jwtsafe_error *err)
{
	return parse_len(s, strlen(s), NULL, err);
}

static void
good(const char *s, const char *what)
{
	struct jwtsafe_error err;
	int r = parse(s, &err);

	is_int(r, 0, "accepted: %s%s%s", what, r != 0 ? " -- " : "",
	    r != 0 ? err.detail : "");
}

static void
bad_len(const char *s, size_t len, int code, const char *what)
{
	struct jwtsafe_error err;
	int r = parse_len(s, len, NULL, &err);

	is_int(r, code, "refused: %s (%s: %s)", what, jwtsafe_err_name(r),
	    err.detail);
}

static void
bad(const char *s, int code, const char *what)
{
	bad_len(s, strlen(s), code, what);
}

/*
 * Some rules are enforced twice (by the pre-scan and again by cJSON or the
 * tree walk); the detail shows that the first line of defence fired.
 */
static void
bad_says(const char *s, size_t len, const char *says, const char *what)
{
	struct jwtsafe_error err;
	int r = parse_len(s, len, NULL, &err);

	is_int(r, JWTSAFE_ERR_TOKEN_JSON, "refused: %s", what);
	ok(strstr(err.detail, says) != NULL, "%s: detail says \"%s\" (%s)",
	    what, says, err.detail);
}

#define BASE "{\"sub\":\"alice\",\"iat\":1700000000,\"exp\":1700000300," \
	"\"aud\":[\"a\",\"b\"],\"n\":{\"k\":[1,2,{\"x\":null}]},\"t\":true}"

/* ---- the valid object --------------------------------------------------- */

static void
test_valid(void)
{
	struct jwtsafe_error err;
	cJSON *tree = NULL;
	const cJSON *n;
	const char *s = NULL;
	int64_t t = 0;

	is_int(parse_len(BASE, strlen(BASE), &tree, &err), 0,
	    "base object parses");
	if (tree == NULL)
		return;
	is_int(jwtsafe_json_get_string(tree, "sub", &s, &err), 0,
	    "base: sub is a string");
	ok(s != NULL && strcmp(s, "alice") == 0, "base: sub is alice");
	is_int(jwtsafe_json_get_time(tree, "exp", &t, &err), 0,
	    "base: exp is a time");
	is_int(t, 1700000300, "base: exp value");
	n = jwtsafe_json_get(tree, "n");
	ok(n != NULL && cJSON_IsObject(n), "base: n is an object");
	cJSON_Delete(tree);

	good("{}", "empty object");
	good(" \t\r\n{\"a\":1} \t\r\n", "JSON whitespace around the object");
	good("{\"\":1}", "empty member name");
	good("{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\"}",
	    "every escape");
	good("{\"a\":[1e3,-0,0.5,1.5E-3,-12,1e+2,0e0]}", "number forms");
}

/* ---- what may follow, precede or sit inside the object ------------------ */

static void
test_framing(void)
{
	good(BASE " \n", "base plus trailing whitespace");
	bad(BASE "x", JWTSAFE_ERR_TOKEN_JSON, "trailing garbage");
	bad(BASE " x", JWTSAFE_ERR_TOKEN_JSON, "trailing garbage after space");
	bad(BASE "{}", JWTSAFE_ERR_TOKEN_JSON, "a second object");
	bad(BASE ",", JWTSAFE_ERR_TOKEN_JSON, "a trailing comma");
	bad(BASE "\x0b", JWTSAFE_ERR_TOKEN_JSON,
	    "vertical tab (not JSON whitespace) after the object");
	bad("\x0c" BASE, JWTSAFE_ERR_TOKEN_JSON,
	    "form feed (not JSON whitespace) before the object");
	bad("{\"a\":\x01" "1}", JWTSAFE_ERR_TOKEN_JSON,
	    "control character between tokens (cJSON skips it)");
	good("{\"a\": 1}", "space between tokens (control)");

	bad("\xef\xbb\xbf" BASE, JWTSAFE_ERR_TOKEN_JSON, "UTF-8 BOM");
	bad(" \xef\xbb\xbf" BASE, JWTSAFE_ERR_TOKEN_JSON,
	    "UTF-8 BOM after a space");

	bad_len(BASE "\0", sizeof(BASE), JWTSAFE_ERR_TOKEN_JSON,
	    "NUL byte after the object");
	bad_len("{\"sub\":\"ali\0ce\"}", 16, JWTSAFE_ERR_TOKEN_JSON,
	    "NUL byte inside a string");
	bad_len("{\"sub\":\0\"alice\"}", 16, JWTSAFE_ERR_TOKEN_JSON,
	    "NUL byte between tokens");
	bad_says("{\"sub\":\"ali\0ce\"}", 16, "NUL",
	    "NUL byte named as such");
	bad_len("", 0, JWTSAFE_ERR_TOKEN_JSON, "empty input");
	bad(" ", JWTSAFE_ERR_TOKEN_JSON, "only whitespace");
	bad("{\"a\":1", JWTSAFE_ERR_TOKEN_JSON, "unclosed object");
	bad("{\"a\":\"x}", JWTSAFE_ERR_TOKEN_JSON, "unterminated string");
	bad("{\"a\":\"x\\", JWTSAFE_ERR_TOKEN_JSON,
	    "input ending in a backslash");
	bad("{\"a\":1}}", JWTSAFE_ERR_TOKEN_JSON, "extra closing brace");
}

static void
test_utf8(void)
{
	good("{\"sub\":\"al\xc3\xa9" "ce\"}", "UTF-8 letter in a value");
	bad("{\"sub\":\"al\xc3(ce\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "invalid UTF-8 in a value");
	bad("{\"sub\":\"al\xc0\xaf" "ce\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "overlong UTF-8 in a value");
	bad("{\"sub\":\"al\xed\xa0\x80" "ce\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "UTF-8 surrogate in a value");
	bad("{\"sub\":\"alice\xf4\x90\x80\x80\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "code point over U+10FFFF in a value");
	good("{\"s\xc3\xbc" "b\":\"alice\"}", "UTF-8 letter in a name");
	bad("{\"s\xfc" "b\":\"alice\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "Latin-1 byte in a name");
	bad("{\"sub\":\"alice\xc3\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "truncated UTF-8 at the end of a value");
	bad_says("{\"sub\":\"al\xc3(ce\"}", 16, "invalid UTF-8",
	    "invalid UTF-8 caught before parsing");

	good("{\"sub\":\"a\\tb\"}", "escaped tab (control)");
	bad("{\"sub\":\"a\tb\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "raw tab inside a string");
	bad("{\"sub\":\"a\nb\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "raw newline inside a string");
	bad("{\"s\x1f" "b\":1}", JWTSAFE_ERR_TOKEN_JSON,
	    "raw control character inside a name");
	bad("{\"sub\":\"a\\qb\"}", JWTSAFE_ERR_TOKEN_JSON, "unknown escape");
}

static void
test_numbers(void)
{
	good("{\"n\":10}", "10 (control)");
	bad("{\"n\":010}", JWTSAFE_ERR_TOKEN_JSON, "leading zero");
	good("{\"n\":1.0}", "1.0 (control)");
	bad("{\"n\":1.}", JWTSAFE_ERR_TOKEN_JSON, "'1.'");
	bad("{\"n\":.5}", JWTSAFE_ERR_TOKEN_JSON, "'.5'");
	bad("{\"n\":-.5}", JWTSAFE_ERR_TOKEN_JSON, "'-.5'");
	bad("{\"n\":+1}", JWTSAFE_ERR_TOKEN_JSON, "'+1'");
	bad("{\"n\":-}", JWTSAFE_ERR_TOKEN_JSON, "lone '-'");
	bad("{\"n\":1e}", JWTSAFE_ERR_TOKEN_JSON, "empty exponent");
	bad("{\"n\":1e+}", JWTSAFE_ERR_TOKEN_JSON, "signed empty exponent");
	bad("{\"n\":1.5.5}", JWTSAFE_ERR_TOKEN_JSON, "two decimal points");
	bad("{\"n\":0x10}", JWTSAFE_ERR_TOKEN_JSON, "hexadecimal");
	bad("{\"n\":NaN}", JWTSAFE_ERR_TOKEN_JSON, "NaN");
	bad("{\"n\":Infinity}", JWTSAFE_ERR_TOKEN_JSON, "Infinity");
	bad("{\"n\":-Infinity}", JWTSAFE_ERR_TOKEN_JSON, "-Infinity");
}

/* ---- nesting ------------------------------------------------------------ */

/* depth objects nested as {"a":{"a":...{"a":1}...}} */
static char *
nested_objects(size_t depth)
{
	char *s = xmalloc(depth * 6 + 2);
	size_t i, p = 0;

	for (i = 0; i < depth; i++) {
		memcpy(s + p, "{\"a\":", 5);
		p += 5;
	}
	s[p++] = '1';
	for (i = 0; i < depth; i++)
		s[p++] = '}';
	s[p] = '\0';
	return s;
}

/* one object holding depth - 1 nested arrays */
static char *
nested_arrays(size_t depth)
{
	char *s = xmalloc(depth * 2 + 8);
	size_t i, p = 0;

	memcpy(s, "{\"a\":", 5);
	p = 5;
	for (i = 1; i < depth; i++)
		s[p++] = '[';
	s[p++] = '1';
	for (i = 1; i < depth; i++)
		s[p++] = ']';
	s[p++] = '}';
	s[p] = '\0';
	return s;
}

static void
test_depth(void)
{
	struct timespec t0, t1;
	double secs;
	char *s;
	size_t i;

	s = nested_objects(JWTSAFE_JSON_MAX_DEPTH);
	good(s, "objects nested 8 deep");
	free(s);
	s = nested_objects(JWTSAFE_JSON_MAX_DEPTH + 1);
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "objects nested 9 deep");
	free(s);
	s = nested_arrays(JWTSAFE_JSON_MAX_DEPTH);
	good(s, "object with arrays nested to depth 8");
	free(s);
	s = nested_arrays(JWTSAFE_JSON_MAX_DEPTH + 1);
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "object with arrays nested to depth 9");
	free(s);
	/* 9 deep with a syntax error inside: the depth is refused first */
	bad_says("{\"a\":[[[[[[[[1,,]]]]]]]]}", 25, "deeper",
	    "depth checked before cJSON parses");
	good("{\"a\":\"[[[[[[[[[[{{{{{{{{{{\"}", "brackets inside a string "
	    "do not count");
	good("{\"a\\\"[[[[[[[[[[\":1}", "brackets after an escaped quote "
	    "in a name do not count");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = nested_objects(10000);
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "objects nested 10,000 deep");
	free(s);
	s = nested_arrays(10000);
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "arrays nested 10,000 deep");
	free(s);
	/* unbalanced: 100,000 '[' and nothing else */
	s = xmalloc(100002);
	s[0] = '{';
	for (i = 1; i <= 100000; i++)
		s[i] = '[';
	s[100001] = '\0';
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "100,000 unclosed '['");
	free(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(secs < 1.0, "deep nesting refused quickly (%.3f s)", secs);
}

/* ---- \u escapes --------------------------------------------------------- */

static void
test_escapes(void)
{
	struct jwtsafe_error err;
	cJSON *tree = NULL;
	const char *s = NULL;
	const char *lit = "{\"sub\":\"a\\\\u0000b\"}";

	good("{\"sub\":\"a\\u0041b\"}", "\\u0041 in a value (control)");
	bad("{\"sub\":\"a\\u0000b\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "\\u0000 in a value");
	bad("{\"sub\":\"alice\\u0000\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "\\u0000 at the end of a value");
	good("{\"s\\u0041b\":1}", "\\u0041 in a name (control)");
	bad("{\"s\\u0000b\":1}", JWTSAFE_ERR_TOKEN_JSON, "\\u0000 in a name");
	bad("{\"sub\":\"a\\\\\\u0000b\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "escaped backslash, then a real \\u0000");

	/* "\\u0000" is a backslash and the text u0000 */
	is_int(parse_len(lit, strlen(lit), &tree, &err), 0,
	    "literal backslash before u0000 accepted");
	is_int(jwtsafe_json_get_string(tree, "sub", &s, &err), 0,
	    "literal backslash: sub is a string");
	ok(s != NULL && strcmp(s, "a\\u0000b") == 0,
	    "literal backslash: value is a\\u0000b, 8 bytes");
	cJSON_Delete(tree);
	good("{\"sub\":\"a\\\\\\\\u0000b\"}", "two escaped backslashes, then "
	    "the text u0000");

	/* cJSON 1.7.15 decodes a \u with bad hex digits as U+0000 */
	good("{\"sub\":\"a\\u00e9b\"}", "\\u00e9 (control)");
	bad("{\"sub\":\"a\\u00zzb\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "\\u with non-hex digits");
	bad("{\"sub\":\"a\\u00\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "\\u with two hex digits");
	bad("{\"sub\":\"a\\u 000b\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "\\u with a space");
	bad("{\"sub\":\"a\\U0041b\"}", JWTSAFE_ERR_TOKEN_JSON,
	    "\\U in capitals");

	/* surrogates */
	is_int(parse_len("{\"s\":\"\\ud83d\\ude00\"}", 20, &tree, &err), 0,
	    "surrogate pair accepted (control)");
	ok(tree != NULL && jwtsafe_json_get_string(tree, "s", &s, &err) == 0 &&
	    strcmp(s, "\xf0\x9f\x98\x80") == 0,
	    "surrogate pair decodes to U+1F600");
	cJSON_Delete(tree);
	bad("{\"s\":\"\\ud83d\"}", JWTSAFE_ERR_TOKEN_JSON, "lone high "
	    "surrogate at the end of a string");
	bad("{\"s\":\"\\ud83dx\"}", JWTSAFE_ERR_TOKEN_JSON, "lone high "
	    "surrogate before a letter");
	bad("{\"s\":\"\\ud83d\\u0041\"}", JWTSAFE_ERR_TOKEN_JSON, "high "
	    "surrogate before a non-surrogate escape");
	bad("{\"s\":\"\\ud83d\\ud83d\"}", JWTSAFE_ERR_TOKEN_JSON, "two high "
	    "surrogates");
	bad("{\"s\":\"\\ude00\"}", JWTSAFE_ERR_TOKEN_JSON, "lone low "
	    "surrogate");
	bad("{\"s\":\"\\ude00\\ud83d\"}", JWTSAFE_ERR_TOKEN_JSON, "surrogate "
	    "pair in the wrong order");
	bad("{\"\\udfff\":1}", JWTSAFE_ERR_TOKEN_JSON, "lone surrogate in a "
	    "name");
	bad_says("{\"s\":\"\\ude00\"}", 14, "surrogate",
	    "lone low surrogate caught before cJSON");
	bad_says("{\"s\":\"\\ud83dx\"}", 15, "surrogate",
	    "lone high surrogate caught before cJSON");
	bad_says("{\"s\":\"\\ud83dxude00\"}", 20, "surrogate",
	    "high surrogate, then u and a low surrogate without backslash");
	bad_says("{\"s\":\"\\ud83d\\xde00\"}", 20, "surrogate",
	    "high surrogate, then a backslash and x instead of u");
}

/* ---- duplicates and member counts --------------------------------------- */

static void
dup(const char *s, const char *name, const char *what)
{
	struct jwtsafe_error err;
	int r = parse(s, &err);

	is_int(r, JWTSAFE_ERR_TOKEN_DUPLICATE, "duplicate refused: %s", what);
	ok(strcmp(err.detail, name) == 0, "duplicate detail names \"%s\" "
	    "(%s)", name, err.detail);
}

static void
test_duplicates(void)
{
	struct jwtsafe_error err;
	cJSON *tree = NULL;
	const char *s = NULL;
	const char *cs = "{\"sub\":\"a\",\"SUB\":\"b\",\"Sub\":\"c\"}";

	good("{\"sub\":\"a\",\"iss\":\"b\"}", "two names (control)");
	dup("{\"sub\":\"a\",\"sub\":\"b\"}", "sub", "at the top level");
	dup("{\"sub\":\"a\",\"iss\":\"x\",\"sub\":\"a\"}", "sub",
	    "same value, not adjacent");
	good("{\"n\":{\"k\":1,\"j\":2}}", "nested names (control)");
	dup("{\"n\":{\"k\":1,\"k\":2}}", "k", "in a nested object");
	good("{\"a\":[{\"k\":1},{\"k\":1}]}", "same name in two objects of an "
	    "array (control)");
	dup("{\"a\":[{\"k\":1,\"k\":1}]}", "k", "in an object inside an array");
	good("{\"n\":{\"k\":1},\"m\":{\"k\":2}}", "same name in sibling "
	    "objects (control)");
	dup("{\"sub\":\"a\",\"s\\u0075b\":\"b\"}", "sub",
	    "spelled with a \\u escape");
	dup("{\"\\u0073ub\":\"a\",\"sub\":\"b\"}", "sub",
	    "escape in the first of the two");
	dup("{\"\xf0\x9f\x98\x80\":1,\"\\ud83d\\ude00\":2}",
	    "\xf0\x9f\x98\x80", "UTF-8 and a surrogate-pair escape");
	dup("{\"a/b\":1,\"a\\/b\":2}", "a/b", "spelled with \\/");
	dup("{\"\":1,\"\":2}", "", "empty names");

	/* byte-exact: names that differ in case are different names */
	is_int(parse_len(cs, strlen(cs), &tree, &err), 0,
	    "sub, SUB and Sub are three names");
	ok(tree != NULL && jwtsafe_json_get_string(tree, "sub", &s, &err) ==
	    0 && strcmp(s, "a") == 0, "get sub finds sub");
	ok(tree != NULL && jwtsafe_json_get_string(tree, "SUB", &s, &err) ==
	    0 && strcmp(s, "b") == 0, "get SUB finds SUB");
	ok(jwtsafe_json_get(tree, "sUB") == NULL, "get sUB finds nothing");
	cJSON_Delete(tree);
}

/* {"m0":0,"m1":1,...} with n members, optionally inside {"o":...} */
static char *
members(size_t n, int nested)
{
	char *s = xmalloc(n * 16 + 16);
	size_t i, p = 0;

	if (nested) {
		memcpy(s, "{\"o\":", 5);
		p = 5;
	}
	s[p++] = '{';
	for (i = 0; i < n; i++)
		p += (size_t)sprintf(s + p, "%s\"m%zu\":%zu", i ? "," : "",
		    i, i);
	s[p++] = '}';
	if (nested)
		s[p++] = '}';
	s[p] = '\0';
	return s;
}

static void
test_members(void)
{
	char *s;

	s = members(JWTSAFE_JSON_MAX_MEMBERS, 0);
	good(s, "128 members");
	free(s);
	s = members(JWTSAFE_JSON_MAX_MEMBERS + 1, 0);
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "129 members");
	free(s);
	s = members(JWTSAFE_JSON_MAX_MEMBERS, 1);
	good(s, "128 members in a nested object");
	free(s);
	s = members(JWTSAFE_JSON_MAX_MEMBERS + 1, 1);
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "129 members in a nested object");
	free(s);
	s = members(5000, 0);
	bad(s, JWTSAFE_ERR_TOKEN_JSON, "5000 members");
	free(s);
}

/* ---- top-level type ----------------------------------------------------- */

static void
test_top_level(void)
{
	good("{\"a\":1}", "top-level object (control)");
	bad("[{\"a\":1}]", JWTSAFE_ERR_TOKEN_JSON, "top-level array");
	bad("\"{\\\"a\\\":1}\"", JWTSAFE_ERR_TOKEN_JSON, "top-level string");
	bad("1", JWTSAFE_ERR_TOKEN_JSON, "top-level number");
	bad("true", JWTSAFE_ERR_TOKEN_JSON, "top-level true");
	bad("null", JWTSAFE_ERR_TOKEN_JSON, "top-level null");
}

/* ---- getters ------------------------------------------------------------ */

/* {"sub":"alice","v":<value>} */
static cJSON *
with_value(const char *value)
{
	struct jwtsafe_error err;
	cJSON *tree = NULL;
	char buf[256];

	snprintf(buf, sizeof(buf), "{\"sub\":\"alice\",\"v\":%s}", value);
	if (parse_len(buf, strlen(buf), &tree, &err) != 0)
		tap_diag("with_value(%s): %s", value, err.detail);
	return tree;
}

static void
get_string_case(const char *value, int want)
{
	struct jwtsafe_error err;
	cJSON *tree = with_value(value);
	const char *s = NULL;
	int r;

	if (tree == NULL) {
		ok(0, "get_string: %s parses", value);
		return;
	}
	memset(&err, 0, sizeof(err));
	r = jwtsafe_json_get_string(tree, "v", &s, &err);
	is_int(r, want, "get_string on %s gives %s", value,
	    jwtsafe_err_name(want));
	if (want != 0)
		ok(err.code == want && strstr(err.detail, "v") != NULL,
		    "get_string on %s: error names the member (%s)", value,
		    err.detail);
	cJSON_Delete(tree);
}

static void
get_time_case(const char *value, int want, int64_t want_value)
{
	struct jwtsafe_error err;
	cJSON *tree = with_value(value);
	int64_t t = -7;
	int r;

	if (tree == NULL) {
		ok(0, "get_time: %s parses", value);
		return;
	}
	memset(&err, 0, sizeof(err));
	r = jwtsafe_json_get_time(tree, "v", &t, &err);
	is_int(r, want, "get_time on %s gives %s", value,
	    jwtsafe_err_name(want));
	if (want == 0)
		is_int(t, want_value, "get_time on %s: value", value);
	else
		ok(err.code == want && strstr(err.detail, "v") != NULL,
		    "get_time on %s: error names the member (%s)", value,
		    err.detail);
	cJSON_Delete(tree);
}

static void
test_getters(void)
{
	struct jwtsafe_error err;
	cJSON *tree;
	const char *s = "unchanged";
	int64_t t = 0;

	get_string_case("\"x\"", 0);
	get_string_case("\"\"", 0);
	get_string_case("1", JWTSAFE_ERR_CLAIM_TYPE);
	get_string_case("true", JWTSAFE_ERR_CLAIM_TYPE);
	get_string_case("false", JWTSAFE_ERR_CLAIM_TYPE);
	get_string_case("null", JWTSAFE_ERR_CLAIM_TYPE);
	get_string_case("[\"x\"]", JWTSAFE_ERR_CLAIM_TYPE);
	get_string_case("{\"x\":\"y\"}", JWTSAFE_ERR_CLAIM_TYPE);

	get_time_case("1700000000", 0, 1700000000);
	get_time_case("0", 0, 0);
	get_time_case("2147483648", 0, INT64_C(2147483648));
	get_time_case("253402300799", 0, JWTSAFE_JSON_TIME_MAX);
	get_time_case("1e3", 0, 1000);
	get_time_case("1700000000.0", 0, 1700000000);
	get_time_case("253402300800", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("1.5", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("1700000000.5", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("1e400", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("-1e400", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("-1", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("9223372036854775807", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("9223372036854775808", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("18446744073709551616", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("\"123\"", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("true", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("false", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("null", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("[1700000000]", JWTSAFE_ERR_CLAIM_TYPE, 0);
	get_time_case("{\"v\":1700000000}", JWTSAFE_ERR_CLAIM_TYPE, 0);

	/* absent members, and names that differ only in case */
	tree = with_value("1700000000");
	if (tree == NULL) {
		ok(0, "getter object parses");
		return;
	}
	memset(&err, 0, sizeof(err));
	is_int(jwtsafe_json_get_string(tree, "iss", &s, &err),
	    JWTSAFE_ERR_CLAIM_MISSING, "get_string: absent member");
	ok(strstr(err.detail, "iss") != NULL, "get_string: missing detail "
	    "names the member (%s)", err.detail);
	is_int(jwtsafe_json_get_string(tree, "SUB", &s, &err),
	    JWTSAFE_ERR_CLAIM_MISSING, "get_string: SUB is not sub");
	is_int(jwtsafe_json_get_time(tree, "exp", &t, &err),
	    JWTSAFE_ERR_CLAIM_MISSING, "get_time: absent member");
	ok(strstr(err.detail, "exp") != NULL, "get_time: missing detail "
	    "names the member (%s)", err.detail);
	is_int(jwtsafe_json_get_time(tree, "V", &t, &err),
	    JWTSAFE_ERR_CLAIM_MISSING, "get_time: V is not v");
	ok(jwtsafe_json_get(tree, "sub") != NULL, "get: sub found");
	ok(jwtsafe_json_get(tree, "Sub") == NULL, "get: Sub not found");
	ok(jwtsafe_json_get(tree, "su") == NULL, "get: prefix not found");
	ok(jwtsafe_json_get(NULL, "sub") == NULL, "get: NULL object");
	ok(jwtsafe_json_get(tree, NULL) == NULL, "get: NULL name");
	ok(jwtsafe_json_get(jwtsafe_json_get(tree, "sub"), "sub") == NULL,
	    "get: a string is not an object");
	cJSON_Delete(tree);
}

/* Trees built by hand hold values a parse never yields. */
static void
test_built_trees(void)
{
	struct jwtsafe_error err;
	cJSON *o = cJSON_CreateObject();
	const char *s = NULL;
	int64_t t = 0;

	if (o == NULL || cJSON_AddNumberToObject(o, "nan", NAN) == NULL ||
	    cJSON_AddNumberToObject(o, "inf", INFINITY) == NULL ||
	    cJSON_AddNumberToObject(o, "ok", 1700000000.0) == NULL ||
	    cJSON_AddRawToObject(o, "raw", "\"x\"") == NULL) {
		ok(0, "build a tree");
		cJSON_Delete(o);
		return;
	}
	is_int(jwtsafe_json_get_time(o, "ok", &t, &err), 0,
	    "built tree: time (control)");
	is_int(jwtsafe_json_get_time(o, "nan", &t, &err),
	    JWTSAFE_ERR_CLAIM_TYPE, "built tree: NaN is not a time");
	is_int(jwtsafe_json_get_time(o, "inf", &t, &err),
	    JWTSAFE_ERR_CLAIM_TYPE, "built tree: infinity is not a time");
	is_int(jwtsafe_json_get_string(o, "raw", &s, &err),
	    JWTSAFE_ERR_CLAIM_TYPE, "built tree: a raw item is not a string");
	cJSON_Delete(o);
}

static void
test_arguments(void)
{
	struct jwtsafe_error err;
	cJSON sentinel;
	cJSON *tree = &sentinel;       /* must be reset to NULL */

	is_int(jwtsafe_json_parse_object("{}", 2, NULL, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "parse: NULL out refused");
	is_int(jwtsafe_json_parse_object(NULL, 2, &tree, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "parse: NULL buffer refused");
	tree = &sentinel;
	is_int(jwtsafe_json_parse_object("{", 1, &tree, NULL),
	    JWTSAFE_ERR_TOKEN_JSON, "parse: NULL err allowed");
	ok(tree == NULL, "parse: *out is NULL after a refusal");
}

int
main(void)
{
	test_valid();
	test_framing();
	test_utf8();
	test_numbers();
	test_depth();
	test_escapes();
	test_duplicates();
	test_members();
	test_top_level();
	test_getters();
	test_built_trees();
	test_arguments();
	return tap_done();
}
