"""Relawan self-service: home timeline, profile edit, kartu relawan QR, JSON export, deletion."""
import io
import json
from datetime import date

import zxingcpp
from PIL import Image
from sqlalchemy import select

from auth.models import AuditEntry, User
from extensions import db
from relawan import services
from relawan.models import Relawan, StatusChange
from tests.conftest import PASSWORD, login
from tests.relawan.helpers import audit_count, signup_form


def _client_for(app, rel):
    c = app.test_client()
    with app.app_context():
        login(c, db.session.get(User, rel.user_id))
    return c


def test_home_shows_steps_and_history_with_notes(app, make_relawan, make_user):
    rel = make_relawan()
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        services.change_status(r, "terverifikasi", None, "Berkas lengkap, selamat!")
        db.session.commit()
    html = _client_for(app, rel).get("/saya").get_data(as_text=True)
    assert 'class="done">Calon' in html and 'class="current" aria-current="step">Terverifikasi' in html
    assert "Berkas lengkap, selamat!" in html
    assert "/saya/kartu" in html and "/saya/data.json" in html


def test_profile_edit_saves_normalised_values_and_keeps_nik(app, make_relawan):
    rel = make_relawan(nik="3673025507909001", birth_date=date(1990, 7, 15))
    c = _client_for(app, rel)
    page = c.get("/saya/profil").get_data(as_text=True)
    assert "************9001" in page and "3673025507909001" not in page
    data = signup_form(full_name="Siti Baru", phone="+62 857-1234-5678", email="BARU@contoh.id",
                       kelurahan_kode="36.73.04.1007", nik="3673011111119999")
    resp = c.post("/saya/profil", data=data)
    assert resp.status_code == 302
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.full_name == "Siti Baru" and r.user.name == "Siti Baru"
        assert r.user.phone == "+6285712345678" and r.user.email == "baru@contoh.id"
        assert r.kelurahan_kode == "36.73.04.1007"
        assert r.nik == "3673025507909001"  # not editable by the relawan
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "relawan_profile_updated")).one()
        assert "Siti Baru" not in json.dumps(entry.details)  # field names only
        assert "full_name" in entry.details["fields"]


def test_profile_edit_refuses_phone_or_email_of_someone_else(app, make_relawan, make_user):
    other = make_user("panitia", email="dipakai@contoh.id", phone="+6281377778888")
    rel = make_relawan(phone="+6281200001111")
    c = _client_for(app, rel)
    for overrides, message in (({"phone": "0813-7777-8888"}, "Nomor HP ini sudah dipakai"),
                               ({"email": "dipakai@contoh.id"}, "Email ini sudah dipakai")):
        resp = c.post("/saya/profil", data=signup_form(**overrides))
        assert resp.status_code == 200 and message in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, rel.user_id).phone == "+6281200001111"
        assert db.session.get(User, other.id).email == "dipakai@contoh.id"
        assert db.session.get(Relawan, rel.id).full_name == rel.full_name


def test_profile_edit_nik_mismatch_warning(app, make_relawan):
    rel = make_relawan(nik="3673025507909001", gender="P")
    c = _client_for(app, rel)
    resp = c.post("/saya/profil", data=signup_form(gender="L", phone="0812-0000-1111", email=""),
                  follow_redirects=True)
    assert "Jenis kelamin berbeda" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Relawan, rel.id).gender == "L"


def test_card_page_and_png_decode_to_the_token_url(app, make_relawan):
    rel = make_relawan(status="aktif")
    c = _client_for(app, rel)
    page = c.get("/saya/kartu")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and rel.full_name in html
    assert "Kasemen" in html and "Aktif" in html and "P2TP2A" in html
    assert rel.nik not in html and "style=" not in html
    assert page.headers["Cache-Control"] == "private, no-store"
    png = c.get("/saya/kartu.png")
    assert png.mimetype == "image/png" and "attachment" in png.headers["Content-Disposition"]
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert result.text == f"http://localhost/t/{rel.card_token}"
    assert str(rel.id) not in result.text.split("/t/")[0]


def test_card_svg_is_a_valid_decodable_qr(app, make_relawan):
    rel = make_relawan()
    c = _client_for(app, rel)
    resp = c.get("/saya/kartu.svg")
    assert resp.mimetype == "image/svg+xml" and resp.data.startswith(b"<svg")
    # Rasterise the SVG's path by hand (no SVG renderer needed) and decode it.
    import re
    svg = resp.get_data(as_text=True)
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    scale = 8
    img = Image.new("L", (size * scale, size * scale), 255)
    from PIL import ImageDraw
    draw = ImageDraw.Draw(img)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        x, y, w = int(x), int(y), int(w)
        draw.rectangle([x * scale, y * scale, (x + w) * scale - 1, (y + 1) * scale - 1], fill=0)
    [result] = zxingcpp.read_barcodes(img)
    assert result.text == f"http://localhost/t/{rel.card_token}"


