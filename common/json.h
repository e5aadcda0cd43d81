/*
 * Strict JSON on top of cJSON.
 *
 * cJSON alone is lenient in ways that matter for a verifier: it ignores
 * trailing data, keeps duplicate member names, decodes "\u0000" into a
 * string it then truncates, matches names case-insensitively in
 * cJSON_GetObjectItem, does not check UTF-8, and saturates valueint.
 * These functions add the checks; use only them on untrusted JSON.
 */
#ifndef JWTSAFE_JSON_H
#define JWTSAFE_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "err.h"

#define JWTSAFE_JSON_MAX_DEPTH   8    /* objects and arrays, nested */
#define JWTSAFE_JSON_MAX_MEMBERS 128  /* members of one object */

/*
 * Parse exactly len bytes at buf as one JSON object.
 * Refuses (JWTSAFE_ERR_TOKEN_JSON): invalid UTF-8, a byte-order mark,
 * a NUL byte, anything but whitespace after the object, a top-level value
 * that is not an object, nesting deeper than JWTSAFE_JSON_MAX_DEPTH,
 * more than JWTSAFE_JSON_MAX_MEMBERS members in an object, and "\u0000"
 * in any string or name. Refuses duplicate member names at any depth
 * (JWTSAFE_ERR_TOKEN_DUPLICATE, the name in the detail).
 * On success *out is the tree, to be released with cJSON_Delete.
 */
int jwtsafe_json_parse_object(const char *buf, size_t len, cJSON **out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

/* Case-sensitive member lookup; NULL when absent. */
const cJSON *jwtsafe_json_get(const cJSON *obj, const char *name);

/*
 * Read member name of obj as a string: 0 and *out (owned by obj) when it is
 * a string; JWTSAFE_ERR_CLAIM_MISSING when absent, JWTSAFE_ERR_CLAIM_TYPE
 * when another type. The detail names the member.
 */
int jwtsafe_json_get_string(const cJSON *obj, const char *name,
    const char **out, struct jwtsafe_error *err)
    __attribute__((warn_unused_result));

/*
 * Read member name as a NumericDate: a JSON number that is an integer in
 * [0, JWTSAFE_JSON_TIME_MAX]. JWTSAFE_ERR_CLAIM_MISSING when absent,
 * JWTSAFE_ERR_CLAIM_TYPE otherwise (a string, 1.5, 1e400, negative, 2^63).
 */
#define JWTSAFE_JSON_TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */
int jwtsafe_json_get_time(const cJSON *obj, const char *name, int64_t *out,
    struct jwtsafe_error *err) __attribute__((warn_unused_result));

#endif /* JWTSAFE_JSON_H */
