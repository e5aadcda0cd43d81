#!/bin/sh
# The jose command (Debian package jose, José, in C) as an issuer and as a
# relying party, for tests/interop/test_interop.sh.
#
#   issuer_josecli.sh issue DIR     keys and tokens for each algorithm
#   issuer_josecli.sh verify JOBS   verify jwtsafe's tokens
#
# Environment, output files and the JOBS format: as for issuer_pyjwt.py.
# Keys are made by `jose jwk gen` and made public by `jose jwk pub`; jose
# has no PEM output, so the test script converts its JWKs (pem.converted).
# As a relying party jose checks the signature (`jose jws ver`); jose is a
# JOSE tool, not a JWT library, so the claims are checked here with
# `jose fmt`: iss, aud and sub equal, iat and exp integers, exp in the
# future, jti a string.
# shellcheck disable=SC2015
set -u
umask 077
ALGS="EdDSA ES256 ES384 PS256 HS256 HS384"

version() {
	dpkg-query -W -f '${Version}' jose 2>/dev/null || echo '?'
}

# mint ALG KEY KID: one token on stdout
mint() {
	now=$(date +%s)
	jti=$(cat /proc/sys/kernel/random/uuid)
	printf '{"iss":"%s","aud":"%s","sub":"%s","iat":%s,"exp":%s,"jti":"%s"}' \
	    "$ISS" "$AUD" "$SUB" "$now" $((now + TTL)) "$jti" >"$tmpd/payload"
	jose jws sig -I "$tmpd/payload" -k "$2" -c -o - \
	    -s "{\"protected\":{\"alg\":\"$1\",\"typ\":\"JWT\",\"kid\":\"$3\"}}" &&
	    echo
}

issue() {
	top=$1
	tmpd=$top/.josecli
	mkdir -p "$tmpd" || exit 1
	signalgs=$(jose alg -k sign)
	for alg in $ALGS; do
		d=$top/$alg
		mkdir -p "$d" || exit 1
		if ! printf '%s\n' "$signalgs" | grep -qx "$alg"; then
			why="\`jose alg -k sign\` does not list $alg"
			if [ "$alg" = EdDSA ] && ! jose jwk gen \
			    -i '{"kty":"OKP","crv":"Ed25519"}' >/dev/null 2>&1; then
				why="$why and \`jose jwk gen\` cannot make an Ed25519 (OKP) key"
			fi
			echo "jose $(version): $why" >"$d/na"
			continue
		fi
		kid=josecli-$alg
		jose jwk gen -i "{\"alg\":\"$alg\",\"kid\":\"$kid\"}" -o "$tmpd/$alg.key" &&
		    jose jwk gen -i "{\"alg\":\"$alg\",\"kid\":\"$kid\"}" \
		    -o "$tmpd/$alg.other" || {
			echo "jose $(version): \`jose jwk gen\` failed for $alg" >"$d/na"
			continue
		}
		case $alg in
		HS*) cp "$tmpd/$alg.key" "$d/pub.jwk" ;;
		*) jose jwk pub -i "$tmpd/$alg.key" -o "$d/pub.jwk" &&
		    chmod 644 "$d/pub.jwk" ;;
		esac
		case $alg in
		ES*) n=$NTOK_EC ;;
		*) n=$NTOK ;;
		esac
		: >"$d/tokens"
		i=0
		while [ "$i" -lt "$n" ]; do
			mint "$alg" "$tmpd/$alg.key" "$kid" >>"$d/tokens" || exit 1
			i=$((i + 1))
		done
		mint "$alg" "$tmpd/$alg.other" "$kid" >"$d/other" || exit 1
	done
}

# check_claims PAYLOAD: 0 when the claims are what the issuer meant
check_claims() {
	jose fmt -j "$1" -O -g iss -q "$ISS" -E >/dev/null 2>&1 &&
	    jose fmt -j "$1" -O -g aud -q "$AUD" -E >/dev/null 2>&1 &&
	    jose fmt -j "$1" -O -g sub -q "$SUB" -E >/dev/null 2>&1 &&
	    jose fmt -j "$1" -O -g jti -S >/dev/null 2>&1 &&
	    iat=$(jose fmt -j "$1" -O -g iat -I -o- 2>/dev/null) &&
	    exp=$(jose fmt -j "$1" -O -g exp -I -o- 2>/dev/null) &&
	    now=$(date +%s) && [ "$exp" -gt "$now" ] && [ "$iat" -le $((now + 30)) ]
}

verify() {
	errf=$(mktemp) || exit 1
	while read -r id alg keyfile tokfile; do
		case $keyfile in
		*.jwk) ;;
		*) echo "$id refused: jose takes JWKs only"; continue ;;
		esac
		# The token itself, not the file: jose refuses a compact token
		# followed by a newline. Its exit status decides (it may write
		# the payload before it finds the signature invalid).
		if ! payload=$(jose jws ver -i "$(cat "$tokfile")" -k "$keyfile" -O - 2>"$errf"); then
			echo "$id refused: jose jws ver: $(tail -n 1 "$errf" | cut -c1-160)"
		elif ! check_claims "$payload"; then
			echo "$id refused: claims not as issued"
		else
			echo "$id ok"
		fi
	done <"$1"
	rm -f "$errf"
}

case ${1:-} in
issue) issue "$2" ;;
verify) verify "$2" ;;
*) echo "usage: $0 issue DIR | verify JOBS" >&2; exit 2 ;;
esac
