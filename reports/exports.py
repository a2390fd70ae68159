"""Streaming CSV and XLSX exports of relawan, registrations (with the answers to the event's
own questions, one column per question) and program attendance.

Text that looks like a number (NIK, phone) must survive a spreadsheet:
- XLSX: a string cell with number_format '@' (Text), so all 16 NIK digits and the phone's
  leading zero are kept.
- CSV: written as ="3673..." (Excel and LibreOffice show the text, keep every digit and the
  leading zero; a program reading the CSV strips the `="` and `"`). A leading apostrophe would
  show up literally in Excel when a CSV is opened, so it is not used for these columns.
- Every cell a person typed (names, emails, organisations, notes) goes through spreadsheet_text,
  the one neutraliser for both formats: a value starting with = + - @ TAB or CR (formula
  injection, OWASP "CSV injection") gets a leading apostrophe, and control characters that an
  XLSX cannot hold are dropped. In the XLSX such a cell is also written as a string cell, never a
  formula. A UTF-8 BOM lets Excel detect the encoding.
Rows are read with yield_per (a server-side cursor on PostgreSQL) and never all held in memory.
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import timedelta

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import func, literal, select

from auth.models import User
from events.checkin_models import CheckIn
from events.models import Registration
from events.questions.answers import answers_for, questions_of
from extensions import db
from helpers import labels
from helpers.forms import BAD_CHARS
from relawan.models import Kecamatan, Kelurahan, Relawan
from reports.queries import kode_in_kecamatan

CHUNK = 2000
TEXT_PREFIX_DANGER = "=+-@\t\r"


class Table:
    """An export: column headers, which columns are numeric-looking text, and a row iterator."""

    def __init__(self, name: str, headers: list[str], text_cols: set[int], rows: Iterable[list],
                 count: int, free_cols: set[int] | None = None):
        self.name, self.headers, self.text_cols, self.rows, self.count = (
            name, headers, text_cols, rows, count)
        # columns people typed (names, organisations, notes): checked for formula injection
        self.free_cols = (free_cols if free_cols is not None
                          else set(range(len(headers))) - text_cols)


def spreadsheet_text(value):
    """A cell a person typed, made inert for a spreadsheet (CSV and XLSX alike): control
    characters dropped, and a leading apostrophe before = + - @ TAB CR so that no spreadsheet
    reads it as a formula. Values that are not text pass unchanged."""
    if value.__class__ is not str or not value:
        return value
    value = BAD_CHARS.sub("", value)
    return "'" + value if value and value[0] in TEXT_PREFIX_DANGER else value


def national_phone(phone: str | None) -> str:
    """'+6281234567890' -> '081234567890' (the form people type and dial)."""
    if not phone:
        return ""
    digits = phone.lstrip("+")
    return "0" + digits[2:] if digits.startswith("62") else digits


def csv_stream(table: Table) -> Iterator[bytes]:
    """Yield the CSV in chunks of about 2,000 rows (UTF-8 with BOM)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow(table.headers)
    text, free = sorted(table.text_cols), sorted(table.free_cols)
    for n, row in enumerate(table.rows, start=1):
        for i in free:
            row[i] = spreadsheet_text(row[i])
        for i in text:
            if row[i]:
                row[i] = f'="{row[i]}"'
        writer.writerow(row)
        if n % 2000 == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def xlsx_file(table: Table):
    """Write an XLSX (openpyxl write_only) to a temporary file and return it, rewound."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=table.name[:31])
    bold = Font(bold=True)
    head = []
    for h in table.headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        head.append(c)
    ws.append(head)
    for row in table.rows:
        out = []
        for i, v in enumerate(row):
            if i in table.text_cols:
                out.append(_string_cell(ws, "" if v is None else str(v), number_format="@"))
            elif i in table.free_cols and v.__class__ is str:
                out.append(_string_cell(ws, spreadsheet_text(v)))
            else:
                out.append(v)
        ws.append(out)
    tmp = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (send_file closes it)
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def _string_cell(ws, value: str, number_format: str | None = None) -> WriteOnlyCell:
    """A cell that is text whatever it starts with (openpyxl would make '=...' a formula)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def _stream(stmt) -> Iterator:
    """Rows through Core (no ORM row overhead), fetched CHUNK at a time (server-side cursor on PG)."""
    return db.session.connection().execution_options(yield_per=CHUNK).execute(stmt)


