/*
 * jwtsafe: make keys, import an issuer's keys, sign and verify tokens.
 * Subcommands only; everything they do is in common/.
 *
 * Exit status: 0 success, 1 refused or failed, 2 bad usage.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "b64url.h"
#include "doctor.h"
#include "err.h"
#include "json.h"
#include "key.h"
#include "keyfile.h"
#include "sign.h"
#include "util.h"
#include "verifier.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define INPUT_MAX (64 * 1024)   /* key import input */
#define TOKEN_WARN 1023         /* sshd's password method takes 1024 */
#define TOKEN_WARN_SUDO 511     /* sudo refuses PAM answers >= 512 bytes */
#define CLAIMS_MAX 32

static const char *progname = "jwtsafe";

static void
fail_err(const char *what, const struct jwtsafe_error *err)
{
	char buf[512];

	fprintf(stderr, "%s: %s: %s\n", progname, what,
	    jwtsafe_err_format(err, buf, sizeof(buf)));
}

static int
usage_error(const char *sub, const char *msg)
{
	fprintf(stderr, "%s %s: %s (see '%s %s --help')\n", progname, sub,
	    msg, progname, sub);
	return EXIT_USAGE;
}

static int
parse_alg(const char *sub, const char *name, enum jwtsafe_alg *alg)
{
	struct jwtsafe_error err = { 0 };
	char buf[512];

	if (jwtsafe_alg_from_name(name, alg, &err) != 0) {
		fprintf(stderr, "%s %s: --alg: %s\n", progname, sub,
		    jwtsafe_err_format(&err, buf, sizeof(buf)));
		return EXIT_USAGE;
	}
	return 0;
}

static int
parse_num(const char *sub, const char *opt, const char *s, int64_t min,
    int64_t max, int64_t *out)
{
	if (jwtsafe_parse_int64(s, min, max, out) != 0) {
		fprintf(stderr, "%s %s: %s: \"%s\" is not a whole number in "
		    "[%lld, %lld]\n", progname, sub, opt, s, (long long)min,
		    (long long)max);
		return EXIT_USAGE;
	}
	return 0;
}

