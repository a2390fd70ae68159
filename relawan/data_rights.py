"""Data-subject rights under UU PDP 27/2022: copy of own data, deletion request, anonymisation.

Pasal 7/32: access and a copy; Pasal 8/43: deletion on request. Anonymisation keeps the
statistics (status, kelurahan, gender, education, organisation type) and the status history rows,
and erases everything that identifies the person.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import select, update

import audit
from auth.models import User
from extensions import db
from messaging import optouts
from messaging import services as outbox
from relawan.consent import consent_text
from relawan.models import Relawan
from relawan.services import RelawanError, label
from surveys import privacy as survey_privacy
from timeutil import utcnow

EXPORT_FORMAT = "p2tp2a-relawan-export/1"


def _iso(value):
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _registrations(relawan_id: int) -> list[dict]:
    """The relawan's event registrations (and check-ins), if the events module has any."""
    from events.checkin import movements
    from events.models import Event, Registration
    from events.services import answer_privacy, companions

    rows = db.session.execute(
        select(Registration, Event).join(Event, Registration.event_id == Event.id)
        .where(Registration.relawan_id == relawan_id).order_by(Event.starts_at)).all()
    answers = answer_privacy.answers_by_registration(answer_privacy.registration_ids_of_relawan(relawan_id))
    out = []
    for reg, event in rows:
        check_in = getattr(reg, "check_in", None)
        out.append({
            "event": event.title, "kind": event.kind, "starts_at": _iso(event.starts_at),
            "venue": event.venue_name, "status": reg.status, "role": reg.role_label,
            "registered_at": _iso(reg.created_at), "cancelled_at": _iso(reg.cancelled_at),
            "checked_in_at": _iso(check_in.scanned_at) if check_in is not None else None,
            # passes out and in again at events with check-out (issue 13.3)
            "movements": movements.export_of(check_in.id) if check_in is not None else [],
            "answers": answers.get(reg.id, []),  # the event's own questions (issue 15.4)
            "companions": companions.export_of(reg),
        })
    return out


def _certificates(relawan_id: int) -> list[dict]:
    from events.training import Certificate

    rows = db.session.scalars(select(Certificate).where(Certificate.relawan_id == relawan_id)).all()
    return [{"number": c.number, "code": c.code, "name": c.name, "role": c.role_label,
             "issued_at": _iso(getattr(c, "issued_at", None))} for c in rows]


def export_data(relawan: Relawan) -> dict:
    """Everything the app holds about this relawan, as a JSON-ready dict (audit-logged)."""
    user = relawan.user
    consent = consent_text(relawan.consent_version)
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(utcnow()),
        "profile": {
            "full_name": relawan.full_name, "nik": relawan.nik, "gender": relawan.gender,
            "birth_date": _iso(relawan.birth_date), "address": relawan.address,
            "kelurahan_kode": relawan.kelurahan_kode,
            "kelurahan": relawan.kelurahan.nama if relawan.kelurahan else None,
            "kecamatan": relawan.kelurahan.kecamatan.nama if relawan.kelurahan else None,
            "occupation": relawan.occupation, "education": relawan.education,
            "organisation": relawan.organisation, "organisation_detail": relawan.organisation_detail,
            "motivation": relawan.motivation, "availability": relawan.availability,
            "status": relawan.status, "status_label": label(relawan.status),
            "created_at": _iso(relawan.created_at), "updated_at": _iso(relawan.updated_at),
            "deletion_requested_at": _iso(relawan.deletion_requested_at),
        },
        "account": {
            "email": user.email if user else None, "phone": user.phone if user else None,
            "role": user.role if user else None, "created_at": _iso(user.created_at) if user else None,
            "last_login_at": _iso(user.last_login_at) if user else None,
        },
        "consent": {
            "version": relawan.consent_version, "given_at": _iso(relawan.consent_at),
            "text": [{"heading": h, "text": t} for h, t in consent.sections]
            if consent.version == relawan.consent_version else None,
        },
        "status_history": [
            {"at": _iso(h.at), "from": h.from_status, "to": h.to_status, "note": h.note,
             "by": h.by_user.name if h.by_user else None}
            for h in relawan.history],
        "registrations": _registrations(relawan.id),
        "certificates": _certificates(relawan.id),
        "questionnaire_answers": survey_privacy.answers_of_relawan(relawan.id),
        "broadcast_opt_outs": [
            {"address": o.address, "at": _iso(o.created_at)}
            for o in optouts.opt_outs_of([user.phone, user.email] if user else [])],
    }
    audit.record("relawan_data_exported", relawan, rows=1)
    return data


def request_deletion(relawan: Relawan) -> bool:
    """Record the relawan's request to delete their data. False when already requested."""
    if relawan.anonymized_at is not None:
        raise RelawanError("Data Anda sudah dihapus.")
    if relawan.deletion_requested_at is not None:
        return False
    relawan.deletion_requested_at = utcnow()
    audit.record("relawan_deletion_requested", relawan)
    db.session.flush()
    return True


def anonymise(relawan: Relawan, by_user: User) -> None:
    """Admin: erase the personal data of `relawan`, keep status, kelurahan and history rows."""
    if relawan.anonymized_at is not None:
        raise RelawanError("Data relawan ini sudah dihapus sebelumnya.")
    name = f"Relawan terhapus #{relawan.id}"
    relawan.full_name = name
    for field in ("nik", "birth_date", "address", "motivation", "occupation",
                  "organisation_detail", "availability"):
        setattr(relawan, field, None)
    # A new random token: the printed card's QR no longer points at anyone.
    relawan.card_token = secrets.token_urlsafe(24)
    relawan.anonymized_at = utcnow()
    user = relawan.user
    if user is not None:
        optouts.forget([user.phone, user.email])
        outbox.forget_recipient([user.phone, user.email])
        user.name, user.email, user.phone, user.active = name, None, None, False
        user.set_password(secrets.token_urlsafe(32))
    from events.services import answer_privacy, companions
    from events.training import Certificate

    survey_privacy.forget_relawan(relawan.id)  # answers detached, free text deleted
    answer_privacy.forget_relawan(relawan.id)  # answers to the events' own questions deleted
    companions.forget_companions_of(relawan.id)
    db.session.execute(update(Certificate).where(Certificate.relawan_id == relawan.id)
                       .values(name=name).execution_options(synchronize_session=False))
    audit.record("relawan_anonymized", relawan, user=by_user,
                 details={"requested_at": _iso(relawan.deletion_requested_at)})
    db.session.flush()
