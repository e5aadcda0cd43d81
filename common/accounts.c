/*
 * The accounts file (and the map= file, which is the same format); see
 * accounts.h. libc only: this file is compiled into the NSS module.
 *
 * One pass over a private copy of the file, cut in place. Names, ids and
 * subjects are checked for duplicates as each line comes, through small
 * open-addressing hash tables, so the first bad line in file order is the
 * one reported and a large file costs linear time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "usermap.h"      /* jwtsafe_username_valid is defined here */
#include "util.h"

/* Which key a hash table is indexed by. */
enum key_kind {
	KEY_ACC_NAME,
	KEY_ACC_UID,
	KEY_ACC_SUBJECT,
	KEY_GRP_NAME,
	KEY_GRP_GID,
	KEY_RULE_SUBJECT,
};

struct islot {
	uint32_t hash;
	uint32_t idx1;            /* entry index + 1; 0 marks an empty slot */
};

struct itab {
	struct islot *slot;
	size_t cap;               /* 0 or a power of two, load kept < 1/2 */
	size_t n;
	enum key_kind kind;
};

struct subject_rule {
	const char *sub;          /* NUL-terminated, in a->text */
	const char *users;        /* nusers names, each NUL-terminated, packed */
	size_t nusers;
	unsigned line;
};

struct jwtsafe_accounts {
	char *text;               /* private copy of the file, cut in place */
	size_t textlen;
	uint32_t min, max;
	struct jwtsafe_account *acc;
	size_t nacc, capacc;
	struct jwtsafe_group *grp;
	size_t ngrp, capgrp;
	struct subject_rule *rules;
	size_t nrules, caprules;
	size_t nsubjects;
	struct itab acc_name, acc_uid, grp_name, grp_gid, rule_sub;
};

struct parser {
	struct jwtsafe_accounts *a;
	const char *name;
	unsigned lineno;
	unsigned range_line;      /* line of the first range line, or 0 */
	unsigned first_entry;     /* line of the first account/group line */
	char msg[128];            /* a formatted problem */
};

/* Result of one line's parser: 0, LINE_BAD (problem in *problem) or a
 * negative JWTSAFE_ERR_* code that stops everything. */
#define LINE_BAD 1

/* ---- small helpers ------------------------------------------------------ */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;        /* FNV-1a */

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t
hash_id(uint32_t v)
{
	return (uint32_t)(((uint64_t)v * UINT64_C(0x9e3779b97f4a7c15)) >> 32);
}

/* The hash of the key of entry idx of table kind k. */
static uint32_t
entry_hash(const struct jwtsafe_accounts *a, enum key_kind k, size_t idx)
{
	switch (k) {
	case KEY_ACC_NAME:
		return hash_str(a->acc[idx].name);
	case KEY_ACC_UID:
		return hash_id(a->acc[idx].uid);
	case KEY_ACC_SUBJECT:
		return hash_str(a->acc[idx].subject);
	case KEY_GRP_NAME:
		return hash_str(a->grp[idx].name);
	case KEY_GRP_GID:
		return hash_id(a->grp[idx].gid);
	case KEY_RULE_SUBJECT:
		return hash_str(a->rules[idx].sub);
	}
	return 0;
}

/* 1 if entry idx has the key (a string or a const uint32_t *). */
static int
entry_match(const struct jwtsafe_accounts *a, enum key_kind k, size_t idx,
    const void *key)
{
	switch (k) {
	case KEY_ACC_NAME:
		return strcmp(a->acc[idx].name, key) == 0;
	case KEY_ACC_UID:
		return a->acc[idx].uid == *(const uint32_t *)key;
	case KEY_ACC_SUBJECT:
		return strcmp(a->acc[idx].subject, key) == 0;
	case KEY_GRP_NAME:
		return strcmp(a->grp[idx].name, key) == 0;
	case KEY_GRP_GID:
		return a->grp[idx].gid == *(const uint32_t *)key;
	case KEY_RULE_SUBJECT:
		return strcmp(a->rules[idx].sub, key) == 0;
	}
	return 0;
}

static uint32_t
key_hash(enum key_kind k, const void *key)
{
	if (k == KEY_ACC_UID || k == KEY_GRP_GID)
		return hash_id(*(const uint32_t *)key);
	return hash_str(key);
}

