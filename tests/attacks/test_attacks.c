/*
 * The attack corpus: malicious tokens, each made from a valid token by one
 * change, each run twice: through jwtsafe_verify (with the standard policy
 * of tests/unit/testutil.h, the clock set to now) and through the real
 * pam_jwtsafe.so via libpam. Every row is data in the table below; one
 * loop runs them.
 *
 * For every row the positive control (the valid token the attack was made
 * from, with a fresh jti, for the control user) is run the same way, just
 * before the attack, and must be accepted by both: a row proves something
 * only if the same setup accepts the unchanged token.
 *
 * What a row checks:
 *   core   jwtsafe_verify's result, exactly (0 where the core accepts and
 *          only the PAM layer refuses: subjects, uid 0, replay);
 *   PAM    pam_authenticate's result (PAM_AUTH_ERR, or what the module
 *          documents for the case), no new record in the replay store (its
 *          records are DIR/BUCKET/NAME, see common/replay.h), and, when the
 *          log can be captured (root: a private /dev/log in a private mount
 *          namespace), exactly one decision line with reason=NAME, NAME
 *          being the core's error name wherever the module passes a core
 *          reason on.
 *
 * Headers and payloads are templates: ' stands for ", and @name@ for a
 * value of the row (see expand()). Every jti is fresh, so that a replay hit
 * can never mask the reason a row is about; replay rows reuse one on
 * purpose.
 *
 * The whole test runs in a child process, which takes a private mount
 * namespace for the log capture; the parent only removes the temporary
 * directory afterwards.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <security/pam_appl.h>

#include "b64url.h"
#include "keyfile.h"
#include "pamutil.h"
#include "sign.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

#define ISS      TU_ISSUER
#define AUD      TU_AUDIENCE
#define AUD_B    "sudo:host1.example"   /* another service on this host */
#define USER     "nobody"
#define OTHER    "daemon"
#define NOUSER   "jwtsafe-no-such-user"
#define NPROC    32

/* ---- the services ------------------------------------------------------- */

enum keyname { K_ED, K_ED2, K_ED_EVIL, K_ES, K_ES384, K_PS, K_HS, K_N };

enum svc {
	SV_ED,          /* EdDSA, one key "ed-1" */
	SV_ED_ROOT,     /* ... with allow_root */
	SV_ED_MAP,      /* ... with a subject map */
	SV_ED_MULTI,    /* EdDSA, keys "ed-1" and "ed-2" */
	SV_ED_B,        /* EdDSA, audience AUD_B: another service, same host,
	                 * same key file and replay store */
	SV_ES,          /* ES256 */
	SV_ES_HIGHS,    /* ES256 with allow_high_s */
	SV_PS,          /* PS256 */
	SV_HS,          /* HS256 */
	SV_N
};

struct service {
	const char *name;       /* PAM service file */
	enum keyname key;       /* signs its controls */
	const char *keyfile;    /* under keys/ */
	const char *aud;
	const char *extra;      /* more module options */
	const char *ctl_sub;    /* subject of its controls; NULL: the user */
	int allow_high_s;
	int with_map;
};

static const struct service services[SV_N] = {
	[SV_ED] =       { "atk-ed", K_ED, "ed.pub", AUD, "", NULL, 0, 0 },
	[SV_ED_ROOT] =  { "atk-ed-root", K_ED, "ed.pub", AUD, "allow_root",
	    NULL, 0, 0 },
	[SV_ED_MAP] =   { "atk-ed-map", K_ED, "ed.pub", AUD, "", "ext|alice",
	    0, 1 },
	[SV_ED_MULTI] = { "atk-ed-multi", K_ED, "multi.pub", AUD, "", NULL,
	    0, 0 },
	[SV_ED_B] =     { "atk-ed-b", K_ED, "ed.pub", AUD_B, "", NULL, 0, 0 },
	[SV_ES] =       { "atk-es", K_ES, "es.pub", AUD, "", NULL, 0, 0 },
	[SV_ES_HIGHS] = { "atk-es-highs", K_ES, "es.pub", AUD, "allow_high_s",
	    NULL, 1, 0 },
	[SV_PS] =       { "atk-ps", K_PS, "ps.pub", AUD, "", NULL, 0, 0 },
	[SV_HS] =       { "atk-hs", K_HS, "hs.key", AUD, "", NULL, 0, 0 },
};

#define MAP_TEXT "# attack corpus\next|alice: " USER "\next|bob: " OTHER \
	"\next|admin: root\n"

/* ---- the rows ----------------------------------------------------------- */

enum cls {
	C_ALG = 1, C_CONFUSION, C_KID, C_HEADER, C_FRAMING, C_ECDSA, C_EDRSA,
	C_BASE64, C_JSON, C_CLAIMS, C_SUBJECT, C_REPLAY, C_CROSS, C_N
};

static const char *const class_names[C_N] = {
	[C_ALG] = "1 alg", [C_CONFUSION] = "2 key confusion",
	[C_KID] = "3 kid", [C_HEADER] = "4 header members",
	[C_FRAMING] = "5 framing", [C_ECDSA] = "6 ECDSA",
	[C_EDRSA] = "7 Ed25519/RSA-PSS", [C_BASE64] = "8 base64url/UTF-8",
	[C_JSON] = "9 JSON", [C_CLAIMS] = "10 claims",
	[C_SUBJECT] = "11 subjects", [C_REPLAY] = "12 replay",
	[C_CROSS] = "13 cross-service",
};

/* Who signs the attack token. */
enum signer {
	SG_SVC = 0,     /* the service's own key */
	SG_ED, SG_ED_EVIL, SG_ES, SG_ES384, SG_PS, SG_HS,
	SG_HMAC,        /* HMAC (.bits) keyed with the service's public key in
	                 * the form .form: key confusion */
	SG_PS_SALT0,    /* RSA-PSS with salt length 0 */
	SG_PS_SALTMAX,  /* RSA-PSS with the longest salt */
	SG_PS_PKCS1,    /* RSA PKCS#1 v1.5 (RS256's padding) */
};

enum form { FM_NONE, FM_PEM, FM_DER, FM_JWK, FM_RAW, FM_KEYFILE };

/* One change made to a signed token (or, with FL_FROM_CONTROL, to the
 * control itself). */
enum mut {
	M_NONE = 0,
	/* framing */
	M_SIG_EMPTY, M_SIG_DROP, M_PAY_DROP, M_HDR_EMPTY, M_PAY_EMPTY,
	M_APPEND_2SEG, M_APPEND_SIG, M_DOTS, M_DOT_EVERY, M_JSON_FLAT,
	M_JSON_GENERAL,
	/* base64url */
	M_PAD_HDR, M_PAD_SIG, M_STD_ALPHABET, M_SPACE_IN, M_NL_IN, M_TAB_IN,
	M_LEAD_SPACE, M_TRAIL_SPACE, M_BACKSLASH_IN, M_STAR_IN,
	M_TRAILBITS_HDR, M_TRAILBITS_SIG, M_LEN1_HDR, M_LEN1_SIG,
	M_APPEND_NL, M_APPEND_CRLF,
	/* signatures, any algorithm */
	M_SIG_ZERO, M_SIG_CUT1, M_SIG_ADD0, M_SIG_PRE0, M_SIG_TO96,
	M_SIG_TO97, M_FLIP_FIRST, M_FLIP_MID, M_FLIP_LAST, M_SIG_FROM_OTHER,
	M_PAY_FLIP, M_PAY_SWAP_SUB,
	/* ECDSA P-256 */
	M_EC_R0, M_EC_S0, M_EC_RN, M_EC_SN, M_EC_RSN, M_EC_RFF, M_EC_HIGH_S,
	M_EC_DER, M_EC_PAD_RS, M_EC_R1S1,
	/* Ed25519 */
	M_ED_S_PLUS_L, M_ED_S_L, M_ED_S_FF, M_ED_IDENTITY,
	/* RSA */
	M_PS_TO512, M_PS_DROP_FIRST, M_PS_MODULUS,
};

/* What the PAM module must answer. */
enum pamres { P_AUTH_ERR = 0, P_SUCCESS, P_USER_UNKNOWN, P_AUTHINFO_UNAVAIL };

#define FL_TIME         0x01  /* on a second boundary: the clock matters */
#define FL_FROM_CONTROL 0x02  /* the attack is the control, changed (mut) */
#define FL_SAME_JTI     0x04  /* the attack reuses the control's jti */
#define FL_CTL_TEXT     0x08  /* the control is the row's own text, run on
                               * .ctl_svc (valid there, refused here) */
#define FL_RACE         0x10  /* NPROC processes at once, one token */
#define FL_IMPORT       0x20  /* a weak public key, refused at import */

struct row {
	const char *name;
	enum cls cls;
	enum svc svc;
	const char *user;       /* PAM user; NULL: USER */
	const char *ctl_user;   /* user of the control; NULL: user */
	const char *sub;        /* @sub@ of the attack; NULL: as the control */
	const char *hdr;        /* header template; NULL: HDR_STD */
	const char *pay;        /* payload template; NULL: PAY_STD */
	enum signer sign;
	enum form form;         /* SG_HMAC */
	int bits;               /* SG_HMAC: 256 or 384 */
	enum mut mut;
	int64_t t1, t2;         /* @t1@, @t2@ are now + t1, now + t2 */
	int core;               /* expected jwtsafe_verify result */
	enum pamres pam;
	const char *reason;     /* expected reason= ; NULL: the core's name */
	const char *why;        /* a word the core's detail must hold, where
	                         * the code has many causes (TOKEN_JSON): a
	                         * template broken by mistake fails the row */
	unsigned flags;
	enum svc ctl_svc;       /* FL_CTL_TEXT */
	const char *material;   /* FL_IMPORT: 64 hex digits, or "mixed" */
};

#define HDR_STD "{'alg':'@alg@','typ':'JWT','kid':'@kid@'}"
#define HDR_PLUS(m) "{'alg':'@alg@','typ':'JWT','kid':'@kid@'," m "}"
#define PAY_STD "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','iat':@iat@," \
	"'exp':@exp@,'jti':'@jti@'}"
#define PAY_PLUS(m) "{'iss':'@iss@','aud':'@aud@','sub':'@sub@'," \
	"'iat':@iat@,'exp':@exp@,'jti':'@jti@'," m "}"
/* The standard payload with one member's value replaced. */
#define PAY_ISS(v) "{'iss':" v ",'aud':'@aud@','sub':'@sub@','iat':@iat@," \
	"'exp':@exp@,'jti':'@jti@'}"
#define PAY_AUD(v) "{'iss':'@iss@','aud':" v ",'sub':'@sub@','iat':@iat@," \
	"'exp':@exp@,'jti':'@jti@'}"
#define PAY_SUB(v) "{'iss':'@iss@','aud':'@aud@','sub':" v ",'iat':@iat@," \
	"'exp':@exp@,'jti':'@jti@'}"
#define PAY_IAT(v) "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','iat':" v \
	",'exp':@exp@,'jti':'@jti@'}"
#define PAY_EXP(v) "{'iss':'@iss@','aud':'@aud@','sub':'@sub@'," \
	"'iat':@iat@,'exp':" v ",'jti':'@jti@'}"
#define PAY_TIMES(iat, exp) "{'iss':'@iss@','aud':'@aud@','sub':'@sub@'," \
	"'iat':" iat ",'exp':" exp ",'jti':'@jti@'}"
#define PAY_JTI(v) "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','iat':@iat@," \
	"'exp':@exp@,'jti':" v "}"

#define E(x) JWTSAFE_ERR_##x

static char long_user[JWTSAFE_SUB_MAX + 2];   /* 257 bytes: too long */

