#!/bin/sh
# A short fuzzing run of every libFuzzer target, for the README's test
# command (scripts/test). Prints TAP: one "ok"/"not ok" per target with its
# exec count; "not ok" on any crash, leak, sanitizer report or non-zero
# exit. "1..0 # SKIP" when clang or libFuzzer is not available. Always
# exits 0: the TAP carries the result.
#
# Environment:
#   top_srcdir           the source tree (default: two levels up from here)
#   FUZZ_SMOKE_SECONDS   seconds per target (default 25)
#   FUZZ_SMOKE_JOBS      targets run at once (default: 2, or 1 on one CPU)
#
# It builds its own fuzzing build in $top_srcdir/_build/fuzz (configure
# --enable-fuzzing CC=clang), reusing it when it is already configured so.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
seconds=${FUZZ_SMOKE_SECONDS:-25}
targets="fuzz_token fuzz_keyfile fuzz_usermap fuzz_options"
build=$top_srcdir/_build/fuzz
jobs=${FUZZ_SMOKE_JOBS:-}
if [ -z "$jobs" ]; then
	jobs=$(nproc 2>/dev/null || echo 1)
	[ "$jobs" -gt 2 ] && jobs=2
fi

skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

# Every target "not ok" with the reason and the end of a log.
fail_all() {
	reason=$1 log=$2
	n=0
	# shellcheck disable=SC2086
	set -- $targets
	echo "1..$#"
	for t in $targets; do
		n=$((n + 1))
		echo "not ok $n - $t: $reason"
	done
	[ -f "$log" ] && tail -n 30 "$log" | sed 's/^/# /'
	exit 0
}

command -v clang >/dev/null 2>&1 || skip "clang not found"
command -v timeout >/dev/null 2>&1 || skip "timeout(1) not found"
[ -x "$top_srcdir/configure" ] || skip "no configure script in $top_srcdir (run ./autogen.sh)"

# libFuzzer and the sanitizer runtimes (libclang-rt-14-dev on Debian).
probe=$(mktemp -d) || skip "mktemp failed"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
    >"$probe/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$probe/probe" \
    "$probe/probe.c" >/dev/null 2>&1; then
	rm -rf "$probe"
	skip "clang cannot link libFuzzer with ASan and UBSan (libclang-rt-14-dev missing?)"
fi
rm -rf "$probe"

start=$(date +%s)
mkdir -p "$build" || fail_all "cannot make $build" /dev/null
log=$build.build.log
if ! [ -f "$build/config.status" ] ||
    ! "$build/config.status" --config 2>/dev/null | grep -q -- --enable-fuzzing; then
	rm -rf "$build"
	mkdir -p "$build"
	(cd "$build" && "$top_srcdir/configure" -q --enable-fuzzing CC=clang) \
	    >"$log" 2>&1 || fail_all "configure --enable-fuzzing failed" "$log"
fi
programs=""
for t in $targets; do
	programs="$programs tests/fuzz/$t"
done
# shellcheck disable=SC2086
(cd "$build" && make -s -j"$jobs" $programs) >>"$log" 2>&1 ||
	fail_all "building the fuzzers failed" "$log"
built=$(date +%s)

# shellcheck disable=SC2086
sh "$here/run-fuzz.sh" -s "$seconds" -j "$jobs" -f -w "$build/tests/fuzz/smoke" \
    "$here" "$build/tests/fuzz" $targets
echo "# fuzz smoke: build $((built - start)) s, fuzzing $(($(date +%s) - built)) s, $seconds s per target, $jobs at once"
exit 0