/* The entry with the key, or -1. */
static long
itab_find(const struct jwtsafe_accounts *a, const struct itab *t,
    const void *key)
{
	uint32_t h;
	size_t i, mask;

	if (t->cap == 0)
		return -1;
	h = key_hash(t->kind, key);
	mask = t->cap - 1;
	/* terminates: the load stays under one half */
	for (i = h & mask; t->slot[i].idx1 != 0; i = (i + 1) & mask) {
		if (t->slot[i].hash == h &&
		    entry_match(a, t->kind, t->slot[i].idx1 - 1, key))
			return (long)(t->slot[i].idx1 - 1);
	}
	return -1;
}

static void
itab_place(struct islot *slot, size_t cap, uint32_t h, uint32_t idx1)
{
	size_t i, mask = cap - 1;

	for (i = h & mask; slot[i].idx1 != 0; i = (i + 1) & mask)
		;
	slot[i].hash = h;
	slot[i].idx1 = idx1;
}

/* Add entry idx (whose key is not in the table yet). */
static int
itab_add(const struct jwtsafe_accounts *a, struct itab *t, size_t idx)
{
	struct islot *ns;
	size_t ncap, i;

	if (idx >= UINT32_MAX)
		return JWTSAFE_ERR_ALLOC;
	if ((t->n + 1) * 2 > t->cap) {
		ncap = t->cap == 0 ? 16 : t->cap * 2;
		if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
			return JWTSAFE_ERR_ALLOC;
		for (i = 0; i < t->cap; i++) {
			if (t->slot[i].idx1 != 0)
				itab_place(ns, ncap, t->slot[i].hash,
				    t->slot[i].idx1);
		}
		free(t->slot);
		t->slot = ns;
		t->cap = ncap;
	}
	itab_place(t->slot, t->cap, entry_hash(a, t->kind, idx),
	    (uint32_t)(idx + 1));
	t->n++;
	return 0;
}

static void
itab_free(struct itab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = t->n = 0;
}

/* Entries by key, or NULL (a table is only filled with its array's
 * entries, so a hit implies the array; the check says so to analysers). */
static const struct jwtsafe_account *
find_account(const struct jwtsafe_accounts *a, const struct itab *t,
    const void *key)
{
	long i = itab_find(a, t, key);

	return i < 0 || a->acc == NULL ? NULL : &a->acc[i];
}

static const struct jwtsafe_group *
find_group(const struct jwtsafe_accounts *a, const struct itab *t,
    const void *key)
{
	long i = itab_find(a, t, key);

	return i < 0 || a->grp == NULL ? NULL : &a->grp[i];
}

static const struct subject_rule *
find_rule(const struct jwtsafe_accounts *a, const char *sub)
{
	long i = itab_find(a, &a->rule_sub, sub);

	return i < 0 || a->rules == NULL ? NULL : &a->rules[i];
}

/* Grow *arr (of *cap elements of size sz) to hold n + 1. */
static int
grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	void *tmp;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 16 : *cap * 2;
	if ((tmp = reallocarray(*arr, ncap, sz)) == NULL)
		return JWTSAFE_ERR_ALLOC;
	*arr = tmp;
	*cap = ncap;
	return 0;
}

/* ---- field checks ------------------------------------------------------- */

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
name_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > JWTSAFE_ACCOUNT_NAME_MAX)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int
jwtsafe_account_name_valid(const char *name)
{
	size_t len;

	if (name == NULL)
		return 0;
	len = strnlen(name, JWTSAFE_ACCOUNT_NAME_MAX + 1);
	return name_valid(name, len);
}

/* Digits only, no leading zero, at most UINT32_MAX. */
static int
parse_id(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 10 || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* An absolute, canonical path of printable ASCII without ':'. */
static int
path_valid(const char *s, size_t len)
{
	size_t i, start, clen;

	if (len == 0 || len > JWTSAFE_ACCOUNT_PATH_MAX || s[0] != '/')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == ':')
			return 0;
	}
	if (len == 1)
		return 1;        /* "/" */
	for (i = 0; i < len; i = start) {
		start = i + 1;
		while (start < len && s[start] != '/')
			start++;
		clen = start - (i + 1);
		if (clen == 0)
			return 0;        /* "//" or a trailing '/' */
		if (clen == 1 && s[i + 1] == '.')
			return 0;
		if (clen == 2 && s[i + 1] == '.' && s[i + 2] == '.')
			return 0;
	}
	return 1;
}

