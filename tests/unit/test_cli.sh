#!/bin/sh
# The jwtsafe command: keygen / pubkey / sign / verify round trips for all
# six algorithms, import, and the refusals a user meets first. TAP output.
set -u
JWTSAFE="${top_builddir:-../..}/tools/jwtsafe"
n=0; failed=0
ok()   { n=$((n+1)); echo "ok $n - $*"; }
nok()  { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION EXPECTED_STATUS COMMAND...
	desc=$1; want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc"; else
		nok "$desc (exit $got, want $want)"; sed 's/^/#   /' "$tmp/err"; fi
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jwtsafe-cli.XXXXXX") || exit 99
chmod 700 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
ISS=https://issuer.example AUD=ssh:host1.example

for alg in EdDSA ES256 ES384 PS256 HS256 HS384; do
	sk="$tmp/$alg.key"
	check "$alg: keygen" 0 "$JWTSAFE" keygen --alg "$alg" --kid "k-$alg" --out "$sk"
	mode=$(stat -c %a "$sk")
	[ "$mode" = 600 ] && ok "$alg: key file mode 0600" || nok "$alg: key file mode is $mode"
	check "$alg: keygen refuses to overwrite" 1 "$JWTSAFE" keygen --alg "$alg" --out "$sk"
	case $alg in
	HS*)	vk=$sk
		check "$alg: pubkey refused for an HMAC key" 1 "$JWTSAFE" pubkey "$sk" ;;
	*)	vk="$tmp/$alg.pub"
		"$JWTSAFE" pubkey "$sk" >"$vk" 2>"$tmp/err" && grep -q "^jwtsafe1 $alg public k-$alg " "$vk" \
			&& ok "$alg: pubkey prints a public key line" || nok "$alg: pubkey"
		chmod 644 "$vk" ;;
	esac
	tok=$("$JWTSAFE" sign --key "$sk" --iss "$ISS" --aud "$AUD" --sub alice 2>"$tmp/err")
	[ -n "$tok" ] && ok "$alg: sign" || nok "$alg: sign: $(cat "$tmp/err")"
	check "$alg: verify the fresh token" 0 "$JWTSAFE" verify --alg "$alg" --keys "$vk" --iss "$ISS" --aud "$AUD" --require-jti "$tok"
	grep -q '"sub":[[:space:]]*"alice"' "$tmp/out" && ok "$alg: verify prints the payload" || nok "$alg: payload not printed"
	printf '%s\n' "$tok" | "$JWTSAFE" verify --alg "$alg" --keys "$vk" --iss "$ISS" --aud "$AUD" - >/dev/null 2>&1 \
		&& ok "$alg: verify reads the token from stdin" || nok "$alg: verify from stdin"
	check "$alg: wrong audience refused" 1 "$JWTSAFE" verify --alg "$alg" --keys "$vk" --iss "$ISS" --aud ssh:other "$tok"
	grep -q 'audience' "$tmp/err" && ok "$alg: the reason names the audience" || nok "$alg: reason: $(cat "$tmp/err")"
	check "$alg: wrong issuer refused" 1 "$JWTSAFE" verify --alg "$alg" --keys "$vk" --iss https://evil.example --aud "$AUD" "$tok"
	# one character of the payload changed
	bad=$(printf '%s' "$tok" | awk -F. '{ p=$2; c=substr(p,5,1); r=(c=="A")?"B":"A"; print $1 "." substr(p,1,4) r substr(p,6) "." $3 }')
	check "$alg: tampered token refused" 1 "$JWTSAFE" verify --alg "$alg" --keys "$vk" --iss "$ISS" --aud "$AUD" "$bad"
	check "$alg: verify with the clock past expiry refused" 1 "$JWTSAFE" verify --alg "$alg" --keys "$vk" --iss "$ISS" --aud "$AUD" --now $(( $(date +%s) + 3600 )) "$tok"
	grep -q '^jwtsafe: verify: refused: expired' "$tmp/err" || grep -q 'refused: expired' "$tmp/err" \
		&& ok "$alg: the reason is expired" || nok "$alg: reason: $(cat "$tmp/err")"
done

# A token for one algorithm against a key file of another.
check "EdDSA token against an ES256 key file refused" 1 "$JWTSAFE" verify --alg ES256 --keys "$tmp/ES256.pub" --iss "$ISS" --aud "$AUD" \
	"$("$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice)"
check "ES256 key file given --alg EdDSA refused" 1 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/ES256.pub" --iss "$ISS" --aud "$AUD" \
	"$("$JWTSAFE" sign --key "$tmp/ES256.key" --iss "$ISS" --aud "$AUD" --sub alice)"
