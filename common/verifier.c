/*
 * The verifier: one algorithm, its keys, and the straight line from a
 * compact token to verified claims. See verifier.h for the order of checks.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "b64url.h"
#include "json.h"
#include "keyfile.h"
#include "util.h"
#include "verifier.h"

struct jwtsafe_verifier {
	enum jwtsafe_alg alg;
	struct jwtsafe_key **keys;   /* sorted by kid, distinct */
	size_t n;
	size_t cap;
	/* jwtsafe_verifier_index_file: the file, and where its keys are */
	char *file;                  /* its bytes; wiped when freed */
	size_t filelen;
	char *path;                  /* for messages */
	struct jwtsafe_keyref *refs;
	size_t nrefs;
};

/*
 * Header members that would let the token choose keys or change how it is
 * processed. They get a specific message; any other member is refused too.
 */
static const char *const refused_header_members[] = {
	"jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "crit", "b64", "zip",
	"enc", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c", "cty", "url",
	"nonce", NULL
};

int
jwtsafe_verifier_new(enum jwtsafe_alg alg, struct jwtsafe_verifier **out,
    struct jwtsafe_error *err)
{
	struct jwtsafe_verifier *v;

	if (out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no output");
	*out = NULL;
	if (alg < JWTSAFE_ALG_FIRST || alg > JWTSAFE_ALG_LAST)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALG_REFUSED,
		    "no verifier exists for this algorithm");
	if (jwtsafe_init() != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "library initialisation failed");
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "verifier");
	v->alg = alg;
	*out = v;
	return 0;
}

/* Index of the first key whose kid is >= kid (binary search). */
static size_t
key_lower_bound(const struct jwtsafe_verifier *v, const char *kid)
{
	size_t lo = 0, hi = v->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(v->keys[mid]->kid, kid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct jwtsafe_key *
key_find(const struct jwtsafe_verifier *v, const char *kid)
{
	size_t i = key_lower_bound(v, kid);

	if (i < v->n && strcmp(v->keys[i]->kid, kid) == 0)
		return v->keys[i];
	return NULL;
}

/* Check that key may join v, without changing v. */
static int
key_admissible(const struct jwtsafe_verifier *v, const struct jwtsafe_key *key,
    struct jwtsafe_error *err)
{
	enum jwtsafe_key_purpose want;

	/* One verifier, one algorithm: compared before anything else. */
	if (key->alg != v->alg)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "key \"%s\" is %s but this verifier is %s", key->kid,
		    jwtsafe_alg_name(key->alg), jwtsafe_alg_name(v->alg));
	want = jwtsafe_alg_is_symmetric(v->alg) ?
	    JWTSAFE_KEY_SECRET : JWTSAFE_KEY_PUBLIC;
	if (key->purpose != want)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    want == JWTSAFE_KEY_PUBLIC ?
		    "key \"%s\" is a secret key; a verifier takes only public "
		    "keys (use jwtsafe pubkey)" :
		    "key \"%s\" is not an HMAC secret key", key->kid);
	if (key_find(v, key->kid) != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_DUPLICATE_KID,
		    "kid \"%s\" is already loaded", key->kid);
	return 0;
}

/* Make room for extra more keys. */
static int
reserve(struct jwtsafe_verifier *v, size_t extra, struct jwtsafe_error *err)
{
	struct jwtsafe_key **nk;
	size_t ncap;

	if (extra > JWTSAFE_KEYFILE_MAX_KEYS - v->n)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_FORMAT,
		    "more than %d keys", JWTSAFE_KEYFILE_MAX_KEYS);
	if (v->n + extra <= v->cap)
		return 0;
	ncap = v->cap == 0 ? 4 : v->cap;
	while (ncap < v->n + extra)
		ncap *= 2;
	if ((nk = reallocarray(v->keys, ncap, sizeof(*nk))) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "keys");
	v->keys = nk;
	v->cap = ncap;
	return 0;
}

/* Insert a checked key in kid order; room must be reserved. */
static void
insert_key(struct jwtsafe_verifier *v, struct jwtsafe_key *key)
{
	size_t i = key_lower_bound(v, key->kid);

	memmove(&v->keys[i + 1], &v->keys[i], (v->n - i) * sizeof(*v->keys));
	v->keys[i] = key;
	v->n++;
}

