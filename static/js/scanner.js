// Pemindai QR pintu masuk acara (P2TP2A Kota Serang).
//
// ES module, loaded by templates/events/scanner.html with
//   <script type="module" src="/static/js/scanner.js"></script>
// No inline scripts or inline style attributes are needed (strict CSP:
// script-src 'self' 'wasm-unsafe-eval'; style-src 'self').
//
// DOM CONTRACT (required unless marked optional):
//   #scanner            data-event-id, data-api-base (default "/api/v1"), data-csrf,
//                       data-event-title (optional), data-device (optional default
//                       device name), data-wasm-url / data-ponyfill-url (optional;
//                       default to the vendored copies below)
//   #counter            "Hadir X / Y terdaftar"
//   #net-status         Online / Offline + queued count
//   video#camera        camera preview (playsinline muted)
//   #start-camera       button, shown while the camera is not running
//   #result             full-screen result overlay (hidden)
//   #search-form, #search-q, #search-results
//   #undo-last          button (hidden)
//   #queue-panel > h2 + #queue-list      (hidden) scans waiting for upload
//   #sync-results > h2 + #sync-list      (hidden) server answers for queued scans
// OPTIONAL elements (created by this script inside #scanner when missing):
//   #camera-status      p, role=status: camera / decoder state messages
//   #scanner-alert      div, role=alert: persistent problems (session expired...)
// OPTIONAL elements (features enabled only when the template has them):
//   #device-name        input: device/door name, remembered in localStorage
//   #manual-form + #manual-code   form/input: type a code by hand (method "manual")
//
// window.__scannerState is kept up to date for browser tests:
//   {ready, detector, camera, online, queueLength, lastResult, synced,
//    syncResults, scans, stats, device, storage}

import { openQueue, codeKey } from './offline-queue.js';

const DEFAULT_PONYFILL_URL = '/static/vendor/barcode-detector-3.2.2/ponyfill.js';
const DEFAULT_WASM_URL = '/static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm';

const DEBOUNCE_MS = 3000; // same code again within this window: same person, ignore
const SCAN_INTERVAL_MS = 125; // ~8 decodes per second
const RESULT_MS = { ok: 2500, warn: 3000, error: 3000, offline: 2500, info: 2000 };
const STATS_INTERVAL_MS = 15000;
const SYNC_INTERVAL_MS = 10000;
const FETCH_TIMEOUT_MS = 8000;
const DEGRADED_MS = 20000; // after a failed request, queue straight away for a while
const CHECKING_DELAY_MS = 300;
const DEVICE_KEY = 'p2tp2a-scanner-device';

const TITLES = {
  checked_in: '✓ Hadir tercatat',
  already_checked_in: '! Sudah hadir sebelumnya',
  not_registered: '✗ Tidak terdaftar',
  wrong_event: '✗ Tiket acara lain',
  cancelled: '✗ Pendaftaran dibatalkan',
  invalid_code: '✗ Kode tidak dikenal',
  queued: 'Tersimpan offline',
  queued_duplicate: '! Sudah dipindai',
  undone: 'Check-in dibatalkan',
  checking: 'Memeriksa tiket…',
  error: '✗ Gagal',
};

const LABELS = {
  checked_in: 'Hadir tercatat',
  already_checked_in: 'Sudah hadir sebelumnya',
  not_registered: 'Tidak terdaftar',
  wrong_event: 'Tiket acara lain',
  cancelled: 'Pendaftaran dibatalkan',
  invalid_code: 'Kode tidak dikenal',
};

const DEFAULT_MESSAGES = {
  checked_in: 'Kehadiran berhasil dicatat.',
  already_checked_in: 'Peserta ini sudah tercatat hadir.',
  not_registered: 'Peserta tidak terdaftar di acara ini.',
  wrong_event: 'Tiket ini untuk acara lain.',
  cancelled: 'Pendaftaran peserta ini sudah dibatalkan.',
  invalid_code: 'Kode QR tidak dikenal.',
  queued: 'Tersimpan offline, menunggu sinkron.',
  queued_duplicate: 'Sudah dipindai (menunggu sinkron).',
};

const METHOD_LABELS = { qr: 'QR', search: 'Pencarian', manual: 'Manual' };

