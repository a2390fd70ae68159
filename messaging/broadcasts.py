"""Broadcasts: one text from panitia (or a koordinator, inside their kecamatan) to a segment.

A segment is the registrants of an event (all, checked in, not checked in, waitlist) or the
relawan by status, kecamatan and kelurahan. `scoped` applies the koordinator's kecamatan,
`recipients` resolves a segment to people, and `plan` decides for each person: opted out, no
address on file, or the channel and address that reach them (messaging.services.preferred_channel).
The preview page and `send` both read the same `plan`, so the counts shown before sending are
the Message rows written; `send` writes the Broadcast and its messages in the caller's transaction.
"""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

import audit
from auth.models import User
from events.checkin_models import CheckIn
from events.models import Event, Registration, RegistrationStatus
from events.services.notices import recipient_of
from extensions import db
from helpers import labels
from helpers.errors import DomainError
from messaging import optouts
from messaging.models import Broadcast, Channel, Message
from messaging.services import Recipient, enqueue, preferred_channel
from relawan.models import STATUS_LABELS, Kecamatan, Kelurahan, Relawan
from relawan.queries import Filters, screening_stmt
from reports.queries import attendee_kelurahan, kode_in_kecamatan


class SegmentKind(enum.StrEnum):
    EVENT = "kegiatan"
    RELAWAN = "relawan"


class EventGroup(enum.StrEnum):
    ALL = "semua"
    CHECKED_IN = "hadir"
    NOT_CHECKED_IN = "belum_hadir"
    WAITLIST = "daftar_tunggu"


GROUP_LABELS = labels.LABELS["event_group"]


class OutsideScope(DomainError):
    code = "outside_scope"
    kind = "forbidden"
    default = "Anda hanya dapat mengirim siaran kepada orang di kecamatan Anda."


class PlanRefused(DomainError):
    """Sending is refused on the grounds of the plan, which comes along to be shown again."""

    def __init__(self, plan: Plan):
        super().__init__()
        self.plan = plan


class RecipientsChanged(PlanRefused):
    """The segment has a different number of recipients than the confirmed preview."""

    code = "recipients_changed"
    kind = "conflict"
    default = ("Jumlah penerima berubah sejak pratinjau. Periksa angka terbaru, lalu kirim lagi "
               "bila sudah sesuai.")


class NoRecipients(PlanRefused):
    code = "no_recipients"
    kind = "invalid"
    default = "Tidak ada penerima yang dapat dihubungi pada kelompok ini; siaran tidak dikirim."


class AlreadySent(DomainError):
    code = "broadcast_already_sent"
    kind = "conflict"
    default = "Siaran ini sudah dikirim (formulir terkirim dua kali)."

    def __init__(self, broadcast_id: int | None):
        super().__init__()
        self.broadcast_id = broadcast_id


@dataclass(frozen=True)
class Segment:
    """Who a broadcast is for; stored on the Broadcast as data (`as_data`)."""

    kind: str
    event_id: int | None = None
    group: str = EventGroup.ALL.value
    status: str = ""      # relawan status; "" = every status
    kecamatan: str = ""   # relawan: chosen; event registrants: only the koordinator's scope
    kelurahan: str = ""

    def as_data(self) -> dict:
        return asdict(self)

    @property
    def kecamatan_kode(self) -> str | None:
        """The kecamatan the segment lies inside, or None for the whole city."""
        return self.kecamatan or (self.kelurahan[:8] if self.kelurahan else None)


def scoped(segment: Segment, scope: str | None) -> Segment:
    """The segment limited to a koordinator's kecamatan `scope` (None: unrestricted). Asking for
    another kecamatan or a kelurahan outside it raises OutsideScope."""
    if segment.kelurahan and segment.kecamatan and not segment.kelurahan.startswith(
            segment.kecamatan + "."):
        raise OutsideScope("Kelurahan itu tidak berada di kecamatan yang dipilih.",
                           fields={"kelurahan": "Kelurahan itu tidak berada di kecamatan yang dipilih."})
    if not scope:
        return segment
    if segment.kecamatan and segment.kecamatan != scope:
        raise OutsideScope(fields={"kecamatan": OutsideScope.default})
    if segment.kelurahan and not segment.kelurahan.startswith(scope + "."):
        raise OutsideScope(fields={"kelurahan": OutsideScope.default})
    return Segment(segment.kind, segment.event_id, segment.group, segment.status, scope,
                   segment.kelurahan)


def _event_recipients(segment: Segment) -> list[Recipient]:
    stmt = (select(Registration).outerjoin(Relawan, Relawan.id == Registration.relawan_id)
            .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
            .where(Registration.event_id == segment.event_id,
                   or_(Relawan.id.is_(None), Relawan.anonymized_at.is_(None)))
            .options(joinedload(Registration.relawan).joinedload(Relawan.user))
            .order_by(Registration.id))
    active = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    stmt = stmt.where({
        EventGroup.ALL: Registration.status.in_(active),
        EventGroup.CHECKED_IN: CheckIn.id.is_not(None),
        EventGroup.NOT_CHECKED_IN: (Registration.status == RegistrationStatus.CONFIRMED)
        & CheckIn.id.is_(None),
        EventGroup.WAITLIST: Registration.status == RegistrationStatus.WAITLISTED,
    }[EventGroup(segment.group)])
    if segment.kecamatan:
        stmt = stmt.where(kode_in_kecamatan(attendee_kelurahan(), segment.kecamatan))
    return [recipient_of(reg) for reg in db.session.scalars(stmt).unique()]


