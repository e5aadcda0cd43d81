#!/bin/bash
# Interoperability with independent JOSE implementations (issue 5). TAP.
#
# Issuers: PyJWT and jwcrypto (Debian python3-jwt, python3-jwcrypto, run
# with /usr/bin/python3), the jose command (Debian jose, in C), and the npm
# jose package under Node.js (installed by this test into
# tests/interop/node of the build directory; its cells are skipped only
# when npm cannot reach its registry).
#
# For each issuer and each of EdDSA ES256 ES384 PS256 HS256 HS384 that it
# supports, with keys the issuer made:
#   issuer->CLI  its public key imported by `jwtsafe import` from PEM and
#                from JWK (HMAC: JWK "oct"), both giving the key material
#                computed independently (jwsutil.py); its token accepted by
#                `jwtsafe verify` with both key files; refused with
#                bad-signature: a token of a second key of the issuer that
#                carries the same kid, and the token with its payload
#                changed.
#   issuer->PAM  the same through pam_jwtsafe.so and libpam
#                (tests/interop/interop_pam): tokens accepted with both key
#                files, a second use refused (replay), the other key's token
#                and a changed token refused (bad-signature).
#   jwtsafe->issuer
#                a token of `jwtsafe sign` accepted by the issuer as a
#                relying party (signature, issuer, audience, subject,
#                times), with the key as JWK and as PEM where it takes PEM;
#                refused: a token of another jwtsafe key with the same kid,
#                and a changed token.
# ES256/ES384: how many of each issuer's signatures are high-S; a high-S
# signature (natural, and one made from a low-S one as n - s) is refused
# with sig-high-s by default and accepted with allow_high_s, by the CLI and
# by the module; `jwtsafe sign` makes low-S signatures only.
# Then: PyJWT's EC JWKs with a short coordinate; the module's memory for
# every algorithm; the published examples (RFC 7515 A.1 and A.3, RFC 8037
# A.4 at a fixed clock; RFC 7515 A.2 RS256 and A.4 ES512 refused as
# algorithms).
#
# The matrix is printed as TAP diagnostics and written to
# tests/interop/matrix.txt in the build directory. Every cell is a TAP
# line; a cell an issuer cannot do is a SKIP naming why.
#
# The hot paths use shell builtins only: this test starts a few hundred
# processes already.
#
# shellcheck disable=SC2015,SC2154
# (SC2015: "A && pass || fail" is safe, pass never fails; SC2154: getline,
# getfield, getfile and tamper set the variable named by their first
# argument.)
set -u
umask 022

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
HERE=$top_srcdir/tests/interop
OUT=$top_builddir/tests/interop
JWTSAFE=$top_builddir/tools/jwtsafe
PAMDRV=$top_builddir/tests/interop/interop_pam
MATRIX=$OUT/matrix.txt
NODEDIR=$OUT/node
JOSE_NPM=jose@5.9.6
PY=(env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP /usr/bin/python3 -B -s)
ALGS="EdDSA ES256 ES384 PS256 HS256 HS384"
ISSUERS="pyjwt jwcrypto josecli nodejose"
declare -A LABEL=([pyjwt]=PyJWT [jwcrypto]=jwcrypto [josecli]="jose(1)"
    [nodejose]=npm-jose)
# Tokens live 240 s (jwtsafe's default max_ttl is 300), enough for a slow
# run. Enough ECDSA signatures to see both halves of S: with 32 the chance
# of fewer than the 4 low-S tokens a cell needs is about 1e-6.
export ISS=https://issuer.interop.example AUD=ssh:host1.interop.example
export SUB=nobody TTL=240 NTOK=4 NTOK_EC=32
PAMUSER=nobody
# Sanitizer build: every jwtsafe process pays about 0.1 s for the leak
# scan at exit, and this test starts a few hundred. Leak detection is off
# for them (ASan and UBSan stay on) and on for the module's own memory
# check below; `jwtsafe sign` makes 40 signatures per curve, not 200.
ASAN_LEAKS=${ASAN_OPTIONS:-}
if [ "${JWTSAFE_SANITIZERS:-0}" = 1 ]; then
	LOWS_N=${JWTSAFE_INTEROP_LOWS_N:-40}
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	ASAN_LEAKS="${ASAN_LEAKS:+$ASAN_LEAKS:}detect_leaks=1"
else
	LOWS_N=${JWTSAFE_INTEROP_LOWS_N:-200}
fi

n=0
failed=0
tap_ok() { n=$((n + 1)); echo "ok $n - $*"; }
tap_nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
tap_skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { printf '# %s\n' "$@"; }
bail() { echo "Bail out! $*"; exit 99; }

for f in "$JWTSAFE" "$PAMDRV"; do
	[ -x "$f" ] || bail "not built: $f"
done
getent passwd "$PAMUSER" >/dev/null || bail "no account $PAMUSER"
W=$(mktemp -d "${TMPDIR:-/tmp}/jwtsafe-interop.XXXXXX") || bail mktemp
chmod 700 "$W"
trap 'rm -rf "$W"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$OUT" "$W/pamdrv" || bail "mkdir"
SECONDS=0

# ---- helpers (no processes) --------------------------------------------------------

