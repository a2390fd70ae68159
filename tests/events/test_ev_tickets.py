"""Tickets: one-tap registration, guest form, ticket page, real QR decoding, WhatsApp, cards."""
import io
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image
from sqlalchemy import select

from events.models import Event, Registration
from events.services import registration as svc
from extensions import db
from relawan.models import Relawan
from tests.conftest import login
from tests.events.evhelpers import count


def _relawan_client(app, make_relawan, **kw):
    rel = make_relawan(**kw)
    c = app.test_client()
    with app.app_context():
        user = db.session.get(Relawan, rel.id).user
        db.session.expunge(user)
    login(c, user)
    return c, rel


def test_relawan_one_tap_registration_lands_on_ticket_with_decodable_qr(app, make_event, make_relawan):
    ev = make_event(capacity=10)
    c, rel = _relawan_client(app, make_relawan, status="aktif")
    resp = c.post(f"/kegiatan/{ev.id}/daftar")
    assert resp.status_code == 302 and "/t/" in resp.location
    with app.app_context():
        reg = db.session.scalars(select(Registration)).one()
        assert reg.relawan_id == rel.id and reg.status == "confirmed" and reg.source == "self"
        token = reg.token
    page = c.get(f"/t/{token}", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Pendaftaran berhasil" in html and "<svg" in html and rel.full_name in html
    assert 'include' not in html  # the check-in include point renders nothing until it exists
    png = c.get(f"/t/{token}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert [d.text for d in decoded] == [f"http://localhost/t/{token}"]
    svg = c.get(f"/t/{token}.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_second_tap_says_already_registered_and_saves_nothing(app, make_event, make_relawan):
    ev = make_event(capacity=10)
    c, _ = _relawan_client(app, make_relawan, status="aktif")
    c.post(f"/kegiatan/{ev.id}/daftar")
    resp = c.post(f"/kegiatan/{ev.id}/daftar", follow_redirects=True)
    assert "Anda sudah terdaftar pada kegiatan ini." in resp.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 1 and db.session.get(Event, ev.id).seats_taken == 1


def test_full_event_puts_relawan_on_waitlist_with_number(app, make_event, make_relawan):
    ev = make_event(capacity=1)
    first = make_relawan(status="aktif")
    with app.app_context():
        svc.register_relawan(db.session.get(Event, ev.id), db.session.get(Relawan, first.id))
        db.session.commit()
    c, _ = _relawan_client(app, make_relawan, status="aktif")
    html = c.post(f"/kegiatan/{ev.id}/daftar", follow_redirects=True).get_data(as_text=True)
    assert "Kuota penuh, Anda masuk daftar tunggu nomor 1." in html
    with app.app_context():
        assert count(Registration, Registration.status == "waitlisted") == 1


def test_anonymous_tap_goes_to_login(client, make_event):
    ev = make_event()
    resp = client.post(f"/kegiatan/{ev.id}/daftar")
    assert resp.status_code == 302 and "/masuk" in resp.location


def test_guest_registers_with_normalised_phone(client, app, make_event):
    ev = make_event(allow_guests=True, capacity=5)
    assert client.get(f"/kegiatan/{ev.id}/daftar-tamu").status_code == 200
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={
        "name": "Ibu Siti Aminah", "instansi": "Kelurahan Cipare", "jabatan": "Kasi Kesos",
        "phone": "0812-3456-7890", "kelurahan_kode": "36.73.01.1001"})
    assert resp.status_code == 302
    with app.app_context():
        reg = db.session.scalars(select(Registration)).one()
        assert reg.guest_phone == "+6281234567890" and reg.guest_kelurahan_kode == "36.73.01.1001"
        token = reg.token
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "Ibu Siti Aminah" in html and "Kelurahan Cipare" in html


def test_guest_bad_phone_and_duplicate_phone_save_nothing(client, app, make_event):
    ev = make_event(allow_guests=True)
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "A", "phone": "12345"})
    assert resp.status_code == 422 and "Gunakan nomor HP Indonesia" in resp.get_data(as_text=True)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "A", "phone": "081234567890"})
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "B", "phone": "+62 812 3456 7890"})
    assert resp.status_code == 422
    assert "Nomor HP ini sudah terdaftar pada kegiatan ini." in resp.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 1


