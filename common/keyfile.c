/*
 * Key lines, key files and key import; see keyfile.h for the format.
 *
 * A key line is checked in a fixed order, each step trusting only what the
 * steps before it established: the tag (so that a future format is refused
 * as such, not as garbage), the characters and field split, the checksum
 * (so that nothing from a damaged line is interpreted), then each field,
 * and last the material, which jwtsafe_key_new validates.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "b64url.h"
#include "json.h"
#include "keyfile.h"
#include "util.h"

#define KEYLINE_FIELDS 8
enum keyline_field {
	F_TAG, F_ALG, F_PURPOSE, F_KID, F_NOT_BEFORE, F_NOT_AFTER, F_MATERIAL,
	F_CHECKSUM,
};

#define KEY_TIME_MAX       INT64_C(253402300799)   /* 9999-12-31T23:59:59Z */
#define KEY_TIME_DIGITS    12
#define CHECKSUM_B64_LEN   22   /* base64url of 16 bytes, no padding */
#define ALG_NAME_MAX       32

#define IMPORT_MAX         (64 * 1024)
#define IMPORT_KID_LEN     16
#define RSA_MODULUS_MAX    (JWTSAFE_RSA_MAX_BITS / 8)
#define RSA_EXPONENT_MAX   8
#define EC_COORD_MAX       48

struct field {
	const char *p;
	size_t len;
};

/* ---- key lines ---------------------------------------------------------- */

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* The tag comes first and is checked before anything else. */
static int
keyline_check_tag(const char *line, size_t len, struct jwtsafe_error *err)
{
	const size_t taglen = sizeof(JWTSAFE_KEYFILE_TAG) - 1;
	const char *sp = memchr(line, ' ', len);
	size_t flen = sp == NULL ? len : (size_t)(sp - line), i;
	int printable = flen <= 16;

	if (flen == taglen && memcmp(line, JWTSAFE_KEYFILE_TAG, taglen) == 0)
		return 0;
	for (i = 0; i < flen && printable; i++)
		printable = is_alnum((unsigned char)line[i]);
	if (printable && flen > 7 && memcmp(line, "jwtsafe", 7) == 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "unsupported key format \"%.*s\" (this version reads %s)",
		    (int)flen, line, JWTSAFE_KEYFILE_TAG);
	return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
	    "not a key line: it must start with \"%s \"", JWTSAFE_KEYFILE_TAG);
}

/* Printable ASCII and single spaces only; exactly KEYLINE_FIELDS fields. */
static int
keyline_split(const char *line, size_t len, struct field *f,
    struct jwtsafe_error *err)
{
	size_t i, n = 0, start = 0;

	memset(f, 0, KEYLINE_FIELDS * sizeof(*f));
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == '\r')
			return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
			    "carriage return in the line (CRLF line endings "
			    "are not allowed)");
		if (c == '\t')
			return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
			    "tab at column %zu (fields are separated by one "
			    "space)", i + 1);
		if (c < 0x20 || c > 0x7e)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
			    "control or non-ASCII byte at column %zu", i + 1);
	}
	if (len > 0 && line[len - 1] == ' ')
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "trailing space");
	for (i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (i == 0)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
			    "leading space");
		if (i == start)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
			    "two spaces in a row at column %zu", i);
		if (n < KEYLINE_FIELDS) {
			f[n].p = line + start;
			f[n].len = i - start;
		}
		n++;
		start = i + 1;
	}
	if (n != KEYLINE_FIELDS)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "%zu fields, expected %d", n, KEYLINE_FIELDS);
	return 0;
}

static int
keyline_checksum(const char *line, size_t len,
    unsigned char sum[JWTSAFE_KEY_CHECKSUM_BYTES])
{
	if (crypto_generichash(sum, JWTSAFE_KEY_CHECKSUM_BYTES,
	    (const unsigned char *)line, len, NULL, 0) != 0)
		return JWTSAFE_ERR_INTERNAL;
	return 0;
}

static int
keyline_verify_checksum(const char *line, const struct field *f,
    struct jwtsafe_error *err)
{
	unsigned char want[JWTSAFE_KEY_CHECKSUM_BYTES];
	unsigned char got[JWTSAFE_KEY_CHECKSUM_BYTES + 3];
	size_t gotlen = 0, covered;
	int r = JWTSAFE_ERR_INTERNAL;

	if (f[F_CHECKSUM].p == NULL || f[F_CHECKSUM].p == line)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "no checksum field");
	/* every byte before the space that precedes the checksum */
	covered = (size_t)(f[F_CHECKSUM].p - line) - 1;
	if (f[F_CHECKSUM].len != CHECKSUM_B64_LEN ||
	    jwtsafe_b64url_decode(f[F_CHECKSUM].p, f[F_CHECKSUM].len, got,
	    sizeof(got), &gotlen) != 0 ||
	    gotlen != JWTSAFE_KEY_CHECKSUM_BYTES) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_CHECKSUM,
		    "checksum field is not %d base64url characters",
		    CHECKSUM_B64_LEN);
		goto out;
	}
	if (keyline_checksum(line, covered, want) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "BLAKE2b failed");
		goto out;
	}
	if (sodium_memcmp(want, got, sizeof(want)) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_CHECKSUM,
		    "checksum mismatch: the line is damaged or was edited");
		goto out;
	}
	r = 0;
 out:
	JWTSAFE_WIPE(want);
	JWTSAFE_WIPE(got);
	return r;
}

/* Copy a field into a NUL-terminated buffer; 0 if it does not fit. */
static int
field_copy(const struct field *f, char *buf, size_t bufsize)
{
	if (f->p == NULL || f->len >= bufsize)
		return 0;
	memcpy(buf, f->p, f->len);
	buf[f->len] = '\0';
	return 1;
}

