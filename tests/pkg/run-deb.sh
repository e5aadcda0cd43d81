#!/bin/sh
# Build the Debian package from a clean copy of the tree (the files git
# tracks, nothing from a build) with `dpkg-buildpackage -us -uc -b`, then
# check what is in it: the PAM and NSS modules in the multiarch
# directories, the command, every manual page, the examples, a private
# /var/lib/jwtsafe/replay, no libtool archives, exported symbols, the NSS
# module's libc-only linkage, and lintian with no errors. TAP output.
#
# Environment: top_srcdir (default: this script's tree).
# Run by scripts/test; by hand: tests/pkg/run-deb.sh
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}

for tool in dpkg-buildpackage dpkg-deb dh git; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed (scripts/deps installs it)"
		exit 0
	fi
done
if ! git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	echo "1..0 # SKIP not a git checkout: the package is built from git's files"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/jwtsafe-deb.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

n=0
failed=0
ok() {    # ok DESCRIPTION: pass
	n=$((n + 1)); echo "ok $n - $1"
}
notok() { # notok DESCRIPTION DETAIL: fail
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'
}
check() { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
	desc=$1; shift
	if out=$("$@" 2>&1); then ok "$desc"; else notok "$desc" "$out"; fi
}

version=$(sed -n '1s/^jwtsafe (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
src="$work/jwtsafe-$version"
mkdir "$src"

# The tracked files only (what a clean clone has), as they are on disk.
(cd "$top_srcdir" && git ls-files -z | xargs -0 tar cf - --no-recursion) |
    (cd "$src" && tar xf -)

echo "1..21"
if (cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) \
    >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b from a clean copy of the tree"
else
	notok "dpkg-buildpackage -us -uc -b from a clean copy of the tree" \
	    "$(tail -n 40 "$work/build.log")"
	echo "Bail out! no package to check"
	exit 1
fi
deb="$work/jwtsafe_${version}_${arch}.deb"
check "the package file is there" test -f "$deb"
dpkg-deb -c "$deb" >"$work/contents" 2>&1
root="$work/root"
dpkg-deb -x "$deb" "$root"

has() { # has DESCRIPTION PATH-IN-PACKAGE
	if [ -e "$root$2" ] || [ -L "$root$2" ]; then ok "$1"
	else notok "$1" "$2 is missing; the package has: $(awk '{print $6}' "$work/contents" | tr '\n' ' ')"
	fi
}
has "the PAM module is in the multiarch security directory" \
    "/lib/$triplet/security/pam_jwtsafe.so"
has "the NSS module is in the multiarch library directory" \
    "/lib/$triplet/libnss_jwtsafe.so.2"
has "the jwtsafe command is in /usr/bin" /usr/bin/jwtsafe

# Every manual page the build installs (dist_man_MANS) is in the package.
missing=""
for page in $(sed -n 's/.*\(man\/[a-z_-]*\.[0-9]\).*/\1/p' \
    "$top_srcdir/Makefile.am" "$top_srcdir"/*/local.am "$top_srcdir"/*/*/local.am \
    2>/dev/null | sort -u); do
	name=$(basename "$page")
	sec=${name##*.}
	[ -f "$root/usr/share/man/man$sec/$name.gz" ] || missing="$missing $name"
done
if [ -z "$missing" ]; then ok "every manual page is installed, compressed"
else notok "every manual page is installed, compressed" "missing:$missing"
fi
has "the example configuration is installed" \
    /usr/share/doc/jwtsafe/examples/pam.d-sshd.example
has "the copyright file is installed" /usr/share/doc/jwtsafe/copyright

# /var/lib/jwtsafe: root's, not writable by others; the replay store 0700.
mode_of() { awk -v p="./$1/" '$6 == p { print $1 " " $2 }' "$work/contents"; }
check "/var/lib/jwtsafe is root-owned, mode 0755" \
    test "$(mode_of var/lib/jwtsafe)" = "drwxr-xr-x root/root"
check "/var/lib/jwtsafe/replay is root-owned, mode 0700" \
    test "$(mode_of var/lib/jwtsafe/replay)" = "drwx------ root/root"
check "/etc/jwtsafe is root-owned and not writable by others" \
    test "$(mode_of etc/jwtsafe)" = "drwxr-xr-x root/root"

check "no libtool archives or static libraries" \
    sh -c "! grep -E '\\.(la|a)\$' '$work/contents'"
check "no file is writable by group or others" \
    sh -c "! awk '{print \$1}' '$work/contents' | grep -E '^[-d].{4}w|^[-d].{7}w'"
check "no set-uid or set-gid file" \
    sh -c "! awk '{print \$1}' '$work/contents' | grep -E '^-..[sS]|^-.....[sS]'"

# Exported symbols: pam_sm_* only; _nss_jwtsafe_* only.
dynsyms() { nm -D --defined-only "$1" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u; }
pamsyms=$(dynsyms "$root/lib/$triplet/security/pam_jwtsafe.so" 2>&1)
check "the PAM module exports pam_sm_* only" \
    sh -c "test -n '$pamsyms' && ! printf '%s\n' '$pamsyms' | grep -v '^pam_sm_'"
nsssyms=$(dynsyms "$root/lib/$triplet/libnss_jwtsafe.so.2" 2>&1)
check "the NSS module exports _nss_jwtsafe_* only" \
    sh -c "test -n '$nsssyms' && ! printf '%s\n' '$nsssyms' | grep -v '^_nss_jwtsafe_'"
needed=$(readelf -d "$root/lib/$triplet/libnss_jwtsafe.so.2" 2>&1 |
    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
check "the NSS module links libc only (NEEDED: $needed)" \
    sh -c "test '$needed' = 'libc.so.6 '"
check "the PAM module is built with full RELRO and a non-executable stack" \
    sh -c "readelf -d '$root/lib/$triplet/security/pam_jwtsafe.so' | grep -q BIND_NOW &&
        readelf -lW '$root/lib/$triplet/security/pam_jwtsafe.so' | grep GNU_STACK | grep -qv RWE"

# The packaged command works: a key, its public half, a token, verified.
j="$root/usr/bin/jwtsafe"
check "the packaged jwtsafe makes a key and verifies its own token" sh -c "
	'$j' keygen --alg EdDSA --kid k1 --out '$work/secret.key' &&
	'$j' pubkey '$work/secret.key' >'$work/public.key' &&
	tok=\$('$j' sign --key '$work/secret.key' --iss https://issuer.example \
	    --aud host.example --sub alice --ttl 60) &&
	printf '%s\n' \"\$tok\" | '$j' verify --keys '$work/public.key' --alg EdDSA \
	    --iss https://issuer.example --aud host.example >/dev/null"
check "the package's control data names it and its dependencies" \
    sh -c "dpkg-deb -f '$deb' Package Depends | grep -q 'libpam-runtime'"

if command -v lintian >/dev/null 2>&1; then
	lintian --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1 || true
	sed 's/^/# lintian: /' "$work/lintian"
	if grep -q '^E:' "$work/lintian"; then
		notok "lintian shows no errors" "$(grep '^E:' "$work/lintian")"
	else
		ok "lintian shows no errors ($(grep -c '^W:' "$work/lintian") warnings)"
	fi
else
	n=$((n + 1)); echo "ok $n # SKIP lintian is not installed"
fi
[ "$n" -eq 21 ] || echo "# planned 21, ran $n"
[ "$failed" -eq 0 ]
