// The full-screen result overlay (#result), the persistent alert
// (#scanner-alert) and the camera status line (#camera-status). An
// outside_window answer shows the window and, for panitia/admin
// (cfg.canForce), a confirm step with a reason that checks in anyway. A
// family or group's answer carries its group panel (group.js, withGroupPanel).

import { DEFAULT_MESSAGES, TITLES, toneFor } from './messages.js';
import { el, formatWib, windowText } from './util.js';

const RESULT_MS = { ok: 2500, warn: 3000, error: 3000, offline: 2500, info: 2000 };

/** Returns {showResult, hideResult, setLastResult, showAlert, setCamStatus, onForce, withGroupPanel}. */
export function createResultUi(ui, state, feedback, cfg = {}) {
  let hideTimer = null;
  let forceHandler = null;
  let groupPanel = null; // (r) => {node, keepOpen} or null (group.js)

  function forceForm(r) {
    const form = el('form', 'result__force');
    form.id = 'force-form';
    const label = el('label', '', 'Tetap catat hadir? Tulis alasannya (tercatat di log audit):');
    label.htmlFor = 'force-reason';
    const input = el('input');
    input.id = 'force-reason';
    input.type = 'text';
    input.maxLength = 300;
    input.required = true;
    input.placeholder = 'mis. Datang lebih awal untuk membantu panitia';
    const btn = el('button', 'btn', 'Tetap check-in');
    btn.type = 'submit';
    form.append(label, input, btn);
    form.addEventListener('click', (e) => e.stopPropagation()); // typing must not close it
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const reason = input.value.trim();
      if (!reason) {
        input.focus();
        return;
      }
      hideResult();
      if (forceHandler) forceHandler(r, reason);
    });
    return form;
  }

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
    if (r.result === 'outside_window' && r.window) {
      card.appendChild(el('p', 'result__first', windowText(r.window)));
    }
    const confirmStep = r.result === 'outside_window' && cfg.canForce && r.scan && !r.offline;
    if (confirmStep) card.appendChild(forceForm(r));
    const group = !confirmStep && groupPanel ? groupPanel(r) : null;
    if (group) card.appendChild(group.node);
    if (r.result !== 'checking') card.appendChild(el('p', 'result__hint', 'Ketuk untuk menutup'));
    box.appendChild(card);
    box.hidden = false;
    document.documentElement.classList.add('scanner-result-open');

    clearTimeout(hideTimer);
    hideTimer = null;
    if (r.result !== 'checking') {
      if (!silent) feedback(tone);
      // The confirm step and a group panel stay until answered or tapped outside.
      if (!confirmStep && !(group && group.keepOpen)) hideTimer = setTimeout(hideResult, RESULT_MS[tone] || 2500);
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

  function onForce(handler) {
    forceHandler = handler;
  }

  function withGroupPanel(panel) {
    groupPanel = panel;
  }

  return { showResult, hideResult, setLastResult, showAlert, setCamStatus, onForce, withGroupPanel };
}