/* "-" or canonical decimal seconds (no leading zero) in [0, KEY_TIME_MAX]. */
static int
field_time(const struct field *f, int64_t *out)
{
	char buf[KEY_TIME_DIGITS + 1];

	if (f->len == 1 && f->p[0] == '-') {
		*out = JWTSAFE_TIME_NONE;
		return 0;
	}
	if (f->len > 1 && f->p[0] == '0')
		return JWTSAFE_ERR_KEY_FORMAT;
	if (!field_copy(f, buf, sizeof(buf)) ||
	    jwtsafe_parse_int64(buf, 0, KEY_TIME_MAX, out) != 0)
		return JWTSAFE_ERR_KEY_FORMAT;
	return 0;
}

/*
 * Parse one line. When expect is not JWTSAFE_ALG_INVALID, a line of another
 * algorithm is refused before its material is looked at (first_line names
 * the line that set expect; 0: expect is the configured algorithm). At the
 * login level (key.h) the line must also hold a key of the purpose a
 * verifier of its algorithm takes, checked before the material is decoded.
 */
static int
keyline_parse_expect(const char *line, size_t len, enum jwtsafe_alg expect,
    unsigned first_line, enum jwtsafe_key_check check,
    struct jwtsafe_key **out, struct jwtsafe_error *err)
{
	struct field f[KEYLINE_FIELDS];
	struct jwtsafe_error e = { 0 };
	char algname[ALG_NAME_MAX + 1], kid[JWTSAFE_KID_MAX + 1];
	unsigned char material[JWTSAFE_KEY_MATERIAL_MAX];
	size_t matlen = 0;
	enum jwtsafe_alg alg = JWTSAFE_ALG_INVALID;
	enum jwtsafe_key_purpose purpose;
	int64_t not_before = JWTSAFE_TIME_NONE, not_after = JWTSAFE_TIME_NONE;
	struct jwtsafe_key *key = NULL;
	int r = JWTSAFE_ERR_INTERNAL;

	if (out != NULL)
		*out = NULL;
	if (line == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (len > JWTSAFE_KEYLINE_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "line longer than %d bytes", JWTSAFE_KEYLINE_MAX);
	if (jwtsafe_init() != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");
	if ((r = keyline_check_tag(line, len, err)) != 0)
		return r;
	if ((r = keyline_split(line, len, f, err)) != 0)
		return r;
	/* Nothing past this point is read from a line that was damaged. */
	if ((r = keyline_verify_checksum(line, f, err)) != 0)
		return r;

	if (!field_copy(&f[F_ALG], algname, sizeof(algname))) {
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "unknown algorithm (name too long)");
	}
	if (jwtsafe_alg_from_name(algname, &alg, &e) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG, "%s",
		    e.detail);
	if (expect != JWTSAFE_ALG_INVALID && alg != expect && first_line == 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "key is %s but the configured algorithm is %s",
		    jwtsafe_alg_name(alg), jwtsafe_alg_name(expect));
	if (expect != JWTSAFE_ALG_INVALID && alg != expect)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "key is %s but the file's first key is %s (line %u)",
		    jwtsafe_alg_name(alg), jwtsafe_alg_name(expect),
		    first_line);

	if (f[F_PURPOSE].len == 6 && memcmp(f[F_PURPOSE].p, "public", 6) == 0)
		purpose = JWTSAFE_KEY_PUBLIC;
	else if (f[F_PURPOSE].len == 6 &&
	    memcmp(f[F_PURPOSE].p, "secret", 6) == 0)
		purpose = JWTSAFE_KEY_SECRET;
	else
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "purpose must be \"public\" or \"secret\"");
	if (check == JWTSAFE_KEY_CHECK_LOGIN &&
	    purpose != (jwtsafe_alg_is_symmetric(alg) ? JWTSAFE_KEY_SECRET :
	    JWTSAFE_KEY_PUBLIC))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    jwtsafe_alg_is_symmetric(alg) ? "%s keys are secret; there "
		    "is no public %s key" : "a %s secret key where a verifier "
		    "takes only public keys (use jwtsafe pubkey)",
		    jwtsafe_alg_name(alg), jwtsafe_alg_name(alg));

	if (!field_copy(&f[F_KID], kid, sizeof(kid)) || !jwtsafe_kid_valid(kid))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "invalid kid (1 to %d of A-Z a-z 0-9 . _ ~ + / = -)",
		    JWTSAFE_KID_MAX);

	if (field_time(&f[F_NOT_BEFORE], &not_before) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "not-before must be \"-\" or seconds since the epoch "
		    "(0 to %lld, no leading zeros)", (long long)KEY_TIME_MAX);
	if (field_time(&f[F_NOT_AFTER], &not_after) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "not-after must be \"-\" or seconds since the epoch "
		    "(0 to %lld, no leading zeros)", (long long)KEY_TIME_MAX);
	if (not_before != JWTSAFE_TIME_NONE && not_after != JWTSAFE_TIME_NONE &&
	    not_after <= not_before)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "not-after (%lld) is not after not-before (%lld)",
		    (long long)not_after, (long long)not_before);

	if (f[F_MATERIAL].len + 1 >
	    JWTSAFE_B64URL_ENCODED_LEN(JWTSAFE_KEY_MATERIAL_MAX) ||
	    jwtsafe_b64url_decode(f[F_MATERIAL].p, f[F_MATERIAL].len,
	    material, sizeof(material), &matlen) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "key material is not base64url of at most %d bytes",
		    JWTSAFE_KEY_MATERIAL_MAX);
		goto out;
	}
	if ((r = jwtsafe_key_new_ex(alg, purpose, kid, material, matlen,
	    check, &key, err)) != 0)
		goto out;
	key->not_before = not_before;
	key->not_after = not_after;
	*out = key;
	r = 0;
 out:
	JWTSAFE_WIPE(material);
	return r;
}

int
jwtsafe_keyline_parse(const char *line, size_t len, struct jwtsafe_key **out,
    struct jwtsafe_error *err)
{
	return keyline_parse_expect(line, len, JWTSAFE_ALG_INVALID, 0,
	    JWTSAFE_KEY_CHECK_FULL, out, err);
}