# getline VAR FILE [N]: line N (default 1) of FILE, "" when there is none
getline() {
	local -a l=()
	[ -r "$2" ] && mapfile -t -n "${3:-1}" l <"$2"
	printf -v "$1" '%s' "${l[${3:-1} - 1]:-}"
}
# getfield VAR FILE N: field N of the first line (key lines: 4 kid, 7 material)
getfield() {
	local -a f=()
	[ -r "$2" ] && read -r -a f <"$2"
	printf -v "$1" '%s' "${f[$3 - 1]:-}"
}
# nlines VAR FILE
nlines() {
	local -a l=()
	[ -r "$2" ] && mapfile -t l <"$2"
	printf -v "$1" '%s' "${#l[@]}"
}
# getfile VAR FILE [MAX]: the file, newlines as spaces, at most MAX bytes
# (default 300)
getfile() {
	local -a l=()
	[ -r "$2" ] && mapfile -t l <"$2"
	local s="${l[*]:-}"
	printf -v "$1" '%s' "${s:0:${3:-300}}"
}
# tamper VAR TOKEN: the token with the fifth character of its payload
# changed (A <-> B or to A): still strict base64url, signature unchanged.
tamper() {
	local h=${2%%.*} rest=${2#*.} r=A
	local p=${rest%%.*} s=${rest#*.}
	[ "${p:4:1}" = A ] && r=B
	printf -v "$1" '%s.%s%s%s.%s' "$h" "${p:0:4}" "$r" "${p:5}" "$s"
}
# A token's fingerprint for messages; tokens themselves are never printed.
fp() { printf '%s' "$1" | b2sum -l 64 | cut -c1-16; }

# Results of the checks of the cell being built.
reset_cell() { errs=(); done_checks=0; }
pass() { done_checks=$((done_checks + 1)); }
fail() { errs+=("$*"); }
report() { # OKTEXT NOKTEXT: one TAP line from errs
	local e
	if [ "${#errs[@]}" -eq 0 ] && [ "$done_checks" -gt 0 ]; then
		tap_ok "$1 ($done_checks checks)"
		return 0
	fi
	[ "${#errs[@]}" -gt 0 ] || errs=("no check ran")
	tap_nok "$2"
	for e in "${errs[@]}"; do diag "  $e"; done
	return 1
}

# cli_verify ALG KEYFILE TOKEN [OPTION...]: sets got to "ok" (valid, and the
# payload printed names the subject) or to the refusal's reason name.
cli_verify() {
	local alg=$1 keys=$2 tok=$3 rc out='' err=''
	shift 3
	"$JWTSAFE" verify --alg "$alg" --keys "$keys" --iss "$ISS" --aud "$AUD" \
	    --require-jti "$@" "$tok" >"$W/cli.out" 2>"$W/cli.err"
	rc=$?
	getfile out "$W/cli.out" 20000
	getfile err "$W/cli.err"
	case $rc in
	0)	if [[ $out =~ \"sub\":[[:space:]]*\"$SUB\" ]]; then
			got=ok
		else
			got="accepted-without-sub"
		fi ;;
	1)	if [[ $err =~ ^jwtsafe\ verify:\ refused:\ ([a-z0-9-]+): ]]; then
			got=${BASH_REMATCH[1]}
		else
			got="error(${err:0:160})"
		fi ;;
	*)	got="exit-$rc(${err:0:160})" ;;
	esac
}
# expect_cli WANT WHAT ALG KEYFILE TOKEN [OPTION...]
expect_cli() {
	local want=$1 what=$2 tok=$5
	shift 2
	cli_verify "$@"
	if [ "$got" = "$want" ]; then pass; else
		fail "$what (token $(fp "$tok")): got $got, want $want"; fi
}
# jwtsafe_import KEYFILE ALG [OPTION...] SOURCE: 0 when imported
jwtsafe_import() {
	local out=$1 e
	shift
	if "$JWTSAFE" import --alg "$@" >"$out" 2>"$W/imp.err"; then return 0; fi
	getfile e "$W/imp.err"
	fail "jwtsafe import --alg $*: ${e:0:200}"
	return 1
}

# PAM jobs: pam_add WANT_CODE WANT_REASON WANT_HIGH_S WHAT ARGS TOKEN, then
# pam_run runs them all through the module in one interop_pam process.
pam_reset() { pam_args=(); pam_toks=(); pam_want=(); }
pam_add() {
	pam_want+=("$1 $2 $3 $4")
	pam_args+=("$5")
	pam_toks+=("$6")
}
PAM_REASONS=unknown
pam_run() {
	local -a results=()
	local i code reason hs wcode wreason whs what e
	for i in "${!pam_args[@]}"; do
		printf '%s\t%s\n' "${pam_args[$i]}" "${pam_toks[$i]}"
	done >"$W/pam.jobs"
	if ! "$PAMDRV" "$W/pamdrv" "$PAMUSER" <"$W/pam.jobs" >"$W/pam.got" 2>"$W/pam.err"; then
		getfile e "$W/pam.err"
		fail "interop_pam failed: $e"
		return
	fi
	mapfile -t results <"$W/pam.got"
	if [ "${#results[@]}" -ne "${#pam_want[@]}" ]; then
		fail "interop_pam gave ${#results[@]} results for ${#pam_want[@]} jobs"
		return
	fi
	for i in "${!pam_want[@]}"; do
		read -r wcode wreason whs what <<<"${pam_want[$i]}"
		read -r code reason hs <<<"${results[$i]}"
		[ "$reason" = "?" ] && PAM_REASONS=no || PAM_REASONS=yes
		if [ "$code" != "$wcode" ]; then
			fail "PAM: $what: got $code ($reason), want $wcode ($wreason)"
		elif [ "$reason" != "?" ] && [ "$reason" != "$wreason" ]; then
			fail "PAM: $what: $code with reason=$reason, want reason=$wreason"
		elif [ "$whs" != "-" ] && [ "$hs" != "?" ] && [ "$hs" != "$whs" ]; then
			fail "PAM: $what: high_s=$hs, want $whs"
		else
			pass
		fi
	done
}
# margs VAR ALG KEYFILE [OPTION...]: the module's arguments
margs() {
	local var=$1 alg=$2 keys=$3
	shift 3
	printf -v "$var" 'alg=%s keys=%s issuer=%s audience=%s replay=%s%s' \
	    "$alg" "$keys" "$ISS" "$AUD" "$W/replay" "${*:+ $*}"
}

# The matrix
declare -A CELL HIGHS RFC VERSION UNAVAIL SKIPWHY
NOTES=()
# finish_cell ISSUER ALG DIRECTION WHAT
finish_cell() {
	if report "${LABEL[$1]} $2 $3: $4" "${LABEL[$1]} $2 $3: $4"; then
		CELL["$1|$2|$3"]=ok
	else
		CELL["$1|$2|$3"]=FAIL
	fi
}
na_cell() { # ISSUER ALG DIRECTION WHY
	CELL["$1|$2|$3"]="n/a"
	tap_skip "${LABEL[$1]} $2 $3" "n/a: $4"
}

# ---- the issuers ---------------------------------------------------------------------

VERSION[jwtsafe]=$("$JWTSAFE" --version 2>/dev/null)
if v=$("${PY[@]}" -c 'import jwt, cryptography; print(jwt.__version__)' 2>&1); then
	VERSION[pyjwt]=$v
else
	UNAVAIL[pyjwt]="PyJWT not importable by /usr/bin/python3 (Debian python3-jwt): $v"
fi
if v=$("${PY[@]}" -c 'import importlib.metadata as m, jwcrypto; print(m.version("jwcrypto"))' 2>&1); then
	VERSION[jwcrypto]=$v
else
	UNAVAIL[jwcrypto]="jwcrypto not importable by /usr/bin/python3 (Debian python3-jwcrypto): $v"
fi
if command -v jose >/dev/null 2>&1; then
	VERSION[josecli]=$(dpkg-query -W -f '${Version}' jose 2>/dev/null || echo '?')
else
	UNAVAIL[josecli]="the jose command is not installed (Debian package jose)"
fi

# npm jose: reused when the pinned version is already installed here.
npm_install() {
	local want=${JOSE_NPM#jose@} have=
	if [ -r "$NODEDIR/node_modules/jose/package.json" ]; then
		have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
		    "$NODEDIR/node_modules/jose/package.json" | head -n1)
	fi
	[ "$have" = "$want" ] && return 0
	rm -rf "$NODEDIR" && mkdir -p "$NODEDIR" || return 1
	echo '{ "private": true, "description": "jwtsafe interop test (not committed)" }' \
	    >"$NODEDIR/package.json"
	timeout 45 npm install --no-audit --no-fund --no-save --no-package-lock \
	    --prefer-offline --fetch-retries=1 --fetch-retry-mintimeout=1000 \
	    --fetch-retry-maxtimeout=3000 --fetch-timeout=20000 \
	    --prefix "$NODEDIR" "$JOSE_NPM" >"$W/npm.log" 2>&1
}
NETERR='ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|proxy|socket hang up|request to .* failed'
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	UNAVAIL[nodejose]="node or npm not installed (Debian nodejs, npm)"
elif npm_install; then
	VERSION[nodejose]="${JOSE_NPM#jose@} (node $(node --version))"
elif [ $? -eq 124 ]; then
	SKIPWHY[nodejose]="npm cannot reach its registry ($(npm config get registry 2>/dev/null)): no answer in 45 s"
elif grep -Eq "$NETERR" "$W/npm.log"; then
	SKIPWHY[nodejose]="npm cannot reach its registry ($(npm config get registry 2>/dev/null)): $(grep -Em1 "$NETERR" "$W/npm.log" | head -c 160)"
else
	UNAVAIL[nodejose]="npm install $JOSE_NPM failed: $(tail -n 3 "$W/npm.log" | tr '\n' ' ' | head -c 300)"
fi

run_issuer() { # ISSUER COMMAND ARG
	case $1 in
	pyjwt) "${PY[@]}" "$HERE/issuer_pyjwt.py" "$2" "$3" ;;
	jwcrypto) "${PY[@]}" "$HERE/issuer_jwcrypto.py" "$2" "$3" ;;
	josecli) sh "$HERE/issuer_josecli.sh" "$2" "$3" ;;
	nodejose) JOSE_DIR=$NODEDIR node --no-warnings "$HERE/issuer_nodejose.mjs" "$2" "$3" ;;
	esac
}

