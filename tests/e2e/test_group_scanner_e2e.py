"""A mother with two children at the door (issue 15.1), in a real Chromium with the fake camera.

The camera reads the mother's ticket: she is checked in and the result overlay lists her group
(names, relation, age group, who is in) with one button "Check-in seluruh rombongan (2)". With
the network cut the button says the group needs a connection and records nothing; back online
one tap checks both children in: three CheckIns in the database.
Screenshots (360x740) go to $E2E_SCREENSHOTS (default /tmp/e2e-group-scanner).
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
    count_checkins,
    launch_chromium,
    log_in,
    panitia_at_running_event,
    phone_page,
    poll_until,
    scanner_state,
    start_camera,
)

sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-group-scanner"))


@pytest.fixture(scope="module")
def site():
    with live_app("e2e-group-scanner-") as served:
        yield served


@pytest.fixture
def family(site):
    """A panitia, an event running now, and Ibu Siti registered with her two children."""
    from events.models import Registration
    from events.services.companions import Companion, companion_row
    from extensions import db
    from timeutil import utcnow

    app, base = site
    with app.app_context():
        user, event = panitia_at_running_event(f"Sosialisasi Keluarga {secrets.token_hex(3)}",
                                               allow_guests=True)
        now = utcnow()
        mother = Registration(event_id=event.id, guest_name="Ibu Siti Rohmah", guest_instansi="PKK Kasemen",
                              status="confirmed", source="guest", token=secrets.token_urlsafe(18),
                              created_at=now)
        db.session.add(mother)
        db.session.flush()
        for name, age in (("Aisyah", "anak"), ("Bima", "balita")):
            db.session.add(companion_row(mother, Companion(name, "anak", age), secrets.token_urlsafe(18)))
        db.session.commit()
        data = {"email": user.email, "event_id": event.id, "mother": mother.id,
                "url": f"{base}/t/{mother.token}"}
    return app, base, data


def test_mother_scanned_then_one_tap_checks_in_her_children(chromium_path, family, tmp_path):
    from events.checkin_models import CheckIn
    from extensions import db

    app, base, data = family
    ev = data["event_id"]
    # The mother's QR for a second, then 40 s of white: the clip loops, the test is done by then.
    clip = write_y4m(tmp_path / "mother.y4m", [data["url"]] + [None] * 40)
    guards = {"requests": [], "errors": []}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        context, page = phone_page(browser, base, guards)
        log_in(page, data["email"])
        page.goto(f"/pindai/{ev}")
        start_camera(page)
        result = page.locator("#result")
        sync_api.expect(result).to_contain_text("Ibu Siti Rohmah", timeout=20000)
        button = page.locator("#group-check-in")
        sync_api.expect(button).to_have_text("Check-in seluruh rombongan (2)", timeout=10000)
        members = page.locator("#result .result__member")
        sync_api.expect(members).to_have_count(3)
        sync_api.expect(members.nth(0)).to_contain_text("✓ hadir")
        sync_api.expect(members.nth(1)).to_contain_text("Aisyah")
        sync_api.expect(members.nth(1)).to_contain_text("Anak 6-12")
        sync_api.expect(members.nth(2)).to_contain_text("Balita")
        sync_api.expect(members.nth(2)).to_contain_text("belum hadir")
        assert scanner_state(page, "lastResult")["attendee"]["group_size"] == 3
        assert count_checkins(app, ev) == 1
        page.screenshot(path=str(SHOTS / "group-overlay-360.png"))

        context.set_offline(True)  # online only: nothing is queued for a group
        button.click()
        sync_api.expect(result).to_contain_text("hanya bisa saat online")
        assert count_checkins(app, ev) == 1
        page.screenshot(path=str(SHOTS / "group-offline-360.png"))
        context.set_offline(False)

        button.click()
        sync_api.expect(result).to_contain_text("2 dicatat hadir", timeout=20000)
        sync_api.expect(result).to_have_attribute("data-result", "checked_in")
        poll_until(page, lambda: count_checkins(app, ev) == 3, what="three check-ins")
        page.screenshot(path=str(SHOTS / "group-done-360.png"))
        assert scanner_state(page, "lastGroup")["checked_in"] == 2
        context.close()
        browser.close()
    with app.app_context():
        rows = db.session.scalars(select(CheckIn).where(CheckIn.event_id == ev)).all()
        assert sorted(r.method for r in rows) == ["manual", "manual", "qr"]
        db.session.remove()
    assert_local(guards)