function toneFor(result) {
  switch (result) {
    case 'checked_in':
      return 'ok';
    case 'already_checked_in':
    case 'queued_duplicate':
      return 'warn';
    case 'queued':
      return 'offline';
    case 'undone':
    case 'checking':
      return 'info';
    default:
      return 'error';
  }
}

// ---------------------------------------------------------------- helpers

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}

/** ISO 8601 with the device's own UTC offset, e.g. 2026-11-28T09:15:02.123+07:00 */
export function isoLocal(d = new Date()) {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** "HH:MM WIB" (UTC+7, Indonesia has no daylight saving). */
export function formatWib(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const t = new Date(d.getTime() + 7 * 3600 * 1000);
  return `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} WIB`;
}

export function uuid4() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') {
    return window.crypto.randomUUID();
  }
  const b = new Uint8Array(16);
  window.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function shortCode(code) {
  const key = codeKey(code) || String(code || '');
  return key.length > 10 ? `…${key.slice(-8)}` : key;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null && text !== '') node.textContent = String(text);
  return node;
}

const numberFmt = (() => {
  try {
    return new Intl.NumberFormat('id-ID');
  } catch (_) {
    return { format: (n) => String(n) };
  }
})();

// ---------------------------------------------------------------- main

function init(root) {
  const $ = (id) => document.getElementById(id);
  const cfg = {
    eventId: root.dataset.eventId,
    eventTitle: root.dataset.eventTitle || '',
    apiBase: (root.dataset.apiBase || '/api/v1').replace(/\/+$/, ''),
    csrf: root.dataset.csrf || '',
    wasmUrl: root.dataset.wasmUrl || DEFAULT_WASM_URL,
    ponyfillUrl: root.dataset.ponyfillUrl || DEFAULT_PONYFILL_URL,
  };

  const ui = {
    counter: $('counter'),
    net: $('net-status'),
    video: $('camera'),
    startBtn: $('start-camera'),
    result: $('result'),
    searchForm: $('search-form'),
    searchQ: $('search-q'),
    searchResults: $('search-results'),
    undoBtn: $('undo-last'),
    queuePanel: $('queue-panel'),
    queueList: $('queue-list'),
    syncPanel: $('sync-results'),
    syncList: $('sync-list'),
    deviceInput: $('device-name'),
    manualForm: $('manual-form'),
    manualCode: $('manual-code'),
  };

  // Optional status elements, created when the template lacks them.
  ui.camStatus = $('camera-status');
  if (!ui.camStatus) {
    ui.camStatus = el('p', 'camera-status');
    ui.camStatus.id = 'camera-status';
    ui.camStatus.setAttribute('role', 'status');
    const anchor = ui.startBtn || ui.video;
    if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(ui.camStatus, anchor.nextSibling);
    else root.appendChild(ui.camStatus);
  }
  ui.alert = $('scanner-alert');
  if (!ui.alert) {
    ui.alert = el('div', 'scanner-alert');
    ui.alert.id = 'scanner-alert';
    ui.alert.setAttribute('role', 'alert');
    ui.alert.hidden = true;
    root.insertBefore(ui.alert, root.firstChild);
  }

  const state = {
    ready: false,
    detector: null,
    camera: 'idle',
    online: navigator.onLine !== false,
    queueLength: 0,
    lastResult: null,
    synced: 0,
    syncResults: [],
    scans: 0,
    stats: null,
    device: '',
    storage: null,
    error: null,
  };
  window.__scannerState = state;

  let queue = null;
  const queueReady = openQueue().then((q) => {
    queue = q;
    return q;
  });
  let detector = null;
  let stream = null;
  let loopTimer = null;
  let running = false;
  let degradedUntil = 0;
  let lastCheckin = null; // {id, name, code}
  let hideTimer = null;
  let scanChain = Promise.resolve();
  const seen = new Map(); // codeKey -> last time seen (performance.now())

  // ------------------------------------------------------------ device name
  function randomDeviceName() {
    const b = new Uint8Array(2);
    window.crypto.getRandomValues(b);
    return `Perangkat-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
  }

  function loadDevice() {
    let name = '';
    try {
      name = localStorage.getItem(DEVICE_KEY) || '';
    } catch (_) {
      /* storage blocked */
    }
    if (!name) name = (root.dataset.device || '').trim();
    if (!name) {
      name = randomDeviceName();
      try {
        localStorage.setItem(DEVICE_KEY, name);
      } catch (_) {
        /* ignore */
      }
    }
    return name.slice(0, 80);
  }
  state.device = loadDevice();
  if (ui.deviceInput) {
    ui.deviceInput.value = state.device;
    ui.deviceInput.addEventListener('change', () => {
      const v = ui.deviceInput.value.trim().slice(0, 80);
      if (!v) {
        ui.deviceInput.value = state.device;
        return;
      }
      state.device = v;
      try {
        localStorage.setItem(DEVICE_KEY, v);
      } catch (_) {
        /* ignore */
      }
    });
  }

  // ------------------------------------------------------------ sound & vibration
  let audioCtx = null;
  function unlockAudio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      if (!audioCtx) audioCtx = new AC();
      if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
    } catch (_) {
      audioCtx = null;
    }
  }
  for (const type of ['pointerdown', 'keydown']) {
    window.addEventListener(type, unlockAudio, { passive: true });
  }

  const TONES = {
    ok: [[1046, 0.12, 'sine'], [1568, 0.16, 'sine']],
    warn: [[660, 0.12, 'triangle'], [660, 0.12, 'triangle']],
    offline: [[523, 0.1, 'triangle'], [392, 0.14, 'triangle']],
    error: [[196, 0.4, 'square']],
    info: [[784, 0.08, 'sine']],
  };
  const VIBRATIONS = { ok: [80], warn: [120, 80, 120], offline: [60, 60, 60], error: [400], info: [40] };

  function feedback(tone) {
    try {
      if (navigator.vibrate) navigator.vibrate(VIBRATIONS[tone] || [60]);
    } catch (_) {
      /* ignore */
    }
    if (!audioCtx) return;
    try {
      if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
      let t = audioCtx.currentTime + 0.01;
      for (const [freq, dur, type] of TONES[tone] || TONES.info) {
        const osc = audioCtx.createOscillator();
        const gain = audioCtx.createGain();
        osc.type = type;
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.25, t + 0.015);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + dur);
        osc.connect(gain);
        gain.connect(audioCtx.destination);
        osc.start(t);
        osc.stop(t + dur + 0.02);
        t += dur + 0.05;
      }
    } catch (_) {
      /* no sound is fine */
    }
  }

  // ------------------------------------------------------------ result overlay
  function hideResult() {
    clearTimeout(hideTimer);
    hideTimer = null;
    if (ui.result) {
      ui.result.hidden = true;
      ui.result.className = 'result';
    }
    document.documentElement.classList.remove('scanner-result-open');
  }

  function showResult(r, { silent = false } = {}) {
    if (!ui.result) return;
    const tone = toneFor(r.result);
    const box = ui.result;
    box.replaceChildren();
    box.className = `result result--${tone}`;
    box.dataset.result = r.result;

    const card = el('div', 'result__card');
    card.appendChild(el('div', 'result__title', TITLES[r.result] || TITLES.error));
    const att = r.attendee || null;
    if (att && att.name) card.appendChild(el('div', 'result__name', att.name));
    if (att && att.instansi) card.appendChild(el('div', 'result__instansi', att.instansi));
    const msg = r.message || DEFAULT_MESSAGES[r.result] || '';
    if (msg) card.appendChild(el('p', 'result__message', msg));
    const first = r.first_check_in;
    if (first && (first.at || first.by)) {
      const parts = ['Pertama masuk'];
      if (first.at) parts.push(formatWib(first.at));
      if (first.by) parts.push(`oleh ${first.by}`);
      card.appendChild(el('p', 'result__first', parts.join(' ')));
    }
    if (r.detail) card.appendChild(el('p', 'result__first', r.detail));
    if (r.result !== 'checking') card.appendChild(el('p', 'result__hint', 'Ketuk untuk menutup'));
    box.appendChild(card);
    box.hidden = false;
    document.documentElement.classList.add('scanner-result-open');

    clearTimeout(hideTimer);
    hideTimer = null;
    if (r.result !== 'checking') {
      if (!silent) feedback(tone);
      hideTimer = setTimeout(hideResult, RESULT_MS[tone] || 2500);
    }
  }

  if (ui.result) {
    ui.result.addEventListener('click', () => {
      if (ui.result.dataset.result !== 'checking') hideResult();
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && ui.result && !ui.result.hidden) hideResult();
  });

  function setLastResult(r) {
    state.lastResult = r;
  }

  function showAlert(text) {
    if (!ui.alert) return;
    if (text) {
      ui.alert.textContent = text;
      ui.alert.hidden = false;
    } else {
      ui.alert.textContent = '';
      ui.alert.hidden = true;
    }
  }

  function setCamStatus(text, kind = '') {
    if (!ui.camStatus) return;
    ui.camStatus.textContent = text || '';
    ui.camStatus.className = `camera-status${kind ? ` camera-status--${kind}` : ''}`;
  }

  // ------------------------------------------------------------ network
  async function api(path, { method = 'GET', body } = {}) {
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), FETCH_TIMEOUT_MS) : null;
    try {
      const headers = { Accept: 'application/json' };
      if (method !== 'GET') headers['X-CSRFToken'] = cfg.csrf;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(cfg.apiBase + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: ctrl ? ctrl.signal : undefined,
      });
      let data = null;
      const ct = res.headers.get('content-type') || '';
      if (ct.includes('json')) {
        try {
          data = await res.json();
        } catch (_) {
          data = null;
        }
      }
      return { ok: true, status: res.status, redirected: res.redirected, data };
    } catch (error) {
      // TypeError (no network), AbortError (timeout), etc.
      return { ok: false, status: 0, data: null, error };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /**
   * What a check-in POST outcome means for the queue:
   *  'answer'  the server decided (remove from queue, show the answer)
   *  anything else: the scan was not recorded; keep it and retry later.
   */
  function classify(r) {
    if (!r.ok) return 'network';
    if (r.status >= 500) return 'server';
    if (r.status === 401 || r.status === 403) return 'auth';
    if (r.status === 408 || r.status === 425 || r.status === 429) return 'busy';
    if (r.data && typeof r.data.result === 'string') return 'answer';
    if (r.redirected) return 'auth'; // session expired -> login page
    if (r.status === 400) return 'csrf'; // e.g. expired CSRF token (HTML error page)
    return 'unexpected';
  }

  function postCheckin(scan) {
    return api(`/events/${encodeURIComponent(scan.event_id)}/checkins`, {
      method: 'POST',
      body: {
        code: scan.code,
        scan_id: scan.scan_id,
        scanned_at: scan.scanned_at,
        device: scan.device,
        method: scan.method,
      },
    });
  }

  function problemText(kind) {
    if (kind === 'auth') {
      return 'Sesi login berakhir atau akses ditolak. Scan tetap disimpan di perangkat ini; silakan login ulang lalu buka halaman pemindai lagi.';
    }
    if (kind === 'csrf' || kind === 'unexpected') {
      return 'Server menolak permintaan (token keamanan mungkin kedaluwarsa). Scan tetap disimpan; muat ulang halaman ini.';
    }
    return '';
  }

  function noteFailure(kind) {
    if (kind === 'network' || kind === 'server' || kind === 'busy') {
      degradedUntil = Date.now() + DEGRADED_MS;
    } else {
      showAlert(problemText(kind));
    }
    renderNet();
  }

  function noteSuccess() {
    degradedUntil = 0;
    showAlert('');
    renderNet();
  }

  function isOnline() {
    return navigator.onLine !== false;
  }

  function renderNet() {
    state.online = isOnline();
    if (!ui.net) return;
    const n = state.queueLength;
    let text;
    let cls;
    if (!state.online) {
      text = 'Offline';
      cls = 'net--offline';
    } else if (Date.now() < degradedUntil) {
      text = 'Online (koneksi lemah)';
      cls = 'net--weak';
    } else {
      text = 'Online';
      cls = 'net--online';
    }
    if (n > 0) text += ` · ${n} menunggu sinkron`;
    ui.net.textContent = text;
    ui.net.className = `net-status ${cls}`;
  }

  // ------------------------------------------------------------ stats
  async function refreshStats() {
    if (!isOnline() || !cfg.eventId) return;
    const r = await api(`/events/${encodeURIComponent(cfg.eventId)}/stats`);
    if (r.ok && r.status === 200 && r.data && typeof r.data.checked_in === 'number') {
      state.stats = r.data;
      if (ui.counter) {
        ui.counter.textContent = `Hadir ${numberFmt.format(r.data.checked_in)} / ${numberFmt.format(
          r.data.registered,
        )} terdaftar`;
      }
    }
  }

  // ------------------------------------------------------------ queue UI
  function renderQueue(items) {
    state.queueLength = items.length;
    renderNet();
    if (!ui.queuePanel || !ui.queueList) return;
    ui.queueList.replaceChildren();
    for (const item of items) {
      const li = el('li', 'queue-item');
      li.appendChild(el('span', 'queue-item__time', formatWib(item.scanned_at)));
      li.appendChild(el('span', 'queue-item__method', METHOD_LABELS[item.method] || item.method));
      li.appendChild(el('span', 'queue-item__code', shortCode(item.code)));
      ui.queueList.appendChild(li);
    }
    ui.queuePanel.hidden = items.length === 0;
    const h = ui.queuePanel.querySelector('h2');
    if (h) h.textContent = `Menunggu sinkron (${items.length})`;
  }

  function addSyncResult(item, r) {
    const body = r.data || {};
    const entry = {
      scan_id: item.scan_id,
      code: item.code,
      status: r.status,
      result: body.result,
      message: body.message || '',
      attendee: body.attendee || null,
      first_check_in: body.first_check_in || null,
      checkin_id: body.checkin_id ?? null,
      scanned_at: item.scanned_at,
    };
    state.syncResults.push(entry);
    if (!ui.syncPanel || !ui.syncList) return;
    const li = el('li', `sync-item sync-item--${toneFor(entry.result)}`);
    const head = el('div', 'sync-item__head');
    head.appendChild(
      el('strong', 'sync-item__name', (entry.attendee && entry.attendee.name) || `Kode ${shortCode(item.code)}`),
    );
    head.appendChild(el('span', 'sync-item__result', LABELS[entry.result] || entry.result));
    li.appendChild(head);
    if (entry.attendee && entry.attendee.instansi) {
      li.appendChild(el('div', 'sync-item__instansi', entry.attendee.instansi));
    }
    if (entry.message) li.appendChild(el('p', 'sync-item__message', entry.message));
    const meta = [`Dipindai ${formatWib(item.scanned_at)}`];
    const f = entry.first_check_in;
    if (entry.result === 'already_checked_in' && f) {
      meta.push(`pertama masuk ${formatWib(f.at)}${f.by ? ` oleh ${f.by}` : ''}`);
    }
    li.appendChild(el('p', 'sync-item__meta', meta.join(' · ')));
    ui.syncList.appendChild(li);
    ui.syncPanel.hidden = false;
  }

  // ------------------------------------------------------------ scanning
  function noteUndoable(body, scan) {
    if (body.result === 'checked_in' && body.checkin_id != null) {
      lastCheckin = { id: body.checkin_id, name: (body.attendee && body.attendee.name) || '', code: scan.code };
      if (ui.undoBtn) ui.undoBtn.hidden = false;
    } else {
      lastCheckin = null;
      if (ui.undoBtn) ui.undoBtn.hidden = true;
    }
  }

  async function enqueue(scan, kind) {
    await queue.add(scan);
    lastCheckin = null;
    if (ui.undoBtn) ui.undoBtn.hidden = true;
    const r = {
      result: 'queued',
      message: DEFAULT_MESSAGES.queued,
      attendee: null,
      first_check_in: null,
      checkin_id: null,
      scan_id: scan.scan_id,
      code: scan.code,
      method: scan.method,
      offline: true,
      reason: kind,
    };
    if (kind === 'auth' || kind === 'csrf' || kind === 'unexpected') {
      r.message = problemText(kind);
      noteFailure(kind);
    }
    setLastResult(r);
    showResult(r);
  }

  async function submitScan(code, method) {
    const text = String(code == null ? '' : code).trim();
    if (!text) return;
    if (!queue) await queueReady;
    state.scans += 1;
    const scan = {
      scan_id: uuid4(),
      code: text,
      scanned_at: isoLocal(new Date()),
      device: state.device,
      method,
      event_id: cfg.eventId,
    };

    const dup = await queue.findCode(cfg.eventId, text);
    if (dup) {
      const r = {
        result: 'queued_duplicate',
        message: DEFAULT_MESSAGES.queued_duplicate,
        attendee: null,
        first_check_in: null,
        detail: `Dipindai ${formatWib(dup.scanned_at)}${dup.device ? ` di ${dup.device}` : ''}, belum terkirim ke server.`,
        checkin_id: null,
        scan_id: dup.scan_id,
        code: text,
        method,
        offline: true,
      };
      setLastResult(r);
      showResult(r);
      return;
    }

    if (!isOnline() || Date.now() < degradedUntil) {
      await enqueue(scan, isOnline() ? 'degraded' : 'network');
      scheduleSync(SYNC_INTERVAL_MS);
      return;
    }

    const checking = setTimeout(() => showResult({ result: 'checking' }), CHECKING_DELAY_MS);
    const resp = await postCheckin(scan);
    clearTimeout(checking);
    const kind = classify(resp);
    if (kind !== 'answer') {
      if (kind === 'network' || kind === 'server' || kind === 'busy') noteFailure(kind);
      await enqueue(scan, kind);
      scheduleSync(SYNC_INTERVAL_MS);
      return;
    }
    noteSuccess();
    const body = resp.data;
    const r = {
      result: body.result,
      message: body.message || DEFAULT_MESSAGES[body.result] || '',
      attendee: body.attendee || null,
      first_check_in: body.first_check_in || null,
      checkin_id: body.checkin_id ?? null,
      status: resp.status,
      scan_id: scan.scan_id,
      code: scan.code,
      method,
      offline: false,
    };
    noteUndoable(body, scan);
    setLastResult(r);
    showResult(r);
    refreshStats();
    // The network works again: flush anything still waiting.
    if (state.queueLength > 0) scheduleSync(0);
  }

  /** Serialise scans so answers are shown in the order the codes were read. */
  function handleCode(code, method) {
    scanChain = scanChain
      .then(() => submitScan(code, method))
      .catch((err) => {
        console.error(err);
        state.error = String(err);
        showResult({ result: 'error', message: 'Terjadi kesalahan saat memproses scan. Coba lagi.' });
      });
    return scanChain;
  }

  function onDetected(raw) {
    const text = String(raw || '').trim();
    if (!text) return;
    const now = performance.now();
    for (const [k, t] of seen) if (now - t > DEBOUNCE_MS) seen.delete(k);
    const key = codeKey(text) || text;
    const last = seen.get(key);
    seen.set(key, now); // keep refreshing while the code stays in view
    if (last !== undefined && now - last < DEBOUNCE_MS) return;
    handleCode(text, 'qr');
  }

  // ------------------------------------------------------------ sync
  let syncing = false;
  let syncTimer = null;

  function scheduleSync(delay) {
    if (syncTimer) return;
    syncTimer = setTimeout(() => {
      syncTimer = null;
      syncQueue();
    }, delay);
  }

  async function runSync() {
    // Strictly in order, one at a time, always the oldest item first.
    for (;;) {
      if (!isOnline()) return;
      const items = await queue.all();
      if (!items.length) return;
      const item = items[0];
      const resp = await postCheckin(item);
      const kind = classify(resp);
      if (kind !== 'answer') {
        noteFailure(kind);
        return;
      }
      noteSuccess();
      await queue.remove(item.scan_id); // only after the server answered
      state.synced += 1;
      addSyncResult(item, resp);
    }
  }

  async function syncQueue() {
    if (syncing || !queue || !isOnline()) return;
    syncing = true;
    const before = state.synced;
    try {
      if (navigator.locks && typeof navigator.locks.request === 'function') {
        // Another tab of this browser already syncing: let it.
        await navigator.locks.request('p2tp2a-scanner-sync', { ifAvailable: true }, async (lock) => {
          if (lock) await runSync();
        });
      } else {
        await runSync();
      }
    } catch (err) {
      console.error(err);
    } finally {
      syncing = false;
    }
    if (state.synced > before) refreshStats();
  }

  // ------------------------------------------------------------ detector
  let detectorPromise = null;

  async function createDetector() {
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
    return { detector: new mod.BarcodeDetector({ formats: ['qr_code'] }), kind: 'wasm' };
  }

  function loadDetector() {
    if (!detectorPromise) {
      detectorPromise = createDetector()
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

  // ------------------------------------------------------------ camera
  function cameraErrorText(err) {
    const name = err && err.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return 'Izin kamera ditolak. Izinkan akses kamera di pengaturan browser, lalu tekan "Mulai kamera". Anda tetap bisa memakai pencarian nama.';
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      return 'Kamera tidak ditemukan di perangkat ini. Gunakan pencarian nama.';
    }
    if (name === 'NotReadableError' || name === 'AbortError') {
      return 'Kamera sedang dipakai aplikasi lain. Tutup aplikasi itu lalu tekan "Mulai kamera".';
    }
    return 'Kamera tidak bisa dibuka. Tekan "Mulai kamera" untuk mencoba lagi.';
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

  let starting = false;
  async function startCamera() {
    if (starting || state.camera === 'on') return;
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
      setCamStatus(
        window.isSecureContext === false
          ? 'Kamera hanya bisa dipakai lewat koneksi aman (HTTPS).'
          : 'Browser ini tidak mendukung kamera. Gunakan pencarian nama.',
        'error',
      );
      state.camera = 'unsupported';
      return;
    }
    starting = true;
    if (ui.startBtn) ui.startBtn.disabled = true;
    setCamStatus('Membuka kamera…');
    state.camera = 'starting';
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: 'environment' } },
        audio: false,
      });
      const v = ui.video;
      if (v) {
        v.muted = true;
        v.setAttribute('playsinline', '');
        v.setAttribute('muted', '');
        v.srcObject = stream;
        try {
          await v.play();
        } catch (_) {
          /* autoplay of a muted inline video is allowed; ignore odd rejections */
        }
      }
      for (const track of stream.getVideoTracks()) {
        track.addEventListener('ended', () => {
          state.camera = 'idle';
          stopLoop();
          if (ui.startBtn) ui.startBtn.hidden = false;
          setCamStatus('Kamera berhenti. Tekan "Mulai kamera" untuk melanjutkan.');
        });
      }
      state.camera = 'on';
      root.classList.add('camera-on');
      if (ui.startBtn) ui.startBtn.hidden = true;
      setCamStatus(detector ? 'Arahkan kamera ke kode QR peserta.' : 'Memuat pemindai QR…');
      startLoop();
      loadDetector();
    } catch (err) {
      console.warn(err);
      state.camera = 'error';
      setCamStatus(cameraErrorText(err), 'error');
      if (ui.startBtn) ui.startBtn.hidden = false;
    } finally {
      starting = false;
      if (ui.startBtn) ui.startBtn.disabled = false;
    }
  }

  async function maybeAutoStart() {
    try {
      if (navigator.permissions && navigator.permissions.query) {
        const p = await navigator.permissions.query({ name: 'camera' });
        if (p.state === 'granted') {
          await startCamera();
          return;
        }
      }
    } catch (_) {
      /* Safari and others: no 'camera' permission query */
    }
    setCamStatus('Tekan "Mulai kamera" untuk mulai memindai.');
  }

  if (ui.startBtn) {
    ui.startBtn.addEventListener('click', () => {
      unlockAudio();
      startCamera();
    });
  }

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    const live = stream && stream.getVideoTracks().some((t) => t.readyState === 'live');
    if (state.camera === 'on' && !live) {
      state.camera = 'idle';
      stopLoop();
      startCamera();
    }
    refreshStats();
    if (state.queueLength > 0) syncQueue();
  });

  // ------------------------------------------------------------ undo
  if (ui.undoBtn) {
    ui.undoBtn.addEventListener('click', async () => {
      if (!lastCheckin) {
        ui.undoBtn.hidden = true;
        return;
      }
      const who = lastCheckin.name ? ` untuk ${lastCheckin.name}` : '';
      if (!window.confirm(`Batalkan check-in terakhir${who}?`)) return;
      const target = lastCheckin;
      ui.undoBtn.disabled = true;
      const r = await api(`/checkins/${encodeURIComponent(target.id)}`, { method: 'DELETE' });
      ui.undoBtn.disabled = false;
      if (r.ok && r.status >= 200 && r.status < 300) {
        lastCheckin = null;
        ui.undoBtn.hidden = true;
        seen.delete(codeKey(target.code) || target.code);
        const res = {
          result: 'undone',
          message: (r.data && r.data.message) || 'Check-in terakhir dibatalkan.',
          attendee: target.name ? { name: target.name } : null,
        };
        setLastResult(res);
        showResult(res);
        refreshStats();
      } else {
        const message = !r.ok
          ? 'Tidak bisa membatalkan saat offline. Coba lagi setelah koneksi kembali.'
          : (r.data && r.data.message) || `Gagal membatalkan (kode ${r.status}).`;
        showResult({ result: 'error', message });
      }
    });
  }

  // ------------------------------------------------------------ search
  let searchSeq = 0;
  function searchMessage(text) {
    if (!ui.searchResults) return;
    ui.searchResults.replaceChildren(el('li', 'search-empty', text));
  }

  async function runSearch(q) {
    if (!ui.searchResults) return;
    const seq = ++searchSeq;
    if (q.length < 2) {
      searchMessage('Ketik minimal 2 huruf nama atau angka nomor HP.');
      return;
    }
    if (!isOnline()) {
      searchMessage('Pencarian butuh koneksi internet.');
      return;
    }
    searchMessage('Mencari…');
    const r = await api(
      `/events/${encodeURIComponent(cfg.eventId)}/registrations?q=${encodeURIComponent(q)}`,
    );
    if (seq !== searchSeq) return; // a newer search is under way
    if (!r.ok) {
      searchMessage('Pencarian gagal: tidak ada koneksi ke server.');
      return;
    }
    if (r.status !== 200 || !r.data || !Array.isArray(r.data.items)) {
      searchMessage((r.data && r.data.message) || `Pencarian gagal (kode ${r.status}).`);
      return;
    }
    const items = r.data.items;
    if (!items.length) {
      searchMessage('Tidak ada peserta yang cocok.');
      return;
    }
    ui.searchResults.replaceChildren();
    for (const item of items) {
      const li = el('li', 'search-result');
      const btn = el('button', 'search-item');
      btn.type = 'button';
      const name = el('span', 'search-item__name', item.name || 'Tanpa nama');
      btn.appendChild(name);
      const meta = [item.instansi, item.phone_masked].filter(Boolean).join(' · ');
      if (meta) btn.appendChild(el('span', 'search-item__meta', meta));
      if (item.checked_in) {
        btn.appendChild(el('span', 'badge badge--hadir', 'Sudah hadir'));
        btn.classList.add('search-item--hadir');
      }
      if (!item.token) btn.disabled = true;
      btn.addEventListener('click', () => {
        if (!item.token) return;
        unlockAudio();
        ui.searchResults.replaceChildren();
        if (ui.searchQ) ui.searchQ.value = '';
        handleCode(item.token, 'search');
      });
      li.appendChild(btn);
      ui.searchResults.appendChild(li);
    }
  }

  if (ui.searchForm) {
    ui.searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      runSearch(((ui.searchQ && ui.searchQ.value) || '').trim());
    });
  }
  if (ui.searchQ) {
    let typing = null;
    ui.searchQ.addEventListener('input', () => {
      clearTimeout(typing);
      const q = ui.searchQ.value.trim();
      if (!q) {
        searchSeq += 1;
        if (ui.searchResults) ui.searchResults.replaceChildren();
        return;
      }
      if (q.length >= 3) typing = setTimeout(() => runSearch(q), 400);
    });
  }

  if (ui.manualForm && ui.manualCode) {
    ui.manualForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const code = ui.manualCode.value.trim();
      if (!code) return;
      ui.manualCode.value = '';
      unlockAudio();
      handleCode(code, 'manual');
    });
  }

  // ------------------------------------------------------------ start-up
  window.addEventListener('online', () => {
    degradedUntil = 0;
    renderNet();
    syncQueue();
    refreshStats();
    if (!detector) loadDetector();
  });
  window.addEventListener('offline', renderNet);

  (async () => {
    renderNet();
    if (!cfg.eventId) {
      setCamStatus('Konfigurasi halaman tidak lengkap (ID acara kosong).', 'error');
      return;
    }
    await queueReady;
    state.storage = queue.kind;
    queue.onChange(renderQueue);
    renderQueue(await queue.all());
    loadDetector(); // download the decoder while the camera permission is asked
    refreshStats();
    syncQueue();
    setInterval(refreshStats, STATS_INTERVAL_MS);
    setInterval(() => {
      renderNet();
      if (state.queueLength > 0) syncQueue();
    }, SYNC_INTERVAL_MS);
    await maybeAutoStart();
  })().catch((err) => {
    console.error(err);
    state.error = String(err);
    setCamStatus('Pemindai gagal dimulai. Muat ulang halaman.', 'error');
  });
}

const rootEl = document.getElementById('scanner');
if (rootEl) init(rootEl);
