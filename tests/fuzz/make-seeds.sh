#!/bin/sh
# Regenerate the fuzzers' seed corpora in tests/fuzz/corpus/ with the
# jwtsafe command of a build directory.
#
#   tests/fuzz/make-seeds.sh [--new-keys] BUILDDIR
#
# The fuzz_token keys are the test keys in tests/fuzz/fuzzkeys.h (k1, k2
# with a window around the fuzzers' clock, k3 retired before it, for each
# algorithm). They are not secret and only ever sign fuzz seeds.
# --new-keys makes new ones with `jwtsafe keygen` and rewrites fuzzkeys.h;
# then rebuild the fuzzers and commit both. Seeds are made valid at the
# fuzzers' fixed clock (FUZZ_NOW in fuzzer.h). Seeds not made here (for
# example regress-* inputs that once crashed a target) are left alone.
# Needs openssl and python3 besides the jwtsafe command.
set -eu

new_keys=0
if [ "${1:-}" = --new-keys ]; then
	new_keys=1
	shift
fi
if [ $# -ne 1 ] || [ ! -x "$1/tools/jwtsafe" ]; then
	echo "usage: $0 [--new-keys] BUILDDIR (holding tools/jwtsafe)" >&2
	exit 2
fi
jwtsafe=$(cd "$1" && pwd)/tools/jwtsafe
here=$(cd "$(dirname "$0")" && pwd)
keys_h=$here/fuzzkeys.h
corpus=$here/corpus

NOW=1700000000                  # FUZZ_NOW in fuzzer.h
ISS=https://issuer.example      # FUZZ_ISSUER
AUD=ssh:host1.example           # FUZZ_AUDIENCE
ALGS="EdDSA ES256 ES384 PS256 HS256 HS384"   # the selector's order

umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---- keys -------------------------------------------------------------------
if [ "$new_keys" = 1 ] || [ ! -f "$keys_h" ]; then
	for a in $ALGS; do
		bits=""
		[ "$a" = PS256 ] && bits="--bits 2048"
		# shellcheck disable=SC2086
		"$jwtsafe" keygen --alg "$a" --kid k1 $bits \
		    --out "$tmp/new-$a-k1" 2>/dev/null
		# shellcheck disable=SC2086
		"$jwtsafe" keygen --alg "$a" --kid k2 $bits \
		    --not-before $((NOW - 86400)) \
		    --not-after $((NOW + 365 * 86400)) \
		    --out "$tmp/new-$a-k2" 2>/dev/null
		# shellcheck disable=SC2086
		"$jwtsafe" keygen --alg "$a" --kid k3 $bits \
		    --not-before $((NOW - 2 * 86400)) \
		    --not-after $((NOW - 3600)) \
		    --out "$tmp/new-$a-k3" 2>/dev/null
	done
	{
		echo "/*"
		echo " * Test keys of fuzz_token, made by make-seeds.sh --new-keys."
		echo " * Not secret: they only ever sign the fuzzers' seed tokens."
		echo " * For each algorithm: k1; k2, valid around FUZZ_NOW; k3,"
		echo " * retired before FUZZ_NOW."
		echo " */"
		echo "#ifndef JWTSAFE_FUZZKEYS_H"
		echo "#define JWTSAFE_FUZZKEYS_H"
		echo
		echo "static const char *const fuzz_key_lines[] = {"
		for a in $ALGS; do
			for k in k1 k2 k3; do
				printf '\t"%s",\n' "$(cat "$tmp/new-$a-$k")"
			done
		done
		echo "	NULL"
		echo "};"
		echo
		echo "#endif /* JWTSAFE_FUZZKEYS_H */"
	} >"$keys_h.tmp"
	chmod 644 "$keys_h.tmp"
	mv "$keys_h.tmp" "$keys_h"
	echo "wrote $keys_h: rebuild the fuzzers"
fi

# The key lines of fuzzkeys.h as secret key files: $tmp/ALG-KID.key.
sed -n 's/^[[:space:]]*"\(jwtsafe1 [^"]*\)",$/\1/p' "$keys_h" |
while read -r tag alg purpose kid rest; do
	printf '%s %s %s %s %s\n' "$tag" "$alg" "$purpose" "$kid" "$rest" \
	    >"$tmp/$alg-$kid.key"
done
for a in $ALGS; do
	for k in k1 k2 k3; do
		[ -f "$tmp/$a-$k.key" ] || { echo "$keys_h: no $a $k" >&2; exit 1; }
	done
done

# ---- helpers ----------------------------------------------------------------
# selector BYTE: print one byte (given as two hex digits) with no newline.
selector() {
	# shellcheck disable=SC2059
	printf "\\$(printf '%03o' "0x$1")"
}

# The selector of fuzz_token for algorithm index i plus flags.
alg_index() {
	i=0
	for x in $ALGS; do
		[ "$x" = "$1" ] && { echo "$i"; return; }
		i=$((i + 1))
	done
	exit 1
}

sel() {  # sel ALG FLAGS  -> two hex digits
	printf '%02x' $(( $(alg_index "$1") | $2 ))
}

sign() {  # sign ALG KID [extra jwtsafe sign options]
	a=$1 k=$2
	shift 2
	"$jwtsafe" sign --key "$tmp/$a-$k.key" --iss "$ISS" --aud "$AUD" \
	    --sub alice --claim "iat=$((NOW - 10))" \
	    --claim "exp=$((NOW + 50))" "$@" 2>/dev/null
}

# verify ALG TOKEN [options]: the seed must be valid at NOW.
check_token() {
	a=$1 t=$2
	shift 2
	case $a in HS*) keys="$tmp/$a-k1.key" ;; *) keys="$tmp/$a.pub" ;; esac
	"$jwtsafe" verify --alg "$a" --keys "$keys" --iss "$ISS" --aud "$AUD" \
	    --now "$NOW" --require-jti "$@" "$t" >/dev/null 2>&1 || {
		echo "make-seeds: a $a seed does not verify" >&2
		exit 1
	}
}

