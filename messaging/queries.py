"""Read-only queries of the admin outbox page: the filtered list and the counts per status."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from extensions import db
from helpers.forms import date_arg
from messaging.models import Channel, Message, MessageStatus
from messaging.texts import TEMPLATES
from timeutil import wib_to_utc


@dataclass
class OutboxFilter:
    """The outbox page's filters, read from the query string; bad values become field errors."""

    status: str = ""
    channel: str = ""
    template: str = ""
    day: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> OutboxFilter:
        f = cls()
        for name, allowed, message in (
                ("status", set(MessageStatus), "Status tidak dikenal."),
                ("channel", set(Channel), "Saluran tidak dikenal."),
                ("template", set(TEMPLATES), "Templat tidak dikenal.")):
            value = (args.get(name) or "").strip()
            if value and value not in allowed:
                f.errors[name] = message
            elif value:
                setattr(f, name, value)
        f.day = date_arg(args, "tanggal", f.errors)
        return f

    def statement(self):
        """The messages matching the filters, newest first."""
        stmt = select(Message)
        if self.status:
            stmt = stmt.where(Message.status == self.status)
        if self.channel:
            stmt = stmt.where(Message.channel == self.channel)
        if self.template:
            stmt = stmt.where(Message.template == self.template)
        if self.day:
            start = wib_to_utc(datetime.combine(self.day, time.min))
            stmt = stmt.where(Message.created_at >= start,
                              Message.created_at < start + timedelta(days=1))
        return stmt.order_by(Message.created_at.desc(), Message.id.desc())


def counts_by_status() -> dict[str, int]:
    """How many messages are in each status (one GROUP BY)."""
    return dict(db.session.execute(
        select(Message.status, func.count()).group_by(Message.status)).all())