/* The subject rules of usermap.h; NULL or a problem. */
static const char *
subject_problem(const char *s, size_t len)
{
	if (len == 0)
		return "empty subject";
	if (len > JWTSAFE_ACCOUNT_SUB_MAX)
		return "subject longer than 256 bytes";
	if (s[0] == ' ' || s[len - 1] == ' ')
		return "subject begins or ends with a space";
	if (jwtsafe_has_control((const unsigned char *)s, len))
		return "control character (or tab) in the subject";
	if (!jwtsafe_utf8_valid((const unsigned char *)s, len))
		return "subject is not valid UTF-8";
	return NULL;
}

/*
 * The next blank-separated field at *p (before end): *field and *flen, and
 * *p moved past it. 0 when there is none.
 */
static int
next_field(char **p, char *end, char **field, size_t *flen)
{
	char *q = *p;

	while (q < end && is_blank(*q))
		q++;
	if (q == end)
		return 0;
	*field = q;
	while (q < end && !is_blank(*q))
		q++;
	*flen = (size_t)(q - *field);
	*p = q;
	return 1;
}

static const char *
id_problem(struct parser *p, const char *what, const char *s, size_t len,
    uint32_t *out)
{
	uint32_t v;

	if (parse_id(s, len, &v) != 0) {
		snprintf(p->msg, sizeof(p->msg), "%s is not a plain decimal "
		    "number (digits only, no sign, no leading zero)", what);
		return p->msg;
	}
	if (v == 0) {
		snprintf(p->msg, sizeof(p->msg), "%s 0 is never allowed",
		    what);
		return p->msg;
	}
	if (v < p->a->min || v > p->a->max) {
		snprintf(p->msg, sizeof(p->msg), "%s %lu outside the range "
		    "%lu..%lu", what, (unsigned long)v,
		    (unsigned long)p->a->min, (unsigned long)p->a->max);
		return p->msg;
	}
	*out = v;
	return NULL;
}

/* ---- one line of each kind ---------------------------------------------- */

/* "range MIN MAX"; line points after the keyword. */
static int
parse_range(struct parser *p, char *s, char *end, const char **problem)
{
	char *f[3];
	size_t fl[3];
	uint32_t lo, hi;
	int n = 0;

	if (p->range_line != 0) {
		snprintf(p->msg, sizeof(p->msg), "a second range line (the "
		    "first is on line %u)", p->range_line);
		*problem = p->msg;
		return LINE_BAD;
	}
	p->range_line = p->lineno;
	if (p->first_entry != 0) {
		snprintf(p->msg, sizeof(p->msg), "range line after the first "
		    "account or group line (line %u)", p->first_entry);
		*problem = p->msg;
		return LINE_BAD;
	}
	while (n < 3 && next_field(&s, end, &f[n], &fl[n]))
		n++;
	if (n != 2) {
		*problem = "range line: expected \"range MIN MAX\"";
		return LINE_BAD;
	}
	if (parse_id(f[0], fl[0], &lo) != 0 ||
	    parse_id(f[1], fl[1], &hi) != 0) {
		*problem = "range: MIN and MAX must be plain decimal numbers "
		    "(digits only, no sign, no leading zero)";
		return LINE_BAD;
	}
	if (lo < JWTSAFE_ID_LIMIT_MIN || hi > JWTSAFE_ID_LIMIT_MAX) {
		snprintf(p->msg, sizeof(p->msg), "range %lu..%lu is not inside "
		    "%d..%d", (unsigned long)lo, (unsigned long)hi,
		    JWTSAFE_ID_LIMIT_MIN, JWTSAFE_ID_LIMIT_MAX);
		*problem = p->msg;
		return LINE_BAD;
	}
	if (lo > hi) {
		snprintf(p->msg, sizeof(p->msg), "range: MIN %lu is greater "
		    "than MAX %lu", (unsigned long)lo, (unsigned long)hi);
		*problem = p->msg;
		return LINE_BAD;
	}
	p->a->min = lo;
	p->a->max = hi;
	return 0;
}

static int
entries_full(struct parser *p, const char **problem)
{
	if (p->a->nacc + p->a->ngrp < JWTSAFE_ACCOUNTS_MAX)
		return 0;
	snprintf(p->msg, sizeof(p->msg), "more than %d account and group "
	    "lines", JWTSAFE_ACCOUNTS_MAX);
	*problem = p->msg;
	return 1;
}

