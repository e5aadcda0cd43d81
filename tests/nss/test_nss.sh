#!/bin/bash
# nss_jwtsafe through glibc: the built libnss_jwtsafe.so.2, found through
# LD_LIBRARY_PATH by glibc's own NSS code, reading /etc/jwtsafe/accounts
# (its compiled-in path) in a private mount namespace over a copy of /etc
# (see tests/e2e/sandbox.sh), with a test nsswitch.conf.
#
# Lookups by name and id for users and groups, exact records; the status
# codes (module called directly); ERANGE for a buffer one byte short, with
# nothing written; enumeration (also after an ERANGE); threads looking up
# and enumerating at once; every skip rule, each as the valid file with one
# line changed next to the valid line as control, the rest of the file
# still served and one authpriv log line without the subject; the file
# checks (owner, mode, parent directory, symbolic link: UNAVAIL/EACCES;
# missing: UNAVAIL/ENOENT, no log line); getent and id with
# "passwd: files jwtsafe"; and the cost of a lookup.
#
# Needs root and unshare; SKIP otherwise. In the sanitizer build the ASan
# module is loaded only by nss_query (built with ASan too); the checks
# that run getent and id are skipped.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/sandbox.sh"

NSS_DIR=$SB_BUILDDIR/nss_jwtsafe/.libs
NSS_SO=$NSS_DIR/libnss_jwtsafe.so.2
Q=$SB_BUILDDIR/tests/nss/nss_query
[ -f "$NSS_SO" ] || SB_SKIP=${SB_SKIP:-"libnss_jwtsafe.so.2 is not built ($NSS_SO)"}
[ -x "$Q" ] || SB_SKIP=${SB_SKIP:-"tests/nss/nss_query is not built"}
sb_need_cmd getent id
sb_enter 96 "$@"

# ---------------------------------------------------------------- inside --
ACC=/etc/jwtsafe/accounts
MARK=subject-x-never-logged
SAN=${JWTSAFE_SANITIZERS:-0}

# Only these commands see the module: a non-ASan program must never load
# the ASan build, and nothing else here needs it.
q() { LD_LIBRARY_PATH=$NSS_DIR "$Q" "$@" 2>&1; }
qget() { LD_LIBRARY_PATH=$NSS_DIR getent "$@" 2>&1; }

# base LINE6 [LINE2]: the test file, line 6 (and 2, the range) replaceable
base() {
	printf '%s\n' "# nss_jwtsafe test file" "${2:-range 60000 60999}" \
	    "group svcgrp 60100" \
	    "account svca 60001 60100 /home/svca /bin/sh subject-a@example.test" \
	    "account svcb 60002 60100 /var/lib/svcb /usr/sbin/nologin https://idp.example.test/u/b" \
	    "$1" \
	    "account svcz 60099 60100 /srv/svcz /bin/bash subject-z"
}
GOOD6="account svcx 60050 60100 /home/svcx /bin/sh $MARK@example.test"
SVCA="svca:!:60001:60100::/home/svca:/bin/sh"
SVCB="svcb:!:60002:60100::/var/lib/svcb:/usr/sbin/nologin"
SVCX="svcx:!:60050:60100::/home/svcx:/bin/sh"
SVCZ="svcz:!:60099:60100::/srv/svcz:/bin/bash"

# put: stdin becomes the accounts file, root:root 0644
put() {
	cat >"$ACC.new" && chown 0:0 "$ACC.new" && chmod 0644 "$ACC.new" &&
	    mv -f "$ACC.new" "$ACC"
}

# nsswitch PASSWD-SOURCES: the passwd and group lines of the test
nsswitch() {
	sed -i -e "s/^passwd:.*/passwd: $1/" -e "s/^group:.*/group: $1/" \
	    /etc/nsswitch.conf
}

setup() {
	grep -q '^passwd:' /etc/nsswitch.conf || echo 'passwd: files' >>/etc/nsswitch.conf
	grep -q '^group:' /etc/nsswitch.conf || echo 'group: files' >>/etc/nsswitch.conf
	nsswitch jwtsafe || return 1
	rm -rf /etc/jwtsafe && mkdir -m 0755 /etc/jwtsafe && chown 0:0 /etc/jwtsafe &&
	    base "$GOOD6" | put
}

