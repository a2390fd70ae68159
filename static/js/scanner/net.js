// Network status: online/offline, "weak connection" after a failed request
// (scans then go straight to the queue for a while), and #net-status, which
// also says, while offline, how fresh the door list (doorlist.js) is.

import { problemText } from './api.js';
import { formatWib } from './util.js';

const DEGRADED_MS = 20000; // after a failed request, queue straight away for a while

export function isOnline() {
  return navigator.onLine !== false;
}

/** Returns {renderNet, noteFailure, noteSuccess, isDegraded, clearDegraded}. */
export function createNet(ui, state, showAlert) {
  let degradedUntil = 0;

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
    const list = state.doorList;
    if (cls !== 'net--online' && list) {
      text += list.loaded && list.updatedAt ? ` · daftar per ${formatWib(list.updatedAt)}` : ' · tanpa daftar peserta';
    }
    if (n > 0) text += ` · ${n} menunggu sinkron`;
    ui.net.textContent = text;
    ui.net.className = `net-status ${cls}`;
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

  return {
    renderNet,
    noteFailure,
    noteSuccess,
    isDegraded: () => Date.now() < degradedUntil,
    clearDegraded: () => {
      degradedUntil = 0;
    },
  };
}
