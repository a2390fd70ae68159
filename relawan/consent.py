"""Consent texts for calon relawan sign-up, by version (UU PDP 27/2022 Pasal 21-24).

Pasal 21 requires the purpose, the data collected, the retention period and the person's rights
to be stated; Pasal 24 requires proof of consent, so every Relawan stores the version shown and
the time it was given. Never edit a published version: add a new one and point
CONSENT_VERSION (config) at it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

# Each version is a list of (heading, paragraph) pairs. Placeholders are filled from config.
_TEXTS: dict[str, list[tuple[str, str]]] = {
    "2026-11-v1": [
        ("Siapa yang mengelola data",
         ("{org_name} ({org_unit}) sebagai Pengendali Data Pribadi, berdasarkan Undang-Undang "
          "Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi (UU PDP).")),
        ("Tujuan",
         ("Data Anda dipakai hanya untuk seleksi dan pengelolaan relawan: memeriksa pendaftaran, "
          "menghubungi Anda, mengatur pelatihan dan kegiatan sosialisasi, mencatat kehadiran, "
          "menerbitkan sertifikat, dan menyusun laporan jumlah relawan per wilayah.")),
        ("Data yang disimpan",
         ("Nama lengkap, NIK, jenis kelamin, tanggal lahir, nomor HP, email (jika diisi), alamat, "
          "kelurahan, pekerjaan, pendidikan, organisasi, motivasi, waktu luang, riwayat status, "
          "pendaftaran dan kehadiran kegiatan. NIK hanya ditampilkan tersamar (4 digit terakhir) "
          "kepada petugas dan tidak pernah dicetak.")),
        ("Lama penyimpanan",
         ("Data disimpan selama Anda terdaftar sebagai relawan. Pendaftaran yang ditolak dihapus "
          "atau dianonimkan paling lambat {retention_rejected} hari setelah ditolak. Dokumen "
          "pertanggungjawaban kegiatan (misalnya daftar hadir) disimpan sesuai jadwal retensi "
          "arsip Pemerintah Kota.")),
        ("Hak Anda",
         ("Sesuai UU PDP Pasal 5-13, Anda berhak mendapat informasi tentang pemrosesan data, "
          "memperbaiki dan memperbarui data, mengakses dan mendapat salinan data (unduh data saya), "
          "menarik persetujuan, meminta penghentian pemrosesan serta penghapusan data, dan "
          "mengajukan keberatan. Permintaan dilayani paling lambat 3 x 24 jam.")),
        ("Kontak",
         ("Pertanyaan, keberatan, atau permintaan terkait data pribadi: Pejabat Pelindungan Data "
          "Pribadi, {dpo_contact}.")),
    ],
}
LATEST_VERSION = "2026-11-v1"


@dataclass
class ConsentText:
    version: str
    sections: list[tuple[str, str]]


def current_version() -> str:
    """The version shown at sign-up: config CONSENT_VERSION when it exists, else the latest."""
    version = current_app.config.get("CONSENT_VERSION")
    return version if version in _TEXTS else LATEST_VERSION


def consent_text(version: str | None = None) -> ConsentText:
    """The consent text of `version` (default: current) with the organisation's details filled in."""
    version = version if version in _TEXTS else current_version()
    cfg = current_app.config
    values = {
        "org_name": cfg.get("ORG_NAME", ""),
        "org_unit": cfg.get("ORG_UNIT", ""),
        "dpo_contact": cfg.get("DPO_CONTACT", ""),
        "retention_rejected": cfg.get("RETENTION_DAYS_REJECTED", 365),
    }
    return ConsentText(version=version,
                       sections=[(h, p.format(**values)) for h, p in _TEXTS[version]])


def known_version(version: str | None) -> bool:
    """True when `version` names a consent text that exists."""
    return version in _TEXTS
