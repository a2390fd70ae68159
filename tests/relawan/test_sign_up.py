"""Public sign-up: happy path, each field error, duplicates, NIK warnings."""
from datetime import date

import pytest
from sqlalchemy import select

from auth.models import Role
from extensions import db
from relawan import services
from relawan.models import Relawan
from tests.relawan.helpers import (
    BIRTH,
    CONSENT_VERSION,
    NIK_P,
    audit_count,
    counts,
    signup_form,
)


def _post(client, **overrides):
    return client.post("/daftar", data=signup_form(**overrides))


def test_sign_up_page_is_public_small_and_grouped(client):
    resp = client.get("/daftar")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "NIK (bukan No. KK)" in html
    assert html.count("<optgroup") == 6
    assert 'data-keys="kemanisan kamanisan' in html  # spelling variant for the search box
    assert CONSENT_VERSION in html and "ppid@serangkota.go.id" in html
    assert "UU PDP" in html or "27 Tahun 2022" in html
    assert "js/signup.js" in html
    assert len(resp.data) < 40_000


def test_sign_up_creates_account_relawan_and_history(client, app):
    resp = _post(client)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/saya")
    with app.app_context():
        rel = db.session.scalars(select(Relawan)).one()
        user = rel.user
        assert user.role == Role.RELAWAN and user.name == "Siti Aminah"
        assert user.phone == "+6281234567890" and user.email == "siti.aminah@contoh.id"
        assert user.check_password("rahasia-123")
        assert rel.nik == NIK_P and rel.gender == "P" and rel.birth_date == BIRTH
        assert rel.status == "calon" and rel.kelurahan_kode == "36.73.02.1001"
        assert rel.consent_version == CONSENT_VERSION and rel.consent_at is not None
        assert len(rel.card_token) >= 22
        [h] = rel.history
        assert (h.from_status, h.to_status, h.by_user_id) == (None, "calon", user.id)
        assert audit_count("relawan_signed_up") == 1
    home = client.get("/saya")  # logged in straight away
    assert home.status_code == 200 and "Pendaftaran berhasil" in home.get_data(as_text=True)


def test_nik_written_with_dots_is_accepted(client, app):
    assert _post(client, nik="3673.02.550790.9001").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Relawan.nik)) == NIK_P


def test_nik_mismatch_is_a_warning_not_a_rejection(client, app):
    resp = _post(client, birth_date="1990-07-16", gender="L")
    assert resp.status_code == 302
    html = client.get("/saya").get_data(as_text=True)
    assert "Tanggal lahir berbeda" in html and "Jenis kelamin berbeda" in html
    with app.app_context():
        rel = db.session.scalars(select(Relawan)).one()
        assert rel.gender == "L" and rel.birth_date == date(1990, 7, 16)
        assert len(services.nik_warnings(rel)) == 2


@pytest.mark.parametrize("field,value,message", [
    ("full_name", "", "Nama lengkap wajib diisi."),
    ("nik", "", "NIK wajib diisi."),
    ("nik", "367302550790900", "NIK harus 16 digit angka."),
    ("nik", "9973025507909001", "bukan kode provinsi"),
    ("nik", "3673005507909001", "tidak boleh 00"),
    ("nik", "3673027507909001", "Tanggal lahir pada NIK"),
    ("nik", "3673025507900000", "0000"),
    ("gender", "X", "Pilih salah satu."),
    ("gender", None, "Pilih salah satu."),
    ("birth_date", "", "Tanggal lahir wajib diisi."),
    ("birth_date", "15-07-1990", "Tanggal tidak valid."),
    ("birth_date", "2099-01-01", "Tanggal lahir tidak valid."),
    ("birth_date", date.today().replace(year=date.today().year - 10).isoformat(), "17 tahun"),
    ("phone", "", "Nomor HP wajib diisi."),
    ("phone", "0254-123456", "bukan telepon rumah"),
    ("phone", "0812abc", "hanya boleh berisi angka"),
    ("email", "bukan-email", "Alamat email tidak valid."),
    ("address", "", "Alamat wajib diisi."),
    ("kelurahan_kode", "", "Pilih kelurahan"),
    ("kelurahan_kode", "36.73.09.9999", "Pilihan tidak valid."),
    ("occupation", "", "Pekerjaan wajib diisi."),
    ("education", "profesor", "Pilihan tidak valid."),
    ("organisation", "", "Pilih organisasi."),
    ("organisation", "lainnya", "Sebutkan nama organisasi"),
    ("motivation", "", "Motivasi wajib diisi."),
    ("availability", "", "Waktu luang wajib diisi."),
    ("password", "pendek", "Kata sandi minimal 10 karakter."),
    ("confirm", "lain-sekali", "Kata sandi tidak sama."),
    ("consent", None, "Persetujuan wajib dicentang"),
    ("consent_version", "2020-01-v0", "Teks persetujuan sudah diperbarui"),
])
def test_each_invalid_field_gives_a_message_and_saves_nothing(client, app, field, value, message):
    overrides = {field: value}
    if field == "organisation" and value == "lainnya":
        overrides["organisation_detail"] = ""
    resp = _post(client, **overrides)
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    with app.app_context():
        assert counts() == {"user": 0, "relawan": 0, "status_change": 0}


