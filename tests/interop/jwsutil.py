"""Helpers for tests/interop/test_interop.sh, written on pyca/cryptography
and the Python standard library only: no jwtsafe code is involved, so what
they compute is an independent view of the same keys and signatures.

    jwsutil.py prepare DIR        issuer output DIR/ALG/: expected key
                                  material, PEM where the issuer has none,
                                  ECDSA tokens split into low-S and high-S
                                  and the high-S twin (n - s) of each
                                  low-S one, the other key's token low-S
    jwsutil.py fromjwtsafe DIR    DIR/ALG/verify.line (a jwtsafe key line)
                                  to DIR/ALG/pub.jwk and pub.pem
    jwsutil.py sbits ALG          tokens on stdin: "total=N high=K bad=M"
    jwsutil.py material ALG JWK   the key material a jwtsafe key line of
                                  this key must hold
    jwsutil.py jwk2pem JWK        the SubjectPublicKeyInfo PEM of a JWK
    jwsutil.py secretline ALG KID JWK
                                  a jwtsafe secret key line (format of
                                  jwtsafe-keys(5)) from a private JWK
    jwsutil.py rawverify ALG JWK TOKEN
                                  "ok" or "bad": the signature alone, for
                                  checking published examples
    jwsutil.py ed25519sign JWK TEXT
                                  the base64url Ed25519 signature of TEXT

Run with /usr/bin/python3 -B (Debian's python3-cryptography).
"""

import base64
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as chmac
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding
from cryptography.hazmat.primitives.asymmetric import rsa, utils
from cryptography.exceptions import InvalidSignature

ALGS = ("EdDSA", "ES256", "ES384", "PS256", "HS256", "HS384")

# The group orders of P-256 and P-384 (SEC 2), and each curve's field size.
EC = {
    "ES256": (ec.SECP256R1(), 32, hashes.SHA256(), int(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFF"
        "BCE6FAADA7179E84F3B9CAC2FC632551", 16)),
    "ES384": (ec.SECP384R1(), 48, hashes.SHA384(), int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "FFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973", 16)),
}
CRV = {"P-256": "ES256", "P-384": "ES384"}


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s):
    if "=" in s or "+" in s or "/" in s:
        raise ValueError("not base64url without padding")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def ibytes(n, size=None):
    if size is None:
        size = max(1, (n.bit_length() + 7) // 8)
    return n.to_bytes(size, "big")


def read(path):
    with open(path, "r", encoding="utf-8") as f:
        return f.read()


def write(path, text, mode=0o644):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)


# ---- keys -----------------------------------------------------------------

def public_key(jwk):
    """The cryptography public key of a public JWK (private members are
    ignored)."""
    kty = jwk["kty"]
    if kty == "OKP" and jwk.get("crv") == "Ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(unb64u(jwk["x"]))
    if kty == "EC" and jwk.get("crv") in CRV:
        curve = EC[CRV[jwk["crv"]]][0]
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(unb64u(jwk["x"]), "big"),
            int.from_bytes(unb64u(jwk["y"]), "big"), curve).public_key()
    if kty == "EC" and jwk.get("crv") == "P-521":
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(unb64u(jwk["x"]), "big"),
            int.from_bytes(unb64u(jwk["y"]), "big"),
            ec.SECP521R1()).public_key()
    if kty == "RSA":
        return rsa.RSAPublicNumbers(
            int.from_bytes(unb64u(jwk["e"]), "big"),
            int.from_bytes(unb64u(jwk["n"]), "big")).public_key()
    raise ValueError("no public key type for kty=%s crv=%s" %
                     (kty, jwk.get("crv")))


def spki_pem(jwk):
    return public_key(jwk).public_bytes(
        ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo).decode()


