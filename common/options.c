/*
 * Strict parsing of the pam_jwtsafe options; see options.h.
 */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "util.h"

enum opt_id {
	OPT_ALG = 0,
	OPT_KEYS,
	OPT_ISSUER,
	OPT_AUDIENCE,
	OPT_TYP,
	OPT_MAX_TTL,
	OPT_LEEWAY,
	OPT_MAP,
	OPT_REPLAY,
	OPT_NOREPLAY,
	OPT_ALLOW_ROOT,
	OPT_ALLOW_HIGH_S,
	OPT_PROMPT,
	OPT_USE_FIRST_PASS,
	OPT_TRY_FIRST_PASS,
	OPT_DEBUG,
	OPT_COUNT
};

enum opt_kind {
	KIND_FLAG,      /* no value */
	KIND_ALG,       /* a JOSE algorithm name */
	KIND_PATH,      /* an absolute path */
	KIND_TEXT,      /* UTF-8 without control characters */
	KIND_TYP,       /* 0x21..0x7e */
	KIND_INT,       /* decimal in [min, max] */
};

struct opt_def {
	const char *name;
	enum opt_id id;
	enum opt_kind kind;
	size_t maxlen;          /* value bytes, for KIND_TEXT and KIND_TYP */
	int64_t min, max;       /* for KIND_INT */
};

static const struct opt_def opt_table[] = {
	{ "alg",            OPT_ALG,            KIND_ALG,  0, 0, 0 },
	{ "keys",           OPT_KEYS,           KIND_PATH, 0, 0, 0 },
	{ "issuer",         OPT_ISSUER,         KIND_TEXT, JWTSAFE_OPT_VALUE_MAX, 0, 0 },
	{ "audience",       OPT_AUDIENCE,       KIND_TEXT, JWTSAFE_OPT_VALUE_MAX, 0, 0 },
	{ "typ",            OPT_TYP,            KIND_TYP,  JWTSAFE_TYP_MAX, 0, 0 },
	{ "max_ttl",        OPT_MAX_TTL,        KIND_INT,  0, 1, JWTSAFE_TTL_MAX },
	{ "leeway",         OPT_LEEWAY,         KIND_INT,  0, 0, JWTSAFE_LEEWAY_MAX },
	{ "map",            OPT_MAP,            KIND_PATH, 0, 0, 0 },
	{ "replay",         OPT_REPLAY,         KIND_PATH, 0, 0, 0 },
	{ "noreplay",       OPT_NOREPLAY,       KIND_FLAG, 0, 0, 0 },
	{ "allow_root",     OPT_ALLOW_ROOT,     KIND_FLAG, 0, 0, 0 },
	{ "allow_high_s",   OPT_ALLOW_HIGH_S,   KIND_FLAG, 0, 0, 0 },
	{ "prompt",         OPT_PROMPT,         KIND_TEXT, JWTSAFE_OPT_PROMPT_MAX, 0, 0 },
	{ "use_first_pass", OPT_USE_FIRST_PASS, KIND_FLAG, 0, 0, 0 },
	{ "try_first_pass", OPT_TRY_FIRST_PASS, KIND_FLAG, 0, 0, 0 },
	{ "debug",          OPT_DEBUG,          KIND_FLAG, 0, 0, 0 },
};

#define OPT_NAME_SHOWN 40   /* bytes of an unknown name echoed in a detail */

void
jwtsafe_options_defaults(struct jwtsafe_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->alg = JWTSAFE_ALG_INVALID;
	opts->typ = JWTSAFE_OPT_TYP_DEFAULT;
	opts->max_ttl = JWTSAFE_OPT_MAX_TTL_DEFAULT;
	opts->leeway = JWTSAFE_OPT_LEEWAY_DEFAULT;
	opts->map = NULL;
	opts->replay = 1;
	opts->replay_dir = JWTSAFE_REPLAY_DIR_DEFAULT;
	opts->prompt = JWTSAFE_OPT_PROMPT_DEFAULT;
	opts->authtok = JWTSAFE_AUTHTOK_PROMPT;
}

/* Copy at most OPT_NAME_SHOWN bytes of s[0..len) into out for a message,
 * with anything but printable ASCII shown as '?'. */
