"""Concurrency: simultaneous scans of one ticket, and simultaneous replays of one scan_id."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from events.checkin_models import CheckIn, ScanRecord
from extensions import db
from tests.events.test_checkin_helpers import (
    bearer,
    burst,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)

THREADS = 8


def test_eight_threads_scan_the_same_ticket_once(app, make_user, make_event):
    user = make_user("panitia")
    event = make_event()
    reg_id, token = make_registration(app, event)
    plain = make_token(app, user)
    answers = burst(app, f"/api/v1/events/{event.id}/checkins",
                     [scan(token) for _ in range(THREADS)], bearer(plain))
    results = sorted(body["result"] for _status, body in answers)
    assert results == ["already_checked_in"] * (THREADS - 1) + ["checked_in"], answers
    assert sorted(s for s, _b in answers) == [200] * (THREADS - 1) + [201]
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1
        assert db.session.scalar(select(CheckIn.registration_id)) == reg_id
        assert db.session.scalar(select(func.count(ScanRecord.id))) == THREADS


def test_eight_threads_replay_one_scan_id_get_one_answer(app, make_user, make_event):
    user = make_user("panitia")
    event = make_event()
    _reg_id, token = make_registration(app, event)
    plain = make_token(app, user)
    body = scan(token, scan_id=str(uuid.uuid4()))
    answers = burst(app, f"/api/v1/events/{event.id}/checkins", [body] * THREADS, bearer(plain))
    assert {s for s, _b in answers} == {201}, answers
    assert len({b["checkin_id"] for _s, b in answers}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1
        assert db.session.scalar(select(func.count(ScanRecord.id))) == 1
