// Offline sync: scans that could not reach the server wait in the IndexedDB
// queue (../offline-queue.js) and are uploaded later, oldest first (a replay
// of a scan_id gets the server's first answer, so a retry never doubles).
// Every answer that disagrees with what the door was shown offline is a
// conflict (conflictOf), listed plainly and kept in state.conflicts.

import { openQueue } from '../offline-queue.js';
import { classify } from './api.js';
import { LABELS, toneFor } from './messages.js';
import { isOnline } from './net.js';
import { formatWib } from './util.js';

export const SYNC_INTERVAL_MS = 10000;

/** Opens the queue; store.queue stays null until store.ready resolves. */
export function openStore() {
  const store = { queue: null, ready: null };
  store.ready = openQueue().then((q) => {
    store.queue = q;
    return q;
  });
  return store;
}

/**
 * The conflict between a queued scan's offline answer (item.offline: 'valid'
 * green, 'already' orange, 'out') and the server's answer `body`, or null:
 *   {kind: 'already' | 'refused' | 'recorded', text}
 */
export function conflictOf(item, body) {
  if (!item.offline || !body || typeof body.result !== 'string') return null;
  const result = body.result;
  const refused = toneFor(result) === 'error';
  if (item.offline === 'valid' && result === 'already_checked_in') {
    const f = body.first_check_in || {};
    const where = f.device || f.by || 'perangkat lain';
    if (f.device && f.device === item.device) return null; // this device's own earlier check-in
    return {
      kind: 'already',
      text: `Konflik: diterima offline di perangkat ini, tetapi sudah masuk lewat ${where} pukul ${formatWib(f.scanned_at || f.at)}.`,
    };
  }
  if ((item.offline === 'valid' || item.offline === 'out') && refused) {
    const what = item.offline === 'out' ? 'dicatat keluar' : 'diterima';
    return {
      kind: 'refused',
      text: `Konflik: ${what} offline di perangkat ini, tetapi server menolak: ${body.message || LABELS[result] || result}`,
    };
  }
  if (item.offline === 'already' && result === 'checked_in') {
    return {
      kind: 'recorded',
      text: 'Konflik: offline tertulis sudah masuk, tetapi server belum punya check-in-nya; kehadiran baru dicatat sekarang.',
    };
  }
  return null;
}

/** Returns {scheduleSync(delay), syncQueue()}. */
export function createSync({ store, state, postCheckin, net, addSyncResult, refreshStats, doorList }) {
  state.conflicts = [];
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
      const items = await store.queue.all();
      if (!items.length) return;
      const item = items[0];
      const resp = await postCheckin(item);
      const kind = classify(resp);
      if (kind !== 'answer') {
        net.noteFailure(kind);
        return;
      }
      net.noteSuccess();
      await store.queue.remove(item.scan_id); // only after the server answered
      state.synced += 1;
      if (doorList) await doorList.settle(item, resp.data);
      const conflict = conflictOf(item, resp.data);
      if (conflict) state.conflicts.push({ scan_id: item.scan_id, name: item.label, ...conflict });
      addSyncResult(item, resp, conflict);
    }
  }

  async function syncQueue() {
    if (syncing || !store.queue || !isOnline()) return;
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
    if (state.synced > before) {
      refreshStats();
      if (doorList) doorList.refresh();
    }
  }

  return { scheduleSync, syncQueue };
}