int
jwtsafe_verifier_add_key(struct jwtsafe_verifier *v, struct jwtsafe_key *key,
    struct jwtsafe_error *err)
{
	int r;

	if (v == NULL || key == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no verifier or key");
	if (v->file != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "this verifier reads its keys from %s", v->path);
	if ((r = key_admissible(v, key, err)) != 0 ||
	    (r = reserve(v, 1, err)) != 0)
		return r;
	insert_key(v, key);
	return 0;
}

int
jwtsafe_verifier_load_file(struct jwtsafe_verifier *v, const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_error *err)
{
	struct jwtsafe_file_policy fp;
	struct jwtsafe_keyset set = { 0 };
	char detail[JWTSAFE_ERR_DETAIL_MAX];
	size_t i;
	int r;

	if (v == NULL || path == NULL || policy == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no verifier, path or policy");
	if (v->file != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "this verifier reads its keys from %s", v->path);
	fp = *policy;
	if (jwtsafe_alg_is_symmetric(v->alg))
		fp.secret = 1;
	if ((r = jwtsafe_keyfile_read(path, &fp, &set, err)) != 0)
		goto out;
	if (set.alg != v->alg) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_KEY_ALG,
		    "%s: holds %s keys but the configured algorithm is %s",
		    path, jwtsafe_alg_name(set.alg), jwtsafe_alg_name(v->alg));
		goto out;
	}
	/* All or nothing: check every key before the first is added. */
	for (i = 0; i < set.n; i++) {
		if ((r = key_admissible(v, set.keys[i], err)) != 0) {
			if (err != NULL) {
				memcpy(detail, err->detail, sizeof(detail));
				jwtsafe_err_set(err, r, "%s:%u: %s", path,
				    set.keys[i]->line, detail);
			}
			goto out;
		}
	}
	if ((r = reserve(v, set.n, err)) != 0)
		goto out;
	for (i = 0; i < set.n; i++) {
		insert_key(v, set.keys[i]);
		set.keys[i] = NULL;     /* owned by the verifier now */
	}
	r = 0;
 out:
	jwtsafe_keyset_clear(&set);
	return r;
}

int
jwtsafe_verifier_index_file(struct jwtsafe_verifier *v, const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_error *err)
{
	struct jwtsafe_file_policy fp;
	char *buf = NULL, *name = NULL;
	size_t len = 0;
	int r;

	if (v == NULL || path == NULL || policy == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "no verifier, path or policy");
	if (v->n != 0 || v->file != NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "the verifier already has keys");
	fp = *policy;
	if (jwtsafe_alg_is_symmetric(v->alg))
		fp.secret = 1;
	if (fp.max_size == 0)
		fp.max_size = JWTSAFE_KEYFILE_MAX_SIZE;
	if ((r = jwtsafe_safefile_read(path, &fp, &buf, &len, err)) != 0)
		return r;
	if ((name = strdup(path)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "path");
		goto out;
	}
	if ((r = jwtsafe_keyfile_index(buf, len, path, v->alg, &v->refs,
	    &v->nrefs, err)) != 0)
		goto out;
	v->file = buf;
	v->filelen = len;
	v->path = name;
	buf = name = NULL;
	r = 0;
 out:
	if (buf != NULL)
		jwtsafe_freezero(buf, len + 1);
	free(name);
	return r;
}

static const char *printable(const char *s, char buf[40]);

/*
 * The key a token's kid selects in an indexed file (kid NULL: the only
 * key), parsed now with the login checks into *owned. Errors name the
 * file and line.
 */
static int
index_select(const struct jwtsafe_verifier *v, const char *kid,
    struct jwtsafe_key **owned, struct jwtsafe_error *err)
{
	const struct jwtsafe_keyref *ref = NULL;
	char detail[JWTSAFE_ERR_DETAIL_MAX], pbuf[40];
	size_t i, kidlen = 0;
	int r;