/* Read all of a stream, at most max bytes; more is an error. */
static int
read_bounded(FILE *f, size_t max, char **out, size_t *outlen)
{
	char *buf;
	size_t len = 0, n;

	*out = NULL;
	if ((buf = malloc(max + 2)) == NULL)
		return JWTSAFE_ERR_ALLOC;
	while ((n = fread(buf + len, 1, max + 1 - len, f)) > 0) {
		len += n;
		if (len > max)
			break;
	}
	if (ferror(f) || len > max) {
		jwtsafe_freezero(buf, max + 2);
		return ferror(f) ? JWTSAFE_ERR_SYSTEM : JWTSAFE_ERR_TOKEN_TOO_LONG;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

static struct jwtsafe_file_policy
cli_file_policy(int secret)
{
	struct jwtsafe_file_policy fp;

	memset(&fp, 0, sizeof(fp));
	fp.owner = geteuid();
	fp.check_dirs = 0;
	fp.secret = secret;
	fp.max_size = JWTSAFE_KEYFILE_MAX_SIZE;
	return fp;
}

/* Load a key file that must hold exactly one secret key. */
static int
load_secret_key(const char *path, struct jwtsafe_key **out)
{
	struct jwtsafe_file_policy fp = cli_file_policy(1);
	struct jwtsafe_keyset set = { 0 };
	struct jwtsafe_error err = { 0 };
	int r = EXIT_REFUSED;

	*out = NULL;
	if (jwtsafe_keyfile_read(path, &fp, &set, &err) != 0) {
		fail_err(path, &err);
		goto out;
	}
	if (set.n != 1) {
		fprintf(stderr, "%s: %s: holds %zu keys; expected one secret "
		    "key\n", progname, path, set.n);
		goto out;
	}
	if (set.keys[0]->purpose != JWTSAFE_KEY_SECRET) {
		fprintf(stderr, "%s: %s: holds a public key; this needs the "
		    "secret key\n", progname, path);
		goto out;
	}
	*out = set.keys[0];
	set.keys[0] = NULL;
	r = 0;
 out:
	jwtsafe_keyset_clear(&set);
	return r;
}

static int
print_key_line(const struct jwtsafe_key *key)
{
	struct jwtsafe_error err = { 0 };
	char *line = NULL;

	if (jwtsafe_keyline_format(key, &line, &err) != 0) {
		fail_err("formatting the key", &err);
		return EXIT_REFUSED;
	}
	printf("%s\n", line);
	jwtsafe_freezero_str(line);
	return fflush(stdout) == 0 ? 0 : EXIT_REFUSED;
}

/* ---- keygen ------------------------------------------------------------ */

static void
keygen_help(FILE *f)
{
	fprintf(f,
	    "usage: jwtsafe keygen --alg ALG [--kid KID] [--bits N]\n"
	    "                      [--not-before T] [--not-after T] --out FILE\n"
	    "Make a new secret key from the system's CSPRNG and write it to FILE\n"
	    "(mode 0600; an existing FILE is never overwritten).\n"
	    "  --alg ALG         EdDSA, ES256, ES384, PS256, HS256 or HS384\n"
	    "  --kid KID         key id (default: random); [A-Za-z0-9._~+/=-]\n"
	    "  --bits N          PS256 only: 2048, 3072 (default) or 4096\n"
	    "  --not-before T    refuse tokens verified with it before T (Unix time)\n"
	    "  --not-after T     refuse them from T on (Unix time)\n"
	    "For EdDSA, ES256, ES384 and PS256 give the verifying servers the public\n"
	    "key (jwtsafe pubkey FILE). HS256/HS384 keys are shared secrets.\n");
}

static int
write_new_file(const char *path, const char *line)
{
	size_t len = strlen(line);
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		fprintf(stderr, "%s keygen: %s: %s%s\n", progname, path,
		    strerror(errno), errno == EEXIST ?
		    " (refusing to overwrite a key)" : "");
		return EXIT_REFUSED;
	}
	if (fchmod(fd, 0600) != 0 ||
	    write(fd, line, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(path);
		fprintf(stderr, "%s keygen: %s: %s\n", progname, path,
		    strerror(saved));
		return EXIT_REFUSED;
	}
	if (close(fd) != 0) {
		saved = errno;
		unlink(path);
		fprintf(stderr, "%s keygen: %s: %s\n", progname, path,
		    strerror(saved));
		return EXIT_REFUSED;
	}
	return 0;
}

static int
cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ "kid", required_argument, NULL, 'k' },
		{ "bits", required_argument, NULL, 'b' },
		{ "not-before", required_argument, NULL, 'B' },
		{ "not-after", required_argument, NULL, 'A' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum jwtsafe_alg alg = JWTSAFE_ALG_INVALID;
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *key = NULL;
	const char *kid = NULL, *out = NULL, *algname = NULL;
	int64_t bits = 0, nbf = JWTSAFE_TIME_NONE, naf = JWTSAFE_TIME_NONE;
	char *line = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': algname = optarg; break;
		case 'k': kid = optarg; break;
		case 'b':
			if ((r = parse_num("keygen", "--bits", optarg, 2048,
			    4096, &bits)) != 0)
				return r;
			break;
		case 'B':
			if ((r = parse_num("keygen", "--not-before", optarg, 0,
			    JWTSAFE_JSON_TIME_MAX, &nbf)) != 0)
				return r;
			break;
		case 'A':
			if ((r = parse_num("keygen", "--not-after", optarg, 0,
			    JWTSAFE_JSON_TIME_MAX, &naf)) != 0)
				return r;
			break;
		case 'o': out = optarg; break;
		case 'h': keygen_help(stdout); return 0;
		default: return usage_error("keygen", "bad option");
		}
	}
	if (optind != argc)
		return usage_error("keygen", "unexpected argument");
	if (algname == NULL || out == NULL)
		return usage_error("keygen", "--alg and --out are required");
	if ((r = parse_alg("keygen", algname, &alg)) != 0)
		return r;
	if (bits != 0 && alg != JWTSAFE_ALG_PS256)
		return usage_error("keygen", "--bits is for PS256 only");
	if (bits != 0 && bits != 2048 && bits != 3072 && bits != 4096)
		return usage_error("keygen", "--bits must be 2048, 3072 or 4096");
	if (nbf != JWTSAFE_TIME_NONE && naf != JWTSAFE_TIME_NONE && naf <= nbf)
		return usage_error("keygen", "--not-after must be after "
		    "--not-before");
	if (kid != NULL && !jwtsafe_kid_valid(kid))
		return usage_error("keygen", "--kid: 1..128 characters of "
		    "[A-Za-z0-9._~+/=-]");

	r = EXIT_REFUSED;
	if (jwtsafe_key_generate(alg, kid, (int)bits, &key, &err) != 0) {
		fail_err("keygen", &err);
		goto out;
	}
	key->not_before = nbf;
	key->not_after = naf;
	if (jwtsafe_keyline_format(key, &line, &err) != 0) {
		fail_err("keygen", &err);
		goto out;
	}
	if ((r = write_new_file(out, line)) != 0)
		goto out;
	fprintf(stderr, "%s: wrote %s secret key \"%s\" to %s\n", progname,
	    jwtsafe_alg_name(alg), key->kid, out);
	r = 0;
 out:
	jwtsafe_freezero_str(line);
	jwtsafe_key_free(key);
	return r;
}

