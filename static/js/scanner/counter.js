// The attendance counter (#counter): "Hadir X / Y terdaftar" from the stats API.

import { isOnline } from './net.js';
import { numberFmt } from './util.js';

export const STATS_INTERVAL_MS = 15000;

/** Returns refreshStats(), which asks the server and updates state.stats and #counter. */
export function createCounter(cfg, ui, state, api) {
  return async function refreshStats() {
    if (!isOnline() || !cfg.eventId) return;
    const r = await api(`/events/${encodeURIComponent(cfg.eventId)}/stats`);
    if (r.ok && r.status === 200 && r.data && typeof r.data.checked_in === 'number') {
      state.stats = r.data;
      if (ui.counter) {
        ui.counter.textContent = `Hadir ${numberFmt.format(r.data.checked_in)} / ${numberFmt.format(
          r.data.registered,
        )} terdaftar`;
      }
    }
  };
}
