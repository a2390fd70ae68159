"""Self check-in by the projector's rotating QR in a real Chromium (issue 13.4).

Panitia open the projector page on a 1280x800 laptop; its script fetches the current QR (SVG).
The relawan's phone uses its ordinary camera app, not our scanner, so the test photographs the
QR element (a screenshot), decodes it with zxing-cpp, and opens the decoded URL in the relawan's
360x740 phone context: not logged in yet, the page sends them to the login form and back; they
press "Saya hadir" and see their green confirmation; the database holds one CheckIn with method
`self`. No request leaves 127.0.0.1, no page error. Screenshots go to $E2E_SCREENSHOTS (default
/tmp/e2e-projector).
"""
from __future__ import annotations

import io
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import FLAGS, live_app

sync_api = pytest.importorskip("playwright.sync_api")
zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-projector"))
PASSWORD = "rahasia-e2e-proyektor-1"


@pytest.fixture(scope="module")
def site():
    """The real app on a random 127.0.0.1 port (CSRF on) with a temp SQLite database."""
    with live_app("e2e-projector-") as served:
        yield served


@pytest.fixture
def world(site):
    """Panitia Dewi, relawan Siti with a confirmed registration, an event starting in 30 minutes."""
    from auth.models import User
    from events.models import Event, Registration
    from extensions import db
    from relawan.models import Relawan
    from timeutil import utcnow

    app, _base = site
    with app.app_context():
        panitia = User(name="Dewi Panitia", email="dewi.panitia@contoh.id", role="panitia")
        user = User(name="Siti Aminah", email="siti.aminah@contoh.id", phone="+6281277778888",
                    role="relawan")
        for u in (panitia, user):
            u.set_password(PASSWORD)
            db.session.add(u)
        db.session.flush()
        rel = Relawan(user_id=user.id, full_name="Siti Aminah", nik="3673025507900001", gender="P",
                      status="aktif", kelurahan_kode=None, address="Jl. Contoh 1",
                      card_token=secrets.token_urlsafe(16), consent_version="e2e", consent_at=utcnow())
        start = utcnow().replace(microsecond=0) + timedelta(minutes=30)
        event = Event(kind="sosialisasi", title="Sosialisasi Aula PKPRI", venue_name="Aula PKPRI",
                      starts_at=start, ends_at=start + timedelta(hours=3), status="published")
        db.session.add_all([rel, event])
        db.session.flush()
        db.session.add(Registration(event_id=event.id, relawan_id=rel.id, status="confirmed",
                                    source="self", token=secrets.token_urlsafe(18), created_at=utcnow()))
        db.session.commit()
        return {"event_id": event.id, "user_id": user.id}


def _context(browser, base, guards, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base)
    page = context.new_page()
    page.on("request", lambda r: guards["requests"].append(r.url))
    page.on("pageerror", lambda e: guards["errors"].append(str(e)))
    return page


def _login_form(page, identifier):
    page.fill("input[name=identifier]", identifier)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _decode(png: bytes) -> str:
    image = Image.open(io.BytesIO(png)).convert("L")
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found in the projector screenshot"
    return results[0].text


def test_projector_qr_read_by_a_phone_camera_checks_the_relawan_in(site, world, chromium_path):
    from sqlalchemy import select

    from events.checkin_models import CheckIn
    from extensions import db

    app, base = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    guards = {"requests": [], "errors": []}
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
        laptop = _context(browser, base, guards, 1280, 800)
        laptop.goto("/masuk")
        _login_form(laptop, "dewi.panitia@contoh.id")
        laptop.goto(f"/kelola/kegiatan/{world['event_id']}/proyektor")
        qr_box = laptop.locator("#projector-qr svg")  # the script replaced the first <img>
        expect(qr_box).to_be_visible()
        box = qr_box.bounding_box()
        assert box["height"] >= 400 and box["y"] + box["height"] <= 800  # big, and fits 1280x800
        laptop.screenshot(path=str(SHOTS / "projector-1280x800.png"))
        url = _decode(qr_box.screenshot())
        assert url.startswith(f"{base}/hadir/{world['event_id']}/")

        phone = _context(browser, base, guards, 360, 740)
        phone.goto(url)  # what the camera app opens: not logged in yet
        assert urlsplit(phone.url).path == "/masuk"
        _login_form(phone, "siti.aminah@contoh.id")
        assert phone.url == url  # back on the page the QR named
        with app.app_context():
            assert db.session.scalar(select(CheckIn)) is None  # the GET wrote nothing
        phone.screenshot(path=str(SHOTS / "phone-confirm-360x740.png"))
        phone.click("text=Saya hadir")
        outcome = phone.locator("#self-outcome")
        expect(outcome).to_contain_text("Anda tercatat hadir")
        expect(outcome).to_contain_text("Siti Aminah")
        assert "flash-success" in outcome.get_attribute("class")
        phone.screenshot(path=str(SHOTS / "phone-done-360x740.png"))
        browser.close()
    with app.app_context():
        rows = db.session.scalars(select(CheckIn)).all()
        assert [(r.event_id, r.method, r.by_user_id) for r in rows] == [
            (world["event_id"], "self", world["user_id"])]
    assert guards["errors"] == []
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in guards["requests"]), guards["requests"]
