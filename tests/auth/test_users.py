"""Admin user management, password change, CLI users, roles and rate limiting."""
from sqlalchemy import func, select

from auth.models import AuditEntry, Role, User
from extensions import db
from tests.conftest import PASSWORD, login


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_admin_creates_scoped_koordinator(app, login_as):
    admin = login_as(Role.ADMIN)
    resp = admin.post("/admin/pengguna/baru", data={
        "name": "Bu Koordinator Kasemen", "email": "KOOR@Contoh.ID", "phone": "0813 1111 2222",
        "role": "koordinator", "kecamatan_kode": "36.73.02", "password": "sandi-awal-1", "active": "y"})
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "koor@contoh.id"))
        assert user.role == "koordinator" and user.kecamatan_kode == "36.73.02"
        assert user.phone == "+6281311112222"
        assert _count(AuditEntry, AuditEntry.action == "user_created") == 1


def test_admin_user_form_rejects_bad_phone_and_saves_nothing(app, login_as):
    admin = login_as(Role.ADMIN)
    resp = admin.post("/admin/pengguna/baru", data={
        "name": "X", "phone": "0254-123", "role": "panitia", "kecamatan_kode": "", "password": "sandi-awal-1"})
    assert resp.status_code == 200
    assert "Nomor HP" in resp.get_data(as_text=True)
    with app.app_context():
        assert _count(User) == 1  # only the admin


def test_admin_user_form_rejects_unknown_kecamatan(app, login_as):
    admin = login_as(Role.ADMIN)
    resp = admin.post("/admin/pengguna/baru", data={
        "name": "X", "email": "x@contoh.id", "role": "koordinator", "kecamatan_kode": "99.99.99",
        "password": "sandi-awal-1"})
    assert resp.status_code == 200
    with app.app_context():
        assert _count(User, User.email == "x@contoh.id") == 0


def test_admin_changes_role_and_deactivates_with_audit(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    target = make_user(Role.PANITIA)
    resp = admin.post(f"/admin/pengguna/{target.id}", data={
        "name": target.name, "email": target.email, "phone": "", "role": "koordinator",
        "kecamatan_kode": "36.73.06", "password": "", "active": "y"})
    assert resp.status_code == 302
    resp = admin.post(f"/admin/pengguna/{target.id}/nonaktifkan")
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.get(User, target.id)
        assert (user.role, user.kecamatan_kode, user.active) == ("koordinator", "36.73.06", False)
        assert _count(AuditEntry, AuditEntry.action == "user_role_changed") == 1
        assert _count(AuditEntry, AuditEntry.action == "user_deactivated") == 1


def test_admin_cannot_demote_self(app, login_as):
    admin = login_as(Role.ADMIN)
    me = admin.user
    resp = admin.post(f"/admin/pengguna/{me.id}", data={
        "name": me.name, "email": me.email, "role": "panitia", "kecamatan_kode": "", "active": "y"})
    assert resp.status_code == 200
    with app.app_context():
        assert db.session.get(User, me.id).role == "admin"


def test_change_password(app, client, make_user):
    user = make_user(Role.PANITIA)
    login(client, user)
    bad = client.post("/akun/kata-sandi", data={"current": "salah", "new": "baru-sekali-1",
                                                 "confirm": "baru-sekali-1"})
    assert bad.status_code == 200 and "salah" in bad.get_data(as_text=True)
    ok = client.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "baru-sekali-1",
                                                "confirm": "baru-sekali-1"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).check_password("baru-sekali-1")


def test_non_admins_cannot_manage_users(login_as, client):
    for role in (Role.PANITIA, Role.KOORDINATOR, Role.RELAWAN):
        assert login_as(role).get("/admin/pengguna").status_code == 403
    resp = client.get("/admin/pengguna")
    assert resp.status_code == 302 and "/masuk" in resp.headers["Location"]


def test_open_redirect_after_login_is_ignored(client, make_user):
    user = make_user(Role.PANITIA)
    resp = client.post("/masuk?next=https://jahat.example/", data={"identifier": user.email,
                                                                   "password": PASSWORD})
    assert resp.status_code == 302
    assert "jahat.example" not in resp.headers["Location"]


def test_cli_users_create_and_list(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "panitia@dp3akb.id", "--role", "panitia",
                                 "--password", "rahasia-123"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--email", "koor@dp3akb.id", "--role", "koordinator",
                                 "--kecamatan", "36.73.02"], input="rahasia-456\nrahasia-456\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        koor = db.session.scalar(select(User).where(User.email == "koor@dp3akb.id"))
        assert koor.kecamatan_kode == "36.73.02" and koor.check_password("rahasia-456")
    listing = runner.invoke(args=["users", "list"])
    assert "panitia@dp3akb.id" in listing.output and "[36.73.02]" in listing.output
    dup = runner.invoke(args=["users", "create", "--email", "panitia@dp3akb.id", "--role", "panitia",
                              "--password", "rahasia-123"])
    assert dup.exit_code != 0 and "sudah dipakai" in dup.output


def test_cli_ensure_admin_creates_once(app, runner):
    first = runner.invoke(args=["users", "ensure-admin"])
    assert "Kata sandi" in first.output
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "sudah ada" in second.output
    with app.app_context():
        assert _count(User, User.role == "admin") == 1


def test_login_is_rate_limited(app, make_user):
    """A separate app instance with the limiter on (the shared test app runs without it)."""
    from app import create_app

    user = make_user(Role.PANITIA)
    limited = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    from extensions import limiter

    try:
        c = limited.test_client()
        codes = [c.post("/masuk", data={"identifier": user.email, "password": "salah"}).status_code
                 for _ in range(11)]
        assert codes[:10] == [200] * 10 and codes[10] == 429
        assert "Terlalu banyak" in c.post("/masuk", data={"identifier": user.email,
                                                          "password": "x"}).get_data(as_text=True)
    finally:
        # The limiter is one shared object: switch it off again for the rest of the suite.
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            from extensions import db as _db
            _db.engine.dispose()
