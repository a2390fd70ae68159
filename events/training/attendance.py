"""Training attendance statuses: hadir, terlambat, izin, belum berlangsung, tidak hadir.

Rule (issue 5): hadir = checked in no later than start + grace (Event.late_grace_minutes, else
config LATE_GRACE_MINUTES); terlambat = checked in after that; izin = not checked in but excused
by panitia with a note; belum berlangsung = none of these and the session has not started yet
(issue 13.5: not "tidak hadir" for a session that has not happened); tidak hadir = otherwise.
Lateness uses CheckIn.scanned_at, the device's time, because offline scans are uploaded later.
A check-in wins over an excuse (the person came).
The program completion rule counts hadir and terlambat, i.e. every check-in, never izin
(events/training/progress.py).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

import audit
from events.checkin_models import CheckIn
from events.models import (
    Event,
    ProgramEnrollment,
    Registration,
    RegistrationStatus,
    TrainingProgram,
)
from extensions import db
from helpers import labels
from helpers.errors import DomainError
from helpers.forms import BAD_CHARS
from relawan.models import Relawan
from timeutil import utcnow


class Attendance(enum.StrEnum):
    HADIR = "hadir"
    TERLAMBAT = "terlambat"
    IZIN = "izin"
    BELUM_BERLANGSUNG = "belum_berlangsung"
    TIDAK_HADIR = "tidak_hadir"


LABELS = labels.LABELS["attendance"]
COUNTS_FOR_COMPLETION = {Attendance.HADIR, Attendance.TERLAMBAT}


class AttendanceError(DomainError):
    """An izin cannot be recorded or cleared as asked."""

    code = "attendance_refused"
    kind = "invalid"
    default = "Kehadiran tidak dapat diubah."


def grace_minutes(event: Event) -> int:
    """The event's grace period, else the app default."""
    if event.late_grace_minutes is not None:
        return event.late_grace_minutes
    return int(current_app.config.get("LATE_GRACE_MINUTES", 15))


def classify(starts_at: datetime, grace: int, scanned_at: datetime | None, excused: bool,
             now: datetime | None = None) -> Attendance:
    """The status of one person at one session at time `now` (naive UTC, default: now)."""
    if scanned_at is not None:
        if scanned_at <= starts_at + timedelta(minutes=grace):
            return Attendance.HADIR
        return Attendance.TERLAMBAT
    if excused:
        return Attendance.IZIN
    if starts_at > (now or utcnow()):
        return Attendance.BELUM_BERLANGSUNG
    return Attendance.TIDAK_HADIR


def status_for(registration: Registration, now: datetime | None = None) -> Attendance:
    """Status of a single registration (its event's start and grace) at `now`."""
    ci = registration.check_in
    return classify(registration.event.starts_at, grace_minutes(registration.event),
                    ci.scanned_at if ci else None, bool(registration.excused), now)


@dataclass
class Cell:
    status: Attendance | None  # None = not registered for this session
    registration_id: int | None
    note: str | None
    scanned_at: datetime | None


@dataclass
class Grid:
    program: TrainingProgram
    sessions: list[Event]
    rows: list[tuple[Relawan, list[Cell], dict]]
    total: int = 0
    page: int = 1
    pages: int = 1


def program_grid(program: TrainingProgram, kecamatan: str | None = None, page: int | None = None,
                 per_page: int = 50, now: datetime | None = None) -> Grid:
    """Enrolled relawan x sessions with a status per cell at `now` (one query for all cells of a
    page)."""
    now = now or utcnow()
    sessions = list(program.sessions)
    enrolled = (select(Relawan).join(ProgramEnrollment, ProgramEnrollment.relawan_id == Relawan.id)
                .where(ProgramEnrollment.program_id == program.id,
                       ProgramEnrollment.status != "cancelled")
                .order_by(Relawan.full_name))
    if kecamatan:
        # reports.queries owns the kecamatan code range; imported here because reports imports
        # this package at module level (its pages show these statuses)
        from reports.queries import kode_in_kecamatan
        enrolled = enrolled.where(kode_in_kecamatan(Relawan.kelurahan_kode, kecamatan))
    total = db.session.scalar(select(func.count()).select_from(enrolled.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page)) if page else 1
    if page:
        page = min(max(page, 1), pages)
        enrolled = enrolled.limit(per_page).offset((page - 1) * per_page)
    people = db.session.scalars(enrolled).all()
    ids = [p.id for p in people]
    cells: dict[tuple[int, int], tuple] = {}
    if ids and sessions:
        stmt = (select(Registration.relawan_id, Registration.event_id, Registration.id,
                       Registration.excused, Registration.excused_note, CheckIn.scanned_at)
                .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
                .where(Registration.event_id.in_([s.id for s in sessions]),
                       Registration.relawan_id.in_(ids),
                       Registration.status != RegistrationStatus.CANCELLED))
        for rel_id, ev_id, reg_id, excused, note, scanned in db.session.execute(stmt):
            cells[(rel_id, ev_id)] = (reg_id, excused, note, scanned)
    graces = {s.id: grace_minutes(s) for s in sessions}
    rows = []
    for person in people:
        row, counts = [], dict.fromkeys(Attendance, 0)
        for s in sessions:
            got = cells.get((person.id, s.id))
            if got is None:
                row.append(Cell(None, None, None, None))
                continue
            reg_id, excused, note, scanned = got
            st = classify(s.starts_at, graces[s.id], scanned, bool(excused), now)
            counts[st] += 1
            row.append(Cell(st, reg_id, note, scanned))
        counts["completion"] = counts[Attendance.HADIR] + counts[Attendance.TERLAMBAT]
        rows.append((person, row, counts))
    return Grid(program, sessions, rows, total=total, page=page or 1, pages=pages)


def set_excused(registration: Registration, excused: bool, note: str | None, by_user) -> None:
    """Mark (or clear) izin for a registration; a note is required to set it. Audited."""
    note = (note or "").strip()
    if excused and not note:
        raise AttendanceError("Keterangan izin wajib diisi.")
    if excused and len(note) > 500:
        raise AttendanceError("Keterangan izin terlalu panjang (maksimal 500 karakter).")
    if BAD_CHARS.search(note):
        raise AttendanceError("Keterangan izin mengandung karakter yang tidak valid.")
    if registration.status == RegistrationStatus.CANCELLED:
        raise AttendanceError("Pendaftaran ini sudah dibatalkan.")
    if excused and registration.check_in is not None:
        raise AttendanceError("Peserta sudah check-in pada sesi ini; izin tidak dapat dicatat.")
    registration.excused = excused
    registration.excused_note = note if excused else None
    audit.record("attendance_excused" if excused else "attendance_excuse_cleared", registration,
                 user=by_user, details={"event_id": registration.event_id, "note": note or None})
    db.session.flush()
