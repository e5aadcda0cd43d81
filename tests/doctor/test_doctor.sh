#!/bin/sh
# jwtsafe doctor against a copy of a system under a temp dir (--root): a
# valid configuration (the positive control) has no finding and exits 0;
# each case changes one thing in a fresh copy of it and must produce
# exactly the finding expected (severity, file and line, words) and the
# exit status (1 for an error, 0 for warnings only). Needs no root: the
# files belong to whoever runs it, and doctor accepts them as the module
# would in a process of that uid. TAP output.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ ! -x "$JWTSAFE" ]; then
	echo "1..0 # SKIP the jwtsafe command is not built ($JWTSAFE)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jwtsafe-doctor.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
chmod 0755 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM

doctor_keys "$tmp/keys" || { echo "Bail out! cannot make the test keys"; exit 1; }
doctor_make_valid "$tmp/valid" || { echo "Bail out! cannot build the valid configuration"; exit 1; }
now=$(date +%s)
R='.*'              # a path under the test root, as the core names it

# ---- the positive control ---------------------------------------------------
doctor_run "$tmp/valid"
expect "the valid configuration: no error or warning, exit 0" 0
grep -q '^summary: 0 error(s), [0-9]* warning(s) in 2 pam_jwtsafe line(s) of 2 service(s)$' "$tmp/out" \
	&& ok "the summary counts 2 lines in 2 services" || { nok "summary"; diag "$tmp/out"; }
for want in \
    'ok sshd:2: auth line, control \[success=done default=die\]: a valid token ends the stack with success; a refused one fails the login at once' \
    'ok sshd:2: options: alg=EdDSA issuer=https://issuer.example audience=ssh:host1.example max_ttl=300 leeway=30' \
    'ok sshd:2: keys=/etc/jwtsafe/issuer.pub: 1 EdDSA public key\(s\), 1 valid now, 0 retired, 0 not yet valid' \
    'ok sshd:2: map=/etc/jwtsafe/users.map: 2 subject\(s\)' \
    'ok sshd:2: replay store /var/lib/jwtsafe/replay: safe and writable' \
    'ok sshd:2: module /lib/security/pam_jwtsafe.so' \
    'ok jwtsafe-sudo:2: options: alg=ES256 .* max_ttl=120 .*' \
    'ok /etc/ssh/sshd_config: UsePAM yes, KbdInteractiveAuthentication yes, PasswordAuthentication yes' \
    'ok /etc/jwtsafe/accounts: 2 account\(s\), 1 group\(s\), 2 subject\(s\)' \
    'ok /etc/nsswitch.conf:2: passwd lists jwtsafe' \
    'ok /usr/lib/libnss_jwtsafe.so.2: installed where glibc finds it' \
    'ok /etc/passwd: no name or id of a declared account' \
    'ok /etc/group: no name or id of a declared group'; do
	grep -q -E -x -e "$want" "$tmp/out" && ok "control says: $want" || { nok "control lacks: $want"; diag "$tmp/out"; }
done
if ls "$tmp/valid/var/lib/jwtsafe/replay" | grep -q .; then
	nok "the write probe left something in the replay store"
else ok "the write probe left nothing in the replay store"; fi
doctor_run "$tmp/valid" --quiet
if [ "$rc" -eq 0 ] && ! grep -q '^ok ' "$tmp/out" && grep -q '^summary: 0 error' "$tmp/out"; then
	ok "--quiet prints no ok lines, only the summary"
else nok "--quiet"; diag "$tmp/out"; fi
doctor_run "$tmp/valid" sudo
expect "the service sudo alone" 0
grep -q 'in 1 pam_jwtsafe line(s) of 1 service(s)' "$tmp/out" && ! grep -q '^ok sshd' "$tmp/out" \
	&& ok "naming sudo checks sudo's line only" || { nok "naming sudo"; diag "$tmp/out"; }

