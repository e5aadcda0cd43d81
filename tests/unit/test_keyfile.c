/*
 * Key lines and key files: round trips of every algorithm, and every
 * corruption made from a valid line by one change. Where the change would
 * also break the checksum, the test recomputes the checksum itself (BLAKE2b
 * with libsodium, independent of keyfile.c) so that only the one thing is
 * wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#define NAME "test.keys"

static const enum jwtsafe_alg all_algs[] = {
	JWTSAFE_ALG_EDDSA, JWTSAFE_ALG_ES256, JWTSAFE_ALG_ES384,
	JWTSAFE_ALG_PS256, JWTSAFE_ALG_HS256, JWTSAFE_ALG_HS384,
};

static void
die(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(99);
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("strdup");
	return p;
}

static char *
format_line(const struct jwtsafe_key *key)
{
	struct jwtsafe_error err = { 0 };
	char *line = NULL;

	if (jwtsafe_keyline_format(key, &line, &err) != 0) {
		printf("# %s\n", err.detail);
		die("jwtsafe_keyline_format");
	}
	return line;
}

static char *
b64(const unsigned char *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(cap);

	if (s == NULL)
		die("malloc");
	sodium_bin2base64(s, cap, p, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

/* Replace the last field of line by the right checksum (in place; the
 * checksum field keeps its length). */
static void
fix_checksum(char *line)
{
	unsigned char h[16];
	char *sp = strrchr(line, ' '), *enc;

	if (sp == NULL || strlen(sp + 1) != 22)
		die("fix_checksum: no checksum field");
	crypto_generichash(h, sizeof(h), (unsigned char *)line,
	    (size_t)(sp - line), NULL, 0);
	enc = b64(h, sizeof(h));
	memcpy(sp + 1, enc, 22);
	free(enc);
}

/* A copy of line with field idx (0-based) replaced by value. value may
 * hold spaces to add fields, or be NULL to remove the field. */
static char *
with_field_raw(const char *line, int idx, const char *value)
{
	char *out = malloc(strlen(line) + (value ? strlen(value) : 0) + 2);
	const char *p = line, *sp;
	size_t pos = 0;
	int i = 0;

	if (out == NULL)
		die("malloc");
	for (;;) {
		size_t flen;

		sp = strchr(p, ' ');
		flen = sp == NULL ? strlen(p) : (size_t)(sp - p);
		if (i == idx) {
			if (value != NULL) {
				if (pos > 0)
					out[pos++] = ' ';
				memcpy(out + pos, value, strlen(value));
				pos += strlen(value);
			}
		} else {
			if (pos > 0)
				out[pos++] = ' ';
			memcpy(out + pos, p, flen);
			pos += flen;
		}
		if (sp == NULL)
			break;
		p = sp + 1;
		i++;
	}
	out[pos] = '\0';
	return out;
}

/* The same with the checksum recomputed, so that only the field is wrong. */
static char *
with_field(const char *line, int idx, const char *value)
{
	char *out = with_field_raw(line, idx, value);

	fix_checksum(out);
	return out;
}

static int
parse_code(const char *line, struct jwtsafe_error *err)
{
	struct jwtsafe_key *k = NULL;
	int r;

	memset(err, 0, sizeof(*err));
	r = jwtsafe_keyline_parse(line, strlen(line), &k, err);
	if ((r == 0) != (k != NULL))
		r = JWTSAFE_ERR_INTERNAL;
	if (r != 0 && err->code != r)
		r = JWTSAFE_ERR_INTERNAL;
	jwtsafe_key_free(k);
	return r;
}

static int
file_code(const char *text, struct jwtsafe_keyset *set,
    struct jwtsafe_error *err)
{
	struct jwtsafe_keyset local;
	int r;

	if (set == NULL)
		set = &local;
	memset(err, 0, sizeof(*err));
	r = jwtsafe_keyfile_parse(text, strlen(text), NAME, set, err);
	if (r != 0 && (set->n != 0 || set->keys != NULL || err->code != r))
		r = JWTSAFE_ERR_INTERNAL;
	if (r == 0 && (set->n == 0 || set->keys == NULL))
		r = JWTSAFE_ERR_INTERNAL;
	if (set == &local)
		jwtsafe_keyset_clear(set);
	return r;
}

static int
same_key(const struct jwtsafe_key *a, const struct jwtsafe_key *b)
{
	return a->alg == b->alg && a->purpose == b->purpose &&
	    strcmp(a->kid, b->kid) == 0 && a->not_before == b->not_before &&
	    a->not_after == b->not_after &&
	    a->material_len == b->material_len &&
	    memcmp(a->material, b->material, a->material_len) == 0;
}