# log_check SINCE DESC WANT...: since line SINCE, exactly the lines
# containing "line skipped"/"not used" are those containing WANT (in
# order), each at authpriv (<84> warning or <83> err); no subject.
log_check() {
	local since=$1 desc=$2 bad="" i l
	local -a got=()
	shift 2
	# bash builtins only: a process costs more than the check
	while IFS= read -r l; do
		[[ $l == *nss_jwtsafe:* ]] && got+=("$l")
	done < <(sb_log_since "$since")
	if [ "${#got[@]}" -ne "$#" ]; then
		bad="expected $# nss_jwtsafe log line(s), got ${#got[@]}"
	fi
	i=0
	for l in "$@"; do
		[ -n "$bad" ] && break
		[[ ${got[$i]} == *"$l"* ]] || bad="line $((i + 1)) lacks: $l"
		[[ ${got[$i]} == "<8"[34]">"* ]] ||
		    bad="line $((i + 1)) is not at authpriv.warning/err"
		i=$((i + 1))
	done
	for l in "${got[@]}"; do
		[[ $l == *"$MARK"* || $l == *subject-a* || $l == *subject-z* ]] &&
		    bad="a subject is in the log"
	done
	if [ -z "$bad" ]; then
		sb_ok "$desc"
	else
		sb_fail "$desc"
		sb_diag "$bad" "want:" "$@" "got:" "${got[@]}"
	fi
}

# skip_case DESC LINE KIND KEY PROBLEM [LINE2]: line 6 (or 2) changed:
# KEY not found, svca still found, one log line for line 6 (or 2)
skip_case() {
	local desc=$1 line=$2 kind=$3 key=$4 problem=$5 l2=${6:-} n out where=6
	if [ -n "$l2" ]; then base "$line" "$l2"; else base "$line"; fi | put
	[ -n "$l2" ] && where=2
	n=$(sb_log_count)
	out=$(q "$kind" "$key")
	log_check "$n" "$desc: logged once, for line $where, without the subject" \
	    "nss_jwtsafe: $ACC:$where: line skipped: $problem"
	sb_is "$out / $(q pwnam svca)" "notfound / found $SVCA" \
	    "$desc: $kind $key not served; the rest is"
}

if setup; then
	sb_ok "setup: /etc/nsswitch.conf (passwd and group: jwtsafe), $ACC"
else
	sb_fail "setup"
	exit 1
fi

# ---- lookups -----------------------------------------------------------------
n=$(sb_log_count)
sb_is "$(q pwnam svca)" "found $SVCA" "getpwnam_r svca: the whole record"
sb_is "$(q pwuid 60002)" "found $SVCB" "getpwuid_r 60002: svcb"
sb_is "$(q pwnam svcx)" "found $SVCX" "control: getpwnam_r svcx (line 6 as given)"
sb_is "$(q pwuid 60050)" "found $SVCX" "control: getpwuid_r 60050"
sb_is "$(q grnam svcgrp)" "found svcgrp:!:60100:" "getgrnam_r svcgrp: no members"
sb_is "$(q grgid 60100)" "found svcgrp:!:60100:" "getgrgid_r 60100"
sb_is "$(q pwnam nosuch) $(q pwuid 60003)" "notfound notfound" \
    "an undeclared name and uid: not found"
sb_is "$(q grnam svca) $(q grgid 60001)" "notfound notfound" \
    "an account's name or uid is not a group"
sb_is "$(q pwuid 0) $(q grgid 0)" "notfound notfound" \
    "uid and gid 0: not found (passwd: jwtsafe alone)"
log_check "$n" "the valid file: nothing logged"

# ---- status codes, the module called directly ----------------------------------
d() { q direct "$NSS_SO" "$@"; }
sb_is "$(d getpwnam_r svca 1024)" "status=SUCCESS errno=0" "direct: SUCCESS"
sb_is "$(d getpwnam_r nosuch 1024)" "status=NOTFOUND errno=0" \
    "direct: NOTFOUND, errno untouched"
sb_is "$(d getpwnam_r Bad.Name 1024)" "status=NOTFOUND errno=0" \
    "direct: a name the file cannot hold: NOTFOUND"
