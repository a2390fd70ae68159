// Service worker: lets the door scanner (and a person's ticket page) open
// offline after one online visit. P2TP2A Kota Serang.
//
// Served by the app at /sw.js (scope "/"), registered by static/js/sw-register.js.
// Design and limits: docs/offline.md. In short:
//   * Page navigations (GET): network first. A response is kept for offline use ONLY when
//     the view opts in with the header `X-Offline-Cache: 1` (scanner, door desk, ticket
//     pages). Offline: the kept copy, otherwise static/offline/offline.html.
//   * /static/ (GET): stale-while-revalidate; the scanner's files are precached.
//   * Never touched: non-GET requests, /api/ (scanner.js must see the real
//     network error so it queues the scan), other origins, Range requests.
//   * Kept pages hold personal data (UU PDP): they are deleted on logout,
//     when the server answers the URL without opting in, and after
//     PAGE_MAX_AGE_MS; at most PAGE_MAX_ENTRIES are kept.
//   * The scanner's door list (names, in IndexedDB, scanner/doorlist.js) is
//     deleted on logout too, even when the logout request then fails offline;
//     the queue of unsynced scans (another database) is kept.
//
// Bump VERSION whenever this file or the precache list changes: the new
// worker then deletes the old caches when it activates.

const VERSION = 'v7';
const PREFIX = 'p2tp2a-';
const STATIC_CACHE = `${PREFIX}static-${VERSION}`;
const PAGE_CACHE = `${PREFIX}pages-${VERSION}`;

const NAV_TIMEOUT_MS = 4000; // after this, a kept copy wins over a slow network
const PAGE_MAX_AGE_MS = 14 * 24 * 3600 * 1000;
const PAGE_MAX_ENTRIES = 20;
const OPT_IN_HEADER = 'X-Offline-Cache';
const STORED_AT_HEADER = 'X-Offline-Stored-At';

// The app may be mounted below a path prefix: everything is relative to the scope.
const BASE = new URL(self.registration.scope).pathname.replace(/\/?$/, '/');
const STATIC_PATH = `${BASE}static/`;
const API_PATH = `${BASE}api/`;
// Any request to the logout URL (the form POSTs there) clears the kept pages,
// even if the POST itself then fails offline: the person meant to log out.
const LOGOUT_PATH = `${BASE}keluar`;
// DOORLIST_DB of static/js/scanner/doorlist.js (a classic worker cannot import it).
const DOORLIST_DB = 'p2tp2a-doorlist';

const PRECACHE = [
  'static/css/app.css',
  'static/css/scanner.css',
  'static/js/scanner.js',
  'static/js/scanner/api.js',
  'static/js/scanner/camera.js',
  'static/js/scanner/checkin.js',
  'static/js/scanner/counter.js',
  'static/js/scanner/decode.js',
  'static/js/scanner/device.js',
  'static/js/scanner/doorlist.js',
  'static/js/scanner/feedback.js',
  'static/js/scanner/group.js',
  'static/js/scanner/manual.js',
  'static/js/scanner/messages.js',
  'static/js/scanner/mode.js',
  'static/js/scanner/net.js',
  'static/js/scanner/page.js',
  'static/js/scanner/queue-ui.js',
  'static/js/scanner/recent.js',
  'static/js/scanner/result-ui.js',
  'static/js/scanner/search.js',
  'static/js/scanner/sync.js',
  'static/js/scanner/undo.js',
  'static/js/scanner/util.js',
  'static/js/offline-queue.js',
  'static/offline/offline.html',
].map((path) => BASE + path);

// The WebAssembly QR decoder (~1.1 MB) is kept only on phones without a native BarcodeDetector:
// scanner/decode.js sends {type: 'keep-decoder'}; the others never download it.
const DECODER = [
  'static/vendor/barcode-detector-3.2.2/ponyfill.js',
  'static/vendor/barcode-detector-3.2.2/zxing-exported.js',
  'static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm',
].map((path) => BASE + path);