static void
round_trip_one(const struct jwtsafe_key *key, const char *what)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *back = NULL;
	char *line = format_line(key), *again = NULL;
	const char *alg = jwtsafe_alg_name(key->alg);

	ok(strncmp(line, "jwtsafe1 ", 9) == 0 &&
	    strncmp(line + 9, alg, strlen(alg)) == 0,
	    "%s %s: line starts with the tag and the algorithm", alg, what);
	ok(strlen(line) <= JWTSAFE_KEYLINE_MAX && strchr(line, '\n') == NULL,
	    "%s %s: one line within the limit", alg, what);
	is_int(jwtsafe_keyline_parse(line, strlen(line), &back, &err), 0,
	    "%s %s: parses back", alg, what);
	if (back == NULL) {
		tap_diag("%s", err.detail);
		jwtsafe_freezero_str(line);
		return;
	}
	ok(same_key(key, back), "%s %s: same algorithm, purpose, kid, window "
	    "and material", alg, what);
	again = format_line(back);
	ok(strcmp(line, again) == 0, "%s %s: formats to the same bytes", alg,
	    what);
	jwtsafe_freezero_str(again);
	jwtsafe_freezero_str(line);
	jwtsafe_key_free(back);
}

static void
test_round_trip(void)
{
	size_t i;

	for (i = 0; i < sizeof(all_algs) / sizeof(all_algs[0]); i++) {
		struct jwtsafe_key *sec = tu_keygen(all_algs[i], "rt-1");
		struct jwtsafe_key *pub;

		/* alternate: a full window, none, and only one end */
		if (i % 3 == 0) {
			sec->not_before = TU_NOW;
			sec->not_after = TU_NOW + 86400;
		} else if (i % 3 == 2) {
			sec->not_after = 253402300799;
		}
		round_trip_one(sec, "secret");
		if ((pub = tu_pub(sec)) != NULL) {
			ok(pub->not_before == sec->not_before &&
			    pub->not_after == sec->not_after,
			    "%s: public half keeps the window",
			    jwtsafe_alg_name(sec->alg));
			round_trip_one(pub, "public");
		}
		jwtsafe_key_free(pub);
		jwtsafe_key_free(sec);
	}
}

/* The valid line every corruption below starts from. */
static char *
valid_eddsa_line(const char *kid)
{
	struct jwtsafe_key *sec = tu_keygen(JWTSAFE_ALG_EDDSA, kid);
	struct jwtsafe_key *pub = tu_pub(sec);
	char *line;

	pub->not_before = TU_NOW;
	pub->not_after = TU_NOW + 3600;
	line = format_line(pub);
	jwtsafe_key_free(pub);
	jwtsafe_key_free(sec);
	return line;
}

static char *
line_with_material(const char *line, const unsigned char *m, size_t n)
{
	char *enc = b64(m, n), *out = with_field(line, 6, enc);

	free(enc);
	return out;
}