def test_export_contains_all_own_data_and_is_audited(app, make_relawan, make_event):
    rel = make_relawan(nik="3673025507909001", occupation="Guru", motivation="Membantu",
                       phone="+6281200002222")
    event = make_event(title="Sosialisasi PKPRI")
    with app.app_context():
        from events.models import Registration
        r = db.session.get(Relawan, rel.id)
        services.change_status(r, "terverifikasi", None, "ok")
        db.session.add(Registration(event_id=event.id, relawan_id=rel.id, token="tok-" + "x" * 20))
        db.session.commit()
    c = _client_for(app, rel)
    resp = c.get("/saya/data.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    data = json.loads(resp.data)
    assert data["profile"]["full_name"] == rel.full_name and data["profile"]["nik"] == "3673025507909001"
    assert data["profile"]["kelurahan"] == "Kasemen" and data["profile"]["occupation"] == "Guru"
    assert data["account"]["phone"] == "+6281200002222"
    assert data["consent"]["version"] == "test" and data["consent"]["given_at"]
    assert [h["to"] for h in data["status_history"]] == ["terverifikasi"]
    assert data["registrations"][0]["event"] == "Sosialisasi PKPRI"
    assert "password" not in resp.get_data(as_text=True).lower()
    with app.app_context():
        assert audit_count("relawan_data_exported") == 1


def test_export_includes_consent_text_of_the_version_given(client, app):
    client.post("/daftar", data=signup_form())
    data = json.loads(client.get("/saya/data.json").data)
    assert data["consent"]["version"] == "2026-11-v1"
    text = " ".join(s["text"] for s in data["consent"]["text"])
    assert "27 Tahun 2022" in text and "ppid@serangkota.go.id" in text
    assert data["account"]["email"] == "siti.aminah@contoh.id"


def test_deletion_request_then_admin_anonymises(app, make_relawan, login_as):
    rel = make_relawan(nik="3673025507909001", motivation="Alasan pribadi", birth_date=date(1990, 7, 15))
    with app.app_context():
        services.change_status(db.session.get(Relawan, rel.id), "terverifikasi", None, "ok")
        db.session.commit()
        old_token = db.session.get(Relawan, rel.id).card_token
    c = _client_for(app, rel)
    assert c.post("/saya/hapus-data", data={}).status_code == 200  # confirmation required
    with app.app_context():
        assert db.session.get(Relawan, rel.id).deletion_requested_at is None
    assert c.post("/saya/hapus-data", data={"confirm": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(Relawan, rel.id).deletion_requested_at is not None
        assert audit_count("relawan_deletion_requested") == 1
    admin = login_as("admin")
    assert "minta hapus" in admin.get("/relawan?hapus=1").get_data(as_text=True)
    assert admin.post(f"/relawan/{rel.id}/hapus-data", data={}).status_code == 200  # needs the tick
    resp = admin.post(f"/relawan/{rel.id}/hapus-data", data={"del-confirm": "y"})
    assert resp.status_code == 302
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.full_name == f"Relawan terhapus #{rel.id}" and r.anonymized_at is not None
        assert (r.nik, r.birth_date, r.address, r.motivation, r.occupation) == (None, None, None, None, None)
        assert r.status == "terverifikasi" and r.kelurahan_kode == "36.73.02.1001"  # counts kept
        assert r.card_token != old_token
        assert len(db.session.scalars(select(StatusChange).where(StatusChange.relawan_id == rel.id)).all()) == 1
        u = db.session.get(User, rel.user_id)
        assert (u.email, u.phone, u.active, u.name) == (None, None, False, r.full_name)
        assert not u.check_password(PASSWORD)
        assert audit_count("relawan_anonymized") == 1
    # the former relawan can no longer log in or see anything
    assert c.get("/saya/kartu").status_code in (302, 401, 404)
    again = admin.post(f"/relawan/{rel.id}/hapus-data", data={"del-confirm": "y"}, follow_redirects=True)
    assert "sudah dihapus sebelumnya" in again.get_data(as_text=True)
    with app.app_context(), __import__("pytest").raises(services.InvalidTransition):
        services.change_status(db.session.get(Relawan, rel.id), "nonaktif", None)


def test_panitia_cannot_carry_out_deletion(app, make_relawan, login_as):
    rel = make_relawan()
    assert login_as("panitia").post(f"/relawan/{rel.id}/hapus-data", data={"del-confirm": "y"}).status_code == 403
    with app.app_context():
        assert db.session.get(Relawan, rel.id).anonymized_at is None


def test_account_without_relawan_record(login_as):
    c = login_as("relawan")
    assert "belum terhubung" in c.get("/saya").get_data(as_text=True)
    assert c.get("/saya/kartu").status_code == 404
    assert c.get("/saya/data.json").status_code == 404


def test_profile_duplicate_caught_by_database_constraint(app, make_relawan, make_user, monkeypatch):
    """Even when the look-up misses (a race), the unique constraint refuses a taken phone number."""
    make_user("panitia", phone="+6281377770000")
    rel = make_relawan(phone="+6281200003333")
    c = _client_for(app, rel)
    real, calls = services.find_duplicates, []

    def blind_first_time(**kw):
        calls.append(kw)
        return {} if len(calls) == 1 else real(**kw)

    monkeypatch.setattr(services, "find_duplicates", blind_first_time)
    resp = c.post("/saya/profil", data=signup_form(phone="0813-7777-0000", email=""))
    assert resp.status_code == 200 and "Nomor HP ini sudah dipakai" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, rel.user_id).phone == "+6281200003333"