def material(alg, jwk):
    """The MATERIAL field a jwtsafe key line of this key holds
    (jwtsafe-keys(5), KEY MATERIAL)."""
    if alg in ("HS256", "HS384"):
        return b64u(unb64u(jwk["k"]))
    if alg == "EdDSA":
        return b64u(unb64u(jwk["x"]))
    if alg in EC:
        size = EC[alg][1]
        return b64u(b"\x04" + unb64u(jwk["x"]).rjust(size, b"\0") +
                    unb64u(jwk["y"]).rjust(size, b"\0"))
    if alg == "PS256":
        return b64u(public_key(jwk).public_bytes(
            ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo))
    raise ValueError("algorithm %s" % alg)


def keyline_checksum(text):
    return b64u(hashlib.blake2b(text.encode(), digest_size=16).digest())


def parse_keyline(line):
    """A jwtsafe key line as (alg, purpose, kid, material bytes), its
    checksum checked."""
    f = line.rstrip("\n").split(" ")
    if len(f) != 8 or f[0] != "jwtsafe1":
        raise ValueError("not a jwtsafe1 key line")
    if keyline_checksum(" ".join(f[:7])) != f[7]:
        raise ValueError("key line checksum does not match")
    return f[1], f[2], f[3], unb64u(f[6])


def keyline_to_jwk(line):
    alg, purpose, kid, mat = parse_keyline(line)
    jwk = {"kid": kid, "alg": alg}
    if alg in ("HS256", "HS384"):
        jwk.update(kty="oct", k=b64u(mat))
    elif purpose != "public":
        raise ValueError("expected a public key line for %s" % alg)
    elif alg == "EdDSA":
        jwk.update(kty="OKP", crv="Ed25519", x=b64u(mat))
    elif alg in EC:
        size = EC[alg][1]
        if len(mat) != 1 + 2 * size or mat[0] != 4:
            raise ValueError("not an uncompressed point")
        jwk.update(kty="EC", crv="P-256" if alg == "ES256" else "P-384",
                   x=b64u(mat[1:1 + size]), y=b64u(mat[1 + size:]))
    elif alg == "PS256":
        pub = ser.load_der_public_key(mat)
        nums = pub.public_numbers()
        jwk.update(kty="RSA", n=b64u(ibytes(nums.n)), e=b64u(ibytes(nums.e)))
    return jwk


def secret_line(alg, kid, jwk):
    """A jwtsafe secret key line for a private JWK (EdDSA: the seed;
    ES256/ES384: PKCS#8 DER)."""
    if alg == "EdDSA":
        mat = unb64u(jwk["d"])
    elif alg in EC:
        priv = ec.derive_private_key(int.from_bytes(unb64u(jwk["d"]), "big"),
                                     EC[alg][0])
        mat = priv.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8,
                                 ser.NoEncryption())
    else:
        raise ValueError("secretline: %s" % alg)
    text = "jwtsafe1 %s secret %s - - %s" % (alg, kid, b64u(mat))
    return "%s %s\n" % (text, keyline_checksum(text))


# ---- signatures -----------------------------------------------------------

def split_token(tok):
    parts = tok.strip().split(".")
    if len(parts) != 3:
        raise ValueError("not three segments")
    return parts


def s_is_high(alg, tok):
    size, n = EC[alg][1], EC[alg][3]
    sig = unb64u(split_token(tok)[2])
    if len(sig) != 2 * size:
        raise ValueError("signature of %d bytes" % len(sig))
    return int.from_bytes(sig[size:], "big") > n // 2


def high_s_twin(alg, tok):
    """The same signature with s replaced by n - s."""
    size, n = EC[alg][1], EC[alg][3]
    h, p, s64 = split_token(tok)
    sig = unb64u(s64)
    s = int.from_bytes(sig[size:], "big")
    return "%s.%s.%s" % (h, p, b64u(sig[:size] + ibytes(n - s, size)))


