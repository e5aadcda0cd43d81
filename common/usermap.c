/*
 * The subject map: the accounts file parser (accounts.c) in STRICT mode.
 * See usermap.h for the format; jwtsafe_username_valid is in accounts.c,
 * which the NSS module links without this file.
 */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "usermap.h"
#include "verifier.h"

_Static_assert(JWTSAFE_ACCOUNT_SUB_MAX == JWTSAFE_SUB_MAX,
    "subjects in the map and in tokens have the same limit");
_Static_assert(JWTSAFE_ACCOUNTS_MAX_SIZE == JWTSAFE_USERMAP_MAX_SIZE &&
    JWTSAFE_ACCOUNTS_LINE_MAX == JWTSAFE_USERMAP_LINE_MAX,
    "a map file is an accounts file");
_Static_assert(sizeof(uid_t) == sizeof(uint32_t), "uids are 32 bits");

struct jwtsafe_usermap {
	struct jwtsafe_accounts *a;
};

static int
wrap(struct jwtsafe_accounts *a, struct jwtsafe_usermap **out,
    struct jwtsafe_error *err)
{
	struct jwtsafe_usermap *map;

	if ((map = calloc(1, sizeof(*map))) == NULL) {
		jwtsafe_accounts_free(a);
		return jwtsafe_err_set(err, JWTSAFE_ERR_ALLOC, "map");
	}
	map->a = a;
	*out = map;
	return 0;
}

int
jwtsafe_usermap_parse(const char *buf, size_t len, const char *name,
    struct jwtsafe_usermap **out, struct jwtsafe_error *err)
{
	struct jwtsafe_accounts *a = NULL;
	int r;

	if (out != NULL)
		*out = NULL;
	if (buf == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	if (name == NULL)
		name = "map";
	if ((r = jwtsafe_accounts_parse(buf, len, name,
	    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, err)) != 0)
		return r;
	return wrap(a, out, err);
}

int
jwtsafe_usermap_read(const char *path,
    const struct jwtsafe_file_policy *policy, struct jwtsafe_usermap **out,
    struct jwtsafe_error *err)
{
	struct jwtsafe_file_policy p;
	struct jwtsafe_accounts *a = NULL;
	int r;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || policy == NULL || out == NULL)
		return jwtsafe_err_set(err, JWTSAFE_ERR_INVALID_ARGUMENT,
		    "missing argument");
	p = *policy;
	if (p.max_size == 0)
		p.max_size = JWTSAFE_USERMAP_MAX_SIZE;
	if ((r = jwtsafe_accounts_read(path, &p, JWTSAFE_ACCOUNTS_STRICT,
	    NULL, NULL, &a, err)) != 0)
		return r;
	return wrap(a, out, err);
}

int
jwtsafe_usermap_allows(const struct jwtsafe_usermap *map, const char *sub,
    const char *user)
{
	return map != NULL && jwtsafe_accounts_allows(map->a, sub, user);
}

int
jwtsafe_usermap_allows_uid(const struct jwtsafe_usermap *map,
    const char *sub, const char *user, uid_t uid)
{
	return map != NULL &&
	    jwtsafe_accounts_allows_uid(map->a, sub, user, (uint32_t)uid);
}

size_t
jwtsafe_usermap_count(const struct jwtsafe_usermap *map)
{
	return map == NULL ? 0 : jwtsafe_accounts_subject_count(map->a);
}

void
jwtsafe_usermap_free(struct jwtsafe_usermap *map)
{
	if (map == NULL)
		return;
	jwtsafe_accounts_free(map->a);
	free(map);
}
