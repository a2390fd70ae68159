// The family or group at the door (issue 15.1): a mother with two children
// shows her ticket. When a scan answer's attendee belongs to a group
// (attendee.group_size > 1, the lead or a companion), the result overlay
// lists the group (name, relation, age group, who is already in) and offers
// ONE button, "Check-in seluruh rombongan (N)", that checks in the N members
// not yet in (POST .../group-checkins: on the server each member is one scan
// with the same rules). Online only: offline the panel says so; each member's
// own ticket can still be scanned.

import { LABELS } from './messages.js';
import { isOnline } from './net.js';
import { el, formatWib, uuid4 } from './util.js';

// Answers after which the group is offered (a refused lead is not the moment).
const PANEL_RESULTS = ['checked_in', 'already_checked_in'];
const OFFLINE_TEXT =
  'Offline: check-in rombongan hanya bisa saat online. Pindai tiket masing-masing anggota, atau ulangi setelah koneksi kembali.';
const NOT_SENT_TEXT =
  'Tidak ada koneksi: rombongan belum tercatat. Coba lagi saat online, atau pindai tiket masing-masing anggota.';
const STATUS_TEXT = { waitlisted: 'daftar tunggu', cancelled: 'dibatalkan' };
const DONE_MS = 3000; // a group with nobody left to check in: the overlay closes by itself

function memberStatus(m) {
  if (m.result === 'checked_in') return '✓ hadir tercatat';
  if (m.result === 'already_checked_in') return '✓ sudah hadir';
  if (m.result) return `✗ ${LABELS[m.result] || m.result}`;
  if (m.checked_in) return `✓ hadir ${formatWib(m.checked_in_at)}`.trim();
  return STATUS_TEXT[m.status] || 'belum hadir';
}

function memberLine(m) {
  const done = m.result ? m.result === 'checked_in' || m.result === 'already_checked_in' : m.checked_in;
  const li = el('li', `result__member${done ? ' result__member--in' : ''}`);
  li.dataset.registrationId = String(m.registration_id);
  li.appendChild(el('span', 'result__member-name', m.name));
  const about = [m.is_lead ? 'Pendaftar' : m.relation, m.age_group_label].filter(Boolean).join(' · ');
  li.appendChild(el('span', 'result__member-about', about));
  li.appendChild(el('span', 'result__member-status', memberStatus(m)));
  return li;
}

/**
 * Returns panel(r): the group section for a result overlay, as {node, keepOpen},
 * or null when the answer is not about a group. result-ui.js appends it.
 */
export function createGroup({ cfg, state, api, results, refreshStats }) {
  const path = (regId, what) =>
    `/events/${encodeURIComponent(cfg.eventId)}/registrations/${encodeURIComponent(regId)}/${what}`;

  function section(title) {
    const box = el('section', 'result__group');
    box.setAttribute('aria-label', 'Rombongan');
    box.addEventListener('click', (e) => e.stopPropagation()); // a tap inside must not close it
    box.appendChild(el('h2', 'result__group-title', title));
    const list = el('ul', 'result__members');
    const note = el('p', 'result__group-note');
    box.append(list, note);
    return { box, list, note };
  }

  /** The answer of a group check-in: every member's own outcome. */
  function outcomePanel(data) {
    const { box, list } = section(`Rombongan (${data.members.length} orang)`);
    for (const m of data.members) list.appendChild(memberLine(m));
    return { node: box, keepOpen: false };
  }

  function render(parts, data, leadId) {
    const { list, note } = parts;
    list.replaceChildren(...data.members.map(memberLine));
    parts.box.querySelector('.result__group-title').textContent = `Rombongan (${data.size} orang)`;
    if (data.pending < 1) {
      note.textContent = 'Seluruh rombongan sudah hadir.';
      // Nothing to do: close like any answer, unless another answer replaced this one.
      setTimeout(() => {
        if (parts.box.isConnected) results.hideResult();
      }, DONE_MS);
      return;
    }
    note.textContent = '';
    const btn = el('button', 'btn result__group-btn', `Check-in seluruh rombongan (${data.pending})`);
    btn.type = 'button';
    btn.id = 'group-check-in';
    let scanId = null; // kept across a retry: the server answers a replay with the first answers
    btn.addEventListener('click', async () => {
      if (!isOnline()) {
        note.textContent = OFFLINE_TEXT;
        return;
      }
      scanId = scanId || uuid4();
      btn.disabled = true;
      btn.textContent = 'Mencatat rombongan…';
      const resp = await api(path(leadId, 'group-checkins'), {
        method: 'POST',
        body: { scan_id: scanId, device: state.device || null },
      });
      const body = resp.data || {};
      if (resp.ok && Array.isArray(body.members)) {
        state.lastGroup = body;
        results.showResult({
          result: body.result,
          message: body.message,
          attendee: { name: body.members[0] ? body.members[0].name : '' },
          first_check_in: null,
          group_result: body,
        });
        refreshStats();
        return;
      }
      btn.disabled = false;
      btn.textContent = `Check-in seluruh rombongan (${data.pending})`;
      note.textContent = resp.ok ? body.message || `Gagal (kode ${resp.status}).` : NOT_SENT_TEXT;
    });
    parts.box.appendChild(btn);
  }

  async function load(parts, regId) {
    const resp = await api(path(regId, 'group'));
    const data = resp.data || {};
    parts.list.replaceChildren();
    if (!resp.ok) {
      parts.note.textContent = OFFLINE_TEXT;
    } else if (resp.status !== 200 || !Array.isArray(data.members)) {
      parts.note.textContent = data.message || `Rombongan tidak dapat dimuat (kode ${resp.status}).`;
    } else {
      render(parts, data, data.lead_registration_id);
    }
  }

  return function panel(r) {
    if (r.group_result) return outcomePanel(r.group_result);
    const att = r.attendee || {};
    if (!(att.group_size > 1) || !PANEL_RESULTS.includes(r.result) || r.offline) return null;
    const parts = section(`Rombongan (${att.group_size} orang)`);
    if (!isOnline()) {
      parts.note.textContent = OFFLINE_TEXT;
    } else {
      parts.list.appendChild(el('li', 'result__member', 'Memuat anggota rombongan…'));
      load(parts, att.registration_id).catch((err) => {
        console.error(err);
        parts.list.replaceChildren();
        parts.note.textContent = OFFLINE_TEXT;
      });
    }
    return { node: parts.box, keepOpen: true };
  };
}
