// Recombination when shares disagree (docs/FORMAT.md 8), both formats, worded as `breakglass recombine` words
// its outcomes. Only AES-GCM decides what is returned; the fingerprints only name shares.
(function (root) {
  'use strict';
  const node = typeof module === 'object' && module.exports;
  const F = node ? require('./field.js') : root.BGField;
  const S = node ? require('./shares.js') : root.BGShares;
  const Q = node ? require('./qr.js') : root.BGQr;

  const MAX_F1_SUBSETS = 20000;
  const MAX_CAMP_TRIES = 100;

  // A refusal: `state` is 'need-more' (not enough shares yet) or 'refused'; `named` maps "set:index" to why.
  class Refusal extends Error {
    constructor(state, message, named) { super(message); this.state = state; this.named = named || {}; }
  }

  function numbers(indexes) {
    const items = [...new Set(indexes)].sort((a, b) => a - b).map(String);
    return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  }
  const sharesWord = (count) => (count === 1 ? 'share' : 'shares');
  const indexesOf = (shares) => [...new Set(shares.map((s) => s.index))].sort((a, b) => a - b);

  function groupBy(items, keyOf) {
    const out = new Map();
    for (const item of items) {
      const key = keyOf(item);
      if (!out.has(key)) out.set(key, []);
      out.get(key).push(item);
    }
    return out;
  }

  // One format per set: when exactly one format's shares are enough, the other format's are set aside.
  function oneFormatPerSet(shares, warnings, setAside) {
    const kept = [];
    for (const [setHex, group] of groupBy(shares, (s) => s.setHex)) {
      const byVersion = groupBy(group, (s) => s.version);
      const enough = [...byVersion.entries()]
        .filter(([, g]) => indexesOf(g).length >= Math.min(...g.map((s) => s.k))).map(([v]) => v);
      if (byVersion.size === 1 || enough.length !== 1) { kept.push(...group); continue; }
      kept.push(...byVersion.get(enough[0]));
      for (const [version, g] of [...byVersion.entries()].sort((a, b) => a[0] - b[0])) {
        if (version === enough[0]) continue;
        const idx = indexesOf(g);
        warnings.push(`ignored ${sharesWord(idx.length)} ${numbers(idx)} in format ${version} claiming set ${S.setText(setHex)}, whose other shares are format ${enough[0]}: forged or misprinted`);
        g.forEach((s) => setAside.push({ share: s, why: `format ${version} in a set of format ${enough[0]}: forged or misprinted` }));
      }
    }
    return kept;
  }

  // Set -> index -> distinct candidates (exact copies count once; format 1 may not hold two per index).
  function distinctBySet(shares) {
    const groups = new Map();
    for (const share of shares) {
      if (!groups.has(share.setHex)) groups.set(share.setHex, new Map());
      const group = groups.get(share.setHex);
      if (!group.has(share.index)) { group.set(share.index, [share]); continue; }
      const seen = group.get(share.index);
      if (seen.some((s) => s.hex === share.hex)) continue;
      if (share.version === 1 || seen.some((s) => s.version !== share.version)) {
        throw new Refusal('refused', `two different shares both say they are share ${share.index} of set ${S.setText(share.setHex)}: at least one is altered or forged; remove the one that does not belong`,
          { [`${share.setHex}:${share.index}`]: 'two different shares with this number' });
      }
      seen.push(share);
    }
    return groups;
  }

  function required(group) {
    const counts = new Map();
    for (const list of group.values()) for (const s of list) counts.set(s.k, (counts.get(s.k) || 0) + 1);
    let best = null;
    for (const [k, c] of counts) if (best === null || c > counts.get(best) || (c === counts.get(best) && k > best)) best = k;
    return best;
  }

  function chooseSet(groups) {
    if (!groups.size) throw new Refusal('need-more', 'no share has been read yet');
    const complete = [...groups.entries()].filter(([, g]) => g.size >= required(g)).map(([id]) => id);
    const describe = () => [...groups.entries()].map(([id, g]) => `set ${S.setText(id)}: ${sharesWord(g.size)} ${numbers([...g.keys()])} (needs ${required(g)})`).join('; ');
    if (groups.size === 1 && !complete.length) {
      const [[id, group]] = [...groups.entries()];
      const k = required(group);
      const all = [...group.values()].flat();
      const n = Math.max(...all.map((s) => s.n), ...group.keys());
      const absent = [];
      for (let i = 1; i <= n; i++) if (!group.has(i)) absent.push(i);
      throw new Refusal('need-more', `need ${k} shares, have ${group.size}: ${sharesWord(group.size)} ${numbers([...group.keys()])} of set ${S.setText(id)}; add any ${k - group.size} of ${sharesWord(absent.length)} ${numbers(absent)}`);
    }
    if (!complete.length) throw new Refusal('need-more', `shares from ${groups.size} different sets and none has enough: ${describe()}`);
    if (complete.length > 1) throw new Refusal('refused', `shares from ${complete.length} complete sets were mixed; give only one set's sheets: ${describe()}`);
    const warnings = [...groups.entries()].filter(([id]) => id !== complete[0])
      .map(([id, g]) => `ignored ${sharesWord(g.size)} ${numbers([...g.keys()])} of another set, ${S.setText(id)}`);
    return { setHex: complete[0], warnings };
  }

  // ---- format 1 --------------------------------------------------------------------------------------------

  function key1(members, at) {
    const points = members.map((s) => s.index);
    const halves = [0, 16].map((start) => {
      const values = members.map((s) => F.bigFromBytes(s.keyShare.subarray(start, start + 16)));
      return F.bytesFromBig(F.interpolate128(points, values, at), 16);
    });
    return F.concat(...halves);
  }

  async function recombine1(group, setHex, k) {
    const indexes = [...group.keys()].sort((a, b) => a - b);
    let tried = 0;
    for (const subset of Q.combinations(indexes, k)) {
      const members = subset.map((i) => group.get(i)[0]);
      if (new Set(members.map((m) => m.commonKey)).size !== 1 || members[0].k !== k) continue;
      if (++tried > MAX_F1_SUBSETS) break;
      const key = key1(members, 0);
      const first = members[0];
      const credential = S.unpad(await S.gcmOpen(key, first.nonce, first.raw.subarray(0, 13), first.ciphertext, first.tag));
      if (credential === null) continue;
      const misfits = indexes.filter((i) => !subset.includes(i) && !fits1(group.get(i)[0], members, key));
      return { credential, key, used: subset, misfits, bogus: [], named: misfits.map((i) => [i, 'does not fit the others']) };
    }
    const present = numbers(indexes), set = S.setText(setHex);
    if (indexes.length === k) throw new Refusal('refused', `shares ${present} of set ${set} do not authenticate together: at least one of them is altered or forged; with ${k + 1} or more shares the one that does not fit can be found`);
    if (tried > MAX_F1_SUBSETS) throw new Refusal('refused', `no ${k} of shares ${present} of set ${set} authenticated within ${MAX_F1_SUBSETS} tries; remove the shares you suspect and try again`);
    throw new Refusal('refused', `no ${k} of shares ${present} of set ${set} authenticate together: more than ${indexes.length - k} of them are altered or forged`);
  }

  function fits1(share, members, key) {
    if (share.commonKey !== members[0].commonKey) return false;
    return F.equal(key1([share, ...members.slice(1)], 0), key);
  }

  // ---- format 2 --------------------------------------------------------------------------------------------

  async function open2(members) {
    const first = members[0], k = first.k, L = first.length;
    const points = members.map((s) => s.index);
    const key = F.interpolate(points, members.map((s) => s.keyShare), 0);
    const fragments = members.map((s) => s.fragment);
    const pieces = [];
    for (let j = 1; j <= k; j++) pieces.push(F.interpolate(points, fragments, j));
    const joined = F.concat(...pieces);
    if (joined.subarray(L + 16).some((b) => b !== 0)) return null;
    const ad = F.concat(F.ascii('BG'), new Uint8Array([2]), first.setId, new Uint8Array([k, L >>> 24, (L >>> 16) & 255, (L >>> 8) & 255, L & 255]));
    const credential = S.unpad(await S.gcmOpen(key, new Uint8Array(12), ad, joined.subarray(0, L), joined.subarray(L, L + 16)));
    return credential === null ? null : { key, pieces, credential, points, keyShares: members.map((s) => s.keyShare) };
  }

  // What the authenticated set holds at every index 1..255, and whether a presented share is that share.
  async function genuine2(first, opened) {
    const y = [null], f = [null];
    const pieceAt = [];
    for (let j = 1; j <= first.k; j++) pieceAt.push(j);
    for (let i = 1; i <= 255; i++) {
      y.push(F.interpolate(opened.points, opened.keyShares, i));
      f.push(F.interpolate(pieceAt, opened.pieces, i));
    }
    const leaves = [new Uint8Array(12)].concat(await Promise.all(
      y.slice(1).map((yi, j) => S.leaf(first.setId, first.k, first.length, j + 1, yi, f[j + 1]))));
    const levels = await S.treeLevels(leaves);
    const root = levels[8][0];
    return (s) => s.setHex === first.setHex && s.k === first.k && s.length === first.length && F.equal(s.keyShare, y[s.index])
      && F.equal(s.fragment, f[s.index]) && F.equal(s.root, root) && F.equal(s.path, S.pathOf(levels, s.index));
  }

  function* camp_subsets(camp, k) {
    const byIndex = groupBy(camp, (s) => s.index);
    for (const chosen of Q.combinations([...byIndex.keys()].sort((a, b) => a - b), k)) {
      yield* Q.product(chosen.map((i) => byIndex.get(i)));
    }
  }

  async function recombine2(group, setHex) {
    const candidates = [...group.values()].flat();
    const set = S.setText(setHex);
    const sound = [], broken = [];
    for (const s of candidates) ((await S.reachesRoot(s)) ? sound : broken).push(s);
    const camps = [...groupBy(sound, (s) => s.commonKey).values()].sort((a, b) => indexesOf(b).length - indexesOf(a).length);
    for (const camp of camps) {
      const k = camp[0].k;
      if (indexesOf(camp).length < k) continue;
      let tries = 0;
      for (const members of camp_subsets(camp, k)) {
        if (++tries > MAX_CAMP_TRIES) break;
        const opened = await open2(members);
        if (opened === null) continue;
        const isGenuine = await genuine2(members[0], opened);
        const fitting = candidates.filter(isGenuine);
        const fittingIdx = new Set(fitting.map((s) => s.index));
        const misfitShares = candidates.filter((s) => !fitting.includes(s));
        const bogus = indexesOf(misfitShares.filter((s) => fittingIdx.has(s.index)));
        const misfits = indexesOf(misfitShares.filter((s) => !fittingIdx.has(s.index)));
        const warnings = [];
        if (bogus.length) warnings.push(`a second, different ${sharesWord(bogus.length)} ${numbers(bogus)} of set ${set} ${bogus.length === 1 ? 'was' : 'were'} discarded: it does not fit the others (altered or forged); the genuine one was used`);
        return {
          credential: opened.credential, key: opened.key, used: members.map((s) => s.index), misfits, warnings,
          bogusShares: misfitShares.filter((s) => fittingIdx.has(s.index)), k, n: Math.max(...fitting.map((s) => s.n)),
        };
      }
    }
    throw failure2(candidates, broken, camps, set, setHex);
  }

  function failure2(candidates, broken, camps, set, setHex) {
    const k = camps.length ? camps[0][0].k : candidates[0].k;
    const parts = [], named = {};
    if (broken.length) {
      const idx = indexesOf(broken);
      parts.push(`${sharesWord(idx.length)} ${numbers(idx)} of set ${set} ${idx.length === 1 ? 'was' : 'were'} altered after printing (the fingerprint does not lead to the root the share carries)`);
      idx.forEach((i) => { named[`${setHex}:${i}`] = 'altered after printing'; });
    }
    const leader = camps.length ? camps[0] : [];
    const runnerUp = camps.length > 1 ? indexesOf(camps[1]).length : 0;
    if (camps.length > 1 && indexesOf(leader).length >= 2 && indexesOf(leader).length > runnerUp) {
      const outvoted = indexesOf(camps.slice(1).flat());
      parts.push(`${sharesWord(outvoted.length)} ${numbers(outvoted)} of set ${set} ${outvoted.length === 1 ? 'does' : 'do'} not match the fingerprints carried by ${sharesWord(indexesOf(leader).length)} ${numbers(indexesOf(leader))}: altered or forged`);
      outvoted.forEach((i) => { named[`${setHex}:${i}`] = 'does not match the fingerprints of the others'; });
    } else if (camps.length > 1) {
      parts.push(`shares ${numbers(indexesOf(candidates))} of set ${set} disagree about the set's fingerprints and no majority shows which are genuine`);
    }
    const agreeing = indexesOf(leader).length;
    if (agreeing < k) parts.push(`recovery needs ${k} shares that agree, ${agreeing} do: add another share of this set`);
    else parts.push(`shares ${numbers(indexesOf(leader))} agree on their fingerprints but do not authenticate together: at least one of them is altered or forged`);
    return new Refusal('refused', parts.join('; '), named);
  }

  // ---- the whole pile ---------------------------------------------------------------------------------------

  // The credential and how it was found, or a Refusal. `setAside` collects shares not used and why.
  async function recombine(shares) {
    const warnings = [], setAside = [];
    const kept = oneFormatPerSet(shares, warnings, setAside);
    const groups = distinctBySet(kept);
    const chosen = chooseSet(groups);
    warnings.push(...chosen.warnings);
    const setHex = chosen.setHex, group = groups.get(setHex);
    for (const [id, g] of groups) if (id !== setHex) [...g.values()].flat().forEach((s) => setAside.push({ share: s, why: 'of another set' }));
    const versions = new Set([...group.values()].flat().map((s) => s.version));
    if (versions.size > 1) throw new Refusal('refused', `set ${S.setText(setHex)} has shares of format 1 and of format 2: some are forged`);
    let r;
    if (versions.has(2)) {
      r = await recombine2(group, setHex);
      r.bogusShares.forEach((s) => setAside.push({ share: s, why: 'a bogus copy, discarded' }));
    } else {
      const k = required(group);
      r = await recombine1(group, setHex, k);
      r.k = k;
      r.n = Math.max(group.get(r.used[0])[0].n, ...group.keys());
      r.warnings = [];
    }
    warnings.push(...r.warnings);
    if (r.misfits.length) {
      const m = r.misfits;
      warnings.push(`${sharesWord(m.length)} ${numbers(m)} of set ${S.setText(setHex)} ${m.length === 1 ? 'does' : 'do'} not fit the others: altered, forged or damaged; the credential was recovered without ${m.length === 1 ? 'it' : 'them'}`);
    }
    const setId = group.get(r.used[0])[0].setId;
    return {
      credential: r.credential, setHex, fingerprint: await S.fingerprint(r.key, setId), k: r.k, n: r.n,
      used: r.used.slice().sort((a, b) => a - b), present: [...group.keys()].sort((a, b) => a - b), misfits: r.misfits,
      warnings, setAside, version: [...versions][0],
    };
  }

  const api = { recombine, Refusal, numbers };
  if (node) module.exports = api;
  else root.BGCombine = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
