/*
 * A minimal TAP producer for the unit tests; automake's tap-driver.sh
 * counts the lines. Plan at the end ("1..N") via tap_done().
 */
#ifndef JWTSAFE_TAP_H
#define JWTSAFE_TAP_H

/* Record one check; prints "ok N - ..." or "not ok N - ...". Returns cond. */
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record a check that expects got == want (integers), printing both. */
int tap_is_int(long long got, long long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a skipped check with a reason. */
void tap_skip(const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Skip the whole program: prints "1..0 # SKIP reason" and returns 0. */
int tap_skip_all(const char *reason);

/* Print a diagnostic line ("# ..."). */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the plan; returns the exit status (0 when all passed, else 1). */
int tap_done(void);

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((long long)(got), (long long)(want), __VA_ARGS__)

#endif /* JWTSAFE_TAP_H */
