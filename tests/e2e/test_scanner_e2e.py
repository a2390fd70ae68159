"""The door scanner in a real Chromium whose fake camera shows real tickets' QR codes.

Online: the attendee's name appears and the database holds exactly one CheckIn.
Offline: the network is cut inside the test, two tickets are scanned and queued (count shown),
the network comes back, each is recorded exactly once and the sync results are listed.
Every test asserts that no request leaves 127.0.0.1 and that the page raised no error.
Screenshots (360x740) go to $E2E_SCREENSHOTS (default /tmp/e2e-scanner).
"""
from __future__ import annotations

import contextlib
import os
import secrets
from datetime import timedelta
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

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-scanner"))


@pytest.fixture(scope="module")
def site():
    """The real app (CSRF on) on a random 127.0.0.1 port against a temp SQLite DB."""
    with live_app("e2e-scanner-") as served:
        yield served


@pytest.fixture
def door(site):
    """A panitia, an event running now and three guest registrations (fresh per test)."""
    from events.models import Registration
    from extensions import db
    from timeutil import utcnow

    app, base = site
    with app.app_context():
        user, event = panitia_at_running_event(f"Sosialisasi PKPRI {secrets.token_hex(3)}")
        now = utcnow()
        regs = []
        for name, instansi in [("Siti Aminah", "PKK Kasemen"), ("Budi Santoso", "Karang Taruna"),
                               ("Rina Wulandari", "Puskesmas Serang")]:
            reg = Registration(event_id=event.id, guest_name=name, guest_instansi=instansi,
                               status="confirmed", source="guest", token=secrets.token_urlsafe(18),
                               created_at=now)
            db.session.add(reg)
            regs.append(reg)
        db.session.commit()
        data = {"email": user.email, "event_id": event.id,
                "tickets": [(r.id, r.guest_name, f"{base}/t/{r.token}") for r in regs]}
    return app, base, data


