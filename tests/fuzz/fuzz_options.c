/*
 * libFuzzer target: the PAM module's option parser (jwtsafe_options_parse).
 *
 * The input is cut into arguments at every NUL or newline (a final newline
 * ends the last argument rather than starting an empty one; an empty input
 * is no argument at all), at most
 * ARGS_MAX of them, each a NUL-terminated copy, as PAM would pass them.
 *
 * Checked beyond memory safety: a refusal leaves exactly the defaults; an
 * accepted set satisfies every bound options.h promises, and the policy it
 * gives is the one the options describe.
 */
#include "config.h"

#include <string.h>

#include "alg.h"
#include "err.h"
#include "options.h"
#include "verifier.h"

#include "fuzzer.h"

/* Twice what the parser accepts, so "too many arguments" is reached. */
#define ARGS_MAX (2 * JWTSAFE_OPT_ARGC_MAX)

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
check_defaults(const struct jwtsafe_options *o)
{
	struct jwtsafe_options d;

	jwtsafe_options_defaults(&d);
	FUZZ_CHECK(o->alg == d.alg);
	FUZZ_CHECK(same_str(o->keys, d.keys));
	FUZZ_CHECK(same_str(o->issuer, d.issuer));
	FUZZ_CHECK(same_str(o->audience, d.audience));
	FUZZ_CHECK(same_str(o->typ, d.typ));
	FUZZ_CHECK(o->max_ttl == d.max_ttl && o->leeway == d.leeway);
	FUZZ_CHECK(same_str(o->map, d.map));
	FUZZ_CHECK(o->replay == d.replay);
	FUZZ_CHECK(same_str(o->replay_dir, d.replay_dir));
	FUZZ_CHECK(o->allow_root == d.allow_root);
	FUZZ_CHECK(o->allow_high_s == d.allow_high_s);
	FUZZ_CHECK(same_str(o->prompt, d.prompt));
	FUZZ_CHECK(o->authtok == d.authtok && o->debug == d.debug);
}

static int
no_controls(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	}
	return 1;
}

static void
check_accepted(const struct jwtsafe_options *o)
{
	struct jwtsafe_policy pol;
	size_t n;

	FUZZ_CHECK(o->alg >= JWTSAFE_ALG_FIRST && o->alg <= JWTSAFE_ALG_LAST);
	FUZZ_CHECK(o->keys != NULL && jwtsafe_options_path_valid(o->keys));
	FUZZ_CHECK(o->issuer != NULL);
	n = strlen(o->issuer);
	FUZZ_CHECK(n >= 1 && n <= JWTSAFE_OPT_VALUE_MAX);
	FUZZ_CHECK(o->audience != NULL);
	n = strlen(o->audience);
	FUZZ_CHECK(n >= 1 && n <= JWTSAFE_OPT_VALUE_MAX);
	FUZZ_CHECK(o->typ != NULL);
	n = strlen(o->typ);
	FUZZ_CHECK(n >= 1 && n <= JWTSAFE_TYP_MAX);
	for (; n > 0; n--)
		FUZZ_CHECK(o->typ[n - 1] >= 0x21 && o->typ[n - 1] <= 0x7e);
	FUZZ_CHECK(o->max_ttl >= 1 && o->max_ttl <= JWTSAFE_TTL_MAX);
	FUZZ_CHECK(o->leeway >= 0 && o->leeway <= JWTSAFE_LEEWAY_MAX);
	FUZZ_CHECK(o->map == NULL || jwtsafe_options_path_valid(o->map));
	FUZZ_CHECK(o->replay == 0 || o->replay == 1);
	FUZZ_CHECK(!o->replay || (o->replay_dir != NULL &&
	    jwtsafe_options_path_valid(o->replay_dir)));
	FUZZ_CHECK(o->allow_root == 0 || o->allow_root == 1);
	FUZZ_CHECK(o->allow_high_s == 0 || o->allow_high_s == 1);
	FUZZ_CHECK(o->debug == 0 || o->debug == 1);
	FUZZ_CHECK(o->prompt != NULL);
	n = strlen(o->prompt);
	FUZZ_CHECK(n >= 1 && n <= JWTSAFE_OPT_PROMPT_MAX);
	FUZZ_CHECK(no_controls(o->prompt));
	FUZZ_CHECK(o->authtok == JWTSAFE_AUTHTOK_PROMPT ||
	    o->authtok == JWTSAFE_AUTHTOK_USE_FIRST ||
	    o->authtok == JWTSAFE_AUTHTOK_TRY_FIRST);

	jwtsafe_options_policy(o, FUZZ_NOW, &pol);
	FUZZ_CHECK(pol.typ == o->typ && pol.issuer == o->issuer &&
	    pol.audience == o->audience);
	FUZZ_CHECK(pol.now == FUZZ_NOW);
	FUZZ_CHECK(pol.leeway == o->leeway && pol.max_ttl == o->max_ttl);
	FUZZ_CHECK(pol.require_jti == o->replay);
	FUZZ_CHECK(pol.allow_high_s == o->allow_high_s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwtsafe_options opts;
	struct jwtsafe_error err = { 0 };
	const char *argv[ARGS_MAX];
	char *copy;
	size_t i, start;
	int argc = 0, r;

	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0, start = 0; i <= size && argc < ARGS_MAX; i++) {
		if (i < size && copy[i] != '\0' && copy[i] != '\n')
			continue;
		/* The end of the input right after a separator (or an empty
		 * input) adds no argument. */
		if (i == size && start == size)
			break;
		copy[i] = '\0';
		argv[argc++] = copy + start;
		start = i + 1;
	}

	memset(&opts, 0xa5, sizeof(opts));   /* the parser must set it all */
	r = jwtsafe_options_parse(argc, argv, &opts, &err);
	if (r != 0) {
		FUZZ_CHECK(r == JWTSAFE_ERR_CONFIG && err.code == r);
		check_defaults(&opts);
	} else
		check_accepted(&opts);
	free(copy);
	return 0;
}