def test_guest_form_refused_when_event_is_for_relawan_only(client, make_event):
    ev = make_event(allow_guests=False)
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "A", "phone": "081234567890"})
    assert resp.status_code == 302


def test_whatsapp_link_has_ticket_url_and_never_the_nik(app, make_event, make_relawan):
    ev = make_event()
    c, rel = _relawan_client(app, make_relawan, status="aktif")
    c.post(f"/kegiatan/{ev.id}/daftar")
    with app.app_context():
        reg = db.session.scalars(select(Registration)).one()
        token, nik = reg.token, db.session.get(Relawan, rel.id).nik
    html = c.get(f"/t/{token}").get_data(as_text=True)
    href = html.split('href="https://wa.me/?text=')[1].split('"')[0]
    text = parse_qs(urlsplit("https://wa.me/?text=" + href.replace("&amp;", "&")).query)["text"][0]
    assert f"http://localhost/t/{token}" in text and ev.title in text
    assert nik not in html and nik[-4:] not in text


def test_holder_cancels_with_token_and_waitlist_moves_up(client, app, make_event):
    ev = make_event(allow_guests=True, capacity=1)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "A", "phone": "081234567890"})
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "B", "phone": "081234567891"})
    with app.app_context():
        a, b = db.session.scalars(select(Registration).order_by(Registration.id)).all()
        assert (a.status, b.status) == ("confirmed", "waitlisted")
        token_a, token_b = a.token, b.token
    assert "daftar tunggu nomor 1" in client.get(f"/t/{token_b}").get_data(as_text=True)
    assert client.post(f"/t/{token_a}/batal").status_code == 302
    with app.app_context():
        a, b = db.session.scalars(select(Registration).order_by(Registration.id)).all()
        assert (a.status, b.status) == ("cancelled", "confirmed")
        assert db.session.get(Event, ev.id).seats_taken == 1
    assert "sudah dibatalkan" in client.get(f"/t/{token_a}").get_data(as_text=True)
    again = client.post(f"/t/{token_a}/batal", follow_redirects=True)
    assert again.status_code == 200 and "sudah dibatalkan" in again.get_data(as_text=True)


def test_unknown_token_is_404(client):
    assert client.get("/t/tidak-ada-token-seperti-ini").status_code == 404
    assert client.get("/t/tidak-ada.png").status_code == 404
    assert client.post("/t/tidak-ada/batal").status_code == 404


def test_relawan_card_token_shows_minimal_card(client, app, make_relawan):
    rel = make_relawan(status="aktif", full_name="Euis Suryani")
    resp = client.get(f"/t/{rel.card_token}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Kartu relawan" in html and "Euis Suryani" in html and "Aktif" in html
    with app.app_context():
        assert db.session.get(Relawan, rel.id).nik not in html


def test_card_owner_is_sent_to_their_card_page_when_it_exists(app, make_relawan):
    c, rel = _relawan_client(app, make_relawan, status="aktif")
    resp = c.get(f"/t/{rel.card_token}")
    if "relawan.card" in app.view_functions:
        assert resp.status_code == 302
    else:
        assert resp.status_code == 200


def test_ticket_page_has_no_inline_script_or_style(app, make_event, client):
    ev = make_event(allow_guests=True)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "A", "phone": "081234567890"})
    with app.app_context():
        token = db.session.scalars(select(Registration.token)).one()
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "style=" not in html and "onclick" not in html
    assert "<script>" not in html and "@media print" not in html


def test_inline_svg_qr_on_the_ticket_page_decodes_to_the_ticket_url(client, app, make_event):
    """Rasterise the SVG path (unit squares) with PIL and decode it with zxing-cpp."""
    import re

    from PIL import ImageDraw
    ev = make_event(allow_guests=True)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "A", "phone": "081234567890"})
    with app.app_context():
        token = db.session.scalars(select(Registration.token)).one()
    html = client.get(f"/t/{token}").get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg)  # one path run per row segment
    assert runs
    scale = 8
    img = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(img)
    for x, y, w in runs:
        x, y, w = int(x), int(y), int(w)
        draw.rectangle([x * scale, y * scale, (x + w) * scale - 1, (y + 1) * scale - 1], fill=0)
    assert [d.text for d in zxingcpp.read_barcodes(img)] == [f"http://localhost/t/{token}"]
