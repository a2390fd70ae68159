// The two lists under the scanner: scans waiting for upload (#queue-panel)
// and the server's answers for them once uploaded (#sync-results), where a
// conflict with the answer shown offline (sync.js conflictOf) stands out.

import { LABELS, METHOD_LABELS, toneFor } from './messages.js';
import { el, formatWib, shortCode, windowText } from './util.js';

/** Returns {renderQueue(items), addSyncResult(item, response, conflict)}. */
export function createQueueUi(ui, state, renderNet) {
  function renderQueue(items) {
    state.queueLength = items.length;
    renderNet();
    if (!ui.queuePanel || !ui.queueList) return;
    ui.queueList.replaceChildren();
    for (const item of items) {
      const li = el('li', 'queue-item');
      li.appendChild(el('span', 'queue-item__time', formatWib(item.scanned_at)));
      li.appendChild(el('span', 'queue-item__method', METHOD_LABELS[item.method] || item.method));
      li.appendChild(el('span', 'queue-item__code', item.label || shortCode(item.code)));
      ui.queueList.appendChild(li);
    }
    ui.queuePanel.hidden = items.length === 0;
    const h = ui.queuePanel.querySelector('h2');
    if (h) h.textContent = `Menunggu sinkron (${items.length})`;
  }

  function addSyncResult(item, r, conflict = null) {
    const body = r.data || {};
    const entry = {
      scan_id: item.scan_id,
      code: item.code,
      status: r.status,
      result: body.result,
      message: body.message || '',
      attendee: body.attendee || null,
      first_check_in: body.first_check_in || null,
      checkin_id: body.checkin_id ?? null,
      window: body.window || null,
      scanned_at: item.scanned_at,
      conflict,
    };
    state.syncResults.push(entry);
    if (!ui.syncPanel || !ui.syncList) return;
    const li = el('li', `sync-item sync-item--${conflict ? 'conflict' : toneFor(entry.result)}`);
    const head = el('div', 'sync-item__head');
    head.appendChild(
      el('strong', 'sync-item__name',
        (entry.attendee && entry.attendee.name) || item.label || `Kode ${shortCode(item.code)}`),
    );
    head.appendChild(el('span', 'sync-item__result', LABELS[entry.result] || entry.result));
    li.appendChild(head);
    if (conflict) li.appendChild(el('p', 'sync-item__conflict', conflict.text));
    if (entry.attendee && entry.attendee.instansi) {
      li.appendChild(el('div', 'sync-item__instansi', entry.attendee.instansi));
    }
    if (entry.message) li.appendChild(el('p', 'sync-item__message', entry.message));
    const meta = [`Dipindai ${formatWib(item.scanned_at)}`];
    const f = entry.first_check_in;
    if (entry.result === 'already_checked_in' && f) {
      meta.push(`pertama masuk ${formatWib(f.at)}${f.by ? ` oleh ${f.by}` : ''}`);
    }
    // Refused for its time (not retried): the window it missed, so panitia can decide.
    if (entry.result === 'outside_window' && entry.window) meta.push(windowText(entry.window));
    li.appendChild(el('p', 'sync-item__meta', meta.join(' · ')));
    ui.syncList.appendChild(li);
    ui.syncPanel.hidden = false;
    const h = ui.syncPanel.querySelector('h2');
    const n = state.conflicts ? state.conflicts.length : 0;
    if (h) h.textContent = `Hasil sinkron${n ? ` (${n} konflik)` : ''}`;
  }

  return { renderQueue, addSyncResult };
}
