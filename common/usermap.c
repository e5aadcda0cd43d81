/*
 * The subject map; see usermap.h for the format.
 */
#include <stdlib.h>
#include <string.h>

#include "usermap.h"
#include "util.h"
#include "verifier.h"

struct usermap_rule {
	const char *sub;        /* NUL-terminated, in map->text */
	const char *users;      /* nusers names, each NUL-terminated, packed */
	size_t nusers;
	unsigned line;
};

struct jwtsafe_usermap {
	char *text;             /* private copy of the file, cut in place */
	size_t textlen;
	struct usermap_rule *rules;   /* sorted by sub, distinct */
	size_t n;
};

int
jwtsafe_username_valid(const char *user)
{
	size_t len, i;

	if (user == NULL)
		return 0;
	len = strnlen(user, JWTSAFE_USERNAME_MAX + 1);
	if (len == 0 || len > JWTSAFE_USERNAME_MAX)
		return 0;
	if (user[0] == '-' || user[0] == '+')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)user[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == ':' || c == ' ')
			return 0;
	}
	return 1;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
rule_cmp(const void *a, const void *b)
{
	const struct usermap_rule *ra = a, *rb = b;

	return strcmp(ra->sub, rb->sub);
}

/*
 * Parse the rule in line[0..len) (no newline; already checked for length,
 * NUL, comments and blank lines), cutting it in place. Returns NULL on
 * success or a message.
 */
static const char *
parse_rule(char *line, size_t len, struct usermap_rule *rule)
{
	char *colon = NULL, *p, *end = line + len, *w;
	size_t i, sublen, n = 0;

	if (memchr(line, '\r', len) != NULL)
		return "carriage return in line (CRLF line endings are not "
		    "allowed)";
	for (i = len; i > 0; i--) {
		if (line[i - 1] == ':') {
			colon = line + i - 1;
			break;
		}
	}
	if (colon == NULL)
		return "no ':' between the subject and the user names";

	sublen = (size_t)(colon - line);
	if (sublen == 0)
		return "empty subject";
	if (sublen > JWTSAFE_SUB_MAX)
		return "subject longer than 256 bytes";
	if (line[0] == ' ' || line[sublen - 1] == ' ')
		return "subject begins or ends with a space";
	if (jwtsafe_has_control((unsigned char *)line, sublen))
		return "control character (or tab) in the subject";
	if (!jwtsafe_utf8_valid((unsigned char *)line, sublen))
		return "subject is not valid UTF-8";

	p = colon + 1;
	if (p == end)
		return "no user names after ':'";
	if (!is_blank(*p))
		return "':' must be followed by a space or tab";

	/* Pack the names at p as "name\0name\0...", reading ahead of w. */
	w = p;
	while (p < end) {
		char *tok;
		size_t tlen;

		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			break;
		tok = p;
		while (p < end && !is_blank(*p))
			p++;
		tlen = (size_t)(p - tok);
		if (memchr(tok, '#', tlen) != NULL)
			return "'#' in the user list (comments must be on a "
			    "line of their own)";
		if (tlen > JWTSAFE_USERNAME_MAX)
			return "user name longer than 256 bytes";
		memmove(w, tok, tlen);
		w[tlen] = '\0';
		if (!jwtsafe_username_valid(w))
			return "invalid user name (empty, leading '-' or '+', "
			    "or holding '/', ':' or a control character)";
		if (n == 0)
			rule->users = w;
		w += tlen + 1;
		n++;
	}
	if (n == 0)
		return "no user names after ':'";
	*colon = '\0';
	rule->sub = line;
	rule->nusers = n;
	return NULL;
}

int
jwtsafe_usermap_parse(const char *buf, size_t len, const char *name,
    struct jwtsafe_usermap **out, struct jwtsafe_error *err)
{
	struct jwtsafe_usermap *map = NULL;
	struct usermap_rule rule, *tmp;
	size_t cap = 0, pos, llen, i;
	unsigned lineno = 0, dup_line = 0, dup_first = 0;
	const char *msg;
	char *line, *nl;
	int r = JWTSAFE_ERR_INTERNAL;

