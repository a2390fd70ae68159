"""Check-out at the door (issue 13.3) in a real Chromium with a fake camera showing a ticket.

On an event with check-out switched on, the scanner shows the Masuk/Keluar switch; door staff
switch to Keluar (the page header changes colour, the choice survives a reload), the camera reads
the ticket of a person inside, the answer says "Keluar tercatat", the database holds one
movement "out" after the one CheckIn, and the counter's "Di dalam" drops from 1 to 0 while the
peak stays 1. No request leaves 127.0.0.1 and the page raises no error.
Screenshots (360x740) go to $E2E_SCREENSHOTS (default /tmp/e2e-scanner).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.e2e.conftest import FLAGS, live_app
from tests.e2e.fakecam import write_y4m

sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-scanner"))
PASSWORD = "rahasia-e2e-123"


@pytest.fixture(scope="module")
def site():
    with live_app("e2e-checkout-") as served:
        yield served


@pytest.fixture
def door(site):
    """A panitia and a running check-out event; Siti is checked in (inside), two others not."""
    from auth.models import User
    from events.checkin.service import new_scan_id, record_scan
    from events.models import Event, Registration
    from extensions import db
    from timeutil import utcnow

    app, base = site
    n = secrets.token_hex(3)
    with app.app_context():
        user = User(name="Panitia Pintu", email=f"keluar-{n}@contoh.id", role="panitia")
        user.set_password(PASSWORD)
        now = utcnow()
        event = Event(kind="sosialisasi", title=f"Sosialisasi Keluar-Masuk {n}", status="published",
                      venue_name="Aula PKPRI", starts_at=now - timedelta(minutes=30),
                      ends_at=now + timedelta(hours=3), checkout_enabled=True)
        db.session.add_all([user, event])
        db.session.flush()
        regs = [Registration(event_id=event.id, guest_name=name, guest_instansi="PKK Kasemen",
                             status="confirmed", source="guest", token=secrets.token_urlsafe(18),
                             created_at=now) for name in ("Siti Aminah", "Budi Santoso", "Rina")]
        db.session.add_all(regs)
        db.session.flush()
        assert record_scan(event, regs[0].token, by_user=user, scan_id=new_scan_id()).result == "checked_in"
        db.session.commit()
        data = {"email": user.email, "event_id": event.id, "registration_id": regs[0].id,
                "url": f"{base}/t/{regs[0].token}"}
        db.session.remove()
    return app, base, data


def _movements(app, registration_id):
    from events.checkin_models import CheckIn, CheckInMovement
    from extensions import db

    with app.app_context():
        rows = db.session.execute(select(CheckInMovement.seq, CheckInMovement.direction)
                                  .join(CheckIn, CheckIn.id == CheckInMovement.checkin_id)
                                  .where(CheckIn.registration_id == registration_id)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def _state(page, key):
    return page.evaluate("(k) => (window.__scannerState || {})[k]", key)


def _poll(predicate, page, timeout=20.0, what=""):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        page.wait_for_timeout(150)
    raise AssertionError(f"timed out waiting for {what}")


def test_keluar_mode_scans_a_person_out_and_the_inside_count_drops(chromium_path, door, tmp_path):
    app, base, data = door
    # 8 s of blank frames: time to load the page and switch to Keluar before the ticket shows.
    clip = write_y4m(tmp_path / "keluar.y4m", [None] * 8 + [data["url"]])
    requests, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True,
                                    args=FLAGS + [f"--use-file-for-fake-video-capture={clip}"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base)
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto("/masuk")
        page.fill("input[name=identifier]", data["email"])
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state()

        page.goto(f"/pindai/{data['event_id']}")
        counter = page.locator("#counter")
        sync_api.expect(counter).to_have_text("Di dalam 1 (puncak 1) · Hadir 1 / 3", timeout=20000)
        switch = page.locator("#scan-mode")
        sync_api.expect(switch).to_be_visible()
        assert _state(page, "mode") == "in"
        page.locator("#scan-mode button[data-mode=out]").click()
        sync_api.expect(page.locator("#scan-mode button[data-mode=out]")).to_have_attribute(
            "aria-pressed", "true")
        sync_api.expect(page.locator("#scan-mode-note")).to_be_visible()
        assert "scanner-mode-out" in page.evaluate("() => document.documentElement.className")
        header = page.evaluate("() => getComputedStyle(document.querySelector('.topbar')).backgroundColor")
        assert header == "rgb(138, 58, 0)", header  # the Keluar colour, not the usual purple
        page.screenshot(path=str(SHOTS / "checkout-keluar-mode.png"))
        page.reload()  # remembered on this device for this event
        sync_api.expect(page.locator("#scan-mode button[data-mode=out]")).to_have_attribute(
            "aria-pressed", "true")
        assert _state(page, "mode") == "out"

        deadline = time.time() + 5
        while time.time() < deadline and _state(page, "camera") != "on":
            button = page.locator("#start-camera")
            if button.is_visible() and button.is_enabled():
                with contextlib.suppress(sync_api.Error):
                    button.click(timeout=1000)
            page.wait_for_timeout(200)
        result = page.locator("#result")
        sync_api.expect(result).to_have_attribute("data-result", "checked_out", timeout=30000)
        sync_api.expect(result).to_contain_text("Keluar tercatat")
        sync_api.expect(result).to_contain_text("Siti Aminah tercatat keluar pukul")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "checkout-answer.png"))
        _poll(lambda: _movements(app, data["registration_id"]) == [(2, "out")], page,
              what="the movement row")
        sync_api.expect(counter).to_have_text("Di dalam 0 (puncak 1) · Hadir 1 / 3", timeout=20000)
        page.wait_for_timeout(1500)  # the clip loops: later sightings must not add rows
        assert _movements(app, data["registration_id"]) == [(2, "out")]
        context.close()
        browser.close()
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))]
    assert outside == [] and errors == [], (outside, errors)
