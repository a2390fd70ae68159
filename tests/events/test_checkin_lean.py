"""The lean path of scans (events/checkin/lean.py) answers exactly as the full path.

Every case runs twice on twin data: once as it arrives (the lean path answers when it can), once
with the lean path switched off (the full path on the Session); and both for a device with a
bearer token and for the scanner page (browser session). The status, the body and the rows
written must match; the test also pins which cases the lean path answers itself and which it
leaves to the full path before writing anything.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from events.checkin import lean
from events.checkin_models import CheckIn, ScanRecord
from events.models import Registration, RegistrationStatus
from extensions import db
from tests.conftest import login
from tests.events.test_checkin_helpers import (
    bearer,
    grant,
    make_registration,
    make_token,
    scan,
)
from timeutil import parse_iso_utc, utcnow


def _rows(app, event_id):
    """What the scan wrote for this event: check-ins and stored answers (comparable fields)."""
    with app.app_context():
        recent = utcnow() - timedelta(minutes=5)  # "scanned now" differs between the twin runs
        checkins = [(c.method, c.device, "now" if c.scanned_at > recent else c.scanned_at)
                    for c in db.session.scalars(select(CheckIn).where(CheckIn.event_id == event_id)
                                                .order_by(CheckIn.id))]
        records = [(r.result, r.http_status) for r in db.session.scalars(
            select(ScanRecord).where(ScanRecord.event_id == event_id).order_by(ScanRecord.id))]
        regs = db.session.scalar(select(func.count()).select_from(Registration)
                                 .where(Registration.event_id == event_id))
    return checkins, records, regs


def _comparable(body):
    """The body without what differs between twin events by construction (ids, clock)."""
    body = dict(body)
    body.pop("checkin_id", None)
    if body.get("first_check_in"):
        body["first_check_in"] = {k: v for k, v in body["first_check_in"].items()
                                  if k not in ("at", "scanned_at")}
    body["message"] = body["message"].split(" pada ")[0]  # "... sudah check-in pada <time>"
    body.pop("ticket_event", None)
    return body


@pytest.fixture(params=["bearer", "session"])
def door(request, app, make_user, make_event, monkeypatch):
    """door(case) -> (lean answered? per lean call, [(status, body)], rows) after checking that
    the full path gives the same. Scans without their own headers come from the panitia, with
    a bearer token or from the scanner page (session cookie), per the fixture's parameter."""
    calls = []
    real = {"check_in": lean.check_in, "check_in_as": lean.check_in_as}

    def spy(name):
        def call(*args, **kwargs):
            found = real[name](*args, **kwargs)
            calls.append(found is not None)
            return found
        return call

    def run(setup, *, lean_on: bool):
        panitia = make_user("panitia", name="Budi Panitia")
        plain = make_token(app, panitia)
        client = app.test_client()
        own_headers = bearer(plain)
        if request.param == "session":
            login(client, panitia)
            own_headers = {}
        event = make_event(starts_at=utcnow() - timedelta(hours=1))
        bodies = setup(event, panitia, plain)
        for name in real:
            monkeypatch.setattr(lean, name, spy(name) if lean_on else (lambda *a, **k: None))
        calls.clear()
        out = []
        for body, headers in bodies:
            resp = client.post(f"/api/v1/events/{event.id}/checkins", json=body,
                               headers=headers or own_headers)
            out.append((resp.status_code, resp.json))
        return list(calls), out, _rows(app, event.id)

    def both(setup):
        answered, lean_out, lean_rows = run(setup, lean_on=True)
        _none, full_out, full_rows = run(setup, lean_on=False)
        assert [s for s, _b in lean_out] == [s for s, _b in full_out]
        assert [_comparable(b) for _s, b in lean_out] == [_comparable(b) for _s, b in full_out]
        assert lean_rows == full_rows
        return answered, lean_out, lean_rows
    return both


def _one(token_of, **kw):
    """A setup that registers one guest and scans `token_of(token)` once."""
    def setup(event, panitia, plain):
        _reg, token = make_registration(app_ref[0], event, **kw)
        return [(scan(token_of(token), device="HP pintu 1"), None)]
    return setup


app_ref: list = []


@pytest.fixture(autouse=True)
def _remember_app(app):
    app_ref[:] = [app]


def test_first_scan_second_scan_and_replay(door):
    def setup(event, panitia, plain):
        _reg, token = make_registration(app_ref[0], event, name="Siti Aminah")
        first = scan(f"http://localhost/t/{token}", device="Pintu A",
                     scanned_at="2026-11-28T09:15:00+07:00", method="search")
        return [(first, None), (first, None), (scan(token, device="Pintu B"), None)]
    answered, out, (checkins, records, _regs) = door(setup)
    assert answered == [True, True, True]
    assert [s for s, _b in out] == [201, 201, 200]
    assert out[1][1] == out[0][1]  # the replay gets the first answer, checkin_id included
    assert out[2][1]["first_check_in"]["by"] == "Budi Panitia (Pintu A)"
    assert out[2][1]["checkin_id"] == out[0][1]["checkin_id"]
    assert checkins == [("search", "Pintu A", parse_iso_utc("2026-11-28T09:15:00+07:00"))]
    assert records == [("checked_in", 201), ("already_checked_in", 200)]


