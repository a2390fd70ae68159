"""Table-driven access test for the pages of issue 2: every page x every role -> expected status.

ACCESS is a list of (method, url-builder, role, expected status[, form data]). Later issues append
rows. Roles: anonymous, relawan (own record), relawan (someone else's), koordinator scoped to the
target's kecamatan, koordinator of another kecamatan, panitia, admin. The target relawan lives in
Kasemen (36.73.02). Write rows act on a fresh calon relawan (`ctx.fresh()`), and a refused write
must leave it untouched in the database.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from auth.models import Role, User
from extensions import db, limiter
from relawan.models import Relawan, StatusChange
from tests.conftest import login

ROLES = ["anonymous", "relawan_own", "relawan_other", "koordinator_same", "koordinator_other",
         "panitia", "admin"]
KASEMEN_KEL, KASEMEN, SERANG = "36.73.02.1001", "36.73.02", "36.73.01"


@dataclass
class Ctx:
    app: object
    target_id: int
    fresh_ids: list[int] = field(default_factory=list)

    def fresh(self) -> int:
        """A new calon relawan in Kasemen (cheap: no password hashing), for write rows."""
        with self.app.app_context():
            user = User(name="Target", email=f"t{secrets.token_hex(4)}@contoh.id", role=Role.RELAWAN,
                        password_hash="!")
            rel = Relawan(user=user, full_name="Target", nik=None, kelurahan_kode=KASEMEN_KEL,
                          card_token=secrets.token_urlsafe(24), status="calon")
            db.session.add(rel)
            db.session.commit()
            self.fresh_ids.append(rel.id)
            return rel.id


URL = Callable[[Ctx], str]
target: URL = lambda c: f"/relawan/{c.target_id}"


def _expand(method: str, url: URL, expected: dict[str, int], data: dict | None = None):
    return [(method, url, role, expected[role], data) for role in ROLES]


# Expected statuses by audience. 302 for anonymous = redirect to the login page.
PUBLIC_ONLY = {"anonymous": 200, "relawan_own": 302, "relawan_other": 302, "koordinator_same": 302,
                   "koordinator_other": 302, "panitia": 302, "admin": 302}
RELAWAN_SELF = {"anonymous": 302, "relawan_own": 200, "relawan_other": 200, "koordinator_same": 403,
                    "koordinator_other": 403, "panitia": 403, "admin": 403}
READERS = {"anonymous": 302, "relawan_own": 403, "relawan_other": 403, "koordinator_same": 200,
               "koordinator_other": 200, "panitia": 200, "admin": 200}
READERS_SCOPED = dict(READERS, koordinator_other=404)
STAFF_WRITE = {"anonymous": 302, "relawan_own": 403, "relawan_other": 403, "koordinator_same": 403,
                   "koordinator_other": 403, "panitia": 302, "admin": 302}
ADMIN_WRITE = dict(STAFF_WRITE, panitia=403)
READERS_404 = dict(READERS, koordinator_same=404, koordinator_other=404, panitia=404, admin=404)

ACCESS: list[tuple] = [
    *_expand("GET", lambda c: "/daftar", PUBLIC_ONLY),
    *_expand("POST", lambda c: "/daftar", dict(PUBLIC_ONLY), {"full_name": ""}),
    *_expand("GET", lambda c: "/masuk", dict(PUBLIC_ONLY)),
    *_expand("GET", lambda c: "/saya", RELAWAN_SELF),
    *_expand("GET", lambda c: "/saya/profil", RELAWAN_SELF),
    *_expand("POST", lambda c: "/saya/profil", RELAWAN_SELF, {"full_name": ""}),
    *_expand("GET", lambda c: "/saya/kartu", RELAWAN_SELF),
    *_expand("GET", lambda c: "/saya/kartu.svg", RELAWAN_SELF),
    *_expand("GET", lambda c: "/saya/kartu.png", RELAWAN_SELF),
    *_expand("GET", lambda c: "/saya/data.json", RELAWAN_SELF),
    *_expand("GET", lambda c: "/saya/hapus-data", RELAWAN_SELF),
    *_expand("POST", lambda c: "/saya/hapus-data", dict(RELAWAN_SELF, relawan_own=302, relawan_other=302),
             {"confirm": "y"}),
    *_expand("GET", lambda c: "/relawan", READERS),
    *_expand("GET", lambda c: "/relawan?status=calon&q=Target", READERS),
    *_expand("GET", target, READERS_SCOPED),
    *_expand("GET", lambda c: "/relawan/2147483000", READERS_404),
    *_expand("POST", lambda c: f"/relawan/{c.fresh()}/setujui", STAFF_WRITE),
    *_expand("POST", lambda c: f"/relawan/{c.fresh()}/tolak", STAFF_WRITE, {"rj-reason": "Tidak lengkap"}),
    *_expand("POST", lambda c: f"/relawan/{c.fresh()}/status", STAFF_WRITE, {"st-to_status": "terverifikasi"}),
    *_expand("POST", lambda c: "/relawan/setujui-massal", STAFF_WRITE, None),  # ids added below
    *_expand("POST", lambda c: f"/relawan/{c.fresh()}/hapus-data", ADMIN_WRITE, {"del-confirm": "y"}),
]
# For the "own" relawan the card, home and export are their own; for "other" they are the other's.
# There is no URL that names another relawan's self-service page, so "other" cannot reach "own".


@pytest.fixture(autouse=True)
def _limiter_off():
    """Another test's rate-limited app flips the shared Limiter on; these tests log in many times."""
    limiter.enabled = False
    yield
    limiter.enabled = False


