// What the scanner says: result titles, labels, default messages and the
// colour/sound tone of each result.

export const TITLES = {
  checked_in: '✓ Hadir tercatat',
  already_checked_in: '! Sudah hadir sebelumnya',
  not_registered: '✗ Tidak terdaftar',
  wrong_event: '✗ Tiket acara lain',
  cancelled: '✗ Pendaftaran dibatalkan',
  invalid_code: '✗ Kode tidak dikenal',
  outside_window: '✗ Di luar waktu check-in',
  bad_request: '✗ Ditolak server',
  queued: 'Tersimpan offline',
  queued_duplicate: '! Sudah dipindai',
  undone: 'Check-in dibatalkan',
  checking: 'Memeriksa tiket…',
  error: '✗ Gagal',
};

export const LABELS = {
  checked_in: 'Hadir tercatat',
  already_checked_in: 'Sudah hadir sebelumnya',
  not_registered: 'Tidak terdaftar',
  wrong_event: 'Tiket acara lain',
  cancelled: 'Pendaftaran dibatalkan',
  invalid_code: 'Kode tidak dikenal',
  outside_window: 'Di luar waktu check-in',
  bad_request: 'Ditolak server',
};

export const DEFAULT_MESSAGES = {
  checked_in: 'Kehadiran berhasil dicatat.',
  already_checked_in: 'Peserta ini sudah tercatat hadir.',
  not_registered: 'Peserta tidak terdaftar di acara ini.',
  wrong_event: 'Tiket ini untuk acara lain.',
  cancelled: 'Pendaftaran peserta ini sudah dibatalkan.',
  invalid_code: 'Kode QR tidak dikenal.',
  outside_window: 'Scan di luar waktu check-in acara ini.',
  queued: 'Tersimpan offline, menunggu sinkron.',
  queued_duplicate: 'Sudah dipindai (menunggu sinkron).',
};

export const METHOD_LABELS = { qr: 'QR', search: 'Pencarian', manual: 'Manual' };

export function toneFor(result) {
  switch (result) {
    case 'checked_in':
      return 'ok';
    case 'already_checked_in':
    case 'queued_duplicate':
      return 'warn';
    case 'queued':
      return 'offline';
    case 'undone':
    case 'checking':
      return 'info';
    default:
      return 'error';
  }
}