def raw_verify(alg, jwk, tok):
    h, p, s64 = split_token(tok)
    data, sig = ("%s.%s" % (h, p)).encode(), unb64u(s64)
    try:
        if alg in ("HS256", "HS384", "HS512"):
            mac = chmac.HMAC(unb64u(jwk["k"]), getattr(hashes, "SHA" + alg[2:])())
            mac.update(data)
            mac.verify(sig)
            return True
        key = public_key(jwk)
        if alg == "EdDSA":
            key.verify(sig, data)
        elif alg in ("ES256", "ES384", "ES512"):
            half = len(sig) // 2
            der = utils.encode_dss_signature(
                int.from_bytes(sig[:half], "big"),
                int.from_bytes(sig[half:], "big"))
            key.verify(der, data, ec.ECDSA(getattr(hashes, "SHA" + alg[2:])()))
        elif alg == "RS256":
            key.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "PS256":
            key.verify(sig, data, padding.PSS(padding.MGF1(hashes.SHA256()),
                       32), hashes.SHA256())
        else:
            raise ValueError("rawverify: %s" % alg)
        return True
    except InvalidSignature:
        return False


# ---- commands ---------------------------------------------------------------

def cmd_prepare(top):
    for alg in ALGS:
        d = os.path.join(top, alg)
        if not os.path.isdir(d) or os.path.exists(os.path.join(d, "na")):
            continue
        jwk = json.loads(read(os.path.join(d, "pub.jwk")))
        write(os.path.join(d, "material"), material(alg, jwk) + "\n")
        if alg not in ("HS256", "HS384") and \
                not os.path.exists(os.path.join(d, "pub.pem")):
            write(os.path.join(d, "pub.pem"), spki_pem(jwk))
            write(os.path.join(d, "pem.converted"), "pyca/cryptography\n")
        if alg in EC:
            low, high, twins = [], [], []
            for tok in read(os.path.join(d, "tokens")).split():
                if s_is_high(alg, tok):
                    high.append(tok)
                else:
                    low.append(tok)
                    twins.append(high_s_twin(alg, tok))
            write(os.path.join(d, "low"), "".join(t + "\n" for t in low))
            write(os.path.join(d, "high"), "".join(t + "\n" for t in high))
            write(os.path.join(d, "twins"), "".join(t + "\n" for t in twins))
        else:
            write(os.path.join(d, "low"), read(os.path.join(d, "tokens")))
        # The other key's token in its low-S form, so that refusing it
        # takes the signature check itself, not the high-S rule.
        other = read(os.path.join(d, "other")).strip()
        if alg in EC and s_is_high(alg, other):
            other = high_s_twin(alg, other)
        write(os.path.join(d, "other.low"), other + "\n")


def cmd_fromjwtsafe(top):
    for alg in ALGS:
        d = os.path.join(top, alg)
        line = os.path.join(d, "verify.line")
        if not os.path.exists(line):
            continue
        jwk = keyline_to_jwk(read(line))
        secret = jwk["kty"] == "oct"
        write(os.path.join(d, "pub.jwk"), json.dumps(jwk) + "\n",
              0o600 if secret else 0o644)
        if not secret:
            write(os.path.join(d, "pub.pem"), spki_pem(jwk))


def cmd_sbits(alg):
    total = high = bad = 0
    for tok in sys.stdin.read().split():
        total += 1
        try:
            high += s_is_high(alg, tok)
        except ValueError:
            bad += 1
    print("total=%d high=%d bad=%d" % (total, high, bad))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "prepare":
        cmd_prepare(args[0])
    elif cmd == "fromjwtsafe":
        cmd_fromjwtsafe(args[0])
    elif cmd == "sbits":
        cmd_sbits(args[0])
    elif cmd == "material":
        print(material(args[0], json.loads(read(args[1]))))
    elif cmd == "jwk2pem":
        sys.stdout.write(spki_pem(json.loads(read(args[0]))))
    elif cmd == "secretline":
        sys.stdout.write(secret_line(args[0], args[1],
                                     json.loads(read(args[2]))))
    elif cmd == "rawverify":
        print("ok" if raw_verify(args[0], json.loads(read(args[1])),
                                 args[2]) else "bad")
    elif cmd == "ed25519sign":
        priv = ed25519.Ed25519PrivateKey.from_private_bytes(
            unb64u(json.loads(read(args[0]))["d"]))
        print(b64u(priv.sign(args[1].encode())))
    else:
        sys.exit("jwsutil.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main(sys.argv)
