"""Check-in endpoints: scan, stats, registrant search, undo, scannable events."""
from __future__ import annotations

import uuid

from flask import g, jsonify, request

from events.api import bp
from events.api.auth import MAX_ID, api_login_required, error, json_body
from events.checkin.access import can_undo, scannable_event, scannable_events
from events.checkin.codes import MAX_CODE_LENGTH
from events.checkin.force import force_reason
from events.checkin.movements import DIRECTIONS, IN, OUT
from events.checkin.queries import search, search_item, stats
from events.checkin.service import METHODS, record_scan, undo
from extensions import db
from helpers.errors import DomainError
from helpers.forms import BAD_CHARS
from timeutil import parse_iso_utc, to_wib

MAX_DEVICE_LENGTH = 80
MAX_QUERY_LENGTH = 100
# The HTTP status of each scan result: the one mapping from the service's outcome to the web.
STATUS_OF_RESULT = {"checked_in": 201, "already_checked_in": 200, "invalid_code": 404,
                    "not_registered": 409, "wrong_event": 409, "cancelled": 409,
                    "outside_window": 409,
                    # check-out events (events/checkin/movements.py): a movement is made (201)
                    # or the pass out is refused (409)
                    "checked_out": 201, "re_entered": 201, "already_checked_out": 409,
                    "not_checked_in": 409, "checkout_disabled": 409}


class BadBody(DomainError):
    """A malformed scan body."""

    code = "bad_request"
    kind = "invalid"


def optional_str(body: dict, key: str, max_len: int, label: str) -> str | None:
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


def scan_id_of(body: dict) -> str:
    """The body's client-made `scan_id` as a canonical UUID (a scan's, or a group check-in's);
    raises BadBody."""
    scan_id = body.get("scan_id")
    if scan_id is None:
        raise BadBody("Kolom 'scan_id' (UUID buatan perangkat) wajib diisi.")
    if not isinstance(scan_id, str) or len(scan_id) > 45:
        raise BadBody("Kolom 'scan_id' harus berupa UUID.")
    try:
        return str(uuid.UUID(scan_id))
    except ValueError:
        raise BadBody("Kolom 'scan_id' harus berupa UUID, mis. "
                      "'3f2b8a4e-1c2d-4e5f-9a8b-7c6d5e4f3a2b'.") from None


def parse_scan(body) -> dict:
    """Validate a check-in body; raises BadBody with an Indonesian message."""
    if not isinstance(body, dict):
        raise BadBody("Isi permintaan harus berupa objek JSON.")
    code, registration_id = _ticket(body)
    scan_id = scan_id_of(body)
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
    device = optional_str(body, "device", MAX_DEVICE_LENGTH, "Kolom 'device'")
    method = body.get("method")
    if method is not None and method not in METHODS:
        raise BadBody("Kolom 'method' harus salah satu dari: qr, search, manual.")
    direction = _direction(body)
    force_reason = _force_reason(body)
    if force_reason is not None and direction == OUT:
        raise BadBody("Kolom 'force' hanya untuk check-in (direction 'in'), bukan untuk keluar.")
    return {"code": code, "registration_id": registration_id, "scan_id": scan_id,
            "scanned_at": scanned_at, "device": device,
            "method": method or ("search" if registration_id is not None else "qr"),
            "force_reason": force_reason, "direction": direction}


def _direction(body: dict) -> str:
    """'in' (the default: check in, or in again after going out) or 'out' (check-out events)."""
    direction = body.get("direction")
    if direction is None:
        return IN
    if direction not in DIRECTIONS:
        raise BadBody("Kolom 'direction' harus 'in' (masuk) atau 'out' (keluar).")
    return direction


def _ticket(body: dict) -> tuple[str | None, int | None]:
    """(code, registration_id): exactly one of the scanned text or a registration id (the door
    search, which never shows ticket tokens)."""
    code, registration_id = body.get("code"), body.get("registration_id")
    if registration_id is not None:
        if code is not None:
            raise BadBody("Isi salah satu saja: 'code' atau 'registration_id'.")
        if (not isinstance(registration_id, int) or isinstance(registration_id, bool)
                or not 0 < registration_id <= MAX_ID):
            raise BadBody("Kolom 'registration_id' harus berupa bilangan bulat positif.")
        return None, registration_id
    if code is None:
        raise BadBody("Kolom 'code' (isi QR yang dipindai) atau 'registration_id' wajib diisi.")
    if not isinstance(code, str):
        raise BadBody("Kolom 'code' harus berupa teks.")
    if not code.strip():
        raise BadBody("Kolom 'code' kosong.")
    if len(code) > MAX_CODE_LENGTH:
        raise BadBody(f"Kolom 'code' terlalu panjang (maksimal {MAX_CODE_LENGTH} karakter).")
    return code, None


def _force_reason(body: dict) -> str | None:
    """The reason of a check-in forced outside the window (`force: true`), else None; the
    reason's rule is force.force_reason (also checked when `force` is not set)."""
    force = body.get("force")
    if force is not None and not isinstance(force, bool):
        raise BadBody("Kolom 'force' harus true atau false.")
    reason = force_reason(body.get("reason"), field="reason", required=bool(force))
    return reason if force else None


@bp.post("/events/<int:event_id>/checkins")
@api_login_required
def check_in(event_id: int):
    """Record one scan; answers with the outcome (replays of a scan_id get the first answer)."""
    event = scannable_event(g.api_user, event_id)  # 404 / 403 before a bad body's 400
    scan = parse_scan(json_body())
    outcome = record_scan(event, scan["code"], by_user=g.api_user, scan_id=scan["scan_id"],
                          scanned_at=scan["scanned_at"], device=scan["device"],
                          method=scan["method"], registration_id=scan["registration_id"],
                          force_reason=scan["force_reason"], direction=scan["direction"])
    db.session.commit()
    return jsonify(outcome.body), STATUS_OF_RESULT[outcome.result]


@bp.get("/events/<int:event_id>/stats")
@api_login_required
def event_stats(event_id: int):
    """Registered, checked in, inside now and the peak, and check-ins per hour (WIB) for the
    live counter."""
    event = scannable_event(g.api_user, event_id)
    return jsonify(stats(event.id))


@bp.get("/events/<int:event_id>/registrations")
@api_login_required
def registrations(event_id: int):
    """Confirmed registrants whose name or phone matches `q` (door search)."""
    event = scannable_event(g.api_user, event_id)
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
    body = undo(checkin_id, by_user=g.api_user)
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


