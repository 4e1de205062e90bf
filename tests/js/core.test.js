// The recovery page's JavaScript core against every file in tests/vectors, byte for byte (node --test).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const JS = path.join(__dirname, '..', '..', 'src', 'breakglass', 'page', 'js');
const F = require(path.join(JS, 'field.js'));
const S = require(path.join(JS, 'shares.js'));
const { Reader } = require(path.join(JS, 'reader.js'));
const { recombine } = require(path.join(JS, 'combine.js'));

const VECTORS = path.join(__dirname, '..', 'vectors');
const load = (name) => JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'));
const v1 = load('vectors.json');
const v2 = load('vectors2.json');
const expansions = load('expansions.json');
const hexLower = (bytes) => F.toHex(bytes).toLowerCase();

async function judge(qr, typed) {
  const reader = new Reader();
  qr.forEach((t, i) => reader.addQrTexts([t], `code ${i + 1}`));
  typed.forEach((t, i) => reader.addTyped(t, `typed ${i + 1}`));
  return reader.judge();
}

test('GF(2^8) checks of FORMAT.md 7.1 and the Reed-Solomon vector', () => {
  assert.strictEqual(F.mul(0x80, 2), 0x1d);
  assert.strictEqual(F.mul(3, 7), 9);
  const pieces = v2.rs_check.pieces_hex.map(F.fromHex);
  const got = [3, 4, 255].map((x) => F.toHex(F.interpolate([1, 2], pieces, x)));
  assert.deepStrictEqual(got, v2.rs_check.values_at_3_4_255_hex);
});

test('IDA example: pieces, fragments, index 255', () => {
  const ida = v2.ida;
  const pieces = ida.pieces_hex.map(F.fromHex);
  const points = pieces.map((_, j) => j + 1);
  assert.strictEqual(ida.pieces_hex.join('').slice(0, ida.sealed_hex.length), ida.sealed_hex);
  for (const [i, f] of Object.entries(ida.fragments_hex)) assert.strictEqual(F.toHex(F.interpolate(points, pieces, Number(i))), f);
  const c = v2.cases.find((cc) => cc.name === ida.case);
  const keyShares = c.shares.slice(0, c.k).map((s) => F.fromHex(s.key_share_hex));
  assert.strictEqual(F.toHex(F.interpolate(c.shares.slice(0, c.k).map((s) => s.index), keyShares, 255)), ida.key_share_at_255_hex);
  assert.strictEqual(F.toHex(F.interpolate(points, pieces, 255)), ida.fragment_at_255_hex);
});

for (const [label, vectors] of [['format 1', v1], ['format 2', v2]]) {
  for (const c of vectors.cases) {
    test(`${label} ${c.name}: every k-subset from QR texts, and from typed text`, async () => {
      const k = c.k;
      const shares = c.shares;
      for (let start = 0; start + k <= shares.length; start++) {
        const chosen = shares.slice(start, start + k);
        const out = await judge(chosen.flatMap((s) => s.qr), []);
        assert.strictEqual(out.state, 'recovered', out.message);
        assert.strictEqual(hexLower(out.credential), c.credential_hex);
        assert.strictEqual(out.fingerprint, c.fingerprint);
      }
      const typed = await judge([], [shares.slice(0, k).map((s) => s.typed).join('\n')]);
      assert.strictEqual(typed.state, 'recovered', typed.message);
      assert.strictEqual(hexLower(typed.credential), c.credential_hex);
      const short = await judge(shares.slice(0, k - 1).flatMap((s) => s.qr), []);
      assert.strictEqual(short.state, 'need-more');
      for (const s of shares) {
        const parsed = await S.parseShare(F.fromHex(s.hex));
        assert.strictEqual(parsed.index, s.index);
        assert.strictEqual(parsed.setHex, c.set_id);
      }
    });
  }
}

