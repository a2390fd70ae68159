"""Concurrency of check-out (issue 13.3): doors scanning the same person out, or in again, at the
same moment. The unique (checkin_id, seq) lets one pass through; in and out keep alternating."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from events.checkin_models import CheckIn, CheckInMovement, ScanRecord
from extensions import db
from tests.events.test_checkin_helpers import bearer, burst, make_registration, make_token, scan
from timeutil import utcnow

THREADS = 8


def _door(app, make_user, make_event):
    event = make_event(starts_at=utcnow().replace(microsecond=0) - timedelta(hours=1),
                       checkout_enabled=True)
    headers = bearer(make_token(app, make_user("panitia")))
    _reg_id, token = make_registration(app, event)
    url = f"/api/v1/events/{event.id}/checkins"
    assert app.test_client().post(url, json=scan(token), headers=headers).status_code == 201
    return url, headers, token


def _movements(app):
    with app.app_context():
        rows = db.session.execute(select(CheckInMovement.checkin_id, CheckInMovement.seq,
                                         CheckInMovement.direction)
                                  .order_by(CheckInMovement.seq)).all()
        checkins = db.session.scalar(select(func.count(CheckIn.id)))
        answers = db.session.scalar(select(func.count(ScanRecord.id)))
        db.session.remove()
    return [tuple(r) for r in rows], checkins, answers


def test_eight_doors_scanning_one_person_out_at_once_record_one_pass(app, make_user, make_event):
    url, headers, token = _door(app, make_user, make_event)
    answers = burst(app, url, [scan(token, direction="out") for _ in range(THREADS)], headers)
    results = sorted((status, body["result"]) for status, body in answers)
    assert results == [(201, "checked_out")] + [(409, "already_checked_out")] * (THREADS - 1), answers
    moves, checkins, recorded = _movements(app)
    assert [(seq, d) for _c, seq, d in moves] == [(2, "out")]
    assert checkins == 1 and recorded == THREADS + 1

    answers = burst(app, url, [scan(token) for _ in range(THREADS)], headers)  # all back in
    results = sorted((status, body["result"]) for status, body in answers)
    assert results == [(200, "already_checked_in")] * (THREADS - 1) + [(201, "re_entered")], answers
    moves, checkins, _recorded = _movements(app)
    assert [(seq, d) for _c, seq, d in moves] == [(2, "out"), (3, "in")]
    assert checkins == 1


def test_doors_scanning_out_and_in_at_once_keep_in_and_out_alternating(app, make_user, make_event):
    url, headers, token = _door(app, make_user, make_event)
    bodies = [scan(token, direction="out" if i % 2 else "in") for i in range(THREADS)]
    answers = burst(app, url, bodies, headers)
    moved = [body["movement"]["seq"] for status, body in answers if status == 201]
    assert all(body["result"] in {"checked_out", "re_entered", "already_checked_out",
                                  "already_checked_in"} for _s, body in answers), answers
    moves, checkins, _recorded = _movements(app)
    assert checkins == 1 and len({c for c, _s, _d in moves}) <= 1
    # One row per answer that says it moved, numbered 2, 3, ... with out and in alternating.
    assert sorted(moved) == [seq for _c, seq, _d in moves] == list(range(2, 2 + len(moves)))
    assert [d for _c, _s, d in moves] == ["out" if seq % 2 == 0 else "in" for _c, seq, _d in moves]
    assert len(moves) >= 1  # the first "out" always finds the person inside
