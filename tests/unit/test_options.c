/*
 * The module options: every option accepted with its value, every refusal
 * built from the valid base line by changing one argument, with the exact
 * error code and the option named in the detail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "tap.h"
#include "util.h"

#define BASE_ALG      "alg=EdDSA"
#define BASE_KEYS     "keys=/etc/jwtsafe/keys.pub"
#define BASE_ISSUER   "issuer=https://issuer.example"
#define BASE_AUDIENCE "audience=ssh:host1.example"

static const char *base[] = { BASE_ALG, BASE_KEYS, BASE_ISSUER,
    BASE_AUDIENCE };
#define NBASE 4

/* Parse the base line with extra appended. */
static int
parse_with(const char *const *extra, int nextra, struct jwtsafe_options *o,
    struct jwtsafe_error *err)
{
	const char *argv[64];
	int i, n = 0;

	for (i = 0; i < NBASE; i++)
		argv[n++] = base[i];
	for (i = 0; i < nextra; i++)
		argv[n++] = extra[i];
	memset(err, 0, sizeof(*err));
	return jwtsafe_options_parse(n, argv, o, err);
}

/* Parse the base line with argument idx replaced by repl (NULL: dropped). */
static int
parse_replacing(int idx, const char *repl, struct jwtsafe_options *o,
    struct jwtsafe_error *err)
{
	const char *argv[NBASE];
	int i, n = 0;

	for (i = 0; i < NBASE; i++) {
		if (i != idx)
			argv[n++] = base[i];
		else if (repl != NULL)
			argv[n++] = repl;
	}
	memset(err, 0, sizeof(*err));
	return jwtsafe_options_parse(n, argv, o, err);
}

/* Expect a refusal with the base line plus one argument. */
static void
refuse1(const char *extra, const char *detail_has, const char *what)
{
	struct jwtsafe_options o;
	struct jwtsafe_error err;
	int r = parse_with(&extra, 1, &o, &err);

	is_int(r, JWTSAFE_ERR_CONFIG, "%s: refused", what);
	is_int(err.code, JWTSAFE_ERR_CONFIG, "%s: error code recorded", what);
	ok(strstr(err.detail, detail_has) != NULL,
	    "%s: detail names \"%s\" (%s)", what, detail_has, err.detail);
	ok(o.issuer == NULL && o.keys == NULL && o.replay == 1,
	    "%s: options left at the defaults", what);
}

static void
refuse_replacing(int idx, const char *repl, const char *detail_has,
    const char *what)
{
	struct jwtsafe_options o;
	struct jwtsafe_error err;
	int r = parse_replacing(idx, repl, &o, &err);

	is_int(r, JWTSAFE_ERR_CONFIG, "%s: refused", what);
	ok(strstr(err.detail, detail_has) != NULL,
	    "%s: detail names \"%s\" (%s)", what, detail_has, err.detail);
}

static void
test_base_and_defaults(void)
{
	struct jwtsafe_options o;
	struct jwtsafe_error err;
	struct jwtsafe_policy p;

	is_int(parse_with(NULL, 0, &o, &err), 0, "base line accepted");
	is_int(o.alg, JWTSAFE_ALG_EDDSA, "alg parsed");
	ok(o.keys != NULL && strcmp(o.keys, "/etc/jwtsafe/keys.pub") == 0,
	    "keys parsed");
	ok(o.issuer != NULL && strcmp(o.issuer, "https://issuer.example") == 0,
	    "issuer parsed");
	ok(o.audience != NULL && strcmp(o.audience, "ssh:host1.example") == 0,
	    "audience parsed (a ':' inside the value is fine)");
	ok(strcmp(o.typ, "JWT") == 0, "typ defaults to JWT");
	is_int(o.max_ttl, 300, "max_ttl defaults to 300");
	is_int(o.leeway, 30, "leeway defaults to 30");
	ok(o.map == NULL, "no map by default");
	is_int(o.replay, 1, "replay protection on by default");
	ok(strcmp(o.replay_dir, "/var/lib/jwtsafe/replay") == 0,
	    "replay store defaults to /var/lib/jwtsafe/replay");
	is_int(o.allow_root, 0, "allow_root off by default");
	is_int(o.allow_high_s, 0, "allow_high_s off by default");
	ok(strcmp(o.prompt, "Token: ") == 0, "prompt defaults to \"Token: \"");
	is_int(o.authtok, JWTSAFE_AUTHTOK_PROMPT, "token asked for by default");
	is_int(o.debug, 0, "debug off by default");

	jwtsafe_options_policy(&o, 1234, &p);
	ok(p.typ == o.typ && p.issuer == o.issuer &&
	    p.audience == o.audience, "policy: typ, issuer, audience");
	ok(p.now == 1234 && p.leeway == 30 && p.max_ttl == 300,
	    "policy: now, leeway, max_ttl");
	ok(p.require_jti == 1 && p.allow_high_s == 0,
	    "policy: jti required with replay on, high-S refused");
}