# ---- the PAM line ------------------------------------------------------------------
fresh; sed -i 's/issuer=https/isuer=https/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "typo'd option (isuer=)" 1 \
    'error sshd:2: options: config: unknown option "isuer": the module refuses every login \(PAM_SERVICE_ERR\) -- fix: .*'

fresh; sed -i 's/ audience=ssh:host1.example//' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "missing required option (audience=)" 1 \
    'error sshd:2: options: config: required option audience= is missing: .*'

fresh; sed -i 's/max_ttl=120/max_ttl=120 debug=1/' "$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "a flag given a value, in an @included file" 1 \
    'error jwtsafe-sudo:2: options: config: option debug takes no value: .*'

fresh; sed -i 's/issuer=https:\/\/issuer.example \\/issuer=https:\/\/issuer.example # \\/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "a '#' ends the line for libpam, continuation and all: audience= is lost" 1 \
    'error sshd:2: options: config: required option audience= is missing: .*' \
    'error sshd:4: not a module type: libpam fails every auth request of this service -- fix: .*'

fresh; sed -i 's/^auth \[success=done default=die\]/auth optional/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "optional control: a warning, exit 0" 0 \
    'warning sshd:2: control optional: a valid token does not log in when another auth module fails, and a refused token is ignored.* -- fix: use sufficient .*'

fresh; sed -i 's/default=die\]/default=dei]/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "a control libpam cannot parse" 1 \
    'error sshd:2: control \[success=done default=dei\] is no keyword and does not parse \(expecting an action or a jump count\): libpam counts every result .*'

fresh; sed -i 's/\[success=done default=die\]/[success=die default=ignore]/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "a control that counts success as a failure" 1 \
    'error sshd:2: control \[success=die default=ignore\] counts a valid token as a failure: no token can log in -- fix: .*'

fresh; sed -i 's/\[success=done default=die\]/[success=done auth_err=2 default=ignore]/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "a control that jumps on a refused token" 0 \
    'warning sshd:2: control \[success=done auth_err=2 default=ignore\]: when the module returns auth_err, the stack skips the next 2 module\(s\): .*'

fresh; sed -i 's/^auth \[success=done default=die\]/auth sufficient/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "sufficient: no finding" 0
grep -q -x 'ok sshd:2: auth line, control sufficient: a valid token ends the stack with success; a refused one falls through to the next modules' "$tmp/out" \
	&& ok "sufficient is explained: a refused token falls through" || { nok "sufficient"; diag "$tmp/out"; }

fresh; sed -i 's/^auth required pam_jwtsafe.so/account required pam_jwtsafe.so/' "$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "pam_jwtsafe on an account line" 1 \
    'error jwtsafe-sudo:2: pam_jwtsafe on a "account" line: the module has no pam_sm_acct_mgmt, so libpam answers "Module is unknown" there -- fix: remove the line.*'

fresh; sed -i 's/^auth required pam_jwtsafe.so/-auth required pam_jwtsafe.so/' "$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "'-' before the type" 0 \
    'warning jwtsafe-sudo:2: "-auth": libpam would not log it if the module went missing -- fix: .*'

fresh; rm "$case_root/lib/security/pam_jwtsafe.so"
doctor_run "$case_root"
expect "the module is not installed (both lines)" 1 \
    'error sshd:2: module pam_jwtsafe.so not found in the PAM module directories: libpam answers "Module is unknown" .*' \
    'error jwtsafe-sudo:2: module pam_jwtsafe.so not found in the PAM module directories: .*'

fresh; chmod 0666 "$case_root/lib/security/pam_jwtsafe.so"
doctor_run "$case_root"
expect "a world-writable module" 1 \
    'error sshd:2: module /lib/security/pam_jwtsafe.so is writable by group or others \(mode 0666\): .*' \
    'error jwtsafe-sudo:2: module /lib/security/pam_jwtsafe.so is writable by group or others \(mode 0666\): .*'