def _shot(page, name, close_result=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    if close_result and page.locator("#result").is_visible():
        # "Ketuk untuk menutup": a tap closes the overlay, which also closes by itself after a
        # few seconds, so it may be gone by the time the tap lands.
        with contextlib.suppress(sync_api.TimeoutError):
            page.locator("#result").click(timeout=2000)
        sync_api.expect(page.locator("#result")).to_be_hidden(timeout=10000)
    page.screenshot(path=str(SHOTS / name), full_page=close_result)


def test_scanner_reads_a_ticket_from_the_camera(chromium_path, door, tmp_path):
    app, base, data = door
    ev = data["event_id"]
    reg_id, name, url = data["tickets"][0]
    clip = write_y4m(tmp_path / "ticket.y4m", [url])
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        context, page = phone_page(browser, base, guards)
        log_in(page, data["email"])
        page.goto(f"/pindai/{data['event_id']}")
        start_camera(page)
        sync_api.expect(page.locator("#result")).to_contain_text(name, timeout=20000)
        poll_until(page, lambda: count_checkins(app, ev, reg_id) == 1, what="the check-in row")
        _shot(page, "scanner-checked-in.png")
        assert scanner_state(page, "lastResult")["result"] in ("checked_in", "already_checked_in")
        page.wait_for_timeout(1500)  # the clip loops: later sightings must not add rows
        assert count_checkins(app, ev) == 1
        sync_api.expect(page.locator("#counter")).to_contain_text("1", timeout=20000)
        _shot(page, "scanner-counter.png", close_result=True)
        context.close()
        browser.close()
    assert_local(guards)


def test_offline_scans_are_queued_then_synced_once(chromium_path, door, tmp_path):
    app, base, data = door
    ev = data["event_id"]
    (id2, name2, url2), (id3, name3, url3) = data["tickets"][1:]
    # 6 s blank while the page loads the decoder and the test cuts the network, then two codes.
    clip = write_y4m(tmp_path / "two.y4m", [None] * 6 + [url2, None, url3] + [None] * 3)
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        context, page = phone_page(browser, base, guards)
        log_in(page, data["email"])
        page.goto(f"/pindai/{data['event_id']}")
        poll_until(page, lambda: scanner_state(page, "ready"), what="decoder ready")
        context.set_offline(True)
        start_camera(page)
        poll_until(page, lambda: (scanner_state(page, "queueLength") or 0) >= 2, timeout=30, what="two queued scans")
        sync_api.expect(page.locator("#queue-panel")).to_be_visible()
        sync_api.expect(page.locator("#queue-list li")).to_have_count(2)
        sync_api.expect(page.locator("#net-status")).to_contain_text("2")
        _shot(page, "scanner-offline-queue.png", close_result=True)
        assert count_checkins(app, ev) == 0
        context.set_offline(False)
        poll_until(page, lambda: (scanner_state(page, "queueLength") or 0) == 0, timeout=30, what="queue drained")
        sync_api.expect(page.locator("#sync-results")).to_be_visible()
        sync_api.expect(page.locator("#sync-list")).to_contain_text(name2)
        sync_api.expect(page.locator("#sync-list")).to_contain_text(name3)
        _shot(page, "scanner-synced.png", close_result=True)
        assert count_checkins(app, ev, id2) == 1 and count_checkins(app, ev, id3) == 1 and count_checkins(app, ev) == 2
        context.close()
        browser.close()
    assert_local(guards)


def test_search_pick_and_a_forced_check_in_outside_the_window(chromium_path, door, tmp_path):
    """The name search shows no ticket token and checks the picked person in by registration
    id; outside the check-in window panitia confirm with a reason and the check-in is forced."""
    from events.checkin_models import CheckIn
    from events.models import Event
    from extensions import db
    from timeutil import utcnow

    app, base, data = door
    ev = data["event_id"]
    (id1, name1, _url1), (id2, _name2, url2) = data["tickets"][:2]
    clip = write_y4m(tmp_path / "blank.y4m", [None] * 3)
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p, chromium_path, clip)
        context, page = phone_page(browser, base, guards)
        log_in(page, data["email"])
        page.goto(f"/pindai/{ev}")
        found = page.evaluate("(u) => fetch(u).then((r) => r.json())",
                              f"/api/v1/events/{ev}/registrations?q=Siti")
        assert found["items"] and all("token" not in item for item in found["items"])
        page.fill("#search-q", "Siti")
        page.locator("#search-form button[type=submit]").click()
        page.locator(".search-item").first.click()
        sync_api.expect(page.locator("#result")).to_contain_text(name1, timeout=20000)
        poll_until(page, lambda: count_checkins(app, ev, id1) == 1, what="the search check-in row")

        with app.app_context():  # the event moves to tomorrow: its window is closed now
            event = db.session.get(Event, ev)
            event.starts_at = utcnow() + timedelta(days=1)
            event.ends_at = event.starts_at + timedelta(hours=3)
            db.session.commit()
            db.session.remove()
        page.locator(".scanner-more summary").click()
        page.fill("#manual-code", url2)
        page.locator("#manual-form button[type=submit]").click()
        result = page.locator("#result")
        sync_api.expect(result).to_have_attribute("data-result", "outside_window", timeout=20000)
        sync_api.expect(result).to_contain_text("Check-in dibuka pukul")
        assert count_checkins(app, ev, id2) == 0
        _shot(page, "scanner-outside-window.png")
        page.fill("#force-reason", "Panitia inti datang lebih awal")
        page.locator("#force-form button[type=submit]").click()
        sync_api.expect(result).to_have_attribute("data-result", "checked_in", timeout=20000)
        poll_until(page, lambda: count_checkins(app, ev, id2) == 1, what="the forced check-in row")
        with app.app_context():
            reasons = list(db.session.scalars(select(CheckIn.forced_reason)
                                              .where(CheckIn.registration_id.in_([id1, id2]))
                                              .order_by(CheckIn.id)))
            db.session.remove()
        assert reasons == [None, "Panitia inti datang lebih awal"]
        context.close()
        browser.close()
    assert_local(guards)
