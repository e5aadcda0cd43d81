#!/bin/sh
# The PAM-level tests once under valgrind memcheck (issue 4): the real
# module through libpam, in tests/pam/test_pam and tests/faults/test_faults.
#
# One TAP line per program: ok when the program's own TAP passed under
# valgrind AND every process it ran (forked children included: they run
# the module too) ended with 0 errors and 0 bytes definitely lost, as read
# from valgrind's summaries. "1..0 # SKIP" without valgrind.
#
# Environment: top_srcdir (for valgrind.supp; default: this script's tree)
# and top_builddir (a normal, non-sanitizer build where `make check` has
# built the programs; default: the current directory).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
given=${top_builddir:-.}
if ! top_builddir=$(cd "$given" 2>/dev/null && pwd); then
	echo "Bail out! no build directory: $given"
	exit 1
fi
supp="$top_srcdir/tests/faults/valgrind.supp"
programs="tests/pam/test_pam tests/faults/test_faults"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed"
	exit 0
fi
if [ -n "${JWTSAFE_SANITIZERS:-}" ]; then
	echo "1..0 # SKIP a sanitizer build cannot run under valgrind"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/jwtsafe-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

count=0
for prog in $programs; do count=$((count + 1)); done
echo "1..$count"
n=0
status=0
for prog in $programs; do
	n=$((n + 1))
	name=$(basename "$prog")
	bin="$top_builddir/$prog"
	out="$work/$name"
	mkdir "$out"
	if [ ! -x "$bin" ]; then
		echo "not ok $n - $prog under valgrind memcheck"
		echo "# $bin is not built (run make check in $top_builddir)"
		status=1
		continue
	fi
	# A libtool wrapper script runs the real binary only through
	# libtool --mode=execute; a real executable runs as it is.
	run=
	if [ "$(head -c 2 "$bin")" = "#!" ]; then
		run="$top_builddir/libtool --mode=execute"
	fi

	start=$(date +%s)
	(cd "$top_builddir" && $run valgrind --tool=memcheck \
	    --leak-check=full --errors-for-leak-kinds=definite \
	    --error-exitcode=99 --track-fds=no --suppressions="$supp" \
	    --log-file="$out/vg.%p.log" "$bin") >"$out/tap" 2>"$out/stderr"
	rc=$?
	secs=$(($(date +%s) - start))

	# The program's own TAP: a plan, as many results, none failed.
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out/tap" | head -n 1)
	total=$(grep -cE '^(not )?ok ' "$out/tap")
	failed=$(grep -c '^not ok' "$out/tap")
	tap_ok=0
	if [ "$rc" -eq 0 ] && [ -n "$plan" ] && [ "$total" -eq "$plan" ] &&
	    [ "$failed" -eq 0 ] && ! grep -q '^Bail out' "$out/tap"; then
		tap_ok=1
	fi

	# valgrind's summaries, one log per process (%p).
	read -r procs summaries errs lost supp_n <<EOF
$(awk '
		FNR == 1 { procs++ }
		/ERROR SUMMARY:/ {
			s = $0; sub(/.*ERROR SUMMARY: /, "", s)
			sub(/ errors.*/, "", s); gsub(/,/, "", s)
			errs += s; summaries++
			s = $0; sub(/.*suppressed: /, "", s)
			sub(/ from.*/, "", s); gsub(/,/, "", s)
			supp += s
		}
		/definitely lost:/ {
			s = $0; sub(/.*definitely lost: /, "", s)
			sub(/ bytes.*/, "", s); gsub(/,/, "", s)
			lost += s
		}
		END { printf "%d %d %d %d %d\n", procs, summaries, errs, lost, supp }
	' "$out"/vg.*.log 2>/dev/null)
EOF
	procs=${procs:-0} summaries=${summaries:-0} errs=${errs:-0}
	lost=${lost:-0} supp_n=${supp_n:-0}

	if [ "$tap_ok" = 1 ] && [ "$procs" -gt 0 ] &&
	    [ "$summaries" -eq "$procs" ] && [ "$errs" -eq 0 ] &&
	    [ "$lost" -eq 0 ]; then
		echo "ok $n - $prog under valgrind memcheck"
	else
		echo "not ok $n - $prog under valgrind memcheck"
		status=1
	fi
	echo "# $name: TAP ${total}/${plan:-?} results, $failed failed, exit $rc;" \
	    "valgrind: $procs processes, $errs errors, $lost bytes definitely" \
	    "lost, $supp_n suppressed; ${secs}s"
	[ "$summaries" -eq "$procs" ] ||
	    echo "# $((procs - summaries)) process(es) ended without a valgrind summary"
	if [ "$tap_ok" != 1 ]; then
		grep -E '^not ok|^Bail out' "$out/tap" | head -n 20 | sed 's/^/#   /'
		grep -A2 '^not ok' "$out/tap" | grep '^#' | head -n 20 |
		    sed 's/^/#   /'
		head -n 5 "$out/stderr" | sed 's/^/#   /'
	fi
	if [ "$errs" -ne 0 ] || [ "$lost" -ne 0 ]; then
		grep -lE 'ERROR SUMMARY: [1-9]' "$out"/vg.*.log |
		while read -r f; do
			sed -n '/^==[0-9]*== [A-Z0-9].*\(lost\|Invalid\|uninitialised\|unaddressable\|Mismatched\|Syscall\|overlap\|free\)/,/^==[0-9]*== $/p' \
			    "$f" | head -n 40 | sed 's/^/#   /'
		done
	fi
done
exit $status