def _relawan_recipients(segment: Segment) -> list[Recipient]:
    # The screening list's filters decide who is in the segment; only three columns are loaded.
    filters = Filters(status=segment.status, kecamatan=segment.kecamatan,
                      kelurahan=segment.kelurahan)
    ids = screening_stmt(filters, scope=None).with_only_columns(Relawan.id).order_by(None)
    stmt = (select(Relawan.full_name, User.phone, User.email)
            .outerjoin(User, User.id == Relawan.user_id)
            .where(Relawan.id.in_(ids), Relawan.anonymized_at.is_(None)).order_by(Relawan.id))
    return [Recipient(name, phone=phone, email=email)
            for name, phone, email in db.session.execute(stmt)]


def recipients(segment: Segment) -> list[Recipient]:
    """The people in a segment (already scoped), with the phone and email on file."""
    if segment.kind == SegmentKind.EVENT:
        return _event_recipients(segment)
    return _relawan_recipients(segment)


@dataclass
class Planned:
    recipient: Recipient
    channel: str
    address: str


@dataclass
class Plan:
    """What sending to a segment would do: who gets which channel, who is skipped and why."""

    segment: Segment
    sends: list[Planned] = field(default_factory=list)
    opted_out: int = 0
    unreachable: int = 0
    duplicates: int = 0  # the same address twice in the segment (reached once)

    @property
    def total(self) -> int:
        return len(self.sends)

    def count(self, channel: str) -> int:
        return sum(1 for p in self.sends if p.channel == channel)

    @property
    def people(self) -> int:
        return self.total + self.opted_out + self.unreachable + self.duplicates


def plan(segment: Segment) -> Plan:
    """Decide every recipient of `segment` (scoped): opted out, unreachable, or a route."""
    people = recipients(segment)
    stopped = optouts.opted_out(a for p in people for a in (p.phone, p.email))
    result, seen = Plan(segment), set()
    for person in people:
        if stopped & {optouts.normalise(a) for a in (person.phone, person.email) if a}:
            result.opted_out += 1
            continue
        route = preferred_channel(person)
        if route is None:
            result.unreachable += 1
        elif route in seen:
            result.duplicates += 1
        else:
            seen.add(route)
            result.sends.append(Planned(person, *route))
    return result


def describe(segment: Segment) -> str:
    """The segment in words, e.g. "Peserta Sosialisasi X: sudah hadir (check-in)"."""
    if segment.kind == SegmentKind.EVENT:
        event = db.session.get(Event, segment.event_id)
        text = (f"Peserta {event.title if event else '(kegiatan terhapus)'}: "
                f"{GROUP_LABELS[EventGroup(segment.group)].lower()}")
    else:
        status = STATUS_LABELS.get(segment.status, "semua status").lower() if segment.status \
            else "semua status"
        text = f"Relawan ({status})"
    if segment.kelurahan:
        kel = db.session.get(Kelurahan, segment.kelurahan)
        text += f", kelurahan {kel.nama if kel else segment.kelurahan}"
    elif segment.kecamatan:
        kec = db.session.get(Kecamatan, segment.kecamatan)
        text += f", kecamatan {kec.nama if kec else segment.kecamatan}"
    return text[:300]


def send(segment: Segment, subject: str, text: str, *, by, request_key: str,
         expected: int | None = None) -> Broadcast:
    """Write the Broadcast and one outbox message per planned recipient, audited, in the caller's
    transaction. `expected` is the total the author confirmed: a different plan raises
    RecipientsChanged, nobody to reach NoRecipients; a reused `request_key` (a double submit)
    raises AlreadySent."""
    result = plan(segment)
    if expected is not None and expected != result.total:
        raise RecipientsChanged(result)
    if not result.total:
        raise NoRecipients(result)
    broadcast = Broadcast(
        author_id=getattr(by, "id", None), segment=segment.as_data(),
        segment_label=describe(segment), kecamatan_kode=segment.kecamatan_kode,
        subject=subject, body=text, request_key=request_key, recipients_total=result.total,
        whatsapp_count=result.count(Channel.WHATSAPP), email_count=result.count(Channel.EMAIL),
        unreachable_count=result.unreachable, opted_out_count=result.opted_out)
    db.session.add(broadcast)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadySent(db.session.scalar(
            select(Broadcast.id).where(Broadcast.request_key == request_key))) from None
    for planned in result.sends:
        token = optouts.new_token()
        enqueue(planned.recipient, "broadcast",
                {"subject": subject, "text": text, "opt_out_url": optouts.opt_out_url(token)},
                cause=broadcast, by=by, channel=planned.channel, broadcast_id=broadcast.id,
                opt_out_token=token, flush=False)
    db.session.flush()  # the messages in one batch
    audit.record("broadcast.send", broadcast, user=by, rows=result.total,
                 details={"segment": segment.as_data(), "whatsapp": broadcast.whatsapp_count,
                          "email": broadcast.email_count, "unreachable": result.unreachable,
                          "opted_out": result.opted_out, "duplicates": result.duplicates})
    return broadcast


def status_counts(broadcast_id: int) -> dict[str, int]:
    """How many of a broadcast's messages are in each outbox status (one GROUP BY)."""
    return dict(db.session.execute(
        select(Message.status, func.count()).where(Message.broadcast_id == broadcast_id)
        .group_by(Message.status)).all())