int
jwtsafe_keyline_parse_login(const char *line, size_t len,
    enum jwtsafe_alg alg, struct jwtsafe_key **out, struct jwtsafe_error *err)
{
	if (out != NULL)
		*out = NULL;
	if (alg < JWTSAFE_ALG_FIRST || alg > JWTSAFE_ALG_LAST)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown algorithm");
	return keyline_parse_expect(line, len, alg, 0, JWTSAFE_KEY_CHECK_LOGIN,
	    out, err);
}

static int
time_valid(int64_t t)
{
	return t == JWTSAFE_TIME_NONE || (t >= 0 && t <= KEY_TIME_MAX);
}

static void
time_format(int64_t t, char *buf, size_t n)
{
	if (t == JWTSAFE_TIME_NONE)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%lld", (long long)t);
}

int
jwtsafe_keyline_format(const struct jwtsafe_key *key, char **out,
    struct jwtsafe_error *err)
{
	unsigned char sum[JWTSAFE_KEY_CHECKSUM_BYTES];
	char nbf[24], naf[24];
	char *buf = NULL;
	size_t cap = 0, pos;
	int n, r = JWTSAFE_ERR_INTERNAL;

	if (out != NULL)
		*out = NULL;
	if (key == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (key->alg < JWTSAFE_ALG_FIRST || key->alg > JWTSAFE_ALG_LAST ||
	    (key->purpose != JWTSAFE_KEY_PUBLIC &&
	    key->purpose != JWTSAFE_KEY_SECRET) ||
	    !jwtsafe_kid_valid(key->kid) || key->material == NULL ||
	    key->material_len == 0 ||
	    key->material_len > JWTSAFE_KEY_MATERIAL_MAX ||
	    !time_valid(key->not_before) || !time_valid(key->not_after) ||
	    (key->not_before != JWTSAFE_TIME_NONE &&
	    key->not_after != JWTSAFE_TIME_NONE &&
	    key->not_after <= key->not_before))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "key cannot be written: invalid field");
	if (jwtsafe_init() != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");
	time_format(key->not_before, nbf, sizeof(nbf));
	time_format(key->not_after, naf, sizeof(naf));

	cap = sizeof(JWTSAFE_KEYFILE_TAG) + ALG_NAME_MAX + 1 + 7 +
	    strlen(key->kid) + 1 + strlen(nbf) + 1 + strlen(naf) + 1 +
	    JWTSAFE_B64URL_ENCODED_LEN(key->material_len) +
	    JWTSAFE_B64URL_ENCODED_LEN(JWTSAFE_KEY_CHECKSUM_BYTES) + 1;
	if ((buf = malloc(cap)) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "key line");
	n = snprintf(buf, cap, "%s %s %s %s %s %s ", JWTSAFE_KEYFILE_TAG,
	    jwtsafe_alg_name(key->alg),
	    key->purpose == JWTSAFE_KEY_PUBLIC ? "public" : "secret",
	    key->kid, nbf, naf);
	if (n < 0 || (size_t)n >= cap) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL, "key line");
		goto out;
	}
	pos = (size_t)n;
	if ((n = jwtsafe_b64url_encode(key->material, key->material_len,
	    buf + pos, cap - pos)) < 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "encoding the key material");
		goto out;
	}
	pos += (size_t)n;
	if (keyline_checksum(buf, pos, sum) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "BLAKE2b failed");
		goto out;
	}
	buf[pos++] = ' ';
	if ((n = jwtsafe_b64url_encode(sum, sizeof(sum), buf + pos,
	    cap - pos)) < 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "encoding the checksum");
		goto out;
	}
	pos += (size_t)n;
	if (pos > JWTSAFE_KEYLINE_MAX) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "key line would be longer than %d bytes",
		    JWTSAFE_KEYLINE_MAX);
		goto out;
	}
	*out = buf;
	buf = NULL;
	r = 0;
 out:
	if (buf != NULL)
		jwtsafe_freezero(buf, cap);
	JWTSAFE_WIPE(sum);
	return r;
}

/* ---- key files ---------------------------------------------------------- */

void
jwtsafe_keyset_clear(struct jwtsafe_keyset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		jwtsafe_key_free(set->keys[i]);
	free(set->keys);
	set->keys = NULL;
	set->n = 0;
	set->alg = JWTSAFE_ALG_INVALID;
}

/* A comment may hold any UTF-8 text but no control character (CR, tab). */
static int
comment_check(const char *line, size_t len, struct jwtsafe_error *err)
{
	if (jwtsafe_has_control((const unsigned char *)line, len))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    memchr(line, '\r', len) != NULL ?
		    "carriage return in a comment (CRLF line endings are "
		    "not allowed)" : "control character or tab in a comment");
	if (!jwtsafe_utf8_valid((const unsigned char *)line, len))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "comment is not valid UTF-8");
	return 0;
}

/*
 * What every line of a key file must pass, key line or not: a line count
 * that fits, the length bound, no leading whitespace, and a clean comment.
 * Advances *lineno. Returns 0 or the error, set in err as "name:line: ...".
 */
static int
line_check(const char *p, size_t linelen, const char *name,
    unsigned *lineno, struct jwtsafe_error *err)
{
	struct jwtsafe_error e = { 0 };
	int r;

	if (*lineno == UINT_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "%s: too many lines", name);
	(*lineno)++;
	if (linelen > JWTSAFE_KEYLINE_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "%s:%u: line longer than %d bytes", name, *lineno,
		    JWTSAFE_KEYLINE_MAX);
	if (linelen > 0 && (p[0] == ' ' || p[0] == '\t'))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "%s:%u: line begins with whitespace", name, *lineno);
	if (linelen > 0 && p[0] == '#' &&
	    (r = comment_check(p, linelen, &e)) != 0)
		return jwtsafe_err_set(err, r, "%s:%u: %s", name, *lineno,
		    e.detail);
	return 0;
}