	*owned = NULL;
	if (kid == NULL) {
		if (v->nrefs != 1)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KID_REQUIRED,
			    "token has no kid and %zu keys are loaded",
			    v->nrefs);
		ref = &v->refs[0];
	} else {
		/* One pass over every key line: the match, and any second
		 * line with the same kid, which makes the choice ambiguous. */
		kidlen = strlen(kid);
		for (i = 0; i < v->nrefs; i++) {
			if (v->refs[i].kidlen != kidlen ||
			    memcmp(v->refs[i].kid, kid, kidlen) != 0)
				continue;
			if (ref != NULL)
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_KEY_DUPLICATE_KID,
				    "%s:%u: kid \"%s\" is already used on "
				    "line %u", v->path, v->refs[i].lineno,
				    printable(kid, pbuf), ref->lineno);
			ref = &v->refs[i];
		}
		if (ref == NULL)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KID_UNKNOWN,
			    "no key with kid \"%s\"", printable(kid, pbuf));
	}
	if ((r = jwtsafe_keyline_parse_login(ref->line, ref->len, v->alg,
	    owned, err)) != 0) {
		if (err != NULL) {
			memcpy(detail, err->detail, sizeof(detail));
			jwtsafe_err_set(err, r, "%s:%u: %s", v->path,
			    ref->lineno, detail);
		}
		return r;
	}
	(*owned)->line = ref->lineno;
	return 0;
}

enum jwtsafe_alg
jwtsafe_verifier_alg(const struct jwtsafe_verifier *v)
{
	return v == NULL ? JWTSAFE_ALG_INVALID : v->alg;
}

size_t
jwtsafe_verifier_key_count(const struct jwtsafe_verifier *v)
{
	if (v == NULL)
		return 0;
	return v->file != NULL ? v->nrefs : v->n;
}

void
jwtsafe_verifier_free(struct jwtsafe_verifier *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++)
		jwtsafe_key_free(v->keys[i]);
	free(v->keys);
	if (v->file != NULL)
		jwtsafe_freezero(v->file, v->filelen + 1);
	free(v->refs);
	free(v->path);
	free(v);
}

void
jwtsafe_token_free(struct jwtsafe_token *t)
{
	if (t == NULL)
		return;
	cJSON_Delete(t->header);
	cJSON_Delete(t->payload);
	jwtsafe_freezero(t, sizeof(*t));
}

/*
 * Copy at most 32 bytes of an untrusted name into a printable form for a
 * message: anything but printable ASCII becomes '?'.
 */
static const char *
printable(const char *s, char buf[40])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 32; i++)
		buf[i] = (s[i] >= 0x21 && s[i] <= 0x7e) ? s[i] : '?';
	buf[i] = '\0';
	if (s[i] != '\0')
		strcpy(buf + i, "...");
	return buf;
}

/* "JWT", "jwt" and "application/jwt" are the same media type. */
static const char *
typ_strip(const char *t)
{
	if (strncasecmp(t, "application/", 12) == 0)
		return t + 12;
	return t;
}

static int
policy_valid(const struct jwtsafe_policy *p, struct jwtsafe_error *err)
{
	if (p->typ == NULL || *p->typ == '\0' ||
	    strlen(p->typ) > JWTSAFE_TYP_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "policy: typ must be set");
	if (p->issuer == NULL || *p->issuer == '\0')
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "policy: issuer must be set");
	if (p->audience == NULL || *p->audience == '\0')
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "policy: audience must be set");
	if (p->leeway < 0 || p->leeway > JWTSAFE_LEEWAY_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "policy: leeway out of range");
	if (p->max_ttl < 1 || p->max_ttl > JWTSAFE_TTL_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "policy: max_ttl out of range");
	if (p->now < 0 || p->now > JWTSAFE_JSON_TIME_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "policy: clock out of range");
	return 0;
}

/*
 * Check the decoded header and pick the key. Only alg, typ and kid may be
 * present; alg must be the verifier's; typ the policy's.
 */
static int
check_header(const struct jwtsafe_verifier *v, const cJSON *hdr,
    const struct jwtsafe_policy *p, const struct jwtsafe_key **keyp,
    struct jwtsafe_key **owned, struct jwtsafe_error *err)
{
	const cJSON *m;
	const char *alg = NULL, *typ = NULL, *kid = NULL;
	const struct jwtsafe_key *key;
	enum jwtsafe_alg halg;
	char pbuf[40];
	size_t i;
	int r;