/* ---- pubkey -------------------------------------------------------------- */

static int
cmd_pubkey(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *sk = NULL, *pk = NULL;
	int c, r = EXIT_REFUSED;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: jwtsafe pubkey FILE\n"
			    "Print the public key line of the secret key in FILE,\n"
			    "for the key file of the verifying servers.\n");
			return 0;
		}
		return usage_error("pubkey", "bad option");
	}
	if (optind + 1 != argc)
		return usage_error("pubkey", "one key file is required");
	if ((r = load_secret_key(argv[optind], &sk)) != 0)
		return r;
	r = EXIT_REFUSED;
	if (jwtsafe_alg_is_symmetric(sk->alg)) {
		fprintf(stderr, "%s pubkey: %s is an HMAC key: it has no public "
		    "half; verifying servers need the secret key file itself\n",
		    progname, argv[optind]);
		goto out;
	}
	if (jwtsafe_key_public(sk, &pk, &err) != 0) {
		fail_err("pubkey", &err);
		goto out;
	}
	r = print_key_line(pk);
 out:
	jwtsafe_key_free(sk);
	jwtsafe_key_free(pk);
	return r;
}

/* ---- import -------------------------------------------------------------- */

static int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ "kid", required_argument, NULL, 'k' },
		{ "not-before", required_argument, NULL, 'B' },
		{ "not-after", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum jwtsafe_alg alg = JWTSAFE_ALG_INVALID;
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *key = NULL;
	const char *kid = NULL, *algname = NULL, *path = "-";
	int64_t nbf = JWTSAFE_TIME_NONE, naf = JWTSAFE_TIME_NONE;
	char *text = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': algname = optarg; break;
		case 'k': kid = optarg; break;
		case 'B':
			if ((r = parse_num("import", "--not-before", optarg, 0,
			    JWTSAFE_JSON_TIME_MAX, &nbf)) != 0)
				return r;
			break;
		case 'A':
			if ((r = parse_num("import", "--not-after", optarg, 0,
			    JWTSAFE_JSON_TIME_MAX, &naf)) != 0)
				return r;
			break;
		case 'h':
			printf("usage: jwtsafe import --alg ALG [--kid KID] "
			    "[--not-before T] [--not-after T] [FILE|-]\n"
			    "Read an issuer's public key, as PEM (PUBLIC KEY) or "
			    "as a JWK (OKP, EC, RSA;\n"
			    "oct for HS256/HS384), and print it as a jwtsafe key "
			    "line. Private keys are refused.\n");
			return 0;
		default: return usage_error("import", "bad option");
		}
	}
	if (optind + 1 < argc)
		return usage_error("import", "at most one input file");
	if (optind < argc)
		path = argv[optind];
	if (algname == NULL)
		return usage_error("import", "--alg is required");
	if ((r = parse_alg("import", algname, &alg)) != 0)
		return r;
	if (nbf != JWTSAFE_TIME_NONE && naf != JWTSAFE_TIME_NONE && naf <= nbf)
		return usage_error("import", "--not-after must be after "
		    "--not-before");

	r = EXIT_REFUSED;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "%s import: %s: %s\n", progname, path,
		    strerror(errno));
		goto out;
	}
	if (read_bounded(f, INPUT_MAX, &text, &len) != 0) {
		fprintf(stderr, "%s import: %s: unreadable or over %d bytes\n",
		    progname, path, INPUT_MAX);
		goto out;
	}
	if (jwtsafe_key_import(alg, kid, text, len, &key, &err) != 0) {
		fail_err("import", &err);
		goto out;
	}
	key->not_before = nbf;
	key->not_after = naf;
	r = print_key_line(key);
 out:
	if (f != NULL && f != stdin)
		fclose(f);
	if (text != NULL)
		jwtsafe_freezero(text, len + 1);
	jwtsafe_key_free(key);
	return r;
}