static void
test_corrupt_lines(void)
{
	struct jwtsafe_error err;
	char *good = valid_eddsa_line("k1"), *bad, *p;
	unsigned char rnd[64];
	char kid129[JWTSAFE_KID_MAX + 2];

	is_int(parse_code(good, &err), 0, "control: the valid line parses");

	/* checksum */
	bad = xstrdup(good);
	p = strrchr(bad, ' ');
	p -= 10;        /* inside the material */
	*p = *p == 'A' ? 'B' : 'A';
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_CHECKSUM,
	    "one character of the material changed: checksum mismatch");
	free(bad);
	bad = xstrdup(good);
	p = strrchr(bad, ' ') + 1;
	*p = *p == 'A' ? 'B' : 'A';
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_CHECKSUM,
	    "one character of the checksum changed: checksum mismatch");
	free(bad);
	bad = with_field_raw(good, 7, "AAAA");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_CHECKSUM,
	    "checksum field of the wrong length");
	free(bad);

	/* tag, checked first */
	bad = with_field(good, 0, "jwtsafe2");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "tag jwtsafe2 refused");
	ok(strstr(err.detail, "jwtsafe2") != NULL, "message names it: %s",
	    err.detail);
	free(bad);
	bad = with_field(good, 0, "jwtsafe0");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "tag jwtsafe0 refused");
	free(bad);
	bad = with_field(good, 0, "JWTSAFE1");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "tag in upper case refused");
	free(bad);
	/* a future version with another layout is refused as a version */
	bad = xstrdup("jwtsafe2 whatever");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "jwtsafe2 with another layout: refused by its tag");
	ok(strstr(err.detail, "jwtsafe2") != NULL, "message: %s", err.detail);
	free(bad);

	/* order: the tag before the checksum, the checksum before the rest */
	bad = with_field_raw(good, 0, "jwtsafe2");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "unknown tag and stale checksum: the tag is reported");
	free(bad);
	bad = with_field_raw(good, 1, "RS256");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_CHECKSUM,
	    "RS256 with a stale checksum: the checksum is reported, the "
	    "algorithm is not looked at");
	free(bad);

	/* field count and separators */
	bad = with_field(good, 3, NULL);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT, "7 fields");
	free(bad);
	bad = with_field(good, 3, "k1 extra");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT, "9 fields");
	free(bad);
	bad = with_field(good, 1, "EdDSA ");       /* "EdDSA  public" */
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "two spaces between fields");
	free(bad);
	bad = malloc(strlen(good) + 2);
	sprintf(bad, "%s ", good);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT, "trailing space");
	sprintf(bad, "%s\r", good);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "carriage return at the end");
	free(bad);
	bad = xstrdup(good);
	p = strchr(bad, ' ');
	*p = '\t';
	fix_checksum(bad);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "tab as a separator");
	free(bad);

	/* algorithm */
	bad = with_field(good, 1, "RS256");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_ALG,
	    "RS256 (refused algorithm) with a correct checksum");
	free(bad);
	bad = with_field(good, 1, "none");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_ALG, "none refused");
	free(bad);
	bad = with_field(good, 1, "eddsa");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_ALG,
	    "algorithm names are case-sensitive");
	free(bad);

	/* purpose and kid */
	bad = with_field(good, 2, "private");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "purpose \"private\" refused");
	free(bad);
	bad = with_field(good, 3, "k1$");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "kid with '$' refused");
	free(bad);
	memset(kid129, 'a', JWTSAFE_KID_MAX + 1);
	kid129[JWTSAFE_KID_MAX + 1] = '\0';
	bad = with_field(good, 3, kid129);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "kid of 129 characters refused");
	free(bad);
	kid129[JWTSAFE_KID_MAX] = '\0';
	bad = with_field(good, 3, kid129);
	is_int(parse_code(bad, &err), 0, "control: kid of 128 characters");
	free(bad);

	/* times */
	bad = with_field(good, 5, "1700000000");     /* == not_before */
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "not-after equal to not-before refused");
	free(bad);
	bad = with_field(good, 5, "1699999999");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "not-after before not-before refused");
	free(bad);
	bad = with_field(good, 5, "1700000001");
	is_int(parse_code(bad, &err), 0,
	    "control: not-after one second after not-before");
	free(bad);
	bad = with_field(good, 4, "abc");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "not-before \"abc\" refused");
	free(bad);
	bad = with_field(good, 4, "-5");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "negative not-before refused");
	free(bad);
	bad = with_field(good, 4, "+5");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "not-before with '+' refused");
	free(bad);
	bad = with_field(good, 4, "0100");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "not-before with a leading zero refused");
	free(bad);
	bad = with_field(good, 5, "253402300800");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "not-after past 9999-12-31 refused");
	free(bad);
	bad = with_field(good, 5, "253402300799");
	is_int(parse_code(bad, &err), 0, "control: not-after 253402300799");
	free(bad);
	bad = with_field(good, 4, "0");
	is_int(parse_code(bad, &err), 0, "control: not-before 0");
	free(bad);
	bad = with_field(good, 4, "-");
	p = with_field(bad, 5, "-");
	is_int(parse_code(p, &err), 0, "control: no window at all");
	free(p);
	free(bad);

	/* material */
	randombytes_buf(rnd, sizeof(rnd));
	bad = line_with_material(good, rnd, 31);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_INVALID,
	    "EdDSA public material of 31 bytes refused");
	free(bad);
	bad = line_with_material(good, rnd, 33);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_INVALID,
	    "EdDSA public material of 33 bytes refused");
	free(bad);
	bad = with_field(good, 6, "AAAA+AAA");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "material that is not base64url refused");
	free(bad);

	jwtsafe_freezero_str(good);
}

