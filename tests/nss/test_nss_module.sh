#!/bin/sh
# The shape of the built NSS module, which every process that looks a user
# up may load: its soname; libc as its only NEEDED library (no libsodium,
# libcrypto, cJSON or libpam: the sanitizer build adds only the sanitizer
# runtimes); the _nss_jwtsafe_* entry points and nothing else exported; no
# reference to the core library's jwtsafe_* functions or to the libraries
# it must not use; no getenv (the file path is compiled in, nothing in the
# environment of a setuid program can move it); that path in the binary.
# TAP output. Needs readelf and nm (binutils); skipped without them.
set -u
top_builddir=${top_builddir:-.}
so="$top_builddir/nss_jwtsafe/.libs/libnss_jwtsafe.so.2"

for c in readelf nm; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "1..0 # SKIP $c not found"
		exit 0
	fi
done
if [ ! -f "$so" ]; then
	echo "Bail out! module not built: $so"
	exit 1
fi

n=0
fail=0
check() {  # check COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

dyn=$(readelf -d "$so")
soname=$(printf '%s\n' "$dyn" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ "$soname" = libnss_jwtsafe.so.2 ]
check $? "soname is libnss_jwtsafe.so.2 (got: $soname)"

needed=$(printf '%s\n' "$dyn" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p' | sort)
printf '%s\n' "$needed" | grep -qx 'libc.so.6'
check $? "NEEDED has libc.so.6"
allowed='^libc\.so\.6$'
if [ "${JWTSAFE_SANITIZERS:-0}" = 1 ]; then
	allowed='^(libc\.so\.6|libasan\.so\.[0-9]+|libubsan\.so\.[0-9]+|libstdc\+\+\.so\.[0-9]+|libm\.so\.6|libgcc_s\.so\.1)$'
fi
others=$(printf '%s\n' "$needed" | grep -Ev "$allowed" | grep -v '^$' || true)
[ -z "$others" ]
check $? "NEEDED has nothing else (found: $(echo $others))"
printf '%s\n' "$needed" | grep -Eq 'sodium|crypto|ssl|cjson|pam'
[ $? -ne 0 ]
check $? "no libsodium, libcrypto, libssl, cJSON or libpam"

syms=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TtDdBbRrVvWwiu]$/ { print $3 }' | sed 's/@.*//' | sort -u)
for f in getpwnam_r getpwuid_r setpwent getpwent_r endpwent \
    getgrnam_r getgrgid_r setgrent getgrent_r endgrent; do
	echo "$syms" | grep -qx "_nss_jwtsafe_$f"
	check $? "exports _nss_jwtsafe_$f"
done
others=$(echo "$syms" | grep -v '^_nss_jwtsafe_' | grep -v '^$' || true)
[ -z "$others" ]
check $? "exports nothing but _nss_jwtsafe_* (found: $(echo $others))"

undef=$(nm -D --undefined-only "$so" | awk '{ print $NF }' | sed 's/@.*//')
bad=$(echo "$undef" | grep -E '^(jwtsafe_|sodium_|crypto_|OPENSSL_|EVP_|cJSON_|pam_)' || true)
[ -z "$bad" ]
check $? "needs no jwtsafe_, libsodium, OpenSSL, cJSON or PAM symbol (found: $(echo $bad))"
echo "$undef" | grep -Eqx '(secure_)?getenv'
[ $? -ne 0 ]
check $? "does not read the environment (no getenv, secure_getenv)"

grep -q -a '/etc/jwtsafe/accounts' "$so"
check $? "the path /etc/jwtsafe/accounts is compiled in"

echo "1..$n"
exit $fail
