# tests/e2e/sandbox.sh: the sandbox and TAP helpers of the end-to-end tests.
# Sourced (by bash) from tests/e2e/test_*.sh and demo.sh; not run by itself.
#
# A test script looks like this:
#
#   here=$(cd "$(dirname "$0")" && pwd)
#   . "$here/sandbox.sh"
#   sb_need_cmd sshd sshpass           # outside: SKIP everything when missing
#   sb_enter 12 "$@"                   # see below
#   ... sb_ok / sb_is / sb_check ...   # inside the sandbox, as root
#   sb_done
#
# sb_enter, run outside the sandbox (the first time), prints the TAP plan
# (PLAN + 2), records a digest of the machine's own state (/etc byte for
# byte, and the few places outside /etc that useradd, sshd and sudo write
# to), then runs the same script again, bounded by a timeout, inside
#
#   unshare --mount --propagation private --pid --fork --kill-child --mount-proc
#
# where, before the test body runs:
#   /etc      is a bind mount of a copy (cp -a) of /etc, so useradd, pam.d,
#             sudoers and sshd changes land in the copy;
#   /run, /var/log, /var/mail, /var/lib/sudo, /var/lib/jwtsafe, /home
#             (those that exist) are private empty tmpfs mounts: sshd's
#             privsep dir, btmp/wtmp/lastlog, the sudo lecture and timestamp
#             files, mail spools and home directories never reach the disk;
#   /dev/log  is this test's own datagram socket, served by logcollect.py,
#             whose lines go to $SB_LOG; if the machine has no /dev/log, /dev
#             itself is replaced by a tmpfs copy (device nodes copied, pts
#             and shm bind-mounted) that holds the socket.
# Every process started inside dies with the PID namespace at the latest.
# When the inner run ends, the outer one prints two more results: the
# machine's state digest is unchanged, and no process of the test is left.
#
# Environment: top_builddir, top_srcdir (automake exports them; default the
# script's ../..), JWTSAFE (the jwtsafe command, default
# $top_builddir/tools/jwtsafe), PAM_JWTSAFE (the module, default
# $top_builddir/.libs/pam_jwtsafe.so or $top_builddir/pam_jwtsafe/.libs/...),
# JWTSAFE_E2E_TIMEOUT (seconds for the whole sandboxed run, default 300),
# JWTSAFE_E2E_KEEP=1 (keep the temp dir for a post-mortem).
#
# SB_STYLE=demo (set before sourcing) prints the results for a reader
# instead of TAP: no plan, "  ok    ..." / "  FAIL  ...", a summary line, and
# a missing requirement is an error (exit 1) rather than a SKIP.

SB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SB_SRCDIR=${top_srcdir:-$(cd "$SB_HERE/../.." && pwd)}
SB_BUILDDIR=${top_builddir:-$(cd "$SB_HERE/../.." && pwd)}
SB_SCRIPT=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
SB_SKIP=""
SB_STYLE=${SB_STYLE:-tap}
SB_N=0
SB_FAILED=0
SB_PIDS=""
SB_PYTHON=/usr/bin/python3
[ -x "$SB_PYTHON" ] || SB_PYTHON=$(command -v python3 || echo python3)
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

if [ -z "${JWTSAFE:-}" ]; then
	JWTSAFE=$SB_BUILDDIR/tools/jwtsafe
fi
if [ -z "${PAM_JWTSAFE:-}" ]; then
	PAM_JWTSAFE=$SB_BUILDDIR/.libs/pam_jwtsafe.so
	for c in "$SB_BUILDDIR/.libs/pam_jwtsafe.so" \
	    "$SB_BUILDDIR/pam_jwtsafe/.libs/pam_jwtsafe.so"; do
		if [ -f "$c" ]; then PAM_JWTSAFE=$c; break; fi
	done
fi

# ---- TAP ---------------------------------------------------------------