static void
test_purpose_and_hmac(void)
{
	struct jwtsafe_error err;
	struct jwtsafe_key *hs = tu_keygen(JWTSAFE_ALG_HS256, "h1");
	struct jwtsafe_key *es = tu_keygen(JWTSAFE_ALG_ES256, "e1");
	struct jwtsafe_key *espub = tu_pub(es);
	char *hsline = format_line(hs), *esline = format_line(espub), *bad;
	unsigned char rnd[32];

	randombytes_buf(rnd, sizeof(rnd));
	is_int(parse_code(hsline, &err), 0, "control: HS256 secret line");
	bad = line_with_material(hsline, rnd, 31);
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_INVALID,
	    "HS256 key of 31 bytes refused");
	free(bad);
	bad = line_with_material(hsline, rnd, 32);
	is_int(parse_code(bad, &err), 0, "control: HS256 key of 32 bytes");
	free(bad);
	bad = with_field(hsline, 2, "public");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_PURPOSE,
	    "HS256 key marked public refused");
	free(bad);

	is_int(parse_code(esline, &err), 0, "control: ES256 public line");
	bad = with_field(esline, 2, "secret");
	is_int(parse_code(bad, &err), JWTSAFE_ERR_KEY_INVALID,
	    "ES256 public point marked secret refused");
	free(bad);

	jwtsafe_freezero_str(hsline);
	jwtsafe_freezero_str(esline);
	jwtsafe_key_free(espub);
	jwtsafe_key_free(es);
	jwtsafe_key_free(hs);
}

/* Append s and a newline to a growing buffer. */
struct text {
	char *p;
	size_t len, cap;
};

static void
text_add(struct text *t, const char *s, int newline)
{
	size_t n = strlen(s) + (newline ? 1 : 0);

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		if ((t->p = realloc(t->p, t->cap)) == NULL)
			die("realloc");
	}
	memcpy(t->p + t->len, s, strlen(s));
	t->len += strlen(s);
	if (newline)
		t->p[t->len++] = '\n';
	t->p[t->len] = '\0';
}

/* A public EdDSA key line made from a fresh libsodium key pair. */
static char *
small_eddsa_line(const char *kid)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;
	unsigned char pk[32], sk[64];
	char *line;

	crypto_sign_keypair(pk, sk);
	sodium_memzero(sk, sizeof(sk));
	if (jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, kid, pk,
	    sizeof(pk), &k, &err) != 0)
		die(err.detail);
	line = format_line(k);
	jwtsafe_key_free(k);
	return line;
}

