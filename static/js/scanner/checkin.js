// One scan from start to answer: a QR read, a search pick or a typed code
// becomes a check-in POST, or a queued scan when the network is not there.

import { classify, problemText } from './api.js';
import { DEFAULT_MESSAGES } from './messages.js';
import { isOnline } from './net.js';
import { SYNC_INTERVAL_MS } from './sync.js';
import { formatWib, isoLocal, uuid4 } from './util.js';

const CHECKING_DELAY_MS = 300;

/** Returns {handleCode(code, method), onDetected(raw)}. */
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
    };
    if (kind === 'auth' || kind === 'csrf' || kind === 'unexpected') {
      r.message = problemText(kind);
      net.noteFailure(kind);
    }
    setLastResult(r);
    showResult(r);
  }

  async function submitScan(code, method) {
    const text = String(code == null ? '' : code).trim();
    if (!text) return;
    if (!store.queue) await store.ready;
    state.scans += 1;
    const scan = {
      scan_id: uuid4(),
      code: text,
      scanned_at: isoLocal(new Date()),
      device: state.device,
      method,
      event_id: cfg.eventId,
    };

    const dup = await store.queue.findCode(cfg.eventId, text);
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
      status: resp.status,
      scan_id: scan.scan_id,
      code: scan.code,
      method,
      offline: false,
    };
    undo.remember(body, scan);
    setLastResult(r);
    showResult(r);
    refreshStats();
    // The network works again: flush anything still waiting.
    if (state.queueLength > 0) sync.scheduleSync(0);
  }

  /** Serialise scans so answers are shown in the order the codes were read. */
  function handleCode(code, method) {
    scanChain = scanChain
      .then(() => submitScan(code, method))
      .catch((err) => {
        console.error(err);
        state.error = String(err);
        showResult({ result: 'error', message: 'Terjadi kesalahan saat memproses scan. Coba lagi.' });
      });
    return scanChain;
  }

  function onDetected(raw) {
    const text = String(raw || '').trim();
    if (!text) return;
    if (recent.isRepeat(text)) return;
    handleCode(text, 'qr');
  }

  return { handleCode, onDetected };
}
