/*
 * The signer: what it puts in the header, what it refuses.
 */
#include <string.h>

#include "b64url.h"
#include "json.h"
#include "sign.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"

/* Decode the header segment of tok and parse it. */
static cJSON *
header_of(const char *tok)
{
	unsigned char buf[512];
	size_t len = 0;
	const char *dot = strchr(tok, '.');
	cJSON *h = NULL;
	struct jwtsafe_error err = { 0 };

	if (dot == NULL || jwtsafe_b64url_decode(tok, (size_t)(dot - tok), buf,
	    sizeof(buf), &len) != 0)
		return NULL;
	if (jwtsafe_json_parse_object((const char *)buf, len, &h, &err) != 0)
		return NULL;
	return h;
}

int
main(void)
{
	struct jwtsafe_key *k = tu_keygen(JWTSAFE_ALG_ES384, "sign-kid");
	struct jwtsafe_key *pk = tu_pub(k);
	struct jwtsafe_error err = { 0 };
	cJSON *pl = cJSON_Parse(tu_payload()), *h;
	cJSON *arr = cJSON_CreateArray();
	char *tok = NULL, longtyp[80];
	int i;

	is_int(jwtsafe_sign_token(k, NULL, pl, &tok, &err), 0,
	    "sign with the default typ");
	h = tok != NULL ? header_of(tok) : NULL;
	ok(h != NULL && cJSON_GetArraySize(h) == 3 &&
	    strcmp(cJSON_GetObjectItemCaseSensitive(h, "alg")->valuestring,
	    "ES384") == 0 &&
	    strcmp(cJSON_GetObjectItemCaseSensitive(h, "typ")->valuestring,
	    "JWT") == 0 &&
	    strcmp(cJSON_GetObjectItemCaseSensitive(h, "kid")->valuestring,
	    "sign-kid") == 0, "header is exactly alg, typ and kid");
	cJSON_Delete(h);
	jwtsafe_freezero_str(tok);
	tok = NULL;

	is_int(jwtsafe_sign_token(pk, "JWT", pl, &tok, &err),
	    JWTSAFE_ERR_KEY_PURPOSE, "a public key cannot sign");
	ok(tok == NULL, "and no token comes out");
	is_int(jwtsafe_sign_token(k, "JWT", arr, &tok, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "a payload that is not an object is "
	    "refused");
	is_int(jwtsafe_sign_token(k, "", pl, &tok, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "empty typ refused");
	is_int(jwtsafe_sign_token(k, "a\nb", pl, &tok, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "typ with a newline refused");
	for (i = 0; i < 65; i++)
		longtyp[i] = 'x';
	longtyp[65] = '\0';
	is_int(jwtsafe_sign_token(k, longtyp, pl, &tok, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "typ of 65 characters refused");
	longtyp[64] = '\0';
	is_int(jwtsafe_sign_token(k, longtyp, pl, &tok, &err), 0,
	    "typ of 64 characters accepted");
	jwtsafe_freezero_str(tok);

	/* The standard claims keep every token small enough for sudo. */
	{
		static const enum jwtsafe_alg algs[] = {
			JWTSAFE_ALG_EDDSA, JWTSAFE_ALG_ES256, JWTSAFE_ALG_ES384,
			JWTSAFE_ALG_PS256, JWTSAFE_ALG_HS256, JWTSAFE_ALG_HS384,
		};
		size_t j;

		for (j = 0; j < sizeof(algs) / sizeof(algs[0]); j++) {
			struct jwtsafe_key *kk = tu_keygen(algs[j], NULL);

			tok = NULL;
			if (jwtsafe_sign_token(kk, "JWT", pl, &tok, &err) == 0)
				ok(strlen(tok) < 1023, "%s token with the "
				    "standard claims is %zu bytes (< 1023)",
				    jwtsafe_alg_name(algs[j]), strlen(tok));
			else
				ok(0, "%s: sign failed: %s",
				    jwtsafe_alg_name(algs[j]), err.detail);
			jwtsafe_freezero_str(tok);
			jwtsafe_key_free(kk);
		}
	}
	cJSON_Delete(arr);
	cJSON_Delete(pl);
	jwtsafe_key_free(pk);
	jwtsafe_key_free(k);
	return tap_done();
}
