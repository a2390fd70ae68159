"""Bulk invitees from CSV: parse, preview with per-row errors, import all-or-nothing.

Format (header row required, names case-insensitive, in any order):
    nama, instansi, jabatan, no_hp, email, kode_kelurahan
nama and no_hp are required per row; the others are optional. A column whose title is the label
of one of the event's own questions (case-insensitive, spaces around it ignored) fills that
question's answer, checked by events.questions.answers.parse_answer; a wrong answer is an error of
its row. An empty answer is allowed even for a required question: invitees are entered by
panitia, who may not know every answer, and the invitee can still tell it at the door. The
standard columns win over a question with the same title. Delimiter `,` or `;`
(Excel in Indonesian locale writes `;`). Encoding UTF-8, with or without BOM; anything else is
rejected with a message (save as "CSV UTF-8" in Excel). At most MAX_ROWS rows.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from events.models import Event, Registration, RegistrationStatus
from events.questions.answers import display_answer, parse_answer, questions_of
from events.questions.models import EventQuestion
from events.questions.saving import save_answers
from events.services.registration import RegistrationError, register_guest
from extensions import db
from helpers.errors import DomainError
from relawan.models import Kelurahan
from relawan.validators import (
    InvalidEmail,
    InvalidPhone,
    normalize_email,
    normalize_phone,
)

COLUMNS = ("nama", "instansi", "jabatan", "no_hp", "email", "kode_kelurahan")
REQUIRED_COLUMNS = ("nama", "no_hp")
MAX_ROWS = 2000


class InviteeImportError(DomainError):
    """The file as a whole cannot be read or imported; `.message` is Indonesian."""

    code = "invitee_file_invalid"
    kind = "invalid"


@dataclass
class Row:
    line: int
    nama: str = ""
    instansi: str = ""
    jabatan: str = ""
    no_hp: str = ""
    email: str = ""
    kode_kelurahan: str = ""
    phone: str | None = None
    answers: dict[int, str] = field(default_factory=dict)  # question id -> canonical value
    shown: list[str] = field(default_factory=list)          # "label: answer" for the preview
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.error_count == 0


def decode(raw: bytes) -> str:
    """UTF-8 (BOM allowed) or a clear Indonesian error."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InviteeImportError("Berkas berenkode UTF-16. Simpan ulang sebagai \"CSV UTF-8\" lalu unggah lagi.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InviteeImportError("Berkas bukan UTF-8 (mungkin ANSI/Windows-1252). Di Excel pilih "
                           "Simpan Sebagai > \"CSV UTF-8\", lalu unggah lagi.") from None
    if "\x00" in text:
        raise InviteeImportError("Berkas bukan teks CSV.")
    return text


def parse(text: str, event: Event) -> Preview:
    """Parse and validate every row against the event; raises InviteeImportError for a bad header."""
    if not text.strip():
        raise InviteeImportError("Berkas kosong.")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    by_title = {_title(q.label): q for q in reversed(questions_of(event.id))}  # first same title wins
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS and _title(h) not in by_title]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("kolom wajib tidak ada: " + ", ".join(missing))
        if unknown:
            parts.append("kolom tidak dikenal: " + ", ".join(unknown))
        raise InviteeImportError("Judul kolom salah (" + "; ".join(parts) + "). Kolom yang dipakai: "
                           + ", ".join(COLUMNS + tuple(q.label for q in questions_of(event.id))) + ".")
    index = {name: header.index(name) for name in COLUMNS if name in header}
    asked = {}  # column -> question, the first column of each question
    for i, h in enumerate(header):
        q = by_title.get(_title(h)) if h not in COLUMNS else None
        if q is not None and q not in asked.values():
            asked[i] = q
    kelurahan = set(db.session.scalars(select(Kelurahan.kode)))
    registered = set(db.session.scalars(select(Registration.guest_phone).where(
        Registration.event_id == event.id, Registration.guest_phone.is_not(None),
        Registration.status != RegistrationStatus.CANCELLED)))
    rows, seen = [], {}
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise InviteeImportError(f"Terlalu banyak baris (maksimal {MAX_ROWS}). Bagi menjadi beberapa berkas.")
        row = Row(line=reader.line_num)
        for name, i in index.items():
            setattr(row, name, values[i].strip() if i < len(values) else "")
        _validate_row(row, kelurahan, registered, seen)
        _read_answers(row, {q: values[i] if i < len(values) else "" for i, q in asked.items()})
        rows.append(row)
    if not rows:
        raise InviteeImportError("Tidak ada baris data di bawah judul kolom.")
    return Preview(rows)


def _validate_row(row: Row, kelurahan: set, registered: set, seen: dict) -> None:
    if not row.nama:
        row.errors.append("Nama wajib diisi.")
    elif len(row.nama) > 120:
        row.errors.append("Nama maksimal 120 karakter.")
    if len(row.instansi) > 160 or len(row.jabatan) > 160:
        row.errors.append("Instansi/jabatan maksimal 160 karakter.")
    try:
        row.phone = normalize_phone(row.no_hp)
    except InvalidPhone as exc:
        row.errors.append(str(exc))
    if row.phone:
        if row.phone in seen:
            row.errors.append(f"Nomor HP sama dengan baris {seen[row.phone]}.")
        else:
            seen[row.phone] = row.line
        if row.phone in registered:
            row.errors.append("Nomor HP ini sudah terdaftar pada kegiatan ini.")
    if row.email:
        try:
            row.email = normalize_email(row.email)
        except InvalidEmail as exc:
            row.errors.append(str(exc))
    if row.kode_kelurahan and row.kode_kelurahan not in kelurahan:
        row.errors.append("Kode kelurahan tidak dikenal (contoh: 36.73.02.1001).")


def _title(text: str) -> str:
    """A column title or question label as compared: trimmed, case and inner spaces ignored."""
    return " ".join(text.split()).casefold()


def _read_answers(row: Row, raw: dict[EventQuestion, str]) -> None:
    """Each non-empty answer parsed to its stored form, or an error of the row."""
    for question, text in raw.items():
        if not text.strip():
            continue  # no answer (allowed on import, see the module docstring)
        try:
            row.answers[question.id] = value = parse_answer(question, text)
        except DomainError as exc:
            row.errors.append(exc.message)  # names the question
        else:
            row.shown.append(f"{question.label}: {display_answer(question, value)}")


def import_rows(event: Event, preview: Preview) -> dict[str, int]:
    """Register every row (source "import"), or none: any error rolls the whole unit back."""
    if not preview.ok:
        raise InviteeImportError("Masih ada baris yang salah. Perbaiki berkas lalu unggah lagi.")
    counts = {"confirmed": 0, "waitlisted": 0}
    for row in preview.rows:
        try:
            reg = register_guest(event, name=row.nama, instansi=row.instansi, jabatan=row.jabatan,
                                 phone=row.phone, email=row.email or None,
                                 kelurahan_kode=row.kode_kelurahan or None, source="import")
        except RegistrationError as exc:
            db.session.rollback()
            raise InviteeImportError(f"Baris {row.line}: {exc.message} Tidak ada data yang disimpan.") from None
        save_answers(reg, row.answers)  # same unit of work: a later failing row undoes them too
        counts[reg.status] = counts.get(reg.status, 0) + 1
    return counts