/* "group NAME GID" */
static int
parse_group(struct parser *p, char *s, char *end, const char **problem)
{
	struct jwtsafe_accounts *a = p->a;
	struct jwtsafe_group *g;
	const struct jwtsafe_group *dup;
	char *f[3];
	size_t fl[3];
	uint32_t gid = 0;
	int n = 0, r;

	while (n < 3 && next_field(&s, end, &f[n], &fl[n]))
		n++;
	if (n != 2) {
		*problem = "group line: expected \"group NAME GID\"";
		return LINE_BAD;
	}
	if (!name_valid(f[0], fl[0])) {
		*problem = "invalid group name (1 to 32 of a-z, 0-9, '_' and "
		    "'-', starting with a letter or '_')";
		return LINE_BAD;
	}
	if ((*problem = id_problem(p, "gid", f[1], fl[1], &gid)) != NULL)
		return LINE_BAD;
	f[0][fl[0]] = '\0';
	if ((dup = find_group(a, &a->grp_name, f[0])) != NULL) {
		snprintf(p->msg, sizeof(p->msg), "group name already declared "
		    "on line %u", dup->line);
		*problem = p->msg;
		return LINE_BAD;
	}
	if ((dup = find_group(a, &a->grp_gid, &gid)) != NULL) {
		snprintf(p->msg, sizeof(p->msg), "gid %lu already used by the "
		    "group on line %u", (unsigned long)gid, dup->line);
		*problem = p->msg;
		return LINE_BAD;
	}
	if (entries_full(p, problem))
		return LINE_BAD;
	if ((r = grow((void **)&a->grp, &a->capgrp, a->ngrp,
	    sizeof(*a->grp))) != 0)
		return r;
	g = &a->grp[a->ngrp];
	memset(g, 0, sizeof(*g));
	memcpy(g->name, f[0], fl[0]);
	g->gid = gid;
	g->line = p->lineno;
	if ((r = itab_add(a, &a->grp_name, a->ngrp)) != 0 ||
	    (r = itab_add(a, &a->grp_gid, a->ngrp)) != 0)
		return r;
	a->ngrp++;
	return 0;
}

/* "account NAME UID GID HOME SHELL SUBJECT" */
static int
parse_account(struct parser *p, char *s, char *end, const char **problem)
{
	struct jwtsafe_accounts *a = p->a;
	struct jwtsafe_account *ac;
	const struct jwtsafe_account *dup;
	char *f[5], *sub;
	size_t fl[5], sublen;
	uint32_t uid = 0, gid = 0;
	int n = 0, r;

	while (n < 5 && next_field(&s, end, &f[n], &fl[n]))
		n++;
	while (s < end && is_blank(*s))
		s++;
	if (n != 5 || s == end) {
		*problem = "account line: expected \"account NAME UID GID HOME "
		    "SHELL SUBJECT\"";
		return LINE_BAD;
	}
	sub = s;
	sublen = (size_t)(end - s);
	if (!name_valid(f[0], fl[0])) {
		*problem = "invalid account name (1 to 32 of a-z, 0-9, '_' "
		    "and '-', starting with a letter or '_')";
		return LINE_BAD;
	}
	if ((*problem = id_problem(p, "uid", f[1], fl[1], &uid)) != NULL ||
	    (*problem = id_problem(p, "gid", f[2], fl[2], &gid)) != NULL)
		return LINE_BAD;
	if (!path_valid(f[3], fl[3])) {
		*problem = "home is not an absolute path of 1 to 256 printable "
		    "ASCII characters without ':', \".\", \"..\", \"//\" or a "
		    "trailing '/'";
		return LINE_BAD;
	}
	if (!path_valid(f[4], fl[4])) {
		*problem = "shell is not an absolute path of 1 to 256 "
		    "printable ASCII characters without ':', \".\", \"..\", "
		    "\"//\" or a trailing '/'";
		return LINE_BAD;
	}
	if ((*problem = subject_problem(sub, sublen)) != NULL)
		return LINE_BAD;
	f[0][fl[0]] = '\0';
	if ((dup = find_account(a, &a->acc_name, f[0])) != NULL) {
		snprintf(p->msg, sizeof(p->msg), "account name already "
		    "declared on line %u", dup->line);
		*problem = p->msg;
		return LINE_BAD;
	}
	if ((dup = find_account(a, &a->acc_uid, &uid)) != NULL) {
		snprintf(p->msg, sizeof(p->msg), "uid %lu already used by the "
		    "account on line %u", (unsigned long)uid, dup->line);
		*problem = p->msg;
		return LINE_BAD;
	}
	if (entries_full(p, problem))
		return LINE_BAD;
	if ((r = grow((void **)&a->acc, &a->capacc, a->nacc,
	    sizeof(*a->acc))) != 0)
		return r;
	ac = &a->acc[a->nacc];
	memset(ac, 0, sizeof(*ac));
	memcpy(ac->name, f[0], fl[0]);
	ac->uid = uid;
	ac->gid = gid;
	memcpy(ac->home, f[3], fl[3]);
	memcpy(ac->shell, f[4], fl[4]);
	sub[sublen] = '\0';           /* end is the line's end: ours to cut */
	ac->subject = sub;
	ac->line = p->lineno;
	if ((r = itab_add(a, &a->acc_name, a->nacc)) != 0 ||
	    (r = itab_add(a, &a->acc_uid, a->nacc)) != 0)
		return r;
	a->nacc++;
	return 0;
}