# ---- jwtsafe's own keys and tokens (for jwtsafe->issuer) -------------------------------

# Made in the background while the issuers work; a failure is written to
# $W/js.fail. Then the low-S signatures of `jwtsafe sign`.
js_setup() {
	local alg d bits k t
	for alg in $ALGS; do
		d=$W/js/$alg
		mkdir -p "$d" || return 1
		bits=
		[ "$alg" = PS256 ] && bits="--bits 2048"
		for k in secret other; do
			# shellcheck disable=SC2086
			"$JWTSAFE" keygen --alg "$alg" --kid "jwtsafe-$alg" $bits \
			    --out "$d/$k.key" 2>>"$W/js.err" ||
			    { echo "jwtsafe keygen --alg $alg failed"; return 1; }
		done
		case $alg in
		HS*) cp "$d/secret.key" "$d/verify.line" ;;
		*) "$JWTSAFE" pubkey "$d/secret.key" >"$d/verify.line" 2>>"$W/js.err" ||
		    { echo "jwtsafe pubkey ($alg) failed"; return 1; } ;;
		esac
		for k in secret other; do
			"$JWTSAFE" sign --key "$d/$k.key" --iss "$ISS" --aud "$AUD" \
			    --sub "$SUB" --ttl "$TTL" >"$d/$k.tok" 2>>"$W/js.err" ||
			    { echo "jwtsafe sign ($alg) failed"; return 1; }
		done
		getline t "$d/secret.tok"
		tamper t "$t"
		echo "$t" >"$d/tampered.tok"
	done
}
lows_sign() { # ALG: LOWS_N tokens in $W/lows.ALG, four signers at a time
	local alg=$1 p per=$(((LOWS_N + 3) / 4))
	for p in 1 2 3 4; do
		(
			i=0
			while [ "$i" -lt "$per" ]; do
				"$JWTSAFE" sign --key "$W/js/$alg/secret.key" --iss "$ISS" \
				    --aud "$AUD" --sub "$SUB" --ttl "$TTL" || exit 1
				i=$((i + 1))
			done
		) >"$W/lows.$alg.$p" 2>>"$W/lows.err" &
	done
	wait
	cat "$W/lows.$alg".[1-4] >"$W/lows.$alg"
}
(js_setup && lows_sign ES256 && lows_sign ES384) >"$W/js.fail" 2>&1 &
js_pid=$!

# ---- issuer tokens through jwtsafe ------------------------------------------------------

