"""Issue 14.3: every task of an event one tap from its page (the staff panel), and a menu that
offers "Pindai QR" to a relawan only while they hold a door-staff grant."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from events.checkin_models import CheckIn, DoorStaffGrant
from events.models import Registration
from extensions import db
from tests.conftest import login
from timeutil import utcnow


def _panel(html: str) -> str | None:
    match = re.search(r'<section class="card staff-panel.*?</section>', html, re.S)
    return match.group(0) if match else None


def _hrefs(html: str) -> set[str]:
    return {h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)}


def test_staff_panel_links_every_task_of_an_upcoming_event(app, login_as, make_event):
    event = make_event(starts_at=utcnow() + timedelta(days=3))
    panitia = login_as("panitia")
    resp = panitia.get(f"/kegiatan/{event.id}")
    assert resp.status_code == 200
    panel = _panel(resp.get_data(as_text=True))
    assert panel is not None
    e = event.id
    expected = {
        f"/pindai/{e}", f"/pindai/{e}/meja", f"/kelola/kegiatan/{e}/proyektor",
        f"/kelola/kegiatan/{e}/peserta", f"/kelola/kegiatan/{e}/pertanyaan",
        f"/laporan/kegiatan/{e}/daftar-hadir.pdf?versi=kosong",
        f"/laporan/kegiatan/{e}/daftar-hadir.pdf?versi=terisi",
        f"/kelola/kegiatan/{e}/badge.pdf", f"/laporan/kegiatan/{e}", "/kelola/siaran/baru",
        f"/kelola/kegiatan/{e}/petugas-pintu",
    }
    assert _hrefs(panel) == expected
    # The blank daftar hadir is printed before the doors open: the link works for an upcoming event.
    blank = panitia.get(f"/laporan/kegiatan/{e}/daftar-hadir.pdf?versi=kosong")
    assert blank.status_code == 200 and blank.mimetype == "application/pdf"
    for href in sorted(expected - {f"/pindai/{e}"}):
        assert panitia.get(href).status_code == 200, href
    with app.app_context():  # opening the tasks wrote nothing
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_admin_sees_the_staff_panel_too(login_as, make_event):
    event = make_event()
    html = login_as("admin").get(f"/kegiatan/{event.id}").get_data(as_text=True)
    assert _panel(html) is not None


def test_staff_panel_is_absent_for_relawan_koordinator_and_anonymous(client, login_as, make_relawan,
                                                                      make_event, app):
    event = make_event()
    relawan = make_relawan(status="aktif")
    with app.app_context():
        from auth.models import User
        relawan_client = login(app.test_client(), db.session.get(User, relawan.user_id))
    for c in (client, relawan_client, login_as("koordinator")):
        resp = c.get(f"/kegiatan/{event.id}")
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        assert _panel(html) is None
        assert f"/pindai/{event.id}" not in html
        assert "daftar-hadir.pdf" not in html


def _menu(html: str) -> str:
    return re.search(r'<nav aria-label="Menu utama">.*?</nav>', html, re.S).group(0)


def test_relawan_menu_offers_the_scanner_only_with_a_door_grant(app, make_relawan, make_event):
    event = make_event()
    relawan = make_relawan(status="aktif")
    with app.app_context():
        from auth.models import User
        user = db.session.get(User, relawan.user_id)
        c = login(app.test_client(), user)
    assert 'href="/pindai"' not in _menu(c.get("/").get_data(as_text=True))
    with app.app_context():
        db.session.add(DoorStaffGrant(event_id=event.id, user_id=relawan.user_id))
        db.session.commit()
    html = c.get("/").get_data(as_text=True)
    assert 'href="/pindai"' in _menu(html)
    with app.app_context():  # the menu only reads the grant
        grant = db.session.scalar(select(DoorStaffGrant).where(DoorStaffGrant.user_id == relawan.user_id))
        assert grant.revoked_at is None


def test_staff_menu_is_also_a_desktop_bar_with_the_same_links(login_as):
    html = login_as("panitia").get("/").get_data(as_text=True)
    bar = re.search(r'<nav class="deskbar"[^>]*>.*?</nav>', html, re.S).group(0)
    assert _hrefs(bar) == _hrefs(_menu(html)) - {"/akun/kata-sandi"}
    assert 'href="/pindai"' in bar and 'href="/laporan/"' in bar
