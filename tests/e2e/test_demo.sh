#!/bin/sh
# The README's main job (scripts/demo) as a test: demo.sh must finish with
# every one of its checks passed. TAP output.
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP the demo needs root (a private mount namespace)"; exit 0
fi
if [ "${JWTSAFE_SANITIZERS:-0}" = 1 ]; then
	echo "1..0 # SKIP pamtester cannot load a sanitizer-built module"; exit 0
fi
out=$(bash "$here/demo.sh" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
echo "1..2"
[ "$rc" -eq 0 ] && echo "ok 1 - demo.sh exits 0" || echo "not ok 1 - demo.sh exited $rc"
printf '%s\n' "$out" | grep -q '^All [0-9]* checks passed' \
	&& echo "ok 2 - demo.sh reports all checks passed" \
	|| echo "not ok 2 - demo.sh did not report all checks passed"