// ------------------------------------------------------------------ lifecycle

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC_CACHE);
      // One by one, so a single missing file does not leave the phone with no
      // offline support at all; anything missed is cached when a page uses it.
      const results = await Promise.allSettled(
        PRECACHE.map((url) => cache.add(new Request(url, { cache: 'reload' }))),
      );
      results.forEach((r, i) => {
        if (r.status === 'rejected') console.warn('[sw] precache failed', PRECACHE[i], r.reason);
      });
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  const ready = (async () => {
    const keep = new Set([STATIC_CACHE, PAGE_CACHE]);
    const names = await caches.keys();
    await Promise.all(
      names.filter((n) => n.startsWith(PREFIX) && !keep.has(n)).map((n) => caches.delete(n)),
    );
    await pruneExpiredPages();
    await self.clients.claim();
  })();
  event.waitUntil(ready);
  // Not part of waitUntil: fetch events wait until activation ends, and a
  // slow server must not hold up the pages.
  ready.then(keepOpenPages).catch(() => {});
});

// The page that registered the worker loaded before the worker existed: fetch the open pages
// once more so that "one online visit" is enough; only opted-in answers are kept.
async function keepOpenPages() {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  await Promise.all(
    windows.map(async (client) => {
      const url = new URL(client.url);
      if (url.origin !== self.location.origin || !url.pathname.startsWith(BASE)) return;
      if (url.pathname.startsWith(STATIC_PATH) || url.pathname.startsWith(API_PATH)) return;
      if (url.pathname === LOGOUT_PATH) return;
      const key = pageKey(client);
      if (await findPage(key)) return;
      try {
        const response = await fetch(key, {
          credentials: 'same-origin',
          redirect: 'manual',
          headers: { 'X-Offline-Prefetch': '1' }, // lets a view tell this refetch apart
        });
        await rememberPage(key, response, optsIn(response) ? response : null);
      } catch (_) {
        /* offline again: nothing to keep */
      }
    }),
  );
}

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'keep-decoder') {
    event.waitUntil(
      caches.open(STATIC_CACHE).then((cache) =>
        Promise.allSettled(DECODER.map(async (url) => (await cache.match(url)) || cache.add(url))),
      ),
    );
    return;
  }
  if (data.type !== 'clear-offline-cache') return;
  const port = event.ports && event.ports[0];
  event.waitUntil(
    clearPages().then(
      () => port && port.postMessage({ type: 'offline-cache-cleared' }),
      () => port && port.postMessage({ type: 'offline-cache-clear-failed' }),
    ),
  );
});

// ------------------------------------------------------------------ routing

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname === LOGOUT_PATH) {
    // Observe only: the request itself goes to the network untouched.
    event.waitUntil(Promise.all([clearPages(), deleteDoorList()]));
    return;
  }
  if (request.method !== 'GET') return;
  if (url.pathname.startsWith(API_PATH)) return;
  if (request.headers.has('range')) return;

  if (request.mode === 'navigate') {
    event.respondWith(navigation(event));
  } else if (url.pathname.startsWith(STATIC_PATH)) {
    event.respondWith(staticAsset(event));
  }
});

// ------------------------------------------------------------------ pages

function pageKey(request) {
  const url = new URL(request.url);
  url.hash = '';
  return url.href;
}

function optsIn(response) {
  return (
    response.status === 200 &&
    response.type === 'basic' &&
    !response.redirected &&
    response.headers.get(OPT_IN_HEADER) === '1'
  );
}

function isGatewayError(status) {
  return status === 502 || status === 503 || status === 504;
}

async function navigation(event) {
  const request = event.request;
  const key = pageKey(request);
  const TIMEOUT = {};
  const FAILED = {};

  // Clone only opted-in pages: an unread clone of a large download (a PDF or
  // CSV export is a navigation too) would be buffered in memory.
  const network = fetch(request).then((response) => ({
    response,
    copy: optsIn(response) ? response.clone() : null,
  }));
  event.waitUntil(
    network.then(({ response, copy }) => rememberPage(key, response, copy)).catch(() => {}),
  );

  const cached = findPage(key).catch(() => undefined);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, NAV_TIMEOUT_MS, TIMEOUT);
  });
  const first = await Promise.race([network.catch(() => FAILED), timeout]);
  clearTimeout(timer);

  if (first === TIMEOUT) {
    const copy = await cached;
    if (copy) return copy;
    // Nothing kept: a slow page (a report, an export) is still better than
    // the offline page, so wait as long as the browser itself would.
    const late = await network.catch(() => FAILED);
    return late === FAILED ? offlinePage() : late.response;
  }
  if (first === FAILED) return (await cached) || offlinePage();
  if (isGatewayError(first.response.status)) return (await cached) || first.response;
  return first.response;
}

