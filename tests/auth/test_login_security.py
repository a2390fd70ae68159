"""Login: the same work for unknown accounts, safe `next` targets, per-account throttling
(issue 11, items 7, 9 and 11)."""
import pytest
from sqlalchemy import func, select

import auth.passwords
from auth.models import AuditEntry, Role, User
from extensions import db
from helpers.security import safe_next
from tests.conftest import PASSWORD


def _hash_checks(monkeypatch):
    calls = []
    real = auth.passwords.check_password_hash

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(auth.passwords, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("who", ["known_wrong_password", "unknown_email", "unknown_phone",
                                 "not_an_identifier", "inactive_right_password"])
def test_login_checks_one_password_hash_whether_or_not_the_account_exists(
        client, make_user, monkeypatch, who):
    known = make_user(Role.PANITIA, phone="+6281298765432")
    inactive = make_user(Role.PANITIA, active=False)
    identifier, password = {
        "known_wrong_password": (known.email, "salah-sekali-1"),
        "unknown_email": ("tidak.ada@contoh.id", "salah-sekali-1"),
        "unknown_phone": ("0813-0000-0000", "salah-sekali-1"),
        "not_an_identifier": ("bukan-apa-apa", "salah-sekali-1"),
        "inactive_right_password": (inactive.email, PASSWORD),
    }[who]
    calls = _hash_checks(monkeypatch)
    resp = client.post("/masuk", data={"identifier": identifier, "password": password})
    assert resp.status_code == 200
    assert "kata sandi salah, atau akun tidak aktif" in resp.get_data(as_text=True)
    assert len(calls) == 1
    assert client.get("/laporan/").status_code == 302


def test_dummy_hash_uses_the_configured_method(app, client, monkeypatch):
    calls = _hash_checks(monkeypatch)
    client.post("/masuk", data={"identifier": "tidak.ada@contoh.id", "password": "x"})
    assert calls and calls[0].startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])


@pytest.mark.parametrize("target", [
    "\r\n", "/laporan/\r\nSet-Cookie: a=b", "/a\tb", "//evil.example", "https://evil.example/",
    "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "evil.example", "/\x00x"])
def test_unsafe_next_targets_are_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/laporan/", "/kegiatan/3?tab=peserta&x=%2F", "/"])
def test_relative_next_targets_are_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("query", ["next=%0d%0a", "next=/laporan/%0d%0aSet-Cookie:%20a=b",
                                   "next=%09/evil", "next=//evil.example", "next=https://evil.example",
                                   "next=/%5Cevil.example", "next=%2F%2Fevil.example"])
def test_login_with_a_bad_next_never_500s_nor_leaves_the_site(app, make_user, query):
    user = make_user(Role.PANITIA)
    c = app.test_client()
    resp = c.post(f"/masuk?{query}", data={"identifier": user.email, "password": PASSWORD})
    assert resp.status_code in (302, 400)
    if resp.status_code == 302:
        location = resp.headers["Location"]
        assert "evil" not in location and "\r" not in location and "\n" not in location
        assert location.startswith("/")


def test_login_follows_a_relative_next(app, make_user):
    user = make_user(Role.PANITIA)
    resp = app.test_client().post("/masuk?next=/kegiatan/", data={"identifier": user.email,
                                                                  "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/kegiatan/"


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


def _attempt(app, identifier, password, address):
    return app.test_client().post("/masuk", data={"identifier": identifier, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def _failed_logins():
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "login_failed"))


def test_one_account_attacked_from_many_addresses_is_throttled(limited, make_user):
    user = make_user(Role.PANITIA, phone="+6281311112222")
    # The same account typed three ways, each try from another address.
    spellings = [user.email, user.email.upper(), "0813-1111-2222", "+62 813 1111 2222", "6281311112222"]
    codes = [_attempt(limited, spellings[i % len(spellings)], "salah-sekali-1", f"10.0.0.{i}").status_code
             for i in range(10)]
    assert codes == [200] * 10
    blocked = _attempt(limited, user.email, PASSWORD, "10.0.1.1")  # even the right password waits
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Terlalu banyak percobaan masuk yang gagal untuk akun ini" in html
    assert "Lupa kata sandi" in html and 'href="/lupa-kata-sandi"' in html  # told how to recover
    other = make_user(Role.PANITIA)
    assert _attempt(limited, other.email, PASSWORD, "10.0.1.2").status_code == 302  # others unaffected
    with limited.app_context():
        assert _failed_logins() == 10
        assert db.session.get(User, user.id).last_login_at is None


def test_unknown_accounts_are_throttled_the_same_way(limited):
    codes = [_attempt(limited, "tidak.ada@contoh.id", "salah-sekali-1", f"10.0.2.{i}").status_code
             for i in range(11)]
    assert codes == [200] * 10 + [429]


def test_successful_logins_do_not_use_up_the_allowance(limited, make_user):
    user = make_user(Role.PANITIA)
    assert [_attempt(limited, user.email, PASSWORD, "10.0.3.1").status_code
            for _ in range(12)] == [302] * 12
    codes = [_attempt(limited, user.email, "salah-sekali-1", "10.0.3.1").status_code
             for _ in range(11)]
    assert codes == [200] * 10 + [429]
    with limited.app_context():
        assert _failed_logins() == 10


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "/x\r\nSet-Cookie: a=b"])
def test_every_form_next_is_checked_the_same_way(app, client, make_event, target):
    """The ticket's cancel form also redirects to a posted `next`: the same safe_next applies."""
    from events.models import Registration

    ev = make_event(allow_guests=True)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Tamu", "phone": "0812-3456-7890"})
    with app.app_context():
        reg = db.session.scalars(select(Registration)).one()
        token = reg.token
    resp = client.post(f"/t/{token}/batal", data={"next": target})
    assert resp.status_code == 302
    assert "evil" not in resp.headers["Location"] and "\n" not in resp.headers["Location"]
    with app.app_context():
        assert db.session.scalars(select(Registration)).one().status == "cancelled"
