/*
 * Wycheproof test vectors (C2SP/wycheproof, testvectors_v1) through
 * jwtsafe_key_new and jwtsafe_alg_verify, read in place from the directory
 * in $JWTSAFE_VECTORS (default: ../shared/vectors/wycheproof next to the
 * source tree). They are never copied into the repository.
 *
 * Expectations:
 *   "valid"      accepted, except where jwtsafe deviates on purpose:
 *                - ECDSA with s > n/2: refused with JWTSAFE_ERR_SIG_HIGH_S
 *                  in strict mode, accepted (and reported) with high-S
 *                  allowed;
 *                - HMAC groups with a truncated tag (refused at verify,
 *                  JWTSAFE_ERR_SIG_FORMAT) or a key below the RFC 7518
 *                  minimum (refused at load, JWTSAFE_ERR_KEY_INVALID).
 *   "invalid"    refused, at key load or at verification, in strict and
 *                (ECDSA) in lenient mode.
 *   "acceptable" either; the outcome is printed.
 * One TAP line per file with the counts, and one failing line per tcId that
 * does not match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <sodium.h>

#include "alg.h"
#include "err.h"
#include "key.h"
#include "tap.h"
#include "util.h"

#define VECTOR_FILE_MAX (16 * 1024 * 1024)

enum family { F_EDDSA, F_ECDSA, F_RSAPSS, F_HMAC };

struct vector_file {
	const char *name;
	enum jwtsafe_alg alg;
	enum family family;
};

static const struct vector_file files[] = {
	{ "ed25519_test.json", JWTSAFE_ALG_EDDSA, F_EDDSA },
	{ "ecdsa_secp256r1_sha256_p1363_test.json", JWTSAFE_ALG_ES256,
	  F_ECDSA },
	{ "ecdsa_secp384r1_sha384_p1363_test.json", JWTSAFE_ALG_ES384,
	  F_ECDSA },
	{ "rsa_pss_2048_sha256_mgf1_32_test.json", JWTSAFE_ALG_PS256,
	  F_RSAPSS },
	{ "hmac_sha256_test.json", JWTSAFE_ALG_HS256, F_HMAC },
	{ "hmac_sha384_test.json", JWTSAFE_ALG_HS384, F_HMAC },
};

struct counts {
	unsigned total;
	unsigned passed;        /* matched the expectation (all kinds) */
	unsigned valid_ok;      /* valid, accepted */
	unsigned invalid_ok;    /* invalid, refused */
	unsigned high_s;        /* valid high-S: refused strict, ok lenient */
	unsigned policy;        /* valid, refused by jwtsafe's HMAC rules */
	unsigned acceptable;
	unsigned failed;
	unsigned key_refused;   /* cases whose key jwtsafe_key_new refused */
};

/* ---- small helpers ------------------------------------------------------ */

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > VECTOR_FILE_MAX || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	if ((buf = malloc((size_t)n + 1)) == NULL)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	*len = (size_t)n;
 out:
	fclose(f);
	return buf;
}

/* The hex string member name of obj, decoded into a malloc'ed buffer
 * (at least one byte, so an empty value is a valid pointer). */
static unsigned char *
get_hex(const cJSON *obj, const char *name, size_t *len)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	const char *hex, *end = NULL;
	unsigned char *out;
	size_t hlen;

	if (!cJSON_IsString(it) || (hex = it->valuestring) == NULL)
		return NULL;
	hlen = strlen(hex);
	if ((out = malloc(hlen / 2 + 1)) == NULL)
		return NULL;
	if (sodium_hex2bin(out, hlen / 2 + 1, hex, hlen, NULL, len,
	    &end) != 0 || end != hex + hlen) {
		free(out);
		return NULL;
	}
	return out;
}

static int
get_int(const cJSON *obj, const char *name, int def)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNumber(it) ? it->valueint : def;
}

static const char *
get_str(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(it) && it->valuestring != NULL ?
	    it->valuestring : "";
}

static const char *
code_name(int r)
{
	return r == 0 ? "accepted" : jwtsafe_err_name(r);
}

/* ---- one file ----------------------------------------------------------- */

struct ecdsa_curve {
	size_t len;                     /* bytes of r, s */
	unsigned char half_n[48];       /* floor(n/2), from OpenSSL */
};

static int
ecdsa_curve_for(enum jwtsafe_alg alg, struct ecdsa_curve *c)
{
	EC_GROUP *g;
	BIGNUM *h = BN_new();
	int ok_ = 0;

	c->len = alg == JWTSAFE_ALG_ES256 ? 32 : 48;
	g = EC_GROUP_new_by_curve_name(alg == JWTSAFE_ALG_ES256 ?
	    NID_X9_62_prime256v1 : NID_secp384r1);
	if (g != NULL && h != NULL &&
	    BN_rshift1(h, EC_GROUP_get0_order(g)) == 1 &&
	    BN_bn2binpad(h, c->half_n, (int)c->len) == (int)c->len)
		ok_ = 1;
	BN_free(h);
	EC_GROUP_free(g);
	return ok_;
}

