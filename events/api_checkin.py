"""Check-in endpoints: scan, stats, registrant search, undo, scannable events."""
from __future__ import annotations

import uuid
from typing import NamedTuple

from flask import g, jsonify, request
from sqlalchemy import Integer, String, text

from events import checkin as service
from events.api import bp
from events.api_auth import MAX_ID, api_login_required, error
from events.checkin import lean
from events.checkin.access import STAFF, can_scan, can_undo, scannable_events
from events.checkin.codes import MAX_CODE_LENGTH
from events.checkin.queries import search, search_item, stats
from extensions import db
from helpers.forms import BAD_CHARS
from timeutil import parse_iso_utc, to_wib

MAX_DEVICE_LENGTH = 80
MAX_QUERY_LENGTH = 100


class BadBody(Exception):
    """A malformed request body; the message is Indonesian."""


class EventRef(NamedTuple):
    """The two event fields the API needs (a plain row, not an ORM object, on every scan)."""

    id: int
    kind: str


_EVENT_LOOKUP = text("SELECT id, kind FROM event WHERE id = :id").columns(id=Integer, kind=String)


def _event_or_error(event_id: int):
    """The event of the path if the caller may scan it, else a 404/403 answer. Bearer requests
    read the event and the door-staff grant together with the token (api_auth, g.api_event)."""
    access = g.get("api_event")
    if access is not None:
        if access.id is None:
            return None, error(404, "not_found", "Acara tidak ditemukan.")
        if not (g.api_user.role in STAFF or access.grant_active):
            return None, error(403, "forbidden", "Anda tidak memiliki akses pemindai untuk acara ini.")
        return EventRef(access.id, access.kind), None
    row = db.session.execute(_EVENT_LOOKUP, {"id": event_id}).first() if event_id <= MAX_ID else None
    event = EventRef(row.id, row.kind) if row else None
    if event is None:
        return None, error(404, "not_found", "Acara tidak ditemukan.")
    if not can_scan(g.api_user, event.id):
        return None, error(403, "forbidden", "Anda tidak memiliki akses pemindai untuk acara ini.")
    return event, None


