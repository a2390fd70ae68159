"""A mother and her two children at the door (issue 15.1): the scan answer names her group, the
group API lists it and checks in the members not yet in, each through record_scan."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from events.checkin_models import CheckIn, ScanRecord
from events.models import Registration
from extensions import db
from tests.events.test_checkin_helpers import (
    bearer,
    grant,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)
from timeutil import utcnow

MOTHER = {"name": "Ibu Siti Rohmah", "phone": "0812-3456-7890",
          "companion-0-name": "Aisyah", "companion-0-relation": "anak", "companion-0-age_group": "anak",
          "companion-1-name": "Bima", "companion-1-relation": "anak", "companion-1-age_group": "balita"}


def family(app, client, event) -> list[int]:
    """The mother registers herself and two children as guests: [mother, Aisyah, Bima] ids."""
    assert client.post(f"/kegiatan/{event.id}/daftar-tamu", data=MOTHER).status_code == 302
    with app.app_context():
        return list(db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)
                                       .order_by(Registration.id)))


def token_of(app, reg_id: int) -> str:
    with app.app_context():
        return db.session.get(Registration, reg_id).token


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def group_url(event_id: int, reg_id: int, what: str = "group-checkins") -> str:
    return f"/api/v1/events/{event_id}/registrations/{reg_id}/{what}"


def test_scan_of_the_mother_says_her_group(app, client, login_as, make_event):
    event = make_event(allow_guests=True)
    mother, aisyah, bima = family(app, client, event)
    solo, solo_token = make_registration(app, event, name="Budi Santoso", phone="+6281300000001")
    panitia = login_as("panitia")
    body = panitia.post(f"/api/v1/events/{event.id}/checkins", json=scan(token_of(app, mother))).json
    assert body["result"] == "checked_in"
    assert body["attendee"] == {"name": "Ibu Siti Rohmah", "instansi": None, "registration_id": mother,
                                "group_size": 3, "lead_registration_id": None}
    child = panitia.post(f"/api/v1/events/{event.id}/checkins", json=scan(token_of(app, bima))).json
    assert child["attendee"]["group_size"] == 3 and child["attendee"]["lead_registration_id"] == mother
    alone = panitia.post(f"/api/v1/events/{event.id}/checkins", json=scan(solo_token)).json
    assert alone["attendee"]["group_size"] == 1 and alone["attendee"]["registration_id"] == solo
    assert count(app, CheckIn) == 3  # mother, Bima, Budi: Aisyah not yet
    assert count(app, CheckIn, CheckIn.registration_id == aisyah) == 0


def test_a_cancelled_child_is_not_counted_in_the_group(app, client, login_as, make_event):
    event = make_event(allow_guests=True)
    mother, aisyah, _bima = family(app, client, event)
    with app.app_context():
        db.session.get(Registration, aisyah).status = "cancelled"
        db.session.commit()
    body = login_as("panitia").post(f"/api/v1/events/{event.id}/checkins",
                                    json=scan(token_of(app, mother))).json
    assert body["attendee"]["group_size"] == 2


def test_group_lists_members_relation_age_group_and_who_is_in(app, client, login_as, make_event):
    event = make_event(allow_guests=True)
    mother, aisyah, bima = family(app, client, event)
    panitia = login_as("panitia")
    panitia.post(f"/api/v1/events/{event.id}/checkins", json=scan(token_of(app, mother)))
    for asked in (mother, bima):  # from the lead or from a child: the same group
        body = panitia.get(group_url(event.id, asked, "group")).json
        assert body["lead_registration_id"] == mother and body["size"] == 3 and body["pending"] == 2
        assert [(m["registration_id"], m["name"], m["relation"], m["age_group_label"], m["checked_in"])
                for m in body["members"]] == [
            (mother, "Ibu Siti Rohmah", None, "Dewasa", True),
            (aisyah, "Aisyah", "Anak", "Anak 6-12", False),
            (bima, "Bima", "Anak", "Balita", False)]
    assert count(app, CheckIn) == 1  # reading the group writes nothing
    assert count(app, ScanRecord) == 1


def test_group_check_in_records_each_member_not_yet_in(app, client, login_as, make_event):
    event = make_event(allow_guests=True)
    mother, aisyah, bima = family(app, client, event)
    panitia = login_as("panitia")
    panitia.post(f"/api/v1/events/{event.id}/checkins", json=scan(token_of(app, mother)))
    resp = panitia.post(group_url(event.id, mother), json={"scan_id": str(uuid.uuid4()), "device": "Pintu 1"})
    assert resp.status_code == 201
    body = resp.json
    assert body["result"] == "checked_in" and body["checked_in"] == 2
    assert body["message"] == ("Rombongan Ibu Siti Rohmah (3 orang): 2 dicatat hadir, "
                               "1 sudah hadir sebelumnya.")
    assert [(m["registration_id"], m["result"]) for m in body["members"]] == [
        (mother, "already_checked_in"), (aisyah, "checked_in"), (bima, "checked_in")]
    with app.app_context():
        rows = db.session.scalars(select(CheckIn).order_by(CheckIn.registration_id)).all()
        assert [r.registration_id for r in rows] == [mother, aisyah, bima]
        assert {r.by_user_id for r in rows} == {panitia.user.id}
        assert [(r.method, r.device) for r in rows[1:]] == [("manual", "Pintu 1")] * 2
        assert rows[1].id == body["members"][1]["checkin_id"]


def test_a_replay_records_nothing_twice(app, client, login_as, make_event):
    event = make_event(allow_guests=True)
    mother, *_kids = family(app, client, event)
    panitia = login_as("panitia")
    payload = {"scan_id": str(uuid.uuid4())}
    first = panitia.post(group_url(event.id, mother), json=payload)
    again = panitia.post(group_url(event.id, mother), json=payload)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json  # the same answers, from the stored ScanRecords
    assert count(app, CheckIn) == 3 and count(app, ScanRecord) == 3
    fresh = panitia.post(group_url(event.id, mother), json={"scan_id": str(uuid.uuid4())})
    assert fresh.status_code == 200 and fresh.json["result"] == "already_checked_in"
    assert fresh.json["checked_in"] == 0
    assert count(app, CheckIn) == 3


def test_another_events_registration_and_a_child_are_refused(app, client, login_as, make_event):
    event, other = make_event(allow_guests=True), make_event(allow_guests=True)
    mother, _aisyah, bima = family(app, client, event)
    stranger, _token = make_registration(app, other, name="Tamu Lain", phone="+6281300000002")
    panitia = login_as("panitia")
    resp = panitia.post(group_url(event.id, stranger), json={"scan_id": str(uuid.uuid4())})
    assert resp.status_code == 404 and resp.json["message"] == "Pendaftaran tidak ditemukan di acara ini."
    assert panitia.get(group_url(event.id, stranger, "group")).status_code == 404
    assert panitia.get(group_url(event.id, 2**40, "group")).status_code == 404
    resp = panitia.post(group_url(event.id, bima), json={"scan_id": str(uuid.uuid4())})
    assert resp.status_code == 409 and resp.json["result"] == "not_group_lead"
    assert "pendaftar utama" in resp.json["message"]
    resp = panitia.post(group_url(event.id, mother), json={"device": "Pintu 1"})
    assert resp.status_code == 400 and "scan_id" in resp.json["message"]
    assert count(app, CheckIn) == 0 and count(app, ScanRecord) == 0


def test_door_staff_grant_and_a_bearer_token_may_use_it_others_may_not(app, client, login_as,
                                                                       make_user, make_event):
    event = make_event(allow_guests=True)
    mother, *_kids = family(app, client, event)
    helper, stranger = login_as("relawan"), login_as("relawan")
    grant(app, event, helper.user)
    url = group_url(event.id, mother)
    assert client.post(url, json={"scan_id": str(uuid.uuid4())}).status_code == 401
    assert stranger.post(url, json={"scan_id": str(uuid.uuid4())}).status_code == 403
    assert login_as("koordinator").get(group_url(event.id, mother, "group")).status_code == 403
    assert count(app, CheckIn) == 0
    assert helper.get(group_url(event.id, mother, "group")).json["pending"] == 3
    resp = helper.post(url, json={"scan_id": str(uuid.uuid4())})
    assert resp.status_code == 201 and resp.json["checked_in"] == 3
    with app.app_context():
        assert set(db.session.scalars(select(CheckIn.by_user_id))) == {helper.user.id}
    plain = make_token(app, make_user("panitia"))
    resp = client.get(group_url(event.id, mother, "group"), headers=bearer(plain))
    assert resp.status_code == 200 and resp.json["pending"] == 0


def test_outside_the_window_nobody_is_checked_in(app, client, login_as, make_event):
    event = make_event(allow_guests=True, starts_at=utcnow().replace(microsecond=0) + timedelta(days=2))
    mother, *_kids = family(app, client, event)
    resp = login_as("panitia").post(group_url(event.id, mother), json={"scan_id": str(uuid.uuid4())})
    assert resp.status_code == 409 and resp.json["result"] == "outside_window"
    assert resp.json["checked_in"] == 0
    assert {m["result"] for m in resp.json["members"]} == {"outside_window"}
    assert "3 ditolak" in resp.json["message"]
    assert count(app, CheckIn) == 0