issuer_cells() { # ISSUER
	local is=$1 alg d kid na t1 t2 t3 t4 tt keys_pem keys_jwk src pemdesc
	local m_pem='' m_jwk='' m_ind='' kid_got='' nhigh ntok nall other args argsp argsh
	local -a low twins high
	for alg in $ALGS; do
		d=$W/iss/$is/$alg
		if [ -e "$d/na" ]; then
			getline na "$d/na"
			na_cell "$is" "$alg" "issuer->CLI" "$na"
			na_cell "$is" "$alg" "issuer->PAM" "$na"
			NOTES+=("${LABEL[$is]} $alg n/a: $na")
			continue
		fi
		kid=$is-$alg
		# -- issuer->CLI
		reset_cell
		keys_jwk=$d/jwk.keys
		keys_pem=$d/pem.keys
		jwtsafe_import "$keys_jwk" "$alg" "$d/pub.jwk" && pass
		case $alg in
		HS*)	chmod 600 "$keys_jwk"
			keys_pem=$keys_jwk
			pemdesc="JWK key file"
			src="JWK oct (an HMAC secret has no PEM form)" ;;
		*)	pemdesc="PEM key file"
			jwtsafe_import "$keys_pem" "$alg" --kid "$kid" "$d/pub.pem" && pass
			if [ -e "$d/pem.converted" ]; then
				src="JWK and PEM (PEM converted from the JWK by pyca/cryptography: the issuer writes none)"
			else
				src="JWK and PEM, both exported by the issuer"
			fi
			getfield m_pem "$keys_pem" 7 ;;
		esac
		getfield m_jwk "$keys_jwk" 7
		getfield kid_got "$keys_jwk" 4
		getline m_ind "$d/material"
		[ "$kid_got" = "$kid" ] && pass || fail "imported kid is '$kid_got', not the JWK's $kid"
		[ -n "$m_jwk" ] && [ "$m_jwk" = "$m_ind" ] && pass ||
		    fail "key material imported from the JWK differs from the issuer's key"
		case $alg in HS*) ;; *)
			[ -n "$m_pem" ] && [ "$m_pem" = "$m_ind" ] && pass ||
			    fail "key material imported from the PEM differs from the issuer's key" ;;
		esac
		mapfile -t low <"$d/low"
		nlines nall "$d/tokens"
		ntok=${#low[@]}
		if [ "$ntok" -lt 4 ]; then
			fail "only $ntok low-S tokens among $nall from the issuer"
			finish_cell "$is" "$alg" "issuer->CLI" "$src"
			reset_cell
			fail "only $ntok low-S tokens among $nall from the issuer"
			finish_cell "$is" "$alg" "issuer->PAM" "-"
			continue
		fi
		t1=${low[0]} t2=${low[1]} t3=${low[2]} t4=${low[3]}
		getline other "$d/other.low"
		expect_cli ok "token, key from JWK" "$alg" "$keys_jwk" "$t1"
		case $alg in HS*) ;; *)
			expect_cli ok "token, key from PEM" "$alg" "$keys_pem" "$t1" ;;
		esac
		expect_cli bad-signature "token of another ${LABEL[$is]} key, same kid" \
		    "$alg" "$keys_jwk" "$other"
		tamper tt "$t1"
		expect_cli bad-signature "token with its payload changed" "$alg" "$keys_jwk" "$tt"
		finish_cell "$is" "$alg" "issuer->CLI" \
		    "key imported from $src; accepted; other key and changed payload refused"

		# -- issuer->PAM
		reset_cell
		pam_reset
		margs args "$alg" "$keys_jwk"
		margs argsp "$alg" "$keys_pem"
		pam_add PAM_SUCCESS ok 0 "token (JWK key file)" "$args" "$t2"
		pam_add PAM_AUTH_ERR replay - "the same token again" "$args" "$t2"
		pam_add PAM_SUCCESS ok 0 "another token ($pemdesc)" "$argsp" "$t3"
		pam_add PAM_AUTH_ERR bad-signature - "token of another key, same kid" "$args" "$other"
		tamper tt "$t4"
		pam_add PAM_AUTH_ERR bad-signature - "token with its payload changed" "$args" "$tt"
		pam_run
		finish_cell "$is" "$alg" "issuer->PAM" \
		    "accepted with both key files; replay, other key, changed payload refused"

		# -- ES256/ES384: high S, by the CLI and the module
		case $alg in ES*) ;; *) continue ;; esac
		reset_cell
		mapfile -t twins <"$d/twins"
		mapfile -t high <"$d/high"
		nhigh=${#high[@]}
		HIGHS["$is|$alg"]="$nhigh/$nall"
		expect_cli sig-high-s "n-s twin of a valid token, default" "$alg" "$keys_jwk" "${twins[0]}"
		expect_cli ok "n-s twin, --allow-high-s" "$alg" "$keys_jwk" "${twins[0]}" --allow-high-s
		[ -s "$W/cli.err" ] && pass || fail "no note on stderr for a token accepted with a high S"
		pam_reset
		margs argsh "$alg" "$keys_jwk" allow_high_s
		pam_add PAM_AUTH_ERR sig-high-s - "n-s twin, default" "$args" "${twins[3]}"
		pam_add PAM_SUCCESS ok 1 "n-s twin, allow_high_s" "$argsh" "${twins[3]}"
		pam_add PAM_AUTH_ERR replay - "n-s twin of a token already used, allow_high_s" \
		    "$argsh" "${twins[1]}"
		if [ "$nhigh" -gt 0 ]; then
			expect_cli sig-high-s "natural high-S token, default" "$alg" "$keys_jwk" "${high[0]}"
			expect_cli ok "natural high-S token, --allow-high-s" "$alg" "$keys_jwk" \
			    "${high[0]}" --allow-high-s
			pam_add PAM_AUTH_ERR sig-high-s - "natural high-S token, default" "$args" "${high[0]}"
			pam_add PAM_SUCCESS ok 1 "natural high-S token, allow_high_s" "$argsh" "${high[0]}"
		fi
		pam_run
		report "${LABEL[$is]} $alg high-S: $nhigh of $nall signatures high; high-S (natural and n-s) refused with sig-high-s by default, accepted with allow_high_s (CLI and PAM, marked high_s=1); a twin of a used token is a replay" \
		    "${LABEL[$is]} $alg high-S"
	done
}

for is in $ISSUERS; do
	[ -z "${UNAVAIL[$is]:-}" ] && [ -z "${SKIPWHY[$is]:-}" ] || continue
	mkdir -p "$W/iss/$is"
	if ! run_issuer "$is" issue "$W/iss/$is" >"$W/iss/$is.log" 2>&1; then
		UNAVAIL[$is]="the ${LABEL[$is]} issuer helper failed: $(tail -n 3 "$W/iss/$is.log" | tr '\n' ' ' | head -c 300)"
	elif ! "${PY[@]}" "$HERE/jwsutil.py" prepare "$W/iss/$is" >>"$W/iss/$is.log" 2>&1; then
		UNAVAIL[$is]="jwsutil.py prepare failed on ${LABEL[$is]}'s output: $(tail -n 3 "$W/iss/$is.log" | tr '\n' ' ' | head -c 300)"
	fi
done

