/*
 * The helpers of util.h that need libsodium or OpenSSL; the libc-only ones
 * are in util_libc.c.
 */
#include <openssl/crypto.h>
#include <sodium.h>

#include "err.h"
#include "util.h"

/*
 * sodium_init() takes its own lock and returns 1 once already initialised;
 * OPENSSL_init_crypto() is idempotent and thread-safe as well, so no
 * pthread_once of our own is needed.
 */
int
jwtsafe_init(void)
{
	if (sodium_init() < 0)
		return JWTSAFE_ERR_INTERNAL;
	if (OPENSSL_init_crypto(0, NULL) != 1)
		return JWTSAFE_ERR_INTERNAL;
	return 0;
}

void
jwtsafe_fingerprint(const void *data, size_t len, char *out, size_t n)
{
	unsigned char hash[crypto_generichash_BYTES];
	static const unsigned char empty[1];

	if (out == NULL)
		return;
	out[0] = '\0';
	if (data == NULL) {
		if (len > 0)
			return;
		data = empty;
	}
	if (n > sizeof(hash))
		n = sizeof(hash);
	if (crypto_generichash(hash, sizeof(hash), data, len, NULL, 0) != 0)
		return;
	sodium_bin2hex(out, 2 * n + 1, hash, n);
	sodium_memzero(hash, sizeof(hash));
}
