"""PyJWT (Debian python3-jwt) as an issuer and as a relying party, for
tests/interop/test_interop.sh.

    issuer_pyjwt.py issue DIR     keys and tokens for each algorithm
    issuer_pyjwt.py verify JOBS   verify jwtsafe's tokens
    issuer_pyjwt.py shortjwk DIR  an ES256 key whose PyJWT JWK has a short
                                  coordinate, and a token signed with it

Environment: ISS, AUD, SUB, TTL (seconds), NTOK (tokens per algorithm),
NTOK_EC (tokens for ES256/ES384, enough to see both S halves).

issue writes, for each ALG of the six jwtsafe accepts, DIR/ALG/ holding
either "na" (one line: why PyJWT cannot do it) or:
    pub.jwk   the verification key as PyJWT exports it (to_jwk) plus "kid"
    pub.pem   SubjectPublicKeyInfo PEM (not for HS256/HS384)
    tokens    NTOK (NTOK_EC) tokens, one a line, each with its own jti
    other     one token of the same kind, signed with a second key that
              carries the same kid
PyJWT has no key generation of its own: asymmetric keys come from
pyca/cryptography, the library PyJWT's algorithms are built on; HMAC
secrets from os.urandom. The JWKs are PyJWT's own export.

verify reads lines "ID ALG KEYFILE TOKENFILE" (KEYFILE a .jwk or .pem)
and prints "ID ok" or "ID refused: REASON" for each.
"""

import json
import os
import sys
import time
import uuid

import jwt
from jwt.algorithms import get_default_algorithms
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jwsutil  # noqa: E402

ENV = os.environ
CURVES = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1}


def make_key(alg):
    """(signing key, public key or None, JWK text) for alg."""
    if alg == "EdDSA":
        k = ed25519.Ed25519PrivateKey.generate()
    elif alg in CURVES:
        k = ec.generate_private_key(CURVES[alg]())
    elif alg == "PS256":
        k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        secret = os.urandom(32 if alg == "HS256" else 48)
        return secret, None, get_default_algorithms()[alg].to_jwk(secret)
    pub = k.public_key()
    return k, pub, get_default_algorithms()[alg].to_jwk(pub)


def short_coordinate(jwk, alg):
    size = jwsutil.EC[alg][1]
    return any(len(jwsutil.unb64u(jwk[c])) != size for c in ("x", "y"))


def mint(alg, key, kid):
    now = int(time.time())
    claims = {"iss": ENV["ISS"], "aud": ENV["AUD"], "sub": ENV["SUB"],
              "iat": now, "exp": now + int(ENV["TTL"]),
              "jti": str(uuid.uuid4())}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def write_key(d, alg, kid, pub, jwk_text):
    jwk = json.loads(jwk_text)
    jwk["kid"] = kid
    secret = pub is None
    jwsutil.write(os.path.join(d, "pub.jwk"), json.dumps(jwk) + "\n",
                  0o600 if secret else 0o644)
    if not secret:
        jwsutil.write(os.path.join(d, "pub.pem"), pub.public_bytes(
            ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo).decode())


def cmd_issue(top):
    algs = get_default_algorithms()
    for alg in jwsutil.ALGS:
        d = os.path.join(top, alg)
        os.makedirs(d, exist_ok=True)
        if alg not in algs:
            jwsutil.write(os.path.join(d, "na"),
                          "PyJWT %s lists no %s\n" % (jwt.__version__, alg))
            continue
        kid = "pyjwt-" + alg
        # A key whose PyJWT JWK has a short EC coordinate cannot be
        # imported (see shortjwk); the matrix uses a key without one, and
        # the short case is tested on its own.
        while True:
            key, pub, jwk_text = make_key(alg)
            if alg not in CURVES or \
                    not short_coordinate(json.loads(jwk_text), alg):
                break
        other = make_key(alg)[0]
        write_key(d, alg, kid, pub, jwk_text)
        n = int(ENV["NTOK_EC"] if alg in CURVES else ENV["NTOK"])
        jwsutil.write(os.path.join(d, "tokens"),
                      "".join(mint(alg, key, kid) + "\n" for _ in range(n)))
        jwsutil.write(os.path.join(d, "other"), mint(alg, other, kid) + "\n")


def cmd_shortjwk(d):
    os.makedirs(d, exist_ok=True)
    for tries in range(1, 20001):
        key, pub, jwk_text = make_key("ES256")
        if short_coordinate(json.loads(jwk_text), "ES256"):
            break
    else:
        sys.exit("no short coordinate in 20000 keys")
    write_key(d, "ES256", "pyjwt-short", pub, jwk_text)
    jwsutil.write(os.path.join(d, "tokens"),
                  mint("ES256", key, "pyjwt-short") + "\n")
    jwsutil.write(os.path.join(d, "tries"), "%d\n" % tries)


def load_key(path):
    text = jwsutil.read(path)
    if path.endswith(".pem"):
        return ser.load_pem_public_key(text.encode())
    return jwt.PyJWK(json.loads(text)).key


def cmd_verify(jobs):
    for line in jwsutil.read(jobs).splitlines():
        ident, alg, keyfile, tokfile = line.split(" ")
        try:
            claims = jwt.decode(
                jwsutil.read(tokfile).strip(), load_key(keyfile),
                algorithms=[alg], audience=ENV["AUD"], issuer=ENV["ISS"],
                options={"require": ["exp", "iat", "iss", "aud", "sub",
                                     "jti"]})
            if claims["sub"] != ENV["SUB"]:
                raise ValueError("sub is not %s" % ENV["SUB"])
            print("%s ok" % ident)
        except Exception as e:  # the relying party's refusal, any kind
            print("%s refused: %s: %s" % (ident, type(e).__name__,
                                          str(e).splitlines()[0][:120]
                                          if str(e) else ""))


def main(argv):
    {"issue": cmd_issue, "verify": cmd_verify,
     "shortjwk": cmd_shortjwk}[argv[1]](argv[2])


if __name__ == "__main__":
    main(sys.argv)