static void
shown_name(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, n = len;

	if (n > OPT_NAME_SHOWN)
		n = OPT_NAME_SHOWN;
	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[n] = '\0';
	if (n < len && n >= 3)
		memcpy(out + n - 3, "...", 3);
}

int
jwtsafe_options_path_valid(const char *path)
{
	size_t len, i, start;

	if (path == NULL || path[0] != '/')
		return 0;
	len = strnlen(path, JWTSAFE_OPT_PATH_MAX + 1);
	if (len > JWTSAFE_OPT_PATH_MAX || len < 2)
		return 0;
	if (jwtsafe_has_control((const unsigned char *)path, len))
		return 0;
	/* Walk the components after each '/'. */
	for (i = 0; i < len; i = start) {
		size_t clen;

		start = i + 1;
		while (start < len && path[start] != '/')
			start++;
		clen = start - (i + 1);
		if (clen == 0)
			return 0;   /* "//" or trailing "/" */
		if (clen == 1 && path[i + 1] == '.')
			return 0;
		if (clen == 2 && path[i + 1] == '.' && path[i + 2] == '.')
			return 0;
	}
	return 1;
}

static int
typ_valid(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e)
			return 0;
	}
	return 1;
}

/* Check and store one value; the option is known and has "=value". */
static int
opt_value(const struct opt_def *def, const char *value,
    struct jwtsafe_options *o, struct jwtsafe_error *err)
{
	struct jwtsafe_error aerr = { 0 };
	size_t len = strlen(value);   /* bounded by JWTSAFE_OPT_ARG_MAX */
	int64_t n = 0;
	enum jwtsafe_alg alg = JWTSAFE_ALG_INVALID;

	if (len == 0)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "option %s has an empty value", def->name);

	switch (def->kind) {
	case KIND_ALG:
		if (jwtsafe_alg_from_name(value, &alg, &aerr) != 0)
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option alg: %s", aerr.detail);
		o->alg = alg;
		return 0;
	case KIND_PATH:
		if (value[0] != '/')
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option %s: path must be absolute", def->name);
		if (!jwtsafe_options_path_valid(value))
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option %s: path must be at most %d bytes, without "
			    "\".\", \"..\" or empty components, trailing \"/\" "
			    "or control characters", def->name,
			    JWTSAFE_OPT_PATH_MAX);
		break;
	case KIND_TEXT:
		if (len > def->maxlen)
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option %s: value longer than %zu bytes",
			    def->name, def->maxlen);
		if (!jwtsafe_utf8_valid((const unsigned char *)value, len) ||
		    jwtsafe_has_control((const unsigned char *)value, len))
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option %s: value must be UTF-8 without control "
			    "characters", def->name);
		break;
	case KIND_TYP:
		if (len > def->maxlen || !typ_valid(value, len))
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option %s: value must be 1..%zu printable ASCII "
			    "characters without spaces", def->name,
			    def->maxlen);
		break;
	case KIND_INT:
		if (jwtsafe_parse_int64(value, def->min, def->max, &n) != 0)
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option %s: value must be a decimal number from "
			    "%lld to %lld", def->name, (long long)def->min,
			    (long long)def->max);
		break;
	case KIND_FLAG:
	default:
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "option %s: bad table entry", def->name);
	}

	switch (def->id) {
	case OPT_KEYS:     o->keys = value; break;
	case OPT_ISSUER:   o->issuer = value; break;
	case OPT_AUDIENCE: o->audience = value; break;
	case OPT_TYP:      o->typ = value; break;
	case OPT_MAX_TTL:  o->max_ttl = n; break;
	case OPT_LEEWAY:   o->leeway = n; break;
	case OPT_MAP:      o->map = value; break;
	case OPT_REPLAY:   o->replay_dir = value; break;
	case OPT_PROMPT:   o->prompt = value; break;
	default:
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "option %s: bad table entry", def->name);
	}
	return 0;
}