int
jwtsafe_keyfile_parse(const char *buf, size_t len, const char *name,
    struct jwtsafe_keyset *out, struct jwtsafe_error *err)
{
	struct jwtsafe_keyset set = { JWTSAFE_ALG_INVALID, NULL, 0 };
	struct jwtsafe_error e = { 0 };
	struct jwtsafe_key *key = NULL, **grown;
	const char *p, *end, *nl;
	size_t linelen, cap = 0, i;
	unsigned lineno = 0, first_line = 0;
	int r = JWTSAFE_ERR_INTERNAL;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((buf == NULL && len > 0) || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (name == NULL)
		name = "(key file)";

	for (p = buf, end = buf + len; p != NULL && p < end; ) {
		nl = memchr(p, '\n', (size_t)(end - p));
		linelen = nl == NULL ? (size_t)(end - p) : (size_t)(nl - p);
		if ((r = line_check(p, linelen, name, &lineno, err)) != 0)
			goto out;
		if (linelen > 0 && p[0] != '#') {
			if (set.n == JWTSAFE_KEYFILE_MAX_KEYS) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
				    "%s:%u: more than %d keys in one file",
				    name, lineno, JWTSAFE_KEYFILE_MAX_KEYS);
				goto out;
			}
			r = keyline_parse_expect(p, linelen, set.alg,
			    first_line, JWTSAFE_KEY_CHECK_FULL, &key, &e);
			if (r == 0 && key == NULL) {
				r = JWTSAFE_ERR_INTERNAL;
				jwtsafe_err_set(&e, r, "no key returned");
			}
			if (r != 0) {
				jwtsafe_err_set(err, r, "%s:%u: %s", name,
				    lineno, e.detail);
				goto out;
			}
			key->line = lineno;
			for (i = 0; i < set.n; i++) {
				if (strcmp(set.keys[i]->kid, key->kid) != 0)
					continue;
				r = jwtsafe_err_set(err,
				    JWTSAFE_ERR_KEY_DUPLICATE_KID,
				    "%s:%u: kid \"%.40s\" is already used on "
				    "line %u", name, lineno, key->kid,
				    set.keys[i]->line);
				goto out;
			}
			if (set.n == cap) {
				cap = cap == 0 ? 4 : cap * 2;
				if (cap > JWTSAFE_KEYFILE_MAX_KEYS)
					cap = JWTSAFE_KEYFILE_MAX_KEYS;
				grown = realloc(set.keys,
				    cap * sizeof(*set.keys));
				if (grown == NULL) {
					r = jwtsafe_err_set(err,
					    JWTSAFE_ERR_ALLOC, "%s", name);
					goto out;
				}
				set.keys = grown;
			}
			if (set.n == 0) {
				set.alg = key->alg;
				first_line = lineno;
			}
			set.keys[set.n++] = key;
			key = NULL;
		}
		p = nl == NULL ? NULL : nl + 1;
	}
	if (set.n == 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_NONE,
		    "%s: no key in the file (only empty lines or comments)",
		    name);
		goto out;
	}
	*out = set;
	memset(&set, 0, sizeof(set));
	r = 0;
 out:
	jwtsafe_key_free(key);
	jwtsafe_keyset_clear(&set);
	return r;
}

int
jwtsafe_keyfile_read(const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_keyset *out,
    struct jwtsafe_error *err)
{
	struct jwtsafe_file_policy p;
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (path == NULL || policy == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	p = *policy;
	if (p.max_size == 0)
		p.max_size = JWTSAFE_KEYFILE_MAX_SIZE;
	if ((r = jwtsafe_safefile_read(path, &p, &buf, &len, err)) != 0)
		return r;
	r = jwtsafe_keyfile_parse(buf, len, path, out, err);
	jwtsafe_freezero(buf, len + 1);
	return r;
}

/*
 * The kid field (the fourth) of a key line whose tag was checked: *kid and
 * *kidlen, or 0 when the line has fewer than five fields.
 */
static int
keyline_kid_field(const char *line, size_t len, const char **alg,
    size_t *alglen, const char **kid, size_t *kidlen)
{
	const char *p = line, *end = line + len, *sp;
	const char *f[4];
	int i;

	for (i = 0; i < 4; i++) {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			return 0;
		f[i] = sp + 1;
		p = sp + 1;
	}
	/* f[0] ALG, f[1] PURPOSE, f[2] KID, f[3] NOT_BEFORE */
	*alg = f[0];
	*alglen = (size_t)(f[1] - f[0] - 1);
	*kid = f[2];
	*kidlen = (size_t)(f[3] - f[2] - 1);
	return 1;
}

int
jwtsafe_keyfile_index(const char *buf, size_t len, const char *name,
    enum jwtsafe_alg alg, struct jwtsafe_keyref **refs, size_t *nrefs,
    struct jwtsafe_error *err)
{
	struct jwtsafe_keyref *set = NULL, *grown;
	struct jwtsafe_error e = { 0 };
	const char *p, *end, *nl, *an, *kid, *want;
	char algname[ALG_NAME_MAX + 1];
	enum jwtsafe_alg lalg;
	size_t linelen, n = 0, cap = 0, alen, kidlen;
	unsigned lineno = 0;
	int r = JWTSAFE_ERR_INTERNAL;

	if (refs != NULL)
		*refs = NULL;
	if (nrefs != NULL)
		*nrefs = 0;
	if ((buf == NULL && len > 0) || refs == NULL || nrefs == NULL ||
	    alg < JWTSAFE_ALG_FIRST || alg > JWTSAFE_ALG_LAST)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (name == NULL)
		name = "(key file)";
	want = jwtsafe_alg_name(alg);

