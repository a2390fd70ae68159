// The full-screen result overlay (#result), the persistent alert
// (#scanner-alert) and the camera status line (#camera-status).

import { DEFAULT_MESSAGES, TITLES, toneFor } from './messages.js';
import { el, formatWib } from './util.js';

const RESULT_MS = { ok: 2500, warn: 3000, error: 3000, offline: 2500, info: 2000 };

/** Returns {showResult, hideResult, setLastResult, showAlert, setCamStatus}. */
export function createResultUi(ui, state, feedback) {
  let hideTimer = null;

  function hideResult() {
    clearTimeout(hideTimer);
    hideTimer = null;
    if (ui.result) {
      ui.result.hidden = true;
      ui.result.className = 'result';
    }
    document.documentElement.classList.remove('scanner-result-open');
  }

  function showResult(r, { silent = false } = {}) {
    if (!ui.result) return;
    const tone = toneFor(r.result);
    const box = ui.result;
    box.replaceChildren();
    box.className = `result result--${tone}`;
    box.dataset.result = r.result;

    const card = el('div', 'result__card');
    card.appendChild(el('div', 'result__title', TITLES[r.result] || TITLES.error));
    const att = r.attendee || null;
    if (att && att.name) card.appendChild(el('div', 'result__name', att.name));
    if (att && att.instansi) card.appendChild(el('div', 'result__instansi', att.instansi));
    const msg = r.message || DEFAULT_MESSAGES[r.result] || '';
    if (msg) card.appendChild(el('p', 'result__message', msg));
    const first = r.first_check_in;
    if (first && (first.at || first.by)) {
      const parts = ['Pertama masuk'];
      if (first.at) parts.push(formatWib(first.at));
      if (first.by) parts.push(`oleh ${first.by}`);
      card.appendChild(el('p', 'result__first', parts.join(' ')));
    }
    if (r.detail) card.appendChild(el('p', 'result__first', r.detail));
    if (r.result !== 'checking') card.appendChild(el('p', 'result__hint', 'Ketuk untuk menutup'));
    box.appendChild(card);
    box.hidden = false;
    document.documentElement.classList.add('scanner-result-open');

    clearTimeout(hideTimer);
    hideTimer = null;
    if (r.result !== 'checking') {
      if (!silent) feedback(tone);
      hideTimer = setTimeout(hideResult, RESULT_MS[tone] || 2500);
    }
  }

  if (ui.result) {
    ui.result.addEventListener('click', () => {
      if (ui.result.dataset.result !== 'checking') hideResult();
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && ui.result && !ui.result.hidden) hideResult();
  });

  function setLastResult(r) {
    state.lastResult = r;
  }

  function showAlert(text) {
    if (!ui.alert) return;
    if (text) {
      ui.alert.textContent = text;
      ui.alert.hidden = false;
    } else {
      ui.alert.textContent = '';
      ui.alert.hidden = true;
    }
  }

  function setCamStatus(text, kind = '') {
    if (!ui.camStatus) return;
    ui.camStatus.textContent = text || '';
    ui.camStatus.className = `camera-status${kind ? ` camera-status--${kind}` : ''}`;
  }

  return { showResult, hideResult, setLastResult, showAlert, setCamStatus };
}