/* ---- sign ---------------------------------------------------------------- */

static void
sign_help(FILE *f)
{
	fprintf(f,
	    "usage: jwtsafe sign --key FILE --iss ISS --aud AUD --sub SUB\n"
	    "                    [--ttl SECONDS] [--typ TYP] [--claim NAME=JSON]...\n"
	    "Print a compact token signed with the secret key in FILE. It carries\n"
	    "iss, aud, sub, iat (now), exp (now + ttl, default 60 s) and a random\n"
	    "jti; --claim adds a claim or replaces one (the value is JSON:\n"
	    "--claim 'exp=1700000000', --claim 'role=\"ops\"').\n");
}

static int
random_jti(char out[32])
{
	unsigned char rnd[16];
	int n;

	randombytes_buf(rnd, sizeof(rnd));
	n = jwtsafe_b64url_encode(rnd, sizeof(rnd), out, 32);
	sodium_memzero(rnd, sizeof(rnd));
	return n < 0 ? n : 0;
}

/* Apply one NAME=JSON claim to payload. */
static int
apply_claim(cJSON *payload, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *end = NULL;
	char name[65];
	size_t nlen;
	cJSON *val;

	if (eq == NULL || eq == arg || (nlen = (size_t)(eq - arg)) >= sizeof(name))
		return usage_error("sign", "--claim takes NAME=JSON, NAME "
		    "1..64 characters");
	memcpy(name, arg, nlen);
	name[nlen] = '\0';
	if (jwtsafe_has_control((const unsigned char *)name, nlen))
		return usage_error("sign", "--claim: bad claim name");
	if ((val = cJSON_ParseWithOpts(eq + 1, &end, 1)) == NULL) {
		fprintf(stderr, "%s sign: --claim %s: the value is not JSON "
		    "(strings need quotes: %s='\"text\"')\n", progname, name,
		    name);
		return EXIT_USAGE;
	}
	if (cJSON_GetObjectItemCaseSensitive(payload, name) != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(payload, name);
	cJSON_AddItemToObject(payload, name, val);
	return 0;
}

static int
cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "iss", required_argument, NULL, 'i' },
		{ "aud", required_argument, NULL, 'a' },
		{ "sub", required_argument, NULL, 's' },
		{ "ttl", required_argument, NULL, 't' },
		{ "typ", required_argument, NULL, 'y' },
		{ "claim", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *keypath = NULL, *iss = NULL, *aud = NULL, *sub = NULL;
	const char *typ = "JWT", *claims[CLAIMS_MAX];
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *key = NULL;
	cJSON *payload = NULL;
	int64_t ttl = 60, now;
	char jti[32], *token = NULL;
	size_t nclaims = 0, i;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keypath = optarg; break;
		case 'i': iss = optarg; break;
		case 'a': aud = optarg; break;
		case 's': sub = optarg; break;
		case 'y': typ = optarg; break;
		case 't':
			if ((r = parse_num("sign", "--ttl", optarg, 1,
			    JWTSAFE_TTL_MAX, &ttl)) != 0)
				return r;
			break;
		case 'c':
			if (nclaims == CLAIMS_MAX)
				return usage_error("sign", "too many --claim");
			claims[nclaims++] = optarg;
			break;
		case 'h': sign_help(stdout); return 0;
		default: return usage_error("sign", "bad option");
		}
	}
	if (optind != argc)
		return usage_error("sign", "unexpected argument");
	if (keypath == NULL || iss == NULL || aud == NULL || sub == NULL)
		return usage_error("sign", "--key, --iss, --aud and --sub are "
		    "required");
	if ((r = load_secret_key(keypath, &key)) != 0)
		return r;

	r = EXIT_REFUSED;
	now = (int64_t)time(NULL);
	if (random_jti(jti) != 0 || (payload = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(payload, "iss", iss) == NULL ||
	    cJSON_AddStringToObject(payload, "sub", sub) == NULL ||
	    cJSON_AddStringToObject(payload, "aud", aud) == NULL ||
	    cJSON_AddNumberToObject(payload, "iat", (double)now) == NULL ||
	    cJSON_AddNumberToObject(payload, "exp", (double)(now + ttl)) == NULL ||
	    cJSON_AddStringToObject(payload, "jti", jti) == NULL) {
		fprintf(stderr, "%s sign: out of memory\n", progname);
		goto out;
	}
	for (i = 0; i < nclaims; i++) {
		if ((r = apply_claim(payload, claims[i])) != 0)
			goto out;
	}
	r = EXIT_REFUSED;
	if (jwtsafe_sign_token(key, typ, payload, &token, &err) != 0) {
		fail_err("sign", &err);
		goto out;
	}
	if (strlen(token) > TOKEN_WARN)
		fprintf(stderr, "%s sign: warning: the token is %zu bytes; "
		    "sshd's password method takes at most 1024 and sudo 511\n",
		    progname, strlen(token));
	else if (strlen(token) > TOKEN_WARN_SUDO)
		fprintf(stderr, "%s sign: note: the token is %zu bytes; sudo "
		    "refuses answers of 512 bytes or more, so it cannot carry "
		    "this token (sshd can)\n", progname, strlen(token));
	printf("%s\n", token);
	r = fflush(stdout) == 0 ? 0 : EXIT_REFUSED;
 out:
	jwtsafe_freezero_str(token);
	cJSON_Delete(payload);
	jwtsafe_key_free(key);
	return r;
}

