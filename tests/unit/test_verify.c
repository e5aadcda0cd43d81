/*
 * The verifier's rules, each proved by a token that is valid but for the
 * one thing the case changes, next to a positive control.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>

#include "b64url.h"
#include "keyfile.h"
#include "sign.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"
#include "verifier.h"

static const enum jwtsafe_alg all_algs[] = {
	JWTSAFE_ALG_EDDSA, JWTSAFE_ALG_ES256, JWTSAFE_ALG_ES384,
	JWTSAFE_ALG_PS256, JWTSAFE_ALG_HS256, JWTSAFE_ALG_HS384,
};

/* Payload text with claims written out; NULL leaves the claim out. */
static const char *
payload_with(const char *iss, const char *aud, const char *sub,
    const char *iat, const char *exp, const char *jti, const char *extra)
{
	static char buf[9000];
	size_t pos = 0;

	buf[pos++] = '{';
#define ADD(name, val) do { \
	if ((val) != NULL) \
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, \
		    "%s\"%s\":%s", pos > 1 ? "," : "", name, val); \
	} while (0)
	ADD("iss", iss);
	ADD("aud", aud);
	ADD("sub", sub);
	ADD("iat", iat);
	ADD("exp", exp);
	ADD("jti", jti);
#undef ADD
	if (extra != NULL)
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s",
		    pos > 1 ? "," : "", extra);
	snprintf(buf + pos, sizeof(buf) - pos, "}");
	return buf;
}

static char num_iat[32], num_exp[32];
#define ISS "\"" TU_ISSUER "\""
#define AUD "\"" TU_AUDIENCE "\""
#define SUB "\"" TU_SUB "\""
#define JTI "\"j-1\""

/* Verify a token made from header/payload text with key k against v. */
static int
try(const struct jwtsafe_key *k, const struct jwtsafe_verifier *v,
    const char *header, const char *payload, const struct jwtsafe_policy *p)
{
	char *tok = tu_token(k, header, payload);
	int r = tu_verify(v, tok, p);

	jwtsafe_freezero_str(tok);
	return r;
}

static void
test_round_trips(void)
{
	size_t i;

	for (i = 0; i < sizeof(all_algs) / sizeof(all_algs[0]); i++) {
		struct jwtsafe_key *k = tu_keygen(all_algs[i], "k1");
		struct jwtsafe_verifier *v = tu_verifier(k);
		struct jwtsafe_policy p;
		struct jwtsafe_token *t = NULL;
		struct jwtsafe_error err = { 0 };
		cJSON *pl = cJSON_Parse(tu_payload());
		char *tok = NULL;
		int r;

		tu_policy(&p);
		r = jwtsafe_sign_token(k, "JWT", pl, &tok, &err);
		is_int(r, 0, "%s: sign_token", jwtsafe_alg_name(all_algs[i]));
		r = jwtsafe_verify(v, tok, strlen(tok), &p, &t, &err);
		is_int(r, 0, "%s: a valid token verifies (%s)",
		    jwtsafe_alg_name(all_algs[i]), err.detail);
		ok(t != NULL && strcmp(t->sub, TU_SUB) == 0 &&
		    strcmp(t->iss, TU_ISSUER) == 0 && t->jti != NULL &&
		    t->exp == TU_NOW + 50 && t->iat == TU_NOW - 10 &&
		    t->kid != NULL && strcmp(t->kid, "k1") == 0 && !t->high_s,
		    "%s: claims are returned", jwtsafe_alg_name(all_algs[i]));
		jwtsafe_token_free(t);
		t = NULL;
		/* The same token to a verifier of any other algorithm. */
		{
			size_t j;
			for (j = 0; j < sizeof(all_algs) / sizeof(all_algs[0]);
			    j++) {
				struct jwtsafe_key *k2;
				struct jwtsafe_verifier *v2;

				if (j == i)
					continue;
				k2 = tu_keygen(all_algs[j], "k1");
				v2 = tu_verifier(k2);
				is_int(tu_verify(v2, tok, NULL),
				    JWTSAFE_ERR_ALG_MISMATCH,
				    "%s token refused by a %s verifier",
				    jwtsafe_alg_name(all_algs[i]),
				    jwtsafe_alg_name(all_algs[j]));
				jwtsafe_verifier_free(v2);
				jwtsafe_key_free(k2);
			}
		}
		/* Any one bit of the signature flipped. */
		{
			size_t len = strlen(tok);
			char saved = tok[len - 3];

			tok[len - 3] = tok[len - 3] == 'A' ? 'B' : 'A';
			r = tu_verify(v, tok, NULL);
			ok(r == JWTSAFE_ERR_BAD_SIGNATURE ||
			    r == JWTSAFE_ERR_SIG_FORMAT,
			    "%s: a changed signature is refused (%s)",
			    jwtsafe_alg_name(all_algs[i]), jwtsafe_err_name(r));
			tok[len - 3] = saved;
			is_int(tu_verify(v, tok, NULL), 0,
			    "%s: restored token verifies again",
			    jwtsafe_alg_name(all_algs[i]));
		}
		jwtsafe_freezero_str(tok);
		cJSON_Delete(pl);
		jwtsafe_verifier_free(v);
		jwtsafe_key_free(k);
	}
}