fresh; sed -i 's/^auth required pam_jwtsafe.so/auth required pam_jwtsafe.so use_first_pass/' "$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "use_first_pass with no module before it" 1 \
    'error jwtsafe-sudo:2: use_first_pass in sudo, but no auth module runs before this one to set PAM_AUTHTOK: every login fails -- fix: .*'

fresh; long=$(printf '%01000d' 0)
sed -i "s/max_ttl=120/max_ttl=120 prompt=$long/" "$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "a line over libpam's 1023-byte buffer" 1 \
    "error jwtsafe-sudo:2: the line is longer than libpam's 1023-byte buffer: libpam reads the rest as a separate, invalid line, which fails the whole stack -- fix: .*" \
    'error jwtsafe-sudo:2: options: config: option prompt: value longer than 128 bytes: .*'

fresh; printf 'auth required pam_unix.so \\\n' >>"$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "a continued line at the end of the file" 1 \
    'error sshd:7: libpam stops reading /etc/pam.d/sshd here \(a continued line at the end of the file, .*\): the service fails'

fresh; sed -i 's/@include common-account/@include common-acount/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "an @include of a missing file" 1 \
    'error sshd:5: cannot read /etc/pam.d/common-acount: No such file or directory: libpam fails this service'

fresh; printf 'auht required pam_unix.so\n' >>"$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "another line of the stack with a bad type" 1 \
    'error jwtsafe-sudo:3: not a module type: libpam fails every auth request of this service -- fix: .*'

# ---- the key file --------------------------------------------------------------------
fresh; rm "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "key file missing" 1 \
    "error sshd:2: keys=/etc/jwtsafe/issuer.pub: system: $R: the module refuses every login \\(PAM_AUTHINFO_UNAVAIL\\) -- fix: put the issuer's EdDSA key file at /etc/jwtsafe/issuer.pub .*"

fresh; chmod 0664 "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "key file group-writable" 1 \
    'error sshd:2: keys=/etc/jwtsafe/issuer.pub: unsafe-file: .*issuer.pub: group-writable \(mode 0664\): the module refuses every login .* -- fix: chown root:root /etc/jwtsafe/issuer.pub; chmod 0644 .*'

fresh; chmod 0777 "$case_root/etc/jwtsafe"
doctor_run "$case_root"
expect "a world-writable directory above the key and map files" 1 \
    'error sshd:2: keys=/etc/jwtsafe/issuer.pub: unsafe-file: .*/etc/jwtsafe: world-writable.*' \
    'error sshd:2: map=/etc/jwtsafe/users.map: unsafe-file: .*/etc/jwtsafe: world-writable.*' \
    'error jwtsafe-sudo:2: keys=/etc/jwtsafe/sudo.pub: unsafe-file: .*/etc/jwtsafe: world-writable.*' \
    'error /etc/jwtsafe/accounts: unsafe-file: .*/etc/jwtsafe: world-writable.*: nss_jwtsafe serves no account at all -- fix: .*'

fresh; cp "$KEYS/es.pub" "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "key file with keys of another algorithm only" 1 \
    'error sshd:2: keys=/etc/jwtsafe/issuer.pub: key-alg: .*issuer.pub: holds ES256 keys but the configured algorithm is EdDSA: .* -- fix: point keys= at a file of EdDSA keys, or set alg= .*'

fresh; cp "$KEYS/ed.key" "$case_root/etc/jwtsafe/issuer.pub"; chmod 0600 "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "a secret key where the public key belongs" 1 \
    'error sshd:2: keys=/etc/jwtsafe/issuer.pub: key-purpose: .*: a token that selects this key \(by its kid, or as the only key\) is refused \(PAM_AUTHINFO_UNAVAIL\) -- fix: put only the public key there \(jwtsafe pubkey SECRET-FILE\).*'

# the checksum's first character changed
fresh; awk '{ $8 = ($8 ~ /^A/ ? "B" : "A") substr($8, 2); print }' "$KEYS/ed-soon.pub" \
	>>"$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "a second key line with a bad checksum: only tokens that select it fail" 1 \
    'error sshd:2: keys=/etc/jwtsafe/issuer.pub: key-checksum: .*issuer.pub:2: .*: a token that selects this key \(by its kid, or as the only key\) is refused .* -- fix: write /etc/jwtsafe/issuer.pub again .*'