	if (out != NULL)
		*out = NULL;
	if (buf == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (name == NULL)
		name = "map";
	if (len > JWTSAFE_USERMAP_MAX_SIZE)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "%s: larger than %d bytes", name, JWTSAFE_USERMAP_MAX_SIZE);
	if ((map = calloc(1, sizeof(*map))) == NULL ||
	    (map->text = malloc(len + 1)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "map");
		goto out;
	}
	memcpy(map->text, buf, len);
	map->text[len] = '\0';
	map->textlen = len;

	for (pos = 0; pos < len; pos += llen + 1) {
		line = map->text + pos;
		nl = memchr(line, '\n', len - pos);
		llen = nl != NULL ? (size_t)(nl - line) : len - pos;
		lineno++;
		if (llen > JWTSAFE_USERMAP_LINE_MAX) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "%s:%u: line longer than %d bytes", name, lineno,
			    JWTSAFE_USERMAP_LINE_MAX);
			goto out;
		}
		if (memchr(line, '\0', llen) != NULL) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "%s:%u: NUL byte in line", name, lineno);
			goto out;
		}
		if (llen == 0 || line[0] == '#')
			continue;
		for (i = 0; i < llen && is_blank(line[i]); i++)
			;
		if (i == llen)
			continue;

		memset(&rule, 0, sizeof(rule));
		if ((msg = parse_rule(line, llen, &rule)) != NULL) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "%s:%u: %s", name, lineno, msg);
			goto out;
		}
		rule.line = lineno;
		if (map->n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((tmp = reallocarray(map->rules, cap,
			    sizeof(*tmp))) == NULL) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC,
				    "map rules");
				goto out;
			}
			map->rules = tmp;
		}
		map->rules[map->n++] = rule;
	}

	if (map->n > 1)
		qsort(map->rules, map->n, sizeof(*map->rules), rule_cmp);
	/* Report the duplicate that comes first in the file. */
	for (i = 1; i < map->n; i++) {
		const struct usermap_rule *a = &map->rules[i - 1];
		const struct usermap_rule *b = &map->rules[i];
		unsigned later, earlier;

		if (strcmp(a->sub, b->sub) != 0)
			continue;
		later = a->line > b->line ? a->line : b->line;
		earlier = a->line > b->line ? b->line : a->line;
		if (dup_line == 0 || later < dup_line ||
		    (later == dup_line && earlier < dup_first)) {
			dup_line = later;
			dup_first = earlier;
		}
	}
	if (dup_line != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "%s:%u: subject already has a rule on line %u", name,
		    dup_line, dup_first);
		goto out;
	}

	*out = map;
	map = NULL;
	r = 0;
 out:
	jwtsafe_usermap_free(map);
	return r;
}

int
jwtsafe_usermap_read(const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_usermap **out,
    struct jwtsafe_error *err)
{
	struct jwtsafe_file_policy p;
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || policy == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	p = *policy;
	if (p.max_size == 0)
		p.max_size = JWTSAFE_USERMAP_MAX_SIZE;
	if ((r = jwtsafe_safefile_read(path, &p, &buf, &len, err)) != 0)
		return r;
	r = jwtsafe_usermap_parse(buf, len, path, out, err);
	jwtsafe_freezero(buf, len + 1);
	return r;
}

int
jwtsafe_usermap_allows(const struct jwtsafe_usermap *map, const char *sub,
    const char *user)
{
	struct usermap_rule key;
	const struct usermap_rule *rule;
	const char *u;
	size_t i;

	if (map == NULL || sub == NULL || user == NULL || map->n == 0)
		return 0;
	memset(&key, 0, sizeof(key));
	key.sub = sub;
	rule = bsearch(&key, map->rules, map->n, sizeof(*map->rules),
	    rule_cmp);
	if (rule == NULL)
		return 0;
	for (i = 0, u = rule->users; i < rule->nusers; i++) {
		if (strcmp(u, user) == 0)
			return 1;
		u += strlen(u) + 1;
	}
	return 0;
}

size_t
jwtsafe_usermap_count(const struct jwtsafe_usermap *map)
{
	return map == NULL ? 0 : map->n;
}

void
jwtsafe_usermap_free(struct jwtsafe_usermap *map)
{
	if (map == NULL)
		return;
	if (map->text != NULL)
		jwtsafe_freezero(map->text, map->textlen + 1);
	free(map->rules);
	free(map);
}
