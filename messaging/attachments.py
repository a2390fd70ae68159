"""Attachments rendered at send time from a reference kept on the message (no stored blobs)."""
from __future__ import annotations

from messaging.channels.base import Attachment

QR_FILENAME = "tiket-qr.png"


def ticket_qr(token: str) -> Attachment:
    """The ticket's QR (its /t/<token> URL) as a PNG: shown at the door from the mail app."""
    from events.services.tickets import ticket_url
    from helpers import qr
    return Attachment(QR_FILENAME, "image/png", qr.png(ticket_url(token), box_size=8))


RENDERERS = {"ticket_qr": ticket_qr}


def render(reference: str | None) -> tuple[Attachment, ...]:
    """The attachments a reference like "ticket_qr:<token>" stands for (none for None)."""
    if not reference:
        return ()
    kind, _, value = reference.partition(":")
    return (RENDERERS[kind](value),)
