// The QR decoder and its loop: the browser's own BarcodeDetector when it
// reads QR codes, otherwise the vendored ponyfill (barcode-detector +
// zxing-wasm, never a CDN), run on the camera's video ~8 times a second. The ponyfill
// and its wasm are imported only when the native detector is missing.

const SCAN_INTERVAL_MS = 125; // ~8 decodes per second

async function createDetector(cfg) {
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats && formats.includes('qr_code')) {
        return { detector: new window.BarcodeDetector({ formats: ['qr_code'] }), kind: 'native' };
      }
    } catch (_) {
      /* fall through to the ponyfill */
    }
  }
  const mod = await import(cfg.ponyfillUrl);
  const wasmUrl = new URL(cfg.wasmUrl, window.location.href).href;
  // Never let the library fall back to its default CDN location.
  await mod.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
    },
    fireImmediately: true,
    equalityFn: () => false, // a retry after a failed download must fetch again
  });
  keepDecoderOffline();
  return { detector: new mod.BarcodeDetector({ formats: ['qr_code'] }), kind: 'wasm' };
}

// This phone needs the WebAssembly decoder: ask the service worker (static/js/sw.js) to keep
// it for offline reloads. Phones with a native BarcodeDetector never fetch it.
function keepDecoderOffline() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready
    .then((reg) => reg.active && reg.active.postMessage({ type: 'keep-decoder' }))
    .catch(() => {});
}

/** Returns {loadDetector(), hasDetector(), startLoop(), stopLoop()}. */
export function createDecoder({ cfg, ui, state, setCamStatus, onDetected }) {
  let detector = null;
  let detectorPromise = null;
  let loopTimer = null;
  let running = false;

  function loadDetector() {
    if (!detectorPromise) {
      detectorPromise = createDetector(cfg)
        .then(({ detector: d, kind }) => {
          detector = d;
          state.detector = kind;
          state.ready = true;
          if (running) setCamStatus('Arahkan kamera ke kode QR peserta.');
          return d;
        })
        .catch((err) => {
          console.error(err);
          detectorPromise = null;
          state.error = String(err);
          setCamStatus(
            'Pemindai QR belum bisa dimuat. Akan dicoba lagi saat koneksi tersedia; sementara gunakan pencarian nama.',
            'error',
          );
          return null;
        });
    }
    return detectorPromise;
  }

  function stopLoop() {
    running = false;
    clearTimeout(loopTimer);
    loopTimer = null;
  }

  async function tick() {
    loopTimer = null;
    if (!running) return;
    const v = ui.video;
    if (detector && v && v.readyState >= 2 && !document.hidden && v.videoWidth > 0) {
      try {
        const codes = await detector.detect(v);
        for (const c of codes || []) onDetected(c.rawValue);
      } catch (err) {
        // A single bad frame is not fatal; keep going.
        state.error = String(err);
      }
    }
    if (running && !loopTimer) loopTimer = setTimeout(tick, SCAN_INTERVAL_MS);
  }

  function startLoop() {
    if (running) return;
    running = true;
    tick();
  }

  return { loadDetector, hasDetector: () => Boolean(detector), startLoop, stopLoop };
}