/* Tamper with the payload segment but keep the original signature. */
static void
test_payload_swap(const struct jwtsafe_key *k, const struct jwtsafe_verifier *v)
{
	char *good = tu_token(k, tu_header(k), tu_payload());
	char *evil = tu_token(k, tu_header(k), payload_with(ISS, AUD,
	    "\"root\"", num_iat, num_exp, JTI, NULL));
	char *mix = malloc(strlen(good) + strlen(evil) + 1);
	const char *g2 = strrchr(good, '.');
	const char *e1 = strchr(evil, '.'), *e2 = strrchr(evil, '.');

	/* header of good . payload of evil . signature of good */
	sprintf(mix, "%.*s%.*s%s", (int)(strchr(good, '.') - good), good,
	    (int)(e2 - e1), e1, g2);
	is_int(tu_verify(v, good, NULL), 0, "control: original verifies");
	is_int(tu_verify(v, mix, NULL), JWTSAFE_ERR_BAD_SIGNATURE,
	    "payload swapped under the old signature is refused");
	free(mix);
	jwtsafe_freezero_str(good);
	jwtsafe_freezero_str(evil);
}

static void
test_structure(const struct jwtsafe_key *k, const struct jwtsafe_verifier *v)
{
	char *tok = tu_token(k, tu_header(k), tu_payload());
	size_t len = strlen(tok);
	char *buf = malloc(len + 64);
	char big[8200];
	const char *dot2 = strrchr(tok, '.');

	is_int(tu_verify(v, tok, NULL), 0, "control: valid EdDSA token");

	/* two segments */
	snprintf(buf, len + 64, "%.*s", (int)(dot2 - tok), tok);
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_SEGMENTS,
	    "two segments refused");
	/* empty signature */
	snprintf(buf, len + 64, "%.*s.", (int)(dot2 - tok), tok);
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_SEGMENTS,
	    "empty signature refused");
	/* four and five segments */
	snprintf(buf, len + 64, "%s.AAAA", tok);
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_SEGMENTS,
	    "four segments refused");
	snprintf(buf, len + 64, "%s.AAAA.AAAA", tok);
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_SEGMENTS,
	    "five segments (JWE shape) refused");
	snprintf(buf, len + 64, ".%s", tok);
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_SEGMENTS,
	    "leading dot refused");
	/* padding, whitespace and foreign characters in the signature */
	snprintf(buf, len + 64, "%s=", tok);
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_BASE64,
	    "padding refused");
	snprintf(buf, len + 64, "%s\n", tok);
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_BASE64,
	    "trailing newline refused by the core");
	memcpy(buf, tok, len + 1);
	buf[len - 5] = '+';
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_BASE64,
	    "'+' in the signature refused");
	memcpy(buf, tok, len + 1);
	buf[2] = '/';
	is_int(tu_verify(v, buf, NULL), JWTSAFE_ERR_TOKEN_BASE64,
	    "'/' in the header refused");
	/* too long: a validly signed token just over the limit */
	{
		char *pad = malloc(8200), *t2;

		memset(pad, 'x', 8100);
		memcpy(pad, "\"pad\":\"", 7);
		strcpy(pad + 6000, "\"");
		t2 = tu_token(k, tu_header(k), payload_with(ISS, AUD, SUB,
		    num_iat, num_exp, JTI, pad));
		ok(strlen(t2) > JWTSAFE_TOKEN_MAX, "padded token is %zu bytes",
		    strlen(t2));
		is_int(tu_verify(v, t2, NULL), JWTSAFE_ERR_TOKEN_TOO_LONG,
		    "token over 8 KiB refused before decoding");
		jwtsafe_freezero_str(t2);
		strcpy(pad + 3000, "\"");
		t2 = tu_token(k, tu_header(k), payload_with(ISS, AUD, SUB,
		    num_iat, num_exp, JTI, pad));
		is_int(tu_verify(v, t2, NULL), 0,
		    "control: a 4 KiB token is accepted");
		jwtsafe_freezero_str(t2);
		free(pad);
	}
	/* thousands of dots */
	memset(big, '.', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[8000] = '\0';
	is_int(tu_verify(v, big, NULL), JWTSAFE_ERR_TOKEN_SEGMENTS,
	    "8000 dots refused");
	is_int(tu_verify(v, "", NULL), JWTSAFE_ERR_TOKEN_SEGMENTS,
	    "empty token refused");
	free(buf);
	jwtsafe_freezero_str(tok);
}

