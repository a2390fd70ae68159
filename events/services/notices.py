"""What the events area tells people, always through the outbox (messaging.services.enqueue).

Each function adds outbox rows in the caller's transaction (no commit, nothing sent here): the
registration, promotion or cancellation and the message about it are saved together or not at
all, and the worker sends them later (never a web request). Who a registrant is reached at is
decided once, by `recipient_of`: a relawan by their account's phone and email, a guest or
invitee by the phone and email they gave.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import current_app
from sqlalchemy import func, or_, select

import audit
from auth.models import User
from events.models import Event, Registration, RegistrationStatus, Speaker
from events.services.tickets import ticket_url, whatsapp_text
from extensions import db
from helpers.errors import DomainError
from messaging.models import Channel, Message
from messaging.services import Recipient, enqueue, reaching_message_exists
from relawan.models import Relawan
from relawan.validators import normalize_email, normalize_phone

# Messages that carry a registration's ticket link (and, by email, its QR).
TICKET_TEMPLATES = ("ticket", "waitlist_promoted")


def recipient_of(reg: Registration) -> Recipient:
    """The registrant's name and the phone/email on file (the relawan's account, or the guest's)."""
    if reg.relawan is not None:
        user = reg.relawan.user
        return Recipient(reg.display_name, phone=user.phone if user else None,
                         email=user.email if user else None)
    return Recipient(reg.display_name, phone=reg.guest_phone, email=reg.guest_email)


def _event_context(event: Event) -> dict:
    return {"event_title": event.title, "starts_at": event.starts_at, "venue": event.venue_name,
            "event_url": f"{current_app.config['BASE_URL']}/kegiatan/{event.id}"}


def _ticket_context(reg: Registration) -> dict:
    return {**_event_context(reg.event), "ticket_url": ticket_url(reg.token),
            "confirmed": reg.status == RegistrationStatus.CONFIRMED}


def _qr(reg: Registration) -> str | None:
    """A confirmed seat's QR goes along by email (rendered by the worker at send time)."""
    return f"ticket_qr:{reg.token}" if reg.status == RegistrationStatus.CONFIRMED else None


def send_ticket(reg: Registration, *, by=None, channel: str | None = None) -> Message | None:
    """Queue the ticket (link; by email also the QR) to the registrant's preferred channel, or to
    `channel` when they asked by that address. None when nothing is on file."""
    return enqueue(recipient_of(reg), "ticket", _ticket_context(reg), cause=reg, by=by,
                   attachment=_qr(reg), channel=channel)


def send_promoted(promoted: list[Registration], *, by=None) -> None:
    """Tell each person moved up from the waitlist that their seat is confirmed, with the ticket."""
    for reg in promoted:
        enqueue(recipient_of(reg), "waitlist_promoted", _ticket_context(reg), cause=reg, by=by,
                attachment=_qr(reg))


def send_cancelled(reg: Registration, *, by=None, by_staff: bool = False) -> None:
    """Tell the registrant their registration was cancelled (by themselves or by panitia)."""
    enqueue(recipient_of(reg), "registration_cancelled",
            {**_event_context(reg.event), "by_staff": by_staff}, cause=reg, by=by)


def send_event_cancelled(event: Event, registrations: list[Registration], *, by=None) -> int:
    """Tell every registrant the event was cancelled, with the reason; returns how many queued."""
    queued = 0
    for reg in registrations:
        queued += enqueue(recipient_of(reg), "event_cancelled",
                          {**_ticket_context(reg), "reason": event.cancel_reason or "-"},
                          cause=reg, by=by) is not None
    return queued


def send_reminder(reg: Registration) -> Message | None:
    """The day-before reminder (link; by email also the QR)."""
    return enqueue(recipient_of(reg), "reminder", _ticket_context(reg), cause=reg,
                   attachment=_qr(reg))


def send_certificate(cert) -> Message | None:
    """Tell the holder of a newly issued certificate (a relawan's account or a speaker on file)
    where to download it and how to check it; None when nobody can be reached."""
    base = current_app.config["BASE_URL"]
    if cert.user_id is not None:
        user = db.session.get(User, cert.user_id)
        recipient = Recipient(cert.name, phone=user.phone, email=user.email)
    elif cert.speaker_id is not None:
        speaker = db.session.get(Speaker, cert.speaker_id)
        recipient = Recipient(cert.name, phone=speaker.phone, email=speaker.email)
    else:
        return None
    context = {"title": cert.title, "date_text": cert.date_text, "number": cert.number,
               "role": cert.role_label,  # peserta / narasumber / panitia
               "verify_url": f"{base}/sertifikat/{cert.code}",
               "download_url": (f"{base}/laporan/sertifikat/{cert.id}.pdf" if cert.user_id else None)}
    return enqueue(recipient, "certificate_issued", context, cause=cert)


