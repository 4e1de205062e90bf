// WebCrypto (SHA-256, HMAC, AES-256-GCM), padding, binary shares of both formats and QR texts (docs/FORMAT.md
// 2, 3, 5, 7.4-7.6), written from the spec alone.
(function (root) {
  'use strict';
  const F = typeof module === 'object' && module.exports ? require('./field.js') : root.BGField;
  const subtle = () => globalThis.crypto.subtle;
  const NEWEST = 2;

  async function sha256(bytes) {
    return new Uint8Array(await subtle().digest('SHA-256', bytes));
  }

  async function check20(text) {
    return F.crockfordEncode((await sha256(F.ascii(text))).subarray(0, 3)).slice(0, 4);
  }

  async function gcmOpen(key, nonce, associated, ciphertext, tag) {
    const cryptoKey = await subtle().importKey('raw', key, 'AES-GCM', false, ['decrypt']);
    try {
      const plain = await subtle().decrypt(
        { name: 'AES-GCM', iv: nonce, additionalData: associated, tagLength: 128 }, cryptoKey,
        F.concat(ciphertext, tag));
      return new Uint8Array(plain);
    } catch (e) {
      return null;
    }
  }

  // P[4 : 4 + length], or null when the length or the zero padding is wrong (2.1).
  function unpad(plain) {
    if (plain === null || plain.length < 4) return null;
    const length = F.readU32(plain, 0);
    if (4 + length > plain.length) return null;
    for (let i = 4 + length; i < plain.length; i++) if (plain[i]) return null;
    return plain.slice(4, 4 + length);
  }

  async function fingerprint(key, setId) {
    const hmacKey = await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await subtle().sign('HMAC', hmacKey, F.concat(F.ascii('breakglass fingerprint v1'), setId)));
    const text = F.crockfordEncode(mac.subarray(0, 10));
    return [0, 4, 8, 12].map((p) => text.slice(p, p + 4)).join('-');
  }

  async function h12(...parts) {
    return (await sha256(F.concat(...parts))).slice(0, 12);
  }

  function leaf(setId, k, length, index, keyShare, fragment) {
    const l = new Uint8Array([length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255]);
    return h12(F.ascii('breakglass v2 leaf'), setId, new Uint8Array([k]), l, new Uint8Array([index]), keyShare, fragment);
  }

  function node(left, right) {
    return h12(F.ascii('breakglass v2 node'), left, right);
  }

  async function walk(index, start, path) {
    let h = start;
    for (let d = 0; d < 8; d++) {
      const sibling = path.subarray(12 * d, 12 * d + 12);
      h = (index >> d) & 1 ? await node(sibling, h) : await node(h, sibling);
    }
    return h;
  }

  async function treeLevels(leaves) {
    const levels = [leaves];
    while (levels[levels.length - 1].length > 1) {
      const below = levels[levels.length - 1];
      const up = [];
      for (let p = 0; p < below.length / 2; p++) up.push(node(below[2 * p], below[2 * p + 1]));
      levels.push(await Promise.all(up));
    }
    return levels;
  }

  function pathOf(levels, index) {
    return F.concat(...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => levels[d][(index >> d) ^ 1]));
  }

  // ---- binary shares (3, 5, 7.5) -------------------------------------------------------------------------

  class ShareProblem extends Error {
    constructor(kind, message, version) { super(message); this.kind = kind; this.version = version; }
  }

  function setText(setHex) {
    return [0, 4, 8, 12].map((p) => setHex.slice(p, p + 4)).join('-');
  }

  async function checkChecksum(raw, minimum) {
    if (raw.length < minimum) throw new ShareProblem('damaged', `the share is truncated (${raw.length} bytes)`);
    const digest = await sha256(raw.subarray(0, raw.length - 4));
    if (!F.equal(digest.subarray(0, 4), raw.subarray(raw.length - 4))) {
      throw new ShareProblem('damaged', "the share's checksum does not match: damaged or mistyped");
    }
  }

  function checkKNIndex(k, n, index, aboveN) {
    if (!(k >= 2 && k <= n)) throw new ShareProblem('damaged', `k=${k}, n=${n}: needs 2 <= k <= n`);
    if (index === 0) throw new ShareProblem('damaged', 'share index 0 is refused');
    if (index > n && !aboveN) throw new ShareProblem('damaged', `index ${index} is above n=${n}`);
  }

  function isBucket(length) {
    return [64, 128, 256, 512, 1024].includes(length) || (length >= 2048 && length % 1024 === 0 && length <= 66560);
  }

  function common(raw) {
    const setId = raw.slice(3, 11);
    return { raw, hex: F.toHex(raw), setId, setHex: F.toHex(setId), k: raw[11], n: raw[12], index: raw[13] };
  }

  async function parseShare1(raw) {
    await checkChecksum(raw, 82 + 64);
    const s = common(raw);
    checkKNIndex(s.k, s.n, s.index, true);
    const length = F.readU32(raw, 58);
    if (length !== raw.length - 82 || length < 64 || length > 73728) {
      throw new ShareProblem('damaged', `ciphertext length ${length} does not fit the share's ${raw.length} bytes`);
    }
    return Object.assign(s, {
      version: 1, keyShare: raw.slice(14, 46), nonce: raw.slice(46, 58), ciphertext: raw.slice(62, 62 + length),
      tag: raw.slice(62 + length, 78 + length), commonKey: F.toHex(raw.subarray(0, 13)) + F.toHex(raw.subarray(46, raw.length - 4)),
    });
  }

  async function parseShare2(raw) {
    await checkChecksum(raw, 163);
    const s = common(raw);
    checkKNIndex(s.k, s.n, s.index, false);
    const length = F.readU32(raw, 14);
    if (!isBucket(length)) throw new ShareProblem('damaged', `padded length ${length} is not a padding bucket`);
    const f = Math.ceil((length + 16) / s.k);
    if (raw.length !== 162 + f) {
      throw new ShareProblem('damaged', `a share of L=${length}, k=${s.k} has ${162 + f} bytes, not ${raw.length}`);
    }
    return Object.assign(s, {
      version: 2, length, keyShare: raw.slice(18, 50), root: raw.slice(50, 62), path: raw.slice(62, 158),
      fragment: raw.slice(158, 158 + f), commonKey: `${s.k}:${length}:${F.toHex(raw.subarray(50, 62))}`,
    });
  }

  function versionProblem(version) {
    if (version > NEWEST) {
      return new ShareProblem('newer', `made by a newer version of breakglass (format ${version}); this page reads formats 1 and 2: use a newer breakglass`, version);
    }
    return new ShareProblem('damaged', `it says format version ${version}, which no breakglass ever made: damaged`, version);
  }

  async function parseShare(raw) {
    if (raw.length < 3 || raw[0] !== 0x42 || raw[1] !== 0x47) throw new ShareProblem('foreign', 'not a breakglass share');
    const version = raw[2];
    if (version === 1) return parseShare1(raw);
    if (version === 2) return parseShare2(raw);
    throw versionProblem(version);
  }

  async function reachesRoot(s) {
    const start = await leaf(s.setId, s.k, s.length, s.index, s.keyShare, s.fragment);
    return F.equal(await walk(s.index, start, s.path), s.root);
  }

  const api = {
    NEWEST, sha256, check20, gcmOpen, unpad, fingerprint, leaf, node, walk, treeLevels, pathOf, ShareProblem,
    setText, parseShare, versionProblem, reachesRoot,
  };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.BGShares = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
