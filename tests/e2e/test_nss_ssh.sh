#!/bin/bash
# End-to-end: an SSH login with a token as a service account that exists
# only in /etc/jwtsafe/accounts, through nss_jwtsafe, a real sshd and real
# PAM.
#
# In a private mount namespace over a copy of /etc (see sandbox.sh): the
# built libnss_jwtsafe.so.2 in a root-owned directory that ld.so.cache (the
# copy's, rebuilt by ldconfig; its aux cache on a private tmpfs) lists, so
# every process finds it as an installed module would be found;
# "passwd: files jwtsafe" and "group: files jwtsafe" in nsswitch.conf; an
# accounts file declaring the accounts and who may use them; a PAM service
# whose auth line is pam_jwtsafe with map= that same file, and whose
# account and session lines are pam_unix's, as Debian's sshd stack has.
#
# The account is not in /etc/passwd; sshd finds it, the token of the
# subject its line names logs in (keyboard-interactive and password), and
# `id -u`, `id -un`, `id -gn` run as its uid print its uid and names
# (through the module in the session as well). Refused: another subject's
# valid token for it (with that subject's own login as the positive
# control), a token whose subject is the account's name, and any login
# once a bad line is added to the file (the PAM module refuses the whole
# file, while the NSS module still serves the good lines). Each decision
# leaves one pam_jwtsafe log line; no token or key bytes, and no subject
# from nss_jwtsafe, appear in the collected logs.
#
# Run from a build dir: top_builddir=$PWD top_srcdir=/path/to/src \
#     /path/to/src/tests/e2e/test_nss_ssh.sh
# Needs root, unshare, sshd (openssh-server), ssh, sshpass, python3, ldconfig.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
. "$here/common.sh"

NSS_SO=$SB_BUILDDIR/nss_jwtsafe/.libs/libnss_jwtsafe.so.2
sb_need_cmd ssh ssh-keygen sshpass getent ldconfig
[ -x /usr/sbin/sshd ] || SB_SKIP=${SB_SKIP:-"/usr/sbin/sshd is not installed (openssh-server)"}
sb_need_module
sb_need_cli
if [ ! -f "$NSS_SO" ]; then
	SB_SKIP=${SB_SKIP:-"libnss_jwtsafe.so.2 is not built ($NSS_SO)"}
elif grep -q -a __asan_init "$NSS_SO"; then
	SB_SKIP=${SB_SKIP:-"libnss_jwtsafe.so.2 is built with ASan, which sshd does not load"}
fi
sb_enter 20 "$@"

# ---------------------------------------------------------------- inside --
SVC=jwtsafe-sshd
AUD=ssh-nss-e2e.$(hostname 2>/dev/null || echo host)
ACC=/etc/jwtsafe/accounts
U=jwtsvc                        # the declared account
UID_U=60123
SUB=svc-subject@e2e.example     # the subject its line names
U2=jwtother
UID_U2=60124
SUB2=other-subject@e2e.example
SSHD_DIR=$SB_TMP/ssh
TOK=$SB_TMP/tok
PORT=""

stop_sshd() {
	local pid
	[ -f "$SSHD_DIR/sshd.pid" ] || return 0
	pid=$(cat "$SSHD_DIR/sshd.pid")
	kill -TERM "$pid" 2>/dev/null
	sb_wait_for 5 sh -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
	rm -f "$SSHD_DIR/sshd.pid"
}
SB_INNER_CLEANUP_HOOK=stop_sshd