def ticket_reached():
    """SQL condition on Registration: a ticket message for it is queued, being sent or sent."""
    return reaching_message_exists("Registration", Registration.id, TICKET_TEMPLATES)


def reached_ids(registration_ids: list[int]) -> set[int]:
    """Which of these registrations have a ticket message queued, being sent or sent."""
    if not registration_ids:
        return set()
    return set(db.session.scalars(select(Registration.id).where(
        Registration.id.in_(registration_ids), ticket_reached())))


def _invitees_without_ticket(event: Event):
    return select(Registration).where(Registration.event_id == event.id,
                                      Registration.source == "import",
                                      Registration.status != RegistrationStatus.CANCELLED,
                                      ~ticket_reached())


def count_invitees_without_ticket(event: Event) -> int:
    """How many invitees (imported, not cancelled) of `event` have not been sent their ticket."""
    query = _invitees_without_ticket(event).with_only_columns(Registration.id)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


class TicketNotSent(DomainError):
    code = "ticket_not_sent"
    kind = "conflict"
    default = "Tiket tidak dapat dikirim."


def send_ticket_by_staff(reg: Registration, by) -> Message:
    """Panitia's "Kirim tiket": queue the ticket to the registrant's own phone or email, audited.
    A cancelled registration or one without any address is refused (TicketNotSent)."""
    if reg.status == RegistrationStatus.CANCELLED:
        raise TicketNotSent("Pendaftaran ini sudah dibatalkan; tiketnya tidak berlaku.")
    message = send_ticket(reg, by=by)
    if message is None:
        raise TicketNotSent("Peserta ini tidak punya nomor HP atau email; berikan tiket lewat tautan.")
    audit.record("ticket_send", reg, user=by, details={"event_id": reg.event_id,
                                                       "channel": message.channel})
    return message


def send_invitee_tickets(event: Event, by) -> int:
    """"Kirim tiket ke semua": queue the ticket of every invitee who has not been sent one (one
    audit entry with the count). Returns how many were queued."""
    queued = 0
    for reg in db.session.scalars(_invitees_without_ticket(event)
                                  .order_by(Registration.created_at, Registration.id)):
        queued += send_ticket(reg, by=by) is not None
    audit.record("ticket_send_invitees", event, user=by, rows=queued)
    return queued


def wa_me_link(reg: Registration) -> str | None:
    """https://wa.me/<digits>?text=<ticket text> to the registrant's own number (None without
    one), for panitia to open a chat with that person; the digits carry no '+' (wa.me's form)."""
    phone = recipient_of(reg).phone
    if not phone:
        return None
    return f"https://wa.me/{phone.lstrip('+')}?text=" + quote(whatsapp_text(reg), safe="")


def registrations_on_file(event: Event, identifier: str) -> list[Registration]:
    """The event's live registrations whose phone (E.164) or email (lower-case) is `identifier`."""
    if "@" in identifier:
        guest, account = Registration.guest_email == identifier, User.email == identifier
    else:
        guest, account = Registration.guest_phone == identifier, User.phone == identifier
    return list(db.session.scalars(
        select(Registration).outerjoin(Relawan, Relawan.id == Registration.relawan_id)
        .outerjoin(User, User.id == Relawan.user_id)
        .where(Registration.event_id == event.id,
               Registration.status != RegistrationStatus.CANCELLED,
               or_(guest, account))))


def contact(raw: str) -> str:
    """What a person typed as their phone or email, as records keep it (E.164 / lower-case);
    InvalidPhone or InvalidEmail (Indonesian messages) when it is neither."""
    raw = (raw or "").strip()
    return normalize_email(raw) if "@" in raw else normalize_phone(raw)


def resend_ticket(event: Event, raw_identifier: str) -> int:
    """"Tiket hilang?": queue the ticket of each live registration of `event` whose phone or email
    on file is the one typed, by the channel of what was typed (a number by WhatsApp, an address
    by email), never to another address. Returns how many were queued; the page never says it."""
    identifier = contact(raw_identifier)
    channel = Channel.EMAIL.value if "@" in identifier else Channel.WHATSAPP.value
    return sum(send_ticket(reg, channel=channel) is not None
               for reg in registrations_on_file(event, identifier))
