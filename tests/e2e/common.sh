# tests/e2e/common.sh: jwtsafe helpers for the end-to-end tests, sourced
# after sandbox.sh and used inside the sandbox: keys, tokens, PAM lines,
# and the checks on what pam_jwtsafe logs.

E2E_ISS=https://issuer.e2e.example
E2E_ALG=${JWTSAFE_E2E_ALG:-EdDSA}

# e2e_keys DIR [KEYGEN OPTION...]: a fresh key for $E2E_ALG in DIR. Sets
# E2E_SIGNKEY (the issuer's secret key file) and E2E_VERIFYKEYS (what the
# module loads: the public key line, or for HS256/HS384 the secret file
# itself, mode 0600). Both are listed in $SB_TMP/keyfiles.list for
# e2e_check_secrets.
e2e_keys() {
	local dir=$1
	shift
	mkdir -m 0755 "$dir" || return 1
	E2E_SIGNKEY=$dir/issuer.secret
	"$JWTSAFE" keygen --alg "$E2E_ALG" --kid e2e-1 "$@" \
	    --out "$E2E_SIGNKEY" 2>"$dir/keygen.err" || {
		sb_diag "jwtsafe keygen --alg $E2E_ALG failed: $(cat "$dir/keygen.err")"
		return 1
	}
	case $E2E_ALG in
	HS*)
		E2E_VERIFYKEYS=$E2E_SIGNKEY
		;;
	*)
		E2E_VERIFYKEYS=$dir/issuer.pub
		"$JWTSAFE" pubkey "$E2E_SIGNKEY" >"$E2E_VERIFYKEYS" 2>"$dir/pubkey.err" || {
			sb_diag "jwtsafe pubkey failed: $(cat "$dir/pubkey.err")"
			return 1
		}
		chmod 0644 "$E2E_VERIFYKEYS"
		;;
	esac
	printf '%s\n%s\n' "$E2E_SIGNKEY" "$E2E_VERIFYKEYS" >>"$SB_TMP/keyfiles.list"
}

# e2e_pam_auth AUDIENCE [OPTION...]: the module's "auth" line for a stack
e2e_pam_auth() {
	local aud=$1
	shift
	echo "auth required $PAM_JWTSAFE alg=$E2E_ALG keys=$E2E_VERIFYKEYS issuer=$E2E_ISS audience=$aud replay=$SB_TMP/replay${*:+ $*}"
}

# e2e_mint SUB AUD [jwtsafe sign option...]: prints a token; every token made
# (and every tampered one, see below) is listed in $SB_TMP/tokens.list for
# e2e_check_secrets.
e2e_mint() {
	local sub=$1 aud=$2 tok
	shift 2
	tok=$("$JWTSAFE" sign --key "$E2E_SIGNKEY" --iss "$E2E_ISS" \
	    --aud "$aud" --sub "$sub" "$@" 2>>"$SB_TMP/sign.err") || return 1
	[ -n "$tok" ] || return 1
	echo "$tok" >>"$SB_TMP/tokens.list"
	printf '%s\n' "$tok"
}

