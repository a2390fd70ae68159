// The attendance counter (#counter) from the stats API: "Hadir X / Y terdaftar",
// or, on an event that records check-outs (state.checkout, mode.js),
// "Di dalam X (puncak Y) · Hadir Z / N".

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
      if (ui.counter) ui.counter.textContent = counterText(r.data, state.checkout);
    }
  };
}

/** The counter's text for a stats answer. */
export function counterText(stats, checkout) {
  const n = (v) => numberFmt.format(v || 0);
  if (checkout && typeof stats.inside_now === 'number') {
    return `Di dalam ${n(stats.inside_now)} (puncak ${n(stats.peak_inside)}) · Hadir ${n(
      stats.checked_in,
    )} / ${n(stats.registered)}`;
  }
  return `Hadir ${n(stats.checked_in)} / ${n(stats.registered)} terdaftar`;
}
