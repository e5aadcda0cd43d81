/*
 * Strict JSON on top of cJSON.
 *
 * cJSON does the parsing. Before it runs, a linear pre-scan of the raw bytes
 * refuses what cJSON would accept or mangle silently, and bounds the nesting
 * depth so that cJSON's recursion stays shallow. After it runs, a walk of
 * the tree (at most JWTSAFE_JSON_MAX_DEPTH deep, so recursion is safe)
 * refuses duplicate names and oversized objects.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "json.h"
#include "util.h"

#define JSON_IS_WS(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
#define JSON_IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* Value of the four hex digits at p (avail bytes left); -1 if not hex. */
static long
json_hex4(const unsigned char *p, size_t avail)
{
	long v = 0;
	size_t i;
	unsigned char c;

	if (avail < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Check the string whose opening quote is at s[*pos - 1]; on success *pos
 * is just past the closing quote. cJSON's own decoding turns "\u0000" into
 * a string it truncates, and (1.7.15) a "\u" with bad hex digits into
 * U+0000 as well, so every \u escape is checked here: four hex digits, not
 * zero, surrogates only as a high-low pair.
 */
static int
json_scan_string(const unsigned char *s, size_t len, size_t *pos,
    struct jwtsafe_error *err)
{
	size_t i = *pos;
	long cp, lo;
	unsigned char c;

	while (i < len) {
		c = s[i];
		if (c == '"') {
			*pos = i + 1;
			return 0;
		}
		if (c < 0x20)
			return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
			    "unescaped control character in a string at "
			    "offset %zu", i);
		if (c != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		switch (s[i + 1]) {
		case '"': case '\\': case '/':
		case 'b': case 'f': case 'n': case 'r': case 't':
			i += 2;
			break;
		case 'u':
			if ((cp = json_hex4(s + i + 2, len - i - 2)) < 0)
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_TOKEN_JSON,
				    "bad \\u escape at offset %zu", i);
			if (cp == 0)
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_TOKEN_JSON,
				    "\\u0000 escape at offset %zu", i);
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_TOKEN_JSON,
				    "lone low surrogate at offset %zu", i);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (len - i < 12 || s[i + 6] != '\\' ||
				    s[i + 7] != 'u' ||
				    (lo = json_hex4(s + i + 8, len - i - 8)) <
				    0xdc00 || lo > 0xdfff)
					return jwtsafe_err_set(err,
					    JWTSAFE_ERR_TOKEN_JSON,
					    "lone high surrogate at offset %zu",
					    i);
				i += 12;
			} else
				i += 6;
			break;
		default:
			return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
			    "bad escape at offset %zu", i);
		}
	}
	return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
	    "unterminated string");
}

/*
 * Check the number starting at s[*pos] against RFC 8259's grammar
 *   -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * cJSON hands its characters to strtod, which also takes "01", "1." and
 * "-.5"; one value must have one spelling.
 */
static int
json_scan_number(const unsigned char *s, size_t len, size_t *pos,
    struct jwtsafe_error *err)
{
	size_t i = *pos, start = *pos, n;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9') {
		while (i < len && JSON_IS_DIGIT(s[i]))
			i++;
	} else
		goto bad;
	if (i < len && s[i] == '.') {
		i++;
		for (n = 0; i < len && JSON_IS_DIGIT(s[i]); n++)
			i++;
		if (n == 0)
			goto bad;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (n = 0; i < len && JSON_IS_DIGIT(s[i]); n++)
			i++;
		if (n == 0)
			goto bad;
	}
	/* the number must end here, not run into more number characters */
	if (i < len && (JSON_IS_DIGIT(s[i]) || s[i] == '.' || s[i] == 'e' ||
	    s[i] == 'E' || s[i] == '+' || s[i] == '-'))
		goto bad;
	*pos = i;
	return 0;
 bad:
	return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
	    "malformed number at offset %zu", start);
}

/*
 * One linear pass over the raw bytes, before cJSON sees them. Refuses a
 * BOM, NUL, invalid UTF-8, control characters (cJSON treats every byte up
 * to 0x20 as whitespace), bad escapes and numbers, and nesting deeper than
 * JWTSAFE_JSON_MAX_DEPTH, so that cJSON never recurses further than that.
 */
static int
json_prescan(const unsigned char *s, size_t len, struct jwtsafe_error *err)
{
	size_t i = 0;
	unsigned int depth = 0;
	const unsigned char *nul;
	unsigned char c;
	int r;

	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
		    "byte-order mark");
	if ((nul = memchr(s, '\0', len)) != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
		    "NUL byte at offset %zu", (size_t)(nul - s));
	if (!jwtsafe_utf8_valid(s, len))
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
		    "invalid UTF-8");

	while (i < len) {
		c = s[i];
		if (c == '"') {
			i++;
			if ((r = json_scan_string(s, len, &i, err)) != 0)
				return r;
		} else if (c == '-' || JSON_IS_DIGIT(c)) {
			if ((r = json_scan_number(s, len, &i, err)) != 0)
				return r;
		} else if (c == '{' || c == '[') {
			if (++depth > JWTSAFE_JSON_MAX_DEPTH)
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_TOKEN_JSON,
				    "nested deeper than %d",
				    JWTSAFE_JSON_MAX_DEPTH);
			i++;
		} else if (c == '}' || c == ']') {
			/* an unbalanced close is cJSON's syntax error */
			if (depth > 0)
				depth--;
			i++;
		} else if (c < 0x20 && !JSON_IS_WS(c)) {
			return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
			    "control character at offset %zu", i);
		} else
			i++;
	}
	return 0;
}