fresh; cp "$KEYS/ed-old.pub" "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "expired keys only" 1 \
    'error sshd:2: keys=/etc/jwtsafe/issuer.pub: no key is valid now \([^)]*\): 1 retired, the last on [0-9-]* [0-9:]* UTC, 0 not yet valid: every token is refused -- fix: .*'

fresh; cat "$KEYS/ed-old.pub" >>"$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "an expired key beside a valid one: no finding" 0
grep -q 'ok sshd:2: keys=/etc/jwtsafe/issuer.pub: 2 EdDSA public key(s), 1 valid now (tokens must name their kid), 1 retired' "$tmp/out" \
	&& ok "the ok line counts the retired key" || { nok "retired count"; diag "$tmp/out"; }

fresh; cp "$KEYS/ed-soon.pub" "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "the only key retires within 7 days" 0 \
    'warning sshd:2: keys=/etc/jwtsafe/issuer.pub: key "ed-soon" \(line 1\) retires on .* UTC, in (4[0-9]) hour\(s\), and no other key is valid after it -- fix: add the issuer.s next key .*'

fresh; cat "$KEYS/ed-soon.pub" >>"$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root"
expect "a key retiring soon with a successor: no finding" 0

fresh; cp "$KEYS/ed.pub" "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root" --now $((now + 400 * 86400))
expect "--now a year ahead: no key window, no finding" 0
fresh; cp "$KEYS/ed-soon.pub" "$case_root/etc/jwtsafe/issuer.pub"
doctor_run "$case_root" --now $((now + 3 * 86400))
expect "--now past the retirement" 1 \
    'error sshd:2: keys=/etc/jwtsafe/issuer.pub: no key is valid now .*'

fresh; cp "$KEYS/hs.key" "$case_root/etc/jwtsafe/sudo.pub"; chmod 0644 "$case_root/etc/jwtsafe/sudo.pub"
sed -i 's/alg=ES256/alg=HS256/' "$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "an HMAC secret readable by others" 1 \
    'error jwtsafe-sudo:2: keys=/etc/jwtsafe/sudo.pub: unsafe-file: .* -- fix: chown root:root /etc/jwtsafe/sudo.pub; chmod 0600 .*'
chmod 0600 "$case_root/etc/jwtsafe/sudo.pub"
doctor_run "$case_root"
expect "the same secret at mode 0600 (control)" 0

# ---- map and replay store ----------------------------------------------------------------
fresh; echo 'carol@example.com carol' >>"$case_root/etc/jwtsafe/users.map"
doctor_run "$case_root"
expect "map file malformed" 1 \
    "error sshd:2: map=/etc/jwtsafe/users.map: config: .*users.map:4: .*: the module refuses every login \\(PAM_AUTHINFO_UNAVAIL\\) -- fix: correct the line named above .*"

fresh; chmod 0666 "$case_root/etc/jwtsafe/users.map"
doctor_run "$case_root"
expect "map file world-writable" 1 \
    'error sshd:2: map=/etc/jwtsafe/users.map: unsafe-file: .*users.map: world-writable \(mode 0666\): .* -- fix: chown root:root /etc/jwtsafe/users.map; chmod 0644 .*'

fresh; rm "$case_root/etc/jwtsafe/users.map"
doctor_run "$case_root"
expect "map file missing" 1 \
    'error sshd:2: map=/etc/jwtsafe/users.map: system: .* -- fix: create /etc/jwtsafe/users.map .*'

fresh; sed -i 's|map=/etc/jwtsafe/users.map|map=/etc/jwtsafe/accounts|' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "the accounts file as the map (one file for both): no finding" 0