b64u_decode() {  # base64url without padding -> bytes on stdout
	python3 -c 'import base64,sys; s=sys.argv[1]; sys.stdout.buffer.write(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))' "$1"
}

b64u() {  # bytes on stdin -> base64url without padding
	python3 -c 'import base64,sys; print(base64.urlsafe_b64encode(sys.stdin.buffer.read()).decode().rstrip("="), end="")'
}

# ---- fuzz_token ---------------------------------------------------------------
d=$corpus/fuzz_token
mkdir -p "$d"
PAYLOAD="{\"iss\":\"$ISS\",\"aud\":\"$AUD\",\"sub\":\"alice\",\"iat\":$((NOW - 10)),\"exp\":$((NOW + 50)),\"jti\":\"seed-jti-1\"}"
for a in $ALGS; do
	case $a in
	HS*) ;;
	*) "$jwtsafe" pubkey "$tmp/$a-k1.key" >"$tmp/$a.pub" 2>/dev/null ;;
	esac
	# compact, k1 only, jti required                      ("0".."5")
	t=$(sign "$a" k1)
	check_token "$a" "$t"
	{ selector "$(sel "$a" 0x30)"; printf '%s' "$t"; } >"$d/tok-$a-k1"
	# compact, signed with k2, three keys loaded             (" ".."%")
	t=$(sign "$a" k2)
	{ selector "$(sel "$a" 0x20)"; printf '%s' "$t"; } >"$d/tok-$a-k2"
	# sign mode, no kid, k1 only, jti required               ("p".."u")
	{ selector "$(sel "$a" 0x70)"
	  printf '{"alg":"%s","typ":"JWT"}\n%s' "$a" "$PAYLOAD"; } \
	    >"$d/sign-$a-nokid"
	# sign mode, kid k1, three keys loaded                   ("`".."e")
	{ selector "$(sel "$a" 0x60)"
	  printf '{"alg":"%s","typ":"JWT","kid":"k1"}\n%s' "$a" "$PAYLOAD"; } \
	    >"$d/sign-$a-k1"
