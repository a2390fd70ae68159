"""Bad input never causes a 500 and never saves anything: long fields, tampered values,
control characters, invalid encodings, huge ids."""
import pytest
from sqlalchemy import select

from extensions import db
from relawan.models import Relawan, StatusChange
from tests.relawan.helpers import counts, signup_form

LONG = {"full_name": 121, "nik": 31, "phone": 31, "email": 255, "address": 301, "occupation": 81,
        "organisation_detail": 121, "motivation": 1001, "availability": 201, "password": 129}


@pytest.mark.parametrize("field,length", LONG.items())
def test_over_long_sign_up_fields_are_field_errors(client, app, field, length):
    overrides = {field: "a" * length}
    if field == "password":
        overrides["confirm"] = overrides["password"]
    if field == "email":
        overrides["email"] = "a" * (length - 10) + "@contoh.id"
    resp = client.post("/daftar", data=signup_form(**overrides))
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Maksimal" in html or "8-128" in html or "tidak valid" in html
    with app.app_context():
        assert counts()["relawan"] == 0


@pytest.mark.parametrize("field,value", [
    ("full_name", "Siti\x00Aminah"), ("address", "Jl. A\x00"), ("motivation", "ok\x07"),
    ("nik", "3673025507909001\x00"), ("phone", "0812\x0034567890"), ("kelurahan_kode", "36.73.02.1001\x00"),
    ("availability", "Sabtu\ufffd"), ("organisation_detail", "PKK\x1b[31m"),
])
def test_nul_and_control_characters_are_rejected(client, app, field, value):
    resp = client.post("/daftar", data=signup_form(**{field: value}))
    assert resp.status_code in (200, 400)
    assert resp.status_code != 500
    with app.app_context():
        assert counts()["relawan"] == 0


@pytest.mark.parametrize("body", [
    b"full_name=%FF%FE&nik=%C0%80",
    b"full_name=\xff\xfe\xfd&nik=3673025507909001",
    b"\x00\x01\x02",
    b"full_name=" + b"%00" * 50,
])
def test_invalid_encodings_give_form_errors_not_500(client, app, body):
    resp = client.post("/daftar", data=body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code in (200, 400)
    with app.app_context():
        assert counts()["relawan"] == 0


def test_invalid_utf8_in_a_valid_form_is_rejected(client, app):
    from urllib.parse import urlencode
    body = urlencode(signup_form(full_name="X")).encode().replace(b"full_name=X", b"full_name=%FF%FE")
    resp = client.post("/daftar", data=body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code in (200, 400)
    with app.app_context():
        assert counts()["relawan"] == 0


def test_non_ascii_digits_in_nik_are_rejected(client, app):
    resp = client.post("/daftar", data=signup_form(nik="36７3025507909001"))
    assert "NIK harus 16 digit angka." in resp.get_data(as_text=True)
    with app.app_context():
        assert counts()["relawan"] == 0


def test_multipart_and_duplicate_fields_do_not_break_sign_up(client, app):
    data = signup_form()
    data["kelurahan_kode"] = ["36.73.99.1001", "36.73.02.1001"]
    resp = client.post("/daftar", data=data)
    assert resp.status_code in (200, 302)
    assert resp.status_code != 500


def test_profile_edit_rejects_tampered_and_long_input(app, make_relawan):
    from tests.conftest import login
    rel = make_relawan()
    c = app.test_client()
    with app.app_context():
        from auth.models import User
        login(c, db.session.get(User, rel.user_id))
    for overrides in ({"kelurahan_kode": "99.99.99.9999"}, {"education": "<script>"},
                      {"full_name": "x" * 500}, {"address": "a\x00b"}, {"gender": "Z"}):
        data = signup_form(**overrides)
        resp = c.post("/saya/profil", data=data)
        assert resp.status_code == 200, overrides
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.full_name == rel.full_name and r.address == rel.address and r.kelurahan_kode == rel.kelurahan_kode


def test_screening_query_string_garbage_is_ignored(login_as, make_relawan):
    make_relawan()
    c = login_as("panitia")
    for qs in ("q=%00", "q=%FF%FE", "status=%00", "kecamatan=x'--", "dari=9999-12-31&sampai=0000-01-01",
               "dari=2026-13-45", "page=abc", "page=-5", "page=99999999999999999999",
               "q=" + "a" * 5000, "q=%25%5F%5C", "kelurahan=36.73.02.1001%00"):
        resp = c.get("/relawan?" + qs)
        assert resp.status_code in (200, 400, 404), qs


def test_huge_or_negative_ids_are_404_not_500(login_as):
    c = login_as("admin")
    for url in ("/relawan/99999999999999999999", "/relawan/2147483648", "/relawan/-1", "/relawan/abc"):
        assert c.get(url).status_code == 404, url
    assert c.post("/relawan/99999999999999999999/setujui").status_code == 404


@pytest.mark.parametrize("ids", [["abc"], ["1; DROP TABLE relawan"], ["99999999999"], ["-1"], ["１"],
                                 [str(i) for i in range(300)]])
def test_tampered_bulk_ids_are_400(login_as, make_relawan, app, ids):
    make_relawan()
    c = login_as("panitia")
    assert c.post("/relawan/setujui-massal", data={"ids": ids}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Relawan.status)) == "calon"


def test_tampered_status_value_is_a_form_error(login_as, make_relawan, app):
    rel = make_relawan()
    c = login_as("panitia")
    for value in ("aktif", "superadmin", "\x00", ""):
        resp = c.post(f"/relawan/{rel.id}/status", data={"st-to_status": value, "st-note": "x"})
        assert resp.status_code == 200
        assert "Pilihan tidak valid." in resp.get_data(as_text=True) or "Pilih status baru." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Relawan.status)) == "calon"
        assert db.session.scalars(select(StatusChange)).all() == []


def test_over_long_reject_reason_is_a_field_error(login_as, make_relawan, app):
    rel = make_relawan()
    c = login_as("panitia")
    resp = c.post(f"/relawan/{rel.id}/tolak", data={"rj-reason": "x" * 501})
    assert "Maksimal 500 karakter." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Relawan.status)) == "calon"


def test_invalid_utf8_in_multipart_is_rejected(client, app):
    data = signup_form()
    boundary = "xYzZy"
    parts = []
    for k, v in data.items():
        value = v.encode() if k != "full_name" else b"Siti \xff\xfe Aminah"
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode() + value + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    resp = client.post("/daftar", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code in (200, 400)
    with app.app_context():
        assert counts()["relawan"] == 0