def _optional_str(body: dict, key: str, max_len: int, label: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadBody(f"{label} harus berupa teks.")
    value = value.strip()
    if len(value) > max_len:
        raise BadBody(f"{label} terlalu panjang (maksimal {max_len} karakter).")
    if BAD_CHARS.search(value):  # PostgreSQL refuses NUL in text; no device name has one
        raise BadBody(f"{label} mengandung karakter yang tidak valid.")
    return value or None


def parse_scan(body) -> dict:
    """Validate a check-in body; raises BadBody with an Indonesian message."""
    if not isinstance(body, dict):
        raise BadBody("Isi permintaan harus berupa objek JSON.")
    code = body.get("code")
    if code is None:
        raise BadBody("Kolom 'code' (isi QR yang dipindai) wajib diisi.")
    if not isinstance(code, str):
        raise BadBody("Kolom 'code' harus berupa teks.")
    if not code.strip():
        raise BadBody("Kolom 'code' kosong.")
    if len(code) > MAX_CODE_LENGTH:
        raise BadBody(f"Kolom 'code' terlalu panjang (maksimal {MAX_CODE_LENGTH} karakter).")
    scan_id = body.get("scan_id")
    if scan_id is None:
        raise BadBody("Kolom 'scan_id' (UUID buatan perangkat) wajib diisi.")
    if not isinstance(scan_id, str) or len(scan_id) > 45:
        raise BadBody("Kolom 'scan_id' harus berupa UUID.")
    try:
        scan_id = str(uuid.UUID(scan_id))
    except ValueError:
        raise BadBody("Kolom 'scan_id' harus berupa UUID, mis. "
                      "'3f2b8a4e-1c2d-4e5f-9a8b-7c6d5e4f3a2b'.") from None
    scanned_raw = body.get("scanned_at")
    scanned_at = None
    if scanned_raw is not None:
        if not isinstance(scanned_raw, str) or len(scanned_raw) > 40:
            raise BadBody("Kolom 'scanned_at' harus berupa waktu ISO 8601.")
        try:
            scanned_at = parse_iso_utc(scanned_raw.strip())
        except (ValueError, OverflowError):
            raise BadBody("Kolom 'scanned_at' harus berupa waktu ISO 8601, "
                          "mis. '2026-11-28T09:15:00+07:00'.") from None
    device = _optional_str(body, "device", MAX_DEVICE_LENGTH, "Kolom 'device'")
    method = body.get("method")
    if method is not None and method not in service.METHODS:
        raise BadBody("Kolom 'method' harus salah satu dari: qr, search, manual.")
    return {"code": code, "scan_id": scan_id, "scanned_at": scanned_at, "device": device,
            "method": method or "qr"}


def _scan_key(body) -> tuple[str, str | None] | None:
    """(scan_id, ticket token) of a well-formed scan body, else None (no first look ahead)."""
    if not isinstance(body, dict) or not isinstance(body.get("scan_id"), str):
        return None
    try:
        scan_id = str(uuid.UUID(body["scan_id"]))
    except ValueError:
        return None
    return scan_id, service.parse_code(body.get("code"))


def _valid_scan_or_none() -> dict | None:
    """The parsed body for the lean path, or None: a bad body goes to the full path, which
    answers 401/403/404 before it words the 400."""
    try:
        return parse_scan(request.get_json(silent=True))
    except BadBody:
        return None


@bp.post("/events/<int:event_id>/checkins")
def check_in(event_id: int):
    """Record one scan; answers with the outcome (replays of a scan_id get the first answer).
    A door phone's bearer-token scan takes the lean path (events/checkin/lean.py) when it can;
    anything else, and whatever the lean path leaves, goes through the full path."""
    scheme, _, bearer = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and event_id <= MAX_ID:
        scan = _valid_scan_or_none()
        found = lean.check_in(bearer.strip(), event_id, scan) if scan is not None else None
        if found is not None:
            g.api_user, g.api_auth = found[0], "bearer"
            return jsonify(found[1].body), found[1].http_status
    return _check_in(event_id)


@api_login_required(scan_key=_scan_key)
def _check_in(event_id: int):
    """The full path of a scan: session or bearer caller, every outcome, on the Session. A
    session caller (the scanner page) first gets the lean path too, now that it is
    authenticated and its CSRF token checked."""
    if g.api_auth == "session" and event_id <= MAX_ID:
        scan = _valid_scan_or_none()
        found = lean.check_in_as(g.api_user, event_id, scan) if scan is not None else None
        if found is not None:
            return jsonify(found[1].body), found[1].http_status
    event, failure = _event_or_error(event_id)
    if failure:
        return failure
    try:
        scan = parse_scan(request.get_json(silent=True))
    except BadBody as exc:
        return error(400, "bad_request", str(exc))
    first_look = None
    access = g.get("api_event")
    if access is not None and access.row is not None and g.get("api_scan_key") == (
            scan["scan_id"], service.parse_code(scan["code"])):
        first_look = service.first_look_of(access.row)  # read with the token (api_auth)
    outcome = service.check_in(event, scan["code"], by_user=g.api_user, scan_id=scan["scan_id"],
                               scanned_at=scan["scanned_at"], device=scan["device"],
                               method=scan["method"], first_look=first_look)
    db.session.commit()
    return jsonify(outcome.body), outcome.http_status


@bp.get("/events/<int:event_id>/stats")
@api_login_required
def event_stats(event_id: int):
    """Registered, checked in, and check-ins per hour (WIB) for the live counter."""
    event, failure = _event_or_error(event_id)
    if failure:
        return failure
    return jsonify(stats(event.id))


@bp.get("/events/<int:event_id>/registrations")
@api_login_required
def registrations(event_id: int):
    """Confirmed registrants whose name or phone matches `q` (door search)."""
    event, failure = _event_or_error(event_id)
    if failure:
        return failure
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_LENGTH:
        return error(400, "bad_request", f"Kata kunci terlalu panjang (maksimal {MAX_QUERY_LENGTH}).")
    if len(q.strip()) < 2:
        return jsonify({"items": [], "message": "Ketik minimal 2 huruf nama atau angka nomor HP."})
    return jsonify({"items": [search_item(r) for r in search(event.id, q)], "message": None})


@bp.delete("/checkins/<int:checkin_id>")
@api_login_required
def undo_check_in(checkin_id: int):
    """Undo a check-in (panitia and admin only); written to the audit log."""
    if not can_undo(g.api_user):
        return error(403, "forbidden", "Hanya panitia atau admin yang dapat membatalkan check-in.")
    if checkin_id > MAX_ID:
        return error(404, "not_found", "Check-in tidak ditemukan atau sudah dibatalkan.")
    try:
        body = service.undo(checkin_id, by_user=g.api_user)
    except service.CheckInError as exc:
        return error(404, "not_found", exc.message)
    db.session.commit()
    return jsonify(body)


@bp.get("/events")
@api_login_required
def events():
    """Events the caller may scan (running now or in the next two weeks)."""
    items = [{"id": e.id, "title": e.title, "kind": e.kind, "venue_name": e.venue_name,
              "starts_at": to_wib(e.starts_at).isoformat(timespec="seconds"),
              "ends_at": to_wib(e.ends_at).isoformat(timespec="seconds")}
             for e in scannable_events(g.api_user)]
    return jsonify({"items": items})


