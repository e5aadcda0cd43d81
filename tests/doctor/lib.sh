# tests/doctor/lib.sh: helpers of the jwtsafe doctor tests, sourced by
# test_doctor.sh and test_doctor_ns.sh. TAP output.
#
# doctor_make_valid ROOT builds, under ROOT, a complete configuration that
# `jwtsafe doctor --root ROOT` finds nothing wrong with: two services (sshd
# with its own pam_jwtsafe line written over continued lines, sudo through
# an @include), key files, a map, an accounts file with nsswitch.conf, the
# NSS library, a replay store, sshd_config with an Include. Each negative
# test copies it and changes one thing.

set -u
DOC_SRCDIR=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
DOC_BUILDDIR=$(cd "${top_builddir:-$(dirname "$0")/../..}" && pwd)
JWTSAFE=${JWTSAFE:-$DOC_BUILDDIR/tools/jwtsafe}
ISS=https://issuer.example
export LC_ALL=C

n=0; failed=0
ok()   { n=$((n+1)); echo "ok $n - $*"; }
nok()  { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $*"; }
skip() { n=$((n+1)); echo "ok $n # SKIP $*"; }
diag() { sed 's/^/#   /' "$@"; }
done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }

# Keys are made once (PS256 takes a moment) into $KEYS, then copied.
# doctor_keys DIR: EdDSA, ES256, PS256 and HS256 keys, public halves, an
# expired EdDSA key, and one that retires in two days.
doctor_keys() {
	KEYS=$1
	mkdir -p "$KEYS" || return 1
	now=$(date +%s)
	"$JWTSAFE" keygen --alg EdDSA --kid ed-1 --out "$KEYS/ed.key" 2>/dev/null &&
	"$JWTSAFE" keygen --alg ES256 --kid es-1 --out "$KEYS/es.key" 2>/dev/null &&
	"$JWTSAFE" keygen --alg PS256 --kid ps-1 --bits 2048 --out "$KEYS/ps.key" 2>/dev/null &&
	"$JWTSAFE" keygen --alg HS256 --kid hs-1 --out "$KEYS/hs.key" 2>/dev/null &&
	"$JWTSAFE" keygen --alg EdDSA --kid ed-old --not-before $((now - 90 * 86400)) \
	    --not-after $((now - 86400)) --out "$KEYS/ed-old.key" 2>/dev/null &&
	"$JWTSAFE" keygen --alg EdDSA --kid ed-soon --not-after $((now + 2 * 86400)) \
	    --out "$KEYS/ed-soon.key" 2>/dev/null || return 1
	for k in ed es ps ed-old ed-soon; do
		"$JWTSAFE" pubkey "$KEYS/$k.key" >"$KEYS/$k.pub" || return 1
	done
}

# A file with content from stdin and a mode.
put() { # put MODE PATH
	mkdir -p "$(dirname "$2")" && cat >"$2" && chmod "$1" "$2"
}

