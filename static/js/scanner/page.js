// The scanner page itself: settings from #scanner's data attributes, the
// elements of the DOM contract (see ../scanner.js) and the state object the
// browser tests read as window.__scannerState.

import { el } from './util.js';

const DEFAULT_PONYFILL_URL = '/static/vendor/barcode-detector-3.2.2/ponyfill.js';
const DEFAULT_WASM_URL = '/static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm';

export function readConfig(root) {
  return {
    eventId: root.dataset.eventId,
    eventTitle: root.dataset.eventTitle || '',
    apiBase: (root.dataset.apiBase || '/api/v1').replace(/\/+$/, ''),
    csrf: root.dataset.csrf || '',
    canForce: root.dataset.canForce === '1',
    wasmUrl: root.dataset.wasmUrl || DEFAULT_WASM_URL,
    ponyfillUrl: root.dataset.ponyfillUrl || DEFAULT_PONYFILL_URL,
  };
}

export function findElements(root) {
  const $ = (id) => document.getElementById(id);
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
  return ui;
}

export function createState() {
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
  return state;
}