# the module where the dynamic linker finds it, as if installed
install_nss() {
	local lib=$SB_TMP/nsslib
	mkdir -m 0755 "$lib" && install -o 0 -g 0 -m 0644 "$NSS_SO" "$lib/" &&
	    echo "$lib" >/etc/ld.so.conf.d/zz-jwtsafe-e2e.conf || return 1
	# ldconfig also writes its aux cache under /var/cache: keep it private
	if [ -d /var/cache/ldconfig ]; then
		mount -t tmpfs -o mode=0700,size=16m jwtsafe-e2e /var/cache/ldconfig ||
		    return 1
	fi
	ldconfig -X || return 1
	ldconfig -p | grep -q "libnss_jwtsafe.so.2 .*=> $lib/" || return 1
	sed -i -e 's/^passwd:.*/passwd: files jwtsafe/' \
	    -e 's/^group:.*/group: files jwtsafe/' /etc/nsswitch.conf &&
	    grep -q '^passwd: files jwtsafe$' /etc/nsswitch.conf
}

home_of() {
	if [ "$(findmnt -n -o SOURCE --mountpoint /home 2>/dev/null)" = jwtsafe-e2e ]; then
		echo "/home/$1"
	else
		echo "$SB_TMP/home/$1"
	fi
}

# write_accounts [EXTRA-LINE]
write_accounts() {
	mkdir -p -m 0755 /etc/jwtsafe && chown 0:0 /etc/jwtsafe || return 1
	{
		echo "# jwtsafe e2e: token-only accounts"
		echo "range 60000 60999"
		echo "group $U $UID_U"
		echo "account $U $UID_U $UID_U $(home_of $U) /bin/sh $SUB"
		echo "account $U2 $UID_U2 $UID_U $(home_of $U2) /bin/sh $SUB2"
		if [ $# -gt 0 ]; then echo "$1"; fi
	} >"$ACC.new" && chmod 0644 "$ACC.new" && mv -f "$ACC.new" "$ACC"
}

make_homes() {
	local h
	for h in "$(home_of $U):$UID_U" "$(home_of $U2):$UID_U2"; do
		mkdir -p -m 0755 "$(dirname "${h%%:*}")" &&
		    mkdir -m 0700 "${h%%:*}" && chown "${h#*:}:$UID_U" "${h%%:*}" ||
		    return 1
	done
}

start_sshd() {
	local pid sshd
	mkdir -m 0755 "$SSHD_DIR" "$SB_TMP/bin" || return 1
	ssh-keygen -q -t ed25519 -N '' -C jwtsafe-e2e \
	    -f "$SSHD_DIR/host_ed25519" || return 1
	# OpenSSH before 10 takes its PAM service name from its program name
	ln -sf /usr/sbin/sshd "$SB_TMP/bin/$SVC"
	sshd=$SB_TMP/bin/$SVC
	for _ in 1 2 3; do
		PORT=$(sb_free_port) || return 1
		cat >"$SSHD_DIR/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
AddressFamily inet
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication yes
PubkeyAuthentication no
HostbasedAuthentication no
GSSAPIAuthentication no
AuthorizedKeysFile none
PermitRootLogin no
PermitEmptyPasswords no
MaxAuthTries 3
LoginGraceTime 30
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTTY no
LogLevel VERBOSE
EOF
		"$sshd" -t -f "$SSHD_DIR/sshd_config" -o PAMServiceName=$SVC \
		    2>/dev/null &&
		    echo "PAMServiceName $SVC" >>"$SSHD_DIR/sshd_config"
		"$sshd" -t -f "$SSHD_DIR/sshd_config" 2>"$SSHD_DIR/sshd-t.err" || {
			sb_diag "sshd -t: $(cat "$SSHD_DIR/sshd-t.err")"
			return 1
		}
		: >"$SSHD_DIR/sshd.log"
		"$sshd" -D -f "$SSHD_DIR/sshd_config" -E "$SSHD_DIR/sshd.log" &
		pid=$!
		sb_bg "$pid"
		if sb_wait_for 10 grep -q "Server listening on 127.0.0.1 port $PORT" \
		    "$SSHD_DIR/sshd.log"; then
			return 0
		fi
		kill "$pid" 2>/dev/null
		sb_diag "sshd did not start on port $PORT:" "$(tail -5 "$SSHD_DIR/sshd.log")"
	done
	return 1
}

write_pam() {
	{
		echo "# jwtsafe end-to-end test (private copy of /etc)"
		e2e_pam_auth "$AUD" "map=$ACC"
		echo "account required pam_nologin.so"
		echo "account required pam_unix.so"
		echo "session required pam_unix.so"
	} >"/etc/pam.d/$SVC"
}

setup() {
	install_nss || { sb_diag "cannot put the NSS module in place"; return 1; }
	write_accounts && make_homes || return 1
	e2e_keys "$SB_TMP/keys" || return 1
	write_pam || return 1
	mkdir -m 0700 "$TOK" || return 1
	start_sshd
}

# login METHOD USER TOKEN: ssh in with the token, run the id commands
login() {
	local method=$1 user=$2 prompt rc
	printf '%s\n' "$3" >"$TOK/current"
	case $method in
	keyboard-interactive) prompt="Token:" ;;
	password) prompt="password:" ;;
	esac
	timeout -k 5 30 sshpass -f "$TOK/current" -P "$prompt" \
	    ssh -n -F /dev/null -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
	    -o LogLevel=ERROR -o ConnectTimeout=10 -o BatchMode=no \
	    -o PreferredAuthentications="$method" -o PubkeyAuthentication=no \
	    -o NumberOfPasswordPrompts=1 -o IdentityFile=none -o IdentitiesOnly=yes \
	    -p "$PORT" "$user@127.0.0.1" 'id -u; id -un; id -gn' \
	    >"$SB_TMP/out" 2>"$SB_TMP/err"
	rc=$?
	rm -f "$TOK/current"
	return $rc
}

