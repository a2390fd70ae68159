"""CSV invitee import: preview with per-row errors, signed confirm, all-or-nothing."""
import io
import re

from sqlalchemy import select

from events.models import Event, Registration
from extensions import db
from tests.events.evhelpers import count

GOOD = ("nama;instansi;jabatan;no_hp;email;kode_kelurahan\n"
        "Siti Aminah;Kelurahan Cipare;Kasi Kesos;0812-3456-7890;siti@contoh.id;36.73.01.1001\n"
        "Ujang Saepudin;Puskesmas Kasemen;Promkes;+62 813 1111 2222;;\n")


def _upload(c, event_id, content: bytes, name="undangan.csv"):
    return c.post(f"/kelola/kegiatan/{event_id}/undangan",
                  data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _payload(html):
    return re.search(r'name="payload" value="([^"]+)"', html).group(1)


def test_preview_then_confirm_imports_all_rows(login_as, app, make_event):
    ev = make_event(capacity=1)
    c = login_as("panitia")
    resp = _upload(c, ev.id, "\ufeff".encode() + GOOD.encode("utf-8"))  # Excel's BOM
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Pratinjau: 2 baris" in html and "Siti Aminah" in html
    with app.app_context():
        assert count(Registration) == 0  # preview saves nothing
    resp = c.post(f"/kelola/kegiatan/{ev.id}/undangan", data={"step": "confirm", "payload": _payload(html)})
    assert resp.status_code == 302
    with app.app_context():
        regs = db.session.scalars(select(Registration).order_by(Registration.id)).all()
        assert [(r.guest_name, r.guest_phone, r.source, r.status) for r in regs] == [
            ("Siti Aminah", "+6281234567890", "import", "confirmed"),
            ("Ujang Saepudin", "+6281311112222", "import", "waitlisted")]
        assert regs[0].guest_kelurahan_kode == "36.73.01.1001" and regs[0].guest_email == "siti@contoh.id"


def test_comma_delimiter_and_any_column_order(login_as, app, make_event):
    ev = make_event()
    c = login_as("panitia")
    html = _upload(c, ev.id, b"no_hp,nama\n081234567890,Ani\n").get_data(as_text=True)
    assert "Pratinjau: 1 baris" in html and 'name="payload"' in html


def test_row_errors_are_listed_and_no_confirm_is_offered(login_as, app, make_event):
    ev = make_event()
    c = login_as("panitia")
    bad = ("nama,instansi,jabatan,no_hp,email,kode_kelurahan\n"
           ",PKK,,081234567890,,\n"
           "Budi,,,12345,,\n"
           "Cici,,,081234567891,bukan-email,99.99.99.9999\n"
           "Dedi,,,0812-3456-7891,,\n")
    resp = _upload(c, ev.id, bad.encode())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Nama wajib diisi." in html and "Gunakan nomor HP Indonesia" in html
    assert "Alamat email tidak valid." in html and "Kode kelurahan tidak dikenal" in html
    assert "Nomor HP sama dengan baris 4." in html
    assert 'name="payload"' not in html
    with app.app_context():
        assert count(Registration) == 0


def test_wrong_columns_are_refused_with_message(login_as, app, make_event):
    ev = make_event()
    resp = _upload(login_as("panitia"), ev.id, b"name,phone\nAni,081234567890\n")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Judul kolom salah" in html and "kolom wajib tidak ada: nama, no_hp" in html
    with app.app_context():
        assert count(Registration) == 0


def test_non_utf8_file_is_refused_with_message(login_as, app, make_event):
    ev = make_event()
    c = login_as("panitia")
    resp = _upload(c, ev.id, "nama;no_hp\nSiti Ma\u2019ruf;081234567890\n".encode("cp1252"))
    assert resp.status_code == 422 and "Berkas bukan UTF-8" in resp.get_data(as_text=True)
    resp = _upload(c, ev.id, "nama;no_hp\nAni;081234567890\n".encode("utf-16"))
    assert resp.status_code == 422 and "UTF-16" in resp.get_data(as_text=True)
    resp = _upload(c, ev.id, b"")
    assert resp.status_code == 422
    with app.app_context():
        assert count(Registration) == 0


def test_confirm_is_all_or_nothing_when_a_row_became_duplicate(login_as, app, make_event, client):
    ev = make_event(allow_guests=True)
    c = login_as("panitia")
    html = _upload(c, ev.id, GOOD.encode()).get_data(as_text=True)
    # Between preview and confirm, the second person registers by themselves.
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Ujang", "phone": "081311112222"})
    resp = c.post(f"/kelola/kegiatan/{ev.id}/undangan", data={"step": "confirm", "payload": _payload(html)})
    assert resp.status_code == 422
    assert "sudah terdaftar" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 1 and db.session.get(Event, ev.id).seats_taken == 1


def test_tampered_or_foreign_payload_is_refused(login_as, app, make_event):
    ev, other = make_event(), make_event()
    c = login_as("panitia")
    html = _upload(c, ev.id, GOOD.encode()).get_data(as_text=True)
    payload = _payload(html)
    resp = c.post(f"/kelola/kegiatan/{ev.id}/undangan", data={"step": "confirm", "payload": payload + "x"})
    assert resp.status_code == 422 and "Pratinjau kedaluwarsa atau tidak sah" in resp.get_data(as_text=True)
    resp = c.post(f"/kelola/kegiatan/{other.id}/undangan", data={"step": "confirm", "payload": payload})
    assert resp.status_code == 422
    with app.app_context():
        assert count(Registration) == 0


def test_only_staff_may_import(login_as, make_event):
    ev = make_event()
    assert login_as("koordinator").get(f"/kelola/kegiatan/{ev.id}/undangan").status_code == 403
    assert login_as("relawan").post(f"/kelola/kegiatan/{ev.id}/undangan").status_code == 403