static int
opt_flag(const struct opt_def *def, struct jwtsafe_options *o,
    struct jwtsafe_error *err)
{
	switch (def->id) {
	case OPT_NOREPLAY:       o->replay = 0; break;
	case OPT_ALLOW_ROOT:     o->allow_root = 1; break;
	case OPT_ALLOW_HIGH_S:   o->allow_high_s = 1; break;
	case OPT_USE_FIRST_PASS: o->authtok = JWTSAFE_AUTHTOK_USE_FIRST; break;
	case OPT_TRY_FIRST_PASS: o->authtok = JWTSAFE_AUTHTOK_TRY_FIRST; break;
	case OPT_DEBUG:          o->debug = 1; break;
	default:
		return jwtsafe_err_set(err, JWTSAFE_ERR_INTERNAL,
		    "option %s: bad table entry", def->name);
	}
	return 0;
}

static const struct opt_def *
opt_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++) {
		if (strlen(opt_table[i].name) == len &&
		    memcmp(opt_table[i].name, name, len) == 0)
			return &opt_table[i];
	}
	return NULL;
}

int
jwtsafe_options_parse(int argc, const char *const *argv,
    struct jwtsafe_options *opts, struct jwtsafe_error *err)
{
	struct jwtsafe_options o;
	unsigned char seen[OPT_COUNT];
	char shown[OPT_NAME_SHOWN + 1];
	const struct opt_def *def;
	const char *arg, *eq;
	size_t len, namelen;
	int i, r;

	if (opts == NULL || (argc > 0 && argv == NULL))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	jwtsafe_options_defaults(opts);
	jwtsafe_options_defaults(&o);
	memset(seen, 0, sizeof(seen));

	if (argc < 0 || argc > JWTSAFE_OPT_ARGC_MAX)
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "%d arguments; at most %d are allowed", argc,
		    JWTSAFE_OPT_ARGC_MAX);

	for (i = 0; i < argc; i++) {
		if ((arg = argv[i]) == NULL)
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "argument %d is missing", i + 1);
		len = strnlen(arg, JWTSAFE_OPT_ARG_MAX + 1);
		if (len > JWTSAFE_OPT_ARG_MAX) {
			shown_name(arg, len, shown, sizeof(shown));
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "argument %d (\"%s\") is longer than %d bytes",
			    i + 1, shown, JWTSAFE_OPT_ARG_MAX);
		}
		eq = memchr(arg, '=', len);
		namelen = eq != NULL ? (size_t)(eq - arg) : len;
		if ((def = opt_lookup(arg, namelen)) == NULL) {
			shown_name(arg, namelen, shown, sizeof(shown));
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "unknown option \"%s\"", shown);
		}
		if (seen[def->id])
			return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
			    "option %s is given more than once", def->name);
		seen[def->id] = 1;
		if (def->kind == KIND_FLAG) {
			if (eq != NULL)
				return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
				    "option %s takes no value", def->name);
			r = opt_flag(def, &o, err);
		} else {
			if (eq == NULL)
				return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
				    "option %s needs a value (%s=...)",
				    def->name, def->name);
			r = opt_value(def, eq + 1, &o, err);
		}
		if (r != 0)
			return r;
	}

	if (seen[OPT_REPLAY] && seen[OPT_NOREPLAY])
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "options replay= and noreplay exclude each other");
	if (seen[OPT_USE_FIRST_PASS] && seen[OPT_TRY_FIRST_PASS])
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "options use_first_pass and try_first_pass exclude each "
		    "other");
	if (!seen[OPT_ALG])
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "required option alg= is missing");
	if (!seen[OPT_KEYS])
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "required option keys= is missing");
	if (!seen[OPT_ISSUER])
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "required option issuer= is missing");
	if (!seen[OPT_AUDIENCE])
		return jwtsafe_err_set(err, JWTSAFE_ERR_CONFIG,
		    "required option audience= is missing");

	*opts = o;
	return 0;
}

void
jwtsafe_options_policy(const struct jwtsafe_options *opts, int64_t now,
    struct jwtsafe_policy *policy)
{
	memset(policy, 0, sizeof(*policy));
	policy->typ = opts->typ;
	policy->issuer = opts->issuer;
	policy->audience = opts->audience;
	policy->now = now;
	policy->leeway = opts->leeway;
	policy->max_ttl = opts->max_ttl;
	policy->require_jti = opts->replay;
	policy->allow_high_s = opts->allow_high_s;
}