static void
test_each_option(void)
{
	struct jwtsafe_options o;
	struct jwtsafe_error err;
	struct jwtsafe_policy p;
	static const struct { const char *arg; int alg; } algs[] = {
		{ "alg=EdDSA", JWTSAFE_ALG_EDDSA },
		{ "alg=ES256", JWTSAFE_ALG_ES256 },
		{ "alg=ES384", JWTSAFE_ALG_ES384 },
		{ "alg=PS256", JWTSAFE_ALG_PS256 },
		{ "alg=HS256", JWTSAFE_ALG_HS256 },
		{ "alg=HS384", JWTSAFE_ALG_HS384 },
	};
	const char *a[4];
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		is_int(parse_replacing(0, algs[i].arg, &o, &err), 0,
		    "%s accepted", algs[i].arg);
		is_int(o.alg, algs[i].alg, "%s parsed", algs[i].arg);
	}

	a[0] = "typ=at+jwt";
	is_int(parse_with(a, 1, &o, &err), 0, "typ=at+jwt accepted");
	ok(strcmp(o.typ, "at+jwt") == 0, "typ set");

	a[0] = "max_ttl=1";
	is_int(parse_with(a, 1, &o, &err), 0, "max_ttl=1 accepted");
	is_int(o.max_ttl, 1, "max_ttl=1 set");
	a[0] = "max_ttl=86400";
	is_int(parse_with(a, 1, &o, &err), 0, "max_ttl=86400 accepted");
	is_int(o.max_ttl, 86400, "max_ttl=86400 set");
	a[0] = "leeway=0";
	is_int(parse_with(a, 1, &o, &err), 0, "leeway=0 accepted");
	is_int(o.leeway, 0, "leeway=0 set");
	a[0] = "leeway=300";
	is_int(parse_with(a, 1, &o, &err), 0, "leeway=300 accepted");
	is_int(o.leeway, 300, "leeway=300 set");

	a[0] = "map=/etc/jwtsafe/users.map";
	is_int(parse_with(a, 1, &o, &err), 0, "map= accepted");
	ok(o.map != NULL && strcmp(o.map, "/etc/jwtsafe/users.map") == 0,
	    "map set");

	a[0] = "replay=/var/tmp/jwtsafe-replay";
	is_int(parse_with(a, 1, &o, &err), 0, "replay= accepted");
	ok(o.replay == 1 && strcmp(o.replay_dir, "/var/tmp/jwtsafe-replay") == 0,
	    "replay dir set, replay on");

	a[0] = "noreplay";
	is_int(parse_with(a, 1, &o, &err), 0, "noreplay accepted");
	is_int(o.replay, 0, "noreplay turns replay protection off");
	jwtsafe_options_policy(&o, 0, &p);
	is_int(p.require_jti, 0, "noreplay: jti not required");

	a[0] = "allow_root";
	is_int(parse_with(a, 1, &o, &err), 0, "allow_root accepted");
	is_int(o.allow_root, 1, "allow_root set");

	a[0] = "allow_high_s";
	is_int(parse_with(a, 1, &o, &err), 0, "allow_high_s accepted");
	is_int(o.allow_high_s, 1, "allow_high_s set");
	jwtsafe_options_policy(&o, 0, &p);
	is_int(p.allow_high_s, 1, "allow_high_s reaches the policy");

	a[0] = "prompt=Enter your token: ";
	is_int(parse_with(a, 1, &o, &err), 0, "prompt with spaces accepted");
	ok(strcmp(o.prompt, "Enter your token: ") == 0, "prompt set");

	a[0] = "use_first_pass";
	is_int(parse_with(a, 1, &o, &err), 0, "use_first_pass accepted");
	is_int(o.authtok, JWTSAFE_AUTHTOK_USE_FIRST, "use_first_pass set");
	a[0] = "try_first_pass";
	is_int(parse_with(a, 1, &o, &err), 0, "try_first_pass accepted");
	is_int(o.authtok, JWTSAFE_AUTHTOK_TRY_FIRST, "try_first_pass set");

	a[0] = "debug";
	is_int(parse_with(a, 1, &o, &err), 0, "debug accepted");
	is_int(o.debug, 1, "debug set");

	/* All at once, in another order. */
	{
		const char *all[] = { "debug", "audience=a", "noreplay",
		    "typ=JWT", "allow_root", "leeway=5", "issuer=i",
		    "max_ttl=60", "keys=/k", "allow_high_s", "map=/m",
		    "try_first_pass", "prompt=T", "alg=ES256" };

		is_int(jwtsafe_options_parse(14, all, &o, &err), 0,
		    "every option together, any order");
		ok(o.alg == JWTSAFE_ALG_ES256 && o.leeway == 5 &&
		    o.max_ttl == 60 && o.replay == 0 && o.allow_root &&
		    o.allow_high_s && o.debug &&
		    o.authtok == JWTSAFE_AUTHTOK_TRY_FIRST &&
		    strcmp(o.map, "/m") == 0 && strcmp(o.prompt, "T") == 0,
		    "every option together: all set");
	}
}

