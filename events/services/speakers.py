"""Speakers (narasumber) and agenda items, with double-booking detection."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

import audit
from events.models import AgendaItem, Event, EventStatus, Speaker
from extensions import db
from helpers.errors import DomainError

# An agenda item without an end time is taken to last this long when checking overlaps.
DEFAULT_SLOT = timedelta(minutes=60)


class SpeakerError(DomainError):
    """A speaker or agenda item could not be saved; `.fields` maps field -> Indonesian message."""

    code = "speaker_invalid"
    kind = "invalid"


@dataclass
class AgendaData:
    topic: str
    starts_at: datetime
    ends_at: datetime | None
    speaker_id: int | None
    position: int = 0


def search_speakers(q: str | None = None) -> list[Speaker]:
    """Directory search by name, instansi, jabatan or topic (case-insensitive)."""
    query = select(Speaker).order_by(Speaker.name)
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(*(db.func.lower(col).like(like) for col in (
            Speaker.name, Speaker.instansi, Speaker.jabatan, Speaker.topics))))
    return list(db.session.scalars(query.limit(500)))


def save_speaker(speaker: Speaker | None, fields: dict, by_user=None) -> Speaker:
    """Create or update a speaker from already-validated fields."""
    if speaker is None:
        speaker = Speaker()
        db.session.add(speaker)
    for key, value in fields.items():
        setattr(speaker, key, value)
    db.session.flush()
    audit.record("speaker_save", speaker, user=by_user, details={"name": speaker.name})
    return speaker


def item_end(item: AgendaItem) -> datetime:
    return item.ends_at or item.starts_at + DEFAULT_SLOT


def _overlaps(a: AgendaItem, b: AgendaItem) -> bool:
    return a.starts_at < item_end(b) and b.starts_at < item_end(a)


def speaker_items(speaker_id: int) -> list[AgendaItem]:
    """A speaker's agenda items in events that are not cancelled, by time."""
    return list(db.session.scalars(
        select(AgendaItem).join(Event).where(AgendaItem.speaker_id == speaker_id,
                                             Event.status != EventStatus.CANCELLED)
        .order_by(AgendaItem.starts_at)))


def conflicts_for_speaker(speaker_id: int) -> dict[int, list[AgendaItem]]:
    """agenda item id -> the speaker's other items whose time overlaps it (across events)."""
    items = speaker_items(speaker_id)
    clashes: dict[int, list[AgendaItem]] = {}
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if _overlaps(a, b):
                clashes.setdefault(a.id, []).append(b)
                clashes.setdefault(b.id, []).append(a)
    return clashes


def conflicts_for_event(event: Event) -> dict[int, list[AgendaItem]]:
    """For each of the event's agenda items: overlapping items of the same speaker anywhere."""
    result: dict[int, list[AgendaItem]] = {}
    for speaker_id in {i.speaker_id for i in event.agenda if i.speaker_id}:
        for item_id, others in conflicts_for_speaker(speaker_id).items():
            if any(i.id == item_id for i in event.agenda):
                result[item_id] = others
    return result


def add_agenda_item(event: Event, data: AgendaData, by_user=None) -> tuple[AgendaItem, list[AgendaItem]]:
    """Add an agenda slot; returns (item, clashes) where clashes are the speaker's overlaps.

    A clash is a warning, not an error: the speaker may genuinely move between venues.
    """
    errors = {}
    if data.ends_at and data.ends_at <= data.starts_at:
        errors["ends_at"] = "Waktu selesai harus setelah waktu mulai."
    if data.speaker_id and db.session.get(Speaker, data.speaker_id) is None:
        errors["speaker_id"] = "Narasumber tidak ditemukan."
    if errors:
        raise SpeakerError(fields=errors)
    item = AgendaItem(event_id=event.id, topic=data.topic.strip(), starts_at=data.starts_at,
                      ends_at=data.ends_at, speaker_id=data.speaker_id, position=data.position)
    db.session.add(item)
    db.session.flush()
    audit.record("agenda_add", event, user=by_user, details={"topic": item.topic})
    clashes = conflicts_for_speaker(item.speaker_id).get(item.id, []) if item.speaker_id else []
    return item, clashes


def delete_agenda_item(item: AgendaItem, by_user=None) -> None:
    audit.record("agenda_delete", item.event, user=by_user, details={"topic": item.topic})
    db.session.delete(item)
    db.session.flush()