done
# sign mode, the other claim shapes: aud array, nbf, no jti, app/ typ
{ selector "$(sel EdDSA 0x50)"
  printf '{"typ":"application/jwt","alg":"EdDSA"}\n'
  printf '{"sub":"urn:example:user:7","iss":"%s","aud":["other","%s"],' "$ISS" "$AUD"
  printf '"nbf":%d,"iat":%d,"exp":%d}' $((NOW - 5)) $((NOW - 5)) $((NOW + 295))
} >"$d/sign-EdDSA-claims"
{ selector "$(sel ES256 0xd0)"
  printf '{"alg":"ES256","kid":"k1","typ":"JWT"}\n'
  printf '{"iss":"%s","aud":"%s","sub":"bob","iat":%d,"exp":%d,"extra":{"a":[1,2.5,null,true]}}' \
      "$ISS" "$AUD" "$NOW" $((NOW + 1))
} >"$d/sign-ES256-leeway0"

# high-S twins of the ECDSA k1 seeds, accepted only with allow_high_s
for a in ES256 ES384; do
	case $a in
	ES256) n=FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551 ;;
	ES384) n=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973 ;;
	esac
	t=$(sign "$a" k1)
	sig=${t##*.}
	hs=$(b64u_decode "$sig" | python3 -c '
import sys
n = int(sys.argv[1], 16)
sig = sys.stdin.buffer.read()
h = len(sig) // 2
s = int.from_bytes(sig[h:], "big")
sys.stdout.buffer.write(sig[:h] + (n - s).to_bytes(h, "big"))' "$n" | b64u)
	t2=${t%.*}.$hs
	check_token "$a" "$t2" --allow-high-s
	{ selector "$(sel "$a" 0x38)"; printf '%s' "$t2"; } >"$d/tok-$a-highs"
done

# ---- fuzz_keyfile -------------------------------------------------------------
d=$corpus/fuzz_keyfile
mkdir -p "$d"
pem() {  # DER on stdin -> PEM public key
	echo "-----BEGIN PUBLIC KEY-----"
	base64 -w 64
	echo "-----END PUBLIC KEY-----"
}
for a in $ALGS; do
	cp "$tmp/$a-k1.key" "$d/keys-$a-secret"
	case $a in
	HS*)
		cat "$tmp/$a-k1.key" "$tmp/$a-k2.key" >"$d/keys-$a-two"
		k=$(cut -d' ' -f7 "$tmp/$a-k1.key")
		printf '{"kty":"oct","k":"%s","alg":"%s","use":"sig","kid":"k1"}\n' \
		    "$k" "$a" >"$d/jwk-$a"
		continue ;;
	esac
	{
		echo "# $a public keys: k1; k2 and k3 with windows"
		for k in k1 k2 k3; do
			"$jwtsafe" pubkey "$tmp/$a-$k.key" 2>/dev/null
		done
		echo
	} >"$d/keys-$a-public"
	m=$(cut -d' ' -f7 "$tmp/$a.pub")
	b64u_decode "$m" >"$tmp/mat"
	case $a in
	EdDSA)
		{ printf '\060\052\060\005\006\003\053\145\160\003\041\000'
		  cat "$tmp/mat"; } | pem >"$d/pem-$a"
		printf '{"kty":"OKP","crv":"Ed25519","x":"%s","alg":"EdDSA","use":"sig"}\n' \
		    "$m" >"$d/jwk-$a" ;;
	ES256|ES384)
		if [ "$a" = ES256 ]; then
			crv=P-256 h=32
			pfx=3059301306072a8648ce3d020106082a8648ce3d030107034200
		else
			crv=P-384 h=48
			pfx=3076301006072a8648ce3d020106052b81040022036200
		fi
		{ printf '%s' "$pfx" | xxd -r -p; cat "$tmp/mat"; } | pem \
		    >"$d/pem-$a"
		x=$(dd if="$tmp/mat" bs=1 skip=1 count=$h 2>/dev/null | b64u)
		y=$(dd if="$tmp/mat" bs=1 skip=$((1 + h)) count=$h 2>/dev/null | b64u)
		printf '{"kty":"EC","crv":"%s","x":"%s","y":"%s","kid":"k1"}\n' \
		    "$crv" "$x" "$y" >"$d/jwk-$a" ;;
	PS256)
		pem <"$tmp/mat" >"$d/pem-$a"
		nhex=$(openssl rsa -pubin -inform DER -in "$tmp/mat" -noout \
		    -modulus | sed 's/^Modulus=//')
		nb=$(printf '%s' "$nhex" | xxd -r -p | b64u)
		e=$(openssl pkey -pubin -inform DER -in "$tmp/mat" -noout \
		    -text | sed -n 's/^Exponent: \([0-9]*\) .*/\1/p')
		eb=$(python3 -c 'import sys; e=int(sys.argv[1]); sys.stdout.buffer.write(e.to_bytes((e.bit_length()+7)//8,"big"))' "$e" | b64u)
		printf '{"kty":"RSA","n":"%s","e":"%s","alg":"PS256"}\n' \
		    "$nb" "$eb" >"$d/jwk-$a" ;;
	esac
	for f in "$d/pem-$a" "$d/jwk-$a"; do
		"$jwtsafe" import --alg "$a" "$f" >/dev/null 2>&1 || {
			echo "make-seeds: $f does not import" >&2
			exit 1
		}
	done