def test_failed_form_keeps_input_but_never_the_password(client):
    html = _post(client, nik="123").get_data(as_text=True)
    assert 'value="Siti Aminah"' in html
    assert "rahasia-123" not in html


ANONYMOUS = "Data ini tidak dapat dipakai untuk mendaftar; jika ini Anda, masuk atau pulihkan akun Anda."
# What an anonymous visitor must never read: that the NIK, phone or email belongs to a relawan.
REVEALING = ("sudah terdaftar", "sudah dipakai")


@pytest.mark.parametrize("field,value", [
    ("nik", NIK_P), ("phone", "+62 812-3456-7890"), ("email", "SITI.AMINAH@contoh.id")])
def test_existing_nik_phone_or_email_is_refused_without_confirming_the_person(client, app, field, value):
    assert _post(client).status_code == 302
    client.post("/keluar")
    other = {"nik": "3673021203859002", "gender": "L", "birth_date": "1985-03-12",
             "phone": "0813-1111-2222", "email": "budi@contoh.id", "full_name": "Budi"}
    other[field] = value
    resp = _post(client, **other)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count(ANONYMOUS) == 1  # on the one field concerned
    assert not any(word in html for word in REVEALING)
    with app.app_context():
        assert counts() == {"user": 1, "relawan": 1, "status_change": 1}


def test_duplicate_caught_by_database_constraint_when_lookup_misses(client, app, monkeypatch):
    """The unique constraint, not the look-up, is the guard (race between two sign-ups)."""
    assert _post(client).status_code == 302
    client.post("/keluar")
    real = services.find_duplicates
    calls = []

    def blind_first_time(**kw):
        calls.append(kw)
        return {} if len(calls) == 1 else real(**kw)

    monkeypatch.setattr(services, "find_duplicates", blind_first_time)
    resp = _post(client, phone="0813-1111-2222", email="lain@contoh.id")  # same NIK
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert ANONYMOUS in html and not any(word in html for word in REVEALING)
    with app.app_context():
        assert counts()["relawan"] == 1


def test_staff_still_see_the_precise_duplicate(client, app, login_as):
    """Admin creating an account with a relawan's phone is told exactly what clashes."""
    assert _post(client).status_code == 302
    admin = login_as(Role.ADMIN)
    resp = admin.post("/admin/pengguna/baru", data={
        "name": "Panitia Baru", "phone": "0812-3456-7890", "role": "panitia", "kecamatan_kode": "",
        "password": "sandi-awal-1", "active": "y"})
    assert resp.status_code == 200 and "Nomor HP sudah dipakai akun lain." in resp.get_data(as_text=True)
    with app.app_context():
        assert counts()["user"] == 2  # the relawan and the admin


@pytest.mark.parametrize("password,why", [
    ("12345678", "minimal 10 karakter"),
    ("aaaaaaaaaaaa", "satu karakter yang diulang"),
    ("password123", "terlalu umum"),
    ("1234567890", "terlalu umum"),
    ("aminah-serang-2024", "memuat nama Anda"),
    ("hp081234567890", "memuat nomor HP Anda"),
    (f"nik{NIK_P}", "memuat NIK Anda"),
])
def test_weak_password_is_refused_with_the_reason(client, app, password, why):
    resp = _post(client, password=password, confirm=password)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and why in html
    with app.app_context():
        assert counts() == {"user": 0, "relawan": 0, "status_change": 0}


def test_logged_in_user_is_sent_away_from_sign_up(login_as):
    client = login_as("panitia")
    assert client.get("/daftar").status_code == 302


def test_failed_sign_ups_are_rate_limited_per_phone(app):
    """A separate app instance with the limiter on (the shared test app runs without it). The
    limits themselves (a hall of 300 on one address, NIK and email) are in tests/auth/test_limits.py."""
    from app import create_app
    from extensions import db as _db
    from extensions import limiter

    limited = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    limiter.reset()
    try:
        c = limited.test_client()
        codes = [c.post("/daftar", data={"full_name": "", "phone": "0812-3456-7890"}).status_code
                 for _ in range(11)]
        assert codes == [200] * 10 + [429]
        assert c.get("/daftar").status_code == 200  # only POST is limited
        assert c.post("/daftar", data={"full_name": "", "phone": "0812-3456-7891"}).status_code == 200
    finally:
        limiter.reset()
        limiter.enabled = False  # the limiter is one shared object
        with limited.app_context():
            _db.engine.dispose()


def test_every_spelling_variant_is_searchable_on_the_page(client, app):
    """signup.js filters on data-keys; each alias of an existing kelurahan must be in them."""
    import re

    from relawan.models import Kelurahan
    from relawan.wilayah import ALIASES, normalise_name
    html = client.get("/daftar").get_data(as_text=True)
    keys = dict(re.findall(r'<option value="([\d.]+)" data-keys="([^"]+)"', html))
    assert len(keys) == 67
    with app.app_context():
        kelurahan = db.session.scalars(select(Kelurahan)).all()
    checked = 0
    for kel in kelurahan:
        for alias in ALIASES.get(kel.nama, []):
            assert normalise_name(alias) in keys[kel.kode].split(), (kel.nama, alias)
            checked += 1
    assert checked >= 5
