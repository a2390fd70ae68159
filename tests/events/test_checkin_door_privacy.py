"""Door staff see names and statuses, never ticket tokens (issue 11.3), and a ticket of another
event names only that event, not its holder."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from events.checkin_models import CheckIn
from extensions import db
from tests.events.test_checkin_helpers import (
    bearer,
    grant,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)


def _checkins(app, **where) -> list[CheckIn]:
    with app.app_context():
        return list(db.session.scalars(select(CheckIn).filter_by(**where)))


def test_door_staff_search_returns_no_ticket_token_and_checks_in_by_registration_id(
        app, client, make_user, make_event):
    staff = make_user("relawan")
    event = make_event()
    grant(app, event, staff)
    plain = make_token(app, staff)
    reg_id, token = make_registration(app, event, name="Siti Aminah", phone="+6281234567890")

    resp = client.get(f"/api/v1/events/{event.id}/registrations?q=Siti", headers=bearer(plain))
    assert resp.status_code == 200
    items = resp.json["items"]
    assert [i["name"] for i in items] == ["Siti Aminah"]
    assert "token" not in items[0] and token not in json.dumps(resp.json)
    assert items[0]["registration_id"] == reg_id

    body = {"registration_id": items[0]["registration_id"], "scan_id": scan("x")["scan_id"],
            "method": "search"}
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=body, headers=bearer(plain))
    assert resp.status_code == 201 and resp.json["result"] == "checked_in"
    assert resp.json["attendee"]["name"] == "Siti Aminah"
    rows = _checkins(app, registration_id=reg_id)
    assert [(r.method, r.by_user_id) for r in rows] == [("search", staff.id)]


def test_registration_id_of_another_event_is_not_found_and_writes_nothing(
        app, login_as, make_event):
    client = login_as("panitia")
    here, other = make_event(), make_event(title="Pelatihan Lain")
    other_reg, _token = make_registration(app, other, name="Orang Lain")
    resp = client.post(f"/api/v1/events/{here.id}/checkins",
                       json={"registration_id": other_reg, "scan_id": scan("x")["scan_id"]})
    assert resp.status_code == 404 and resp.json["result"] == "invalid_code"
    assert resp.json["attendee"] is None and "Orang Lain" not in resp.get_data(as_text=True)
    assert _checkins(app) == []


def test_code_and_registration_id_together_are_refused(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    reg_id, token = make_registration(app, event)
    resp = client.post(f"/api/v1/events/{event.id}/checkins",
                       json={**scan(token), "registration_id": reg_id})
    assert resp.status_code == 400 and resp.json["result"] == "bad_request"
    assert _checkins(app) == []


def test_wrong_event_names_only_the_other_event_not_its_ticket_holder(
        app, client, make_user, make_event):
    staff = make_user("relawan")
    here = make_event(title="Sosialisasi PKPRI")
    other = make_event(title="Pelatihan Konselor Sebaya")
    grant(app, here, staff)
    _reg, token = make_registration(app, other, name="Dewi Rahasia", instansi="Kampus Untirta")
    resp = client.post(f"/api/v1/events/{here.id}/checkins", json=scan(token),
                       headers=bearer(make_token(app, staff)))
    assert resp.status_code == 409 and resp.json["result"] == "wrong_event"
    assert resp.json["message"] == "Tiket untuk kegiatan lain: Pelatihan Konselor Sebaya"
    assert resp.json["attendee"] is None
    text = resp.get_data(as_text=True)
    assert "Dewi Rahasia" not in text and "Untirta" not in text
    assert _checkins(app) == []


def test_door_desk_checks_in_by_registration_id(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    reg_id, _token = make_registration(app, event, name="Budi Meja")
    resp = client.post(f"/pindai/{event.id}/meja/{reg_id}")
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)
                                 .where(CheckIn.registration_id == reg_id,
                                        CheckIn.method == "search")) == 1