for is in $ISSUERS; do
	for alg in $ALGS; do
		for dir in "issuer->CLI" "issuer->PAM"; do
			if [ -n "${SKIPWHY[$is]:-}" ]; then
				CELL["$is|$alg|$dir"]=skip
				tap_skip "${LABEL[$is]} $alg $dir" "${SKIPWHY[$is]}"
			elif [ -n "${UNAVAIL[$is]:-}" ]; then
				CELL["$is|$alg|$dir"]=FAIL
				tap_nok "${LABEL[$is]} $alg $dir: ${UNAVAIL[$is]}"
			fi
		done
	done
	[ -z "${UNAVAIL[$is]:-}" ] && [ -z "${SKIPWHY[$is]:-}" ] && issuer_cells "$is"
done

# ---- jwtsafe tokens through the issuers ----------------------------------------------

js_ready=yes
if ! wait "$js_pid"; then
	getfile e "$W/js.fail"
	getfile e2 "$W/js.err"
	js_ready="jwtsafe key and token setup: $e $e2"
elif ! "${PY[@]}" "$HERE/jwsutil.py" fromjwtsafe "$W/js" >"$W/js.conv" 2>&1; then
	getfile e "$W/js.conv"
	js_ready="converting jwtsafe's keys to JWK and PEM failed: $e"
fi

dir="jwtsafe->issuer"
for is in $ISSUERS; do
	if [ -n "${SKIPWHY[$is]:-}" ]; then
		for alg in $ALGS; do
			CELL["$is|$alg|$dir"]=skip
			tap_skip "${LABEL[$is]} $alg $dir" "${SKIPWHY[$is]}"
		done
		continue
	fi
	declare -A VERDICT=()
	declare -a KINDS=()
	: >"$W/$is.jobs"
	for alg in $ALGS; do
		# also where the issuer cannot sign: its answer as a relying
		# party is the reason given for an n/a cell
		d=$W/js/$alg
		kinds="jwk other tampered"
		case $alg:$is in HS*:* | *:josecli) ;; *) kinds="jwk pem other tampered" ;; esac
		KINDS+=("$alg:$kinds")
		for kind in $kinds; do
			case $kind in
			jwk) echo "$alg:jwk $alg $d/pub.jwk $d/secret.tok" ;;
			pem) echo "$alg:pem $alg $d/pub.pem $d/secret.tok" ;;
			other) echo "$alg:other $alg $d/pub.jwk $d/other.tok" ;;
			tampered) echo "$alg:tampered $alg $d/pub.jwk $d/tampered.tok" ;;
			esac
		done >>"$W/$is.jobs"
	done
	if [ -z "${UNAVAIL[$is]:-}" ] && [ "$js_ready" = yes ]; then
		run_issuer "$is" verify "$W/$is.jobs" >"$W/$is.verdicts" 2>"$W/$is.verify.err"
		while read -r id verdict; do
			VERDICT[$id]=$verdict
		done <"$W/$is.verdicts"
	fi
	for alg in $ALGS; do
		v=${VERDICT[$alg:jwk]:-}
		if [ -e "$W/iss/$is/$alg/na" ] && [ "${v%%:*}" != ok ]; then
			getline na "$W/iss/$is/$alg/na"
			na_cell "$is" "$alg" "$dir" "cannot sign ($na); as a relying party: ${v:-no answer}"
			continue
		fi
		reset_cell
		if [ -n "${UNAVAIL[$is]:-}" ]; then
			fail "${UNAVAIL[$is]}"
		elif [ "$js_ready" != yes ]; then
			fail "$js_ready"
		else
			for k in "${KINDS[@]}"; do
				[ "${k%%:*}" = "$alg" ] || continue
				for kind in ${k#*:}; do
					v=${VERDICT[$alg:$kind]:-}
					case $kind in jwk | pem) want=ok ;; *) want=refused ;; esac
					if [ "${v%%:*}" = "$want" ]; then pass; else
						fail "$kind: ${LABEL[$is]} says '${v:-nothing}', want $want"
					fi
				done
			done
			if [ "${#errs[@]}" -gt 0 ] && [ -s "$W/$is.verify.err" ]; then
				getfile e "$W/$is.verify.err"
				fail "stderr: ${e:0:200}"
			fi
		fi
		case $alg:$is in
		HS*:*) what="key as JWK oct" ;;
		*:josecli) what="key as JWK (jose takes no PEM)" ;;
		*) what="key as JWK and as PEM" ;;
		esac
		finish_cell "$is" "$alg" "$dir" "$what; other key and changed token refused"
	done
	unset VERDICT KINDS
done

# ---- PyJWT 2.6: EC JWKs with a short coordinate ------------------------------------------

# PyJWT's to_jwk writes EC coordinates as minimal big-endian integers, so
# about 1 key in 128 gets an "x" or "y" shorter than the field (RFC 7518
# 6.2.1.2 requires the full length). jwtsafe import refuses such a JWK;
# the same key as PEM imports and verifies the issuer's token.
if [ -z "${UNAVAIL[pyjwt]:-}" ]; then
	d=$W/short
	reset_cell
	if "${PY[@]}" "$HERE/issuer_pyjwt.py" shortjwk "$d" >"$W/short.log" 2>&1; then
		"$JWTSAFE" import --alg ES256 "$d/pub.jwk" >"$d/jwk.keys" 2>"$d/jwk.err"
		rc=$?
		getfile e "$d/jwk.err"
		[ "$rc" -eq 1 ] && [[ $e == *key-invalid*"must be 32 bytes"* ]] && pass ||
		    fail "JWK with a short coordinate: exit $rc, $e"
		jwtsafe_import "$d/pem.keys" ES256 --kid pyjwt-short "$d/pub.pem" && pass
		getline tok "$d/tokens"
		getline tries "$d/tries"
		expect_cli ok "its token (either S), key from PEM" ES256 "$d/pem.keys" "$tok" --allow-high-s
	else
		getfile e "$W/short.log"
		fail "helper: $e"
	fi
	report "PyJWT ${VERSION[pyjwt]} ES256 key whose PyJWT JWK has a short coordinate (the ${tries:-?}th key made): jwtsafe import refuses the JWK (key-invalid, RFC 7518 6.2.1.2); the same key as PEM imports and verifies its token" \
	    "PyJWT ES256 JWK with a short coordinate" &&
	    NOTES+=("PyJWT ${VERSION[pyjwt]} writes EC coordinates without leading zero bytes: about 1 EC key in 128 gets a JWK that jwtsafe import refuses (RFC 7518 6.2.1.2 wants full-length x and y); import such a key as PEM. The matrix uses PyJWT keys without a short coordinate.")