check "a secret key file is refused as a verifying key" 1 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" \
	"$("$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice)"
chmod 666 "$tmp/EdDSA.pub"
check "a world-writable key file is refused" 1 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" \
	"$("$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice)"
chmod 644 "$tmp/EdDSA.pub"
chmod 640 "$tmp/HS256.key"
check "a group-readable HMAC key is refused" 1 "$JWTSAFE" sign --key "$tmp/HS256.key" --iss "$ISS" --aud "$AUD" --sub alice
chmod 600 "$tmp/HS256.key"

# sign options
tok=$("$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice --ttl 600)
check "ttl 600 is over the default max-ttl 300" 1 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" "$tok"
check "and accepted with --max-ttl 600" 0 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" --max-ttl 600 "$tok"
now=$(date +%s)
tok=$("$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice --claim "iat=$((now-120))" --claim "exp=$((now-60))")
check "--claim sets exp: an expired token is refused" 1 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" "$tok"
tok=$("$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice --claim 'role="ops"' --typ at+jwt)
check "--typ at+jwt refused where JWT is expected" 1 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" "$tok"
check "--typ at+jwt accepted with --typ at+jwt" 0 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" --typ at+jwt "$tok"
grep -q '"role":[[:space:]]*"ops"' "$tmp/out" && ok "--claim adds a claim" || nok "--claim did not add role"
check "--claim with a value that is not JSON is a usage error" 2 "$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice --claim role=ops
big=$(head -c 1200 /dev/zero | tr '\0' a)
"$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice --claim "pad=\"$big\"" >/dev/null 2>"$tmp/err"
grep -q 'warning: the token is' "$tmp/err" && ok "sign warns about tokens over 1023 bytes" || nok "no length warning"
"$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub alice >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok "no warning for a normal token" || nok "unexpected stderr: $(cat "$tmp/err")"
check "PS256 with --bits 4096" 0 "$JWTSAFE" keygen --alg PS256 --bits 4096 --out "$tmp/ps4096.key"
tok=$("$JWTSAFE" sign --key "$tmp/ps4096.key" --iss "$ISS" --aud "$AUD" --sub alice 2>"$tmp/err")
[ ${#tok} -lt 1024 ] && ok "a PS256-4096 token is ${#tok} bytes (< 1024)" || nok "PS256-4096 token is ${#tok} bytes"
grep -q 'sudo refuses answers of 512 bytes' "$tmp/err" && ok "sign notes that sudo cannot carry a ${#tok}-byte token" || nok "no sudo note: $(cat "$tmp/err")"

# key windows
check "keygen with a validity window" 0 "$JWTSAFE" keygen --alg EdDSA --kid later --not-before $(( $(date +%s) + 3600 )) --out "$tmp/later.key"
"$JWTSAFE" pubkey "$tmp/later.key" >"$tmp/later.pub"; chmod 644 "$tmp/later.pub"
now=$(date +%s)
tok=$("$JWTSAFE" sign --key "$tmp/later.key" --iss "$ISS" --aud "$AUD" --sub alice --claim "iat=$((now+3610))" --claim "exp=$((now+3660))")
check "a key before its not-before refuses tokens" 1 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/later.pub" --iss "$ISS" --aud "$AUD" --now $((now+3590)) "$tok"
grep -q 'key-not-yet-valid' "$tmp/err" && ok "with its own reason" || nok "reason: $(cat "$tmp/err")"
check "and accepts the same token once the key is valid" 0 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/later.pub" --iss "$ISS" --aud "$AUD" --now $((now+3620)) "$tok"

# import
if command -v openssl >/dev/null 2>&1; then
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ec.pem" 2>/dev/null
	openssl pkey -in "$tmp/ec.pem" -pubout -out "$tmp/ec.pub.pem" 2>/dev/null
	check "import an ES256 PEM public key" 0 "$JWTSAFE" import --alg ES256 --kid issuer1 "$tmp/ec.pub.pem"
	grep -q '^jwtsafe1 ES256 public issuer1 ' "$tmp/out" && ok "imported line is an ES256 public key" || nok "imported line: $(cat "$tmp/out")"
	check "an ES256 PEM imported as ES384 is refused" 1 "$JWTSAFE" import --alg ES384 "$tmp/ec.pub.pem"
	check "a PEM private key is refused by import" 1 "$JWTSAFE" import --alg ES256 "$tmp/ec.pem"
	openssl genpkey -algorithm ED25519 -out "$tmp/ed.pem" 2>/dev/null
	openssl pkey -in "$tmp/ed.pem" -pubout 2>/dev/null | "$JWTSAFE" import --alg EdDSA - >"$tmp/out" 2>"$tmp/err" \
		&& grep -q '^jwtsafe1 EdDSA public ' "$tmp/out" && ok "import an Ed25519 PEM from stdin" || nok "import Ed25519: $(cat "$tmp/err")"
else
	n=$((n+1)); echo "ok $n - # SKIP openssl command not installed"
fi

# usage errors
for sub in keygen pubkey import sign verify; do
	check "$sub --help" 0 "$JWTSAFE" $sub --help
	check "$sub with a bad option is a usage error" 2 "$JWTSAFE" $sub --no-such-option
done
check "no command is a usage error" 2 "$JWTSAFE"
check "unknown command is a usage error" 2 "$JWTSAFE" frobnicate
check "keygen --alg none is refused" 2 "$JWTSAFE" keygen --alg none --out "$tmp/none.key"
grep -q 'on purpose' "$tmp/err" && ok "and says it is refused on purpose" || nok "message: $(cat "$tmp/err")"
check "keygen --alg RS256 is refused" 2 "$JWTSAFE" keygen --alg RS256 --out "$tmp/rs.key"
check "keygen --bits for EdDSA is a usage error" 2 "$JWTSAFE" keygen --alg EdDSA --bits 2048 --out "$tmp/x.key"
check "sign without --sub is a usage error" 2 "$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD"
check "sign --ttl 0 is a usage error" 2 "$JWTSAFE" sign --key "$tmp/EdDSA.key" --iss "$ISS" --aud "$AUD" --sub a --ttl 0
check "verify --leeway 301 is a usage error" 2 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" --leeway 301 x
check "verify --max-ttl abc is a usage error" 2 "$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" --max-ttl abc x
head -c 9000 /dev/zero | tr '\0' a >"$tmp/long"
"$JWTSAFE" verify --alg EdDSA --keys "$tmp/EdDSA.pub" --iss "$ISS" --aud "$AUD" - <"$tmp/long" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q '8192' "$tmp/err" && ok "a 9000-byte token on stdin is refused, not truncated" || nok "long token: $(cat "$tmp/err")"

echo "1..$n"
[ "$failed" -eq 0 ]