test('format 2 key shares, fragments and leaves of the worked example', async () => {
  const c = v2.cases[0];
  for (const s of c.shares) {
    const p = await S.parseShare(F.fromHex(s.hex));
    assert.strictEqual(F.toHex(p.keyShare), s.key_share_hex);
    assert.strictEqual(F.toHex(p.fragment), s.fragment_hex);
    assert.strictEqual(F.toHex(await S.leaf(p.setId, p.k, p.length, p.index, p.keyShare, p.fragment)), s.leaf_hex);
    assert.ok(await S.reachesRoot(p));
    assert.strictEqual(F.toHex(p.root), c.root_hex);
  }
});

test('format 2 erasure: a share rebuilt from the codes left', async () => {
  for (const e of v2.erasure) {
    for (const ex of e.examples) {
      const { QrPile } = require(path.join(JS, 'qr.js'));
      const pile = new QrPile();
      ex.texts.forEach((t) => pile.add(t, 'code'));
      const { found } = await pile.shares();
      assert.strictEqual(found.length, 1, JSON.stringify(ex.lost));
      assert.strictEqual(found[0].hex, ex.share_hex);
    }
  }
});

test('format 2 cheating shares: named, refused or recovered as recombine does', async () => {
  for (const ch of v2.cheating) {
    const shares = await Promise.all(ch.shares_hex.map((h) => S.parseShare(F.fromHex(h))));
    let outcome = null, refusal = null;
    try { outcome = await recombine(shares); } catch (e) { refusal = e; }
    if (ch.expect.refused) {
      assert.ok(refusal, ch.name);
      assert.strictEqual(refusal.message, ch.expect.message, ch.name);
    } else {
      assert.ok(outcome, `${ch.name}: ${refusal && refusal.message}`);
      assert.strictEqual(hexLower(outcome.credential), ch.expect.credential_hex);
      assert.deepStrictEqual(outcome.used, ch.expect.used);
      assert.deepStrictEqual(outcome.misfits, ch.expect.misfits);
      assert.deepStrictEqual(outcome.warnings, ch.expect.warnings);
    }
  }
});

test('shares printed later by expand, with the shares they were made from', async () => {
  for (const x of expansions.expansions) {
    const vectors = x.format === 1 ? v1 : v2;
    const c = vectors.cases.find((cc) => cc.name === x.case);
    const others = c.shares.filter((s) => x.made_from.includes(s.index)).slice(0, c.k - 1);
    const out = await judge(others.flatMap((s) => s.qr).concat(x.qr), []);
    assert.strictEqual(out.state, 'recovered', out.message);
    assert.strictEqual(hexLower(out.credential), x.credential_hex);
    assert.strictEqual(out.fingerprint, x.fingerprint);
    const typed = await judge([], [x.typed]);
    assert.ok(typed.shares.some((s) => s.index === x.index && s.state === 'found'), typed.message);
  }
});

test('a newer-version code and a foreign code are named; the others still recover', async () => {
  const c = v2.cases[0];
  const qr = c.shares.slice(0, 3).flatMap((s) => s.qr);
  const out = await judge(qr.concat(['BG3:ABCDEF', 'hello']), []);
  assert.strictEqual(out.state, 'recovered');
  assert.ok(out.notes.some((n) => /newer version of breakglass \(format 3\)/.test(n)));
  const alone = await judge(['BG3:ABCDEF'], []);
  assert.strictEqual(alone.state, 'need-more');
  assert.match(alone.message, /newer version of breakglass \(format 3\)/);
});

test('a typed line with one typo is corrected and named', async () => {
  const c = v2.cases[0];
  const typed = c.shares.slice(0, 3).map((s) => s.typed).join('\n');
  const lines = typed.split('\n');
  const row = lines[1];
  const at = row.indexOf('893G') + 1;
  lines[1] = row.slice(0, at) + (row[at] === 'X' ? 'Y' : 'X') + row.slice(at + 1);
  const out = await judge([], [lines.join('\n')]);
  assert.strictEqual(out.state, 'recovered', out.message);
  assert.ok(out.notes.some((n) => /line 1: one character corrected/.test(n)), out.notes.join('|'));
});