# expect_login DESC METHOD USER TOKEN WANT-OUTPUT
expect_login() {
	local desc=$1 want=$5 rc
	login "$2" "$3" "$4"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$SB_TMP/out")" = "$want" ]; then
		sb_ok "$desc"
	else
		sb_fail "$desc"
		sb_diag "exit status $rc, output '$(cat "$SB_TMP/out")', want '$want'" \
		    "$(cat "$SB_TMP/err")" "sshd:" "$(tail -8 "$SSHD_DIR/sshd.log")"
		return 1
	fi
}

# expect_refused DESC METHOD USER TOKEN: no login, no command run
expect_refused() {
	local desc=$1 rc
	login "$2" "$3" "$4"
	rc=$?
	if [ $rc -ne 0 ] && [ ! -s "$SB_TMP/out" ] && [ $rc -ne 124 ]; then
		sb_ok "$desc"
	else
		sb_fail "$desc"
		sb_diag "exit status $rc (124: timed out), output '$(cat "$SB_TMP/out")'" \
		    "$(cat "$SB_TMP/err")" "sshd:" "$(tail -8 "$SSHD_DIR/sshd.log")"
		return 1
	fi
}

if setup; then
	sb_ok "setup: the module in ld.so.cache, nsswitch.conf, $ACC, /etc/pam.d/$SVC, sshd on 127.0.0.1:$PORT"
else
	sb_fail "setup"
	sb_diag "$(cat "$SB_TMP/sign.err" 2>/dev/null)"
	exit 1
fi

# 2-3: the account exists for the system, and only through the module
sb_is "$(getent passwd $U)" "$U:!:$UID_U:$UID_U::$(home_of $U):/bin/sh" \
    "getent passwd $U: served by nss_jwtsafe"
if grep -q "^$U:" /etc/passwd || grep -q "^$U:" /etc/group ||
    grep -q ":$UID_U:" /etc/passwd; then
	sb_fail "$U is in neither /etc/passwd nor /etc/group"
else
	sb_ok "$U is in neither /etc/passwd nor /etc/group"
fi