def wib_text(column):
    """'dd/mm/yyyy HH.MM' in WIB, formatted by the database (cheaper than per-row Python)."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column + literal(timedelta(hours=7)), "DD/MM/YYYY HH24.MI")
    return func.strftime("%d/%m/%Y %H.%M", column, "+7 hours")


def _names(model) -> dict[str, str]:
    return dict(db.session.execute(select(model.kode, model.nama)).all())


# ----------------------------------------------------------------------------- relawan

def relawan_table(params: dict, include_nik: bool) -> Table:
    """All relawan matching the screening list's filters; NIK only when include_nik (admin)."""
    from relawan.queries import screening_stmt

    where = screening_stmt(params["screening"], params["scope"]).whereclause
    conds = [where] if where is not None else []
    count = db.session.scalar(
        select(func.count(Relawan.id)).outerjoin(User, User.id == Relawan.user_id)
        .outerjoin(Kelurahan, Kelurahan.kode == Relawan.kelurahan_kode).where(*conds)) or 0
    stmt = (select(Relawan.id, Relawan.full_name, Relawan.nik, Relawan.gender, User.phone, User.email,
                   Relawan.kelurahan_kode, Relawan.status, Relawan.organisation_detail,
                   labels.sql_label("organisation", Relawan.organisation),
                   wib_text(Relawan.created_at))
            .outerjoin(User, User.id == Relawan.user_id)
            .outerjoin(Kelurahan, Kelurahan.kode == Relawan.kelurahan_kode)
            # newest first like the screen, by id: the primary key walk needs no sort of 100k rows
            .where(*conds).order_by(Relawan.id.desc()))
    kel_names, kec_names = _names(Kelurahan), _names(Kecamatan)
    headers = ["ID", "Nama", "NIK", "L/P", "No. HP", "Email", "Kelurahan", "Kecamatan", "Status",
               "Organisasi", "Tanggal daftar"]
    status_label = labels.LABELS["relawan_status"]

    def rows():
        for (rid, name, nik, gender, phone, email, kel, status, org_detail, org, created) in _stream(stmt):
            kec = kec_names.get(kel[:8]) if kel else None
            org = org_detail or org
            if include_nik:
                yield [rid, name, nik, gender, national_phone(phone), email, kel_names.get(kel), kec,
                       status_label.get(status, status), org, created]
            else:
                yield [rid, name, gender, national_phone(phone), email, kel_names.get(kel), kec,
                       status_label.get(status, status), org, created]

    if not include_nik:
        headers.remove("NIK")
        text_cols, free = {3}, {1, 4, 8}
    else:
        text_cols, free = {2, 4}, {1, 5, 9}
    return Table("Relawan", headers, text_cols, rows(), count, free_cols=free)


# ----------------------------------------------------------------------- registrations

def registrations_table(event, kecamatan: str | None, include_nik: bool) -> Table:
    """Every registration of an event (with check-in time), optionally one kecamatan only."""
    kel_kode = func.coalesce(Relawan.kelurahan_kode, Registration.guest_kelurahan_kode)
    conds = [Registration.event_id == event.id]
    if kecamatan:
        conds.append(kode_in_kecamatan(kel_kode, kecamatan))
    base = (select(func.count(Registration.id))
            .outerjoin(Relawan, Relawan.id == Registration.relawan_id).where(*conds))
    count = db.session.scalar(base) or 0
    stmt = (select(Registration.id, func.coalesce(Relawan.full_name, Registration.guest_name),
                   Relawan.nik, func.coalesce(User.phone, Registration.guest_phone),
                   func.coalesce(Relawan.organisation_detail,
                                 labels.sql_label("organisation", Relawan.organisation),
                                 Registration.guest_instansi),
                   Registration.guest_jabatan, Kelurahan.nama,
                   labels.sql_label("certificate_role", Registration.role_label),
                   labels.sql_label("registration_status", Registration.status),
                   labels.sql_label("registration_source", Registration.source), Registration.is_walk_in,
                   wib_text(Registration.created_at), wib_text(CheckIn.scanned_at))
            .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
            .outerjoin(User, User.id == Relawan.user_id)
            .outerjoin(Kelurahan, Kelurahan.kode == kel_kode)
            .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
            .where(*conds).order_by(Registration.id))
    # plain values: the view's audit commit expires the ORM objects before the rows stream
    event_id, questions = event.id, questions_of(event.id)
    headers = ["ID", "Nama", "NIK", "No. HP", "Instansi", "Jabatan", "Kelurahan", "Peran", "Status",
               "Sumber", "Walk-in", "Terdaftar", "Check-in (WIB)"] + [q.label for q in questions]
    question_ids = [q.id for q in questions]

    def with_answers(batch: list) -> Iterator[list]:
        """The rows of one batch, each followed by its answers (one query per batch)."""
        given = answers_for([r[0] for r in batch], event_id) if question_ids else {}
        for r in batch:
            row = [r[0], r[1], r[2], national_phone(r[3]), r[4], r[5], r[6], r[7],
                   r[8], r[9], "ya" if r[10] else "tidak",
                   r[11], r[12] or ""]
            if not include_nik:
                del row[2]
            mine = given.get(r[0], {})
            yield row + [mine.get(qid, "") for qid in question_ids]

    def rows():
        batch = []
        for r in _stream(stmt):
            batch.append(r)
            if len(batch) == CHUNK:
                yield from with_answers(batch)
                batch = []
        yield from with_answers(batch)

    if not include_nik:
        headers.remove("NIK")
    # the answer columns are typed text: free columns like every non-text one (spreadsheet_text)
    return Table("Pendaftar", headers, {2, 3} if include_nik else {2}, rows(), count)


# -------------------------------------------------------------------------- attendance

def attendance_table(grid, include_nik: bool) -> Table:
    """The program's attendance grid: one row per enrolled relawan, one column per session."""
    from events.training import LABELS
    headers = ["Nama"] + (["NIK"] if include_nik else []) + [
        f"Sesi {i + 1}: {s.title}" for i, s in enumerate(grid.sessions)] + [
        "Hadir + terlambat", "Izin", "Tidak hadir"]

    rows = []  # one program's enrolment: small, built now (before the audit commit expires objects)
    for person, cells, counts in grid.rows:
        row = [person.full_name] + ([person.nik] if include_nik else [])
        for c in cells:
            text = LABELS[c.status] if c.status else "-"
            if c.status and c.note:
                text += f" ({c.note})"
            row.append(text)
        rows.append(row + [counts["completion"], counts["izin"], counts["tidak_hadir"]])
    # typed text is the name only: the session cells are the app's labels (a note follows one)
    return Table("Kehadiran", headers, {1} if include_nik else set(), rows, len(rows), free_cols={0})
