"""The one check-in path (events/checkin/service.record_scan) through the scan API, for a
device with a bearer token and for the scanner page (browser session): every case once per
caller, asserting the answer and what was written."""
from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from auth.models import ApiToken
from events.checkin import service
from events.checkin_models import CheckIn, ScanRecord
from events.models import Event, Registration, RegistrationStatus
from extensions import db
from tests.conftest import login
from tests.events.test_checkin_helpers import (
    bearer,
    grant,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)
from timeutil import parse_iso_utc, to_wib, utcnow


def _rows(app, event_id):
    """What the scans wrote for this event: check-ins and stored answers."""
    with app.app_context():
        checkins = [(c.method, c.device, c.scanned_at) for c in db.session.scalars(
            select(CheckIn).where(CheckIn.event_id == event_id).order_by(CheckIn.id))]
        records = list(db.session.scalars(select(ScanRecord.result).where(
            ScanRecord.event_id == event_id).order_by(ScanRecord.id)))
    return checkins, records


@pytest.fixture(params=["bearer", "session"])
def door(request, app, make_user, make_event):
    """A panitia at the door of a running event: door.post(body, headers=None) scans as the
    fixture's caller (bearer token or scanner page session)."""
    panitia = make_user("panitia", name="Budi Panitia")
    client = app.test_client()
    headers = bearer(make_token(app, panitia))
    if request.param == "session":
        login(client, panitia)
        headers = {}

    class Door:
        event = make_event(starts_at=utcnow() - timedelta(hours=1))
        kind = request.param

        def post(self, body, extra_headers=None):
            resp = client.post(f"/api/v1/events/{self.event.id}/checkins", json=body,
                               headers=extra_headers or headers)
            return resp.status_code, resp.json
    return Door()


def test_first_scan_second_scan_and_replay(app, door):
    _reg, token = make_registration(app, door.event, name="Siti Aminah")
    offline_at = to_wib(utcnow().replace(microsecond=0) - timedelta(minutes=30)).isoformat()
    first = scan(f"http://localhost/t/{token}", device="Pintu A",
                 scanned_at=offline_at, method="search")
    out = [door.post(first), door.post(first), door.post(scan(token, device="Pintu B"))]
    assert [s for s, _b in out] == [201, 201, 200]
    assert out[1][1] == out[0][1]  # the replay gets the first answer, checkin_id included
    assert out[2][1]["first_check_in"]["by"] == "Budi Panitia (Pintu A)"
    assert out[2][1]["checkin_id"] == out[0][1]["checkin_id"]
    checkins, records = _rows(app, door.event.id)
    assert checkins == [("search", "Pintu A", parse_iso_utc(offline_at))]
    assert records == ["checked_in", "already_checked_in"]


@pytest.mark.parametrize(("kw", "code", "status", "result"), [
    ({}, lambda t: "t0ken-yang-tidak-ada-123", 404, "invalid_code"),
    ({}, lambda t: "bukan kode kita!", 404, "invalid_code"),
    ({"status": RegistrationStatus.CANCELLED}, lambda t: t, 409, "cancelled"),
    ({"status": RegistrationStatus.WAITLISTED}, lambda t: t, 409, "not_registered"),
])
def test_answers_without_a_check_in_are_stored_for_replays(app, door, kw, code, status, result):
    _reg, token = make_registration(app, door.event, **kw)
    body = scan(code(token))
    assert door.post(body)[0] == status
    again = door.post(body)
    assert again[0] == status and again[1]["result"] == result
    assert _rows(app, door.event.id) == ([], [result])


def test_walk_in_flag_is_kept(app, door):
    reg_id, token = make_registration(app, door.event, is_walk_in=True)
    with app.app_context():
        db.session.get(Registration, reg_id).source = "walk_in"
        db.session.commit()
    status, body = door.post(scan(token))
    assert status == 201 and body["walk_in"] is True


def test_ticket_of_another_event_is_wrong_event(app, door, make_event):
    other = make_event(title="Pelatihan Sesi 2")
    _reg, token = make_registration(app, other)
    status, body = door.post(scan(token))
    assert status == 409 and "Pelatihan Sesi 2" in body["message"]
    assert body["ticket_event"]["id"] == other.id
    assert _rows(app, door.event.id) == ([], ["wrong_event"])