done
"$jwtsafe" import --alg HS256 "$d/jwk-HS256" >/dev/null 2>&1 ||
	echo "make-seeds: note: jwk-HS256 is refused by jwtsafe import" >&2

# ---- fuzz_usermap ---------------------------------------------------------------
d=$corpus/fuzz_usermap
mkdir -p "$d"
cp "$here/../../etc/users.map.example" "$d/map-example"
printf 'alice: alice\n' >"$d/map-one"
printf '# comment\n\n   \nalice@example.com: alice\nbob@example.com:\tbob  deploy\t\n' \
    >"$d/map-blanks"
printf 'urn:example:ops:: oncall backup\nhttps://idp.example/u/1: carol\nauth0|5f7c: dave' \
    >"$d/map-colons"
printf '\320\266\320\265\320\275\321\217: zhenya \303\251mile\n' >"$d/map-utf8"
: >"$d/map-empty"

# ---- fuzz_options -------------------------------------------------------------
d=$corpus/fuzz_options
mkdir -p "$d"
printf '%s\n' alg=EdDSA keys=/etc/jwtsafe/issuer.pub issuer="$ISS" \
    audience=ssh:host1.example >"$d/opt-sshd"
printf '%s\n' alg=ES256 keys=/etc/jwtsafe/issuer-es256.pub issuer="$ISS" \
    audience=sudo:host1.example max_ttl=120 >"$d/opt-sudo"
printf '%s\n' alg=PS256 keys=/etc/jwtsafe/keys.pub issuer="$ISS" \
    audience="$AUD" typ=at+jwt max_ttl=86400 leeway=0 \
    map=/etc/jwtsafe/users.map replay=/var/lib/jwtsafe/replay allow_root \
    allow_high_s "prompt=JWT for sudo: " try_first_pass debug >"$d/opt-all"
printf '%s\n' alg=HS384 keys=/etc/jwtsafe/shared.key issuer=iss \
    audience=aud noreplay use_first_pass leeway=300 >"$d/opt-noreplay"
printf 'alg=HS256\000keys=/k\000issuer=i\000audience=a' >"$d/opt-nul"
printf '%s\n' alg=EdDSA keys=/etc/jwtsafe/../shadow issuer=i audience=a \
    >"$d/opt-dotdot"

find "$corpus" -type d -exec chmod 755 {} +
find "$corpus" -type f -exec chmod 644 {} +
n=$(find "$corpus" -type f | wc -l)
size=$(find "$corpus" -type f -exec cat {} + | wc -c)
echo "make-seeds: $n seed files, $size bytes in $corpus"