fresh; rm -r "$case_root/var/lib/jwtsafe"
doctor_run "$case_root"
expect "replay store and its parent missing (both lines)" 1 \
    'error sshd:2: replay store /var/lib/jwtsafe/replay is missing and cannot be created: system: .* -- fix: create its parent /var/lib/jwtsafe .*' \
    'error jwtsafe-sudo:2: replay store /var/lib/jwtsafe/replay is missing and cannot be created: .*'

fresh; rmdir "$case_root/var/lib/jwtsafe/replay"
doctor_run "$case_root"
expect "replay store missing, parent present: created at first login" 0
grep -q 'ok sshd:2: replay store /var/lib/jwtsafe/replay does not exist yet; the module creates it' "$tmp/out" \
	&& ok "and doctor says the module creates it" || { nok "replay store creation note"; diag "$tmp/out"; }
[ ! -e "$case_root/var/lib/jwtsafe/replay" ] && ok "and doctor did not create it" || nok "doctor created the replay store"

fresh; chmod 0777 "$case_root/var/lib/jwtsafe/replay"
doctor_run "$case_root"
expect "replay store world-writable (both lines)" 1 \
    'error sshd:2: replay store /var/lib/jwtsafe/replay: replay-store: replay store is writable by group or others .* -- fix: chown root:root /var/lib/jwtsafe/replay; chmod 0700 .*' \
    'error jwtsafe-sudo:2: replay store /var/lib/jwtsafe/replay: replay-store: .*'

fresh; rm -r "$case_root/var/lib/jwtsafe/replay"; echo x >"$case_root/var/lib/jwtsafe/replay"
doctor_run "$case_root"
expect "replay store is a file" 1 \
    'error sshd:2: replay store /var/lib/jwtsafe/replay: replay-store: cannot open the replay store: not a directory .*' \
    'error jwtsafe-sudo:2: replay store /var/lib/jwtsafe/replay: replay-store: .*'

fresh; sed -i 's/audience=ssh:host1.example/audience=ssh:host1.example noreplay/' "$case_root/etc/pam.d/sshd"
doctor_run "$case_root"
expect "noreplay on an sshd line" 0 \
    'warning sshd:2: noreplay in sshd: a token can be used again, by anyone who sees it, until it expires \(max_ttl=300 s\) -- fix: remove noreplay .*'

fresh; cp "$KEYS/ps.pub" "$case_root/etc/jwtsafe/sudo.pub"; sed -i 's/alg=ES256/alg=PS256/' "$case_root/etc/pam.d/jwtsafe-sudo"
doctor_run "$case_root"
expect "PS256 for sudo" 0 \
    'warning jwtsafe-sudo:2: alg=PS256 in sudo: PS256 tokens are 620 to 970 bytes, and sudo refuses answers of 512 bytes or more -- fix: use EdDSA or ES256 for sudo .*'

# ---- accounts, NSS, passwd ------------------------------------------------------------------
fresh; sed -i 's/^passwd: .*/passwd:         files systemd/' "$case_root/etc/nsswitch.conf"
doctor_run "$case_root"
expect "nsswitch.conf lacks jwtsafe while accounts are declared" 1 \
    'error /etc/nsswitch.conf:2: passwd does not list jwtsafe: the 2 declared account\(s\) do not exist for sshd, sudo or anything else -- fix: add jwtsafe to the passwd line: "passwd: files jwtsafe"'

fresh; sed -i '/^passwd:/d' "$case_root/etc/nsswitch.conf"
doctor_run "$case_root"
expect "nsswitch.conf without a passwd line" 1 \
    'error /etc/nsswitch.conf: no passwd line \(glibc uses files only\): .*'

fresh; sed -i 's/^group: .*/group: files/' "$case_root/etc/nsswitch.conf"
doctor_run "$case_root"
expect "declared groups, nsswitch group line without jwtsafe" 0 \
    'warning /etc/nsswitch.conf:3: group does not list jwtsafe: the 1 declared group\(s\) have no names -- fix: .*'