	*keyp = NULL;
	/* One pass: the header was parsed strictly, so each name is there
	 * at most once. */
	cJSON_ArrayForEach(m, hdr) {
		const char **slot = strcmp(m->string, "alg") == 0 ? &alg :
		    strcmp(m->string, "typ") == 0 ? &typ :
		    strcmp(m->string, "kid") == 0 ? &kid : NULL;

		if (slot != NULL) {
			if (!cJSON_IsString(m))
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_HEADER_REFUSED,
				    "header member \"%s\" is not a string",
				    m->string);
			*slot = m->valuestring;
			continue;
		}
		for (i = 0; refused_header_members[i] != NULL; i++) {
			if (strcmp(m->string, refused_header_members[i]) == 0)
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_HEADER_REFUSED,
				    "header member \"%s\" is refused: keys and "
				    "processing are never taken from the token",
				    m->string);
		}
		return jwtsafe_err_set(err, JWTSAFE_ERR_HEADER_REFUSED,
		    "unknown header member \"%s\" is refused",
		    printable(m->string, pbuf));
	}

	/* The configured algorithm, compared first. */
	if (alg == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALG_MISMATCH,
		    "header has no alg; %s expected", jwtsafe_alg_name(v->alg));
	if ((r = jwtsafe_alg_from_name(alg, &halg, err)) != 0)
		return r;
	if (halg != v->alg)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALG_MISMATCH,
		    "token is %s but this service accepts only %s",
		    jwtsafe_alg_name(halg), jwtsafe_alg_name(v->alg));

	if (typ == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TYP,
		    "header has no typ; \"%s\" expected", p->typ);
	if (strcasecmp(typ_strip(typ), typ_strip(p->typ)) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TYP,
		    "typ \"%s\" is not \"%s\"", printable(typ, pbuf), p->typ);

	if (v->file != NULL) {
		if ((r = index_select(v, kid, owned, err)) != 0)
			return r;
		key = *owned;
	} else if (v->n == 0) {
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_NONE,
		    "no key loaded");
	} else if (kid != NULL) {
		/* An exact match among loaded keys; nothing else. */
		if ((key = key_find(v, kid)) == NULL)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KID_UNKNOWN,
			    "no key with kid \"%s\"", printable(kid, pbuf));
	} else {
		if (v->n != 1)
			return jwtsafe_err_set(err, JWTSAFE_ERR_KID_REQUIRED,
			    "token has no kid and %zu keys are loaded", v->n);
		key = v->keys[0];
	}
	if (key->not_before != JWTSAFE_TIME_NONE && p->now < key->not_before)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_NOT_YET_VALID,
		    "key \"%s\" is valid from %lld", key->kid,
		    (long long)key->not_before);
	if (key->not_after != JWTSAFE_TIME_NONE && p->now >= key->not_after)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_RETIRED,
		    "key \"%s\" was retired at %lld", key->kid,
		    (long long)key->not_after);
	*keyp = key;
	return 0;
}

/* A string claim that must be 1..max bytes without control characters. */
static int
get_text_claim(const cJSON *pl, const char *name, size_t max, int code,
    const char **out, struct jwtsafe_error *err)
{
	const char *s;
	size_t len;
	int r;

	if ((r = jwtsafe_json_get_string(pl, name, &s, err)) != 0)
		return r;
	len = strlen(s);
	if (len == 0 || len > max)
		return jwtsafe_err_set(err, code, "%s is empty or longer than "
		    "%zu bytes", name, max);
	if (jwtsafe_has_control((const unsigned char *)s, len))
		return jwtsafe_err_set(err, code,
		    "%s holds control characters", name);
	*out = s;
	return 0;
}