/*
 * A subject rule in line[0..len), cut in place (the format of usermap.h).
 * Returns NULL on success or a problem.
 */
static const char *
parse_rule(char *line, size_t len, struct subject_rule *rule)
{
	char *colon = NULL, *p, *end = line + len, *w;
	const char *problem;
	size_t i, sublen, n = 0;

	for (i = len; i > 0; i--) {
		if (line[i - 1] == ':') {
			colon = line + i - 1;
			break;
		}
	}
	if (colon == NULL)
		return "no ':' between the subject and the user names";

	sublen = (size_t)(colon - line);
	if ((problem = subject_problem(line, sublen)) != NULL)
		return problem;

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

static int
add_rule(struct parser *p, char *line, size_t len, const char **problem)
{
	struct jwtsafe_accounts *a = p->a;
	struct subject_rule rule;
	const struct subject_rule *dup;
	int r;

	memset(&rule, 0, sizeof(rule));
	if ((*problem = parse_rule(line, len, &rule)) != NULL)
		return LINE_BAD;
	if ((dup = find_rule(a, rule.sub)) != NULL) {
		snprintf(p->msg, sizeof(p->msg), "subject already has a rule "
		    "on line %u", dup->line);
		*problem = p->msg;
		return LINE_BAD;
	}
	rule.line = p->lineno;
	if ((r = grow((void **)&a->rules, &a->caprules, a->nrules,
	    sizeof(*a->rules))) != 0)
		return r;
	a->rules[a->nrules] = rule;
	if ((r = itab_add(a, &a->rule_sub, a->nrules)) != 0)
		return r;
	a->nrules++;
	return 0;
}

/* The keyword at the start of line[0..len), or NULL; *rest after it. */
static const char *
keyword(char *line, size_t len, char **rest)
{
	static const char *const words[] = { "account", "group", "range" };
	size_t i, wl;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		wl = strlen(words[i]);
		if (len >= wl && memcmp(line, words[i], wl) == 0 &&
		    (len == wl || is_blank(line[wl]))) {
			*rest = line + wl;
			return words[i];
		}
	}
	return NULL;
}

/* One line (no newline): 0, LINE_BAD with *problem, or an error. */
static int
parse_line(struct parser *p, char *line, size_t len, const char **problem)
{
	const char *kw;
	char *rest = NULL, *end = line + len;
	size_t i;

	*problem = NULL;
	if (len > JWTSAFE_ACCOUNTS_LINE_MAX) {
		snprintf(p->msg, sizeof(p->msg), "line longer than %d bytes",
		    JWTSAFE_ACCOUNTS_LINE_MAX);
		*problem = p->msg;
		return LINE_BAD;
	}
	if (memchr(line, '\0', len) != NULL) {
		*problem = "NUL byte in line";
		return LINE_BAD;
	}
	if (len == 0 || line[0] == '#')
		return 0;
	for (i = 0; i < len && is_blank(line[i]); i++)
		;
	if (i == len)
		return 0;
	if (memchr(line, '\r', len) != NULL) {
		*problem = "carriage return in line (CRLF line endings are "
		    "not allowed)";
		return LINE_BAD;
	}
	if ((kw = keyword(line, len, &rest)) == NULL)
		return add_rule(p, line, len, problem);
	if (strcmp(kw, "range") == 0)
		return parse_range(p, rest, end, problem);
	if (p->first_entry == 0)
		p->first_entry = p->lineno;
	if (strcmp(kw, "group") == 0)
		return parse_group(p, rest, end, problem);
	return parse_account(p, rest, end, problem);
}

