"""Factories for the check-in tests: registrations, tokens, grants, scan bodies."""
from __future__ import annotations

import secrets
import threading
import uuid
from datetime import timedelta

import pytest

from auth.models import ApiToken
from auth.tokens import create_token
from events.checkin_models import DoorStaffGrant
from events.models import Registration, RegistrationStatus
from extensions import db
from timeutil import utcnow


@pytest.fixture
def make_event(make_event):
    """make_event(**overrides) whose event starts within the hour: its check-in window
    (events/checkin/window.py) is open now. Import it into a test module to use it there."""
    def factory(**kw):
        kw.setdefault("starts_at", utcnow().replace(microsecond=0) + timedelta(hours=1))
        return make_event(**kw)
    return factory


def make_registration(app, event, *, relawan=None, status=RegistrationStatus.CONFIRMED,
                      name="Siti Aminah", instansi="PKK Kel. Kasemen", phone=None, **kw):
    """A committed registration (guest unless `relawan` is given); returns (id, token)."""
    token = kw.pop("token", secrets.token_urlsafe(18))
    with app.app_context():
        reg = Registration(event_id=event.id, relawan_id=getattr(relawan, "id", None),
                           guest_name=None if relawan else name,
                           guest_instansi=None if relawan else instansi,
                           guest_phone=phone, status=status, token=token,
                           source="self" if relawan else "guest", created_at=utcnow(), **kw)
        db.session.add(reg)
        db.session.commit()
        return reg.id, token


def make_token(app, user, name="HP pintu 1") -> str:
    with app.app_context():
        from auth.models import User
        _row, plain = create_token(db.session.get(User, user.id), name)
        db.session.commit()
        return plain


def grant(app, event, user, revoked=False):
    with app.app_context():
        db.session.add(DoorStaffGrant(event_id=event.id, user_id=user.id,
                                      revoked_at=utcnow() if revoked else None))
        db.session.commit()


def scan(code, **kw):
    body = {"code": code, "scan_id": kw.pop("scan_id", str(uuid.uuid4()))}
    body.update(kw)
    return body


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def burst(app, url, bodies, headers) -> list:
    """POST every body from its own thread, all released at once: [(status, json)] in order."""
    barrier = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def worker(i):
        client = app.test_client()
        barrier.wait()
        resp = client.post(url, json=bodies[i], headers=headers)
        answers[i] = (resp.status_code, resp.json)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return answers


__all__ = ["ApiToken", "bearer", "burst", "grant", "make_registration", "make_token", "scan"]