fresh; sed -i 's/^passwd: .*/passwd: files systemd/' "$case_root/etc/nsswitch.conf"
printf '# nothing declared\n' >"$case_root/etc/jwtsafe/accounts"
doctor_run "$case_root"
expect "no account declared: nsswitch.conf does not matter" 0

fresh; echo 'deploy:x:1002:1002:Deploy:/home/deploy:/bin/sh' >>"$case_root/etc/passwd"
doctor_run "$case_root"
expect "account name colliding with /etc/passwd" 1 \
    'error /etc/jwtsafe/accounts:3: the account declared here has the name or id of "deploy" \(/etc/passwd:5, id 1002\): one of them shadows the other -- fix: .*'

fresh; echo 'olduser:x:60002:1000::/home/old:/bin/sh' >>"$case_root/etc/passwd"
doctor_run "$case_root"
expect "account uid colliding with /etc/passwd" 1 \
    'error /etc/jwtsafe/accounts:4: the account declared here has the name or id of "olduser" \(/etc/passwd:5, id 60002\): .*'

fresh; echo 'deployers:x:1200:' >>"$case_root/etc/group"
doctor_run "$case_root"
expect "group name colliding with /etc/group" 1 \
    'error /etc/jwtsafe/accounts:2: the group declared here has the name or id of "deployers" \(/etc/group:4, id 1200\): .*'

fresh; echo 'account web 70000 60100 /var/lib/web /bin/sh web@ci.example' >>"$case_root/etc/jwtsafe/accounts"
doctor_run "$case_root"
expect "an account line nss_jwtsafe skips (uid out of range)" 1 \
    'error /etc/jwtsafe/accounts:5: .*: nss_jwtsafe skips this line, so what it declares does not exist -- fix: .*'

fresh; chmod 0664 "$case_root/etc/jwtsafe/accounts"
doctor_run "$case_root"
expect "accounts file group-writable" 1 \
    'error /etc/jwtsafe/accounts: unsafe-file: .*group-writable.*: nss_jwtsafe serves no account at all -- fix: .*'

fresh; rm "$case_root/usr/lib/libnss_jwtsafe.so.2"
doctor_run "$case_root"
expect "libnss_jwtsafe.so.2 not installed" 1 \
    'error libnss_jwtsafe.so.2: not found in .*: glibc cannot load it and the accounts do not exist -- fix: .*'

# ---- sshd ---------------------------------------------------------------------------------
fresh; sed -i 's/^UsePAM yes/UsePAM no/' "$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "sshd without UsePAM" 1 \
    'error /etc/ssh/sshd_config:3: UsePAM is no: sshd never runs the PAM stack, so sshd:2 is never reached -- fix: set UsePAM yes .*'

fresh; sed -i '/^UsePAM/d' "$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "sshd with UsePAM left at its default" 1 \
    'error /etc/ssh/sshd_config: UsePAM is no \(the default\): .*'

fresh; printf 'UsePAM no\n' >>"$case_root/etc/ssh/sshd_config.d/10-local.conf"
doctor_run "$case_root"
expect "UsePAM no in an Included file, before the main file's yes (first value wins)" 1 \
    'error /etc/ssh/sshd_config.d/10-local.conf:3: UsePAM is no: .*'

fresh; printf 'Match User backup\n\tUsePAM no\n' >>"$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "UsePAM in a Match block does not count (sshd ignores it there)" 0

fresh; sed -i 's/^KbdInteractiveAuthentication yes/KbdInteractiveAuthentication no/' "$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "KbdInteractiveAuthentication no, passwords allowed: a warning" 0 \
    'warning /etc/ssh/sshd_config:2: KbdInteractiveAuthentication no: tokens can only be sent as a password .*'

fresh; sed -i 's/^KbdInteractiveAuthentication yes/ChallengeResponseAuthentication=no/' "$case_root/etc/ssh/sshd_config"
printf 'PasswordAuthentication no\n' >>"$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "no keyboard-interactive (the deprecated name) and no password" 1 \
    'error /etc/ssh/sshd_config:2: KbdInteractiveAuthentication and PasswordAuthentication are both no: sshd never asks PAM for a token -- fix: .*'

