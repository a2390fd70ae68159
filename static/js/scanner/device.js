// The device / door name sent with every scan, remembered in localStorage
// and editable in #device-name when the template has it.

const DEVICE_KEY = 'p2tp2a-scanner-device';

function randomDeviceName() {
  const b = new Uint8Array(2);
  window.crypto.getRandomValues(b);
  return `Perangkat-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

function loadDevice(root) {
  let name = '';
  try {
    name = localStorage.getItem(DEVICE_KEY) || '';
  } catch (_) {
    /* storage blocked */
  }
  if (!name) name = (root.dataset.device || '').trim();
  if (!name) {
    name = randomDeviceName();
    try {
      localStorage.setItem(DEVICE_KEY, name);
    } catch (_) {
      /* ignore */
    }
  }
  return name.slice(0, 80);
}

/** Sets state.device and keeps it in step with the #device-name input. */
export function setUpDevice(root, ui, state) {
  state.device = loadDevice(root);
  if (!ui.deviceInput) return;
  ui.deviceInput.value = state.device;
  ui.deviceInput.addEventListener('change', () => {
    const v = ui.deviceInput.value.trim().slice(0, 80);
    if (!v) {
      ui.deviceInput.value = state.device;
      return;
    }
    state.device = v;
    try {
      localStorage.setItem(DEVICE_KEY, v);
    } catch (_) {
      /* ignore */
    }
  });
}
