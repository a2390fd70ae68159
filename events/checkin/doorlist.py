"""The door list (issue 13.2): what a scanner needs to judge tickets while offline, and the
deltas that keep it fresh (GET /api/v1/events/<id>/door-list, events/api/doorlist.py).

One item per registration of the event, in every status (a waitlisted or cancelled ticket must be
refused offline with the right words): `h`, the door hash of the ticket token (`token_hash`:
the first 16 hex characters of SHA-256 of the token that codes.parse_code reads from the
scanned text), never the token; `c`, the same hash of the relawan's personal card when the
registration is a relawan's (a registered relawan may show the card instead); the name and
instansi the scan API shows (messages.attendee_from_row); the status; the check-in time. Never a
NIK, a phone number or an email address.

Deltas. A cursor names the event and the server time at which a list was read. A read with a
cursor returns every registration of the event that changed at or after (that time -
DELTA_OVERLAP), where a change is any of
- Registration.changed_at: stamped on every INSERT and UPDATE of the row, ORM or Core (the
  column's default and onupdate): a new registration, a cancellation, a waitlist promotion, a
  re-registration with a fresh token;
- CheckIn.recorded_at: a new check-in (server time);
- an undone check-in: its CheckIn row is deleted, so service.undo calls `touch`, which stamps
  the registration;
- Relawan.updated_at (also onupdate): a relawan's name, organisation or card (anonymisation).
A cursor of another version or event, older than CURSOR_MAX_AGE or from the future gets the full
list (`full: true`); a `since` that is no cursor at all is refused (BadCursor, 400).

Why an overlap and not "changed after the last read": a stamp is taken when a row is written,
but the change is visible only when its transaction commits, a little later. A read between the
two does not see the change, yet hands out a cursor later than its stamp; "after the cursor"
would skip it for good. Every delta therefore looks DELTA_OVERLAP (2 minutes) further back than
its cursor: a transaction that commits within 2 minutes of its writes is never missed (a web
request is killed after GUNICORN_TIMEOUT, 30 s by default, and its transaction rolled back; on
SQLite the request's snapshot may be a few milliseconds older than the cursor's time, which the
overlap covers as well), nor are clocks of app servers that differ by less than a minute. A
sequence number would not help (sequences are also taken before the commit); PostgreSQL's
transaction snapshots would, but SQLite has none. The price is that the last 2 minutes' changes
come again on each poll (a few KB at a busy door); merging an item is idempotent.

Removal. Registrations are never deleted, but a cancelled registration taken up again gets a
fresh ticket token (services/registration.py); the row keeps the door hash of the token it
replaced (Registration.replaced_token_hash) and a delta lists it in `removed`. Only the last
replaced token is kept: a ticket replaced twice between two polls leaves its first dead hash on
the client (shown as cancelled) until the next full list, which a cursor older than
CURSOR_MAX_AGE always gets.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, union, update

from events.checkin.messages import attendee_from_row
from events.checkin.window import checkin_window
from events.checkin_models import CheckIn
from events.models import Registration
from extensions import db
from helpers.errors import DomainError
from helpers.forms import BAD_CHARS
from relawan.models import Relawan
from timeutil import to_wib, utcnow

HASH_NAME = "sha256-16"
FIELDS = ["h", "c", "n", "l", "s", "t"]
DELTA_OVERLAP = timedelta(minutes=2)
CURSOR_MAX_AGE = timedelta(hours=24)
MAX_CURSOR_LENGTH = 64
_CURSOR_VERSION = "1"
_CURSOR = re.compile(r"([0-9]{1,3})\.([0-9]{1,10})\.([0-9]{1,17})")
_EPOCH = datetime(1970, 1, 1)


class BadCursor(DomainError):
    """A `since` that is no cursor of ours (the API answers 400)."""

    code = "bad_request"
    kind = "invalid"


def token_hash(token: str) -> str:
    """THE door hash of a ticket or card token: the first 16 lowercase hex characters of SHA-256
    of its UTF-8 bytes (64 bits: no collision among an event's tickets, and no token from it)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def touch(registration_id: int) -> None:
    """Mark a registration changed for door lists when the change is not an UPDATE of its own
    row (an undone check-in deletes the CheckIn only)."""
    db.session.execute(update(Registration).where(Registration.id == registration_id)
                       .values(changed_at=utcnow()).execution_options(synchronize_session=False))


def make_cursor(event_id: int, read_at: datetime) -> str:
    """The cursor of a list of `event_id` read at `read_at` (naive UTC)."""
    micros = (read_at - _EPOCH) // timedelta(microseconds=1)
    return f"{_CURSOR_VERSION}.{event_id}.{micros}"


def parse_cursor(text: str | None, event_id: int, now: datetime) -> datetime | None:
    """The read time a `since` stands for, or None when the list goes out in full (no cursor,
    another version's or event's, older than CURSOR_MAX_AGE or from the future). Raises
    BadCursor with an Indonesian message when `text` is not a cursor at all."""
    if not text:
        return None
    if len(text) > MAX_CURSOR_LENGTH:
        raise BadCursor(f"Parameter 'since' terlalu panjang (maksimal {MAX_CURSOR_LENGTH} karakter).")
    if BAD_CHARS.search(text):
        raise BadCursor("Parameter 'since' mengandung karakter yang tidak valid.")
    match = _CURSOR.fullmatch(text)
    if match is None:
        raise BadCursor("Parameter 'since' bukan penanda daftar pintu yang valid. Muat ulang "
                        "daftar tanpa 'since'.")
    if match[1] != _CURSOR_VERSION or int(match[2]) != event_id:
        return None
    read_at = _EPOCH + timedelta(microseconds=int(match[3]))
    if not now - CURSOR_MAX_AGE <= read_at <= now + DELTA_OVERLAP:
        return None
    return read_at


REG, CHECK_IN, RELAWAN = Registration.__table__, CheckIn.__table__, Relawan.__table__
_ROWS = (select(REG.c.token, REG.c.status, REG.c.relawan_id, REG.c.guest_name,
                REG.c.guest_instansi, REG.c.replaced_token_hash, RELAWAN.c.full_name,
                RELAWAN.c.organisation, RELAWAN.c.organisation_detail, RELAWAN.c.card_token,
                CHECK_IN.c.scanned_at.label("ci_scanned_at"))
         .select_from(REG.outerjoin(RELAWAN, RELAWAN.c.id == REG.c.relawan_id)
                      .outerjoin(CHECK_IN, CHECK_IN.c.registration_id == REG.c.id))
         .order_by(REG.c.id))
_LIST = _ROWS.where(REG.c.event_id == bindparam("event_id"))
# The registrations changed since: three index-led reads (registration (event_id, changed_at),
# check_in (event_id, recorded_at), the event's relawan registrations) rather than one OR over
# the joined rows, which reads every registration of the event.
_CHANGED = union(
    select(REG.c.id).where(REG.c.event_id == bindparam("event_id"),
                           REG.c.changed_at >= bindparam("since")),
    select(CHECK_IN.c.registration_id).where(CHECK_IN.c.event_id == bindparam("event_id"),
                                             CHECK_IN.c.recorded_at >= bindparam("since")),
    select(REG.c.id).join(RELAWAN, RELAWAN.c.id == REG.c.relawan_id)
    .where(REG.c.event_id == bindparam("event_id"), RELAWAN.c.updated_at >= bindparam("since")),
).subquery("changed")
_DELTA = _ROWS.where(REG.c.id.in_(select(_CHANGED.c.id)))  # each part is of this event


def _item(row) -> list:
    """One registration as the list carries it, in FIELDS order."""
    attendee = attendee_from_row(row)
    return [token_hash(row.token), token_hash(row.card_token) if row.card_token else None,
            attendee["name"], attendee["instansi"], row.status,
            _iso(row.ci_scanned_at) if row.ci_scanned_at else None]


def _iso(at: datetime) -> str:
    """WIB, ISO 8601 to the second, as the scan API writes times."""
    return to_wib(at).isoformat(timespec="seconds")


def door_list(event, since: str | None) -> dict:
    """The door list of `event` (a row from access.scannable_event): in full, or what changed
    since the cursor `since` (see the module docstring). Reads only. Raises BadCursor."""
    now = utcnow()
    read_at = parse_cursor(since, event.id, now)
    if read_at is None:
        rows = db.session.execute(_LIST, {"event_id": event.id}).all()
    else:
        rows = db.session.execute(_DELTA, {"event_id": event.id,
                                           "since": read_at - DELTA_OVERLAP}).all()
    opens, closes = checkin_window(event)
    return {"event_id": event.id, "cursor": make_cursor(event.id, now), "full": read_at is None,
            "window": {"opens": _iso(opens), "closes": _iso(closes)},
            "hash": HASH_NAME, "fields": FIELDS,
            "items": [_item(row) for row in rows],
            "removed": [] if read_at is None else
            [row.replaced_token_hash for row in rows if row.replaced_token_hash]}