	for (p = buf, end = buf + len; p != NULL && p < end; ) {
		nl = memchr(p, '\n', (size_t)(end - p));
		linelen = nl == NULL ? (size_t)(end - p) : (size_t)(nl - p);
		if ((r = line_check(p, linelen, name, &lineno, err)) != 0)
			goto out;
		if (linelen > 0 && p[0] != '#') {
			if (n == JWTSAFE_KEYFILE_MAX_KEYS) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
				    "%s:%u: more than %d keys in one file",
				    name, lineno, JWTSAFE_KEYFILE_MAX_KEYS);
				goto out;
			}
			if ((r = keyline_check_tag(p, linelen, &e)) != 0) {
				jwtsafe_err_set(err, r, "%s:%u: %s", name,
				    lineno, e.detail);
				goto out;
			}
			if (!keyline_kid_field(p, linelen, &an, &alen, &kid,
			    &kidlen) || kidlen == 0 || alen == 0) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
				    "%s:%u: too few fields, expected %d", name,
				    lineno, KEYLINE_FIELDS);
				goto out;
			}
			/* The algorithm, before anything of the key; the
			 * name lookup only to name a wrong one. */
			if (alen == strlen(want) &&
			    memcmp(an, want, alen) == 0)
				lalg = alg;
			else if (alen > ALG_NAME_MAX) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
				    "%s:%u: unknown algorithm (name too long)",
				    name, lineno);
				goto out;
			} else {
				memcpy(algname, an, alen);
				algname[alen] = '\0';
				if (jwtsafe_alg_from_name(algname, &lalg,
				    &e) != 0) {
					r = jwtsafe_err_set(err,
					    JWTSAFE_ERR_KEY_ALG, "%s:%u: %s",
					    name, lineno, e.detail);
					goto out;
				}
			}
			if (lalg != alg && n == 0) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
				    "%s: holds %s keys but the configured "
				    "algorithm is %s", name,
				    jwtsafe_alg_name(lalg),
				    jwtsafe_alg_name(alg));
				goto out;
			}
			if (lalg != alg) {
				r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
				    "%s:%u: key is %s but the configured "
				    "algorithm is %s", name, lineno,
				    jwtsafe_alg_name(lalg),
				    jwtsafe_alg_name(alg));
				goto out;
			}
			if (n == cap) {
				cap = cap == 0 ? 4 : cap * 2;
				if (cap > JWTSAFE_KEYFILE_MAX_KEYS)
					cap = JWTSAFE_KEYFILE_MAX_KEYS;
				if ((grown = reallocarray(set, cap,
				    sizeof(*set))) == NULL) {
					r = jwtsafe_err_set(err,
					    JWTSAFE_ERR_ALLOC, "%s", name);
					goto out;
				}
				set = grown;
			}
			set[n].line = p;
			set[n].len = linelen;
			set[n].lineno = lineno;
			set[n].kid = kid;
			set[n].kidlen = kidlen;
			n++;
		}
		p = nl == NULL ? NULL : nl + 1;
	}
	if (n == 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_NONE,
		    "%s: no key in the file (only empty lines or comments)",
		    name);
		goto out;
	}
	*refs = set;
	*nrefs = n;
	set = NULL;
	r = 0;
 out:
	free(set);
	return r;
}

/* ---- import ------------------------------------------------------------- */

/* A growable owned buffer for material, wiped on release. */
struct material {
	unsigned char *p;
	size_t len;
};

static int
material_set(struct material *m, const unsigned char *p, size_t len,
    struct jwtsafe_error *err)
{
	if (len == 0 || len > JWTSAFE_KEY_MATERIAL_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "key material of %zu bytes", len);
	if ((m->p = malloc(len)) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "key material");
	memcpy(m->p, p, len);
	m->len = len;
	return 0;
}

static void
material_clear(struct material *m)
{
	jwtsafe_freezero(m->p, m->len);
	m->p = NULL;
	m->len = 0;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
only_space(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (!is_space(*p))
			return 0;
	}
	return 1;
}

/* Never prompt for a pass phrase: a public key is never encrypted. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Refuse every PEM block but one "PUBLIC KEY", with a useful message. */
static int
pem_check_envelope(const char *text, size_t len, struct jwtsafe_error *err)
{
	static const char begin[] = "-----BEGIN ";
	static const char want_begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char want_end[] = "-----END PUBLIC KEY-----";
	const char *end = text + len, *p = text, *label, *dash, *e;
	size_t labellen, i;
	int printable;

	while (p < end && is_space(*p))
		p++;
	label = p + sizeof(begin) - 1;
	dash = label < end ? memmem(label, (size_t)(end - label), "-----", 5) :
	    NULL;
	if (dash == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "PEM BEGIN line is incomplete");
	labellen = (size_t)(dash - label);
	printable = labellen <= 40;
	for (i = 0; i < labellen && printable; i++)
		printable = label[i] >= 0x20 && label[i] < 0x7f;
	if (labellen == 10 && memcmp(label, "PUBLIC KEY", 10) == 0) {
		/* the one accepted type; checked below */
	} else if (memmem(label, labellen, "CERTIFICATE", 11) != NULL) {
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "a certificate is not accepted; extract its public key "
		    "(openssl x509 -pubkey -noout) and import that");
	} else if (labellen == 14 && memcmp(label, "RSA PUBLIC KEY", 14) == 0) {
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "PKCS#1 \"RSA PUBLIC KEY\" is not accepted; convert it "
		    "(openssl rsa -RSAPublicKey_in -pubout)");
	} else {
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "PEM type \"%.*s\" is not accepted; import takes a "
		    "\"PUBLIC KEY\"", printable ? (int)labellen : 1,
		    printable ? label : "?");
	}
	if ((size_t)(end - p) < sizeof(want_begin) - 1 ||
	    memcmp(p, want_begin, sizeof(want_begin) - 1) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "malformed PEM BEGIN line");
	p += sizeof(want_begin) - 1;
	if (memmem(p, (size_t)(end - p), begin, sizeof(begin) - 1) != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "more than one PEM block; import one key at a time");
	if ((e = memmem(p, (size_t)(end - p), want_end,
	    sizeof(want_end) - 1)) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "no \"%s\" line", want_end);
	if (!only_space(e + sizeof(want_end) - 1, end))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "data after the PEM END line");
	return 0;
}

static int
ec_nid_for(enum jwtsafe_alg alg, size_t *coord, const char **crv)
{
	if (alg == JWTSAFE_ALG_ES256) {
		*coord = 32;
		*crv = "P-256";
		return NID_X9_62_prime256v1;
	}
	*coord = 48;
	*crv = "P-384";
	return NID_secp384r1;
}