static const struct row rows[] = {
	/* ---- 1: alg none, other algorithms ---- */
	{ .name = "alg \"none\" (still signed)", .cls = C_ALG,
	  .hdr = "{'alg':'none','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"None\"", .cls = C_ALG,
	  .hdr = "{'alg':'None','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"NONE\"", .cls = C_ALG,
	  .hdr = "{'alg':'NONE','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"nOnE\"", .cls = C_ALG,
	  .hdr = "{'alg':'nOnE','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"none\" with the signature emptied (the classic "
	  "unsigned token)", .cls = C_ALG,
	  .hdr = "{'alg':'none','typ':'JWT','kid':'@kid@'}", .mut = M_SIG_EMPTY,
	  .core = E(TOKEN_SEGMENTS) },
	{ .name = "signature emptied, trailing dot kept", .cls = C_ALG,
	  .mut = M_SIG_EMPTY, .core = E(TOKEN_SEGMENTS) },
	{ .name = "signature segment removed", .cls = C_ALG,
	  .mut = M_SIG_DROP, .core = E(TOKEN_SEGMENTS) },
	{ .name = "ES384 token (ES384 key, same kid) to an ES256 service",
	  .cls = C_ALG, .svc = SV_ES, .sign = SG_ES384,
	  .core = E(ALG_MISMATCH) },
	{ .name = "EdDSA token to an ES256 service", .cls = C_ALG,
	  .svc = SV_ES, .sign = SG_ED, .core = E(ALG_MISMATCH) },
	{ .name = "PS256 token to an EdDSA service", .cls = C_ALG,
	  .sign = SG_PS, .core = E(ALG_MISMATCH) },
	{ .name = "HS256 token (a real HMAC key) to an EdDSA service",
	  .cls = C_ALG, .sign = SG_HS, .core = E(ALG_MISMATCH) },
	{ .name = "EdDSA token to an HS256 service", .cls = C_ALG,
	  .svc = SV_HS, .sign = SG_ED, .core = E(ALG_MISMATCH) },
	{ .name = "alg \"RS256\" (refused on purpose)", .cls = C_ALG,
	  .hdr = "{'alg':'RS256','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"HS512\"", .cls = C_ALG,
	  .hdr = "{'alg':'HS512','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"ES512\"", .cls = C_ALG, .svc = SV_ES,
	  .hdr = "{'alg':'ES512','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"eddsa\" (names are case-sensitive)", .cls = C_ALG,
	  .hdr = "{'alg':'eddsa','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"Ed25519\"", .cls = C_ALG,
	  .hdr = "{'alg':'Ed25519','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg \"EdDSA \" (trailing space)", .cls = C_ALG,
	  .hdr = "{'alg':'EdDSA ','typ':'JWT','kid':'@kid@'}",
	  .core = E(ALG_REFUSED) },
	{ .name = "alg missing", .cls = C_ALG,
	  .hdr = "{'typ':'JWT','kid':'@kid@'}", .core = E(ALG_MISMATCH) },
	{ .name = "alg an array [\"EdDSA\"]", .cls = C_ALG,
	  .hdr = "{'alg':['EdDSA'],'typ':'JWT','kid':'@kid@'}",
	  .core = E(HEADER_REFUSED) },
	{ .name = "alg null", .cls = C_ALG,
	  .hdr = "{'alg':null,'typ':'JWT','kid':'@kid@'}",
	  .core = E(HEADER_REFUSED) },

	/* ---- 2: key confusion, HMAC keyed with the public key ---- */
#define CONFUSE(svc_, alg_, bits_, form_, what) \
	{ .name = "HS" #bits_ " MACed with the " alg_ " service's " what, \
	  .cls = C_CONFUSION, .svc = svc_, .sign = SG_HMAC, .bits = bits_, \
	  .form = form_, \
	  .hdr = "{'alg':'HS" #bits_ "','typ':'JWT','kid':'@kid@'}", \
	  .core = E(ALG_MISMATCH) }
	CONFUSE(SV_ED, "EdDSA", 256, FM_PEM, "public key as PEM text"),
	CONFUSE(SV_ED, "EdDSA", 256, FM_DER, "public key as DER"),
	CONFUSE(SV_ED, "EdDSA", 256, FM_JWK, "public key as JWK text"),
	CONFUSE(SV_ED, "EdDSA", 256, FM_RAW, "raw 32-byte public key"),
	CONFUSE(SV_ED, "EdDSA", 256, FM_KEYFILE, "key file text"),
	CONFUSE(SV_ED, "EdDSA", 384, FM_PEM, "public key as PEM text"),
	CONFUSE(SV_ED, "EdDSA", 384, FM_RAW, "raw 32-byte public key"),
	CONFUSE(SV_ES, "ES256", 256, FM_PEM, "public key as PEM text"),
	CONFUSE(SV_ES, "ES256", 256, FM_DER, "public key as DER"),
	CONFUSE(SV_ES, "ES256", 256, FM_JWK, "public key as JWK text"),
	CONFUSE(SV_ES, "ES256", 256, FM_RAW, "public key as a raw SEC1 point"),
	CONFUSE(SV_ES, "ES256", 256, FM_KEYFILE, "key file text"),
	CONFUSE(SV_ES, "ES256", 384, FM_PEM, "public key as PEM text"),
	CONFUSE(SV_ES, "ES256", 384, FM_RAW, "public key as a raw SEC1 point"),
	CONFUSE(SV_PS, "PS256", 256, FM_PEM, "public key as PEM text"),
	CONFUSE(SV_PS, "PS256", 256, FM_DER, "public key as DER"),
	CONFUSE(SV_PS, "PS256", 256, FM_JWK, "public key as JWK text"),
	CONFUSE(SV_PS, "PS256", 256, FM_RAW, "raw RSA modulus"),
	CONFUSE(SV_PS, "PS256", 384, FM_PEM, "public key as PEM text"),
	CONFUSE(SV_PS, "PS256", 384, FM_RAW, "raw RSA modulus"),
#undef CONFUSE

	/* ---- 3: kid ---- */
	{ .name = "kid path traversal ../../../../etc/passwd", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT',"
	  "'kid':'../../../../../../etc/passwd'}", .core = E(KID_UNKNOWN) },
	{ .name = "kid naming the key file by a relative path", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'../keys/ed.pub'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid /dev/null", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'/dev/null'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid ed-1/../ed-1", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'ed-1/../ed-1'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid with a double quote", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'ed-1\\''}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid with SQL-style single quotes", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT',"
	  "'kid':'\\u0027 OR \\u00271\\u0027=\\u00271'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid $(id)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'$(id)'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid with backticks, ; | &", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'`id`;ed-1|cat&'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid with CR LF (log injection)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT',"
	  "'kid':'ed-1\\r\\nresult=accepted'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid \"ed-1\\u0000\" (C would see ed-1)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'ed-1\\u0000'}",
	  .core = E(TOKEN_JSON),
	  .why = "\\u0000" },
	{ .name = "kid \"ed-1\\u0000/../../etc/passwd\"", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT',"
	  "'kid':'ed-1\\u0000/../../etc/passwd'}",
	  .core = E(TOKEN_JSON),
	  .why = "\\u0000" },
	{ .name = "kid 10 KB long (token over 8 KiB)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'@R10240:k@'}",
	  .core = E(TOKEN_TOO_LONG) },
	{ .name = "kid 5000 bytes long (fits in 8 KiB)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'@R5000:k@'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid of 129 characters (one over the kid limit)",
	  .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'@R129:e@'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid unknown (ed-9)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'ed-9'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid ED-1 (case)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'ED-1'}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid \"ed-1 \" (trailing space)", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'ed-1 '}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid empty", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':''}",
	  .core = E(KID_UNKNOWN) },
	{ .name = "kid a number", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':1}",
	  .core = E(HEADER_REFUSED) },
	{ .name = "kid null", .cls = C_KID,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':null}",
	  .core = E(HEADER_REFUSED) },
	{ .name = "no kid while two keys are loaded", .cls = C_KID,
	  .svc = SV_ED_MULTI, .hdr = "{'alg':'@alg@','typ':'JWT'}",
	  .core = E(KID_REQUIRED) },
	{ .name = "kid of the other loaded key (ed-2), signed by ed-1",
	  .cls = C_KID, .svc = SV_ED_MULTI,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'ed-2'}",
	  .core = E(BAD_SIGNATURE) },
	{ .name = "kid ed-1, signed by another key with that kid",
	  .cls = C_KID, .sign = SG_ED_EVIL, .core = E(BAD_SIGNATURE) },

	/* ---- 4: header members that choose keys or processing ---- */
#define REFUSED_MEMBER(label, member) \
	{ .name = "header " label, .cls = C_HEADER, .hdr = HDR_PLUS(member), \
	  .core = E(HEADER_REFUSED) }
	REFUSED_MEMBER("jku", "'jku':'https://evil.example/jwks.json'"),
	REFUSED_MEMBER("x5u", "'x5u':'https://evil.example/cert.pem'"),
	REFUSED_MEMBER("jwk (an embedded key)", "'jwk':{'kty':'OKP',"
	    "'crv':'Ed25519',"
	    "'x':'11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'}"),
	REFUSED_MEMBER("x5c", "'x5c':['MIIBszCCAVmgAwIBAgIUQ']"),
	REFUSED_MEMBER("x5t", "'x5t':'dGhpcyBpcyBub3QgYSB0aHVtYnByaW50'"),
	REFUSED_MEMBER("x5t#S256",
	    "'x5t#S256':'dGhpcyBpcyBub3QgYSB0aHVtYnByaW50'"),
	REFUSED_MEMBER("crit [\"exp\"]", "'crit':['exp']"),
	REFUSED_MEMBER("crit []", "'crit':[]"),
	REFUSED_MEMBER("b64 false", "'b64':false"),
	REFUSED_MEMBER("crit [\"b64\"] with b64 false",
	    "'crit':['b64'],'b64':false"),
	REFUSED_MEMBER("zip DEF", "'zip':'DEF'"),
	REFUSED_MEMBER("enc A256GCM", "'enc':'A256GCM'"),
	REFUSED_MEMBER("epk", "'epk':{'kty':'EC','crv':'P-256',"
	    "'x':'AAAA','y':'AAAA'}"),
	REFUSED_MEMBER("p2c 10000000", "'p2c':10000000"),
	REFUSED_MEMBER("p2s", "'p2s':'c2FsdA'"),
	REFUSED_MEMBER("cty JWT (nested token)", "'cty':'JWT'"),
	REFUSED_MEMBER("unknown member foo", "'foo':1"),
	REFUSED_MEMBER("sub:root in the header", "'sub':'root'"),
	{ .name = "header jku first, before alg", .cls = C_HEADER,
	  .hdr = "{'jku':'https://evil.example/jwks.json','alg':'@alg@',"
	  "'typ':'JWT','kid':'@kid@'}", .core = E(HEADER_REFUSED) },
#undef REFUSED_MEMBER

	/* ---- 5: framing ---- */
	{ .name = "JWE shape: 5 segments", .cls = C_FRAMING,
	  .mut = M_APPEND_2SEG, .core = E(TOKEN_SEGMENTS) },
	{ .name = "JWS JSON serialization (flattened)", .cls = C_FRAMING,
	  .mut = M_JSON_FLAT, .core = E(TOKEN_SEGMENTS) },
	{ .name = "JWS JSON serialization (general)", .cls = C_FRAMING,
	  .mut = M_JSON_GENERAL, .core = E(TOKEN_SEGMENTS) },
	{ .name = "2 segments: payload removed", .cls = C_FRAMING,
	  .mut = M_PAY_DROP, .core = E(TOKEN_SEGMENTS) },
	{ .name = "4 segments: signature twice", .cls = C_FRAMING,
	  .mut = M_APPEND_SIG, .core = E(TOKEN_SEGMENTS) },
	{ .name = "3000 dots appended", .cls = C_FRAMING, .mut = M_DOTS,
	  .core = E(TOKEN_SEGMENTS) },
	{ .name = "a dot after every payload character", .cls = C_FRAMING,
	  .mut = M_DOT_EVERY, .core = E(TOKEN_SEGMENTS) },
	{ .name = "empty header segment", .cls = C_FRAMING,
	  .mut = M_HDR_EMPTY, .core = E(TOKEN_SEGMENTS) },
	{ .name = "empty payload segment", .cls = C_FRAMING,
	  .mut = M_PAY_EMPTY, .core = E(TOKEN_SEGMENTS) },
	{ .name = "token over 8 KiB (a 6200-byte claim)", .cls = C_FRAMING,
	  .pay = PAY_PLUS("'pad':'@R6200:p@'"), .core = E(TOKEN_TOO_LONG) },

	/* ---- 6: ECDSA P-256 ---- */
#define ECDSA(label, m, code) \
	{ .name = "ES256 " label, .cls = C_ECDSA, .svc = SV_ES, .mut = m, \
	  .core = code }
	ECDSA("r = s = 0 (CVE-2022-21449)", M_SIG_ZERO, E(SIG_FORMAT)),
	ECDSA("r = 0", M_EC_R0, E(SIG_FORMAT)),
	ECDSA("s = 0", M_EC_S0, E(SIG_FORMAT)),
	ECDSA("r = n", M_EC_RN, E(SIG_FORMAT)),
	ECDSA("s = n", M_EC_SN, E(SIG_FORMAT)),
	ECDSA("r = s = n", M_EC_RSN, E(SIG_FORMAT)),
	ECDSA("r = 2^256 - 1", M_EC_RFF, E(SIG_FORMAT)),
	ECDSA("high-S (n - s)", M_EC_HIGH_S, E(SIG_HIGH_S)),
	ECDSA("DER-encoded instead of raw r||s", M_EC_DER, E(SIG_FORMAT)),
	ECDSA("63 bytes (last byte cut)", M_SIG_CUT1, E(SIG_FORMAT)),
	ECDSA("65 bytes (zero appended)", M_SIG_ADD0, E(SIG_FORMAT)),
	ECDSA("65 bytes (zero prepended)", M_SIG_PRE0, E(SIG_FORMAT)),
	ECDSA("66 bytes (r and s each zero-prefixed)", M_EC_PAD_RS,
	    E(SIG_FORMAT)),
	ECDSA("96 bytes (ES384's length)", M_SIG_TO96, E(SIG_FORMAT)),
	ECDSA("97 bytes", M_SIG_TO97, E(SIG_FORMAT)),
	ECDSA("r = s = 1", M_EC_R1S1, E(BAD_SIGNATURE)),
	ECDSA("one bit of r flipped", M_FLIP_FIRST, E(BAD_SIGNATURE)),
	ECDSA("one bit of s flipped", M_FLIP_LAST, E(BAD_SIGNATURE)),
	ECDSA("signature of another valid token", M_SIG_FROM_OTHER,
	    E(BAD_SIGNATURE)),
#undef ECDSA

	/* ---- 7: Ed25519 and RSA-PSS ---- */
	{ .name = "Ed25519 S + L (malleated)", .cls = C_EDRSA,
	  .mut = M_ED_S_PLUS_L, .core = E(SIG_FORMAT) },
	{ .name = "Ed25519 S = L", .cls = C_EDRSA, .mut = M_ED_S_L,
	  .core = E(SIG_FORMAT) },
	{ .name = "Ed25519 S = 2^256 - 1", .cls = C_EDRSA, .mut = M_ED_S_FF,
	  .core = E(SIG_FORMAT) },
	{ .name = "Ed25519 one bit of R flipped", .cls = C_EDRSA,
	  .mut = M_FLIP_FIRST, .core = E(BAD_SIGNATURE) },
	{ .name = "Ed25519 one bit of S flipped", .cls = C_EDRSA,
	  .mut = M_FLIP_MID, .core = E(BAD_SIGNATURE) },
	{ .name = "Ed25519 all-zero signature", .cls = C_EDRSA,
	  .mut = M_SIG_ZERO, .core = E(BAD_SIGNATURE) },
	{ .name = "Ed25519 R = identity, S = 0", .cls = C_EDRSA,
	  .mut = M_ED_IDENTITY, .core = E(BAD_SIGNATURE) },
	{ .name = "Ed25519 63 bytes", .cls = C_EDRSA, .mut = M_SIG_CUT1,
	  .core = E(SIG_FORMAT) },
	{ .name = "Ed25519 65 bytes", .cls = C_EDRSA, .mut = M_SIG_ADD0,
	  .core = E(SIG_FORMAT) },
	{ .name = "one bit of the payload flipped, not re-signed",
	  .cls = C_EDRSA, .mut = M_PAY_FLIP, .core = E(BAD_SIGNATURE) },
	{ .name = "payload swapped for sub=" OTHER ", not re-signed",
	  .cls = C_EDRSA, .user = OTHER, .ctl_user = USER, .sub = USER,
	  .mut = M_PAY_SWAP_SUB, .core = E(BAD_SIGNATURE) },
