"""The channels behind one interface (channels/base.py), looked up by name."""
from __future__ import annotations

from messaging.channels.base import Attachment, Channel, Outgoing, SendError
from messaging.channels.email import EmailChannel
from messaging.channels.whatsapp import WhatsAppChannel

CHANNELS: dict[str, Channel] = {"email": EmailChannel(), "whatsapp": WhatsAppChannel()}

__all__ = ["CHANNELS", "Attachment", "Channel", "Outgoing", "SendError", "get"]


def get(name: str) -> Channel:
    """The channel called `name` (email or whatsapp)."""
    return CHANNELS[name]
