"""What every channel is: a `send(outgoing, config)` that returns the provider's message id or
raises SendError with the provider's reason, and `missing(config)` naming unset settings."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Outgoing:
    """A claimed message as the worker hands it to a channel (no database session involved)."""

    id: int
    channel: str
    recipient: str
    subject: str | None
    body: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    wa_template: dict | None = None
    attachment_ref: str | None = None  # what attachments are rendered from (messaging/attachments.py)
    attempts: int = 1                  # this attempt's number
    secret: bool = False               # its text is erased once final (messaging/texts.py)
    expires_at: datetime | None = None  # not sent after this moment


class SendError(Exception):
    """The provider refused or could not be reached. `permanent` errors are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def missing(self, config) -> list[str]:
        """Names of the settings this channel still needs (empty: configured)."""

    def send(self, message: Outgoing, config) -> str:
        """Hand the message to the provider; return its message id or raise SendError."""
