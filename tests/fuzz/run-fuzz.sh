#!/bin/sh
# Run libFuzzer targets of a fuzzing build, each for a fixed time on a copy
# of its seed corpus, and print TAP: one "ok"/"not ok" per target with the
# exec count. "not ok" on any crash, leak, sanitizer report, timeout,
# out-of-memory or non-zero exit; the reproducer is left in the work
# directory and named in the output.
#
#   run-fuzz.sh [-s SECONDS] [-j JOBS] [-w WORKDIR] [-f] SRCDIR BUILDDIR TARGET...
#
#   SRCDIR    tests/fuzz of the source tree (corpus/, dict/)
#   BUILDDIR  tests/fuzz of the fuzzing build (the target programs)
#   -s        seconds per target (default 300)
#   -j        targets run at once (default 1)
#   -w        work directory (default BUILDDIR/work); WORKDIR/TARGET/corpus
#             starts as a copy of the seeds and keeps what the fuzzer finds
#   -f        start each corpus afresh instead of adding to the last one
#
# Exits 0 when every target is ok, 1 otherwise, 2 on bad usage.
set -u

seconds=300
jobs=1
work=""
fresh=0
while getopts s:j:w:f opt; do
	case $opt in
	s) seconds=$OPTARG ;;
	j) jobs=$OPTARG ;;
	w) work=$OPTARG ;;
	f) fresh=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 3 ]; then
	echo "usage: $0 [-s SECONDS] [-j JOBS] [-w WORKDIR] [-f] SRCDIR BUILDDIR TARGET..." >&2
	exit 2
fi
case $seconds$jobs in *[!0-9]*)
	echo "$0: -s and -j take whole numbers" >&2; exit 2 ;;
esac
srcdir=$(cd "$1" && pwd) || exit 2
bindir=$(cd "$2" && pwd) || exit 2
shift 2
[ -n "$work" ] || work=$bindir/work
mkdir -p "$work" && work=$(cd "$work" && pwd) || exit 2
[ "$jobs" -ge 1 ] || jobs=1

# Input size limits: a little over what each parser accepts, so that the
# "too long" refusals are reached too.
max_len() {
	case $1 in
	fuzz_token) echo 9000 ;;       # JWTSAFE_TOKEN_MAX 8192
	fuzz_keyfile) echo 12000 ;;    # JWTSAFE_KEYLINE_MAX 8192
	fuzz_usermap) echo 8192 ;;     # JWTSAFE_USERMAP_LINE_MAX 4096
	fuzz_options) echo 8192 ;;     # JWTSAFE_OPT_ARG_MAX 2048
	*) echo 4096 ;;
	esac
}

# Report lines in the log that mean failure even when the exit status is 0.
bad_log() {
	grep -E -m 5 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|==[0-9]+== *ERROR|deadly signal|invariant failed|ALARM: working on the last Unit|out-of-memory' "$1"
}

# run_one TARGET: fuzz it; leave "STATUS EXECS RC DETAIL" in WORK/TARGET.result
run_one() {
	t=$1
	dir=$work/$t
	log=$dir.log
	[ "$fresh" = 1 ] && rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	touch "$dir/started"    # reproducers of earlier runs are kept, not counted
	if [ -d "$srcdir/corpus/$t" ]; then
		cp "$srcdir/corpus/$t"/* "$dir/corpus/" 2>/dev/null
	fi
	seeds=$(find "$dir/corpus" -type f | wc -l)
	dict=""
	[ -f "$srcdir/dict/$t.dict" ] && dict="-dict=$srcdir/dict/$t.dict"
	began=$(date +%s)
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	timeout -k 10 $((seconds + 120)) "$bindir/$t" \
	    -max_total_time="$seconds" -max_len="$(max_len "$t")" \
	    -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$dir/artifacts/" $dict "$dir/corpus" \
	    >"$log" 2>&1
	rc=$?
	elapsed=$(($(date +%s) - began))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(grep -o '#[0-9]*' "$log" | tail -n 1 | tr -d '#')
	[ -n "$execs" ] || execs=0
	found=$(find "$dir/corpus" -type f | wc -l)
	artifact=$(find "$dir/artifacts" -type f -newer "$dir/started" \
	    2>/dev/null | head -n 1)
	status=ok
	detail="$elapsed s, $execs execs, corpus $seeds -> $found"
	if [ "$rc" -ne 0 ] || [ -n "$artifact" ] || bad_log "$log" >/dev/null; then
		status="not ok"
		[ "$rc" = 124 ] && detail="$detail; killed by the outer timeout"
		[ -n "$artifact" ] && detail="$detail; reproducer $artifact"
	fi
	printf '%s|%s|%s|%s|%s\n' "$status" "$execs" "$rc" "$elapsed" \
	    "$detail" >"$dir.result"
}

pids=""
running=0
for t in "$@"; do
	if [ ! -x "$bindir/$t" ]; then
		printf 'not ok|0|127|0|%s\n' "no program $bindir/$t" \
		    >"$work/$t.result"
		continue
	fi
	run_one "$t" &
	pids="$pids $!"
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		first=${pids# }
		first=${first%% *}
		wait "$first"
		pids=${pids#* "$first"}
		running=$((running - 1))
	fi
done
wait

echo "1..$#"
n=0
fail=0
for t in "$@"; do
	n=$((n + 1))
	IFS='|' read -r status execs rc elapsed detail <"$work/$t.result"
	echo "$status $n - $t: $detail (exit $rc)"
	echo "# $t: $execs execs in $elapsed s; log $work/$t.log"
	if [ "$status" != ok ]; then
		fail=1
		[ -f "$work/$t.log" ] || continue
		if bad_log "$work/$t.log" >/dev/null; then
			bad_log "$work/$t.log" | sed 's/^/#   /'
		else
			tail -n 5 "$work/$t.log" | sed 's/^/#   /'
		fi
		# The first frames of the report, for the record.
		grep -E -m 12 '^ *#[0-9]+ 0x' "$work/$t.log" | sed 's/^/#   /'
	fi
done
exit $fail