else
	tap_nok "PyJWT ES256 JWK with a short coordinate: ${UNAVAIL[pyjwt]}"
fi

# ---- jwtsafe sign: low S only ----------------------------------------------------------------

for alg in ES256 ES384; do
	if [ "$js_ready" != yes ]; then
		tap_nok "jwtsafe sign $alg makes low-S signatures: $js_ready"
		continue
	fi
	want=$((4 * ((LOWS_N + 3) / 4)))
	res=$("${PY[@]}" "$HERE/jwsutil.py" sbits "$alg" <"$W/lows.$alg" 2>&1)
	getline first "$W/lows.$alg"
	cli_verify "$alg" "$W/js/$alg/verify.line" "$first"
	if [ "$res" = "total=$want high=0 bad=0" ] && [ "$got" = ok ]; then
		tap_ok "jwtsafe sign $alg: $want signatures, every S <= n/2 (and the first verifies)"
	else
		tap_nok "jwtsafe sign $alg low-S: $res (want total=$want high=0 bad=0); the first: $got"
	fi
done

# ---- the module's memory, every algorithm ------------------------------------------------------

# One process authenticates a valid token of each algorithm and refuses a
# changed one, loading and unloading the module each time as libpam does:
# nothing may be definitely lost (LeakSanitizer in the sanitizer build,
# valgrind otherwise). On failure each algorithm is run alone to name it.
leak_run() { # TAG ALG...: 0 when nothing was lost
	local tag=$1 alg d t rc nok=0 nrefused=0 l
	shift
	rm -rf "$W/replay-leak$tag"
	for alg in "$@"; do
		d=$W/js/$alg
		getline t "$d/secret.tok"
		printf 'alg=%s keys=%s issuer=%s audience=%s replay=%s\t%s\n' "$alg" \
		    "$d/verify.line" "$ISS" "$AUD" "$W/replay-leak$tag" "$t"
		getline t "$d/tampered.tok"
		printf 'alg=%s keys=%s issuer=%s audience=%s noreplay\t%s\n' "$alg" \
		    "$d/verify.line" "$ISS" "$AUD" "$t"
	done >"$W/leak$tag.jobs"
	mkdir -p "$W/pamdrv$tag"
	if [ "${JWTSAFE_SANITIZERS:-0}" = 1 ]; then
		ASAN_OPTIONS=$ASAN_LEAKS "$PAMDRV" "$W/pamdrv$tag" "$PAMUSER" \
		    <"$W/leak$tag.jobs" >"$W/leak$tag.out" 2>"$W/leak$tag.err"
	else
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		    --error-exitcode=3 "$PAMDRV" "$W/pamdrv$tag" "$PAMUSER" \
		    <"$W/leak$tag.jobs" >"$W/leak$tag.out" 2>"$W/leak$tag.err"
	fi
	rc=$?
	while read -r l _; do
		case $l in PAM_SUCCESS) nok=$((nok + 1)) ;; PAM_AUTH_ERR) nrefused=$((nrefused + 1)) ;; esac
	done <"$W/leak$tag.out"
	[ "$rc" -eq 0 ] && [ "$nok" -eq $# ] && [ "$nrefused" -eq $# ]
}
if [ "$js_ready" != yes ]; then
	tap_nok "module memory: $js_ready"
elif [ "${JWTSAFE_SANITIZERS:-0}" != 1 ] && ! command -v valgrind >/dev/null 2>&1; then
	tap_skip "module memory, every algorithm" "valgrind is not installed"
else
	tool=valgrind
	[ "${JWTSAFE_SANITIZERS:-0}" = 1 ] && tool=LeakSanitizer
	# shellcheck disable=SC2086
	if leak_run -all $ALGS; then
		tap_ok "module through libpam, one process: each of $ALGS accepted once and a changed token refused, nothing definitely lost ($tool)"
	elif ! grep -qE 'definitely lost|Direct leak' "$W/leak-all.err"; then
		getfile e "$W/leak-all.err"
		getfile o "$W/leak-all.out"
		tap_nok "module through libpam under $tool: unexpected results: $o; $e"
	else
		# name the algorithms: each alone, two at a time
		for alg in $ALGS; do
			leak_run "-$alg" "$alg" &
			case $alg in ES256 | PS256 | HS384) wait ;; esac
		done
		leaky=
		for alg in $ALGS; do
			grep -qE 'definitely lost|Direct leak' "$W/leak-$alg.err" && leaky="$leaky $alg"
		done
		tap_nok "module through libpam: memory lost ($tool) at each authentication with:${leaky:- (no algorithm alone)}"
		grep -m1 -A14 -E 'definitely lost|Direct leak' "$W/leak-all.err" | sed 's/^/#   /'
		NOTES+=("the module loses memory ($tool) at each authentication with:${leaky:- ?}; see the TAP output")
	fi
fi

# ---- the published examples -------------------------------------------------------------------

# shellcheck source=rfc_examples.sh
. "$HERE/rfc_examples.sh"
R=$W/rfc
mkdir -p "$R"
jsu() { "${PY[@]}" "$HERE/jwsutil.py" "$@" 2>&1; }
printf '%s\n' "$RFC7515_A1_JWK" >"$R/a1.jwk"
printf '%s\n' "$RFC7515_A2_JWK" >"$R/a2.jwk"
printf '%s\n' "$RFC7515_A3_JWK" >"$R/a3.jwk"
printf '%s\n' "$RFC7515_A3_PRIVATE_JWK" >"$R/a3.private.jwk"
printf '%s\n' "$RFC7515_A4_JWK" >"$R/a4.jwk"
printf '%s\n' "$RFC8037_JWK" >"$R/e.jwk"
printf '%s\n' "$RFC8037_PRIVATE_JWK" >"$R/e.private.jwk"
chmod 600 "$R/a1.jwk" "$R/a3.private.jwk" "$R/e.private.jwk"
rfc_result() { # NAME OKTEXT NOKTEXT
	if report "$2" "$3"; then RFC[$1]=ok; else RFC[$1]=FAIL; fi
}

