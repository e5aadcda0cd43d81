/*
 * The pam_jwtsafe module options: plain string parsing of a PAM argv, no
 * PAM headers, so that the module and `jwtsafe doctor` share it.
 *
 *   alg=ALG keys=PATH issuer=ISS audience=AUD        (required)
 *   typ=TYP max_ttl=SECONDS leeway=SECONDS map=PATH
 *   replay=DIR | noreplay   allow_root   allow_high_s
 *   prompt=TEXT   use_first_pass | try_first_pass   debug
 *
 * Every argument must be one of these, exactly: an unknown name ("isuer=x"),
 * a flag given a value ("debug=1"), a value option without "=" or with an
 * empty value, an option given twice, a number that is not plain decimal
 * or is out of range, a relative path or one with "." or ".." components,
 * an algorithm jwtsafe_alg_from_name refuses, two options that exclude each
 * other, too many or too long arguments, or a missing required option is
 * refused with JWTSAFE_ERR_CONFIG and a detail naming the option. A typo can
 * therefore never switch a check off.
 */
#ifndef JWTSAFE_OPTIONS_H
#define JWTSAFE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "err.h"
#include "verifier.h"

#define JWTSAFE_OPT_ARGC_MAX      32    /* arguments on one PAM line */
#define JWTSAFE_OPT_ARG_MAX       2048  /* bytes in one argument */
#define JWTSAFE_OPT_PATH_MAX      1024  /* keys=, map=, replay= */
#define JWTSAFE_OPT_VALUE_MAX     1024  /* issuer=, audience= */
#define JWTSAFE_OPT_PROMPT_MAX    128   /* prompt= */

#define JWTSAFE_OPT_TYP_DEFAULT     "JWT"
#define JWTSAFE_OPT_MAX_TTL_DEFAULT 300
#define JWTSAFE_OPT_LEEWAY_DEFAULT  30
#define JWTSAFE_OPT_PROMPT_DEFAULT  "Token: "
#define JWTSAFE_REPLAY_DIR_DEFAULT  "/var/lib/jwtsafe/replay"

/* Where the token comes from. */
enum jwtsafe_authtok_source {
	JWTSAFE_AUTHTOK_PROMPT = 0,   /* always ask through the conversation */
	JWTSAFE_AUTHTOK_USE_FIRST,    /* PAM_AUTHTOK only; never ask */
	JWTSAFE_AUTHTOK_TRY_FIRST,    /* PAM_AUTHTOK if set, else ask */
};

/*
 * Parsed options. The strings point into the argv given to
 * jwtsafe_options_parse (or are static defaults) and stay valid as long as
 * that argv does.
 */
struct jwtsafe_options {
	enum jwtsafe_alg alg;
	const char *keys;          /* absolute path of the key file */
	const char *issuer;        /* 1..JWTSAFE_OPT_VALUE_MAX bytes */
	const char *audience;      /* 1..JWTSAFE_OPT_VALUE_MAX bytes */
	const char *typ;           /* 1..JWTSAFE_TYP_MAX of 0x21..0x7e */
	int64_t max_ttl;           /* 1..JWTSAFE_TTL_MAX */
	int64_t leeway;            /* 0..JWTSAFE_LEEWAY_MAX */
	const char *map;           /* absolute path, or NULL: sub == user */
	int replay;                /* 1: jti required and used once */
	const char *replay_dir;    /* absolute path; meaningful when replay */
	int allow_root;
	int allow_high_s;
	const char *prompt;        /* 1..JWTSAFE_OPT_PROMPT_MAX, no controls */
	enum jwtsafe_authtok_source authtok;
	int debug;
};

/* Fill opts with the defaults (no alg, keys, issuer or audience). */
void jwtsafe_options_defaults(struct jwtsafe_options *opts);

/*
 * Parse argc arguments. On success returns 0 and fills *opts; on error
 * returns JWTSAFE_ERR_CONFIG (or JWTSAFE_ERR_INVALID_ARGUMENT for NULL
 * pointers) with a detail naming the option, and leaves *opts holding the
 * defaults only.
 */
int jwtsafe_options_parse(int argc, const char *const *argv,
    struct jwtsafe_options *opts, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/* The verification policy these options ask for, at time now. */
void jwtsafe_options_policy(const struct jwtsafe_options *opts, int64_t now,
    struct jwtsafe_policy *policy);

/*
 * 1 if path is acceptable for keys=, map= or replay=: absolute, at most
 * JWTSAFE_OPT_PATH_MAX bytes, not "/" itself, no "." or ".." component,
 * no empty component ("//" or a trailing "/"), no control characters.
 */
int jwtsafe_options_path_valid(const char *path);

#endif /* JWTSAFE_OPTIONS_H */
