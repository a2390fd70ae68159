"""Catatan kegiatan pemrosesan data pribadi (UU PDP 27/2022 Pasal 31), as data.

The admin page (ops.processing_record) renders this list; docs/privacy.md carries the same
content for the paper file, and tests/ops/test_views.py checks that both name every activity.
Retention figures come from the configuration, so the page states what the app really does.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Activity:
    name: str
    data: str
    purpose: str
    basis: str
    retention: str
    access: str
    subjects: str


def activities() -> list[Activity]:
    """Every processing activity of the app, with retention filled in from the configuration."""
    cfg = current_app.config
    rejected = cfg.get("RETENTION_DAYS_REJECTED", 365)
    audit_days = cfg.get("AUDIT_RETENTION_DAYS", 1825)
    return [
        Activity(
            name="Pendaftaran dan seleksi calon relawan",
            subjects="Calon relawan dan relawan",
            data="Nama lengkap, NIK, jenis kelamin, tanggal lahir, nomor HP, email (opsional), alamat, "
                 "kelurahan, pekerjaan, pendidikan, organisasi, motivasi, waktu luang, riwayat status, "
                 "versi dan waktu persetujuan.",
            purpose="Menyeleksi, menghubungi dan mengelola relawan P2TP2A; mencegah pendaftaran ganda (NIK unik).",
            basis="Persetujuan eksplisit (Pasal 20 ayat 2 huruf a), dicatat dengan versi teksnya (Pasal 24).",
            retention=f"Selama terdaftar sebagai relawan. Ditolak atau nonaktif: dianonimkan otomatis setelah "
                      f"{rejected} hari (flask privacy anonymise). Atas permintaan: dihapus/dianonimkan oleh admin.",
            access="Admin (NIK lengkap hanya di halaman detail); panitia (NIK tersamar); koordinator PKK "
                   "(hanya kecamatannya, baca saja, NIK tersamar); relawan (data sendiri).",
        ),
        Activity(
            name="Akun pengguna dan proses masuk",
            subjects="Relawan, panitia, koordinator, admin",
            data="Nama, email, nomor HP, hash kata sandi, peran, wilayah tugas, waktu masuk terakhir.",
            purpose="Autentikasi dan pembatasan akses sesuai peran.",
            basis="Pelaksanaan tugas pelayanan publik (Pasal 20 ayat 2 huruf e); untuk relawan: persetujuan.",
            retention="Selama akun aktif; akun relawan dianonimkan bersama data relawannya.",
            access="Admin; setiap pengguna untuk akunnya sendiri.",
        ),
        Activity(
            name="Pendaftaran kegiatan dan tiket QR",
            subjects="Relawan dan tamu undangan",
            data="Nama, instansi/jabatan, nomor HP, email (opsional), kelurahan (opsional), token tiket.",
            purpose="Mengatur kuota dan daftar tunggu kegiatan, mengirim tiket, menyusun daftar hadir.",
            basis="Relawan: persetujuan. Tamu undangan: pelaksanaan tugas pelayanan publik (huruf e).",
            retention="Sesuai jadwal retensi arsip (JRA) Pemerintah Kota untuk dokumen pertanggungjawaban kegiatan.",
            access="Admin dan panitia; koordinator (baca, kecamatannya); pemegang tiket (tiketnya sendiri).",
        ),
        Activity(
            name="Pencatatan kehadiran (check-in)",
            subjects="Peserta kegiatan",
            data="Waktu pindai, petugas pemindai, nama perangkat, cara check-in.",
            purpose="Daftar hadir, bukti SPJ, menghitung kelulusan pelatihan.",
            basis="Pelaksanaan tugas pelayanan publik (huruf e).",
            retention="Sesuai JRA untuk bukti pertanggungjawaban keuangan (SPJ).",
            access="Admin, panitia, petugas pintu (hanya kegiatan yang ditugaskan, sampai kegiatan selesai).",
        ),
        Activity(
            name="Sertifikat",
            subjects="Relawan yang lulus pelatihan, narasumber, panitia",
            data="Nama, program, tanggal, nomor sertifikat, kode verifikasi.",
            purpose="Bukti kelulusan/keikutsertaan; halaman verifikasi publik hanya menampilkan nama, "
                    "program, tanggal, nomor dan status.",
            basis="Persetujuan (relawan); pelaksanaan tugas (narasumber, panitia).",
            retention="Permanen selama sertifikat berlaku; nama diganti bila data relawan dianonimkan.",
            access="Admin dan panitia; publik hanya lewat kode verifikasi.",
        ),
        Activity(
            name="Laporan dan ekspor data",
            subjects="Relawan dan peserta",
            data="Rekap per kecamatan/kelurahan; ekspor CSV/XLSX (NIK hanya pada ekspor admin).",
            purpose="Pemantauan jangkauan program dan laporan kepada pimpinan.",
            basis="Pelaksanaan tugas pelayanan publik (huruf e).",
            retention=("Berkas ekspor di luar aplikasi menjadi tanggung jawab pengunduh; "
                       "setiap ekspor dicatat di log audit."),
            access="Admin, panitia, koordinator (kecamatannya).",
        ),
        Activity(
            name="Log audit",
            subjects="Semua pengguna",
            data="Waktu, pengguna, tindakan, objek, alamat IP, jumlah baris ekspor.",
            purpose="Keamanan dan akuntabilitas (Pasal 35, 39): masuk/gagal masuk, perubahan peran dan "
                    "status, ekspor, penghapusan, pembatalan check-in.",
            basis="Kewajiban hukum pengendali (huruf c) dan tugas pelayanan publik (huruf e).",
            retention=f"{audit_days} hari, lalu dihapus (flask audit prune).",
            access="Admin.",
        ),
        Activity(
            name="Cadangan basis data",
            subjects="Semua subjek di atas",
            data="Salinan lengkap basis data.",
            purpose="Pemulihan setelah kegagalan (ketersediaan, Pasal 35).",
            basis="Kewajiban hukum pengendali (huruf c).",
            retention="Rotasi cadangan (lihat docs/deploy.md); cadangan dihapus sesuai jadwal yang sama.",
            access="Operator server (berkas mode 0600, disimpan terenkripsi).",
        ),
    ]
