// Antrean scan offline untuk pemindai QR pintu masuk.
//
// Persistent, ordered queue of check-in scans that could not reach the server.
// Stored in IndexedDB (survives reloads and browser restarts); falls back to
// localStorage when IndexedDB is unavailable (some private-browsing modes),
// and to memory as a last resort.
//
// Item shape: {scan_id, code | registration_id, label, scanned_at, device,
//   method, event_id, direction ('in' | 'out'), force, reason, queued_at,
//   offline (the door list's answer shown at the door: 'valid' | 'already' |
//   'out', or null when there was no list), h (the ticket's door-list hash)}.
// label is the name shown at the door (search pick or door list): a queued
// scan waits on this device only until the server has answered it.
// Order: insertion order (an auto-increment key), so uploads replay the scans
// in the order they happened.

const DB_NAME = 'p2tp2a-scanner';
const DB_VERSION = 1;
const STORE = 'queue';
const LS_KEY = 'p2tp2a-scanner-queue-v1';

const TOKEN_RE = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_CODE_LENGTH = 500;

/**
 * The ticket (or kartu relawan) token inside scanned text, or null when the
 * text cannot be one of ours: the same reading as the server's
 * events/checkin/codes.py parse_code (a full URL ".../t/<token>" or a bare
 * token; "#..." and "?..." and trailing "/" dropped).
 */
export function ticketToken(code) {
  if (typeof code !== 'string') return null;
  let text = code.trim();
  if (!text || text.length > MAX_CODE_LENGTH) return null;
  const at = text.lastIndexOf('/t/');
  if (at >= 0) text = text.slice(at + 3);
  text = text.split('#', 1)[0].split('?', 1)[0].trim().replace(/\/+$/, '');
  return TOKEN_RE.test(text) ? text : null;
}

/**
 * A normalised key for "is this the same ticket?" comparisons: the token when
 * the text holds one (the full ticket URL and the bare token are the same
 * ticket), else the trimmed text itself.
 */
export function codeKey(code) {
  const raw = String(code == null ? '' : code).trim();
  return ticketToken(raw) || raw;
}

function reqToPromise(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

class IdbBackend {
  constructor(db) {
    this.db = db;
    this.kind = 'indexeddb';
  }

  static open() {
    return new Promise((resolve, reject) => {
      let req;
      try {
        req = indexedDB.open(DB_NAME, DB_VERSION);
      } catch (err) {
        reject(err);
        return;
      }
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) {
          const store = db.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
          store.createIndex('scan_id', 'scan_id', { unique: true });
        }
      };
      req.onsuccess = () => resolve(new IdbBackend(req.result));
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('IndexedDB diblokir'));
    });
  }

  _tx(mode) {
    const tx = this.db.transaction(STORE, mode);
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('transaksi dibatalkan'));
    });
    return { store: tx.objectStore(STORE), done };
  }

  // Callbacks (not await) inside transactions: the follow-up request must be
  // issued while the transaction is still active, in every browser.
  async add(item) {
    const { store, done } = this._tx('readwrite');
    const req = store.index('scan_id').getKey(item.scan_id);
    req.onsuccess = () => {
      if (req.result === undefined) store.add({ ...item });
    };
    await done;
  }

  async all() {
    const { store, done } = this._tx('readonly');
    const items = await reqToPromise(store.getAll()); // ordered by seq
    await done;
    return items.map(({ seq, ...rest }) => rest);
  }

  async remove(scanId) {
    const { store, done } = this._tx('readwrite');
    const req = store.index('scan_id').getKey(scanId);
    req.onsuccess = () => {
      if (req.result !== undefined) store.delete(req.result);
    };
    await done;
  }
}

class LocalStorageBackend {
  constructor() {
    this.kind = 'localstorage';
    // Probe: throws in some locked-down modes.
    localStorage.setItem(LS_KEY + '-probe', '1');
    localStorage.removeItem(LS_KEY + '-probe');
  }

  _read() {
    try {
      const v = JSON.parse(localStorage.getItem(LS_KEY) || '[]');
      return Array.isArray(v) ? v : [];
    } catch (_) {
      return [];
    }
  }

  _write(items) {
    localStorage.setItem(LS_KEY, JSON.stringify(items));
  }

  async add(item) {
    const items = this._read();
    if (!items.some((i) => i.scan_id === item.scan_id)) {
      items.push({ ...item });
      this._write(items);
    }
  }

  async all() {
    return this._read();
  }

  async remove(scanId) {
    this._write(this._read().filter((i) => i.scan_id !== scanId));
  }
}

class MemoryBackend {
  constructor() {
    this.kind = 'memory';
    this.items = [];
  }

  async add(item) {
    if (!this.items.some((i) => i.scan_id === item.scan_id)) this.items.push({ ...item });
  }

  async all() {
    return this.items.map((i) => ({ ...i }));
  }

  async remove(scanId) {
    this.items = this.items.filter((i) => i.scan_id !== scanId);
  }
}

export class OfflineQueue {
  constructor(backend) {
    this.backend = backend;
    this.kind = backend.kind;
    this._listeners = new Set();
  }

  /** Subscribe to changes; the callback receives the full ordered list. */
  onChange(fn) {
    this._listeners.add(fn);
    return () => this._listeners.delete(fn);
  }

  async _emit() {
    const items = await this.all();
    for (const fn of this._listeners) {
      try {
        fn(items);
      } catch (err) {
        console.error(err);
      }
    }
  }

  /** Append a scan (ignored if the same scan_id is already queued). */
  async add(item) {
    const entry = {
      scan_id: item.scan_id,
      code: item.code ?? null,
      registration_id: item.registration_id ?? null,
      label: item.label ?? null,
      scanned_at: item.scanned_at,
      device: item.device,
      method: item.method,
      event_id: item.event_id,
      direction: item.direction === 'out' ? 'out' : 'in',
      force: item.force === true,
      reason: item.reason ?? null,
      offline: item.offline ?? null,
      h: item.h ?? null,
      queued_at: item.queued_at || new Date().toISOString(),
    };
    await this.backend.add(entry);
    await this._emit();
  }

  /** All queued scans, oldest first. */
  all() {
    return this.backend.all();
  }

  async count() {
    return (await this.all()).length;
  }

  /** The queued scan of the same ticket at the same event in the same direction, or null. */
  async findCode(eventId, code, direction = 'in') {
    const key = codeKey(code);
    if (!key) return null;
    const items = await this.all();
    return (
      items.find(
        (i) =>
          String(i.event_id) === String(eventId) &&
          (i.direction || 'in') === direction &&
          codeKey(i.code) === key,
      ) || null
    );
  }

  async remove(scanId) {
    await this.backend.remove(scanId);
    await this._emit();
  }
}

/** Open the best available persistent queue. */
export async function openQueue() {
  if (typeof indexedDB !== 'undefined') {
    try {
      return new OfflineQueue(await IdbBackend.open());
    } catch (err) {
      console.warn('IndexedDB tidak tersedia, memakai localStorage', err);
    }
  }
  try {
    return new OfflineQueue(new LocalStorageBackend());
  } catch (err) {
    console.warn('localStorage tidak tersedia, antrean hanya di memori', err);
  }
  return new OfflineQueue(new MemoryBackend());
}
