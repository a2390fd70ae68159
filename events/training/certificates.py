"""Certificates: issue (program completion, narasumber, panitia), number, revoke, render.

Numbers follow the naskah-dinas pattern "001/SERT-P2TP2A/XI/2026": a sequence per calendar
year (WIB), the issue month in Roman numerals, the year. The unique constraint on `number`
guards the sequence; on a collision (two issuers at once) the next number is tried.
The verification code is secrets.token_urlsafe(12) (96 bits), printed as a QR to
{BASE_URL}/sertifikat/<code>. Name, title, dates and hours are snapshots as printed.
"""
from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import audit
from events.checkin_models import CheckIn
from events.models import (
    AgendaItem,
    Event,
    ProgramEnrollment,
    Registration,
    RegistrationStatus,
    Speaker,
)
from extensions import db
from helpers.forms import BAD_CHARS
from reports.models import Certificate
from reports.pdf import CertificateData, DocHeader, certificate_pdf, format_date_id
from timeutil import to_wib, utcnow

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
ROLE_TEXT = {"peserta": "Peserta", "narasumber": "Narasumber", "panitia": "Panitia"}


class CertificateError(ValueError):
    """A domain error with an Indonesian message."""


def date_range_text(start, end) -> str:
    """'3 s.d. 24 Oktober 2026' / '28 November 2026' from naive-UTC datetimes (shown in WIB)."""
    a, b = to_wib(start).date(), to_wib(end).date()
    if a == b:
        return format_date_id(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day} s.d. {format_date_id(b)}"
    if a.year == b.year:
        return f"{format_date_id(a).rsplit(' ', 1)[0]} s.d. {format_date_id(b)}"
    return f"{format_date_id(a)} s.d. {format_date_id(b)}"


def _hours(start, end) -> float:
    return round(max((end - start).total_seconds(), 0) / 3600.0, 2)


def _number_for(seq: int, when) -> str:
    w = to_wib(when)
    return f"{seq:03d}/SERT-P2TP2A/{ROMAN[w.month - 1]}/{w.year}"


def _add_numbered(cert: Certificate) -> Certificate:
    """Give `cert` the next number of its year and flush, retrying on a number collision."""
    now = utcnow()
    year = to_wib(now).year
    for _ in range(20):
        count = db.session.scalar(select(func.count(Certificate.id))
                                  .where(Certificate.number.like(f"%/{year}"))) or 0
        cert.number = _number_for(count + 1, now)
        cert.code = secrets.token_urlsafe(12)
        cert.issued_at = now
        try:
            with db.session.begin_nested():
                db.session.add(cert)
                db.session.flush()
            return cert
        except IntegrityError:
            continue
    raise CertificateError("Nomor sertifikat tidak dapat dibuat. Coba lagi.")


def _existing(**by) -> Certificate | None:
    return db.session.scalars(select(Certificate).filter_by(**by)).first()


def issue_for_enrollment(enrollment: ProgramEnrollment) -> Certificate:
    """Certificate for a completed program (idempotent: one per program, relawan and role)."""
    found = _existing(program_id=enrollment.program_id, relawan_id=enrollment.relawan_id,
                      role_label="peserta")
    if found:
        return found
    program, relawan = enrollment.program, enrollment.relawan
    sessions = list(program.sessions)
    attended = db.session.execute(
        select(Event.starts_at, Event.ends_at).join(Registration, Registration.event_id == Event.id)
        .join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Event.program_id == program.id, Registration.relawan_id == relawan.id)).all()
    hours = sum(_hours(s, e) for s, e in attended)
    first = min((s.starts_at for s in sessions), default=utcnow())
    last = max((s.ends_at for s in sessions), default=first)
    cert = Certificate(name=relawan.full_name, role_label="peserta", program_id=program.id,
                       relawan_id=relawan.id, user_id=relawan.user_id, title=program.title,
                       date_text=date_range_text(first, last), hours=hours or None,
                       details={"sessions_attended": len(attended), "sessions": len(sessions),
                                "place": sessions[0].venue_name if sessions else None})
    cert = _add_numbered(cert)
    audit.record("certificate_issued", cert, details={"number": cert.number, "role": "peserta"})
    return cert


def _event_cert(event: Event, role: str, name: str, **ids) -> tuple[Certificate, bool]:
    found = _existing(event_id=event.id, role_label=role, **ids)
    if found:
        return found, False
    cert = Certificate(name=name, role_label=role, event_id=event.id, title=event.title,
                       date_text=date_range_text(event.starts_at, event.ends_at),
                       hours=_hours(event.starts_at, event.ends_at),
                       details={"place": event.venue_name}, **ids)
    cert = _add_numbered(cert)
    audit.record("certificate_issued", cert, details={"number": cert.number, "role": role})
    return cert, True


def issue_for_event_staff(event: Event) -> int:
    """Certificates for the event's narasumber (agenda speakers) and panitia registrations."""
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
        raise CertificateError("Sertifikat ini sudah dicabut.")
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason[:500]
    audit.record("certificate_revoked", cert, user=by_user,
                 details={"number": cert.number, "reason": cert.revoked_reason})
    db.session.flush()


def verify_url(cert: Certificate) -> str:
    return f"{current_app.config['BASE_URL']}/sertifikat/{cert.code}"


def render_pdf(cert: Certificate) -> bytes:
    """The certificate PDF with the verification QR and the configured signatory."""
    cfg = current_app.config
    header = DocHeader(org_name=cfg["ORG_NAME"], org_unit=cfg["ORG_UNIT"],
                       org_address=cfg.get("ORG_ADDRESS", ""), city=cfg.get("CITY_SHORT", "Serang"),
                       org_government=cfg.get("ORG_GOVERNMENT", ""))
    hours = f"{cert.hours:g} jam".replace(".", ",") if cert.hours else ""
    data = CertificateData(
        number=cert.number, name=cert.name, role_label=ROLE_TEXT.get(cert.role_label, cert.role_label),
        program_title=cert.title, date_text=cert.date_text, hours_text=hours,
        place=(cert.details or {}).get("place") or cfg.get("CITY_NAME", "Kota Serang"),
        verify_url=verify_url(cert), signatory_title=cfg["CERT_SIGNATORY_TITLE"],
        signatory_name=cfg["CERT_SIGNATORY_NAME"], signatory_nip=cfg["CERT_SIGNATORY_NIP"],
        issued_place_date=f"{cfg.get('CITY_SHORT', 'Serang')}, {format_date_id(cert.issued_at)}")
    return certificate_pdf(header, data)


def register_hook() -> bool:
    """Add issue_for_enrollment to events.training.on_program_completed (if that module exists)."""
    try:
        from events import training
    except ImportError:
        return False
    hooks = getattr(training, "on_program_completed", None)
    if hooks is None:
        return False
    if issue_for_enrollment not in hooks:
        hooks.append(issue_for_enrollment)
    return True