sb_diag() {
	local line
	local prefix='# '
	[ "$SB_STYLE" = demo ] && prefix='        '
	printf '%s\n' "$@" | while IFS= read -r line; do
		printf '%s%s\n' "$prefix" "$line"
	done
}

# sb_result STATUS DESCRIPTION: ok when STATUS is 0
sb_result() {
	local st=$1
	shift
	SB_N=$((SB_N + 1))
	if [ "$SB_STYLE" = demo ]; then
		if [ "$st" -eq 0 ]; then
			printf '  ok    %s\n' "$*"
		else
			printf '  FAIL  %s\n' "$*"
		fi
	elif [ "$st" -eq 0 ]; then
		printf 'ok %d - %s\n' "$SB_N" "$*"
	else
		printf 'not ok %d - %s\n' "$SB_N" "$*"
	fi
	if [ "$st" -ne 0 ]; then
		SB_FAILED=$((SB_FAILED + 1))
		[ -n "${SB_TMP:-}" ] && echo "$SB_N" >>"$SB_TMP/tap.failed"
	fi
	[ -n "${SB_TMP:-}" ] && echo "$SB_N" >"$SB_TMP/tap.count"
	return "$st"
}

sb_ok() { sb_result 0 "$@"; }
sb_fail() { sb_result 1 "$@"; }

# sb_is GOT WANT DESCRIPTION
sb_is() {
	if [ "$1" = "$2" ]; then
		sb_result 0 "$3"
	else
		sb_result 1 "$3"
		sb_diag "got:  '$1'" "want: '$2'"
		return 1
	fi
}

# sb_check DESCRIPTION COMMAND...: ok when the command exits 0
sb_check() {
	local desc=$1
	shift
	"$@"
	sb_result $? "$desc"
}

sb_skip() {
	SB_N=$((SB_N + 1))
	if [ "$SB_STYLE" = demo ]; then
		printf '  skip  %s (%s)\n' "$1" "$2"
	else
		printf 'ok %d - %s # SKIP %s\n' "$SB_N" "$1" "$2"
	fi
	[ -n "${SB_TMP:-}" ] && echo "$SB_N" >"$SB_TMP/tap.count"
	return 0
}

# ---- requirements (outside only) ---------------------------------------

sb_need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
		    SB_SKIP=${SB_SKIP:-"$c is not installed"}
	done
}

sb_need_module() {
	if [ ! -f "$PAM_JWTSAFE" ]; then
		SB_SKIP=${SB_SKIP:-"pam_jwtsafe.so is not built ($PAM_JWTSAFE)"}
	elif grep -q -a __asan_init "$PAM_JWTSAFE"; then
		SB_SKIP=${SB_SKIP:-"pam_jwtsafe.so is built with ASan, which sshd, sudo and pamtester do not load"}
	fi
}

sb_need_cli() {
	[ -x "$JWTSAFE" ] ||
	    SB_SKIP=${SB_SKIP:-"the jwtsafe command is not built ($JWTSAFE)"}
}

# ---- machine state ------------------------------------------------------

# Everything the tests could touch by mistake, in a stable text form.
sb__digest() {
	local p
	find /etc -xdev \( -type f -printf 'f %p %m %U %G %s\n' \) -o \
	    \( -type l -printf 'l %p -> %l\n' \) -o \
	    -printf '%y %p %m %U %G\n' | sort
	find /etc -xdev -type f -print0 | sort -z | xargs -0 -r sha256sum
	for p in /home /root/.ssh /run/sshd /run/sudo /var/mail /var/lib/sudo \
	    /var/lib/jwtsafe /var/log/lastlog /var/log/faillog /var/log/wtmp \
	    /var/log/btmp /var/log/auth.log /dev/log; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			find "$p" -xdev -maxdepth 3 -printf '%y %p %m %U %G %s\n' |
			    sort
			[ -f "$p" ] && [ ! -L "$p" ] && sha256sum "$p"
		else
			echo "absent $p"
		fi
	done
	true
}

