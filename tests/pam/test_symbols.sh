#!/bin/sh
# The built module exports the PAM entry points and nothing else: no
# jwtsafe_* (or any other) function a caller or another module could reach.
# TAP output. Needs nm (binutils); skipped without it.
set -u
top_builddir=${top_builddir:-.}
so="$top_builddir/pam_jwtsafe/.libs/pam_jwtsafe.so"

if ! command -v nm >/dev/null 2>&1; then
	echo "1..0 # SKIP nm not found"
	exit 0
fi
if [ ! -f "$so" ]; then
	echo "Bail out! module not built: $so"
	exit 1
fi

n=0
fail=0
check() {  # check COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

# Defined dynamic symbols: "ADDR TYPE NAME"; keep the functions and data.
syms=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TtDdBbRrVvWwiu]$/ { print $3 }' | sed 's/@.*//' | sort -u)

echo "$syms" | grep -qx 'pam_sm_authenticate'
check $? "exports pam_sm_authenticate"
echo "$syms" | grep -qx 'pam_sm_setcred'
check $? "exports pam_sm_setcred"
others=$(echo "$syms" | grep -v '^pam_sm_' | grep -v '^$' || true)
[ -z "$others" ]
check $? "exports nothing but pam_sm_* (found: $(echo $others))"
echo "$syms" | grep -q '^jwtsafe_'
[ $? -ne 0 ]
check $? "exports no jwtsafe_* symbol"
# The module must not carry unresolved jwtsafe_* references either: the core
# is linked in, not expected from the host process.
nm -D --undefined-only "$so" | grep -q 'jwtsafe_'
[ $? -ne 0 ]
check $? "needs no jwtsafe_* symbol from outside"

echo "1..$n"
exit $fail