/* ---- verify -------------------------------------------------------------- */

static void
verify_help(FILE *f)
{
	fprintf(f,
	    "usage: jwtsafe verify --alg ALG --keys FILE --iss ISS --aud AUD\n"
	    "                      [--typ TYP] [--max-ttl S] [--leeway S]\n"
	    "                      [--require-jti] [--allow-high-s] [--now T]\n"
	    "                      [TOKEN|-]\n"
	    "Verify a token (argument, or standard input) as pam_jwtsafe would,\n"
	    "without the subject map and replay store. Prints the payload and\n"
	    "exits 0 when valid; otherwise prints the reason and exits 1.\n"
	    "  --typ TYP       expected header typ (default JWT)\n"
	    "  --max-ttl S     largest exp - iat accepted (default 300)\n"
	    "  --leeway S      clock skew allowed (default 30, at most 300)\n"
	    "  --require-jti   refuse tokens without jti\n"
	    "  --allow-high-s  accept ECDSA signatures with s > n/2\n"
	    "  --now T         verify as if the time were T (Unix time)\n");
}

static int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ "keys", required_argument, NULL, 'k' },
		{ "iss", required_argument, NULL, 'i' },
		{ "aud", required_argument, NULL, 'u' },
		{ "typ", required_argument, NULL, 'y' },
		{ "max-ttl", required_argument, NULL, 'm' },
		{ "leeway", required_argument, NULL, 'l' },
		{ "now", required_argument, NULL, 'n' },
		{ "require-jti", no_argument, NULL, 'j' },
		{ "allow-high-s", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct jwtsafe_policy pol;
	struct jwtsafe_file_policy fp = cli_file_policy(0);
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_token *t = NULL;
	enum jwtsafe_alg alg = JWTSAFE_ALG_INVALID;
	const char *algname = NULL, *keys = NULL;
	char *input = NULL, *text = NULL, buf[512];
	const char *token;
	size_t len = 0, inlen = 0;
	int c, r;

	memset(&pol, 0, sizeof(pol));
	pol.typ = "JWT";
	pol.max_ttl = 300;
	pol.leeway = 30;
	pol.now = (int64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': algname = optarg; break;
		case 'k': keys = optarg; break;
		case 'i': pol.issuer = optarg; break;
		case 'u': pol.audience = optarg; break;
		case 'y': pol.typ = optarg; break;
		case 'm':
			if ((r = parse_num("verify", "--max-ttl", optarg, 1,
			    JWTSAFE_TTL_MAX, &pol.max_ttl)) != 0)
				return r;
			break;
		case 'l':
			if ((r = parse_num("verify", "--leeway", optarg, 0,
			    JWTSAFE_LEEWAY_MAX, &pol.leeway)) != 0)
				return r;
			break;
		case 'n':
			if ((r = parse_num("verify", "--now", optarg, 0,
			    JWTSAFE_JSON_TIME_MAX, &pol.now)) != 0)
				return r;
			break;
		case 'j': pol.require_jti = 1; break;
		case 'H': pol.allow_high_s = 1; break;
		case 'h': verify_help(stdout); return 0;
		default: return usage_error("verify", "bad option");
		}
	}
	if (optind + 1 < argc)
		return usage_error("verify", "at most one token");
	if (algname == NULL || keys == NULL || pol.issuer == NULL ||
	    pol.audience == NULL)
		return usage_error("verify", "--alg, --keys, --iss and --aud are "
		    "required");
	if (*pol.issuer == '\0' || *pol.audience == '\0' || *pol.typ == '\0' ||
	    strlen(pol.typ) > JWTSAFE_TYP_MAX)
		return usage_error("verify", "--iss, --aud and --typ may not be "
		    "empty");
	if ((r = parse_alg("verify", algname, &alg)) != 0)
		return r;

	r = EXIT_REFUSED;
	if (optind < argc && strcmp(argv[optind], "-") != 0) {
		token = argv[optind];
		len = strlen(token);
	} else {
		/* One more than the limit, so an over-long token is refused
		 * by the verifier as such, never truncated. */
		r = read_bounded(stdin, JWTSAFE_TOKEN_MAX + 2, &input, &inlen);
		if (r != 0) {
			fprintf(stderr, "%s verify: refused: the token is "
			    "unreadable or over %d bytes\n", progname,
			    JWTSAFE_TOKEN_MAX);
			r = EXIT_REFUSED;
			goto out;
		}
		len = inlen;
		if (len > 0 && input[len - 1] == '\n')
			len--;
		if (len > 0 && input[len - 1] == '\r')
			len--;
		token = input;
	}
	r = EXIT_REFUSED;
	if (jwtsafe_verifier_new(alg, &v, &err) != 0 ||
	    jwtsafe_verifier_load_file(v, keys, &fp, &err) != 0) {
		fail_err("verify", &err);
		goto out;
	}
	if (jwtsafe_verify(v, token, len, &pol, &t, &err) != 0) {
		fprintf(stderr, "%s verify: refused: %s\n", progname,
		    jwtsafe_err_format(&err, buf, sizeof(buf)));
		goto out;
	}
	if ((text = cJSON_Print(t->payload)) == NULL) {
		fprintf(stderr, "%s verify: out of memory\n", progname);
		goto out;
	}
	printf("%s\n", text);
	if (t->high_s)
		fprintf(stderr, "%s verify: note: accepted a high-S ECDSA "
		    "signature (--allow-high-s)\n", progname);
	r = fflush(stdout) == 0 ? 0 : EXIT_REFUSED;
 out:
	if (text != NULL)
		cJSON_free(text);
	if (input != NULL)
		jwtsafe_freezero(input, JWTSAFE_TOKEN_MAX + 4);
	jwtsafe_token_free(t);
	jwtsafe_verifier_free(v);
	return r;
}

