"""Door-list deltas (issue 13.2): a client polling with ?since= gets every change (new
registration, check-in, undone check-in, cancellation, waitlist promotion, re-registration with a
fresh token, a relawan's new name), also one committed by a transaction still open when the
previous list was read."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select, update

from auth.models import User
from events.checkin import doorlist
from events.checkin_models import CheckIn
from events.models import Event, Registration, RegistrationStatus
from events.services import registration as reg_service
from extensions import db
from relawan.models import Relawan
from tests.conftest import login
from tests.events.test_checkin_helpers import (
    bearer,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)
from tests.events.test_door_list import by_hash, door_list, sha16
from timeutil import utcnow


def _age(app, event_id: int, minutes: int = 60) -> None:
    """Make every change of the event's list an hour old (outside any delta's overlap)."""
    past = utcnow() - timedelta(minutes=minutes)
    with app.app_context():
        db.session.execute(update(Registration).where(Registration.event_id == event_id)
                           .values(changed_at=past))
        db.session.execute(update(CheckIn).where(CheckIn.event_id == event_id)
                           .values(recorded_at=past))
        relawan_ids = select(Registration.relawan_id).where(Registration.event_id == event_id)
        db.session.execute(update(Relawan).where(Relawan.id.in_(relawan_ids.scalar_subquery()))
                           .values(updated_at=past))
        db.session.commit()


def _setup(app, make_user, make_event, **event_kw):
    event = make_event(allow_guests=True, **event_kw)
    user = make_user("panitia")
    return event, user, bearer(make_token(app, user))


def _cursor(client, event, headers) -> str:
    resp = door_list(client, event.id, headers=headers)
    assert resp.status_code == 200
    return resp.json["cursor"]


def _delta(client, event, cursor, headers) -> dict:
    body = door_list(client, event.id, since=cursor, headers=headers).json
    assert body["full"] is False and body["cursor"] != cursor
    return body


def test_delta_holds_only_a_new_registration(app, client, make_user, make_event):
    event, _user, headers = _setup(app, make_user, make_event)
    make_registration(app, event, name="Lama Satu")
    make_registration(app, event, name="Lama Dua")
    _age(app, event.id)
    cursor = _cursor(client, event, headers)
    assert _delta(client, event, cursor, headers)["items"] == []
    with app.app_context():
        reg = reg_service.register_guest(db.session.get(Event, event.id), name="Baru Datang",
                                         instansi="PKK", jabatan=None, phone="+6281277778888")
        db.session.commit()
        token, changed_at = reg.token, reg.changed_at
    assert changed_at >= utcnow() - timedelta(minutes=1)
    body = _delta(client, event, cursor, headers)
    assert [(i["h"], i["n"], i["s"]) for i in by_hash(body).values()] == [
        (sha16(token), "Baru Datang", "confirmed")]
    assert body["removed"] == []


def test_delta_holds_a_check_in_and_later_its_undo(app, client, make_user, make_event):
    event, _user, headers = _setup(app, make_user, make_event)
    reg_id, token = make_registration(app, event)
    make_registration(app, event, name="Tidak Berubah")
    _age(app, event.id)
    cursor = _cursor(client, event, headers)
    answer = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token), headers=headers)
    assert answer.status_code == 201
    item = by_hash(_delta(client, event, cursor, headers))
    assert list(item) == [sha16(token)] and item[sha16(token)]["t"] is not None

    _age(app, event.id)  # the check-in is old news now: only the undo can bring the row back
    cursor = _cursor(client, event, headers)
    assert _delta(client, event, cursor, headers)["items"] == []
    resp = client.delete(f"/api/v1/checkins/{answer.json['checkin_id']}", headers=headers)
    assert resp.status_code == 200 and resp.json["result"] == "undone"
    body = _delta(client, event, cursor, headers)
    assert [(i["h"], i["s"], i["t"]) for i in by_hash(body).values()] == [
        (sha16(token), "confirmed", None)]
    with app.app_context():
        assert db.session.scalar(select(CheckIn).where(CheckIn.registration_id == reg_id)) is None
        assert db.session.get(Registration, reg_id).changed_at >= utcnow() - timedelta(minutes=1)


def test_delta_holds_a_cancellation_and_the_promotion_it_causes(app, client, make_user, make_event):
    event, user, headers = _setup(app, make_user, make_event, capacity=1)
    with app.app_context():
        ev = db.session.get(Event, event.id)
        first = reg_service.register_guest(ev, name="Pertama", instansi=None, jabatan=None,
                                           phone="+6281200000001")
        second = reg_service.register_guest(ev, name="Kedua", instansi=None, jabatan=None,
                                            phone="+6281200000002")
        db.session.commit()
        first_id, first_token, second_token = first.id, first.token, second.token
        assert second.status == RegistrationStatus.WAITLISTED
    make_registration(app, event, name="Tamu Lain", status=RegistrationStatus.CANCELLED)
    _age(app, event.id)
    cursor = _cursor(client, event, headers)
    with app.app_context():
        reg_service.cancel_registration(db.session.get(Registration, first_id),
                                        db.session.get(User, user.id))
        db.session.commit()
    items = by_hash(_delta(client, event, cursor, headers))
    assert {h: i["s"] for h, i in items.items()} == {sha16(first_token): "cancelled",
                                                     sha16(second_token): "confirmed"}
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.token, Registration.status)
                                           .where(Registration.event_id == event.id)).all())
    assert statuses[first_token] == "cancelled" and statuses[second_token] == "confirmed"


def test_re_registration_replaces_the_hash_and_removes_the_old_one(app, client, make_user,
                                                                   make_event):
    event, user, headers = _setup(app, make_user, make_event)
    with app.app_context():
        reg = reg_service.register_guest(db.session.get(Event, event.id), name="Sri Wahyuni",
                                         instansi=None, jabatan=None, phone="+6281255556666")
        reg_service.cancel_registration(reg, db.session.get(User, user.id))
        db.session.commit()
        old_token = reg.token
    _age(app, event.id)
    cursor = _cursor(client, event, headers)
    with app.app_context():
        again = reg_service.register_guest(db.session.get(Event, event.id), name="Sri Wahyuni",
                                           instansi=None, jabatan=None, phone="+6281255556666")
        db.session.commit()
        new_token, replaced = again.token, again.replaced_token_hash
    assert new_token != old_token and replaced == sha16(old_token)
    body = _delta(client, event, cursor, headers)
    assert [(i["h"], i["s"]) for i in by_hash(body).values()] == [(sha16(new_token), "confirmed")]
    assert body["removed"] == [sha16(old_token)]
    full = door_list(client, event.id, headers=headers).json  # a full list forgets the old one
    assert list(by_hash(full)) == [sha16(new_token)] and full["removed"] == []


def test_a_relawans_new_name_and_card_reach_the_delta(app, client, make_user, make_relawan,
                                                      make_event):
    event, _user, headers = _setup(app, make_user, make_event)
    relawan = make_relawan("aktif", full_name="Nama Lama")
    _id, token = make_registration(app, event, relawan=relawan)
    _age(app, event.id)
    cursor = _cursor(client, event, headers)
    with app.app_context():
        row = db.session.get(Relawan, relawan.id)
        row.full_name, row.card_token = "Nama Baru", "kartu-baru-0123456789"
        db.session.commit()
    items = by_hash(_delta(client, event, cursor, headers))
    assert items[sha16(token)]["n"] == "Nama Baru"
    assert items[sha16(token)]["c"] == sha16("kartu-baru-0123456789")


def test_a_change_committed_after_the_read_is_not_missed(app, make_user, make_event, monkeypatch):
    """A registration written before a list is read but committed after it: the next delta
    must hold it, although its changed_at is earlier than the cursor (DELTA_OVERLAP)."""
    event = make_event()
    make_registration(app, event, name="Sudah Ada")
    _age(app, event.id)
    # A session, not a bearer token: a token's last-used stamp is an UPDATE, which would wait
    # for the open transaction's lock on SQLite.
    client, headers = login(app.test_client(), make_user("panitia")), {}
    with app.app_context():
        conn = db.engine.connect()
        trans = conn.begin()
        conn.execute(insert(Registration), {
            "event_id": event.id, "guest_name": "Telat Commit", "status": "confirmed",
            "source": "guest", "token": "token-yang-telat-commit-01", "created_at": utcnow()})
        try:
            body = door_list(client, event.id, headers=headers).json
            assert [i["n"] for i in by_hash(body).values()] == ["Sudah Ada"]  # not visible yet
            cursor = body["cursor"]
        finally:
            trans.commit()
            conn.close()
        stamped = db.session.scalar(select(Registration.changed_at)
                                    .where(Registration.token == "token-yang-telat-commit-01"))
    assert stamped < doorlist.parse_cursor(cursor, event.id, utcnow())  # stamped before the read
    monkeypatch.setattr(doorlist, "DELTA_OVERLAP", timedelta(0))
    assert _delta(client, event, cursor, headers)["items"] == []  # what a naive cursor loses
    monkeypatch.undo()
    items = by_hash(_delta(client, event, cursor, headers))
    assert [i["n"] for i in items.values()] == ["Telat Commit"]
    assert list(items) == [sha16("token-yang-telat-commit-01")]