def _client(app, role, make_user, make_relawan, own_user_id):
    c = app.test_client()
    if role == "anonymous":
        return c
    if role == "relawan_own":
        with app.app_context():
            login(c, db.session.get(User, own_user_id))
        return c
    if role == "relawan_other":
        other = make_relawan(full_name="Lain", kelurahan_kode="36.73.01.1008")
        with app.app_context():
            login(c, db.session.get(User, other.user_id))
        return c
    kw = {}
    if role == "koordinator_same":
        role, kw = "koordinator", {"kecamatan_kode": KASEMEN}
    elif role == "koordinator_other":
        role, kw = "koordinator", {"kecamatan_kode": SERANG}
    login(c, make_user(role, **kw))
    return c


def _untouched(app, relawan_id: int) -> bool:
    with app.app_context():
        r = db.session.get(Relawan, relawan_id)
        changes = db.session.scalar(select(func.count()).select_from(StatusChange)
                                    .where(StatusChange.relawan_id == relawan_id))
        return r.status == "calon" and r.anonymized_at is None and changes == 0


@pytest.mark.parametrize("role", ROLES)
def test_access_table(app, make_user, make_relawan, role):
    own = make_relawan(full_name="Pemilik", kelurahan_kode=KASEMEN_KEL)
    ctx = Ctx(app=app, target_id=own.id)
    client = _client(app, role, make_user, make_relawan, own.user_id)
    failures = []
    for method, url_builder, row_role, expected, data in ACCESS:
        if row_role != role:
            continue
        url = url_builder(ctx)
        before = len(ctx.fresh_ids)
        if url == "/relawan/setujui-massal":
            data = {"ids": [str(ctx.fresh())]}
        resp = client.open(url, method=method, data=data or {})
        if resp.status_code != expected:
            failures.append(f"{method} {url} as {role}: {resp.status_code}, expected {expected}")
        if resp.status_code == 500:
            failures.append(f"{method} {url} as {role}: 500")
        if method == "POST" and len(ctx.fresh_ids) > before:
            allowed = expected == 302 and role in ("panitia", "admin")
            if not allowed and not _untouched(app, ctx.fresh_ids[-1]):
                failures.append(f"{method} {url} as {role}: refused but the relawan was changed")
            if allowed and _untouched(app, ctx.fresh_ids[-1]):
                failures.append(f"{method} {url} as {role}: allowed but nothing changed")
        if resp.status_code in (302, 303) and role == "anonymous" and expected == 302 and url != "/daftar":
            assert "/masuk" in resp.headers["Location"], url
    assert not failures, "\n".join(failures)


def test_relawan_cannot_open_another_relawans_detail_or_data(app, make_relawan):
    """A relawan reaches only their own record; the other's detail page is 403."""
    mine, theirs = make_relawan(), make_relawan()
    c = app.test_client()
    with app.app_context():
        login(c, db.session.get(User, mine.user_id))
    assert c.get(f"/relawan/{theirs.id}").status_code == 403
    data = c.get("/saya/data.json").get_json()
    assert data["profile"]["full_name"] == mine.full_name
    assert theirs.full_name not in c.get("/saya").get_data(as_text=True)
    card = c.get("/saya/kartu").get_data(as_text=True)
    assert mine.full_name in card and theirs.full_name not in card


def test_unscoped_koordinator_sees_all_kecamatan(app, make_relawan, login_as):
    kasemen = make_relawan(kelurahan_kode=KASEMEN_KEL)
    serang = make_relawan(kelurahan_kode="36.73.01.1008")
    c = login_as("koordinator")
    assert c.get(f"/relawan/{kasemen.id}").status_code == 200
    assert c.get(f"/relawan/{serang.id}").status_code == 200
