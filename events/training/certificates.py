"""Certificates: issue (program completion, narasumber, panitia), number and revoke.

Numbers follow the naskah-dinas pattern "001/SERT-P2TP2A/XI/2026": a sequence per calendar
year (WIB), the issue month in Roman numerals, the year. The unique constraint on `number`
guards the sequence: the row is inserted and flushed, and if another issuer took the same
number at the same moment the IntegrityError rolls the unit of work back and becomes
CertificateNumberTaken (try again), as registration does (events/services/registration.py:
no SAVEPOINT, because on pysqlite a SAVEPOINT on a fresh transaction commits on RELEASE).
The verification code is secrets.token_urlsafe(12) (96 bits), printed as a QR to
{BASE_URL}/sertifikat/<code>. Name, title, dates and hours are snapshots as printed; the
PDF itself is drawn by reports/ (reports/views_docs.py).
"""
from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import audit
from events.models import (
    AgendaItem,
    Event,
    ProgramEnrollment,
    Registration,
    RegistrationStatus,
    Speaker,
)
from events.services import notices
from events.signatories import Signatory, dinas_head
from events.training.models import Certificate
from events.training.progress import progress, session_hours
from events.training.refresher import valid_until
from extensions import db
from helpers import formats, labels
from helpers.errors import DomainError
from helpers.forms import BAD_CHARS
from timeutil import to_wib, utcnow

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
ROLE_TEXT = labels.LABELS["certificate_role"]


class CertificateError(DomainError):
    """A certificate cannot be issued or revoked as asked."""

    code = "certificate_refused"
    kind = "invalid"
    default = "Sertifikat tidak dapat diproses."


class CertificateNumberTaken(CertificateError):
    """Another issuer took the same number at the same moment; the unit of work was rolled back."""

    code = "certificate_number_taken"
    kind = "conflict"
    default = "Nomor sertifikat baru saja dipakai oleh penerbitan lain. Silakan coba lagi."


class SignatoryMissing(CertificateError):
    """The Kepala DP3AKB who signs certificates is not configured: no certificate is made."""

    code = "certificate_signatory_missing"
    kind = "conflict"
    default = ("Sertifikat belum dapat dibuat karena penandatangan belum diatur. Minta admin "
               "server mengisi KEPALA_DINAS_NAME (nama lengkap dan gelar) dan KEPALA_DINAS_NIP "
               "(NIP 18 angka) di konfigurasi, lalu memulai ulang aplikasi.")


def signatory() -> Signatory:
    """The certificate signatory (the configured Kepala DP3AKB); raises SignatoryMissing while
    its name or a valid 18-digit NIP is not set. Asked before issuing by hand and drawing a PDF."""
    head = dinas_head()
    if not head.name or not head.nip:
        raise SignatoryMissing()
    return head


def _date_id(d) -> str:
    return formats.format_date(d)


def date_range_text(start, end) -> str:
    """'3 s.d. 24 Oktober 2026' / '28 November 2026' from naive-UTC datetimes (shown in WIB)."""
    a, b = to_wib(start).date(), to_wib(end).date()
    if a == b:
        return _date_id(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day} s.d. {_date_id(b)}"
    if a.year == b.year:
        return f"{_date_id(a).rsplit(' ', 1)[0]} s.d. {_date_id(b)}"
    return f"{_date_id(a)} s.d. {_date_id(b)}"


def _number_for(seq: int, when) -> str:
    w = to_wib(when)
    return f"{seq:03d}/SERT-P2TP2A/{ROMAN[w.month - 1]}/{w.year}"


def _add_numbered(cert: Certificate, role: str) -> Certificate:
    """Give `cert` the next number of its year, insert it with its audit entry, and flush.

    A number taken by a concurrent issuer (unique constraint) rolls the whole unit of work
    back and raises CertificateNumberTaken: never check-then-insert, never a SAVEPOINT.
    """
    now = utcnow()
    year = to_wib(now).year
    count = db.session.scalar(select(func.count(Certificate.id))
                              .where(Certificate.number.like(f"%/{year}"))) or 0
    cert.number = _number_for(count + 1, now)
    cert.code = secrets.token_urlsafe(12)
    cert.issued_at = now
    db.session.add(cert)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise CertificateNumberTaken() from None
    audit.record("certificate_issued", cert, details={"number": cert.number, "role": role})
    notices.send_certificate(cert)
    db.session.flush()
    return cert