#define WEAK(label, hex) \
	{ .name = "Ed25519 public key " label " refused at import", \
	  .cls = C_EDRSA, .flags = FL_IMPORT, .material = hex, \
	  .core = E(KEY_INVALID), .pam = P_AUTHINFO_UNAVAIL }
	WEAK("= identity (small order 1)",
	    "0100000000000000000000000000000000000000000000000000000000000000"),
	WEAK("y = 0 (small order 4)",
	    "0000000000000000000000000000000000000000000000000000000000000000"),
	WEAK("of small order 8 (a)",
	    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
	WEAK("of small order 8 (b)",
	    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
	WEAK("y = -1 (small order 2)",
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
	WEAK("y = p (non-canonical 0)",
	    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
	WEAK("y = p + 1 (non-canonical identity)",
	    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
	WEAK("identity with the sign bit set (-0)",
	    "0100000000000000000000000000000000000000000000000000000000000080"),
	WEAK("y = 2 (not on the curve)",
	    "0200000000000000000000000000000000000000000000000000000000000000"),
	WEAK("B + T8 (mixed order, outside the prime-order subgroup)",
	    "da99e28ba529cdde35a25fba9059e78ecaee239f99755b9b1aa4f65df00803e2"),
#undef WEAK
	{ .name = "PS256 zero byte prepended (257 bytes)", .cls = C_EDRSA,
	  .svc = SV_PS, .mut = M_SIG_PRE0, .core = E(SIG_FORMAT) },
	{ .name = "PS256 first byte dropped (255 bytes)", .cls = C_EDRSA,
	  .svc = SV_PS, .mut = M_PS_DROP_FIRST, .core = E(SIG_FORMAT) },
	{ .name = "PS256 zero-padded to 512 bytes", .cls = C_EDRSA,
	  .svc = SV_PS, .mut = M_PS_TO512, .core = E(SIG_FORMAT) },
	{ .name = "PS256 signature = the modulus n", .cls = C_EDRSA,
	  .svc = SV_PS, .mut = M_PS_MODULUS, .core = E(BAD_SIGNATURE) },
	{ .name = "PS256 all-zero signature", .cls = C_EDRSA, .svc = SV_PS,
	  .mut = M_SIG_ZERO, .core = E(BAD_SIGNATURE) },
	{ .name = "PS256 one bit flipped", .cls = C_EDRSA, .svc = SV_PS,
	  .mut = M_FLIP_LAST, .core = E(BAD_SIGNATURE) },
	{ .name = "PS256 header, PKCS#1 v1.5 signature", .cls = C_EDRSA,
	  .svc = SV_PS, .sign = SG_PS_PKCS1, .core = E(BAD_SIGNATURE) },
	{ .name = "PS256 with salt length 0", .cls = C_EDRSA, .svc = SV_PS,
	  .sign = SG_PS_SALT0, .core = E(BAD_SIGNATURE) },
	{ .name = "PS256 with the longest salt", .cls = C_EDRSA,
	  .svc = SV_PS, .sign = SG_PS_SALTMAX, .core = E(BAD_SIGNATURE) },

	/* ---- 8: base64url, UTF-8 ---- */
	{ .name = "'=' padding on the header", .cls = C_BASE64,
	  .mut = M_PAD_HDR, .core = E(TOKEN_BASE64) },
	{ .name = "'==' padding on the signature", .cls = C_BASE64,
	  .mut = M_PAD_SIG, .core = E(TOKEN_BASE64) },
	{ .name = "'+' and '/' (standard alphabet) in the payload",
	  .cls = C_BASE64, .mut = M_STD_ALPHABET, .core = E(TOKEN_BASE64) },
	{ .name = "a space inside the payload", .cls = C_BASE64,
	  .mut = M_SPACE_IN, .core = E(TOKEN_BASE64) },
	{ .name = "a newline inside the payload", .cls = C_BASE64,
	  .mut = M_NL_IN, .core = E(TOKEN_BASE64) },
	{ .name = "a tab inside the payload", .cls = C_BASE64,
	  .mut = M_TAB_IN, .core = E(TOKEN_BASE64) },
	{ .name = "a leading space", .cls = C_BASE64, .mut = M_LEAD_SPACE,
	  .core = E(TOKEN_BASE64) },
	{ .name = "a trailing space", .cls = C_BASE64, .mut = M_TRAIL_SPACE,
	  .core = E(TOKEN_BASE64) },
	{ .name = "a backslash inside the payload", .cls = C_BASE64,
	  .mut = M_BACKSLASH_IN, .core = E(TOKEN_BASE64) },
	{ .name = "a '*' inside the payload", .cls = C_BASE64,
	  .mut = M_STAR_IN, .core = E(TOKEN_BASE64) },
	{ .name = "non-zero trailing bits in the header", .cls = C_BASE64,
	  .mut = M_TRAILBITS_HDR, .core = E(TOKEN_BASE64) },
	{ .name = "non-zero trailing bits in the signature", .cls = C_BASE64,
	  .mut = M_TRAILBITS_SIG, .core = E(TOKEN_BASE64) },
	{ .name = "header of length 1 mod 4", .cls = C_BASE64,
	  .mut = M_LEN1_HDR, .core = E(TOKEN_BASE64) },
	{ .name = "signature of length 1 mod 4", .cls = C_BASE64,
	  .mut = M_LEN1_SIG, .core = E(TOKEN_BASE64) },
	{ .name = "invalid UTF-8 (0xff) in sub", .cls = C_BASE64,
	  .pay = PAY_SUB("'@sub@\xff'"), .core = E(TOKEN_JSON),
	  .why = "UTF-8" },
	{ .name = "overlong UTF-8 '/' (c0 af) in sub", .cls = C_BASE64,
	  .pay = PAY_SUB("'@sub@\xc0\xaf'"), .core = E(TOKEN_JSON),
	  .why = "UTF-8" },
	{ .name = "UTF-8 encoded surrogate (ed a0 80) in sub", .cls = C_BASE64,
	  .pay = PAY_SUB("'@sub@\xed\xa0\x80'"), .core = E(TOKEN_JSON),
	  .why = "UTF-8" },
	{ .name = "UTF-8 beyond U+10FFFF (f4 90 80 80) in sub",
	  .cls = C_BASE64, .pay = PAY_SUB("'@sub@\xf4\x90\x80\x80'"),
	  .core = E(TOKEN_JSON), .why = "UTF-8" },
	{ .name = "invalid UTF-8 in the header's kid", .cls = C_BASE64,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'@kid@\xfe'}",
	  .core = E(TOKEN_JSON),
	  .why = "UTF-8" },
	{ .name = "byte-order mark before the payload", .cls = C_BASE64,
	  .pay = "\xef\xbb\xbf" PAY_STD, .core = E(TOKEN_JSON),
	  .why = "byte-order mark" },
	{ .name = "byte-order mark before the header", .cls = C_BASE64,
	  .hdr = "\xef\xbb\xbf" HDR_STD, .core = E(TOKEN_JSON),
	  .why = "byte-order mark" },

	/* ---- 9: JSON ---- */
	{ .name = "duplicate alg (EdDSA, then none)", .cls = C_JSON,
	  .hdr = "{'alg':'@alg@','alg':'none','typ':'JWT','kid':'@kid@'}",
	  .core = E(TOKEN_DUPLICATE),
	  .why = "alg" },
	{ .name = "duplicate alg (none, then EdDSA)", .cls = C_JSON,
	  .hdr = "{'alg':'none','alg':'@alg@','typ':'JWT','kid':'@kid@'}",
	  .core = E(TOKEN_DUPLICATE),
	  .why = "alg" },
	{ .name = "duplicate kid", .cls = C_JSON,
	  .hdr = "{'alg':'@alg@','typ':'JWT','kid':'@kid@','kid':'ed-9'}",
	  .core = E(TOKEN_DUPLICATE),
	  .why = "kid" },
	{ .name = "duplicate sub (ours, then root)", .cls = C_JSON,
	  .pay = PAY_PLUS("'sub':'root'"), .core = E(TOKEN_DUPLICATE),
	  .why = "sub" },
	{ .name = "duplicate sub (root, then ours)", .cls = C_JSON,
	  .pay = "{'sub':'root','iss':'@iss@','aud':'@aud@','sub':'@sub@',"
	  "'iat':@iat@,'exp':@exp@,'jti':'@jti@'}",
	  .core = E(TOKEN_DUPLICATE),
	  .why = "sub" },
	{ .name = "duplicate exp (valid, then a year later)", .cls = C_JSON,
	  .pay = PAY_PLUS("'exp':@t1@"), .t1 = 31536000,
	  .core = E(TOKEN_DUPLICATE),
	  .why = "exp" },
	{ .name = "duplicate exp (a year later, then valid)", .cls = C_JSON,
	  .pay = "{'exp':@t1@,'iss':'@iss@','aud':'@aud@','sub':'@sub@',"
	  "'iat':@iat@,'exp':@exp@,'jti':'@jti@'}", .t1 = 31536000,
	  .core = E(TOKEN_DUPLICATE),
	  .why = "exp" },
	{ .name = "duplicate jti", .cls = C_JSON,
	  .pay = PAY_PLUS("'jti':'other'"), .core = E(TOKEN_DUPLICATE),
	  .why = "jti" },
	{ .name = "duplicate name inside a nested object", .cls = C_JSON,
	  .pay = PAY_PLUS("'x':{'a':1,'a':2}"), .core = E(TOKEN_DUPLICATE) },
	{ .name = "\"Alg\" instead of \"alg\" (an unknown member)",
	  .cls = C_JSON, .hdr = "{'Alg':'@alg@','typ':'JWT','kid':'@kid@'}",
	  .core = E(HEADER_REFUSED),
	  .why = "Alg" },
	{ .name = "\"ALG\":\"none\" beside alg", .cls = C_JSON,
	  .hdr = HDR_PLUS("'ALG':'none'"), .core = E(HEADER_REFUSED),
	  .why = "ALG" },
	{ .name = "\"SUB\" instead of \"sub\"", .cls = C_JSON,
	  .pay = "{'iss':'@iss@','aud':'@aud@','SUB':'@sub@','iat':@iat@,"
	  "'exp':@exp@,'jti':'@jti@'}", .core = E(CLAIM_MISSING),
	  .why = "sub" },
	{ .name = "\"Sub\" instead of \"sub\"", .cls = C_JSON,
	  .pay = "{'iss':'@iss@','aud':'@aud@','Sub':'@sub@','iat':@iat@,"
	  "'exp':@exp@,'jti':'@jti@'}", .core = E(CLAIM_MISSING),
	  .why = "sub" },
	{ .name = "documented positive: \"SUB\":\"root\" beside sub is just "
	  "another claim", .cls = C_JSON, .pay = PAY_PLUS("'SUB':'root'"),
	  .core = 0, .pam = P_SUCCESS },
	{ .name = "a token for " USER " with \"SUB\":\"root\", as root",
	  .cls = C_JSON, .svc = SV_ED_ROOT, .user = "root", .ctl_user = USER,
	  .sub = USER, .pay = PAY_PLUS("'SUB':'root'"), .core = 0,
	  .reason = "user-refused" },
	{ .name = "\"EXP\" instead of \"exp\"", .cls = C_JSON,
	  .pay = "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','iat':@iat@,"
	  "'EXP':@exp@,'jti':'@jti@'}", .core = E(CLAIM_MISSING),
	  .why = "exp" },
	{ .name = "expired exp with a far \"Exp\" beside it", .cls = C_JSON,
	  .pay = "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','iat':@t1@,"
	  "'exp':@t2@,'Exp':4102444800,'jti':'@jti@'}", .t1 = -200,
	  .t2 = -100, .core = E(EXPIRED) },
	{ .name = "garbage after the payload object", .cls = C_JSON,
	  .pay = PAY_STD "x", .core = E(TOKEN_JSON),
	  .why = "data after" },
	{ .name = "a second '}' after the header", .cls = C_JSON,
	  .hdr = HDR_STD "}", .core = E(TOKEN_JSON),
	  .why = "data after" },
	{ .name = "a second object after the payload", .cls = C_JSON,
	  .pay = PAY_STD "{'sub':'root'}", .core = E(TOKEN_JSON),
	  .why = "data after" },
	{ .name = "a NUL byte after the payload", .cls = C_JSON,
	  .pay = PAY_STD "@NUL@", .core = E(TOKEN_JSON),
	  .why = "NUL byte" },
	{ .name = "a trailing comma in the payload", .cls = C_JSON,
	  .pay = PAY_PLUS("'x':1,"), .core = E(TOKEN_JSON),
	  .why = "syntax error" },
	{ .name = "a comment in the payload", .cls = C_JSON,
	  .pay = PAY_PLUS("/* c */'x':1"), .core = E(TOKEN_JSON),
	  .why = "syntax error" },
	{ .name = "NaN as a value", .cls = C_JSON,
	  .pay = PAY_PLUS("'x':NaN"), .core = E(TOKEN_JSON),
	  .why = "syntax error" },
	{ .name = "nesting 10,000 deep (token over 8 KiB)", .cls = C_JSON,
	  .pay = PAY_PLUS("'x':@R10000:[@@R10000:]@"),
	  .core = E(TOKEN_TOO_LONG) },
	{ .name = "nesting 2,500 deep (fits in 8 KiB)", .cls = C_JSON,
	  .pay = PAY_PLUS("'x':@R2500:[@@R2500:]@"), .core = E(TOKEN_JSON),
	  .why = "nested deeper" },
	{ .name = "nesting 10 deep (the limit is 8)", .cls = C_JSON,
	  .pay = PAY_PLUS("'x':@R9:[@@R9:]@"), .core = E(TOKEN_JSON),
	  .why = "nested deeper" },
	{ .name = "135 members in one object (the limit is 128)",
	  .cls = C_JSON, .pay = PAY_PLUS("@M129@"), .core = E(TOKEN_JSON),
	  .why = "members" },
	{ .name = "payload an array holding the object", .cls = C_JSON,
	  .pay = "[" PAY_STD "]", .core = E(TOKEN_JSON),
	  .why = "top-level" },
	{ .name = "payload a string holding the object", .cls = C_JSON,
	  .pay = "\"{\\\"iss\\\":\\\"@iss@\\\",\\\"aud\\\":\\\"@aud@\\\","
	  "\\\"sub\\\":\\\"@sub@\\\",\\\"iat\\\":@iat@,\\\"exp\\\":@exp@,"
	  "\\\"jti\\\":\\\"@jti@\\\"}\"", .core = E(TOKEN_JSON),
	  .why = "top-level" },
	{ .name = "payload null", .cls = C_JSON, .pay = "null",
	  .core = E(TOKEN_JSON),
	  .why = "top-level" },
	{ .name = "header an array holding the object", .cls = C_JSON,
	  .hdr = "[" HDR_STD "]", .core = E(TOKEN_JSON),
	  .why = "top-level" },
	{ .name = "sub \"root\\u0000x\" (C would see root), as root",
	  .cls = C_JSON, .svc = SV_ED_ROOT, .user = "root",
	  .pay = PAY_SUB("'root\\u0000x'"), .core = E(TOKEN_JSON),
	  .why = "\\u0000" },
	{ .name = "sub \"" USER "\\u0000\"", .cls = C_JSON,
	  .pay = PAY_SUB("'@sub@\\u0000'"), .core = E(TOKEN_JSON),
	  .why = "\\u0000" },
	{ .name = "sub an object", .cls = C_JSON,
	  .pay = PAY_SUB("{'name':'@sub@'}"), .core = E(CLAIM_TYPE) },

	/* ---- 10: claims ---- */
	{ .name = "exp missing", .cls = C_CLAIMS,
	  .pay = "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','iat':@iat@,"
	  "'jti':'@jti@'}", .core = E(CLAIM_MISSING) },
	{ .name = "iat missing", .cls = C_CLAIMS,
	  .pay = "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','exp':@exp@,"
	  "'jti':'@jti@'}", .core = E(CLAIM_MISSING) },
	{ .name = "iss missing", .cls = C_CLAIMS,
	  .pay = "{'aud':'@aud@','sub':'@sub@','iat':@iat@,'exp':@exp@,"
	  "'jti':'@jti@'}", .core = E(CLAIM_MISSING) },
	{ .name = "aud missing", .cls = C_CLAIMS,
	  .pay = "{'iss':'@iss@','sub':'@sub@','iat':@iat@,'exp':@exp@,"
	  "'jti':'@jti@'}", .core = E(CLAIM_MISSING) },
	{ .name = "sub missing", .cls = C_CLAIMS,
	  .pay = "{'iss':'@iss@','aud':'@aud@','iat':@iat@,'exp':@exp@,"
	  "'jti':'@jti@'}", .core = E(CLAIM_MISSING) },
	{ .name = "jti missing", .cls = C_CLAIMS,
	  .pay = "{'iss':'@iss@','aud':'@aud@','sub':'@sub@','iat':@iat@,"
	  "'exp':@exp@}", .core = E(CLAIM_MISSING) },
	{ .name = "exp a string", .cls = C_CLAIMS, .pay = PAY_EXP("'@exp@'"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "exp a float", .cls = C_CLAIMS, .pay = PAY_EXP("@exp@.5"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "exp 1e400", .cls = C_CLAIMS, .pay = PAY_EXP("1e400"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "exp negative", .cls = C_CLAIMS, .pay = PAY_EXP("-1"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "exp 2^63", .cls = C_CLAIMS,
	  .pay = PAY_EXP("9223372036854775808"), .core = E(CLAIM_TYPE) },
	{ .name = "exp true", .cls = C_CLAIMS, .pay = PAY_EXP("true"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "iat a string", .cls = C_CLAIMS, .pay = PAY_IAT("'@iat@'"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "nbf a string", .cls = C_CLAIMS,
	  .pay = PAY_PLUS("'nbf':'@iat@'"), .core = E(CLAIM_TYPE) },
	{ .name = "expired one second past the leeway", .cls = C_CLAIMS,
	  .pay = PAY_TIMES("@t1@", "@t2@"), .t1 = -91, .t2 = -31,
	  .core = E(EXPIRED) },
	{ .name = "expired exactly at the leeway (now = exp + leeway)",
	  .cls = C_CLAIMS, .pay = PAY_TIMES("@t1@", "@t2@"), .t1 = -90,
	  .t2 = -30, .flags = FL_TIME, .core = E(EXPIRED) },
	{ .name = "documented positive: exp one second inside the leeway",
	  .cls = C_CLAIMS, .pay = PAY_TIMES("@t1@", "@t2@"), .t1 = -89,
	  .t2 = -29, .flags = FL_TIME, .core = 0, .pam = P_SUCCESS },
	{ .name = "nbf in the future (leeway + 1 s)", .cls = C_CLAIMS,
	  .pay = PAY_PLUS("'nbf':@t1@"), .t1 = 31, .flags = FL_TIME,
	  .core = E(NOT_YET_VALID) },
	{ .name = "iat in the future (leeway + 1 s)", .cls = C_CLAIMS,
	  .pay = PAY_TIMES("@t1@", "@t2@"), .t1 = 31, .t2 = 91,
	  .flags = FL_TIME, .core = E(IAT_FUTURE) },
	{ .name = "lifetime max_ttl + 1", .cls = C_CLAIMS,
	  .pay = PAY_TIMES("@t1@", "@t2@"), .t1 = -10, .t2 = 291,
	  .core = E(LIFETIME) },
	{ .name = "exp before iat", .cls = C_CLAIMS,
	  .pay = PAY_TIMES("@t1@", "@t2@"), .t1 = 0, .t2 = -1,
	  .core = E(LIFETIME) },
	{ .name = "aud empty", .cls = C_CLAIMS, .pay = PAY_AUD("''"),
	  .core = E(AUDIENCE) },
	{ .name = "aud an empty array", .cls = C_CLAIMS, .pay = PAY_AUD("[]"),
	  .core = E(AUDIENCE) },
	{ .name = "aud wrong", .cls = C_CLAIMS,
	  .pay = PAY_AUD("'ssh:evil.example'"), .core = E(AUDIENCE) },
	{ .name = "aud ours in a nested array", .cls = C_CLAIMS,
	  .pay = PAY_AUD("[['@aud@']]"), .core = E(CLAIM_TYPE) },
	{ .name = "aud an array without ours", .cls = C_CLAIMS,
	  .pay = PAY_AUD("['ssh:a.example','ssh:b.example']"),
	  .core = E(AUDIENCE) },
	{ .name = "aud ours and a number", .cls = C_CLAIMS,
	  .pay = PAY_AUD("['@aud@',1]"), .core = E(CLAIM_TYPE) },
	{ .name = "aud an object", .cls = C_CLAIMS,
	  .pay = PAY_AUD("{'aud':'@aud@'}"), .core = E(CLAIM_TYPE) },
	{ .name = "aud in upper case", .cls = C_CLAIMS,
	  .pay = PAY_AUD("'SSH:HOST1.EXAMPLE'"), .core = E(AUDIENCE) },
	{ .name = "aud ours with a suffix", .cls = C_CLAIMS,
	  .pay = PAY_AUD("'@aud@.evil.example'"), .core = E(AUDIENCE) },
	{ .name = "aud ours with a trailing space", .cls = C_CLAIMS,
	  .pay = PAY_AUD("'@aud@ '"), .core = E(AUDIENCE) },
	{ .name = "iss a prefix of ours", .cls = C_CLAIMS,
	  .pay = PAY_ISS("'https://issuer.exampl'"), .core = E(ISSUER) },
	{ .name = "iss ours with a suffix", .cls = C_CLAIMS,
	  .pay = PAY_ISS("'@iss@.evil.example'"), .core = E(ISSUER) },
	{ .name = "iss ours with a prefix", .cls = C_CLAIMS,
	  .pay = PAY_ISS("'https://evil.example/@iss@'"), .core = E(ISSUER) },
	{ .name = "iss ours with a trailing slash", .cls = C_CLAIMS,
	  .pay = PAY_ISS("'@iss@/'"), .core = E(ISSUER) },
	{ .name = "iss an array", .cls = C_CLAIMS, .pay = PAY_ISS("['@iss@']"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "typ at+jwt", .cls = C_CLAIMS,
	  .hdr = "{'alg':'@alg@','typ':'at+jwt','kid':'@kid@'}",
	  .core = E(TYP) },
	{ .name = "typ JWS", .cls = C_CLAIMS,
	  .hdr = "{'alg':'@alg@','typ':'JWS','kid':'@kid@'}",
	  .core = E(TYP) },
	{ .name = "typ missing (required)", .cls = C_CLAIMS,
	  .hdr = "{'alg':'@alg@','kid':'@kid@'}", .core = E(TYP) },
	{ .name = "typ a number", .cls = C_CLAIMS,
	  .hdr = "{'alg':'@alg@','typ':1,'kid':'@kid@'}",
	  .core = E(HEADER_REFUSED) },
	{ .name = "sub empty", .cls = C_CLAIMS, .pay = PAY_SUB("''"),
	  .core = E(SUBJECT) },
	{ .name = "sub with a control character", .cls = C_CLAIMS,
	  .pay = PAY_SUB("'@sub@\\u0001'"), .core = E(SUBJECT) },
	{ .name = "sub with a newline", .cls = C_CLAIMS,
	  .pay = PAY_SUB("'@sub@\\n'"), .core = E(SUBJECT) },
	{ .name = "sub a number", .cls = C_CLAIMS, .pay = PAY_SUB("0"),
	  .core = E(CLAIM_TYPE) },
	{ .name = "jti empty", .cls = C_CLAIMS, .pay = PAY_JTI("''"),
	  .core = E(JTI) },
	{ .name = "jti of 257 bytes", .cls = C_CLAIMS,
	  .pay = PAY_JTI("'@R257:j@'"), .core = E(JTI) },
	{ .name = "jti with a control character", .cls = C_CLAIMS,
	  .pay = PAY_JTI("'@jti@\\u001b'"), .core = E(JTI) },
	{ .name = "jti a number", .cls = C_CLAIMS, .pay = PAY_JTI("12345"),
	  .core = E(CLAIM_TYPE) },

	/* ---- 11: subjects (the core accepts; the PAM layer refuses) ---- */
	{ .name = "subject not in the map", .cls = C_SUBJECT,
	  .svc = SV_ED_MAP, .sub = "ext|mallory", .core = 0,
	  .reason = "user-refused" },
	{ .name = "subject mapped to another user (" OTHER ")",
	  .cls = C_SUBJECT, .svc = SV_ED_MAP, .sub = "ext|bob", .core = 0,
	  .reason = "user-refused" },
	{ .name = "sub \"r\\u043eot\" (Cyrillic o), as root", .cls = C_SUBJECT,
	  .svc = SV_ED_ROOT, .user = "root", .sub = "r\\u043eot", .core = 0,
	  .reason = "user-refused" },
	{ .name = "sub \"n\\u043ebody\" (Cyrillic o), as " USER,
	  .cls = C_SUBJECT, .sub = "n\xd0\xbe" "body", .core = 0,
	  .reason = "user-refused" },
	{ .name = "sub in fullwidth letters, as root", .cls = C_SUBJECT,
	  .svc = SV_ED_ROOT, .user = "root",
	  .sub = "\xef\xbd\x92\xef\xbd\x8f\xef\xbd\x8f\xef\xbd\x94", .core = 0,
	  .reason = "user-refused" },
	{ .name = "sub \"Root\", as root", .cls = C_SUBJECT, .svc = SV_ED_ROOT,
	  .user = "root", .sub = "Root", .core = 0, .reason = "user-refused" },
	{ .name = "sub \"root \", as root", .cls = C_SUBJECT, .svc = SV_ED_ROOT,
	  .user = "root", .sub = "root ", .core = 0, .reason = "user-refused" },
	{ .name = "sub \"-" USER "\", as " USER, .cls = C_SUBJECT,
	  .sub = "-" USER, .core = 0, .reason = "user-refused" },
	{ .name = "sub and user \"-" USER "\" (leading '-')", .cls = C_SUBJECT,
	  .user = "-" USER, .ctl_user = USER, .core = 0,
	  .pam = P_USER_UNKNOWN, .reason = "user-refused" },
	{ .name = "sub and user \"+" USER "\" (leading '+')", .cls = C_SUBJECT,
	  .user = "+" USER, .ctl_user = USER, .core = 0,
	  .pam = P_USER_UNKNOWN, .reason = "user-refused" },
	{ .name = "sub of 257 bytes", .cls = C_SUBJECT,
	  .pay = PAY_SUB("'@R257:n@'"), .core = E(SUBJECT) },
	{ .name = "sub and user of 257 bytes", .cls = C_SUBJECT,
	  .user = long_user, .ctl_user = USER, .core = E(SUBJECT),
	  .pam = P_USER_UNKNOWN, .reason = "user-refused" },
	{ .name = "sub root as root without allow_root", .cls = C_SUBJECT,
	  .user = "root", .ctl_user = USER, .core = 0,
	  .reason = "root-refused" },
	{ .name = "subject mapped to root, without allow_root",
	  .cls = C_SUBJECT, .svc = SV_ED_MAP, .user = "root", .ctl_user = USER,
	  .sub = "ext|admin", .core = 0, .reason = "root-refused" },
	{ .name = "sub and user that do not exist", .cls = C_SUBJECT,
	  .user = NOUSER, .ctl_user = USER, .core = 0,
	  .pam = P_USER_UNKNOWN, .reason = "user-unknown" },
	{ .name = "a token for " USER ", as " OTHER, .cls = C_SUBJECT,
	  .user = OTHER, .ctl_user = USER, .sub = USER, .core = 0,
	  .reason = "user-refused" },

	/* ---- 12: replay ---- */
	{ .name = "the same token twice", .cls = C_REPLAY,
	  .flags = FL_FROM_CONTROL, .core = 0, .reason = "replay" },
	{ .name = "the used token with a trailing newline", .cls = C_REPLAY,
	  .flags = FL_FROM_CONTROL, .mut = M_APPEND_NL,
	  .core = E(TOKEN_BASE64), .reason = "replay" },
	{ .name = "the used token with a trailing CR LF", .cls = C_REPLAY,
	  .flags = FL_FROM_CONTROL, .mut = M_APPEND_CRLF,
	  .core = E(TOKEN_BASE64), .reason = "replay" },
	{ .name = "re-signed with the same jti and exp, another iat",
	  .cls = C_REPLAY, .flags = FL_SAME_JTI,
	  .pay = PAY_IAT("@t1@"), .t1 = -11, .core = 0, .reason = "replay" },
	{ .name = "the same jti in a token for another user", .cls = C_REPLAY,
	  .flags = FL_SAME_JTI, .user = OTHER, .ctl_user = USER, .core = 0,
	  .reason = "replay" },
	{ .name = "the high-S twin of a used ES256 token (allow_high_s)",
	  .cls = C_REPLAY, .svc = SV_ES_HIGHS, .flags = FL_FROM_CONTROL,
	  .mut = M_EC_HIGH_S, .core = 0, .reason = "replay" },
	{ .name = "one token from 32 processes at once", .cls = C_REPLAY,
	  .flags = FL_RACE, .core = 0, .reason = "replay" },

	/* ---- 13: cross-service ---- */
	{ .name = "a token for " AUD_B " (valid there) at " AUD,
	  .cls = C_CROSS, .pay = PAY_AUD("'" AUD_B "'"),
	  .flags = FL_CTL_TEXT, .ctl_svc = SV_ED_B, .core = E(AUDIENCE) },
	{ .name = "a token for " AUD " (valid there) at " AUD_B,
	  .cls = C_CROSS, .svc = SV_ED_B, .pay = PAY_AUD("'" AUD "'"),
	  .flags = FL_CTL_TEXT, .ctl_svc = SV_ED, .core = E(AUDIENCE) },
	{ .name = "a token for the same service on another host",
	  .cls = C_CROSS, .pay = PAY_AUD("'ssh:host2.example'"),
	  .core = E(AUDIENCE) },
	{ .name = "a token from another issuer, same key", .cls = C_CROSS,
	  .pay = PAY_ISS("'https://other-issuer.example'"),
	  .core = E(ISSUER) },
	{ .name = "a token valid at the ES256 service, at the EdDSA one",
	  .cls = C_CROSS, .sign = SG_ES, .flags = FL_CTL_TEXT,
	  .ctl_svc = SV_ES, .core = E(ALG_MISMATCH) },
	{ .name = "a token for both services, used at " AUD_B ", then at "
	  AUD " (one store)", .cls = C_CROSS,
	  .pay = PAY_AUD("['" AUD "','" AUD_B "']"),
	  .flags = FL_CTL_TEXT | FL_SAME_JTI, .ctl_svc = SV_ED_B, .core = 0,
	  .reason = "replay" },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* ---- fixture ------------------------------------------------------------ */

static char tmp[256];
static char keydir[512];
static char store[512];
static char mapfile[600];
static struct jwtsafe_key *keys[K_N];      /* secret keys */
static struct jwtsafe_key *pubs[K_N];      /* their public halves */
static struct jwtsafe_verifier *verifiers[SV_N];
static unsigned jti_counter;
static int logs_on;

/* ---- small helpers ------------------------------------------------------ */

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		pu_die("malloc");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		pu_die("strdup");
	return p;
}

/* A growing byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 256 : b->cap;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL)
			pu_die("realloc");
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_fmt(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmpb[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmpb, sizeof(tmpb), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmpb))
		pu_die("buf_fmt");
	buf_add(b, tmpb, (size_t)n);
}

static char *
b64(const unsigned char *p, size_t n)
{
	size_t cap = JWTSAFE_B64URL_ENCODED_LEN(n);
	char *out = xmalloc(cap);

	if (jwtsafe_b64url_encode(p, n, out, cap) < 0)
		pu_die("b64url_encode");
	return out;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
		    hexval(hex[2 * i + 1]));
}

/* The three segments of a token (or fewer); pointers into a copy. */
struct parts {
	char *copy;
	const char *h, *p, *s;
};

static void
split(const char *tok, struct parts *pt)
{
	char *d1, *d2;

	pt->copy = xstrdup(tok);
	pt->h = pt->copy;
	pt->p = pt->s = "";
	if ((d1 = strchr(pt->copy, '.')) == NULL)
		return;
	*d1 = '\0';
	pt->p = d1 + 1;
	if ((d2 = strchr(d1 + 1, '.')) == NULL)
		return;
	*d2 = '\0';
	pt->s = d2 + 1;
}

static char *
join3(const char *h, const char *p, const char *s)
{
	char *out;

	if (asprintf(&out, "%s.%s.%s", h, p, s) < 0)
		pu_die("asprintf");
	return out;
}

/* Decode a segment, NUL-terminated (*len without the NUL); bails out if
 * it is not base64url (a test bug). */
static unsigned char *
unb64(const char *seg, size_t *len)
{
	size_t n = strlen(seg), cap = JWTSAFE_B64URL_DECODED_MAX(n) + 1;
	unsigned char *out = xmalloc(cap);

	if (jwtsafe_b64url_decode(seg, n, out, cap - 1, len) != 0) {
		printf("Bail out! not base64url: %s\n", seg);
		exit(99);
	}
	out[*len] = '\0';
	return out;
}

/* The token with its signature replaced by sig[0..n). */
static char *
with_sig(const struct parts *pt, const unsigned char *sig, size_t n)
{
	char *s = b64(sig, n), *out = join3(pt->h, pt->p, s);

	free(s);
	return out;
}

/* Insert c in the middle of segment seg ("h", "p" or "s") of tok. */
static char *
insert_mid(const struct parts *pt, const char *c)
{
	size_t half = strlen(pt->p) / 2;
	char *out;

	if (asprintf(&out, "%s.%.*s%s%s.%s", pt->h, (int)half, pt->p, c,
	    pt->p + half, pt->s) < 0)
		pu_die("asprintf");
	return out;
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* seg with a non-zero unused bit in its last character (len % 4 is 2 or
 * 3, so the last character carries unused low bits). */
static char *
trailing_bits(const char *seg)
{
	char *out = xstrdup(seg);
	size_t n = strlen(out);
	const char *pos;

	if (n % 4 != 2 && n % 4 != 3) {
		printf("Bail out! segment without unused bits\n");
		exit(99);
	}
	pos = strchr(b64chars, out[n - 1]);
	out[n - 1] = b64chars[(size_t)(pos - b64chars) | 1];
	return out;
}

/* seg padded with '=' to a multiple of 4. */
static char *
padded(const char *seg)
{
	size_t n = strlen(seg);
	char *out;

	if (asprintf(&out, "%s%s", seg, n % 4 == 2 ? "==" :
	    n % 4 == 3 ? "=" : "") < 0)
		pu_die("asprintf");
	return out;
}

/* seg lengthened with 'A's to length 1 mod 4. */
static char *
len1mod4(const char *seg)
{
	size_t n = strlen(seg), add = (5 - n % 4) % 4;
	char *out;

	if (add == 0)
		add = 4;
	if (asprintf(&out, "%s%.*s", seg, (int)add, "AAAA") < 0)
		pu_die("asprintf");
	return out;
}

/* ---- ECDSA P-256 and Ed25519 constants ---------------------------------- */

static const unsigned char p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* L, the order of Ed25519's base point, little-endian. */
static const unsigned char ed_l[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* ---- mutations ---------------------------------------------------------- */

static char *
mutate(enum mut m, const char *tok, const char *other, enum svc sv)
{
	struct parts pt, po;
	struct buf b = { NULL, 0, 0 };
	unsigned char *sig = NULL, big[1024];
	size_t siglen = 0, i;
	char *out = NULL, *seg;

	if (m == M_NONE)
		return xstrdup(tok);
	split(tok, &pt);
	if (m >= M_SIG_ZERO && pt.s[0] != '\0')
		sig = unb64(pt.s, &siglen);
	memset(big, 0, sizeof(big));
	switch (m) {
	case M_NONE:
		break;
	case M_SIG_EMPTY:
		out = join3(pt.h, pt.p, "");
		break;
	case M_SIG_DROP:
		if (asprintf(&out, "%s.%s", pt.h, pt.p) < 0)
			pu_die("asprintf");
		break;
	case M_PAY_DROP:
		if (asprintf(&out, "%s.%s", pt.h, pt.s) < 0)
			pu_die("asprintf");
		break;
	case M_HDR_EMPTY:
		out = join3("", pt.p, pt.s);
		break;
	case M_PAY_EMPTY:
		out = join3(pt.h, "", pt.s);
		break;
	case M_APPEND_2SEG:
		if (asprintf(&out, "%s.AAAA.AAAA", tok) < 0)
			pu_die("asprintf");
		break;
	case M_APPEND_SIG:
		if (asprintf(&out, "%s.%s", tok, pt.s) < 0)
			pu_die("asprintf");
		break;
	case M_DOTS:
		buf_str(&b, tok);
		for (i = 0; i < 3000; i++)
			buf_str(&b, ".");
		out = b.p;
		break;
	case M_DOT_EVERY:
		buf_str(&b, pt.h);
		buf_str(&b, ".");
		for (i = 0; pt.p[i] != '\0'; i++) {
			buf_add(&b, &pt.p[i], 1);
			buf_str(&b, ".");
		}
		buf_str(&b, pt.s);
		out = b.p;
		break;
	case M_JSON_FLAT:
		if (asprintf(&out, "{\"protected\":\"%s\",\"payload\":\"%s\","
		    "\"signature\":\"%s\"}", pt.h, pt.p, pt.s) < 0)
			pu_die("asprintf");
		break;
	case M_JSON_GENERAL:
		if (asprintf(&out, "{\"payload\":\"%s\",\"signatures\":"
		    "[{\"protected\":\"%s\",\"signature\":\"%s\"}]}", pt.p,
		    pt.h, pt.s) < 0)
			pu_die("asprintf");
		break;
	case M_PAD_HDR:
		seg = padded(pt.h);
		out = join3(seg, pt.p, pt.s);
		free(seg);
		break;
	case M_PAD_SIG:
		seg = padded(pt.s);
		out = join3(pt.h, pt.p, seg);
		free(seg);
		break;
	case M_STD_ALPHABET:
		seg = xstrdup(pt.p);
		for (i = 0; seg[i] != '\0'; i++) {
			if (seg[i] == '-')
				seg[i] = '+';
			else if (seg[i] == '_')
				seg[i] = '/';
		}
		out = join3(pt.h, seg, pt.s);
		free(seg);
		break;
	case M_SPACE_IN:
		out = insert_mid(&pt, " ");
		break;
	case M_NL_IN:
		out = insert_mid(&pt, "\n");
		break;
	case M_TAB_IN:
		out = insert_mid(&pt, "\t");
		break;
	case M_BACKSLASH_IN:
		out = insert_mid(&pt, "\\");
		break;
	case M_STAR_IN:
		out = insert_mid(&pt, "*");
		break;
	case M_LEAD_SPACE:
		if (asprintf(&out, " %s", tok) < 0)
			pu_die("asprintf");
		break;
	case M_TRAIL_SPACE:
		if (asprintf(&out, "%s ", tok) < 0)
			pu_die("asprintf");
		break;
	case M_APPEND_NL:
		if (asprintf(&out, "%s\n", tok) < 0)
			pu_die("asprintf");
		break;
	case M_APPEND_CRLF:
		if (asprintf(&out, "%s\r\n", tok) < 0)
			pu_die("asprintf");
		break;
	case M_TRAILBITS_HDR:
		seg = trailing_bits(pt.h);
		out = join3(seg, pt.p, pt.s);
		free(seg);
		break;
	case M_TRAILBITS_SIG:
		seg = trailing_bits(pt.s);
		out = join3(pt.h, pt.p, seg);
		free(seg);
		break;
	case M_LEN1_HDR:
		seg = len1mod4(pt.h);
		out = join3(seg, pt.p, pt.s);
		free(seg);
		break;
	case M_LEN1_SIG:
		seg = len1mod4(pt.s);
		out = join3(pt.h, pt.p, seg);
		free(seg);
		break;
	case M_SIG_ZERO:
		out = with_sig(&pt, big, siglen);
		break;
	case M_SIG_CUT1:
		out = with_sig(&pt, sig, siglen - 1);
		break;
	case M_SIG_ADD0:
		memcpy(big, sig, siglen);
		out = with_sig(&pt, big, siglen + 1);
		break;
	case M_SIG_PRE0:
		memcpy(big + 1, sig, siglen);
		out = with_sig(&pt, big, siglen + 1);
		break;
	case M_SIG_TO96:
		memcpy(big, sig, siglen);
		out = with_sig(&pt, big, 96);
		break;
	case M_SIG_TO97:
		memcpy(big, sig, siglen);
		out = with_sig(&pt, big, 97);
		break;
	case M_FLIP_FIRST:
		sig[0] ^= 0x01;
		out = with_sig(&pt, sig, siglen);
		break;
	case M_FLIP_MID:
		sig[siglen / 2] ^= 0x01;
		out = with_sig(&pt, sig, siglen);
		break;
	case M_FLIP_LAST:
		sig[siglen - 1] ^= 0x01;
		out = with_sig(&pt, sig, siglen);
		break;
	case M_SIG_FROM_OTHER:
		split(other, &po);
		out = join3(pt.h, pt.p, po.s);
		free(po.copy);
		break;
	case M_PAY_FLIP: {
		size_t plen = 0;
		unsigned char *pl = unb64(pt.p, &plen);

		pl[plen / 2] ^= 0x01;
		seg = b64(pl, plen);
		out = join3(pt.h, seg, pt.s);
		free(seg);
		free(pl);
		break;
	}
	case M_PAY_SWAP_SUB: {
		size_t plen = 0;
		unsigned char *pl = unb64(pt.p, &plen);
		struct buf nb = { NULL, 0, 0 };
		char *at = strstr((char *)pl, "\"sub\":\"" USER "\"");

		if (at == NULL) {
			printf("Bail out! no sub to swap\n");
			exit(99);
		}
		buf_add(&nb, pl, (size_t)(at - (char *)pl));
		buf_str(&nb, "\"sub\":\"" OTHER "\"");
		buf_str(&nb, at + strlen("\"sub\":\"" USER "\""));
		seg = b64((unsigned char *)nb.p, nb.len);
		out = join3(pt.h, seg, pt.s);
		free(seg);
		free(nb.p);
		free(pl);
		break;
	}
	case M_EC_R0:
		memset(sig, 0, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_EC_S0:
		memset(sig + 32, 0, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_EC_RN:
		memcpy(sig, p256_n, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_EC_SN:
		memcpy(sig + 32, p256_n, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_EC_RSN:
		memcpy(sig, p256_n, 32);
		memcpy(sig + 32, p256_n, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_EC_RFF:
		memset(sig, 0xff, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_EC_R1S1:
		memset(sig, 0, 64);
		sig[31] = sig[63] = 1;
		out = with_sig(&pt, sig, siglen);
		break;
	case M_EC_HIGH_S: {
		int borrow = 0, k, d;

		for (k = 31; k >= 0; k--) {
			d = (int)p256_n[k] - (int)sig[32 + k] - borrow;
			borrow = d < 0;
			sig[32 + k] = (unsigned char)(d + (borrow ? 256 : 0));
		}
		out = with_sig(&pt, sig, siglen);
		break;
	}
	case M_EC_DER: {
		ECDSA_SIG *es = ECDSA_SIG_new();
		BIGNUM *r = BN_bin2bn(sig, 32, NULL);
		BIGNUM *s = BN_bin2bn(sig + 32, 32, NULL);
		unsigned char *p = big;
		int n;

		if (es == NULL || r == NULL || s == NULL ||
		    ECDSA_SIG_set0(es, r, s) != 1 ||
		    (n = i2d_ECDSA_SIG(es, NULL)) <= 0 ||
		    (size_t)n > sizeof(big) || i2d_ECDSA_SIG(es, &p) != n) {
			printf("Bail out! DER signature\n");
			exit(99);
		}
		ECDSA_SIG_free(es);
		out = with_sig(&pt, big, (size_t)n);
		break;
	}
	case M_EC_PAD_RS:
		memcpy(big + 1, sig, 32);
		memcpy(big + 34, sig + 32, 32);
		out = with_sig(&pt, big, 66);
		break;
	case M_ED_S_PLUS_L: {
		unsigned carry = 0, v;
		int k;

		for (k = 0; k < 32; k++) {
			v = (unsigned)sig[32 + k] + ed_l[k] + carry;
			sig[32 + k] = (unsigned char)v;
			carry = v >> 8;
		}
		out = with_sig(&pt, sig, siglen);
		break;
	}
	case M_ED_S_L:
		memcpy(sig + 32, ed_l, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_ED_S_FF:
		memset(sig + 32, 0xff, 32);
		out = with_sig(&pt, sig, siglen);
		break;
	case M_ED_IDENTITY:
		memset(sig, 0, 64);
		sig[0] = 1;
		out = with_sig(&pt, sig, siglen);
		break;
	case M_PS_TO512:
		memcpy(big + 512 - siglen, sig, siglen);
		out = with_sig(&pt, big, 512);
		break;
	case M_PS_DROP_FIRST:
		out = with_sig(&pt, sig + 1, siglen - 1);
		break;
	case M_PS_MODULUS: {
		BIGNUM *n = NULL;

		if (EVP_PKEY_get_bn_param(pubs[services[sv].key]->pkey,
		    OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
		    BN_bn2binpad(n, big, (int)siglen) != (int)siglen) {
			printf("Bail out! RSA modulus\n");
			exit(99);
		}
		BN_free(n);
		out = with_sig(&pt, big, siglen);
		break;
	}
	}
	free(sig);
	free(pt.copy);
	if (out == NULL) {
		printf("Bail out! mutation %d made nothing\n", (int)m);
		exit(99);
	}
	return out;
}

/* ---- templates ---------------------------------------------------------- */

struct vars {
	const char *alg, *kid, *iss, *aud, *sub, *jti;
	int64_t now, t1, t2;
};

/*
 * Expand a template: ' becomes ", and
 *   @alg@ @kid@ @iss@ @aud@ @sub@ @jti@   the values in v
 *   @iat@ @exp@                           now - 10, now + 50
 *   @t1@ @t2@                             now + t1, now + t2
 *   @R<n>:<c>@                            c repeated n times
 *   @M<n>@                                "m0":0,"m1":0 ... n members
 *   @NUL@                                 a NUL byte
 * Returns the bytes (NUL-terminated, *len without the terminator).
 */
static char *
expand(const char *t, const struct vars *v, size_t *len)
{
	struct buf b = { NULL, 0, 0 };
	const char *end;
	char name[32];
	size_t n;

	buf_str(&b, "");
	for (; *t != '\0'; t++) {
		if (*t == '\'') {
			buf_str(&b, "\"");
			continue;
		}
		if (*t != '@') {
			buf_add(&b, t, 1);
			continue;
		}
		if ((end = strchr(t + 1, '@')) == NULL ||
		    (n = (size_t)(end - t - 1)) >= sizeof(name)) {
			printf("Bail out! bad template near %s\n", t);
			exit(99);
		}
		memcpy(name, t + 1, n);
		name[n] = '\0';
		t = end;
		if (strcmp(name, "alg") == 0)
			buf_str(&b, v->alg);
		else if (strcmp(name, "kid") == 0)
			buf_str(&b, v->kid);
		else if (strcmp(name, "iss") == 0)
			buf_str(&b, v->iss);
		else if (strcmp(name, "aud") == 0)
			buf_str(&b, v->aud);
		else if (strcmp(name, "sub") == 0)
			buf_str(&b, v->sub);
		else if (strcmp(name, "jti") == 0)
			buf_str(&b, v->jti);
		else if (strcmp(name, "iat") == 0)
			buf_fmt(&b, "%lld", (long long)(v->now - 10));
		else if (strcmp(name, "exp") == 0)
			buf_fmt(&b, "%lld", (long long)(v->now + 50));
		else if (strcmp(name, "t1") == 0)
			buf_fmt(&b, "%lld", (long long)(v->now + v->t1));
		else if (strcmp(name, "t2") == 0)
			buf_fmt(&b, "%lld", (long long)(v->now + v->t2));
		else if (strcmp(name, "NUL") == 0)
			buf_add(&b, "", 1);
		else if (name[0] == 'R' && strchr(name, ':') != NULL) {
			long k = strtol(name + 1, NULL, 10);
			char c = strchr(name, ':')[1];

			while (k-- > 0)
				buf_add(&b, &c, 1);
		} else if (name[0] == 'M') {
			long k, count = strtol(name + 1, NULL, 10);

			for (k = 0; k < count; k++)
				buf_fmt(&b, "%s\"m%ld\":0", k > 0 ? "," : "",
				    k);
		} else {
			printf("Bail out! unknown template name %s\n", name);
			exit(99);
		}
	}
	*len = b.len;
	return b.p;
}

/* ---- signing ------------------------------------------------------------ */

static enum keyname
signer_key(enum signer s, enum svc sv)
{
	switch (s) {
	case SG_ED:      return K_ED;
	case SG_ED_EVIL: return K_ED_EVIL;
	case SG_ES:      return K_ES;
	case SG_ES384:   return K_ES384;
	case SG_PS:
	case SG_PS_SALT0:
	case SG_PS_SALTMAX:
	case SG_PS_PKCS1: return K_PS;
	case SG_HS:      return K_HS;
	case SG_SVC:
	case SG_HMAC:
	default:         return services[sv].key;
	}
}

/* The configured public key of service sv in the given form: the bytes
 * an attacker would MAC with. */
static unsigned char *
public_form(enum svc sv, enum form f, size_t *len)
{
	const struct jwtsafe_key *pub = pubs[services[sv].key];
	EVP_PKEY *pk = pub->pkey, *own = NULL;
	struct buf b = { NULL, 0, 0 };
	unsigned char *out = NULL, *p;
	char path[700], *x, *y;
	BIGNUM *n = NULL, *e = NULL;
	BIO *bio;
	int dl;

	if (pk == NULL && (own = pk = EVP_PKEY_new_raw_public_key(
	    EVP_PKEY_ED25519, NULL, pub->material, pub->material_len)) == NULL)
		pu_die("EVP_PKEY_new_raw_public_key");
	switch (f) {
	case FM_PEM: {
		char *data;
		long bl;

		if ((bio = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_PUBKEY(bio, pk) != 1 ||
		    (bl = BIO_get_mem_data(bio, &data)) <= 0)
			pu_die("PEM_write_bio_PUBKEY");
		buf_add(&b, data, (size_t)bl);
		BIO_free(bio);
		break;
	}
	case FM_DER:
		if ((dl = i2d_PUBKEY(pk, NULL)) <= 0)
			pu_die("i2d_PUBKEY");
		b.p = xmalloc((size_t)dl + 1);
		b.len = (size_t)dl;
		p = (unsigned char *)b.p;
		if (i2d_PUBKEY(pk, &p) != dl)
			pu_die("i2d_PUBKEY");
		break;
	case FM_JWK:
		if (pub->alg == JWTSAFE_ALG_EDDSA) {
			x = b64(pub->material, 32);
			buf_fmt(&b, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",");
			buf_str(&b, "\"x\":\"");
			buf_str(&b, x);
			buf_str(&b, "\"}");
			free(x);
		} else if (pub->alg == JWTSAFE_ALG_ES256) {
			x = b64(pub->material + 1, 32);
			y = b64(pub->material + 33, 32);
			buf_str(&b, "{\"kty\":\"EC\",\"crv\":\"P-256\",");
			buf_str(&b, "\"x\":\"");
			buf_str(&b, x);
			buf_str(&b, "\",\"y\":\"");
			buf_str(&b, y);
			buf_str(&b, "\"}");
			free(x);
			free(y);
		} else {
			unsigned char nb[1024], eb[16];
			int nl, el;

			if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N,
			    &n) != 1 || EVP_PKEY_get_bn_param(pk,
			    OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
			    (nl = BN_bn2bin(n, nb)) <= 0 ||
			    (el = BN_bn2bin(e, eb)) <= 0)
				pu_die("RSA parameters");
			x = b64(nb, (size_t)nl);
			y = b64(eb, (size_t)el);
			buf_str(&b, "{\"kty\":\"RSA\",\"n\":\"");
			buf_str(&b, x);
			buf_str(&b, "\",\"e\":\"");
			buf_str(&b, y);
			buf_str(&b, "\"}");
			free(x);
			free(y);
		}
		break;
	case FM_RAW:
		if (pub->alg == JWTSAFE_ALG_PS256) {
			unsigned char nb[1024];
			int nl;

			if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N,
			    &n) != 1 || (nl = BN_bn2bin(n, nb)) <= 0)
				pu_die("RSA modulus");
			buf_add(&b, nb, (size_t)nl);
		} else
			buf_add(&b, pub->material, pub->material_len);
		break;
	case FM_KEYFILE:
		pu_pathf(path, sizeof(path), "%s/%s", keydir,
		    services[sv].keyfile);
		if ((b.p = tu_read_file(path, &b.len)) == NULL)
			pu_die(path);
		break;
	case FM_NONE:
		pu_die("no key form");
	}
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(own);
	out = (unsigned char *)b.p;
	*len = b.len;
	return out;
}

/* b64(h) "." b64(p): the signing input. */
static char *
signing_input(const char *h, size_t hl, const char *p, size_t pl)
{
	char *eh = b64((const unsigned char *)h, hl);
	char *ep = b64((const unsigned char *)p, pl), *out;

	if (asprintf(&out, "%s.%s", eh, ep) < 0)
		pu_die("asprintf");
	free(eh);
	free(ep);
	return out;
}

static char *
finish(char *input, const unsigned char *sig, size_t n)
{
	char *s = b64(sig, n), *out;

	if (asprintf(&out, "%s.%s", input, s) < 0)
		pu_die("asprintf");
	free(s);
	free(input);
	return out;
}

/* RSA over the signing input with the PS256 secret key, padded as asked. */
static char *
sign_rsa(char *input, enum signer s)
{
	unsigned char sig[1024];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok_ = ctx != NULL &&
	    EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL,
	    keys[K_PS]->pkey) == 1;

	if (ok_ && s == SG_PS_PKCS1)
		ok_ = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
	else if (ok_)
		ok_ = EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) > 0 &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, s == SG_PS_SALT0 ?
		    0 : RSA_PSS_SALTLEN_MAX) > 0 &&
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
	if (!ok_ || EVP_DigestSign(ctx, sig, &siglen,
	    (const unsigned char *)input, strlen(input)) != 1) {
		printf("Bail out! RSA signing\n");
		exit(99);
	}
	EVP_MD_CTX_free(ctx);
	return finish(input, sig, siglen);
}

/* HMAC-SHA-bits over the signing input, keyed with key[0..klen). */
static char *
sign_hmac(char *input, int bits, const unsigned char *key, size_t klen)
{
	unsigned char mac[64];
	size_t maclen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, bits == 384 ? "SHA384" : "SHA256",
	    NULL, key, klen, (const unsigned char *)input, strlen(input), mac,
	    sizeof(mac), &maclen) == NULL) {
		printf("Bail out! HMAC\n");
		exit(99);
	}
	return finish(input, mac, maclen);
}

/* ---- the replay store --------------------------------------------------- */

/* Records in the store: files in its bucket directories. */
static long
count_records(void)
{
	DIR *top, *bucket;
	struct dirent *e, *f;
	char path[1200];
	long n = 0;

	if ((top = opendir(store)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(top)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		pu_pathf(path, sizeof(path), "%s/%s", store, e->d_name);
		if ((bucket = opendir(path)) == NULL) {
			n = -1000000;
			continue;
		}
		while ((f = readdir(bucket)) != NULL) {
			if (f->d_name[0] != '.')
				n++;
		}
		closedir(bucket);
	}
	closedir(top);
	return n;
}

/* ---- one row ------------------------------------------------------------ */

struct outcome {
	int core_ctl, core_atk;
	int pam_ctl, pam_atk;
	long rec0, rec1, rec2;
	int log_ctl, log_atk;       /* 1 as expected, 0 not, -1 not captured */
	char log_line[512];         /* the attack's decision line */
	char detail[JWTSAFE_ERR_DETAIL_MAX];   /* the core's, for the attack */
	int forged;                 /* SG_HMAC: what an HMAC verifier keyed
	                             * the same way says; -99: n/a */
	int wins;                   /* FL_RACE */
	int import_new, import_jwk, import_pem, import_line;
	int ctl_new, ctl_jwk, ctl_pem, ctl_line;
	int attempts;
};

static const int pam_codes[] = {
	[P_AUTH_ERR] = PAM_AUTH_ERR, [P_SUCCESS] = PAM_SUCCESS,
	[P_USER_UNKNOWN] = PAM_USER_UNKNOWN,
	[P_AUTHINFO_UNAVAIL] = PAM_AUTHINFO_UNAVAIL,
};
static const char *const pam_log_names[] = {
	[P_AUTH_ERR] = "auth_err", [P_SUCCESS] = "success",
	[P_USER_UNKNOWN] = "user_unknown",
	[P_AUTHINFO_UNAVAIL] = "authinfo_unavail",
};

static const char *
row_user(const struct row *r)
{
	return r->user != NULL ? r->user : USER;
}

static const char *
row_ctl_user(const struct row *r)
{
	return r->ctl_user != NULL ? r->ctl_user : row_user(r);
}

static const char *
expected_reason(const struct row *r)
{
	if (r->reason != NULL)
		return r->reason;
	return jwtsafe_err_name(r->core);
}

/* jwtsafe_verify on a NUL-terminated token: its code, with the detail
 * copied to detail; JWTSAFE_ERR_INTERNAL if the result breaks the
 * contract (a token with an error, an error without its code). */
static int
core_verify(const struct jwtsafe_verifier *v, const char *tok,
    const struct jwtsafe_policy *p, char *detail, size_t dlen)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_token *t = NULL;
	int r;

	r = jwtsafe_verify(v, tok, strlen(tok), p, &t, &err);
	snprintf(detail, dlen, "%s", err.detail);
	if ((r == 0) != (t != NULL) || (r != 0 && err.code != r))
		r = JWTSAFE_ERR_INTERNAL;
	jwtsafe_token_free(t);
	return r;
}

static void
policy_for(enum svc sv, int64_t now, struct jwtsafe_policy *p)
{
	tu_policy(p);
	p->now = now;
	p->audience = services[sv].aud;
	p->allow_high_s = services[sv].allow_high_s;
}

static void
fresh_jti(char *out, size_t len)
{
	/* ">>>>>" and "?????" make '_' and '-' appear in the payload's
	 * base64url, whatever their offset (see M_STD_ALPHABET). */
	snprintf(out, len, "atk-%ld-%u->>>>>?????", (long)getpid(),
	    ++jti_counter);
}

/* The token for row r's text (or the standard text), signed for svc. */
static char *
make_token(const struct row *r, int standard, enum svc sv, enum signer sg,
    const char *sub, const char *jti, int64_t now, int *forged)
{
	const struct jwtsafe_key *k = keys[signer_key(sg, sv)];
	struct vars v;
	char *h, *p, *input, *tok;
	size_t hl, pl;

	memset(&v, 0, sizeof(v));
	v.alg = jwtsafe_alg_name(k->alg);
	v.kid = sg == SG_HMAC ? keys[services[sv].key]->kid : k->kid;
	v.iss = ISS;
	v.aud = services[sv].aud;
	v.sub = sub;
	v.jti = jti;
	v.now = now;
	v.t1 = r->t1;
	v.t2 = r->t2;
	h = expand(standard || r->hdr == NULL ? HDR_STD : r->hdr, &v, &hl);
	p = expand(standard || r->pay == NULL ? PAY_STD : r->pay, &v, &pl);
	if (sg == SG_HMAC) {
		struct jwtsafe_error err = { 0 };
		struct jwtsafe_verifier *hv = NULL;
		struct jwtsafe_key *hk = NULL;
		struct jwtsafe_policy pol;
		enum jwtsafe_alg ha = r->bits == 384 ? JWTSAFE_ALG_HS384 :
		    JWTSAFE_ALG_HS256;
		size_t klen = 0;
		unsigned char *kb = public_form(sv, r->form, &klen);

		input = signing_input(h, hl, p, pl);
		tok = sign_hmac(input, r->bits, kb, klen);
		/* Is the forgery a correct MAC? Then a verifier holding those
		 * bytes as an HMAC key accepts it, and the refusal above is the
		 * algorithm pinning's doing, not a broken MAC. */
		*forged = -99;
		if (jwtsafe_key_new(ha, JWTSAFE_KEY_SECRET, v.kid, kb, klen,
		    &hk, &err) == 0) {
			if (jwtsafe_verifier_new(ha, &hv, &err) != 0 ||
			    jwtsafe_verifier_add_key(hv, hk, &err) != 0)
				pu_die("HMAC verifier");
			hk = NULL;
			policy_for(sv, now, &pol);
			*forged = tu_verify(hv, tok, &pol);
			jwtsafe_verifier_free(hv);
		}
		jwtsafe_key_free(hk);
		jwtsafe_freezero(kb, klen);
	} else if (sg == SG_PS_SALT0 || sg == SG_PS_SALTMAX ||
	    sg == SG_PS_PKCS1) {
		input = signing_input(h, hl, p, pl);
		tok = sign_rsa(input, sg);
	} else {
		struct jwtsafe_error err = { 0 };

		tok = NULL;
		if (jwtsafe_sign_raw(k, h, hl, p, pl, &tok, &err) != 0) {
			printf("Bail out! sign: %s\n", err.detail);
			exit(99);
		}
	}
	free(h);
	free(p);
	return tok;
}

/* Drop whatever was logged so far. */
static void
drain_log(void)
{
	struct pu_caught c = { { NULL }, 0 };

	if (logs_on) {
		pu_collect(&c);
		pu_caught_clear(&c);
	}
}

/* The decision line of the run just made: 1 if it has every wanted piece,
 * 0 if not (line copied to out), -1 when logs are not captured. */
static int
check_log(const char *w1, const char *w2, char *out, size_t outlen)
{
	struct pu_caught c = { { NULL }, 0 };
	const char *l;
	int count, r;

	if (!logs_on)
		return -1;
	pu_collect(&c);
	l = pu_decision(&c, &count);
	r = l != NULL && strstr(l, w1) != NULL &&
	    (w2 == NULL || strstr(l, w2) != NULL);
	if (out != NULL)
		snprintf(out, outlen, "%s", l != NULL ? l :
		    count == 0 ? "(no decision line)" : "(several lines)");
	pu_caught_clear(&c);
	return r;
}

/* Wait for the start of a second (plus a little, so that time(), which
 * may read a coarse clock, has ticked too) and return it. */
static int64_t
second_start(void)
{
	struct timespec ts, d;
	long ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns = 1000000000L - ts.tv_nsec + 20000000L;
	d.tv_sec = ns / 1000000000L;
	d.tv_nsec = ns % 1000000000L;
	while (nanosleep(&d, &d) != 0 && errno == EINTR)
		;
	return (int64_t)time(NULL);
}

/* Tally the decision lines logged since the last call. */
static void
tally_log(int *acc, int *rep, int *lines)
{
	struct pu_caught c = { { NULL }, 0 };
	int i;

	if (!logs_on)
		return;
	pu_collect(&c);
	for (i = 0; i < c.n; i++) {
		if (strstr(c.line[i], " result=") == NULL)
			continue;
		(*lines)++;
		if (strstr(c.line[i], "result=accepted") != NULL)
			(*acc)++;
		else if (strstr(c.line[i], "result=refused reason=replay "
		    "pam=auth_err") != NULL)
			(*rep)++;
	}
	pu_caught_clear(&c);
}

/*
 * NPROC processes authenticate with one token at once. Returns how many
 * succeeded; the log is read while they run (a datagram socket's queue is
 * short, and a full one would block their syslog calls) and summed up in
 * *log_ok (-1 when not captured) and out.
 */
static int
race(const struct row *r, const char *tok, int *log_ok, char *out,
    size_t outlen)
{
	pid_t pids[NPROC], done;
	int go[2], i, st, left = NPROC, wins = 0, acc = 0, rep = 0, lines = 0;
	struct timespec pause = { 0, 2000000L };
	char c;

	if (pipe(go) != 0)
		pu_die("pipe");
	fflush(stdout);
	for (i = 0; i < NPROC; i++) {
		if ((pids[i] = fork()) == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			_exit(pu_try(services[r->svc].name, row_user(r), tok) ==
			    PAM_SUCCESS ? 0 : 1);
		}
		if (pids[i] < 0)
			pu_die("fork");
	}
	close(go[0]);
	close(go[1]);
	while (left > 0) {
		tally_log(&acc, &rep, &lines);
		if ((done = waitpid(-1, &st, WNOHANG)) < 0) {
			if (errno == EINTR)
				continue;
			pu_die("waitpid");
		}
		if (done == 0) {
			nanosleep(&pause, NULL);
			continue;
		}
		for (i = 0; i < NPROC; i++) {
			if (pids[i] == done) {
				left--;
				if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
					wins++;
			}
		}
	}
	tally_log(&acc, &rep, &lines);
	snprintf(out, outlen, "%d accepted, %d refused as replays, of %d "
	    "decision lines", acc, rep, lines);
	*log_ok = !logs_on ? -1 : acc == 1 && rep == NPROC - 1 &&
	    lines == NPROC;
	return wins;
}

static void
run_token_row(const struct row *r, struct outcome *o)
{
	const struct service *s = &services[r->svc];
	enum svc csv = (r->flags & FL_CTL_TEXT) ? r->ctl_svc : r->svc;
	const struct service *cs = &services[csv];
	struct jwtsafe_policy pol;
	char jti_c[96], jti_a[96], want[96];
	const char *ctl_sub, *atk_sub;
	char *ctl, *atk = NULL, *tmp_tok;
	int64_t now;
	int dummy;

	now = (r->flags & FL_TIME) ? second_start() : (int64_t)time(NULL);
	fresh_jti(jti_c, sizeof(jti_c));
	fresh_jti(jti_a, sizeof(jti_a));
	ctl_sub = cs->ctl_sub != NULL ? cs->ctl_sub : row_ctl_user(r);
	atk_sub = r->sub != NULL ? r->sub : s->ctl_sub != NULL ? s->ctl_sub :
	    row_user(r);

	/* the control: the standard text, or the row's own text on the
	 * service where it is valid */
	ctl = make_token(r, !(r->flags & FL_CTL_TEXT), csv, SG_SVC, ctl_sub,
	    jti_c, now, &dummy);
	if (r->flags & FL_FROM_CONTROL)
		atk = mutate(r->mut, ctl, ctl, r->svc);
	else {
		tmp_tok = make_token(r, 0, r->svc, r->sign, atk_sub,
		    (r->flags & FL_SAME_JTI) ? jti_c : jti_a, now, &o->forged);
		atk = mutate(r->mut, tmp_tok, ctl, r->svc);
		free(tmp_tok);
	}

	policy_for(csv, now, &pol);
	o->core_ctl = tu_verify(verifiers[csv], ctl, &pol);
	policy_for(r->svc, now, &pol);
	o->core_atk = core_verify(verifiers[r->svc], atk, &pol, o->detail,
	    sizeof(o->detail));

	drain_log();
	o->rec0 = count_records();
	o->pam_ctl = pu_try(cs->name, row_ctl_user(r), ctl);
	o->rec1 = count_records();
	o->log_ctl = check_log("result=accepted reason=ok pam=success ", NULL,
	    NULL, 0);
	if (r->flags & FL_RACE) {
		o->wins = race(r, atk, &o->log_atk, o->log_line,
		    sizeof(o->log_line));
		o->rec2 = count_records();
	} else {
		o->pam_atk = pu_try(s->name, row_user(r), atk);
		o->rec2 = count_records();
		snprintf(want, sizeof(want), "result=%s reason=%s pam=%s ",
		    r->pam == P_SUCCESS ? "accepted" : "refused",
		    r->pam == P_SUCCESS ? "ok" : expected_reason(r),
		    pam_log_names[r->pam]);
		o->log_atk = check_log(want, NULL, o->log_line,
		    sizeof(o->log_line));
	}
	if ((r->flags & FL_TIME) && (int64_t)time(NULL) != now)
		o->attempts = -1;       /* the clock moved: run it again */
	jwtsafe_freezero_str(ctl);
	jwtsafe_freezero_str(atk);
}

/* An Ed25519 public key as a PEM SubjectPublicKeyInfo, whatever its
 * bytes (OpenSSL does not judge them). */
static char *
ed_pem(const unsigned char *raw)
{
	static const unsigned char prefix[12] = { 0x30, 0x2a, 0x30, 0x05,
	    0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
	unsigned char der[44], enc[80];
	char *out;

	memcpy(der, prefix, sizeof(prefix));
	memcpy(der + 12, raw, 32);
	if (EVP_EncodeBlock(enc, der, (int)sizeof(der)) <= 0)
		pu_die("EVP_EncodeBlock");
	if (asprintf(&out, "-----BEGIN PUBLIC KEY-----\n%s\n"
	    "-----END PUBLIC KEY-----\n", enc) < 0)
		pu_die("asprintf");
	return out;
}

/* A key file line (checksum and all) around 32 raw bytes labelled as an
 * EdDSA public key with kid "weak": jwtsafe_keyline_format writes what it
 * is given; only reading it back judges the key. */
static char *
ed_keyline(const unsigned char *raw)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key fake;
	unsigned char material[32];
	char *line = NULL;

	memcpy(material, raw, sizeof(material));
	memset(&fake, 0, sizeof(fake));
	fake.alg = JWTSAFE_ALG_EDDSA;
	fake.purpose = JWTSAFE_KEY_PUBLIC;
	snprintf(fake.kid, sizeof(fake.kid), "weak");
	fake.not_before = fake.not_after = JWTSAFE_TIME_NONE;
	fake.material = material;
	fake.material_len = sizeof(material);
	if (jwtsafe_keyline_format(&fake, &line, &err) != 0)
		pu_die("keyline_format");
	return line;
}

/* The four ways a public key gets in: jwtsafe_key_new, jwtsafe_key_import
 * of a JWK and of a PEM, and a key file line. */
static void
import_all(const unsigned char *raw, int *knew, int *kjwk, int *kpem,
    int *kline)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;
	char *x = b64(raw, 32), *jwk, *pem = ed_pem(raw);
	char *line = ed_keyline(raw);

	*knew = jwtsafe_key_new(JWTSAFE_ALG_EDDSA, JWTSAFE_KEY_PUBLIC, "imp",
	    raw, 32, &k, &err);
	jwtsafe_key_free(k);
	k = NULL;
	if (asprintf(&jwk, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}",
	    x) < 0)
		pu_die("asprintf");
	*kjwk = jwtsafe_key_import(JWTSAFE_ALG_EDDSA, "imp", jwk, strlen(jwk),
	    &k, &err);
	jwtsafe_key_free(k);
	k = NULL;
	*kpem = jwtsafe_key_import(JWTSAFE_ALG_EDDSA, "imp", pem, strlen(pem),
	    &k, &err);
	jwtsafe_key_free(k);
	k = NULL;
	*kline = jwtsafe_keyline_parse(line, strlen(line), &k, &err);
	jwtsafe_key_free(k);
	jwtsafe_freezero_str(line);
	free(x);
	free(jwk);
	free(pem);
}

/* A weak Ed25519 public key: refused however it comes in, and a service
 * whose key file holds it fails closed. */
static void
run_import_row(const struct row *r, struct outcome *o)
{
	unsigned char raw[32];
	char path[700], args[2048], jti[96], want[96], *ctl, *tok, *line;
	char *text;
	int64_t now = (int64_t)time(NULL);
	struct jwtsafe_policy pol;
	int dummy;
	unsigned char forged[64];

	unhex(r->material, raw, 32);
	/* the control: the configured key comes in every way */
	import_all(pubs[K_ED]->material, &o->ctl_new, &o->ctl_jwk,
	    &o->ctl_pem, &o->ctl_line);
	import_all(raw, &o->import_new, &o->import_jwk, &o->import_pem,
	    &o->import_line);

	fresh_jti(jti, sizeof(jti));
	ctl = make_token(r, 1, SV_ED, SG_SVC, USER, jti, now, &dummy);
	policy_for(SV_ED, now, &pol);
	o->core_ctl = tu_verify(verifiers[SV_ED], ctl, &pol);
	o->core_atk = o->import_new;

	/* The key file with the weak key, and the token that key would
	 * accept: R = identity, S = 0. */
	line = ed_keyline(raw);
	pu_pathf(path, sizeof(path), "%s/weak.pub", keydir);
	if (asprintf(&text, "# weak key\n%s\n", line) < 0)
		pu_die("asprintf");
	pu_write_file(path, text, 0644);
	free(text);
	jwtsafe_freezero_str(line);
	pu_pathf(args, sizeof(args), "alg=EdDSA keys=%s issuer=" ISS
	    " audience=" AUD " replay=%s", path, store);
	pu_write_service("atk-weak", args, 0);
	fresh_jti(jti, sizeof(jti));
	{
		struct vars v = { "EdDSA", "weak", ISS, AUD, USER, jti, now, 0,
		    0 };
		size_t hl, pl;
		char *h = expand(HDR_STD, &v, &hl), *p = expand(PAY_STD, &v,
		    &pl);

		memset(forged, 0, sizeof(forged));
		forged[0] = 1;
		tok = finish(signing_input(h, hl, p, pl), forged,
		    sizeof(forged));
		free(h);
		free(p);
	}

	drain_log();
	o->rec0 = count_records();
	o->pam_ctl = pu_try(services[SV_ED].name, USER, ctl);
	o->rec1 = count_records();
	o->log_ctl = check_log("result=accepted reason=ok pam=success ", NULL,
	    NULL, 0);
	o->pam_atk = pu_try("atk-weak", USER, tok);
	o->rec2 = count_records();
	snprintf(want, sizeof(want), "result=refused reason=%s pam=%s ",
	    expected_reason(r), pam_log_names[r->pam]);
	o->log_atk = check_log(want, NULL, o->log_line, sizeof(o->log_line));
	free(ctl);
	free(tok);
}

/* ---- reporting ---------------------------------------------------------- */

#define is_code(got, want, ...) do { \
	int g_ = (got), w_ = (want); \
	if (!is_int(g_, w_, __VA_ARGS__)) \
		tap_diag("  got %s, want %s", g_ == 0 ? "0 (accepted)" : \
		    jwtsafe_err_name(g_), w_ == 0 ? "0 (accepted)" : \
		    jwtsafe_err_name(w_)); \
} while (0)

static int class_rows[C_N], class_pos[C_N];

static void
report_row(size_t idx, const struct row *r, const struct outcome *o)
{
	const char *cn = class_names[r->cls];
	int want_pam = pam_codes[r->pam];
	long grew = want_pam == PAM_SUCCESS ? 1 : 0;
	char id[16];

	snprintf(id, sizeof(id), "#%03zu", idx + 1);
	if (o->attempts > 1)
		tap_diag("%s needed %d attempts (the clock ticked)", id,
		    o->attempts);
	is_code(o->core_ctl, 0, "%s [%s] %s: control accepted by the core",
	    id, cn, r->name);
	if (r->flags & FL_IMPORT) {
		ok(o->ctl_new == 0 && o->ctl_jwk == 0 && o->ctl_pem == 0 &&
		    o->ctl_line == 0, "%s [%s] %s: control: the configured "
		    "key is accepted by key_new, JWK, PEM and key line (%d %d "
		    "%d %d)", id, cn, r->name, o->ctl_new, o->ctl_jwk,
		    o->ctl_pem, o->ctl_line);
		is_code(o->import_new, r->core, "%s [%s] %s: jwtsafe_key_new",
		    id, cn, r->name);
		is_code(o->import_jwk, r->core, "%s [%s] %s: "
		    "jwtsafe_key_import (JWK)", id, cn, r->name);
		is_code(o->import_pem, r->core, "%s [%s] %s: "
		    "jwtsafe_key_import (PEM)", id, cn, r->name);
		is_code(o->import_line, r->core, "%s [%s] %s: key file line",
		    id, cn, r->name);
	} else {
		is_code(o->core_atk, r->core, "%s [%s] %s: core says %s", id,
		    cn, r->name, r->core == 0 ? "accepted" :
		    jwtsafe_err_name(r->core));
		if (r->why != NULL && !ok(strstr(o->detail, r->why) != NULL,
		    "%s [%s] %s: ... because of \"%s\"", id, cn, r->name,
		    r->why))
			tap_diag("  detail: %s", o->detail);
	}
	if (r->sign == SG_HMAC && o->forged != -99)
		is_code(o->forged, 0, "%s [%s] %s: the forgery is a correct "
		    "MAC (an HMAC verifier keyed with those bytes accepts it)",
		    id, cn, r->name);
	PU_IS_PAM(o->pam_ctl, PAM_SUCCESS, "%s [%s] %s: control accepted "
	    "through PAM", id, cn, r->name);
	is_int(o->rec1 - o->rec0, 1, "%s [%s] %s: control recorded in the "
	    "store", id, cn, r->name);
	if (o->log_ctl >= 0)
		ok(o->log_ctl, "%s [%s] %s: control logged as accepted", id, cn,
		    r->name);
	if (r->flags & FL_RACE) {
		is_int(o->wins, 1, "%s [%s] %s: exactly one of %d succeeds",
		    id, cn, r->name, NPROC);
		grew = 1;
	} else {
		PU_IS_PAM(o->pam_atk, want_pam, "%s [%s] %s: PAM says %s", id,
		    cn, r->name, pu_pam_name(want_pam));
	}
	is_int(o->rec2 - o->rec1, grew, "%s [%s] %s: %s", id, cn, r->name,
	    grew ? "recorded once in the store" : "nothing recorded in the "
	    "store");
	if (o->log_atk >= 0 && !ok(o->log_atk, "%s [%s] %s: logged with "
	    "reason=%s", id, cn, r->name, (r->flags & FL_RACE) ?
	    "replay (31 times) and one acceptance" : r->pam == P_SUCCESS ?
	    "ok" : expected_reason(r)))
		tap_diag("  log: %s", o->log_line);
	class_rows[r->cls]++;
	if (r->core == 0 && r->pam == P_SUCCESS)
		class_pos[r->cls]++;
}

/* ---- setup -------------------------------------------------------------- */

static void
make_fixture(void)
{
	static const struct { enum keyname k; enum jwtsafe_alg alg;
	    const char *kid; } gen[] = {
		{ K_ED, JWTSAFE_ALG_EDDSA, "ed-1" },
		{ K_ED2, JWTSAFE_ALG_EDDSA, "ed-2" },
		{ K_ED_EVIL, JWTSAFE_ALG_EDDSA, "ed-1" },
		{ K_ES, JWTSAFE_ALG_ES256, "es-1" },
		{ K_ES384, JWTSAFE_ALG_ES384, "es-1" },
		{ K_PS, JWTSAFE_ALG_PS256, "ps-1" },
		{ K_HS, JWTSAFE_ALG_HS256, "hs-1" },
	};
	const struct jwtsafe_key *list[2];
	struct jwtsafe_error err = { 0 };
	char path[700], args[2048];
	size_t i;

	pu_pathf(keydir, sizeof(keydir), "%s/keys", tmp);
	pu_pathf(store, sizeof(store), "%s/replay", tmp);
	pu_pathf(pu_confdir, sizeof(pu_confdir), "%s/pam.d", tmp);
	pu_pathf(mapfile, sizeof(mapfile), "%s/users.map", tmp);
	if (mkdir(keydir, 0755) != 0 || mkdir(pu_confdir, 0755) != 0)
		pu_die("mkdir");
	for (i = 0; i < sizeof(gen) / sizeof(gen[0]); i++) {
		keys[gen[i].k] = tu_keygen(gen[i].alg, gen[i].kid);
		pubs[gen[i].k] = tu_verifying_key(keys[gen[i].k]);
	}
	list[0] = pubs[K_ED];
	pu_pathf(path, sizeof(path), "%s/ed.pub", keydir);
	pu_write_keyfile_n(path, list, 1, 0644);
	list[1] = pubs[K_ED2];
	pu_pathf(path, sizeof(path), "%s/multi.pub", keydir);
	pu_write_keyfile_n(path, list, 2, 0644);
	pu_pathf(path, sizeof(path), "%s/es.pub", keydir);
	pu_write_keyfile(path, pubs[K_ES], 0644);
	pu_pathf(path, sizeof(path), "%s/ps.pub", keydir);
	pu_write_keyfile(path, pubs[K_PS], 0644);
	pu_pathf(path, sizeof(path), "%s/hs.key", keydir);
	pu_write_keyfile(path, keys[K_HS], 0600);
	pu_write_file(mapfile, MAP_TEXT, 0644);

	for (i = 0; i < SV_N; i++) {
		const struct service *s = &services[i];

		pu_pathf(path, sizeof(path), "%s/%s", keydir, s->keyfile);
		pu_pathf(args, sizeof(args), "alg=%s keys=%s issuer=" ISS
		    " audience=%s replay=%s %s%s%s",
		    jwtsafe_alg_name(keys[s->key]->alg), path, s->aud, store,
		    s->extra, s->with_map ? " map=" : "",
		    s->with_map ? mapfile : "");
		pu_write_service(s->name, args, 0);
		if (jwtsafe_verifier_new(keys[s->key]->alg, &verifiers[i],
		    &err) != 0)
			pu_die("verifier_new");
		if (jwtsafe_verifier_add_key(verifiers[i],
		    tu_verifying_key(keys[s->key]), &err) != 0)
			pu_die("verifier_add_key");
		if (i == SV_ED_MULTI && jwtsafe_verifier_add_key(verifiers[i],
		    tu_verifying_key(keys[K_ED2]), &err) != 0)
			pu_die("verifier_add_key");
	}
	memset(long_user, 'n', JWTSAFE_SUB_MAX + 1);
	long_user[JWTSAFE_SUB_MAX + 1] = '\0';
}

static void
free_fixture(void)
{
	size_t i;

	for (i = 0; i < SV_N; i++)
		jwtsafe_verifier_free(verifiers[i]);
	for (i = 0; i < K_N; i++) {
		jwtsafe_key_free(keys[i]);
		jwtsafe_key_free(pubs[i]);
	}
}

/* The test proper, in a child with its own mount namespace when it can
 * have one (for the log capture). */
static int
corpus(void)
{
	struct timespec t0, t1;
	char scratch[600];
	size_t i;
	int total = 0, pos = 0, c;

	/* A run takes seconds; a hang (a blocked syslog, a stuck lock) ends
	 * the test instead of the whole check run. */
	alarm(600);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0) {
		pu_pathf(scratch, sizeof(scratch), "%s/olddev", tmp);
		logs_on = pu_log_capture_setup(scratch) == 0;
	}
	if (!logs_on)
		tap_diag("log lines not captured (needs root and a private "
		    "mount namespace): PAM return codes and the store only");
	make_fixture();

	for (i = 0; i < NROWS; i++) {
		const struct row *r = &rows[i];
		struct outcome o;
		int attempt;

		for (attempt = 1; attempt <= 3; attempt++) {
			memset(&o, 0, sizeof(o));
			o.forged = -99;
			if (r->flags & FL_IMPORT)
				run_import_row(r, &o);
			else
				run_token_row(r, &o);
			if (o.attempts != -1)
				break;
		}
		o.attempts = attempt;
		report_row(i, r, &o);
	}

	for (c = 1; c < C_N; c++) {
		tap_diag("class %-20s %3d rows (%d malicious, %d documented "
		    "positive)", class_names[c], class_rows[c],
		    class_rows[c] - class_pos[c], class_pos[c]);
		total += class_rows[c];
		pos += class_pos[c];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tap_diag("total %d rows: %d malicious, %d documented positive; %.1f s",
	    total, total - pos, pos, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	ok(total - pos >= 80, "at least 80 malicious rows (%d)", total - pos);
	free_fixture();
	return tap_done();
}

int
main(void)
{
	pid_t pid;
	int code;

	if (pu_init() != 0) {
		printf("Bail out! module not built: %s\n", pu_module);
		return 99;
	}
	if (jwtsafe_init() != 0)
		pu_die("jwtsafe_init");
	pu_pathf(tmp, sizeof(tmp), "%s", tu_tmpdir());
	fflush(stdout);
	if ((pid = fork()) < 0)
		pu_die("fork");
	if (pid == 0)
		exit(corpus());
	code = pu_wait_child(pid);
	tu_rmtree(tmp);
	if (code < 0) {
		printf("Bail out! the test process was killed or timed "
		    "out\n");
		return 99;
	}
	return code;
}
