/*
 * A test-only PAM module standing in for "an earlier module that set
 * PAM_AUTHTOK" (as pam_unix does), which applications cannot do
 * themselves: it copies the PAM environment variable JWTSAFE_TEST_AUTHTOK,
 * when the test sets it, into PAM_AUTHTOK, and then steps aside.
 */
#include <stddef.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	const char *tok = pam_getenv(pamh, "JWTSAFE_TEST_AUTHTOK");

	(void)flags;
	(void)argc;
	(void)argv;
	if (tok != NULL && pam_set_item(pamh, PAM_AUTHTOK, tok) != PAM_SUCCESS)
		return PAM_SYSTEM_ERR;
	return PAM_IGNORE;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}
