#!/bin/sh
# `make distcheck` in a configured build directory: the tarball holds
# everything needed to build, test, install and uninstall (man pages
# included) from a read-only source tree. One TAP line.
#
# Environment: top_builddir (a configured build; default: the current
# directory). Run by scripts/test.
set -u
dir=${top_builddir:-.}
echo "1..1"
log=$(mktemp "${TMPDIR:-/tmp}/jwtsafe-distcheck.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT
if (cd "$dir" && make -s -j"$(nproc 2>/dev/null || echo 2)" distcheck) >"$log" 2>&1; then
	echo "ok 1 - make distcheck"
else
	echo "not ok 1 - make distcheck"
	tail -n 60 "$log" | sed 's/^/# /'
	exit 1
fi