sb_is "$(d getpwnam_r svca 4)" "status=TRYAGAIN errno=ERANGE" \
    "direct: 4-byte buffer: TRYAGAIN, ERANGE"
sb_is "$(d getpwuid_r 60001 0)" "status=TRYAGAIN errno=ERANGE" \
    "direct: 0-byte buffer: TRYAGAIN, ERANGE"
sb_is "$(d getgrgid_r 60100 8)" "status=TRYAGAIN errno=ERANGE" \
    "direct: group, 8-byte buffer: TRYAGAIN, ERANGE"
sb_is "$(d getgrnam_r svcgrp 1024)" "status=SUCCESS errno=0" "direct: group SUCCESS"

# ---- ERANGE through glibc --------------------------------------------------------
for c in "pw svca" "pwuid 60002" "gr svcgrp" "grgid 60100"; do
	# shellcheck disable=SC2086
	out=$(q erange $c)
	case $out in
	ok*) sb_ok "ERANGE ($c): $out" ;;
	*) sb_fail "ERANGE ($c)"; sb_diag "$out" ;;
	esac
done
sb_is "$(q pwnam svca 8)" "rc=ERANGE" "getpwnam_r with 8 bytes returns ERANGE"

# ---- enumeration --------------------------------------------------------------
sb_is "$(q pwent)" "$(printf '%s\n' "$SVCA" "$SVCB" "$SVCX" "$SVCZ" "end rc=ENOENT")" \
    "getpwent_r: every account, in file order"
sb_is "$(q grent)" "$(printf '%s\n' "svcgrp:!:60100:" "end rc=ENOENT")" \
    "getgrent_r: the group"
sb_is "$(q pwent-retry)" "$(printf '%s\n' "first rc=ERANGE" "$SVCA" "$SVCB" "$SVCX" "$SVCZ" "end rc=ENOENT")" \
    "getpwent_r: ERANGE first, then the same entry (nothing skipped)"

# ---- threads --------------------------------------------------------------------
out=$(q threads 8 300 svca 60001 svcgrp 60100 4)
case $out in
ok*) sb_ok "threads: $out" ;;
*) sb_fail "threads"; sb_diag "$out" ;;
esac

# ---- skip rules: line 6 changed (control above: GOOD6 is served) -------------------
skip_case "name with a '.'" \
    "account svc.x 60050 60100 /home/svcx /bin/sh $MARK" pwuid 60050 \
    "invalid account name"
skip_case "uid above the range" \
    "account svcx 61000 60100 /home/svcx /bin/sh $MARK" pwnam svcx \
    "uid 61000 outside the range 60000..60999"
skip_case "uid 0" \
    "account svcx 0 60100 /home/svcx /bin/sh $MARK" pwnam svcx \
    "uid 0 is never allowed"
sb_is "$(q pwuid 0)" "notfound" "uid 0 line: uid 0 is not served either"
skip_case "gid outside the range" \
    "account svcx 60050 100 /home/svcx /bin/sh $MARK" pwnam svcx \
    "gid 100 outside the range 60000..60999"
skip_case "duplicate name" \
    "account svca 60050 60100 /home/svcx /bin/sh $MARK" pwuid 60050 \
    "account name already declared on line 4"
sb_is "$(q pwnam svca)" "found $SVCA" "duplicate name: the first line wins"
skip_case "duplicate uid" \
    "account svcx 60001 60100 /home/svcx /bin/sh $MARK" pwnam svcx \
    "uid 60001 already used by the account on line 4"
sb_is "$(q pwuid 60001)" "found $SVCA" "duplicate uid: the first line wins"
sb_is "$(q pwent)" "$(printf '%s\n' "$SVCA" "$SVCB" "$SVCZ" "end rc=ENOENT")" \
    "duplicate uid: left out of the enumeration too"
skip_case "relative home" \
    "account svcx 60050 60100 home/svcx /bin/sh $MARK" pwnam svcx "home is not"
skip_case "home with '..'" \
    "account svcx 60050 60100 /home/../root /bin/sh $MARK" pwnam svcx "home is not"
skip_case "relative shell" \
    "account svcx 60050 60100 /home/svcx sh $MARK" pwnam svcx "shell is not"
