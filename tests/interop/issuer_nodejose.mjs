// The npm "jose" package under Node.js as an issuer and as a relying party,
// for tests/interop/test_interop.sh.
//
//   node issuer_nodejose.mjs issue DIR     keys and tokens for each algorithm
//   node issuer_nodejose.mjs verify JOBS   verify jwtsafe's tokens
//
// Environment: JOSE_DIR, the folder npm installed the package into (the
// package is loaded from JOSE_DIR/node_modules/jose); ISS, AUD, SUB, TTL,
// NTOK, NTOK_EC; output files and the JOBS format as for issuer_pyjwt.py.
// Keys are made by the package (generateKeyPair, generateSecret) and
// exported by it (exportJWK, exportSPKI).

import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(join(process.env.JOSE_DIR, 'package.json'));
const jose = require('jose');
const ALGS = ['EdDSA', 'ES256', 'ES384', 'PS256', 'HS256', 'HS384'];
const env = process.env;

async function makeKey(alg) {
  if (alg.startsWith('HS')) {
    const secret = await jose.generateSecret(alg, { extractable: true });
    return { sign: secret, jwk: await jose.exportJWK(secret), pem: null };
  }
  const opts = { extractable: true };
  if (alg === 'EdDSA') opts.crv = 'Ed25519';
  if (alg === 'PS256') opts.modulusLength = 2048;
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, opts);
  return {
    sign: privateKey,
    jwk: await jose.exportJWK(publicKey),
    pem: await jose.exportSPKI(publicKey),
  };
}

async function mint(alg, key, kid) {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg, typ: 'JWT', kid })
    .setIssuer(env.ISS)
    .setAudience(env.AUD)
    .setSubject(env.SUB)
    .setIssuedAt(now)
    .setExpirationTime(now + Number(env.TTL))
    .sign(key);
}

async function issue(top) {
  const version = JSON.parse(readFileSync(
    join(env.JOSE_DIR, 'node_modules', 'jose', 'package.json'))).version;
  for (const alg of ALGS) {
    const d = join(top, alg);
    mkdirSync(d, { recursive: true });
    const kid = `nodejose-${alg}`;
    let key, other, tokens = [];
    try {
      key = await makeKey(alg);
      other = await makeKey(alg);
      const n = Number(alg.startsWith('ES') ? env.NTOK_EC : env.NTOK);
      for (let i = 0; i < n; i++) tokens.push(await mint(alg, key.sign, kid));
    } catch (e) {
      writeFileSync(join(d, 'na'), `jose ${version}: ${e.name}: ${e.message}\n`);
      continue;
    }
    writeFileSync(join(d, 'pub.jwk'), JSON.stringify({ ...key.jwk, kid }) + '\n',
      { mode: key.pem === null ? 0o600 : 0o644 });
    if (key.pem !== null) writeFileSync(join(d, 'pub.pem'), key.pem);
    writeFileSync(join(d, 'tokens'), tokens.map((t) => t + '\n').join(''));
    writeFileSync(join(d, 'other'), (await mint(alg, other.sign, kid)) + '\n');
  }
}

async function loadKey(alg, path) {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.pem')) return jose.importSPKI(text, alg);
  return jose.importJWK(JSON.parse(text), alg);
}

async function verify(jobs) {
  for (const line of readFileSync(jobs, 'utf8').split('\n')) {
    if (line === '') continue;
    const [id, alg, keyfile, tokfile] = line.split(' ');
    try {
      const { payload } = await jose.jwtVerify(
        readFileSync(tokfile, 'utf8').trim(), await loadKey(alg, keyfile), {
          algorithms: [alg], issuer: env.ISS, audience: env.AUD,
          subject: env.SUB, typ: 'JWT',
          requiredClaims: ['iat', 'exp', 'jti'],
        });
      if (typeof payload.jti !== 'string') throw new Error('no jti');
      console.log(`${id} ok`);
    } catch (e) {
      console.log(`${id} refused: ${e.code || e.name}: ${String(e.message).split('\n')[0].slice(0, 120)}`);
    }
  }
}

const [cmd, arg] = process.argv.slice(2);
if (cmd === 'issue') await issue(arg);
else if (cmd === 'verify') await verify(arg);
else { console.error(`unknown command ${cmd}`); process.exit(2); }