/* ---- doctor -------------------------------------------------------------- */

static void
doctor_help(FILE *f)
{
	fprintf(f,
	    "usage: jwtsafe doctor [--root DIR] [--now T] [--quiet] [SERVICE...]\n"
	    "Check the PAM services that use pam_jwtsafe (all of them, or the\n"
	    "named ones) as the module would at login: each line, its options,\n"
	    "key file, map file and replay store, and sshd, sudo, NSS and the\n"
	    "clock around them. One line per finding: error, warning or ok.\n"
	    "Exits 0 when no login would fail, 1 when an error was found.\n"
	    "  --root DIR  read every file under DIR instead of / (a copy of a\n"
	    "              system, for tests); sshd -T is not run then\n"
	    "  --now T     check key windows and the clock as at T (Unix time)\n"
	    "  --quiet     print only errors, warnings and the summary\n");
}

static int
cmd_doctor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "now", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct jwtsafe_doctor_config cfg;
	int c, r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.now = (int64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': cfg.root = optarg; break;
		case 'n':
			if ((r = parse_num("doctor", "--now", optarg, 0,
			    JWTSAFE_JSON_TIME_MAX, &cfg.now)) != 0)
				return r;
			break;
		case 'q': cfg.quiet = 1; break;
		case 'h': doctor_help(stdout); return 0;
		default: return usage_error("doctor", "bad option");
		}
	}
	cfg.services = (const char *const *)(argv + optind);
	cfg.nservices = (size_t)(argc - optind);
	return jwtsafe_doctor_run(&cfg);
}

/* ---- main ---------------------------------------------------------------- */

static void
main_help(FILE *f)
{
	fprintf(f,
	    "usage: jwtsafe COMMAND [OPTIONS]\n"
	    "  keygen   make a new secret key file\n"
	    "  pubkey   print the public key line of a secret key file\n"
	    "  import   turn an issuer's PEM or JWK public key into a key line\n"
	    "  sign     make a token\n"
	    "  verify   check a token as pam_jwtsafe would\n"
	    "  doctor   check the PAM configuration that uses pam_jwtsafe\n"
	    "'jwtsafe COMMAND --help' describes each command.\n");
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "keygen", cmd_keygen },
		{ "pubkey", cmd_pubkey },
		{ "import", cmd_import },
		{ "sign", cmd_sign },
		{ "verify", cmd_verify },
		{ "doctor", cmd_doctor },
	};
	size_t i;

	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		main_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("jwtsafe %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (jwtsafe_init() != 0) {
		fprintf(stderr, "%s: library initialisation failed\n", progname);
		return EXIT_REFUSED;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: unknown command \"%s\"\n", progname, argv[1]);
	main_help(stderr);
	return EXIT_USAGE;
}