static void
test_files(void)
{
	struct jwtsafe_keyset set = { 0 };
	struct jwtsafe_error err;
	struct text t = { 0 };
	struct jwtsafe_key *es = tu_keygen(JWTSAFE_ALG_ES256, "es");
	struct jwtsafe_key *espub = tu_pub(es);
	char *a = small_eddsa_line("a"), *b = small_eddsa_line("b");
	char *a2 = small_eddsa_line("a"), *e = format_line(espub);
	char *longc;
	char kid[16];
	int i;

	/* comments, blank lines, no final newline */
	text_add(&t, "# issuer keys", 1);
	text_add(&t, "", 1);
	text_add(&t, a, 1);
	text_add(&t, "#   next key, from 2024  ", 1);
	text_add(&t, b, 0);
	is_int(file_code(t.p, &set, &err), 0,
	    "comments, blank lines and a last line without newline");
	ok(set.n == 2 && set.alg == JWTSAFE_ALG_EDDSA &&
	    set.keys[0]->line == 3 && set.keys[1]->line == 5 &&
	    strcmp(set.keys[0]->kid, "a") == 0 &&
	    strcmp(set.keys[1]->kid, "b") == 0,
	    "two keys, in order, with their line numbers");
	jwtsafe_keyset_clear(&set);
	ok(set.n == 0 && set.keys == NULL, "keyset_clear resets the set");
	jwtsafe_keyset_clear(NULL);

	/* mixed algorithms */
	t.len = 0;
	text_add(&t, a, 1);
	text_add(&t, e, 1);
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_ALG,
	    "EdDSA then ES256 refused");
	ok(strstr(err.detail, NAME ":2: ") != NULL &&
	    strstr(err.detail, "ES256") != NULL &&
	    strstr(err.detail, "EdDSA") != NULL,
	    "message names the line and both algorithms: %s", err.detail);

	/* duplicate kid */
	t.len = 0;
	text_add(&t, a, 1);
	text_add(&t, "# comment", 1);
	text_add(&t, a2, 1);
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_DUPLICATE_KID,
	    "two keys with kid \"a\" refused");
	ok(strstr(err.detail, NAME ":3: ") != NULL &&
	    strstr(err.detail, "line 1") != NULL,
	    "message names both lines: %s", err.detail);
	t.len = 0;
	text_add(&t, a, 1);
	text_add(&t, b, 1);
	is_int(file_code(t.p, NULL, &err), 0, "control: distinct kids");

	/* all or nothing: a bad third line */
	t.len = 0;
	text_add(&t, a, 1);
	text_add(&t, b, 1);
	text_add(&t, "jwtsafe1 broken", 1);
	is_int(file_code(t.p, &set, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "a bad line after good ones refuses the file");
	ok(set.n == 0 && set.keys == NULL, "and returns no key at all");
	ok(strstr(err.detail, NAME ":3: ") != NULL, "message: %s",
	    err.detail);

	/* whitespace at the file level */
	t.len = 0;
	text_add(&t, a, 0);
	text_add(&t, "\r", 1);
	text_add(&t, b, 1);
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "CRLF line ending refused");
	ok(strstr(err.detail, NAME ":1: ") != NULL, "message: %s",
	    err.detail);
	t.len = 0;
	text_add(&t, "# a comment\r", 1);
	text_add(&t, a, 1);
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "CRLF ending on a comment refused");
	t.len = 0;
	text_add(&t, " ", 0);
	text_add(&t, a, 1);
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "key line with a leading space refused");
	t.len = 0;
	text_add(&t, a, 1);
	text_add(&t, " ", 1);
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "line of one space refused (not an empty line)");
	ok(strstr(err.detail, NAME ":2: ") != NULL, "message: %s",
	    err.detail);

	/* a NUL byte, in a comment and in a key line */
	{
		char nul[] = "# a\0b\n";
		struct jwtsafe_keyset set2;
		size_t alen = strlen(a);
		char *withnul = malloc(alen + 2);

		if (withnul == NULL)
			die("malloc");
		is_int(jwtsafe_keyfile_parse(nul, sizeof(nul) - 1, NAME, &set2,
		    &err), JWTSAFE_ERR_KEY_FORMAT,
		    "NUL byte in a comment refused");
		memcpy(withnul, a, alen);
		withnul[alen] = '\n';
		withnul[alen + 1] = '\0';
		is_int(jwtsafe_keyfile_parse(withnul, alen + 1, NAME, &set2,
		    &err), 0, "control: the key line with its newline");
		jwtsafe_keyset_clear(&set2);
		withnul[alen - 1] = '\0';   /* last checksum character */
		is_int(jwtsafe_keyfile_parse(withnul, alen + 1, NAME, &set2,
		    &err), JWTSAFE_ERR_KEY_FORMAT, "NUL byte in a key line "
		    "refused");
		free(withnul);
	}

	/* no key */
	is_int(file_code("", NULL, &err), JWTSAFE_ERR_KEY_NONE,
	    "empty file: no key");
	is_int(file_code("\n\n", NULL, &err), JWTSAFE_ERR_KEY_NONE,
	    "only empty lines: no key");
	is_int(file_code("# one\n# two\n", NULL, &err), JWTSAFE_ERR_KEY_NONE,
	    "only comments: no key");

	/* line length, on a comment so that only the length is wrong */
	if ((longc = malloc(JWTSAFE_KEYLINE_MAX + 2)) == NULL)
		die("malloc");
	memset(longc, 'x', JWTSAFE_KEYLINE_MAX + 1);
	longc[0] = '#';
	longc[JWTSAFE_KEYLINE_MAX] = '\0';
	t.len = 0;
	text_add(&t, a, 1);
	text_add(&t, longc, 1);
	is_int(file_code(t.p, NULL, &err), 0,
	    "control: line of exactly %d bytes", JWTSAFE_KEYLINE_MAX);
	longc[JWTSAFE_KEYLINE_MAX] = 'x';
	longc[JWTSAFE_KEYLINE_MAX + 1] = '\0';
	t.len = 0;
	text_add(&t, a, 1);
	text_add(&t, longc, 1);
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "line of %d bytes refused", JWTSAFE_KEYLINE_MAX + 1);
	ok(strstr(err.detail, NAME ":2: ") != NULL, "message: %s",
	    err.detail);
	free(longc);

	/* key count */
	t.len = 0;
	for (i = 0; i < JWTSAFE_KEYFILE_MAX_KEYS; i++) {
		char *l;

		snprintf(kid, sizeof(kid), "k%d", i);
		l = small_eddsa_line(kid);
		text_add(&t, l, 1);
		free(l);
	}
	is_int(file_code(t.p, &set, &err), 0, "control: %d keys accepted",
	    JWTSAFE_KEYFILE_MAX_KEYS);
	ok(set.n == JWTSAFE_KEYFILE_MAX_KEYS, "all of them loaded");
	jwtsafe_keyset_clear(&set);
	{
		char *l = small_eddsa_line("one-more");

		text_add(&t, l, 1);
		free(l);
	}
	is_int(file_code(t.p, NULL, &err), JWTSAFE_ERR_KEY_FORMAT,
	    "%d keys refused", JWTSAFE_KEYFILE_MAX_KEYS + 1);
	ok(strstr(err.detail, NAME ":1025: ") != NULL, "message: %s",
	    err.detail);

	free(t.p);
	free(a);
	free(b);
	free(a2);
	free(e);
	jwtsafe_key_free(espub);
	jwtsafe_key_free(es);
}