doctor_make_valid() {
	r=$1
	mkdir -p "$r" && chmod 0755 "$r" || return 1
	(umask 022; mkdir -p "$r/etc/pam.d" "$r/etc/jwtsafe" "$r/etc/ssh/sshd_config.d" \
	    "$r/lib/security" "$r/usr/lib" "$r/var/lib/jwtsafe") || return 1
	mkdir -m 0700 "$r/var/lib/jwtsafe/replay" || return 1
	# the PAM module and NSS library: only their presence and modes matter
	printf 'not a real module\n' | put 0644 "$r/lib/security/pam_jwtsafe.so"
	printf 'not a real library\n' | put 0644 "$r/usr/lib/libnss_jwtsafe.so.2"
	cp "$KEYS/ed.pub" "$r/etc/jwtsafe/issuer.pub" && chmod 0644 "$r/etc/jwtsafe/issuer.pub"
	cp "$KEYS/es.pub" "$r/etc/jwtsafe/sudo.pub" && chmod 0644 "$r/etc/jwtsafe/sudo.pub"
	put 0644 "$r/etc/pam.d/sshd" <<-'EOF'
	# PAM configuration for the Secure Shell service
	auth [success=done default=die] pam_jwtsafe.so alg=EdDSA \
	    keys=/etc/jwtsafe/issuer.pub issuer=https://issuer.example \
	    audience=ssh:host1.example map=/etc/jwtsafe/users.map
	@include common-account
	session required pam_unix.so
	EOF
	put 0644 "$r/etc/pam.d/sudo" <<-'EOF'
	#%PAM-1.0
	@include jwtsafe-sudo
	@include common-account
	EOF
	put 0644 "$r/etc/pam.d/jwtsafe-sudo" <<-'EOF'
	# the token stack of sudo
	auth required pam_jwtsafe.so alg=ES256 keys=/etc/jwtsafe/sudo.pub issuer=https://issuer.example audience=sudo:host1.example max_ttl=120
	EOF
	put 0644 "$r/etc/pam.d/common-account" <<-'EOF'
	account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so
	account requisite pam_deny.so
	account required pam_permit.so
	EOF
	put 0644 "$r/etc/pam.d/login" <<-'EOF'
	auth required pam_unix.so
	@include common-account
	EOF
	put 0644 "$r/etc/jwtsafe/users.map" <<-'EOF'
	# subjects and the users they may act as
	alice@example.com: alice
	urn:example:ops: alice bob
	EOF
	put 0644 "$r/etc/jwtsafe/accounts" <<-'EOF'
	# token-only service accounts
	group deployers 60100
	account deploy 60001 60100 /var/lib/deploy /bin/sh deploy@ci.example
	account backup 60002 60100 /var/lib/backup /bin/sh backup@ci.example
	EOF
	put 0644 "$r/etc/nsswitch.conf" <<-'EOF'
	# /etc/nsswitch.conf
	passwd:         files jwtsafe
	group:          files [NOTFOUND=continue] jwtsafe
	shadow:         files
	hosts:          files dns
	EOF
	put 0644 "$r/etc/passwd" <<-'EOF'
	root:x:0:0:root:/root:/bin/bash
	daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
	alice:x:1000:1000:Alice:/home/alice:/bin/bash
	bob:x:1001:1001:Bob:/home/bob:/bin/bash
	EOF
	put 0644 "$r/etc/group" <<-'EOF'
	root:x:0:
	alice:x:1000:
	bob:x:1001:
	EOF
	put 0644 "$r/etc/ssh/sshd_config" <<-'EOF'
	Include /etc/ssh/sshd_config.d/*.conf
	KbdInteractiveAuthentication yes
	UsePAM yes
	X11Forwarding no
	EOF
	put 0644 "$r/etc/ssh/sshd_config.d/10-local.conf" <<-'EOF'
	# local settings
	PermitRootLogin no
	EOF
}

# doctor_run ROOT [OPTION...]: run doctor on ROOT; output in $tmp/out,
# status in $rc, findings (error and warning lines, without the two about
# the machine running the test: its kernel clock not synchronised, and not
# running as root) in $tmp/findings.
doctor_run() {
	root=$1; shift
	"$JWTSAFE" doctor --root "$root" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	grep -E '^(error|warning) ' "$tmp/out" | grep -v -E \
	    '^warning system: (the kernel says the clock is not synchronised|running as uid) ' \
	    >"$tmp/findings"
	return 0
}

# expect DESCRIPTION RC PATTERN...: the last run exited RC, and its
# findings are exactly one line per PATTERN (an extended regular
# expression matched against the whole line), each pattern matching one.
expect() {
	desc=$1 want=$2; shift 2
	bad=""
	[ "$rc" -eq "$want" ] || bad="exit $rc, want $want"
	nf=$(wc -l <"$tmp/findings")
	if [ -z "$bad" ] && [ "$nf" -ne $# ]; then
		bad="$nf findings, want $#"
	fi
	if [ -z "$bad" ]; then
		for pat in "$@"; do
			m=$(grep -c -E -e "^$pat\$" "$tmp/findings")
			if [ "$m" -ne 1 ]; then
				bad="$m findings match '$pat'"
				break
			fi
		done
	fi
	if [ -z "$bad" ]; then
		ok "$desc"
	else
		nok "$desc: $bad"
		diag "$tmp/out" "$tmp/err"
	fi
}

# A fresh copy of the valid configuration: $case_root.
fresh() {
	case_root=$tmp/case.$n
	rm -rf "$case_root"
	cp -a "$tmp/valid" "$case_root"
}
