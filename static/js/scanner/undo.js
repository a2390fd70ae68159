// "Batalkan scan terakhir" (#undo-last): undo the last check-in made online.

/** Returns {remember(body, scan), forget()}: what the undo button would undo. */
export function createUndo({ ui, api, recent, results, refreshStats }) {
  let lastCheckin = null; // {id, name, code}

  function remember(body, scan) {
    if (body.result === 'checked_in' && body.checkin_id != null) {
      lastCheckin = { id: body.checkin_id, name: (body.attendee && body.attendee.name) || '', code: scan.code };
      if (ui.undoBtn) ui.undoBtn.hidden = false;
    } else {
      forget();
    }
  }

  function forget() {
    lastCheckin = null;
    if (ui.undoBtn) ui.undoBtn.hidden = true;
  }

  if (ui.undoBtn) {
    ui.undoBtn.addEventListener('click', async () => {
      if (!lastCheckin) {
        ui.undoBtn.hidden = true;
        return;
      }
      const who = lastCheckin.name ? ` untuk ${lastCheckin.name}` : '';
      if (!window.confirm(`Batalkan check-in terakhir${who}?`)) return;
      const target = lastCheckin;
      ui.undoBtn.disabled = true;
      const r = await api(`/checkins/${encodeURIComponent(target.id)}`, { method: 'DELETE' });
      ui.undoBtn.disabled = false;
      if (r.ok && r.status >= 200 && r.status < 300) {
        lastCheckin = null;
        ui.undoBtn.hidden = true;
        recent.forget(target.code);
        const res = {
          result: 'undone',
          message: (r.data && r.data.message) || 'Check-in terakhir dibatalkan.',
          attendee: target.name ? { name: target.name } : null,
        };
        results.setLastResult(res);
        results.showResult(res);
        refreshStats();
      } else {
        const message = !r.ok
          ? 'Tidak bisa membatalkan saat offline. Coba lagi setelah koneksi kembali.'
          : (r.data && r.data.message) || `Gagal membatalkan (kode ${r.status}).`;
        results.showResult({ result: 'error', message });
      }
    });
  }

  return { remember, forget };
}
