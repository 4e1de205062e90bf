// Reads a JSON list of piles ({qr: [texts], typed: [texts]}) on stdin and prints, for each, the outcome the
// recovery page's core gives: {state, message, credential (hex) , fingerprint, named: [share numbers]}.
'use strict';
const path = require('node:path');
const { Reader } = require(path.join(__dirname, '..', '..', 'src', 'breakglass', 'page', 'js', 'reader.js'));

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const piles = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = [];
  for (const pile of piles) {
    const reader = new Reader();
    (pile.qr || []).forEach((t, i) => reader.addQrTexts([t], `code ${i + 1}`));
    (pile.typed || []).forEach((t, i) => reader.addTyped(t, `typed ${i + 1}`));
    const o = await reader.judge();
    out.push({
      state: o.state, message: o.message, fingerprint: o.fingerprint || null,
      credential: o.credential ? Buffer.from(o.credential).toString('hex') : null,
      named: o.shares.filter((s) => s.state === 'named').map((s) => s.index),
    });
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
