// One scan from start to answer: a QR read, a search pick (by registration id:
// the search never shows ticket tokens) or a typed code becomes a check-in
// POST, or a queued scan when the network is not there. Outside the check-in
// window panitia may confirm with a reason: the same ticket is sent again with
// force (a new scan_id, the first scan's time).
//
// Offline (no network, a weak one, or a request that failed) a scanned code
// is judged at once with the door list kept on this device (doorlist.js):
//   green   valid, not yet in: queued, and marked in on this device
//   orange  already in (by this device, or per the last list): queued, so
//           the server records the repeated scan as it would online
//   red     not in the list (another event's ticket or a made-up code),
//           cancelled, waitlisted, outside the window: NOT queued (the
//           person was turned away, so nothing must be recorded later)
// Without a list (never loaded, or a search pick / forced scan) the scan is
// queued as before and the server judges it at the sync.

import { classify, problemText } from './api.js';
import { DEFAULT_MESSAGES } from './messages.js';
import { isOnline } from './net.js';
import { SYNC_INTERVAL_MS } from './sync.js';
import { formatWib, isoLocal, uuid4 } from './util.js';

const CHECKING_DELAY_MS = 300;

/** Returns {handleCode(code, method), handlePick(item), handleForce(r, reason), onDetected(raw)}. */
export function createCheckin({
  cfg, state, store, postCheckin, net, results, undo, recent, sync, refreshStats, doorList,
}) {
  const { showResult, setLastResult } = results;
  let scanChain = Promise.resolve();

  /** The session or CSRF token failed: the scan is kept, and the staff are told why. */
  function noteProblem(r, kind) {
    if (kind === 'auth' || kind === 'csrf' || kind === 'unexpected') {
      r.detail = problemText(kind);
      net.noteFailure(kind);
    }
  }

  async function enqueue(scan, kind) {
    await store.queue.add(scan);
    undo.forget();
    const r = {
      result: 'queued',
      message: DEFAULT_MESSAGES.queued,
      attendee: scan.label ? { name: scan.label, instansi: null } : null,
      first_check_in: null,
      checkin_id: null,
      scan_id: scan.scan_id,
      code: scan.code,
      method: scan.method,
      offline: true,
      reason: kind,
      scan,
    };
    noteProblem(r, kind);
    setLastResult(r);
    showResult(r);
  }

  /** The answer at the door from the door list's verdict (see the header). */
  function offlineAnswer(v, scan) {
    const entry = v.entry;
    const name = entry ? entry.n : '';
    const r = {
      result: 'invalid_code',
      message: '',
      attendee: entry ? { name, instansi: entry.l || null } : null,
      first_check_in: null,
      checkin_id: null,
      window: v.window,
      scan_id: scan.scan_id,
      code: scan.code,
      method: scan.method,
      offline: true,
      verdict: v.reason,
      queue: null, // what the queued scan records: 'valid' | 'already' | 'out'; null: not queued
      scan,
    };
    const first = v.first
      ? `${formatWib(v.first.at)} ${v.first.source === 'device' ? 'di perangkat ini (belum tersinkron)' : 'menurut daftar terakhir'}`
      : '';
    if (scan.direction === 'out') {
      if (v.reason === 'already') {
        Object.assign(r, { result: 'offline_out', queue: 'out', message: `${name} keluar. Tersimpan offline, menunggu sinkron.` });
      } else if (entry) {
        Object.assign(r, { result: 'offline_not_in', message: `${name} belum tercatat masuk. Tidak disimpan.` });
      } else {
        r.message = 'Tidak ada di daftar acara ini: tiket acara lain atau kode palsu. Tidak disimpan.';
      }
      return r;
    }
    switch (v.reason) {
      case 'valid':
        return Object.assign(r, { result: 'offline_valid', queue: 'valid', message: 'Belum masuk. Tersimpan offline, menunggu sinkron.' });
      case 'already':
        return Object.assign(r, { result: 'offline_already', queue: 'already', message: `Sudah masuk pukul ${first}.` });
      case 'cancelled':
        return Object.assign(r, { result: 'cancelled', message: `Pendaftaran ${name} dibatalkan. Tidak disimpan.` });
      case 'waitlisted':
        return Object.assign(r, { result: 'not_registered', message: `${name} masih di daftar tunggu. Tidak disimpan.` });
      case 'outside_window':
        return Object.assign(r, {
          result: 'outside_window',
          message: `${name ? `${name}: d` : 'D'}i luar jendela waktu check-in. Tidak disimpan.`,
        });
      default:
        r.message = 'Tidak ada di daftar acara ini: tiket acara lain atau kode palsu. Tidak disimpan.';
        return r;
    }
  }

  /** No server answer: judge with the door list, or queue for the server when there is none. */
  async function answerOffline(scan, kind) {
    const v = scan.code && !scan.force && doorList ? await doorList.lookup(scan.code) : { reason: 'no_list' };
    if (v.reason === 'no_list') {
      await enqueue(scan, kind);
      sync.scheduleSync(SYNC_INTERVAL_MS);
      return;
    }
    const r = offlineAnswer(v, scan);
    if (r.queue) {
      Object.assign(scan, { offline: r.queue, h: v.entry.h, label: v.entry.n || null });
      await store.queue.add(scan);
      undo.forget();
      if (r.queue === 'valid') await doorList.markIn(v.entry, scan);
      sync.scheduleSync(SYNC_INTERVAL_MS);
    }
    noteProblem(r, kind);
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
      direction: state.mode === 'out' ? 'out' : 'in', // mode.js: Masuk / Keluar
    };

    const dup = text && !scan.force ? await store.queue.findCode(cfg.eventId, text, scan.direction) : null;
    if (dup) {
      // Not queued again. Judged with the door list before: the same orange answer as then.
      const v = dup.offline && doorList ? await doorList.lookup(text) : null;
      const r = v && v.reason === 'already' && scan.direction !== 'out'
        ? { ...offlineAnswer(v, scan), queue: null }
        : {
          result: 'queued_duplicate',
          message: DEFAULT_MESSAGES.queued_duplicate,
          attendee: dup.label ? { name: dup.label, instansi: null } : null,
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
      await answerOffline(scan, isOnline() ? 'degraded' : 'network');
      return;
    }

    const checking = setTimeout(() => showResult({ result: 'checking' }), CHECKING_DELAY_MS);
    const resp = await postCheckin(scan);
    clearTimeout(checking);
    const kind = classify(resp);
    if (kind !== 'answer') {
      if (kind === 'network' || kind === 'server' || kind === 'busy') net.noteFailure(kind);
      await answerOffline(scan, kind);
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