/* The group's key material (asymmetric families). */
static unsigned char *
group_key(const cJSON *group, enum family fam, size_t *len)
{
	const cJSON *pub = cJSON_GetObjectItemCaseSensitive(group, "publicKey");

	switch (fam) {
	case F_EDDSA:
		return get_hex(pub, "pk", len);
	case F_ECDSA:
		return get_hex(pub, "uncompressed", len);
	case F_RSAPSS:
		return get_hex(group, "publicKeyDer", len);
	case F_HMAC:
	default:
		return NULL;
	}
}

static void
mismatch(struct counts *c, const char *file, int tcid, const char *comment,
    const char *result, const char *want, int got, int got_lenient,
    int lenient_ran)
{
	c->failed++;
	if (lenient_ran)
		ok(0, "%s tcId %d (%s) [%s]: expected %s, got %s strict / %s "
		    "lenient", file, tcid, comment, result, want,
		    code_name(got), code_name(got_lenient));
	else
		ok(0, "%s tcId %d (%s) [%s]: expected %s, got %s", file, tcid,
		    comment, result, want, code_name(got));
}

static void
run_file(const char *dir, const struct vector_file *vf)
{
	char path[4096];
	char *text = NULL;
	size_t textlen = 0;
	cJSON *root = NULL;
	const cJSON *groups, *group, *tests, *t;
	struct counts c;
	struct ecdsa_curve curve;
	unsigned valid_total = 0, valid_high = 0;
	int declared;
	size_t full_tag = vf->alg == JWTSAFE_ALG_HS256 ? 32 : 48;
	size_t min_key = vf->alg == JWTSAFE_ALG_HS256 ?
	    JWTSAFE_HS256_MIN_KEY : JWTSAFE_HS384_MIN_KEY;

	memset(&c, 0, sizeof(c));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, vf->name) >=
	    sizeof(path)) {
		ok(0, "%s: path too long", vf->name);
		return;
	}
	if ((text = read_file(path, &textlen)) == NULL) {
		tap_skip(errno == ENOENT ? "vector file absent" :
		    "vector file unreadable", "%s", path);
		return;
	}
	if ((root = cJSON_ParseWithLength(text, textlen)) == NULL ||
	    !cJSON_IsArray(groups = cJSON_GetObjectItemCaseSensitive(root,
	    "testGroups"))) {
		ok(0, "%s: not a Wycheproof JSON file", vf->name);
		goto out;
	}
	declared = get_int(root, "numberOfTests", -1);
	if (vf->family == F_ECDSA && !ecdsa_curve_for(vf->alg, &curve)) {
		ok(0, "%s: curve order", vf->name);
		goto out;
	}

	cJSON_ArrayForEach(group, groups) {
		struct jwtsafe_key *gkey = NULL;
		struct jwtsafe_error err = { 0 };
		unsigned char *km = NULL;
		size_t kmlen = 0;
		int gkey_err = 0, key_size, tag_size, hmac_policy = 0;

		key_size = get_int(group, "keySize", -1);
		tag_size = get_int(group, "tagSize", -1);
		if (vf->family == F_HMAC) {
			/* jwtsafe's rules: full-length tags, minimum keys. */
			if (tag_size != (int)(8 * full_tag) ||
			    key_size < (int)(8 * min_key))
				hmac_policy = 1;
		} else {
			if ((km = group_key(group, vf->family, &kmlen)) == NULL) {
				ok(0, "%s: a group without its key", vf->name);
				continue;
			}
			gkey_err = jwtsafe_key_new(vf->alg, JWTSAFE_KEY_PUBLIC,
			    "wycheproof", km, kmlen, &gkey, &err);
			free(km);
			km = NULL;
		}

		tests = cJSON_GetObjectItemCaseSensitive(group, "tests");
		cJSON_ArrayForEach(t, tests) {
			struct jwtsafe_key *key = gkey, *tkey = NULL;
			unsigned char *m = NULL, *sig = NULL;
			size_t mlen = 0, siglen = 0;
			const char *result = get_str(t, "result");
			const char *comment = get_str(t, "comment");
			int tcid = get_int(t, "tcId", -1);
			int r, rl = 0, hs = 0, lenient = 0, key_err = gkey_err;
			int is_valid = strcmp(result, "valid") == 0;
			int is_invalid = strcmp(result, "invalid") == 0;
			int high = 0;

			c.total++;
			m = get_hex(t, "msg", &mlen);
			sig = get_hex(t, vf->family == F_HMAC ? "tag" : "sig",
			    &siglen);
			if (m == NULL || sig == NULL) {
				mismatch(&c, vf->name, tcid, comment, result,
				    "a parsable test case", JWTSAFE_ERR_INTERNAL,
				    0, 0);
				goto next;
			}
			if (vf->family == F_HMAC) {
				km = get_hex(t, "key", &kmlen);
				if (km == NULL) {
					mismatch(&c, vf->name, tcid, comment,
					    result, "a key", JWTSAFE_ERR_INTERNAL,
					    0, 0);
					goto next;
				}
				key_err = jwtsafe_key_new(vf->alg,
				    JWTSAFE_KEY_SECRET, "wycheproof", km, kmlen,
				    &tkey, &err);
				jwtsafe_freezero(km, kmlen);
				km = NULL;
				key = tkey;
			}
			if (key_err != 0)
				c.key_refused++;

			/* The outcome: the key refusal, or the verification. */
			if (key_err != 0) {
				r = rl = key_err;
			} else {
				r = rl = jwtsafe_alg_verify(key, m, mlen, sig,
				    siglen, 0, NULL);
				if (vf->family == F_ECDSA) {
					lenient = 1;
					hs = 0;
					rl = jwtsafe_alg_verify(key, m, mlen,
					    sig, siglen, 1, &hs);
				}
			}

			if (vf->family == F_ECDSA && siglen == 2 * curve.len &&
			    memcmp(sig + curve.len, curve.half_n,
			    curve.len) > 0)
				high = 1;

			if (strcmp(result, "acceptable") == 0) {
				c.acceptable++;
				tap_diag("%s tcId %d (%s) [acceptable]: %s",
				    vf->name, tcid, comment, code_name(r));
			} else if (is_valid && vf->family == F_HMAC &&
			    hmac_policy) {
				int want = key_size < (int)(8 * min_key) ?
				    JWTSAFE_ERR_KEY_INVALID :
				    JWTSAFE_ERR_SIG_FORMAT;

				if (r == want) {
					c.passed++;
					c.policy++;
				} else
					mismatch(&c, vf->name, tcid, comment,
					    result, want ==
					    JWTSAFE_ERR_KEY_INVALID ?
					    "key-invalid (short key)" :
					    "sig-format (truncated tag)", r, 0,
					    0);
			} else if (is_valid && high) {
				valid_total++;
				valid_high++;
				if (r == JWTSAFE_ERR_SIG_HIGH_S && rl == 0 &&
				    hs == 1) {
					c.passed++;
					c.high_s++;
				} else
					mismatch(&c, vf->name, tcid, comment,
					    result, "sig-high-s strict, "
					    "accepted lenient", r, rl, 1);
			} else if (is_valid) {
				valid_total++;
				if (r == 0 && rl == 0 && hs == 0) {
					c.passed++;
					c.valid_ok++;
				} else
					mismatch(&c, vf->name, tcid, comment,
					    result, "accepted", r, rl, lenient);
			} else if (is_invalid) {
				if (r != 0 && rl != 0) {
					c.passed++;
					c.invalid_ok++;
				} else
					mismatch(&c, vf->name, tcid, comment,
					    result, "refused", r, rl, lenient);
			} else {
				mismatch(&c, vf->name, tcid, comment, result,
				    "a known result", r, rl, lenient);
			}
 next:
			jwtsafe_key_free(tkey);
			free(m);
			free(sig);
		}
		jwtsafe_key_free(gkey);
	}

	if (vf->family == F_ECDSA)
		tap_diag("%s: %u of %u valid vectors have s > n/2", vf->name,
		    valid_high, valid_total);
	ok(c.failed == 0 && declared >= 0 && c.total == (unsigned)declared,
	    "%s: %u of %d cases: %u passed (%u valid accepted, %u invalid "
	    "refused, %u high-S refused strict / accepted lenient, %u refused "
	    "by HMAC key/tag policy), %u acceptable, %u failed; %u refused at "
	    "key load", vf->name, c.total, declared, c.passed, c.valid_ok,
	    c.invalid_ok, c.high_s, c.policy, c.acceptable, c.failed,
	    c.key_refused);
 out:
	cJSON_Delete(root);
	free(text);
}

int
main(void)
{
	char dirbuf[4096], reason[4200];
	const char *dir = getenv("JWTSAFE_VECTORS");
	const char *top = getenv("top_srcdir");
	struct stat st;
	size_t i;

	if (dir == NULL || *dir == '\0') {
		if (top != NULL && *top != '\0') {
			snprintf(dirbuf, sizeof(dirbuf),
			    "%s/../shared/vectors/wycheproof", top);
			dir = dirbuf;
		} else
			dir = "../shared/vectors/wycheproof";
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(reason, sizeof(reason), "Wycheproof vectors not found "
		    "at %s (set JWTSAFE_VECTORS)", dir);
		return tap_skip_all(reason);
	}
	if (jwtsafe_init() != 0)
		return tap_skip_all("library initialisation failed");
	tap_diag("Wycheproof vectors from %s", dir);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		run_file(dir, &files[i]);
	return tap_done();
}
