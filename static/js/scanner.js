// Pemindai QR pintu masuk acara (P2TP2A Kota Serang).
//
// ES module, loaded by templates/events/scanner.html with
//   <script type="module" src="/static/js/scanner.js"></script>
// No inline scripts or inline style attributes are needed (strict CSP:
// script-src 'self' 'wasm-unsafe-eval'; style-src 'self').
// This file only wires together the modules in ./scanner/ (plain ES modules,
// no build step). Every one of them is precached by static/js/sw.js: a new
// module file must be added to its PRECACHE list too.
//
//   page.js       settings from #scanner, the elements below, window.__scannerState
//   util.js       times (WIB), scan ids, short codes, DOM nodes, numbers
//   messages.js   result titles, labels, default messages, tones
//   device.js     device / door name
//   feedback.js   sound and vibration
//   result-ui.js  full-screen result, alert, camera status line
//   group.js      a family/group's members and its one check-in button (online)
//   api.js        fetch to the API (X-CSRFToken), outcome classes
//   net.js        online / weak connection / offline, #net-status
//   counter.js    #counter from the stats API
//   mode.js       Masuk/Keluar switch (#scan-mode) of events that record check-outs
//   queue-ui.js   #queue-panel and #sync-results lists
//   sync.js       the offline queue (../offline-queue.js) and its upload
//   doorlist.js   the event's door list in IndexedDB: offline green/orange/red
//   recent.js     the same code again within 3 s is ignored
//   undo.js       #undo-last
//   checkin.js    one scan: POST, or queue when offline
//   decode.js     BarcodeDetector (native or vendored ponyfill) and the decode loop
//   camera.js     getUserMedia, #start-camera, restart after sleep
//   search.js     name / phone search (checks in by registration id)
//   manual.js     typing a ticket code by hand
//
// DOM CONTRACT (required unless marked optional):
//   #scanner            data-event-id, data-api-base (default "/api/v1"), data-csrf,
//                       data-can-force ("1": panitia/admin may confirm a check-in
//                       outside the window with a reason; optional),
//                       data-checkout ("1": the event records check-outs: the
//                       Masuk/Keluar switch and "Di dalam X" in #counter; optional),
//                       data-event-title (optional), data-device (optional default
//                       device name), data-wasm-url / data-ponyfill-url (optional;
//                       default to the vendored copies, see scanner/page.js)
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
//   #scan-mode          buttons[data-mode=in|out] (+ #scan-mode-note): the
//                       Masuk/Keluar switch, shown when data-checkout is "1"
//
// window.__scannerState is kept up to date for browser tests:
//   {ready, detector, camera, online, queueLength, lastResult, synced,
//    syncResults, scans, stats, device, storage,
//    doorList: {count, updatedAt, window, closed, loaded}, conflicts: [...]}

import { createApi } from './scanner/api.js';
import { createCamera } from './scanner/camera.js';
import { createCheckin } from './scanner/checkin.js';
import { createCounter, STATS_INTERVAL_MS } from './scanner/counter.js';
import { createDecoder } from './scanner/decode.js';
import { setUpDevice } from './scanner/device.js';
import { createDoorList, DOORLIST_REFRESH_MS } from './scanner/doorlist.js';
import { createFeedback } from './scanner/feedback.js';
import { createGroup } from './scanner/group.js';
import { setUpManualEntry } from './scanner/manual.js';
import { setUpMode } from './scanner/mode.js';
import { createNet } from './scanner/net.js';
import { createState, findElements, readConfig } from './scanner/page.js';
import { createQueueUi } from './scanner/queue-ui.js';
import { createRecentCodes } from './scanner/recent.js';
import { createResultUi } from './scanner/result-ui.js';
import { setUpSearch } from './scanner/search.js';
import { createSync, openStore, SYNC_INTERVAL_MS } from './scanner/sync.js';
import { createUndo } from './scanner/undo.js';

export { formatWib, isoLocal, uuid4 } from './scanner/util.js';

function init(root) {
  const cfg = readConfig(root);
  const ui = findElements(root);
  const state = createState();
  const store = openStore();
  setUpDevice(root, ui, state);
  setUpMode(root, state); // state.checkout, state.mode ('in' | 'out')

  const { unlockAudio, feedback } = createFeedback();
  const results = createResultUi(ui, state, feedback, cfg);
  const { setCamStatus } = results;
  const { api, postCheckin } = createApi(cfg);
  const net = createNet(ui, state, results.showAlert);
  const refreshStats = createCounter(cfg, ui, state, api);
  const { renderQueue, addSyncResult } = createQueueUi(ui, state, net.renderNet);
  const doorList = createDoorList({ cfg, state, api, onChange: net.renderNet });
  const sync = createSync({ store, state, postCheckin, net, addSyncResult, refreshStats, doorList });
  const recent = createRecentCodes();
  const undo = createUndo({ ui, api, recent, results, refreshStats });
  const { handleCode, handlePick, handleForce, onDetected } = createCheckin({
    cfg, state, store, postCheckin, net, results, undo, recent, sync, refreshStats, doorList,
  });
  results.onForce(handleForce);
  results.withGroupPanel(createGroup({ cfg, state, api, results, refreshStats }));
  const decoder = createDecoder({ cfg, ui, state, setCamStatus, onDetected });
  const camera = createCamera({ root, ui, state, decoder, setCamStatus, unlockAudio });

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    camera.resume();
    refreshStats();
    if (state.queueLength > 0) sync.syncQueue();
  });

  setUpSearch({ cfg, ui, api, handlePick, unlockAudio });
  setUpManualEntry({ ui, handleCode, unlockAudio });

  // ------------------------------------------------------------ start-up
  window.addEventListener('online', () => {
    net.clearDegraded();
    net.renderNet();
    sync.syncQueue();
    refreshStats();
    doorList.refresh();
    if (!decoder.hasDetector()) decoder.loadDetector();
  });
  window.addEventListener('offline', net.renderNet);

  (async () => {
    net.renderNet();
    if (!cfg.eventId) {
      setCamStatus('Konfigurasi halaman tidak lengkap (ID acara kosong).', 'error');
      return;
    }
    const queue = await store.ready;
    state.storage = queue.kind;
    queue.onChange(renderQueue);
    renderQueue(await queue.all());
    decoder.loadDetector(); // download the decoder while the camera permission is asked
    refreshStats();
    sync.syncQueue();
    doorList.start().catch((err) => console.error(err)); // its own pace: never holds up the camera
    setInterval(refreshStats, STATS_INTERVAL_MS);
    setInterval(() => {
      if (!document.hidden) doorList.refresh();
    }, DOORLIST_REFRESH_MS);
    setInterval(() => {
      net.renderNet();
      if (state.queueLength > 0) sync.syncQueue();
    }, SYNC_INTERVAL_MS);
    await camera.maybeAutoStart();
  })().catch((err) => {
    console.error(err);
    state.error = String(err);
    setCamStatus('Pemindai gagal dimulai. Muat ulang halaman.', 'error');
  });
}

const rootEl = document.getElementById('scanner');
if (rootEl) init(rootEl);
