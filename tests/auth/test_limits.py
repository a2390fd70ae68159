"""Limits that fit a crowded hall (issue 12, item 8), on an app with the limiter on (memory
storage): a hall signs up from one address, failures are charged to the person they name, one
account's lock leaves the others on the same address alone."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from auth.models import PasswordReset, Role, User
from extensions import db
from relawan.fakes import fake_nik
from relawan.models import Relawan
from tests.conftest import PASSWORD
from tests.relawan.helpers import signup_form

HALL = "203.0.113.7"  # one carrier address for everyone in the hall


@pytest.fixture
def limited(app):
    """A separate app instance with the limiter on (the shared test app runs without it)."""
    from app import create_app
    from extensions import limiter

    limited_app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                              "RATELIMIT_STORAGE_URI": "memory://",
                              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                              "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    limiter.reset()
    try:
        yield limited_app
    finally:
        # The limiter is one shared object: switch it off again for the rest of the suite.
        limiter.reset()
        limiter.enabled = False
        with limited_app.app_context():
            db.engine.dispose()


def _person(i: int) -> dict:
    return signup_form(full_name=f"Peserta Aula {i}", nik=fake_nik(random.Random(i), gender="P", serial=9000 + i),
                       phone=f"0857{i:08d}", email=f"peserta{i}@contoh.id",
                       password="layang-layang-merah-17", confirm="layang-layang-merah-17")


def _post(app, path, data, address=HALL):
    return app.test_client().post(path, data=data, environ_base={"REMOTE_ADDR": address})


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_150_sign_ups_from_one_address_all_succeed(limited):
    codes = [_post(limited, "/daftar", _person(i)).status_code for i in range(150)]
    assert codes == [302] * 150
    with limited.app_context():
        assert _count(Relawan) == 150


def test_failed_sign_ups_are_charged_to_the_phone_not_to_the_hall(limited):
    bad = _person(1) | {"confirm": "bukan-yang-sama-1"}  # refused: the passwords differ
    codes = [_post(limited, "/daftar", bad, address=f"198.51.100.{i}").status_code for i in range(11)]
    assert codes == [200] * 10 + [429]
    assert "Terlalu banyak percobaan yang gagal dengan data ini" in _post(
        limited, "/daftar", bad).get_data(as_text=True)
    # Someone else in the same hall signs up at once.
    assert _post(limited, "/daftar", _person(2)).status_code == 302
    # The failures named this phone, NIK and email: a new phone alone does not dodge them.
    assert _post(limited, "/daftar", _person(1)).status_code == 429
    assert _post(limited, "/daftar", _person(1) | {"phone": "0857-1111-2222"}).status_code == 429
    with limited.app_context():
        assert _count(Relawan) == 1


def test_failed_guest_registrations_are_charged_to_the_phone(limited, make_event):
    event = make_event(allow_guests=True)
    path = f"/kegiatan/{event.id}/daftar-tamu"
    bad = {"name": "", "phone": "0812-5555-6666"}  # refused: no name
    codes = [_post(limited, path, bad).status_code for _ in range(11)]
    assert codes == [422] * 10 + [429]
    assert _post(limited, path, {"name": "Tamu Lain", "phone": "0812-5555-7777"}).status_code == 302
    codes = [_post(limited, path, {"name": f"Tamu {i}", "phone": f"0813{i:08d}"}).status_code
             for i in range(40)]
    assert codes == [302] * 40  # successes use up nothing: far past the old 30 per minute


def test_twenty_failed_logins_lock_one_account_while_others_on_the_address_log_in(limited, make_user):
    target = make_user(Role.RELAWAN, phone="+6281200001111")
    others = [make_user(Role.RELAWAN) for _ in range(3)]
    codes = [_post(limited, "/masuk", {"identifier": target.email, "password": "salah-sekali-1"}).status_code
             for _ in range(20)]
    assert codes == [200] * 10 + [429] * 10
    locked = _post(limited, "/masuk", {"identifier": "0812-0000-1111", "password": PASSWORD})
    html = locked.get_data(as_text=True)
    assert locked.status_code == 429 and "Lupa kata sandi" in html and 'href="/lupa-kata-sandi"' in html
    for other in others:
        assert _post(limited, "/masuk", {"identifier": other.email, "password": PASSWORD}).status_code == 302
    with limited.app_context():
        assert db.session.get(User, target.id).last_login_at is None


def test_spraying_many_accounts_from_one_address_is_stopped(limited, make_user):
    codes = [_post(limited, "/masuk", {"identifier": f"orang{i}@contoh.id", "password": "salah-1"}).status_code
             for i in range(61)]
    assert codes == [200] * 60 + [429]
    assert _post(limited, "/masuk", {"identifier": "x@contoh.id", "password": "y"},
                 address="192.0.2.1").status_code == 200  # another address is not affected


def test_reset_requests_are_limited_per_account_the_same_for_unknown_ones(limited, make_user):
    user = make_user(Role.RELAWAN, phone="+6281244445555")
    known = [_post(limited, "/lupa-kata-sandi", {"identifier": spelling}, address=f"198.51.100.{i}").status_code
             for i, spelling in enumerate(["0812-4444-5555", user.email, "+62 812 4444 5555", "081244445555"])]
    unknown = [_post(limited, "/lupa-kata-sandi", {"identifier": "0813-0000-9999"},
                     address=f"198.51.100.{i}").status_code for i in range(4)]
    assert known == unknown == [302, 302, 302, 429]
    with limited.app_context():
        assert _count(PasswordReset) == 3
