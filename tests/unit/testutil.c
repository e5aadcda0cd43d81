#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64url.h"
#include "sign.h"
#include "testutil.h"
#include "util.h"

static void
tu_die(const char *what, const struct jwtsafe_error *err)
{
	fprintf(stderr, "test setup failed: %s: %s (%s)\n", what,
	    jwtsafe_err_name(err->code), err->detail);
	printf("Bail out! %s\n", what);
	exit(99);
}

void
tu_policy(struct jwtsafe_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->typ = "JWT";
	p->issuer = TU_ISSUER;
	p->audience = TU_AUDIENCE;
	p->now = TU_NOW;
	p->leeway = 30;
	p->max_ttl = 300;
	p->require_jti = 1;
	p->allow_high_s = 0;
}

const char *
tu_payload(void)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
	    "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\",\"iat\":%lld,"
	    "\"exp\":%lld,\"jti\":\"2b5f0c1e-6f0a-4a57-9a3e-0c9d2f3f7a11\"}",
	    TU_ISSUER, TU_AUDIENCE, TU_SUB, (long long)(TU_NOW - 10),
	    (long long)(TU_NOW + 50));
	return buf;
}

const char *
tu_header(const struct jwtsafe_key *key)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
	    jwtsafe_alg_name(key->alg), key->kid);
	return buf;
}

struct jwtsafe_key *
tu_keygen(enum jwtsafe_alg alg, const char *kid)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (jwtsafe_init() != 0)
		tu_die("jwtsafe_init", &err);
	if (jwtsafe_key_generate(alg, kid, alg == JWTSAFE_ALG_PS256 ? 2048 : 0,
	    &k, &err) != 0)
		tu_die("jwtsafe_key_generate", &err);
	return k;
}

struct jwtsafe_key *
tu_pub(const struct jwtsafe_key *secret)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (jwtsafe_alg_is_symmetric(secret->alg))
		return NULL;
	if (jwtsafe_key_public(secret, &k, &err) != 0)
		tu_die("jwtsafe_key_public", &err);
	return k;
}

struct jwtsafe_key *
tu_verifying_key(const struct jwtsafe_key *secret)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = NULL;

	if (!jwtsafe_alg_is_symmetric(secret->alg))
		return tu_pub(secret);
	if (jwtsafe_key_new(secret->alg, JWTSAFE_KEY_SECRET, secret->kid,
	    secret->material, secret->material_len, &k, &err) != 0)
		tu_die("jwtsafe_key_new", &err);
	return k;
}

struct jwtsafe_verifier *
tu_verifier(const struct jwtsafe_key *secret)
{
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_key *k = tu_verifying_key(secret);

	if (jwtsafe_verifier_new(secret->alg, &v, &err) != 0)
		tu_die("jwtsafe_verifier_new", &err);
	if (jwtsafe_verifier_add_key(v, k, &err) != 0)
		tu_die("jwtsafe_verifier_add_key", &err);
	return v;
}

char *
tu_token(const struct jwtsafe_key *secret, const char *header,
    const char *payload)
{
	struct jwtsafe_error err = { 0 };
	char *out = NULL;

	if (jwtsafe_sign_raw(secret, header, strlen(header), payload,
	    strlen(payload), &out, &err) != 0)
		tu_die("jwtsafe_sign_raw", &err);
	return out;
}

int
tu_verify(const struct jwtsafe_verifier *v, const char *token,
    const struct jwtsafe_policy *p)
{
	struct jwtsafe_policy def;
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_token *t = NULL;
	int r;

	if (p == NULL) {
		tu_policy(&def);
		p = &def;
	}
	r = jwtsafe_verify(v, token, strlen(token), p, &t, &err);
	if (r == 0 && t == NULL)
		return JWTSAFE_ERR_INTERNAL;
	if (r != 0 && t != NULL)
		return JWTSAFE_ERR_INTERNAL;
	if (r != 0 && err.code != r)
		return JWTSAFE_ERR_INTERNAL;
	jwtsafe_token_free(t);
	return r;
}

char *
tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	if ((buf = malloc((size_t)n + 1)) == NULL)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
 out:
	fclose(f);
	return buf;
}

const char *
tu_tmpdir(void)
{
	static char path[256];
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(path, sizeof(path), "%s/jwtsafe-test-XXXXXX", base);
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	return path;
}

static int
tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
tu_rmtree(const char *path)
{
	nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
