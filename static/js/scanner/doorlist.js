// The event's door list kept on this device, so that a scan answers at once
// (green / orange / red, with the name) while the network is gone.
//
// Source: GET {api}/events/<id>/door-list[?since=<cursor>] (same session as
// the scan API): {event_id, cursor, full, window: {opens, closes}, hash:
// "sha256-16", fields: ["h","c","n","l","s","t"], items: [[...]], removed: [h]}.
// h is the first 16 hex digits of SHA-256 of the ticket token, c the same of
// the holder's kartu relawan token (or null); n name, l label, s status
// (confirmed | waitlisted | cancelled), t the server's check-in time or null.
// The server sends no NIK and no phone number, and nothing else is kept.
//
// Storage: its own IndexedDB database (DOORLIST_DB), apart from the scan
// queue, so deleting it never touches unsynced scans:
//   entries  {e, h, c, n, l, s, t}         the server's rows, per event e
//   marks    {e, h, at, device, scan_id}    "admitted offline on this device"
//   lists    {e, cursor, window, updatedAt, closed}
// The entries and marks of an event are deleted once its check-in window has
// closed (checked on load and on every refresh; the window, which names
// nobody, stays so a later scan can say why it is refused). The whole
// database is deleted at logout (static/js/logout-cleanup.js on the page the
// logout lands on, and static/js/sw.js when it sees the logout request).

import { ticketToken } from '../offline-queue.js';
import { isOnline } from './net.js';

export const DOORLIST_DB = 'p2tp2a-doorlist';
export const DOORLIST_REFRESH_MS = 5000;
const RETRY_AFTER_REFUSAL_MS = 60000; // the server said no (no access, old server): ask less often
const HASH = 'sha256-16';
const FALLBACK_SHA256 = new URL('../../vendor/js-sha256-1.0.0/sha256.min.mjs', import.meta.url).href;

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** First 16 hex digits of SHA-256 of the token (UTF-8): the door list's key. */
export async function tokenHash(token) {
  const bytes = new TextEncoder().encode(token);
  const subtle = window.crypto && window.crypto.subtle;
  if (subtle) return hex(new Uint8Array(await subtle.digest('SHA-256', bytes))).slice(0, 16);
  // No SubtleCrypto (page not served over https): the vendored js-sha256, loaded only then.
  const { sha256 } = await import(FALLBACK_SHA256);
  return sha256(bytes).slice(0, 16);
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaksi dibatalkan'));
  });
}

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DOORLIST_DB, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      const entries = db.createObjectStore('entries', { keyPath: ['e', 'h'] });
      entries.createIndex('card', ['e', 'c']); // rows without a card (c null) are not indexed
      db.createObjectStore('marks', { keyPath: ['e', 'h'] });
      db.createObjectStore('lists', { keyPath: 'e' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB diblokir'));
  });
}

function read(conn, storeName, key, index) {
  const store = conn.transaction(storeName, 'readonly').objectStore(storeName);
  return done(index ? store.index(index).get(key) : store.get(key));
}

/** Every key [e, h] of one event. */
function eventRange(e) {
  return IDBKeyRange.bound([e, ''], [e, []]);
}

function isClosed(window, now = Date.now()) {
  const closes = window && Date.parse(window.closes);
  return Number.isFinite(closes) && now > closes;
}

function outsideWindow(window, now = Date.now()) {
  const opens = window && Date.parse(window.opens);
  return (Number.isFinite(opens) && now < opens) || isClosed(window, now);
}

/**
 * Returns {start(), refresh(), lookup(code), markIn(entry, scan), settle(item, body)}.
 * lookup answers {reason, entry, first, window}; reason is one of
 *   'no_list'        no usable list for this event (never loaded): the server must judge
 *   'invalid_code'   not a code of ours, or not in this event's list
 *                    (a ticket of another event, or a made-up code)
 *   'cancelled' | 'waitlisted' | 'outside_window' | 'already' | 'valid'
 * first = {at, source: 'device' | 'list', device} when the holder is already in.
 */
