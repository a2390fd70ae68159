// The camera: getUserMedia (back camera), the #start-camera button, the
// #camera video, auto-start when permission was granted before, restart
// after the phone wakes up, and Indonesian messages for camera errors.

function cameraErrorText(err) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Izin kamera ditolak. Izinkan akses kamera di pengaturan browser, lalu tekan "Mulai kamera". Anda tetap bisa memakai pencarian nama.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return 'Kamera tidak ditemukan di perangkat ini. Gunakan pencarian nama.';
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return 'Kamera sedang dipakai aplikasi lain. Tutup aplikasi itu lalu tekan "Mulai kamera".';
  }
  return 'Kamera tidak bisa dibuka. Tekan "Mulai kamera" untuk mencoba lagi.';
}

/** Returns {startCamera(), maybeAutoStart(), resume()}. */
export function createCamera({ root, ui, state, decoder, setCamStatus, unlockAudio }) {
  let stream = null;
  let starting = false;

  async function startCamera() {
    if (starting || state.camera === 'on') return;
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
      setCamStatus(
        window.isSecureContext === false
          ? 'Kamera hanya bisa dipakai lewat koneksi aman (HTTPS).'
          : 'Browser ini tidak mendukung kamera. Gunakan pencarian nama.',
        'error',
      );
      state.camera = 'unsupported';
      return;
    }
    starting = true;
    if (ui.startBtn) ui.startBtn.disabled = true;
    setCamStatus('Membuka kamera…');
    state.camera = 'starting';
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: 'environment' } },
        audio: false,
      });
      const v = ui.video;
      if (v) {
        v.muted = true;
        v.setAttribute('playsinline', '');
        v.setAttribute('muted', '');
        v.srcObject = stream;
        try {
          await v.play();
        } catch (_) {
          /* autoplay of a muted inline video is allowed; ignore odd rejections */
        }
      }
      for (const track of stream.getVideoTracks()) {
        track.addEventListener('ended', () => {
          state.camera = 'idle';
          decoder.stopLoop();
          if (ui.startBtn) ui.startBtn.hidden = false;
          setCamStatus('Kamera berhenti. Tekan "Mulai kamera" untuk melanjutkan.');
        });
      }
      state.camera = 'on';
      root.classList.add('camera-on');
      if (ui.startBtn) ui.startBtn.hidden = true;
      setCamStatus(decoder.hasDetector() ? 'Arahkan kamera ke kode QR peserta.' : 'Memuat pemindai QR…');
      decoder.startLoop();
      decoder.loadDetector();
    } catch (err) {
      console.warn(err);
      state.camera = 'error';
      setCamStatus(cameraErrorText(err), 'error');
      if (ui.startBtn) ui.startBtn.hidden = false;
    } finally {
      starting = false;
      if (ui.startBtn) ui.startBtn.disabled = false;
    }
  }

  async function maybeAutoStart() {
    try {
      if (navigator.permissions && navigator.permissions.query) {
        const p = await navigator.permissions.query({ name: 'camera' });
        if (p.state === 'granted') {
          await startCamera();
          return;
        }
      }
    } catch (_) {
      /* Safari and others: no 'camera' permission query */
    }
    setCamStatus('Tekan "Mulai kamera" untuk mulai memindai.');
  }

  if (ui.startBtn) {
    ui.startBtn.addEventListener('click', () => {
      unlockAudio();
      startCamera();
    });
  }

  /** After the phone wakes up: restart a camera the system stopped meanwhile. */
  function resume() {
    const live = stream && stream.getVideoTracks().some((t) => t.readyState === 'live');
    if (state.camera === 'on' && !live) {
      state.camera = 'idle';
      decoder.stopLoop();
      startCamera();
    }
  }

  return { startCamera, maybeAutoStart, resume };
}
