"""Shared fixtures: app on SQLite (or TEST_DATABASE_URL), clean tables per test, factories."""
from __future__ import annotations

import itertools
import os
import random
import tempfile
from datetime import timedelta

import pytest
from sqlalchemy import text

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from app import create_app
from auth.models import Role, User
from events.models import Event, EventStatus
from extensions import db
from relawan.fakes import fake_nik
from relawan.models import Relawan, RelawanStatus
from relawan.wilayah import load_default
from timeutil import utcnow

KEEP_TABLES = {"kecamatan", "kelurahan"}
PASSWORD = "rahasia-123"
_seq = itertools.count(1)


def _database_url(tmpdir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{os.path.join(tmpdir, 'test.db')}"


@pytest.fixture(scope="session")
def app():
    tmpdir = tempfile.mkdtemp(prefix="relawan-test-")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _database_url(tmpdir),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        # The certificate signatory (certificates refuse to generate without one)
        "KEPALA_DINAS_NAME": "Dra. Hj. Uji Kepala Dinas, M.Si.",
        "KEPALA_DINAS_NIP": "196805121994032004",
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_default()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(app):
    """Every test starts with only the wilayah reference data."""
    yield
    with app.app_context():
        db.session.rollback()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                db.session.execute(t.delete())
        db.session.commit()


@pytest.fixture
def ctx(app):
    """An application context for tests that use the database directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """make_user(role="panitia", **overrides) -> User (committed)."""
    def factory(role: str = Role.PANITIA, **kw) -> User:
        n = next(_seq)
        with app.app_context():
            user = User(name=kw.pop("name", f"{role.title()} {n}"),
                        email=kw.pop("email", f"{role}{n}@contoh.id"),
                        phone=kw.pop("phone", None), role=role, **kw)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user
    return factory


@pytest.fixture
def make_relawan(app, make_user):
    """make_relawan(status="calon", kelurahan_kode=..., **overrides) -> Relawan (committed)."""
    def factory(status: str = RelawanStatus.CALON, **kw) -> Relawan:
        import secrets
        n = next(_seq)
        rng = random.Random(n)
        user = make_user(Role.RELAWAN, name=kw.get("full_name", f"Relawan {n}"),
                         phone=kw.pop("phone", f"+62812{n:08d}"))
        with app.app_context():
            rel = Relawan(user_id=user.id, full_name=kw.pop("full_name", f"Relawan {n}"),
                          nik=kw.pop("nik", fake_nik(rng, serial=1000 + n % 9000)),
                          gender=kw.pop("gender", "P"), status=status,
                          kelurahan_kode=kw.pop("kelurahan_kode", "36.73.02.1001"),
                          address=kw.pop("address", "Jl. Contoh No. 1"),
                          card_token=kw.pop("card_token", secrets.token_urlsafe(16)),
                          consent_version="test", consent_at=utcnow(), **kw)
            db.session.add(rel)
            db.session.commit()
            db.session.refresh(rel)
            db.session.expunge(rel)
            return rel
    return factory


@pytest.fixture
def make_event(app):
    """make_event(**overrides) -> Event (published, tomorrow 09-12 WIB, committed)."""
    def factory(**kw) -> Event:
        start = kw.pop("starts_at", utcnow().replace(microsecond=0) + timedelta(days=1))
        with app.app_context():
            event = Event(kind=kw.pop("kind", "sosialisasi"),
                          title=kw.pop("title", f"Sosialisasi {next(_seq)}"),
                          venue_name=kw.pop("venue_name", "Aula PKPRI Kota Serang"),
                          starts_at=start, ends_at=kw.pop("ends_at", start + timedelta(hours=3)),
                          status=kw.pop("status", EventStatus.PUBLISHED), **kw)
            db.session.add(event)
            db.session.commit()
            db.session.refresh(event)
            db.session.expunge(event)
            return event
    return factory


def login(client, user, password: str = PASSWORD):
    """Log `user` in on `client` through the real login form."""
    resp = client.post("/masuk", data={"identifier": user.email or user.phone, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login_as(app, make_user):
    """login_as("admin") -> a test client logged in as a new user with that role."""
    def factory(role: str, **kw):
        user = make_user(role, **kw)
        c = app.test_client()
        login(c, user)
        c.user = user
        return c
    return factory
