"""The one place that maps a stored code to the Indonesian label a person reads.

Pages, PDFs, badges, scanner answers, exports meant for people and the audit log all ask
`label(kind, code)` (in templates the filter `code | label('relawan_status')`); the model modules
re-export their map from here (`relawan.models.STATUS_LABELS is LABELS["relawan_status"]`), so
there is no second copy. Keys are the plain stored strings: a `StrEnum` member looks up the same
entry as its value.
"""
from __future__ import annotations

from sqlalchemy import case

LABELS: dict[str, dict[str, str]] = {
    "relawan_status": {
        "calon": "Calon", "terverifikasi": "Terverifikasi", "dalam_pelatihan": "Dalam pelatihan",
        "aktif": "Aktif", "ditolak": "Ditolak", "nonaktif": "Nonaktif",
    },
    "role": {
        "admin": "Admin DP3AKB", "panitia": "Panitia", "koordinator": "Koordinator PKK",
        "relawan": "Relawan",
    },
    "gender": {"L": "Laki-laki", "P": "Perempuan"},
    "education": {
        "sd": "SD/sederajat", "smp": "SMP/sederajat", "sma": "SMA/SMK/sederajat",
        "d3": "Diploma (D1-D3)", "s1": "S1/D4", "s2": "S2/S3", "lainnya": "Lainnya",
    },
    "organisation": {
        "pkk": "PKK", "karang_taruna": "Karang Taruna", "kampus": "Kampus/Mahasiswa",
        "ormas": "Ormas/LSM", "tokoh": "Tokoh masyarakat", "lainnya": "Lainnya", "umum": "Umum",
    },
    "event_kind": {"sosialisasi": "Sosialisasi", "pelatihan": "Pelatihan", "rakor": "Rapat koordinasi"},
    "event_status": {"draft": "Draf", "published": "Terbit", "cancelled": "Dibatalkan",
                     "finished": "Selesai"},
    "companion_relation": {"anak": "Anak", "pasangan": "Pasangan",
                           "anggota_keluarga": "Anggota keluarga", "lainnya": "Lainnya"},
    "age_group": {"dewasa": "Dewasa", "remaja": "Remaja 13-17", "anak": "Anak 6-12",
                  "balita": "Balita"},
    "registration_status": {"confirmed": "Terdaftar", "waitlisted": "Daftar tunggu",
                            "cancelled": "Dibatalkan"},
    "attendance": {"hadir": "Hadir", "terlambat": "Terlambat", "izin": "Izin",
                   "belum_berlangsung": "Belum berlangsung", "tidak_hadir": "Tidak hadir"},
    "certificate_role": {"peserta": "Peserta", "narasumber": "Narasumber", "panitia": "Panitia"},
    "completion_rule": {"all_required": "Semua sesi wajib dihadiri",
                        "min_sessions": "Minimal sekian sesi dihadiri"},
    "checkin_result": {
        "checked_in": "Hadir tercatat", "already_checked_in": "Sudah check-in",
        "not_registered": "Tidak terdaftar", "wrong_event": "Acara lain", "cancelled": "Dibatalkan",
        "invalid_code": "Kode tidak dikenal", "outside_window": "Di luar waktu check-in",
    },
    "checkin_method": {"qr": "Pindai QR", "search": "Meja manual", "manual": "Manual",
                       "self": "Mandiri"},
    "message_status": {"queued": "Antre", "sending": "Sedang dikirim", "sent": "Terkirim",
                       "failed": "Gagal", "unsendable": "Tidak dapat dikirim"},
    "channel": {"whatsapp": "WhatsApp", "email": "Email"},
    "questionnaire_kind": {"test": "Pre-test dan post-test", "feedback": "Umpan balik"},
    "question_kind": {"quiz": "Pilihan ganda (satu jawaban benar)", "rating": "Nilai 1-5",
                      "choice": "Pilihan", "text": "Jawaban bebas"},
    "event_question_kind": {"text": "Teks", "number": "Angka", "yes_no": "Ya/Tidak",
                            "choice": "Satu pilihan", "choices": "Beberapa pilihan"},
    "survey_round": {"pre": "Pre-test", "post": "Post-test", "umpan-balik": "Umpan balik"},
    "survey_round_status": {"draft": "Belum dibuka", "open": "Dibuka", "closed": "Ditutup"},
    "segment_kind": {"kegiatan": "Peserta kegiatan", "relawan": "Relawan"},
    "event_group": {"semua": "Semua pendaftar", "hadir": "Sudah hadir (check-in)",
                    "belum_hadir": "Terdaftar tetapi belum hadir", "daftar_tunggu": "Daftar tunggu"},
    "registration_source": {"self": "Daftar sendiri", "guest": "Tamu", "import": "Impor",
                            "walk_in": "Walk-in", "program": "Program pelatihan"},
    "export_format": {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF"},
    # Audit actions as the verb phrase of the sentence "Budi (Panitia) <verb> <object>".
    "audit_action": {
        "login": "masuk ke aplikasi", "login_failed": "gagal masuk",
        "password_changed": "mengganti kata sandi", "password_reset": "memulihkan kata sandi",
        "password_reset_requested": "meminta pemulihan kata sandi",
        "password_reset_by_admin": "mengatur ulang kata sandi",
        "user_created": "membuat akun", "user_role_changed": "mengubah peran",
        "user_deactivated": "menonaktifkan akun",
        "api_token_create": "membuat token API", "api_token_revoke": "mencabut token API",
        "relawan_status": "mengubah status relawan", "relawan_signed_up": "mendaftar sebagai relawan",
        "relawan_profile_updated": "memperbarui profil relawan",
        "relawan_data_exported": "mengunduh data pribadi relawan",
        "relawan_deletion_requested": "meminta penghapusan data relawan",
        "relawan_anonymized": "menganonimkan data relawan",
        "event_create": "membuat kegiatan", "event_update": "mengubah kegiatan",
        "event_publish": "menerbitkan kegiatan", "event_cancel": "membatalkan kegiatan",
        "program_save": "menyimpan program pelatihan", "speaker_save": "menyimpan narasumber",
        "agenda_add": "menambah acara pada agenda", "agenda_delete": "menghapus acara dari agenda",
        "registration_cancel": "membatalkan pendaftaran",
        "ticket_send": "mengirim tiket ke peserta",
        "ticket_send_invitees": "mengirim tiket ke semua undangan",
        "checkin_undo": "membatalkan check-in",
        "checkin_forced": "mencatat check-in di luar jendela waktu",
        "door_staff_grant": "memberi tugas penjaga pintu", "door_staff_revoke": "mencabut tugas penjaga pintu",
        "attendance_excused": "mencatat izin", "attendance_excuse_cleared": "menghapus catatan izin",
        "certificate_issued": "menerbitkan sertifikat", "certificate_revoked": "mencabut sertifikat",
        "export": "mengekspor data", "broadcast.send": "mengirim pesan massal",
        "message.resend": "mengirim ulang pesan",
        "letterhead_emblem_saved": "menyimpan lambang kop surat",
        "letterhead_emblem_removed": "menghapus lambang kop surat",
        "retention_anonymised": "menganonimkan data lama (retensi)",
        "audit_pruned": "memangkas log audit lama",
        "questionnaire_copied": "menyalin kuesioner", "survey_round_opened": "membuka putaran kuesioner",
        "survey_round_closed": "menutup putaran kuesioner",
    },
}

# Codes that older rows still carry but forms no longer offer.
RETIRED: dict[str, frozenset[str]] = {"organisation": frozenset({"umum"})}

RELAWAN_STATUS = LABELS["relawan_status"]
ROLE = LABELS["role"]
ORGANISATION = LABELS["organisation"]
EDUCATION = LABELS["education"]


def label(kind: str, code: object) -> str:
    """The label of `code` in the map `kind`; "-" for no code. A code outside the map (older
    data) is printed as words ("umum" -> "Umum"), never as the raw code."""
    if code is None or code == "":
        return "-"
    text = str(code)
    found = LABELS[kind].get(text)
    if found is not None:
        return found
    return text.replace("_", " ").replace(".", " ").capitalize()


def sql_label(kind: str, column):
    """The label of a code column inside a query (aggregates and streamed exports): a CASE
    over the map, the stored value for a code outside it."""
    return case(LABELS[kind], value=column, else_=column)


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a <select>, in the map's order, without retired codes."""
    retired = RETIRED.get(kind, frozenset())
    return [(code, text) for code, text in LABELS[kind].items() if code not in retired]


def organisation_text(code: str | None, detail: str | None = None) -> str:
    """What paper and pages print for a relawan's organisation: the typed name when given, else
    the label of the code; "" when neither."""
    if detail:
        return detail
    return label("organisation", code) if code else ""


def all_codes() -> set[str]:
    """Every code of every map that is a word a person could mistake for text (tests scan
    rendered pages and PDFs for them)."""
    return {code for codes in LABELS.values() for code in codes}