/* Distinct subjects: the rules' (distinct already) and the accounts' that
 * have no rule and did not appear on an earlier account line. */
static int
count_subjects(struct jwtsafe_accounts *a)
{
	struct itab seen;
	size_t i;
	int r = 0;

	memset(&seen, 0, sizeof(seen));
	seen.kind = KEY_ACC_SUBJECT;
	a->nsubjects = a->nrules;
	for (i = 0; i < a->nacc; i++) {
		if (find_rule(a, a->acc[i].subject) != NULL ||
		    itab_find(a, &seen, a->acc[i].subject) >= 0)
			continue;
		if ((r = itab_add(a, &seen, i)) != 0)
			break;
		a->nsubjects++;
	}
	itab_free(&seen);
	return r;
}

int
jwtsafe_accounts_parse(const char *buf, size_t len, const char *name,
    enum jwtsafe_accounts_mode mode, jwtsafe_accounts_report_fn report,
    void *ctx, struct jwtsafe_accounts **out, struct jwtsafe_error *err)
{
	struct jwtsafe_accounts *a = NULL;
	struct parser p;
	const char *problem = NULL;
	size_t pos, llen;
	char *line, *nl;
	int r = JWTSAFE_ERR_INTERNAL, lr;

	if (out != NULL)
		*out = NULL;
	if (buf == NULL || out == NULL ||
	    (mode != JWTSAFE_ACCOUNTS_STRICT && mode != JWTSAFE_ACCOUNTS_SKIP))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (name == NULL)
		name = "accounts";
	if (len > JWTSAFE_ACCOUNTS_MAX_SIZE)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "%s: larger than %d bytes", name,
		    JWTSAFE_ACCOUNTS_MAX_SIZE);
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->text = malloc(len + 1)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "%s", name);
		goto out;
	}
	memcpy(a->text, buf, len);
	a->text[len] = '\0';
	a->textlen = len;
	a->min = JWTSAFE_ID_MIN_DEFAULT;
	a->max = JWTSAFE_ID_MAX_DEFAULT;
	a->acc_name.kind = KEY_ACC_NAME;
	a->acc_uid.kind = KEY_ACC_UID;
	a->grp_name.kind = KEY_GRP_NAME;
	a->grp_gid.kind = KEY_GRP_GID;
	a->rule_sub.kind = KEY_RULE_SUBJECT;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.name = name;
	for (pos = 0; pos < len; pos += llen + 1) {
		line = a->text + pos;
		nl = memchr(line, '\n', len - pos);
		llen = nl != NULL ? (size_t)(nl - line) : len - pos;
		p.lineno++;
		lr = parse_line(&p, line, llen, &problem);
		if (lr < 0) {
			r = jwtsafe_err_set(err, lr, "%s:%u: %s", name,
			    p.lineno, jwtsafe_err_message(lr));
			goto out;
		}
		if (lr == 0)
			continue;
		if (mode == JWTSAFE_ACCOUNTS_STRICT) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "%s:%u: %s", name, p.lineno, problem);
			goto out;
		}
		if (report != NULL)
			report(ctx, name, p.lineno, problem);
	}
	if ((r = count_subjects(a)) != 0) {
		r = jwtsafe_err_set(err, r, "%s", name);
		goto out;
	}

	*out = a;
	a = NULL;
	r = 0;
 out:
	jwtsafe_accounts_free(a);
	return r;
}

int
jwtsafe_accounts_read(const char *path,
    const struct jwtsafe_file_policy *policy, enum jwtsafe_accounts_mode mode,
    jwtsafe_accounts_report_fn report, void *ctx,
    struct jwtsafe_accounts **out, struct jwtsafe_error *err)
{
	struct jwtsafe_file_policy pol;
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	memset(&pol, 0, sizeof(pol));
	if (policy != NULL) {
		pol = *policy;
	} else {
		pol.owner = 0;
		pol.check_dirs = 1;
		pol.secret = 0;
	}
	if (pol.max_size == 0)
		pol.max_size = JWTSAFE_ACCOUNTS_MAX_SIZE;
	if ((r = jwtsafe_safefile_read(path, &pol, &buf, &len, err)) != 0)
		return r;
	r = jwtsafe_accounts_parse(buf, len, path, mode, report, ctx, out,
	    err);
	jwtsafe_freezero(buf, len + 1);
	return r;
}

