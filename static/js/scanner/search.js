// Name / phone search (#search-form, #search-q, #search-results): for an
// attendee without a readable QR code; a picked result is checked in by its
// registration id (method "search"): the search answer has no ticket tokens.

import { isOnline } from './net.js';
import { el } from './util.js';

export function setUpSearch({ cfg, ui, api, handlePick, unlockAudio }) {
  let searchSeq = 0;
  function searchMessage(text) {
    if (!ui.searchResults) return;
    ui.searchResults.replaceChildren(el('li', 'search-empty', text));
  }

  async function runSearch(q) {
    if (!ui.searchResults) return;
    const seq = ++searchSeq;
    if (q.length < 2) {
      searchMessage('Ketik minimal 2 huruf nama atau angka nomor HP.');
      return;
    }
    if (!isOnline()) {
      searchMessage('Pencarian butuh koneksi internet.');
      return;
    }
    searchMessage('Mencari…');
    const r = await api(
      `/events/${encodeURIComponent(cfg.eventId)}/registrations?q=${encodeURIComponent(q)}`,
    );
    if (seq !== searchSeq) return; // a newer search is under way
    if (!r.ok) {
      searchMessage('Pencarian gagal: tidak ada koneksi ke server.');
      return;
    }
    if (r.status !== 200 || !r.data || !Array.isArray(r.data.items)) {
      searchMessage((r.data && r.data.message) || `Pencarian gagal (kode ${r.status}).`);
      return;
    }
    const items = r.data.items;
    if (!items.length) {
      searchMessage('Tidak ada peserta yang cocok.');
      return;
    }
    ui.searchResults.replaceChildren();
    for (const item of items) {
      const li = el('li', 'search-result');
      const btn = el('button', 'search-item');
      btn.type = 'button';
      const name = el('span', 'search-item__name', item.name || 'Tanpa nama');
      btn.appendChild(name);
      const meta = [item.instansi, item.phone_masked].filter(Boolean).join(' · ');
      if (meta) btn.appendChild(el('span', 'search-item__meta', meta));
      if (item.checked_in) {
        btn.appendChild(el('span', 'badge badge--hadir', 'Sudah hadir'));
        btn.classList.add('search-item--hadir');
      }
      if (!item.registration_id) btn.disabled = true;
      btn.addEventListener('click', () => {
        if (!item.registration_id) return;
        unlockAudio();
        ui.searchResults.replaceChildren();
        if (ui.searchQ) ui.searchQ.value = '';
        handlePick(item);
      });
      li.appendChild(btn);
      ui.searchResults.appendChild(li);
    }
  }

  if (ui.searchForm) {
    ui.searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      runSearch(((ui.searchQ && ui.searchQ.value) || '').trim());
    });
  }
  if (ui.searchQ) {
    let typing = null;
    ui.searchQ.addEventListener('input', () => {
      clearTimeout(typing);
      const q = ui.searchQ.value.trim();
      if (!q) {
        searchSeq += 1;
        if (ui.searchResults) ui.searchResults.replaceChildren();
        return;
      }
      if (q.length >= 3) typing = setTimeout(() => runSearch(q), 400);
    });
  }
}