# Each published signature checked against its own key by pyca first, so
# that what jwtsafe does with it below is about jwtsafe, not the data.
reset_cell
for ex in "HS256 a1 $RFC7515_A1_TOKEN" "RS256 a2 $RFC7515_A2_TOKEN" \
    "ES256 a3 $RFC7515_A3_TOKEN" "ES512 a4 $RFC7515_A4_TOKEN" \
    "EdDSA e $RFC8037_A4_TOKEN"; do
	read -r a k t <<<"$ex"
	r=$(jsu rawverify "$a" "$R/$k.jwk" "$t")
	[ "$r" = ok ] && pass || fail "$k ($a): the published signature does not verify: $r"
done
report "RFC examples: each published signature verifies under its published key (pyca/cryptography)" \
    "RFC examples: published data"

# RFC 7515 A.1 (HS256)
reset_cell
jwtsafe_import "$R/a1.keys" HS256 --kid rfc7515-a1 "$R/a1.jwk" && pass
chmod 600 "$R/a1.keys"
getfield m "$R/a1.keys" 7
[ "$m" = "$(jsu material HS256 "$R/a1.jwk")" ] && pass || fail "A.1: the imported secret is not the published k"
"$JWTSAFE" verify --alg HS256 --keys "$R/a1.keys" --iss joe --aud x --now "$RFC7515_NOW" \
    "$RFC7515_A1_TOKEN" >/dev/null 2>"$R/err"
getfile e "$R/err"
[[ $e == *"refused: claim-missing: "*"(iat)"* ]] && pass ||
    fail "A.1 at $RFC7515_NOW: want claim-missing (iat), past header and signature; got $e"
# one character of the signature changed (d -> e)
"$JWTSAFE" verify --alg HS256 --keys "$R/a1.keys" --iss joe --aud x --now "$RFC7515_NOW" \
    "${RFC7515_A1_TOKEN%.*}.e${RFC7515_A1_TOKEN##*.d}" >/dev/null 2>"$R/err"
getfile e "$R/err"
[[ $e == *"refused: bad-signature"* ]] && pass ||
    fail "A.1 with its signature changed: want bad-signature, got $e"
rfc_result A1 "RFC 7515 A.1 HS256: the published oct JWK imports as its k; at $RFC7515_NOW jwtsafe verify passes header and signature and stops at the claims (claim-missing: iat, which the example lacks); its signature changed: bad-signature" \
    "RFC 7515 A.1 HS256"

# RFC 7515 A.3 (ES256)
reset_cell
jsu jwk2pem "$R/a3.jwk" >"$R/a3.pem"
jwtsafe_import "$R/a3.keys" ES256 --kid rfc7515-a3 "$R/a3.jwk" && pass
jwtsafe_import "$R/a3p.keys" ES256 --kid rfc7515-a3 "$R/a3.pem" && pass
m=$(jsu material ES256 "$R/a3.jwk")
getfield m1 "$R/a3.keys" 7
getfield m2 "$R/a3p.keys" 7
[ "$m1" = "$m" ] && [ "$m2" = "$m" ] && pass || fail "A.3: the imported point is not 04||x||y of the published key"
a3s=$(printf '%s\n' "$RFC7515_A3_TOKEN" | jsu sbits ES256)
[ "$a3s" = "total=1 high=1 bad=0" ] && pass || fail "A.3: the published signature's S: $a3s (RFC text has a high S)"
cli_verify ES256 "$R/a3.keys" "$RFC7515_A3_TOKEN" --now "$RFC7515_NOW" --allow-high-s
[ "$got" = typ ] && pass || fail "A.3 as published: got $got, want typ (its header has no typ)"
# The published private key as a jwtsafe issuer key (jwtsafe-keys(5) line).
jsu secretline ES256 rfc7515-a3 "$R/a3.private.jwk" >"$R/a3.secret"
chmod 600 "$R/a3.secret"
if tok=$("$JWTSAFE" sign --key "$R/a3.secret" --iss "$ISS" --aud "$AUD" --sub "$SUB" 2>"$R/err"); then
	expect_cli ok "a token jwtsafe signed with the A.3 key, the imported A.3 JWK" ES256 "$R/a3.keys" "$tok"
	[ "$(jsu rawverify ES256 "$R/a3.jwk" "$tok")" = ok ] && pass ||
	    fail "pyca does not verify jwtsafe's A.3-key token under the published JWK"
	tamper tt "$tok"
	expect_cli bad-signature "that token changed" ES256 "$R/a3.keys" "$tt"
else
	getfile e "$R/err"
	fail "jwtsafe sign with the A.3 key: $e"
fi
rfc_result A3 "RFC 7515 A.3 ES256: the published key imports from JWK and PEM as 04||x||y; the example (its S is high) is refused at the header with typ: it has no typ, which jwtsafe requires before any signature check; a token jwtsafe signs with the published private key verifies under the imported key (jwtsafe) and the published JWK (pyca); changed: bad-signature" \
    "RFC 7515 A.3 ES256"

# RFC 8037 A.4 (EdDSA)
reset_cell
jwtsafe_import "$R/e.keys" EdDSA --kid rfc8037 "$R/e.jwk" && pass
getfield m "$R/e.keys" 7
[ "$m" = "$(jsu material EdDSA "$R/e.jwk")" ] && pass || fail "RFC 8037: the imported key is not the published x"
cli_verify EdDSA "$R/e.keys" "$RFC8037_A4_TOKEN" --now "$RFC7515_NOW"
[ "$got" = typ ] && pass || fail "RFC 8037 A.4 as published: got $got, want typ (its header has no typ)"
[ "$(jsu ed25519sign "$R/e.private.jwk" "${RFC8037_A4_TOKEN%.*}")" = "${RFC8037_A4_TOKEN##*.}" ] &&
    pass || fail "pyca does not make the RFC 8037 A.4 signature from the published seed"
jsu secretline EdDSA rfc8037 "$R/e.private.jwk" >"$R/e.secret"
chmod 600 "$R/e.secret"
if tok=$("$JWTSAFE" sign --key "$R/e.secret" --iss "$ISS" --aud "$AUD" --sub "$SUB" 2>"$R/err"); then
	[ "$(jsu ed25519sign "$R/e.private.jwk" "${tok%.*}")" = "${tok##*.}" ] && pass ||
	    fail "jwtsafe's Ed25519 signature with the RFC 8037 seed differs from pyca's over the same input"
	expect_cli ok "a token jwtsafe signed with the RFC 8037 key, the imported JWK" EdDSA "$R/e.keys" "$tok"
	tamper tt "$tok"
	expect_cli bad-signature "that token changed" EdDSA "$R/e.keys" "$tt"
