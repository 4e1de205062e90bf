// QR texts of both formats (docs/FORMAT.md 3, 5 and 7.6): sort each text into its share, rebuild the shares
// (format 2 through its parity codes), and note every code that cannot be used, with where it came from.
(function (root) {
  'use strict';
  const node = typeof module === 'object' && module.exports;
  const F = node ? require('./field.js') : root.BGField;
  const S = node ? require('./shares.js') : root.BGShares;

  const PREFIX = /^BG([0-9]{1,3}):/;
  const BG1 = /^BG1:([0-9A-F]{16}):([0-9]{1,3}):([0-9]{1,3}):([0-9]{1,3})\/([0-9]{1,3}):([A-Z2-7]+)$/;
  const NUM = '([1-9][0-9]{0,5})';
  const BG2 = new RegExp(`^BG2:([0-9A-F]{16}):${NUM}:${NUM}:${NUM}:${NUM}/${NUM}\\+(0|[1-9][0-9]{0,5}):([A-Z2-7]+)$`);
  const MAX_TRIES = 500;

  class QrPile {
    constructor() {
      this.bg1 = new Map(); // "set:share:count" -> {setHex, index, count, chunks: Map chunk -> Map payload -> sources}
      this.bg2 = new Map(); // "set:share:size:data:parity" -> {..., chunks: Map chunk -> Map hex -> {bytes, sources}}
      this.notes = [];
      this.seenTexts = new Set();
    }

    note(kind, message, source, extra) {
      this.notes.push(Object.assign({ kind, message: source ? `${source}: ${message}` : message }, extra || {}));
    }

    // One decoded QR text; `source` names the file or frame it came from. The same text twice adds nothing.
    add(rawText, source) {
      const text = rawText.trim();
      if (this.seenTexts.has(text)) return;
      this.seenTexts.add(text);
      const prefix = PREFIX.exec(text);
      if (!prefix) {
        this.note('foreign', `a QR code that is not a breakglass share (${JSON.stringify(text.slice(0, 24))}) was skipped`, source);
        return;
      }
      const version = parseInt(prefix[1], 10);
      if (version >= 3) {
        this.note('newer', `a QR code made by a newer version of breakglass (format ${version}) was skipped: use a newer breakglass to read it`, source, { version });
      } else if (prefix[1] === '1') {
        this.addBg1(text, source);
      } else if (prefix[1] === '2') {
        this.addBg2(text, source);
      } else {
        this.note('damaged', `a damaged breakglass QR code (${JSON.stringify(text.slice(0, 24))}: malformed header) was skipped`, source);
      }
    }

    addBg1(text, source) {
      const m = BG1.exec(text);
      if (!m) { this.note('damaged', 'a damaged BG1 QR code (it does not follow the format) was skipped', source); return; }
      const [, setHex, share, copy, chunkText, countText, data] = m;
      const chunk = parseInt(chunkText, 10), count = parseInt(countText, 10), index = parseInt(share, 10);
      if (chunk < 1 || chunk > count || parseInt(copy, 10) < 1) {
        this.note('damaged', `a damaged QR code of share ${index} (chunk ${chunk} of ${count}) was skipped`, source);
        return;
      }
      const key = `${setHex}:${index}:${count}`;
      if (!this.bg1.has(key)) this.bg1.set(key, { setHex, index, count, chunks: new Map(), sources: new Set() });
      const entry = this.bg1.get(key);
      entry.sources.add(source);
      if (!entry.chunks.has(chunk)) entry.chunks.set(chunk, new Map());
      entry.chunks.get(chunk).set(data, source);
    }

    addBg2(text, source) {
      const m = BG2.exec(text);
      if (!m) { this.note('damaged', 'a damaged BG2 QR code (it does not follow the format) was skipped', source); return; }
      const [setHex, index, , size, chunk, data, parity] = m.slice(1, 8).map((v, i) => (i === 0 ? v : parseInt(v, 10)));
      const payload = m[8];
      if (index > 255 || size < 163 || size > 33450 || data > size || data + parity > 255 || chunk > data + parity) {
        this.note('damaged', `a damaged QR code of share ${index} (impossible numbers) was skipped`, source);
        return;
      }
      const length = 5 * Math.ceil(Math.ceil(size / data) / 5);
      let bytes;
      try {
        if (payload.length !== (8 * length) / 5) throw new Error('wrong length');
        bytes = F.base32Decode(payload);
      } catch (e) {
        this.note('damaged', `a damaged QR code of share ${index} (its payload does not decode) was skipped`, source);
        return;
      }
      const key = `${setHex}:${index}:${size}:${data}:${parity}`;
      if (!this.bg2.has(key)) this.bg2.set(key, { setHex, index, size, data, parity, chunks: new Map(), sources: new Set() });
      const entry = this.bg2.get(key);
      entry.sources.add(source);
      if (!entry.chunks.has(chunk)) entry.chunks.set(chunk, new Map());
      const hex = F.toHex(bytes);
      if (!entry.chunks.get(chunk).has(hex)) entry.chunks.get(chunk).set(hex, { bytes, source });
    }

    // Every share the codes rebuild (for format 2 every distinct candidate), and notes for the rest.
    async shares() {
      const found = [], notes = [], partial = [];
      for (const entry of this.bg1.values()) found.push(...await rebuildBg1(entry, notes, partial));
      for (const entry of this.bg2.values()) found.push(...await rebuildBg2(entry, notes, partial));
      return { found, notes, partial };
    }
  }

  function sourcesOf(entry) {
    return [...entry.sources].filter(Boolean).join(', ');
  }

  function shareNote(notes, entry, kind, message) {
    const where = sourcesOf(entry);
    notes.push({ kind, message: `${where ? where + ': ' : ''}share ${entry.index} of set ${S.setText(entry.setHex)}: ${message}` });
  }

  async function parseFor(entry, raw) {
    const share = await S.parseShare(raw);
    if (share.setHex !== entry.setHex || share.index !== entry.index) {
      throw new S.ShareProblem('damaged', "the QR codes' label and the share they hold differ");
    }
    share.sources = [...entry.sources];
    return share;
  }

  async function rebuildBg1(entry, notes, partial) {
    const missing = [];
    for (let c = 1; c <= entry.count; c++) if (!entry.chunks.has(c)) missing.push(c);
    if (missing.length) {
      partial.push({ setHex: entry.setHex, index: entry.index });
      shareNote(notes, entry, 'incomplete', `${entry.count - missing.length} of its ${entry.count} QR codes were read (QR codes ${missing.join(', ')} missing)`);
      return [];
    }
    const differing = [...entry.chunks.entries()].filter(([, v]) => v.size > 1).map(([c]) => c);
    if (differing.length) {
      shareNote(notes, entry, 'damaged', `two different QR codes ${differing[0]} of ${entry.count} were read (format 1 cannot tell which is genuine): remove the one that does not belong`);
      return [];
    }
    try {
      let text = '';
      for (let c = 1; c <= entry.count; c++) text += [...entry.chunks.get(c).keys()][0];
      return [await parseFor(entry, F.base32Decode(text))];
    } catch (e) {
      shareNote(notes, entry, e.kind || 'damaged', e.message);
      return [];
    }
  }

  function* combinations(items, r, start = 0, prefix = []) {
    if (prefix.length === r) { yield prefix.slice(); return; }
    for (let i = start; i <= items.length - (r - prefix.length); i++) {
      prefix.push(items[i]);
      yield* combinations(items, r, i + 1, prefix);
      prefix.pop();
    }
  }

  function* product(lists, at = 0, prefix = []) {
    if (at === lists.length) { yield prefix.slice(); return; }
    for (const v of lists[at]) { prefix.push(v); yield* product(lists, at + 1, prefix); prefix.pop(); }
  }

  function* choices(chunks, data) {
    const numbers = [...chunks.keys()].sort((a, b) => a - b);
    for (const points of combinations(numbers, data)) {
      const lists = points.map((p) => [...chunks.get(p).keys()].sort().map((h) => chunks.get(p).get(h).bytes));
      for (const values of product(lists)) yield [points, values];
    }
  }

  function agreesWithEveryCode(chunks, points, values) {
    for (const [number, seen] of chunks) {
      const expected = F.toHex(F.interpolate(points, values, number));
      if (seen.size !== 1 || !seen.has(expected)) return false;
    }
    return true;
  }

  async function rebuildBg2(entry, notes, partial) {
    const { size, data, chunks } = entry;
    if (chunks.size < data) {
      partial.push({ setHex: entry.setHex, index: entry.index });
      shareNote(notes, entry, 'incomplete', `${chunks.size} of the ${data} QR codes needed were read (of ${data + entry.parity} printed): add the sheet again or a clearer photo`);
      return [];
    }
    const found = [];
    let lastProblem = null, tries = 0;
    for (const [points, values] of choices(chunks, data)) {
      if (++tries > MAX_TRIES) break;
      const rebuilt = [];
      for (let c = 1; c <= data; c++) rebuilt.push(F.interpolate(points, values, c));
      const whole = F.concat(...rebuilt);
      if (whole.subarray(size).some((b) => b !== 0)) continue;
      let share;
      try {
        share = await parseFor(entry, whole.slice(0, size));
      } catch (e) {
        lastProblem = e;
        if (e.kind === 'newer') break;
        continue;
      }
      if (!found.some((s) => s.hex === share.hex)) found.push(share);
      if (agreesWithEveryCode(chunks, points, values)) break;
    }
    if (!found.length) {
      const why = lastProblem && lastProblem.kind === 'newer' ? lastProblem.message : "its QR codes do not rebuild a valid share: damaged";
      shareNote(notes, entry, lastProblem ? lastProblem.kind : 'damaged', why);
    }
    return found;
  }

  const api = { QrPile, combinations, product };
  if (node) module.exports = api;
  else root.BGQr = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
