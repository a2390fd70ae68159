"""Check-out at the door (issue 13.3) in a real Chromium with a fake camera showing a ticket.

On an event with check-out switched on, the scanner shows the Masuk/Keluar switch; door staff
switch to Keluar (the page header changes colour, the choice survives a reload), the camera reads
the ticket of a person inside, the answer says "Keluar tercatat", the database holds one
movement "out" after the one CheckIn, and the counter's "Di dalam" drops from 1 to 0 while the
peak stays 1. No request leaves 127.0.0.1 and the page raises no error.
Screenshots (360x740) go to $E2E_SCREENSHOTS (default /tmp/e2e-scanner).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.e2e.conftest import live_app
from tests.e2e.fakecam import write_y4m
from tests.e2e.scanner_page import (
    assert_local,
    launch_chromium,
    log_in,
    panitia_at_running_event,
    phone_page,
    poll_until,
    scanner_state,
    start_camera,
)

sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-scanner"))


@pytest.fixture(scope="module")
def site():
    with live_app("e2e-checkout-") as served:
        yield served


@pytest.fixture
def door(site):
    """A panitia and a running check-out event; Siti is checked in (inside), two others not."""
    from events.checkin.service import new_scan_id, record_scan
    from events.models import Registration
    from extensions import db
    from timeutil import utcnow

    app, base = site
    with app.app_context():
        user, event = panitia_at_running_event(f"Sosialisasi Keluar-Masuk {secrets.token_hex(3)}",
                                               email_prefix="keluar", checkout_enabled=True)
        now = utcnow()
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


def test_keluar_mode_scans_a_person_out_and_the_inside_count_drops(chromium_path, door, tmp_path):
    app, base, data = door
    # 8 s of blank frames: time to load the page and switch to Keluar before the ticket shows.
    clip = write_y4m(tmp_path / "keluar.y4m", [None] * 8 + [data["url"]])
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        context, page = phone_page(browser, base, guards)
        log_in(page, data["email"])

        page.goto(f"/pindai/{data['event_id']}")
        counter = page.locator("#counter")
        sync_api.expect(counter).to_have_text("Di dalam 1 (puncak 1) · Hadir 1 / 3", timeout=20000)
        switch = page.locator("#scan-mode")
        sync_api.expect(switch).to_be_visible()
        assert scanner_state(page, "mode") == "in"
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
        assert scanner_state(page, "mode") == "out"

        start_camera(page)
        result = page.locator("#result")
        sync_api.expect(result).to_have_attribute("data-result", "checked_out", timeout=30000)
        sync_api.expect(result).to_contain_text("Keluar tercatat")
        sync_api.expect(result).to_contain_text("Siti Aminah tercatat keluar pukul")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "checkout-answer.png"))
        poll_until(page, lambda: _movements(app, data["registration_id"]) == [(2, "out")],
                   what="the movement row")
        sync_api.expect(counter).to_have_text("Di dalam 0 (puncak 1) · Hadir 1 / 3", timeout=20000)
        page.wait_for_timeout(1500)  # the clip loops: later sightings must not add rows
        assert _movements(app, data["registration_id"]) == [(2, "out")]
        context.close()
        browser.close()
    assert_local(guards)
