// The page: inputs (image files, camera, typed lines) into one Reader, its judgement onto the page, and the
// credential shown only in release mode after a click, and dropped on request and on close.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const reader = new BGReader.Reader();
  let busy = 0;
  let credential = null; // Uint8Array, release mode only, after a judgement that recovered
  let downloadUrl = null;
  let cameraStream = null;
  let lastOutcome = null;

  // ---- QR decoding (zxing-wasm, its WebAssembly inlined: nothing is fetched) --------------------------------

  let zxingReady = null;
  function zxing() {
    if (zxingReady === null) {
      const text = $('zxing-wasm').textContent.trim();
      const binary = atob(text);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      zxingReady = ZXingWASM.prepareZXingModule({
        overrides: { wasmBinary: bytes.buffer, locateFile: (path) => path },
        fireImmediately: true,
      }).then(() => ZXingWASM);
    }
    return zxingReady;
  }

  const PASSES = [
    { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryInvert: false, tryDownscale: true, maxNumberOfSymbols: 255 },
    { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryInvert: true, tryDownscale: true, binarizer: 'GlobalHistogram', maxNumberOfSymbols: 255 },
    { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryDownscale: true, binarizer: 'FixedThreshold', maxNumberOfSymbols: 255 },
  ];

  // True when every format-2 share seen in these texts has enough distinct codes, and format 1 all of its own.
  function looksComplete(texts) {
    const shares = new Map();
    for (const t of texts) {
      let m = /^BG2:([0-9A-F]{16}):(\d+):\d+:\d+:(\d+)\/(\d+)\+/.exec(t);
      if (m) {
        const key = `${m[1]}:${m[2]}`;
        if (!shares.has(key)) shares.set(key, { need: parseInt(m[4], 10), chunks: new Set() });
        shares.get(key).chunks.add(m[3]);
        continue;
      }
      m = /^BG1:([0-9A-F]{16}):(\d+):\d+:(\d+)\/(\d+):/.exec(t);
      if (m) {
        const key = `${m[1]}:${m[2]}:1`;
        if (!shares.has(key)) shares.set(key, { need: parseInt(m[4], 10), chunks: new Set() });
        shares.get(key).chunks.add(m[3]);
      }
    }
    if (!shares.size) return false;
    return [...shares.values()].every((s) => s.chunks.size >= s.need);
  }

  async function decodeImageData(imageData) {
    const lib = await zxing();
    const texts = new Set();
    for (const options of PASSES) {
      const results = await lib.readBarcodes(imageData, options);
      results.filter((r) => r.isValid && r.text).forEach((r) => texts.add(r.text));
      if (looksComplete([...texts])) break;
    }
    return [...texts];
  }

  async function imageDataOf(file) {
    const bitmap = await createImageBitmap(file);
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    return ctx.getImageData(0, 0, canvas.width, canvas.height);
  }

  async function readFile(file) {
    if (/\.pdf$/i.test(file.name) || file.type === 'application/pdf') {
      reader.noteFile(`${file.name}: PDF files are not read by this page; give photos, scans or screenshots of the pages`);
      return;
    }
    let imageData;
    try {
      imageData = await imageDataOf(file);
    } catch (e) {
      reader.noteFile(`${file.name}: not an image this browser can read (PNG, JPEG or WebP)`);
      return;
    }
    const texts = await decodeImageData(imageData);
    if (!texts.length) reader.noteFile(`${file.name}: no QR code was found in this image`);
    reader.addQrTexts(texts, file.name);
  }

  // ---- busy state and judging -------------------------------------------------------------------------------

  // Tasks run one after another (a judgement never overlaps another read); busy until the queue is empty.
  let queue = Promise.resolve();
  function work(task) {
    busy++;
    $('status').dataset.busy = 'true';
    queue = queue.then(async () => {
      try {
        await task();
        await judge();
      } catch (e) {
        showStatus('error', `The page failed: ${e && e.message ? e.message : e}`);
      } finally {
        busy--;
        if (busy === 0) $('status').dataset.busy = 'false';
      }
    });
    return queue;
  }

  function showStatus(state, message) {
    $('status').dataset.state = state;
    $('status').textContent = message;
  }

  async function judge() {
    const outcome = await reader.judge();
    dropCredential();
    lastOutcome = outcome;
    render(outcome);
    if (outcome.credential) {
      if (mode() === 'release') credential = outcome.credential;
      else outcome.credential.fill(0);
      delete outcome.credential;
    }
    renderRelease();
  }

  const mode = () => $('mode').value;

  function render(o) {
    let message = o.message;
    if (o.state === 'recovered') {
      message = mode() === 'drill'
        ? `Drill passed: ${o.message} The credential is not shown in a drill.`
        : `${o.message} Click "Reveal the credential" to show it.`;
    }
    showStatus(o.state, message);
    $('fingerprint').textContent = o.fingerprint || '';
    $('fingerprint-line').hidden = !o.fingerprint;
    const list = $('shares');
    list.textContent = '';
    for (const s of o.shares) {
      const li = document.createElement('li');
      li.dataset.set = BGShares.setText(s.setHex);
      li.dataset.share = String(s.index);
      li.dataset.state = s.state;
      li.title = s.why;
      li.textContent = `share ${s.index} · ${s.state}`;
      list.appendChild(li);
    }
    const notes = $('notes');
    notes.textContent = '';
    for (const n of o.notes || []) {
      const li = document.createElement('li');
      li.textContent = n;
      notes.appendChild(li);
    }
  }

  // ---- release: reveal, download, clear ---------------------------------------------------------------------

  function renderRelease() {
    const box = $('release');
    box.textContent = '';
    if (mode() !== 'release' || !credential) return;
    const reveal = button('reveal', 'Reveal the credential', revealCredential);
    box.appendChild(reveal);
    box.appendChild(button('clear', 'Clear the credential from this page', clearAll));
  }

  function button(testid, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.testid = testid;
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  function asText(bytes) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      return null;
    }
  }

  function revealCredential() {
    if (!credential) return;
    const box = $('release');
    box.textContent = '';
    if (lastOutcome) showStatus('recovered', `${lastOutcome.message} The credential is shown below.`);
    const text = asText(credential);
    const shown = document.createElement('div');
    shown.id = 'credential';
    shown.dataset.testid = 'credential';
    shown.dataset.encoding = text === null ? 'hex' : 'utf-8';
    shown.textContent = text === null ? BGField.toHex(credential).toLowerCase() : text;
    box.appendChild(shown);
    downloadUrl = URL.createObjectURL(new Blob([credential], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = downloadUrl;
    link.download = 'credential.bin';
    link.dataset.testid = 'download';
    link.textContent = 'Download the exact bytes (credential.bin)';
    box.appendChild(link);
    box.appendChild(button('clear', 'Clear the credential from this page', clearAll));
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = 'Now write the release in the paper logbook. Clear the credential when it has been used.';
    box.appendChild(note);
  }

  function dropCredential() {
    if (credential) credential.fill(0);
    credential = null;
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = null;
    $('release').textContent = '';
  }

  function clearAll() {
    dropCredential();
    showStatus($('status').dataset.state, 'The credential was cleared from this page. Close the tab and the browser when you are done.');
  }

  // ---- camera -----------------------------------------------------------------------------------------------

  async function startCamera() {
    if (cameraStream) return;
    try {
      cameraStream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1920 }, height: { ideal: 1080 } },
      });
    } catch (e) {
      showStatus('error', `The camera could not be started (${e && e.name ? e.name : e}): give photos of the sheets instead.`);
      return;
    }
    const video = $('video');
    video.srcObject = cameraStream;
    video.hidden = false;
    $('camera-stop').hidden = false;
    await video.play().catch(() => {});
    scanFrames(video);
  }

  function stopCamera() {
    if (cameraStream) cameraStream.getTracks().forEach((t) => t.stop());
    cameraStream = null;
    $('video').srcObject = null;
    $('video').hidden = true;
    $('camera-stop').hidden = true;
  }

  async function scanFrames(video) {
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    while (cameraStream) {
      if (video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        ctx.drawImage(video, 0, 0);
        const lib = await zxing();
        let results = [];
        try {
          results = await lib.readBarcodes(ctx.getImageData(0, 0, canvas.width, canvas.height), PASSES[0]);
        } catch (e) {
          results = []; // one bad frame (the camera switching modes): go on with the next
        }
        const before = reader.qr.seenTexts.size;
        reader.addQrTexts(results.filter((r) => r.isValid && r.text).map((r) => r.text), 'camera');
        if (reader.qr.seenTexts.size !== before) {
          await work(async () => {});
          if (lastOutcome && lastOutcome.state === 'recovered') stopCamera();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
  }

  // ---- typed lines, checked as they are typed ----------------------------------------------------------------

  let typedTimer = null;
  function checkTypedSoon() {
    clearTimeout(typedTimer);
    typedTimer = setTimeout(async () => {
      const text = $('typed').value;
      if (!text.trim()) { $('typed-check').textContent = ''; return; }
      const r = await BGTyped.readTyped(text, '');
      const lines = r.notes.map((n) => n.message);
      r.shares.forEach((s) => lines.push(`share ${s.index} of set ${BGShares.setText(s.setHex)}: every line checks`));
      if (!r.headers) lines.push('no header line yet (it starts with BG2 SHARE or BG1 SHARE)');
      $('typed-check').textContent = lines.join('\n');
    }, 250);
  }

  let typedCount = 0;
  function addTyped() {
    const text = $('typed').value;
    if (!text.trim()) return;
    typedCount++;
    reader.addTyped(text, `typed text ${typedCount}`);
    $('typed').value = '';
    $('typed-check').textContent = '';
    work(async () => {});
  }

  // ---- wiring -----------------------------------------------------------------------------------------------

  $('scans').addEventListener('change', (event) => {
    const files = [...event.target.files];
    event.target.value = '';
    work(async () => { for (const f of files) await readFile(f); });
  });
  $('add-typed').addEventListener('click', addTyped);
  $('typed').addEventListener('input', checkTypedSoon);
  $('camera').addEventListener('click', () => { startCamera(); });
  $('camera-stop').addEventListener('click', stopCamera);
  $('mode').addEventListener('change', () => {
    dropCredential();
    if (lastOutcome) work(async () => {});
  });
  window.addEventListener('pagehide', () => { dropCredential(); stopCamera(); });
  window.addEventListener('beforeunload', () => { dropCredential(); });
  // Load the decoder at once, so the first image is read without waiting for it.
  zxing().catch((e) => showStatus('error', `The QR decoder could not start: ${e && e.message ? e.message : e}`));
})();