skip_case "no subject" \
    "account svcx 60050 60100 /home/svcx /bin/sh" pwnam svcx \
    "account line: expected \"account NAME UID GID HOME SHELL SUBJECT\""
skip_case "a tab in the subject" \
    "account svcx 60050 60100 /home/svcx /bin/sh $MARK	x" pwnam svcx \
    "control character (or tab) in the subject"
skip_case "CRLF line end" \
    "account svcx 60050 60100 /home/svcx /bin/sh $MARK"$'\r' pwnam svcx \
    "carriage return in line"

# groups: control and two changes of the same line
base "group svcgrp2 60101" | put
sb_is "$(q grnam svcgrp2)" "found svcgrp2:!:60101:" "control: group line 6 served"
skip_case "duplicate gid" "group svcgrp2 60100" grnam svcgrp2 \
    "gid 60100 already used by the group on line 3"
sb_is "$(q grgid 60100)" "found svcgrp:!:60100:" "duplicate gid: the first line wins"
skip_case "group name with a capital" "group Svcgrp2 60101" grgid 60101 \
    "invalid group name"

# the range: line 2 changed; line 6 an account at uid 1500
L6="account svcx 1500 60100 /home/svcx /bin/sh $MARK"
base "$L6" "range 1000 60999" | put
sb_is "$(q pwuid 1500)" "found svcx:!:1500:60100::/home/svcx:/bin/sh" \
    "control: range 1000 60999 lets uid 1500 in"
base "$L6" "range 60000 60100" | put
n=$(sb_log_count)
out=$(q pwuid 1500)
log_check "$n" "control: range 60000 60100 leaves uid 1500 out, and says so" \
    "$ACC:6: line skipped: uid 1500 outside the range 60000..60100"
sb_is "$out $(q pwnam svcz)" "notfound found $SVCZ" \
    "control: range 60000 60100: uid 1500 out, svcz (60099) in"
for r in "range 999 60999|range 999..60999 is not inside 1000..60999" \
    "range 60999 1000|range: MIN 60999 is greater than MAX 1000"; do
	base "$L6" "${r%%|*}" | put
	n=$(sb_log_count)
	out=$(q pwuid 1500)
	log_check "$n" "bad \"${r%%|*}\": line 2 and line 6 logged" \
	    "$ACC:2: line skipped: ${r#*|}" \
	    "$ACC:6: line skipped: uid 1500 outside the range 60000..60999"
	sb_is "$out $(q pwnam svca)" "notfound found $SVCA" \
	    "bad \"${r%%|*}\": the default range, uid 1500 out, the rest served"
done

# ---- logged once per process, not at every lookup ---------------------------------
base "account svcx 61000 60100 /home/svcx /bin/sh $MARK" | put
n=$(sb_log_count)
sb_is "$(q repeat 25 svca | sort | uniq -c | sed 's/^ *//')" "25 found $SVCA" \
    "25 lookups in one process"
log_check "$n" "one log line for them, not 25" \
    "$ACC:6: line skipped: uid 61000 outside the range 60000..60999"

# ---- the file checks ---------------------------------------------------------------
base "$GOOD6" | put
sb_is "$(d getpwnam_r svca 1024)" "status=SUCCESS errno=0" "control: root:root 0644"
# unsafe FILE-CHANGE DESC WHAT-THE-LOG-SAYS
# (one process, one log line: each process logs a problem once)
unsafe() {
	local n out
	n=$(sb_log_count)
	out=$(d getpwnam_r svca 1024)
	log_check "$n" "$1: logged, naming the reason" \
	    "nss_jwtsafe: accounts file not used: $2"
	sb_is "$out / $(q pwnam svca) / $(q pwuid 60001)" \
	    "status=UNAVAIL errno=EACCES / rc=EACCES / rc=EACCES" \
	    "$1: UNAVAIL, EACCES; getpwnam_r and getpwuid_r fail"
}
chown 1 "$ACC"
unsafe "file owned by uid 1" "$ACC: owned by uid 1 (must be root"
base "$GOOD6" | put
chmod 0664 "$ACC"
unsafe "group-writable file (0664)" "$ACC: group-writable (mode 0664)"
chmod 0646 "$ACC"
unsafe "world-writable file (0646)" "$ACC: world-writable (mode 0646)"
chmod 0644 "$ACC"
chmod 0777 /etc/jwtsafe
unsafe "world-writable directory (/etc/jwtsafe 0777)" "/etc/jwtsafe: world-writable"
chmod 0755 /etc/jwtsafe
chown 1 /etc/jwtsafe
unsafe "directory owned by uid 1" "/etc/jwtsafe: owned by uid 1"
chown 0 /etc/jwtsafe
mv "$ACC" /etc/jwtsafe/real && ln -s real "$ACC"
unsafe "a symbolic link" "$ACC: is a symbolic link"
rm -f "$ACC" && mv /etc/jwtsafe/real "$ACC"
sb_is "$(d getpwnam_r svca 1024)" "status=SUCCESS errno=0" "control: restored"
sb_is "$(d getpwuid_r 0 1024)" "status=NOTFOUND errno=0" \
    "uid 0 is NOTFOUND without reading the file"