static void
write_text(const char *path, const char *s, mode_t mode)
{
	FILE *f;

	unlink(path);
	if ((f = fopen(path, "w")) == NULL || fputs(s, f) == EOF ||
	    fclose(f) != 0 || chmod(path, mode) != 0)
		die(path);
}

static void
test_read(void)
{
	struct jwtsafe_file_policy fp;
	struct jwtsafe_keyset set = { 0 };
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *hs = tu_keygen(JWTSAFE_ALG_HS384, "hs");
	char dir[256], path[512], *line = format_line(hs), *text;
	char *a = small_eddsa_line("a");

	snprintf(dir, sizeof(dir), "%s", tu_tmpdir());
	memset(&fp, 0, sizeof(fp));
	fp.owner = geteuid();

	snprintf(path, sizeof(path), "%s/ed.keys", dir);
	write_text(path, a, 0644);
	is_int(jwtsafe_keyfile_read(path, &fp, &set, &err), 0,
	    "keyfile_read: public key file (max_size 0: the default)");
	ok(set.n == 1 && set.keys[0]->line == 1, "one key, line 1");
	jwtsafe_keyset_clear(&set);

	if ((text = malloc(strlen(line) + 2)) == NULL)
		die("malloc");
	sprintf(text, "%s\n", line);
	snprintf(path, sizeof(path), "%s/hs.keys", dir);
	write_text(path, text, 0600);
	fp.secret = 1;
	is_int(jwtsafe_keyfile_read(path, &fp, &set, &err), 0,
	    "keyfile_read: secret key file at 0600");
	ok(set.n == 1 && set.alg == JWTSAFE_ALG_HS384 &&
	    set.keys[0]->purpose == JWTSAFE_KEY_SECRET, "the HS384 secret");
	jwtsafe_keyset_clear(&set);
	chmod(path, 0640);
	is_int(jwtsafe_keyfile_read(path, &fp, &set, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "keyfile_read: same file at 0640 refused");
	ok(set.n == 0 && set.keys == NULL, "no key returned");

	fp.secret = 0;
	fp.max_size = 10;
	is_int(jwtsafe_keyfile_read(path, &fp, &set, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "keyfile_read: policy max_size applies");

	jwtsafe_freezero_str(text);
	jwtsafe_freezero_str(line);
	free(a);
	jwtsafe_key_free(hs);
	tu_rmtree(dir);
}

static void
test_arguments(void)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;
	struct jwtsafe_key bad;
	char *line = NULL;

	is_int(jwtsafe_keyline_parse(NULL, 0, &k, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "parse: NULL line");
	is_int(jwtsafe_keyline_format(NULL, &line, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "format: NULL key");
	memset(&bad, 0, sizeof(bad));
	bad.alg = JWTSAFE_ALG_EDDSA;
	bad.purpose = JWTSAFE_KEY_PUBLIC;
	snprintf(bad.kid, sizeof(bad.kid), "bad kid");
	bad.material = (unsigned char *)"0123456789abcdef0123456789abcdef";
	bad.material_len = 32;
	bad.not_before = bad.not_after = JWTSAFE_TIME_NONE;
	is_int(jwtsafe_keyline_format(&bad, &line, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "format: kid with a space refused");
	ok(line == NULL, "and no line");
}

int
main(void)
{
	if (jwtsafe_init() != 0)
		die("jwtsafe_init");
	test_round_trip();
	test_corrupt_lines();
	test_purpose_and_hmac();
	test_files();
	test_read();
	test_arguments();
	return tap_done();
}