export function createDoorList({ cfg, state, api, onChange = () => {} }) {
  const e = String(cfg.eventId);
  let dbPromise = null;
  let refreshing = false;
  let pausedUntil = 0;
  state.doorList = { count: 0, updatedAt: null, window: null, closed: false, loaded: false };

  function db() {
    if (!dbPromise) {
      dbPromise = openDb().then((conn) => {
        // Logout deletes the database: let it, and open a fresh one if still needed.
        conn.onversionchange = () => {
          conn.close();
          dbPromise = null;
        };
        return conn;
      });
      dbPromise.catch(() => {
        dbPromise = null;
      });
    }
    return dbPromise;
  }

  async function publish() {
    const conn = await db();
    const tx = conn.transaction(['entries', 'lists'], 'readonly');
    const [count, meta] = await Promise.all([
      done(tx.objectStore('entries').count(eventRange(e))),
      done(tx.objectStore('lists').get(e)),
    ]);
    state.doorList = {
      count,
      updatedAt: (meta && meta.updatedAt) || null,
      window: (meta && meta.window) || null,
      closed: Boolean(meta && meta.closed),
      loaded: Boolean(meta && !meta.closed),
    };
    onChange(state.doorList);
  }

  /** Delete the names of every event whose window has closed; keep only its window. */
  async function purgeClosed() {
    const conn = await db();
    const metas = await done(conn.transaction('lists', 'readonly').objectStore('lists').getAll());
    const closed = metas.filter((m) => !m.closed && isClosed(m.window));
    if (!closed.length) return;
    const tx = conn.transaction(['entries', 'marks', 'lists'], 'readwrite');
    for (const m of closed) {
      tx.objectStore('entries').delete(eventRange(m.e));
      tx.objectStore('marks').delete(eventRange(m.e));
      tx.objectStore('lists').put({ e: m.e, window: m.window, closed: true, cursor: null, updatedAt: null });
    }
    await finished(tx);
  }

  async function apply(data) {
    const col = Object.fromEntries(data.fields.map((f, i) => [f, i]));
    const conn = await db();
    const tx = conn.transaction(['entries', 'lists'], 'readwrite');
    const entries = tx.objectStore('entries');
    if (data.full) entries.delete(eventRange(e));
    for (const row of data.items) {
      const h = row[col.h];
      if (typeof h !== 'string' || !h) continue;
      entries.put({
        e,
        h,
        c: row[col.c] || null,
        n: row[col.n] || '',
        l: row[col.l] || null,
        s: row[col.s] || 'confirmed',
        t: row[col.t] || null,
      });
    }
    if (!data.full) for (const h of data.removed || []) entries.delete([e, h]);
    tx.objectStore('lists').put({
      e,
      cursor: data.cursor || null,
      window: data.window || null,
      updatedAt: new Date().toISOString(),
      closed: false,
    });
    await finished(tx);
  }

  async function refresh() {
    if (refreshing || !isOnline() || Date.now() < pausedUntil || !e) return;
    refreshing = true;
    try {
      const conn = await db();
      const meta = await read(conn, 'lists', e);
      const since = meta && meta.cursor ? `?since=${encodeURIComponent(meta.cursor)}` : '';
      const r = await api(`/events/${encodeURIComponent(e)}/door-list${since}`);
      const data = r.data;
      if (!r.ok) return; // network: try again next round
      if (r.status === 400 && meta && meta.cursor) {
        // A cursor the server no longer reads (e.g. after an update): the full list next round.
        await done(conn.transaction('lists', 'readwrite').objectStore('lists').put({ ...meta, cursor: null }));
        return;
      }
      if (r.status !== 200 || !data || !Array.isArray(data.items) || !Array.isArray(data.fields)
          || data.hash !== HASH || String(data.event_id) !== e) {
        pausedUntil = Date.now() + RETRY_AFTER_REFUSAL_MS;
        return;
      }
      // A closed window keeps no names: nothing is stored, and purgeClosed drops the rest.
      await apply(isClosed(data.window) ? { ...data, full: true, items: [] } : data);
      await purgeClosed();
      await publish();
    } catch (err) {
      console.error(err);
      state.doorList.error = String(err);
    } finally {
      refreshing = false;
    }
  }

  async function start() {
    if (typeof indexedDB === 'undefined') return;
    await purgeClosed();
    await publish();
    await refresh();
  }

  async function lookup(code) {
    const none = { reason: 'no_list', entry: null, first: null, window: null };
    if (typeof indexedDB === 'undefined') return none;
    const conn = await db();
    const meta = await read(conn, 'lists', e);
    if (!meta || (!meta.closed && !meta.updatedAt)) return none;
    const window = meta.window || null;
    if (!meta.closed && isClosed(window)) {
      await purgeClosed();
      await publish();
      return { reason: 'outside_window', entry: null, first: null, window };
    }
    if (meta.closed) return { reason: 'outside_window', entry: null, first: null, window };
    const token = ticketToken(code);
    if (!token) return { reason: 'invalid_code', entry: null, first: null, window };
    const h = await tokenHash(token);
    // One small transaction per read: a read that waits on another must not
    // rely on the transaction staying active across promise callbacks.
    const entry = (await read(conn, 'entries', [e, h])) || (await read(conn, 'entries', [e, h], 'card'));
    if (!entry) return { reason: 'invalid_code', entry: null, first: null, window };
    const mark = await read(conn, 'marks', [e, entry.h]);
    let first = null;
    if (mark) first = { at: mark.at, source: 'device', device: mark.device };
    else if (entry.t) first = { at: entry.t, source: 'list', device: null };
    // The server's order: status, then an earlier check-in, then the window.
    let reason = 'valid';
    if (entry.s === 'cancelled') reason = 'cancelled';
    else if (entry.s === 'waitlisted') reason = 'waitlisted';
    else if (first) reason = 'already';
    else if (outsideWindow(window)) reason = 'outside_window';
    return { reason, entry, first, window };
  }

  /** A green answer given offline: the same ticket again is orange on this device. */
  async function markIn(entry, scan) {
    const conn = await db();
    const tx = conn.transaction('marks', 'readwrite');
    tx.objectStore('marks').put({ e, h: entry.h, at: scan.scanned_at, device: scan.device, scan_id: scan.scan_id });
    await finished(tx);
  }

  /** The server answered a queued scan: its answer replaces this device's mark. */
  async function settle(item, body) {
    if (!item.h || String(item.event_id) !== e) return;
    const conn = await db();
    const tx = conn.transaction(['entries', 'marks'], 'readwrite');
    const marks = tx.objectStore('marks');
    const entries = tx.objectStore('entries');
    const markReq = marks.get([e, item.h]);
    markReq.onsuccess = () => {
      if (markReq.result && markReq.result.scan_id === item.scan_id) marks.delete([e, item.h]);
    };
    const result = body && body.result;
    if (result === 'checked_in' || result === 'already_checked_in') {
      const entryReq = entries.get([e, item.h]);
      entryReq.onsuccess = () => {
        const row = entryReq.result;
        const first = body.first_check_in;
        if (row && !row.t) entries.put({ ...row, t: (first && (first.scanned_at || first.at)) || item.scanned_at });
      };
    }
    await finished(tx);
  }

  return { start, refresh, lookup, markIn, settle };
}