mv "$ACC" /etc/jwtsafe/saved
n=$(sb_log_count)
sb_is "$(d getpwnam_r svca 1024) / $(q pwnam svca)" \
    "status=UNAVAIL errno=ENOENT / rc=ENOENT" "no file: UNAVAIL, ENOENT"
mv /etc/jwtsafe /etc/jwtsafe.away
sb_is "$(d getgrgid_r 60100 1024)" "status=UNAVAIL errno=ENOENT" \
    "no /etc/jwtsafe: UNAVAIL, ENOENT"
log_check "$n" "no file: nothing logged (the normal state without accounts)"
mv /etc/jwtsafe.away /etc/jwtsafe && mv /etc/jwtsafe/saved "$ACC"

# ---- getent and id, with files first -------------------------------------------------
nsswitch "files jwtsafe"
if [ "$SAN" = 1 ]; then
	for i in 1 2 3 4 5 6; do
		sb_skip "getent and id" "the ASan module loads only into ASan programs"
	done
else
	sb_is "$(qget passwd svca)" "$SVCA" "getent passwd svca"
	sb_is "$(qget passwd 60099)" "$SVCZ" "getent passwd 60099"
	sb_is "$(qget group svcgrp) $(qget group 60100)" "svcgrp:!:60100: svcgrp:!:60100:" \
	    "getent group svcgrp / 60100"
	sb_is "$(LD_LIBRARY_PATH=$NSS_DIR id svca)" \
	    "uid=60001(svca) gid=60100(svcgrp) groups=60100(svcgrp)" "id svca"
	sb_is "$(qget passwd | tail -n 4)" "$(printf '%s\n' "$SVCA" "$SVCB" "$SVCX" "$SVCZ")" \
	    "getent passwd: /etc/passwd, then the accounts"
	sb_is "$(qget passwd root | cut -d: -f1,3)" "root:0" \
	    "getent passwd root: files answers first"
fi

# ---- cost -----------------------------------------------------------------------------
nsswitch jwtsafe
# (fewer rounds under ASan, which is slow and measures nothing useful)
n1=2000 n2=500
[ "$SAN" = 1 ] && n1=200 n2=20
small=$(q bench $n1 svcz)
{
	echo "range 1000 60999"
	for i in $(seq 1000 1999); do
		echo "account u$i $i $i /home/u$i /bin/sh subject-$i@example.test"
	done
} | put
large=$(q bench $n2 u1999)
case "$small $large" in
*"($n1 of $n1 found)"*"($n2 of $n2 found)"*)
	sb_ok "cost of a lookup (the file read, checked and parsed each time):" \
	    "4 accounts: $small; 1000 accounts: $large" ;;
*) sb_fail "cost of a lookup"; sb_diag "$small" "$large" ;;
esac

sb_log_sync
if grep -q -F -e "$MARK" -e subject-a@ -e 'subject-1' "$SB_LOG"; then
	sb_fail "no subject anywhere in the collected log"
	sb_diag "$(grep -F -e "$MARK" -e subject-a@ -e subject-1 "$SB_LOG" | head -3)"
else
	sb_ok "no subject anywhere in the collected log ($(grep -c 'nss_jwtsafe' "$SB_LOG") nss_jwtsafe lines)"
fi

sb_done