else
	getfile e "$R/err"
	fail "jwtsafe sign with the RFC 8037 key: $e"
fi
rfc_result E4 "RFC 8037 A.4 EdDSA: the published JWK imports as x; the example is refused at the header at a fixed clock with typ: no typ (and its payload is not JSON); jwtsafe signing with the published seed gives byte for byte pyca's Ed25519 signature, and verifies under the imported key; changed: bad-signature" \
    "RFC 8037 A.4 EdDSA"

# RFC 7515 A.2 (RS256) and A.4 (ES512): refused as algorithms.
reset_cell
expect_exit() { # STATUS PATTERN WHAT COMMAND...
	local want=$1 pat=$2 what=$3 rc e
	shift 3
	"$@" >/dev/null 2>"$R/err"
	rc=$?
	getfile e "$R/err"
	[ "$rc" -eq "$want" ] && [[ $e == *$pat* ]] && pass ||
	    fail "$what: want exit $want and '$pat', got exit $rc: $e"
}
expect_exit 2 alg-refused "import --alg RS256" "$JWTSAFE" import --alg RS256 "$R/a2.jwk"
jwtsafe_import "$R/a2.keys" PS256 --kid rfc7515-a2 "$R/a2.jwk" && pass
cli_verify PS256 "$R/a2.keys" "$RFC7515_A2_TOKEN" --now "$RFC7515_NOW"
[ "$got" = alg-refused ] && pass || fail "A.2 against its own key (as PS256): got $got, want alg-refused"
expect_exit 2 alg-refused "verify --alg RS256" "$JWTSAFE" verify --alg RS256 --keys "$R/a2.keys" \
    --iss joe --aud x "$RFC7515_A2_TOKEN"
expect_exit 2 alg-refused "import --alg ES512" "$JWTSAFE" import --alg ES512 "$R/a4.jwk"
expect_exit 1 P-256 "the P-521 key imported as ES256" "$JWTSAFE" import --alg ES256 "$R/a4.jwk"
cli_verify ES256 "$R/a3.keys" "$RFC7515_A4_TOKEN" --now "$RFC7515_NOW"
[ "$got" = alg-refused ] && pass || fail "A.4 against an ES256 key file: got $got, want alg-refused"
pam_reset
margs args PS256 "$R/a2.keys"
pam_add PAM_AUTH_ERR alg-refused - "A.2 (RS256), module alg=PS256 with the A.2 key" "$args" "$RFC7515_A2_TOKEN"
margs args RS256 "$R/a2.keys"
pam_add PAM_SERVICE_ERR config - "module alg=RS256" "$args" "$RFC7515_A2_TOKEN"
margs args ES256 "$R/a3.keys"
pam_add PAM_AUTH_ERR alg-refused - "A.4 (ES512), module alg=ES256" "$args" "$RFC7515_A4_TOKEN"
margs args ES512 "$R/a3.keys"
pam_add PAM_SERVICE_ERR config - "module alg=ES512" "$args" "$RFC7515_A4_TOKEN"
pam_run
rfc_result A24 "RFC 7515 A.2 RS256 and A.4 ES512: refused as algorithms by import, verify and the module (alg-refused; alg=RS256 or ES512 on the module line is a configuration error), though their signatures verify under their keys" \
    "RFC 7515 A.2 RS256 and A.4 ES512"

# ---- the matrix --------------------------------------------------------------------------------

{
	echo "jwtsafe interoperability matrix (tests/interop/test_interop.sh)"
	echo "${VERSION[jwtsafe]:-jwtsafe ?}, $(date -u +%Y-%m-%d), $(uname -srm)$([ "${JWTSAFE_SANITIZERS:-0}" = 1 ] && echo ', sanitizer build')"
	for is in $ISSUERS; do
		printf '  %-9s %s\n' "${LABEL[$is]}" "${VERSION[$is]:-${SKIPWHY[$is]:-${UNAVAIL[$is]:-?}}}"
	done
	echo
	printf '%-9s %-6s %-12s %-12s %-16s %s\n' issuer alg "issuer->CLI" "issuer->PAM" "jwtsafe->issuer" "high-S"
	for is in $ISSUERS; do
		for alg in $ALGS; do
			printf '%-9s %-6s %-12s %-12s %-16s %s\n' "${LABEL[$is]}" "$alg" \
			    "${CELL[$is|$alg|issuer->CLI]:-?}" "${CELL[$is|$alg|issuer->PAM]:-?}" \
			    "${CELL[$is|$alg|jwtsafe->issuer]:-?}" "${HIGHS[$is|$alg]:--}"
		done
	done
	echo
	echo "issuer->CLI      the issuer's key through jwtsafe import (PEM and JWK), its token"
	echo "                 through jwtsafe verify"
	echo "issuer->PAM      its tokens through pam_jwtsafe.so and libpam (replay store on)"
	echo "jwtsafe->issuer  a token of jwtsafe sign verified by the issuer as a relying party"
	echo "ok               accepted, and a token of another key with the same kid and a"
	echo "                 changed token refused"
	echo "high-S           the issuer's ECDSA signatures with S > n/2, of those made: refused"
	echo "                 (sig-high-s) unless allow_high_s; jwtsafe sign makes low S only"
	echo "PAM refusal reasons checked from the module's log: $PAM_REASONS (needs root)"
	echo
	echo "RFC 7515 A.1 HS256 (fixed clock) ${RFC[A1]:-?}; A.3 ES256 ${RFC[A3]:-?}; RFC 8037 A.4 EdDSA ${RFC[E4]:-?};"
	echo "RFC 7515 A.2 RS256 and A.4 ES512 refused as algorithms ${RFC[A24]:-?}"
	echo "(A.3 and RFC 8037 A.4 carry no typ, so jwtsafe refuses them at the header;"
	echo " their published keys sign and verify jwtsafe tokens instead)"
	for note in "${NOTES[@]}"; do
		echo "note: $note"
	done
} >"$MATRIX"
while IFS= read -r l; do diag "$l"; done <"$MATRIX"
diag "runtime ${SECONDS} s; the matrix is in $MATRIX"

echo "1..$n"
[ "$failed" -eq 0 ]
