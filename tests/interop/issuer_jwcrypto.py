"""jwcrypto (Debian python3-jwcrypto) as an issuer and as a relying party,
for tests/interop/test_interop.sh.

    issuer_jwcrypto.py issue DIR     keys and tokens for each algorithm
    issuer_jwcrypto.py verify JOBS   verify jwtsafe's tokens

Environment, output files and the JOBS format: as for issuer_pyjwt.py.
Keys are made by jwcrypto (JWK.generate) and exported by it
(export_public, export_to_pem, export for an oct key).
"""

import json
import os
import sys
import time
import uuid

from jwcrypto import jwk, jwt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jwsutil  # noqa: E402

ENV = os.environ
TEMPLATES = {
    "EdDSA": {"kty": "OKP", "crv": "Ed25519"},
    "ES256": {"kty": "EC", "crv": "P-256"},
    "ES384": {"kty": "EC", "crv": "P-384"},
    "PS256": {"kty": "RSA", "size": 2048},
    "HS256": {"kty": "oct", "size": 256},
    "HS384": {"kty": "oct", "size": 384},
}


def version():
    try:
        from importlib.metadata import version as v
        return v("jwcrypto")
    except Exception:  # metadata missing: say so rather than guess
        return "?"


def mint(alg, key, kid):
    now = int(time.time())
    claims = {"iss": ENV["ISS"], "aud": ENV["AUD"], "sub": ENV["SUB"],
              "iat": now, "exp": now + int(ENV["TTL"]),
              "jti": str(uuid.uuid4())}
    tok = jwt.JWT(header={"alg": alg, "typ": "JWT", "kid": kid},
                  claims=claims)
    tok.make_signed_token(key)
    return tok.serialize()


def cmd_issue(top):
    for alg in jwsutil.ALGS:
        d = os.path.join(top, alg)
        os.makedirs(d, exist_ok=True)
        kid = "jwcrypto-" + alg
        try:
            key = jwk.JWK.generate(kid=kid, **TEMPLATES[alg])
            other = jwk.JWK.generate(kid=kid, **TEMPLATES[alg])
            tokens = [mint(alg, key, kid) for _ in range(
                int(ENV["NTOK_EC"] if alg in ("ES256", "ES384")
                    else ENV["NTOK"]))]
        except Exception as e:  # the library cannot: record why
            jwsutil.write(os.path.join(d, "na"), "jwcrypto %s: %s: %s\n" %
                          (version(), type(e).__name__, e))
            continue
        if alg in ("HS256", "HS384"):
            jwsutil.write(os.path.join(d, "pub.jwk"),
                          key.export(private_key=True) + "\n", 0o600)
        else:
            jwsutil.write(os.path.join(d, "pub.jwk"),
                          key.export_public() + "\n")
            jwsutil.write(os.path.join(d, "pub.pem"),
                          key.export_to_pem(private_key=False,
                                            password=None).decode())
        jwsutil.write(os.path.join(d, "tokens"),
                      "".join(t + "\n" for t in tokens))
        jwsutil.write(os.path.join(d, "other"), mint(alg, other, kid) + "\n")


def load_key(path):
    text = jwsutil.read(path)
    if path.endswith(".pem"):
        return jwk.JWK.from_pem(text.encode())
    return jwk.JWK(**json.loads(text))


def cmd_verify(jobs):
    for line in jwsutil.read(jobs).splitlines():
        ident, alg, keyfile, tokfile = line.split(" ")
        try:
            tok = jwt.JWT(jwt=jwsutil.read(tokfile).strip(),
                          key=load_key(keyfile), algs=[alg],
                          check_claims={"iss": ENV["ISS"], "aud": ENV["AUD"],
                                        "sub": ENV["SUB"], "exp": None,
                                        "iat": None, "jti": None})
            if json.loads(tok.header).get("alg") != alg:
                raise ValueError("header alg is not %s" % alg)
            print("%s ok" % ident)
        except Exception as e:  # the relying party's refusal, any kind
            print("%s refused: %s: %s" % (ident, type(e).__name__,
                                          str(e).splitlines()[0][:120]
                                          if str(e) else ""))


def main(argv):
    {"issue": cmd_issue, "verify": cmd_verify}[argv[1]](argv[2])


if __name__ == "__main__":
    main(sys.argv)
