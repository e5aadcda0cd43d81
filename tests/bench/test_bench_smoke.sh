#!/bin/sh
# The benchmark's smoke test (make check): jwtsafe-bench --quick runs to the
# end and prints every table complete. It asserts no timing: how fast
# jwtsafe is, is what `make bench` shows, never a pass/fail test.
#
# Environment: top_builddir (automake exports it; default: the current
# directory).
set -u

builddir=${top_builddir:-.}
bench=$builddir/tests/bench/jwtsafe-bench

echo "1..11"
if [ ! -x "$bench" ]; then
	echo "Bail out! $bench is not built"
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/jwtsafe-bench-smoke.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
out=$work/out.md

n=0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}

"$bench" --quick >"$out" 2>"$work/err"
st=$?
result $st "jwtsafe-bench --quick exits 0"
if [ "$st" -ne 0 ]; then
	sed 's/^/# /' "$work/err" | tail -20
fi

[ "$(tail -n 1 "$out")" = "End of the benchmark." ]
result $? "it runs to the end"

missing=
for h in "# jwtsafe benchmark" "## Core verification" \
    "## A full PAM transaction" "## Replay store" "## Key file size" \
    "## Instructions per verification" "## Targets"; do
	grep -q "^$h" "$out" || missing="$missing [$h]"
done
[ -z "$missing" ]
result $? "every section is there${missing:+ (missing:$missing)}"

for f in "- date:" "- CPU:" "- kernel:" "- libraries:"; do
	grep -q -e "^$f" "$out" || missing="$missing [$f]"
done
[ -z "$missing" ]
result $? "the machine is described${missing:+ (missing:$missing)}"

# Every row of every table has as many cells as its header.
awk -F'|' '
	/^\|/ { if (!intable) { cols = NF; intable = 1 } else if (NF != cols) bad++; next }
	{ intable = 0 }
	END { exit bad > 0 }' "$out"
result $? "every table row is complete"

# A measured cell: "12.3 us [11.9 us .. 14.0 us]"
t='[0-9][0-9.]* [num]*s \[[0-9][0-9.]* [num]*s \.\. [0-9][0-9.]* [num]*s\]'

# rows: section text, then for each row label, the number of measured
# cells it must have
rows_ok() {
	# $1: section heading, $2: cells wanted per row, rest: row labels
	sect=$1 want=$2
	shift 2
	for label in "$@"; do
		line=$(sed -n "/^$sect/,/^## /p" "$out" | grep -F "| $label |" | head -n 1)
		got=$(printf '%s\n' "$line" | grep -o "$t" | wc -l)
		if [ "$got" -lt "$want" ]; then
			echo "# $label: $got measured cell(s), want $want: $line"
			return 1
		fi
	done
	return 0
}

rows_ok "## Core verification" 2 EdDSA ES256 ES384 PS256 HS256 HS384
result $? "core: jwtsafe and the raw primitive measured for all six algorithms"

libjwt_cells=$(sed -n '/^## Core verification/,/^## /p' "$out" |
    grep -E '^\| (ES256|ES384|HS256|HS384) \|' | grep -c "$t.*$t.*$t")
libjwt_na=$(sed -n '/^## Core verification/,/^## /p' "$out" |
    grep -E '^\| (EdDSA|PS256) \|' | grep -c 'n/a (unsupported)')
[ "$libjwt_na" -eq 2 ] && { [ "$libjwt_cells" -eq 4 ] || [ "$libjwt_cells" -eq 0 ]; }
result $? "core: libjwt measured on the four algorithms it has, or on none (built without it); n/a for EdDSA and PS256"

if [ "$(id -u)" = 0 ] && grep -q '^| pam_permit | [0-9]' "$out"; then
	rows_ok "## A full PAM transaction" 2 "pam_permit" \
	    "pam_jwtsafe EdDSA, replay store off" \
	    "pam_jwtsafe EdDSA, replay store on"
	result $? "pam: pam_permit and pam_jwtsafe measured in a loop and in fresh processes"
	grep -q '^- pam: \([0-9]*\) pam_jwtsafe transactions, \1 decision lines "accepted", 0 "refused"' "$out"
	result $? "pam: every pam_jwtsafe transaction was logged as accepted"
else
	reason=$(sed -n '/^## A full PAM transaction/,/^## /p' "$out" | grep '^n/a' | head -n 1)
	echo "ok $((n + 1)) - pam rows # SKIP ${reason:-not root}"
	echo "ok $((n + 2)) - pam decision lines # SKIP ${reason:-not root}"
	n=$((n + 2))
fi

rows_ok "## Replay store" 1 0 100 1000 && rows_ok "## Key file size" 2 EdDSA ES256 PS256
result $? "replay store and key file rows measured"

sed -n '/^## Targets/,/^## /p' "$out" | grep '^| ' | grep -v '^| target |' |
    awk -F'|' '{ r = $5; gsub(/ /, "", r); if (r != "met" && r != "MISSED" && r != "n/a") bad++; n++ }
	END { exit (n < 10 || bad > 0) }'
result $? "every target row says met, MISSED or n/a"