static int
import_pem_ec(enum jwtsafe_alg alg, const EVP_PKEY *pkey, struct material *m,
    struct jwtsafe_error *err)
{
	unsigned char point[1 + 2 * EC_COORD_MAX];
	char group[64];
	const char *crv = NULL;
	BIGNUM *x = NULL, *y = NULL;
	size_t glen = 0, coord = 0;
	int nid, r = JWTSAFE_ERR_INTERNAL;

	nid = ec_nid_for(alg, &coord, &crv);
	if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &glen) != 1) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "EC key without a named curve");
		goto out;
	}
	if (OBJ_sn2nid(group) != nid) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "the key is on curve %.40s; %s needs %s", group,
		    jwtsafe_alg_name(alg), crv);
		goto out;
	}
	/* Rebuild 0x04||X||Y: the SPKI may have held a compressed point. */
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1 ||
	    BN_bn2binpad(x, point + 1, (int)coord) != (int)coord ||
	    BN_bn2binpad(y, point + 1 + coord, (int)coord) != (int)coord) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "cannot read the EC public point");
		goto out;
	}
	point[0] = 0x04;
	r = material_set(m, point, 1 + 2 * coord, err);
 out:
	BN_free(x);
	BN_free(y);
	return r;
}

static int
import_pem(enum jwtsafe_alg alg, const char *text, size_t len,
    struct material *m, struct jwtsafe_error *err)
{
	unsigned char raw[32];
	unsigned char *der = NULL, *dp;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	size_t rawlen = sizeof(raw);
	int n, r = JWTSAFE_ERR_INTERNAL;

	/* Before anything else: a private key must not be spread around. */
	if (memmem(text, len, "PRIVATE KEY", 11) != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    "private key given; import takes public keys");
	if (jwtsafe_alg_is_symmetric(alg))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "%s keys are not PEM; import a JWK of kty \"oct\"",
		    jwtsafe_alg_name(alg));
	if ((r = pem_check_envelope(text, len, err)) != 0)
		return r;
	if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "PEM buffer");
		goto out;
	}
	if ((pkey = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL)) ==
	    NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "the PEM public key does not parse");
		goto out;
	}
	switch (alg) {
	case JWTSAFE_ALG_EDDSA:
		if (!EVP_PKEY_is_a(pkey, "ED25519")) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
			    "the PEM key is %.20s; EdDSA needs Ed25519",
			    EVP_PKEY_get0_type_name(pkey) != NULL ?
			    EVP_PKEY_get0_type_name(pkey) : "unknown");
			goto out;
		}
		if (EVP_PKEY_get_raw_public_key(pkey, raw, &rawlen) != 1 ||
		    rawlen != sizeof(raw)) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
			    "cannot read the Ed25519 public key");
			goto out;
		}
		r = material_set(m, raw, rawlen, err);
		break;
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		if (!EVP_PKEY_is_a(pkey, "EC")) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
			    "the PEM key is %.20s; %s needs an EC key",
			    EVP_PKEY_get0_type_name(pkey) != NULL ?
			    EVP_PKEY_get0_type_name(pkey) : "unknown",
			    jwtsafe_alg_name(alg));
			goto out;
		}
		r = import_pem_ec(alg, pkey, m, err);
		break;
	case JWTSAFE_ALG_PS256:
		/* rsaEncryption only: an id-RSASSA-PSS key is "RSA-PSS" */
		if (!EVP_PKEY_is_a(pkey, "RSA")) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
			    "the PEM key is %.20s; PS256 needs an "
			    "rsaEncryption RSA key",
			    EVP_PKEY_get0_type_name(pkey) != NULL ?
			    EVP_PKEY_get0_type_name(pkey) : "unknown");
			goto out;
		}
		if ((n = i2d_PUBKEY(pkey, NULL)) <= 0 ||
		    (size_t)n > JWTSAFE_KEY_MATERIAL_MAX) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
			    "cannot encode the RSA public key");
			goto out;
		}
		if ((der = malloc((size_t)n)) == NULL) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "RSA key");
			goto out;
		}
		dp = der;
		if (i2d_PUBKEY(pkey, &dp) != n) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
			    "i2d_PUBKEY");
			goto out;
		}
		r = material_set(m, der, (size_t)n, err);
		break;
	default:
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown algorithm");
		break;
	}
 out:
	free(der);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	ERR_clear_error();
	JWTSAFE_WIPE(raw);
	return r;
}

/*
 * Decode JWK member name (a base64url string) into out (room outmax).
 * Missing or not a string: KEY_FORMAT; longer than outmax: KEY_INVALID.
 */
static int
jwk_get_b64(const cJSON *jwk, const char *name, unsigned char *out,
    size_t outmax, size_t *outlen, struct jwtsafe_error *err)
{
	const cJSON *item = jwtsafe_json_get(jwk, name);
	size_t slen;
	int r;

	*outlen = 0;
	if (item == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "JWK has no \"%s\"", name);
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "JWK \"%s\" is not a string", name);
	slen = strlen(item->valuestring);
	if (slen + 1 > JWTSAFE_B64URL_ENCODED_LEN(outmax))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "JWK \"%s\" is longer than %zu bytes", name, outmax);
	r = jwtsafe_b64url_decode(item->valuestring, slen, out, outmax, outlen);
	if (r == JWTSAFE_ERR_INVALID_ARGUMENT)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "JWK \"%s\" is longer than %zu bytes", name, outmax);
	if (r != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "JWK \"%s\" is not strict base64url", name);
	return 0;
}

/* An optional string member: NULL when absent; KEY_FORMAT if not a string. */
static int
jwk_opt_string(const cJSON *jwk, const char *name, const char **out,
    struct jwtsafe_error *err)
{
	const cJSON *item = jwtsafe_json_get(jwk, name);

	*out = NULL;
	if (item == NULL)
		return 0;
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "JWK \"%s\" is not a string", name);
	*out = item->valuestring;
	return 0;
}

