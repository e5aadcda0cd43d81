#!/bin/sh
# jwtsafe doctor on the real paths (no --root), in a private mount
# namespace whose /etc is a copy of this machine's: the machine's own
# pam.d files, with a pam_jwtsafe line added to sshd, give no finding;
# sshd's settings come from `sshd -T` when it runs and from sshd_config
# when it cannot; a relative module name is looked up in libpam's
# directory. Root only (SKIP otherwise). The machine's /etc is never
# written: the checksum of its sshd_config and pam.d/sshd is compared
# before and after. TAP output.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
MODULE=""
for m in "$DOC_BUILDDIR/pam_jwtsafe/.libs/pam_jwtsafe.so" "$DOC_BUILDDIR/.libs/pam_jwtsafe.so"; do
	[ -f "$m" ] && { MODULE=$m; break; }
done

if [ "${JWTSAFE_DOCTOR_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (a private mount namespace over /etc)"
	[ -x "$JWTSAFE" ] || skip_all "the jwtsafe command is not built ($JWTSAFE)"
	[ -n "$MODULE" ] || skip_all "pam_jwtsafe.so is not built"
	command -v unshare >/dev/null 2>&1 || skip_all "unshare is not installed"
	[ -d /etc/pam.d ] || skip_all "no /etc/pam.d on this machine"
	unshare --mount --propagation private true 2>/dev/null ||
	    skip_all "unshare of a mount namespace is not permitted here"
	tmp=$(mktemp -d /tmp/jwtsafe-doctor-ns.XXXXXX) || { echo "Bail out! mktemp"; exit 1; }
	chmod 0755 "$tmp"
	trap 'rm -rf "$tmp"' EXIT INT TERM
	sums() { cat /etc/ssh/sshd_config /etc/pam.d/sshd 2>/dev/null | cksum; }
	before=$(sums)
	timeout -k 5 120 unshare --mount --propagation private \
	    env JWTSAFE_DOCTOR_NS=1 tmp="$tmp" sh "$0"
	st=$?
	n=$(cat "$tmp/count" 2>/dev/null || echo 0)
	failed=$(cat "$tmp/failed" 2>/dev/null || echo 1)
	[ "$st" -eq 0 ] || { failed=$((failed + 1)); n=$((n + 1)); echo "not ok $n - the namespaced part exited $st"; }
	if [ "$(sums)" = "$before" ]; then ok "the machine's sshd_config and pam.d/sshd are unchanged"
	else nok "the machine's sshd_config or pam.d/sshd changed"; fi
	done_testing
	exit $?
fi

# ---- inside the namespace ---------------------------------------------------------
record() { echo "$n" >"$tmp/count"; echo "$failed" >"$tmp/failed"; }
trap record EXIT
cp -a /etc "$tmp/etc" && mount --bind "$tmp/etc" /etc || { echo "Bail out! cannot put a copy of /etc in place"; exit 1; }
mount -t tmpfs -o mode=0755 jwtsafe-doctor /run || { echo "Bail out! cannot mount a private /run"; exit 1; }
mkdir -m 0755 /run/sshd

doctor_keys "$tmp/keys" || { echo "Bail out! keys"; exit 1; }
mkdir -p -m 0755 /etc/jwtsafe
cp "$KEYS/ed.pub" /etc/jwtsafe/issuer.pub && chmod 0644 /etc/jwtsafe/issuer.pub
rm -f /etc/jwtsafe/accounts
line="auth [success=done default=ignore] $MODULE alg=EdDSA keys=/etc/jwtsafe/issuer.pub issuer=$ISS audience=ssh:ns.example replay=$tmp/replay"
if [ -f /etc/pam.d/sshd ]; then
	{ echo "$line"; cat /etc/pam.d/sshd; } >"$tmp/sshd.pam" && cat "$tmp/sshd.pam" >/etc/pam.d/sshd
else
	printf '%s\nauth required pam_unix.so\n' "$line" >/etc/pam.d/sshd
fi
have_sshd=0
if [ -x /usr/sbin/sshd ] && [ -f /etc/ssh/sshd_config ]; then
	have_sshd=1
	sed -i -e '/^[[:space:]]*\(UsePAM\|KbdInteractiveAuthentication\|ChallengeResponseAuthentication\)[[:space:]]/d' \
	    /etc/ssh/sshd_config
	{ echo "UsePAM yes"; echo "KbdInteractiveAuthentication yes"; cat /etc/ssh/sshd_config; } >"$tmp/sshd_config" &&
	    cat "$tmp/sshd_config" >/etc/ssh/sshd_config
	/usr/sbin/sshd -T >/dev/null 2>&1 || have_sshd=0
fi

run() { # run [ARG...]: on the real paths
	"$JWTSAFE" doctor "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	grep -E '^(error|warning) ' "$tmp/out" | grep -v -E \
	    '^warning system: (the kernel says the clock is not synchronised|running as uid) ' \
	    >"$tmp/findings"
}

run
expect "every service of this machine's pam.d, with pam_jwtsafe added to sshd: no finding" 0
grep -q '^summary: 0 error(s), [0-9]* warning(s) in 1 pam_jwtsafe line(s) of 1 service(s)$' "$tmp/out" \
	&& ok "one line in one service (sshd)" || { nok "summary"; diag "$tmp/out"; }
grep -q -x "ok sshd:1: module $MODULE" "$tmp/out" && ok "the module is found by its full path" || { nok "module"; diag "$tmp/out"; }
grep -q -x "ok sshd:1: replay store $tmp/replay does not exist yet; the module creates it (mode 0700) at the first login" "$tmp/out" \
	&& ok "the replay store under /tmp can be created" || { nok "replay"; diag "$tmp/out"; }

if [ "$have_sshd" = 1 ]; then
	grep -q -x 'ok sshd -T: UsePAM yes, KbdInteractiveAuthentication yes, PasswordAuthentication [a-z]*' "$tmp/out" \
		&& ok "sshd's settings come from sshd -T" || { nok "sshd -T not used"; diag "$tmp/out"; }
	sed -i 's/^UsePAM yes/UsePAM no/' /etc/ssh/sshd_config
	run sshd
	expect "UsePAM no, seen by sshd -T" 1 \
	    'error sshd -T: UsePAM is no: sshd never runs the PAM stack, so sshd:1 is never reached -- fix: .*'
	umount /run
	run sshd
	expect "UsePAM no, read from the file when sshd -T cannot run (no /run/sshd)" 1 \
	    'error /etc/ssh/sshd_config:1: UsePAM is no: .*'
else
	skip "sshd is not installed or sshd -T does not run here"
	skip "sshd -T"
	skip "sshd_config"
fi

moddir=""
for d in /lib/*-linux-*/security /usr/lib/*-linux-*/security /lib64/security /lib/security; do
	[ -f "$d/pam_unix.so" ] && { moddir=$d; break; }
done
if [ -n "$moddir" ] && [ ! -e "$moddir/pam_jwtsafe.so" ]; then
	sed -i "1s|$MODULE|pam_jwtsafe.so|" /etc/pam.d/sshd
	run sshd
	# sshd -T is gone with /run; the file says UsePAM no from above
	grep -q -E "^error sshd:1: module pam_jwtsafe.so not found in (/usr)?$moddir: libpam answers \"Module is unknown\"" "$tmp/out" \
		&& ok "a relative module name is looked up in libpam's directory ($moddir)" || { nok "relative module"; diag "$tmp/out"; }
else
	skip "no pam_unix.so found, or pam_jwtsafe.so is installed on this machine"
fi
exit 0
