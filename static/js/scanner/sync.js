// Offline sync: scans that could not reach the server wait in the IndexedDB
// queue (../offline-queue.js) and are uploaded later, oldest first.

import { openQueue } from '../offline-queue.js';
import { classify } from './api.js';
import { isOnline } from './net.js';

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

/** Returns {scheduleSync(delay), syncQueue()}. */
export function createSync({ store, state, postCheckin, net, addSyncResult, refreshStats }) {
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
      addSyncResult(item, resp);
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
    if (state.synced > before) refreshStats();
  }

  return { scheduleSync, syncQueue };
}