@pytest.mark.parametrize(("kw", "code", "status", "result"), [
    ({}, lambda t: "t0ken-yang-tidak-ada-123", 404, "invalid_code"),
    ({}, lambda t: "bukan kode kita!", 404, "invalid_code"),
    ({"status": RegistrationStatus.CANCELLED}, lambda t: t, 409, "cancelled"),
    ({"status": RegistrationStatus.WAITLISTED}, lambda t: t, 409, "not_registered"),
])
def test_answers_without_a_check_in(door, kw, code, status, result):
    answered, out, (checkins, records, _regs) = door(_one(code, **kw))
    assert answered == [True]
    assert out[0][0] == status and out[0][1]["result"] == result
    assert checkins == [] and records == [(result, status)]


def test_walk_in_flag_is_kept(door):
    def setup(event, panitia, plain):
        reg_id, token = make_registration(app_ref[0], event, is_walk_in=True)
        with app_ref[0].app_context():
            db.session.get(Registration, reg_id).source = "walk_in"
            db.session.commit()
        return [(scan(token), None)]
    answered, out, _rows = door(setup)
    assert answered == [True] and out[0][1]["walk_in"] is True


def test_ticket_of_another_event_goes_to_the_full_path(door, make_event):
    def setup(event, panitia, plain):
        other = make_event(title="Pelatihan Sesi 2")
        _reg, token = make_registration(app_ref[0], other)
        return [(scan(token), None)]
    answered, out, (checkins, records, _regs) = door(setup)
    assert answered == [False]
    assert out[0][0] == 409 and "Pelatihan Sesi 2" in out[0][1]["message"]
    assert checkins == [] and records == [("wrong_event", 409)]


def test_relawan_card_goes_to_the_full_path(door, make_relawan):
    def setup(event, panitia, plain):
        rel = make_relawan(status="aktif", full_name="Dewi Lestari")
        make_registration(app_ref[0], event, relawan=rel)
        return [(scan(rel.card_token), None)]
    answered, out, (checkins, _records, _regs) = door(setup)
    assert answered == [False]
    assert out[0][0] == 201 and out[0][1]["attendee"]["name"] == "Dewi Lestari"
    assert len(checkins) == 1


def test_pelatihan_relawan_goes_to_the_full_path_guest_does_not(door, make_relawan):
    def setup(event, panitia, plain):
        with app_ref[0].app_context():
            db.session.get(type(event), event.id).kind = "pelatihan"
            db.session.commit()
        rel = make_relawan(status="terverifikasi", full_name="Nur Aini")
        _r, rel_token = make_registration(app_ref[0], event, relawan=rel)
        _g, guest_token = make_registration(app_ref[0], event)
        return [(scan(rel_token), None), (scan(guest_token), None)]
    answered, out, (checkins, _records, _regs) = door(setup)
    assert answered == [False, True]
    assert [s for s, _b in out] == [201, 201] and len(checkins) == 2


def test_access_failures_and_bad_bodies_go_to_the_full_path(door, make_user):
    def setup(event, panitia, plain):
        _reg, token = make_registration(app_ref[0], event)
        helper = make_user("relawan")
        helper_token = make_token(app_ref[0], helper)
        return [(scan(token), bearer("p2t_salah")),                      # 401
                (scan(token), bearer(helper_token)),                     # 403: no grant
                ({"code": token, "scan_id": "bukan-uuid"}, None),        # 400
                ({"code": token}, None)]                                 # 400
    answered, out, (checkins, records, _regs) = door(setup)
    assert answered == [False, False]  # the two bad bodies never reach the lean path
    assert [s for s, _b in out] == [401, 403, 400, 400]
    assert checkins == [] and records == []


def test_door_staff_with_a_grant_is_answered_by_the_lean_path(door, make_user):
    def setup(event, panitia, plain):
        _reg, token = make_registration(app_ref[0], event)
        helper = make_user("relawan", name="Rina Relawan")
        grant(app_ref[0], event, helper)
        return [(scan(token, device="HP Rina"), bearer(make_token(app_ref[0], helper)))]
    answered, out, (checkins, _records, _regs) = door(setup)
    assert answered == [True] and out[0][0] == 201 and checkins[0][1] == "HP Rina"


def test_lost_race_rolls_back_and_the_full_path_answers(app, client, make_user, make_event,
                                                        monkeypatch):
    """Another door checked the ticket in between the lean path's look and its INSERT: the unique
    constraint stops the INSERT, the lean transaction writes nothing, the full path answers."""
    panitia = make_user("panitia")
    plain = make_token(app, panitia)
    event = make_event(starts_at=utcnow() - timedelta(hours=1))
    _reg, token = make_registration(app, event)
    url = f"/api/v1/events/{event.id}/checkins"
    assert client.post(url, json=scan(token), headers=bearer(plain)).status_code == 201
    stale = lean.first_look_of

    def look_as_if_not_checked_in(row):
        stored, reg = stale(row)
        return stored, (reg._replace(ci_id=None) if reg is not None else None)

    monkeypatch.setattr(lean, "first_look_of", look_as_if_not_checked_in)
    results = []
    real = lean.check_in
    monkeypatch.setattr(lean, "check_in", lambda *a, **k: results.append(real(*a, **k)) or results[-1])
    scan_id = str(uuid.uuid4())
    resp = client.post(url, json=scan(token, scan_id=scan_id), headers=bearer(plain))
    assert results == [None]  # the lean path gave up after the IntegrityError
    assert resp.status_code == 200 and resp.json["result"] == "already_checked_in"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
        assert db.session.scalar(select(ScanRecord.result).where(ScanRecord.scan_id == scan_id)) \
            == "already_checked_in"
