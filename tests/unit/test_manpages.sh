#!/bin/sh
# The man pages and the example configuration, checked against the code:
#  - every page renders without a warning (groff -ww; mandoc -Tlint when
#    installed), is plain ASCII, and its .TH names the file;
#  - every option in common/options.c's table has an entry in
#    pam_jwtsafe.8 (a flag as a flag, a value option with its value), and
#    every entry there is a real option; defaults and ranges match the code;
#  - every command of tools/jwtsafe.c has a subsection in jwtsafe.1 with an
#    entry for each of its long options, and nothing more;
#  - etc/users.map.example and the map examples in jwtsafe-map.5 load with
#    the real parser (jwtsafe_usermap_read) and mean what they say; the
#    lines that page calls refused are refused;
#  - the module lines of etc/pam.d-*.example and of the man pages parse with
#    the real option parser (jwtsafe_options_parse).
# The last two build a small program in $TMPDIR against the build tree's
# libjwtsafe (.libs/libjwtsafe.a); they are skipped when it is not built.
# The pages keep these conventions for the checks: an option is a .TP entry
# whose tag is ".B NAME" (a flag) or ".BI NAME= VALUE" / ".BI --NAME \" V\""
# (a value); jwtsafe.1 has one '.SS "jwtsafe COMMAND"' per command.
# TAP output.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
man="$srcdir/man"
pages="pam_jwtsafe.8 jwtsafe.1 jwtsafe-keys.5 jwtsafe-map.5 jwtsafe-accounts.5 nss_jwtsafe.8"