# PIDs (other than ours) whose command line mentions the temp dir.
sb__leftovers() {
	local d pid
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" = "$$" ] && continue
		[ "$pid" = "$BASHPID" ] && continue
		if tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -q -F "$SB_TMP"; then
			printf '%s: %s\n' "$pid" "$(tr '\0' ' ' 2>/dev/null <"$d/cmdline")"
		fi
	done
}

sb__outer_cleanup() {
	[ -n "${SB_TMP:-}" ] && [ -d "$SB_TMP" ] || return 0
	if [ "${JWTSAFE_E2E_KEEP:-0}" = 1 ]; then
		echo "# kept $SB_TMP"
		return 0
	fi
	# Mounts made inside are private to the namespace, which is gone by
	# now; never rm -rf through a mount point all the same.
	if findmnt -rn -o TARGET | grep -q -F "$SB_TMP"; then
		echo "# not removing $SB_TMP: something is mounted under it"
		return 0
	fi
	rm -rf "$SB_TMP"
}

# sb__skip_all REASON: nothing can run here
sb__skip_all() {
	if [ "$SB_STYLE" = demo ]; then
		echo "cannot run: $1" >&2
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

sb__outer() {
	local plan=$1 rc i count leftovers
	shift
	if [ "$(id -u)" != 0 ]; then
		sb__skip_all "needs root (mount namespace, useradd, sshd, sudo)"
	fi
	sb_need_cmd unshare timeout findmnt sha256sum logger useradd
	[ -x "$SB_PYTHON" ] || command -v "$SB_PYTHON" >/dev/null 2>&1 ||
	    SB_SKIP=${SB_SKIP:-"python3 is not installed"}
	if [ -z "$SB_SKIP" ] && ! unshare --mount --propagation private \
	    --pid --fork --kill-child --mount-proc true 2>/dev/null; then
		SB_SKIP="unshare of mount and PID namespaces is not permitted here"
	fi
	[ -n "$SB_SKIP" ] && sb__skip_all "$SB_SKIP"
	# a script may introduce itself once it is sure to run
	if declare -F sb_banner >/dev/null; then sb_banner; fi

	SB_TMP=$(mktemp -d /tmp/jwtsafe-e2e.XXXXXXXX) ||
	    sb__skip_all "cannot make a temp dir"

	# the test user must reach its home and the sockets under it
	chmod 0711 "$SB_TMP"
	trap sb__outer_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM

	sb__digest >"$SB_TMP/state.before"
	[ "$SB_STYLE" = demo ] || echo "1..$((plan + 2))"
	echo 0 >"$SB_TMP/tap.count"

	timeout -k 10 "${JWTSAFE_E2E_TIMEOUT:-300}" \
	    unshare --mount --propagation private --pid --fork --kill-child \
	    --mount-proc \
	    env JWTSAFE_E2E_INSIDE=1 SB_TMP="$SB_TMP" SB_STYLE="$SB_STYLE" \
	    JWTSAFE="$JWTSAFE" \
	    PAM_JWTSAFE="$PAM_JWTSAFE" top_builddir="$SB_BUILDDIR" \
	    top_srcdir="$SB_SRCDIR" bash "$SB_SCRIPT" "$@"
	rc=$?

	count=$(cat "$SB_TMP/tap.count" 2>/dev/null || echo 0)
	SB_N=$count
	[ -s "$SB_TMP/tap.failed" ] && SB_FAILED=$(wc -l <"$SB_TMP/tap.failed")
	if [ "$count" -lt "$plan" ]; then
		[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] &&
		    sb_diag "the sandboxed run timed out after ${JWTSAFE_E2E_TIMEOUT:-300} s"
		i=$count
		while [ "$i" -lt "$plan" ]; do
			i=$((i + 1))
			sb_result 1 "not run: the sandboxed part stopped early (exit status $rc)"
		done
	fi

	sb__digest >"$SB_TMP/state.after"
	if cmp -s "$SB_TMP/state.before" "$SB_TMP/state.after"; then
		sb_ok "the machine's /etc, users, logs and state are unchanged"
	else
		sb_fail "the machine's /etc, users, logs and state are unchanged"
		sb_diag "$(diff "$SB_TMP/state.before" "$SB_TMP/state.after" | head -40)"
	fi

	leftovers=$(sb__leftovers)
	if [ -z "$leftovers" ]; then
		sb_ok "no process of the test is left behind"
	else
		sb_fail "no process of the test is left behind"
		sb_diag "$leftovers"
	fi

	if [ "$SB_STYLE" = demo ]; then
		echo
		if [ "$SB_FAILED" -eq 0 ] && [ "$rc" -eq 0 ]; then
			echo "All $SB_N checks passed."
		else
			echo "$SB_FAILED of $SB_N checks FAILED."
		fi
	fi
	[ "$SB_FAILED" -eq 0 ] && [ "$rc" -eq 0 ] && exit 0
	exit 1
}

# ---- inside -------------------------------------------------------------

# sb_bg PID: a background process to stop when the test ends
sb_bg() { SB_PIDS="$SB_PIDS $1"; }

sb__stop_pids() {
	local p i
	[ -n "$SB_PIDS" ] || return 0
	for p in $SB_PIDS; do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 1 50); do
		for p in $SB_PIDS; do
			kill -0 "$p" 2>/dev/null && break
			p=""
		done
		[ -z "$p" ] && break
		sleep 0.1
	done
	for p in $SB_PIDS; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	SB_PIDS=""
}