static int
check_audience(const cJSON *pl, const char *want, struct jwtsafe_error *err)
{
	const cJSON *aud, *e;
	int found = 0;

	if ((aud = jwtsafe_json_get(pl, "aud")) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_MISSING,
		    "aud is missing");
	if (cJSON_IsString(aud))
		found = strcmp(aud->valuestring, want) == 0;
	else if (cJSON_IsArray(aud)) {
		if (aud->child == NULL)
			return jwtsafe_err_set(err, JWTSAFE_ERR_AUDIENCE,
			    "aud is an empty array");
		cJSON_ArrayForEach(e, aud) {
			if (!cJSON_IsString(e))
				return jwtsafe_err_set(err,
				    JWTSAFE_ERR_CLAIM_TYPE,
				    "aud array holds a non-string");
			if (strcmp(e->valuestring, want) == 0)
				found = 1;
		}
	} else
		return jwtsafe_err_set(err, JWTSAFE_ERR_CLAIM_TYPE,
		    "aud is neither a string nor an array");
	if (!found)
		return jwtsafe_err_set(err, JWTSAFE_ERR_AUDIENCE,
		    "token is not for audience \"%s\"", want);
	return 0;
}

static int
check_claims(const cJSON *pl, const struct jwtsafe_policy *p,
    struct jwtsafe_token *t, struct jwtsafe_error *err)
{
	const char *iss;
	int64_t nbf;
	int r;

	/* Types first, so a malformed claim is named as such. */
	if ((r = jwtsafe_json_get_time(pl, "exp", &t->exp, err)) != 0)
		return r;
	if ((r = jwtsafe_json_get_time(pl, "iat", &t->iat, err)) != 0)
		return r;
	r = jwtsafe_json_get_time(pl, "nbf", &nbf, err);
	if (r == JWTSAFE_ERR_CLAIM_MISSING)
		nbf = -1;
	else if (r != 0)
		return r;

	if (p->now >= t->exp + p->leeway)
		return jwtsafe_err_set(err, JWTSAFE_ERR_EXPIRED,
		    "expired %lld s ago (leeway %lld s)",
		    (long long)(p->now - t->exp), (long long)p->leeway);
	if (nbf >= 0 && p->now + p->leeway < nbf)
		return jwtsafe_err_set(err, JWTSAFE_ERR_NOT_YET_VALID,
		    "valid only in %lld s", (long long)(nbf - p->now));
	if (t->iat > p->now + p->leeway)
		return jwtsafe_err_set(err, JWTSAFE_ERR_IAT_FUTURE,
		    "issued %lld s in the future", (long long)(t->iat - p->now));
	if (t->exp < t->iat)
		return jwtsafe_err_set(err, JWTSAFE_ERR_LIFETIME,
		    "exp is before iat");
	if (t->exp - t->iat > p->max_ttl)
		return jwtsafe_err_set(err, JWTSAFE_ERR_LIFETIME,
		    "lifetime %lld s is over the maximum %lld s",
		    (long long)(t->exp - t->iat), (long long)p->max_ttl);

	if ((r = jwtsafe_json_get_string(pl, "iss", &iss, err)) != 0)
		return r;
	if (strcmp(iss, p->issuer) != 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ISSUER,
		    "issuer is not \"%s\"", p->issuer);
	t->iss = iss;
	if ((r = check_audience(pl, p->audience, err)) != 0)
		return r;
	if ((r = get_text_claim(pl, "sub", JWTSAFE_SUB_MAX,
	    JWTSAFE_ERR_SUBJECT, &t->sub, err)) != 0)
		return r;
	r = get_text_claim(pl, "jti", JWTSAFE_JTI_MAX, JWTSAFE_ERR_JTI,
	    &t->jti, err);
	if (r == JWTSAFE_ERR_CLAIM_MISSING && !p->require_jti)
		t->jti = NULL;
	else if (r != 0)
		return r;
	return 0;
}

int
jwtsafe_verify(const struct jwtsafe_verifier *v, const char *token,
    size_t len, const struct jwtsafe_policy *p, struct jwtsafe_token **out,
    struct jwtsafe_error *err)
{
	unsigned char hbuf[JWTSAFE_B64URL_DECODED_MAX(JWTSAFE_TOKEN_MAX)];
	unsigned char pbuf[JWTSAFE_B64URL_DECODED_MAX(JWTSAFE_TOKEN_MAX)];
	unsigned char sig[JWTSAFE_SIG_MAX];
	size_t hlen = 0, plen = 0, siglen = 0, dot1 = 0, dot2 = 0, i, ndots = 0;
	const struct jwtsafe_key *key = NULL;
	struct jwtsafe_key *owned = NULL;    /* parsed for this token only */
	const cJSON *kidm;
	struct jwtsafe_token *t = NULL;
	cJSON *hdr = NULL;
	int r = JWTSAFE_ERR_INTERNAL, high_s = 0;