n=0; failed=0
ok()   { n=$((n+1)); echo "ok $n - $*"; }
nok()  { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $*"; }
skip() { n=$((n+1)); echo "ok $n # SKIP $*"; }
diag() { sed 's/^/#   /' "$@"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jwtsafe-man.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
chmod 700 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM

# The page source with roff escapes that only affect typesetting removed,
# so that option names can be matched as written.
plain() {
	sed -e 's/\\%//g' -e 's/\\&//g' -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' \
	    -e 's/\\(dq/"/g' -e 's/\\e/\\/g' -e 's/\\ / /g' "$1"
}

# ---- rendering ---------------------------------------------------------------
for p in $pages; do
	f="$man/$p"
	if [ ! -f "$f" ]; then nok "$p exists"; continue; fi
	if LC_ALL=C grep -q '[^ -~	]' "$f"; then
		nok "$p is plain ASCII"; LC_ALL=C grep -n '[^ -~	]' "$f" | head -3 | sed 's/^/#   /'
	else ok "$p is plain ASCII"; fi
	name=${p%.*}; sect=${p##*.}
	want=$(printf '%s' "$name" | tr 'a-z' 'A-Z' | sed 's/-/\\\\-/g')
	if grep -q "^\.TH $want $sect " "$f"; then ok "$p: .TH names $name($sect)"
	else nok "$p: .TH does not name $name($sect)"; grep '^\.TH' "$f" | diag; fi
	if command -v groff >/dev/null 2>&1; then
		if groff -man -Tutf8 -ww -z "$f" >"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ]; then
			ok "$p renders with groff -man -ww without a warning"
		else nok "$p: groff -ww warns"; diag "$tmp/out"; fi
		groff -man -Tascii -P-cbou "$f" >"$tmp/txt" 2>/dev/null
		if grep -q "^ *$name  *-  *[^ ]" "$tmp/txt" && grep -q '^SEE ALSO' "$tmp/txt"; then
			ok "$p renders to text with a NAME line \"$name - ...\" and SEE ALSO"
		else nok "$p: no NAME line \"$name - ...\" or no SEE ALSO in the text"; head -8 "$tmp/txt" | diag; fi
	else
		skip "groff not installed: $p not rendered"
		skip "groff not installed"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		if mandoc -Tlint -W warning "$f" >"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ]; then
			ok "$p passes mandoc -Tlint"
		else nok "$p: mandoc -Tlint"; diag "$tmp/out"; fi
	else
		skip "mandoc not installed: $p not linted"
	fi
done

# ---- pam_jwtsafe.8 against common/options.c --------------------------------------
opts_c="$srcdir/common/options.c"
# Table rows: { "name", OPT_ID, KIND_X, maxlen, min, max },
sed -n 's/^[[:space:]]*{[[:space:]]*"\([a-z_]*\)",[[:space:]]*OPT_[A-Z_]*,[[:space:]]*\(KIND_[A-Z]*\),[[:space:]]*\([A-Z0-9_]*\),[[:space:]]*\([A-Z0-9_]*\),[[:space:]]*\([A-Z0-9_]*\)[[:space:]]*}.*/\1 \2 \4 \5/p' \
	"$opts_c" >"$tmp/optrows"
nrows=$(wc -l <"$tmp/optrows")
# enum opt_id lists each option with a comma; OPT_COUNT, last, has none.
nenum=$(sed -n '/^enum opt_id {/,/^};/p' "$opts_c" | grep -c '^[[:space:]]*OPT_[A-Z_]*\( = 0\)\{0,1\},')
if [ "$nrows" -gt 0 ] && [ "$nrows" -eq "$nenum" ]; then
	ok "read all $nrows options from the option table of common/options.c"
else nok "read $nrows option table rows, but enum opt_id has $nenum options"; fi

# Tagged entries of the OPTIONS section: "NAME FLAG" or "NAME VALUE".
plain "$man/pam_jwtsafe.8" | awk '
	/^\.SH / { insec = ($0 ~ /^\.SH OPTIONS/) ; next }
	insec && prev == ".TP" && /^\.BI? / {
		arg = $2
		if ($1 == ".B" && arg !~ /=$/) print arg, "FLAG"
		else { sub(/=$/, "", arg); print arg, "VALUE" }
	}
	{ prev = $0 }' >"$tmp/tags8"
while read -r name kind _lo _hi; do
	want=VALUE; [ "$kind" = KIND_FLAG ] && want=FLAG
	got=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/tags8")
	if [ "$got" = "$want" ]; then
		ok "pam_jwtsafe.8 documents $name ($(echo $want | tr A-Z a-z))"
	elif [ -z "$got" ]; then nok "pam_jwtsafe.8 has no OPTIONS entry for $name"
	else nok "pam_jwtsafe.8 documents $name as $got, the parser takes it as $want"; fi
done <"$tmp/optrows"
while read -r name kind; do
	grep -q "^$name " "$tmp/optrows" && continue
	nok "pam_jwtsafe.8 documents an option the parser does not know: $name"
done <"$tmp/tags8"

# The text of the entry for one option, on one line, without macro names.
entry8() {
	plain "$man/pam_jwtsafe.8" | awk -v n="$1" '
		on && /^\.(TP|PP|SH)/ { exit }
		on { sub(/^\.[A-Z]+ /, ""); printf "%s ", $0 }
		prev == ".TP" && ($2 == n || $2 == n "=") { on = 1 }
		{ prev = $0 }'
}
# The value of a numeric #define in the headers.
defval() {
	case $1 in [0-9]*) echo "$1"; return ;; esac
	sed -n "s/^#define $1[[:space:]][[:space:]]*\([0-9][0-9]*\).*/\1/p" "$srcdir"/common/*.h | head -1
}
for o in max_ttl:JWTSAFE_OPT_MAX_TTL_DEFAULT leeway:JWTSAFE_OPT_LEEWAY_DEFAULT; do
	name=${o%%:*}; def=$(defval "${o#*:}")
	set -- $(awk -v n="$name" '$1 == n { print $3, $4 }' "$tmp/optrows")
	lo=$(defval "${1:-x}"); hi=$(defval "${2:-x}")
	e=$(entry8 "$name")
	case $e in
	*"Default $def; range $lo to $hi"*) ok "$name: default $def and range $lo to $hi match the code" ;;
	*) nok "$name: the page does not say \"Default $def; range $lo to $hi\": $e" ;;
	esac
done
typ_def=$(sed -n 's/^#define JWTSAFE_OPT_TYP_DEFAULT[[:space:]]*"\(.*\)".*/\1/p' "$srcdir/common/options.h")
typ_max=$(defval JWTSAFE_TYP_MAX)
e=$(entry8 typ)
case $e in *"Default $typ_def "*"1 to $typ_max "*) ok "typ: default $typ_def and length 1 to $typ_max match the code" ;;
*) nok "typ entry does not match default $typ_def / 1 to $typ_max: $e" ;; esac
rdir=$(sed -n 's/^#define JWTSAFE_REPLAY_DIR_DEFAULT[[:space:]]*"\(.*\)".*/\1/p' "$srcdir/common/options.h")
e=$(entry8 replay)
case $e in *"Default $rdir "*) ok "replay: default $rdir matches the code" ;;
*) nok "replay entry does not name the default $rdir: $e" ;; esac
prompt_def=$(sed -n 's/^#define JWTSAFE_OPT_PROMPT_DEFAULT[[:space:]]*"\(.*\)".*/\1/p' "$srcdir/common/options.h")
e=$(entry8 prompt)
case $e in *"Default "*"$prompt_def"*) ok "prompt: default \"$prompt_def\" matches the code" ;;
*) nok "prompt entry does not name the default \"$prompt_def\": $e" ;; esac
for v in JWTSAFE_OPT_VALUE_MAX:issuer JWTSAFE_OPT_VALUE_MAX:audience JWTSAFE_OPT_PROMPT_MAX:prompt; do
	max=$(defval "${v%%:*}"); name=${v#*:}
	case $(entry8 "$name") in *"1 to $max bytes"*) ok "$name: length 1 to $max bytes matches the code" ;;
	*) nok "$name entry does not say 1 to $max bytes" ;; esac