async function rememberPage(key, response, copy) {
  const cache = await caches.open(PAGE_CACHE);
  if (!copy) {
    // The server answered without opting in (logged out, no access, gone...):
    // forget any copy kept earlier. A proxy's 502/503/504 says nothing about
    // the page, so the copy stays.
    if (!isGatewayError(response.status)) await cache.delete(key, { ignoreVary: true });
    await pruneExpiredPages();
    return;
  }
  const headers = new Headers(copy.headers);
  headers.set(STORED_AT_HEADER, String(Date.now()));
  const body = await copy.blob();
  await cache.put(
    key,
    new Response(body, { status: copy.status, statusText: copy.statusText, headers }),
  );
  // put() appends, so the oldest entries come first.
  const keys = await cache.keys();
  await Promise.all(
    keys.slice(0, Math.max(0, keys.length - PAGE_MAX_ENTRIES)).map((k) => cache.delete(k)),
  );
  await pruneExpiredPages();
}

function isExpired(response) {
  const stored = Number(response.headers.get(STORED_AT_HEADER));
  return !stored || Date.now() - stored > PAGE_MAX_AGE_MS;
}

async function findPage(key) {
  const cache = await caches.open(PAGE_CACHE);
  const response = await cache.match(key, { ignoreVary: true });
  if (!response) return undefined;
  if (isExpired(response)) {
    await cache.delete(key, { ignoreVary: true });
    return undefined;
  }
  return response;
}

async function pruneExpiredPages() {
  if (!(await caches.has(PAGE_CACHE))) return;
  const cache = await caches.open(PAGE_CACHE);
  for (const request of await cache.keys()) {
    const response = await cache.match(request, { ignoreVary: true });
    if (!response || isExpired(response)) await cache.delete(request, { ignoreVary: true });
  }
}

function clearPages() {
  return caches.delete(PAGE_CACHE);
}

// Resolves when deleted; an open scanner page closes its connection on the
// versionchange event, which lets the deletion finish.
function deleteDoorList() {
  return new Promise((resolve) => {
    try {
      const req = indexedDB.deleteDatabase(DOORLIST_DB);
      req.onsuccess = req.onerror = () => resolve();
    } catch (_) {
      resolve();
    }
  });
}

// "Anda sedang offline": static/offline/offline.html, precached ({{BASE}}: the app's path; no
// inline script or style, the CSP allows neither); a plain line if even that copy is missing.
const OFFLINE_HTML = `${BASE}static/offline/offline.html`;

async function offlinePage() {
  const cache = await caches.open(STATIC_CACHE).catch(() => null);
  const kept = cache && (await cache.match(OFFLINE_HTML, { ignoreVary: true }));
  const html = kept ? (await kept.text()).replaceAll('{{BASE}}', BASE) : 'Anda sedang offline.';
  return new Response(html, {
    status: 503,
    statusText: 'Offline',
    headers: {
      'Content-Type': kept ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Offline-Fallback': '1',
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    },
  });
}

// ------------------------------------------------------------------ static files

function staticAsset(event) {
  const request = event.request;
  const cache = caches.open(STATIC_CACHE);
  const network = fetch(request);
  event.waitUntil(
    network
      .then(async (response) => {
        if (response.status !== 200 || response.type !== 'basic') return;
        const copy = response.clone(); // before the page starts reading the body
        await (await cache).put(request, copy);
      })
      .catch(() => {}),
  );
  return cache
    .then((c) => c.match(request, { ignoreVary: true }))
    .catch(() => undefined)
    .then((cached) => cached || network);
}
