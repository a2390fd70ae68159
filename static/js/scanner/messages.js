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
  checked_out: '← Keluar tercatat',
  re_entered: '✓ Masuk kembali',
  already_checked_out: '! Sudah tercatat keluar',
  not_checked_in: '✗ Belum check-in',
  checkout_disabled: '✗ Catat keluar tidak aktif',
  bad_request: '✗ Ditolak server',
  queued: 'Tersimpan offline',
  queued_duplicate: '! Sudah dipindai',
  offline_valid: '✓ Valid — belum masuk',
  offline_already: '! Sudah masuk',
  offline_out: '✓ Keluar (offline)',
  offline_not_in: '✗ Belum tercatat masuk',
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
  checked_out: 'Keluar tercatat',
  re_entered: 'Masuk kembali',
  already_checked_out: 'Sudah tercatat keluar',
  not_checked_in: 'Belum check-in',
  checkout_disabled: 'Catat keluar tidak aktif',
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
  checked_out: 'Peserta tercatat keluar.',
  re_entered: 'Peserta tercatat masuk kembali.',
  already_checked_out: 'Peserta ini sudah tercatat keluar.',
  not_checked_in: 'Peserta belum check-in, jadi tidak dapat dicatat keluar.',
  checkout_disabled: 'Catat keluar tidak diaktifkan untuk acara ini.',
  queued: 'Tersimpan offline, menunggu sinkron.',
  queued_duplicate: 'Sudah dipindai (menunggu sinkron).',
};

export const METHOD_LABELS = { qr: 'QR', search: 'Pencarian', manual: 'Manual' };

export function toneFor(result) {
  switch (result) {
    case 'checked_in':
    case 'checked_out': // its own colour: .result[data-result="checked_out"] in scanner.css
    case 're_entered':
    case 'offline_valid': // offline answers from the door list (doorlist.js)
    case 'offline_out':
      return 'ok';
    case 'already_checked_in':
    case 'already_checked_out':
    case 'queued_duplicate':
    case 'offline_already':
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
