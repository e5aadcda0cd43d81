#!/bin/bash
# End-to-end: an SSH login with a token, through a real sshd and real PAM.
#
# In a private mount namespace over a copy of /etc (see sandbox.sh): a test
# user, a key pair, a PAM service whose auth line is pam_jwtsafe, and sshd on
# a free loopback port with its own host key and config (UsePAM, keyboard-
# interactive and password authentication, no public keys). sshpass logs in
# with freshly minted tokens and runs `id -un`. Refused: the same token a
# second time (replay), an expired token, a token whose signature or payload
# was changed, a token for another subject, and any token for root or an
# unknown user (sshd substitutes its fake password). Each decision must
# leave exactly one pam_jwtsafe log line with the right reason, and no token
# or key bytes may appear in the collected syslog or in sshd's log.
#
# Run from a build dir: top_builddir=$PWD top_srcdir=/path/to/src \
#     /path/to/src/tests/e2e/test_ssh.sh
# Needs root, unshare, sshd (openssh-server), ssh, sshpass, python3.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
. "$here/common.sh"

sb_need_cmd ssh ssh-keygen sshpass
[ -x /usr/sbin/sshd ] || SB_SKIP=${SB_SKIP:-"/usr/sbin/sshd is not installed (openssh-server)"}
sb_need_module
sb_need_cli
sb_enter 39 "$@"

# ---------------------------------------------------------------- inside --
U=jwte2e
U2=jwte2e-other
AUD=ssh-e2e.$(hostname 2>/dev/null || echo host)
SVC=jwtsafe-sshd
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

# start_sshd: sshd -D on a free loopback port; sets PORT
start_sshd() {
	local pid sshd
	mkdir -m 0755 "$SSHD_DIR" "$SB_TMP/bin" || return 1
	ssh-keygen -q -t ed25519 -N '' -C jwtsafe-e2e \
	    -f "$SSHD_DIR/host_ed25519" || return 1
	# OpenSSH before 10 takes its PAM service name from its program name
	# (there is no PAMServiceName option in 9.2): run it as jwtsafe-sshd.
	ln -sf /usr/sbin/sshd "$SB_TMP/bin/$SVC"
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
		sshd=$SB_TMP/bin/$SVC
		# OpenSSH 10 and later: the option, as the program name no
		# longer counts there
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

# write_pam: /etc/pam.d/jwtsafe-sshd for the current key; an account
# and session part as Debian's sshd stack has
write_pam() {
	{
		echo "# jwtsafe end-to-end test (private copy of /etc)"
		e2e_pam_auth "$AUD"
		echo "account required pam_nologin.so"
		echo "account required pam_unix.so"
		echo "session required pam_unix.so"
	} >"/etc/pam.d/$SVC"
}

setup() {
	sb_add_user "$U" && sb_add_user "$U2" || return 1
	e2e_keys "$SB_TMP/keys" || return 1
	write_pam || return 1
	mkdir -m 0700 "$TOK" || return 1
	start_sshd
}

# login METHOD USER TOKEN: ssh in with the token and run `id -un`; the
# command's output goes to $SB_TMP/out, ssh's errors to $SB_TMP/err
login() {
	local method=$1 user=$2 prompt
	printf '%s\n' "$3" >"$TOK/current"
	case $method in
	keyboard-interactive) prompt="Token:" ;;   # pam_jwtsafe's prompt
	password) prompt="password:" ;;            # ssh's own prompt
	esac
	timeout -k 5 30 sshpass -f "$TOK/current" -P "$prompt" \
	    ssh -n -F /dev/null -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
	    -o LogLevel=ERROR -o ConnectTimeout=10 -o BatchMode=no \
	    -o PreferredAuthentications="$method" -o PubkeyAuthentication=no \
	    -o NumberOfPasswordPrompts=1 -o IdentityFile=none -o IdentitiesOnly=yes \
	    -p "$PORT" "$user@127.0.0.1" id -un \
	    >"$SB_TMP/out" 2>"$SB_TMP/err"
	local rc=$?
	rm -f "$TOK/current"
	return $rc
}