/* ---- queries ------------------------------------------------------------ */

void
jwtsafe_accounts_range(const struct jwtsafe_accounts *a, uint32_t *min,
    uint32_t *max)
{
	if (min != NULL)
		*min = a != NULL ? a->min : JWTSAFE_ID_MIN_DEFAULT;
	if (max != NULL)
		*max = a != NULL ? a->max : JWTSAFE_ID_MAX_DEFAULT;
}

const struct jwtsafe_account *
jwtsafe_accounts_by_name(const struct jwtsafe_accounts *a, const char *name)
{
	if (a == NULL || !jwtsafe_account_name_valid(name))
		return NULL;
	return find_account(a, &a->acc_name, name);
}

const struct jwtsafe_account *
jwtsafe_accounts_by_uid(const struct jwtsafe_accounts *a, uint32_t uid)
{
	return a == NULL ? NULL : find_account(a, &a->acc_uid, &uid);
}

const struct jwtsafe_group *
jwtsafe_accounts_group_by_name(const struct jwtsafe_accounts *a,
    const char *name)
{
	if (a == NULL || !jwtsafe_account_name_valid(name))
		return NULL;
	return find_group(a, &a->grp_name, name);
}

const struct jwtsafe_group *
jwtsafe_accounts_group_by_gid(const struct jwtsafe_accounts *a,
    uint32_t gid)
{
	return a == NULL ? NULL : find_group(a, &a->grp_gid, &gid);
}

size_t
jwtsafe_accounts_count(const struct jwtsafe_accounts *a)
{
	return a == NULL ? 0 : a->nacc;
}

const struct jwtsafe_account *
jwtsafe_accounts_at(const struct jwtsafe_accounts *a, size_t i)
{
	return a == NULL || i >= a->nacc ? NULL : &a->acc[i];
}

size_t
jwtsafe_accounts_group_count(const struct jwtsafe_accounts *a)
{
	return a == NULL ? 0 : a->ngrp;
}

const struct jwtsafe_group *
jwtsafe_accounts_group_at(const struct jwtsafe_accounts *a, size_t i)
{
	return a == NULL || i >= a->ngrp ? NULL : &a->grp[i];
}

size_t
jwtsafe_accounts_subject_count(const struct jwtsafe_accounts *a)
{
	return a == NULL ? 0 : a->nsubjects;
}

/* 1 if the rule line of sub lists user. */
static int
rule_allows(const struct jwtsafe_accounts *a, const char *sub,
    const char *user)
{
	const struct subject_rule *rule;
	const char *u;
	size_t i;

	if ((rule = find_rule(a, sub)) == NULL)
		return 0;
	for (i = 0, u = rule->users; i < rule->nusers; i++) {
		if (strcmp(u, user) == 0)
			return 1;
		u += strlen(u) + 1;
	}
	return 0;
}

int
jwtsafe_accounts_allows(const struct jwtsafe_accounts *a, const char *sub,
    const char *user)
{
	const struct jwtsafe_account *ac;

	if (a == NULL || sub == NULL || user == NULL)
		return 0;
	if (rule_allows(a, sub, user))
		return 1;
	ac = jwtsafe_accounts_by_name(a, user);
	return ac != NULL && strcmp(ac->subject, sub) == 0;
}

int
jwtsafe_accounts_allows_uid(const struct jwtsafe_accounts *a,
    const char *sub, const char *user, uint32_t uid)
{
	const struct jwtsafe_account *ac;

	if (a == NULL || sub == NULL || user == NULL)
		return 0;
	if (rule_allows(a, sub, user))
		return 1;
	ac = jwtsafe_accounts_by_name(a, user);
	return ac != NULL && ac->uid == uid && strcmp(ac->subject, sub) == 0;
}

void
jwtsafe_accounts_free(struct jwtsafe_accounts *a)
{
	if (a == NULL)
		return;
	if (a->text != NULL)
		jwtsafe_freezero(a->text, a->textlen + 1);
	free(a->acc);
	free(a->grp);
	free(a->rules);
	itab_free(&a->acc_name);
	itab_free(&a->acc_uid);
	itab_free(&a->grp_name);
	itab_free(&a->grp_gid);
	itab_free(&a->rule_sub);
	free(a);
}