done
for v in JWTSAFE_OPT_ARGC_MAX:arguments JWTSAFE_OPT_ARG_MAX:bytes JWTSAFE_OPT_PATH_MAX:bytes JWTSAFE_TOKEN_MAX:bytes; do
	max=$(defval "${v%%:*}")
	if plain "$man/pam_jwtsafe.8" | tr '\n' ' ' | grep -q "$max ${v#*:}"; then
		ok "pam_jwtsafe.8 states the limit ${v%%:*} ($max ${v#*:})"
	else nok "pam_jwtsafe.8 does not state ${v%%:*} ($max ${v#*:})"; fi
done
# The PAM results the module returns and the carriers' limits.
for w in PAM_SUCCESS PAM_AUTH_ERR PAM_USER_UNKNOWN PAM_SERVICE_ERR PAM_AUTHINFO_UNAVAIL; do
	grep -q "[^A-Z_]${w}[^A-Z_]" "$srcdir/pam_jwtsafe/pam_jwtsafe.c" || continue
	if plain "$man/pam_jwtsafe.8" | sed -n '/^\.SH RETURN VALUES/,/^\.SH /p' | grep -q "^\.B $w\$"; then
		ok "RETURN VALUES has an entry for $w"
	else nok "RETURN VALUES has no entry for $w"; fi
done
t=$(plain "$man/pam_jwtsafe.8" | tr '\n' ' ')
for s in "1023 bytes" "1024 bytes" "4095 bytes since Linux-PAM 1.5.2" "at 511 bytes" \
    "UsePAM yes" "KbdInteractiveAuthentication yes"; do
	case $t in *"$s"*) ok "pam_jwtsafe.8 says \"$s\"" ;; *) nok "pam_jwtsafe.8 does not say \"$s\"" ;; esac
done
# Every reason a log line can carry is listed.
reasons=$(sed -n 's/.*d\(->\|\.\)reason = "\([a-z-]*\)".*/\2/p' "$srcdir/pam_jwtsafe/pam_jwtsafe.c" | sort -u)
reasons="$reasons $(sed -n 's/^[[:space:]]*{ JWTSAFE_[A-Z_]*, "\([a-z-]*\)",.*/\1/p' "$srcdir/common/err.c" | grep -v '^ok$')"
missing=""
plain "$man/pam_jwtsafe.8" | sed -n '/^Values of/,/^\.SH /p' >"$tmp/reasons8"
for r in $reasons; do
	grep -q "^\.BR\{0,1\} \(.* \)\{0,1\}$r\( \|\$\)" "$tmp/reasons8" || missing="$missing $r"
done
if [ -n "$reasons" ] && [ -z "$missing" ]; then ok "pam_jwtsafe.8 explains every reason name ($(echo $reasons | wc -w))"
else nok "reason names not explained in pam_jwtsafe.8:$missing"; fi