want="$(printf '%s\n' "$UID_U" "$U" "$U")"
# 4-7: its subject's token logs in, by both methods, and the commands run
# as its uid; one accepted line each
t=$(e2e_mint "$SUB" "$AUD")
n=$(sb_log_count)
expect_login "keyboard-interactive: $SUB's token logs in as $U; id -u, -un, -gn: $UID_U, $U, $U" \
    keyboard-interactive "$U" "$t" "$want"
e2e_check_decision "$n" "$SVC" accepted ok \
    "log: one line, result=accepted, user=$U, fp=the token's fingerprint" "$t" "$U"
t=$(e2e_mint "$SUB" "$AUD")
n=$(sb_log_count)
expect_login "password: $SUB's token logs in as $U" password "$U" "$t" "$want"
e2e_check_decision "$n" "$SVC" accepted ok "log: result=accepted" "$t" "$U"

# 8-11: another subject's valid token: refused for $U; the control: the
# same subject logs in as its own account
t=$(e2e_mint "$SUB2" "$AUD")
n=$(sb_log_count)
expect_refused "$SUB2's valid token does not log in as $U" password "$U" "$t"
e2e_check_decision "$n" "$SVC" refused user-refused "log: reason=user-refused" "$t" "$U"
t=$(e2e_mint "$SUB2" "$AUD")
n=$(sb_log_count)
expect_login "control: $SUB2's token logs in as its own account $U2 (uid $UID_U2)" \
    keyboard-interactive "$U2" "$t" "$(printf '%s\n' "$UID_U2" "$U2" "$U")"
e2e_check_decision "$n" "$SVC" accepted ok "log: result=accepted" "$t" "$U2"

# 12-13: a token whose subject is the account's name: the file decides
t=$(e2e_mint "$U" "$AUD")
n=$(sb_log_count)
expect_refused "a token with sub=$U (the name, not the declared subject) is refused" \
    keyboard-interactive "$U" "$t"
e2e_check_decision "$n" "$SVC" refused user-refused "log: reason=user-refused" "$t" "$U"

# 14-17: a bad line added (uid outside the range): nss_jwtsafe skips it and
# still serves $U; pam_jwtsafe refuses the whole map, so no login at all
write_accounts "account jwtbad 70000 $UID_U /home/jwtbad /bin/sh $SUB"
sb_is "$(getent passwd $U | cut -d: -f1,3) / $(getent passwd jwtbad)" "$U:$UID_U / " \
    "with a bad line: the NSS module still serves $U, skips the bad account"
t=$(e2e_mint "$SUB" "$AUD")
n=$(sb_log_count)
expect_refused "with a bad line: the PAM module refuses the file, $SUB's token no longer logs in" \
    keyboard-interactive "$U" "$t"
# refused before the token is asked for: no fp= (the token is not used up)
e2e_check_decision "$n" "$SVC" refused config \
    "log: reason=config (before any token is read)" "" "$U"
write_accounts
t=$(e2e_mint "$SUB" "$AUD")
expect_login "control: the line removed, $SUB's token logs in again" \
    password "$U" "$t" "$want"

# 18-20: what was logged
sb_log_sync
if grep -q -F "nss_jwtsafe: $ACC:6: line skipped: uid 70000 outside the range 60000..60999" "$SB_LOG" &&
    ! grep -F 'nss_jwtsafe' "$SB_LOG" | grep -q -F -e "$SUB" -e "$SUB2"; then
	sb_ok "nss_jwtsafe logged the skipped line, without its subject"
else
	sb_fail "nss_jwtsafe logged the skipped line, without its subject"
	sb_diag "$(grep -F 'nss_jwtsafe' "$SB_LOG" | head -5)"
fi
sb_is "$(e2e_decisions 0 "$SVC" | wc -l)" 7 \
    "log: 7 pam_jwtsafe decision lines for 7 login attempts"
e2e_check_secrets "no token, token segment or key material in syslog or sshd's log" \
    "$SB_LOG" "$SSHD_DIR/sshd.log"

stop_sshd
sb_done
