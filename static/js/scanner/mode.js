// The Masuk/Keluar switch (#scan-mode) of an event that records check-outs
// (#scanner data-checkout="1", Event.checkout_enabled): state.mode is 'in'
// (check in, or in again after going out) or 'out' (a pass out). checkin.js
// puts it on each scan as `direction`, api.js sends it.
//
// Keluar colours the page header and the counter bar (html.scanner-mode-out,
// css/scanner.css) so door staff do not scan people in by mistake, and shows
// a line saying what a scan does now. The choice is remembered on this device
// per event (localStorage); an event without check-out is always 'in'.

const KEY_PREFIX = 'p2tp2a-scan-mode:';

function load(key) {
  try {
    return window.localStorage.getItem(key) === 'out' ? 'out' : 'in';
  } catch (_) {
    return 'in'; // storage blocked: start in Masuk, the safe side
  }
}

function save(key, mode) {
  try {
    window.localStorage.setItem(key, mode);
  } catch (_) {
    /* private mode: the switch still works for this visit */
  }
}

/** Sets state.checkout and state.mode and wires the #scan-mode buttons. */
export function setUpMode(root, state) {
  state.checkout = root.dataset.checkout === '1';
  state.mode = 'in';
  const box = document.getElementById('scan-mode');
  if (!state.checkout || !box) {
    if (box) box.hidden = true;
    return;
  }
  const key = KEY_PREFIX + (root.dataset.eventId || '');
  const buttons = Array.from(box.querySelectorAll('button[data-mode]'));
  const note = document.getElementById('scan-mode-note');

  function apply(mode) {
    state.mode = mode === 'out' ? 'out' : 'in';
    box.dataset.mode = state.mode;
    for (const btn of buttons) btn.setAttribute('aria-pressed', String(btn.dataset.mode === state.mode));
    document.documentElement.classList.toggle('scanner-mode-out', state.mode === 'out');
    if (note) note.hidden = state.mode !== 'out';
  }

  for (const btn of buttons) {
    btn.addEventListener('click', () => {
      apply(btn.dataset.mode);
      save(key, state.mode);
    });
  }
  box.hidden = false;
  apply(load(key));
}
