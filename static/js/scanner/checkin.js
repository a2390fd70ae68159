// One scan from start to answer: a QR read, a search pick (by registration id:
// the search never shows ticket tokens) or a typed code becomes a check-in
// POST, or a queued scan when the network is not there. Outside the check-in
// window panitia may confirm with a reason: the same ticket is sent again with
// force (a new scan_id, the first scan's time).

import { classify, problemText } from './api.js';
import { DEFAULT_MESSAGES } from './messages.js';
import { isOnline } from './net.js';
import { SYNC_INTERVAL_MS } from './sync.js';
import { formatWib, isoLocal, uuid4 } from './util.js';

const CHECKING_DELAY_MS = 300;

/** Returns {handleCode(code, method), handlePick(item), handleForce(r, reason), onDetected(raw)}. */
export function createCheckin({ cfg, state, store, postCheckin, net, results, undo, recent, sync, refreshStats }) {
  const { showResult, setLastResult } = results;
  let scanChain = Promise.resolve();

  async function enqueue(scan, kind) {
    await store.queue.add(scan);
    undo.forget();
    const r = {
      result: 'queued',
      message: DEFAULT_MESSAGES.queued,
      attendee: null,
      first_check_in: null,
      checkin_id: null,
      scan_id: scan.scan_id,
      code: scan.code,
      method: scan.method,
      offline: true,
      reason: kind,
      scan,
    };
    if (kind === 'auth' || kind === 'csrf' || kind === 'unexpected') {
      r.message = problemText(kind);
      net.noteFailure(kind);
    }
    setLastResult(r);
    showResult(r);
  }

  // ticket: {code} (QR or typed) or {registration_id, label} (search pick);
  // extra: {force, reason, scanned_at} when panitia confirm an out-of-window scan.
  async function submitScan(ticket, method, extra = {}) {
    const text = ticket.registration_id ? '' : String(ticket.code == null ? '' : ticket.code).trim();
    if (!text && !ticket.registration_id) return;
    if (!store.queue) await store.ready;
    state.scans += 1;
    const scan = {
      scan_id: uuid4(),
      code: text || null,
      registration_id: ticket.registration_id || null,
      label: ticket.label || null,
      scanned_at: extra.scanned_at || isoLocal(new Date()),
      device: state.device,
      method,
      event_id: cfg.eventId,
      force: extra.force === true,
      reason: extra.reason || null,
    };

    const dup = text && !scan.force ? await store.queue.findCode(cfg.eventId, text) : null;
    if (dup) {
      const r = {
        result: 'queued_duplicate',
        message: DEFAULT_MESSAGES.queued_duplicate,
        attendee: null,
        first_check_in: null,
        detail: `Dipindai ${formatWib(dup.scanned_at)}${dup.device ? ` di ${dup.device}` : ''}, belum terkirim ke server.`,
        checkin_id: null,
        scan_id: dup.scan_id,
        code: text,
        method,
        offline: true,
      };
      setLastResult(r);
      showResult(r);
      return;
    }

    if (!isOnline() || net.isDegraded()) {
      await enqueue(scan, isOnline() ? 'degraded' : 'network');
      sync.scheduleSync(SYNC_INTERVAL_MS);
      return;
    }

    const checking = setTimeout(() => showResult({ result: 'checking' }), CHECKING_DELAY_MS);
    const resp = await postCheckin(scan);
    clearTimeout(checking);
    const kind = classify(resp);
    if (kind !== 'answer') {
      if (kind === 'network' || kind === 'server' || kind === 'busy') net.noteFailure(kind);
      await enqueue(scan, kind);
      sync.scheduleSync(SYNC_INTERVAL_MS);
      return;
    }
    net.noteSuccess();
    const body = resp.data;
    const r = {
      result: body.result,
      message: body.message || DEFAULT_MESSAGES[body.result] || '',
      attendee: body.attendee || null,
      first_check_in: body.first_check_in || null,
      checkin_id: body.checkin_id ?? null,
      window: body.window || null,
      forced: body.forced === true,
      status: resp.status,
      scan_id: scan.scan_id,
      code: scan.code,
      method,
      offline: false,
      scan,
    };
    undo.remember(body, scan);
    setLastResult(r);
    showResult(r);
    refreshStats();
    // The network works again: flush anything still waiting.
    if (state.queueLength > 0) sync.scheduleSync(0);
  }

  /** Serialise scans so answers are shown in the order the codes were read. */
  function run(ticket, method, extra) {
    scanChain = scanChain
      .then(() => submitScan(ticket, method, extra))
      .catch((err) => {
        console.error(err);
        state.error = String(err);
        showResult({ result: 'error', message: 'Terjadi kesalahan saat memproses scan. Coba lagi.' });
      });
    return scanChain;
  }

  function handleCode(code, method) {
    return run({ code }, method);
  }

  /** A person picked from the search list: checked in by registration id. */
  function handlePick(item) {
    return run({ registration_id: item.registration_id, label: item.name || null }, 'search');
  }

  /** Panitia confirmed an outside_window answer with a reason: send that ticket again, forced. */
  function handleForce(r, reason) {
    const prev = r.scan;
    if (!prev) return scanChain;
    const ticket = prev.registration_id
      ? { registration_id: prev.registration_id, label: prev.label }
      : { code: prev.code };
    return run(ticket, prev.method, { force: true, reason, scanned_at: prev.scanned_at });
  }

  function onDetected(raw) {
    const text = String(raw || '').trim();
    if (!text) return;
    if (recent.isRepeat(text)) return;
    handleCode(text, 'qr');
  }

  return { handleCode, handlePick, handleForce, onDetected };
}
