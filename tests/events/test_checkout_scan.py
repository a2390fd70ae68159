"""Check-out per event (issue 13.3) through the scan API: out and in again keeps the one CheckIn
and adds movements; refused passes out write no movement; replays; status codes; undo."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from auth.models import AuditEntry
from events.checkin_models import CheckIn, CheckInMovement, ScanRecord
from events.models import Registration
from extensions import db
from tests.events.test_checkin_helpers import bearer, make_registration, make_token, scan
from timeutil import utcnow


@pytest.fixture
def door(app, make_user, make_event):
    """A panitia's scanner (bearer token) at a running event with check-out switched on:
    door.post(code, direction) -> (status, body); door.rows() -> what the database holds."""
    panitia = make_user("panitia", name="Budi Panitia")
    headers = bearer(make_token(app, panitia, name="HP pintu 1"))
    client = app.test_client()

    class Door:
        event = make_event(starts_at=utcnow().replace(microsecond=0) - timedelta(hours=1),
                           checkout_enabled=True, allow_walk_ins=True)

        def post(self, code, direction=None, event=None, **kw):
            body = scan(code, **kw)
            if direction is not None:
                body["direction"] = direction
            resp = client.post(f"/api/v1/events/{(event or self.event).id}/checkins", json=body,
                               headers=headers)
            return resp.status_code, resp.json

        def rows(self):
            """(check-ins, movements as (checkin_id, seq, direction), answers) of all events."""
            with app.app_context():
                checkins = db.session.scalars(select(CheckIn.id).order_by(CheckIn.id)).all()
                moves = db.session.execute(select(
                    CheckInMovement.checkin_id, CheckInMovement.seq, CheckInMovement.direction)
                    .order_by(CheckInMovement.id)).all()
                answers = db.session.scalars(select(ScanRecord.result).order_by(ScanRecord.id)).all()
            return checkins, [tuple(m) for m in moves], answers

    door = Door()
    door.client, door.headers = client, headers
    return door


def test_out_and_in_again_keeps_one_check_in_and_adds_movements(app, door):
    _reg_id, token = make_registration(app, door.event, name="Siti Aminah")
    assert door.post(token)[0] == 201
    [checkin_id], _moves, _answers = door.rows()

    status, body = door.post(token, "out", device="Pintu utara")
    assert (status, body["result"], body["checkin_id"]) == (201, "checked_out", checkin_id)
    assert body["movement"]["direction"] == "out" and body["movement"]["seq"] == 2
    assert body["message"].startswith("Siti Aminah tercatat keluar pukul ")
    assert body["first_check_in"]["by"] == "Budi Panitia"

    status, body = door.post(token)  # back in through the ordinary (Masuk) scan
    assert (status, body["result"], body["movement"]["direction"]) == (201, "re_entered", "in")
    assert body["message"] == "Selamat datang kembali, Siti Aminah. Masuk kembali tercatat."
    status, body = door.post(token, "in")  # inside already: nothing new
    assert (status, body["result"], body["checkin_id"]) == (200, "already_checked_in", checkin_id)
    assert door.post(token, "out")[0] == 201

    checkins, moves, answers = door.rows()
    assert checkins == [checkin_id]
    assert moves == [(checkin_id, 2, "out"), (checkin_id, 3, "in"), (checkin_id, 4, "out")]
    assert answers == ["checked_in", "checked_out", "re_entered", "already_checked_in", "checked_out"]
    with app.app_context():
        first = db.session.scalars(select(CheckInMovement).order_by(CheckInMovement.seq)).first()
        assert (first.device, first.method, first.event_id) == ("Pintu utara", "qr", door.event.id)


def test_out_before_the_check_in_is_refused_and_writes_nothing(app, door):
    _reg_id, token = make_registration(app, door.event, name="Rina Wulandari")
    status, body = door.post(token, "out")
    assert (status, body["result"]) == (409, "not_checked_in")
    assert body["message"] == "Rina Wulandari belum check-in, jadi tidak dapat dicatat keluar."
    assert door.rows() == ([], [], ["not_checked_in"])  # only the answer, for replays


def test_out_while_already_outside_is_refused_with_when_and_by_whom(app, door):
    _reg_id, token = make_registration(app, door.event, name="Siti Aminah")
    door.post(token)
    door.post(token, "out", device="Pintu utara")
    before = door.rows()[1]
    status, body = door.post(token, "out")
    assert (status, body["result"]) == (409, "already_checked_out")
    assert body["movement"]["by"] == "Budi Panitia (Pintu utara)"
    assert "sudah tercatat keluar pada" in body["message"] and "mode Masuk" in body["message"]
    assert door.rows()[1] == before


def test_out_on_an_event_without_check_out_is_refused_and_writes_nothing(app, door, make_event):
    plain = make_event(starts_at=utcnow().replace(microsecond=0) - timedelta(hours=1))
    _reg_id, token = make_registration(app, plain)
    assert door.post(token, event=plain)[0] == 201
    status, body = door.post(token, "out", event=plain)
    assert (status, body["result"]) == (409, "checkout_disabled")
    assert body["message"].startswith("Catat keluar tidak diaktifkan untuk acara ini.")
    checkins, moves, answers = door.rows()
    assert len(checkins) == 1 and moves == [] and answers == ["checked_in", "checkout_disabled"]
    stats = door.client.get(f"/api/v1/events/{plain.id}/stats", headers=door.headers).json
    assert (stats["checked_in"], stats["inside_now"], stats["peak_inside"]) == (1, 1, 1)


def test_a_replayed_out_scan_gets_the_first_answer_and_moves_once(app, door):
    _reg_id, token = make_registration(app, door.event)
    door.post(token)
    scan_id = str(uuid.uuid4())
    first = door.post(token, "out", scan_id=scan_id)
    again = door.post(token, "out", scan_id=scan_id)
    assert first == again and first[0] == 201
    _checkins, moves, answers = door.rows()
    assert len(moves) == 1 and answers == ["checked_in", "checked_out"]
    with app.app_context():
        assert db.session.scalar(select(CheckInMovement.scan_id)) == scan_id


def test_bad_direction_and_force_on_the_way_out_are_400_and_save_nothing(app, door):
    _reg_id, token = make_registration(app, door.event)
    status, body = door.post(token, "keluar")
    assert status == 400
    assert body["message"] == "Kolom 'direction' harus 'in' (masuk) atau 'out' (keluar)."
    status, body = door.post(token, "out", force=True, reason="Pulang cepat")
    assert status == 400 and "bukan untuk keluar" in body["message"]
    assert door.rows() == ([], [], [])


def test_a_relawan_card_on_the_way_out_registers_no_walk_in(app, door, make_relawan):
    rel = make_relawan(status="aktif", full_name="Dewi Lestari")
    status, body = door.post(rel.card_token, "out")
    assert (status, body["result"]) == (409, "not_registered")
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert door.rows() == ([], [], ["not_registered"])


def test_undo_of_the_check_in_deletes_its_movements(app, door, make_user):
    _reg_id, token = make_registration(app, door.event)
    checkin_id = door.post(token)[1]["checkin_id"]
    door.post(token, "out")
    door.post(token, "in")
    resp = door.client.delete(f"/api/v1/checkins/{checkin_id}", headers=door.headers)
    assert resp.status_code == 200 and resp.json["result"] == "undone"
    checkins, moves, _answers = door.rows()
    assert checkins == [] and moves == []
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "checkin_undo")).one()
        assert entry.details["movements"] == 2
    assert door.post(token)[1]["result"] == "checked_in"  # a fresh start: inside, no movements


def test_inside_now_and_peak_follow_the_movements_in_time(app, door):
    start = door.event.starts_at
    tokens = [make_registration(app, door.event, name=n)[1] for n in ("A", "B", "C", "D")]
    a, b, c, d = tokens

    def at(minutes):
        return (start + timedelta(minutes=minutes)).isoformat() + "Z"

    for token, minutes in ((a, 0), (b, 5), (c, 10)):  # three inside at 10'
        door.post(token, scanned_at=at(minutes))
    door.post(a, "out", scanned_at=at(15))
    door.post(b, "out", scanned_at=at(20))            # one inside
    door.post(a, "in", scanned_at=at(25))
    door.post(d, scanned_at=at(30))                   # A, C, D inside
    door.post(b, "in", scanned_at=at(35))             # four inside: the peak
    door.post(c, "out", scanned_at=at(40))
    stats = door.client.get(f"/api/v1/events/{door.event.id}/stats", headers=door.headers).json
    assert (stats["registered"], stats["checked_in"]) == (4, 4)
    assert (stats["inside_now"], stats["peak_inside"]) == (3, 4)
    door.post(a, "out", scanned_at=at(45))
    door.post(b, "out", scanned_at=at(50))
    stats = door.client.get(f"/api/v1/events/{door.event.id}/stats", headers=door.headers).json
    assert (stats["checked_in"], stats["inside_now"], stats["peak_inside"]) == (4, 1, 4)