/*
 * Check a parsed node and everything below it. depth is the nesting level
 * of node (the top-level object is 1); the pre-scan already bounds it, the
 * check here keeps the recursion bounded on its own.
 */
static int
json_walk(const cJSON *node, unsigned int depth, struct jwtsafe_error *err)
{
	const cJSON *a, *b;
	size_t n = 0;
	int r;

	if (cJSON_IsString(node)) {
		if (node->valuestring == NULL ||
		    !jwtsafe_utf8_valid((const unsigned char *)node->valuestring,
		    strlen(node->valuestring)))
			return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
			    "string is not valid UTF-8");
		return 0;
	}
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return 0;
	if (depth > JWTSAFE_JSON_MAX_DEPTH)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
		    "nested deeper than %d", JWTSAFE_JSON_MAX_DEPTH);

	if (cJSON_IsObject(node)) {
		for (a = node->child; a != NULL; a = a->next) {
			if (++n > JWTSAFE_JSON_MAX_MEMBERS)
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_TOKEN_JSON,
				    "object with more than %d members",
				    JWTSAFE_JSON_MAX_MEMBERS);
			if (a->string == NULL ||
			    !jwtsafe_utf8_valid((const unsigned char *)a->string,
			    strlen(a->string)))
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_TOKEN_JSON,
				    "member name is not valid UTF-8");
		}
		/*
		 * Names as decoded by cJSON, so "sub" and "s\u0075b" are the
		 * same name; byte-exact, so "sub" and "SUB" are not. The
		 * pre-scan refused "\u0000", so strcmp sees whole names.
		 */
		for (a = node->child; a != NULL; a = a->next) {
			for (b = a->next; b != NULL; b = b->next) {
				if (strcmp(a->string, b->string) == 0)
					return jwtsafe_err_set(err,
					    JWTSAFE_ERR_TOKEN_DUPLICATE,
					    "%s", a->string);
			}
		}
	}
	for (a = node->child; a != NULL; a = a->next) {
		if ((r = json_walk(a, depth + 1, err)) != 0)
			return r;
	}
	return 0;
}

int
jwtsafe_json_parse_object(const char *buf, size_t len, cJSON **out,
    struct jwtsafe_error *err)
{
	const unsigned char *s = (const unsigned char *)buf;
	const char *end = NULL;
	cJSON *root = NULL;
	size_t i;
	int r;

	if (out == NULL || (buf == NULL && len > 0))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "json: no buffer");
	*out = NULL;
	if (len == 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON, "empty");

	if ((r = json_prescan(s, len, err)) != 0)
		goto out;

	/* buf is not NUL-terminated: cJSON reads at most len bytes */
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
		    "syntax error at offset %zu",
		    (end != NULL && end >= buf && end <= buf + len) ?
		    (size_t)(end - buf) : (size_t)0);
		goto out;
	}
	if (end == NULL || end < buf || end > buf + len) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "json: parser end out of range");
		goto out;
	}
	for (i = (size_t)(end - buf); i < len; i++) {
		if (!JSON_IS_WS(s[i])) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
			    "data after the value at offset %zu", i);
			goto out;
		}
	}
	if (!cJSON_IsObject(root)) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_JSON,
		    "top-level value is not an object");
		goto out;
	}
	if ((r = json_walk(root, 1, err)) != 0)
		goto out;

	*out = root;
	root = NULL;
	r = 0;
 out:
	cJSON_Delete(root);
	return r;
}

const cJSON *
jwtsafe_json_get(const cJSON *obj, const char *name)
{
	if (obj == NULL || name == NULL || !cJSON_IsObject(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

int
jwtsafe_json_get_string(const cJSON *obj, const char *name,
    const char **out, struct jwtsafe_error *err)
{
	const cJSON *m;

	if (name == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "json: no name");
	*out = NULL;
	if ((m = jwtsafe_json_get(obj, name)) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_MISSING,
		    "%s", name);
	if (!cJSON_IsString(m) || m->valuestring == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_TYPE,
		    "%s is not a string", name);
	*out = m->valuestring;
	return 0;
}

int
jwtsafe_json_get_time(const cJSON *obj, const char *name, int64_t *out,
    struct jwtsafe_error *err)
{
	const cJSON *m;
	double d;
	int64_t t;

	if (name == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "json: no name");
	if ((m = jwtsafe_json_get(obj, name)) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_MISSING,
		    "%s", name);
	if (!cJSON_IsNumber(m))
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_TYPE,
		    "%s is not a number", name);
	/* valuedouble only: cJSON saturates valueint at INT_MAX */
	d = m->valuedouble;
	/* the range check comes first, so the conversion below is exact */
	if (!isfinite(d) || d < 0.0 || d > (double)JWTSAFE_JSON_TIME_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_TYPE,
		    "%s is out of range", name);
	t = (int64_t)d;
	if ((double)t != d)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_TYPE,
		    "%s is not an integer", name);
	*out = t;
	return 0;
}
