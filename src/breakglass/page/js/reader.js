// Everything read so far (QR texts from images or the camera, typed texts), judged as one pile: the outcome the
// page shows. Adding never forgets what was read before; the judgement is made again over the whole pile.
(function (root) {
  'use strict';
  const node = typeof module === 'object' && module.exports;
  const S = node ? require('./shares.js') : root.BGShares;
  const Q = node ? require('./qr.js') : root.BGQr;
  const T = node ? require('./typed.js') : root.BGTyped;
  const C = node ? require('./combine.js') : root.BGCombine;

  class Reader {
    constructor() {
      this.qr = new Q.QrPile();
      this.typed = []; // [{text, source}]
      this.fileNotes = [];
    }

    addQrTexts(texts, source) { texts.forEach((t) => this.qr.add(t, source)); }
    addTyped(text, source) { this.typed.push({ text, source }); }
    noteFile(message) { this.fileNotes.push({ kind: 'file', message }); }

    // {state, message, credential?, fingerprint?, setHex?, shares: [{setHex, index, state, why}], notes}
    async judge() {
      const fromQr = await this.qr.shares();
      const shares = fromQr.found.slice();
      const notes = this.fileNotes.concat(this.qr.notes, fromQr.notes);
      const partial = fromQr.partial.slice();
      for (const { text, source } of this.typed) {
        const r = await T.readTyped(text, source);
        shares.push(...r.shares);
        notes.push(...r.notes);
        partial.push(...r.partial);
      }
      try {
        const r = await C.recombine(shares);
        return recoveredOutcome(r, shares, notes);
      } catch (e) {
        if (!(e instanceof C.Refusal)) throw e;
        return refusedOutcome(e, shares, notes, partial);
      }
    }
  }

  function uniqueShares(shares) {
    const seen = new Map();
    for (const s of shares) if (!seen.has(s.hex)) seen.set(s.hex, s);
    return [...seen.values()];
  }

  function missingOf(setHex, present, n, list) {
    for (let i = 1; i <= n; i++) if (!present.has(i)) list.push({ setHex, index: i, state: 'missing', why: 'not read yet' });
  }

  function recoveredOutcome(r, shares, notes) {
    const list = [];
    const aside = new Set(r.setAside.map((a) => a.share.hex));
    const misfit = new Set(r.misfits);
    const chosen = uniqueShares(shares).filter((s) => s.setHex === r.setHex && !aside.has(s.hex));
    const shown = new Set();
    for (const s of chosen.sort((a, b) => a.index - b.index)) {
      if (shown.has(s.index)) continue;
      shown.add(s.index);
      list.push({ setHex: s.setHex, index: s.index, state: misfit.has(s.index) ? 'named' : 'found', why: misfit.has(s.index) ? 'does not fit the others: altered, forged or damaged' : (r.used.includes(s.index) ? 'used' : 'fits') });
    }
    missingOf(r.setHex, new Set(r.present), r.n, list);
    for (const a of r.setAside) list.push({ setHex: a.share.setHex, index: a.share.index, state: 'set-aside', why: a.why });
    const warned = r.warnings.concat(notes.map((n) => n.message));
    const head = `Recovered: set ${S.setText(r.setHex)}, fingerprint ${r.fingerprint}, from shares ${C.numbers(r.used)} (any ${r.k} of ${r.n}).`;
    const newer = notes.filter((n) => n.kind === 'newer').map((n) => `${n.message}.`);
    return {
      state: 'recovered', message: [head].concat(r.warnings.map((w) => `${w}.`), newer).join(' '), credential: r.credential, fingerprint: r.fingerprint,
      setHex: r.setHex, k: r.k, n: r.n, used: r.used, shares: sortList(list), notes: warned,
    };
  }

  function refusedOutcome(e, shares, notes, partial) {
    const list = [];
    const bySet = new Map();
    for (const s of uniqueShares(shares)) {
      if (!bySet.has(s.setHex)) bySet.set(s.setHex, new Map());
      bySet.get(s.setHex).set(s.index, s);
    }
    for (const [setHex, group] of bySet) {
      const shown = [...group.values()];
      for (const s of shown.sort((a, b) => a.index - b.index)) {
        const why = e.named[`${setHex}:${s.index}`];
        list.push({ setHex, index: s.index, state: why ? 'named' : 'found', why: why || 'read' });
      }
      missingOf(setHex, new Set(group.keys()), Math.max(...shown.map((s) => s.n), ...group.keys()), list);
    }
    // The state names the share(s) at fault; codes that could not be used are said too (a newer version).
    const worth = notes.filter((n) => ['newer', 'damaged', 'incomplete', 'foreign', 'file'].includes(n.kind));
    let message = e.message;
    if (e.state === 'need-more' && worth.length) message = `${message}. ${worth.map((n) => n.message).join('. ')}`;
    const newer = notes.filter((n) => n.kind === 'newer');
    if (e.state === 'refused' && newer.length) message = `${message}. ${newer.map((n) => n.message).join('. ')}`;
    return { state: e.state, message, shares: sortList(dedupeList(list)), notes: notes.map((n) => n.message), partial };
  }

  function dedupeList(list) {
    const seen = new Set();
    return list.filter((x) => { const key = `${x.setHex}:${x.index}:${x.state}`; if (seen.has(key)) return false; seen.add(key); return true; });
  }

  function sortList(list) {
    return list.sort((a, b) => (a.setHex < b.setHex ? -1 : a.setHex > b.setHex ? 1 : a.index - b.index));
  }

  const api = { Reader };
  if (node) module.exports = api;
  else root.BGReader = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
