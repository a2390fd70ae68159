// Typing a ticket code by hand (#manual-form + #manual-code, optional):
// checked in like a scan, with method "manual".

export function setUpManualEntry({ ui, handleCode, unlockAudio }) {
  if (!ui.manualForm || !ui.manualCode) return;
  ui.manualForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = ui.manualCode.value.trim();
    if (!code) return;
    ui.manualCode.value = '';
    unlockAudio();
    handleCode(code, 'manual');
  });
}
