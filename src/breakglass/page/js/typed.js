// Typed text of both formats (docs/FORMAT.md 2.3, 6 and 7.7): find the header lines, take the numbered lines
// of each block, normalise and check every line (correcting one typo), rebuild the binary share.
(function (root) {
  'use strict';
  const node = typeof module === 'object' && module.exports;
  const F = node ? require('./field.js') : root.BGField;
  const S = node ? require('./shares.js') : root.BGShares;

  const HEX4 = '[0-9A-Fa-f]{4}';
  const HEADER = new RegExp(
    `BG([0-9]{1,3})\\s+SHARE\\s+([0-9]{1,3})\\s+OF\\s+([0-9]{1,3})\\s+SET\\s+(${HEX4}(?:[- ]?${HEX4}){3})` +
    '(?:\\s+COPY\\s+([0-9]{1,3}))?\\s+LINES\\s+([0-9]{1,4})(?:\\s+([0-9A-Za-z](?:[ -]?[0-9A-Za-z]){3}))?(?![0-9A-Za-z])', 'i');
  const NUMBER = /^([0-9]{1,4})[.:)|]?$/;
  const LINE_CANDIDATE = /^([0-9]{1,4})(?:[ \t]*[.:)|])?[ \t]+([0-9A-Za-z][0-9A-Za-z \t-]*)$/;
  const LINE_CHARS = { 1: 24, 2: 32 };
  const ROWS = /\r\n|[\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]/;
  const MAX_VARIANTS = 8; // tries for one line number, as recombine
  const MAX_ROW = 1000; // characters: a longer row is not a typed line
  const MAX_CORRECTIONS = 200; // lines of one text searched for a typo (~1,000 checks each)

  function normalise(text) {
    let out = '';
    for (const c of text) {
      if (c === ' ' || c === '\t' || c === '-') continue;
      let u = c >= 'a' && c <= 'z' ? c.toUpperCase() : c;
      if (u === 'O') u = '0';
      else if (u === 'I' || u === 'L') u = '1';
      out += u;
    }
    return out;
  }

  function lineCheckText(h, number, data) {
    return h.version === 1 ? `BG1 ${number} ${data}` : `BG2 ${h.setHex} ${h.index} ${number} ${data}`;
  }

  async function parseHeader(m, notes) {
    const [, version, index, n, set, copy, lines, check] = m;
    const h = {
      version: parseInt(version, 10), index: parseInt(index, 10), n: parseInt(n, 10),
      setHex: set.replace(/[- ]/g, '').toUpperCase(), copy: copy ? parseInt(copy, 10) : 1, lines: parseInt(lines, 10),
    };
    if (h.index === 0 || h.lines === 0) {
      notes.push({ kind: 'damaged', message: 'a typed header of share 0 or of 0 lines was refused: retype the header' });
      return null;
    }
    if (h.version === 2) {
      const canonical = `BG2 SHARE ${h.index} OF ${h.n} SET ${h.setHex} COPY ${h.copy} LINES ${h.lines}`;
      if (copy === undefined || check === undefined || (await S.check20(canonical)) !== normalise(check)) {
        notes.push({ kind: 'damaged', message: `the typed header of share ${h.index} does not pass its check: retype the header` });
        return null;
      }
    }
    return h;
  }

  function candidates(row) {
    const whole = row.trim();
    const parts = whole.split(/\s{3,}/).filter((p) => p.trim());
    return [whole].concat(parts.length > 1 ? parts : []);
  }

  // {data} when the line checks, {failed: normalised} when it does not, {} when it cannot be a line.
  async function checkLine(h, number, text) {
    const norm = normalise(text);
    if (norm.length < 5 || [...norm].some((c) => !F.CROCKFORD.includes(c))) return {};
    const data = norm.slice(0, -4), check = norm.slice(-4);
    if (data.length > LINE_CHARS[h.version]) return {};
    if ((await S.check20(lineCheckText(h, number, data))) === check) return { data };
    return { failed: norm };
  }

  async function readNumbered(h, candidate) {
    const m = LINE_CANDIDATE.exec(candidate.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (!m) return { number: 0 };
    const number = parseInt(m[1], 10), text = m[2];
    if (number < 1 || number > h.lines) return { number: 0 };
    const tokens = text.split(/\s+/).filter(Boolean);
    const own = NUMBER.exec(tokens[0]);
    if (own && parseInt(own[1], 10) === number && tokens.length > 1) {
      const first = await checkLine(h, number, text.slice(tokens[0].length));
      if (first.data !== undefined) return { number, data: first.data };
    }
    return Object.assign({ number }, await checkLine(h, number, text));
  }

  function corrections(norm) {
    const out = [];
    for (let p = 0; p < norm.length; p++) {
      for (const c of F.CROCKFORD) if (c !== norm[p]) out.push(norm.slice(0, p) + c + norm.slice(p + 1));
    }
    for (let p = 0; p + 1 < norm.length; p++) {
      if (norm[p] !== norm[p + 1]) out.push(norm.slice(0, p) + norm[p + 1] + norm[p] + norm.slice(p + 2));
    }
    return out;
  }

  async function correct(h, number, norm) {
    const tried = corrections(norm).filter((t) => t.length - 4 <= LINE_CHARS[h.version]);
    const checks = await Promise.all(tried.map((t) => S.check20(lineCheckText(h, number, t.slice(0, -4)))));
    const hits = new Set(tried.filter((t, i) => checks[i] === t.slice(-4)).map((t) => t.slice(0, -4)));
    return hits.size === 1 ? [...hits][0] : null;
  }

  async function collectBlock(h, rows) {
    const good = new Map(), failed = new Map(), tried = new Map();
    for (const row of rows) {
      for (const cand of candidates(row)) {
        const r = await readNumbered(h, cand);
        if (!r.number || good.has(r.number)) continue;
        tried.set(r.number, (tried.get(r.number) || 0) + 1);
        if (tried.get(r.number) > MAX_VARIANTS) continue;
        if (r.data !== undefined) good.set(r.number, r.data);
        else if (r.failed !== undefined) {
          if (!failed.has(r.number)) failed.set(r.number, []);
          failed.get(r.number).push(r.failed);
        }
      }
    }
    return { good, failed };
  }

  function few(numbers) {
    return numbers.length <= 12 ? numbers.join(', ') : `${numbers.slice(0, 10).join(', ')} and ${numbers.length - 10} more`;
  }

  async function blockShare(h, rows, result, source) {
    const where = source ? `${source}: ` : '';
    const name = `typed share ${h.index} of set ${S.setText(h.setHex)}`;
    const { good, failed } = await collectBlock(h, rows);
    for (const [number, norms] of failed) {
      if (good.has(number)) continue;
      const fixes = new Set();
      for (const norm of norms) {
        if (result.budget <= 0) break;
        result.budget--;
        const fix = await correct(h, number, norm);
        if (fix !== null) fixes.add(fix);
      }
      if (fixes.size === 1) {
        good.set(number, [...fixes][0]);
        result.notes.push({ kind: 'corrected', message: `${where}${name}, line ${number}: one character corrected` });
      }
    }
    const missing = [];
    for (let n = 1; n <= h.lines; n++) if (!good.has(n)) missing.push(n);
    if (missing.length) {
      const unreadable = missing.filter((n) => failed.has(n));
      const absent = missing.filter((n) => !failed.has(n));
      const parts = [];
      if (unreadable.length) parts.push(`line${unreadable.length > 1 ? 's' : ''} ${few(unreadable)} ${unreadable.length > 1 ? 'do' : 'does'} not pass the check: retype`);
      if (absent.length) parts.push(`line${absent.length > 1 ? 's' : ''} ${few(absent)} missing`);
      result.notes.push({ kind: 'incomplete', message: `${where}${name}: ${parts.join('; ')}` });
      result.partial.push({ setHex: h.setHex, index: h.index });
      return;
    }
    const width = LINE_CHARS[h.version];
    for (let n = 1; n < h.lines; n++) {
      if (h.version === 2 && good.get(n).length !== width) {
        result.notes.push({ kind: 'damaged', message: `${where}${name}: line ${n} is not ${width} characters long` });
        return;
      }
    }
    let text = '';
    for (let n = 1; n <= h.lines; n++) text += good.get(n);
    try {
      const share = await S.parseShare(F.crockfordDecode(text));
      if (share.setHex !== h.setHex || share.index !== h.index) throw new Error('the header and the lines differ');
      share.sources = [source || 'typed text'];
      result.shares.push(share);
    } catch (e) {
      result.notes.push({ kind: e.kind || 'damaged', message: `${where}${name}: ${e.message}` });
    }
  }

  async function readTyped(text, source) {
    const result = { shares: [], notes: [], partial: [], headers: 0, budget: MAX_CORRECTIONS };
    const blocks = [];
    for (const row of text.split(ROWS)) {
      if (row.length > MAX_ROW) continue;
      const m = HEADER.exec(row);
      const version = m ? parseInt(m[1], 10) : null;
      if (version !== null && version >= 3) {
        result.notes.push({ kind: 'newer', version, message: `${source ? source + ': ' : ''}a typed share made by a newer version of breakglass (format ${version}) was skipped: use a newer breakglass to read it` });
        blocks.push([null, []]);
      } else if (version === 0) {
        result.notes.push({ kind: 'damaged', message: 'a typed header says BG0: retype the header' });
        blocks.push([null, []]);
      } else if (version !== null) {
        blocks.push([await parseHeader(m, result.notes), []]);
      } else if (blocks.length) {
        blocks[blocks.length - 1][1].push(row);
      }
    }
    result.headers = blocks.length;
    for (const [h, rows] of blocks) if (h) await blockShare(h, rows, result, source);
    return result;
  }

  const api = { readTyped, normalise, HEADER };
  if (node) module.exports = api;
  else root.BGTyped = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