static void
test_header(const struct jwtsafe_key *k, const struct jwtsafe_verifier *v)
{
	static const char *const refused[] = {
		"jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "crit", "b64",
		"zip", "enc", "epk", "p2c", "cty", "foo", "Alg", "KID",
	};
	const char *pl = tu_payload();
	char h[512];
	size_t i;

	snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
	    k->kid);
	is_int(try(k, v, h, pl, NULL), 0, "control: standard header");
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"JWT\","
		    "\"kid\":\"%s\",\"%s\":\"x\"}", k->kid, refused[i]);
		is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_HEADER_REFUSED,
		    "header member %s refused", refused[i]);
	}
	snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\","
	    "\"b64\":false}", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_HEADER_REFUSED,
	    "b64:false refused");
	snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\","
	    "\"crit\":[\"exp\"]}", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_HEADER_REFUSED,
	    "crit refused");

	/* alg */
	static const char *const bad_algs[] = {
		"none", "None", "NONE", "nOnE", "", "eddsa", "Ed25519", "RS256",
		"HS256",
	};
	for (i = 0; i < sizeof(bad_algs) / sizeof(bad_algs[0]); i++) {
		int want = strcmp(bad_algs[i], "HS256") == 0 ?
		    JWTSAFE_ERR_ALG_MISMATCH : JWTSAFE_ERR_ALG_REFUSED;

		snprintf(h, sizeof(h), "{\"alg\":\"%s\",\"typ\":\"JWT\","
		    "\"kid\":\"%s\"}", bad_algs[i], k->kid);
		is_int(try(k, v, h, pl, NULL), want, "alg \"%s\" refused",
		    bad_algs[i]);
	}
	snprintf(h, sizeof(h), "{\"typ\":\"JWT\",\"kid\":\"%s\"}", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_ALG_MISMATCH,
	    "missing alg refused");
	snprintf(h, sizeof(h), "{\"alg\":[\"EdDSA\"],\"typ\":\"JWT\","
	    "\"kid\":\"%s\"}", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_HEADER_REFUSED,
	    "alg as an array refused");
	snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\","
	    "\"typ\":\"JWT\",\"kid\":\"%s\"}", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_DUPLICATE,
	    "duplicate alg refused");
	snprintf(h, sizeof(h), "{\"alg\":\"none\",\"alg\":\"EdDSA\","
	    "\"typ\":\"JWT\",\"kid\":\"%s\"}", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_DUPLICATE,
	    "duplicate alg (none first) refused");
	is_int(try(k, v, "[\"EdDSA\"]", pl, NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "header that is an array refused");
	snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"JWT\","
	    "\"kid\":\"%s\"}x", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "trailing garbage after the header refused");

	/* typ */
	static const struct { const char *typ; int want; } typs[] = {
		{ "JWT", 0 }, { "jwt", 0 }, { "application/jwt", 0 },
		{ "Application/JWT", 0 }, { "JOSE", JWTSAFE_ERR_TYP },
		{ "at+jwt", JWTSAFE_ERR_TYP }, { "", JWTSAFE_ERR_TYP },
		{ "JWT ", JWTSAFE_ERR_TYP }, { "application/", JWTSAFE_ERR_TYP },
	};
	for (i = 0; i < sizeof(typs) / sizeof(typs[0]); i++) {
		snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"%s\","
		    "\"kid\":\"%s\"}", typs[i].typ, k->kid);
		is_int(try(k, v, h, pl, NULL), typs[i].want, "typ \"%s\" %s",
		    typs[i].typ, typs[i].want == 0 ? "accepted" : "refused");
	}
	snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}", k->kid);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TYP, "missing typ refused");
	{
		struct jwtsafe_policy p;

		tu_policy(&p);
		p.typ = "at+jwt";
		snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"at+JWT\","
		    "\"kid\":\"%s\"}", k->kid);
		is_int(try(k, v, h, pl, &p), 0, "a configured typ is accepted");
		snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"JWT\","
		    "\"kid\":\"%s\"}", k->kid);
		is_int(try(k, v, h, pl, &p), JWTSAFE_ERR_TYP,
		    "plain JWT refused where at+jwt is configured");
	}
}

