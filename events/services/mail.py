"""Email via SMTP when configured (MAIL_SERVER); without it nothing fails, nothing is sent."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from events.models import Registration
from events.services.tickets import ticket_url
from helpers.text import one_line
from timeutil import format_wib

log = logging.getLogger(__name__)


def mail_enabled() -> bool:
    """True when an SMTP server is configured."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str, attachments: tuple = ()) -> bool:
    """Send one plain-text email, with optional (filename, mime type, bytes) attachments; returns
    False (and logs) when off or on failure. Never raises: callers send after their commit, and
    a mail that cannot be built or sent must not turn a saved registration into an error page.
    Header values pass through one_line (a CR/LF in an event title cannot split a header)."""
    if not mail_enabled() or not to:
        return False
    cfg = current_app.config
    try:
        msg = EmailMessage()
        msg["From"] = one_line(cfg.get("MAIL_FROM"))
        msg["To"] = one_line(to)
        msg["Subject"] = one_line(subject)
        msg.set_content(body)
        for filename, mime, data in attachments:
            maintype, subtype = mime.split("/", 1)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=one_line(filename))
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg.get("MAIL_PORT", 587), timeout=10) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
            smtp.send_message(msg)
        return True
    except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: a header refused
        log.warning("Email to %s failed: %s", one_line(to), exc)
        return False


def registration_email(reg: Registration) -> str | None:
    if reg.relawan is not None:
        return reg.relawan.user.email if reg.relawan.user else None
    return reg.guest_email


QR_FILENAME = "tiket-qr.png"


def send_ticket(reg: Registration) -> bool:
    """The ticket by email: the link and, for a confirmed seat, the QR as a PNG attachment, so
    the ticket can be shown at the door from the mail app without a connection."""
    event = reg.event
    confirmed = reg.status != "waitlisted"
    status = ("Pendaftaran Anda terkonfirmasi." if confirmed
              else "Anda masuk daftar tunggu; kami kabari bila kursi tersedia.")
    qr_line = (f"Kode QR tiket terlampir ({QR_FILENAME}): tunjukkan di pintu masuk, juga bisa "
               f"tanpa internet.\n" if confirmed else "")
    body = (f"Yth. {reg.display_name},\n\n{status}\n\n"
            f"Kegiatan : {event.title}\nWaktu    : {format_wib(event.starts_at)}\n"
            f"Tempat   : {event.venue_name}\n\nTiket dan kode QR Anda: {ticket_url(reg.token)}\n"
            f"{qr_line}\n{current_app.config['ORG_UNIT']}")
    attachments = ticket_qr_attachment(reg) if confirmed else ()
    return send_mail(registration_email(reg), f"Tiket: {event.title}", body, attachments)


def ticket_qr_attachment(reg: Registration) -> tuple:
    """The ticket's QR as a PNG attachment for send_mail()."""
    from helpers import qr
    return ((QR_FILENAME, "image/png", qr.png(ticket_url(reg.token), box_size=8)),)


def send_cancellation(registrations: list[Registration]) -> int:
    """Tell registrants their event was cancelled; returns how many emails went out."""
    sent = 0
    for reg in registrations:
        event = reg.event
        body = (f"Yth. {reg.display_name},\n\nDengan menyesal kami sampaikan bahwa kegiatan "
                f"\"{event.title}\" ({format_wib(event.starts_at)}) DIBATALKAN.\n"
                f"Alasan: {event.cancel_reason}\n\nInformasi: {ticket_url(reg.token)}\n\n"
                f"{current_app.config['ORG_UNIT']}")
        sent += send_mail(registration_email(reg), f"Dibatalkan: {event.title}", body)
    return sent