fresh; printf 'AuthenticationMethods publickey\n' >>"$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "AuthenticationMethods without keyboard-interactive" 1 \
    'error /etc/ssh/sshd_config:5: AuthenticationMethods publickey: no list lets PAM ask for the token -- fix: .*'
fresh; printf 'AuthenticationMethods publickey,keyboard-interactive\n' >>"$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "AuthenticationMethods publickey,keyboard-interactive (control)" 0

fresh; printf 'Match Group contractors\n\tKbdInteractiveAuthentication no\n' >>"$case_root/etc/ssh/sshd_config"
doctor_run "$case_root"
expect "a Match block that changes keyboard-interactive" 0 \
    'warning /etc/ssh/sshd_config:6: a Match block changes how sshd authenticates some connections; .*'

# ---- the clock, the run itself --------------------------------------------------------------
fresh
doctor_run "$case_root" --now 1000000000
expect "a clock in 2001 (keys without a window stay valid)" 1 \
    'error system: the clock says 2001-09-09 01:46 UTC, before this jwtsafe was written .*'

fresh
doctor_run "$case_root" --now $((now - 86400))
expect "a clock a day behind the files" 0 \
    'warning system: .* was modified on .*, after the clock.s .*: the clock may be behind -- fix: .*'

"$JWTSAFE" doctor --root relative/dir >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--root' "$tmp/err" && ok "a relative --root is a usage error (2)" || { nok "relative --root: exit $rc"; diag "$tmp/err"; }
"$JWTSAFE" doctor --root "$tmp/valid" ../../etc/passwd >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && ok "a service name with '/' is a usage error (2)" || { nok "service with /: exit $rc"; diag "$tmp/err"; }
"$JWTSAFE" doctor --root "$tmp/valid" --bogus >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && ok "an unknown option is a usage error (2)" || nok "unknown option: exit $rc"
"$JWTSAFE" doctor --help >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q '^usage: jwtsafe doctor' "$tmp/out" && ok "--help" || nok "--help"
doctor_run "$tmp/valid" nosuchservice
expect "a named service that does not exist" 1 \
    'error nosuchservice: no such PAM service file /etc/pam.d/nosuchservice .*'
doctor_run "$tmp/valid" login
expect "a named service that does not use pam_jwtsafe" 1 \
    'error login: the login stack never reaches pam_jwtsafe.so -- fix: .*'

# Nothing printed holds key material: the MATERIAL and CHECKSUM fields of
# every key line used above.
cat "$tmp"/case.*/etc/jwtsafe/*.pub "$KEYS"/*.pub "$KEYS"/*.key 2>/dev/null |
	awk '$1 == "jwtsafe1" { print $7; print $8 }' | sort -u >"$tmp/secrets"
"$JWTSAFE" doctor --root "$tmp/valid" >"$tmp/all" 2>&1
for d in "$tmp"/case.*; do "$JWTSAFE" doctor --root "$d" >>"$tmp/all" 2>&1; done
if [ -s "$tmp/secrets" ] && ! grep -q -F -f "$tmp/secrets" "$tmp/all"; then
	ok "no key material in any output ($(wc -l <"$tmp/secrets") strings looked for)"
else nok "key material in the output"; fi

# The module's entry points, which the type check relies on.
syms=$(grep -o '^pam_sm_[a-z_]*' "$DOC_SRCDIR/pam_jwtsafe/pam_jwtsafe.c" | sort -u | tr '\n' ' ')
[ "$syms" = "pam_sm_authenticate pam_sm_setcred " ] && ok "pam_jwtsafe.c defines pam_sm_authenticate and pam_sm_setcred only, as doctor assumes" \
	|| nok "pam_jwtsafe.c defines: $syms (doctor's type check must follow)"

done_testing
