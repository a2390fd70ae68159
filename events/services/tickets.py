"""Tickets: the public ticket URL, lookups by token, and the WhatsApp share link."""
from __future__ import annotations

from urllib.parse import quote

from flask import current_app
from sqlalchemy import select

from events.models import Registration
from extensions import db
from helpers.formats import format_wib
from relawan.models import Relawan


def ticket_url(token: str) -> str:
    """What the QR code holds: {BASE_URL}/t/<token> (never a NIK or a row id)."""
    return f"{current_app.config['BASE_URL']}/t/{token}"


def find_registration(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.token == token))


def find_card(token: str) -> Relawan | None:
    """A relawan's personal card shares the /t/<token> URL space with tickets."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Relawan).where(Relawan.card_token == token))


def whatsapp_text(reg: Registration) -> str:
    """Short Indonesian message with the ticket URL; never the NIK or phone number."""
    event = reg.event
    return (f"Tiket {event.title} - {format_wib(event.starts_at)} di {event.venue_name}. "
            f"Tunjukkan kode QR di pintu masuk: {ticket_url(reg.token)}")


def whatsapp_link(reg: Registration) -> str:
    return "https://wa.me/?text=" + quote(whatsapp_text(reg), safe="")