	if (out != NULL)
		*out = NULL;
	if (v == NULL || token == NULL || p == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if ((r = policy_valid(p, err)) != 0)
		return r;
	/* Bounded before a single byte is decoded. */
	if (len > JWTSAFE_TOKEN_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_TOO_LONG,
		    "%zu bytes, the limit is %d", len, JWTSAFE_TOKEN_MAX);
	for (i = 0; i < len; i++) {
		if (token[i] != '.')
			continue;
		if (++ndots == 1)
			dot1 = i;
		else if (ndots == 2)
			dot2 = i;
		else
			break;
	}
	if (ndots != 2)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_SEGMENTS,
		    "%s segments; a signed JWT has exactly 3",
		    ndots > 2 ? "more than 3" : ndots == 1 ? "2" : "1");
	if (dot1 == 0 || dot2 == dot1 + 1 || dot2 + 1 == len)
		return jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_SEGMENTS,
		    "empty segment");

	if ((r = jwtsafe_b64url_decode(token, dot1, hbuf, sizeof(hbuf),
	    &hlen)) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_BASE64,
		    "header is not strict base64url");
		goto out;
	}
	if ((r = jwtsafe_b64url_decode(token + dot1 + 1, dot2 - dot1 - 1,
	    pbuf, sizeof(pbuf), &plen)) != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_BASE64,
		    "payload is not strict base64url");
		goto out;
	}
	r = jwtsafe_b64url_decode(token + dot2 + 1, len - dot2 - 1, sig,
	    sizeof(sig), &siglen);
	if (r == JWTSAFE_ERR_INVALID_ARGUMENT) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_SIG_FORMAT,
		    "signature longer than any accepted algorithm makes");
		goto out;
	} else if (r != 0) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_TOKEN_BASE64,
		    "signature is not strict base64url");
		goto out;
	}

	if ((r = jwtsafe_json_parse_object((const char *)hbuf, hlen, &hdr,
	    err)) != 0) {
		char d[JWTSAFE_ERR_DETAIL_MAX];

		if (err != NULL) {
			memcpy(d, err->detail, sizeof(d));
			jwtsafe_err_set(err, r, "header: %s", d);
		}
		goto out;
	}
	if ((r = check_header(v, hdr, p, &key, &owned, err)) != 0)
		goto out;

	/* The signature covers the first two segments as sent. */
	if ((r = jwtsafe_alg_verify(key, (const unsigned char *)token, dot2,
	    sig, siglen, p->allow_high_s, &high_s)) != 0) {
		jwtsafe_err_set(err, r, "%s signature with key \"%s\"",
		    r == JWTSAFE_ERR_BAD_SIGNATURE ? "invalid" :
		    r == JWTSAFE_ERR_SIG_HIGH_S ? "high-S ECDSA" :
		    "malformed", key->kid);
		goto out;
	}

	/* Only authenticated bytes reach the payload parser. */
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "token");
		goto out;
	}
	t->header = hdr;
	hdr = NULL;
	if ((r = jwtsafe_json_parse_object((const char *)pbuf, plen,
	    &t->payload, err)) != 0) {
		char d[JWTSAFE_ERR_DETAIL_MAX];

		if (err != NULL) {
			memcpy(d, err->detail, sizeof(d));
			jwtsafe_err_set(err, r, "payload: %s", d);
		}
		goto out;
	}
	if ((r = check_claims(t->payload, p, t, err)) != 0)
		goto out;
	if ((kidm = jwtsafe_json_get(t->header, "kid")) != NULL)
		t->kid = kidm->valuestring;
	t->high_s = high_s;

	*out = t;
	t = NULL;
	r = 0;
	if (err != NULL) {
		err->code = 0;
		err->detail[0] = '\0';
	}
 out:
	jwtsafe_key_free(owned);
	jwtsafe_token_free(t);
	cJSON_Delete(hdr);
	jwtsafe_memzero(hbuf, hlen);
	jwtsafe_memzero(pbuf, plen);
	jwtsafe_memzero(sig, siglen);
	return r;
}