/* "alg", "use" and "key_ops" must allow this use of the key. */
static int
jwk_check_usage(const cJSON *jwk, enum jwtsafe_alg alg, int symmetric,
    struct jwtsafe_error *err)
{
	const cJSON *ops, *op;
	const char *s = NULL;
	int r, has_verify = 0;

	if ((r = jwk_opt_string(jwk, "alg", &s, err)) != 0)
		return r;
	if (s != NULL && strcmp(s, jwtsafe_alg_name(alg)) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "the JWK is for alg \"%.20s\", not %s", s,
		    jwtsafe_alg_name(alg));
	if ((r = jwk_opt_string(jwk, "use", &s, err)) != 0)
		return r;
	if (s != NULL && strcmp(s, "sig") != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    "the JWK has \"use\":\"%.20s\"; only \"sig\" is accepted",
		    s);
	if ((ops = jwtsafe_json_get(jwk, "key_ops")) == NULL)
		return 0;
	if (!cJSON_IsArray(ops))
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "JWK \"key_ops\" is not an array");
	cJSON_ArrayForEach(op, ops) {
		if (!cJSON_IsString(op) || op->valuestring == NULL)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
			    "JWK \"key_ops\" holds a non-string");
		if (strcmp(op->valuestring, "verify") == 0)
			has_verify = 1;
		else if (!(symmetric && strcmp(op->valuestring, "sign") == 0))
			return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
			    "JWK \"key_ops\" allows \"%.20s\"; only "
			    "\"verify\"%s is accepted", op->valuestring,
			    symmetric ? " and \"sign\"" : "");
	}
	if (!has_verify)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    "JWK \"key_ops\" does not allow \"verify\"");
	return 0;
}

static int
jwk_rsa(const cJSON *jwk, struct material *m, struct jwtsafe_error *err)
{
	unsigned char n[RSA_MODULUS_MAX], e[RSA_EXPONENT_MAX];
	unsigned char *der = NULL, *dp;
	size_t nlen = 0, elen = 0;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int len, r = JWTSAFE_ERR_INTERNAL;

	if ((r = jwk_get_b64(jwk, "n", n, sizeof(n), &nlen, err)) != 0 ||
	    (r = jwk_get_b64(jwk, "e", e, sizeof(e), &elen, err)) != 0)
		goto out;
	/* RFC 7518 6.3.1: the minimal big-endian encoding */
	if (nlen == 0 || n[0] == 0 || elen == 0 || e[0] == 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "JWK \"n\" or \"e\" is empty or has a leading zero byte");
		goto out;
	}
	if ((e[elen - 1] & 1) == 0 || (elen == 1 && e[0] == 1)) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "JWK RSA exponent must be odd and greater than 1");
		goto out;
	}
	if ((bn_n = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (bn_e = BN_bin2bn(e, (int)elen, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "building the RSA key");
		goto out;
	}
	if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "the JWK RSA key is not valid");
		goto out;
	}
	if ((len = i2d_PUBKEY(pkey, NULL)) <= 0 ||
	    (size_t)len > JWTSAFE_KEY_MATERIAL_MAX ||
	    (der = malloc((size_t)len)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "cannot encode the RSA public key");
		goto out;
	}
	dp = der;
	if (i2d_PUBKEY(pkey, &dp) != len) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL, "i2d_PUBKEY");
		goto out;
	}
	r = material_set(m, der, (size_t)len, err);
 out:
	free(der);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	ERR_clear_error();
	return r;
}

static int
jwk_ec(const cJSON *jwk, enum jwtsafe_alg alg, struct material *m,
    struct jwtsafe_error *err)
{
	unsigned char point[1 + 2 * EC_COORD_MAX];
	unsigned char coordbuf[EC_COORD_MAX];
	const char *crv = NULL;
	size_t coord = 0, xlen = 0, ylen = 0;
	int r;

	(void)ec_nid_for(alg, &coord, &crv);
	/* Full-length coordinates only (RFC 7518 6.2.1.2, 6.2.1.3). */
	if ((r = jwk_get_b64(jwk, "x", coordbuf, sizeof(coordbuf), &xlen,
	    err)) != 0)
		goto out;
	if (xlen != coord) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "JWK \"x\" must be %zu bytes for %s (got %zu)", coord, crv,
		    xlen);
		goto out;
	}
	memcpy(point + 1, coordbuf, coord);
	if ((r = jwk_get_b64(jwk, "y", coordbuf, sizeof(coordbuf), &ylen,
	    err)) != 0)
		goto out;
	if (ylen != coord) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
		    "JWK \"y\" must be %zu bytes for %s (got %zu)", coord, crv,
		    ylen);
		goto out;
	}
	memcpy(point + 1 + coord, coordbuf, coord);
	point[0] = 0x04;
	r = material_set(m, point, 1 + 2 * coord, err);
 out:
	JWTSAFE_WIPE(coordbuf);
	JWTSAFE_WIPE(point);
	return r;
}

static int
jwk_import(enum jwtsafe_alg alg, const char *text, size_t len,
    struct material *m, char *jwk_kid, size_t kidsize,
    struct jwtsafe_error *err)
{
	static const char *const private_members[] = {
		"d", "p", "q", "dp", "dq", "qi", "oth",
	};
	unsigned char buf[JWTSAFE_HMAC_MAX_KEY];
	struct jwtsafe_error e = { 0 };
	cJSON *jwk = NULL;
	const char *kty = NULL, *crv = NULL, *kid = NULL, *want_kty, *want_crv;
	size_t i, blen = 0, coord = 0;
	int r = JWTSAFE_ERR_INTERNAL, symmetric = jwtsafe_alg_is_symmetric(alg);

