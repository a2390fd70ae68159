"""Door list for offline scanning (issue 13.2): who may read it, its shape, what it never holds
(tokens, NIK, phone, email), the hash, and a bad `since` refused with nothing written."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from auth.models import AuditEntry
from events.checkin.doorlist import make_cursor
from events.checkin.window import checkin_window
from events.checkin_models import CheckIn, ScanRecord
from events.models import Registration, RegistrationStatus
from extensions import db
from relawan.models import Relawan
from tests.conftest import login
from tests.events.test_checkin_helpers import (
    bearer,
    grant,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)
from timeutil import to_wib, utcnow


def door_list(client, event_id, since=None, headers=None):
    url = f"/api/v1/events/{event_id}/door-list"
    return client.get(url, query_string={} if since is None else {"since": since}, headers=headers or {})


def sha16(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def by_hash(body: dict) -> dict:
    return {item[0]: dict(zip(body["fields"], item, strict=True)) for item in body["items"]}


def test_bearer_session_and_door_staff_may_read(app, client, make_user, make_event):
    event = make_event()
    _id, token = make_registration(app, event)
    panitia = make_user("panitia")
    resp = door_list(client, event.id, headers=bearer(make_token(app, panitia)))
    assert resp.status_code == 200 and list(by_hash(resp.json)) == [sha16(token)]
    session_client = login(app.test_client(), make_user("admin"))
    assert door_list(session_client, event.id).json["items"] == resp.json["items"]
    staff = make_user("relawan")
    grant(app, event, staff)
    assert door_list(client, event.id, headers=bearer(make_token(app, staff))).status_code == 200
    assert door_list(login(app.test_client(), staff), event.id).status_code == 200


def test_others_are_refused_like_the_scan_api(app, client, make_user, make_event, login_as):
    event, other = make_event(), make_event()
    make_registration(app, event)
    resp = door_list(client, event.id)
    assert resp.status_code == 401 and resp.json["result"] == "unauthorized"
    staff_of_other = make_user("relawan")
    grant(app, other, staff_of_other)
    resp = door_list(client, event.id, headers=bearer(make_token(app, staff_of_other)))
    assert resp.status_code == 403 and resp.json["result"] == "forbidden"
    assert "Siti" not in resp.get_data(as_text=True)
    revoked = make_user("relawan")
    grant(app, event, revoked, revoked=True)
    assert door_list(client, event.id, headers=bearer(make_token(app, revoked))).status_code == 403
    for role in ("relawan", "koordinator"):
        assert door_list(login_as(role), event.id).status_code == 403
    resp = door_list(login_as("admin"), 999999)
    assert resp.status_code == 404 and resp.json["result"] == "not_found"
    # The scan API answers the same caller the same way.
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan("abcdefgh"),
                       headers=bearer(make_token(app, staff_of_other)))
    assert resp.status_code == 403


def test_shape_names_status_and_check_in_time(app, client, make_user, make_relawan, make_event):
    event = make_event()
    relawan = make_relawan("aktif", full_name="Rina Marlina", organisation_detail="PKK Cipare")
    rel_id, rel_token = make_registration(app, event, relawan=relawan)
    guest_id, guest_token = make_registration(app, event, name="Budi Santoso", instansi=None,
                                              phone="+6281298765432")
    _w, wait_token = make_registration(app, event, name="Dewi Lestari",
                                       status=RegistrationStatus.WAITLISTED)
    _c, cancel_token = make_registration(app, event, name="Eko Prasetyo", instansi="Karang Taruna",
                                         status=RegistrationStatus.CANCELLED)
    user = make_user("panitia")
    headers = bearer(make_token(app, user))
    scanned_at = utcnow().replace(microsecond=0) - timedelta(minutes=3)
    answer = client.post(f"/api/v1/events/{event.id}/checkins", headers=headers,
                         json=scan(f"http://localhost/t/{rel_token}",
                                   scanned_at=scanned_at.isoformat() + "Z")).json
    assert answer["result"] == "checked_in"

    body = door_list(client, event.id, headers=headers).json
    assert set(body) == {"event_id", "cursor", "full", "window", "hash", "fields", "items", "removed"}
    assert body["event_id"] == event.id and body["full"] is True and body["removed"] == []
    assert body["hash"] == "sha256-16" and body["fields"] == ["h", "c", "n", "l", "s", "t"]
    with app.app_context():
        opens, closes = checkin_window(event)
    assert body["window"] == {"opens": to_wib(opens).isoformat(timespec="seconds"),
                              "closes": to_wib(closes).isoformat(timespec="seconds")}
    assert body["window"]["opens"].endswith("+07:00")
    items = by_hash(body)
    assert list(items) == [sha16(t) for t in (rel_token, guest_token, wait_token, cancel_token)]
    assert items[sha16(rel_token)] == {
        "h": sha16(rel_token), "c": sha16(relawan.card_token), "n": answer["attendee"]["name"],
        "l": answer["attendee"]["instansi"], "s": "confirmed",
        "t": to_wib(scanned_at).isoformat(timespec="seconds")}
    assert (answer["attendee"]["name"], answer["attendee"]["instansi"]) == ("Rina Marlina", "PKK Cipare")
    assert items[sha16(guest_token)] == {"h": sha16(guest_token), "c": None, "n": "Budi Santoso",
                                         "l": None, "s": "confirmed", "t": None}
    assert items[sha16(wait_token)]["s"] == "waitlisted"
    assert items[sha16(cancel_token)]["s"] == "cancelled"
    assert items[sha16(cancel_token)]["l"] == "Karang Taruna"
    with app.app_context():  # the list matches the database
        statuses = dict(db.session.execute(select(Registration.token, Registration.status)
                                           .where(Registration.event_id == event.id)).all())
        assert {sha16(t): s for t, s in statuses.items()} == {h: i["s"] for h, i in items.items()}
        assert db.session.get(CheckIn, answer["checkin_id"]).registration_id == rel_id
        assert db.session.get(Registration, guest_id).guest_phone == "+6281298765432"


def test_no_token_nik_phone_or_email_in_the_list(app, client, make_user, make_relawan, make_event):
    event = make_event()
    relawan = make_relawan("aktif", phone="+6281311112222")
    _id, rel_token = make_registration(app, event, relawan=relawan)
    _id, guest_token = make_registration(app, event, phone="+6281233334444",
                                         guest_email="siti.aminah@contoh.id")
    resp = door_list(client, event.id, headers=bearer(make_token(app, make_user("panitia"))))
    text = resp.get_data(as_text=True)
    with app.app_context():
        rel = db.session.get(Relawan, relawan.id)
        secrets = [rel_token, guest_token, rel.card_token, rel.nik, "+6281311112222",
                   "81311112222", "+6281233334444", "81233334444", "siti.aminah@contoh.id",
                   rel.user.email]
    for secret in secrets:
        assert secret and secret not in text, secret
    assert "nik" not in json.loads(text) and "phone" not in text and "email" not in text
    assert {i["h"] for i in by_hash(resp.json).values()} == {sha16(rel_token), sha16(guest_token)}
    assert resp.headers["Cache-Control"] == "private, no-store"


def test_the_hash_is_what_the_scanner_reads_from_the_code(app, client, make_user, make_event):
    from events.checkin.codes import parse_code

    event = make_event()
    _id, token = make_registration(app, event, token="Ab-_9xYzTokenOfOurs123")
    body = door_list(client, event.id, headers=bearer(make_token(app, make_user("admin")))).json
    scanned = f"  https://relawan.example/t/{token}/?utm=wa#x "
    assert body["items"][0][0] == sha16(parse_code(scanned)) == sha16("Ab-_9xYzTokenOfOurs123")
    assert body["items"][0][0] == "%016x" % (int(hashlib.sha256(token.encode()).hexdigest(), 16) >> 192)


def _written(app) -> tuple:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
                db.session.scalar(select(func.count()).select_from(CheckIn)),
                db.session.scalar(select(func.count()).select_from(ScanRecord)),
                tuple(db.session.execute(select(Registration.id, Registration.changed_at,
                                                Registration.status)).all()))


@pytest.mark.parametrize("since", [
    "bukan-kursor", "1.1.", "1234.1.1733380000000000", "1.1.-5", "1.99999999999.1", "1.1.1e9",
    "1.1.123 ", "x" * 65, "1." + "9" * 70, "1.1.1\x00", "1.1.1\n", "ü.1.1", "' OR 1=1 --"])
def test_bad_since_is_400_json_and_writes_nothing(app, client, make_user, make_event, since):
    event = make_event()
    make_registration(app, event)
    headers = bearer(make_token(app, make_user("panitia")))
    before = _written(app)
    resp = door_list(client, event.id, since=since, headers=headers)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.json["result"] == "bad_request" and resp.json["attendee"] is None
    message = resp.json["message"]  # ours, or the app's for a control character in any query
    assert "Parameter 'since'" in message or "karakter yang tidak valid" in message, message
    assert _written(app) == before


def test_long_since_says_how_long_it_may_be(app, client, make_user, make_event):
    event = make_event()
    resp = door_list(client, event.id, since="1." + "1" * 80,
                     headers=bearer(make_token(app, make_user("panitia"))))
    assert resp.status_code == 400 and "maksimal 64 karakter" in resp.json["message"]


def test_unusable_cursors_answer_the_full_list(app, client, make_user, make_event):
    event, other = make_event(), make_event()
    _id, token = make_registration(app, event)
    headers = bearer(make_token(app, make_user("panitia")))
    now = utcnow()
    for since in ("", make_cursor(other.id, now), make_cursor(event.id, now - timedelta(days=2)),
                  make_cursor(event.id, now + timedelta(hours=1)), "1.1.0",
                  make_cursor(event.id, now).replace("1.", "2.", 1)):  # a later version's
        body = door_list(client, event.id, since=since, headers=headers).json
        assert body["full"] is True and list(by_hash(body)) == [sha16(token)], since
        assert body["removed"] == []
    body = door_list(client, event.id, since=make_cursor(event.id, now), headers=headers).json
    assert body["full"] is False and body["cursor"].startswith(f"1.{event.id}.")


def test_staff_of_one_event_cannot_read_another_events_list_with_its_cursor(
        app, client, make_user, make_event):
    event, other = make_event(), make_event()
    make_registration(app, other, name="Orang Lain")
    staff = make_user("relawan")
    grant(app, event, staff)
    headers = bearer(make_token(app, staff))
    cursor = door_list(client, event.id, headers=headers).json["cursor"]
    resp = door_list(client, other.id, since=cursor, headers=headers)
    assert resp.status_code == 403 and "Orang Lain" not in resp.get_data(as_text=True)