# ---- jwtsafe.1 against tools/jwtsafe.c ---------------------------------------------
cli_c="$srcdir/tools/jwtsafe.c"
# "command option ARG|FLAG" for every long option of every cmd_* function.
awk '
	/^cmd_[a-z]+\(/ { cmd = $0; sub(/^cmd_/, "", cmd); sub(/\(.*/, "", cmd) }
	/^}/ { cmd = "" }
	cmd != "" && /\{ "[a-z-]+", (required|no)_argument/ {
		o = $0; sub(/^[^"]*"/, "", o); sub(/".*/, "", o)
		print cmd, o, ($0 ~ /required_argument/) ? "ARG" : "FLAG"
	}' "$cli_c" >"$tmp/cliopts"
cmds=$(sed -n 's/^[[:space:]]*{ "\([a-z]*\)", cmd_\([a-z]*\) },.*/\1/p' "$cli_c")
if [ -n "$cmds" ] && [ -s "$tmp/cliopts" ]; then
	ok "read $(echo $cmds | wc -w) commands and $(wc -l <"$tmp/cliopts") long options from tools/jwtsafe.c"
else nok "could not read the commands and options of tools/jwtsafe.c"; fi
# "command option ARG|FLAG" for every tagged entry of jwtsafe.1.
plain "$man/jwtsafe.1" | awk '
	/^\.S[SH] / { sec = ""; if ($0 ~ /^\.SS "jwtsafe [a-z]+"/) { sec = $3; sub(/"/, "", sec) } }
	prev == ".TP" && /^\.BI? --/ { print (sec == "" ? "-" : sec), substr($2, 3), ($1 == ".BI") ? "ARG" : "FLAG" }
	prev == ".TP" && /^\.BR --help/ { print "-", "help", "FLAG" }
	{ prev = $0 }' >"$tmp/tags1"
for c in $cmds; do
	if plain "$man/jwtsafe.1" | grep -q "^\.SS \"jwtsafe $c\""; then ok "jwtsafe.1 has a subsection for $c"
	else nok "jwtsafe.1 has no subsection for the command $c"; fi
	if plain "$man/jwtsafe.1" | sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' | grep -q "^\.B jwtsafe $c\$"; then
		ok "the SYNOPSIS of jwtsafe.1 shows $c"
	else nok "the SYNOPSIS of jwtsafe.1 does not show $c"; fi
done
while read -r c o k; do
	if [ "$o" = help ]; then
		grep -q "^- help FLAG\$" "$tmp/tags1" && ok "jwtsafe.1 documents --help ($c)" \
			|| nok "jwtsafe.1 does not document --help"
		continue
	fi
	got=$(awk -v c="$c" -v o="$o" '$1 == c && $2 == o { print $3 }' "$tmp/tags1")
	if [ "$got" = "$k" ]; then ok "jwtsafe.1 documents $c --$o"
	elif [ -z "$got" ]; then nok "jwtsafe.1 has no entry for $c --$o"
	else nok "jwtsafe.1 documents $c --$o as $got; the command takes it as $k"; fi
	if plain "$man/jwtsafe.1" | sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' | grep -q -- "--$o\( \|\"\|\$\)"; then :
	else nok "the SYNOPSIS of jwtsafe.1 lacks --$o"; fi
done <"$tmp/cliopts"
while read -r c o k; do
	[ "$c" = - ] && continue
	grep -q "^$c $o " "$tmp/cliopts" || nok "jwtsafe.1 documents $c --$o, which the command does not take"
done <"$tmp/tags1"
for v in 0 "$(sed -n 's/^#define EXIT_REFUSED[[:space:]]*\([0-9]*\).*/\1/p' "$cli_c")" \
    "$(sed -n 's/^#define EXIT_USAGE[[:space:]]*\([0-9]*\).*/\1/p' "$cli_c")"; do
	if plain "$man/jwtsafe.1" | sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' | grep -q "^\.B $v\$"; then
		ok "EXIT STATUS of jwtsafe.1 explains status $v"
	else nok "EXIT STATUS of jwtsafe.1 does not explain status '$v'"; fi
done

# ---- the examples, through the real parsers -------------------------------------------
lib="$builddir/.libs/libjwtsafe.a"
mk="$builddir/Makefile"
mkvar() { [ -f "$mk" ] && sed -n "s/^$1 = //p" "$mk" | head -1; }
cat >"$tmp/exhelper.c" <<'EOF'
/* Loads a map file or parses a PAM module line with the jwtsafe library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "options.h"
#include "safefile.h"
#include "usermap.h"

#define MAXARGS 64
#define LINEMAX 4096

static int
map_main(int argc, char **argv)
{
	struct jwtsafe_file_policy p;
	struct jwtsafe_usermap *m = NULL;
	struct jwtsafe_error e;
	int i;

	memset(&p, 0, sizeof(p));
	memset(&e, 0, sizeof(e));
	p.owner = geteuid();
	p.check_dirs = 0;
	if (jwtsafe_usermap_read(argv[0], &p, &m, &e) != 0) {
		printf("error %s %s\n", jwtsafe_err_name(e.code), e.detail);
		return 1;
	}
	printf("rules %zu\n", jwtsafe_usermap_count(m));
	for (i = 1; i + 1 < argc; i += 2)
		printf("allows %d\n", jwtsafe_usermap_allows(m, argv[i],
		    argv[i + 1]));
	jwtsafe_usermap_free(m);
	return 0;
}

/* Split a PAM configuration line as Linux-PAM does: blanks separate,
 * "[...]" is one argument without its brackets, "\]" inside is "]". */
static int
pam_main(const char *line)
{
	static char buf[LINEMAX];
	const char *args[MAXARGS];
	struct jwtsafe_options o;
	struct jwtsafe_error e;
	char *p, *w;
	int n = 0, i, mod = -1;

	if (strlen(line) >= sizeof(buf))
		return 2;
	memcpy(buf, line, strlen(line) + 1);
	for (p = buf; *p != '\0' && n < MAXARGS; ) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p == '[') {
			args[n++] = w = ++p;
			while (*p != '\0' && *p != ']') {
				if (p[0] == '\\' && p[1] == ']')
					p++;
				*w++ = *p++;
			}
			if (*p == ']')
				p++;
			*w = '\0';
			if (*p != '\0')
				p++;
			continue;
		}
		args[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	for (i = 0; i < n && mod < 0; i++) {
		size_t l = strlen(args[i]);

		if (l >= 14 && strcmp(args[i] + l - 14, "pam_jwtsafe.so") == 0)
			mod = i;
	}
	if (mod < 0) {
		printf("no pam_jwtsafe.so on the line\n");
		return 2;
	}
	memset(&e, 0, sizeof(e));
	if (jwtsafe_options_parse(n - mod - 1, args + mod + 1, &o, &e) != 0) {
		printf("error %s %s\n", jwtsafe_err_name(e.code), e.detail);
		return 1;
	}
	printf("ok %d options\n", n - mod - 1);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "map") == 0)
		return map_main(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "pam") == 0)
		return pam_main(argv[2]);
	fprintf(stderr, "usage: exhelper map FILE [SUB USER]... | pam LINE\n");
	return 2;
}
EOF
helper=""
if [ ! -f "$lib" ]; then
	skip "libjwtsafe is not built ($lib not found): examples not parsed"
else
	cc=$(mkvar CC); cc=${cc:-${CC:-cc}}
	cflags="$(mkvar SAN_CFLAGS) $(mkvar CJSON_CFLAGS) $(mkvar SODIUM_CFLAGS) $(mkvar CRYPTO_CFLAGS)"
	libs=$(sed -n "s/^dependency_libs='\(.*\)'/\1/p" "$builddir/libjwtsafe.la" 2>/dev/null)
	[ -n "$libs" ] || libs=$(pkg-config --libs libsodium libcrypto libcjson 2>/dev/null)
	# shellcheck disable=SC2086
	if $cc -std=gnu11 -Wall -Wextra -I"$srcdir/common" $cflags -o "$tmp/exhelper" \
	    "$tmp/exhelper.c" "$lib" $libs >"$tmp/cc.out" 2>&1; then
		ok "built a helper against $lib"
		helper="$tmp/exhelper"
	else
		nok "could not build a helper against $lib"; diag "$tmp/cc.out"
	fi
fi

if [ -n "$helper" ]; then
	# etc/users.map.example, installed as the man page says: owner, mode 0644.
	ex="$srcdir/etc/users.map.example"
	cp "$ex" "$tmp/users.map" && chmod 644 "$tmp/users.map"
	# Its rules as "SUBJECT<tab>USER..." (subject: before the last ':').
	awk '
		/^#/ || /^[ \t]*$/ { next }
		{ i = length($0); while (i > 0 && substr($0, i, 1) != ":") i--
		  sub_ = substr($0, 1, i - 1); rest = substr($0, i + 1)
		  gsub(/^[ \t]+|[ \t]+$/, "", rest); gsub(/[ \t]+/, " ", rest)
		  print sub_ "\t" rest }' "$ex" >"$tmp/rules"
	nrules=$(wc -l <"$tmp/rules")
	set --
	while IFS='	' read -r s users; do
		for u in $users; do set -- "$@" "$s" "$u"; done
	done <"$tmp/rules"
	npairs=$(($# / 2))
	"$helper" map "$tmp/users.map" "$@" >"$tmp/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -qx "rules $nrules" "$tmp/out"; then
		ok "etc/users.map.example loads with jwtsafe_usermap_read: $nrules rules"
	else nok "etc/users.map.example does not load (exit $rc, want $nrules rules)"; diag "$tmp/out"; fi
	if [ "$npairs" -gt 0 ] && [ "$(grep -c '^allows 1$' "$tmp/out")" -eq "$npairs" ]; then
		ok "each of its $npairs subject/user pairs is allowed"
	else nok "not every subject/user pair of the example is allowed"; diag "$tmp/out"; fi
	first=$(head -1 "$tmp/rules" | cut -f1); firstuser=$(head -1 "$tmp/rules" | cut -f2 | cut -d' ' -f1)
	"$helper" map "$tmp/users.map" "$first" nosuchuser "$first " "$firstuser" \
	    "$(printf '%s' "$first" | tr 'a-z' 'A-Z')" "$firstuser" >"$tmp/out" 2>&1
	if [ "$(grep -c '^allows 0$' "$tmp/out")" -eq 3 ]; then
		ok "an unlisted user, a subject with a trailing space and an upper-cased subject are not allowed"
	else nok "loose matching in the example map"; diag "$tmp/out"; fi
	grep -q 'urn:example:ops:	' "$tmp/rules" && \
	"$helper" map "$tmp/users.map" 'urn:example:ops:' backup 'urn:example:ops' backup >"$tmp/out" 2>&1 && \
	[ "$(sed -n 2p "$tmp/out")" = "allows 1" ] && [ "$(sed -n 3p "$tmp/out")" = "allows 0" ] \
		&& ok "the subject \"urn:example:ops:\" ends at the last colon, as the comment says" \
		|| nok "the last-colon rule of the example does not hold"
	# Negative controls, each a copy of the valid file with one change.
	cp "$tmp/users.map" "$tmp/bad.map"; echo 'carol@example.com carol' >>"$tmp/bad.map"
	badline=$(wc -l <"$tmp/bad.map")
	"$helper" map "$tmp/bad.map" >"$tmp/out" 2>&1; rc=$?
	if [ $rc -eq 1 ] && grep -q "^error config .*bad.map:$badline: no ':'" "$tmp/out"; then
		ok "the same file with a line without ':' is refused, naming the line"
	else nok "a broken copy of the example was not refused as expected"; diag "$tmp/out"; fi
	cp "$tmp/users.map" "$tmp/gw.map"; chmod 664 "$tmp/gw.map"
	"$helper" map "$tmp/gw.map" >"$tmp/out" 2>&1; rc=$?
	if [ $rc -eq 1 ] && grep -q '^error unsafe-file .*group-writable' "$tmp/out"; then
		ok "the example installed group-writable (0664) is refused"
	else nok "a group-writable map was not refused"; diag "$tmp/out"; fi

	# The map examples of jwtsafe-map.5.
	plain "$man/jwtsafe-map.5" | awk '/^\.SH EXAMPLES/ { on = 1 } on && /^\.EE/ { exit } on && ex { print } on && /^\.EX/ { ex = 1 }' >"$tmp/page.map"
	chmod 644 "$tmp/page.map"
	want=$(grep -vc '^#' "$tmp/page.map")
	"$helper" map "$tmp/page.map" bob@example.com deploy urn:example:team:ops oncall \
	    'urn:example:ops:' backup >"$tmp/out" 2>&1; rc=$?
	if [ $rc -eq 0 ] && grep -qx "rules $want" "$tmp/out" && [ "$(grep -c '^allows 1$' "$tmp/out")" -eq 3 ]; then
		ok "the EXAMPLES map of jwtsafe-map.5 loads ($want rules) and means what the text says"
	else nok "the EXAMPLES map of jwtsafe-map.5"; diag "$tmp/page.map" "$tmp/out"; fi
	plain "$man/jwtsafe-map.5" | awk '/^Lines that are refused/ { on = 1 } on && /^\.EE/ { exit } on && ex { print } on && /^\.EX/ { ex = 1 }' |
		sed -E 's/ {2,}[^ ].*$//' >"$tmp/refused"
	# Each after one valid rule (loaded alone as the positive control), so
	# that the refusal is pinned to line 2.
	echo 'other@example.net: other' >"$tmp/base.map"; chmod 644 "$tmp/base.map"
	"$helper" map "$tmp/base.map" other@example.net other >"$tmp/out" 2>&1 && grep -qx 'allows 1' "$tmp/out" \
		&& ok "a one-rule map loads (control for the refused lines)" || nok "the one-rule control map: $(cat "$tmp/out")"
	nref=0
	while IFS= read -r line; do
		nref=$((nref + 1))
		{ cat "$tmp/base.map"; printf '%s\n' "$line"; } >"$tmp/one.map"; chmod 644 "$tmp/one.map"
		"$helper" map "$tmp/one.map" >"$tmp/out" 2>&1; rc=$?
		if [ $rc -eq 1 ] && grep -q '^error config .*one.map:2: ' "$tmp/out"; then
			ok "jwtsafe-map.5: \"$line\" is refused ($(sed 's/.*one.map:2: //' "$tmp/out"))"
		else nok "jwtsafe-map.5 says \"$line\" is refused, but the parser said: $(cat "$tmp/out")"; fi
	done <"$tmp/refused"
	[ "$nref" -ge 3 ] && ok "jwtsafe-map.5 lists $nref refused lines" || nok "found only $nref refused lines in jwtsafe-map.5"

	# Module lines of the example PAM files and of the man pages.
	: >"$tmp/pamlines"
	for f in "$srcdir"/etc/pam.d-*.example; do
		[ -f "$f" ] || continue
		grep -v '^[[:space:]]*#' "$f" | grep 'pam_jwtsafe\.so' | sed "s|^|$(basename "$f"): |" >>"$tmp/pamlines"
	done
	for p in pam_jwtsafe.8 jwtsafe-map.5; do
		plain "$man/$p" | awk '/^\.EE/ { ex = 0 } ex { print } /^\.EX/ { ex = 1 }' |
			awk -v p="$p" '{ if (sub(/\\$/, "")) { acc = acc $0; next } print acc $0; acc = "" }' |
			grep '^auth .*pam_jwtsafe\.so' | sed "s|^|$p: |" >>"$tmp/pamlines"
	done
	npam=0
	while IFS= read -r l; do
		npam=$((npam + 1)); where=${l%%: *}; line=${l#*: }
		if "$helper" pam "$line" >"$tmp/out" 2>&1; then ok "$where: the module line parses ($(cat "$tmp/out"))"
		else nok "$where: the module line is refused: $(cat "$tmp/out")"; echo "#   $line"; fi
	done <"$tmp/pamlines"
	[ "$npam" -ge 5 ] && ok "checked $npam module lines from etc/ and the man pages" || nok "found only $npam module lines"
	# Negative controls from the first line: one changed option each.
	line=$(head -1 "$tmp/pamlines"); line=${line#*: }
	for extra in isuer=x max_ttl=0 debug=1 replay=relative/dir; do
		"$helper" pam "$line $extra" >"$tmp/out" 2>&1; rc=$?
		if [ $rc -eq 1 ] && grep -q '^error config ' "$tmp/out"; then ok "the same line with $extra is refused"
		else nok "the same line with $extra was not refused: $(cat "$tmp/out")"; fi
	done
fi

echo "1..$n"
[ "$failed" -eq 0 ]