	jwk_kid[0] = '\0';
	if (jwtsafe_json_parse_object(text, len, &jwk, &e) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "not a strict JSON object: %s", e.detail);
		goto out;
	}
	if (jwtsafe_json_get(jwk, "keys") != NULL &&
	    jwtsafe_json_get(jwk, "kty") == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "a JWK Set; import one key of its \"keys\" at a time");
		goto out;
	}
	if ((r = jwk_opt_string(jwk, "kty", &kty, err)) != 0)
		goto out;
	if (kty == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "JWK has no \"kty\"");
		goto out;
	}
	/* A private key never belongs on a verifying host: say so first. */
	if (strcmp(kty, "oct") != 0) {
		for (i = 0; i < sizeof(private_members) /
		    sizeof(private_members[0]); i++) {
			if (jwtsafe_json_get(jwk, private_members[i]) == NULL)
				continue;
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
			    "private key given (JWK member \"%s\"); import "
			    "takes public keys", private_members[i]);
			goto out;
		}
	}

	switch (alg) {
	case JWTSAFE_ALG_EDDSA:
		want_kty = "OKP";
		want_crv = "Ed25519";
		break;
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		want_kty = "EC";
		(void)ec_nid_for(alg, &coord, &want_crv);
		break;
	case JWTSAFE_ALG_PS256:
		want_kty = "RSA";
		want_crv = NULL;
		break;
	case JWTSAFE_ALG_HS256:
	case JWTSAFE_ALG_HS384:
		want_kty = "oct";
		want_crv = NULL;
		break;
	default:
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown algorithm");
		goto out;
	}
	if (strcmp(kty, want_kty) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "JWK kty \"%.20s\" does not fit %s (needs \"%s\")", kty,
		    jwtsafe_alg_name(alg), want_kty);
		goto out;
	}
	if (want_crv != NULL) {
		if ((r = jwk_opt_string(jwk, "crv", &crv, err)) != 0)
			goto out;
		if (crv == NULL || strcmp(crv, want_crv) != 0) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
			    "JWK crv \"%.20s\" does not fit %s (needs \"%s\")",
			    crv == NULL ? "" : crv, jwtsafe_alg_name(alg),
			    want_crv);
			goto out;
		}
	}
	if ((r = jwk_check_usage(jwk, alg, symmetric, err)) != 0)
		goto out;

	switch (alg) {
	case JWTSAFE_ALG_EDDSA:
		if ((r = jwk_get_b64(jwk, "x", buf, sizeof(buf), &blen,
		    err)) != 0)
			goto out;
		if (blen != crypto_sign_ed25519_PUBLICKEYBYTES) {
			r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_INVALID,
			    "JWK \"x\" must be 32 bytes for Ed25519 (got %zu)",
			    blen);
			goto out;
		}
		r = material_set(m, buf, blen, err);
		break;
	case JWTSAFE_ALG_ES256:
	case JWTSAFE_ALG_ES384:
		r = jwk_ec(jwk, alg, m, err);
		break;
	case JWTSAFE_ALG_PS256:
		r = jwk_rsa(jwk, m, err);
		break;
	default:        /* HS256, HS384 */
		if ((r = jwk_get_b64(jwk, "k", buf, sizeof(buf), &blen,
		    err)) != 0)
			goto out;
		r = material_set(m, buf, blen, err);
		break;
	}
	if (r != 0)
		goto out;
	if ((r = jwk_opt_string(jwk, "kid", &kid, err)) != 0)
		goto out;
	if (kid != NULL && jwtsafe_kid_valid(kid) && strlen(kid) < kidsize)
		snprintf(jwk_kid, kidsize, "%s", kid);
	r = 0;
 out:
	JWTSAFE_WIPE(buf);
	cJSON_Delete(jwk);
	return r;
}

/* The first IMPORT_KID_LEN characters of base64url(SHA-256(material)). */
static int
derived_kid(const struct material *m, char *kid, size_t kidsize)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char enc[JWTSAFE_B64URL_ENCODED_LEN(crypto_hash_sha256_BYTES)];

	if (kidsize <= IMPORT_KID_LEN ||
	    crypto_hash_sha256(h, m->p, m->len) != 0 ||
	    jwtsafe_b64url_encode(h, sizeof(h), enc, sizeof(enc)) <
	    IMPORT_KID_LEN)
		return JWTSAFE_ERR_INTERNAL;
	memcpy(kid, enc, IMPORT_KID_LEN);
	kid[IMPORT_KID_LEN] = '\0';
	return 0;
}

int
jwtsafe_key_import(enum jwtsafe_alg alg, const char *kid, const char *text,
    size_t len, struct jwtsafe_key **out, struct jwtsafe_error *err)
{
	struct material m = { NULL, 0 };
	char use_kid[JWTSAFE_KID_MAX + 1];
	const char *p, *end;
	int r = JWTSAFE_ERR_INTERNAL;

	if (out != NULL)
		*out = NULL;
	if (text == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (alg < JWTSAFE_ALG_FIRST || alg > JWTSAFE_ALG_LAST)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "unknown algorithm");
	if (kid != NULL && !jwtsafe_kid_valid(kid))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "invalid kid (1 to %d of A-Z a-z 0-9 . _ ~ + / = -)",
		    JWTSAFE_KID_MAX);
	if (len > IMPORT_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "input larger than %d bytes", IMPORT_MAX);
	if (memchr(text, '\0', len) != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "NUL byte in the input");
	if (jwtsafe_init() != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");

	use_kid[0] = '\0';
	for (p = text, end = text + len; p < end && is_space(*p); p++)
		;
	if (p < end && *p == '{')
		r = jwk_import(alg, text, len, &m, use_kid, sizeof(use_kid),
		    err);
	else if ((size_t)(end - p) >= 11 && memcmp(p, "-----BEGIN ", 11) == 0)
		r = import_pem(alg, text, len, &m, err);
	else
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "neither a PEM \"PUBLIC KEY\" nor a JWK object");
	if (r != 0)
		goto out;

	if (kid != NULL)
		snprintf(use_kid, sizeof(use_kid), "%s", kid);
	else if (use_kid[0] == '\0' &&
	    derived_kid(&m, use_kid, sizeof(use_kid)) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "deriving a kid");
		goto out;
	}
	r = jwtsafe_key_new(alg, jwtsafe_alg_is_symmetric(alg) ?
	    JWTSAFE_KEY_SECRET : JWTSAFE_KEY_PUBLIC, use_kid, m.p, m.len, out,
	    err);
 out:
	material_clear(&m);
	return r;
}
