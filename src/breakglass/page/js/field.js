// Bytes, alphabets and fields of docs/FORMAT.md (sections 1, 4 step 3 and 7.1), written from the spec alone.
// Plain JavaScript: the page inlines this file; Node's test runner loads it with require().
(function (root) {
  'use strict';

  function toHex(bytes) {
    let out = '';
    for (const b of bytes) out += b.toString(16).padStart(2, '0');
    return out.toUpperCase();
  }

  function fromHex(text) {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function ascii(text) {
    return new TextEncoder().encode(text);
  }

  function readU32(bytes, at) {
    return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
  }

  // RFC 4648 base32 without padding (QR codes).
  const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  function base32Decode(text) {
    if ([1, 3, 6].includes(text.length % 8)) throw new Error(`base32 text of length ${text.length} is invalid`);
    const out = new Uint8Array(Math.floor((text.length * 5) / 8));
    let acc = 0, bits = 0, at = 0;
    for (const c of text) {
      const v = BASE32.indexOf(c);
      if (v < 0) throw new Error('a character outside the base32 alphabet');
      acc = ((acc << 5) | v) & 0xffff;
      bits += 5;
      if (bits >= 8) { bits -= 8; out[at++] = (acc >> bits) & 0xff; }
    }
    return out;
  }

  // Crockford base32 (typed lines).
  const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  function crockfordEncode(bytes) {
    let out = '', acc = 0, bits = 0;
    for (const b of bytes) {
      acc = ((acc << 8) | b) & 0xffff;
      bits += 8;
      while (bits >= 5) { bits -= 5; out += CROCKFORD[(acc >> bits) & 31]; }
    }
    if (bits > 0) out += CROCKFORD[(acc << (5 - bits)) & 31];
    return out;
  }

  function crockfordDecode(text) {
    const out = new Uint8Array(Math.floor((5 * text.length) / 8));
    let acc = 0, bits = 0, at = 0;
    for (const c of text) {
      const v = CROCKFORD.indexOf(c);
      if (v < 0) throw new Error(`character '${c}' is not in the Crockford alphabet`);
      acc = ((acc << 5) | v) & 0xffff;
      bits += 5;
      if (bits >= 8) { bits -= 8; out[at++] = (acc >> bits) & 0xff; }
    }
    if (acc & ((1 << bits) - 1)) throw new Error("the last character's spare bits are not zero");
    return out;
  }

  // GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D); MUL[a << 8 | b] = a * b.
  const EXP = new Uint8Array(510);
  const LOG = new Uint8Array(256);
  (function buildTables() {
    let x = 1;
    for (let e = 0; e < 255; e++) {
      EXP[e] = EXP[e + 255] = x;
      LOG[x] = e;
      x <<= 1;
      if (x & 0x100) x ^= 0x11d;
    }
  })();
  const MUL = new Uint8Array(65536);
  for (let a = 1; a < 256; a++) for (let b = 1; b < 256; b++) MUL[(a << 8) | b] = EXP[LOG[a] + LOG[b]];

  const mul = (a, b) => MUL[(a << 8) | b];
  function inv(a) {
    if (a === 0) throw new Error('0 has no inverse in GF(2^8)');
    return EXP[255 - LOG[a]];
  }

  function weights(points, x) {
    return points.map((xj, j) => {
      let num = 1, den = 1;
      points.forEach((xi, i) => {
        if (i !== j) { num = mul(num, x ^ xi); den = mul(den, xj ^ xi); }
      });
      return mul(num, inv(den));
    });
  }

  // The value at x of the polynomial of degree < points.length through (points[j], values[j]), byte by byte.
  function interpolate(points, values, x) {
    if (new Set(points).size !== points.length) throw new Error('interpolation points must be distinct');
    const length = values[0].length;
    const out = new Uint8Array(length);
    weights(points, x).forEach((w, j) => {
      const value = values[j];
      if (value.length !== length) throw new Error('interpolation values must have equal length');
      const row = w << 8;
      for (let i = 0; i < length; i++) out[i] ^= MUL[row | value[i]];
    });
    return out;
  }

  // GF(2^128) as pycryptodome's Shamir: big-endian integer, bit i = coefficient of x^i, modulo x^128+x^7+x^2+x+1.
  const R128 = (1n << 128n) | 0x87n;
  function mul128(a, b) {
    let product = 0n;
    while (b) {
      if (b & 1n) product ^= a;
      b >>= 1n;
      a <<= 1n;
      if (a >> 128n) a ^= R128;
    }
    return product;
  }

  function inv128(a) {
    if (a === 0n) throw new Error('0 has no inverse in GF(2^128)');
    let result = 1n, base = a, e = (1n << 128n) - 2n;
    while (e) {
      if (e & 1n) result = mul128(result, base);
      base = mul128(base, base);
      e >>= 1n;
    }
    return result;
  }

  function bigFromBytes(bytes) {
    return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  }

  function bytesFromBig(value, length) {
    const out = new Uint8Array(length);
    for (let i = length - 1; i >= 0; i--) { out[i] = Number(value & 0xffn); value >>= 8n; }
    return out;
  }

  function interpolate128(points, values, x) {
    let total = 0n;
    const big = points.map(BigInt);
    const at = BigInt(x);
    big.forEach((xj, j) => {
      let num = 1n, den = 1n;
      big.forEach((xi, i) => {
        if (i !== j) { num = mul128(num, at ^ xi); den = mul128(den, xj ^ xi); }
      });
      total ^= mul128(values[j], mul128(num, inv128(den)));
    });
    return total;
  }

  const api = {
    toHex, fromHex, concat, equal, ascii, readU32, base32Decode, BASE32, CROCKFORD, crockfordEncode,
    crockfordDecode, mul, inv, interpolate, mul128, inv128, interpolate128, bigFromBytes, bytesFromBig,
  };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.BGField = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