def _existing(**by) -> Certificate | None:
    return db.session.scalars(select(Certificate).filter_by(**by)).first()


def issue_for_enrollment(enrollment: ProgramEnrollment) -> Certificate:
    """Certificate for a completed program (idempotent: one per program, relawan, role and
    enrollment cycle; a refresher cycle gets a new one with a new valid_until)."""
    found = _existing(program_id=enrollment.program_id, relawan_id=enrollment.relawan_id,
                      role_label="peserta", cycle=enrollment.cycle)
    if found:
        return found
    program, relawan = enrollment.program, enrollment.relawan
    done = progress(program, relawan.id)
    sessions = done.sessions
    first = min((s.starts_at for s in sessions), default=utcnow())
    last = max((s.ends_at for s in sessions), default=first)
    cert = Certificate(name=relawan.full_name, role_label="peserta", program_id=program.id,
                       relawan_id=relawan.id, user_id=relawan.user_id, title=program.title,
                       date_text=date_range_text(first, last), hours=done.hours or None,
                       details={"sessions_attended": done.attended_count, "sessions": done.total,
                                "place": sessions[0].venue_name if sessions else None},
                       cycle=enrollment.cycle, valid_until=valid_until(program, utcnow()))
    return _add_numbered(cert, "peserta")


def issue_for_completed(program_id: int) -> int:
    """Issue the missing certificates of every completed enrollment; returns how many are new."""
    signatory()
    done = db.session.scalars(select(ProgramEnrollment).where(
        ProgramEnrollment.program_id == program_id, ProgramEnrollment.status == "completed")).all()
    if not done:
        raise CertificateError("Belum ada peserta yang menyelesaikan program ini.")
    before = db.session.scalar(select(func.count(Certificate.id))
                               .where(Certificate.program_id == program_id))
    for enrollment in done:
        issue_for_enrollment(enrollment)
    after = db.session.scalar(select(func.count(Certificate.id))
                              .where(Certificate.program_id == program_id))
    return after - before


def _event_cert(event: Event, role: str, name: str, **ids) -> tuple[Certificate, bool]:
    found = _existing(event_id=event.id, role_label=role, **ids)
    if found:
        return found, False
    cert = Certificate(name=name, role_label=role, event_id=event.id, title=event.title,
                       date_text=date_range_text(event.starts_at, event.ends_at),
                       hours=session_hours(event.starts_at, event.ends_at),
                       details={"place": event.venue_name}, **ids)
    return _add_numbered(cert, role), True


def issue_for_event_staff(event: Event) -> int:
    """Certificates for the event's narasumber (agenda speakers) and panitia registrations."""
    signatory()
    made = 0
    speakers = db.session.scalars(select(Speaker).join(AgendaItem, AgendaItem.speaker_id == Speaker.id)
                                  .where(AgendaItem.event_id == event.id).distinct()).all()
    for sp in speakers:
        made += _event_cert(event, "narasumber", sp.name, speaker_id=sp.id)[1]
    panitia = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.role_label.in_(["panitia", "narasumber"]),
        Registration.status == RegistrationStatus.CONFIRMED)).all()
    for reg in panitia:
        if reg.relawan_id:
            made += _event_cert(event, reg.role_label, reg.relawan.full_name,
                                relawan_id=reg.relawan_id, user_id=reg.relawan.user_id)[1]
        elif reg.guest_name and reg.role_label == "panitia":
            found = db.session.scalars(select(Certificate).where(
                Certificate.event_id == event.id, Certificate.role_label == "panitia",
                Certificate.relawan_id.is_(None), Certificate.name == reg.guest_name)).first()
            if not found:
                made += _event_cert(event, "panitia", reg.guest_name)[1]
    if not speakers and not panitia:
        raise CertificateError("Kegiatan ini belum memiliki narasumber di agenda atau panitia terdaftar.")
    return made


def revoke(cert: Certificate, reason: str, by_user) -> None:
    """Revoke a certificate (admin); the verification page then says DICABUT. Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("Alasan pencabutan wajib diisi.")
    if BAD_CHARS.search(reason):
        raise CertificateError("Alasan pencabutan mengandung karakter yang tidak valid.")
    if cert.revoked_at:
        raise CertificateError("Sertifikat ini sudah dicabut.", code="certificate_already_revoked")
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason[:500]
    audit.record("certificate_revoked", cert, user=by_user,
                 details={"number": cert.number, "reason": cert.revoked_reason})
    db.session.flush()