static void
test_kid(void)
{
	struct jwtsafe_key *k1 = tu_keygen(JWTSAFE_ALG_EDDSA, "key-one");
	struct jwtsafe_key *k2 = tu_keygen(JWTSAFE_ALG_EDDSA, "key-two");
	struct jwtsafe_verifier *v1 = tu_verifier(k1);
	struct jwtsafe_verifier *v2 = tu_verifier(k1);
	struct jwtsafe_error err = { 0 };
	const char *pl = tu_payload();
	static const char *const kids[] = {
		"../../../etc/shadow", "/dev/null", "key-one\\u0000",
		"key-one ", "KEY-ONE", "key-on", "'; rm -rf / #", "$(id)",
		"key-one\\\"", "\\u006bey-one-x",
	};
	char h[512];
	size_t i;

	is_int(jwtsafe_verifier_add_key(v2, tu_pub(k2), &err), 0,
	    "second key added");
	is_int(try(k1, v1, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"key-one\"}",
	    pl, NULL), 0, "control: kid selects the one key");
	is_int(try(k1, v1, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", pl, NULL), 0,
	    "no kid with one key loaded: accepted");
	is_int(try(k1, v2, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", pl, NULL),
	    JWTSAFE_ERR_KID_REQUIRED, "no kid with two keys loaded: refused");
	is_int(try(k2, v2, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"key-two\"}",
	    pl, NULL), 0, "kid selects the second key");
	is_int(try(k1, v2, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"key-one\"}",
	    pl, NULL), 0, "kid selects the first key");
	is_int(try(k1, v2, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"key-two\"}",
	    pl, NULL), JWTSAFE_ERR_BAD_SIGNATURE,
	    "signed by key one but naming key two: bad signature");
	for (i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"typ\":\"JWT\","
		    "\"kid\":\"%s\"}", kids[i]);
		int want = strstr(kids[i], "u0000") != NULL ?
		    JWTSAFE_ERR_TOKEN_JSON : JWTSAFE_ERR_KID_UNKNOWN;
		is_int(try(k1, v2, h, pl, NULL), want, "kid %s refused",
		    kids[i]);
	}
	is_int(try(k1, v2, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":7}", pl,
	    NULL), JWTSAFE_ERR_HEADER_REFUSED, "numeric kid refused");
	jwtsafe_verifier_free(v1);
	jwtsafe_verifier_free(v2);
	jwtsafe_key_free(k1);
	jwtsafe_key_free(k2);
}

static void
test_key_window(void)
{
	struct jwtsafe_key *k = tu_keygen(JWTSAFE_ALG_EDDSA, "w");
	struct jwtsafe_key *pk;
	struct jwtsafe_verifier *v;
	struct jwtsafe_error err = { 0 };
	const char *pl = tu_payload();
	const char *h = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"w\"}";
	static const struct { int64_t nb, na; int want; const char *what; }
	    cases[] = {
		{ TU_NOW - 100, TU_NOW + 100, 0, "inside its window: accepted" },
		{ TU_NOW + 1, JWTSAFE_TIME_NONE, JWTSAFE_ERR_KEY_NOT_YET_VALID,
		  "key not valid yet: refused" },
		{ TU_NOW, JWTSAFE_TIME_NONE, 0, "key valid from now: accepted" },
		{ JWTSAFE_TIME_NONE, TU_NOW, JWTSAFE_ERR_KEY_RETIRED,
		  "key retired now: refused" },
		{ JWTSAFE_TIME_NONE, TU_NOW + 1, 0,
		  "key retired in a second: accepted" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pk = tu_pub(k);
		pk->not_before = cases[i].nb;
		pk->not_after = cases[i].na;
		if (jwtsafe_verifier_new(JWTSAFE_ALG_EDDSA, &v, &err) != 0 ||
		    jwtsafe_verifier_add_key(v, pk, &err) != 0) {
			ok(0, "verifier setup: %s", err.detail);
			continue;
		}
		is_int(try(k, v, h, pl, NULL), cases[i].want, "%s",
		    cases[i].what);
		jwtsafe_verifier_free(v);
	}
	jwtsafe_key_free(k);
}

static void
test_payload_json(const struct jwtsafe_key *k, const struct jwtsafe_verifier *v)
{
	const char *h = tu_header(k);
	char pl[1024];

	snprintf(pl, sizeof(pl), "%s", tu_payload());
	is_int(try(k, v, h, pl, NULL), 0, "control: payload");
	snprintf(pl, sizeof(pl), "{\"sub\":\"root\",%s", tu_payload() + 1);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_DUPLICATE,
	    "duplicate sub (extra first) refused");
	snprintf(pl, sizeof(pl), "%.*s,\"sub\":\"root\"}",
	    (int)strlen(tu_payload()) - 1, tu_payload());
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_DUPLICATE,
	    "duplicate sub (extra last) refused");
	snprintf(pl, sizeof(pl), "%.*s,\"exp\":%lld}",
	    (int)strlen(tu_payload()) - 1, tu_payload(),
	    (long long)TU_NOW + 86400);
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_DUPLICATE,
	    "duplicate exp refused");
	snprintf(pl, sizeof(pl), "%.*s,\"SUB\":\"root\"}",
	    (int)strlen(tu_payload()) - 1, tu_payload());
	is_int(try(k, v, h, pl, NULL), 0,
	    "SUB is another claim: ignored, sub still alice");
	snprintf(pl, sizeof(pl), "%sx", tu_payload());
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "trailing garbage after the payload refused");
	is_int(try(k, v, h, "[1]", NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "array payload refused");
	is_int(try(k, v, h, "\"x\"", NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "string payload refused");
	is_int(try(k, v, h, payload_with(ISS, AUD, "\"alice\\u0000x\"",
	    num_iat, num_exp, JTI, NULL), NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "NUL in sub refused");
	snprintf(pl, sizeof(pl), "\xef\xbb\xbf%s", tu_payload());
	is_int(try(k, v, h, pl, NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "byte-order mark refused");
	is_int(try(k, v, h, payload_with(ISS, AUD, "\"al\xc3\"", num_iat,
	    num_exp, JTI, NULL), NULL), JWTSAFE_ERR_TOKEN_JSON,
	    "invalid UTF-8 refused");
}

static void
test_claims(const struct jwtsafe_key *k, const struct jwtsafe_verifier *v)
{
	const char *h = tu_header(k);
	struct jwtsafe_policy p;
	char t1[64], t2[64], big[300];

#define P(iss, aud, sub, iat, exp, jti, extra) \
	payload_with(iss, aud, sub, iat, exp, jti, extra)
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, JTI, NULL),
	    NULL), 0, "control: all claims");

	/* missing */
	is_int(try(k, v, h, P(NULL, AUD, SUB, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_MISSING, "missing iss refused");
	is_int(try(k, v, h, P(ISS, NULL, SUB, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_MISSING, "missing aud refused");
	is_int(try(k, v, h, P(ISS, AUD, NULL, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_MISSING, "missing sub refused");
	is_int(try(k, v, h, P(ISS, AUD, SUB, NULL, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_MISSING, "missing iat refused");
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, NULL, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_MISSING, "missing exp refused");
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, NULL, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_MISSING, "missing jti refused when "
	    "required");
	tu_policy(&p);
	p.require_jti = 0;
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, NULL, NULL),
	    &p), 0, "missing jti accepted when not required");
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, "5", NULL),
	    &p), JWTSAFE_ERR_CLAIM_TYPE, "numeric jti refused even when "
	    "not required");

	/* wrong types */
	static const char *const bad_times[] = {
		"\"1700000040\"", "1700000040.5", "1e400", "-1",
		"9223372036854775808", "true", "null", "[1700000040]",
		"{}", "253402300800",
	};
	size_t i;
	for (i = 0; i < sizeof(bad_times) / sizeof(bad_times[0]); i++) {
		is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, bad_times[i],
		    JTI, NULL), NULL), JWTSAFE_ERR_CLAIM_TYPE,
		    "exp %s refused", bad_times[i]);
		is_int(try(k, v, h, P(ISS, AUD, SUB, bad_times[i], num_exp,
		    JTI, NULL), NULL), JWTSAFE_ERR_CLAIM_TYPE,
		    "iat %s refused", bad_times[i]);
	}
	snprintf(t1, sizeof(t1), "\"nbf\":\"%lld\"", (long long)TU_NOW);
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, JTI, t1), NULL),
	    JWTSAFE_ERR_CLAIM_TYPE, "nbf as a string refused");
	is_int(try(k, v, h, P("7", AUD, SUB, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_TYPE, "numeric iss refused");
	is_int(try(k, v, h, P(ISS, AUD, "42", num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_TYPE, "numeric sub refused");

	/* time: exp boundary with leeway 30 */
	snprintf(t1, sizeof(t1), "%lld", (long long)(TU_NOW - 60));
	snprintf(t2, sizeof(t2), "%lld", (long long)(TU_NOW - 29));
	is_int(try(k, v, h, P(ISS, AUD, SUB, t1, t2, JTI, NULL), NULL), 0,
	    "expired 29 s ago, within the 30 s leeway: accepted");
	snprintf(t2, sizeof(t2), "%lld", (long long)(TU_NOW - 30));
	is_int(try(k, v, h, P(ISS, AUD, SUB, t1, t2, JTI, NULL), NULL),
	    JWTSAFE_ERR_EXPIRED, "expired one second past the leeway: refused");
	/* nbf */
	snprintf(t1, sizeof(t1), "\"nbf\":%lld", (long long)(TU_NOW + 30));
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, JTI, t1), NULL),
	    0, "nbf 30 s ahead, within leeway: accepted");
	snprintf(t1, sizeof(t1), "\"nbf\":%lld", (long long)(TU_NOW + 31));
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, JTI, t1), NULL),
	    JWTSAFE_ERR_NOT_YET_VALID, "nbf 31 s ahead: refused");
	/* iat in the future */
	snprintf(t1, sizeof(t1), "%lld", (long long)(TU_NOW + 30));
	snprintf(t2, sizeof(t2), "%lld", (long long)(TU_NOW + 60));
	is_int(try(k, v, h, P(ISS, AUD, SUB, t1, t2, JTI, NULL), NULL), 0,
	    "iat 30 s ahead, within leeway: accepted");
	snprintf(t1, sizeof(t1), "%lld", (long long)(TU_NOW + 31));
	is_int(try(k, v, h, P(ISS, AUD, SUB, t1, t2, JTI, NULL), NULL),
	    JWTSAFE_ERR_IAT_FUTURE, "iat 31 s ahead: refused");
	/* lifetime */
	snprintf(t1, sizeof(t1), "%lld", (long long)(TU_NOW - 10));
	snprintf(t2, sizeof(t2), "%lld", (long long)(TU_NOW + 290));
	is_int(try(k, v, h, P(ISS, AUD, SUB, t1, t2, JTI, NULL), NULL), 0,
	    "lifetime exactly 300 s: accepted");
	snprintf(t2, sizeof(t2), "%lld", (long long)(TU_NOW + 291));
	is_int(try(k, v, h, P(ISS, AUD, SUB, t1, t2, JTI, NULL), NULL),
	    JWTSAFE_ERR_LIFETIME, "lifetime 301 s: refused");
	snprintf(t1, sizeof(t1), "%lld", (long long)(TU_NOW + 20));
	snprintf(t2, sizeof(t2), "%lld", (long long)(TU_NOW + 10));
	is_int(try(k, v, h, P(ISS, AUD, SUB, t1, t2, JTI, NULL), NULL),
	    JWTSAFE_ERR_LIFETIME, "exp before iat: refused");

	/* issuer */
	is_int(try(k, v, h, P("\"https://issuer.example/\"", AUD, SUB, num_iat,
	    num_exp, JTI, NULL), NULL), JWTSAFE_ERR_ISSUER,
	    "issuer with a suffix refused");
	is_int(try(k, v, h, P("\"https://issuer.exampl\"", AUD, SUB, num_iat,
	    num_exp, JTI, NULL), NULL), JWTSAFE_ERR_ISSUER,
	    "issuer prefix refused");
	is_int(try(k, v, h, P("\"HTTPS://ISSUER.EXAMPLE\"", AUD, SUB, num_iat,
	    num_exp, JTI, NULL), NULL), JWTSAFE_ERR_ISSUER,
	    "issuer in other case refused");

	/* audience */
	is_int(try(k, v, h, P(ISS, "[\"other\"," AUD "]", SUB, num_iat,
	    num_exp, JTI, NULL), NULL), 0, "aud array holding ours: accepted");
	is_int(try(k, v, h, P(ISS, "[\"other\"]", SUB, num_iat, num_exp, JTI,
	    NULL), NULL), JWTSAFE_ERR_AUDIENCE, "aud array without ours refused");
	is_int(try(k, v, h, P(ISS, "[]", SUB, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_AUDIENCE, "empty aud array refused");
	is_int(try(k, v, h, P(ISS, "\"\"", SUB, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_AUDIENCE, "empty aud string refused");
	is_int(try(k, v, h, P(ISS, "\"ssh:host2.example\"", SUB, num_iat,
	    num_exp, JTI, NULL), NULL), JWTSAFE_ERR_AUDIENCE,
	    "another host's audience refused");
	is_int(try(k, v, h, P(ISS, "[[" AUD "]]", SUB, num_iat, num_exp, JTI,
	    NULL), NULL), JWTSAFE_ERR_CLAIM_TYPE, "nested aud array refused");
	is_int(try(k, v, h, P(ISS, "5", SUB, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_CLAIM_TYPE, "numeric aud refused");
	is_int(try(k, v, h, P(ISS, "{\"a\":" AUD "}", SUB, num_iat, num_exp,
	    JTI, NULL), NULL), JWTSAFE_ERR_CLAIM_TYPE, "object aud refused");

	/* subject */
	is_int(try(k, v, h, P(ISS, AUD, "\"\"", num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_SUBJECT, "empty sub refused");
	is_int(try(k, v, h, P(ISS, AUD, "\"ali\\nce\"", num_iat, num_exp, JTI,
	    NULL), NULL), JWTSAFE_ERR_SUBJECT, "sub with a newline refused");
	is_int(try(k, v, h, P(ISS, AUD, "\"ali\\u001bce\"", num_iat, num_exp,
	    JTI, NULL), NULL), JWTSAFE_ERR_SUBJECT, "sub with ESC refused");
	big[0] = '"';
	memset(big + 1, 'a', 256);
	big[257] = '"';
	big[258] = '\0';
	is_int(try(k, v, h, P(ISS, AUD, big, num_iat, num_exp, JTI, NULL),
	    NULL), 0, "sub of 256 bytes accepted");
	memset(big + 1, 'a', 257);
	big[258] = '"';
	big[259] = '\0';
	is_int(try(k, v, h, P(ISS, AUD, big, num_iat, num_exp, JTI, NULL),
	    NULL), JWTSAFE_ERR_SUBJECT, "sub of 257 bytes refused");
	is_int(try(k, v, h, P(ISS, AUD, SUB, num_iat, num_exp, "\"\"", NULL),
	    NULL), JWTSAFE_ERR_JTI, "empty jti refused");
#undef P
}

/* n - s for an ES256 token: the other valid signature, with high S. */
static char *
make_high_s(const char *tok)
{
	static const char *n_hex =
	    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
	const char *dot2 = strrchr(tok, '.');
	unsigned char sig[64];
	size_t siglen = 0;
	BIGNUM *n = NULL, *s = NULL;
	char *out;

	if (jwtsafe_b64url_decode(dot2 + 1, strlen(dot2 + 1), sig, sizeof(sig),
	    &siglen) != 0 || siglen != 64)
		return NULL;
	BN_hex2bn(&n, n_hex);
	s = BN_bin2bn(sig + 32, 32, NULL);
	BN_sub(s, n, s);
	BN_bn2binpad(s, sig + 32, 32);
	out = malloc((size_t)(dot2 - tok) + 1 + JWTSAFE_B64URL_ENCODED_LEN(64));
	memcpy(out, tok, (size_t)(dot2 - tok) + 1);
	jwtsafe_b64url_encode(sig, 64, out + (dot2 - tok) + 1,
	    JWTSAFE_B64URL_ENCODED_LEN(64));
	BN_free(n);
	BN_free(s);
	return out;
}

static void
test_high_s(void)
{
	struct jwtsafe_key *k = tu_keygen(JWTSAFE_ALG_ES256, "ec");
	struct jwtsafe_verifier *v = tu_verifier(k);
	struct jwtsafe_policy p;
	struct jwtsafe_token *t = NULL;
	struct jwtsafe_error err = { 0 };
	char *tok = tu_token(k, tu_header(k), tu_payload());
	char *high = make_high_s(tok);

	is_int(tu_verify(v, tok, NULL), 0, "control: low-S ES256 accepted");
	ok(high != NULL, "made the high-S twin");
	is_int(tu_verify(v, high, NULL), JWTSAFE_ERR_SIG_HIGH_S,
	    "high-S twin refused in strict mode");
	tu_policy(&p);
	p.allow_high_s = 1;
	is_int(jwtsafe_verify(v, high, strlen(high), &p, &t, &err), 0,
	    "high-S twin accepted with allow_high_s");
	ok(t != NULL && t->high_s == 1, "and reported as high-S");
	jwtsafe_token_free(t);
	t = NULL;
	is_int(jwtsafe_verify(v, tok, strlen(tok), &p, &t, &err), 0,
	    "low-S accepted with allow_high_s");
	ok(t != NULL && t->high_s == 0, "and not reported as high-S");
	jwtsafe_token_free(t);
	free(high);
	jwtsafe_freezero_str(tok);
	jwtsafe_verifier_free(v);
	jwtsafe_key_free(k);
}

static void
test_add_key(void)
{
	struct jwtsafe_key *ed = tu_keygen(JWTSAFE_ALG_EDDSA, "a");
	struct jwtsafe_key *es = tu_keygen(JWTSAFE_ALG_ES256, "b");
	struct jwtsafe_key *es_pub = tu_pub(es), *ed_pub = tu_pub(ed);
	struct jwtsafe_key *ed_pub2 = tu_pub(ed);
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_error err = { 0 };

	is_int(jwtsafe_verifier_new(JWTSAFE_ALG_INVALID, &v, &err),
	    JWTSAFE_ERR_ALG_REFUSED, "no verifier for an invalid algorithm");
	is_int(jwtsafe_verifier_new(JWTSAFE_ALG_EDDSA, &v, &err), 0,
	    "EdDSA verifier");
	is_int(jwtsafe_verifier_add_key(v, es_pub, &err), JWTSAFE_ERR_KEY_ALG,
	    "ES256 key refused by an EdDSA verifier");
	is_int(jwtsafe_verifier_add_key(v, ed, &err), JWTSAFE_ERR_KEY_PURPOSE,
	    "EdDSA secret key refused by a verifier");
	is_int(jwtsafe_verifier_add_key(v, ed_pub, &err), 0,
	    "EdDSA public key added");
	is_int(jwtsafe_verifier_add_key(v, ed_pub2, &err),
	    JWTSAFE_ERR_KEY_DUPLICATE_KID, "same kid twice refused");
	is_int(jwtsafe_verifier_key_count(v), 1, "one key loaded");
	{
		struct jwtsafe_policy p;
		struct jwtsafe_token *t = NULL;

		tu_policy(&p);
		p.issuer = NULL;
		is_int(jwtsafe_verify(v, "a.b.c", 5, &p, &t, &err),
		    JWTSAFE_ERR_INVALID_ARGUMENT, "policy without issuer is "
		    "a usage error");
		tu_policy(&p);
		p.audience = "";
		is_int(jwtsafe_verify(v, "a.b.c", 5, &p, &t, &err),
		    JWTSAFE_ERR_INVALID_ARGUMENT, "empty audience is a usage "
		    "error");
	}
	jwtsafe_verifier_free(v);
	jwtsafe_key_free(ed);
	jwtsafe_key_free(es);
	jwtsafe_key_free(es_pub);
	jwtsafe_key_free(ed_pub2);
}

/* A HS256 verifier must not accept a public key's bytes as a MAC key: it
 * cannot even hold one, and an HS token sent to EdDSA is an alg mismatch. */
static void
test_key_confusion(void)
{
	struct jwtsafe_key *ed = tu_keygen(JWTSAFE_ALG_EDDSA, "c");
	struct jwtsafe_key *pub = tu_pub(ed), *mac = NULL;
	struct jwtsafe_verifier *v = tu_verifier(ed);
	struct jwtsafe_error err = { 0 };
	unsigned char raw[32];
	char *tok;

	/* The public key bytes, made into an HS256 key by an attacker. */
	memcpy(raw, pub->material, 32);
	if (jwtsafe_key_new(JWTSAFE_ALG_HS256, JWTSAFE_KEY_SECRET, "c", raw,
	    32, &mac, &err) != 0) {
		ok(0, "could not make the confusion key: %s", err.detail);
		goto out;
	}
	tok = tu_token(mac, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"c\"}",
	    tu_payload());
	is_int(tu_verify(v, tok, NULL), JWTSAFE_ERR_ALG_MISMATCH,
	    "HS256 token MACed with the EdDSA public key refused");
	jwtsafe_freezero_str(tok);
	tok = tu_token(ed, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"c\"}",
	    tu_payload());
	is_int(tu_verify(v, tok, NULL), 0, "control: the EdDSA token");
	jwtsafe_freezero_str(tok);
 out:
	jwtsafe_key_free(mac);
	jwtsafe_key_free(pub);
	jwtsafe_key_free(ed);
	jwtsafe_verifier_free(v);
}

/*
 * Published examples. Their payloads are not jwtsafe tokens (no aud, iat,
 * sub; RFC 8037's is not even JSON), so the signatures are checked with the
 * algorithm layer and keys imported from the RFCs' JWKs, and the full
 * verifier is shown to get past the signature to the claims.
 */
static void
test_rfc_examples(void)
{
	static const char *a1 =
	    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
	    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
	    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	static const char *a1_jwk = "{\"kty\":\"oct\",\"k\":"
	    "\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3"
	    "Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
	static const char *a3 =
	    "eyJhbGciOiJFUzI1NiJ9."
	    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
	    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
	    "pmWQxfKTUJqPP3-Kg6NU1Q";
	static const char *a3_jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
	    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
	static const char *e4 =
	    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
	    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5B"
	    "hVsPt9g7sVvpAr_MuM0KAg";
	static const char *e4_jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
	static const struct {
		const char *name, *tok, *jwk;
		enum jwtsafe_alg alg;
		int strict, lenient;
	} ex[] = {
		{ "RFC 7515 A.1 HS256", NULL, NULL, JWTSAFE_ALG_HS256, 0, 0 },
		{ "RFC 7515 A.3 ES256", NULL, NULL, JWTSAFE_ALG_ES256,
		  JWTSAFE_ERR_SIG_HIGH_S, 0 },
		{ "RFC 8037 A.4 Ed25519", NULL, NULL, JWTSAFE_ALG_EDDSA, 0, 0 },
	};
	const char *toks[] = { a1, a3, e4 }, *jwks[] = { a1_jwk, a3_jwk, e4_jwk };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct jwtsafe_key *k = NULL;
		struct jwtsafe_error err = { 0 };
		unsigned char sig[JWTSAFE_SIG_MAX];
		const char *tok = toks[i], *dot2 = strrchr(tok, '.');
		size_t siglen = 0;
		int hs = 0;

		if (jwtsafe_key_import(ex[i].alg, "rfc", jwks[i],
		    strlen(jwks[i]), &k, &err) != 0) {
			ok(0, "%s: key import: %s", ex[i].name, err.detail);
			continue;
		}
		ok(jwtsafe_b64url_decode(dot2 + 1, strlen(dot2 + 1), sig,
		    sizeof(sig), &siglen) == 0, "%s: signature decodes",
		    ex[i].name);
		is_int(jwtsafe_alg_verify(k, (const unsigned char *)tok,
		    (size_t)(dot2 - tok), sig, siglen, 0, &hs), ex[i].strict,
		    "%s: signature, strict", ex[i].name);
		is_int(jwtsafe_alg_verify(k, (const unsigned char *)tok,
		    (size_t)(dot2 - tok), sig, siglen, 1, &hs), ex[i].lenient,
		    "%s: signature, high-S allowed", ex[i].name);
		sig[0] ^= 1;
		is_int(jwtsafe_alg_verify(k, (const unsigned char *)tok,
		    (size_t)(dot2 - tok), sig, siglen, 1, &hs),
		    JWTSAFE_ERR_BAD_SIGNATURE, "%s: one bit flipped is refused",
		    ex[i].name);
		if (i == 0) {
			/* Through the whole verifier: header and signature
			 * pass; the payload then lacks what jwtsafe needs. */
			struct jwtsafe_verifier *v = NULL;
			struct jwtsafe_policy p;

			tu_policy(&p);
			p.now = 1300819300;
			p.issuer = "joe";
			if (jwtsafe_verifier_new(JWTSAFE_ALG_HS256, &v, &err) == 0 &&
			    jwtsafe_verifier_add_key(v, k, &err) == 0) {
				k = NULL;
				is_int(tu_verify(v, a1, &p),
				    JWTSAFE_ERR_CLAIM_MISSING, "%s: full verifier "
				    "reaches the claims (no iat)", ex[i].name);
			} else
				ok(0, "verifier: %s", err.detail);
			jwtsafe_verifier_free(v);
		}
		jwtsafe_key_free(k);
	}
}

int
main(void)
{
	struct jwtsafe_key *k;
	struct jwtsafe_verifier *v;

	if (jwtsafe_init() != 0)
		return tap_skip_all("library initialisation failed");
	snprintf(num_iat, sizeof(num_iat), "%lld", (long long)(TU_NOW - 10));
	snprintf(num_exp, sizeof(num_exp), "%lld", (long long)(TU_NOW + 50));

	test_round_trips();
	k = tu_keygen(JWTSAFE_ALG_EDDSA, "ed-main");
	v = tu_verifier(k);
	test_structure(k, v);
	test_payload_swap(k, v);
	test_header(k, v);
	test_payload_json(k, v);
	test_claims(k, v);
	jwtsafe_verifier_free(v);
	jwtsafe_key_free(k);
	test_kid();
	test_key_window();
	test_high_s();
	test_add_key();
	test_key_confusion();
	test_rfc_examples();
	return tap_done();
}
