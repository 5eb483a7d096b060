// Checks one Web Push request as a push service and a browser would, with code nobody on the project wrote: the body
// is decrypted by http_ece (the reference implementation of RFC 8188, in its aes128gcm form of RFC 8291) with the
// subscriber's private key and auth secret, and the VAPID token (RFC 8292) is verified by jose against the key that
// the Authorization header names.
//
// Input, one JSON object on stdin: body (base64 of the request's body), privateKey (base64url of the subscriber's
// 32-byte P-256 scalar), publicKey (base64url of its 65-byte point), auth (base64url of the 16-byte auth secret),
// authorization (the header: "vapid t=<jwt>, k=<base64url point>"), audience (the push service's origin) and, for a
// sender that runs on a test's clock, now (Unix seconds; the real time otherwise).
// Output, on stdout: { plaintext, claims, header }. Any failure exits with 1 and says why on stderr.
import { createECDH, webcrypto } from 'node:crypto';
import ece from 'http_ece';

// jose works on the Web Crypto global, which Node.js defines from version 19 on (Debian 12 packages 18).
globalThis.crypto ??= webcrypto;
const { importJWK, jwtVerify } = await import('jose');

// RFC 8292 §2: a token must not be valid for more than a day.
const longestValidity = 24 * 60 * 60;

function fail(message) {
    process.stderr.write(`webpush-check: ${message}\n`);
    process.exit(1);
}

function bytes(value, name, length) {
    if (typeof value !== 'string' || value === '') {
        fail(`${name} is missing`);
    }
    const decoded = Buffer.from(value, 'base64url');
    if (length !== undefined && decoded.length !== length) {
        fail(`${name} is ${decoded.length} bytes, not ${length}`);
    }
    return decoded;
}

async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function decrypt(input) {
    const body = Buffer.from(input.body ?? '', 'base64');
    // Salt (16), record size (4), key id length (1), then the sender's key: RFC 8291 §4 asks for a 65-byte point.
    if (body.length < 21 || body[20] !== 65 || body[21] !== 4) {
        fail('the body does not start with an aes128gcm header naming a P-256 sender key');
    }
    const receiver = createECDH('prime256v1');
    receiver.setPrivateKey(bytes(input.privateKey, 'privateKey', 32));
    if (!receiver.getPublicKey().equals(bytes(input.publicKey, 'publicKey', 65))) {
        fail('privateKey and publicKey are not one key pair');
    }
    const plaintext = ece.decrypt(body, {
        version: 'aes128gcm',
        privateKey: receiver,
        authSecret: bytes(input.auth, 'auth', 16),
    });
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
    } catch {
        return fail('the plaintext is not UTF-8');
    }
}

function parseAuthorization(header) {
    const match = /^vapid\s+(.+)$/i.exec(header ?? '');
    if (!match) {
        fail(`the Authorization header is not of the vapid scheme: ${header}`);
    }
    const parameters = {};
    for (const part of match[1].split(',')) {
        const equals = part.indexOf('=');
        if (equals > 0) {
            parameters[part.slice(0, equals).trim().toLowerCase()] = part.slice(equals + 1).trim();
        }
    }
    if (!parameters.t || !parameters.k) {
        fail('the Authorization header lacks t= or k=');
    }
    return parameters;
}

async function verify(input) {
    const { t, k } = parseAuthorization(input.authorization);
    const point = bytes(k, 'k', 65);
    if (point[0] !== 4) {
        fail('k is not an uncompressed P-256 point');
    }
    const key = await importJWK({
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
    }, 'ES256');
    const now = typeof input.now === 'number' ? input.now : Math.floor(Date.now() / 1000);
    const { payload, protectedHeader } = await jwtVerify(t, key, {
        algorithms: ['ES256'],
        audience: input.audience,
        requiredClaims: ['aud', 'exp', 'sub'],
        currentDate: new Date(now * 1000),
    });
    if (payload.exp - now > longestValidity) {
        fail(`exp is ${payload.exp - now} s ahead, more than a day`);
    }
    // RFC 8292 §2.1: a contact for the push service's operator, which some services (Apple's) insist on.
    if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) {
        fail(`sub is not a mailto: or https: address: ${payload.sub}`);
    }
    return { claims: payload, header: protectedHeader };
}

try {
    const input = await readStdin();
    if (typeof input.audience !== 'string' || input.audience === '') {
        fail('audience is missing');
    }
    const plaintext = decrypt(input);
    const { claims, header } = await verify(input);
    process.stdout.write(JSON.stringify({ plaintext, claims, header }) + '\n');
} catch (error) {
    fail(`${error.code ?? error.name}: ${error.message}`);
}