static void
test_refusals(void)
{
	struct jwtsafe_options o;
	struct jwtsafe_error err;
	char big[JWTSAFE_OPT_ARG_MAX + 64];
	const char *argv[JWTSAFE_OPT_ARGC_MAX + 2];
	const char *pair[2];
	int i, r;

	/* unknown names, including near misses of real ones */
	refuse1("isuer=https://issuer.example", "isuer", "typo isuer=");
	refuse1("audiance=x", "audiance", "typo audiance=");
	refuse1("ALG=EdDSA", "ALG", "option names are case-sensitive");
	refuse1("nodebug", "nodebug", "unknown flag");
	refuse1("max-ttl=60", "max-ttl", "dash instead of underscore");
	refuse1("", "unknown option", "empty argument");
	refuse1("=x", "unknown option", "argument with an empty name");
	refuse1("debug\x01", "debug?", "unknown name with a control byte, "
	    "shown safely");

	/* flags given a value */
	refuse1("debug=1", "debug", "debug=1");
	refuse1("noreplay=yes", "noreplay", "noreplay=yes");
	refuse1("allow_root=0", "allow_root", "allow_root=0");
	refuse1("allow_high_s=", "allow_high_s", "allow_high_s=");
	refuse1("use_first_pass=1", "use_first_pass", "use_first_pass=1");
	refuse1("try_first_pass=1", "try_first_pass", "try_first_pass=1");

	/* value options without a value */
	refuse_replacing(2, "issuer", "issuer", "issuer without =");
	refuse_replacing(1, "keys", "keys", "keys without =");
	refuse1("typ", "typ", "typ without =");
	refuse1("map", "map", "map without =");
	refuse1("prompt", "prompt", "prompt without =");
	refuse1("replay", "replay", "replay without =");
	refuse1("max_ttl", "max_ttl", "max_ttl without =");
	refuse1("leeway", "leeway", "leeway without =");
	refuse_replacing(0, "alg", "alg", "alg without =");

	/* empty values */
	refuse_replacing(1, "keys=", "keys", "keys= empty");
	refuse_replacing(2, "issuer=", "issuer", "issuer= empty");
	refuse_replacing(3, "audience=", "audience", "audience= empty");
	refuse_replacing(0, "alg=", "alg", "alg= empty");
	refuse1("map=", "map", "map= empty");
	refuse1("typ=", "typ", "typ= empty");
	refuse1("prompt=", "prompt", "prompt= empty");
	refuse1("replay=", "replay", "replay= empty");
	refuse1("leeway=", "leeway", "leeway= empty");

	/* repeated options, also with the same value */
	refuse1(BASE_ISSUER, "issuer", "issuer given twice");
	refuse1("alg=EdDSA", "alg", "alg given twice");
	pair[0] = "debug";
	pair[1] = "debug";
	r = parse_with(pair, 2, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "debug given twice: refused");
	ok(strstr(err.detail, "debug") != NULL, "debug twice: named");
	pair[0] = "leeway=10";
	pair[1] = "leeway=20";
	r = parse_with(pair, 2, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "leeway given twice: refused");

	/* numbers */
	refuse1("max_ttl=0", "max_ttl", "max_ttl=0 below range");
	refuse1("max_ttl=86401", "max_ttl", "max_ttl=86401 above range");
	refuse1("max_ttl=-1", "max_ttl", "max_ttl=-1");
	refuse1("max_ttl=30s", "max_ttl", "max_ttl=30s trailing text");
	refuse1("max_ttl= 30", "max_ttl", "max_ttl with a space");
	refuse1("max_ttl=+30", "max_ttl", "max_ttl with a plus sign");
	refuse1("max_ttl=0x10", "max_ttl", "max_ttl in hex");
	refuse1("max_ttl=1e3", "max_ttl", "max_ttl in exponent form");
	refuse1("max_ttl=99999999999999999999", "max_ttl",
	    "max_ttl overflowing int64");
	refuse1("leeway=301", "leeway", "leeway=301 above range");
	refuse1("leeway=-1", "leeway", "leeway=-1 below range");
	refuse1("leeway=abc", "leeway", "leeway not a number");

	/* paths */
	refuse_replacing(1, "keys=etc/keys", "keys", "relative keys path");
	refuse_replacing(1, "keys=./keys", "keys", "keys path ./");
	refuse_replacing(1, "keys=/etc/../keys", "keys", "keys path with ..");
	refuse_replacing(1, "keys=/etc/./keys", "keys", "keys path with .");
	refuse_replacing(1, "keys=//etc/keys", "keys", "keys path with //");
	refuse_replacing(1, "keys=/etc/keys/", "keys", "keys path trailing /");
	refuse_replacing(1, "keys=/", "keys", "keys path /");
	refuse_replacing(1, "keys=/etc/ke\tys", "keys",
	    "keys path with a control character");
	refuse1("map=users.map", "map", "relative map path");
	refuse1("map=/etc/jwtsafe/../map", "map", "map path with ..");
	refuse1("replay=var/lib/replay", "replay", "relative replay path");
	refuse1("replay=/var/lib/replay/", "replay", "replay path trailing /");

	/* algorithms jwtsafe refuses, or misspelt */
	refuse_replacing(0, "alg=none", "alg", "alg=none");
	refuse_replacing(0, "alg=RS256", "alg", "alg=RS256");
	refuse_replacing(0, "alg=HS512", "alg", "alg=HS512");
	refuse_replacing(0, "alg=ES512", "alg", "alg=ES512");
	refuse_replacing(0, "alg=eddsa", "alg", "alg=eddsa (case)");
	refuse_replacing(0, "alg=Ed25519", "alg", "alg=Ed25519");

	/* text values */
	memset(big, 'a', sizeof(big));
	memcpy(big, "issuer=", 7);
	big[7 + JWTSAFE_OPT_VALUE_MAX + 1] = '\0';
	refuse_replacing(2, big, "issuer", "issuer over 1024 bytes");
	big[7 + JWTSAFE_OPT_VALUE_MAX] = '\0';
	is_int(parse_replacing(2, big, &o, &err), 0,
	    "issuer of exactly 1024 bytes accepted");
	refuse_replacing(2, "issuer=a\tb", "issuer", "issuer with a tab");
	refuse_replacing(3, "audience=a\x7f", "audience", "audience with DEL");
	refuse_replacing(3, "audience=\xc3\x28", "audience",
	    "audience not UTF-8");
	is_int(parse_replacing(3, "audience=h\xc3\xb4te", &o, &err), 0,
	    "UTF-8 audience accepted");
	refuse1("typ=a b", "typ", "typ with a space");
	refuse1("typ=t\xc3\xa9", "typ", "typ not ASCII");
	memset(big, 'a', sizeof(big));
	memcpy(big, "typ=", 4);
	big[4 + JWTSAFE_TYP_MAX + 1] = '\0';
	refuse1(big, "typ", "typ over 64 bytes");
	big[4 + JWTSAFE_TYP_MAX] = '\0';
	{
		const char *one = big;

		is_int(parse_with(&one, 1, &o, &err), 0,
		    "typ of exactly 64 bytes accepted");
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "prompt=", 7);
	big[7 + JWTSAFE_OPT_PROMPT_MAX + 1] = '\0';
	refuse1(big, "prompt", "prompt over 128 bytes");
	refuse1("prompt=Token:\n", "prompt", "prompt with a newline");

	/* options that exclude each other */
	pair[0] = "replay=/var/tmp/r";
	pair[1] = "noreplay";
	r = parse_with(pair, 2, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "replay= with noreplay refused");
	ok(strstr(err.detail, "noreplay") != NULL, "replay/noreplay named");
	pair[0] = "use_first_pass";
	pair[1] = "try_first_pass";
	r = parse_with(pair, 2, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG,
	    "use_first_pass with try_first_pass refused");
	ok(strstr(err.detail, "try_first_pass") != NULL,
	    "use/try_first_pass named");

	/* required options */
	refuse_replacing(0, NULL, "alg", "alg missing");
	refuse_replacing(1, NULL, "keys", "keys missing");
	refuse_replacing(2, NULL, "issuer", "issuer missing");
	refuse_replacing(3, NULL, "audience", "audience missing");
	r = jwtsafe_options_parse(0, NULL, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "no arguments at all refused");

	/* argument count and length */
	for (i = 0; i < NBASE; i++)
		argv[i] = base[i];
	for (; i < JWTSAFE_OPT_ARGC_MAX + 1; i++)
		argv[i] = "debug";   /* would be a repeat anyway */
	r = jwtsafe_options_parse(JWTSAFE_OPT_ARGC_MAX + 1, argv, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "more than 32 arguments refused");
	ok(strstr(err.detail, "at most") != NULL, "count refusal says why");
	r = jwtsafe_options_parse(-1, argv, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "negative argc refused");
	for (i = 0; i < NBASE; i++)
		argv[i] = base[i];
	argv[NBASE] = NULL;
	r = jwtsafe_options_parse(NBASE + 1, argv, &o, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "NULL argument refused");
	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "prompt=", 7);
	refuse1(big, "longer than", "argument over 2048 bytes");
	r = jwtsafe_options_parse(NBASE, base, NULL, &err);
	is_int(r, JWTSAFE_ERR_INVALID_ARGUMENT, "NULL output refused");
}

static void
test_path_valid(void)
{
	ok(jwtsafe_options_path_valid("/etc/jwtsafe/keys"), "plain path");
	ok(jwtsafe_options_path_valid("/k"), "one component");
	ok(jwtsafe_options_path_valid("/etc/.keys/..x/x.."),
	    "dot names that are not . or ..");
	ok(!jwtsafe_options_path_valid(NULL), "NULL");
	ok(!jwtsafe_options_path_valid(""), "empty");
	ok(!jwtsafe_options_path_valid("/"), "root itself");
	ok(!jwtsafe_options_path_valid("etc/keys"), "relative");
	ok(!jwtsafe_options_path_valid("/etc/.."), "trailing ..");
	ok(!jwtsafe_options_path_valid("/./etc"), "leading .");
	ok(!jwtsafe_options_path_valid("/etc//keys"), "empty component");
	ok(!jwtsafe_options_path_valid("/etc/keys/"), "trailing slash");
	ok(!jwtsafe_options_path_valid("/etc/\nkeys"), "newline");
}

int
main(void)
{
	test_base_and_defaults();
	test_each_option();
	test_refusals();
	test_path_valid();
	return tap_done();
}