# e2e_mint_len SUB AUD LENGTH: a token of LENGTH bytes, or LENGTH + 1 where
# base64url cannot make LENGTH, padded with a "pad" claim of x's
e2e_mint_len() {
	local sub=$1 aud=$2 want=$3 k t tries=0
	t=$("$JWTSAFE" sign --key "$E2E_SIGNKEY" --iss "$E2E_ISS" --aud "$aud" \
	    --sub "$sub" --claim 'pad=""' 2>/dev/null) || return 1
	# 3 payload bytes make 4 characters
	k=$(((want - ${#t}) * 3 / 4 - 2))
	[ "$k" -lt 0 ] && return 1
	while :; do
		t=$("$JWTSAFE" sign --key "$E2E_SIGNKEY" --iss "$E2E_ISS" \
		    --aud "$aud" --sub "$sub" \
		    --claim "pad=\"$(printf "%${k}s" "" | tr ' ' x)\"" 2>/dev/null) ||
		    return 1
		[ "${#t}" -ge "$want" ] && break
		k=$((k + 1))
		tries=$((tries + 1))
		[ "$tries" -gt 16 ] && return 1
	done
	[ "${#t}" -le $((want + 1)) ] || return 1
	echo "$t" >>"$SB_TMP/tokens.list"
	printf '%s\n' "$t"
}

# e2e_tamper_sig TOKEN: one character in the middle of the signature changed
e2e_tamper_sig() {
	local t
	t=$(sb_tamper "$1")
	echo "$t" >>"$SB_TMP/tokens.list"
	printf '%s\n' "$t"
}

# e2e_tamper_exp TOKEN: the payload re-encoded with exp one hour later, the
# header and signature kept: what someone stretching a token's life would do
e2e_tamper_exp() {
	local t
	t=$("$SB_PYTHON" - "$1" <<'EOF'
import base64, json, sys
h, p, s = sys.argv[1].split(".")
claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
claims["exp"] += 3600
p2 = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).rstrip(b"=").decode()
print(h + "." + p2 + "." + s)
EOF
) || return 1
	echo "$t" >>"$SB_TMP/tokens.list"
	printf '%s\n' "$t"
}

# e2e_fp TOKEN: the fingerprint pam_jwtsafe logs (first 8 bytes of
# BLAKE2b-256 of the token, lower-case hex)
e2e_fp() {
	"$SB_PYTHON" -c 'import hashlib, sys
print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest()[:16])' "$1"
}

# e2e_decisions SINCE SERVICE: the pam_jwtsafe decision lines for SERVICE
# collected after line SINCE of the log
e2e_decisions() {
	sb_log_since "$1" | grep -F "pam_jwtsafe($2:auth)" | grep -F 'result='
}

# e2e_check_decision SINCE SERVICE RESULT REASON DESCRIPTION [TOKEN [USER]]
# One result: exactly one decision line since SINCE, with result=RESULT and
# reason=REASON, and when given, fp= the token's fingerprint and user=USER.
e2e_check_decision() {
	local since=$1 svc=$2 want_result=$3 want_reason=$4 desc=$5 tok=${6:-} \
	    user=${7:-} lines n bad=""
	lines=$(e2e_decisions "$since" "$svc")
	n=$(printf '%s' "$lines" | grep -c .)
	if [ "$n" -ne 1 ]; then
		bad="expected one pam_jwtsafe line, got $n"
	elif ! printf '%s' "$lines" | grep -q -E "(^|[ :])result=$want_result( |\$)"; then
		bad="not result=$want_result"
	elif ! printf '%s' "$lines" | grep -q -E " reason=$want_reason( |\$)"; then
		bad="not reason=$want_reason"
	elif [ -n "$tok" ] &&
	    ! printf '%s' "$lines" | grep -q -E " fp=$(e2e_fp "$tok")( |\$)"; then
		bad="fp= is not the token's fingerprint ($(e2e_fp "$tok"))"
	elif [ -n "$user" ] &&
	    ! printf '%s' "$lines" | grep -q -E " user=\"?$user\"?( |\$)"; then
		bad="not user=$user"
	fi
	if [ -z "$bad" ]; then
		sb_ok "$desc"
	else
		sb_fail "$desc"
		sb_diag "$bad" "log since line $since:" "$(sb_log_since "$since")"
		return 1
	fi
}

# e2e_check_secrets DESCRIPTION FILE...: no token made in this run (whole,
# or any of its three segments), and no key material (the MATERIAL and
# CHECKSUM fields of the key lines, in base64url and in hex) in any FILE.
e2e_check_secrets() {
	local desc=$1 pat=$SB_TMP/secret.patterns hits keyfiles=()
	shift
	[ -s "$SB_TMP/keyfiles.list" ] &&
	    mapfile -t keyfiles < <(sort -u "$SB_TMP/keyfiles.list")
	: >"$pat"
	if [ -s "$SB_TMP/tokens.list" ]; then
		tr '.' '\n' <"$SB_TMP/tokens.list" | grep -E '.{12,}' >>"$pat"
		cat "$SB_TMP/tokens.list" >>"$pat"
	fi
	"$SB_PYTHON" - "${keyfiles[@]}" >>"$pat" <<'EOF'
import base64, sys
seen = set()
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        continue
    for line in lines:
        f = line.split(" ")
        if len(f) != 8 or f[0] != "jwtsafe1":
            continue
        for field in (f[6], f[7]):
            if field in seen:
                continue
            seen.add(field)
            print(field)
            raw = base64.urlsafe_b64decode(field + "=" * (-len(field) % 4))
            if len(raw) >= 8:
                print(raw.hex())
                print(raw.hex().upper())
                print(base64.b64encode(raw).decode().rstrip("="))
EOF
	if [ ! -s "$pat" ]; then
		sb_fail "$desc"
		sb_diag "no token or key material to look for: the check would prove nothing"
		return 1
	fi
	hits=$(grep -n -F -f "$pat" "$@" 2>/dev/null)
	if [ -z "$hits" ]; then
		sb_ok "$desc ($(wc -l <"$pat") strings looked for)"
	else
		sb_fail "$desc"
		sb_diag "found:" "$hits"
		return 1
	fi
}
