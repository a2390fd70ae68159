// Calls to the check-in API (JSON, session cookie, X-CSRFToken on writes)
// and what their outcomes mean for the offline queue.

const FETCH_TIMEOUT_MS = 8000;

/** Returns {api(path, {method, body}), postCheckin(scan)}; they never throw. */
export function createApi(cfg) {
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

  function postCheckin(scan) {
    const body = {
      scan_id: scan.scan_id,
      scanned_at: scan.scanned_at,
      device: scan.device,
      method: scan.method,
    };
    // A search pick names the registration, never a ticket token (the search has none).
    if (scan.registration_id) body.registration_id = scan.registration_id;
    else body.code = scan.code;
    if (scan.force) {
      body.force = true;
      body.reason = scan.reason;
    }
    // Keluar mode (mode.js) on an event that records check-outs; "in" is the server's default.
    if (scan.direction === 'out') body.direction = 'out';
    return api(`/events/${encodeURIComponent(scan.event_id)}/checkins`, { method: 'POST', body });
  }

  return { api, postCheckin };
}

/**
 * What a check-in POST outcome means for the queue:
 *  'answer'  the server decided (remove from queue, show the answer)
 *  anything else: the scan was not recorded; keep it and retry later.
 */
export function classify(r) {
  if (!r.ok) return 'network';
  if (r.status >= 500) return 'server';
  if (r.status === 401 || r.status === 403) return 'auth';
  if (r.status === 408 || r.status === 425 || r.status === 429) return 'busy';
  if (r.data && typeof r.data.result === 'string') return 'answer';
  if (r.redirected) return 'auth'; // session expired -> login page
  if (r.status === 400) return 'csrf'; // e.g. expired CSRF token (HTML error page)
  return 'unexpected';
}

export function problemText(kind) {
  if (kind === 'auth') {
    return 'Sesi login berakhir atau akses ditolak. Scan tetap disimpan di perangkat ini; silakan login ulang lalu buka halaman pemindai lagi.';
  }
  if (kind === 'csrf' || kind === 'unexpected') {
    return 'Server menolak permintaan (token keamanan mungkin kedaluwarsa). Scan tetap disimpan; muat ulang halaman ini.';
  }
  return '';
}
