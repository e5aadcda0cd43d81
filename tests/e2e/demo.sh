#!/bin/bash
# The jwtsafe demo: a token minted with `jwtsafe sign` and accepted through
# a real PAM stack (pamtester, libpam, pam_jwtsafe.so), a tampered copy and a
# replayed token refused, in a private mount namespace over a copy of /etc,
# so the machine's /etc, users and logs are left exactly as they were (the
# script checks that at the end). Prints what it does for a reader and exits
# non-zero on any unexpected outcome.
#
# Run from a build dir: top_builddir=$PWD top_srcdir=/path/to/src \
#     /path/to/src/tests/e2e/demo.sh
# Needs root, unshare, pamtester, python3. JWTSAFE_E2E_ALG picks the
# algorithm (default EdDSA; ES256, ES384, PS256, HS256, HS384).

SB_STYLE=demo
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
. "$here/common.sh"

sb_need_cmd pamtester
sb_need_module
sb_need_cli
sb_banner() {
	cat <<EOF
jwtsafe demo: a short-lived signed token instead of a password, through PAM
===========================================================================
module:  $PAM_JWTSAFE
command: $JWTSAFE

Everything below runs in a private mount namespace where /etc is a copy
(users, /etc/pam.d) and /dev/log is the demo's own log collector.
EOF
}
sb_enter 10 "$@"

# ---------------------------------------------------------------- inside --
U=alice
AUD=demo.$(hostname 2>/dev/null || echo host)
SVC=jwtsafe-demo
K=$SB_TMP/keys
E2E_ISS=https://issuer.demo.example

step() { printf '\n%s\n' "$*"; }
cmd() { printf '    $ %s\n' "$*"; }
indent() { sed 's/^/    /'; }

# show_token TOKEN: its decoded header and payload (the signature is bytes)
show_token() {
	"$SB_PYTHON" - "$1" <<'EOF'
import base64, json, sys
tok = sys.argv[1]
h, p, s = tok.split(".")
dec = lambda x: json.loads(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
print("    token:   %s...%s (%d bytes)" % (tok[:24], tok[-8:], len(tok)))
print("    header:  " + json.dumps(dec(h)))
print("    payload: " + json.dumps(dec(p)))
EOF
}

# authenticate TOKEN: pamtester SVC U authenticate, the token on stdin
authenticate() {
	printf '%s\n' "$1" |
	    timeout -k 5 30 pamtester -v "$SVC" "$U" authenticate \
	    >"$SB_TMP/pamtester.out" 2>&1
	local rc=$?
	sed 's/Token: /Token: (read from stdin)\n/' "$SB_TMP/pamtester.out" | indent
	return $rc
}

step "1. The issuer's key pair ($E2E_ALG)"
cmd "jwtsafe keygen --alg $E2E_ALG --kid e2e-1 --out issuer.secret"
case $E2E_ALG in
HS*) ;;
*) cmd "jwtsafe pubkey issuer.secret > issuer.pub   # all the server needs" ;;
esac
sb_check "key pair made" e2e_keys "$K" || exit 1
case $E2E_ALG in
HS*) ;;
*) sed 's/^/    /' "$E2E_VERIFYKEYS" ;;
esac

step "2. A PAM service that asks for a token instead of a password"
sb_add_user "$U" >/dev/null 2>&1
{
	e2e_pam_auth "$AUD"
	echo "account required pam_unix.so"
} >"/etc/pam.d/$SVC"
cmd "cat /etc/pam.d/$SVC      # in the sandbox's copy of /etc"
indent <"/etc/pam.d/$SVC"
sb_check "user $U and /etc/pam.d/$SVC exist (in the sandbox only)" \
    getent passwd "$U" >/dev/null || exit 1

step "3. The issuer mints a token for $U, valid for 60 seconds"
cmd "jwtsafe sign --key issuer.secret --iss $E2E_ISS --aud $AUD --sub $U"
tok=$(e2e_mint "$U" "$AUD")
if [ -n "$tok" ]; then
	sb_ok "token minted"
	show_token "$tok"
else
	sb_fail "token minted"
	sb_diag "$(cat "$SB_TMP/sign.err")"
	exit 1
fi

step "4. $U logs in through PAM with the token"
cmd "echo \"\$TOKEN\" | pamtester -v $SVC $U authenticate"
n=$(sb_log_count)
authenticate "$tok"
sb_result $? "the token is accepted"
e2e_check_decision "$n" "$SVC" accepted ok "one log line: result=accepted" "$tok" "$U"

step "5. A tampered copy: one character of the signature changed"
bad=$(e2e_tamper_sig "$(e2e_mint "$U" "$AUD")")
cmd "echo \"\$TAMPERED\" | pamtester -v $SVC $U authenticate"
n=$(sb_log_count)
authenticate "$bad"
[ $? -ne 0 ]
sb_result $? "the tampered token is refused"
e2e_check_decision "$n" "$SVC" refused bad-signature "one log line: reason=bad-signature" "$bad" "$U"

step "6. The first token once more: a token works once"
cmd "echo \"\$TOKEN\" | pamtester -v $SVC $U authenticate"
n=$(sb_log_count)
authenticate "$tok"
[ $? -ne 0 ]
sb_result $? "the replayed token is refused"
e2e_check_decision "$n" "$SVC" refused replay "one log line: reason=replay" "$tok" "$U"

step "7. What pam_jwtsafe logged (syslog, collected in the sandbox)"
sb_log_sync
grep -F "pam_jwtsafe($SVC:" "$SB_LOG" | sed 's/^<[0-9]*>//' | indent
e2e_check_secrets "no token or key bytes in the log" "$SB_LOG"

step "8. Leaving the sandbox: the machine's own state is checked"
sb_done
