"""One password rule everywhere a password is chosen (issue 11, item 10), and no page that an
anonymous visitor reaches confirms that a person has an account (item 7)."""
import pytest
from sqlalchemy import func, select

from auth.models import Role, User
from auth.passwords import Person, password_problems
from events.models import Registration
from extensions import db
from tests.conftest import PASSWORD, login

SITI = Person(name="Siti Aminah", phone="+6281234567890", nik="3673025507900001",
              email="siti.aminah@contoh.id")


@pytest.mark.parametrize("password,why", [
    ("12345678", "minimal 10 karakter"),
    ("password", "minimal 10 karakter"),
    ("aaaaaaaa", "minimal 10 karakter"),
    ("aaaaaaaaaaaa", "satu karakter yang diulang"),
    ("password123", "terlalu umum"),
    ("1234567890", "terlalu umum"),
    ("qwertyuiop", "terlalu umum"),
    ("Password12", "terlalu umum"),
    ("siti-2024-serang", "nama Anda"),
    ("aminah.cantik.99", "nama Anda"),
    ("hp-081234567890", "nomor HP Anda"),
    ("3673025507900001", "NIK Anda"),
    ("siti.aminah!!42", "nama Anda"),
])
def test_weak_passwords_are_refused_with_the_reason(password, why):
    problems = password_problems(password, SITI)
    assert problems and why in " ".join(problems)


@pytest.mark.parametrize("password", [PASSWORD, "kopi-tubruk-pagi-7", "Serang-Banten-Juara"])
def test_good_passwords_pass(password):
    assert password_problems(password, SITI) == []


def test_too_long_password_is_refused():
    assert "maksimal 128" in password_problems("Ab1-" * 40)[0]


def test_change_password_refuses_a_weak_one_and_keeps_the_old(app, client, make_user):
    user = make_user(Role.PANITIA)
    login(client, user)
    resp = client.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "password123",
                                                 "confirm": "password123"})
    assert resp.status_code == 200 and "terlalu umum" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_admin_create_and_reset_refuse_weak_passwords(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    resp = admin.post("/admin/pengguna/baru", data={
        "name": "Budi Santoso", "email": "budi@contoh.id", "role": "panitia", "kecamatan_kode": "",
        "password": "aaaaaaaaaaaa", "active": "y"})
    assert resp.status_code == 200 and "satu karakter yang diulang" in resp.get_data(as_text=True)
    target = make_user(Role.PANITIA, name="Dewi Lestari")
    resp = admin.post(f"/admin/pengguna/{target.id}", data={
        "name": target.name, "email": target.email, "phone": "", "role": "panitia",
        "kecamatan_kode": "", "password": "lestari-2024", "active": "y"})
    assert resp.status_code == 200 and "nama Anda" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)
                                 .where(User.email == "budi@contoh.id")) == 0
        assert db.session.get(User, target.id).check_password(PASSWORD)


def test_cli_users_create_refuses_weak_password(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "panitia@dp3akb.id", "--role", "panitia",
                                 "--password", "12345678"])
    assert result.exit_code != 0 and "minimal 10 karakter" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_guest_registration_does_not_reveal_a_relawan_account(app, client, make_event, make_relawan):
    """A guest typing a relawan's phone is registered as a guest: nothing says the number
    belongs to a relawan (only the same event's own duplicate is reported)."""
    make_relawan(phone="+6281234567890")
    ev = make_event(allow_guests=True)
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Tamu", "phone": "0812-3456-7890"})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Pendaftaran berhasil" in page
    assert "sudah terdaftar" not in page and "akun relawan" not in page.lower()
    with app.app_context():
        reg = db.session.scalars(select(Registration)).one()
        assert reg.relawan_id is None and reg.guest_phone == "+6281234567890"
