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
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.e2e.conftest import FLAGS, live_app
from tests.e2e.fakecam import write_y4m

sync_api = pytest.importorskip("playwright.sync_api")

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-scanner"))
PASSWORD = "rahasia-e2e-123"


@pytest.fixture(scope="module")
def site():
    """The real app (CSRF on) on a random 127.0.0.1 port against a temp SQLite DB."""
    with live_app("e2e-scanner-") as served:
        yield served


@pytest.fixture
def door(site):
    """A panitia, an event running now and three guest registrations (fresh per test)."""
    from auth.models import User
    from events.models import Event, Registration
    from extensions import db
    from timeutil import utcnow

    app, base = site
    n = secrets.token_hex(3)
    with app.app_context():
        user = User(name="Panitia Pintu", email=f"pintu-{n}@contoh.id", role="panitia")
        user.set_password(PASSWORD)
        now = utcnow()
        event = Event(kind="sosialisasi", title=f"Sosialisasi PKPRI {n}", venue_name="Aula PKPRI",
                      status="published", starts_at=now - timedelta(minutes=30),
                      ends_at=now + timedelta(hours=3))
        db.session.add_all([user, event])
        db.session.flush()
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


def _checkins(app, event_id, registration_id=None) -> int:
    from events.checkin_models import CheckIn
    from extensions import db

    with app.app_context():
        query = select(func.count(CheckIn.id)).where(CheckIn.event_id == event_id)
        if registration_id is not None:
            query = query.where(CheckIn.registration_id == registration_id)
        n = db.session.scalar(query)
        db.session.remove()
        return n


def _browser(p, chromium, clip):
    return p.chromium.launch(executable_path=chromium, headless=True,
                             args=FLAGS + [f"--use-file-for-fake-video-capture={clip}"])


def _page(browser, base, guards):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base)
    page = context.new_page()
    page.on("request", lambda r: guards["requests"].append(r.url))
    page.on("pageerror", lambda e: guards["errors"].append(str(e)))
    return context, page


def _login(page, email):
    page.goto("/masuk")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state()


def _start_camera(page):
    """The page starts the camera itself when permission is already granted; else tap the button."""
    deadline = time.time() + 5
    while time.time() < deadline and _state(page, "camera") != "on":
        button = page.locator("#start-camera")
        if button.is_visible() and button.is_enabled():
            with contextlib.suppress(sync_api.Error):
                button.click(timeout=1000)
        page.wait_for_timeout(200)


def _state(page, key):
    return page.evaluate("(k) => (window.__scannerState || {})[k]", key)


def _poll(page, predicate, timeout=20.0, what=""):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        page.wait_for_timeout(150)
    raise AssertionError(f"timed out waiting for {what}: state={page.evaluate('() => window.__scannerState')}")


def _assert_local(guards):
    outside = [u for u in guards["requests"]
               if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))]
    assert outside == [], outside
    assert guards["errors"] == [], guards["errors"]


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
        browser = _browser(p, chromium_path, clip)
        context, page = _page(browser, base, guards)
        _login(page, data["email"])
        page.goto(f"/pindai/{data['event_id']}")
        _start_camera(page)
        sync_api.expect(page.locator("#result")).to_contain_text(name, timeout=20000)
        _poll(page, lambda: _checkins(app, ev, reg_id) == 1, what="the check-in row")
        _shot(page, "scanner-checked-in.png")
        assert _state(page, "lastResult")["result"] in ("checked_in", "already_checked_in")
        page.wait_for_timeout(1500)  # the clip loops: later sightings must not add rows
        assert _checkins(app, ev) == 1
        sync_api.expect(page.locator("#counter")).to_contain_text("1", timeout=20000)
        _shot(page, "scanner-counter.png", close_result=True)
        context.close()
        browser.close()
    _assert_local(guards)


def test_offline_scans_are_queued_then_synced_once(chromium_path, door, tmp_path):
    app, base, data = door
    ev = data["event_id"]
    (id2, name2, url2), (id3, name3, url3) = data["tickets"][1:]
    # 6 s blank while the page loads the decoder and the test cuts the network, then two codes.
    clip = write_y4m(tmp_path / "two.y4m", [None] * 6 + [url2, None, url3] + [None] * 3)
    guards = {"requests": [], "errors": []}
    with sync_api.sync_playwright() as p:
        browser = _browser(p, chromium_path, clip)
        context, page = _page(browser, base, guards)
        _login(page, data["email"])
        page.goto(f"/pindai/{data['event_id']}")
        _poll(page, lambda: _state(page, "ready"), what="decoder ready")
        context.set_offline(True)
        _start_camera(page)
        _poll(page, lambda: (_state(page, "queueLength") or 0) >= 2, timeout=30, what="two queued scans")
        sync_api.expect(page.locator("#queue-panel")).to_be_visible()
        sync_api.expect(page.locator("#queue-list li")).to_have_count(2)
        sync_api.expect(page.locator("#net-status")).to_contain_text("2")
        _shot(page, "scanner-offline-queue.png", close_result=True)
        assert _checkins(app, ev) == 0
        context.set_offline(False)
        _poll(page, lambda: (_state(page, "queueLength") or 0) == 0, timeout=30, what="queue drained")
        sync_api.expect(page.locator("#sync-results")).to_be_visible()
        sync_api.expect(page.locator("#sync-list")).to_contain_text(name2)
        sync_api.expect(page.locator("#sync-list")).to_contain_text(name3)
        _shot(page, "scanner-synced.png", close_result=True)
        assert _checkins(app, ev, id2) == 1 and _checkins(app, ev, id3) == 1 and _checkins(app, ev) == 2
        context.close()
        browser.close()
    _assert_local(guards)


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
        browser = _browser(p, chromium_path, clip)
        context, page = _page(browser, base, guards)
        _login(page, data["email"])
        page.goto(f"/pindai/{ev}")
        found = page.evaluate("(u) => fetch(u).then((r) => r.json())",
                              f"/api/v1/events/{ev}/registrations?q=Siti")
        assert found["items"] and all("token" not in item for item in found["items"])
        page.fill("#search-q", "Siti")
        page.locator("#search-form button[type=submit]").click()
        page.locator(".search-item").first.click()
        sync_api.expect(page.locator("#result")).to_contain_text(name1, timeout=20000)
        _poll(page, lambda: _checkins(app, ev, id1) == 1, what="the search check-in row")

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
        assert _checkins(app, ev, id2) == 0
        _shot(page, "scanner-outside-window.png")
        page.fill("#force-reason", "Panitia inti datang lebih awal")
        page.locator("#force-form button[type=submit]").click()
        sync_api.expect(result).to_have_attribute("data-result", "checked_in", timeout=20000)
        _poll(page, lambda: _checkins(app, ev, id2) == 1, what="the forced check-in row")
        with app.app_context():
            reasons = list(db.session.scalars(select(CheckIn.forced_reason)
                                              .where(CheckIn.registration_id.in_([id1, id2]))
                                              .order_by(CheckIn.id)))
            db.session.remove()
        assert reasons == [None, "Panitia inti datang lebih awal"]
        context.close()
        browser.close()
    _assert_local(guards)