def test_relawan_card_checks_in_the_relawan_registration(app, door, make_relawan):
    rel = make_relawan(status="aktif", full_name="Dewi Lestari")
    make_registration(app, door.event, relawan=rel)
    status, body = door.post(scan(rel.card_token))
    assert status == 201 and body["attendee"]["name"] == "Dewi Lestari"
    assert len(_rows(app, door.event.id)[0]) == 1


def test_pelatihan_check_in_of_relawan_and_guest(app, door, make_relawan):
    with app.app_context():
        db.session.get(Event, door.event.id).kind = "pelatihan"
        db.session.commit()
    rel = make_relawan(status="terverifikasi", full_name="Nur Aini")
    _r, rel_token = make_registration(app, door.event, relawan=rel)
    _g, guest_token = make_registration(app, door.event)
    assert [door.post(scan(rel_token))[0], door.post(scan(guest_token))[0]] == [201, 201]
    assert len(_rows(app, door.event.id)[0]) == 2


def test_refusals_write_nothing(app, door, make_user):
    _reg, token = make_registration(app, door.event)
    helper = make_user("relawan")
    helper_token = make_token(app, helper)
    out = [door.post(scan(token), bearer("p2t_salah")),                    # 401
           door.post(scan(token), bearer(helper_token)),                   # 403: no grant
           door.post({"code": token, "scan_id": "bukan-uuid"}),            # 400
           door.post({"code": token})]                                     # 400
    assert [s for s, _b in out] == [401, 403, 400, 400]
    assert [b["result"] for _s, b in out] == ["unauthorized", "forbidden", "bad_request",
                                              "bad_request"]
    assert _rows(app, door.event.id) == ([], [])
    with app.app_context():  # the refused token's last-used stamp went with the rollback
        assert db.session.scalar(select(ApiToken.last_used_at)
                                 .where(ApiToken.user_id == helper.id)) is None


def test_door_staff_with_a_grant_checks_in(app, door, make_user):
    _reg, token = make_registration(app, door.event)
    helper = make_user("relawan", name="Rina Relawan")
    grant(app, door.event, helper)
    status, body = door.post(scan(token, device="HP Rina"), bearer(make_token(app, helper)))
    assert status == 201 and _rows(app, door.event.id)[0][0][1] == "HP Rina"


def test_lost_race_rolls_back_and_answers_already_checked_in(app, door, monkeypatch):
    """Another door checked the ticket in between this scan's read and its INSERT: the unique
    constraint stops the INSERT, the unit of work is rolled back and the scan judged again."""
    _reg, token = make_registration(app, door.event)
    assert door.post(scan(token))[0] == 201
    real_look = service._look
    looks = []

    def stale_once(scan_id, token, registration=None, **kw):
        stored, row = real_look(scan_id, token, registration, **kw)
        looks.append(row)
        if len(looks) == 1 and row is not None:  # the first read misses the other door's check-in
            row = SimpleNamespace(**{**row._asdict(), "ci_id": None})
        return stored, row

    monkeypatch.setattr(service, "_look", stale_once)
    scan_id = str(uuid.uuid4())
    status, body = door.post(scan(token, scan_id=scan_id))
    assert len(looks) == 2  # judged again after the IntegrityError
    assert status == 200 and body["result"] == "already_checked_in"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
        assert db.session.scalar(select(ScanRecord.result).where(ScanRecord.scan_id == scan_id)) \
            == "already_checked_in"


def test_a_bearer_get_writes_no_last_used_stamp_and_a_scan_does(app, door, make_user):
    """The door list and the counter poll with GET every few seconds: reads send no UPDATE (on
    SQLite one would take the write lock, and the GET's unit of work is never committed)."""
    helper = make_user("panitia", name="Pintu 2")
    plain = make_token(app, helper, name="HP pintu 2")
    writes: list[str] = []

    def note(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        client = app.test_client()
        for path in ("stats", "door-list"):
            assert client.get(f"/api/v1/events/{door.event.id}/{path}", headers=bearer(plain)).status_code == 200
        assert writes == []
        _reg, token = make_registration(app, door.event)
        assert door.post(scan(token), bearer(plain))[0] == 201
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)
    assert any("api_token" in w for w in writes)
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == helper.id)) is not None
