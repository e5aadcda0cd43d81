/*
 * Small helpers shared by everything in common/.
 */
#ifndef JWTSAFE_UTIL_H
#define JWTSAFE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wipe n bytes at p, then free p. NULL-safe. */
void jwtsafe_freezero(void *p, size_t n);

/* Wipe and free a NUL-terminated string. NULL-safe. */
void jwtsafe_freezero_str(char *s);

/* Wipe a fixed-size object; type-checked through sizeof. */
#define JWTSAFE_WIPE(obj) jwtsafe_memzero(&(obj), sizeof(obj))
void jwtsafe_memzero(void *p, size_t n);

/*
 * Initialise libsodium and OpenSSL's error-free defaults once per process.
 * Returns 0 or JWTSAFE_ERR_INTERNAL. Safe to call many times and from
 * several threads.
 */
int jwtsafe_init(void) __attribute__((warn_unused_result));

/*
 * Parse a decimal integer in [min, max] from the whole of s (no sign other
 * than a leading '-' when min < 0, no spaces, no trailing characters).
 * Returns 0 or JWTSAFE_ERR_INVALID_ARGUMENT.
 */
int jwtsafe_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
    __attribute__((warn_unused_result));

/* 1 if the len bytes at s are well-formed UTF-8 (no overlongs, surrogates
 * or code points over U+10FFFF), else 0. */
int jwtsafe_utf8_valid(const unsigned char *s, size_t len);

/* 1 if s[0..len) has a C0 control character, DEL or NUL, else 0. */
int jwtsafe_has_control(const unsigned char *s, size_t len);

/* Lower-case hex of the first n bytes of BLAKE2b-256(data): a fingerprint
 * for log lines. out must hold 2*n+1 bytes; n <= 32. */
void jwtsafe_fingerprint(const void *data, size_t len, char *out, size_t n);

#endif /* JWTSAFE_UTIL_H */
