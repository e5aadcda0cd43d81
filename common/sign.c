/*
 * Compact JWS serialisation for the jwtsafe command and the tests.
 */
#include <stdlib.h>
#include <string.h>

#include "alg.h"
#include "b64url.h"
#include "sign.h"
#include "util.h"
#include "verifier.h"

int
jwtsafe_sign_raw(const struct jwtsafe_key *key, const void *header,
    size_t hlen, const void *payload, size_t plen, char **out,
    struct jwtsafe_error *err)
{
	unsigned char sig[JWTSAFE_SIG_MAX];
	size_t siglen = 0, cap = 0, pos;
	char *buf = NULL;
	int r, n;

	if (out != NULL)
		*out = NULL;
	if (key == NULL || header == NULL || payload == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	/* The token may be larger than a verifier accepts (tests need that),
	 * but not absurdly so. */
	if (hlen > 1024 * 1024 || plen > 1024 * 1024)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "header or payload too large");
	cap = JWTSAFE_B64URL_ENCODED_LEN(hlen) +
	    JWTSAFE_B64URL_ENCODED_LEN(plen) +
	    JWTSAFE_B64URL_ENCODED_LEN(JWTSAFE_SIG_MAX) + 2;
	if ((buf = malloc(cap)) == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "token");

	if ((n = jwtsafe_b64url_encode(header, hlen, buf, cap)) < 0) {
		r = jwtsafe_err_set(err, n, "encoding the header");
		goto out;
	}
	pos = (size_t)n;
	buf[pos++] = '.';
	if ((n = jwtsafe_b64url_encode(payload, plen, buf + pos,
	    cap - pos)) < 0) {
		r = jwtsafe_err_set(err, n, "encoding the payload");
		goto out;
	}
	pos += (size_t)n;
	if ((r = jwtsafe_alg_sign(key, (const unsigned char *)buf, pos, sig,
	    sizeof(sig), &siglen)) != 0) {
		jwtsafe_err_set(err, r, "signing with key \"%s\"", key->kid);
		goto out;
	}
	buf[pos++] = '.';
	if ((n = jwtsafe_b64url_encode(sig, siglen, buf + pos,
	    cap - pos)) < 0) {
		r = jwtsafe_err_set(err, n, "encoding the signature");
		goto out;
	}
	*out = buf;
	buf = NULL;
	r = 0;
 out:
	jwtsafe_memzero(sig, sizeof(sig));
	if (buf != NULL)
		jwtsafe_freezero(buf, cap);
	return r;
}

int
jwtsafe_sign_token(const struct jwtsafe_key *key, const char *typ,
    const cJSON *payload, char **out, struct jwtsafe_error *err)
{
	cJSON *hdr = NULL;
	char *htext = NULL, *ptext = NULL;
	int r = JWTSAFE_ERR_INTERNAL;

	if (out != NULL)
		*out = NULL;
	if (key == NULL || payload == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (key->purpose != JWTSAFE_KEY_SECRET)
		return jwtsafe_err_set(err, JWTSAFE_ERR_KEY_PURPOSE,
		    "key \"%s\" is a public key; signing needs the secret key",
		    key->kid);
	if (!cJSON_IsObject(payload))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "payload is not an object");
	if (typ == NULL)
		typ = "JWT";
	if (*typ == '\0' || strlen(typ) > JWTSAFE_TYP_MAX ||
	    jwtsafe_has_control((const unsigned char *)typ, strlen(typ)))
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "typ must be 1..%d printable characters", JWTSAFE_TYP_MAX);

	if ((hdr = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(hdr, "alg",
	    jwtsafe_alg_name(key->alg)) == NULL ||
	    cJSON_AddStringToObject(hdr, "typ", typ) == NULL ||
	    cJSON_AddStringToObject(hdr, "kid", key->kid) == NULL ||
	    (htext = cJSON_PrintUnformatted(hdr)) == NULL ||
	    (ptext = cJSON_PrintUnformatted(payload)) == NULL) {
		r = jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "token JSON");
		goto out;
	}
	r = jwtsafe_sign_raw(key, htext, strlen(htext), ptext, strlen(ptext),
	    out, err);
 out:
	cJSON_Delete(hdr);
	if (htext != NULL)
		cJSON_free(htext);
	if (ptext != NULL) {
		jwtsafe_memzero(ptext, strlen(ptext));
		cJSON_free(ptext);
	}
	return r;
}