sb__inner_cleanup() {
	local st=$?
	sb__stop_pids
	[ -n "${SB_INNER_CLEANUP_HOOK:-}" ] && "$SB_INNER_CLEANUP_HOOK"
	exit "$st"
}

# sb_wait_for SECONDS COMMAND...: poll until the command succeeds
sb_wait_for() {
	local limit=$(($1 * 10)) i=0
	shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
	return 0
}

sb__private_tmpfs() {
	local d=$1
	[ -d "$d" ] && [ ! -L "$d" ] || return 0
	mount -t tmpfs -o "mode=$(stat -c %a "$d"),uid=$(stat -c %u "$d"),gid=$(stat -c %g "$d"),size=64m" \
	    jwtsafe-e2e "$d"
}

sb__private_dev() {
	# /dev on the machine has no log socket; a socket created there would
	# be the machine's. Mount a copy of /dev instead and put ours in it.
	local d=$SB_TMP/dev m
	mkdir "$d" && mount -t tmpfs -o mode=0755,size=1m jwtsafe-e2e-dev "$d" ||
	    return 1
	cp -a --one-file-system /dev/. "$d/" || return 1
	for m in $(findmnt -rn -o TARGET | grep '^/dev/' | sort -u); do
		case "$m" in /dev/*/*) continue ;; esac
		[ -d "$d${m#/dev}" ] || mkdir -p "$d${m#/dev}"
		mount --rbind "$m" "$d${m#/dev}" || return 1
	done
	rm -f "$d/log" && touch "$d/log" &&
	    mount --bind "$SB_TMP/log.sock" "$d/log" &&
	    mount --rbind "$d" /dev
}

sb__inner_setup() {
	local d
	umask 022
	trap sb__inner_cleanup EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT

	# /etc: a private copy
	cp -a /etc "$SB_TMP/etc" && mount --bind "$SB_TMP/etc" /etc || {
		sb_diag "cannot put a copy of /etc in place"
		exit 1
	}
	# state directories: private and empty
	for d in /run /var/log /var/mail /var/lib/sudo /var/lib/jwtsafe /home; do
		sb__private_tmpfs "$d" || {
			sb_diag "cannot mount a private $d"
			exit 1
		}
	done
	# sshd's privilege separation directory, on the private /run
	if [ "$(findmnt -n -o SOURCE --mountpoint /run 2>/dev/null)" = jwtsafe-e2e ]; then
		mkdir -m 0755 /run/sshd
	fi

	# /dev/log: our collector
	SB_LOG=$SB_TMP/syslog.txt
	: >"$SB_LOG"
	"$SB_PYTHON" "$SB_HERE/logcollect.py" "$SB_TMP/log.sock" "$SB_LOG" \
	    2>"$SB_TMP/logcollect.err" &
	sb_bg $!
	if ! sb_wait_for 10 test -e "$SB_TMP/log.sock.ready"; then
		sb_diag "the log collector did not start" "$(cat "$SB_TMP/logcollect.err")"
		exit 1
	fi
	if [ -e /dev/log ]; then
		# a socket or a link to one: bind over what it resolves to
		mount --bind "$SB_TMP/log.sock" /dev/log
	else
		sb__private_dev
	fi || {
		sb_diag "cannot bind the log socket over /dev/log"
		exit 1
	}
	[ -S /dev/log ] || {
		sb_diag "/dev/log is not our socket"
		exit 1
	}
}

# ---- logs ---------------------------------------------------------------

# sb_log_sync: wait until everything logged so far is in $SB_LOG (datagrams
# on one socket arrive in order, so once our marker is in, so is the rest)
sb_log_sync() {
	# unique even when called from a $(subshell), which forgets counters
	local mark
	mark="jwtsafe-e2e-sync-$BASHPID-$(date +%s%N)-$RANDOM"
	logger -u /dev/log -t jwtsafe-e2e "$mark" 2>/dev/null || return 1
	sb_wait_for 10 grep -q -F "$mark" "$SB_LOG"
}

# sb_log_count: number of lines collected so far (after a sync)
sb_log_count() {
	sb_log_sync
	wc -l <"$SB_LOG"
}

# sb_log_since N: the lines collected after the first N (after a sync)
sb_log_since() {
	sb_log_sync
	tail -n +"$(($1 + 1))" "$SB_LOG" | grep -v -F 'jwtsafe-e2e-sync-'
}

# ---- helpers ------------------------------------------------------------

# sb_add_user NAME: a local user, only inside the sandbox
sb_add_user() {
	local home=/home
	# a home under /home only where /home is the sandbox's own
	if [ "$(findmnt -n -o SOURCE --mountpoint /home 2>/dev/null)" != jwtsafe-e2e ]; then
		home=$SB_TMP/home
		[ -d "$home" ] || mkdir -m 0755 "$home" || return 1
	fi
	# -l: no lastlog/faillog entry; the account's password stays locked
	useradd -l -m -d "$home/$1" -s /bin/sh -c "jwtsafe e2e" "$1"
}

sb_free_port() {
	"$SB_PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# sb_tamper TOKEN: the token with one character of the signature segment
# changed, a quarter of the way in: the base64url stays canonical (the last
# character's unused bits are not touched), an ECDSA signature keeps its s
# (so no high-S) and an r well below the group order, an Ed25519 one its S:
# the one reason left is a bad signature.
sb_tamper() {
	local tok=$1 sig pre i c n
	sig=${tok##*.}
	pre=${tok%.*}
	i=$((${#sig} / 4))
	c=${sig:$i:1}
	if [ "$c" = A ]; then n=B; else n=A; fi
	printf '%s.%s%s%s\n' "$pre" "${sig:0:$i}" "$n" "${sig:$((i + 1))}"
}

sb_enter() {
	if [ "${JWTSAFE_E2E_INSIDE:-}" != 1 ]; then
		sb__outer "$@"
		exit 1
	fi
	shift
	sb__inner_setup
}

sb_done() {
	sb__stop_pids
	[ "$SB_FAILED" -eq 0 ] && exit 0
	exit 1
}