# expect_login DESC METHOD USER TOKEN: logged in, and `id -un` printed USER
expect_login() {
	local desc=$1
	shift
	login "$@"
	local rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$SB_TMP/out")" = "$2" ]; then
		sb_ok "$desc"
	else
		sb_fail "$desc"
		sb_diag "exit status $rc, output '$(cat "$SB_TMP/out")'" \
		    "$(cat "$SB_TMP/err")" "sshd:" "$(tail -8 "$SSHD_DIR/sshd.log")"
		return 1
	fi
}

# expect_refused DESC METHOD USER TOKEN: no login, no command run
expect_refused() {
	local desc=$1
	shift
	login "$@"
	local rc=$?
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
	sb_ok "setup: user, keys, /etc/pam.d/$SVC, sshd on 127.0.0.1:$PORT"
else
	sb_fail "setup: user, keys, /etc/pam.d/$SVC, sshd"
	sb_diag "$(cat "$SB_TMP/sign.err" 2>/dev/null)"
	exit 1
fi

# 2-5: a fresh token logs in, by both methods; one accepted line each
t_kbd=$(e2e_mint "$U" "$AUD")
n=$(sb_log_count)
expect_login "keyboard-interactive: a fresh token logs $U in and runs id -un" \
    keyboard-interactive "$U" "$t_kbd"
e2e_check_decision "$n" "$SVC" accepted ok \
    "log: one line, result=accepted, user=$U, fp=the token's fingerprint" \
    "$t_kbd" "$U"

t_pw=$(e2e_mint "$U" "$AUD")
n=$(sb_log_count)
expect_login "password: a fresh token logs $U in and runs id -un" \
    password "$U" "$t_pw"
e2e_check_decision "$n" "$SVC" accepted ok "log: one line, result=accepted" \
    "$t_pw" "$U"

# 6-9: the same tokens again, by either method: refused as replays
n=$(sb_log_count)
expect_refused "password: the same token a second time is refused" \
    password "$U" "$t_pw"
e2e_check_decision "$n" "$SVC" refused replay "log: reason=replay" "$t_pw" "$U"
n=$(sb_log_count)
expect_refused "keyboard-interactive: the same token a second time is refused" \
    keyboard-interactive "$U" "$t_kbd"
e2e_check_decision "$n" "$SVC" refused replay "log: reason=replay" "$t_kbd" "$U"

# 10-11: expired (exp 100 s ago: past the default 30 s leeway)
now=$(date +%s)
t=$(e2e_mint "$U" "$AUD" --claim "iat=$((now - 160))" --claim "exp=$((now - 100))")
n=$(sb_log_count)
expect_refused "an expired token is refused" password "$U" "$t"
e2e_check_decision "$n" "$SVC" refused expired "log: reason=expired" "$t" "$U"

# 12-15: tampered: one signature character changed; exp stretched in the
# payload with the signature kept. Both from a fresh, unused token.
t=$(e2e_tamper_sig "$(e2e_mint "$U" "$AUD")")
n=$(sb_log_count)
expect_refused "a token with one signature character changed is refused" \
    keyboard-interactive "$U" "$t"
e2e_check_decision "$n" "$SVC" refused bad-signature "log: reason=bad-signature" "$t" "$U"
t=$(e2e_tamper_exp "$(e2e_mint "$U" "$AUD")")
n=$(sb_log_count)
expect_refused "a token whose exp was moved in the payload is refused" \
    password "$U" "$t"
e2e_check_decision "$n" "$SVC" refused bad-signature "log: reason=bad-signature" "$t" "$U"

# 16-17: a valid token for another subject, used for $U
t=$(e2e_mint "$U2" "$AUD")
n=$(sb_log_count)
expect_refused "a token for $U2 does not log in $U" password "$U" "$t"
e2e_check_decision "$n" "$SVC" refused user-refused "log: reason=user-refused" "$t" "$U"

# 18-19: a token for another service's audience
t=$(e2e_mint "$U" "sudo-e2e")
n=$(sb_log_count)
expect_refused "a token for another audience is refused" keyboard-interactive "$U" "$t"
e2e_check_decision "$n" "$SVC" refused audience "log: reason=audience" "$t" "$U"

# 20-23: root (PermitRootLogin no) and an unknown user: sshd hands PAM its
# fake password instead of the token, by either method; the module says so
t=$(e2e_mint root "$AUD")
n=$(sb_log_count)
expect_refused "a valid token for root is refused (PermitRootLogin no)" password root "$t"
e2e_check_decision "$n" "$SVC" refused sshd-fake-password "log: reason=sshd-fake-password"
t=$(e2e_mint nosuchuser "$AUD")
n=$(sb_log_count)
expect_refused "a valid token for a user unknown to the system is refused" \
    keyboard-interactive nosuchuser "$t"
e2e_check_decision "$n" "$SVC" refused sshd-fake-password "log: reason=sshd-fake-password"

# 24-25: positive control after all the refusals
t=$(e2e_mint "$U" "$AUD")
n=$(sb_log_count)
expect_login "control: a fresh token still logs $U in" keyboard-interactive "$U" "$t"
e2e_check_decision "$n" "$SVC" accepted ok "log: result=accepted" "$t" "$U"

# 26-31: every algorithm, through sshd's password method (the tighter of
# the two: sshd refuses passwords over 1024 bytes); PS256 with the largest
# key, for the longest token. PAM reads the service file per connection, so
# sshd keeps running while the auth line changes.
for alg in EdDSA ES256 ES384 PS256 HS256 HS384; do
	E2E_ALG=$alg
	bits=""
	[ "$alg" = PS256 ] && bits="--bits 4096"
	# shellcheck disable=SC2086
	if e2e_keys "$SB_TMP/keys-$alg" $bits && write_pam &&
	    t=$(e2e_mint "$U" "$AUD"); then
		expect_login "$alg: a fresh token (${#t} bytes) logs $U in" password "$U" "$t"
	else
		sb_fail "$alg: a fresh token logs $U in"
		sb_diag "$(cat "$SB_TMP/sign.err" 2>/dev/null)"
	fi
done

# 32-37: what ssh carries: the client reads at most 1023 bytes of a
# password or keyboard-interactive answer (sshd's password method refuses
# more than 1024). A 1022-1023-byte token logs in by both methods; a longer
# one arrives cut short and is refused, never accepted.
E2E_ALG=EdDSA
e2e_keys "$SB_TMP/keys-long" && write_pam
for method in password keyboard-interactive; do
	if t=$(e2e_mint_len "$U" "$AUD" 1022); then
		expect_login "$method: a token of ${#t} bytes logs $U in" "$method" "$U" "$t"
	else
		sb_fail "$method: a token of 1022-1023 bytes logs $U in"
	fi
	if t=$(e2e_mint_len "$U" "$AUD" 1024); then
		n=$(sb_log_count)
		expect_refused "$method: a token of ${#t} bytes is refused" "$method" "$U" "$t"
		lines=$(e2e_decisions "$n" "$SVC")
		if [ "$(printf '%s' "$lines" | grep -c .)" -eq 1 ] &&
		    printf '%s' "$lines" | grep -q 'result=refused'; then
			sb_ok "log: one line, result=refused"
		else
			sb_fail "log: one line, result=refused"
			sb_diag "$lines"
		fi
	else
		sb_fail "$method: a token of 1024-1025 bytes is refused"
		sb_fail "log: one line, result=refused"
	fi
done

# 38-39: one decision line per attempt, nothing secret in any log
sb_log_sync
sb_is "$(e2e_decisions 0 "$SVC" | wc -l)" 22 \
    "log: 22 pam_jwtsafe decision lines for 22 login attempts"
e2e_check_secrets "no token, token segment or key material in syslog or sshd's log" \
    "$SB_LOG" "$SSHD_DIR/sshd.log"

stop_sshd
sb_done
