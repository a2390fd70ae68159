// Small helpers of the door scanner: times, ids, codes, DOM nodes, numbers.

import { codeKey } from '../offline-queue.js';

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

/** "Waktu check-in 07:00 WIB – 16:00 WIB" from an outside_window answer's window. */
export function windowText(w) {
  if (!w || !w.opens || !w.closes) return '';
  return `Waktu check-in ${formatWib(w.opens)} – ${formatWib(w.closes)}`;
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

export function shortCode(code) {
  const key = codeKey(code) || String(code || '');
  return key.length > 10 ? `…${key.slice(-8)}` : key;
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null && text !== '') node.textContent = String(text);
  return node;
}

export const numberFmt = (() => {
  try {
    return new Intl.NumberFormat('id-ID');
  } catch (_) {
    return { format: (n) => String(n) };
  }
})();
